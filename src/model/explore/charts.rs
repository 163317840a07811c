//! Chart series of trade: a pair over time, its categories, the focus country's partners.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::chart::{ChartData, ChartPoint, ChartSeries, Hue, SeriesStyle, ValueUnit};
use crate::model::country::display_name;
use crate::model::document::{Document, Flow};
use crate::model::format;

use super::*;

fn obs_point(doc: &Document, what: &str, year: i32, obs: &Obs, y: f64) -> ChartPoint {
    ChartPoint {
        x: f64::from(year),
        y,
        base: 0.0,
        value: obs.value,
        label: year.to_string(),
        tooltip: obs_tooltip(doc, &format!("{what}, {year}"), obs),
        record: Some(obs.record()),
        source: obs_source_title(doc, obs),
        drill: None,
        code: None,
    }
}

/// Where a figure computed from a year's exports and imports comes from: "Exports:
/// dataset baci.csv (1,204 rows); imports: trade record 7".
fn parts_origin(y: &PairYear) -> String {
    let origin = |obs: Option<&Obs>| match obs {
        Some(Obs {
            dataset: Some((_, name, rows)),
            ..
        }) => format!("dataset {name} ({})", format::count(*rows as usize, "row")),
        Some(obs) => format!("trade record {}", obs.id),
        None => "none".to_owned(),
    };
    format!(
        "Exports: {}; imports: {}",
        origin(y.best_exports()),
        origin(y.best_imports())
    )
}

/// Trade of `a` with `b` over time: exports, imports, total and balance, with mirror
/// figures side by side where both countries report.
pub fn trade_chart(doc: &Document, a: &str, b: &str) -> ChartData {
    trade_chart_from(doc, a, b, &pair_years(doc, a, b))
}

/// [`trade_chart`], from the pair's figures by year.
pub fn trade_chart_from(doc: &Document, a: &str, b: &str, years: &[PairYear]) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    let mut series = Vec::new();

    type Pick = fn(&PairYear) -> (Option<&Obs>, Option<&Obs>);
    let flows: [(String, Hue, Pick); 3] = [
        (format!("Exports to {b_name}"), Hue::Exports, |y| {
            (y.exports.as_ref(), y.exports_mirror.as_ref())
        }),
        (format!("Imports from {b_name}"), Hue::Imports, |y| {
            (y.imports.as_ref(), y.imports_mirror.as_ref())
        }),
        ("Total trade".to_owned(), Hue::Total, |y| {
            (y.total.as_ref(), y.total_mirror.as_ref())
        }),
    ];
    for (name, hue, pick) in flows {
        let both = years.iter().any(|y| matches!(pick(y), (Some(_), Some(_))));
        if both {
            let own: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| pick(y).0.map(|o| obs_point(doc, &name, y.year, o, o.value)))
                .collect();
            let mirror: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| pick(y).1.map(|o| obs_point(doc, &name, y.year, o, o.value)))
                .collect();
            series.push(ChartSeries::line(
                format!("{name} (reported by {a_name})"),
                hue,
                false,
                own,
            ));
            series.push(ChartSeries::line(
                format!("{name} (reported by {b_name})"),
                hue,
                true,
                mirror,
            ));
        } else {
            let mut points: Vec<ChartPoint> = years
                .iter()
                .filter_map(|y| {
                    let (own, mirror) = pick(y);
                    own.or(mirror)
                        .map(|o| obs_point(doc, &name, y.year, o, o.value))
                })
                .collect();
            if hue == Hue::Total {
                // Years with exports and imports but no reported total.
                for y in years.iter().filter(|y| y.best_total().is_none()) {
                    if let Some(value) = y.total_value() {
                        points.push(ChartPoint::derived(
                            y.year,
                            value,
                            vec![
                                format!("Total trade, {}", y.year),
                                format::usd_line(value),
                                "Sum of exports and imports; no total was reported".to_owned(),
                                parts_origin(y),
                            ],
                        ));
                    }
                }
                points.sort_by(|p, q| p.x.total_cmp(&q.x));
            }
            if !points.is_empty() {
                series.push(ChartSeries::line(name, hue, false, points));
            }
        }
    }
    let balance: Vec<ChartPoint> = years
        .iter()
        .filter_map(|y| {
            let value = y.balance()?;
            Some(ChartPoint::derived(
                y.year,
                value,
                vec![
                    format!("Balance, {}", y.year),
                    format!("{}: exports minus imports", format::usd_line(value)),
                    parts_origin(y),
                ],
            ))
        })
        .collect();
    if !balance.is_empty() {
        series.push(ChartSeries::line(
            "Balance".to_owned(),
            Hue::Balance,
            true,
            balance,
        ));
    }

    ChartData {
        key: "trade_over_time".to_owned(),
        title: format!("Trade of {a_name} with {b_name} over time"),
        x_title: "Year".to_owned(),
        y_title: "Value".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: true,
        mirrored_values: false,
        categories: Vec::new(),
        series,
        side_lists: Vec::new(),
        empty_message: format!(
            "No trade figure with a value and a year for {a_name} and {b_name}."
        ),
    }
}

