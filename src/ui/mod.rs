//! The user interface: one file per view or panel.
//!
//! UI code reads the prepared [`AppView`] and pushes [`Command`]s; it never changes the
//! document itself.

mod analysis_view;
mod busy;
mod categories_view;
mod chart;
mod dataset_rows;
mod details;
mod dialogs;
mod file_changed_bar;
mod import_dialog;
mod indicators_view;
mod investments_view;
mod map_canvas;
mod map_view;
mod menu;
mod overview;
mod partners_panel;
mod problems;
mod relationship;
mod rows;
mod status_bar;
mod table_cells;
mod table_grid;
mod tables;
mod toolbar;
mod trade_view;
mod treemap;
mod wrap;

use eframe::egui;

use crate::state::{AppView, Command, UiState, View};

/// Draws the whole window.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::Panel::top("menu_bar").show(ui, |ui| menu::show(ui, view, state, commands));
    egui::Panel::top("toolbar").show(ui, |ui| toolbar::show(ui, view, commands));
    if state.file_changed.is_some() {
        egui::Panel::top("file_changed_bar")
            .show(ui, |ui| file_changed_bar::show(ui, view, state, commands));
    }
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
        View::Analysis => analysis_view::show(ui, view, state, commands),
        View::Map => map_view::show(ui, view, state, commands),
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
