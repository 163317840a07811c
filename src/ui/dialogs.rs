//! Modal dialogs: unsaved changes, messages, typed paths, About, and work in progress.

use eframe::egui;

use crate::io::bundled_document;
use crate::model::hs;
use crate::state::AppView;
use crate::state::{
    ChangedChoice, ChangedOnDisk, Command, ConfirmChoice, ParquetExport, PathPurpose,
    RecoveryChoice, RecoveryDescription, UiState,
};

/// Draws whichever dialogs are open. The message goes on top, as it reports on the others.
pub fn show(
    ctx: &egui::Context,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    if let Some(offer) = view.recovery {
        recovery_offer(ctx, offer, commands);
    }
    if let Some(changed) = &state.changed_on_disk {
        changed_on_disk(ctx, changed, commands);
    }
    if let Some(action) = &state.confirm {
        unsaved_changes(ctx, view, action.clone(), commands);
    }
    if state.prompt.is_some() {
        path_prompt(ctx, state, commands);
    }
    if state.about {
        about(ctx, state);
    }
    if let Some(pending) = &state.pending_delete {
        let response = egui::Modal::new(egui::Id::unique("delete_sources_modal")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Delete cited sources?");
            ui.add_space(4.0);
            ui.label(&pending.question);
            ui.add_space(8.0);
            let mut answer = None;
            ui.horizontal(|ui| {
                if ui.button("Delete").clicked() {
                    answer = Some(true);
                }
                if answer_button(ui, "Keep them", true).clicked() {
                    answer = Some(false);
                }
            });
            answer
        });
        let enter = enter_pressed(ctx, &response);
        match response.inner {
            Some(answer) => commands.push(Command::ConfirmDelete(answer)),
            None if enter || response.should_close() => {
                commands.push(Command::ConfirmDelete(false));
            }
            None => {}
        }
    }
    super::import_dialog::show(ctx, state, commands);
    if let Some(busy) = view.busy {
        egui::Modal::new(egui::Id::unique("busy_modal")).show(ctx, |ui| {
            ui.horizontal(|ui| {
                super::busy::spinner(ui);
                ui.label(busy);
            });
        });
    }
    if let Some(message) = &state.message {
        let response = egui::Modal::new(egui::Id::unique("message_modal")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading(&message.title);
            ui.add_space(4.0);
            ui.label(&message.text);
            ui.add_space(8.0);
            answer_button(ui, "OK", true).clicked()
        });
        if response.inner || enter_pressed(ctx, &response) || response.should_close() {
            state.message = None;
        }
    }
}

/// One button of a question: its label, what it does (hover text, may be empty), the
/// answer it gives, and whether it can be clicked.
pub(super) struct Choice<'a, T> {
    label: &'a str,
    hover: &'a str,
    value: T,
    enabled: bool,
    /// The answer Enter gives; drawn highlighted.
    default: bool,
}

impl<'a, T> Choice<'a, T> {
    pub(super) fn new(label: &'a str, hover: &'a str, value: T) -> Self {
        Self {
            label,
            hover,
            value,
            enabled: true,
            default: false,
        }
    }

    /// The answer Enter gives.
    pub(super) fn default(label: &'a str, hover: &'a str, value: T) -> Self {
        Self {
            default: true,
            ..Self::new(label, hover, value)
        }
    }
}

/// A button, highlighted when it is the one Enter presses.
pub(super) fn answer_button(ui: &mut egui::Ui, label: &str, default: bool) -> egui::Response {
    if default {
        let button = egui::Button::new(egui::RichText::new(label).strong())
            .fill(ui.visuals().selection.bg_fill);
        ui.add(button).on_hover_text("Enter")
    } else {
        ui.button(label)
    }
}

/// Enter pressed while this modal is on top (consumed, so it answers once).
pub(super) fn enter_pressed<T>(ctx: &egui::Context, response: &egui::ModalResponse<T>) -> bool {
    response.is_top_modal
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter))
}

