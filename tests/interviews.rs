//! Annotated interviews end to end: turns aligned across languages, notes beside their passages,
//! topic pages, glossary links, backlinks, the parallel page, the topic map, the JSON-LD export.

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
fn an_unknown_glossary_id_in_a_notes_terms_is_an_error_at_the_id() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "    topics: [chips]\n    terms: [transistor]",
            "    topics: [chip]\n    terms: [transistr]",
        )
    });
    assert!(
        text.contains(
            "annotation `transistor` names the glossary term `transistr`, which the glossary does not have"
        ),
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:27:13"),
        "{text}"
    );
    assert!(text.contains("did you mean `transistor`?"), "{text}");
    assert!(text.contains("content/glossary.yaml"), "{text}");
    // The note's topic too is pointed at where it is written, not at the note's first line.
    assert!(text.contains("unknown topic `chip`"), "{text}");
    assert!(
        text.contains("--> content/interviews/first.md:26:14"),
        "{text}"
    );
    assert_eq!(text.matches("error[").count(), 2, "{text}");
}

#[test]
fn notes_naming_terms_on_a_site_without_a_glossary_are_reported_once_per_page() {
    let text = broken(|root| std::fs::remove_file(root.join("content/glossary.yaml")).unwrap());
    assert_eq!(
        text.matches("names the glossary term `transistor`, but this site has no glossary")
            .count(),
        2,
        "one error for each of the two pages whose notes name terms:\n{text}"
    );
    assert!(text.contains("add content/glossary.yaml"), "{text}");
    assert_eq!(text.matches("error[").count(), 2, "{text}");
}

#[test]
fn a_note_naming_a_term_of_a_glossary_that_fails_is_not_reported_again() {
    let text = broken(|root| {
        edit(
            root,
            "content/glossary.yaml",
            "- id: transistor\n  kind: term",
            "- id: transistor\n  kind: gadget",
        )
    });
    assert!(
        text.contains("glossary entry `transistor` has kind `gadget`"),
        "{text}"
    );
    assert!(!text.contains("names the glossary term"), "{text}");
    assert_eq!(text.matches("error[").count(), 1, "{text}");
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

fn broken(mutate: impl FnOnce(&Path)) -> String {
    let site = fixture("interviews");
    build(site.path()).unwrap();
    let before = snapshot(&site.path().join("book"));
    mutate(site.path());
    let text = expect_failure(site.path());
    assert_eq!(
        before,
        snapshot(&site.path().join("book")),
        "a failed build changed the output"
    );
    text
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let text = read(root, file);
    assert!(text.contains(from), "{from} not in {file}");
    write(root, file, &text.replacen(from, to, 1));
}

#[test]
fn a_quote_not_in_the_text_is_reported_at_the_annotation() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "quote: 錨定",
            "quote: 錨定的",
        )
    });
    assert!(
        text.contains("annotation `zh-only`: the quote is not in the text"),
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:32:5"),
        "{text}"
    );
    assert!(
        text.contains("quote: 錨定的"),
        "the line is quoted:\n{text}"
    );
    assert!(
        text.contains("the first 2 characters match on line 39"),
        "{text}"
    );
}

#[test]
fn an_ambiguous_quote_asks_for_a_prefix_or_suffix() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "    suffix: 。它也\n",
            "",
        )
    });
    assert!(
        text.contains("annotation `transistor`: the quote occurs 2 times"),
        "{text}"
    );
    assert!(text.contains("it is on lines 36, 38"), "{text}");
    assert!(text.contains("add `prefix:`"), "{text}");
}

#[test]
fn an_unknown_topic_inherited_by_a_translation_is_reported_once_where_it_is_written() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "topics: [chips]\nturns:\n  2: [chips]",
            "topics: [chip]\nturns:\n  2: [chipz]",
        )
    });
    assert!(
        text.contains("--> content/interviews/first.md:17:10"),
        "the page's topic, where it is written in the original:\n{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:19:7"),
        "the turn's topic, where it is written in the original:\n{text}"
    );
    assert_eq!(
        text.matches("unknown topic").count(),
        2,
        "the English translation inherits both and repeats neither:\n{text}"
    );
    assert_eq!(text.matches("error[").count(), 2, "{text}");
}

#[test]
fn an_unknown_topic_lists_the_known_ones() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "## 應用 {#apps topics=apps}",
            "## 應用 {#apps topics=app}",
        )
    });
    assert!(text.contains("unknown topic `app`"), "{text}");
    assert!(text.contains("did you mean `apps`?"), "{text}");
    assert!(text.contains("known topics: apps, chips"), "{text}");
    assert!(
        text.contains("--> content/interviews/first.md:43:21"),
        "points at the topic:\n{text}"
    );
    assert_eq!(
        text.matches("error[").count(),
        1,
        "one mistake, one error:\n{text}"
    );
}

#[test]
fn a_speaker_lost_from_speakers_is_one_error_per_label_not_one_per_turn() {
    // `BT` renamed to `SA`: the second `SA` is refused, and every `BT` turn has no speaker.
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "  - id: BT\n",
            "  - id: SA\n",
        )
    });
    assert_eq!(
        text.matches("speaker id `SA` is empty or declared twice")
            .count(),
        1,
        "reported where it is written, not again in the translation that inherits it:\n{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:13:3"),
        "{text}"
    );
    assert!(!text.contains("first.en.md:1:1"), "{text}");
    assert_eq!(
        text.matches("turn label `BT` names no speaker").count(),
        2,
        "once in each language:\n{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:37:3"),
        "{text}"
    );
    assert!(
        text.contains("It opens 2 turns here (lines 37, 45)."),
        "{text}"
    );
}

#[test]
fn a_bad_date_is_reported_at_its_value_and_not_again_by_the_translation_inheriting_it() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "date: 2025-10-08",
            "date: 2025-13-45",
        )
    });
    assert_eq!(
        text.matches("`2025-13-45` is not a date").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:3:7"),
        "{text}"
    );
    assert_eq!(text.matches("error[").count(), 1, "{text}");
}

#[test]
fn a_label_for_an_undeclared_speaker_is_an_error() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.md",
            "**BT:** 應用呢？",
            "**JI:** 應用呢？",
        )
    });
    assert!(
        text.contains("turn label `JI` names no speaker of this interview"),
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:45:3"),
        "{text}"
    );
    assert!(
        text.contains("BT, Ben, SA, Sam, 山姆, 班"),
        "lists the labels:\n{text}"
    );
    assert_eq!(
        text.matches("error[").count(),
        1,
        "one mistake, one error:\n{text}"
    );
}

#[test]
fn a_misaligned_translation_names_both_files_and_the_first_turn_that_differs() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.en.md",
            "**Ben:** And apps?",
            "**Sam:** And apps?",
        )
    });
    assert!(text.contains("content/interviews/first.md and its translation content/interviews/first.en.md are not aligned"), "{text}");
    assert!(
        text.contains("turn 3 is BT in one and SA in the other"),
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.md:45:1"),
        "{text}"
    );
    assert!(
        text.contains("--> content/interviews/first.en.md:28:1"),
        "{text}"
    );
}

#[test]
fn a_missing_turn_is_a_misalignment_too() {
    let text = broken(|root| {
        edit(
            root,
            "content/interviews/first.en.md",
            "**Sam:** Apps live in ChatGPT.",
            "Apps live in ChatGPT.",
        )
    });
    assert!(text.contains("one has 4 turns, the other 3"), "{text}");
}
