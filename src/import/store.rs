//! Writing an article file so that re-running an import is safe: an
//! unchanged file is not touched, a changed one replaced only when asked,
//! and a hand edit never lost without `--force`.

use super::front_matter::{provenance, Provenance};
use std::path::Path;

/// What to do with a file that is already there.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Policy {
    /// Replace files import wrote and nobody edited (`--update`).
    pub update: bool,
    /// Replace any file (`--force`).
    pub force: bool,
    /// Decide, but write nothing (`--dry-run`).
    pub dry_run: bool,
}

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No file was there: written.
    Written,
    /// Import's own untouched file, replaced with the new text.
    Updated,
    /// The file already holds exactly this text: not touched (its time stays).
    Unchanged,
    /// Import's own file, changed in the export: kept, `--update` replaces it.
    ChangedKept,
    /// Edited by hand after import: kept, `--force` replaces it.
    EditedKept,
    /// Not written by import: kept, `--force` replaces it.
    ExistingKept,
    /// Replaced because of `--force`.
    Forced,
}

/// Puts `text` at `path` as the policy allows.
pub(crate) fn store(path: &Path, text: &str, policy: Policy) -> std::io::Result<Outcome> {
    let existing = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    let outcome = match &existing {
        None => Outcome::Written,
        Some(bytes) if bytes == text.as_bytes() => return Ok(Outcome::Unchanged),
        Some(bytes) => {
            let who = std::str::from_utf8(bytes).map_or(Provenance::NotImported, provenance);
            match who {
                _ if policy.force => Outcome::Forced,
                Provenance::Imported if policy.update => Outcome::Updated,
                Provenance::Imported => return Ok(Outcome::ChangedKept),
                Provenance::EditedByHand => return Ok(Outcome::EditedKept),
                Provenance::NotImported => return Ok(Outcome::ExistingKept),
            }
        }
    };
    if !policy.dry_run {
        write_atomically(path, text.as_bytes())?;
    }
    Ok(outcome)
}

/// Writes beside the file and renames, so an interrupted import never leaves half an article.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".arshif-import-tmp");
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::article::Article;
    use crate::import::front_matter::render;

    #[test]
    fn re_import_keeps_what_it_must() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("2016/a.md");
        let article = |body: &str| {
            render(&Article {
                title: "عنوان".into(),
                slug: "a".into(),
                body: body.into(),
                ..Article::default()
            })
            .expect("render")
        };
        let keep = Policy::default();
        assert_eq!(store(&path, &article("أ"), keep).expect("store"), Outcome::Written);
        assert_eq!(store(&path, &article("أ"), keep).expect("store"), Outcome::Unchanged);
        assert_eq!(store(&path, &article("ب"), keep).expect("store"), Outcome::ChangedKept);
        let update = Policy { update: true, ..keep };
        assert_eq!(store(&path, &article("ب"), update).expect("store"), Outcome::Updated);
        std::fs::write(&path, article("ب").replace("ب", "تعديل")).expect("edit");
        assert_eq!(store(&path, &article("ج"), update).expect("store"), Outcome::EditedKept);
        let force = Policy { force: true, ..keep };
        assert_eq!(store(&path, &article("ج"), force).expect("store"), Outcome::Forced);
        std::fs::write(&path, "يدوي").expect("hand");
        assert_eq!(
            store(&path, &article("ج"), update).expect("store"),
            Outcome::ExistingKept
        );
        let dry = Policy {
            force: true,
            dry_run: true,
            ..keep
        };
        assert_eq!(store(&path, &article("د"), dry).expect("store"), Outcome::Forced);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "يدوي");
    }
}
