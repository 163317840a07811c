//! Editing in the Tables view: cells, rows, the clipboard, and the cache of the rows shown.

use std::collections::BTreeSet;

use crate::model::format::count;
use crate::model::table::{self, TableQuery};
use crate::model::{Document, Edit, Record, RecordKind, fields};
use crate::state::{CellEdit, CellMove, PendingDelete};

use super::TradeApp;

/// The current table's rows in view order and its quick-filter choices, recomputed only
/// when the document, the table or its query changes.
#[derive(Debug, Clone, Default)]
pub(super) struct TableCache {
    rows_key: Option<(u64, RecordKind, TableQuery)>,
    pub(super) rows: Vec<usize>,
    choices_key: Option<(u64, RecordKind)>,
    pub(super) choices: (Vec<i32>, Vec<String>),
}

impl TableCache {
    /// Whether rows and choices are those of `revision`, `kind` and `query`.
    pub(super) fn is_current(&self, revision: u64, kind: RecordKind, query: &TableQuery) -> bool {
        self.choices_key == Some((revision, kind))
            && self
                .rows_key
                .as_ref()
                .is_some_and(|(r, k, q)| *r == revision && *k == kind && q == query)
    }

    pub(super) fn update(
        &mut self,
        doc: &Document,
        revision: u64,
        kind: RecordKind,
        query: TableQuery,
    ) {
        if self.choices_key != Some((revision, kind)) {
            self.choices = table::filter_choices(doc, kind);
            self.choices_key = Some((revision, kind));
        }
        let key = Some((revision, kind, query));
        if self.rows_key != key {
            if let Some((_, kind, query)) = &key {
                self.rows = table::view_rows(doc, *kind, query);
            }
            self.rows_key = key;
        }
    }
}

impl TradeApp {
    pub(super) fn copy_rows_to_clipboard(&mut self, kind: RecordKind) {
        let selected = &self.ui_state.table(kind).selected;
        let rows: Vec<usize> = if kind == self.nav.table_kind {
            self.table_cache
                .rows
                .iter()
                .copied()
                .filter(|i| selected.contains(i))
                .collect()
        } else {
            selected.iter().copied().collect()
        };
        if !rows.is_empty() {
            self.ctx
                .copy_text(table::rows_to_tsv(&self.doc, kind, &rows));
            self.ui_state
                .toast(format!("Copied {}", count(rows.len(), "row")));
        }
    }

    pub(super) fn edit_cell(
        &mut self,
        kind: RecordKind,
        index: usize,
        field: usize,
        text: String,
        then: CellMove,
    ) {
        match fields::edit_field(&self.doc, kind, index, field, &text) {
            Ok(record) => {
                let unchanged = self
                    .doc
                    .view(kind, index)
                    .is_some_and(|v| v.to_record() == record);
                if !unchanged && !self.apply_edit(Edit::Replace { index, record }) {
                    return;
                }
                self.ui_state.table(kind).editing = None;
                self.move_cursor(kind, index, field, then);
            }
            Err(reason) => {
                self.ui_state.table(kind).editing = Some(CellEdit {
                    index,
                    field,
                    text,
                    error: Some(reason),
                    fresh: true,
                    pick: 0,
                });
            }
        }
    }

    /// Moves the table cursor after a commit; Tab and Shift+Tab keep editing.
    fn move_cursor(&mut self, kind: RecordKind, index: usize, field: usize, then: CellMove) {
        let n_fields = fields::fields(kind).len();
        let rows = if kind == self.nav.table_kind {
            self.table_cache.rows.clone()
        } else {
            Vec::new()
        };
        let position = rows.iter().position(|&i| i == index);
        let step = |delta: isize| -> Option<(usize, usize)> {
            let flat = position? as isize * n_fields as isize + field as isize + delta;
            if flat < 0 || flat >= (rows.len() * n_fields) as isize {
                return None;
            }
            let flat = flat as usize;
            Some((rows[flat / n_fields], flat % n_fields))
        };
        let target = match then {
            CellMove::Stay => Some((index, field)),
            CellMove::Next => step(1),
            CellMove::Previous => step(-1),
            CellMove::Down => step(n_fields as isize).or(Some((index, field))),
        };
        let Some((row, col)) = target else {
            return;
        };
        let editing = matches!(then, CellMove::Next | CellMove::Previous).then(|| CellEdit {
            index: row,
            field: col,
            text: self
                .doc
                .view(kind, row)
                .map(|v| fields::edit_text(v, col))
                .unwrap_or_default(),
            error: None,
            fresh: true,
            pick: 0,
        });
        let table = self.ui_state.table(kind);
        table.cursor = Some((row, col));
        table.selected = [row].into_iter().collect();
        table.anchor = Some(row);
        table.scroll_to = Some(row);
        table.editing = editing;
    }

