//! Related articles ("اقرأ أيضاً"): for each article the k articles whose
//! text is closest to it.
//!
//! Similarity combines TF-IDF cosine (headline ×3, lede ×2, body ×1,
//! sublinear term frequency) with cosine in a latent semantic space (a
//! randomised truncated SVD, as Jekyll's `--lsi` does); shared topics and
//! tags add a boost, closeness in date a gentle one. Candidates come from
//! an inverted index (common terms pruned) and are re-ranked exactly, so
//! the cost grows with the archive, not with its square.
//!
//! Similarity between two articles depends only on those two and on the
//! model (see [`model`]), which is what lets [`RelatedState::update`]
//! recompute only the lists an edit can change, and still give exactly
//! what a clean build gives. Every sum runs in a fixed order, so results
//! do not depend on the number of threads.

pub(crate) mod linalg;
pub(crate) mod model;

use crate::analyse::tokens::Term;
use crate::article::Article;
use crate::postings::{self, Builder, Grouped};
use model::{Model, Row, Sampler};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// Tuning of the related-articles stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tuning {
    /// Related articles per article.
    pub k: usize,
    /// Terms kept per article (its highest TF-IDF weights).
    pub terms_per_article: usize,
    /// Query terms used to gather candidates.
    pub query_terms: usize,
    /// Candidates re-ranked per article.
    pub candidates: usize,
    /// Dimensions of the latent space (0 turns it off).
    pub dimensions: usize,
    /// Weight of the latent-space cosine against the TF-IDF cosine.
    pub latent_weight: f32,
    /// TF-IDF cosine above which two articles are the same story republished.
    pub duplicate_cosine: f32,
    /// Articles the model's training sample holds at least, on average.
    pub min_sample: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            k: 5,
            terms_per_article: 160,
            query_terms: 30,
            candidates: 100,
            dimensions: 200,
            latent_weight: 0.6,
            duplicate_cosine: 0.85,
            min_sample: 4096,
        }
    }
}

/// Boosts added to the similarity.
const TOPIC_BOOST: f32 = 0.04;
const TAG_BOOST: f32 = 0.02;
const DATE_BOOST: f32 = 0.02;
/// Days over which the date boost fades.
const DATE_SCALE_DAYS: f32 = 30.0;
/// Slack when comparing a partial score computed in another order.
const SCORE_SLACK: f32 = 1e-4;
/// Postings per range when building the [`Index`]: four times
/// [`postings::RANGE_POSTINGS`], because its keys are 4-byte terms and a
/// larger range's table still fits in cache, while fewer ranges make the
/// merge cheaper (on the 28k-article archive: about a sixth less CPU).
const INDEX_RANGE_POSTINGS: usize = 4 * postings::RANGE_POSTINGS;

/// What the related stage knows of one article: plain owned data, so
/// that it can be cached and compared between builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Profile {
    /// Stable key from the article's URL: sample membership and tie-breaks.
    pub key: u64,
    /// Field-weighted term frequencies, sorted by term (the article's own,
    /// shared). Not cached: the cache holds the article's, and
    /// [`RelatedState::restore_weights`] shares them again after a load.
    #[serde(skip)]
    pub weights: std::sync::Arc<[(Term, f32)]>,
    /// Hash of `weights` ([`weights_print`]): what the cache keeps of them.
    pub weights_print: u64,
    /// Topic indices.
    pub topics: Vec<usize>,
    /// Tags.
    pub tags: Vec<String>,
    /// Day number of the date, if any.
    pub day: Option<i64>,
    /// Normalised headline, for near-duplicate detection.
    pub headline: String,
    /// May appear in others' lists (drafts may not).
    pub eligible: bool,
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

/// The key of an article path.
pub(crate) fn key_of(path: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(path.as_bytes());
    hasher.finish()
}

