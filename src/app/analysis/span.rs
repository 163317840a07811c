//! Figures from more linked rows than one trade matrix holds (see
//! [`indicators::Span`]): the span of the data summed once, the flows of the focus and
//! partner built from their own rows, the figures of the year asked for shown as soon as
//! its batch of years is summed.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{ControlFlow, RangeInclusive};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::model::Document;
use crate::model::dataset::TradeTable;
use crate::model::format::group_thousands;
use crate::model::indicators::{self, Flows, Span};
use crate::model::sync::lock;
use crate::state::{AnalysisData, AnalysisKey, AnalysisNames, compute_analysis};

use super::{Analysed, DataKey, FocusKey, Focused, LEVELS, TradeApp, document_source};

impl TradeApp {
    /// Figures from the span of the data and the flows of the focus and partner, each
    /// kept or built.
    pub(super) fn spawn_span_job(
        &mut self,
        key: AnalysisKey,
        data: DataKey,
        tables: Vec<Arc<TradeTable>>,
    ) {
        let names = self.analysis_names();
        let span = self.analysis.span.as_ref().filter(|(k, _)| *k == data);
        let span = span.map(|(_, s)| Arc::clone(s));
        let countries = countries_of(&key);
        let focused = self
            .analysis
            .kept_focused(&FocusKey { data, countries }, key.year);
        // The span of the same rows with the document before an edit: only the years the
        // edit changed are summed again.
        let base = self.analysis.span.as_ref().filter(|(k, _)| k.0 == data.0);
        let base = base.filter(|_| span.is_none()).map(|(_, s)| Arc::clone(s));
        if span.is_none() {
            self.analysis.builds += 1;
            self.analysis.summing = Some(data);
            self.analysis.superseded = Arc::new(AtomicBool::new(false));
            self.analysis.wanted = Wanted::default();
        }
        let job = SpanJob {
            doc: self.doc.clone(),
            tables,
            data,
            base,
            max: self.analysis.max_rows,
            superseded: Arc::clone(&self.analysis.superseded),
            wanted: Arc::clone(&self.analysis.wanted),
            gate: self.analysis.gate.clone(),
        };
        let spawned = self
            .analysis
            .jobs
            .spawn("analysis", &self.ctx, move |reply| {
                job.run(key, names, span, focused, &mut |m| reply.send(m));
                reply.send(Analysed::Finished);
            });
        if spawned.is_err() {
            self.analysis.summing = None;
        }
        self.spawned(spawned);
    }
}

/// The focus and partner of `key` (codes): whose own rows their flows are built from.
fn countries_of(key: &AnalysisKey) -> Vec<String> {
    key.focus.iter().chain(&key.partner).cloned().collect()
}

/// The figures the view asks for while a span is being summed, when other than those the
/// job was started for (another focus, partner, year or level): the job follows them
/// after the batch of years it is summing, rather than after all of them.
pub(super) type Wanted = Arc<Mutex<Option<(AnalysisKey, AnalysisNames)>>>;

/// Holds a summing job after each batch of years until it is let through, so that tests
/// can look at the view while a span is only partly summed (a real one takes half a
/// minute; a test's takes microseconds).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct BatchGate {
    /// (batches that may pass, jobs waiting to).
    state: Mutex<(usize, usize)>,
    changed: Condvar,
}

impl BatchGate {
    /// Lets `batches` more batches through.
    pub fn allow(&self, batches: usize) {
        let mut state = lock(&self.state);
        state.0 = state.0.saturating_add(batches);
        self.changed.notify_all();
    }

    /// Lets every batch through from now on.
    pub fn open(&self) {
        self.allow(usize::MAX);
    }

    /// How many jobs wait at the gate.
    pub fn waiting(&self) -> usize {
        lock(&self.state).1
    }

