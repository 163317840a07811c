//! Work that does not wait for a frame: autosave while the window is hidden (only
//! `App::logic` runs then), the watcher that notices another program changing the open
//! document, and where imported datasets are cached.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{files_in, step_until, wait_for_jobs};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{Action, AutosavePolicy, Command};
use trade_explorer::io::recovery::read_recovery;
use trade_explorer::model::Edit;
use trade_explorer::{Document, TradeApp, bundled_document, load_document, save_document};

const QUICK: AutosavePolicy = AutosavePolicy {
    quiet: Duration::from_millis(40),
    interval: Duration::from_millis(400),
};

fn set_title(harness: &mut Harness<'_, TradeApp>, title: &str) {
    harness.state_mut().apply(Command::Edit {
        edit: Edit::SetTitle(title.to_owned()),
        coalesce: None,
    });
}

fn open(harness: &mut Harness<'_, TradeApp>, path: &Path) {
    common::open_file(harness, path);
}

/// The bundled document saved in `dir`, and a version of it changed as another program
/// would change it.
fn document_and_other_version(dir: &Path) -> (PathBuf, Document) {
    let path = dir.join("shared.ron");
    save_document(&path, &bundled_document()).unwrap();
    let mut other = bundled_document();
    other.title = "Changed by a colleague".to_owned();
    (path, other)
}

fn window(dir: &Path) -> Harness<'static, TradeApp> {
    common::window_with_recovery(&dir.join("recovery"), QUICK)
}

#[test]
fn a_recovery_copy_is_written_while_the_window_is_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = window(dir.path());
    harness.run();
    set_title(&mut harness, "Typed, then the window was minimised");
    // From here on no frame is drawn: only the logic pass runs, as eframe does while the
    // window is hidden.
    let state = harness.state().history_state();
    let start = Instant::now();
    while harness.state().autosave().written_state() != Some(state) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no recovery copy was written without frames"
        );
        std::thread::sleep(Duration::from_millis(5));
        harness.state_mut().logic_pass();
    }
    let copy = harness.state().autosave().copy_path().unwrap();
    let (_, doc) = read_recovery(&copy).unwrap();
    assert_eq!(doc.title, "Typed, then the window was minimised");
}

#[test]
fn a_clean_document_changed_by_another_program_offers_reload() {
    let dir = tempfile::tempdir().unwrap();
    let (path, other) = document_and_other_version(dir.path());
    let mut harness = window(dir.path());
    open(&mut harness, &path);
    assert_eq!(harness.state().watching(), Some(path.as_path()));

    save_document(&path, &other).unwrap();
    step_until(&mut harness, "the change was not noticed", |app| {
        app.ui_state().file_changed.is_some()
    });
    harness.run();
    let bar = harness.state().ui_state().file_changed.clone().unwrap();
    assert!(!bar.unsaved);
    harness.get_by_label("shared.ron was changed by another program.");
    // Nothing changes until the user says so.
    assert_eq!(harness.state().document(), &bundled_document());

    harness.get_by_label("Reload").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document(), &other);
    assert!(!harness.state().is_dirty());
    assert!(harness.state().ui_state().file_changed.is_none());
}

#[test]
fn with_unsaved_changes_the_bar_says_at_once_that_they_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (path, other) = document_and_other_version(dir.path());
    let mut harness = window(dir.path());
    open(&mut harness, &path);
    set_title(&mut harness, "My own edit");
    harness.run();

    save_document(&path, &other).unwrap();
    step_until(&mut harness, "the change was not noticed", |app| {
        app.ui_state().file_changed.is_some()
    });
    harness.run();
    assert!(
        harness
            .state()
            .ui_state()
            .file_changed
            .as_ref()
            .unwrap()
            .unsaved
    );
    harness.get_by_label_contains("Your unsaved changes are kept");
    harness.get_by_label("Reload and drop my changes");
    // The edit is still there, unsaved.
    assert_eq!(harness.state().document().title, "My own edit");
    assert!(harness.state().is_dirty());

    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(harness.state().ui_state().file_changed.is_none());
    assert_eq!(harness.state().document().title, "My own edit");
}

