//! The fields of every record kind: how each is shown, sorted, typed in and checked.
//!
//! Tables, the details panel, copying and pasting all go through this one definition, so
//! a field reads the same everywhere and every way of changing it is checked the same way.

mod parse;

use std::cmp::Ordering;

use super::country::display_name;
use super::date::PartialDate;
use super::document::{
    AmountBasis, Document, Flow, IndicatorKind, InvestmentKind, Quantity, Status,
};
use super::format;
use super::record::{RecView, Record};
use super::validate::{RecordChecker, RecordKind, Severity};

pub use parse::{edit_field, parse_money, with_text};

/// What kind of value a field holds, which decides its editor and its parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A record id (whole number).
    Id,
    /// Free text.
    Text,
    /// A country or group code (for the country list itself).
    Code,
    /// An amount in US dollars, optional.
    Money,
    /// A year, optional.
    Year,
    /// A date to the year, month or day, optional.
    Date,
    /// A number.
    Number,
    /// An amount with its unit, optional.
    Quantity,
    /// A country code, required.
    Country,
    /// A country code, optional.
    OptCountry,
    /// A list of country codes.
    Countries,
    /// A list of names.
    List,
    /// A source id, optional.
    Source,
    /// A category code, optional.
    Category,
    /// Yes or no.
    Bool,
    /// A trade flow.
    Flow,
    /// A kind of investment or agreement.
    InvestmentKind,
    /// What an amount means, optional.
    AmountBasis,
    /// A status.
    Status,
    /// Target or actual.
    IndicatorKind,
    /// Shown but not editable (e.g. how a dataset was read).
    ReadOnly,
}

impl FieldType {
    /// The choices of an enumerated field, as shown (and accepted when typed).
    pub fn choices(self) -> Option<Vec<&'static str>> {
        Some(match self {
            FieldType::Flow => Flow::ALL.iter().map(|v| v.label()).collect(),
            FieldType::InvestmentKind => InvestmentKind::ALL.iter().map(|v| v.label()).collect(),
            FieldType::Status => Status::ALL.iter().map(|v| v.label()).collect(),
            FieldType::IndicatorKind => IndicatorKind::ALL.iter().map(|v| v.label()).collect(),
            FieldType::AmountBasis => std::iter::once("")
                .chain(AmountBasis::ALL.iter().map(|v| v.label()))
                .collect(),
            FieldType::Bool => vec!["no", "yes"],
            _ => return None,
        })
    }

    /// Whether values sort as numbers.
    fn numeric(self) -> bool {
        matches!(
            self,
            FieldType::Id
                | FieldType::Money
                | FieldType::Year
                | FieldType::Number
                | FieldType::Quantity
        )
    }
}

/// A field of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Name as in the file format (and in copied headers).
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
}

impl Field {
    /// The column title shown in tables ("Value (US$)" for `value_usd`); the field's name
    /// as in the file stays in its tooltip and in copied headers.
    pub fn title(&self) -> String {
        match self.name {
            "id" => "ID".to_owned(),
            "url" => "URL".to_owned(),
            "value_usd" => "Value (US$)".to_owned(),
            "amount_usd" => "Amount (US$)".to_owned(),
            name => {
                let spaced = name.replace('_', " ");
                let mut chars = spaced.chars();
                chars
                    .next()
                    .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
            }
        }
    }
}

const fn f(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty }
}

use FieldType as T;

