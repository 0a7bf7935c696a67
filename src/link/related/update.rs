//! The incremental update of a [`RelatedState`] to new profiles: the old
//! entries are matched with the new profiles ([`Edit::of`]), the lists the
//! edit can change are found through inverted lists of the terms involved
//! ([`Edit::affected`]) and only those are ranked again. The result equals
//! a fresh [`RelatedState::compute`] exactly, because similarity between
//! two articles depends only on those two and on the model.

use super::index::{gather_terms, posted_terms, query_terms, Index, Lists, TermSet};
use super::model::{Model, Row, Sampler};
use super::rank::rank_all;
use super::{positions, Entry, Profile, RelatedState, Tuning, UpdateReport};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Slack when comparing a partial score computed in another order.
const SCORE_SLACK: f32 = 1e-4;

/// [`RelatedState::update`]: see there.
pub(super) fn update(
    state: RelatedState,
    profiles: Vec<Profile>,
    tuning: &Tuning,
    stale_ok: bool,
) -> (RelatedState, UpdateReport) {
    let sampler = Sampler::of(&profiles, tuning.min_sample);
    // Where each article's entry is (keys, not entries: moving every
    // entry through a hash table was a third of an update's time).
    let position = positions(&state.entries);
    let sample_changed = sample_changed(&state, &profiles, sampler, &position);
    // Staleness is worth it only where training is costly: on an archive
    // larger than the minimum sample (every article is in the sample below).
    let stale_ok = stale_ok && profiles.len() > tuning.min_sample;
    let retrain = (sample_changed || state.stale) && !stale_ok;
    if retrain || *tuning != state.tuning || has_duplicate_keys(&profiles) {
        return compute_afresh(profiles, tuning);
    }
    let same_order = profiles.len() == state.entries.len()
        && profiles.iter().zip(&state.entries).all(|(p, e)| p.key == e.profile.key);
    let stale = state.stale || sample_changed;
    let RelatedState {
        model, entries, index, ..
    } = state;
    let edit = Edit::of(entries, &position, profiles, &model, tuning);
    let (entries, index, recomputed) = match edit.is_empty() {
        // No article changed: every list stands, and the index (built
        // only to find and rank the lists an edit affects) is not needed.
        true => (edit.entries, index, 0),
        false => edit.apply(index, same_order, &model, tuning),
    };
    let report = UpdateReport {
        retrained: false,
        recomputed,
        stale,
    };
    let state = RelatedState {
        tuning: tuning.clone(),
        model,
        entries,
        index,
        stale,
    };
    (state, report)
}

/// Whether the model's training sample differs between the state and
/// `profiles` (sampled by `sampler`): other articles, or a sampled
/// article with other weights. `position` is each entry's place by key.
fn sample_changed(
    state: &RelatedState,
    profiles: &[Profile],
    sampler: Sampler,
    position: &FxHashMap<u64, usize>,
) -> bool {
    let previous = |key: &u64| position.get(key).map(|&i| &state.entries[i]);
    let old_sample: FxHashSet<u64> = state
        .entries
        .iter()
        .filter(|e| state.model.sampler.contains(&e.profile))
        .map(|e| e.profile.key)
        .collect();
    let new_sample: FxHashSet<u64> = profiles.iter().filter(|p| sampler.contains(p)).map(|p| p.key).collect();
    sampler != state.model.sampler
        || old_sample != new_sample
        || profiles
            .iter()
            .any(|p| new_sample.contains(&p.key) && previous(&p.key).is_none_or(|e| e.profile.weights != p.weights))
}

/// Whether two profiles have the same key (the update cannot tell their
/// entries apart; a fresh computation can).
fn has_duplicate_keys(profiles: &[Profile]) -> bool {
    let keys: FxHashSet<u64> = profiles.iter().map(|p| p.key).collect();
    keys.len() != profiles.len()
}

/// The update that computes everything from scratch.
fn compute_afresh(profiles: Vec<Profile>, tuning: &Tuning) -> (RelatedState, UpdateReport) {
    let n = profiles.len();
    let report = UpdateReport {
        retrained: true,
        recomputed: n,
        stale: false,
    };
    (RelatedState::compute(profiles, tuning), report)
}

/// What an edit changed, once the old entries are matched with the new profiles.
struct Edit {
    /// One entry per new profile, in their order: the old entry where the
    /// profile is the same, a new one (with no list yet) where not.
    entries: Vec<Entry>,
    /// The new entries: of articles that changed or were added.
    changed: Vec<usize>,
    /// The old rows of changed articles (in the order of `changed`), then
    /// those of removed articles.
    gone_rows: Vec<Row>,
    /// Keys of the changed and removed articles.
    gone_keys: FxHashSet<u64>,
}

impl Edit {
    /// Matches the entries `old` (at `position` by key) with `profiles`.
    fn of(
        old: Vec<Entry>,
        position: &FxHashMap<u64, usize>,
        profiles: Vec<Profile>,
        model: &Model,
        tuning: &Tuning,
    ) -> Edit {
        let mut old: Vec<Option<Entry>> = old.into_iter().map(Some).collect();
        let mut edit = Edit {
            entries: Vec::with_capacity(profiles.len()),
            changed: Vec::new(),
            gone_rows: Vec::new(),
            gone_keys: FxHashSet::default(),
        };
        for profile in profiles {
            let found = position.get(&profile.key).and_then(|&i| old.get_mut(i)?.take());
            match found {
                Some(entry) if entry.profile == profile => edit.entries.push(entry),
                found => {
                    if let Some(entry) = found {
                        edit.remove(entry);
                    }
                    edit.add(profile, model, tuning);
                }
            }
        }
        for entry in old.into_iter().flatten() {
            edit.remove(entry);
        }
        edit
    }

