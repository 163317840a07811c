//! Importing trade data files of every layout, small fixtures written by the tests, and
//! the bad inputs a real download can be.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

mod common;

use trade_explorer::io::import::{self, ImportError, Layout, cache};
use trade_explorer::model::dataset::{RowFlow, TradeTable, focus_sums, pair_products, pair_totals};

const COMTRADE_HEADER: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";

/// One Comtrade row: year, reporter (code, ISO, name), flow, partner (code, ISO, name),
/// product (code, description, level), value.
#[allow(clippy::too_many_arguments)]
fn comtrade_row(
    year: u16,
    reporter: (u32, &str, &str),
    flow: &str,
    partner: (u32, &str, &str),
    cmd: &str,
    desc: &str,
    level: u8,
    value: f64,
) -> String {
    let flow_desc = match flow {
        "X" => "Export",
        "M" => "Import",
        "RX" => "Re-export",
        _ => "Other",
    };
    format!(
        "C,A,{year}0101,{year},52,{year},{},{},\"{}\",{flow},{flow_desc},{},{},\"{}\",0,W00,World,H6,HS,True,{cmd},\"{desc}\",{level},{},C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,100,False,-1,N/A,0,False,100,False,0,False,{value},{value},{value},0,True,False",
        reporter.0,
        reporter.1,
        reporter.2,
        partner.0,
        partner.1,
        partner.2,
        if level == 6 { "True" } else { "False" }
    )
}

const PAK: (u32, &str, &str) = (586, "PAK", "Pakistan");
const KAZ: (u32, &str, &str) = (398, "KAZ", "Kazakhstan");
const WORLD: (u32, &str, &str) = (0, "W00", "World");

fn comtrade_fixture() -> String {
    let rows = [
        comtrade_row(
            2023,
            PAK,
            "X",
            KAZ,
            "TOTAL",
            "All Commodities",
            0,
            50_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "X",
            KAZ,
            "08",
            "Edible fruit and nuts; peel of citrus fruit or melons",
            2,
            30_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "X",
            KAZ,
            "30",
            "Pharmaceutical products",
            2,
            20_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "X",
            KAZ,
            "080510",
            "Oranges, fresh or dried",
            6,
            30_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "X",
            KAZ,
            "300490",
            "Medicaments, n.e.c.",
            6,
            20_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "RX",
            KAZ,
            "TOTAL",
            "All Commodities",
            0,
            2_000_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "M",
            KAZ,
            "TOTAL",
            "All Commodities",
            0,
            3_700_000.0,
        ),
        comtrade_row(
            2023,
            PAK,
            "X",
            WORLD,
            "TOTAL",
            "All Commodities",
            0,
            30_000_000_000.0,
        ),
    ];
    format!("{COMTRADE_HEADER}\n{}\n", rows.join("\n"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A seeded xorshift generator: the same test data every run.
fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn import(path: &Path) -> Result<import::ImportOutcome, ImportError> {
    import::import_file(path, None, &mut |_| {}, &AtomicBool::new(false))
}

fn country(table: &TradeTable, i: u16) -> &str {
    &table.countries[usize::from(i)].code
}

#[test]
fn comtrade_csv_counts_world_subflows_and_aggregates_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "comtrade.csv", comtrade_fixture().as_bytes());
    let outcome = import(&path).unwrap();
    assert_eq!(outcome.layout, Layout::Comtrade);
    assert_eq!((outcome.rows_read, outcome.rows_rejected), (8, 0));
    let table = &outcome.table;
    // 50M exports (TOTAL, not the chapters or headings again) + 3.7M imports; World and
    // re-exports are not added.
    assert_eq!(table.total_usd(), 53_700_000.0);
    let sums = focus_sums(table, "PAK");
    let kaz = sums["KAZ"][&2023];
    assert_eq!(
        (kaz.exports, kaz.imports),
        (Some(50_000_000.0), Some(3_700_000.0))
    );
    assert!(!sums.contains_key("W00"), "World is never a partner");
    assert!(table.countries.iter().any(|c| c.world && c.code == "W00"));
    // Products come from the finest level and roll up to chapters.
    let (chapters, _) = pair_products(table, "PAK", "KAZ", 2023, 2, None);
    assert_eq!(
        chapters,
        vec![("08".to_owned(), 30e6), ("30".to_owned(), 20e6)]
    );
    let (products, _) = pair_products(table, "PAK", "KAZ", 2023, 6, Some("30"));
    assert_eq!(products, vec![("300490".to_owned(), 20e6)]);
    assert!(table.row(5).is_some_and(|r| r.flow == RowFlow::ReExport));
    assert_eq!(
        table
            .products
            .iter()
            .find(|p| p.code == "080510")
            .unwrap()
            .name,
        "Oranges, fresh or dried"
    );
}

#[test]
fn bulk_text_and_gzip_give_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = comtrade_fixture();
    let reference = import(&write(dir.path(), "c.csv", csv.as_bytes()))
        .unwrap()
        .table;
    // Tab-separated bulk text: the same fields, quotes dropped, tabs between.
    let tsv: String = csv
        .lines()
        .map(|line| {
            let mut fields = Vec::new();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            if let Some(Ok(record)) = reader.records().next() {
                fields.extend(record.iter().map(str::to_owned));
            }
            fields.join("\t") + "\r\n"
        })
        .collect();
    let txt = import(&write(dir.path(), "c.txt", tsv.as_bytes())).unwrap();
    assert_eq!(txt.table, reference, "tab-separated with CRLF");
    let gz = import(&write(dir.path(), "c.csv.gz", &gzip(csv.as_bytes()))).unwrap();
    assert_eq!(gz.table, reference, "gzip");
    let txt_gz = import(&write(dir.path(), "c.txt.gz", &gzip(tsv.as_bytes()))).unwrap();
    assert_eq!(txt_gz.table, reference, "gzip of the bulk text");
}

