//! The rows of a dataset held in columns: a few bytes per row, with countries and products
//! stored once in dictionaries, so that ten million rows fit in a couple of hundred MiB and
//! can be aggregated in tens of milliseconds.
//!
//! Per row: year (u16), reporter (u16), partner (u16), flow and flags (u8), product (u32),
//! value in US dollars (f64) and quantity (f32, NaN when missing): 23 bytes.

use std::collections::{HashMap, HashSet};

use super::Column;
use crate::model::hierarchy;

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

    pub(crate) fn from_bits(bits: u8) -> RowFlow {
        RowFlow::ALL
            .get(usize::from(bits & FLOW_MASK))
            .copied()
            .unwrap_or(RowFlow::OtherSubFlow)
    }
}

pub(crate) const FLOW_MASK: u8 = 0b0000_0111;
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
    pub year: Column<u16>,
    /// Reporter (BACI: exporter), index into `countries`.
    pub reporter: Column<u16>,
    /// Partner (BACI: importer), index into `countries`.
    pub partner: Column<u16>,
    /// Flow in the low bits, [`FLAG_IN_TOTALS`] and [`FLAG_IN_PRODUCTS`] in the high bits.
    pub flow: Column<u8>,
    /// Product, index into `products`.
    pub product: Column<u32>,
    /// Value in US dollars.
    pub value: Column<f64>,
    /// Quantity (NaN when missing).
    pub quantity: Column<f32>,
    /// Country dictionary.
    pub countries: Vec<DatasetCountry>,
    /// Product dictionary.
    pub products: Vec<DatasetProduct>,
    /// True for reconciled exporter → importer data (BACI): one figure per flow, seen from
    /// both sides, rather than each country's own report.
    pub reconciled: bool,
    /// Where each country's rows are, built on first use (see [`CountryBlocks`]).
    pub blocks: BlocksCell,
    /// Set while the table holds only each pair's totals per year, read before a large
    /// release's rows (see [`TotalsOnly`]).
    pub totals_only: Option<TotalsOnly>,
}

/// A table of each pair's totals: one row per year, reporter, partner and flow, its
/// product `TOTAL` and its value the sum of the release's rows. A release of hundreds of
/// millions of rows gives its totals in a pass that keeps none of them, so that every
/// total, chart and ranking is there in seconds; products and rows wait for the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TotalsOnly {
    /// The release's rows summed into the table (refused rows not among them).
    pub rows: u64,
    /// Of those, the rows of a country's trade with itself that
    /// [`TradeTable::trade_with_itself`] counts.
    pub rows_with_itself: u64,
}

