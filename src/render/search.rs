//! Search on a static host: an inverted index split into small JSON files
//! under `search/`, read by the search page's script (`search/search.js`),
//! which fetches only the files a query needs.
//!
//! The terms of each article come from the analysis stage
//! ([`SearchTerms`]); this module gathers them into files laid out so that
//! an edit rewrites few of them:
//! - articles are numbered oldest first (position in the site's order,
//!   counted from its end), so a new article takes the next number and no
//!   other article's number moves;
//! - an index chunk ends after a term chosen by the term's own hash (once
//!   the chunk is past [`MIN_CHUNK_BYTES`]; or at [`MAX_CHUNK_BYTES`]), and
//!   is named after the hash of its first term, so an edit changes the
//!   chunks holding the article's terms, not their neighbours.
//!
//! Each file carries a fingerprint of what it holds, and only those whose
//! fingerprint changed are serialised again.
//!
//! The files, all deterministic (sorted, no timestamps), with `<`, `>`
//! and `&` escaped in JSON strings so that no headline reads as markup:
//! - `search/meta.json`: the number of articles, the stop words, and for
//!   each index chunk its first term and its file name;
//! - `search/index/NAME.json`: a range of terms in code point order, each
//!   with its postings `[article delta, weight, …]` (article numbers
//!   written as the difference from the previous one);
//! - `search/docs/NNNN.json`: [`DOCS_PER_CHUNK`] articles a file, each
//!   `[path below the base path, headline, RFC 3339 date, date as the site
//!   writes it, lede, source]`, for showing results.

use crate::analyse::search_terms::SearchTerms;
use crate::article::Article;
use crate::error::Result;
use crate::hash_of;
use crate::link::Site;
use crate::postings::{self, Builder, Grouped};
use crate::render::dates::DateFormat;
use crate::render::excerpt::{description, truncate};
use crate::render::html::html_safe_json;
use crate::render::OutputFile;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// The search page's script, written to `search/search.js`.
pub(crate) const SCRIPT: &str = include_str!("search.js");

/// Folder of the search files in the output.
pub(crate) const DIR: &str = "search";

/// An index chunk ends after a term whose hash is a multiple of this, once
/// it holds [`MIN_CHUNK_BYTES`]: chunks of about 16 KB on news text.
const BOUNDARY_MODULUS: u64 = 32;

/// A chunk is not closed by a term's hash before it holds this many bytes.
pub(crate) const MIN_CHUNK_BYTES: usize = 4 * 1024;

/// A chunk is closed once it passes this many bytes, whatever the next
/// term (a term with more postings than that gets a chunk of its own).
pub(crate) const MAX_CHUNK_BYTES: usize = 48 * 1024;

/// Articles per `docs/` file.
pub(crate) const DOCS_PER_CHUNK: usize = 10;

/// Longest lede shown in a result, in characters.
pub(crate) const LEDE_CHARS: usize = 160;

/// Version of the files' layout, in `meta.json`.
const VERSION: u32 = 2;

/// A term's postings: (article number, weight), by article number.
type Postings = Vec<(u32, u8)>;

/// The inverted index the search files are cut from: every term with its
/// postings. `serve` keeps it between rebuilds and the cache between
/// builds, so that an edit moves the postings of the edited articles
/// instead of gathering every article's terms again.
#[derive(Default, Serialize, Deserialize)]
pub struct SearchIndex {
    /// The articles by number (oldest first), as last indexed: the path
    /// in `content/` and the [`SearchTerms::print`] of the terms indexed.
    articles: Vec<(String, u64)>,
    /// Every term with its postings, in code point order.
    terms: BTreeMap<Box<str>, Postings>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SearchIndex({} articles, {} terms)",
            self.articles.len(),
            self.terms.len()
        )
    }
}

/// Each article of a site by number (oldest first) with the print of its terms.
fn numbered(site: &Site) -> Vec<(&Arc<Article>, u64)> {
    site.articles
        .iter()
        .rev()
        .map(|article| (article, article.analysis.search.print()))
        .collect()
}

/// What the index keeps of numbered articles: path and print of terms.
fn indexed(articles: &[(&Arc<Article>, u64)]) -> Vec<(String, u64)> {
    articles
        .iter()
        .map(|(a, print)| (a.content_path.clone(), *print))
        .collect()
}

