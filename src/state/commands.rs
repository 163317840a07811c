//! Commands: everything the UI asks the app to do, applied once per frame after drawing.

use std::path::PathBuf;

use crate::model::chart::MoneyUnit;
use crate::model::dataset::RowFilter;
use crate::model::table::TableQuery;
use crate::model::{Edit, RecordKind, RecordRef};

use super::actions::Action;
use super::navigation::{Page, View};
use super::settings::ThemeChoice;

/// Edits with the same key applied one after another merge into one undo step, so that
/// typing a title is one step rather than one per keystroke. The UI changes the key when
/// a new gesture starts (e.g. the field regains focus).
pub type CoalesceKey = (&'static str, u64);

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

/// What a typed path is for, when no file dialog is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPurpose {
    /// Open the file.
    Open,
    /// Save to the file, then do the guarded action if any.
    SaveAs(Option<Guarded>),
    /// Save the chart with this key as a PNG image.
    SavePng(String),
    /// A trade data file (or zip archive) to import.
    Import,
    /// A folder of trade data files to import as one dataset.
    ImportFolder,
    /// Where to write the current table view as CSV.
    ExportCsv,
    /// Where to write the Analysis view's potential table as CSV.
    ExportPotential,
    /// Where to write a linked dataset as Parquet.
    ExportParquet(ParquetExport),
}

/// What File > Export dataset as Parquet writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParquetExport {
    /// The rows of the dataset open in the rows table, as filtered there (else every row
    /// of the first linked dataset).
    Rows,
    /// Totals per year, pair and flow of that dataset.
    PairTotals,
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
    /// Change the colour theme.
    SetTheme(ThemeChoice),
    /// Show or hide the problems panel.
    ShowProblems(bool),
    /// Forget the recent files.
    ClearRecent,
    /// Reload the document by itself whenever another program changes it (and the window
    /// has no unsaved changes).
    SetAutoReload(bool),
    /// Reload the document that another program changed (from the bar saying so).
    ReloadChanged,
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
    /// Save the Analysis view's potential table as CSV (asks where).
    SavePotentialCsv,
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
    /// Import although the memory warning said the rows may not fit.
    ImportAnyway,
    /// Add the import read: copied as editable records, or linked as a dataset.
    FinishImport {
        /// Copy the rows into the document instead of linking the file.
        copy_rows: bool,
    },
    /// Show the products chart at this code's level below (None: the HS chapters).
    DrillProduct(Option<String>),
    /// Show the products chart for this year (`None`: the latest).
    SetProductYear(Option<u16>),
    /// Move a linked dataset one place up or down its list (one undoable edit).
    MoveDataset {
        /// Its row in the list.
        index: usize,
        /// Up (else down).
        up: bool,
    },
    /// Write the current table view as CSV to this file.
    ExportTableTo(PathBuf),
    /// Open the rows table of dataset `index` with this filter.
    ShowDatasetRows(usize, RowFilter),
    /// Read dataset `index`, left unread as its rows may not fit in the memory free.
    ReadDatasetAnyway(usize),
}
