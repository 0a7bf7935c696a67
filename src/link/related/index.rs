//! The inverted indexes the related stage gathers and ranks candidates
//! through, whole (a clean build, and `serve`, which patches it) or only
//! for the terms an edit involves ([`TermSet`], [`gather_terms`]).

use super::model::{Model, Row};
use super::scoring::spread;
use super::{Entry, Tuning};
use crate::analyse::tokens::Term;
use crate::postings::{self, Builder, Grouped};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Postings per range when building the [`Index`]: four times
/// [`postings::RANGE_POSTINGS`], because its keys are 4-byte terms and a
/// larger range's table still fits in cache, while fewer ranges make the
/// merge cheaper (on the 28k-article archive: about a sixth less CPU).
const INDEX_RANGE_POSTINGS: usize = 4 * postings::RANGE_POSTINGS;

/// Inverted lists of terms: for each, (entry, weight) pairs sorted by entry.
pub(super) type Lists = FxHashMap<Term, Vec<(u32, f32)>>;

/// Inverted indexes over the current rows; every posting list is sorted by entry.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// For each queryable term, (entry, weight) of every article holding it.
    pub(super) postings: Lists,
    /// For each term, (entry, weight) of the articles that query with it.
    pub(super) queries: Lists,
}

/// The terms an article gathers its candidates with: its `n` strongest
/// queryable terms (ties by term), strongest first.
pub(super) fn query_terms(row: &Row, n: usize, model: &Model) -> Vec<(Term, f32)> {
    let mut query: Vec<(Term, f32)> = row.iter().copied().filter(|&(t, _)| model.queryable(t)).collect();
    query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    query.truncate(n);
    query
}

/// The terms of `row` that appear in the postings: the queryable ones.
pub(super) fn posted_terms<'a>(row: &'a Row, model: &'a Model) -> impl Iterator<Item = (Term, f32)> + 'a {
    row.iter().copied().filter(|&(t, _)| model.queryable(t))
}

impl Index {
    /// The whole index over `entries`.
    pub(super) fn build(entries: &[Entry], model: &Model, tuning: &Tuning) -> Index {
        Index::build_in(entries, model, tuning, INDEX_RANGE_POSTINGS)
    }

    /// The index gathered by ranges of entries holding about `target`
    /// postings (see [`crate::postings`]): the result does not depend on it.
    pub(super) fn build_in(entries: &[Entry], model: &Model, tuning: &Tuning, target: usize) -> Index {
        let ranges = postings::ranges(entries.iter().map(|e| e.row.len()), target);
        type Part = Grouped<Term, (u32, f32)>;
        let parts: Vec<(Part, Part)> = ranges
            .into_par_iter()
            .map(|range| {
                let size = entries[range.clone()].iter().map(|e| e.row.len()).sum();
                let mut postings = Builder::with_capacity(size);
                let mut queries = Builder::with_capacity(size / 4);
                for (i, entry) in range.clone().zip(&entries[range]) {
                    // Only terms some article may query with are ever looked up:
                    // the postings of the others would be a third of the memory.
                    for (term, weight) in posted_terms(&entry.row, model) {
                        postings.push(term, (i as u32, weight));
                    }
                    for (term, weight) in query_terms(&entry.row, tuning.query_terms, model) {
                        queries.push(term, (i as u32, weight));
                    }
                }
                (postings.finish(), queries.finish())
            })
            .collect();
        let (postings, queries): (Vec<Part>, Vec<Part>) = parts.into_iter().unzip();
        let (postings, queries) = rayon::join(
            || postings::merge(&postings).into_iter().collect(),
            || postings::merge(&queries).into_iter().collect(),
        );
        Index { postings, queries }
    }

