//! Building [`Flows`] from millions of rows: countries and product codes are numbered once
//! per dictionary (a dataset's code lists, not its rows), rows are grouped by number, and
//! each (year, reporter, partner, flow) group is summed by the aggregation rule once for
//! every level asked for.

use std::collections::{BTreeSet, HashMap as StdHashMap};
use std::ops::RangeInclusive;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashMap as HashMap};

use crate::model::dataset::{DatasetRow, RowFlow, TradeTable};
use crate::model::hierarchy;

use super::flows::{FlowRef, Flows, PairKey, Reported};

/// Numbers for strings borrowed from the sources.
#[derive(Default)]
struct Interner<'a> {
    ids: StdHashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, name: &'a str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name, id);
        self.names.push(name);
        id
    }
}

/// (year, reporter, partner, the reporter's exports).
type GroupKey = (i32, u32, u32, bool);

/// Rows gathered from documents and datasets, numbered by group, not yet summed.
#[derive(Default)]
pub(super) struct Builder<'a> {
    countries: Interner<'a>,
    products: Interner<'a>,
    /// Group numbers.
    index: FxHashMap<GroupKey, u32>,
    keys: Vec<GroupKey>,
    /// Each row's group, product and value.
    rows: Vec<(u32, u32, f64)>,
    /// The group of the last row added: files come sorted by year and pair, so most rows
    /// belong to the group of the row before and need no lookup.
    last: Option<(GroupKey, u32)>,
}

/// A group's products at a level, summed: the sum of each code met (by code number), the
/// codes met in order, then `summed`.
#[derive(Default)]
struct Scratch {
    sums: Vec<f64>,
    seen: Vec<bool>,
    met: Vec<u32>,
    summed: Vec<(u32, f64)>,
}

impl Scratch {
    fn add(&mut self, code: u32, value: f64) {
        let at = code as usize;
        if at >= self.sums.len() {
            self.sums.resize(at + 1, 0.0);
            self.seen.resize(at + 1, false);
        }
        if self.seen[at] {
            self.sums[at] += value;
        } else {
            self.seen[at] = true;
            self.sums[at] = value;
            self.met.push(code);
        }
    }

    /// Moves the sums of the codes met into `summed`, leaving the arrays as they were.
    fn drain(&mut self) {
        for code in self.met.drain(..) {
            self.seen[code as usize] = false;
            self.summed.push((code, self.sums[code as usize]));
        }
    }
}

/// The world's exports by product (code at the level) in each year.
pub(super) type WorldProducts = std::collections::BTreeMap<i32, HashMap<String, f64>>;

/// The world's sums by product at one level, as a batch's groups are read.
struct LevelSums<'a> {
    level: usize,
    codes: Interner<'a>,
    prefix: Vec<Option<u32>>,
    scratch: Scratch,
    /// By year, the sum of each code of the level met (by code number).
    by_year: std::collections::BTreeMap<i32, Vec<Option<f64>>>,
}

impl LevelSums<'_> {
    fn into_products(self) -> WorldProducts {
        let names = &self.codes.names;
        self.by_year
            .into_iter()
            .map(|(year, sums)| {
                let products = sums
                    .into_iter()
                    .enumerate()
                    .filter_map(|(id, sum)| Some((names[id].to_owned(), sum?)))
                    .collect();
                (year, products)
            })
            .collect()
    }
}

/// Adds `value` to the sum of code `code`.
fn add_to(sums: &mut Vec<Option<f64>>, code: u32, value: f64) {
    let at = code as usize;
    if at >= sums.len() {
        sums.resize(at + 1, None);
    }
    sums[at] = Some(sums[at].map_or(value, |sum| sum + value));
}

/// The rows sorted by group: group `g` is `rows[offsets[g]..offsets[g + 1]]`.
pub(super) struct Grouped<'b, 'a> {
    builder: &'b Builder<'a>,
    offsets: Vec<usize>,
    rows: Vec<(u32, f64)>,
    /// Which of the builder's products are HS codes.
    hs: Vec<bool>,
}

impl<'a> Builder<'a> {
    fn push(&mut self, key: GroupKey, code: u32, value: f64) {
        if key.1 == key.2 || !value.is_finite() {
            return;
        }
        let group = match self.last {
            Some((last, group)) if last == key => group,
            _ => {
                let next = self.keys.len() as u32;
                let group = *self.index.entry(key).or_insert(next);
                if group == next {
                    self.keys.push(key);
                }
                self.last = Some((key, group));
                group
            }
        };
        self.rows.push((group, code, value));
    }

    /// The rows sorted by group (a counting sort: two passes, no allocation per group).
    pub(super) fn group(&self) -> Grouped<'_, 'a> {
        self.group_in(Vec::new())
    }

