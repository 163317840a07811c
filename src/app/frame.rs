//! Per-frame work. [`TradeApp::logic_step`] does everything that is not drawing and runs
//! from `App::logic`, which eframe calls also while the window is hidden; the drawing pass
//! ([`TradeApp::draw`]) only draws, handles keys and applies the commands of the frame.

use std::path::PathBuf;
use std::time::Duration;

use eframe::egui;

use crate::io::is_document_path;
use crate::io::recovery::RecoveryMeta;
use crate::state::{AppView, Command, Origin, consume_shortcuts};

use super::{MIN_WINDOW, TradeApp};

/// How long a toast stays in the status bar.
const TOAST_TIME: Duration = Duration::from_secs(3);

impl TradeApp {
    /// On a first start, sizes the window to most of the screen, centred, once the
    /// screen's size is known (later starts restore the size the user left it at).
    fn fit_window_to_screen(&mut self, ctx: &egui::Context) {
        let Some(monitor) = ctx.input(|i| i.viewport().monitor_size) else {
            return;
        };
        self.fit_window = false;
        let (size, position) = first_window(monitor, MIN_WINDOW.into());
        ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
        ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(position));
    }

    /// Takes in background results, keeps the prepared data current, times autosave and
    /// expires toasts. Never draws.
    pub(super) fn logic_step(&mut self) {
        self.poll_jobs();
        self.poll_import();
        self.poll_watcher();
        if self.datasets.poll()
            && self.nav.page.focus.is_none()
            && let Some(code) = self.datasets.main_country()
        {
            // A document with only datasets starts on its dataset's main country.
            let code = code.to_owned();
            self.apply(Command::SetFocus(code));
        }
        // Data taken in here is drawn by this frame's pass, which follows.
        self.refresh_explore();
        self.refresh_analysis();
        self.tick_autosave();
        self.expire_toast();
    }

    /// The drawing pass: the whole window, then the commands it produced.
    pub(super) fn draw(&mut self, ui: &mut egui::Ui) {
        self.handle_close_request(ui);
        if self.fit_window {
            self.fit_window_to_screen(ui.ctx());
        }
        let mut commands = Vec::new();
        self.handle_dropped_files(ui, &mut commands);
        let view = AppView {
            doc: &self.doc,
            explore: &self.explore,
            nav: &self.nav,
            table_rows: &self.table_cache.rows,
            table_choices: &self.table_cache.choices,
            settings: &self.settings,
            document_name: self.origin.document_name(),
            origin: &self.origin,
            dirty: self.history.is_dirty(),
            undo_label: self.history.undo_label(),
            redo_label: self.history.redo_label(),
            busy: self.busy.as_deref(),
            datasets: &self.datasets,
            datasets_importing: self.import.is_some(),
            recovery: self.autosave.offer().map(|o| &o.description),
            autosave_error: self.autosave.error(),
            autosave_enabled: self.autosave.enabled(),
            preparing: self.preparing.running(),
            analysis: &self.analysis.data,
            analysing: self.analysis.running(),
        };
        // While a modal asks something, shortcuts must not act behind it.
        if !self.ui_state.modal_open(&view) {
            let pressed = ui.input_mut(consume_shortcuts);
            commands.extend(pressed.into_iter().map(Command::Action));
        }
        crate::ui::show(ui, &view, &mut self.ui_state, &mut commands);

        let changed = !commands.is_empty();
        for command in commands {
            self.apply(command);
        }
        // Filters typed into the UI state change what is prepared, commands or not.
        // Both run (`|`, not `||`): each keeps its own data current.
        let fresh = self.refresh_explore() | self.refresh_analysis();
        if changed
            && let Some(selected) = &self.nav.selected
            && crate::model::describe::describe(&self.doc, selected).is_none()
        {
            self.nav.selected = None;
        }
        if changed || fresh {
            // Draw once more with what the commands or the new data changed.
            self.ctx.request_repaint();
        }
        self.update_window_title();
    }

    fn tick_autosave(&mut self) {
        let meta = || {
            let (path, bundled) = match &self.origin {
                Origin::File(path) => (Some(path.clone()), false),
                Origin::Bundled => (None, true),
                Origin::Untitled => (None, false),
            };
            RecoveryMeta::now(path, bundled, self.disk.clone())
        };
        self.autosave.tick(
            &self.ctx,
            self.history.is_dirty(),
            self.history.state(),
            &self.doc,
            meta,
        );
    }

    fn expire_toast(&mut self) {
        if let Some((_, at)) = &self.ui_state.toast {
            let left = TOAST_TIME.saturating_sub(at.elapsed());
            if left.is_zero() {
                self.ui_state.toast = None;
                self.ctx.request_repaint();
            } else {
                self.ctx.request_repaint_after(left);
            }
        }
    }

    fn handle_dropped_files(&mut self, ui: &egui::Ui, commands: &mut Vec<Command>) {
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        // A document is opened; any other file is imported as trade data.
        if let Some(path) = dropped.into_iter().next() {
            if is_document_path(&path) {
                commands.push(Command::OpenPath(path));
            } else {
                commands.push(Command::ImportPath(path));
            }
        }
    }

    fn update_window_title(&mut self) {
        let title = self.window_title();
        if title != self.sent_title {
            self.ctx
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.sent_title = title;
        }
    }

    fn handle_close_request(&mut self, ui: &egui::Ui) {
        if ui.input(|i| i.viewport().close_requested())
            && self.history.is_dirty()
            && !self.allow_close
        {
            self.ctx
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.ui_state.confirm.is_none() {
                self.ui_state.confirm = Some(crate::state::Guarded::Quit);
            }
        }
    }
}

/// The window's size and place on a first start on a screen of `monitor` points: 85% of
/// the screen each way (no less than `min`), centred a title bar's height above the
/// middle: large on a large screen, and within a small one (the default of 1200 × 780
/// is taller than a 1366 × 768 laptop screen).
fn first_window(monitor: egui::Vec2, min: egui::Vec2) -> (egui::Vec2, egui::Pos2) {
    let size = (monitor * 0.85).floor().max(min);
    let corner = ((monitor - size) / 2.0 - egui::vec2(0.0, 15.0)).max(egui::Vec2::ZERO);
    (size, corner.to_pos2().floor())
}

#[cfg(test)]
mod tests {
    use super::first_window;
    use eframe::egui::{pos2, vec2};

    #[test]
    fn a_first_window_takes_most_of_the_screen() {
        let min = vec2(640.0, 420.0);
        for (screen, size, corner) in [
            // 1920 × 0.85 = 1632, 1080 × 0.85 = 918; (1920 − 1632) / 2 = 144,
            // (1080 − 918) / 2 − 15 = 66.
            ((1920.0, 1080.0), (1632.0, 918.0), (144.0, 66.0)),
            ((2560.0, 1440.0), (2176.0, 1224.0), (192.0, 93.0)),
            // 1161.1 and 652.8 floored; (1366 − 1161) / 2 = 102.5 floored, (768 − 652) / 2
            // − 15 = 43.
            ((1366.0, 768.0), (1161.0, 652.0), (102.0, 43.0)),
            // 544 × 408 would be under the minimum: 640 × 420 at (0, 15).
            ((640.0, 480.0), (640.0, 420.0), (0.0, 15.0)),
        ] {
            let (w, h) = screen;
            assert_eq!(
                first_window(vec2(w, h), min),
                (vec2(size.0, size.1), pos2(corner.0, corner.1)),
                "{screen:?}"
            );
        }
    }
}
