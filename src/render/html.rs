//! HTML text helpers: escaping, and `<bdi>` isolation of Latin names and
//! numbers inside Arabic text so they do not flip the line around them.

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(text, &mut out);
    out
}

/// Escapes `text` onto the end of `out`. The characters escaped are ASCII,
/// so the text between them is copied as whole slices (a character at a
/// time, this was a tenth of a full build's rendering).
pub(crate) fn escape_into(text: &str, out: &mut String) {
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

/// A plus or minus sign that starts a number (`+3.4%`, `-5`): at the
/// start of the text or after a space or an opening bracket, so that the
/// hyphen of `كوفيد-19` is not taken for one.
fn is_sign(c: char, before: Option<char>) -> bool {
    matches!(c, '+' | '-' | '\u{2212}') && before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '[' | '«'))
}

/// Escapes `text` and wraps every left-to-right run (Latin words, numbers,
/// "Power of Siberia", "$172", "32%") in `<bdi>`. Works on byte offsets,
/// copying the text between runs as whole slices: it runs over every
/// article's body.
pub(crate) fn isolate(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let next_char = |at: usize| text.get(at..).and_then(|rest| rest.chars().next());
    // Text before `written` is in `out`; `at` is the character looked at.
    let (mut written, mut at) = (0, 0);
    while let Some(c) = next_char(at) {
        let after = at + c.len_utf8();
        let before = text[..at].chars().next_back();
        let starts_run = is_ltr_core(c)
            || (matches!(c, '$' | '€' | '£') && next_char(after).is_some_and(|d| d.is_ascii_digit()))
            || (is_sign(c, before) && next_char(after).is_some_and(|d| d.is_ascii_digit()));
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

/// Body HTML with the numbers of its text in Arabic-Indic digits (for
/// `digits: arabic-indic`): digits in tags, entities, `<code>`, `<pre>`
/// and words with Latin letters (`G20`, a web address) stay as they are.
/// A `%` right after a number so written becomes the Arabic percent sign
/// `٪`, as Arabic-Indic figures are written («٣٢٪», not «٣٢%»).
pub(crate) fn arabic_indic_digits(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut code_depth = 0usize;
    let mut rest = html;
    // Whether the last thing written was a number now in Arabic-Indic digits.
    let mut after_number = false;
    while let Some(c) = rest.chars().next() {
        if c == '%' && after_number {
            out.push('٪');
            rest = &rest[1..];
            after_number = false;
            continue;
        }
        after_number = false;
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name == "code" || name == "pre" {
                if tag.starts_with("</") {
                    code_depth = code_depth.saturating_sub(1);
                } else {
                    code_depth += 1;
                }
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        if c == '&' {
            let end = rest.find(';').filter(|&i| i < 12).map_or(1, |i| i + 1);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        // A word: letters, digits and what joins them in numbers and addresses.
        let end = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '_' | '/' | ':' | '@')))
            .map_or(rest.len(), |(i, _)| i)
            .max(c.len_utf8());
        let word = &rest[..end];
        if code_depth == 0 && !word.bytes().any(|b| b.is_ascii_alphabetic()) {
            out.extend(word.chars().map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32('٠' as u32 + d).unwrap_or(c),
                _ => c,
            }));
            after_number = word.ends_with(|c: char| c.is_ascii_digit());
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
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
    fn body_numbers_take_arabic_indic_digits_but_not_code_tags_or_names() {
        assert_eq!(
            arabic_indic_digits("<p data-x=\"1\">نمت <bdi>32%</bdi> في 2022 &#39; G20 <code>v2</code> a.com/3</p>"),
            "<p data-x=\"1\">نمت <bdi>٣٢٪</bdi> في ٢٠٢٢ &#39; G20 <code>v2</code> a.com/3</p>"
        );
        assert_eq!(
            arabic_indic_digits("<p>5% و<code>5%</code> وG20% و<bdi>+3.4%</bdi></p>"),
            "<p>٥٪ و<code>5%</code> وG20% و<bdi>+٣.٤٪</bdi></p>"
        );
        assert_eq!(
            arabic_indic_digits("<pre><code>1</code>2</pre>3"),
            "<pre><code>1</code>2</pre>٣"
        );
    }

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
        assert_eq!(isolate("ارتفع +3.4% أمس"), "ارتفع <bdi>+3.4%</bdi> أمس");
        assert_eq!(isolate("تراجع (-2%)"), "تراجع (<bdi>-2%</bdi>)");
        assert_eq!(isolate("كوفيد-19"), "كوفيد-<bdi>19</bdi>");
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
            let before = i.checked_sub(1).map(|b| chars[b]);
            let starts_run = is_ltr_core(chars[i])
                || (matches!(chars[i], '$' | '€' | '£') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
                || (is_sign(chars[i], before) && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
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
            "(",
            "\u{2212}",
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
