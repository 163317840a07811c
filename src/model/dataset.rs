//! Imported trade data held in columns: a few bytes per row, with countries and products
//! stored once in dictionaries, so that ten million rows fit in a couple of hundred MiB and
//! can be aggregated in tens of milliseconds.
//!
//! Per row: year (u16), reporter (u16), partner (u16), flow and flags (u8), product (u32),
//! value in US dollars (f64) and quantity (f32, NaN when missing): 23 bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::document::Id;

/// A known layout of trade data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// UN Comtrade (comtradeplus) CSV or bulk tab-separated text, 47 columns.
    Comtrade,
    /// The legacy UN Comtrade CSV ("Trade Value (US$)", "Reporter ISO", …).
    ComtradeLegacy,
    /// The snake_case layout written by the comtradr R package.
    Comtradr,
    /// CEPII BACI: t, i, j, k, v, q.
    Baci,
    /// Any other CSV, read through a column mapping chosen by the user.
    Mapped,
}

impl Layout {
    /// Name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Comtrade => "UN Comtrade (CSV or bulk text)",
            Layout::ComtradeLegacy => "UN Comtrade legacy CSV",
            Layout::Comtradr => "comtradr (R package) CSV",
            Layout::Baci => "CEPII BACI",
            Layout::Mapped => "CSV with a column mapping",
        }
    }
}

/// Which column holds what. Column indices are 0-based.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// Year (or a period such as 202401, whose first four digits are the year).
    pub year: usize,
    /// Reporter (or exporter) as ISO alpha-3 code.
    pub reporter_iso: Option<usize>,
    /// Reporter as numeric code.
    pub reporter_code: Option<usize>,
    /// Reporter name.
    pub reporter_name: Option<usize>,
    /// Partner (or importer) as ISO alpha-3 code.
    pub partner_iso: Option<usize>,
    /// Partner as numeric code.
    pub partner_code: Option<usize>,
    /// Partner name.
    pub partner_name: Option<usize>,
    /// Flow code (X, M, RX, …) or description ("Export", "Import").
    pub flow: Option<usize>,
    /// Product code.
    pub product: Option<usize>,
    /// Product description.
    pub product_name: Option<usize>,
    /// Trade value.
    pub value: usize,
    /// Multiplier that turns the value into US dollars (1000 for BACI's thousands).
    pub value_scale: f64,
    /// Quantity.
    pub quantity: Option<usize>,
}

impl ColumnMap {
    /// The largest column index used (rows need at least this many fields plus one).
    pub fn max_column(&self) -> usize {
        [
            Some(self.year),
            self.reporter_iso,
            self.reporter_code,
            self.reporter_name,
            self.partner_iso,
            self.partner_code,
            self.partner_name,
            self.flow,
            self.product,
            self.product_name,
            Some(self.value),
            self.quantity,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
    }
}

/// A file of trade data linked from a document: read-only rows shown next to the
/// document's own records. The rows themselves are read from the file (or its cache).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetLink {
    /// Unique among the document's datasets.
    pub id: Id,
    /// Name shown in the app (the file name by default).
    pub name: String,
    /// Where the file is: relative to the document's folder in the file, absolute in memory.
    pub path: String,
    /// The layout it was read with.
    pub layout: Layout,
    /// The columns chosen, for a file read through a mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Box<ColumnMap>>,
    /// Rows read when it was linked.
    #[serde(default)]
    pub rows: u64,
    /// Size in bytes when it was linked.
    #[serde(default)]
    pub size: u64,
    /// Modification time when it was linked (nanoseconds since 1970).
    #[serde(default)]
    pub modified_ns: u64,
    /// Content fingerprint when it was linked.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// Free note (e.g. what the file is and where it was downloaded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The flow of a row, as the reporter states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum RowFlow {
    /// Exports (Comtrade X; BACI exporter → importer).
    Export = 0,
    /// Imports (Comtrade M).
    Import = 1,
    /// Re-exports (RX), already included in exports.
    ReExport = 2,
    /// Re-imports (RM), already included in imports.
    ReImport = 3,
    /// Domestic exports (DX), already included in exports.
    DomesticExport = 4,
    /// Foreign imports (FM), already included in imports.
    ForeignImport = 5,
    /// Any other sub-flow (processing flows such as MIP, XIP…), already included.
    OtherSubFlow = 6,
}

impl RowFlow {
    /// Every flow, in code order.
    pub const ALL: [RowFlow; 7] = [
        RowFlow::Export,
        RowFlow::Import,
        RowFlow::ReExport,
        RowFlow::ReImport,
        RowFlow::DomesticExport,
        RowFlow::ForeignImport,
        RowFlow::OtherSubFlow,
    ];