    /// [`Builder::group`] into `rows`' memory (a buffer of an earlier batch: memory
    /// reused is not zeroed again by the system).
    pub(super) fn group_in(&self, mut rows: Vec<(u32, f64)>) -> Grouped<'_, 'a> {
        let mut offsets = vec![0usize; self.keys.len() + 1];
        for &(g, _, _) in &self.rows {
            offsets[g as usize + 1] += 1;
        }
        for g in 1..offsets.len() {
            offsets[g] += offsets[g - 1];
        }
        let mut next = offsets.clone();
        rows.clear();
        rows.resize(self.rows.len(), (0, 0.0));
        for &(g, code, value) in &self.rows {
            let at = &mut next[g as usize];
            rows[*at] = (code, value);
            *at += 1;
        }
        Grouped {
            builder: self,
            offsets,
            rows,
            hs: self
                .products
                .names
                .iter()
                .map(|c| hierarchy::is_hs(c))
                .collect(),
        }
    }

    /// A builder whose rows go into `rows`' memory (see [`Builder::group_in`]).
    pub(super) fn reusing(mut rows: Vec<(u32, u32, f64)>) -> Self {
        rows.clear();
        Builder {
            rows,
            ..Builder::default()
        }
    }

    /// The memory of the rows, to reuse.
    pub(super) fn into_rows(self) -> Vec<(u32, u32, f64)> {
        self.rows
    }

    /// Adds one row (a document record, a test row).
    pub(super) fn add(&mut self, r: FlowRef<'a>) {
        let key = (
            r.year,
            self.countries.id(r.reporter),
            self.countries.id(r.partner),
            r.exports,
        );
        let code = self.products.id(r.code);
        self.push(key, code, r.value);
    }

    /// Adds a dataset's exports and imports of `years` (re-exports and the other
    /// sub-flows are "of which"), World left out.
    pub(super) fn add_table(&mut self, table: &'a TradeTable, years: &RangeInclusive<i32>) {
        // The year column alone first: most rows of a release are outside the years. A
        // release's rows come year by year, so whole chunks of them are: a chunk's first
        // and last years are found in one vectorised pass and the chunk skipped, where
        // looking at each row cost as much as summing a batch's own rows.
        const CHUNK: usize = 4096;
        let (first, last) = (*years.start(), *years.end());
        let rows = table
            .year
            .chunks(CHUNK)
            .enumerate()
            .filter(move |(_, chunk)| {
                let low = chunk.iter().copied().min().map_or(i32::MAX, i32::from);
                let high = chunk.iter().copied().max().map_or(i32::MIN, i32::from);
                low <= last && high >= first
            })
            .flat_map(move |(c, chunk)| {
                chunk
                    .iter()
                    .enumerate()
                    .filter(move |(_, y)| (first..=last).contains(&i32::from(**y)))
                    .map(move |(i, _)| c * CHUNK + i)
            });
        self.add_rows(table, rows, |_| true);
    }

    /// Adds a dataset's rows of `years` in which one of `countries` (codes) is the reporter
    /// or the partner, read through the table's country index (the blocks of rows where they
    /// appear): the rows of every (year, reporter, partner, flow) group they are in.
    pub(super) fn add_table_touching(
        &mut self,
        table: &'a TradeTable,
        countries: &[&str],
        years: &RangeInclusive<i32>,
    ) {
        let (wanted, rows) = touching(table, countries);
        let touches = |r: &DatasetRow| {
            (wanted.contains(&r.reporter) || wanted.contains(&r.partner))
                && years.contains(&i32::from(r.year))
        };
        self.add_rows(table, rows.into_iter().flatten(), touches);
    }

    fn add_rows(
        &mut self,
        table: &'a TradeTable,
        rows: impl Iterator<Item = usize>,
        keep: impl Fn(&DatasetRow) -> bool,
    ) {
        let countries: Vec<Option<u32>> = table
            .countries
            .iter()
            .map(|c| (!c.world).then(|| self.countries.id(&c.code)))
            .collect();
        let products: Vec<u32> = table
            .products
            .iter()
            .map(|p| self.products.id(&p.code))
            .collect();
        for i in rows {
            let Some(r) = table.row(i).filter(&keep) else {
                continue;
            };
            let exports = match r.flow {
                RowFlow::Export => true,
                RowFlow::Import => false,
                _ => continue,
            };
            let country = |index: u16| countries.get(usize::from(index)).copied().flatten();
            let (Some(reporter), Some(partner), Some(&code)) = (
                country(r.reporter),
                country(r.partner),
                products.get(r.product as usize),
            ) else {
                continue;
            };
            self.push(
                (i32::from(r.year), reporter, partner, exports),
                code,
                r.value,
            );
        }
    }
}

