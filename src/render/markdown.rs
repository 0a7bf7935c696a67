//! Article bodies to HTML: Markdown with links between articles rewritten,
//! read-also paragraphs turned into link boxes, and plain-text articles.

use crate::analyse::normalise::strip_read_also;
use crate::article::{Article, Body, RefOrigin, TextBlock};
use crate::link::Site;
use crate::load::markdown::options;
use crate::render::html::{escape, escape_into, isolate};
use pulldown_cmark::{html, CowStr, Event, Tag, TagEnd};
use std::collections::HashMap;

/// Finds the article a Markdown link names: by file path (relative to the
/// linking article, or to `content/`), by unique file name, or by slug.
pub struct LinkResolver {
    by_content_path: HashMap<String, usize>,
    by_file_name: HashMap<String, Option<usize>>,
    by_slug: HashMap<String, Option<usize>>,
}

impl LinkResolver {
    /// Indexes the site's articles.
    pub fn new(site: &Site) -> Self {
        let mut resolver = LinkResolver {
            by_content_path: HashMap::new(),
            by_file_name: HashMap::new(),
            by_slug: HashMap::new(),
        };
        for (index, article) in site.articles.iter().enumerate() {
            resolver.by_content_path.insert(article.content_path.clone(), index);
            let name = article.content_path.rsplit('/').next().unwrap_or_default().to_string();
            // An ambiguous name or slug resolves to nothing rather than to a guess.
            resolver
                .by_file_name
                .entry(name)
                .and_modify(|e| *e = None)
                .or_insert(Some(index));
            resolver
                .by_slug
                .entry(article.slug.clone())
                .and_modify(|e| *e = None)
                .or_insert(Some(index));
        }
        resolver
    }

