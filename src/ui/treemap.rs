//! Breakdowns (products, categories) as a squarified treemap: one map per direction,
//! tiles sized by value and coloured by HS section, with labels where they fit, the same
//! tooltips as the bars, and a click that drills down or selects the record, as on bars.

use eframe::egui;
use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, TextFormat};

use super::chart;
use crate::model::chart::{ChartData, ChartSeries, MoneyUnit, SeriesStyle};
use crate::model::hs;
use crate::model::treemap::{self, Tile};
use crate::state::{BreakdownLayout, Command, UiState};

/// Height of one direction's map.
const MAP_HEIGHT: f32 = 300.0;
/// Below this width the two directions are stacked instead of side by side.
const SIDE_BY_SIDE: f32 = 820.0;

/// One colour per HS section (in [`hs::SECTIONS`] order), distinct in hue and lightness
/// so that neighbouring tiles separate; every tile also says its name and section.
const SECTION_COLORS: [Color32; 21] = [
    Color32::from_rgb(214, 96, 77),   // I animals
    Color32::from_rgb(118, 176, 65),  // II vegetables
    Color32::from_rgb(206, 180, 60),  // III fats
    Color32::from_rgb(165, 120, 60),  // IV foodstuffs
    Color32::from_rgb(120, 90, 70),   // V minerals
    Color32::from_rgb(200, 80, 150),  // VI chemicals
    Color32::from_rgb(230, 140, 180), // VII plastics
    Color32::from_rgb(170, 90, 50),   // VIII hides
    Color32::from_rgb(90, 130, 60),   // IX wood
    Color32::from_rgb(190, 170, 130), // X paper
    Color32::from_rgb(90, 160, 200),  // XI textiles
    Color32::from_rgb(60, 110, 170),  // XII footwear
    Color32::from_rgb(150, 150, 120), // XIII stone, glass
    Color32::from_rgb(230, 200, 90),  // XIV precious
    Color32::from_rgb(130, 130, 150), // XV base metals
    Color32::from_rgb(70, 100, 200),  // XVI machinery
    Color32::from_rgb(120, 80, 180),  // XVII vehicles
    Color32::from_rgb(160, 120, 210), // XVIII instruments
    Color32::from_rgb(100, 60, 60),   // XIX arms
    Color32::from_rgb(240, 150, 80),  // XX miscellaneous
    Color32::from_rgb(190, 50, 50),   // XXI art
];
/// Tiles outside every HS section ("Other", the document's own categories).
const NO_SECTION: Color32 = Color32::from_gray(150);

/// The "Bars | Treemap" choice shown above a breakdown.
pub fn layout_toggle(ui: &mut egui::Ui, state: &mut UiState) {
    ui.horizontal(|ui| {
        ui.label("Show as:");
        for (layout, text, hint) in [
            (
                BreakdownLayout::Bars,
                "Bars",
                "A bar per product, exports right and imports left",
            ),
            (
                BreakdownLayout::Treemap,
                "Treemap",
                "Rectangles sized by value, coloured by HS section",
            ),
        ] {
            ui.selectable_value(&mut state.breakdown_layout, layout, text)
                .on_hover_text(hint);
        }
    });
}

/// Draws a breakdown chart the way the user chose: bars, or a treemap per direction.
/// Returns the code of a clicked tile or bar that drills down.
pub fn breakdown(
    ui: &mut egui::Ui,
    chart_data: &ChartData,
    money: MoneyUnit,
    selected: Option<&crate::model::RecordRef>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) -> Option<String> {
    match state.breakdown_layout {
        BreakdownLayout::Bars => {
            let height = chart::height_for(chart_data, 220.0);
            chart::show(ui, chart_data, height, money, selected, state, commands)
        }
        BreakdownLayout::Treemap => show(ui, chart_data, money, state, commands),
    }
}

/// Draws `chart_data`'s bar series as treemaps inside the common chart frame.
pub fn show(
    ui: &mut egui::Ui,
    chart_data: &ChartData,
    money: MoneyUnit,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) -> Option<String> {
    chart::framed(ui, chart_data, state, commands, |ui, commands| {
        let bars: Vec<&ChartSeries> = chart_data
            .series
            .iter()
            .filter(|s| s.style == SeriesStyle::HorizontalBars && !s.points.is_empty())
            .collect();
        let columns = if ui.available_width() >= SIDE_BY_SIDE {
            bars.len().max(1)
        } else {
            1
        };
        let mut drilled = None;
        let mut sections = Vec::new();
        ui.columns(columns, |cols| {
            for (i, series) in bars.iter().enumerate() {
                let ui = &mut cols[i % columns];
                let tiles = one_map(ui, chart_data, series, money, commands, &mut drilled);
                sections.extend(tiles.iter().map(|t| t.section));
            }
        });
        legend(ui, &sections);
        chart::side_lists(ui, chart_data);
        drilled
    })
}

