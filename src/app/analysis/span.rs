//! Figures from more linked rows than one trade matrix holds (see
//! [`indicators::Span`]): the span of the data summed once, the flows of the focus and
//! partner built from their own rows, the figures of the year asked for shown as soon as
//! its batch of years is summed.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{ControlFlow, RangeInclusive};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::Document;
use crate::model::dataset::TradeTable;
use crate::model::format::group_thousands;
use crate::model::indicators::{self, Flows, Span};
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
        let countries: Vec<String> = key.focus.iter().chain(&key.partner).cloned().collect();
        let focus = FocusKey { data, countries };
        let focused = self.analysis.kept_focused(&focus, key.year);
        // The span of the same rows with the document before an edit: only the years the
        // edit changed are summed again.
        let base = self.analysis.span.as_ref().filter(|(k, _)| k.0 == data.0);
        let base = base.filter(|_| span.is_none()).map(|(_, s)| Arc::clone(s));
        if span.is_none() {
            self.analysis.builds += 1;
            self.analysis.summing = Some(data);
            self.analysis.superseded = Arc::new(AtomicBool::new(false));
        }
        let job = SpanJob {
            doc: self.doc.clone(),
            tables,
            key,
            focus,
            base,
            max: self.analysis.max_rows,
            superseded: Arc::clone(&self.analysis.superseded),
        };
        let spawned = self
            .analysis
            .jobs
            .spawn("analysis", &self.ctx, move |reply| {
                job.run(names, span, focused, &mut |m| reply.send(m));
                reply.send(Analysed::Finished);
            });
        if spawned.is_err() {
            self.analysis.summing = None;
        }
        self.spawned(spawned);
    }
}

struct SpanJob {
    doc: Document,
    tables: Vec<Arc<TradeTable>>,
    key: AnalysisKey,
    focus: FocusKey,
    /// The span of the same tables summed with the document before an edit.
    base: Option<Arc<Span>>,
    max: usize,
    /// Set when the span being summed is no longer wanted.
    superseded: Arc<AtomicBool>,
}

impl SpanJob {
    fn data(&self) -> DataKey {
        self.focus.data
    }

    fn run(
        self,
        names: AnalysisNames,
        span: Option<Arc<Span>>,
        focused: Option<Focused>,
        send: &mut dyn FnMut(Analysed),
    ) {
        let mut names = names;
        names.sources.extend(document_source(&self.doc));
        let summing = span.is_none();
        if self.key.focus.is_none() {
            let data = compute_analysis(&Flows::default(), &self.key, names);
            send(Analysed::Figures(Box::new(data)));
            if summing {
                send(Analysed::Summed(self.data(), None));
            }
            return;
        }
        let tables: Vec<&TradeTable> = self.tables.iter().map(|t| &**t).collect();
        let countries: Vec<&str> = self.focus.countries.iter().map(String::as_str).collect();
        let counts = indicators::rows_touching(tables.iter().copied(), &countries);
        // The rows by year (a pass over every row): a kept span's (of the same tables), else
        // counted once for the span about to be summed.
        let known = span.as_deref().or(self.base.as_deref());
        let counted = known
            .is_none()
            .then(|| indicators::rows_by_year(tables.iter().copied()));
        let by_year = known.map(Span::rows_by_year).or(counted.as_ref());
        let latest = by_year.and_then(|b| b.keys().next_back().copied());
        let around = self.key.year.or(latest);
        let (years, focused) = match focused {
            Some((_, years, flows)) => (years, flows),
            None => self.build_focused(&tables, &countries, &counts, around, send),
        };
        // Built at every level the view offers; a level it does not (none in practice)
        // gets no figures by product rather than no answer, which would leave the view
        // waiting.
        let mut none = Flows::default();
        none.level = self.key.level;
        let flows = (focused.iter())
            .find(|f| f.level == self.key.level)
            .map_or(&none, |f| &**f);
        let scope = Scope {
            job: &self,
            names: &names,
            counts: &counts,
            years: &years,
        };
        let figures = |span: &Span| scope.figures(span, flows);
        let span = match span {
            Some(span) => span,
            None => {
                let after = |partial: &Span| {
                    if self.superseded.load(Ordering::Relaxed) {
                        return ControlFlow::Break(());
                    }
                    // The year asked for is summed first: its figures as soon as it is,
                    // then again as each batch of the other years comes in (the charts
                    // over the years fill in).
                    let ready = around.is_none_or(|t| partial.summed().contains(&t));
                    if ready && !partial.complete() {
                        send(Analysed::Figures(Box::new(figures(partial))));
                    }
                    ControlFlow::Continue(())
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
                    send(Analysed::Summed(self.data(), None));
                    return;
                };
                Arc::new(summed)
            }
        };
        send(Analysed::Figures(Box::new(figures(&span))));
        if summing {
            send(Analysed::Summed(self.data(), Some(span)));
        }
    }

