//! The Analysis view: the trade indicators of the focus country (and of the pair), each
//! with its formula, inputs and data universe; RCA by product, complementarity and
//! concentration over the years, and what the focus country could sell its partner.

use eframe::egui;

use super::{AppView, chart};
use crate::model::dataset::RowFilter;
use crate::model::format;
use crate::state::{AnalysisData, Card, Command, POTENTIAL_BARS, PotentialRow, UiState};

/// Rows of the potential table drawn (all of them go to the CSV export).
const TABLE_ROWS: usize = 50;

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let data = view.analysis;
    controls(ui, view, state);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("analysis_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if data.key.is_none() {
                ui.label("Computing the indicators…");
                return;
            }
            // A release whose totals are shown while its rows are read: the indicators
            // need the rows, and come once they are in.
            crate::ui::busy::rows_being_read(ui, view.datasets, |name, percent| {
                format!(
                    "Reading the rows of {name} ({percent:.0}%): the indicators need every row \
                     and appear once they are in. Until then they come from what else is open."
                )
            });
            for note in [&data.scope, &data.message].into_iter().flatten() {
                ui.colored_label(ui.visuals().warn_fg_color, note);
                ui.add_space(6.0);
            }
            cards(ui, data);
            if data.year.is_none() {
                return;
            }
            ui.add_space(8.0);
            charts(ui, view, state, commands);
        });
    product_details(ui.ctx(), view, state, commands);
}

/// The heading, the year and level pickers, and what the figures are computed from.
fn controls(ui: &mut egui::Ui, view: &AppView<'_>, state: &mut UiState) {
    let data = view.analysis;
    let names = &data.names;
    ui.horizontal_wrapped(|ui| {
        let title = if names.focus.is_empty() {
            "Analysis".to_owned()
        } else if names.partner.is_empty() {
            format!("Analysis: {}", names.focus)
        } else {
            format!("Analysis: {} and {}", names.focus, names.partner)
        };
        ui.heading(title);
        ui.add_space(12.0);
        let shown = match (state.analysis.year, data.year) {
            (Some(y), _) => y.to_string(),
            (None, Some(y)) => format!("Latest ({y})"),
            (None, None) => "Latest".to_owned(),
        };
        let label =
            super::wrap::label_before(ui, "Year", super::wrap::Control::Combo { selected: &shown });
        egui::ComboBox::from_id_salt("analysis_year")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.analysis.year, None, "Latest");
                for year in data.years.iter().rev() {
                    ui.selectable_value(&mut state.analysis.year, Some(*year), year.to_string());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("The year the figures are for. Latest: the latest year with exports and imports in the data");
        let level = level_name(state.analysis.level);
        let label = super::wrap::label_before(
            ui,
            "Products at",
            super::wrap::Control::Combo { selected: level },
        );
        egui::ComboBox::from_id_salt("analysis_level")
            .selected_text(level)
            .show_ui(ui, |ui| {
                for level in [2, 4, 6] {
                    ui.selectable_value(&mut state.analysis.level, level, level_name(level));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "The HS level of RCA, complementarity, concentration across products and \
                 potential",
            );
        if view.analysing {
            super::busy::spinner(ui);
            ui.weak("Computing…");
        }
    });
    if !data.universe.is_empty() {
        ui.weak(format!(
            "{}. From {}.",
            data.universe,
            if data.names.sources.is_empty() {
                "no data".to_owned()
            } else {
                data.names.sources.join(", ")
            }
        ));
    }
    if view.nav.page.partner.is_none() && view.nav.page.focus.is_some() {
        ui.weak(
            "Choose a partner in the list on the left for the pair's figures, complementarity \
             and potential.",
        );
    }
}

fn level_name(level: usize) -> &'static str {
    match level {
        4 => "HS4 (headings)",
        6 => "HS6 (subheadings)",
        _ => "HS2 (chapters)",
    }
}

/// Width of a card, inside its frame.
const CARD_WIDTH: f32 = 210.0;

/// The headline figures, as rows of cards as many as fit the width (frames do not wrap
/// in a wrapping layout, which cannot know their size before drawing them).
fn cards(ui: &mut egui::Ui, data: &AnalysisData) {
    let outer = CARD_WIDTH + 2.0 * 8.0 + 8.0;
    let per_row = ((ui.available_width() / outer).floor() as usize).max(1);
    for row in data.cards.chunks(per_row) {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(8.0, 8.0);
            for card in row {
                card_frame(ui, card, data);
            }
        });
        ui.add_space(4.0);
    }
}

