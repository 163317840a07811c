//! Importing trade data through the UI, as a user would: File > Import data…, the
//! mapping dialog, the review, the linked dataset on the relationship and categories
//! pages, undo, copying rows, and a saved document that links its dataset.

mod common;

use std::path::{Path, PathBuf};

use common::{step_until, wait_for_jobs};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{Command, ImportDialog, View};
use trade_explorer::model::dataset::Layout;
use trade_explorer::{Document, TradeApp};

fn harness_with(doc: Document) -> Harness<'static, TradeApp> {
    Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc))
}

/// One row of a comtradr-layout fixture.
struct Row {
    year: u16,
    reporter: &'static str,
    partner: &'static str,
    flow: &'static str,
    code: &'static str,
    value: f64,
}

/// Pakistan and Kazakhstan in 2023 and 2024, with what a real download has beside the
/// plain rows: chapter rows under the TOTAL row, a re-export (already inside exports), a
/// World row, another partner and a mirror figure.
const ROWS: &[Row] = &[
    Row {
        year: 2023,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "TOTAL",
        value: 40_000_000.0,
    },
    Row {
        year: 2023,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "08",
        value: 30_000_000.0,
    },
    Row {
        year: 2023,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "10",
        value: 10_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "TOTAL",
        value: 50_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "08",
        value: 35_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "X",
        code: "10",
        value: 15_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "RX",
        code: "TOTAL",
        value: 5_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "M",
        code: "TOTAL",
        value: 3_700_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "KAZ",
        flow: "M",
        code: "07",
        value: 3_700_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "W00",
        flow: "X",
        code: "TOTAL",
        value: 900_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "PAK",
        partner: "CHN",
        flow: "X",
        code: "TOTAL",
        value: 20_000_000.0,
    },
    Row {
        year: 2024,
        reporter: "KAZ",
        partner: "PAK",
        flow: "M",
        code: "TOTAL",
        value: 49_000_000.0,
    },
];

/// Pakistan's total trade with Kazakhstan in 2024 as the reference computation sees it:
/// its own TOTAL rows of exports (X) and imports (M); re-exports, World and the mirror
/// figure stay out.
fn expected_total_2024() -> f64 {
    ROWS.iter()
        .filter(|r| r.year == 2024 && r.reporter == "PAK" && r.partner == "KAZ")
        .filter(|r| r.code == "TOTAL" && (r.flow == "X" || r.flow == "M"))
        .map(|r| r.value)
        .sum()
}

