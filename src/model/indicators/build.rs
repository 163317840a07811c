//! Building [`Flows`] from millions of rows: countries and product codes are numbered once
//! per dictionary (a dataset's code lists, not its rows), rows are grouped by number, and
//! each (year, reporter, partner, flow) group is summed by the aggregation rule once for
//! every level asked for.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use rustc_hash::FxHashMap;

use crate::model::dataset::{RowFlow, TradeTable};
use crate::model::hierarchy;

use super::flows::{FlowRef, Flows, Reported};

/// Numbers for strings borrowed from the sources.
#[derive(Default)]
struct Interner<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, name: &'a str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name, id);
        self.names.push(name);
        id
    }
}

/// (year, reporter, partner, the reporter's exports).
type GroupKey = (i32, u32, u32, bool);

/// Rows gathered from documents and datasets, numbered by group, not yet summed.
#[derive(Default)]
pub(super) struct Builder<'a> {
    countries: Interner<'a>,
    products: Interner<'a>,
    /// Group numbers.
    index: FxHashMap<GroupKey, u32>,
    keys: Vec<GroupKey>,
    /// Each row's group, product and value.
    rows: Vec<(u32, u32, f64)>,
}

/// The rows sorted by group: group `g` is `rows[offsets[g]..offsets[g + 1]]`.
pub(super) struct Grouped<'b, 'a> {
    builder: &'b Builder<'a>,
    offsets: Vec<usize>,
    rows: Vec<(u32, f64)>,
}

impl<'a> Builder<'a> {
    fn push(&mut self, key: GroupKey, code: u32, value: f64) {
        if key.1 == key.2 || !value.is_finite() {
            return;
        }
        let next = self.keys.len() as u32;
        let group = *self.index.entry(key).or_insert(next);
        if group == next {
            self.keys.push(key);
        }
        self.rows.push((group, code, value));
    }

    /// The rows sorted by group (a counting sort: two passes, no allocation per group).
    pub(super) fn group(&self) -> Grouped<'_, 'a> {
        let mut offsets = vec![0usize; self.keys.len() + 1];
        for &(g, _, _) in &self.rows {
            offsets[g as usize + 1] += 1;
        }
        for g in 1..offsets.len() {
            offsets[g] += offsets[g - 1];
        }
        let mut next = offsets.clone();
        let mut rows = vec![(0u32, 0.0f64); self.rows.len()];
        for &(g, code, value) in &self.rows {
            let at = &mut next[g as usize];
            rows[*at] = (code, value);
            *at += 1;
        }
        Grouped {
            builder: self,
            offsets,
            rows,
        }
    }

    /// Adds one row (a document record, a test row).
    pub(super) fn add(&mut self, r: FlowRef<'a>) {
        let key = (
            r.year,
            self.countries.id(r.reporter),
            self.countries.id(r.partner),
            r.exports,
        );
        let code = self.products.id(r.code);
        self.push(key, code, r.value);
    }

    /// Adds a dataset's exports and imports of `years` (re-exports and the other
    /// sub-flows are "of which"), World left out.
    pub(super) fn add_table(&mut self, table: &'a TradeTable, years: &RangeInclusive<i32>) {
        let countries: Vec<Option<u32>> = table
            .countries
            .iter()
            .map(|c| (!c.world).then(|| self.countries.id(&c.code)))
            .collect();
        let products: Vec<u32> = table
            .products
            .iter()
            .map(|p| self.products.id(&p.code))
            .collect();
        self.rows.reserve(table.len());
        for i in 0..table.len() {
            let Some(r) = table.row(i) else { continue };
            if !years.contains(&i32::from(r.year)) {
                continue;
            }
            let exports = match r.flow {
                RowFlow::Export => true,
                RowFlow::Import => false,
                _ => continue,
            };
            let country = |index: u16| countries.get(usize::from(index)).copied().flatten();
            let (Some(reporter), Some(partner), Some(&code)) = (
                country(r.reporter),
                country(r.partner),
                products.get(r.product as usize),
            ) else {
                continue;
            };
            self.push(
                (i32::from(r.year), reporter, partner, exports),
                code,
                r.value,
            );
        }
    }
}

