//! The one aggregation rule for product codes, used by datasets and documents alike.
//!
//! Within one group (year, reporter, partner, flow), a row counts towards totals exactly
//! when no ancestor of its product code is present in the group. `TOTAL` (or no code at
//! all, for a document record) is the ancestor of every code; an HS code is the ancestor of
//! the codes it prefixes (`44` of `4401` of `440110`). Codes that are not HS codes (not all
//! digits) are leaves of TOTAL. Rows whose ancestor is present are "of which" detail: they
//! are shown in breakdowns and never added twice.
//!
//! Breakdowns at a level (2, 4 or 6 digits): the value of a node is its own row where the
//! group has one, else the sum of its highest descendants present. When a node's own row
//! exceeds the sum of its children one level down (confidential or unallocated trade), the
//! difference is "not broken down in the file", so that a drill-down adds up to its parent.

use std::collections::{BTreeMap, HashMap, HashSet};

/// The code of an aggregate of all products.
pub const TOTAL: &str = "TOTAL";

/// True for `TOTAL` (any case) and for an empty code (a document record without category).
pub fn is_total(code: &str) -> bool {
    code.is_empty() || code.eq_ignore_ascii_case(TOTAL)
}

/// True for an HS-like code: two or more ASCII digits.
pub fn is_hs(code: &str) -> bool {
    code.len() >= 2 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `a` is an ancestor of `b` (never of itself).
pub fn is_ancestor(a: &str, b: &str) -> bool {
    if is_total(b) {
        return false;
    }
    if is_total(a) {
        return true;
    }
    is_hs(a) && is_hs(b) && b.len() > a.len() && b.starts_with(a)
}

/// The codes present in one group, with whether one of them is a total, so that asking
/// for a code's ancestors costs a few set look-ups whatever the group's size.
#[derive(Debug, Default)]
pub struct Present<'a> {
    codes: HashSet<&'a str>,
    has_total: bool,
}

impl<'a> Present<'a> {
    /// Adds a code of the group.
    pub fn insert(&mut self, code: &'a str) {
        self.has_total |= is_total(code);
        self.codes.insert(code);
    }

    /// Whether `code` has an ancestor in the group.
    pub fn has_ancestor(&self, code: &str) -> bool {
        if is_total(code) {
            return false;
        }
        self.has_total || (is_hs(code) && (2..code.len()).any(|n| self.codes.contains(&code[..n])))
    }
}

impl<'a> FromIterator<&'a str> for Present<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut present = Present::default();
        iter.into_iter().for_each(|c| present.insert(c));
        present
    }
}

/// For the codes of one group, which count towards totals (no ancestor present).
pub fn counting<'a>(codes: impl IntoIterator<Item = &'a str> + Clone) -> Vec<bool> {
    let present: Present<'_> = codes.clone().into_iter().collect();
    codes
        .into_iter()
        .map(|c| !present.has_ancestor(c))
        .collect()
}

/// For every trade record of `doc`, whether it counts towards totals: a record with a
/// category is detail when its (year, reporter, partner, flow) group also has a record
/// without one, or one whose category code is an ancestor of its own.
pub fn counting_records(doc: &crate::model::Document) -> Vec<bool> {
    counting_among(doc.trade.iter())
}

/// [`counting_records`] for some of a document's records: right as long as every record of
/// each group they belong to is among them.
pub fn counting_among<'a>(
    records: impl Iterator<Item = &'a crate::model::TradeVolume> + Clone,
) -> Vec<bool> {
    type Group<'a> = (Option<i32>, &'a str, &'a str, crate::model::Flow);
    let mut groups: HashMap<Group<'_>, Present<'_>> = HashMap::new();
    for t in records.clone() {
        groups
            .entry((t.year, &t.reporter, &t.partner, t.flow))
            .or_default()
            .insert(t.category.as_deref().unwrap_or(""));
    }
    records
        .map(|t| {
            let present = &groups[&(t.year, t.reporter.as_str(), t.partner.as_str(), t.flow)];
            !present.has_ancestor(t.category.as_deref().unwrap_or(""))
        })
        .collect()
}

/// One bar of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The code at the level shown (or a non-HS code, at the top).
    pub code: String,
    /// Its own row's value, else the sum of its highest descendants present.
    pub value: f64,
    /// Whether the group has finer rows under it (a drill-down has something to show).
    pub has_finer: bool,
}

/// A group's breakdown one level below `within` (the top when `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Breakdown {
    /// The nodes, largest first.
    pub nodes: Vec<Node>,
    /// The parent's own row minus the sum of the nodes, when positive: value the file
    /// gives for the parent without breaking it down.
    pub not_broken_down: f64,
}

/// The digits of the level below `within`: chapters at the top, then headings, then
/// six-digit products (and for deeper national codes, two digits more each time).
pub fn level_below(within: Option<&str>) -> usize {
    match within.map(str::len) {
        None | Some(0) => 2,
        Some(n) if n < 4 => 4,
        Some(n) if n < 6 => 6,
        Some(n) => n + 2,
    }
}

