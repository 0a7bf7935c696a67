//! Writing: the rendered files go into a staging folder beside the output,
//! and only a complete build is swapped in. A failed build leaves the
//! previous output exactly as it was; nothing is written outside it.

use crate::cache::{Manifest, PageRecord};
use crate::error::{Error, Result};
use crate::hash_bytes;
use crate::render::OutputFile;
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

/// True when a generated path stays inside the output folder.
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

fn is_contained(path: &str) -> bool {
    !path.is_empty() && !path.contains('\0') && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// A fresh, empty staging folder beside `output`, for a full build that
/// writes its files there as they are rendered (see [`stage_file`]) and
/// then swaps the folder in ([`finish_staging`]) or drops it
/// ([`discard_staging`]).
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

/// Copies `static_dir` into the staging folder, whose `generated` files are
/// written, and swaps it in for `output`; on failure the staging folder is
/// removed and the output left as it was. Gives the hash of each static
/// file's bytes, as the manifest records them.
pub fn finish_staging(
    output: &Path,
    staging: &Path,
    generated: &[&str],
    static_dir: Option<&Path>,
) -> Result<(WriteReport, BTreeMap<String, u64>)> {
    let count = generated.len();
    let generated: BTreeSet<&str> = generated.iter().copied().collect();
    let statics = match copy_static(static_dir, staging, &generated) {
        Ok(statics) => statics,
        Err(err) => {
            discard_staging(staging);
            return Err(err);
        }
    };
    let report = WriteReport {
        generated: count,
        copied: statics.len(),
    };
    let (_, previous) = sibling_paths(output);
    swap_in(staging, output, &previous)?;
    Ok((report, statics))
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

fn swap_in(staging: &Path, output: &Path, previous: &Path) -> Result<()> {
    remove_if_exists(previous)?;
    let had_output = match std::fs::symlink_metadata(output) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            let _ = std::fs::remove_dir_all(staging);
            return Err(Error::Refused(format!(
                "{} exists and is not a folder; move it away or choose another --output",
                output.display()
            )));
        }
        Err(_) => false,
    };
    if had_output {
        std::fs::rename(output, previous).map_err(|err| Error::io(output, err))?;
    }
    if let Err(err) = std::fs::rename(staging, output) {
        if had_output {
            let _ = std::fs::rename(previous, output);
        }
        return Err(Error::io(output, err));
    }
    if had_output {
        std::fs::remove_dir_all(previous).map_err(|err| Error::io(previous, err))?;
    }
    Ok(())
}

/// An exclusive lock on an output folder, held while a build writes it.
/// A second build into the same folder waits for the first.
pub struct OutputLock {
    _file: std::fs::File,
}

/// Takes the output folder's lock (`.NAME.arshif-lock` beside it),
/// waiting for a build that holds it; `waiting` is called once if so.
pub fn lock_output(output: &Path, waiting: impl FnOnce(&Path)) -> Result<OutputLock> {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    let path = parent.join(format!(".{name}.arshif-lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|err| Error::io(&path, err))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting(&path);
            file.lock().map_err(|err| Error::io(&path, err))?;
        }
        Err(std::fs::TryLockError::Error(err)) => return Err(Error::io(&path, err)),
    }
    Ok(OutputLock { _file: file })
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

/// Writes one file atomically: a temporary file beside it, then renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.arshif-tmp"));
    std::fs::write(&temporary, bytes).map_err(|err| Error::io(&temporary, err))?;
    std::fs::rename(&temporary, path).map_err(|err| Error::io(path, err))
}

/// What an incremental write did.
#[derive(Debug, Clone, Copy, Default)]
pub struct IncrementalReport {
    /// Files whose bytes changed and were written.
    pub written: usize,
    /// Files rendered again whose bytes had not changed (left untouched).
    pub unchanged: usize,
    /// Files removed (pages and static files that no longer exist).
    pub removed: usize,
    /// Static files copied.
    pub copied: usize,
}

