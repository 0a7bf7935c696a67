//! Cleaning what an article file says before anything shows it or builds a
//! path from it: display text without stray controls and with balanced
//! bidirectional controls, original URLs that are http(s) only, and
//! aliases that stay inside the site.

/// Left-to-right and right-to-left embeddings and overrides (LRE, RLE, LRO, RLO).
fn is_embedding_opener(c: char) -> bool {
    matches!(c, '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}')
}

/// Pop directional formatting (PDF), which ends an embedding or override.
const PDF: char = '\u{202C}';

/// Isolates (LRI, RLI, FSI).
fn is_isolate_opener(c: char) -> bool {
    matches!(c, '\u{2066}' | '\u{2067}' | '\u{2068}')
}

/// Pop directional isolate (PDI), which ends an isolate.
const PDI: char = '\u{2069}';

/// Text as it may be shown in a headline, lede, byline or tag: tabs become
/// spaces, other control characters are removed, the ends are trimmed, and
/// bidirectional controls are balanced (see [`balance_bidi`]), so that a
/// headline can never reverse or re-embed the text that follows it on a page.
pub(crate) fn display_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => Some('\n'),
            c if c.is_control() && (c as u32) < 0x80 => None,
            '\u{fffe}' | '\u{ffff}' => None,
            c => Some(c),
        })
        .collect();
    balance_bidi(cleaned.trim())
}

/// Balances bidirectional control characters (U+202A–U+202E, U+2066–U+2069):
/// a closer with nothing open (PDF, PDI) is dropped, and whatever is still
/// open at a line break or at the end of the text is closed there, in
/// order. Matched pairs stay as the editor wrote them. A PDI closes the
/// embeddings opened inside its isolate first, as the Unicode bidi
/// algorithm does, but here explicitly.
pub(crate) fn balance_bidi(text: &str) -> String {
    if !text
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut open: Vec<char> = Vec::new();
    let close_all = |open: &mut Vec<char>, out: &mut String| {
        while let Some(opener) = open.pop() {
            out.push(if is_isolate_opener(opener) { PDI } else { PDF });
        }
    };
    for c in text.chars() {
        if is_embedding_opener(c) || is_isolate_opener(c) {
            open.push(c);
            out.push(c);
        } else if c == PDF {
            if open.last().is_some_and(|&o| is_embedding_opener(o)) {
                open.pop();
                out.push(c);
            }
        } else if c == PDI {
            if open.iter().any(|&o| is_isolate_opener(o)) {
                while let Some(opener) = open.pop() {
                    if is_isolate_opener(opener) {
                        break;
                    }
                    out.push(PDF);
                }
                out.push(c);
            }
        } else if c == '\n' {
            close_all(&mut open, &mut out);
            out.push(c);
        } else {
            out.push(c);
        }
    }
    close_all(&mut open, &mut out);
    out
}

/// Checks an article's `url:` (its original address): only an absolute
/// `http://` or `https://` address with a host is kept (the scheme is
/// lowercased). The error says why any other value is not linked.
pub(crate) fn original_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let scheme_end = url.find("://").ok_or("it is not an http(s) address")?;
    let scheme = url[..scheme_end].to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("only http and https addresses are linked, not `{scheme}:`"));
    }
    let rest = &url[scheme_end + 3..];
    if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
        return Err("the address has no host".to_string());
    }
    if url.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '<' | '>' | '\\' | '`' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    }) {
        return Err("the address holds spaces, quotes or control characters".to_string());
    }
    Ok(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_balanced() {
        // An override left open is closed at the end.
        assert_eq!(balance_bidi("a\u{202E}bc"), "a\u{202E}bc\u{202C}");
        // A closer with nothing open is dropped.
        assert_eq!(balance_bidi("a\u{202C}b\u{2069}"), "ab");
        // Matched pairs stay.
        assert_eq!(
            balance_bidi("\u{2067}x\u{2069} \u{202B}y\u{202C}"),
            "\u{2067}x\u{2069} \u{202B}y\u{202C}"
        );
        // A PDI closes the embeddings opened inside its isolate.
        assert_eq!(
            balance_bidi("\u{2066}\u{202E}x\u{2069}"),
            "\u{2066}\u{202E}x\u{202C}\u{2069}"
        );
        // Nested, all open: closed innermost first.
        assert_eq!(balance_bidi("\u{202B}\u{2068}x"), "\u{202B}\u{2068}x\u{2069}\u{202C}");
        // A line break closes everything too.
        assert_eq!(balance_bidi("\u{202E}a\nb"), "\u{202E}a\u{202C}\nb");
        // Marks (LRM, RLM) are not controls that need closing.
        assert_eq!(balance_bidi("a\u{200F}b\u{200E}"), "a\u{200F}b\u{200E}");
    }

    #[test]
    fn display_text_drops_controls() {
        assert_eq!(display_text("\ta\u{0}b\u{1b}[31m\t"), "ab[31m");
        assert_eq!(display_text("x\u{7f}\u{fffe}y"), "xy");
    }

    #[test]
    fn original_urls_are_http_only() {
        assert_eq!(
            original_url(" HTTPS://example.org/a?b#c ").unwrap(),
            "https://example.org/a?b#c"
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,x",
            "//example.org/x",
            "/2022/12/x/",
            "https://",
            "https:///etc/passwd",
            "https://exa mple.org",
            "https://example.org/\u{202E}x",
            "file:///etc/passwd",
        ] {
            assert!(original_url(bad).is_err(), "{bad} was accepted");
        }
    }
}
