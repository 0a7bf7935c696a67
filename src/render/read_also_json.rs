//! `/read-also.json`: every article (newest first) with its related list,
//! rendered beside the search index. The file holds the whole archive and
//! one edit changes a few dozen of its entries, so a render copies the
//! bytes of every entry whose print did not change from the last file.

use crate::link::Site;
use crate::render::html::html_safe;
use crate::render::pages::print_of;
use crate::render::OutputFile;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::borrow::Cow;

/// One article of the read-also index with its related list: an entry of
/// `/read-also.json` (without its date) and of the `/read-also/` pages.
#[derive(Serialize)]
pub(crate) struct ReadAlsoEntry<'a> {
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    related: Vec<RelatedEntry<'a>>,
}

/// A related article of a [`ReadAlsoEntry`].
struct RelatedEntry<'a> {
    url: &'a str,
    title: &'a str,
    score: f64,
    /// [`link_prints`] of the article: the print of `url` and `title`.
    link_print: u64,
}

impl Serialize for RelatedEntry<'_> {
    /// `{url, title, score}`; for a print (not human-readable), the print
    /// of the url and title made once per article, and the score: the
    /// index repeats each article in many related lists, and printing its
    /// strings each time was most of the cost of printing the index.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if serializer.is_human_readable() {
            let mut entry = serializer.serialize_struct("RelatedEntry", 3)?;
            entry.serialize_field("url", self.url)?;
            entry.serialize_field("title", self.title)?;
            entry.serialize_field("score", &self.score)?;
            entry.end()
        } else {
            (self.link_print, self.score).serialize(serializer)
        }
    }
}

/// The print of each article's URL (in `urls`) and title, as related
/// lists show them.
pub(crate) fn link_prints(site: &Site, urls: &[String]) -> Vec<u64> {
    site.articles
        .par_iter()
        .zip(urls)
        .map(|(article, url)| print_of(&(url, &article.title)))
        .collect()
}

impl<'a> ReadAlsoEntry<'a> {
    /// Article `i`'s entry; `urls` holds each article's site path, base
    /// path included, `links` their [`link_prints`].
    pub(crate) fn of(site: &'a Site, urls: &'a [String], links: &[u64], i: usize, with_date: bool) -> Self {
        let article = &site.articles[i];
        ReadAlsoEntry {
            url: &urls[i],
            title: &article.title,
            date: if with_date { article.date_string() } else { None },
            related: site.links[i]
                .related
                .iter()
                .map(|&(j, score)| RelatedEntry {
                    url: &urls[j],
                    title: &site.articles[j].title,
                    // Rounded so that the file does not change with the last bits of a float.
                    score: (score as f64 * 1000.0).round() / 1000.0,
                    link_print: links[j],
                })
                .collect(),
        }
    }
}

/// Output path of the read-also index as JSON.
pub(crate) const READ_ALSO_JSON: &str = "read-also.json";

/// An entry of `/read-also.json`: its fingerprint and its length in bytes.
pub(crate) type ReadAlsoEntryPrint = (u64, u32);

/// What `/read-also.json` starts with; its entries follow, separated by
/// commas, then `]}`.
const READ_ALSO_HEAD: &str = "{\"version\":1,\"articles\":[";

/// What rendering `/read-also.json` gave besides the file.
#[derive(Debug, Clone)]
pub(crate) struct ReadAlsoWritten {
    /// Its entries, in order.
    pub entries: Vec<ReadAlsoEntryPrint>,
    /// How many were serialised (the others copied from the last one).
    pub serialised: usize,
}

/// `/read-also.json` as a render wrote it: its bytes and its entries in
/// order. The file holds the whole archive and one edit changes a few
/// dozen of its entries: the next render copies the others instead of
/// serialising them again.
#[derive(Debug, Clone, Default)]
pub struct ReadAlsoText {
    /// The file's bytes.
    pub json: Vec<u8>,
    /// Its entries, in order.
    pub entries: Vec<ReadAlsoEntryPrint>,
    /// Whether a render leaves its own file here for the next (`serve`),
    /// rather than only reading this one (a build from the cache, which
    /// reads the file back from the output folder instead).
    pub keep: bool,
}

