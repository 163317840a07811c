//! Autosave, recovery after a crash, and saving over a file that changed on disk, driven
//! through the app as a user would (egui_kittest).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{files_in, step_until, wait_for_autosave, wait_for_jobs};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::{AutosavePolicy, Command, Origin};
use trade_explorer::io::recovery::read_recovery;
use trade_explorer::model::Edit;
use trade_explorer::{Document, TradeApp, bundled_document, load_document, save_document};

/// Quick autosave, so that tests do not wait seconds.
const QUICK: AutosavePolicy = AutosavePolicy {
    quiet: Duration::from_millis(40),
    interval: Duration::from_millis(400),
};

fn window(folder: &Path, policy: AutosavePolicy) -> Harness<'static, TradeApp> {
    common::window_with_recovery(folder, policy)
}

fn edit(harness: &mut Harness<'_, TradeApp>, title: &str) {
    harness.state_mut().apply(Command::Edit {
        edit: Edit::SetTitle(title.to_owned()),
        coalesce: None,
    });
    harness.run();
}

fn open(harness: &mut Harness<'_, TradeApp>, path: &Path) {
    common::open_file(harness, path);
}

fn saved_file(dir: &Path) -> PathBuf {
    let path = dir.join("work.ron");
    save_document(&path, &bundled_document()).unwrap();
    path
}