    fn pass(&self) {
        let mut state = lock(&self.state);
        state.1 += 1;
        while state.0 == 0 {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.0 -= 1;
        state.1 -= 1;
    }
}

struct SpanJob {
    doc: Document,
    tables: Vec<Arc<TradeTable>>,
    data: DataKey,
    /// The span of the same tables summed with the document before an edit.
    base: Option<Arc<Span>>,
    max: usize,
    /// Set when the span being summed is no longer wanted.
    superseded: Arc<AtomicBool>,
    wanted: Wanted,
    gate: Option<Arc<BatchGate>>,
}

/// What figures are computed for: the key and names, and the flows of its focus and
/// partner built from their own rows.
#[derive(Clone)]
struct Target {
    key: AnalysisKey,
    names: AnalysisNames,
    countries: Vec<String>,
    /// The focus and partner's rows by year.
    counts: BTreeMap<i32, usize>,
    /// The years their flows were built from.
    years: RangeInclusive<i32>,
    /// Their flows, one per level.
    focused: Vec<Arc<Flows>>,
}

impl SpanJob {
    fn run(
        self,
        key: AnalysisKey,
        names: AnalysisNames,
        span: Option<Arc<Span>>,
        focused: Option<Focused>,
        send: &mut dyn FnMut(Analysed),
    ) {
        let summing = span.is_none();
        if key.focus.is_none() {
            let data = compute_analysis(&Flows::default(), &key, self.named(names));
            send(Analysed::Figures(Box::new(data)));
            if summing {
                send(Analysed::Summed(self.data, None));
            }
            return;
        }
        let tables: Vec<&TradeTable> = self.tables.iter().map(|t| &**t).collect();
        // The rows by year (a pass over every row): a kept span's (of the same tables), else
        // counted once for the span about to be summed.
        let known = span.as_deref().or(self.base.as_deref());
        let counted = known
            .is_none()
            .then(|| indicators::rows_by_year(tables.iter().copied()));
        let by_year = known.map(Span::rows_by_year).or(counted.as_ref());
        let latest = by_year.and_then(|b| b.keys().next_back().copied());
        let around = key.year.or(latest);
        let mut target = self.target(key, names, focused, &tables, latest, send);
        // The target whose figures the view shows, while the year of a new one waits for
        // its batch.
        let mut shown: Option<Target> = None;
        let span = match span {
            Some(span) => span,
            None => {
                let after = |partial: &Span| {
                    if self.superseded.load(Ordering::Relaxed) {
                        return ControlFlow::Break(());
                    }
                    self.follow(&mut target, &tables, latest, send);
                    // The year asked for is summed first: its figures as soon as it is,
                    // then again as each batch of the other years comes in (the charts
                    // over the years fill in).
                    let year = target.key.year.or(latest);
                    let ready = year.is_none_or(|t| partial.summed().contains(&t));
                    if partial.complete() {
                        // The figures from the whole span are sent below.
                    } else if ready {
                        let figures = self.figures(&target, partial, around);
                        send(Analysed::Figures(Box::new(figures)));
                        if shown.as_ref().is_none_or(|s| s.key != target.key) {
                            shown = Some(target.clone());
                        }
                    } else if let Some(shown) = &shown {
                        // The figures shown, with this batch's years in them: their count
                        // goes on while the year now asked for waits for its batch.
                        let figures = self.figures(shown, partial, around);
                        send(Analysed::Figures(Box::new(figures)));
                    }
                    if let Some(gate) = &self.gate {
                        gate.pass();
                    }
                    // A year asked for while the others are summed is summed next.
                    ControlFlow::Continue(year.filter(|_| !ready))
                };
                let docs = std::iter::once(&self.doc);
                let summed = match &self.base {
                    Some(base) => base.resummed(docs, &tables, around, self.max, after),
                    None => {
                        let by_year = counted.unwrap_or_default();
                        Span::of(docs, &tables, by_year, around, self.max, &LEVELS, after)
                    }
                };
                let Some(summed) = summed else {
                    // Stopped: the data changed, and the view computes for the new data.
                    send(Analysed::Figures(Box::default()));
                    send(Analysed::Summed(self.data, None));
                    return;
                };
                Arc::new(summed)
            }
        };
        if summing {
            self.follow(&mut target, &tables, latest, send);
        }
        send(Analysed::Figures(Box::new(
            self.figures(&target, &span, around),
        )));
        if summing {
            send(Analysed::Summed(self.data, Some(span)));
        }
    }

