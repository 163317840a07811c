//! Tables of records: filtering and sorting, new rows, copying and pasting.

use std::collections::BTreeSet;

use super::document::{
    Category, CountryEntry, Document, Fact, Flow, Id, Indicator, IndicatorKind, Investment,
    InvestmentKind, Source, Status, TradeVolume,
};
use super::edit::Edit;
use super::fields::{self, SortKey};
use super::record::{RecView, Record};
use super::validate::{RecordChecker, RecordKind, RecordRef, Severity};

/// Which rows a table shows and in which order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableQuery {
    /// Sort by this field, ascending (`true`) or descending; `None`: document order.
    pub sort: Option<(usize, bool)>,
    /// Text that some field must contain (case-insensitive).
    pub text: String,
    /// Only this year.
    pub year: Option<i32>,
    /// Only records involving this country.
    pub country: Option<String>,
    /// And this second country (the pair).
    pub country2: Option<String>,
    /// Only this flow (trade).
    pub flow: Option<Flow>,
    /// Only this kind (investments).
    pub investment_kind: Option<InvestmentKind>,
    /// Only this status (investments).
    pub status: Option<Status>,
}

impl TableQuery {
    /// True when any filter (not the sort) is set.
    pub fn is_filtered(&self) -> bool {
        !self.text.trim().is_empty()
            || self.year.is_some()
            || self.country.is_some()
            || self.country2.is_some()
            || self.flow.is_some()
            || self.investment_kind.is_some()
            || self.status.is_some()
    }

    /// The same sort without filters.
    pub fn without_filters(&self) -> TableQuery {
        TableQuery {
            sort: self.sort,
            ..TableQuery::default()
        }
    }
}

/// The year a record refers to, for the quick filters.
fn year_of(view: RecView<'_>) -> Option<i32> {
    match view {
        RecView::Trade(t) => t.year,
        RecView::Investment(v) => v.announced.map(|d| d.year()),
        RecView::Indicator(v) => v.year,
        RecView::Source(s) => s.date.map(|d| d.year()),
        RecView::Fact(_) | RecView::Country(_) | RecView::Category(_) | RecView::Dataset(_) => None,
    }
}

/// Calls `f` with each country a record refers to, without collecting them.
fn each_country<'a>(view: RecView<'a>, mut f: impl FnMut(&'a str)) {
    match view {
        RecView::Trade(t) => {
            f(&t.reporter);
            f(&t.partner);
        }
        RecView::Investment(v) => {
            v.parties.iter().for_each(|p| f(p));
            if let Some(host) = &v.host {
                f(host);
            }
        }
        RecView::Indicator(v) => f(&v.country),
        RecView::Fact(x) => x.countries.iter().for_each(|c| f(c)),
        RecView::Country(c) => f(&c.code),
        RecView::Source(_) | RecView::Category(_) | RecView::Dataset(_) => {}
    }
}

fn passes(doc: &Document, view: RecView<'_>, q: &TableQuery, needle: &str) -> bool {
    if q.year.is_some() && q.year != year_of(view) {
        return false;
    }
    for code in [&q.country, &q.country2].into_iter().flatten() {
        let mut found = false;
        each_country(view, |c| found |= c == code);
        if !found {
            return false;
        }
    }
    match view {
        RecView::Trade(t) if q.flow.is_some_and(|f| f != t.flow) => return false,
        RecView::Investment(v)
            if q.investment_kind.is_some_and(|k| k != v.kind)
                || q.status.is_some_and(|s| s != v.status) =>
        {
            return false;
        }
        _ => {}
    }
    fields::row_contains(doc, view, needle)
}

/// The rows of `kind` that pass the query's filters, in its order (stable: equal keys keep
/// document order).
pub fn view_rows(doc: &Document, kind: RecordKind, q: &TableQuery) -> Vec<usize> {
    let needle = q.text.trim().to_lowercase();
    let n = doc.len_of(kind);
    let mut rows: Vec<usize> = if q.is_filtered() {
        (0..n)
            .filter(|&i| {
                doc.view(kind, i)
                    .is_some_and(|v| passes(doc, v, q, &needle))
            })
            .collect()
    } else {
        (0..n).collect()
    };
    if let Some((field, ascending)) = q.sort
        && field < fields::fields(kind).len()
    {
        let mut keyed: Vec<(SortKey, usize)> = rows
            .iter()
            .map(|&i| {
                let key = doc
                    .view(kind, i)
                    .map_or(SortKey::Missing, |v| fields::sort_key(doc, v, field));
                (key, i)
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            let order = a.compare(b);
            // Missing values stay last in both directions.
            match (a, b) {
                (SortKey::Missing, _) | (_, SortKey::Missing) => order,
                _ if ascending => order,
                _ => order.reverse(),
            }
        });
        rows = keyed.into_iter().map(|(_, i)| i).collect();
    }
    rows
}

