//! What the user chose that persists between runs (recent files, theme, units, column
//! mappings), and where the current document came from.

use std::collections::HashMap;
use std::path::PathBuf;

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::model::chart::MoneyUnit;
use crate::model::dataset::ColumnMap;

/// Most recent files remembered.
pub const RECENT_LIMIT: usize = 10;

/// Column mappings remembered (the most recently used are kept).
pub const MAPPING_LIMIT: usize = 50;

/// Where the current document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// The dataset embedded in the binary.
    Bundled,
    /// A new document, never saved.
    Untitled,
}

impl Origin {
    /// The file name shown in the title bar and in dialogs.
    pub fn document_name(&self) -> String {
        match self {
            Origin::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Origin::Bundled => crate::io::BUNDLED_NAME.to_owned(),
            Origin::Untitled => "Untitled.ron".to_owned(),
        }
    }

    /// The document's file, if it has one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Origin::File(path) => Some(path),
            _ => None,
        }
    }
}

/// The colour theme the user chose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Light background.
    Light,
    /// Dark background.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in menu order.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// egui's name for the choice.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What persists between runs through eframe's storage. The document never goes here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, most recent first.
    pub recent_files: Vec<PathBuf>,
    /// Colour theme.
    pub theme: ThemeChoice,
    /// Whether the problems panel is shown.
    pub show_problems: bool,
    /// Unit of money on chart axes.
    pub money_unit: MoneyUnit,
    /// Column mappings chosen for CSV files, by header (see
    /// [`crate::io::import::header_key`]); at most [`MAPPING_LIMIT`], see
    /// [`Settings::remember_mapping`].
    pub mappings: HashMap<String, ColumnMap>,
    /// Headers of `mappings`, most recently used first.
    pub mapping_order: Vec<String>,
    /// Reload the document by itself when another program changes it and the window has
    /// no unsaved changes.
    pub auto_reload: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent_files: Vec::new(),
            theme: ThemeChoice::System,
            show_problems: true,
            money_unit: MoneyUnit::Usd,
            mappings: HashMap::new(),
            mapping_order: Vec::new(),
            auto_reload: false,
        }
    }
}

impl Settings {
    /// Remembers `map` for files whose header is `key`, forgetting the least recently used
    /// mappings beyond [`MAPPING_LIMIT`].
    pub fn remember_mapping(&mut self, key: String, map: ColumnMap) {
        self.tidy_mappings();
        self.mapping_order.retain(|k| k != &key);
        self.mapping_order.insert(0, key.clone());
        self.mappings.insert(key, map);
        for old in self
            .mapping_order
            .split_off(MAPPING_LIMIT.min(self.mapping_order.len()))
        {
            self.mappings.remove(&old);
        }
    }

    /// The mapping remembered for `key`, if any.
    pub fn mapping(&self, key: &str) -> Option<&ColumnMap> {
        self.mappings.get(key)
    }

    /// Settings written before the order was kept have mappings without a place in it:
    /// they count as the oldest.
    fn tidy_mappings(&mut self) {
        self.mapping_order.retain(|k| self.mappings.contains_key(k));
        if self.mapping_order.len() < self.mappings.len() {
            let mut missing: Vec<String> = self
                .mappings
                .keys()
                .filter(|k| !self.mapping_order.contains(k))
                .cloned()
                .collect();
            missing.sort();
            self.mapping_order.extend(missing);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dataset::ColumnMap;

    fn map() -> ColumnMap {
        ColumnMap::default()
    }

    #[test]
    fn keeps_the_most_recently_used_mappings() {
        let mut settings = Settings::default();
        for i in 0..MAPPING_LIMIT + 7 {
            settings.remember_mapping(format!("header {i}"), map());
        }
        assert_eq!(settings.mappings.len(), MAPPING_LIMIT);
        assert_eq!(settings.mapping_order.len(), MAPPING_LIMIT);
        // The first seven were used least recently.
        for i in 0..7 {
            assert!(settings.mapping(&format!("header {i}")).is_none(), "{i}");
        }
        assert!(settings.mapping("header 7").is_some());
        // Using one again makes it the newest: it survives the next 49 new ones.
        settings.remember_mapping("header 7".into(), map());
        for i in 100..100 + MAPPING_LIMIT - 1 {
            settings.remember_mapping(format!("header {i}"), map());
        }
        assert!(settings.mapping("header 7").is_some());
        assert!(settings.mapping("header 8").is_none());
    }

    #[test]
    fn mappings_of_old_settings_count_as_the_oldest() {
        let mut settings = Settings::default();
        for i in 0..MAPPING_LIMIT + 3 {
            settings.mappings.insert(format!("old {i:03}"), map());
        }
        settings.remember_mapping("new".into(), map());
        assert_eq!(settings.mappings.len(), MAPPING_LIMIT);
        assert!(settings.mapping("new").is_some());
        assert_eq!(settings.mapping_order[0], "new");
    }
}
