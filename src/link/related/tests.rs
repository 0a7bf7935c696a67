use super::*;
use crate::analyse::tokens::{weights_print, Analyser};
use index::query_terms;
use scoring::{spread, RowTable};

/// The key of an article at `path` (as [`Profile::of`] gives it).
fn path_key(path: &str) -> u64 {
    crate::hash_bytes(path.as_bytes())
}

fn profile(key: u64, text: &str) -> Profile {
    let mut analyser = Analyser::new();
    let title = analyser.terms(text.lines().next().unwrap_or_default());
    let body = analyser.terms(text);
    let weights: std::sync::Arc<[(Term, f32)]> = crate::analyse::tokens::weigh(&title, &[], &body).into();
    Profile {
        key,
        weights_print: weights_print(&weights),
        weights,
        topics: Vec::new(),
        tags: Vec::new(),
        day: None,
        headline: format!("h{key}"),
        eligible: true,
    }
}

#[test]
fn nearest_by_shared_vocabulary() {
    let texts = [
        "مباراة كرة القدم انتهت بفوز الفريق على منافسه",
        "الفريق يستعد لمباراة كرة القدم المقبلة بتدريبات مكثفة",
        "أسعار النفط ترتفع في الأسواق بعد قرار أوبك خفض الإنتاج",
        "المستثمرون يتابعون أسعار النفط والذهب في الأسواق العالمية",
        "جماهير الفريق تحتفل بعد المباراة والمدرب يشيد باللاعبين",
    ];
    let profiles = texts
        .iter()
        .enumerate()
        .map(|(i, t)| profile(i as u64 * 7919, t))
        .collect();
    let result = RelatedState::compute(profiles, &Tuning::default()).lists();
    assert_eq!(result[2].first().map(|r| r.0), Some(3));
    assert!(
        result[0].iter().take(2).all(|&(j, _)| j == 1 || j == 4),
        "{:?}",
        result[0]
    );
    assert!(result.iter().enumerate().all(|(i, r)| r.iter().all(|&(j, _)| j != i)));
}

/// A synthetic archive: four vocabularies, words drawn by a seeded generator.
fn synthetic(n: usize, seed: u64) -> Vec<Profile> {
    let vocabularies = [
        ["نفط", "برميل", "أوبك", "إنتاج", "أسعار", "طاقة"],
        ["مباراة", "هدف", "لاعب", "مدرب", "دوري", "منتخب"],
        ["هاتف", "تطبيق", "شركة", "شاشة", "بطارية", "كاميرا"],
        ["انتخابات", "برلمان", "حكومة", "وزير", "حزب", "معارضة"],
    ];
    let mut next = crate::test_random(seed);
    (0..n)
        .map(|i| {
            let words = &vocabularies[i % 4];
            let text: Vec<String> = (0..30)
                .map(|_| format!("{} كلمة{}", words[(next() % 6) as usize], next() % 120))
                .collect();
            let mut p = profile(path_key(&format!("a{i}")), &text.join(" "));
            p.day = Some((i % 60) as i64);
            p
        })
        .collect()
}

fn small_tuning() -> Tuning {
    Tuning {
        dimensions: 8,
        min_sample: 64,
        candidates: 20,
        ..Tuning::default()
    }
}

#[test]
fn latent_space_keeps_vocabularies_apart() {
    let profiles = synthetic(400, 1);
    let state = RelatedState::compute(profiles.clone(), &small_tuning());
    for entry in &state.entries {
        let coordinates = entry.coordinates.as_ref().expect("a latent space");
        let norm: f32 = coordinates.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-3 || norm == 0.0, "{norm}");
    }
    let lists = state.lists();
    let same: usize = lists
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.iter().map(move |&(j, _)| (i % 4 == j % 4) as usize))
        .sum();
    let total: usize = lists.iter().map(Vec::len).sum();
    assert!(same * 10 >= total * 9, "{same} of {total} in the same vocabulary");
}

fn assert_same(updated: &RelatedState, fresh: &RelatedState, what: &str) {
    let (a, b) = (updated.lists(), fresh.lists());
    assert_eq!(a.len(), b.len(), "{what}");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let xb: Vec<(usize, u32)> = x.iter().map(|&(j, s)| (j, s.to_bits())).collect();
        let yb: Vec<(usize, u32)> = y.iter().map(|&(j, s)| (j, s.to_bits())).collect();
        assert_eq!(xb, yb, "{what}: list of {i}");
    }
}

