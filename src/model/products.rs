//! What a pair of countries trades, product by product, from a linked dataset: HS6 codes
//! rolled up to headings (HS4) and chapters (HS2), with drill-down from a chapter to its
//! headings and from a heading to its products.

use std::collections::HashMap;

use super::chart::{ChartData, ChartPoint, ChartSeries, Hue, ValueUnit};
use super::country::display_name;
use super::dataset::{DatasetLink, ProductValues, TradeTable, pair_products};
use super::document::Document;
use super::format;
use super::hs;
use super::validate::{RecordKind, RecordRef};

/// Bars drawn at most; the rest are summed into one "Other" bar, so a chart stays readable
/// (and small) whatever the number of products.
pub const MAX_BARS: usize = 25;

/// Digits of the level shown below `within`: chapters at the top, then headings, then
/// six-digit products.
pub fn level_below(within: Option<&str>) -> usize {
    match within.map(str::len) {
        None | Some(0) => 2,
        Some(n) if n < 4 => 4,
        Some(_) => 6,
    }
}

/// Name of a level for titles.
pub fn level_name(digits: usize) -> &'static str {
    match digits {
        2 => "HS chapter",
        4 => "HS heading",
        _ => "HS product",
    }
}

/// The product breakdown of one pair and year from one dataset, as computed off the UI
/// thread: the largest [`MAX_BARS`] codes of each direction plus the rest as a sum.
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
    /// Exports of the focus country to the partner: top codes, largest first.
    pub exports: ProductValues,
    /// Imports of the focus country from the partner.
    pub imports: ProductValues,
    /// Sum and count of the export codes left out.
    pub exports_rest: (f64, usize),
    /// Sum and count of the import codes left out.
    pub imports_rest: (f64, usize),
    /// Names of the codes shown, from the dataset or the HS chapter list.
    pub names: HashMap<String, String>,
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
    let (exports, imports) = pair_products(table, a, b, year, digits, within);
    let split = |mut v: ProductValues| {
        let rest: ProductValues = v.split_off(v.len().min(MAX_BARS));
        let rest_sum = rest.iter().map(|(_, x)| x).sum::<f64>();
        (v, (rest_sum, rest.len()))
    };
    let (exports, exports_rest) = split(exports);
    let (imports, imports_rest) = split(imports);
    let mut wanted: std::collections::HashSet<&str> = exports
        .iter()
        .chain(&imports)
        .map(|(c, _)| c.as_str())
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
        if code.len() == 2
            && !names.contains_key(code)
            && let Some(name) = hs::chapter_name(code)
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
        exports_rest,
        imports_rest,
        names,
    }
}

/// Rows of the chart: codes by the larger of their two values, largest at the top, and
/// "Other" last; the label of each row and the row of each code.
fn chart_rows(
    p: &PairProducts,
    label: impl Fn(&str) -> String,
) -> (Vec<String>, HashMap<&str, usize>) {
    let mut biggest: HashMap<&str, f64> = HashMap::new();
    for (code, v) in p.exports.iter().chain(&p.imports) {
        let e = biggest.entry(code.as_str()).or_default();
        *e = e.max(*v);
    }
    let mut codes: Vec<(&str, f64)> = biggest.into_iter().collect();
    codes.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    let other = p.exports_rest.1 + p.imports_rest.1 > 0;
    let n = codes.len() + usize::from(other);
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut categories = vec![String::new(); n];
    if other {
        categories[0] = "Other".to_owned();
    }
    for (i, (code, _)) in codes.iter().enumerate() {
        let pos = n - 1 - i;
        position.insert(code, pos);
        categories[pos] = label(code);
    }
    (categories, position)
}

