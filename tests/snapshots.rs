//! Rendered snapshots of every view with the bundled dataset (software wgpu rendering).
//!
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` rewrites the images in
//! `tests/snapshots/`; look at each one before committing it.

use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::app::View;
use trade_explorer::{TradeApp, bundled_document};

fn snapshot_view(view: View, name: &str) {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, bundled_document()));
    let index = View::ALL.iter().position(|v| *v == view).unwrap();
    let keys = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
        egui::Key::Num0,
    ];
    harness.key_press_modifiers(egui::Modifiers::COMMAND, keys[index]);
    // The Analysis view computes off the UI thread (a spinner repaints meanwhile).
    let start = std::time::Instant::now();
    while view == View::Analysis && harness.state().analysis().key.is_none() {
        assert!(
            start.elapsed().as_secs() < 20,
            "the analysis was never computed"
        );
        harness.step();
    }
    harness.run();
    assert_eq!(harness.state().navigation().page.view, view);
    harness.snapshot(name);
}

#[test]
fn overview() {
    snapshot_view(View::Overview, "view_1_overview");
}

#[test]
fn relationship() {
    snapshot_view(View::Relationship, "view_2_relationship");
}

#[test]
fn trade() {
    snapshot_view(View::Trade, "view_3_trade");
}

#[test]
fn categories() {
    snapshot_view(View::Categories, "view_4_categories");
}

#[test]
fn investments() {
    snapshot_view(View::Investments, "view_5_investments");
}

#[test]
fn indicators() {
    snapshot_view(View::Indicators, "view_6_indicators");
}

#[test]
fn tables() {
    snapshot_view(View::Tables, "view_7_tables");
}

#[test]
fn problems() {
    snapshot_view(View::Problems, "view_8_problems");
}

#[test]
fn analysis() {
    snapshot_view(View::Analysis, "view_9_analysis");
}

#[test]
fn map() {
    snapshot_view(View::Map, "view_10_map");
}
