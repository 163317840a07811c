//! Observations: one figure of a pair in a year, where it comes from, and the yearly
//! figures of a pair gathered from the records and the linked datasets.

use std::collections::BTreeMap;

use crate::model::document::{Document, Flow, Id, TradeVolume};
use crate::model::validate::{RecordKind, RecordRef};

use super::*;

/// A figure taken from one trade record.
#[derive(Debug, Clone, PartialEq)]
pub struct Obs {
    /// Value in US dollars.
    pub value: f64,
    /// Index in `doc.trade`.
    pub index: usize,
    /// The record's id.
    pub id: Id,
    /// Who reported it.
    pub reporter: String,
    /// Its source.
    pub source: Option<Id>,
    /// When the figure is a sum of a linked dataset's rows: (dataset index, name, rows).
    pub dataset: Option<(usize, String, u64)>,
    /// When the figure is the sum of records by category (the document has no record for
    /// the whole flow): how many. The record named is the first of them.
    pub by_category: Option<usize>,
}

impl Obs {
    pub(super) fn of(t: &TradeVolume, index: usize, value: f64) -> Obs {
        Obs {
            value,
            index,
            id: t.id,
            reporter: t.reporter.clone(),
            source: t.source,
            dataset: None,
            by_category: None,
        }
    }

    /// The record as a reference: the trade record, or the dataset the sum comes from.
    pub fn record(&self) -> RecordRef {
        match &self.dataset {
            Some((index, _, _)) => RecordRef {
                kind: RecordKind::Dataset,
                index: *index,
                key: self.id.to_string(),
            },
            None => RecordRef {
                kind: RecordKind::Trade,
                index: self.index,
                key: self.id.to_string(),
            },
        }
    }
}

/// Adds a linked dataset's sums for the focus country to its grouped trade. A slot already
/// filled by one of the document's own records keeps that record: figures typed in with a
/// source are preferred to bulk sums.
pub fn merge_dataset_sums(
    trade: &mut FocusTrade,
    focus: &str,
    dataset_index: usize,
    link: &crate::model::dataset::DatasetLink,
    sums: &crate::model::dataset::FocusSums,
) {
    for (partner, years) in sums {
        *trade.counts.entry(partner.clone()).or_default() +=
            years.values().map(|s| s.rows as usize).sum::<usize>();
        let entry = trade.years.entry(partner.clone()).or_default();
        for (&year, s) in years {
            let year = i32::from(year);
            let position = match entry.binary_search_by_key(&year, |y| y.year) {
                Ok(p) => p,
                Err(p) => {
                    entry.insert(
                        p,
                        PairYear {
                            year,
                            ..PairYear::default()
                        },
                    );
                    p
                }
            };
            let slot = &mut entry[position];
            let obs = |value: f64, reporter: &str| Obs {
                value,
                index: usize::MAX,
                id: link.id,
                reporter: reporter.to_owned(),
                source: None,
                dataset: Some((dataset_index, link.name.clone(), s.rows)),
                by_category: None,
            };
            let fills = [
                (&mut slot.exports, s.exports, focus),
                (&mut slot.imports, s.imports, focus),
                (&mut slot.exports_mirror, s.exports_mirror, partner.as_str()),
                (&mut slot.imports_mirror, s.imports_mirror, partner.as_str()),
            ];
            for (target, value, reporter) in fills {
                if target.is_none()
                    && let Some(v) = value
                {
                    *target = Some(obs(v, reporter));
                }
            }
        }
    }
}

/// What is known of a pair's trade in one year, seen from country `a`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairYear {
    /// The year.
    pub year: i32,
    /// `a`'s exports to `b`, as reported by `a`.
    pub exports: Option<Obs>,
    /// `a`'s exports to `b`, as reported by `b` (its imports from `a`).
    pub exports_mirror: Option<Obs>,
    /// `a`'s imports from `b`, as reported by `a`.
    pub imports: Option<Obs>,
    /// `a`'s imports from `b`, as reported by `b` (its exports to `a`).
    pub imports_mirror: Option<Obs>,
    /// Total trade, as reported by `a`.
    pub total: Option<Obs>,
    /// Total trade, as reported by `b`.
    pub total_mirror: Option<Obs>,
}

impl PairYear {
    /// Exports, preferring `a`'s own figure.
    pub fn best_exports(&self) -> Option<&Obs> {
        self.exports.as_ref().or(self.exports_mirror.as_ref())
    }

    /// Imports, preferring `a`'s own figure.
    pub fn best_imports(&self) -> Option<&Obs> {
        self.imports.as_ref().or(self.imports_mirror.as_ref())
    }

    /// Reported total, preferring `a`'s own figure.
    pub fn best_total(&self) -> Option<&Obs> {
        self.total.as_ref().or(self.total_mirror.as_ref())
    }

    /// Total trade: reported, else exports plus imports when both are known.
    pub fn total_value(&self) -> Option<f64> {
        self.best_total()
            .map(|o| o.value)
            .or_else(|| Some(self.best_exports()?.value + self.best_imports()?.value))
    }

