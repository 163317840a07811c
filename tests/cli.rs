//! The command line, run as a user would: the real binary, its output and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs the binary in the folder `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    // Caches and settings go to a folder of the test's own, never the user's home.
    let home = tempfile::tempdir().expect("a temporary folder");
    Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
        .current_dir(dir)
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/pakistan-partners.ron")
}

#[test]
fn check_summarises_the_bundled_dataset() {
    let path = bundled();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{}: ok: ", path.display())),
        "{first}"
    );
    for part in [
        "12 trade",
        "7 investments",
        "5 indicators",
        "6 countries",
        "years 2024–2040",
        "$53.7M (53,700,000 USD)",
        "0 errors",
    ] {
        assert!(first.contains(part), "missing {part:?} in {first}");
    }
    assert_eq!(text.lines().count(), 1, "no problems to list: {text}");
}

#[test]
fn check_json_prints_one_object_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(\n  format_version: 1,\n  title: 5,\n)").unwrap();
    let problems = dir.path().join("problems.ron");
    std::fs::write(
        &problems,
        "(format_version: 1, title: \"p\", trade: [(id: 1, year: 2024, reporter: \"PAK\", partner: \"ZZZ\", flow: Total, value_usd: 10.0, source: 1)])",
    )
    .unwrap();
    let out = run(&[
        "check",
        "--json",
        bundled().to_str().unwrap(),
        broken.to_str().unwrap(),
        problems.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file failed, so the status is 1"
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        for key in [
            "file",
            "ok",
            "error",
            "problems",
            "trade_records",
            "countries",
            "years",
            "total_trade_usd",
        ] {
            assert!(line.get(key).is_some(), "key {key} missing in {line}");
        }
    }
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["trade_records"], 12);
    assert_eq!(lines[0]["total_trade_usd"], 53_700_000.0);
    assert_eq!(lines[0]["countries"], 6);
    assert_eq!(lines[0]["years"], serde_json::json!([2024, 2030, 2040]));

    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["line"], 3);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("{}:3:", broken.display())),
        "{error}"
    );

    assert_eq!(lines[2]["ok"], false);
    let listed = lines[2]["problems"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|p| p["field"] == "partner" && p["severity"] == "error"),
        "{listed:?}"
    );
    assert!(listed.iter().any(|p| p["field"] == "source"));
}

#[test]
fn check_reports_errors_as_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, "(\n    format_version: 1,\n    trade: oops,\n)").unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("{}:3:", path.display())),
        "{text}"
    );
}

