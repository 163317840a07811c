//! The Indicators view: targets and actual values of the focus country over the years.

use eframe::egui;

use super::{AppView, chart};
use crate::state::{Command, UiState};

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let explore = view.explore;
    egui::ScrollArea::vertical()
        .id_salt("indicators_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if explore.indicator_charts.is_empty() {
                ui.label(format!(
                    "No indicator or policy target for {}.",
                    if explore.focus_name.is_empty() {
                        "this document"
                    } else {
                        explore.focus_name.as_str()
                    }
                ));
            }
            for chart_data in &explore.indicator_charts {
                chart::show(
                    ui,
                    chart_data,
                    260.0,
                    view.settings.money_unit,
                    view.nav.selected.as_ref(),
                    state,
                    commands,
                );
                ui.add_space(8.0);
            }
        });
}
