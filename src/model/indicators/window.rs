//! The budget of rows a trade matrix is built from in memory, and the years that fit it:
//! the year looked at and the years before it (then after it), as many as fit. From more
//! linked rows (a whole BACI release holds 270 million) the indicators come from a
//! [`super::Span`], and a focus country whose own rows are too many gets its figures by
//! product from the years around the one looked at ([`year_window`]).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::model::dataset::TradeTable;

/// Rows the trade matrices are built from at most. They are built in memory, about 120
/// bytes per row for the three levels (the Analysis benchmark's 10 million generated rows:
/// 1.6 GB at its peak with the app, 2.05 GB before a matrix figure took 16 bytes instead
/// of 32), so about 6.6 GB here as 40 million rows took before. From more rows the
/// indicators are summed a batch of years of at most this many rows at a time
/// ([`super::Span`]).
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
    years_with_rows(&counts)
}

/// The years (indices) of `counts` with rows, and their rows.
pub(super) fn years_with_rows(counts: &[usize]) -> BTreeMap<i32, usize> {
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
fn window_year(counts: &BTreeMap<i32, usize>, around: Option<i32>) -> Option<i32> {
    around.or_else(|| counts.keys().next_back().copied())
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
