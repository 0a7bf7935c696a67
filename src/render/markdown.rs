//! Article bodies to HTML: Markdown with links between articles rewritten,
//! read-also paragraphs turned into link boxes, and plain-text articles.
//!
//! Raw HTML in Markdown is sanitised with ammonia unless `unsafe_html: true`
//! is set in `site.yaml`. The whole rendered body is cleaned, not each raw
//! HTML piece on its own: pulldown-cmark hands an inline `<a href=…>` and its
//! `</a>` over as separate pieces, which only make sense together. Bodies
//! without raw HTML hold nothing but what this module wrote from escaped
//! text and checked link destinations, and are left as rendered.

use crate::analyse::normalise::strip_read_also;
use crate::article::{Article, Body, RefOrigin, TextBlock};
use crate::link::paths::{is_article_file, LinkResolver};
use crate::link::Site;
use crate::load::markdown::options;
use crate::render::html::{escape, isolate};
use pulldown_cmark::{html, CowStr, Event, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::OnceLock;

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

/// An article's text: in memory, or read back from its file
/// ([`crate::load::reload_body`]) when the article came without it.
pub(crate) fn text_of(article: &Article) -> crate::error::Result<Cow<'_, Body>> {
    crate::load::reload_body(article).map_err(|problem| crate::error::Error::Invalid(vec![problem]))
}

/// Renders an article's body. `url_of` gives the site path of an article index.
pub fn render_body(
    site: &Site,
    resolver: &LinkResolver,
    index: usize,
    url_of: &dyn Fn(usize) -> String,
) -> crate::error::Result<RenderedBody> {
    let text = text_of(&site.articles[index])?;
    Ok(render_body_with(site, resolver, index, url_of, &text))
}

/// [`render_body`] with the article's text at hand.
pub(crate) fn render_body_with(
    site: &Site,
    resolver: &LinkResolver,
    index: usize,
    url_of: &dyn Fn(usize) -> String,
    body: &Body,
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
            // «اقرأ أيضاً:» alone: the headlines that follow it make the box.
            None if reference.text.trim().is_empty() => String::new(),
            None => format!(
                "<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> {}</aside>\n",
                isolate(&reference.text)
            ),
        }
    };
    let mut rendered = match body {
        Body::Text(blocks) => RenderedBody {
            html: render_text_blocks(blocks, &reference_box),
            broken_links: Vec::new(),
        },
        Body::Markdown { source, .. } => render_markdown(
            article,
            source,
            resolver,
            url_of,
            &reference_box,
            &|src: &str| site.photos.figure(&site.config, index, src),
            site.config.unsafe_html,
        ),
        // `text_of` never gives it.
        Body::Elsewhere => RenderedBody {
            html: String::new(),
            broken_links: Vec::new(),
        },
    };
    if site.config.digits == crate::config::Digits::ArabicIndic {
        rendered.html = crate::render::html::arabic_indic_digits(&rendered.html);
    }
    rendered
}

fn render_text_blocks(blocks: &[TextBlock], reference_box: &dyn Fn(usize) -> String) -> String {
    let mut html = String::new();
    let mut nth_reference = 0;
    let mut blocks = blocks.iter().peekable();
    while let Some(block) = blocks.next() {
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
                let reference = reference_box(nth_reference);
                nth_reference += 1;
                if !reference.is_empty() {
                    html.push_str(&reference);
                    continue;
                }
                // «اقرأ أيضاً:» alone: the headlines that follow it.
                let mut items = Vec::new();
                while let Some(TextBlock::Paragraph(text)) = blocks.peek() {
                    if items.len() >= MAX_HEADLINES || !is_headline(text) || strip_read_also(text).is_some() {
                        break;
                    }
                    items.push(isolate(text));
                    blocks.next();
                }
                html.push_str(&headlines_html(&items));
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
    figure: &dyn Fn(&str) -> Option<crate::photos::PhotoView>,
    unsafe_html: bool,
) -> RenderedBody {
    let mut events = BodyEvents {
        figure,
        originals: Vec::new(),
        parser: pulldown_cmark::Parser::new_ext(source, options()),
        pending: VecDeque::new(),
        article,
        resolver,
        url_of,
        reference_box,
        broken_links: Vec::new(),
        has_raw_html: false,
        nth_reference: 0,
        image_depth: 0,
    };
    let mut html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut html, &mut events);
    if events.has_raw_html && !unsafe_html {
        html = sanitise(&html);
    }
    RenderedBody {
        html,
        broken_links: events.broken_links,
    }
}

