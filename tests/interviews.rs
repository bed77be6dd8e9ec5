//! Annotated interviews end to end: turns aligned across languages, notes beside their passages,
//! topic pages, glossary links, backlinks, the parallel page, the topic map, the JSON-LD export.
//! (Their mistakes, and what gloss says of them: interview_errors.rs.)

mod common;

use common::*;
use std::path::Path;

fn built() -> (tempfile::TempDir, gloss::Summary) {
    let site = fixture("interviews");
    let summary = match build(site.path()) {
        Ok(s) => s,
        Err(f) => panic!("{}", failure_text(&f)),
    };
    (site, summary)
}

fn turns(html: &str) -> Vec<(String, String)> {
    // (anchor, speaker role) of each turn, in order.
    html.split("<div class=\"turn speaker-")
        .skip(1)
        .map(|s| {
            let role = s.split('"').next().unwrap().to_string();
            let id = s
                .split("id=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            (id, role)
        })
        .collect()
}

#[test]
fn turn_anchors_are_the_same_in_every_language() {
    let (site, _) = built();
    let zh = turns(&read(site.path(), "book/interviews/first/index.html"));
    let en = turns(&read(site.path(), "book/en/interviews/first/index.html"));
    assert_eq!(zh.len(), 4);
    assert_eq!(zh, en);
    assert_eq!(zh[1], ("t-2".to_string(), "guest".to_string()));
}

#[test]
fn each_annotation_is_drawn_beside_its_quote() {
    let (site, _) = built();
    let zh = read(site.path(), "book/interviews/first/index.html");
    // The passage is marked, numbered, and the note follows the paragraph that holds it.
    let mark = zh
        .find(
            r##"<mark data-note="a-transistor">晶體管</mark><a class="ref" href="#a-transistor""##,
        )
        .expect("marked passage");
    let para_end = mark + zh[mark..].find("</p>").unwrap();
    let note = zh
        .find(r#"<div class="note" id="a-transistor""#)
        .expect("the note");
    assert!(
        note > para_end
            && zh[para_end..note]
                .trim_start_matches("</p>")
                .trim()
                .is_empty(),
        "the note follows its paragraph"
    );
    assert!(zh[note..].contains("晶體管是電子開關"));
    // The quote's suffix told apart the two 晶體管 of the first two turns: the first is not marked.
    assert!(
        zh.contains("好比<a class=\"term\""),
        "the first 晶體管 is a glossary link, not the annotation"
    );
    // A whole-turn annotation is referenced at the end of that turn's first paragraph.
    let t3 = zh.find("id=\"t-3\"").unwrap();
    let t4 = zh.find("id=\"t-4\"").unwrap();
    assert!(zh[t3..t4].contains(r##"<a class="ref" href="#a-whole" id="ref-a-whole""##));
    assert!(zh[t3..t4].contains(r#"<div class="note" id="a-whole""#));
}

#[test]
fn a_note_missing_from_a_translation_is_shown_in_its_own_language_and_warned_about() {
    let (site, summary) = built();
    let en = read(site.path(), "book/en/interviews/first/index.html");
    let t2 = en.find("id=\"t-2\"").unwrap();
    let t3 = en.find("id=\"t-3\"").unwrap();
    let note = en
        .find(r#"id="a-zh-only""#)
        .expect("the Chinese-only note is on the English page");
    assert!(note > t2 && note < t3, "on the same turn as in Chinese");
    assert!(
        en[note..].starts_with(r#"id="a-zh-only" role="note" lang="zh-Hant""#),
        "{}",
        &en[note..note + 120]
    );
    let warning = summary
        .warnings
        .iter()
        .find(|w| w.message.contains("`zh-only` has no translation"))
        .expect("warning");
    assert_eq!(warning.location.as_ref().unwrap().line, 31);
}

#[test]
fn topic_pages_list_the_passages_of_every_interview_with_working_links() {
    let (site, _) = built();
    let book = site.path().join("book");
    let chips = read(site.path(), "book/topics/chips/index.html");
    // The section, the tagged turn, the annotation (first interview), two turns (second).
    let passage_links: Vec<String> = urls(&chips)
        .into_iter()
        .filter(|u| u.starts_with("/interviews/") && u.contains('#'))
        .collect();
    for expected in [
        "/interviews/first/#chips",
        "/interviews/first/#t-2",
        "/interviews/second/#t-1",
        "/interviews/second/#t-2",
    ] {
        assert!(
            passage_links.iter().any(|u| u == expected),
            "{expected} in {passage_links:?}"
        );
    }
    assert!(
        chips.contains("晶體管是電子開關"),
        "the annotation's note is shown"
    );
    for href in &passage_links {
        assert_link_lands(&book, "/", href);
    }
    let en = read(site.path(), "book/en/topics/chips/index.html");
    assert!(
        en.contains("/en/interviews/first/#t-2"),
        "English topic page links the English turn"
    );
    assert!(
        en.contains("/interviews/second/#t-1"),
        "and the Chinese-only interview"
    );
    assert!(
        en.contains(r#"class="passage passage-turn" lang="zh-Hant""#),
        "whose passages carry the Chinese language code, for screen readers and fonts"
    );
    assert!(
        !chips.contains("/interviews/first/#t-4"),
        "an apps turn is not on the chips page"
    );
}

#[test]
fn glossary_terms_are_linked_once_per_section_and_listed_with_their_occurrences() {
    let (site, _) = built();
    let zh = read(site.path(), "book/interviews/first/index.html");
    let chips_section = &zh[zh.find(r#"id="chips""#).unwrap()..zh.find(r#"id="apps""#).unwrap()];
    assert_eq!(
        chips_section
            .matches("href=\"/glossary/#term-transistor\"")
            .count(),
        1,
        "first occurrence per section only"
    );
    let glossary_zh = read(site.path(), "book/glossary/index.html");
    let entry = &glossary_zh[glossary_zh
        .find(r#"id="term-transistor""#)
        .expect("the entry the tooltip is read from")..];
    assert!(
        entry[..entry.find("</div>").unwrap()].contains("控制電流的半導體元件。"),
        "{entry}"
    );
    let glossary = read(site.path(), "book/glossary/index.html");
    assert!(glossary.contains(r#"id="term-transistor""#));
    let book = site.path().join("book");
    let backs: Vec<String> = urls(&glossary)
        .into_iter()
        .filter(|u| u.contains("#g-"))
        .collect();
    assert!(
        backs
            .iter()
            .any(|u| u.starts_with("/interviews/first/#g-transistor")),
        "{backs:?}"
    );
    assert!(
        backs
            .iter()
            .any(|u| u.starts_with("/interviews/second/#g-transistor")),
        "{backs:?}"
    );
    for href in &backs {
        assert_link_lands(&book, "/", href);
    }
    let en = read(site.path(), "book/en/interviews/first/index.html");
    assert!(en.contains("href=\"/en/glossary/#term-chatgpt\""));
}

#[test]
fn the_glossary_lists_the_notes_about_each_term_by_their_numbers() {
    let (site, _) = built();
    let book = site.path().join("book");
    for (prefix, label) in [("", "註釋"), ("en/", "Notes")] {
        let page = read(
            site.path(),
            &format!("book/{prefix}interviews/first/index.html"),
        );
        // The number the note `transistor` (`terms: [transistor]`) has on its page.
        let num_at = page
            .find(r##"<a class="note-num" href="#ref-a-transistor">"##)
            .expect("the note");
        let number: String = page[num_at..]
            .split('>')
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let glossary = read(site.path(), &format!("book/{prefix}glossary/index.html"));
        let entry_at = glossary.find(r#"id="term-transistor""#).unwrap();
        let entry = &glossary[entry_at..entry_at + glossary[entry_at..].find("</div>").unwrap()];
        let notes = entry
            .split(&format!(r#"<p class="occurrences">{label}: "#))
            .nth(1)
            .unwrap_or_else(|| panic!("no notes listed in {prefix}glossary:\n{entry}"));
        let href = format!("/{prefix}interviews/first/#a-transistor");
        assert!(
            notes.contains(&format!(r#"<a href="{href}""#))
                && notes.contains(&format!(">{number}</a>")),
            "the note, by the number it has on its page ({number}):\n{entry}"
        );
        assert_link_lands(&book, "/", &href);
        // A term no note names lists no notes.
        let other_at = glossary.find(r#"id="term-chatgpt""#).unwrap();
        let other = &glossary[other_at..other_at + glossary[other_at..].find("</div>").unwrap()];
        assert!(!other.contains(&format!("{label}: ")), "{other}");
    }
}

#[test]
fn two_glossary_entries_sharing_a_form_are_warned_about() {
    let site = fixture("interviews");
    let glossary = read(site.path(), "content/glossary.yaml")
        + "- id: switch\n  kind: term\n  term: { zh: 開關, en: Transistor }\n  definition: { zh: 開關。, en: A switch. }\n";
    write(site.path(), "content/glossary.yaml", &glossary);
    let summary = build(site.path()).unwrap_or_else(|f| panic!("{}", failure_text(&f)));
    let warning = summary
        .warnings
        .iter()
        .find(|w| w.message.contains("both have the form"))
        .expect("a warning");
    assert_eq!(
        warning.message,
        "glossary entries `transistor` and `switch` both have the form `Transistor`: the text links it to `transistor` only"
    );
    let at = warning.location.as_ref().unwrap();
    assert!(
        at.file.ends_with("content/glossary.yaml") && at.line > 1,
        "{at:?}"
    );
    // The text still links the form to the first entry.
    let en = read(site.path(), "book/en/interviews/first/index.html");
    assert!(en.contains("href=\"/en/glossary/#term-transistor\""));
    assert!(!en.contains("#term-switch"));
}

#[test]
fn pages_show_what_links_to_them_and_related_interviews() {
    let (site, _) = built();
    let first = read(site.path(), "book/interviews/first/index.html");
    let backlinks = &first[first.find("class=\"backlinks\"").expect("backlinks")..];
    assert!(
        backlinks.contains("href=\"/interviews/second/\""),
        "second links to first"
    );
    let related = &first[first.find("class=\"related\"").expect("related interviews")..];
    assert!(
        related.contains("href=\"/interviews/second/\""),
        "they share a topic"
    );
}

#[test]
fn the_parallel_page_pairs_turns_and_the_switcher_keeps_the_place() {
    let (site, _) = built();
    let par = read(site.path(), "book/interviews/first/parallel/index.html");
    let rows = par.matches("<div class=\"row\" id=\"t-").count();
    assert_eq!(rows, 4);
    let row2 = &par[par.find("id=\"t-2\"").unwrap()..par.find("id=\"t-3\"").unwrap()];
    assert!(row2.contains("lang=\"zh-Hant\"") && row2.contains("lang=\"en\""));
    assert!(row2.contains("是的，好比") && row2.contains("Yes, like the"));
    let en = read(site.path(), "book/en/interviews/first/parallel/index.html");
    assert!(en.contains(r#"<link rel="alternate" hreflang="zh-Hant" href="https://example.org/interviews/first/parallel/">"#));
    assert!(
        !site.path().join("book/interviews/second/parallel").exists(),
        "no translation, no parallel page"
    );
}

#[test]
fn the_topic_map_links_every_turn() {
    let (site, _) = built();
    let zh = read(site.path(), "book/interviews/first/index.html");
    let svg = &zh[zh.find("<svg class=\"topic-map\"").unwrap()..zh.find("</svg>").unwrap()];
    let page_ids = ids(&zh);
    for n in 1..=4 {
        assert!(
            svg.contains(&format!("<a href=\"#t-{n}\"")),
            "turn {n} in the map"
        );
        assert!(page_ids.contains(&format!("t-{n}")));
    }
    assert!(
        svg.contains("class=\"map-t0\"") || svg.contains("class=\"map-t1\""),
        "coloured by topic"
    );
}

#[test]
fn annotations_are_exported_as_web_annotation_json_ld() {
    let (site, _) = built();
    for (path, n) in [
        ("book/interviews/first/annotations.jsonld", 3),
        ("book/en/interviews/first/annotations.jsonld", 3),
    ] {
        let json: serde_json::Value =
            serde_json::from_str(&read(site.path(), path)).expect("valid JSON");
        assert_eq!(json["@context"], "http://www.w3.org/ns/anno.jsonld");
        let items = json["first"]["items"].as_array().unwrap();
        assert_eq!(items.len(), n, "{path}");
        assert_eq!(json["total"], n);
    }
    let json: serde_json::Value = serde_json::from_str(&read(
        site.path(),
        "book/interviews/first/annotations.jsonld",
    ))
    .unwrap();
    let t = &json["first"]["items"][0];
    assert_eq!(t["target"]["selector"]["type"], "TextQuoteSelector");
    assert_eq!(t["target"]["selector"]["exact"], "晶體管");
    assert_eq!(t["target"]["selector"]["suffix"], "。它也");
    assert_eq!(
        t["target"]["source"],
        "https://example.org/interviews/first/"
    );
}

#[test]
fn speaker_pages_gather_turns_across_interviews() {
    let (site, _) = built();
    let sam = read(site.path(), "book/speakers/sam/index.html");
    assert!(
        sam.contains("/interviews/first/#t-2") && sam.contains("/interviews/second/#t-2"),
        "{sam}"
    );
    assert!(sam.contains("/interviews/first/#t-4"));
    assert!(Path::new(&site.path().join("book/en/speakers/sam/index.html")).is_file());
    let index = read(site.path(), "book/speakers/index.html");
    assert!(
        index.contains("/speakers/ben/") && index.contains("/speakers/reporter/"),
        "{index}"
    );
}
