//! The Categories view: what the focus country exports to and imports from the partner.

use eframe::egui;

use super::{AppView, chart, no_partner};
use crate::app::{Command, UiState};

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    view: &AppView<'_>,
    state: &mut UiState,
    commands: &mut Vec<Command>,
) {
    let Some(chart_data) = &view.explore.category_chart else {
        no_partner(ui, view);
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("categories_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let height = (80.0 + 26.0 * chart_data.categories.len() as f32).clamp(240.0, 900.0);
            chart::show(
                ui,
                chart_data,
                height,
                view.settings.money_unit,
                view.nav.selected.as_ref(),
                state,
                commands,
            );
        });
}
