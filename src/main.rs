//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: an analysis of a big ledger builds and frees
/// millions of small strings (the explanation of every classification), where glibc's
/// malloc spends a large part of the run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