#[test]
fn legacy_comtrade_in_latin1() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"Classification,Year,Period,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Netweight (kg),Trade Value (US$)\n".to_vec();
    // "Côte d'Ivoire" and "Caf\xe9" in ISO-8859-1.
    bytes.extend_from_slice(b"H5,2019,2019,2,Export,384,C\xf4te d'Ivoire,CIV,251,France,FRA,1801,Cocoa beans; whole or broken,1000,2500000\n");
    bytes.extend_from_slice(
        b"H5,2019,2019,1,Import,384,C\xf4te d'Ivoire,CIV,251,France,FRA,0901,Caf\xe9,10,12345.5\n",
    );
    let outcome = import(&write(dir.path(), "legacy.csv", &bytes)).unwrap();
    assert_eq!(outcome.layout, Layout::ComtradeLegacy);
    let t = &outcome.table;
    assert_eq!(t.len(), 2);
    assert_eq!(
        t.countries[usize::from(t.reporter[0])].name,
        "Côte d'Ivoire"
    );
    assert_eq!(t.products[t.product[1] as usize].name, "Café");
    assert_eq!(t.row(1).unwrap().flow, RowFlow::Import);
    assert_eq!(t.value[1], 12345.5);
}

#[test]
fn comtradr_with_bom_and_a_quoted_newline() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}ref_year,reporter_iso,reporter_desc,flow_desc,partner_iso,partner_desc,cmd_code,cmd_desc,primary_value\r\n\
                2024,KAZ,Kazakhstan,Export,PAK,Pakistan,0703,\"Onions, shallots,\ngarlic\",1200000\r\n\
                2024,KAZ,Kazakhstan,Import,PAK,Pakistan,0805,Citrus,800000\r\n";
    let outcome = import(&write(dir.path(), "comtradr.csv", text.as_bytes())).unwrap();
    assert_eq!(outcome.layout, Layout::Comtradr);
    assert_eq!(outcome.rows_rejected, 0);
    let t = &outcome.table;
    assert_eq!(t.len(), 2);
    assert_eq!(t.products[0].name, "Onions, shallots,\ngarlic");
    assert_eq!(country(t, t.reporter[0]), "KAZ");
    assert_eq!(
        focus_sums(t, "PAK")["KAZ"][&2024].imports_mirror,
        Some(1_200_000.0)
    );
}

