//! The problems panel: validation problems of the document.

use eframe::egui;

use super::AppView;
use crate::model::{Severity, format};

/// Draws the problems panel.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>) {
    let derived = view.derived;
    ui.horizontal(|ui| {
        ui.heading("Problems");
        ui.label(format!(
            "{}, {}",
            format::count(derived.errors, "error"),
            format::count(derived.warnings, "warning")
        ));
    });
    if derived.problems.is_empty() {
        ui.label("No problems: every record is valid and cites a source.");
        return;
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .id_salt("problems_scroll")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, derived.problems.len(), |ui, range| {
            for problem in &derived.problems[range] {
                let colour = match problem.severity {
                    Severity::Error => ui.visuals().error_fg_color,
                    Severity::Warning => ui.visuals().warn_fg_color,
                };
                ui.colored_label(colour, problem.to_string());
            }
        });
}
