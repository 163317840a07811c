//! One chart widget for every chart: title, legend, axes with units, hover tooltips with
//! the record and its source, click to select a record, "Copy data" and "Save as PNG…".

use eframe::egui;
use egui_plot::{
    Bar, BarChart, Corner, GridMark, Legend, Line, LineStyle, MarkerShape, Plot, PlotMemory,
    PlotPoints, Points,
};

use crate::model::RecordRef;
use crate::model::chart::{
    ChartData, ChartPoint, ChartSeries, Hue, MoneyUnit, SeriesStyle, ValueUnit,
};
use crate::state::{Command, UiState};

/// Bar thickness in category units.
const BAR_WIDTH: f64 = 0.6;
/// How close (in points) the pointer must be to a marker to hover it.
const HOVER_RADIUS: f32 = 12.0;

/// The colour of a series meaning, the same in every chart.
pub fn hue_color(hue: Hue) -> egui::Color32 {
    use egui::Color32;
    const OTHERS: [Color32; 8] = [
        Color32::from_rgb(155, 89, 182),
        Color32::from_rgb(26, 188, 156),
        Color32::from_rgb(241, 196, 15),
        Color32::from_rgb(231, 76, 60),
        Color32::from_rgb(52, 152, 219),
        Color32::from_rgb(230, 126, 34),
        Color32::from_rgb(149, 165, 166),
        Color32::from_rgb(46, 204, 113),
    ];
    match hue {
        Hue::Exports => Color32::from_rgb(66, 133, 244),
        Hue::Imports => Color32::from_rgb(234, 134, 54),
        Hue::Total => Color32::from_rgb(52, 168, 83),
        Hue::Balance => Color32::from_rgb(160, 160, 160),
        Hue::Other(i) => OTHERS[i % OTHERS.len()],
    }
}

/// How plotted numbers relate to the data: money is divided by the display unit.
#[derive(Clone, Copy)]
struct Scale {
    unit: ValueUnit,
    money: MoneyUnit,
}

impl Scale {
    fn divisor(self) -> f64 {
        match self.unit {
            ValueUnit::Usd => self.money.divisor(),
            ValueUnit::Percent | ValueUnit::Index => 1.0,
        }
    }

    fn tick(self, plotted: f64, mirrored: bool) -> String {
        let plotted = if mirrored { plotted.abs() } else { plotted };
        match self.unit {
            ValueUnit::Usd => self.money.tick(plotted * self.divisor()),
            ValueUnit::Percent => format!("{plotted}%"),
            ValueUnit::Index => format!("{plotted}"),
        }
    }

    fn axis_title(self, title: &str) -> String {
        match self.unit {
            ValueUnit::Usd => format!("{title} ({})", self.money.axis_suffix()),
            ValueUnit::Percent => format!("{title} (%)"),
            ValueUnit::Index => title.to_owned(),
        }
    }
}

/// Plot coordinates of a point: values scaled, bars at their far end.
fn plot_xy(style: SeriesStyle, p: &ChartPoint, d: f64) -> [f64; 2] {
    match style {
        SeriesStyle::HorizontalBars => [p.x / d, p.y],
        SeriesStyle::VerticalBars => [p.x, (p.base + p.y) / d],
        SeriesStyle::Line { .. } | SeriesStyle::Markers => [p.x, p.y / d],
    }
}

/// The plot rectangle of a bar, as [min x, min y, max x, max y].
fn bar_bounds(style: SeriesStyle, p: &ChartPoint, d: f64) -> Option<[f64; 4]> {
    let half = BAR_WIDTH / 2.0;
    match style {
        SeriesStyle::HorizontalBars => {
            let (a, b) = (0.0_f64, p.x / d);
            Some([a.min(b), p.y - half, a.max(b), p.y + half])
        }
        SeriesStyle::VerticalBars => {
            let (a, b) = (p.base / d, (p.base + p.y) / d);
            Some([p.x - half, a.min(b), p.x + half, a.max(b)])
        }
        _ => None,
    }
}

