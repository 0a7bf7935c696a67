//! `arshif import`: a CMS export (JSON lines) becomes Markdown articles.

use crate::Verbosity;
use anyhow::{bail, Context};
use arshif::load::{parse_date, slug::sanitise};
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Import a newsroom export (JSON lines, optionally gzipped) as one .md file per article.
///
/// Each line is an object with `title`, `date`, `body` (paragraphs split by
/// newlines) and optionally `id`, `summary`, `author`, `source` or `outlet`,
/// `url`, `category`, `tags`. Files go to INTO/{yyyy}/{slug}.md.
///
/// Example: arshif import export.jsonl.gz --into content/ --without category
#[derive(clap::Args)]
pub struct Args {
    /// The export file (.jsonl or .jsonl.gz).
    pub export: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the articles [default: ROOT/content].
    #[arg(long)]
    pub into: Option<PathBuf>,
    /// Leave a field out of the imported articles (repeatable), e.g. `category`.
    #[arg(long, value_name = "FIELD")]
    pub without: Vec<String>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Fields an export line may carry.
const FIELDS: &[&str] = &[
    "id", "title", "date", "summary", "author", "source", "outlet", "url", "category", "tags", "body",
];

#[derive(Serialize)]
struct FrontMatter<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

/// Runs the import and prints how many articles were written and skipped.
pub fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    for field in &args.without {
        if !FIELDS.contains(&field.as_str()) || field == "title" || field == "body" {
            bail!("--without {field}: can leave out one of id, date, summary, author, source, outlet, url, category, tags");
        }
    }
    let into = args.into.clone().unwrap_or_else(|| args.root.join("content"));
    let file = std::fs::File::open(&args.export).with_context(|| format!("cannot open {}", args.export.display()))?;
    let reader: Box<dyn Read> = if args.export.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut written = 0usize;
    let mut skipped = Vec::new();
    let mut seen = BTreeSet::new();
    let without: BTreeSet<&str> = args.without.iter().map(String::as_str).collect();
    for (number, line) in BufReader::new(reader).lines().enumerate() {
        let number = number + 1;
        let line = line.with_context(|| format!("{}:{}: cannot read", args.export.display(), number))?;
        if line.trim().is_empty() {
            continue;
        }
        match import_line(&line, &into, &without, args.force, &mut seen) {
            Ok(_) => written += 1,
            Err(reason) => skipped.push(format!("{}:{}: {}", args.export.display(), number, reason)),
        }
    }
    if !verbosity.quiet {
        for reason in &skipped {
            eprintln!("skipped {reason}");
        }
        println!(
            "imported {written} articles into {} ({} skipped)",
            into.display(),
            skipped.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn text_field<'a>(record: &'a serde_json::Value, key: &str, without: &BTreeSet<&str>) -> Option<&'a str> {
    if without.contains(key) {
        return None;
    }
    record.get(key)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// Writes one article; the error says why the line was skipped.
fn import_line(
    line: &str,
    into: &Path,
    without: &BTreeSet<&str>,
    force: bool,
    seen: &mut BTreeSet<PathBuf>,
) -> Result<PathBuf, String> {
    let record: serde_json::Value = serde_json::from_str(line).map_err(|err| format!("not valid JSON: {err}"))?;
    if !record.is_object() {
        return Err("not a JSON object".into());
    }
    let title = text_field(&record, "title", without).ok_or("no title")?;
    let date_text = text_field(&record, "date", without);
    let date = match date_text {
        Some(text) => Some(parse_date(text).ok_or_else(|| format!("date `{text}` is not a date"))?),
        None => None,
    };
    let slug = text_field(&record, "id", without)
        .map(sanitise)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| sanitise(title));
    if slug.is_empty() {
        return Err("no id, and the title makes no slug".into());
    }
    let folder = match date {
        Some(date) => format!("{:04}", date.year()),
        None => "undated".to_string(),
    };
    let path = into.join(folder).join(format!("{slug}.md"));
    if !seen.insert(path.clone()) || (!force && path.exists()) {
        return Err(format!("{} exists (use --force to overwrite)", path.display()));
    }
    let tags: Vec<&str> = if without.contains("tags") {
        Vec::new()
    } else {
        record
            .get("tags")
            .and_then(|t| t.as_array())
            .map(|tags| tags.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default()
    };
    let front = FrontMatter {
        title,
        date: date_text,
        summary: text_field(&record, "summary", without),
        author: text_field(&record, "author", without),
        source: text_field(&record, "source", without).or_else(|| text_field(&record, "outlet", without)),
        url: text_field(&record, "url", without),
        category: text_field(&record, "category", without),
        tags,
    };
    let yaml = serde_yaml::to_string(&front).map_err(|err| format!("cannot write front matter: {err}"))?;
    let mut text = format!("---\n{yaml}---\n");
    let body = text_field(&record, "body", without).unwrap_or_default();
    for paragraph in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        text.push('\n');
        text.push_str(&escape_markdown(paragraph));
        text.push('\n');
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}

/// Escapes a plain-text paragraph so Markdown shows it as written.
fn escape_markdown(text: &str) -> String {
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
