//! The CLI's list formatters (`cli/command/formatter`): the contexts a `--format` template
//! sees for containers, images, history and networks, the default table formats, and the
//! writer that runs a template per row and lays tables out with the tabwriter.

use crate::sort::SortSlice;
use super::humanize::{ago, human_size, human_size_precision};
use super::json::Json;
use super::table::{char_width, TabWriter};
use super::template::{context, header, Opts, Template, V};
use crate::clock;

/// `stringid.TruncateID`: the 12 hex digits after any `sha256:`.
pub fn truncate_id(id: &str) -> String {
    let id = match id.find(':') {
        Some(i) => &id[i + 1..],
        None => id,
    };
    id.chars().take(12).collect()
}

/// `formatter.Ellipsis`: cut to a display width, the last cell being `…`.
pub fn ellipsis(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let chars: Vec<char> = s.chars().collect();
    if max == 1 {
        return chars.first().map(|c| c.to_string()).unwrap_or_default();
    }
    let width: usize = chars.iter().map(|c| char_width(*c)).sum();
    if width <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in chars {
        let cw = char_width(c);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

pub use super::template::lex::go_quote;

/// Parses RFC 3339 with optional fraction: (Unix seconds, nanoseconds).
pub fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse::<i64>().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[start..i];
        let padded: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().ok()?;
    }
    let offset = match b.get(i) {
        Some(b'Z') | Some(b'z') => 0,
        Some(b'+') | Some(b'-') => {
            let sign = if b[i] == b'-' { -1 } else { 1 };
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    let days = clock::days_from_civil(y, mo as u32, d as u32);
    Some((days * 86_400 + h * 3600 + mi * 60 + se - offset, nanos))
}

/// Go's `Time.String()` in UTC: `2026-11-28 23:42:48.947443482 +0000 UTC` (fraction trimmed).
pub fn go_time_string(secs: i64, nanos: u32) -> String {
    let t = clock::tm(secs);
    let mut frac = String::new();
    if nanos > 0 {
        frac = format!(".{nanos:09}");
        while frac.ends_with('0') {
            frac.pop();
        }
    }
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}{frac} +0000 UTC", t.year, t.month, t.day, t.hour, t.min, t.sec)
}

/// `formatter.DisplayablePorts` for the `Ports` array of a container summary.
pub fn displayable_ports(ports: &[Json]) -> String {
    struct P {
        ip: String,
        private: i64,
        public: i64,
        typ: String,
    }
    let mut ps: Vec<P> =
        ports.iter().map(|p| P { ip: p.s("IP"), private: p.i("PrivatePort"), public: p.i("PublicPort"), typ: p.s("Type") }).collect();
    ps.sort_stable_by(|a, b| {
        a.private.cmp(&b.private).then_with(|| a.ip.cmp(&b.ip)).then_with(|| a.public.cmp(&b.public)).then_with(|| a.typ.cmp(&b.typ))
    });
    let mut groups: Vec<(String, i64, i64)> = Vec::new();
    let mut result = Vec::new();
    let mut host_mappings = Vec::new();
    for p in &ps {
        let mut key = p.typ.clone();
        if !p.ip.is_empty() {
            if p.public != p.private {
                host_mappings.push(format!("{}->{}/{}", join_host_port(&p.ip, &p.public.to_string()), p.private, p.typ));
                continue;
            }
            key = format!("{}/{}", p.ip, p.typ);
        }
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            None => groups.push((key, p.private, p.private)),
            Some(g) => {
                if g.2.checked_add(1) == Some(p.private) {
                    g.2 = p.private;
                } else {
                    result.push(form_group(&g.0, g.1, g.2));
                    g.1 = p.private;
                    g.2 = p.private;
                }
            }
        }
    }
    for (k, a, b) in &groups {
        result.push(form_group(k, *a, *b));
    }
    result.extend(host_mappings);
    result.join(", ")
}

