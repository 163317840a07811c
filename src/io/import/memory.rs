//! Whether the rows of a data source fit in the memory free, asked before they are read:
//! a whole BACI release takes about 6.5 GB, and a machine with less free would swap to a
//! crawl or stop the program.

use std::path::Path;

use super::{ColumnMap, Peek, cache};

/// Bytes of memory an import of `rows` rows takes at its peak, about: 24 a row (the
/// table's 23, `TradeTable::row_bytes`, with the country index and the parts of the last
/// files still alive at the end; the 270 million rows of a whole BACI release peaked at
/// 6.3–6.5 GB) and 300 MiB for the rest (dictionaries, buffers, the program itself).
pub fn memory_needed(rows: u64) -> u64 {
    rows.saturating_mul(24).saturating_add(300 << 20)
}

/// The environment variable that, set to a number of bytes, is taken as the memory free
/// instead of asking the system (to be warned earlier, or in tests).
pub const FREE_MEMORY_VARIABLE: &str = "TRADE_EXPLORER_FREE_MEMORY";

/// Memory free for new data now: [`FREE_MEMORY_VARIABLE`] when set, else what the system
/// can give without swapping, within the limit of this process's control group when it
/// has one (a container, a systemd slice with a memory maximum, a sandboxed package).
/// None when the system does not say.
pub fn available_memory() -> Option<u64> {
    use sysinfo::{ProcessesToUpdate, System, get_current_pid};
    if let Some(told) = std::env::var_os(FREE_MEMORY_VARIABLE) {
        match told.to_str().and_then(|t| t.trim().parse::<u64>().ok()) {
            Some(bytes) => return Some(bytes),
            None => log::warn!("{FREE_MEMORY_VARIABLE} is not a number of bytes: {told:?}"),
        }
    }
    let mut system = System::new().ok()?;
    system.refresh_memory();
    let available = system.available_memory();
    let pid = get_current_pid().ok();
    if let Some(pid) = pid {
        system.refresh_processes(ProcessesToUpdate::Some(&[pid]), false);
    }
    let limits = (pid.and_then(|pid| system.process(pid)))
        .and_then(|process| process.cgroup_limits())
        .or_else(|| system.cgroup_limits());
    let available = match limits {
        Some(limits) => available.min(limits.free_memory),
        None => available,
    };
    (available > 0).then_some(available)
}

/// Rows about to be read that may not fit in the memory free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// About how many rows the source holds ([`Peek::rows_estimate`]).
    pub rows: u64,
    /// About how many bytes of memory reading them takes ([`memory_needed`]).
    pub needed: u64,
    /// Bytes of memory free.
    pub available: u64,
}

/// What reading `path` (peeked as `peek`, to be read through `mapping` when its layout is
/// not a known one) would take beyond the `available` bytes free. None when its rows fit,
/// when their number or the memory free is not known, or when a cache in `cache_folder`
/// holds them: a cache's columns are memory-mapped, read from disk as they are used, and
/// the system can drop those pages again.
pub fn shortfall(
    path: &Path,
    peek: &Peek,
    mapping: Option<&ColumnMap>,
    available: Option<u64>,
    cache_folder: Option<&Path>,
) -> Option<Shortfall> {
    let short = short_of(peek.rows_estimate?, available)?;
    let mapping = mapping.filter(|_| peek.detected.is_none());
    (!is_cached(path, mapping, cache_folder)).then_some(short)
}

/// What reading a linked source `path` again (through `mapping`) would take beyond the
/// `available` bytes free, as [`shortfall`]: asked before a document's dataset is read
/// when its cache is gone or out of date. The cache is looked for first, so a dataset
/// served from it is not even peeked at.
pub fn source_shortfall(
    path: &Path,
    mapping: Option<&ColumnMap>,
    available: Option<u64>,
    cache_folder: Option<&Path>,
) -> Option<Shortfall> {
    let available = available?;
    if is_cached(path, mapping, cache_folder) {
        return None;
    }
    let peek = super::peek(path, 0).ok()?;
    short_of(peek.rows_estimate?, Some(available))
}

/// `rows` and the memory they take, when that is more than `available`.
fn short_of(rows: u64, available: Option<u64>) -> Option<Shortfall> {
    let needed = memory_needed(rows);
    let available = available.filter(|a| needed > *a)?;
    Some(Shortfall {
        rows,
        needed,
        available,
    })
}

/// Whether a cache in `folder` holds `path` read through `mapping`, as it is now.
fn is_cached(path: &Path, mapping: Option<&ColumnMap>, folder: Option<&Path>) -> bool {
    folder.is_some_and(|folder| {
        cache::Fingerprint::of(path)
            .is_ok_and(|print| cache::holds(&cache::cache_path_for(folder, path, mapping), &print))
    })
}

/// Has the allocator keep freed buffers of up to 64 MiB for the next ones, instead of
/// handing each back to the system and being given fresh pages the system must zero and
/// map again. A release is read in thousands of column chunks and pages of a few hundred
/// kilobytes to a few megabytes, each allocated and freed once: with glibc's defaults
/// that mapping and zeroing was a sixth of the time of reading a Parquet release's totals.
pub(super) fn keep_freed_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only changes the allocator's thresholds; it is called once,
            // and a value it refuses leaves the default in place.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
                libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
                libc::mallopt(libc::M_TOP_PAD, 16 << 20);
            }
        });
    }
}
