//! Which years the trade matrix is built from when the linked rows are too many to build
//! it from all of them: the year looked at and the years before it (then after it), as
//! many as fit a budget of rows. A whole BACI release (270 million rows) then gets the
//! indicators of any of its years, instead of none.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::model::dataset::TradeTable;

/// Rows the trade matrices are built from at most. They are built in memory, about 120
/// bytes per row for the three levels (the Analysis benchmark's 10 million generated rows:
/// 1.6 GB at its peak with the app, 2.05 GB before a matrix figure took 16 bytes instead
/// of 32), so about 6.6 GB here as 40 million rows took before: from more rows (a whole
/// BACI release holds 270 million), they are built from the years around the one looked
/// at that fit ([`year_window`]).
pub const MATRIX_MAX_ROWS: usize = 55_000_000;

/// Rows of `tables` by year.
pub fn rows_by_year<'a>(tables: impl IntoIterator<Item = &'a TradeTable>) -> BTreeMap<i32, usize> {
    // Counted in an array by year (a u16) first: a map lookup per row would cost more
    // than the rest of the count on hundreds of millions of rows.
    let mut counts = vec![0usize; usize::from(u16::MAX) + 1];
    for table in tables {
        for &year in table.year.iter() {
            counts[usize::from(year)] += 1;
        }
    }
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(year, n)| (year as i32, *n))
        .collect()
}

/// The years to build from: `around` (the latest year of `counts` when `None`),
/// then the years before it, then those after it, while their rows together stay within
/// `budget`. `None` when `around` alone holds more than `budget` rows (or there is no
/// year at all).
pub fn year_window(
    counts: &BTreeMap<i32, usize>,
    around: Option<i32>,
    budget: usize,
) -> Option<RangeInclusive<i32>> {
    let year = window_year(counts, around)?;
    let mut rows = counts.get(&year).copied().unwrap_or(0);
    if rows > budget {
        return None;
    }
    let (mut first, mut last) = (year, year);
    for (&y, &n) in counts.range(..year).rev() {
        if rows + n > budget {
            break;
        }
        rows += n;
        first = y;
    }
    for (&y, &n) in counts.range(year + 1..) {
        if rows + n > budget {
            break;
        }
        rows += n;
        last = y;
    }
    Some(first..=last)
}

/// The year a window is built around: `around`, else the latest year of `counts`. A year
/// asked for without linked rows (one only the document gives) is still the year looked
/// at.
pub fn window_year(counts: &BTreeMap<i32, usize>, around: Option<i32>) -> Option<i32> {
    around.or_else(|| counts.keys().next_back().copied())
}

/// The years a matrix is built from when there are more linked rows than it can be built
/// from, with the counts that say so: what the Analysis view and `indicators` both show.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The years built from ([`year_window`]).
    pub years: RangeInclusive<i32>,
    /// Rows within those years.
    pub rows: usize,
    /// Rows of every year.
    pub total: usize,
    /// Every year with rows, in order.
    pub with_rows: Vec<i32>,
}

impl Planned {
    /// The latest year with rows (the year looked at when none is asked for).
    pub fn latest(&self) -> Option<i32> {
        self.with_rows.last().copied()
    }

    /// "2020–2023", or "2022" for one year: how the figures name the window.
    pub fn span(&self) -> String {
        let (first, last) = (*self.years.start(), *self.years.end());
        if first == last {
            format!("{first}")
        } else {
            format!("{first}–{last}")
        }
    }
}

/// Why a matrix cannot be built from any window: the year looked at holds more rows than
/// the budget on its own, or no row has a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// The year looked at (`None`: no row has a year).
    pub year: Option<i32>,
    /// Its rows.
    pub rows: usize,
    /// Every year with rows (another of them may fit).
    pub with_rows: Vec<i32>,
}

/// Counts the rows of `tables` by year and chooses the years around `around` (the latest
/// when `None`) that fit `budget` rows.
pub fn plan_window<'a>(
    tables: impl IntoIterator<Item = &'a TradeTable>,
    around: Option<i32>,
    budget: usize,
) -> Result<Planned, Refused> {
    let counts = rows_by_year(tables);
    let with_rows: Vec<i32> = counts.keys().copied().collect();
    match year_window(&counts, around, budget) {
        Some(years) => Ok(Planned {
            rows: rows_within(&counts, &years),
            total: counts.values().sum(),
            years,
            with_rows,
        }),
        None => {
            let year = window_year(&counts, around);
            Err(Refused {
                rows: year.and_then(|y| counts.get(&y).copied()).unwrap_or(0),
                year,
                with_rows,
            })
        }
    }
}

