//! What a pair of countries trades, product by product, from a linked dataset: HS6 codes
//! rolled up to headings (HS4) and chapters (HS2), with drill-down from a chapter to its
//! headings and from a heading to its products.

use std::collections::{HashMap, HashSet};

use super::chart::{ChartData, ChartPoint, ChartSeries, Hue, ValueUnit};
use super::country::display_name;
use super::dataset::{DatasetLink, TradeTable, pair_breakdowns};
use super::document::Document;
use super::format;
use super::hierarchy::{self, Node};
use super::hs;
use super::validate::{RecordKind, RecordRef};

/// Bars drawn at most; the rest are summed into one "Other" bar, so a chart stays readable
/// (and small) whatever the number of products.
pub const MAX_BARS: usize = 25;

pub use super::hierarchy::level_below;

/// Name of a level for titles.
pub fn level_name(digits: usize) -> &'static str {
    match digits {
        2 => "HS chapter",
        4 => "HS heading",
        _ => "HS product",
    }
}

/// Label of the bar for what a file gives for a code without breaking it down.
pub const NOT_BROKEN_DOWN: &str = "Not broken down in the file";

/// One direction of a breakdown: the largest [`MAX_BARS`] nodes, the rest as a sum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Side {
    /// The nodes shown, largest first.
    pub nodes: Vec<Node>,
    /// Sum and count of the nodes left out.
    pub rest: (f64, usize),
    /// What the parent's own row has beyond its children (see [`hierarchy::Breakdown`]).
    pub not_broken_down: f64,
}

impl Side {
    fn of(mut b: hierarchy::Breakdown) -> Side {
        let rest = b.nodes.split_off(b.nodes.len().min(MAX_BARS));
        Side {
            nodes: b.nodes,
            rest: (rest.iter().map(|n| n.value).sum(), rest.len()),
            not_broken_down: b.not_broken_down,
        }
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.rest.1 == 0 && self.not_broken_down == 0.0
    }
}

/// The product breakdown of one pair and year from one dataset, as computed off the UI
/// thread.
#[derive(Debug, Clone, PartialEq)]
pub struct PairProducts {
    /// Index of the dataset in the document's list.
    pub dataset_index: usize,
    /// The dataset's link (for its name and id).
    pub dataset: DatasetLink,
    /// The year shown.
    pub year: u16,
    /// Digits of the codes (2, 4 or 6).
    pub digits: usize,
    /// The code drilled into, if any.
    pub within: Option<String>,
    /// Exports of the focus country to the partner.
    pub exports: Side,
    /// Imports of the focus country from the partner.
    pub imports: Side,
    /// Names of the codes shown, from the dataset or the HS chapter list.
    pub names: HashMap<String, String>,
}

impl PairProducts {
    /// True when the dataset has product rows for the pair and year (or a drill-down is
    /// open, which then says that it is empty).
    pub fn has_products(&self) -> bool {
        !self.exports.is_empty() || !self.imports.is_empty() || self.within.is_some()
    }
}

/// Computes the breakdown of `a`'s trade with `b` in `year`.
pub fn pair_products_of(
    table: &TradeTable,
    dataset_index: usize,
    dataset: &DatasetLink,
    a: &str,
    b: &str,
    year: u16,
    within: Option<&str>,
) -> PairProducts {
    let digits = level_below(within);
    let (exports, imports) = pair_breakdowns(table, a, b, year, within, digits);
    let (exports, imports) = (Side::of(exports), Side::of(imports));
    let mut wanted: HashSet<&str> = exports
        .nodes
        .iter()
        .chain(&imports.nodes)
        .map(|n| n.code.as_str())
        .collect();
    // The code drilled into is named in the title.
    if let Some(w) = within {
        wanted.insert(w);
    }
    let mut names: HashMap<String, String> = HashMap::new();
    for p in &table.products {
        if wanted.contains(p.code.as_str()) && !p.name.is_empty() {
            names.insert(p.code.clone(), p.name.clone());
        }
    }
    for code in wanted {
        if !names.contains_key(code)
            && let Some(name) = hs::name(code)
        {
            names.insert(code.to_owned(), name.to_owned());
        }
    }
    PairProducts {
        dataset_index,
        dataset: dataset.clone(),
        year,
        digits,
        within: within.map(str::to_owned),
        exports,
        imports,
        names,
    }
}

