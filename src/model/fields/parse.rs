//! Typing into a field: the parsers of every field type, and the record a typed text
//! makes (checked like every other change).

use super::*;

/// `$53.7M`, `5B`, `812K`, `1,234,567`, `53700000`, `1.5e6`: a dollar amount in many
/// spellings. Empty text is no amount.
pub fn parse_money(text: &str) -> Result<Option<f64>, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '$'))
        .collect();
    let cleaned = cleaned
        .strip_prefix("US")
        .or_else(|| cleaned.strip_prefix("us"))
        .unwrap_or(&cleaned);
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (number, scale) = match cleaned.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&cleaned[..cleaned.len() - 1], 1e3),
        Some('M') => (&cleaned[..cleaned.len() - 1], 1e6),
        Some('B') => (&cleaned[..cleaned.len() - 1], 1e9),
        Some('T') => (&cleaned[..cleaned.len() - 1], 1e12),
        _ => (cleaned, 1.0),
    };
    let value: f64 = number.parse().map_err(|_| {
        format!(
            "'{}' is not an amount: write e.g. 53.7M, 5B, 812K, 1,234,567 or 53700000",
            text.trim()
        )
    })?;
    let value = value * scale;
    if !value.is_finite() {
        return Err(format!("'{}' is too large", text.trim()));
    }
    // Round away the binary noise of the scale (53.7 × 1e6 = 53700000.00000001).
    let rounded = (value * 100.0).round() / 100.0;
    Ok(Some(if rounded.is_finite() { rounded } else { value }))
}

fn parse_year(text: &str) -> Result<Option<i32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i32>()
        .map(Some)
        .map_err(|_| format!("'{t}' is not a year: write four digits, e.g. 2024"))
}

fn parse_number(text: &str) -> Result<f64, String> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_'))
        .collect();
    let t = t.trim_end_matches('%');
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{}' is not a number", text.trim())),
    }
}

/// The code at the start of `PAK (Pakistan)` or `pak`.
fn code_of(text: &str) -> String {
    text.trim()
        .split(|c: char| c.is_whitespace() || c == '(' || c == ':')
        .next()
        .unwrap_or_default()
        .to_uppercase()
}

fn parse_codes(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(code_of)
        .filter(|c| !c.is_empty())
        .collect()
}

fn parse_list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_choice<E: Copy>(
    text: &str,
    all: &[E],
    label: fn(E) -> &'static str,
    what: &str,
) -> Result<E, String> {
    let t = text.trim();
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    all.iter()
        .copied()
        .find(|v| squash(label(*v)) == squash(t))
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!("'{t}' is not a {what}: choose {}", names.join(", "))
        })
}

fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" | "" => Ok(false),
        other => Err(format!("'{other}' is not yes or no")),
    }
}

fn parse_quantity(text: &str) -> Result<Option<Quantity>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | 'e' | 'E' | '+')))
        .unwrap_or(t.len());
    let amount = parse_number(&t[..split])?;
    let unit = t[split..].trim().to_owned();
    Ok(Some(Quantity { amount, unit }))
}

fn parse_source(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let number = t
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap_or_default();
    number
        .parse()
        .map(Some)
        .map_err(|_| format!("'{t}' is not a source id"))
}

fn optional_code(text: &str) -> Option<String> {
    let code = code_of(text);
    (!code.is_empty()).then_some(code)
}

