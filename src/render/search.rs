//! Search on a static host: an inverted index split into small JSON files
//! under `search/`, read by the search page's script (`search/search.js`),
//! which fetches only the files a query needs.
//!
//! Words are indexed in the form topic rules match them: [`normalise`]d
//! (diacritics, tatweel, alef and hamza forms, ى/ي, ة/ه, digits) and in
//! their [`light_form`] (conjunction and article or preposition removed),
//! stop words left out. The script applies the same two functions, ported
//! to JavaScript, to the query, so «اسعار» finds «أسعار» and «والصين»
//! finds «الصين»; a query word of three letters or more also finds the
//! words that extend it («الصين» finds «الصينيون»).
//!
//! The files, all deterministic (sorted, no timestamps), with `<`, `>`
//! and `&` escaped in JSON strings so that no headline reads as markup:
//! - `search/meta.json`: the number of articles, the stop words, and the
//!   first term of each index chunk;
//! - `search/index/NNNN.json`: a range of terms in code point order, each
//!   with its postings `[article delta, weight, …]` (article numbers are
//!   positions in the newest-first order, written as the difference from
//!   the previous one);
//! - `search/docs/NNNN.json`: [`DOCS_PER_CHUNK`] articles a file, each
//!   `[path below the base path, headline, RFC 3339 date, date as the site
//!   writes it, lede]`, for showing results.

use crate::analyse::keywords::light_form;
use crate::analyse::normalise::normalise;
use crate::analyse::tokens::is_stop_word;
use crate::article::{Article, Body};
use crate::link::Site;
use crate::render::dates::DateFormat;
use crate::render::excerpt::{description, truncate};
use crate::render::pages::html_safe_json;
use crate::render::OutputFile;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::fmt::Write;
use std::hash::{Hash, Hasher};

/// The search page's script, written to `search/search.js`.
pub const SCRIPT: &str = include_str!("search.js");

/// Folder of the search files in the output.
pub const DIR: &str = "search";

/// An index chunk is closed once its JSON passes this many bytes (a term
/// with more postings than that gets a chunk of its own).
pub const INDEX_CHUNK_BYTES: usize = 16 * 1024;

/// Articles per `docs/` file.
pub const DOCS_PER_CHUNK: usize = 10;

/// A bound on the chunk files looked up in the previous build's record.
const MAX_CHUNKS: usize = 1 << 24;

/// Longest lede shown in a result, in characters.
pub const LEDE_CHARS: usize = 160;

/// Weight of a term in the headline, in the lede, and the cap on the count
/// of its mentions in the body: a posting's weight is the sum.
const TITLE_WEIGHT: u32 = 6;
/// See [`TITLE_WEIGHT`].
const LEDE_WEIGHT: u32 = 3;
/// See [`TITLE_WEIGHT`].
const BODY_CAP: u32 = 6;

