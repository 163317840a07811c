//! The text fields of every record, for the checks that look at all of them (control
//! characters, a typical sign of a damaged file).

use super::record::RecView;

/// Calls `f` with the name and text of every text field of the record (list fields once per
/// item), borrowing: no allocation, so that a million records are looked at quickly.
pub fn each_text<'a>(view: RecView<'a>, mut f: impl FnMut(&'static str, &'a str)) {
    match view {
        RecView::Source(s) => {
            for (name, text) in [
                ("title", &s.title),
                ("publisher", &s.publisher),
                ("url", &s.url),
                ("note", &s.note),
            ] {
                f(name, text);
            }
        }
        RecView::Country(c) => {
            f("code", &c.code);
            f("name", &c.name);
        }
        RecView::Category(c) => {
            f("code", &c.code);
            f("name", &c.name);
            f("note", &c.note);
        }
        RecView::Trade(t) => {
            f("reporter", &t.reporter);
            f("partner", &t.partner);
            if let Some(code) = &t.category {
                f("category", code);
            }
            if let Some(q) = &t.quantity {
                f("quantity", &q.unit);
            }
            f("note", &t.note);
        }
        RecView::Investment(v) => {
            f("title", &v.title);
            v.parties.iter().for_each(|p| f("parties", p));
            v.organisations.iter().for_each(|o| f("organisations", o));
            if let Some(host) = &v.host {
                f("host", host);
            }
            f("sector", &v.sector);
            f("description", &v.description);
        }
        RecView::Indicator(v) => {
            for (name, text) in [
                ("country", &v.country),
                ("name", &v.name),
                ("segment", &v.segment),
                ("unit", &v.unit),
                ("note", &v.note),
            ] {
                f(name, text);
            }
        }
        RecView::Fact(v) => {
            v.countries.iter().for_each(|c| f("countries", c));
            f("topic", &v.topic);
            f("text", &v.text);
        }
        RecView::Dataset(d) => {
            f("name", &d.name);
            f("path", &d.path);
            f("note", &d.note);
        }
    }
}

/// The first C0 control character of `text` other than tab and newline (NUL and carriage
/// return included): such characters are not typed by people, and in a text file they are
/// a typical sign of corruption.
pub fn control_char(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n'))
}

/// "U+0000 (NUL)" and the like, for messages.
pub fn describe_control(c: char) -> String {
    const NAMES: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let name = NAMES.get(c as usize).copied().unwrap_or("control");
    format!("U+{:04X} ({name})", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_and_named() {
        assert_eq!(control_char("plain text\twith tab\nand newline\n"), None);
        assert_eq!(control_char("a\r\n"), Some('\r'));
        assert_eq!(control_char("cut\0off"), Some('\0'));
        assert_eq!(control_char("bell \u{7}"), Some('\u{7}'));
        assert_eq!(describe_control('\0'), "U+0000 (NUL)");
        assert_eq!(describe_control('\u{1b}'), "U+001B (ESC)");
    }
}
