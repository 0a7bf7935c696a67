//! Redirect pages for `aliases:`: an article's old addresses keep working.
//! Each alias is a path of this site (`/old/path/`, `old/path`,
//! `old.html`, or a full URL below `base_url`); a small HTML page there
//! sends readers on with a meta refresh and tells crawlers the new address
//! with `<link rel="canonical">`.
//!
//! An alias may not leave the output folder, and may not take a path
//! another page (or another article's alias) already writes.

use crate::config::Direction;
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::link::Site;
use crate::render::feeds::absolute_url;
use crate::render::html::{escape, isolate};
use crate::render::OutputFile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

/// Longest path segment most file systems accept, in bytes.
const MAX_SEGMENT_BYTES: usize = 255;

/// Writes a redirect page for every alias of every article. `generated` are
/// the site's other files (path, what writes it): an alias that would replace one of them, or
/// that another article also claims, is an error naming both. Every
/// problem is reported, not only the first.
pub(crate) fn render_aliases(site: &Site, generated: &[(String, String)]) -> Result<Vec<OutputFile>> {
    let taken: BTreeMap<&str, &str> = generated
        .iter()
        .rev()
        .map(|(path, origin)| (path.as_str(), origin.as_str()))
        .collect();
    let folders: BTreeSet<&str> = generated
        .iter()
        .flat_map(|(path, _)| path.match_indices('/').map(|(i, _)| &path[..i]))
        .collect();
    let mut claimed: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let problem = |index: usize, alias: &str, message: String| {
        let file = &site.articles[index].file;
        Diagnostic::error(
            file,
            alias_line(file, alias),
            Kind::Alias,
            format!("alias `{alias}` {message}"),
        )
    };
    for (index, article) in site.articles.iter().enumerate() {
        for alias in &article.aliases {
            let problem = |message: String| problem(index, alias, message);
            let path = match output_path(alias, &site.config.base_url) {
                Ok(path) => path,
                Err(reason) => {
                    problems.push(problem(reason));
                    continue;
                }
            };
            if let Some(origin) = taken.get(path.as_str()) {
                problems.push(problem(format!(
                    "would replace /{path}, which {origin} writes: remove the alias"
                )));
                continue;
            }
            if let Some(clash) = folder_clash(&path, &taken, &folders) {
                problems.push(problem(clash));
                continue;
            }
            match claimed.get(&path) {
                Some(&(other, _)) if other == index => continue,
                Some(&(other, other_alias)) => {
                    problems.push(problem(format!(
                        "writes /{path}, which the alias `{other_alias}` of {} writes too: keep it in one article",
                        site.articles[other].file.display()
                    )));
                    continue;
                }
                None => {}
            }
            claimed.insert(path.clone(), (index, alias));
            files.push(OutputFile {
                bytes: redirect_page(site, index).into_bytes(),
                origin: format!("the alias `{alias}` of {}", article.file.display()),
                path,
            });
        }
    }
    // Two aliases can clash with each other as file and folder (`a.html`, `a.html/`).
    let alias_paths: BTreeMap<&str, &str> = files.iter().map(|f| (f.path.as_str(), f.origin.as_str())).collect();
    for file in &files {
        if let Some(clash) = folder_clash(&file.path, &alias_paths, &BTreeSet::new()) {
            if let Some(&(index, alias)) = claimed.get(&file.path) {
                problems.push(problem(index, alias, clash));
            }
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// A reason why `path` cannot be written beside the other files: one of its
/// folders is a file, or it is itself a folder of theirs.
fn folder_clash(path: &str, files: &BTreeMap<&str, &str>, folders: &BTreeSet<&str>) -> Option<String> {
    for (i, _) in path.match_indices('/') {
        if let Some(origin) = files.get(&path[..i]) {
            return Some(format!(
                "needs a folder /{}/, but {origin} writes a file there: remove the alias",
                &path[..i]
            ));
        }
    }
    folders
        .contains(path)
        .then(|| format!("would write a file at /{path}, which is a folder of the site: remove the alias"))
}

/// The file (below the output folder) an alias is written to, or why it
/// cannot be one. Percent escapes are decoded first, so `%2e%2e` is `..`.
pub(crate) fn output_path(alias: &str, base_url: &str) -> std::result::Result<String, String> {
    let raw = alias.trim();
    let outside = "leaves the site's folder: write a path of this site, such as /old/path/";
    if raw.is_empty() {
        return Err("is empty".to_string());
    }
    if raw.contains('\\') {
        return Err("holds a backslash: write paths with `/`".to_string());
    }
    let raw = if let Some(rest) = raw.strip_prefix(base_url) {
        rest
    } else if raw == base_url.trim_end_matches('/') {
        ""
    } else if raw.contains("://") || raw.starts_with("//") || raw.to_ascii_lowercase().starts_with("file:") {
        return Err(format!(
            "is an address outside this site ({base_url}): write a path of this site, such as /old/path/"
        ));
    } else {
        raw
    };
    if raw.contains(['?', '#']) {
        return Err("holds `?` or `#`: a static page can only answer a path".to_string());
    }
    let bytes = raw.as_bytes();
    if raw.starts_with('~') || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':') {
        return Err(outside.to_string());
    }
    let decoded = percent_decode(raw).ok_or_else(|| "has percent escapes that are not UTF-8 text".to_string())?;
    if decoded.chars().any(char::is_control) {
        return Err("holds a control character".to_string());
    }
    if decoded.contains('\\') {
        return Err("holds a backslash: write paths with `/`".to_string());
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(outside.to_string()),
            segment if segment.len() > MAX_SEGMENT_BYTES => {
                return Err(format!("has a part longer than {MAX_SEGMENT_BYTES} bytes"));
            }
            segment => segments.push(segment),
        }
    }
    // `old.html` (or `story.php`) is a file; `old`, `old/` and `/` are folders.
    let is_file = !decoded.ends_with('/')
        && segments
            .last()
            .and_then(|last| last.rsplit_once('.'))
            .is_some_and(|(stem, extension)| !stem.is_empty() && !extension.is_empty());
    let mut path = segments.join("/");
    if !is_file {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    // The segments above are plain names; check once more the way write does.
    if !Path::new(&path).components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(outside.to_string());
    }
    Ok(path)
}

/// Decodes `%XX` escapes; `None` when the bytes are not UTF-8. A `%` not
/// followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Option<String> {
    String::from_utf8(crate::link::paths::percent_decode_bytes(text)).ok()
}