/// Asserts that two indexes hold the same lists, weights to the bit.
fn assert_same_index(a: &Index, b: &Index, what: &str) {
    let sorted = |map: &FxHashMap<Term, Vec<(u32, f32)>>| {
        let mut all: Vec<(Term, Vec<(u32, u32)>)> = map
            .iter()
            .map(|(t, list)| (*t, list.iter().map(|&(i, w)| (i, w.to_bits())).collect()))
            .collect();
        all.sort_unstable();
        all
    };
    assert_eq!(sorted(&a.postings), sorted(&b.postings), "{what}: postings");
    assert_eq!(sorted(&a.queries), sorted(&b.queries), "{what}: queries");
}

#[test]
fn an_index_built_by_ranges_equals_one_built_in_one_pass() {
    let tuning = small_tuning();
    let state = RelatedState::compute(synthetic(300, 6), &tuning);
    // The index by definition: every posting, entry after entry.
    let mut whole = Index {
        postings: FxHashMap::default(),
        queries: FxHashMap::default(),
    };
    for (i, entry) in state.entries.iter().enumerate() {
        for &(term, weight) in entry.row.iter().filter(|&&(t, _)| state.model.queryable(t)) {
            whole.postings.entry(term).or_default().push((i as u32, weight));
        }
        for (term, weight) in query_terms(&entry.row, tuning.query_terms, &state.model) {
            whole.queries.entry(term).or_default().push((i as u32, weight));
        }
    }
    assert!(whole.postings.values().any(|list| list.len() > 1));
    for target in [1, 50, 1000, 10_000, usize::MAX] {
        let built = Index::build_in(&state.entries, &state.model, &tuning, target);
        assert_same_index(&built, &whole, &format!("ranges of {target} postings"));
    }
    let empty = Index::build_in(&[], &state.model, &tuning, 4);
    assert!(empty.postings.is_empty() && empty.queries.is_empty());
}

#[test]
fn incremental_updates_equal_a_fresh_computation() {
    let tuning = small_tuning();
    let base = synthetic(400, 2);
    assert!(
        Sampler::of(&base, tuning.min_sample).level >= 2,
        "the test needs a sample"
    );
    let replacement = synthetic(400, 99);
    // With the index kept in memory (serve, patched by edits) and without
    // (a build from the cache, which gathers the lists it needs).
    for from_cache in [false, true] {
        let mut state = RelatedState::compute(base.clone(), &tuning);
        let mut current = base.clone();
        let (mut fast_updates, mut patched) = (0, 0);
        for step in 0..12usize {
            let target = (step * 37 + 5) % current.len();
            match step % 4 {
                // Edit an article's text.
                0 | 1 => {
                    let key = current[target].key;
                    current[target] = Profile {
                        key,
                        ..replacement[target].clone()
                    };
                }
                // Remove one.
                2 => {
                    current.remove(target);
                }
                // Add one, and change another's topics and eligibility.
                _ => {
                    let mut added = replacement[step].clone();
                    added.key = path_key(&format!("new{step}"));
                    current.insert(target, added);
                    let n = current.len();
                    current[(target + 1) % n].topics = vec![1];
                    current[(target + 2) % n].eligible = false;
                }
            }
            if from_cache {
                state.forget_index();
            }
            let (next, report) = state.update(current.clone(), &tuning, false);
            let what = format!("step {step}, from the cache: {from_cache}");
            if !report.retrained {
                fast_updates += 1;
                assert!(report.recomputed < current.len() / 2, "{what}: {report:?}");
            }
            assert_same(&next, &RelatedState::compute(current.clone(), &tuning), &what);
            // An index patched in place holds exactly what a rebuilt one would.
            if let Some(kept) = next.index.as_ref() {
                let rebuilt = Index::build(&next.entries, &next.model, &tuning);
                assert_same_index(kept, &rebuilt, &what);
                patched += usize::from(!report.retrained);
            }
            state = next;
        }
        assert!(fast_updates >= 3, "only {fast_updates} updates avoided retraining");
        match from_cache {
            true => assert_eq!(patched, 0, "an index kept without serve"),
            false => assert!(patched >= 1, "no edit patched the index in memory"),
        }
    }
}

#[test]
fn lists_do_not_depend_on_the_thread_count() {
    let profiles = synthetic(300, 3);
    let tuning = small_tuning();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| RelatedState::compute(profiles.clone(), &tuning));
    let b = three.install(|| RelatedState::compute(profiles, &tuning));
    assert_same(&a, &b, "1 vs 3 threads");
}