/// A table's [`CountryBlocks`], built once when first asked for (from any thread) and
/// dropped when rows are appended. Not part of a table's equality.
#[derive(Debug, Clone, Default)]
pub struct BlocksCell(std::sync::OnceLock<std::sync::Arc<super::CountryBlocks>>);

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
            && self.totals_only == other.totals_only
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

    /// Appends a row: the inverse of [`TradeTable::row`] (a missing quantity is stored as
    /// NaN).
    #[inline]
    pub fn push(&mut self, row: DatasetRow) {
        self.year.push(row.year);
        self.reporter.push(row.reporter);
        self.partner.push(row.partner);
        self.flow.push(row.flow as u8);
        self.product.push(row.product);
        self.value.push(row.value);
        self.quantity.push(row.quantity.unwrap_or(f32::NAN));
    }

    /// Where each country's rows are; built on the first call, in one pass over the rows.
    pub fn country_blocks(&self) -> &super::CountryBlocks {
        self.blocks
            .0
            .get_or_init(|| std::sync::Arc::new(super::CountryBlocks::of(self)))
    }

    /// Gives the table an index built earlier for exactly these rows (read from a cache);
    /// ignored when the table has one already.
    pub fn set_country_blocks(&self, blocks: super::CountryBlocks) {
        let _ = self.blocks.0.set(std::sync::Arc::new(blocks));
    }

    /// Index of country `code` in the dictionary.
    pub fn country_index(&self, code: &str) -> Option<u16> {
        self.countries
            .iter()
            .position(|c| c.code == code)
            .map(|i| i as u16)
    }

    /// Removes every row, keeping the dictionaries and the columns' memory.
    pub fn clear_rows(&mut self) {
        let (countries, products) = (self.countries.len(), self.products.len());
        self.truncate(0, countries, products);
    }

    /// The room reserved beyond the rows of each owned column, as (address, values it
    /// holds, bytes a value).
    pub fn spare_room(&self) -> Vec<(usize, usize, usize)> {
        [
            self.year.spare_room(),
            self.reporter.spare_room(),
            self.partner.spare_room(),
            self.flow.spare_room(),
            self.product.spare_room(),
            self.value.spare_room(),
            self.quantity.spare_room(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Keeps the first `rows` rows and the first `countries` and `products` entries of the
    /// dictionaries: undoes the appends made since the table had that many (a file of a
    /// dataset that failed part-way through).
    pub fn truncate(&mut self, rows: usize, countries: usize, products: usize) {
        self.year.truncate(rows);
        self.reporter.truncate(rows);
        self.partner.truncate(rows);
        self.flow.truncate(rows);
        self.product.truncate(rows);
        self.value.truncate(rows);
        self.quantity.truncate(rows);
        self.countries.truncate(countries);
        self.products.truncate(products);
        self.blocks = BlocksCell::default();
    }

    /// The table with no rows and empty dictionaries, its columns keeping their memory:
    /// filling it again touches no fresh pages (which the system must first zero).
    pub fn emptied(mut self) -> Self {
        self.clear_rows();
        Self {
            year: self.year,
            reporter: self.reporter,
            partner: self.partner,
            flow: self.flow,
            product: self.product,
            value: self.value,
            quantity: self.quantity,
            ..Self::default()
        }
    }

    /// Appends all rows of `other`, merging its dictionaries into this one's.
    pub fn append(&mut self, other: &TradeTable) {
        let mut index = DictionaryIndex::of(self);
        self.append_growing(other, &mut (Vec::new(), Vec::new()), &mut index);
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
        self.blocks = BlocksCell::default();
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
    /// count World, a country's trade with itself, sub-flows or an aggregate row together
    /// with its detail rows.
    ///
    /// The rule of [`crate::model::hierarchy`]: within each (year, reporter, partner,
    /// flow) group, a row counts towards totals exactly when no ancestor of its product
    /// code (TOTAL, or an HS code that prefixes it) is present in the group. Every product
    /// row but TOTAL may appear in product breakdowns, which apply the same rule level by
    /// level.
    pub fn compute_flags(&mut self) {
        let world: Vec<bool> = self.countries.iter().map(|c| c.world).collect();
        let ancestors = self.ancestor_products();
        let is_total: Vec<bool> = self
            .products
            .iter()
            .map(|p| hierarchy::is_total(&p.code))
            .collect();
        let rows = Rows {
            year: &self.year,
            reporter: &self.reporter,
            partner: &self.partner,
            product: &self.product,
        };
        // Rows of an ancestor product, by group: only those can hide other rows.
        let mut present: HashSet<Group> = HashSet::new();
        if ancestors.iter().any(|a| !a.is_empty()) {
            let mut is_ancestor = vec![false; self.products.len()];
            for &a in ancestors.iter().flatten() {
                is_ancestor[a as usize] = true;
            }
            for i in 0..self.len() {
                let p = self.product[i];
                if is_ancestor[p as usize] {
                    present.insert(rows.group(i, self.flow[i] & FLOW_MASK, p));
                }
            }
        }
        let rule = FlagRule {
            world: &world,
            ancestors: &ancestors,
            is_total: &is_total,
            present: &present,
        };
        // Each row's flags depend only on the row and the sets above: the rows are cut
        // into one slice per core (a whole release is hundreds of millions of rows).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = self.flow.len().div_ceil(threads).max(1 << 16);
        let flow: &mut [u8] = &mut self.flow;
        if flow.len() <= chunk {
            rule.apply(&rows, 0, flow);
            return;
        }
        std::thread::scope(|scope| {
            for (c, flows) in flow.chunks_mut(chunk).enumerate() {
                let (rows, rule) = (&rows, &rule);
                scope.spawn(move || rule.apply(rows, c * chunk, flows));
            }
        });
    }

    /// Restores the leading zeros of numeric product codes shorter than `width` (BACI's
    /// six-digit codes written as numbers: `80510` is `080510`, citrus, not chapter 80),
    /// merging a code with its padded twin when the file has both spellings. Returns
    /// whether a code changed (flags must then be computed again).
    pub fn pad_product_codes(&mut self, width: usize) -> bool {
        let short = |code: &str| code.len() < width && hierarchy::is_hs(code);
        if !self.products.iter().any(|p| short(&p.code)) {
            return false;
        }
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut products: Vec<DatasetProduct> = Vec::new();
        let remap: Vec<u32> = self
            .products
            .iter()
            .map(|p| {
                let code = if short(&p.code) {
                    format!("{:0>width$}", p.code)
                } else {
                    p.code.clone()
                };
                *index.entry(code.clone()).or_insert_with(|| {
                    products.push(DatasetProduct {
                        code,
                        name: p.name.clone(),
                    });
                    (products.len() - 1) as u32
                })
            })
            .collect();
        for p in self.product.iter_mut() {
            *p = remap[*p as usize];
        }
        self.products = products;
        true
    }

    /// For each product of the dictionary, the products of the dictionary that are its
    /// ancestors (TOTAL, and the HS codes that prefix it).
    fn ancestor_products(&self) -> Vec<Vec<u32>> {
        let index: HashMap<&str, u32> = self
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i as u32))
            .collect();
        let totals: Vec<u32> = self
            .products
            .iter()
            .enumerate()
            .filter(|(_, p)| hierarchy::is_total(&p.code))
            .map(|(i, _)| i as u32)
            .collect();
        self.products
            .iter()
            .map(|p| {
                if hierarchy::is_total(&p.code) {
                    return Vec::new();
                }
                let mut found = totals.clone();
                if hierarchy::is_hs(&p.code) {
                    found
                        .extend((2..p.code.len()).filter_map(|n| index.get(&p.code[..n]).copied()));
                }
                found
            })
            .collect()
    }

    /// Rows of a country's trade with itself (as gravity datasets give domestic trade)
    /// among exports and imports, and their value: kept, but counted in no total.
    pub fn trade_with_itself(&self) -> (usize, f64) {
        let mut found = (0, 0.0);
        for i in (0..self.len()).filter(|&i| self.is_trade_with_itself(i)) {
            found.0 += 1;
            found.1 += self.value[i];
        }
        // Counted in rows of the release, not in the rows of its totals.
        let rows = self.totals_only.map(|t| t.rows_with_itself as usize);
        (rows.unwrap_or(found.0), found.1)
    }

    /// Whether row `i` is an export or import of a country with itself (not World), as
    /// [`TradeTable::trade_with_itself`] counts them.
    pub fn is_trade_with_itself(&self, i: usize) -> bool {
        let (Some(&reporter), Some(&partner)) = (self.reporter.get(i), self.partner.get(i)) else {
            return false;
        };
        let world = (self.countries.get(usize::from(reporter))).is_some_and(|c| c.world);
        let flow = RowFlow::from_bits(self.flow[i] & FLOW_MASK);
        reporter == partner && !world && flow.counts_in_totals()
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

/// (year, reporter, partner, flow, product) of a row, under which its product hides its
/// descendants.
type Group = (u16, u16, u16, u8, u32);

/// The columns [`FlagRule`] reads.
struct Rows<'a> {
    year: &'a [u16],
    reporter: &'a [u16],
    partner: &'a [u16],
    product: &'a [u32],
}

impl Rows<'_> {
    /// The group of row `i`, with flow bits `flow`, for product `p`.
    fn group(&self, i: usize, flow: u8, p: u32) -> Group {
        (self.year[i], self.reporter[i], self.partner[i], flow, p)
    }
}

/// What decides a row's flags in [`TradeTable::compute_flags`].
struct FlagRule<'a> {
    /// By country: World (or a world aggregate).
    world: &'a [bool],
    /// By product: its ancestors in the dictionary.
    ancestors: &'a [Vec<u32>],
    /// By product: TOTAL.
    is_total: &'a [bool],
    /// (year, reporter, partner, flow, product) of the rows of ancestor products.
    present: &'a HashSet<Group>,
}

impl FlagRule<'_> {
    /// Sets the flags of `flows`, the flow bytes of the rows from `first` on.
    fn apply(&self, rows: &Rows<'_>, first: usize, flows: &mut [u8]) {
        for (k, flow) in flows.iter_mut().enumerate() {
            let i = first + k;
            let bits = *flow & FLOW_MASK;
            let p = rows.product[i];
            // World, or a country with itself (gravity datasets' domestic trade): not
            // trade between two countries, so in no sum.
            let is_world = self.world[usize::from(rows.partner[i])]
                || self.world[usize::from(rows.reporter[i])]
                || rows.partner[i] == rows.reporter[i];
            let hidden = self.ancestors[p as usize]
                .iter()
                .any(|&a| self.present.contains(&rows.group(i, bits, a)));
            let mut flags = bits;
            if !is_world && !hidden && RowFlow::from_bits(bits).counts_in_totals() {
                flags |= FLAG_IN_TOTALS;
            }
            if !is_world && !self.is_total[p as usize] {
                flags |= FLAG_IN_PRODUCTS;
            }
            *flow = flags;
        }
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
