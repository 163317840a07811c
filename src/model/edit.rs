//! Edits: the only way the app changes a document.
//!
//! Each edit, when applied, returns its inverse, so that undo and redo are exact (row
//! order included) and cost memory in proportion to what changed rather than to the size
//! of the document.

use super::document::Document;
use super::record::{NoSuchRow, Record};
use super::validate::RecordKind;

/// A change to a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Replace the title.
    SetTitle(String),
    /// Replace the free notes.
    SetNotes(String),
    /// Replace row `index` of the record's kind.
    Replace {
        /// Row in its list.
        index: usize,
        /// The new record.
        record: Record,
    },
    /// Insert records; each index is the row the record will have once all are inserted,
    /// in ascending order.
    Insert(Vec<(usize, Record)>),
    /// Remove rows of one kind (indices in ascending order).
    Remove {
        /// The list.
        kind: RecordKind,
        /// Rows to remove, ascending.
        indices: Vec<usize>,
    },
    /// Several edits applied in order as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// Applies the edit and returns the edit that undoes it. On error the document is left
    /// as it was.
    pub fn apply(self, doc: &mut Document) -> Result<Edit, NoSuchRow> {
        match self {
            Edit::SetTitle(title) => Ok(Edit::SetTitle(std::mem::replace(&mut doc.title, title))),
            Edit::SetNotes(notes) => Ok(Edit::SetNotes(std::mem::replace(&mut doc.notes, notes))),
            Edit::Replace { index, record } => {
                let old = doc.replace_record(index, record)?;
                Ok(Edit::Replace { index, record: old })
            }
            Edit::Insert(mut records) => {
                records.sort_by_key(|(index, _)| *index);
                let mut done: Vec<(RecordKind, usize)> = Vec::with_capacity(records.len());
                for (index, record) in records {
                    let kind = record.kind();
                    if let Err(err) = doc.insert_record(index, record) {
                        undo_inserts(doc, &done);
                        return Err(err);
                    }
                    done.push((kind, index));
                }
                Ok(inverse_of_inserts(&done))
            }
            Edit::Remove { kind, mut indices } => {
                indices.sort_unstable();
                indices.dedup();
                if let Some(&last) = indices.last()
                    && last >= doc.len_of(kind)
                {
                    return Err(NoSuchRow {
                        kind,
                        index: last,
                        len: doc.len_of(kind),
                    });
                }
                let mut removed = Vec::with_capacity(indices.len());
                for &index in indices.iter().rev() {
                    removed.push((index, doc.remove_record(kind, index)?));
                }
                removed.reverse();
                Ok(Edit::Insert(removed))
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for edit in edits {
                    match edit.apply(doc) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(err) => {
                            // Roll back what was applied, newest first.
                            for inverse in inverses.into_iter().rev() {
                                let _ = inverse.apply(doc);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch(inverses))
            }
        }
    }

    /// Short description for the Edit menu ("Undo edit title").
    pub fn label(&self) -> &'static str {
        match self {
            Edit::SetTitle(_) => "edit title",
            Edit::SetNotes(_) => "edit notes",
            Edit::Replace { .. } => "edit cell",
            Edit::Insert(records) if records.len() == 1 => "add row",
            Edit::Insert(_) => "add rows",
            Edit::Remove { indices, .. } if indices.len() == 1 => "delete row",
            Edit::Remove { .. } => "delete rows",
            Edit::Batch(_) => "edits",
        }
    }
}

fn undo_inserts(doc: &mut Document, done: &[(RecordKind, usize)]) {
    for (kind, index) in done.iter().rev() {
        let _ = doc.remove_record(*kind, *index);
    }
}

/// Removing what was inserted: one `Remove` per kind, in a batch when several kinds.
fn inverse_of_inserts(done: &[(RecordKind, usize)]) -> Edit {
    let mut by_kind: Vec<(RecordKind, Vec<usize>)> = Vec::new();
    for (kind, index) in done {
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, indices)) => indices.push(*index),
            None => by_kind.push((*kind, vec![*index])),
        }
    }
    let mut removes: Vec<Edit> = by_kind
        .into_iter()
        .map(|(kind, indices)| Edit::Remove { kind, indices })
        .collect();
    if removes.len() == 1 {
        removes.remove(0)
    } else {
        Edit::Batch(removes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_restores_the_document() {
        let mut doc = crate::bundled_document();
        let original = doc.clone();
        let second = doc.trade[1].clone();
        let inverse = Edit::Batch(vec![
            Edit::SetTitle("After".into()),
            Edit::Remove {
                kind: RecordKind::Trade,
                indices: vec![3, 0, 7],
            },
            Edit::Insert(vec![
                (0, Record::Trade(second.clone())),
                (2, Record::Trade(second)),
            ]),
            Edit::Replace {
                index: 1,
                record: Record::Source(original.sources[0].clone()),
            },
        ])
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc.title, "After");
        assert_eq!(doc.trade.len(), original.trade.len() - 3 + 2);
        let redo = inverse.apply(&mut doc).unwrap();
        assert_eq!(doc, original);
        redo.apply(&mut doc).unwrap();
        assert_eq!(doc.title, "After");
    }

    #[test]
    fn a_failing_edit_changes_nothing() {
        let mut doc = crate::bundled_document();
        let original = doc.clone();
        let result = Edit::Batch(vec![
            Edit::SetTitle("Changed".into()),
            Edit::Remove {
                kind: RecordKind::Trade,
                indices: vec![0],
            },
            Edit::Remove {
                kind: RecordKind::Fact,
                indices: vec![99],
            },
        ])
        .apply(&mut doc);
        assert!(result.is_err());
        assert_eq!(doc, original);
    }
}
