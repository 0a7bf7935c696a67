//! The build cache (`.arshif-cache/` by default): what one build leaves for
//! the next, so that an incremental build re-reads only the files that
//! changed, recomputes only the related lists they can affect, re-renders
//! only the pages whose inputs changed and rewrites only the files whose
//! bytes changed. `serve` keeps the same state in memory.

use crate::article::Article;
use crate::diagnostic::{Diagnostic, Kind, Severity};
use crate::error::{Error, Result};
use crate::link::related::RelatedState;
use crate::render::search::SearchIndex;
use crate::write::FileStamp;
// The hash a part file is named after: the manifest's hash of file bytes.
use crate::hash_bytes;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Name of the cache file inside the cache folder.
const STATE_FILE: &str = "state.bin";

/// Changes whenever the cache's layout or what it means changes.
const FORMAT: &str = concat!("arshif-cache-16/", env!("CARGO_PKG_VERSION"));

/// The lock file inside the cache folder: builds that share a cache take
/// turns ([`lock`]).
const LOCK_FILE: &str = "lock";

/// A diagnostic as the cache stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDiagnostic {
    severity: Severity,
    /// As text: a file name need not be UTF-8, the cache's encoding must.
    file: String,
    line: Option<usize>,
    kind: Kind,
    message: String,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            severity: d.severity,
            file: d.file.to_string_lossy().into_owned(),
            line: d.line,
            kind: d.kind.clone(),
            message: d.message.clone(),
        }
    }
}

impl StoredDiagnostic {
    /// Back to a diagnostic.
    pub(crate) fn restore(&self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            file: PathBuf::from(&self.file),
            line: self.line,
            kind: self.kind.clone(),
            message: self.message.clone(),
        }
    }
}

/// An article file as last read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFile {
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
    /// Status change time (ctime), nanoseconds since the epoch: it moves
    /// with every write, even one that puts the modification time back,
    /// and nobody can set it.
    pub changed: i128,
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
    /// Size and modification time of the file as written: a file found
    /// otherwise was changed or removed since, and is written again.
    pub stamp: FileStamp,
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
    /// Files copied from `static/` (no fingerprint; `bytes` is their hash).
    pub statics: BTreeMap<String, PageRecord>,
    /// The entries of `/read-also.json`, in order: a later build copies
    /// from the file those whose fingerprint did not change.
    pub read_also: Vec<crate::render::read_also_json::ReadAlsoEntryPrint>,
    /// Paths the commit of the build that wrote this record removes: the
    /// next build removes those still there (that commit was killed).
    pub pending: Vec<String>,
}

/// What one build leaves in the cache folder for the next: read whole
/// ([`SavedState::load`], every part checked against its hash) and written
/// whole ([`SavedState::save`]). What `serve` keeps only in memory is not
/// here but in [`crate::pipeline::Session`].
#[derive(Debug, Default)]
pub struct SavedState {
    /// Fingerprint of what parsing and analysis depend on (the topic rules).
    pub analysis_print: u64,
    /// When the last build started reading files; files changed since are
    /// re-read even if their times and size match (they may have changed
    /// within the clock's resolution, or while that build read them).
    pub saved_at: i128,
    /// Article files by path inside `content/`.
    pub files: BTreeMap<String, CachedFile>,
    /// The related-articles state.
    pub related: Option<RelatedState>,
    /// The output as last written.
    pub manifest: Option<Manifest>,
    /// The search index, updated rather than gathered again.
    pub search: Option<SearchIndex>,
    /// The part files this state was read from or last saved to: a save
    /// neither encodes nor writes again a part whose inputs' print is
    /// among them while its file is there.
    stored_parts: Vec<StoredPart>,
}

/// Why a cache was not used (the build is then a full one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CacheDamage {
    /// Written by another version of arshif, or not a cache at all.
    #[error("it was written by another version of arshif, or is not an arshif cache")]
    OtherFormat,
    /// The state file's bytes do not match their checksum.
    #[error("{STATE_FILE} is damaged (its checksum does not match)")]
    DamagedState,
    /// A part file is missing or cannot be read.
    #[error("{0} is missing or unreadable")]
    MissingPart(String),
    /// A part file's bytes do not match the hash it is named by.
    #[error("{0} is damaged (its bytes do not match the hash it is named by)")]
    DamagedPart(String),
    /// Every byte checked out, but the records could not be decoded.
    #[error("its records cannot be decoded")]
    Undecodable,
}