#[test]
fn a_stale_model_is_accepted_only_when_asked_and_trained_again_after() {
    let tuning = small_tuning();
    let base = synthetic(400, 4);
    let sampler = Sampler::of(&base, tuning.min_sample);
    let state = RelatedState::compute(base.clone(), &tuning);
    let replacement = synthetic(400, 77);
    let sampled = base
        .iter()
        .position(|p| sampler.contains(p))
        .expect("an article in the model's sample");
    let mut current = base;
    current[sampled] = Profile {
        key: current[sampled].key,
        ..replacement[sampled].clone()
    };
    // A preview takes the edit at once, with the old model.
    let (stale, report) = state.update(current.clone(), &tuning, true);
    assert!(report.stale && !report.retrained, "{report:?}");
    assert!(report.recomputed < current.len() / 2, "{report:?}");
    let fresh = RelatedState::compute(current.clone(), &tuning);
    // Still stale on a further quick update; trained again without `stale_ok`.
    let (still, report) = stale.update(current.clone(), &tuning, true);
    assert!(report.stale && !report.retrained, "{report:?}");
    let (trained, report) = still.update(current.clone(), &tuning, false);
    assert!(report.retrained && !report.stale, "{report:?}");
    assert_same(&trained, &fresh, "after training again");
}

#[test]
fn recent_articles_stay_out_of_the_sample_so_editing_or_adding_them_does_not_retrain() {
    let tuning = small_tuning();
    // 400 articles over 400 days: the newest 60 days and up to a 91-day step more are never sampled.
    let mut current: Vec<Profile> = synthetic(400, 5)
        .into_iter()
        .enumerate()
        .map(|(i, p)| Profile {
            day: Some(i as i64),
            ..p
        })
        .collect();
    let sampler = Sampler::of(&current, tuning.min_sample);
    let cutoff = sampler.cutoff.expect("enough older articles for a cutoff");
    assert!(cutoff <= 399 - model::RECENT_DAYS && cutoff > 399 - model::RECENT_DAYS - model::CUTOFF_STEP_DAYS);
    assert!(current
        .iter()
        .filter(|p| sampler.contains(p))
        .all(|p| p.day < Some(cutoff)));
    let mut state = RelatedState::compute(current.clone(), &tuning);
    let replacement = synthetic(400, 55);
    // Edit every one of the ten newest articles, then add a newer one: never trained again.
    for i in 390..400 {
        current[i] = Profile {
            key: current[i].key,
            day: current[i].day,
            ..replacement[i].clone()
        };
        let (next, report) = state.update(current.clone(), &tuning, false);
        assert!(!report.retrained, "editing article {i} retrained the model");
        state = next;
    }
    let mut added = replacement[7].clone();
    added.key = path_key("a-new-article");
    added.day = Some(400);
    current.push(added);
    let (next, report) = state.update(current.clone(), &tuning, false);
    assert!(!report.retrained, "adding the newest article retrained the model");
    assert_same(
        &next,
        &RelatedState::compute(current.clone(), &tuning),
        "after the edits and the addition",
    );
    // Editing an old, sampled article does.
    let sampled = current
        .iter()
        .position(|p| sampler.contains(p))
        .expect("a sampled article");
    current[sampled].weights = replacement[sampled].weights.clone();
    let (_, report) = next.update(current, &tuning, false);
    assert!(report.retrained, "editing a sampled article did not retrain");
}

#[test]
fn the_row_table_gives_the_merged_dot_product_bit_for_bit() {
    // Rows of synthetic articles, some sharing terms, of very different
    // lengths (a table sized for a long row is then reused for short ones),
    // and terms that all fall in one bucket of the table, more than it holds.
    let profiles = synthetic(60, 7);
    let tuning = small_tuning();
    let state = RelatedState::compute(profiles, &tuning);
    let mut rows: Vec<Row> = state.entries.iter().map(|e| e.row.clone()).collect();
    rows.push((0..500u32).map(|t| (t * 64, 1.0 / (t + 1) as f32)).collect());
    rows.push(vec![(0, 0.5), (64, 0.25), (128, 0.125)]);
    rows.push(Vec::new());
    // 20 terms get 16 buckets; these share the first one.
    let one_bucket: Row = (0u32..)
        .filter(|&t| spread(t, 4) == 0)
        .take(20)
        .map(|t| (t, 1.0 / (t + 2) as f32))
        .collect();
    rows.push(one_bucket.iter().step_by(2).copied().collect());
    rows.push(one_bucket);
    let mut table = RowTable::default();
    let mut shared = 0;
    let mut spilled = 0;
    for a in &rows {
        table.load(a);
        spilled += table.spilled.len();
        for b in &rows {
            let merged = sparse_cosine(a, b);
            assert_eq!(
                table.dot(b).to_bits(),
                merged.to_bits(),
                "{} × {} terms",
                a.len(),
                b.len()
            );
            shared += usize::from(merged != 0.0);
        }
    }
    assert!(shared > rows.len(), "the rows share terms: {shared}");
    assert!(spilled > 0, "no row filled a bucket");
}

