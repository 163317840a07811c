//! App state and the one command path through which every change to the document passes.
//!
//! UI code never mutates the document: it pushes [`Command`]s, which [`TradeApp`] applies
//! once per frame after drawing (`commands.rs`). Edits go through [`History`] (undo/redo,
//! unsaved marker); file dialogs, loading and saving run off the UI thread (`files.rs`,
//! through `jobs.rs`), and everything that is not drawing (taking in job results, dataset
//! loading, autosave timing, the file watcher, toasts) runs in `App::logic`, which eframe
//! calls even while the window is hidden (`frame.rs`).
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`TradeApp`], its constructors, accessors and the eframe impl |
//! | `commands.rs` | applying commands: one match, each arm a call |
//! | `files.rs` | open, save, file dialogs, typed paths, export, chart images |
//! | `table_edit.rs` | editing cells and rows of the Tables view |
//! | `frame.rs` | per-frame work: logic pass, shortcuts, dropped files, title, close |
//! | `jobs.rs` | the one way to run work off the UI thread and hear back |
//! | `watcher.rs` | noticing when another program changes the open document |
//! | `prepare.rs` | keeping what the views show current (off the UI thread when large) |
//! | `analysis.rs` | the Analysis view's figures, computed off the UI thread |
//! | `datasets.rs`, `import_flow.rs`, `autosave.rs`, `history.rs` | as named |

mod analysis;
mod autosave;
mod commands;
mod datasets;
mod files;
mod frame;
mod history;
mod import_flow;
mod jobs;
mod prepare;
mod table_edit;
mod watcher;

use std::path::PathBuf;

use eframe::egui;

pub use analysis::BatchGate;
pub use autosave::{Autosave, AutosavePolicy, RecoveryOffer};
pub use datasets::Datasets;
pub use history::{History, UNDO_LIMIT};
pub use import_flow::COPY_LIMIT;
pub use prepare::INLINE_RECORDS;
// The types the app shares with the UI live in `state`; these names keep working for
// tests and embedders that reach them through `app`.
pub use crate::state::{
    Action, AggregateKey, Aggregates, CoalesceKey, Command, DatasetStatus, ExploreData, ExploreKey,
    ImportDialog, ImportReview, ImportRunning, LoadedDataset, MappingDialog, Navigation, Origin,
    Page, RecoveryDescription, RowList, Settings, UiState, View,
};

use crate::io::{self, FileStamp, is_document_path};
use crate::model::Document;
use crate::model::explore;

use files::JobResult;
use jobs::Jobs;
use table_edit::TableCache;

/// The app id: window class, and the name of the settings and data folders.
pub const APP_ID: &str = "trade-explorer";

/// The window's size (points) until the screen's is known; on a first start the window is
/// then sized to most of the screen (`frame.rs`), later starts restore the size left.
pub const DEFAULT_WINDOW: [f32; 2] = [1200.0, 780.0];

/// The smallest window the views are laid out for.
pub const MIN_WINDOW: [f32; 2] = [640.0, 420.0];

