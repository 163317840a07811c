//! The rows of the document's linked datasets, loaded off the UI thread (from the binary
//! cache when it is current, else from the file), and the sums the views need, also
//! computed off the UI thread whenever the focus country, the partner or the drill-down
//! changes.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eframe::egui;

use crate::io::import::{self, Progress, Shortfall};
use crate::model::RecordList;
use crate::model::dataset::{DatasetLink, RowFilter, TradeTable, filter_rows, focus_sums};
use crate::model::products::pair_products_of;
use crate::state::{
    AggregateKey, Aggregates, DatasetStatus, DatasetsView, LinkKey, LoadedDataset, RowList,
};

use super::jobs::Jobs;

struct Loaded {
    table: Arc<TradeTable>,
    main_country: Option<String>,
    changed: bool,
    failed_files: Vec<(String, String)>,
}

enum LoadMessage {
    Progress(LinkKey, Progress),
    /// Each pair's totals, read before the rows of a large release (the rows follow).
    Totals(LinkKey, Loaded),
    Done(LinkKey, Result<Loaded, String>),
    /// Not read: its rows may not fit in the memory free.
    TooBig(LinkKey, Shortfall),
}

/// The linked datasets' rows and their sums.
pub struct Datasets {
    entries: Vec<LoadedDataset>,
    /// Bumped whenever a dataset becomes ready, fails or is dropped.
    generation: u64,
    loads: Jobs<LoadMessage>,
    aggregates: Aggregates,
    /// Bumped when new sums arrive, so that the views' data is recomputed.
    aggregates_revision: u64,
    wanted: Option<AggregateKey>,
    sums: Jobs<Aggregates>,
    agg_cancel: Arc<AtomicBool>,
    agg_running: bool,
    rows_wanted: Option<(u64, usize, RowFilter)>,
    rows: Option<RowList>,
    row_lists: Jobs<RowList>,
    /// Where read datasets are cached (None: nowhere).
    cache_folder: Option<PathBuf>,
    /// Bytes of memory free, when told instead of asking the system (tests).
    memory_available: Option<u64>,
    /// Parquet releases of at least this many rows show their totals before their rows.
    totals_first_rows: u64,
}

impl Default for Datasets {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            generation: 0,
            loads: Jobs::default(),
            aggregates: Aggregates::default(),
            aggregates_revision: 0,
            wanted: None,
            sums: Jobs::default(),
            agg_cancel: Arc::new(AtomicBool::new(false)),
            agg_running: false,
            rows_wanted: None,
            rows: None,
            row_lists: Jobs::default(),
            cache_folder: None,
            memory_available: None,
            totals_first_rows: import::TOTALS_FIRST_ROWS,
        }
    }
}

impl Datasets {
    /// Caches the datasets read in `folder` from now on (None: no cache).
    pub fn set_cache_folder(&mut self, folder: Option<PathBuf>) {
        self.cache_folder = folder;
    }

    /// The datasets, in the document's order.
    pub fn entries(&self) -> &[LoadedDataset] {
        &self.entries
    }

    /// Changes whenever the set of ready rows changes.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes whenever new sums arrive.
    pub fn aggregates_revision(&self) -> u64 {
        self.aggregates_revision
    }

    /// The latest sums.
    pub fn aggregates(&self) -> &Aggregates {
        &self.aggregates
    }

    /// The latest row list, when it is the one last asked for.
    pub fn row_list(&self) -> Option<&RowList> {
        let list = self.rows.as_ref()?;
        let wanted = self.rows_wanted.as_ref()?;
        (list.generation == wanted.0 && list.dataset == wanted.1 && list.filter == wanted.2)
            .then_some(list)
    }

