//! Numeric country codes (UN M49 as used by UN Comtrade and BACI) to ISO alpha-3.
//!
//! The built-in table is ISO 3166-1 numeric (from the `rust_iso3166` crate) plus the codes
//! Comtrade uses where ISO has none or a different one
//! ([`crate::model::country::NUMERIC_EXCEPTIONS`], kept with every other country code
//! mapping). Any other code is kept as `N<code>` and reported, never dropped. When BACI's own
//! `country_codes_V*.csv` lies beside the file, it is used instead.

use std::collections::HashMap;
use std::path::Path;

/// How a numeric code reads: (code, name, world?).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEntry {
    /// ISO alpha-3 or the file's own code.
    pub code: String,
    /// Name.
    pub name: String,
    /// World.
    pub world: bool,
    /// Not ISO and not World.
    pub unknown: bool,
}

/// A numeric-code table.
#[derive(Debug, Clone, Default)]
pub struct CodeTable {
    entries: HashMap<u32, CodeEntry>,
    /// Where the table comes from, for messages.
    pub origin: String,
}

impl CodeTable {
    /// The built-in table.
    pub fn builtin() -> CodeTable {
        let mut entries: HashMap<u32, CodeEntry> = rust_iso3166::ALL
            .iter()
            .map(|c| {
                (
                    u32::from(c.numeric),
                    CodeEntry {
                        code: c.alpha3.to_owned(),
                        name: c.name.to_owned(),
                        world: false,
                        unknown: false,
                    },
                )
            })
            .collect();
        for &(num, code, name) in &crate::model::country::NUMERIC_EXCEPTIONS {
            entries.insert(
                num,
                CodeEntry {
                    code: code.to_owned(),
                    name: name.to_owned(),
                    world: false,
                    unknown: !crate::model::country::is_iso_alpha3(code),
                },
            );
        }
        entries.insert(
            0,
            CodeEntry {
                code: "W00".to_owned(),
                name: "World".to_owned(),
                world: true,
                unknown: false,
            },
        );
        CodeTable {
            entries,
            origin: "built-in table (ISO 3166-1 numeric and Comtrade's exceptions)".to_owned(),
        }
    }

    /// BACI's `country_codes_V*.csv` beside `data_file`, if there is one that reads,
    /// completed by the built-in table for the codes it lacks (see [`CodeTable::fill_from`]).
    pub fn baci_companion(data_file: &Path) -> Option<CodeTable> {
        let path = companion_file(data_file, "country_codes_V")?;
        let bytes = std::fs::read(&path).ok()?;
        let mut table = Self::parse_companion(&bytes)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        table.fill_from(&Self::builtin(), &name);
        Some(table)
    }

    /// Adds the entries of `fallback` for codes this table lacks: a release's data read with
    /// another release's code list still knows 380 is Italy. Where both know a code and say
    /// different things, this table wins and the origin says so.
    pub fn fill_from(&mut self, fallback: &CodeTable, name: &str) {
        let mut added = 0usize;
        let mut differ = Vec::new();
        for (num, entry) in &fallback.entries {
            match self.entries.get(num) {
                None => {
                    self.entries.insert(*num, entry.clone());
                    added += 1;
                }
                Some(own) if own.code != entry.code && !own.unknown && !entry.unknown => {
                    differ.push(format!(
                        "{num}: {name} says {}, the built-in table {}",
                        own.code, entry.code
                    ));
                }
                Some(_) => {}
            }
        }
        differ.sort();
        self.origin = format!(
            "{name} beside the file, then the built-in table (ISO 3166-1 numeric) for {added} codes it lacks"
        );
        if !differ.is_empty() {
            self.origin.push_str(&format!(
                "; where they differ {name} is used ({})",
                differ.join("; ")
            ));
        }
    }

    /// Reads a BACI country code file (any of its versions' column names).
    pub fn parse_companion(bytes: &[u8]) -> Option<CodeTable> {
        let text = super::decode_text(bytes);
        let (mut reader, header) = csv_with_header(&text)?;
        let col = |want: &[&str]| header.iter().position(|h| want.contains(&h.trim()));
        let code = col(&["country_code", "i", "code"])?;
        let iso3 = col(&["country_iso3", "iso_3digit_alpha", "iso3"])?;
        let name = col(&[
            "country_name",
            "country_name_full",
            "country_name_abbreviation",
            "name",
        ]);
        let mut entries = HashMap::new();
        for record in reader.records().filter_map(Result::ok) {
            let Some(num) = record.get(code).and_then(|c| c.trim().parse::<u32>().ok()) else {
                continue;
            };
            let alpha = record.get(iso3).unwrap_or_default().trim().to_uppercase();
            let label = name
                .and_then(|n| record.get(n))
                .unwrap_or_default()
                .trim()
                .to_owned();
            let known = crate::model::country::is_iso_alpha3(&alpha);
            let code = if alpha.is_empty() {
                format!("N{num:03}")
            } else {
                alpha
            };
            entries.insert(
                num,
                CodeEntry {
                    code,
                    name: label,
                    world: num == 0,
                    unknown: !known && num != 0,
                },
            );
        }
        (!entries.is_empty()).then(|| CodeTable {
            entries,
            origin: String::new(),
        })
    }

