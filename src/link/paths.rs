//! Paths between articles: which article a Markdown link or a slug names.

use crate::article::Article;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Finds the article a Markdown link names: by file path (relative to the
/// linking article, or to `content/`), by unique file name, or by slug.
/// Borrows the articles' names: it is built on every build over the whole
/// archive.
pub struct LinkResolver<'a> {
    by_content_path: FxHashMap<&'a str, usize>,
    by_file_name: FxHashMap<&'a str, Option<usize>>,
    by_slug: FxHashMap<&'a str, Option<usize>>,
}

impl<'a> LinkResolver<'a> {
    /// Indexes the site's articles.
    pub fn new(articles: &'a [Arc<Article>]) -> Self {
        let n = articles.len();
        let mut resolver = LinkResolver {
            by_content_path: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            by_file_name: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            by_slug: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        };
        for (index, article) in articles.iter().enumerate() {
            resolver.by_content_path.insert(&article.content_path, index);
            let name = article.content_path.rsplit('/').next().unwrap_or_default();
            // An ambiguous name or slug resolves to nothing rather than to a guess.
            resolver
                .by_file_name
                .entry(name)
                .and_modify(|e| *e = None)
                .or_insert(Some(index));
            resolver
                .by_slug
                .entry(&article.slug)
                .and_modify(|e| *e = None)
                .or_insert(Some(index));
        }
        resolver
    }

    /// The article a link destination names, seen from the article at `from`.
    /// `None` for external links and for links that name no article.
    pub(crate) fn resolve(&self, from: &str, destination: &str) -> Option<usize> {
        let target = destination.split(['#', '?']).next().unwrap_or_default();
        if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
            return None;
        }
        let target = percent_decode(target);
        if is_article_file(&target) {
            let base = from.rsplit_once('/').map_or("", |(dir, _)| dir);
            let relative = join_relative(base, &target);
            let from_root = join_relative("", target.trim_start_matches('/'));
            return relative
                .and_then(|p| self.by_content_path.get(p.as_str()).copied())
                .or_else(|| from_root.and_then(|p| self.by_content_path.get(p.as_str()).copied()))
                .or_else(|| {
                    let name = target.rsplit('/').next().unwrap_or_default();
                    self.by_file_name.get(name).copied().flatten()
                });
        }
        let slug = target.trim_matches('/');
        if !slug.is_empty() && !slug.contains('/') && !slug.contains('.') {
            return self.by_slug.get(slug).copied().flatten();
        }
        None
    }
}

/// True when a link destination names an article file (`.md` or `.txt`).
pub(crate) fn is_article_file(target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or_default();
    !path.contains("://") && (path.ends_with(".md") || path.ends_with(".txt") || path.ends_with(".markdown"))
}

fn join_relative(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(text)).into_owned()
}

/// Decodes `%XX` escapes into bytes; a `%` not followed by two hex digits
/// stays as it is. Shared by every place that reads a URL path.
pub(crate) fn percent_decode_bytes(text: &str) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join_relative("2022", "x.md").as_deref(), Some("2022/x.md"));
        assert_eq!(join_relative("2022", "../2023/x.md").as_deref(), Some("2023/x.md"));
        assert_eq!(join_relative("", "../x.md"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("%D8%A7.md"), "ا.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("32% في"), "32% في");
        assert_eq!(percent_decode("%ف"), "%ف");
    }
}
