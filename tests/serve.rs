//! `gloss serve` as a user meets it: a fixture site served on a free port, edited while a page
//! listens for reloads, broken and fixed, attacked with traversal paths, stopped with Ctrl-C.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use support::{fixture_site, gloss};

#[path = "serve/harness.rs"]
mod harness;

use harness::*;

const PAGE: &str = "/repo/interviews/first/";

#[test]
fn an_edit_reloads_the_page_and_a_broken_file_shows_the_overlay_over_the_last_good_build() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &[]);
    let first = server.get(PAGE);
    assert_eq!(first.status, 200);
    assert_eq!(first.content_type, "text/html; charset=utf-8");
    assert!(first.body.contains("Patience is the whole craft."));
    assert!(first.body.contains("<script data-gloss-reload>"));
    assert!(!first.body.contains("id=\"gloss-overlay\""));
    let events = server.listen();
    let file = site.join("content/interviews/first.md");

    // A save: the reload signal, then the changed page, within two seconds.
    let saved = Instant::now();
    edit(
        &file,
        "Patience is the whole craft.",
        "Patience is most of the craft.",
    );
    assert!(
        next_event(&events, "reload", RELOAD).is_some(),
        "no reload signal within {RELOAD:?} of the save\n{}",
        server.stderr()
    );
    let page = server.get(PAGE);
    let took = saved.elapsed();
    assert!(page.body.contains("Patience is most of the craft."));
    assert!(took < RELOAD, "save to changed page took {took:?}");

    // Broken front matter: the overlay names the file and line; the last good page stays.
    edit(
        &file,
        "title: \"Ada Potter on kilns\"",
        "title: [Ada Potter on kilns",
    );
    let overlay = next_event(&events, "failed", RELOAD)
        .unwrap_or_else(|| panic!("no failure event\n{}", server.stderr()));
    let overlay: String = serde_json::from_str(&overlay).expect("overlay is a JSON string");
    assert!(overlay.contains("role=\"alertdialog\""), "{overlay}");
    // The saved file's own error comes first, before the links it broke elsewhere.
    let first_place = overlay
        .find("content/")
        .map(|i| &overlay[i..])
        .unwrap_or("");
    assert!(
        first_place.starts_with("content/interviews/first.md:2:"),
        "{overlay}"
    );
    assert!(
        overlay.contains("content/interviews/first.md:2:"),
        "the overlay names file and line: {overlay}"
    );
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Patience is most of the craft."));
    assert!(
        page.body
            .contains("id=\"gloss-overlay\" role=\"alertdialog\"")
    );
    assert!(page.body.contains("content/interviews/first.md:2:"));
    // The terminal says the same (its reader thread may be a moment behind).
    let deadline = Instant::now() + RELOAD;
    while !server.stderr().contains("content/interviews/first.md:2:") {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }

    // Fixed: a reload, and the page comes back without the overlay.
    edit(
        &file,
        "title: [Ada Potter on kilns",
        "title: \"Ada Potter on kilns\"",
    );
    assert!(next_event(&events, "reload", RELOAD).is_some());
    let page = server.get(PAGE);
    assert!(!page.body.contains("id=\"gloss-overlay\""));
    assert!(page.body.contains("Patience is most of the craft."));

    let stdout = server.stdout.clone();
    let status = server.interrupt();
    assert!(status.success(), "Ctrl-C is a clean stop: {status:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(stdout.lock().unwrap().contains("gloss: stopped"));
}

