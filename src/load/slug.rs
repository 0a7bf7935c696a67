//! Slugs: the URL segment of an article, made safe whatever the input.

use crate::analyse::normalise::fold_char;

/// Longest slug kept, in characters; longer ones are cut at a `-`.
const MAX_SLUG_CHARS: usize = 80;

/// Makes a slug from any text: letters (Arabic included) and digits are kept
/// (diacritics and tatweel dropped, Latin lowercased), everything else
/// becomes `-`, runs of `-` collapse and none lead or trail. The result can
/// never hold `/`, `.` or `..`, so it can never leave its folder.
pub(crate) fn sanitise(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        let keep = if c.is_alphanumeric() {
            // Drop marks that count as alphabetic (tashkeel) the way matching does.
            match fold_char(c) {
                None => continue,
                Some(_) if c.is_ascii() => Some(c.to_ascii_lowercase()),
                Some(_) => Some(c),
            }
        } else if fold_char(c).is_none() {
            continue;
        } else {
            None
        };
        match keep {
            Some(c) => slug.push(c),
            None => {
                if !slug.is_empty() && !slug.ends_with('-') {
                    slug.push('-');
                }
            }
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.chars().count() > MAX_SLUG_CHARS {
        let cut: String = slug.chars().take(MAX_SLUG_CHARS).collect();
        slug = match cut.rfind('-') {
            Some(i) if i > 0 => cut[..i].to_string(),
            _ => cut,
        };
    }
    slug
}

/// Splits a `YYYY-MM-DD-` prefix off a file stem: the date and the rest
/// (`0000-` is no date: years run from 1).
pub(crate) fn split_date_prefix(stem: &str) -> (Option<chrono::NaiveDate>, &str) {
    let (date, rest) = split_any_date_prefix(stem);
    match date.filter(|d| chrono::Datelike::year(d) >= 1) {
        Some(date) => (Some(date), rest),
        None => (None, stem),
    }
}

fn split_any_date_prefix(stem: &str) -> (Option<chrono::NaiveDate>, &str) {
    if stem.len() >= 11 && stem.is_char_boundary(10) && stem.as_bytes()[10] == b'-' {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(&stem[..10], "%Y-%m-%d") {
            return (Some(date), &stem[11..]);
        }
    }
    if stem.len() == 10 {
        if let Ok(date) = chrono::NaiveDate::parse_from_str(stem, "%Y-%m-%d") {
            return (Some(date), "");
        }
    }
    (None, stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_slugs_stay_in_their_folder() {
        assert_eq!(sanitise("../../etc/passwd"), "etc-passwd");
        assert_eq!(sanitise(".hidden"), "hidden");
        assert_eq!(sanitise("/abs/path"), "abs-path");
        assert_eq!(sanitise("%2e%2e/x"), "2e-2e-x");
        assert_eq!(sanitise("a\0b"), "a-b");
        assert_eq!(sanitise("..."), "");
    }

    #[test]
    fn arabic_slugs_keep_letters() {
        assert_eq!(sanitise("التجارة بين روسيا والصين"), "التجارة-بين-روسيا-والصين");
        assert_eq!(sanitise("مُحادثاتٌ مغلقة"), "محادثات-مغلقة");
        assert_eq!(sanitise("Putin & Xi: 2022"), "putin-xi-2022");
    }

    #[test]
    fn long_slugs_are_cut_at_a_dash() {
        let slug = sanitise(&"كلمة ".repeat(40));
        assert!(slug.chars().count() <= MAX_SLUG_CHARS);
        assert!(!slug.ends_with('-'));
    }

    #[test]
    fn date_prefix() {
        let (date, rest) = split_date_prefix("2022-12-29-putin-xi");
        assert_eq!(date.map(|d| d.to_string()), Some("2022-12-29".to_string()));
        assert_eq!(rest, "putin-xi");
        assert_eq!(split_date_prefix("2022-13-29-x"), (None, "2022-13-29-x"));
        assert_eq!(split_date_prefix("putin"), (None, "putin"));
    }
}
