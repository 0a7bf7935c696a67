//! The build cache (`.arshif-cache/` by default): what one build leaves for
//! the next, so that an incremental build re-reads only the files that
//! changed, recomputes only the related lists they can affect, re-renders
//! only the pages whose inputs changed and rewrites only the files whose
//! bytes changed. `serve` keeps the same state in memory.

use crate::article::Article;
use crate::diagnostic::{Diagnostic, Severity, KINDS};
use crate::error::{Error, Result};
use crate::link::related::RelatedState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Name of the cache file inside the cache folder.
const STATE_FILE: &str = "state.bin";

/// Changes whenever the cache's layout or what it means changes.
const FORMAT: &str = concat!("arshif-cache-4/", env!("CARGO_PKG_VERSION"));

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
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BuildState {
    format: String,
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
    #[serde(skip)]
    pub render: crate::render::RenderMemory,
    /// The last walk of `content/` (files, and the warnings it gave), kept
    /// in memory only (`serve`), for [`BuildState::changed`].
    #[serde(skip)]
    pub sources: Option<(Vec<crate::load::SourceFile>, Vec<crate::diagnostic::Diagnostic>)>,
    /// The paths a file watcher reported since the last build, when it is
    /// sure to have reported every change (`serve`): the next build then
    /// updates [`BuildState::sources`] and reads only these files again,
    /// instead of walking and checking the whole archive. Taken by the build.
    #[serde(skip)]
    pub changed: Option<Vec<PathBuf>>,
}

/// Nanoseconds since the epoch of a time (0 when before it).
pub fn nanos(time: SystemTime) -> i128 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

impl BuildState {
    /// Reads the state from `dir`; a missing, unreadable or outdated cache
    /// gives an empty state (the build is then a full one).
    pub fn load(dir: &Path) -> BuildState {
        let Ok(bytes) = std::fs::read(dir.join(STATE_FILE)) else {
            return BuildState::default();
        };
        match bincode::deserialize::<BuildState>(&bytes) {
            Ok(state) if state.format == FORMAT => state,
            _ => BuildState::default(),
        }
    }

    /// Writes the state to `dir` (atomically: a temporary file renamed).
    pub fn save(&mut self, dir: &Path) -> Result<()> {
        self.format = FORMAT.to_string();
        std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
        let temporary = dir.join(format!("{STATE_FILE}.tmp"));
        let file = std::fs::File::create(&temporary).map_err(|err| Error::io(&temporary, err))?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
        bincode::serialize_into(&mut writer, self)
            .map_err(|err| Error::io(&temporary, std::io::Error::other(err.to_string())))?;
        let file = writer
            .into_inner()
            .map_err(|err| Error::io(&temporary, err.into_error()))?;
        file.sync_all().map_err(|err| Error::io(&temporary, err))?;
        let target = dir.join(STATE_FILE);
        std::fs::rename(&temporary, &target).map_err(|err| Error::io(&target, err))
    }
}