#[test]
fn editor_habits_bursts_swap_files_atomic_saves_deletes_and_moved_folders() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &[]);
    let events = server.listen();
    let file = site.join("content/interviews/first.md");
    let original = std::fs::read_to_string(&file).unwrap();

    // A burst of saves ends with the last one served.
    for i in 0..10 {
        std::fs::write(
            &file,
            original.replace("Patience", &format!("Patience {i}")),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(7));
    }
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_for(&server, PAGE, "Patience 9 is");
    settle(&events);

    // Swap and backup files are not content: no rebuild.
    std::fs::write(site.join("content/interviews/.first.md.swp"), "vim swap").unwrap();
    std::fs::write(site.join("content/interviews/first.md~"), "backup").unwrap();
    std::fs::write(site.join("content/interviews/4913"), "").unwrap();
    assert_eq!(
        next_event(&events, "reload", Duration::from_millis(800)),
        None,
        "editor leftovers triggered a reload"
    );

    // An atomic save: a temporary file renamed over the page.
    let tmp = site.join("content/interviews/.first.md.tmp123");
    std::fs::write(&tmp, original.replace("Patience", "Calm")).unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_for(&server, PAGE, "Calm is the whole craft.");

    // A page deleted, then created again.
    let colophon = site.join("content/notes/colophon.md");
    let text = std::fs::read_to_string(&colophon).unwrap();
    std::fs::remove_file(&colophon).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_status(&server, "/repo/notes/colophon/", 404);
    std::fs::write(&colophon, &text).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_status(&server, "/repo/notes/colophon/", 200);

    // A folder moved: its pages move with it, and it is still watched there.
    std::fs::rename(site.join("content/notes"), site.join("content/about")).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_for(&server, "/repo/about/colophon/", "Nothing links here");
    wait_status(&server, "/repo/notes/colophon/", 404);
    edit(
        &site.join("content/about/colophon.md"),
        "Nothing links here",
        "Still nothing links here",
    );
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_for(&server, "/repo/about/colophon/", "Still nothing links here");

    // The whole content folder moved away and back: an error, then the site again.
    settle(&events);
    std::fs::rename(site.join("content"), site.join("content-away")).unwrap();
    assert!(next_event(&events, "failed", RELOAD).is_some());
    std::fs::rename(site.join("content-away"), site.join("content")).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    edit(&file, "Calm is", "Quiet is");
    assert!(next_event(&events, "reload", RELOAD).is_some());
    wait_for(&server, PAGE, "Quiet is the whole craft.");
}

fn wait_status(server: &Server, path: &str, status: u16) {
    let deadline = Instant::now() + RELOAD;
    while server.get(path).status != status {
        assert!(Instant::now() < deadline, "{path} never answered {status}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lets a burst's later rebuilds finish: events are dropped until none came for half a second.
fn settle(rx: &Receiver<(String, String)>) {
    while rx.recv_timeout(Duration::from_millis(500)).is_ok() {}
}

/// Polls until the page says `text` (the reload signal may come from an earlier save of a burst).
fn wait_for(server: &Server, path: &str, text: &str) {
    let deadline = Instant::now() + RELOAD;
    loop {
        let r = server.get(path);
        if r.status == 200 && r.body.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never said {text:?} (status {})\n{}",
            r.status,
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn served_like_github_pages_under_the_base_path() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &[]);
    let home = server.get("/repo/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<script data-gloss-reload>"));
    // A folder without its slash is redirected; `/repo` itself too.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    for (path, to) in [
        ("/repo/interviews/first", "/repo/interviews/first/"),
        ("/repo", "/repo/"),
    ] {
        let r = agent
            .get(format!("{}{path}", server.origin))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 301, "{path}");
        assert_eq!(r.headers().get("location").unwrap(), to);
    }
    // Missing pages and paths outside the base path get the site's 404 page.
    for path in ["/repo/no/such/page/", "/", "/interviews/first/"] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("class=\"page not-found\""), "{path}");
    }
    // A folder with no index.html is not listed.
    let r = server.get("/repo/interviews/first/parallel/../");
    assert_ne!(r.status, 200);
    // Content types, with a charset for text.
    for (path, ty) in [
        ("/repo/gloss.css", "text/css; charset=utf-8"),
        ("/repo/sitemap.xml", "xml; charset=utf-8"),
        ("/repo/atom.xml", "xml; charset=utf-8"),
        ("/repo/robots.txt", "text/plain; charset=utf-8"),
        (
            "/repo/interviews/first-figure.svg",
            "image/svg+xml; charset=utf-8",
        ),
        (
            "/repo/interviews/first/annotations.jsonld",
            "application/ld+json; charset=utf-8",
        ),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.content_type.ends_with(ty), "{path}: {}", r.content_type);
    }
    // Only HTML pages get the reload script.
    assert!(!server.get("/repo/gloss.css").body.contains("gloss-reload"));
    assert!(
        !server
            .get("/repo/sitemap.xml")
            .body
            .contains("gloss-reload")
    );
}

