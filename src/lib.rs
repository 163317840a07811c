//! Trade Explorer: explore trade relationships between countries.
//!
//! - [`model`]: the document, validation and queries (no egui).
//! - [`io`]: reading and writing files (no egui).
//! - [`state`]: what app and UI share: commands, actions and shortcuts, UI state,
//!   navigation, settings, the prepared data views read (depends on neither).
//! - [`app`]: app state and the one command path that changes the document; background
//!   work.
//! - [`ui`]: one file per view, panel or dialog; draws and emits commands.
//! - [`cli`]: the `check` and `convert` commands.

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
#[doc(hidden)]
pub mod fuzzing;
pub mod io;
pub mod model;
#[cfg(feature = "gui")]
pub mod state;
#[cfg(feature = "gui")]
pub mod ui;

#[cfg(feature = "gui")]
pub use app::TradeApp;
pub use io::{LoadError, SaveError, bundled_document, load_document, save_document};
pub use model::Document;
