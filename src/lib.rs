//! arshif (أرشيف): a static site generator for Arabic news archives.
//!
//! The modules follow the data: [`load`] reads article files, [`analyse`]
//! normalises and tokenises Arabic text, [`link`] builds the [`link::Site`]
//! (topics, related articles, references), [`render`] turns it into pages
//! and [`write`] puts them on disk atomically. [`pipeline`] runs the stages.

pub mod analyse;
pub mod article;
pub mod cache;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod import;
pub mod link;
pub mod load;
pub mod photos;
pub mod pipeline;
pub mod postings;
pub mod render;
pub mod write;

/// Hash of some bytes (FxHash): how the cache and the output manifest tell
/// whether an article file, an output file or a cache part changed. Fast, not
/// collision-resistant; nothing here hashes untrusted input for security.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    std::hash::Hasher::finish(&hasher)
}

/// A small deterministic random source for unit tests (xorshift64): fixtures
/// that look random and are the same on every run. `seed` must not be 0.
#[cfg(test)]
pub(crate) fn test_random(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
