//! Documents on disk: the bundled dataset, round trips, bad input and atomic saving.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::files_in;
use trade_explorer::io::{
    BUNDLED_RON, LoadError, SaveError, backup_path, document_to_ron, write_atomic,
};
use trade_explorer::model::{
    AmountBasis, Flow, IndicatorKind, InvestmentKind, Severity, Status, hs, validate,
};
use trade_explorer::{Document, bundled_document, load_document, save_document};

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn every_file_in_saves_round_trips() {
    let mut checked = 0;
    for entry in fs::read_dir(manifest_path("saves")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let doc = load_document(&path).unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.ron");
        save_document(&copy, &doc).unwrap();
        let again = load_document(&copy).unwrap();
        assert_eq!(doc, again, "{} changed in a round trip", path.display());
        // The files are kept in the canonical form the app writes, so saving them is a no-op.
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            fs::read_to_string(&copy).unwrap(),
            "{} is not in canonical form",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 1, "saves/ holds no .ron file");
}

#[test]
fn bundled_dataset_is_the_saves_file() {
    let saved = fs::read_to_string(manifest_path("saves/pakistan-partners.ron")).unwrap();
    assert_eq!(saved, BUNDLED_RON, "assets/ and saves/ copies differ");
    let loaded = load_document(&manifest_path("saves/pakistan-partners.ron")).unwrap();
    assert_eq!(loaded, bundled_document());
    assert_eq!(document_to_ron(&loaded).unwrap(), BUNDLED_RON);
}

#[test]
fn bundled_dataset_holds_the_sourced_facts() {
    let doc = bundled_document();
    assert!(validate(&doc).is_empty(), "{:?}", validate(&doc));

    let total = doc
        .trade
        .iter()
        .find(|t| t.flow == Flow::Total && t.year == Some(2024))
        .expect("the 2024 total");
    assert_eq!(
        (total.reporter.as_str(), total.partner.as_str()),
        ("KAZ", "PAK")
    );
    assert_eq!(total.value_usd, Some(53_700_000.0));

    let categories = |flow: Flow| -> Vec<&str> {
        doc.trade
            .iter()
            .filter(|t| t.flow == flow && t.reporter == "PAK" && t.partner == "KAZ")
            .map(|t| {
                assert_eq!(t.value_usd, None, "no value was given for {:?}", t.category);
                let code = t.category.as_deref().unwrap();
                doc.category(code).unwrap().name.as_str()
            })
            .collect()
    };
    assert_eq!(
        categories(Flow::Export),
        [
            "Citrus fruits",
            "Pharmaceutical products",
            "Garments",
            "Soap",
            "Sports equipment"
        ]
    );
    assert_eq!(
        categories(Flow::Import),
        [
            "Onions and garlic",
            "Dried legumes",
            "Oats",
            "Buckwheat",
            "Seeds",
            "Fruits"
        ]
    );
    for (code, name) in [
        ("0805", "Citrus fruits"),
        ("0703", "Onions and garlic"),
        ("1004", "Oats"),
        ("1008", "Buckwheat"),
        ("0713", "Dried legumes"),
        ("3401", "Soap"),
        ("30", "Pharmaceutical products"),
        ("9506", "Sports equipment"),
    ] {
        assert_eq!(doc.category(code).map(|c| c.name.as_str()), Some(name));
        assert!(hs::chapter_name(code).is_some());
    }

    let corridor = doc
        .investments
        .iter()
        .find(|v| v.kind == InvestmentKind::Projection)
        .unwrap();
    assert_eq!(corridor.amount_usd, Some(5e9));
    assert_eq!(corridor.amount_basis, Some(AmountBasis::Projected));
    assert!(
        doc.investments
            .iter()
            .filter(|v| v.kind != InvestmentKind::Projection)
            .all(|v| v.amount_usd.is_none()),
        "no other amount is given by the sources"
    );
    assert!(
        doc.investments
            .iter()
            .any(|v| v.kind == InvestmentKind::Mou && v.status == Status::Expected)
    );

    let mut targets: Vec<(String, i32, f64)> = doc
        .indicators
        .iter()
        .filter(|i| i.kind == IndicatorKind::Target)
        .map(|i| (i.segment.clone(), i.year.unwrap(), i.value))
        .collect();
    targets.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let seg_a = "Passenger vehicles and heavy-duty trucks".to_owned();
    let seg_b = "Two- and three-wheelers and buses".to_owned();
    assert_eq!(
        targets,
        [
            (seg_a.clone(), 2030, 30.0),
            (seg_a, 2040, 90.0),
            (seg_b.clone(), 2030, 50.0),
            (seg_b, 2040, 90.0)
        ]
    );
    // Every record cites a source that exists.
    let ids: Vec<u32> = doc.sources.iter().map(|s| s.id).collect();
    let cited = doc
        .trade
        .iter()
        .map(|t| t.source)
        .chain(doc.investments.iter().map(|v| v.source))
        .chain(doc.indicators.iter().map(|v| v.source))
        .chain(doc.facts.iter().map(|v| v.source));
    for source in cited {
        assert!(ids.contains(&source.expect("every record cites a source")));
    }
}

