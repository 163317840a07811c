//! File > Import data…: a look at the header, the column-mapping dialog for unknown
//! layouts, the import itself on a background thread with progress and Cancel, the review
//! of refused rows, and the link (or the copied records) added to the document as one
//! undoable edit.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::io::import::{
    self, ImportError, MappingRoles, OpenedDataset, Peek, Progress, Shortfall, header_key,
};
use crate::model::dataset::{self, ColumnMap, DatasetLink, TradeTable};
use crate::model::{Edit, Record, RecordKind, format};
use crate::state::{
    Command, ImportDialog, ImportReview, ImportRunning, MappingDialog, MemoryWarning,
};

use super::TradeApp;
use super::files::JobResult;
use super::jobs::Jobs;

pub use crate::model::dataset::COPY_LIMIT;

/// Rows in the preview of the mapping dialog.
const PREVIEW_ROWS: usize = 12;

pub(super) enum ImportMessage {
    Progress(Progress),
    Done(Box<Result<Imported, ImportError>>),
}

/// What the import thread hands back: the rows, and what the review shows of them (the
/// main country, the years, unit and total), found there so the UI thread never scans rows.
pub(super) struct Imported {
    /// What was read, with its main country (found by `open_dataset`, or read from the
    /// cache); its rows are in `table`.
    opened: OpenedDataset,
    table: Arc<TradeTable>,
    scope: String,
}

/// An import running on its thread.
pub(super) struct RunningImport {
    jobs: Jobs<ImportMessage>,
    cancel: Arc<AtomicBool>,
    path: PathBuf,
    mapping: Option<ColumnMap>,
}

/// An import read and waiting for the user's decision.
pub(super) struct PendingImport {
    link: DatasetLink,
    table: Arc<TradeTable>,
    main_country: Option<String>,
    failed_files: Vec<(String, String)>,
}

impl TradeApp {
    /// Tells the app how many bytes of memory are free instead of asking the system (tests
    /// of the warning before an import, or before a linked dataset is read again, that may
    /// not fit).
    #[doc(hidden)]
    pub fn set_available_memory(&mut self, bytes: u64) {
        self.memory_available = Some(bytes);
        self.datasets.set_available_memory(bytes);
    }

    /// Parquet releases of at least `rows` rows are linked with their totals first, their
    /// rows read after (tests lower it to try that on small files).
    #[doc(hidden)]
    pub fn set_totals_first_rows(&mut self, rows: u64) {
        self.datasets.set_totals_first_rows(rows);
    }

    /// Starts importing `path`: first a look at its header, on a background thread.
    pub(super) fn begin_import(&mut self, path: PathBuf) {
        if self.import.is_some() || self.ui_state.import.is_some() {
            self.show_message(
                "An import is already running",
                "Wait for it to finish, or cancel it, before importing another file.".to_owned(),
            );
            return;
        }
        let busy = format!("Reading {}…", path.display());
        let told = self.memory_available;
        let cache = self.cache_folder.clone();
        // A file of no known layout is read through the columns remembered for its header
        // (the dialog offers them), and cached under them.
        let remembered = self.settings.mappings.clone();
        self.spawn(busy, move || {
            let result = import::peek(&path, PREVIEW_ROWS);
            let shortfall = result.as_ref().ok().and_then(|peek| {
                let available = told.or_else(import::available_memory);
                let mapping = remembered.get(&header_key(&peek.header));
                import::shortfall(&path, peek, mapping, available, cache.as_deref())
            });
            JobResult::Peeked {
                path,
                result: Box::new(result),
                shortfall,
            }
        });
    }

    /// The header was read: import a known layout at once, else ask for the columns; first
    /// ask whether to go on when the rows may not fit in the memory free (`shortfall`).
    pub(super) fn peeked(
        &mut self,
        path: PathBuf,
        result: Result<Peek, ImportError>,
        shortfall: Option<Shortfall>,
    ) {
        let peek = match result {
            Ok(peek) => peek,
            Err(err) => {
                self.show_message("Could not import the file", err.to_string());
                return;
            }
        };
        if let Some(problem) = peek.layout_problem() {
            self.show_message(
                "Could not import the file",
                format!(
                    "{}: {problem}.\n\n{}",
                    path.display(),
                    import::expected_columns()
                ),
            );
            return;
        }
        if let Some(shortfall) = shortfall {
            self.ui_state.import = Some(ImportDialog::Memory(MemoryWarning {
                path: path.clone(),
                shortfall,
            }));
            self.unconfirmed = Some((path, peek));
            return;
        }
        self.go_on_importing(path, peek);
    }

    /// The memory warning was answered with "Import anyway".
    pub(super) fn import_anyway(&mut self) {
        if let Some((path, peek)) = self.unconfirmed.take() {
            self.ui_state.import = None;
            self.go_on_importing(path, peek);
        }
    }