#[test]
fn unsaved_work_is_copied_and_saving_removes_the_copy() {
    let recovery = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let file = saved_file(docs.path());
    let mut harness = window(recovery.path(), QUICK);
    open(&mut harness, &file);
    assert!(harness.state().autosave().written_state().is_none());

    edit(&mut harness, "Edited after opening");
    let copy = wait_for_autosave(&mut harness);
    let (meta, doc) = read_recovery(&copy).unwrap();
    assert_eq!(&doc, harness.state().document(), "the copy is the document");
    assert_eq!(meta.document_path.as_deref(), Some(file.as_path()));
    assert!(
        meta.disk.is_some(),
        "the file's stamp travels with the copy"
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    assert!(!harness.state().is_dirty());
    step_until(&mut harness, "saving did not remove the copy", |_| {
        !copy.exists()
    });
    assert_eq!(load_document(&file).unwrap().title, "Edited after opening");
}

#[test]
fn undoing_back_to_the_saved_state_removes_the_copy() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = window(recovery.path(), QUICK);
    edit(&mut harness, "A change");
    let copy = wait_for_autosave(&mut harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert!(!harness.state().is_dirty());
    step_until(&mut harness, "the copy outlived the changes", |_| {
        !copy.exists()
    });
}

#[test]
fn a_copy_left_by_a_crashed_window_is_offered_and_restores_exactly() {
    let recovery = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let file = saved_file(docs.path());
    let lost = {
        let mut crashed = window(recovery.path(), QUICK);
        open(&mut crashed, &file);
        edit(&mut crashed, "Work that must not be lost");
        crashed.state_mut().apply(Command::Edit {
            edit: Edit::SetNotes("Typed for an hour.".to_owned()),
            coalesce: None,
        });
        wait_for_autosave(&mut crashed);
        crashed.state().document().clone()
        // Dropped without closing, like a crash: the copy stays, its lock is released.
    };

    let mut harness = window(recovery.path(), QUICK);
    step_until(&mut harness, "the copy was not offered", |app| {
        app.autosave().offer().is_some()
    });
    harness.run();
    harness.get_by_label("Recover unsaved work?");
    harness.get_by_label(file.to_str().unwrap());
    harness.get_by_label_contains("Work that must not be lost");
    harness.get_by_label_contains("ago)");
    harness.get_by_label("Restore").click();
    harness.run();

    let app = harness.state();
    assert_eq!(
        app.document(),
        &lost,
        "exactly the work of the crashed window"
    );
    assert!(app.is_dirty(), "restored work is unsaved");
    assert_eq!(app.origin(), &Origin::File(file.clone()));
    assert!(app.autosave().offer().is_none());
    // The copy is now this window's own: one copy, one lock, nothing offered again.
    let own = app.autosave().copy_path().unwrap();
    assert_eq!(read_recovery(&own).unwrap().1, lost);
    assert_eq!(
        files_in(recovery.path()).len(),
        2,
        "{:?}",
        files_in(recovery.path())
    );

    // Saving the restored work puts it in its file and retires the copy.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    assert_eq!(load_document(&file).unwrap(), lost);
    step_until(&mut harness, "the copy outlived the save", |_| {
        !own.exists()
    });
}

#[test]
fn restoring_over_unsaved_work_asks_first() {
    let recovery = tempfile::tempdir().unwrap();
    {
        let mut crashed = window(recovery.path(), QUICK);
        edit(&mut crashed, "From the crash");
        wait_for_autosave(&mut crashed);
    }
    // A window with its own unsaved work and a slow autosave.
    let mut harness = window(recovery.path(), AutosavePolicy::default());
    edit(&mut harness, "Mine");
    step_until(&mut harness, "the copy was not offered", |app| {
        app.autosave().offer().is_some()
    });
    harness.run();
    harness.get_by_label("Restore").click();
    harness.run();
    harness.get_by_label_contains("Save them before restoring the recovered work?");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(harness.state().document().title, "Mine");
    harness.get_by_label("Restore").click();
    harness.run();
    harness.get_by_label("Don't Save").click();
    harness.run();
    assert_eq!(harness.state().document().title, "From the crash");
    assert_eq!(harness.state().origin(), &Origin::Untitled);
}

#[test]
fn discard_deletes_the_copy_and_decide_later_keeps_it() {
    let recovery = tempfile::tempdir().unwrap();
    for title in ["first", "second"] {
        let mut crashed = window(recovery.path(), QUICK);
        edit(&mut crashed, title);
        wait_for_autosave(&mut crashed);
    }
    let copies = |dir: &Path| {
        files_in(dir)
            .into_iter()
            .filter(|n| n.ends_with(".recovery.ron"))
            .count()
    };
    assert_eq!(copies(recovery.path()), 2);

    {
        let mut harness = window(recovery.path(), QUICK);
        step_until(&mut harness, "the copies were not offered", |app| {
            app.autosave().offer().is_some()
        });
        harness.run();
        harness.get_by_label_contains("first");
        harness.get_by_label("Discard").click();
        harness.run();
        // The next copy follows; Escape decides later, never deletes.
        harness.get_by_label_contains("second");
        harness.key_press(egui::Key::Escape);
        harness.run();
        assert!(harness.state().autosave().offer().is_none());
        assert_eq!(harness.state().document(), &Document::new());
    }
    assert_eq!(
        copies(recovery.path()),
        1,
        "only the discarded copy is gone"
    );
    let mut harness = window(recovery.path(), QUICK);
    step_until(&mut harness, "the kept copy was not offered again", |app| {
        app.autosave().offer().is_some()
    });
    harness.run();
    harness.get_by_label_contains("second");
}

#[test]
fn two_windows_keep_separate_copies() {
    let recovery = tempfile::tempdir().unwrap();
    let mut one = window(recovery.path(), QUICK);
    let mut two = window(recovery.path(), QUICK);
    edit(&mut one, "Window one");
    edit(&mut two, "Window two");
    let a = wait_for_autosave(&mut one);
    let b = wait_for_autosave(&mut two);
    assert_ne!(a, b);
    assert_eq!(read_recovery(&a).unwrap().1.title, "Window one");
    assert_eq!(read_recovery(&b).unwrap().1.title, "Window two");
    // A live window's copy is never offered to another one.
    let three = window(recovery.path(), QUICK);
    std::thread::sleep(Duration::from_millis(200));
    let mut three = three;
    three.run();
    assert!(three.state().autosave().offer().is_none());
}

#[test]
fn edits_without_a_pause_are_still_copied_every_interval() {
    let recovery = tempfile::tempdir().unwrap();
    let policy = AutosavePolicy {
        quiet: Duration::from_secs(60),
        interval: Duration::from_millis(300),
    };
    let mut harness = window(recovery.path(), policy);
    let start = Instant::now();
    let mut n = 0;
    // An edit every 20 ms: the edits never pause for `quiet`.
    while start.elapsed() < Duration::from_millis(1500) {
        n += 1;
        edit(&mut harness, &format!("edit {n}"));
        std::thread::sleep(Duration::from_millis(20));
    }
    let writes = harness.state().autosave().writes();
    assert!(
        (2..=8).contains(&writes),
        "{writes} copies in 1.5 s of edits at a 300 ms interval"
    );
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first() {
    let recovery = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let file = saved_file(docs.path());
    let mut harness = window(recovery.path(), QUICK);
    open(&mut harness, &file);
    edit(&mut harness, "My version");

    // Another program writes the file meanwhile.
    let mut theirs = bundled_document();
    theirs.title = "Their version".to_owned();
    save_document(&file, &theirs).unwrap();

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("The file changed on disk");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(load_document(&file).unwrap().title, "Their version");
    assert!(harness.state().is_dirty(), "nothing was lost or saved");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Overwrite").click();
    wait_for_jobs(&mut harness);
    assert!(!harness.state().is_dirty());
    assert_eq!(load_document(&file).unwrap().title, "My version");
    let bak = trade_explorer::io::backup_path(&file);
    assert_eq!(
        load_document(&bak).unwrap().title,
        "Their version",
        "their version is kept as the backup"
    );

    // After our own save, saving again does not ask.
    edit(&mut harness, "My version, again");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert_eq!(load_document(&file).unwrap().title, "My version, again");
}

#[test]
fn reload_takes_the_version_on_disk_and_a_touched_file_does_not_ask() {
    let recovery = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let file = saved_file(docs.path());
    let mut harness = window(recovery.path(), QUICK);
    open(&mut harness, &file);

    // Touched (same bytes, new time): not a change.
    let bytes = std::fs::read(&file).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&file, &bytes).unwrap();
    edit(&mut harness, "Mine");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert!(!harness.state().is_dirty());

    let mut theirs = bundled_document();
    theirs.title = "Theirs".to_owned();
    save_document(&file, &theirs).unwrap();
    edit(&mut harness, "Mine again");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Reload").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document().title, "Theirs");
    assert!(!harness.state().is_dirty());
}

#[test]
fn save_as_from_the_conflict_keeps_both_versions() {
    let recovery = tempfile::tempdir().unwrap();
    let docs = tempfile::tempdir().unwrap();
    let file = saved_file(docs.path());
    let mut harness = window(recovery.path(), QUICK);
    open(&mut harness, &file);
    edit(&mut harness, "Mine");
    let mut theirs = bundled_document();
    theirs.title = "Theirs".to_owned();
    save_document(&file, &theirs).unwrap();

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    wait_for_jobs(&mut harness);
    harness.get_by_label("Save As…").click();
    harness.run();
    let mine = docs.path().join("mine.ron");
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(mine.to_str().unwrap());
    harness.run();
    harness.get_by_label("Save").click();
    wait_for_jobs(&mut harness);
    assert_eq!(load_document(&mine).unwrap().title, "Mine");
    assert_eq!(load_document(&file).unwrap().title, "Theirs");
    assert_eq!(harness.state().origin(), &Origin::File(mine));
    assert!(!harness.state().is_dirty());
}

#[test]
fn a_recovery_folder_that_cannot_be_used_is_reported_and_nothing_else_breaks() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = dir.path().join("recovery");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let mut harness = window(&blocked, QUICK);
    assert!(!harness.state().autosave().enabled());
    edit(&mut harness, "Still editable");
    harness.run();
    let status = harness.get_by_label("Autosave off");
    status.hover();
    harness.run();
    harness.get_by_label_contains("Autosave is off");
    assert_eq!(harness.state().document().title, "Still editable");
    assert_eq!(std::fs::read(&blocked).unwrap(), b"not a folder");
}

