//! The article: what every stage after loading works on.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A topic slug named in front matter, with the line it is on, so that a
/// message about it (an unknown slug) points at that line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopicRef {
    /// The slug as written.
    pub slug: String,
    /// 1-based line in the file: the list item's, or the key's for `topics: [a, b]`.
    pub line: usize,
}

/// One article of the archive, as read from its file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// The file as the user would name it (site root joined with the path in
    /// `content/`). Not cached: it may not be UTF-8, and the load stage sets it.
    #[serde(skip)]
    pub file: PathBuf,
    /// Path inside `content/`, with `/` separators: how Markdown links name it.
    pub content_path: String,
    /// URL segment, safe by construction (see `load::slug`).
    pub slug: String,
    /// The headline.
    pub title: String,
    /// The lede (standfirst).
    pub summary: Option<String>,
    /// What listings, feeds and metadata show as the lede: `summary`, else
    /// the first paragraph cut at a sentence end (set when loaded, so that
    /// nothing needs the text again for it).
    pub lede: Option<String>,
    /// Publication time; date-only values are midnight UTC.
    pub date: Option<DateTime<FixedOffset>>,
    /// Byline as pages show it (a list in front matter is joined: `A و B`).
    pub author: Option<String>,
    /// The names in the byline ([`crate::link::authors::split_byline`]), each with a page.
    pub authors: Vec<String>,
    /// When the article was last updated, if it says.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Corrections published with the article, oldest first.
    pub corrections: Vec<Correction>,
    /// Held back from the site until a build at or after this time
    /// (`publish_at:`; a `date` in the future holds it too).
    pub publish_at: Option<DateTime<FixedOffset>>,
    /// Whether `date` (and `updated`) give a time of day, not only a day.
    pub timed: bool,
    /// Agency or outlet the story came from.
    pub source: Option<String>,
    /// Address of the original publication.
    pub original_url: Option<String>,
    /// The outlet's own section.
    pub category: Option<String>,
    /// Free tags from front matter.
    pub tags: Vec<String>,
    /// Topic slugs the front matter names.
    pub topics: Vec<TopicRef>,
    /// Topic slugs the front matter removes from the automatic assignment.
    pub topics_exclude: Vec<TopicRef>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Old URLs that should redirect here.
    pub aliases: Vec<String>,
    /// "اقرأ أيضاً" references the editor wrote, in order of appearance.
    pub read_also: Vec<ReadAlsoRef>,
    /// The lead photo (`image`, `image_alt`, `image_caption`,
    /// `image_credit` in front matter; for a text article, an image file
    /// beside it with the same name).
    pub image: Option<ImageRef>,
    /// The photos of a Markdown text (`![alt](photo.jpg "caption")`)
    /// that are files of the site, in order (`src` and `line` set).
    pub figures: Vec<ImageRef>,
    /// Front matter keys arshif does not know, for templates. Stored as
    /// JSON text: the cache's bincode cannot hold a JSON value, whose
    /// decoding asks the format what comes next.
    #[serde(with = "json_text")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The text. Not cached (it is most of an article's size, and few
    /// pages of an incremental build need it): an article from the cache
    /// has [`Body::Elsewhere`] and the render reads its file again.
    #[serde(skip)]
    pub body: Body,
    /// The body without markup (and without read-also lines); emptied once analysed.
    pub plain_text: String,
    /// The analysed terms of title, lede and body.
    pub analysis: crate::analyse::tokens::Analysis,
    /// Hash of the file's bytes as read ([`crate::hash_bytes`]): what
    /// changes when the source changes. (Of the text, for an article that
    /// [`crate::load::parse_article`] made from a string.)
    pub source_hash: u64,
    /// Destinations of the Markdown links in the body, in order.
    pub links: Vec<String>,
    /// The site path ([`Article::path`]), computed once the date and slug
    /// are known: every stage asks for it, many times per article.
    pub url_path: String,
}

/// A photo as an article names it, before the build has looked at the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImageRef {
    /// As written: a path relative to the article's folder, a path from
    /// `static/` starting with `/`, or an `http(s)` address.
    pub src: String,
    /// 1-based line of the file that names it (the `image:` key), for messages.
    pub line: usize,
    /// Text for readers who cannot see it.
    pub alt: Option<String>,
    /// What it shows, under the photo.
    pub caption: Option<String>,
    /// Who took it (shown after the caption).
    pub credit: Option<String>,
}

/// A correction: when it was made and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Correction {
    /// When the correction was made.
    pub date: DateTime<FixedOffset>,
    /// What was wrong and what is right.
    pub text: String,
}

/// An editor's "اقرأ أيضاً" reference: a headline (or slug) to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadAlsoRef {
    /// What the editor wrote after "اقرأ أيضاً:".
    pub text: String,
    /// Line in the file.
    pub line: usize,
    /// Where the reference came from.
    pub origin: RefOrigin,
    /// The destination of a link the editor put in the reference, if any.
    pub link: Option<String>,
}

/// Where a read-also reference was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefOrigin {
    /// A `read_also:` entry in front matter (pinned at the head of the related list).
    FrontMatter,
    /// A line or paragraph inside the text, rendered as a link box in place.
    Inline,
}

/// The text of an article in its source form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub enum Body {
    /// Markdown source; `first_line` is its line number in the file.
    Markdown {
        /// The Markdown text after the front matter.
        source: String,
        /// 1-based line of the file where `source` starts.
        first_line: usize,
    },
    /// Blocks of a plain-text article.
    Text(Vec<TextBlock>),
    /// Not in memory: the article came from the cache, and its file (whose
    /// bytes hash to [`Article::source_hash`]) holds the text
    /// (`load::reload_body`).
    #[default]
    Elsewhere,
}

/// One block of a plain-text article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextBlock {
    /// A paragraph.
    Paragraph(String),
    /// A short line without final punctuation, shown as a subheading.
    Subheading(String),
    /// The read-also reference with this index in `Article::read_also`.
    ReadAlso(usize),
}

impl Article {
    /// The article's site path below the base path, e.g. `2022/12/slug/`.
    pub fn path(&self) -> &str {
        &self.url_path
    }

    /// The headline, normalised for comparison (from the analysis when it ran).
    pub(crate) fn normalised_title(&self) -> std::borrow::Cow<'_, str> {
        if self.analysis.headline.is_empty() && !self.title.is_empty() {
            std::borrow::Cow::Owned(crate::analyse::normalise::normalise(&self.title))
        } else {
            std::borrow::Cow::Borrowed(&self.analysis.headline)
        }
    }

    /// The site path of an article with this date and slug.
    pub(crate) fn path_of(date: Option<&DateTime<FixedOffset>>, slug: &str) -> String {
        match date {
            Some(date) => format!("{:04}/{:02}/{}/", date.year(), date.month(), slug),
            None => format!("articles/{slug}/"),
        }
    }

    /// When the article may first appear: `publish_at`, else its date.
    pub(crate) fn release_time(&self) -> Option<DateTime<FixedOffset>> {
        self.publish_at.or(self.date)
    }

    /// The date as RFC 3339 text, for templates and feeds.
    pub(crate) fn date_string(&self) -> Option<String> {
        self.date.map(|d| d.to_rfc3339())
    }
}

/// (De)serialises a map of JSON values as one JSON string, for formats that
/// are not self-describing (bincode, in the cache).
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, serde_json::Value>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(map).map_err(serde::ser::Error::custom)?;
        text.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, serde_json::Value>, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}
