//! One column of a dataset's rows: values the table owns, or a view into bytes it shares
//! (a memory-mapped cache file), so that reopening a dataset of hundreds of millions of
//! rows reads only the pages a view touches. Reading is the same either way (the column
//! is a slice); the first change to a shared column copies it into memory.

use std::fmt;
use std::ops::{Deref, DerefMut, Range};
use std::sync::Arc;

/// Bytes a column can view: they must stay at one address and never change while any
/// `Arc` to them lives (true of a read-only memory map of a file replaced only by rename,
/// of a `Vec<u8>` or a boxed slice).
pub type SharedBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A column of plain values (integers, floats).
pub struct Column<T: bytemuck::Pod> {
    repr: Repr<T>,
}

enum Repr<T> {
    Owned(Vec<T>),
    Shared {
        /// Keeps the viewed bytes alive.
        _owner: SharedBytes,
        ptr: *const T,
        len: usize,
    },
}

// SAFETY: a shared column only reads bytes that never change (see `SharedBytes`), owned by
// an `Arc` that is itself `Send + Sync`; an owned column is a `Vec`.
unsafe impl<T: bytemuck::Pod + Send> Send for Column<T> {}
// SAFETY: as above; `&Column` gives only shared reads.
unsafe impl<T: bytemuck::Pod + Sync> Sync for Column<T> {}

impl<T: bytemuck::Pod> Column<T> {
    /// A view of `range` of `owner`'s bytes as values; `None` when the range is outside the
    /// bytes, is not a whole number of values or is not aligned for `T`.
    pub fn shared(owner: SharedBytes, range: Range<usize>) -> Option<Self> {
        let bytes = (*owner).as_ref().get(range)?;
        let values: &[T] = bytemuck::try_cast_slice(bytes).ok()?;
        let (ptr, len) = (values.as_ptr(), values.len());
        Some(Column {
            repr: Repr::Shared {
                _owner: owner,
                ptr,
                len,
            },
        })
    }

    /// True when the values are a view of shared bytes (not yet copied).
    pub fn is_shared(&self) -> bool {
        matches!(self.repr, Repr::Shared { .. })
    }

    /// The values as an owned vector, copying a shared column once.
    #[inline]
    fn to_mut(&mut self) -> &mut Vec<T> {
        if let Repr::Shared { .. } = self.repr {
            self.repr = Repr::Owned(self.deref().to_vec());
        }
        match &mut self.repr {
            Repr::Owned(values) => values,
            // Replaced just above: a shared column is never left shared here.
            Repr::Shared { .. } => unreachable!("a shared column was copied above"),
        }
    }

    /// The room reserved beyond the values of an owned column, as (address, values it
    /// holds, bytes a value); for asking the system to map it ahead of use. Nothing is
    /// read or written through the address.
    pub fn spare_room(&self) -> Option<(usize, usize, usize)> {
        match &self.repr {
            Repr::Owned(values) => {
                let size = std::mem::size_of::<T>();
                let end_of_values = values.as_ptr() as usize + values.len() * size;
                Some((end_of_values, values.capacity() - values.len(), size))
            }
            Repr::Shared { .. } => None,
        }
    }

    /// Appends a value.
    #[inline]
    pub fn push(&mut self, value: T) {
        self.to_mut().push(value);
    }

    /// Appends values.
    #[inline]
    pub fn extend_from_slice(&mut self, values: &[T]) {
        self.to_mut().extend_from_slice(values);
    }

    /// Keeps the first `len` values (an owned column keeps its memory for reuse; a shared
    /// one copies only the values kept).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        match &mut self.repr {
            Repr::Owned(values) => values.truncate(len),
            Repr::Shared { .. } => self.repr = Repr::Owned(self.deref()[..len].to_vec()),
        }
    }

    /// Values the column holds room for: its memory, for an owned column; its length, for
    /// a shared one.
    pub fn capacity(&self) -> usize {
        match &self.repr {
            Repr::Owned(values) => values.capacity(),
            Repr::Shared { len, .. } => *len,
        }
    }

    /// Reserves room for exactly `additional` more values.
    pub fn reserve_exact(&mut self, additional: usize) {
        self.to_mut().reserve_exact(additional);
    }

    /// Reserves room for `additional` more values, when the system grants it.
    pub fn try_reserve(
        &mut self,
        additional: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.to_mut().try_reserve(additional)
    }
}

