//! Arabic normalisation for matching (never for display).
//!
//! Folds the spelling variation of real news text onto one form: tashkeel
//! and tatweel removed, alef forms unified, ى→ي, ة→ه, ؤ→و, ئ→ي, Persian
//! letters and both Arabic-Indic digit sets mapped, and punctuation (Arabic
//! or Latin) turned into spaces so that it separates words.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Maps one character to its matching form: `Some(c)` to keep (possibly
/// changed), `None` to drop it (diacritics, tatweel, invisible controls).
/// Separators come back as `' '`.
#[inline]
pub(crate) fn fold_char(c: char) -> Option<char> {
    match c {
        'ى' | 'ی' | 'ې' => Some('ي'),
        'ة' | 'ۀ' | 'ە' => Some('ه'),
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => Some('ا'),
        'ؤ' => Some('و'),
        'ئ' => Some('ي'),
        c => fold_char_common(c),
    }
}

/// Like [`fold_char`] but keeps the letters the Snowball stemmer reads
/// (ة and ى for endings, hamza forms for telling the conjunction و from a
/// root و); [`fold_stem`] folds them after stemming.
#[inline]
pub(crate) fn fold_char_for_stemming(c: char) -> Option<char> {
    match c {
        'أ' | 'إ' | 'آ' | 'ؤ' | 'ئ' => Some(c),
        'ٱ' | 'ٲ' | 'ٳ' => Some('ا'),
        c => fold_char_common(c),
    }
}

/// The folding both forms share.
#[inline]
fn fold_char_common(c: char) -> Option<char> {
    Some(match c {
        // tashkeel (fathatan … sukun, and the extended marks) and superscript alef
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => return None,
        // tatweel, and invisible formatting/bidi characters
        '\u{0640}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}' => return None,
        'ی' | 'ې' => 'ى',
        'ۀ' | 'ە' => 'ة',
        'ک' => 'ك',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        // Arabic punctuation and quotes
        '،' | '؛' | '؟' | '«' | '»' | '٪' | '٫' | '٬' | '۔' | '“' | '”' | '‘' | '’' | '…' | '–' | '—' => {
            ' '
        }
        // The common cases first: Arabic letters and ASCII need no Unicode tables.
        '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | 'a'..='z' | '0'..='9' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => ' ',
        c if c.is_whitespace() => ' ',
        c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
        // anything else (symbols, other punctuation) separates words
        _ => ' ',
    })
}

/// Folds the characters a stemmer kept (ة→ه, ى→ي) so stems match normalised text.
pub(crate) fn fold_stem(stem: &str) -> String {
    stem.chars().filter_map(fold_char).collect()
}

/// Normalises text for matching: NFC, folded characters, single spaces,
/// no leading or trailing space.
pub fn normalise(text: &str) -> String {
    normalise_with(text, fold_char)
}

/// [`normalise`] of a text, from its [`normalise_with`]`(text,
/// fold_char_for_stemming)` form: folds what that form keeps for the
/// stemmer (hamza seats, ى, ة) as [`fold_char`] does. Analysis needs both
/// forms of every article; this spares a second pass of Unicode
/// normalisation over the text (unit test: equal to [`normalise`]).
pub(crate) fn refold_for_matching(stemming_form: &str) -> String {
    stemming_form
        .chars()
        .map(|c| match c {
            'ى' => 'ي',
            'ة' => 'ه',
            'أ' | 'إ' | 'آ' => 'ا',
            'ؤ' => 'و',
            'ئ' => 'ي',
            c => c,
        })
        .collect()
}

