//! The trade matrix the indicators read: what each exporter sells each importer, in total
//! and by product at one HS level, from datasets and document records alike.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use std::sync::{Arc, OnceLock};

use crate::model::dataset::TradeTable;
use crate::model::document::{Document, Flow, TradeVolume};
use crate::model::hierarchy;

use super::build::Builder;

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

impl FlowRow {
    /// The row with its strings borrowed.
    pub fn borrowed(&self) -> FlowRef<'_> {
        FlowRef {
            year: self.year,
            reporter: &self.reporter,
            partner: &self.partner,
            exports: self.exports,
            code: &self.code,
            value: self.value,
        }
    }
}

/// A [`FlowRow`] whose strings are borrowed from a document or a dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowRef<'a> {
    /// Year.
    pub year: i32,
    /// Who reports it.
    pub reporter: &'a str,
    /// The other country.
    pub partner: &'a str,
    /// True for the reporter's exports, false for its imports.
    pub exports: bool,
    /// Product code; empty or `TOTAL` for all products.
    pub code: &'a str,
    /// Value in US dollars.
    pub value: f64,
}

/// A value as its exporter reports it, and as its importer does (the mirror figure).
///
/// Held as two doubles with NaN for "not reported" rather than two `Option<f64>`: a
/// matrix holds one per (year, pair, product), tens of millions on a large dataset, and
/// this halves them (16 bytes, not 32). Values are finite (rows that are not are left
/// out of the matrix), so NaN never stands for a figure.
#[derive(Clone, Copy)]
pub struct Reported {
    own: f64,
    mirror: f64,
}

impl Default for Reported {
    fn default() -> Self {
        Reported {
            own: f64::NAN,
            mirror: f64::NAN,
        }
    }
}

impl PartialEq for Reported {
    fn eq(&self, other: &Self) -> bool {
        (self.own(), self.mirror()) == (other.own(), other.mirror())
    }
}

impl std::fmt::Debug for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reported")
            .field("own", &self.own())
            .field("mirror", &self.mirror())
            .finish()
    }
}

impl Reported {
    /// The exporter's own report of exports.
    pub fn own(&self) -> Option<f64> {
        (!self.own.is_nan()).then_some(self.own)
    }

    /// The importer's report of imports from the exporter.
    pub fn mirror(&self) -> Option<f64> {
        (!self.mirror.is_nan()).then_some(self.mirror)
    }

    /// The exporter's figure, else the mirror figure.
    pub fn best(&self) -> Option<f64> {
        self.own().or(self.mirror())
    }

    pub(super) fn add(&mut self, own: bool, value: f64) {
        let slot = if own { &mut self.own } else { &mut self.mirror };
        *slot = if slot.is_nan() { value } else { *slot + value };
    }
}

/// (year, exporter, importer).
pub type PairKey = (i32, String, String);

/// What every exporter sells every importer: totals, and products at `level` digits.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// Digits of the product level (2, 4 or 6).
    pub level: usize,
    /// Totals by (year, exporter, importer); shared, as the flows of every focus country
    /// built from more rows than one matrix holds share one set of totals
    /// ([`super::Span`]).
    pub totals: Arc<HashMap<PairKey, Reported>>,
    /// By (year, exporter, importer), the products at `level` digits: (number in
    /// [`Flows::codes`], value). Shared like the totals: see [`super::Span`].
    pub products: Arc<HashMap<PairKey, Vec<(u32, Reported)>>>,
    /// The product codes at `level` digits, by number.
    pub codes: Vec<String>,
    /// Years present.
    pub years: BTreeSet<i32>,
    /// Total trade of a pair that the data gives without a direction (a document record of
    /// total trade), by (year, first code, second code) with the codes in order.
    pub undirected: HashMap<PairKey, f64>,
    /// What does not depend on who is looked at, by year: computed on first use (the
    /// matrix must not change after that; it is built whole, then only read).
    pub(super) per_year: OnceLock<BTreeMap<i32, YearSums>>,
}

