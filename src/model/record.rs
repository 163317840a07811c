//! Records of any kind, owned ([`Record`]) or borrowed ([`RecView`]), and the document's
//! lists accessed by kind, so that tables and edits work the same way for every kind.

use super::dataset::DatasetLink;
use super::document::{
    Category, CountryEntry, Document, Fact, Id, Indicator, Investment, Source, TradeVolume,
};
use super::list::RecordList;
use super::validate::RecordKind;

/// One record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A source.
    Source(Source),
    /// A country or group.
    Country(CountryEntry),
    /// A category.
    Category(Category),
    /// A trade volume.
    Trade(TradeVolume),
    /// An investment or agreement.
    Investment(Investment),
    /// An indicator or target.
    Indicator(Indicator),
    /// A fact.
    Fact(Fact),
    /// A linked dataset.
    Dataset(DatasetLink),
}

/// A borrowed record of any kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecView<'a> {
    /// A source.
    Source(&'a Source),
    /// A country or group.
    Country(&'a CountryEntry),
    /// A category.
    Category(&'a Category),
    /// A trade volume.
    Trade(&'a TradeVolume),
    /// An investment or agreement.
    Investment(&'a Investment),
    /// An indicator or target.
    Indicator(&'a Indicator),
    /// A fact.
    Fact(&'a Fact),
    /// A linked dataset.
    Dataset(&'a DatasetLink),
}

impl Record {
    /// Which list the record belongs to.
    pub fn kind(&self) -> RecordKind {
        self.view().kind()
    }

    /// The record, borrowed.
    pub fn view(&self) -> RecView<'_> {
        match self {
            Record::Source(r) => RecView::Source(r),
            Record::Country(r) => RecView::Country(r),
            Record::Category(r) => RecView::Category(r),
            Record::Trade(r) => RecView::Trade(r),
            Record::Investment(r) => RecView::Investment(r),
            Record::Indicator(r) => RecView::Indicator(r),
            Record::Fact(r) => RecView::Fact(r),
            Record::Dataset(r) => RecView::Dataset(r),
        }
    }

    /// Sets the numeric id (no effect on countries and categories, whose code is the key).
    pub fn set_id(&mut self, id: Id) {
        match self {
            Record::Source(r) => r.id = id,
            Record::Trade(r) => r.id = id,
            Record::Investment(r) => r.id = id,
            Record::Indicator(r) => r.id = id,
            Record::Fact(r) => r.id = id,
            Record::Dataset(r) => r.id = id,
            Record::Country(_) | Record::Category(_) => {}
        }
    }
}

impl<'a> RecView<'a> {
    /// Which list the record belongs to.
    pub fn kind(&self) -> RecordKind {
        match self {
            RecView::Source(_) => RecordKind::Source,
            RecView::Country(_) => RecordKind::Country,
            RecView::Category(_) => RecordKind::Category,
            RecView::Trade(_) => RecordKind::Trade,
            RecView::Investment(_) => RecordKind::Investment,
            RecView::Indicator(_) => RecordKind::Indicator,
            RecView::Fact(_) => RecordKind::Fact,
            RecView::Dataset(_) => RecordKind::Dataset,
        }
    }

    /// An owned copy.
    pub fn to_record(self) -> Record {
        match self {
            RecView::Source(r) => Record::Source(r.clone()),
            RecView::Country(r) => Record::Country(r.clone()),
            RecView::Category(r) => Record::Category(r.clone()),
            RecView::Trade(r) => Record::Trade(r.clone()),
            RecView::Investment(r) => Record::Investment(r.clone()),
            RecView::Indicator(r) => Record::Indicator(r.clone()),
            RecView::Fact(r) => Record::Fact(r.clone()),
            RecView::Dataset(r) => Record::Dataset(r.clone()),
        }
    }

    /// The key shown for the record: its id, or its code for countries and categories.
    pub fn key(&self) -> String {
        match self {
            RecView::Source(r) => r.id.to_string(),
            RecView::Country(r) => r.code.clone(),
            RecView::Category(r) => r.code.clone(),
            RecView::Trade(r) => r.id.to_string(),
            RecView::Investment(r) => r.id.to_string(),
            RecView::Indicator(r) => r.id.to_string(),
            RecView::Fact(r) => r.id.to_string(),
            RecView::Dataset(r) => r.id.to_string(),
        }
    }

    /// The source the record cites.
    pub fn source(&self) -> Option<Id> {
        match self {
            RecView::Trade(r) => r.source,
            RecView::Investment(r) => r.source,
            RecView::Indicator(r) => r.source,
            RecView::Fact(r) => r.source,
            RecView::Source(_)
            | RecView::Country(_)
            | RecView::Category(_)
            | RecView::Dataset(_) => None,
        }
    }
}

/// Why an edit could not be applied (it refers to a row that is not there).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} row {index} does not exist (the list has {len} rows)")]
pub struct NoSuchRow {
    /// The list.
    pub kind: RecordKind,
    /// The row asked for.
    pub index: usize,
    /// How many rows the list has.
    pub len: usize,
}

macro_rules! by_kind {
    ($doc:expr, $kind:expr, |$list:ident| $body:expr) => {
        match $kind {
            RecordKind::Source => {
                let $list = &$doc.sources;
                $body
            }
            RecordKind::Country => {
                let $list = &$doc.countries;
                $body
            }
            RecordKind::Category => {
                let $list = &$doc.categories;
                $body
            }
            RecordKind::Trade => {
                let $list = &$doc.trade;
                $body
            }
            RecordKind::Investment => {
                let $list = &$doc.investments;
                $body
            }
            RecordKind::Indicator => {
                let $list = &$doc.indicators;
                $body
            }
            RecordKind::Fact => {
                let $list = &$doc.facts;
                $body
            }
            RecordKind::Dataset => {
                let $list = &$doc.datasets;
                $body
            }
            RecordKind::Document => 0,
        }
    };
}

impl Document {
    /// Number of records of `kind` (1 for the document itself).
    pub fn len_of(&self, kind: RecordKind) -> usize {
        if kind == RecordKind::Document {
            return 1;
        }
        by_kind!(self, kind, |list| list.len())
    }

    /// Record `index` of `kind`, borrowed.
    pub fn view(&self, kind: RecordKind, index: usize) -> Option<RecView<'_>> {
        Some(match kind {
            RecordKind::Source => RecView::Source(self.sources.get(index)?),
            RecordKind::Country => RecView::Country(self.countries.get(index)?),
            RecordKind::Category => RecView::Category(self.categories.get(index)?),
            RecordKind::Trade => RecView::Trade(self.trade.get(index)?),
            RecordKind::Investment => RecView::Investment(self.investments.get(index)?),
            RecordKind::Indicator => RecView::Indicator(self.indicators.get(index)?),
            RecordKind::Fact => RecView::Fact(self.facts.get(index)?),
            RecordKind::Dataset => RecView::Dataset(self.datasets.get(index)?),
            RecordKind::Document => return None,
        })
    }

    fn no_such_row(&self, kind: RecordKind, index: usize) -> NoSuchRow {
        NoSuchRow {
            kind,
            index,
            len: self.len_of(kind),
        }
    }

    /// Replaces record `index` of the record's kind, returning the old one.
    pub fn replace_record(&mut self, index: usize, record: Record) -> Result<Record, NoSuchRow> {
        let kind = record.kind();
        fn swap<T: Clone>(list: &mut RecordList<T>, index: usize, value: T) -> Option<T> {
            list.get_mut(index)
                .map(|slot| std::mem::replace(slot, value))
        }
        let old = match record {
            Record::Source(r) => swap(&mut self.sources, index, r).map(Record::Source),
            Record::Country(r) => swap(&mut self.countries, index, r).map(Record::Country),
            Record::Category(r) => swap(&mut self.categories, index, r).map(Record::Category),
            Record::Trade(r) => swap(&mut self.trade, index, r).map(Record::Trade),
            Record::Investment(r) => swap(&mut self.investments, index, r).map(Record::Investment),
            Record::Indicator(r) => swap(&mut self.indicators, index, r).map(Record::Indicator),
            Record::Fact(r) => swap(&mut self.facts, index, r).map(Record::Fact),
            Record::Dataset(r) => swap(&mut self.datasets, index, r).map(Record::Dataset),
        };
        old.ok_or_else(|| self.no_such_row(kind, index))
    }

    /// Inserts `record` at `index` (at most the current length) of its kind.
    pub fn insert_record(&mut self, index: usize, record: Record) -> Result<(), NoSuchRow> {
        let kind = record.kind();
        if index > self.len_of(kind) {
            return Err(self.no_such_row(kind, index));
        }
        match record {
            Record::Source(r) => self.sources.insert(index, r),
            Record::Country(r) => self.countries.insert(index, r),
            Record::Category(r) => self.categories.insert(index, r),
            Record::Trade(r) => self.trade.insert(index, r),
            Record::Investment(r) => self.investments.insert(index, r),
            Record::Indicator(r) => self.indicators.insert(index, r),
            Record::Fact(r) => self.facts.insert(index, r),
            Record::Dataset(r) => self.datasets.insert(index, r),
        }
        Ok(())
    }

    /// Removes record `index` of `kind` and returns it.
    pub fn remove_record(&mut self, kind: RecordKind, index: usize) -> Result<Record, NoSuchRow> {
        if index >= self.len_of(kind) || kind == RecordKind::Document {
            return Err(self.no_such_row(kind, index));
        }
        Ok(match kind {
            RecordKind::Source => Record::Source(self.sources.remove(index)),
            RecordKind::Country => Record::Country(self.countries.remove(index)),
            RecordKind::Category => Record::Category(self.categories.remove(index)),
            RecordKind::Trade => Record::Trade(self.trade.remove(index)),
            RecordKind::Investment => Record::Investment(self.investments.remove(index)),
            RecordKind::Indicator => Record::Indicator(self.indicators.remove(index)),
            RecordKind::Fact => Record::Fact(self.facts.remove(index)),
            RecordKind::Dataset => Record::Dataset(self.datasets.remove(index)),
            RecordKind::Document => return Err(self.no_such_row(kind, index)),
        })
    }

    /// The smallest id above every id used in `kind` (1 for an empty list).
    pub fn next_id(&self, kind: RecordKind) -> Id {
        let max = match kind {
            RecordKind::Source => self.sources.iter().map(|r| r.id).max(),
            RecordKind::Trade => self.trade.iter().map(|r| r.id).max(),
            RecordKind::Investment => self.investments.iter().map(|r| r.id).max(),
            RecordKind::Indicator => self.indicators.iter().map(|r| r.id).max(),
            RecordKind::Fact => self.facts.iter().map(|r| r.id).max(),
            RecordKind::Dataset => self.datasets.iter().map(|r| r.id).max(),
            RecordKind::Country | RecordKind::Category | RecordKind::Document => None,
        };
        max.map_or(1, |m| m.saturating_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_insert_remove_by_kind() {
        let mut doc = crate::bundled_document();
        let first = doc.view(RecordKind::Trade, 0).unwrap().to_record();
        let n = doc.len_of(RecordKind::Trade);
        doc.insert_record(n, first.clone()).unwrap();
        assert_eq!(doc.len_of(RecordKind::Trade), n + 1);
        let removed = doc.remove_record(RecordKind::Trade, n).unwrap();
        assert_eq!(removed, first);
        let old = doc.replace_record(0, first.clone()).unwrap();
        assert_eq!(old, first);
        assert!(doc.replace_record(999, first.clone()).is_err());
        assert!(doc.insert_record(999, first).is_err());
        assert!(doc.remove_record(RecordKind::Fact, 99).is_err());
        assert_eq!(doc.next_id(RecordKind::Trade), 13);
        assert_eq!(doc.next_id(RecordKind::Source), 3);
        assert_eq!(crate::Document::new().next_id(RecordKind::Trade), 1);
    }
}