    /// Replaces entry `i`'s postings from `old` (its previous row) with
    /// those of `new`, keeping every list sorted by entry.
    pub(super) fn replace(&mut self, i: usize, old: &Row, new: &Row, model: &Model, tuning: &Tuning) {
        let i = i as u32;
        for (term, _) in posted_terms(old, model) {
            remove_posting(&mut self.postings, term, i);
        }
        for (term, _) in query_terms(old, tuning.query_terms, model) {
            remove_posting(&mut self.queries, term, i);
        }
        for (term, weight) in posted_terms(new, model) {
            insert_posting(&mut self.postings, term, i, weight);
        }
        for (term, weight) in query_terms(new, tuning.query_terms, model) {
            insert_posting(&mut self.queries, term, i, weight);
        }
    }

    /// Partial scores of `row` in the candidate gathering of every article
    /// that queries with one of its terms.
    pub(super) fn reverse_partials(&self, row: &Row) -> FxHashMap<u32, f32> {
        let mut partials: FxHashMap<u32, f32> = FxHashMap::default();
        for &(term, weight) in row {
            for &(j, w) in self.queries.get(&term).map(Vec::as_slice).unwrap_or_default() {
                *partials.entry(j).or_insert(0.0) += weight * w;
            }
        }
        partials
    }
}

/// Removes entry `i` from `term`'s list (and the list once empty).
fn remove_posting(lists: &mut Lists, term: Term, i: u32) {
    if let Some(list) = lists.get_mut(&term) {
        if let Ok(at) = list.binary_search_by_key(&i, |p| p.0) {
            list.remove(at);
        }
        if list.is_empty() {
            lists.remove(&term);
        }
    }
}

/// Inserts entry `i` into `term`'s list, in entry order.
fn insert_posting(lists: &mut Lists, term: Term, i: u32, weight: f32) {
    let list = lists.entry(term).or_default();
    let at = list.partition_point(|p| p.0 < i);
    list.insert(at, (i, weight));
}

/// A set of terms behind a bitmap of their hashes: nearly every term
/// looked up is not in the set, and one bit tells so without a probe of
/// the hash table (millions of lookups when an update gathers the lists
/// of a few thousand terms over every article's row).
pub(super) struct TermSet {
    bits: Vec<u64>,
    terms: FxHashSet<Term>,
}

impl TermSet {
    /// Bits of the bitmap: 2^20 (128 KB, in a core's cache), so that a few
    /// thousand terms leave most bits clear.
    const BITS: u32 = 20;

    /// The set of `terms`.
    pub(super) fn new(terms: FxHashSet<Term>) -> TermSet {
        let mut bits = vec![0u64; 1 << (TermSet::BITS - 6)];
        for &term in &terms {
            let bit = TermSet::bit(term);
            bits[bit >> 6] |= 1 << (bit & 63);
        }
        TermSet { bits, terms }
    }

    fn bit(term: Term) -> usize {
        spread(term, TermSet::BITS)
    }

    /// Whether `term` is in the set.
    #[inline]
    pub(super) fn contains(&self, term: Term) -> bool {
        let bit = TermSet::bit(term);
        self.bits[bit >> 6] & (1 << (bit & 63)) != 0 && self.terms.contains(&term)
    }
}

/// The inverted lists of the terms of `wanted` only: for each, the
/// (entry, weight) pairs `pairs` gives of every entry, in entry order (as
/// in a whole [`Index`]). Entries are read in parallel by runs.
pub(super) fn gather_terms(
    entries: &[Entry],
    wanted: &TermSet,
    pairs: impl Fn(&Entry, &mut dyn FnMut(Term, f32)) + Sync,
) -> Lists {
    let run = entries.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let runs: Vec<Lists> = entries
        .par_chunks(run)
        .enumerate()
        .map(|(r, entries)| {
            let mut lists = Lists::default();
            for (k, entry) in entries.iter().enumerate() {
                let i = (r * run + k) as u32;
                pairs(entry, &mut |term, weight| {
                    if wanted.contains(term) {
                        lists.entry(term).or_default().push((i, weight));
                    }
                });
            }
            lists
        })
        .collect();
    let mut merged = Lists::default();
    // Runs in entry order: each list stays sorted by entry.
    for lists in runs {
        for (term, list) in lists {
            merged.entry(term).or_default().extend(list);
        }
    }
    merged
}
