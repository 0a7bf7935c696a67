//! Inverted lists built from a whole archive in parallel: the documents
//! are cut into contiguous ranges, each range's postings grouped by key on
//! its own, and the ranges merged, a key's postings from several ranges
//! concatenated in range order. A posting list is thus in document order
//! whatever the cut, and the result does not depend on the number of
//! threads.
//!
//! Ranges are kept small ([`RANGE_POSTINGS`]) because building an
//! inverted list is bound by cache misses: a range's hash table and
//! postings then stay in the core's cache, where one table over the whole
//! archive misses at nearly every posting.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::Hash;
use std::ops::Range;

/// Postings a range holds, about, for keys of 16 bytes: its table (a few
/// tens of thousands of keys on news text) and postings then fit in a
/// core's cache. On the 28k-article archive, ranges four times as large
/// made grouping the search index's ranges cost twice the CPU, and four
/// times smaller made the merge cost more than the ranges gained.
pub(crate) const RANGE_POSTINGS: usize = 1 << 16;

/// Contiguous ranges of documents, each holding about `target` postings
/// (a document is never split), from each document's number of postings.
pub(crate) fn ranges(sizes: impl IntoIterator<Item = usize>, target: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut held, mut end) = (0, 0, 0);
    for size in sizes {
        end += 1;
        held += size;
        if held >= target {
            ranges.push(start..end);
            start = end;
            held = 0;
        }
    }
    if start < end {
        ranges.push(start..end);
    }
    ranges
}

/// Gathers one range's postings, given in document order.
pub(crate) struct Builder<K, P> {
    /// Each key's number, in order of first appearance.
    numbers: FxHashMap<K, u32>,
    /// The keys by number.
    keys: Vec<K>,
    /// Postings of each key, by number.
    counts: Vec<usize>,
    /// Every posting with its key's number, in the order given.
    given: Vec<(u32, P)>,
}

/// One range's postings grouped by key: the keys sorted, each with the
/// span of `postings` holding its postings in document order.
pub(crate) struct Grouped<K, P> {
    keys: Vec<(K, Range<usize>)>,
    postings: Vec<P>,
}

impl<K: Hash + Eq + Ord + Copy, P: Copy + Default> Builder<K, P> {
    /// A builder for about `postings` postings.
    pub(crate) fn with_capacity(postings: usize) -> Self {
        Builder {
            // News text holds fewer distinct terms than a quarter of its
            // postings: the table is seldom grown.
            numbers: FxHashMap::with_capacity_and_hasher(postings / 4, Default::default()),
            keys: Vec::new(),
            counts: Vec::new(),
            given: Vec::with_capacity(postings),
        }
    }

    /// Adds a posting of `key`, after every posting added before.
    pub(crate) fn push(&mut self, key: K, posting: P) {
        let number = *self.numbers.entry(key).or_insert_with(|| {
            self.keys.push(key);
            self.counts.push(0);
            (self.keys.len() - 1) as u32
        });
        if let Some(count) = self.counts.get_mut(number as usize) {
            *count += 1;
        }
        self.given.push((number, posting));
    }

    /// The postings grouped by key.
    pub(crate) fn finish(self) -> Grouped<K, P> {
        let Builder {
            numbers,
            keys,
            counts,
            given,
        } = self;
        drop(numbers);
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        order.sort_unstable_by_key(|&number| keys[number as usize]);
        // Where the next posting of each key goes: its postings follow
        // those of the keys before it.
        let mut next = vec![0; keys.len()];
        let mut end = 0;
        let sorted: Vec<(K, Range<usize>)> = order
            .iter()
            .map(|&number| {
                let number = number as usize;
                next[number] = end;
                end += counts[number];
                (keys[number], next[number]..end)
            })
            .collect();
        let mut postings = vec![P::default(); given.len()];
        for (number, posting) in given {
            let at = &mut next[number as usize];
            postings[*at] = posting;
            *at += 1;
        }
        Grouped { keys: sorted, postings }
    }
}

