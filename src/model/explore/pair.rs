//! The relationship page's figures: headlines, deals by status, facts.

use std::collections::BTreeMap;

use crate::model::country::display_name;
use crate::model::document::{Document, Id, Status};
use crate::model::format;
use crate::model::validate::{RecordKind, RecordRef};

use super::*;

pub(super) fn source_line(doc: &Document, source: Option<Id>) -> String {
    match source.and_then(|id| doc.source(id)) {
        Some(s) if s.publisher.is_empty() => format!("Source: {}", s.title),
        Some(s) => format!("Source: {} ({})", s.title, s.publisher),
        None => "Source: none given".to_owned(),
    }
}

pub(super) fn source_title(doc: &Document, source: Option<Id>) -> String {
    source
        .and_then(|id| doc.source(id))
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

/// The source named beside a figure: the record's source, or the dataset it is summed from.
pub(super) fn obs_source_title(doc: &Document, obs: &Obs) -> String {
    match &obs.dataset {
        Some((_, name, _)) => format!("Dataset: {name}"),
        None => source_title(doc, obs.source),
    }
}

/// Tooltip lines for a money figure taken from a trade record.
pub(super) fn obs_tooltip(doc: &Document, what: &str, obs: &Obs) -> Vec<String> {
    let mut lines = vec![
        what.to_owned(),
        format::usd_line(obs.value),
        format!("Reported by {}", display_name(doc, &obs.reporter)),
    ];
    match &obs.dataset {
        Some((_, name, rows)) => {
            lines.push(format!(
                "Sum of {} of dataset {name}",
                format::count(*rows as usize, "row")
            ));
            lines.push(format!("Source: the linked file of dataset {}", obs.id));
        }
        None => match obs.by_category {
            Some(n) => {
                lines.push(format!(
                    "Sum of {} by category (no record for the whole flow)",
                    format::count(n, "trade record")
                ));
                let others = if n > 1 { " and the others" } else { "" };
                lines.push(format!("Record: trade record {}{others}", obs.id));
                lines.push(source_line(doc, obs.source));
            }
            None => {
                lines.push(format!("Record: trade record {}", obs.id));
                lines.push(source_line(doc, obs.source));
            }
        },
    }
    if let Some(t) = doc.trade.get(obs.index)
        && !t.note.is_empty()
    {
        lines.push(format!("Note: {}", t.note));
    }
    lines
}

/// A headline figure of the relationship page.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// What it is: "Total trade 2024".
    pub label: String,
    /// The short value: "$53.7M".
    pub value: String,
    /// Tooltip: full value, year, record, source.
    pub tooltip: Vec<String>,
    /// The record behind it, when there is one.
    pub record: Option<RecordRef>,
}

/// Investments and agreements of one status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// The status.
    pub status: Status,
    /// Number of records.
    pub count: usize,
    /// Sum of stated amounts, if any record states one.
    pub stated_usd: Option<f64>,
}

/// A fact about the pair, for the relationship page.
#[derive(Debug, Clone, PartialEq)]
pub struct FactLine {
    /// Topic, e.g. "Connectivity".
    pub topic: String,
    /// The statement.
    pub text: String,
    /// Source line.
    pub source: String,
    /// The fact record.
    pub record: RecordRef,
}

/// Everything the relationship page shows above its charts.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSummary {
    /// Display name of the focus country.
    pub a_name: String,
    /// Display name of the partner.
    pub b_name: String,
    /// Headline figures; empty when no trade figure has a value.
    pub headlines: Vec<Headline>,
    /// Investments and agreements between the two, by status.
    pub by_status: Vec<StatusRow>,
    /// Facts mentioning both countries.
    pub facts: Vec<FactLine>,
}

/// The card of the pair's total trade in `y`: the total reported, else exports plus
/// imports. `names` are the focus's and the partner's.
fn total_card(doc: &Document, y: &PairYear, names: (&str, &str)) -> Headline {
    let (a_name, b_name) = names;
    let label = format!("Total trade {}", y.year);
    let what = format!("Total trade {a_name}–{b_name}, {}", y.year);
    match y.best_total() {
        Some(obs) => Headline {
            value: format::usd_short(obs.value),
            tooltip: obs_tooltip(doc, &what, obs),
            record: Some(obs.record()),
            label,
        },
        None => {
            let value = y.total_value().unwrap_or_default();
            Headline {
                value: format::usd_short(value),
                tooltip: vec![
                    what,
                    format!("{} US dollars", format::usd_full(value)),
                    "Sum of exports and imports; no total was reported".to_owned(),
                ],
                record: None,
                label,
            }
        }
    }
}