fn card_frame(ui: &mut egui::Ui, card: &Card, data: &AnalysisData) {
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(CARD_WIDTH);
        ui.set_min_height(78.0);
        ui.vertical(|ui| {
            ui.add(egui::Label::new(egui::RichText::new(&card.title).small()).wrap());
            match &card.value {
                Ok(value) => {
                    ui.label(egui::RichText::new(value).size(20.0).strong());
                }
                Err(why) => {
                    ui.label(egui::RichText::new("not computed").size(15.0).weak());
                    ui.add(egui::Label::new(egui::RichText::new(why).small().weak()).wrap());
                }
            }
            if ui
                .small_button("Copy")
                .on_hover_text("Copy the figure with its formula, inputs and universe")
                .clicked()
            {
                ui.ctx()
                    .copy_text(card.to_text(&data.universe, &data.names.sources));
            }
        });
    });
    frame.response.on_hover_ui(|ui| {
        ui.set_max_width(420.0);
        ui.strong(&card.title);
        ui.label(format!("Formula: {}", card.formula));
        for (name, value) in &card.inputs {
            ui.label(format!("{name} = {value}"));
        }
        ui.label(card.meaning);
        ui.weak(format!("Universe: {}", data.universe));
        ui.weak(format!("From: {}", data.names.sources.join(", ")));
    });
}

/// Draws a chart whose bars select a product (instead of drilling the Categories view).
fn product_chart(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    chart_data: &crate::model::chart::ChartData,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let height = chart::height_for(chart_data, 160.0);
    let money = view.settings.money_unit;
    // A bar's drill code is its product: here a click shows the product's details.
    if let Some(code) = chart::show(ui, chart_data, height, money, None, state, commands) {
        state.analysis.product = Some(code);
    }
}

fn charts(ui: &mut egui::Ui, view: &AppView<'_>, state: &mut UiState, commands: &mut Vec<Command>) {
    let data = view.analysis;
    let money = view.settings.money_unit;
    if let Some(c) = &data.potential_chart {
        product_chart(ui, view, c, state, commands);
        ui.add_space(6.0);
        potential_table(ui, data, state, commands);
        ui.add_space(8.0);
    }
    if let Some(c) = &data.rca_chart {
        product_chart(ui, view, c, state, commands);
        ui.add_space(8.0);
    }
    for c in [&data.complementarity_chart, &data.concentration_chart]
        .into_iter()
        .flatten()
    {
        chart::show(ui, c, 260.0, money, None, state, commands);
        ui.add_space(8.0);
    }
}

