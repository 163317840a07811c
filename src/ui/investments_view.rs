//! The Investments view: stated amounts by partner and status, and the announcements over
//! time, for the focus country.

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
        .id_salt("investments_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let charts = [&explore.focus_investment_bars, &explore.focus_timeline];
            if charts.iter().all(|c| c.is_none()) {
                ui.label("No country yet.");
            }
            for chart_data in charts.into_iter().flatten() {
                chart::show(
                    ui,
                    chart_data,
                    280.0,
                    view.settings.money_unit,
                    view.nav.selected.as_ref(),
                    state,
                    commands,
                );
                ui.add_space(8.0);
            }
        });
}
