//! dockerd in the simulation, driven through /var/run/docker.sock with the requests the real
//! docker CLI sends (see tests/reference/docker/proxy/): what it answers and what it does to
//! the machine (processes, namespaces, overlay, veth).

use sim_core::client::transport::{ConnectError, DockerTransport};
use sim_core::engine::socket::SimTransport;
use sim_core::host::Profile;
use sim_core::http::{Request, Response};
use sim_core::shell::terminal::{Terminal, TerminalConfig};
use serde_json::Value;

const USER_SHELL: u32 = 3031;

fn req(method: &str, target: &str, body: Option<&str>) -> Request {
    let mut r = Request::new(method, target);
    r.headers.push(("Host".into(), "api.moby.localhost".into()));
    r.headers.push(("User-Agent".into(), "Docker-Client/28.2.2 (linux)".into()));
    match body {
        Some(b) => {
            r.headers.push(("Content-Length".into(), b.len().to_string()));
            r.headers.push(("Content-Type".into(), "application/json".into()));
            r.body = b.as_bytes().to_vec();
        }
        None if method == "POST" => r.headers.push(("Content-Length".into(), "0".into())),
        None => {}
    }
    r
}

fn call(t: &mut Terminal, method: &str, target: &str, body: Option<&str>) -> Response {
    let mut s = SimTransport::new(&mut t.kernel, USER_SHELL, "/var/run/docker.sock");
    s.roundtrip(&req(method, target, body)).expect("dockerd answers")
}

fn json(r: &Response) -> Value {
    serde_json::from_slice(&r.body).expect("JSON body")
}

fn create_body(image: &str, cmd: Option<&[&str]>, port: Option<(&str, &str)>) -> String {
    let mut v = serde_json::json!({
        "Hostname": "", "Domainname": "", "User": "", "AttachStdin": false, "AttachStdout": false, "AttachStderr": false,
        "Tty": false, "OpenStdin": false, "StdinOnce": false, "Env": null, "Cmd": cmd, "Image": image,
        "Volumes": {}, "WorkingDir": "", "Entrypoint": null, "OnBuild": null, "Labels": {},
        "HostConfig": { "NetworkMode": "default", "PortBindings": {}, "RestartPolicy": { "Name": "no", "MaximumRetryCount": 0 }, "AutoRemove": false },
        "NetworkingConfig": { "EndpointsConfig": {} }
    });
    if let Some((c, h)) = port {
        v["ExposedPorts"] = serde_json::json!({ c: {} });
        v["HostConfig"]["PortBindings"] = serde_json::json!({ c: [{ "HostIp": "", "HostPort": h }] });
    }
    v.to_string()
}

fn terminal() -> Terminal {
    Terminal::new(Profile::Linux, TerminalConfig::default())
}

#[test]
fn ping_and_version_carry_dockerds_headers() {
    let mut t = terminal();
    let r = call(&mut t, "HEAD", "/_ping", None);
    assert_eq!(r.status, 200);
    let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Api-Version", "Cache-Control", "Content-Length", "Content-Type", "Docker-Experimental", "Ostype", "Pragma", "Server", "Date"]);
    assert_eq!(r.header("Api-Version"), Some("1.41"));
    let v = json(&call(&mut t, "GET", "/v1.41/version", None));
    assert_eq!(v["ApiVersion"], "1.41");
    assert_eq!(v["KernelVersion"], "4.14.281-212.502.amzn2.x86_64");
    let too_new = call(&mut t, "GET", "/v1.99/version", None);
    assert_eq!(too_new.status, 400);
    assert_eq!(json(&too_new)["message"], "client version 1.99 is too new. Maximum supported API version is 1.41");
}

