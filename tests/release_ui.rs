//! A folder of data files imported through the UI (File > Import folder…): one file fails,
//! the review names it and offers to link the others, and the linked dataset's years form
//! one series.

mod common;

use std::io::Write;

use common::wait_for_jobs;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{Command, View};
use trade_explorer::{Document, TradeApp};

/// Two yearly BACI files (thousands of US dollars): PAK → KAZ 10 in 2021 and 20 in 2022;
/// a third, gzip-compressed, ends early.
fn write_folder(dir: &std::path::Path) {
    std::fs::write(
        dir.join("BACI_HS92_Y2021_V202401b.csv"),
        "t,i,j,k,v,q\n2021,586,398,080510,10.0,1\n2021,398,586,100199,4.0,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("BACI_HS92_Y2022_V202401b.csv"),
        "t,i,j,k,v,q\n2022,586,398,080510,20.0,1\n2022,398,586,100199,5.0,1\n",
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"t,i,j,k,v,q\n").unwrap();
    for _ in 0..20_000 {
        gz.write_all(b"2023,586,398,080510,1.0,1\n").unwrap();
    }
    let bytes = gz.finish().unwrap();
    std::fs::write(
        dir.join("BACI_HS92_Y2023_V202401b.csv.gz"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
}

#[test]
fn a_folder_with_a_failing_file_links_the_others_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("BACI_HS92_V202401b");
    std::fs::create_dir(&folder).unwrap();
    write_folder(&folder);
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::I,
    );
    harness.run();
    harness.get_by_label("Import a folder of data files as one dataset");
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(folder.to_str().unwrap());
    harness.run();
    harness.get_by_label("Import").click();
    wait_for_jobs(&mut harness);
    harness.get_by_label("BACI_HS92_V202401b: some files could not be read");
    harness.get_by_label("Read from 2 data files as one dataset.");
    harness.get_by_label_contains("BACI_HS92_Y2023_V202401b.csv.gz: ");
    harness.get_by_label("Link the other files").click();
    wait_for_jobs(&mut harness);
    let doc = harness.state().document();
    assert_eq!(doc.datasets.len(), 1);
    assert_eq!(doc.datasets[0].name, "BACI_HS92_V202401b");
    harness.state_mut().apply(Command::SetFocus("PAK".into()));
    wait_for_jobs(&mut harness);
    harness
        .state_mut()
        .apply(Command::OpenPartner("KAZ".into()));
    wait_for_jobs(&mut harness);
    // Both files' years are one series: total trade 14 thousand in 2021, 25 in 2022.
    let explore = harness.state().explore();
    assert_eq!(explore.partner_years, [2021, 2022]);
    let chart = explore.trade_chart.as_ref().unwrap();
    let total = chart
        .series
        .iter()
        .find(|s| s.name == "Total trade")
        .unwrap();
    let points: Vec<(f64, f64)> = total.points.iter().map(|p| (p.x, p.value)).collect();
    assert_eq!(points, [(2021.0, 14_000.0), (2022.0, 25_000.0)]);

    // The products chart shows the latest year, and any other through its year picker.
    harness
        .state_mut()
        .apply(Command::ShowView(View::Categories));
    wait_for_jobs(&mut harness);
    let title = |h: &Harness<'_, TradeApp>| {
        h.state()
            .explore()
            .product_chart
            .as_ref()
            .map(|c| c.title.clone())
    };
    assert!(title(&harness).unwrap().contains(", 2022 (dataset"));
    harness.get_by_label("Year").click();
    harness.run();
    harness.get_by_label("2021").click();
    harness.step();
    common::step_until(&mut harness, "the 2021 products never came", |app| {
        app.explore()
            .product_chart
            .as_ref()
            .is_some_and(|c| c.title.contains(", 2021 (dataset"))
    });
    // 2021: PAK exported 10 thousand of chapter 08 to KAZ.
    let chart = title(&harness).unwrap();
    assert!(chart.contains("by HS chapter"), "{chart}");
    let exports = &harness
        .state()
        .explore()
        .product_chart
        .as_ref()
        .unwrap()
        .series[0];
    assert_eq!(exports.points[0].value, 10_000.0);
}

#[test]
fn cancel_in_the_review_keeps_the_document() {
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path());
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    harness
        .state_mut()
        .apply(Command::Action(trade_explorer::app::Action::ImportFolder));
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(dir.path().to_str().unwrap());
    harness.run();
    harness.get_by_label("Import").click();
    wait_for_jobs(&mut harness);
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().document().datasets.is_empty());
}