    /// The entry for a numeric code; unknown codes become `N<code>`.
    pub fn lookup(&self, num: u32) -> CodeEntry {
        self.entries
            .get(&num)
            .cloned()
            .unwrap_or_else(|| CodeEntry {
                code: format!("N{num:03}"),
                name: format!("Unknown code {num}"),
                world: false,
                unknown: true,
            })
    }
}

/// The newest file beside `data_file` whose name starts with `prefix` and ends in `.csv`
/// (BACI's `country_codes_V202401.csv`, `product_codes_HS92_V202401.csv`), found whether the
/// data file is named by a relative path, an absolute one or a symbolic link (beside the
/// link first, then beside the file it points to).
pub fn companion_file(data_file: &Path, prefix: &str) -> Option<std::path::PathBuf> {
    let given = match data_file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let real = std::fs::canonicalize(data_file)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    [Some(given), real]
        .into_iter()
        .flatten()
        .find_map(|folder| {
            let mut candidates: Vec<_> = std::fs::read_dir(&folder)
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with(prefix) && n.to_lowercase().ends_with(".csv")
                    })
                })
                .collect();
            candidates.sort();
            candidates.pop()
        })
}

/// A CSV reader over `text` (rows of any length) and its header, trimmed and lower-cased.
fn csv_with_header(text: &str) -> Option<(csv::Reader<&[u8]>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .ok()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    Some((reader, header))
}

/// Product names from BACI's `product_codes_HS*_V*.csv` beside `data_file` (code,
/// description), under the code as written and, for a numeric code shorter than six
/// digits (a lost leading zero), also padded to six.
pub fn baci_product_names(data_file: &Path) -> Option<HashMap<String, String>> {
    let path = companion_file(data_file, "product_codes_")?;
    let bytes = std::fs::read(path).ok()?;
    product_names_from(&bytes)
}

/// Product names by code from the bytes of a BACI `product_codes_*.csv`.
pub fn product_names_from(bytes: &[u8]) -> Option<HashMap<String, String>> {
    let text = super::decode_text(bytes);
    let (mut reader, header) = csv_with_header(&text)?;
    let code = header.iter().position(|h| h == "code" || h == "k")?;
    let name = header
        .iter()
        .position(|h| h == "description" || h == "name")?;
    let mut names: HashMap<String, String> = HashMap::new();
    for record in reader.records().filter_map(Result::ok) {
        let (Some(code), Some(name)) = (record.get(code), record.get(name)) else {
            continue;
        };
        let (code, name) = (code.trim(), name.trim());
        if code.is_empty() || name.is_empty() {
            continue;
        }
        if code.bytes().all(|b| b.is_ascii_digit()) && code.len() < 6 {
            names.insert(format!("{code:0>6}"), name.to_owned());
        }
        names.insert(code.to_owned(), name.to_owned());
    }
    (!names.is_empty()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_knows_iso_and_comtrade_exceptions() {
        let t = CodeTable::builtin();
        assert_eq!(t.lookup(586).code, "PAK");
        assert_eq!(t.lookup(398).code, "KAZ");
        assert_eq!(t.lookup(842).code, "USA");
        assert_eq!(t.lookup(251).code, "FRA");
        assert_eq!(t.lookup(699).code, "IND");
        assert_eq!(t.lookup(757).code, "CHE");
        let other_asia = t.lookup(490);
        assert_eq!(
            (other_asia.code.as_str(), other_asia.unknown),
            ("S19", true)
        );
        assert!(t.lookup(0).world);
        let unknown = t.lookup(999);
        assert_eq!((unknown.code.as_str(), unknown.unknown), ("N999", true));
    }

    #[test]
    fn reads_baci_companion_files() {
        let file = "country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n842,USA,US,USA\n490,\"Other Asia, nes\",,\n";
        let t = CodeTable::parse_companion(file.as_bytes()).unwrap();
        assert_eq!(t.lookup(842).code, "USA");
        assert_eq!(t.lookup(490).code, "N490");
        assert_eq!(t.lookup(490).name, "Other Asia, nes");
        let old = "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n586,Pakistan,Pakistan,PK,PAK\n";
        assert_eq!(
            CodeTable::parse_companion(old.as_bytes())
                .unwrap()
                .lookup(586)
                .code,
            "PAK"
        );
    }
}
