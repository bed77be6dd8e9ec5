//! What a browser would execute in the output: every file tokenized as a browser tokenizes it
//! (html5gum, a WHATWG tokenizer), every script element, event-handler attribute and URL scheme
//! checked, and the nesting of every element checked.

use std::collections::BTreeSet;
use std::path::Path;

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Void elements: no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "srcdoc",
];

fn tokens(html: &str) -> impl Iterator<Item = Token> + '_ {
    let mut emitter = DefaultEmitter::default();
    // Switch to script/style/title raw-text states after their start tags, as a browser does.
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, emitter).map(|t| t.expect("infallible on a &str"))
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The scheme a browser would see: tabs and newlines removed, leading controls and spaces
/// trimmed, lower-cased (the WHATWG URL parser's first steps).
fn scheme(url: &str) -> String {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
    match cleaned.find(':') {
        Some(i)
            if cleaned[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            cleaned[..i].to_ascii_lowercase()
        }
        _ => String::new(),
    }
}

/// Element names a page uses, to compare a hostile build with a clean one.
pub fn element_names(html: &str) -> BTreeSet<String> {
    tokens(html)
        .filter_map(|t| match t {
            Token::StartTag(tag) => Some(s(&tag.name)),
            _ => None,
        })
        .collect()
}

/// Every problem in one HTML document: script elements that are not the site's own, event
/// handler attributes, script URLs, JSON-LD that does not parse, and mis-nested elements.
pub fn html_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut in_ld_json = None::<String>;
    for token in tokens(html) {
        match token {
            Token::StartTag(tag) => {
                let name = s(&tag.name);
                let attrs: Vec<(String, String)> =
                    tag.attributes.iter().map(|(k, v)| (s(k), s(v))).collect();
                for (k, v) in &attrs {
                    if k.starts_with("on") {
                        problems.push(format!("<{name}> has an event handler `{k}={v}`"));
                    }
                    if URL_ATTRS.contains(&k.as_str())
                        && matches!(scheme(v).as_str(), "javascript" | "vbscript" | "data")
                    {
                        problems.push(format!("<{name} {k}=\"{v}\"> has a script URL"));
                    }
                }
                if name == "script" {
                    let src = attrs.iter().find(|(k, _)| k == "src").map(|(_, v)| v);
                    let ty = attrs.iter().find(|(k, _)| k == "type").map(|(_, v)| v);
                    match (src, ty) {
                        (Some(src), None) if src.ends_with(".js") && attrs.len() <= 2 => {}
                        (None, Some(t)) if t == "application/ld+json" => {
                            in_ld_json = Some(String::new())
                        }
                        _ => problems.push(format!("a script that is not the site's: {attrs:?}")),
                    }
                }
                if name == "meta"
                    && attrs
                        .iter()
                        .any(|(k, v)| k == "http-equiv" && v.eq_ignore_ascii_case("refresh"))
                {
                    problems.push("a meta refresh".into());
                }
                if !VOID.contains(&name.as_str()) && !tag.self_closing {
                    open.push(name);
                }
            }
            Token::EndTag(tag) => {
                let name = s(&tag.name);
                if name == "script"
                    && let Some(json) = in_ld_json.take()
                    && let Err(e) = serde_json::from_str::<serde_json::Value>(&json)
                {
                    problems.push(format!("JSON-LD that does not parse ({e}): {json}"));
                }
                match open.pop() {
                    Some(top) if top == name => {}
                    top => problems.push(format!("</{name}> closes <{top:?}>")),
                }
            }
            Token::String(text) => {
                if let Some(json) = &mut in_ld_json {
                    json.push_str(&s(&text));
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        problems.push(format!("elements never closed: {open:?}"));
    }
    problems
}

/// Every output file's problems, by path: HTML documents as above; JSON must parse; XML must
/// hold no script element.
pub fn site_problems(book: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(book)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        let rel = path.strip_prefix(book).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // images and other binary files
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => out.extend(
                html_problems(&text)
                    .into_iter()
                    .map(|p| format!("{rel}: {p}")),
            ),
            Some("json" | "jsonld") => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                    out.push(format!("{rel}: not JSON: {e}"));
                }
            }
            // Feeds and sitemaps: text in them is escaped, so no element a reader would run.
            Some("xml") if text.contains("<script") => {
                out.push(format!("{rel}: a script element"));
            }
            _ => {}
        }
    }
    out
}

/// The text each annotation marks on a page, by note anchor (`a-id`): the text inside every
/// `<mark data-note=…>` with that anchor, note references (`a.ref`) left out. Independent of how
/// the marks are split and nested.
pub fn marked_text(html: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::<String, String>::new();
    // Open elements: (name, the note anchor of a mark, whether it is a reference).
    let mut open: Vec<(String, Option<String>, bool)> = Vec::new();
    for token in tokens(html) {
        match token {
            Token::StartTag(tag) => {
                let name = s(&tag.name);
                let attr = |k: &str| {
                    tag.attributes
                        .iter()
                        .find(|(n, _)| s(n) == k)
                        .map(|(_, v)| s(v))
                };
                let note = (name == "mark").then(|| attr("data-note")).flatten();
                let is_ref = name == "a" && attr("class").is_some_and(|c| c == "ref");
                if !VOID.contains(&name.as_str()) && !tag.self_closing {
                    open.push((name, note, is_ref));
                }
            }
            Token::EndTag(_) => {
                open.pop();
            }
            Token::String(text) => {
                if open.iter().any(|(_, _, r)| *r) {
                    continue;
                }
                let text = s(&text);
                for (_, note, _) in &open {
                    if let Some(n) = note {
                        out.entry(n.clone()).or_default().push_str(&text);
                    }
                }
            }
            _ => {}
        }
    }
    out
}