/// The Trade Explorer app.
pub struct TradeApp {
    ctx: egui::Context,
    settings: Settings,
    /// Whether settings are read from and written to eframe's storage.
    persist: bool,
    /// Whether Open and Save As use native dialogs (false: always the typed-path dialog).
    native_dialogs: bool,
    doc: Document,
    origin: Origin,
    history: History,
    revision: u64,
    nav: Navigation,
    explore: ExploreData,
    table_cache: TableCache,
    ui_state: UiState,
    jobs: Jobs<JobResult>,
    /// What is running in the background, for the busy indicator.
    busy: Option<String>,
    pending_jobs: usize,
    /// True until the file named at start-up has loaded or failed.
    startup_load: bool,
    allow_close: bool,
    sent_title: String,
    /// Rows of the linked datasets and their sums.
    datasets: Datasets,
    /// Document revision the datasets were last matched with.
    datasets_synced: Option<u64>,
    /// The import running, if any.
    import: Option<import_flow::RunningImport>,
    /// An import read, waiting for the review dialog's answer.
    pending_import: Option<import_flow::PendingImport>,
    /// A file looked at whose rows may not fit in memory, waiting for "Import anyway".
    unconfirmed: Option<(PathBuf, crate::io::import::Peek)>,
    /// Bytes of memory free, as tests tell it (else asked of the system at each import).
    memory_available: Option<u64>,
    /// Recovery copies of unsaved work.
    autosave: Autosave,
    /// The document's file as it was when opened or last saved.
    disk: Option<FileStamp>,
    /// Watches the document's file for changes by other programs.
    watcher: watcher::FileWatcher,
    /// Where imported datasets are cached (the user's cache folder; none in tests unless
    /// they give one).
    cache_folder: Option<PathBuf>,
    /// What the views need, being prepared off the UI thread (large documents).
    preparing: prepare::Preparing,
    /// The Analysis view's figures and the work that keeps them current.
    analysis: analysis::Analysis,
    /// A first start (no saved settings, so no saved window either): the window is sized
    /// to the screen once the screen's size is known.
    fit_window: bool,
}

impl TradeApp {
    fn build(cc: &eframe::CreationContext<'_>, doc: Document, origin: Origin) -> Self {
        let nav = start_navigation(&doc);
        let mut app = Self {
            ctx: cc.egui_ctx.clone(),
            settings: Settings::default(),
            persist: false,
            native_dialogs: false,
            doc,
            origin,
            history: History::new_saved(),
            revision: 0,
            nav,
            explore: ExploreData::default(),
            table_cache: TableCache::default(),
            ui_state: UiState::default(),
            analysis: analysis::Analysis::default(),
            fit_window: false,
            jobs: Jobs::default(),
            busy: None,
            pending_jobs: 0,
            startup_load: false,
            allow_close: false,
            sent_title: String::new(),
            datasets: Datasets::default(),
            datasets_synced: None,
            import: None,
            pending_import: None,
            unconfirmed: None,
            memory_available: None,
            autosave: Autosave::default(),
            disk: None,
            watcher: watcher::FileWatcher::new(&cc.egui_ctx),
            cache_folder: None,
            preparing: prepare::Preparing::default(),
        };
        app.refresh_explore();
        app
    }

    /// The app as started from the command line: settings from eframe's storage, then
    /// `file` if given, else the last file if it still exists, else the bundled dataset.
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> Self {
        let mut app = Self::build(cc, io::bundled_document(), Origin::Bundled);
        app.persist = true;
        app.native_dialogs = true;
        app.set_cache_folder(io::import::cache::cache_folder());
        if let Some(storage) = cc.storage {
            match eframe::get_value::<Settings>(storage, eframe::APP_KEY) {
                Some(settings) => app.settings = settings,
                None => app.fit_window = true,
            }
        }
        cc.egui_ctx.set_theme(app.settings.theme.preference());
        if let Some(folder) = eframe::storage_dir(APP_ID) {
            app.autosave = Autosave::open(folder.join("recovery"), AutosavePolicy::default());
            app.autosave.scan(&app.ctx);
        }
        let start = file.or_else(|| {
            app.settings
                .recent_files
                .first()
                .filter(|p| p.is_file())
                .cloned()
        });
        match start {
            // A data file named on the command line is imported into the bundled document.
            Some(path) if !is_document_path(&path) => app.begin_import(path),
            Some(path) => {
                app.start_load(path);
                app.startup_load = true;
            }
            None => {}
        }
        app
    }

    /// The app showing `doc`, without file dialogs and without reading or writing persisted
    /// state, for tests.
    pub fn with_document(cc: &eframe::CreationContext<'_>, doc: Document) -> Self {
        Self::build(cc, doc, Origin::Untitled)
    }

    /// Keeps recovery copies of unsaved work in `folder` and offers the copies that gone
    /// windows left there (the app does this in its data folder; tests use their own).
    pub fn with_recovery(mut self, folder: PathBuf, policy: AutosavePolicy) -> Self {
        self.autosave = Autosave::open(folder, policy);
        self.autosave.scan(&self.ctx);
        self
    }

