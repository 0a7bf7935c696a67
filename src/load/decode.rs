//! Turning a file's bytes into text: BOM removed, line endings unified.

/// What decoding found: the text, and a note when it was not plain UTF-8.
pub struct Decoded {
    /// The text with `\n` line endings only.
    pub text: String,
    /// Set when the bytes needed converting (e.g. a legacy encoding).
    pub note: Option<String>,
}

/// Decodes a file's bytes. Errors say what the bytes were not.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let text = String::from_utf8(bytes).map_err(|err| {
        format!(
            "the file is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
            err.utf8_error().valid_up_to()
        )
    })?;
    Ok(Decoded {
        text: unify_line_endings(text),
        note: None,
    })
}

/// Replaces CRLF and lone CR with LF; leaves the string alone when it has none.
pub fn unify_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_crlf() {
        let decoded = decode(b"\xEF\xBB\xBFa\r\nb\rc\n".to_vec()).unwrap();
        assert_eq!(decoded.text, "a\nb\nc\n");
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let err = decode(vec![b'a', 0xff, 0xfe, 0x00]).err().unwrap();
        assert!(err.contains("offset 1"), "{err}");
    }
}
