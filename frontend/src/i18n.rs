//! The page's own words in every language, from `assets/web/i18n.json` (data, not code).
//! Lesson texts live in the lesson files.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The languages of the playground.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }
}

type Table = BTreeMap<String, BTreeMap<String, String>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    // The file is part of the build; a broken one shows keys instead of words (and the
    // unit test below fails).
    TABLE.get_or_init(|| serde_json::from_str(include_str!("../../assets/web/i18n.json")).unwrap_or_default())
}

/// The text for `key` in `lang`, else in English, else the key itself.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    let tab = table();
    tab.get(lang.code())
        .and_then(|m| m.get(key))
        .or_else(|| tab.get("en").and_then(|m| m.get(key)))
        .map(String::as_str)
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_language_has_every_key() {
        let tab: Table = serde_json::from_str(include_str!("../../assets/web/i18n.json")).expect("valid json");
        let en = tab.get("en").expect("en");
        for lang in Lang::ALL {
            let m = tab.get(lang.code()).expect("language present");
            for k in en.keys() {
                assert!(m.get(k).is_some_and(|v| !v.is_empty()), "{} lacks {k}", lang.code());
            }
        }
    }
}
