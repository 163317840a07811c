//! Charts of investments, agreements and indicators.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::chart::{ChartData, ChartPoint, ChartSeries, Hue, SeriesStyle, ValueUnit};
use crate::model::country::display_name;
use crate::model::document::{Document, Status};
use crate::model::format;
use crate::model::validate::{RecordKind, RecordRef};

use super::*;

/// A point of an investment at `[x, y]` (y its amount), with its tooltip, record and
/// source.
fn investment_point(
    doc: &Document,
    index: usize,
    v: &crate::model::document::Investment,
    [x, y]: [f64; 2],
    label: String,
) -> ChartPoint {
    ChartPoint {
        x,
        y,
        base: 0.0,
        value: y,
        label,
        tooltip: investment_tooltip(doc, v),
        record: Some(RecordRef {
            kind: RecordKind::Investment,
            index,
            key: v.id.to_string(),
        }),
        source: source_title(doc, v.source),
        drill: None,
        code: None,
    }
}

fn investment_tooltip(doc: &Document, v: &crate::model::document::Investment) -> Vec<String> {
    let mut lines = vec![v.title.clone()];
    lines.push(format!(
        "{}, {}",
        v.kind.label(),
        v.status.label().to_lowercase()
    ));
    match (v.amount_usd, v.amount_basis) {
        (Some(amount), basis) => lines.push(format!(
            "{}{}",
            format::usd_line(amount),
            basis.map_or(String::new(), |b| format!(", {}", b.label().to_lowercase()))
        )),
        (None, _) => lines.push("No amount stated".to_owned()),
    }
    lines.push(match v.announced {
        Some(date) => format!("Announced {date}"),
        None => "Announcement date not given".to_owned(),
    });
    let parties: Vec<&str> = v.parties.iter().map(|p| display_name(doc, p)).collect();
    lines.push(format!("Parties: {}", parties.join(", ")));
    lines.push(format!("Record: investment {}", v.id));
    lines.push(source_line(doc, v.source));
    lines
}

/// Investments and agreements of `focus` (with `partner` only, when given): stated
/// amounts by partner and status, as stacked bars.
pub fn investment_bars(doc: &Document, focus: &str, partner: Option<&str>) -> ChartData {
    let focus_name = display_name(doc, focus);
    let relevant: Vec<(usize, &crate::model::document::Investment)> = doc
        .investments
        .iter()
        .enumerate()
        .filter(|(_, v)| involves(v, focus) && partner.is_none_or(|p| involves(v, p)))
        .collect();
    // Partner of each record: the first other party (or host).
    let other = |v: &crate::model::document::Investment| -> Option<String> {
        v.parties
            .iter()
            .map(String::as_str)
            .chain(v.host.as_deref())
            .find(|c| *c != focus && !c.is_empty())
            .map(str::to_owned)
    };
    let mut stacks: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_status: BTreeMap<Status, Vec<ChartPoint>> = BTreeMap::new();
    let mut without_amount = Vec::new();
    let mut partner_order: Vec<String> = relevant
        .iter()
        .filter(|(_, v)| v.amount_usd.is_some_and(f64::is_finite))
        .filter_map(|(_, v)| other(v))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    partner_order.sort_by_key(|code| display_name(doc, code).to_owned());
    let position: HashMap<String, usize> = partner_order
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    for (index, v) in relevant {
        let (Some(amount), Some(p)) = (v.amount_usd.filter(|a| a.is_finite()), other(v)) else {
            without_amount.push(v.title.clone());
            continue;
        };
        let base = stacks.entry(p.clone()).or_default();
        let label = format!("{} — {}", display_name(doc, &p), v.title);
        let point = investment_point(doc, index, v, [position[&p] as f64, amount], label);
        by_status.entry(v.status).or_default().push(ChartPoint {
            base: *base,
            ..point
        });
        *base += amount;
    }
    let series = by_status
        .into_iter()
        .map(|(status, points)| ChartSeries {
            name: status.label().to_owned(),
            hue: Hue::Other(status as usize),
            style: SeriesStyle::VerticalBars,
            points,
        })
        .collect();
    let mut side_lists = Vec::new();
    if !without_amount.is_empty() {
        side_lists.push(("No amount stated".to_owned(), without_amount));
    }
    let scope = match partner {
        Some(p) => format!("{focus_name} and {}", display_name(doc, p)),
        None => focus_name.to_owned(),
    };
    ChartData {
        key: if partner.is_some() {
            "pair_investment_bars"
        } else {
            "investment_bars"
        }
        .to_owned(),
        title: format!(
            "Investments and agreements of {scope}: stated amounts by partner and status"
        ),
        x_title: "Partner".to_owned(),
        y_title: "Stated amount".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: false,
        categories: partner_order
            .iter()
            .map(|c| display_name(doc, c).to_owned())
            .collect(),
        series,
        side_lists,
        empty_message: "No investment or agreement states an amount.".to_owned(),
    }
}

/// A date as a position on a year axis: 2024-05-07 → about 2024.35.
pub fn date_position(date: crate::model::date::PartialDate) -> f64 {
    use crate::model::date::PartialDate;
    match date {
        PartialDate::Year(y) => f64::from(y) + 0.5,
        PartialDate::YearMonth(y, m) => f64::from(y) + (f64::from(m) - 0.5) / 12.0,
        PartialDate::Date(y, m, d) => {
            f64::from(y) + (f64::from(m) - 1.0 + (f64::from(d) - 0.5) / 31.0) / 12.0
        }
    }
}

