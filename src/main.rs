//! The `procura` command: parses arguments, calls the library, writes the output and maps
//! errors to exit codes. All the work is in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
