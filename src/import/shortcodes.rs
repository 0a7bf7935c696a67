//! WordPress shortcodes (`[caption]`, `[embed]`, `[gallery]` …) expanded into
//! the HTML they stand for, before the HTML becomes Markdown.
//!
//! A shortcode is `[name attrs]`, optionally closed by `[/name]`. Only ASCII
//! names count, so Arabic text in brackets (`[المصدر]`) and numbers (`[1]`)
//! stay text. Unknown shortcodes (plugins' `[vc_row]`, `[audio]` …) would
//! show as raw text on a static site: their tags are removed (what they
//! enclosed is kept) and counted.

use super::html_to_markdown::{escape_html, html_to_text};

/// An image a `[gallery]` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GalleryImage {
    /// Its address.
    pub url: String,
    /// Alternative text.
    pub alt: String,
    /// Caption (plain text).
    pub caption: String,
}

/// What expanding did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Expanded {
    /// The HTML with shortcodes replaced.
    pub html: String,
    /// Names of unknown shortcodes removed, once per opening tag.
    pub removed: Vec<String>,
}

/// Looks up a gallery's images: by its `ids`, or (no `ids`) the post's own attachments.
pub(crate) type GalleryLookup<'a> = &'a dyn Fn(Option<&[u64]>) -> Vec<GalleryImage>;

/// Expands the shortcodes of one post's content.
pub(crate) fn expand(content: &str, gallery: GalleryLookup) -> Expanded {
    let mut out = Expanded {
        html: String::with_capacity(content.len()),
        removed: Vec::new(),
    };
    let mut rest = content;
    while let Some(open) = rest.find('[') {
        out.html.push_str(&rest[..open]);
        let at = &rest[open..];
        // `[[name]]` is WordPress's way of writing a shortcode as text.
        if let Some(after) = at.strip_prefix("[[") {
            if let Some(end) = after.find("]]") {
                out.html.push('[');
                out.html.push_str(&after[..end]);
                out.html.push(']');
                rest = &after[end + 2..];
                continue;
            }
        }
        let Some(tag) = read_tag(at) else {
            out.html.push('[');
            rest = &at[1..];
            continue;
        };
        let after_tag = &at[tag.length..];
        if tag.closing {
            // A closing tag left over from an unknown shortcode.
            rest = after_tag;
            continue;
        }
        let closing = format!("[/{}]", tag.name);
        let enclosed = if tag.self_closing {
            None
        } else {
            after_tag
                .find(&closing)
                .map(|end| (&after_tag[..end], &after_tag[end + closing.len()..]))
        };
        match tag.name.as_str() {
            "caption" | "wp_caption" => {
                let (inner, next) = enclosed.unwrap_or(("", after_tag));
                let caption = tag
                    .attr("caption")
                    .map(html_to_text)
                    .unwrap_or_else(|| html_to_text(&strip_images(inner)));
                out.html.push_str(&format!(
                    "<figure>{inner}<figcaption>{}</figcaption></figure>",
                    escape_html(&caption)
                ));
                rest = next;
            }
            "embed" | "youtube" | "vimeo" => {
                let (url, next) = match (tag.attr("url").or(tag.positional()), enclosed) {
                    (Some(url), _) if !url.is_empty() => (url.to_string(), enclosed.map_or(after_tag, |(_, n)| n)),
                    (_, Some((inner, next))) => (html_to_text(inner), next),
                    _ => (tag.attr("id").map(|id| id.to_string()).unwrap_or_default(), after_tag),
                };
                let url = if tag.name == "youtube" && !url.is_empty() && !url.contains('/') {
                    format!("https://www.youtube.com/watch?v={url}")
                } else {
                    url
                };
                if !url.is_empty() {
                    let url = escape_html(url.trim());
                    out.html.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
                }
                rest = next;
            }
            "gallery" => {
                let ids: Option<Vec<u64>> = tag
                    .attr("ids")
                    .or(tag.attr("include"))
                    .map(|ids| ids.split(',').filter_map(|id| id.trim().parse().ok()).collect());
                for image in gallery(ids.as_deref()) {
                    out.html.push_str(&format!(
                        "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
                        escape_html(&image.url),
                        escape_html(&image.alt),
                        escape_html(&image.caption)
                    ));
                }
                rest = enclosed.map_or(after_tag, |(_, next)| next);
            }
            // A plugin's shortcode is closed, takes `key=value`s, or has a
            // compound name; a lone `[word]` or `[see list]` is more likely text.
            _ if enclosed.is_some()
                || tag.self_closing
                || tag.name.contains(['_', '-'])
                || tag.attrs.iter().any(|(key, _)| key.is_some()) =>
            {
                out.removed.push(tag.name.clone());
                rest = after_tag;
            }
            _ => {
                out.html.push('[');
                rest = &at[1..];
            }
        }
    }
    out.html.push_str(rest);
    out
}

