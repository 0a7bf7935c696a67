//! Writing: the rendered files reach the output folder only once
//! everything that can fail (rendering, the cache) has succeeded.
//!
//! A full build writes its files into a staging folder beside the output
//! and swaps it in with one atomic exchange of the two folders. An
//! incremental build writes the files that changed into the staging folder
//! and then moves them into place (the short commit step); should that
//! step be killed, the next build finds every file that differs from the
//! record ([`survey`]: size and modification time, no reading) and writes
//! it again. Nothing is written outside the output folder but the staging
//! folder and the lock beside it, and nothing is deleted in a folder that
//! arshif did not write ([`claim_output`]).

use crate::cache::{Manifest, PageRecord};
use crate::error::{Error, Result};
use crate::hash_bytes;
use crate::render::{Emitted, OutputFile};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The file every output folder holds, telling later builds (and people)
/// that arshif wrote the folder and may replace what is in it.
pub const OUTPUT_MARKER: &str = ".arshif-output";

/// What [`OUTPUT_MARKER`] says.
pub const OUTPUT_MARKER_TEXT: &str = "This folder is written by arshif: every build replaces its files.\n\
Put files of your own in the site's static/ folder instead.\n";

/// What the write stage did.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteReport {
    /// Pages and other generated files written.
    pub generated: usize,
    /// Files copied from `static/`.
    pub copied: usize,
}

/// A file's size and modification time as a build left it: a later build
/// that finds either changed writes the file again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
}

impl FileStamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            size: meta.len(),
            modified: meta.modified().map(crate::cache::nanos).unwrap_or(0),
        }
    }
}

