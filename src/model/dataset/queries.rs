//! Queries over a dataset's rows: totals of every pair, the focus country's sums by
//! partner and year, a pair's products, and the rows passing a filter.

use std::collections::HashMap;

use super::table::*;
use crate::model::hierarchy;

/// Total trade (rows that count in totals) of every (reporter, partner) pair over all
/// years, as ((reporter, partner), US dollars), largest first.
///
/// A large table is summed in [`PAIR_TOTAL_PARTS`] consecutive parts at once, whose sums
/// are then added in order: the same parts and the same order on any machine, so that
/// the figures do not depend on how many cores summed them.
pub fn pair_totals(table: &TradeTable) -> Vec<((u16, u16), f64)> {
    let parts = if table.len() < PAIR_TOTAL_PART_MIN_ROWS {
        1
    } else {
        PAIR_TOTAL_PARTS
    };
    pair_totals_in(table, parts, DENSE_PAIR_COUNTRIES)
}

/// [`pair_totals`] summed in `parts` parts, in a grid up to `dense` countries.
pub(super) fn pair_totals_in(
    table: &TradeTable,
    parts: usize,
    dense: usize,
) -> Vec<((u16, u16), f64)> {
    let n = table.countries.len();
    let dense = n <= dense;
    let ranges = super::ranges::split(table.len(), parts);
    let sums = super::ranges::map_ranges(&ranges, |range| PairCells::of(table, range, dense));
    let mut whole = PairCells::new(n, dense);
    for part in &sums {
        whole.add(part);
    }
    let mut out = whole.pairs(n);
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// Parts a large table's pair totals are summed in, whatever the number of cores (one per
/// core on four; on fewer, more parts than cores cost only a few more sums).
const PAIR_TOTAL_PARTS: usize = 4;
/// Below this many rows a table's pair totals are summed in one part.
const PAIR_TOTAL_PART_MIN_ROWS: usize = 1 << 22;
/// Countries up to which pairs are summed in a dense grid (1024² cells, 9 MiB): beyond,
/// a map, so that a file with tens of thousands of distinct codes cannot ask for
/// gigabytes.
const DENSE_PAIR_COUNTRIES: usize = 1024;

/// Sums of the pairs of some rows.
enum PairCells {
    /// Dense: countries² cells beat hashing every row (200² = 40,000).
    Dense {
        cells: Vec<f64>,
        used: Vec<bool>,
    },
    Sparse(HashMap<(u16, u16), f64>),
}

impl PairCells {
    fn new(n: usize, dense: bool) -> Self {
        if dense {
            PairCells::Dense {
                cells: vec![0.0; n * n],
                used: vec![false; n * n],
            }
        } else {
            PairCells::Sparse(HashMap::new())
        }
    }

    /// The sums of the rows in `range` that count in totals.
    fn of(table: &TradeTable, range: std::ops::Range<usize>, dense: bool) -> Self {
        let n = table.countries.len();
        let mut sums = Self::new(n, dense);
        let (flow, reporter, partner, value) = (
            &table.flow[range.clone()],
            &table.reporter[range.clone()],
            &table.partner[range.clone()],
            &table.value[range],
        );
        match &mut sums {
            PairCells::Dense { cells, used } => {
                for i in 0..flow.len() {
                    if flow[i] & FLAG_IN_TOTALS == 0 {
                        continue;
                    }
                    let cell = usize::from(reporter[i]) * n + usize::from(partner[i]);
                    cells[cell] += value[i];
                    used[cell] = true;
                }
            }
            PairCells::Sparse(map) => {
                for i in 0..flow.len() {
                    if flow[i] & FLAG_IN_TOTALS != 0 {
                        *map.entry((reporter[i], partner[i])).or_insert(0.0) += value[i];
                    }
                }
            }
        }
        sums
    }

    /// Adds another part's sums (of the same table).
    fn add(&mut self, other: &PairCells) {
        match (self, other) {
            (PairCells::Dense { cells, used }, PairCells::Dense { cells: c, used: u }) => {
                for i in 0..cells.len() {
                    if u[i] {
                        cells[i] += c[i];
                        used[i] = true;
                    }
                }
            }
            (PairCells::Sparse(map), PairCells::Sparse(other)) => {
                for (pair, v) in other {
                    *map.entry(*pair).or_insert(0.0) += v;
                }
            }
            // Both are made for the same number of countries.
            _ => {}
        }
    }

    fn pairs(self, n: usize) -> Vec<((u16, u16), f64)> {
        match self {
            PairCells::Dense { cells, used } => (0..n * n)
                .filter(|&c| used[c])
                .map(|c| (((c / n) as u16, (c % n) as u16), cells[c]))
                .collect(),
            PairCells::Sparse(map) => {
                let mut pairs: Vec<_> = map.into_iter().collect();
                // Equal totals then come out in the same order as from the grid.
                pairs.sort_by_key(|(pair, _)| *pair);
                pairs
            }
        }
    }
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
    let blocks = table.country_blocks();
    let Some((first_year, last_year)) = blocks.years else {
        return out;
    };
    // Dense per-partner, per-year accumulation: far faster than hashing every row.
    let nc = table.countries.len();
    let ny = usize::from(last_year - first_year) + 1;
    let mut cells = vec![PairSums::default(); nc * ny];
    for range in blocks.rows_of(f) {
        for i in range {
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

/// What `a` exports to and imports from `b` in `year`, product by product, at `digits`
/// digits below `within` (see [`hierarchy::breakdown`]): the rows `a` reports (or, in a
/// reconciled table such as BACI, the rows of each direction), so that a breakdown is one
/// source's view; mirror figures are left to the totals.
pub fn pair_breakdowns(
    table: &TradeTable,
    a: &str,
    b: &str,
    year: u16,
    within: Option<&str>,
    digits: usize,
) -> (hierarchy::Breakdown, hierarchy::Breakdown) {
    let (Some(ai), Some(bi)) = (table.country_index(a), table.country_index(b)) else {
        return Default::default();
    };
    let mut exports: Vec<(&str, f64)> = Vec::new();
    let mut imports: Vec<(&str, f64)> = Vec::new();
    for range in table.country_blocks().rows_of_pair(ai, bi) {
        for i in range {
            if table.year[i] != year {
                continue;
            }
            let (r, p) = (table.reporter[i], table.partner[i]);
            let flow = RowFlow::from_bits(table.flow[i]);
            let side = match (flow, r == ai && p == bi, r == bi && p == ai) {
                (RowFlow::Export, true, _) => &mut exports,
                (RowFlow::Import, true, _) => &mut imports,
                (RowFlow::Export, _, true) if table.reconciled => &mut imports,
                _ => continue,
            };
            let code = table.products[table.product[i] as usize].code.as_str();
            side.push((code, table.value[i]));
        }
    }
    (
        hierarchy::breakdown(exports, within, digits),
        hierarchy::breakdown(imports, within, digits),
    )
}

/// [`pair_breakdowns`] as (code, value) lists, largest first.
pub fn pair_products(
    table: &TradeTable,
    a: &str,
    b: &str,
    year: u16,
    digits: usize,
    within: Option<&str>,
) -> (ProductValues, ProductValues) {
    let (exports, imports) = pair_breakdowns(table, a, b, year, within, digits);
    let values = |b: hierarchy::Breakdown| b.nodes.into_iter().map(|n| (n.code, n.value)).collect();
    (values(exports), values(imports))
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

/// One pair's trade in one year and direction: the sum of its rows that count in totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairTotal {
    /// Year.
    pub year: u16,
    /// Reporter (BACI: exporter), index into the table's countries.
    pub reporter: u16,
    /// Partner (BACI: importer).
    pub partner: u16,
    /// Export or import.
    pub flow: RowFlow,
    /// Sum of the values, US dollars.
    pub value: f64,
    /// Rows summed.
    pub rows: u64,
}

/// Totals per (year, reporter, partner, flow) under the aggregation rule (rows with World,
/// sub-flows and rows hidden by a coarser code of their group left out), sorted.
pub fn pair_totals_by_year(table: &TradeTable) -> Vec<PairTotal> {
    let mut sums: std::collections::BTreeMap<(u16, u16, u16, u8), (f64, u64)> =
        std::collections::BTreeMap::new();
    for i in 0..table.len() {
        let flags = table.flow[i];
        if flags & FLAG_IN_TOTALS == 0 {
            continue;
        }
        let key = (
            table.year[i],
            table.reporter[i],
            table.partner[i],
            flags & FLOW_MASK,
        );
        let entry = sums.entry(key).or_insert((0.0, 0));
        entry.0 += table.value[i];
        entry.1 += 1;
    }
    sums.into_iter()
        .map(
            |((year, reporter, partner, flow), (value, rows))| PairTotal {
                year,
                reporter,
                partner,
                flow: RowFlow::from_bits(flow),
                value,
                rows,
            },
        )
        .collect()
}
