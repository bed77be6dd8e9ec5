//! Hostile files: empty, truncated, mis-encoded, huge, vanishing, special, linked out of the
//! content folder, oddly named. Valid oddities (BOM, CRLF, lone CR, odd names) must build and
//! render; the rest are refused. Decisions: docs/content.md, "Files gloss reads".

use std::path::Path;
use std::time::Duration;

use crate::common::*;
use crate::harness::*;

const PAGE: &str = "content/interviews/h.md";

fn bytes(path: &'static str, b: &'static [u8]) -> impl FnOnce(&Path) {
    move |root| std::fs::write(root.join(path), b).unwrap()
}

#[test]
fn empty_file() {
    broken("interviews", bytes(PAGE, b""))
        .at_line(PAGE, 1)
        .says("this page has no front matter")
        .says("the file is empty");
}

#[test]
fn only_front_matter_builds_an_empty_page() {
    let (site, _) = accepted(|root| {
        write(
            root,
            "content/interviews/only.md",
            "---\ntitle: Only a title\n---",
        );
        write(
            root,
            "content/interviews/only2.md",
            "---\ntitle: Two\n---\n",
        );
    });
    let html = read(site.path(), "book/interviews/only/index.html");
    assert!(html.contains("<h1>Only a title</h1>"), "{html}");
    let html = read(site.path(), "book/interviews/only2/index.html");
    assert!(html.contains("<h1>Two</h1>"), "{html}");
}

#[test]
fn no_front_matter() {
    broken(
        "interviews",
        bytes(PAGE, b"# A heading\n\nSome text, no front matter.\n"),
    )
    .at_line(PAGE, 1)
    .says("this page has no front matter")
    .says("start the file with front matter");
}

#[test]
fn front_matter_closed_with_the_wrong_line() {
    // errors.rs covers a file that ends inside its front matter; here the closing line is
    // `----`, so the whole body would be read as YAML.
    broken(
        "interviews",
        bytes(PAGE, b"---\ntitle: T\n----\n\nBody text.\n"),
    )
    .at_line(PAGE, 1)
    .says("the front matter is never closed")
    .says("add a line with only `---`");
}

#[test]
fn a_byte_order_mark_is_ignored_everywhere() {
    let (site, _) = accepted(|root| {
        let mut page = b"\xef\xbb\xbf".to_vec();
        page.extend_from_slice("---\ntitle: 有 BOM 的頁\n---\n正文。\n".as_bytes());
        std::fs::write(root.join("content/bom.md"), page).unwrap();
        for file in ["book.toml", "content/glossary.yaml"] {
            let mut b = b"\xef\xbb\xbf".to_vec();
            b.extend_from_slice(&std::fs::read(root.join(file)).unwrap());
            std::fs::write(root.join(file), b).unwrap();
        }
    });
    let html = read(site.path(), "book/bom/index.html");
    assert!(html.contains("<h1>有 BOM 的頁</h1>"), "{html}");
    assert!(!html.contains('\u{feff}'), "the BOM leaked into the page");
    let glossary = read(site.path(), "book/glossary/index.html");
    assert!(glossary.contains("晶體管"), "the glossary still reads");
}