fn potential_table(
    ui: &mut egui::Ui,
    data: &AnalysisData,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let (a, b) = (&data.names.focus, &data.names.partner);
    ui.horizontal(|ui| {
        ui.strong(format!("What {a} could sell {b}"));
        let any = !data.potential.is_empty();
        if ui
            .add_enabled(any, egui::Button::new("Save CSV…"))
            .on_hover_text("Save every row of the table as a CSV file")
            .clicked()
        {
            commands.push(Command::SavePotentialCsv);
        }
        if ui
            .add_enabled(any, egui::Button::new("Copy CSV"))
            .on_hover_text("Copy every row of the table as CSV")
            .clicked()
            && let Ok(csv) = data.potential_csv()
        {
            ui.ctx().copy_text(csv);
        }
    });
    if data.potential.is_empty() {
        ui.weak("No product to list.");
        return;
    }
    egui::Grid::new("potential_table")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            ui.strong("Product");
            ui.strong(format!("{a}'s RCA"));
            ui.strong(format!("{b}'s world imports"));
            ui.strong("Already sold");
            ui.strong("Gap");
            ui.end_row();
            for row in data.potential.iter().take(TABLE_ROWS) {
                potential_row(ui, row, state);
            }
        });
    let more = data.potential.len().saturating_sub(TABLE_ROWS);
    if more > 0 {
        ui.weak(format!(
            "… and {} more (Save CSV has them all; the chart shows the largest {POTENTIAL_BARS})",
            format::group_thousands(more as u64)
        ));
    }
}

fn potential_row(ui: &mut egui::Ui, row: &PotentialRow, state: &mut UiState) {
    let short: String = row.label.chars().take(60).collect();
    if ui
        .link(short)
        .on_hover_text(format!("{}\nClick for details and rows", row.label))
        .clicked()
    {
        state.analysis.product = Some(row.code.clone());
    }
    ui.label(format!("{:.2}", row.rca));
    ui.label(format::usd_short(row.partner_imports))
        .on_hover_text(format::usd_full(row.partner_imports));
    ui.label(format::usd_short(row.already))
        .on_hover_text(format::usd_full(row.already));
    ui.label(format::usd_short(row.gap))
        .on_hover_text(format::usd_full(row.gap));
    ui.end_row();
}

/// The clicked product's figures, and its rows in each linked dataset.
fn product_details(
    ctx: &egui::Context,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let data = view.analysis;
    let Some(code) = state.analysis.product.clone() else {
        return;
    };
    let Some(p) = data.products.get(&code) else {
        // Another level or year: the product is not among the figures any more.
        state.analysis.product = None;
        return;
    };
    let (a, b) = (&data.names.focus, &data.names.partner);
    let mut open = true;
    // Top right of the window, over the cards rather than the menus and the country list.
    let corner = ctx.content_rect().right_top() + egui::vec2(-24.0, 96.0);
    egui::Window::new("Product details")
        .open(&mut open)
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(corner)
        .collapsible(false)
        .resizable(false)
        .default_width(380.0)
        .show(ctx, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(&p.label).strong()).wrap());
            let year = data.year.map(|y| y.to_string()).unwrap_or_default();
            egui::Grid::new("product_details")
                .num_columns(2)
                .show(ui, |ui| {
                    let mut line = |name: String, value: String| {
                        ui.label(name);
                        ui.label(value);
                        ui.end_row();
                    };
                    line(
                        format!("{a}'s exports, {year}"),
                        format::usd_full(p.exports),
                    );
                    line("World exports".to_owned(), format::usd_full(p.world));
                    let rca = p
                        .rca
                        .map_or_else(|| "not defined".to_owned(), |r| format!("{r:.3}"));
                    line(format!("{a}'s RCA"), rca);
                    if !b.is_empty() {
                        line(
                            format!("{b}'s world imports"),
                            format::usd_full(p.partner_imports),
                        );
                        line(
                            format!("Already sold to {b}"),
                            format::usd_full(p.to_partner),
                        );
                    }
                });
            ui.separator();
            let filter = RowFilter {
                year: data.year.and_then(|y| u16::try_from(y).ok()),
                country: view.nav.page.focus.clone(),
                partner: None,
                product: p.code.clone(),
            };
            for (index, entry) in view.datasets.entries().iter().enumerate() {
                if entry.rows().is_none() {
                    continue;
                }
                if ui
                    .button(format!("Rows in {}", entry.name))
                    .on_hover_text("Show the dataset's rows of this product and country")
                    .clicked()
                {
                    commands.push(Command::ShowDatasetRows(index, filter.clone()));
                }
            }
        });
    if !open {
        state.analysis.product = None;
    }
}
