//! Files: opening and saving documents, file dialogs (or the typed-path prompt when the
//! system has none), exporting a table as CSV and saving a chart as PNG. Every one runs off
//! the UI thread through [`super::jobs`] and reports back as a [`JobResult`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;

use crate::io::{self, FileStamp, LoadError, SaveError, with_default_extension};
use crate::model::{Document, RecordKind, format};
use crate::state::{
    ChangedOnDisk, Guarded, Origin, ParquetExport, PathPrompt, PathPurpose, RECENT_LIMIT,
};

use super::TradeApp;

/// A file dialog that answers faster than this cannot have been seen by a person: rfd
/// returns at once when no dialog backend (portal or zenity) is installed.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

/// What a background job reports.
pub(super) enum JobResult {
    Picked {
        purpose: PathPurpose,
        path: Option<PathBuf>,
        elapsed: Duration,
    },
    Loaded {
        path: PathBuf,
        result: Result<Box<(Document, FileStamp)>, LoadError>,
    },
    Saved {
        path: PathBuf,
        state: u64,
        result: Result<FileStamp, SaveError>,
        then: Option<Guarded>,
    },
    PngSaved {
        path: PathBuf,
        result: Result<(), SaveError>,
    },
    Peeked {
        path: PathBuf,
        result: Box<Result<crate::io::import::Peek, crate::io::import::ImportError>>,
        /// What reading it would take beyond the memory free.
        shortfall: Option<crate::io::import::Shortfall>,
    },
    Exported {
        path: PathBuf,
        rows: usize,
        result: Result<(), SaveError>,
    },
    /// The watched document was looked at after a change notice (None: it is gone).
    Checked {
        path: PathBuf,
        stamp: Result<Option<FileStamp>, String>,
    },
}

impl TradeApp {
    /// Runs `job` off the UI thread with `busy` shown until it reports back.
    pub(super) fn spawn(&mut self, busy: String, job: impl FnOnce() -> JobResult + Send + 'static) {
        self.busy = Some(busy);
        self.pending_jobs += 1;
        if let Err(err) = self
            .jobs
            .spawn("job", &self.ctx, move |reply| reply.send(job()))
        {
            self.busy = None;
            self.pending_jobs -= 1;
            self.show_message("Could not start a background task", err);
        }
    }

    pub(super) fn save(&mut self, then: Option<Guarded>) {
        match self.origin.clone() {
            Origin::File(path) => {
                let expected = self.disk.clone();
                self.save_to(path, then, expected);
            }
            Origin::Bundled | Origin::Untitled => self.pick(PathPurpose::SaveAs(then)),
        }
    }

    /// Saves to `path`; with `expected`, only if the file is still the version it
    /// describes (else the user is asked).
    pub(super) fn save_to(
        &mut self,
        path: PathBuf,
        then: Option<Guarded>,
        expected: Option<FileStamp>,
    ) {
        if self.busy.is_some() {
            return;
        }
        let doc = self.doc.clone();
        let state = self.history.state();
        let busy = format!("Saving {}…", path.display());
        self.spawn(busy, move || {
            let result = io::save_document_checked(&path, &doc, expected.as_ref());
            JobResult::Saved {
                path,
                state,
                result,
                then,
            }
        });
    }

    pub(super) fn start_load(&mut self, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let busy = format!("Opening {}…", path.display());
        self.spawn(busy, move || {
            let result = io::load_document_stamped(&path).map(Box::new);
            JobResult::Loaded { path, result }
        });
    }

    /// Folder where file dialogs start: the current file's folder, else `saves/`.
    fn dialog_folder(&self) -> PathBuf {
        if let Origin::File(path) = &self.origin
            && let Some(parent) = path.parent()
            && parent.is_dir()
        {
            return parent.to_path_buf();
        }
        let saves = PathBuf::from("saves");
        if saves.is_dir() {
            std::fs::canonicalize(&saves).unwrap_or(saves)
        } else {
            std::env::current_dir().unwrap_or_default()
        }
    }

