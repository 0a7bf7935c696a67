//! The scoring kernel: the dot products of rows (a row loaded into a
//! [`RowTable`], or two sorted rows merged) and the score of a pair of
//! articles, text similarity plus the boosts of shared topics, tags and
//! closeness in date.

use super::model::Row;
use super::{Entry, Tuning};
use crate::analyse::tokens::Term;

/// Boost per shared topic (up to three count).
const TOPIC_BOOST: f32 = 0.04;
/// Boost per shared tag (up to three count).
const TAG_BOOST: f32 = 0.02;
/// Boost of two articles of the same day, fading with the days between them.
const DATE_BOOST: f32 = 0.02;
/// Days over which the date boost fades.
const DATE_SCALE_DAYS: f32 = 30.0;
/// Shared topics, and shared tags, that count towards a boost at most.
const MAX_SHARED: usize = 3;

/// A term's slot among 2^`bits` (1 to 31), for the tables keyed by term.
/// Terms are hashes already, but their low bits need not spread well
/// (Fibonacci hashing: the high bits of the product depend on every bit
/// of the term).
#[inline]
pub(super) fn spread(term: Term, bits: u32) -> usize {
    (term.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Terms per bucket of a [`RowTable`]: eight terms and their eight weights
/// fill one 64-byte cache line.
const BUCKET_LANES: usize = 8;

/// One bucket of a [`RowTable`]; weights are kept as bits so that a lookup
/// can pick the matching one with integer masks. An empty lane has weight 0.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Bucket {
    terms: [Term; BUCKET_LANES],
    weights: [u32; BUCKET_LANES],
}

impl Bucket {
    /// Whether the bucket holds `term` already.
    fn holds(&self, term: Term) -> bool {
        (0..BUCKET_LANES).any(|lane| self.terms[lane] == term && self.weights[lane] != 0)
    }

    /// The bits of `term`'s weight, or 0 when the bucket does not hold it
    /// (without a branch).
    #[inline]
    fn weight_bits(&self, term: Term) -> u32 {
        let mut bits = 0;
        for lane in 0..BUCKET_LANES {
            bits |= self.weights[lane] & 0u32.wrapping_sub(u32::from(self.terms[lane] == term));
        }
        bits
    }
}

/// One article's row as a hash table of eight-term buckets, to take its dot
/// product with the rows of its hundred candidates. Merging two sorted rows
/// takes a branch the processor cannot predict at every step, and so did a
/// linear-probing table (is the slot taken? is it this term?); here a lookup
/// compares a candidate term with its whole bucket and ORs out the one
/// matching weight, without a branch, and a term that is not there adds 0.
/// The rare term whose bucket is full goes to a short sorted list instead.
#[derive(Default)]
pub(super) struct RowTable {
    buckets: Vec<Bucket>,
    /// log2 of the number of buckets the loaded row uses.
    bits: u32,
    /// Buckets the loaded row filled, to empty before the next one.
    filled: Vec<usize>,
    /// Terms whose bucket was full, sorted by term.
    pub(super) spilled: Vec<(Term, f32)>,
}

impl RowTable {
    #[inline]
    fn bucket(&self, term: Term) -> usize {
        spread(term, self.bits)
    }

    /// Makes `row` the table's row.
    pub(super) fn load(&mut self, row: &Row) {
        self.clear();
        // About one term per two buckets' worth of lanes: a full bucket is rare.
        let buckets = (row.len() / 2).next_power_of_two().max(8);
        if buckets > self.buckets.len() {
            self.buckets = vec![Bucket::default(); buckets];
        }
        self.bits = buckets.trailing_zeros();
        for &(term, weight) in row {
            let at = self.bucket(term);
            let bucket = &mut self.buckets[at];
            if bucket.weights == [0; BUCKET_LANES] {
                self.filled.push(at);
            }
            if bucket.holds(term) {
                continue; // rows hold each term once; keep the first as a merge would
            }
            match bucket.weights.iter().position(|&w| w == 0) {
                Some(lane) => {
                    bucket.terms[lane] = term;
                    bucket.weights[lane] = weight.to_bits();
                }
                None => self.spilled.push((term, weight)),
            }
        }
        self.spilled.sort_by_key(|&(term, _)| term);
    }

    /// Empties the buckets the previous row filled.
    fn clear(&mut self) {
        for &at in &self.filled {
            self.buckets[at] = Bucket::default();
        }
        self.filled.clear();
        self.spilled.clear();
    }

    /// The dot product of the loaded row with `other`: the same sum, in the
    /// same order (`other`'s, by term), as merging the two sorted rows —
    /// adding 0 for a term the row does not have changes no bit of it.
    pub(super) fn dot(&self, other: &Row) -> f32 {
        let mut sum = 0.0;
        for &(term, weight) in other {
            let mut bits = self.buckets[self.bucket(term)].weight_bits(term);
            if bits == 0 && !self.spilled.is_empty() {
                if let Ok(at) = self.spilled.binary_search_by_key(&term, |&(t, _)| t) {
                    bits = self.spilled[at].1.to_bits();
                }
            }
            sum += f32::from_bits(bits) * weight;
        }
        sum
    }
}

/// The dot product of two sparse vectors sorted by term (the cosine of
/// two rows, which are unit vectors).
pub(crate) fn sparse_cosine(a: &[(Term, f32)], b: &[(Term, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The score of `other` in `me`'s list from the TF-IDF cosine of their
/// rows, or `None` when `other` is the same story republished (a cosine
/// from `tuning.duplicate_cosine` up, or the same headline).
pub(super) fn score(me: &Entry, other: &Entry, cosine: f32, tuning: &Tuning) -> Option<f32> {
    if cosine >= tuning.duplicate_cosine
        || (!me.profile.headline.is_empty() && me.profile.headline == other.profile.headline)
    {
        return None;
    }
    let text = match (&me.coordinates, &other.coordinates) {
        (Some(a), Some(b)) => {
            let semantic: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            tuning.latent_weight * semantic + (1.0 - tuning.latent_weight) * cosine
        }
        _ => cosine,
    };
    let topics = shared(&me.profile.topics, &other.profile.topics).min(MAX_SHARED) as f32 * TOPIC_BOOST;
    let tags = shared(&me.profile.tags, &other.profile.tags).min(MAX_SHARED) as f32 * TAG_BOOST;
    let date = match (me.profile.day, other.profile.day) {
        (Some(a), Some(b)) => DATE_BOOST * (-((a - b).abs() as f32) / DATE_SCALE_DAYS).exp(),
        _ => 0.0,
    };
    Some(text + topics + tags + date)
}

/// How many items of `a` are in `b`.
fn shared<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter().filter(|x| b.contains(x)).count()
}
