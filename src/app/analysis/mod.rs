//! Keeping the Analysis view's figures current, off the UI thread.
//!
//! The expensive part is the trade matrix ([`Flows`]): rows grouped by year, pair and
//! product. Two ways to it:
//! - Linked rows within [`ANALYSIS_MAX_ROWS`]: the whole matrix, built once per
//!   (datasets, document revision) at every level and kept; a change of focus, partner,
//!   year or level recomputes the figures from it.
//! - More rows (a whole BACI release): a [`Span`] — every pair's totals and the world's
//!   product sums of every year, summed once per data (after an edit of the document's
//!   trade records, only the years it changed) — and the flows of the focus and partner,
//!   built from their own rows for each focus ([`span`]).
//!
//! Nothing is computed while the Analysis view is not shown. While a span is summed, a
//! new focus, partner, year or level is followed by the summing job after its current
//! batch of years, not after all of them.

mod span;

pub use span::BatchGate;
use span::Wanted;

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::dataset::TradeTable;
use crate::model::indicators::{self, Flows, Span};
use crate::model::sync::lock;
use crate::state::{AnalysisData, AnalysisKey, AnalysisNames, View, compute_analysis};

use super::TradeApp;
use super::jobs::Jobs;

/// (datasets generation, fingerprint of the document's trade records): what the matrices
/// were built from. Not the document's revision: an edit of anything else (a note, an
/// investment) leaves the matrices as they are, where rebuilding them could take half a
/// minute on a whole release.
type DataKey = (u64, u64);

/// The HS levels the view offers; all are built together, the one asked for first.
const LEVELS: [usize; 3] = [2, 4, 6];

/// Rows the trade matrices are built from at most (see [`indicators::MATRIX_MAX_ROWS`]).
pub const ANALYSIS_MAX_ROWS: usize = indicators::MATRIX_MAX_ROWS;

/// Whose flows were built from their own rows, from which data.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FocusKey {
    data: DataKey,
    /// The focus country and the partner (codes).
    countries: Vec<String>,
}

/// Flows of the focus and partner (one per level), of the years they were built from.
type Focused = (FocusKey, RangeInclusive<i32>, Vec<Arc<Flows>>);

/// What a computation reports: the figures asked for, and what it built, to keep.
pub(super) enum Analysed {
    Figures(Box<AnalysisData>),
    /// A level's whole matrix.
    Matrix(DataKey, Arc<Flows>),
    /// A level's flows of a focus and partner, over the years given.
    Focused(FocusKey, RangeInclusive<i32>, Arc<Flows>),
    /// A summing job has ended, with the span of the data (`None`: stopped).
    Summed(DataKey, Option<Arc<Span>>),
    /// The job has ended (the other levels are built).
    Finished,
}

/// The Analysis view's data and the work that keeps it current.
pub(super) struct Analysis {
    /// Linked rows the matrices are built from at most ([`ANALYSIS_MAX_ROWS`]; lower in
    /// tests).
    pub(super) max_rows: usize,
    jobs: Jobs<Analysed>,
    running: bool,
    /// Jobs still building after their figures came back.
    building: usize,
    /// The whole matrices of the current data, by level.
    matrices: Option<(DataKey, Vec<Arc<Flows>>)>,
    /// The span of the current data, when its rows are more than a matrix holds.
    span: Option<(DataKey, Arc<Span>)>,
    /// The flows of the focus and partner looked at last, with the span.
    focused: Option<Focused>,
    /// The data a job is summing the span of: other jobs wait for it rather than sum the
    /// same rows again at the same time.
    summing: Option<DataKey>,
    /// What the view shows.
    pub(super) data: AnalysisData,
    /// Set when the span being summed is no longer wanted (the data changed): the job
    /// stops after the batch of years it is summing.
    superseded: Arc<AtomicBool>,
    /// What the view asks for while a span is summed, read by the summing job.
    wanted: Wanted,
    /// The view shows figures for other choices than the current ones, which the summing
    /// job will compute after its batch of years.
    waiting: bool,
    /// Holds summing jobs after each batch (tests).
    gate: Option<Arc<BatchGate>>,
    /// The document revision the fingerprint of its trade records was taken at, and the
    /// fingerprint; none taken yet.
    fingerprint: Option<(u64, u64)>,
    /// Jobs started that build matrices or sum a span (tests count them).
    builds: usize,
}

impl TradeApp {
    /// Sets the most linked rows the Analysis view builds its matrices from (tests use a
    /// small number instead of linking tens of millions of rows).
    #[doc(hidden)]
    pub fn set_analysis_max_rows(&mut self, rows: usize) {
        self.analysis.max_rows = rows;
    }

