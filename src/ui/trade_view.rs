//! The Trade view: trade over time for the pair, and the focus country's partners by year.

use eframe::egui;

use super::{AppView, chart, no_partner, overview};
use crate::state::{Command, UiState};

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("trade_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            match &view.explore.trade_chart {
                Some(chart_data) => {
                    chart::show(
                        ui,
                        chart_data,
                        // Half the view on a tall window, so the lower half is not left empty.
                        (ui.available_height() * 0.5).clamp(320.0, 600.0),
                        view.settings.money_unit,
                        view.nav.selected.as_ref(),
                        state,
                        commands,
                    );
                }
                None => no_partner(ui, view),
            }
            ui.add_space(8.0);
            overview::partners_chart(ui, view, state, commands);
        });
}
