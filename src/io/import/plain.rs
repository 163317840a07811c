//! Records whose used fields are all plain numbers (BACI's `t,i,j,k,v,q`), read in one
//! pass without splitting them into fields first.
//!
//! A whole BACI release is 270 million such records, and the general reader was most of
//! its import: it splits each record into fields, trims each, and looks the codes up by
//! their text. Here each field is found and read as a number where it lies, countries are
//! looked up by their numeric code in an array and products by their packed code. A
//! record this reader cannot take as it is (a quote, a space, a sign on a code, an
//! exponent, a code not met before, a field missing, a blank line) goes to the general
//! reader, which stays the one definition of what a record means and learns the codes
//! this reader then finds. A property test holds the two to the same rows, dictionaries,
//! refusals and line counts on any text.

use rustc_hash::FxHashMap;

use super::fields::{Decimal, Fields, fast_decimal, keepable, trim};
use super::formats::ColumnMap;
use super::parse::{MAX_RECORD_BYTES, short_key};
use crate::model::dataset::{DatasetRow, RowFlow};

/// Numeric country codes below this are looked up in an array (BACI's are below 1000).
const DENSE_CODES: usize = 10_000;
/// No country known for this code yet.
const UNKNOWN: u16 = u16::MAX;
/// The tag [`short_key`] gives product codes (as the general reader's product lookup).
const PRODUCT_TAG: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Skip,
    Year,
    Reporter,
    Partner,
    Product,
    Value,
    Quantity,
}

/// What each column of a record is, when every column used can be read as a number.
#[derive(Debug)]
pub(super) struct Plan {
    roles: Vec<Role>,
    delim: u8,
    scale: f64,
    reporter: usize,
    partner: usize,
}

/// The countries met so far, by numeric code (kept by a part from block to block, as its
/// dictionaries are).
#[derive(Debug, Default)]
pub(super) struct Known {
    countries: Vec<u16>,
}

/// `bytes` as a number when they are 1 to `most` ASCII digits and nothing else.
fn digits(bytes: &[u8], most: usize) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > most {
        return None;
    }
    bytes.iter().try_fold(0u32, |n, &b| {
        let d = b.wrapping_sub(b'0');
        (d < 10).then(|| n * 10 + u32::from(d))
    })
}

impl Plan {
    /// The plan for `map`, or `None` when a column it uses holds text (ISO codes, names,
    /// flows) or the delimiter could be part of a number.
    pub(super) fn of(map: &ColumnMap, delim: u8) -> Option<Plan> {
        let text = [
            map.reporter_iso,
            map.partner_iso,
            map.reporter_name,
            map.partner_name,
            map.flow,
            map.product_name,
        ];
        if text.iter().any(Option::is_some)
            || !matches!(delim, b',' | b';' | b'\t' | b'|')
            || !(map.value_scale.is_finite() && map.value_scale >= 0.0)
        {
            return None;
        }
        let (reporter, partner, product) = (map.reporter_code?, map.partner_code?, map.product?);
        let mut roles = vec![Role::Skip; map.max_column() + 1];
        let used = [
            (map.year, Role::Year),
            (reporter, Role::Reporter),
            (partner, Role::Partner),
            (product, Role::Product),
            (map.value, Role::Value),
        ];
        for (column, role) in used
            .into_iter()
            .chain(map.quantity.map(|q| (q, Role::Quantity)))
        {
            // A column read for two things is left to the general reader.
            if roles.get(column) != Some(&Role::Skip) {
                return None;
            }
            roles[column] = role;
        }
        Some(Plan {
            roles,
            delim,
            scale: map.value_scale,
            reporter,
            partner,
        })
    }

    /// The field at `at` when it is 1 to `most` digits and nothing else: its number and
    /// where its delimiter or newline is. Read in the same pass that finds its end, which
    /// is how nearly every field of a BACI record is written; `None` leaves the field to
    /// [`Plan::field`] (spaces, a `\r`, a quote, too many digits, the buffer's end).
    #[inline]
    fn digits_at(&self, buf: &[u8], at: usize, most: usize) -> Option<(u32, usize)> {
        let mut n = 0u32;
        let mut end = at;
        loop {
            let b = *buf.get(end)?;
            let d = b.wrapping_sub(b'0');
            if d >= 10 {
                let ends = b == self.delim || b == b'\n';
                return (ends && end > at).then_some((n, end));
            }
            if end - at == most {
                return None;
            }
            n = n * 10 + u32::from(d);
            end += 1;
        }
    }

