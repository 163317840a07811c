//! Which blocks of rows hold each country, so that the sums of one focus country or one
//! pair read only those blocks instead of every row.
//!
//! Trade files come sorted (BACI by year, exporter, importer and product; Comtrade by
//! reporter): the rows of one exporter are contiguous and those of one importer form a
//! short run inside each exporter's rows. One bit per country and block of 4,096 rows
//! records where a country appears, as exporter or importer: for a whole BACI release
//! (270 million rows, 66,000 blocks) that is 8 KiB per country, and a focus country's rows
//! lie in about a tenth of the blocks. In a file in random order every block holds every
//! country and the sums read everything, as without the index.

use std::ops::Range;

use super::TradeTable;

/// Rows per block.
pub const BLOCK_ROWS: usize = 4096;

/// Words of the index below which one thread builds it all (64 words: 16.7 million rows).
const PARALLEL_MIN_WORDS: usize = 64;

/// The index's words `words` (each 64 blocks of rows) for every country, `words.len()`
/// per country, and the years of those rows.
fn mark(table: &TradeTable, words: Range<usize>) -> (Vec<u64>, Option<(u16, u16)>) {
    let rows = table.len();
    let width = words.len();
    let mut bits = vec![0u64; width * table.countries.len()];
    let mut years: Option<(u16, u16)> = None;
    let first = words.start * 64;
    let blocks = (words.end * 64).min(rows.div_ceil(BLOCK_ROWS));
    for block in first..blocks {
        let range = block * BLOCK_ROWS..((block + 1) * BLOCK_ROWS).min(rows);
        let (word, bit) = (block / 64 - words.start, 1u64 << (block % 64));
        // Runs of one country are the rule in sorted files: mark each run once.
        let mut last = (u16::MAX, u16::MAX);
        for i in range.clone() {
            let (r, p) = (table.reporter[i], table.partner[i]);
            if (r, p) == last {
                continue;
            }
            last = (r, p);
            for c in [r, p] {
                if let Some(w) = bits.get_mut(usize::from(c) * width + word) {
                    *w |= bit;
                }
            }
        }
        let year = &table.year[range];
        if let (Some(&lo), Some(&hi)) = (year.iter().min(), year.iter().max()) {
            years = Some(widen(years, lo, hi));
        }
    }
    (bits, years)
}

/// The span of years `years` widened to hold `lo..=hi`.
fn widen(years: Option<(u16, u16)>, lo: u16, hi: u16) -> (u16, u16) {
    years.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi)))
}

/// Where each country appears, by block of rows, and the years the rows span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountryBlocks {
    rows: usize,
    /// 64-bit words per country.
    words: usize,
    /// `words` words per country, in dictionary order.
    bits: Vec<u64>,
    /// The first and last year of the rows.
    pub years: Option<(u16, u16)>,
}

impl CountryBlocks {
    /// Builds the index in one pass over the country columns; a large table's passes run
    /// on every core, each over its own range of words (the same index either way).
    pub fn of(table: &TradeTable) -> CountryBlocks {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        Self::of_in(table, threads, PARALLEL_MIN_WORDS)
    }

    /// [`CountryBlocks::of`] on `threads` threads, each given at least `min_words` words.
    fn of_in(table: &TradeTable, threads: usize, min_words: usize) -> CountryBlocks {
        let rows = table.len();
        let words = rows.div_ceil(BLOCK_ROWS).div_ceil(64);
        let countries = table.countries.len();
        let parts = threads.min(words / min_words.max(1)).max(1);
        let ranges = super::ranges::split(words, parts);
        let pieces = super::ranges::map_ranges(&ranges, |words| mark(table, words));
        let mut bits = vec![0u64; words * countries];
        let mut years: Option<(u16, u16)> = None;
        for (range, (piece, span)) in ranges.iter().zip(&pieces) {
            let width = range.len();
            for c in 0..countries {
                let to = c * words + range.start;
                bits[to..to + width].copy_from_slice(&piece[c * width..(c + 1) * width]);
            }
            if let Some((lo, hi)) = *span {
                years = Some(widen(years, lo, hi));
            }
        }
        CountryBlocks {
            rows,
            words,
            bits,
            years,
        }
    }