/// [`normalise`] with another character fold (see [`fold_char_for_stemming`]).
pub(crate) fn normalise_with(text: &str, fold: fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    let push = |c: char, out: &mut String| {
        if let Some(folded) = fold(c) {
            if folded == ' ' {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(folded);
            }
        }
    };
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        for c in text.chars() {
            push(c, &mut out);
        }
    } else {
        for c in text.nfc() {
            push(c, &mut out);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The normalised form of "اقرأ أيضاً", the phrase that opens a read-also line.
const READ_ALSO: &str = "اقرا ايضا";

/// If `line` starts with "اقرأ أيضاً" in any hamza, alef or diacritic
/// spelling (with or without a colon), returns what follows it, trimmed.
pub(crate) fn strip_read_also(line: &str) -> Option<&str> {
    let mut expected = READ_ALSO.chars().peekable();
    let mut rest_at = None;
    let mut last_was_space = false;
    for (i, c) in line.trim_start().char_indices() {
        let Some(folded) = fold_char(c) else { continue };
        if expected.peek().is_none() {
            // The phrase must end at a word boundary.
            if folded != ' ' {
                return None;
            }
            rest_at = Some(i);
            break;
        }
        if folded == ' ' {
            if last_was_space {
                continue;
            }
            last_was_space = true;
        } else {
            last_was_space = false;
        }
        if expected.next() != Some(folded) {
            return None;
        }
    }
    let trimmed = line.trim_start();
    let rest = match rest_at {
        Some(i) => &trimmed[i..],
        None if expected.peek().is_none() => "",
        None => return None,
    };
    Some(
        rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '-' | '–' | '—' | '،'))
            .trim_end(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn refolding_the_stemming_form_gives_the_normalised_form() {
        let mut samples: Vec<String> = vec![
            "أُمّ الإمارات وآخرون يقرؤون ما قرأه المسؤولون في الطائرة، «مستشفى» ۀ ی ې ک".into(),
            // Decomposed hamza (alef + U+0654) and yeh + U+0654: NFC composes them.
            "\u{0627}\u{0654}\u{064A}\u{0654} \u{0648}\u{0654}".into(),
            "Ünïcode ÀBC 123 ٤٥٦ ۷۸۹ tatweel ـــ zero\u{200B}width\u{00AD}".into(),
            "  spaces\t\nand—dashes…  ".into(),
        ];
        // Every character of the Arabic blocks and the forms the folds name, alone and in words.
        let arabic: String = ('\u{0600}'..='\u{06FF}').chain('\u{0750}'..='\u{077F}').collect();
        samples.push(arabic.clone());
        samples.extend(arabic.chars().map(|c| format!("ب{c}ت {c}")));
        for text in &samples {
            let stemming_form = normalise_with(text, fold_char_for_stemming);
            assert_eq!(refold_for_matching(&stemming_form), normalise(text), "{text:?}");
        }
    }

    use super::*;

    #[test]
    fn folds_alef_hamza_and_diacritics() {
        assert_eq!(normalise("أرمينيا"), normalise("ارمينيا"));
        assert_eq!(normalise("إقليم"), "اقليم");
        assert_eq!(normalise("مُسْتَشْفَى"), "مستشفي");
        assert_eq!(normalise("القاهـــرة"), "القاهره");
        assert_eq!(normalise("مسؤول"), "مسوول");
        assert_eq!(normalise("رئيس"), "رييس");
    }

    #[test]
    fn digits_and_punctuation() {
        assert_eq!(normalise("عام ٢٠٢٢، وفي ۱۹۹۰؟"), "عام 2022 وفي 1990");
        assert_eq!(normalise("«الكرملين»: بيان"), "الكرملين بيان");
        assert_eq!(normalise("  Power of   Siberia\n"), "power of siberia");
    }

    #[test]
    fn decomposed_input_is_composed_first() {
        // alef + combining hamza above (U+0654) composes to أ, which folds to ا
        assert_eq!(normalise("\u{0627}\u{0654}رمينيا"), "ارمينيا");
    }

    #[test]
    fn read_also_in_its_spellings() {
        assert_eq!(strip_read_also("اقرأ أيضاً: التجارة تنمو"), Some("التجارة تنمو"));
        assert_eq!(strip_read_also("إقرأ ايضا التجارة"), Some("التجارة"));
        assert_eq!(strip_read_also("  اقرأ  أيضًا - عنوان"), Some("عنوان"));
        assert_eq!(strip_read_also("اقرأ أيضاً"), Some(""));
        assert_eq!(strip_read_also("اقرأ أيضاًت"), None);
        assert_eq!(strip_read_also("اقرؤوا التقرير"), None);
        assert_eq!(strip_read_also("التجارة"), None);
    }
}