#[test]
fn check_lists_validation_problems_after_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warn.ron");
    std::fs::write(
        &path,
        "(format_version: 1, title: \"w\", trade: [(id: 1, year: 2024, reporter: \"PAK\", partner: \"KAZ\", flow: Total, value_usd: 10.0)])",
    )
    .unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    // Warnings alone do not fail the check.
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("0 errors, 1 warning"), "{text}");
    assert!(
        lines[1].contains("warning: trade record 1 (#1), source"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_with_2_and_help_and_version_work() {
    let out = run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
    let out = run(&["check", "--frobnicate", "x.ron"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("check"));
    let out = run(&["check", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("--json"));
    let out = run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn check_survives_binary_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary.ron");
    std::fs::write(&binary, [0u8, 159, 146, 150, 255, 0, 1]).unwrap();
    let out = run(&[
        "check",
        binary.to_str().unwrap(),
        dir.path().join("missing.ron").to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("not UTF-8"));
    assert!(text.contains("no such file"));
    // A folder is read as one dataset of its data files; this one has none.
    assert!(text.contains("no trade data file in it"), "{text}");
    assert!(out.stderr.is_empty(), "no panic message: {:?}", out.stderr);
}

/// A comtradr-layout file: PAK → KAZ exports 50 (TOTAL row over two chapters), imports 3.7,
/// a World row and a re-export that must not be counted or copied as totals.
fn comtradr_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("pak.csv");
    std::fs::write(
        &path,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2024,PAK,KAZ,X,TOTAL,50\n2024,PAK,KAZ,X,08,35\n2024,PAK,KAZ,X,10,15\n\
         2024,PAK,KAZ,M,TOTAL,3.7\n2024,PAK,W00,X,TOTAL,900\n2024,PAK,KAZ,RX,TOTAL,5\n",
    )
    .unwrap();
    path
}

#[test]
fn convert_links_a_data_file_or_copies_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = comtradr_fixture(dir.path());
    let linked = dir.path().join("linked");
    let out = run(&["convert", input.to_str().unwrap(), linked.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stdout(&out).contains("links pak.csv, 6 rows"),
        "{}",
        stdout(&out)
    );
    let doc = trade_explorer::load_document(&linked.with_extension("ron")).unwrap();
    assert_eq!(doc.datasets.len(), 1);
    assert_eq!(
        std::fs::canonicalize(&doc.datasets[0].path).unwrap(),
        std::fs::canonicalize(&input).unwrap()
    );
    assert!(doc.trade.is_empty());

    let copied = dir.path().join("copied.ron");
    let out = run(&[
        "convert",
        input.to_str().unwrap(),
        copied.to_str().unwrap(),
        "--copy-rows",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc = trade_explorer::load_document(&copied).unwrap();
    assert!(doc.datasets.is_empty());
    // Totals as the views count them: exports 50 and imports 3.7; World and RX left out.
    let totals: f64 = doc
        .trade
        .iter()
        .filter(|t| t.category.is_none())
        .filter_map(|t| t.value_usd)
        .sum();
    assert!((totals - 53.7).abs() < 1e-9, "{totals}");
    let chapters: Vec<&str> = doc
        .trade
        .iter()
        .filter_map(|t| t.category.as_deref())
        .collect();
    assert_eq!(chapters, vec!["08", "10"]);
    // The copy checks like any document.
    let out = run(&["check", copied.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A document converts to a document.
    let again = dir.path().join("again.ron");
    let out = run(&["convert", copied.to_str().unwrap(), again.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(trade_explorer::load_document(&again).unwrap(), doc);
}

/// The `total_trade_usd` of `check --json FILE`.
fn checked_total(path: &Path) -> (serde_json::Value, f64) {
    let out = run(&["check", "--json", path.to_str().unwrap()]);
    let report: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().unwrap_or("")).unwrap();
    let total = report["total_trade_usd"].as_f64().unwrap();
    (report, total)
}

#[test]
fn chapters_at_different_depths_count_once_in_the_file_and_in_its_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deu_imports.csv");
    // German imports as a real extract gives them: chapter 08 as HS2, chapter 09 only as
    // the heading 0901 with one of its products below it, chapter 30 only as one HS6 code;
    // and from "Other Asia, nes" (S19) a TOTAL with one chapter of detail.
    std::fs::write(
        &path,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2023,DEU,CHN,M,08,100\n\
         2023,DEU,CHN,M,0901,50\n\
         2023,DEU,CHN,M,090111,30\n\
         2023,DEU,CHN,M,300490,20\n\
         2023,DEU,S19,M,TOTAL,70\n\
         2023,DEU,S19,M,85,40\n",
    )
    .unwrap();
    // Hand-computed by the rule (a row counts when no ancestor of its code is in its
    // group): 08 + 0901 + 300490 (090111 is detail of 0901) + TOTAL (85 is detail): 240.
    // The old "coarsest level present" rule gave 100 + 70.
    let (report, total) = checked_total(&path);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(total, 240.0, "{report}");

    let copied = dir.path().join("copied.ron");
    let out = run(&[
        "convert",
        path.to_str().unwrap(),
        copied.to_str().unwrap(),
        "--copy-rows",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let (report, total) = checked_total(&copied);
    assert_eq!(
        total, 240.0,
        "the copy totals what the file totals: {report}"
    );
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["problems"],
        serde_json::json!([]),
        "S19 is declared as a group: {report}"
    );
    let doc = trade_explorer::load_document(&copied).unwrap();
    let s19 = doc.countries.iter().find(|c| c.code == "S19").unwrap();
    assert!(s19.group);
}

#[test]
fn check_fails_on_control_characters_and_names_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.ron");
    let mut doc = trade_explorer::bundled_document();
    doc.facts[0].text.insert(4, '\0');
    trade_explorer::save_document(&path, &doc).unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("U+0000 (NUL)"), "{text}");
    assert!(text.contains("text"), "{text}");
}

#[test]
fn a_truncated_document_is_reported_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.ron");
    let text = std::fs::read_to_string(bundled()).unwrap();
    let at = text.find("partner:").unwrap() + 3;
    std::fs::write(&path, &text[..at]).unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("looks truncated"), "{text}");
    assert!(!text.contains("Unexpected field"), "{text}");
}

#[test]
fn companion_code_lists_are_found_by_relative_absolute_and_linked_paths() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("BACI_HS92_Y2022_V202401.csv");
    std::fs::write(
        &data,
        "t,i,j,k,v,q\n2022,586,999,080510,10,\n2022,586,380,080510,2,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("country_codes_V202401.csv"),
        "country_code,country_name,country_iso2,country_iso3\n586,Pakistan,PK,PAK\n999,Testland,,TST\n",
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let link = elsewhere.path().join("baci.csv");
    std::os::unix::fs::symlink(&data, &link).unwrap();
    let report = |out: Output| -> serde_json::Value {
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap()
    };
    let relative = report(run_in(
        dir.path(),
        &["check", "--json", "BACI_HS92_Y2022_V202401.csv"],
    ));
    let absolute = report(run(&["check", "--json", data.to_str().unwrap()]));
    let linked = report(run(&["check", "--json", link.to_str().unwrap()]));
    for r in [&relative, &absolute, &linked] {
        // 999 comes from the companion list (named there; TST is no ISO code, so it is
        // listed), 380 (Italy) from ISO 3166-1 numeric.
        assert_eq!(
            r["unknown_countries"],
            serde_json::json!(["TST (Testland)"]),
            "{r}"
        );
        assert_eq!(
            r["country_codes"],
            serde_json::json!(["ITA", "PAK", "TST"]),
            "{r}"
        );
    }
}

#[test]
fn convert_explains_what_it_cannot_read_or_write() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(&unknown, "a,b,c\n1,2,3\n").unwrap();
    let target = dir.path().join("out.ron");
    let out = run(&[
        "convert",
        unknown.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("matches no known format"), "{text}");
    assert!(text.contains("CEPII BACI: t, i, j, k, v"), "{text}");
    assert!(!target.exists(), "nothing written");

    let input = comtradr_fixture(dir.path());
    let missing = dir.path().join("no/such/folder/out.ron");
    let out = run(&[
        "convert",
        input.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("does not exist"), "{}", stdout(&out));
}

#[test]
fn indicators_compute_from_a_document_and_explain_bad_input() {
    // The bundled document gives Pakistan's exports only by category without values and
    // a 2024 total without direction: the pair's total and nothing that needs a direction.
    let out = run(&[
        "indicators",
        "--json",
        "--reporter",
        "PAK",
        "--partner",
        "KAZ",
        bundled().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let value = |name: &str| {
        lines
            .iter()
            .find(|l| l["indicator"] == name)
            .map(|l| l["value"].clone())
    };
    assert_eq!(value("total"), Some(serde_json::json!(53_700_000.0)));
    assert_eq!(value("exports"), Some(serde_json::Value::Null));
    assert!(lines.iter().all(|l| l["year"] == 2024));
    // A hand-computed pair: PAK exports 30 and imports 10 (reported by KAZ as exports).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pair.csv");
    std::fs::write(
        &path,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2023,PAK,KAZ,X,TOTAL,30\n2023,KAZ,PAK,X,TOTAL,10\n",
    )
    .unwrap();
    let out = run(&[
        "indicators",
        "--reporter",
        "PAK",
        "--partner",
        "KAZ",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("balance PAK KAZ 2023: 20 "), "{text}");
    assert!(text.contains("total PAK KAZ 2023: 40 "), "{text}");
    // Romania written with its former code: the file's rows and the argument both read
    // as ROU (30 exported to KAZ by hand); a code with no trade in the file is refused.
    let romania = dir.path().join("romania.csv");
    std::fs::write(
        &romania,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2023,ROM,KAZ,X,TOTAL,30\n2023,KAZ,PAK,X,TOTAL,10\n",
    )
    .unwrap();
    let args = ["indicators", "--reporter", "rom", "--partner", "KAZ"];
    let out = run(&[&args[..], &[romania.to_str().unwrap()]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("exports ROU KAZ 2023: 30 "),
        "{}",
        stdout(&out)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("ROM is Romania's former code, read as ROU"),
        "{said}"
    );
    for absent in [["XXX", "KAZ"], ["ROU", "CHN"]] {
        let args = [
            "indicators",
            "--reporter",
            absent[0],
            "--partner",
            absent[1],
        ];
        let out = run(&[&args[..], &[romania.to_str().unwrap()]].concat());
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let missing = if absent[0] == "XXX" { "XXX" } else { "CHN" };
        let expected = format!("{missing} has no trade in these files");
        assert!(stdout(&out).contains(&expected), "{}", stdout(&out));
    }
    // Usage errors exit 2; an unreadable file exits 1.
    let out = run(&[
        "indicators",
        "--reporter",
        "PAK",
        "--level",
        "7",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["indicators", "--reporter", "PAK", "/nonexistent/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn indicators_from_more_rows_than_the_matrix_holds_still_cover_every_year() {
    // PAK–KAZ totals by year, by hand: 2021: 5; 2022: 10 + 20 = 30; 2023: 40 + 20 = 60
    // (and PAK → CHN 60). Rows: 1 in 2021, 2 in 2022, 3 in 2023.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("years.csv");
    std::fs::write(
        &path,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2021,PAK,KAZ,X,TOTAL,5\n\
         2022,PAK,KAZ,X,TOTAL,10\n2022,KAZ,PAK,X,TOTAL,20\n\
         2023,PAK,KAZ,X,TOTAL,40\n2023,KAZ,PAK,X,TOTAL,20\n2023,PAK,CHN,X,TOTAL,60\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let indicators = |extra: &[&str]| {
        let mut args = vec![
            "indicators",
            "--json",
            "--reporter",
            "PAK",
            "--partner",
            "KAZ",
        ];
        args.extend_from_slice(extra);
        args.push(file);
        run(&args)
    };
    let figure = |out: &Output, name: &str| -> serde_json::Value {
        stdout(out)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|l| l["indicator"] == name)
            .unwrap_or_else(|| panic!("no {name} in {}", stdout(out)))
    };
    // Room for every row: growth over 2021–2023, (60 / 5)^(1/2) − 1.
    let all = indicators(&["--year", "2022"]);
    assert_eq!(all.status.code(), Some(0), "{}", stdout(&all));
    let cagr = figure(&all, "cagr")["value"].as_f64().unwrap();
    assert!((cagr - (12f64.sqrt() - 1.0)).abs() < 1e-12, "{cagr}");
    assert!(String::from_utf8_lossy(&all.stderr).is_empty());
    // Room for 3 rows: every year's totals are summed a batch at a time, so the figures
    // over the years are those of every row …
    let summed = indicators(&["--year", "2022", "--matrix-rows", "3"]);
    assert_eq!(summed.status.code(), Some(0), "{}", stdout(&summed));
    let total = figure(&summed, "total");
    assert_eq!(total["value"], serde_json::json!(30.0));
    let cagr = figure(&summed, "cagr")["value"].as_f64().unwrap();
    assert!((cagr - (12f64.sqrt() - 1.0)).abs() < 1e-12, "{cagr}");
    assert_eq!(
        figure(&summed, "growth_yoy")["value"],
        serde_json::json!(5.0)
    );
    // … while PAK's and KAZ's own rows (1 in 2021, 2 in 2022, 3 in 2023) give the
    // figures by product of 2021–2022 only, which each figure and standard error say.
    assert!(
        total["universe"]
            .as_str()
            .unwrap()
            .ends_with("; products from 2021–2022 only"),
        "{total}"
    );
    let said = String::from_utf8_lossy(&summed.stderr).to_string();
    assert!(
        said.contains("figures by product from 2021–2022 only"),
        "{said}"
    );
    // The latest year, 2023, alone holds 3 rows: room for 2 gives its totals, not its
    // figures by product, and says why.
    let totals_only = indicators(&["--matrix-rows", "2"]);
    assert_eq!(totals_only.status.code(), Some(0));
    let total = figure(&totals_only, "total");
    assert_eq!(total["value"], serde_json::json!(60.0));
    assert!(
        total["universe"]
            .as_str()
            .unwrap()
            .ends_with("; no figures by product (too many rows)"),
        "{total}"
    );
    let cagr = figure(&totals_only, "cagr")["value"].as_f64().unwrap();
    assert!((cagr - (12f64.sqrt() - 1.0)).abs() < 1e-12, "{cagr}");
    assert!(figure(&totals_only, "complementarity")["value"].is_null());
    let said = String::from_utf8_lossy(&totals_only.stderr).to_string();
    assert!(said.contains("the year alone holds 3 rows"), "{said}");
}

#[test]
fn indicators_read_a_file_of_any_columns_through_map() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flows.csv");
    // In millions: PAK sells KAZ 3, KAZ sells PAK 1; PAK sells CHN 1.
    std::fs::write(
        &path,
        "from,to,yr,usd_m\nPAK,KAZ,2023.0,3\nKAZ,PAK,2023.0,1\nPAK,CHN,2023.0,1\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let map = "exporter=from,importer=to,year=yr,value=usd_m";
    let args = |map: &'static str| {
        vec![
            "indicators",
            "--reporter",
            "PAK",
            "--partner",
            "KAZ",
            "--map",
            map,
            "--value-scale",
            "1000000",
        ]
    };
    let mut ok = args(map);
    ok.push(file);
    let out = run(&ok);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("total PAK KAZ 2023: 4000000 "), "{text}");
    // KAZ takes 3 of PAK's 4 million of exports.
    assert!(
        text.contains("partner_share_exports PAK KAZ 2023: 0.75 "),
        "{text}"
    );
    // A column the file does not have, or a field that does not exist: usage errors.
    for bad in [
        "exporter=from,importer=to,year=year,value=usd_m",
        "exporter=from,importer=to,year=yr,cost=usd_m",
        "exporter=from,year=yr,value=usd_m",
    ] {
        let mut a = args(bad);
        a.push(file);
        let out = run(&a);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stdout(&out));
        assert!(stdout(&out).contains("--map") || stdout(&out).contains("its columns"));
    }
}

/// A data file whose rows may not fit in the memory free is still checked, with a warning
/// on stderr (stdout stays one JSON object); the memory free is told through
/// TRADE_EXPLORER_FREE_MEMORY. The fixture's 6,000 rows take 300 MiB + 6,000 × 24 bytes
/// = 314,716,800 bytes.
#[test]
fn check_warns_when_the_rows_may_not_fit_in_memory() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mixed.parquet");
    let run_with = |free: &str| {
        let home = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_trade-explorer"))
            .args(["check", "--json", file.to_str().unwrap()])
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("TRADE_EXPLORER_FREE_MEMORY", free)
            .output()
            .unwrap()
    };
    let short = run_with("314716799");
    let warning = String::from_utf8(short.stderr.clone()).unwrap();
    assert!(
        warning.contains("mixed.parquet holds about 6,000 rows, which take about 314.7 MB of memory; 314.7 MB is free"),
        "{warning}"
    );
    let report: serde_json::Value = serde_json::from_slice(&short.stdout).unwrap();
    assert_eq!(report["rows_read"], 6000);
    let enough = run_with("314716800");
    assert!(!String::from_utf8_lossy(&enough.stderr).contains("warning"));
    assert_eq!(enough.stdout, short.stdout);
}