/// `sortorder.NaturalLess` as an ordering: runs of digits compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if x[i].is_ascii_digit() && y[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < x.len() && x[i].is_ascii_digit() {
                i += 1;
            }
            while j < y.len() && y[j].is_ascii_digit() {
                j += 1;
            }
            let nx = std::str::from_utf8(&x[si..i]).unwrap_or("0").trim_start_matches('0');
            let ny = std::str::from_utf8(&y[sj..j]).unwrap_or("0").trim_start_matches('0');
            let o = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny)).then_with(|| (i - si).cmp(&(j - sj)));
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        } else {
            if x[i] != y[j] {
                return x[i].cmp(&y[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (x.len() - i).cmp(&(y.len() - j))
}

/// `net.JoinHostPort`.
pub fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn form_group(key: &str, start: i64, last: i64) -> String {
    let parts: Vec<&str> = key.split('/').collect();
    let (ip, typ) = if parts.len() > 1 { (parts[0], parts[1]) } else { ("", parts[0]) };
    let mut group = start.to_string();
    if start != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{}->{group}", join_host_port(ip, &group));
    }
    format!("{group}/{typ}")
}

/// The formatter context of one `docker ps` row (`*formatter.ContainerContext`).
pub fn container_ctx(c: &Json, trunc: bool, now_ns: i128) -> V {
    let id = c.s("Id");
    let names: Vec<String> = c.strings("Names").iter().map(|n| n.strip_prefix('/').unwrap_or(n).to_string()).collect();
    let names = if trunc {
        match names.iter().find(|n| !n.contains('/')) {
            Some(n) => vec![n.clone()],
            None => names,
        }
    } else {
        names
    };
    let image = c.s("Image");
    let image_shown = if image.is_empty() {
        "<no image>".to_string()
    } else if trunc {
        let image_id = c.s("ImageID");
        if truncate_id(&image_id) == truncate_id(&image) {
            truncate_id(&image_id)
        } else {
            match super::reference::parse_normalized(&image) {
                Ok(r) => {
                    if r.tag.is_some() {
                        let mut r2 = r.clone();
                        r2.digest = None;
                        r2.familiar()
                    } else {
                        r.familiar_name()
                    }
                }
                Err(_) => image.clone(),
            }
        }
    } else {
        image.clone()
    };
    let command = c.s("Command");
    let command = go_quote(&if trunc { ellipsis(&command, 20) } else { command });
    let created = c.i("Created");
    let labels: Vec<(String, V)> = c.get("Labels").map(|l| l.as_obj().iter().map(|(k, v)| (k.clone(), V::Str(v.as_str().unwrap_or("").to_string()))).collect()).unwrap_or_default();
    let mut label_list: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={}", v.print())).collect();
    label_list.sort_stable();
    let mounts: Vec<String> = c
        .get("Mounts")
        .map(|m| {
            m.as_arr()
                .iter()
                .map(|m| {
                    let n = if m.s("Name").is_empty() { m.s("Source") } else { m.s("Name") };
                    if trunc {
                        ellipsis(&n, 15)
                    } else {
                        n
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let local_volumes = c.get("Mounts").map(|m| m.as_arr().iter().filter(|m| m.s("Driver") == "local").count()).unwrap_or(0);
    let networks: Vec<String> = c.at(&["NetworkSettings", "Networks"]).map(|n| n.as_obj().iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    let size_rw = c.i("SizeRw");
    let size_root = c.i("SizeRootFs");
    let mut size = human_size_precision(size_rw as f64, 3);
    if size_root > 0 {
        size = format!("{size} (virtual {})", human_size_precision(size_root as f64, 3));
    }
    context(
        "*formatter.ContainerContext",
        vec![
            ("Command", V::Str(command)),
            ("CreatedAt", V::Str(go_time_string(created, 0))),
            ("ID", V::Str(if trunc { truncate_id(&id) } else { id })),
            ("Image", V::Str(image_shown)),
            ("Labels", V::Str(label_list.join(","))),
            ("Label", V::Map(labels, super::template::value::MapKind::Typed)),
            ("LocalVolumes", V::Str(local_volumes.to_string())),
            ("Mounts", V::Str(mounts.join(","))),
            ("Names", V::Str(names.join(","))),
            ("Networks", V::Str(networks.join(","))),
            ("Platform", V::Nil(super::template::value::NilKind::Ptr)),
            ("Ports", V::Str(displayable_ports(c.get("Ports").map(Json::as_arr).unwrap_or(&[])))),
            ("RunningFor", V::Str(ago(now_ns, created as i128 * 1_000_000_000))),
            ("Size", V::Str(size)),
            ("State", V::Str(c.s("State"))),
            ("Status", V::Str(c.s("Status"))),
        ],
    )
}

pub const CONTAINER_TABLE: &str = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

pub fn container_header() -> V {
    header(&[
        ("ID", "CONTAINER ID"),
        ("Names", "NAMES"),
        ("Image", "IMAGE"),
        ("Command", "COMMAND"),
        ("CreatedAt", "CREATED AT"),
        ("RunningFor", "CREATED"),
        ("Ports", "PORTS"),
        ("State", "STATE"),
        ("Status", "STATUS"),
        ("Size", "SIZE"),
        ("Labels", "LABELS"),
        ("Mounts", "MOUNTS"),
        ("LocalVolumes", "LOCAL VOLUMES"),
        ("Networks", "NETWORKS"),
        ("Platform", "PLATFORM"),
    ])
}

pub const IMAGE_TABLE: &str = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
pub const IMAGE_TABLE_DIGEST: &str =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";

pub fn image_header() -> V {
    header(&[
        ("ID", "IMAGE ID"),
        ("Repository", "REPOSITORY"),
        ("Tag", "TAG"),
        ("Digest", "DIGEST"),
        ("CreatedSince", "CREATED"),
        ("CreatedAt", "CREATED AT"),
        ("Size", "SIZE"),
        ("Containers", "CONTAINERS"),
        ("VirtualSize", "SIZE"),
        ("SharedSize", "SHARED SIZE"),
        ("UniqueSize", "UNIQUE SIZE"),
    ])
}

fn image_ctx(img: &Json, repo: &str, tag: &str, digest: &str, trunc: bool, now_ns: i128) -> V {
    let id = img.s("Id");
    let created = img.i("Created");
    let size = img.i("Size");
    let shared = img.get("SharedSize").and_then(Json::as_i64).unwrap_or(-1);
    let containers = img.get("Containers").and_then(Json::as_i64).unwrap_or(-1);
    context(
        "*formatter.imageContext",
        vec![
            ("Containers", V::Str(if containers == -1 { "N/A".into() } else { containers.to_string() })),
            ("CreatedAt", V::Str(go_time_string(created, 0))),
            ("CreatedSince", V::Str(ago(now_ns, created as i128 * 1_000_000_000))),
            ("Digest", V::str(digest)),
            ("ID", V::Str(if trunc { truncate_id(&id) } else { id })),
            ("Repository", V::str(repo)),
            ("SharedSize", V::Str(if shared == -1 { "N/A".into() } else { human_size(shared as f64) })),
            ("Size", V::Str(human_size_precision(size as f64, 3))),
            ("Tag", V::str(tag)),
            ("UniqueSize", V::Str(if size == -1 || shared == -1 { "N/A".into() } else { human_size(size as f64 - shared as f64) })),
            ("VirtualSize", V::Str(human_size(size as f64))),
        ],
    )
}

/// The rows `docker images` shows for one image: one per repository:tag (and digest).
pub fn image_rows(img: &Json, trunc: bool, show_digests: bool, need_digest: bool, now_ns: i128) -> Vec<V> {
    let tags = img.strings("RepoTags");
    let digests = img.strings("RepoDigests");
    let dangling = (tags.is_empty() && digests.is_empty())
        || (tags.len() == 1 && tags[0] == "<none>:<none>" && digests.len() == 1 && digests[0] == "<none>@<none>");
    if dangling {
        return vec![image_ctx(img, "<none>", "<none>", "<none>", trunc, now_ns)];
    }
    let mut repo_tags: Vec<(String, Vec<String>)> = Vec::new();
    for t in &tags {
        if let Ok(r) = super::reference::parse_normalized(t) {
            if let Some(tag) = r.tag.clone() {
                let name = r.familiar_name();
                match repo_tags.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, v)) => v.push(tag),
                    None => repo_tags.push((name, vec![tag])),
                }
            }
        }
    }
    let mut repo_digests: Vec<(String, Vec<String>)> = Vec::new();
    for d in &digests {
        if let Ok(r) = super::reference::parse_normalized(d) {
            if let Some(dg) = r.digest.clone() {
                let name = r.familiar_name();
                match repo_digests.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, v)) => v.push(dg),
                    None => repo_digests.push((name, vec![dg])),
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (repo, tags) in &repo_tags {
        let mut ds = match repo_digests.iter().position(|(n, _)| n == repo) {
            Some(i) => repo_digests.remove(i).1,
            None => Vec::new(),
        };
        if !need_digest {
            ds.clear();
        }
        for tag in tags {
            if ds.is_empty() {
                rows.push(image_ctx(img, repo, tag, "<none>", trunc, now_ns));
            } else {
                for d in &ds {
                    rows.push(image_ctx(img, repo, tag, d, trunc, now_ns));
                }
            }
        }
    }
    for (repo, ds) in &repo_digests {
        if show_digests {
            for d in ds {
                rows.push(image_ctx(img, repo, "<none>", d, trunc, now_ns));
            }
        } else {
            rows.push(image_ctx(img, repo, "<none>", "", trunc, now_ns));
        }
    }
    rows
}

pub const HISTORY_TABLE: &str = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
pub const HISTORY_TABLE_NONHUMAN: &str = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

pub fn history_header() -> V {
    header(&[
        ("ID", "IMAGE"),
        ("CreatedSince", "CREATED"),
        ("CreatedAt", "CREATED AT"),
        ("CreatedBy", "CREATED BY"),
        ("Size", "SIZE"),
        ("Comment", "COMMENT"),
    ])
}

/// One `docker history` row.
pub fn history_ctx(h: &Json, trunc: bool, human: bool, now_ns: i128) -> V {
    let id = h.s("Id");
    let created = h.i("Created");
    let created_at = clock::rfc3339(created);
    let created_since = if !human {
        created_at.clone()
    } else if created <= 946_684_800 {
        "N/A".into()
    } else {
        ago(now_ns, created as i128 * 1_000_000_000)
    };
    let by = h.s("CreatedBy").replace('\t', " ");
    let size = h.i("Size");
    context(
        "*image.historyContext",
        vec![
            ("Comment", V::Str(h.s("Comment"))),
            ("CreatedAt", V::Str(created_at)),
            ("CreatedBy", V::Str(if trunc { ellipsis(&by, 45) } else { by })),
            ("CreatedSince", V::Str(created_since)),
            ("ID", V::Str(if trunc { truncate_id(&id) } else { id })),
            ("Size", V::Str(if human { human_size_precision(size as f64, 3) } else { size.to_string() })),
        ],
    )
}

pub const NETWORK_TABLE: &str = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";

pub fn network_header() -> V {
    header(&[
        ("ID", "NETWORK ID"),
        ("Name", "NAME"),
        ("Driver", "DRIVER"),
        ("Scope", "SCOPE"),
        ("IPv4", "IPV4"),
        ("IPv6", "IPV6"),
        ("Internal", "INTERNAL"),
        ("Labels", "LABELS"),
        ("CreatedAt", "CREATED AT"),
    ])
}

/// One `docker network ls` row.
pub fn network_ctx(n: &Json, trunc: bool) -> V {
    let id = n.s("Id");
    let labels: Vec<(String, V)> = n.get("Labels").map(|l| l.as_obj().iter().map(|(k, v)| (k.clone(), V::Str(v.as_str().unwrap_or("").to_string()))).collect()).unwrap_or_default();
    let created = parse_rfc3339(&n.s("Created")).map(|(s, ns)| go_time_string(s, ns)).unwrap_or_else(|| "0001-01-01 00:00:00 +0000 UTC".into());
    context(
        "*network.networkContext",
        vec![
            ("CreatedAt", V::Str(created)),
            ("Driver", V::Str(n.s("Driver"))),
            ("ID", V::Str(if trunc { truncate_id(&id) } else { id })),
            ("IPv4", V::Str(n.b("EnableIPv4").to_string())),
            ("IPv6", V::Str(n.b("EnableIPv6").to_string())),
            ("Internal", V::Str(n.b("Internal").to_string())),
            ("Label", V::Map(labels.clone(), super::template::value::MapKind::Typed)),
            ("Labels", V::Str(labels.iter().map(|(k, v)| format!("{k}={}", v.print())).collect::<Vec<_>>().join(","))),
            ("Name", V::Str(n.s("Name"))),
            ("Scope", V::Str(n.s("Scope"))),
        ],
    )
}

/// `formatter.Context.Write`: runs the format over each row; a `table` format gets the
/// header row and the tabwriter. Errors are the CLI's (`template parsing error: ...`).
pub fn write(format: &str, rows: &[V], hdr: &V) -> Result<String, String> {
    let is_table = format.starts_with("table");
    let mut f = if is_table {
        format["table".len()..].to_string()
    } else if format == "json" {
        "{{json .}}".to_string()
    } else {
        format.to_string()
    };
    f = f.trim_matches(' ').replace("\\t", "\t").replace("\\n", "\n");
    let tmpl = Template::parse(&f).map_err(|e| format!("template parsing error: {e}"))?;
    let mut body = String::new();
    for r in rows {
        match tmpl.execute(r) {
            Ok(s) => {
                body.push_str(&s);
                body.push('\n');
            }
            Err(e) => return Err(format!("template parsing error: {e}")),
        }
    }
    if !is_table {
        return Ok(body);
    }
    let (head, _) = tmpl.execute_opts(hdr, Opts { header: true, ..Opts::default() });
    let mut tw = TabWriter::docker();
    tw.write(&head);
    tw.write("\n");
    tw.write(&body);
    Ok(tw.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::json::parse;

    #[test]
    fn ports_as_docker_ps() {
        let p = parse(br#"[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"IP":"::","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}]"#).expect("json");
        assert_eq!(displayable_ports(p.as_arr()), "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp");
        let p = parse(br#"[{"PrivatePort":80,"Type":"tcp"},{"PrivatePort":81,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"}]"#).expect("json");
        assert_eq!(displayable_ports(p.as_arr()), "53/udp, 80-81/tcp");
    }

    #[test]
    fn words() {
        assert_eq!(ellipsis("sh -c 'while true; do x", 20), "sh -c 'while true; …");
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(truncate_id("sha256:019e7e6ea52fb851733e"), "019e7e6ea52f");
        assert_eq!(parse_rfc3339("2026-11-28T23:42:48.947443482Z"), Some((1795909368, 947443482)));
        assert_eq!(go_time_string(1795909368, 0), "2026-11-28 23:42:48 +0000 UTC");
        assert_eq!(go_time_string(1795909368, 500_000_000), "2026-11-28 23:42:48.5 +0000 UTC");
    }
}
