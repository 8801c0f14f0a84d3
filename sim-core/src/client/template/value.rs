//! The values a template sees, modelled on the Go values the docker CLI hands to
//! `text/template`: typed structs decoded from the daemon's JSON (printed `{a b}`, nil
//! slices `[]`, nil maps `map[]`, nil pointers `<nil>`), the raw `map[string]interface{}`
//! the CLI falls back to, and the CLI's formatter contexts (`*formatter.ContainerContext`).

use crate::sort::SortSlice;
use crate::client::humanize::go_g;
use crate::client::json::Json;
use std::rc::Rc;

/// What a Go nil is a nil of: it decides how it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NilKind {
    /// `[]`
    Slice,
    /// `map[]`
    Map,
    /// `<nil>`
    Ptr,
    /// An empty interface: `<no value>` when printed on its own, `<nil>` inside a value.
    Iface,
}

#[derive(Clone, Debug)]
pub enum V {
    /// The zero `reflect.Value` (a missing map key): prints `<no value>`.
    Invalid,
    Nil(NilKind),
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// `json.Number` (the raw fallback decodes with `UseNumber`).
    Num(String),
    /// A slice; `strings` says it is a `[]string` (for `join`).
    List(Vec<V>, bool),
    /// A map with string keys, in document order (printing and `range` sort them).
    Map(Vec<(String, V)>, MapKind),
    Struct(Rc<Struct>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// A typed Go map (`map[string]string`, `nat.PortMap`, ...).
    Typed,
    /// `map[string]interface{}` from the raw fallback.
    Raw,
    /// The table header context (`formatter.SubHeaderContext`), which has a `Label` method.
    Header,
}

#[derive(Clone, Debug)]
pub struct Struct {
    /// The Go type as error messages name it: `*formatter.ContainerContext`.
    pub name: String,
    pub fields: Vec<(String, V)>,
    /// How `json` encodes it, when not field by field (formatter contexts marshal through
    /// a sorted map with HTML escaping).
    pub json: Option<String>,
    /// `json:",omitempty"` on every field (OCI image config).
    pub omitempty: bool,
}

impl V {
    pub fn str(s: &str) -> V {
        V::Str(s.to_string())
    }

    /// The Go type name used in "can't evaluate field X in type T".
    pub fn type_name(&self) -> String {
        match self {
            V::Invalid => "<invalid reflect.Value>".into(),
            V::Nil(NilKind::Slice) => "[]string".into(),
            V::Nil(NilKind::Map) => "map[string]string".into(),
            V::Nil(NilKind::Ptr) => "*struct {}".into(),
            V::Nil(NilKind::Iface) => "interface {}".into(),
            V::Bool(_) => "bool".into(),
            V::Int(_) => "int".into(),
            V::Float(_) => "float64".into(),
            V::Str(_) => "string".into(),
            V::Num(_) => "json.Number".into(),
            V::List(_, true) => "[]string".into(),
            V::List(_, false) => "[]interface {}".into(),
            V::Map(_, MapKind::Raw) => "map[string]interface {}".into(),
            V::Map(_, MapKind::Header) => "formatter.SubHeaderContext".into(),
            V::Map(_, MapKind::Typed) => "map[string]string".into(),
            V::Struct(s) => s.name.clone(),
        }
    }

    /// Go's template truth: non-zero, non-empty, non-nil; structs are always true.
    pub fn truth(&self) -> bool {
        match self {
            V::Invalid | V::Nil(_) => false,
            V::Bool(b) => *b,
            V::Int(i) => *i != 0,
            V::Float(f) => *f != 0.0,
            V::Str(s) | V::Num(s) => !s.is_empty(),
            V::List(l, _) => !l.is_empty(),
            V::Map(m, _) => !m.is_empty(),
            V::Struct(_) => true,
        }
    }

    /// `fmt.Sprint(v)` as the template prints an action's value.
    pub fn print(&self) -> String {
        match self {
            V::Invalid | V::Nil(NilKind::Iface) => "<no value>".into(),
            v => v.fmt_v(),
        }
    }

