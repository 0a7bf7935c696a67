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
    /// What kind of problem it is, with the values tools need (a link's
    /// target, a front matter key), so that nothing has to parse `message`.
    pub kind: Kind,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
}

/// Declares [`Kind`], its stable names and what each means, from one list,
/// so that a kind cannot be added without a name and a meaning.
macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident $({ $($(#[$field_doc:meta])* $field:ident : $ty:ty),* $(,)? })? => $name:literal, $meaning:literal; )*) => {
        /// The kind of a [`Diagnostic`]. Each has a stable name (see
        /// [`Kind::name`]) that CI scripts match on and `arshif check
        /// --allow` takes; some carry the values the problem is about.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
        pub enum Kind {
            $( $(#[$doc])* $variant $({ $($(#[$field_doc])* $field: $ty),* })?, )*
        }

        impl Kind {
            /// The stable name: `front-matter`, `broken-link`, …
            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $( Kind::$variant { .. } => $name, )*
                }
            }
        }

        /// Every kind's name with what it means, in the order `check --help` lists them.
        pub(crate) const KINDS: &[(&str, &str)] = &[ $( ($name, $meaning), )* ];
    };
}

kinds! {
    /// site.yaml is invalid.
    Config => "config", "site.yaml is invalid (syntax, unknown key, wrong type, bad topic rule)";
    /// A file or folder cannot be read.
    Unreadable => "unreadable", "a file or folder cannot be read";
    /// A symbolic link leads out of content/.
    SymlinkOutside => "symlink-outside", "a symbolic link in content/ leads out of it (skipped)";
    /// A file name that is not UTF-8.
    FileName => "file-name", "a file name is not valid UTF-8 (skipped)";
    /// A file that is not UTF-8.
    Encoding => "encoding", "a file is not UTF-8, or needed converting";
    /// A text article without a headline.
    Empty => "empty", "a text article has no headline";
    /// Front matter missing or invalid.
    FrontMatter => "front-matter", "a Markdown article's front matter is missing or invalid";
    /// No URL can be made.
    Slug => "slug", "no URL can be made for an article";
    /// An article without a date.
    Undated => "undated", "an article has no date";
    /// Two pages for one URL.
    DuplicateUrl => "duplicate-url", "two articles (or pages) would be written to one URL";
    /// A bad alias.
    Alias => "alias", "an alias leaves the site, or takes the address of another page or alias";
    /// A Markdown link to an article that does not exist.
    BrokenLink {
        /// The link's destination as written.
        target: String,
    } => "broken-link", "a Markdown link names an article that is not in content/";
    /// A read-also reference that matches no article.
    UnresolvedReadAlso => "unresolved-read-also", "a read-also reference matches no article";
    /// Front matter names a topic site.yaml lacks.
    UnknownTopic {
        /// The front matter key: `topics` or `topics_exclude`.
        key: String,
        /// The slug it names.
        slug: String,
    } => "unknown-topic", "front matter names a topic site.yaml does not define";
    /// A rule match held back from a topic page.
    TopicBorderline => "topic-borderline", "a topic rule matches an article far from the topic's profile: held back from the topic page";
    /// A category without a section.
    UnmappedSection => "unmapped-section", "an article's `category` is not in `sections:` of site.yaml (its page is named by the key)";
    /// A template error.
    Template => "template", "a template does not compile or fails to render";
    /// A headline empty once cleaned.
    Title => "title", "a headline is empty once control characters are removed";
    /// A `url:` that is not http(s).
    Url => "url", "`url:` is not an absolute http(s) address (not linked)";
    /// A file that changed while being read.
    Changed => "changed", "a file kept changing while the build read it";
    /// A file that disappeared.
    Vanished => "vanished", "a file disappeared between discovery and reading (skipped)";
    /// A special file in content/.
    NotAFile => "not-a-file", "a pipe, device or socket in content/ (skipped)";
    /// A photo an article names is not there.
    MissingPhoto => "missing-photo", "an article's photo (`image:`, or a Markdown image) is not where it says";
    /// A photo that cannot be used.
    BadPhoto => "bad-photo", "a photo is corrupt, cut short, or not a JPEG, PNG, GIF, WebP or SVG";
    /// A photo over the pixel limit.
    PhotoTooLarge => "photo-too-large", "a photo declares more pixels than `image_max_pixels` allows (refused before decoding)";
    /// The cache could not be used.
    Cache => "cache", "the build cache was damaged or from another version (not used; everything rebuilt)";
}

impl Diagnostic {
    /// An error in `file`.
    pub(crate) fn error(file: &Path, line: Option<usize>, kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            kind,
            message: message.into(),
        }
    }

    /// A warning about `file`.
    pub(crate) fn warning(file: &Path, line: Option<usize>, kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, kind, message)
        }
    }

    /// True for errors, false for warnings.
    pub(crate) fn is_error(&self) -> bool {
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
pub(crate) fn yaml_error_parts(err: &serde_yaml::Error, line_offset: usize) -> (String, Option<usize>) {
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
    fn every_kind_has_a_distinct_name_and_a_meaning() {
        let mut names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
        assert!(KINDS
            .iter()
            .all(|(name, meaning)| !name.is_empty() && !meaning.is_empty()));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        let target = Kind::BrokenLink { target: "x.md".into() };
        assert_eq!(target.name(), "broken-link");
        assert!(KINDS.iter().any(|(name, _)| *name == target.name()));
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let d = Diagnostic::warning(
            Path::new("content/a\nb\u{1b}[31m.md"),
            Some(2),
            Kind::Empty,
            "`t\u{202e}`",
        );
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