/// A row of answer buttons; the answer clicked, if any.
pub(super) fn choices<T: Copy>(ui: &mut egui::Ui, buttons: &[Choice<'_, T>]) -> Option<T> {
    let mut answer = None;
    ui.horizontal(|ui| {
        for button in buttons {
            let mut response = ui
                .add_enabled_ui(button.enabled, |ui| {
                    answer_button(ui, button.label, button.default)
                })
                .inner;
            if !button.hover.is_empty() {
                response = response.on_hover_text(button.hover);
            }
            if response.clicked() {
                answer = Some(button.value);
            }
        }
    });
    answer
}

/// The answer of a question modal: the button clicked, else `on_escape` when Escape is
/// pressed while the modal is on top. Clicking outside answers nothing: a question that
/// guards the user's work must be answered on purpose.
pub(super) fn modal_answer<T: Copy>(
    ctx: &egui::Context,
    response: egui::ModalResponse<Option<T>>,
    on_escape: T,
    buttons: &[Choice<'_, T>],
) -> Option<T> {
    // Enter answers with the button marked as the default, when it can be clicked.
    let on_enter = buttons
        .iter()
        .find(|b| b.default && b.enabled)
        .map(|b| b.value);
    let enter = on_enter.is_some() && enter_pressed(ctx, &response);
    let escape = response.is_top_modal
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
    match response.inner {
        Some(answer) => Some(answer),
        None if enter => on_enter,
        None if escape => Some(on_escape),
        None => None,
    }
}

fn recovery_offer(ctx: &egui::Context, offer: &RecoveryDescription, commands: &mut Vec<Command>) {
    let buttons = [
        Choice {
            enabled: offer.readable,
            default: offer.readable,
            ..Choice::new(
                "Restore",
                "Open the recovered work in this window, with its changes unsaved",
                RecoveryChoice::Restore,
            )
        },
        Choice::new(
            "Discard",
            "Delete the copy for good",
            RecoveryChoice::Discard,
        ),
        Choice::new(
            "Decide Later",
            "Keep the copy and ask again at the next start",
            RecoveryChoice::Later,
        ),
    ];
    let response = egui::Modal::new(egui::Id::unique("recovery_modal")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("Recover unsaved work?");
        ui.add_space(4.0);
        ui.label(
            "Trade Explorer did not close normally last time. A copy of the unsaved work was kept:",
        );
        ui.add_space(4.0);
        egui::Grid::new("recovery_grid")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                ui.strong("Document");
                ui.label(&offer.document);
                ui.end_row();
                if !offer.written.is_empty() {
                    ui.strong("Saved as a copy");
                    ui.label(&offer.written);
                    ui.end_row();
                }
                ui.strong("Contents");
                ui.label(&offer.contents);
                ui.end_row();
            });
        ui.add_space(8.0);
        choices(ui, &buttons)
    });
    // Escape keeps the copy: closing a question must never delete work.
    if let Some(choice) = modal_answer(ctx, response, RecoveryChoice::Later, &buttons) {
        commands.push(Command::Recovery(choice));
    }
}

fn changed_on_disk(ctx: &egui::Context, changed: &ChangedOnDisk, commands: &mut Vec<Command>) {
    let buttons = [
        Choice::new(
            "Overwrite",
            "Save your version; the version on disk is kept as the .bak file",
            ChangedChoice::Overwrite,
        ),
        Choice::default(
            "Save As…",
            "Save your version to another file; the file on disk stays as it is",
            ChangedChoice::SaveAs,
        ),
        Choice::new(
            "Reload",
            "Open the version on disk and drop your unsaved changes",
            ChangedChoice::Reload,
        ),
        Choice::new("Cancel", "", ChangedChoice::Cancel),
    ];
    let response = egui::Modal::new(egui::Id::unique("changed_on_disk_modal")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("The file changed on disk");
        ui.add_space(4.0);
        ui.label(format!(
            "{} was changed by another program (or a sync tool) since you opened or last saved it. \
             Saving now would replace those changes.",
            changed.path.display()
        ));
        ui.add_space(8.0);
        choices(ui, &buttons)
    });
    if let Some(choice) = modal_answer(ctx, response, ChangedChoice::Cancel, &buttons) {
        commands.push(Command::ResolveChanged(choice));
    }
}

fn unsaved_changes(
    ctx: &egui::Context,
    view: &AppView<'_>,
    action: crate::state::Guarded,
    commands: &mut Vec<Command>,
) {
    let buttons = [
        Choice::default("Save", "", ConfirmChoice::Save),
        Choice::new("Don't Save", "Discard the changes", ConfirmChoice::DontSave),
        Choice::new("Cancel", "", ConfirmChoice::Cancel),
    ];
    let response = egui::Modal::new(egui::Id::unique("unsaved_changes_modal")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        ui.heading("Unsaved changes");
        ui.add_space(4.0);
        ui.label(format!(
            "{} has unsaved changes. Save them before {}?",
            view.document_name,
            action.verb()
        ));
        ui.add_space(8.0);
        choices(ui, &buttons)
    });
    if let Some(choice) = modal_answer(ctx, response, ConfirmChoice::Cancel, &buttons) {
        commands.push(Command::Confirm(choice));
    }
}

