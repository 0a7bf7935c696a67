//! The build cache (`.arshif-cache/` by default): what one build leaves for
//! the next, so that an incremental build re-reads only the files that
//! changed, recomputes only the related lists they can affect, re-renders
//! only the pages whose inputs changed and rewrites only the files whose
//! bytes changed. `serve` keeps the same state in memory.

use crate::article::Article;
use crate::diagnostic::{Diagnostic, Severity, KINDS};
use crate::error::{Error, Result};
use crate::link::related::RelatedState;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Name of the cache file inside the cache folder.
const STATE_FILE: &str = "state.bin";

/// Changes whenever the cache's layout or what it means changes.
const FORMAT: &str = concat!("arshif-cache-6/", env!("CARGO_PKG_VERSION"));

/// A diagnostic as the cache stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDiagnostic {
    severity: Severity,
    /// As text: a file name need not be UTF-8, the cache's encoding must.
    file: String,
    line: Option<usize>,
    kind: String,
    message: String,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            severity: d.severity,
            file: d.file.to_string_lossy().into_owned(),
            line: d.line,
            kind: d.kind.to_string(),
            message: d.message.clone(),
        }
    }
}

impl StoredDiagnostic {
    /// Back to a diagnostic (an unknown kind, from another version, becomes "unreadable").
    pub fn restore(&self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            file: PathBuf::from(&self.file),
            line: self.line,
            kind: KINDS
                .iter()
                .map(|(k, _)| *k)
                .find(|k| *k == self.kind)
                .unwrap_or("unreadable"),
            message: self.message.clone(),
        }
    }
}

/// An article file as last read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFile {
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
    /// Size in bytes.
    pub size: u64,
    /// The article, parsed and analysed.
    pub article: Arc<Article>,
    /// Warnings reading it gave.
    pub warnings: Vec<StoredDiagnostic>,
}

/// One output file as last written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Fingerprint of the page's inputs (`None` for pages always rendered).
    pub fingerprint: Option<u64>,
    /// Hash of the bytes written.
    pub bytes: u64,
}

/// What the output folder holds, as the last build wrote it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The output folder (absolute, as text).
    pub output: String,
    /// Generated files.
    pub pages: BTreeMap<String, PageRecord>,
    /// Warnings of the pages last rendered, re-reported while they are reused.
    pub warnings: BTreeMap<String, Vec<StoredDiagnostic>>,
    /// Files copied from `static/`, with the hash of their bytes.
    pub statics: BTreeMap<String, u64>,
}

/// Everything kept between builds.
#[derive(Debug, Default)]
pub struct BuildState {
    /// Fingerprint of what parsing and analysis depend on (the topic rules).
    pub analysis_print: u64,
    /// When the last build started reading files; files modified since are
    /// re-read even if their time and size match (they may have changed
    /// within the clock's resolution, or while that build read them).
    pub saved_at: i128,
    /// Article files by path inside `content/`.
    pub files: BTreeMap<String, CachedFile>,
    /// The related-articles state.
    pub related: Option<RelatedState>,
    /// The output as last written.
    pub manifest: Option<Manifest>,
    /// What the last render left for the next: kept in memory only
    /// (`serve`), recomputed after a cache load.
    pub render: crate::render::RenderMemory,
    /// The last walk of `content/` (files, and the warnings it gave), kept
    /// in memory only (`serve`), for [`BuildState::changed`].
    pub sources: Option<(Vec<crate::load::SourceFile>, Vec<crate::diagnostic::Diagnostic>)>,
    /// The paths a file watcher reported since the last build, when it is
    /// sure to have reported every change (`serve`): the next build then
    /// updates [`BuildState::sources`] and reads only these files again,
    /// instead of walking and checking the whole archive. Taken by the build.
    pub changed: Option<Vec<PathBuf>>,
}

/// Nanoseconds since the epoch of a time (0 when before it).
pub fn nanos(time: SystemTime) -> i128 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// The part of the state stored beside the article records and the
/// related-articles state.
#[derive(Serialize, Deserialize)]
struct StoredCore<M> {
    analysis_print: u64,
    saved_at: i128,
    manifest: M,
    related: bool,
}

/// Runs the article records are cut into: each is encoded and decoded on
/// a thread of its own. The file does not depend on the number of threads.
const FILE_RUNS: usize = 8;

/// Runs the related entries are cut into (see [`FILE_RUNS`]).
const RELATED_RUNS: usize = 8;

impl BuildState {
    /// Reads the state from `dir`; a missing, unreadable or outdated cache
    /// gives an empty state (the build is then a full one).
    pub fn load(dir: &Path) -> BuildState {
        std::fs::read(dir.join(STATE_FILE))
            .ok()
            .and_then(|bytes| BuildState::decode(&bytes))
            .unwrap_or_default()
    }

