//! Why an article is (or is not) on a topic: the keywords found, where,
//! the sentences a `not:` phrase cancelled, and the score against the
//! threshold, so that editors can tune `site.yaml`'s rules.

use super::matching::{self, Score};
use super::TopicMatcher;
use crate::analyse::keywords::Place;
use crate::analyse::tokens::Analysis;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The reasons behind one article's place on one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Explanation {
    /// What the rule found (`None`: not satisfied).
    pub score: Option<Score>,
    /// The rule's threshold (`min_mentions`).
    pub min_mentions: u32,
    /// Whether the score is enough.
    pub matched: bool,
    /// Each keyword found: its text and mentions per place (headline, lede, body).
    pub keywords: Vec<(String, [u32; 3])>,
    /// Sentences the top group's `not:` phrases cancelled.
    pub cancelled: usize,
}

/// Explains `topic` for one analysed article.
pub(crate) fn explain(matcher: &TopicMatcher, topic: usize, analysis: &Analysis) -> Explanation {
    let score = matcher.score(topic, analysis);
    let own = matcher.rule(topic).map(|rule| rule.phrases()).unwrap_or_default();
    let mut keywords: BTreeMap<usize, [u32; 3]> = BTreeMap::new();
    for hit in analysis
        .keyword_hits
        .iter()
        .filter(|h| own.binary_search(&(h.phrase as usize)).is_ok())
    {
        let counts = keywords.entry(hit.phrase as usize).or_default();
        counts[super::rules::place_index(hit.place)] += 1;
    }
    let cancelled = matcher
        .rule(topic)
        .map_or(0, |rule| matching::cancelled(rule, &analysis.keyword_hits).len());
    Explanation {
        matched: score.is_some_and(|s| matcher.enough(topic, &s)),
        score,
        min_mentions: matcher.min_mentions(topic),
        keywords: keywords
            .into_iter()
            .map(|(phrase, counts)| (matcher.keyword_text(phrase).to_string(), counts))
            .collect(),
        cancelled,
    }
}

impl Explanation {
    /// One line: verdict, score and keywords, e.g.
    /// `assigned  score 9 (lead 6, body 3; 2 sentences together) ≥ 3  روسيا: headline 1, body 2 …`.
    pub(crate) fn line(&self) -> String {
        let mut out = String::new();
        let verdict = if self.matched { "assigned" } else { "not assigned" };
        match self.score {
            Some(s) => {
                let _ = write!(
                    out,
                    "{verdict}  score {} (lead {}, body {}",
                    s.mentions.total(),
                    s.mentions.lead,
                    s.mentions.body
                );
                if s.together > 0 {
                    let _ = write!(out, "; {} sentences together", s.together);
                }
                let _ = write!(out, ") against {}", self.min_mentions);
            }
            None => {
                let _ = write!(out, "{verdict}  rule not satisfied");
            }
        }
        if self.cancelled > 0 {
            let _ = write!(out, "; {} sentences cancelled by `not:`", self.cancelled);
        }
        for (text, counts) in &self.keywords {
            let places: Vec<String> = [Place::Headline, Place::Lede, Place::Body]
                .iter()
                .zip(counts)
                .filter(|(_, &n)| n > 0)
                .map(|(place, n)| format!("{} {n}", place.name()))
                .collect();
            let _ = write!(out, "  «{text}»: {}", places.join(", "));
        }
        out
    }
}