/// The corner of the plot where the legend hides the least data: the one whose corner
/// region (40% of the width, and the legend's height in a plot `height` points tall)
/// meets the fewest points and bars. Ties go to the top left, then top right.
fn legend_corner(chart: &ChartData, d: f64, height: f32) -> Corner {
    let rects: Vec<[f64; 4]> = chart
        .series
        .iter()
        .flat_map(|s| {
            s.points.iter().map(move |p| {
                bar_bounds(s.style, p, d).unwrap_or_else(|| {
                    let [x, y] = plot_xy(s.style, p, d);
                    [x, y, x, y]
                })
            })
        })
        .collect();
    if rects.is_empty() {
        return Corner::LeftTop;
    }
    // Values start from zero (as the plot's bounds do); years start at the first year.
    let (mut x0, mut x1) = if chart.x_is_year {
        (rects[0][0], rects[0][2])
    } else {
        (0.0_f64, 0.0_f64)
    };
    let (mut y0, mut y1) = (0.0_f64, 0.0_f64);
    for r in &rects {
        (x0, y0, x1, y1) = (x0.min(r[0]), y0.min(r[1]), x1.max(r[2]), y1.max(r[3]));
    }
    // The plot's headroom above the largest value (see `configure_plot`).
    y1 += (y1 - y0) * 0.08;
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    // About 20 points per legend entry plus its frame and a margin, as a share of the
    // plot area (the widget's height less about 40 points of axis).
    let entries = chart.series.len() as f64;
    let area = f64::from((height - 40.0).max(40.0));
    let f = ((20.0 * entries + 20.0) / area).clamp(0.2, 0.9);
    let regions = [
        (Corner::LeftTop, [x0, y1 - f * h, x0 + 0.4 * w, y1]),
        (Corner::RightTop, [x1 - 0.4 * w, y1 - f * h, x1, y1]),
        (Corner::LeftBottom, [x0, y0, x0 + 0.4 * w, y0 + f * h]),
        (Corner::RightBottom, [x1 - 0.4 * w, y0, x1, y0 + f * h]),
    ];
    let meets =
        |a: &[f64; 4], b: &[f64; 4]| a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
    regions
        .iter()
        .map(|(corner, region)| (*corner, rects.iter().filter(|r| meets(r, region)).count()))
        .min_by_key(|(_, n)| *n)
        .map_or(Corner::LeftTop, |(corner, _)| corner)
}

fn category_formatter(
    categories: &[String],
) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String + '_ {
    move |mark, _| {
        let rounded = mark.value.round();
        if (mark.value - rounded).abs() > 1e-6 || rounded < 0.0 {
            return String::new();
        }
        categories
            .get(rounded as usize)
            .map(|c| axis_label(c))
            .unwrap_or_default()
    }
}

/// Longest category label on an axis, in characters: egui_plot drops the axes when the
/// widest label leaves no room, and HS chapter titles run to 150 (the tooltip has them).
const AXIS_LABEL_CHARS: usize = 34;

fn axis_label(text: &str) -> String {
    if text.chars().count() <= AXIS_LABEL_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(AXIS_LABEL_CHARS - 1).collect();
    short.truncate(short.trim_end().len());
    short.push('…');
    short
}

fn year_formatter(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let rounded = mark.value.round();
    if (mark.value - rounded).abs() > 1e-6 {
        String::new()
    } else {
        format!("{rounded:.0}")
    }
}

/// Plot height for `chart`: at least `min`, and 26 points per category row (egui_plot drops
/// labels closer than 20), for up to 52 rows: 25 export and 25 import chapters, 2 "Other".
pub fn height_for(chart: &ChartData, min: f32) -> f32 {
    if chart.categories.is_empty() {
        min
    } else {
        (80.0 + 26.0 * chart.categories.len() as f32).clamp(min, 80.0 + 26.0 * 52.0)
    }
}

