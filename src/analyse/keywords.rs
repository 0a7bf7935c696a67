//! Keyword spotting: counts weighted mentions of keyword phrases (topic
//! rules) in an article while its text is analysed.
//!
//! A text word matches a keyword word when their light forms are equal
//! (normalised, conjunction and article or preposition removed: "وبكين",
//! "لبكين" → "بكين"), or when their stems are equal and the text's light
//! form extends the keyword's ("الصينيون" → "صينيون" extends "صين"). A
//! word that merely contains the keyword's letters ("فيروس" for "روس", the
//! striker "كين" for "بكين") does not match. A keyword word written with
//! the article ("الروس") needs the article in the text too, so the Wilbur
//! Ross of «ويلبور روس» is not "the Russians".

use crate::analyse::normalise::{fold_char, fold_char_for_stemming, normalise_with};
use crate::analyse::tokens::{Analyser, Term};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// Weights of a mention in the headline, lede and body.
pub(crate) const TITLE_MENTION: u32 = 3;
/// See [`TITLE_MENTION`].
pub(crate) const LEDE_MENTION: u32 = 2;
/// See [`TITLE_MENTION`].
pub(crate) const BODY_MENTION: u32 = 1;

/// Letters a word keeps after a bare preposition (ب ل ك) is removed; shorter
/// words keep it, so "بكين" stays "بكين" while "لروسيا" becomes "روسيا".
const MIN_AFTER_PREPOSITION: usize = 4;

/// Where in an article a keyword was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The headline.
    Headline,
    /// The summary, or the first paragraph of an article without one.
    Lede,
    /// The rest of the text.
    Body,
}

impl Place {
    /// Weight of one mention here.
    pub(crate) fn weight(self) -> u32 {
        match self {
            Place::Headline => TITLE_MENTION,
            Place::Lede => LEDE_MENTION,
            Place::Body => BODY_MENTION,
        }
    }

    /// The name rules use for it (`in: [headline, lede, body]`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Place::Headline => "headline",
            Place::Lede => "lede",
            Place::Body => "body",
        }
    }
}

/// One mention of a keyword phrase: which, where, in which sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    /// Index of the phrase in [`Keywords`].
    pub phrase: u32,
    /// Headline, lede or body.
    pub place: Place,
    /// Sentence number within the article (the headline is sentence 0),
    /// for rules that want their keywords together in one sentence.
    pub sentence: u32,
}

/// Weighted mentions of one phrase in an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Mentions {
    /// In the headline and lede.
    pub lead: u32,
    /// In the body.
    pub body: u32,
}

impl Mentions {
    /// Both together.
    pub(crate) fn total(&self) -> u32 {
        self.lead + self.body
    }
}

/// One word of text, as matching sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordKey<'a> {
    /// Stem term.
    pub stem: Term,
    /// Hash of the folded light form.
    pub light: u64,
    /// The light form, not yet folded (a slice of the analysed text).
    pub light_text: &'a str,
    /// The word carried the article (ال, بال, كال, لل).
    pub definite: bool,
}

impl<'a> WordKey<'a> {
    /// The key of one word (folded for stemming) with its stem term.
    pub(crate) fn new(word: &'a str, stem: Term) -> Self {
        let (light_text, definite) = light_form_and_article(word);
        WordKey {
            stem,
            light: light_hash(light_text),
            light_text,
            definite,
        }
    }
}

/// One word of a keyword phrase.
#[derive(Debug, Clone)]
struct KeywordWord {
    stem: Term,
    light: u64,
    /// The light form, folded.
    light_folded: String,
    /// Written with the article: the text's word must have it too.
    definite: bool,
}

/// Removes proclitics: an optional conjunction (و ف), then an article (ال,
/// or ال behind ب ك ل) or a bare preposition before a long enough word.
pub(crate) fn light_form(word: &str) -> &str {
    light_form_and_article(word).0
}

/// [`light_form`], and whether an article was removed.
fn light_form_and_article(word: &str) -> (&str, bool) {
    let len = |s: &str| s.chars().count();
    let mut rest = word;
    if let Some(after) = rest.strip_prefix('و').or_else(|| rest.strip_prefix('ف')) {
        if len(after) >= 3 {
            rest = after;
        }
    }
    for article in ["بال", "كال", "لل", "ال"] {
        if let Some(after) = rest.strip_prefix(article) {
            if len(after) >= 2 {
                return (after, true);
            }
        }
    }
    for preposition in ['ب', 'ل', 'ك'] {
        if let Some(after) = rest.strip_prefix(preposition) {
            if len(after) >= MIN_AFTER_PREPOSITION {
                return (after, false);
            }
        }
    }
    (rest, false)
}

/// Hash of a word's fully folded form, without allocating.
fn light_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    let mut buffer = [0u8; 4];
    for c in text.chars().filter_map(fold_char) {
        hasher.write(c.encode_utf8(&mut buffer).as_bytes());
    }
    hasher.finish()
}

/// True when `text`, folded, starts with `prefix` (already folded).
fn starts_with_folded(text: &str, prefix: &str) -> bool {
    let mut folded = text.chars().filter_map(fold_char);
    prefix.chars().all(|p| folded.next() == Some(p))
}