    /// Asks for the rows of `dataset` passing `filter` (filtered on another thread).
    pub fn request_rows(&mut self, dataset: usize, filter: RowFilter, ctx: &egui::Context) {
        let key = (self.generation, dataset, filter);
        if self.rows_wanted.as_ref() == Some(&key) {
            return;
        }
        self.rows_wanted = Some(key.clone());
        let Some(table) = self.table(dataset).cloned() else {
            return;
        };
        let (generation, dataset, filter) = key;
        if filter.is_empty() {
            self.rows = Some(RowList {
                generation,
                dataset,
                filter,
                rows: None,
            });
            return;
        }
        let spawned = self.row_lists.spawn("rows", ctx, move |reply| {
            let rows = filter_rows(&table, &filter);
            reply.send(RowList {
                generation,
                dataset,
                filter,
                rows: Some(Arc::new(rows)),
            });
        });
        if let Err(err) = spawned {
            log::warn!("{err}");
        }
    }

    /// True while rows are being read, filtered or summed.
    pub fn working(&self) -> bool {
        // Rows asked for a dataset that is still loading wait for the load, counted below.
        let rows_pending = self.row_list().is_none()
            && self
                .rows_wanted
                .as_ref()
                .is_some_and(|(_, d, _)| self.table(*d).is_some());
        rows_pending
            || self.agg_running
            || (self.entries.iter())
                .any(|e| matches!(e.status, DatasetStatus::Loading(_)) || e.reading_rows())
    }

