//! The import's machinery: a reader thread that runs one block ahead of the parsers, and
//! the accumulation of parsed parts into one table.

use std::io::{self, Read};
use std::path::Path;

use crate::model::dataset::TradeTable;

use super::parse::{self, PartContext, parse_part_into};
use super::{BLOCK_BYTES, ImportError, ImportOutcome, Layout, MAX_LISTED_REJECTIONS};

/// Reads the file one block ahead of the parsers on its own thread; blocks come back to
/// it to be filled again, so that the whole import works in a few fixed buffers.
pub(super) struct BlockReader {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    pool: std::sync::mpsc::Sender<Vec<u8>>,
    thread: std::thread::JoinHandle<()>,
}

impl BlockReader {
    pub(super) fn start(
        mut reader: Box<dyn Read + Send>,
        path: &Path,
    ) -> Result<Self, ImportError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(1);
        let (pool, pool_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let thread = std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || {
                loop {
                    let mut buf = pool_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(BLOCK_BYTES));
                    buf.clear();
                    let block = (&mut reader)
                        .take(BLOCK_BYTES as u64)
                        .read_to_end(&mut buf)
                        .map(|_| buf);
                    let done = matches!(&block, Ok(b) if b.len() < BLOCK_BYTES) || block.is_err();
                    if tx.send(block).is_err() || done {
                        break;
                    }
                }
            })
            .map_err(|source| ImportError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Self { rx, pool, thread })
    }

    /// Appends the next block to `carry`; true at the end of the file.
    pub(super) fn next_into(&self, carry: &mut Vec<u8>) -> io::Result<bool> {
        match self.rx.recv() {
            Ok(Ok(block)) => {
                let eof = block.len() < BLOCK_BYTES;
                carry.extend_from_slice(&block);
                let _ = self.pool.send(block);
                Ok(eof)
            }
            Ok(Err(err)) => Err(err),
            Err(_) => Ok(true),
        }
    }

    /// Stops the reader (a block it is reading is dropped).
    pub(super) fn finish(self) {
        drop(self.rx);
        let _ = self.thread.join();
    }
}

/// Country codes that are neither ISO nor World, with the name the file gives them.
pub(super) fn unknown_countries(table: &TradeTable) -> Vec<String> {
    table
        .countries
        .iter()
        .filter(|c| c.unknown)
        .map(|c| {
            if c.name.is_empty() || c.name == c.code {
                c.code.clone()
            } else {
                format!("{} ({})", c.code, c.name)
            }
        })
        .collect()
}

/// Where an [`Accumulator`] stood when a file's rows started.
pub(super) struct Mark {
    rows: usize,
    countries: usize,
    products: usize,
    rejected: usize,
    rows_rejected: u64,
    summed: u64,
}

/// The rows read so far, and the refused ones.
pub(super) struct Accumulator {
    pub(super) table: TradeTable,
    rejected: Vec<(u64, String)>,
    rows_rejected: u64,
    /// Line number of the next block's first line (the header is line 1).
    line_base: u64,
    index: crate::model::dataset::DictionaryIndex,
    /// One part per thread, reused for every block, with the global index of each of its
    /// dictionary entries.
    parts: Vec<parse::Part>,
    part_maps: Vec<(Vec<usize>, Vec<usize>)>,
    /// Former ISO country codes met, with the current code each was read as.
    recoded: Vec<(&'static str, &'static str)>,
    /// Of parts that sum their rows ([`super::totals`]): the rows summed into each row of
    /// the table, and into all of them.
    counts: Option<Vec<u32>>,
    summed: u64,
    /// Set when a part's rows were not all of six-digit products: their sums are not the
    /// totals.
    mixed: bool,
}

impl Accumulator {
    /// An accumulator that fills `table` (an emptied table whose memory is reused, or a
    /// new one).
    pub(super) fn new(reconciled: bool, table: TradeTable) -> Self {
        Self {
            table: TradeTable {
                reconciled,
                ..table.emptied()
            },
            rejected: Vec::new(),
            rows_rejected: 0,
            line_base: 2,
            index: Default::default(),
            parts: Vec::new(),
            part_maps: Vec::new(),
            recoded: Vec::new(),
            counts: None,
            summed: 0,
            mixed: false,
        }
    }

    /// The rows read and kept so far (for a table of sums, the rows summed into it).
    pub(super) fn rows_kept(&self) -> u64 {
        match self.counts {
            Some(_) => self.summed,
            None => self.table.len() as u64,
        }
    }

