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
        // On a narrow window (a 1024-pixel screen) Back and Forward become arrows so that
        // the views stay on one row (the default font has no arrows: "‹" and "›"); their
        // names stay for tooltips and screen readers.
        let arrows = !tabs_fit_with_words(ui);
        let steps = [
            (
                Action::Back,
                "‹",
                "Back to the previous page",
                nav.can_go_back(),
            ),
            (
                Action::Forward,
                "›",
                "Forward to the next page",
                nav.can_go_forward(),
            ),
        ];
        for (action, arrow, what, enabled) in steps {
            let button = if arrows {
                egui::Button::new(arrow).min_size(egui::vec2(24.0, 0.0))
            } else {
                egui::Button::new(action.label())
            };
            let tip = format!("{what} ({})", action.shortcut_text(ui.ctx()));
            let response = ui
                .add_enabled(enabled, button)
                .on_hover_text(&tip)
                .on_disabled_hover_text(tip);
            named(&response, action.label());
            if response.clicked() {
                commands.push(match action {
                    Action::Back => Command::Back,
                    _ => Command::Forward,
                });
            }
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

/// Gives a button its name for screen readers (and tests), whatever it shows.
fn named(response: &egui::Response, name: &str) {
    let enabled = response.enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, name));
}

/// Whether Back, Forward (in words), the separator and every view's tab fit on one row.
fn tabs_fit_with_words(ui: &egui::Ui) -> bool {
    let spacing = ui.spacing();
    let per_item = 2.0 * spacing.button_padding.x + spacing.item_spacing.x;
    let words = [Action::Back.label(), Action::Forward.label()]
        .into_iter()
        .chain(View::ALL.iter().map(|v| v.label()));
    let width: f32 = words
        .map(|text| super::rows::one_line_width(ui, text) + per_item)
        .sum();
    // The separator: its own spacing on both sides.
    width + 2.0 * spacing.item_spacing.x + 1.0 <= ui.available_width()
}