fn path_prompt(ctx: &egui::Context, state: &mut UiState, commands: &mut Vec<Command>) {
    let Some(prompt) = state.prompt.as_mut() else {
        return;
    };
    let (heading, button) = match prompt.purpose {
        PathPurpose::Open => ("Open a document", "Open"),
        PathPurpose::SaveAs(_) => ("Save the document as", "Save"),
        PathPurpose::SavePng(_) => ("Save the chart as a PNG image", "Save"),
        PathPurpose::Import => ("Import a trade data file or zip archive", "Import"),
        PathPurpose::ImportFolder => ("Import a folder of data files as one dataset", "Import"),
        PathPurpose::ExportCsv => ("Export the table as CSV", "Export"),
        PathPurpose::ExportPotential => ("Export the potential table as CSV", "Export"),
        PathPurpose::ExportParquet(ParquetExport::Rows) => {
            ("Export the dataset's rows as Parquet", "Export")
        }
        PathPurpose::ExportParquet(ParquetExport::PairTotals) => (
            "Export the dataset's pair totals per year as Parquet",
            "Export",
        ),
    };
    let hint = match prompt.purpose {
        PathPurpose::Import => "/path/to/data.csv or release.zip",
        PathPurpose::ImportFolder => "/path/to/BACI_HS92_V202401b/",
        PathPurpose::ExportCsv | PathPurpose::ExportPotential => "/path/to/table.csv",
        PathPurpose::ExportParquet(_) => "/path/to/trade.parquet",
        PathPurpose::SavePng(_) => "/path/to/chart.png",
        _ => "/path/to/document.ron",
    };
    let response = egui::Modal::new(egui::Id::unique("path_prompt_modal")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading(heading);
        if let Some(note) = &prompt.note {
            ui.label(note);
        }
        ui.add_space(4.0);
        let label = ui.label("File path");
        // Tab completes names (taken before the text edit sees it, where it would move
        // the focus away).
        let edit_id = ui.make_persistent_id("path_prompt_text");
        let tab = ui.memory(|m| m.has_focus(edit_id))
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab));
        let completed = tab && prompt.complete();
        let mut output = egui::TextEdit::singleline(&mut prompt.text)
            .id(edit_id)
            .hint_text(hint)
            .desired_width(f32::INFINITY)
            .show(ui);
        let edit = output.response.response.clone().labelled_by(label.id);
        if !edit.has_focus() && !edit.lost_focus() {
            edit.request_focus();
        }
        // The prefilled folder or name is selected, so that typing replaces it; after a
        // completion the caret goes to the end.
        let select = if std::mem::take(&mut prompt.select_all) {
            Some(egui::text::CCursorRange::select_all_str(&prompt.text))
        } else if completed {
            Some(egui::text::CCursorRange::one(egui::text::CCursor::end_of_str(
                &prompt.text,
            )))
        } else {
            None
        };
        if select.is_some() {
            output.state.cursor.set_char_range(select);
            output.state.store(ui.ctx(), edit.id);
        }
        if edit.changed() {
            prompt.exists = prompt.path().is_file();
        }
        ui.weak("Tab completes a name; ~ is your home folder.");
        let replaces = !matches!(
            prompt.purpose,
            PathPurpose::Open | PathPurpose::Import | PathPurpose::ImportFolder
        );
        if prompt.exists && replaces {
            let exports = matches!(
                prompt.purpose,
                PathPurpose::ExportCsv | PathPurpose::ExportPotential | PathPurpose::ExportParquet(_)
            );
            let text = if exports {
                "A file with this name exists and will be replaced."
            } else {
                "A file with this name exists and will be replaced; its previous version is kept as .bak."
            };
            ui.colored_label(ui.visuals().warn_fg_color, text);
        }
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(8.0);
        let mut submit = entered;
        let mut cancel = false;
        ui.horizontal(|ui| {
            submit |= ui
                .add_enabled_ui(!prompt.text.trim().is_empty(), |ui| {
                    answer_button(ui, button, true)
                })
                .inner
                .clicked();
            cancel = ui.button("Cancel").clicked();
        });
        (submit, cancel)
    });
    let (submit, cancel) = response.inner;
    if submit {
        commands.push(Command::SubmitPathPrompt);
    } else if cancel || response.should_close() {
        state.prompt = None;
    }
}

fn about(ctx: &egui::Context, state: &mut UiState) {
    let response = egui::Modal::new(egui::Id::unique("about_modal")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Trade Explorer");
        ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
        ui.label("Explore trade relationships between countries: partners, trade volumes, investments and agreements, and policy targets, each figure traceable to its source.");
        ui.add_space(8.0);
        ui.strong("Data sources of the bundled dataset");
        for source in bundled_document().sources {
            ui.horizontal_wrapped(|ui| {
                if source.url.is_empty() {
                    ui.label(format!("{}, {}", source.title, source.publisher));
                } else {
                    ui.hyperlink_to(format!("{}, {}", source.title, source.publisher), &source.url);
                }
            });
        }
        ui.add_space(4.0);
        ui.strong("Reference data");
        ui.label(hs::CHAPTERS_SOURCE);
        ui.label(crate::model::geo::SOURCE);
        ui.label("Country codes and names: ISO 3166-1, from the rust_iso3166 crate.");
        ui.add_space(8.0);
        ui.button("Close").clicked()
    });
    if response.inner || response.should_close() {
        state.about = false;
    }
}

/// While files are dragged over the window, says what dropping them does.
pub fn drop_hint(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_hint"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop a .ron document to open it, or a data file (CSV, BACI, Comtrade) to import it",
        egui::FontId::proportional(24.0),
        egui::Color32::WHITE,
    );
}
