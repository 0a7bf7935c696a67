//! Plain-text descriptions of articles, for feed summaries, `<meta
//! name="description">`, social cards and JSON-LD: the lede, or else the
//! opening paragraph of the text cut at a word.

use crate::analyse::normalise::strip_read_also;
use crate::article::{Article, Body, TextBlock};
use crate::error::Result;
use crate::load::markdown::options;
use crate::render::markdown::text_of;
use pulldown_cmark::{Event, Tag, TagEnd};

/// Longest description taken from the text (in characters, before `…`).
pub(crate) const EXCERPT_CHARS: usize = 300;

/// The article's lede, or the first paragraph of its text (without markup,
/// whitespace collapsed, cut to [`EXCERPT_CHARS`]). `None` when the article
/// has neither. Fails only when the text had to be read again from a file
/// that changed since (see `load::reload_body`).
pub(crate) fn description(article: &Article) -> Result<Option<String>> {
    match lede(article).or_else(|| article.lede.clone()) {
        Some(lede) => Ok(Some(lede)),
        None => Ok(opening(&*text_of(article)?)),
    }
}

/// [`description`] with the article's text at hand.
pub(crate) fn description_with(article: &Article, text: &Body) -> Option<String> {
    lede(article).or_else(|| article.lede.clone()).or_else(|| opening(text))
}

/// The lede an article shows in listings, feeds and metadata: its
/// `summary`, else its first paragraph, cut after the last sentence that
/// ends within [`EXCERPT_CHARS`] (at a word, with `…`, when none does).
/// Made when the article is loaded, from the text then in memory.
pub(crate) fn lede_of(article: &Article) -> Option<String> {
    lede(article).or_else(|| {
        let paragraph = match &article.body {
            Body::Text(blocks) => blocks.iter().find_map(|block| match block {
                TextBlock::Paragraph(text) => Some(collapse_whitespace(text)).filter(|t| !t.is_empty()),
                _ => None,
            }),
            Body::Markdown { source, .. } => first_markdown_paragraph(source),
            Body::Elsewhere => None,
        }?;
        Some(cut_at_sentence(&paragraph, EXCERPT_CHARS))
    })
}

/// `text` whole when it fits in `max` characters; else up to the end of
/// its last sentence (`.`, `؟`, `?`, `!`) that does; else cut at a word.
pub(crate) fn cut_at_sentence(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let end = head
        .char_indices()
        .rev()
        .filter(|&(at, c)| {
            matches!(c, '.' | '؟' | '?' | '!')
                && head[at + c.len_utf8()..].chars().next().is_none_or(char::is_whitespace)
        })
        .map(|(at, c)| at + c.len_utf8())
        .next();
    match end {
        Some(end) => head[..end].to_string(),
        None => truncate(text, max),
    }
}

/// The lede, whitespace collapsed, if there is one.
fn lede(article: &Article) -> Option<String> {
    article
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(collapse_whitespace)
}

/// The first paragraph of a text, cut to [`EXCERPT_CHARS`].
fn opening(text: &Body) -> Option<String> {
    let paragraph = match text {
        Body::Text(blocks) => blocks.iter().find_map(|block| match block {
            TextBlock::Paragraph(text) => Some(collapse_whitespace(text)).filter(|t| !t.is_empty()),
            _ => None,
        }),
        Body::Markdown { source, .. } => first_markdown_paragraph(source),
        Body::Elsewhere => None,
    };
    paragraph.map(|paragraph| truncate(&paragraph, EXCERPT_CHARS))
}

/// The text of the first paragraph that is not a read-also reference.
fn first_markdown_paragraph(source: &str) -> Option<String> {
    let mut current: Option<String> = None;
    for event in pulldown_cmark::Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::Paragraph) => current = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(paragraph) = current.as_mut() {
                    paragraph.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = current.as_mut() {
                    paragraph.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(paragraph) = current.take() {
                    let paragraph = collapse_whitespace(&paragraph);
                    if !paragraph.is_empty() && strip_read_also(&paragraph).is_none() {
                        return Some(paragraph);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most `max` characters at a word boundary, adding `…`.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let kept = match cut.rfind(' ') {
        Some(space) if space > 0 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", kept.trim_end_matches([' ', ',', '،', '؛', ':', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_skips_headings_and_read_also() {
        let source = "## عنوان\n\nاقرأ أيضاً: مقال آخر\n\nالفقرة **الأولى**\nمن النص.\n\nالثانية.";
        assert_eq!(
            first_markdown_paragraph(source).as_deref(),
            Some("الفقرة الأولى من النص.")
        );
    }

    #[test]
    fn a_long_opening_is_cut_at_its_last_whole_sentence() {
        let text = "الجملة الأولى. الجملة الثانية؟ ثم كلام طويل بلا نهاية";
        assert_eq!(cut_at_sentence(text, 35), "الجملة الأولى. الجملة الثانية؟");
        assert_eq!(cut_at_sentence(text, 200), text);
        // A decimal point is no sentence end; without one, cut at a word.
        assert_eq!(cut_at_sentence("نما 3.5 في المئة هذا العام", 12), "نما 3.5 في…");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        assert_eq!(truncate("كلمة أخرى ثالثة", 12), "كلمة أخرى…");
        assert_eq!(truncate("قصير", 12), "قصير");
    }
}
