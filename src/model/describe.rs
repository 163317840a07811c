//! Every field of a record as text: for the details panel and the tables.

use super::document::{Document, Id};
use super::fields;
use super::validate::RecordRef;

/// A source as shown beside a record.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    /// Source id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Date, if known.
    pub date: String,
    /// Link, possibly empty.
    pub url: String,
    /// Note.
    pub note: String,
}

/// One record, every field as text.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDetails {
    /// Heading, e.g. "Trade record 1".
    pub heading: String,
    /// (field, value) in the order of the file format.
    pub fields: Vec<(&'static str, String)>,
    /// The cited source, when it exists.
    pub source: Option<SourceInfo>,
}

/// Every field of the record `r` refers to, and its source; `None` when the record no
/// longer exists (e.g. after an edit removed it).
pub fn describe(doc: &Document, r: &RecordRef) -> Option<RecordDetails> {
    let view = doc.view(r.kind, r.index)?;
    let fields = fields::fields(r.kind)
        .iter()
        .enumerate()
        .map(|(i, field)| (field.name, fields::display(doc, view, i)))
        .collect();
    let source = view
        .source()
        .or(match view {
            super::record::RecView::Source(s) => Some(s.id),
            _ => None,
        })
        .and_then(|id| doc.source(id))
        .map(|s| SourceInfo {
            id: s.id,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            date: s.date.map(|d| d.to_string()).unwrap_or_default(),
            url: s.url.clone(),
            note: s.note.clone(),
        });
    let mut heading = r.kind.label().to_owned();
    if let Some(first) = heading.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    Some(RecordDetails {
        heading: format!("{heading} {}", r.key),
        fields,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordKind;

    #[test]
    fn describes_every_field_and_the_source() {
        let doc = crate::bundled_document();
        let r = RecordRef {
            kind: RecordKind::Trade,
            index: 0,
            key: "1".into(),
        };
        let details = describe(&doc, &r).unwrap();
        assert_eq!(details.heading, "Trade record 1");
        assert_eq!(
            details.fields.len(),
            fields::fields(RecordKind::Trade).len()
        );
        assert!(
            details
                .fields
                .contains(&("value_usd", "$53,700,000".to_owned()))
        );
        assert!(
            details
                .fields
                .contains(&("reporter", "KAZ (Kazakhstan)".to_owned()))
        );
        assert_eq!(details.source.unwrap().publisher, "Arab News");
        let gone = RecordRef {
            kind: RecordKind::Trade,
            index: 999,
            key: "x".into(),
        };
        assert!(describe(&doc, &gone).is_none());
    }
}