    /// The plain decimal at `at` when its field is only digits and a point (as nearly
    /// every BACI value and quantity is), read as [`fast_decimal`] reads it in the pass
    /// that finds its end: its value (`None` when not exact) and where its delimiter or
    /// newline is. `None` leaves the field to [`Plan::field`].
    #[inline]
    fn decimal_at(&self, buf: &[u8], at: usize) -> Option<(Option<f64>, usize)> {
        let mut decimal = Decimal::new();
        let mut end = at;
        loop {
            let b = *buf.get(end)?;
            if b == self.delim || b == b'\n' {
                break;
            }
            if end - at == Decimal::MAX_BYTES || !decimal.push(b) {
                return None;
            }
            end += 1;
        }
        (end > at).then(|| (decimal.value(), end))
    }

    /// The number of 1 to `most` digits at `at` (spaces around it trimmed, as the general
    /// reader trims), its text and where its delimiter or newline is.
    #[inline]
    fn number_field<'a>(
        &self,
        buf: &'a [u8],
        at: usize,
        most: usize,
    ) -> Option<(Option<u32>, &'a [u8], usize)> {
        if let Some((n, end)) = self.digits_at(buf, at, most) {
            return Some((Some(n), &buf[at..end], end));
        }
        let (field, end) = self.field(buf, at)?;
        Some((digits(field, most), field, end))
    }

    /// The plain decimal at `at` (spaces around it trimmed, as the general reader trims):
    /// its value as [`fast_decimal`] gives it, its text and where its delimiter or
    /// newline is.
    // Always inlined: as a call returning the triple, a BACI year imported ~9% slower
    // (medians of six alternated runs, 1.00 s against 0.92 s).
    #[inline(always)]
    fn decimal_field<'a>(
        &self,
        buf: &'a [u8],
        at: usize,
    ) -> Option<(Option<f64>, &'a [u8], usize)> {
        if let Some((value, end)) = self.decimal_at(buf, at) {
            return Some((value, &buf[at..end], end));
        }
        let (field, end) = self.field(buf, at)?;
        Some((fast_decimal(field), field, end))
    }

    /// The field at `at`, and where its delimiter or newline is; `None` at a quote or at
    /// the end of the buffer.
    fn field<'a>(&self, buf: &'a [u8], at: usize) -> Option<(&'a [u8], usize)> {
        let rest = buf.get(at..)?;
        let len = rest
            .iter()
            .position(|&b| b == self.delim || b == b'\n' || b == b'"')?;
        if rest[len] == b'"' {
            return None;
        }
        // Trimmed, as the general reader trims every field it reads as a number or a code
        // (BACI pads some releases' numbers with spaces; a `\r` before the newline goes too).
        Some((trim(&rest[..len]), at + len))
    }

    /// The record at `start` as a row, and where the next record starts, when every field
    /// is a plain number and every code is known; `None` leaves it to the general reader.
    pub(super) fn read(
        &self,
        buf: &[u8],
        start: usize,
        known: &Known,
        products: &FxHashMap<u64, u32>,
    ) -> Option<(DatasetRow, usize)> {
        let mut row = DatasetRow {
            year: 0,
            reporter: 0,
            partner: 0,
            flow: RowFlow::Export,
            product: 0,
            value: 0.0,
            quantity: None,
        };
        let mut at = start;
        let mut newline = false;
        for (column, role) in self.roles.iter().enumerate() {
            let end = match role {
                Role::Year => {
                    let (year, field, end) = self.number_field(buf, at, 4)?;
                    let year = year.filter(|_| field.len() == 4)?;
                    row.year = u16::try_from(year)
                        .ok()
                        .filter(|y| (1900..=2100).contains(y))?;
                    end
                }
                Role::Reporter | Role::Partner => {
                    let (code, _, end) = self.number_field(buf, at, 4)?;
                    let country = known.country(code?)?;
                    if *role == Role::Reporter {
                        row.reporter = country;
                    } else {
                        row.partner = country;
                    }
                    end
                }
                Role::Product => {
                    let (code, field, end) = self.number_field(buf, at, 7)?;
                    code?;
                    row.product = *products.get(&short_key(field, PRODUCT_TAG)?)?;
                    end
                }
                Role::Value => {
                    let (value, _, end) = self.decimal_field(buf, at)?;
                    row.value = value? * self.scale;
                    // The general reader refuses it, with its message.
                    if !keepable(row.value) {
                        return None;
                    }
                    end
                }
                Role::Quantity => {
                    let (value, field, end) = self.decimal_field(buf, at)?;
                    // What the general reader makes of an empty field and of BACI's "NA".
                    if !(field.is_empty() || field == b"NA") {
                        row.quantity = Some(value? as f32);
                    }
                    end
                }
                Role::Skip => self.field(buf, at)?.1,
            };
            newline = buf[end] == b'\n';
            if newline && column + 1 < self.roles.len() {
                return None;
            }
            at = end + 1;
        }
        if !newline {
            // Fields after the last one used: up to the newline, without quotes.
            let rest = buf.get(at..)?;
            let len = memchr::memchr2(b'\n', b'"', rest)?;
            if rest[len] == b'"' {
                return None;
            }
            at += len + 1;
        }
        (at - start <= MAX_RECORD_BYTES).then_some((row, at))
    }
}

