//! Names of the Harmonized System codes: the 97 chapters (`assets/hs_chapters.csv`) and
//! the HS 2022 headings and subheadings (`assets/hs_names.tsv.gz`, unpacked on first use).
//!
//! Source: the Harmonized Commodity Description and Coding System (World Customs
//! Organization), as published in the `datasets/harmonized-system` data package (data
//! from UN Comtrade, licence ODC-PDDL 1.0). See `assets/README.md`. Names a data file
//! gives (BACI's `product_codes_*.csv`, Comtrade's `cmdDesc`) win over these.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

const CHAPTERS_CSV: &str = include_str!("../../assets/hs_chapters.csv");
const NAMES_GZ: &[u8] = include_bytes!("../../assets/hs_names.tsv.gz");

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

/// Heading and subheading names by code, unpacked once.
fn headings() -> &'static HashMap<String, String> {
    static NAMES: OnceLock<HashMap<String, String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut text = String::new();
        // The asset is built into the binary and tested; a damaged one only loses names.
        if let Err(err) = flate2::read::GzDecoder::new(NAMES_GZ).read_to_string(&mut text) {
            log::warn!("HS names asset unreadable: {err}");
        }
        text.lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(code, name)| (code.to_owned(), name.to_owned()))
            .collect()
    })
}

/// The HS 2022 name of a chapter (2 digits), heading (4) or subheading (6), if the
/// nomenclature has that code.
pub fn name(code: &str) -> Option<&'static str> {
    match code.len() {
        2 => chapters()
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.as_str())
            .or_else(|| headings().get(code).map(String::as_str)),
        4 | 6 => headings().get(code).map(String::as_str),
        _ => None,
    }
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

    /// Names copied by hand from `data/harmonized-system.csv` of the source package.
    #[test]
    fn names_every_level() {
        assert_eq!(name("08"), chapter_name("08"));
        assert_eq!(name("0805"), Some("Citrus fruit; fresh or dried"));
        assert_eq!(
            name("080510"),
            Some("Fruit, edible; oranges, fresh or dried")
        );
        assert_eq!(name("950662"), Some("Balls; inflatable"));
        assert_eq!(name("0806"), Some("Grapes; fresh or dried"));
        assert_eq!(
            name("9999"),
            Some("Commodities not specified according to kind")
        );
        assert_eq!(name("99"), name("9999"));
        assert_eq!(name("9899"), None);
        assert_eq!(name("080"), None);
        assert_eq!(name("TOTAL"), None);
    }

    #[test]
    fn every_heading_and_subheading_sits_under_a_named_parent() {
        let names = headings();
        // 1,229 headings and 5,613 subheadings in HS 2022 as published by the package,
        // and chapter 99.
        assert_eq!(names.len(), 1229 + 5613 + 1);
        for code in names.keys().filter(|c| c.len() > 2) {
            let parent = &code[..code.len() - 2];
            assert!(
                name(parent).is_some(),
                "{code} has no named parent {parent}"
            );
        }
    }
}
