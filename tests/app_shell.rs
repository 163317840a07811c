//! The app shell driven through its UI with egui_kittest, as a user would.

mod common;

use std::path::Path;

use common::wait_for_jobs;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trade_explorer::app::Origin;
use trade_explorer::{Document, TradeApp, bundled_document, load_document};

fn harness_with(doc: Document) -> Harness<'static, TradeApp> {
    Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| TradeApp::with_document(cc, doc))
}

fn harness() -> Harness<'static, TradeApp> {
    harness_with(bundled_document())
}

fn command_key(harness: &Harness<'_, TradeApp>, key: egui::Key) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, key);
}

fn type_into(harness: &mut Harness<'_, TradeApp>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

#[test]
fn window_shows_the_dataset_title_and_the_trade_total() {
    let harness = harness();
    let title = "Pakistan: trade partners, investments and EV policy";
    assert!(
        !harness
            .get_all_by_label(title)
            .collect::<Vec<_>>()
            .is_empty(),
        "the title is shown"
    );
    harness.get_by_label("$53.7M");
    harness.get_by_label("Total trade in 2024 (1 partner with a 2024 total)");
    assert_eq!(
        harness.state().window_title(),
        "Trade Explorer — Untitled.ron"
    );
}

#[test]
fn editing_the_title_marks_unsaved_and_undo_restores_it() {
    let mut harness = harness();
    let original = harness.state().document().title.clone();
    assert!(!harness.state().is_dirty());

    type_into(&mut harness, "Title", " (draft)");
    assert_eq!(
        harness.state().document().title,
        format!("{original} (draft)")
    );
    assert!(harness.state().is_dirty());
    assert!(harness.state().window_title().contains("*Untitled.ron"));
    harness.get_by_label("Unsaved changes");

    // All the keystrokes of one visit to the field are one undo step.
    command_key(&harness, egui::Key::Z);
    harness.run();
    assert_eq!(harness.state().document().title, original);
    assert!(!harness.state().is_dirty(), "back at the state of the file");

    // Ctrl+Shift+Z and Ctrl+Y redo.
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run();
    assert_eq!(
        harness.state().document().title,
        format!("{original} (draft)")
    );
    command_key(&harness, egui::Key::Z);
    harness.run();
    command_key(&harness, egui::Key::Y);
    harness.run();
    assert!(harness.state().document().title.ends_with("(draft)"));
}

#[test]
fn new_asks_about_unsaved_changes() {
    let mut harness = harness();
    // Without changes, New needs no question.
    type_into(&mut harness, "Notes", " More.");
    assert!(harness.state().is_dirty());

    command_key(&harness, egui::Key::N);
    harness.run();
    harness.get_by_label_contains("has unsaved changes. Save them before starting a new document?");
    harness.get_by_label("Save");
    harness.get_by_label("Don't Save");

    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("Don't Save").is_none());
    assert!(harness.state().document().notes.ends_with("More."));

    command_key(&harness, egui::Key::N);
    harness.run();
    harness.get_by_label("Don't Save").click();
    harness.run();
    assert_eq!(harness.state().document(), &Document::new());
    assert!(!harness.state().is_dirty());
    harness.get_by_label("Untitled document");
}

#[test]
fn new_without_changes_does_not_ask() {
    let mut harness = harness();
    command_key(&harness, egui::Key::N);
    harness.run();
    assert!(harness.query_by_label("Don't Save").is_none());
    assert_eq!(harness.state().document(), &Document::new());
}

/// Ctrl+Shift+S, the path typed over the suggestion, Save, and the save's end awaited.
fn save_as_typed(harness: &mut Harness<'static, TradeApp>, path: &Path) {
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::S,
    );
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Save").click();
    wait_for_jobs(harness);
}

#[test]
fn save_as_through_a_typed_path_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    let mut harness = harness();
    type_into(&mut harness, "Title", "!");

    // The path field starts with a suggestion; replace it.
    save_as_typed(&mut harness, &target);

    let saved = target.with_extension("ron");
    assert_eq!(load_document(&saved).unwrap(), *harness.state().document());
    assert!(!harness.state().is_dirty());
    assert_eq!(harness.state().origin(), &Origin::File(saved.clone()));
    assert_eq!(harness.state().window_title(), "Trade Explorer — mine.ron");
    assert!(
        harness.state().document().title.ends_with('!'),
        "the edit was saved"
    );
}

#[test]
fn opening_a_broken_file_keeps_the_document_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(format_version: 1, title: ").unwrap();
    let mut harness = harness();
    let before = harness.state().document().clone();

    command_key(&harness, egui::Key::O);
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(broken.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    wait_for_jobs(&mut harness);

    harness.get_by_label("Could not open the file");
    harness.get_by_label_contains("broken.ron:1:");
    harness.get_by_label_contains("The current document is unchanged.");
    assert_eq!(harness.state().document(), &before);
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.query_by_label("Could not open the file").is_none());
}

