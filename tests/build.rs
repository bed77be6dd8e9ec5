//! The engine end to end on fixture sites: URLs per language, translations, base URL paths,
//! link rewriting, heading ids, highlighting, front-matter extras, shortcodes, the CLI.

mod common;

use common::*;

#[test]
fn every_page_is_written_in_each_language_at_pretty_urls() {
    let site = fixture("site");
    let summary = build(site.path()).unwrap();
    let book = site.path().join("book");
    for path in [
        "index.html",
        "en/index.html",
        "articles/index.html",
        "en/articles/index.html",
        "articles/hello/index.html",
        "en/articles/hello/index.html",
        "articles/only-zh/index.html",
        "404.html",
        "style.css",
        "img/logo.png",
        "highlight.css",
    ] {
        assert!(book.join(path).is_file(), "missing {path}");
    }
    assert!(
        !book.join("en/articles/only-zh/index.html").exists(),
        "no translation, no English page"
    );
    let zh = summary.pages.iter().find(|(l, _)| l == "zh").unwrap().1;
    let en = summary.pages.iter().find(|(l, _)| l == "en").unwrap().1;
    assert!(zh > en, "zh {zh} en {en}");
}

#[test]
fn pages_know_their_translations_for_switchers_and_hreflang() {
    let site = fixture("site");
    build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains("<html lang=\"zh-Hant\">"), "{zh}");
    assert!(zh.contains(r#"<link rel="alternate" hreflang="zh-Hant" href="https://example.org/articles/hello/">"#), "{zh}");
    assert!(
        zh.contains(
            r#"<link rel="alternate" hreflang="en" href="https://example.org/en/articles/hello/">"#
        ),
        "{zh}"
    );
    assert!(
        zh.contains(r#"hreflang="x-default" href="https://example.org/articles/hello/""#),
        "{zh}"
    );
    assert!(
        zh.contains(r#"<a href="/en/articles/hello/" hreflang="en">English</a>"#),
        "{zh}"
    );
    let en = read(site.path(), "book/en/articles/hello/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains(r#"<a href="/articles/hello/" hreflang="zh-Hant">中文</a>"#),
        "{en}"
    );
    // A page with no translation lists only itself, and x-default is itself.
    let only = read(site.path(), "book/articles/only-zh/index.html");
    assert!(!only.contains("hreflang=\"en\""), "{only}");
}

#[test]
fn relative_content_links_are_rewritten_in_the_same_language() {
    let site = fixture("site");
    build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains(r#"href="/articles/other/""#), "{zh}");
    // Non-ASCII fragments are percent-encoded; browsers decode them to find `id="第二部分"`.
    assert!(
        zh.contains(r#"href="/articles/other/#%E7%AC%AC%E4%BA%8C%E9%83%A8%E5%88%86""#),
        "{zh}"
    );
    let en = read(site.path(), "book/en/articles/hello/index.html");
    assert!(en.contains(r#"href="/en/articles/other/""#), "{en}");
    assert!(
        en.contains(r#"href="/en/articles/other/#part-two""#),
        "{en}"
    );
    // Only a Chinese version exists: the English page links to it.
    assert!(en.contains(r#"href="/articles/only-zh/""#), "{en}");
    // Images beside content are copied and linked from anywhere.
    assert!(zh.contains(r#"src="/img/logo.png""#), "{zh}");
    let home = read(site.path(), "book/en/index.html");
    assert!(home.contains(r#"href="/en/articles/""#), "{home}");
}

#[test]
fn a_base_url_with_a_path_prefixes_every_generated_url() {
    let site = fixture("site");
    build_with(site.path(), base_url("https://user.github.io/repo")).unwrap();
    let book = site.path().join("book");
    for entry in walkdir::WalkDir::new(&book) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for url in urls(&html) {
                let ok = url.starts_with("/repo/")
                    || url.starts_with("https://user.github.io/repo/")
                    || url.starts_with('#')
                    || (url.starts_with("https://") && !url.contains("user.github.io"));
                assert!(
                    ok,
                    "{} links to {url}, outside /repo/",
                    entry.path().display()
                );
            }
        }
    }
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains(r#"href="/repo/articles/other/""#), "{zh}");
    assert!(
        zh.contains(r#"href="https://user.github.io/repo/en/articles/hello/""#),
        "{zh}"
    );
}

#[test]
fn chinese_headings_get_unique_ids() {
    let site = fixture("site");
    build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains(r#"<h2 id="基礎設施">基礎設施</h2>"#), "{zh}");
    assert!(zh.contains(r#"<h2 id="基礎設施-1">基礎設施</h2>"#), "{zh}");
}

#[test]
fn code_is_highlighted_and_unknown_languages_fall_back_with_a_warning() {
    let site = fixture("site");
    let summary = build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains(r#"<code class="language-rust">"#), "{zh}");
    assert!(zh.contains("hl-"), "rust is highlighted with classes");
    assert!(
        zh.contains("<code class=\"language-klingon\">Qapla&#39;\n</code>"),
        "{zh}"
    );
    let warning = summary
        .warnings
        .iter()
        .find(|w| w.message.contains("unknown language `klingon`"))
        .expect("a warning names the language");
    let loc = warning.location.as_ref().unwrap();
    assert_eq!(
        loc.file,
        std::path::PathBuf::from("content/articles/hello.md")
    );
    assert_eq!(loc.line, 22);
    let css = read(site.path(), "book/highlight.css");
    assert!(css.contains("prefers-color-scheme: dark"));
}

#[test]
fn unknown_front_matter_keys_reach_templates_as_extra() {
    let site = fixture("site");
    build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains(r#"<p class="by">小明</p>"#), "{zh}");
    assert!(
        zh.contains(r#"<p class="media">https://example.org/audio.mp3 (42)</p>"#),
        "{zh}"
    );
}

#[test]
fn shortcodes_from_other_generators_warn_and_are_left_out() {
    let site = fixture("site");
    let summary = build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(!zh.contains("youtube"), "{zh}");
    let w = summary
        .warnings
        .iter()
        .find(|w| w.message.contains("shortcode `youtube`"))
        .expect("shortcode warning");
    assert_eq!(w.location.as_ref().unwrap().line, 26);
}

#[test]
fn tables_footnotes_and_strikethrough_render() {
    let site = fixture("site");
    build(site.path()).unwrap();
    let zh = read(site.path(), "book/articles/hello/index.html");
    assert!(zh.contains("<table>"), "{zh}");
    assert!(zh.contains("<del>b</del>"), "{zh}");
    assert!(
        zh.contains(r##"<a href="#fn-1" id="fnref-1">1</a>"##),
        "{zh}"
    );
    assert!(zh.contains(r#"id="fn-1""#), "{zh}");
}

#[test]
fn the_output_is_marked_and_stale_files_do_not_survive() {
    let site = fixture("site");
    build(site.path()).unwrap();
    assert!(site.path().join("book/.gloss-output").is_file());
    write(
        site.path(),
        "content/articles/brief.md",
        "---\ntitle: 短\n---\n短文。\n",
    );
    build(site.path()).unwrap();
    assert!(site.path().join("book/articles/brief/index.html").exists());
    std::fs::remove_file(site.path().join("content/articles/brief.md")).unwrap();
    build(site.path()).unwrap();
    assert!(
        !site.path().join("book/articles/brief").exists(),
        "a removed page leaves the output"
    );
}

#[test]
fn check_validates_and_writes_nothing() {
    let site = fixture("site");
    let out = gloss(site.path(), &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!site.path().join("book").exists());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("checked"), "{stdout}");
}

#[test]
fn build_prints_a_one_line_summary_per_language() {
    let site = fixture("site");
    let out = gloss(site.path(), &["build"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains(" zh, ") && stdout.contains(" en)"),
        "{stdout}"
    );
    assert!(stdout.contains(" ms"), "{stdout}");
}

#[test]
fn every_command_has_help_and_there_is_a_version() {
    let site = fixture("site");
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let out = gloss(site.path(), args);
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
    let out = gloss(site.path(), &["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("gloss {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn toml_front_matter_crlf_and_bom_are_accepted() {
    let site = fixture("site");
    write(
        site.path(),
        "content/articles/toml.md",
        "+++\ntitle = \"TOML 頁\"\ndate = 2024-01-02\n+++\n內容\n",
    );
    std::fs::write(
        site.path().join("content/articles/crlf.md"),
        "\u{feff}---\r\ntitle: CRLF 頁\r\n---\r\n第一段\r\n\r\n第二段\r\n",
    )
    .unwrap();
    build(site.path()).unwrap();
    assert!(read(site.path(), "book/articles/toml/index.html").contains("TOML 頁"));
    let crlf = read(site.path(), "book/articles/crlf/index.html");
    assert!(crlf.contains("<p>第二段</p>"), "{crlf}");
}

#[cfg(unix)]
#[test]
fn a_rebuild_rewrites_only_the_files_that_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = fixture("site");
    build(site.path()).unwrap();
    let book = site.path().join("book");
    let ino = |p: &str| std::fs::metadata(book.join(p)).unwrap().ino();
    let kept = ["articles/hello/index.html", "style.css", "img/logo.png"];
    let before: Vec<u64> = kept.iter().map(|p| ino(p)).collect();
    let changed = ino("articles/only-zh/index.html");
    write(
        site.path(),
        "content/articles/only-zh.md",
        "---\ntitle: 只有中文\n---\n改過的內容。\n",
    );
    build(site.path()).unwrap();
    let after: Vec<u64> = kept.iter().map(|p| ino(p)).collect();
    assert_eq!(before, after, "unchanged pages and files keep their inode");
    assert_ne!(ino("articles/only-zh/index.html"), changed);
    assert!(read(site.path(), "book/articles/only-zh/index.html").contains("改過的內容"));
    // The same length, other bytes: compared, not just measured.
    let len = |p: &str| std::fs::metadata(book.join(p)).unwrap().len();
    let was = len("articles/only-zh/index.html");
    write(
        site.path(),
        "content/articles/only-zh.md",
        "---\ntitle: 只有中文\n---\n改过的內容。\n",
    );
    build(site.path()).unwrap();
    assert_eq!(len("articles/only-zh/index.html"), was);
    assert!(read(site.path(), "book/articles/only-zh/index.html").contains("改过的內容"));
    assert!(
        staging_leftovers(site.path()).is_empty(),
        "{:?}",
        staging_leftovers(site.path())
    );
}