    /// `names` with the document among the sources.
    fn named(&self, names: AnalysisNames) -> AnalysisNames {
        let mut names = names;
        names.sources.extend(document_source(&self.doc));
        names
    }

    /// The target of `key`, its countries' flows `kept` or built from their rows of the
    /// years around the year asked for (else `latest`).
    fn target(
        &self,
        key: AnalysisKey,
        names: AnalysisNames,
        kept: Option<Focused>,
        tables: &[&TradeTable],
        latest: Option<i32>,
        send: &mut dyn FnMut(Analysed),
    ) -> Target {
        let countries = countries_of(&key);
        let codes: Vec<&str> = countries.iter().map(String::as_str).collect();
        let counts = match key.focus {
            Some(_) => indicators::rows_touching(tables.iter().copied(), &codes),
            None => BTreeMap::new(),
        };
        let (years, focused) = match kept {
            Some((_, years, flows)) => (years, flows),
            None if key.focus.is_none() => (indicators::NO_YEARS, Vec::new()),
            None => {
                let around = key.year.or(latest);
                self.build_focused(tables, &codes, &counts, around, key.level, send)
            }
        };
        Target {
            names: self.named(names),
            key,
            countries,
            counts,
            years,
            focused,
        }
    }

    /// Takes the figures the view now asks for as the target, when they differ: the flows
    /// of other countries are built, of the same ones kept.
    fn follow(
        &self,
        target: &mut Target,
        tables: &[&TradeTable],
        latest: Option<i32>,
        send: &mut dyn FnMut(Analysed),
    ) {
        let wanted = lock(&self.wanted).clone();
        // Figures for other data are not asked of this job (it is stopped instead).
        let Some((key, names)) =
            wanted.filter(|(k, _)| *k != target.key && k.generation == target.key.generation)
        else {
            return;
        };
        let countries = countries_of(&key);
        let covers = key
            .year
            .or(latest)
            .is_none_or(|y| target.years.contains(&y));
        if countries == target.countries && covers {
            target.key = key;
            target.names = self.named(names);
            return;
        }
        *target = self.target(key, names, None, tables, latest, send);
    }

    /// The flows of the focus and partner at every level (`level` first) over the years
    /// around `around` whose rows fit; none of the year's own when they alone are too
    /// many. Each is sent to be kept.
    fn build_focused(
        &self,
        tables: &[&TradeTable],
        countries: &[&str],
        counts: &BTreeMap<i32, usize>,
        around: Option<i32>,
        level: usize,
        send: &mut dyn FnMut(Analysed),
    ) -> (RangeInclusive<i32>, Vec<Arc<Flows>>) {
        let years = indicators::focused_years(counts, around, self.max);
        let mut levels = vec![level];
        levels.extend(LEVELS.iter().filter(|l| **l != level));
        let mut built = Vec::new();
        let focus = FocusKey {
            data: self.data,
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        };
        let docs = std::iter::once(&self.doc);
        indicators::focused_levels(docs, tables, countries, &years, &levels, |flows| {
            let flows = Arc::new(flows);
            send(Analysed::Focused(
                focus.clone(),
                years.clone(),
                Arc::clone(&flows),
            ));
            built.push(flows);
            ControlFlow::Continue(())
        });
        (years, built)
    }