/// Rows of the chart: codes by the larger of their two values, largest at the top, then
/// "Other" and what is not broken down; the label of each row and the row of each code.
fn chart_rows(
    p: &PairProducts,
    label: impl Fn(&str) -> String,
) -> (Vec<String>, HashMap<&str, usize>) {
    let mut biggest: HashMap<&str, f64> = HashMap::new();
    for n in p.exports.nodes.iter().chain(&p.imports.nodes) {
        let e = biggest.entry(n.code.as_str()).or_default();
        *e = e.max(n.value);
    }
    let mut codes: Vec<(&str, f64)> = biggest.into_iter().collect();
    codes.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    let mut extra: Vec<&str> = Vec::new();
    if p.exports.not_broken_down > 0.0 || p.imports.not_broken_down > 0.0 {
        extra.push(NOT_BROKEN_DOWN);
    }
    if p.exports.rest.1 + p.imports.rest.1 > 0 {
        extra.push("Other");
    }
    let n = codes.len() + extra.len();
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut categories = vec![String::new(); n];
    for (i, name) in extra.into_iter().enumerate() {
        position.insert(name, i);
        categories[i] = name.to_owned();
    }
    for (i, (code, _)) in codes.iter().enumerate() {
        let pos = n - 1 - i;
        position.insert(code, pos);
        categories[pos] = label(code);
    }
    (categories, position)
}

/// The bars of one direction.
fn side_points(
    p: &PairProducts,
    side: &Side,
    name: &str,
    sign: f64,
    position: &HashMap<&str, usize>,
    label: &impl Fn(&str) -> String,
) -> Vec<ChartPoint> {
    let record = RecordRef {
        kind: RecordKind::Dataset,
        index: p.dataset_index,
        key: p.dataset.id.to_string(),
    };
    let source = format!("Dataset: {}", p.dataset.name);
    let level = level_name(p.digits);
    let point =
        |y: usize, value: f64, label: String, tooltip: Vec<String>, drill, code| ChartPoint {
            x: sign * value,
            y: y as f64,
            base: 0.0,
            value,
            label,
            tooltip,
            record: Some(record.clone()),
            source: source.clone(),
            drill,
            code,
        };
    let mut points: Vec<ChartPoint> = side
        .nodes
        .iter()
        .map(|n| {
            let mut tooltip = vec![
                format!("{name}: {}, {}", label(&n.code), p.year),
                format::usd_line(n.value),
                format!("From the rows of dataset {} for this code", p.dataset.name),
            ];
            let drill = (n.has_finer && hierarchy::is_hs(&n.code)).then(|| n.code.clone());
            if drill.is_some() {
                let below = level_name(level_below(Some(&n.code)));
                tooltip.push(format!(
                    "Click to show its {}s",
                    below.trim_start_matches("HS ")
                ));
            } else if hierarchy::is_hs(&n.code) && p.digits < 6 {
                tooltip.push("The file has no finer rows for this code".to_owned());
            }
            point(
                position[n.code.as_str()],
                n.value,
                label(&n.code),
                tooltip,
                drill,
                Some(n.code.clone()),
            )
        })
        .collect();
    let (rest_sum, rest_n) = side.rest;
    if rest_n > 0 {
        let tooltip = vec![
            format!("{name}: {rest_n} other {level}s, {}", p.year),
            format::usd_line(rest_sum),
        ];
        points.push(point(
            position["Other"],
            rest_sum,
            "Other".to_owned(),
            tooltip,
            None,
            None,
        ));
    }
    if side.not_broken_down > 0.0 {
        let parent = p.within.as_deref().map_or("the total".to_owned(), label);
        let tooltip = vec![
            format!("{name}: {NOT_BROKEN_DOWN}, {}", p.year),
            format::usd_line(side.not_broken_down),
            format!("What the file gives for {parent} beyond the codes it lists below it"),
        ];
        let y = position[NOT_BROKEN_DOWN];
        points.push(point(
            y,
            side.not_broken_down,
            NOT_BROKEN_DOWN.to_owned(),
            tooltip,
            None,
            p.within.clone(),
        ));
    }
    points
}

/// The butterfly chart of a breakdown: exports to the right, imports to the left, one row
/// per code; a click on a chapter or heading with finer rows drills into it.
pub fn product_chart(doc: &Document, a: &str, b: &str, p: &PairProducts) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    let label = |code: &str| match p.names.get(code) {
        Some(name) => format!("{code} {name}"),
        None => code.to_owned(),
    };
    let (categories, position) = chart_rows(p, label);
    let level = level_name(p.digits);
    let mut series = Vec::new();
    let sides = [
        (
            format!("Exports to {b_name}"),
            Hue::Exports,
            1.0,
            &p.exports,
        ),
        (
            format!("Imports from {b_name}"),
            Hue::Imports,
            -1.0,
            &p.imports,
        ),
    ];
    for (name, hue, sign, side) in sides {
        let points = side_points(p, side, &name, sign, &position, &label);
        ChartSeries::push_bars(&mut series, name, hue, points);
    }
    let scope = match &p.within {
        Some(code) => format!(" within {}", label(code)),
        None => String::new(),
    };
    ChartData {
        key: "products".to_owned(),
        title: format!(
            "{a_name} – {b_name} by {level}{scope}, {} (dataset {})",
            p.year, p.dataset.name
        ),
        x_title: "Imports (left) and exports (right), value".to_owned(),
        y_title: level.to_owned(),
        unit: ValueUnit::Usd,
        x_is_year: false,
        mirrored_values: true,
        categories,
        series,
        side_lists: Vec::new(),
        empty_message: format!(
            "Dataset {} has no product rows of {a_name} and {b_name} in {}{scope}.",
            p.dataset.name, p.year
        ),
    }
}

