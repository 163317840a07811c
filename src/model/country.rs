//! Country codes: ISO 3166-1 alpha-3 from the `rust_iso3166` table, plus a document's own groups.

use super::document::Document;

/// True when `code` is an ISO 3166-1 alpha-3 code.
pub fn is_iso_alpha3(code: &str) -> bool {
    code.len() == 3 && rust_iso3166::from_alpha3(code).is_some()
}

/// The ISO 3166 English short name of an alpha-3 code.
pub fn iso_name(code: &str) -> Option<&'static str> {
    rust_iso3166::from_alpha3(code).map(|c| c.name)
}

/// Alpha-3 codes ISO 3166 once gave a country that still exists under another code, as
/// (former, current): Romania's before 2002 (ISO 3166 newsletter V-5), and the renamed
/// countries of ISO 3166-3 (Burma, East Timor, Zaire). Older data files use them (the
/// gravity data of `../shared/data` writes Romania as ROM). Codes of countries that split
/// or merged (YUG, SUN, CSK, DDR, SCG, ANT) have no single successor and are kept.
pub const FORMER_CODES: [(&str, &str); 4] = [
    ("ROM", "ROU"),
    ("BUR", "MMR"),
    ("TMP", "TLS"),
    ("ZAR", "COD"),
];

/// `code` and its country's current alpha-3 code, when `code` is a former one (see
/// [`FORMER_CODES`]).
pub fn former_code(code: &str) -> Option<(&'static str, &'static str)> {
    FORMER_CODES.iter().find(|(old, _)| *old == code).copied()
}

/// Numeric codes of UN Comtrade and BACI that differ from ISO 3166-1 numeric, as
/// (code, alpha-3, name): the ones named in the project's import issue (842 USA, 251
/// France, 699 India, 757 Switzerland, 490 "Other Asia, n.e.s.") and in a public BACI
/// concordance (381 Italy, 579 Norway).
pub const NUMERIC_EXCEPTIONS: [(u32, &str, &str); 7] = [
    (842, "USA", "United States of America"),
    (251, "FRA", "France"),
    (699, "IND", "India"),
    (757, "CHE", "Switzerland"),
    (381, "ITA", "Italy"),
    (579, "NOR", "Norway"),
    (490, "S19", "Other Asia, n.e.s."),
];

/// Map features of Natural Earth (via world-atlas) that carry no ISO numeric code, as
/// (feature name, the code whose figures colour it). Somaliland is reported within
/// Somalia by UN Comtrade and BACI; Kosovo has the user-assigned code XKX, which a
/// document may use. Northern Cyprus, the Siachen Glacier and the Indian Ocean
/// territories have no code of their own and are drawn without data.
pub const GEOMETRY_EXCEPTIONS: [(&str, &str); 2] = [("Somaliland", "SOM"), ("Kosovo", "XKX")];

/// The country code whose figures colour a map feature with ISO 3166-1 numeric `id`
/// (or `-` and a `name` listed in [`GEOMETRY_EXCEPTIONS`]).
pub fn code_of_geometry(id: &str, name: &str) -> Option<String> {
    if let Ok(numeric) = id.parse::<u16>() {
        return rust_iso3166::from_numeric(numeric).map(|c| c.alpha3.to_owned());
    }
    GEOMETRY_EXCEPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, code)| (*code).to_owned())
}

