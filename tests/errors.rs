//! Every kind of bad input the engine promises to explain: the message names the file and line,
//! quotes the line, says what to do; all errors come together; the previous output stays as it was.

mod common;

use common::*;
use std::path::Path;

fn break_site(mutate: impl FnOnce(&Path)) -> String {
    break_fixture("site", mutate)
}

#[test]
fn malformed_yaml_is_reported_at_the_files_own_line() {
    let text = break_site(|root| {
        write(
            root,
            "content/articles/bad.md",
            "---\ntitle: Bad\ntopics: [a, b\nauthor: x\n---\nbody\n",
        );
    });
    assert!(text.contains("--> content/articles/bad.md:"), "{text}");
    let line: usize = text
        .split("content/articles/bad.md:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3..=4).contains(&line), "reported at line {line}:\n{text}");
    assert!(
        text.contains("the `[` opened here is never closed"),
        "{text}"
    );
    assert!(
        text.contains("content/articles/bad.md:3:9"),
        "points back to the bracket:\n{text}"
    );
    assert!(text.contains("close the `[` on line 3 with `]`"), "{text}");
}

#[test]
fn tabs_in_yaml_indentation_are_named() {
    let text = break_site(|root| {
        write(
            root,
            "content/articles/tabs.md",
            "---\ntitle: T\nmedia:\n\turl: x\n---\n",
        );
    });
    assert!(text.contains("content/articles/tabs.md:4:"), "{text}");
    assert!(text.contains("not tabs"), "{text}");
}

#[test]
fn unclosed_front_matter_says_how_to_close_it() {
    let text = break_site(|root| {
        write(
            root,
            "content/articles/open.md",
            "---\ntitle: Open\n\nNo closing line.\n",
        )
    });
    assert!(text.contains("the front matter is never closed"), "{text}");
    assert!(text.contains("--> content/articles/open.md:1:1"), "{text}");
    assert!(text.contains("add a line with only `---`"), "{text}");
}

#[test]
fn a_file_that_is_not_utf8_names_the_byte_offset() {
    let text = break_site(|root| {
        std::fs::write(
            root.join("content/articles/latin1.md"),
            b"---\ntitle: Caf\xe9\n---\n",
        )
        .unwrap();
    });
    assert!(
        text.contains("content/articles/latin1.md is not valid UTF-8"),
        "{text}"
    );
    assert!(text.contains("byte offset 14"), "{text}");
    assert!(text.contains("iconv"), "{text}");
}

#[test]
fn two_sources_for_one_output_path_are_both_named() {
    let text = break_site(|root| {
        // `Hello World.md` and `Hello-World.md` both become /articles/Hello-World/.
        write(
            root,
            "content/articles/Hello World.md",
            "---\ntitle: A\n---\n",
        );
        write(
            root,
            "content/articles/Hello-World.md",
            "---\ntitle: B\n---\n",
        );
    });
    assert!(
        text.contains("two pages would be written to articles/Hello-World/index.html"),
        "{text}"
    );
    assert!(
        text.contains("content/articles/Hello World.md")
            && text.contains("content/articles/Hello-World.md"),
        "{text}"
    );
}

#[test]
fn a_static_file_colliding_with_a_page_is_refused() {
    let text = break_site(|root| write(root, "static/articles/hello/index.html", "<p>shadow</p>"));
    assert!(
        text.contains("two sources would write articles/hello/index.html"),
        "{text}"
    );
    assert!(text.contains("static/articles/hello/index.html"), "{text}");
}

#[test]
fn broken_links_and_anchors_are_errors_at_their_line() {
    let text = break_site(|root| {
        write(
            root,
            "content/articles/links.md",
            "---\ntitle: Links\n---\nSee [gone](nowhere.md).\n\nAnd [part](other.md#no-such-part) and [x](#missing).\n",
        );
    });
    assert!(
        text.contains("link `nowhere.md`: there is no page content/articles/nowhere.md"),
        "{text}"
    );
    assert!(text.contains("--> content/articles/links.md:4:5"), "{text}");
    assert!(text.contains("has no anchor `#no-such-part`"), "{text}");
    assert!(text.contains("has no anchor `#missing`"), "{text}");
    assert!(text.contains("error[3]"), "all three are reported:\n{text}");
}

#[test]
fn a_link_to_a_page_whose_front_matter_fails_is_not_reported_as_missing() {
    // Two pages link only-zh.md; its own error is the one to fix, and saying "there is no page"
    // for a file that is there sent its author looking for the wrong thing.
    let text = break_site(|root| {
        write(
            root,
            "content/articles/only-zh.md",
            "---\ntitle: 只有中文\n  bad: [x\n---\n內容。\n",
        );
    });
    assert!(
        text.contains("--> content/articles/only-zh.md:3:"),
        "{text}"
    );
    assert!(!text.contains("there is no page"), "{text}");
    assert!(
        text.contains("1 error found; nothing was written."),
        "{text}"
    );
}

#[test]
fn broken_links_can_be_made_warnings_in_book_toml() {
    let site = fixture("site");
    let toml = read(site.path(), "book.toml").replace(
        "build-dir = \"book\"",
        "build-dir = \"book\"\nbroken-links = \"warn\"",
    );
    write(site.path(), "book.toml", &toml);
    write(
        site.path(),
        "content/articles/links.md",
        "---\ntitle: Links\n---\nSee [gone](nowhere.md).\n",
    );
    let summary = build(site.path()).unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.message.contains("nowhere.md"))
    );
}

