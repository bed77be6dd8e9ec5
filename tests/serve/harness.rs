//! The harness of tests/serve.rs: `gloss serve` started on a fixture site, its output and its
//! event stream collected, requests sent as a browser would.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::gloss;

/// The first build of a debug binary on a busy machine can be slow; rebuilds must not be.
pub const STARTUP: Duration = Duration::from_secs(300);
/// The acceptance bound from saving a file to the page's reload signal and changed page.
pub const RELOAD: Duration = Duration::from_secs(2);

pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    pub stderr: Arc<Mutex<String>>,
    pub stdout: Arc<Mutex<String>>,
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Server {
    pub fn start(site: &Path, extra: &[&str]) -> Server {
        let mut child = gloss()
            .args(["serve", "--port", "0", "--root"])
            .arg(site)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gloss serve");
        let stderr = collect(child.stderr.take().expect("stderr"));
        let (url_tx, url_rx) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(String::new()));
        let out = child.stdout.take().expect("stdout");
        let sink = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    let _ = url_tx.send(url.to_string());
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let url = match url_rx.recv_timeout(STARTUP) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "gloss serve printed no URL:\n{}",
                    stderr.lock().unwrap().as_str()
                );
            }
        };
        let origin = url
            .trim_end_matches('/')
            .trim_end_matches("/repo")
            .to_string();
        assert!(url.ends_with("/repo/"), "served under the base path: {url}");
        Server {
            child,
            origin,
            stderr,
            stdout,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut r = agent
            .get(format!("{}{path}", self.origin))
            .call()
            .expect("request");
        Reply {
            status: r.status().as_u16(),
            content_type: r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    /// Listens like an open page: the events of `/.gloss/events`, as (name, data).
    pub fn listen(&self) -> Receiver<(String, String)> {
        let (tx, rx) = mpsc::channel();
        let url = format!("{}/.gloss/events", self.origin);
        std::thread::spawn(move || {
            let Ok(r) = ureq::get(&url).call() else {
                return;
            };
            let reader = BufReader::new(r.into_body().into_reader());
            let (mut name, mut data) = (String::new(), String::new());
            for line in reader.lines().map_while(Result::ok) {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.strip_prefix(' ').unwrap_or(v));
                } else if line.is_empty() {
                    // As a browser does (HTML's event-stream rules): an event without data is
                    // not dispatched at all.
                    let (n, d) = (std::mem::take(&mut name), std::mem::take(&mut data));
                    if !n.is_empty() && !d.is_empty() && tx.send((n, d)).is_err() {
                        return;
                    }
                }
            }
        });
        let (name, _) = rx.recv_timeout(STARTUP).expect("the hello event");
        assert_eq!(name, "hello");
        rx
    }

    /// Ctrl-C, then the exit status.
    pub fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill -INT");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "gloss serve did not stop on Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn collect(from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let sink = Arc::new(Mutex::new(String::new()));
    let s = sink.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            s.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    sink
}

/// The next event called `want`, skipping others, within `limit`.
pub fn next_event(rx: &Receiver<(String, String)>, want: &str, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((name, data)) if name == want => return Some(data),
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        }
    }
}

pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read content file");
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write content file");
}
