//! Named actions of the menus and the keyboard, and the one table of their shortcuts.
//!
//! Menus, the toolbar and the key handling all read [`SHORTCUTS`], so a shortcut shown in a
//! menu is always the one that works, and a test checks that no two actions share one.

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use super::ParquetExport;
use super::navigation::View;

/// Named actions of the menus, the toolbar and the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// New empty document.
    New,
    /// Open a document with a file dialog.
    Open,
    /// Save to the current file (or Save As when there is none).
    Save,
    /// Save to a new file.
    SaveAs,
    /// Reload the current file, dropping unsaved changes.
    Revert,
    /// Quit the app.
    Quit,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Import a trade data file (Comtrade, BACI, any CSV) as a linked dataset.
    Import,
    /// Import a folder of data files (a BACI release, Comtrade files) as one dataset.
    ImportFolder,
    /// Write the current table view, as filtered and sorted, to a CSV file.
    ExportCsv,
    /// Write a linked dataset's rows or pair totals as Parquet.
    ExportParquet(ParquetExport),
    /// Show a view for the current focus and partner.
    ShowView(View),
    /// Go back one page.
    Back,
    /// Go forward one page.
    Forward,
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

const fn alt(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::ALT, key)
}

/// Every keyboard shortcut of the app: the first one of an action is the one menus show.
pub const SHORTCUTS: &[(Action, KeyboardShortcut)] = &[
    (Action::New, cmd(Key::N)),
    (Action::Open, cmd(Key::O)),
    (Action::Save, cmd(Key::S)),
    (Action::SaveAs, cmd_shift(Key::S)),
    (Action::Quit, cmd(Key::Q)),
    (Action::Undo, cmd(Key::Z)),
    (Action::Redo, cmd_shift(Key::Z)),
    (Action::Redo, cmd(Key::Y)),
    (Action::Import, cmd(Key::I)),
    (Action::ImportFolder, cmd_shift(Key::I)),
    (Action::ExportCsv, cmd(Key::E)),
    (
        Action::ExportParquet(ParquetExport::Rows),
        cmd_shift(Key::E),
    ),
    (Action::ShowView(View::Overview), cmd(Key::Num1)),
    (Action::ShowView(View::Relationship), cmd(Key::Num2)),
    (Action::ShowView(View::Trade), cmd(Key::Num3)),
    (Action::ShowView(View::Categories), cmd(Key::Num4)),
    (Action::ShowView(View::Investments), cmd(Key::Num5)),
    (Action::ShowView(View::Indicators), cmd(Key::Num6)),
    (Action::ShowView(View::Tables), cmd(Key::Num7)),
    (Action::ShowView(View::Problems), cmd(Key::Num8)),
    (Action::ShowView(View::Analysis), cmd(Key::Num9)),
    (Action::ShowView(View::Map), cmd(Key::Num0)),
    (Action::Back, alt(Key::ArrowLeft)),
    (Action::Forward, alt(Key::ArrowRight)),
];

impl Action {
    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Action::New => "New",
            Action::Open => "Open…",
            Action::Save => "Save",
            Action::SaveAs => "Save As…",
            Action::Revert => "Revert",
            Action::Quit => "Quit",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::Import => "Import data…",
            Action::ImportFolder => "Import folder…",
            Action::ExportCsv => "Export table as CSV…",
            Action::ExportParquet(ParquetExport::Rows) => "Rows as Parquet…",
            Action::ExportParquet(ParquetExport::PairTotals) => "Pair totals per year as Parquet…",
            Action::ShowView(view) => view.label(),
            Action::Back => "Back",
            Action::Forward => "Forward",
        }
    }

    /// The shortcut menus show, if the action has one.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        SHORTCUTS
            .iter()
            .find(|(action, _)| *action == self)
            .map(|(_, shortcut)| *shortcut)
    }

    /// The shortcut as the platform writes it ("Ctrl+S"), or "" when there is none.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcut()
            .map(|s| ctx.format_shortcut(&s))
            .unwrap_or_default()
    }
}

/// Takes the shortcuts pressed this frame out of `input`, as actions.
///
/// egui matches Ctrl+S also while Shift is held, so shortcuts with more modifiers are
/// checked first: Ctrl+Shift+S is Save As, never Save as well.
pub fn consume_shortcuts(input: &mut egui::InputState) -> Vec<Action> {
    let mut order: Vec<&(Action, KeyboardShortcut)> = SHORTCUTS.iter().collect();
    order.sort_by_key(|(_, s)| std::cmp::Reverse(modifier_count(s.modifiers)));
    let mut pressed = Vec::new();
    for (action, shortcut) in order {
        if input.consume_shortcut(shortcut) && !pressed.contains(action) {
            pressed.push(*action);
        }
    }
    pressed
}

fn modifier_count(m: Modifiers) -> usize {
    [m.alt, m.ctrl || m.command || m.mac_cmd, m.shift]
        .into_iter()
        .filter(|&b| b)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_actions_share_a_shortcut() {
        for (i, (a, s)) in SHORTCUTS.iter().enumerate() {
            for (b, t) in &SHORTCUTS[i + 1..] {
                assert!(
                    !(s.modifiers == t.modifiers && s.logical_key == t.logical_key),
                    "{a:?} and {b:?} both use {s:?}"
                );
            }
        }
    }

    #[test]
    fn every_view_has_its_ctrl_number_in_menu_order() {
        let keys = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
            Key::Num8,
            Key::Num9,
            Key::Num0,
        ];
        for (view, key) in View::ALL.into_iter().zip(keys) {
            let shortcut = Action::ShowView(view).shortcut();
            assert_eq!(shortcut.map(|s| s.logical_key), Some(key), "{view:?}");
        }
    }

    fn press(modifiers: Modifiers, key: Key) -> Vec<Action> {
        let ctx = egui::Context::default();
        let raw = egui::RawInput {
            events: vec![egui::Event::Key {
                key,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers,
            }],
            ..Default::default()
        };
        let mut pressed = Vec::new();
        let mut output = ctx.run_ui(raw, |ui| {
            pressed = ui.input_mut(consume_shortcuts);
        });
        // Nothing is drawn: the font atlas egui made is not needed.
        output.textures_delta.clear();
        pressed
    }

    #[test]
    fn the_more_specific_shortcut_wins() {
        let ctrl = Modifiers::COMMAND;
        let ctrl_shift = Modifiers::COMMAND.plus(Modifiers::SHIFT);
        assert_eq!(press(ctrl_shift, Key::S), vec![Action::SaveAs]);
        assert_eq!(press(ctrl, Key::S), vec![Action::Save]);
        assert_eq!(press(ctrl_shift, Key::Z), vec![Action::Redo]);
        assert_eq!(press(ctrl, Key::Z), vec![Action::Undo]);
        assert_eq!(press(ctrl, Key::Y), vec![Action::Redo]);
        assert_eq!(
            press(Modifiers::ALT, Key::ArrowLeft),
            vec![Action::Back],
            "Alt+Left"
        );
        assert_eq!(press(Modifiers::NONE, Key::S), Vec::<Action>::new());
    }
}
