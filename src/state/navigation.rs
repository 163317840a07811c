//! Where the user is: the view, the focus country, the partner, the selected record, and
//! the pages visited (Back / Forward). None of this is part of the document.

use crate::model::{RecordKind, RecordRef};

/// The views, in the order of the View menu and of their shortcuts (Ctrl+1 … Ctrl+9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The focus country: partners ranked, totals, pledges.
    Overview,
    /// The selected pair.
    Relationship,
    /// Trade over time and partners by year.
    Trade,
    /// What is exported and imported.
    Categories,
    /// Investments and agreements.
    Investments,
    /// Indicators and targets.
    Indicators,
    /// The records as tables.
    Tables,
    /// Validation problems.
    Problems,
    /// Trade indicators computed from the data: shares, RCA, complementarity, potential.
    Analysis,
    /// The focus country's partners on a world map.
    Map,
}

impl View {
    /// Every view, in menu order.
    pub const ALL: [View; 10] = [
        View::Overview,
        View::Relationship,
        View::Trade,
        View::Categories,
        View::Investments,
        View::Indicators,
        View::Tables,
        View::Problems,
        View::Analysis,
        View::Map,
    ];

    /// Name in menus and tabs.
    pub fn label(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Relationship => "Relationship",
            View::Trade => "Trade",
            View::Categories => "Categories",
            View::Investments => "Investments",
            View::Indicators => "Indicators",
            View::Tables => "Tables",
            View::Problems => "Problems",
            View::Analysis => "Analysis",
            View::Map => "Map",
        }
    }
}

/// A place in the app that Back and Forward return to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The view shown.
    pub view: View,
    /// The focus country.
    pub focus: Option<String>,
    /// The partner of the focus country, for the relationship views.
    pub partner: Option<String>,
}

/// Navigation state and history.
#[derive(Debug, Clone, PartialEq)]
pub struct Navigation {
    /// The current page.
    pub page: Page,
    back: Vec<Page>,
    forward: Vec<Page>,
    /// The record whose details are shown.
    pub selected: Option<RecordRef>,
    /// Year of the partners chart; `None` means the latest year with data.
    pub partner_year: Option<i32>,
    /// Which table the Tables view shows.
    pub table_kind: RecordKind,
    /// Product code drilled into on the products chart, with the (focus, partner) pair it
    /// belongs to: another pair starts again at the chapters.
    pub drill: Option<(String, String, String)>,
    /// Year of the products chart; `None` (or a year the pair lacks) is the latest year.
    pub product_year: Option<u16>,
}

const HISTORY_LIMIT: usize = 200;

impl Navigation {
    /// Starts on `view` for `focus` and `partner`, with no history.
    pub fn new(view: View, focus: Option<String>, partner: Option<String>) -> Self {
        Self {
            page: Page {
                view,
                focus,
                partner,
            },
            back: Vec::new(),
            forward: Vec::new(),
            selected: None,
            partner_year: None,
            table_kind: RecordKind::Trade,
            drill: None,
            product_year: None,
        }
    }

    /// Goes to `page`, remembering the current one for Back.
    pub fn go(&mut self, page: Page) {
        if page == self.page {
            return;
        }
        let previous = std::mem::replace(&mut self.page, page);
        self.back.push(previous);
        if self.back.len() > HISTORY_LIMIT {
            self.back.remove(0);
        }
        self.forward.clear();
    }

    /// The product code drilled into, when it belongs to the current pair.
    pub fn drill(&self) -> Option<&str> {
        let (focus, partner, code) = self.drill.as_ref()?;
        (self.page.focus.as_deref() == Some(focus.as_str())
            && self.page.partner.as_deref() == Some(partner.as_str()))
        .then_some(code.as_str())
    }

    /// Goes back one page; false when there is none.
    pub fn back(&mut self) -> bool {
        let Some(page) = self.back.pop() else {
            return false;
        };
        let current = std::mem::replace(&mut self.page, page);
        self.forward.push(current);
        true
    }

    /// Goes forward one page; false when there is none.
    pub fn forward(&mut self) -> bool {
        let Some(page) = self.forward.pop() else {
            return false;
        };
        let current = std::mem::replace(&mut self.page, page);
        self.back.push(current);
        true
    }

    /// Whether Back would do something.
    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    /// Whether Forward would do something.
    pub fn can_go_forward(&self) -> bool {
        !self.forward.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(view: View, partner: &str) -> Page {
        Page {
            view,
            focus: Some("PAK".into()),
            partner: Some(partner.into()),
        }
    }

    #[test]
    fn back_and_forward_walk_the_pages_visited() {
        let mut nav = Navigation::new(View::Overview, Some("PAK".into()), None);
        let start = nav.page.clone();
        nav.go(page(View::Relationship, "KAZ"));
        nav.go(page(View::Relationship, "CHN"));
        assert!(nav.back());
        assert_eq!(nav.page, page(View::Relationship, "KAZ"));
        assert!(nav.back());
        assert_eq!(nav.page, start);
        assert!(!nav.back());
        assert!(nav.forward());
        assert!(nav.forward());
        assert_eq!(nav.page, page(View::Relationship, "CHN"));
        assert!(!nav.can_go_forward());
        // A new page drops the forward history.
        nav.back();
        nav.go(page(View::Trade, "KAZ"));
        assert!(!nav.can_go_forward());
        // Going to the same page twice records it once.
        nav.go(page(View::Trade, "KAZ"));
        nav.back();
        assert_eq!(nav.page, page(View::Relationship, "KAZ"));
    }
}