impl SearchIndex {
    /// The index of a site's articles.
    pub(crate) fn build(site: &Site) -> Self {
        SearchIndex::build_numbered(&numbered(site))
    }

    fn build_numbered(articles: &[(&Arc<Article>, u64)]) -> Self {
        let lists: Vec<&SearchTerms> = articles.iter().map(|(a, _)| &a.analysis.search).collect();
        let terms = gather(&lists, postings::RANGE_POSTINGS);
        drop(lists);
        SearchIndex {
            articles: indexed(articles),
            // Sorted pairs: collecting them builds the map in bulk.
            terms: terms.into_iter().collect(),
        }
    }

    /// The index of a site's articles, from an earlier one: the postings
    /// of articles removed, or whose terms changed, go; the others take
    /// their article's new number; those of new or changed articles are
    /// added. Built again instead when the articles kept changed their
    /// order (postings stay sorted by number only if they did not), or
    /// when most articles changed.
    pub(crate) fn update(mut self, site: &Site) -> Self {
        let articles = numbered(site);
        let now: FxHashMap<&str, (u32, u64)> = articles
            .iter()
            .enumerate()
            .map(|(id, (a, print))| (a.content_path.as_str(), (id as u32, *print)))
            .collect();
        // Each article of the earlier index: its new number, if still indexed as it was.
        let moved: Vec<Option<u32>> = self
            .articles
            .iter()
            .map(|(path, print)| match now.get(path.as_str()) {
                Some(&(id, p)) if p == *print => Some(id),
                _ => None,
            })
            .collect();
        drop(now);
        let kept: Vec<u32> = moved.iter().flatten().copied().collect();
        if kept.windows(2).any(|pair| pair[0] >= pair[1]) || kept.len() * 2 < articles.len() {
            return SearchIndex::build_numbered(&articles);
        }
        let same = moved.len() == articles.len()
            && kept.len() == moved.len()
            && kept.iter().enumerate().all(|(i, &id)| i as u32 == id);
        if !same {
            self.terms.par_iter_mut().for_each(|(_, list)| {
                list.retain_mut(|posting| match moved.get(posting.0 as usize).copied().flatten() {
                    Some(id) => {
                        posting.0 = id;
                        true
                    }
                    None => false,
                })
            });
            self.terms.retain(|_, list| !list.is_empty());
            let mut indexed = vec![false; articles.len()];
            for &id in &kept {
                indexed[id as usize] = true;
            }
            for (id, (article, _)) in articles.iter().enumerate() {
                if indexed[id] {
                    continue;
                }
                let id = id as u32;
                for (term, weight) in article.analysis.search.iter() {
                    let list = match self.terms.get_mut(term) {
                        Some(list) => list,
                        None => self.terms.entry(Box::from(term)).or_default(),
                    };
                    let at = list.partition_point(|p| p.0 < id);
                    list.insert(at, (id, weight));
                }
            }
        }
        self.articles = indexed(&articles);
        self
    }

    /// The index as bincode parts, encoded in parallel: the articles,
    /// then the terms cut into `runs` runs.
    pub(crate) fn encode_parts(&self, runs: usize) -> bincode::Result<Vec<Vec<u8>>> {
        let terms: Vec<(&str, &Postings)> = self.terms.iter().map(|(t, list)| (&**t, list)).collect();
        let run = terms.len().div_ceil(runs.max(1)).max(1);
        let (articles, terms) = rayon::join(
            || bincode::serialize(&self.articles),
            || {
                terms
                    .par_chunks(run)
                    .map(bincode::serialize)
                    .collect::<bincode::Result<Vec<_>>>()
            },
        );
        Ok(std::iter::once(articles?).chain(terms?).collect())
    }

    /// The index from the parts [`SearchIndex::encode_parts`] gave.
    pub(crate) fn decode_parts(parts: &[&[u8]]) -> bincode::Result<SearchIndex> {
        let Some((articles, runs)) = parts.split_first() else {
            return Err(Box::new(bincode::ErrorKind::Custom("search index: no parts".into())));
        };
        let (articles, runs) = rayon::join(
            || bincode::deserialize::<Vec<(String, u64)>>(articles),
            || {
                runs.par_iter()
                    .map(|run| bincode::deserialize::<Vec<(Box<str>, Postings)>>(run))
                    .collect::<bincode::Result<Vec<_>>>()
            },
        );
        let articles = articles?;
        let n = articles.len();
        let terms: BTreeMap<Box<str>, Postings> = runs?.into_iter().flatten().collect();
        // Postings are of the articles listed, in order: else the update would misplace them.
        let sound = terms.values().all(|list| {
            list.windows(2).all(|pair| pair[0].0 < pair[1].0) && list.last().is_some_and(|p| (p.0 as usize) < n)
        });
        match sound {
            true => Ok(SearchIndex { articles, terms }),
            false => Err(Box::new(bincode::ErrorKind::Custom(
                "search index: postings out of order".into(),
            ))),
        }
    }

