//! Turning a file's bytes into text. Accepted: UTF-8 with or without a byte
//! order mark, UTF-16 (LE or BE) with a byte order mark, and the legacy
//! Arabic encoding Windows-1256 (with a note asking for UTF-8). Anything
//! else is refused with a reason. Line endings become `\n`, and control
//! characters that have no place in an article are removed.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1256};

/// What decoding found: the text, and a note when it was not plain UTF-8.
#[derive(Debug)]
pub struct Decoded {
    /// The text with `\n` line endings only.
    pub text: String,
    /// Set when the bytes needed converting (a legacy encoding) or cleaning
    /// (control characters removed); becomes a warning naming the file.
    pub note: Option<String>,
}

/// The note given for a file read as Windows-1256.
pub const WINDOWS_1256_NOTE: &str = "decoded as Windows-1256; save it as UTF-8";

/// Decodes a file's bytes. Errors say what the bytes were not, and how to
/// fix it. UTF-8 input is reused in place, not copied.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, String> {
    let (mut text, note) = to_text(bytes)?;
    if text.starts_with('\u{feff}') {
        text = text.trim_start_matches('\u{feff}').to_string();
    }
    if let Some(at) = text.find('\0') {
        return Err(format!(
            "the file holds a NUL character (line {}): it is not a text file",
            line_of(&text, at)
        ));
    }
    let text = unify_line_endings(text);
    let (text, removed) = remove_control_characters(text);
    let mut notes: Vec<String> = note.into_iter().collect();
    if let Some((count, line)) = removed {
        notes.push(format!(
            "removed {count} control character{} (the first on line {line})",
            if count == 1 { "" } else { "s" }
        ));
    }
    Ok(Decoded {
        text,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// The bytes as text, by byte order mark, UTF-8 validity or the Windows-1256 test.
fn to_text(bytes: Vec<u8>) -> Result<(String, Option<String>), String> {
    if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Err("the file is UTF-32, which arshif does not read; save it as UTF-8".to_string());
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        let mut bytes = bytes;
        bytes.drain(..3);
        return match String::from_utf8(bytes) {
            Ok(text) => Ok((text, None)),
            Err(err) => Err(invalid_utf8(err.utf8_error().valid_up_to() + 3)),
        };
    }
    for (bom, encoding) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return decode_strictly(encoding, rest).map(|text| (text, None)).ok_or_else(|| {
                format!(
                    "the file starts with a {} byte order mark but is not valid {0} \
                     (odd length or unpaired surrogate); save it as UTF-8",
                    encoding.name()
                )
            });
        }
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, None)),
        Err(err) => err.into_bytes(),
    };
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "the file holds NUL bytes (the first at offset {at}): it is binary, or UTF-16 \
             without a byte order mark; save it as UTF-8"
        ));
    }
    let profile = Utf8Profile::of(&bytes);
    if profile.looks_like_broken_utf8() {
        return Err(invalid_utf8(profile.first_invalid));
    }
    match decode_strictly(WINDOWS_1256, &bytes) {
        Some(text) if looks_like_arabic(&text) => Ok((text, Some(WINDOWS_1256_NOTE.to_string()))),
        _ => Err(format!(
            "the file is not text in an encoding arshif reads: not UTF-8 (invalid byte at offset {}), \
             not UTF-16 (no byte order mark), not Windows-1256 Arabic; save it as UTF-8",
            profile.first_invalid
        )),
    }
}

fn invalid_utf8(offset: usize) -> String {
    format!("the file is not valid UTF-8 (invalid byte at offset {offset}); save it as UTF-8")
}

fn decode_strictly(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// How much of a byte string is well-formed UTF-8 beyond ASCII.
struct Utf8Profile {
    /// Well-formed multi-byte sequences.
    valid: usize,
    /// Ill-formed sequences.
    invalid: usize,
    /// Offset of the first ill-formed byte.
    first_invalid: usize,
}

impl Utf8Profile {
    fn of(bytes: &[u8]) -> Utf8Profile {
        let mut profile = Utf8Profile {
            valid: 0,
            invalid: 0,
            first_invalid: bytes.len(),
        };
        let mut offset = 0;
        for chunk in bytes.utf8_chunks() {
            profile.valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            offset += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                profile.first_invalid = profile.first_invalid.min(offset);
                profile.invalid += 1;
            }
            offset += chunk.invalid().len();
        }
        profile
    }

    /// UTF-8 with a few damaged bytes (a cut-off last character, a bad
    /// copy) rather than a legacy encoding: in Windows-1256 Arabic text,
    /// nearly every letter byte is ill-formed UTF-8.
    fn looks_like_broken_utf8(&self) -> bool {
        self.valid > self.invalid
    }
}

