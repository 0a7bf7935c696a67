//! arshif (أرشيف): a static site generator for Arabic news archives.
//!
//! The modules follow the data: [`load`] reads article files, [`analyse`]
//! normalises and tokenises Arabic text, [`link`] builds the [`link::Site`]
//! (topics, related articles, references), [`render`] turns it into pages
//! and [`write`] puts them on disk atomically. [`pipeline`] runs the stages.

#![warn(missing_docs, unreachable_pub)]

pub mod analyse;
pub(crate) mod article;
pub(crate) mod cache;
pub mod cmd;
pub mod config;
pub(crate) mod diagnostic;
pub(crate) mod error;
pub(crate) mod import;
pub mod link;
pub mod load;
pub(crate) mod photos;
pub mod pipeline;
pub(crate) mod postings;
pub mod render;
pub(crate) mod write;

/// Hash of some bytes (FxHash): how the cache and the output manifest tell
/// whether an article file, an output file or a cache part changed. Fast, not
/// collision-resistant; nothing here hashes untrusted input for security.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    std::hash::Hasher::finish(&hasher)
}

/// FxHash of a value through its `Hash` impl: the same fast hash as
/// [`hash_bytes`], for values (fingerprints made of other fingerprints, the
/// search index's chunk boundaries).
pub(crate) fn hash_of(value: impl std::hash::Hash) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    value.hash(&mut hasher);
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