#[test]
fn baci_values_are_thousands_and_codes_follow_the_companion_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = "t,i,j,k,v,q\n2022,586,398,080510,1234.567,12.5\n2022,842,251,010121,1.5,\n2022,490,999,030211,2,NA\n";
    let path = write(dir.path(), "BACI_HS17_Y2022_V202501.csv", data.as_bytes());
    let outcome = import(&path).unwrap();
    assert_eq!(outcome.layout, Layout::Baci);
    let t = &outcome.table;
    assert_eq!(t.value[0], 1_234_567.0, "thousands of dollars");
    assert!(t.reconciled);
    assert_eq!(country(t, t.reporter[1]), "USA");
    assert_eq!(country(t, t.partner[1]), "FRA");
    assert_eq!(country(t, t.reporter[2]), "S19");
    assert_eq!(country(t, t.partner[2]), "N999", "unknown codes are kept");
    assert!(
        outcome
            .unknown_countries
            .iter()
            .any(|c| c.starts_with("N999"))
    );
    assert_eq!(t.products[0].code, "080510", "leading zero kept");
    assert!(t.row(1).unwrap().quantity.is_none());
    assert_eq!(t.row(0).unwrap().quantity, Some(12.5));
    assert!(outcome.codes_origin.unwrap().contains("built-in"));

    // With BACI's own code list beside the file, it decides.
    write(
        dir.path(),
        "country_codes_V202501.csv",
        b"country_code,country_name,country_iso2,country_iso3\n586,Pakistan,PK,PAK\n398,Kazakhstan,KZ,KAZ\n842,USA,US,USA\n251,France,FR,FRA\n490,\"Other Asia, nes\",,\n999,Testland,,TST\n",
    );
    let outcome = import(&path).unwrap();
    let t = &outcome.table;
    assert_eq!(country(t, t.partner[2]), "TST");
    assert!(
        outcome
            .codes_origin
            .unwrap()
            .starts_with("country_codes_V202501.csv beside the file")
    );
}

#[test]
fn codes_missing_from_the_companion_list_fall_back_to_iso_numeric() {
    let dir = tempfile::tempdir().unwrap();
    // 380 (Italy) and 276 (Germany) are not in this release's list, but are ISO 3166-1
    // numeric codes; 999 is known to none of the lists.
    let data =
        "t,i,j,k,v,q\n2022,586,380,080510,10,\n2022,276,586,010121,5,\n2022,586,999,030211,2,\n";
    let path = write(dir.path(), "BACI_HS92_Y2022_V202401.csv", data.as_bytes());
    write(
        dir.path(),
        "country_codes_V202401.csv",
        b"country_code,country_name,country_iso2,country_iso3\n586,Pakistan,PK,PAK\n",
    );
    let outcome = import(&path).unwrap();
    let t = &outcome.table;
    assert_eq!(country(t, t.partner[0]), "ITA");
    assert_eq!(country(t, t.reporter[1]), "DEU");
    assert_eq!(
        outcome.unknown_countries,
        vec!["N999 (Unknown code 999)".to_owned()]
    );
    let origin = outcome.codes_origin.unwrap();
    assert!(origin.contains("then the built-in table"), "{origin}");
}

#[test]
fn unknown_header_lists_the_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "other.csv",
        b"exporter,importer,year,trade\nARG,AUS,1986,27.7\n",
    );
    let err = import(&path).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ImportError::UnknownHeader { .. }));
    for expected in [
        "exporter, importer, year, trade",
        "UN Comtrade",
        "BACI",
        "comtradr",
        "primaryValue",
        "t, i, j, k, v",
    ] {
        assert!(text.contains(expected), "{expected} missing from: {text}");
    }
}

