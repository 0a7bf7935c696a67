//! The site configuration, `site.yaml` at the site root.

use crate::diagnostic::{yaml_error_parts, Diagnostic, Kind};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// File name of the configuration inside the site folder.
pub(crate) const CONFIG_FILE: &str = "site.yaml";

/// Everything `site.yaml` can say. A missing file means all defaults.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The archive's name, shown in the header and in feeds.
    pub title: String,
    /// One line about the archive, for the home page and feeds.
    pub description: String,
    /// Absolute address the site is published at, ending with `/`.
    pub base_url: String,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Writing direction for `<html dir>`.
    pub direction: Direction,
    /// Articles per listing page (home, archives, topics, tags).
    pub per_page: usize,
    /// How month names are written.
    pub date_style: DateStyle,
    /// Which digits dates and counts are written with.
    pub digits: Digits,
    /// How many related articles ("اقرأ أيضاً") each article gets.
    pub related_count: usize,
    /// The running stories whose articles are gathered on topic pages.
    pub topics: Vec<TopicDef>,
    /// Write HTML pages (with their inline CSS and JS) and the stylesheet
    /// minified (minify-html): smaller files, harder to read.
    pub minify: bool,
    /// Pass raw HTML in Markdown articles through unchanged. Off by default:
    /// raw HTML is then sanitised (scripts, event attributes, `javascript:`
    /// links, styles, frames, objects and forms removed; safe formatting
    /// kept). Turn on only when every editor of `content/` is trusted.
    pub unsafe_html: bool,
    /// The outlet's category keys mapped to section names (`internationalNews: {name: دولي}`).
    pub sections: std::collections::BTreeMap<String, crate::link::sections::SectionDef>,
    /// The feed formats written for the site, each topic, section and author.
    pub feeds: Vec<crate::render::feeds::FeedFormat>,
    /// IANA time zone (`Asia/Beirut`) times of day are shown in; none: each
    /// date's own offset.
    pub timezone: Option<String>,
    /// What the site says about its authors, by the name bylines write.
    pub authors: std::collections::BTreeMap<String, crate::link::authors::AuthorDef>,
    /// The widths (pixels) photos are resized to, as WebP; none wider than the original.
    pub image_widths: Vec<u32>,
    /// WebP and JPEG quality of resized photos, 1 to 100.
    pub image_quality: u8,
    /// Largest photo, in pixels (width × height), a build decodes: a larger
    /// one is refused from its header, before any memory is taken for it.
    pub image_max_pixels: u64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "أرشيف".to_string(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111/".to_string(),
            language: "ar".to_string(),
            direction: Direction::Rtl,
            per_page: 20,
            date_style: DateStyle::Levantine,
            digits: Digits::Western,
            related_count: 5,
            topics: Vec::new(),
            minify: false,
            unsafe_html: false,
            sections: Default::default(),
            timezone: None,
            feeds: vec![
                crate::render::feeds::FeedFormat::Atom,
                crate::render::feeds::FeedFormat::Rss,
            ],
            authors: Default::default(),
            image_widths: vec![480, 800, 1200, 1600],
            image_quality: 80,
            image_max_pixels: 50_000_000,
        }
    }
}

/// Writing direction of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Right to left (Arabic).
    Rtl,
    /// Left to right.
    Ltr,
}

/// How month names are written in dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateStyle {
    /// Levantine and Gregorian names together: "تشرين الثاني/نوفمبر".
    Levantine,
    /// Gregorian names alone, as in Egypt and the Gulf: "نوفمبر".
    Gregorian,
}

/// Which digits numbers in dates and counts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Digits {
    /// 0123456789
    Western,
    /// ٠١٢٣٤٥٦٧٨٩
    ArabicIndic,
}

/// One running story: its page, and the rule that assigns articles to it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    /// URL segment: `/topics/{slug}/`.
    pub slug: String,
    /// Display name, e.g. "روسيا والصين".
    pub name: String,
    /// A paragraph shown at the head of the topic page.
    #[serde(default)]
    pub description: String,
    /// Keyword rule; a topic without one only gets articles that name it.
    #[serde(default, rename = "match")]
    pub rule: Option<Rule>,
    /// Weighted mentions an article needs (title counts 3, lede 2, body 1).
    #[serde(default = "default_min_mentions")]
    pub min_mentions: u32,
    /// Articles (slugs or paths) that define the topic's profile, the
    /// second opinion on rule matches (see `link::topics::profile`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<String>,
}

fn default_min_mentions() -> u32 {
    3
}