const SOURCE_FIELDS: [Field; 6] = [
    f("id", T::Id),
    f("title", T::Text),
    f("publisher", T::Text),
    f("url", T::Text),
    f("date", T::Date),
    f("note", T::Text),
];
const COUNTRY_FIELDS: [Field; 3] = [f("code", T::Code), f("name", T::Text), f("group", T::Bool)];
const CATEGORY_FIELDS: [Field; 3] = [f("code", T::Code), f("name", T::Text), f("note", T::Text)];
const TRADE_FIELDS: [Field; 10] = [
    f("id", T::Id),
    f("year", T::Year),
    f("reporter", T::Country),
    f("partner", T::Country),
    f("flow", T::Flow),
    f("category", T::Category),
    f("value_usd", T::Money),
    f("quantity", T::Quantity),
    f("source", T::Source),
    f("note", T::Text),
];
const INVESTMENT_FIELDS: [Field; 14] = [
    f("id", T::Id),
    f("title", T::Text),
    f("parties", T::Countries),
    f("organisations", T::List),
    f("host", T::OptCountry),
    f("sector", T::Text),
    f("kind", T::InvestmentKind),
    f("amount_usd", T::Money),
    f("amount_basis", T::AmountBasis),
    f("status", T::Status),
    f("announced", T::Date),
    f("target_year", T::Year),
    f("description", T::Text),
    f("source", T::Source),
];
const INDICATOR_FIELDS: [Field; 10] = [
    f("id", T::Id),
    f("country", T::Country),
    f("name", T::Text),
    f("segment", T::Text),
    f("year", T::Year),
    f("value", T::Number),
    f("unit", T::Text),
    f("kind", T::IndicatorKind),
    f("source", T::Source),
    f("note", T::Text),
];
const DATASET_FIELDS: [Field; 6] = [
    f("id", T::Id),
    f("name", T::Text),
    f("path", T::Text),
    f("layout", T::ReadOnly),
    f("rows", T::ReadOnly),
    f("note", T::Text),
];
const FACT_FIELDS: [Field; 5] = [
    f("id", T::Id),
    f("countries", T::Countries),
    f("topic", T::Text),
    f("text", T::Text),
    f("source", T::Source),
];

/// The fields of `kind`, in file order.
pub fn fields(kind: RecordKind) -> &'static [Field] {
    match kind {
        RecordKind::Source => &SOURCE_FIELDS,
        RecordKind::Country => &COUNTRY_FIELDS,
        RecordKind::Category => &CATEGORY_FIELDS,
        RecordKind::Trade => &TRADE_FIELDS,
        RecordKind::Investment => &INVESTMENT_FIELDS,
        RecordKind::Indicator => &INDICATOR_FIELDS,
        RecordKind::Fact => &FACT_FIELDS,
        RecordKind::Dataset => &DATASET_FIELDS,
        RecordKind::Document => &[],
    }
}

/// The index of field `name` of `kind`.
pub fn field_index(kind: RecordKind, name: &str) -> Option<usize> {
    fields(kind)
        .iter()
        .position(|f| f.name.eq_ignore_ascii_case(name.trim()))
}