    /// Imports a known layout at once, else asks for the columns.
    fn go_on_importing(&mut self, path: PathBuf, peek: Peek) {
        if peek.detected.is_some() {
            self.start_import(path, None);
            return;
        }
        let remembered = self.settings.mapping(&header_key(&peek.header));
        let roles =
            remembered.map_or_else(|| MappingRoles::guess(&peek.header), MappingRoles::from_map);
        self.ui_state.import = Some(ImportDialog::Mapping(MappingDialog {
            path,
            header: peek.header,
            rows: peek.rows,
            roles,
            remembered: remembered.is_some(),
            error: None,
        }));
    }

    /// Import with the columns chosen in the mapping dialog (remembered for next time).
    pub(super) fn start_mapped_import(&mut self) {
        let Some(ImportDialog::Mapping(dialog)) = &mut self.ui_state.import else {
            return;
        };
        match dialog.roles.to_map(&dialog.header, &dialog.rows) {
            Ok(map) => {
                let path = dialog.path.clone();
                let key = header_key(&dialog.header);
                self.settings.remember_mapping(key, map.clone());
                self.ui_state.import = None;
                self.start_import(path, Some(map));
            }
            Err(err) => dialog.error = Some(err),
        }
    }

    fn start_import(&mut self, path: PathBuf, mapping: Option<ColumnMap>) {
        let jobs = Jobs::default();
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let thread_path = path.clone();
        let thread_mapping = mapping.clone();
        let cache = self.cache_folder.clone();
        let totals_rows = self.datasets.totals_first_rows();
        let spawned = jobs.spawn("import", &self.ctx, move |reply| {
            let progress = reply.clone();
            let mut report =
                super::jobs::throttled(|p: &Progress| progress.post(ImportMessage::Progress(*p)));
            let scale = thread_mapping.as_ref().map(|m| m.value_scale);
            // A large Parquet release is linked with its totals; its rows are read after,
            // by the linked dataset (which then writes the cache).
            let how = (cache.as_deref(), totals_rows);
            let opened = match import::open_totals(
                &thread_path,
                thread_mapping.clone(),
                how,
                &mut report,
                &thread_cancel,
            ) {
                Ok(Some(totals)) => Ok((totals, None)),
                Ok(None) => import::open_dataset_then_cache(
                    &thread_path,
                    thread_mapping,
                    cache.as_deref(),
                    &mut report,
                    &thread_cancel,
                ),
                Err(err) => Err(err),
            };
            let (result, pending) = match opened {
                Ok((mut opened, pending)) => {
                    let scale = scale.unwrap_or_else(|| opened.outcome.layout.default_scale());
                    let scope = import_scope(&opened.outcome.table, scale);
                    // Built here, off the UI thread, and kept by the cache written below.
                    opened.outcome.table.country_blocks();
                    let table = Arc::new(std::mem::take(&mut opened.outcome.table));
                    let pending = pending.map(|p| (p, table.clone()));
                    let imported = Imported {
                        scope,
                        opened,
                        table,
                    };
                    (Ok(imported), pending)
                }
                Err(err) => (Err(err), None),
            };
            reply.send(ImportMessage::Done(Box::new(result)));
            // The rows are shown first; their cache is written after, for next time.
            if let Some((pending, table)) = pending {
                pending.write(&table);
            }
        });
        if let Err(err) = spawned {
            self.show_message("Could not start the import", err);
            return;
        }
        self.import = Some(RunningImport {
            jobs,
            cancel,
            path: path.clone(),
            mapping,
        });
        self.ui_state.import = Some(ImportDialog::Running(ImportRunning {
            path,
            progress: None,
            started: Instant::now(),
            cancelling: false,
        }));
    }

    /// Cancel in any import dialog.
    pub(super) fn cancel_import(&mut self) {
        if let Some(running) = &self.import {
            running.cancel.store(true, Ordering::Relaxed);
            if let Some(ImportDialog::Running(r)) = &mut self.ui_state.import {
                r.cancelling = true;
            }
            return;
        }
        self.pending_import = None;
        self.unconfirmed = None;
        self.ui_state.import = None;
    }

    /// Takes in what the import thread reported.
    pub(super) fn poll_import(&mut self) {
        let Some(running) = &self.import else {
            return;
        };
        let mut done = None;
        for message in running.jobs.drain() {
            match message {
                ImportMessage::Progress(p) => {
                    if let Some(ImportDialog::Running(r)) = &mut self.ui_state.import {
                        r.progress = Some(p);
                    }
                }
                ImportMessage::Done(result) => done = Some(*result),
            }
        }
        let Some(result) = done else {
            return;
        };
        let Some(running) = self.import.take() else {
            return;
        };
        self.ui_state.import = None;
        match result {
            Ok(imported) => self.imported(running.path, running.mapping, imported),
            Err(ImportError::Cancelled) => self.ui_state.toast("Import cancelled"),
            Err(err) => self.show_message(
                "Could not import the file",
                format!("{err}\n\nThe document is unchanged."),
            ),
        }
    }