/// Draws `chart` with a plot of `height` points. A click on a point with a record selects
/// it (through `commands`); a click on a bar that drills returns its code, for the view to
/// decide what drilling means there.
pub fn show(
    ui: &mut egui::Ui,
    chart: &ChartData,
    height: f32,
    money: MoneyUnit,
    selected: Option<&RecordRef>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) -> Option<String> {
    let scale = Scale {
        unit: chart.unit,
        money,
    };
    framed(ui, chart, state, commands, |ui, commands| {
        let side_width = if chart.side_lists.is_empty() {
            0.0
        } else {
            (ui.available_width() * 0.28).clamp(150.0, 300.0)
        };
        ui.horizontal_top(|ui| {
            let plot_width = (ui.available_width() - side_width - 8.0).max(200.0);
            let drilled = ui.allocate_ui(egui::vec2(plot_width, height), |ui| {
                plot(ui, chart, height, scale, selected, commands)
            });
            if side_width > 0.0 {
                ui.vertical(|ui| {
                    ui.set_width(side_width);
                    side_lists(ui, chart);
                });
            }
            drilled.inner
        })
        .inner
    })
}

/// The frame every chart is drawn in: title, "Copy data" and "Save as PNG…", the empty
/// message and side lists when there is nothing to draw, else `body`. Its rectangle is
/// remembered under the chart's key, for "Save as PNG…".
pub fn framed(
    ui: &mut egui::Ui,
    chart: &ChartData,
    state: &mut UiState,
    commands: &mut Vec<Command>,
    body: impl FnOnce(&mut egui::Ui, &mut Vec<Command>) -> Option<String>,
) -> Option<String> {
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        // Buttons first, from the right; the title wraps in the width left of them, so a
        // long title (an HS4 name runs to 250 characters) never runs under the buttons or
        // widens the panel past the window.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
            if ui
                .button("Save as PNG…")
                .on_hover_text("Save exactly this chart as a PNG image")
                .clicked()
            {
                commands.push(Command::SaveChartPng(chart.key.clone()));
            }
            if ui
                .button("Copy data")
                .on_hover_text("Copy the chart's numbers as tab-separated values")
                .clicked()
            {
                ui.ctx().copy_text(chart.to_tsv());
            }
            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.add(egui::Label::new(egui::RichText::new(&chart.title).strong()).wrap());
            });
        });
        if chart.is_empty() {
            // Nothing to plot: say so, and show the lists without reserving plot space.
            ui.weak(&chart.empty_message);
            ui.horizontal_wrapped(|ui| {
                for (title, names) in &chart.side_lists {
                    ui.vertical(|ui| {
                        ui.set_max_width(320.0);
                        side_list(ui, title, names);
                    });
                }
            });
            return None;
        }
        body(ui, commands)
    });
    state
        .chart_rects
        .insert(chart.key.clone(), frame.response.rect);
    frame.inner
}

/// The chart's lists of names without values, one under the other.
pub fn side_lists(ui: &mut egui::Ui, chart: &ChartData) {
    for (title, names) in &chart.side_lists {
        side_list(ui, title, names);
    }
}

fn side_list(ui: &mut egui::Ui, title: &str, names: &[String]) {
    ui.add(egui::Label::new(egui::RichText::new(title).strong()).wrap());
    for name in names {
        ui.add(egui::Label::new(format!("• {name}")).wrap());
    }
    ui.add_space(4.0);
}

fn plot(
    ui: &mut egui::Ui,
    chart: &ChartData,
    height: f32,
    scale: Scale,
    selected: Option<&RecordRef>,
    commands: &mut Vec<Command>,
) -> Option<String> {
    let d = scale.divisor();
    let plot_id = egui::Id::unique(("chart", chart.key.as_str()));
    let plot = configure_plot(chart, height, scale, plot_id);
    let response = plot.show(ui, |plot_ui| {
        for series in &chart.series {
            draw_series(plot_ui, series, d);
        }
    });
    let hidden = PlotMemory::load(ui.ctx(), plot_id)
        .map(|m| m.hidden_items)
        .unwrap_or_default();
    annotate(ui, chart, &hidden, &response, selected, d);
    hover_and_click(ui, chart, &hidden, &response, plot_id, d, commands)
}

