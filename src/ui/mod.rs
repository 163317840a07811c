//! The user interface: one file per view or panel.
//!
//! UI code reads the prepared [`AppView`] and pushes [`Command`]s; it never changes the
//! document itself.

mod categories_view;
mod chart;
mod dataset_rows;
mod details;
mod dialogs;
mod import_dialog;
mod indicators_view;
mod investments_view;
mod menu;
mod overview;
mod partners_panel;
mod problems;
mod relationship;
mod status_bar;
mod tables;
mod toolbar;
mod trade_view;

use std::path::Path;

use eframe::egui;

use crate::app::{Command, Datasets, ExploreData, Navigation, Origin, Settings, UiState, View};
use crate::model::Document;

/// What the UI needs to draw a frame, borrowed from the app.
pub struct AppView<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Data prepared for the views.
    pub explore: &'a ExploreData,
    /// Where the user is.
    pub nav: &'a Navigation,
    /// Rows of the current table, in view order.
    pub table_rows: &'a [usize],
    /// Years and countries offered by the current table's quick filters.
    pub table_choices: &'a (Vec<i32>, Vec<String>),
    /// Persisted settings.
    pub settings: &'a Settings,
    /// File name for display.
    pub document_name: String,
    /// Where the document came from.
    pub origin: &'a Origin,
    /// Unsaved changes?
    pub dirty: bool,
    /// What Undo would undo.
    pub undo_label: Option<&'static str>,
    /// What Redo would redo.
    pub redo_label: Option<&'static str>,
    /// What runs in the background, if anything.
    pub busy: Option<&'a str>,
    /// The linked datasets' rows and loading state.
    pub datasets: &'a Datasets,
    /// True while an import runs.
    pub datasets_importing: bool,
    /// The recovery copy offered for restoring, if any.
    pub recovery: Option<&'a crate::app::RecoveryDescription>,
    /// Why autosave does not work, if it does not.
    pub autosave_error: Option<&'a str>,
    /// Whether autosave could start at all (false: its folder cannot be used).
    pub autosave_enabled: bool,
}

impl AppView<'_> {
    /// The document's path, if it has one.
    pub fn path(&self) -> Option<&Path> {
        match self.origin {
            Origin::File(path) => Some(path),
            _ => None,
        }
    }
}

/// Draws the whole window.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::Panel::top("menu_bar").show(ui, |ui| menu::show(ui, view, commands));
    egui::Panel::top("toolbar").show(ui, |ui| toolbar::show(ui, view, commands));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, view, state, commands));
    // The panel takes room only when there is something to fix.
    if view.settings.show_problems
        && view.nav.page.view != View::Problems
        && !view.explore.problems.is_empty()
    {
        egui::Panel::bottom("problems_panel")
            .resizable(true)
            .default_size(120.0)
            .min_size(60.0)
            .show(ui, |ui| problems::show(ui, view, commands));
    }
    egui::Panel::left("partners_panel")
        .resizable(true)
        .default_size(250.0)
        .min_size(180.0)
        .show(ui, |ui| partners_panel::show(ui, view, state, commands));
    if view.nav.selected.is_some() {
        egui::Panel::right("details_panel")
            .resizable(true)
            .default_size(300.0)
            .min_size(200.0)
            .show(ui, |ui| details::show(ui, view, commands));
    }
    egui::CentralPanel::default().show(ui, |ui| match view.nav.page.view {
        View::Overview => overview::show(ui, view, state, commands),
        View::Relationship => relationship::show(ui, view, state, commands),
        View::Trade => trade_view::show(ui, view, state, commands),
        View::Categories => categories_view::show(ui, view, state, commands),
        View::Investments => investments_view::show(ui, view, state, commands),
        View::Indicators => indicators_view::show(ui, view, state, commands),
        View::Tables => tables::show(ui, view, state, commands),
        View::Problems => {
            egui::ScrollArea::vertical()
                .id_salt("problems_view")
                .show(ui, |ui| problems::show(ui, view, commands));
        }
    });
    dialogs::show(ui.ctx(), view, state, commands);
    dialogs::drop_hint(ui.ctx());
}

/// Shown by the relationship views when no partner is chosen.
fn no_partner(ui: &mut egui::Ui, view: &AppView<'_>) {
    if view.nav.page.focus.is_none() {
        ui.label("This document has no country yet. Open a document or add records.");
    } else {
        ui.label(format!(
            "Choose one of {}'s partners in the list on the left.",
            view.explore.focus_name
        ));
    }
}
