//! `check --json` totals of Comtrade, comtradr and BACI files against an independent
//! computation of the aggregation rule with pandas (`tests/independent/totals.py`).
//!
//! The files mix what real extracts mix: chapters at different depths in one group, a
//! TOTAL row with partial detail, HS6 without its HS4, custom codes, duplicate rows,
//! re-exports and the other sub-flows, World as a partner, Comtrade's S19.
//!
//! The pandas script runs in the virtual environment `.ci/run` creates (`.venv`, from
//! `tests/independent/requirements.txt`), or with the interpreter named by
//! `TRADE_EXPLORER_PYTHON`. Without either the test says so and passes, except under CI
//! (`CI` set), where a missing interpreter is a failure.

mod common;

use std::path::Path;
use std::process::Command;

use common::independent::{Rng, python};

/// Codes whose subsets overlap in every way the rule distinguishes.
const CODES: &[&str] = &[
    "TOTAL", "08", "0805", "080510", "080520", "0806", "080610", "30", "3004", "300490", "300420",
    "85", "8517", "851712", "851713", "09", "0901", "090111", "99", "9999AA",
];

/// Writes `groups` random groups in a layout: the header and one row per code picked.
fn write_file(path: &Path, seed: u64, groups: usize, baci: bool, header: &str) {
    let mut rng = Rng(seed);
    let alpha = ["PAK", "KAZ", "DEU", "CHN", "S19", "W00", "USA"];
    let numeric = ["586", "398", "276", "156", "490", "842", "380"];
    let flows = ["X", "M", "X", "M", "RX", "RM", "DX", "FM"];
    let mut text = format!("{header}\n");
    for _ in 0..groups {
        let year = 2019 + rng.next() % 5;
        let (reporter, partner) = if baci {
            (rng.pick(&numeric), rng.pick(&numeric))
        } else {
            (rng.pick(&alpha[..4]), rng.pick(&alpha))
        };
        // A country with itself now and then (gravity datasets' domestic trade): kept, in
        // no total.
        let flow = rng.pick(&flows);
        let n = 1 + rng.next() % 6;
        for _ in 0..n {
            let value = rng.value();
            if baci {
                // BACI: six-digit codes only, leading zero dropped, values in thousands.
                let code = rng.pick(&["080510", "080520", "080610", "300490", "851712", "090111"]);
                let k = code.trim_start_matches('0');
                text.push_str(&format!("{year},{reporter},{partner},{k},{value:.3},\n"));
            } else {
                let code = rng.pick(CODES);
                text.push_str(&format!(
                    "{year},{reporter},{partner},{flow},{code},{value}\n"
                ));
            }
        }
    }
    std::fs::write(path, text).expect("the test file is written");
}