/// The breakdown of one group's rows (code, value; several rows of one code add up) at
/// `digits` digits below `within` (`None`: below TOTAL; custom codes and HS codes shorter
/// than `digits` are their own nodes there). Use [`level_below`] for the next level.
pub fn breakdown<'a>(
    rows: impl IntoIterator<Item = (&'a str, f64)>,
    within: Option<&str>,
    digits: usize,
) -> Breakdown {
    let mut values: BTreeMap<&str, f64> = BTreeMap::new();
    for (code, value) in rows {
        *values.entry(code).or_default() += value;
    }
    let present: HashSet<&str> = values.keys().copied().collect();
    let parent_own = match within {
        Some(w) => values.get(w).copied(),
        None => values
            .iter()
            .filter(|(c, _)| is_total(c))
            .map(|(_, v)| *v)
            .reduce(|a, b| a + b),
    };
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for (&code, &value) in &values {
        if is_total(code) || within.is_some_and(|w| !is_ancestor(w, code)) {
            continue;
        }
        let node_code = if is_hs(code) && code.len() >= digits {
            &code[..digits]
        } else if within.is_none() {
            code // a custom code (a leaf of TOTAL), or an HS code shorter than the level
        } else {
            continue; // between the parent and this level: counted through its own node
        };
        // A row counts in its node when it is the node's own row, or when no code between
        // the node and it is present (it is a highest descendant).
        let own = code == node_code;
        let hidden =
            !own && (node_code.len() + 1..code.len()).any(|n| present.contains(&code[..n]));
        let entry = nodes.entry(node_code.to_owned()).or_insert(Node {
            code: node_code.to_owned(),
            value: 0.0,
            has_finer: false,
        });
        if !own {
            entry.has_finer = true;
        }
        if present.contains(node_code) {
            if own {
                entry.value = value;
            }
        } else if !hidden {
            entry.value += value;
        }
    }
    let mut nodes: Vec<Node> = nodes.into_values().collect();
    nodes.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.code.cmp(&b.code)));
    let sum: f64 = nodes.iter().map(|n| n.value).sum();
    let not_broken_down = match parent_own {
        Some(own) if !nodes.is_empty() && own - sum > own.abs() * 1e-9 => own - sum,
        _ => 0.0,
    };
    Breakdown {
        nodes,
        not_broken_down,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn total(rows: &[(&str, f64)]) -> f64 {
        let flags = counting(rows.iter().map(|(c, _)| *c));
        rows.iter()
            .zip(flags)
            .filter(|(_, f)| *f)
            .map(|((_, v), _)| v)
            .sum()
    }

    #[test]
    fn same_chapter_overlap_counts_the_chapter_once() {
        // 08 = 60 with its heading 0805 = 45 and product 080510 = 30: the chapter only.
        let rows = [("08", 60.0), ("0805", 45.0), ("080510", 30.0)];
        assert_eq!(total(&rows), 60.0);
    }

    #[test]
    fn different_chapters_at_different_depths_all_count() {
        // Chapter 07 as HS2, chapter 08 only as headings, chapter 30 only as HS6: nothing
        // overlaps, so every row counts (the old "coarsest level" rule kept only 07).
        let rows = [
            ("07", 10.0),
            ("0805", 20.0),
            ("0806", 5.0),
            ("300490", 40.0),
            ("300420", 2.5),
        ];
        assert_eq!(total(&rows), 77.5);
    }

    #[test]
    fn a_total_row_with_partial_detail_is_the_total() {
        let rows = [("TOTAL", 100.0), ("08", 60.0), ("0805", 60.0)];
        assert_eq!(total(&rows), 100.0);
        let b = breakdown(rows.iter().map(|(c, v)| (*c, *v)), None, 2);
        assert_eq!(b.nodes.len(), 1);
        assert_eq!(b.nodes[0].code, "08");
        assert_eq!(b.nodes[0].value, 60.0);
        assert!(b.nodes[0].has_finer);
        // 40 of the total is not in any chapter the file gives.
        assert_eq!(b.not_broken_down, 40.0);
    }

    #[test]
    fn hs6_without_its_hs4_rolls_up_and_a_heading_with_its_own_row_uses_it() {
        // 0805 has its own row (50) and more detail (080510 = 30, 080520 = 15: 5 unallocated);
        // 0806 has no row of its own: 080610 + 080620.
        let rows = [
            ("0805", 50.0),
            ("080510", 30.0),
            ("080520", 15.0),
            ("080610", 7.0),
            ("080620", 3.0),
        ];
        assert_eq!(total(&rows), 60.0);
        let top = breakdown(rows.iter().map(|(c, v)| (*c, *v)), None, 2);
        assert_eq!(
            top.nodes,
            vec![Node {
                code: "08".into(),
                value: 60.0,
                has_finer: true
            }]
        );
        let chapter = breakdown(
            rows.iter().map(|(c, v)| (*c, *v)),
            Some("08"),
            level_below(Some("08")),
        );
        let values: Vec<(&str, f64)> = chapter
            .nodes
            .iter()
            .map(|n| (n.code.as_str(), n.value))
            .collect();
        assert_eq!(values, [("0805", 50.0), ("0806", 10.0)]);
        assert_eq!(chapter.not_broken_down, 0.0, "08 has no row of its own");
        let heading = breakdown(
            rows.iter().map(|(c, v)| (*c, *v)),
            Some("0805"),
            level_below(Some("0805")),
        );
        let values: Vec<(&str, f64)> = heading
            .nodes
            .iter()
            .map(|n| (n.code.as_str(), n.value))
            .collect();
        assert_eq!(values, [("080510", 30.0), ("080520", 15.0)]);
        assert_eq!(heading.not_broken_down, 5.0);
        assert!(
            !heading.nodes[0].has_finer,
            "a product has nothing below it"
        );
    }

    #[test]
    fn custom_codes_are_leaves_of_total() {
        let rows = [("TOTAL", 50.0), ("CITRUS", 20.0), ("08", 10.0)];
        assert_eq!(total(&rows), 50.0);
        let no_total = [("CITRUS", 20.0), ("CIT", 5.0), ("08", 10.0)];
        assert_eq!(total(&no_total), 35.0, "CIT is not an ancestor of CITRUS");
        let b = breakdown(no_total.iter().map(|(c, v)| (*c, *v)), None, 2);
        assert_eq!(b.nodes.len(), 3);
        assert!(b.nodes.iter().all(|n| !n.has_finer));
    }

    #[test]
    fn a_totals_only_group_has_no_breakdown() {
        let b = breakdown([("TOTAL", 100.0)], None, 2);
        assert!(b.nodes.is_empty());
        assert_eq!(b.not_broken_down, 0.0);
    }

    /// Random hierarchies: chapters, headings and products of a few chapters, each present
    /// or not, with positive values, optionally with a TOTAL.
    fn group() -> impl Strategy<Value = Vec<(String, f64)>> {
        let code = prop_oneof![
            (1u8..4).prop_map(|c| format!("{c:02}")),
            (1u8..4, 1u8..3).prop_map(|(c, h)| format!("{c:02}{h:02}")),
            (1u8..4, 1u8..3, 1u8..3).prop_map(|(c, h, p)| format!("{c:02}{h:02}{p:02}")),
            Just("TOTAL".to_owned()),
        ];
        proptest::collection::btree_map(code, 1u32..1000, 1..12)
            .prop_map(|m| m.into_iter().map(|(c, v)| (c, f64::from(v))).collect())
    }

    /// Sum of the rows with no ancestor present, computed without `counting`: a row counts
    /// when no other row's code is TOTAL or a prefix of it.
    fn expected_total(rows: &[(String, f64)]) -> f64 {
        rows.iter()
            .filter(|(c, _)| {
                c == "TOTAL"
                    || !rows
                        .iter()
                        .any(|(o, _)| o != c && (o == "TOTAL" || c.starts_with(o.as_str())))
            })
            .map(|(_, v)| v)
            .sum()
    }

    /// A drill-down adds up to its parent: to its own row when it has one (with the part
    /// not broken down), else to the sum of its highest descendants.
    fn check_level(rows: &[(&str, f64)], parent: &Node) -> Result<(), TestCaseError> {
        let down = breakdown(
            rows.iter().copied(),
            Some(&parent.code),
            level_below(Some(&parent.code)),
        );
        let sum: f64 = down.nodes.iter().map(|n| n.value).sum();
        match rows.iter().find(|(c, _)| *c == parent.code) {
            Some((_, own)) => {
                prop_assert!((down.not_broken_down - (own - sum).max(0.0)).abs() < 1e-6);
            }
            None => {
                prop_assert!(
                    (sum - parent.value).abs() < 1e-6,
                    "{}: {} vs {}",
                    parent.code,
                    sum,
                    parent.value
                );
                prop_assert_eq!(down.not_broken_down, 0.0);
            }
        }
        for node in down.nodes.iter().filter(|n| n.has_finer) {
            check_level(rows, node)?;
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn totals_are_the_rows_without_an_ancestor_and_every_level_adds_up(rows in group()) {
            let as_refs: Vec<(&str, f64)> = rows.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            prop_assert_eq!(total(&as_refs), expected_total(&rows));
            // Below TOTAL, the chapters add up to the total of the rows without it.
            let detail: Vec<(String, f64)> = rows.iter().filter(|(c, _)| c != "TOTAL").cloned().collect();
            let detail_refs: Vec<(&str, f64)> = detail.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            let top = breakdown(detail_refs.iter().copied(), None, 2);
            let sum: f64 = top.nodes.iter().map(|n| n.value).sum();
            prop_assert!((sum - expected_total(&detail)).abs() < 1e-6, "top {} vs {}", sum, expected_total(&detail));
            for node in top.nodes.iter().filter(|n| n.has_finer) {
                check_level(&detail_refs, node)?;
            }
        }
    }
}
