//! The trade matrix the indicators read: what each exporter sells each importer, in total
//! and by product at one HS level, from datasets and document records alike.

use std::collections::{BTreeSet, HashMap};

use crate::model::dataset::{RowFlow, TradeTable};
use crate::model::document::{Document, Flow};
use crate::model::hierarchy;

/// One figure as a file gives it: `reporter` reports its exports to (or imports from)
/// `partner`, for a product code (empty or `TOTAL` for all products).
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    /// Year.
    pub year: i32,
    /// Who reports it.
    pub reporter: String,
    /// The other country.
    pub partner: String,
    /// True for the reporter's exports, false for its imports.
    pub exports: bool,
    /// Product code; empty or `TOTAL` for all products.
    pub code: String,
    /// Value in US dollars.
    pub value: f64,
}

/// A value as its exporter reports it, and as its importer does (the mirror figure).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reported {
    /// The exporter's own report of exports.
    pub own: Option<f64>,
    /// The importer's report of imports from the exporter.
    pub mirror: Option<f64>,
}

impl Reported {
    /// The exporter's figure, else the mirror figure.
    pub fn best(&self) -> Option<f64> {
        self.own.or(self.mirror)
    }

    fn add(&mut self, own: bool, value: f64) {
        let slot = if own { &mut self.own } else { &mut self.mirror };
        *slot = Some(slot.unwrap_or(0.0) + value);
    }
}

/// (year, exporter, importer).
pub type PairKey = (i32, String, String);

/// What every exporter sells every importer: totals, and products at `level` digits.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// Digits of the product level (2, 4 or 6).
    pub level: usize,
    /// Totals by (year, exporter, importer).
    pub totals: HashMap<PairKey, Reported>,
    /// By (year, exporter, importer), the products at `level` digits.
    pub products: HashMap<PairKey, HashMap<String, Reported>>,
    /// Years present.
    pub years: BTreeSet<i32>,
    /// Total trade of a pair that the data gives without a direction (a document record of
    /// total trade), by (year, first code, second code) with the codes in order.
    pub undirected: HashMap<PairKey, f64>,
}

impl Flows {
    /// The matrix of `rows` with products at `level` digits. Rows of World, of a country
    /// with itself and with values that are not finite are left out.
    pub fn build(rows: impl IntoIterator<Item = FlowRow>, level: usize) -> Flows {
        type Group = (i32, String, String, bool);
        let mut groups: HashMap<Group, Vec<(String, f64)>> = HashMap::new();
        for r in rows {
            if r.reporter == r.partner || !r.value.is_finite() {
                continue;
            }
            groups
                .entry((r.year, r.reporter, r.partner, r.exports))
                .or_default()
                .push((r.code, r.value));
        }
        let mut flows = Flows {
            level,
            ..Flows::default()
        };
        for ((year, reporter, partner, exports), rows) in groups {
            let counting = hierarchy::counting(rows.iter().map(|(c, _)| c.as_str()));
            let total: f64 = rows
                .iter()
                .zip(&counting)
                .filter(|(_, counts)| **counts)
                .map(|((_, v), _)| v)
                .sum();
            let key = if exports {
                (year, reporter, partner)
            } else {
                (year, partner, reporter)
            };
            flows.years.insert(year);
            flows
                .totals
                .entry(key.clone())
                .or_default()
                .add(exports, total);
            let breakdown =
                hierarchy::breakdown(rows.iter().map(|(c, v)| (c.as_str(), *v)), None, level);
            let products = flows.products.entry(key).or_default();
            for node in breakdown.nodes {
                if node.code.len() == level && hierarchy::is_hs(&node.code) {
                    products
                        .entry(node.code)
                        .or_default()
                        .add(exports, node.value);
                }
            }
        }
        flows
    }

