//! The indicators from more rows than one trade matrix can be built from (a whole BACI
//! release: 270 million rows, where a matrix of every (year, pair, product) would need
//! some 30 GB).
//!
//! The figures of a focus country `i` and a partner `j` read three things of the matrix:
//! the totals of every pair and year (shares, intensity, growth, concentration across
//! markets), the world's sums by product in each year (RCA), and the products of the pairs
//! in which `i` or `j` trades (RCA, complementarity, potential, concentration across
//! products). The first two do not depend on who is looked at: [`Span::of`] sums them once,
//! a batch of years at a time, each batch through a whole matrix that is then dropped. The
//! third is built for each focus from the rows where `i` or `j` appears, read through the
//! tables' country index ([`focused_levels`]). [`Span::flows`] puts them together as
//! [`Flows`] from which every indicator gives what it gives on the whole matrix, over every
//! year.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{ControlFlow, RangeInclusive};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;

use crate::model::dataset::TradeTable;
use crate::model::document::Document;
use crate::model::sync::lock;

use super::build::{Builder, touching};
use super::flows::{
    Flows, PairKey, Reported, YearSums, document_refs, trade_prints, undirected_of_document,
};
use super::window::years_with_rows;

/// No year: the years to build the flows of countries from whose own rows of the year
/// looked at are too many ([`focused_levels`] then holds no products).
pub const NO_YEARS: RangeInclusive<i32> = RangeInclusive::new(1, 0);

/// Every year: the years to build the flows of countries from when all their rows fit.
pub const ALL_YEARS: RangeInclusive<i32> = RangeInclusive::new(i32::MIN, i32::MAX);

/// The years to build the flows of countries from whose rows by year are `counts`, within
/// `budget` rows: [`ALL_YEARS`] when all fit, else the years around `around` that fit
/// ([`super::year_window`]), [`NO_YEARS`] when that year's alone do not.
pub fn focused_years(
    counts: &BTreeMap<i32, usize>,
    around: Option<i32>,
    budget: usize,
) -> RangeInclusive<i32> {
    match super::year_window(counts, around, budget) {
        Some(years) if counts.keys().all(|y| years.contains(y)) => ALL_YEARS,
        Some(years) => years,
        None if !counts.is_empty() => NO_YEARS,
        None => ALL_YEARS,
    }
}

/// What the figures of any focus country need that does not depend on it, for every year.
#[derive(Debug, Clone, Default)]
pub struct Span {
    totals: Arc<HashMap<PairKey, Reported>>,
    undirected: HashMap<PairKey, f64>,
    years: BTreeSet<i32>,
    /// The levels summed, in the order of `world`.
    levels: Vec<usize>,
    /// For each level, the world's sums of each year summed so far.
    world: Vec<BTreeMap<i32, YearSums>>,
    /// Linked rows by year.
    rows_by_year: BTreeMap<i32, usize>,
    /// Years whose rows were more than a matrix holds: their totals are summed, their
    /// product figures are not.
    too_large: BTreeSet<i32>,
    /// The years of the batches summed so far.
    summed: BTreeSet<i32>,
    /// Every year of the rows and records.
    all: BTreeSet<i32>,
    /// Fingerprints of the documents' trade records by year: which years an edit changed.
    prints: BTreeMap<i32, u64>,
}

/// One batch of years summed: its totals and each level's world sums.
struct Batch {
    years: Vec<i32>,
    totals: HashMap<PairKey, Reported>,
    with_totals: BTreeSet<i32>,
    world: Vec<BTreeMap<i32, YearSums>>,
    too_large: bool,
}

/// Which batches of years are taken, in what order.
pub(super) struct Order {
    taken: Vec<bool>,
    /// A year to sum next, when a batch still to be taken holds it.
    pub(super) next: Option<i32>,
}

impl Order {
    /// None of `batches` batches taken yet.
    pub(super) fn new(batches: usize) -> Self {
        Order {
            taken: vec![false; batches],
            next: None,
        }
    }

    /// The batch to sum next (the one holding `next` when there is one, else the first not
    /// taken) and how many were taken before it; None when every batch is taken.
    pub(super) fn take(&mut self, batches: &[Vec<i32>]) -> Option<(usize, usize)> {
        let free = |i: &usize| !self.taken[*i];
        let wanted = (self.next).and_then(|year| {
            (0..batches.len())
                .filter(free)
                .find(|&i| batches[i].contains(&year))
        });
        let index = wanted.or_else(|| (0..batches.len()).find(free))?;
        let before = self.taken.iter().filter(|t| **t).count();
        self.taken[index] = true;
        Some((index, before))
    }
}

