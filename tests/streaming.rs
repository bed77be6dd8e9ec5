//! `gloss build` writes each page into its staging directory as soon as it is rendered. A build
//! that fails after that (a collision found once pages were written, a template that fails on one
//! page while the others render) must still leave the previous output byte for byte, and no
//! staging directory behind.

mod common;

use std::path::Path;

use common::*;

/// Builds the fixture, breaks it with `mutate`, rebuilds: the printed errors, after asserting the
/// failed build changed nothing and left nothing behind.
fn fails_late(mutate: impl FnOnce(&Path)) -> String {
    let site = fixture("site");
    build(site.path()).unwrap();
    let before = snapshot(&site.path().join("book"));
    mutate(site.path());
    let text = expect_failure(site.path());
    assert!(
        before == snapshot(&site.path().join("book")),
        "a failed build changed the output:\n{text}"
    );
    let leftovers = staging_leftovers(site.path());
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    text
}

#[test]
fn a_page_colliding_with_a_generated_page_is_found_after_rendering_and_changes_nothing() {
    // content/search.md renders to search/index.html, as does the search page: both are written
    // into staging before the collision is known.
    let text = fails_late(|root| write(root, "content/search.md", "---\ntitle: S\n---\nhi\n"));
    assert!(
        text.contains("two sources would write search/index.html"),
        "{text}"
    );
}

#[test]
fn a_template_failing_on_one_page_while_the_others_render_changes_nothing() {
    // The page.html pages fail; the home, section and search pages render and are written.
    let text = fails_late(|root| {
        write(
            root,
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.no_such.field }}{% endblock content %}",
        )
    });
    assert!(
        text.contains("error while rendering: Field `no_such` is not defined"),
        "{text}"
    );
    assert!(text.contains("--> templates/page.html:1:"), "{text}");
    // One mistake in a template, one error, however many pages meet it.
    assert_eq!(text.matches("error[").count(), 1, "{text}");
    assert!(
        text.contains("the same error came up on 3 pages in all"),
        "{text}"
    );
}

#[test]
fn a_successful_rebuild_replaces_the_output_and_leaves_no_staging() {
    let site = fixture("site");
    build(site.path()).unwrap();
    write(
        site.path(),
        "content/articles/later.md",
        "---\ntitle: Later\n---\nA new page.\n",
    );
    build(site.path()).unwrap();
    let html = read(site.path(), "book/articles/later/index.html");
    assert!(html.contains("A new page."), "{html}");
    let leftovers = staging_leftovers(site.path());
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}