    pub(super) fn pick(&mut self, purpose: PathPurpose) {
        if self.busy.is_some() {
            return;
        }
        if !self.native_dialogs {
            self.open_prompt(purpose, None);
            return;
        }
        let folder = self.dialog_folder();
        let suggested = self.suggested_path(&purpose);
        let name = suggested.file_name().map_or_else(
            || "Untitled.ron".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let busy = match purpose {
            PathPurpose::Open => "Choosing a file to open…",
            PathPurpose::Import | PathPurpose::ImportFolder => "Choosing what to import…",
            PathPurpose::SaveAs(_)
            | PathPurpose::SavePng(_)
            | PathPurpose::ExportCsv
            | PathPurpose::ExportPotential
            | PathPurpose::ExportParquet(_) => "Choosing where to save…",
        };
        self.spawn(busy.to_owned(), move || {
            let started = Instant::now();
            let path = native_dialog(&purpose, &folder, &name);
            JobResult::Picked {
                purpose,
                path,
                elapsed: started.elapsed(),
            }
        });
    }

    fn open_prompt(&mut self, purpose: PathPurpose, note: Option<String>) {
        let text = match purpose {
            PathPurpose::SaveAs(_)
            | PathPurpose::SavePng(_)
            | PathPurpose::ExportCsv
            | PathPurpose::ExportPotential
            | PathPurpose::ExportParquet(_) => self.suggested_path(&purpose).display().to_string(),
            PathPurpose::Open | PathPurpose::Import | PathPurpose::ImportFolder => {
                let mut folder = self.dialog_folder().display().to_string();
                folder.push(std::path::MAIN_SEPARATOR);
                folder
            }
        };
        let exists = Path::new(&text).is_file();
        self.ui_state.prompt = Some(PathPrompt {
            purpose,
            text,
            note,
            exists,
            select_all: true,
            folder: self.dialog_folder(),
        });
    }

    /// Where a save proposes to write: for a document the current file, else a name in
    /// the dialog folder that no file has yet, so that accepting the default never replaces
    /// another file; for a chart image likewise a free name.
    fn suggested_path(&self, purpose: &PathPurpose) -> PathBuf {
        match (purpose, &self.origin) {
            (PathPurpose::SavePng(key), _) => {
                unused_path(&self.dialog_folder().join(format!("{key}.png")))
            }
            (PathPurpose::ExportCsv, _) => {
                let name = self.nav.table_kind.label().to_lowercase().replace(' ', "-");
                unused_path(&self.dialog_folder().join(format!("{name}.csv")))
            }
            (PathPurpose::ExportPotential, _) => {
                unused_path(&self.dialog_folder().join("potential.csv"))
            }
            (PathPurpose::ExportParquet(what), _) => {
                let name = match what {
                    ParquetExport::Rows => "trade-rows.parquet",
                    ParquetExport::PairTotals => "pair-totals.parquet",
                };
                unused_path(&self.dialog_folder().join(name))
            }
            (_, Origin::File(path)) => path.clone(),
            _ => unused_path(&self.dialog_folder().join(self.document_name())),
        }
    }

    pub(super) fn submit_prompt(&mut self) {
        let Some(prompt) = self.ui_state.prompt.take() else {
            return;
        };
        if prompt.text.trim().is_empty() {
            self.ui_state.prompt = Some(prompt);
            return;
        }
        let path = prompt.path();
        self.use_picked_path(prompt.purpose, path);
    }

    fn use_picked_path(&mut self, purpose: PathPurpose, path: PathBuf) {
        match purpose {
            // The unsaved-changes question was asked before the path was chosen.
            PathPurpose::Open => self.start_load(path),
            PathPurpose::SaveAs(then) => {
                self.save_to(with_default_extension(path, "ron"), then, None)
            }
            PathPurpose::SavePng(key) => {
                self.save_chart_png(key, with_default_extension(path, "png"))
            }
            PathPurpose::Import | PathPurpose::ImportFolder => self.begin_import(path),
            PathPurpose::ExportCsv => self.export_table(with_default_extension(path, "csv")),
            PathPurpose::ExportPotential => {
                self.export_potential(with_default_extension(path, "csv"))
            }
            PathPurpose::ExportParquet(what) => {
                self.export_parquet(what, with_default_extension(path, "parquet"))
            }
        }
    }

    /// Writes the current table view (its filters and order) as CSV, off the UI thread.
    pub(super) fn export_table(&mut self, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let kind = self.nav.table_kind;
        // The rows table of a dataset exports its rows as filtered there.
        if kind == RecordKind::Dataset
            && let Some(open) = &self.ui_state.dataset_rows
            && let Some(table) = self.datasets.table(open.dataset).cloned()
        {
            let Some(list) = self.filtered_rows() else {
                return;
            };
            let busy = format!("Exporting {}…", path.display());
            self.spawn(busy, move || {
                let rows = list.rows.as_deref().map(Vec::as_slice);
                let result = io::write_rows_csv(&path, &table, rows);
                JobResult::Exported {
                    path,
                    rows: list.len(table.len()),
                    result,
                }
            });
            return;
        }
        let query = self.ui_state.table(kind).query.clone();
        self.table_cache
            .update(&self.doc, self.revision, kind, query);
        let rows = self.table_cache.rows.clone();
        let doc = self.doc.clone();
        let busy = format!("Exporting {}…", path.display());
        self.spawn(busy, move || {
            let result = io::write_table_csv(&path, &doc, kind, &rows);
            JobResult::Exported {
                path,
                rows: rows.len(),
                result,
            }
        });
    }

    fn export_potential(&mut self, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let rows = self.analysis.data.potential.len();
        let csv = match self.analysis.data.potential_csv() {
            Ok(csv) => csv,
            Err(err) => {
                self.show_message("Could not export the table", err);
                return;
            }
        };
        let busy = format!("Exporting {}…", path.display());
        self.spawn(busy, move || {
            let result = io::write_file_atomic(&path, csv.as_bytes(), false);
            JobResult::Exported { path, rows, result }
        });
    }

    /// The rows the open dataset rows table lists, or `None` (said in a message) while
    /// they are still being filtered.
    fn filtered_rows(&mut self) -> Option<crate::state::RowList> {
        let list = self.datasets.row_list().cloned();
        if list.is_none() {
            self.show_message(
                "Could not export yet",
                "The rows are still being filtered; try again in a moment.".to_owned(),
            );
        }
        list
    }

    /// Writes a linked dataset as Parquet, off the UI thread: the dataset open in the rows
    /// table with its filter, else every row of the first linked dataset.
    fn export_parquet(&mut self, what: ParquetExport, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let open = self.ui_state.dataset_rows.as_ref().map(|o| o.dataset);
        let Some(index) = open.or_else(|| (!self.doc.datasets.is_empty()).then_some(0)) else {
            self.show_message(
                "Nothing to export",
                super::commands::NOTHING_TO_EXPORT.to_owned(),
            );
            return;
        };
        let Some(table) = self.datasets.table(index).cloned() else {
            self.show_message(
                "Could not export yet",
                "The dataset is still being read; try again when it is linked.".to_owned(),
            );
            return;
        };
        let rows = match (open, what) {
            (Some(_), ParquetExport::Rows) => match self.filtered_rows() {
                Some(list) => list.rows,
                None => return,
            },
            _ => None,
        };
        let busy = format!("Exporting {}…", path.display());
        self.spawn(busy, move || {
            let written = match what {
                ParquetExport::Rows => {
                    io::write_rows_parquet(&path, &table, rows.as_deref().map(Vec::as_slice))
                }
                ParquetExport::PairTotals => io::write_pair_totals_parquet(&path, &table),
            };
            JobResult::Exported {
                path,
                rows: written.as_ref().map_or(0, |n| *n),
                result: written.map(|_| ()),
            }
        });
    }

    /// Takes a screenshot of the next frame and saves the part where chart `key` is drawn.
    fn save_chart_png(&mut self, key: String, path: PathBuf) {
        let Some(rect) = self.ui_state.chart_rects.get(&key).copied() else {
            self.show_message(
                "Could not save the chart",
                "The chart is not on screen any more; show it and try again.".to_owned(),
            );
            return;
        };
        let pixels_per_point = self.ctx.pixels_per_point();
        let reply = self.jobs.reply(&self.ctx);
        self.pending_jobs += 1;
        self.ctx.request_screenshot(move |image| {
            // Encoding takes a moment; keep it off the thread that delivers the screenshot.
            let fallback = reply.clone();
            let failed_path = path.clone();
            let spawned = reply.spawn("png", move |reply| {
                let result = match crop_screenshot(&image, rect, pixels_per_point) {
                    Some((width, height, rgba)) => io::save_png(&path, width, height, &rgba),
                    None => Err(SaveError::Encode(
                        "the chart is outside the window".to_owned(),
                    )),
                };
                reply.send(JobResult::PngSaved { path, result });
            });
            if let Err(err) = spawned {
                fallback.send(JobResult::PngSaved {
                    path: failed_path,
                    result: Err(SaveError::Encode(err)),
                });
            }
        });
        self.ctx.request_repaint();
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.settings.recent_files.retain(|p| p != &path);
        self.settings.recent_files.insert(0, path);
        self.settings.recent_files.truncate(RECENT_LIMIT);
    }

    /// Takes in what background jobs reported.
    pub(super) fn poll_jobs(&mut self) {
        let results: Vec<JobResult> = self.jobs.drain().collect();
        for result in results {
            self.pending_jobs = self.pending_jobs.saturating_sub(1);
            if !matches!(
                result,
                JobResult::PngSaved { .. } | JobResult::Checked { .. }
            ) {
                self.busy = None;
            }
            match result {
                JobResult::Picked {
                    purpose,
                    path,
                    elapsed,
                } => self.picked(purpose, path, elapsed),
                JobResult::Loaded { path, result } => self.loaded(path, result),
                JobResult::Saved {
                    path,
                    state,
                    result,
                    then,
                } => self.saved(path, state, result, then),
                JobResult::Peeked {
                    path,
                    result,
                    shortfall,
                } => self.peeked(path, *result, shortfall),
                JobResult::Exported { path, rows, result } => match result {
                    Ok(()) => self.ui_state.toast(format!(
                        "Exported {} to {}",
                        format::count(rows, "row"),
                        path.display()
                    )),
                    Err(err) => self.show_message("Could not export the table", err.to_string()),
                },
                JobResult::PngSaved { path, result } => match result {
                    Ok(()) => self.ui_state.toast(format!("Saved {}", path.display())),
                    Err(err) => self.show_message("Could not save the chart", err.to_string()),
                },
                JobResult::Checked { path, stamp } => self.checked(path, stamp),
            }
        }
    }

    fn picked(&mut self, purpose: PathPurpose, path: Option<PathBuf>, elapsed: Duration) {
        match path {
            Some(path) => self.use_picked_path(purpose, path),
            None if elapsed < NO_DIALOG_THRESHOLD => {
                // The system has no dialog: asked again, rfd may take longer to say so
                // (with gigabytes of rows in memory, starting zenity's process alone took
                // over the threshold), and that would read as Cancel.
                self.native_dialogs = false;
                let note = "No file dialog is available on this system (install \
                            xdg-desktop-portal or zenity for one). Type the path instead."
                    .to_owned();
                self.open_prompt(purpose, Some(note));
            }
            None => {}
        }
    }

    fn loaded(&mut self, path: PathBuf, result: Result<Box<(Document, FileStamp)>, LoadError>) {
        let startup_load = std::mem::take(&mut self.startup_load);
        match result.map(|b| *b) {
            Ok((doc, stamp)) => {
                self.remember_recent(&path);
                self.replace_document(doc, Origin::File(path));
                self.disk = Some(stamp);
                self.ui_state.toast("Opened");
            }
            Err(err) => {
                if matches!(&err, LoadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
                {
                    self.settings.recent_files.retain(|p| p != &path);
                }
                let after = if startup_load {
                    "The bundled dataset is shown instead."
                } else {
                    "The current document is unchanged."
                };
                self.show_message("Could not open the file", format!("{err}\n\n{after}"));
            }
        }
    }

    fn saved(
        &mut self,
        path: PathBuf,
        state: u64,
        result: Result<FileStamp, SaveError>,
        then: Option<Guarded>,
    ) {
        match result {
            Ok(stamp) => {
                self.history.mark_saved(state);
                self.remember_recent(&path);
                let moved = self.origin.path() != Some(path.as_path());
                self.origin = Origin::File(path);
                self.disk = Some(stamp);
                self.ui_state.file_changed = None;
                if moved {
                    self.watch_document();
                }
                self.ui_state.toast("Saved");
                if let Some(action) = then {
                    self.perform(action);
                }
            }
            Err(SaveError::ChangedOnDisk { path }) => {
                self.ui_state.changed_on_disk = Some(ChangedOnDisk { path, then });
            }
            Err(err) => {
                // Save As is suggested once: not right after the user chose this path in it.
                let saving_as = self.origin.path() != Some(path.as_path());
                let elsewhere = matches!(
                    err,
                    SaveError::FolderMissing { .. }
                        | SaveError::ReadOnly { .. }
                        | SaveError::SystemFolder { .. }
                );
                let hint = match (elsewhere, saving_as) {
                    (true, false) => " Choose File > Save As… (Ctrl+Shift+S) to save elsewhere.",
                    (true, true) => " Choose another folder.",
                    _ => "",
                };
                self.show_message(
                    "Could not save",
                    format!(
                        "{err}.{hint}\n\nThe file on disk is unchanged and your changes are still here, unsaved."
                    ),
                );
            }
        }
    }
}

fn native_dialog(purpose: &PathPurpose, folder: &Path, name: &str) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().set_directory(folder);
    match purpose {
        PathPurpose::Open => dialog
            .add_filter("Trade Explorer document", &["ron"])
            .add_filter("All files", &["*"])
            .set_title("Open document")
            .pick_file(),
        PathPurpose::SaveAs(_) => dialog
            .add_filter("Trade Explorer document", &["ron"])
            .set_title("Save document as")
            .set_file_name(name)
            .save_file(),
        PathPurpose::SavePng(_) => dialog
            .add_filter("PNG image", &["png"])
            .set_title("Save chart as PNG")
            .set_file_name(name)
            .save_file(),
        PathPurpose::ImportFolder => dialog
            .set_title("Import a folder of trade data files as one dataset")
            .pick_folder(),
        PathPurpose::Import => dialog
            .add_filter(
                "Trade data (CSV, tab-separated, gzip, zip, Parquet)",
                &["csv", "txt", "tsv", "gz", "zip", "parquet"],
            )
            .add_filter("All files", &["*"])
            .set_title("Import trade data")
            .pick_file(),
        PathPurpose::ExportCsv => dialog
            .add_filter("CSV file", &["csv"])
            .set_title("Export table as CSV")
            .set_file_name(name)
            .save_file(),
        PathPurpose::ExportParquet(_) => dialog
            .add_filter("Parquet file", &["parquet"])
            .set_title("Export the dataset as Parquet")
            .set_file_name(name)
            .save_file(),
        PathPurpose::ExportPotential => dialog
            .add_filter("CSV file", &["csv"])
            .set_title("Export the potential table as CSV")
            .set_file_name(name)
            .save_file(),
    }
}

/// `path` if nothing is there, else `NAME-2.ron`, `NAME-3.ron`, … whichever is free first.
fn unused_path(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map_or_else(
        || "document".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let extension = path
        .extension()
        .map_or_else(|| "ron".to_owned(), |e| e.to_string_lossy().into_owned());
    (2..1000)
        .map(|n| path.with_file_name(format!("{stem}-{n}.{extension}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// The pixels of `rect` (in points) of a screenshot, as RGBA bytes with their size.
fn crop_screenshot(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> Option<(u32, u32, Vec<u8>)> {
    let [width, height] = image.size;
    let x0 = ((rect.min.x * pixels_per_point).round().max(0.0) as usize).min(width);
    let y0 = ((rect.min.y * pixels_per_point).round().max(0.0) as usize).min(height);
    let x1 = ((rect.max.x * pixels_per_point).round().max(0.0) as usize).min(width);
    let y1 = ((rect.max.y * pixels_per_point).round().max(0.0) as usize).min(height);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for pixel in &image.pixels[y * width + x0..y * width + x1] {
            rgba.extend_from_slice(&pixel.to_array());
        }
    }
    Some(((x1 - x0) as u32, (y1 - y0) as u32, rgba))
}