/// Announcements of investments and agreements of `focus` (with `partner`, when given) over
/// time: records with an amount at their amount, records without one as titled markers.
pub fn investment_timeline(doc: &Document, focus: &str, partner: Option<&str>) -> ChartData {
    let focus_name = display_name(doc, focus);
    let mut with_amount = Vec::new();
    let mut markers = Vec::new();
    let mut undated = Vec::new();
    for (index, v) in doc.investments.iter().enumerate() {
        if !involves(v, focus) || partner.is_some_and(|p| !involves(v, p)) {
            continue;
        }
        let Some(date) = v.announced else {
            undated.push(v.title.clone());
            continue;
        };
        let amount = v.amount_usd.filter(|a| a.is_finite());
        let xy = [date_position(date), amount.unwrap_or(0.0)];
        let point = investment_point(doc, index, v, xy, format!("{date}: {}", v.title));
        if amount.is_some() {
            with_amount.push(point);
        } else {
            markers.push(point);
        }
    }
    with_amount.sort_by(|p, q| p.x.total_cmp(&q.x));
    markers.sort_by(|p, q| p.x.total_cmp(&q.x));
    let mut series = Vec::new();
    if !with_amount.is_empty() {
        series.push(ChartSeries {
            name: "Stated amount".to_owned(),
            hue: Hue::Total,
            style: SeriesStyle::Markers,
            points: with_amount,
        });
    }
    if !markers.is_empty() {
        series.push(ChartSeries {
            name: "No amount stated".to_owned(),
            hue: Hue::Other(1),
            style: SeriesStyle::Markers,
            points: markers,
        });
    }
    let mut side_lists = Vec::new();
    if !undated.is_empty() {
        side_lists.push(("Announcement date not given".to_owned(), undated));
    }
    ChartData {
        key: if partner.is_some() {
            "pair_investment_timeline"
        } else {
            "investment_timeline"
        }
        .to_owned(),
        title: format!("Announcements of investments and agreements of {focus_name}"),
        x_title: "Year announced".to_owned(),
        y_title: "Stated amount".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: true,
        mirrored_values: false,
        categories: Vec::new(),
        series,
        side_lists,
        empty_message: "No investment or agreement has an announcement date.".to_owned(),
    }
}

/// Indicators and targets of `country`, one chart per indicator name: target and actual
/// values over the years, by segment.
pub fn indicator_charts(doc: &Document, country: &str) -> Vec<ChartData> {
    let country_name = display_name(doc, country);
    let mut names: Vec<&str> = Vec::new();
    for v in doc.indicators.iter().filter(|v| v.country == country) {
        if !names.contains(&v.name.as_str()) {
            names.push(&v.name);
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(chart_index, name)| {
            let mut groups: BTreeMap<
                (String, crate::model::document::IndicatorKind, String),
                Vec<ChartPoint>,
            > = BTreeMap::new();
            let mut yearless = Vec::new();
            let mut all_percent = true;
            for (index, v) in doc.indicators.iter().enumerate() {
                if v.country != country || v.name != name {
                    continue;
                }
                all_percent &= v.unit.trim() == "%";
                let value_text = if v.unit.trim() == "%" {
                    format!("{}%", v.value)
                } else {
                    format!("{} {}", v.value, v.unit)
                };
                let segment = if v.segment.is_empty() {
                    "All".to_owned()
                } else {
                    v.segment.clone()
                };
                let Some(year) = v.year else {
                    yearless.push(format!(
                        "{segment}: {value_text} ({})",
                        v.kind.label().to_lowercase()
                    ));
                    continue;
                };
                let mut tooltip = vec![
                    format!("{name}, {segment}"),
                    format!("{} {year}: {value_text}", v.kind.label()),
                    format!("Record: indicator {}", v.id),
                    source_line(doc, v.source),
                ];
                if !v.note.is_empty() {
                    tooltip.push(format!("Note: {}", v.note));
                }
                groups
                    .entry((segment.clone(), v.kind, v.unit.clone()))
                    .or_default()
                    .push(ChartPoint {
                        x: f64::from(year),
                        y: v.value,
                        base: 0.0,
                        value: v.value,
                        label: year.to_string(),
                        tooltip,
                        record: Some(RecordRef {
                            kind: RecordKind::Indicator,
                            index,
                            key: v.id.to_string(),
                        }),
                        source: source_title(doc, v.source),
                        drill: None,
                        code: None,
                    });
            }
            let series = groups
                .into_iter()
                .enumerate()
                .map(|(i, ((segment, kind, _), mut points))| {
                    points.sort_by(|p, q| p.x.total_cmp(&q.x));
                    ChartSeries {
                        name: format!("{segment} ({})", kind.label().to_lowercase()),
                        hue: Hue::Other(i),
                        style: SeriesStyle::Line {
                            dashed: kind == crate::model::document::IndicatorKind::Target,
                        },
                        points,
                    }
                })
                .collect();
            let mut side_lists = Vec::new();
            if !yearless.is_empty() {
                side_lists.push(("No year given".to_owned(), yearless));
            }
            ChartData {
                key: format!("indicator_{chart_index}"),
                title: format!("{name}: {country_name}"),
                x_title: "Year".to_owned(),
                y_title: if all_percent {
                    "Percent".to_owned()
                } else {
                    "Value".to_owned()
                },
                unit: if all_percent {
                    ValueUnit::Percent
                } else {
                    ValueUnit::Usd
                },
                x_is_year: true,
                mirrored_values: false,
                categories: Vec::new(),
                series,
                side_lists,
                empty_message: "No value of this indicator has a year.".to_owned(),
            }
        })
        .collect()
}