/// Files that are not text a CSV reader can read are refused with what they are and what
/// to do, both when the header is peeked at (the app's first step) and when imported;
/// before, their first bytes were listed as the "columns" of an unknown header.
#[test]
fn binary_utf16_workbook_and_damaged_zip_files_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let utf16: Vec<u8> = "t,i,j,k,v,q\n2022,586,398,0805,1,1\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf16 = [&[0xff, 0xfe][..], &utf16].concat();
    let mut next = xorshift(7);
    let random: Vec<u8> = (0..4096).map(|_| next() as u8).collect();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("unicode.csv", utf16, "is UTF-16 text"),
        ("random.csv", random.clone(), "holds binary data, not text"),
        (
            "nul.csv",
            b"t,i,j\0,k,v,q\n".to_vec(),
            "holds binary data, not text",
        ),
        (
            "sheet.xlsx",
            b"PK\x03\x04 a workbook".to_vec(),
            "is a spreadsheet workbook",
        ),
        ("release.zip", random, "not a readable zip archive"),
    ];
    for (name, bytes, what) in cases {
        let path = write(dir.path(), name, &bytes);
        let imported = import(&path).map(|_| ()).unwrap_err().to_string();
        let peeked = import::peek(&path, 5).map(|_| ()).unwrap_err().to_string();
        for text in [imported, peeked] {
            assert!(
                text.starts_with(&format!("{}: {what}", path.display())),
                "{text}"
            );
            assert!(!text.contains("Its columns are"), "{text}");
        }
    }
    // Text with a form feed or a DOS end-of-file mark (Ctrl+Z) is still text.
    let dos = write(
        dir.path(),
        "dos.csv",
        b"t,i,j,k,v,q\r\n2022,586,398,0805,1,1\r\n\x1a",
    );
    let outcome = import(&dos).unwrap();
    assert_eq!(outcome.table.len(), 1);
}

#[test]
fn empty_header_only_truncated_and_huge_inputs_give_clear_results() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", b"");
    assert!(matches!(import(&empty), Err(ImportError::Empty { .. })));
    let blank = write(dir.path(), "blank.csv", b"\n\n  \n");
    assert!(matches!(import(&blank), Err(ImportError::Empty { .. })));

    let header_only = write(dir.path(), "header.csv", b"t,i,j,k,v,q\n");
    let outcome = import(&header_only).unwrap();
    assert_eq!((outcome.rows_read, outcome.table.len()), (0, 0));

    let full = gzip(comtrade_fixture().repeat(200).as_bytes());
    let truncated = write(dir.path(), "cut.csv.gz", &full[..full.len() / 2]);
    let err = import(&truncated).unwrap_err();
    assert!(matches!(err, ImportError::Compressed { .. }), "{err:?}");
    assert!(err.to_string().contains("incomplete"));

    let mut huge = b"t,i,j,k,v,q\n2022,586,398,".to_vec();
    huge.extend(std::iter::repeat_n(b'7', 20 * 1024 * 1024));
    huge.extend_from_slice(b",1,1\n2022,586,398,0805,1,1\n");
    let outcome = import(&write(dir.path(), "huge.csv", &huge));
    match outcome {
        Ok(o) => {
            assert_eq!(o.table.len(), 1, "the sane row is kept");
            assert_eq!(o.rows_rejected, 1);
        }
        Err(err) => assert!(matches!(err, ImportError::LineTooLong { .. }), "{err:?}"),
    }
    // The folder of these files is one dataset: the files that fail are named with their
    // reason, the sane row of huge.csv is kept.
    let folder = import(dir.path()).unwrap();
    let failed: Vec<&str> = folder
        .failed_files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(failed, ["blank.csv", "cut.csv.gz", "empty.csv"]);
    assert_eq!(folder.failed_files[0].1, "the file is empty");
    assert!(folder.failed_files[1].1.contains("incomplete or damaged"));
    assert_eq!(folder.table.len(), 1);
}

#[test]
fn bad_rows_are_counted_and_listed_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("t,i,j,k,v,q\n");
    for i in 0..150 {
        if i % 3 == 0 {
            text.push_str("20x2,586,398,0805,1,1\n");
        } else {
            text.push_str(&format!("2022,586,398,0805,{i},1\n"));
        }
    }
    let outcome = import(&write(dir.path(), "bad.csv", text.as_bytes())).unwrap();
    assert_eq!(outcome.rows_rejected, 50);
    assert_eq!(outcome.rows_read, 150);
    assert_eq!(outcome.rejected.len(), 50);
    assert_eq!(outcome.rejected[0].0, 2, "the first data line is line 2");
    assert_eq!(outcome.rejected[1].0, 5);
    assert!(outcome.rejected[0].1.contains("not a year"));
}