    /// Reads a Comtrade flow code (X, M, RX, RM, DX, FM, MIP…) or a flow description.
    pub fn from_code(code: &str) -> Option<RowFlow> {
        let c = code.trim();
        Some(match c.to_ascii_uppercase().as_str() {
            "X" | "2" | "EXPORT" | "EXPORTS" => RowFlow::Export,
            "M" | "1" | "IMPORT" | "IMPORTS" => RowFlow::Import,
            "RX" | "3" | "RE-EXPORT" | "RE-EXPORTS" | "REEXPORT" => RowFlow::ReExport,
            "RM" | "4" | "RE-IMPORT" | "RE-IMPORTS" | "REIMPORT" => RowFlow::ReImport,
            "DX" | "DOMESTIC EXPORT" | "DOMESTIC EXPORTS" => RowFlow::DomesticExport,
            "FM" | "FOREIGN IMPORT" | "FOREIGN IMPORTS" => RowFlow::ForeignImport,
            "" => return None,
            other if other.starts_with('M') || other.starts_with('X') => RowFlow::OtherSubFlow,
            other if other.contains("PROCESSING") => RowFlow::OtherSubFlow,
            _ => return None,
        })
    }

    /// Whether rows of this flow count in totals (only exports and imports do; the others
    /// are "of which" parts of them).
    pub fn counts_in_totals(self) -> bool {
        matches!(self, RowFlow::Export | RowFlow::Import)
    }

    /// Name for tables.
    pub fn label(self) -> &'static str {
        match self {
            RowFlow::Export => "Export",
            RowFlow::Import => "Import",
            RowFlow::ReExport => "Re-export",
            RowFlow::ReImport => "Re-import",
            RowFlow::DomesticExport => "Domestic export",
            RowFlow::ForeignImport => "Foreign import",
            RowFlow::OtherSubFlow => "Other sub-flow",
        }
    }

    fn from_bits(bits: u8) -> RowFlow {
        RowFlow::ALL
            .get(usize::from(bits & FLOW_MASK))
            .copied()
            .unwrap_or(RowFlow::OtherSubFlow)
    }
}

const FLOW_MASK: u8 = 0b0000_0111;
/// The row counts towards pair totals (not World, not a sub-flow, not an aggregate that its
/// detail rows also cover).
pub const FLAG_IN_TOTALS: u8 = 0b0100_0000;
/// The row counts towards product breakdowns (the finest level of its group).
pub const FLAG_IN_PRODUCTS: u8 = 0b1000_0000;

/// A country or area in a dataset's dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetCountry {
    /// ISO 3166-1 alpha-3 where known; the file's own code otherwise (e.g. `S19`, `N711`).
    pub code: String,
    /// Name, from the file or the built-in table.
    pub name: String,
    /// World (a total, never a partner).
    pub world: bool,
    /// True when the code is not ISO 3166 and not World (reported after import).
    pub unknown: bool,
}

/// A product in a dataset's dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetProduct {
    /// Code as in the file (HS codes keep their leading zeros); `TOTAL` for all products.
    pub code: String,
    /// Description, when the file has one.
    pub name: String,
}

impl DatasetProduct {
    /// Aggregation level: 0 for TOTAL, else the number of digits of the HS code.
    pub fn level(&self) -> u8 {
        if self.code.eq_ignore_ascii_case("TOTAL") {
            0
        } else {
            self.code.len().min(12) as u8
        }
    }
}

/// Imported rows in columns.
#[derive(Debug, Clone, Default)]
pub struct TradeTable {
    /// Year of each row.
    pub year: Vec<u16>,
    /// Reporter (BACI: exporter), index into `countries`.
    pub reporter: Vec<u16>,
    /// Partner (BACI: importer), index into `countries`.
    pub partner: Vec<u16>,
    /// Flow in the low bits, [`FLAG_IN_TOTALS`] and [`FLAG_IN_PRODUCTS`] in the high bits.
    pub flow: Vec<u8>,
    /// Product, index into `products`.
    pub product: Vec<u32>,
    /// Value in US dollars.
    pub value: Vec<f64>,
    /// Quantity (NaN when missing).
    pub quantity: Vec<f32>,
    /// Country dictionary.
    pub countries: Vec<DatasetCountry>,
    /// Product dictionary.
    pub products: Vec<DatasetProduct>,
    /// True for reconciled exporter → importer data (BACI): one figure per flow, seen from
    /// both sides, rather than each country's own report.
    pub reconciled: bool,
}

impl PartialEq for TradeTable {
    /// Equal columns and dictionaries; quantities compare bit for bit, so that two missing
    /// quantities (NaN) are equal.
    fn eq(&self, other: &Self) -> bool {
        self.year == other.year
            && self.reporter == other.reporter
            && self.partner == other.partner
            && self.flow == other.flow
            && self.product == other.product
            && self.value == other.value
            && self.quantity.len() == other.quantity.len()
            && self
                .quantity
                .iter()
                .zip(&other.quantity)
                .all(|(a, b)| a.to_bits() == b.to_bits())
            && self.countries == other.countries
            && self.products == other.products
            && self.reconciled == other.reconciled
    }
}

