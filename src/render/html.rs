//! HTML text helpers: escaping, and `<bdi>` isolation of Latin names and
//! numbers inside Arabic text so they do not flip the line around them.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(text, &mut out);
    out
}

/// Escapes `text` onto the end of `out`.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
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
/// "Power of Siberia", "$172", "32%") in `<bdi>`.
pub fn isolate(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let starts_run = is_ltr_core(chars[i])
            || (matches!(chars[i], '$' | '€' | '£') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        if !starts_run {
            escape_into(chars[i].encode_utf8(&mut [0; 4]), &mut out);
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1; // one past the last core character of the run
        let mut j = i + 1;
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
        out.push_str("<bdi>");
        escape_into(&run, &mut out);
        out.push_str("</bdi>");
        i = end;
    }
    out
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
}
