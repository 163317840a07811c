//! Reading the fields of a record: trimming, years, numbers and text, and the [`Fields`]
//! a row parser reads (a CSV record's split text, or a row of a Parquet batch).

use std::borrow::Cow;

use super::formats::ColumnMap;

pub(super) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &bytes[start..end]
}

/// The year at the start of a field: `2024`, `2024.0`, a period such as `202401` or a
/// date such as `2024-01-01`.
pub(super) fn parse_year(bytes: &[u8]) -> Option<u16> {
    let b = trim(bytes);
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = &b[4..];
    let ok = rest.is_empty()
        || rest.iter().all(u8::is_ascii_digit) && rest.len() <= 2
        || rest.first() == Some(&b'.') && rest[1..].iter().all(|c| *c == b'0')
        || is_date_rest(rest);
    if !ok {
        return None;
    }
    let year = b[..4]
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    (1900..=2100).contains(&year).then_some(year)
}

/// `-01-01` after a year: an ISO date (Parquet date columns are read as `2020-01-01`).
/// Out of line, so that the per-row year parse stays as small as it was.
#[cold]
#[inline(never)]
fn is_date_rest(rest: &[u8]) -> bool {
    rest.len() <= 6
        && rest.first() == Some(&b'-')
        && rest[1..].iter().all(|c| c.is_ascii_digit() || *c == b'-')
}

pub(super) fn parse_f64(bytes: &[u8]) -> Option<f64> {
    let t = trim(bytes);
    if t.is_empty() {
        return None;
    }
    if let Some(v) = fast_decimal(t) {
        return Some(v);
    }
    std::str::from_utf8(t)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The fields of one record, as the row parser reads them: a CSV record's split text, or
/// a row of a Parquet batch whose number columns are already numbers.
pub(super) trait Fields {
    /// How many fields the record has.
    fn count(&self) -> usize;
    /// The text of field `i` (empty when missing).
    fn field(&self, i: usize) -> &[u8];
    /// Field `i` as a finite number.
    fn number(&self, i: usize) -> Option<f64> {
        parse_f64(self.field(i))
    }
    /// Field `i` when the source holds it as an integer (a Parquet integer column, a
    /// partition folder's number), so that codes and years are read without text; `None`
    /// when it is text or missing (then [`Fields::field`] has its text).
    fn integer(&self, _i: usize) -> Option<i64> {
        None
    }
    /// Field `i` as a message shows it.
    fn shown(&self, i: usize) -> String {
        match self.integer(i) {
            Some(n) => n.to_string(),
            None => text(self.field(i)),
        }
    }
}

/// The year of field `i` (see [`parse_year`]); an integer is read as its digits would be.
pub(super) fn year_of<F: Fields + ?Sized>(fields: &F, i: usize) -> Option<u16> {
    match fields.integer(i) {
        Some(n) if (1900..=2100).contains(&n) => Some(n as u16),
        // A period such as 202401 is a year too, as in text.
        Some(n) => parse_year(itoa::Buffer::new().format(n).as_bytes()),
        None => parse_year(fields.field(i)),
    }
}

/// The year of a record, or why it has none.
pub(super) fn year_field<F: Fields + ?Sized>(fields: &F, map: &ColumnMap) -> Result<u16, String> {
    year_of(fields, map.year).ok_or_else(|| {
        format!(
            "'{}' is not a year between 1900 and 2100",
            fields.shown(map.year)
        )
    })
}

/// The largest value a row may have, in US dollars: a thousand trillion, far above what
/// any country trades in a year. A larger one is a wrong unit for the value column or a
/// damaged file, and a few of them would make a total overflow to infinity.
pub(super) const MAX_VALUE_USD: f64 = 1e15;

/// Whether a value in dollars may be kept: a number from zero to [`MAX_VALUE_USD`].
pub(super) fn keepable(value: f64) -> bool {
    (0.0..=MAX_VALUE_USD).contains(&value)
}

/// The value of a record in dollars, or why it has none.
pub(super) fn value_field<F: Fields + ?Sized>(fields: &F, map: &ColumnMap) -> Result<f64, String> {
    let value = fields
        .number(map.value)
        .ok_or_else(|| format!("'{}' is not a value", text(fields.field(map.value))))?
        * map.value_scale;
    if value < 0.0 {
        // Beyond a thousand trillion, written as -1.234e18 rather than in 19 digits.
        return Err(match value < -MAX_VALUE_USD {
            true => format!("negative value {value:.3e}"),
            false => format!("negative value {value}"),
        });
    }
    if !keepable(value) {
        let unit = match map.value_scale {
            1.0 => String::new(),
            scale => format!(" (in units of {scale} dollars)"),
        };
        return Err(format!(
            "value '{}'{unit} is more than a thousand trillion dollars: a wrong unit for the \
             value column, or a damaged file",
            text(fields.field(map.value))
        ));
    }
    Ok(value)
}

/// The quantity of a record, when it has one.
pub(super) fn quantity_field<F: Fields + ?Sized>(fields: &F, map: &ColumnMap) -> Option<f32> {
    map.quantity
        .and_then(|i| fields.number(i))
        .map(|q| q as f32)
}

impl Fields for [Cow<'_, [u8]>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &[u8] {
        self.get(i).map_or(&[], |f| f.as_ref())
    }
}

