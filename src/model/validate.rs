//! Validation: everything that is wrong with a document that parsed.
//!
//! A document with problems still opens; the problems are listed so that the user can
//! fix them. Only syntax and type errors refuse a file (see `io`).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::country;
use super::document::{Document, Id, is_hs_code};
use super::hs;
use super::record::{RecView, Record};

/// Earliest year accepted in records.
pub const MIN_YEAR: i32 = 1900;
/// Latest year accepted in records.
pub const MAX_YEAR: i32 = 2100;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record is wrong: a figure cannot be trusted or a reference is broken.
    Error,
    /// Probably a mistake or a gap, e.g. a record without a source.
    Warning,
}

impl Severity {
    /// Lower-case name, as printed by the command line.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which list of the document a record is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The document itself (title, notes).
    Document,
    /// `sources`.
    Source,
    /// `countries`.
    Country,
    /// `categories`.
    Category,
    /// `trade`.
    Trade,
    /// `investments`.
    Investment,
    /// `indicators`.
    Indicator,
    /// `facts`.
    Fact,
    /// `datasets`.
    Dataset,
}

impl RecordKind {
    /// The document's lists, in file order.
    pub const LISTS: [RecordKind; 8] = [
        RecordKind::Source,
        RecordKind::Country,
        RecordKind::Category,
        RecordKind::Trade,
        RecordKind::Investment,
        RecordKind::Indicator,
        RecordKind::Fact,
        RecordKind::Dataset,
    ];

    /// Singular name for messages.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Document => "document",
            RecordKind::Source => "source",
            RecordKind::Country => "country",
            RecordKind::Category => "category",
            RecordKind::Trade => "trade record",
            RecordKind::Investment => "investment",
            RecordKind::Indicator => "indicator",
            RecordKind::Fact => "fact",
            RecordKind::Dataset => "dataset",
        }
    }
}

/// A record in a document: its kind, its position in the list and its id or code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RecordRef {
    /// The list the record is in.
    pub kind: RecordKind,
    /// Position in that list (0-based).
    pub index: usize,
    /// The record's id or code, as text.
    pub key: String,
}

/// One thing wrong with a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The record concerned.
    pub record: RecordRef,
    /// The field concerned.
    pub field: &'static str,
    /// What is wrong, in words that say what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.record;
        if r.kind == RecordKind::Document {
            write!(
                f,
                "{}: {}: {}",
                self.severity.label(),
                self.field,
                self.message
            )
        } else {
            write!(
                f,
                "{}: {} {} (#{}), {}: {}",
                self.severity.label(),
                r.kind.label(),
                r.key,
                r.index + 1,
                self.field,
                self.message
            )
        }
    }
}

struct Checker<'a> {
    doc: &'a Document,
    source_ids: HashSet<Id>,
    category_codes: HashSet<&'a str>,
    declared_codes: HashSet<&'a str>,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, severity: Severity, record: &RecordRef, field: &'static str, msg: String) {
        self.problems.push(Problem {
            severity,
            record: record.clone(),
            field,
            message: msg,
        });
    }

    /// Control characters in a text field: an error (the file still opens).
    fn text(&mut self, record: &RecordRef, field: &'static str, text: &str) {
        if let Some(c) = super::texts::control_char(text) {
            self.push(
                Severity::Error,
                record,
                field,
                format!(
                    "the text contains the control character {}, a sign of a damaged file; retype it",
                    super::texts::describe_control(c)
                ),
            );
        }
    }

    fn year(&mut self, record: &RecordRef, field: &'static str, year: i32) {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            self.push(
                Severity::Error,
                record,
                field,
                format!("year {year} is outside {MIN_YEAR}–{MAX_YEAR}"),
            );
        }
    }

    fn money(&mut self, record: &RecordRef, field: &'static str, value: f64) {
        if !value.is_finite() {
            self.push(
                Severity::Error,
                record,
                field,
                format!("{value} is not a number: enter an amount in US dollars"),
            );
        } else if value < 0.0 {
            self.push(
                Severity::Error,
                record,
                field,
                format!("negative amount {value}: amounts are never negative (use the flow to say which way)"),
            );
        }
    }

    fn country(&mut self, record: &RecordRef, field: &'static str, code: &str) {
        if code.is_empty() {
            self.push(Severity::Error, record, field, "no country code".into());
        } else if !(country::is_iso_alpha3(code) || self.declared_codes.contains(code)) {
            self.push(
                Severity::Error,
                record,
                field,
                format!(
                    "unknown country code '{code}': use an ISO 3166-1 alpha-3 code (e.g. PAK) or declare it as a group"
                ),
            );
        }
    }

    fn source(&mut self, record: &RecordRef, source: Option<Id>) {
        match source {
            None => self.push(
                Severity::Warning,
                record,
                "source",
                "no source: every figure should say where it comes from".into(),
            ),
            Some(id) if !self.source_ids.contains(&id) => self.push(
                Severity::Error,
                record,
                "source",
                format!("source {id} does not exist"),
            ),
            Some(_) => {}
        }
    }

    fn duplicate_ids<'t, T: Clone, K>(
        &mut self,
        kind: RecordKind,
        items: &'t crate::model::RecordList<T>,
        id: impl Fn(&'t T) -> K,
    ) where
        K: std::hash::Hash + Eq + fmt::Display,
    {
        let mut seen: HashMap<K, usize> = HashMap::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let key = id(item);
            if let Some(first) = seen.get(&key) {
                let record = RecordRef {
                    kind,
                    index,
                    key: key.to_string(),
                };
                let msg = format!(
                    "duplicate id {key}: {} #{} has the same id; ids must be unique",
                    kind.label(),
                    first + 1
                );
                self.push(Severity::Error, &record, "id", msg);
            } else {
                seen.insert(key, index);
            }
        }
    }
}

