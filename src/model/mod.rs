//! The document, its validation and the queries that turn records into figures.
//!
//! Plain Rust: nothing here knows about egui or eframe, so all of it is tested directly.

pub mod chart;
pub mod country;
pub mod dataset;
pub mod date;
pub mod describe;
pub mod document;
pub mod edit;
pub mod explore;
pub mod fields;
pub mod format;
pub mod geo;
pub mod hierarchy;
pub mod hs;
pub mod indicators;
pub mod list;
pub mod products;
pub mod record;
pub mod summary;
pub mod sync;
pub mod table;
pub mod texts;
pub mod treemap;
pub mod validate;

pub use date::PartialDate;
pub use document::*;
pub use edit::Edit;
pub use list::RecordList;
pub use record::{RecView, Record};
pub use summary::Summary;
pub use validate::{Problem, RecordChecker, RecordKind, RecordRef, Severity, validate};