#[test]
fn pull_creates_layers_and_lists_the_image() {
    let mut t = terminal();
    let r = call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    assert_eq!(r.status, 200);
    assert!(r.chunked && r.chunks.len() > 6, "one JSON message per chunk");
    let text = String::from_utf8_lossy(&r.body).to_string();
    assert!(text.starts_with("{\"status\":\"Pulling from library/nginx\",\"id\":\"1.21-alpine\"}\r\n"), "{text}");
    assert!(text.contains("\"status\":\"Pull complete\""));
    assert!(text.contains("Status: Downloaded newer image for nginx:1.21-alpine"));
    let list = json(&call(&mut t, "GET", "/v1.41/images/json", None));
    assert_eq!(list[0]["RepoTags"][0], "nginx:1.21-alpine");
    // A second pull has everything.
    let again = String::from_utf8_lossy(&call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None).body).to_string();
    assert!(again.contains("Image is up to date for nginx:1.21-alpine"), "{again}");
    // alpine's layer is shared: pulling alpine now downloads nothing new.
    let alpine = String::from_utf8_lossy(&call(&mut t, "POST", "/v1.41/images/create?fromImage=alpine&tag=3.15", None).body).to_string();
    assert!(alpine.contains("Already exists"), "{alpine}");
    // The layers are on the host under /var/lib/docker/overlay2.
    let out = t.run("sudo ls /var/lib/docker/overlay2 | wc -l", 1_654_766_500);
    assert_eq!(out.trim(), "7", "6 layers of nginx + l/");
    let missing = call(&mut t, "POST", "/v1.41/images/create?fromImage=nosuch&tag=latest", None);
    assert_eq!(missing.status, 404);
    assert_eq!(json(&missing)["message"], "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
    let tag = call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=0.0", None);
    assert_eq!(json(&tag)["message"], "manifest for nginx:0.0 not found: manifest unknown: manifest unknown");
}

#[test]
fn run_nginx_builds_the_article_process_tree() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=nginx", Some(&create_body("nginx:1.21-alpine", None, Some(("80/tcp", "8080")))));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    let dup = call(&mut t, "POST", "/v1.41/containers/create?name=nginx", Some(&create_body("nginx:1.21-alpine", None, None)));
    assert_eq!(dup.status, 409);
    let s = call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    assert_eq!(s.status, 204, "{}", String::from_utf8_lossy(&s.body));
    let ps = t.run("ps auxf | grep -v grep | grep -E 'containerd-shim|nginx|docker-proxy'", 1_654_766_520);
    assert!(ps.contains(&format!("/usr/bin/containerd-shim-runc-v2 -namespace moby -id {id}")), "{ps}");
    assert!(ps.contains("\\_ nginx: master process nginx -g daemon off;"), "{ps}");
    assert!(ps.contains("\\_ nginx: worker process"), "{ps}");
    assert!(ps.contains("/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80"), "{ps}");
    let list = json(&call(&mut t, "GET", "/v1.41/containers/json", None));
    assert_eq!(list[0]["Names"][0], "/nginx");
    // daemon/list.go quotes an argument with a space (checked against dockerd 20.10 by
    // tests/compare/shell.scenario).
    assert_eq!(list[0]["Command"], "/docker-entrypoint.sh nginx -g 'daemon off;'");
    assert_eq!(list[0]["State"], "running");
    let inspect = json(&call(&mut t, "GET", "/v1.41/containers/nginx/json", None));
    assert_eq!(inspect["NetworkSettings"]["IPAddress"], "172.17.0.2");
    assert_eq!(inspect["NetworkSettings"]["MacAddress"], "02:42:ac:11:00:02");
    assert_eq!(inspect["Config"]["Hostname"], id[..12]);
    let logs = call(&mut t, "GET", "/v1.41/containers/nginx/logs?stderr=1&stdout=1", None);
    let text = String::from_utf8_lossy(&logs.body);
    assert!(text.contains("/docker-entrypoint.sh: Configuration complete; ready for start up"), "{text}");
    assert!(text.contains("[notice] 1#1: start worker process 32"), "{text}");
    // The host side of the network: docker0 up with a veth on it.
    let ip = t.run("ip link show master docker0", 1_654_766_530);
    assert!(ip.contains("veth") && ip.contains("master docker0"), "{ip}");
    let port_taken = call(&mut t, "POST", "/v1.41/containers/create?name=web2", Some(&create_body("nginx:1.21-alpine", None, Some(("80/tcp", "8080")))));
    let id2 = json(&port_taken)["Id"].as_str().expect("id").to_string();
    let fail = call(&mut t, "POST", &format!("/v1.41/containers/{id2}/start"), None);
    assert_eq!(fail.status, 500);
    assert!(json(&fail)["message"].as_str().unwrap_or("").ends_with("Bind for 0.0.0.0:8080 failed: port is already allocated"));
    // stop: nginx stops on SIGQUIT and exits 0; everything it had is gone.
    assert_eq!(call(&mut t, "POST", "/v1.41/containers/nginx/stop", None).status, 204);
    let after = json(&call(&mut t, "GET", "/v1.41/containers/nginx/json", None));
    assert_eq!(after["State"]["Status"], "exited");
    assert_eq!(after["State"]["ExitCode"], 0);
    let ps = t.run("ps aux | grep -c -E 'nginx: |containerd-shim|docker-proxy'", 1_654_766_540);
    assert_eq!(ps.trim(), "1", "only the grep itself is left");
    let links = t.run("ip -br link | grep -c veth", 1_654_766_541);
    assert_eq!(links.trim(), "0");
    assert_eq!(call(&mut t, "DELETE", "/v1.41/containers/nginx", None).status, 204);
    assert_eq!(call(&mut t, "GET", "/v1.41/containers/nginx/json", None).status, 404);
}

