//! What an import did, by reason, and where each problem was.

use std::collections::BTreeMap;
use std::fmt;

/// A reason an export entry was counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Count {
    /// A new file was written.
    Written,
    /// A file import had written before was replaced (`--update`).
    Updated,
    /// The file already holds exactly this article: left alone.
    Unchanged,
    /// The article changed in the export; the file was kept (no `--update`).
    ChangedKept,
    /// The file was edited by hand after import: kept (no `--force`).
    EditedKept,
    /// A file not written by import is at that path: kept (no `--force`).
    ExistingKept,
    /// A file was overwritten because of `--force`.
    Forced,
    /// The same file as an earlier entry of this export.
    Duplicate,
    /// Written as `draft: true` (WordPress draft, pending, future).
    Draft,
    /// Written without a date.
    Undated,
    /// An entry that could not be read at all.
    Unreadable,
    /// A file could not be written.
    WriteFailed,
    /// WordPress private post: skipped.
    SkippedPrivate,
    /// WordPress trashed post: skipped.
    SkippedTrash,
    /// WordPress page: skipped.
    SkippedPage,
    /// WordPress menu item: skipped.
    SkippedMenuItem,
    /// WordPress attachment: used for photos, not an article.
    Attachment,
    /// Another WordPress post type (revision, custom types…): skipped.
    SkippedOtherType,
    /// A comment: skipped.
    SkippedComment,
    /// A photo copied into `static/uploads/`.
    PhotoCopied,
    /// A photo left at its remote address.
    PhotoRemote,
    /// An unknown shortcode removed.
    ShortcodeRemoved,
    /// An alias (redirect page) written for an old address.
    Alias,
    /// A `?p=ID` address put into the redirect rules.
    QueryRedirect,
    /// A warning about a value (kept going).
    Warning,
}

impl Count {
    /// How the count is named in the closing summary.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Count::Written => "written",
            Count::Updated => "updated",
            Count::Unchanged => "unchanged",
            Count::ChangedKept => "changed in the export, kept (use --update)",
            Count::EditedKept => "edited by hand, kept (use --force)",
            Count::ExistingKept => "not written by import, kept (use --force)",
            Count::Forced => "overwritten (--force)",
            Count::Duplicate => "skipped as duplicate",
            Count::Draft => "drafts",
            Count::Undated => "undated",
            Count::Unreadable => "skipped as unreadable",
            Count::WriteFailed => "could not be written",
            Count::SkippedPrivate => "skipped as private",
            Count::SkippedTrash => "skipped as trashed",
            Count::SkippedPage => "skipped as page",
            Count::SkippedMenuItem => "skipped as menu item",
            Count::Attachment => "attachments (photos)",
            Count::SkippedOtherType => "skipped as other post type",
            Count::SkippedComment => "comments skipped",
            Count::PhotoCopied => "photos copied",
            Count::PhotoRemote => "remote photos",
            Count::ShortcodeRemoved => "removed shortcodes",
            Count::Alias => "old addresses kept as aliases",
            Count::QueryRedirect => "?p= addresses in redirect rules",
            Count::Warning => "warnings",
        }
    }
}

/// Where in the export something was.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Location {
    /// A line of a JSON-lines export (1-based).
    Line(usize),
    /// A WordPress post id.
    Post(u64),
    /// The export as a whole.
    Export,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "{line}"),
            Location::Post(id) => write!(f, "post {id}"),
            Location::Export => write!(f, "export"),
        }
    }
}

/// One thing the user should look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where it was.
    pub location: Location,
    /// Which count it is part of.
    pub count: Count,
    /// What happened.
    pub message: String,
}

/// The closing summary of an import.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// How many of each.
    pub counts: BTreeMap<Count, usize>,
    /// Every problem, in export order.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Counts one more of `count`.
    pub(crate) fn add(&mut self, count: Count) {
        self.add_n(count, 1);
    }

    /// Counts `n` more of `count`.
    pub(crate) fn add_n(&mut self, count: Count, n: usize) {
        if n > 0 {
            *self.counts.entry(count).or_default() += n;
        }
    }

    /// Counts `count` and records where and why.
    pub(crate) fn problem(&mut self, location: Location, count: Count, message: impl Into<String>) {
        self.add(count);
        self.problems.push(Problem {
            location,
            count,
            message: message.into(),
        });
    }

    /// How many of `count`.
    pub(crate) fn get(&self, count: Count) -> usize {
        self.counts.get(&count).copied().unwrap_or(0)
    }

    /// The summary lines, `label: n`, in a fixed order.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.counts
            .iter()
            .map(|(count, n)| format!("  {}: {n}", count.label()))
            .collect()
    }
}
