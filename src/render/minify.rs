//! `minify: true` in site.yaml: HTML pages (with the CSS and JavaScript
//! inside them) and the stylesheet written smaller with minify-html. Its
//! output only depends on its input (attributes are written in sorted
//! order), so builds stay byte-identical.

use crate::render::OutputFile;

/// minify-html's settings: spec-compliant output only (no unquoted values
/// a validator rejects, the doctype kept), CSS and JS minified.
pub(crate) fn settings() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::default()
    }
}

/// Minifies one file in place if it is `.html` or `.css`, with [`settings`].
pub(crate) fn minify_file(file: &mut OutputFile, cfg: &minify_html::Cfg) {
    if file.path.ends_with(".html") {
        file.bytes = minify_html::minify(&file.bytes, cfg);
    } else if file.path.ends_with(".css") {
        if let Some(css) = minify_css(&file.bytes, cfg) {
            file.bytes = css;
        }
    }
}

/// A stylesheet minified by minify-html's CSS minifier (lightningcss),
/// which it applies to `<style>` elements; `None` when the stylesheet
/// cannot sit in one (it holds `</style`) or did not get smaller.
fn minify_css(css: &[u8], cfg: &minify_html::Cfg) -> Option<Vec<u8>> {
    const OPEN: &[u8] = b"<style>";
    const CLOSE: &[u8] = b"</style>";
    if css.windows(7).any(|w| w.eq_ignore_ascii_case(b"</style")) {
        return None;
    }
    let mut html = Vec::with_capacity(css.len() + OPEN.len() + CLOSE.len());
    html.extend_from_slice(OPEN);
    html.extend_from_slice(css);
    html.extend_from_slice(CLOSE);
    let out = minify_html::minify(&html, cfg);
    let inner = out.strip_prefix(OPEN)?;
    let inner = inner.strip_suffix(CLOSE).unwrap_or(inner);
    (inner.len() < css.len()).then(|| inner.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_gets_smaller_and_keeps_logical_properties() {
        let css = b"/* note */\n.a {\n  inline-size: 100%;\n  margin-inline-start: 0px;\n}\n";
        let out = minify_css(css, &settings()).expect("smaller");
        let out = String::from_utf8(out).expect("UTF-8");
        assert!(out.contains("inline-size:100%"), "{out}");
        assert!(!out.contains("note") && !out.contains('\n'), "{out}");
    }

    #[test]
    fn css_that_would_close_a_style_element_is_left_alone() {
        assert_eq!(minify_css(b"a { content: \"</style>\"; }", &settings()), None);
    }

    #[test]
    fn html_keeps_its_doctype_text_and_json_ld() {
        let html = b"<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<title>x</title>\n<script type=\"application/ld+json\">{\"a\": \"\\u003c\"}</script>\n</head>\n<body>\n<p>  \xd9\x86\xd8\xb5   <bdi>Co</bdi> </p>\n</body>\n</html>\n";
        let out = String::from_utf8(minify_html::minify(html, &settings())).expect("UTF-8");
        assert!(out.starts_with("<!doctype html><html dir=rtl lang=ar>"), "{out}");
        assert!(out.contains("{\"a\": \"\\u003c\"}"), "{out}");
        assert!(out.contains("نص <bdi>Co</bdi>"), "{out}");
    }
}
