//! What the output folder holds, compared with what the last build
//! recorded: a `stat` a file, no reading.

use crate::cache::Manifest;
use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