    /// `%v` of a value nested in another.
    pub fn fmt_v(&self) -> String {
        match self {
            V::Invalid => "<invalid reflect.Value>".into(),
            V::Nil(NilKind::Slice) => "[]".into(),
            V::Nil(NilKind::Map) => "map[]".into(),
            V::Nil(_) => "<nil>".into(),
            V::Bool(b) => b.to_string(),
            V::Int(i) => i.to_string(),
            V::Float(f) => go_float_v(*f),
            V::Str(s) | V::Num(s) => s.clone(),
            V::List(l, _) => format!("[{}]", l.iter().map(V::fmt_v).collect::<Vec<_>>().join(" ")),
            V::Map(m, _) => {
                let mut kv: Vec<&(String, V)> = m.iter().collect();
                kv.sort_stable_by(|a, b| a.0.cmp(&b.0));
                format!("map[{}]", kv.iter().map(|(k, v)| format!("{k}:{}", v.fmt_v())).collect::<Vec<_>>().join(" "))
            }
            V::Struct(s) => format!("{{{}}}", s.fields.iter().map(|(_, v)| v.fmt_v()).collect::<Vec<_>>().join(" ")),
        }
    }

    /// The CLI's `json` template function: Go's encoder without HTML escaping.
    pub fn to_json(&self) -> String {
        match self {
            V::Struct(s) if s.json.is_some() => s.json.clone().unwrap_or_default(),
            v => v.json_value().encode(false),
        }
    }

    fn json_value(&self) -> Json {
        match self {
            V::Invalid | V::Nil(_) => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::Num(i.to_string()),
            V::Float(f) => Json::Num(go_json_float(*f)),
            V::Str(s) => Json::Str(s.clone()),
            V::Num(n) => Json::Num(if n.is_empty() { "0".into() } else { n.clone() }),
            V::List(l, _) => Json::Arr(l.iter().map(V::json_value).collect()),
            V::Map(m, _) => {
                let mut kv: Vec<(String, Json)> = m.iter().map(|(k, v)| (k.clone(), v.json_value())).collect();
                kv.sort_stable_by(|a, b| a.0.cmp(&b.0));
                Json::Obj(kv)
            }
            V::Struct(s) => {
                if let Some(j) = &s.json {
                    return crate::client::json::parse(j.as_bytes()).unwrap_or(Json::Null);
                }
                Json::Obj(
                    s.fields
                        .iter()
                        .filter(|(_, v)| !(s.omitempty && v.is_empty_value()))
                        .map(|(k, v)| (json_name(k), v.json_value()))
                        .collect(),
                )
            }
        }
    }