/// A plain decimal (`12`, `58965.82`, `-3.5`) read exactly as `str::parse` would, without
/// its generality: digits go into an integer and one correctly rounded division places
/// the point. Anything else (exponents, many digits) is left to `str::parse`.
pub(super) fn fast_decimal(bytes: &[u8]) -> Option<f64> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > Decimal::MAX_BYTES {
        return None;
    }
    let mut decimal = Decimal::new();
    for &b in digits {
        if !decimal.push(b) {
            return None;
        }
    }
    let value = decimal.value()?;
    Some(if negative { -value } else { value })
}

/// The digits and point of a plain decimal as [`fast_decimal`] reads them, a byte at a
/// time, so that a reader finding a field's end can read its number in the same pass.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decimal {
    mantissa: u64,
    significant: u32,
    /// Digits after the point; -1 before a point.
    decimals: i32,
    bytes: usize,
}

impl Decimal {
    /// Most bytes (digits and point) of a plain decimal: 19 digits always fit in a `u64`.
    pub(super) const MAX_BYTES: usize = 19;

    pub(super) fn new() -> Self {
        Decimal {
            mantissa: 0,
            significant: 0,
            decimals: -1,
            bytes: 0,
        }
    }

    /// Takes the next byte; false when it is neither a digit nor the first point (the
    /// caller keeps to [`Decimal::MAX_BYTES`] bytes).
    #[inline]
    pub(super) fn push(&mut self, b: u8) -> bool {
        match b {
            b'0'..=b'9' => {
                self.mantissa = self.mantissa * 10 + u64::from(b - b'0');
                if self.mantissa > 0 {
                    self.significant += 1;
                }
                if self.decimals >= 0 {
                    self.decimals += 1;
                }
            }
            b'.' if self.decimals < 0 => self.decimals = 0,
            _ => return false,
        }
        self.bytes += 1;
        true
    }

    /// The value of the bytes taken, when it is exact (see [`fast_decimal`]).
    #[inline]
    pub(super) fn value(&self) -> Option<f64> {
        // Exact only while the mantissa and the power of ten are exact doubles; a point
        // alone is no number.
        let point_alone = self.bytes == 1 && self.decimals == 0;
        if self.bytes == 0 || self.significant > 15 || self.decimals > 22 || point_alone {
            return None;
        }
        let mut value = self.mantissa as f64;
        if self.decimals > 0 {
            // Powers of ten up to 1e22 are exact doubles; a table avoids `powi` per value.
            const POW10: [f64; 23] = [
                1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
            ];
            value /= POW10[self.decimals as usize];
        }
        Some(value)
    }
}

/// Text as UTF-8, or ISO-8859-1 when it is not UTF-8.
pub(super) fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim().to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .trim()
            .to_owned(),
    }
}