/// Years and countries that appear in the records of `kind`, for the quick filters.
pub fn filter_choices(doc: &Document, kind: RecordKind) -> (Vec<i32>, Vec<String>) {
    let mut years = BTreeSet::new();
    // Borrowed while scanning: a million rows would otherwise clone two million codes.
    let mut countries: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for i in 0..doc.len_of(kind) {
        if let Some(view) = doc.view(kind, i) {
            years.extend(year_of(view));
            each_country(view, |c| {
                if !c.is_empty() {
                    countries.insert(c);
                }
            });
        }
    }
    let mut countries: Vec<String> = countries.into_iter().map(str::to_owned).collect();
    countries.sort();
    (years.into_iter().collect(), countries)
}

/// The rows as tab-separated values with a header line of field names; values are written
/// as they are typed, so that pasting them back gives the same records.
pub fn rows_to_tsv(doc: &Document, kind: RecordKind, rows: &[usize]) -> String {
    String::from_utf8_lossy(&rows_delimited(doc, kind, rows, b'\t')).into_owned()
}

/// Rows as CSV (comma-separated, quoted where needed) with a header line, for
/// File > Export: the same text a cell shows when edited, so that it reads back the same.
pub fn rows_to_csv(doc: &Document, kind: RecordKind, rows: &[usize]) -> Vec<u8> {
    rows_delimited(doc, kind, rows, b',')
}