/// A keyword rule: a phrase, a list meaning "any of", or explicit groups.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Rule {
    /// One keyword or multi-word phrase.
    Phrase(String),
    /// A bare list: any of its items.
    List(Vec<Rule>),
    /// `any: [...]`: at least one item matches.
    Any {
        /// The alternatives.
        any: Vec<Rule>,
        /// Where mentions count, phrases that cancel them.
        #[serde(flatten)]
        options: crate::link::topics::rules::GroupOptions,
    },
    /// `all: [...]`: every item matches.
    All {
        /// The requirements.
        all: Vec<Rule>,
        /// Where mentions count, phrases that cancel them, co-mention.
        #[serde(flatten)]
        options: crate::link::topics::rules::GroupOptions,
    },
}

impl SiteConfig {
    /// Reads `site.yaml` from `root`; a missing or empty file gives defaults.
    /// Errors name the file, the key and the line.
    pub(crate) fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    return Err(Diagnostic::error(
                        &path,
                        None,
                        Kind::Config,
                        "site.yaml is not valid UTF-8",
                    ))
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(SiteConfig::default()),
            Err(err) => {
                return Err(Diagnostic::error(
                    &path,
                    None,
                    Kind::Config,
                    format!("cannot read: {err}"),
                ))
            }
        };
        Self::parse(&text, &path)
    }

    /// Parses configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<SiteConfig, Diagnostic> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Ok(SiteConfig::default());
        }
        if let Some(line) = too_deeply_nested(text) {
            return Err(Diagnostic::error(
                path,
                Some(line),
                Kind::Config,
                format!("brackets nested more than {MAX_NESTING} deep: no setting needs that"),
            ));
        }
        let config: SiteConfig = serde_yaml::from_str(text).map_err(|err| {
            let (message, line) = yaml_error_parts(&err, 0);
            Diagnostic::error(path, line, Kind::Config, message)
        })?;
        config.validated(path, text)
    }

    fn validated(mut self, path: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
        let problem = |message: String| Diagnostic::error(path, None, Kind::Config, message);
        // Shown on every page: cleaned as headlines are (control characters
        // removed, bidirectional controls balanced).
        for value in [&mut self.title, &mut self.description, &mut self.language] {
            *value = crate::load::clean::display_text(value);
        }
        for topic in &mut self.topics {
            topic.name = crate::load::clean::display_text(&topic.name);
            topic.description = crate::load::clean::display_text(&topic.description);
            if topic.slug.trim().is_empty() {
                return Err(Diagnostic::error(
                    path,
                    line_of_slug(text, &topic.slug),
                    Kind::Config,
                    format!(
                        "topic `{}` has an empty slug: its page would replace /topics/index.html",
                        topic.name
                    ),
                ));
            }
        }
        for section in self.sections.values_mut() {
            section.name = crate::load::clean::display_text(&section.name);
            section.description = crate::load::clean::display_text(&section.description);
        }
        for author in self.authors.values_mut() {
            author.bio = crate::load::clean::display_text(&author.bio);
        }
        if let Some(zone) = &self.timezone {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(Diagnostic::error(
                    path,
                    text.lines().position(|l| l.starts_with("timezone:")).map(|at| at + 1),
                    Kind::Config,
                    format!("timezone `{zone}` is not an IANA time zone name (such as Asia/Beirut or UTC)"),
                ));
            }
        }
        self.base_url = normalise_base_url(&self.base_url).map_err(problem)?;
        if self.per_page == 0 {
            return Err(problem("per_page must be at least 1".to_string()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for topic in &self.topics {
            if crate::load::slug::sanitise(&topic.slug) != topic.slug {
                return Err(problem(format!(
                    "topic slug `{}` may only hold letters, digits and `-`",
                    topic.slug
                )));
            }
            if !seen.insert(topic.slug.clone()) {
                return Err(problem(format!("topic `{}` is defined twice", topic.slug)));
            }
        }
        Ok(self)
    }

    /// Replaces the base URL (from `--base-url`), with the same checks as the file.
    pub(crate) fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalise_base_url(url)?;
        Ok(())
    }

    /// The time zone times of day are shown in (checked when loaded).
    pub(crate) fn zone(&self) -> Option<chrono_tz::Tz> {
        self.timezone.as_deref().and_then(|zone| zone.parse().ok())
    }

    /// The path part of the base URL, ending with `/`: what every link starts with.
    pub(crate) fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map(|i| i + 3).unwrap_or(0);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[after_scheme + i..],
            None => "/",
        }
    }
}

