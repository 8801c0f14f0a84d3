//! `sw_vers`: the macOS version, read from /System/Library/CoreServices/SystemVersion.plist.
//! Its source is not published; the layout (`Key:<TAB>value`, one tab on macOS 12, two
//! from macOS 13 on) and the `-productName`/`-productVersion`/`-buildVersion` options are
//! taken from printed outputs and assumed for 12.4.

use super::super::{Ctx, Outcome};

pub const PLIST: &str = "/System/Library/CoreServices/SystemVersion.plist";

/// The `<string>` after `<key>name</key>` in a plist.
fn plist_value(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("<key>{key}</key>"))?;
    let rest = &text[at..];
    let start = rest.find("<string>")? + "<string>".len();
    let end = rest[start..].find("</string>")? + start;
    Some(rest[start..end].to_string())
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let text = match ctx.read_file(PLIST) {
        Ok(d) => String::from_utf8_lossy(&d).into_owned(),
        Err(_) => String::new(),
    };
    let name = plist_value(&text, "ProductName").unwrap_or_default();
    let version = plist_value(&text, "ProductVersion").unwrap_or_default();
    let build = plist_value(&text, "ProductBuildVersion").unwrap_or_default();
    match ctx.argv.get(1).map(String::as_str) {
        None => {
            ctx.out(&format!("ProductName:\t{name}\nProductVersion:\t{version}\nBuildVersion:\t{build}\n"));
            Outcome::Exit(0)
        }
        Some("-productName") => {
            ctx.out(&format!("{name}\n"));
            Outcome::Exit(0)
        }
        Some("-productVersion") => {
            ctx.out(&format!("{version}\n"));
            Outcome::Exit(0)
        }
        Some("-buildVersion") => {
            ctx.out(&format!("{build}\n"));
            Outcome::Exit(0)
        }
        Some(_) => {
            ctx.err("Usage: sw_vers [-productName|-productVersion|-buildVersion]\n");
            Outcome::Exit(1)
        }
    }
}

/// The plist a profile lays at [`PLIST`].
pub fn plist(name: &str, version: &str, build: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>BuildID</key>\n\t<string>{build}</string>\n\t<key>ProductBuildVersion</key>\n\t<string>{build}</string>\n\t<key>ProductCopyright</key>\n\t<string>1983-2022 Apple Inc.</string>\n\t<key>ProductName</key>\n\t<string>{name}</string>\n\t<key>ProductUserVisibleVersion</key>\n\t<string>{version}</string>\n\t<key>ProductVersion</key>\n\t<string>{version}</string>\n\t<key>iOSSupportVersion</key>\n\t<string>15.5</string>\n</dict>\n</plist>\n"
    )
}