impl ReadAlsoText {
    /// The bytes of each entry by fingerprint; none when the bytes are not
    /// laid out as the entries say (the file was not the one they describe).
    /// Bytes, not text: the file is copied as it was written, entry by
    /// entry, and its 27 MB (at 28k articles) need no UTF-8 check.
    fn by_print(&self) -> FxHashMap<u64, &[u8]> {
        let json = &self.json;
        let lengths: usize = self.entries.iter().map(|&(_, len)| len as usize).sum();
        let expected = READ_ALSO_HEAD.len() + lengths + self.entries.len().saturating_sub(1) + 2;
        if json.len() != expected || !json.starts_with(READ_ALSO_HEAD.as_bytes()) || !json.ends_with(b"]}") {
            return FxHashMap::default();
        }
        let mut at = READ_ALSO_HEAD.len();
        let mut by_print = FxHashMap::with_capacity_and_hasher(self.entries.len(), Default::default());
        for &(print, len) in &self.entries {
            let Some(entry) = json.get(at..at + len as usize) else {
                return FxHashMap::default();
            };
            by_print.insert(print, entry);
            at += len as usize + 1;
        }
        by_print
    }
}

/// What [`render_read_also_json`] gave.
pub(crate) struct ReadAlsoRender {
    /// The file and what it holds, when it was rendered this time.
    pub(crate) file: Option<(OutputFile, ReadAlsoWritten)>,
    /// Its fingerprint.
    pub(crate) print: u64,
}

/// Renders `/read-also.json` unless `unchanged` accepts its fingerprint:
/// the file (if rendered), what it holds, and its fingerprint. `previous`, when given, holds the file as an earlier render
/// wrote it (kept in memory by `serve`, or read back from the output folder),
/// whose entries are copied where their print did not change; it is left
/// holding this render's when it keeps one.
pub(crate) fn render_read_also_json(
    site: &Site,
    previous: Option<&mut ReadAlsoText>,
    unchanged: &(dyn Fn(&str, u64) -> bool + Sync),
) -> ReadAlsoRender {
    let base_path = site.config.base_path();
    let urls: Vec<String> = site
        .articles
        .iter()
        .map(|a| format!("{}{}", base_path, a.path()))
        .collect();
    let links = link_prints(site, &urls);
    let entries: Vec<ReadAlsoEntry> = (0..site.articles.len())
        .into_par_iter()
        .map(|i| ReadAlsoEntry::of(site, &urls, &links, i, false))
        .collect();
    // An entry's print is that of what it writes, and of how it is written.
    let prints: Vec<u64> = entries
        .par_iter()
        .map(|entry| crate::hash_of((READ_ALSO_HEAD, env!("CARGO_PKG_VERSION"), print_of(entry))))
        .collect();
    let print = crate::hash_of(&prints);
    if unchanged(READ_ALSO_JSON, print) {
        return ReadAlsoRender { file: None, print };
    }
    let kept = previous.as_deref().map(ReadAlsoText::by_print).unwrap_or_default();
    let (file, written) = read_also_json(&entries, &prints, &kept);
    drop(kept);
    if let Some(kept) = previous.filter(|kept| kept.keep) {
        kept.json = file.bytes.clone();
        kept.entries = written.entries.clone();
    }
    ReadAlsoRender {
        file: Some((file, written)),
        print,
    }
}

/// `/read-also.json` from its entries and their prints, and what it holds.
/// Entries found in `previous` by print are copied.
fn read_also_json(
    entries: &[ReadAlsoEntry],
    prints: &[u64],
    previous: &FxHashMap<u64, &[u8]>,
) -> (OutputFile, ReadAlsoWritten) {
    // Serialised entry by entry, in parallel, without an intermediate `Value`.
    let bytes: Vec<Cow<[u8]>> = entries
        .par_iter()
        .zip(prints)
        .map(|(entry, print)| match previous.get(print) {
            Some(bytes) => Cow::Borrowed(*bytes),
            None => {
                let json = serde_json::to_string(entry).unwrap_or_default();
                Cow::Owned(html_safe(json).into_bytes())
            }
        })
        .collect();
    let mut json = Vec::with_capacity(bytes.iter().map(|e| e.len() + 1).sum::<usize>() + 32);
    json.extend_from_slice(READ_ALSO_HEAD.as_bytes());
    for (n, entry) in bytes.iter().enumerate() {
        if n > 0 {
            json.push(b',');
        }
        json.extend_from_slice(entry);
    }
    json.extend_from_slice(b"]}");
    let written = ReadAlsoWritten {
        entries: prints
            .iter()
            .zip(&bytes)
            .map(|(&print, entry)| (print, entry.len() as u32))
            .collect(),
        serialised: bytes.iter().filter(|e| matches!(e, Cow::Owned(_))).count(),
    };
    let file = OutputFile {
        path: READ_ALSO_JSON.into(),
        bytes: json,
        origin: "the read-also index /read-also.json".into(),
    };
    (file, written)
}
