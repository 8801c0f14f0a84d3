//! The docker CLI's words for durations and sizes: `github.com/docker/go-units`
//! (`HumanDuration`, `HumanSizeWithPrecision`, `BytesSize`) and the Go `%g` formatting
//! they rest on.

/// go-units `HumanDuration` of a duration in nanoseconds: "Less than a second",
/// "About a minute", "2 years".
pub fn human_duration(ns: i128) -> String {
    let secs_f = ns as f64 / 1e9;
    let seconds = secs_f.trunc() as i64;
    if seconds < 1 {
        return "Less than a second".into();
    }
    if seconds == 1 {
        return "1 second".into();
    }
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let minutes = (secs_f / 60.0).trunc() as i64;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours_f = secs_f / 3600.0;
    let hours = (hours_f + 0.5).trunc() as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", hours_f.trunc() as i64 / 24 / 365)
}

/// "2 minutes ago" for something that happened at `then_ns` when the clock says `now_ns`.
pub fn ago(now_ns: i128, then_ns: i128) -> String {
    format!("{} ago", human_duration(now_ns - then_ns))
}

const DECIMAL: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const BINARY: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

fn size_and_unit(mut size: f64, base: f64, units: &[&'static str]) -> (f64, &'static str) {
    let mut i = 0;
    while size >= base && i < units.len() - 1 {
        size /= base;
        i += 1;
    }
    (size, units[i])
}

/// go-units `HumanSizeWithPrecision`: `%.*g` of the size in decimal units ("5.59MB").
pub fn human_size_precision(size: f64, precision: usize) -> String {
    let (s, unit) = size_and_unit(size, 1000.0, &DECIMAL);
    format!("{}{unit}", go_g(s, precision))
}

/// go-units `HumanSize` (4 significant digits).
pub fn human_size(size: f64) -> String {
    human_size_precision(size, 4)
}

/// go-units `BytesSize`: binary units, `%.4g` ("23.54GiB").
pub fn bytes_size(size: f64) -> String {
    let (s, unit) = size_and_unit(size, 1024.0, &BINARY);
    format!("{}{unit}", go_g(s, 4))
}

/// Go's `fmt` `%.{prec}g` for a finite float.
pub fn go_g(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() { "NaN".into() } else if x > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let prec = prec.max(1);
    let neg = x.is_sign_negative() && x != 0.0;
    let a = x.abs();
    // Digits rounded to `prec` significant figures, trailing zeros trimmed (Go's decimal).
    let (digits, dp): (Vec<u8>, i32) = if a == 0.0 {
        (Vec::new(), 0)
    } else {
        let e = format!("{:.*e}", prec - 1, a);
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        (d, exp + 1)
    };
    let nd = digits.len() as i32;
    let mut eprec = prec as i32;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let exp = dp - 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        // %e with (min(prec, nd) - 1) decimals.
        let p = (prec as i32).min(nd).max(1);
        out.push(digits.first().map(|d| *d as char).unwrap_or('0'));
        if p > 1 {
            out.push('.');
            for i in 1..p {
                out.push(digits.get(i as usize).map(|d| *d as char).unwrap_or('0'));
            }
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        return out;
    }
    let p = if prec as i32 > dp { nd } else { prec as i32 };
    let decimals = (p - dp).max(0);
    // Integer part.
    if dp <= 0 {
        out.push('0');
    } else {
        for i in 0..dp {
            out.push(digits.get(i as usize).map(|d| *d as char).unwrap_or('0'));
        }
    }
    if decimals > 0 {
        out.push('.');
        for i in 0..decimals {
            let idx = dp + i;
            out.push(if idx < 0 { '0' } else { digits.get(idx as usize).map(|d| *d as char).unwrap_or('0') });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i128 = 1_000_000_000;

    #[test]
    fn durations_as_go_units() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(S * 7 / 10), "Less than a second");
        assert_eq!(human_duration(S), "1 second");
        assert_eq!(human_duration(S * 59), "59 seconds");
        assert_eq!(human_duration(S * 60), "About a minute");
        assert_eq!(human_duration(S * 119), "About a minute");
        assert_eq!(human_duration(S * 120), "2 minutes");
        assert_eq!(human_duration(S * 3599), "59 minutes");
        assert_eq!(human_duration(S * 3600), "About an hour");
        assert_eq!(human_duration(S * 5399), "About an hour");
        assert_eq!(human_duration(S * 5400), "2 hours");
        assert_eq!(human_duration(S * 3600 * 47), "47 hours");
        assert_eq!(human_duration(S * 3600 * 48), "2 days");
        assert_eq!(human_duration(S * 3600 * 24 * 13), "13 days");
        assert_eq!(human_duration(S * 3600 * 24 * 14), "2 weeks");
        assert_eq!(human_duration(S * 3600 * 24 * 60), "2 months");
        assert_eq!(human_duration(S * 3600 * 24 * 365 * 2), "2 years");
        assert_eq!(human_duration(-S * 5), "Less than a second");
    }

    #[test]
    fn sizes_as_go_units() {
        // Values seen in the reference captures.
        assert_eq!(human_size_precision(5_594_467.0, 3), "5.59MB");
        assert_eq!(human_size_precision(5_595_350.0, 3), "5.6MB");
        assert_eq!(human_size_precision(0.0, 3), "0B");
        assert_eq!(human_size_precision(6.0, 3), "6B");
        assert_eq!(human_size_precision(883.0, 3), "883B");
        assert_eq!(human_size_precision(29.0, 3), "29B");
        assert_eq!(human_size_precision(1_200.0, 3), "1.2kB");
        assert_eq!(human_size_precision(3_000_000.0, 3), "3MB");
        assert_eq!(human_size_precision(11_600_000.0, 3), "11.6MB");
        assert_eq!(human_size_precision(16_812_345.0, 3), "16.8MB");
        // Go's %g switches to exponent form when rounding reaches 1000.
        assert_eq!(human_size_precision(999_999.0, 3), "1e+03kB");
        assert_eq!(bytes_size(25_275_961_344.0), "23.54GiB");
        assert_eq!(human_size(1_234_567.0), "1.235MB");
    }

    #[test]
    fn go_g_format() {
        assert_eq!(go_g(0.000012345, 3), "1.23e-05");
        assert_eq!(go_g(0.00012345, 3), "0.000123");
        assert_eq!(go_g(100.0, 3), "100");
        assert_eq!(go_g(123456.0, 3), "1.23e+05");
        assert_eq!(go_g(-2.5, 3), "-2.5");
        assert_eq!(go_g(f64::NAN, 3), "NaN");
    }
}