/// A category figure of one direction, the latest valued record for that category.
struct CategoryValue {
    code: String,
    year: Option<i32>,
    obs: Obs,
}

/// Per direction (0: `a` exports to `b`, 1: imports), the best record of each category
/// (latest year, own report first), and every category named, with a value or not.
#[allow(clippy::type_complexity)]
fn categories_by_side(
    doc: &Document,
    a: &str,
    b: &str,
) -> ([BTreeMap<String, CategoryValue>; 2], [Vec<String>; 2]) {
    let mut valued: [BTreeMap<String, CategoryValue>; 2] = [BTreeMap::new(), BTreeMap::new()];
    let mut named: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for (index, t) in doc.trade.iter().enumerate() {
        let Some(code) = &t.category else { continue };
        let by_a = t.reporter == a && t.partner == b;
        let by_b = t.reporter == b && t.partner == a;
        let side = match (t.flow, by_a, by_b) {
            (Flow::Export, true, _) | (Flow::Import, _, true) => 0,
            (Flow::Import, true, _) | (Flow::Export, _, true) => 1,
            _ => continue,
        };
        if !named[side].contains(code) {
            named[side].push(code.clone());
        }
        let Some(value) = t.value_usd.filter(|v| v.is_finite()) else {
            continue;
        };
        let candidate = CategoryValue {
            code: code.clone(),
            year: t.year,
            obs: Obs::of(t, index, value),
        };
        let better = match valued[side].get(code) {
            None => true,
            Some(old) => {
                (candidate.year, candidate.obs.reporter == a) > (old.year, old.obs.reporter == a)
            }
        };
        if better {
            valued[side].insert(code.clone(), candidate);
        }
    }
    (valued, named)
}

/// What `a` exports to and imports from `b`, by category: a butterfly chart (exports to
/// the right, imports to the left), sorted by value. Categories named without a value are
/// listed beside it as "value not reported", never drawn as zero.
pub fn category_chart(doc: &Document, a: &str, b: &str) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    let (valued, named) = categories_by_side(doc, a, b);
    let name_of = |code: &str| {
        doc.category(code)
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    // Category positions: by the larger of the two values, largest at the top.
    let mut codes: Vec<(String, f64)> = valued[0]
        .keys()
        .chain(valued[1].keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|code| {
            let biggest = valued
                .iter()
                .filter_map(|side| side.get(code).map(|c| c.obs.value))
                .fold(0.0, f64::max);
            (code.clone(), biggest)
        })
        .collect();
    codes.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let n = codes.len();
    let position: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, (code, _))| (code.as_str(), n - 1 - i))
        .collect();
    let mut categories = vec![String::new(); n];
    for (code, _) in &codes {
        categories[position[code.as_str()]] = name_of(code);
    }

    let mut series = Vec::new();
    let sides = [
        (format!("Exports to {b_name}"), Hue::Exports, 1.0),
        (format!("Imports from {b_name}"), Hue::Imports, -1.0),
    ];
    for (side, (name, hue, sign)) in sides.into_iter().enumerate() {
        let mut points: Vec<ChartPoint> = valued[side]
            .values()
            .map(|c| {
                let category = name_of(&c.code);
                let what = match c.year {
                    Some(year) => format!("{name}: {category}, {year}"),
                    None => format!("{name}: {category} (year not given)"),
                };
                ChartPoint {
                    x: sign * c.obs.value,
                    y: position[c.code.as_str()] as f64,
                    base: 0.0,
                    value: c.obs.value,
                    label: category,
                    tooltip: obs_tooltip(doc, &what, &c.obs),
                    record: Some(c.obs.record()),
                    source: obs_source_title(doc, &c.obs),
                    drill: None,
                    code: Some(c.code.clone()),
                }
            })
            .collect();
        points.sort_by(|p, q| q.value.total_cmp(&p.value));
        ChartSeries::push_bars(&mut series, name, hue, points);
    }
    let mut side_lists = Vec::new();
    let unreported = [
        format!("Exports to {b_name}, value not reported"),
        format!("Imports from {b_name}, value not reported"),
    ];
    for (side, title) in unreported.into_iter().enumerate() {
        let names: Vec<String> = named[side]
            .iter()
            .filter(|code| !valued[side].contains_key(*code))
            .map(|code| name_of(code))
            .collect();
        if !names.is_empty() {
            side_lists.push((title, names));
        }
    }
    ChartData {
        key: "categories".to_owned(),
        title: format!("What {a_name} exports to and imports from {b_name}"),
        x_title: "Imports (left) and exports (right), value".to_owned(),
        y_title: "Category".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: true,
        categories,
        series,
        side_lists,
        empty_message: if named.iter().all(Vec::is_empty) {
            format!("No trade record of {a_name} and {b_name} names a category.")
        } else {
            "No category has a reported value: the sources name the products below without saying how much of each was traded, so there is nothing to size bars or tiles by. Link a UN Comtrade or BACI file for values by product.".to_owned()
        },
    }
}