/// Whether the chart's values run along the x axis (horizontal bars).
fn value_on_x(chart: &ChartData) -> bool {
    chart
        .series
        .iter()
        .any(|s| s.style == SeriesStyle::HorizontalBars)
}

/// The plot with its axes, bounds and formatters for `chart`.
fn configure_plot<'a>(
    chart: &'a ChartData,
    height: f32,
    scale: Scale,
    plot_id: egui::Id,
) -> Plot<'a> {
    let d = scale.divisor();
    let value_on_x = value_on_x(chart);
    let (x_title, y_title) = if value_on_x {
        (scale.axis_title(&chart.x_title), chart.y_title.clone())
    } else {
        (chart.x_title.clone(), scale.axis_title(&chart.y_title))
    };
    let mut plot = Plot::new(("plot", chart.key.as_str()))
        .id(plot_id)
        .height(height)
        .legend(
            Legend::default()
                .position(legend_corner(chart, d, height))
                .follow_insertion_order(true),
        )
        .x_axis_label(x_title)
        .y_axis_label(y_title)
        .allow_scroll(false)
        .show_x(false)
        .show_y(false)
        .label_formatter(|_| None);
    // Values start from zero so that bars and levels compare honestly, with some room
    // above the largest so that its marker is not cut by the frame.
    let values = chart.series.iter().flat_map(|s| {
        s.points
            .iter()
            .map(move |p| plot_xy(s.style, p, d)[usize::from(!value_on_x)])
    });
    let (low, high) = values.fold((0.0_f64, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    let room = (high - low).abs() * 0.08;
    let (low, high) = (
        low - if low < 0.0 { room } else { 0.0 },
        high + if high > 0.0 { room } else { 0.0 },
    );
    plot = if value_on_x {
        plot.include_x(low).include_x(high)
    } else {
        plot.include_y(low).include_y(high)
    };
    // Markers without amounts (e.g. a timeline of announcements): the value axis says nothing.
    let no_values = chart
        .series
        .iter()
        .all(|s| s.style == SeriesStyle::Markers && s.points.iter().all(|p| p.value == 0.0));
    if no_values {
        plot = plot.show_axes([true, false]).include_y(-1.0).include_y(1.0);
    }
    if chart.x_is_year {
        let xs = chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.x));
        let (min_x, max_x) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        plot = plot
            .x_axis_formatter(year_formatter)
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
            .include_x(min_x.floor() - 0.5)
            .include_x(max_x.ceil() + 0.5)
            .link_cursor(egui::Id::unique("year_cursor"), [true, false]);
    }
    category_axes(plot, chart, scale, value_on_x)
}

/// Category names on the axis that has them, money on the other.
fn category_axes<'a>(
    plot: Plot<'a>,
    chart: &'a ChartData,
    scale: Scale,
    value_on_x: bool,
) -> Plot<'a> {
    let categories = &chart.categories;
    let n = categories.len() as f64;
    let mirrored = chart.mirrored_values;
    if value_on_x {
        plot.y_axis_formatter(category_formatter(categories))
            .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
            .include_y(-0.5)
            .include_y(n - 0.5)
            .x_axis_formatter(move |mark, _| scale.tick(mark.value, mirrored))
            .x_grid_spacer(value_spacer(X_LABEL_POINTS))
            .y_axis_min_width(120.0)
    } else if !categories.is_empty() {
        plot.x_axis_formatter(category_formatter(categories))
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
            .include_x(-0.5)
            .include_x(n - 0.5)
            .y_axis_formatter(move |mark, _| scale.tick(mark.value, mirrored))
            .y_grid_spacer(value_spacer(Y_LABEL_POINTS))
    } else {
        plot.y_axis_formatter(move |mark, _| scale.tick(mark.value, mirrored))
            .y_grid_spacer(value_spacer(Y_LABEL_POINTS))
    }
}

/// Least distance between labelled ticks, in points: egui_plot labels a tick at full
/// strength from 80 points apart on the x axis and 30 on the y axis.
const X_LABEL_POINTS: f64 = 80.0;
const Y_LABEL_POINTS: f64 = 32.0;