/// One direction's heading and map; returns its tiles (for the legend).
fn one_map(
    ui: &mut egui::Ui,
    chart_data: &ChartData,
    series: &ChartSeries,
    money: MoneyUnit,
    commands: &mut Vec<Command>,
    drilled: &mut Option<String>,
) -> Vec<Tile> {
    let total: f64 = series.points.iter().map(|p| p.value.max(0.0)).sum();
    ui.strong(format!("{}: {}", series.name, money.tick(total)));
    let size = egui::vec2(ui.available_width(), MAP_HEIGHT);
    let (area, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let bounds = treemap::Rect {
        x: f64::from(area.min.x),
        y: f64::from(area.min.y),
        w: f64::from(area.width()),
        h: f64::from(area.height()),
    };
    let tiles = treemap::tiles(&series.points, bounds);
    let id = ui.make_persistent_id(("treemap", chart_data.key.as_str(), series.name.as_str()));
    for tile in &tiles {
        let point = &series.points[tile.point];
        let rect = egui::Rect::from_min_size(
            egui::pos2(tile.rect.x as f32, tile.rect.y as f32),
            egui::vec2(tile.rect.w as f32, tile.rect.h as f32),
        );
        let fill = tile.section.map_or(NO_SECTION, |s| SECTION_COLORS[s]);
        let response = ui.interact(rect, id.with(tile.point), egui::Sense::click());
        let hovered = response.hovered();
        let painter = ui.painter_at(area);
        painter.rect_filled(rect.shrink(0.5), 0.0, fill);
        if hovered {
            painter.rect_stroke(
                rect.shrink(1.5),
                0.0,
                (2.0, ui.visuals().strong_text_color()),
                egui::StrokeKind::Inside,
            );
        }
        let share = share_text(tile.share);
        label(&painter, rect, fill, &format!("{}\n{share}", point.label));
        let accessible = format!("{}: {} ({share})", point.label, money.tick(point.value));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &accessible));
        let clicked = response.clicked();
        response.on_hover_ui(|ui| {
            for (i, line) in point.tooltip.iter().enumerate() {
                if i == 0 {
                    ui.strong(line);
                } else {
                    ui.label(line);
                }
            }
            ui.label(format!("Share of {}: {share}", series.name));
            if let Some(s) = tile.section {
                let (numeral, title, ..) = hs::SECTIONS[s];
                ui.label(format!("HS section {numeral}: {title}"));
            }
            // A tile that drills says so in its own tooltip lines.
            if point.drill.is_none() && point.record.is_some() {
                ui.weak("Click to show the record");
            }
        });
        if clicked {
            match &point.drill {
                Some(code) => *drilled = Some(code.clone()),
                None => commands.push(Command::Select(point.record.clone())),
            }
        }
    }
    if tiles.is_empty() {
        ui.weak("Nothing with a positive value to draw.");
    }
    tiles
}

/// A share as a percentage with one decimal; tiny shares say so rather than "0.0%".
fn share_text(share: f64) -> String {
    if share > 0.0 && share < 0.0005 {
        "<0.1%".to_owned()
    } else {
        format!("{:.1}%", share * 100.0)
    }
}

/// Writes `text` inside `rect` where at least its first line fits, elided to the width.
fn label(painter: &egui::Painter, rect: egui::Rect, fill: Color32, text: &str) {
    const FONT: f32 = 12.0;
    let inner = rect.shrink(4.0);
    let rows = (inner.height() / (FONT + 3.0)).floor();
    if inner.width() < 28.0 || rows < 1.0 {
        return;
    }
    // Dark text on light tiles, light text on dark ones (perceived luminance).
    let [r, g, b, _] = fill.to_array();
    let luminance = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    let color = if luminance > 140.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    };
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat::simple(FontId::proportional(FONT), color),
    );
    job.wrap = TextWrapping {
        max_width: inner.width(),
        max_rows: rows as usize,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    let galley = painter.layout_job(job);
    painter.galley(inner.min, galley, color);
}

/// The sections present, as coloured squares with their names.
fn legend(ui: &mut egui::Ui, sections: &[Option<usize>]) {
    let mut present: Vec<Option<usize>> = sections.to_vec();
    present.sort_by_key(|s| s.map_or(usize::MAX, |i| i));
    present.dedup();
    ui.horizontal_wrapped(|ui| {
        ui.weak("Colour: HS section");
        for section in present {
            let (fill, text) = match section {
                Some(s) => {
                    let (numeral, title, ..) = hs::SECTIONS[s];
                    (SECTION_COLORS[s], format!("{numeral} {title}"))
                }
                None => (
                    NO_SECTION,
                    "No HS section (other, own categories)".to_owned(),
                ),
            };
            let (square, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(square, 2.0, fill);
            ui.label(text);
        }
    });
}
