//! Markdown articles: YAML front matter between `---` lines, then Markdown.

use crate::analyse::normalise::strip_read_also;
use crate::article::{ReadAlsoRef, RefOrigin, TopicRef};
use crate::diagnostic::yaml_error_parts;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// The Markdown extensions every stage parses with, so that load and render agree.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// A problem with a line number, before the file name is attached.
#[derive(Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line in the file.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl LineError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        LineError {
            line: Some(line),
            message: message.into(),
        }
    }
}

/// The front matter's known keys, typed; unknown keys go to `extra`.
#[derive(Debug, Default)]
pub struct FrontMatter {
    /// `title` (required).
    pub title: String,
    /// `date`, with the line it is on for later messages.
    pub date: Option<(String, usize)>,
    /// `summary`.
    pub summary: Option<String>,
    /// `author`, when it is one text (a byline, maybe of several names).
    pub author: Option<String>,
    /// `author`, when it is a list of names.
    pub authors: Vec<String>,
    /// `updated`, with its line.
    pub updated: Option<(String, usize)>,
    /// `publish_at`, with its line.
    pub publish_at: Option<(String, usize)>,
    /// `corrections`: (date, text) pairs with the key's line.
    pub corrections: Vec<(String, String, usize)>,
    /// `source`.
    pub source: Option<String>,
    /// `url`, with its line.
    pub url: Option<(String, usize)>,
    /// `category`.
    pub category: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `topics`, each slug with its line.
    pub topics: Vec<TopicRef>,
    /// `topics_exclude`, each slug with its line.
    pub topics_exclude: Vec<TopicRef>,
    /// `slug`, with its line.
    pub slug: Option<(String, usize)>,
    /// `draft`.
    pub draft: bool,
    /// `aliases`, each with the line of the `aliases:` key.
    pub aliases: Vec<(String, usize)>,
    /// `read_also`.
    pub read_also: Vec<ReadAlsoRef>,
    /// `image`, with its line, and `image_alt`, `image_caption`, `image_credit`.
    pub image: Option<(String, usize)>,
    /// `image_alt`.
    pub image_alt: Option<String>,
    /// `image_caption`.
    pub image_caption: Option<String>,
    /// `image_credit`.
    pub image_credit: Option<String>,
    /// Any other key, as JSON for templates.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A Markdown file split into its parts.
#[derive(Debug)]
pub struct ParsedMarkdown {
    /// The front matter.
    pub front: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// Line of the file where `body` starts.
    pub body_first_line: usize,
}

/// Splits front matter from the body and reads its keys.
pub fn parse(text: &str) -> Result<ParsedMarkdown, LineError> {
    if text.trim().is_empty() {
        return Err(LineError {
            line: None,
            message: "the file is empty: a Markdown article needs front matter with a `title:`".to_string(),
        });
    }
    let (yaml, body, body_first_line) = split_front_matter(text)?;
    let front = read_front_matter(yaml)?;
    Ok(ParsedMarkdown {
        front,
        body: body.to_string(),
        body_first_line,
    })
}

/// The body of a Markdown article and the line it starts on, without
/// reading the front matter (`None` when it has none): what reading a
/// text back at render needs, at a fraction of [`parse`]'s cost.
pub(crate) fn body_only(text: &str) -> Option<(&str, usize)> {
    split_front_matter(text).ok().map(|(_, body, line)| (body, line))
}

/// Returns (front matter, body, body's first line). Front matter starts on line 2.
fn split_front_matter(text: &str) -> Result<(&str, &str, usize), LineError> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(LineError::at(
            1,
            "no front matter: start the file with a `---` line, then `title: …`, then `---`",
        ));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = raw.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + raw.len();
            return Ok((&text[yaml_start..offset], &text[body_start..], line + 1));
        }
        offset += raw.len();
    }
    Err(LineError::at(
        1,
        "front matter opened with `---` is never closed: add a `---` line after it",
    ))
}

/// Finds the line (1-based, in the file) of a top-level key in the front matter.
fn key_line(yaml: &str, key: &str) -> usize {
    yaml.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 2)
        .unwrap_or(2)
}

