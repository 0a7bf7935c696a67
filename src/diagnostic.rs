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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(line) => write!(f, "{}:{}: {}: {}", self.file.display(), line, label, self.message),
            None => write!(f, "{}: {}: {}", self.file.display(), label, self.message),
        }
    }
}

/// Turns a serde_yaml error into a message and a line, shifting the line by
/// `line_offset` (front matter starts below the opening `---`).
pub fn yaml_error_parts(err: &serde_yaml::Error, line_offset: usize) -> (String, Option<usize>) {
    let text = err.to_string();
    // serde_yaml appends " at line L column C"; we print the line ourselves.
    let message = match text.rfind(" at line ") {
        Some(pos) => text[..pos].to_string(),
        None => text,
    };
    let line = err.location().map(|loc| loc.line() + line_offset);
    (message, line)
}