#[test]
fn traversal_attempts_never_reach_a_file_outside_the_site() {
    let (tmp, site) = fixture_site("serve-site");
    let secret = "TOP-SECRET-6f1d";
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), secret).unwrap();
    // Symlinks in static/ that lead outside: a file and a folder.
    std::os::unix::fs::symlink(outside.join("secret.txt"), site.join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("static/leakdir")).unwrap();
    let server = Server::start(&site, &[]);
    let abs = outside.join("secret.txt").display().to_string();
    let attempts: Vec<String> = vec![
        "/../outside/secret.txt".into(),
        "/repo/../../outside/secret.txt".into(),
        "/repo/%2e%2e/%2e%2e/outside/secret.txt".into(),
        "/repo/%2E%2E/%2E%2E/outside/secret.txt".into(),
        "/repo/..%2f..%2foutside%2fsecret.txt".into(),
        "/repo/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt".into(),
        "/repo/%2e%2e%5c%2e%2e%5coutside%5csecret.txt".into(),
        "/repo/..\\..\\outside\\secret.txt".into(),
        abs.clone(),
        format!("/repo/{abs}"),
        format!("/repo{abs}"),
        "/repo/leak.txt".into(),
        "/repo/leakdir/secret.txt".into(),
        "/etc/passwd".into(),
        "/repo/%2fetc%2fpasswd".into(),
    ];
    for path in &attempts {
        let (status, body) = raw_get(&server.origin, path);
        assert!(
            !body.contains(secret) && !body.contains("root:x:0:0"),
            "{path} leaked a file outside the site"
        );
        assert!(
            status == 400 || status == 404,
            "{path}: status {status}, expected 400 or 404"
        );
    }
    // The site itself is still served.
    assert_eq!(server.get("/repo/").status, 200);
}

/// A request sent as written: HTTP clients would clean up `..` before sending it, an attacker not.
fn raw_get(origin: &str, path: &str) -> (u16, String) {
    let addr = origin.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, reply)
}

#[test]
fn a_port_in_use_is_a_clear_error_naming_the_port_flag() {
    let (_tmp, site) = fixture_site("serve-site");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = gloss()
        .args(["serve", "--port", &port, "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port} is already in use")),
        "{err}"
    );
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn serving_beyond_this_computer_warns() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    // The warning comes before the URL; give the stderr reader a moment to catch up.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        server.stderr().contains("warning: serving on 0.0.0.0"),
        "{}",
        server.stderr()
    );
    let local = Server::start(&site, &[]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!local.stderr().contains("warning: serving on"));
}

#[test]
fn serve_never_writes_the_output_folder_and_build_output_has_no_reload_script() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/repo/").status, 200);
    assert!(!site.join("book").exists(), "gloss serve wrote book/");
    drop(server);
    let out: PathBuf = site.join("book");
    support::build(&site, &out, "https://example.github.io/repo/");
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !html.contains("gloss-reload") && !html.contains(".gloss/events"),
                "{} carries the reload script",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_template_error_shows_the_overlay_naming_the_template_and_line() {
    let (_tmp, site) = fixture_site("serve-site");
    let server = Server::start(&site, &[]);
    let events = server.listen();
    let template = site.join("templates/page.html");
    let good = std::fs::read_to_string(&template).unwrap();
    let lines = good.lines().count();
    std::fs::write(
        &template,
        format!("{good}{{{{ page.title | nosuchfilter(\n"),
    )
    .unwrap();
    let overlay = next_event(&events, "failed", RELOAD)
        .unwrap_or_else(|| panic!("no failure event\n{}", server.stderr()));
    let overlay: String = serde_json::from_str(&overlay).unwrap();
    assert!(
        overlay.contains(&format!("templates/page.html:{}:", lines + 1)),
        "{overlay}"
    );
    let page = server.get("/repo/notes/colophon/");
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("id=\"gloss-overlay\""));
    std::fs::write(&template, good).unwrap();
    assert!(next_event(&events, "reload", RELOAD).is_some());
    assert!(
        !server
            .get("/repo/notes/colophon/")
            .body
            .contains("id=\"gloss-overlay\"")
    );
}
