//! Benchmark (not a test): a site and one of its content files → the time from saving that file
//! to `gloss serve` telling open pages to reload, over several saves. Run by bench/reload.sh.
//!
//! reload_latency GLOSS_BINARY SITE_DIR CONTENT_FILE [SAVES]
//!
//! Each save appends a different word to the file's last line (so the output really changes),
//! then waits for the `reload` event on `/.gloss/events`, as an open page does. The file is put
//! back as it was at the end. Prints one line per save and a summary line:
//! `reload_latency: N saves, min X ms, median Y ms, max Z ms, first build W ms`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: reload_latency GLOSS_BINARY SITE_DIR CONTENT_FILE [SAVES]");
        std::process::exit(2);
    }
    let (gloss, site, file) = (&args[0], PathBuf::from(&args[1]), PathBuf::from(&args[2]));
    let saves: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let original = std::fs::read_to_string(&file).expect("read the content file");

    let started = Instant::now();
    let mut child = Command::new(gloss)
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gloss serve");
    let (url_tx, url_rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(u) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                let _ = url_tx.send(u.to_string());
            }
        }
    });
    let url = url_rx
        .recv_timeout(Duration::from_secs(3600))
        .expect("gloss serve printed its URL");
    let first_build = started.elapsed();
    let origin = url.split('/').take(3).collect::<Vec<_>>().join("/");

    // Listen like an open page.
    let (ev_tx, events) = mpsc::channel::<(String, Instant)>();
    let events_url = format!("{origin}/.gloss/events");
    std::thread::spawn(move || {
        let r = ureq::get(&events_url).call().expect("event stream");
        let (mut name, mut data) = (String::new(), false);
        for line in BufReader::new(r.into_body().into_reader())
            .lines()
            .map_while(Result::ok)
        {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if line.starts_with("data:") {
                data = true;
            } else if line.is_empty() {
                // A browser dispatches only events that carry data.
                if data && !name.is_empty() {
                    let _ = ev_tx.send((std::mem::take(&mut name), Instant::now()));
                }
                (name, data) = (String::new(), false);
            }
        }
    });
    let (hello, _) = events.recv_timeout(Duration::from_secs(60)).expect("hello");
    assert_eq!(hello, "hello");

    let mut times = Vec::new();
    for n in 0..saves {
        std::thread::sleep(Duration::from_millis(300));
        while events.try_recv().is_ok() {} // a previous save's stragglers
        let text = format!("{} edit{n}\n", original.trim_end());
        let saved = Instant::now();
        std::fs::write(&file, text).expect("save");
        let reloaded = loop {
            match events.recv_timeout(Duration::from_secs(3600)) {
                Ok((name, at)) if name == "reload" => break at,
                Ok((name, _)) if name == "failed" => panic!("the edit broke the build"),
                Ok(_) => continue,
                Err(e) => panic!("no reload signal: {e}"),
            }
        };
        let ms = reloaded.duration_since(saved).as_secs_f64() * 1000.0;
        println!("save {n}: reload signal after {ms:.1} ms");
        times.push(ms);
    }
    std::fs::write(&file, &original).expect("restore the content file");
    let _ = child.kill();
    let _ = child.wait();

    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "reload_latency: {} saves, min {:.0} ms, median {:.0} ms, max {:.0} ms, first build {} ms",
        times.len(),
        times[0],
        median,
        times[times.len() - 1],
        first_build.as_millis()
    );
}
