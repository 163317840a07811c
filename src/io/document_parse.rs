//! Parsing the text of a document: the version probe, errors in words (empty file, not a
//! document, truncated, syntax with line and column) and the bound on text lengths.

use std::io::{self, Write};
use std::path::Path;

use serde::Deserialize;

use super::document_file::{LoadError, MAX_TEXT_BYTES, ron_options};
use crate::model::{Document, FORMAT_VERSION};

/// Only the version field, read before the rest so that a newer file is refused with a
/// clear message even when its other fields would not parse.
#[derive(Deserialize)]
#[serde(rename = "Document")]
struct VersionProbe {
    #[serde(default)]
    format_version: Option<u32>,
}

/// Why a text is not a document (without a file name; see [`LoadError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// A syntax or type error at a position (1-based line and column).
    Syntax {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The text ends in the middle of a record: the file looks cut short.
    Truncated {
        /// Line where it ends.
        line: usize,
        /// Column where it ends.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The text declares a newer format version.
    NewerVersion(u32),
    /// The text has no `format_version`.
    MissingVersion,
    /// A text field is longer than [`MAX_TEXT_BYTES`].
    TextTooLong(usize),
    /// Nothing but blanks and comments.
    Empty,
    /// The text does not start with `(` (or `Document(`): its first characters, and
    /// whether it looks like a table (a header line with separators).
    NotADocument(String, bool),
}

impl ParseError {
    /// A RON error, with its 1-based line and column.
    pub(crate) fn syntax(err: ron::error::SpannedError) -> Self {
        ParseError::Syntax {
            line: err.span.start.line.max(1),
            column: err.span.start.col.max(1),
            message: in_words(&err.code),
        }
    }

    /// A RON error in `text`: [`ParseError::Truncated`] when it is at the very end of the
    /// text (an unexpected end, or a field name or value cut off by the end), else
    /// [`ParseError::Syntax`].
    pub(crate) fn of_text(err: ron::error::SpannedError, text: &str) -> Self {
        let trimmed = text.trim_end();
        let end_line = 1 + trimmed.matches('\n').count();
        let end_col = 1 + trimmed.chars().rev().take_while(|&c| c != '\n').count();
        // An error on the last line of a text whose brackets or strings are still open
        // at its end is the end cutting a record off.
        let on_last_line = err.span.start.line >= end_line || err.span.end.line >= end_line;
        if matches!(err.code, ron::Error::Eof) || (on_last_line && ends_open(trimmed)) {
            return ParseError::Truncated {
                line: end_line,
                column: end_col,
                message: err.code.to_string(),
            };
        }
        ParseError::syntax(err)
    }

    /// The error as a [`LoadError`] about the file `path`.
    pub(crate) fn at(self, path: &Path) -> LoadError {
        let path = path.to_path_buf();
        match self {
            ParseError::Syntax {
                line,
                column,
                message,
            } => LoadError::Syntax {
                path,
                line,
                column,
                message,
            },
            ParseError::Truncated { line, column, .. } => {
                let backup = super::backup_path(&path);
                LoadError::Truncated {
                    backup: backup.is_file().then_some(backup),
                    path,
                    line,
                    column,
                }
            }
            ParseError::NewerVersion(found) => LoadError::NewerVersion {
                path,
                found,
                supported: FORMAT_VERSION,
            },
            ParseError::MissingVersion => LoadError::MissingVersion { path },
            ParseError::Empty => {
                let backup = super::backup_path(&path);
                LoadError::Empty {
                    backup: backup.is_file().then_some(backup),
                    path,
                }
            }
            ParseError::NotADocument(start, table) => {
                LoadError::NotADocument { path, start, table }
            }
            ParseError::TextTooLong(bytes) => LoadError::TextTooLong { path, bytes },
        }
    }
}

/// Whether `text` ends inside a string, a comment or an unclosed bracket, as a document
/// cut short does (a whole one closes its root `(`).
fn ends_open(text: &str) -> bool {
    let mut depth = 0i64;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A string: to its closing quote, skipping escaped characters.
                loop {
                    match chars.next() {
                        None => return true,
                        Some('\\') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// The text after blanks, comments and `#![…]` attributes: where a document's `(` is.
fn body(mut text: &str) -> &str {
    loop {
        text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if let Some(rest) = text.strip_prefix("//") {
            text = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.split_once("*/").map_or("", |(_, after)| after);
        } else if text.starts_with("#![") {
            text = text.split_once(']').map_or("", |(_, after)| after);
        } else {
            return text;
        }
    }
}

/// An empty text, or one that does not start like a document, is said so in words
/// rather than in the parser's ("Expected opening `(` for struct `Document`").
fn check_start(text: &str) -> Result<(), ParseError> {
    let body = body(text);
    if body.is_empty() {
        return Err(ParseError::Empty);
    }
    let starts_like_document = body.starts_with('(')
        || body
            .strip_prefix("Document")
            .is_some_and(|rest| rest.trim_start().starts_with('('));
    if starts_like_document {
        return Ok(());
    }
    let first_line = body.lines().next().unwrap_or_default();
    let table = [',', ';', '\t']
        .iter()
        .any(|&c| first_line.matches(c).count() >= 2);
    let start: String = first_line.chars().take(30).collect();
    let start = if first_line.chars().count() > 30 {
        format!("{start}…")
    } else {
        start
    };
    Err(ParseError::NotADocument(start, table))
}

/// Parses the text of a document file.
pub fn parse_document(text: &str) -> Result<Document, ParseError> {
    check_start(text)?;
    let options = ron_options();
    if let Ok(probe) = options.from_str::<VersionProbe>(text) {
        match probe.format_version {
            None => return Err(ParseError::MissingVersion),
            Some(v) if v > FORMAT_VERSION => return Err(ParseError::NewerVersion(v)),
            Some(_) => {}
        }
    }
    let doc = options
        .from_str::<Document>(text)
        .map_err(|e| ParseError::of_text(e, text))?;
    // Only a text that long can hold such a string: skip the walk for ordinary files.
    if text.len() > MAX_TEXT_BYTES {
        let longest = longest_text(&doc);
        if longest > MAX_TEXT_BYTES {
            return Err(ParseError::TextTooLong(longest));
        }
    }
    Ok(doc)
}

/// Length in bytes of the longest string anywhere in `doc`, found by serializing it to
/// nowhere with a formatter that only measures strings (so that no field is forgotten).
fn longest_text(doc: &Document) -> usize {
    struct Longest<'a> {
        current: usize,
        longest: &'a std::cell::Cell<usize>,
    }
    impl serde_json::ser::Formatter for Longest<'_> {
        fn begin_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
            self.current = 0;
            Ok(())
        }
        fn end_string<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
            self.longest.set(self.longest.get().max(self.current));
            Ok(())
        }
        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            _: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            self.current += fragment.len();
            Ok(())
        }
        fn write_char_escape<W: ?Sized + Write>(
            &mut self,
            _: &mut W,
            _: serde_json::ser::CharEscape,
        ) -> io::Result<()> {
            self.current += 1;
            Ok(())
        }
    }
    let longest = std::cell::Cell::new(0);
    let formatter = Longest {
        current: 0,
        longest: &longest,
    };
    let mut serializer = serde_json::Serializer::with_formatter(io::sink(), formatter);
    if let Err(err) = serde::Serialize::serialize(doc, &mut serializer) {
        log::warn!("could not measure the document's texts: {err}");
    }
    longest.get()
}