impl<T: bytemuck::Pod> Deref for Column<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match &self.repr {
            Repr::Owned(values) => values,
            // SAFETY: `ptr` and `len` come from a slice of the owner's bytes checked for size
            // and alignment in `shared`; the owner keeps them alive and unchanged.
            Repr::Shared { ptr, len, .. } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

impl<T: bytemuck::Pod> DerefMut for Column<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.to_mut()
    }
}

impl<T: bytemuck::Pod> Default for Column<T> {
    fn default() -> Self {
        Column {
            repr: Repr::Owned(Vec::new()),
        }
    }
}

impl<T: bytemuck::Pod> Clone for Column<T> {
    fn clone(&self) -> Self {
        match &self.repr {
            Repr::Owned(values) => Column::from(values.clone()),
            Repr::Shared { _owner, ptr, len } => Column {
                repr: Repr::Shared {
                    _owner: Arc::clone(_owner),
                    ptr: *ptr,
                    len: *len,
                },
            },
        }
    }
}

impl<T: bytemuck::Pod + fmt::Debug> fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len() > 16 {
            write!(f, "Column({} values", self.len())?;
            return write!(f, "{})", if self.is_shared() { ", shared" } else { "" });
        }
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: bytemuck::Pod + PartialEq> PartialEq for Column<T> {
    fn eq(&self, other: &Self) -> bool {
        self[..] == other[..]
    }
}

impl<T: bytemuck::Pod> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Self {
        Column {
            repr: Repr::Owned(values),
        }
    }
}

impl<T: bytemuck::Pod> FromIterator<T> for Column<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Column::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T: bytemuck::Pod> Extend<T> for Column<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.to_mut().extend(iter);
    }
}

impl<'a, T: bytemuck::Pod> IntoIterator for &'a Column<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_columns_read_the_bytes_and_copy_on_first_change() {
        let values: Vec<u32> = vec![7, 8, 9, 10];
        // Four bytes of header, then the values: the view starts at an aligned offset.
        let mut bytes = vec![0u8; 4];
        bytes.extend_from_slice(bytemuck::cast_slice(&values));
        let owner: SharedBytes = Arc::new(bytes);
        let Some(mut column) = Column::<u32>::shared(Arc::clone(&owner), 4..20) else {
            panic!("an aligned, whole range is a column");
        };
        assert!(column.is_shared());
        assert_eq!(&column[..], &[7, 8, 9, 10]);
        assert_eq!(column.clone(), Column::from(values.clone()));
        column.push(11);
        assert!(!column.is_shared(), "changed: now owned");
        assert_eq!(&column[..], &[7, 8, 9, 10, 11]);
        // The bytes it viewed are untouched.
        assert_eq!(&(*owner).as_ref()[4..8], &7u32.to_ne_bytes());
        // Not a whole number of values, misaligned, or outside the bytes: refused.
        assert!(Column::<u32>::shared(Arc::clone(&owner), 4..7).is_none());
        assert!(Column::<u32>::shared(Arc::clone(&owner), 1..5).is_none());
        assert!(Column::<u32>::shared(owner, 4..24).is_none());
    }

    #[test]
    fn truncating_keeps_the_first_values_and_copies_only_those() {
        let owner: SharedBytes = Arc::new(bytemuck::cast_slice::<u32, u8>(&[1, 2, 3, 4]).to_vec());
        let Some(mut column) = Column::<u32>::shared(owner, 0..16) else {
            panic!("an aligned, whole range is a column");
        };
        column.truncate(9);
        assert!(column.is_shared(), "nothing to remove: still a view");
        column.truncate(2);
        assert!(!column.is_shared());
        assert_eq!((&column[..], column.capacity()), (&[1, 2][..], 2));
        let mut owned = Column::from(vec![5u32, 6, 7]);
        owned.truncate(1);
        assert_eq!(&owned[..], &[5]);
        owned.truncate(0);
        assert!(owned.is_empty());
    }
}