fn read_front_matter(yaml: &str) -> Result<FrontMatter, LineError> {
    let value: Value = if yaml.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        serde_yaml::from_str(yaml).map_err(|err| {
            let (message, line) = yaml_error_parts(&err, 1);
            LineError {
                line: line.or(Some(2)),
                message: format!("front matter is not valid YAML: {message}"),
            }
        })?
    };
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        Value::Null => Mapping::new(),
        other => {
            return Err(LineError::at(
                2,
                format!(
                    "front matter must be keys and values (`title: …`), found {}",
                    describe(&other)
                ),
            ))
        }
    };
    let mut front = FrontMatter::default();
    let mut title = None;
    for (key, value) in mapping {
        let Value::String(key) = key else {
            return Err(LineError::at(
                2,
                format!("front matter key {} is not text", describe(&key)),
            ));
        };
        let line = key_line(yaml, &key);
        let text = |value: Value| scalar_text(value).map_err(|found| type_error(&key, line, "text", &found));
        let list = |value: Value| text_list(value).map_err(|found| type_error(&key, line, "a list of text", &found));
        match key.as_str() {
            "title" => title = text(value)?,
            "date" => front.date = text(value)?.map(|date| (date, line)),
            "summary" => front.summary = text(value)?,
            "author" => match value {
                Value::Sequence(_) => front.authors = list(value)?,
                value => front.author = text(value)?,
            },
            "updated" => front.updated = text(value)?.map(|date| (date, line)),
            "publish_at" => front.publish_at = text(value)?.map(|date| (date, line)),
            "corrections" => front.corrections = corrections(value, line)?,
            "source" => front.source = text(value)?,
            "url" => front.url = text(value)?.map(|url| (url, line)),
            "category" => front.category = text(value)?,
            "slug" => front.slug = text(value)?.map(|slug| (slug, line)),
            "tags" => front.tags = list(value)?,
            "topics" => front.topics = topic_refs(yaml, &key, line, list(value)?),
            "topics_exclude" => front.topics_exclude = topic_refs(yaml, &key, line, list(value)?),
            "aliases" => front.aliases = list(value)?.into_iter().map(|alias| (alias, line)).collect(),
            "read_also" => {
                front.read_also = list(value)?
                    .into_iter()
                    .map(|text| ReadAlsoRef {
                        text,
                        line,
                        origin: RefOrigin::FrontMatter,
                        link: None,
                    })
                    .collect()
            }
            "image" => match value {
                // `image: {src: …, alt: …, caption: …, credit: …}`, as some themes write it.
                Value::Mapping(mut fields) => {
                    let mut take = |name: &str| {
                        fields
                            .remove(name)
                            .map(scalar_text)
                            .transpose()
                            .map(Option::flatten)
                            .map_err(|found| type_error(&format!("image: {name}"), line, "text", &found))
                    };
                    let src = take("src")?;
                    let (alt, caption, credit) = (take("alt")?, take("caption")?, take("credit")?);
                    front.image_alt = alt.or(front.image_alt.take());
                    front.image_caption = caption.or(front.image_caption.take());
                    front.image_credit = credit.or(front.image_credit.take());
                    front.image = src
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| (s.trim().to_string(), line));
                }
                value => {
                    front.image = text(value)?
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| (s.trim().to_string(), line))
                }
            },
            "image_alt" => front.image_alt = text(value)?,
            "image_caption" => front.image_caption = text(value)?,
            "image_credit" => front.image_credit = text(value)?,
            "draft" => {
                front.draft = match value {
                    Value::Bool(draft) => draft,
                    Value::Null => false,
                    other => return Err(type_error(&key, line, "true or false", &describe(&other))),
                }
            }
            _ => {
                let json = serde_json::to_value(&value)
                    .map_err(|err| LineError::at(line, format!("`{key}` cannot be used by templates: {err}")))?;
                front.extra.insert(key, json);
            }
        }
    }
    front.title = title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| LineError::at(2, "front matter has no `title:`; every article needs a headline"))?
        .trim()
        .to_string();
    Ok(front)
}