impl Known {
    fn country(&self, code: u32) -> Option<u16> {
        self.countries
            .get(code as usize)
            .copied()
            .filter(|c| *c != UNKNOWN)
    }

    /// Learns the countries of `row`, which the general reader read from `fields`: a code
    /// of digits is the same country whatever zeros lead it, as there.
    pub(super) fn learn<F: Fields + ?Sized>(&mut self, plan: &Plan, fields: &F, row: &DatasetRow) {
        for (column, id) in [(plan.reporter, row.reporter), (plan.partner, row.partner)] {
            let Some(code) = digits(trim(fields.field(column)), 4) else {
                continue;
            };
            if self.countries.is_empty() {
                self.countries = vec![UNKNOWN; DENSE_CODES];
            }
            if let Some(slot) = self.countries.get_mut(code as usize) {
                *slot = id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::import::codes::CodeTable;
    use crate::io::import::parse::{Part, PartContext, parse_part_into, parse_part_with};

    /// The column map the app reads a BACI file with, from BACI's own header.
    fn baci() -> ColumnMap {
        let header: Vec<String> = ["t", "i", "j", "k", "v", "q"].map(String::from).into();
        match crate::io::import::formats::detect(&header) {
            Some((crate::io::import::Layout::Baci, map)) => map,
            other => panic!("BACI's header read as {other:?}"),
        }
    }

    fn both(text: &str, map: &ColumnMap) -> (Part, Part) {
        let codes = CodeTable::default();
        let ctx = PartContext {
            delim: b',',
            map,
            codes: &codes,
            max_listed: 100,
        };
        let mut fast = Part::default();
        let mut general = Part::default();
        // Twice, as a part reads block after block with the dictionaries it has.
        for _ in 0..2 {
            parse_part_into(text.as_bytes(), &ctx, &mut fast);
            parse_part_with(text.as_bytes(), &ctx, &mut general, false);
        }
        (fast, general)
    }

    fn same(text: &str, map: &ColumnMap) -> Part {
        let (fast, general) = both(text, map);
        assert_eq!(fast.table, general.table, "{text:?}");
        assert_eq!(fast.table.countries, general.table.countries, "{text:?}");
        assert_eq!(fast.table.products, general.table.products, "{text:?}");
        assert_eq!(fast.rejected, general.rejected, "{text:?}");
        assert_eq!(fast.rejected_count, general.rejected_count, "{text:?}");
        assert_eq!(fast.lines, general.lines, "{text:?}");
        fast
    }

    #[test]
    fn plans_only_layouts_of_numbers() {
        assert!(Plan::of(&baci(), b',').is_some());
        assert!(Plan::of(&baci(), b'.').is_none());
        let iso = ColumnMap {
            reporter_iso: Some(6),
            ..baci()
        };
        assert!(Plan::of(&iso, b',').is_none());
        let twice = ColumnMap {
            quantity: Some(4),
            ..baci()
        };
        assert!(Plan::of(&twice, b',').is_none());
    }

    #[test]
    fn reads_baci_records_as_the_general_reader_does() {
        // Hand-checked: 3 rows, the second and third with codes met in the first.
        let part = same(
            "2022,586,398,080510,12.5,3\n2022,586,398,520100,0.25,\n2023,0586,398,080510,7,1.5\n",
            &baci(),
        );
        // The second block's rows (the part's last) were all read by the fast reader.
        assert_eq!(part.table.len(), 3);
        let row = part.table.row(2).unwrap();
        assert_eq!(
            (row.year, row.value, row.quantity),
            (2023, 7000.0, Some(1.5))
        );
        assert_eq!(part.table.row(1).unwrap().quantity, None);
        // Leading zeros name the same country (586 and 0586).
        assert_eq!(row.reporter, part.table.row(0).unwrap().reporter);
        // Refusals, quotes, spaces, CRs, blank lines, extra fields, a missing newline.
        same(
            "2022,586,398,080510,-1,3\n\"2022\",586,398,080510,1,2\n2022, 586,398,1,1,1\r\n\
             \n2022,586\n1800,586,398,080510,1,1\n2022,586,398,080510,1e3,1,extra\n\
             2022,586,398,TOTAL,5,NA\n2022,586,398,080510,1,1,\"x,y\"\n\
             2022,586,398,080510,   12.5,         NA\n2022,4,8,1,2,3",
            &baci(),
        );
    }

    /// One BACI-like record: each field one of a few spellings, good and bad; sometimes
    /// fields missing or added, and any line ending.
    fn record() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::sample::select;
        use proptest::strategy::Strategy;
        let year = select(vec![
            "2022", "2023", "1899", "22", " 2022", "2022 ", "2022.0", "",
        ]);
        let country = select(vec![
            "586", "0586", "398", "4", "12345", "", " 4", "4\t", "+4", "\"586\"",
        ]);
        let product = select(vec![
            "080510", " 080510", "520100", "80510", "TOTAL", "", "12345678", "0",
        ]);
        let number = select(vec![
            "12.5",
            "0.001",
            "7",
            "-3",
            "1e3",
            "",
            " 1",
            "  12.5",
            "NA",
            "   NA",
            "NaN",
            "inf",
            ".",
            "1.",
            "-0",
            "99999999999999999999",
            "1 2",
        ]);
        let extra = select(vec!["", "", ",x", ",\"a,b\"", ",", ",1"]);
        let end = select(vec!["\n", "\n", "\r\n", "\n\n", "\r", ""]);
        let keep = select(vec![6usize, 6, 6, 0, 1, 2, 5]);
        (
            year,
            country.clone(),
            country,
            product,
            number.clone(),
            number,
        )
            .prop_flat_map(move |fields| {
                (
                    proptest::strategy::Just(fields),
                    extra.clone(),
                    end.clone(),
                    keep.clone(),
                )
            })
            .prop_map(|((y, r, p, k, v, q), extra, end, keep)| {
                let fields = [y, r, p, k, v, q];
                let mut text = fields[..keep].join(",");
                if keep == 6 {
                    text.push_str(extra);
                }
                text.push_str(end);
                text
            })
    }

    proptest::proptest! {
        /// Any text made of BACI-like records: the fast reader gives exactly what the
        /// general one gives.
        #[test]
        fn the_fast_reader_agrees_with_the_general_one(
            records in proptest::collection::vec(record(), 0..40)
        ) {
            let text: String = records.concat();
            let (fast, general) = both(&text, &baci());
            proptest::prop_assert_eq!(&fast.table, &general.table);
            proptest::prop_assert_eq!(&fast.table.countries, &general.table.countries);
            proptest::prop_assert_eq!(&fast.table.products, &general.table.products);
            proptest::prop_assert_eq!(&fast.rejected, &general.rejected);
            proptest::prop_assert_eq!(fast.rejected_count, general.rejected_count);
            proptest::prop_assert_eq!(fast.lines, general.lines);
        }
    }
}
