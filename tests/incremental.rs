//! `gloss serve` rebuilds with what the previous build made from unchanged inputs: after every
//! kind of edit, the rebuilt site must be byte for byte the site a fresh build makes, with the
//! same warnings, and an edit to one interview must not re-render the others.

mod common;

use common::edit;

use std::path::Path;

use gloss::cache::{Cache, Reuse};
use gloss::{Built, Options};

fn opts(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        overrides: Default::default(),
        write: false,
    }
}

fn files(b: &Built) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = b
        .plan
        .files()
        .iter()
        .map(|o| (o.path.clone(), o.bytes.to_vec()))
        .collect();
    v.sort();
    v
}

fn warnings(b: &Built) -> Vec<String> {
    b.summary
        .warnings
        .iter()
        .map(|w| format!("{:?} {}", w.location, w.message))
        .collect()
}

/// Rebuilds with the cache and from scratch; both must agree on every byte and warning.
fn rebuild_matches_fresh(root: &Path, cache: &Cache) -> Reuse {
    let cached = gloss::build_with(&opts(root), Some(cache)).expect("cached build");
    let fresh = gloss::build_in_memory(&opts(root)).expect("fresh build");
    let (a, b) = (files(&cached), files(&fresh));
    let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&a), paths(&b), "the rebuild made other files");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{path} differs from a fresh build:\n--- rebuilt\n{}\n--- fresh\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
    assert_eq!(warnings(&cached), warnings(&fresh));
    cached
        .summary
        .reuse
        .expect("a cached build says what it redid")
}

/// The errors of a rebuild with the cache, which must fail.
fn cached_failure(root: &Path, cache: &Cache) -> String {
    match gloss::build_with(&opts(root), Some(cache)) {
        Ok(_) => panic!("the rebuild should have failed"),
        Err(f) => gloss::error::render_all(&f.diagnostics),
    }
}

