//! Keeping the Analysis view's figures current, off the UI thread.
//!
//! The expensive part is the trade matrix ([`Flows`]): every row of every linked dataset
//! grouped by year, pair and product. It depends on the data and the HS level only, so it
//! is built once per (datasets, document revision, level) and kept; a change of focus,
//! partner or year recomputes the figures from the kept matrix. Nothing is computed while
//! the Analysis view is not shown.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::dataset::TradeTable;
use crate::model::indicators::{self, Flows};
use crate::state::{
    AnalysisData, AnalysisKey, AnalysisNames, DatasetStatus, View, compute_analysis,
};

use super::TradeApp;
use super::jobs::Jobs;

/// (datasets generation, document revision): what the matrices were built from.
type DataKey = (u64, u64);

/// The HS levels the view offers; all are built together, the one asked for first.
const LEVELS: [usize; 3] = [2, 4, 6];

/// Rows the trade matrices are built from at most (see [`indicators::MATRIX_MAX_ROWS`]).
pub const ANALYSIS_MAX_ROWS: usize = indicators::MATRIX_MAX_ROWS;

/// Why the analysis is not computed: `year` alone holds `rows` linked rows.
fn year_too_large(year: i32, rows: usize, max: usize) -> String {
    format!(
        "The year {year} alone holds {} linked rows; the Analysis view builds its trade \
         matrices in memory from at most {} rows. Link fewer rows (one source instead of \
         several for the same years), or aggregate the data to HS4 first (README: \"When \
         one machine is not enough\").",
        crate::model::format::group_thousands(rows as u64),
        crate::model::format::group_thousands(max as u64),
    )
}

/// The years a matrix was built from, when the linked rows were too many for all of them.
#[derive(Debug, PartialEq)]
pub(super) struct Window {
    /// The model's window: its years and row counts.
    planned: indicators::Planned,
    /// Every year of the data (the document's too), for the year picker.
    all: Vec<i32>,
    max: usize,
}

impl Window {
    /// Whether figures for `year` (`None`: the latest of the linked rows) can come from
    /// this matrix.
    fn covers(&self, year: Option<i32>) -> bool {
        match year.or(self.planned.latest()) {
            Some(y) => self.planned.years.contains(&y),
            None => false,
        }
    }

    /// Said above the figures: which years they are from, and why only those.
    fn note(&self) -> String {
        let span = self.planned.span();
        let thousands = |n: usize| crate::model::format::group_thousands(n as u64);
        format!(
            "Figures from {span} only ({} of the {} linked rows): the trade matrices are \
             built in memory from at most {} rows. Growth and the charts over the years \
             cover these years; choose another year to compute its figures.",
            thousands(self.planned.rows),
            thousands(self.planned.total),
            thousands(self.max),
        )
    }

    /// Sets the data's year picker to every year, and says which the figures are from.
    fn describe(&self, data: &mut AnalysisData) {
        let mut years: std::collections::BTreeSet<i32> = self.all.iter().copied().collect();
        years.extend(data.years.iter().copied());
        data.years = years.into_iter().collect();
        data.scope = Some(self.note());
        // The universe goes with every copied figure: a figure over the years (growth,
        // annual growth) must say it covers these years only.
        if !data.universe.is_empty() {
            data.universe.push_str(&format!(
                "; trade matrices from {} only",
                self.planned.span()
            ));
        }
    }
}

/// Matrices kept, by level, with what they were built from.
type Matrices = (DataKey, Option<Arc<Window>>, Vec<Arc<Flows>>);

/// What a computation reports: the figures asked for (once), and each level's matrix as
/// it is built, to keep.
pub(super) enum Analysed {
    Figures(Box<AnalysisData>),
    Matrix(DataKey, Option<Arc<Window>>, Arc<Flows>),
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
    /// Jobs still building matrices after their figures came back.
    building: usize,
    /// The matrices built for the current data (from the years of a window, when not
    /// from all), by level.
    matrices: Option<Matrices>,
    /// What the view shows.
    pub(super) data: AnalysisData,
    /// Set when the build running is no longer wanted (another window of years was asked
    /// for): it stops after the level it is building, so that two windows' matrices are
    /// not built in memory at once.
    superseded: Arc<AtomicBool>,
}