/// Every key of `parts` (ranges in document order) with all its postings,
/// those of earlier ranges first, in key order. The key space is cut into
/// pieces merged in parallel.
pub(crate) fn merge<K: Ord + Copy + Send + Sync, P: Copy + Send + Sync>(parts: &[Grouped<K, P>]) -> Vec<(K, Vec<P>)> {
    // Pieces' bounds from the keys of the largest range, which samples the
    // key space best.
    let pieces = rayon::current_num_threads() * 4;
    let Some(largest) = parts.iter().max_by_key(|p| p.keys.len()) else {
        return Vec::new();
    };
    let mut bounds: Vec<K> = (1..pieces)
        .filter_map(|i| largest.keys.get(i * largest.keys.len() / pieces).map(|k| k.0))
        .collect();
    bounds.dedup();
    // Each piece: from one bound (or the start) up to the next (or the end).
    let piece_of = |i: usize| -> Vec<&[(K, Range<usize>)]> {
        parts
            .iter()
            .map(|part| {
                let start = match i {
                    0 => 0,
                    _ => part.keys.partition_point(|k| k.0 < bounds[i - 1]),
                };
                let end = match bounds.get(i) {
                    Some(bound) => part.keys.partition_point(|k| k.0 < *bound),
                    None => part.keys.len(),
                };
                &part.keys[start..end]
            })
            .collect()
    };
    let merged: Vec<Vec<(K, Vec<P>)>> = (0..=bounds.len())
        .into_par_iter()
        .map(|i| merge_piece(parts, &piece_of(i)))
        .collect();
    merged.into_iter().flatten().collect()
}

/// The keys of `keys` (one slice of each part's, in the same order) with
/// their postings.
fn merge_piece<K: Ord + Copy, P: Copy>(parts: &[Grouped<K, P>], keys: &[&[(K, Range<usize>)]]) -> Vec<(K, Vec<P>)> {
    let mut at = vec![0; keys.len()];
    // The next key of each part; equal keys come out in part order.
    let mut heap: BinaryHeap<Reverse<(K, usize)>> = keys
        .iter()
        .enumerate()
        .filter_map(|(p, keys)| keys.first().map(|k| Reverse((k.0, p))))
        .collect();
    let mut merged = Vec::with_capacity(keys.iter().map(|k| k.len()).max().unwrap_or(0));
    let mut holding: Vec<usize> = Vec::new();
    while let Some(Reverse((key, first))) = heap.pop() {
        holding.clear();
        holding.push(first);
        while let Some(&Reverse((next, p))) = heap.peek() {
            if next != key {
                break;
            }
            heap.pop();
            holding.push(p);
        }
        let spans = holding.iter().map(|&p| keys[p][at[p]].1.clone());
        let mut list = Vec::with_capacity(spans.map(|s| s.len()).sum());
        for &p in &holding {
            // Most spans hold a posting or two: a copy loop, not a memcpy call.
            list.extend(parts[p].postings[keys[p][at[p]].1.clone()].iter().copied());
            at[p] += 1;
            if let Some(k) = keys[p].get(at[p]) {
                heap.push(Reverse((k.0, p)));
            }
        }
        merged.push((key, list));
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn ranges_cover_the_documents_in_order() {
        assert_eq!(ranges([3, 1, 4, 1, 5], 4), vec![0..2, 2..3, 3..5]);
        assert_eq!(ranges([1, 1], 10), vec![0..2]);
        assert_eq!(ranges([0, 0], 1), vec![0..2]);
        assert!(ranges([], 4).is_empty());
    }

    #[test]
    fn merged_ranges_give_what_one_pass_in_order_gives() {
        let mut next = crate::test_random(0x2545_f491_4f6c_dd1d_u64);
        // Documents of distinct keys, some common, many rare.
        let documents: Vec<Vec<(u32, u32)>> = (0..400)
            .map(|_| {
                let mut keys: Vec<u32> = (0..next() % 40)
                    .map(|_| match next() % 4 {
                        0 => (next() % 5000) as u32,
                        _ => (next() % 30) as u32,
                    })
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter().map(|k| (k, (next() % 100) as u32)).collect()
            })
            .collect();
        let mut expected: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        for (d, document) in documents.iter().enumerate() {
            for &(key, weight) in document {
                expected.entry(key).or_default().push((d as u32, weight));
            }
        }
        let expected: Vec<(u32, Vec<(u32, u32)>)> = expected.into_iter().collect();
        for target in [1, 7, 100, 1000, usize::MAX] {
            let cut = ranges(documents.iter().map(Vec::len), target);
            let parts: Vec<Grouped<u32, (u32, u32)>> = cut
                .into_iter()
                .map(|range| {
                    let mut builder = Builder::with_capacity(0);
                    for d in range {
                        for &(key, weight) in &documents[d] {
                            builder.push(key, (d as u32, weight));
                        }
                    }
                    builder.finish()
                })
                .collect();
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                assert_eq!(
                    pool.install(|| merge(&parts)),
                    expected,
                    "target {target}, {threads} threads"
                );
            }
        }
        assert!(merge::<u32, u32>(&[]).is_empty());
    }
}