#[test]
fn a_missing_command_fails_the_start_like_runc() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=alpine&tag=3.15", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create", Some(&create_body("alpine:3.15", Some(&["nosuchcmd"]), None)));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    let s = call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    assert_eq!(s.status, 400);
    assert_eq!(json(&s)["message"], "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"nosuchcmd\": executable file not found in $PATH: unknown");
    let c = json(&call(&mut t, "GET", &format!("/v1.41/containers/{id}/json"), None));
    assert_eq!(c["State"]["Status"], "created");
    assert_eq!(c["State"]["ExitCode"], 127);
    let ps = t.run("ps aux | grep -c containerd-shim", 1_654_766_540);
    assert_eq!(ps.trim(), "1", "no shim left behind");
}

#[test]
fn the_socket_needs_the_docker_group() {
    let mut t = terminal();
    // root (sudo) and ec2-user (group docker) may connect; a process of nobody may not.
    let mut s = SimTransport::new(&mut t.kernel, 1, "/var/run/docker.sock");
    assert!(s.roundtrip(&req("HEAD", "/_ping", None)).is_ok());
    let p = t.kernel.procs.get_mut(&USER_SHELL).expect("shell");
    p.uid = 99;
    p.gid = 99;
    let mut s = SimTransport::new(&mut t.kernel, USER_SHELL, "/var/run/docker.sock");
    assert_eq!(s.roundtrip(&req("HEAD", "/_ping", None)).err(), Some(ConnectError::PermissionDenied));
    let mut s = SimTransport::new(&mut t.kernel, 1, "/nosuch.sock");
    assert_eq!(s.roundtrip(&req("HEAD", "/_ping", None)).err(), Some(ConnectError::NotRunning));
}

