//! Writing results: to stdout, or to a file through a temporary file and a rename, so a
//! failed run never leaves a half-written report.

use super::{Failure, exit};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path`, or to stdout when there is none.
pub fn write(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |what: &str, p: &Path, e: std::io::Error| Failure {
        code: exit::OUTPUT,
        message: format!("{}: cannot {what}: {e}", p.display()),
    };
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
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
                .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
                .and_then(|()| std::fs::rename(&tmp, p));
            if let Err(e) = result {
                let _ = std::fs::remove_file(&tmp);
                return Err(fail("write the report", p, e));
            }
            Ok(())
        }
    }
}
