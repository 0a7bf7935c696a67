//! HTML text helpers: escaping, and `<bdi>` isolation of Latin names and
//! numbers inside Arabic text so they do not flip the line around them.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(text, &mut out);
    out
}

/// Escapes `text` onto the end of `out`. The characters escaped are ASCII,
/// so the text between them is copied as whole slices (a character at a
/// time, this was a tenth of a full build's rendering).
pub fn escape_into(text: &str, out: &mut String) {
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&text[from..]);
}

/// Letters and digits that run left to right.
fn is_ltr_core(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{00C0}'..='\u{024F}').contains(&c)
}

/// Characters that may sit inside a left-to-right run between its letters.
fn is_ltr_joiner(c: char) -> bool {
    matches!(c, ' ' | '.' | ',' | '-' | '/' | ':' | '\'' | '&' | '+' | '_' | '@')
}

/// Escapes `text` and wraps every left-to-right run (Latin words, numbers,
/// "Power of Siberia", "$172", "32%") in `<bdi>`. Works on byte offsets,
/// copying the text between runs as whole slices: it runs over every
/// article's body.
pub fn isolate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let next_char = |at: usize| text.get(at..).and_then(|rest| rest.chars().next());
    // Text before `written` is in `out`; `at` is the character looked at.
    let (mut written, mut at) = (0, 0);
    while let Some(c) = next_char(at) {
        let after = at + c.len_utf8();
        let starts_run =
            is_ltr_core(c) || (matches!(c, '$' | '€' | '£') && next_char(after).is_some_and(|d| d.is_ascii_digit()));
        if !starts_run {
            at = after;
            continue;
        }
        escape_into(&text[written..at], &mut out);
        // One past the last core character of the run; joiners between
        // core characters belong to it, trailing ones do not.
        let mut end = after;
        let mut probe = after;
        while let Some(d) = next_char(probe) {
            if is_ltr_core(d) {
                probe += d.len_utf8();
                end = probe;
            } else if is_ltr_joiner(d) {
                probe += d.len_utf8();
            } else {
                break;
            }
        }
        if next_char(end) == Some('%') {
            end += 1;
        }
        out.push_str("<bdi>");
        escape_into(&text[at..end], &mut out);
        out.push_str("</bdi>");
        written = end;
        at = end;
    }
    escape_into(&text[written..], &mut out);
    out
}

/// JSON text with `<`, `>` and `&` escaped (see [`html_safe_json`]).
pub(crate) fn html_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// JSON text with `<`, `>` and `&` written as `\u003c`-style escapes (they
/// only occur inside strings), so no headline can close a `<script>` the
/// JSON is embedded in.
pub fn html_safe_json(value: &serde_json::Value) -> String {
    html_safe(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_dangerous() {
        assert_eq!(
            escape(r#"<script>"a"&'b'"#),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;"
        );
    }

    #[test]
    fn isolates_latin_runs_and_numbers() {
        assert_eq!(
            isolate("خط Power of Siberia للغاز"),
            "خط <bdi>Power of Siberia</bdi> للغاز"
        );
        assert_eq!(
            isolate("نمت 32% في 11 شهراً"),
            "نمت <bdi>32%</bdi> في <bdi>11</bdi> شهراً"
        );
        assert_eq!(isolate("بلغت $172 مليار"), "بلغت <bdi>$172</bdi> مليار");
        assert_eq!(isolate("عن <b> & Co."), "عن &lt;<bdi>b</bdi>&gt; &amp; <bdi>Co</bdi>.");
        assert_eq!(isolate("نص عربي فقط"), "نص عربي فقط");
    }

    /// `isolate` as first written, a character at a time: the definition
    /// the faster one must agree with.
    fn isolate_by_chars(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let starts_run = is_ltr_core(chars[i])
                || (matches!(chars[i], '$' | '€' | '£') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
            if !starts_run {
                out.push_str(&escape(&chars[i].to_string()));
                i += 1;
                continue;
            }
            let (start, mut end, mut j) = (i, i + 1, i + 1);
            while j < chars.len() {
                if is_ltr_core(chars[j]) {
                    end = j + 1;
                    j += 1;
                } else if is_ltr_joiner(chars[j]) {
                    j += 1;
                } else {
                    break;
                }
            }
            if chars.get(end) == Some(&'%') {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            out.push_str(&format!("<bdi>{}</bdi>", escape(&run)));
            i = end;
        }
        out
    }

    #[test]
    fn isolate_agrees_with_the_character_at_a_time_definition() {
        let pieces = [
            "خط",
            "الغاز",
            " ",
            "Power",
            "of",
            "Siberia",
            "32",
            "%",
            "$",
            "€",
            "£",
            "172",
            ".",
            ",",
            "-",
            "/",
            ":",
            "'",
            "&",
            "+",
            "_",
            "@",
            "<",
            ">",
            "\"",
            "é",
            "Ünal",
            "٣٢",
            "ـ",
            "\n",
            "؟",
        ];
        let mut next = crate::test_random(0x5eed_1501);
        for _ in 0..2000 {
            let text: String = (0..next() % 12)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(isolate(&text), isolate_by_chars(&text), "{text:?}");
        }
    }
}
