//! The relationship page: headline figures for the pair, deals, facts, and the charts
//! filtered to the pair.

use eframe::egui;

use super::{AppView, categories_view, chart, no_partner, rows, treemap};
use crate::model::RecordKind;
use crate::model::format;
use crate::model::table::TableQuery;
use crate::state::{Command, UiState};

/// Draws the page.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    let Some(pair) = &explore.pair else {
        no_partner(ui, view);
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("relationship_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(format!("{} – {}", pair.a_name, pair.b_name));
                if let (Some(a), Some(b)) = (&view.nav.page.focus, &view.nav.page.partner) {
                    records_button(ui, view, a, b, commands);
                }
            });
            ui.add_space(4.0);
            if pair.headlines.is_empty() {
                ui.weak("No trade figure with a value for this pair.");
            }
            ui.horizontal_wrapped(|ui| {
                for headline in &pair.headlines {
                    let label = egui::WidgetText::from(&headline.label);
                    let value = egui::WidgetText::from(
                        egui::RichText::new(&headline.value).size(22.0).strong(),
                    );
                    // A card that does not fit beside the others starts a row.
                    let text = rows::one_line_width(ui, label.clone())
                        .max(rows::one_line_width(ui, value.clone()));
                    let margin = egui::Frame::group(ui.style()).total_margin().sum().x;
                    rows::stay_if_room(ui, text + margin);
                    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.vertical(|ui| {
                            rows::one_line(ui, label);
                            rows::one_line(ui, value);
                        });
                    });
                    let response =
                        frame
                            .response
                            .interact(egui::Sense::click())
                            .on_hover_ui(|ui| {
                                for line in &headline.tooltip {
                                    ui.label(line);
                                }
                            });
                    if response.clicked() && headline.record.is_some() {
                        commands.push(Command::Select(headline.record.clone()));
                    }
                }
            });
            ui.add_space(6.0);
            let deals: usize = pair.by_status.iter().map(|s| s.count).sum();
            ui.strong(format!("Investments and agreements: {deals}"));
            for row in &pair.by_status {
                let stated = row
                    .stated_usd
                    .map(|s| format!(", amounts stated: {}", format::usd_short(s)))
                    .unwrap_or_default();
                ui.label(format!("{}: {}{stated}", row.status.label(), row.count));
            }
            if !pair.facts.is_empty() {
                ui.add_space(6.0);
                ui.strong("Notes");
                for fact in &pair.facts {
                    let text = if fact.topic.is_empty() {
                        fact.text.clone()
                    } else {
                        format!("{}: {}", fact.topic, fact.text)
                    };
                    let response = ui
                        .add(egui::Label::new(text).sense(egui::Sense::click()).wrap())
                        .on_hover_text(&fact.source);
                    if response.clicked() {
                        commands.push(Command::Select(Some(fact.record.clone())));
                    }
                }
            }
            ui.add_space(8.0);
            charts(ui, view, state, commands);
        });
}

/// The pair's charts: trade over time, what is traded (bars or treemap), investments and
/// the timeline.
fn charts(ui: &mut egui::Ui, view: &AppView<'_>, state: &mut UiState, commands: &mut Vec<Command>) {
    let explore = view.explore;
    let unit = view.settings.money_unit;
    let selected = view.nav.selected.as_ref();
    // A dataset's products stand in for empty category records.
    let (categories, products) = match (&explore.category_chart, &explore.product_chart) {
        (Some(c), Some(p)) if c.is_empty() => (Some(p), true),
        (c, _) => (c.as_ref(), false),
    };
    if let Some(trade) = &explore.trade_chart {
        chart::show(
            ui,
            trade,
            chart::height_for(trade, 220.0),
            unit,
            selected,
            state,
            commands,
        );
        ui.add_space(6.0);
    }
    if !products {
        super::busy::rows_being_read(ui, view.datasets, |name, percent| {
            format!("What is traded appears once the rows of {name} are read ({percent:.0}%).")
        });
    }
    if let Some(categories) = categories {
        treemap::layout_toggle(ui, state);
        if products {
            // Drilling happens in place: the way back up is here too.
            categories_view::drill_bar(ui, view, commands);
        }
        if let Some(code) = treemap::breakdown(ui, categories, unit, selected, state, commands) {
            commands.push(Command::DrillProduct(Some(code)));
        }
        ui.add_space(6.0);
    }
    for chart_data in [
        explore.pair_investment_bars.as_ref(),
        explore.pair_timeline.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let height = chart::height_for(chart_data, 220.0);
        chart::show(ui, chart_data, height, unit, selected, state, commands);
        ui.add_space(6.0);
    }
}

/// "Show the pair's trade records": the rows behind the figures wherever they are, the
/// document's records and each linked dataset's rows (prefiltered to the pair), saying
/// how many of each; a menu when there is more than one place.
fn records_button(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    a: &str,
    b: &str,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    let table = Command::ShowTable(
        RecordKind::Trade,
        TableQuery {
            country: Some(a.to_owned()),
            country2: Some(b.to_owned()),
            ..TableQuery::default()
        },
    );
    let rows_of = |index: usize| {
        Command::ShowDatasetRows(
            index,
            crate::model::dataset::RowFilter {
                country: Some(a.to_owned()),
                partner: Some(b.to_owned()),
                ..Default::default()
            },
        )
    };
    let records = format::count(explore.pair_records, "trade record");
    match (explore.pair_records, explore.pair_rows.as_slice()) {
        (_, []) => {
            if ui
                .button("Show the pair's trade records")
                .on_hover_text(format!(
                    "Open the trade table filtered to these two countries ({records})"
                ))
                .clicked()
            {
                commands.push(table);
            }
        }
        (0, [(index, name, rows)]) => {
            if ui
                .button("Show the pair's rows")
                .on_hover_text(format!(
                    "The figures come from dataset {name} (summed from {}): list its rows between these two countries, with their detail",
                    format::count(*rows as usize, "row")
                ))
                .clicked()
            {
                commands.push(rows_of(*index));
            }
        }
        (_, datasets) => {
            ui.menu_button("Show the pair's records", |ui| {
                if explore.pair_records > 0
                    && ui.button(format!("{records} in the document")).clicked()
                {
                    commands.push(table);
                }
                for (index, name, rows) in datasets {
                    let text =
                        format!("{} of dataset {name}", format::count(*rows as usize, "row"));
                    if ui.button(text).clicked() {
                        commands.push(rows_of(*index));
                    }
                }
            })
            .response
            .on_hover_text("The figures come from several places: choose which rows to list");
        }
    }
}