#[test]
fn opening_a_file_replaces_the_document() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/pakistan-partners.ron");
    let mut harness = harness_with(Document::new());
    command_key(&harness, egui::Key::O);
    harness.run();
    harness
        .get_by_label("File path")
        .set_text_value_accesskit(path.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document(), &bundled_document());
    assert_eq!(
        harness.state().window_title(),
        "Trade Explorer — pakistan-partners.ron"
    );
    harness.get_by_label("$53.7M");
}

#[test]
fn problems_are_listed_in_their_panel() {
    let mut doc = bundled_document();
    doc.trade[0].partner = "ZZZ".into();
    let harness = harness_with(doc);
    assert_eq!(
        harness.get_all_by_label("1 error, 0 warnings").count(),
        2,
        "panel and status bar"
    );
    harness.get_by_label_contains("unknown country code 'ZZZ'");
}

#[test]
fn quit_and_revert_ask_about_unsaved_changes() {
    let mut harness = harness();
    type_into(&mut harness, "Title", "?");
    command_key(&harness, egui::Key::Q);
    harness.run();
    harness.get_by_label_contains("Save them before quitting?");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.state().is_dirty(), "cancel keeps the changes");

    // Revert is in the File menu.
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Revert").click();
    harness.run();
    harness.get_by_label_contains("Save them before reverting to the saved file?");
    harness.get_by_label("Don't Save").click();
    harness.run();
    // A document from `with_document` has no file to go back to: Revert empties it.
    assert_eq!(harness.state().document(), &Document::new());
    assert!(!harness.state().is_dirty());
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_ron_file_opens_it_and_other_files_are_imported() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/pakistan-partners.ron");
    let mut harness = harness_with(Document::new());
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().document(), &bundled_document());

    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other)));
    // Anything else is imported as trade data; Cargo.toml is not a table.
    wait_for_jobs(&mut harness);
    harness.get_by_label("Could not import the file");
    assert_eq!(harness.state().document(), &bundled_document());
}

/// The typed-path dialog: the prefilled folder is selected, so an absolute path typed
/// over it is taken as typed (it used to become `…/saves//tmp/…`); Tab completes a name.
#[test]
fn typing_a_path_replaces_the_prefilled_folder_and_tab_completes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kazakhstan-2024.ron");
    trade_explorer::save_document(&file, &bundled_document()).unwrap();
    let mut harness = harness_with(Document::new());
    command_key(&harness, egui::Key::O);
    harness.run();
    harness.run();
    // Type the folder and the start of the name, as keys, over the selected prefill.
    harness
        .get_by_label("File path")
        .type_text(&format!("{}/kaz", dir.path().display()));
    harness.run();
    harness.key_press(egui::Key::Tab);
    harness.run();
    let prompt_text = harness
        .get_by_label("File path")
        .value()
        .unwrap_or_default();
    assert_eq!(prompt_text, file.display().to_string());
    harness.key_press(egui::Key::Enter);
    wait_for_jobs(&mut harness);
    assert_eq!(harness.state().origin(), &Origin::File(file));
    assert_eq!(harness.state().document(), &bundled_document());
}

/// Save As into a missing folder does not answer "choose Save As"; a plain Save of a
/// document whose folder was deleted does, once. /proc is named as a system folder.
#[test]
fn save_errors_suggest_save_as_only_when_it_helps() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    let message = |harness: &mut Harness<'static, TradeApp>| {
        let text = harness
            .state()
            .ui_state()
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        harness.key_press(egui::Key::Enter);
        harness.run();
        text
    };
    for (target, must, must_not) in [
        (dir.path().join("gone/x.ron"), "does not exist", "Save As"),
        (
            Path::new("/proc/x.ron").to_path_buf(),
            "system folder",
            "Save As",
        ),
    ] {
        save_as_typed(&mut harness, &target);
        let text = message(&mut harness);
        assert!(text.contains(must), "{text}");
        assert!(!text.contains(must_not), "{text}");
    }
    // Saved once, then its folder disappears: Ctrl+S suggests Save As.
    let folder = dir.path().join("work");
    std::fs::create_dir(&folder).unwrap();
    save_as_typed(&mut harness, &folder.join("doc.ron"));
    assert!(!harness.state().is_dirty(), "saved");
    std::fs::remove_dir_all(&folder).unwrap();
    type_into(&mut harness, "Title", "!");
    command_key(&harness, egui::Key::S);
    wait_for_jobs(&mut harness);
    let text = message(&mut harness);
    assert!(text.contains("does not exist"), "{text}");
    assert!(text.contains("Save As"), "{text}");
}
