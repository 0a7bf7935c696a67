//! Problems found in an archive: one type shared by `build` (which stops on
//! errors), `check` (which lists them) and the warnings a build prints.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is: errors stop a build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
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

/// Every `kind` a [`Diagnostic`] can have, with what it means. These strings
/// are stable: CI scripts match on them and `arshif check --allow` takes them.
pub const KINDS: &[(&str, &str)] = &[
    (
        "config",
        "site.yaml is invalid (syntax, unknown key, wrong type, bad topic rule)",
    ),
    ("unreadable", "a file or folder cannot be read"),
    (
        "symlink-outside",
        "a symbolic link in content/ leads out of it (skipped)",
    ),
    ("file-name", "a file name is not valid UTF-8 (skipped)"),
    ("encoding", "a file is not UTF-8, or needed converting"),
    ("empty", "a text article has no headline"),
    (
        "front-matter",
        "a Markdown article's front matter is missing or invalid",
    ),
    ("slug", "no URL can be made for an article"),
    ("undated", "an article has no date"),
    ("duplicate-url", "two articles (or pages) would be written to one URL"),
    (
        "alias",
        "an alias leaves the site, or takes the address of another page or alias",
    ),
    (
        "broken-link",
        "a Markdown link names an article that is not in content/",
    ),
    ("unresolved-read-also", "a read-also reference matches no article"),
    ("unknown-topic", "front matter names a topic site.yaml does not define"),
    (
        "topic-borderline",
        "a topic rule matches an article far from the topic's profile: held back from the topic page",
    ),
    (
        "unmapped-section",
        "an article's `category` is not in `sections:` of site.yaml (its page is named by the key)",
    ),
    ("template", "a template does not compile or fails to render"),
    ("title", "a headline is empty once control characters are removed"),
    ("url", "`url:` is not an absolute http(s) address (not linked)"),
    ("changed", "a file kept changing while the build read it"),
    ("vanished", "a file disappeared between discovery and reading (skipped)"),
    ("not-a-file", "a pipe, device or socket in content/ (skipped)"),
    (
        "cache",
        "the build cache was damaged or from another version (not used; everything rebuilt)",
    ),
];

/// Whether `kind` is one of [`KINDS`].
pub fn is_known_kind(kind: &str) -> bool {
    KINDS.iter().any(|(k, _)| *k == kind)
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

    /// Every kind written in the sources (the third argument of
    /// `Diagnostic::error` / `Diagnostic::warning`) is listed in [`KINDS`].
    #[test]
    fn every_kind_in_the_sources_is_listed() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") || entry.path().ends_with("diagnostic.rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for call in ["Diagnostic::error(", "Diagnostic::warning("] {
                for (start, _) in text.match_indices(call) {
                    let args = call_arguments(&text[start + call.len()..]);
                    if let Some(kind) = args.get(2) {
                        found.push((entry.path().display().to_string(), kind.trim().to_string()));
                    }
                }
            }
        }
        assert!(found.len() > 10, "the scan found too few calls: {found:?}");
        for (file, kind) in found {
            let kind = kind.trim_matches('"');
            assert!(is_known_kind(kind), "{file}: kind `{kind}` is not in diagnostic::KINDS");
        }
    }

    /// The top-level comma-separated arguments of a call, up to its closing parenthesis.
    fn call_arguments(text: &str) -> Vec<&str> {
        let mut args = Vec::new();
        let (mut depth, mut start, mut in_string) = (0usize, 0usize, false);
        let mut previous = ' ';
        for (i, c) in text.char_indices() {
            match c {
                '"' if previous != '\\' => in_string = !in_string,
                _ if in_string => {}
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    args.push(&text[start..i]);
                    break;
                }
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
            previous = c;
        }
        args
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
