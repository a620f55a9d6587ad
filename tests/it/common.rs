//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Runs the procura binary from the repository root with the given arguments.
pub fn procura(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procura"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the procura binary runs")
}

/// stdout as text, asserting success.
pub fn ok(args: &[&str]) -> String {
    let out = procura(args);
    assert!(
        out.status.success(),
        "procura {args:?} failed with {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A fresh temporary directory for one test, removed again when the test ends.
///
/// Removal happens on drop, so a failing test (a panic unwinds) cleans up too; the
/// name carries the process id so that parallel `cargo test` runs never share one.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Creates the [`TempDir`] of one test (emptied first if a killed run left it behind).
pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("procura-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

/// Writes a file and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

/// Cases a property test runs: `default`, or `PROPTEST_CASES` when set (a config that
/// names its cases would otherwise ignore the variable), for longer hunts.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
