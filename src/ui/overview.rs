//! The overview: the focus country's partners ranked, totals and pledges, plus the
//! document's title and notes (editable) and its sources.

use eframe::egui;

use super::{AppView, chart};
use crate::model::{Edit, format};
use crate::state::{Command, RANKING_ROWS, UiState};

/// Undo merges the keystrokes of one visit to a field into one step.
const TITLE_KEY: (&str, u64) = ("title", 0);
const NOTES_KEY: (&str, u64) = ("notes", 0);

/// Draws the overview.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("overview_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::CollapsingHeader::new("Document")
                .default_open(true)
                .show(ui, |ui| document_fields(ui, view, commands));
            ui.add_space(6.0);
            focus_country(ui, view, state, commands);
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
                        .desired_rows(2)
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

fn focus_country(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    if view.nav.page.focus.is_none() {
        ui.label("No country yet: the document has no trade, investment or indicator record.");
        return;
    }
    ui.heading(&explore.focus_name);
    egui::Grid::new("focus_figures")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label("Partners");
            ui.strong(explore.partners.len().to_string());
            ui.end_row();
            if let (Some(total), Some(year)) = (explore.partners_total, explore.partner_year) {
                let with = explore.partners_counted.len();
                ui.label(format!(
                    "Total trade in {year} ({} with a {year} total)",
                    format::count(with, "partner")
                ))
                .on_hover_text(
                    "Only figures of that year are added up; choose another year under the partners chart",
                );
                ui.strong(format::usd_short(total))
                    .on_hover_text(format!("{} US dollars", format::usd_full(total)));
                ui.end_row();
            }
            let deals: usize = explore.focus_deals.iter().map(|s| s.count).sum();
            ui.label("Investments and agreements");
            let stated: f64 = explore
                .focus_deals
                .iter()
                .filter_map(|s| s.stated_usd)
                .sum();
            if stated > 0.0 {
                ui.strong(format!(
                    "{deals} (amounts stated: {})",
                    format::usd_short(stated)
                ));
            } else {
                ui.strong(deals.to_string());
            }
            ui.end_row();
            for row in &explore.focus_deals {
                ui.label(format!("    {}", row.status.label()));
                match row.stated_usd {
                    Some(sum) => {
                        ui.label(format!("{} (stated {})", row.count, format::usd_short(sum)))
                    }
                    None => ui.label(row.count.to_string()),
                };
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    // Side by side when there is room for both, so that a long ranking does not push the
    // chart off the screen.
    if ui.available_width() >= 1000.0 {
        let ranking_width = (ui.available_width() * 0.42).min(560.0);
        ui.horizontal_top(|ui| {
            let top_down = egui::Layout::top_down(egui::Align::Min);
            ui.allocate_ui_with_layout(egui::vec2(ranking_width, 0.0), top_down, |ui| {
                ui.set_width(ranking_width);
                ranking(ui, view, state, commands);
            });
            ui.vertical(|ui| partners_chart(ui, view, state, commands));
        });
    } else {
        ranking(ui, view, state, commands);
        ui.add_space(8.0);
        partners_chart(ui, view, state, commands);
    }
}

/// The partners ranked by their latest figure: the first [`RANKING_ROWS`], or all.
fn ranking(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    ui.strong("Partners ranked by their latest figure");
    let total = explore.partners.len();
    let shown = if state.ranking_all {
        total
    } else {
        total.min(RANKING_ROWS)
    };
    egui::Grid::new("partner_ranking")
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (rank, partner) in explore.partners.iter().take(shown).enumerate() {
                ui.label(format!("{}.", rank + 1));
                if ui
                    .link(format!("{} ({})", partner.name, partner.code))
                    .on_hover_text("Open the relationship page")
                    .clicked()
                {
                    commands.push(Command::OpenPartner(partner.code.clone()));
                }
                let figure = partner.key_figure();
                match (explore.partner_year, partner.latest) {
                    (Some(year), Some(latest))
                        if !explore.partners_counted.contains(&partner.code) =>
                    {
                        ui.weak(figure).on_hover_text(format!(
                            "Not part of the {year} total above: no {year} total; the latest figure is {}",
                            not_counted_reason(latest)
                        ));
                    }
                    _ => {
                        ui.label(figure);
                    }
                }
                ui.end_row();
            }
        });
    if total > RANKING_ROWS {
        let text = if state.ranking_all {
            format!("Show the first {RANKING_ROWS}")
        } else {
            format!("Show all {total} partners")
        };
        if ui.button(text).clicked() {
            state.ranking_all = !state.ranking_all;
        }
    }
}

/// The partners chart with its year selector (also used by the Trade view).
pub fn partners_chart(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    let Some(chart_data) = &explore.partners_chart else {
        ui.weak("No partner has a total trade figure with a year, so there is no partners chart.");
        return;
    };
    if explore.partner_years.len() > 1 {
        ui.horizontal(|ui| {
            let label = ui.label("Year");
            let current = explore.partner_year.unwrap_or_default();
            egui::ComboBox::from_id_salt("partner_year")
                .selected_text(current.to_string())
                .show_ui(ui, |ui| {
                    for year in explore.partner_years.iter().rev() {
                        if ui
                            .selectable_label(*year == current, year.to_string())
                            .clicked()
                        {
                            commands.push(Command::SetPartnerYear(*year));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
    }
    // Sized by its bars, so that no partner's label is left out.
    let height = chart::height_for(chart_data, 160.0);
    chart::show(
        ui,
        chart_data,
        height,
        view.settings.money_unit,
        view.nav.selected.as_ref(),
        state,
        commands,
    );
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

/// What a partner's latest figure is, for the note on why it is not added up.
fn not_counted_reason(latest: crate::model::explore::LatestFigure) -> String {
    use crate::model::explore::FigureKind;
    match latest.kind {
        FigureKind::Total => format!("from {}", latest.year),
        FigureKind::ExportsOnly => format!("exports only, from {}", latest.year),
        FigureKind::ImportsOnly => format!("imports only, from {}", latest.year),
    }
}
