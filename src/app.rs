//! App state and the one command path through which every change to the document passes.
//!
//! UI code never mutates the document: it pushes [`Command`]s, which [`TradeApp`] applies
//! once per frame after drawing. Edits go through [`History`] (undo/redo, unsaved marker);
//! file dialogs, loading and saving run on background threads and report back over a
//! channel with a repaint request.

mod autosave;
mod datasets;
mod explore_cache;
mod history;
mod import_flow;
mod navigation;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use eframe::egui;
use egui::{Key, KeyboardShortcut, Modifiers};
use serde::{Deserialize, Serialize};

pub use autosave::{Autosave, AutosavePolicy, RecoveryDescription, RecoveryOffer};
pub use datasets::{AggregateKey, Aggregates, DatasetStatus, Datasets, LoadedDataset, RowList};
pub use explore_cache::{ExploreData, ExploreKey};
pub use history::{CoalesceKey, History, UNDO_LIMIT};
pub use import_flow::{COPY_LIMIT, ImportDialog, ImportReview, ImportRunning, MappingDialog};
pub use navigation::{BACK_SHORTCUT, FORWARD_SHORTCUT, Navigation, Page, View};

use crate::io::recovery::RecoveryMeta;
use crate::io::{
    self, BUNDLED_NAME, FileStamp, LoadError, SaveError, is_document_path, with_default_extension,
};
use crate::model::chart::MoneyUnit;
use crate::model::dataset::RowFilter;
use crate::model::explore;
use crate::model::fields;
use crate::model::table::{self, TableQuery};
use crate::model::{Document, Edit, Record, RecordKind, RecordRef};
use crate::ui;

/// The app id: window class, and the name of the settings and data folders.
pub const APP_ID: &str = "trade-explorer";

/// Most recent files remembered.
const RECENT_LIMIT: usize = 10;

/// A file dialog that answers faster than this cannot have been seen by a person: rfd
/// returns at once when no dialog backend (portal or zenity) is installed.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

/// Where the current document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// The dataset embedded in the binary.
    Bundled,
    /// A new document, never saved.
    Untitled,
}

/// The colour theme the user chose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Light background.
    Light,
    /// Dark background.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in menu order.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What persists between runs through eframe's storage. The document never goes here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, most recent first.
    pub recent_files: Vec<PathBuf>,
    /// Colour theme.
    pub theme: ThemeChoice,
    /// Whether the problems panel is shown.
    pub show_problems: bool,
    /// Unit of money on chart axes.
    pub money_unit: MoneyUnit,
    /// Column mappings chosen for CSV files, by header (see [`io::import::header_key`]).
    pub mappings: HashMap<String, crate::model::dataset::ColumnMap>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent_files: Vec::new(),
            theme: ThemeChoice::System,
            show_problems: true,
            money_unit: MoneyUnit::Usd,
            mappings: HashMap::new(),
        }
    }
}

/// Named actions of the menus, each with its keyboard shortcuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// New empty document.
    New,
    /// Open a document with a file dialog.
    Open,
    /// Save to the current file (or Save As when there is none).
    Save,
    /// Save to a new file.
    SaveAs,
    /// Reload the current file, dropping unsaved changes.
    Revert,
    /// Quit the app.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Import a trade data file (Comtrade, BACI, any CSV) as a linked dataset.
    Import,
    /// Write the current table view, as filtered and sorted, to a CSV file.
    ExportCsv,
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

impl Action {
    /// Order in which shortcuts are checked: those with Shift first, because egui matches
    /// Ctrl+S also when Shift is held.
    pub const SHORTCUT_ORDER: [Action; 10] = [
        Action::SaveAs,
        Action::Redo,
        Action::New,
        Action::Open,
        Action::Save,
        Action::Revert,
        Action::Quit,
        Action::Undo,
        Action::Import,
        Action::ExportCsv,
    ];

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Action::New => "New",
            Action::Open => "Open…",
            Action::Save => "Save",
            Action::SaveAs => "Save As…",
            Action::Revert => "Revert",
            Action::Quit => "Quit",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::Import => "Import data…",
            Action::ExportCsv => "Export table as CSV…",
        }
    }

    /// Keyboard shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NEW: [KeyboardShortcut; 1] = [cmd(Key::N)];
        const OPEN: [KeyboardShortcut; 1] = [cmd(Key::O)];
        const SAVE: [KeyboardShortcut; 1] = [cmd(Key::S)];
        const SAVE_AS: [KeyboardShortcut; 1] = [cmd_shift(Key::S)];
        const QUIT: [KeyboardShortcut; 1] = [cmd(Key::Q)];
        const UNDO: [KeyboardShortcut; 1] = [cmd(Key::Z)];
        const REDO: [KeyboardShortcut; 2] = [cmd_shift(Key::Z), cmd(Key::Y)];
        const IMPORT: [KeyboardShortcut; 1] = [cmd(Key::I)];
        const EXPORT: [KeyboardShortcut; 1] = [cmd(Key::E)];
        match self {
            Action::New => &NEW,
            Action::Open => &OPEN,
            Action::Save => &SAVE,
            Action::SaveAs => &SAVE_AS,
            Action::Revert => &[],
            Action::Quit => &QUIT,
            Action::Undo => &UNDO,
            Action::Redo => &REDO,
            Action::Import => &IMPORT,
            Action::ExportCsv => &EXPORT,
        }
    }
}

/// An action that would drop unsaved changes, so it asks first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded {
    /// New document.
    New,
    /// Open with a file dialog.
    Open,
    /// Open a given file.
    OpenPath(PathBuf),
    /// Reload the current file.
    Revert,
    /// Restore the recovery copy offered at start-up.
    Restore,
    /// Quit.
    Quit,
}

impl Guarded {
    /// What the action does, for the unsaved-changes question ("Save them before …?").
    pub fn verb(&self) -> &'static str {
        match self {
            Guarded::New => "starting a new document",
            Guarded::Open | Guarded::OpenPath(_) => "opening another file",
            Guarded::Revert => "reverting to the saved file",
            Guarded::Restore => "restoring the recovered work",
            Guarded::Quit => "quitting",
        }
    }
}

/// Answer to the unsaved-changes dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmChoice {
    /// Save, then go on.
    Save,
    /// Drop the changes and go on.
    DontSave,
    /// Stay.
    Cancel,
}