/// One row, read back from the columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatasetRow {
    /// Year.
    pub year: u16,
    /// Reporter index.
    pub reporter: u16,
    /// Partner index.
    pub partner: u16,
    /// Flow.
    pub flow: RowFlow,
    /// Product index.
    pub product: u32,
    /// Value in US dollars.
    pub value: f64,
    /// Quantity, if any.
    pub quantity: Option<f32>,
}

impl TradeTable {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.year.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.year.is_empty()
    }

    /// Bytes used by the row columns (not the dictionaries).
    pub fn row_bytes(&self) -> usize {
        self.year.capacity() * 2
            + self.reporter.capacity() * 2
            + self.partner.capacity() * 2
            + self.flow.capacity()
            + self.product.capacity() * 4
            + self.value.capacity() * 8
            + self.quantity.capacity() * 4
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> Option<DatasetRow> {
        Some(DatasetRow {
            year: *self.year.get(i)?,
            reporter: *self.reporter.get(i)?,
            partner: *self.partner.get(i)?,
            flow: RowFlow::from_bits(*self.flow.get(i)?),
            product: *self.product.get(i)?,
            value: *self.value.get(i)?,
            quantity: self.quantity.get(i).copied().filter(|q| !q.is_nan()),
        })
    }

    /// Index of country `code` in the dictionary.
    pub fn country_index(&self, code: &str) -> Option<u16> {
        self.countries
            .iter()
            .position(|c| c.code == code)
            .map(|i| i as u16)
    }

    /// Appends all rows of `other`, merging its dictionaries into this one's.
    pub fn append(&mut self, other: TradeTable) {
        let mut index = DictionaryIndex::of(self);
        self.append_growing(&other, &mut (Vec::new(), Vec::new()), &mut index);
    }

    /// Appends the rows of `other`, whose dictionaries may have grown since the last call
    /// with the same `maps` (a parser's part reused block after block): `maps` holds the
    /// index in this table of each of `other`'s countries and products seen so far, so only
    /// new entries are looked up in `index`. Fresh empty maps append any table.
    pub fn append_growing(
        &mut self,
        other: &TradeTable,
        maps: &mut (Vec<usize>, Vec<usize>),
        index: &mut DictionaryIndex,
    ) {
        let (country_map, product_map) = maps;
        if let Some(new) = other.countries.get(country_map.len()..) {
            let more = remap(&mut self.countries, new, &mut index.countries, |c| &c.code);
            country_map.extend(more);
        }
        if let Some(new) = other.products.get(product_map.len()..) {
            let more = remap(&mut self.products, new, &mut index.products, |p| &p.code);
            product_map.extend(more);
        }
        self.year.extend_from_slice(&other.year);
        self.reporter.extend(
            other
                .reporter
                .iter()
                .map(|&c| country_map[usize::from(c)] as u16),
        );
        self.partner.extend(
            other
                .partner
                .iter()
                .map(|&c| country_map[usize::from(c)] as u16),
        );
        self.flow.extend_from_slice(&other.flow);
        self.product.extend(
            other
                .product
                .iter()
                .map(|&p| product_map[p as usize] as u32),
        );
        self.value.extend_from_slice(&other.value);
        self.quantity.extend_from_slice(&other.quantity);
    }

    /// Sets [`FLAG_IN_TOTALS`] and [`FLAG_IN_PRODUCTS`] on every row, so that sums never
    /// count World, sub-flows or an aggregate row together with its detail rows.
    ///
    /// Within each (year, reporter, partner, flow) group: totals use the TOTAL row when
    /// there is one, else the rows of the most aggregated level present; product
    /// breakdowns use the rows of the finest level present.
    pub fn compute_flags(&mut self) {
        let levels: Vec<u8> = self.products.iter().map(DatasetProduct::level).collect();
        let world: Vec<bool> = self.countries.iter().map(|c| c.world).collect();
        let first = levels.first().copied();
        let uniform = levels.iter().all(|l| Some(*l) == first);
        let n = self.len();
        if uniform {
            // Every row at the same level (BACI, most downloads): no grouping needed.
            for i in 0..n {
                let flow = RowFlow::from_bits(self.flow[i]);
                let mut bits = self.flow[i] & FLOW_MASK;
                let is_world =
                    world[usize::from(self.partner[i])] || world[usize::from(self.reporter[i])];
                if flow.counts_in_totals() && !is_world {
                    bits |= FLAG_IN_TOTALS;
                }
                if !is_world {
                    bits |= FLAG_IN_PRODUCTS;
                }
                self.flow[i] = bits;
            }
            return;
        }
        // Mixed levels: find each group's coarsest and finest level first.
        let mut bounds: HashMap<(u16, u16, u16, u8), (u8, u8)> = HashMap::new();
        for i in 0..n {
            let key = (
                self.year[i],
                self.reporter[i],
                self.partner[i],
                self.flow[i] & FLOW_MASK,
            );
            let level = levels[self.product[i] as usize];
            let entry = bounds.entry(key).or_insert((level, level));
            entry.0 = entry.0.min(level);
            entry.1 = entry.1.max(level);
        }
        for i in 0..n {
            let bits = self.flow[i] & FLOW_MASK;
            let key = (self.year[i], self.reporter[i], self.partner[i], bits);
            let level = levels[self.product[i] as usize];
            let (coarsest, finest) = bounds.get(&key).copied().unwrap_or((level, level));
            let is_world =
                world[usize::from(self.partner[i])] || world[usize::from(self.reporter[i])];
            let mut flags = bits;
            if level == coarsest && RowFlow::from_bits(bits).counts_in_totals() && !is_world {
                flags |= FLAG_IN_TOTALS;
            }
            if level == finest && level > 0 && !is_world {
                flags |= FLAG_IN_PRODUCTS;
            }
            self.flow[i] = flags;
        }
    }

    /// Sum of the values of rows that count in totals.
    pub fn total_usd(&self) -> f64 {
        self.value
            .iter()
            .zip(&self.flow)
            .filter(|(_, f)| *f & FLAG_IN_TOTALS != 0)
            .map(|(v, _)| *v)
            .sum()
    }
}