    /// The state from the bytes of a state file, `None` when they are not
    /// one this version wrote. Layout: the format line, the number of
    /// article runs and of related parts (u32 each), every part's length
    /// (u64), then the parts: the core, the article runs, the related parts.
    fn decode(bytes: &[u8]) -> Option<BuildState> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&[u8]> {
            let slice = bytes.get(at..at.checked_add(n)?)?;
            at += n;
            Some(slice)
        };
        if take(FORMAT.len())? != FORMAT.as_bytes() || take(1)? != b"\n" {
            return None;
        }
        let count = |b: &[u8]| b.try_into().ok().map(u32::from_le_bytes).map(|n| n as usize);
        let file_runs = count(take(4)?)?;
        let related_parts = count(take(4)?)?;
        let lengths: Vec<usize> = (0..1 + file_runs + related_parts)
            .map(|_| take(8)?.try_into().ok().map(u64::from_le_bytes).map(|n| n as usize))
            .collect::<Option<_>>()?;
        let parts: Vec<&[u8]> = lengths.iter().map(|&n| take(n)).collect::<Option<_>>()?;
        let (core, rest) = parts.split_first()?;
        let (runs, related) = rest.split_at(file_runs);
        let ((core, files), related) = rayon::join(
            || {
                rayon::join(
                    || bincode::deserialize::<StoredCore<Option<Manifest>>>(core).ok(),
                    || {
                        runs.par_iter()
                            .map(|run| bincode::deserialize::<Vec<(String, CachedFile)>>(run).ok())
                            .collect::<Option<Vec<_>>>()
                    },
                )
            },
            || (!related.is_empty()).then(|| RelatedState::decode_parts(related).ok()),
        );
        let core = core?;
        let related = match related {
            Some(state) => Some(state?),
            None => None,
        };
        if core.related != related.is_some() {
            return None;
        }
        let files: BTreeMap<String, CachedFile> = files?.into_iter().flatten().collect();
        let mut related = related;
        if let Some(state) = related.as_mut() {
            state.restore_weights(files.values().map(|f| &*f.article));
        }
        Some(BuildState {
            analysis_print: core.analysis_print,
            saved_at: core.saved_at,
            files,
            related,
            manifest: core.manifest,
            ..BuildState::default()
        })
    }

    /// The state file's bytes (see [`BuildState::decode`]), as the parts to
    /// write one after the other: no copy of the whole into one buffer.
    fn encode(&self) -> std::result::Result<Vec<Vec<u8>>, bincode::Error> {
        let core = StoredCore {
            analysis_print: self.analysis_print,
            saved_at: self.saved_at,
            manifest: &self.manifest,
            related: self.related.is_some(),
        };
        let records: Vec<(&String, &CachedFile)> = self.files.iter().collect();
        let run = records.len().div_ceil(FILE_RUNS).max(1);
        let ((core, runs), related) = rayon::join(
            || {
                rayon::join(
                    || bincode::serialize(&core),
                    || {
                        records
                            .par_chunks(run)
                            .map(bincode::serialize)
                            .collect::<std::result::Result<Vec<_>, _>>()
                    },
                )
            },
            || match &self.related {
                Some(state) => state.encode_parts(RELATED_RUNS),
                None => Ok(Vec::new()),
            },
        );
        let (core, runs, related) = (core?, runs?, related?);
        let mut head = Vec::new();
        head.extend_from_slice(FORMAT.as_bytes());
        head.push(b'\n');
        head.extend_from_slice(&(runs.len() as u32).to_le_bytes());
        head.extend_from_slice(&(related.len() as u32).to_le_bytes());
        let parts: Vec<Vec<u8>> = std::iter::once(core).chain(runs).chain(related).collect();
        for part in &parts {
            head.extend_from_slice(&(part.len() as u64).to_le_bytes());
        }
        Ok(std::iter::once(head).chain(parts).collect())
    }

    /// Writes the state to `dir` (atomically: a temporary file renamed).
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
        let temporary = dir.join(format!("{STATE_FILE}.tmp"));
        let parts = self
            .encode()
            .map_err(|err| Error::io(&temporary, std::io::Error::other(err.to_string())))?;
        let mut file = std::fs::File::create(&temporary).map_err(|err| Error::io(&temporary, err))?;
        // In pieces of a megabyte: one write of a hundred megabytes was
        // three times slower here (0.6 s against 0.2 s at 28k articles).
        for part in &parts {
            for piece in part.chunks(1 << 20) {
                std::io::Write::write_all(&mut file, piece).map_err(|err| Error::io(&temporary, err))?;
            }
        }
        file.sync_all().map_err(|err| Error::io(&temporary, err))?;
        let target = dir.join(STATE_FILE);
        std::fs::rename(&temporary, &target).map_err(|err| Error::io(&target, err))
    }
}