/// What a kind of record is called in messages (`outer` of a RON error is the type name).
fn record_name(outer: Option<&str>) -> String {
    match outer {
        Some("Document") => "the document".to_owned(),
        Some("TradeVolume") => "a trade record".to_owned(),
        Some("Investment") => "an investment or agreement".to_owned(),
        Some("Indicator") => "an indicator".to_owned(),
        Some("Source") => "a source".to_owned(),
        Some("Fact") => "a fact".to_owned(),
        Some("CountryEntry") => "a country".to_owned(),
        Some("Category") => "a category".to_owned(),
        Some("DatasetLink") => "a linked dataset".to_owned(),
        Some(other) => format!("a {other}"),
        None => "this record".to_owned(),
    }
}

/// `InvestmentKind` → "investment kind".
fn words_of_type(name: &str) -> String {
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// "`a`, `b` or `c`".
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "nothing".to_owned(),
    }
}

/// The closest of `names` to `found`, when it is close enough to be a typo.
fn did_you_mean(found: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| (strsim::levenshtein(found, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min()
        .map_or_else(String::new, |(_, n)| format!(" (did you mean `{n}`?)"))
}

/// A RON error as a sentence about the file, not the parser's words.
pub(crate) fn in_words(err: &ron::Error) -> String {
    use ron::Error as E;
    match err {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "`{found}` is not a field of {}{}; its fields are {}",
            record_name(outer.as_deref()),
            did_you_mean(found, expected),
            one_of(expected)
        ),
        E::MissingStructField { field, outer } => {
            format!(
                "{} lacks its `{field}` field",
                record_name(outer.as_deref())
            )
        }
        E::DuplicateStructField { field, outer } => {
            format!(
                "{} has the field `{field}` twice",
                record_name(outer.as_deref())
            )
        }
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "`{found}` is not a valid {}{}; use {}",
            outer
                .as_deref()
                .map_or("value here".to_owned(), words_of_type),
            did_you_mean(found, expected),
            one_of(expected)
        ),
        E::InvalidValueForType { expected, found } => {
            format!("{expected} is expected here, not {found}")
        }
        E::ExpectedString => "a text in double quotes is expected here".to_owned(),
        E::ExpectedStringEnd => "a text is not closed with a double quote".to_owned(),
        E::ExpectedInteger => "a whole number is expected here".to_owned(),
        E::ExpectedFloat => "a number is expected here".to_owned(),
        E::ExpectedBoolean => "`true` or `false` is expected here".to_owned(),
        E::ExpectedComma => "a comma is missing between two fields or values".to_owned(),
        E::ExpectedArray => "a list in square brackets [ ] is expected here".to_owned(),
        E::ExpectedArrayEnd => "a list is not closed with ] (or a comma is missing)".to_owned(),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => {
            "a record in parentheses ( ) is expected here".to_owned()
        }
        E::ExpectedStructLikeEnd => {
            "a record is not closed with ) (or a comma is missing)".to_owned()
        }
        E::ExpectedMapColon => "a colon is missing after a field name".to_owned(),
        E::TrailingCharacters => "there is more text after the end of the document".to_owned(),
        E::UnexpectedChar(c) => format!("the character '{c}' is not expected here"),
        E::ExceededRecursionLimit => "records are nested too deeply".to_owned(),
        E::Message(m) => m.clone(),
        other => other.to_string(),
    }
}
