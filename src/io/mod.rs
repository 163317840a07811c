//! Reading and writing files. Plain Rust: nothing here knows about egui or eframe.

mod atomic;
pub mod document_file;
mod document_parse;
pub mod export;
pub mod export_parquet;
pub mod image_file;
pub mod import;
pub mod recovery;

pub use document_file::{
    FileStamp, LoadError, MAX_DOCUMENT_BYTES, ParseError, SaveError, backup_path, document_to_ron,
    file_stamp, load_document, load_document_stamped, parse_document, save_document,
    save_document_checked, write_atomic, write_file_atomic,
};
pub use export::{write_rows_csv, write_table_csv};
pub use export_parquet::{write_pair_totals_parquet, write_rows_parquet};
pub use image_file::save_png;

use std::path::{Path, PathBuf};

use crate::model::Document;

/// True when `path` names a Trade Explorer document (`.ron`); any other file is a trade data
/// file to import. The app (opening, dropping) and the command line decide the same way.
pub fn is_document_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
}

/// `path` with `.extension` added when its name has none, as save dialogs do.
pub fn with_default_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension(extension)
    } else {
        path
    }
}

/// File name of the bundled dataset, as shown in the title bar.
pub const BUNDLED_NAME: &str = "pakistan-partners.ron";

/// Text of the bundled dataset (also shipped as `saves/pakistan-partners.ron`).
pub const BUNDLED_RON: &str = include_str!("../../assets/pakistan-partners.ron");

/// The bundled Pakistan dataset, parsed from the copy embedded in the binary.
///
/// The embedded text is checked by the test suite, so a parse failure here means a broken
/// build; an empty document is returned rather than crashing the app.
pub fn bundled_document() -> Document {
    match parse_document(BUNDLED_RON) {
        Ok(doc) => doc,
        Err(err) => {
            log::error!("the bundled dataset does not parse: {err:?}");
            Document::new()
        }
    }
}
