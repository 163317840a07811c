//! Every field of a record as text: for the details panel and the tables.

use super::country::display_name;
use super::document::{Document, Id};
use super::format;
use super::validate::{RecordKind, RecordRef};

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

/// The columns of the table of `kind`: the same fields as [`describe`].
pub fn columns(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Document => &["title", "notes"],
        RecordKind::Source => &["id", "title", "publisher", "url", "date", "note"],
        RecordKind::Country => &["code", "name", "group"],
        RecordKind::Category => &["code", "name", "HS chapter", "note"],
        RecordKind::Trade => &[
            "id",
            "year",
            "reporter",
            "partner",
            "flow",
            "category",
            "value_usd",
            "quantity",
            "source",
            "note",
        ],
        RecordKind::Investment => &[
            "id",
            "title",
            "parties",
            "organisations",
            "host",
            "sector",
            "kind",
            "amount_usd",
            "amount_basis",
            "status",
            "announced",
            "target_year",
            "description",
            "source",
        ],
        RecordKind::Indicator => &[
            "id", "country", "name", "segment", "year", "value", "unit", "kind", "source", "note",
        ],
        RecordKind::Fact => &["id", "countries", "topic", "text", "source"],
    }
}

/// Number of records of `kind`.
pub fn len(doc: &Document, kind: RecordKind) -> usize {
    match kind {
        RecordKind::Document => 1,
        RecordKind::Source => doc.sources.len(),
        RecordKind::Country => doc.countries.len(),
        RecordKind::Category => doc.categories.len(),
        RecordKind::Trade => doc.trade.len(),
        RecordKind::Investment => doc.investments.len(),
        RecordKind::Indicator => doc.indicators.len(),
        RecordKind::Fact => doc.facts.len(),
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn money(value: Option<f64>) -> String {
    value.map(format::usd_full).unwrap_or_default()
}

fn country(doc: &Document, code: &str) -> String {
    let name = display_name(doc, code);
    if name == code {
        code.to_owned()
    } else {
        format!("{code} ({name})")
    }
}

fn source_ref(source: Option<Id>) -> String {
    opt(source)
}

/// The text of every column of row `index` of the table of `kind` (see [`columns`]).
pub fn row(doc: &Document, kind: RecordKind, index: usize) -> Option<Vec<String>> {
    Some(match kind {
        RecordKind::Document => vec![doc.title.clone(), doc.notes.clone()],
        RecordKind::Source => {
            let s = doc.sources.get(index)?;
            vec![
                s.id.to_string(),
                s.title.clone(),
                s.publisher.clone(),
                s.url.clone(),
                opt(s.date),
                s.note.clone(),
            ]
        }
        RecordKind::Country => {
            let c = doc.countries.get(index)?;
            vec![
                c.code.clone(),
                display_name(doc, &c.code).to_owned(),
                if c.group { "yes" } else { "" }.to_owned(),
            ]
        }
        RecordKind::Category => {
            let c = doc.categories.get(index)?;
            let chapter = if c.is_hs() {
                super::hs::chapter_name(&c.code)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                String::new()
            };
            vec![c.code.clone(), c.name.clone(), chapter, c.note.clone()]
        }
        RecordKind::Trade => {
            let t = doc.trade.get(index)?;
            let category = match &t.category {
                Some(code) => match doc.category(code) {
                    Some(c) => format!("{code} ({})", c.name),
                    None => code.clone(),
                },
                None => String::new(),
            };
            vec![
                t.id.to_string(),
                opt(t.year),
                country(doc, &t.reporter),
                country(doc, &t.partner),
                t.flow.label().to_owned(),
                category,
                money(t.value_usd),
                t.quantity
                    .as_ref()
                    .map(|q| format!("{} {}", q.amount, q.unit))
                    .unwrap_or_default(),
                source_ref(t.source),
                t.note.clone(),
            ]
        }
        RecordKind::Investment => {
            let v = doc.investments.get(index)?;
            vec![
                v.id.to_string(),
                v.title.clone(),
                v.parties
                    .iter()
                    .map(|p| country(doc, p))
                    .collect::<Vec<_>>()
                    .join(", "),
                v.organisations.join(", "),
                v.host
                    .as_deref()
                    .map(|h| country(doc, h))
                    .unwrap_or_default(),
                v.sector.clone(),
                v.kind.label().to_owned(),
                money(v.amount_usd),
                v.amount_basis
                    .map(|b| b.label().to_owned())
                    .unwrap_or_default(),
                v.status.label().to_owned(),
                opt(v.announced),
                opt(v.target_year),
                v.description.clone(),
                source_ref(v.source),
            ]
        }
        RecordKind::Indicator => {
            let v = doc.indicators.get(index)?;
            vec![
                v.id.to_string(),
                country(doc, &v.country),
                v.name.clone(),
                v.segment.clone(),
                opt(v.year),
                v.value.to_string(),
                v.unit.clone(),
                v.kind.label().to_owned(),
                source_ref(v.source),
                v.note.clone(),
            ]
        }
        RecordKind::Fact => {
            let f = doc.facts.get(index)?;
            vec![
                f.id.to_string(),
                f.countries
                    .iter()
                    .map(|c| country(doc, c))
                    .collect::<Vec<_>>()
                    .join(", "),
                f.topic.clone(),
                f.text.clone(),
                source_ref(f.source),
            ]
        }
    })
}

fn cited_source(doc: &Document, kind: RecordKind, index: usize) -> Option<Id> {
    match kind {
        RecordKind::Trade => doc.trade.get(index)?.source,
        RecordKind::Investment => doc.investments.get(index)?.source,
        RecordKind::Indicator => doc.indicators.get(index)?.source,
        RecordKind::Fact => doc.facts.get(index)?.source,
        RecordKind::Source => doc.sources.get(index).map(|s| s.id),
        _ => None,
    }
}

/// Every field of the record `r` refers to, and its source; `None` when the record no
/// longer exists (e.g. after an edit removed it).
pub fn describe(doc: &Document, r: &RecordRef) -> Option<RecordDetails> {
    let values = row(doc, r.kind, r.index)?;
    let fields = columns(r.kind).iter().copied().zip(values).collect();
    let source = cited_source(doc, r.kind, r.index)
        .and_then(|id| doc.source(id))
        .map(|s| SourceInfo {
            id: s.id,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            date: opt(s.date),
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
        assert_eq!(details.fields.len(), columns(RecordKind::Trade).len());
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

    #[test]
    fn every_kind_has_as_many_values_as_columns() {
        let doc = crate::bundled_document();
        for kind in [
            RecordKind::Source,
            RecordKind::Country,
            RecordKind::Category,
            RecordKind::Trade,
            RecordKind::Investment,
            RecordKind::Indicator,
            RecordKind::Fact,
        ] {
            assert!(len(&doc, kind) > 0);
            for i in 0..len(&doc, kind) {
                assert_eq!(
                    row(&doc, kind, i).unwrap().len(),
                    columns(kind).len(),
                    "{kind:?}"
                );
            }
        }
    }
}
