//! The bar under the toolbar that says another program changed the open document, and
//! offers to load its new version.

use eframe::egui;

use crate::state::{AppView, Command, UiState};

/// Draws the bar when `state.file_changed` is set.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let Some(changed) = &state.file_changed else {
        return;
    };
    let name = view.document_name.as_str();
    let mut dismiss = false;
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("{name} was changed by another program."),
        );
        if changed.unsaved {
            ui.label("Your unsaved changes are kept; saving will ask before replacing the other version.");
            if ui
                .button("Reload and drop my changes")
                .on_hover_text("Load the version on disk; the changes made here are lost")
                .clicked()
            {
                commands.push(Command::ReloadChanged);
            }
        } else {
            if ui
                .button("Reload")
                .on_hover_text("Load the version on disk")
                .clicked()
            {
                commands.push(Command::ReloadChanged);
            }
            if ui
                .button("Always reload")
                .on_hover_text(
                    "Reload now, and from now on whenever another program changes the open file \
                     while nothing is unsaved (File menu to turn off)",
                )
                .clicked()
            {
                commands.push(Command::SetAutoReload(true));
                commands.push(Command::ReloadChanged);
            }
        }
        if ui
            .button("Dismiss")
            .on_hover_text("Keep what is shown; the file on disk stays as the other program left it")
            .clicked()
        {
            dismiss = true;
        }
    });
    if dismiss {
        state.file_changed = None;
    }
}
