//! Quality gates on the interview site as readers get it: the repository's site built under a
//! subpath base URL (as GitHub Pages serves it), then checked by the Nu HTML Checker (every
//! page and stylesheet), axe-core (WCAG 2.1 A and AA, light and dark), the layout checks and
//! screenshots of tests/browser/screenshots.mjs, and keyboard checks, in headless Chromium.
//! Each gate prints its counts and writes them to target/quality/<gate>.txt (.ci/run shows them).

mod common;

use common::{browser_dir, need_node_modules};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

const BASE_URL: &str = "http://127.0.0.1/gloss/";
const BASE_PATH: &str = "/gloss/";

/// The site, built once for all the gates of this file.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("quality-site");
        gloss::build(&gloss::Options {
            root: common::repo(),
            overrides: gloss::config::Overrides {
                out: Some(out.clone()),
                base_url: Some(BASE_URL.into()),
                drafts: false,
            },
            write: true,
        })
        .unwrap_or_else(|f| panic!("{}", common::failure_text(&f)));
        out
    })
}

/// target/quality/: one file of counts per gate.
fn summary_file(gate: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("quality");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{gate}.txt"))
}

/// Runs one of tests/browser/*.mjs on the site in Chromium; fails with its report.
fn run_browser_check(script: &str, args: &[&str]) -> String {
    // One browser at a time: the checks wait on layout and focus, and CI has two cores.
    static BROWSER: Mutex<()> = Mutex::new(());
    need_node_modules("playwright-core");
    let chromium = common::chromium();
    let site = site();
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let (passed, report) = common::run_node(&browser_dir().join(script), args, &chromium);
    // Only what went wrong, and the counts: the passing checks run to hundreds of lines.
    let failures: String = report
        .lines()
        .filter(|l| !l.starts_with("ok - "))
        .map(|l| format!("{l}\n"))
        .collect();
    println!("{failures}");
    assert!(
        passed,
        "{script} failed on the site built in {}:\n{failures}",
        site.display()
    );
    report
}

#[test]
fn every_page_kind_has_no_axe_violations_in_light_and_dark() {
    need_node_modules("@axe-core/playwright");
    let summary = summary_file("axe");
    let site = site().to_str().unwrap().to_string();
    let report = run_browser_check("axe.mjs", &[&site, BASE_PATH, summary.to_str().unwrap()]);
    assert!(report.contains(", 0 violations"), "{report}");
}

#[test]
fn every_reference_term_and_language_switch_works_from_the_keyboard() {
    let summary = summary_file("keyboard");
    let site = site().to_str().unwrap().to_string();
    let report = run_browser_check(
        "keyboard.mjs",
        &[&site, BASE_PATH, summary.to_str().unwrap()],
    );
    assert!(report.contains(" passed, 0 failed"), "{report}");
}

#[test]
fn no_page_scrolls_sideways_and_notes_sit_by_their_passage_at_every_width() {
    let summary = summary_file("layout");
    let site = site().to_str().unwrap().to_string();
    let report = run_browser_check(
        "screenshots.mjs",
        &[
            "--book",
            &site,
            "--base",
            BASE_PATH,
            "--summary",
            summary.to_str().unwrap(),
        ],
    );
    assert!(report.contains(" passed, 0 failed"), "{report}");
}

/// One message of the Nu HTML Checker's JSON output.
#[derive(serde::Deserialize)]
struct VnuMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "subType", default)]
    sub_type: String,
    #[serde(default)]
    url: String,
    #[serde(rename = "lastLine", default)]
    line: u64,
    #[serde(rename = "firstColumn", default)]
    column: u64,
    message: String,
    #[serde(default)]
    extract: String,
}

#[test]
fn every_page_and_stylesheet_passes_the_nu_html_checker() {
    need_node_modules("vnu-jar");
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.exists(),
        "no {}: run `npm ci --ignore-scripts --prefix tests/browser`",
        jar.display()
    );
    let site = site();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "css"))
        .collect();
    let pages = files
        .iter()
        .filter(|p| p.extension().unwrap() == "html")
        .count();
    let sheets = files.len() - pages;
    assert!(pages > 20, "only {pages} pages built in {}", site.display());
    // One run over every file: the checker starts a JVM, the slow part.
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--also-check-css"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "`java` could not be started ({e}): run `apt-get install -y default-jre-headless`"
            )
        });
    let out = String::from_utf8_lossy(&run.stderr);
    #[derive(serde::Deserialize)]
    struct Report {
        messages: Vec<VnuMessage>,
    }
    let report: Report = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("the checker's output is not its JSON ({e}):\n{out}"));
    let errors: Vec<&VnuMessage> = report
        .messages
        .iter()
        .filter(|m| m.kind == "error" || m.kind == "non-document-error")
        .collect();
    let warnings = report
        .messages
        .iter()
        .filter(|m| m.kind == "info" && m.sub_type == "warning")
        .count();
    let summary = format!(
        "vnu: {pages} pages and {sheets} stylesheets checked, {} errors, {warnings} warnings",
        errors.len()
    );
    println!("{summary}");
    std::fs::write(summary_file("vnu"), format!("{summary}\n")).unwrap();
    let listed: String = errors
        .iter()
        .map(|m| {
            let file = m.url.trim_start_matches("file:");
            let file = Path::new(file)
                .strip_prefix(site)
                .unwrap_or(Path::new(file));
            format!(
                "{}:{}:{}: {}\n    {}\n",
                file.display(),
                m.line,
                m.column,
                m.message,
                m.extract.trim().replace('\n', "\n    ")
            )
        })
        .take(40)
        .collect();
    assert!(
        errors.is_empty(),
        "{summary} (site in {}):\n{listed}",
        site.display()
    );
    assert!(run.status.success(), "{out}");
}