/// The butterfly chart of a breakdown: exports to the right, imports to the left, one row
/// per code; a click on a chapter or heading drills into it.
pub fn product_chart(doc: &Document, a: &str, b: &str, p: &PairProducts) -> ChartData {
    let a_name = display_name(doc, a);
    let b_name = display_name(doc, b);
    let label = |code: &str| match p.names.get(code) {
        Some(name) => format!("{code} {name}"),
        None => code.to_owned(),
    };
    let (categories, position) = chart_rows(p, label);
    let record = RecordRef {
        kind: RecordKind::Dataset,
        index: p.dataset_index,
        key: p.dataset.id.to_string(),
    };
    let level = level_name(p.digits);
    let sides = [
        (
            format!("Exports to {b_name}"),
            Hue::Exports,
            1.0,
            &p.exports,
            p.exports_rest,
        ),
        (
            format!("Imports from {b_name}"),
            Hue::Imports,
            -1.0,
            &p.imports,
            p.imports_rest,
        ),
    ];
    let mut series = Vec::new();
    for (name, hue, sign, values, (rest_sum, rest_n)) in sides {
        let mut points: Vec<ChartPoint> = values
            .iter()
            .map(|(code, v)| {
                let what = format!("{name}: {}, {}", label(code), p.year);
                let mut tooltip = vec![
                    what,
                    format::usd_line(*v),
                    format!(
                        "Sum of the rows of dataset {} for this code",
                        p.dataset.name
                    ),
                ];
                let drill = (p.digits < 6).then(|| code.clone());
                if drill.is_some() {
                    tooltip.push(format!(
                        "Click to show its {}s",
                        level_name(p.digits + 2).trim_start_matches("HS ")
                    ));
                }
                ChartPoint {
                    x: sign * v,
                    y: position[code.as_str()] as f64,
                    base: 0.0,
                    value: *v,
                    label: label(code),
                    tooltip,
                    record: Some(record.clone()),
                    source: format!("Dataset: {}", p.dataset.name),
                    drill,
                }
            })
            .collect();
        if rest_n > 0 {
            points.push(ChartPoint {
                x: sign * rest_sum,
                y: 0.0,
                base: 0.0,
                value: rest_sum,
                label: "Other".to_owned(),
                tooltip: vec![
                    format!("{name}: {} other {level}s, {}", rest_n, p.year),
                    format::usd_line(rest_sum),
                ],
                record: Some(record.clone()),
                source: format!("Dataset: {}", p.dataset.name),
                drill: None,
            });
        }
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
    [2, 4]
        .into_iter()
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
        let shown: f64 = top.exports.iter().map(|(_, v)| v).sum();
        assert_eq!(top.exports.len(), MAX_BARS);
        assert_eq!(top.exports_rest.1, 30 - MAX_BARS);
        assert!((shown + top.exports_rest.0 - total).abs() < 1e-6);
        assert!(top.imports.is_empty());
        let chart = product_chart(&doc, "PAK", "KAZ", &top);
        let bars = &chart.series[0].points;
        assert_eq!(bars.len(), MAX_BARS + 1);
        assert!(bars.iter().filter(|b| b.drill.is_some()).count() == MAX_BARS);
        assert_eq!(chart.categories.len(), MAX_BARS + 1);
        assert_eq!(chart.categories[0], "Other");

        // Chapter 01 holds products 0 and 30: drill into it, then into one heading.
        let chapter = pair_products_of(&t, 0, &link(), "PAK", "KAZ", 2024, Some("01"));
        assert_eq!(chapter.digits, 4);
        let codes: Vec<&str> = chapter.exports.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, vec!["0130", "0100"]);
        let heading = pair_products_of(&t, 0, &link(), "PAK", "KAZ", 2024, Some("0130"));
        assert_eq!(heading.digits, 6);
        assert_eq!(heading.exports, vec![("013010".to_owned(), 31000.0)]);
        assert_eq!(heading.names["013010"], "Product 30");
        let chart = product_chart(&doc, "PAK", "KAZ", &heading);
        assert!(
            chart.series[0].points[0].drill.is_none(),
            "HS6 is the last level"
        );
        assert_eq!(drill_path(Some("0130")), vec!["01", "0130"]);
    }
}