    fn imported(&mut self, path: PathBuf, mapping: Option<ColumnMap>, imported: Imported) {
        let Imported {
            opened,
            table,
            scope,
        } = imported;
        let main_country = opened.main_country.clone();
        // The rows were moved out of `opened` into `table`, shared with the cache writer
        // (or `table` holds the totals of rows read after).
        let rows = opened.outcome.rows_read - opened.outcome.rows_rejected;
        let link = import::link_for(
            &path,
            (&opened, rows),
            mapping,
            self.doc.next_id(RecordKind::Dataset),
        );
        let outcome = opened.outcome;
        let review = ImportReview {
            scope,
            path,
            layout: outcome.layout,
            rows_read: outcome.rows_read,
            rows_rejected: outcome.rows_rejected,
            rejected: outcome.rejected,
            unknown_countries: outcome.unknown_countries,
            recoded_countries: outcome.recoded_countries,
            codes_origin: outcome.codes_origin,
            can_copy: table.len() <= COPY_LIMIT && table.totals_only.is_none(),
            copy_rows: false,
            files: outcome.files,
            failed_files: outcome.failed_files.clone(),
        };
        self.pending_import = Some(PendingImport {
            link,
            table,
            main_country,
            failed_files: outcome.failed_files,
        });
        // Big clean imports are linked at once; anything with a choice to make is shown.
        if review.can_copy || review.rows_rejected > 0 || !review.failed_files.is_empty() {
            self.ui_state.import = Some(ImportDialog::Review(review));
        } else {
            self.finish_import(false);
        }
    }

    /// Adds the pending import: as a linked dataset, or copied as editable records.
    pub(super) fn finish_import(&mut self, copy_rows: bool) {
        self.ui_state.import = None;
        let Some(pending) = self.pending_import.take() else {
            return;
        };
        let rows = pending.link.rows as usize;
        let name = pending.link.name.clone();
        if copy_rows && rows <= COPY_LIMIT && pending.table.totals_only.is_none() {
            self.copy_rows(&pending);
        } else {
            let index = self.doc.datasets.len();
            let edit = Edit::Insert(vec![(index, Record::Dataset(pending.link.clone()))]);
            if !self.apply_edit(edit) {
                return;
            }
            let ready = (
                pending.table.clone(),
                pending.main_country.clone(),
                pending.failed_files.clone(),
            );
            self.datasets.insert_ready(&pending.link, ready, &self.ctx);
            let mut text = format!("Linked {name}: {}", format::count(rows, "row"));
            if pending.table.totals_only.is_some() {
                text.push_str("; its totals are shown while the rows are read");
            }
            self.ui_state.toast(text);
        }
        self.focus_on_import(&pending);
    }

    fn copy_rows(&mut self, pending: &PendingImport) {
        let (edit, records, skipped) =
            dataset::copy_rows_edit(&self.doc, &pending.table, &pending.link);
        if self.apply_edit(edit) {
            let mut text = format!("Copied {}", format::count(records, "record"));
            if skipped > 0 {
                text.push_str(&format!(
                    " ({} not copied: World, sub-flows, aggregates)",
                    format::count(skipped, "row")
                ));
            }
            self.ui_state.toast(text);
        }
    }

    /// After an import into a document without a focus country (or whose focus country
    /// is not in the rows and has no partner), show the country with the most trade.
    fn focus_on_import(&mut self, pending: &PendingImport) {
        let keep = self.nav.page.focus.as_ref().is_some_and(|f| {
            pending.table.country_index(f).is_some() || !self.explore.partners.is_empty()
        });
        if !keep && let Some(code) = pending.main_country.clone() {
            self.apply(Command::SetFocus(code));
        }
    }
}

impl TradeApp {
    /// Links rows that are already in memory, as the end of an import does (one undoable
    /// edit). For benchmarks and tests that build large tables without a file.
    #[doc(hidden)]
    pub fn link_dataset(&mut self, link: DatasetLink, table: Arc<TradeTable>) {
        let main = dataset::main_country(&table);
        self.pending_import = Some(PendingImport {
            link,
            table,
            main_country: main,
            failed_files: Vec::new(),
        });
        self.finish_import(false);
    }
}

/// The review's summary of what was read: the years, the unit the values were read in,
/// and the total ("Years 1986–2006; values read as millions of US dollars; total $1.2T"),
/// and what a country's trade with itself adds outside it.
fn import_scope(table: &crate::model::dataset::TradeTable, scale: f64) -> String {
    use crate::model::format::{count, usd_short};
    let unit = crate::model::dataset::scale_name(scale);
    let years = match (table.year.iter().min(), table.year.iter().max()) {
        (Some(a), Some(b)) if a == b => format!("Year {a}"),
        (Some(a), Some(b)) => format!("Years {a}–{b}"),
        _ => "No years".to_owned(),
    };
    let total = usd_short(table.total_usd());
    let with_itself = match table.trade_with_itself() {
        (0, _) => String::new(),
        (rows, value) => format!(
            " between countries; {} of a country with itself ({}, domestic trade as \
             gravity datasets give it) kept but counted in no total",
            count(rows, "row"),
            usd_short(value)
        ),
    };
    format!("{years}; values read as {unit}; total trade {total}{with_itself}")
}
