//! Mistakes in interviews, as an author makes them: each is reported at the file, line and
//! column where it is written (not again where a translation inherits it), with what to do, once
//! per mistake; a failed build leaves the previous output as it was.

mod common;

use common::*;
use std::path::Path;

fn broken(mutate: impl FnOnce(&Path)) -> String {
    break_fixture("interviews", mutate)
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
