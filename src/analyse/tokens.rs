//! Tokens: normalised words with clitics and endings removed by the Arabic
//! Snowball stemmer, stop words dropped, each reduced to a 64-bit term id.
//! Computed once per article and shared by topics, related articles and
//! search.

use crate::analyse::normalise::{fold_char, fold_char_for_stemming, fold_stem, normalise_with};
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::Hasher;
use std::sync::OnceLock;

/// A term: the hash of a stem. Stable across runs and machines (FxHash has
/// no random seed), so outputs and caches are deterministic. 32 bits: every
/// article holds a few hundred of them, in its analysis, its related
/// profile and row and the inverted index, and (term, weight) pairs of 8
/// bytes instead of 16 halve that memory; an archive's few hundred
/// thousand stems give a handful of collisions, which merge two rare
/// terms and move no list measurably.
pub(crate) type Term = u32;

/// What analysis keeps of one article: the weighted frequency of each term
/// (headline ×3, lede ×2, body ×1) and the keyword mentions of the topic
/// rules. The token sequences themselves are not kept.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Analysis {
    /// (term, weighted frequency), sorted by term; shared with the related
    /// stage's profile of the article rather than copied.
    pub weights: std::sync::Arc<[(Term, f32)]>,
    /// [`weights_print`] of `weights`: computed once here, compared at
    /// every incremental build.
    pub weights_print: u64,
    /// Every mention of a keyword phrase of the site's topic rules, in order.
    pub keyword_hits: Vec<crate::analyse::keywords::Hit>,
    /// The article's terms in the search index.
    pub search: crate::analyse::search_terms::SearchTerms,
    /// The headline, normalised: how references and near-duplicates compare headlines.
    pub headline: String,
}

/// Hash of an article's weights (terms and the bits of their weights).
pub(crate) fn weights_print(weights: &[(Term, f32)]) -> u64 {
    let mut hasher = FxHasher::default();
    for &(term, weight) in weights {
        hasher.write_u32(term);
        hasher.write_u32(weight.to_bits());
    }
    hasher.finish()
}

/// Field weights of term frequency.
pub(crate) const TITLE_WEIGHT: f32 = 3.0;
/// See [`TITLE_WEIGHT`].
pub(crate) const LEDE_WEIGHT: f32 = 2.0;
/// See [`TITLE_WEIGHT`].
pub(crate) const BODY_WEIGHT: f32 = 1.0;

/// Weighted term frequencies of the three fields, sorted by term.
pub(crate) fn weigh(title: &[Term], lede: &[Term], body: &[Term]) -> Vec<(Term, f32)> {
    let mut tf: FxHashMap<Term, f32> = FxHashMap::default();
    for (terms, weight) in [(title, TITLE_WEIGHT), (lede, LEDE_WEIGHT), (body, BODY_WEIGHT)] {
        for &term in terms {
            *tf.entry(term).or_insert(0.0) += weight;
        }
    }
    let mut weights: Vec<(Term, f32)> = tf.into_iter().collect();
    weights.sort_unstable_by_key(|&(t, _)| t);
    weights
}

fn stop_words() -> &'static FxHashSet<&'static str> {
    static WORDS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| stop_word_list().collect())
}

/// True for a function word that carries no topic (the word as
/// [`normalise`](crate::analyse::normalise::normalise) writes it).
pub(crate) fn is_stop_word(word: &str) -> bool {
    stop_words().contains(word)
}

/// The stop words, in the order of the list (for the search index, whose
/// script must leave out the same words).
pub fn stop_word_list() -> impl Iterator<Item = &'static str> {
    include_str!("stopwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
}

/// Hashes a stem to its term id.
pub(crate) fn term_of(stem: &str) -> Term {
    let mut hasher = FxHasher::default();
    hasher.write(stem.as_bytes());
    hasher.write_u8(0xff);
    let hash = hasher.finish();
    // The high bits mix best in FxHash; fold them into the low ones.
    (hash >> 32) as u32 ^ hash as u32
}

/// One analysed field: terms, and where requested the words behind them.
pub(crate) struct Field {
    /// The text folded for stemming.
    pub text: String,
    /// Terms in order.
    pub terms: Vec<Term>,
    /// Byte range in `text` of the word behind each term (empty unless asked for).
    pub words: Vec<(usize, usize)>,
}

impl Field {
    /// Keyword-matching keys of the words (requires `keep_words`).
    pub(crate) fn keys(&self) -> Vec<crate::analyse::keywords::WordKey<'_>> {
        self.words
            .iter()
            .zip(&self.terms)
            .map(|(&(start, end), &term)| crate::analyse::keywords::WordKey::new(&self.text[start..end], term))
            .collect()
    }
}