#[test]
fn missing_file_and_folder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_document(&dir.path().join("nope.ron")).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("no such file"), "{err}");
    let err = load_document(dir.path()).unwrap_err();
    assert!(matches!(err, LoadError::NotAFile { .. }), "{err:?}");
}

#[test]
fn non_utf8_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "latin1.ron",
        b"(\n    format_version: 1,\n    title: \"Caf\xe9\",\n)",
    );
    let err = load_document(&path).unwrap_err();
    match &err {
        LoadError::NotUtf8 { line, column, .. } => assert_eq!((*line, *column), (3, 16)),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
    assert!(err.to_string().contains("latin1.ron:3:16: "), "{err}");
    assert!(err.to_string().contains("UTF-8"));
}

#[test]
fn syntax_and_type_errors_give_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], usize); 4] = [
        ("unclosed.ron", b"(\n    format_version: 1,\n    title: \"x\",\n", 3),
        (
            "type.ron",
            b"(\n    format_version: 1,\n    trade: [(id: \"one\", reporter: \"PAK\", partner: \"KAZ\", flow: Total)],\n)",
            3,
        ),
        (
            "flow.ron",
            b"(\n    format_version: 1,\n    trade: [\n        (id: 1, reporter: \"PAK\", partner: \"KAZ\", flow: Sideways),\n    ],\n)",
            4,
        ),
        ("date.ron", b"(format_version: 1, sources: [(id: 1, title: \"t\", date: \"2024-13\")])", 1),
    ];
    for (name, bytes, want_line) in cases {
        let path = write(dir.path(), name, bytes);
        let err = load_document(&path).unwrap_err();
        let Some((line, column)) = err.location() else {
            panic!("{name}: no location in {err:?}");
        };
        assert_eq!(line, want_line, "{name}: {err}");
        assert!(column >= 1);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{}:{line}:{column}: ", path.display())),
            "{text}"
        );
    }
}

/// An empty file and a file that is not a document are named as such, not in the
/// parser's words ("Expected opening `(`", "Expected struct `Document` but found `this`").
#[test]
fn empty_and_foreign_files_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.ron", b"");
    let err = load_document(&empty).unwrap_err();
    assert!(matches!(err, LoadError::Empty { .. }), "{err:?}");
    assert!(err.to_string().contains("the file is empty"), "{err}");
    let csv = write(
        dir.path(),
        "data.ron",
        b"year,reporter,partner\n2020,PAK,KAZ\n",
    );
    let text = load_document(&csv).unwrap_err().to_string();
    assert!(text.contains("not a Trade Explorer document"), "{text}");
    assert!(text.contains("File > Import data"), "{text}");
    assert!(!text.contains("Expected"), "{text}");
}

/// Syntax and type errors are sentences about the file, with the fix where there is one.
#[test]
fn syntax_errors_are_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 3] = [
        (
            "typo.ron",
            "(\n    format_version: 1,\n    titel: \"x\",\n)\n",
            "3:5: `titel` is not a field of the document (did you mean `title`?)",
        ),
        (
            "flow.ron",
            "(format_version: 1, trade: [(id: 1, reporter: \"PAK\", partner: \"KAZ\", flow: Sideways)])",
            "`Sideways` is not a valid flow; use `Export`, `Import` or `Total`",
        ),
        (
            "comma.ron",
            "(\n    format_version: 1\n    title: \"x\",\n)\n",
            "3:5: a comma is missing between two fields or values",
        ),
    ];
    for (name, text, want) in cases {
        let path = write(dir.path(), name, text.as_bytes());
        let message = load_document(&path).unwrap_err().to_string();
        assert!(message.contains(want), "{name}: {message}");
        assert!(!message.contains("Unexpected field named"), "{message}");
        assert!(
            message.ends_with("correct the file there in a text editor"),
            "{message}"
        );
    }
}