/// The world's figures of one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearSums {
    /// `X_w`: all exports.
    pub exports: f64,
    /// Exporters with a figure.
    pub exporters: usize,
    /// `x_wk`: the world's exports by product.
    pub products: HashMap<String, f64>,
}

impl Flows {
    /// The matrix of `rows` with products at `level` digits. Rows of World, of a country
    /// with itself and with values that are not finite are left out.
    pub fn build(rows: impl IntoIterator<Item = FlowRow>, level: usize) -> Flows {
        let rows: Vec<FlowRow> = rows.into_iter().collect();
        let mut builder = Builder::default();
        rows.iter().for_each(|r| builder.add(r.borrowed()));
        builder.group().finish(level)
    }

    /// Product `id`'s code.
    pub fn code(&self, id: u32) -> &str {
        self.codes.get(id as usize).map_or("", String::as_str)
    }

    /// Adds pair totals given without a direction: `(year, a, b, code, value)`, where the
    /// code is empty or `TOTAL` for all products. Codes of one pair and year are summed by
    /// the aggregation rule; totals by product, of World, or of a country with itself are
    /// left out.
    pub fn add_undirected(&mut self, rows: impl IntoIterator<Item = FlowRow>) {
        let mut groups: HashMap<PairKey, Vec<(String, f64)>> = HashMap::default();
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

    /// The world's figures of `year` (all zero for a year without directed trade).
    pub fn world(&self, year: i32) -> &YearSums {
        static NONE: OnceLock<YearSums> = OnceLock::new();
        self.per_year
            .get_or_init(|| self.year_sums())
            .get(&year)
            .unwrap_or_else(|| NONE.get_or_init(YearSums::default))
    }

    pub(super) fn year_sums(&self) -> BTreeMap<i32, YearSums> {
        let mut out: BTreeMap<i32, YearSums> = BTreeMap::new();
        let mut exporters: BTreeSet<(i32, &str)> = BTreeSet::new();
        for ((y, e, _), r) in self.totals.iter() {
            if let Some(v) = r.best() {
                out.entry(*y).or_default().exports += v;
                exporters.insert((*y, e));
            }
        }
        for (y, _) in exporters {
            out.entry(y).or_default().exporters += 1;
        }
        // Summed by code number first: a lookup by code text for each (pair, product) was
        // the costliest part of these sums.
        let mut by_code: BTreeMap<i32, Vec<Option<f64>>> = BTreeMap::new();
        for ((y, _, _), products) in self.products.iter() {
            let sums = by_code
                .entry(*y)
                .or_insert_with(|| vec![None; self.codes.len()]);
            for (id, r) in products {
                let (Some(v), Some(sum)) = (r.best(), sums.get_mut(*id as usize)) else {
                    continue;
                };
                *sum = Some(sum.map_or(v, |s| s + v));
            }
        }
        for (y, sums) in by_code {
            let products = &mut out.entry(y).or_default().products;
            for (id, sum) in sums.into_iter().enumerate() {
                if let Some(sum) = sum {
                    products.insert(self.code(id as u32).to_owned(), sum);
                }
            }
        }
        out
    }

    /// Whether `country` trades in these flows: as exporter or importer of a total, or in
    /// a total without a direction.
    pub fn trades(&self, country: &str) -> bool {
        let touches = |(_, a, b): &PairKey| a == country || b == country;
        self.totals.keys().any(touches) || self.undirected.keys().any(touches)
    }

    /// Years with a figure of exports or imports (not only totals without a direction).
    pub fn directed_years(&self) -> BTreeSet<i32> {
        self.totals
            .iter()
            .filter(|(_, r)| r.best().is_some())
            .map(|((y, _, _), _)| *y)
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
    let mut all = combined_levels(docs, tables, &[level]);
    all.pop().unwrap_or_default()
}

/// [`combined`] at several levels, reading and grouping the rows once.
pub fn combined_levels<'a>(
    docs: impl IntoIterator<Item = &'a Document> + Clone,
    tables: impl IntoIterator<Item = &'a TradeTable>,
    levels: &[usize],
) -> Vec<Flows> {
    let mut out = Vec::new();
    each_level(docs, tables, levels, |flows| out.push(flows));
    out
}

/// [`combined_levels`] handing each level's flows to `done` as soon as it is built, in
/// the order of `levels` (the app shows the level asked for while it builds the others).
pub fn each_level<'a>(
    docs: impl IntoIterator<Item = &'a Document> + Clone,
    tables: impl IntoIterator<Item = &'a TradeTable>,
    levels: &[usize],
    mut done: impl FnMut(Flows),
) {
    let every = super::ALL_YEARS;
    let mut builder = Builder::default();
    for doc in docs.clone() {
        document_refs(doc, false).for_each(|r| builder.add(r));
    }
    for table in tables {
        builder.add_table(table, &every);
    }
    let undirected: Vec<FlowRow> = docs.into_iter().flat_map(undirected_of_document).collect();
    let grouped = builder.group();
    for &level in levels {
        let mut flows = grouped.finish(level);
        flows.add_undirected(undirected.iter().cloned());
        // The world's sums now, off the UI thread, rather than at the first query.
        let _ = flows.world(0);
        done(flows);
    }
}