/// Headline figures, deals and facts of the pair (`a` is the focus country).
pub fn pair_summary(doc: &Document, a: &str, b: &str) -> PairSummary {
    pair_summary_from(doc, a, b, &pair_years(doc, a, b))
}

/// [`pair_summary`], from the pair's figures by year.
pub fn pair_summary_from(doc: &Document, a: &str, b: &str, years: &[PairYear]) -> PairSummary {
    let a_name = display_name(doc, a).to_owned();
    let b_name = display_name(doc, b).to_owned();
    let mut headlines = Vec::new();

    let names = (a_name.as_str(), b_name.as_str());
    let latest_total = years.iter().rev().find(|y| y.total_value().is_some());
    headlines.extend(latest_total.map(|y| total_card(doc, y, names)));
    // The year of the latest exports and imports, when the latest total is of another
    // (a document's total of 2024 beside a dataset's flows up to 2023): its total too, so
    // that the cards of one year sit together and exports are never read against the
    // total of another year.
    let flows_year = years.iter().rev().find(|y| y.balance().is_some());
    if let Some(y) = flows_year.filter(|y| latest_total.is_some_and(|t| t.year != y.year)) {
        headlines.push(total_card(doc, y, names));
    }
    type Get = fn(&PairYear) -> Option<&Obs>;
    let flows: [(&str, Get); 2] = [
        ("Exports to", PairYear::best_exports),
        ("Imports from", PairYear::best_imports),
    ];
    for (what, get) in flows {
        if let Some((year, obs)) = years.iter().rev().find_map(|y| Some((y.year, get(y)?))) {
            let label = format!("{what} {b_name} {year}");
            headlines.push(Headline {
                value: format::usd_short(obs.value),
                tooltip: obs_tooltip(doc, &format!("{a_name}: {label}"), obs),
                record: Some(obs.record()),
                label,
            });
        }
    }
    if let Some(y) = flows_year {
        let balance = y.balance().unwrap_or_default();
        headlines.push(Headline {
            label: format!("Balance {}", y.year),
            value: format::usd_short(balance),
            tooltip: vec![
                format!("{a_name}'s trade balance with {b_name}, {}", y.year),
                format!(
                    "{} US dollars (exports minus imports)",
                    format::usd_full(balance)
                ),
            ],
            record: None,
        });
    }

    let by_status = deals_by_status(doc, a, Some(b));

    let facts = doc
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.countries.iter().any(|c| c == a) && f.countries.iter().any(|c| c == b))
        .map(|(index, f)| FactLine {
            topic: f.topic.clone(),
            text: f.text.clone(),
            source: source_line(doc, f.source),
            record: RecordRef {
                kind: RecordKind::Fact,
                index,
                key: f.id.to_string(),
            },
        })
        .collect();

    PairSummary {
        a_name,
        b_name,
        headlines,
        by_status,
        facts,
    }
}

/// Investments and agreements involving `a` (and `b`, when given), counted by status with
/// the sum of the amounts they state.
pub fn deals_by_status(doc: &Document, a: &str, b: Option<&str>) -> Vec<StatusRow> {
    let mut by_status: BTreeMap<Status, (usize, Option<f64>)> = BTreeMap::new();
    for v in doc
        .investments
        .iter()
        .filter(|v| involves(v, a) && b.is_none_or(|b| involves(v, b)))
    {
        let entry = by_status.entry(v.status).or_default();
        entry.0 += 1;
        if let Some(amount) = v.amount_usd.filter(|x| x.is_finite()) {
            entry.1 = Some(entry.1.unwrap_or(0.0) + amount);
        }
    }
    by_status
        .into_iter()
        .map(|(status, (count, stated_usd))| StatusRow {
            status,
            count,
            stated_usd,
        })
        .collect()
}