/// The staging and previous-output folder names used beside `output`.
pub fn sibling_paths(output: &Path) -> (PathBuf, PathBuf) {
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

/// Refuses an output folder that would swallow the sources: the site root
/// itself, or a folder that holds or is one of `protected`.
pub fn check_output_location(output: &Path, protected: &[PathBuf]) -> Result<()> {
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
pub fn claim_output(output: &Path, known: bool, force: bool) -> Result<()> {
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
    if known || force || output.join(OUTPUT_MARKER).is_file() {
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

/// Puts right what a killed build left beside `output`: a staging folder
/// is removed; a previous output whose swap was cut short (the output
/// renamed away, the new one not yet in place) is put back.
pub fn recover_leftovers(output: &Path) -> Result<()> {
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
pub fn open_staging(output: &Path) -> Result<PathBuf> {
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
pub fn stage_file(staging: &Path, file: &OutputFile) -> Result<()> {
    refuse_escape(file)?;
    let path = staging.join(&file.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    }
    std::fs::write(&path, &file.bytes).map_err(|err| Error::io(&path, err))
}

/// Removes a staging folder after a failed build (the output is untouched).
pub fn discard_staging(staging: &Path) {
    let _ = std::fs::remove_dir_all(staging);
}

/// What a build has staged and will put in place once the cache is saved.
#[derive(Debug)]
#[must_use = "a staged build changes nothing until it is applied"]
pub enum Commit {
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
    pub fn apply(self, output: &Path) -> Result<()> {
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
                    .try_for_each(|(staged, target)| move_into(staged, &output.join(target)))?;
                for path in &removals {
                    remove_and_prune(output, path);
                }
                discard_staging(&staging);
                Ok(())
            }
        }
    }

    /// Drops what was staged; the output is left as it was.
    pub fn discard(self) {
        match self {
            Commit::Swap { staging } | Commit::Update { staging, .. } => discard_staging(&staging),
        }
    }
}

/// Moves a staged file to its place. An output folder that is a mount
/// point of its own (a container's volume) is on another file system than
/// the staging folder beside it: the file is then copied to a temporary
/// beside its place and renamed, which is still atomic for that file.
fn move_into(staged: &Path, target: &Path) -> Result<()> {
    match std::fs::rename(staged, target) {
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temporary = target.with_file_name(format!(".{name}.arshif-tmp"));
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

/// Copies `static_dir` into the staging folder, whose `emitted` files are
/// written, and records every file of it: the manifest of the output the
/// staging folder will become, and the commit that swaps it in. On
/// failure the staging folder is removed.
pub fn finish_staging(
    output: &Path,
    staging: &Path,
    emitted: &[Emitted],
    pages: &[(String, Option<u64>)],
    static_dir: Option<&Path>,
) -> Result<(WriteReport, Manifest, Commit)> {
    let finished = (|| {
        let generated: BTreeSet<&str> = emitted.iter().map(|f| f.path.as_str()).collect();
        let statics = copy_static(static_dir, staging, &generated)?;
        let stamps = stamps_below(staging)?;
        let stamp = |path: &str| {
            stamps
                .get(path)
                .map(|f| f.stamp)
                .ok_or_else(|| Error::io(staging.join(path), std::io::Error::other("a staged file is gone")))
        };
        let hashes: BTreeMap<&str, u64> = emitted.iter().map(|f| (f.path.as_str(), f.hash)).collect();
        let mut manifest = Manifest {
            output: absolute(output).to_string_lossy().into_owned(),
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

fn remove_if_exists(path: &Path) -> Result<()> {
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

/// An exclusive lock on a file, held while it lives; see [`lock_output`].
pub struct Lock {
    _file: std::fs::File,
}

/// Takes an exclusive lock on the file `path` (created if missing),
/// waiting while another process holds it; `waiting` is called once if so.
pub fn lock_file(path: &Path, waiting: impl FnOnce(&Path)) -> Result<Lock> {
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
pub fn lock_output(output: &Path, waiting: impl FnOnce(&Path)) -> Result<Lock> {
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

/// A file found below a folder.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Its path inside the folder, as on disk.
    pub relative: PathBuf,
    /// Its size and modification time.
    pub stamp: FileStamp,
}

/// Every file (and symbolic link) below `dir` by its `/`-separated path,
/// with its stamp: one `stat` a file, the folder's subfolders walked in
/// parallel. Links are not followed.
pub fn stamps_below(dir: &Path) -> Result<FxHashMap<String, FoundFile>> {
    let top: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(|err| Error::io(dir, err))?
        .collect::<std::io::Result<_>>()
        .map_err(|err| Error::io(dir, err))?;
    let found: Vec<Vec<(String, FoundFile)>> = top
        .par_iter()
        .map(|entry| {
            let mut found = Vec::new();
            for item in walkdir::WalkDir::new(entry.path()) {
                let item = item.map_err(|err| {
                    let path = err.path().unwrap_or(dir).to_path_buf();
                    Error::io(
                        path,
                        err.into_io_error().unwrap_or_else(|| std::io::Error::other("walk")),
                    )
                })?;
                if item.file_type().is_dir() {
                    continue;
                }
                let meta = item.metadata().map_err(|err| {
                    Error::io(
                        item.path(),
                        err.into_io_error().unwrap_or_else(|| std::io::Error::other("stat")),
                    )
                })?;
                let relative = item.path().strip_prefix(dir).unwrap_or(item.path()).to_path_buf();
                let key = relative.to_string_lossy().replace('\\', "/");
                found.push((
                    key,
                    FoundFile {
                        relative,
                        stamp: FileStamp::of(&meta),
                    },
                ));
            }
            Ok(found)
        })
        .collect::<Result<_>>()?;
    Ok(found.into_iter().flatten().collect())
}

/// How the output folder differs from what the last build recorded.
#[derive(Debug, Default)]
pub struct OutputSurvey {
    /// Recorded files that are missing or whose size or time changed
    /// (edited or deleted by hand, or not yet in place when a build was
    /// killed): written again.
    pub damaged: FxHashSet<String>,
    /// Files the record does not know (left by a killed build, or added
    /// by hand): removed, as a clean build would not have them.
    pub strays: Vec<PathBuf>,
}

impl OutputSurvey {
    /// True when the file at `path` is as recorded.
    pub fn intact(&self, path: &str) -> bool {
        !self.damaged.contains(path)
    }
}

/// Compares the output folder with its record: a `stat` a file, no reading.
pub fn survey(output: &Path, manifest: &Manifest) -> Result<OutputSurvey> {
    let found = stamps_below(output)?;
    let damaged = manifest
        .pages
        .iter()
        .chain(&manifest.statics)
        .filter(|(path, record)| found.get(path.as_str()).map(|f| f.stamp) != Some(record.stamp))
        .map(|(path, _)| path.clone())
        .collect();
    let mut strays: Vec<PathBuf> = found
        .iter()
        .filter(|(path, _)| !manifest.pages.contains_key(*path) && !manifest.statics.contains_key(*path))
        .map(|(_, file)| file.relative.clone())
        .collect();
    strays.sort();
    Ok(OutputSurvey { damaged, strays })
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
pub fn stage_changes(
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

/// The absolute form of an output path, as manifests record it.
pub fn absolute_output(output: &Path) -> PathBuf {
    absolute(output)
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
