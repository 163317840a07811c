//! Numbers people can read: `$53.7M` on screen, `$53,700,000` in tooltips and tables.

/// Short form of a dollar amount: `$812K`, `$53.7M`, `$5.0B`.
///
/// One decimal below 100 of a unit, none above, so that the figure keeps three
/// significant digits at most and never claims more precision than a headline needs.
pub fn usd_short(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    const UNITS: [(f64, &str); 4] = [(1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T")];
    let round = |scaled: f64| {
        if scaled < 99.95 {
            (scaled * 10.0).round() / 10.0
        } else {
            scaled.round()
        }
    };
    // The largest unit the value reaches; rounding may carry it into the next one
    // (999,950 is $1.0M, not $1000K).
    let mut unit = UNITS.iter().rposition(|(scale, _)| v >= *scale);
    if unit.is_none() && v.round() >= 1000.0 {
        unit = Some(0);
    }
    let Some(mut i) = unit else {
        return format!("{sign}${}", v.round() as u64);
    };
    if round(v / UNITS[i].0) >= 1000.0 && i + 1 < UNITS.len() {
        i += 1;
    }
    let (scale, suffix) = UNITS[i];
    let rounded = round(v / scale);
    if rounded < 100.0 {
        format!("{sign}${rounded:.1}{suffix}")
    } else {
        format!("{sign}${rounded:.0}{suffix}")
    }
}

/// Full dollar amount with thousands separators: `$53,700,000`, `$1,234.50`.
pub fn usd_full(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    // From a million up, cents are not data: trade figures are given to the dollar or
    // in thousands or millions, and a figure in millions times 10^6 gains float noise
    // ("$192,715,066,232.36").
    if v >= 1e6 {
        return format!("{sign}${}", group_thousands(v.round() as u64));
    }
    let cents = (v * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = (cents - whole * 100.0) as u64;
    if frac == 0 {
        format!("{sign}${}", group_thousands(whole as u64))
    } else {
        format!("{sign}${}.{frac:02}", group_thousands(whole as u64))
    }
}

/// What a raw value of a file reads as in each unit a mapping can choose: "61288.59 is
/// $61.3K as US dollars, $61.3M as thousands, $61.3B as millions". `None` when the text is
/// not a number. (No arrow: egui's default fonts have none.)
pub fn scale_preview(raw: &str) -> Option<String> {
    let value: f64 = raw.trim().replace(',', "").parse().ok()?;
    value.is_finite().then(|| {
        format!(
            "{} is {} as US dollars, {} as thousands, {} as millions",
            raw.trim(),
            usd_short(value),
            usd_short(value * 1e3),
            usd_short(value * 1e6)
        )
    })
}

/// A tooltip's value line: `$53,700,000 ($53.7M) US dollars`.
pub fn usd_line(value: f64) -> String {
    format!("{} ({}) US dollars", usd_full(value), usd_short(value))
}

/// `1 error`, `2 errors`, `10,000,000 rows`: a count with its noun, plural with "s"
/// unless it is one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", group_thousands(n as u64))
    }
}

/// A size in bytes for people: `950 B`, `4.2 MB`, `1.23 GB` (powers of 1,000, as file
/// managers show them).
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n:.0} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

/// A count estimated from a sample, without digits it does not have: "286 million",
/// "2.9 million", "12,300", "12".
pub fn rounded_count(n: u64) -> String {
    match n {
        10_000_000.. => format!("{:.0} million", n as f64 / 1e6),
        1_000_000.. => format!("{:.1} million", n as f64 / 1e6),
        10_000.. => group_thousands((n + 50) / 100 * 100),
        _ => group_thousands(n),
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_counts_keep_the_digits_an_estimate_has() {
        for (n, shown) in [
            (286_418_247, "286 million"),
            (9_881_151, "9.9 million"),
            (1_000_000, "1.0 million"),
            (99_623, "99,600"),
            (12_349, "12,300"),
            (9_999, "9,999"),
            (12, "12"),
        ] {
            assert_eq!(rounded_count(n), shown, "{n}");
        }
    }

    #[test]
    fn short_forms_match_headlines() {
        assert_eq!(usd_short(53_700_000.0), "$53.7M");
        assert_eq!(usd_short(5_000_000_000.0), "$5.0B");
        assert_eq!(usd_short(812_000.0), "$812K");
        assert_eq!(usd_short(999_950.0), "$1.0M");
        assert_eq!(usd_short(250_000_000.0), "$250M");
        assert_eq!(usd_short(950.0), "$950");
        assert_eq!(usd_short(0.0), "$0");
        assert_eq!(usd_short(-1_500.0), "-$1.5K");
        assert_eq!(usd_short(2.5e12), "$2.5T");
        assert_eq!(usd_short(999.6), "$1.0K");
        assert_eq!(usd_short(99_960.0), "$100K");
        assert_eq!(usd_short(12_345.0), "$12.3K");
        assert_eq!(usd_short(f64::NAN), "—");
    }

    #[test]
    fn full_forms_keep_every_digit() {
        assert_eq!(usd_full(53_700_000.0), "$53,700,000");
        assert_eq!(usd_full(1_234.5), "$1,234.50");
        assert_eq!(usd_full(999.0), "$999");
        assert_eq!(usd_full(-1_000.0), "-$1,000");
        // A figure in millions (192,715.06623236 million) has no cents to show.
        assert_eq!(usd_full(192_715.066_232_36 * 1e6), "$192,715,066,232");
        assert_eq!(usd_full(-2.5e6), "-$2,500,000");
    }

    #[test]
    fn a_raw_value_is_previewed_in_each_unit() {
        assert_eq!(
            scale_preview("61288.59").as_deref(),
            Some("61288.59 is $61.3K as US dollars, $61.3M as thousands, $61.3B as millions")
        );
        assert_eq!(scale_preview("n/a"), None);
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(group_thousands(100), "100");
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "warning"), "0 warnings");
    }
}
