//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

// The system allocator: mimalloc was tried (it helped while the analysis built millions of
// small strings) but, with the analysis sharing its texts, it is no faster here and keeps
// nearly twice the memory (1M-row bench ledger: 93-115 MiB against 58 MiB peak).

fn main() -> ExitCode {
    one_malloc_arena();
    cli::main()
}

/// glibc gives each thread that allocates an arena of its own, and memory freed in one
/// is not reused by another: the reader threads' tables, freed when the read is merged,
/// stayed resident while the main thread built the analysis (10M-row bench ledger:
/// peak RSS 205 MiB, 181 MiB with one arena). The readers allocate only when a new
/// supplier, item or cell appears, so they do not contend for the one arena.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread
    // is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
