//! The related-articles model: inverse document frequencies and the
//! latent space, trained on a sample of the archive chosen by date and URL.
//!
//! Training on a fixed sample is what makes incremental builds exact: an
//! article outside the sample can change without changing any other
//! article's vector, and a clean build trains on the same sample. The
//! sample ([`Sampler`]) holds only articles dated well before the newest
//! one (a cutoff that moves in steps of [`CUTOFF_STEP_DAYS`]), so that the
//! articles a newsroom adds and corrects, the recent ones, are never in
//! it; among those, a URL-keyed share (everything up to 8,191 articles,
//! then a half, a quarter…, never under `Tuning::min_sample` on average).
//!
//! "The newest" is the [`OUTLIER_ALLOWANCE`]-th newest date, so that one
//! article dated years ahead by a typo does not put every article before
//! the cutoff (and a quarter of new articles into the sample); and an
//! archive with fewer than `min_sample` older articles still trains on
//! those alone while they are at least [`MIN_OLDER`], so that additions to
//! a young archive do not retrain either.

use super::linalg::{
    gram, normalise_row, orthonormalise, seeded, sparse_times, sparse_transpose_times, times_small, Dense, SparseRow,
};
use super::{Profile, Tuning};
use crate::analyse::tokens::Term;
use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

/// Terms in more than this share of the sample carry no signal.
const MAX_DOCUMENT_SHARE: f32 = 0.4;
/// Extra columns of the random projection beyond the dimensions kept.
const OVERSAMPLING: usize = 16;
/// Articles a query term may be expected to appear in: longer posting lists
/// would make gathering candidates grow with the square of the archive.
const MAX_QUERY_DF: u64 = 500;

/// A TF-IDF vector: (term, weight) sorted by term, unit length.
pub(crate) type Row = Vec<(Term, f32)>;

/// Articles newer than this many days before the newest article are never
/// in the training sample (before the cutoff is rounded down to a step).
pub(crate) const RECENT_DAYS: i64 = 60;

/// The cutoff moves in steps of this many days, so that new articles
/// change the sample (and retrain the model) about once a quarter.
pub(crate) const CUTOFF_STEP_DAYS: i64 = 91;

/// Dates that may lie ahead of the archive's real newest date (typos,
/// scheduled articles) without moving the cutoff: the cutoff is counted
/// from the date of the article this many places from the newest.
pub(crate) const OUTLIER_ALLOWANCE: usize = 16;

/// Fewest articles older than the cutoff that are worth training on alone;
/// below it the archive is too young, and every article may be sampled.
pub(crate) const MIN_OLDER: usize = 1024;

/// Which articles the model trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sampler {
    /// Only articles dated before this day number, when set (when not, the
    /// archive has too few older articles and every article may be sampled).
    pub cutoff: Option<i64>,
    /// Among those, an article is in the sample when `key % 2^level == 0`.
    pub level: u32,
}

impl Sampler {
    /// The sampler of an archive: see the module's documentation.
    pub(crate) fn of(profiles: &[Profile], min_sample: usize) -> Sampler {
        let mut days: Vec<i64> = profiles.iter().filter_map(|p| p.day).collect();
        let newest = if days.is_empty() {
            None
        } else {
            // The OUTLIER_ALLOWANCE-th newest (or the oldest, in a small archive).
            let place = days.len().saturating_sub(OUTLIER_ALLOWANCE);
            Some(*days.select_nth_unstable(place).1)
        };
        let cutoff = newest.map(|day| (day - RECENT_DAYS).div_euclid(CUTOFF_STEP_DAYS) * CUTOFF_STEP_DAYS);
        let older = |cutoff: i64| profiles.iter().filter(|p| p.day.is_some_and(|d| d < cutoff)).count();
        match cutoff.map(|c| (c, older(c))) {
            Some((cutoff, count)) if count >= min_sample.clamp(1, MIN_OLDER) => Sampler {
                cutoff: Some(cutoff),
                level: level_for(count, min_sample),
            },
            _ => Sampler {
                cutoff: None,
                level: level_for(profiles.len(), min_sample),
            },
        }
    }

