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

    /// Exporters present in `year` (the world of the data).
    pub fn exporters(&self, year: i32) -> BTreeSet<&str> {
        self.totals
            .iter()
            .filter(|((y, _, _), r)| *y == year && r.best().is_some())
            .map(|((_, e, _), _)| e.as_str())
            .collect()
    }
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
/// which give no direction, are left out).
pub fn rows_of_document(doc: &Document) -> Vec<FlowRow> {
    doc.trade
        .iter()
        .filter_map(|t| {
            let exports = match t.flow {
                Flow::Export => true,
                Flow::Import => false,
                Flow::Total => return None,
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