fn rec(kind: RecordKind, index: usize, key: impl ToString) -> RecordRef {
    RecordRef {
        kind,
        index,
        key: key.to_string(),
    }
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Document) -> Self {
        Checker {
            doc,
            source_ids: doc.sources.iter().map(|s| s.id).collect(),
            category_codes: doc.categories.iter().map(|c| c.code.as_str()).collect(),
            declared_codes: doc.countries.iter().map(|c| c.code.as_str()).collect(),
            problems: Vec::new(),
        }
    }

    fn record(&mut self, view: RecView<'_>, index: usize) {
        // The key is only written into the problems found: most records have none, and a
        // million keys would cost a million allocations.
        let start = self.problems.len();
        let r = rec(view.kind(), index, "");
        self.record_checks(view, &r);
        super::texts::each_text(view, |field, text| self.text(&r, field, text));
        if self.problems.len() > start {
            let key = view.key();
            for problem in &mut self.problems[start..] {
                problem.record.key.clone_from(&key);
            }
        }
    }

    fn record_checks(&mut self, view: RecView<'_>, r: &RecordRef) {
        match view {
            RecView::Source(s) => self.source_record(r, s),
            RecView::Country(e) => self.country_record(r, e),
            RecView::Category(k) => self.category_record(r, k),
            RecView::Trade(t) => self.trade_record(r, t),
            RecView::Investment(v) => self.investment_record(r, v),
            RecView::Indicator(v) => self.indicator_record(r, v),
            RecView::Fact(v) => self.fact_record(r, v),
            RecView::Dataset(d) => {
                if d.path.trim().is_empty() {
                    self.push(
                        Severity::Error,
                        r,
                        "path",
                        "the dataset has no file path".into(),
                    );
                }
                if d.name.trim().is_empty() {
                    self.push(
                        Severity::Warning,
                        r,
                        "name",
                        "the dataset has no name".into(),
                    );
                }
            }
        }
    }

    fn source_record(&mut self, r: &RecordRef, s: &super::document::Source) {
        if s.title.trim().is_empty() {
            self.push(
                Severity::Warning,
                r,
                "title",
                "the source has no title".into(),
            );
        }
        if !(s.url.is_empty() || s.url.starts_with("https://") || s.url.starts_with("http://")) {
            self.push(
                Severity::Warning,
                r,
                "url",
                format!("'{}' is not a web address (http:// or https://)", s.url),
            );
        }
        if let Some(date) = s.date {
            self.year(r, "date", date.year());
        }
    }

    fn country_record(&mut self, r: &RecordRef, e: &super::document::CountryEntry) {
        if e.group {
            if !country::is_valid_group_code(&e.code) {
                self.push(
                    Severity::Error,
                    r,
                    "code",
                    format!(
                        "group code '{}' must be 2–8 capital letters, digits or _",
                        e.code
                    ),
                );
            }
            if e.name.trim().is_empty() {
                self.push(Severity::Warning, r, "name", "the group has no name".into());
            }
        } else if !country::is_iso_alpha3(&e.code) {
            self.push(
                Severity::Error,
                r,
                "code",
                format!(
                    "'{}' is not an ISO 3166-1 alpha-3 code; mark it as a group if it is the document's own code",
                    e.code
                ),
            );
        }
    }

    fn category_record(&mut self, r: &RecordRef, k: &super::document::Category) {
        if k.code.trim().is_empty() {
            self.push(
                Severity::Error,
                r,
                "code",
                "the category has no code".into(),
            );
        } else if is_hs_code(&k.code) && !hs::is_chapter_in_use(&k.code) {
            self.push(
                Severity::Warning,
                r,
                "code",
                format!(
                    "'{}' looks like an HS code but its chapter does not exist",
                    k.code
                ),
            );
        }
        if k.name.trim().is_empty() {
            self.push(
                Severity::Warning,
                r,
                "name",
                "the category has no name".into(),
            );
        }
    }

    fn trade_record(&mut self, r: &RecordRef, t: &super::document::TradeVolume) {
        if let Some(year) = t.year {
            self.year(r, "year", year);
        }
        self.country(r, "reporter", &t.reporter);
        self.country(r, "partner", &t.partner);
        if !t.reporter.is_empty() && t.reporter == t.partner {
            self.push(
                Severity::Error,
                r,
                "partner",
                format!("reporter and partner are both {}", t.reporter),
            );
        }
        if let Some(code) = &t.category
            && !self.category_codes.contains(code.as_str())
        {
            self.push(
                Severity::Error,
                r,
                "category",
                format!("category '{code}' is not in the document's categories"),
            );
        }
        if let Some(value) = t.value_usd {
            self.money(r, "value_usd", value);
        }
        if let Some(q) = &t.quantity {
            if !q.amount.is_finite() || q.amount < 0.0 {
                self.push(
                    Severity::Error,
                    r,
                    "quantity",
                    format!("quantity {} must be a number of at least 0", q.amount),
                );
            }
            if q.unit.trim().is_empty() {
                self.push(
                    Severity::Warning,
                    r,
                    "quantity",
                    "the quantity has no unit".into(),
                );
            }
        }
        self.source(r, t.source);
    }

    fn investment_record(&mut self, r: &RecordRef, v: &super::document::Investment) {
        if v.title.trim().is_empty() {
            self.push(
                Severity::Warning,
                r,
                "title",
                "the record has no title".into(),
            );
        }
        if v.parties.is_empty() {
            self.push(Severity::Warning, r, "parties", "no party country".into());
        }
        for p in &v.parties {
            self.country(r, "parties", p);
        }
        if let Some(host) = &v.host {
            self.country(r, "host", host);
        }
        match (v.amount_usd, v.amount_basis) {
            (Some(amount), basis) => {
                self.money(r, "amount_usd", amount);
                if basis.is_none() {
                    self.push(
                        Severity::Warning,
                        r,
                        "amount_basis",
                        "say whether the amount is pledged, committed or projected".into(),
                    );
                }
            }
            (None, Some(_)) => self.push(
                Severity::Warning,
                r,
                "amount_basis",
                "an amount basis is set but there is no amount".into(),
            ),
            (None, None) => {}
        }
        if let Some(date) = v.announced {
            self.year(r, "announced", date.year());
        }
        if let Some(year) = v.target_year {
            self.year(r, "target_year", year);
        }
        self.source(r, v.source);
    }

    fn indicator_record(&mut self, r: &RecordRef, v: &super::document::Indicator) {
        self.country(r, "country", &v.country);
        if v.name.trim().is_empty() {
            self.push(
                Severity::Warning,
                r,
                "name",
                "the indicator has no name".into(),
            );
        }
        if let Some(year) = v.year {
            self.year(r, "year", year);
        }
        if !v.value.is_finite() {
            self.push(
                Severity::Error,
                r,
                "value",
                format!("{} is not a number", v.value),
            );
        }
        self.source(r, v.source);
    }

    fn fact_record(&mut self, r: &RecordRef, v: &super::document::Fact) {
        for code in &v.countries {
            self.country(r, "countries", code);
        }
        if v.text.trim().is_empty() {
            self.push(Severity::Warning, r, "text", "the fact has no text".into());
        }
        self.source(r, v.source);
    }
}

