//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

// The system allocator: mimalloc was tried (it helped while the analysis built millions of
// small strings) but, with the analysis sharing its texts, it is no faster here and keeps
// nearly twice the memory (1M-row bench ledger: 93-115 MiB against 58 MiB peak). glibc's
// one-arena setting (M_ARENA_MAX=1) kept 10-20 MiB less on the 10M-row ledger but made
// the analysis' threads wait on the arena's lock (1.55 s against 1.39 s, median of 5);
// malloc_trim after the read gave nothing back at the peak. What did help is fixing glibc's
// mmap threshold, see `fix_mmap_threshold`.

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fix_mmap_threshold();
    cli::main()
}

/// Keeps glibc's mmap threshold at its starting value, 128 KiB.
///
/// glibc raises the threshold to the size of each large block freed (up to 32 MiB), so
/// after the reader frees its tables, the analysis' large tables come from the heap
/// arenas, and what they free stays resident. Fixed, every block of 128 KiB or more is
/// mapped on its own and handed back to the system when freed: the 10M-row bench ledger
/// peaks at 79 MB instead of 97 MB, in the same time (medians of 3 runs).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread is
    // started. Its result is ignored: if it fails, the allocator keeps its default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
