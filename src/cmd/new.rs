//! `arshif new`: a new article's file, its front matter filled in.

use super::Verbosity;
use crate::config::CONFIG_FILE;
use crate::load::slug::sanitise;
use crate::load::CONTENT_DIR;
use anyhow::{bail, Context};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Write a new draft article, content/{yyyy}/{slug}.md, with its front matter filled in.
///
/// The front matter holds the title, the date, an empty summary and
/// `draft: true`; the body is yours to write. An existing file is never
/// overwritten.
#[derive(clap::Args)]
#[command(
    after_help = "Prints the new file's path on standard output (also with --quiet, for scripts).\n\
The article is a draft: `arshif build --drafts` shows it; delete `draft: true` to publish it.\n\n\
Examples:\n  arshif new \"بوتين وشي يلتقيان في موسكو\"\n  \
arshif new \"قمة: «شراكة بلا حدود»\" --date 2023-03-20 --slug putin-xi-moscow --root my-archive"
)]
pub(super) struct Args {
    /// The headline (العنوان), in quotes.
    pub title: String,
    /// Publication date, YYYY-MM-DD [default: today, local time].
    #[arg(long, value_parser = parse_day)]
    pub date: Option<NaiveDate>,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// File name and URL segment [default: made from the title]: letters (Arabic too), digits and `-`.
    #[arg(long)]
    pub slug: Option<String>,
}

/// A `--date` value: a calendar day.
fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD"))
}

/// The front matter `new` writes.
#[derive(Serialize)]
struct FrontMatter<'a> {
    title: &'a str,
    date: String,
    summary: &'a str,
    draft: bool,
}

/// The text of a new article: front matter, then an empty body.
pub(super) fn article_text(title: &str, date: NaiveDate) -> anyhow::Result<String> {
    let front = FrontMatter {
        title,
        date: date.format("%Y-%m-%d").to_string(),
        summary: "",
        draft: true,
    };
    let yaml = serde_yaml::to_string(&front).context("cannot write the front matter")?;
    Ok(format!("---\n{yaml}---\n\n"))
}

/// Today's date where the command runs.
pub(super) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Writes the article and prints its path.
pub(super) fn run(args: Args, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let title = args.title.trim();
    if title.is_empty() {
        bail!("the title is empty: give the headline in quotes, e.g. arshif new \"العنوان\"");
    }
    let slug = match &args.slug {
        Some(given) => {
            let slug = sanitise(given);
            if slug.is_empty() {
                bail!("--slug `{given}` has no letters or digits: give one that has");
            }
            slug
        }
        None => {
            let slug = sanitise(title);
            if slug.is_empty() {
                bail!("the title `{title}` makes no file name (no letters or digits): pass --slug");
            }
            slug
        }
    };
    let root = &args.root;
    if !root.join(CONTENT_DIR).is_dir() && !root.join(CONFIG_FILE).is_file() {
        bail!(
            "{} is not an arshif site (no content/ or site.yaml): pass --root, or create one with `arshif init DIR`",
            root.display()
        );
    }
    let date = args.date.unwrap_or_else(today);
    let path = root
        .join(CONTENT_DIR)
        .join(format!("{:04}", date.year()))
        .join(format!("{slug}.md"));
    let text = article_text(title, date)?;
    write_new(&path, &text)?;
    println!("{}", path.display());
    if !verbosity.quiet {
        eprintln!("a draft: preview it with `arshif build --drafts`; delete `draft: true` to publish it");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file that must not exist yet, creating its folder.
pub(super) fn write_new(path: &Path, text: impl AsRef<[u8]>) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} exists and is never overwritten: pick another --slug, or edit that file",
                path.display()
            )
        }
        Err(err) => return Err(err).with_context(|| format!("cannot create {}", path.display())),
    };
    file.write_all(text.as_ref())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_title_makes_valid_front_matter() {
        let date = NaiveDate::from_ymd_opt(2023, 3, 20).unwrap_or_default();
        for title in [
            "بوتين وشي: «شراكة بلا حدود»",
            "\"quoted\" and 'single'",
            "- starts like a list: yes",
            "# not a comment",
            "true",
            "2023",
            "a\\b {c} [d] &e *f | >g",
        ] {
            let text = article_text(title, date).unwrap();
            let parsed = crate::load::markdown::parse(&text).unwrap();
            assert_eq!(parsed.front.title, title, "{text}");
            assert_eq!(parsed.front.date.map(|(d, _)| d).as_deref(), Some("2023-03-20"));
            assert!(parsed.front.draft);
            assert_eq!(parsed.front.summary.as_deref(), Some(""));
        }
    }
}