/// Where each country and product code sits in a table's dictionaries.
#[derive(Debug, Default)]
pub struct DictionaryIndex {
    countries: HashMap<String, usize>,
    products: HashMap<String, usize>,
}

impl DictionaryIndex {
    /// The index of `table`'s dictionaries.
    pub fn of(table: &TradeTable) -> DictionaryIndex {
        DictionaryIndex {
            countries: table
                .countries
                .iter()
                .enumerate()
                .map(|(i, c)| (c.code.clone(), i))
                .collect(),
            products: table
                .products
                .iter()
                .enumerate()
                .map(|(i, p)| (p.code.clone(), i))
                .collect(),
        }
    }
}

/// Merges `incoming` entries into `target` by key; returns, for each incoming index, its
/// index in `target`.
fn remap<T: Clone>(
    target: &mut Vec<T>,
    incoming: &[T],
    index: &mut HashMap<String, usize>,
    key: impl Fn(&T) -> &String,
) -> Vec<usize> {
    incoming
        .iter()
        .map(|item| match index.get(key(item)) {
            Some(&i) => i,
            None => {
                index.insert(key(item).clone(), target.len());
                target.push(item.clone());
                target.len() - 1
            }
        })
        .collect()
}

/// Total trade (rows that count in totals) of every (reporter, partner) pair over all
/// years, as ((reporter, partner), US dollars), largest first.
pub fn pair_totals(table: &TradeTable) -> Vec<((u16, u16), f64)> {
    let n = table.countries.len();
    // Dense: countries² cells is small (200² = 40,000) and beats hashing every row.
    let mut cells = vec![0.0f64; n * n];
    let mut used = vec![false; n * n];
    for i in 0..table.len() {
        if table.flow[i] & FLAG_IN_TOTALS == 0 {
            continue;
        }
        let cell = usize::from(table.reporter[i]) * n + usize::from(table.partner[i]);
        cells[cell] += table.value[i];
        used[cell] = true;
    }
    let mut out: Vec<((u16, u16), f64)> = (0..n * n)
        .filter(|&c| used[c])
        .map(|c| (((c / n) as u16, (c % n) as u16), cells[c]))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// The country with the most trade in the rows (World left out): where a view of the
/// dataset starts.
pub fn main_country(table: &TradeTable) -> Option<String> {
    let mut by_country = vec![0.0f64; table.countries.len()];
    for ((a, b), v) in pair_totals(table) {
        by_country[usize::from(a)] += v;
        by_country[usize::from(b)] += v;
    }
    by_country
        .iter()
        .enumerate()
        .filter(|(i, v)| !table.countries[*i].world && **v > 0.0)
        .max_by(|x, y| x.1.total_cmp(y.1))
        .map(|(i, _)| table.countries[i].code.clone())
}

/// Per-year sums for one pair, as the focus country sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairSums {
    /// Exports of the focus country (its own report, or BACI).
    pub exports: Option<f64>,
    /// Imports of the focus country.
    pub imports: Option<f64>,
    /// The partner's imports from the focus country (mirror of exports).
    pub exports_mirror: Option<f64>,
    /// The partner's exports to the focus country (mirror of imports).
    pub imports_mirror: Option<f64>,
    /// Rows summed.
    pub rows: u64,
}

fn add(slot: &mut Option<f64>, value: f64) {
    *slot = Some(slot.unwrap_or(0.0) + value);
}

/// The focus country's trade in a dataset, by partner code and year.
pub type FocusSums = HashMap<String, std::collections::BTreeMap<u16, PairSums>>;