/// The content of a `[caption]` without its image (and a link around it),
/// which leaves the caption text.
fn strip_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let Some(end) = tag.find('>') else {
            rest = "";
            break;
        };
        let name: String = tag[1..end]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name != "img" && name != "a" {
            out.push_str(&tag[..=end]);
        }
        rest = &tag[end + 1..];
    }
    out.push_str(rest);
    out
}

struct ShortcodeTag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(Option<String>, String)>,
    length: usize,
}

impl ShortcodeTag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| key.as_deref() == Some(name))
            .map(|(_, value)| value.as_str())
    }

    fn positional(&self) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| key.is_none())
            .map(|(_, value)| value.as_str().trim_start_matches('='))
    }
}

/// Reads `[name …]` or `[/name]` at the start of `text`.
fn read_tag(text: &str) -> Option<ShortcodeTag> {
    let inner_start = 1;
    let body = &text[inner_start..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let name_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    if name_len == 0 || !body.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let name = body[..name_len].to_ascii_lowercase();
    let after_name = &body[name_len..];
    if !after_name.starts_with([']', ' ', '/', '\t', '\u{a0}']) {
        return None;
    }
    // A tag never spans a `[` or a line: `[see the list above` is text.
    let end = after_name.find(']')?;
    let attrs_text = &after_name[..end];
    if attrs_text.contains(['[', '\n']) || (closing && !attrs_text.trim().is_empty()) {
        return None;
    }
    let self_closing = attrs_text.trim_end().ends_with('/');
    let attrs_text = attrs_text.trim_end().trim_end_matches('/');
    let length = inner_start + usize::from(closing) + name_len + end + 1;
    Some(ShortcodeTag {
        name,
        closing,
        self_closing,
        attrs: parse_attrs(attrs_text),
        length,
    })
}

/// `key="value" key='value' key=value positional` as WordPress reads them.
fn parse_attrs(text: &str) -> Vec<(Option<String>, String)> {
    let mut attrs = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let key_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let after_key = rest[key_len..].trim_start();
        let (key, value_text) = if key_len > 0 && after_key.starts_with('=') {
            (Some(rest[..key_len].to_ascii_lowercase()), after_key[1..].trim_start())
        } else {
            (None, rest)
        };
        let (value, next) = if let Some(quoted) = value_text.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else if let Some(quoted) = value_text.strip_prefix('\'') {
            let end = quoted.find('\'').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else {
            let end = value_text.find(char::is_whitespace).unwrap_or(value_text.len());
            (&value_text[..end], &value_text[end..])
        };
        attrs.push((key, value.to_string()));
        rest = next.trim_start();
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: Option<&[u64]>) -> Vec<GalleryImage> {
        Vec::new()
    }

    #[test]
    fn caption_becomes_a_figure_with_its_caption() {
        let out = expand(
            "قبل [caption id=\"attachment_7\" align=\"alignnone\" width=\"300\"]<a href=\"/x\"><img src=\"/a.jpg\" alt=\"وصف\" /></a> الوزير في القاهرة[/caption] بعد",
            &none,
        );
        assert_eq!(
            out.html,
            "قبل <figure><a href=\"/x\"><img src=\"/a.jpg\" alt=\"وصف\" /></a> الوزير في القاهرة<figcaption>الوزير في القاهرة</figcaption></figure> بعد"
        );
        assert!(out.removed.is_empty());
    }

    #[test]
    fn embeds_become_links_and_unknown_ones_are_removed_and_counted() {
        let out = expand(
            "[embed]https://www.youtube.com/watch?v=abc[/embed][youtube https://youtu.be/xyz][youtube id=\"q1\"][vc_row][vc_column]نص[/vc_column][/vc_row][audio src=\"a.mp3\"]",
            &none,
        );
        assert_eq!(
            out.html,
            "<p><a href=\"https://www.youtube.com/watch?v=abc\">https://www.youtube.com/watch?v=abc</a></p>\
             <p><a href=\"https://youtu.be/xyz\">https://youtu.be/xyz</a></p>\
             <p><a href=\"https://www.youtube.com/watch?v=q1\">https://www.youtube.com/watch?v=q1</a></p>نص"
        );
        assert_eq!(out.removed, ["vc_row", "vc_column", "audio"]);
    }

    #[test]
    fn gallery_shows_its_images() {
        let lookup = |ids: Option<&[u64]>| {
            ids.unwrap_or(&[9])
                .iter()
                .map(|id| GalleryImage {
                    url: format!("/{id}.jpg"),
                    alt: String::new(),
                    caption: format!("صورة {id}"),
                })
                .collect()
        };
        let out = expand("[gallery ids=\"3, 4\"][gallery]", &lookup);
        assert_eq!(out.html.matches("<figure>").count(), 3);
        assert!(
            out.html.contains("/4.jpg") && out.html.contains("/9.jpg"),
            "{}",
            out.html
        );
    }

    #[test]
    fn brackets_that_are_not_shortcodes_stay() {
        let text = "[المصدر] [1] [see list] a[b]c [[caption]]";
        assert_eq!(expand(text, &none).html, "[المصدر] [1] [see list] a[b]c [caption]");
        assert!(expand(text, &none).removed.is_empty());
    }
}
