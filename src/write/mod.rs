//! Writing: the rendered files reach the output folder only once
//! everything that can fail (rendering, the cache) has succeeded.
//!
//! A full build writes its files into a staging folder beside the output
//! and swaps it in with one atomic exchange of the two folders
//! ([`commit`]). An incremental build writes the files that changed into
//! the staging folder and then moves them into place (the short commit
//! step); should that step be killed, the next build finds every file that
//! differs from the record ([`survey`]: size and modification time, no
//! reading) and writes it again. Nothing is written outside the output
//! folder but the staging folder and the lock beside it, and nothing is
//! deleted in a folder that arshif did not write ([`guard`]).

mod commit;
mod guard;
mod survey;

pub(crate) use commit::Commit;
pub(crate) use guard::{
    absolute_output, check_output_location, claim_output, lock_file, lock_output, recover_leftovers, Lock,
    OUTPUT_MARKER, OUTPUT_MARKER_TEXT,
};
pub(crate) use survey::{stamps_of, survey, FileStamp, OutputSurvey};

use crate::cache::{Manifest, PageRecord};
use crate::error::{Error, Result};
use crate::hash_bytes;
use crate::render::{Emitted, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// What the write stage did.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteReport {
    /// Pages and other generated files written.
    pub generated: usize,
    /// Files copied from `static/`.
    pub copied: usize,
}

/// The staging and previous-output folder names used beside `output`.
pub(crate) fn sibling_paths(output: &Path) -> (PathBuf, PathBuf) {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = output.parent().unwrap_or(Path::new("."));
    (
        parent.join(format!(".{name}.arshif-staging")),
        parent.join(format!(".{name}.arshif-previous")),
    )
}

/// An error for a rendered file whose path would leave the output folder.
fn refuse_escape(file: &OutputFile) -> Result<()> {
    if is_contained(&file.path) {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "{} produced the path `{}`, which leaves the output folder; nothing was written",
        file.origin, file.path
    )))
}

/// True when a generated path stays inside the output folder.
fn is_contained(path: &str) -> bool {
    !path.is_empty() && !path.contains('\0') && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// A fresh, empty staging folder beside `output`, for a full build that
/// writes its files there as they are rendered (see [`stage_file`]) and
/// then swaps the folder in ([`finish_staging`], [`Commit::apply`]) or
/// drops it ([`discard_staging`]).
pub(crate) fn open_staging(output: &Path) -> Result<PathBuf> {
    let (staging, _) = sibling_paths(output);
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    }
    remove_if_exists(&staging)?;
    std::fs::create_dir_all(&staging).map_err(|err| Error::io(&staging, err))?;
    Ok(staging)
}

/// Writes one rendered file into the staging folder; a path that would
/// leave the folder is refused.
pub(crate) fn stage_file(staging: &Path, file: &OutputFile) -> Result<()> {
    refuse_escape(file)?;
    let path = staging.join(&file.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    }
    std::fs::write(&path, &file.bytes).map_err(|err| Error::io(&path, err))
}

/// Removes a staging folder after a failed build (the output is untouched).
pub(crate) fn discard_staging(staging: &Path) {
    let _ = std::fs::remove_dir_all(staging);
}

/// Copies `static_dir` into the staging folder, whose `emitted` files are
/// written, and records every file of it: the manifest of the output the
/// staging folder will become, and the commit that swaps it in. On
/// failure the staging folder is removed.
pub(crate) fn finish_staging(
    output: &Path,
    staging: &Path,
    emitted: &[Emitted],
    pages: &[(String, Option<u64>)],
    static_dir: Option<&Path>,
) -> Result<(WriteReport, Manifest, Commit)> {
    let finished = (|| {
        let generated: BTreeSet<&str> = emitted.iter().map(|f| f.path.as_str()).collect();
        let statics = copy_static(static_dir, staging, &generated)?;
        let written: Vec<&str> = emitted
            .iter()
            .map(|f| f.path.as_str())
            .chain(statics.keys().map(String::as_str))
            .collect();
        let stamps: BTreeMap<&str, FileStamp> = written
            .iter()
            .zip(stamps_of(staging, &written))
            .filter_map(|(path, stamp)| Some((*path, stamp?)))
            .collect();
        let stamp = |path: &str| {
            stamps
                .get(path)
                .copied()
                .ok_or_else(|| Error::io(staging.join(path), std::io::Error::other("a staged file is gone")))
        };
        let hashes: BTreeMap<&str, u64> = emitted.iter().map(|f| (f.path.as_str(), f.hash)).collect();
        let mut manifest = Manifest {
            output: absolute_output(output).to_string_lossy().into_owned(),
            ..Manifest::default()
        };
        for (path, fingerprint) in pages {
            if let Some(&bytes) = hashes.get(path.as_str()) {
                let record = PageRecord {
                    fingerprint: *fingerprint,
                    bytes,
                    stamp: stamp(path)?,
                };
                manifest.pages.insert(path.clone(), record);
            }
        }
        for (path, bytes) in &statics {
            let record = PageRecord {
                fingerprint: None,
                bytes: *bytes,
                stamp: stamp(path)?,
            };
            manifest.statics.insert(path.clone(), record);
        }
        let report = WriteReport {
            generated: emitted.len(),
            copied: statics.len(),
        };
        Ok((report, manifest))
    })();
    match finished {
        Ok((report, manifest)) => Ok((
            report,
            manifest,
            Commit::Swap {
                staging: staging.to_path_buf(),
            },
        )),
        Err(err) => {
            discard_staging(staging);
            Err(err)
        }
    }
}

pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path).map_err(|err| Error::io(path, err)),
        Ok(_) => std::fs::remove_file(path).map_err(|err| Error::io(path, err)),
        Err(_) => Ok(()),
    }
}

/// Copies `static/` as is, reading each file once for its copy and its
/// hash; a static file may not replace a generated page.
fn copy_static(static_dir: Option<&Path>, staging: &Path, generated: &BTreeSet<&str>) -> Result<BTreeMap<String, u64>> {
    let files = static_files(static_dir)?;
    refuse_static_over_page(&files, |path| generated.contains(path))?;
    let mut hashes = BTreeMap::new();
    for (relative, file) in files {
        let bytes = std::fs::read(&file).map_err(|err| Error::io(&file, err))?;
        let target = staging.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
        }
        std::fs::write(&target, &bytes).map_err(|err| Error::io(&target, err))?;
        hashes.insert(relative, hash_bytes(&bytes));
    }
    Ok(hashes)
}

/// Refuses a static file at the path of a generated page.
fn refuse_static_over_page(statics: &[(String, PathBuf)], is_page: impl Fn(&str) -> bool) -> Result<()> {
    match statics.iter().find(|(relative, _)| is_page(relative)) {
        Some((relative, file)) => Err(Error::Refused(format!(
            "{} would replace the generated page /{}: rename or remove it",
            file.display(),
            relative
        ))),
        None => Ok(()),
    }
}

/// The files of `static/`: (path inside it, `/`-separated; file on disk).
fn static_files(static_dir: Option<&Path>) -> Result<Vec<(String, PathBuf)>> {
    let Some(dir) = static_dir.filter(|d| d.is_dir()) else {
        return Ok(Vec::new());
    };
    let root = dir.canonicalize().map_err(|err| Error::io(dir, err))?;
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|err| {
            let path = err.path().unwrap_or(dir).to_path_buf();
            Error::io(
                path,
                err.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symbolic link loop")),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        if entry.path_is_symlink() && !entry.path().canonicalize().is_ok_and(|c| c.starts_with(&root)) {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        files.push((
            relative.to_string_lossy().replace('\\', "/"),
            entry.path().to_path_buf(),
        ));
    }
    Ok(files)
}

/// What an incremental write did.
#[derive(Debug, Clone, Copy, Default)]
pub struct IncrementalReport {
    /// Files whose bytes changed (or that were damaged) and were written.
    pub written: usize,
    /// Files rendered again whose bytes had not changed (left untouched).
    pub unchanged: usize,
    /// Files removed (pages and static files that no longer exist, and
    /// files the record did not know).
    pub removed: usize,
    /// Static files copied.
    pub copied: usize,
}

/// A file an incremental build writes into its staging folder.
struct StagedWrite<'a> {
    /// Its path inside the output.
    path: String,
    /// Its bytes: a rendered file's, borrowed, or a static file's, read.
    bytes: std::borrow::Cow<'a, [u8]>,
    /// The hash of its bytes.
    hash: u64,
    /// The fingerprint of its inputs, for a page that has one.
    fingerprint: Option<u64>,
    /// A file of `static/`, not a generated one.
    is_static: bool,
}