#[test]
fn a_rebuild_after_each_kind_of_edit_equals_a_fresh_build() {
    let site = common::fixture("interviews");
    let root = site.path();
    let cache = Cache::default();
    let first = rebuild_matches_fresh(root, &cache);
    let all = first.rendered();
    assert!(all > 0);

    // Nothing changed: nothing re-rendered.
    let same = rebuild_matches_fresh(root, &cache);
    assert_eq!(same.rendered(), 0, "{same}");

    // One turn of one interview: that interview's pages, not the other interview's.
    edit(
        root,
        "content/interviews/second.md",
        "不夠，晶體管還要更多。",
        "不夠，晶體管還要更多更多。",
    );
    let one = rebuild_matches_fresh(root, &cache);
    assert!(
        one.rendered() > 0 && one.rendered() < all,
        "rendered {} of {all}: {one}",
        one.rendered()
    );
    assert_eq!(
        (one.redone("templates"), one.redone("glossary")),
        (0, 0),
        "a content edit neither recompiles the templates nor rereads the glossary: {one}"
    );
    // The pages that gather from every page (home, sections, the speakers list, the glossary)
    // show nothing of that turn's text: they are not rendered again.
    let views = first.redone("views");
    assert!(views >= 4, "{first}");
    assert_eq!(one.redone("views"), 0, "{one}");

    // A turn of an interview with a translation: its page and both parallel pages, not the
    // translation's page (it shows the other's notes, not its text).
    edit(
        root,
        "content/interviews/first.en.md",
        "It is also an anchor customer.",
        "It is, also, an anchor customer.",
    );
    let translated = rebuild_matches_fresh(root, &cache);
    assert_eq!(translated.rendered(), 3, "{translated}");
    // Topic and speaker pages: those that list its passages or its speakers' turns, not the
    // Chinese topic pages, which list the Chinese version's passages.
    let listings = first.redone("listings");
    assert!(
        (1..listings).contains(&translated.redone("listings")),
        "{translated} (of {listings} listings)"
    );

    // A title other pages show (backlinks, listings).
    edit(
        root,
        "content/interviews/second.md",
        "title: 第二場訪談",
        "title: 第二場長訪談",
    );
    let retitled = rebuild_matches_fresh(root, &cache);
    // The home page and the interviews section list it: rendered again.
    assert!(
        (1..views).contains(&retitled.redone("views")),
        "{retitled} (of {views} views)"
    );
    // What the listings show of a page besides its title: a speaker's role there (the list of
    // speakers), its date (the order of sections and the home page), its summary.
    edit(
        root,
        "content/interviews/second.md",
        "    role: guest\n",
        "    role: host\n",
    );
    let recast = rebuild_matches_fresh(root, &cache);
    assert!(recast.redone("views") >= 1, "{recast}");
    edit(
        root,
        "content/interviews/second.md",
        "date: 2025-11-01\n",
        "date: 2025-09-01\nsummary: 晶片夠不夠。\n",
    );
    let redated = rebuild_matches_fresh(root, &cache);
    assert!(redated.redone("views") >= 2, "{redated}");
    // The original's date, which its translation inherits: both are checked again.
    edit(
        root,
        "content/interviews/first.md",
        "date: 2025-10-08\n",
        "date: 2025-10-09\n",
    );
    let inherited = rebuild_matches_fresh(root, &cache);
    assert_eq!(inherited.redone("check"), 2, "{inherited}");
    // Its turns' topics, the only ones it shared with the first interview: the two are no longer
    // related.
    edit(
        root,
        "content/interviews/second.md",
        "turns:\n  1: [chips]\n  2: [chips]\n",
        "turns: {}\n",
    );
    let retopiced = rebuild_matches_fresh(root, &cache);
    assert_eq!(retopiced.redone("related"), 1, "{retopiced}");
    // A turn that no longer names a glossary term: the glossary lists one place fewer.
    edit(
        root,
        "content/interviews/second.md",
        "不夠，晶體管還要",
        "不夠，電子開關還要",
    );
    let unglossed = rebuild_matches_fresh(root, &cache);
    assert!(unglossed.redone("views") >= 1, "{unglossed}");

    // The glossary terms a note names: the glossary lists the note under another term.
    edit(
        root,
        "content/interviews/first.md",
        "    terms: [transistor]",
        "    terms: [chatgpt]",
    );
    let renamed = rebuild_matches_fresh(root, &cache);
    assert!(renamed.redone("views") >= 1, "{renamed}");

    // An annotation's note, a glossary definition, a template, the config.
    edit(
        root,
        "content/interviews/first.en.md",
        "see [the source]",
        "see [its source]",
    );
    rebuild_matches_fresh(root, &cache);
    // A note only the English has: the Chinese page shows it too.
    edit(
        root,
        "content/interviews/first.en.md",
        "A note only in English.",
        "A note, only in English.",
    );
    rebuild_matches_fresh(root, &cache);
    // …and moves to another turn: the Chinese page places it there too.
    edit(
        root,
        "content/interviews/first.en.md",
        "    quote: anchor\n",
        "    quote: And apps?\n",
    );
    rebuild_matches_fresh(root, &cache);
    edit(
        root,
        "content/glossary.yaml",
        "控制電流的半導體元件。",
        "控制電流的元件。",
    );
    let glossed = rebuild_matches_fresh(root, &cache);
    assert_eq!(glossed.redone("glossary"), 1, "{glossed}");
    edit(
        root,
        "templates/base.html",
        "</body>",
        "<!-- edited --></body>",
    );
    let templated = rebuild_matches_fresh(root, &cache);
    assert_eq!(templated.rendered(), all, "a template edit re-renders all");
    assert_eq!(templated.redone("templates"), 1, "{templated}");
    assert_eq!(templated.redone("views"), views, "{templated}");
    edit(
        root,
        "book.toml",
        "title = \"測試站\"",
        "title = \"測試網站\"",
    );
    let configured = rebuild_matches_fresh(root, &cache);
    assert_eq!(configured.rendered(), all, "a config edit re-renders all");

    // A page added, then deleted.
    std::fs::write(
        root.join("content/interviews/third.md"),
        "---\ntitle: 第三場\nspeakers:\n  - id: Q\n    name: { zh: 記者, en: Reporter }\n    role: host\n---\n**Q:** 見[第二場](second.md)。\n",
    )
    .unwrap();
    rebuild_matches_fresh(root, &cache);
    std::fs::remove_file(root.join("content/interviews/third.md")).unwrap();
    rebuild_matches_fresh(root, &cache);
}

#[test]
fn a_failed_rebuild_keeps_the_cache_for_the_next() {
    let site = common::fixture("interviews");
    let root = site.path();
    let cache = Cache::default();
    rebuild_matches_fresh(root, &cache);
    edit(
        root,
        "content/interviews/second.md",
        "**SA:** 不夠",
        "**XX:** 不夠",
    );
    assert!(gloss::build_with(&opts(root), Some(&cache)).is_err());
    edit(
        root,
        "content/interviews/second.md",
        "**XX:** 不夠",
        "**SA:** 不夠",
    );
    let back = rebuild_matches_fresh(root, &cache);
    assert_eq!(
        back.rendered(),
        0,
        "the same site as before the error: {back}"
    );
}

#[test]
fn the_interview_site_rebuilt_after_an_edit_to_a_turn_equals_a_fresh_build() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    for part in ["content", "templates", "static"] {
        common::copy_dir(&common::repo().join(part), &root.join(part));
    }
    std::fs::copy(common::repo().join("book.toml"), root.join("book.toml")).unwrap();
    let cache = Cache::default();
    rebuild_matches_fresh(root, &cache);
    let path = root.join("content/interviews/altman-2025.en.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let turn = text.find("\n**SA:**").expect("a turn of Sam Altman's") + 1;
    let edited = format!("{}**SA:** Indeed. {}", &text[..turn], &text[turn + 8..]);
    std::fs::write(&path, edited).unwrap();
    let one = rebuild_matches_fresh(root, &cache);
    assert!(one.rendered() > 0, "{one}");
}