/// A quote opened and never closed swallows the rest of the file into one record (as CSV
/// reads it). Near the end of a file that record is refused with its line and a reason
/// that says so, the rows before it kept; further from the end the file is refused as
/// holding a record too long, with the quote named. Either way nothing vanishes unseen
/// (before, the rest of the file was dropped without a word).
#[test]
fn a_quote_never_closed_is_refused_with_its_line_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let text = "t,i,j,k,v,q\n2020,4,8,010121,1.5,2\n2020,4,8,010122,\"2.5,1\n\
                2020,4,8,010123,3.5,1\n2020,4,8,010124,4.5,1\n";
    let outcome = import(&write(dir.path(), "stray.csv", text.as_bytes())).unwrap();
    assert_eq!(outcome.table.len(), 1);
    assert_eq!((outcome.rows_read, outcome.rows_rejected), (2, 1));
    let (line, why) = &outcome.rejected[0];
    assert_eq!(*line, 3);
    assert!(why.contains("never closed"), "{why}");
    assert!(why.contains("(3 lines)"), "lines 3 to 5: {why}");
    // The same at the very end, without a final line break.
    let last = "t,i,j,k,v,q\n2020,4,8,010121,1.5,2\n\"2020,4,8,010122,2.5,1";
    let outcome = import(&write(dir.path(), "last.csv", last.as_bytes())).unwrap();
    assert_eq!((outcome.table.len(), outcome.rows_rejected), (1, 1));
    assert_eq!(outcome.rejected[0].0, 3);
    assert!(
        outcome.rejected[0].1.contains("(1 line)"),
        "{:?}",
        outcome.rejected
    );

    let mut far = b"t,i,j,k,v,q\n2020,4,8,010121,1.5,2\n2020,4,8,\"010122,2.5,1\n".to_vec();
    // Past the longest record read (16 MiB) well before the end of the file.
    while far.len() < 40 * 1024 * 1024 {
        far.extend_from_slice(b"2020,4,8,010123,3.5,1\n");
    }
    let err = import(&write(dir.path(), "far.csv", &far)).unwrap_err();
    assert!(matches!(err, ImportError::LineTooLong { .. }), "{err:?}");
    assert!(err.to_string().contains("never closed"), "{err}");
}

/// A straightforward reading of a BACI file, to check the importer's aggregates against.
fn reference_pair_totals(text: &str) -> HashMap<(String, String), f64> {
    let mut totals = HashMap::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        let v: f64 = record[4].parse().unwrap();
        *totals
            .entry((record[1].to_owned(), record[2].to_owned()))
            .or_insert(0.0) += v * 1000.0;
    }
    totals
}