    /// The main country of the first ready dataset that has one.
    pub fn main_country(&self) -> Option<&str> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, DatasetStatus::Ready(_)))
            .find_map(|e| e.main_country.as_deref())
    }

    /// The rows of dataset `index`, when ready (not while only its totals are).
    pub fn table(&self, index: usize) -> Option<&Arc<TradeTable>> {
        self.entries.get(index)?.rows()
    }

    /// The rows of dataset `index`, or its totals while its rows are read: what its sums
    /// by focus country and partner come from.
    fn totals(&self, index: usize) -> Option<&Arc<TradeTable>> {
        match &self.entries.get(index)?.status {
            DatasetStatus::Ready(t) => Some(t),
            _ => None,
        }
    }

    /// Parquet releases of at least `rows` rows show their totals before their rows
    /// (tests lower it to try that on small files).
    pub fn set_totals_first_rows(&mut self, rows: u64) {
        self.totals_first_rows = rows;
    }

    /// The row count from which a Parquet release shows its totals before its rows.
    pub fn totals_first_rows(&self) -> u64 {
        self.totals_first_rows
    }

    /// Follows the document's list: starts reading new links, keeps what is already read,
    /// drops (and cancels) what is no longer linked.
    pub fn sync(&mut self, links: &RecordList<DatasetLink>, ctx: &egui::Context) {
        let unchanged = links.len() == self.entries.len()
            && links
                .iter()
                .zip(&self.entries)
                .all(|(l, e)| e.key == LinkKey::of(l) && e.name == l.name);
        if unchanged {
            return;
        }
        let mut old: Vec<LoadedDataset> = std::mem::take(&mut self.entries);
        for link in links {
            let key = LinkKey::of(link);
            let entry = match old.iter().position(|e| e.key == key) {
                Some(i) => {
                    let mut e = old.swap_remove(i);
                    e.name = link.name.clone();
                    e
                }
                None => self.start_load(link, key, ctx, (true, true)),
            };
            self.entries.push(entry);
        }
        for dropped in old {
            dropped.cancel.store(true, Ordering::Relaxed);
        }
        self.generation += 1;
    }

    /// Adds rows that were just imported, so that they are not read again; of a release
    /// whose totals only were read, starts reading its rows.
    pub fn insert_ready(
        &mut self,
        link: &DatasetLink,
        (table, main_country, failed_files): (
            Arc<TradeTable>,
            Option<String>,
            Vec<(String, String)>,
        ),
        ctx: &egui::Context,
    ) {
        let key = LinkKey::of(link);
        self.entries.retain(|e| e.key != key);
        let loaded = LoadedDataset {
            key: key.clone(),
            name: link.name.clone(),
            countries: countries_of(&table),
            country_names: names_of(&table),
            main_country,
            changed_since_link: false,
            failed_files,
            status: DatasetStatus::Ready(table.clone()),
            rows_progress: None,
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let entry = if table.totals_only.is_some() {
            // The import asked already whether the rows fit in memory.
            let reading = self.start_load(link, key, ctx, (false, false));
            LoadedDataset {
                cancel: reading.cancel,
                status: match reading.status {
                    DatasetStatus::Loading(_) => loaded.status,
                    other => other,
                },
                ..loaded
            }
        } else {
            loaded
        };
        self.entries.push(entry);
        self.generation += 1;
    }

    /// Takes `bytes` as the memory free instead of asking the system (tests).
    pub fn set_available_memory(&mut self, bytes: u64) {
        self.memory_available = Some(bytes);
    }

    /// Reads dataset `index` of `links`, left unread as it may not fit in the memory free,
    /// because the user asked to.
    pub fn read_anyway(
        &mut self,
        index: usize,
        links: &RecordList<DatasetLink>,
        ctx: &egui::Context,
    ) {
        let (Some(link), Some(entry)) = (links.iter().nth(index), self.entries.get(index)) else {
            return;
        };
        let key = LinkKey::of(link);
        if entry.key != key || !matches!(entry.status, DatasetStatus::TooBig(_)) {
            return;
        }
        self.entries[index] = self.start_load(link, key, ctx, (false, true));
        self.generation += 1;
    }

    /// Starts reading a link's rows on another thread; with `check_memory`, first makes
    /// sure they fit in the memory free unless a cache holds them; with `totals_first`, a
    /// large Parquet release's totals are read and shown before its rows.
    fn start_load(
        &self,
        link: &DatasetLink,
        key: LinkKey,
        ctx: &egui::Context,
        (check_memory, totals_first): (bool, bool),
    ) -> LoadedDataset {
        let cancel = Arc::new(AtomicBool::new(false));
        let entry = LoadedDataset {
            key: key.clone(),
            name: link.name.clone(),
            status: DatasetStatus::Loading(None),
            countries: Vec::new(),
            country_names: Vec::new(),
            main_country: None,
            changed_since_link: false,
            failed_files: Vec::new(),
            rows_progress: None,
            cancel: cancel.clone(),
        };
        let path = PathBuf::from(&link.path);
        let totals_rows = totals_first.then_some(self.totals_first_rows);
        let mapping = link.mapping.as_deref().cloned();
        let linked_fingerprint = link.fingerprint.clone();
        let cache = self.cache_folder.clone();
        let told = self.memory_available;
        let spawned = self.loads.spawn("dataset", ctx, move |reply| {
            if check_memory {
                let available = told.or_else(import::available_memory);
                let short =
                    import::source_shortfall(&path, mapping.as_ref(), available, cache.as_deref());
                if let Some(short) = short {
                    reply.send(LoadMessage::TooBig(key, short));
                    return;
                }
            }
            let progress = reply.clone();
            let progress_key = key.clone();
            let mut report = super::jobs::throttled(|p: &Progress| {
                progress.post(LoadMessage::Progress(progress_key.clone(), *p));
            });
            if let Some(min_rows) = totals_rows {
                let how = (cache.as_deref(), min_rows);
                match import::open_totals(&path, mapping.clone(), how, &mut report, &cancel) {
                    Ok(Some(opened)) => {
                        let loaded = Loaded {
                            changed: changed_since(&opened, &linked_fingerprint),
                            failed_files: opened.outcome.failed_files,
                            main_country: opened.main_country,
                            table: Arc::new(opened.outcome.table),
                        };
                        reply.send(LoadMessage::Totals(key.clone(), loaded));
                    }
                    Ok(None) => {}
                    Err(err) => {
                        reply.send(LoadMessage::Done(key, Err(err.to_string())));
                        return;
                    }
                }
            }
            let opened = import::open_dataset_then_cache(
                &path,
                mapping,
                cache.as_deref(),
                &mut report,
                &cancel,
            );
            let (result, pending) = match opened {
                Ok((opened, pending)) => {
                    let changed = changed_since(&opened, &linked_fingerprint);
                    // Off the UI thread, before the first focus sums (a no-op when the
                    // cache brought the index).
                    opened.outcome.table.country_blocks();
                    let table = Arc::new(opened.outcome.table);
                    let pending = pending.map(|p| (p, table.clone()));
                    let loaded = Loaded {
                        failed_files: opened.outcome.failed_files,
                        main_country: opened.main_country,
                        table,
                        changed,
                    };
                    (Ok(loaded), pending)
                }
                Err(err) => (Err(err.to_string()), None),
            };
            reply.send(LoadMessage::Done(key, result));
            // The rows are in use first; their cache is written after, for next time.
            if let Some((pending, table)) = pending {
                pending.write(&table);
            }
        });
        match spawned {
            Ok(()) => entry,
            Err(err) => LoadedDataset {
                status: DatasetStatus::Failed(err),
                ..entry
            },
        }
    }

    /// Takes in what the loading and summing threads reported; true when something changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        let messages: Vec<LoadMessage> = self.loads.drain().collect();
        for message in messages {
            match message {
                LoadMessage::Progress(key, p) => {
                    if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
                        match &e.status {
                            DatasetStatus::Loading(_) => e.status = DatasetStatus::Loading(Some(p)),
                            DatasetStatus::Ready(t) if t.totals_only.is_some() => {
                                e.rows_progress = Some(p);
                            }
                            _ => {}
                        }
                    }
                }
                LoadMessage::Totals(key, loaded) => {
                    if let Some(e) = self.entries.iter_mut().find(|e| e.key == key)
                        && matches!(e.status, DatasetStatus::Loading(_))
                    {
                        take_loaded(e, loaded);
                        self.generation += 1;
                        changed = true;
                    }
                }
                LoadMessage::Done(key, result) => {
                    if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
                        match result {
                            Ok(loaded) => take_loaded(e, loaded),
                            Err(err) => e.status = DatasetStatus::Failed(err),
                        }
                        self.generation += 1;
                        changed = true;
                    }
                }
                LoadMessage::TooBig(key, short) => {
                    if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
                        e.status = DatasetStatus::TooBig(short);
                        self.generation += 1;
                        changed = true;
                    }
                }
            }
        }
        let lists: Vec<RowList> = self.row_lists.drain().collect();
        for list in lists {
            // Filters typed quickly finish out of order: keep only the one asked for last.
            let wanted = self.rows_wanted.as_ref();
            if wanted == Some(&(list.generation, list.dataset, list.filter.clone())) {
                self.rows = Some(list);
                changed = true;
            }
        }
        let sums: Vec<Aggregates> = self.sums.drain().collect();
        for aggregates in sums {
            // Sums for an older request may still arrive; only the wanted ones end the work.
            if Some(&aggregates.key) == self.wanted.as_ref() {
                self.agg_running = false;
                self.aggregates = aggregates;
                self.aggregates_revision += 1;
                changed = true;
            }
        }
        changed
    }

    /// Asks for the sums of `key` (computed on another thread unless already there).
    pub fn request(
        &mut self,
        key: AggregateKey,
        links: &RecordList<DatasetLink>,
        ctx: &egui::Context,
    ) {
        if self.wanted.as_ref() == Some(&key) {
            return;
        }
        self.wanted = Some(key.clone());
        let ready: Vec<(usize, DatasetLink, Arc<TradeTable>)> = links
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((i, l.clone(), self.totals(i)?.clone())))
            .collect();
        if ready.is_empty() || key.focus.is_none() {
            // Nothing to sum: answer at once, so that stale sums disappear.
            self.agg_cancel.store(true, Ordering::Relaxed);
            self.agg_running = false;
            self.aggregates = Aggregates {
                key,
                ..Aggregates::default()
            };
            self.aggregates_revision += 1;
            return;
        }
        // A newer request makes the older one pointless.
        self.agg_cancel.store(true, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        self.agg_cancel = cancel.clone();
        self.agg_running = true;
        let spawned = self.sums.spawn("sums", ctx, move |reply| {
            let aggregates = compute(key, &ready, &cancel);
            if !cancel.load(Ordering::Relaxed) {
                reply.send(aggregates);
            }
        });
        if let Err(err) = spawned {
            log::warn!("{err}");
            self.agg_running = false;
        }
    }
}