/// One field's value, borrowed where possible, before it is turned into text.
enum Value<'a> {
    Text(&'a str),
    Id(u32),
    Money(Option<f64>),
    Year(Option<i32>),
    Date(Option<PartialDate>),
    Number(f64),
    Quantity(Option<&'a Quantity>),
    Country(&'a str),
    OptCountry(Option<&'a str>),
    Countries(&'a [String]),
    List(&'a [String]),
    Source(Option<u32>),
    Category(Option<&'a str>),
    Bool(bool),
    Label(&'static str),
    Count(u64),
}

fn value<'a>(view: RecView<'a>, field: usize) -> Option<Value<'a>> {
    use Value as V;
    Some(match view {
        RecView::Source(r) => match field {
            0 => V::Id(r.id),
            1 => V::Text(&r.title),
            2 => V::Text(&r.publisher),
            3 => V::Text(&r.url),
            4 => V::Date(r.date),
            5 => V::Text(&r.note),
            _ => return None,
        },
        RecView::Country(r) => match field {
            0 => V::Text(&r.code),
            1 => V::Text(&r.name),
            2 => V::Bool(r.group),
            _ => return None,
        },
        RecView::Category(r) => match field {
            0 => V::Text(&r.code),
            1 => V::Text(&r.name),
            2 => V::Text(&r.note),
            _ => return None,
        },
        RecView::Trade(r) => match field {
            0 => V::Id(r.id),
            1 => V::Year(r.year),
            2 => V::Country(&r.reporter),
            3 => V::Country(&r.partner),
            4 => V::Label(r.flow.label()),
            5 => V::Category(r.category.as_deref()),
            6 => V::Money(r.value_usd),
            7 => V::Quantity(r.quantity.as_ref()),
            8 => V::Source(r.source),
            9 => V::Text(&r.note),
            _ => return None,
        },
        RecView::Investment(r) => match field {
            0 => V::Id(r.id),
            1 => V::Text(&r.title),
            2 => V::Countries(&r.parties),
            3 => V::List(&r.organisations),
            4 => V::OptCountry(r.host.as_deref()),
            5 => V::Text(&r.sector),
            6 => V::Label(r.kind.label()),
            7 => V::Money(r.amount_usd),
            8 => V::Label(r.amount_basis.map_or("", |b| b.label())),
            9 => V::Label(r.status.label()),
            10 => V::Date(r.announced),
            11 => V::Year(r.target_year),
            12 => V::Text(&r.description),
            13 => V::Source(r.source),
            _ => return None,
        },
        RecView::Indicator(r) => match field {
            0 => V::Id(r.id),
            1 => V::Country(&r.country),
            2 => V::Text(&r.name),
            3 => V::Text(&r.segment),
            4 => V::Year(r.year),
            5 => V::Number(r.value),
            6 => V::Text(&r.unit),
            7 => V::Label(r.kind.label()),
            8 => V::Source(r.source),
            9 => V::Text(&r.note),
            _ => return None,
        },
        RecView::Fact(r) => match field {
            0 => V::Id(r.id),
            1 => V::Countries(&r.countries),
            2 => V::Text(&r.topic),
            3 => V::Text(&r.text),
            4 => V::Source(r.source),
            _ => return None,
        },
        RecView::Dataset(r) => match field {
            0 => V::Id(r.id),
            1 => V::Text(&r.name),
            2 => V::Text(&r.path),
            3 => V::Label(r.layout.label()),
            4 => V::Count(r.rows),
            5 => V::Text(&r.note),
            _ => return None,
        },
    })
}

fn number_text(v: f64) -> String {
    // `{}` prints the shortest text that reads back as the same number.
    format!("{v}")
}

/// The field as shown in a table cell: full money values, codes with names.
pub fn display(doc: &Document, view: RecView<'_>, field: usize) -> String {
    let country = |code: &str| {
        let name = display_name(doc, code);
        if name == code || code.is_empty() {
            code.to_owned()
        } else {
            format!("{code} ({name})")
        }
    };
    match value(view, field) {
        None => String::new(),
        Some(Value::Money(v)) => v.map(format::usd_full).unwrap_or_default(),
        // Shown grouped (270,000,005); edited and copied plain, as `edit_text` gives it.
        Some(Value::Count(n)) => format::group_thousands(n),
        Some(Value::Country(code)) => country(code),
        Some(Value::OptCountry(code)) => code.map(country).unwrap_or_default(),
        Some(Value::Countries(codes)) => codes
            .iter()
            .map(|c| country(c))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Category(Some(code))) => match doc.category(code) {
            Some(c) => format!("{code} ({})", c.name),
            None => code.to_owned(),
        },
        Some(Value::Source(Some(id))) => match doc.source(id) {
            Some(s) => format!("{id}: {}", s.title),
            None => id.to_string(),
        },
        Some(other) => plain_text(other),
    }
}

fn plain_text(v: Value<'_>) -> String {
    match v {
        Value::Text(t) | Value::Country(t) | Value::Label(t) => t.to_owned(),
        Value::Id(id) => id.to_string(),
        Value::Money(v) => v.map(number_text).unwrap_or_default(),
        Value::Year(y) => y.map(|y| y.to_string()).unwrap_or_default(),
        Value::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Value::Number(n) => number_text(n),
        Value::Quantity(q) => q
            .map(|q| format!("{} {}", number_text(q.amount), q.unit))
            .unwrap_or_default(),
        Value::OptCountry(c) | Value::Category(c) => c.unwrap_or_default().to_owned(),
        Value::Countries(list) | Value::List(list) => list.join(", "),
        Value::Source(id) => id.map(|i| i.to_string()).unwrap_or_default(),
        Value::Bool(b) => if b { "yes" } else { "no" }.to_owned(),
        Value::Count(n) => n.to_string(),
    }
}

/// The field as text to edit, copy and paste: exactly what [`with_text`] reads back.
pub fn edit_text(view: RecView<'_>, field: usize) -> String {
    value(view, field).map(plain_text).unwrap_or_default()
}

/// A value to sort by: numbers numerically, missing values last.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    /// A number.
    Number(f64),
    /// Text, compared case-insensitively.
    Text(String),
    /// No value.
    Missing,
}

impl SortKey {
    /// Ascending order, missing values last.
    pub fn compare(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Missing, SortKey::Missing) => Ordering::Equal,
            (SortKey::Missing, _) => Ordering::Greater,
            (_, SortKey::Missing) => Ordering::Less,
            (SortKey::Number(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Number(_)) => Ordering::Greater,
        }
    }
}

/// The key to sort rows by `field`.
pub fn sort_key(doc: &Document, view: RecView<'_>, field: usize) -> SortKey {
    let Some(v) = value(view, field) else {
        return SortKey::Missing;
    };
    let number = match &v {
        Value::Id(id) => Some(f64::from(*id)),
        Value::Money(m) => *m,
        Value::Year(y) => y.map(f64::from),
        Value::Number(n) => Some(*n),
        Value::Quantity(q) => q.map(|q| q.amount),
        Value::Source(s) => s.map(f64::from),
        Value::Count(n) => Some(*n as f64),
        _ => None,
    };
    let ty = fields(view.kind())[field].ty;
    if ty.numeric() || matches!(v, Value::Source(_)) {
        return number.map_or(SortKey::Missing, SortKey::Number);
    }
    let text = display(doc, view, field);
    if text.is_empty() {
        SortKey::Missing
    } else {
        SortKey::Text(text.to_lowercase())
    }
}

/// Case-insensitive `contains` for a needle already in lower case, without allocating when
/// the needle is ASCII (the common case, and the one a million rows need to be fast).
fn contains_lower(hay: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
        needle.is_empty()
            || hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// Whether field `field` of the record, as shown, contains `needle` (already lower case).
fn field_contains(doc: &Document, view: RecView<'_>, field: usize, needle: &str) -> bool {
    let country = |code: &str| {
        contains_lower(code, needle) || contains_lower(display_name(doc, code), needle)
    };
    match value(view, field) {
        None => false,
        Some(Value::Text(t) | Value::Label(t)) => contains_lower(t, needle),
        Some(Value::Country(code)) => country(code),
        Some(Value::OptCountry(code)) => code.is_some_and(country),
        Some(Value::Countries(codes)) => codes.iter().any(|c| country(c)),
        Some(Value::List(items)) => items.iter().any(|i| contains_lower(i, needle)),
        Some(Value::Category(code)) => code.is_some_and(|code| {
            contains_lower(code, needle)
                || doc
                    .category(code)
                    .is_some_and(|c| contains_lower(&c.name, needle))
        }),
        Some(Value::Source(id)) => id.is_some_and(|id| {
            contains_lower(&id.to_string(), needle)
                || doc
                    .source(id)
                    .is_some_and(|s| contains_lower(&s.title, needle))
        }),
        // Numbers and dates: only worth formatting when the needle could match them.
        Some(_)
            if !needle
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'$' || b == b',') =>
        {
            matches!(value(view, field), Some(Value::Bool(_)))
                && contains_lower(&display(doc, view, field), needle)
        }
        Some(_) => contains_lower(&display(doc, view, field), needle),
    }
}

/// Whether any field of the record, as shown, contains `needle` (already lower case).
pub fn row_contains(doc: &Document, view: RecView<'_>, needle: &str) -> bool {
    needle.is_empty()
        || (0..fields(view.kind()).len()).any(|i| field_contains(doc, view, i, needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_many_spellings() {
        for (text, value) in [
            ("53.7M", 53_700_000.0),
            ("$53.7M", 53_700_000.0),
            ("5B", 5e9),
            ("812K", 812_000.0),
            ("812k", 812_000.0),
            ("1,234,567", 1_234_567.0),
            ("53700000", 53_700_000.0),
            (" $ 1,234.50 ", 1_234.5),
            ("US$5 b", 5e9),
            ("1.5e6", 1.5e6),
        ] {
            assert_eq!(parse_money(text), Ok(Some(value)), "{text}");
        }
        assert_eq!(parse_money(""), Ok(None));
        for bad in ["abc", "5X", "1.2.3M", "M"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edit_text_reads_back_to_the_same_record() {
        let doc = crate::bundled_document();
        for kind in RecordKind::LISTS {
            for index in 0..doc.len_of(kind) {
                let view = doc.view(kind, index).unwrap();
                for field in 0..fields(kind).len() {
                    let text = edit_text(view, field);
                    let back = with_text(view, field, &text).unwrap();
                    assert_eq!(
                        back,
                        view.to_record(),
                        "{kind:?} {index} {}",
                        fields(kind)[field].name
                    );
                }
            }
        }
    }

    #[test]
    fn a_datasets_row_count_is_shown_grouped_and_edited_plain() {
        let link = crate::model::dataset::DatasetLink {
            id: 1,
            name: "rel29".into(),
            path: "/tmp/rel29".into(),
            layout: crate::model::dataset::Layout::Baci,
            mapping: None,
            rows: 270_000_005,
            size: 0,
            modified_ns: 0,
            fingerprint: String::new(),
            note: String::new(),
        };
        let record = Record::Dataset(link);
        let rows = field_index(RecordKind::Dataset, "rows").unwrap();
        let doc = Document::new();
        assert_eq!(display(&doc, record.view(), rows), "270,000,005");
        assert_eq!(edit_text(record.view(), rows), "270000005");
        // Pasting what was copied leaves the count as it is; another count is refused.
        let back = with_text(record.view(), rows, "270000005").unwrap();
        assert_eq!(back, record);
        assert!(with_text(record.view(), rows, "5").is_err());
        assert!(row_contains(&doc, record.view(), "270,000"));
    }

    #[test]
    fn edits_are_checked_before_they_are_accepted() {
        let doc = crate::bundled_document();
        let value = field_index(RecordKind::Trade, "value_usd").unwrap();
        let ok = edit_field(&doc, RecordKind::Trade, 0, value, "60M").unwrap();
        assert!(matches!(ok, Record::Trade(t) if t.value_usd == Some(60e6)));
        let err = edit_field(&doc, RecordKind::Trade, 0, value, "-5M").unwrap_err();
        assert!(err.contains("negative"), "{err}");
        let err = edit_field(&doc, RecordKind::Trade, 0, value, "lots").unwrap_err();
        assert!(err.contains("not an amount"), "{err}");
        let partner = field_index(RecordKind::Trade, "partner").unwrap();
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, partner, "XYZ")
                .unwrap_err()
                .contains("unknown country")
        );
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, partner, "KAZ")
                .unwrap_err()
                .contains("both KAZ")
        );
        let year = field_index(RecordKind::Trade, "year").unwrap();
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, year, "1850")
                .unwrap_err()
                .contains("outside")
        );
        let id = field_index(RecordKind::Trade, "id").unwrap();
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, id, "2")
                .unwrap_err()
                .contains("already used")
        );
        let source = field_index(RecordKind::Trade, "source").unwrap();
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, source, "9")
                .unwrap_err()
                .contains("does not exist")
        );
        let flow = field_index(RecordKind::Trade, "flow").unwrap();
        let ok = edit_field(&doc, RecordKind::Trade, 0, flow, "export").unwrap();
        assert!(matches!(ok, Record::Trade(t) if t.flow == Flow::Export));
        assert!(
            edit_field(&doc, RecordKind::Trade, 0, flow, "sideways")
                .unwrap_err()
                .contains("choose")
        );
    }

    #[test]
    fn sort_keys_compare_numbers_as_numbers() {
        let doc = crate::bundled_document();
        let value = field_index(RecordKind::Trade, "value_usd").unwrap();
        let a = sort_key(&doc, doc.view(RecordKind::Trade, 0).unwrap(), value);
        let b = sort_key(&doc, doc.view(RecordKind::Trade, 1).unwrap(), value);
        assert_eq!(a, SortKey::Number(53.7e6));
        assert_eq!(b, SortKey::Missing);
        assert_eq!(a.compare(&b), Ordering::Less, "missing values sort last");
        assert_eq!(
            SortKey::Number(9.0).compare(&SortKey::Number(10.0)),
            Ordering::Less
        );
    }

    #[test]
    fn display_names_codes_and_sources() {
        let doc = crate::bundled_document();
        let view = doc.view(RecordKind::Trade, 1).unwrap();
        assert_eq!(display(&doc, view, 2), "PAK (Pakistan)");
        assert_eq!(display(&doc, view, 5), "0805 (Citrus fruits)");
        assert!(display(&doc, view, 8).starts_with("1: Kazakh president"));
        assert!(row_contains(&doc, view, "citrus"));
        assert!(row_contains(&doc, view, "pakistan"));
        assert!(!row_contains(&doc, view, "japan"));
        let total = doc.view(RecordKind::Trade, 0).unwrap();
        assert!(row_contains(&doc, total, "53,700"), "money as shown");
        assert!(row_contains(&doc, total, "2024"));
        assert!(!row_contains(&doc, total, "99"));
        assert!(contains_lower("Türkiye", "türk"));
    }

    #[test]
    fn columns_have_human_titles() {
        let title = |kind, name| {
            fields(kind)
                .iter()
                .find(|f| f.name == name)
                .map(Field::title)
        };
        assert_eq!(
            title(RecordKind::Trade, "value_usd").as_deref(),
            Some("Value (US$)")
        );
        assert_eq!(
            title(RecordKind::Investment, "target_year").as_deref(),
            Some("Target year")
        );
        assert_eq!(title(RecordKind::Source, "url").as_deref(), Some("URL"));
        assert_eq!(
            title(RecordKind::Trade, "reporter").as_deref(),
            Some("Reporter")
        );
    }
}
