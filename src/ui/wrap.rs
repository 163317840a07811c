//! Rows of labelled controls that wrap as the window narrows, a label never left at the
//! end of one row with its control alone at the start of the next.

use eframe::egui;

/// The control beside a label, by what decides its width.
pub(super) enum Control<'a> {
    /// A combo box showing `selected`.
    Combo { selected: &'a str },
    /// A text field this wide.
    Field { width: f32 },
}

/// Adds the label of a control in a wrapping row, first starting the next row unless
/// `label` and its `control` both fit in what is left of this one (a row that has nothing
/// on it yet is kept as it is). The label's response is for `labelled_by`.
pub(super) fn label_before(ui: &mut egui::Ui, label: &str, control: Control<'_>) -> egui::Response {
    let text_width = |text: &str, style: egui::TextStyle| {
        egui::WidgetText::from(text)
            .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, style)
            .size()
            .x
    };
    let spacing = ui.spacing();
    let control_width = match control {
        Control::Combo { selected } => (text_width(selected, egui::TextStyle::Button)
            + spacing.icon_spacing
            + spacing.icon_width
            + 2.0 * spacing.button_padding.x)
            .max(spacing.combo_width),
        Control::Field { width } => width + 2.0 * spacing.button_padding.x,
    };
    let needed = text_width(label, egui::TextStyle::Body) + spacing.item_spacing.x + control_width;
    let row_started = ui.cursor().min.x > ui.max_rect().min.x + 0.5;
    if row_started && ui.available_size_before_wrap().x < needed {
        ui.end_row();
    }
    ui.label(label)
}
