//! How the cache stores a [`RelatedState`]: in parts encoded in parallel,
//! so that a build re-encodes only what changed (the lists change at every
//! edit, the rows only with their articles or the model).

use super::model::{Model, Row};
use super::{Entry, Profile, RelatedState, Tuning};
use crate::article::Article;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// What a cache stores of a [`RelatedState`] besides its entries.
#[derive(Serialize, Deserialize)]
struct StoredHead<T, M> {
    tuning: T,
    model: M,
    stale: bool,
}

/// What a cache stores of an entry apart from its list: what changes only
/// when the article's profile changes or the model is trained again.
#[derive(Serialize, Deserialize)]
struct StoredRow<P, R, C> {
    profile: P,
    row: R,
    coordinates: C,
}

/// An entry's list as the cache stores it: (article key, list, threshold).
type StoredList<L> = (u64, L, f32);

/// An entry's row as [`RelatedState::encode_parts`] borrows it.
type BorrowedRow<'a> = StoredRow<&'a Profile, &'a Row, &'a Option<Vec<f32>>>;

/// An entry's row as [`RelatedState::decode_parts`] reads it.
type OwnedRow = StoredRow<Profile, Row, Option<Vec<f32>>>;

/// An encoded part and the print of what it is encoded from (0: none);
/// `None` when the part stored under that print can be kept.
type Part = (u64, Option<Vec<u8>>);

/// The cache bucket of an entry (see [`RelatedState::encode_parts`]).
fn bucket_of(key: u64, buckets: usize) -> usize {
    (key % buckets.max(1) as u64) as usize
}

/// Feeds every field of a profile to `hasher` (its weights by their print).
fn profile_print(profile: &Profile, hasher: &mut FxHasher) {
    let Profile {
        key,
        weights: _,
        weights_print,
        topics,
        tags,
        day,
        headline,
        eligible,
    } = profile;
    hasher.write_u64(*key);
    hasher.write_u64(*weights_print);
    topics.hash(hasher);
    tags.hash(hasher);
    day.hash(hasher);
    headline.hash(hasher);
    eligible.hash(hasher);
}

/// The error of a state whose parts do not fit together.
fn invalid(what: &str) -> bincode::Error {
    Box::new(bincode::ErrorKind::Custom(format!("related-articles state: {what}")))
}

impl RelatedState {
    /// The state as bincode parts, encoded in parallel: the model, then
    /// every entry's list (in entry order), then the rest of the entries
    /// cut into `buckets` by their article's key. Lists change at every
    /// edit; a bucket only when one of its articles' profile changes (or
    /// the model is trained again). Each part comes with a print of what
    /// it is encoded from (0 for the model and the lists, encoded every
    /// time); a bucket whose print `stored` accepts is not encoded (`None`).
    pub fn encode_parts(
        &self,
        buckets: usize,
        stored: &(dyn Fn(u64) -> bool + Sync),
    ) -> bincode::Result<Vec<(u64, Option<Vec<u8>>)>> {
        let head = StoredHead {
            tuning: &self.tuning,
            model: &self.model,
            stale: self.stale,
        };
        let lists: Vec<StoredList<&Vec<(u64, f32)>>> = self
            .entries
            .iter()
            .map(|e| (e.profile.key, &e.list, e.threshold))
            .collect();
        let (head, lists) = rayon::join(|| bincode::serialize(&head), || bincode::serialize(&lists));
        let (head, lists) = (head?, lists?);
        // Rows and coordinates follow from the profile and the model.
        let model_print = crate::hash_bytes(&head);
        let rows = self
            .bucket_rows(buckets)
            .par_iter()
            .enumerate()
            .map(|(b, bucket)| encode_bucket(b, bucket, model_print, stored))
            .collect::<bincode::Result<Vec<_>>>()?;
        Ok([(0, Some(head)), (0, Some(lists))].into_iter().chain(rows).collect())
    }

