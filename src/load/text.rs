//! Plain-text articles: headline, lede, then one paragraph a line.

use crate::analyse::normalise::strip_read_also;
use crate::article::{ReadAlsoRef, RefOrigin, TextBlock};
use crate::load::clean::display_text;

/// What a `.txt` file holds, before the file name adds slug and date.
#[derive(Debug)]
pub struct ParsedText {
    /// First non-empty line.
    pub title: String,
    /// Second non-empty line, if any.
    pub summary: Option<String>,
    /// The remaining lines as blocks.
    pub blocks: Vec<TextBlock>,
    /// Read-also lines found anywhere after the headline.
    pub read_also: Vec<ReadAlsoRef>,
    /// A `صورة:` (or `Photo:`) line: the caption of the photo beside the file.
    pub photo_caption: Option<(String, usize)>,
    /// A `تصوير:` (or `Credit:`) line: who took it.
    pub photo_credit: Option<String>,
}

/// The text after a caption or credit label (`صورة: …`), if the line starts with one.
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|label| {
        let rest = line.strip_prefix(label)?.trim_start();
        let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
        Some(rest.trim())
    })
}

/// Longest line, in words, that can be a subheading.
const SUBHEADING_MAX_WORDS: usize = 8;

/// Parses a plain news text. `None` when the file has no non-empty line.
/// Every line is cleaned as display text (see [`display_text`]).
pub fn parse(text: &str) -> Option<ParsedText> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, display_text(line)))
        .filter(|(_, line)| !line.is_empty())
        .peekable();
    let (_, title) = lines.next()?;
    let mut parsed = ParsedText {
        title,
        summary: None,
        blocks: Vec::new(),
        read_also: Vec::new(),
        photo_caption: None,
        photo_credit: None,
    };
    while let Some((number, line)) = lines.next() {
        let line = line.as_str();
        if let Some(caption) = labelled(line, &["صورة", "Photo"]).filter(|_| parsed.photo_caption.is_none()) {
            parsed.photo_caption = Some((caption.to_string(), number));
        } else if let Some(credit) = labelled(line, &["تصوير", "Credit"]).filter(|_| parsed.photo_credit.is_none())
        {
            parsed.photo_credit = Some(credit.to_string());
        } else if let Some(reference) = strip_read_also(line) {
            if !reference.is_empty() {
                parsed.blocks.push(TextBlock::ReadAlso(parsed.read_also.len()));
                parsed.read_also.push(ReadAlsoRef {
                    text: reference.to_string(),
                    line: number,
                    origin: RefOrigin::Inline,
                    link: None,
                });
            }
        } else if parsed.summary.is_none() && parsed.blocks.is_empty() {
            parsed.summary = Some(line.to_string());
        } else if lines.peek().is_some() && looks_like_subheading(line) {
            parsed.blocks.push(TextBlock::Subheading(line.to_string()));
        } else {
            parsed.blocks.push(TextBlock::Paragraph(line.to_string()));
        }
    }
    Some(parsed)
}

/// A short line that does not end a sentence reads as a subheading.
fn looks_like_subheading(line: &str) -> bool {
    let ends_sentence = line
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '؟' | ':' | '؛' | '…' | '"' | '»' | '”' | '،' | ')'));
    !ends_sentence && line.split_whitespace().count() <= SUBHEADING_MAX_WORDS
}

/// The text of the blocks for analysis, one paragraph a line.
pub(crate) fn plain_text(blocks: &[TextBlock]) -> String {
    let mut text = String::new();
    for block in blocks {
        if let TextBlock::Paragraph(line) | TextBlock::Subheading(line) = block {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_lede_paragraphs_and_read_also() {
        let text = "\nالعنوان\n\nالمقدمة.\nفقرة أولى.\nاقرأ أيضاً: التجارة تنمو\nالوضع في كاراباخ\nفقرة أخيرة.\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.title, "العنوان");
        assert_eq!(parsed.summary.as_deref(), Some("المقدمة."));
        assert_eq!(
            parsed.blocks,
            vec![
                TextBlock::Paragraph("فقرة أولى.".into()),
                TextBlock::ReadAlso(0),
                TextBlock::Subheading("الوضع في كاراباخ".into()),
                TextBlock::Paragraph("فقرة أخيرة.".into()),
            ]
        );
        assert_eq!(parsed.read_also[0].text, "التجارة تنمو");
        assert_eq!(parsed.read_also[0].line, 6);
    }

    #[test]
    fn empty_text_has_no_article() {
        assert!(parse(" \n\t\n").is_none());
    }
}