    /// The article a link destination names, seen from the article at `from`.
    /// `None` for external links and for links that name no article.
    pub fn resolve(&self, from: &str, destination: &str) -> Option<usize> {
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
                .and_then(|p| self.by_content_path.get(&p).copied())
                .or_else(|| from_root.and_then(|p| self.by_content_path.get(&p).copied()))
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
pub fn is_article_file(target: &str) -> bool {
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
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Only these link schemes survive; anything else (`javascript:`, `data:`…) is dropped.
fn is_safe_destination(destination: &str) -> bool {
    let lower = destination.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        Some(colon) if !lower[..colon].contains(['/', '?', '#']) => {
            matches!(&lower[..colon], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// The rendered body, and the link destinations that named no article.
pub struct RenderedBody {
    /// HTML of the body.
    pub html: String,
    /// Links to `.md`/`.txt` files that are not in the archive, with their text.
    pub broken_links: Vec<String>,
}

/// Renders an article's body. `url_of` gives the site path of an article index.
pub fn render_body(
    site: &Site,
    resolver: &LinkResolver,
    index: usize,
    url_of: &dyn Fn(usize) -> String,
) -> RenderedBody {
    let article = &site.articles[index];
    let targets = &site.links[index].read_also_targets;
    let inline_refs: Vec<usize> = article
        .read_also
        .iter()
        .enumerate()
        .filter(|(_, r)| r.origin == RefOrigin::Inline)
        .map(|(i, _)| i)
        .collect();
    let reference_box = |nth: usize| -> String {
        let Some(&ref_index) = inline_refs.get(nth) else {
            return String::new();
        };
        let reference = &article.read_also[ref_index];
        match targets.get(ref_index).copied().flatten() {
            Some(target) => format!(
                "<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> <a href=\"{}\">{}</a></aside>\n",
                escape(&url_of(target)),
                isolate(&site.articles[target].title)
            ),
            None => format!(
                "<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> {}</aside>\n",
                isolate(&reference.text)
            ),
        }
    };
    match &article.body {
        Body::Text(blocks) => RenderedBody {
            html: render_text_blocks(blocks, &reference_box),
            broken_links: Vec::new(),
        },
        Body::Markdown { source, .. } => render_markdown(article, source, resolver, url_of, &reference_box),
    }
}

fn render_text_blocks(blocks: &[TextBlock], reference_box: &dyn Fn(usize) -> String) -> String {
    let mut html = String::new();
    let mut nth_reference = 0;
    for block in blocks {
        match block {
            TextBlock::Paragraph(text) => {
                html.push_str("<p>");
                html.push_str(&isolate(text));
                html.push_str("</p>\n");
            }
            TextBlock::Subheading(text) => {
                html.push_str("<h2>");
                html.push_str(&isolate(text));
                html.push_str("</h2>\n");
            }
            TextBlock::ReadAlso(_) => {
                html.push_str(&reference_box(nth_reference));
                nth_reference += 1;
            }
        }
    }
    html
}

fn render_markdown(
    article: &Article,
    source: &str,
    resolver: &LinkResolver,
    url_of: &dyn Fn(usize) -> String,
    reference_box: &dyn Fn(usize) -> String,
) -> RenderedBody {
    let mut broken_links = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut paragraph_start: Option<usize> = None;
    let mut nth_reference = 0;
    // Inside an image, text is its alt attribute: pulldown-cmark writes it
    // from Text events only, and escapes it itself.
    let mut image_depth = 0usize;
    for event in pulldown_cmark::Parser::new_ext(source, options()) {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url =
                    if is_article_file(&dest_url) || resolver.resolve(&article.content_path, &dest_url).is_some() {
                        match resolver.resolve(&article.content_path, &dest_url) {
                            Some(target) => {
                                let fragment = dest_url.find('#').map(|i| &dest_url[i..]).unwrap_or("");
                                CowStr::from(format!("{}{}", url_of(target), fragment))
                            }
                            None => {
                                broken_links.push(dest_url.to_string());
                                dest_url
                            }
                        }
                    } else if is_safe_destination(&dest_url) {
                        dest_url
                    } else {
                        CowStr::from("#")
                    };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: if is_safe_destination(&dest_url) {
                    dest_url
                } else {
                    CowStr::from("#")
                },
                title,
                id,
            }),
            // Raw HTML is shown as text: nothing an editor pastes can run in a reader's browser.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Html(CowStr::from(escape(&raw))),
            Event::Text(text) if image_depth == 0 => Event::Html(CowStr::from(isolate(&text))),
            other => other,
        };
        match &event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) => paragraph_start = Some(events.len()),
            Event::End(TagEnd::Paragraph) => {
                if let Some(start) = paragraph_start.take() {
                    if is_read_also_paragraph(&events[start..], source) {
                        events.truncate(start);
                        events.push(Event::Html(CowStr::from(reference_box(nth_reference))));
                        nth_reference += 1;
                        continue;
                    }
                }
            }
            _ => {}
        }
        events.push(event);
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut html, events.into_iter());
    RenderedBody { html, broken_links }
}

/// Whether buffered paragraph events open with "اقرأ أيضاً". Text events
/// were already turned into escaped HTML, which leaves Arabic letters as they are.
fn is_read_also_paragraph(events: &[Event], _source: &str) -> bool {
    let mut text = String::new();
    for event in events {
        if let Event::Html(html) = event {
            text.push_str(html);
        }
        if text.chars().count() > 24 {
            break;
        }
    }
    strip_read_also(&text).is_some()
}

/// Escapes plain text as a paragraph (used where no Markdown is allowed).
pub fn paragraph(text: &str) -> String {
    let mut out = String::from("<p>");
    escape_into(text, &mut out);
    out.push_str("</p>");
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
    fn unsafe_schemes_are_refused() {
        assert!(is_safe_destination("https://example.org"));
        assert!(is_safe_destination("other.md"));
        assert!(is_safe_destination("/2022/12/x/"));
        assert!(!is_safe_destination("javascript:alert(1)"));
        assert!(!is_safe_destination(" JavaScript:alert(1)"));
        assert!(!is_safe_destination("data:text/html,x"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("%D8%A7.md"), "ا.md");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