/// A fingerprint of what the trade matrices take from `doc`: its trade records' years,
/// countries, flows, categories and values, in order. Two documents with the same
/// fingerprint give the same matrices (anything else in them, notes or investments, does
/// not enter them).
pub fn trade_fingerprint(doc: &Document) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    doc.trade.iter().for_each(|t| hash_trade(t, &mut hasher));
    std::hash::Hash::hash(&doc.trade.len(), &mut hasher);
    hasher.finish()
}

/// A fingerprint of each year's trade records of `docs` that the sums read (those with a
/// year and a value): which years an edit changed ([`super::Span::resummed`]).
pub(super) fn trade_prints(docs: &[&Document]) -> BTreeMap<i32, u64> {
    use std::hash::Hasher;
    let mut hashers: BTreeMap<i32, std::hash::DefaultHasher> = BTreeMap::new();
    for t in docs.iter().flat_map(|d| d.trade.iter()) {
        if let (Some(year), Some(_)) = (t.year, t.value_usd) {
            hash_trade(t, hashers.entry(year).or_default());
        }
    }
    hashers.into_iter().map(|(y, h)| (y, h.finish())).collect()
}

/// Feeds what of a trade record enters the matrices to `hasher`: both fingerprints above
/// read a record the same way.
fn hash_trade(t: &TradeVolume, hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    (t.year, &t.reporter, &t.partner, t.flow, &t.category).hash(hasher);
    t.value_usd.map(f64::to_bits).hash(hasher);
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

/// The document's trade records of exports or imports with a year and a value (or, with
/// `undirected`, its records of total trade), borrowed.
pub(super) fn document_refs(doc: &Document, undirected: bool) -> impl Iterator<Item = FlowRef<'_>> {
    doc.trade.iter().filter_map(move |t| {
        let exports = match (t.flow, undirected) {
            (Flow::Export, false) => true,
            (Flow::Import, false) | (Flow::Total, true) => false,
            _ => return None,
        };
        Some(FlowRef {
            year: t.year?,
            reporter: &t.reporter,
            partner: &t.partner,
            exports,
            code: t.category.as_deref().unwrap_or(""),
            value: t.value_usd?,
        })
    })
}

/// The document's records of total trade (no direction) with a year and a value, as rows
/// for [`Flows::add_undirected`] (`exports` is meaningless there and false).
pub fn undirected_of_document(doc: &Document) -> Vec<FlowRow> {
    document_rows(doc, true)
}

fn document_rows(doc: &Document, undirected: bool) -> Vec<FlowRow> {
    document_refs(doc, undirected)
        .map(|r| FlowRow {
            year: r.year,
            reporter: r.reporter.to_owned(),
            partner: r.partner.to_owned(),
            exports: r.exports,
            code: r.code.to_owned(),
            value: r.value,
        })
        .collect()
}
