//! The details panel: every field of the selected record and its source, with a link.

use eframe::egui;

use crate::model::RecordKind;
use crate::model::dataset::RowFilter;
use crate::model::describe::describe;
use crate::state::AppView;
use crate::state::Command;

/// Draws the panel for the selected record.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let Some(selected) = &view.nav.selected else {
        return;
    };
    ui.add_space(4.0);
    let Some(details) = describe(view.doc, selected) else {
        ui.label("The selected record no longer exists.");
        if ui.button("Close details").clicked() {
            commands.push(Command::Select(None));
        }
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(&details.heading);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close details")
                .on_hover_text("Hide this panel")
                .clicked()
            {
                commands.push(Command::Select(None));
            }
        });
    });
    ui.horizontal(|ui| {
        if ui
            .button("Show in table")
            .on_hover_text("Open the Tables view at this record's row")
            .clicked()
        {
            commands.push(Command::RevealInTable(selected.clone(), None));
        }
        // A figure summed from a dataset leads to the rows it was summed from.
        if selected.kind == RecordKind::Dataset
            && ui
                .button("Show its rows")
                .on_hover_text("List the dataset's rows between the countries shown")
                .clicked()
        {
            let filter = RowFilter {
                country: view.nav.page.focus.clone(),
                partner: view.nav.page.partner.clone(),
                ..RowFilter::default()
            };
            commands.push(Command::ShowDatasetRows(selected.index, filter));
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("details_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("details_grid")
                .num_columns(2)
                .spacing([8.0, 4.0])
                .striped(true)
                .show(ui, |ui| {
                    for (field, value) in &details.fields {
                        ui.weak(*field);
                        if value.is_empty() {
                            ui.weak("—");
                        } else {
                            ui.add(egui::Label::new(value).wrap());
                        }
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            ui.strong("Source");
            match &details.source {
                None => {
                    ui.label("None given.");
                }
                Some(source) => {
                    if source.url.is_empty() {
                        ui.add(
                            egui::Label::new(egui::RichText::new(&source.title).italics()).wrap(),
                        );
                    } else {
                        ui.hyperlink_to(&source.title, &source.url)
                            .on_hover_text(&source.url);
                    }
                    let mut about = vec![format!("Source {}", source.id)];
                    if !source.publisher.is_empty() {
                        about.push(source.publisher.clone());
                    }
                    if !source.date.is_empty() {
                        about.push(source.date.clone());
                    }
                    ui.label(about.join(", "));
                    if !source.note.is_empty() {
                        ui.add(egui::Label::new(egui::RichText::new(&source.note).weak()).wrap());
                    }
                }
            }
        });
}