/// The smallest step of 1, 2 or 5 times a power of ten that is at least `min`.
fn nice_step(min: f64) -> f64 {
    let power = 10f64.powf(min.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= min)
        .unwrap_or(10.0 * power)
}

/// Value-axis grid: labelled ticks at 1–2–5 steps no closer than `label_points`, with
/// unlabelled lines between. egui_plot's default (powers of ten only) often leaves one
/// or two labels ("$0", "$10.0M" for a bar of $8.3M); steps of 2 and 5 keep three or more.
fn value_spacer(label_points: f64) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    move |input: egui_plot::GridInput| {
        // egui_plot's base step is 8 points' worth of value (its minimum grid spacing).
        let per_point = input.base_step_size / 8.0;
        if !(per_point.is_finite() && per_point > 0.0) {
            return Vec::new();
        }
        let labelled = nice_step(per_point * label_points);
        let mut marks: Vec<egui_plot::GridMark> = Vec::new();
        for step in [labelled / 5.0, labelled, labelled * 10.0] {
            let first = (input.bounds.0 / step).ceil() as i64;
            let last = (input.bounds.1 / step).floor() as i64;
            for i in first..=last.min(first + 1000) {
                let value = i as f64 * step;
                match marks
                    .iter_mut()
                    .find(|m| (m.value - value).abs() < step * 1e-6)
                {
                    Some(mark) => mark.step_size = step,
                    None => marks.push(egui_plot::GridMark {
                        value,
                        step_size: step,
                    }),
                }
            }
        }
        marks
    }
}

/// One series as lines, markers or bars.
fn draw_series(plot_ui: &mut egui_plot::PlotUi<'_>, series: &ChartSeries, d: f64) {
    let color = hue_color(series.hue);
    let points: Vec<[f64; 2]> = series
        .points
        .iter()
        .map(|p| plot_xy(series.style, p, d))
        .collect();
    match series.style {
        SeriesStyle::Line { dashed } => {
            let style = if dashed {
                LineStyle::dashed_loose()
            } else {
                LineStyle::Solid
            };
            plot_ui.line(
                Line::new(series.name.clone(), PlotPoints::from(points.clone()))
                    .color(color)
                    .width(2.0)
                    .style(style),
            );
            plot_ui.points(
                Points::new(series.name.clone(), PlotPoints::from(points))
                    .color(color)
                    .radius(4.5)
                    .shape(MarkerShape::Circle)
                    .filled(true),
            );
        }
        SeriesStyle::Markers => {
            plot_ui.points(
                Points::new(series.name.clone(), PlotPoints::from(points))
                    .color(color)
                    .radius(5.0)
                    .shape(MarkerShape::Diamond)
                    .filled(true),
            );
        }
        SeriesStyle::HorizontalBars | SeriesStyle::VerticalBars => {
            let horizontal = series.style == SeriesStyle::HorizontalBars;
            let bars = series
                .points
                .iter()
                .map(|p| {
                    let bar = if horizontal {
                        Bar::new(p.y, p.x / d).horizontal()
                    } else {
                        Bar::new(p.x, p.y / d).base_offset(p.base / d).vertical()
                    };
                    bar.width(BAR_WIDTH).fill(color).name(&p.label)
                })
                .collect();
            let mut chart = BarChart::new(series.name.clone(), bars).color(color);
            chart = if horizontal {
                chart.horizontal()
            } else {
                chart.vertical()
            };
            plot_ui.bar_chart(chart.allow_hover(false));
        }
    }
}

