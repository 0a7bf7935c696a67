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
//!
//! The parts, in the order a build runs them: [`model`] (trained on a
//! sample, with its [`linalg`]) gives each article its row and latent
//! coordinates; `index` holds the inverted lists candidates are gathered
//! through; `rank` ranks an article's candidates into its list with the
//! kernel of `scoring`; `update` finds and ranks again only the lists an
//! edit can change; `storage` is how the cache keeps the state in parts.

pub(crate) mod linalg;
pub(crate) mod model;

mod index;
mod rank;
mod scoring;
mod storage;
mod update;

use crate::analyse::tokens::Term;
use crate::article::Article;
use index::Index;
use model::{Model, Row, Sampler};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub(crate) use scoring::sparse_cosine;

/// Tuning of the related-articles stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tuning {
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

/// What the related stage knows of one article: plain owned data, so
/// that it can be cached and compared between builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
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

/// The key of an article: a hash of its path.
fn key_of(article: &Article) -> u64 {
    crate::hash_bytes(article.path().as_bytes())
}

impl Profile {
    /// The profile of an article with its topics.
    pub fn of(article: &Article, topics: &[usize]) -> Self {
        Profile {
            key: key_of(article),
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
    /// The article as the related stage knows it.
    profile: Profile,
    /// Its TF-IDF row in the model's space.
    row: Row,
    /// Its coordinates in the model's latent space, if there is one.
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
pub struct UpdateReport {
    /// True when the model was trained again (a sampled article changed).
    pub retrained: bool,
    /// True when the model needed training again and was not (`stale_ok`).
    pub stale: bool,
    /// Lists computed afresh.
    pub recomputed: usize,
}

impl Entry {
    /// The entry of `profile` in `model`'s space, its list not ranked yet.
    fn new(profile: Profile, model: &Model, tuning: &Tuning) -> Entry {
        let row = model.row(&profile, tuning);
        let coordinates = model.coordinates(&row);
        Entry {
            profile,
            row,
            coordinates,
            list: Vec::new(),
            threshold: 0.0,
        }
    }
}

impl RelatedState {
    /// Computes every list from scratch.
    pub fn compute(profiles: Vec<Profile>, tuning: &Tuning) -> RelatedState {
        let sampler = Sampler::of(&profiles, tuning.min_sample);
        let model = Model::train(&profiles.iter().collect::<Vec<_>>(), sampler, tuning);
        let mut entries: Vec<Entry> = profiles
            .into_par_iter()
            .map(|profile| Entry::new(profile, &model, tuning))
            .collect();
        let index = Index::build(&entries, &model, tuning);
        let ranked = rank::rank_all((0..entries.len()).into_par_iter(), &entries, &index, &model, tuning);
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
    pub fn update(self, profiles: Vec<Profile>, tuning: &Tuning, stale_ok: bool) -> (RelatedState, UpdateReport) {
        update::update(self, profiles, tuning, stale_ok)
    }

    /// Drops the inverted indexes (rebuilt by the next update if needed):
    /// for a build whose state is not kept in memory.
    pub fn forget_index(&mut self) {
        self.index = None;
    }

    /// True when the lists come from a model that an edit made stale.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// A state computed from scratch over this one's articles (for training
    /// a stale model again in the background).
    pub fn retrained(&self) -> RelatedState {
        let profiles = self.entries.iter().map(|e| e.profile.clone()).collect();
        RelatedState::compute(profiles, &self.tuning)
    }

    /// Each article's TF-IDF row in the model's space, in the order of the
    /// profiles given (topic profiles compare articles with them).
    pub fn rows(&self) -> Vec<&Row> {
        self.entries.iter().map(|e| &e.row).collect()
    }

    /// The lists as (index, score), in the order of the profiles given.
    pub fn lists(&self) -> Vec<Vec<(usize, f32)>> {
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

#[cfg(test)]
mod tests;