/// The slugs of a `topics`-like key, each with its line: the list item's
/// below the key, or the key's own line for `key: [a, b]` (and when the
/// item cannot be found, e.g. in YAML written some other way).
fn topic_refs(yaml: &str, key: &str, key_line: usize, slugs: Vec<String>) -> Vec<TopicRef> {
    let lines: Vec<&str> = yaml.lines().collect();
    let names = |part: &str, slug: &str| {
        part.split([',', '[', ']'])
            .map(|item| item.trim().trim_start_matches("- ").trim().trim_matches(['"', '\'']))
            .any(|item| item == slug)
    };
    // `key_line` counts from the file's first line, the `---` above the YAML.
    let key_index = key_line.saturating_sub(2);
    let own = lines
        .get(key_index)
        .and_then(|l| l.strip_prefix(key))
        .map_or("", |rest| rest.trim_start().trim_start_matches(':'));
    let items: Vec<&str> = lines
        .iter()
        .skip(key_index + 1)
        .take_while(|l| l.starts_with([' ', '\t', '-']))
        .copied()
        .collect();
    slugs
        .into_iter()
        .map(|slug| {
            let line = match items.iter().position(|l| names(l, &slug)) {
                Some(offset) if !names(own, &slug) => key_line + 1 + offset,
                _ => key_line,
            };
            TopicRef { slug, line }
        })
        .collect()
}

/// `corrections:` as a list of `{date: …, text: …}` entries.
fn corrections(value: Value, line: usize) -> Result<Vec<(String, String, usize)>, LineError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Sequence(items) => items,
        other => {
            return Err(type_error(
                "corrections",
                line,
                "a list of `date:` and `text:` entries",
                &describe(&other),
            ))
        }
    };
    let mut found = Vec::with_capacity(items.len());
    for item in items {
        let Value::Mapping(mut entry) = item else {
            return Err(type_error(
                "corrections",
                line,
                "a list of `date:` and `text:` entries",
                &describe(&item),
            ));
        };
        let mut take = |key: &str| {
            entry
                .remove(key)
                .map(scalar_text)
                .transpose()
                .map(Option::flatten)
                .map_err(|found| type_error(&format!("corrections: {key}"), line, "text", &found))
        };
        let date = take("date")?;
        let text = take("text")?;
        match (date, text) {
            (Some(date), Some(text)) if !text.trim().is_empty() => found.push((date, text.trim().to_string(), line)),
            _ => {
                return Err(LineError::at(
                    line,
                    "each entry of `corrections:` needs a `date:` and a `text:`",
                ))
            }
        }
    }
    Ok(found)
}

fn type_error(key: &str, line: usize, expected: &str, found: &str) -> LineError {
    LineError::at(line, format!("`{key}` should be {expected}, found {found}"))
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

/// Text from a scalar; numbers and booleans become their text (a headline may be "1948").
fn scalar_text(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(describe(&other)),
    }
}

/// A list of text; a single scalar counts as a one-item list.
fn text_list(value: Value) -> Result<Vec<String>, String> {
    match value {
        Value::Sequence(items) => items
            .into_iter()
            .filter_map(|item| scalar_text(item).transpose())
            .map(|item| item.map(|s| s.trim().to_string()))
            .filter(|item| item.as_ref().map_or(true, |s| !s.is_empty()))
            .collect(),
        other => Ok(scalar_text(other)?
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect()),
    }
}

/// What one pass over the Markdown body finds.
#[derive(Debug, Default)]
pub struct BodyScan {
    /// The text without markup, one block a line, for analysis.
    pub plain_text: String,
    /// Paragraphs opening with "اقرأ أيضاً", in order.
    pub read_also: Vec<ReadAlsoRef>,
    /// Destinations of every link, in order.
    pub links: Vec<String>,
    /// Images of the text that are files of the site (not `http(s)`
    /// addresses), each with its line, in order: the build resizes them.
    pub images: Vec<(String, usize)>,
}