/// Total trade of `focus` by partner in `year`, as horizontal bars with each partner's
/// share of the sum over the partners shown.
pub fn partners_chart(doc: &Document, focus: &str, year: i32) -> ChartData {
    let name = |code: &str| display_name(doc, code).to_owned();
    partners_chart_from(doc, focus, &focus_trade(doc, focus), year, &name)
}

/// [`partners_chart`], from the focus country's grouped trade, with partners named by
/// `name_of` (which knows the names linked datasets give to codes that are not ISO codes).
pub fn partners_chart_from(
    doc: &Document,
    focus: &str,
    trade: &FocusTrade,
    year: i32,
    name_of: &dyn Fn(&str) -> String,
) -> ChartData {
    let focus_name = display_name(doc, focus);
    let mut rows: Vec<(String, f64, Option<Obs>)> = trade
        .years
        .iter()
        .filter_map(|(code, years)| {
            let y = years.iter().find(|y| y.year == year)?;
            let value = y.total_value()?;
            Some((code.clone(), value, y.best_total().cloned()))
        })
        .collect();
    rows.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let sum: f64 = rows.iter().map(|r| r.1).sum();
    let all = rows.len();
    // A dataset can give a country two hundred partners: show the largest, with shares of all.
    rows.truncate(MAX_PARTNER_BARS);
    let n = rows.len();
    let mut categories = vec![String::new(); n];
    let points = rows
        .iter()
        .enumerate()
        .map(|(i, (code, value, obs))| {
            let pos = n - 1 - i;
            let name = name_of(code);
            let share = if sum > 0.0 { value / sum * 100.0 } else { 0.0 };
            categories[pos] = format!("{name} ({share:.1}%)");
            let what = format!("Total trade {focus_name}–{name}, {year}");
            let mut tooltip = match obs {
                Some(obs) => obs_tooltip(doc, &what, obs),
                None => vec![
                    what,
                    format!("{} US dollars", format::usd_full(*value)),
                    "Sum of exports and imports; no total was reported".to_owned(),
                ],
            };
            tooltip.insert(
                2,
                if all > n {
                    format!("{share:.1}% of {focus_name}'s trade with all {all} partners")
                } else {
                    format!("{share:.1}% of {focus_name}'s trade with the partners shown")
                },
            );
            ChartPoint {
                x: *value,
                y: pos as f64,
                base: 0.0,
                value: *value,
                label: name,
                tooltip,
                record: obs.as_ref().map(Obs::record),
                source: obs
                    .as_ref()
                    .map(|o| obs_source_title(doc, o))
                    .unwrap_or_default(),
                drill: None,
                code: None,
            }
        })
        .collect();
    ChartData {
        key: "partners".to_owned(),
        title: if all > n {
            format!("Total trade of {focus_name}, {year}: top {n} of {all} partners (share of all)")
        } else {
            format!("Total trade of {focus_name} by partner, {year} (share of the partners shown)")
        },
        x_title: "Total trade".to_owned(),
        y_title: "Partner (share)".to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: false,
        categories,
        series: vec![ChartSeries {
            name: "Total trade".to_owned(),
            hue: Hue::Total,
            style: SeriesStyle::HorizontalBars,
            points,
        }],
        side_lists: Vec::new(),
        empty_message: format!("No total trade of {focus_name} with a partner in {year}."),
    }
}