/// Stages the update of an output folder that `old` describes (as
/// `survey` found it): the rendered files whose bytes changed, and those
/// not as recorded, are written into a fresh staging folder; every other
/// file is left untouched (its modification time too). Gives the manifest
/// of the output once the returned commit is applied. `pages` lists every
/// page of the new site; `emitted` has the hash of each rendered file's bytes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn stage_changes(
    output: &Path,
    files: &[OutputFile],
    emitted: &[Emitted],
    pages: &[(String, Option<u64>)],
    old: &Manifest,
    survey: &OutputSurvey,
    static_dir: Option<&Path>,
) -> Result<(IncrementalReport, Manifest, Commit)> {
    files.iter().try_for_each(refuse_escape)?;
    let statics = static_files(static_dir)?;
    let page_paths: BTreeSet<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    refuse_static_over_page(&statics, |path| page_paths.contains(path))?;
    let staging = open_staging(output)?;
    let staged = (|| {
        let hashes: BTreeMap<&str, u64> = emitted.iter().map(|f| (f.path.as_str(), f.hash)).collect();
        let rendered: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut report = IncrementalReport::default();
        let mut manifest = Manifest {
            output: old.output.clone(),
            ..Manifest::default()
        };
        let mut writes: Vec<StagedWrite> = Vec::new();
        for (path, fingerprint) in pages {
            let previous = old.pages.get(path).filter(|_| survey.intact(path));
            match rendered.get(path.as_str()) {
                Some(file) => {
                    // The render hashed every file it emitted; a file
                    // without that record is hashed here.
                    let bytes = hashes
                        .get(path.as_str())
                        .copied()
                        .unwrap_or_else(|| hash_bytes(&file.bytes));
                    match previous.filter(|p| p.bytes == bytes) {
                        Some(record) => {
                            report.unchanged += 1;
                            let record = PageRecord {
                                fingerprint: *fingerprint,
                                ..*record
                            };
                            manifest.pages.insert(path.clone(), record);
                        }
                        None => writes.push(StagedWrite {
                            path: path.clone(),
                            bytes: (&file.bytes[..]).into(),
                            hash: bytes,
                            fingerprint: *fingerprint,
                            is_static: false,
                        }),
                    }
                }
                None => {
                    let record = previous.copied().ok_or_else(|| {
                        Error::Refused(format!(
                            "page /{path} was neither rendered nor recorded: rebuild with --no-cache"
                        ))
                    })?;
                    manifest.pages.insert(path.clone(), record);
                }
            }
        }
        for (relative, file) in &statics {
            let bytes = std::fs::read(file).map_err(|err| Error::io(file, err))?;
            let hash = hash_bytes(&bytes);
            let previous = old.statics.get(relative).filter(|_| survey.intact(relative));
            match previous.filter(|p| p.bytes == hash) {
                Some(record) => {
                    manifest.statics.insert(relative.clone(), *record);
                }
                None => writes.push(StagedWrite {
                    path: relative.clone(),
                    bytes: bytes.into(),
                    hash,
                    fingerprint: None,
                    is_static: true,
                }),
            }
        }
        let stamps: Vec<FileStamp> = writes
            .par_iter()
            .enumerate()
            .map(|(n, write)| {
                let path = staging.join(n.to_string());
                std::fs::write(&path, &write.bytes).map_err(|err| Error::io(&path, err))?;
                let meta = std::fs::metadata(&path).map_err(|err| Error::io(&path, err))?;
                Ok(FileStamp::of(&meta))
            })
            .collect::<Result<_>>()?;
        let mut moves = Vec::with_capacity(writes.len());
        for (n, (write, stamp)) in writes.into_iter().zip(stamps).enumerate() {
            let path = write.path;
            let record = PageRecord {
                fingerprint: write.fingerprint,
                bytes: write.hash,
                stamp,
            };
            if write.is_static {
                report.copied += 1;
                manifest.statics.insert(path.clone(), record);
            } else {
                report.written += 1;
                manifest.pages.insert(path.clone(), record);
            }
            moves.push((staging.join(n.to_string()), path));
        }
        let mut removals: Vec<PathBuf> = old
            .pages
            .keys()
            .chain(old.statics.keys())
            .filter(|p| !manifest.pages.contains_key(*p) && !manifest.statics.contains_key(*p))
            .filter(|p| is_contained(p))
            .map(PathBuf::from)
            .collect();
        removals.extend(survey.strays.iter().cloned());
        removals.sort();
        removals.dedup();
        report.removed = removals.len();
        // Killed before it removed them, the commit leaves these for the
        // next build to find.
        manifest.pending = removals
            .iter()
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
        Ok((report, manifest, moves, removals))
    })();
    match staged {
        Ok((report, manifest, moves, removals)) => Ok((
            report,
            manifest,
            Commit::Update {
                staging,
                moves,
                removals,
            },
        )),
        Err(err) => {
            discard_staging(&staging);
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_paths_are_refused() {
        assert!(is_contained("2022/12/x/index.html"));
        assert!(!is_contained("../x"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained("a/../../b"));
        assert!(!is_contained("a\0b"));
        assert!(!is_contained(""));
    }
}
