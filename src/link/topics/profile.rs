//! A second opinion on rule matches: each topic gets a profile in the
//! related model's TF-IDF space, the centroid of its confident articles
//! (the editor's `seeds:`, and rule matches that name the story in the
//! headline and score at least [`CONFIDENT_FACTOR`] × `min_mentions`). A
//! rule match much further from the profile than the confident articles
//! are (under [`HOLD_FRACTION`] of their median similarity) is held back:
//! kept off the topic page, and reported as `topic-borderline` so that
//! `check` lists it with its reason.
//!
//! The profile is a function of the whole archive, computed afresh in every
//! build from the rows the related stage keeps: incremental builds hold
//! back exactly what a clean build holds back.

use super::matching::Score;
use super::TopicMatcher;
use crate::diagnostic::{Diagnostic, Kind};
use crate::link::related::model::Row;
use crate::link::Site;
use std::collections::BTreeMap;

/// A rule match is confident at this many times `min_mentions` with a
/// headline mention.
pub(crate) const CONFIDENT_FACTOR: u32 = 2;
/// Share of the confident articles' median similarity under which a match is borderline.
pub(crate) const HOLD_FRACTION: f32 = 0.4;
/// Confident articles a profile needs; with fewer, nothing is held back.
pub(crate) const MIN_CONFIDENT: usize = 3;

/// One rule match held back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Held {
    /// Article index in the site.
    pub article: usize,
    /// Topic index.
    pub topic: usize,
    /// Cosine with the topic's profile.
    pub similarity: f32,
    /// The cosine it needed.
    pub threshold: f32,
}

/// Sparse vector: (term, weight) sorted by term.
type Sparse = Vec<(u32, f32)>;

/// Cosine of `row` (unit length) with the centroid `sum` (a sum of unit
/// rows), leaving `row` out of it when it is one of them.
fn similarity(row: &Row, sum: &Sparse, sum_norm2: f32, member: bool) -> f32 {
    let d = crate::link::related::sparse_cosine(row, sum);
    let (d, n2) = if member {
        (d - 1.0, sum_norm2 - 2.0 * d + 1.0)
    } else {
        (d, sum_norm2)
    };
    if n2 <= 1e-12 {
        0.0
    } else {
        d / n2.sqrt()
    }
}

fn is_seed(seeds: &[String], path: &str, slug: &str) -> bool {
    seeds
        .iter()
        .any(|s| s.trim_matches('/') == path.trim_matches('/') || s.trim_matches('/') == slug)
}

/// Holds back the rule matches far from their topic's profile (front
/// matter's `topics:` always stands); `rows` are the related stage's rows
/// in the order of the site's articles. Returns what was held back.
pub(crate) fn hold_borderline(site: &mut Site, matcher: &TopicMatcher, rows: &[&Row]) -> Vec<Held> {
    let mut held = Vec::new();
    if rows.len() != site.articles.len() {
        return held;
    }
    for (topic, def) in site.config.topics.iter().enumerate() {
        // Articles on the topic by their rule, with their scores.
        let matched: Vec<(usize, Score)> = site
            .links
            .iter()
            .enumerate()
            .filter(|(_, links)| links.topics.contains(&topic))
            .filter_map(|(i, _)| Some((i, matcher.score(topic, &site.articles[i].analysis)?)))
            .filter(|(_, score)| matcher.enough(topic, score))
            .collect();
        let min = matcher.min_mentions(topic).max(1);
        let phrases = matcher.rule(topic).map(|r| r.phrases()).unwrap_or_default();
        let names_in_headline = |i: usize| {
            site.articles[i].analysis.keyword_hits.iter().any(|h| {
                h.place == crate::analyse::keywords::Place::Headline
                    && phrases.binary_search(&(h.phrase as usize)).is_ok()
            })
        };
        // Seeds (looked for only when there are some), then strong matches; sorted, once each.
        let mut confident: Vec<usize> = if def.seeds.is_empty() {
            Vec::new()
        } else {
            (0..site.articles.len())
                .filter(|&i| is_seed(&def.seeds, site.articles[i].path(), &site.articles[i].slug))
                .collect()
        };
        confident.extend(
            matched
                .iter()
                .filter(|(i, s)| s.mentions.total() >= CONFIDENT_FACTOR * min && names_in_headline(*i))
                .map(|&(i, _)| i),
        );
        confident.sort_unstable();
        confident.dedup();
        if confident.len() < MIN_CONFIDENT {
            continue;
        }
        let mut centroid: BTreeMap<u32, f32> = BTreeMap::new();
        for &i in &confident {
            for &(term, weight) in rows[i].iter() {
                *centroid.entry(term).or_insert(0.0) += weight;
            }
        }
        let sum: Sparse = centroid.into_iter().collect();
        let norm2: f32 = sum.iter().map(|&(_, w)| w * w).sum();
        let mut own: Vec<f32> = confident
            .iter()
            .map(|&i| similarity(rows[i], &sum, norm2, true))
            .collect();
        own.sort_by(f32::total_cmp);
        let threshold = HOLD_FRACTION * own[own.len() / 2];
        for &(i, _) in &matched {
            let article = &site.articles[i];
            if confident.binary_search(&i).is_ok() || article.topics.iter().any(|t| t.slug == def.slug) {
                continue;
            }
            let s = similarity(rows[i], &sum, norm2, false);
            if s < threshold {
                site.links[i].topics.retain(|&t| t != topic);
                held.push(Held {
                    article: i,
                    topic,
                    similarity: s,
                    threshold,
                });
            }
        }
    }
    held
}

/// The warning `check` lists for a held-back match.
pub(crate) fn diagnostic(site: &Site, held: &Held) -> Diagnostic {
    let article = &site.articles[held.article];
    let slug = site.config.topics.get(held.topic).map_or("?", |t| t.slug.as_str());
    Diagnostic::warning(
        &article.file,
        None,
        Kind::TopicBorderline,
        format!(
            "the rule of topic `{slug}` matches, but the text is far from the topic's other articles (similarity {:.3}, under {:.3}): held back from the topic page; name the topic in `topics:` to publish it, or tighten the rule",
            held.similarity, held.threshold
        ),
    )
}
