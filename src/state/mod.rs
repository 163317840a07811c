//! What the app and the UI share: commands and actions with their shortcuts, the UI's own
//! state (dialogs, tables, navigation), the settings, and the prepared data a view reads.
//!
//! `app` applies commands and runs background work; `ui` draws and emits commands. Both
//! depend on this module and it depends on neither, so each side can be read alone.
//!
//! # What is a command and what is plain UI state
//!
//! A [`Command`] is anything that changes the document, a file, the navigation (the page
//! shown, the focus country, the selected record, which table) or a persisted setting:
//! things that are undoable, remembered, or have effects outside the window. The app
//! applies commands once per frame, after drawing, in `app::commands`.
//!
//! Everything else is plain UI state in [`UiState`], changed by the UI directly: text typed
//! into a search box or a filter, which rows are selected, a dialog closed without an
//! answer that acts (a message dismissed, the About box, the typed-path prompt cancelled).
//!
//! A modal dialog blocks the keys behind it: [`UiState::modal_open`] is the one place that
//! says whether one is open.

mod actions;
mod analysis;
mod analysis_cards;
mod commands;
mod context;
mod datasets;
mod dialogs;
mod explore;
mod navigation;
mod settings;
mod ui_state;

pub use actions::{Action, SHORTCUTS, consume_shortcuts};
pub use analysis::{
    AnalysisData, AnalysisKey, AnalysisNames, Card, POTENTIAL_BARS, PotentialRow, ProductFigures,
    RCA_BARS, compute as compute_analysis,
};
pub use commands::{
    CellMove, ChangedChoice, CoalesceKey, Command, ConfirmChoice, Guarded, ParquetExport,
    PathPurpose, RecoveryChoice,
};
pub use context::AppView;
pub(crate) use datasets::LinkKey;
pub use datasets::{AggregateKey, Aggregates, DatasetStatus, DatasetsView, LoadedDataset, RowList};
pub use dialogs::{
    ChangedOnDisk, ImportDialog, ImportReview, ImportRunning, MappingDialog, MemoryWarning,
    Message, PathPrompt, PendingDelete, RecoveryDescription,
};
pub use explore::{ExploreData, ExploreKey};
pub use navigation::{Navigation, Page, View};
pub use settings::{MAPPING_LIMIT, Origin, RECENT_LIMIT, Settings, ThemeChoice};
pub use ui_state::{
    AnalysisUi, BreakdownLayout, CellEdit, DatasetRowsUi, FileChanged, MapMesh, MapUi,
    RANKING_ROWS, TableUi, UiState,
};
