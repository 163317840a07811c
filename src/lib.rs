//! Trade Explorer: explore trade relationships between countries.
//!
//! - [`model`]: the document, validation and queries (no egui).
//! - [`io`]: reading and writing files (no egui).
//! - [`app`]: app state and the one command path that changes the document.
//! - [`ui`]: one file per view or panel.
//! - [`cli`]: the `check` command.

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
#[doc(hidden)]
pub mod fuzzing;
pub mod io;
pub mod model;
#[cfg(feature = "gui")]
pub mod ui;

#[cfg(feature = "gui")]
pub use app::TradeApp;
pub use io::{LoadError, SaveError, bundled_document, load_document, save_document};
pub use model::Document;