/// 400 articles, one a day over days 0–399 (the synthetic vocabularies).
fn dated_archive(seed: u64) -> Vec<Profile> {
    synthetic(400, seed)
        .into_iter()
        .enumerate()
        .map(|(i, p)| Profile {
            day: Some(i as i64),
            ..p
        })
        .collect()
}

/// Adds `count` new articles one at a time, each dated on or after the
/// newest (the cutoff's step is not crossed), and asserts that none of
/// them trains the model again and that the lists equal a clean build.
fn add_new_articles_without_retraining(mut current: Vec<Profile>, count: usize, what: &str) {
    let tuning = small_tuning();
    let sampler = Sampler::of(&current, tuning.min_sample);
    assert!(
        sampler.level >= 2,
        "{what}: the sample should be a quarter or less: {sampler:?}"
    );
    let mut state = RelatedState::compute(current.clone(), &tuning);
    let text = synthetic(count, 77);
    for (i, new) in text.into_iter().enumerate() {
        // Days 400–411 (two a day): 411 − 60 stays inside the step that 399 − 60 is in.
        current.push(Profile {
            key: path_key(&format!("new-article-{i}")),
            day: Some(400 + (i / 2) as i64),
            ..new
        });
        assert_eq!(
            Sampler::of(&current, tuning.min_sample),
            sampler,
            "{what}: addition {i} moved the sample"
        );
        let (next, report) = state.update(current.clone(), &tuning, false);
        assert!(!report.retrained, "{what}: new article {i} retrained the model");
        state = next;
    }
    assert_same(&state, &RelatedState::compute(current, &tuning), what);
}

#[test]
fn no_new_recent_article_retrains_the_model() {
    // With a URL-keyed quarter sampled from every article, 24 additions
    // would all miss the sample with a chance of 0.75^24 = 0.1%.
    add_new_articles_without_retraining(dated_archive(8), 24, "plain archive");
}

#[test]
fn one_article_dated_far_ahead_does_not_put_new_articles_into_the_sample() {
    // A typo date (day 40,000, a century ahead) once set the cutoff from it:
    // every article was then "old", and a quarter of new ones were sampled.
    let mut archive = dated_archive(9);
    archive[17].day = Some(40_000);
    let tuning = small_tuning();
    let without: Vec<Profile> = archive.iter().filter(|p| p.day != Some(40_000)).cloned().collect();
    assert_eq!(
        Sampler::of(&archive, tuning.min_sample),
        Sampler::of(&without, tuning.min_sample)
    );
    add_new_articles_without_retraining(archive, 24, "archive with a typo date");
}

#[test]
fn a_young_archive_trains_on_its_older_articles_alone() {
    // 1,500 articles over 250 days with the default minimum sample (4,096):
    // the 1,038 articles before the cutoff are few, but enough to train on
    // (MIN_OLDER), so additions stay out of the sample.
    let min_sample = Tuning::default().min_sample;
    let mut profiles: Vec<Profile> = (0..1500u64)
        .map(|i| Profile {
            day: Some((i / 6) as i64 + 100),
            ..profile(path_key(&format!("y{i}")), "نص")
        })
        .collect();
    let sampler = Sampler::of(&profiles, min_sample);
    let cutoff = sampler.cutoff.expect("a cutoff with 1,000 older articles");
    assert_eq!(sampler.level, 0);
    let older = profiles.iter().filter(|p| p.day < Some(cutoff)).count();
    assert!(older >= model::MIN_OLDER && older < min_sample, "{older}");
    for i in 0..50 {
        let new = Profile {
            day: Some(350),
            ..profile(path_key(&format!("young-new-{i}")), "نص")
        };
        assert!(!sampler.contains(&new), "new article {i} is in the sample");
        profiles.push(new);
        assert_eq!(Sampler::of(&profiles, min_sample), sampler);
    }
}
