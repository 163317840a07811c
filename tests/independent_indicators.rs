//! `indicators --json` against an independent computation with pandas
//! (`tests/independent/indicators.py`) on generated comtradr and BACI files: every figure
//! the app prints is in the script's output with the same value (relative error 1e-9),
//! and the script finds no figure the app leaves out.
//!
//! The script runs in `.venv` (created by `.ci/run`) or `TRADE_EXPLORER_PYTHON`; without
//! either the test says so and passes, except under CI.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::independent::{Rng, python};

/// Six countries reporting exports and imports (so mirror figures exist) for 2020–2022,
/// products at every depth with some TOTAL rows and some detail under coarser rows.
fn comtradr_file(path: &Path) {
    let countries = ["PAK", "KAZ", "CHN", "DEU", "TUR", "UZB"];
    let codes = [
        "080510", "080520", "0805", "0806", "300490", "3004", "30", "610910", "950662", "8517",
        "851712", "27", "TOTAL",
    ];
    let mut rng = Rng(0x1d1c);
    let mut text =
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n".to_owned();
    for year in 2020..=2022 {
        for reporter in countries {
            for partner in countries {
                if reporter == partner || rng.next().is_multiple_of(4) {
                    continue;
                }
                for flow in ["X", "M"] {
                    for _ in 0..(1 + rng.next() % 5) {
                        let code = rng.pick(&codes);
                        let value = (rng.next() % 1_000_000) as f64 / 10.0;
                        text.push_str(&format!(
                            "{year},{reporter},{partner},{flow},{code},{value}\n"
                        ));
                    }
                }
            }
        }
    }
    std::fs::write(path, text).expect("written");
}

/// A BACI file: exporter → importer, six-digit codes, values in thousands.
fn baci_file(path: &Path) {
    let countries = ["586", "398", "156", "276", "792", "860"];
    let codes = [
        "080510", "080520", "300490", "300420", "610910", "950662", "851712",
    ];
    let mut rng = Rng(0xbac1);
    let mut text = "t,i,j,k,v,q\n".to_owned();
    for i in countries {
        for j in countries {
            if i == j {
                continue;
            }
            for code in codes {
                if rng.next().is_multiple_of(3) {
                    let v = (rng.next() % 100_000) as f64 / 1000.0;
                    text.push_str(&format!("2022,{i},{j},{code},{v},\n"));
                }
            }
        }
    }
    std::fs::write(path, text).expect("written");
}

type Key = (String, Option<String>, Option<String>);

fn figures(out: &[u8]) -> BTreeMap<Key, f64> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON Lines");
            let value = v["value"].as_f64()?;
            let text = |k: &str| v[k].as_str().map(str::to_owned);
            Some((
                (text("indicator")?, text("partner"), text("product")),
                value,
            ))
        })
        .collect()
}

/// Partner codes the app prints as ISO alpha-3 where the script keeps BACI's numbers.
fn iso(key: Key) -> Key {
    let to_iso = |c: String| match c.as_str() {
        "586" => "PAK".to_owned(),
        "398" => "KAZ".to_owned(),
        _ => c,
    };
    (key.0, key.1.map(to_iso), key.2)
}

/// What one comparison runs on: the file, the pair as the app and as the script name it,
/// the level, and the app's extra arguments (a column map).
struct Case<'a> {
    file: &'a Path,
    app_pair: [&'a str; 2],
    script_pair: [&'a str; 2],
    level: &'a str,
    extra: &'a [&'a str],
    /// Fewest figures the app must print (a file of totals has no product figures).
    at_least: usize,
}

fn compare(python: &Path, file: &Path, app_args: [&str; 2], script_args: [&str; 2], level: &str) {
    compare_case(
        python,
        &Case {
            file,
            app_pair: app_args,
            script_pair: script_args,
            level,
            extra: &[],
            at_least: 11,
        },
    );
}

fn compare_case(python: &Path, case: &Case<'_>) {
    let Case {
        file,
        app_pair: app_args,
        script_pair: script_args,
        level,
        ..
    } = *case;
    let home = tempfile::tempdir().expect("a folder");
    let app = Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .args([
            "indicators",
            "--json",
            "--reporter",
            app_args[0],
            "--partner",
            app_args[1],
        ])
        .args(["--level", level])
        .args(case.extra)
        .arg(file)
        .env("HOME", home.path())
        .output()
        .expect("the binary runs");
    assert_eq!(
        app.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&app.stdout)
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/independent/indicators.py");
    let pandas = Command::new(python)
        .arg(script)
        .args([
            "--reporter",
            script_args[0],
            "--partner",
            script_args[1],
            "--level",
            level,
        ])
        .arg(file)
        .output()
        .expect("python runs");
    assert!(
        pandas.status.success(),
        "{}",
        String::from_utf8_lossy(&pandas.stderr)
    );
    let app = figures(&app.stdout);
    let pandas: BTreeMap<Key, f64> = figures(&pandas.stdout)
        .into_iter()
        .map(|(k, v)| (iso(k), v))
        .collect();
    assert!(app.len() >= case.at_least, "{app:?}");
    for (key, value) in &app {
        let Some(expected) = pandas.get(key) else {
            panic!("{key:?} = {value} is not in the pandas output at level {level}");
        };
        let diff = (value - expected).abs() / expected.abs().max(1e-300);
        assert!(
            diff < 1e-9,
            "{key:?}: app {value}, pandas {expected} (level {level})"
        );
    }
    let missing: Vec<&Key> = pandas.keys().filter(|k| !app.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "the app leaves out {missing:?} at level {level}"
    );
}

#[test]
fn indicators_equal_an_independent_pandas_computation() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a folder");
    let comtradr = dir.path().join("comtradr.csv");
    comtradr_file(&comtradr);
    for level in ["2", "4", "6"] {
        compare(&python, &comtradr, ["PAK", "KAZ"], ["PAK", "KAZ"], level);
    }
    let baci = dir.path().join("BACI_HS92_Y2022_V202401.csv");
    baci_file(&baci);
    compare(&python, &baci, ["PAK", "KAZ"], ["586", "398"], "4");
}

/// The real gravity file of ../shared/data (totals in millions, 69 countries, 1986-2006),
/// read through a column map: every totals indicator equals pandas' for two pairs.
#[test]
fn indicators_on_the_shared_gravity_file_equal_pandas() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/gravity_agtpa_1986_2006.csv");
    if !file.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/data beside the clone"
        );
        eprintln!("skipped: {} is not here", file.display());
        return;
    }
    let Some(python) = python() else {
        return;
    };
    let extra = [
        "--map",
        "exporter=exporter,importer=importer,year=year,value=trade",
        "--value-scale",
        "1000000",
    ];
    for pair in [["USA", "CAN"], ["ARG", "BRA"]] {
        compare_case(
            &python,
            &Case {
                file: &file,
                app_pair: pair,
                script_pair: pair,
                level: "2",
                extra: &extra,
                // exports, imports, total, balance, two shares, growth, CAGR, intensity,
                // concentration across markets
                at_least: 10,
            },
        );
    }
}
