//! Parquet in and out without Python: the committed fixtures written by DuckDB (see
//! `tests/fixtures/make_parquet_fixtures.py`) — Spark's output layout with partition
//! folders, `_SUCCESS` and `.crc` files, a DECIMAL(38,6) value and dictionary-encoded
//! strings; one uncompressed file with version 2 pages — checked against totals computed
//! by hand from the rows listed there; the same files zipped; damaged files; a mapping over
//! Parquet columns; and the app's own Parquet exports read back.
//!
//! The rows (US dollars; the World row does not count):
//!
//! | year | reporter | partner | flow | product | value          |
//! |------|----------|---------|------|---------|----------------|
//! | 2021 | PAK      | KAZ     | X    | 0805    | 1,500,000.25   |
//! | 2021 | PAK      | KAZ     | X    | 3004    | 2,250,000.50   |
//! | 2021 | PAK      | KAZ     | M    | 2709    | 1,000,000.00   |
//! | 2021 | KAZ      | PAK     | X    | 2709    | 900,000.125    |
//! | 2022 | PAK      | KAZ     | X    | 0805    | 1,750,000.00   |
//! | 2022 | PAK      | KAZ     | X    | 6110    | 300,000.75     |
//! | 2022 | PAK      | KAZ     | M    | 2709    | 1,200,000.00   |
//! | 2022 | PAK      | W00     | X    | TOTAL   | 99,000,000.00  |
//!
//! 2021: 1,500,000.25 + 2,250,000.50 + 1,000,000 + 900,000.125 = 5,650,000.875
//! 2022: 1,750,000 + 300,000.75 + 1,200,000 = 3,250,000.75; all: 8,900,001.625.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use trade_explorer::io::import::{self, ColumnMap, ImportError, ImportOutcome, Layout};
use trade_explorer::model::dataset::{RowFlow, TradeTable, pair_totals_by_year};

const TOTAL: f64 = 8_900_001.625;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn import(path: &Path, mapping: Option<ColumnMap>) -> Result<ImportOutcome, ImportError> {
    import::import_file(path, mapping, &mut |_| {}, &AtomicBool::new(false))
}

/// The sum of (year, reporter, partner, flow) totals for one year and direction.
fn pair(table: &TradeTable, year: u16, from: &str, to: &str, flow: RowFlow) -> f64 {
    let (Some(r), Some(p)) = (table.country_index(from), table.country_index(to)) else {
        return f64::NAN;
    };
    pair_totals_by_year(table)
        .iter()
        .filter(|t| t.year == year && t.reporter == r && t.partner == p && t.flow == flow)
        .map(|t| t.value)
        .sum()
}

fn assert_fixture_figures(table: &TradeTable) {
    assert_eq!(table.total_usd(), TOTAL);
    assert_eq!(
        pair(table, 2021, "PAK", "KAZ", RowFlow::Export),
        3_750_000.75
    );
    assert_eq!(
        pair(table, 2021, "KAZ", "PAK", RowFlow::Export),
        900_000.125
    );
    assert_eq!(
        pair(table, 2022, "PAK", "KAZ", RowFlow::Export),
        2_050_000.75
    );
    assert_eq!(
        pair(table, 2022, "PAK", "KAZ", RowFlow::Import),
        1_200_000.0
    );
    let mut years = table.year.to_vec();
    years.sort_unstable();
    years.dedup();
    assert_eq!(years, [2021, 2022]);
}

#[test]
fn spark_output_folder_is_one_dataset_with_exact_decimals() {
    let path = fixture("spark_output");
    let release = import::release::list(&path).expect("the folder lists");
    assert_eq!(release.data.len(), 2);
    let mut left_out = release.left_out.clone();
    left_out.sort();
    assert_eq!(left_out.len(), 4, "{left_out:?}");
    assert!(left_out.iter().any(|n| n == "_SUCCESS"));
    assert!(
        left_out
            .iter()
            .all(|n| n.ends_with(".crc") || n == "_SUCCESS")
    );
    let outcome = import(&path, None).expect("the Spark output imports");
    assert_eq!(outcome.layout, Layout::Comtradr);
    assert_eq!(outcome.files, 2);
    assert_eq!(outcome.rows_rejected, 0, "{:?}", outcome.rejected);
    assert_eq!(outcome.table.len(), 8);
    assert_fixture_figures(&outcome.table);
    // Names from the file's cmd_desc column, with its comma.
    let citrus = outcome.table.products.iter().find(|p| p.code == "0805");
    assert_eq!(
        citrus.map(|p| p.name.as_str()),
        Some("Citrus fruit, fresh or dried")
    );
}