fn write_fixture(dir: &Path) -> PathBuf {
    let mut text = String::from(
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,cmd_desc,primary_value\n",
    );
    for r in ROWS {
        text.push_str(&format!(
            "{},{},{},{},{},\"Goods, code {}\",{}\n",
            r.year, r.reporter, r.partner, r.flow, r.code, r.code, r.value
        ));
    }
    let path = dir.join("pak_kaz.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// File > Import data… with the typed-path dialog (tests have no native dialog).
/// An empty document with the fixture imported through the menu and linked: the folder,
/// the fixture's path and the window.
fn fixture_linked() -> (tempfile::TempDir, PathBuf, Harness<'static, TradeApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let mut harness = harness_with(Document::new());
    import_through_menu(&mut harness, &path);
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);
    (dir, path, harness)
}

fn import_through_menu(harness: &mut Harness<'_, TradeApp>, path: &Path) {
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Import data…").click();
    harness.run();
    harness.get_by_label("Import a trade data file or zip archive");
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Import").click();
    wait_for_jobs(harness);
}

#[test]
fn an_imported_file_is_linked_and_shown_on_the_relationship_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let mut harness = harness_with(Document::new());
    import_through_menu(&mut harness, &path);

    // A small import is shown for review before it is added.
    harness.get_by_label("Imported pak_kaz.csv");
    harness.get_by_label_contains("12 rows read as comtradr (R package) columns");
    assert!(
        harness.state().document().datasets.is_empty(),
        "nothing added yet"
    );
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);

    let doc = harness.state().document();
    assert_eq!(doc.datasets.len(), 1);
    assert_eq!(doc.datasets[0].layout, Layout::Comtradr);
    assert_eq!(doc.datasets[0].rows, ROWS.len() as u64);
    assert!(harness.state().is_dirty(), "linking is a change to save");
    // The empty document had no country: the import's main country is shown.
    assert_eq!(
        harness.state().navigation().page.focus.as_deref(),
        Some("PAK")
    );
    // Kazakhstan leads the partners (World is never a partner).
    let partners: Vec<&str> = harness
        .state()
        .explore()
        .partners
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(partners, vec!["KAZ", "CHN"]);

    harness.get_by_label("Kazakhstan").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().navigation().page.view, View::Relationship);
    let expected = trade_explorer::model::format::usd_short(expected_total_2024());
    assert_eq!(expected, "$53.7M");
    harness.get_by_label("Total trade 2024");
    harness.get_by_label(&expected);
    // The products chart stands in for the missing category records.
    let products = harness.state().explore().product_chart.clone().unwrap();
    let exports: Vec<(String, f64)> = products.series[0]
        .points
        .iter()
        .map(|p| (p.label.clone(), p.value))
        .collect();
    assert_eq!(exports.len(), 2);
    assert!(exports[0].0.starts_with("08 ") && exports[0].1 == 35_000_000.0);
    harness.get_by_label_contains("Pakistan – Kazakhstan by HS chapter, 2024");

    // Undo removes the link, and with it the figures.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait_for_jobs(&mut harness);
    assert!(harness.state().document().datasets.is_empty());
    assert!(harness.state().explore().partners.is_empty());
    assert!(harness.query_by_label(&expected).is_none());
}

#[test]
fn an_unknown_header_asks_for_columns_and_remembers_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gravity.csv");
    std::fs::write(
        &path,
        "year,exporter,importer,trade,note\n2006,PAK,KAZ,12.5,a\n2006,KAZ,PAK,1.25,b\n\
         2006,PAK,PAK,400,domestic\n2006,ROM,KAZ,2,Romania before 2002\n",
    )
    .unwrap();
    let mut harness = harness_with(Document::new());
    import_through_menu(&mut harness, &path);
    harness.get_by_label("Choose the columns of gravity.csv");
    // What the first value would be worth in each unit.
    harness.get_by_label(
        "First value: 12.5 is $13 as US dollars, $12.5K as thousands, $12.5M as millions",
    );
    // Guessed from the names; the value is in millions.
    harness.get_by_label("Value is in").click();
    harness.run();
    harness.get_by_label("millions of US dollars").click();
    harness.run();
    harness.get_by_label("Import").click();
    wait_for_jobs(&mut harness);
    // The review repeats the years, the unit and the total: 12.5 + 1.25 + 2 million; Pakistan's
    // 400 million with itself is said apart.
    harness.get_by_label(
        "Year 2006; values read as millions of US dollars; total trade $15.8M between \
         countries; 1 row of a country with itself ($400M, domestic trade as gravity datasets \
         give it) kept but counted in no total.",
    );
    harness.get_by_label("Former country codes read as today's: ROM as ROU (Romania)");
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);

    let link = harness.state().document().datasets[0].clone();
    assert_eq!(link.layout, Layout::Mapped);
    let map = link.mapping.unwrap();
    assert_eq!(
        (map.year, map.reporter_iso, map.partner_iso, map.value),
        (0, Some(1), Some(2), 3)
    );
    assert_eq!(map.value_scale, 1e6);
    assert_eq!(harness.state().settings().mappings.len(), 1);
    // Exporter → importer rows: Pakistan exports 12.5 million and imports 1.25 million.
    harness.get_by_label("Kazakhstan").click();
    wait_for_jobs(&mut harness);
    harness.get_by_label(&trade_explorer::model::format::usd_short(12.5e6 + 1.25e6));

    // The same header again: the remembered columns are offered.
    import_through_menu(&mut harness, &path);
    harness.get_by_label_contains("These columns were chosen before");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().ui_state().import.is_none());
    assert_eq!(
        harness.state().document().datasets.len(),
        1,
        "Cancel adds nothing"
    );
}