    /// Whether an article is in the sample.
    pub(crate) fn contains(&self, profile: &Profile) -> bool {
        let old_enough = match self.cutoff {
            Some(cutoff) => profile.day.is_some_and(|d| d < cutoff),
            None => true,
        };
        old_enough && in_sample(profile.key, self.level)
    }
}

/// The trained model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Model {
    /// The articles it was trained on.
    pub sampler: Sampler,
    /// Inverse document frequency of the sample's terms; 0 for terms too common.
    idf: FxHashMap<Term, f32>,
    /// Terms too frequent to gather candidates with (estimated over the archive).
    unqueryable: FxHashSet<Term>,
    /// Weight of a term the sample never saw.
    unseen_idf: f32,
    /// Latent space: row of each term in `projection` (terms × dimensions).
    latent_index: FxHashMap<Term, u32>,
    projection: Option<Dense>,
}

/// The sampling level for an archive of `n` articles: the largest power-of-two
/// fraction that still holds at least `min_sample` articles on average.
pub(crate) fn level_for(n: usize, min_sample: usize) -> u32 {
    let mut level = 0;
    while level < 63 && (n >> (level + 1)) >= min_sample.max(1) {
        level += 1;
    }
    level
}

/// Whether an article with this key is in the sample of `level`.
pub(crate) fn in_sample(key: u64, level: u32) -> bool {
    key & ((1u64 << level) - 1) == 0
}

impl Model {
    /// Trains on the sample of `profiles` that `sampler` chooses.
    pub(crate) fn train(profiles: &[&Profile], sampler: Sampler, tuning: &Tuning) -> Model {
        let level = sampler.level;
        let sample: Vec<&Profile> = profiles.iter().copied().filter(|p| sampler.contains(p)).collect();
        let n = sample.len().max(1) as f32;
        let mut df: FxHashMap<Term, u32> = FxHashMap::default();
        for profile in &sample {
            for &(term, _) in profile.weights.iter() {
                *df.entry(term).or_insert(0) += 1;
            }
        }
        let max_df = (n * MAX_DOCUMENT_SHARE).max(2.0);
        let idf = df
            .iter()
            .map(|(&term, &d)| (term, if d as f32 > max_df { 0.0 } else { (n / d as f32).ln() }))
            .collect();
        let unqueryable = df
            .iter()
            .filter(|&(_, &d)| (d as u64) << level > MAX_QUERY_DF)
            .map(|(&t, _)| t)
            .collect();
        let mut model = Model {
            sampler,
            idf,
            unqueryable,
            // As rare as a term seen once in twice the sample.
            unseen_idf: (2.0 * n).ln(),
            latent_index: FxHashMap::default(),
            projection: None,
        };
        let rows: Vec<Row> = sample.par_iter().map(|p| model.row(p, tuning)).collect();
        model.train_latent(&rows, tuning.dimensions);
        model
    }

    /// The TF-IDF vector of an article: sublinear frequency times IDF, its
    /// strongest `terms_per_article` terms, unit length.
    pub(crate) fn row(&self, profile: &Profile, tuning: &Tuning) -> Row {
        let mut row: Row = profile
            .weights
            .iter()
            .filter_map(|&(term, frequency)| {
                let idf = self.idf.get(&term).copied().unwrap_or(self.unseen_idf);
                (idf > 0.0).then(|| (term, (1.0 + frequency.ln()) * idf))
            })
            .collect();
        // Keep the strongest terms; ties by term so the cut is deterministic.
        row.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        row.truncate(tuning.terms_per_article);
        row.sort_unstable_by_key(|&(t, _)| t);
        let norm = row.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        row
    }

