//! Problems found in an archive: one type shared by `build` (which stops on
//! errors), `check` (which lists them) and the warnings a build prints.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is: errors stop a build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build cannot produce a correct site.
    Error,
    /// The site is built, but something deserves an editor's look.
    Warning,
}

/// One problem in one file, with the line where there is one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in, as the user named the site folder.
    pub file: PathBuf,
    /// 1-based line in that file, when the problem has one.
    pub line: Option<usize>,
    /// A short stable identifier (`front-matter`, `duplicate-url`, …) for CI tools.
    pub kind: &'static str,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
}

impl Diagnostic {
    /// An error in `file`.
    pub fn error(file: &Path, line: Option<usize>, kind: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            kind,
            message: message.into(),
        }
    }

    /// A warning about `file`.
    pub fn warning(file: &Path, line: Option<usize>, kind: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, kind, message)
        }
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE: error: MESSAGE`, on one line whatever the file name or
    /// the quoted values hold: control characters (escape sequences, line
    /// breaks) and bidirectional controls are written as `\u{…}`, so that a
    /// hostile file cannot forge lines or recolour the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = self.file.display().to_string();
        let file = printable(&file);
        let message = printable(&self.message);
        match self.line {
            Some(line) => write!(f, "{file}:{line}: {label}: {message}"),
            None => write!(f, "{file}: {label}: {message}"),
        }
    }
}

/// The text with control and bidirectional control characters escaped.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Turns a serde_yaml error into a message and a line, shifting every line
/// number by `line_offset` (front matter starts below the opening `---`),
/// so that no position in the message is relative to the YAML alone.
pub fn yaml_error_parts(err: &serde_yaml::Error, line_offset: usize) -> (String, Option<usize>) {
    let text = err.to_string();
    let line = err.location().map(|loc| loc.line() + line_offset);
    // serde_yaml ends with " at line L column C", which we print as file:LINE.
    let text = match (err.location(), text.rfind(" at line ")) {
        (Some(_), Some(pos)) if text[pos..].contains(" column ") && !text[pos..].contains(',') => &text[..pos],
        _ => text.as_str(),
    };
    (shift_line_numbers(text, line_offset), line)
}

/// Rewrites "line N" in a message to "line N+offset".
fn shift_line_numbers(text: &str, offset: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("line ") {
        out.push_str(&rest[..pos + 5]);
        rest = &rest[pos + 5..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_positions_become_file_lines() {
        let err = serde_yaml::from_str::<serde_yaml::Value>("a: 1\nb: [1\nc: 2\n").unwrap_err();
        let (message, line) = yaml_error_parts(&err, 1);
        let yaml_line = err.location().unwrap().line();
        assert_eq!(line, Some(yaml_line + 1));
        assert!(!message.contains(&format!("line {yaml_line} ")), "{message}");
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let d = Diagnostic::warning(Path::new("content/a\nb\u{1b}[31m.md"), Some(2), "x", "`t\u{202e}`");
        assert_eq!(d.to_string(), "content/a\\u{a}b\\u{1b}[31m.md:2: warning: `t\\u{202e}`");
    }

    #[test]
    fn shifts_every_line_number() {
        assert_eq!(
            shift_line_numbers("x at line 2 column 1, y at line 10", 1),
            "x at line 3 column 1, y at line 11"
        );
    }
}
