//! Whether an article's keyword mentions satisfy a compiled rule, and how
//! strongly: the weighted mentions that count, where the rule lets them.

use super::rules::{place_index, Compiled, Options};
use crate::analyse::keywords::{Hit, Mentions, Place};

/// Body mentions that make a requirement of an `all` rule present without
/// a word in the headline or lede.
pub(crate) const BODY_PRESENCE: u32 = 3;

/// What a rule found in an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Score {
    /// Weighted mentions (headline 3, lede 2, body 1).
    pub mentions: Mentions,
    /// Mentions, unweighted.
    pub count: u32,
    /// Sentences where an `all … within: sentence` group was satisfied.
    pub together: u32,
}

impl Score {
    fn add(self, other: Score) -> Score {
        Score {
            mentions: Mentions {
                lead: self.mentions.lead + other.mentions.lead,
                body: self.mentions.body + other.mentions.body,
            },
            count: self.count + other.count,
            together: self.together + other.together,
        }
    }
}

/// Which hits count where a rule is evaluated.
#[derive(Debug, Clone)]
struct Scope<'a> {
    hits: &'a [Hit],
    places: [bool; 3],
    /// Sentences a `not:` phrase cancelled.
    cancelled: Vec<u32>,
    /// Only this sentence (inside a `within: sentence` group).
    sentence: Option<u32>,
}

impl<'a> Scope<'a> {
    fn counts(&self, hit: &Hit) -> bool {
        self.places[place_index(hit.place)]
            && self.sentence.is_none_or(|s| s == hit.sentence)
            && !self.cancelled.contains(&hit.sentence)
    }

    /// The scope of a group with these options: its `in:` narrows the
    /// places, its `not:` phrases cancel their sentences.
    fn narrow(&self, options: &Options) -> Scope<'a> {
        let mut scope = self.clone();
        if let Some(allowed) = options.places {
            for (place, allow) in scope.places.iter_mut().zip(allowed) {
                *place &= allow;
            }
        }
        if !options.not.is_empty() {
            scope.cancelled.extend(
                self.hits
                    .iter()
                    .filter(|h| options.not.contains(&(h.phrase as usize)))
                    .map(|h| h.sentence),
            );
            scope.cancelled.sort_unstable();
            scope.cancelled.dedup();
        }
        scope
    }
}

/// The score of `rule` over an article's hits, or `None` when it is not satisfied.
pub(crate) fn evaluate(rule: &Compiled, hits: &[Hit]) -> Option<Score> {
    let scope = Scope {
        hits,
        places: [true; 3],
        cancelled: Vec::new(),
        sentence: None,
    };
    score(rule, &scope)
}

/// The sentences cancelled by the `not:` phrases of `rule`'s top group.
pub(crate) fn cancelled(rule: &Compiled, hits: &[Hit]) -> Vec<u32> {
    let options = match rule {
        Compiled::Any(_, options) | Compiled::All(_, options) => options,
        Compiled::Phrase(_) => return Vec::new(),
    };
    let mut out: Vec<u32> = hits
        .iter()
        .filter(|h| options.not.contains(&(h.phrase as usize)))
        .map(|h| h.sentence)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn score(rule: &Compiled, scope: &Scope) -> Option<Score> {
    match rule {
        Compiled::Phrase(phrase) => {
            let mut found = Score::default();
            for hit in scope
                .hits
                .iter()
                .filter(|h| h.phrase as usize == *phrase && scope.counts(h))
            {
                found.count += 1;
                match hit.place {
                    Place::Body => found.mentions.body += hit.place.weight(),
                    _ => found.mentions.lead += hit.place.weight(),
                }
            }
            (found.count > 0).then_some(found)
        }
        Compiled::Any(items, options) => {
            let scope = scope.narrow(options);
            items.iter().filter_map(|item| score(item, &scope)).reduce(Score::add)
        }
        Compiled::All(items, options) => {
            let scope = scope.narrow(options);
            let found = if options.within_sentence {
                together(items, &scope)?
            } else {
                // Every requirement must be a real presence, not one passing
                // word: named in the headline or lede, or again and again in the body.
                items
                    .iter()
                    .map(|item| score(item, &scope).filter(|s| s.mentions.lead > 0 || s.mentions.body >= BODY_PRESENCE))
                    .try_fold(Score::default(), |sum, item| item.map(|s| sum.add(s)))?
            };
            if options.each > 0 {
                let enough = items
                    .iter()
                    .all(|item| score(item, &scope).is_some_and(|s| s.count >= options.each));
                if !enough {
                    return None;
                }
            }
            Some(found)
        }
    }
}

/// The sum over the sentences where every item is satisfied.
fn together(items: &[Compiled], scope: &Scope) -> Option<Score> {
    let mut sentences: Vec<u32> = scope
        .hits
        .iter()
        .filter(|h| scope.counts(h))
        .map(|h| h.sentence)
        .collect();
    sentences.sort_unstable();
    sentences.dedup();
    let mut total: Option<Score> = None;
    for sentence in sentences {
        let one = Scope {
            sentence: Some(sentence),
            ..scope.clone()
        };
        let parts: Option<Vec<Score>> = items.iter().map(|item| score(item, &one)).collect();
        if let Some(parts) = parts {
            let sum = parts.into_iter().fold(
                Score {
                    together: 1,
                    ..Score::default()
                },
                Score::add,
            );
            total = Some(total.map_or(sum, |t| t.add(sum)));
        }
    }
    total
}