#[test]
fn a_failed_autosave_is_shown_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("recovery");
    let mut harness = window(&folder, QUICK);
    assert!(harness.state().autosave().enabled());
    std::fs::remove_dir_all(&folder).unwrap();
    edit(&mut harness, "Unprotected for a moment");
    step_until(&mut harness, "the failure was not noticed", |app| {
        app.autosave().error().is_some()
    });
    harness.run();
    harness.get_by_label("Autosave failed");
    // The folder comes back (a remounted disk, say): the next attempt succeeds.
    std::fs::create_dir_all(&folder).unwrap();
    let copy = wait_for_autosave(&mut harness);
    assert_eq!(
        read_recovery(&copy).unwrap().1.title,
        "Unprotected for a moment"
    );
    harness.run();
    assert!(harness.query_by_label("Autosave failed").is_none());
    // The live copy is not mistaken for an orphan by another window.
    let mut other = window(&folder, QUICK);
    std::thread::sleep(Duration::from_millis(100));
    other.run();
    assert!(other.state().autosave().offer().is_none());
}

#[test]
fn typing_merged_into_one_undo_step_is_still_copied_keystroke_by_keystroke() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = window(recovery.path(), QUICK);
    for title in ["T", "Ty", "Typ"] {
        harness.state_mut().apply(Command::Edit {
            edit: Edit::SetTitle(title.to_owned()),
            coalesce: Some(("title", 1)),
        });
        harness.run();
        let copy = wait_for_autosave(&mut harness);
        assert_eq!(read_recovery(&copy).unwrap().1.title, title);
    }
    // One undo step for the three keystrokes.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert!(harness.state().document().title.is_empty());
}