/// Lists everything wrong with `doc`, errors before warnings, in document order within each.
pub fn validate(doc: &Document) -> Vec<Problem> {
    let mut c = Checker::new(doc);

    if doc.title.trim().is_empty() {
        let r = rec(RecordKind::Document, 0, "");
        c.push(
            Severity::Warning,
            &r,
            "title",
            "the document has no title".into(),
        );
    }
    let document = rec(RecordKind::Document, 0, "");
    c.text(&document, "title", &doc.title);
    c.text(&document, "notes", &doc.notes);
    c.duplicate_ids(RecordKind::Source, &doc.sources, |s| s.id);
    c.duplicate_ids(RecordKind::Country, &doc.countries, |e| e.code.as_str());
    c.duplicate_ids(RecordKind::Category, &doc.categories, |k| k.code.as_str());
    c.duplicate_ids(RecordKind::Trade, &doc.trade, |t| t.id);
    c.duplicate_ids(RecordKind::Investment, &doc.investments, |v| v.id);
    c.duplicate_ids(RecordKind::Indicator, &doc.indicators, |v| v.id);
    c.duplicate_ids(RecordKind::Fact, &doc.facts, |v| v.id);
    c.duplicate_ids(RecordKind::Dataset, &doc.datasets, |v| v.id);
    for kind in RecordKind::LISTS {
        for index in 0..doc.len_of(kind) {
            if let Some(view) = doc.view(kind, index) {
                c.record(view, index);
            }
        }
    }

    let mut problems = c.problems;
    // Stable: keeps document order within each severity and kind.
    problems.sort_by_key(|p| (p.severity, p.record.kind));
    problems
}

