//! The menu bar: File, Edit, View, Help. Labels and shortcuts come from [`Action`].

use eframe::egui;

use super::AppView;
use crate::app::{Action, BACK_SHORTCUT, Command, FORWARD_SHORTCUT, ThemeChoice, View};
use crate::model::chart::MoneyUnit;

fn action_button(ui: &mut egui::Ui, action: Action, label: &str, enabled: bool) -> bool {
    let mut button = egui::Button::new(label);
    if let Some(shortcut) = action.shortcuts().first() {
        button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
    }
    ui.add_enabled(enabled, button).clicked()
}

/// Draws the menu bar.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let idle = view.busy.is_none();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            for action in [Action::New, Action::Open] {
                if action_button(ui, action, action.label(), idle) {
                    commands.push(Command::Action(action));
                }
            }
            ui.menu_button("Open Recent", |ui| {
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
            });
            ui.separator();
            for action in [Action::Save, Action::SaveAs] {
                if action_button(ui, action, action.label(), idle) {
                    commands.push(Command::Action(action));
                }
            }
            let revert = action_button(
                ui,
                Action::Revert,
                Action::Revert.label(),
                idle && view.dirty,
            );
            if revert {
                commands.push(Command::Action(Action::Revert));
            }
            ui.separator();
            let importing = view.datasets_importing;
            if action_button(ui, Action::Import, Action::Import.label(), idle && !importing) {
                commands.push(Command::Action(Action::Import));
            }
            let export = ui
                .add_enabled_ui(idle, |ui| {
                    let mut button = egui::Button::new(format!(
                        "Export {} table as CSV…",
                        view.nav.table_kind.label().to_lowercase()
                    ));
                    if let Some(shortcut) = Action::ExportCsv.shortcuts().first() {
                        button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
                    }
                    ui.add(button).on_hover_text(
                        "Write the rows of the table last shown in the Tables view, as filtered and sorted there",
                    )
                })
                .inner
                .clicked();
            if export {
                commands.push(Command::Action(Action::ExportCsv));
            }
            ui.separator();
            if action_button(ui, Action::Quit, Action::Quit.label(), true) {
                commands.push(Command::Action(Action::Quit));
            }
        });
        ui.menu_button("Edit", |ui| {
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
        });
        ui.menu_button("View", |ui| {
            for v in View::ALL {
                let button = egui::Button::selectable(view.nav.page.view == v, v.label())
                    .shortcut_text(ui.ctx().format_shortcut(&v.shortcut()));
                if ui.add(button).clicked() {
                    commands.push(Command::ShowView(v));
                }
            }
            ui.separator();
            let back =
                egui::Button::new("Back").shortcut_text(ui.ctx().format_shortcut(&BACK_SHORTCUT));
            if ui.add_enabled(view.nav.can_go_back(), back).clicked() {
                commands.push(Command::Back);
            }
            let forward = egui::Button::new("Forward")
                .shortcut_text(ui.ctx().format_shortcut(&FORWARD_SHORTCUT));
            if ui.add_enabled(view.nav.can_go_forward(), forward).clicked() {
                commands.push(Command::Forward);
            }
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
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About Trade Explorer").clicked() {
                commands.push(Command::ShowAbout(true));
            }
        });
    });
}
