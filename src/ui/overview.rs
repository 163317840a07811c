//! The overview: the document's title and notes (editable), its key trade figures and sources.

use eframe::egui;

use super::AppView;
use crate::app::Command;
use crate::model::{Edit, format};

/// Undo merges the keystrokes of one visit to a field into one step.
const TITLE_KEY: (&str, u64) = ("title", 0);
const NOTES_KEY: (&str, u64) = ("notes", 0);

/// Draws the overview.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .id_salt("overview_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            document_fields(ui, view, commands);
            ui.add_space(8.0);
            ui.separator();
            key_figures(ui, view);
            ui.add_space(8.0);
            ui.separator();
            sources(ui, view);
        });
}

fn document_fields(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let doc = view.doc;
    let heading = if doc.title.trim().is_empty() {
        "Untitled document"
    } else {
        doc.title.as_str()
    };
    ui.heading(heading);
    ui.add_space(4.0);
    egui::Grid::new("document_fields")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Title");
            let mut title = doc.title.clone();
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut title)
                        .hint_text("Document title")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .on_hover_text("The document's title; changes can be undone with Ctrl+Z");
            if response.changed() {
                commands.push(Command::Edit {
                    edit: Edit::SetTitle(title),
                    coalesce: Some(TITLE_KEY),
                });
            }
            if response.lost_focus() {
                commands.push(Command::EndGesture);
            }
            ui.end_row();

            let label = ui.label("Notes");
            let mut notes = doc.notes.clone();
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut notes)
                        .hint_text("Free notes about this document")
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if response.changed() {
                commands.push(Command::Edit {
                    edit: Edit::SetNotes(notes),
                    coalesce: Some(NOTES_KEY),
                });
            }
            if response.lost_focus() {
                commands.push(Command::EndGesture);
            }
            ui.end_row();
        });
}

fn key_figures(ui: &mut egui::Ui, view: &AppView<'_>) {
    ui.heading("Key trade figures");
    let figures = &view.derived.key_figures;
    if figures.is_empty() {
        ui.label("No trade figures with a value yet.");
        return;
    }
    egui::Grid::new("key_figures")
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for figure in figures {
                ui.label(&figure.label);
                ui.label(&figure.pair);
                ui.label(
                    egui::RichText::new(format::usd_short(figure.value_usd))
                        .strong()
                        .size(18.0),
                )
                .on_hover_text(format!(
                    "{} US dollars\nSource: {}",
                    format::usd_full(figure.value_usd),
                    figure.source
                ));
                ui.end_row();
            }
        });
}

fn sources(ui: &mut egui::Ui, view: &AppView<'_>) {
    ui.heading("Sources");
    if view.doc.sources.is_empty() {
        ui.label("No sources yet.");
        return;
    }
    for source in &view.doc.sources {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("[{}]", source.id));
            if source.url.is_empty() {
                ui.label(egui::RichText::new(&source.title).italics());
            } else {
                ui.hyperlink_to(&source.title, &source.url);
            }
            let mut details = Vec::new();
            if !source.publisher.is_empty() {
                details.push(source.publisher.clone());
            }
            if let Some(date) = source.date {
                details.push(date.to_string());
            }
            if !details.is_empty() {
                ui.label(details.join(", "));
            }
        });
        if !source.note.is_empty() {
            ui.indent(("source_note", source.id), |ui| {
                ui.label(egui::RichText::new(&source.note).weak());
            });
        }
    }
}
