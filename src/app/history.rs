//! Undo and redo over [`Edit`]s, and the unsaved-changes marker.
//!
//! Every state of the document gets a number; the document is unsaved when the current
//! number differs from the one last saved, so undoing back to the saved state clears the
//! marker again.

use std::collections::VecDeque;

use crate::model::record::NoSuchRow;
use crate::model::{Document, Edit};

/// How many steps undo keeps at the least.
pub const UNDO_LIMIT: usize = 200;

/// Edits with the same key applied one after another merge into one undo step, so that
/// typing a title is one step rather than one per keystroke. The UI changes the key when
/// a new gesture starts (e.g. the field regains focus).
pub type CoalesceKey = (&'static str, u64);

#[derive(Debug)]
struct Step {
    /// The edit that moves to the other side of this step.
    edit: Edit,
    label: &'static str,
    /// State number on the other side of this step.
    state: u64,
    coalesce: Option<CoalesceKey>,
}

/// Undo and redo stacks plus state numbering.
#[derive(Debug)]
pub struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
    state: u64,
    next_state: u64,
    saved_state: Option<u64>,
    /// False after anything but a coalescable edit, so that merging never crosses an undo.
    coalesce_open: bool,
}

impl Default for History {
    fn default() -> Self {
        Self::new_saved()
    }
}

impl History {
    /// A history for a document that matches its file.
    pub fn new_saved() -> Self {
        Self {
            undo: VecDeque::new(),
            redo: Vec::new(),
            state: 0,
            next_state: 1,
            saved_state: Some(0),
            coalesce_open: false,
        }
    }

    /// A history for a document that has never been saved.
    pub fn new_unsaved() -> Self {
        Self {
            saved_state: None,
            ..Self::new_saved()
        }
    }

    fn fresh_state(&mut self) -> u64 {
        let s = self.next_state;
        self.next_state += 1;
        s
    }

    /// Applies `edit` to `doc` and records it. An edit that refers to rows that do not exist
    /// changes nothing and is not recorded.
    pub fn apply(
        &mut self,
        doc: &mut Document,
        edit: Edit,
        coalesce: Option<CoalesceKey>,
    ) -> Result<(), NoSuchRow> {
        let label = edit.label();
        let inverse = edit.apply(doc)?;
        let merge = self.coalesce_open
            && coalesce.is_some()
            && self.undo.back().is_some_and(|s| s.coalesce == coalesce);
        let before = self.state;
        self.state = self.fresh_state();
        self.redo.clear();
        if !merge {
            self.undo.push_back(Step {
                edit: inverse,
                label,
                state: before,
                coalesce,
            });
            if self.undo.len() > UNDO_LIMIT {
                self.undo.pop_front();
            }
        }
        self.coalesce_open = coalesce.is_some();
        Ok(())
    }

    /// Undoes the last step; false when there is nothing to undo.
    pub fn undo(&mut self, doc: &mut Document) -> bool {
        let Some(step) = self.undo.pop_back() else {
            return false;
        };
        // Inverses are built from the document they undo, so they always apply.
        let Ok(redo) = step.edit.apply(doc) else {
            return false;
        };
        self.redo.push(Step {
            edit: redo,
            label: step.label,
            state: self.state,
            coalesce: None,
        });
        self.state = step.state;
        self.coalesce_open = false;
        true
    }

    /// Redoes the last undone step; false when there is nothing to redo.
    pub fn redo(&mut self, doc: &mut Document) -> bool {
        let Some(step) = self.redo.pop() else {
            return false;
        };
        let Ok(undo) = step.edit.apply(doc) else {
            return false;
        };
        self.undo.push_back(Step {
            edit: undo,
            label: step.label,
            state: self.state,
            coalesce: None,
        });
        self.state = step.state;
        self.coalesce_open = false;
        true
    }

    /// Ends a run of coalescing edits: the next edit starts a new undo step.
    pub fn end_gesture(&mut self) {
        self.coalesce_open = false;
    }

    /// What undo would undo, for the menu.
    pub fn undo_label(&self) -> Option<&'static str> {
        self.undo.back().map(|s| s.label)
    }

    /// What redo would redo, for the menu.
    pub fn redo_label(&self) -> Option<&'static str> {
        self.redo.last().map(|s| s.label)
    }

    /// Number of undo steps available.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// The current state number.
    pub fn state(&self) -> u64 {
        self.state
    }

    /// Records that state `state` is what the file on disk now holds.
    pub fn mark_saved(&mut self, state: u64) {
        self.saved_state = Some(state);
    }

    /// True when the document differs from its file (or has never been saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_state != Some(self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(doc: &Document) -> &str {
        &doc.title
    }

    #[test]
    fn undo_and_redo_walk_states_and_track_saved() {
        let mut doc = Document::new();
        let mut h = History::new_saved();
        assert!(!h.is_dirty());
        h.apply(&mut doc, Edit::SetTitle("A".into()), None).unwrap();
        h.apply(&mut doc, Edit::SetTitle("B".into()), None).unwrap();
        assert!(h.is_dirty());
        assert!(h.undo(&mut doc));
        assert_eq!(title(&doc), "A");
        assert!(h.undo(&mut doc));
        assert_eq!(title(&doc), "");
        assert!(!h.is_dirty(), "back at the saved state");
        assert!(!h.undo(&mut doc));
        assert!(h.redo(&mut doc));
        assert!(h.redo(&mut doc));
        assert_eq!(title(&doc), "B");
        assert!(!h.redo(&mut doc));
        h.mark_saved(h.state());
        assert!(!h.is_dirty());
        h.undo(&mut doc);
        assert!(h.is_dirty());
    }

    #[test]
    fn coalesced_edits_are_one_step_until_the_gesture_ends() {
        let mut doc = Document::new();
        let mut h = History::new_saved();
        let key = Some(("title", 1));
        for text in ["P", "Pa", "Pak"] {
            h.apply(&mut doc, Edit::SetTitle(text.into()), key).unwrap();
        }
        assert_eq!(h.undo_len(), 1);
        h.end_gesture();
        h.apply(&mut doc, Edit::SetTitle("Pakistan".into()), key)
            .unwrap();
        assert_eq!(h.undo_len(), 2);
        h.undo(&mut doc);
        assert_eq!(title(&doc), "Pak");
        h.undo(&mut doc);
        assert_eq!(title(&doc), "");
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut doc = Document::new();
        let mut h = History::new_unsaved();
        assert!(h.is_dirty());
        h.apply(&mut doc, Edit::SetTitle("A".into()), None).unwrap();
        h.undo(&mut doc);
        h.apply(&mut doc, Edit::SetNotes("n".into()), None).unwrap();
        assert!(!h.redo(&mut doc));
        assert_eq!(h.redo_label(), None);
        assert_eq!(h.undo_label(), Some("edit notes"));
    }

    #[test]
    fn keeps_at_least_100_steps() {
        let mut doc = Document::new();
        let mut h = History::new_saved();
        for i in 0..(UNDO_LIMIT + 50) {
            h.apply(&mut doc, Edit::SetTitle(i.to_string()), None)
                .unwrap();
        }
        let mut undone = 0;
        while h.undo(&mut doc) {
            undone += 1;
        }
        assert!(undone >= 100);
        assert_eq!(undone, UNDO_LIMIT);
        assert_eq!(title(&doc), (49).to_string());
    }
}