/// True when the file read is not the one linked (its fingerprint differs).
fn changed_since(opened: &import::OpenedDataset, linked_fingerprint: &str) -> bool {
    !linked_fingerprint.is_empty()
        && opened
            .fingerprint
            .as_ref()
            .is_some_and(|f| f.sample != linked_fingerprint)
}

/// Shows in `entry` what was read: the rows, or the totals before them.
fn take_loaded(entry: &mut LoadedDataset, loaded: Loaded) {
    entry.countries = countries_of(&loaded.table);
    entry.country_names = names_of(&loaded.table);
    entry.main_country = loaded.main_country;
    entry.changed_since_link = loaded.changed;
    entry.failed_files = loaded.failed_files;
    entry.rows_progress = None;
    entry.status = DatasetStatus::Ready(loaded.table);
}

/// (code, name) of the codes that are not ISO codes and that the file names.
fn names_of(table: &TradeTable) -> Vec<(String, String)> {
    table
        .countries
        .iter()
        .filter(|c| !c.world && !c.name.is_empty() && c.name != c.code)
        .filter(|c| !crate::model::country::is_iso_alpha3(&c.code))
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect()
}

fn countries_of(table: &TradeTable) -> Vec<String> {
    table
        .countries
        .iter()
        .filter(|c| !c.world)
        .map(|c| c.code.clone())
        .collect()
}