/// How deep `[` and `{` may nest in `site.yaml`. The YAML parser's time
/// grows with the square of the depth (100,000 brackets took 17 s), and
/// no setting nests more than a few levels.
const MAX_NESTING: usize = 64;

/// The line where flow brackets first nest deeper than [`MAX_NESTING`],
/// outside quoted strings and comments; `None` when they never do.
fn too_deeply_nested(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (number, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some('"'), '"') if previous != '\\' => quote = None,
                (Some('\''), '\'') => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(number + 1);
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            previous = c;
        }
    }
    None
}

/// The line of `slug: VALUE` in the text, for a message about that topic.
fn line_of_slug(text: &str, slug: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ").trim();
            line.strip_prefix("slug:")
                .map(|value| value.trim().trim_matches(|c| c == '"' || c == '\''))
                .is_some_and(|value| value == slug.trim())
        })
        .map(|at| at + 1)
}

/// Checks that a base URL is an absolute http(s) address and ends it with `/`.
fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with http:// or https://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("base_url `{url}` has no host"));
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '?' | '#'))
    {
        return Err(format!("base_url `{url}` holds characters a base address cannot have"));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = SiteConfig::parse("title: x\n\ncolour: red\n", Path::new("site.yaml")).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn wrong_type_names_line() {
        let err = SiteConfig::parse("title: x\nper_page: many\n", Path::new("site.yaml")).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("per_page"), "{}", err.message);
    }

    #[test]
    fn unsafe_html_is_off_unless_asked_for() {
        assert!(
            !SiteConfig::parse("title: x\n", Path::new("site.yaml"))
                .unwrap()
                .unsafe_html
        );
        assert!(
            SiteConfig::parse("unsafe_html: true\n", Path::new("site.yaml"))
                .unwrap()
                .unsafe_html
        );
        let err = SiteConfig::parse("unsafe_html: sometimes\n", Path::new("site.yaml")).unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn base_path_from_base_url() {
        let mut config = SiteConfig::default();
        config.set_base_url("https://example.org/archive").unwrap();
        assert_eq!(config.base_url, "https://example.org/archive/");
        assert_eq!(config.base_path(), "/archive/");
        config.set_base_url("https://example.org").unwrap();
        assert_eq!(config.base_path(), "/");
        assert!(config.set_base_url("example.org").is_err());
    }

    #[test]
    fn topic_rules_parse() {
        let text = "topics:\n  - slug: rc\n    name: روسيا والصين\n    match:\n      all:\n        - [روسيا, موسكو]\n        - any: [الصين, شي جين بينغ]\n";
        let config = SiteConfig::parse(text, Path::new("site.yaml")).unwrap();
        match &config.topics[0].rule {
            Some(Rule::All { all, .. }) => assert_eq!(all.len(), 2),
            other => panic!("unexpected rule {other:?}"),
        }
    }

    #[test]
    fn deep_brackets_are_refused_before_parsing_naming_the_line() {
        let text = format!("title: t\ntopics: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let err = SiteConfig::parse(&text, Path::new("site.yaml")).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("nested"), "{err}");
        // A refusal, not a parse: far below the parser's 17 s at this depth.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Brackets in quotes and comments, and a normal depth, are fine.
        let fine =
            "title: \"[[[[[[\" # {{{{{{{\ntopics:\n  - slug: a\n    name: أ\n    match: {all: [[x, y], {any: [z]}]}\n";
        assert!(too_deeply_nested(fine).is_none());
        assert!(SiteConfig::parse(fine, Path::new("site.yaml")).is_ok());
    }

    #[test]
    fn an_empty_topic_slug_is_an_error_naming_its_line() {
        let text = "title: t\ntopics:\n  - slug: ok\n    name: أ\n  - slug: \"\"\n    name: ب\n";
        let err = SiteConfig::parse(text, Path::new("site.yaml")).unwrap_err();
        assert_eq!(err.line, Some(5), "{err}");
        assert!(err.message.contains("empty slug"), "{err}");
    }

    #[test]
    fn control_characters_in_shown_values_are_removed() {
        let text = "title: \"أرشيف\\x07\\x1b[31m\"\ndescription: \"سطر\\u202Eمقلوب\"\ntopics:\n  - slug: a\n    name: \"اسم\\x00\"\n";
        let config = SiteConfig::parse(text, Path::new("site.yaml")).unwrap();
        assert_eq!(config.title, "أرشيف[31m");
        assert!(
            config.description.ends_with('\u{202C}'),
            "the override is closed: {:?}",
            config.description
        );
        assert_eq!(config.topics[0].name, "اسم");
    }
}