/// Sums the rows that count in totals for every partner of `focus`, in one pass.
pub fn focus_sums(table: &TradeTable, focus: &str) -> FocusSums {
    let mut out: FocusSums = HashMap::new();
    let Some(f) = table.country_index(focus) else {
        return out;
    };
    let (Some(&first_year), Some(&last_year)) = (table.year.iter().min(), table.year.iter().max())
    else {
        return out;
    };
    // Dense per-partner, per-year accumulation: far faster than hashing every row.
    let nc = table.countries.len();
    let ny = usize::from(last_year - first_year) + 1;
    let mut cells = vec![PairSums::default(); nc * ny];
    for i in 0..table.len() {
        let bits = table.flow[i];
        if bits & FLAG_IN_TOTALS == 0 {
            continue;
        }
        let (r, p) = (table.reporter[i], table.partner[i]);
        let (other, own) = if r == f {
            (p, true)
        } else if p == f {
            (r, false)
        } else {
            continue;
        };
        let yi = usize::from(table.year[i] - first_year);
        let cell = &mut cells[usize::from(other) * ny + yi];
        let v = table.value[i];
        let flow = RowFlow::from_bits(bits);
        match (flow, own, table.reconciled) {
            (RowFlow::Export, true, _) => add(&mut cell.exports, v),
            (RowFlow::Import, true, _) => add(&mut cell.imports, v),
            // Reconciled data: the exporter → importer figure is the focus country's
            // imports when it is the importer.
            (RowFlow::Export, false, true) => add(&mut cell.imports, v),
            (RowFlow::Export, false, false) => add(&mut cell.imports_mirror, v),
            (RowFlow::Import, false, _) => add(&mut cell.exports_mirror, v),
            _ => continue,
        }
        cell.rows += 1;
    }
    for (ci, country) in table.countries.iter().enumerate() {
        if ci == usize::from(f) || country.world {
            continue;
        }
        for yi in 0..ny {
            let cell = cells[ci * ny + yi];
            if cell.rows > 0 {
                out.entry(country.code.clone())
                    .or_default()
                    .insert(first_year + yi as u16, cell);
            }
        }
    }
    out
}

/// (product code, US dollars) pairs, largest first.
pub type ProductValues = Vec<(String, f64)>;

/// Value by product of what `a` exports to and imports from `b` (rows that count in
/// product breakdowns), for one year, with the product codes rolled up to `digits`
/// (2 for HS chapters, 4 for headings, 6 for products) and, when `within` is given, only
/// products whose code starts with it.
pub fn pair_products(
    table: &TradeTable,
    a: &str,
    b: &str,
    year: u16,
    digits: usize,
    within: Option<&str>,
) -> (ProductValues, ProductValues) {
    let (Some(ai), Some(bi)) = (table.country_index(a), table.country_index(b)) else {
        return (Vec::new(), Vec::new());
    };
    let mut exports: HashMap<String, f64> = HashMap::new();
    let mut imports: HashMap<String, f64> = HashMap::new();
    for i in 0..table.len() {
        if table.year[i] != year || table.flow[i] & FLAG_IN_PRODUCTS == 0 {
            continue;
        }
        let (r, p) = (table.reporter[i], table.partner[i]);
        let flow = RowFlow::from_bits(table.flow[i]);
        // Exports of a to b: a reports X to b, or (reconciled) a → b; mirror figures are
        // left to the totals, so that a breakdown is one source's view.
        let side = match (flow, r == ai && p == bi, r == bi && p == ai) {
            (RowFlow::Export, true, _) => &mut exports,
            (RowFlow::Import, true, _) => &mut imports,
            (RowFlow::Export, _, true) if table.reconciled => &mut imports,
            _ => continue,
        };
        let code = &table.products[table.product[i] as usize].code;
        if within.is_some_and(|w| !code.starts_with(w)) {
            continue;
        }
        let key = code.get(..digits.min(code.len())).unwrap_or(code);
        *side.entry(key.to_owned()).or_default() += table.value[i];
    }
    let sorted = |m: HashMap<String, f64>| {
        let mut v: Vec<(String, f64)> = m.into_iter().collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        v
    };
    (sorted(exports), sorted(imports))
}

/// Which rows of a dataset to list in its rows table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RowFilter {
    /// Only this year.
    pub year: Option<u16>,
    /// Only rows with this country as reporter or partner (exporter or importer).
    pub country: Option<String>,
    /// With `country`: only rows between the two (either direction); alone, like `country`.
    pub partner: Option<String>,
    /// Only products whose code starts with this (empty: any).
    pub product: String,
}

impl RowFilter {
    /// True when every row passes.
    pub fn is_empty(&self) -> bool {
        self.year.is_none()
            && self.country.is_none()
            && self.partner.is_none()
            && self.product.is_empty()
    }
}

