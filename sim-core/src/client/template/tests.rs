//! Templates checked against what the real docker CLI 28.2.2 printed for the same templates
//! over the same documents (tests/reference/docker/*-inspect*.txt).

use super::*;
use crate::client::json::{parse as jparse, Json};

/// The first document of a captured `docker inspect` (the JSON between the header line and
/// the `# exit` line).
fn captured(text: &str) -> Json {
    let body: String = text.lines().filter(|l| !l.starts_with("# ")).collect::<Vec<_>>().join("\n");
    let arr = jparse(body.as_bytes()).expect("captured inspect output is JSON");
    arr.as_arr().first().cloned().expect("one object")
}

fn ctr() -> Json {
    captured(include_str!("../../../../tests/reference/docker/ctr-inspect.txt"))
}
fn img() -> Json {
    captured(include_str!("../../../../tests/reference/docker/img-inspect.txt"))
}
fn built() -> Json {
    captured(include_str!("../../../../tests/reference/docker/build-inspect.txt"))
}

fn run(tmpl: &str, doc: &Json, typing: Typing) -> Result<String, String> {
    Template::parse(tmpl)?.inspect(doc, typing)
}

#[test]
fn container_templates_as_real() {
    let c = ctr();
    let t = |s: &str| run(s, &c, Typing::Container);
    assert_eq!(t("{{.NetworkSettings.IPAddress}}").as_deref(), Ok("172.17.0.2"));
    assert_eq!(t("{{.State.Pid}}").as_deref(), Ok("28355"));
    assert_eq!(
        t("{{json .NetworkSettings.Ports}}").as_deref(),
        Ok(r#"{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}]}"#)
    );
    assert_eq!(
        t("{{json .State}}").as_deref(),
        Ok(r#"{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":28355,"ExitCode":0,"Error":"","StartedAt":"2026-11-28T23:42:49.543300093Z","FinishedAt":"0001-01-01T00:00:00Z"}"#)
    );
    assert_eq!(
        t("{{.Name}} {{.State.Status}} {{.State.Running}} {{.Config.Image}} {{.Image}} {{.HostConfig.PortBindings}} {{.NetworkSettings.Ports}}").as_deref(),
        Ok("/ref-web running true alpine:3.15 sha256:019e7e6ea52fb851733e3e2e314bc5446857974c39186ffa9871e0f2642b069c map[80/tcp:[{ 8080}]] map[80/tcp:[{0.0.0.0 8080} {:: 8080}]]")
    );
    assert_eq!(
        t("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}} {{.MacAddress}}{{end}}").as_deref(),
        Ok("172.17.0.2 172.17.0.1 02:42:ac:11:00:02")
    );
}

#[test]
fn errors_as_real() {
    let c = ctr();
    // err-inspect-bad-field.txt / err-inspect-bad-template.txt
    assert_eq!(run("{{.Nope}}", &c, Typing::Container), Err("template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"".into()));
    assert_eq!(run("{{.Nope", &c, Typing::Container).err().as_deref(), Some("template: :1: unclosed action"));
    // err-ps-bad-format.txt: a formatter context.
    let ctx = context("*formatter.ContainerContext", vec![("ID", V::str("x"))]);
    let t = Template::parse("{{.Nope}}").expect("parses");
    assert_eq!(
        t.execute(&ctx),
        Err("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.ContainerContext".into())
    );
}

#[test]
fn image_templates_as_real() {
    let i = img();
    let t = |s: &str| run(s, &i, Typing::Image);
    assert_eq!(t("{{.Config.Cmd}}").as_deref(), Ok("[/bin/sh]"));
    assert_eq!(t("{{.Id}}").as_deref(), Ok("sha256:019e7e6ea52fb851733e3e2e314bc5446857974c39186ffa9871e0f2642b069c"));
    assert_eq!(t("{{json .Config}}").as_deref(), Ok(r#"{"Cmd":["/bin/sh"]}"#));
    assert_eq!(t("{{.RootFS.Layers}}").as_deref(), Ok("[sha256:bc82d69d18799fccab9f59ce1085479f585c901064330415b78db9aa0ade0ce7]"));
    assert_eq!(t("{{.Os}}/{{.Architecture}}").as_deref(), Ok("linux/amd64"));
    assert_eq!(t("{{.RepoTags}} {{.RepoDigests}} {{.Created}}").as_deref(), Ok("[alpine:3.15] [] 2026-11-28T23:39:51.306671052Z"));
    assert_eq!(t("{{.Size}}").as_deref(), Ok("5594467"));
    let b = built();
    let t = |s: &str| run(s, &b, Typing::Image);
    assert_eq!(
        t("{{json .Config}}").as_deref(),
        Ok(r#"{"ExposedPorts":{"80/tcp":{}},"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GREETING=hello","APP_HOME=/app"],"Cmd":["sh","-c","cat /app/hello.txt"],"WorkingDir":"/app","Labels":{"maintainer":"ref@example.com","org.example.version":"1.0"},"StopSignal":"SIGQUIT"}"#)
    );
    assert_eq!(
        t("{{.Config.Env}} {{.Config.WorkingDir}} {{.Config.ExposedPorts}} {{.Config.StopSignal}} {{.Config.Labels}} {{.Config.Cmd}} {{.Config.Entrypoint}}").as_deref(),
        Ok("[PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin GREETING=hello APP_HOME=/app] /app map[80/tcp:{}] SIGQUIT map[maintainer:ref@example.com org.example.version:1.0] [sh -c cat /app/hello.txt] []")
    );
}

#[test]
fn functions_and_control() {
    let c = ctr();
    let t = |s: &str| run(s, &c, Typing::Container);
    assert_eq!(t("{{join .Config.Cmd \" \"}}").as_deref(), Ok("sleep 1000"));
    assert_eq!(t("{{index .Config.Cmd 1}}").as_deref(), Ok("1000"));
    assert_eq!(t("{{upper .State.Status}}|{{lower \"AB\"}}|{{title \"hello world\"}}").as_deref(), Ok("RUNNING|ab|Hello World"));
    assert_eq!(t("{{if .State.Running}}up{{else}}down{{end}}").as_deref(), Ok("up"));
    assert_eq!(t("{{if eq .State.Status \"exited\"}}x{{else if .State.Running}}r{{end}}").as_deref(), Ok("r"));
    assert_eq!(t("{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}}{{end}}").as_deref(), Ok("bridge=172.17.0.2"));
    assert_eq!(t("{{println .Name}}").as_deref(), Ok("/ref-web\n"));
    assert_eq!(t("{{len .Config.Cmd}} {{printf \"%s-%d\" .Name 3}}").as_deref(), Ok("2 /ref-web-3"));
    assert_eq!(t("{{with .State}}{{.Status}}{{end}}").as_deref(), Ok("running"));
    assert_eq!(t("{{split \"a,b\" \",\"}}").as_deref(), Ok("[a b]"));
    assert_eq!(t("{{- \" x \" -}}").as_deref(), Ok(" x "));
    assert_eq!(t("{{/* c */}}y").as_deref(), Ok("y"));
    assert_eq!(
        t("{{index .Config.Cmd 5}}"),
        Err("template: :1:2: executing \"\" at <index .Config.Cmd 5>: error calling index: index out of range: 5".into())
    );
    assert_eq!(t("{{nope}}").err().as_deref(), Some("template: :1: function \"nope\" not defined"));
    assert_eq!(t("{{join .Config}}"), Err("template: :1:2: executing \"\" at <join>: wrong number of args for join: want 2 got 1".into()));
}

#[test]
fn header_execution() {
    let h = header(&[("ID", "CONTAINER ID"), ("Names", "NAMES")]);
    let t = Template::parse("{{.ID}}\t{{json .Names}}\t{{.Label \"com.example.some-label\"}}").expect("parses");
    let (out, err) = t.execute_opts(&h, Opts { header: true, ..Opts::default() });
    assert_eq!((out.as_str(), err), ("CONTAINER ID\tNAMES\tsome label", None));
}