impl TradeApp {
    /// Sets the most linked rows the Analysis view builds its matrices from (tests use a
    /// small number instead of linking tens of millions of rows).
    #[doc(hidden)]
    pub fn set_analysis_max_rows(&mut self, rows: usize) {
        self.analysis.max_rows = rows;
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
            data: AnalysisData::default(),
            superseded: Arc::default(),
        }
    }
}

impl Analysis {
    /// The matrix of `level` built for `data` that holds `year`, with its window.
    fn kept(
        &self,
        data: DataKey,
        level: usize,
        year: Option<i32>,
    ) -> Option<(Arc<Flows>, Option<Arc<Window>>)> {
        let (_, window, matrices) = self
            .matrices
            .as_ref()
            .filter(|(k, w, _)| *k == data && w.as_ref().is_none_or(|w| w.covers(year)))?;
        let flows = matrices.iter().find(|f| f.level == level)?;
        Some((Arc::clone(flows), window.clone()))
    }

    /// Takes a message in; matrices of data that is not `current` any more are dropped.
    fn take(&mut self, message: Analysed, current: DataKey) {
        match message {
            Analysed::Figures(data) => {
                self.running = false;
                self.data = *data;
            }
            Analysed::Finished => self.building = self.building.saturating_sub(1),
            Analysed::Matrix(key, _, _) if key != current => {}
            Analysed::Matrix(key, window, flows) => match &mut self.matrices {
                Some((k, w, kept)) if *k == key && *w == window => {
                    if kept.iter().all(|f| f.level != flows.level) {
                        kept.push(flows);
                    }
                }
                _ => self.matrices = Some((key, window, vec![flows])),
            },
        }
    }
}

impl Analysis {
    /// Whether figures are being computed.
    pub(super) fn running(&self) -> bool {
        self.running
    }

    /// Whether any analysis work runs, the other levels' matrices included.
    pub(super) fn busy(&self) -> bool {
        self.running || self.building > 0
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

    /// Takes finished figures in, and starts computing when the Analysis view shows
    /// figures for something else than what is chosen.
    pub(super) fn refresh_analysis(&mut self) {
        let messages: Vec<Analysed> = self.analysis.jobs.drain().collect();
        if !messages.is_empty() {
            let current = (self.datasets.generation(), self.revision);
            messages
                .into_iter()
                .for_each(|m| self.analysis.take(m, current));
            self.ctx.request_repaint();
        }
        if self.nav.page.view != View::Analysis || self.analysis.running {
            return;
        }
        let key = self.analysis_key();
        if self.analysis.data.key.as_ref() == Some(&key) {
            return;
        }
        let names = self.analysis_names();
        let tables: Vec<Arc<TradeTable>> = self
            .datasets
            .entries()
            .iter()
            .filter_map(|e| match &e.status {
                DatasetStatus::Ready(t) => Some(Arc::clone(t)),
                _ => None,
            })
            .collect();
        let rows: usize = tables.iter().map(|t| t.len()).sum();
        let data_key = (key.generation, key.revision);
        let kept = self.analysis.kept(data_key, key.level, key.year);
        let max_rows = (rows > self.analysis.max_rows).then_some(self.analysis.max_rows);
        let superseded = Arc::new(AtomicBool::new(false));
        if kept.is_none() && max_rows.is_some() {
            // Matrices of other years: freed before those of this year are built, and a
            // build of other years still running stopped.
            self.analysis.matrices = None;
            let previous =
                std::mem::replace(&mut self.analysis.superseded, Arc::clone(&superseded));
            previous.store(true, Ordering::Relaxed);
        }
        let doc = self.doc.clone();
        let spawned = self
            .analysis
            .jobs
            .spawn("analysis", &self.ctx, move |reply| {
                let mut names = names;
                names.sources.extend(document_source(&doc));
                if let Some((flows, window)) = kept {
                    let mut data = compute_analysis(&flows, &key, names);
                    if let Some(window) = window {
                        window.describe(&mut data);
                    }
                    reply.send(Analysed::Figures(Box::new(data)));
                } else {
                    let job = Build {
                        doc: &doc,
                        tables: &tables,
                        key,
                        data_key,
                        max_rows,
                        superseded: &superseded,
                    };
                    job.run(names, &mut |m| reply.send(m));
                }
                reply.send(Analysed::Finished);
            });
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
            .filter(|e| matches!(e.status, DatasetStatus::Ready(_)))
            .map(|e| format!("dataset {}", e.name))
            .collect();
        AnalysisNames {
            focus: name(&self.nav.page.focus),
            partner: name(&self.nav.page.partner),
            sources,
        }
    }
}

/// Building the matrices (all levels, the one asked for first) and the figures asked for.
struct Build<'a> {
    doc: &'a crate::model::Document,
    tables: &'a [Arc<TradeTable>],
    key: AnalysisKey,
    data_key: DataKey,
    /// The most rows to build from, when the linked rows are more.
    max_rows: Option<usize>,
    /// Set when these matrices are no longer wanted.
    superseded: &'a AtomicBool,
}

