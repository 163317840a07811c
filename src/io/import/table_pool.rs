//! The tables a release's files are read into, a fixed few of them filled again file after
//! file. A table taken fresh from the system costs the kernel zeroing every page of it as
//! it is first touched (a file of BACI is 214 MB of columns); when the appending thread
//! falls behind the readers, taking a new table for each file read ahead made ten more
//! such tables over a release than the three it needs, and freed them again at the end. A
//! reader now waits for a table to come back instead, which leaves its core to the
//! appending thread that is the one behind.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::model::dataset::TradeTable;
use crate::model::sync::lock;

/// Tables handed out and taken back, at most `limit` out at once.
pub(super) struct TablePool {
    state: Mutex<State>,
    returned: Condvar,
    limit: usize,
}

#[derive(Default)]
struct State {
    spare: Vec<TradeTable>,
    /// Tables handed out and neither given back nor gone (kept as the whole, dropped with
    /// a file that failed).
    out: usize,
    /// Fresh tables made so far (for tests and the benchmark's account).
    made: usize,
}

impl TablePool {
    /// A pool that lets at most `limit` tables be out at once (at least one).
    pub(super) fn new(limit: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            returned: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// A table to fill: a spare one, a fresh one while fewer than the limit are out, or
    /// else the next one given back. `None` once `cancel` is set while waiting.
    ///
    /// Take the table before the file it is for, so that the lowest file not yet appended
    /// always has its table and the tables out are always given back in the end.
    pub(super) fn take(&self, cancel: &AtomicBool) -> Option<TradeTable> {
        let mut state = lock(&self.state);
        loop {
            if let Some(table) = state.spare.pop() {
                state.out += 1;
                return Some(table);
            }
            if state.out < self.limit {
                state.out += 1;
                state.made += 1;
                return Some(TradeTable::default());
            }
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            // A timeout, so that a Cancel is seen even if no table comes back.
            state = match self.returned.wait_timeout(state, Duration::from_millis(50)) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Gives a table back emptied, to be filled again; `keep` false drops it (no file
    /// is left to read into it, and keeping it would add to the peak at the end).
    pub(super) fn give_back(&self, table: TradeTable, keep: bool) {
        let mut state = lock(&self.state);
        state.out = state.out.saturating_sub(1);
        if keep {
            state.spare.push(table.emptied());
        }
        drop(state);
        self.returned.notify_one();
    }

    /// A table handed out will not come back: it became the dataset's whole table, or
    /// went with a file that failed or was not read.
    pub(super) fn gone(&self) {
        let mut state = lock(&self.state);
        state.out = state.out.saturating_sub(1);
        drop(state);
        self.returned.notify_one();
    }

    /// Fresh tables made so far.
    pub(super) fn made(&self) -> usize {
        lock(&self.state).made
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn at_most_the_limit_is_made_and_a_waiting_taker_gets_the_one_given_back() {
        let pool = Arc::new(TablePool::new(2));
        let cancel = Arc::new(AtomicBool::new(false));
        let a = pool.take(&cancel);
        let b = pool.take(&cancel);
        assert!(a.is_some() && b.is_some());
        let waiter = {
            let (pool, cancel) = (pool.clone(), cancel.clone());
            std::thread::spawn(move || pool.take(&cancel).is_some())
        };
        std::thread::sleep(Duration::from_millis(120));
        assert!(
            !waiter.is_finished(),
            "a third table was made past the limit"
        );
        pool.give_back(a.unwrap_or_default(), true);
        assert_eq!(waiter.join().ok(), Some(true));
        assert_eq!(pool.made(), 2);
        // A table gone (kept as the whole) frees a place for a fresh one.
        pool.gone();
        assert!(pool.take(&cancel).is_some());
        assert_eq!(pool.made(), 3);
    }

    #[test]
    fn a_cancel_ends_the_wait() {
        let pool = Arc::new(TablePool::new(1));
        let cancel = Arc::new(AtomicBool::new(false));
        assert!(pool.take(&cancel).is_some());
        let waiter = {
            let (pool, cancel) = (pool.clone(), cancel.clone());
            std::thread::spawn(move || pool.take(&cancel).is_none())
        };
        std::thread::sleep(Duration::from_millis(80));
        cancel.store(true, Ordering::Relaxed);
        assert_eq!(waiter.join().ok(), Some(true));
    }
}
