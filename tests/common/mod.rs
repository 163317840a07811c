//! Helpers shared by the suites that drive the app through egui_kittest.

// Each test binary includes this module and uses its own subset of it.
#![allow(dead_code)]

pub mod independent;

use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use trade_explorer::TradeApp;

/// Longest a background job (dialog, load, save, import, sums) may take in a test.
const JOB_LIMIT: Duration = Duration::from_secs(20);

/// Steps frames until `done` holds, failing with `what` after [`JOB_LIMIT`].
pub fn step_until(
    harness: &mut Harness<'_, TradeApp>,
    what: &str,
    mut done: impl FnMut(&TradeApp) -> bool,
) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < JOB_LIMIT, "{what}");
        std::thread::sleep(Duration::from_millis(2));
        harness.step();
    }
}

/// Steps frames until background jobs have reported back, then lets the UI settle.
pub fn wait_for_jobs(harness: &mut Harness<'_, TradeApp>) {
    settle_after(harness, |_| true);
}

/// As [`wait_for_jobs`], waiting also until `also` holds (work `pending_jobs` does not
/// count), then lets the UI settle.
pub fn settle_after(harness: &mut Harness<'_, TradeApp>, mut also: impl FnMut(&TradeApp) -> bool) {
    // Deliver the queued input first: it is what starts the job.
    harness.step();
    step_until(harness, "a background job never finished", |app| {
        app.pending_jobs() == 0 && also(app)
    });
    harness.run();
}

/// A window on an empty document that keeps recovery copies in `folder` with `policy`.
pub fn window_with_recovery(
    folder: &std::path::Path,
    policy: trade_explorer::app::AutosavePolicy,
) -> Harness<'static, TradeApp> {
    let folder = folder.to_path_buf();
    Harness::builder()
        .with_size([1100.0, 760.0])
        // Autosave writes finish on their own threads and ask for a repaint whenever they
        // do, which can land inside any `run()`: allow the frames that costs.
        .with_max_steps(64)
        .build_eframe(move |cc| {
            TradeApp::with_document(cc, trade_explorer::Document::new())
                .with_recovery(folder, policy)
        })
}

/// Steps until the recovery copy holds the current state of the document; its path.
pub fn wait_for_autosave(harness: &mut Harness<'_, TradeApp>) -> std::path::PathBuf {
    step_until(harness, "no recovery copy was written", |app| {
        app.autosave().written_state() == Some(app.history_state())
    });
    harness
        .state()
        .autosave()
        .copy_path()
        .expect("autosave is on")
}

/// Opens `path` as File > Open would, and waits until it is the document shown.
pub fn open_file(harness: &mut Harness<'_, TradeApp>, path: &std::path::Path) {
    harness
        .state_mut()
        .apply(trade_explorer::app::Command::OpenPath(path.to_path_buf()));
    wait_for_jobs(harness);
    assert_eq!(
        harness.state().origin(),
        &trade_explorer::app::Origin::File(path.to_path_buf())
    );
}

/// The bundled dataset with `extra` more trade rows (copies of its first one with their
/// own ids and values), for files of a chosen size.
pub fn bundled_with_rows(extra: usize) -> trade_explorer::Document {
    let mut doc = trade_explorer::bundled_document();
    let template = doc.trade[0].clone();
    for i in 0..extra {
        let mut row = template.clone();
        row.id = 100_000 + i as u32;
        row.value_usd = Some(i as f64 * 1.5);
        doc.trade.push(row);
    }
    doc
}

/// Names of the files in `dir`, sorted.
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The texts the last frame put on the clipboard.
pub fn copied_texts(harness: &Harness<'_, TradeApp>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// A BACI-like dataset (exporters' values, US dollars) of `countries` and `products`,
/// with `rows` of (year, exporter index, importer index, product index, value).
pub fn baci_like(
    name: &str,
    countries: &[&str],
    products: &[&str],
    rows: &[(u16, u16, u16, u32, f64)],
) -> (
    trade_explorer::model::dataset::DatasetLink,
    trade_explorer::model::dataset::TradeTable,
) {
    use trade_explorer::model::dataset::{
        DatasetCountry, DatasetLink, DatasetProduct, Layout, RowFlow, TradeTable,
    };
    let mut table = TradeTable {
        countries: countries
            .iter()
            .map(|&code| DatasetCountry {
                code: code.into(),
                name: code.into(),
                world: false,
                unknown: false,
            })
            .collect(),
        products: products
            .iter()
            .map(|&code| DatasetProduct {
                code: code.into(),
                name: String::new(),
            })
            .collect(),
        // BACI gives one reconciled value per flow: an exporter's row is also the
        // importer's import.
        reconciled: true,
        blocks: Default::default(),
        ..TradeTable::default()
    };
    for &(year, exporter, importer, product, value) in rows {
        table.year.push(year);
        table.reporter.push(exporter);
        table.partner.push(importer);
        table.flow.push(RowFlow::Export as u8);
        table.product.push(product);
        table.value.push(value);
        table.quantity.push(f32::NAN);
    }
    table.compute_flags();
    let link = DatasetLink {
        id: 1,
        name: name.into(),
        path: format!("/nonexistent/{name}"),
        layout: Layout::Baci,
        mapping: None,
        rows: rows.len() as u64,
        size: 0,
        modified_ns: 0,
        fingerprint: String::new(),
        note: String::new(),
    };
    (link, table)
}