/// Labels beside markers (moved up until they overlap no other label), and a ring
/// around the selected record.
fn annotate(
    ui: &egui::Ui,
    chart: &ChartData,
    hidden: &egui_plot::ItemIdSet,
    response: &egui_plot::PlotResponse<()>,
    selected: Option<&RecordRef>,
    d: f64,
) {
    let transform = response.transform;
    let painter = ui.painter_at(response.response.rect);
    let mut placed: Vec<egui::Rect> = Vec::new();
    let font = egui::FontId::proportional(12.0);
    let text_color = ui.visuals().text_color();
    for series in &chart.series {
        if hidden.contains(&egui_plot::ItemId::new(series.name.as_str())) {
            continue;
        }
        for p in &series.points {
            let [x, y] = plot_xy(series.style, p, d);
            let pos = transform.position_from_point(&egui_plot::PlotPoint::new(x, y));
            if series.style == SeriesStyle::Markers {
                let galley = painter.layout_no_wrap(p.label.clone(), font.clone(), text_color);
                let mut rect = egui::Rect::from_min_size(
                    pos + egui::vec2(8.0, -8.0 - galley.size().y),
                    galley.size(),
                );
                // A label that would run past the plot's right edge moves left as far as
                // needed (not past the left edge); its leader line still finds the marker.
                let plot_rect = response.response.rect;
                let overflow = (rect.right() - plot_rect.right() + 4.0)
                    .min(rect.left() - plot_rect.left())
                    .max(0.0);
                rect = rect.translate(egui::vec2(-overflow, 0.0));
                while placed.iter().any(|r| r.expand(1.0).intersects(rect)) {
                    rect = rect.translate(egui::vec2(0.0, -galley.size().y - 2.0));
                }
                // A leader line from the marker to its label, so that a label moved up
                // past others still says which marker it belongs to.
                let end = egui::pos2(
                    pos.x.clamp(rect.left() - 2.0, rect.right()),
                    rect.bottom() - 2.0,
                );
                painter.line_segment(
                    [pos, end],
                    egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
                );
                painter.galley(rect.min, galley, text_color);
                placed.push(rect);
            }
            if selected.is_some() && p.record.as_ref() == selected {
                painter.circle_stroke(
                    pos,
                    8.0,
                    egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
                );
            }
        }
    }
}

