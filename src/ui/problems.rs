//! Validation problems: as a panel under the views and as the Problems view.

use eframe::egui;

use crate::model::{RecordKind, Severity, format};
use crate::state::AppView;
use crate::state::Command;

/// Draws the list of problems; clicking one opens its record in the Tables view.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let explore = view.explore;
    ui.horizontal(|ui| {
        ui.heading("Problems");
        ui.label(format!(
            "{}, {}",
            format::count(explore.errors, "error"),
            format::count(explore.warnings, "warning")
        ));
    });
    if explore.problems.is_empty() {
        ui.label("No problems: every record is valid and cites a source.");
        return;
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .id_salt("problems_scroll")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, explore.problems.len(), |ui, range| {
            for problem in &explore.problems[range] {
                let colour = match problem.severity {
                    Severity::Error => ui.visuals().error_fg_color,
                    Severity::Warning => ui.visuals().warn_fg_color,
                };
                let response = ui
                    .add(
                        egui::Label::new(egui::RichText::new(problem.to_string()).color(colour))
                            .sense(egui::Sense::click()),
                    )
                    .on_hover_text("Click to open the record in the Tables view");
                if response.clicked() && problem.record.kind != RecordKind::Document {
                    commands.push(Command::RevealInTable(
                        problem.record.clone(),
                        Some(problem.field),
                    ));
                }
            }
        });
}