impl<'a> Grouped<'_, 'a> {
    /// The flows at `level` digits.
    pub(super) fn finish(&self, level: usize) -> Flows {
        let b = self.builder;
        let mut flows = Flows {
            level,
            ..Flows::default()
        };
        // Each product's code at the level, numbered in the flows' own code list.
        let mut level_codes: Interner<'a> = Interner::default();
        let prefix: Vec<Option<u32>> = b
            .products
            .names
            .iter()
            .map(|&code| {
                (hierarchy::is_hs(code) && code.len() >= level)
                    .then(|| level_codes.id(&code[..level]))
            })
            .collect();
        let mut summed: Vec<(u32, f64)> = Vec::new();
        for (g, &(year, reporter, partner, exports)) in b.keys.iter().enumerate() {
            let rows = &self.rows[self.offsets[g]..self.offsets[g + 1]];
            let total = b.group_total(rows, &prefix, &mut level_codes, &mut summed, level);
            let (reporter, partner) = (
                b.countries.names[reporter as usize],
                b.countries.names[partner as usize],
            );
            let key = if exports {
                (year, reporter.to_owned(), partner.to_owned())
            } else {
                (year, partner.to_owned(), reporter.to_owned())
            };
            flows.years.insert(year);
            flows
                .totals
                .entry(key.clone())
                .or_default()
                .add(exports, total);
            let slot = flows.products.entry(key).or_default();
            if slot.is_empty() {
                // The first report of the pair (the usual case): nothing to merge with.
                slot.reserve_exact(summed.len());
                slot.extend(summed.iter().map(|&(code, value)| {
                    let mut r = Reported::default();
                    r.add(exports, value);
                    (code, r)
                }));
                continue;
            }
            for &(code, value) in &summed {
                match slot.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, r)) => r.add(exports, value),
                    None => {
                        let mut r = Reported::default();
                        r.add(exports, value);
                        slot.push((code, r));
                    }
                }
            }
        }
        flows.codes = level_codes.names.iter().map(|c| (*c).to_owned()).collect();
        // The world's sums now, off the UI thread, rather than at the first query.
        let _ = flows.world(0);
        flows
    }
}

impl<'a> Builder<'a> {
    /// The group's total by the aggregation rule; its products at the level in `summed`.
    /// Codes all of one HS length at or below the level (a BACI file, a Comtrade extract
    /// at HS6) have no ancestors among them: their sum is the total and their prefixes the
    /// products, without the general rule's bookkeeping.
    fn group_total(
        &self,
        rows: &[(u32, f64)],
        prefix: &[Option<u32>],
        level_codes: &mut Interner<'a>,
        summed: &mut Vec<(u32, f64)>,
        level: usize,
    ) -> f64 {
        summed.clear();
        let names = &self.products.names;
        let first_len = rows.first().map(|(c, _)| names[*c as usize].len());
        let uniform = rows.iter().all(|(c, _)| {
            prefix[*c as usize].is_some() && Some(names[*c as usize].len()) == first_len
        });
        if uniform {
            let mut total = 0.0;
            for &(code, value) in rows {
                total += value;
                if let Some(p) = prefix[code as usize] {
                    summed.push((p, value));
                }
            }
            summed.sort_unstable_by_key(|(c, _)| *c);
            summed.dedup_by(|next, kept| {
                let same = next.0 == kept.0;
                if same {
                    kept.1 += next.1;
                }
                same
            });
            return total;
        }
        let codes = rows.iter().map(|(c, _)| names[*c as usize]);
        let counting = hierarchy::counting(codes.clone());
        let total = rows
            .iter()
            .zip(&counting)
            .filter(|(_, counts)| **counts)
            .map(|((_, v), _)| v)
            .sum();
        let breakdown = hierarchy::breakdown(codes.zip(rows.iter().map(|(_, v)| *v)), None, level);
        for node in breakdown.nodes {
            if node.code.len() != level || !hierarchy::is_hs(&node.code) {
                continue;
            }
            // The node's code is the prefix of one of the group's codes: borrow it from there.
            let source = rows
                .iter()
                .map(|(c, _)| names[*c as usize])
                .find(|c| c.starts_with(node.code.as_str()));
            if let Some(code) = source {
                summed.push((level_codes.id(&code[..level]), node.value));
            }
        }
        total
    }
}
