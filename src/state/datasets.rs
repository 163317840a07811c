//! What the app knows of the linked datasets, as the views see it: each dataset's rows or
//! loading progress, the sums computed for the current page, and the rows listed in the
//! rows table. The threads that produce them live in `app::datasets`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::io::import::{Progress, Shortfall};
use crate::model::dataset::{ColumnMap, DatasetLink, FocusSums, Layout, RowFilter, TradeTable};
use crate::model::products::PairProducts;

/// A linked dataset's rows, or how far their loading has come.
#[derive(Debug, Clone)]
pub enum DatasetStatus {
    /// Being read; the latest progress report.
    Loading(Option<Progress>),
    /// Ready to use: its rows, or while they are read after a large release's totals, the
    /// totals (`TradeTable::totals_only`), which serve every sum but no product or row.
    Ready(Arc<TradeTable>),
    /// Could not be read: why.
    Failed(String),
    /// Not read, as its rows may not fit in the memory free (its cache is gone or out of
    /// date, and reading it again could stop the program); read when the user asks.
    TooBig(Shortfall),
}

/// What identifies the rows of a link: the same file read the same way gives the same rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkKey {
    id: u32,
    path: String,
    layout: Layout,
    mapping: Option<Box<ColumnMap>>,
}

impl LinkKey {
    pub(crate) fn of(link: &DatasetLink) -> LinkKey {
        LinkKey {
            id: link.id,
            path: link.path.clone(),
            layout: link.layout,
            mapping: link.mapping.clone(),
        }
    }
}

/// One linked dataset as the app holds it.
#[derive(Debug, Clone)]
pub struct LoadedDataset {
    pub(crate) key: LinkKey,
    /// Its name.
    pub name: String,
    /// Rows or progress.
    pub status: DatasetStatus,
    /// Non-World country codes in the rows, for the focus picker.
    pub countries: Vec<String>,
    /// Names the file (or its code list) gives to codes that are not ISO codes, such as
    /// Comtrade's S19 "Other Asia, nes".
    pub country_names: Vec<(String, String)>,
    /// The country with the most trade in the rows.
    pub main_country: Option<String>,
    /// True when the file's content is not what it was when it was linked.
    pub changed_since_link: bool,
    /// Files of a linked folder or archive that could not be read (name, reason): the
    /// figures come from the other files.
    pub failed_files: Vec<(String, String)>,
    /// How far the reading of its rows has come, while its totals are shown.
    pub rows_progress: Option<Progress>,
    pub(crate) cancel: Arc<AtomicBool>,
}

impl LoadedDataset {
    /// True while its totals are shown and its rows are being read.
    pub fn reading_rows(&self) -> bool {
        matches!(&self.status, DatasetStatus::Ready(t) if t.totals_only.is_some())
    }

    /// Its rows, when they are in (not while only its totals are).
    pub fn rows(&self) -> Option<&Arc<TradeTable>> {
        match &self.status {
            DatasetStatus::Ready(t) if t.totals_only.is_none() => Some(t),
            _ => None,
        }
    }
}

/// What the sums were computed for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AggregateKey {
    /// [`Datasets::generation`] at the time.
    pub generation: u64,
    /// Focus country.
    pub focus: Option<String>,
    /// Partner.
    pub partner: Option<String>,
    /// Product code drilled into.
    pub drill: Option<String>,
    /// Year of the products chart asked for (`None`: the latest).
    pub product_year: Option<u16>,
}

/// Sums of the ready datasets for the current page.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// What they are for.
    pub key: AggregateKey,
    /// Per dataset: (index in the document's list, link, the focus country's sums).
    pub focus: Vec<(usize, DatasetLink, FocusSums)>,
    /// Product breakdown of the pair from the first dataset that has one.
    pub products: Option<PairProducts>,
    /// Years in which some dataset has figures of the pair, in order (the products
    /// chart's year picker).
    pub product_years: Vec<u16>,
}

/// The rows of one dataset that pass a filter, for its rows table.
#[derive(Debug, Clone)]
pub struct RowList {
    /// [`Datasets::generation`] at the time.
    pub generation: u64,
    /// The dataset's index in the document's list.
    pub dataset: usize,
    /// The filter.
    pub filter: RowFilter,
    /// The rows passing it, in file order; `None` when the filter is empty (every row).
    pub rows: Option<Arc<Vec<u32>>>,
}

impl RowList {
    /// Number of rows listed, given the dataset's size.
    pub fn len(&self, total: usize) -> usize {
        self.rows.as_ref().map_or(total, |r| r.len())
    }

    /// The dataset row shown at position `i`.
    pub fn row(&self, i: usize) -> usize {
        self.rows.as_ref().map_or(i, |r| r[i] as usize)
    }
}

/// What the views may read of the linked datasets.
pub trait DatasetsView {
    /// The datasets, in the document's order.
    fn entries(&self) -> &[LoadedDataset];
    /// True while rows are being read, filtered or summed.
    fn working(&self) -> bool;
    /// The rows of dataset `index`, when ready (not while only its totals are).
    fn table(&self, index: usize) -> Option<&Arc<TradeTable>>;
    /// The latest row list, when it is the one last asked for.
    fn row_list(&self) -> Option<&RowList>;
}
