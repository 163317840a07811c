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

type FlowsKey = (u64, u64, usize);

/// A finished computation.
pub(super) struct Analysed {
    data: AnalysisData,
    flows_key: FlowsKey,
    flows: Arc<Flows>,
}

/// The Analysis view's data and the work that keeps it current.
#[derive(Default)]
pub(super) struct Analysis {
    jobs: Jobs<Analysed>,
    running: bool,
    flows: Option<(FlowsKey, Arc<Flows>)>,
    /// What the view shows.
    pub(super) data: AnalysisData,
}

impl Analysis {
    /// Whether figures are being computed.
    pub(super) fn running(&self) -> bool {
        self.running
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
        if let Some(done) = self.analysis.jobs.drain().last() {
            self.analysis.running = false;
            self.analysis.data = done.data;
            self.analysis.flows = Some((done.flows_key, done.flows));
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
        let flows_key = key.flows_key();
        let kept = self
            .analysis
            .flows
            .as_ref()
            .filter(|(k, _)| *k == flows_key)
            .map(|(_, f)| Arc::clone(f));
        let doc = self.doc.clone();
        let spawned = self
            .analysis
            .jobs
            .spawn("analysis", &self.ctx, move |reply| {
                let flows = kept.unwrap_or_else(|| {
                    let tables = tables.iter().map(|t| &**t);
                    Arc::new(indicators::combined(
                        std::iter::once(&doc),
                        tables,
                        key.level,
                    ))
                });
                let data = compute_analysis(&flows, &key, names);
                reply.send(Analysed {
                    data,
                    flows_key,
                    flows,
                });
            });
        match spawned {
            Ok(()) => self.analysis.running = true,
            Err(err) => log::warn!("{err}"),
        }
    }

    /// The names the figures are shown with, and what they are computed from.
    fn analysis_names(&self) -> AnalysisNames {
        let name = |code: &Option<String>| {
            code.as_deref()
                .map(|c| self.explore.name_of(&self.doc, c))
                .unwrap_or_default()
        };
        let mut sources: Vec<String> = self
            .datasets
            .entries()
            .iter()
            .filter(|e| matches!(e.status, DatasetStatus::Ready(_)))
            .map(|e| format!("dataset {}", e.name))
            .collect();
        let records = self
            .doc
            .trade
            .iter()
            .filter(|t| t.value_usd.is_some() && t.year.is_some())
            .count();
        if records > 0 {
            sources.push(format!(
                "{records} trade record{} of the document",
                if records == 1 { "" } else { "s" }
            ));
        }
        AnalysisNames {
            focus: name(&self.nav.page.focus),
            partner: name(&self.nav.page.partner),
            sources,
        }
    }
}