#[test]
fn a_small_import_can_be_copied_as_editable_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let mut harness = harness_with(Document::new());
    import_through_menu(&mut harness, &path);
    harness
        .get_by_label("Copy the rows into the document as editable records")
        .click();
    harness.run();
    harness.get_by_label("Copy rows").click();
    wait_for_jobs(&mut harness);

    let doc = harness.state().document();
    assert!(doc.datasets.is_empty(), "copied, not linked");
    assert_eq!(doc.sources.len(), 1);
    assert!(doc.sources[0].note.contains("pak_kaz.csv"));
    let total_2024: f64 = doc
        .trade
        .iter()
        .filter(|t| t.year == Some(2024) && t.reporter == "PAK" && t.partner == "KAZ")
        .filter(|t| t.category.is_none())
        .filter_map(|t| t.value_usd)
        .sum();
    assert_eq!(total_2024, expected_total_2024());
    let problems = trade_explorer::model::validate(doc);
    assert!(
        problems
            .iter()
            .all(|p| p.record.kind == trade_explorer::model::RecordKind::Document),
        "copied records are valid: {problems:?}"
    );
    harness.get_by_label("Kazakhstan").click();
    harness.run();
    harness.get_by_label("$53.7M");
}

/// An import whose rows may not fit in the memory free asks first: Cancel leaves the
/// document as it was, "Import anyway" reads it; with room enough nothing is asked.
#[test]
fn an_import_that_may_not_fit_in_memory_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let mut harness = harness_with(Document::new());
    // The fixture's 12 rows take 300 MiB + 12 × 24 bytes = 314,573,088 bytes by the
    // rule of thumb (24 bytes a row and 300 MiB), more than 100 MB.
    harness.state_mut().set_available_memory(100_000_000);
    import_through_menu(&mut harness, &path);
    harness.get_by_label("This data may not fit in memory");
    harness.get_by_label_contains(
        "pak_kaz.csv holds about 12 rows. Reading them takes about 314.6 MB of memory; \
         100.0 MB is free on this computer now.",
    );
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().ui_state().import.is_none());
    assert!(harness.state().document().datasets.is_empty());
    assert!(!harness.state().is_dirty());

    import_through_menu(&mut harness, &path);
    harness.get_by_label("Import anyway").click();
    wait_for_jobs(&mut harness);
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets.len(), 1);

    let mut roomy = harness_with(Document::new());
    roomy.state_mut().set_available_memory(400_000_000);
    import_through_menu(&mut roomy, &path);
    assert!(
        roomy
            .query_by_label("This data may not fit in memory")
            .is_none()
    );
    roomy.get_by_label("Link dataset");
}

#[test]
fn many_bad_rows_ask_before_anything_is_added_and_cancel_keeps_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let mut text = String::from("t,i,j,k,v,q\n");
    for n in 0..50 {
        text.push_str(&format!("2022,586,398,080510,{n}.5,1\n"));
    }
    text.push_str("2022,586,398,080510,not-a-number,1\n");
    std::fs::write(&path, text).unwrap();
    let mut harness = harness_with(Document::new());
    import_through_menu(&mut harness, &path);
    harness.get_by_label("bad.csv: many rows could not be read");
    harness.get_by_label_contains("1 row (2.0%) could not be read");
    harness.get_by_label_contains("Line 52:");
    harness.get_by_label("Link anyway");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().document().datasets.is_empty());
    assert!(!harness.state().is_dirty());
}