    /// Exports minus imports, when both are known.
    pub fn balance(&self) -> Option<f64> {
        Some(self.best_exports()?.value - self.best_imports()?.value)
    }
}

pub(super) fn slot(t: &TradeVolume, a: &str, b: &str) -> Option<Slot> {
    let by_a = t.reporter == a && t.partner == b;
    let by_b = t.reporter == b && t.partner == a;
    Some(match (t.flow, by_a, by_b) {
        (Flow::Export, true, _) => |p| &mut p.exports,
        (Flow::Import, true, _) => |p| &mut p.imports,
        (Flow::Total, true, _) => |p| &mut p.total,
        (Flow::Export, _, true) => |p| &mut p.imports_mirror,
        (Flow::Import, _, true) => |p| &mut p.exports_mirror,
        (Flow::Total, _, true) => |p| &mut p.total_mirror,
        _ => return None,
    })
}

/// Where a figure goes: its slot in the pair's year, seen from `a`.
pub(super) type Slot = fn(&mut PairYear) -> &mut Option<Obs>;

/// A record involving the focus country: (index in `doc.trade`, the record, the partner).
pub(super) type Involved<'d> = (usize, &'d TradeVolume, &'d str);

/// Figures by partner, then by year.
pub(super) type ByPartner<'d> = std::collections::HashMap<&'d str, BTreeMap<i32, PairYear>>;

/// Puts `obs` in `slot` of its year unless a figure is there already.
pub(super) fn fill(years: &mut BTreeMap<i32, PairYear>, year: i32, slot: Slot, obs: Obs) {
    let entry = years.entry(year).or_insert_with(|| PairYear {
        year,
        ..PairYear::default()
    });
    let target = slot(entry);
    if target.is_none() {
        *target = Some(obs);
    }
}

/// The first pass over the records of one pair or focus country: each valued record
/// without a category fills its slot (the first in the document wins). Returns whether a
/// record with a category was seen, so that [`add_category_sums`] runs only when needed.
pub(super) fn fill_records<'d>(
    a: &str,
    involved: &[Involved<'d>],
    years: &mut ByPartner<'d>,
) -> bool {
    let mut categories = false;
    for &(index, t, other) in involved {
        categories |= t.category.is_some();
        let (Some(year), Some(value)) = (t.year, t.value_usd) else {
            continue;
        };
        if t.category.is_some() || !value.is_finite() {
            continue;
        }
        if let Some(slot) = slot(t, a, other) {
            fill(
                years.entry(other).or_default(),
                year,
                slot,
                Obs::of(t, index, value),
            );
        }
    }
    categories
}

/// Fills the slots that only records by category fill, each with the sum of the records
/// that count under the aggregation rule ([`crate::model::hierarchy`]): `44` and `0805`
/// add up, `0805` and `080510` do not. `involved` holds every record of the groups
/// concerned (with or without a category), as the rule needs them all.
pub(super) fn add_category_sums<'d>(a: &str, involved: &[Involved<'d>], years: &mut ByPartner<'d>) {
    let counting = crate::model::hierarchy::counting_among(involved.iter().map(|(_, t, _)| *t));
    let mut sums: BTreeMap<(&str, i32, &str, Flow), (Slot, Obs)> = BTreeMap::new();
    for (&(index, t, other), counts) in involved.iter().zip(counting) {
        let (Some(year), Some(value), true) = (t.year, t.value_usd, counts) else {
            continue;
        };
        if t.category.is_none() || !value.is_finite() {
            continue;
        }
        let Some(slot) = slot(t, a, other) else {
            continue;
        };
        sums.entry((other, year, t.reporter.as_str(), t.flow))
            .and_modify(|(_, obs)| {
                obs.value += value;
                obs.by_category = obs.by_category.map(|n| n + 1);
            })
            .or_insert_with(|| {
                let mut obs = Obs::of(t, index, value);
                obs.by_category = Some(1);
                (slot, obs)
            });
    }
    for ((other, year, _, _), (slot, obs)) in sums {
        fill(years.entry(other).or_default(), year, slot, obs);
    }
}

/// Every year with a valued trade figure for the pair, in year order.
///
/// When several records without a category fill the same slot, the first in the document
/// is used; a slot that only records by category fill gets their sum.
pub fn pair_years(doc: &Document, a: &str, b: &str) -> Vec<PairYear> {
    let involved: Vec<Involved<'_>> = doc
        .trade
        .iter()
        .enumerate()
        .filter(|(_, t)| (t.reporter == a && t.partner == b) || (t.reporter == b && t.partner == a))
        .map(|(index, t)| (index, t, b))
        .collect();
    let mut years = ByPartner::new();
    if fill_records(a, &involved, &mut years) {
        add_category_sums(a, &involved, &mut years);
    }
    years
        .remove(b)
        .map(|by_year| by_year.into_values().collect())
        .unwrap_or_default()
}