    /// How many analysis jobs started building matrices or summing a span (tests check
    /// that an edit of anything but trade records keeps them).
    #[doc(hidden)]
    pub fn analysis_builds(&self) -> usize {
        self.analysis.builds
    }

    /// Whether analysis work still runs, the other levels' matrices included: each report
    /// asks for a frame (tests wait for it before checking a settled layout; it is not in
    /// [`TradeApp::pending_jobs`], which tests holding a span's batches wait on).
    #[doc(hidden)]
    pub fn analysis_busy(&self) -> bool {
        self.analysis.busy()
    }

    /// Holds the jobs that sum a span after each batch of years until the gate returned
    /// lets them through (tests look at the view while a span is partly summed).
    #[doc(hidden)]
    pub fn hold_analysis_batches(&mut self) -> Arc<BatchGate> {
        let gate = Arc::new(BatchGate::default());
        self.analysis.gate = Some(Arc::clone(&gate));
        gate
    }
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            max_rows: ANALYSIS_MAX_ROWS,
            jobs: Jobs::default(),
            running: false,
            building: 0,
            matrices: None,
            span: None,
            focused: None,
            summing: None,
            data: AnalysisData::default(),
            superseded: Arc::default(),
            wanted: Wanted::default(),
            waiting: false,
            gate: None,
            fingerprint: None,
            builds: 0,
        }
    }
}

impl Analysis {
    /// The whole matrix of `level` built for `data`.
    fn kept(&self, data: DataKey, level: usize) -> Option<Arc<Flows>> {
        let (_, matrices) = self.matrices.as_ref().filter(|(k, _)| *k == data)?;
        matrices.iter().find(|f| f.level == level).cloned()
    }

    /// The flows of `key`'s countries at every level, when built over years holding `year`.
    fn kept_focused(&self, key: &FocusKey, year: Option<i32>) -> Option<Focused> {
        let kept = self.focused.as_ref()?;
        let (k, years, flows) = kept;
        let covers = year.is_none_or(|y| years.contains(&y));
        (k == key && covers && flows.len() == LEVELS.len()).then(|| kept.clone())
    }

    /// Takes a message in; what was built from data that is not `current` is dropped.
    fn take(&mut self, message: Analysed, current: DataKey) {
        match message {
            Analysed::Figures(data) => {
                self.running = false;
                self.data = *data;
            }
            Analysed::Finished => self.building = self.building.saturating_sub(1),
            Analysed::Summed(key, span) => {
                self.summing = None;
                self.waiting = false;
                if let Some(span) = span.filter(|_| key == current) {
                    self.span = Some((key, span));
                }
            }
            Analysed::Matrix(key, _) | Analysed::Focused(FocusKey { data: key, .. }, _, _)
                if key != current => {}
            Analysed::Matrix(key, flows) => match &mut self.matrices {
                Some((k, kept)) if *k == key => {
                    if kept.iter().all(|f| f.level != flows.level) {
                        kept.push(flows);
                    }
                }
                _ => self.matrices = Some((key, vec![flows])),
            },
            Analysed::Focused(key, years, flows) => match &mut self.focused {
                Some((k, y, kept)) if *k == key && *y == years => {
                    if kept.iter().all(|f| f.level != flows.level) {
                        kept.push(flows);
                    }
                }
                _ => self.focused = Some((key, years, vec![flows])),
            },
        }
    }

    /// Whether figures are being computed, or the summing job is yet to follow the
    /// choices made.
    pub(super) fn running(&self) -> bool {
        self.running || self.waiting
    }

    /// Whether any analysis work runs, the other levels' matrices included.
    pub(super) fn busy(&self) -> bool {
        self.running || self.building > 0 || self.summing.is_some()
    }
}

impl TradeApp {
    fn analysis_key(&self) -> AnalysisKey {
        AnalysisKey {
            generation: self.datasets.generation(),
            revision: self.revision,
            focus: self.nav.page.focus.clone(),
            partner: self.nav.page.partner.clone(),
            year: self.ui_state.analysis.year,
            level: self.ui_state.analysis.level,
        }
    }

    /// What the matrices of the data now are built from (the document's trade records
    /// fingerprinted once per revision).
    fn analysis_data(&mut self) -> DataKey {
        let print = match self.analysis.fingerprint {
            Some((revision, print)) if revision == self.revision => print,
            _ => {
                let print = indicators::trade_fingerprint(&self.doc);
                self.analysis.fingerprint = Some((self.revision, print));
                print
            }
        };
        (self.datasets.generation(), print)
    }

    /// Takes finished figures in, and starts computing when the Analysis view shows
    /// figures for something else than what is chosen. True when it took figures in
    /// (which a pass that has drawn already shows only in the next frame).
    pub(super) fn refresh_analysis(&mut self) -> bool {
        let current = self.analysis_data();
        let messages: Vec<Analysed> = self.analysis.jobs.drain().collect();
        let took = !messages.is_empty();
        messages
            .into_iter()
            .for_each(|m| self.analysis.take(m, current));
        self.start_analysis(current);
        took
    }

