//! WordPress exports (WXR 1.1/1.2, `.xml` or `.xml.gz`), read as a stream.
//!
//! The export is read twice, one `<item>` at a time, so memory stays the size
//! of one post however large the export: the first pass keeps only the
//! attachments (address, caption, alt text; a post's featured image or
//! gallery may come after it in the file) and the authors' display names,
//! the second files the posts.
//!
//! Only posts become articles. Pages ("about us", "contact") are skipped:
//! arshif has no standalone pages yet, and as articles they would be dated
//! and listed in the archive, the feeds and the related lists. Menu items,
//! revisions and other post types are site machinery, and comments are not
//! part of an archive; all are counted in the summary.

use super::article::{Article, FeaturedImage};
use super::dates::{self, ImportDate};
use super::html_to_markdown::{html_to_markdown, html_to_text, Options};
use super::media::Media;
use super::redirects::{self, QueryRedirect};
use super::shortcodes::{self, GalleryImage};
use super::summary::{Count, Location, Report};
use super::{open, ImportError, Progress, Settings, Sink};
use crate::load::slug::sanitise;
use percent_encoding::percent_decode_str;
use quick_xml::events::{BytesStart, Event};
use std::collections::{BTreeMap, HashMap};
use std::io::BufReader;
use std::path::Path;

/// An attachment: a photo posts refer to by id.
#[derive(Clone, Debug, Default)]
struct Attachment {
    url: String,
    alt: String,
    caption: String,
    parent: u64,
}

/// The fields of one `<item>` that import uses.
#[derive(Debug, Default)]
struct Item {
    fields: HashMap<String, String>,
    /// `(domain, nicename, name)` of each `<category>`, in order.
    categories: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
    comments: usize,
}

impl Item {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(|s| s.trim()).unwrap_or_default()
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim())
    }

    fn id(&self) -> u64 {
        self.field("wp:post_id").parse().unwrap_or(0)
    }
}

/// Authors' display names by login, and attachments by id.
#[derive(Default)]
struct Catalogue {
    authors: HashMap<String, String>,
    attachments: BTreeMap<u64, Attachment>,
}

/// The bytes of work an import of `path` reports to [`Progress`]: the file
/// is read twice.
pub(crate) fn work_total(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len()) * 2
}

/// Imports a WordPress export.
pub(crate) fn import(path: &Path, settings: &Settings, progress: Progress) -> Result<Report, ImportError> {
    settings.check_into()?;
    let size = work_total(path) / 2;
    let mut catalogue = Catalogue::default();
    read_items(
        path,
        &|read| progress(read),
        &mut |item| {
            if item.field("wp:post_type") == "attachment" {
                catalogue.attachments.insert(
                    item.id(),
                    Attachment {
                        url: item.field("wp:attachment_url").to_string(),
                        alt: item.meta("_wp_attachment_image_alt").unwrap_or_default().to_string(),
                        caption: html_to_text(item.field("excerpt:encoded")),
                        parent: item.field("wp:post_parent").parse().unwrap_or(0),
                    },
                );
            }
        },
        &mut catalogue.authors,
    )?;
    let mut sink = Sink::new(settings);
    let mut media = Media::new(settings.media.clone(), &settings.root, settings.dry_run);
    let mut query_redirects = Vec::new();
    let mut authors = HashMap::new();
    read_items(
        path,
        &|read| progress(size + read),
        &mut |item| {
            post(item, &catalogue, &mut sink, &mut media, &mut query_redirects);
        },
        &mut authors,
    )?;
    let mut report = sink.report;
    report.add_n(Count::PhotoCopied, media.copied);
    report.add_n(Count::PhotoRemote, media.remote.len());
    for failure in media.failures {
        report.problem(Location::Export, Count::Warning, failure);
    }
    report.add_n(Count::QueryRedirect, query_redirects.len());
    if !query_redirects.is_empty() && !settings.dry_run {
        write_redirects(&settings.root, &query_redirects, settings.force, &mut report)?;
    }
    Ok(report)
}

fn write_redirects(root: &Path, rules: &[QueryRedirect], force: bool, report: &mut Report) -> Result<(), ImportError> {
    for (path, kind) in redirects::files(root) {
        let text = redirects::render(kind, rules);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == text => continue,
            Ok(existing) if !force && !redirects::replaceable(&existing) => {
                report.problem(
                    Location::Export,
                    Count::Warning,
                    format!(
                        "{} exists and was not written by import; kept (--force replaces it)",
                        path.display()
                    ),
                );
                continue;
            }
            _ => {}
        }
        let write_error = |source| ImportError::Write {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_error)?;
        }
        std::fs::write(&path, text).map_err(write_error)?;
    }
    Ok(())
}