/// A part file of the cache as the state file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StoredPart {
    /// Print of what the part was encoded from (0: none, encoded at every save).
    print: u64,
    /// Hash of its bytes, which names the file.
    hash: u64,
    /// Its length in bytes.
    len: usize,
}

/// A part of the state to save: its bytes, or the file that holds them.
enum Part {
    /// Encoded afresh, with the print of what it was encoded from (0: none).
    Encoded(u64, Vec<u8>),
    /// Unchanged since it was stored.
    Stored(StoredPart),
}

/// Nanoseconds since the epoch of a time (0 when before it).
pub(crate) fn nanos(time: SystemTime) -> i128 {
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

/// Buckets the article records are cut into by the hash of their path,
/// each encoded and decoded on a thread of its own and stored in a part
/// file of its own: an edit changes one, and the save writes only the
/// parts whose bytes changed. The layout does not depend on the number of
/// threads.
const FILE_BUCKETS: usize = 16;

/// Buckets of the related entries (see [`RelatedState::encode_parts`]).
const RELATED_BUCKETS: usize = 16;

/// Runs the search index's terms are cut into: the index changes at every
/// edit, so its parts are written every time; the runs are encoded and
/// decoded in parallel.
const SEARCH_RUNS: usize = 4;

/// The name of the part file holding bytes of hash `hash`.
fn part_name(hash: u64) -> String {
    format!("{hash:016x}.part")
}

/// The bucket of an article record.
fn bucket_of(path: &str) -> usize {
    (hash_bytes(path.as_bytes()) % FILE_BUCKETS as u64) as usize
}

/// What the state file says: the parts and the core's bytes.
struct Head<'a> {
    /// How many parts of each group: article records, related, search index.
    groups: [usize; 3],
    parts: Vec<StoredPart>,
    core: &'a [u8],
}

