//! Writing results: to stdout, or to a file through a temporary file and a rename, so a
//! failed run never leaves a half-written report.

use super::{Failure, exit};
use procura::report::ReportError;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path`, or to stdout when there is none.
pub fn write(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    write_with(path, |out| Ok(out.write_all(bytes)?))
}

/// Writes what `make` writes to `path`, or to stdout when there is none, through a
/// buffer: the report is written as it is made (a big JSON need not be held whole).
pub fn write_with(
    path: Option<&Path>,
    make: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
) -> Result<(), Failure> {
    match path {
        None => {
            let mut out = std::io::BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            let written = make(&mut out).and_then(|()| Ok(out.flush()?));
            match written {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.is_broken_pipe() => Ok(()),
                Err(e) => Err(Failure {
                    code: exit::OUTPUT,
                    message: format!("cannot write to stdout: {e}"),
                }),
                Ok(()) => Ok(()),
            }
        }
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.procura-{}.tmp", std::process::id()));
            let result = std::fs::File::create(&tmp)
                .map_err(ReportError::from)
                .and_then(|f| {
                    let mut out = std::io::BufWriter::with_capacity(BUFFER, f);
                    make(&mut out)?;
                    let f = out.into_inner().map_err(|e| e.into_error())?;
                    Ok(f.sync_all()?)
                })
                .and_then(|()| Ok(std::fs::rename(&tmp, p)?));
            if let Err(e) = result {
                let _ = std::fs::remove_file(&tmp);
                return Err(Failure {
                    code: exit::OUTPUT,
                    message: format!("{}: {e}", p.display()),
                });
            }
            Ok(())
        }
    }
}

/// The write buffer: the JSON writer makes many small writes.
const BUFFER: usize = 256 * 1024;