    /// The figures of `target` from `span` (whose years are summed `first` first), with
    /// what they come from when not every row.
    fn figures(&self, target: &Target, span: &Span, first: Option<i32>) -> AnalysisData {
        if target.key.focus.is_none() {
            return compute_analysis(&Flows::default(), &target.key, target.names.clone());
        }
        // Built at every level the view offers; a level it does not (none in practice)
        // gets no figures by product rather than no answer, which would leave the view
        // waiting.
        let mut none = Flows::default();
        none.level = target.key.level;
        let focused = (target.focused.iter())
            .find(|f| f.level == target.key.level)
            .map_or(&none, |f| &**f);
        let flows = span.flows(focused);
        let mut data = compute_analysis(&flows, &target.key, target.names.clone());
        let mut years: BTreeSet<i32> = span.all().clone();
        years.extend(data.years.iter().copied());
        data.years = years.into_iter().collect();
        let scope = Scope {
            target,
            max: self.max,
            first,
        };
        let notes: Vec<String> = [
            scope.summing(span, &mut data),
            data.year.and_then(|t| scope.too_large(span, t)),
            data.year.and_then(|t| scope.products(t, &mut data)),
        ]
        .into_iter()
        .flatten()
        .collect();
        data.scope = (!notes.is_empty()).then(|| notes.join(" "));
        data
    }
}

/// What the figures say about where they come from, when not from every row.
struct Scope<'a> {
    target: &'a Target,
    /// Rows the matrices are built from at most.
    max: usize,
    /// The year summed first.
    first: Option<i32>,
}

impl Scope<'_> {
    fn summing(&self, span: &Span, data: &mut AnalysisData) -> Option<String> {
        if span.complete() {
            return None;
        }
        let (summed, all) = (span.summed().len(), span.all().len());
        if !data.universe.is_empty() {
            data.universe
                .push_str(&format!("; {summed} of {all} years summed so far"));
        }
        let first = self.first.map_or(String::new(), |t| format!(", {t} first"));
        Some(format!(
            "Summing the {} linked rows year by year: {summed} of {all} years so far{first}. \
             Growth over the years and the charts over the years fill in as the others are \
             summed.",
            group_thousands(span.rows_by_year().values().sum::<usize>() as u64),
        ))
    }

    fn too_large(&self, span: &Span, t: i32) -> Option<String> {
        let rows = *span.rows_by_year().get(&t)?;
        span.too_large().contains(&t).then(|| {
            format!(
                "The year {t} alone holds {} linked rows, more than the trade matrices are \
                 built from in memory (at most {}): its totals and shares are shown, not \
                 its figures by product.",
                group_thousands(rows as u64),
                group_thousands(self.max as u64),
            )
        })
    }

    fn products(&self, t: i32, data: &mut AnalysisData) -> Option<String> {
        let who = match self.target.names.partner.as_str() {
            "" => self.target.names.focus.clone(),
            partner => format!("{} and {partner}", self.target.names.focus),
        };
        let max = group_thousands(self.max as u64);
        if self.target.years.is_empty() {
            let rows = self.target.counts.get(&t).copied().unwrap_or(0);
            return Some(format!(
                "{who} trade in {} linked rows in {t} alone, more than the trade matrices \
                 are built from in memory (at most {max}): figures by product are not \
                 computed.",
                group_thousands(rows as u64),
            ));
        }
        if self.target.years == indicators::ALL_YEARS {
            return None;
        }
        let within: usize = (self.target.counts.iter())
            .filter(|(y, _)| self.target.years.contains(y))
            .map(|(_, n)| n)
            .sum();
        let total: usize = self.target.counts.values().sum();
        let span = span_of(&self.target.years);
        if !data.universe.is_empty() {
            data.universe
                .push_str(&format!("; products from {span} only"));
        }
        Some(format!(
            "Figures by product of {who} from {span} only ({} of their {} linked rows; the \
             trade matrices are built in memory from at most {max}): the charts by product \
             over the years cover these years.",
            group_thousands(within as u64),
            group_thousands(total as u64),
        ))
    }
}

/// "2019–2023", or "2023" for one year (read from the bounds: the years of
/// [`indicators::ALL_YEARS`] are never listed one by one).
fn span_of(years: &RangeInclusive<i32>) -> String {
    let (first, last) = (years.start(), years.end());
    if first == last {
        format!("{first}")
    } else {
        format!("{first}–{last}")
    }
}