#[test]
fn newer_and_unversioned_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let newer = write(
        dir.path(),
        "newer.ron",
        b"(format_version: 7, title: \"From the future\", holograms: [])",
    );
    let err = load_document(&newer).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::NewerVersion {
                found: 7,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
    let plain = write(dir.path(), "plain.ron", b"(title: \"No version\")");
    assert!(matches!(
        load_document(&plain).unwrap_err(),
        LoadError::MissingVersion { .. }
    ));
}

#[test]
fn oversized_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let file = fs::File::create(&path).unwrap();
    // Sparse: takes no disk space, but reports 257 MiB.
    file.set_len(257 * 1024 * 1024).unwrap();
    let err = load_document(&path).unwrap_err();
    assert!(matches!(err, LoadError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("256 MiB"), "{err}");
}

#[test]
fn hostile_inputs_give_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "(format_version: 1, notes: {}1{})",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let inputs: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        b"\0\0\0\0".to_vec(),
        b"(format_version: 99999999999999999999)".to_vec(),
        b"(format_version: 1, trade: [(id: -1)])".to_vec(),
        b"(format_version: 1, title: \"unterminated".to_vec(),
        b"#![enable(nonsense)] (format_version: 1)".to_vec(),
        vec![0xff; 1000],
    ];
    for (i, bytes) in inputs.iter().enumerate() {
        let path = write(dir.path(), &format!("bad{i}.ron"), bytes);
        assert!(load_document(&path).is_err(), "input {i} was accepted");
    }
}

#[test]
fn byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(b"(format_version: 1, title: \"BOM\")");
    let path = write(dir.path(), "bom.ron", &bytes);
    assert_eq!(load_document(&path).unwrap().title, "BOM");
}

#[test]
fn a_file_with_validation_problems_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "problems.ron",
        b"(format_version: 1, title: \"P\", trade: [(id: 1, year: 1850, reporter: \"PAK\", partner: \"PAK\", flow: Export, value_usd: -3.0, source: 4)])",
    );
    let doc = load_document(&path).unwrap();
    let problems = validate(&doc);
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    for field in ["year", "partner", "value_usd", "source"] {
        assert!(
            fields.contains(&field),
            "{field} not reported: {problems:?}"
        );
    }
    assert!(problems.iter().all(|p| p.severity == Severity::Error));
}

#[test]
fn saving_keeps_the_previous_version_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.ron");
    let mut doc = Document::new();
    doc.title = "First".into();
    save_document(&path, &doc).unwrap();
    assert!(
        !backup_path(&path).exists(),
        "nothing to back up on the first save"
    );
    doc.title = "Second".into();
    save_document(&path, &doc).unwrap();
    assert_eq!(load_document(&path).unwrap().title, "Second");
    assert_eq!(load_document(&backup_path(&path)).unwrap().title, "First");
    // No temporary files are left behind.
    assert_eq!(files_in(dir.path()), ["doc.ron", "doc.ron.bak"]);
}

#[test]
fn a_failed_save_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.ron");
    let mut doc = Document::new();
    doc.title = "Old".into();
    save_document(&path, &doc).unwrap();
    let old_bytes = fs::read(&path).unwrap();

    // The backup cannot be written (a folder is in its place): the save fails midway,
    // after the new version has been written to its temporary file.
    fs::create_dir(backup_path(&path)).unwrap();
    fs::write(backup_path(&path).join("keep"), b"x").unwrap();
    doc.title = "New".into();
    let err = save_document(&path, &doc).unwrap_err();
    assert!(matches!(err, SaveError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("backup"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), old_bytes);
    assert_eq!(files_in(dir.path()), ["doc.ron", "doc.ron.bak"]);

    // A read-only file is not replaced.
    fs::remove_dir_all(backup_path(&path)).unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).unwrap();
    let err = save_document(&path, &doc).unwrap_err();
    assert!(matches!(err, SaveError::ReadOnly { .. }), "{err:?}");
    assert_eq!(fs::read(&path).unwrap(), old_bytes);

    // A folder that does not exist.
    let gone = dir.path().join("gone").join("doc.ron");
    let err = save_document(&gone, &doc).unwrap_err();
    assert!(matches!(err, SaveError::FolderMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("does not exist"));
}

#[test]
fn saving_through_a_symlink_replaces_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    let link = dir.path().join("link.ron");
    write_atomic(&real, b"(format_version: 1, title: \"v1\")").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut doc = load_document(&link).unwrap();
    doc.title = "v2".into();
    save_document(&link, &doc).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(load_document(&real).unwrap().title, "v2");
}