/// Answer to the offer of a recovery copy found at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryChoice {
    /// Open the recovered work (unsaved) in this window.
    Restore,
    /// Delete the copy.
    Discard,
    /// Leave the copy for the next start.
    Later,
}

/// Answer to "the file changed on disk" when saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedChoice {
    /// Save anyway, replacing the other program's version (kept as the `.bak`).
    Overwrite,
    /// Save to another file.
    SaveAs,
    /// Drop the unsaved changes and open the version on disk.
    Reload,
    /// Do nothing.
    Cancel,
}

/// A save that found the file changed on disk, waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedOnDisk {
    /// The file.
    pub path: PathBuf,
    /// What was to happen after the save.
    pub then: Option<Guarded>,
}

/// What a typed path is for, when no file dialog is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPurpose {
    /// Open the file.
    Open,
    /// Save to the file, then do the guarded action if any.
    SaveAs(Option<Guarded>),
    /// Save the chart with this key as a PNG image.
    SavePng(String),
    /// A trade data file to import.
    Import,
    /// Where to write the current table view as CSV.
    ExportCsv,
}

/// The dialog asking for a path by text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    /// What the path is for.
    pub purpose: PathPurpose,
    /// The text typed so far.
    pub text: String,
    /// Why the prompt is shown, when it replaces a file dialog.
    pub note: Option<String>,
    /// Whether a file exists at the typed path (checked when the text changes).
    pub exists: bool,
}

/// A message for the user, shown in a modal until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Heading.
    pub title: String,
    /// The message.
    pub text: String,
}

/// Where the cursor goes after a cell edit is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellMove {
    /// Stay on the cell.
    Stay,
    /// Edit the next cell (Tab).
    Next,
    /// Edit the previous cell (Shift+Tab).
    Previous,
    /// Go to the cell below (Enter).
    Down,
}

/// A cell being edited: the text typed so far and, after a refused commit, why.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEdit {
    /// Row in the document's list.
    pub index: usize,
    /// Field.
    pub field: usize,
    /// The text typed.
    pub text: String,
    /// Why the last commit was refused.
    pub error: Option<String>,
    /// True until the editor has taken the keyboard focus.
    pub fresh: bool,
}

/// The state of one table in the Tables view (not part of the document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableUi {
    /// Filters and sort.
    pub query: TableQuery,
    /// Selected rows (document indices).
    pub selected: BTreeSet<usize>,
    /// The row a Shift-click extends the selection from.
    pub anchor: Option<usize>,
    /// The current cell: (document index, field).
    pub cursor: Option<(usize, usize)>,
    /// The cell being edited.
    pub editing: Option<CellEdit>,
    /// A row to scroll to once.
    pub scroll_to: Option<usize>,
}

/// The current table's rows in view order and its quick-filter choices, recomputed only
/// when the document, the table or its query changes.
#[derive(Debug, Default)]
struct TableCache {
    rows_key: Option<(u64, RecordKind, TableQuery)>,
    rows: Vec<usize>,
    choices_key: Option<(u64, RecordKind)>,
    choices: (Vec<i32>, Vec<String>),
}

impl TableCache {
    fn update(&mut self, doc: &Document, revision: u64, kind: RecordKind, query: TableQuery) {
        if self.choices_key != Some((revision, kind)) {
            self.choices = table::filter_choices(doc, kind);
            self.choices_key = Some((revision, kind));
        }
        let key = Some((revision, kind, query));
        if self.rows_key != key {
            if let Some((_, kind, query)) = &key {
                self.rows = table::view_rows(doc, *kind, query);
            }
            self.rows_key = key;
        }
    }
}

/// Deleting sources that records still cite waits for an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingDelete {
    /// The list.
    pub kind: RecordKind,
    /// The rows.
    pub rows: BTreeSet<usize>,
    /// The question, naming the citing records.
    pub question: String,
}

/// Everything the UI can ask the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A menu action or shortcut.
    Action(Action),
    /// Open this file (recent files, drag and drop, typed path).
    OpenPath(PathBuf),
    /// Save to this file (typed path).
    SaveToPath(PathBuf, Option<Guarded>),
    /// Change the document.
    Edit {
        /// The change.
        edit: Edit,
        /// Merge with the previous edit of the same key into one undo step.
        coalesce: Option<CoalesceKey>,
    },
    /// A text field lost focus: the next edit starts a new undo step.
    EndGesture,
    /// Answer to the unsaved-changes dialog.
    Confirm(ConfirmChoice),
    /// Answer to the offer of a recovery copy.
    Recovery(RecoveryChoice),
    /// Answer to "the file changed on disk".
    ResolveChanged(ChangedChoice),
    /// Submit the path prompt.
    SubmitPathPrompt,
    /// Close the path prompt.
    CancelPathPrompt,
    /// Close the message.
    DismissMessage,
    /// Show or hide the About dialog.
    ShowAbout(bool),
    /// Change the colour theme.
    SetTheme(ThemeChoice),
    /// Show or hide the problems panel.
    ShowProblems(bool),
    /// Forget the recent files.
    ClearRecent,
    /// Go to a page (remembered for Back).
    Navigate(Page),
    /// Show a view for the current focus and partner.
    ShowView(View),
    /// Make a country the focus (its overview is shown).
    SetFocus(String),
    /// Open the relationship page of the focus country with this partner.
    OpenPartner(String),
    /// Go back one page.
    Back,
    /// Go forward one page.
    Forward,
    /// Show a record's details (or none).
    Select(Option<RecordRef>),
    /// Show a record's row (and field, if named) in the Tables view.
    RevealInTable(RecordRef, Option<&'static str>),
    /// Show this table in the Tables view.
    SetTableKind(RecordKind),
    /// Year of the partners chart.
    SetPartnerYear(i32),
    /// Unit of money on chart axes.
    SetMoneyUnit(MoneyUnit),
    /// Save the chart with this key as a PNG (asks where).
    SaveChartPng(String),
    /// Commit the text of a cell edit.
    EditCell {
        /// The table.
        kind: RecordKind,
        /// Row in the document's list.
        index: usize,
        /// Field.
        field: usize,
        /// Text typed (or chosen).
        text: String,
        /// Where to go after committing.
        then: CellMove,
    },
    /// Add a prefilled row to a table.
    AddRow(RecordKind),
    /// Duplicate the selected rows.
    DuplicateRows(RecordKind),
    /// Delete the selected rows (asks first when they are cited sources).
    DeleteRows(RecordKind),
    /// Answer to the question about deleting cited sources.
    ConfirmDelete(bool),
    /// Copy the selected rows as tab-separated values.
    CopyRows(RecordKind),
    /// Paste tab-separated rows into a table.
    Paste(RecordKind, String),
    /// Create a source and cite it from this cell.
    NewSourceFor {
        /// The table.
        kind: RecordKind,
        /// Row in the document's list.
        index: usize,
        /// The source field.
        field: usize,
    },
    /// Open the Tables view on a table with these filters.
    ShowTable(RecordKind, TableQuery),
    /// Import this data file (as File > Import data… does after the file is chosen).
    ImportPath(PathBuf),
    /// Import with the columns chosen in the mapping dialog.
    StartMappedImport,
    /// Cancel the import dialog shown (stops a running import).
    CancelImport,
    /// Add the import read: copied as editable records, or linked as a dataset.
    FinishImport {
        /// Copy the rows into the document instead of linking the file.
        copy_rows: bool,
    },
    /// Show the products chart at this code's level below (None: the HS chapters).
    DrillProduct(Option<String>),
    /// Write the current table view as CSV to this file.
    ExportTableTo(PathBuf),
    /// Open the rows table of dataset `index` with this filter.
    ShowDatasetRows(usize, RowFilter),
    /// Close the rows table and show the list of linked datasets.
    CloseDatasetRows,
    /// The rows table's filter as now typed.
    FilterDatasetRows(DatasetRowsUi),
}

