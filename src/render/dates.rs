//! Dates in Arabic: "29 كانون الأول/ديسمبر 2022", in the site's style and digits.

use crate::config::{DateStyle, Digits};
use chrono::{DateTime, Datelike, FixedOffset};

const LEVANTINE: [&str; 12] = [
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيو",
    "تموز/يوليو",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
];

const GREGORIAN: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// How dates are written on this site.
#[derive(Debug, Clone, Copy)]
pub struct DateFormat {
    /// Month names.
    pub style: DateStyle,
    /// Digits.
    pub digits: Digits,
}

impl DateFormat {
    /// The month's name, 1-based; empty for a month out of range.
    pub(crate) fn month_name(&self, month: u32) -> &'static str {
        let names = match self.style {
            DateStyle::Levantine => &LEVANTINE,
            DateStyle::Gregorian => &GREGORIAN,
        };
        names.get(month.wrapping_sub(1) as usize).copied().unwrap_or("")
    }

    /// "29 كانون الأول/ديسمبر 2022" (the date as written, in its own offset).
    pub(crate) fn day(&self, date: &DateTime<FixedOffset>) -> String {
        self.number(&format!(
            "{} {} {}",
            date.day(),
            self.month_name(date.month()),
            date.year()
        ))
    }

    /// "29 كانون الأول/ديسمبر 2022، 14:01": the day and, when the source
    /// gave one (`timed`), the time of day, both in `zone` when given (else
    /// in the date's own offset). A date without a time stays the day as
    /// written: moved into a zone west of UTC, midnight would be the day before.
    pub(crate) fn moment(&self, date: &DateTime<FixedOffset>, timed: bool, zone: Option<chrono_tz::Tz>) -> String {
        if !timed {
            return self.day(date);
        }
        let local = match zone {
            Some(zone) => date.with_timezone(&zone).fixed_offset(),
            None => *date,
        };
        format!(
            "{}، {}",
            self.day(&local),
            self.number(&local.format("%H:%M").to_string())
        )
    }

    /// "كانون الأول/ديسمبر 2022".
    pub(crate) fn month(&self, year: i32, month: u32) -> String {
        self.number(&format!("{} {}", self.month_name(month), year))
    }

    /// Writes the ASCII digits of `text` in the site's digits.
    pub(crate) fn number(&self, text: &str) -> String {
        match self.digits {
            Digits::Western => text.to_string(),
            Digits::ArabicIndic => text
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) if c.is_ascii_digit() => char::from_u32('٠' as u32 + d).unwrap_or(c),
                    _ => c,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn levantine_by_default() {
        let format = DateFormat {
            style: DateStyle::Levantine,
            digits: Digits::Western,
        };
        assert_eq!(
            format.day(&date("2020-11-09T10:00:00+03:00")),
            "9 تشرين الثاني/نوفمبر 2020"
        );
        assert_eq!(format.month(2022, 12), "كانون الأول/ديسمبر 2022");
    }

    #[test]
    fn gregorian_with_arabic_indic_digits() {
        let format = DateFormat {
            style: DateStyle::Gregorian,
            digits: Digits::ArabicIndic,
        };
        assert_eq!(format.day(&date("2022-12-29T00:00:00+00:00")), "٢٩ ديسمبر ٢٠٢٢");
    }

    #[test]
    fn date_as_written_not_utc() {
        let format = DateFormat {
            style: DateStyle::Levantine,
            digits: Digits::Western,
        };
        // 01:00 in Moscow is still 31 December in UTC; the reader's date is the written one.
        assert_eq!(
            format.day(&date("2023-01-01T01:00:00+03:00")),
            "1 كانون الثاني/يناير 2023"
        );
    }
}