/// The body's Markdown events as they are written: links rewritten, text
/// isolated, read-also paragraphs replaced by their boxes. Streams: only
/// the current paragraph is held (to tell whether it is a read-also
/// paragraph), never the whole body's events.
struct BodyEvents<'a, 'r> {
    parser: pulldown_cmark::Parser<'a>,
    /// Events of a paragraph read ahead, to hand out next.
    pending: VecDeque<Event<'a>>,
    article: &'r Article,
    resolver: &'r LinkResolver<'r>,
    url_of: &'r dyn Fn(usize) -> String,
    reference_box: &'r dyn Fn(usize) -> String,
    /// The resized photo for an image's address, when the build made one.
    figure: &'r dyn Fn(&str) -> Option<crate::photos::PhotoView>,
    /// Images rewritten to their resized copy: (copy's address, address written).
    originals: Vec<(String, String)>,
    broken_links: Vec<String>,
    has_raw_html: bool,
    nth_reference: usize,
    /// Inside an image, text is its alt attribute: pulldown-cmark writes it
    /// from Text events only, and escapes it itself.
    image_depth: usize,
}

impl<'a> BodyEvents<'a, '_> {
    /// One event as it is written.
    fn rewrite(&mut self, event: Event<'a>) -> Event<'a> {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let target = self.resolver.resolve(&self.article.content_path, &dest_url);
                let dest_url = match target {
                    Some(target) => {
                        let fragment = dest_url.find('#').map(|i| &dest_url[i..]).unwrap_or("");
                        CowStr::from(format!("{}{}", (self.url_of)(target), fragment))
                    }
                    None if is_article_file(&dest_url) => {
                        self.broken_links.push(dest_url.to_string());
                        // `javascript:alert(1)//x.md` names a file too: keep only safe ones.
                        if is_safe_destination(&dest_url) {
                            dest_url
                        } else {
                            CowStr::from("#")
                        }
                    }
                    None if is_safe_destination(&dest_url) => dest_url,
                    None => CowStr::from("#"),
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
                dest_url: match (self.figure)(&dest_url) {
                    // A photo of the site: its resized copy (the original
                    // may be in content/, which is not published).
                    Some(photo) => {
                        self.originals.push((photo.src.clone(), dest_url.to_string()));
                        CowStr::from(photo.src)
                    }
                    None if is_safe_destination(&dest_url) => dest_url,
                    None => CowStr::from("#"),
                },
                title,
                id,
            }),
            // Raw HTML goes through as it is and is sanitised with the whole body.
            // Inline pieces stay `InlineHtml` so that they never count as text.
            event @ (Event::Html(_) | Event::InlineHtml(_)) => {
                self.has_raw_html = true;
                event
            }
            Event::Text(text) if self.image_depth == 0 => Event::Html(CowStr::from(isolate(&text))),
            other => other,
        };
        match &event {
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => self.image_depth = self.image_depth.saturating_sub(1),
            _ => {}
        }
        event
    }
}