#[test]
fn curl_reaches_nginx_through_the_published_port() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=nginx", Some(&create_body("nginx:1.21-alpine", None, Some(("80/tcp", "8080")))));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    let page = t.run("curl http://localhost:8080", 1_654_766_600);
    assert!(page.contains("<h1>Welcome to nginx!</h1>"), "{page}");
    let head = t.run("curl -sI localhost:8080/", 1_654_766_601);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/1.21.6\r\nDate: Thu, 09 Jun 2022 09:23:21 GMT\r\nContent-Type: text/html\r\nContent-Length: 615\r\n"), "{head:?}");
    let missing = t.run("curl -s http://localhost:8080/nosuch", 1_654_766_602);
    assert!(missing.contains("<title>404 Not Found</title>"), "{missing}");
    let logs = String::from_utf8_lossy(&call(&mut t, "GET", "/v1.41/containers/nginx/logs?stdout=1", None).body).to_string();
    assert!(logs.contains("172.17.0.1 - - [09/Jun/2022:09:23:20 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/7.88.1\" \"-\""), "{logs}");
    // The container's address works from the host too; nothing listens on 8081.
    let direct = t.run("curl -s 172.17.0.2 | head -4 | tail -1", 1_654_766_603);
    assert_eq!(direct, "<title>Welcome to nginx!</title>\n");
    let refused = t.run("curl localhost:8081", 1_654_766_604);
    assert_eq!(refused, "curl: (7) Failed to connect to localhost port 8081 after 0 ms: Couldn't connect to server\n");
    let api = t.run("curl -s --unix-socket /var/run/docker.sock http://localhost/_ping", 1_654_766_605);
    assert_eq!(api, "OK");
    // Traffic shows in the counters of docker0.
    let ifc = t.run("ifconfig docker0 | grep 'RX packets'", 1_654_766_606);
    assert!(!ifc.contains("RX packets 0 "), "{ifc}");
}

#[test]
fn docker_service_is_socket_activated() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=web", Some(&create_body("nginx:1.21-alpine", None, None)));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    let denied = t.run("systemctl stop docker", 1_654_766_700);
    assert!(denied.starts_with("Failed to stop docker.service: Interactive authentication required."), "{denied}");
    let warn = t.run("sudo systemctl stop docker", 1_654_766_701);
    assert_eq!(warn, "Warning: Stopping docker.service, but it can still be activated by:\n  docker.socket\n");
    assert_eq!(t.run("systemctl is-active docker", 1_654_766_702), "inactive\n");
    assert!(!t.run("ps aux", 1_654_766_703).contains("/usr/bin/dockerd"));
    // The next connection starts it again; the container stopped with the daemon.
    assert_eq!(t.run("curl -s --unix-socket /var/run/docker.sock http://localhost/_ping", 1_654_766_704), "OK");
    assert_eq!(t.run("systemctl is-active docker", 1_654_766_705), "active\n");
    let all = json(&call(&mut t, "GET", "/v1.41/containers/json?all=1", None));
    assert_eq!(all[0]["State"], "exited");
    assert_eq!(t.run("sudo systemctl stop docker.socket docker", 1_654_766_706), "");
    let refused = t.run("curl -s --unix-socket /var/run/docker.sock http://localhost/_ping; echo $?", 1_654_766_707);
    assert_eq!(refused, "7\n");
    let st = t.run("systemctl status docker | head -3", 1_654_766_708);
    assert!(st.contains("Active: inactive (dead) since Thu 2022-06-09"), "{st}");
    assert_eq!(t.run("sudo systemctl start docker", 1_654_766_709), "");
    assert_eq!(t.run("curl -s --unix-socket /var/run/docker.sock http://localhost/_ping", 1_654_766_710), "OK");
}

