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

/// The 21 sections of the Harmonized System (WCO nomenclature, 2022 edition) as (roman
/// numeral, short title, first chapter, last chapter). Chapters 98 and 99 are national or
/// special-use codes outside every section.
pub const SECTIONS: [(&str, &str, u8, u8); 21] = [
    ("I", "Animals and animal products", 1, 5),
    ("II", "Vegetable products", 6, 14),
    ("III", "Fats and oils", 15, 15),
    ("IV", "Prepared foodstuffs, beverages, tobacco", 16, 24),
    ("V", "Mineral products", 25, 27),
    ("VI", "Chemical products", 28, 38),
    ("VII", "Plastics and rubber", 39, 40),
    ("VIII", "Hides, skins and leather", 41, 43),
    ("IX", "Wood and cork", 44, 46),
    ("X", "Pulp and paper", 47, 49),
    ("XI", "Textiles and textile articles", 50, 63),
    ("XII", "Footwear and headgear", 64, 67),
    ("XIII", "Stone, ceramic and glass", 68, 70),
    ("XIV", "Pearls, precious stones and metals", 71, 71),
    ("XV", "Base metals", 72, 83),
    ("XVI", "Machinery and electrical equipment", 84, 85),
    ("XVII", "Vehicles and transport equipment", 86, 89),
    ("XVIII", "Instruments, clocks, musical instruments", 90, 92),
    ("XIX", "Arms and ammunition", 93, 93),
    ("XX", "Miscellaneous manufactured articles", 94, 96),
    ("XXI", "Works of art and antiques", 97, 97),
];

/// Index into [`SECTIONS`] of the section an HS code (2, 4 or 6 digits) belongs to.
pub fn section_of(code: &str) -> Option<usize> {
    if !code.bytes().all(|b| b.is_ascii_digit()) || !matches!(code.len(), 2 | 4 | 6) {
        return None;
    }
    let chapter: u8 = code.get(0..2)?.parse().ok()?;
    SECTIONS
        .iter()
        .position(|&(_, _, first, last)| (first..=last).contains(&chapter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_cover_the_chapters_in_order_without_gaps() {
        // Chapter 77 is reserved but lies inside section XV, so 1..=97 is continuous.
        let mut next = 1;
        for &(_, _, first, last) in &SECTIONS {
            assert_eq!(first, next);
            assert!(last >= first);
            next = last + 1;
        }
        assert_eq!(next, 98);
        assert_eq!(section_of("0805"), Some(1)); // citrus: vegetable products
        assert_eq!(section_of("30"), Some(5)); // pharmaceuticals: chemicals
        assert_eq!(section_of("610910"), Some(10)); // T-shirts: textiles
        assert_eq!(section_of("9506"), Some(19)); // sports goods: miscellaneous
        assert_eq!(section_of("99"), None);
        assert_eq!(section_of("GARMENTS"), None);
        assert_eq!(section_of("080"), None);
    }

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