/// Regression: a page's resolved links were kept while its own text was unchanged, so a link to
/// an anchor of another page stayed broken (or stayed accepted) after that page changed.
#[test]
fn a_link_to_an_anchor_is_checked_again_when_its_page_changes() {
    let site = common::fixture("interviews");
    let root = site.path();
    edit(
        root,
        "book.toml",
        "build-dir = \"book\"",
        "build-dir = \"book\"\nbroken-links = \"warn\"",
    );
    edit(
        root,
        "content/interviews/first.en.md",
        "See [the second](second.md#t-1).",
        "See [the second](second.md#t-3).",
    );
    let cache = Cache::default();
    let broken = |b: &Built| {
        warnings(b)
            .iter()
            .any(|w| w.contains("has no anchor `#t-3`"))
    };
    let first = rebuild_matches_fresh(root, &cache);
    let built = gloss::build_with(&opts(root), Some(&cache)).unwrap();
    assert!(broken(&built), "{:?}", warnings(&built));

    // The second interview gains a third turn: the link is good now, and the English page,
    // whose own text did not change, must say so.
    edit(
        root,
        "content/interviews/second.md",
        "**SA:** 不夠，晶體管還要更多。",
        "**SA:** 不夠，晶體管還要更多。\n\n**Q:** 還要多少？",
    );
    let reuse = rebuild_matches_fresh(root, &cache);
    let built = gloss::build_with(&opts(root), Some(&cache)).unwrap();
    assert!(!broken(&built), "{:?}", warnings(&built));
    assert!(
        reuse.redone("links resolved") < first.redone("links resolved"),
        "only the pages that changed or link into them: {reuse}"
    );
}

#[test]
fn an_edit_listings_do_not_show_leaves_topic_and_speaker_pages_as_they_were() {
    // Topic and speaker pages show the start of each turn. They were signed with the whole of
    // every page they list, so any edit re-rendered them (at 5,000 interviews, pages of thousands
    // of passages, most of a rebuild).
    let site = common::fixture("interviews");
    let root = site.path();
    let cache = Cache::default();
    rebuild_matches_fresh(root, &cache);
    let long =
        "它們要的是整個系統：電力、冷卻、網絡、封裝、軟件，還有願意長期下訂單的客戶。".repeat(8);
    edit(
        root,
        "content/interviews/second.md",
        "不夠，晶體管還要更多。",
        &format!("不夠，晶體管還要更多。\n\n{long}結尾。"),
    );
    let longer = rebuild_matches_fresh(root, &cache);
    assert!(
        longer.redone("listings") > 0,
        "the turn's start changed, so do the topic and speaker pages listing it: {longer}"
    );
    // The end of that turn, past what any listing quotes of it.
    edit(
        root,
        "content/interviews/second.md",
        "結尾。",
        "最後的結尾。",
    );
    let end = rebuild_matches_fresh(root, &cache);
    assert!(
        end.rendered() > 0,
        "the interview's own pages change: {end}"
    );
    assert_eq!(end.redone("listings"), 0, "{end}");
}

/// Regression: a page whose front matter failed made every page linking it report "there is no
/// page". With the cache, the links must be checked again when the file is deleted (now they are
/// broken) and when it is fixed (as a fresh build has them).
#[test]
fn links_to_a_page_that_fails_and_is_fixed_resolve_as_in_a_fresh_build() {
    let site = common::fixture("interviews");
    let root = site.path();
    let cache = Cache::default();
    rebuild_matches_fresh(root, &cache);
    edit(
        root,
        "content/interviews/second.md",
        "date: 2025-11-01",
        "date: 2025-11-01\n  bad: [x",
    );
    let failed = cached_failure(root, &cache);
    assert!(
        failed.contains("content/interviews/second.md:4:"),
        "{failed}"
    );
    assert!(!failed.contains("there is no page"), "{failed}");
    // Deleted instead of fixed, the page really is missing: the links must say so, not stay
    // quiet as they were while the file was there.
    let second = root.join("content/interviews/second.md");
    let broken = std::fs::read_to_string(&second).unwrap();
    std::fs::remove_file(&second).unwrap();
    let gone = cached_failure(root, &cache);
    assert!(
        gone.contains("there is no page content/interviews/second.md"),
        "{gone}"
    );
    std::fs::write(
        &second,
        broken.replace("date: 2025-11-01\n  bad: [x", "date: 2025-11-01"),
    )
    .unwrap();
    rebuild_matches_fresh(root, &cache);
    let built = gloss::build_with(&opts(root), Some(&cache)).unwrap();
    let first = built
        .plan
        .files()
        .iter()
        .find(|o| o.path == "en/interviews/first/index.html")
        .map(|o| String::from_utf8_lossy(&o.bytes).into_owned())
        .expect("the English first interview");
    assert!(
        first.contains("/interviews/second/#t-1\""),
        "the link leads to the second interview again"
    );
}