impl<'a> Head<'a> {
    /// Layout: the format line, the number of article parts, related parts
    /// and search index parts (u32 each), every part's print, hash and
    /// length (u64 each), then the core, then the hash of all the bytes
    /// before it (u64). Another version's file, or one whose checksum does
    /// not match, is refused.
    fn parse(bytes: &'a [u8]) -> std::result::Result<Head<'a>, CacheDamage> {
        if !bytes.starts_with(FORMAT.as_bytes()) || bytes.get(FORMAT.len()) != Some(&b'\n') {
            return Err(CacheDamage::OtherFormat);
        }
        let (body, checksum) = bytes.split_last_chunk::<8>().ok_or(CacheDamage::DamagedState)?;
        if hash_bytes(body) != u64::from_le_bytes(*checksum) {
            return Err(CacheDamage::DamagedState);
        }
        Head::parse_body(body).ok_or(CacheDamage::DamagedState)
    }

    fn parse_body(bytes: &'a [u8]) -> Option<Head<'a>> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&'a [u8]> {
            let slice = bytes.get(at..at.checked_add(n)?)?;
            at += n;
            Some(slice)
        };
        if take(FORMAT.len())? != FORMAT.as_bytes() || take(1)? != b"\n" {
            return None;
        }
        let u32_at = |b: &[u8]| b.try_into().ok().map(u32::from_le_bytes).map(|n| n as usize);
        let u64_at = |b: &[u8]| b.try_into().ok().map(u64::from_le_bytes);
        let groups = [u32_at(take(4)?)?, u32_at(take(4)?)?, u32_at(take(4)?)?];
        let parts = (0..groups.iter().sum())
            .map(|_| {
                Some(StoredPart {
                    print: u64_at(take(8)?)?,
                    hash: u64_at(take(8)?)?,
                    len: usize::try_from(u64_at(take(8)?)?).ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let core = bytes.get(at..)?;
        Some(Head { groups, parts, core })
    }

    /// The state file's bytes.
    fn write(groups: [usize; 3], parts: &[StoredPart], core: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(FORMAT.len() + 13 + parts.len() * 24 + core.len());
        bytes.extend_from_slice(FORMAT.as_bytes());
        bytes.push(b'\n');
        for count in groups {
            bytes.extend_from_slice(&(count as u32).to_le_bytes());
        }
        for part in parts {
            bytes.extend_from_slice(&part.print.to_le_bytes());
            bytes.extend_from_slice(&part.hash.to_le_bytes());
            bytes.extend_from_slice(&(part.len as u64).to_le_bytes());
        }
        bytes.extend_from_slice(core);
        let checksum = hash_bytes(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        bytes
    }
}

/// Takes the cache folder's lock, waiting while another build holds it
/// (`waiting` is called once if so): builds that share a cache, into one
/// output or two, run one after the other.
pub(crate) fn lock(dir: &Path, waiting: impl FnOnce(&Path)) -> Result<crate::write::Lock> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Refused(format!(
            "the cache folder {} is not a folder: remove it, or pass --cache DIR or --no-cache",
            dir.display()
        )));
    }
    crate::write::lock_file(&dir.join(LOCK_FILE), waiting)
}

impl SavedState {
    /// Reads the state from `dir`, checking every byte: a missing cache
    /// gives an empty state; a damaged, cut short or another version's one
    /// gives an empty state and what is wrong with it. The build is then a
    /// full one, never a wrong one.
    pub(crate) fn load(dir: &Path) -> (SavedState, Option<CacheDamage>) {
        match SavedState::read(dir) {
            Ok(state) => (state, None),
            Err(None) => (SavedState::default(), None),
            Err(Some(damage)) => (SavedState::default(), Some(damage)),
        }
    }

    fn read(dir: &Path) -> std::result::Result<SavedState, Option<CacheDamage>> {
        let head = match std::fs::read(dir.join(STATE_FILE)) {
            Ok(head) => head,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(None),
            Err(_) => return Err(Some(CacheDamage::MissingPart(STATE_FILE.to_string()))),
        };
        let head = Head::parse(&head)?;
        let parts: Vec<Vec<u8>> = head
            .parts
            .par_iter()
            .map(|part| {
                let name = part_name(part.hash);
                let bytes = std::fs::read(dir.join(&name)).map_err(|_| CacheDamage::MissingPart(name.clone()))?;
                if bytes.len() != part.len || hash_bytes(&bytes) != part.hash {
                    return Err(CacheDamage::DamagedPart(name));
                }
                Ok(bytes)
            })
            .collect::<std::result::Result<_, _>>()?;
        let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let (files, rest) = parts.split_at(head.groups[0].min(parts.len()));
        let (related, search) = rest.split_at(head.groups[1].min(rest.len()));
        let mut state = SavedState::decode(head.core, files, related, search).ok_or(CacheDamage::Undecodable)?;
        state.stored_parts = head.parts;
        Ok(state)
    }

    /// The state from its parts (see [`SavedState::encode`]), `None` when
    /// they are not what this version writes.
    fn decode(core: &[u8], files: &[&[u8]], related: &[&[u8]], search: &[&[u8]]) -> Option<SavedState> {
        let ((core, files), (related, search)) = rayon::join(
            || {
                rayon::join(
                    || bincode::deserialize::<StoredCore<Option<Manifest>>>(core).ok(),
                    || {
                        files
                            .par_iter()
                            .map(|part| bincode::deserialize::<Vec<(String, CachedFile)>>(part).ok())
                            .collect::<Option<Vec<_>>>()
                    },
                )
            },
            || {
                rayon::join(
                    || (!related.is_empty()).then(|| RelatedState::decode_parts(related).ok()),
                    || (!search.is_empty()).then(|| SearchIndex::decode_parts(search).ok()),
                )
            },
        );
        let core = core?;
        let search = match search {
            Some(index) => Some(index?),
            None => None,
        };
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
        Some(SavedState {
            analysis_print: core.analysis_print,
            saved_at: core.saved_at,
            files,
            related,
            manifest: core.manifest,
            search,
            stored_parts: Vec::new(),
        })
    }

    /// The state as bincode (see [`Encoded`]); a part whose print `stored`
    /// finds is not encoded again.
    fn encode(&self, stored: &(dyn Fn(u64) -> Option<StoredPart> + Sync)) -> bincode::Result<Encoded> {
        let core = StoredCore {
            analysis_print: self.analysis_print,
            saved_at: self.saved_at,
            manifest: &self.manifest,
            related: self.related.is_some(),
        };
        let mut buckets: Vec<Vec<(&String, &CachedFile)>> = vec![Vec::new(); FILE_BUCKETS];
        for (path, file) in &self.files {
            buckets[bucket_of(path)].push((path, file));
        }
        let encoded = |print: u64, bytes: Option<Vec<u8>>| match (bytes, stored(print)) {
            (Some(bytes), _) => Some(Part::Encoded(print, bytes)),
            (None, part) => part.map(Part::Stored),
        };
        let ((core, files), (related, search)) = rayon::join(
            || {
                rayon::join(
                    || bincode::serialize(&core),
                    || {
                        buckets
                            .par_iter()
                            .enumerate()
                            .map(|(b, bucket)| {
                                let print = bucket_print(self.analysis_print, b, bucket);
                                Ok(match stored(print) {
                                    Some(part) => Part::Stored(part),
                                    None => Part::Encoded(print, bincode::serialize(bucket)?),
                                })
                            })
                            .collect::<bincode::Result<Vec<_>>>()
                    },
                )
            },
            || {
                rayon::join(
                    || match &self.related {
                        Some(state) => state
                            .encode_parts(RELATED_BUCKETS, &|print| stored(print).is_some())
                            .map(|parts| parts.into_iter().map(|(print, bytes)| encoded(print, bytes)).collect()),
                        None => Ok(Vec::new()),
                    },
                    || match &self.search {
                        Some(index) => index
                            .encode_parts(SEARCH_RUNS)
                            .map(|parts| parts.into_iter().map(|bytes| Some(Part::Encoded(0, bytes))).collect()),
                        None => Ok(Vec::new()),
                    },
                )
            },
        );
        let (core, files, related, search): (_, Vec<Part>, Vec<Option<Part>>, Vec<Option<Part>>) =
            (core?, files?, related?, search?);
        let groups = [files.len(), related.len(), search.len()];
        let parts = files
            .into_iter()
            .map(Some)
            .chain(related)
            .chain(search)
            .collect::<Option<Vec<Part>>>()
            .ok_or_else(|| Box::new(bincode::ErrorKind::Custom("a part left unencoded".into())))?;
        Ok(Encoded { core, parts, groups })
    }

    /// Writes the state to `dir`: the part files whose bytes are not there
    /// yet, then the state file naming them (replaced atomically: a build
    /// that stops half way leaves the previous state whole), then removes
    /// the part files no longer named.
    pub(crate) fn save(&mut self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
        // Parts this state was read from or last saved, still there.
        let on_disk = |part: &StoredPart| {
            std::fs::metadata(dir.join(part_name(part.hash))).is_ok_and(|m| m.len() == part.len as u64)
        };
        let by_print: FxHashMap<u64, StoredPart> = self
            .stored_parts
            .iter()
            .filter(|part| part.print != 0 && on_disk(part))
            .map(|part| (part.print, *part))
            .collect();
        let stored_hashes: FxHashSet<u64> = self.stored_parts.iter().map(|part| part.hash).collect();
        let Encoded { core, parts, groups } = self
            .encode(&|print| by_print.get(&print).copied())
            .map_err(|err| Error::io(dir.join(STATE_FILE), std::io::Error::other(err.to_string())))?;
        let named: Vec<StoredPart> = parts
            .par_iter()
            .map(|part| match part {
                Part::Encoded(print, bytes) => StoredPart {
                    print: *print,
                    hash: hash_bytes(bytes),
                    len: bytes.len(),
                },
                Part::Stored(part) => *part,
            })
            .collect();
        // Parts with the same bytes (empty buckets of a small archive) are one file.
        let mut to_write: Vec<(&StoredPart, &Vec<u8>)> = named
            .iter()
            .zip(&parts)
            .filter_map(|(named, part)| match part {
                Part::Encoded(_, bytes) => Some((named, bytes)),
                Part::Stored(_) => None,
            })
            .filter(|(named, _)| !(stored_hashes.contains(&named.hash) && on_disk(named)))
            .collect();
        to_write.sort_unstable_by_key(|(named, _)| named.hash);
        to_write.dedup_by_key(|(named, _)| named.hash);
        to_write
            .par_iter()
            .try_for_each(|(named, bytes)| write_durably(&dir.join(part_name(named.hash)), bytes))?;
        write_durably(&dir.join(STATE_FILE), &Head::write(groups, &named, &core))?;
        let kept: FxHashSet<u64> = named.iter().map(|part| part.hash).collect();
        self.stored_parts = named;
        // Parts of earlier states: nothing names them any more.
        if let Ok(listing) = std::fs::read_dir(dir) {
            for entry in listing.flatten() {
                let name = entry.file_name();
                let stale = name.to_str().is_some_and(|name| {
                    // A part's temporary file that a stopped save left.
                    name.ends_with(".part.tmp")
                        || name
                            .strip_suffix(".part")
                            .and_then(|hash| u64::from_str_radix(hash, 16).ok())
                            .is_some_and(|hash| !kept.contains(&hash))
                });
                if stale {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(())
    }
}

/// Print of what an article bucket is encoded from: a record is what its
/// file's bytes (`source_hash`, with its time and size) give under the
/// analysis settings (`analysis_print`), so the same prints give the
/// same records.
fn bucket_print(analysis_print: u64, bucket: usize, records: &[(&String, &CachedFile)]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write_u64(analysis_print);
    hasher.write_usize(bucket);
    for (path, file) in records {
        hasher.write(path.as_bytes());
        hasher.write_u8(0xff);
        hasher.write_i128(file.modified);
        hasher.write_u64(file.size);
        hasher.write_u64(file.article.source_hash);
        hasher.write_usize(file.warnings.len());
    }
    // 0 stands for "no print".
    hasher.finish().max(1)
}

/// A state as bincode.
struct Encoded {
    /// The core, stored in the state file itself.
    core: Vec<u8>,
    /// The parts: the article records in [`FILE_BUCKETS`] buckets, then
    /// the related-articles parts, then the search index's.
    parts: Vec<Part>,
    /// How many parts of each group.
    groups: [usize; 3],
}

/// Writes `bytes` to `path` through a temporary file renamed once its
/// bytes are on the disk: `path` holds the old bytes or the new, whole.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = std::fs::File::create(&temporary).map_err(|err| Error::io(&temporary, err))?;
    // In pieces of a megabyte: one write of a hundred megabytes was three
    // times slower here than the same bytes in pieces.
    for piece in bytes.chunks(1 << 20) {
        std::io::Write::write_all(&mut file, piece).map_err(|err| Error::io(&temporary, err))?;
    }
    file.sync_all().map_err(|err| Error::io(&temporary, err))?;
    std::fs::rename(&temporary, path).map_err(|err| Error::io(path, err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse_article, SourceFile};

    /// A state of `n` plain-text articles, the `edited`th with other text.
    fn state(n: usize, edited: Option<usize>) -> SavedState {
        let files = (0..n)
            .map(|i| {
                let content_path = format!("2018/article-{i}.txt");
                let file = SourceFile {
                    content_path: content_path.clone(),
                    path: PathBuf::from("content").join(&content_path),
                };
                let body = match edited == Some(i) {
                    true => "فقرة معدلة.",
                    false => "فقرة.",
                };
                let (article, _) = parse_article(&file, &format!("عنوان {i}\nمقدمة\n{body}\n")).unwrap();
                let record = CachedFile {
                    modified: i as i128,
                    changed: i as i128,
                    size: 10,
                    article: Arc::new(article),
                    warnings: Vec::new(),
                };
                (content_path, record)
            })
            .collect();
        SavedState {
            analysis_print: 7,
            files,
            ..SavedState::default()
        }
    }

    /// Names of the part files in `dir` with their inode numbers, which
    /// change when a file is written again.
    fn parts(dir: &Path) -> BTreeMap<String, u64> {
        use std::os::unix::fs::MetadataExt;
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().ino(),
                )
            })
            .collect()
    }

    #[test]
    fn a_save_writes_only_the_parts_that_changed_and_removes_the_old() {
        let dir = tempfile::tempdir().unwrap();
        state(200, None).save(dir.path()).unwrap();
        let before = parts(dir.path());
        assert_eq!(before.len(), FILE_BUCKETS, "one part a bucket");

        // A load then a save of the same state writes nothing again.
        let mut loaded = SavedState::load(dir.path()).0;
        assert_eq!(loaded.files.len(), 200);
        assert_eq!(loaded.analysis_print, 7);
        loaded.save(dir.path()).unwrap();
        assert_eq!(parts(dir.path()), before);

        // One article edited: its bucket's part is replaced, no other.
        let mut edited = state(200, Some(42));
        edited.stored_parts = loaded.stored_parts.clone();
        edited.save(dir.path()).unwrap();
        let after = parts(dir.path());
        assert_eq!(after.len(), FILE_BUCKETS);
        let kept = after
            .iter()
            .filter(|&(name, ino)| before.get(name) == Some(ino))
            .count();
        assert_eq!(kept, FILE_BUCKETS - 1, "{before:?}\n{after:?}");
        let reloaded = SavedState::load(dir.path()).0;
        assert_eq!(
            reloaded.files["2018/article-42.txt"].article.source_hash,
            edited.files["2018/article-42.txt"].article.source_hash
        );
        assert_ne!(
            reloaded.files["2018/article-42.txt"].article.source_hash,
            loaded.files["2018/article-42.txt"].article.source_hash
        );
    }

    #[test]
    fn a_missing_or_damaged_part_gives_an_empty_state_and_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        state(50, None).save(dir.path()).unwrap();
        let names: Vec<String> = parts(dir.path()).into_keys().collect();
        std::fs::remove_file(dir.path().join(&names[0])).unwrap();
        let mut loaded = SavedState::load(dir.path()).0;
        assert!(loaded.files.is_empty(), "a state without one of its parts");

        // Cut short: the length the state file records no longer matches.
        state(50, None).save(dir.path()).unwrap();
        let file = dir.path().join(&names[1]);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        loaded = SavedState::load(dir.path()).0;
        assert!(loaded.files.is_empty(), "a state with a damaged part");

        // The next save, knowing no part, writes every one again.
        state(50, None).save(dir.path()).unwrap();
        assert_eq!(SavedState::load(dir.path()).0.files.len(), 50);
    }

    #[test]
    fn a_flipped_byte_anywhere_is_found_and_never_read_as_a_state() {
        let dir = tempfile::tempdir().unwrap();
        state(40, None).save(dir.path()).unwrap();
        let mut files: Vec<PathBuf> = parts(dir.path()).into_keys().map(|n| dir.path().join(n)).collect();
        files.sort();
        files.dedup();
        files.insert(0, dir.path().join(STATE_FILE));
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            // Every byte of small files, a spread of positions in large ones.
            let step = (bytes.len() / 300).max(1);
            for at in (0..bytes.len()).step_by(step) {
                let mut flipped = bytes.clone();
                flipped[at] ^= 1 << (at % 8);
                std::fs::write(&file, &flipped).unwrap();
                let (loaded, damage) = SavedState::load(dir.path());
                assert!(damage.is_some(), "{} byte {at}: not noticed", file.display());
                assert!(
                    loaded.files.is_empty(),
                    "{} byte {at}: a damaged state was used",
                    file.display()
                );
            }
            std::fs::write(&file, &bytes).unwrap();
            assert_eq!(SavedState::load(dir.path()).0.files.len(), 40);
        }
    }

    #[test]
    fn articles_with_front_matter_keys_of_their_own_come_back_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = SourceFile {
            content_path: "2018/a.md".to_string(),
            path: PathBuf::from("content/2018/a.md"),
        };
        let text = "---\ntitle: عنوان\ndate: 2018-01-01\nimport_hash: 8a45d4857f1c4c48\nfeatured: true\ngallery:\n  src: a.jpg\n  credit: [أ, 2]\n---\n\nنص.\n";
        let (article, _) = parse_article(&file, text).unwrap();
        assert_eq!(article.extra.len(), 3, "{:?}", article.extra);
        let record = CachedFile {
            modified: 1,
            changed: 1,
            size: 10,
            article: Arc::new(article),
            warnings: Vec::new(),
        };
        let mut saved = SavedState {
            files: [("2018/a.md".to_string(), record)].into_iter().collect(),
            ..SavedState::default()
        };
        saved.save(dir.path()).unwrap();
        let (loaded, damage) = SavedState::load(dir.path());
        assert_eq!(damage, None);
        assert_eq!(
            loaded.files["2018/a.md"].article.extra,
            saved.files["2018/a.md"].article.extra
        );
    }
}