fn crlf_and_cr(nl: &str) {
    let text = interview(
        "annotations:\n  - id: a\n    quote: second line\n    note: A note.\n",
        "**BT:** First line\nsecond line.\n\n**SA:** Answer.\n",
    )
    .replace('\n', nl);
    let (site, warnings) = accepted(|root| write(root, PAGE, &text));
    assert!(warnings.is_empty(), "{warnings}");
    let html = read(site.path(), "book/interviews/h/index.html");
    assert!(!html.contains('\r'), "a carriage return reached the output");
    assert_eq!(
        crate::scan::marked_text(&html)
            .get("a-a")
            .map(String::as_str),
        Some("second line"),
        "the quote after the line break is marked:\n{html}"
    );
    assert!(html.contains(r#"id="t-2""#), "both turns are recognised");

    // An error in such a file is still reported at its own line.
    let bad = text.replace("quote: second line", "quote: not there");
    let site = built("interviews");
    write(site.path(), PAGE, &bad);
    refuse(&site, &["build"])
        .at_line(PAGE, 12)
        .says("the quote is not in the text");
}

#[test]
fn crlf_line_endings_build() {
    crlf_and_cr("\r\n");
}

#[test]
fn lone_cr_line_endings_build() {
    crlf_and_cr("\r");
}

#[test]
fn invalid_utf8_in_the_body_names_its_line() {
    // errors.rs covers invalid UTF-8 in front matter; here it is deep in the body.
    broken(
        "interviews",
        bytes(
            PAGE,
            b"---\ntitle: T\n---\n\nline 5\nline 6 \xc3\x28 broken\n",
        ),
    )
    .says("content/interviews/h.md is not valid UTF-8")
    .says("line 6")
    .says("iconv");
}

#[test]
fn invalid_utf8_in_the_glossary() {
    broken("interviews", |root| {
        let mut g = std::fs::read(root.join("content/glossary.yaml")).unwrap();
        g.extend_from_slice(b"- id: x\xff\n");
        std::fs::write(root.join("content/glossary.yaml"), g).unwrap();
    })
    .says("content/glossary.yaml is not valid UTF-8");
}

#[test]
fn a_utf16_file_is_named_as_such() {
    broken("interviews", |root| {
        let mut b = vec![0xff, 0xfe];
        for u in "---\ntitle: T\n---\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(root.join(PAGE), b).unwrap();
    })
    .says("content/interviews/h.md is UTF-16")
    .says("iconv -f UTF-16 -t UTF-8");
}

/// A sparse file: as big as it says to every reader, instant to make.
fn huge(path: &'static str, mb: u64) -> impl FnOnce(&Path) {
    move |root| {
        let f = std::fs::File::create(root.join(path)).unwrap();
        f.set_len(mb << 20).unwrap();
    }
}

#[test]
fn a_50_mb_page_is_refused_by_size() {
    broken("interviews", huge(PAGE, 50))
        .says("content/interviews/h.md is 50.0 MB; gloss reads content files up to 16 MB");
}

#[test]
fn a_50_mb_glossary_is_refused_by_size() {
    broken("interviews", huge("content/glossary.yaml", 50))
        .says("content/glossary.yaml is 50.0 MB; gloss reads content files up to 16 MB");
}

/// The stages a build runs before reading pages, so a file can be changed in the window between
/// the content folder being listed and the file being read.
fn list_then(root: &Path, change: impl FnOnce()) -> String {
    let diags = gloss::error::Diagnostics::new();
    let config = gloss::config::load(root, &Default::default(), &diags).unwrap();
    let sources = gloss::load::load(&config, &diags);
    assert!(sources.iter().any(|s| s.shown == Path::new(PAGE)));
    change();
    // On a thread, so a read that blocks (a FIFO) fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let fronts = gloss::page::read_all(&sources, &diags, None);
        drop(fronts);
        tx.send(gloss::error::render_all(&diags.into_sorted()))
            .unwrap();
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("reading the content blocked")
}

#[test]
fn a_file_deleted_after_listing() {
    let site = built("interviews");
    write(site.path(), PAGE, &interview("", "**BT:** Hi.\n"));
    let text = list_then(site.path(), || {
        std::fs::remove_file(site.path().join(PAGE)).unwrap()
    });
    assert!(
        text.contains("could not read content/interviews/h.md"),
        "{text}"
    );
    assert!(text.contains("moved or deleted during the build"), "{text}");
}

#[test]
fn a_file_replaced_by_a_fifo_after_listing() {
    // A FIFO opened for reading blocks until someone writes: gloss must refuse it, not hang.
    let site = built("interviews");
    write(site.path(), PAGE, &interview("", "**BT:** Hi.\n"));
    let path = site.path().join(PAGE);
    let text = list_then(site.path(), || {
        std::fs::remove_file(&path).unwrap();
        mkfifo(&path);
    });
    assert!(text.contains("content/interviews/h.md"), "{text}");
    assert!(text.contains("is not a regular file"), "{text}");
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn a_file_that_becomes_unreadable_after_listing() {
    // `chmod 000` denies reads to ordinary users only: root (as CI runs here) reads it anyway.
    // So the file loses its read permission, and if that does not stop this process from reading
    // it, it is replaced by a directory of the same name instead, which nobody can read as a file.
    // Either way the read fails between listing and reading, and gloss must say so.
    use std::os::unix::fs::PermissionsExt;
    let site = built("interviews");
    write(site.path(), PAGE, &interview("", "**BT:** Hi.\n"));
    let path = site.path().join(PAGE);
    let mut chmod_denies = false;
    let text = list_then(site.path(), || {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        chmod_denies = std::fs::File::open(&path).is_err();
        if !chmod_denies {
            std::fs::remove_file(&path).unwrap();
            std::fs::create_dir(&path).unwrap();
        }
    });
    assert!(text.contains("content/interviews/h.md"), "{text}");
    if chmod_denies {
        assert!(text.contains("Permission denied"), "{text}");
    } else {
        assert!(text.contains("is not a regular file"), "{text}");
    }
}

#[test]
fn a_fifo_in_the_content_folder_is_skipped_with_a_warning() {
    let (_, warnings) = accepted(|root| mkfifo(&root.join("content/interviews/pipe.md")));
    assert!(
        warnings.contains("content/interviews/pipe.md is not a regular file"),
        "{warnings}"
    );
}

#[test]
fn an_asset_deleted_before_it_is_copied_leaves_the_output_alone() {
    // The last window: the plan is made, the asset vanishes, the write fails, the old output stays.
    let site = built("interviews");
    let asset = site.path().join("content/interviews/photo.png");
    std::fs::write(&asset, b"png").unwrap();
    let diags = gloss::error::Diagnostics::new();
    let sink = gloss::write::Sink::staging(&site.book()).unwrap();
    let mut plan = gloss::write::Plan::with(sink);
    plan.copy(
        "interviews/photo.png".into(),
        asset.clone(),
        "content/interviews/photo.png",
        &diags,
    );
    std::fs::remove_file(&asset).unwrap();
    let errors = plan.commit().unwrap_err();
    let text = gloss::error::render_all(&errors);
    assert!(text.contains("could not copy"), "{text}");
    assert!(text.contains("photo.png"), "{text}");
    assert!(site.before == snapshot(&site.book()), "the output changed");
    assert!(staging_leftovers(site.path()).is_empty());
}

#[test]
fn a_dangling_symlink() {
    broken("interviews", |root| {
        std::os::unix::fs::symlink("gone.md", root.join(PAGE)).unwrap();
    })
    .says("the symlink content/interviews/h.md is broken or loops");
}

#[test]
fn symlinks_that_loop() {
    broken("interviews", |root| {
        let dir = root.join("content/interviews");
        std::os::unix::fs::symlink("b.md", dir.join("a.md")).unwrap();
        std::os::unix::fs::symlink("a.md", dir.join("b.md")).unwrap();
    })
    .says("the symlink content/interviews/a.md is broken or loops")
    .says("the symlink content/interviews/b.md is broken or loops");
}

#[test]
fn a_folder_symlink_looping_back_is_not_followed() {
    // Walking into `loop -> ..` would never end: it is left out with a warning.
    let (_, warnings) = accepted(|root| {
        std::os::unix::fs::symlink("..", root.join("content/interviews/loop")).unwrap();
    });
    assert!(
        warnings.contains("the symlinked folder content/interviews/loop is not followed"),
        "{warnings}"
    );
}

#[test]
fn a_symlink_to_a_file_outside_content() {
    broken("interviews", |root| {
        std::os::unix::fs::symlink("../../book.toml", root.join(PAGE)).unwrap();
    })
    .says("the symlink content/interviews/h.md leads outside the content folder");
}

#[test]
fn a_symlink_to_a_folder_outside_content() {
    broken("interviews", |root| {
        std::os::unix::fs::symlink("/etc", root.join("content/etc")).unwrap();
    })
    .says("the symlink content/etc leads outside the content folder");
}

#[test]
fn names_with_spaces_colons_and_chinese_build_at_clean_urls() {
    let (site, _) = accepted(|root| {
        write(
            root,
            "content/interviews/Episode 1: The Start.md",
            "---\ntitle: Episode one\n---\nSee [the Chinese one](<訪談 二.md>).\n",
        );
        write(
            root,
            "content/interviews/訪談 二.md",
            "---\ntitle: 第二\n---\nBack to [episode one](<Episode 1: The Start.md>).\n",
        );
    });
    let one = read(
        site.path(),
        "book/interviews/Episode-1-The-Start/index.html",
    );
    assert!(one.contains("<h1>Episode one</h1>"), "{one}");
    assert!(one.contains(r#"href="/interviews/訪談-二/""#), "{one}");
    let two = read(site.path(), "book/interviews/訪談-二/index.html");
    assert!(two.contains("<h1>第二</h1>"), "{two}");
    assert!(
        two.contains(r#"href="/interviews/Episode-1-The-Start/""#),
        "{two}"
    );
}

#[test]
fn dot_files_and_dot_folders_are_ignored() {
    let (site, warnings) = accepted(|root| {
        // Broken on purpose: if gloss read them, the build would fail.
        write(root, "content/interviews/.draft.md", "not a page");
        write(root, "content/.obsidian/notes.md", "---\ntitle: [\n---\n");
    });
    assert!(!warnings.contains(".draft"), "{warnings}");
    let book = site.book();
    assert!(!book.join("interviews/.draft").exists());
    assert!(!book.join("interviews/draft").exists());
    assert!(!book.join(".obsidian").exists());
    assert!(!book.join("obsidian").exists());
}