/// Files one item of the second pass.
fn post(
    item: Item,
    catalogue: &Catalogue,
    sink: &mut Sink,
    media: &mut Media,
    query_redirects: &mut Vec<QueryRedirect>,
) {
    let id = item.id();
    let location = Location::Post(id);
    let report = &mut sink.report;
    report.add_n(Count::SkippedComment, item.comments);
    match item.field("wp:post_type") {
        "post" => {}
        "attachment" => return report.add(Count::Attachment),
        "page" => return report.add(Count::SkippedPage),
        "nav_menu_item" => return report.add(Count::SkippedMenuItem),
        _ => return report.add(Count::SkippedOtherType),
    }
    let draft = match item.field("wp:status") {
        "publish" => false,
        "draft" | "pending" | "future" => true,
        "private" => {
            return report.problem(location, Count::SkippedPrivate, "private post: not imported");
        }
        status => {
            return report.problem(
                location,
                Count::SkippedTrash,
                format!("status `{status}`: not imported"),
            );
        }
    };
    if !item.field("wp:post_password").is_empty() {
        return report.problem(
            location,
            Count::SkippedPrivate,
            "password-protected post (a static site cannot protect it): not imported",
        );
    }
    let mut warn = |message: String| report.problem(location.clone(), Count::Warning, message);
    let title = html_to_text(item.field("title"));
    let title = if title.is_empty() {
        warn("no title: the headline is the post id".into());
        format!("{id}")
    } else {
        title
    };
    let date = wordpress_date(item.field("wp:post_date_gmt"))
        .or_else(|| wordpress_date(item.field("wp:post_date")))
        .or_else(|| wordpress_date(item.field("pubDate")));
    if date.is_none() && !draft {
        warn("no readable post_date_gmt, post_date or pubDate: imported undated".into());
    }
    let updated = wordpress_date(item.field("wp:post_modified_gmt")).filter(|u| Some(*u) != date);
    let slug = sanitise(&percent_decode_str(item.field("wp:post_name")).decode_utf8_lossy());
    let author = item.field("dc:creator");
    let author = catalogue.authors.get(author).map_or(author, String::as_str);
    let mut category = None;
    let mut tags = Vec::new();
    let mut more_categories = Vec::new();
    for (domain, nicename, name) in &item.categories {
        let name = html_to_text(name);
        match domain.as_str() {
            // WordPress files every post without a section under "Uncategorized".
            "category" if nicename == "uncategorized" || name.is_empty() => {}
            "category" if category.is_none() => category = Some(name),
            "category" => more_categories.push(name),
            "post_tag" if !name.is_empty() => tags.push(name),
            _ => {}
        }
    }
    // An article has one section: further categories are kept as tags.
    for name in more_categories {
        if !tags.contains(&name) {
            tags.push(name);
        }
    }
    let image = item
        .meta("_thumbnail_id")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|thumbnail| match catalogue.attachments.get(&thumbnail) {
            Some(attachment) if !attachment.url.is_empty() => Some(FeaturedImage {
                url: media.place(&attachment.url, true),
                alt: attachment.alt.clone(),
                caption: attachment.caption.clone(),
            }),
            _ => {
                warn(format!(
                    "featured image {thumbnail} is not an attachment in the export: left out"
                ));
                None
            }
        });
    let gallery = |ids: Option<&[u64]>| -> Vec<GalleryImage> {
        let pick = |a: &Attachment| GalleryImage {
            url: a.url.clone(),
            alt: a.alt.clone(),
            caption: a.caption.clone(),
        };
        match ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| catalogue.attachments.get(id))
                .map(pick)
                .collect(),
            None => catalogue
                .attachments
                .values()
                .filter(|a| a.parent == id)
                .map(pick)
                .collect(),
        }
    };
    let expanded = shortcodes::expand(item.field("content:encoded"), &gallery);
    if !expanded.removed.is_empty() {
        let mut names = expanded.removed.clone();
        names.sort();
        names.dedup();
        report.problem(
            location.clone(),
            Count::ShortcodeRemoved,
            format!("removed unknown shortcodes: {}", names.join(", ")),
        );
        report.add_n(Count::ShortcodeRemoved, expanded.removed.len() - 1);
    }
    let mut rewrite = |url: &str, image: bool| media.place(url, image);
    let body = html_to_markdown(
        &expanded.html,
        &mut Options {
            autop: true,
            rewrite_url: &mut rewrite,
        },
    );
    let link = item.field("link");
    let aliases = old_path(link).into_iter().collect();
    let summary = html_to_text(item.field("excerpt:encoded"));
    let article = Article {
        title,
        slug,
        date,
        updated,
        summary: Some(summary).filter(|s| !s.is_empty()),
        author: Some(author.to_string()).filter(|s| !s.is_empty()),
        category,
        tags,
        draft,
        aliases,
        image,
        body,
        ..Article::default()
    };
    let suffix = id.to_string();
    if let Some(to) = sink.add(article, location, Some(&suffix)) {
        // WordPress answers `/?p=ID` for every post, whatever its permalinks.
        if id > 0 {
            query_redirects.push(QueryRedirect { id, to });
        }
    }
}

/// A WordPress date (`YYYY-MM-DD HH:MM:SS`); drafts carry `0000-00-00 00:00:00`.
fn wordpress_date(text: &str) -> Option<ImportDate> {
    if text.is_empty() || text.starts_with("0000-00-00") {
        return None;
    }
    dates::parse(text, dates::DateOrder::Dmy).ok()
}

