//! A folder of data files imported through the UI (File > Import folder…): one file fails,
//! the review names it and offers to link the others, and the linked dataset's years form
//! one series.

#[path = "common/baci_parquet.rs"]
mod baci_parquet;
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

/// The (year, value) points of the relationship's "Total trade" series.
fn total_trade(explore: &trade_explorer::app::ExploreData) -> Vec<(f64, f64)> {
    let chart = explore.trade_chart.as_ref().expect("a trade chart");
    let total = chart.series.iter().find(|s| s.name == "Total trade");
    let total = total.expect("a total trade series");
    total.points.iter().map(|p| (p.x, p.value)).collect()
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
    common::type_path_and_press(&mut harness, &folder, "Import");
    harness.get_by_label("BACI_HS92_V202401b: some files could not be read");
    harness.get_by_label("Read from 2 data files as one dataset.");
    harness.get_by_label_contains("BACI_HS92_Y2023_V202401b.csv.gz: ");
    harness.get_by_label("Link the other files").click();
    wait_for_jobs(&mut harness);
    let doc = harness.state().document();
    assert_eq!(doc.datasets.len(), 1);
    assert_eq!(doc.datasets[0].name, "BACI_HS92_V202401b");
    // The status bar keeps saying so after the review is gone.
    harness.get_by_label("Dataset BACI_HS92_V202401b: 1 file could not be read");
    common::open_pak_kaz(&mut harness);
    // Both files' years are one series: total trade 14 thousand in 2021, 25 in 2022.
    let explore = harness.state().explore();
    assert_eq!(explore.partner_years, [2021, 2022]);
    assert_eq!(
        total_trade(explore),
        [(2021.0, 14_000.0), (2022.0, 25_000.0)]
    );

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

/// Two datasets of the same pair, US dollars, exports + imports = total:
///
/// | dataset | year | PAK → KAZ | KAZ → PAK | total |
/// | --- | --- | --- | --- | --- |
/// | a.csv | 2021 | 10 | 4 | 14 |
/// | a.csv | 2022 | 20 | 5 | 25 |
/// | b.csv | 2022 | 99 | 1 | 100 |
/// | b.csv | 2023 | 30 | 6 | 36 |
///
/// Linked in the order a, b: the series is 14, 25 (a wins 2022), 36. With b moved above
/// a: 14, 100, 36. Undo: back to 25.
#[test]
fn datasets_combine_into_one_series_and_the_higher_one_wins() {
    use std::sync::Arc;
    let (a_link, a) = common::baci_like(
        "a.csv",
        &["PAK", "KAZ"],
        &["080510"],
        &[
            (2021, 0, 1, 0, 10.0),
            (2021, 1, 0, 0, 4.0),
            (2022, 0, 1, 0, 20.0),
            (2022, 1, 0, 0, 5.0),
        ],
    );
    let (mut b_link, b) = common::baci_like(
        "b.csv",
        &["PAK", "KAZ"],
        &["080510"],
        &[
            (2022, 0, 1, 0, 99.0),
            (2022, 1, 0, 0, 1.0),
            (2023, 0, 1, 0, 30.0),
            (2023, 1, 0, 0, 6.0),
        ],
    );
    b_link.id = 2;
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(|cc| TradeApp::with_document(cc, Document::new()));
    harness.state_mut().link_dataset(a_link, Arc::new(a));
    wait_for_jobs(&mut harness);
    harness.state_mut().link_dataset(b_link, Arc::new(b));
    wait_for_jobs(&mut harness);
    common::open_pak_kaz(&mut harness);
    let totals = |h: &Harness<'_, TradeApp>| -> Vec<(f64, f64)> {
        let chart = h.state().explore().trade_chart.clone().unwrap();
        let total = chart
            .series
            .iter()
            .find(|s| s.name == "Total trade")
            .unwrap();
        total.points.iter().map(|p| (p.x, p.value)).collect()
    };
    assert_eq!(
        totals(&harness),
        [(2021.0, 14.0), (2022.0, 25.0), (2023.0, 36.0)]
    );
    // The figure of 2022 names the dataset it comes from.
    let chart = harness.state().explore().trade_chart.clone().unwrap();
    let exports = chart
        .series
        .iter()
        .find(|s| s.name.starts_with("Exports"))
        .unwrap();
    let tooltip = exports.points[1].tooltip.join("\n");
    assert!(tooltip.contains("dataset a.csv"), "{tooltip}");

    // Tables view, Linked datasets: select a.csv and move it down.
    harness.state_mut().apply(Command::ShowTable(
        trade_explorer::model::RecordKind::Dataset,
        Default::default(),
    ));
    harness.run();
    harness
        .state_mut()
        .ui_state_mut()
        .table(trade_explorer::model::RecordKind::Dataset)
        .selected = std::iter::once(0).collect();
    harness.run();
    // A link cannot be duplicated: no button offers it.
    assert!(harness.query_by_label("Duplicate").is_none());
    harness.get_by_label("Move down").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets[0].name, "b.csv");
    assert_eq!(
        totals(&harness),
        [(2021.0, 14.0), (2022.0, 100.0), (2023.0, 36.0)]
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets[0].name, "a.csv");
    assert_eq!(
        totals(&harness),
        [(2021.0, 14.0), (2022.0, 25.0), (2023.0, 36.0)]
    );
}

