//! Edits: the only way the app changes a document.
//!
//! Each edit, when applied, returns its inverse, so that undo and redo are exact and cost
//! memory in proportion to what changed rather than to the size of the document.

use super::document::Document;

/// A change to a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Replace the title.
    SetTitle(String),
    /// Replace the free notes.
    SetNotes(String),
    /// Several edits applied in order as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// Applies the edit and returns the edit that undoes it.
    pub fn apply(self, doc: &mut Document) -> Edit {
        match self {
            Edit::SetTitle(title) => Edit::SetTitle(std::mem::replace(&mut doc.title, title)),
            Edit::SetNotes(notes) => Edit::SetNotes(std::mem::replace(&mut doc.notes, notes)),
            Edit::Batch(edits) => {
                let mut inverses: Vec<Edit> = edits.into_iter().map(|e| e.apply(doc)).collect();
                inverses.reverse();
                Edit::Batch(inverses)
            }
        }
    }

    /// Short description for the Edit menu ("Undo edit title").
    pub fn label(&self) -> &'static str {
        match self {
            Edit::SetTitle(_) => "edit title",
            Edit::SetNotes(_) => "edit notes",
            Edit::Batch(_) => "edits",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_restores_the_document() {
        let mut doc = Document::new();
        doc.title = "Before".into();
        let original = doc.clone();
        let inverse = Edit::Batch(vec![
            Edit::SetTitle("After".into()),
            Edit::SetNotes("Some notes".into()),
            Edit::SetTitle("After again".into()),
        ])
        .apply(&mut doc);
        assert_eq!(doc.title, "After again");
        assert_eq!(doc.notes, "Some notes");
        let redo = inverse.apply(&mut doc);
        assert_eq!(doc, original);
        redo.apply(&mut doc);
        assert_eq!(doc.title, "After again");
    }
}