#[test]
fn mysql_needs_a_root_password_option_and_is_amd64_only() {
    let mut t = terminal();
    let r = call(&mut t, "POST", "/v1.41/images/create?fromImage=mysql&tag=5.7", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let arm = call(&mut t, "POST", "/v1.41/images/create?fromImage=mysql&tag=5.7&platform=linux%2Farm64%2Fv8", None);
    // As real dockerd streams it (tests/reference/docker/api-curl-pull-no-matching-manifest.txt):
    // "Pulling from" first, then the error inside the 200 stream.
    assert_eq!(arm.status, 200);
    assert_eq!(
        String::from_utf8_lossy(&arm.body),
        "{\"status\":\"Pulling from library/mysql\",\"id\":\"5.7\"}\r\n{\"errorDetail\":{\"message\":\"no matching manifest for linux/arm64/v8 in the manifest list entries\"},\"error\":\"no matching manifest for linux/arm64/v8 in the manifest list entries\"}\r\n"
    );
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=db", Some(&create_body("mysql:5.7", None, None)));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    let c = json(&call(&mut t, "GET", "/v1.41/containers/db/json", None));
    assert_eq!((c["State"]["Status"].as_str(), c["State"]["ExitCode"].as_i64()), (Some("exited"), Some(1)));
    let logs = String::from_utf8_lossy(&call(&mut t, "GET", "/v1.41/containers/db/logs?stdout=1&stderr=1", None).body).to_string();
    assert!(logs.contains("[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n"), "{logs}");
    let mut body: Value = serde_json::from_str(&create_body("mysql:5.7", None, None)).expect("json");
    body["Env"] = serde_json::json!(["MYSQL_ROOT_PASSWORD=example"]);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=db2", Some(&body.to_string()));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    let c = json(&call(&mut t, "GET", "/v1.41/containers/db2/json", None));
    assert_eq!(c["State"]["Status"], "running");
    let ps = t.run("ps -eo user,comm | grep mysqld", 1_654_766_900);
    // uid 999 is the container's mysql; the host names it after its own /etc/passwd.
    assert_eq!(ps, "libstor+ mysqld\n");
}

/// The reference capture's output (its `# command:` line and `# exit:` trailer removed).
fn reference(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/docker").join(name);
    let text = std::fs::read_to_string(p).expect("reference file");
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    lines.retain(|l| !l.starts_with("# exit:"));
    lines.join("\n") + "\n"
}

#[test]
fn published_ports_are_dnat_rules_as_real_docker_writes_them() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=web", Some(&create_body("nginx:1.21-alpine", None, Some(("80/tcp", "8080")))));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    assert_eq!(t.run("sudo iptables -t nat -L -n", 1_654_767_000), reference("host-iptables-nat-L.txt"));
    assert_eq!(t.run("sudo iptables -t nat -S", 1_654_767_001), reference("host-iptables-nat-S.txt"));
    assert_eq!(t.run("sudo iptables -S", 1_654_767_002), reference("host-iptables-filter-S.txt"));
    call(&mut t, "POST", "/v1.41/containers/web/stop", None);
    let after = t.run("sudo iptables -t nat -S DOCKER", 1_654_767_003);
    assert_eq!(after, "-N DOCKER\n-A DOCKER -i docker0 -j RETURN\n");
    assert!(t.run("iptables -L", 1_654_767_004).contains("Permission denied (you must be root)"));
}

/// `docker exec ID argv...` through the socket: the stream's bytes.
fn exec(t: &mut Terminal, id: &str, argv: &[&str]) -> Vec<u8> {
    let body = serde_json::json!({ "User": "", "Privileged": false, "Tty": false, "AttachStdin": false, "AttachStderr": true, "AttachStdout": true, "Detach": false, "DetachKeys": "", "Env": null, "WorkingDir": "", "Cmd": argv }).to_string();
    let r = call(t, "POST", &format!("/v1.41/containers/{id}/exec"), Some(&body));
    let eid = json(&r)["Id"].as_str().expect("exec id").to_string();
    let mut s = SimTransport::new(&mut t.kernel, USER_SHELL, "/var/run/docker.sock");
    let mut start = req("POST", &format!("/v1.41/exec/{eid}/start"), Some("{\"Detach\":false,\"Tty\":false}"));
    start.headers.push(("Connection".into(), "Upgrade".into()));
    start.headers.push(("Upgrade".into(), "tcp".into()));
    let (resp, stream) = s.hijack(&start).expect("hijack");
    assert_eq!(resp.status, 101);
    s.read_stream(stream)
}

