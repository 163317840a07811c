//! Parquet through the running app: a Parquet file imported with File > Import data…,
//! its figures on the relationship page, and File > Export dataset as Parquet (rows with
//! Ctrl+Shift+E, pair totals from the menu) written where the prompt says. The fixture's
//! rows are listed, with the totals computed by hand, in `tests/parquet_files.rs`.

mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use common::{open_pak_kaz, type_path_and_press, wait_for_jobs};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::{Document, TradeApp};

fn harness() -> Harness<'static, TradeApp> {
    Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()))
}

fn total_of(path: &Path) -> (usize, f64) {
    let outcome =
        trade_explorer::io::import::import_file(path, None, &mut |_| {}, &AtomicBool::new(false))
            .unwrap();
    (outcome.table.len(), outcome.table.total_usd())
}

#[test]
fn a_parquet_file_is_imported_shown_and_exported_through_the_file_menu() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comtrade.parquet");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/uncompressed.parquet");
    std::fs::copy(fixture, &path).unwrap();
    let mut harness = harness();

    // Nothing linked yet: the export says what to do instead of asking for a path.
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::E,
    );
    harness.run();
    harness.get_by_label("Nothing to export");
    harness.get_by_label("OK").click();
    harness.run();

    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Import data…").click();
    harness.run();
    harness.get_by_label("Import a trade data file or zip archive");
    type_path_and_press(&mut harness, &path, "Import");
    harness.get_by_label("Imported comtrade.parquet");
    harness.get_by_label_contains("8 rows read as");
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets.len(), 1);

    // 2022: Pakistan reports exports of 1,750,000 + 300,000.75 and imports of 1,200,000.
    open_pak_kaz(&mut harness);
    let explore = harness.state().explore();
    let chart = explore.trade_chart.as_ref().unwrap();
    let series = |name: &str| {
        chart
            .series
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.points.iter().map(|p| (p.x, p.value)).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(series("Total trade").contains(&(2022.0, 3_250_000.75)));

    // Rows, with the shortcut: every row of the dataset.
    let rows = dir.path().join("rows.parquet");
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::E,
    );
    harness.run();
    harness.get_by_label("Export the dataset's rows as Parquet");
    type_path_and_press(&mut harness, &rows, "Export");
    assert_eq!(total_of(&rows), (8, 8_900_001.625));

    // Pair totals, from the menu: five (year, pair, flow) totals; World left out.
    let totals = dir.path().join("totals");
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export dataset as Parquet").click();
    harness.run();
    harness
        .get_by_label_contains("Pair totals per year as Parquet…")
        .click();
    harness.run();
    harness.get_by_label("Export the dataset's pair totals per year as Parquet");
    type_path_and_press(&mut harness, &totals, "Export");
    // The extension is added when the name has none.
    assert_eq!(
        total_of(&dir.path().join("totals.parquet")),
        (5, 8_900_001.625)
    );
}
