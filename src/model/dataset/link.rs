//! How a linked dataset is saved in the document: the file, its layout and the column
//! mapping of a custom CSV.

use serde::{Deserialize, Serialize};

use crate::model::document::Id;

/// A known layout of trade data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// UN Comtrade (comtradeplus) CSV or bulk tab-separated text, 47 columns.
    Comtrade,
    /// The legacy UN Comtrade CSV ("Trade Value (US$)", "Reporter ISO", …).
    ComtradeLegacy,
    /// The snake_case layout written by the comtradr R package.
    Comtradr,
    /// CEPII BACI: t, i, j, k, v, q.
    Baci,
    /// Any other CSV, read through a column mapping chosen by the user.
    Mapped,
    /// Trade Explorer's own export of rows or pair totals (CSV or Parquet).
    TradeExplorer,
}

impl Layout {
    /// Name for messages: the layout's columns, whichever format holds them (the same
    /// columns come as CSV, tab-separated text or Parquet).
    pub fn label(self) -> &'static str {
        match self {
            Layout::Comtrade => "UN Comtrade (Comtrade Plus columns)",
            Layout::ComtradeLegacy => "UN Comtrade legacy columns",
            Layout::Comtradr => "comtradr (R package) columns",
            Layout::Baci => "CEPII BACI",
            Layout::Mapped => "file with a column mapping",
            Layout::TradeExplorer => "Trade Explorer export",
        }
    }

    /// What one unit of the file's value column is worth in US dollars, for a known
    /// layout (BACI gives thousands); a mapped file's own choice is in its mapping.
    pub fn default_scale(self) -> f64 {
        match self {
            Layout::Baci => 1e3,
            _ => 1.0,
        }
    }
}

/// The units a file's value column can be in: (US dollars per unit, name).
pub const VALUE_SCALES: [(f64, &str); 3] = [
    (1.0, "US dollars"),
    (1e3, "thousands of US dollars"),
    (1e6, "millions of US dollars"),
];

/// The name of a value scale ("millions of US dollars"); US dollars for any other.
pub fn scale_name(scale: f64) -> &'static str {
    VALUE_SCALES
        .iter()
        .find(|(s, _)| *s == scale)
        .map_or(VALUE_SCALES[0].1, |(_, name)| name)
}

/// Which column holds what. Column indices are 0-based.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// Year (or a period such as 202401, whose first four digits are the year).
    pub year: usize,
    /// Reporter (or exporter) as ISO alpha-3 code.
    pub reporter_iso: Option<usize>,
    /// Reporter as numeric code.
    pub reporter_code: Option<usize>,
    /// Reporter name.
    pub reporter_name: Option<usize>,
    /// Partner (or importer) as ISO alpha-3 code.
    pub partner_iso: Option<usize>,
    /// Partner as numeric code.
    pub partner_code: Option<usize>,
    /// Partner name.
    pub partner_name: Option<usize>,
    /// Flow code (X, M, RX, …) or description ("Export", "Import").
    pub flow: Option<usize>,
    /// Product code.
    pub product: Option<usize>,
    /// Product description.
    pub product_name: Option<usize>,
    /// Trade value.
    pub value: usize,
    /// Multiplier that turns the value into US dollars (1000 for BACI's thousands).
    pub value_scale: f64,
    /// Quantity.
    pub quantity: Option<usize>,
}

impl ColumnMap {
    /// The largest column index used (rows need at least this many fields plus one).
    pub fn max_column(&self) -> usize {
        self.columns().into_iter().max().unwrap_or(0)
    }

    /// The column indices used, in field order (year, reporter, …, quantity).
    pub fn columns(&self) -> Vec<usize> {
        [
            Some(self.year),
            self.reporter_iso,
            self.reporter_code,
            self.reporter_name,
            self.partner_iso,
            self.partner_code,
            self.partner_name,
            self.flow,
            self.product,
            self.product_name,
            Some(self.value),
            self.quantity,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A file of trade data linked from a document: read-only rows shown next to the
/// document's own records. The rows themselves are read from the file (or its cache).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetLink {
    /// Unique among the document's datasets.
    pub id: Id,
    /// Name shown in the app (the file name by default).
    pub name: String,
    /// Where the file is: relative to the document's folder in the file, absolute in memory.
    pub path: String,
    /// The layout it was read with.
    pub layout: Layout,
    /// The columns chosen, for a file read through a mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Box<ColumnMap>>,
    /// Rows read when it was linked.
    #[serde(default)]
    pub rows: u64,
    /// Size in bytes when it was linked.
    #[serde(default)]
    pub size: u64,
    /// Modification time when it was linked (nanoseconds since 1970).
    #[serde(default)]
    pub modified_ns: u64,
    /// Content fingerprint when it was linked.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// Free note (e.g. what the file is and where it was downloaded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
