//! The Map view: the focus country's partners on a world map coloured by a chosen measure
//! and year, with a legend, flow lines and deal markers, "Copy data" and "Save as PNG…",
//! and the same figures as a list that the keyboard and screen readers reach.

use eframe::egui;

use super::{map_canvas, rows};
use crate::model::explore::MapValues;
use crate::model::geo;
use crate::model::geo::choropleth::{Measure, Scale};
use crate::model::{chart::MoneyUnit, format};
use crate::state::{AppView, Command, UiState};

/// Key of the map in the chart rectangles ("Save as PNG…").
pub const MAP_KEY: &str = "map";
/// Width of the list beside the map.
const LIST_WIDTH: f32 = 270.0;
/// Height of the legend under the map.
const LEGEND_HEIGHT: f32 = 64.0;

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let values = &view.explore.map;
    if values.focus.is_none() {
        ui.heading("Map");
        ui.label("Choose a focus country in the panel on the left to see its partners on the map.");
        return;
    }
    controls(ui, values, state);
    let world = geo::world();
    // The row hovered in the list last frame outlines its country on the map; the country
    // hovered on the map lights its row.
    let list_hover = state.map.list_hover.take();
    let narrow = ui.available_width() < 900.0 + 24.0;
    if narrow {
        // Narrow windows: the list sits above the map, which shrinks while it is open.
        egui::CollapsingHeader::new("Countries as a list").show(ui, |ui| {
            let lit = state.map.map_hover.clone();
            state.map.list_hover = country_list(ui, view, lit.as_deref(), 180.0, commands);
        });
    }
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&values.title);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("Save as PNG…")
                    .on_hover_text("Save exactly this map and its legend as a PNG image")
                    .clicked()
                {
                    commands.push(Command::SaveChartPng(MAP_KEY.to_owned()));
                }
                if ui
                    .button("Copy data")
                    .on_hover_text("Copy every country's figure and source as tab-separated values")
                    .clicked()
                {
                    ui.ctx().copy_text(values.to_tsv(view.doc));
                }
            });
        });
        let available = ui.available_size();
        let list_width = if narrow { 0.0 } else { LIST_WIDTH };
        // Narrow windows: the legend wraps to two lines.
        let reserved = if narrow {
            LEGEND_HEIGHT + 20.0
        } else {
            LEGEND_HEIGHT
        };
        let map_size = egui::vec2(
            (available.x - list_width - 8.0).max(200.0),
            (available.y - reserved).max(160.0),
        );
        ui.horizontal_top(|ui| {
            let (rect, _) = ui.allocate_exact_size(map_size, egui::Sense::hover());
            let canvas = map_canvas::show(
                ui,
                rect,
                view,
                &mut state.map,
                list_hover.as_deref(),
                commands,
            );
            if values.values.is_empty() {
                let painter = ui.painter_at(rect);
                painter.text(
                    rect.left_top() + egui::vec2(12.0, 12.0),
                    egui::Align2::LEFT_TOP,
                    &values.empty_message,
                    egui::FontId::proportional(14.0),
                    ui.visuals().strong_text_color(),
                );
            }
            state.map.map_hover = canvas.hovered.and_then(|i| world.shapes[i].code.clone());
            if list_width > 0.0 {
                ui.vertical(|ui| {
                    ui.set_width(list_width);
                    let lit = state.map.map_hover.clone();
                    let height = map_size.y - 24.0;
                    state.map.list_hover = country_list(ui, view, lit.as_deref(), height, commands);
                });
            }
        });
        legend(ui, values, view.settings.money_unit);
    });
    state
        .chart_rects
        .insert(MAP_KEY.to_owned(), frame.response.rect);
}