impl BodyEvents<'_, '_> {
    /// A paragraph that is one image alone (`![alt](photo.jpg "caption")`)
    /// as a `<figure>`: the photo (resized, with `<picture>`, when the
    /// build made it) and its title as the caption.
    fn figure_of_paragraph(&self) -> Option<String> {
        let events: Vec<&Event> = self.pending.iter().collect();
        let [Event::Start(Tag::Paragraph), Event::Start(Tag::Image { dest_url, title, .. }), inner @ .., Event::End(TagEnd::Image), Event::End(TagEnd::Paragraph)] =
            events.as_slice()
        else {
            return None;
        };
        let mut alt = String::new();
        for event in inner {
            match event {
                Event::Text(text) | Event::Code(text) => alt.push_str(text),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                // Markup inside the alt text: leave the paragraph as it is.
                _ => return None,
            }
        }
        let mut html = String::from("<figure>\n");
        let original = self
            .originals
            .iter()
            .rev()
            .find(|(copy, _)| copy.as_str() == dest_url.as_ref())
            .map_or(dest_url.as_ref(), |(_, original)| original.as_str());
        let photo = (self.figure)(original);
        // An image that is neither a photo the build made nor captioned
        // stays as it is written.
        if photo.is_none() && title.trim().is_empty() {
            return None;
        }
        match photo {
            Some(photo) => {
                let photo = crate::photos::PhotoView { alt, ..photo };
                html.push_str(&crate::photos::picture_html(&photo));
            }
            None => {
                // Already rewritten (`#` for an unsafe address).
                html.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
                    escape(dest_url),
                    escape(&alt)
                ));
            }
        }
        html.push('\n');
        if !title.trim().is_empty() {
            html.push_str(&format!("<figcaption>{}</figcaption>\n", isolate(title)));
        }
        html.push_str("</figure>\n");
        Some(html)
    }
}

impl<'a> Iterator for BodyEvents<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        let raw = self.parser.next()?;
        let event = self.rewrite(raw);
        if !matches!(event, Event::Start(Tag::Paragraph)) {
            return Some(event);
        }
        self.pending.push_back(event);
        while let Some(raw) = self.parser.next() {
            let event = self.rewrite(raw);
            let end = matches!(event, Event::End(TagEnd::Paragraph));
            self.pending.push_back(event);
            if end {
                break;
            }
        }
        if let Some(figure) = self.figure_of_paragraph() {
            self.pending.clear();
            return Some(Event::Html(CowStr::from(figure)));
        }
        if is_read_also_paragraph(self.pending.iter()) {
            self.pending.clear();
            let mut reference = (self.reference_box)(self.nth_reference);
            self.nth_reference += 1;
            if reference.is_empty() {
                reference = self.headlines_box();
            }
            return Some(Event::Html(CowStr::from(reference)));
        }
        self.pending.pop_front()
    }
}

impl<'a> BodyEvents<'a, '_> {
    /// After a «اقرأ أيضاً:» paragraph with nothing after the colon: the
    /// headline-like paragraphs that follow, as one box listing them
    /// (nothing when none follows: never an empty box). The first event
    /// that is not such a paragraph is left in `pending`.
    fn headlines_box(&mut self) -> String {
        let mut items: Vec<String> = Vec::new();
        while let Some(raw) = self.parser.next() {
            let event = self.rewrite(raw);
            if !matches!(event, Event::Start(Tag::Paragraph)) {
                self.pending.push_back(event);
                break;
            }
            let mut paragraph = vec![event];
            while let Some(raw) = self.parser.next() {
                let event = self.rewrite(raw);
                let end = matches!(event, Event::End(TagEnd::Paragraph));
                paragraph.push(event);
                if end {
                    break;
                }
            }
            let text: String = paragraph
                .iter()
                .filter_map(|e| match e {
                    Event::Html(html) => Some(html.replace("<bdi>", "").replace("</bdi>", "")),
                    _ => None,
                })
                .collect();
            if items.len() < MAX_HEADLINES && is_headline(&text) && !is_read_also_paragraph(paragraph.iter()) {
                let inner = paragraph.len().saturating_sub(1);
                let mut item = String::new();
                html::push_html(&mut item, paragraph.into_iter().take(inner).skip(1));
                items.push(item);
            } else {
                self.pending.extend(paragraph);
                break;
            }
        }
        headlines_html(&items)
    }
}