impl Build<'_> {
    fn run(self, names: AnalysisNames, send: &mut dyn FnMut(Analysed)) {
        let tables = self.tables.iter().map(|t| &**t);
        let window = match self.max_rows {
            None => None,
            Some(max) => match indicators::plan_window(tables.clone(), self.key.year, max) {
                Ok(planned) => {
                    let mut all: std::collections::BTreeSet<i32> =
                        planned.with_rows.iter().copied().collect();
                    all.extend(self.doc.trade.iter().filter_map(|t| t.year));
                    Some(Arc::new(Window {
                        planned,
                        all: all.into_iter().collect(),
                        max,
                    }))
                }
                Err(refused) => {
                    send(Analysed::Figures(Box::new(
                        self.refused(refused, max, names),
                    )));
                    return;
                }
            },
        };
        let years = window
            .as_ref()
            .map_or(i32::MIN..=i32::MAX, |w| w.planned.years.clone());
        // The level asked for first, so that its figures show while the others are built
        // (a later change of level is then immediate).
        let mut levels = vec![self.key.level];
        levels.extend(LEVELS.iter().filter(|l| **l != self.key.level));
        let mut names = Some(names);
        let docs = std::iter::once(self.doc);
        indicators::each_level_in(docs, tables, &years, &levels, |flows| {
            if let Some(names) = names.take() {
                let mut data = compute_analysis(&flows, &self.key, names);
                if let Some(window) = &window {
                    window.describe(&mut data);
                }
                send(Analysed::Figures(Box::new(data)));
            }
            if self.superseded.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            send(Analysed::Matrix(
                self.data_key,
                window.clone(),
                Arc::new(flows),
            ));
            ControlFlow::Continue(())
        });
    }

    /// No figures: the year asked for alone holds more than `max` rows.
    fn refused(
        &self,
        refused: indicators::Refused,
        max: usize,
        names: AnalysisNames,
    ) -> AnalysisData {
        let message = match refused.year {
            Some(y) => year_too_large(y, refused.rows, max),
            None => "The linked datasets hold no rows with a year.".to_owned(),
        };
        AnalysisData {
            key: Some(self.key.clone()),
            years: refused.with_rows,
            names,
            message: Some(message),
            ..AnalysisData::default()
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

#[cfg(test)]
mod tests {
    use super::Window;

    /// "Latest" is the latest year of the linked rows, not a later year that only the
    /// document gives (2024 here): a matrix built for the latest year serves it again.
    #[test]
    fn a_window_covers_the_years_it_was_built_from() {
        let window = Window {
            planned: crate::model::indicators::Planned {
                years: 2020..=2023,
                rows: 4,
                total: 29,
                with_rows: (1995..=2023).collect(),
            },
            all: (1995..=2024).collect(),
            max: 4,
        };
        assert!(window.covers(None));
        assert!(window.covers(Some(2020)) && window.covers(Some(2023)));
        assert!(!window.covers(Some(2019)) && !window.covers(Some(2024)));
        assert!(
            window
                .note()
                .starts_with("Figures from 2020–2023 only (4 of the 29")
        );
    }
}
