//! A spinner that turns ten times a second instead of every frame.
//!
//! egui's spinner asks for a new frame at once, every frame, for as long as it is shown:
//! on a window drawn in software (virtual machines, remote desktops, Xvfb) that is most
//! of a core taken from the work it waits for. Steps of a tenth of a second still read
//! as motion.

use std::time::Duration;

use eframe::egui::{self, Pos2, Response, Sense, Shape, Stroke, Ui, emath::lerp, vec2};

/// Time between two drawings of the spinner.
const STEP: Duration = Duration::from_millis(100);

/// Time between two drawings of a progress display (the import dialog, a dataset being
/// read): reports reach it without asking for a frame, so this is how often it shows the
/// latest. Once a second keeps a stopwatch and a progress bar honest at a small cost in
/// frames, which under software rendering take time from the work they report on.
pub const PROGRESS_STEP: Duration = Duration::from_secs(1);

/// Shows the spinner (a progress indicator to screen readers).
pub fn spinner(ui: &mut Ui) -> Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::new(egui::Role::ProgressIndicator));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    ui.ctx().request_repaint_after(STEP);
    let step = STEP.as_secs_f64();
    let time = (ui.input(|i| i.time) / step).floor() * step;
    let color = ui.visuals().strong_text_color();
    let radius = rect.height().min(rect.width()) * 0.5 - 2.0;
    let n_points = (radius.round() as u32).clamp(8, 128);
    let start = time * std::f64::consts::TAU;
    let end = start + 240f64.to_radians() * time.sin();
    let points: Vec<Pos2> = (0..n_points)
        .map(|i| {
            let angle = lerp(start..=end, f64::from(i) / f64::from(n_points));
            let (sin, cos) = angle.sin_cos();
            rect.center() + radius * vec2(cos as f32, sin as f32)
        })
        .collect();
    ui.painter()
        .add(Shape::line(points, Stroke::new(3.0, color)));
    response
}

/// While a linked release's totals are shown and its rows read, a spinner and `say(name,
/// percent read)` (what waits for the rows), then a little space; nothing otherwise.
pub fn rows_being_read(
    ui: &mut Ui,
    datasets: &dyn crate::state::DatasetsView,
    say: impl FnOnce(&str, f32) -> String,
) {
    let Some(entry) = datasets.entries().iter().find(|e| e.reading_rows()) else {
        return;
    };
    let percent = entry.rows_progress.map_or(0.0, |p| p.fraction()) * 100.0;
    ui.horizontal(|ui| {
        spinner(ui);
        ui.label(say(&entry.name, percent));
    });
    ui.add_space(6.0);
}