    /// An index stored earlier (e.g. in a cache) for a table of `rows` rows and
    /// `countries` countries; `None` when `bits` is not the size such an index has.
    pub fn from_parts(
        rows: usize,
        countries: usize,
        bits: Vec<u64>,
        years: Option<(u16, u16)>,
    ) -> Option<CountryBlocks> {
        let words = rows.div_ceil(BLOCK_ROWS).div_ceil(64);
        (words.checked_mul(countries) == Some(bits.len())).then_some(CountryBlocks {
            rows,
            words,
            bits,
            years,
        })
    }

    /// The bits, `rows.div_ceil(BLOCK_ROWS).div_ceil(64)` words per country (what
    /// [`CountryBlocks::from_parts`] takes back).
    pub fn bits(&self) -> &[u64] {
        &self.bits
    }

    fn word(&self, country: u16, w: usize) -> u64 {
        self.bits
            .get(usize::from(country) * self.words + w)
            .copied()
            .unwrap_or(0)
    }

    /// The row ranges of the blocks where `country` appears (adjacent blocks joined).
    pub fn rows_of(&self, country: u16) -> Vec<Range<usize>> {
        self.ranges(|w| self.word(country, w))
    }

    /// The row ranges of the blocks where both countries appear.
    pub fn rows_of_pair(&self, a: u16, b: u16) -> Vec<Range<usize>> {
        self.ranges(|w| self.word(a, w) & self.word(b, w))
    }