/// Measure, years, flow lines and zoom.
fn controls(ui: &mut egui::Ui, values: &MapValues, state: &mut UiState) {
    let map = &mut state.map;
    ui.horizontal_wrapped(|ui| {
        let shown = map.choice.measure.label();
        let label = super::wrap::label_before(
            ui,
            "Colour by",
            super::wrap::Control::Combo { selected: shown },
        );
        egui::ComboBox::from_id_salt("map_measure")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for m in Measure::ALL {
                    ui.selectable_value(&mut map.choice.measure, m, m.label())
                        .on_hover_text(m.help());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(map.choice.measure.help());
        let measure = map.choice.measure;
        if measure == Measure::Growth {
            year_picker(
                ui,
                "From",
                "map_from",
                &values.years,
                values.choice.from,
                &mut map.choice.from,
            );
        }
        if measure.yearly() {
            let title = if measure == Measure::Growth {
                "To"
            } else {
                "Year"
            };
            year_picker(
                ui,
                title,
                "map_year",
                &values.years,
                values.choice.year,
                &mut map.choice.year,
            );
        }
        ui.checkbox(&mut map.flows, "Flow lines").on_hover_text(
            "Curved lines from the focus country to its largest partners, wider for more trade",
        );
        ui.separator();
        if ui
            .button("+")
            .on_hover_text("Zoom in (or use the mouse wheel)")
            .clicked()
        {
            map_canvas::zoom_by(map, 1.5);
        }
        if ui.button("−").on_hover_text("Zoom out").clicked() {
            map_canvas::zoom_by(map, 1.0 / 1.5);
        }
        if ui
            .button("Whole world")
            .on_hover_text("Show the whole world again (or double-click the map)")
            .clicked()
        {
            map.zoom = 1.0;
            map.center = [0.0, 0.0];
        }
    });
}

/// A labelled year combo box; `None` is shown as the resolved year.
fn year_picker(
    ui: &mut egui::Ui,
    title: &str,
    id: &str,
    years: &[i32],
    resolved: Option<i32>,
    choice: &mut Option<i32>,
) {
    let shown = resolved.map_or_else(|| "—".to_owned(), |y| y.to_string());
    let label =
        super::wrap::label_before(ui, title, super::wrap::Control::Combo { selected: &shown });
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for &year in years.iter().rev() {
                ui.selectable_value(choice, Some(year), year.to_string());
            }
        })
        .response
        .labelled_by(label.id);
}

/// The list alternative: every country drawn, with its figure (rows prepared with the
/// figures). Returns the country whose row has the pointer or the keyboard focus, to
/// outline on the map.
fn country_list(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    highlight: Option<&str>,
    height: f32,
    commands: &mut Vec<Command>,
) -> Option<String> {
    let rows = &view.explore.map_rows;
    let focus = view.explore.map.focus.as_deref();
    ui.strong(format!("Countries ({})", rows.len()));
    let mut hovered = None;
    // Every row is laid out (not only the visible ones), so that Tab reaches each of them
    // and a screen reader reads the whole list; a few hundred labels cost well under a
    // millisecond.
    egui::ScrollArea::vertical()
        .id_salt("map_country_list")
        .max_height(height.max(120.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for row in rows {
                let code = row.code.as_deref();
                let lit = code.is_some() && code == highlight;
                let mut response = ui.selectable_label(lit, row.text.as_str());
                if !row.source.is_empty() {
                    response = response.on_hover_text(&row.source);
                }
                if response.hovered() || response.has_focus() {
                    hovered = row.code.clone();
                }
                if response.clicked()
                    && let Some(c) = code
                    && focus != Some(c)
                {
                    commands.push(Command::OpenPartner(c.to_owned()));
                }
            }
        });
    hovered
}