    /// The entries' rows in `buckets` by their article's key, each in entry order.
    fn bucket_rows(&self, buckets: usize) -> Vec<Vec<BorrowedRow<'_>>> {
        let mut rows: Vec<Vec<BorrowedRow>> = (0..buckets.max(1)).map(|_| Vec::new()).collect();
        for entry in &self.entries {
            rows[bucket_of(entry.profile.key, buckets)].push(StoredRow {
                profile: &entry.profile,
                row: &entry.row,
                coordinates: &entry.coordinates,
            });
        }
        rows
    }

    /// After a cache load, gives each entry its article's weights again
    /// (the cache stores them once, with the article), where the article
    /// still has the weights the entry was computed from; an entry left
    /// without them differs from its article's new profile and is
    /// recomputed.
    pub fn restore_weights<'a>(&mut self, articles: impl Iterator<Item = &'a Article>) {
        let by_key: FxHashMap<u64, &crate::analyse::tokens::Analysis> = articles
            .map(|article| (super::key_of(article), &article.analysis))
            .collect();
        self.entries.par_iter_mut().for_each(|entry| {
            if let Some(analysis) = by_key.get(&entry.profile.key) {
                if analysis.weights_print == entry.profile.weights_print {
                    entry.profile.weights = std::sync::Arc::clone(&analysis.weights);
                }
            }
        });
    }

    /// The state from the parts [`RelatedState::encode_parts`] gave, decoded in parallel.
    pub fn decode_parts(parts: &[&[u8]]) -> Result<RelatedState, bincode::Error> {
        let [head, lists, buckets @ ..] = parts else {
            return Err(invalid("parts missing"));
        };
        let ((head, lists), buckets) = rayon::join(
            || {
                rayon::join(
                    || bincode::deserialize::<StoredHead<Tuning, Model>>(head),
                    || bincode::deserialize::<Vec<StoredList<Vec<(u64, f32)>>>>(lists),
                )
            },
            || {
                buckets
                    .par_iter()
                    .map(|bucket| bincode::deserialize::<Vec<OwnedRow>>(bucket))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let (head, lists, buckets) = (head?, lists?, buckets?);
        Ok(RelatedState {
            tuning: head.tuning,
            model: head.model,
            entries: join_entries(lists, buckets)?,
            index: None,
            stale: head.stale,
        })
    }
}

/// Encodes bucket `b` unless `stored` accepts its print (see
/// [`RelatedState::encode_parts`]).
fn encode_bucket(
    b: usize,
    bucket: &[BorrowedRow],
    model_print: u64,
    stored: &(dyn Fn(u64) -> bool + Sync),
) -> bincode::Result<Part> {
    let mut hasher = FxHasher::default();
    hasher.write_u64(model_print);
    hasher.write_usize(b);
    for row in bucket {
        profile_print(row.profile, &mut hasher);
    }
    // 0 stands for "no print".
    let print = hasher.finish().max(1);
    match stored(print) {
        true => Ok((print, None)),
        false => Ok((print, Some(bincode::serialize(bucket)?))),
    }
}

/// The entries of the decoded lists (in entry order) with their rows from
/// the decoded buckets: each list must have exactly one row, and each row a list.
fn join_entries(
    lists: Vec<StoredList<Vec<(u64, f32)>>>,
    buckets: Vec<Vec<OwnedRow>>,
) -> Result<Vec<Entry>, bincode::Error> {
    let mut rows: FxHashMap<u64, OwnedRow> = FxHashMap::with_capacity_and_hasher(lists.len(), Default::default());
    for row in buckets.into_iter().flatten() {
        if rows.insert(row.profile.key, row).is_some() {
            return Err(invalid("an article twice"));
        }
    }
    let entries = lists
        .into_iter()
        .map(|(key, list, threshold)| {
            let row = rows.remove(&key).ok_or_else(|| invalid("an entry without its row"))?;
            Ok(Entry {
                profile: row.profile,
                row: row.row,
                coordinates: row.coordinates,
                list,
                threshold,
            })
        })
        .collect::<Result<Vec<_>, bincode::Error>>()?;
    if !rows.is_empty() {
        return Err(invalid("a row without its entry"));
    }
    Ok(entries)
}
