//! The text of an imported article file: YAML front matter, then Markdown,
//! with a hash of that text so a later import can tell a hand edit.

use super::article::Article;
use super::ImportError;
use serde::Serialize;

/// The front matter key holding the hash of what import wrote. A later
/// import compares it with the file: equal means nobody edited the file, so
/// it may be replaced (with `--update`); different means a hand edit, kept
/// unless `--force`.
pub(crate) const HASH_KEY: &str = "import_hash";

#[derive(Serialize)]
struct Front<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_alt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_caption: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    aliases: &'a [String],
}

/// The whole file for an article, its last front matter line the hash.
pub(crate) fn render(article: &Article) -> Result<String, ImportError> {
    let image = article.image.as_ref();
    let front = Front {
        title: &article.title,
        // A slug that starts like a date would be read as a date prefix of
        // the file name, so it is written out.
        slug: crate::load::slug::split_date_prefix(&article.slug)
            .0
            .map(|_| article.slug.as_str()),
        date: article.date.map(|d| d.to_front_matter()),
        updated: article.updated.map(|d| d.to_front_matter()),
        summary: article.summary.as_deref(),
        author: article.author.as_deref(),
        source: article.source.as_deref(),
        url: article.url.as_deref(),
        category: article.category.as_deref(),
        tags: &article.tags,
        draft: article.draft,
        image: image.map(|i| i.url.as_str()),
        image_alt: image.map(|i| i.alt.as_str()).filter(|s| !s.is_empty()),
        image_caption: image.map(|i| i.caption.as_str()).filter(|s| !s.is_empty()),
        aliases: &article.aliases,
    };
    let yaml = serde_yaml::to_string(&front).map_err(|err| ImportError::FrontMatter(err.to_string()))?;
    let mut text = format!("---\n{yaml}---\n");
    if !article.body.is_empty() {
        text.push('\n');
        text.push_str(article.body.trim_end());
        text.push('\n');
    }
    Ok(with_hash(&text))
}

/// Adds the hash line just before the closing `---` of the front matter.
fn with_hash(text: &str) -> String {
    let hash = format!("{:016x}", crate::hash_bytes(text.as_bytes()));
    match closing_fence(text) {
        Some(at) => format!("{}{HASH_KEY}: {hash}\n{}", &text[..at], &text[at..]),
        None => text.to_string(),
    }
}

/// Where the front matter's closing `---` line starts.
fn closing_fence(text: &str) -> Option<usize> {
    let mut offset = text.find('\n')? + 1;
    for line in text[offset..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Who last wrote a file that is already there.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Provenance {
    /// Import wrote it and nobody changed it since.
    Imported,
    /// Import wrote it, then someone edited it.
    EditedByHand,
    /// It has no import hash: written by hand or by something else.
    NotImported,
}

/// Tells whether an existing file is import's untouched output.
pub(crate) fn provenance(existing: &str) -> Provenance {
    let Some(end) = closing_fence(existing) else {
        return Provenance::NotImported;
    };
    let front = &existing[..end];
    let prefix = format!("{HASH_KEY}: ");
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if let Some(hash) = line.strip_prefix(&prefix) {
            let without = format!("{}{}", &existing[..offset], &existing[offset + line.len()..]);
            let actual = format!("{:016x}", crate::hash_bytes(without.as_bytes()));
            return if hash.trim() == actual {
                Provenance::Imported
            } else {
                Provenance::EditedByHand
            };
        }
        offset += line.len();
    }
    Provenance::NotImported
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::article::{Article, FeaturedImage};
    use crate::import::dates::{parse, DateOrder};

    fn article() -> Article {
        Article {
            title: "عنوان: مع نقطتين".into(),
            slug: "عنوان".into(),
            date: parse("2016-07-14 19:43:00", DateOrder::Dmy).ok(),
            tags: vec!["yes".into(), "- قائمة".into()],
            image: Some(FeaturedImage {
                url: "/uploads/2016/07/a.jpg".into(),
                alt: String::new(),
                caption: "تعليق".into(),
            }),
            body: "فقرة.".into(),
            ..Article::default()
        }
    }

    #[test]
    fn front_matter_reads_back_as_written() {
        let text = render(&article()).expect("render");
        let parsed = crate::load::markdown::parse(&text).expect("parses");
        assert_eq!(parsed.front.title, "عنوان: مع نقطتين");
        assert_eq!(parsed.front.tags, ["yes", "- قائمة"]);
        assert_eq!(parsed.front.date.map(|d| d.0).as_deref(), Some("2016-07-14T19:43:00Z"));
        assert_eq!(
            parsed.front.image.map(|i| i.0).as_deref(),
            Some("/uploads/2016/07/a.jpg")
        );
        assert_eq!(parsed.front.image_caption.as_deref(), Some("تعليق"));
        assert_eq!(parsed.front.image_alt, None);
        assert_eq!(parsed.body.trim(), "فقرة.");
    }

    #[test]
    fn a_hand_edit_is_told_from_import_output() {
        let text = render(&article()).expect("render");
        assert_eq!(provenance(&text), Provenance::Imported);
        assert_eq!(
            provenance(&text.replace("فقرة.", "فقرة معدلة.")),
            Provenance::EditedByHand
        );
        assert_eq!(provenance("---\ntitle: t\n---\nx\n"), Provenance::NotImported);
    }
}