/// What a background job reports.
enum JobResult {
    Picked {
        purpose: PathPurpose,
        path: Option<PathBuf>,
        elapsed: Duration,
    },
    Loaded {
        path: PathBuf,
        result: Result<(Document, FileStamp), LoadError>,
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
        result: Result<io::import::Peek, io::import::ImportError>,
    },
    Exported {
        path: PathBuf,
        rows: usize,
        result: Result<(), SaveError>,
    },
}

/// Dialog and panel state of the UI (not the document).
#[derive(Debug, Default)]
pub struct UiState {
    /// The unsaved-changes question, when asked.
    pub confirm: Option<Guarded>,
    /// The file changed on disk: the question asked before saving over it.
    pub changed_on_disk: Option<ChangedOnDisk>,
    /// A message to show.
    pub message: Option<Message>,
    /// The typed-path dialog.
    pub prompt: Option<PathPrompt>,
    /// Whether the About dialog is open.
    pub about: bool,
    /// A short note for the status bar, e.g. "Saved".
    pub toast: Option<(String, Instant)>,
    /// Where each chart was drawn last frame (by chart key), for "Save as PNG".
    pub chart_rects: HashMap<String, egui::Rect>,
    /// Text typed into the partner search box.
    pub partner_search: String,
    /// Text typed into the focus country search box.
    pub country_search: String,
    /// State of each table of the Tables view.
    pub tables: HashMap<RecordKind, TableUi>,
    /// Deleting cited sources, waiting for an answer.
    pub pending_delete: Option<PendingDelete>,
    /// The import dialog shown, if any.
    pub import: Option<ImportDialog>,
    /// The rows table of a linked dataset, when open (in the Tables view).
    pub dataset_rows: Option<DatasetRowsUi>,
}

/// The rows table of a linked dataset: which one, and the filter as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetRowsUi {
    /// Index of the dataset in the document's list.
    pub dataset: usize,
    /// Year, as typed.
    pub year: String,
    /// Country code, as typed.
    pub country: String,
    /// Second country code, as typed.
    pub partner: String,
    /// Product code prefix, as typed.
    pub product: String,
}

impl DatasetRowsUi {
    /// The filter the typed text means (unreadable years are ignored, and said so by the UI).
    pub fn filter(&self) -> RowFilter {
        let code = |t: &str| {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_uppercase())
        };
        RowFilter {
            year: self.year.trim().parse().ok(),
            country: code(&self.country),
            partner: code(&self.partner),
            product: self.product.trim().to_owned(),
        }
    }
}

impl UiState {
    /// The state of the table of `kind`.
    pub fn table(&mut self, kind: RecordKind) -> &mut TableUi {
        self.tables.entry(kind).or_default()
    }
}

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
    jobs_tx: Sender<JobResult>,
    jobs_rx: Receiver<JobResult>,
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
    /// Recovery copies of unsaved work.
    autosave: Autosave,
    /// The document's file as it was when opened or last saved.
    disk: Option<FileStamp>,
}

