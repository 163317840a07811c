//! The toolbar: Back and Forward, the views, and the money unit.

use eframe::egui;

use crate::model::chart::MoneyUnit;
use crate::state::AppView;
use crate::state::{Action, Command, View};

/// Draws the toolbar.
pub fn show(ui: &mut egui::Ui, view: &AppView<'_>, commands: &mut Vec<Command>) {
    let nav = view.nav;
    // Wrapping: on a narrow window the money unit goes to a second line instead of
    // being drawn over the last tabs.
    ui.horizontal_wrapped(|ui| {
        let back = ui
            .add_enabled(nav.can_go_back(), egui::Button::new("Back"))
            .on_hover_text(format!(
                "Back to the previous page ({})",
                Action::Back.shortcut_text(ui.ctx())
            ));
        if back.clicked() {
            commands.push(Command::Back);
        }
        let forward = ui
            .add_enabled(nav.can_go_forward(), egui::Button::new("Forward"))
            .on_hover_text(format!(
                "Forward to the next page ({})",
                Action::Forward.shortcut_text(ui.ctx())
            ));
        if forward.clicked() {
            commands.push(Command::Forward);
        }
        ui.separator();
        for v in View::ALL {
            let tab = ui
                .selectable_label(nav.page.view == v, v.label())
                .on_hover_text(format!(
                    "{} ({})",
                    v.label(),
                    Action::ShowView(v).shortcut_text(ui.ctx())
                ));
            if tab.clicked() {
                commands.push(Command::ShowView(v));
            }
        }
        // The label and the combo need about 230 points; measured from where the tabs end.
        let room = ui.max_rect().right() - ui.cursor().min.x;
        if room < 240.0 {
            ui.end_row();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // Right to left: the combo comes first, then its label to its left.
            let combo = egui::ComboBox::from_id_salt("money_unit")
                .selected_text(view.settings.money_unit.label())
                .show_ui(ui, |ui| {
                    for unit in MoneyUnit::ALL {
                        if ui
                            .selectable_label(view.settings.money_unit == unit, unit.label())
                            .clicked()
                        {
                            commands.push(Command::SetMoneyUnit(unit));
                        }
                    }
                })
                .response
                .on_hover_text("Unit of money on chart axes; tooltips always show full values");
            let label = ui.label("Chart values in");
            let _ = combo.labelled_by(label.id);
        });
    });
}