/// The record with field `field` set from `text`, parsed but not yet checked.
pub fn with_text(view: RecView<'_>, field: usize, text: &str) -> Result<Record, String> {
    let mut record = view.to_record();
    let t = text.trim();
    let name = fields(view.kind()).get(field).map_or("field", |f| f.name);
    let id = || -> Result<u32, String> {
        t.parse()
            .map_err(|_| format!("'{t}' is not an id: ids are whole numbers from 0"))
    };
    match &mut record {
        Record::Source(r) => match field {
            0 => r.id = id()?,
            1 => r.title = t.to_owned(),
            2 => r.publisher = t.to_owned(),
            3 => r.url = t.to_owned(),
            4 => r.date = parse_date(t)?,
            5 => r.note = text.to_owned(),
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Country(r) => match field {
            0 => r.code = t.to_uppercase(),
            1 => r.name = t.to_owned(),
            2 => r.group = parse_bool(t)?,
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Category(r) => match field {
            0 => r.code = t.to_owned(),
            1 => r.name = t.to_owned(),
            2 => r.note = text.to_owned(),
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Trade(r) => match field {
            0 => r.id = id()?,
            1 => r.year = parse_year(t)?,
            2 => r.reporter = code_of(t),
            3 => r.partner = code_of(t),
            4 => r.flow = parse_choice(t, &Flow::ALL, Flow::label, "flow")?,
            5 => r.category = optional_code_raw(t),
            6 => r.value_usd = parse_money(t)?,
            7 => r.quantity = parse_quantity(t)?,
            8 => r.source = parse_source(t)?,
            9 => r.note = text.to_owned(),
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Investment(r) => match field {
            0 => r.id = id()?,
            1 => r.title = t.to_owned(),
            2 => r.parties = parse_codes(t),
            3 => r.organisations = parse_list(t),
            4 => r.host = optional_code(t),
            5 => r.sector = t.to_owned(),
            6 => r.kind = parse_choice(t, &InvestmentKind::ALL, InvestmentKind::label, "kind")?,
            7 => r.amount_usd = parse_money(t)?,
            8 => {
                r.amount_basis = if t.is_empty() {
                    None
                } else {
                    Some(parse_choice(
                        t,
                        &AmountBasis::ALL,
                        AmountBasis::label,
                        "basis",
                    )?)
                }
            }
            9 => r.status = parse_choice(t, &Status::ALL, Status::label, "status")?,
            10 => r.announced = parse_date(t)?,
            11 => r.target_year = parse_year(t)?,
            12 => r.description = text.to_owned(),
            13 => r.source = parse_source(t)?,
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Indicator(r) => match field {
            0 => r.id = id()?,
            1 => r.country = code_of(t),
            2 => r.name = t.to_owned(),
            3 => r.segment = t.to_owned(),
            4 => r.year = parse_year(t)?,
            5 => r.value = parse_number(t)?,
            6 => r.unit = t.to_owned(),
            7 => r.kind = parse_choice(t, &IndicatorKind::ALL, IndicatorKind::label, "kind")?,
            8 => r.source = parse_source(t)?,
            9 => r.note = text.to_owned(),
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Fact(r) => match field {
            0 => r.id = id()?,
            1 => r.countries = parse_codes(t),
            2 => r.topic = t.to_owned(),
            3 => r.text = text.to_owned(),
            4 => r.source = parse_source(t)?,
            _ => return Err(format!("there is no {name} field")),
        },
        Record::Dataset(r) => match field {
            0 => r.id = id()?,
            1 => r.name = t.to_owned(),
            2 => r.path = t.to_owned(),
            // What the file was read as, and how many rows, come from the file itself.
            3 if t == r.layout.label() => {}
            4 if t == r.rows.to_string() => {}
            3 | 4 => return Err(format!("{name} comes from the file and cannot be typed in")),
            5 => r.note = text.to_owned(),
            _ => return Err(format!("there is no {name} field")),
        },
    }
    Ok(record)
}

/// A category code as typed (`0805` or `0805 (Citrus fruits)`); codes keep their case.
fn optional_code_raw(text: &str) -> Option<String> {
    let code = text
        .trim()
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default();
    (!code.is_empty()).then(|| code.to_owned())
}

fn parse_date(text: &str) -> Result<Option<PartialDate>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|e: crate::model::date::DateError| e.to_string())
}

/// Sets field `field` of record `index` from `text` and checks the result: the new record,
/// or the reason it is refused. A record's other, older problems do not refuse the edit;
/// only errors in the edited field do.
pub fn edit_field(
    doc: &Document,
    kind: RecordKind,
    index: usize,
    field: usize,
    text: &str,
) -> Result<Record, String> {
    let view = doc
        .view(kind, index)
        .ok_or_else(|| format!("row {} no longer exists", index + 1))?;
    let record = with_text(view, field, text)?;
    let name = fields(kind)[field].name;
    let mut checker = RecordChecker::new(doc);
    let problems = checker.check(&record, Some(index));
    match problems
        .iter()
        .find(|p| p.severity == Severity::Error && p.field == name)
    {
        Some(problem) => Err(problem.message.clone()),
        None => Ok(record),
    }
}