/// Turns text into terms. Keeps a cache of words already stemmed: news
/// text repeats its vocabulary, and stemming is the costly part.
pub(crate) struct Analyser {
    stemmer: Stemmer,
    cache: FxHashMap<String, Option<Term>>,
}

impl Default for Analyser {
    fn default() -> Self {
        Analyser::new()
    }
}

impl Analyser {
    /// A fresh analyser with an empty cache.
    pub(crate) fn new() -> Self {
        Analyser {
            stemmer: Stemmer::create(Algorithm::Arabic),
            cache: FxHashMap::default(),
        }
    }

    /// The terms of `text`, in order, stop words left out.
    #[cfg(test)]
    pub(crate) fn terms(&mut self, text: &str) -> Vec<Term> {
        self.field(text, false).terms
    }

    /// Analyses one field: its terms, and with `keep_words` its normalised
    /// text and the words behind each term (for keyword spotting).
    pub(crate) fn field(&mut self, text: &str, keep_words: bool) -> Field {
        let light = normalise_with(text, fold_char_for_stemming);
        let mut terms = Vec::with_capacity(light.len() / 6);
        let mut words = Vec::new();
        let mut offset = 0;
        for word in light.split(' ') {
            let start = offset;
            offset += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            if let Some(term) = self.term(word) {
                terms.push(term);
                if keep_words {
                    words.push((start, start + word.len()));
                }
            }
        }
        Field {
            text: light,
            terms,
            words,
        }
    }

    /// The term of one word (already folded for stemming), or `None` for a stop word.
    pub(crate) fn term(&mut self, word: &str) -> Option<Term> {
        if let Some(&cached) = self.cache.get(word) {
            return cached;
        }
        let result = self.stem(word).map(|stem| term_of(&stem));
        self.cache.insert(word.to_string(), result);
        result
    }

    /// The stem of one word as a string (for tests and debugging), `None` for a stop word.
    pub(crate) fn stem(&self, word: &str) -> Option<String> {
        let folded: String = word.chars().filter_map(fold_char).collect();
        if folded.is_empty() || stop_words().contains(folded.as_str()) {
            return None;
        }
        let is_arabic = word.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        if !is_arabic {
            return Some(folded);
        }
        let unified = unify_clitics(word);
        let stem = fold_stem(&self.stemmer.stem(&unified));
        Some(if stem.is_empty() { folded } else { stem })
    }
}

/// Rewrites compound proclitics the Snowball stemmer misses (و/ف before
/// ال, لل, بال, كال; بال and كال themselves) to the plain article ال, so
/// that "والصين", "بالصين" and "وللصين" stem like "الصين".
fn unify_clitics(word: &str) -> String {
    let mut rest = word;
    if let Some(after) = rest.strip_prefix('و').or_else(|| rest.strip_prefix('ف')) {
        let compound = ["ال", "لل", "بال", "كال"].iter().any(|p| after.starts_with(p));
        if compound && after.chars().count() >= 4 {
            rest = after;
        }
    }
    for prefix in ["بال", "كال"] {
        if let Some(after) = rest.strip_prefix(prefix) {
            if after.chars().count() >= 2 {
                return format!("ال{after}");
            }
        }
    }
    rest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(word: &str) -> Option<String> {
        let analyser = Analyser::new();
        let light: String = word.chars().filter_map(fold_char_for_stemming).collect();
        analyser.stem(&light)
    }

    #[test]
    fn clitics_reach_the_same_stem() {
        assert_eq!(one("وبكين"), one("بكين"));
        assert_eq!(one("للصين"), one("الصين"));
        assert_eq!(one("والصين"), one("الصين"));
        assert_eq!(one("بالصين"), one("الصين"));
        assert_eq!(one("الصينيون"), one("الصين"));
        assert_eq!(one("الروسية"), one("الروسي"));
        assert_eq!(one("أرمينيا"), one("ارمينيا"));
        assert_eq!(one("وللتجارة"), one("التجارة"));
    }

    #[test]
    fn containing_letters_is_not_matching() {
        // "فيروس" (virus) holds the letters of "روس" but is another word.
        assert_ne!(one("فيروس"), one("الروس"));
        assert_ne!(one("دروس"), one("الروس"));
    }

    #[test]
    fn stop_words_and_latin() {
        assert_eq!(one("في"), None);
        assert_eq!(one("الذي"), None);
        assert_eq!(one("Siberia").as_deref(), Some("siberia"));
        let mut analyser = Analyser::new();
        assert_eq!(analyser.terms("في الصين").len(), 1);
        assert_eq!(analyser.terms("الصِّينُ"), analyser.terms("الصين"));
    }
}
