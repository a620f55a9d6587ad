//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

// The system allocator: mimalloc was tried (it helped while the analysis built millions of
// small strings) but, with the analysis sharing its texts, it is no faster here and keeps
// nearly twice the memory (1M-row bench ledger: 93-115 MiB against 58 MiB peak).

fn main() -> ExitCode {
    cli::main()
}