#[test]
fn uncompressed_version_2_pages_read_the_same() {
    let outcome = import(&fixture("uncompressed.parquet"), None).expect("imports");
    assert_eq!(outcome.files, 1);
    assert_eq!(outcome.rows_rejected, 0);
    assert_fixture_figures(&outcome.table);
}

#[test]
fn peek_shows_the_columns_and_decimal_text() {
    let peek = import::peek(&fixture("uncompressed.parquet"), 3).expect("peeks");
    assert_eq!(
        peek.header,
        [
            "ref_year",
            "reporter_iso",
            "partner_iso",
            "flow_code",
            "cmd_code",
            "cmd_desc",
            "primary_value"
        ]
    );
    assert_eq!(peek.rows.len(), 3);
    assert_eq!(peek.rows[0][5], "Citrus fruit, fresh or dried");
    assert_eq!(peek.rows[0][6], "1500000.250000");
    // A partition folder is a column of its own.
    let part = fixture("spark_output/ref_year=2022");
    let peek = import::peek(&part, 1).expect("peeks");
    assert_eq!(peek.header.last().map(String::as_str), Some("ref_year"));
    assert_eq!(peek.rows[0].last().map(String::as_str), Some("2022"));
}

#[test]
fn zipped_parquet_files_keep_their_partition_folders() {
    let dir = tempfile::tempdir().expect("a folder");
    let zip_path = dir.path().join("spark_output.zip");
    let file = std::fs::File::create(&zip_path).expect("created");
    let mut zip = zip::ZipWriter::new(file);
    let root = fixture("spark_output");
    for year in [2021, 2022] {
        let folder = root.join(format!("ref_year={year}"));
        for entry in std::fs::read_dir(&folder).expect("lists").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).expect("reads");
            zip.start_file(
                format!("out/ref_year={year}/{name}"),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("starts");
            std::io::Write::write_all(&mut zip, &bytes).expect("writes");
        }
    }
    zip.finish().expect("finished");
    let outcome = import(&zip_path, None).expect("the zip imports");
    assert_eq!(outcome.files, 2);
    assert_fixture_figures(&outcome.table);
}

#[test]
fn damaged_parquet_is_named_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("a folder");
    let bytes = std::fs::read(fixture("uncompressed.parquet")).expect("reads");
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("written");
    let err = import(&cut, None)
        .expect_err("a cut file fails")
        .to_string();
    assert!(
        err.starts_with(&format!("{}: not a readable Parquet file (", cut.display())),
        "{err}"
    );
    // The footer intact but the pages scrambled: the rows fail, with the file named.
    let mut scrambled = bytes.clone();
    for b in &mut scrambled[8..bytes.len() / 2] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    let path = dir.path().join("scrambled.parquet");
    std::fs::write(&path, &scrambled).expect("written");
    let err = import(&path, None)
        .expect_err("scrambled pages fail")
        .to_string();
    assert!(err.starts_with(&path.display().to_string()), "{err}");
}

#[test]
fn unknown_parquet_columns_go_through_a_mapping() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("flows.parquet");
    std::fs::copy(fixture("uncompressed.parquet"), &path).expect("copied");
    // The same file under a mapping that ignores the product columns: one total row per
    // (year, pair, flow) group is not what the file has, so every row counts as a total.
    let map = ColumnMap {
        year: 0,
        reporter_iso: Some(1),
        partner_iso: Some(2),
        flow: Some(3),
        value: 6,
        value_scale: 1.0,
        ..ColumnMap::default()
    };
    let outcome = import(&path, Some(map)).expect("imports with the mapping");
    assert_eq!(outcome.layout, Layout::Mapped);
    assert_eq!(outcome.table.products.len(), 1);
    assert_eq!(outcome.table.total_usd(), TOTAL);
}

