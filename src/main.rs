//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

// The system allocator: mimalloc was tried (it helped while the analysis built millions of
// small strings) but, with the analysis sharing its texts, it is no faster here and keeps
// nearly twice the memory (1M-row bench ledger: 93-115 MiB against 58 MiB peak). glibc's
// one-arena setting (M_ARENA_MAX=1) kept 10-20 MiB less on the 10M-row ledger but made
// the analysis' threads wait on the arena's lock (1.55 s against 1.39 s, median of 5);
// malloc_trim after the read gave nothing back at the peak.

fn main() -> ExitCode {
    cli::main()
}