    /// Caches imported datasets in `folder` (the app uses the user's cache folder; an app
    /// from [`TradeApp::with_document`] caches nothing until given one).
    pub fn with_cache_folder(mut self, folder: PathBuf) -> Self {
        self.set_cache_folder(Some(folder));
        self
    }

    fn set_cache_folder(&mut self, folder: Option<PathBuf>) {
        self.datasets.set_cache_folder(folder.clone());
        self.cache_folder = folder;
    }

    /// The autosave state.
    pub fn autosave(&self) -> &Autosave {
        &self.autosave
    }

    /// The current history state number (changes with every edit, undo and redo).
    pub fn history_state(&self) -> u64 {
        self.history.state()
    }

    /// The current document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Where the document came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// True when there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// Data prepared for the views.
    pub fn explore(&self) -> &ExploreData {
        &self.explore
    }

    /// The Analysis view's figures (computed while that view is shown).
    pub fn analysis(&self) -> &crate::state::AnalysisData {
        &self.analysis.data
    }

    /// True while the Analysis view's figures are being computed, or the matrices of
    /// its other levels built.
    pub fn analysing(&self) -> bool {
        self.analysis.busy()
    }

    /// The Analysis view's choices (year, level, product).
    pub fn analysis_choices(&self) -> &crate::state::AnalysisUi {
        &self.ui_state.analysis
    }

    /// Where the user is.
    pub fn navigation(&self) -> &Navigation {
        &self.nav
    }

    /// Rows of the current table, in view order.
    pub fn table_rows(&self) -> &[usize] {
        &self.table_cache.rows
    }

    /// Dialog state, for tests.
    pub fn ui_state(&self) -> &UiState {
        &self.ui_state
    }

    /// The UI state, to change as the UI would (benchmarks, embedders).
    pub fn ui_state_mut(&mut self) -> &mut UiState {
        &mut self.ui_state
    }

    /// Number of background jobs not yet reported back (file dialogs, loads and saves,
    /// an import, datasets being read or summed).
    pub fn pending_jobs(&self) -> usize {
        self.pending_jobs
            + usize::from(self.import.is_some())
            + usize::from(self.datasets.working())
            + usize::from(self.preparing.running())
    }

    /// The linked datasets' rows and sums.
    pub fn datasets(&self) -> &Datasets {
        &self.datasets
    }

    /// The persisted settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the open document's file is being watched for changes by other programs.
    pub fn watching(&self) -> Option<&std::path::Path> {
        self.watcher.watched()
    }

    /// File name shown in the title bar.
    pub fn document_name(&self) -> String {
        self.origin.document_name()
    }

    /// The window title, with `*` before the name while there are unsaved changes.
    pub fn window_title(&self) -> String {
        let marker = if self.is_dirty() { "*" } else { "" };
        format!("Trade Explorer — {marker}{}", self.document_name())
    }

    /// Shows a message in a modal until dismissed.
    fn show_message(&mut self, title: &str, text: String) {
        self.ui_state.show_message(title, text);
    }

    /// Runs one logic pass without drawing, as eframe does while the window is hidden:
    /// takes in background results, times autosave, and applies what they asked for.
    #[doc(hidden)]
    pub fn logic_pass(&mut self) {
        self.logic_step();
    }
}

/// Where the app starts for a document: the overview of the country in most records,
/// with its first partner chosen so that the relationship views have a pair at once.
fn start_navigation(doc: &Document) -> Navigation {
    let focus = explore::default_focus(doc);
    let partner = focus
        .as_deref()
        .and_then(|f| explore::partners(doc, f).into_iter().next())
        .map(|p| p.code);
    Navigation::new(View::Overview, focus, partner)
}

impl eframe::App for TradeApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_step();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.persist {
            eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        }
    }

    fn on_exit(&mut self) {
        // Leaving with unsaved work is only possible when the user chose not to save it
        // (or the system ended the app, in which case on_exit does not run).
        let discard = !self.history.is_dirty() || self.allow_close;
        self.autosave.close(discard);
    }
}
