//! The progress bar of a long read: on stderr, only when stderr is a terminal and the
//! ledgers are large, so that pipes, files and CI logs never see it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use procura::pipeline::Inputs;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Ledgers smaller than this read in well under a second: no bar.
const LARGE_INPUT_BYTES: u64 = 64 << 20;
/// A bar appears only for a read that lasts longer than this, so that it never flashes.
const SHOW_AFTER: Duration = Duration::from_millis(300);
/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Runs `job` on `inputs`, with a progress bar of the bytes read when it is worth one.
pub fn run<T>(mut inputs: Inputs, job: impl FnOnce(&Inputs) -> T) -> T {
    let total: u64 = inputs
        .ledgers
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if total < LARGE_INPUT_BYTES || !std::io::stderr().is_terminal() {
        return job(&inputs);
    }
    let read = Arc::new(AtomicU64::new(0));
    inputs.progress = Some(Arc::clone(&read));
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| draw(&read, &done, total));
        let out = job(&inputs);
        done.store(true, Ordering::Relaxed);
        out
    })
}

/// Draws the bar until `done`; clears it at the end.
fn draw(read: &AtomicU64, done: &AtomicBool, total: u64) {
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    let mut analysing = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        if started.elapsed() < SHOW_AFTER {
            continue;
        }
        let bar = bar.get_or_insert_with(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            // The template is a constant: a failure to parse it is a bug, shown as no style.
            if let Ok(style) =
                ProgressStyle::with_template("{msg:9} [{bar:30}] {bytes}/{total_bytes} {elapsed}")
            {
                b.set_style(style.progress_chars("=> "));
            }
            // No rate: the counter moves in per-thread blocks, and a rate estimated from
            // those jumps swings wildly.
            b.set_message("reading");
            b
        });
        let n = read.load(Ordering::Relaxed).min(total);
        bar.set_position(n);
        if n < total {
            bar.set_message("reading");
        } else if !analysing {
            // The bytes are read: a rate of reading would only decay from here on.
            analysing = true;
            bar.set_message("analysing");
            if let Ok(style) = ProgressStyle::with_template("{msg:9} {spinner} {elapsed}") {
                bar.set_style(style);
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
