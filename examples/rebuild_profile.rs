//! Profiling aid (not a test): a site and one of its content files → N rebuilds with the serve
//! cache, each after appending a word to that file, timed in-process (no watcher, no debounce).
//! Run under `perf record` to see what a rebuild in `gloss serve` spends its time on.
//!
//! rebuild_profile SITE_DIR CONTENT_FILE [REBUILDS]

use std::path::PathBuf;
use std::time::Instant;

// The allocator of the `gloss` binary, so the times match `gloss serve`.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (site, file) = (PathBuf::from(&args[0]), PathBuf::from(&args[1]));
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let original = std::fs::read_to_string(&file).expect("read the content file");
    let opts = gloss::Options {
        root: site,
        overrides: Default::default(),
        write: false,
    };
    let cache = gloss::cache::Cache::default();
    let t = Instant::now();
    gloss::build_with(&opts, Some(&cache)).expect("first build");
    // Printed so that a profiler can attach (`perf record -p`) once the rebuilds start.
    eprintln!(
        "rebuild_profile: first build {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut times = Vec::new();
    for k in 0..n {
        std::fs::write(&file, format!("{original} word{k}\n")).expect("write");
        let t = Instant::now();
        let built = gloss::build_with(&opts, Some(&cache)).expect("rebuild");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if k + 1 == n
            && let Some(reuse) = built.summary.reuse
        {
            println!("rebuild_profile: the last rebuild redid {reuse}");
        }
    }
    std::fs::write(&file, original).expect("restore");
    times.sort_by(f64::total_cmp);
    println!(
        "rebuild_profile: {n} rebuilds, min {:.1} ms, median {:.1} ms, max {:.1} ms",
        times[0],
        times[n / 2],
        times[n - 1]
    );
}