impl Profile {
    /// The profile of an article with its topics.
    pub(crate) fn of(article: &Article, topics: &[usize]) -> Self {
        Profile {
            key: key_of(article.path()),
            weights: std::sync::Arc::clone(&article.analysis.weights),
            weights_print: article.analysis.weights_print,
            topics: topics.to_vec(),
            tags: article.tags.clone(),
            day: article.date.map(|d| d.timestamp().div_euclid(86_400)),
            headline: article.normalised_title().into_owned(),
            eligible: !article.draft,
        }
    }
}

/// One article's place in the related computation.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    profile: Profile,
    row: Row,
    coordinates: Option<Vec<f32>>,
    /// Related articles by key, best first, with scores.
    list: Vec<(u64, f32)>,
    /// Partial score of the weakest candidate kept (0 when fewer than
    /// `candidates` were found): an article scoring below it cannot enter.
    threshold: f32,
}

/// Everything the related stage computed: kept between builds (in the
/// cache, or in `serve`'s memory) so the next build can update it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelatedState {
    tuning: Tuning,
    model: Model,
    entries: Vec<Entry>,
    /// The inverted indexes over `entries`, kept while the state stays in
    /// memory (`serve`): an edit then patches them instead of rebuilding.
    #[serde(skip)]
    index: Option<Index>,
    /// The model was not trained again after a change to its sample (see
    /// [`RelatedState::update`]): the lists are not what a clean build gives.
    #[serde(default)]
    stale: bool,
}

/// How much an update had to recompute, for reports and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UpdateReport {
    /// True when the model was trained again (a sampled article changed).
    pub retrained: bool,
    /// True when the model needed training again and was not (`stale_ok`).
    pub stale: bool,
    /// Lists computed afresh.
    pub recomputed: usize,
}

/// Inverted indexes over the current rows; every posting list is sorted by entry.
#[derive(Debug, Clone)]
struct Index {
    /// For each queryable term, (entry, weight) of every article holding it.
    postings: FxHashMap<Term, Vec<(u32, f32)>>,
    /// For each term, (entry, weight) of the articles that query with it.
    queries: FxHashMap<Term, Vec<(u32, f32)>>,
}

fn query_terms(row: &Row, n: usize, model: &Model) -> Vec<(Term, f32)> {
    let mut query: Vec<(Term, f32)> = row.iter().copied().filter(|&(t, _)| model.queryable(t)).collect();
    query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    query.truncate(n);
    query
}

impl Index {
    fn build(entries: &[Entry], model: &Model, tuning: &Tuning) -> Index {
        Index::build_in(entries, model, tuning, INDEX_RANGE_POSTINGS)
    }

