//! Article bodies to HTML: Markdown with links between articles rewritten,
//! read-also paragraphs turned into link boxes, and plain-text articles.

use crate::analyse::normalise::strip_read_also;
use crate::article::{Article, Body, RefOrigin, TextBlock};
use crate::link::paths::{is_article_file, LinkResolver};
use crate::link::Site;
use crate::load::markdown::options;
use crate::render::html::{escape, escape_into, isolate};
use pulldown_cmark::{html, CowStr, Event, Tag, TagEnd};

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

/// Every link of a Markdown body with the file line it starts on, in order:
/// what turns a broken link's destination into a `file:line`.
pub fn link_lines(source: &str, first_line: usize) -> Vec<(String, usize)> {
    pulldown_cmark::Parser::new_ext(source, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((
                dest_url.to_string(),
                first_line + source[..range.start].matches('\n').count(),
            )),
            _ => None,
        })
        .collect()
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
    fn links_with_their_lines() {
        let body = "فقرة [أولى](a.md).\n\n* [ثانية](b.md)\n* نص\n\n[ثالثة](<c d.md>) و[رابعة](a.md)\n";
        assert_eq!(
            link_lines(body, 5),
            vec![
                ("a.md".to_string(), 5),
                ("b.md".to_string(), 7),
                ("c d.md".to_string(), 10),
                ("a.md".to_string(), 10)
            ]
        );
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
}
