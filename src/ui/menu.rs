//! The menu bar: File, Edit, View, Help. Labels and shortcuts come from [`Action`].

use eframe::egui;

use crate::model::chart::MoneyUnit;
use crate::state::AppView;
use crate::state::{Action, Command, ParquetExport, ThemeChoice, UiState, View};

/// A menu button for `action` with its shortcut; true when clicked.
fn action_button(ui: &mut egui::Ui, action: Action, label: &str, enabled: bool) -> bool {
    ui.add_enabled(enabled, with_shortcut(ui, egui::Button::new(label), action))
        .clicked()
}

/// The button with the action's shortcut shown beside its label (when it has one: an empty
/// shortcut text would change the button's accessible name).
fn with_shortcut<'a>(ui: &egui::Ui, button: egui::Button<'a>, action: Action) -> egui::Button<'a> {
    match action.shortcut() {
        Some(_) => button.shortcut_text(action.shortcut_text(ui.ctx())),
        None => button,
    }
}

/// Pushes `action` when its button is clicked.
fn action_item(ui: &mut egui::Ui, action: Action, enabled: bool, commands: &mut Vec<Command>) {
    if action_button(ui, action, action.label(), enabled) {
        commands.push(Command::Action(action));
    }
}

/// Draws the menu bar.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu(ui, view, commands));
        ui.menu_button("Edit", |ui| edit_menu(ui, view, commands));
        ui.menu_button("View", |ui| view_menu(ui, view, commands));
        ui.menu_button("Help", |ui| {
            if ui.button("About Trade Explorer").clicked() {
                state.about = true;
            }
        });
    });
}

fn file_menu(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let idle = view.busy.is_none();
    action_item(ui, Action::New, idle, commands);
    action_item(ui, Action::Open, idle, commands);
    ui.menu_button("Open Recent", |ui| recent_menu(ui, view, commands));
    ui.separator();
    action_item(ui, Action::Save, idle, commands);
    action_item(ui, Action::SaveAs, idle, commands);
    action_item(ui, Action::Revert, idle && view.dirty, commands);
    ui.separator();
    for action in [Action::Import, Action::ImportFolder] {
        action_item(ui, action, idle && !view.datasets_importing, commands);
    }
    let label = format!(
        "Export {} table as CSV…",
        view.nav.table_kind.label().to_lowercase()
    );
    let button = with_shortcut(ui, egui::Button::new(label), Action::ExportCsv);
    let export = ui.add_enabled(idle, button).on_hover_text(
        "Write the rows of the table last shown in the Tables view, as filtered and sorted there",
    );
    if export.clicked() {
        commands.push(Command::Action(Action::ExportCsv));
    }
    let linked = !view.doc.datasets.is_empty();
    ui.add_enabled_ui(idle && linked, |ui| {
        ui.menu_button("Export dataset as Parquet", |ui| {
            for what in [ParquetExport::Rows, ParquetExport::PairTotals] {
                action_item(ui, Action::ExportParquet(what), true, commands);
            }
        })
        .response
        .on_hover_text(
            "Write the dataset open in the rows table (its filtered rows), or else the first \
             linked dataset, as a Parquet file that DuckDB, polars and Spark read",
        )
        .on_disabled_hover_text("Link a dataset first (File > Import data…)");
    });
    ui.separator();
    let mut auto_reload = view.settings.auto_reload;
    if ui
        .checkbox(&mut auto_reload, "Reload when changed by another program")
        .on_hover_text(
            "When another program changes the open file and you have no unsaved changes, \
             load its new version at once instead of asking",
        )
        .changed()
    {
        commands.push(Command::SetAutoReload(auto_reload));
    }
    ui.separator();
    action_item(ui, Action::Quit, true, commands);
}

fn recent_menu(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let idle = view.busy.is_none();
    if view.settings.recent_files.is_empty() {
        ui.label("No recent files");
    }
    for path in &view.settings.recent_files {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if ui
            .add_enabled(idle, egui::Button::new(name))
            .on_hover_text(path.display().to_string())
            .clicked()
        {
            commands.push(Command::OpenPath(path.clone()));
        }
    }
    if !view.settings.recent_files.is_empty() {
        ui.separator();
        if ui.button("Clear Recent Files").clicked() {
            commands.push(Command::ClearRecent);
        }
    }
}

fn edit_menu(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let undo = match view.undo_label {
        Some(what) => format!("Undo {what}"),
        None => "Undo".to_owned(),
    };
    if action_button(ui, Action::Undo, &undo, view.undo_label.is_some()) {
        commands.push(Command::Action(Action::Undo));
    }
    let redo = match view.redo_label {
        Some(what) => format!("Redo {what}"),
        None => "Redo".to_owned(),
    };
    if action_button(ui, Action::Redo, &redo, view.redo_label.is_some()) {
        commands.push(Command::Action(Action::Redo));
    }
}

fn view_menu(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    for v in View::ALL {
        let action = Action::ShowView(v);
        let button = with_shortcut(
            ui,
            egui::Button::selectable(view.nav.page.view == v, v.label()),
            action,
        );
        if ui.add(button).clicked() {
            commands.push(Command::Action(action));
        }
    }
    ui.separator();
    action_item(ui, Action::Back, view.nav.can_go_back(), commands);
    action_item(ui, Action::Forward, view.nav.can_go_forward(), commands);
    ui.separator();
    ui.menu_button("Chart values in", |ui| {
        for unit in MoneyUnit::ALL {
            if ui
                .radio(view.settings.money_unit == unit, unit.label())
                .clicked()
            {
                commands.push(Command::SetMoneyUnit(unit));
            }
        }
    });
    let mut show_problems = view.settings.show_problems;
    if ui
        .checkbox(&mut show_problems, "Problems panel under the views")
        .changed()
    {
        commands.push(Command::ShowProblems(show_problems));
    }
    ui.separator();
    ui.label("Theme");
    for theme in ThemeChoice::ALL {
        if ui
            .radio(view.settings.theme == theme, theme.label())
            .clicked()
        {
            commands.push(Command::SetTheme(theme));
        }
    }
}