    /// Starts computing the figures chosen when they are not shown, nor being computed.
    fn start_analysis(&mut self, current: DataKey) {
        if let Some(summing) = self.analysis.summing {
            // Wait for the span being summed; stop it when its data is gone, else have
            // it follow the choices made.
            if summing != current {
                self.analysis.superseded.store(true, Ordering::Relaxed);
            } else {
                self.follow_while_summing();
            }
            return;
        }
        if self.nav.page.view != View::Analysis || self.analysis.running {
            return;
        }
        let key = self.analysis_key();
        if self.analysis.data.key.as_ref() == Some(&key) {
            return;
        }
        let tables: Vec<Arc<TradeTable>> = self
            .datasets
            .entries()
            .iter()
            // Products need the rows, not the totals shown while they are read.
            .filter_map(|e| e.rows().map(Arc::clone))
            .collect();
        let rows: usize = tables.iter().map(|t| t.len()).sum();
        if rows > self.analysis.max_rows {
            self.spawn_span_job(key, current, tables);
        } else {
            self.spawn_matrix_job(key, current, tables);
        }
    }

    /// Asks the summing job for the figures now chosen when the view shows others.
    fn follow_while_summing(&mut self) {
        let key = self.analysis_key();
        let shown = self.analysis.data.key.as_ref() == Some(&key);
        self.analysis.waiting = self.nav.page.view == View::Analysis && !shown;
        if !self.analysis.waiting {
            return;
        }
        let mut wanted = lock(&self.analysis.wanted);
        if wanted.as_ref().is_none_or(|(asked, _)| *asked != key) {
            *wanted = Some((key, self.analysis_names()));
        }
    }

    /// Figures from the whole matrix (built first, unless kept).
    fn spawn_matrix_job(
        &mut self,
        key: AnalysisKey,
        data_key: DataKey,
        tables: Vec<Arc<TradeTable>>,
    ) {
        let names = self.analysis_names();
        let kept = self.analysis.kept(data_key, key.level);
        self.analysis.builds += usize::from(kept.is_none());
        let doc = self.doc.clone();
        let spawned = self
            .analysis
            .jobs
            .spawn("analysis", &self.ctx, move |reply| {
                let mut names = names;
                names.sources.extend(document_source(&doc));
                if let Some(flows) = kept {
                    let data = compute_analysis(&flows, &key, names);
                    reply.send(Analysed::Figures(Box::new(data)));
                } else {
                    // The level asked for first, so that its figures show while the others
                    // are built (a later change of level is then immediate).
                    let mut levels = vec![key.level];
                    levels.extend(LEVELS.iter().filter(|l| **l != key.level));
                    let mut names = Some(names);
                    let tables = tables.iter().map(|t| &**t);
                    indicators::each_level(std::iter::once(&doc), tables, &levels, |flows| {
                        if let Some(names) = names.take() {
                            let data = compute_analysis(&flows, &key, names);
                            reply.send(Analysed::Figures(Box::new(data)));
                        }
                        reply.send(Analysed::Matrix(data_key, Arc::new(flows)));
                    });
                }
                reply.send(Analysed::Finished);
            });
        self.spawned(spawned);
    }

    fn spawned(&mut self, spawned: Result<(), String>) {
        match spawned {
            Ok(()) => {
                self.analysis.running = true;
                self.analysis.building += 1;
            }
            Err(err) => log::warn!("{err}"),
        }
    }

    /// The names the figures are shown with, and the datasets they are computed from (the
    /// document's records are counted in the job: a scan of the document does not belong
    /// on the UI thread).
    fn analysis_names(&self) -> AnalysisNames {
        let name = |code: &Option<String>| {
            code.as_deref()
                .map(|c| self.explore.name_of(&self.doc, c))
                .unwrap_or_default()
        };
        let sources: Vec<String> = self
            .datasets
            .entries()
            .iter()
            .filter(|e| e.rows().is_some())
            .map(|e| format!("dataset {}", e.name))
            .collect();
        AnalysisNames {
            focus: name(&self.nav.page.focus),
            partner: name(&self.nav.page.partner),
            sources,
        }
    }
}

/// The document as a source of figures: "12 trade records of the document", or nothing.
fn document_source(doc: &crate::model::Document) -> Option<String> {
    let records = doc
        .trade
        .iter()
        .filter(|t| t.value_usd.is_some() && t.year.is_some())
        .count();
    (records > 0).then(|| {
        let records = crate::model::format::count(records, "trade record");
        format!("{records} of the document")
    })
}