/// The line of the article's front matter holding `alias` (or its
/// `aliases:` key), for messages. The file is read again only when there
/// is a problem to report.
fn alias_line(file: &Path, alias: &str) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    lines
        .next()
        .filter(|(_, line)| line.trim_start_matches('\u{feff}').trim_end() == "---")?;
    let front: Vec<(usize, &str)> = lines.take_while(|(_, line)| line.trim_end() != "---").collect();
    let key = front.iter().position(|(_, line)| {
        line.strip_prefix("aliases")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })?;
    let (key_line, key_text) = front[key];
    if key_text.contains(alias) {
        return Some(key_line);
    }
    front[key + 1..]
        .iter()
        .take_while(|(_, line)| line.starts_with([' ', '\t', '-']) || line.trim().is_empty())
        .find(|(_, line)| line.contains(alias))
        .map(|&(line, _)| line)
        .or(Some(key_line))
}

/// The redirect page to article `index`: meta refresh, canonical link,
/// `noindex`, and a visible link for readers whose browser does not follow.
fn redirect_page(site: &Site, index: usize) -> String {
    let config = &site.config;
    let article = &site.articles[index];
    let url = escape(&absolute_url(&config.base_url, article.path()));
    let direction = match config.direction {
        Direction::Rtl => "rtl",
        Direction::Ltr => "ltr",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{direction}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{url}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <p>نُقلت هذه الصفحة إلى <a href=\"{url}\">{link}</a>.</p>\n</body>\n</html>\n",
        lang = escape(&config.language),
        title = escape(&article.title),
        link = isolate(&article.title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://example.org/arch/";

    #[test]
    fn aliases_become_files_below_the_output_folder() {
        for (alias, path) in [
            ("/old/path/", "old/path/index.html"),
            ("old/path", "old/path/index.html"),
            ("old.html", "old.html"),
            ("/news/story.php", "news/story.php"),
            ("./a//b/./", "a/b/index.html"),
            ("/%D8%A3%D8%B1%D8%B4%D9%8A%D9%81/", "أرشيف/index.html"),
            ("https://example.org/arch/old/", "old/index.html"),
            ("/", "index.html"),
            ("100%-growth", "100%-growth/index.html"),
        ] {
            assert_eq!(output_path(alias, BASE).as_deref(), Ok(path), "{alias}");
        }
    }

    #[test]
    fn escaping_aliases_are_refused() {
        for alias in [
            "../x/",
            "/a/../../x",
            "%2e%2e/x",
            "/a/%2E%2E/%2e%2e/x",
            "a\\b",
            "a%5C..%5Cb",
            "a%00b",
            "C:/Windows/x",
            "~/x",
            "//host/share",
            "file:///etc/passwd",
            "https://other.org/x/",
            "/a?id=1",
            "",
            "%FF",
        ] {
            assert!(output_path(alias, BASE).is_err(), "{alias} accepted");
        }
    }
}