    /// encoding/json's "empty value" for omitempty.
    fn is_empty_value(&self) -> bool {
        match self {
            V::Invalid | V::Nil(_) => true,
            V::Bool(b) => !b,
            V::Int(i) => *i == 0,
            V::Float(f) => *f == 0.0,
            V::Str(s) | V::Num(s) => s.is_empty(),
            V::List(l, _) => l.is_empty(),
            V::Map(m, _) => m.is_empty(),
            V::Struct(_) => false,
        }
    }
}

/// `%v` of a float64: strconv's shortest 'g' (exponent form when the exponent is below -4
/// or at least 6).
pub fn go_float_v(f: f64) -> String {
    if !f.is_finite() {
        return go_g(f, 6);
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let (digits, exp) = shortest_digits(f);
    let nd = digits.len() as i32;
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
        return out;
    }
    format!("{sign}{}", format_plain(&digits, exp + 1))
}

/// The shortest round-trip decimal digits of |f| and its decimal exponent.
fn shortest_digits(f: f64) -> (String, i32) {
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    (digits, exp)
}

fn format_plain(digits: &str, dp: i32) -> String {
    let nd = digits.len() as i32;
    if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp >= nd {
        format!("{}{}", digits, "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// encoding/json's float64 text ('f', or 'e' outside [1e-6, 1e21), `e-7` not `e-07`).
fn go_json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let (digits, exp) = shortest_digits(f);
        let sign = if f < 0.0 { "-" } else { "" };
        let mant = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        return if exp < 0 { format!("{sign}{mant}e-{}", -exp) } else { format!("{sign}{mant}e+{exp:02}") };
    }
    if f == 0.0 {
        return "0".into();
    }
    let (digits, exp) = shortest_digits(f);
    format!("{}{}", if f < 0.0 { "-" } else { "" }, format_plain(&digits, exp + 1))
}

/// How the typed view decodes a document: which objects are maps, which nulls are
/// slices, maps or pointers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typing {
    Container,
    Image,
    Network,
    Generic,
}

/// Keys whose object values are Go maps (printed `map[k:v]`, keys sorted).
fn is_map_key(parent: &str, key: &str) -> bool {
    match key {
        "Labels" | "ExposedPorts" | "Volumes" | "PortBindings" | "Networks" | "Options" | "Data" | "DriverOpts" | "Containers"
        | "Sysctls" | "StorageOpt" | "Tmpfs" | "Annotations" | "Ports" => true,
        "Config" => parent == "LogConfig",
        _ => false,
    }
}

/// Keys whose null is a nil slice (`[]`).
fn is_slice_key(parent: &str, key: &str) -> bool {
    match key {
        "Config" => parent == "IPAM",
        _ => matches!(
            key,
            "Cmd" | "Entrypoint" | "Env" | "Args" | "Binds" | "Links" | "Aliases" | "CapAdd" | "CapDrop" | "Capabilities"
                | "Dns" | "DnsOptions" | "DnsSearch" | "ExtraHosts" | "GroupAdd" | "SecurityOpt" | "VolumesFrom"
                | "MaskedPaths" | "ReadonlyPaths" | "RepoTags" | "RepoDigests" | "Layers" | "OnBuild" | "ExecIDs" | "Mounts"
                | "Devices" | "DeviceCgroupRules" | "DeviceRequests" | "Ulimits" | "BlkioWeightDevice" | "BlkioDeviceReadBps"
                | "BlkioDeviceWriteBps" | "BlkioDeviceReadIOps" | "BlkioDeviceWriteIOps" | "SecondaryIPAddresses"
                | "SecondaryIPv6Addresses" | "DNSNames" | "Warnings" | "Shell" | "Test"
        ),
    }
}

/// JSON keys whose Go struct field has another name (`ID string \`json:"Id"\``): templates
/// see the Go name, `json` writes the JSON name.
const GO_NAMES: [(&str, &str); 14] = [
    ("Id", "ID"),
    ("Dns", "DNS"),
    ("DnsOptions", "DNSOptions"),
    ("DnsSearch", "DNSSearch"),
    ("CpuShares", "CPUShares"),
    ("NanoCpus", "NanoCPUs"),
    ("CpuPeriod", "CPUPeriod"),
    ("CpuQuota", "CPUQuota"),
    ("CpuRealtimePeriod", "CPURealtimePeriod"),
    ("CpuRealtimeRuntime", "CPURealtimeRuntime"),
    ("CpuCount", "CPUCount"),
    ("CpuPercent", "CPUPercent"),
    ("AuxiliaryAddresses", "AuxAddress"),
    ("ApiVersion", "APIVersion"),
];

fn go_name(json_key: &str) -> String {
    GO_NAMES.iter().find(|(j, _)| *j == json_key).map(|(_, g)| g.to_string()).unwrap_or_else(|| json_key.to_string())
}

fn json_name(go: &str) -> String {
    GO_NAMES.iter().find(|(_, g)| *g == go).map(|(j, _)| j.to_string()).unwrap_or_else(|| go.to_string())
}

/// The typed view of a daemon document.
pub fn typed(j: &Json, typing: Typing) -> V {
    conv_typed(j, "", "", typing, 0)
}

fn conv_typed(j: &Json, parent: &str, key: &str, typing: Typing, depth: usize) -> V {
    match j {
        Json::Null => {
            if is_map_key(parent, key) {
                V::Nil(NilKind::Map)
            } else if is_slice_key(parent, key) {
                V::Nil(NilKind::Slice)
            } else {
                V::Nil(NilKind::Ptr)
            }
        }
        Json::Bool(b) => V::Bool(*b),
        Json::Num(n) => match n.parse::<i64>() {
            Ok(i) => V::Int(i),
            Err(_) => V::Float(n.parse::<f64>().unwrap_or(0.0)),
        },
        Json::Str(s) => V::Str(s.clone()),
        Json::Arr(a) => {
            let strings = a.iter().all(|x| matches!(x, Json::Str(_)));
            V::List(a.iter().map(|x| conv_typed(x, key, "", typing, depth + 1)).collect(), strings)
        }
        Json::Obj(o) => {
            let struct_like = !o.is_empty() && o.iter().all(|(k, _)| k.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
            let is_map = is_map_key(parent, key) || (!o.is_empty() && !struct_like);
            if is_map {
                return V::Map(o.iter().map(|(k, v)| (k.clone(), conv_typed(v, key, k, typing, depth + 1))).collect(), MapKind::Typed);
            }
            // The OCI image config of an image inspect: all fields omitempty, OCI order.
            if typing == Typing::Image && depth == 1 && key == "Config" {
                return V::Struct(Rc::new(oci_config(o, typing, depth)));
            }
            V::Struct(Rc::new(Struct {
                name: struct_name(key),
                fields: o.iter().map(|(k, v)| (go_name(k), conv_typed(v, key, k, typing, depth + 1))).collect(),
                json: None,
                omitempty: false,
            }))
        }
    }
}

const OCI_CONFIG_ORDER: [&str; 14] = [
    "User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal", "ArgsEscaped", "Healthcheck",
    "OnBuild", "Shell", "StopTimeout",
];

fn oci_config(o: &[(String, Json)], typing: Typing, depth: usize) -> Struct {
    let mut fields = Vec::new();
    for name in OCI_CONFIG_ORDER {
        let v = o.iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or(&Json::Null);
        fields.push((name.to_string(), conv_typed(v, "Config", name, typing, depth + 1)));
    }
    Struct { name: "*v1.DockerOCIImageConfig".into(), fields, json: None, omitempty: true }
}

fn struct_name(key: &str) -> String {
    if key.is_empty() {
        "types.Object".into()
    } else {
        format!("*types.{key}")
    }
}

/// The raw view: `map[string]interface{}` decoded with `UseNumber`.
pub fn raw(j: &Json) -> V {
    match j {
        Json::Null => V::Nil(NilKind::Iface),
        Json::Bool(b) => V::Bool(*b),
        Json::Num(n) => V::Num(n.clone()),
        Json::Str(s) => V::Str(s.clone()),
        Json::Arr(a) => V::List(a.iter().map(raw).collect(), false),
        Json::Obj(o) => V::Map(o.iter().map(|(k, v)| (k.clone(), raw(v))).collect(), MapKind::Raw),
    }
}

/// A formatter context: a struct of strings with a name for errors and its JSON form.
pub fn context(name: &str, fields: Vec<(&str, V)>) -> V {
    // Methods taking arguments (`Label`) are not marshalled.
    let mut sorted: Vec<(String, Json)> = fields.iter().filter(|(k, _)| *k != "Label").map(|(k, v)| (k.to_string(), v.json_value())).collect();
    sorted.sort_stable_by(|a, b| a.0.cmp(&b.0));
    let json = Json::Obj(sorted).encode(true);
    V::Struct(Rc::new(Struct {
        name: name.to_string(),
        fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        json: Some(json),
        omitempty: false,
    }))
}

/// A table header context: field name -> column title.
pub fn header(fields: &[(&str, &str)]) -> V {
    V::Map(fields.iter().map(|(k, v)| (k.to_string(), V::str(v))).collect(), MapKind::Header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::json::parse;

    #[test]
    fn go_printing() {
        let j = parse(br#"{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"Entrypoint":null,"Labels":{"b":"2","a":"1"},"ExposedPorts":{"80/tcp":{}},"Cmd":["/bin/sh"]}"#).expect("json");
        let v = typed(&j, Typing::Container);
        let V::Struct(s) = v else { panic!("struct") };
        let f = |k: &str| s.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.print()).unwrap_or_default();
        assert_eq!(f("PortBindings"), "map[80/tcp:[{ 8080}]]");
        assert_eq!(f("Entrypoint"), "[]");
        assert_eq!(f("Labels"), "map[a:1 b:2]");
        assert_eq!(f("ExposedPorts"), "map[80/tcp:{}]");
        assert_eq!(f("Cmd"), "[/bin/sh]");
    }

    #[test]
    fn floats() {
        assert_eq!(go_float_v(0.5), "0.5");
        assert_eq!(go_float_v(123456789.0), "1.23456789e+08");
        assert_eq!(go_float_v(100000.0), "100000");
        assert_eq!(go_float_v(1000000.0), "1e+06");
        assert_eq!(go_float_v(0.0001), "0.0001");
        assert_eq!(go_float_v(0.00001), "1e-05");
    }
}
