//! Where a build may write: output folders that would swallow the
//! sources are refused, so is a folder someone else's files are in, and
//! what a killed build left beside its output is put right. The locks that
//! keep two builds of one output (or one cache) apart live here too.

use super::{remove_if_exists, sibling_paths};
use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// The file every output folder holds, telling later builds (and people)
/// that arshif wrote the folder and may replace what is in it.
pub(crate) const OUTPUT_MARKER: &str = ".arshif-output";

/// What [`OUTPUT_MARKER`] says.
pub(crate) const OUTPUT_MARKER_TEXT: &str = "This folder is written by arshif: every build replaces its files.\n\
Put files of your own in the site's static/ folder instead.\n";

/// Refuses an output folder that would swallow the sources: the site root
/// itself, or a folder that holds or is one of `protected`.
pub(crate) fn check_output_location(output: &Path, protected: &[PathBuf]) -> Result<()> {
    let absolute = absolute(output);
    if absolute.file_name().is_none() {
        return Err(Error::Refused(format!(
            "output folder {} has no name",
            output.display()
        )));
    }
    for path in protected {
        let protected = absolute_existing(path);
        if protected.starts_with(&absolute) {
            return Err(Error::Refused(format!(
                "output folder {} would replace {}: choose another --output",
                output.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// Refuses to build into a folder that exists, is not empty and was not
/// written by arshif (it has no [`OUTPUT_MARKER`], and the cache does not
/// name it, as for an output of a version before the marker): a build
/// replaces every file of its output, and those files are someone's.
/// `force` allows it.
pub(crate) fn claim_output(output: &Path, known: bool, force: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(output) {
        Ok(meta) => meta,
        Err(_) => return Ok(()),
    };
    if !meta.is_dir() {
        return Err(Error::Refused(format!(
            "{} exists and is not a folder; move it away or choose another --output",
            output.display()
        )));
    }
    if known || force || output.join(OUTPUT_MARKER).is_file() || built_before_the_marker(output) {
        return Ok(());
    }
    let mut listing = std::fs::read_dir(output).map_err(|err| Error::io(output, err))?;
    if listing.next().is_none() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "{} is not empty and was not written by arshif (it has no {OUTPUT_MARKER} file): a build \
         would replace its files. Choose another --output, or pass --force to let the build replace \
         what is in it",
        output.display()
    )))
}

/// True for an output of a version before the marker: its home page names
/// arshif as its generator (the default theme's `<meta name="generator">`).
fn built_before_the_marker(output: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4096];
    let read = std::fs::File::open(output.join("index.html")).and_then(|mut file| file.read(&mut head));
    read.is_ok_and(|n| {
        let needle = b"<meta name=\"generator\" content=\"arshif";
        head[..n].windows(needle.len()).any(|w| w == needle)
    })
}

/// Puts right what a killed build left beside `output`: a staging folder
/// is removed; a previous output whose swap was cut short (the output
/// renamed away, the new one not yet in place) is put back.
pub(crate) fn recover_leftovers(output: &Path) -> Result<()> {
    let (staging, previous) = sibling_paths(output);
    remove_if_exists(&staging)?;
    if previous.is_dir() && std::fs::symlink_metadata(output).is_err() {
        return std::fs::rename(&previous, output).map_err(|err| Error::io(output, err));
    }
    remove_if_exists(&previous)
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve what exists (symlinks, ..), keep the rest lexically.
    let mut resolved = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    match (resolved.parent(), resolved.file_name()) {
        (Some(parent), Some(name)) => parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(name),
        _ => resolved,
    }
}

fn absolute_existing(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| absolute(path))
}

/// The absolute form of an output path, as manifests record it.
pub(crate) fn absolute_output(output: &Path) -> PathBuf {
    absolute(output)
}

/// An exclusive lock on a file, held while it lives; see [`lock_output`].
pub(crate) struct Lock {
    _file: std::fs::File,
}

/// Takes an exclusive lock on the file `path` (created if missing),
/// waiting while another process holds it; `waiting` is called once if so.
pub(crate) fn lock_file(path: &Path, waiting: impl FnOnce(&Path)) -> Result<Lock> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|err| Error::io(path, err))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting(path);
            file.lock().map_err(|err| Error::io(path, err))?;
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(Error::io(path, err)),
    }
    Ok(Lock { _file: file })
}

/// Takes the output folder's lock (`.NAME.arshif-lock` beside it),
/// waiting for a build that holds it; `waiting` is called once if so.
pub(crate) fn lock_output(output: &Path, waiting: impl FnOnce(&Path)) -> Result<Lock> {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    lock_file(&parent.join(format!(".{name}.arshif-lock")), waiting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::sibling_paths;

    #[test]
    fn output_may_not_swallow_sources() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        assert!(check_output_location(dir.path(), std::slice::from_ref(&content)).is_err());
        assert!(check_output_location(&content, std::slice::from_ref(&content)).is_err());
        assert!(check_output_location(&dir.path().join("public"), &[content]).is_ok());
    }

    #[test]
    fn a_folder_arshif_did_not_write_is_claimed_only_when_empty_or_forced() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("documents");
        assert!(
            claim_output(&folder, false, false).is_ok(),
            "a folder that does not exist"
        );
        std::fs::create_dir(&folder).unwrap();
        assert!(claim_output(&folder, false, false).is_ok(), "an empty folder");
        std::fs::write(folder.join("letter.txt"), "x").unwrap();
        let refused = claim_output(&folder, false, false).unwrap_err().to_string();
        assert!(refused.contains("--force"), "{refused}");
        assert!(claim_output(&folder, false, true).is_ok(), "--force");
        assert!(claim_output(&folder, true, false).is_ok(), "named by the cache");
        // An output of an earlier version, without the marker.
        std::fs::write(
            folder.join("index.html"),
            "<!doctype html><html><head><meta name=\"generator\" content=\"arshif\">",
        )
        .unwrap();
        assert!(
            claim_output(&folder, false, false).is_ok(),
            "an earlier version's output"
        );
        std::fs::write(folder.join("index.html"), "<!doctype html><p>someone's page</p>").unwrap();
        assert!(claim_output(&folder, false, false).is_err(), "someone's home page");
        std::fs::write(folder.join(OUTPUT_MARKER), OUTPUT_MARKER_TEXT).unwrap();
        assert!(claim_output(&folder, false, false).is_ok(), "marked");
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(
            claim_output(&file, false, true).is_err(),
            "a file is never an output folder"
        );
    }

    #[test]
    fn a_swap_cut_short_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let (staging, previous) = sibling_paths(&output);
        std::fs::create_dir(&previous).unwrap();
        std::fs::write(previous.join("index.html"), "old").unwrap();
        std::fs::create_dir(&staging).unwrap();
        recover_leftovers(&output).unwrap();
        assert_eq!(std::fs::read_to_string(output.join("index.html")).unwrap(), "old");
        assert!(!staging.exists() && !previous.exists());
    }
}