    /// Records that `entry`'s article changed or is gone.
    fn remove(&mut self, entry: Entry) {
        self.gone_rows.push(entry.row);
        self.gone_keys.insert(entry.profile.key);
    }

    /// Appends a new entry for `profile`, its list to be ranked.
    fn add(&mut self, profile: Profile, model: &Model, tuning: &Tuning) {
        self.changed.push(self.entries.len());
        self.entries.push(Entry::new(profile, model, tuning));
    }

    /// True when no article changed, came or went.
    fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.gone_keys.is_empty()
    }

    /// Every row the edit moved: old versions, then new ones.
    fn moved_rows(&self) -> impl Iterator<Item = &Row> {
        self.gone_rows
            .iter()
            .chain(self.changed.iter().map(|&i| &self.entries[i].row))
    }

    /// Ranks again every list the edit can change. The lists are found,
    /// and ranked, through inverted lists of terms: `serve` keeps a whole
    /// index in memory and patches it ([`Edit::patch`]); otherwise only the
    /// lists of the terms involved are gathered, and none is kept (a whole
    /// index was most of an update's time: 0.12 of 0.2 s at 28k articles).
    /// Returns the entries, the index to keep and how many lists were ranked.
    fn apply(
        mut self,
        index: Option<Index>,
        same_order: bool,
        model: &Model,
        tuning: &Tuning,
    ) -> (Vec<Entry>, Option<Index>, usize) {
        let whole = self.patch(index, same_order, model, tuning);
        let mut partial = Index::default();
        let affected = match &whole {
            Some(index) => self.affected(index),
            None => {
                partial.queries = self.gather_queries(model, tuning);
                let affected = self.affected(&partial);
                partial.postings = self.gather_postings(&affected, model, tuning);
                affected
            }
        };
        self.rank(&affected, whole.as_ref().unwrap_or(&partial), model, tuning);
        (self.entries, whole, affected.len())
    }

    /// The whole index patched for the edit, when there is one and the
    /// articles are the same in the same order (only the edited ones'
    /// postings move, and each changed article has exactly one old row).
    fn patch(&self, index: Option<Index>, same_order: bool, model: &Model, tuning: &Tuning) -> Option<Index> {
        let mut index = index.filter(|_| same_order)?;
        for (&i, old_row) in self.changed.iter().zip(&self.gone_rows) {
            index.replace(i, old_row, &self.entries[i].row, model, tuning);
        }
        Some(index)
    }

    /// The query lists of the terms of the moved rows, over the entries
    /// holding any of them (all that [`Edit::affected`] reads).
    fn gather_queries(&self, model: &Model, tuning: &Tuning) -> Lists {
        let terms = TermSet::new(self.moved_rows().flat_map(|row| row.iter().map(|&(t, _)| t)).collect());
        gather_terms(&self.entries, &terms, |entry, push| {
            if entry.row.iter().any(|&(t, _)| terms.contains(t)) {
                for (term, weight) in query_terms(&entry.row, tuning.query_terms, model) {
                    push(term, weight);
                }
            }
        })
    }

    /// The postings of the query terms of the `affected` entries (all that
    /// ranking them reads).
    fn gather_postings(&self, affected: &[usize], model: &Model, tuning: &Tuning) -> Lists {
        let terms = TermSet::new(
            affected
                .iter()
                .flat_map(|&i| query_terms(&self.entries[i].row, tuning.query_terms, model))
                .map(|(term, _)| term)
                .collect(),
        );
        gather_terms(&self.entries, &terms, |entry, push| {
            for (term, weight) in posted_terms(&entry.row, model) {
                push(term, weight);
            }
        })
    }

    /// The entries whose list the edit can change, in entry order: the new
    /// ones, those whose list held a changed or removed article, and those
    /// whose candidates an old or new version of an article could enter
    /// (by its partial score through the `queries` of `index`).
    fn affected(&self, index: &Index) -> Vec<usize> {
        let mut affected: FxHashSet<usize> = self.changed.iter().copied().collect();
        for (i, entry) in self.entries.iter().enumerate() {
            if entry.list.iter().any(|(key, _)| self.gone_keys.contains(key)) {
                affected.insert(i);
            }
        }
        for row in self.moved_rows() {
            for (j, partial) in index.reverse_partials(row) {
                let j = j as usize;
                if partial > 0.0 && partial + SCORE_SLACK >= self.entries[j].threshold {
                    affected.insert(j);
                }
            }
        }
        let mut affected: Vec<usize> = affected.into_iter().collect();
        affected.sort_unstable();
        affected
    }

    /// Ranks the `affected` entries again through the postings of `index`.
    fn rank(&mut self, affected: &[usize], index: &Index, model: &Model, tuning: &Tuning) {
        let ranked = rank_all(affected.par_iter().copied(), &self.entries, index, model, tuning);
        for (&i, (list, threshold)) in affected.iter().zip(ranked) {
            self.entries[i].list = list;
            self.entries[i].threshold = threshold;
        }
    }
}