#[test]
fn aggregates_match_a_reference_computation_and_the_cache_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut next = xorshift(0x1234_5678_9abc_def1);
    let codes = [
        4u32, 8, 12, 32, 36, 40, 50, 56, 76, 124, 156, 250, 276, 356, 392, 398, 586, 643, 792, 826,
        842,
    ];
    let mut text = String::from("t,i,j,k,v,q\n");
    for _ in 0..30_000 {
        let i = codes[(next() % codes.len() as u64) as usize];
        let mut j = codes[(next() % codes.len() as u64) as usize];
        if j == i {
            // A country with itself counts in no total; this reference does not know that.
            j = if i == 36 { 40 } else { 36 };
        }
        let k = 10_000 + next() % 90_000;
        let v = (next() % 10_000_000) as f64 / 1000.0;
        text.push_str(&format!("{},{i},{j},0{k},{v:.3},\n", 2015 + next() % 5));
    }
    let path = write(dir.path(), "generated.csv", text.as_bytes());
    let outcome = import(&path).unwrap();
    let table = &outcome.table;
    let expected = reference_pair_totals(&text);
    let numeric = |code: &str| {
        codes
            .iter()
            .find(|n| {
                trade_explorer::io::import::codes::CodeTable::builtin()
                    .lookup(**n)
                    .code
                    == code
            })
            .map(u32::to_string)
            .unwrap()
    };
    let got = pair_totals(table);
    assert_eq!(got.len(), expected.len());
    for ((r, p), value) in got {
        let key = (numeric(country(table, r)), numeric(country(table, p)));
        let want = expected[&key];
        assert!(
            (value - want).abs() <= want.abs() * 1e-12 + 1e-6,
            "{key:?}: {value} vs {want}"
        );
    }

    let cache_file = dir.path().join("cache").join("x.tecache");
    let fingerprint = cache::Fingerprint::of(&path).unwrap();
    cache::store(&cache_file, &fingerprint, &outcome, None).unwrap();
    let reopened = cache::load(&cache_file, &fingerprint)
        .unwrap()
        .expect("cache matches");
    assert_eq!(&reopened.table, table);
    assert_eq!(reopened.layout, Layout::Baci);

    // A changed source invalidates the cache; a damaged cache is ignored, not trusted.
    std::fs::write(&path, text.replace("2015,", "2016,")).unwrap();
    let changed = cache::Fingerprint::of(&path).unwrap();
    assert!(cache::load(&cache_file, &changed).unwrap().is_none());
    let bytes = std::fs::read(&cache_file).unwrap();
    std::fs::write(&cache_file, &bytes[..bytes.len() - 10]).unwrap();
    assert!(cache::load(&cache_file, &fingerprint).unwrap().is_none());
}

/// The app shows an imported dataset before writing its cache: the rows are handed over
/// with the cache still to write, and writing it then gives what a later open reads back.
/// A temporary file that a write cut short left behind long ago is removed on the way.
#[test]
fn the_cache_is_written_after_the_rows_are_handed_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "data.csv", comtrade_fixture().as_bytes());
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let stale = cache.join(".cache.killed.tmp");
    let left = std::fs::File::create(&stale).unwrap();
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    left.set_modified(long_ago).unwrap();
    drop(left);
    let recent = cache.join(".cache.running.tmp");
    std::fs::write(&recent, b"").unwrap();

    let cancel = AtomicBool::new(false);
    let open = |cancel: &AtomicBool| {
        import::open_dataset_then_cache(&path, None, Some(&cache), &mut |_| {}, cancel).unwrap()
    };
    let (opened, pending) = open(&cancel);
    assert!(!opened.from_cache);
    let pending = pending.expect("a cache to write");
    assert!(
        common::files_in(&cache).iter().all(|f| f.ends_with(".tmp")),
        "nothing written yet: {:?}",
        common::files_in(&cache)
    );
    pending.write(&opened.outcome.table);
    let names = common::files_in(&cache);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert!(recent.exists(), "a recent one may be a write in progress");

    let (again, none) = open(&cancel);
    assert!(again.from_cache);
    assert!(none.is_none());
    assert_eq!(again.outcome.table, opened.outcome.table);
    assert_eq!(again.outcome.rows_rejected, opened.outcome.rows_rejected);
    assert_eq!(again.main_country, opened.main_country);
}

