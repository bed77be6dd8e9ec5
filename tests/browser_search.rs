//! The interview site's search in headless Chromium (Debian's `chromium`, driven by
//! playwright-core from tests/browser): built under a subpath as on GitHub Pages, searched by
//! typing, results followed with the keyboard. See tests/browser/search.spec.mjs for the checks.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn search_finds_both_scripts_and_lands_on_the_turn_in_chromium() {
    let repo = common::repo();
    let browser_dir = repo.join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run `npm ci --ignore-scripts --prefix tests/browser` (.ci/run does)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: run `apt-get install -y chromium` (.ci/run does) or set CHROMIUM"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    gloss::build(&gloss::Options {
        root: repo.clone(),
        overrides: gloss::config::Overrides {
            out: Some(out.clone()),
            base_url: Some("http://127.0.0.1/sub/".into()),
            drafts: false,
        },
        write: true,
    })
    .unwrap_or_else(|f| panic!("{}", common::failure_text(&f)));
    let run = Command::new("node")
        .arg(browser_dir.join("search.spec.mjs"))
        .arg(&out)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| {
            panic!("`node` could not be started ({e}): install Node.js 18 or newer")
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{report}");
    assert!(run.status.success(), "browser checks failed:\n{report}");
    assert!(report.contains(" passed, 0 failed"), "{report}");
}