/// The codes a user can step back to from `within`: the chapter of a heading, the heading
/// of a product.
pub fn drill_path(within: Option<&str>) -> Vec<String> {
    let Some(code) = within else {
        return Vec::new();
    };
    (2..=code.len())
        .step_by(2)
        .filter(|&n| n <= code.len())
        .filter_map(|n| code.get(..n).map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DatasetCountry, DatasetProduct, Layout, RowFlow};

    fn table() -> TradeTable {
        let country = |c: &str| DatasetCountry {
            code: c.into(),
            name: c.into(),
            world: false,
            unknown: false,
        };
        let mut t = TradeTable {
            countries: vec![country("PAK"), country("KAZ")],
            products: (0..40)
                .map(|i| DatasetProduct {
                    code: format!("{:02}{:02}10", 1 + i % 30, i),
                    name: format!("Product {i}"),
                })
                .collect(),
            reconciled: true,
            ..TradeTable::default()
        };
        for i in 0..40u32 {
            t.year.push(2024);
            t.reporter.push(0);
            t.partner.push(1);
            t.flow.push(RowFlow::Export as u8);
            t.product.push(i);
            t.value.push(f64::from(i + 1) * 1000.0);
            t.quantity.push(f32::NAN);
        }
        t.compute_flags();
        t
    }

    fn link() -> DatasetLink {
        DatasetLink {
            id: 1,
            name: "test.csv".into(),
            path: "/tmp/test.csv".into(),
            layout: Layout::Baci,
            mapping: None,
            rows: 40,
            size: 0,
            modified_ns: 0,
            fingerprint: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn chapters_roll_up_and_drill_down() {
        let t = table();
        let doc = Document::new();
        let top = pair_products_of(&t, 0, &link(), "PAK", "KAZ", 2024, None);
        assert_eq!(top.digits, 2);
        // 40 products in 30 chapters: at most MAX_BARS bars plus the rest summed.
        let total: f64 = (1..=40).map(|i| f64::from(i) * 1000.0).sum();
        let shown: f64 = top.exports.nodes.iter().map(|n| n.value).sum();
        assert_eq!(top.exports.nodes.len(), MAX_BARS);
        assert_eq!(top.exports.rest.1, 30 - MAX_BARS);
        assert!((shown + top.exports.rest.0 - total).abs() < 1e-6);
        assert!(top.imports.is_empty());
        assert_eq!(top.exports.not_broken_down, 0.0);
        let chart = product_chart(&doc, "PAK", "KAZ", &top);
        let bars = &chart.series[0].points;
        assert_eq!(bars.len(), MAX_BARS + 1);
        assert!(bars.iter().filter(|b| b.drill.is_some()).count() == MAX_BARS);
        assert_eq!(chart.categories.len(), MAX_BARS + 1);
        assert_eq!(chart.categories[0], "Other");

        // Chapter 01 holds products 0 and 30: drill into it, then into one heading.
        let chapter = pair_products_of(&t, 0, &link(), "PAK", "KAZ", 2024, Some("01"));
        assert_eq!(chapter.digits, 4);
        let codes: Vec<&str> = chapter
            .exports
            .nodes
            .iter()
            .map(|n| n.code.as_str())
            .collect();
        assert_eq!(codes, vec!["0130", "0100"]);
        let heading = pair_products_of(&t, 0, &link(), "PAK", "KAZ", 2024, Some("0130"));
        assert_eq!(heading.digits, 6);
        let values: Vec<(&str, f64)> = heading
            .exports
            .nodes
            .iter()
            .map(|n| (n.code.as_str(), n.value))
            .collect();
        assert_eq!(values, vec![("013010", 31000.0)]);
        assert_eq!(heading.names["013010"], "Product 30");
        let chart = product_chart(&doc, "PAK", "KAZ", &heading);
        assert!(
            chart.series[0].points[0].drill.is_none(),
            "HS6 is the last level"
        );
        assert_eq!(drill_path(Some("0130")), vec!["01", "0130"]);
    }
}
