//! Hostile YAML in front matter and the glossary: every case is refused with the file, the line
//! and a fix, through the `gloss` binary, exit 1, previous output untouched.

use crate::common::write;
use crate::harness::*;

const PAGE: &str = "content/interviews/h.md";

fn page(front: &str) -> impl FnOnce(&std::path::Path) + '_ {
    move |root| {
        write(
            root,
            PAGE,
            &interview(front, "**BT:** Hello.\n\n**SA:** Hi.\n"),
        )
    }
}

#[test]
fn tab_indentation_inside_an_annotation() {
    // errors.rs covers a tab at the top level; here it hides inside a list item.
    broken(
        "interviews",
        page("annotations:\n  - id: a\n\tquote: Hello\n    note: n\n"),
    )
    .at_line(PAGE, 12)
    .says("not tabs");
}

#[test]
fn unclosed_double_quote_points_at_where_it_opened() {
    broken("interviews", page("summary: \"never closed\nnotice: n\n"))
        .at_line(PAGE, 10)
        .says("the `\"` opened here is never closed");
}

#[test]
fn unclosed_single_quote_in_a_speaker_name() {
    let r = broken("interviews", |root| {
        write(
            root,
            PAGE,
            "---\ntitle: T\nspeakers:\n  - id: BT\n    name: 'Ben\n---\n**BT:** Hi.\n",
        )
    });
    r.at_line(PAGE, 5)
        .says("the `'` opened here is never closed");
}

#[test]
fn unclosed_brace_points_at_where_it_opened() {
    broken(
        "interviews",
        page("source: { url: https://example.org, title: T\nnotice: n\n"),
    )
    .says("the `{` opened here is never closed")
    .says(&format!("{PAGE}:10:9"));
}

#[test]
fn duplicate_key_inside_an_annotation() {
    broken(
        "interviews",
        page("annotations:\n  - id: a\n    quote: Hello\n    quote: Hi\n    note: n\n"),
    )
    .at_line(PAGE, 13)
    .says("duplicate field `quote`");
}

#[test]
fn duplicate_key_inside_a_speaker() {
    // Two `name:` for one speaker: the first must not be silently replaced by the second.
    broken("interviews", |root| {
        write(
            root,
            PAGE,
            "---\ntitle: T\nspeakers:\n  - id: BT\n    name: Ben\n    name: Bob\n---\n**BT:** Hi.\n",
        )
    })
    .at_line(PAGE, 6)
    .says("duplicate field `name`");
}

#[test]
fn duplicate_key_inside_a_glossary_entry() {
    broken("interviews", |root| {
        let g = crate::common::read(root, "content/glossary.yaml");
        write(
            root,
            "content/glossary.yaml",
            &g.replacen("  kind: term\n", "  kind: term\n  kind: product\n", 1),
        );
    })
    .at_line("content/glossary.yaml", 3)
    .says("duplicate field `kind`")
    .says("glossary");
}

#[test]
fn a_list_where_a_map_belongs() {
    broken("interviews", page("source: [https://example.org, T]\n"))
        .at_line(PAGE, 10)
        .says("invalid type: sequence")
        .says("wrong kind of value");
}

#[test]
fn a_map_where_a_list_belongs() {
    broken(
        "interviews",
        page("annotations:\n  id: a\n  quote: Hello\n  note: n\n"),
    )
    .at_line(PAGE, 11)
    .says("invalid type: map")
    .says("wrong kind of value");
}

#[test]
fn ten_megabytes_of_front_matter_are_refused_by_size() {
    broken("interviews", |root| {
        let mut front = String::with_capacity(10 << 20);
        front.push_str("---\ntitle: Big\npad:\n");
        while front.len() < 10 << 20 {
            front.push_str("  - aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        }
        front.push_str("---\nbody\n");
        write(root, PAGE, &front);
    })
    .at_line(PAGE, 1)
    .says("the front matter is 10.0 MB; gloss accepts at most 1024 KB");
}

#[test]
fn deeply_nested_flow_lists() {
    broken("interviews", |root| {
        let depth = 100_000;
        let extra = format!("deep: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        page(&extra)(root);
    })
    .at_line(PAGE, 10)
    .says("YAML nested more than 100 levels deep")
    .says("nests too deeply");
}

#[test]
fn deeply_nested_block_maps() {
    broken("interviews", |root| {
        let mut extra = String::from("deep:\n");
        for i in 1..=300 {
            extra.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        page(&extra)(root);
    })
    .says(PAGE)
    .says("recursion limit exceeded")
    .says("nests too deeply");
}

#[test]
fn deeply_nested_block_lists_on_one_line() {
    broken("interviews", |root| {
        page(&format!("deep:\n  {}x\n", "- ".repeat(50_000)))(root)
    })
    .says(PAGE)
    .says("nests too deeply");
}

#[test]
fn billion_laughs_in_a_page() {
    broken("interviews", |root| {
        let mut extra = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            extra.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        page(&extra)(root);
    })
    .says(PAGE)
    .says("billion laughs");
}

#[test]
fn billion_laughs_in_the_glossary() {
    broken("interviews", |root| {
        let mut g = String::from("- id: x\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            g.push_str(&format!(
                "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        write(root, "content/glossary.yaml", &g);
    })
    .says("content/glossary.yaml")
    .says("glossary:");
}

#[test]
fn unknown_tag_on_a_known_key() {
    broken("interviews", page("summary: !shell rm -rf /\n"))
        .at_line(PAGE, 10)
        .says("YAML tag `!shell`");
}

#[test]
fn unknown_tag_inside_an_extra_key() {
    broken(
        "interviews",
        page("media:\n  video: !python/object:os.system echo\n"),
    )
    .at_line(PAGE, 11)
    .says("YAML tag `!python/object:os.system`");
}
