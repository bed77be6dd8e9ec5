//! The interview site's search in headless Chromium (Debian's `chromium`, driven by
//! playwright-core from tests/browser): built under a subpath as on GitHub Pages, searched by
//! typing, results followed with the keyboard. See tests/browser/search.spec.mjs for the checks.

mod common;

#[test]
fn search_finds_both_scripts_and_lands_on_the_turn_in_chromium() {
    common::need_node_modules("playwright-core");
    let chromium = common::chromium();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    gloss::build(&gloss::Options {
        root: common::repo(),
        overrides: gloss::config::Overrides {
            out: Some(out.clone()),
            base_url: Some("http://127.0.0.1/sub/".into()),
            drafts: false,
        },
        write: true,
    })
    .unwrap_or_else(|f| panic!("{}", common::failure_text(&f)));
    let out_arg = out.to_str().unwrap();
    let (passed, report) = common::run_node(
        &common::browser_dir().join("search.spec.mjs"),
        &[out_arg],
        &chromium,
    );
    println!("{report}");
    assert!(passed, "browser checks failed:\n{report}");
    assert!(report.contains(" passed, 0 failed"), "{report}");
}