/// Headlines a «اقرأ أيضاً:» box takes from the paragraphs after it, at most.
const MAX_HEADLINES: usize = 5;

/// Whether a paragraph reads as a headline: short, not a sentence that
/// ends with a full stop or a colon.
fn is_headline(text: &str) -> bool {
    let text = text.trim();
    let length = text.chars().count();
    (1..=150).contains(&length) && !text.ends_with(['.', ':', '\u{06D4}'])
}

/// The box of headlines gathered after a bare «اقرأ أيضاً:» (each item
/// already HTML), none when there are none.
fn headlines_html(items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut html = String::from("<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span>\n<ul>\n");
    for item in items {
        html.push_str("<li>");
        html.push_str(item);
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n</aside>\n");
    html
}

/// Cleans body HTML that holds raw HTML from an editor: only safe formatting
/// survives (see [`sanitiser`]). Deterministic: the same input always gives
/// the same output.
pub(crate) fn sanitise(html: &str) -> String {
    sanitiser().clean(html).to_string()
}

/// The sanitising policy, built once. Kept: the formatting tags an editor
/// pastes (paragraphs, breaks, bold and italic, links, lists, quotes,
/// tables, images, figures, sub- and superscript, spans and divs) and what
/// this renderer writes itself (`<bdi>`, headings, code, footnotes,
/// `<aside class="read-also-ref">`). Links and image sources may be
/// relative or `http`, `https`, `mailto` or `tel` addresses; every link gets
/// `rel="noopener"`. Removed with their content: `<script>`, `<style>`,
/// frames, objects, embeds, forms and their controls, templates, SVG and
/// MathML. Removed: every other tag (its text kept), every `on*` event
/// attribute, `style` (except `text-align` on table cells, which Markdown
/// tables use), comments.
fn sanitiser() -> &'static ammonia::Builder<'static> {
    static SANITISER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITISER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags([
                "p",
                "br",
                "b",
                "strong",
                "i",
                "em",
                "u",
                "s",
                "del",
                "ins",
                "mark",
                "small",
                "q",
                "cite",
                "abbr",
                "a",
                "ul",
                "ol",
                "li",
                "blockquote",
                "table",
                "caption",
                "colgroup",
                "col",
                "thead",
                "tbody",
                "tfoot",
                "tr",
                "th",
                "td",
                "img",
                "picture",
                "source",
                "figure",
                "figcaption",
                "sub",
                "sup",
                "span",
                "div",
                "bdi",
                "aside",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "pre",
                "code",
                "hr",
            ])
            .clean_content_tags(
                [
                    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noembed",
                    "noframes", "noscript", "template", "form", "button", "input", "select", "textarea", "svg", "math",
                ]
                .into_iter()
                .collect(),
            )
            .generic_attributes(["dir", "lang", "title"].into_iter().collect())
            .add_tag_attributes("a", ["href", "hreflang"])
            .add_tag_attributes("img", ["src", "alt", "width", "height", "loading", "decoding"])
            .add_tag_attributes("source", ["srcset", "sizes", "type"])
            .add_tag_attributes("th", ["colspan", "rowspan", "scope", "style"])
            .add_tag_attributes("td", ["colspan", "rowspan", "style"])
            .add_tag_attributes("col", ["span"])
            .add_tag_attributes("colgroup", ["span"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("code", ["class"])
            .add_allowed_classes("aside", ["read-also-ref"])
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .filter_style_properties(["text-align"].into_iter().collect())
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(Some("noopener"))
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("code", "class") => {
                    let language = value.strip_prefix("language-")?;
                    let plain = language
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#'));
                    plain.then_some(Cow::Borrowed(value))
                }
                _ => Some(Cow::Borrowed(value)),
            });
        builder
    })
}

