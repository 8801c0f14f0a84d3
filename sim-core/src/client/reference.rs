//! Image references as `github.com/distribution/reference` parses them: `alpine` is
//! `docker.io/library/alpine`, `localhost:5999/x:1` keeps its registry; the error texts are
//! the library's (`invalid reference format: repository name (library/Alpine) must be lowercase`).

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `docker.io`, `localhost:5999`.
    pub domain: String,
    /// `library/alpine`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl Reference {
    /// The full name: `docker.io/library/alpine`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
    /// `reference.TagNameOnly`: adds `:latest` when there is neither tag nor digest.
    pub fn tag_name_only(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some("latest".into());
        }
        self
    }
    pub fn is_name_only(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }
    fn suffix(&self) -> String {
        let mut s = String::new();
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
    /// `ref.String()`: `docker.io/library/alpine:latest`.
    pub fn full(&self) -> String {
        format!("{}{}", self.name(), self.suffix())
    }
    /// `reference.FamiliarName`: `alpine`, `user/app`, `localhost:5999/x`.
    pub fn familiar_name(&self) -> String {
        if self.domain == "docker.io" {
            match self.path.strip_prefix("library/") {
                Some(p) if !p.contains('/') => p.to_string(),
                _ => self.path.clone(),
            }
        } else {
            self.name()
        }
    }
    /// `reference.FamiliarString`: `alpine:3.15`.
    pub fn familiar(&self) -> String {
        format!("{}{}", self.familiar_name(), self.suffix())
    }
}

const DEFAULT_DOMAIN: &str = "docker.io";

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// path-component := alpha-numeric (separator alpha-numeric)*, separator := [_.] | __ | -+
fn valid_component(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !is_alnum_lower(b[0] as char) || !is_alnum_lower(b[b.len() - 1] as char) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if is_alnum_lower(c) {
            i += 1;
            continue;
        }
        // A separator run.
        let start = i;
        while i < b.len() && !is_alnum_lower(b[i] as char) {
            i += 1;
        }
        let sep = &s[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-');
        if !ok {
            return false;
        }
    }
    true
}

fn valid_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else { return false };
        if v6.is_empty() || !v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return false;
        }
        match after.strip_prefix(':') {
            Some(p) => ("v6", Some(p)),
            None if after.is_empty() => ("v6", None),
            None => return false,
        }
    } else {
        match d.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else { return false };
    let alg_ok = !alg.is_empty()
        && alg.split(['+', '.', '_', '-']).all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    alg_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

const INVALID: &str = "invalid reference format";

/// `reference.ParseNormalizedNamed`.
pub fn parse_normalized(s: &str) -> Result<Reference, String> {
    if s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!("invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"));
    }
    // splitDockerDomain
    let (mut domain, mut remainder) = match s.find('/') {
        Some(i) => {
            let first = &s[..i];
            if !first.contains(['.', ':']) && first != "localhost" && first.to_lowercase() == first {
                (DEFAULT_DOMAIN.to_string(), s.to_string())
            } else {
                (first.to_string(), s[i + 1..].to_string())
            }
        }
        None => (DEFAULT_DOMAIN.to_string(), s.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DEFAULT_DOMAIN.into();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("library/{remainder}");
    }
    // The name part (before any tag or digest) must be lowercase.
    let name_part = remainder.split(['@']).next().unwrap_or("");
    let name_part = match name_part.rfind(':') {
        Some(i) => &name_part[..i],
        None => name_part,
    };
    if name_part.to_lowercase() != name_part {
        return Err(format!("{INVALID}: repository name ({name_part}) must be lowercase"));
    }
    parse_full(&format!("{domain}/{remainder}"))
}

/// `reference.Parse` of a full `domain/path[:tag][@digest]`.
fn parse_full(s: &str) -> Result<Reference, String> {
    if s.is_empty() {
        return Err("repository name must have at least one component".into());
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            if !valid_digest(d) {
                return Err(INVALID.into());
            }
            (r, Some(d.to_string()))
        }
        None => (s, None),
    };
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i + 1..].contains('/') => (&rest[..i], Some(rest[i + 1..].to_string())),
        _ => (rest, None),
    };
    if let Some(t) = &tag {
        if !valid_tag(t) {
            return Err(INVALID.into());
        }
    }
    if name.len() > 255 {
        return Err("repository name must not be more than 255 characters".into());
    }
    let Some((domain, path)) = name.split_once('/') else { return Err(INVALID.into()) };
    if !valid_domain(domain) || path.is_empty() || !path.split('/').all(valid_component) {
        return Err(INVALID.into());
    }
    Ok(Reference { domain: domain.into(), path: path.into(), tag, digest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_distribution() {
        let r = parse_normalized("alpine").expect("ok");
        assert_eq!((r.name(), r.familiar()), ("docker.io/library/alpine".into(), "alpine".into()));
        assert_eq!(r.clone().tag_name_only().full(), "docker.io/library/alpine:latest");
        let r = parse_normalized("nginx:1.21-alpine").expect("ok");
        assert_eq!(r.familiar(), "nginx:1.21-alpine");
        let r = parse_normalized("localhost:5999/ref-pullsrc:1").expect("ok");
        assert_eq!((r.domain.as_str(), r.path.as_str(), r.tag.as_deref()), ("localhost:5999", "ref-pullsrc", Some("1")));
        assert_eq!(r.familiar(), "localhost:5999/ref-pullsrc:1");
        let r = parse_normalized("nosuch/repo").expect("ok");
        assert_eq!(r.name(), "docker.io/nosuch/repo");
        assert_eq!(r.familiar(), "nosuch/repo");
    }

    #[test]
    fn errors_like_distribution() {
        assert_eq!(
            parse_normalized("Alpine:3.15").err().as_deref(),
            Some("invalid reference format: repository name (library/Alpine) must be lowercase")
        );
        assert_eq!(
            parse_normalized("NoSuch").err().as_deref(),
            Some("invalid reference format: repository name (library/NoSuch) must be lowercase")
        );
        assert_eq!(parse_normalized("a b").err().as_deref(), Some("invalid reference format"));
        assert_eq!(parse_normalized("alpine:").err().as_deref(), Some("invalid reference format"));
        assert_eq!(parse_normalized("").err().as_deref(), Some("invalid reference format"));
    }
}