fn app_total(path: &Path) -> (f64, serde_json::Value) {
    let home = tempfile::tempdir().expect("a temporary folder");
    let out = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .args(["check", "--json"])
        .arg(path)
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .expect("the binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or("")).expect("one JSON object");
    let total = report["total_trade_usd"].as_f64().expect("a total");
    (total, report)
}

fn pandas_total(python: &Path, path: &Path) -> f64 {
    let report = run_script(python, "totals.py", &[path.as_os_str()]);
    report["total_trade_usd"].as_f64().expect("a total")
}

/// Runs a script of `tests/independent/` and returns the JSON it printed.
fn run_script(python: &Path, script: &str, args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/independent")
        .join(script);
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

#[test]
fn check_totals_equal_an_independent_pandas_computation() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = [
        (
            "comtrade.csv",
            false,
            "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue",
        ),
        (
            "comtradr.csv",
            false,
            "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value",
        ),
        ("BACI_HS92_Y2022_V202401.csv", true, "t,i,j,k,v,q"),
    ];
    for (seed, (name, baci, header)) in files.into_iter().enumerate() {
        let path = dir.path().join(name);
        write_file(&path, 0x5eed + seed as u64, 2_000, baci, header);
        let (app, report) = app_total(&path);
        assert_eq!(report["rows_rejected"], 0, "{name}: {report}");
        let pandas = pandas_total(&python, &path);
        assert!(pandas > 0.0, "{name}: the file has trade that counts");
        let diff = (app - pandas).abs() / pandas;
        assert!(diff < 1e-9, "{name}: app {app} against pandas {pandas}");
    }
}

/// A comtradr file split into three files, rows dealt round-robin so that a group's TOTAL
/// and its chapters land in different files: the folder and the same files as a zip must
/// total what pandas computes over their concatenation (and what the single file totals).
#[test]
fn a_folder_and_a_zip_total_as_one_dataset() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let header = "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value";
    let single = dir.path().join("all.csv");
    write_file(&single, 0xf01d, 3_000, false, header);
    let text = std::fs::read_to_string(&single).expect("the file reads");
    let folder = dir.path().join("release");
    std::fs::create_dir(&folder).expect("the folder is made");
    let mut parts = vec![format!("{header}\n"); 3];
    for (i, line) in text.lines().skip(1).enumerate() {
        parts[i % 3].push_str(line);
        parts[i % 3].push('\n');
    }
    let zip_path = dir.path().join("release.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).expect("zip created"));
    for (i, part) in parts.iter().enumerate() {
        let name = format!("part-{i}.csv");
        std::fs::write(folder.join(&name), part).expect("a part is written");
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("an entry starts");
        std::io::Write::write_all(&mut zip, part.as_bytes()).expect("an entry is written");
    }
    zip.finish().expect("the archive is finished");
    let pandas = pandas_total(&python, &folder);
    assert!(pandas > 0.0);
    let pandas_single = pandas_total(&python, &single);
    assert!((pandas - pandas_single).abs() / pandas < 1e-12);
    for path in [&folder, &zip_path] {
        let (app, report) = app_total(path);
        assert_eq!(report["files"], 3, "{report}");
        assert_eq!(report["rows_rejected"], 0, "{report}");
        let diff = (app - pandas).abs() / pandas;
        assert!(
            diff < 1e-9,
            "{}: app {app} against pandas {pandas}",
            path.display()
        );
    }
}

/// Runs `tests/independent/duckdb_parquet.py` and returns what it printed.
fn duckdb(python: &Path, args: &[&std::ffi::OsStr]) -> serde_json::Value {
    run_script(python, "duckdb_parquet.py", args)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// DuckDB writes a BACI file as Parquet four ways (zstd, integer product codes, a decimal
/// value column with gzip, a hive folder partitioned by year with snappy): each links to DuckDB's own SUM. Then the
/// app's Parquet exports (rows and pair totals) read back in DuckDB to the app's total.
#[test]
fn parquet_written_by_duckdb_totals_as_duckdb_sums_and_the_export_reads_back() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let csv = dir.path().join("BACI_HS92_Y2022_V202401.csv");
    write_file(&csv, 0xd0c, 3_000, true, "t,i,j,k,v,q");
    let written = duckdb(
        &python,
        &["write".as_ref(), csv.as_os_str(), dir.path().as_os_str()],
    );
    let expected = written["total_trade_usd"].as_f64().expect("a sum");
    assert!(expected > 0.0);
    for name in ["one.parquet", "intk.parquet", "decimal.parquet", "hive"] {
        let (app, report) = app_total(&dir.path().join(name));
        assert_eq!(report["rows_rejected"], 0, "{name}: {report}");
        assert_eq!(report["trade_records"], written["rows"], "{name}: {report}");
        assert_eq!(report["years"], written["years"], "{name}: {report}");
        assert!(
            close(app, expected),
            "{name}: app {app} against DuckDB {expected}"
        );
    }
    // Row for row the table the CSV gives: the row groups of one.parquet, read on several
    // threads, are appended in the file's order.
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let read = |path: &Path| {
        trade_explorer::io::import::import_file(path, None, &mut |_| {}, &cancel)
            .expect("the file imports")
            .table
    };
    let from_csv = read(&csv);
    assert!(from_csv.len() > 2 * 2048, "several row groups");
    assert_eq!(read(&dir.path().join("one.parquet")), from_csv);
    // Integer codes and years are read as numbers, not text: the same table all the same
    // (BACI's product codes get their leading zeros back).
    assert_eq!(read(&dir.path().join("intk.parquet")), from_csv);
    let (csv_total, _) = app_total(&csv);
    for (flag, name) in [
        (None, "rows.parquet"),
        (Some("--pair-totals"), "totals.parquet"),
    ] {
        let export = dir.path().join(name);
        let status = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
            .arg("convert")
            .args(flag)
            .arg(&csv)
            .arg(&export)
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .status()
            .expect("the binary runs");
        assert!(status.success(), "{name}");
        let read = duckdb(&python, &["sum".as_ref(), export.as_os_str()]);
        let total = read["total"].as_f64().expect("a sum");
        assert!(
            close(total, csv_total),
            "{name}: DuckDB {total} against the app {csv_total}"
        );
        if flag.is_none() {
            assert_eq!(read["rows"], written["rows"], "{name}");
        }
    }
}

/// A hive folder DuckDB wrote, read as each pair's totals without keeping its rows (as the
/// app links a large Parquet release first): every (year, exporter, importer) sum and the
/// row count are DuckDB's own.
#[test]
fn parquet_release_totals_read_without_rows_are_duckdbs_sums() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let csv = dir.path().join("BACI_HS92_Y2022_V202401.csv");
    write_file(&csv, 0x7077, 3_000, true, "t,i,j,k,v,q");
    duckdb(
        &python,
        &["write".as_ref(), csv.as_os_str(), dir.path().as_os_str()],
    );
    let hive = dir.path().join("hive");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let outcome = trade_explorer::io::import::release::import_release_totals(
        &hive,
        None,
        0,
        &mut |_| {},
        &cancel,
    )
    .expect("the folder reads")
    .expect("its totals, every product being a six-digit code");
    let table = &outcome.table;
    let only = table.totals_only.expect("a table of totals");
    // The codes written_file uses, by number.
    let numeric = ["586", "398", "276", "156", "490", "842", "380"];
    let alpha = ["PAK", "KAZ", "DEU", "CHN", "S19", "USA", "ITA"];
    let code_of = |n: i64| {
        let i = numeric.iter().position(|c| *c == n.to_string());
        i.map(|i| alpha[i].to_owned())
    };
    let mut app: std::collections::BTreeMap<(u16, String, String), f64> = Default::default();
    for r in 0..table.len() {
        let code = |c: u16| table.countries[usize::from(c)].code.clone();
        let key = (
            table.year[r],
            code(table.reporter[r]),
            code(table.partner[r]),
        );
        *app.entry(key).or_default() += table.value[r];
    }
    let pairs = duckdb(&python, &["pairs".as_ref(), hive.as_os_str()]);
    let pairs = pairs.as_array().expect("a list");
    let mut rows = 0;
    for pair in pairs {
        let year = pair[0].as_i64().expect("a year") as u16;
        let from = code_of(pair[1].as_i64().expect("a code")).expect("a known code");
        let to = code_of(pair[2].as_i64().expect("a code")).expect("a known code");
        let sum = pair[3].as_f64().expect("a sum");
        rows += pair[4].as_u64().expect("a count");
        let got = app.get(&(year, from.clone(), to.clone())).copied();
        assert!(
            got.is_some_and(|g| close(g, sum)),
            "{year} {from}→{to}: app {got:?} against DuckDB {sum}"
        );
    }
    assert_eq!(pairs.len(), app.len(), "the same pairs and years");
    assert_eq!(only.rows, rows);
    assert_eq!(outcome.rows_rejected, 0);
}