/// Rows of `counts` within `years`.
pub fn rows_within(counts: &BTreeMap<i32, usize>, years: &RangeInclusive<i32>) -> usize {
    counts.range(years.clone()).map(|(_, n)| n).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(i32, usize)]) -> BTreeMap<i32, usize> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn the_latest_year_and_those_before_it_that_fit() {
        // 2019: 40, 2020: 30, 2021: 20, 2022: 10; budget 65: 2022 (10) + 2021 (20) +
        // 2020 (30) = 60; 2019 would make 100.
        let c = counts(&[(2019, 40), (2020, 30), (2021, 20), (2022, 10)]);
        assert_eq!(year_window(&c, None, 65), Some(2020..=2022));
        assert_eq!(rows_within(&c, &(2020..=2022)), 60);
        // A year without rows (one only the document gives) is the year looked at still.
        assert_eq!(year_window(&c, Some(2023), 65), Some(2020..=2023));
        assert_eq!(year_window(&c, Some(2023), 5), Some(2023..=2023));
    }

    #[test]
    fn later_years_fill_what_earlier_ones_leave() {
        // Around 2020 (30) with budget 55: 2019 (40) does not fit (70), so the window
        // stops going back and takes 2021 (20) → 50; 2022 (10) would make 60.
        let c = counts(&[(2019, 40), (2020, 30), (2021, 20), (2022, 10)]);
        assert_eq!(year_window(&c, Some(2020), 55), Some(2020..=2021));
        // With room for everything, every year.
        assert_eq!(year_window(&c, Some(2020), 100), Some(2019..=2022));
    }

    #[test]
    fn no_window_when_the_year_alone_is_over_budget() {
        let c = counts(&[(2021, 20), (2022, 70)]);
        assert_eq!(year_window(&c, None, 65), None);
        assert_eq!(year_window(&c, Some(2021), 65), Some(2021..=2021));
        assert_eq!(year_window(&BTreeMap::new(), None, 65), None);
    }

    /// PAK → KAZ, product 080510: 5 in 2021, 10 in 2022; KAZ → PAK 520100: 20 in 2022.
    fn pak_kaz() -> TradeTable {
        use crate::model::dataset::{DatasetCountry, DatasetProduct, DatasetRow, RowFlow};
        let mut table = TradeTable {
            reconciled: true,
            ..TradeTable::default()
        };
        for code in ["PAK", "KAZ"] {
            table.countries.push(DatasetCountry {
                code: code.into(),
                name: code.into(),
                world: false,
                unknown: false,
            });
        }
        for code in ["080510", "520100"] {
            table.products.push(DatasetProduct {
                code: code.into(),
                name: String::new(),
            });
        }
        for (year, reporter, partner, product, value) in [
            (2021, 0, 1, 0, 5.0),
            (2022, 0, 1, 0, 10.0),
            (2022, 1, 0, 1, 20.0),
        ] {
            table.push(DatasetRow {
                year,
                reporter,
                partner,
                flow: RowFlow::Export,
                product,
                value,
                quantity: None,
            });
        }
        table.compute_flags();
        table
    }

    #[test]
    fn matrices_of_a_window_hold_its_years_only_and_may_stop_early() {
        let table = pak_kaz();
        let mut built = Vec::new();
        super::super::each_level_in(
            std::iter::empty(),
            [&table],
            &(2022..=2022),
            &[2, 4, 6],
            |f| {
                built.push(f);
                std::ops::ControlFlow::Break(())
            },
        );
        assert_eq!(built.len(), 1, "stopped after the first level");
        let f = &built[0];
        assert_eq!(f.years.iter().copied().collect::<Vec<_>>(), [2022]);
        assert_eq!(super::super::exports(f, 2022, "PAK", "KAZ"), Some(10.0));
        assert_eq!(super::super::exports(f, 2022, "KAZ", "PAK"), Some(20.0));
        assert_eq!(super::super::exports(f, 2021, "PAK", "KAZ"), None);
        let mut all = Vec::new();
        super::super::each_level(std::iter::empty(), [&table], &[2, 4], |f| all.push(f));
        assert_eq!(all.len(), 2);
        assert_eq!(
            super::super::exports(&all[0], 2021, "PAK", "KAZ"),
            Some(5.0)
        );
    }

    #[test]
    fn a_planned_window_counts_its_rows_and_a_refused_one_names_its_year() {
        // PAK–KAZ holds 1 row in 2021 and 2 in 2022.
        let table = pak_kaz();
        let planned = plan_window([&table], None, 2);
        assert_eq!(
            planned,
            Ok(Planned {
                years: 2022..=2022,
                rows: 2,
                total: 3,
                with_rows: vec![2021, 2022],
            })
        );
        assert_eq!(planned.map(|p| p.latest()), Ok(Some(2022)));
        let around_2021 = plan_window([&table], Some(2021), 2).map(|p| p.years);
        assert_eq!(around_2021, Ok(2021..=2021));
        assert_eq!(
            plan_window([&table], None, 1),
            Err(Refused {
                year: Some(2022),
                rows: 2,
                with_rows: vec![2021, 2022],
            })
        );
        let empty = TradeTable::default();
        assert_eq!(
            plan_window([&empty], None, 1),
            Err(Refused {
                year: None,
                rows: 0,
                with_rows: Vec::new(),
            })
        );
    }

    #[test]
    fn rows_are_counted_by_year_across_tables() {
        use crate::model::dataset::{DatasetRow, RowFlow};
        let mut a = TradeTable::default();
        let mut b = TradeTable::default();
        let row = |year| DatasetRow {
            year,
            reporter: 0,
            partner: 0,
            flow: RowFlow::Export,
            product: 0,
            value: 1.0,
            quantity: None,
        };
        for year in [2020, 2021, 2021] {
            a.push(row(year));
        }
        b.push(row(2021));
        b.push(row(1995));
        assert_eq!(
            rows_by_year([&a, &b]),
            counts(&[(1995, 1), (2020, 1), (2021, 3)])
        );
    }
}