/// The keyword phrases of a site, compiled.
#[derive(Debug, Default)]
pub(crate) struct Keywords {
    phrases: Vec<Vec<KeywordWord>>,
    by_first_light: FxHashMap<u64, Vec<usize>>,
    by_first_stem: FxHashMap<Term, Vec<usize>>,
}

impl Keywords {
    /// Compiles a phrase and returns its index (the same index for a phrase
    /// added twice). A phrase of stop words only is refused with its text.
    pub(crate) fn add(&mut self, phrase: &str, analyser: &mut Analyser) -> Result<usize, String> {
        let light = normalise_with(phrase, fold_char_for_stemming);
        let words: Vec<KeywordWord> = light
            .split(' ')
            .filter_map(|word| {
                let stem = analyser.term(word)?;
                let (light_text, definite) = light_form_and_article(word);
                Some(KeywordWord {
                    stem,
                    light: light_hash(light_text),
                    light_folded: light_text.chars().filter_map(fold_char).collect(),
                    definite,
                })
            })
            .collect();
        let Some(first) = words.first() else {
            return Err(phrase.to_string());
        };
        let same = |other: &Vec<KeywordWord>| {
            other.len() == words.len()
                && other
                    .iter()
                    .zip(&words)
                    .all(|(a, b)| a.light_folded == b.light_folded && a.definite == b.definite)
        };
        if let Some(existing) = self.phrases.iter().position(same) {
            return Ok(existing);
        }
        let index = self.phrases.len();
        self.by_first_light.entry(first.light).or_default().push(index);
        self.by_first_stem.entry(first.stem).or_default().push(index);
        self.phrases.push(words);
        Ok(index)
    }

    /// True when there is nothing to spot.
    pub(crate) fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every mention in a field: (word position, phrase), in order. At
    /// each position only the longest matching phrase is credited, so
    /// overlapping keywords ("الروس", "الروسي") do not count one word twice.
    pub(crate) fn spot(&self, words: &[WordKey]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        if self.phrases.is_empty() {
            return found;
        }
        let mut candidates = Vec::new();
        for start in 0..words.len() {
            candidates.clear();
            if let Some(hits) = self.by_first_light.get(&words[start].light) {
                candidates.extend_from_slice(hits);
            }
            if let Some(hits) = self.by_first_stem.get(&words[start].stem) {
                candidates.extend_from_slice(hits);
            }
            candidates.sort_unstable();
            candidates.dedup();
            let best = candidates
                .iter()
                .copied()
                .filter(|&phrase| {
                    let keys = &self.phrases[phrase];
                    words.len() - start >= keys.len()
                        && keys
                            .iter()
                            .zip(&words[start..])
                            .all(|(key, word)| word_matches(word, key))
                })
                .max_by_key(|&phrase| (self.phrases[phrase].len(), std::cmp::Reverse(phrase)));
            if let Some(phrase) = best {
                found.push((start, phrase));
            }
        }
        found
    }
}

fn word_matches(word: &WordKey, key: &KeywordWord) -> bool {
    (word.definite || !key.definite)
        && (word.light == key.light
            || (word.stem == key.stem && starts_with_folded(word.light_text, &key.light_folded)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_forms() {
        assert_eq!(light_form("وبكين"), "بكين");
        assert_eq!(light_form("لبكين"), "بكين");
        assert_eq!(light_form("بكين"), "بكين");
        assert_eq!(light_form("والصين"), "صين");
        assert_eq!(light_form("للصين"), "صين");
        assert_eq!(light_form("لروسيا"), "روسيا");
        assert_eq!(light_form("كين"), "كين");
    }

    fn mentions(keyword: &str, text: &str) -> u32 {
        let mut analyser = Analyser::new();
        let mut keywords = Keywords::default();
        keywords.add(keyword, &mut analyser).unwrap();
        let field = analyser.field(text, true);
        keywords.spot(&field.keys()).len() as u32
    }

    #[test]
    fn matches_variants_not_lookalikes() {
        assert_eq!(mentions("بكين", "وبكين ولبكين وبكين"), 3);
        assert_eq!(mentions("بكين", "هاري كين"), 0);
        assert_eq!(mentions("الصين", "الصينيون والصينية في الصين"), 3);
        assert_eq!(mentions("الروس", "فيروس"), 0);
        assert_eq!(mentions("بوتين", "وبوتين"), 1);
        assert_eq!(mentions("أرمينيا", "ارمينيا وأرمينيا"), 2);
        assert_eq!(mentions("شي جين بينغ", "الرئيس شي جين بينغ والرئيس شي"), 1);
    }

    #[test]
    fn a_keyword_with_the_article_needs_it_in_the_text() {
        // Wilbur Ross is not "the Russians"…
        assert_eq!(mentions("الروس", "وزير التجارة ويلبور روس"), 0);
        // …while the Russians are, with any clitic before the article.
        assert_eq!(mentions("الروس", "الروس وللروس وبالروس"), 3);
        // A keyword without the article still matches words with it.
        assert_eq!(mentions("روسي", "مسؤول روسي والوفد الروسي"), 2);
    }
}