/// Indices of the rows that pass `filter`, in file order.
pub fn filter_rows(table: &TradeTable, filter: &RowFilter) -> Vec<u32> {
    // A code the table does not have matches nothing; u16::MAX is never a country index.
    let index_of = |code: &Option<String>| {
        code.as_deref().map(|c| {
            table
                .country_index(&c.trim().to_uppercase())
                .unwrap_or(u16::MAX)
        })
    };
    let (a, b) = match (index_of(&filter.country), index_of(&filter.partner)) {
        (None, b) => (b, None),
        (a, b) => (a, b),
    };
    let product_ok: Vec<bool> = table
        .products
        .iter()
        .map(|p| p.code.starts_with(filter.product.trim()))
        .collect();
    (0..table.len())
        .filter(|&i| {
            filter.year.is_none_or(|y| table.year[i] == y)
                && product_ok[table.product[i] as usize]
                && match (a, b) {
                    (None, _) => true,
                    (Some(a), None) => table.reporter[i] == a || table.partner[i] == a,
                    (Some(a), Some(b)) => {
                        let (r, p) = (table.reporter[i], table.partner[i]);
                        (r == a && p == b) || (r == b && p == a)
                    }
                }
        })
        .map(|i| i as u32)
        .collect()
}

/// Rows as CSV with a header, for File > Export: all rows, or those listed.
pub fn rows_csv(table: &TradeTable, rows: Option<&[u32]>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let _ = writer.write_record([
        "year",
        "reporter",
        "partner",
        "flow",
        "product",
        "product_name",
        "value_usd",
        "quantity",
    ]);
    let mut write = |i: usize| {
        if let Some(r) = table.row(i) {
            let product = &table.products[r.product as usize];
            let _ = writer.write_record([
                r.year.to_string(),
                table.countries[usize::from(r.reporter)].code.clone(),
                table.countries[usize::from(r.partner)].code.clone(),
                r.flow.label().to_owned(),
                product.code.clone(),
                product.name.clone(),
                r.value.to_string(),
                r.quantity.map(|q| q.to_string()).unwrap_or_default(),
            ]);
        }
    };
    match rows {
        Some(rows) => rows.iter().for_each(|&i| write(i as usize)),
        None => (0..table.len()).for_each(write),
    }
    writer.into_inner().unwrap_or_default()
}

/// Imports of at most this many rows may be copied into a document as editable records;
/// bigger ones are linked.
pub const COPY_LIMIT: usize = 100_000;

/// A dataset's rows as editable records, for copying a small import into the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopiedRecords {
    /// Trade records: one total per (year, reporter, partner, flow) and one per product row.
    pub trade: Vec<super::document::TradeVolume>,
    /// Categories for product codes the document does not have yet.
    pub categories: Vec<super::document::Category>,
    /// Rows not copied: World, re-exports and other "of which" flows, and aggregate rows
    /// whose detail rows are copied instead.
    pub skipped: usize,
}

/// Turns `table` into records citing `source`, numbered from `first_id`. Totals are the
/// sums the views would show (never counting World, sub-flows or an aggregate row with its
/// details); product rows keep their code as category.
pub fn to_records(
    table: &TradeTable,
    source: Id,
    first_id: Id,
    known_categories: &std::collections::HashSet<String>,
) -> CopiedRecords {
    use super::document::{Category, Flow, TradeVolume};
    use std::collections::BTreeMap;
    let mut out = CopiedRecords::default();
    let flow_of = |bits: u8| match (RowFlow::from_bits(bits), table.reconciled) {
        (RowFlow::Export, _) => Some(Flow::Export),
        (RowFlow::Import, _) => Some(Flow::Import),
        _ => None,
    };
    let mut totals: BTreeMap<(u16, u16, u16, u8), (f64, usize)> = BTreeMap::new();
    let mut products = Vec::new();
    for i in 0..table.len() {
        let bits = table.flow[i];
        let Some(flow) = flow_of(bits) else {
            out.skipped += 1;
            continue;
        };
        let product = &table.products[table.product[i] as usize];
        let mut used = false;
        if bits & FLAG_IN_TOTALS != 0 {
            let e = totals
                .entry((
                    table.year[i],
                    table.reporter[i],
                    table.partner[i],
                    flow as u8,
                ))
                .or_default();
            e.0 += table.value[i];
            e.1 += 1;
            used = true;
        }
        if bits & FLAG_IN_PRODUCTS != 0 && product.level() > 0 {
            products.push((i, flow));
            used = true;
        }
        if !used {
            out.skipped += 1;
        }
    }
    let mut id = first_id;
    let country = |c: u16| table.countries[usize::from(c)].code.clone();
    for ((year, reporter, partner, flow), (value, rows)) in totals {
        let flow = if flow == Flow::Export as u8 {
            Flow::Export
        } else {
            Flow::Import
        };
        out.trade.push(TradeVolume {
            id,
            year: Some(i32::from(year)),
            reporter: country(reporter),
            partner: country(partner),
            flow,
            category: None,
            value_usd: Some(value),
            quantity: None,
            source: Some(source),
            note: if rows > 1 {
                format!("Sum of {rows} rows of the imported file")
            } else {
                String::new()
            },
        });
        id += 1;
    }
    let mut new_codes: std::collections::BTreeMap<String, String> = BTreeMap::new();
    for (i, flow) in products {
        let product = &table.products[table.product[i] as usize];
        if !known_categories.contains(&product.code) && !new_codes.contains_key(&product.code) {
            let name = if !product.name.is_empty() {
                product.name.clone()
            } else if product.code.len() == 2 {
                super::hs::chapter_name(&product.code)
                    .map_or_else(|| format!("HS {}", product.code), str::to_owned)
            } else {
                format!("HS {}", product.code)
            };
            new_codes.insert(product.code.clone(), name);
        }
        out.trade.push(TradeVolume {
            id,
            year: Some(i32::from(table.year[i])),
            reporter: country(table.reporter[i]),
            partner: country(table.partner[i]),
            flow,
            category: Some(product.code.clone()),
            value_usd: Some(table.value[i]),
            quantity: None,
            source: Some(source),
            note: String::new(),
        });
        id += 1;
    }
    out.categories = new_codes
        .into_iter()
        .map(|(code, name)| Category {
            code,
            name,
            note: "Added when rows were copied from an imported file".to_owned(),
        })
        .collect();
    out
}

