//! Putting a staged build in place: one atomic exchange of folders for a
//! full build, a short series of renames and removals for an incremental one.

use super::{discard_staging, remove_if_exists, sibling_paths};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a build has staged and will put in place once the cache is saved.
#[derive(Debug)]
#[must_use = "a staged build changes nothing until it is applied"]
pub(crate) enum Commit {
    /// Swap the staging folder, holding the whole site, in for the output.
    Swap {
        /// The staging folder.
        staging: PathBuf,
    },
    /// Move staged files into the output and remove files that are gone.
    Update {
        /// The staging folder holding the files to move.
        staging: PathBuf,
        /// (file in the staging folder, path inside the output).
        moves: Vec<(PathBuf, String)>,
        /// Paths inside the output to remove.
        removals: Vec<PathBuf>,
    },
}

impl Commit {
    /// Puts the staged build in place. Killed in the middle, it leaves an
    /// output that the next build repairs (every file not as recorded is
    /// written again, every file not recorded is removed).
    pub(crate) fn apply(self, output: &Path) -> Result<()> {
        match self {
            Commit::Swap { staging } => swap_in(&staging, output),
            Commit::Update {
                staging,
                moves,
                removals,
            } => {
                let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
                for (_, target) in &moves {
                    if let Some(parent) = output.join(target).parent() {
                        folders.insert(parent.to_path_buf());
                    }
                }
                for folder in &folders {
                    make_folder(output, folder)?;
                }
                moves
                    .par_iter()
                    .try_for_each(|(staged, target)| move_into(output, staged, &output.join(target)))?;
                for path in &removals {
                    remove_and_prune(output, path);
                }
                discard_staging(&staging);
                Ok(())
            }
        }
    }

    /// Drops what was staged; the output is left as it was.
    pub(crate) fn discard(self) {
        match self {
            Commit::Swap { staging } | Commit::Update { staging, .. } => discard_staging(&staging),
        }
    }
}

/// Moves a staged file to its place. An output folder that is a mount
/// point of its own (a container's volume) is on another file system than
/// the staging folder beside it: the file is then copied to a temporary
/// at the top of the output (where the next build's survey finds it, had
/// this one been killed) and renamed, which is still atomic for that file.
fn move_into(output: &Path, staged: &Path, target: &Path) -> Result<()> {
    match std::fs::rename(staged, target) {
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            let number = staged
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temporary = output.join(format!(".arshif-tmp-{number}"));
            std::fs::copy(staged, &temporary).map_err(|err| Error::io(&temporary, err))?;
            // The record holds the staged file's time: the copy keeps it.
            let time = std::fs::metadata(staged).and_then(|m| m.modified());
            let kept = time.and_then(|time| {
                std::fs::File::options()
                    .write(true)
                    .open(&temporary)?
                    .set_modified(time)
            });
            kept.map_err(|err| Error::io(&temporary, err))?;
            std::fs::rename(&temporary, target).map_err(|err| Error::io(target, err))
        }
        other => other.map_err(|err| Error::io(target, err)),
    }
}

/// Creates `folder` inside `output`, replacing a file that stands where a
/// folder must be (a page that became a folder of pages).
fn make_folder(output: &Path, folder: &Path) -> Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let mut current = output.to_path_buf();
    if let Ok(inside) = folder.strip_prefix(output) {
        for part in inside.components() {
            current.push(part);
            if std::fs::symlink_metadata(&current).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&current).map_err(|err| Error::io(&current, err))?;
            }
        }
    }
    std::fs::create_dir_all(folder).map_err(|err| Error::io(folder, err))
}

/// Removes a file of the output and the folders its removal emptied.
fn remove_and_prune(output: &Path, relative: &Path) {
    let target = output.join(relative);
    match std::fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            let _ = std::fs::remove_dir_all(&target);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(&target);
        }
        Err(_) => {}
    }
    let mut folder = target.parent();
    while let Some(dir) = folder.filter(|d| d.starts_with(output) && *d != output) {
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}

/// Puts the staging folder in the output's place: one atomic exchange of
/// the two folders where the file system can (Linux), else two renames
/// (a kill between them leaves the old output beside, which the next
/// build puts back: [`recover_leftovers`]). The old output is removed
/// afterwards.
fn swap_in(staging: &Path, output: &Path) -> Result<()> {
    let (_, previous) = sibling_paths(output);
    let had_output = match std::fs::symlink_metadata(output) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            discard_staging(staging);
            return Err(Error::Refused(format!(
                "{} exists and is not a folder; move it away or choose another --output",
                output.display()
            )));
        }
        Err(_) => false,
    };
    if !had_output {
        return std::fs::rename(staging, output).map_err(|err| Error::io(output, err));
    }
    if exchange(staging, output).is_ok() {
        // The staging folder's name now holds the old output.
        return std::fs::remove_dir_all(staging).map_err(|err| Error::io(staging, err));
    }
    remove_if_exists(&previous)?;
    std::fs::rename(output, &previous).map_err(|err| Error::io(output, err))?;
    if let Err(err) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&previous, output);
        return Err(Error::io(output, err));
    }
    std::fs::remove_dir_all(&previous).map_err(|err| Error::io(&previous, err))
}

/// Exchanges two folders atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Elsewhere no exchange: [`swap_in`] falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