/// True when a document's own group code has an acceptable shape: 2–8 of A–Z, 0–9 and `_`.
pub fn is_valid_group_code(code: &str) -> bool {
    (2..=8).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// True when records of `doc` may use `code`: an ISO alpha-3 code or one the document declares.
pub fn is_known(doc: &Document, code: &str) -> bool {
    is_iso_alpha3(code) || doc.countries.iter().any(|c| c.code == code)
}

/// Display name of `code`: the document's own name, else the ISO name, else the code itself.
pub fn display_name<'a>(doc: &'a Document, code: &'a str) -> &'a str {
    if let Some(entry) = doc.countries.iter().find(|c| c.code == code)
        && !entry.name.is_empty()
    {
        return &entry.name;
    }
    iso_name(code).unwrap_or(code)
}

/// Countries and groups whose code or name contains `text` (case-insensitive): the
/// document's own entries first, then ISO countries, exact code matches at the top.
pub fn search(doc: &Document, text: &str, limit: usize) -> Vec<(String, String)> {
    let needle = text.trim().to_lowercase();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut push = |code: &str, name: &str| {
        if found.len() < limit * 4 && !found.iter().any(|(c, _)| c == code) {
            found.push((code.to_owned(), name.to_owned()));
        }
    };
    let hit = |code: &str, name: &str| {
        needle.is_empty()
            || code.to_lowercase().contains(&needle)
            || name.to_lowercase().contains(&needle)
    };
    for entry in &doc.countries {
        let name = display_name(doc, &entry.code);
        if hit(&entry.code, name) {
            push(&entry.code, name);
        }
    }
    for country in rust_iso3166::ALL {
        if hit(country.alpha3, country.name) {
            push(country.alpha3, country.name);
        }
    }
    found.sort_by_key(|(code, _)| code.to_lowercase() != needle);
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::CountryEntry;

    #[test]
    fn map_features_find_their_country_code() {
        assert_eq!(
            code_of_geometry("398", "Kazakhstan").as_deref(),
            Some("KAZ")
        );
        assert_eq!(code_of_geometry("586", "Pakistan").as_deref(), Some("PAK"));
        assert_eq!(code_of_geometry("-", "Somaliland").as_deref(), Some("SOM"));
        assert_eq!(code_of_geometry("-", "N. Cyprus"), None);
        assert_eq!(code_of_geometry("999", "Nowhere"), None);
    }

    #[test]
    fn iso_codes_are_known_and_named() {
        assert!(is_iso_alpha3("PAK"));
        assert!(is_iso_alpha3("KAZ"));
        assert!(!is_iso_alpha3("pak"));
        assert!(!is_iso_alpha3("XXX"));
        assert!(!is_iso_alpha3("ROM"), "ROM was replaced by ROU in 2002");
        assert_eq!(former_code("ROM"), Some(("ROM", "ROU")));
        assert_eq!(former_code("YUG"), None, "no single successor");
        for (old, now) in FORMER_CODES {
            assert!(!is_iso_alpha3(old) && is_iso_alpha3(now), "{old} → {now}");
        }
        assert_eq!(iso_name("KAZ"), Some("Kazakhstan"));
    }

    #[test]
    fn document_names_override_iso_names() {
        let mut doc = Document::new();
        doc.countries.push(CountryEntry {
            code: "GBR".into(),
            name: "United Kingdom".into(),
            group: false,
        });
        doc.countries.push(CountryEntry {
            code: "EU27".into(),
            name: "European Union".into(),
            group: true,
        });
        assert_eq!(display_name(&doc, "GBR"), "United Kingdom");
        assert_eq!(display_name(&doc, "PAK"), "Pakistan");
        assert_eq!(display_name(&doc, "EU27"), "European Union");
        assert_eq!(display_name(&doc, "QQQ"), "QQQ");
        assert!(is_known(&doc, "EU27"));
        assert!(!is_known(&doc, "EU28"));
    }

    #[test]
    fn search_finds_codes_and_names() {
        let doc = crate::bundled_document();
        let kaz = search(&doc, "kazakh", 5);
        assert_eq!(kaz[0], ("KAZ".to_owned(), "Kazakhstan".to_owned()));
        let by_code = search(&doc, "pak", 5);
        assert_eq!(by_code[0].0, "PAK", "an exact code comes first");
        assert!(search(&doc, "zzzz", 5).is_empty());
        assert_eq!(search(&doc, "", 3).len(), 3);
    }

    #[test]
    fn group_code_shape() {
        assert!(is_valid_group_code("EU"));
        assert!(is_valid_group_code("WORLD"));
        assert!(!is_valid_group_code("W"));
        assert!(!is_valid_group_code("eu"));
        assert!(!is_valid_group_code("TOO_LONG_CODE"));
    }
}