    /// Adds pair totals given without a direction: `(year, a, b, code, value)`, where the
    /// code is empty or `TOTAL` for all products. Codes of one pair and year are summed by
    /// the aggregation rule; totals by product, of World, or of a country with itself are
    /// left out.
    pub fn add_undirected(&mut self, rows: impl IntoIterator<Item = FlowRow>) {
        let mut groups: HashMap<PairKey, Vec<(String, f64)>> = HashMap::new();
        for r in rows {
            if r.reporter == r.partner || !r.value.is_finite() {
                continue;
            }
            let key = undirected_key(r.year, &r.reporter, &r.partner);
            groups.entry(key).or_default().push((r.code, r.value));
        }
        for (key, rows) in groups {
            let counting = hierarchy::counting(rows.iter().map(|(c, _)| c.as_str()));
            let total: Option<f64> = rows
                .iter()
                .zip(&counting)
                .filter(|((code, _), counts)| **counts && is_all_products(code))
                .map(|((_, v), _)| *v)
                .reduce(|a, b| a + b);
            if let Some(total) = total {
                self.years.insert(key.0);
                *self.undirected.entry(key).or_default() += total;
            }
        }
    }

    /// Exporters present in `year` (the world of the data).
    pub fn exporters(&self, year: i32) -> BTreeSet<&str> {
        self.totals
            .iter()
            .filter(|((y, _, _), r)| *y == year && r.best().is_some())
            .map(|((_, e, _), _)| e.as_str())
            .collect()
    }
}

/// The flows of `docs` and `tables` combined, with products at `level` digits: what the
/// app's Analysis view and the `indicators` command both compute from.
pub fn combined<'a>(
    docs: impl IntoIterator<Item = &'a Document> + Clone,
    tables: impl IntoIterator<Item = &'a TradeTable>,
    level: usize,
) -> Flows {
    let mut rows: Vec<FlowRow> = docs
        .clone()
        .into_iter()
        .flat_map(rows_of_document)
        .collect();
    for table in tables {
        rows.extend(rows_of_table(table));
    }
    let mut flows = Flows::build(rows, level);
    flows.add_undirected(docs.into_iter().flat_map(undirected_of_document));
    flows
}

/// The key of [`Flows::undirected`]: the two codes in order.
pub fn undirected_key(year: i32, a: &str, b: &str) -> PairKey {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    (year, lo.to_owned(), hi.to_owned())
}

fn is_all_products(code: &str) -> bool {
    let code = code.trim();
    code.is_empty() || code.eq_ignore_ascii_case("TOTAL")
}

/// The figures of a linked dataset, as rows: exports and imports only (re-exports and the
/// other sub-flows are "of which"), World left out.
pub fn rows_of_table(table: &TradeTable) -> Vec<FlowRow> {
    (0..table.len())
        .filter_map(|i| {
            let r = table.row(i)?;
            let exports = match r.flow {
                RowFlow::Export => true,
                RowFlow::Import => false,
                _ => return None,
            };
            let reporter = table.countries.get(usize::from(r.reporter))?;
            let partner = table.countries.get(usize::from(r.partner))?;
            if reporter.world || partner.world {
                return None;
            }
            Some(FlowRow {
                year: i32::from(r.year),
                reporter: reporter.code.clone(),
                partner: partner.code.clone(),
                exports,
                code: table.products.get(r.product as usize)?.code.clone(),
                value: r.value,
            })
        })
        .collect()
}

/// The document's trade records with a year and a value, as rows (records of total trade,
/// which give no direction, are left out: see [`undirected_of_document`]).
pub fn rows_of_document(doc: &Document) -> Vec<FlowRow> {
    document_rows(doc, false)
}

/// The document's records of total trade (no direction) with a year and a value, as rows
/// for [`Flows::add_undirected`] (`exports` is meaningless there and false).
pub fn undirected_of_document(doc: &Document) -> Vec<FlowRow> {
    document_rows(doc, true)
}

fn document_rows(doc: &Document, undirected: bool) -> Vec<FlowRow> {
    doc.trade
        .iter()
        .filter_map(|t| {
            let exports = match (t.flow, undirected) {
                (Flow::Export, false) => true,
                (Flow::Import, false) | (Flow::Total, true) => false,
                _ => return None,
            };
            Some(FlowRow {
                year: t.year?,
                reporter: t.reporter.clone(),
                partner: t.partner.clone(),
                exports,
                code: t.category.clone().unwrap_or_default(),
                value: t.value_usd?,
            })
        })
        .collect()
}