#[test]
fn javascript_links_are_refused_even_as_warnings() {
    let text = break_site(|root| {
        write(
            root,
            "content/articles/js.md",
            "---\ntitle: JS\n---\n[x](javascript:alert(1))\n",
        )
    });
    assert!(text.contains("link to a `javascript:` URL"), "{text}");
}

#[test]
fn an_unknown_book_toml_key_names_the_nearest_valid_one() {
    let text = break_site(|root| {
        let toml = read(root, "book.toml").replace("build-dir = \"book\"", "biuld-dir = \"book\"");
        write(root, "book.toml", &toml);
    });
    assert!(
        text.contains("unknown key `biuld-dir` in book.toml"),
        "{text}"
    );
    assert!(text.contains("did you mean `build-dir`?"), "{text}");
    assert!(text.contains("--> book.toml:"), "{text}");
    assert!(
        text.contains("biuld-dir = \"book\""),
        "the line is quoted:\n{text}"
    );
}

#[test]
fn every_mistake_in_book_toml_is_reported_not_just_the_first() {
    let text = break_site(|root| {
        let toml = read(root, "book.toml")
            .replace("build-dir = \"book\"", "biuld-dir = \"book\"")
            .replacen("title = ", "title = 5\nx-title = ", 1)
            + "\n[bookk]\na = 1\nb = 2\n";
        write(root, "book.toml", &toml);
    });
    assert!(
        text.contains("unknown key `biuld-dir` in book.toml"),
        "{text}"
    );
    assert!(
        text.contains("invalid type: integer `5`, expected a string"),
        "{text}"
    );
    assert!(
        text.contains("unknown key `x-title` in book.toml"),
        "{text}"
    );
    assert_eq!(
        text.matches("unknown key `bookk`").count(),
        1,
        "a wrong table is one mistake, however many keys it holds:\n{text}"
    );
    assert_eq!(text.matches("error[").count(), 4, "{text}");
}

#[test]
fn errors_from_several_files_are_all_reported_numbered() {
    let text = break_site(|root| {
        write(root, "content/articles/a.md", "---\ntitle: [\n---\n");
        write(root, "content/articles/b.md", "no front matter\n");
        write(
            root,
            "content/articles/c.md",
            "---\ntitle: C\n---\n[x](missing.md)\n",
        );
    });
    for n in 1..=3 {
        assert!(text.contains(&format!("error[{n}]")), "{text}");
    }
    assert!(
        text.contains("3 errors found; nothing was written."),
        "{text}"
    );
}

fn refused(out: &str, why: &str) {
    let site = fixture("site");
    let out_path = site.path().join(out);
    let before = snapshot(site.path());
    let result = build_with(
        site.path(),
        gloss::config::Overrides {
            out: Some(out_path),
            ..Default::default()
        },
    );
    let text = failure_text(&result.expect_err("the output directory must be refused"));
    assert!(text.contains("refusing to use"), "{text}");
    assert!(text.contains(why), "{out}: {text}");
    assert_eq!(before, snapshot(site.path()), "nothing was touched");
}

#[test]
fn output_directories_that_would_destroy_sources_are_refused() {
    refused(".", "it is the project root");
    refused("content", "it is the content directory");
    refused("templates", "it is the templates directory");
    refused("static", "it is the static directory");
    refused("content/out", "it is inside the content directory");
    refused("..", "it contains the project root");
}

#[test]
fn a_non_empty_folder_gloss_did_not_make_is_refused() {
    let site = fixture("site");
    write(site.path(), "mine/notes.txt", "precious");
    let out = gloss(site.path(), &["build", "--out", "mine"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("it is not empty and gloss did not create it"),
        "{stderr}"
    );
    assert_eq!(read(site.path(), "mine/notes.txt"), "precious");
}

#[test]
fn the_cli_exits_1_and_prints_errors_to_stderr() {
    let site = fixture("site");
    write(
        site.path(),
        "content/articles/bad.md",
        "---\ntitle: [\n---\n",
    );
    let out = gloss(site.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[1]:"), "{stderr}");
    assert!(stderr.contains("content/articles/bad.md:2:"), "{stderr}");
}
