//! Chart data as plain values: what the views draw, built from the document in `explore`.
//!
//! Everything a tooltip, a "Copy data" or a click needs is prepared here, so that the UI
//! only draws and never looks records up itself.

use super::format;
use super::validate::RecordRef;

/// How values on the value axis are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueUnit {
    /// US dollars (scaled for display by the user's display unit).
    Usd,
    /// Percent.
    Percent,
    /// A plain number without unit (an index such as RCA or a concentration).
    Index,
}

/// Which way a series goes, so that the same meaning keeps the same colour everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hue {
    /// Exports.
    Exports,
    /// Imports.
    Imports,
    /// Total trade.
    Total,
    /// Trade balance.
    Balance,
    /// Any other series, by index.
    Other(usize),
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    /// Line through the points, with a marker on each (a single point still shows).
    Line {
        /// Dashed, e.g. for mirror figures or targets.
        dashed: bool,
    },
    /// Markers only, with the point's label written beside each.
    Markers,
    /// Horizontal bars: `x` is the value, `y` the category position.
    HorizontalBars,
    /// Vertical bars: `x` the category position, `y` the value, from `base`.
    VerticalBars,
}

/// One point or bar.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    /// Position along the horizontal axis.
    pub x: f64,
    /// Position along the vertical axis.
    pub y: f64,
    /// Where a bar starts (for stacked bars); 0 otherwise.
    pub base: f64,
    /// The value in its unit (USD or percent), signed as drawn.
    pub value: f64,
    /// What the point is, e.g. "2024" or "Citrus fruits", for tooltips and copied data.
    pub label: String,
    /// Tooltip lines: exact value, unit, year, record, source.
    pub tooltip: Vec<String>,
    /// The record the point comes from, if it comes from one.
    pub record: Option<RecordRef>,
    /// Source title, for copied data.
    pub source: String,
    /// The product code a click drills down into (HS chapter → headings → products).
    pub drill: Option<String>,
    /// The product or category code the point stands for (its HS section colours a
    /// treemap tile).
    pub code: Option<String>,
}

/// A named series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// Legend name (unique within the chart).
    pub name: String,
    /// Colour meaning.
    pub hue: Hue,
    /// How it is drawn.
    pub style: SeriesStyle,
    /// The points, in drawing order.
    pub points: Vec<ChartPoint>,
}

impl ChartPoint {
    /// A point of a year computed from other figures: no record or source of its own.
    pub fn derived(year: i32, value: f64, tooltip: Vec<String>) -> ChartPoint {
        ChartPoint {
            x: f64::from(year),
            y: value,
            base: 0.0,
            value,
            label: year.to_string(),
            tooltip,
            record: None,
            source: String::new(),
            drill: None,
            code: None,
        }
    }
}

impl ChartSeries {
    /// A line through `points` (dashed for mirror figures, targets, balances).
    pub fn line(name: String, hue: Hue, dashed: bool, points: Vec<ChartPoint>) -> ChartSeries {
        ChartSeries {
            name,
            hue,
            style: SeriesStyle::Line { dashed },
            points,
        }
    }

    /// Horizontal bars, added to `series` unless there are none.
    pub fn push_bars(
        series: &mut Vec<ChartSeries>,
        name: String,
        hue: Hue,
        points: Vec<ChartPoint>,
    ) {
        if !points.is_empty() {
            series.push(ChartSeries {
                name,
                hue,
                style: SeriesStyle::HorizontalBars,
                points,
            });
        }
    }
}

/// A chart, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// Stable key, e.g. `trade_over_time`; identifies the plot.
    pub key: String,
    /// Title shown above the chart.
    pub title: String,
    /// Horizontal axis title, with unit.
    pub x_title: String,
    /// Vertical axis title, with unit.
    pub y_title: String,
    /// Unit of the values.
    pub unit: ValueUnit,
    /// Whether the horizontal axis is years (integers on the axis, linked year cursor).
    pub x_is_year: bool,
    /// Whether negative positions on the value axis are magnitudes drawn the other way
    /// (a butterfly chart), so their ticks show no minus sign.
    pub mirrored_values: bool,
    /// Names of category positions on the category axis (index = position).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<ChartSeries>,
    /// Lists shown beside the chart, e.g. ("Exports, value not reported", [names]).
    pub side_lists: Vec<(String, Vec<String>)>,
    /// Shown instead of the plot when there is nothing to draw.
    pub empty_message: String,
}