/// The path of a permalink (`https://site/2016/07/slug/` → `/2016/07/slug/`);
/// `None` for the home page and `?p=` links, which no static file can answer.
fn old_path(link: &str) -> Option<String> {
    let after_scheme = link.split_once("://").map_or(link, |(_, rest)| rest);
    let path = &after_scheme[after_scheme.find('/')?..];
    let path = path.split('#').next().unwrap_or_default();
    if path.contains('?') || path == "/" || path.is_empty() {
        return None;
    }
    Some(path.to_string())
}

/// Reads the export item by item, handing each to `on_item`; authors go to `authors`.
fn read_items(
    path: &Path,
    progress: Progress,
    on_item: &mut dyn FnMut(Item),
    authors: &mut HashMap<String, String>,
) -> Result<(), ImportError> {
    let input = BufReader::with_capacity(1 << 16, open(path, progress)?);
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buffer = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut item: Option<Item> = None;
    let mut meta_key = String::new();
    let mut meta_value = String::new();
    let mut author_login = String::new();
    let mut author_name = String::new();
    let mut category_attrs = (String::new(), String::new());
    let xml_error = |reader: &quick_xml::Reader<_>, message: String| ImportError::Xml {
        path: path.to_path_buf(),
        position: reader.error_position(),
        message,
    };
    loop {
        buffer.clear();
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|err| xml_error(&reader, err.to_string()))?;
        match event {
            Event::Start(start) => {
                let name = tag_name(&start);
                if name == "item" {
                    item = Some(Item::default());
                } else if name == "category" && item.is_some() {
                    category_attrs = (attribute(&start, "domain"), attribute(&start, "nicename"));
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(start) => {
                // `<wp:post_password/>` and the like: an empty value.
                let name = tag_name(&start);
                if let Some(item) = item.as_mut() {
                    if stack.last().is_some_and(|p| p == "item") {
                        item.fields.insert(name, String::new());
                    }
                }
            }
            Event::Text(t) => match t.unescape() {
                Ok(unescaped) => text.push_str(&unescaped),
                // An HTML entity such as `&nbsp;` in a title is not XML; the
                // HTML conversion reads it.
                Err(_) => text.push_str(&String::from_utf8_lossy(&t.into_inner())),
            },
            Event::CData(c) => text.push_str(&String::from_utf8_lossy(&c.into_inner())),
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    continue;
                };
                let parent = stack.last().map(String::as_str).unwrap_or_default();
                let value = std::mem::take(&mut text);
                match (parent, name.as_str(), item.as_mut()) {
                    (_, "item", Some(_)) => {
                        if let Some(done) = item.take() {
                            on_item(done);
                        }
                    }
                    ("item", "category", Some(item)) => {
                        let (domain, nicename) = std::mem::take(&mut category_attrs);
                        item.categories.push((domain, nicename, value));
                    }
                    ("item", "wp:comment", Some(item)) => item.comments += 1,
                    ("item", "wp:postmeta", Some(item)) => {
                        item.meta
                            .push((std::mem::take(&mut meta_key), std::mem::take(&mut meta_value)));
                    }
                    ("item", field, Some(item)) => {
                        item.fields.insert(field.to_string(), value);
                    }
                    ("wp:postmeta", "wp:meta_key", Some(_)) => meta_key = value,
                    ("wp:postmeta", "wp:meta_value", Some(_)) => meta_value = value,
                    ("wp:author", "wp:author_login", None) => author_login = value,
                    ("wp:author", "wp:author_display_name", None) => author_name = value,
                    ("channel", "wp:author", None) => {
                        let login = std::mem::take(&mut author_login).trim().to_string();
                        let name = html_to_text(&std::mem::take(&mut author_name));
                        if !login.is_empty() && !name.is_empty() {
                            authors.insert(login, name);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

fn tag_name(start: &BytesStart) -> String {
    String::from_utf8_lossy(start.name().as_ref()).into_owned()
}

fn attribute(start: &BytesStart, name: &str) -> String {
    start
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_paths_of_permalinks() {
        assert_eq!(
            old_path("https://x.example/2016/07/%d8%a3/").as_deref(),
            Some("/2016/07/%d8%a3/")
        );
        assert_eq!(
            old_path("https://x.example/archives/101").as_deref(),
            Some("/archives/101")
        );
        assert_eq!(old_path("https://x.example/?p=12"), None);
        assert_eq!(old_path("https://x.example/"), None);
        assert_eq!(old_path("https://x.example"), None);
    }

    #[test]
    fn zero_dates_of_drafts_are_no_dates() {
        assert_eq!(wordpress_date("0000-00-00 00:00:00"), None);
        assert_eq!(
            wordpress_date("2016-07-14 16:43:00")
                .map(|d| d.to_front_matter())
                .as_deref(),
            Some("2016-07-14T16:43:00Z")
        );
    }
}