/// The tooltip of the point under the pointer; a click selects its record or drills down.
fn hover_and_click(
    ui: &egui::Ui,
    chart: &ChartData,
    hidden: &egui_plot::ItemIdSet,
    response: &egui_plot::PlotResponse<()>,
    plot_id: egui::Id,
    d: f64,
    commands: &mut Vec<Command>,
) -> Option<String> {
    let pointer = response.response.hover_pos()?;
    let hovered = nearest(chart, hidden, &response.transform, pointer, d);
    if let Some(point) = hovered {
        egui::Tooltip::always_open(
            ui.ctx().clone(),
            response.response.layer_id,
            plot_id.with("tooltip"),
            pointer + egui::vec2(16.0, 16.0),
        )
        .show(|ui| {
            for (i, line) in point.tooltip.iter().enumerate() {
                if i == 0 {
                    ui.strong(line);
                } else {
                    ui.label(line);
                }
            }
            if point.drill.is_none() && point.record.is_some() {
                ui.weak("Click to show the record");
            }
        });
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    if !response.response.clicked() {
        return None;
    }
    let drilled = hovered.and_then(|p| p.drill.clone());
    if drilled.is_none() {
        commands.push(Command::Select(hovered.and_then(|p| p.record.clone())));
    }
    drilled
}

/// The point or bar under the pointer: bars containing it, else the nearest marker within
/// [`HOVER_RADIUS`]. Hidden series are skipped.
fn nearest<'c>(
    chart: &'c ChartData,
    hidden: &egui_plot::ItemIdSet,
    transform: &egui_plot::PlotTransform,
    pointer: egui::Pos2,
    d: f64,
) -> Option<&'c ChartPoint> {
    let at = transform.value_from_position(pointer);
    let mut best: Option<(&ChartPoint, f32)> = None;
    for series in &chart.series {
        if hidden.contains(&egui_plot::ItemId::new(series.name.as_str())) {
            continue;
        }
        for p in &series.points {
            if let Some([x0, y0, x1, y1]) = bar_bounds(series.style, p, d) {
                if (x0..=x1).contains(&at.x) && (y0..=y1).contains(&at.y) {
                    return Some(p);
                }
                continue;
            }
            let [x, y] = plot_xy(series.style, p, d);
            let pos = transform.position_from_point(&egui_plot::PlotPoint::new(x, y));
            let distance = pos.distance(pointer);
            if distance <= HOVER_RADIUS && best.is_none_or(|(_, b)| distance < b) {
                best = Some((p, distance));
            }
        }
    }
    best.map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labelled ticks of a value axis `points` long showing `bounds`.
    fn labelled(bounds: (f64, f64), points: f64, label_points: f64) -> Vec<f64> {
        let per_point = (bounds.1 - bounds.0) / points;
        let spacer = value_spacer(label_points);
        let marks = spacer(egui_plot::GridInput {
            bounds,
            base_step_size: per_point * 8.0,
        });
        marks
            .iter()
            .filter(|m| m.step_size / per_point >= label_points)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn bar_charts_leave_room_for_every_label() {
        for rows in [1, 5, 26, 52] {
            let chart = ChartData {
                key: "products".into(),
                title: String::new(),
                x_title: String::new(),
                y_title: String::new(),
                unit: crate::model::chart::ValueUnit::Usd,
                x_is_year: false,
                mirrored_values: true,
                categories: (0..rows).map(|i| format!("{i:02}")).collect(),
                series: Vec::new(),
                side_lists: Vec::new(),
                empty_message: String::new(),
            };
            let per_row = (height_for(&chart, 220.0) - 40.0) / rows as f32;
            assert!(
                per_row > 20.0,
                "{rows} rows: {per_row} points each (axis: 40)"
            );
        }
    }

    fn point(x: f64, y: f64) -> ChartPoint {
        ChartPoint {
            x,
            y,
            base: 0.0,
            value: y,
            label: String::new(),
            tooltip: Vec::new(),
            record: None,
            source: String::new(),
            drill: None,
            code: None,
        }
    }

    fn years_chart(points: Vec<ChartPoint>) -> ChartData {
        ChartData {
            key: "t".into(),
            title: String::new(),
            x_title: String::new(),
            y_title: String::new(),
            unit: crate::model::chart::ValueUnit::Usd,
            x_is_year: true,
            mirrored_values: false,
            categories: Vec::new(),
            series: vec![ChartSeries {
                name: "s".into(),
                hue: crate::model::chart::Hue::Total,
                style: SeriesStyle::Line { dashed: false },
                points,
            }],
            side_lists: Vec::new(),
            empty_message: String::new(),
        }
    }

    /// High values early (1988–1991, as in the issue) push the legend to the top right;
    /// a rising series keeps it top left.
    #[test]
    fn the_legend_goes_where_it_hides_no_data() {
        let falling = (1988..=2006).map(|y| point(f64::from(y), f64::from(2006 - y) + 1.0));
        assert_eq!(
            legend_corner(&years_chart(falling.collect()), 1.0, 300.0),
            Corner::RightTop
        );
        let rising = (1988..=2006).map(|y| point(f64::from(y), f64::from(y - 1987)));
        assert_eq!(
            legend_corner(&years_chart(rising.collect()), 1.0, 300.0),
            Corner::LeftTop
        );
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(1.3e6), 2e6);
        assert_eq!(nice_step(2e6), 2e6);
        assert_eq!(nice_step(3.1), 5.0);
        assert_eq!(nice_step(0.07), 0.1);
    }

    #[test]
    fn value_axes_show_at_least_three_labels() {
        // The HS6 drill-down of a $7.4M bar on a 480-point axis: $0, $2M … $8M.
        let x = labelled((0.0, 8.0e6), 480.0, X_LABEL_POINTS);
        assert_eq!(x, [0.0, 2e6, 4e6, 6e6, 8e6]);
        // One point of $53.7M on a 150-point axis.
        let y = labelled((0.0, 58.0e6), 150.0, Y_LABEL_POINTS);
        assert!(y.len() >= 3, "{y:?}");
        // A mirrored chart: both sides labelled.
        let both = labelled((-10e6, 10e6), 480.0, X_LABEL_POINTS);
        assert!(both.iter().any(|v| *v < 0.0) && both.iter().any(|v| *v > 0.0));
    }
}