impl ChartData {
    /// True when no series has a point.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The chart's numbers as tab-separated values with a header line.
    pub fn to_tsv(&self) -> String {
        let value_title = match self.unit {
            ValueUnit::Usd => "Value (USD)",
            ValueUnit::Percent => "Value (%)",
            ValueUnit::Index => "Value",
        };
        let mut out = format!("Series\tItem\t{value_title}\tRecord\tSource\n");
        for series in &self.series {
            for p in &series.points {
                let record = p
                    .record
                    .as_ref()
                    .map(|r| format!("{} {}", r.kind.label(), r.key))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    clean(&series.name),
                    clean(&p.label),
                    p.value,
                    clean(&record),
                    clean(&p.source)
                ));
            }
        }
        for (title, names) in &self.side_lists {
            for name in names {
                out.push_str(&format!("{}\t{}\t\t\t\n", clean(title), clean(name)));
            }
        }
        out
    }
}

/// Tabs and newlines inside a field would break the TSV layout.
fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The unit money is shown in on axes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MoneyUnit {
    /// Short forms on axes ($53.7M); values in US dollars.
    #[default]
    Usd,
    /// Thousands of US dollars.
    ThousandUsd,
    /// Millions of US dollars.
    MillionUsd,
}

impl MoneyUnit {
    /// Every unit, in menu order.
    pub const ALL: [MoneyUnit; 3] = [
        MoneyUnit::Usd,
        MoneyUnit::ThousandUsd,
        MoneyUnit::MillionUsd,
    ];

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Usd => "US dollars",
            MoneyUnit::ThousandUsd => "Thousand US dollars",
            MoneyUnit::MillionUsd => "Million US dollars",
        }
    }

    /// What one unit on an axis is worth in dollars.
    pub fn divisor(self) -> f64 {
        match self {
            MoneyUnit::Usd => 1.0,
            MoneyUnit::ThousandUsd => 1e3,
            MoneyUnit::MillionUsd => 1e6,
        }
    }

    /// Axis title suffix, e.g. "million USD".
    pub fn axis_suffix(self) -> &'static str {
        match self {
            MoneyUnit::Usd => "USD",
            MoneyUnit::ThousandUsd => "thousand USD",
            MoneyUnit::MillionUsd => "million USD",
        }
    }

    /// An axis tick: `$53.7M` in USD, `53,700` in thousands, `53.7` in millions.
    pub fn tick(self, usd: f64) -> String {
        match self {
            MoneyUnit::Usd => format::usd_short(usd),
            MoneyUnit::ThousandUsd | MoneyUnit::MillionUsd => {
                let v = usd / self.divisor();
                if v.abs() >= 100.0 || v.fract() == 0.0 {
                    let sign = if v < 0.0 { "-" } else { "" };
                    format!("{sign}{}", format::group_thousands(v.abs().round() as u64))
                } else {
                    format!("{v:.1}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_has_a_header_and_one_line_per_point() {
        let chart = ChartData {
            key: "k".into(),
            title: "T".into(),
            x_title: "Year".into(),
            y_title: "USD".into(),
            unit: ValueUnit::Usd,
            x_is_year: true,
            mirrored_values: false,
            categories: vec![],
            series: vec![ChartSeries {
                name: "Total\ttrade".into(),
                hue: Hue::Total,
                style: SeriesStyle::Line { dashed: false },
                points: vec![ChartPoint {
                    x: 2024.0,
                    y: 53.7e6,
                    base: 0.0,
                    value: 53.7e6,
                    label: "2024".into(),
                    tooltip: vec![],
                    record: None,
                    source: "Arab News".into(),
                    drill: None,
                    code: None,
                }],
            }],
            side_lists: vec![("Not reported".into(), vec!["Oats".into()])],
            empty_message: String::new(),
        };
        let tsv = chart.to_tsv();
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines[0], "Series\tItem\tValue (USD)\tRecord\tSource");
        assert_eq!(lines[1], "Total trade\t2024\t53700000\t\tArab News");
        assert_eq!(lines[2], "Not reported\tOats\t\t\t");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn money_ticks_follow_the_display_unit() {
        assert_eq!(MoneyUnit::Usd.tick(53.7e6), "$53.7M");
        assert_eq!(MoneyUnit::ThousandUsd.tick(53.7e6), "53,700");
        assert_eq!(MoneyUnit::MillionUsd.tick(53.7e6), "53.7");
        assert_eq!(MoneyUnit::MillionUsd.tick(5e9), "5,000");
        assert_eq!(MoneyUnit::MillionUsd.tick(-2e6), "-2");
    }
}