/// Whether text decoded as Windows-1256 reads as Arabic: some Arabic
/// letters, no control characters beyond line breaks and tabs, and at
/// least four Arabic-block characters for every other non-ASCII one
/// (typographic quotes and dashes, common in Arabic text, do not count).
/// Random bytes land in the Arabic block about half the time.
fn looks_like_arabic(text: &str) -> bool {
    let mut letters = 0usize;
    let mut arabic = 0usize;
    let mut foreign = 0usize;
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1a}' => {}
            c if c.is_ascii_control() => foreign += 1,
            c if c.is_ascii() => {}
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => {
                letters += 1;
                arabic += 1;
            }
            '\u{0600}'..='\u{06FF}' | '\u{200C}'..='\u{200F}' => arabic += 1,
            '«' | '»' | '“' | '”' | '‘' | '’' | '–' | '—' | '…' | '•' | '·' | '×' | '÷' | '\u{a0}' =>
                {}
            _ => foreign += 1,
        }
    }
    letters > 0 && arabic >= 4 * foreign
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether a character is a control character that has no place in an
/// article (and would make feeds invalid XML): C0 controls other than tab
/// and line breaks, DEL, and the noncharacters U+FFFE and U+FFFF.
fn is_unwanted_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{fffe}' | '\u{ffff}')
}

/// Removes unwanted control characters (vertical tab and form feed, which
/// old word processors use as breaks, become spaces). Returns how many were
/// changed and the line of the first.
fn remove_control_characters(text: String) -> (String, Option<(usize, usize)>) {
    let Some(first) = text.find(is_unwanted_control) else {
        return (text, None);
    };
    let line = line_of(&text, first);
    let mut count = 0;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !is_unwanted_control(c) {
            out.push(c);
            continue;
        }
        count += 1;
        if matches!(c, '\u{b}' | '\u{c}') {
            out.push(' ');
        }
    }
    (out, Some((count, line)))
}

/// Replaces CRLF and lone CR with LF; leaves the string alone when it has none.
pub(crate) fn unify_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows_1256(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = WINDOWS_1256.encode(text);
        assert!(!unmappable, "{text} is not all Windows-1256");
        bytes.into_owned()
    }

    #[test]
    fn strips_bom_and_crlf() {
        let decoded = decode(b"\xEF\xBB\xBFa\r\nb\rc\n".to_vec()).unwrap();
        assert_eq!(decoded.text, "a\nb\nc\n");
        assert!(decoded.note.is_none());
        let twice = decode(b"\xEF\xBB\xBF\xEF\xBB\xBF---\n".to_vec()).unwrap();
        assert_eq!(twice.text, "---\n");
    }

    #[test]
    fn utf16_with_bom() {
        let text = "---\ntitle: عنوان\n---\nنص\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [le, be] {
            let decoded = decode(bytes).unwrap();
            assert_eq!(decoded.text, "---\ntitle: عنوان\n---\nنص\n");
            assert!(decoded.note.is_none());
        }
        let err = decode(vec![0xFF, 0xFE, 0x41]).unwrap_err();
        assert!(err.contains("not valid UTF-16LE"), "{err}");
        let err = decode(vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err();
        assert!(err.contains("unpaired surrogate"), "{err}");
    }

    #[test]
    fn windows_1256_is_decoded_with_a_note() {
        let text =
            "---\ntitle: «محادثات» بين بوتين وشي، اليوم\n---\nقال الكرملين إن المحادثات — المغلقة — ستُعقد غداً.\n";
        let decoded = decode(windows_1256(text)).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.note.as_deref(), Some(WINDOWS_1256_NOTE));
        // One short word is enough.
        assert_eq!(decode(windows_1256("سلام")).unwrap().text, "سلام");
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let err = decode(vec![b'a', 0xff, 0xfe, 0x01]).unwrap_err();
        assert!(err.contains("offset 1"), "{err}");
        // UTF-8 Arabic cut off in the middle of its last letter stays UTF-8.
        let mut cut = "عنوان المقال\n".repeat(3).into_bytes();
        let offset = cut.len();
        cut.push(0xD8);
        let err = decode(cut).unwrap_err();
        let expected = format!("the file is not valid UTF-8 (invalid byte at offset {offset})");
        assert!(err.starts_with(&expected), "{err}");
        // Latin-1 accented text is not Arabic.
        let err = decode(b"caf\xe9 cr\xe8me br\xfbl\xe9e".to_vec()).unwrap_err();
        assert!(err.contains("not Windows-1256 Arabic"), "{err}");
    }

    #[test]
    fn binary_is_refused() {
        let err = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec()).unwrap_err();
        assert!(err.contains("NUL bytes (the first at offset 8)"), "{err}");
        let err = decode(b"title\n\0".to_vec()).unwrap_err();
        assert!(err.contains("NUL character (line 2)"), "{err}");
        let err = decode(vec![0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]).unwrap_err();
        assert!(err.contains("UTF-32"), "{err}");
    }

    #[test]
    fn random_high_bytes_are_not_arabic() {
        // Every byte from 0x80 to 0xFF once: what random data looks like.
        let all: Vec<u8> = (0x80..=0xFF).collect();
        let text = decode_strictly(WINDOWS_1256, &all).unwrap();
        assert!(!looks_like_arabic(&text));
    }

    #[test]
    fn control_characters_are_removed_with_a_note() {
        let decoded = decode(b"a\x01b\nc\x0bd\x1a".to_vec()).unwrap();
        assert_eq!(decoded.text, "ab\nc d");
        assert_eq!(
            decoded.note.as_deref(),
            Some("removed 3 control characters (the first on line 1)")
        );
    }
}