    /// Parses `data` (whole records) in parallel pieces cut at `splits`, and appends them.
    pub(super) fn parse(&mut self, data: &[u8], splits: &[usize], ctx: &PartContext<'_>) {
        let pieces = splits.len().saturating_sub(1);
        if self.parts.len() < pieces {
            self.parts.resize_with(pieces, parse::Part::default);
            self.part_maps.resize_with(pieces, Default::default);
        }
        std::thread::scope(|scope| {
            for (w, part) in splits.windows(2).zip(self.parts.iter_mut()) {
                let slice = &data[w[0]..w[1]];
                scope.spawn(move || parse_part_into(slice, ctx, part));
            }
        });
        let parts = std::mem::take(&mut self.parts);
        let mut maps = std::mem::take(&mut self.part_maps);
        for (part, maps) in parts.iter().zip(maps.iter_mut()).take(pieces) {
            self.add(part, maps);
        }
        self.parts = parts;
        self.part_maps = maps;
    }

    /// Appends a part read on its own (with its own dictionaries), e.g. a Parquet file's
    /// row groups.
    pub(super) fn add_part(&mut self, part: &parse::Part) {
        self.add(part, &mut Default::default());
    }

    /// Starts the rows of another file (its lines numbered from its own header): where the
    /// accumulator stands, to undo the file or name its refusals.
    pub(super) fn start_file(&mut self) -> Mark {
        self.line_base = 2;
        Mark {
            rows: self.table.len(),
            countries: self.table.countries.len(),
            products: self.table.products.len(),
            rejected: self.rejected.len(),
            rows_rejected: self.rows_rejected,
            summed: self.summed,
        }
    }

    /// Removes what was appended since `mark`: rows, dictionary entries and refusals.
    pub(super) fn undo_file(&mut self, mark: &Mark) {
        self.table
            .truncate(mark.rows, mark.countries, mark.products);
        self.rejected.truncate(mark.rejected);
        self.rows_rejected = mark.rows_rejected;
        if let Some(counts) = &mut self.counts {
            counts.truncate(mark.rows);
        }
        self.summed = mark.summed;
        self.index = crate::model::dataset::DictionaryIndex::of(&self.table);
    }

    /// Names the file (`name: reason`) in the refusals listed since `mark`.
    pub(super) fn name_refusals(&mut self, mark: &Mark, name: &str) {
        for (_, why) in self.rejected.iter_mut().skip(mark.rejected) {
            *why = format!("{name}: {why}");
        }
    }

    fn add(&mut self, part: &parse::Part, maps: &mut (Vec<usize>, Vec<usize>)) {
        for (line, reason) in &part.rejected {
            if self.rejected.len() < MAX_LISTED_REJECTIONS {
                self.rejected.push((self.line_base + line, reason.clone()));
            }
        }
        self.rows_rejected += part.rejected_count;
        self.line_base += part.lines;
        for recoded in part.recoded() {
            if !self.recoded.contains(recoded) {
                self.recoded.push(*recoded);
            }
        }
        self.table
            .append_growing(&part.table, maps, &mut self.index);
        if let Some(sums) = &part.sums {
            self.counts.get_or_insert_default().extend(&sums.counts);
            self.summed += sums.rows;
            self.mixed |= sums.mixed;
        }
    }

    pub(super) fn finish(mut self, layout: Layout, codes_origin: Option<String>) -> ImportOutcome {
        let rows_kept = self.rows_kept();
        if let Some(counts) = self.counts.take() {
            self.table = super::totals::merged(std::mem::take(&mut self.table), &counts);
            if self.mixed {
                // Not the totals: the caller reads the rows instead.
                self.table.totals_only = None;
            }
        }
        if layout == Layout::Baci {
            let _ = self.table.pad_product_codes(6);
        }
        // The flags of the aggregation rule are set by the caller, once for the whole
        // dataset (a folder's files are appended first).
        let unknown_countries = unknown_countries(&self.table);
        let recoded_countries = (self.recoded.iter())
            .map(|(former, now)| ((*former).to_owned(), (*now).to_owned()))
            .collect();
        ImportOutcome {
            rows_read: rows_kept + self.rows_rejected,
            rows_rejected: self.rows_rejected,
            rejected: self.rejected,
            layout,
            codes_origin,
            unknown_countries,
            recoded_countries,
            table: self.table,
            files: 1,
            failed_files: Vec::new(),
        }
    }
}

/// Reserves room for `rows` when the system grants it; the estimate comes from the file's
/// size, so a refusal only means the columns grow as they are filled.
pub(super) fn reserve(table: &mut TradeTable, rows: usize) {
    let _ = table.year.try_reserve(rows).and_then(|()| {
        table.reporter.try_reserve(rows)?;
        table.partner.try_reserve(rows)?;
        table.flow.try_reserve(rows)?;
        table.product.try_reserve(rows)?;
        table.value.try_reserve(rows)?;
        table.quantity.try_reserve(rows)
    });
}
