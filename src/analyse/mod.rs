//! Arabic text analysis: normalisation, tokens (stems without stop words)
//! and keyword mentions, computed once per article and shared by topics,
//! related articles and search.

pub mod keywords;
pub mod normalise;
pub mod search_terms;
pub mod tokens;

use crate::article::Article;
use keywords::{Keywords, BODY_MENTION, LEDE_MENTION, TITLE_MENTION};
use rayon::prelude::*;
use tokens::{Analyser, Analysis};

/// Analyses every article in parallel: fills `Article::analysis` and frees
/// the plain text it was computed from.
pub fn analyse_all(articles: &mut [Article], keywords: &Keywords) {
    articles
        .par_iter_mut()
        .for_each_init(Analyser::new, |analyser, article| {
            analyse(analyser, keywords, article);
        });
}

/// Analyses one article with a (reused) analyser.
pub fn analyse(analyser: &mut Analyser, keywords: &Keywords, article: &mut Article) {
    let spot = !keywords.is_empty();
    let title = analyser.field(&article.title, spot);
    let lede = analyser.field(article.summary.as_deref().unwrap_or_default(), spot);
    let plain_text = std::mem::take(&mut article.plain_text);
    let body = analyser.field(&plain_text, spot);
    drop(plain_text);
    // The search index and headline matching want the fully folded form:
    // derived from the stemming form, not normalised a second time.
    let headline = normalise::refold_for_matching(&title.text);
    let search = search_terms::SearchTerms::of_normalised([
        headline.clone(),
        normalise::refold_for_matching(&lede.text),
        normalise::refold_for_matching(&body.text),
    ]);
    let keyword_mentions = if spot {
        keywords.count(&[
            (&title.keys(), TITLE_MENTION, true),
            (&lede.keys(), LEDE_MENTION, true),
            (&body.keys(), BODY_MENTION, false),
        ])
    } else {
        Vec::new()
    };
    let weights = tokens::weigh(&title.terms, &lede.terms, &body.terms);
    article.analysis = Analysis {
        weights_print: tokens::weights_print(&weights),
        weights: weights.into(),
        keyword_mentions,
        search,
        headline,
    };
}