/// Chooses Pakistan as the focus and opens its relationship with Kazakhstan, waiting for
/// the background sums after each.
pub fn open_pak_kaz(harness: &mut Harness<'_, TradeApp>) {
    use trade_explorer::app::Command;
    for command in [
        Command::SetFocus("PAK".into()),
        Command::OpenPartner("KAZ".into()),
    ] {
        harness.state_mut().apply(command);
        wait_for_jobs(harness);
    }
}

/// Types `path` into the open path prompt, presses `button` ("Import", "Export", …) and
/// waits for the job it starts.
pub fn type_path_and_press(
    harness: &mut Harness<'_, TradeApp>,
    path: &std::path::Path,
    button: &str,
) {
    use egui_kittest::kittest::Queryable;
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run();
    harness.get_by_label(button).click();
    wait_for_jobs(harness);
}

/// The app on an empty document with `table` linked, Pakistan and Kazakhstan chosen and
/// `view` shown, every background job done.
pub fn linked_pair(
    link: trade_explorer::model::dataset::DatasetLink,
    table: trade_explorer::model::dataset::TradeTable,
    size: [f32; 2],
    view: trade_explorer::app::View,
) -> Harness<'static, TradeApp> {
    use trade_explorer::app::Command;
    let mut harness = Harness::builder()
        .with_size(size)
        .build_eframe(|cc| TradeApp::with_document(cc, trade_explorer::Document::new()));
    harness
        .state_mut()
        .link_dataset(link, std::sync::Arc::new(table));
    wait_for_jobs(&mut harness);
    open_pak_kaz(&mut harness);
    harness.state_mut().apply(Command::ShowView(view));
    wait_for_jobs(&mut harness);
    harness
}

/// Saves the chart `key` through the first "Save as PNG…" button on screen and the
/// typed-path dialog, and checks that the image is exactly the chart's rectangle.
pub fn save_png_of(harness: &mut Harness<'_, TradeApp>, path: &std::path::Path, key: &str) {
    use egui_kittest::kittest::Queryable;
    harness
        .get_all_by_label("Save as PNG…")
        .next()
        .expect("a Save as PNG… button")
        .click();
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Save").click();
    step_until(harness, "no PNG was written", |app| {
        app.pending_jobs() == 0 && path.exists()
    });
    let image = image::open(path).unwrap();
    let rect = harness.state().ui_state().chart_rects[key];
    let ppp = harness.ctx.pixels_per_point();
    assert!((image.width() as f32 - rect.width() * ppp).abs() <= 2.0);
    assert!((image.height() as f32 - rect.height() * ppp).abs() <= 2.0);
}

/// At widths from 700 to 1,400 points, the view opened with Ctrl+`key` shows each of
/// `names` as a label directly left of its combo box, on the same row, within the window.
pub fn labels_stay_beside_their_combo_boxes(key: egui::Key, names: &[&str]) {
    use egui_kittest::kittest::{By, Queryable as _};
    let role = egui::accesskit::Role::ComboBox;
    for width in [700.0, 760.0, 820.0, 870.0, 930.0, 1000.0, 1100.0, 1400.0] {
        let mut harness = egui_kittest::Harness::builder()
            .with_size([width, 700.0])
            .build_eframe(|cc| TradeApp::with_document(cc, trade_explorer::bundled_document()));
        harness.key_press_modifiers(egui::Modifiers::COMMAND, key);
        // The Analysis view's matrices are built on after its first figures, each level
        // asking for a frame: the view settles only once they are all in.
        settle_after(&mut harness, |app| !app.analysis_busy());
        for &name in names {
            let combo = harness.get_by_role_and_label(role, name).rect();
            let labels: Vec<egui::Rect> = harness
                .get_all(
                    By::new()
                        .role(egui::accesskit::Role::Label)
                        .label(name)
                        .include_labels(),
                )
                .map(|label| label.rect())
                .collect();
            let beside = labels.iter().any(|label| {
                combo.y_range().contains(label.center().y)
                    && label.right() <= combo.left()
                    && combo.left() - label.right() < 20.0
            });
            assert!(
                beside,
                "{width}: {name}'s label is not beside its combo box at {combo:?}: {labels:?}"
            );
            assert!(combo.right() <= width, "{width}: {name} at {combo:?}");
        }
    }
}