/// The table's numbers of `countries` (codes), and the row ranges of the blocks where one
/// of them appears, in order and joined.
pub(super) fn touching(
    table: &TradeTable,
    countries: &[&str],
) -> (Vec<u16>, Vec<std::ops::Range<usize>>) {
    let wanted: Vec<u16> = countries
        .iter()
        .filter_map(|c| table.country_index(c))
        .collect();
    let blocks = table.country_blocks();
    let mut ranges: Vec<std::ops::Range<usize>> =
        wanted.iter().flat_map(|&c| blocks.rows_of(c)).collect();
    ranges.sort_by_key(|r| r.start);
    let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match rows.last_mut() {
            Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
            _ => rows.push(r),
        }
    }
    (wanted, rows)
}

impl<'a> Grouped<'_, 'a> {
    /// The memory of the grouped rows, to reuse.
    pub(super) fn into_rows(self) -> Vec<(u32, f64)> {
        self.rows
    }

    /// The rows of group `g`.
    fn group_rows(&self, g: usize) -> &[(u32, f64)] {
        &self.rows[self.offsets[g]..self.offsets[g + 1]]
    }

    /// The length of a group's codes when they are HS codes all of one length (none is
    /// then another's ancestor: their sum is the group's total, and their prefixes its
    /// products at any level up to that length).
    fn one_length(&self, rows: &[(u32, f64)]) -> Option<usize> {
        let names = &self.builder.products.names;
        let len = names[rows.first()?.0 as usize].len();
        rows.iter()
            .all(|(c, _)| self.hs[*c as usize] && names[*c as usize].len() == len)
            .then_some(len)
    }

    /// The flows at `level` digits.
    pub(super) fn finish(&self, level: usize) -> Flows {
        let b = self.builder;
        let mut flows = Flows {
            level,
            ..Flows::default()
        };
        let (mut level_codes, prefix) = b.level_prefixes(level);
        let mut scratch = Scratch::default();
        let mut totals: HashMap<PairKey, Reported> = HashMap::default();
        let mut products: HashMap<PairKey, Vec<(u32, Reported)>> = HashMap::default();
        for (g, &(year, reporter, partner, exports)) in b.keys.iter().enumerate() {
            let rows = self.group_rows(g);
            let shape = self.one_length(rows);
            let total = b.group_total(
                (rows, shape),
                &prefix,
                &mut level_codes,
                &mut scratch,
                level,
            );
            let summed = &scratch.summed;
            let key = b.pair_key((year, reporter, partner, exports));
            flows.years.insert(year);
            totals.entry(key.clone()).or_default().add(exports, total);
            let slot = products.entry(key).or_default();
            if slot.is_empty() {
                // The first report of the pair (the usual case): nothing to merge with.
                slot.reserve_exact(summed.len());
                slot.extend(summed.iter().map(|&(code, value)| {
                    let mut r = Reported::default();
                    r.add(exports, value);
                    (code, r)
                }));
                continue;
            }
            for &(code, value) in summed {
                match slot.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, r)) => r.add(exports, value),
                    None => {
                        let mut r = Reported::default();
                        r.add(exports, value);
                        slot.push((code, r));
                    }
                }
            }
        }
        flows.codes = level_codes.names.iter().map(|c| (*c).to_owned()).collect();
        flows.totals = Arc::new(totals);
        flows.products = Arc::new(products);
        flows
    }

    /// Whether every group is a reporter's exports (BACI's reconciled rows): each pair then
    /// has one report, and the world's sums by product need no pairing of the two sides.
    pub(super) fn exports_only(&self) -> bool {
        self.builder.keys.iter().all(|key| key.3)
    }

    /// The world's exports by product at each of `levels` in each year, summed straight
    /// from each group's products: what [`Grouped::finish`] then [`Flows::year_sums`] give
    /// when [`Grouped::exports_only`], without keeping every pair's products (which were
    /// most of the time of a release's span, at each of three levels). A group of HS codes
    /// all of one length (a BACI file) is looked at once for all levels, its rows' values
    /// added to their prefixes' sums as they come.
    pub(super) fn world_products(&self, levels: &[usize]) -> Vec<WorldProducts> {
        let b = self.builder;
        let mut at: Vec<LevelSums<'a>> = levels
            .iter()
            .map(|&level| {
                let (codes, prefix) = b.level_prefixes(level);
                LevelSums {
                    level,
                    codes,
                    prefix,
                    scratch: Scratch::default(),
                    by_year: Default::default(),
                }
            })
            .collect();
        for (g, &(year, ..)) in b.keys.iter().enumerate() {
            let rows = self.group_rows(g);
            let one_length = self.one_length(rows);
            for l in &mut at {
                let sums = l.by_year.entry(year).or_default();
                if one_length.is_some_and(|len| len >= l.level) {
                    for &(code, value) in rows {
                        if let Some(p) = l.prefix[code as usize] {
                            add_to(sums, p, value);
                        }
                    }
                } else {
                    let group = (rows, one_length);
                    b.group_total(group, &l.prefix, &mut l.codes, &mut l.scratch, l.level);
                    for &(code, value) in &l.scratch.summed {
                        add_to(sums, code, value);
                    }
                }
            }
        }
        at.into_iter().map(LevelSums::into_products).collect()
    }

    /// Every group's total by the aggregation rule, by (year, exporter, importer), with
    /// the years: what [`Grouped::finish`] gives as totals, at no level (a total does not
    /// depend on the level products are read at).
    pub(super) fn totals(&self) -> (HashMap<PairKey, Reported>, BTreeSet<i32>) {
        let b = self.builder;
        let mut totals: HashMap<PairKey, Reported> = HashMap::default();
        let mut years = BTreeSet::new();
        for (g, &(year, reporter, partner, exports)) in b.keys.iter().enumerate() {
            let rows = self.group_rows(g);
            let key = b.pair_key((year, reporter, partner, exports));
            years.insert(year);
            totals
                .entry(key)
                .or_default()
                .add(exports, b.group_sum(rows, self.one_length(rows)));
        }
        (totals, years)
    }
}