/// Updates an output folder that `old` describes: writes the rendered
/// files whose bytes changed (each atomically), leaves every other file
/// untouched (its modification time too), removes pages that are gone,
/// and syncs `static/`. `pages` lists every page of the new site;
/// `emitted` has the hash of each rendered file's bytes.
pub fn write_changed(
    output: &Path,
    files: &[OutputFile],
    emitted: &[crate::render::Emitted],
    pages: &[(String, Option<u64>)],
    old: &Manifest,
    static_dir: Option<&Path>,
) -> Result<(IncrementalReport, Manifest)> {
    files.iter().try_for_each(refuse_escape)?;
    let statics = static_files(static_dir)?;
    let page_paths: BTreeSet<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    refuse_static_over_page(&statics, |path| page_paths.contains(path))?;
    let hashes: BTreeMap<&str, u64> = emitted.iter().map(|f| (f.path.as_str(), f.hash)).collect();
    let mut report = IncrementalReport::default();
    let mut manifest = Manifest {
        output: old.output.clone(),
        ..Manifest::default()
    };
    let rendered: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let outcomes: Vec<(String, PageRecord, bool)> = pages
        .par_iter()
        .map(|(path, fingerprint)| {
            let previous = old.pages.get(path);
            match rendered.get(path.as_str()) {
                Some(file) => {
                    // The render hashed every file it emitted; a file
                    // without that record is hashed here.
                    let bytes = hashes
                        .get(path.as_str())
                        .copied()
                        .unwrap_or_else(|| hash_bytes(&file.bytes));
                    let target = output.join(path);
                    let same = previous.is_some_and(|p| p.bytes == bytes) && target.is_file();
                    if !same {
                        write_atomically(&target, &file.bytes)?;
                    }
                    Ok((
                        path.clone(),
                        PageRecord {
                            fingerprint: *fingerprint,
                            bytes,
                        },
                        !same,
                    ))
                }
                None => {
                    let record = previous.copied().ok_or_else(|| {
                        Error::Refused(format!(
                            "page /{path} was neither rendered nor recorded: rebuild with --no-cache"
                        ))
                    })?;
                    Ok((path.clone(), record, false))
                }
            }
        })
        .collect::<Result<_>>()?;
    for (path, record, written) in outcomes {
        if written {
            report.written += 1;
        } else if rendered.contains_key(path.as_str()) {
            report.unchanged += 1;
        }
        manifest.pages.insert(path, record);
    }
    for (relative, file) in &statics {
        let bytes = std::fs::read(file).map_err(|err| Error::io(file, err))?;
        let hash = hash_bytes(&bytes);
        let target = output.join(relative);
        if old.statics.get(relative) != Some(&hash) || !target.is_file() {
            write_atomically(&target, &bytes)?;
            report.copied += 1;
        }
        manifest.statics.insert(relative.clone(), hash);
    }
    let gone = old
        .pages
        .keys()
        .chain(old.statics.keys())
        .filter(|p| !manifest.pages.contains_key(*p) && !manifest.statics.contains_key(*p));
    for path in gone {
        if !is_contained(path) {
            continue;
        }
        let target = output.join(path);
        if std::fs::remove_file(&target).is_ok() {
            report.removed += 1;
        }
        // Remove folders the removal emptied, up to the output folder.
        let mut folder = target.parent();
        while let Some(dir) = folder.filter(|d| d.starts_with(output) && *d != output) {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
            folder = dir.parent();
        }
    }
    Ok((report, manifest))
}

/// The manifest of an output written in full: the `emitted` files (with
/// the hashes of their bytes) and the static files ([`finish_staging`]'s hashes).
pub fn manifest_of(
    output: &Path,
    emitted: &[crate::render::Emitted],
    pages: &[(String, Option<u64>)],
    statics: BTreeMap<String, u64>,
) -> Manifest {
    let hashes: BTreeMap<&str, u64> = emitted.iter().map(|f| (f.path.as_str(), f.hash)).collect();
    let mut manifest = Manifest {
        output: absolute(output).to_string_lossy().into_owned(),
        statics,
        ..Manifest::default()
    };
    for (path, fingerprint) in pages {
        if let Some(&bytes) = hashes.get(path.as_str()) {
            manifest.pages.insert(
                path.clone(),
                PageRecord {
                    fingerprint: *fingerprint,
                    bytes,
                },
            );
        }
    }
    manifest
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
}
