//! Dates with partial precision: a year, a year and month, or a full date.
//!
//! News reports often say only "in 2024" or "in May 2024"; storing a made-up day
//! would invent precision the source never gave, so the precision is part of the value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date known to the year, the month or the day.
///
/// Written in files and shown to users as `2024`, `2024-05` or `2024-05-07`.
/// An unknown date is represented by the absence of a value (`Option<PartialDate>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartialDate {
    /// Only the year is known.
    Year(i32),
    /// The year and month (1–12) are known.
    YearMonth(i32, u8),
    /// The full date is known.
    Date(i32, u8, u8),
}

impl PartialDate {
    /// The year, whatever the precision.
    pub fn year(&self) -> i32 {
        match *self {
            PartialDate::Year(y) | PartialDate::YearMonth(y, _) | PartialDate::Date(y, _, _) => y,
        }
    }
}

/// Why a text is not a partial date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text does not have the shape `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error(
        "'{0}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024, 2024-05, 2024-05-14)"
    )]
    Shape(String),
    /// The month is not 1–12.
    #[error("month {0} does not exist: months run from 01 to 12")]
    Month(u32),
    /// The day does not exist in that month.
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day {
        /// Year of the rejected date.
        year: i32,
        /// Month of the rejected date.
        month: u8,
        /// The rejected day.
        day: u32,
    },
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn parse_number(part: &str, digits: usize, whole: &str) -> Result<u32, DateError> {
    if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Shape(whole.to_owned()));
    }
    part.parse().map_err(|_| DateError::Shape(whole.to_owned()))
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let mut parts = trimmed.split('-');
        let year_text = parts.next().unwrap_or_default();
        let year = parse_number(year_text, 4, trimmed)? as i32;
        let month = match parts.next() {
            None => return Ok(PartialDate::Year(year)),
            Some(m) => parse_number(m, 2, trimmed)?,
        };
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let month = month as u8;
        let day = match parts.next() {
            None => return Ok(PartialDate::YearMonth(year, month)),
            Some(d) => parse_number(d, 2, trimmed)?,
        };
        if parts.next().is_some() {
            return Err(DateError::Shape(trimmed.to_owned()));
        }
        if day == 0 || day > u32::from(days_in_month(year, month)) {
            return Err(DateError::Day { year, month, day });
        }
        Ok(PartialDate::Date(year, month, day as u8))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Date(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!("2024".parse(), Ok(PartialDate::Year(2024)));
        assert_eq!("2024-05".parse(), Ok(PartialDate::YearMonth(2024, 5)));
        assert_eq!("2024-05-14".parse(), Ok(PartialDate::Date(2024, 5, 14)));
        assert_eq!(" 2024-02-29 ".parse(), Ok(PartialDate::Date(2024, 2, 29)));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!("2024-13".parse::<PartialDate>(), Err(DateError::Month(13)));
        assert!(matches!(
            "2023-02-29".parse::<PartialDate>(),
            Err(DateError::Day { day: 29, .. })
        ));
        assert!(matches!(
            "24".parse::<PartialDate>(),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            "2024-5".parse::<PartialDate>(),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            "2024-05-01-02".parse::<PartialDate>(),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            "".parse::<PartialDate>(),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            "２０２４".parse::<PartialDate>(),
            Err(DateError::Shape(_))
        ));
    }

    #[test]
    fn display_round_trips() {
        for text in ["1999", "2024-01", "2000-02-29"] {
            let date: PartialDate = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn ordering_is_chronological_within_precision() {
        let a: PartialDate = "2024-05-01".parse().unwrap();
        let b: PartialDate = "2024-05-02".parse().unwrap();
        assert!(a < b);
        assert_eq!(b.year(), 2024);
    }
}