/// The colour scale with its ticks, "No data", and what the marks mean.
fn legend(ui: &mut egui::Ui, values: &MapValues, money: MoneyUnit) {
    ui.horizontal_wrapped(|ui| {
        if let Some(scale) = values.scale {
            gradient(ui, &scale, values.choice.measure, money);
        }
        let neutral = map_canvas::Palette::of(ui.visuals()).neutral;
        let square = |p: &egui::Painter, r: egui::Rect| {
            p.rect_filled(r, 2.0, neutral);
        };
        let dot = |p: &egui::Painter, r: egui::Rect| {
            p.circle_filled(r.center(), 6.0, map_canvas::DEAL_COLOR);
        };
        entry(ui, Some(&square), "No data", false);
        entry(ui, Some(&dot), "Investments and agreements (count)", true);
        entry(ui, None, "Outlined: the focus country", true);
    });
    ui.add(egui::Label::new(egui::RichText::new(geo::SOURCE).weak().small()).truncate());
}

/// Draws a legend entry's swatch in its square.
type Swatch<'a> = &'a dyn Fn(&egui::Painter, egui::Rect);

/// A legend entry: its swatch (drawn by `swatch` in a 14-point square) and `text`, on one
/// line, after a separator when `separated` and it stays on the row of the entry before.
/// In a narrow window it starts the next row whole, swatch and all, instead of leaving
/// its last word (or its swatch) behind.
fn entry(ui: &mut egui::Ui, swatch: Option<Swatch<'_>>, text: &str, separated: bool) {
    let spacing = ui.spacing().item_spacing.x;
    let swatch_width = if swatch.is_some() {
        14.0 + spacing
    } else {
        0.0
    };
    let separator = if separated { 2.0 * spacing + 1.0 } else { 0.0 };
    let width = separator + swatch_width + rows::one_line_width(ui, text);
    if rows::stay_if_room(ui, width) && separated {
        ui.separator();
    }
    if let Some(draw) = swatch {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
        draw(ui.painter(), rect);
    }
    rows::one_line(ui, text);
}

/// A horizontal colour bar with the scale's ticks under it.
fn gradient(ui: &mut egui::Ui, scale: &Scale, measure: Measure, money: MoneyUnit) {
    let width = 260.0;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 30.0), egui::Sense::hover());
    let bar = egui::Rect::from_min_size(rect.min, egui::vec2(width, 12.0));
    let painter = ui.painter();
    let steps = 52;
    let ticks = scale.ticks();
    let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
    for i in 0..steps {
        let t = i as f32 / steps as f32;
        let x0 = bar.left() + t * width;
        let value = value_at(scale, lo, hi, f64::from(t) + 0.5 / f64::from(steps));
        let [r, g, b] = scale.color(value);
        painter.rect_filled(
            egui::Rect::from_min_max(
                egui::pos2(x0, bar.top()),
                egui::pos2(x0 + width / steps as f32 + 0.5, bar.bottom()),
            ),
            0.0,
            egui::Color32::from_rgb(r, g, b),
        );
    }
    for (i, tick) in ticks.iter().enumerate() {
        let x = bar.left() + scale.position(*tick) as f32 * width;
        let align = match i {
            0 => egui::Align2::LEFT_TOP,
            _ if i == ticks.len() - 1 => egui::Align2::RIGHT_TOP,
            _ => egui::Align2::CENTER_TOP,
        };
        if i % 2 == 0 {
            painter.text(
                egui::pos2(x, bar.bottom() + 2.0),
                align,
                tick_text(*tick, measure, money),
                egui::FontId::proportional(11.0),
                ui.visuals().text_color(),
            );
        }
    }
}

/// The value at position `t` along the scale.
fn value_at(scale: &Scale, lo: f64, hi: f64, t: f64) -> f64 {
    match scale {
        Scale::Log { min, max } => (min.ln() + (max.ln() - min.ln()) * t).exp(),
        _ => lo + (hi - lo) * t,
    }
}

fn tick_text(value: f64, measure: Measure, money: MoneyUnit) -> String {
    match measure {
        Measure::Share => format!("{value:.1}%"),
        Measure::Growth => format!("{value:+.0}%"),
        Measure::Deals => format!("{value:.0}"),
        _ => match money {
            MoneyUnit::Usd => format::usd_short(value),
            other => format!("{} {}", other.tick(value), other.axis_suffix()),
        },
    }
}
