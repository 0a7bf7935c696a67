//! Arabic text analysis: normalisation, tokens (stems without stop words)
//! and keyword mentions, computed once per article and shared by topics,
//! related articles and search.

pub mod keywords;
pub mod normalise;
pub mod search_terms;
pub mod tokens;

use crate::article::Article;
use keywords::{Hit, Keywords, Place};
use tokens::{Analyser, Analysis, Field};

/// Analyses one article with a (reused) analyser.
pub(crate) fn analyse(analyser: &mut Analyser, keywords: &Keywords, article: &mut Article) {
    let spot = !keywords.is_empty();
    let title = analyser.field(&article.title, spot);
    let summary = article.summary.as_deref().unwrap_or_default();
    let plain_text = std::mem::take(&mut article.plain_text);
    // Topic rules want sentences (keywords named together) and paragraphs
    // (the first one is the lede when there is no summary); the fields are
    // then analysed a sentence at a time, which gives the same text and
    // terms (sentences end at characters that fold to a space anyway).
    let (lede, lede_sentences) = field_of(analyser, summary, spot);
    let (body, body_sentences) = field_of(analyser, &plain_text, spot);
    drop(plain_text);
    // The search index and headline matching want the fully folded form:
    // derived from the stemming form, not normalised a second time.
    let headline = normalise::refold_for_matching(&title.text);
    let search = search_terms::SearchTerms::of_normalised([
        headline.clone(),
        normalise::refold_for_matching(&lede.text),
        normalise::refold_for_matching(&body.text),
    ]);
    let keyword_hits = if spot {
        let mut hits = Vec::new();
        let mut record = |field: &Field, sentences: &Sentences, first: u32, place: &dyn Fn(u32) -> Place| {
            for (word, phrase) in keywords.spot(&field.keys()) {
                let sentence = sentences.of_word.get(word).copied().unwrap_or(0);
                hits.push(Hit {
                    phrase: phrase as u32,
                    place: place(sentence),
                    sentence: first + sentence,
                });
            }
        };
        record(&title, &Sentences::default(), 0, &|_| Place::Headline);
        record(&lede, &lede_sentences, 1, &|_| Place::Lede);
        let first = 1 + lede_sentences.count;
        let no_summary = lede.terms.is_empty();
        let first_paragraph = body_sentences.first_paragraph;
        record(&body, &body_sentences, first, &|sentence| {
            if no_summary && sentence < first_paragraph {
                Place::Lede
            } else {
                Place::Body
            }
        });
        hits
    } else {
        Vec::new()
    };
    let weights = tokens::weigh(&title.terms, &lede.terms, &body.terms);
    article.analysis = Analysis {
        weights_print: tokens::weights_print(&weights),
        weights: weights.into(),
        keyword_hits,
        search,
        headline,
    };
}

/// Where the sentences of a field are.
#[derive(Debug, Default)]
struct Sentences {
    /// Sentence of each word of the field (numbered from 0).
    of_word: Vec<u32>,
    /// Sentences in the field.
    count: u32,
    /// Sentences in its first paragraph.
    first_paragraph: u32,
}

/// Characters that end a sentence; `\n` also ends a paragraph.
fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '؟' | '؛' | '…' | '\n')
}

/// A field analysed a sentence at a time when keywords are spotted (with
/// where its sentences are), else in one go.
fn field_of(analyser: &mut Analyser, text: &str, spot: bool) -> (Field, Sentences) {
    if !spot {
        return (analyser.field(text, false), Sentences::default());
    }
    let mut field = Field {
        text: String::with_capacity(text.len()),
        terms: Vec::new(),
        words: Vec::new(),
    };
    let mut sentences = Sentences::default();
    let mut paragraph_done = false;
    let mut rest = text;
    while !rest.is_empty() {
        let (piece, end) = match rest.char_indices().find(|&(_, c)| ends_sentence(c)) {
            Some((i, c)) => (&rest[..i], Some((i, c))),
            None => (rest, None),
        };
        rest = match end {
            Some((i, c)) => &rest[i + c.len_utf8()..],
            None => "",
        };
        let part = analyser.field(piece, true);
        if !part.text.is_empty() {
            if !field.text.is_empty() {
                field.text.push(' ');
            }
            let offset = field.text.len();
            field.text.push_str(&part.text);
            field
                .words
                .extend(part.words.iter().map(|&(a, b)| (a + offset, b + offset)));
            field.terms.extend_from_slice(&part.terms);
            sentences
                .of_word
                .extend(std::iter::repeat_n(sentences.count, part.terms.len()));
            sentences.count += 1;
        }
        if !paragraph_done && sentences.count > 0 && (matches!(end, Some((_, '\n'))) || end.is_none()) {
            sentences.first_paragraph = sentences.count;
            paragraph_done = true;
        }
    }
    (field, sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_read_by_sentences_equals_one_read_whole() {
        let mut analyser = Analyser::new();
        for text in [
            "",
            "روسيا والصين.",
            "قال بوتين: «نعم». وأضاف شي جين بينغ؟ نعم!\nفقرة ثانية… ثم؛ ثالثة; 3.5 U.S.\n\n",
            "...؟؟ ",
            "بلا نقطة في آخرها",
        ] {
            let whole = analyser.field(text, true);
            let (split, sentences) = field_of(&mut analyser, text, true);
            assert_eq!(split.text, whole.text, "{text:?}");
            assert_eq!(split.terms, whole.terms, "{text:?}");
            assert_eq!(split.words, whole.words, "{text:?}");
            assert_eq!(sentences.of_word.len(), whole.terms.len());
        }
        let (_, sentences) = field_of(&mut analyser, "أولى. ثانية\nثالثة. رابعة", true);
        assert_eq!((sentences.count, sentences.first_paragraph), (4, 2));
        assert_eq!(sentences.of_word, vec![0, 1, 2, 3]);
    }
}