#[test]
fn a_saved_document_reads_its_linked_dataset_again() {
    let (dir, path, harness) = fixture_linked();
    let doc_path = dir.path().join("linked.ron");
    trade_explorer::io::save_document(&doc_path, harness.state().document()).unwrap();
    let text = std::fs::read_to_string(&doc_path).unwrap();
    assert!(
        text.contains("path: \"pak_kaz.csv\""),
        "relative path in the file: {text}"
    );

    let mut reopened = harness_with(Document::new());
    reopened
        .state_mut()
        .apply(Command::OpenPath(doc_path.clone()));
    wait_for_jobs(&mut reopened);
    assert!(matches!(
        reopened.state().datasets().entries()[0].status,
        trade_explorer::app::DatasetStatus::Ready(_)
    ));
    // The document has no records of its own: its dataset's main country is shown.
    assert_eq!(
        reopened.state().navigation().page.focus.as_deref(),
        Some("PAK")
    );
    reopened
        .state_mut()
        .apply(Command::OpenPartner("KAZ".into()));
    wait_for_jobs(&mut reopened);
    reopened.get_by_label("$53.7M");

    assert!(
        reopened
            .query_by_label("Dataset pak_kaz.csv changed since it was linked")
            .is_none()
    );

    // A file changed after it was linked is read as it is now, and said so.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2024,PAK,UZB,X,TOTAL,\"Goods, code TOTAL\",1000000\n");
    std::fs::write(&path, text).unwrap();
    let mut changed = harness_with(Document::new());
    changed
        .state_mut()
        .apply(Command::OpenPath(doc_path.clone()));
    wait_for_jobs(&mut changed);
    changed.get_by_label("Dataset pak_kaz.csv changed since it was linked");
    assert!(
        changed
            .state()
            .explore()
            .partners
            .iter()
            .any(|p| p.code == "UZB")
    );

    // A moved file is reported, not fatal.
    std::fs::remove_file(&path).unwrap();
    let mut moved = harness_with(Document::new());
    moved.state_mut().apply(Command::OpenPath(doc_path));
    wait_for_jobs(&mut moved);
    moved.get_by_label("Dataset pak_kaz.csv unavailable");
    assert!(matches!(
        moved.state().ui_state().import,
        None | Some(ImportDialog::Running(_))
    ));
}

#[test]
fn escape_cancels_a_running_import_and_keeps_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big_baci.csv");
    // 400,000 rows: long enough to be cancelled while it runs.
    let mut text = String::with_capacity(400_000 * 32);
    text.push_str("t,i,j,k,v,q\n");
    for n in 0..400_000u32 {
        text.push_str(&format!(
            "2022,586,398,{:06},{}.5,1\n",
            10_000 + n % 5000,
            n % 977
        ));
    }
    std::fs::write(&path, text).unwrap();
    let mut harness = harness_with(Document::new());
    harness.state_mut().apply(Command::ImportPath(path));
    // Step until the import itself runs (the header is read first).
    step_until(&mut harness, "the import never started", |app| {
        matches!(app.ui_state().import, Some(ImportDialog::Running(_)))
    });
    // A new dialog is measured on its first frame and shown on the next.
    harness.step();
    harness.get_by_label("Importing big_baci.csv");
    harness.key_press(egui::Key::Escape);
    wait_for_jobs(&mut harness);
    assert!(harness.state().ui_state().import.is_none());
    assert!(harness.state().document().datasets.is_empty());
    assert!(!harness.state().is_dirty());
    harness.get_by_label("Import cancelled");
}

