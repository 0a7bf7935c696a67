//! The photo cache, under the cache folder's `photos/`: the files made
//! from each photo, in a folder named by its key (its bytes and the
//! settings), each checked against its recorded hash when read back; and
//! an index of the photos read, by path, size and times, so that a build
//! finds an unchanged photo's header without reading the file.

use super::probe::Probe;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name of the index file inside the store.
const INDEX: &str = "index.bin";
/// First line of the index, changed when its layout changes.
const INDEX_FORMAT: &[u8] = b"arshif-photo-index-1\n";
/// Name of the record of a key's files inside its folder.
const SUMS: &str = "sums";

/// How a photo file was when it was probed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Seen {
    /// Modification time (nanoseconds since the epoch).
    pub(crate) modified: i128,
    /// Status change time (nanoseconds since the epoch).
    pub(crate) changed: i128,
    /// Length in bytes.
    pub(crate) size: u64,
    /// What the probe found.
    pub(crate) probe: Probe,
}

/// The photos read by the last build, by path.
pub(crate) type Index = BTreeMap<String, Seen>;

/// Reads the index (empty when missing, damaged or of another version).
pub(crate) fn load_index(store: &Path) -> Index {
    let Ok(bytes) = std::fs::read(store.join(INDEX)) else {
        return Index::new();
    };
    let Some(rest) = bytes.strip_prefix(INDEX_FORMAT) else {
        return Index::new();
    };
    if rest.len() < 8 {
        return Index::new();
    }
    let (payload, sum) = rest.split_at(rest.len() - 8);
    let mut expected = [0u8; 8];
    expected.copy_from_slice(sum);
    if crate::hash_bytes(payload) != u64::from_le_bytes(expected) {
        return Index::new();
    }
    bincode::deserialize(payload).unwrap_or_default()
}

/// Writes the index (in a temporary file, renamed over the old one).
pub(crate) fn save_index(store: &Path, index: &Index) -> std::io::Result<()> {
    std::fs::create_dir_all(store)?;
    let payload = bincode::serialize(index).map_err(std::io::Error::other)?;
    let mut bytes = INDEX_FORMAT.to_vec();
    bytes.extend_from_slice(&payload);
    bytes.extend_from_slice(&crate::hash_bytes(&payload).to_le_bytes());
    let temporary = store.join(format!(".{INDEX}.{}", std::process::id()));
    std::fs::write(&temporary, &bytes)?;
    std::fs::rename(&temporary, store.join(INDEX))
}

/// The folder of a key's files.
fn folder(store: &Path, key: u64) -> PathBuf {
    store.join(format!("{key:016x}"))
}

/// The files of `key`, named as given, when the store has every one of
/// them intact; `None` otherwise (then they are made again).
pub(crate) fn load(store: &Path, key: u64, names: &[&str]) -> Option<Vec<Vec<u8>>> {
    let dir = folder(store, key);
    let sums = std::fs::read_to_string(dir.join(SUMS)).ok()?;
    let recorded: BTreeMap<&str, u64> = sums
        .lines()
        .filter_map(|line| {
            let (name, hash) = line.split_once(' ')?;
            Some((name, u64::from_str_radix(hash, 16).ok()?))
        })
        .collect();
    names
        .iter()
        .map(|name| {
            let expected = *recorded.get(name)?;
            let bytes = std::fs::read(dir.join(name)).ok()?;
            (crate::hash_bytes(&bytes) == expected).then_some(bytes)
        })
        .collect()
}

/// Keeps the files of `key` for later builds: written into a temporary
/// folder, which is then renamed into place, so that a killed build
/// leaves no half-written entry. Failing to keep them is not an error of
/// the build (they are made again next time).
pub(crate) fn save(store: &Path, key: u64, files: &[(&str, &[u8])]) {
    let dir = folder(store, key);
    if dir.join(SUMS).is_file() {
        return;
    }
    let temporary = store.join(format!(
        ".{key:016x}.{}.{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let written = (|| {
        let _ = std::fs::remove_dir_all(&temporary);
        std::fs::create_dir_all(&temporary)?;
        let mut sums = String::new();
        for (name, bytes) in files {
            std::fs::write(temporary.join(name), bytes)?;
            sums.push_str(&format!("{name} {:016x}\n", crate::hash_bytes(bytes)));
        }
        std::fs::write(temporary.join(SUMS), sums)?;
        // A damaged entry left by an older build is replaced.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&temporary, &dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&temporary);
    }
}