/// Checks one record as if it stood at `index` of its list: the same checks as
/// [`validate`], plus whether its id or code is already used by another record.
/// Builds its look-up sets once, so that checking many records (a paste) stays cheap.
pub struct RecordChecker<'a> {
    checker: Checker<'a>,
}

impl<'a> RecordChecker<'a> {
    /// A checker against the sources, categories and countries of `doc`.
    pub fn new(doc: &'a Document) -> Self {
        Self {
            checker: Checker::new(doc),
        }
    }

    /// The problems `record` would have at `index` (`None`: a new record).
    pub fn check(&mut self, record: &Record, index: Option<usize>) -> Vec<Problem> {
        self.checker.problems.clear();
        let view = record.view();
        let at = index.unwrap_or(usize::MAX);
        self.checker.record(view, at);
        let key = view.key();
        let doc = self.checker.doc;
        // A record that keeps its id keeps it unique (a duplicate already there is reported
        // by the validation of the whole document): only a new or changed id is looked up,
        // so that editing a field of a million-record list stays quick.
        let same_key = index
            .and_then(|i| doc.view(view.kind(), i))
            .is_some_and(|old| old.key() == key);
        let taken = !same_key
            && (0..doc.len_of(view.kind()))
                .filter(|i| Some(*i) != index)
                .filter_map(|i| doc.view(view.kind(), i))
                .any(|other| other.key() == key);
        if taken {
            let r = rec(view.kind(), at, &key);
            let field = match view.kind() {
                RecordKind::Country | RecordKind::Category => "code",
                _ => "id",
            };
            self.checker.push(
                Severity::Error,
                &r,
                field,
                format!(
                    "{field} {key} is already used by another {}",
                    view.kind().label()
                ),
            );
        }
        std::mem::take(&mut self.checker.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn base() -> Document {
        let mut doc = Document::new();
        doc.title = "Test".into();
        doc.sources.push(Source {
            id: 1,
            title: "A source".into(),
            publisher: String::new(),
            url: String::new(),
            date: None,
            note: String::new(),
        });
        doc
    }

    fn trade(id: Id, reporter: &str, partner: &str, value: Option<f64>) -> TradeVolume {
        TradeVolume {
            id,
            year: Some(2024),
            reporter: reporter.into(),
            partner: partner.into(),
            flow: Flow::Total,
            category: None,
            value_usd: value,
            quantity: None,
            source: Some(1),
            note: String::new(),
        }
    }

    fn fields(problems: &[Problem]) -> Vec<(Severity, RecordKind, &'static str)> {
        problems
            .iter()
            .map(|p| (p.severity, p.record.kind, p.field))
            .collect()
    }

    #[test]
    fn clean_document_has_no_problems() {
        let mut doc = base();
        doc.trade.push(trade(1, "PAK", "KAZ", Some(53.7e6)));
        assert_eq!(validate(&doc), vec![]);
    }

    #[test]
    fn reports_each_kind_of_trade_problem() {
        let mut doc = base();
        doc.trade.push(trade(1, "PAK", "KAZ", Some(-5.0)));
        doc.trade.push(trade(2, "PAK", "XXX", None));
        doc.trade.push(trade(3, "PAK", "PAK", None));
        let mut t = trade(4, "PAK", "KAZ", Some(f64::NAN));
        t.year = Some(1850);
        t.source = Some(99);
        t.category = Some("0805".into());
        doc.trade.push(t);
        let mut t = trade(4, "PAK", "KAZ", None);
        t.source = None;
        doc.trade.push(t);
        let problems = validate(&doc);
        let f = fields(&problems);
        use RecordKind::Trade;
        use Severity::*;
        assert!(f.contains(&(Error, Trade, "value_usd")));
        assert!(f.contains(&(Error, Trade, "partner")));
        assert!(f.contains(&(Error, Trade, "year")));
        assert!(f.contains(&(Error, Trade, "category")));
        assert!(f.contains(&(Error, Trade, "id")));
        assert!(f.contains(&(Warning, Trade, "source")));
        let dangling = problems
            .iter()
            .find(|p| p.field == "source" && p.severity == Error)
            .expect("dangling source reported");
        assert_eq!(dangling.record.index, 3);
        assert!(dangling.message.contains("99"));
        let same = problems
            .iter()
            .find(|p| p.message.contains("both PAK"))
            .expect("reporter equal to partner reported");
        assert_eq!(same.record.key, "3");
        // Errors come before warnings.
        let first_warning = problems.iter().position(|p| p.severity == Warning);
        let last_error = problems.iter().rposition(|p| p.severity == Error);
        assert!(first_warning > last_error);
    }

    #[test]
    fn declared_groups_are_known_but_bad_declarations_are_not() {
        let mut doc = base();
        doc.countries.push(CountryEntry {
            code: "WLD".into(),
            name: "World".into(),
            group: true,
        });
        doc.countries.push(CountryEntry {
            code: "ZZZ".into(),
            name: "Nowhere".into(),
            group: false,
        });
        doc.trade.push(trade(1, "PAK", "WLD", Some(1.0)));
        let problems = validate(&doc);
        assert_eq!(
            fields(&problems),
            vec![(Severity::Error, RecordKind::Country, "code")]
        );
        assert_eq!(problems[0].record.key, "ZZZ");
    }

    #[test]
    fn investment_amount_rules() {
        let mut doc = base();
        doc.investments.push(Investment {
            id: 1,
            title: "Corridor".into(),
            parties: vec!["KAZ".into(), "PAK".into()],
            organisations: vec![],
            host: Some("QQQ".into()),
            sector: String::new(),
            kind: InvestmentKind::Projection,
            amount_usd: Some(5e9),
            amount_basis: None,
            status: Status::Proposed,
            announced: Some(PartialDate::Year(2300)),
            target_year: None,
            description: String::new(),
            source: Some(1),
        });
        let f = fields(&validate(&doc));
        use RecordKind::Investment as I;
        assert!(f.contains(&(Severity::Error, I, "host")));
        assert!(f.contains(&(Severity::Error, I, "announced")));
        assert!(f.contains(&(Severity::Warning, I, "amount_basis")));
    }

    #[test]
    fn problem_display_names_record_and_field() {
        let mut doc = base();
        doc.trade.push(trade(7, "PAK", "KAZ", Some(-1.0)));
        let text = validate(&doc)[0].to_string();
        assert!(
            text.starts_with("error: trade record 7 (#1), value_usd:"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_in_any_text_are_errors_naming_record_and_field() {
        let mut doc = crate::bundled_document();
        doc.trade[2].note = "damaged\0here".into();
        doc.investments[0].parties.push("PA\u{1}K".into());
        doc.title.push('\u{7}');
        let problems = validate(&doc);
        let found: Vec<(RecordKind, &str, &str)> = problems
            .iter()
            .filter(|p| p.message.contains("control character"))
            .map(|p| (p.record.kind, p.record.key.as_str(), p.field))
            .collect();
        let trade_key = doc.trade[2].id.to_string();
        let investment_key = doc.investments[0].id.to_string();
        assert!(
            found.contains(&(RecordKind::Trade, trade_key.as_str(), "note")),
            "{found:?}"
        );
        assert!(
            found.contains(&(RecordKind::Investment, investment_key.as_str(), "parties")),
            "{found:?}"
        );
        assert!(
            found.contains(&(RecordKind::Document, "", "title")),
            "{found:?}"
        );
        assert!(
            problems
                .iter()
                .filter(|p| p.message.contains("control character"))
                .all(|p| p.severity == Severity::Error)
        );
        assert!(problems.iter().any(|p| p.message.contains("U+0000 (NUL)")));
        // The bundled document has none.
        assert!(
            validate(&crate::bundled_document())
                .iter()
                .all(|p| !p.message.contains("control character"))
        );
    }
}
