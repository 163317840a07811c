//! The room reserved for a release's table, mapped by the system on a thread of its own
//! a little ahead of the rows appended. A release's table is 6 GB of memory the kernel
//! zeroes page by page as it is first written; written by the one thread that appends
//! the rows, that zeroing was a third of its time and made it the slowest step of the
//! import while the parsers waited. Here another thread asks the kernel to map the pages
//! just ahead (`MADV_POPULATE_WRITE`, Linux 5.14), so the zeroing runs beside the parsing.
//! Only a few million rows ahead, not all the room at once: room reserved from an
//! estimate that the rows never fill is then never mapped, and the zeroing, spread over
//! the import, does not take the memory bandwidth the reading needs all at once.
//!
//! Nothing is read or written through the addresses: a page already mapped, or a range
//! no longer the table's, is only mapped (or refused) by the kernel, never changed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::model::dataset::TradeTable;

/// Rows mapped ahead of those appended (about 90 MB of a table's columns).
const AHEAD_ROWS: usize = 4_000_000;

/// The mapping thread; stopped and joined when dropped.
pub(super) struct Prefault {
    stop: Arc<AtomicBool>,
    /// Rows appended so far, as the appending thread last said.
    appended: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// One column's room: where it starts, how many values it holds, bytes a value.
#[derive(Clone, Copy)]
struct Room {
    at: usize,
    values: usize,
    size: usize,
}

impl Prefault {
    /// Starts mapping the room reserved in `table`'s columns, keeping ahead of the rows
    /// said appended with [`Prefault::appended`]. Does nothing where the system cannot.
    pub(super) fn start(table: &TradeTable) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let first_row = table.len();
        let appended = Arc::new(AtomicUsize::new(first_row));
        let rooms: Vec<Room> = table
            .spare_room()
            .into_iter()
            .map(|(at, values, size)| Room { at, values, size })
            .filter(|room| room.values > 0)
            .collect();
        let thread = (!rooms.is_empty())
            .then(|| {
                let (stop, appended) = (Arc::clone(&stop), Arc::clone(&appended));
                std::thread::Builder::new()
                    .name("import-prefault".into())
                    .spawn(move || map_ahead(&rooms, first_row, &appended, &stop))
                    .ok()
            })
            .flatten();
        Self {
            stop,
            appended,
            thread,
        }
    }

    /// The table now holds `rows` rows.
    pub(super) fn appended(&self, rows: usize) {
        self.appended.store(rows, Ordering::Relaxed);
    }
}

impl Drop for Prefault {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Maps each room a step ahead of the rows appended, until all is mapped, the mapping
/// is stopped, or the system refuses.
fn map_ahead(rooms: &[Room], first_row: usize, appended: &AtomicUsize, stop: &AtomicBool) {
    let room_rows = rooms.iter().map(|r| r.values).max().unwrap_or(0);
    let mut mapped = 0;
    while mapped < room_rows && !stop.load(Ordering::Relaxed) {
        let ahead = appended.load(Ordering::Relaxed).saturating_sub(first_row) + AHEAD_ROWS;
        let target = ahead.min(room_rows);
        if target <= mapped {
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        for room in rooms {
            let (from, to) = (mapped.min(room.values), target.min(room.values));
            let bytes = (to - from) * room.size;
            if bytes > 0 && !populate(room.at + from * room.size, bytes) {
                return;
            }
        }
        mapped = target;
    }
}

#[cfg(target_os = "linux")]
fn page_size() -> usize {
    // SAFETY: sysconf only reads a system setting.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096).max(1)
}

/// Asks the kernel to map `bytes` from `at` writable (the whole pages inside the range);
/// false when it refuses (an older kernel, a range not mapped).
#[cfg(target_os = "linux")]
fn populate(at: usize, bytes: usize) -> bool {
    let page = page_size();
    let start = at / page * page;
    let end = (at + bytes) / page * page;
    if end <= start {
        return true;
    }
    // SAFETY: madvise with MADV_POPULATE_WRITE only faults pages in as a write would,
    // without writing: memory contents never change, and a range not mapped is refused
    // with an error.
    let result = unsafe {
        libc::madvise(
            start as *mut libc::c_void,
            end - start,
            libc::MADV_POPULATE_WRITE,
        )
    };
    result == 0
}

#[cfg(not(target_os = "linux"))]
fn populate(_at: usize, _bytes: usize) -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Share of the pages of `values` f64 values from `at` that are in memory.
    fn resident(at: usize, values: usize) -> f64 {
        let page = page_size();
        let start = at.next_multiple_of(page);
        let end = (at + values * 8) / page * page;
        let mut pages = vec![0u8; (end - start) / page];
        // SAFETY: mincore only reports which pages of the range are in memory, into
        // `pages`, which holds one byte per page.
        let result =
            unsafe { libc::mincore(start as *mut libc::c_void, end - start, pages.as_mut_ptr()) };
        assert_eq!(result, 0, "mincore refused the range");
        pages.iter().filter(|&&p| p & 1 == 1).count() as f64 / pages.len().max(1) as f64
    }

    /// Waits up to five seconds for `ready`.
    fn eventually(ready: impl Fn() -> bool) -> bool {
        (0..500).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            ready()
        })
    }

    #[test]
    fn the_room_is_mapped_a_few_million_rows_ahead_of_the_rows_appended() {
        let rows = AHEAD_ROWS * 3;
        let mut table = TradeTable::default();
        if table.value.try_reserve(rows).is_err() {
            return;
        }
        let (at, values, _) = table.value.spare_room().unwrap_or_default();
        assert_eq!(values, table.value.capacity());
        assert!(resident(at, values) < 0.01, "fresh room is not mapped yet");
        let prefault = Prefault::start(&table);
        let (first, rest) = (AHEAD_ROWS - 100_000, AHEAD_ROWS + 100_000);
        assert!(
            eventually(|| resident(at, first) > 0.99),
            "the first rows ahead were not mapped"
        );
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            resident(at + rest * 8, values - rest) < 0.01,
            "mapped further ahead than the rows appended allow"
        );
        prefault.appended(values);
        assert!(
            eventually(|| resident(at, values) > 0.99),
            "the room was not mapped as the rows came"
        );
    }
}