#[test]
fn a_datasets_rows_can_be_listed_filtered_and_exported() {
    let (dir, _path, mut harness) = fixture_linked();
    harness.get_by_label("Kazakhstan").click();
    wait_for_jobs(&mut harness);

    // From a figure summed from the dataset to the rows it was summed from.
    let record = harness
        .state()
        .explore()
        .product_chart
        .as_ref()
        .and_then(|c| c.series[0].points[0].record.clone())
        .unwrap();
    harness.state_mut().apply(Command::Select(Some(record)));
    harness.run();
    harness.get_by_label("Show its rows").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().navigation().page.view, View::Tables);
    let between = ROWS
        .iter()
        .filter(|r| {
            (r.reporter, r.partner) == ("PAK", "KAZ") || (r.reporter, r.partner) == ("KAZ", "PAK")
        })
        .count();
    harness.get_by_label(&format!("Showing {between} of {} rows", ROWS.len()));
    harness.get_by_label("Rows of pak_kaz.csv");

    harness.get_by_label("Product code starts with").focus();
    harness.run();
    harness
        .get_by_label("Product code starts with")
        .type_text("08");
    wait_for_jobs(&mut harness);
    let chapter_08 = ROWS.iter().filter(|r| r.code.starts_with("08")).count();
    harness.get_by_label(&format!("Showing {chapter_08} of {} rows", ROWS.len()));

    let out = dir.path().join("rows.csv");
    harness
        .state_mut()
        .apply(Command::ExportTableTo(out.clone()));
    wait_for_jobs(&mut harness);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + chapter_08, "{text}");
    assert!(lines[1].starts_with("2023,PAK,KAZ,Export,08,"), "{text}");

    harness.get_by_label("All linked datasets").click();
    harness.run();
    harness.get_by_label("Show rows");
    assert!(harness.query_by_label("Rows of pak_kaz.csv").is_none());
}

/// The keyboard alone: Enter takes the typed path, Enter takes the review's default
/// button ("Link dataset", drawn highlighted); then a message is closed with Enter.
#[test]
fn enter_takes_the_default_button_of_each_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let mut harness = harness_with(Document::new());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    harness.run();
    harness.run();
    harness
        .get_by_label("File path")
        .type_text(path.to_str().unwrap());
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Imported pak_kaz.csv");
    harness.key_press(egui::Key::Enter);
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets.len(), 1);
    assert!(harness.query_by_label("Imported pak_kaz.csv").is_none());

    // Escape answers the unsaved-changes question with Cancel.
    harness
        .state_mut()
        .apply(Command::OpenPath(dir.path().join("other.ron")));
    harness.run();
    assert!(harness.state().ui_state().confirm.is_some());
    harness.get_by_label_contains("has unsaved changes. Save them before");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().ui_state().confirm.is_none());
    assert_eq!(harness.state().document().datasets.len(), 1);

    // A message (importing a file that is not there) closes with Enter.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    harness.run();
    harness.run();
    let missing = dir.path().join("missing.csv");
    harness
        .get_by_label("File path")
        .type_text(missing.to_str().unwrap());
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_for_jobs(&mut harness);
    assert!(harness.state().ui_state().message.is_some());
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(harness.state().ui_state().message.is_none());
}

/// "Show the pair's trade records" on a pair whose figures come from a dataset lists the
/// dataset's rows of the pair (it used to open the empty document table, "0 of 0").
#[test]
fn the_pairs_records_of_a_dataset_pair_are_its_rows() {
    let (_dir, _path, mut harness) = fixture_linked();
    harness.get_by_label("Kazakhstan").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().navigation().page.view, View::Relationship);
    let between = ROWS
        .iter()
        .filter(|r| {
            (r.reporter, r.partner) == ("PAK", "KAZ") || (r.reporter, r.partner) == ("KAZ", "PAK")
        })
        .count();
    assert_eq!(harness.state().explore().pair_records, 0);
    let pair_rows = harness.state().explore().pair_rows.clone();
    assert_eq!(pair_rows.len(), 1);
    assert_eq!(pair_rows[0].1, "pak_kaz.csv");
    assert!(pair_rows[0].2 > 0 && pair_rows[0].2 <= between as u64);
    harness.get_by_label("Show the pair's rows").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().navigation().page.view, View::Tables);
    harness.get_by_label("Rows of pak_kaz.csv");
    harness.get_by_label(&format!("Showing {between} of {} rows", ROWS.len()));
}