/// The stdout frames of a multiplexed stream, joined.
fn stdout_of(frames: &[u8]) -> String {
    let mut out = Vec::new();
    let mut rest = frames;
    while rest.len() >= 8 {
        let n = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        if rest[0] == 1 {
            out.extend_from_slice(&rest[8..8 + n]);
        }
        rest = &rest[8 + n..];
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_container_sees_its_image_and_writes_copy_up() {
    let mut t = terminal();
    call(&mut t, "POST", "/v1.41/images/create?fromImage=nginx&tag=1.21-alpine", None);
    let r = call(&mut t, "POST", "/v1.41/containers/create?name=nginx", Some(&create_body("nginx:1.21-alpine", None, Some(("80/tcp", "8080")))));
    let id = json(&r)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id}/start"), None);
    // The article's `ls /` inside the container, with a terminal's width.
    let ls = stdout_of(&exec(&mut t, &id, &["ls", "/"]));
    assert_eq!(ls, "bin\ndev\ndocker-entrypoint.d\ndocker-entrypoint.sh\netc\nhome\nlib\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nsrv\nsys\ntmp\nusr\nvar\n");
    let ps = stdout_of(&exec(&mut t, &id, &["ps", "aux"]));
    assert!(ps.starts_with("PID   USER     TIME  COMMAND\n    1 root      0:00 nginx: master process nginx -g daemon off;\n   32 nginx     0:00 nginx: worker process\n"), "{ps}");
    let mounts = stdout_of(&exec(&mut t, &id, &["mount"]));
    assert!(mounts.starts_with("overlay on / type overlay (rw,relatime,lowerdir=/var/lib/docker/overlay2/l/"), "{mounts}");
    assert!(mounts.contains(&format!(",upperdir=/var/lib/docker/overlay2/{id}/diff,workdir=/var/lib/docker/overlay2/{id}/work)")), "{mounts}");
    // Writes land in the container's upper layer; a delete leaves a whiteout there.
    exec(&mut t, &id, &["sh", "-c", "echo hello > /etc/newfile; rm /etc/motd; echo y >> /etc/profile"]);
    let upper = t.run(&format!("sudo ls -l /var/lib/docker/overlay2/{id}/diff/etc"), 1_654_767_100);
    assert!(upper.contains("c---------    1 root     root       0, 0 ") || upper.contains("c--------- 1 root root 0, 0 "), "{upper}");
    assert!(upper.contains(" motd\n") && upper.contains(" newfile\n") && upper.contains(" profile\n"), "{upper}");
    let cat = stdout_of(&exec(&mut t, &id, &["cat", "/etc/newfile"]));
    assert_eq!(cat, "hello\n");
    let gone = exec(&mut t, &id, &["ls", "/etc/motd"]);
    assert!(String::from_utf8_lossy(&gone).contains("No such file or directory"));
    // The image's layer is untouched: a second container still has /etc/motd.
    let r2 = call(&mut t, "POST", "/v1.41/containers/create?name=other", Some(&create_body("nginx:1.21-alpine", Some(&["sleep", "1000"]), None)));
    let id2 = json(&r2)["Id"].as_str().expect("id").to_string();
    call(&mut t, "POST", &format!("/v1.41/containers/{id2}/start"), None);
    let motd = stdout_of(&exec(&mut t, &id2, &["cat", "/etc/motd"]));
    assert!(motd.starts_with("Welcome to Alpine!"), "{motd}");
}

#[test]
fn import_takes_the_tag_in_repo_as_the_cli_sends_it() {
    let mut t = terminal();
    // An empty layer: the end-of-archive blocks only.
    let empty = vec![0u8; 1024];
    for (repo, tag) in [("imported:1.0", "imported:1.0"), ("imported", "imported:latest"), ("localhost:5000/x/imp:2", "localhost:5000/x/imp:2")] {
        let mut r = req("POST", &format!("/v1.41/images/create?fromSrc=-&repo={}", repo.replace(':', "%3A").replace('/', "%2F")), None);
        r.headers.retain(|(k, _)| k != "Content-Length");
        r.headers.push(("Content-Length".into(), empty.len().to_string()));
        r.body = empty.clone();
        let mut s = SimTransport::new(&mut t.kernel, USER_SHELL, "/var/run/docker.sock");
        let resp = s.roundtrip(&r).expect("dockerd answers");
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let list = json(&call(&mut t, "GET", "/v1.41/images/json", None));
        let tags: Vec<String> = list.as_array().expect("list").iter().flat_map(|i| sim_core::engine::containers::str_list(i.get("RepoTags"))).collect();
        assert!(tags.contains(&tag.to_string()), "{repo}: {tags:?}");
    }
}

/// The /volumes endpoints and a container's mount points: bodies and status codes captured
/// from real dockerd 20.10 here with curl (the CLI shows only the messages).
#[test]
fn volumes_answer_as_dockerd() {
    let mut t = terminal();
    let r = call(&mut t, "POST", "/v1.41/volumes/create", Some(r#"{"Driver":"local","Labels":{"cmpv":"1"},"Name":"data"}"#));
    assert_eq!(r.status, 201);
    let v = json(&r);
    let keys: Vec<&str> = v.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(keys, ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"]);
    assert_eq!((v["Mountpoint"].as_str(), v["Labels"]["cmpv"].as_str(), v["Options"].is_null()), (Some("/var/lib/docker/volumes/data/_data"), Some("1"), true));
    let err = |r: &Response| (r.status, json(r)["message"].as_str().unwrap_or("").to_string());
    assert_eq!(err(&call(&mut t, "POST", "/v1.41/volumes/create", Some(r#"{"Name":"a"}"#))), (400, "create a: volume name is too short, names should be at least two alphanumeric characters".into()));
    assert_eq!(err(&call(&mut t, "POST", "/v1.41/volumes/create", Some(r#"{"Name":"q1","Driver":"foo"}"#))), (404, "create q1: error looking up volume plugin foo: plugin \"foo\" not found".into()));
    assert_eq!(err(&call(&mut t, "GET", "/v1.41/volumes/nope", None)), (404, "get nope: no such volume".into()));
    assert_eq!(err(&call(&mut t, "GET", "/v1.41/volumes?filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D", None)), (400, "Invalid filter 'bogus'".into()));
    assert_eq!(call(&mut t, "DELETE", "/v1.41/volumes/nope?force=1", None).status, 204);
    let none = json(&call(&mut t, "GET", "/v1.41/volumes?filters=%7B%22name%22%3A%7B%22zzz%22%3Atrue%7D%7D", None));
    assert_eq!(none, serde_json::json!({ "Volumes": [], "Warnings": null }));
    // A container using the volume: in use (409), with its id; Binds errors are 500s.
    call(&mut t, "POST", "/v1.41/images/create?fromImage=alpine&tag=3.15", None);
    let mut body: Value = serde_json::from_str(&create_body("alpine:3.15", Some(&["true"]), None)).expect("json");
    body["HostConfig"]["Binds"] = serde_json::json!(["data:/data"]);
    let id = json(&call(&mut t, "POST", "/v1.41/containers/create?name=user", Some(&body.to_string())))["Id"].as_str().unwrap_or("").to_string();
    assert_eq!(err(&call(&mut t, "DELETE", "/v1.41/volumes/data", None)), (409, format!("remove data: volume is in use - [{id}]")));
    body["HostConfig"]["Binds"] = serde_json::json!(["a:b:c:d"]);
    assert_eq!(err(&call(&mut t, "POST", "/v1.41/containers/create?name=bad", Some(&body.to_string()))), (500, "invalid volume specification: 'a:b:c:d'".into()));
    body["HostConfig"]["Binds"] = serde_json::json!(["data:/p", "other:/p"]);
    assert_eq!(err(&call(&mut t, "POST", "/v1.41/containers/create?name=bad", Some(&body.to_string()))), (400, "Duplicate mount point: /p".into()));
    body["HostConfig"]["Binds"] = Value::Null;
    body["HostConfig"]["Mounts"] = serde_json::json!([{ "Type": "bind", "Source": "/nonexist", "Target": "/p" }]);
    assert_eq!(err(&call(&mut t, "POST", "/v1.41/containers/create?name=bad", Some(&body.to_string()))), (400, "invalid mount config for type \"bind\": bind source path does not exist: /nonexist".into()));
    // Prune: what no container uses.
    call(&mut t, "DELETE", &format!("/v1.41/containers/{id}"), None);
    let pruned = json(&call(&mut t, "POST", "/v1.41/volumes/prune", None));
    assert_eq!(pruned, serde_json::json!({ "VolumesDeleted": ["data"], "SpaceReclaimed": 0 }));
}
