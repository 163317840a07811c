//! The status bar: file path, unsaved marker, record counts, background work.

use eframe::egui;

use super::AppView;
use crate::app::{Origin, UiState};

/// Draws the status bar.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, state: &UiState) {
    ui.horizontal(|ui| {
        let location = match view.origin {
            Origin::File(path) => path.display().to_string(),
            Origin::Bundled => format!("{} (bundled dataset, not saved yet)", view.document_name),
            Origin::Untitled => "New document, not saved yet".to_owned(),
        };
        ui.label(location)
            .on_hover_text("Where the document is saved");
        if view.dirty {
            ui.separator();
            ui.colored_label(ui.visuals().warn_fg_color, "Unsaved changes");
        }
        ui.separator();
        let summary = &view.derived.summary;
        ui.label(summary.counts_line()).on_hover_text(format!(
            "{} countries, years {}",
            summary.country_codes.len(),
            summary.year_range()
        ));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(busy) = view.busy {
                ui.label(busy);
                ui.spinner();
            } else if let Some((toast, _)) = &state.toast {
                ui.label(toast);
            }
        });
    });
}
