//! Things laid side by side in a wrapped row (`Ui::horizontal_wrapped`) that must move to
//! the next row whole. egui wraps a row before a widget only by the widget's own size: a
//! frame or a group of widgets is given the room left on the row instead, and its text
//! wraps in it (a card's label one letter a line, a legend's last word alone). These
//! measure first.

use eframe::egui;

/// The width of `text` on one line, as a label in `ui` would draw it.
pub fn one_line_width(ui: &egui::Ui, text: impl Into<egui::WidgetText>) -> f32 {
    let galley = text.into().into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Body,
    );
    galley.size().x
}

/// Starts the next row unless `width` fits in what is left of this one; true when it
/// stays on this row.
pub fn stay_if_room(ui: &mut egui::Ui, width: f32) -> bool {
    let room = ui.available_size_before_wrap().x >= width;
    if !room {
        ui.end_row();
    }
    room
}

/// A label on one line: with [`stay_if_room`] before it, it moves to the next row whole.
pub fn one_line(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
}