    /// The flows of the focus and partner at every level (the one asked for first) over
    /// the years around `around` whose rows fit; none of the year's own when they alone
    /// are too many. Each is sent to be kept.
    fn build_focused(
        &self,
        tables: &[&TradeTable],
        countries: &[&str],
        counts: &BTreeMap<i32, usize>,
        around: Option<i32>,
        send: &mut dyn FnMut(Analysed),
    ) -> (RangeInclusive<i32>, Vec<Arc<Flows>>) {
        let years = indicators::focused_years(counts, around, self.max);
        let mut levels = vec![self.key.level];
        levels.extend(LEVELS.iter().filter(|l| **l != self.key.level));
        let mut built = Vec::new();
        let docs = std::iter::once(&self.doc);
        indicators::focused_levels(docs, tables, countries, &years, &levels, |flows| {
            let flows = Arc::new(flows);
            send(Analysed::Focused(
                self.focus.clone(),
                years.clone(),
                Arc::clone(&flows),
            ));
            built.push(flows);
            ControlFlow::Continue(())
        });
        (years, built)
    }
}

/// What the figures say about where they come from, when not from every row.
struct Scope<'a> {
    job: &'a SpanJob,
    names: &'a AnalysisNames,
    /// The focus and partner's rows by year.
    counts: &'a BTreeMap<i32, usize>,
    /// The years their flows were built from.
    years: &'a RangeInclusive<i32>,
}

impl Scope<'_> {
    fn figures(&self, span: &Span, focused: &Flows) -> AnalysisData {
        let flows = span.flows(focused);
        let mut data = compute_analysis(&flows, &self.job.key, self.names.clone());
        let mut years: BTreeSet<i32> = span.all().clone();
        years.extend(data.years.iter().copied());
        data.years = years.into_iter().collect();
        let notes: Vec<String> = [
            self.summing(span, &mut data),
            data.year.and_then(|t| self.too_large(span, t)),
            data.year.and_then(|t| self.products(t, &mut data)),
        ]
        .into_iter()
        .flatten()
        .collect();
        data.scope = (!notes.is_empty()).then(|| notes.join(" "));
        data
    }

    fn summing(&self, span: &Span, data: &mut AnalysisData) -> Option<String> {
        if span.complete() {
            return None;
        }
        let (summed, all) = (span.summed().len(), span.all().len());
        if !data.universe.is_empty() {
            data.universe
                .push_str(&format!("; {summed} of {all} years summed so far"));
        }
        let first = data.year.map_or(String::new(), |t| format!(", {t} first"));
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
                group_thousands(self.job.max as u64),
            )
        })
    }

    fn products(&self, t: i32, data: &mut AnalysisData) -> Option<String> {
        let who = match self.names.partner.as_str() {
            "" => self.names.focus.clone(),
            partner => format!("{} and {partner}", self.names.focus),
        };
        let max = group_thousands(self.job.max as u64);
        if self.years.is_empty() {
            let rows = self.counts.get(&t).copied().unwrap_or(0);
            return Some(format!(
                "{who} trade in {} linked rows in {t} alone, more than the trade matrices \
                 are built from in memory (at most {max}): figures by product are not \
                 computed.",
                group_thousands(rows as u64),
            ));
        }
        if *self.years == indicators::ALL_YEARS {
            return None;
        }
        let within: usize = (self.counts.iter())
            .filter(|(y, _)| self.years.contains(y))
            .map(|(_, n)| n)
            .sum();
        let total: usize = self.counts.values().sum();
        let span = span_of(self.years);
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