    /// The index gathered by ranges of entries holding about `target`
    /// postings (see [`crate::postings`]): the result does not depend on it.
    fn build_in(entries: &[Entry], model: &Model, tuning: &Tuning, target: usize) -> Index {
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
                    for &(term, weight) in entry.row.iter().filter(|&&(t, _)| model.queryable(t)) {
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
    fn replace(&mut self, i: usize, old: &Row, new: &Row, model: &Model, tuning: &Tuning) {
        let i = i as u32;
        let remove = |map: &mut FxHashMap<Term, Vec<(u32, f32)>>, term: Term| {
            if let Some(list) = map.get_mut(&term) {
                if let Ok(at) = list.binary_search_by_key(&i, |p| p.0) {
                    list.remove(at);
                }
                if list.is_empty() {
                    map.remove(&term);
                }
            }
        };
        let insert = |map: &mut FxHashMap<Term, Vec<(u32, f32)>>, term: Term, weight: f32| {
            let list = map.entry(term).or_default();
            let at = list.partition_point(|p| p.0 < i);
            list.insert(at, (i, weight));
        };
        for &(term, _) in old.iter().filter(|&&(t, _)| model.queryable(t)) {
            remove(&mut self.postings, term);
        }
        for (term, _) in query_terms(old, tuning.query_terms, model) {
            remove(&mut self.queries, term);
        }
        for &(term, weight) in new.iter().filter(|&&(t, _)| model.queryable(t)) {
            insert(&mut self.postings, term, weight);
        }
        for (term, weight) in query_terms(new, tuning.query_terms, model) {
            insert(&mut self.queries, term, weight);
        }
    }

    /// Partial scores of `row` in the candidate gathering of every article
    /// that queries with one of its terms.
    fn reverse_partials(&self, row: &Row) -> FxHashMap<u32, f32> {
        let mut partials: FxHashMap<u32, f32> = FxHashMap::default();
        for &(term, weight) in row {
            for &(j, w) in self.queries.get(&term).map(Vec::as_slice).unwrap_or_default() {
                *partials.entry(j).or_insert(0.0) += weight * w;
            }
        }
        partials
    }
}

/// A term's slot among 2^`bits` (1 to 31), for the tables keyed by term.
/// Terms are hashes already, but their low bits need not spread well
/// (Fibonacci hashing: the high bits of the product depend on every bit
/// of the term).
fn spread(term: Term, bits: u32) -> usize {
    (term.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// A set of terms behind a bitmap of their hashes: nearly every term
/// looked up is not in the set, and one bit tells so without a probe of
/// the hash table (millions of lookups when an update gathers the lists
/// of a few thousand terms over every article's row).
struct TermSet {
    bits: Vec<u64>,
    terms: FxHashSet<Term>,
}

impl TermSet {
    /// Bits of the bitmap: 2^20 (128 KB, in a core's cache), so that a few
    /// thousand terms leave most bits clear.
    const BITS: u32 = 20;

    fn new(terms: FxHashSet<Term>) -> TermSet {
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

    fn contains(&self, term: Term) -> bool {
        let bit = TermSet::bit(term);
        self.bits[bit >> 6] & (1 << (bit & 63)) != 0 && self.terms.contains(&term)
    }
}

/// The inverted lists of the terms of `wanted` only: for each, the
/// (entry, weight) pairs `pairs` gives of every entry, in entry order (as
/// in a whole [`Index`]). Entries are read in parallel by runs.
fn gather_terms(
    entries: &[Entry],
    wanted: &TermSet,
    pairs: impl Fn(&Entry, &mut dyn FnMut(Term, f32)) + Sync,
) -> FxHashMap<Term, Vec<(u32, f32)>> {
    let run = entries.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let runs: Vec<FxHashMap<Term, Vec<(u32, f32)>>> = entries
        .par_chunks(run)
        .enumerate()
        .map(|(r, entries)| {
            let mut lists: FxHashMap<Term, Vec<(u32, f32)>> = FxHashMap::default();
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
    let mut merged: FxHashMap<Term, Vec<(u32, f32)>> = FxHashMap::default();
    // Runs in entry order: each list stays sorted by entry.
    for lists in runs {
        for (term, list) in lists {
            merged.entry(term).or_default().extend(list);
        }
    }
    merged
}

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

/// The cache bucket of an entry (see [`RelatedState::encode_parts`]).
fn bucket_of(key: u64, buckets: usize) -> usize {
    (key % buckets.max(1) as u64) as usize
}

impl RelatedState {
    /// The state as bincode parts, encoded in parallel: the model, then
    /// every entry's list (in entry order), then the rest of the entries
    /// cut into `buckets` by their article's key. Lists change at every
    /// edit; a bucket only when one of its articles' profile changes (or
    /// the model is trained again). Each part comes with a print of what
    /// it is encoded from (0 for the model and the lists, encoded every
    /// time); a bucket whose print `stored` accepts is not encoded (`None`).
    pub(crate) fn encode_parts(
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
        type Borrowed<'a> = StoredRow<&'a Profile, &'a Row, &'a Option<Vec<f32>>>;
        let mut rows: Vec<Vec<Borrowed>> = (0..buckets.max(1)).map(|_| Vec::new()).collect();
        for entry in &self.entries {
            rows[bucket_of(entry.profile.key, buckets)].push(StoredRow {
                profile: &entry.profile,
                row: &entry.row,
                coordinates: &entry.coordinates,
            });
        }
        let (head, lists) = rayon::join(|| bincode::serialize(&head), || bincode::serialize(&lists));
        let (head, lists) = (head?, lists?);
        // Rows and coordinates follow from the profile and the model.
        let model_print = crate::hash_bytes(&head);
        let rows = rows
            .par_iter()
            .enumerate()
            .map(|(b, bucket)| {
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
            })
            .collect::<bincode::Result<Vec<_>>>()?;
        Ok([(0, Some(head)), (0, Some(lists))].into_iter().chain(rows).collect())
    }

    /// After a cache load, gives each entry its article's weights again
    /// (the cache stores them once, with the article), where the article
    /// still has the weights the entry was computed from; an entry left
    /// without them differs from its article's new profile and is
    /// recomputed.
    pub(crate) fn restore_weights<'a>(&mut self, articles: impl Iterator<Item = &'a Article>) {
        let by_key: FxHashMap<u64, &crate::analyse::tokens::Analysis> = articles
            .map(|article| (key_of(article.path()), &article.analysis))
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
    pub(crate) fn decode_parts(parts: &[&[u8]]) -> Result<RelatedState, bincode::Error> {
        let invalid = |what: &str| Box::new(bincode::ErrorKind::Custom(format!("related-articles state: {what}")));
        let [head, lists, buckets @ ..] = parts else {
            return Err(invalid("parts missing"));
        };
        type Owned = StoredRow<Profile, Row, Option<Vec<f32>>>;
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
                    .map(|bucket| bincode::deserialize::<Vec<Owned>>(bucket))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let (head, lists, buckets) = (head?, lists?, buckets?);
        let mut rows: FxHashMap<u64, Owned> = FxHashMap::with_capacity_and_hasher(lists.len(), Default::default());
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
        Ok(RelatedState {
            tuning: head.tuning,
            model: head.model,
            entries,
            index: None,
            stale: head.stale,
        })
    }

    /// Computes every list from scratch.
    pub(crate) fn compute(profiles: Vec<Profile>, tuning: &Tuning) -> RelatedState {
        let sampler = Sampler::of(&profiles, tuning.min_sample);
        let model = Model::train(&profiles.iter().collect::<Vec<_>>(), sampler, tuning);
        let mut entries = make_entries(profiles, &model, tuning);
        let index = Index::build(&entries, &model, tuning);
        let ranked: Vec<(Vec<(u64, f32)>, f32)> = (0..entries.len())
            .into_par_iter()
            .map_init(
                || Accumulator::new(entries.len()),
                |acc, i| rank(i, &entries, &index, &model, tuning, acc),
            )
            .collect();
        for (entry, (list, threshold)) in entries.iter_mut().zip(ranked) {
            entry.list = list;
            entry.threshold = threshold;
        }
        RelatedState {
            tuning: tuning.clone(),
            model,
            entries,
            index: Some(index),
            stale: false,
        }
    }

    /// Updates the state to new profiles, recomputing only the lists that
    /// can differ; the result equals `compute(profiles)` exactly.
    ///
    /// A change to an article of the model's training sample means training
    /// again and recomputing every list (seconds on a large archive). With
    /// `stale_ok` (a preview that wants the edit on screen first) the old
    /// model is kept instead, on archives larger than `tuning.min_sample`:
    /// the lists are then those of the old model, the state says it is
    /// stale, and the next update without `stale_ok` trains again.
    pub(crate) fn update(
        self,
        profiles: Vec<Profile>,
        tuning: &Tuning,
        stale_ok: bool,
    ) -> (RelatedState, UpdateReport) {
        let sampler = Sampler::of(&profiles, tuning.min_sample);
        // Where each article's entry is (keys, not entries: moving every
        // entry through a hash table was a third of an update's time).
        let position = positions(&self.entries);
        let previous = |key: &u64| position.get(key).map(|&i| &self.entries[i]);
        let new_keys: FxHashSet<u64> = profiles.iter().map(|p| p.key).collect();
        let old_sample: FxHashSet<u64> = self
            .entries
            .iter()
            .filter(|e| self.model.sampler.contains(&e.profile))
            .map(|e| e.profile.key)
            .collect();
        let new_sample: FxHashSet<u64> = profiles.iter().filter(|p| sampler.contains(p)).map(|p| p.key).collect();
        let sample_changed = sampler != self.model.sampler
            || old_sample != new_sample
            || profiles.iter().any(|p| {
                new_sample.contains(&p.key) && previous(&p.key).is_none_or(|e| e.profile.weights != p.weights)
            });
        // Staleness is worth it only where training is costly: on an archive
        // larger than the minimum sample (every article is in the sample below).
        let stale_ok = stale_ok && profiles.len() > tuning.min_sample;
        let retrain = (sample_changed || self.stale) && !stale_ok;
        if retrain || *tuning != self.tuning || profiles.len() != new_keys.len() {
            let n = profiles.len();
            return (
                RelatedState::compute(profiles, tuning),
                UpdateReport {
                    retrained: true,
                    recomputed: n,
                    stale: false,
                },
            );
        }
        // Articles whose profile changed (or that are new), and old rows that are gone.
        let same_order = profiles.len() == self.entries.len()
            && profiles.iter().zip(&self.entries).all(|(p, e)| p.key == e.profile.key);
        let stale = self.stale || sample_changed;
        let RelatedState {
            model,
            entries: old_entries,
            index: old_index,
            ..
        } = self;
        let mut old: Vec<Option<Entry>> = old_entries.into_iter().map(Some).collect();
        let mut changed: Vec<usize> = Vec::new();
        let mut gone_rows: Vec<Row> = Vec::new();
        let mut gone_keys: FxHashSet<u64> = FxHashSet::default();
        let mut entries: Vec<Entry> = Vec::with_capacity(profiles.len());
        for profile in profiles {
            let found = position.get(&profile.key).and_then(|&i| old.get_mut(i)?.take());
            match found {
                Some(entry) if entry.profile == profile => entries.push(entry),
                found => {
                    if let Some(entry) = found {
                        gone_rows.push(entry.row);
                        gone_keys.insert(entry.profile.key);
                    }
                    changed.push(entries.len());
                    let row = model.row(&profile, tuning);
                    let coordinates = model.coordinates(&row);
                    entries.push(Entry {
                        profile,
                        row,
                        coordinates,
                        list: Vec::new(),
                        threshold: 0.0,
                    });
                }
            }
        }
        for entry in old.into_iter().flatten() {
            gone_keys.insert(entry.profile.key);
            gone_rows.push(entry.row);
        }
        if changed.is_empty() && gone_keys.is_empty() {
            // No article changed: every list stands, and the index (built
            // only to find and rank the lists an edit affects) is not needed.
            let report = UpdateReport {
                retrained: false,
                recomputed: 0,
                stale,
            };
            let state = RelatedState {
                tuning: tuning.clone(),
                model,
                entries,
                index: old_index,
                stale,
            };
            return (state, report);
        }
        // The lists an edit affects are found, and ranked, through inverted
        // lists of terms. serve keeps a whole index in memory and patches
        // it (same articles in the same order: only the edited ones'
        // postings move; every changed article then has exactly one old
        // row, in the same order). Otherwise only the lists of the terms
        // involved are gathered, and none is kept: a whole index was most
        // of an update's time (0.12 of 0.2 s at 28k articles).
        let whole = match old_index {
            Some(mut index) if same_order => {
                for (&i, old_row) in changed.iter().zip(&gone_rows) {
                    index.replace(i, old_row, &entries[i].row, &model, tuning);
                }
                Some(index)
            }
            _ => None,
        };
        let moved_rows: Vec<&Row> = gone_rows
            .iter()
            .chain(changed.iter().map(|&i| &entries[i].row))
            .collect();
        let mut partial = Index {
            postings: FxHashMap::default(),
            queries: FxHashMap::default(),
        };
        if whole.is_none() {
            let terms = TermSet::new(moved_rows.iter().flat_map(|row| row.iter().map(|&(t, _)| t)).collect());
            partial.queries = gather_terms(&entries, &terms, |entry, push| {
                if entry.row.iter().any(|&(t, _)| terms.contains(t)) {
                    for (term, weight) in query_terms(&entry.row, tuning.query_terms, &model) {
                        push(term, weight);
                    }
                }
            });
        }
        let mut affected: FxHashSet<usize> = changed.iter().copied().collect();
        // Lists that held a changed or removed article.
        for (i, entry) in entries.iter().enumerate() {
            if entry.list.iter().any(|(key, _)| gone_keys.contains(key)) {
                affected.insert(i);
            }
        }
        // Lists whose candidates an old or new version of an article could enter.
        for row in &moved_rows {
            for (j, partial) in whole.as_ref().unwrap_or(&partial).reverse_partials(row) {
                let j = j as usize;
                if partial > 0.0 && partial + SCORE_SLACK >= entries[j].threshold {
                    affected.insert(j);
                }
            }
        }
        drop(moved_rows);
        let mut affected: Vec<usize> = affected.into_iter().collect();
        affected.sort_unstable();
        if whole.is_none() {
            let terms = TermSet::new(
                affected
                    .iter()
                    .flat_map(|&i| query_terms(&entries[i].row, tuning.query_terms, &model))
                    .map(|(term, _)| term)
                    .collect(),
            );
            partial.postings = gather_terms(&entries, &terms, |entry, push| {
                for &(term, weight) in entry.row.iter().filter(|&&(t, _)| model.queryable(t)) {
                    push(term, weight);
                }
            });
        }
        let index = whole.as_ref().unwrap_or(&partial);
        let ranked: Vec<(Vec<(u64, f32)>, f32)> = affected
            .par_iter()
            .map_init(
                || Accumulator::new(entries.len()),
                |acc, &i| rank(i, &entries, index, &model, tuning, acc),
            )
            .collect();
        for (&i, (list, threshold)) in affected.iter().zip(ranked) {
            entries[i].list = list;
            entries[i].threshold = threshold;
        }
        let report = UpdateReport {
            retrained: false,
            recomputed: affected.len(),
            stale,
        };
        (
            RelatedState {
                tuning: tuning.clone(),
                model,
                entries,
                index: whole,
                stale,
            },
            report,
        )
    }

    /// Drops the inverted indexes (rebuilt by the next update if needed):
    /// for a build whose state is not kept in memory.
    pub(crate) fn forget_index(&mut self) {
        self.index = None;
    }

    /// True when the lists come from a model that an edit made stale.
    pub(crate) fn is_stale(&self) -> bool {
        self.stale
    }

    /// A state computed from scratch over this one's articles (for training
    /// a stale model again in the background).
    pub(crate) fn retrained(&self) -> RelatedState {
        let profiles = self.entries.iter().map(|e| e.profile.clone()).collect();
        RelatedState::compute(profiles, &self.tuning)
    }

    /// Each article's TF-IDF row in the model's space, in the order of the
    /// profiles given (topic profiles compare articles with them).
    pub(crate) fn rows(&self) -> Vec<&Row> {
        self.entries.iter().map(|e| &e.row).collect()
    }

    /// The lists as (index, score), in the order of the profiles given.
    pub(crate) fn lists(&self) -> Vec<Vec<(usize, f32)>> {
        let position = positions(&self.entries);
        self.entries
            .iter()
            .map(|e| {
                e.list
                    .iter()
                    .filter_map(|&(key, score)| Some((*position.get(&key)?, score)))
                    .collect()
            })
            .collect()
    }
}

/// Each entry's position by its article's key.
fn positions(entries: &[Entry]) -> FxHashMap<u64, usize> {
    entries.iter().enumerate().map(|(i, e)| (e.profile.key, i)).collect()
}

fn make_entries(profiles: Vec<Profile>, model: &Model, tuning: &Tuning) -> Vec<Entry> {
    profiles
        .into_par_iter()
        .map(|profile| {
            let row = model.row(&profile, tuning);
            let coordinates = model.coordinates(&row);
            Entry {
                profile,
                row,
                coordinates,
                list: Vec::new(),
                threshold: 0.0,
            }
        })
        .collect()
}

/// Per-thread scratch space for gathering candidates and scoring them.
struct Accumulator {
    scores: Vec<f32>,
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

/// One article's row as a hash table of eight-term buckets, to take its dot
/// product with the rows of its hundred candidates. Merging two sorted rows
/// takes a branch the processor cannot predict at every step, and so did a
/// linear-probing table (is the slot taken? is it this term?); here a lookup
/// compares a candidate term with its whole bucket and ORs out the one
/// matching weight, without a branch, and a term that is not there adds 0.
/// The rare term whose bucket is full goes to a short sorted list instead.
#[derive(Default)]
struct RowTable {
    buckets: Vec<Bucket>,
    /// log2 of the number of buckets the loaded row uses.
    bits: u32,
    /// Buckets the loaded row filled, to empty before the next one.
    filled: Vec<usize>,
    /// Terms whose bucket was full, sorted by term.
    spilled: Vec<(Term, f32)>,
}

impl RowTable {
    fn bucket(&self, term: Term) -> usize {
        spread(term, self.bits)
    }

    /// Makes `row` the table's row.
    fn load(&mut self, row: &Row) {
        for &at in &self.filled {
            self.buckets[at] = Bucket::default();
        }
        self.filled.clear();
        self.spilled.clear();
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
            if (0..BUCKET_LANES).any(|lane| bucket.terms[lane] == term && bucket.weights[lane] != 0) {
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

    /// The dot product of the loaded row with `other`: the same sum, in the
    /// same order (`other`'s, by term), as merging the two sorted rows —
    /// adding 0 for a term the row does not have changes no bit of it.
    fn dot(&self, other: &Row) -> f32 {
        let mut sum = 0.0;
        for &(term, weight) in other {
            let bucket = &self.buckets[self.bucket(term)];
            let mut bits = 0;
            for lane in 0..BUCKET_LANES {
                bits |= bucket.weights[lane] & 0u32.wrapping_sub(u32::from(bucket.terms[lane] == term));
            }
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

fn shared<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter().filter(|x| b.contains(x)).count()
}

/// Ranks article `i`: candidates by partial TF-IDF score over its query
/// terms, then exact scores. Returns the list and the candidate threshold.
fn rank(
    i: usize,
    entries: &[Entry],
    index: &Index,
    model: &Model,
    tuning: &Tuning,
    acc: &mut Accumulator,
) -> (Vec<(u64, f32)>, f32) {
    let me = &entries[i];
    if me.row.is_empty() || tuning.k == 0 {
        return (Vec::new(), 0.0);
    }
    for (term, weight) in query_terms(&me.row, tuning.query_terms, model) {
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
    acc.row.load(&me.row);
    let mut scored: Vec<(u64, f32)> = candidates
        .into_iter()
        .filter_map(|(doc, _)| {
            let other = &entries[doc as usize];
            let cosine = acc.row.dot(&other.row);
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
            let topics = shared(&me.profile.topics, &other.profile.topics).min(3) as f32 * TOPIC_BOOST;
            let tags = shared(&me.profile.tags, &other.profile.tags).min(3) as f32 * TAG_BOOST;
            let date = match (me.profile.day, other.profile.day) {
                (Some(a), Some(b)) => DATE_BOOST * (-((a - b).abs() as f32) / DATE_SCALE_DAYS).exp(),
                _ => 0.0,
            };
            Some((other.profile.key, text + topics + tags + date))
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(tuning.k);
    (scored, threshold)
}

#[cfg(test)]
mod tests;
