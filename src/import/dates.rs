//! Dates as exports write them, read into one form the build understands.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Which number comes first in an ambiguous `NN/NN/YYYY` date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum DateOrder {
    /// Day first (`14/07/2016`): what Arabic and European exports write.
    #[default]
    Dmy,
    /// Month first (`07/14/2016`): what US-configured CMSs write.
    Mdy,
}

/// A date read from an export: a calendar day alone, or a moment with its offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImportDate {
    /// Only a day was given: written `YYYY-MM-DD`.
    Day(NaiveDate),
    /// A moment: written in RFC 3339 with its offset.
    Moment(DateTime<FixedOffset>),
}

impl ImportDate {
    /// The calendar year, for the `{yyyy}/` folder.
    pub(crate) fn year(&self) -> i32 {
        match self {
            ImportDate::Day(day) => day.year(),
            ImportDate::Moment(moment) => moment.year(),
        }
    }

    /// The month (1–12), for the article's `/{yyyy}/{mm}/` address.
    pub(crate) fn month(&self) -> u32 {
        match self {
            ImportDate::Day(day) => day.month(),
            ImportDate::Moment(moment) => moment.month(),
        }
    }

    /// The text written as `date:` (or `updated:`): a form `load::parse_date` reads.
    pub(crate) fn to_front_matter(self) -> String {
        match self {
            ImportDate::Day(day) => day.format("%Y-%m-%d").to_string(),
            ImportDate::Moment(moment) => moment.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// Why a date could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum DateError {
    /// No known form matched.
    #[error("date `{0}` is in no form import reads (RFC 3339, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHHMMSS, DD/MM/YYYY, RFC 2822, Unix seconds)")]
    Unreadable(String),
    /// A real date, but one a site cannot file: `/-044/` or `/12345/`.
    #[error("date `{0}` is outside the years 1 to 9999")]
    OutOfRange(String),
}

/// Reads a date in any of the forms exports use. `order` settles `NN/NN/YYYY`
/// when both numbers could be a month; `31/01/2020` is read day first either way.
pub(crate) fn parse(text: &str, order: DateOrder) -> Result<ImportDate, DateError> {
    let text = text.trim();
    // Arabic exports may write `١٤/٠٧/٢٠١٦`.
    let western: String = text.chars().map(western_digit).collect();
    let date = parse_any(&western, order).ok_or_else(|| DateError::Unreadable(text.to_string()))?;
    if !(1..=9999).contains(&date.year()) {
        return Err(DateError::OutOfRange(text.to_string()));
    }
    Ok(date)
}

/// Arabic-Indic (٠–٩) and Persian (۰–۹) digits as ASCII digits.
fn western_digit(c: char) -> char {
    match c {
        '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
        '\u{6f0}'..='\u{6f9}' => char::from(b'0' + (c as u32 - 0x6f0) as u8),
        _ => c,
    }
}

fn parse_any(text: &str, order: DateOrder) -> Option<ImportDate> {
    if text.is_empty() {
        return None;
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Some(ImportDate::Moment(moment));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(ImportDate::Day(day));
    }
    // WordPress, MySQL dumps and spreadsheets write no offset: read as UTC,
    // as the build reads such dates.
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H%M%S",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Some(utc(time));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H%M%S%z"] {
        if let Ok(moment) = DateTime::parse_from_str(text, format) {
            return Some(ImportDate::Moment(moment));
        }
    }
    if let Ok(moment) = DateTime::parse_from_rfc2822(text) {
        return Some(ImportDate::Moment(moment));
    }
    if let Some(date) = slashed(text, order) {
        return Some(date);
    }
    unix_seconds(text)
}

fn utc(time: NaiveDateTime) -> ImportDate {
    ImportDate::Moment(Utc.from_utc_datetime(&time).fixed_offset())
}

/// `DD/MM/YYYY` or `MM/DD/YYYY` (also with `-` or `.`), optionally followed by `HH:MM[:SS]`.
fn slashed(text: &str, order: DateOrder) -> Option<ImportDate> {
    let (day_part, time_part) = match text.split_once([' ', 'T']) {
        Some((day, time)) => (day, Some(time.trim())),
        None => (text, None),
    };
    let separator = ['/', '-', '.'].into_iter().find(|s| day_part.contains(*s))?;
    let parts: Vec<&str> = day_part.split(separator).collect();
    let [a, b, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b, year): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, year.parse().ok()?);
    let (day, month) = match order {
        // A first number over 12 can only be a day, whatever the order says.
        DateOrder::Mdy if a <= 12 => (b, a),
        _ if a > 12 => (a, b),
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    match time_part {
        None => Some(ImportDate::Day(date)),
        Some(time) => {
            let time = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(time, "%H:%M"))
                .ok()?;
            Some(utc(date.and_time(time)))
        }
    }
}

/// Seconds since 1970 (what a database column or a feed tool writes); a
/// leading `-` is allowed, anything else that is not a digit is not this form.
fn unix_seconds(text: &str) -> Option<ImportDate> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = text.parse().ok()?;
    let moment = DateTime::from_timestamp(seconds, 0)?;
    Some(ImportDate::Moment(moment.fixed_offset()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str, order: DateOrder) -> String {
        match parse(text, order) {
            Ok(date) => date.to_front_matter(),
            Err(err) => format!("error: {err}"),
        }
    }

    #[test]
    fn every_export_form_is_read() {
        let dmy = DateOrder::Dmy;
        for (text, expected) in [
            ("2016-07-14T19:43:00+03:00", "2016-07-14T19:43:00+03:00"),
            ("2016-07-14", "2016-07-14"),
            ("2016-07-14 19:43:00", "2016-07-14T19:43:00Z"),
            ("2017-01-22T194300", "2017-01-22T19:43:00Z"),
            ("14/07/2016", "2016-07-14"),
            ("14/07/2016 08:05", "2016-07-14T08:05:00Z"),
            ("Thu, 14 Jul 2016 19:43:00 +0300", "2016-07-14T19:43:00+03:00"),
            ("1468515780", "2016-07-14T17:03:00Z"),
            ("١٤/٠٧/٢٠١٦", "2016-07-14"),
        ] {
            assert_eq!(written(text, dmy), expected, "{text}");
        }
    }

    #[test]
    fn the_order_settles_only_ambiguous_slashed_dates() {
        assert_eq!(written("03/04/2016", DateOrder::Dmy), "2016-04-03");
        assert_eq!(written("03/04/2016", DateOrder::Mdy), "2016-03-04");
        assert_eq!(written("31/01/2016", DateOrder::Mdy), "2016-01-31");
        assert!(parse("31/13/2016", DateOrder::Dmy).is_err());
    }

    #[test]
    fn years_outside_1_to_9999_are_refused() {
        assert!(matches!(
            parse("-99999999999", DateOrder::Dmy),
            Err(DateError::OutOfRange(_))
        ));
        assert!(matches!(
            parse("0000-05-01", DateOrder::Dmy),
            Err(DateError::OutOfRange(_))
        ));
        assert!(matches!(
            parse("999999999999", DateOrder::Dmy),
            Err(DateError::OutOfRange(_))
        ));
        assert!(matches!(parse("أمس", DateOrder::Dmy), Err(DateError::Unreadable(_))));
    }
}
