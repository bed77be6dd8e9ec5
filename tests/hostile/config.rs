//! Hostile book.toml: missing, empty, base URLs a browser could not use, output directories that
//! would overwrite sources or someone else's files (errors.rs covers `--out`; these come from
//! book.toml itself, or disguise the same places).

use std::path::Path;

use crate::common::*;
use crate::harness::*;

fn set_toml(root: &Path, from: &str, to: &str) {
    let toml = read(root, "book.toml");
    assert!(toml.contains(from), "{from}");
    write(root, "book.toml", &toml.replacen(from, to, 1));
}

#[test]
fn missing_book_toml() {
    broken("interviews", |root| {
        std::fs::remove_file(root.join("book.toml")).unwrap()
    })
    .says("no book.toml in")
    .says("--root DIR");
}

#[test]
fn empty_book_toml() {
    broken("interviews", |root| write(root, "book.toml", ""))
        .says("book.toml is empty")
        .says("[language.en]");
}

#[test]
fn base_url_without_a_scheme() {
    broken("interviews", |root| {
        set_toml(
            root,
            "base-url = \"https://example.org/\"",
            "base-url = \"example.org/gloss/\"",
        )
    })
    .at_line("book.toml", 5)
    .says("invalid base URL `example.org/gloss/`: it has no scheme (http:// or https://)");
}

#[test]
fn base_url_with_a_host_and_port_but_no_scheme() {
    // `localhost:8000` parses as a URL whose scheme is `localhost`: say what the user meant.
    broken("interviews", |root| {
        set_toml(
            root,
            "base-url = \"https://example.org/\"",
            "base-url = \"localhost:8000/gloss/\"",
        )
    })
    .at_line("book.toml", 5)
    .says("invalid base URL `localhost:8000/gloss/`: it has no scheme (http:// or https://)");
}

#[test]
fn base_url_with_a_query_on_the_command_line() {
    let site = built("interviews");
    refuse(
        &site,
        &["build", "--base-url", "https://example.org/gloss/?utm=1"],
    )
    .says("a base URL cannot have a query");
}

#[test]
fn base_url_with_a_query_in_book_toml() {
    broken("interviews", |root| {
        set_toml(
            root,
            "base-url = \"https://example.org/\"",
            "base-url = \"https://example.org/?lang=zh\"",
        )
    })
    .at_line("book.toml", 5)
    .says("a base URL cannot have a query");
}

/// An output directory set in book.toml that must be refused before anything is touched.
fn out_refused(build_dir: &str, why: &str) {
    let site = built("interviews");
    set_toml(
        site.path(),
        "build-dir = \"book\"",
        &format!("build-dir = \"{build_dir}\""),
    );
    let before = snapshot(site.path());
    let r = refuse(&site, &["build"]);
    r.says("refusing to use").says(why);
    assert!(
        before == snapshot(site.path()),
        "{build_dir}: a file changed"
    );
}

#[test]
fn build_dir_is_the_root() {
    out_refused(".", "it is the project root");
}

#[test]
fn build_dir_is_content() {
    out_refused("content/", "it is the content directory");
}

#[test]
fn build_dir_is_a_parent() {
    out_refused("../..", "it contains the project root");
}

#[test]
fn build_dir_is_the_root_through_a_symlink() {
    let site = built("interviews");
    std::os::unix::fs::symlink(".", site.path().join("here")).unwrap();
    set_toml(site.path(), "build-dir = \"book\"", "build-dir = \"here\"");
    refuse(&site, &["build"]).says("it is the project root");
}

#[test]
fn build_dir_is_a_non_empty_folder_gloss_did_not_make() {
    let site = built("interviews");
    write(site.path(), "notes/todo.txt", "mine");
    set_toml(site.path(), "build-dir = \"book\"", "build-dir = \"notes\"");
    refuse(&site, &["build"])
        .says("it is not empty and gloss did not create it")
        .says(".gloss-output");
    assert_eq!(read(site.path(), "notes/todo.txt"), "mine");
}

#[test]
fn build_dir_is_a_file() {
    let site = built("interviews");
    write(site.path(), "out", "a file");
    refuse(&site, &["build", "--out", "out"]).says("it exists and is not a directory");
    assert_eq!(read(site.path(), "out"), "a file");
}
