//! What the output folder holds, compared with what the last build
//! recorded: a `stat` a file, no reading.

use crate::cache::{Manifest, PageRecord};
use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
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
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            size: meta.len(),
            modified: meta.modified().map(crate::cache::nanos).unwrap_or(0),
        }
    }
}

/// The stamp of each file at `paths` inside `dir` (`None`: missing or
/// unreadable), one `lstat` each, in parallel. No folder is listed: an
/// archive's pages are 30,000 folders of one file each, and listing them
/// cost three times the `stat`s.
pub(crate) fn stamps_of(dir: &Path, paths: &[&str]) -> Vec<Option<FileStamp>> {
    paths
        .par_iter()
        .map(|path| {
            std::fs::symlink_metadata(dir.join(path))
                .ok()
                .map(|meta| FileStamp::of(&meta))
        })
        .collect()
}

/// How the output folder differs from what the last build recorded.
#[derive(Debug, Default)]
pub(crate) struct OutputSurvey {
    /// Recorded files that are missing or whose size or time changed
    /// (edited or deleted by hand, or not yet in place when a build was
    /// killed): written again.
    pub damaged: FxHashSet<String>,
    /// Files the record does not know that a clean build would not have:
    /// what the last build's commit was to remove and may not have (it
    /// was killed), and files at the top of the output (a temporary of a
    /// killed commit, or a file put there by hand). Removed.
    pub strays: Vec<PathBuf>,
}

impl OutputSurvey {
    /// True when the file at `path` is as recorded.
    pub(crate) fn intact(&self, path: &str) -> bool {
        !self.damaged.contains(path)
    }
}

/// Compares the output folder with its record: a `stat` a recorded file,
/// no reading, and one listing of the output's top folder.
pub(crate) fn survey(output: &Path, manifest: &Manifest) -> Result<OutputSurvey> {
    let records: Vec<(&str, &PageRecord)> = manifest
        .pages
        .iter()
        .chain(&manifest.statics)
        .map(|(path, record)| (path.as_str(), record))
        .collect();
    let paths: Vec<&str> = records.iter().map(|(path, _)| *path).collect();
    let stamps = stamps_of(output, &paths);
    let damaged = records
        .iter()
        .zip(&stamps)
        .filter(|((_, record), stamp)| **stamp != Some(record.stamp))
        .map(|((path, _), _)| path.to_string())
        .collect();
    let recorded = |path: &str| manifest.pages.contains_key(path) || manifest.statics.contains_key(path);
    let mut strays: Vec<PathBuf> = manifest
        .pending
        .iter()
        .filter(|path| !recorded(path) && std::fs::symlink_metadata(output.join(path)).is_ok())
        .map(PathBuf::from)
        .collect();
    for entry in std::fs::read_dir(output).map_err(|err| Error::io(output, err))? {
        let entry = entry.map_err(|err| Error::io(output, err))?;
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        let name = entry.file_name();
        if !is_folder && !name.to_str().is_some_and(recorded) {
            strays.push(PathBuf::from(name));
        }
    }
    strays.sort();
    strays.dedup();
    Ok(OutputSurvey { damaged, strays })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::PageRecord;

    #[test]
    fn the_survey_finds_changed_files_and_what_a_killed_commit_left() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path();
        let write = |path: &str, text: &str| {
            let file = output.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
            FileStamp::of(&std::fs::metadata(&file).unwrap())
        };
        let record = |stamp| PageRecord {
            fingerprint: None,
            bytes: 0,
            stamp,
        };
        let mut manifest = Manifest::default();
        for path in ["index.html", "2022/12/a/index.html", "2022/12/b/index.html"] {
            manifest.pages.insert(path.to_string(), record(write(path, "page")));
        }
        manifest
            .statics
            .insert("logo.svg".to_string(), record(write("logo.svg", "svg")));
        // Was to be removed by a commit that was killed; and one that was.
        write("2021/01/gone/index.html", "old");
        manifest.pending = vec![
            "2021/01/gone/index.html".to_string(),
            "2021/02/removed/index.html".to_string(),
        ];
        // Deep files nobody recorded are not looked for; top ones are.
        write("2022/12/a/notes.txt", "by hand");
        write("stray.html", "by hand");
        assert_eq!(survey(output, &manifest).unwrap().damaged.len(), 0);
        std::fs::remove_file(output.join("2022/12/b/index.html")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        write("logo.svg", "SVG");
        let found = survey(output, &manifest).unwrap();
        let mut damaged: Vec<&str> = found.damaged.iter().map(String::as_str).collect();
        damaged.sort();
        assert_eq!(damaged, ["2022/12/b/index.html", "logo.svg"]);
        assert!(!found.intact("logo.svg") && found.intact("index.html"));
        assert_eq!(
            found.strays,
            [PathBuf::from("2021/01/gone/index.html"), PathBuf::from("stray.html")]
        );
    }
}
