//! Names of the 97 Harmonized System chapters, shipped as `assets/hs_chapters.csv`.
//!
//! Source: chapter titles of the Harmonized Commodity Description and Coding System
//! (World Customs Organization), as published in the `datasets/harmonized-system` data
//! package (data from UN Comtrade, licence ODC-PDDL 1.0). See `assets/README.md`.

use std::sync::OnceLock;

const CHAPTERS_CSV: &str = include_str!("../../assets/hs_chapters.csv");

/// Where the chapter names come from, for the About dialog.
pub const CHAPTERS_SOURCE: &str = "HS chapter titles: World Customs Organization, Harmonized System \
nomenclature, via the datasets/harmonized-system data package (UN Comtrade data, ODC-PDDL 1.0)";

/// All chapters as (two-digit code, name), in code order.
pub fn chapters() -> &'static [(String, String)] {
    static CHAPTERS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CHAPTERS.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(CHAPTERS_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| Some((r.get(0)?.to_owned(), r.get(1)?.to_owned())))
            .collect()
    })
}

/// Name of the chapter an HS code belongs to (`"0805"` → chapter 08's name).
pub fn chapter_name(code: &str) -> Option<&'static str> {
    let chapter = code.get(0..2)?;
    chapters()
        .iter()
        .find(|(c, _)| c == chapter)
        .map(|(_, name)| name.as_str())
}

/// True when the two-digit chapter of `code` is a chapter in use (01–97 except the reserved 77).
pub fn is_chapter_in_use(code: &str) -> bool {
    matches!(code.get(0..2), Some(ch) if ch != "77" && chapter_name(ch).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_97_chapters_are_present_in_order() {
        let chapters = chapters();
        assert_eq!(chapters.len(), 97);
        for (i, (code, name)) in chapters.iter().enumerate() {
            assert_eq!(code, &format!("{:02}", i + 1));
            assert!(!name.is_empty(), "chapter {code} has no name");
        }
    }

    #[test]
    fn looks_up_chapter_of_heading() {
        assert_eq!(chapter_name("30"), Some("Pharmaceutical products"));
        assert_eq!(chapter_name("0805"), chapter_name("08"));
        assert!(chapter_name("0805").is_some_and(|n| n.contains("citrus")));
        assert_eq!(chapter_name("98"), None);
        assert!(!is_chapter_in_use("7701"));
        assert!(is_chapter_in_use("9506"));
    }
}