    pub(super) fn add_row(&mut self, kind: RecordKind) {
        let query = self.ui_state.table(kind).query.clone();
        let pair = (
            self.nav.page.focus.as_deref(),
            self.nav.page.partner.as_deref(),
        );
        let Some(record) = table::new_record(&self.doc, kind, &query, pair) else {
            return;
        };
        let index = self.doc.len_of(kind);
        if self.apply_edit(Edit::Insert(vec![(index, record)])) {
            let table = self.ui_state.table(kind);
            table.selected = [index].into_iter().collect();
            table.anchor = Some(index);
            table.cursor = Some((index, 0));
            table.scroll_to = Some(index);
            table.editing = None;
        }
    }

    pub(super) fn delete_rows(&mut self, kind: RecordKind) {
        let rows = self.ui_state.table(kind).selected.clone();
        if rows.is_empty() {
            return;
        }
        if kind == RecordKind::Source {
            let mut lines = Vec::new();
            for &index in &rows {
                let Some(source) = self.doc.sources.get(index) else {
                    continue;
                };
                let citing = table::citing(&self.doc, source.id);
                if !citing.is_empty() {
                    let names: Vec<String> = citing
                        .iter()
                        .take(12)
                        .map(|r| format!("{} {}", r.kind.label(), r.key))
                        .collect();
                    let more = citing.len().saturating_sub(names.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    lines.push(format!(
                        "Source {} \"{}\" is cited by {}: {}{more}.",
                        source.id,
                        source.title,
                        count(citing.len(), "record"),
                        names.join(", ")
                    ));
                }
            }
            if !lines.is_empty() {
                self.ui_state.pending_delete = Some(PendingDelete {
                    kind,
                    rows,
                    question: format!(
                        "{}\n\nDelete anyway? Those records will cite a source that no longer exists (the Problems view lists them).",
                        lines.join("\n")
                    ),
                });
                return;
            }
        }
        self.remove_rows(kind, rows);
    }

    pub(super) fn remove_rows(&mut self, kind: RecordKind, rows: BTreeSet<usize>) {
        let indices: Vec<usize> = rows.into_iter().collect();
        if self.apply_edit(Edit::Remove { kind, indices }) {
            let table = self.ui_state.table(kind);
            table.selected.clear();
            table.cursor = None;
            table.editing = None;
        }
    }

    pub(super) fn paste(&mut self, kind: RecordKind, text: &str) {
        let outcome = table::parse_paste(&self.doc, kind, text);
        let start = self.doc.len_of(kind);
        let added = outcome.records.len();
        if added > 0 {
            let inserts = outcome
                .records
                .into_iter()
                .enumerate()
                .map(|(k, record)| (start + k, record))
                .collect();
            if !self.apply_edit(Edit::Insert(inserts)) {
                return;
            }
            let table = self.ui_state.table(kind);
            table.selected = (start..start + added).collect();
            table.scroll_to = Some(start);
            table.cursor = Some((start, 0));
        }
        if outcome.rejected.is_empty() {
            self.ui_state
                .toast(format!("Pasted {}", count(added, "row")));
        } else {
            let mut lines: Vec<String> = outcome
                .rejected
                .iter()
                .take(20)
                .map(|(line, reason)| format!("Line {line}: {reason}"))
                .collect();
            if outcome.rejected.len() > 20 {
                lines.push(format!("… and {} more", outcome.rejected.len() - 20));
            }
            self.show_message(
                "Some rows were not pasted",
                format!(
                    "{} added, {} refused:\n{}",
                    count(added, "row"),
                    outcome.rejected.len(),
                    lines.join("\n")
                ),
            );
        }
    }

    pub(super) fn new_source_for(&mut self, kind: RecordKind, index: usize, field: usize) {
        let id = self.doc.next_id(RecordKind::Source);
        let Some(Record::Source(mut source)) = table::blank_record(RecordKind::Source, id) else {
            return;
        };
        source.title = "New source".to_owned();
        let Some(view) = self.doc.view(kind, index) else {
            return;
        };
        let Ok(record) = fields::with_text(view, field, &id.to_string()) else {
            return;
        };
        let at = self.doc.sources.len();
        let edit = Edit::Batch(vec![
            Edit::Insert(vec![(at, Record::Source(source))]),
            Edit::Replace { index, record },
        ]);
        if self.apply_edit(edit) {
            self.ui_state.table(kind).editing = None;
            self.ui_state.toast(format!(
                "Added source {id}; give it a title in the Sources table"
            ));
        }
    }
}
