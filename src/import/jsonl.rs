//! JSON-lines exports: one object a line, with our field names or others
//! given by `--map`, dates in whatever form the CMS wrote, plain-text or
//! HTML bodies.

use super::article::Article;
use super::dates;
use super::html_to_markdown::{html_to_markdown, html_to_text, looks_like_html, Options};
use super::shortcodes;
use super::summary::{Count, Location, Report};
use super::{open, ImportError, Progress, Settings, Sink};
use crate::load::slug::sanitise;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The fields an export line may carry, by our names.
pub(crate) const FIELDS: &[&str] = &[
    "id", "title", "date", "summary", "author", "source", "outlet", "url", "category", "tags", "body",
];

/// Imports a JSON-lines export (gzipped or not).
pub(crate) fn import(path: &Path, settings: &Settings, progress: Progress) -> Result<Report, ImportError> {
    settings.check_into()?;
    let mut reader = BufReader::with_capacity(1 << 16, open(path, progress)?);
    let mut sink = Sink::new(settings);
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| ImportError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if read == 0 {
            break;
        }
        number += 1;
        let location = Location::Line(number);
        // One bad line must not cost the rest of the export.
        let text = match std::str::from_utf8(&line) {
            Ok(text) => text,
            Err(err) => {
                sink.report.problem(
                    location,
                    Count::Unreadable,
                    format!("not valid UTF-8 (at byte {})", err.valid_up_to() + 1),
                );
                continue;
            }
        };
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            continue;
        }
        match read_line(text, settings, &mut sink.report, &location) {
            Ok(article) => {
                sink.add(article, location, None);
            }
            Err(reason) => sink.report.problem(location, Count::Unreadable, reason),
        }
    }
    Ok(sink.report)
}

/// Reads one line into an article; the error says why the line was skipped.
fn read_line(line: &str, settings: &Settings, report: &mut Report, location: &Location) -> Result<Article, String> {
    let record: Value = serde_json::from_str(line).map_err(|err| format!("not valid JSON: {err}"))?;
    if !record.is_object() {
        return Err("not a JSON object".into());
    }
    let fields = Fields {
        record: &record,
        settings,
    };
    let mut warn = |message: String| report.problem(location.clone(), Count::Warning, message);
    let title = fields.text("title", &mut warn).ok_or("no title")?;
    let date = match fields.text("date", &mut warn) {
        Some(text) => match dates::parse(&text, settings.date_order) {
            Ok(date) => Some(date),
            Err(err) => {
                warn(format!("{err}; imported undated"));
                None
            }
        },
        None => None,
    };
    let slug = fields
        .text("id", &mut warn)
        .map(|id| sanitise(&id))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| sanitise(&title));
    let tags = fields.tags(&mut warn);
    let (body, removed) = fields.body(&mut warn);
    if !removed.is_empty() {
        report.problem(
            location.clone(),
            Count::ShortcodeRemoved,
            format!("removed unknown shortcodes: {}", removed.join(", ")),
        );
        report.add_n(Count::ShortcodeRemoved, removed.len() - 1);
    }
    let mut warn = |message: String| report.problem(location.clone(), Count::Warning, message);
    let summary = fields
        .text("summary", &mut warn)
        .map(|s| if looks_like_html(&s) { html_to_text(&s) } else { s });
    let source = fields
        .text("source", &mut warn)
        .or_else(|| fields.text("outlet", &mut warn));
    Ok(Article {
        title,
        slug,
        date,
        summary: summary.filter(|s| !s.is_empty()),
        author: fields.text("author", &mut warn),
        source,
        url: fields.text("url", &mut warn),
        category: fields.text("category", &mut warn),
        tags,
        body,
        ..Article::default()
    })
}

struct Fields<'a> {
    record: &'a Value,
    settings: &'a Settings,
}

impl Fields<'_> {
    /// The export's value for one of our fields, after `--map` and `--without`.
    fn get(&self, field: &str) -> Option<&Value> {
        if self.settings.without.contains(field) {
            return None;
        }
        let key = self.settings.map.get(field).map_or(field, String::as_str);
        self.record.get(key).filter(|v| !v.is_null())
    }

    /// A text field; a number is its text (ids often are numbers), anything
    /// else is a warning.
    fn text(&self, field: &str, warn: &mut dyn FnMut(String)) -> Option<String> {
        match self.get(field)? {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                warn(format!("`{field}` is {}, not text: left out", kind(other)));
                None
            }
        }
    }

    /// Tags: a list of text, or one text of comma-separated tags.
    fn tags(&self, warn: &mut dyn FnMut(String)) -> Vec<String> {
        let mut tags = Vec::new();
        match self.get("tags") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => tags.push(s.trim().to_string()),
                        Value::String(_) => {}
                        Value::Number(n) => tags.push(n.to_string()),
                        other => warn(format!("a tag is {}, not text: left out", kind(other))),
                    }
                }
            }
            Some(Value::String(s)) => tags.extend(
                s.split([',', '،'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from),
            ),
            Some(other) => warn(format!("`tags` is {}, not a list: left out", kind(other))),
        }
        tags
    }

    /// The body as Markdown (plain text or HTML), and the unknown shortcodes removed.
    fn body(&self, warn: &mut dyn FnMut(String)) -> (String, Vec<String>) {
        let text = match self.get("body") {
            None => return (String::new(), Vec::new()),
            Some(Value::String(s)) => s.clone(),
            // A list of paragraphs is a body too.
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n")
            }
            Some(other) => {
                warn(format!("`body` is {}, not text: imported without a body", kind(other)));
                return (String::new(), Vec::new());
            }
        };
        if looks_like_html(&text) {
            let expanded = shortcodes::expand(&text, &|_| Vec::new());
            let mut keep = |url: &str, _: bool| url.to_string();
            let markdown = html_to_markdown(
                &expanded.html,
                &mut Options {
                    // Bodies already in <p>s use newlines only as layout.
                    autop: !expanded.html.to_ascii_lowercase().contains("<p"),
                    rewrite_url: &mut keep,
                },
            );
            return (markdown, expanded.removed);
        }
        let paragraphs: Vec<String> = text
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(escape_markdown)
            .collect();
        (paragraphs.join("\n\n"), Vec::new())
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Escapes a plain-text paragraph so Markdown shows it as written.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.chars().enumerate() {
        let at_start = i == 0;
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&')
            || (at_start && matches!(c, '#' | '-' | '+' | '='))
        {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. text" would become a list item.
    if let Some(dot) = out.find(['.', ')']) {
        if dot > 0 && out[..dot].chars().all(|c| c.is_ascii_digit()) {
            out.insert(dot, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_specials_are_escaped() {
        assert_eq!(escape_markdown("# ليس عنواناً"), "\\# ليس عنواناً");
        assert_eq!(escape_markdown("1. ليس قائمة"), "1\\. ليس قائمة");
        assert_eq!(escape_markdown("a <b> *c*"), "a \\<b\\> \\*c\\*");
    }
}