impl<'a> Builder<'a> {
    /// The group's total by the aggregation rule; its products at the level in
    /// `scratch.summed`. Codes all of one HS length at or below the level (`one_length`,
    /// from [`Grouped::one_length`]: a BACI file, a Comtrade extract at HS6) have no
    /// ancestors among them: their sum is the total and their prefixes the products,
    /// without the general rule's bookkeeping.
    fn group_total(
        &self,
        (rows, one_length): (&[(u32, f64)], Option<usize>),
        prefix: &[Option<u32>],
        level_codes: &mut Interner<'a>,
        scratch: &mut Scratch,
        level: usize,
    ) -> f64 {
        scratch.summed.clear();
        let names = &self.products.names;
        if one_length.is_some_and(|len| len >= level) {
            // Summed by code in an array (no sort: a group holds hundreds of rows, and
            // sorting them was a quarter of building a matrix), codes in the order met.
            let mut total = 0.0;
            for &(code, value) in rows {
                total += value;
                if let Some(p) = prefix[code as usize] {
                    scratch.add(p, value);
                }
            }
            scratch.drain();
            return total;
        }
        let summed = &mut scratch.summed;
        let codes = rows.iter().map(|(c, _)| names[*c as usize]);
        let total = self.counted_sum(rows);
        let breakdown = hierarchy::breakdown(codes.zip(rows.iter().map(|(_, v)| *v)), None, level);
        for node in breakdown.nodes {
            if node.code.len() != level || !hierarchy::is_hs(&node.code) {
                continue;
            }
            // The node's code is the prefix of one of the group's codes: borrow it from there.
            let source = rows
                .iter()
                .map(|(c, _)| names[*c as usize])
                .find(|c| c.starts_with(node.code.as_str()));
            if let Some(code) = source {
                summed.push((level_codes.id(&code[..level]), node.value));
            }
        }
        total
    }

    /// Each product's code at `level` (for the HS codes at least that long), numbered in a
    /// code list of the level's own.
    fn level_prefixes(&self, level: usize) -> (Interner<'a>, Vec<Option<u32>>) {
        let mut level_codes: Interner<'a> = Interner::default();
        let prefix = self
            .products
            .names
            .iter()
            .map(|&code| {
                (hierarchy::is_hs(code) && code.len() >= level)
                    .then(|| level_codes.id(&code[..level]))
            })
            .collect();
        (level_codes, prefix)
    }

    /// The (year, exporter, importer) of a group: its reporter's exports, or its
    /// partner's exports to the reporter.
    fn pair_key(&self, (year, reporter, partner, exports): GroupKey) -> PairKey {
        let (reporter, partner) = (
            self.countries.names[reporter as usize],
            self.countries.names[partner as usize],
        );
        if exports {
            (year, reporter.to_owned(), partner.to_owned())
        } else {
            (year, partner.to_owned(), reporter.to_owned())
        }
    }

    /// The group's total by the aggregation rule, products aside: the sum of its values
    /// when its codes are HS codes all of one length (`one_length`), else the sum of those
    /// the rule counts.
    fn group_sum(&self, rows: &[(u32, f64)], one_length: Option<usize>) -> f64 {
        if one_length.is_some() {
            rows.iter().map(|(_, v)| v).sum()
        } else {
            self.counted_sum(rows)
        }
    }

    fn counted_sum(&self, rows: &[(u32, f64)]) -> f64 {
        let names = &self.products.names;
        let counting = hierarchy::counting(rows.iter().map(|(c, _)| names[*c as usize]));
        rows.iter()
            .zip(&counting)
            .filter(|(_, counts)| **counts)
            .map(|((_, v), _)| v)
            .sum()
    }
}