    /// Every term with its postings, in order.
    fn entries(&self) -> Vec<(&str, &[(u32, u8)])> {
        self.terms.iter().map(|(t, list)| (&**t, list.as_slice())).collect()
    }
}

/// Terms of at most this many bytes (most of them) are keyed by a
/// [`ShortKey`] while the index is gathered.
const SHORT_TERM: usize = 15;

/// A term of at most [`SHORT_TERM`] bytes packed into two numbers: its
/// bytes zero-padded, big-endian, then its length (which tells "ab" from
/// "ab\0"). Their order is the terms' code point order, and comparing or
/// hashing them reads nothing outside the table, where a `&str` key means
/// a cache miss into some article's text at every lookup.
type ShortKey = (u64, u64);

/// The [`ShortKey`] of a term, if it is short enough.
fn short_key(term: &str) -> Option<ShortKey> {
    let bytes = term.as_bytes();
    if bytes.len() > SHORT_TERM {
        return None;
    }
    let mut packed = [0u8; 16];
    packed[..bytes.len()].copy_from_slice(bytes);
    packed[15] = bytes.len() as u8;
    let number = u128::from_be_bytes(packed);
    Some(((number >> 64) as u64, number as u64))
}

/// The term a [`ShortKey`] was made of.
fn short_term((high, low): ShortKey) -> Box<str> {
    let packed = (u128::from(high) << 64 | u128::from(low)).to_be_bytes();
    let len = usize::from(packed[15]).min(SHORT_TERM);
    // The bytes are those of a whole `&str`: nothing is ever replaced.
    String::from_utf8_lossy(&packed[..len]).into()
}

/// Every term of `lists` (the terms of articles 0, 1, …) with its
/// postings, in code point order, gathered by ranges of about `target`
/// postings (see [`crate::postings`]): the result does not depend on it.
fn gather(lists: &[&SearchTerms], target: usize) -> Vec<(Box<str>, Postings)> {
    let ranges = postings::ranges(lists.iter().map(|terms| terms.len()), target);
    type Part<K> = Grouped<K, (u32, u8)>;
    let parts: Vec<(Part<ShortKey>, Part<&str>)> = ranges
        .into_par_iter()
        .map(|range| {
            let size = lists[range.clone()].iter().map(|terms| terms.len()).sum();
            let mut short = Builder::with_capacity(size);
            let mut long = Builder::with_capacity(0);
            for (id, terms) in range.clone().zip(&lists[range]) {
                for (term, weight) in terms.iter() {
                    match short_key(term) {
                        Some(key) => short.push(key, (id as u32, weight)),
                        None => long.push(term, (id as u32, weight)),
                    }
                }
            }
            (short.finish(), long.finish())
        })
        .collect();
    let (short, long): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
    let (short, long) = rayon::join(|| postings::merge(&short), || postings::merge(&long));
    let short: Vec<(Box<str>, Postings)> = short
        .into_par_iter()
        .map(|(key, list)| (short_term(key), list))
        .collect();
    // A term is either short or long: the two lists hold no term in common.
    let mut terms = Vec::with_capacity(short.len() + long.len());
    let mut long = long.into_iter().peekable();
    for (term, list) in short {
        while let Some((longer, list)) = long.next_if(|(other, _)| *other < &*term) {
            terms.push((Box::from(longer), list));
        }
        terms.push((term, list));
    }
    terms.extend(long.map(|(term, list)| (Box::from(term), list)));
    terms
}

