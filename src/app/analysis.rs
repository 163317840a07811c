//! Keeping the Analysis view's figures current, off the UI thread.
//!
//! The expensive part is the trade matrix ([`Flows`]): every row of every linked dataset
//! grouped by year, pair and product. It depends on the data and the HS level only, so it
//! is built once per (datasets, document revision, level) and kept; a change of focus,
//! partner or year recomputes the figures from the kept matrix. Nothing is computed while
//! the Analysis view is not shown.

use std::sync::Arc;

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

/// Rows the trade matrices are built from at most. They are built in memory, about 180
/// bytes per row for the three levels (2 GB measured at 10 million rows, so about 7 GB
/// here): a whole BACI release (270 million rows) would need more memory than a desktop
/// has, and the system would stop the app.
pub const ANALYSIS_MAX_ROWS: usize = 40_000_000;

/// Why the analysis is not computed for `rows` linked rows.
fn too_many_rows(rows: usize, max: usize) -> String {
    format!(
        "The linked datasets hold {} rows; the Analysis view builds its trade matrices in \
         memory from at most {} rows. Link fewer years (a folder with the years you \
         compare), or aggregate the data to HS4 first (README: \"When one machine is not \
         enough\").",
        crate::model::format::group_thousands(rows as u64),
        crate::model::format::group_thousands(max as u64),
    )
}

/// What a computation reports: the figures asked for (once), and each level's matrix as
/// it is built, to keep.
pub(super) enum Analysed {
    Figures(Box<AnalysisData>),
    Matrix(DataKey, Arc<Flows>),
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
    /// The matrices built for the current data, by level.
    matrices: Option<(DataKey, Vec<Arc<Flows>>)>,
    /// What the view shows.
    pub(super) data: AnalysisData,
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
        }
    }
}

impl Analysis {
    fn kept(&self, data: DataKey, level: usize) -> Option<Arc<Flows>> {
        let (_, matrices) = self.matrices.as_ref().filter(|(k, _)| *k == data)?;
        matrices.iter().find(|f| f.level == level).cloned()
    }

    /// Takes a message in; matrices of data that is not `current` any more are dropped.
    fn take(&mut self, message: Analysed, current: DataKey) {
        match message {
            Analysed::Figures(data) => {
                self.running = false;
                self.data = *data;
            }
            Analysed::Finished => self.building = self.building.saturating_sub(1),
            Analysed::Matrix(key, _) if key != current => {}
            Analysed::Matrix(key, flows) => match &mut self.matrices {
                Some((k, kept)) if *k == key => {
                    if kept.iter().all(|f| f.level != flows.level) {
                        kept.push(flows);
                    }
                }
                _ => self.matrices = Some((key, vec![flows])),
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
        if rows > self.analysis.max_rows {
            self.analysis.data = AnalysisData {
                key: Some(key),
                names,
                message: Some(too_many_rows(rows, self.analysis.max_rows)),
                ..AnalysisData::default()
            };
            return;
        }
        let data_key = (key.generation, key.revision);
        let kept = self.analysis.kept(data_key, key.level);
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
                    reply.send(Analysed::Finished);
                    return;
                }
                // The level asked for first, so that its figures show while the others
                // are built (a later change of level is then immediate).
                let mut levels = vec![key.level];
                levels.extend(LEVELS.iter().filter(|l| **l != key.level));
                let tables = tables.iter().map(|t| &**t);
                let mut names = Some(names);
                indicators::each_level(std::iter::once(&doc), tables, &levels, |flows| {
                    if let Some(names) = names.take() {
                        let data = compute_analysis(&flows, &key, names);
                        reply.send(Analysed::Figures(Box::new(data)));
                    }
                    reply.send(Analysed::Matrix(data_key, Arc::new(flows)));
                });
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
