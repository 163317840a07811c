//! A large Parquet release's totals, read without keeping its rows: the same totals,
//! refusals, countries and files as the whole import, whichever reader (column by column,
//! or row by row for files with missing values and bad rows) reads the files.
//!
//! Totals computed independently of the app (DuckDB's own sums) are checked in
//! `tests/independent_totals.rs`; here the pass is held to the app's own full import,
//! which those tests check in turn.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[path = "common/baci_parquet.rs"]
mod baci_parquet;

use baci_parquet::{BaciRow, baci_parquet, baci_parquet_with};
use trade_explorer::io::import::{self, ImportOutcome, release};
use trade_explorer::model::dataset::TradeTable;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn full(path: &Path) -> ImportOutcome {
    import::import_file(path, None, &mut |_| {}, &AtomicBool::new(false)).expect("it imports")
}

fn totals(path: &Path, min_rows: u64) -> Option<ImportOutcome> {
    let cancel = AtomicBool::new(false);
    release::import_release_totals(path, None, min_rows, &mut |_| {}, &cancel)
        .expect("its totals read")
}

/// Value per (year, reporter, partner, flow and flags), summed from a table's rows.
fn sums(table: &TradeTable) -> BTreeMap<(u16, String, String, u8), f64> {
    let mut out = BTreeMap::new();
    for i in 0..table.len() {
        let code = |c: u16| table.countries[usize::from(c)].code.clone();
        // The flow without the flags, which differ between a product row and a total.
        let key = (
            table.year[i],
            code(table.reporter[i]),
            code(table.partner[i]),
            table.flow[i] & 0b111,
        );
        *out.entry(key).or_insert(0.0) += table.value[i];
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Holds the totals-only pass of `path` to its full import.
fn same_as_the_rows(path: &Path) {
    let whole = full(path);
    let sum = totals(path, 0).expect("a Parquet release");
    let t = &sum.table;
    let only = t.totals_only.expect("a table of totals");
    assert_eq!(only.rows, whole.table.len() as u64);
    assert!(t.len() < whole.table.len(), "{} rows of totals", t.len());
    let (expected, got) = (sums(&whole.table), sums(t));
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (key, value) in &expected {
        assert!(
            close(got[key], *value),
            "{key:?}: {} against {value}",
            got[key]
        );
    }
    assert!(close(t.total_usd(), whole.table.total_usd()));
    let (rows, value) = whole.table.trade_with_itself();
    assert_eq!(t.trade_with_itself().0, rows);
    assert!(close(t.trade_with_itself().1, value));
    assert_eq!(
        (sum.rows_read, sum.rows_rejected),
        (whole.rows_read, whole.rows_rejected)
    );
    assert_eq!(sum.rejected, whole.rejected);
    assert_eq!(sum.unknown_countries, whole.unknown_countries);
    assert_eq!(sum.recoded_countries, whole.recoded_countries);
    assert_eq!(
        (sum.files, &sum.failed_files),
        (whole.files, &whole.failed_files)
    );
    assert_eq!(sum.layout, whole.layout);
    assert_eq!(t.reconciled, whole.table.reconciled);
    assert_eq!(
        trade_explorer::model::dataset::main_country(t),
        trade_explorer::model::dataset::main_country(&whole.table)
    );
}

/// BACI rows of `year` in groups of 500: PAK (586), KAZ (398), CHN (156), Romania by its
/// former code (642 is ROU; ROM is read through the code list as ROU), a country with
/// itself, a code no list knows (999), a negative value and a value that is not a number.
fn baci_groups(year: i32, codes: &[&'static str]) -> Vec<Vec<BaciRow<'static>>> {
    baci_runs(year, codes, 7)
}

/// [`baci_groups`] with the pair changing every `run` rows.
fn baci_runs(year: i32, codes: &[&'static str], run: i32) -> Vec<Vec<BaciRow<'static>>> {
    let pairs = [(586, 398), (398, 586), (156, 642), (586, 586), (999, 398)];
    (0..4)
        .map(|g| {
            (0..500)
                .map(|n: i32| {
                    let (i, j) = pairs[(n / run % 5) as usize];
                    let v = match n % 97 {
                        13 => -4.0,
                        14 => f64::NAN,
                        _ => f64::from(n % 31 + g) + 0.375,
                    };
                    (year, i, j, codes[(n % codes.len() as i32) as usize], v)
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_release_with_bad_rows_and_a_damaged_file_totals_as_its_rows() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let codes = ["080510", "100199", "300490"];
    let dictionary = parquet::file::properties::WriterProperties::builder()
        .set_dictionary_enabled(false)
        .build();
    // Product codes in a dictionary (checked from it alone), then written plain (every
    // row's code decoded), then a file that is not Parquet inside.
    let a = baci_parquet(&baci_groups(2021, &codes));
    let b = baci_parquet_with(&baci_groups(2022, &codes), dictionary);
    std::fs::write(dir.path().join("BACI_HS92_Y2021_V1.parquet"), a).expect("written");
    std::fs::write(dir.path().join("BACI_HS92_Y2022_V1.parquet"), b).expect("written");
    std::fs::write(
        dir.path().join("BACI_HS92_Y2023_V1.parquet"),
        b"PAR1 not PAR1",
    )
    .expect("written");
    let outcome = full(dir.path());
    assert!(outcome.rows_rejected > 0, "refused rows");
    assert_eq!(outcome.failed_files.len(), 1);
    assert!(!outcome.unknown_countries.is_empty(), "an unknown code");
    assert!(
        outcome.table.trade_with_itself().0 > 0,
        "a country with itself"
    );
    same_as_the_rows(dir.path());
    // Runs of one pair longer than the blocks they are scanned in, a refused value inside
    // some of them.
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (year, run) in [(2021, 150), (2022, 64), (2023, 500)] {
        let bytes = baci_parquet(&baci_runs(year, &codes, run));
        std::fs::write(dir.path().join(format!("BACI_Y{year}.parquet")), bytes).expect("written");
    }
    same_as_the_rows(dir.path());
}

#[test]
fn products_of_several_levels_need_the_rows() {
    // A TOTAL beside six-digit codes: the aggregation rule counts the detail once, which
    // sums per pair cannot know, so the release is read whole instead.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bytes = baci_parquet(&baci_groups(2021, &["080510", "TOTAL", "100199"]));
    std::fs::write(dir.path().join("BACI_HS92_Y2021_V1.parquet"), bytes).expect("written");
    assert!(totals(dir.path(), 0).is_none());
    // BACI's codes are six digits whatever they were written as: "08" is 000008, not
    // chapter 08, in the rows too, so the sums are the totals.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bytes = baci_parquet(&baci_groups(2021, &["08", "080510", "80520"]));
    std::fs::write(dir.path().join("BACI_HS92_Y2021_V1.parquet"), bytes).expect("written");
    same_as_the_rows(dir.path());
    // The test fixtures mix TOTAL rows, chapters and headings (Comtrade's layout).
    assert!(totals(&fixture("spark_output"), 0).is_none());
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(fixture("mixed.parquet"), dir.path().join("a.parquet")).expect("copied");
    assert!(totals(dir.path(), 0).is_none());
}

#[test]
fn rows_of_one_pair_far_apart_are_summed_into_one() {
    // The app's own export of a BACI-like table, cut into several files: the same pair
    // and year comes back in every file and in many row groups.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut text = String::from("t,i,j,k,v,q\n");
    for n in 0..6_000u32 {
        let (i, j) = [(586, 398), (398, 586), (586, 586), (156, 842)][(n % 4) as usize];
        let k = ["080510", "100199", "300490"][(n % 3) as usize];
        text.push_str(&format!("{},{i},{j},{k},{}.125,1\n", 2020 + n % 3, n % 97));
    }
    let csv = dir.path().join("BACI_HS92_Y2020_V1.csv");
    std::fs::write(&csv, text).expect("written");
    let table = full(&csv).table;
    let folder = dir.path().join("parquet");
    std::fs::create_dir(&folder).expect("a folder");
    for part in 0..3 {
        let rows: Vec<u32> = (0..table.len() as u32).filter(|r| r % 3 == part).collect();
        let bytes = trade_explorer::io::export_parquet::rows_parquet(&table, Some(&rows))
            .expect("written as Parquet");
        std::fs::write(folder.join(format!("part-{part}.parquet")), bytes).expect("written");
    }
    same_as_the_rows(&folder);
    // By hand: PAK→KAZ in 2020 is rows n ≡ 0 (mod 4) with n ≡ 0 (mod 3), values n % 97 +
    // 0.125 thousand dollars.
    let expected: f64 = (0..6_000u32)
        .filter(|n| n % 4 == 0 && n % 3 == 0)
        .map(|n| (f64::from(n % 97) + 0.125) * 1000.0)
        .sum();
    let sums = sums(&totals(&folder, 0).expect("a release").table);
    let pak_kaz: f64 = sums
        .iter()
        .filter(|((y, a, b, _), _)| *y == 2020 && a == "PAK" && b == "KAZ")
        .map(|(_, v)| v)
        .sum();
    assert!(close(pak_kaz, expected), "{pak_kaz} against {expected}");
}

#[test]
fn only_large_parquet_releases_are_read_as_totals() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bytes = baci_parquet(&baci_groups(2021, &["080510"]));
    std::fs::write(dir.path().join("a.parquet"), bytes).expect("written");
    let rows = full(dir.path()).rows_read;
    assert!(totals(dir.path(), rows).is_some(), "as many rows as asked");
    assert!(
        totals(dir.path(), rows + 1).is_none(),
        "fewer rows than asked"
    );
    assert!(
        totals(&fixture("mixed.parquet"), 0).is_none(),
        "a single file"
    );
    let csv = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(fixture("mixed.csv"), csv.path().join("a.csv")).expect("copied");
    assert!(totals(csv.path(), 0).is_none(), "CSV files");
}

#[test]
fn a_cached_release_is_opened_whole_not_summed_again() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let cache = tempfile::tempdir().expect("a temporary folder");
    let bytes = baci_parquet(&baci_groups(2021, &["080510"]));
    std::fs::write(dir.path().join("a.parquet"), bytes).expect("written");
    let cancel = AtomicBool::new(false);
    let how = (Some(cache.path()), 0);
    let first = import::open_totals(dir.path(), None, how, &mut |_| {}, &cancel).expect("read");
    assert!(first.is_some_and(|o| o.outcome.table.totals_only.is_some()));
    import::open_dataset(dir.path(), None, Some(cache.path()), &mut |_| {}, &cancel)
        .expect("opened and cached");
    let again = import::open_totals(dir.path(), None, how, &mut |_| {}, &cancel).expect("read");
    assert!(again.is_none(), "the cache holds the rows");
}