/// What the callback after each batch says: stop (`Break`), or go on, summing the batch
/// of the year given next when it is still to be summed.
pub type Next = ControlFlow<(), Option<i32>>;

/// Rows a batch of years holds at most, of the budget a year may hold alone: two batches
/// are summed at once (one per core here), each through a whole matrix at every level.
const BATCH_SHARE: usize = 4;

impl Span {
    /// Sums the totals and the world's product sums at each of `levels` of every year of
    /// `docs` and `tables`, in batches of years of about a quarter of `budget` linked
    /// rows, two at a time: first `first` and the year before it (so that its figures and
    /// its growth can be shown early), then the others in order. After each batch
    /// `after` sees the span summed so far and may stop the work (`None` is returned then),
    /// or name a year to sum next ([`Next`]: a year the user has just asked for).
    /// A year holding more than `budget` rows alone gets its totals only. `by_year` is
    /// [`super::rows_by_year`] of `tables`, which callers have counted already to choose `first`
    /// (a count is a pass over every row).
    pub fn of<'a>(
        docs: impl IntoIterator<Item = &'a Document> + Clone,
        tables: &[&'a TradeTable],
        by_year: BTreeMap<i32, usize>,
        first: Option<i32>,
        budget: usize,
        levels: &[usize],
        after: impl FnMut(&Span) -> Next,
    ) -> Option<Span> {
        let docs: Vec<&Document> = docs.into_iter().collect();
        let mut span = Span {
            levels: levels.to_vec(),
            world: vec![BTreeMap::new(); levels.len()],
            rows_by_year: by_year,
            ..Span::default()
        };
        let years = span.take_documents(&docs);
        span.sum(&docs, tables, &years, first, budget, after)
            .then_some(span)
    }

    /// This span for `docs` in place of the documents it was summed with, the same
    /// `tables` (same rows: the years are not counted again): only the years whose trade
    /// records differ are summed again, as [`Span::of`] sums them (`first` first, `after`
    /// after each batch); the others are kept. An edit of one record of a whole release
    /// then costs its year, not the 29.
    pub fn resummed<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a Document>,
        tables: &[&'a TradeTable],
        first: Option<i32>,
        budget: usize,
        after: impl FnMut(&Span) -> Next,
    ) -> Option<Span> {
        let docs: Vec<&Document> = docs.into_iter().collect();
        // The totals are shared, not copied, until a changed year is taken out of them.
        let mut span = self.clone();
        let years = span.take_documents(&docs);
        let old = &self.prints;
        let changed: BTreeSet<i32> = (old.keys().chain(span.prints.keys()))
            .filter(|y| old.get(y) != span.prints.get(y))
            .copied()
            .collect();
        let kept = |year: &i32| !changed.contains(year);
        if !changed.is_empty() {
            Arc::make_mut(&mut span.totals).retain(|key, _| kept(&key.0));
        }
        span.world.iter_mut().for_each(|w| w.retain(|y, _| kept(y)));
        span.too_large.retain(kept);
        // A year no longer in the data had records, now gone: it is among the changed.
        span.summed.retain(kept);
        span.years.extend(self.years.iter().copied().filter(kept));
        let todo: BTreeMap<i32, usize> = years.into_iter().filter(|(y, _)| !kept(y)).collect();
        span.sum(&docs, tables, &todo, first, budget, after)
            .then_some(span)
    }

    /// Takes in what the span holds of `docs` alone (their undirected totals, their years,
    /// the fingerprints of their trade records by year); the rows by year of the tables and
    /// of the documents, to sum.
    fn take_documents(&mut self, docs: &[&Document]) -> BTreeMap<i32, usize> {
        let mut undirected = Flows::default();
        undirected.add_undirected(docs.iter().flat_map(|d| undirected_of_document(d)));
        self.undirected = undirected.undirected;
        self.years = undirected.years;
        let mut years: BTreeMap<i32, usize> = self.rows_by_year.clone();
        for doc in docs {
            document_refs(doc, false).for_each(|r| {
                years.entry(r.year).or_insert(0);
            });
        }
        self.all = years.keys().copied().collect();
        self.prints = trade_prints(docs);
        years
    }

