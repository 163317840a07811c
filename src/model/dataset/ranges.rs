//! Work over consecutive ranges of a table's rows, on scoped threads, answers in order.

use std::ops::Range;

/// `work` applied to every range, each on a thread of its own, the answers in the order of
/// `ranges` (so that what is added up from them does not depend on which thread finished
/// first); a single range is worked on the calling thread. A panic in `work` is raised
/// again here.
pub(super) fn map_ranges<T: Send>(
    ranges: &[Range<usize>],
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    if let [only] = ranges {
        return vec![work(only.clone())];
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|range| {
                let range = range.clone();
                scope.spawn(move || work(range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `0..len` cut into `parts` consecutive ranges of nearly equal length.
pub(super) fn split(len: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    (0..parts)
        .map(|p| len * p / parts..len * (p + 1) / parts)
        .collect()
}