/// Where the index chunks start: indices into `terms`.
fn chunk_starts(terms: &[(&str, &[(u32, u8)])]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut bytes = 0;
    for (i, (term, list)) in terms.iter().enumerate() {
        // The entry's JSON: quoted term, colon, brackets, comma, and per posting about two numbers.
        bytes += term.len() + 5 + list.len() * 6;
        let by_hash = bytes >= MIN_CHUNK_BYTES && hash_of(term) % BOUNDARY_MODULUS == 0;
        if (by_hash || bytes >= MAX_CHUNK_BYTES) && i + 1 < terms.len() {
            starts.push(i + 1);
            bytes = 0;
        }
    }
    starts
}

/// The JSON of one index chunk.
fn chunk_json(terms: &[(&str, &[(u32, u8)])]) -> String {
    let mut chunk = String::from("{");
    for (n, (term, list)) in terms.iter().enumerate() {
        if n > 0 {
            chunk.push(',');
        }
        chunk.push_str(&html_safe_json(&serde_json::Value::from(*term)));
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
    }
    chunk.push('}');
    chunk
}

/// A page's path with the fingerprint of what it holds (`None`: always written).
pub(crate) type PagePrint = (String, Option<u64>);

/// The search files of the site: `meta.json`, the index chunks, the
/// article chunks, and the script.
pub fn search_files(site: &Site, dates: DateFormat) -> Result<Vec<OutputFile>> {
    Ok(render_search(site, dates, &mut None, &|_, _| false)?.0)
}

