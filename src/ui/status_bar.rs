//! The status bar: file path, unsaved marker, record counts, background work.

use eframe::egui;

use crate::model::format;
use crate::state::AppView;
use crate::state::{Command, DatasetStatus, Origin, UiState, View};

/// Draws the status bar.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, state: &UiState, commands: &mut Vec<Command>) {
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
            ui.colored_label(ui.visuals().warn_fg_color, "Unsaved changes")
                .on_hover_text(
                    "A recovery copy is kept while changes are unsaved: after a crash, the next \
                     start offers to restore it.",
                );
        }
        if let Some(error) = view.autosave_error {
            ui.separator();
            let label = if view.autosave_enabled {
                "Autosave failed"
            } else {
                "Autosave off"
            };
            ui.colored_label(ui.visuals().error_fg_color, label)
                .on_hover_text(error);
        }
        ui.separator();
        if let Some(summary) = &view.explore.summary {
            ui.label(summary.counts_line()).on_hover_text(format!(
                "{} countries, years {}",
                summary.country_codes.len(),
                summary.year_range()
            ));
        }
        ui.separator();
        let problems = if view.explore.problems.is_empty() {
            "No problems".to_owned()
        } else {
            format!(
                "{}, {}",
                format::count(view.explore.errors, "error"),
                format::count(view.explore.warnings, "warning")
            )
        };
        if ui
            .link(problems)
            .on_hover_text("Show the Problems view (Ctrl+8)")
            .clicked()
        {
            commands.push(Command::ShowView(View::Problems));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(busy) = view.busy {
                ui.label(busy);
                ui.spinner();
            } else if let Some((toast, _)) = &state.toast {
                ui.label(toast);
            }
            datasets_state(ui, view);
        });
    });
}

/// Linked datasets being read, failed, or summed.
fn datasets_state(ui: &mut egui::Ui, view: &AppView<'_>) {
    for entry in view.datasets.entries() {
        match &entry.status {
            DatasetStatus::Loading(progress) => {
                ui.separator();
                let done = progress.map_or(0.0, |p| p.fraction());
                ui.add(
                    egui::ProgressBar::new(done)
                        .desired_width(120.0)
                        .show_percentage(),
                );
                ui.label(format!("Reading dataset {}", entry.name));
            }
            DatasetStatus::Failed(why) => {
                ui.separator();
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Dataset {} unavailable", entry.name),
                )
                .on_hover_text(why.as_str());
            }
            DatasetStatus::Ready(_) if entry.changed_since_link => {
                ui.separator();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("Dataset {} changed since it was linked", entry.name),
                )
                .on_hover_text(
                    "The file's content differs from when it was linked; the figures shown come from the file as it is now.",
                );
            }
            DatasetStatus::Ready(_) => {}
        }
    }
    if view.datasets.working()
        && view
            .datasets
            .entries()
            .iter()
            .all(|e| matches!(e.status, DatasetStatus::Ready(_)))
    {
        ui.separator();
        ui.spinner();
        ui.label("Summing datasets…");
    }
    if view.preparing {
        ui.separator();
        ui.spinner();
        ui.label("Updating…").on_hover_text(
            "The figures, charts, problems and table of this large document are being brought up to date with the last change",
        );
    }
}