fn compute(
    key: AggregateKey,
    ready: &[(usize, DatasetLink, Arc<TradeTable>)],
    cancel: &AtomicBool,
) -> Aggregates {
    let mut out = Aggregates {
        key: key.clone(),
        ..Aggregates::default()
    };
    let Some(focus) = key.focus.as_deref() else {
        return out;
    };
    let mut years = std::collections::BTreeSet::new();
    let mut all_sums = Vec::with_capacity(ready.len());
    for (index, link, table) in ready {
        if cancel.load(Ordering::Relaxed) {
            return out;
        }
        let sums = focus_sums(table, focus);
        if let Some(by_year) = key.partner.as_deref().and_then(|p| sums.get(p)) {
            years.extend(by_year.keys().copied());
        }
        all_sums.push((*index, link, table, sums));
    }
    out.product_years = years.into_iter().collect();
    for (index, link, table, sums) in all_sums {
        // The year asked for where this dataset has the pair in it, else its latest.
        let pair_years = key.partner.as_deref().and_then(|p| sums.get(p));
        let year = pair_years.and_then(|y| {
            key.product_year
                .filter(|wanted| y.contains_key(wanted))
                .or_else(|| y.keys().next_back().copied())
        });
        // Totals shown while the rows are read have no products yet.
        if out.products.is_none()
            && table.totals_only.is_none()
            && let Some(partner) = key.partner.as_deref()
            && let Some(year) = year
            && key
                .product_year
                .is_none_or(|wanted| wanted == year || !out.product_years.contains(&wanted))
        {
            let products = pair_products_of(
                table,
                index,
                link,
                focus,
                partner,
                year,
                key.drill.as_deref(),
            );
            if products.has_products() {
                out.products = Some(products);
            }
        }
        out.focus.push((index, link.clone(), sums));
    }
    out
}

impl DatasetsView for Datasets {
    fn entries(&self) -> &[LoadedDataset] {
        &self.entries
    }

    fn working(&self) -> bool {
        Datasets::working(self)
    }

    fn table(&self, index: usize) -> Option<&Arc<TradeTable>> {
        Datasets::table(self, index)
    }

    fn row_list(&self) -> Option<&RowList> {
        Datasets::row_list(self)
    }
}