/// A document whose linked release must be read again (its cache gone) and may not fit in
/// the memory free is not read at once: the status bar says so, with the figures on hover,
/// and "Read anyway" reads it. With its cache current, or with room enough, it is read
/// without a word.
#[test]
fn a_linked_release_that_may_not_fit_is_read_only_when_asked() {
    use trade_explorer::app::DatasetStatus;
    use trade_explorer::io::import::cache;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("BACI_HS92_V202401b");
    std::fs::create_dir(&folder).unwrap();
    write_folder(&folder);
    std::fs::remove_file(folder.join("BACI_HS92_Y2023_V202401b.csv.gz")).unwrap();
    let cache_folder = dir.path().join("cache");
    let with_cache = cache_folder.clone();
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(move |cc| {
            TradeApp::with_document(cc, Document::new()).with_cache_folder(with_cache)
        });
    harness
        .state_mut()
        .apply(Command::Action(trade_explorer::app::Action::ImportFolder));
    harness.run();
    common::type_path_and_press(&mut harness, &folder, "Import");
    harness.get_by_label("Link dataset").click();
    wait_for_jobs(&mut harness);
    let print = cache::Fingerprint::of(&folder).unwrap();
    common::step_until(&mut harness, "the release was never cached", |_| {
        cache::holds(&cache::cache_path(&cache_folder, &folder), &print)
    });
    let doc_path = dir.path().join("linked.ron");
    trade_explorer::io::save_document(&doc_path, harness.state().document()).unwrap();

    let open = |free: u64, cache: Option<std::path::PathBuf>| {
        let mut harness = Harness::builder()
            .with_size([1200.0, 800.0])
            .build_eframe(move |cc| match cache {
                Some(folder) => {
                    TradeApp::with_document(cc, Document::new()).with_cache_folder(folder)
                }
                None => TradeApp::with_document(cc, Document::new()),
            });
        harness.state_mut().set_available_memory(free);
        harness
            .state_mut()
            .apply(Command::OpenPath(doc_path.clone()));
        wait_for_jobs(&mut harness);
        harness
    };
    let status = |h: &Harness<'_, TradeApp>| h.state().datasets().entries()[0].status.clone();
    // Its cache current: read from it (memory-mapped) although 1 byte is free.
    let cached = open(1, Some(cache_folder.clone()));
    assert!(matches!(status(&cached), DatasetStatus::Ready(_)));

    // No cache: its 4 rows take 300 MiB + 4 × 24 bytes = 314,572,896 bytes, over 100 MB.
    let mut short = open(100_000_000, None);
    match status(&short) {
        DatasetStatus::TooBig(s) => {
            assert_eq!(
                (s.rows, s.needed, s.available),
                (4, 314_572_896, 100_000_000)
            );
        }
        other => panic!("read although it may not fit: {other:?}"),
    }
    short.get_by_label("Dataset BACI_HS92_V202401b not read: may not fit in memory");
    short.get_by_label("Read anyway").click();
    wait_for_jobs(&mut short);
    assert!(matches!(status(&short), DatasetStatus::Ready(_)));
    assert!(short.query_by_label("Read anyway").is_none());
    common::open_pak_kaz(&mut short);
    let years = short.state().explore().partner_years.clone();
    assert_eq!(years, [2021, 2022]);

    // Room enough: read at once.
    let roomy = open(1 << 40, None);
    assert!(matches!(status(&roomy), DatasetStatus::Ready(_)));
}

/// A Parquet release at least as large as the app's threshold (lowered here to one row) is
/// linked with each pair's totals first and its rows read after: the link says so, the
/// totals are the rows' totals, and once the rows are in, what is traded is there too.
#[test]
fn a_large_parquet_release_is_linked_with_its_totals_then_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("BACI_HS92_V202401b");
    std::fs::create_dir(&folder).unwrap();
    // Thousands of US dollars: PAK → KAZ 10 in 2021, 20 + 2.5 in 2022; KAZ → PAK 4 and 5.
    let years = [
        vec![
            (2021, 586, 398, "080510", 10.0),
            (2021, 398, 586, "100199", 4.0),
        ],
        vec![
            (2022, 586, 398, "080510", 20.0),
            (2022, 586, 398, "100199", 2.5),
            (2022, 398, 586, "100199", 5.0),
        ],
    ];
    for (n, rows) in years.into_iter().enumerate() {
        let bytes = baci_parquet::baci_parquet(&[rows]);
        std::fs::write(folder.join(format!("part-{n}.parquet")), bytes).unwrap();
    }
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(|cc| {
            let mut app = TradeApp::with_document(cc, Document::new());
            app.set_totals_first_rows(1);
            app
        });
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::I,
    );
    harness.run();
    common::type_path_and_press(&mut harness, &folder, "Import");
    harness.get_by_label_contains("its totals are shown while the rows are read");
    let doc = harness.state().document();
    assert_eq!(doc.datasets.len(), 1);
    assert_eq!(
        doc.datasets[0].rows, 5,
        "the release's rows, not its totals"
    );
    // The rows were read after the totals, and replaced them.
    let datasets = harness.state().datasets();
    assert!(!datasets.entries()[0].reading_rows());
    let table = datasets.table(0).expect("the rows");
    assert!(table.totals_only.is_none());
    assert_eq!(table.len(), 5);
    common::open_pak_kaz(&mut harness);
    let explore = harness.state().explore();
    assert_eq!(
        total_trade(explore),
        [(2021.0, 14_000.0), (2022.0, 27_500.0)]
    );
    assert!(
        explore.product_chart.is_some(),
        "what is traded, from the rows"
    );
}