#[test]
fn always_reload_takes_the_new_version_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (path, other) = document_and_other_version(dir.path());
    let mut harness = window(dir.path());
    harness.state_mut().apply(Command::SetAutoReload(true));
    open(&mut harness, &path);

    save_document(&path, &other).unwrap();
    step_until(&mut harness, "the new version was not loaded", |app| {
        app.document() == &other
    });
    assert!(!harness.state().is_dirty());
    assert!(harness.state().ui_state().file_changed.is_none());
}

#[test]
fn saving_ourselves_or_touching_the_file_is_not_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = document_and_other_version(dir.path());
    let mut harness = window(dir.path());
    open(&mut harness, &path);
    set_title(&mut harness, "Saved here");
    harness.state_mut().apply(Command::Action(Action::Save));
    wait_for_jobs(&mut harness);
    assert!(!harness.state().is_dirty());
    // Same content written again, as `touch` or a sync tool would.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let until = Instant::now() + Duration::from_millis(1200);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
    wait_for_jobs(&mut harness);
    assert!(harness.state().ui_state().file_changed.is_none());
    assert_eq!(load_document(&path).unwrap().title, "Saved here");
}

#[test]
fn imported_datasets_are_cached_only_in_the_folder_the_app_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pak_kaz.csv");
    std::fs::write(
        &data,
        "ref_year,reporter_iso,partner_iso,flow_code,cmd_code,primary_value\n\
         2024,PAK,KAZ,X,TOTAL,1000\n\
         2024,PAK,KAZ,M,TOTAL,250\n",
    )
    .unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    let folder = cache.clone();
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| {
            TradeApp::with_document(cc, Document::new()).with_cache_folder(folder)
        });
    harness.state_mut().apply(Command::ImportPath(data));
    wait_for_jobs(&mut harness);
    harness
        .state_mut()
        .apply(Command::FinishImport { copy_rows: false });
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().datasets.len(), 1);
    // The cache is written after the rows are delivered: it appears a moment later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while files_in(&cache).len() != 1 || files_in(&cache)[0].ends_with(".tmp") {
        assert!(
            std::time::Instant::now() < deadline,
            "one cache file: {:?}",
            files_in(&cache)
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // And the next load of the dataset comes from it.
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let path = dir.path().join("pak_kaz.csv");
    let reopened =
        trade_explorer::io::import::open_dataset(&path, None, Some(&cache), &mut |_| {}, &cancel)
            .unwrap();
    assert!(reopened.from_cache);
    assert_eq!(reopened.outcome.table.len(), 2);
}

#[test]
fn a_large_document_is_prepared_off_the_ui_thread_and_its_problems_follow() {
    // Over the size prepared within the frame: the views follow a moment after an edit.
    let rows = trade_explorer::app::INLINE_RECORDS + 5_000;
    let doc = common::bundled_with_rows(rows);
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc));
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().explore().errors, 0);
    let total = harness
        .state()
        .explore()
        .summary
        .as_ref()
        .unwrap()
        .trade_records;
    assert_eq!(total, bundled_document().trade.len() + rows);

    let mut record = harness.state().document().trade[7].clone();
    record.partner = "ZZZ".into();
    harness.state_mut().apply(Command::Edit {
        edit: Edit::Replace {
            index: 7,
            record: trade_explorer::model::Record::Trade(record),
        },
        coalesce: None,
    });
    step_until(
        &mut harness,
        "the problems never followed the edit",
        |app| app.explore().errors == 1 && app.pending_jobs() == 0,
    );
    harness.run();
    harness.get_by_label_contains("unknown country code 'ZZZ'");
    // Undo brings the clean state back, prepared the same way.
    harness.state_mut().apply(Command::Action(Action::Undo));
    step_until(&mut harness, "undo was not followed", |app| {
        app.explore().errors == 0 && app.pending_jobs() == 0
    });
}