    /// Whether candidates may be gathered through this term.
    pub(crate) fn queryable(&self, term: Term) -> bool {
        !self.unqueryable.contains(&term)
    }

    /// The article's coordinates in the latent space (unit length), if there is one.
    pub(crate) fn coordinates(&self, row: &Row) -> Option<Vec<f32>> {
        let projection = self.projection.as_ref()?;
        let mut out = vec![0f32; projection.cols];
        for &(term, weight) in row {
            if let Some(&i) = self.latent_index.get(&term) {
                for (o, p) in out.iter_mut().zip(projection.row(i as usize)) {
                    *o += weight * p;
                }
            }
        }
        normalise_row(&mut out);
        Some(out)
    }

    /// Randomised truncated SVD of the sample's TF-IDF matrix A (one power
    /// iteration); keeps V_k, so that any article's coordinates are its
    /// row times V_k (for sample articles, exactly their rows of U_k Σ_k).
    fn train_latent(&mut self, rows: &[Row], dimensions: usize) {
        let width = dimensions + OVERSAMPLING;
        let terms = latent_terms(rows);
        if dimensions == 0 || rows.len() < 2 * width || terms.len() < 2 * width {
            return;
        }
        let index: FxHashMap<Term, u32> = terms.iter().enumerate().map(|(i, &t)| (t, i as u32)).collect();
        let sparse: Vec<SparseRow> = rows
            .par_iter()
            .map(|row| row.iter().filter_map(|(t, w)| Some((*index.get(t)?, *w))).collect())
            .collect();
        let mut columns: Vec<SparseRow> = vec![Vec::new(); terms.len()];
        for (doc, row) in sparse.iter().enumerate() {
            for &(term, weight) in row {
                columns[term as usize].push((doc as u32, weight));
            }
        }
        let mut omega = Dense::zeros(terms.len(), width);
        omega
            .data
            .par_chunks_mut(width)
            .zip(terms.par_iter())
            .for_each(|(row, &term)| {
                row.iter_mut()
                    .enumerate()
                    .for_each(|(j, v)| *v = seeded(u64::from(term), j))
            });
        let q = orthonormalise(&sparse_times(&sparse, &omega));
        drop(omega);
        let z = orthonormalise(&sparse_transpose_times(&columns, &q));
        let q = orthonormalise(&sparse_times(&sparse, &z));
        drop(z);
        // B = Qᵀ A, kept as Bᵀ = Aᵀ Q (terms × width); B Bᵀ = U S² Uᵀ.
        let bt = sparse_transpose_times(&columns, &q);
        let eigen = SymmetricEigen::new(gram(&bt));
        let mut order: Vec<usize> = (0..eigen.eigenvalues.len())
            .filter(|&i| eigen.eigenvalues[i] > 1e-9)
            .collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]).then(a.cmp(&b)));
        order.truncate(dimensions);
        if order.is_empty() {
            return;
        }
        // V_k = Bᵀ U_k S_k⁻¹.
        let mut m = DMatrix::<f64>::zeros(bt.cols, order.len());
        for (j, &i) in order.iter().enumerate() {
            let inverse = 1.0 / eigen.eigenvalues[i].sqrt();
            for a in 0..bt.cols {
                m[(a, j)] = eigen.eigenvectors[(a, i)] * inverse;
            }
        }
        self.projection = Some(times_small(&bt, &m));
        self.latent_index = index;
    }
}

/// The terms that shape the latent space, sorted: those shared by two
/// sample articles or more.
fn latent_terms(rows: &[Row]) -> Vec<Term> {
    let mut df: FxHashMap<Term, u32> = FxHashMap::default();
    for row in rows {
        for &(term, _) in row {
            *df.entry(term).or_insert(0) += 1;
        }
    }
    let mut terms: Vec<Term> = df.into_iter().filter(|&(_, d)| d >= 2).map(|(t, _)| t).collect();
    terms.sort_unstable();
    terms
}