#[test]
fn shared_data_file_imports_through_a_mapping() {
    // The real gravity dataset in ../shared/data (CI has it): exporter/importer ISO codes,
    // years written as 1986.0, trade in millions of dollars.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/gravity_agtpa_1986_2006.csv");
    if !path.exists() {
        eprintln!("skipping: {} is not here", path.display());
        return;
    }
    let peek = import::peek(&path, 3).unwrap();
    assert!(peek.detected.is_none(), "not a known layout");
    let column = |name: &str| peek.header.iter().position(|h| h == name).unwrap();
    let map = import::ColumnMap {
        year: column("year"),
        reporter_iso: Some(column("exporter")),
        partner_iso: Some(column("importer")),
        value: column("trade"),
        value_scale: 1e6,
        ..import::ColumnMap::default()
    };
    let outcome =
        import::import_file(&path, Some(map), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(outcome.rows_read, 99_981);
    assert_eq!(outcome.rows_rejected, 0);
    let t = &outcome.table;
    // Romania as ROM, its ISO code before 2002: read as ROU, said so, not unknown.
    assert!(t.country_index("ROM").is_none());
    let rou = t.country_index("ROU").expect("Romania as ROU");
    assert!(!t.countries[usize::from(rou)].unknown);
    assert_eq!(t.countries[usize::from(rou)].name, "Romania");
    assert!(
        outcome.unknown_countries.is_empty(),
        "{:?}",
        outcome.unknown_countries
    );
    assert_eq!(
        outcome.recoded_countries,
        [("ROM".to_owned(), "ROU".to_owned())]
    );
    // Its exports to other countries, from pandas:
    //   d[(d.exporter == 'ROM') & (d.importer != 'ROM')].trade.sum() * 1e6   (1,428 rows)
    let exports: f64 = (0..t.len())
        .filter(|&i| t.reporter[i] == rou && t.partner[i] != rou)
        .map(|i| t.value[i])
        .sum();
    let from_pandas = 173_063_519_857.606_63;
    assert!(
        (exports - from_pandas).abs() < from_pandas * 1e-12,
        "{exports}"
    );
    // ARG → AUS 1986 is 27.76 million in the file.
    let arg = t.country_index("ARG").unwrap();
    let aus = t.country_index("AUS").unwrap();
    let row = (0..t.len())
        .find(|&i| t.reporter[i] == arg && t.partner[i] == aus && t.year[i] == 1986)
        .unwrap();
    assert!(
        (t.value[row] - 27_764_873.906_761_41).abs() < 1.0,
        "{}",
        t.value[row]
    );
    // The file gives each country's domestic trade as a row with itself: kept, counted in
    // no total. Expected figures from pandas:
    //   d = pd.read_csv(path); d[d.exporter != d.importer].trade.sum() * 1e6
    //   s = d[d.exporter == d.importer]; len(s), s.trade.sum() * 1e6
    let between = 76_442_614_326_043.77;
    assert!(
        (t.total_usd() - between).abs() < between * 1e-12,
        "{}",
        t.total_usd()
    );
    let (rows, value) = t.trade_with_itself();
    assert_eq!(rows, 1_449);
    let domestic = 250_095_784_255_887.03;
    assert!((value - domestic).abs() < domestic * 1e-12, "{value}");
}

/// Larger than several read blocks (8 MiB), so that the parser's per-part dictionaries
/// carry over from block to block: every row and every product code must come through.
#[test]
fn a_file_spanning_many_blocks_keeps_every_row_and_product() {
    let dir = tempfile::tempdir().unwrap();
    let mut next = xorshift(0x0dd_ba11_cafe_f00d);
    let rows = 1_000_000;
    let mut text = String::with_capacity(rows * 34);
    text.push_str("t,i,j,k,v,q\n");
    for _ in 0..rows {
        // New codes keep appearing late in the file, not only in the first block.
        let k = 100_000 + next() % 400_000;
        let v = next() % 100_000;
        text.push_str(&format!("2020,586,398,{k},{v},\n"));
    }
    assert!(text.len() > 3 * 8 * 1024 * 1024, "spans several blocks");
    let mut expected: HashMap<String, f64> = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        *expected.entry(f[3].to_owned()).or_default() += f[4].parse::<f64>().unwrap() * 1000.0;
    }
    let path = write(dir.path(), "many_blocks.csv", text.as_bytes());
    let outcome = import(&path).unwrap();
    let t = &outcome.table;
    assert_eq!(t.len(), rows);
    assert_eq!(outcome.rows_rejected, 0);
    assert_eq!(
        t.products.len(),
        expected.len(),
        "each code once in the dictionary"
    );
    let mut got: HashMap<String, f64> = HashMap::new();
    for i in 0..t.len() {
        *got.entry(t.products[t.product[i] as usize].code.clone())
            .or_default() += t.value[i];
    }
    assert_eq!(got, expected);
}

/// The name of product `code` in `table`, if it has that product.
fn product_name(table: &TradeTable, code: &str) -> Option<String> {
    table
        .products
        .iter()
        .find(|p| p.code == code)
        .map(|p| p.name.clone())
}

