//! The status bar: file path, unsaved marker, record counts, background work.

use eframe::egui;

use crate::model::format;
use crate::state::AppView;
use crate::state::{Command, DatasetStatus, Origin, UiState, View};

/// Draws the status bar.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, state: &UiState, commands: &mut Vec<Command>) {
    // The right-hand segments (work in progress, datasets) first, then the others in the
    // width left, each shortened with "…" (whole text on hover) so that none overlaps.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if let Some(busy) = view.busy {
            segment(ui, busy, 320.0);
            super::busy::spinner(ui);
        } else if let Some((toast, _)) = &state.toast {
            segment(ui, toast, 240.0);
        }
        datasets_state(ui, view, commands);
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
            left_segments(ui, view, commands);
        });
    });
}

/// A label (plain or coloured) no wider than `max` (and the room left), shortened with
/// "…"; egui shows the whole text on hover.
fn segment(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>, max: f32) -> egui::Response {
    ui.scope(|ui| {
        ui.set_max_width(max.min(ui.available_width()));
        ui.add(egui::Label::new(text).truncate())
    })
    .inner
}

/// Where the document is, unsaved marker, autosave, record counts, problems.
fn left_segments(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    {
        let room = ui.available_width();
        let location = match view.origin {
            Origin::File(path) => path.display().to_string(),
            Origin::Bundled => format!("{} (bundled dataset, not saved yet)", view.document_name),
            Origin::Untitled => "New document, not saved yet".to_owned(),
        };
        segment(ui, &location, room * 0.35)
            .on_hover_text(format!("Where the document is saved: {location}"));
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
            let counts = summary.counts_line();
            // What is left, less room for the problems link after it.
            let max = (ui.available_width() - 150.0).max(40.0);
            segment(ui, &counts, max).on_hover_text(format!(
                "{counts}; {} countries, years {}",
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
    }
}

/// Linked datasets being read, failed, or summed.
fn datasets_state(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    for (index, entry) in view.datasets.entries().iter().enumerate() {
        match &entry.status {
            DatasetStatus::Loading(progress) => {
                ui.separator();
                let done = progress.map_or(0.0, |p| p.fraction());
                ui.add(
                    egui::ProgressBar::new(done)
                        .desired_width(120.0)
                        .show_percentage(),
                );
                segment(ui, format!("Reading dataset {}", entry.name), 260.0);
                // Reports arrive without asking for a frame: this is the bar's clock.
                ui.ctx().request_repaint_after(super::busy::PROGRESS_STEP);
            }
            DatasetStatus::Failed(why) => {
                ui.separator();
                let text = format!("Dataset {} unavailable", entry.name);
                segment(
                    ui,
                    egui::RichText::new(&text).color(ui.visuals().error_fg_color),
                    260.0,
                )
                .on_hover_text(format!("{text}: {why}"));
            }
            DatasetStatus::TooBig(short) => {
                ui.separator();
                // Right to left: the button, then the words to its left.
                let read = ui.small_button("Read anyway").on_hover_text(
                    "Read it although it may not fit: the computer may slow down while it \
                         swaps, or the system may stop Trade Explorer. Save your work first.",
                );
                if read.clicked() {
                    commands.push(Command::ReadDatasetAnyway(index));
                }
                let text = format!("Dataset {} not read: may not fit in memory", entry.name);
                segment(
                    ui,
                    egui::RichText::new(&text).color(ui.visuals().warn_fg_color),
                    320.0,
                )
                .on_hover_text(format!(
                    "{text}. It holds about {} rows, which take about {} of memory; {} is \
                     free now. Its cache is gone or out of date, so it would be read again \
                     from the file. Close other programs and use Read anyway, or link fewer \
                     files (some years of a release).",
                    format::rounded_count(short.rows),
                    format::bytes(short.needed),
                    format::bytes(short.available),
                ));
            }
            DatasetStatus::Ready(_) if entry.reading_rows() => {
                ui.separator();
                let done = entry.rows_progress.map_or(0.0, |p| p.fraction());
                ui.add(
                    egui::ProgressBar::new(done)
                        .desired_width(120.0)
                        .show_percentage(),
                );
                segment(ui, format!("Reading the rows of {}", entry.name), 260.0).on_hover_text(
                    "Its totals are shown already: every total, ranking, time chart and map. \
                     What is traded, the Analysis view and the rows table follow once its rows \
                     are read.",
                );
                ui.ctx().request_repaint_after(super::busy::PROGRESS_STEP);
            }
            DatasetStatus::Ready(_) if entry.changed_since_link => {
                ui.separator();
                let text = format!("Dataset {} changed since it was linked", entry.name);
                segment(ui, egui::RichText::new(&text).color(ui.visuals().warn_fg_color), 260.0).on_hover_text(
                    format!("{text}: the file's content differs from when it was linked; the figures shown come from the file as it is now."),
                );
            }
            DatasetStatus::Ready(_) if !entry.failed_files.is_empty() => {
                ui.separator();
                let text = format!(
                    "Dataset {}: {} could not be read",
                    entry.name,
                    crate::model::format::count(entry.failed_files.len(), "file")
                );
                segment(
                    ui,
                    egui::RichText::new(&text).color(ui.visuals().warn_fg_color),
                    260.0,
                )
                // The listing is laid out only while the pointer is on the segment.
                .on_hover_ui(|ui| {
                    ui.label("The figures come from the dataset's other files.");
                    for (name, why) in &entry.failed_files {
                        ui.label(format!("{name}: {why}"));
                    }
                });
            }
            DatasetStatus::Ready(_) => {}
        }
    }
    if view.datasets.working() && view.datasets.entries().iter().all(|e| e.rows().is_some()) {
        ui.separator();
        super::busy::spinner(ui);
        ui.label("Summing datasets…");
    }
    if view.preparing {
        ui.separator();
        super::busy::spinner(ui);
        ui.label("Updating…").on_hover_text(
            "The figures, charts, problems and table of this large document are being brought up to date with the last change",
        );
    }
}