impl TradeApp {
    fn build(cc: &eframe::CreationContext<'_>, doc: Document, origin: Origin) -> Self {
        let (jobs_tx, jobs_rx) = channel();
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
            jobs_tx,
            jobs_rx,
            busy: None,
            pending_jobs: 0,
            startup_load: false,
            allow_close: false,
            sent_title: String::new(),
            datasets: Datasets::default(),
            datasets_synced: None,
            import: None,
            pending_import: None,
            autosave: Autosave::default(),
            disk: None,
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
        if let Some(storage) = cc.storage
            && let Some(settings) = eframe::get_value::<Settings>(storage, eframe::APP_KEY)
        {
            app.settings = settings;
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

    /// Where the user is.
    pub fn navigation(&self) -> &Navigation {
        &self.nav
    }

    /// Recomputes the views' data if the document, the navigation or the datasets' sums
    /// changed; asks for new sums (computed off the UI thread) when they are out of date.
    fn refresh_explore(&mut self) {
        if self.datasets_synced != Some(self.revision) {
            self.datasets.sync(&self.doc.datasets, &self.ctx);
            self.datasets_synced = Some(self.revision);
        }
        let wanted = AggregateKey {
            generation: self.datasets.generation(),
            focus: self.nav.page.focus.clone(),
            partner: self.nav.page.partner.clone(),
            drill: self.nav.drill().map(str::to_owned),
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
        let key = ExploreKey {
            revision: self.revision,
            focus: self.nav.page.focus.clone(),
            partner: self.nav.page.partner.clone(),
            partner_year: self.nav.partner_year,
            datasets: self.datasets.aggregates_revision(),
            dataset_generation: self.datasets.generation(),
        };
        self.explore.update(&self.doc, key, &self.datasets);
        let kind = self.nav.table_kind;
        let query = self.ui_state.table(kind).query.clone();
        self.table_cache
            .update(&self.doc, self.revision, kind, query);
    }

    /// Rows of the current table, in view order.
    pub fn table_rows(&self) -> &[usize] {
        &self.table_cache.rows
    }

    /// Applies an edit through the history; refused edits (stale rows) are reported.
    fn apply_edit(&mut self, edit: Edit) -> bool {
        match self.history.apply(&mut self.doc, edit, None) {
            Ok(()) => {
                self.revision += 1;
                true
            }
            Err(err) => {
                self.show_message("The change could not be made", err.to_string());
                false
            }
        }
    }

    /// Dialog state, for tests.
    pub fn ui_state(&self) -> &UiState {
        &self.ui_state
    }

    /// Number of background jobs not yet reported back (file dialogs, loads and saves,
    /// an import, datasets being read or summed).
    pub fn pending_jobs(&self) -> usize {
        self.pending_jobs
            + usize::from(self.import.is_some())
            + usize::from(self.datasets.working())
    }

    /// The linked datasets' rows and sums.
    pub fn datasets(&self) -> &Datasets {
        &self.datasets
    }

    /// The persisted settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// File name shown in the title bar.
    pub fn document_name(&self) -> String {
        match &self.origin {
            Origin::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Origin::Bundled => BUNDLED_NAME.to_owned(),
            Origin::Untitled => "Untitled.ron".to_owned(),
        }
    }

    /// The window title, with `*` before the name while there are unsaved changes.
    pub fn window_title(&self) -> String {
        let marker = if self.is_dirty() { "*" } else { "" };
        format!("Trade Explorer — {marker}{}", self.document_name())
    }

    /// Applies one command. Every change to the document passes through here.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Action(action) => self.run_action(action),
            Command::OpenPath(path) => self.request(Guarded::OpenPath(path)),
            Command::SaveToPath(path, then) => {
                self.save_to(with_default_extension(path, "ron"), then, None)
            }
            Command::Edit { edit, coalesce } => {
                match self.history.apply(&mut self.doc, edit, coalesce) {
                    Ok(()) => self.revision += 1,
                    Err(err) => self.show_message("The change could not be made", err.to_string()),
                }
            }
            Command::EndGesture => self.history.end_gesture(),
            Command::Confirm(choice) => self.confirm(choice),
            Command::Recovery(choice) => self.answer_recovery(choice),
            Command::ResolveChanged(choice) => self.resolve_changed(choice),
            Command::SubmitPathPrompt => self.submit_prompt(),
            Command::CancelPathPrompt => self.ui_state.prompt = None,
            Command::DismissMessage => self.ui_state.message = None,
            Command::ShowAbout(open) => self.ui_state.about = open,
            Command::SetTheme(theme) => {
                self.settings.theme = theme;
                self.ctx.set_theme(theme.preference());
            }
            Command::ShowProblems(show) => self.settings.show_problems = show,
            Command::ClearRecent => self.settings.recent_files.clear(),
            Command::Navigate(page) => self.nav.go(page),
            Command::ShowView(view) => {
                let page = Page {
                    view,
                    ..self.nav.page.clone()
                };
                self.nav.go(page);
            }
            Command::SetFocus(focus) => {
                let partner = explore::partners(&self.doc, &focus)
                    .first()
                    .map(|p| p.code.clone());
                self.nav.go(Page {
                    view: View::Overview,
                    focus: Some(focus),
                    partner,
                });
            }
            Command::OpenPartner(partner) => {
                let page = Page {
                    view: View::Relationship,
                    focus: self.nav.page.focus.clone(),
                    partner: Some(partner),
                };
                self.nav.go(page);
            }
            Command::Back => {
                self.nav.back();
            }
            Command::Forward => {
                self.nav.forward();
            }
            Command::Select(record) => self.nav.selected = record,
            Command::RevealInTable(record, field) => self.reveal_in_table(record, field),
            Command::EditCell {
                kind,
                index,
                field,
                text,
                then,
            } => self.edit_cell(kind, index, field, text, then),
            Command::AddRow(kind) => self.add_row(kind),
            Command::DuplicateRows(kind) => {
                let rows = self.ui_state.table(kind).selected.clone();
                if let Some(edit) = table::duplicate_rows(&self.doc, kind, &rows)
                    && self.apply_edit(edit)
                {
                    // The copies sit right after their originals.
                    let copies: BTreeSet<usize> =
                        rows.iter().enumerate().map(|(k, i)| i + k + 1).collect();
                    self.ui_state.table(kind).selected = copies;
                }
            }
            Command::DeleteRows(kind) => self.delete_rows(kind),
            Command::ConfirmDelete(yes) => {
                if let Some(pending) = self.ui_state.pending_delete.take()
                    && yes
                {
                    self.remove_rows(pending.kind, pending.rows);
                }
            }
            Command::CopyRows(kind) => {
                let selected = &self.ui_state.table(kind).selected;
                let rows: Vec<usize> = if kind == self.nav.table_kind {
                    self.table_cache
                        .rows
                        .iter()
                        .copied()
                        .filter(|i| selected.contains(i))
                        .collect()
                } else {
                    selected.iter().copied().collect()
                };
                if !rows.is_empty() {
                    self.ctx
                        .copy_text(table::rows_to_tsv(&self.doc, kind, &rows));
                    self.ui_state.toast = Some((
                        format!("Copied {}", crate::model::format::count(rows.len(), "row")),
                        Instant::now(),
                    ));
                }
            }
            Command::Paste(kind, text) => self.paste(kind, &text),
            Command::NewSourceFor { kind, index, field } => self.new_source_for(kind, index, field),
            Command::ShowTable(kind, query) => {
                self.nav.table_kind = kind;
                let table = self.ui_state.table(kind);
                table.query = query;
                table.editing = None;
                let page = Page {
                    view: View::Tables,
                    ..self.nav.page.clone()
                };
                self.nav.go(page);
            }
            Command::SetTableKind(kind) => self.nav.table_kind = kind,
            Command::SetPartnerYear(year) => self.nav.partner_year = Some(year),
            Command::SetMoneyUnit(unit) => self.settings.money_unit = unit,
            Command::SaveChartPng(key) => self.pick(PathPurpose::SavePng(key)),
            Command::ImportPath(path) => self.begin_import(path),
            Command::StartMappedImport => self.start_mapped_import(),
            Command::CancelImport => self.cancel_import(),
            Command::FinishImport { copy_rows } => self.finish_import(copy_rows),
            Command::DrillProduct(code) => {
                self.nav.drill = match (code, &self.nav.page.focus, &self.nav.page.partner) {
                    (Some(code), Some(focus), Some(partner)) => {
                        Some((focus.clone(), partner.clone(), code))
                    }
                    _ => None,
                };
            }
            Command::ExportTableTo(path) => self.export_table(with_default_extension(path, "csv")),
            Command::ShowDatasetRows(index, filter) => {
                let text = |c: Option<String>| c.unwrap_or_default();
                self.ui_state.dataset_rows = Some(DatasetRowsUi {
                    dataset: index,
                    year: filter.year.map(|y| y.to_string()).unwrap_or_default(),
                    country: text(filter.country),
                    partner: text(filter.partner),
                    product: filter.product,
                });
                self.nav.table_kind = RecordKind::Dataset;
                let page = Page {
                    view: View::Tables,
                    ..self.nav.page.clone()
                };
                self.nav.go(page);
            }
            Command::CloseDatasetRows => self.ui_state.dataset_rows = None,
            Command::FilterDatasetRows(rows) => self.ui_state.dataset_rows = Some(rows),
        }
    }

    fn run_action(&mut self, action: Action) {
        match action {
            Action::New => self.request(Guarded::New),
            Action::Open => self.request(Guarded::Open),
            Action::Save => self.save(None),
            Action::SaveAs => self.pick(PathPurpose::SaveAs(None)),
            Action::Revert => self.request(Guarded::Revert),
            Action::Quit => self.request(Guarded::Quit),
            Action::Undo => {
                if self.history.undo(&mut self.doc) {
                    self.revision += 1;
                }
            }
            Action::Redo => {
                if self.history.redo(&mut self.doc) {
                    self.revision += 1;
                }
            }
            Action::Import => self.pick(PathPurpose::Import),
            Action::ExportCsv => self.pick(PathPurpose::ExportCsv),
        }
    }

    /// Asks about unsaved changes first when there are any.
    fn request(&mut self, action: Guarded) {
        if self.busy.is_some() {
            return;
        }
        if self.history.is_dirty() {
            self.ui_state.confirm = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Guarded) {
        match action {
            Guarded::New => self.replace_document(Document::new(), Origin::Untitled),
            Guarded::Open => self.pick(PathPurpose::Open),
            Guarded::OpenPath(path) => self.start_load(path),
            Guarded::Revert => match self.origin.clone() {
                Origin::File(path) => self.start_load(path),
                Origin::Bundled => self.replace_document(io::bundled_document(), Origin::Bundled),
                Origin::Untitled => self.replace_document(Document::new(), Origin::Untitled),
            },
            Guarded::Restore => self.restore_recovery(),
            Guarded::Quit => {
                self.allow_close = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn confirm(&mut self, choice: ConfirmChoice) {
        let Some(action) = self.ui_state.confirm.take() else {
            return;
        };
        match choice {
            ConfirmChoice::Save => self.save(Some(action)),
            ConfirmChoice::DontSave => self.perform(action),
            ConfirmChoice::Cancel => {}
        }
    }

    fn answer_recovery(&mut self, choice: RecoveryChoice) {
        match choice {
            RecoveryChoice::Restore => self.request(Guarded::Restore),
            RecoveryChoice::Discard => {
                if let Err(err) = self.autosave.discard_offer() {
                    self.show_message("Could not delete the recovery copy", err);
                }
            }
            RecoveryChoice::Later => self.autosave.keep_offer(),
        }
    }

    fn restore_recovery(&mut self) {
        match self.autosave.take_restore() {
            Some(Ok((meta, doc))) => {
                let origin = match (meta.document_path, meta.bundled) {
                    (Some(path), _) => Origin::File(path),
                    (None, true) => Origin::Bundled,
                    (None, false) => Origin::Untitled,
                };
                self.replace_document(doc, origin);
                self.disk = meta.disk;
                // The restored work has never been saved where it belongs.
                self.history = History::new_unsaved();
                self.autosave.adopted(self.history.state());
                self.ui_state.toast = Some(("Restored unsaved work".to_owned(), Instant::now()));
            }
            Some(Err(err)) => self.show_message(
                "Could not restore",
                format!(
                    "{err}\n\nThe copy was left in place; Discard deletes it. The current document is unchanged."
                ),
            ),
            None => {}
        }
    }

    fn resolve_changed(&mut self, choice: ChangedChoice) {
        let Some(ChangedOnDisk { path, then }) = self.ui_state.changed_on_disk.take() else {
            return;
        };
        match choice {
            ChangedChoice::Overwrite => self.save_to(path, then, None),
            ChangedChoice::SaveAs => self.pick(PathPurpose::SaveAs(then)),
            ChangedChoice::Reload => self.start_load(path),
            ChangedChoice::Cancel => {}
        }
    }

    fn replace_document(&mut self, doc: Document, origin: Origin) {
        self.disk = None;
        self.nav = start_navigation(&doc);
        self.ui_state.tables.clear();
        self.doc = doc;
        self.origin = origin;
        self.history = History::new_saved();
        self.revision += 1;
    }

    fn save(&mut self, then: Option<Guarded>) {
        match self.origin.clone() {
            Origin::File(path) => {
                let expected = self.disk.clone();
                self.save_to(path, then, expected);
            }
            Origin::Bundled | Origin::Untitled => self.pick(PathPurpose::SaveAs(then)),
        }
    }

    fn spawn(&mut self, busy: String, job: impl FnOnce() -> JobResult + Send + 'static) {
        self.busy = Some(busy);
        self.pending_jobs += 1;
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("trade-explorer-job".into())
            .spawn(move || {
                // The receiver only disappears when the app is gone; nothing to report then.
                let _ = tx.send(job());
                ctx.request_repaint();
            });
        if let Err(err) = spawned {
            self.busy = None;
            self.pending_jobs -= 1;
            self.show_message("Could not start a background task", err.to_string());
        }
    }

    /// Saves to `path`; with `expected`, only if the file is still the version it
    /// describes (else the user is asked).
    fn save_to(&mut self, path: PathBuf, then: Option<Guarded>, expected: Option<FileStamp>) {
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

    fn start_load(&mut self, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let busy = format!("Opening {}…", path.display());
        self.spawn(busy, move || {
            let result = io::load_document_stamped(&path);
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

    fn pick(&mut self, purpose: PathPurpose) {
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
            PathPurpose::Import => "Choosing a file to import…",
            PathPurpose::SaveAs(_) | PathPurpose::SavePng(_) | PathPurpose::ExportCsv => {
                "Choosing where to save…"
            }
        };
        self.spawn(busy.to_owned(), move || {
            let started = Instant::now();
            let dialog = rfd::FileDialog::new().set_directory(&folder);
            let path = match purpose {
                PathPurpose::Open => dialog
                    .add_filter("Trade Explorer document", &["ron"])
                    .add_filter("All files", &["*"])
                    .set_title("Open document")
                    .pick_file(),
                PathPurpose::SaveAs(_) => dialog
                    .add_filter("Trade Explorer document", &["ron"])
                    .set_title("Save document as")
                    .set_file_name(&name)
                    .save_file(),
                PathPurpose::SavePng(_) => dialog
                    .add_filter("PNG image", &["png"])
                    .set_title("Save chart as PNG")
                    .set_file_name(&name)
                    .save_file(),
                PathPurpose::Import => dialog
                    .add_filter(
                        "Trade data (CSV, tab-separated, gzip)",
                        &["csv", "txt", "tsv", "gz"],
                    )
                    .add_filter("All files", &["*"])
                    .set_title("Import trade data")
                    .pick_file(),
                PathPurpose::ExportCsv => dialog
                    .add_filter("CSV file", &["csv"])
                    .set_title("Export table as CSV")
                    .set_file_name(&name)
                    .save_file(),
            };
            JobResult::Picked {
                purpose,
                path,
                elapsed: started.elapsed(),
            }
        });
    }

    fn open_prompt(&mut self, purpose: PathPurpose, note: Option<String>) {
        let text = match purpose {
            PathPurpose::SaveAs(_) | PathPurpose::SavePng(_) | PathPurpose::ExportCsv => {
                self.suggested_path(&purpose).display().to_string()
            }
            PathPurpose::Open | PathPurpose::Import => {
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
            (_, Origin::File(path)) => path.clone(),
            _ => unused_path(&self.dialog_folder().join(self.document_name())),
        }
    }

    fn submit_prompt(&mut self) {
        let Some(prompt) = self.ui_state.prompt.take() else {
            return;
        };
        let text = prompt.text.trim();
        if text.is_empty() {
            self.ui_state.prompt = Some(prompt);
            return;
        }
        let path = expand_home(text);
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
            PathPurpose::Import => self.begin_import(path),
            PathPurpose::ExportCsv => self.export_table(with_default_extension(path, "csv")),
        }
    }

    /// Writes the current table view (its filters and order) as CSV, off the UI thread.
    fn export_table(&mut self, path: PathBuf) {
        if self.busy.is_some() {
            return;
        }
        let kind = self.nav.table_kind;
        // The rows table of a dataset exports its rows as filtered there.
        if kind == RecordKind::Dataset
            && let Some(open) = &self.ui_state.dataset_rows
            && let Some(table) = self.datasets.table(open.dataset).cloned()
        {
            let Some(list) = self.datasets.row_list().cloned() else {
                self.show_message(
                    "Could not export yet",
                    "The rows are still being filtered; try again in a moment.".to_owned(),
                );
                return;
            };
            let busy = format!("Exporting {}…", path.display());
            self.spawn(busy, move || {
                let rows = list.rows.as_deref().map(Vec::as_slice);
                let bytes = crate::model::dataset::rows_csv(&table, rows);
                let result = io::write_file_atomic(&path, &bytes, false);
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
            let bytes = table::rows_to_csv(&doc, kind, &rows);
            let result = io::write_file_atomic(&path, &bytes, false);
            JobResult::Exported {
                path,
                rows: rows.len(),
                result,
            }
        });
    }

    fn reveal_in_table(&mut self, record: RecordRef, field: Option<&'static str>) {
        let kind = record.kind;
        if kind == RecordKind::Document {
            return;
        }
        self.nav.table_kind = kind;
        let field = field
            .and_then(|name| fields::field_index(kind, name))
            .unwrap_or(0);
        let table = self.ui_state.table(kind);
        // A filter that hides the row would make "reveal" show nothing.
        table.query = table.query.without_filters();
        table.selected = [record.index].into_iter().collect();
        table.anchor = Some(record.index);
        table.cursor = Some((record.index, field));
        table.editing = None;
        table.scroll_to = Some(record.index);
        self.nav.selected = Some(record);
        let page = Page {
            view: View::Tables,
            ..self.nav.page.clone()
        };
        self.nav.go(page);
    }

    fn edit_cell(
        &mut self,
        kind: RecordKind,
        index: usize,
        field: usize,
        text: String,
        then: CellMove,
    ) {
        match fields::edit_field(&self.doc, kind, index, field, &text) {
            Ok(record) => {
                let unchanged = self
                    .doc
                    .view(kind, index)
                    .is_some_and(|v| v.to_record() == record);
                if !unchanged && !self.apply_edit(Edit::Replace { index, record }) {
                    return;
                }
                self.ui_state.table(kind).editing = None;
                self.move_cursor(kind, index, field, then);
            }
            Err(reason) => {
                self.ui_state.table(kind).editing = Some(CellEdit {
                    index,
                    field,
                    text,
                    error: Some(reason),
                    fresh: true,
                });
            }
        }
    }

    /// Moves the table cursor after a commit; Tab and Shift+Tab keep editing.
    fn move_cursor(&mut self, kind: RecordKind, index: usize, field: usize, then: CellMove) {
        let n_fields = fields::fields(kind).len();
        let rows = if kind == self.nav.table_kind {
            self.table_cache.rows.clone()
        } else {
            Vec::new()
        };
        let position = rows.iter().position(|&i| i == index);
        let step = |delta: isize| -> Option<(usize, usize)> {
            let flat = position? as isize * n_fields as isize + field as isize + delta;
            if flat < 0 || flat >= (rows.len() * n_fields) as isize {
                return None;
            }
            let flat = flat as usize;
            Some((rows[flat / n_fields], flat % n_fields))
        };
        let target = match then {
            CellMove::Stay => Some((index, field)),
            CellMove::Next => step(1),
            CellMove::Previous => step(-1),
            CellMove::Down => step(n_fields as isize).or(Some((index, field))),
        };
        let Some((row, col)) = target else {
            return;
        };
        let editing = matches!(then, CellMove::Next | CellMove::Previous).then(|| CellEdit {
            index: row,
            field: col,
            text: self
                .doc
                .view(kind, row)
                .map(|v| fields::edit_text(v, col))
                .unwrap_or_default(),
            error: None,
            fresh: true,
        });
        let table = self.ui_state.table(kind);
        table.cursor = Some((row, col));
        table.selected = [row].into_iter().collect();
        table.anchor = Some(row);
        table.scroll_to = Some(row);
        table.editing = editing;
    }

    fn add_row(&mut self, kind: RecordKind) {
        let query = self.ui_state.table(kind).query.clone();
        let pair = (
            self.nav.page.focus.as_deref(),
            self.nav.page.partner.as_deref(),
        );
        let Some(record) = table::new_record(&self.doc, kind, &query, pair) else {
            return;
        };
        let index = self.doc.len_of(kind);
        if self.apply_edit(Edit::Insert(vec![(index, record)])) {
            let table = self.ui_state.table(kind);
            table.selected = [index].into_iter().collect();
            table.anchor = Some(index);
            table.cursor = Some((index, 0));
            table.scroll_to = Some(index);
            table.editing = None;
        }
    }

    fn delete_rows(&mut self, kind: RecordKind) {
        let rows = self.ui_state.table(kind).selected.clone();
        if rows.is_empty() {
            return;
        }
        if kind == RecordKind::Source {
            let mut lines = Vec::new();
            for &index in &rows {
                let Some(source) = self.doc.sources.get(index) else {
                    continue;
                };
                let citing = table::citing(&self.doc, source.id);
                if !citing.is_empty() {
                    let names: Vec<String> = citing
                        .iter()
                        .take(12)
                        .map(|r| format!("{} {}", r.kind.label(), r.key))
                        .collect();
                    let more = citing.len().saturating_sub(names.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    lines.push(format!(
                        "Source {} \"{}\" is cited by {}: {}{more}.",
                        source.id,
                        source.title,
                        crate::model::format::count(citing.len(), "record"),
                        names.join(", ")
                    ));
                }
            }
            if !lines.is_empty() {
                self.ui_state.pending_delete = Some(PendingDelete {
                    kind,
                    rows,
                    question: format!(
                        "{}\n\nDelete anyway? Those records will cite a source that no longer exists (the Problems view lists them).",
                        lines.join("\n")
                    ),
                });
                return;
            }
        }
        self.remove_rows(kind, rows);
    }

    fn remove_rows(&mut self, kind: RecordKind, rows: BTreeSet<usize>) {
        let indices: Vec<usize> = rows.into_iter().collect();
        if self.apply_edit(Edit::Remove { kind, indices }) {
            let table = self.ui_state.table(kind);
            table.selected.clear();
            table.cursor = None;
            table.editing = None;
        }
    }

    fn paste(&mut self, kind: RecordKind, text: &str) {
        let outcome = table::parse_paste(&self.doc, kind, text);
        let start = self.doc.len_of(kind);
        let added = outcome.records.len();
        if added > 0 {
            let inserts = outcome
                .records
                .into_iter()
                .enumerate()
                .map(|(k, record)| (start + k, record))
                .collect();
            if !self.apply_edit(Edit::Insert(inserts)) {
                return;
            }
            let table = self.ui_state.table(kind);
            table.selected = (start..start + added).collect();
            table.scroll_to = Some(start);
            table.cursor = Some((start, 0));
        }
        use crate::model::format::count;
        if outcome.rejected.is_empty() {
            self.ui_state.toast = Some((format!("Pasted {}", count(added, "row")), Instant::now()));
        } else {
            let mut lines: Vec<String> = outcome
                .rejected
                .iter()
                .take(20)
                .map(|(line, reason)| format!("Line {line}: {reason}"))
                .collect();
            if outcome.rejected.len() > 20 {
                lines.push(format!("… and {} more", outcome.rejected.len() - 20));
            }
            self.show_message(
                "Some rows were not pasted",
                format!(
                    "{} added, {} refused:\n{}",
                    count(added, "row"),
                    outcome.rejected.len(),
                    lines.join("\n")
                ),
            );
        }
    }

    fn new_source_for(&mut self, kind: RecordKind, index: usize, field: usize) {
        let id = self.doc.next_id(RecordKind::Source);
        let Some(Record::Source(mut source)) = table::blank_record(RecordKind::Source, id) else {
            return;
        };
        source.title = "New source".to_owned();
        let Some(view) = self.doc.view(kind, index) else {
            return;
        };
        let Ok(record) = fields::with_text(view, field, &id.to_string()) else {
            return;
        };
        let at = self.doc.sources.len();
        let edit = Edit::Batch(vec![
            Edit::Insert(vec![(at, Record::Source(source))]),
            Edit::Replace { index, record },
        ]);
        if self.apply_edit(edit) {
            self.ui_state.table(kind).editing = None;
            self.ui_state.toast = Some((
                format!("Added source {id}; give it a title in the Sources table"),
                Instant::now(),
            ));
        }
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
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        self.pending_jobs += 1;
        self.ctx.request_screenshot(move |image| {
            // Encoding takes a moment; keep it off the thread that delivers the screenshot.
            std::thread::spawn(move || {
                let result = match crop_screenshot(&image, rect, pixels_per_point) {
                    Some((width, height, rgba)) => io::save_png(&path, width, height, &rgba),
                    None => Err(SaveError::Encode(
                        "the chart is outside the window".to_owned(),
                    )),
                };
                let _ = tx.send(JobResult::PngSaved { path, result });
                ctx.request_repaint();
            });
        });
        self.ctx.request_repaint();
    }

    fn show_message(&mut self, title: &str, text: String) {
        self.ui_state.message = Some(Message {
            title: title.to_owned(),
            text,
        });
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.settings.recent_files.retain(|p| p != &path);
        self.settings.recent_files.insert(0, path);
        self.settings.recent_files.truncate(RECENT_LIMIT);
    }

    /// Takes in what background jobs reported.
    fn poll_jobs(&mut self) {
        while let Ok(result) = self.jobs_rx.try_recv() {
            self.pending_jobs = self.pending_jobs.saturating_sub(1);
            if !matches!(result, JobResult::PngSaved { .. }) {
                self.busy = None;
            }
            let startup_load = std::mem::take(&mut self.startup_load);
            match result {
                JobResult::Picked {
                    purpose,
                    path,
                    elapsed,
                } => match path {
                    Some(path) => self.use_picked_path(purpose, path),
                    None if elapsed < NO_DIALOG_THRESHOLD => {
                        let note = "No file dialog is available on this system (install \
                                    xdg-desktop-portal or zenity for one). Type the path instead."
                            .to_owned();
                        self.open_prompt(purpose, Some(note));
                    }
                    None => {}
                },
                JobResult::Loaded { path, result } => match result {
                    Ok((doc, stamp)) => {
                        self.remember_recent(&path);
                        self.replace_document(doc, Origin::File(path));
                        self.disk = Some(stamp);
                        self.ui_state.toast = Some(("Opened".to_owned(), Instant::now()));
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
                },
                JobResult::Saved {
                    path,
                    state,
                    result,
                    then,
                } => match result {
                    Ok(stamp) => {
                        self.history.mark_saved(state);
                        self.remember_recent(&path);
                        self.origin = Origin::File(path);
                        self.disk = Some(stamp);
                        self.ui_state.toast = Some(("Saved".to_owned(), Instant::now()));
                        if let Some(action) = then {
                            self.perform(action);
                        }
                    }
                    Err(SaveError::ChangedOnDisk { path }) => {
                        self.ui_state.changed_on_disk = Some(ChangedOnDisk { path, then });
                    }
                    Err(err) => self.show_message(
                        "Could not save",
                        format!(
                            "{err}\n\nThe file on disk is unchanged and your changes are still here, unsaved."
                        ),
                    ),
                },
                JobResult::Peeked { path, result } => self.peeked(path, result),
                JobResult::Exported { path, rows, result } => match result {
                    Ok(()) => {
                        self.ui_state.toast = Some((
                            format!(
                                "Exported {} to {}",
                                crate::model::format::count(rows, "row"),
                                path.display()
                            ),
                            Instant::now(),
                        ));
                    }
                    Err(err) => self.show_message("Could not export the table", err.to_string()),
                },
                JobResult::PngSaved { path, result } => match result {
                    Ok(()) => {
                        self.ui_state.toast =
                            Some((format!("Saved {}", path.display()), Instant::now()));
                    }
                    Err(err) => self.show_message("Could not save the chart", err.to_string()),
                },
            }
        }
    }

    fn handle_shortcuts(&mut self, ui: &egui::Ui, commands: &mut Vec<Command>) {
        // While a modal asks something, shortcuts must not act behind it.
        if self.ui_state.confirm.is_some()
            || self.ui_state.changed_on_disk.is_some()
            || self.autosave.offer().is_some()
            || self.ui_state.message.is_some()
            || self.ui_state.prompt.is_some()
            || self.ui_state.pending_delete.is_some()
            || self.ui_state.import.is_some()
        {
            return;
        }
        ui.input_mut(|input| {
            for action in Action::SHORTCUT_ORDER {
                if action.shortcuts().iter().any(|s| input.consume_shortcut(s)) {
                    commands.push(Command::Action(action));
                }
            }
            for view in View::ALL {
                if input.consume_shortcut(&view.shortcut()) {
                    commands.push(Command::ShowView(view));
                }
            }
            if input.consume_shortcut(&BACK_SHORTCUT) {
                commands.push(Command::Back);
            }
            if input.consume_shortcut(&FORWARD_SHORTCUT) {
                commands.push(Command::Forward);
            }
        });
    }

    fn handle_dropped_files(&mut self, ui: &egui::Ui, commands: &mut Vec<Command>) {
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // A document is opened; any other file is imported as trade data.
        if let Some(path) = dropped.into_iter().next() {
            if is_document_path(&path) {
                commands.push(Command::OpenPath(path));
            } else {
                commands.push(Command::ImportPath(path));
            }
        }
    }

    fn update_window_title(&mut self) {
        let title = self.window_title();
        if title != self.sent_title {
            self.ctx
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.sent_title = title;
        }
    }

    fn handle_close_request(&mut self, ui: &egui::Ui) {
        if ui.input(|i| i.viewport().close_requested())
            && self.history.is_dirty()
            && !self.allow_close
        {
            self.ctx
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.ui_state.confirm.is_none() {
                self.ui_state.confirm = Some(Guarded::Quit);
            }
        }
    }
}

/// `~/x` → `$HOME/x`, so that typed paths work as in a shell.
fn expand_home(text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(text)
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

impl eframe::App for TradeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll_jobs();
        self.poll_import();
        if self.datasets.poll()
            && self.nav.page.focus.is_none()
            && let Some(code) = self.datasets.main_country()
        {
            // A document with only datasets starts on its dataset's main country.
            let code = code.to_owned();
            self.apply(Command::SetFocus(code));
        }
        self.refresh_explore();
        self.handle_close_request(ui);

        let mut commands = Vec::new();
        self.handle_shortcuts(ui, &mut commands);
        self.handle_dropped_files(ui, &mut commands);

        let view = ui::AppView {
            doc: &self.doc,
            explore: &self.explore,
            nav: &self.nav,
            table_rows: &self.table_cache.rows,
            table_choices: &self.table_cache.choices,
            settings: &self.settings,
            document_name: self.document_name(),
            origin: &self.origin,
            dirty: self.history.is_dirty(),
            undo_label: self.history.undo_label(),
            redo_label: self.history.redo_label(),
            busy: self.busy.as_deref(),
            datasets: &self.datasets,
            datasets_importing: self.import.is_some(),
            recovery: self.autosave.offer().map(|o| &o.description),
            autosave_error: self.autosave.error(),
            autosave_enabled: self.autosave.enabled(),
        };
        ui::show(ui, &view, &mut self.ui_state, &mut commands);

        let changed = !commands.is_empty();
        for command in commands {
            self.apply(command);
        }
        if changed {
            self.refresh_explore();
            if let Some(selected) = &self.nav.selected
                && crate::model::describe::describe(&self.doc, selected).is_none()
            {
                self.nav.selected = None;
            }
            // Draw once more with what the commands changed.
            self.ctx.request_repaint();
        }
        self.update_window_title();
        let meta = || {
            let (path, bundled) = match &self.origin {
                Origin::File(path) => (Some(path.clone()), false),
                Origin::Bundled => (None, true),
                Origin::Untitled => (None, false),
            };
            RecoveryMeta::now(path, bundled, self.disk.clone())
        };
        self.autosave.tick(
            &self.ctx,
            self.history.is_dirty(),
            self.history.state(),
            &self.doc,
            meta,
        );
        if let Some((_, at)) = &self.ui_state.toast {
            let left = Duration::from_secs(3).saturating_sub(at.elapsed());
            if left.is_zero() {
                self.ui_state.toast = None;
            } else {
                self.ctx.request_repaint_after(left);
            }
        }
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