    fn ranges(&self, word: impl Fn(usize) -> u64) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for w in 0..self.words {
            let mut bits = word(w);
            while bits != 0 {
                let block = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let range = block * BLOCK_ROWS..((block + 1) * BLOCK_ROWS).min(self.rows);
                match out.last_mut() {
                    Some(last) if last.end == range.start => last.end = range.end,
                    _ => out.push(range),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::{DatasetCountry, DatasetProduct};

    fn table(pairs: &[(u16, u16)], countries: usize) -> TradeTable {
        let mut t = TradeTable::default();
        for (i, &(r, p)) in pairs.iter().enumerate() {
            t.year.push(2000 + (i % 3) as u16);
            t.reporter.push(r);
            t.partner.push(p);
            t.flow.push(0);
            t.product.push(0);
            t.value.push(1.0);
            t.quantity.push(f32::NAN);
        }
        t.countries = (0..countries)
            .map(|c| DatasetCountry {
                code: format!("C{c}"),
                name: String::new(),
                world: false,
                unknown: false,
            })
            .collect();
        t.products = vec![DatasetProduct {
            code: "080510".into(),
            name: String::new(),
        }];
        t
    }

    #[test]
    fn an_index_built_on_several_threads_marks_the_same_blocks() {
        // Block b (4,096 rows) is all C(b % 7) -> C(7 + b % 3), of year 2000 + b % 3; 200
        // blocks make 4 words per country, split into pieces of one or two words.
        let blocks = 200;
        let pairs: Vec<(u16, u16)> = (0..blocks * BLOCK_ROWS)
            .map(|i| {
                let b = i / BLOCK_ROWS;
                ((b % 7) as u16, (7 + b % 3) as u16)
            })
            .collect();
        let mut t = table(&pairs, 11);
        for (i, year) in t.year.iter_mut().enumerate() {
            *year = 2000 + (i / BLOCK_ROWS % 3) as u16;
        }
        for (threads, min_words) in [(1, 64), (2, 1), (4, 1), (3, 1)] {
            let index = CountryBlocks::of_in(&t, threads, min_words);
            assert_eq!(index.years, Some((2000, 2002)));
            for c in 0..11usize {
                for b in 0..blocks {
                    let marked = index.bits()[c * 4 + b / 64] >> (b % 64) & 1 == 1;
                    let expected = c == b % 7 || c == 7 + b % 3;
                    assert_eq!(
                        marked, expected,
                        "country {c}, block {b}, {threads} threads"
                    );
                }
            }
        }
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one range of rows is the expected answer
    fn blocks_hold_exactly_the_rows_of_a_country() {
        // Block 0: country 0 → 1; block 1: 2 → 3; block 2 (partial): 0 → 3.
        let mut pairs = vec![(0, 1); BLOCK_ROWS];
        pairs.extend(vec![(2, 3); BLOCK_ROWS]);
        pairs.extend(vec![(0, 3); 10]);
        let t = table(&pairs, 5);
        let index = CountryBlocks::of(&t);
        let n = 2 * BLOCK_ROWS + 10;
        assert_eq!(index.rows_of(0), [0..BLOCK_ROWS, 2 * BLOCK_ROWS..n]);
        assert_eq!(index.rows_of(3), [BLOCK_ROWS..n]);
        assert_eq!(index.rows_of(1), [0..BLOCK_ROWS]);
        assert!(index.rows_of(4).is_empty());
        assert_eq!(index.rows_of_pair(0, 3), [2 * BLOCK_ROWS..n]);
        assert!(index.rows_of_pair(1, 2).is_empty());
        assert_eq!(index.years, Some((2000, 2002)));
        // Every row of a country is inside its ranges.
        for c in 0..4u16 {
            let ranges = index.rows_of(c);
            for i in 0..t.len() {
                if t.reporter[i] == c || t.partner[i] == c {
                    assert!(ranges.iter().any(|r| r.contains(&i)), "row {i} of {c}");
                }
            }
        }
    }

    /// The sums read through the index equal a plain loop over every row, for rows sorted
    /// by exporter (few blocks per country) and for the same rows shuffled.
    #[test]
    fn focus_sums_over_blocks_equal_a_full_scan() {
        let n = 5 * BLOCK_ROWS + 123;
        let sorted: Vec<(u16, u16)> = (0..n)
            .map(|i| {
                let r = (i * 10 / n) as u16;
                (r, (r + 1 + (i % 9) as u16) % 10)
            })
            .collect();
        let mut shuffled = sorted.clone();
        let mut seed = 7u64;
        for i in (1..shuffled.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            shuffled.swap(i, (seed >> 33) as usize % (i + 1));
        }
        for pairs in [sorted, shuffled] {
            let mut t = table(&pairs, 10);
            t.reconciled = true;
            for (i, v) in t.value.iter_mut().enumerate() {
                *v = (i % 97) as f64 + 0.25;
            }
            t.compute_flags();
            for f in 0..10u16 {
                let sums = crate::model::dataset::focus_sums(&t, &format!("C{f}"));
                let mut exports = std::collections::HashMap::new();
                let mut imports = std::collections::HashMap::new();
                for i in 0..t.len() {
                    let key = |c: u16| (format!("C{c}"), t.year[i]);
                    if t.reporter[i] == f {
                        *exports.entry(key(t.partner[i])).or_insert(0.0) += t.value[i];
                    } else if t.partner[i] == f {
                        *imports.entry(key(t.reporter[i])).or_insert(0.0) += t.value[i];
                    }
                }
                for (side, expected) in [(true, exports), (false, imports)] {
                    for ((partner, year), value) in expected {
                        let cell = sums[&partner][&year];
                        let got = if side { cell.exports } else { cell.imports };
                        assert_eq!(got, Some(value), "C{f} with {partner} in {year}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_empty_table_has_no_blocks() {
        let index = CountryBlocks::of(&TradeTable::default());
        assert!(index.rows_of(0).is_empty());
        assert_eq!(index.years, None);
    }
}