/// Every link of a Markdown body with the file line it starts on, in order:
/// what turns a broken link's destination into a `file:line`.
pub(crate) fn link_lines(source: &str, first_line: usize) -> Vec<(String, usize)> {
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
fn is_read_also_paragraph<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_read_also_line_takes_the_headlines_after_it() {
        let file = crate::load::SourceFile {
            content_path: "2022/a.md".into(),
            path: "content/2022/a.md".into(),
        };
        let (article, _) =
            crate::load::parse_article(&file, "---\ntitle: t\ndate: 2022-12-01\n---\n\nx\n").expect("an article");
        let items = |text: &str| {
            let mut events = BodyEvents {
                figure: &|_| None,
                originals: Vec::new(),
                parser: pulldown_cmark::Parser::new_ext(text, options()),
                pending: VecDeque::new(),
                article: &article,
                resolver: &LinkResolver::new(&[]),
                url_of: &|_| String::new(),
                reference_box: &|_| String::new(),
                broken_links: Vec::new(),
                has_raw_html: false,
                nth_reference: 0,
                image_depth: 0,
            };
            let mut html = String::new();
            html::push_html(&mut html, &mut events);
            html
        };
        let html = items("فقرة أولى.\n\nاقرأ أيضاً:\n\nعنوان أول عن Xi\n\nعنوان ثانٍ\n\nفقرة تالية طويلة تنتهي بنقطة.\n");
        assert_eq!(
            html,
            "<p>فقرة أولى.</p>\n<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span>\n<ul>\n<li>عنوان أول عن <bdi>Xi</bdi></li>\n<li>عنوان ثانٍ</li>\n</ul>\n</aside>\n<p>فقرة تالية طويلة تنتهي بنقطة.</p>\n"
        );
        // Nothing after it: no box at all.
        assert_eq!(items("اقرأ أيضاً:\n\nفقرة تنتهي بنقطة.\n"), "<p>فقرة تنتهي بنقطة.</p>\n");
        assert_eq!(items("نص.\n\nاقرأ أيضاً:\n"), "<p>نص.</p>\n");
    }

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
    fn sanitiser_keeps_formatting_and_drops_scripts() {
        let dirty = concat!(
            "<p onclick=\"x()\">a <b>b</b> <a href=\"javascript:alert(1)\">c</a> ",
            "<a href=\"https://example.org/\" target=\"_blank\">d</a></p>",
            "<script>alert(2)</script><img src=\"x\" onerror=\"alert(3)\">",
            "<img src=\"data:image/png;base64,xx\" alt=\"e\"><iframe src=\"https://e.x/\">f</iframe>",
            "<span style=\"color:red\">g</span><form><input name=q>h</form><!-- i -->"
        );
        assert_eq!(
            sanitise(dirty),
            concat!(
                "<p>a <b>b</b> <a rel=\"noopener\">c</a> ",
                "<a href=\"https://example.org/\" rel=\"noopener\">d</a></p>",
                "<img src=\"x\"><img alt=\"e\"><span>g</span>"
            )
        );
    }

    #[test]
    fn sanitiser_keeps_what_the_renderer_writes() {
        let ours = concat!(
            "<aside class=\"read-also-ref\"><span>اقرأ أيضاً:</span> <a href=\"/2022/12/x/\">عن <bdi>Xi</bdi></a></aside>\n",
            "<table><thead><tr><th style=\"text-align: center\">a</th></tr></thead></table>\n",
            "<pre><code class=\"language-rust\">x</code></pre>\n",
            "<p>x<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n",
            "<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup></div>"
        );
        let expected = ours
            .replace("<a href=\"/2022/12/x/\">", "<a href=\"/2022/12/x/\" rel=\"noopener\">")
            .replace("<a href=\"#1\">", "<a href=\"#1\" rel=\"noopener\">")
            .replace("text-align: center", "text-align:center");
        assert_eq!(sanitise(ours), expected);
        assert_eq!(
            sanitise("<code class=\"language-x onmouseover\">y</code><aside class=\"evil\">z</aside>"),
            "<code>y</code><aside class=\"\">z</aside>"
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
