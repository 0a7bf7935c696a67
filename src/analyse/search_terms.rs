//! The words the search index holds for each article, computed once in the
//! analysis stage (and cached with it), so that building the index only
//! gathers them.
//!
//! Words are indexed in the form topic rules match them: [`normalise`]d
//! (diacritics, tatweel, alef and hamza forms, ى/ي, ة/ه, digits) and in
//! their [`light_form`] (conjunction and article or preposition removed),
//! stop words left out. The search page's script applies the same two
//! functions, ported to JavaScript, to the query.

use crate::analyse::keywords::light_form;
use crate::analyse::normalise::normalise;
use crate::analyse::tokens::is_stop_word;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Weight of a term in the headline, in the lede, and the cap on the count
/// of its mentions in the body: a posting's weight is the sum.
pub(crate) const TITLE_WEIGHT: u8 = 6;
/// See [`TITLE_WEIGHT`].
pub(crate) const LEDE_WEIGHT: u8 = 3;
/// See [`TITLE_WEIGHT`].
pub(crate) const BODY_CAP: u8 = 6;

/// An article's index terms with their weights, sorted by term: kept as one
/// string and one byte array rather than a string per term, because every
/// article of the archive holds them for the life of a build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchTerms {
    /// The terms, sorted, separated by single spaces (terms hold none).
    text: String,
    /// The weight of each term, in the same order.
    weights: Vec<u8>,
    /// Hash of `text` and `weights` (see [`SearchTerms::print`]).
    print: u64,
}

impl SearchTerms {
    /// The terms of an article's headline, lede and body text.
    #[cfg(test)]
    pub(crate) fn of(title: &str, lede: &str, body: &str) -> Self {
        SearchTerms::of_normalised([normalise(title), normalise(lede), normalise(body)])
    }

    /// [`SearchTerms::of`] the three fields already [`normalise`]d.
    pub(crate) fn of_normalised(fields: [String; 3]) -> Self {
        let mut counts: FxHashMap<&str, [u32; 3]> = FxHashMap::default();
        for (field, text) in fields.iter().enumerate() {
            for term in terms_of(text) {
                counts.entry(term).or_default()[field] += 1;
            }
        }
        let mut terms: Vec<(&str, u8)> = counts
            .into_iter()
            .map(|(term, [title, lede, body])| {
                let weight = TITLE_WEIGHT * title.min(1) as u8
                    + LEDE_WEIGHT * lede.min(1) as u8
                    + body.min(BODY_CAP as u32) as u8;
                (term, weight)
            })
            .collect();
        terms.sort_unstable();
        let mut text = String::with_capacity(terms.iter().map(|(t, _)| t.len() + 1).sum());
        for (n, (term, _)) in terms.iter().enumerate() {
            if n > 0 {
                text.push(' ');
            }
            text.push_str(term);
        }
        let weights: Vec<u8> = terms.iter().map(|&(_, w)| w).collect();
        SearchTerms {
            print: print_of(&text, &weights),
            text,
            weights,
        }
    }

    /// (term, weight) pairs, sorted by term.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.text
            .split(' ')
            .filter(|t| !t.is_empty())
            .zip(self.weights.iter().copied())
    }

    /// A hash of the terms and their weights, computed with them: tells
    /// whether an article's postings in the search index are still right.
    pub(crate) fn print(&self) -> u64 {
        self.print
    }

    /// Number of terms.
    pub(crate) fn len(&self) -> usize {
        self.weights.len()
    }

    /// True when the article has no index term.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }
}

/// The print of an article's terms (see [`SearchTerms::print`]).
fn print_of(text: &str, weights: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.write_u8(0xff);
    hasher.write(weights);
    hasher.finish()
}

/// The index terms of already [`normalise`]d text, in order, repeats
/// included: words that are not stop words, in their light form, of two
/// letters or more.
pub(crate) fn terms_of(normalised: &str) -> impl Iterator<Item = &str> {
    normalised
        .split(' ')
        .filter(|word| !word.is_empty() && !is_stop_word(word))
        .map(light_form)
        .filter(|term| term.chars().nth(1).is_some())
}

/// The index terms of a query, each once, in order: what the search
/// page's `terms()` computes in the browser.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in terms_of(&normalise(text)) {
        if !terms.iter().any(|t| t == term) {
            terms.push(term.to_string());
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_fold_spellings_and_clitics() {
        assert_eq!(query_terms("أسعار"), query_terms("اسعار"));
        assert_eq!(query_terms("والصين"), vec!["صين"]);
        assert_eq!(query_terms("الصِّينُ في بكين"), vec!["صين", "بكين"]);
        assert_eq!(query_terms("في من"), Vec::<String>::new());
        assert_eq!(query_terms("الصين والصين"), vec!["صين"]);
    }

    #[test]
    fn fields_weigh_and_body_mentions_are_capped() {
        let body = "الصين ".repeat(20) + "والاسعار";
        let terms = SearchTerms::of("الصين", "أسعار النفط", &body);
        let got: Vec<(&str, u8)> = terms.iter().collect();
        assert_eq!(
            got,
            vec![
                ("اسعار", LEDE_WEIGHT + 1),
                ("صين", TITLE_WEIGHT + BODY_CAP),
                ("نفط", LEDE_WEIGHT)
            ]
        );
        assert_eq!(terms.len(), 3);
        assert!(SearchTerms::of("", "في", "").is_empty());
    }
}