    /// Sums `years` (rows by year) into this span at its levels; false when `after`
    /// stopped it.
    fn sum(
        &mut self,
        docs: &[&Document],
        tables: &[&TradeTable],
        years: &BTreeMap<i32, usize>,
        first: Option<i32>,
        budget: usize,
        mut after: impl FnMut(&Span) -> Next,
    ) -> bool {
        let levels = &self.levels.clone();
        let batches = batches(years, first, (budget / BATCH_SHARE).max(1));
        let stop = std::sync::atomic::AtomicBool::new(false);
        // The batches taken so far, and the year to take next when one holds it.
        let order = std::sync::Mutex::new(Order::new(batches.len()));
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let stopped = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel::<(usize, Batch)>();
            for _ in 0..workers {
                let tx = tx.clone();
                let (batches, order, stop) = (&batches, &order, &stop);
                scope.spawn(move || {
                    use std::sync::atomic::Ordering::Relaxed;
                    let mut memory = Memory::default();
                    while !stop.load(Relaxed) {
                        let Some((index, taken)) = lock(order).take(batches) else {
                            return;
                        };
                        let batch = &batches[index];
                        let rows: usize = batch.iter().map(|y| years[y]).sum();
                        let too_large = rows > budget;
                        let summed = sum_batch(docs, tables, batch, too_large, levels, &mut memory);
                        if tx.send((taken, summed)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            // Added in the order the batches were taken, whichever thread finishes first:
            // the year asked for first, then the others in order (or a year named by
            // `after`), the same on every run and machine (a batch done early waits; it
            // holds sums, not rows).
            let mut done: BTreeMap<usize, Batch> = BTreeMap::new();
            let mut added = 0;
            for (taken, batch) in rx {
                done.insert(taken, batch);
                while let Some(batch) = done.remove(&added) {
                    added += 1;
                    self.add(batch);
                    match after(self) {
                        ControlFlow::Break(()) => {
                            stop.store(true, std::sync::atomic::Ordering::Relaxed);
                            return true;
                        }
                        ControlFlow::Continue(next) => lock(&order).next = next,
                    }
                }
            }
            false
        });
        !stopped
    }

    fn add(&mut self, batch: Batch) {
        Arc::make_mut(&mut self.totals).extend(batch.totals);
        self.years.extend(batch.with_totals);
        for (kept, world) in self.world.iter_mut().zip(batch.world) {
            kept.extend(world);
        }
        if batch.too_large {
            self.too_large.extend(batch.years.iter().copied());
        }
        self.summed.extend(batch.years);
    }

    /// Every year with figures summed so far.
    pub fn years(&self) -> &BTreeSet<i32> {
        &self.years
    }

    /// The years summed so far, of [`Span::all`].
    pub fn summed(&self) -> &BTreeSet<i32> {
        &self.summed
    }

    /// Every year of the rows and document records.
    pub fn all(&self) -> &BTreeSet<i32> {
        &self.all
    }

    /// Whether every year is summed.
    pub fn complete(&self) -> bool {
        self.summed.len() == self.all.len()
    }

    /// Linked rows by year.
    pub fn rows_by_year(&self) -> &BTreeMap<i32, usize> {
        &self.rows_by_year
    }

    /// Years with more rows than a matrix holds: no product figures for them.
    pub fn too_large(&self) -> &BTreeSet<i32> {
        &self.too_large
    }

    /// Whether `year`'s totals and product sums are summed.
    #[cfg(test)]
    pub(super) fn has(&self, year: i32) -> bool {
        !self.too_large.contains(&year) && self.world.first().is_some_and(|w| w.contains_key(&year))
    }

    /// The flows the figures of the countries `focused` was built for ([`focused_levels`])
    /// are computed from: this span's totals and world sums at the focused flows' level,
    /// the focused flows' products. Figures by product of other countries are not in them
    /// (their product sums would count only their trade with those countries).
    pub fn flows(&self, focused: &Flows) -> Flows {
        let world = self
            .levels
            .iter()
            .position(|l| *l == focused.level)
            .and_then(|at| self.world.get(at))
            .cloned()
            .unwrap_or_default();
        Flows {
            level: focused.level,
            totals: Arc::clone(&self.totals),
            products: Arc::clone(&focused.products),
            codes: focused.codes.clone(),
            years: self.years.clone(),
            undirected: self.undirected.clone(),
            per_year: OnceLock::from(world),
        }
    }
}

/// The totals and world sums of one batch of years (totals only, and the world's exports
/// from them, when `too_large`).
fn sum_batch(
    docs: &[&Document],
    tables: &[&TradeTable],
    years: &[i32],
    too_large: bool,
    levels: &[usize],
    memory: &mut Memory,
) -> Batch {
    let mut builder = Builder::reusing(std::mem::take(&mut memory.0));
    for doc in docs {
        document_refs(doc, false)
            .filter(|r| years.contains(&r.year))
            .for_each(|r| builder.add(r));
    }
    let range = years[0]..=years[years.len() - 1];
    for table in tables {
        builder.add_table(table, &range);
    }
    let grouped = builder.group_in(std::mem::take(&mut memory.1));
    let mut batch = Batch {
        years: years.to_vec(),
        totals: HashMap::default(),
        with_totals: BTreeSet::new(),
        world: Vec::new(),
        too_large,
    };
    let owned = |flows: Flows| Arc::try_unwrap(flows.totals).unwrap_or_else(|a| (*a).clone());
    if too_large {
        let (totals, with_totals) = grouped.totals();
        let flows = Flows {
            totals: Arc::new(totals),
            ..Flows::default()
        };
        // The world's exports and exporters still, from the totals.
        let sums = flows.year_sums();
        batch.world = vec![sums; levels.len()];
        batch.totals = owned(flows);
        batch.with_totals = with_totals;
    } else if grouped.exports_only() {
        // One report a pair: totals, then the world's products summed group by group.
        let (totals, with_totals) = grouped.totals();
        let flows = Flows {
            totals: Arc::new(totals),
            ..Flows::default()
        };
        let sums = flows.year_sums();
        for by_year in grouped.world_products(levels) {
            let mut world = sums.clone();
            for (year, products) in by_year {
                world.entry(year).or_default().products = products;
            }
            batch.world.push(world);
        }
        batch.totals = owned(flows);
        batch.with_totals = with_totals;
    } else {
        for (at, &level) in levels.iter().enumerate() {
            let flows = grouped.finish(level);
            batch.world.push(flows.year_sums());
            if at == 0 {
                batch.with_totals = flows.years.clone();
                batch.totals = owned(flows);
            }
        }
    }
    memory.1 = grouped.into_rows();
    memory.0 = builder.into_rows();
    batch
}

/// The two largest buffers of a batch (its rows as added and as grouped), kept by a
/// worker from batch to batch.
type Memory = (Vec<(u32, u32, f64)>, Vec<(u32, f64)>);

/// The years in batches of at most `budget` rows (a year holding more alone): `first`
/// alone, then the year before it alone (the two are summed at once, its figures and its
/// growth come first), then the rest in order.
pub(super) fn batches(
    years: &BTreeMap<i32, usize>,
    first: Option<i32>,
    budget: usize,
) -> Vec<Vec<i32>> {
    let mut out: Vec<Vec<i32>> = Vec::new();
    let mut done: BTreeSet<i32> = BTreeSet::new();
    if let Some(t) = first.filter(|t| years.contains_key(t)) {
        for year in [t, t - 1].into_iter().filter(|y| years.contains_key(y)) {
            done.insert(year);
            out.push(vec![year]);
        }
    }
    let mut batch: Vec<i32> = Vec::new();
    let mut rows = 0;
    for (&year, &n) in years.iter().filter(|(y, _)| !done.contains(y)) {
        // A batch is a range of years: one interrupted by a year done first is closed.
        let adjacent = batch.last().is_none_or(|&last| year == last + 1);
        if !batch.is_empty() && (rows + n > budget || !adjacent) {
            out.push(std::mem::take(&mut batch));
            rows = 0;
        }
        batch.push(year);
        rows += n;
    }
    if !batch.is_empty() {
        out.push(batch);
    }
    out
}

/// Rows of `tables` by year in which one of `countries` (codes) is the reporter or the
/// partner: what [`focused_levels`] builds from, to fit to the memory budget first
/// ([`super::year_window`]).
pub fn rows_touching<'a>(
    tables: impl IntoIterator<Item = &'a TradeTable>,
    countries: &[&str],
) -> BTreeMap<i32, usize> {
    let mut counts = vec![0usize; usize::from(u16::MAX) + 1];
    for table in tables {
        let (wanted, ranges) = touching(table, countries);
        let touches = |c: Option<&u16>| c.is_some_and(|c| wanted.contains(c));
        for i in ranges.into_iter().flatten() {
            if touches(table.reporter.get(i)) || touches(table.partner.get(i)) {
                counts[usize::from(table.year[i])] += 1;
            }
        }
    }
    years_with_rows(&counts)
}

/// The flows at each of `levels` (in that order, handed to `done`, which may stop) of
/// `years`, from the document records and the rows of `tables` in which one of
/// `countries` trades: the products of every pair one of them is in, for [`Span::flows`].
/// Their totals and world sums are those of these rows only.
pub fn focused_levels<'a>(
    docs: impl IntoIterator<Item = &'a Document>,
    tables: &[&'a TradeTable],
    countries: &[&str],
    years: &RangeInclusive<i32>,
    levels: &[usize],
    mut done: impl FnMut(Flows) -> ControlFlow<()>,
) {
    let mut builder = Builder::default();
    for doc in docs {
        document_refs(doc, false)
            .filter(|r| years.contains(&r.year))
            .for_each(|r| builder.add(r));
    }
    for table in tables {
        builder.add_table_touching(table, countries, years);
    }
    let grouped = builder.group();
    for &level in levels {
        if done(grouped.finish(level)).is_break() {
            return;
        }
    }
}