/// The index terms of already [`normalise`]d text, in order, repeats
/// included: words that are not stop words, in their light form, of two
/// letters or more.
pub fn terms_of(normalised: &str) -> impl Iterator<Item = &str> {
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

/// The text of an article's body, without markup.
fn body_text(article: &Article) -> String {
    match &article.body {
        Body::Markdown { source, first_line } => crate::load::markdown::scan_body(source, *first_line).plain_text,
        Body::Text(blocks) => crate::load::text::plain_text(blocks),
    }
}

/// An article's terms with their weights.
fn weighted_terms(article: &Article) -> Vec<(String, u32)> {
    let title = normalise(&article.title);
    let lede = normalise(article.summary.as_deref().unwrap_or_default());
    let body = normalise(&body_text(article));
    let mut counts: FxHashMap<&str, [u32; 3]> = FxHashMap::default();
    for (field, text) in [&title, &lede, &body].into_iter().enumerate() {
        for term in terms_of(text) {
            counts.entry(term).or_default()[field] += 1;
        }
    }
    counts
        .into_iter()
        .map(|(term, [title, lede, body])| {
            let weight = TITLE_WEIGHT * title.min(1) + LEDE_WEIGHT * lede.min(1) + body.min(BODY_CAP);
            (term.to_string(), weight)
        })
        .collect()
}

/// The search files of the site: `meta.json`, the index chunks, the
/// article chunks, and the script.
pub fn search_files(site: &Site, dates: DateFormat) -> Vec<OutputFile> {
    let articles = &site.articles;
    let per_article: Vec<Vec<(String, u32)>> = articles.par_iter().map(|a| weighted_terms(a)).collect();
    let mut postings: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
    for (id, terms) in per_article.into_iter().enumerate() {
        for (term, weight) in terms {
            postings.entry(term).or_default().push((id as u32, weight));
        }
    }
    let mut terms: Vec<(String, Vec<(u32, u32)>)> = postings.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut files = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut chunk = String::new();
    let close = |chunk: &mut String, files: &mut Vec<OutputFile>| {
        chunk.push('}');
        let n = files.len();
        files.push(OutputFile {
            path: format!("{DIR}/index/{n:04}.json"),
            bytes: std::mem::take(chunk).into_bytes(),
            origin: "the search index".into(),
        });
    };
    for (term, list) in &terms {
        if chunk.is_empty() {
            firsts.push(term.clone());
            chunk.push('{');
        } else {
            chunk.push(',');
        }
        chunk.push_str(&serde_json::Value::from(term.as_str()).to_string());
        chunk.push_str(":[");
        let mut previous = 0;
        for (i, &(id, weight)) in list.iter().enumerate() {
            if i > 0 {
                chunk.push(',');
            }
            let _ = write!(chunk, "{},{}", id - previous, weight);
            previous = id;
        }
        chunk.push(']');
        if chunk.len() >= INDEX_CHUNK_BYTES {
            close(&mut chunk, &mut files);
        }
    }
    if !chunk.is_empty() || files.is_empty() {
        if chunk.is_empty() {
            firsts.push(String::new());
            chunk.push('{');
        }
        close(&mut chunk, &mut files);
    }

    for (n, group) in articles.chunks(DOCS_PER_CHUNK).enumerate() {
        let docs: Vec<serde_json::Value> = group
            .iter()
            .map(|a| {
                let lede = description(a).map(|d| truncate(&d, LEDE_CHARS)).unwrap_or_default();
                serde_json::json!([
                    a.path(),
                    a.title,
                    a.date_string().unwrap_or_default(),
                    a.date.map(|d| dates.day(&d)).unwrap_or_default(),
                    lede,
                ])
            })
            .collect();
        files.push(OutputFile {
            path: format!("{DIR}/docs/{n:04}.json"),
            bytes: html_safe_json(&serde_json::Value::Array(docs)).into_bytes(),
            origin: "the search index".into(),
        });
    }

    let mut stop_words: Vec<&str> = crate::analyse::tokens::stop_word_list().collect();
    stop_words.sort_unstable();
    stop_words.dedup();
    let meta = serde_json::json!({
        "version": 1,
        "articles": articles.len(),
        "docs_per_chunk": DOCS_PER_CHUNK,
        "stop_words": stop_words,
        "chunks": firsts,
    });
    files.push(OutputFile {
        path: format!("{DIR}/meta.json"),
        bytes: html_safe_json(&meta).into_bytes(),
        origin: "the search index".into(),
    });
    files.push(OutputFile {
        path: format!("{DIR}/search.js"),
        bytes: SCRIPT.as_bytes().to_vec(),
        origin: "the search script".into(),
    });
    files
}

/// Fingerprint of everything the search files hold: each article's source
/// and path in the site's order, the date format, the script and the
/// index's layout.
pub fn fingerprint(site: &Site, dates: DateFormat) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    for article in &site.articles {
        (article.source_hash, article.path()).hash(&mut hasher);
    }
    (
        format!("{:?} {:?}", dates.style, dates.digits),
        SCRIPT,
        INDEX_CHUNK_BYTES,
        DOCS_PER_CHUNK,
        LEDE_CHARS,
        (TITLE_WEIGHT, LEDE_WEIGHT, BODY_CAP),
        env!("CARGO_PKG_VERSION"),
    )
        .hash(&mut hasher);
    hasher.finish()
}

/// The search files as pages of a render: the files when something they
/// hold changed, and every search path with the [`fingerprint`] they all
/// share. When the previous build wrote `meta.json` with this fingerprint
/// (`unchanged` says so), its index and article chunks, which carry the
/// same fingerprint, are kept as they are and nothing is computed: an
/// unchanged archive does not pay for reading every article again.
pub fn render_search(
    site: &Site,
    dates: DateFormat,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
) -> (Vec<OutputFile>, Vec<(String, Option<u64>)>) {
    let print = fingerprint(site, dates);
    let meta = format!("{DIR}/meta.json");
    if unchanged(&meta, print) {
        let mut pages = vec![(meta, Some(print)), (format!("{DIR}/search.js"), Some(print))];
        let index = (0..MAX_CHUNKS)
            .map(|n| format!("{DIR}/index/{n:04}.json"))
            .take_while(|path| unchanged(path, print));
        pages.extend(index.map(|path| (path, Some(print))));
        let docs = (0..site.articles.len().div_ceil(DOCS_PER_CHUNK)).map(|n| format!("{DIR}/docs/{n:04}.json"));
        if docs.clone().all(|path| unchanged(&path, print)) && unchanged(&pages[1].0, print) {
            pages.extend(docs.map(|path| (path, Some(print))));
            return (Vec::new(), pages);
        }
    }
    let files = search_files(site, dates);
    let pages = files.iter().map(|f| (f.path.clone(), Some(print))).collect();
    (files, pages)
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
}