fn rows_delimited(doc: &Document, kind: RecordKind, rows: &[usize], delimiter: u8) -> Vec<u8> {
    let names: Vec<&str> = fields::fields(kind).iter().map(|f| f.name).collect();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a failed row would only be missing from the output.
    let _ = writer.write_record(&names);
    for &i in rows {
        if let Some(view) = doc.view(kind, i) {
            let values: Vec<String> = (0..names.len())
                .map(|f| fields::edit_text(view, f))
                .collect();
            let _ = writer.write_record(&values);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// A record of `kind` with every field at its plain default and the given id.
pub fn blank_record(kind: RecordKind, id: Id) -> Option<Record> {
    Some(match kind {
        RecordKind::Source => Record::Source(Source {
            id,
            title: String::new(),
            publisher: String::new(),
            url: String::new(),
            date: None,
            note: String::new(),
        }),
        RecordKind::Country => Record::Country(CountryEntry {
            code: String::new(),
            name: String::new(),
            group: false,
        }),
        RecordKind::Category => Record::Category(Category {
            code: String::new(),
            name: String::new(),
            note: String::new(),
        }),
        RecordKind::Trade => Record::Trade(TradeVolume {
            id,
            year: None,
            reporter: String::new(),
            partner: String::new(),
            flow: Flow::Total,
            category: None,
            value_usd: None,
            quantity: None,
            source: None,
            note: String::new(),
        }),
        RecordKind::Investment => Record::Investment(Investment {
            id,
            title: String::new(),
            parties: Vec::new(),
            organisations: Vec::new(),
            host: None,
            sector: String::new(),
            kind: InvestmentKind::Pledge,
            amount_usd: None,
            amount_basis: None,
            status: Status::Proposed,
            announced: None,
            target_year: None,
            description: String::new(),
            source: None,
        }),
        RecordKind::Indicator => Record::Indicator(Indicator {
            id,
            country: String::new(),
            name: String::new(),
            segment: String::new(),
            year: None,
            value: 0.0,
            unit: String::new(),
            kind: IndicatorKind::Actual,
            source: None,
            note: String::new(),
        }),
        RecordKind::Fact => Record::Fact(Fact {
            id,
            countries: Vec::new(),
            topic: String::new(),
            text: String::new(),
            source: None,
        }),
        // Datasets are linked by importing a file, not typed in.
        RecordKind::Dataset | RecordKind::Document => return None,
    })
}

/// A new row for the table of `kind`, prefilled from the active filters, else from the
/// current pair, the latest year and the most recent source.
pub fn new_record(
    doc: &Document,
    kind: RecordKind,
    q: &TableQuery,
    pair: (Option<&str>, Option<&str>),
) -> Option<Record> {
    let mut record = blank_record(kind, doc.next_id(kind))?;
    let a = q.country.as_deref().or(pair.0).map(str::to_owned);
    let b = q
        .country2
        .as_deref()
        .or(if q.country.is_some() { None } else { pair.1 })
        .map(str::to_owned);
    let latest_year = doc.trade.iter().filter_map(|t| t.year).max();
    let source = doc.sources.iter().map(|s| s.id).max();
    match &mut record {
        Record::Trade(t) => {
            t.year = q.year.or(latest_year);
            t.reporter = a.unwrap_or_default();
            t.partner = b.unwrap_or_default();
            t.flow = q.flow.unwrap_or(Flow::Total);
            t.source = source;
        }
        Record::Investment(v) => {
            v.parties = a.into_iter().chain(b).collect();
            if let Some(kind) = q.investment_kind {
                v.kind = kind;
            }
            if let Some(status) = q.status {
                v.status = status;
            }
            v.title = "New record".to_owned();
            v.source = source;
        }
        Record::Indicator(v) => {
            v.country = a.unwrap_or_default();
            v.year = q.year;
            v.name = "New indicator".to_owned();
            v.source = source;
        }
        Record::Fact(f) => {
            f.countries = a.into_iter().chain(b).collect();
            f.text = "New fact".to_owned();
            f.source = source;
        }
        Record::Source(s) => s.title = "New source".to_owned(),
        Record::Category(c) => {
            c.code = unused_code(doc, "NEW");
            c.name = "New category".to_owned();
        }
        Record::Country(c) => {
            c.code = unused_code(doc, "GRP");
            c.name = "New group".to_owned();
            c.group = true;
        }
        Record::Dataset(_) => {}
    }
    Some(record)
}

fn unused_code(doc: &Document, base: &str) -> String {
    let taken = |code: &str| {
        doc.categories.iter().any(|c| c.code == code)
            || doc.countries.iter().any(|c| c.code == code)
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|c| !taken(c))
        .unwrap_or_else(|| base.to_owned())
}

/// An edit that inserts a copy of each row right after it, with new ids.
pub fn duplicate_rows(doc: &Document, kind: RecordKind, rows: &BTreeSet<usize>) -> Option<Edit> {
    let mut next = doc.next_id(kind);
    let mut inserts = Vec::new();
    for (k, &index) in rows.iter().enumerate() {
        let mut record = doc.view(kind, index)?.to_record();
        match &mut record {
            Record::Country(c) => c.code = unused_code(doc, &format!("{}_", c.code)),
            Record::Category(c) => c.code = unused_code(doc, &format!("{}_", c.code)),
            _ => {
                record.set_id(next);
                next = next.saturating_add(1);
            }
        }
        inserts.push((index + k + 1, record));
    }
    (!inserts.is_empty()).then_some(Edit::Insert(inserts))
}

/// Records that cite source `id`.
pub fn citing(doc: &Document, id: Id) -> Vec<RecordRef> {
    let mut refs = Vec::new();
    for kind in [
        RecordKind::Trade,
        RecordKind::Investment,
        RecordKind::Indicator,
        RecordKind::Fact,
    ] {
        for index in 0..doc.len_of(kind) {
            if let Some(view) = doc.view(kind, index)
                && view.source() == Some(id)
            {
                refs.push(RecordRef {
                    kind,
                    index,
                    key: view.key(),
                });
            }
        }
    }
    refs
}

/// What a paste gives: the rows that can be added, and the lines that cannot, with why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PasteOutcome {
    /// Valid records, ready to be added (ids already made unique).
    pub records: Vec<Record>,
    /// (line of the pasted text, reason) for every refused row.
    pub rejected: Vec<(usize, String)>,
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Reads tab-separated rows for the table of `kind`. Columns are matched by header names
/// when the first line is a header, else by position. Rows that fail to parse or to
/// validate are listed with their line and reason; the others are returned.
pub fn parse_paste(doc: &Document, kind: RecordKind, text: &str) -> PasteOutcome {
    let table_fields = fields::fields(kind);
    let mut outcome = PasteOutcome::default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut columns: Option<Vec<Option<usize>>> = None;
    let mut next_id = doc.next_id(kind);
    let mut added_keys: Vec<String> = Vec::new();
    let mut checker = RecordChecker::new(doc);
    for (row_number, row) in reader.records().enumerate() {
        let line = row
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(row_number + 1, |p| p.line() as usize);
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                outcome
                    .rejected
                    .push((line, format!("cannot be read: {err}")));
                continue;
            }
        };
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if columns.is_none() {
            let mapped: Vec<Option<usize>> = row
                .iter()
                .map(|cell| {
                    table_fields
                        .iter()
                        .position(|f| squash(f.name) == squash(cell))
                })
                .collect();
            let is_header = mapped.iter().any(Option::is_some)
                && row
                    .iter()
                    .zip(&mapped)
                    .all(|(cell, m)| m.is_some() || cell.trim().is_empty());
            if is_header {
                columns = Some(mapped);
                continue;
            }
            columns = Some((0..table_fields.len()).map(Some).collect());
        }
        let Some(map) = &columns else { continue };
        if row.len() > map.len() && map.len() == table_fields.len() {
            outcome.rejected.push((
                line,
                format!(
                    "has {} columns but the table has {}; add a header line to say which is which",
                    row.len(),
                    table_fields.len()
                ),
            ));
            continue;
        }
        let Some(mut record) = blank_record(kind, next_id) else {
            continue;
        };
        let mut error = None;
        let mut id_given = false;
        for (cell, field) in row.iter().zip(map) {
            let Some(field) = *field else { continue };
            if table_fields[field].name == "id" {
                id_given = !cell.trim().is_empty();
                if !id_given {
                    continue;
                }
            }
            match fields::with_text(record.view(), field, cell) {
                Ok(updated) => record = updated,
                Err(reason) => {
                    error = Some(format!("{}: {reason}", table_fields[field].name));
                    break;
                }
            }
        }
        if let Some(reason) = error {
            outcome.rejected.push((line, reason));
            continue;
        }
        // Pasted rows are new rows: an id already in use gets a fresh one.
        let key = record.view().key();
        let keyed_by_code = matches!(kind, RecordKind::Country | RecordKind::Category);
        if !keyed_by_code {
            let taken = !id_given
                || added_keys.contains(&key)
                || (0..doc.len_of(kind)).any(|i| doc.view(kind, i).is_some_and(|v| v.key() == key));
            if taken {
                record.set_id(next_id);
            }
        } else if added_keys.contains(&key) {
            outcome
                .rejected
                .push((line, format!("code {key} appears twice in the paste")));
            continue;
        }
        let problems = checker.check(&record, None);
        if let Some(problem) = problems.iter().find(|p| p.severity == Severity::Error) {
            outcome
                .rejected
                .push((line, format!("{}: {}", problem.field, problem.message)));
            continue;
        }
        let key = record.view().key();
        if let Ok(id) = key.parse::<Id>() {
            next_id = next_id.max(id.saturating_add(1));
        }
        added_keys.push(key);
        outcome.records.push(record);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade_field(name: &str) -> usize {
        fields::field_index(RecordKind::Trade, name).unwrap()
    }

    #[test]
    fn filters_and_sorts_stably() {
        let doc = crate::bundled_document();
        let all = view_rows(&doc, RecordKind::Trade, &TableQuery::default());
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        let q = TableQuery {
            flow: Some(Flow::Import),
            ..TableQuery::default()
        };
        assert_eq!(
            view_rows(&doc, RecordKind::Trade, &q),
            vec![6, 7, 8, 9, 10, 11]
        );
        let q = TableQuery {
            text: "CITRUS".into(),
            ..TableQuery::default()
        };
        assert_eq!(view_rows(&doc, RecordKind::Trade, &q), vec![1]);
        let q = TableQuery {
            country: Some("KAZ".into()),
            country2: Some("PAK".into()),
            year: Some(2024),
            ..TableQuery::default()
        };
        assert_eq!(view_rows(&doc, RecordKind::Trade, &q), vec![0]);
        // Sorting by value: the only valued row first either way; the rest keep their order.
        let desc = TableQuery {
            sort: Some((trade_field("value_usd"), false)),
            ..TableQuery::default()
        };
        assert_eq!(
            view_rows(&doc, RecordKind::Trade, &desc),
            (0..12).collect::<Vec<_>>()
        );
        let by_flow = TableQuery {
            sort: Some((trade_field("flow"), true)),
            ..TableQuery::default()
        };
        let rows = view_rows(&doc, RecordKind::Trade, &by_flow);
        assert_eq!(
            rows,
            vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0],
            "Export < Import < Total trade"
        );
    }

    #[test]
    fn copy_then_paste_gives_the_same_rows_with_new_ids() {
        let doc = crate::bundled_document();
        let tsv = rows_to_tsv(&doc, RecordKind::Trade, &[0, 1]);
        assert!(tsv.starts_with("id\tyear\treporter\tpartner\tflow\tcategory\tvalue_usd"));
        let outcome = parse_paste(&doc, RecordKind::Trade, &tsv);
        assert_eq!(outcome.rejected, vec![]);
        assert_eq!(outcome.records.len(), 2);
        for (pasted, original) in outcome.records.iter().zip(&doc.trade) {
            let Record::Trade(t) = pasted else { panic!() };
            assert_eq!(
                TradeVolume {
                    id: original.id,
                    ..t.clone()
                },
                *original
            );
        }
        let ids: Vec<String> = outcome.records.iter().map(|r| r.view().key()).collect();
        assert_eq!(ids, ["13", "14"]);
    }

    #[test]
    fn paste_by_position_and_by_header_with_rejections() {
        let doc = crate::bundled_document();
        let positional = "\t2023\tPAK\tCHN\tExport\t\t1.5M\t\t2\tfrom a spreadsheet\n\t2023\tPAK\tZZZ\tExport\t\t1M\t\t2\t\n";
        let outcome = parse_paste(&doc, RecordKind::Trade, positional);
        assert_eq!(outcome.records.len(), 1);
        assert_eq!(outcome.rejected.len(), 1);
        assert_eq!(outcome.rejected[0].0, 2);
        assert!(
            outcome.rejected[0].1.contains("unknown country"),
            "{:?}",
            outcome.rejected
        );

        let with_header =
            "Value USD\tPartner\tReporter\tYear\n5B\tKAZ\tPAK\t2022\nlots\tKAZ\tPAK\t2022\n";
        let outcome = parse_paste(&doc, RecordKind::Trade, with_header);
        assert_eq!(outcome.records.len(), 1);
        let Record::Trade(t) = &outcome.records[0] else {
            panic!()
        };
        assert_eq!(
            (t.value_usd, t.year, t.partner.as_str()),
            (Some(5e9), Some(2022), "KAZ")
        );
        assert_eq!(outcome.rejected[0].0, 3);
        assert!(outcome.rejected[0].1.starts_with("value_usd:"));
    }

    #[test]
    fn new_rows_are_prefilled_and_valid() {
        let doc = crate::bundled_document();
        let record = new_record(
            &doc,
            RecordKind::Trade,
            &TableQuery::default(),
            (Some("PAK"), Some("KAZ")),
        )
        .unwrap();
        let Record::Trade(t) = &record else { panic!() };
        assert_eq!(
            (t.id, t.year, t.reporter.as_str(), t.partner.as_str()),
            (13, Some(2024), "PAK", "KAZ")
        );
        let mut checker = RecordChecker::new(&doc);
        assert!(
            checker
                .check(&record, None)
                .iter()
                .all(|p| p.severity != Severity::Error)
        );
    }

    #[test]
    fn duplicates_go_right_after_their_originals() {
        let mut doc = crate::bundled_document();
        let rows: BTreeSet<usize> = [0, 2].into_iter().collect();
        let edit = duplicate_rows(&doc, RecordKind::Trade, &rows).unwrap();
        edit.apply(&mut doc).unwrap();
        let ids: Vec<u32> = doc.trade.iter().take(6).map(|t| t.id).collect();
        assert_eq!(ids, [1, 13, 2, 3, 14, 4]);
        assert_eq!(doc.trade[1].value_usd, Some(53.7e6));
    }

    #[test]
    fn citing_records_are_found() {
        let doc = crate::bundled_document();
        let refs = citing(&doc, 2);
        assert_eq!(refs.len(), 3 + 5 + 1);
        assert!(citing(&doc, 9).is_empty());
    }
}