/// Reads the Markdown once for its plain text and its read-also paragraphs.
pub fn scan_body(body: &str, first_line: usize) -> BodyScan {
    let mut scan = BodyScan::default();
    let mut paragraph: Option<(usize, String)> = None;
    let mut paragraph_link: Option<String> = None;
    // Lines are counted from the last paragraph on, not from the start for
    // each one: a huge body full of read-also paragraphs stays linear.
    let mut counted = (0usize, first_line);
    let mut line_at = |offset: usize| -> usize {
        let (from, line) = if offset >= counted.0 { counted } else { (0, first_line) };
        let line = line + body.get(from..offset).map_or(0, |text| text.matches('\n').count());
        counted = (offset, line);
        line
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) => {
                paragraph = Some((range.start, String::new()));
                paragraph_link = None;
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if paragraph.is_some() && paragraph_link.is_none() {
                    paragraph_link = Some(dest_url.to_string());
                }
                scan.links.push(dest_url.to_string());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                // Any scheme (`https:`, `data:`, `javascript:`) or `//host`: not a file of the site.
                let scheme = dest_url.split_once(':').is_some_and(|(scheme, _)| {
                    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                        && scheme
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                });
                let elsewhere = scheme || dest_url.starts_with("//");
                if !elsewhere && !dest_url.trim().is_empty() {
                    let line = line_at(range.start);
                    scan.images.push((dest_url.to_string(), line));
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((start, text)) = paragraph.take() {
                    match strip_read_also(&text) {
                        Some(reference) => scan.read_also.push(ReadAlsoRef {
                            text: reference.to_string(),
                            line: line_at(start),
                            origin: RefOrigin::Inline,
                            link: paragraph_link.take(),
                        }),
                        None => {
                            scan.plain_text.push_str(&text);
                            scan.plain_text.push('\n');
                        }
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => match paragraph.as_mut() {
                Some((_, buffer)) => buffer.push_str(&text),
                None => scan.plain_text.push_str(&text),
            },
            Event::SoftBreak | Event::HardBreak => match paragraph.as_mut() {
                Some((_, buffer)) => buffer.push(' '),
                None => scan.plain_text.push(' '),
            },
            Event::End(_) if paragraph.is_none() && !scan.plain_text.is_empty() && !scan.plain_text.ends_with('\n') => {
                scan.plain_text.push('\n');
            }
            _ => {}
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_slugs_keep_their_lines() {
        let lines = |text: &str, exclude: bool| {
            let front = parse(text).unwrap().front;
            let refs = if exclude { front.topics_exclude } else { front.topics };
            refs.into_iter().map(|r| (r.slug, r.line)).collect::<Vec<_>>()
        };
        let text = "---\ntitle: x\ntopics: [a, b]\ntopics_exclude:\n  - c\n  - \"d\"\n---\nd\n";
        assert_eq!(lines(text, false), [("a".into(), 3), ("b".into(), 3)]);
        assert_eq!(lines(text, true), [("c".into(), 5), ("d".into(), 6)]);
    }

    #[test]
    fn reads_known_and_extra_keys() {
        let text = "---\ntitle: عنوان\ndate: 2022-12-07\ntags: [طاقة, 2022]\nfeatured: true\ndraft: false\n---\nنص\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.front.title, "عنوان");
        assert_eq!(parsed.front.date, Some(("2022-12-07".to_string(), 3)));
        assert_eq!(parsed.front.tags, vec!["طاقة", "2022"]);
        assert_eq!(parsed.front.extra["featured"], serde_json::Value::Bool(true));
        assert_eq!(parsed.body, "نص\n");
        assert_eq!(parsed.body_first_line, 8);
    }

    #[test]
    fn errors_carry_file_lines() {
        let missing = parse("---\nsummary: x\n---\n").unwrap_err();
        assert!(missing.message.contains("title"));
        let unclosed = parse("---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(unclosed.line, Some(1));
        assert!(unclosed.message.contains("never closed"));
        let bad_type = parse("---\ntitle: x\n\ntags: {a: b}\n---\n").unwrap_err();
        assert_eq!(bad_type.line, Some(4));
        assert!(bad_type.message.contains("tags"));
        let bad_yaml = parse("---\ntitle: x\nsummary: [unclosed\n---\n").unwrap_err();
        assert!(bad_yaml.line.is_some_and(|l| l >= 3), "{bad_yaml:?}");
        let list = parse("---\n- a\n- b\n---\n").unwrap_err();
        assert!(list.message.contains("found a list"));
        let number_title = parse("---\ntitle: 1948\n---\n").unwrap();
        assert_eq!(number_title.front.title, "1948");
    }

    #[test]
    fn scan_finds_read_also_paragraphs_and_text() {
        let body = "# عنوان فرعي\n\nفقرة **أولى**.\n\nاقرأ أيضاً: التجارة تنمو\n\nفقرة ثانية.\n";
        let scan = scan_body(body, 5);
        assert_eq!(scan.read_also.len(), 1);
        assert_eq!(scan.read_also[0].text, "التجارة تنمو");
        assert_eq!(scan.read_also[0].line, 9);
        assert!(scan.plain_text.contains("فقرة أولى."));
        assert!(scan.plain_text.contains("عنوان فرعي"));
        assert!(!scan.plain_text.contains("التجارة"));
    }
}
