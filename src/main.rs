//! The `arshif` binary: the allocator, then the command line in
//! [`arshif::cmd`].

/// The allocator. A build allocates and frees millions of small strings
/// and vectors on every thread; with glibc's malloc that was 13% of a full
/// build's CPU (28k archive). mimalloc is faster at that and, at 280k
/// articles, keeps less memory. Without transparent huge pages: with them,
/// reading the cache (180 MB at 28k) faulted in huge pages and doubled that
/// stage's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    arshif::cmd::main()
}
