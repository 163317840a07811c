//! Each pair's totals of a large Parquet release, read before its rows: a pass that decodes
//! only the year, the countries, the flow and the value, sums the rows of each year,
//! reporter, partner and flow as they are read, and keeps none of them.
//!
//! The rows go through the same readers, checks and code lists as when they are kept, so
//! the totals, the refusals and the countries are those of the whole import; only the
//! products and quantities are not read. Keeping every row of a 270-million-row release
//! costs seconds of writing memory the system must zero first; the totals fit in a few
//! megabytes, so every total, ranking and time chart is there in a fraction of that time
//! while the rows are read afterwards (see [`crate::model::dataset::TotalsOnly`]).

use rustc_hash::FxHashMap;

use crate::model::dataset::{DatasetProduct, DatasetRow, TotalsOnly, TradeTable};

/// A part's sums: where each (year, reporter, partner, flow) row is in the part's table,
/// and how many rows were summed into each.
#[derive(Debug, Default)]
pub(super) struct Sums {
    at: FxHashMap<u64, u32>,
    /// The last key and its row: a release in its usual order (year, exporter, importer,
    /// product) gives the same key for a pair's hundreds of products in a row.
    last: Option<(u64, u32)>,
    /// Rows summed into each of the part's rows.
    pub(super) counts: Vec<u32>,
    /// All rows summed into the part.
    pub(super) rows: u64,
    /// Whether product codes are BACI's, written as numbers or without their leading
    /// zero (padded to six digits once read).
    pub(super) pad_to_six: bool,
    /// Set when a row's product is not a six-digit code: then some rows may be detail of
    /// others (a chapter and its headings, a TOTAL), which the aggregation rule counts
    /// once, and the rows' sums are not the totals.
    pub(super) mixed: bool,
}

fn key(row: &DatasetRow) -> u64 {
    (u64::from(row.year) << 48)
        | (u64::from(row.reporter) << 32)
        | (u64::from(row.partner) << 16)
        | row.flow as u64
}

impl Sums {
    /// No sums yet; `pad_to_six` as the field says.
    pub(super) fn new(pad_to_six: bool) -> Self {
        Self {
            pad_to_six,
            ..Self::default()
        }
    }

    /// Adds `row` to the row of its key in `table` (a new row when it has none yet).
    pub(super) fn add(&mut self, table: &mut TradeTable, row: DatasetRow) {
        self.add_rows(table, row, 1);
    }

    /// Adds `count` rows summed into `row`.
    pub(super) fn add_rows(&mut self, table: &mut TradeTable, row: DatasetRow, count: u32) {
        let key = key(&row);
        self.rows += u64::from(count);
        let at = match self.last {
            Some((last, at)) if last == key => Some(at),
            _ => self.at.get(&key).copied(),
        };
        let at = match at {
            Some(at) => {
                table.value[at as usize] += row.value;
                self.counts[at as usize] += count;
                at
            }
            None => {
                let at = table.len() as u32;
                table.push(DatasetRow {
                    quantity: None,
                    ..row
                });
                self.counts.push(count);
                self.at.insert(key, at);
                at
            }
        };
        self.last = Some((key, at));
    }

    /// Forgets every sum (for the part's next rows).
    pub(super) fn clear(&mut self) {
        self.at.clear();
        self.last = None;
        self.counts.clear();
        self.rows = 0;
        self.mixed = false;
    }

    /// Notes a product code as read from a file: six digits (BACI's: two to six, padded),
    /// none of which can be an ancestor of another, or the sums are not the totals.
    pub(super) fn check_text(&mut self, code: &[u8]) {
        let digits = code.iter().all(u8::is_ascii_digit);
        let fits = code.len() == 6 || (self.pad_to_six && (2..=6).contains(&code.len()));
        self.mixed |= !(digits && fits);
    }

    /// Notes a product code stored as an integer, as [`Sums::check_text`].
    pub(super) fn check_integer(&mut self, code: i64) {
        let lowest = if self.pad_to_six { 10 } else { 100_000 };
        self.mixed |= !(lowest..=999_999).contains(&code);
    }
}

/// The parts' rows of a release, appended in order (`counts[i]`: the release's rows in
/// row `i`), summed again per key: the same key comes from several parts.
pub(super) fn merged(table: TradeTable, counts: &[u32]) -> TradeTable {
    // One product, the total: the rows' products are not read, or not kept.
    let mut out = TradeTable {
        countries: table.countries.clone(),
        products: vec![DatasetProduct {
            code: "TOTAL".to_owned(),
            name: String::new(),
        }],
        reconciled: table.reconciled,
        ..TradeTable::default()
    };
    let mut at: FxHashMap<u64, usize> = FxHashMap::default();
    let mut totals = TotalsOnly::default();
    for (i, &count) in counts.iter().enumerate().take(table.len()) {
        let Some(row) = table.row(i) else { continue };
        totals.rows += u64::from(count);
        if table.is_trade_with_itself(i) {
            totals.rows_with_itself += u64::from(count);
        }
        match at.entry(key(&row)) {
            std::collections::hash_map::Entry::Occupied(e) => out.value[*e.get()] += row.value,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(DatasetRow { product: 0, ..row });
            }
        }
    }
    out.totals_only = Some(totals);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DatasetCountry, RowFlow};

    fn row(year: u16, reporter: u16, partner: u16, value: f64) -> DatasetRow {
        DatasetRow {
            year,
            reporter,
            partner,
            flow: RowFlow::Export,
            product: 0,
            value,
            quantity: Some(2.0),
        }
    }

    fn country(code: &str) -> DatasetCountry {
        DatasetCountry {
            code: code.into(),
            name: code.into(),
            world: false,
            unknown: false,
        }
    }

    #[test]
    fn rows_of_one_key_are_summed_wherever_they_come() {
        let mut table = TradeTable {
            countries: vec![country("ARG"), country("BRA")],
            ..TradeTable::default()
        };
        let mut sums = Sums::default();
        // ARG→BRA 2020 three times, not in a row; ARG→ARG once; ARG→BRA 2021 once.
        let rows = [
            row(2020, 0, 1, 1.5),
            row(2020, 0, 1, 2.0),
            row(2020, 0, 0, 40.0),
            row(2021, 0, 1, 7.0),
            row(2020, 0, 1, 0.5),
        ];
        for r in rows {
            sums.add(&mut table, r);
        }
        assert_eq!(table.len(), 3);
        assert_eq!(table.value[..], [4.0, 40.0, 7.0]);
        assert_eq!(sums.counts, [3, 1, 1]);
        assert_eq!(sums.rows, 5);
        assert!(table.quantity.iter().all(|q| q.is_nan()), "no quantity");
        // Two parts appended: the second repeats ARG→BRA 2020.
        let mut both = table.clone();
        both.push(row(2020, 0, 1, 10.0));
        let mut counts = sums.counts.clone();
        counts.push(4);
        let merged = merged(both, &counts);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged.value[..], [14.0, 40.0, 7.0]);
        let totals = merged.totals_only.unwrap_or_default();
        assert_eq!((totals.rows, totals.rows_with_itself), (9, 1));
        assert_eq!(merged.trade_with_itself(), (1, 40.0));
    }
}
