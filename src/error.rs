//! Errors of the library part: what can stop a build.

use crate::diagnostic::Diagnostic;
use std::path::PathBuf;

/// Why a build (or a check) could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The archive has problems; every one found is listed, not only the first.
    #[error("{}", list_problems(.0))]
    Invalid(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{}: {error}", .path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said (in the message, so not also a
        /// `source`: a report of the chain would say it twice).
        error: std::io::Error,
    },
    /// A template failed to parse or to render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's file name.
        name: String,
        /// Tera's message with its causes.
        message: String,
    },
    /// The build cannot go ahead for a reason that belongs to no file
    /// (another build holds the lock, the output folder is unsafe, …).
    #[error("{0}")]
    Refused(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }
}

fn list_problems(problems: &[Diagnostic]) -> String {
    let errors = problems.iter().filter(|d| d.is_error()).count();
    let mut text = format!(
        "the archive has {} error{}:",
        errors,
        if errors == 1 { "" } else { "s" }
    );
    for problem in problems.iter().filter(|d| d.is_error()) {
        text.push_str("\n  ");
        text.push_str(&problem.to_string());
    }
    text
}

/// Result type of the library.
pub(crate) type Result<T> = std::result::Result<T, Error>;
