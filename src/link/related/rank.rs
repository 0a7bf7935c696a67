//! Ranking an article's candidates into its list: candidates gathered by
//! partial TF-IDF score over its query terms, the best of them scored
//! exactly ([`super::scoring`]) and the top `k` kept.

use super::index::{query_terms, Index};
use super::model::Model;
use super::scoring::{score, RowTable};
use super::{Entry, Tuning};
use rayon::prelude::*;

/// A ranked list, related articles by key with their scores, best first,
/// and the candidate threshold (see [`Entry`]).
pub(super) type Ranked = (Vec<(u64, f32)>, f32);

/// Per-thread scratch space for gathering candidates and scoring them.
struct Accumulator {
    /// Partial score of every entry (0 when untouched).
    scores: Vec<f32>,
    /// Entries whose partial score is set, in the order first reached.
    touched: Vec<u32>,
    row: RowTable,
}

impl Accumulator {
    fn new(n: usize) -> Self {
        Accumulator {
            scores: vec![0.0; n],
            touched: Vec::new(),
            row: RowTable::default(),
        }
    }
}

/// Ranks the entries `which` (in parallel), in that order.
pub(super) fn rank_all(
    which: impl IndexedParallelIterator<Item = usize>,
    entries: &[Entry],
    index: &Index,
    model: &Model,
    tuning: &Tuning,
) -> Vec<Ranked> {
    which
        .map_init(
            || Accumulator::new(entries.len()),
            |acc, i| rank(i, entries, index, model, tuning, acc),
        )
        .collect()
}

/// Ranks article `i`: candidates by partial TF-IDF score over its query
/// terms, then exact scores. Returns the list and the candidate threshold.
fn rank(i: usize, entries: &[Entry], index: &Index, model: &Model, tuning: &Tuning, acc: &mut Accumulator) -> Ranked {
    let me = &entries[i];
    if me.row.is_empty() || tuning.k == 0 {
        return (Vec::new(), 0.0);
    }
    let (candidates, threshold) = candidates(i, entries, index, model, tuning, acc);
    acc.row.load(&me.row);
    let mut scored: Vec<(u64, f32)> = candidates
        .into_iter()
        .filter_map(|(doc, _)| {
            let other = &entries[doc as usize];
            let cosine = acc.row.dot(&other.row);
            Some((other.profile.key, score(me, other, cosine, tuning)?))
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(tuning.k);
    (scored, threshold)
}

/// Article `i`'s candidates: the eligible articles sharing a query term
/// with it, the `tuning.candidates` best by partial score (ties by key),
/// with their partial scores, and the weakest kept partial score when
/// some were left out (0 otherwise).
fn candidates(
    i: usize,
    entries: &[Entry],
    index: &Index,
    model: &Model,
    tuning: &Tuning,
    acc: &mut Accumulator,
) -> (Vec<(u32, f32)>, f32) {
    for (term, weight) in query_terms(&entries[i].row, tuning.query_terms, model) {
        for &(doc, w) in index.postings.get(&term).map(Vec::as_slice).unwrap_or_default() {
            let slot = &mut acc.scores[doc as usize];
            if *slot == 0.0 {
                acc.touched.push(doc);
            }
            *slot += weight * w;
        }
    }
    let mut candidates: Vec<(u32, f32)> = acc
        .touched
        .drain(..)
        .map(|doc| (doc, std::mem::take(&mut acc.scores[doc as usize])))
        .filter(|&(doc, _)| doc as usize != i && entries[doc as usize].profile.eligible)
        .collect();
    let key = |doc: u32| entries[doc as usize].profile.key;
    let by_score = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(key(a.0).cmp(&key(b.0)));
    let mut threshold = 0.0;
    if candidates.len() > tuning.candidates {
        candidates.select_nth_unstable_by(tuning.candidates - 1, by_score);
        candidates.truncate(tuning.candidates);
        threshold = candidates.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
    }
    (candidates, threshold)
}