#[test]
fn exports_read_back_to_the_same_rows_and_totals() {
    let dir = tempfile::tempdir().expect("a folder");
    let original = import(&fixture("spark_output"), None)
        .expect("imports")
        .table;
    let rows = dir.path().join("rows.parquet");
    trade_explorer::io::write_rows_parquet(&rows, &original, None).expect("written");
    let back = import(&rows, None).expect("the export imports");
    assert_eq!(back.layout, Layout::TradeExplorer);
    assert_eq!(back.table.len(), original.len());
    assert_fixture_figures(&back.table);
    assert_eq!(
        back.table.quantity.iter().filter(|q| !q.is_nan()).count(),
        0
    );
    // A filtered export: the rows listed, in that order.
    let some = dir.path().join("some.parquet");
    trade_explorer::io::write_rows_parquet(&some, &original, Some(&[2, 0])).expect("written");
    let two = import(&some, None).expect("imports").table;
    assert_eq!(two.value[..], [original.value[2], original.value[0]]);

    let totals = dir.path().join("totals.parquet");
    trade_explorer::io::write_pair_totals_parquet(&totals, &original).expect("written");
    let back = import(&totals, None).expect("the totals import").table;
    // 2021 PAK→KAZ X, M; KAZ→PAK X; 2022 PAK→KAZ X, M: five totals, World left out.
    assert_eq!(back.len(), 5);
    assert_fixture_figures(&back);
}

#[test]
fn a_reconciled_dataset_is_exported_without_flows_and_read_back_as_reconciled() {
    let dir = tempfile::tempdir().expect("a folder");
    let csv = dir.path().join("BACI_HS92_Y2022_V202401b.csv");
    std::fs::write(
        &csv,
        "t,i,j,k,v,q\n2022,586,398,080510,10.5,1\n2022,398,586,270900,4.25,\n",
    )
    .expect("written");
    let table = import(&csv, None).expect("imports").table;
    assert!(table.reconciled);
    let out = dir.path().join("baci.parquet");
    trade_explorer::io::write_rows_parquet(&out, &table, None).expect("written");
    let back = import(&out, None).expect("imports");
    assert!(back.table.reconciled);
    assert_eq!(back.table.total_usd(), 14_750.0);
    assert_eq!(back.table.quantity[0], 1.0);
    assert!(back.table.quantity[1].is_nan());
}

fn check_json(path: &Path, home: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .args(["check", "--json"])
        .arg(path)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn check_and_convert_on_the_command_line() {
    let home = tempfile::tempdir().expect("a folder");
    let report = check_json(&fixture("spark_output"), home.path());
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["files"], 2);
    assert_eq!(report["trade_records"], 8);
    assert_eq!(report["years"], serde_json::json!([2021, 2022]));
    assert_eq!(report["total_trade_usd"], TOTAL);

    let out = home.path().join("copy.parquet");
    let run = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .arg("convert")
        .arg(fixture("spark_output"))
        .arg(&out)
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .expect("runs");
    assert!(run.status.success());
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("{}: 8 rows written", out.display())
    );
    let report = check_json(&out, home.path());
    assert_eq!(report["total_trade_usd"], TOTAL);
    assert_eq!(report["layout"], "Trade Explorer export");

    // Usage errors are explained, and nothing is written.
    let wrong = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .args(["convert", "--pair-totals"])
        .arg(fixture("uncompressed.parquet"))
        .arg(home.path().join("doc.ron"))
        .output()
        .expect("runs");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong.stdout)
            .contains("--pair-totals needs an output ending in .parquet")
    );
    assert!(!home.path().join("doc.ron").exists());
}

/// DuckDB wrote the same 6,000 rows (missing fields and bad rows among them) as CSV and as
/// Parquet with version 1 and version 2 pages: each Parquet file gives the CSV's rows,
/// dictionaries and refusals (same lines, same reasons), whichever way its row groups are
/// read.
#[test]
fn parquet_with_missing_values_and_bad_rows_reads_as_its_csv() {
    let csv = import(&fixture("mixed.csv"), None).expect("the CSV imports");
    assert!(csv.rows_rejected >= 20, "{} refused", csv.rows_rejected);
    assert!(csv.table.len() > 5_000);
    for name in ["mixed.parquet", "mixed_v2.parquet"] {
        let parquet = import(&fixture(name), None).expect("the Parquet file imports");
        assert_eq!(parquet.table, csv.table, "{name}");
        assert_eq!(parquet.rejected, csv.rejected, "{name}");
        assert_eq!(
            (parquet.rows_read, parquet.rows_rejected),
            (csv.rows_read, csv.rows_rejected),
            "{name}"
        );
    }
}
