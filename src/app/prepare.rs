//! Keeping what the views show current: the explored figures and charts
//! ([`ExploreData`]) and the rows of the current table, recomputed when the document
//! revision, the navigation, the datasets' sums or the table's query change.
//!
//! A small document is prepared right away, within the frame. A large one (more than
//! [`INLINE_RECORDS`] records) is prepared on a background thread from a snapshot of the
//! document, which costs microseconds to take (see [`crate::model::RecordList`]): an edit
//! then costs the UI thread almost nothing, and the views, the problems panel and the table
//! show the new figures a moment later ("Updating…" in the status bar meanwhile).

use crate::state::{AggregateKey, Aggregates, ExploreData, ExploreKey, LoadedDataset};

use super::TradeApp;
use super::jobs::Jobs;
use super::table_edit::TableCache;

/// Documents with at most this many records are prepared within the frame.
pub const INLINE_RECORDS: usize = 20_000;

/// What a background preparation hands back.
pub(super) struct Prepared {
    explore: ExploreData,
    table: TableCache,
}

/// The background preparation, when one runs.
#[derive(Default)]
pub(super) struct Preparing {
    jobs: Jobs<Prepared>,
    running: bool,
}

impl Preparing {
    /// Whether a preparation runs.
    pub(super) fn running(&self) -> bool {
        self.running
    }
}

impl TradeApp {
    /// Recomputes the views' data if the document, the navigation or the datasets' sums
    /// changed; asks for new sums (computed off the UI thread) when they are out of date.
    /// True when the views' data changed (which a pass that has drawn already shows only
    /// in the next frame).
    pub(super) fn refresh_explore(&mut self) -> bool {
        self.request_dataset_work();
        let took = self.take_prepared();
        let updated = self.prepare();
        took || updated
    }

    /// Brings the views' data up to date: at once for a small document (true then), else
    /// off the UI thread, unless a preparation is running already.
    fn prepare(&mut self) -> bool {
        let key = ExploreKey {
            revision: self.revision,
            focus: self.nav.page.focus.clone(),
            partner: self.nav.page.partner.clone(),
            partner_year: self.nav.partner_year,
            datasets: self.datasets.aggregates_revision(),
            dataset_generation: self.datasets.generation(),
            map: self.ui_state.map.choice,
        };
        let kind = self.nav.table_kind;
        let query = self.ui_state.table(kind).query.clone();
        let explore_current = self.explore.summary.is_some() && self.explore.key == key;
        let table_current = self.table_cache.is_current(self.revision, kind, &query);
        if explore_current && table_current {
            return false;
        }
        if self.doc.record_count() <= INLINE_RECORDS {
            self.explore.update(
                &self.doc,
                key,
                self.datasets.aggregates(),
                self.datasets.entries(),
            );
            self.table_cache
                .update(&self.doc, self.revision, kind, query);
            return true;
        }
        if self.preparing.running {
            return false; // its result comes back soon; the next pass starts the newer one
        }
        let doc = self.doc.clone();
        let mut explore = self.explore.clone();
        let mut table = self.table_cache.clone();
        let aggregates: Aggregates = self.datasets.aggregates().clone();
        let entries: Vec<LoadedDataset> = self.datasets.entries().to_vec();
        let revision = self.revision;
        let spawned = self
            .preparing
            .jobs
            .spawn("prepare", &self.ctx, move |reply| {
                explore.update(&doc, key, &aggregates, &entries);
                table.update(&doc, revision, kind, query);
                reply.send(Prepared { explore, table });
            });
        match spawned {
            Ok(()) => self.preparing.running = true,
            Err(err) => log::warn!("{err}"),
        }
        false
    }

    /// Takes a finished preparation; one for an older state still replaces older data, and
    /// the next pass prepares the current state. True when one was taken.
    fn take_prepared(&mut self) -> bool {
        let Some(prepared) = self.preparing.jobs.drain().last() else {
            return false;
        };
        self.preparing.running = false;
        self.explore = prepared.explore;
        self.table_cache = prepared.table;
        true
    }

    /// Follows the document's list of datasets and asks for the sums and rows the page
    /// needs (both computed off the UI thread).
    fn request_dataset_work(&mut self) {
        if self.datasets_synced != Some(self.revision) {
            self.datasets.sync(&self.doc.datasets, &self.ctx);
            self.datasets_synced = Some(self.revision);
        }
        let wanted = AggregateKey {
            generation: self.datasets.generation(),
            focus: self.nav.page.focus.clone(),
            partner: self.nav.page.partner.clone(),
            drill: self.nav.drill().map(str::to_owned),
            product_year: self.nav.product_year,
        };
        self.datasets.request(wanted, &self.doc.datasets, &self.ctx);
        if let Some(rows) = &self.ui_state.dataset_rows {
            if rows.dataset < self.doc.datasets.len() {
                let filter = rows.filter();
                self.datasets.request_rows(rows.dataset, filter, &self.ctx);
            } else {
                // The dataset was unlinked (or undone away).
                self.ui_state.dataset_rows = None;
            }
        }
    }
}