/// The search files as pages of a render: every search path with the
/// fingerprint of what it holds, and the files whose fingerprint
/// `unchanged` does not accept. `kept` is the index of the previous
/// render, if kept in memory, and is left holding this one's.
pub fn render_search(
    site: &Site,
    dates: DateFormat,
    kept: &mut Option<SearchIndex>,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
) -> Result<(Vec<OutputFile>, Vec<PagePrint>)> {
    let layout = hash_of((
        format!("{:?} {:?}", dates.style, dates.digits),
        (
            BOUNDARY_MODULUS,
            MIN_CHUNK_BYTES,
            MAX_CHUNK_BYTES,
            DOCS_PER_CHUNK,
            LEDE_CHARS,
        ),
        env!("CARGO_PKG_VERSION"),
    ));
    let index = match kept.take() {
        Some(previous) => previous.update(site),
        None => SearchIndex::build(site),
    };
    let terms = index.entries();
    let starts = chunk_starts(&terms);
    let ranges: Vec<(usize, usize)> = starts
        .iter()
        .zip(starts.iter().skip(1).chain(std::iter::once(&terms.len())))
        .map(|(&a, &b)| (a, b))
        .collect();
    let firsts: Vec<&str> = ranges.iter().map(|&(a, _)| terms.get(a).map_or("", |t| t.0)).collect();
    let names: Vec<String> = firsts.iter().map(|first| format!("{:016x}", hash_of(first))).collect();
    let chunks: Vec<(String, u64, Option<OutputFile>)> = ranges
        .par_iter()
        .zip(&names)
        .map(|(&(a, b), name)| {
            let path = format!("{DIR}/index/{name}.json");
            let print = hash_of((layout, &terms[a..b]));
            let file = (!unchanged(&path, print)).then(|| OutputFile {
                path: path.clone(),
                bytes: chunk_json(&terms[a..b]).into_bytes(),
                origin: "the search index".into(),
            });
            (path, print, file)
        })
        .collect();

    let n = site.articles.len();
    let docs: Vec<(String, u64, Option<OutputFile>)> = (0..n.div_ceil(DOCS_PER_CHUNK))
        .into_par_iter()
        .map(|c| {
            let ids = c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n);
            let articles: Vec<_> = ids.map(|id| &site.articles[n - 1 - id]).collect();
            let path = format!("{DIR}/docs/{c:04}.json");
            let print = hash_of((
                layout,
                articles.iter().map(|a| (a.source_hash, a.path())).collect::<Vec<_>>(),
            ));
            if unchanged(&path, print) {
                return Ok((path, print, None));
            }
            let docs: Vec<serde_json::Value> = articles
                .iter()
                .map(|a| {
                    let lede = description(a)?.map(|d| truncate(&d, LEDE_CHARS)).unwrap_or_default();
                    Ok(serde_json::json!([
                        a.path(),
                        a.title,
                        a.date_string().unwrap_or_default(),
                        a.date.map(|d| dates.day(&d)).unwrap_or_default(),
                        lede,
                        a.source.as_deref().unwrap_or_default(),
                    ]))
                })
                .collect::<Result<_>>()?;
            let file = OutputFile {
                path: path.clone(),
                bytes: html_safe_json(&serde_json::Value::Array(docs)).into_bytes(),
                origin: "the search index".into(),
            };
            Ok((path, print, Some(file)))
        })
        .collect::<Result<_>>()?;

    let mut stop_words: Vec<&str> = crate::analyse::tokens::stop_word_list().collect();
    stop_words.sort_unstable();
    stop_words.dedup();
    let meta = serde_json::json!({
        "version": VERSION,
        "articles": n,
        "docs_per_chunk": DOCS_PER_CHUNK,
        "stop_words": stop_words,
        "chunks": firsts,
        "files": names,
    });
    let mut files = vec![
        OutputFile {
            path: format!("{DIR}/meta.json"),
            bytes: html_safe_json(&meta).into_bytes(),
            origin: "the search index".into(),
        },
        OutputFile {
            path: format!("{DIR}/search.js"),
            bytes: SCRIPT.as_bytes().to_vec(),
            origin: "the search script".into(),
        },
    ];
    let mut pages: Vec<(String, Option<u64>)> = files.iter().map(|f| (f.path.clone(), None)).collect();
    for (path, print, file) in chunks.into_iter().chain(docs) {
        pages.push((path, Some(print)));
        files.extend(file);
    }
    drop(terms);
    *kept = Some(index);
    Ok((files, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Articles over a small vocabulary drawn by a seeded generator, so
    /// that some terms are in most articles and others in one.
    fn articles(n: usize) -> Vec<SearchTerms> {
        // Some longer than a short key holds.
        let words = [
            "الصين",
            "النفط",
            "أسعار",
            "مباراة",
            "الفريق",
            "حكومة",
            "برلمان",
            "هاتف",
            "الاستثمارات",
            "المستثمرونالعالميون",
        ];
        let mut next = crate::test_random(0x9e37_79b9_7f4a_7c15_u64);
        (0..n)
            .map(|_| {
                let mut text = |count: u64| {
                    let picked: Vec<String> = (0..count)
                        .map(|_| match next() % 3 {
                            0 => format!("كلمة{}", next() % 500),
                            _ => words[(next() % words.len() as u64) as usize].to_string(),
                        })
                        .collect();
                    picked.join(" ")
                };
                let (title, lede, body) = (text(3), text(5), text(40));
                SearchTerms::of(&title, &lede, &body)
            })
            .collect()
    }

    #[test]
    fn gathering_by_ranges_gives_what_one_pass_in_order_gives() {
        let articles = articles(120);
        let lists: Vec<&SearchTerms> = articles.iter().collect();
        // What the index holds by definition: every posting, in article order.
        let mut expected: BTreeMap<&str, Postings> = BTreeMap::new();
        for (id, terms) in lists.iter().enumerate() {
            for (term, weight) in terms.iter() {
                expected.entry(term).or_default().push((id as u32, weight));
            }
        }
        let expected: Vec<(Box<str>, Postings)> = expected.into_iter().map(|(t, list)| (Box::from(t), list)).collect();
        assert!(expected.iter().any(|(_, list)| list.len() > 60));
        assert!(expected.iter().any(|(_, list)| list.len() == 1));
        assert!(expected.iter().any(|(term, _)| term.len() > SHORT_TERM));
        assert!(expected.iter().any(|(term, _)| term.len() <= SHORT_TERM));
        for target in [1, 10, 100, 1000, usize::MAX] {
            assert_eq!(gather(&lists, target), expected, "ranges of {target} postings");
        }
        assert!(gather(&[], 4).is_empty());
    }

    #[test]
    fn short_keys_sort_as_their_terms_and_give_them_back() {
        let mut terms = vec![
            "",
            "a",
            "ab",
            "ab\0",
            "ab\0\0",
            "ab\0c",
            "abc",
            "b",
            "\u{7f}",
            "صين",
            "صينية",
            "ص",
            "123456789012345",
        ];
        terms.sort_unstable();
        let keys: Vec<ShortKey> = terms.iter().filter_map(|t| short_key(t)).collect();
        assert_eq!(keys.len(), terms.len());
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "{keys:x?}");
        for (term, &key) in terms.iter().zip(&keys) {
            assert_eq!(&*short_term(key), *term);
        }
        assert_eq!(short_key("1234567890123456"), None);
        assert_eq!(short_key("صينيةصينية"), None);
    }
}