/// The edit that copies `table` into `doc` as editable records: a source naming the file,
/// categories for new product codes, and the records of [`to_records`]. Returns the edit,
/// the number of trade records and the number of rows not copied.
pub fn copy_rows_edit(
    doc: &super::document::Document,
    table: &TradeTable,
    link: &DatasetLink,
) -> (super::edit::Edit, usize, usize) {
    use super::edit::Edit;
    use super::record::Record;
    use super::validate::RecordKind;
    let source_id = doc.next_id(RecordKind::Source);
    let first_id = doc.next_id(RecordKind::Trade);
    let known: std::collections::HashSet<String> =
        doc.categories.iter().map(|c| c.code.clone()).collect();
    let copied = to_records(table, source_id, first_id, &known);
    let source = super::document::Source {
        id: source_id,
        title: link.name.clone(),
        publisher: String::new(),
        url: String::new(),
        date: None,
        note: format!("Imported from {} ({})", link.path, link.layout.label()),
    };
    let categories = doc.categories.len();
    let trade = doc.trade.len();
    let records = copied.trade.len();
    let edit = Edit::Batch(vec![
        Edit::Insert(vec![(doc.sources.len(), Record::Source(source))]),
        Edit::Insert(
            copied
                .categories
                .into_iter()
                .enumerate()
                .map(|(i, c)| (categories + i, Record::Category(c)))
                .collect(),
        ),
        Edit::Insert(
            copied
                .trade
                .into_iter()
                .enumerate()
                .map(|(i, t)| (trade + i, Record::Trade(t)))
                .collect(),
        ),
    ]);
    (edit, records, copied.skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str, world: bool) -> DatasetCountry {
        DatasetCountry {
            code: code.into(),
            name: code.into(),
            world,
            unknown: false,
        }
    }

    fn product(code: &str) -> DatasetProduct {
        DatasetProduct {
            code: code.into(),
            name: String::new(),
        }
    }

    /// PAK reports to KAZ in 2024: TOTAL 100 (X), chapter 08 60 (X), heading 0805 60 (X),
    /// re-exports 10 (RX), imports 40 (M, chapter 07); World 500 (X).
    fn mixed() -> TradeTable {
        let mut t = TradeTable {
            countries: vec![
                country("PAK", false),
                country("KAZ", false),
                country("W00", true),
            ],
            products: vec![
                product("TOTAL"),
                product("08"),
                product("0805"),
                product("07"),
            ],
            ..TradeTable::default()
        };
        for (partner, flow, prod, value) in [
            (1u16, RowFlow::Export, 0u32, 100.0),
            (1, RowFlow::Export, 1, 60.0),
            (1, RowFlow::Export, 2, 60.0),
            (1, RowFlow::ReExport, 0, 10.0),
            (1, RowFlow::Import, 3, 40.0),
            (2, RowFlow::Export, 0, 500.0),
        ] {
            t.year.push(2024);
            t.reporter.push(0);
            t.partner.push(partner);
            t.flow.push(flow as u8);
            t.product.push(prod);
            t.value.push(value);
            t.quantity.push(f32::NAN);
        }
        t.compute_flags();
        t
    }

    #[test]
    fn totals_skip_world_subflows_and_double_counting() {
        let t = mixed();
        // 100 (TOTAL export) + 40 (imports): not 60+60 again, not RX, not World.
        assert_eq!(t.total_usd(), 140.0);
        let sums = focus_sums(&t, "PAK");
        let kaz = sums["KAZ"][&2024];
        assert_eq!((kaz.exports, kaz.imports), (Some(100.0), Some(40.0)));
        assert!(!sums.contains_key("W00"), "World is never a partner");
        // From Kazakhstan's side the same rows are mirror figures.
        let from_kaz = focus_sums(&t, "KAZ");
        let pak = from_kaz["PAK"][&2024];
        assert_eq!(
            (pak.imports_mirror, pak.exports_mirror),
            (Some(100.0), Some(40.0))
        );
    }

    #[test]
    fn product_breakdown_uses_the_finest_level_and_rolls_up() {
        let t = mixed();
        let (exports, imports) = pair_products(&t, "PAK", "KAZ", 2024, 2, None);
        assert_eq!(exports, vec![("08".to_owned(), 60.0)]);
        assert_eq!(imports, vec![("07".to_owned(), 40.0)]);
        let (exports, _) = pair_products(&t, "PAK", "KAZ", 2024, 4, Some("08"));
        assert_eq!(exports, vec![("0805".to_owned(), 60.0)]);
    }

    #[test]
    fn reconciled_rows_are_exports_of_one_and_imports_of_the_other() {
        let mut t = TradeTable {
            countries: vec![country("PAK", false), country("KAZ", false)],
            products: vec![product("080510")],
            reconciled: true,
            ..TradeTable::default()
        };
        t.year.push(2022);
        t.reporter.push(0);
        t.partner.push(1);
        t.flow.push(RowFlow::Export as u8);
        t.product.push(0);
        t.value.push(5000.0);
        t.quantity.push(1.5);
        t.compute_flags();
        assert_eq!(focus_sums(&t, "PAK")["KAZ"][&2022].exports, Some(5000.0));
        assert_eq!(focus_sums(&t, "KAZ")["PAK"][&2022].imports, Some(5000.0));
        assert_eq!(t.row(0).unwrap().quantity, Some(1.5));
        let (_, kaz_imports) = pair_products(&t, "KAZ", "PAK", 2022, 6, None);
        assert_eq!(kaz_imports, vec![("080510".to_owned(), 5000.0)]);
    }

    #[test]
    fn pair_totals_sum_what_counts() {
        let t = mixed();
        assert_eq!(pair_totals(&t), vec![((0, 1), 140.0)]);
    }

    #[test]
    fn appending_merges_dictionaries() {
        let mut a = mixed();
        let b = mixed();
        let n = a.len();
        a.append(b);
        assert_eq!(a.len(), 2 * n);
        assert_eq!(a.countries.len(), 3);
        assert_eq!(a.products.len(), 4);
        assert_eq!(a.row(n).unwrap().partner, 1);
        assert_eq!(
            std::mem::size_of::<u16>() * 3 + 1 + 4 + 8 + 4,
            23,
            "bytes per row"
        );
    }

    #[test]
    fn copied_records_keep_totals_and_products_apart() {
        let t = mixed();
        let copied = to_records(&t, 7, 100, &std::collections::HashSet::new());
        // Totals: PAK→KAZ exports (TOTAL row 100), imports (chapter 07 row 40).
        let totals: Vec<(super::super::document::Flow, f64)> = copied
            .trade
            .iter()
            .filter(|r| r.category.is_none())
            .map(|r| (r.flow, r.value_usd.unwrap_or_default()))
            .collect();
        assert_eq!(
            totals,
            vec![
                (super::super::document::Flow::Export, 100.0),
                (super::super::document::Flow::Import, 40.0)
            ]
        );
        let products: Vec<(&str, f64)> = copied
            .trade
            .iter()
            .filter_map(|r| Some((r.category.as_deref()?, r.value_usd?)))
            .collect();
        assert_eq!(products, vec![("0805", 60.0), ("07", 40.0)]);
        assert!(copied.trade.iter().all(|r| r.source == Some(7)));
        assert_eq!(copied.trade.first().map(|r| r.id), Some(100));
        assert_eq!(copied.categories.len(), 2);
        // Chapter 08 (aggregate of 0805), the re-export and the World row are not copied.
        assert_eq!(copied.skipped, 3);
    }

    #[test]
    fn row_filters_and_csv() {
        let t = mixed();
        let all = filter_rows(&t, &RowFilter::default());
        assert_eq!(all.len(), t.len());
        let pair = RowFilter {
            country: Some("kaz".into()),
            partner: Some("PAK".into()),
            ..RowFilter::default()
        };
        // Five PAK–KAZ rows; the World row is not between them.
        assert_eq!(filter_rows(&t, &pair), vec![0, 1, 2, 3, 4]);
        let chapter = RowFilter {
            product: "08".into(),
            ..RowFilter::default()
        };
        assert_eq!(filter_rows(&t, &chapter), vec![1, 2]);
        let unknown = RowFilter {
            country: Some("XXX".into()),
            ..RowFilter::default()
        };
        assert!(filter_rows(&t, &unknown).is_empty());
        assert!(
            filter_rows(
                &t,
                &RowFilter {
                    year: Some(2023),
                    ..RowFilter::default()
                }
            )
            .is_empty()
        );
        let text = String::from_utf8(rows_csv(&t, Some(&[2]))).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("year,reporter,partner,flow,product,product_name,value_usd,quantity")
        );
        assert_eq!(lines.next(), Some("2024,PAK,KAZ,Export,0805,,60,"));
        assert_eq!(lines.next(), None);
    }
}