#[test]
fn baci_product_names_come_from_the_product_codes_file_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let data =
        "t,i,j,k,v,q\n2022,586,398,080510,10,\n2022,586,398,300490,5,\n2022,586,398,770000,1,\n";
    let path = write(dir.path(), "BACI_HS92_Y2022_V202401.csv", data.as_bytes());
    write(
        dir.path(),
        "product_codes_HS92_V202401.csv",
        b"code,description\n80510,\"Fruit, citrus; oranges, fresh or dried\"\n300490,Medicaments n.e.c.\n",
    );
    let outcome = import(&path).unwrap();
    let name = |code: &str| product_name(&outcome.table, code);
    assert_eq!(
        name("080510").as_deref(),
        Some("Fruit, citrus; oranges, fresh or dried")
    );
    assert_eq!(name("300490").as_deref(), Some("Medicaments n.e.c."));
    assert_eq!(
        name("770000").as_deref(),
        Some(""),
        "codes neither the file nor HS 2022 names stay bare"
    );
}

/// BACI codes written as numbers (`80510`) are the six-digit codes with their leading zero:
/// citrus in chapter 08, not chapter 80, and one product with `080510` when a file has both.
#[test]
fn baci_codes_without_their_leading_zero_are_padded() {
    let dir = tempfile::tempdir().unwrap();
    let data =
        "t,i,j,k,v,q\n2022,586,398,80510,10,\n2022,586,398,080510,2,\n2022,586,398,300490,5,\n";
    let path = write(dir.path(), "BACI_HS92_Y2022_V202401.csv", data.as_bytes());
    let outcome = import(&path).unwrap();
    let t = &outcome.table;
    let codes: Vec<&str> = t.products.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["080510", "300490"]);
    let citrus: f64 = (0..t.len())
        .filter(|&i| t.products[t.product[i] as usize].code == "080510")
        .map(|i| t.value[i])
        .sum();
    // Hand-computed: (10 + 2) thousand dollars.
    assert_eq!(citrus, 12_000.0);
}

/// Codes a file does not name get the shipped HS 2022 names at every level; a name the
/// file gives (Comtrade's cmdDesc) wins.
#[test]
fn products_the_file_does_not_name_get_the_hs_names() {
    let dir = tempfile::tempdir().unwrap();
    let data = "refYear,reporterISO,partnerISO,flowCode,cmdCode,cmdDesc,primaryValue\n\
                2022,PAK,KAZ,X,08,,10\n\
                2022,PAK,KAZ,X,0805,,6\n\
                2022,PAK,KAZ,X,080510,Oranges as the file names them,4\n";
    let path = write(dir.path(), "comtrade.csv", data.as_bytes());
    let outcome = import(&path).unwrap();
    let name = |code: &str| product_name(&outcome.table, code);
    assert_eq!(
        name("08").as_deref(),
        Some("Edible fruit and nuts; peel of citrus fruit or melons")
    );
    assert_eq!(
        name("0805").as_deref(),
        Some("Citrus fruit; fresh or dried")
    );
    assert_eq!(
        name("080510").as_deref(),
        Some("Oranges as the file names them")
    );
}

/// A file that cannot be a trade table says which separator it found and why.
#[test]
fn files_that_are_not_tables_say_which_separator_they_have() {
    let dir = tempfile::tempdir().unwrap();
    let problem = |name: &str, text: &str| {
        let path = write(dir.path(), name, text.as_bytes());
        trade_explorer::io::import::peek(&path, 20)
            .unwrap()
            .layout_problem()
    };
    let two = problem("two.csv", "year;value\n2020;5\n").unwrap();
    assert!(two.contains("2 columns separated by semicolons"), "{two}");
    assert!(!two.contains("no comma"), "{two}");
    let one = problem("one.csv", "year value\n2020 5\n").unwrap();
    assert!(one.contains("one column"), "{one}");
    let mixed = problem(
        "mixed.csv",
        "year;reporter;partner;value\n2020,PAK,KAZ,5\n2021,PAK,KAZ,6\n",
    )
    .unwrap();
    assert!(mixed.contains("line 2 has 1"), "{mixed}");
    // Trailing separators and a clean table are fine.
    assert_eq!(
        problem("ok.csv", "year,reporter,partner,value\n2020,PAK,KAZ,5,\n"),
        None
    );
}
