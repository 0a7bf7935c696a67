//! Keyword spotting: counts weighted mentions of keyword phrases (topic
//! rules) in an article while its text is analysed.
//!
//! A text word matches a keyword word when their light forms are equal
//! (normalised, conjunction and article or preposition removed: "وبكين",
//! "لبكين" → "بكين"), or when their stems are equal and the text's light
//! form extends the keyword's ("الصينيون" → "صينيون" extends "صين"). A
//! word that merely contains the keyword's letters ("فيروس" for "روس", the
//! striker "كين" for "بكين") does not match.

use crate::analyse::normalise::{fold_char, fold_char_for_stemming, normalise_with};
use crate::analyse::tokens::{Analyser, Term};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// Weights of a mention in the headline, lede and body.
pub const TITLE_MENTION: u32 = 3;
/// See [`TITLE_MENTION`].
pub const LEDE_MENTION: u32 = 2;
/// See [`TITLE_MENTION`].
pub const BODY_MENTION: u32 = 1;

/// Letters a word keeps after a bare preposition (ب ل ك) is removed; shorter
/// words keep it, so "بكين" stays "بكين" while "لروسيا" becomes "روسيا".
const MIN_AFTER_PREPOSITION: usize = 4;

/// Weighted mentions of one phrase in an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mentions {
    /// In the headline and lede.
    pub lead: u32,
    /// In the body.
    pub body: u32,
}

impl Mentions {
    /// Both together.
    pub fn total(&self) -> u32 {
        self.lead + self.body
    }
}

/// One word of text, as matching sees it.
#[derive(Debug, Clone, Copy)]
pub struct WordKey<'a> {
    /// Stem term.
    pub stem: Term,
    /// Hash of the folded light form.
    pub light: u64,
    /// The light form, not yet folded (a slice of the analysed text).
    pub light_text: &'a str,
}

impl<'a> WordKey<'a> {
    /// The key of one word (folded for stemming) with its stem term.
    pub fn new(word: &'a str, stem: Term) -> Self {
        let light_text = light_form(word);
        WordKey {
            stem,
            light: light_hash(light_text),
            light_text,
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
}

/// Removes proclitics: an optional conjunction (و ف), then an article (ال,
/// or ال behind ب ك ل) or a bare preposition before a long enough word.
pub fn light_form(word: &str) -> &str {
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
                return after;
            }
        }
    }
    for preposition in ['ب', 'ل', 'ك'] {
        if let Some(after) = rest.strip_prefix(preposition) {
            if len(after) >= MIN_AFTER_PREPOSITION {
                return after;
            }
        }
    }
    rest
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
pub struct Keywords {
    phrases: Vec<Vec<KeywordWord>>,
    by_first_light: FxHashMap<u64, Vec<usize>>,
    by_first_stem: FxHashMap<Term, Vec<usize>>,
}

impl Keywords {
    /// Compiles a phrase and returns its index (the same index for a phrase
    /// added twice). A phrase of stop words only is refused with its text.
    pub fn add(&mut self, phrase: &str, analyser: &mut Analyser) -> Result<usize, String> {
        let light = normalise_with(phrase, fold_char_for_stemming);
        let words: Vec<KeywordWord> = light
            .split(' ')
            .filter_map(|word| {
                let stem = analyser.term(word)?;
                let light_text = light_form(word);
                Some(KeywordWord {
                    stem,
                    light: light_hash(light_text),
                    light_folded: light_text.chars().filter_map(fold_char).collect(),
                })
            })
            .collect();
        let Some(first) = words.first() else {
            return Err(phrase.to_string());
        };
        let same = |other: &Vec<KeywordWord>| {
            other.len() == words.len() && other.iter().zip(&words).all(|(a, b)| a.light_folded == b.light_folded)
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

    /// Number of phrases compiled.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// True when there is nothing to spot.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Weighted mentions of every phrase in the given fields; `lead` marks
    /// the fields (headline, lede) whose mentions show what the story is about.
    /// At each position only the longest matching phrase is credited, so
    /// overlapping keywords ("الروس", "الروسي") do not count one word twice.
    pub fn count(&self, fields: &[(&[WordKey], u32, bool)]) -> Vec<Mentions> {
        let mut counts = vec![Mentions::default(); self.phrases.len()];
        if self.phrases.is_empty() {
            return counts;
        }
        let mut candidates = Vec::new();
        for &(words, weight, lead) in fields {
            for start in 0..words.len() {
                candidates.clear();
                if let Some(found) = self.by_first_light.get(&words[start].light) {
                    candidates.extend_from_slice(found);
                }
                if let Some(found) = self.by_first_stem.get(&words[start].stem) {
                    candidates.extend_from_slice(found);
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
                    let entry = &mut counts[phrase];
                    if lead {
                        entry.lead += weight;
                    } else {
                        entry.body += weight;
                    }
                }
            }
        }
        counts
    }
}

fn word_matches(word: &WordKey, key: &KeywordWord) -> bool {
    word.light == key.light || (word.stem == key.stem && starts_with_folded(word.light_text, &key.light_folded))
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
        keywords.count(&[(&field.keys(), 1, false)])[0].body
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
}
