//! The lists of records of a document, cheap to snapshot.
//!
//! A [`RecordList`] is a persistent vector (`imbl::Vector`: a tree of shared chunks).
//! Cloning it copies a pointer, not the records, and changing one record afterwards copies
//! only the chunk that holds it. So the app can hand a snapshot of a document of a million
//! records to a background thread (autosave, validation) in microseconds, and the next edit
//! still costs microseconds.
//!
//! It offers the parts of `Vec`'s interface the code base uses, and reads and writes as a
//! plain sequence, so files are the same as with a `Vec`.

use std::fmt;

use imbl::shared_ptr::DefaultSharedPtr as Ptr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list of records: a `Vec` to read and write, a shared persistent vector underneath.
#[derive(Clone, PartialEq)]
pub struct RecordList<T: Clone>(imbl::Vector<T>);

impl<T: Clone> Default for RecordList<T> {
    fn default() -> Self {
        Self(imbl::Vector::new())
    }
}

impl<T: Clone + fmt::Debug> fmt::Debug for RecordList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<T: Clone> RecordList<T> {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Record `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.0.get(index)
    }

    /// Record `index` to change (copies its chunk when a snapshot shares it).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.0.get_mut(index)
    }

    /// The first record.
    pub fn first(&self) -> Option<&T> {
        self.0.front()
    }

    /// The last record.
    pub fn last(&self) -> Option<&T> {
        self.0.back()
    }

    /// Appends a record.
    pub fn push(&mut self, value: T) {
        self.0.push_back(value);
    }

    /// Inserts a record at `index` (at most the length).
    pub fn insert(&mut self, index: usize, value: T) {
        self.0.insert(index, value);
    }

    /// Removes record `index` and returns it.
    pub fn remove(&mut self, index: usize) -> T {
        self.0.remove(index)
    }

    /// Removes every record.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Keeps the records for which `keep` holds.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }

    /// Shortens the list to `len` records.
    pub fn truncate(&mut self, len: usize) {
        if len < self.0.len() {
            self.0.truncate(len);
        }
    }

    /// The records in order.
    pub fn iter(&self) -> imbl::vector::Iter<'_, T, Ptr> {
        self.0.iter()
    }

    /// The records in order, to change.
    pub fn iter_mut(&mut self) -> imbl::vector::IterMut<'_, T, Ptr> {
        self.0.iter_mut()
    }

    /// Sorts by `compare`, keeping equal records in order.
    pub fn sort_by(&mut self, compare: impl FnMut(&T, &T) -> std::cmp::Ordering) {
        let mut all: Vec<T> = self.0.iter().cloned().collect();
        all.sort_by(compare);
        self.0 = all.into_iter().collect();
    }

    /// The records as a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        self.0.iter().cloned().collect()
    }
}

impl<T: Clone> std::ops::Index<usize> for RecordList<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.0[index]
    }
}

impl<T: Clone> std::ops::IndexMut<usize> for RecordList<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.0[index]
    }
}

impl<T: Clone> From<Vec<T>> for RecordList<T> {
    fn from(values: Vec<T>) -> Self {
        Self(values.into_iter().collect())
    }
}

impl<T: Clone> FromIterator<T> for RecordList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<T: Clone> Extend<T> for RecordList<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl<'a, T: Clone> IntoIterator for &'a RecordList<T> {
    type Item = &'a T;
    type IntoIter = imbl::vector::Iter<'a, T, Ptr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T: Clone> IntoIterator for &'a mut RecordList<T> {
    type Item = &'a mut T;
    type IntoIter = imbl::vector::IterMut<'a, T, Ptr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl<T: Clone> IntoIterator for RecordList<T> {
    type Item = T;
    type IntoIter = imbl::vector::ConsumingIter<T, Ptr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Clone + Serialize> Serialize for RecordList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

impl<'de, T: Clone + Deserialize<'de>> Deserialize<'de> for RecordList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_its_records_while_the_list_changes() {
        let mut list: RecordList<u32> = (0..10_000).collect();
        let snapshot = list.clone();
        list[5_000] = 7;
        list.insert(0, 99);
        list.remove(10);
        list.push(1);
        assert_eq!(snapshot.len(), 10_000);
        assert_eq!(snapshot[5_000], 5_000);
        assert_eq!(
            snapshot.iter().copied().sum::<u32>(),
            (0..10_000u32).sum::<u32>()
        );
        assert_eq!(list.len(), 10_001);
        assert_eq!(list[0], 99);
        assert_eq!(list[5_000], 7);
        assert_eq!(list.last(), Some(&1));
    }

    #[test]
    fn reads_and_writes_as_a_plain_list() {
        let list: RecordList<u8> = vec![1, 2, 3].into();
        let text = ron::to_string(&list).unwrap();
        assert_eq!(text, ron::to_string(&vec![1u8, 2, 3]).unwrap());
        let back: RecordList<u8> = ron::from_str(&text).unwrap();
        assert_eq!(back, list);
        let mut sorted: RecordList<i32> = vec![3, -1, 2].into();
        sorted.sort_by(|a, b| a.cmp(b));
        assert_eq!(sorted.to_vec(), [-1, 2, 3]);
    }
}
