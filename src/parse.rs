//! A page body → [`Doc`]: top-level Markdown blocks (pulldown-cmark events with their lines),
//! headings with unique ids, sections, speaker turns, and the links to check. Shortcodes from
//! other generators and raw HTML are reported here and neutralised.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::error::{Diagnostic, Diagnostics, SourceMap};
use crate::events::Events;
use crate::text::{slugify, squash_ws};

mod label;
use label::{Label, take_label};

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    Paragraph,
    Code,
    Other,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub events: Events,
    pub kind: BlockKind,
    /// 1-based line in the file.
    pub line: usize,
    pub turn: Option<usize>,
    pub section: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    pub block: usize,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub topics: Vec<String>,
    pub line: usize,
    pub heading: usize,
}

#[derive(Debug, Clone)]
pub struct Turn {
    /// 1-based number: the anchor is `t-{n}`.
    pub n: usize,
    /// The speaker's `id` from the front matter.
    pub speaker: String,
    pub line: usize,
    /// Blocks `first..=last` of the doc.
    pub first: usize,
    pub last: usize,
    pub section: Option<usize>,
}

impl Turn {
    pub fn anchor(&self) -> String {
        format!("t-{}", self.n)
    }
}

#[derive(Debug, Clone)]
pub struct LinkRef {
    pub dest: String,
    /// Byte offset and length of the link (`[text](dest)`) in the file.
    pub offset: usize,
    pub len: usize,
    pub is_image: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub turns: Vec<Turn>,
    pub links: Vec<LinkRef>,
}

/// How the parser recognises speaker labels: each accepted label (id and every name) → speaker id.
#[derive(Debug, Default)]
pub struct Labels {
    pub by_label: HashMap<String, String>,
}

impl Labels {
    pub fn is_empty(&self) -> bool {
        self.by_label.is_empty()
    }
}

static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[<%]\s*/?\s*([A-Za-z0-9_./-]*)[^}]*?[%>]\}\}").expect("static regex")
});

/// Parses the body of `source`, which starts at `body_offset`. `labels` is empty for pages that are
/// not interviews (no turns are recognised). The blocks keep `source` and refer to its text.
pub fn parse(
    source: &Arc<str>,
    body_offset: usize,
    map: &SourceMap,
    labels: &Labels,
    diags: &Diagnostics,
) -> Doc {
    let mut doc = Doc::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut depth = 0usize;
    let mut current: Vec<Event> = Vec::new();
    let mut start = 0usize;
    let mut in_code = false;
    let mut in_link = 0usize;
    let body = &source[body_offset..];
    let mut events = Parser::new_ext(body, options())
        .into_offset_iter()
        .peekable();

    while let Some((event, range)) = events.next() {
        if depth == 0 {
            start = range.start;
        }
        let event = match event {
            Event::Start(tag) => {
                depth += 1;
                match &tag {
                    Tag::CodeBlock(_) => in_code = true,
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                        doc.links.push(LinkRef {
                            dest: dest_url.to_string(),
                            offset: body_offset + range.start,
                            len: range.len(),
                            is_image: matches!(tag, Tag::Image { .. }),
                        });
                        if matches!(tag, Tag::Link { .. }) {
                            in_link += 1;
                        }
                    }
                    _ => {}
                }
                Event::Start(tag)
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                match end {
                    TagEnd::CodeBlock => in_code = false,
                    TagEnd::Link => in_link = in_link.saturating_sub(1),
                    _ => {}
                }
                Event::End(end)
            }
            Event::Text(t) if !in_code => {
                // pulldown-cmark splits text at `<`, `[`…; merge so shortcodes and quotes are whole.
                // Pieces that lie side by side in the body stay a slice of it (see events.rs).
                let mut text = t;
                while let Some((Event::Text(_), _)) = events.peek() {
                    if let Some((Event::Text(more), _)) = events.next() {
                        let joined = match (&text, &more) {
                            (CowStr::Borrowed(a), CowStr::Borrowed(b)) => side_by_side(body, a, b),
                            _ => None,
                        };
                        text = match joined {
                            Some(j) => CowStr::Borrowed(j),
                            None => {
                                let mut merged = text.into_string();
                                merged.push_str(&more);
                                CowStr::from(merged)
                            }
                        };
                    }
                }
                if text.contains("{{") {
                    let at = range.start + body_offset;
                    text = CowStr::from(strip_shortcodes(&text, at, map, diags));
                }
                Event::Text(text)
            }
            Event::Html(h) | Event::InlineHtml(h) if !in_code => {
                raw_html(&h, range.start + body_offset, map, diags)
            }
            other => other,
        };
        current.push(event);
        if depth == 0 {
            let line = map.line_of(body_offset + start);
            // `current` is emptied, not replaced: its room serves every block of the body.
            push_block(&mut doc, &mut current, line, labels, &mut ids, source);
        }
    }
    let _ = in_link;
    report_unknown_labels(&doc, labels, map, diags);
    doc.blocks.shrink_to_fit();
    doc.turns.shrink_to_fit();
    doc
}

/// One error per label that names no speaker, at its first turn, with the lines of the others:
/// a speaker left out of `speakers:` (or misspelt there) would otherwise give one per turn.
fn report_unknown_labels(doc: &Doc, labels: &Labels, map: &SourceMap, diags: &Diagnostics) {
    let mut by_name: Vec<(&str, Vec<usize>)> = Vec::new();
    for t in &doc.turns {
        // Marked by `push_block`.
        let Some(name) = t.speaker.strip_prefix('?') else {
            continue;
        };
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some((_, lines)) => lines.push(t.line),
            None => by_name.push((name, vec![t.line])),
        }
    }
    if by_name.is_empty() {
        return;
    }
    let mut known: Vec<&str> = labels.by_label.keys().map(String::as_str).collect();
    known.sort_unstable();
    for (name, lines) in by_name {
        // The name itself is underlined, after any `**`.
        let text = map.line_location(lines[0], 0, 0).text.unwrap_or_default();
        let col = text.find(name).unwrap_or(0);
        let others = match lines.len() {
            1 => String::new(),
            n => {
                let shown: Vec<String> = lines.iter().take(6).map(usize::to_string).collect();
                let more = if n > 6 { ", …" } else { "" };
                format!(
                    " It opens {n} turns here (lines {}{more}).",
                    shown.join(", ")
                )
            }
        };
        diags.push(
            Diagnostic::error(format!(
                "turn label `{name}` names no speaker of this interview"
            ))
            .at(map.line_location(lines[0], col, name.len()))
            .help(format!(
                "declare the speaker under `speakers:` in the front matter, or use one of: {}.{others}",
                known.join(", ")
            )),
        );
    }
}

fn strip_shortcodes(text: &str, offset: usize, map: &SourceMap, diags: &Diagnostics) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in SHORTCODE.find_iter(text) {
        let name = SHORTCODE
            .captures(m.as_str())
            .and_then(|c| c.get(1))
            .map(|n| n.as_str().to_string())
            .unwrap_or_default();
        diags.push(
            Diagnostic::warning(format!(
                "shortcode `{}` from another generator left out of the output",
                if name.is_empty() { m.as_str() } else { &name }
            ))
            .at(map.locate(offset + m.start(), m.len()))
            .help("gloss has no shortcodes: replace it with Markdown (a link, an image, a code block) or remove it"),
        );
        out.push_str(&text[last..m.start()]);
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// `a` then `b` as one slice of `body`, when both are slices of it and `b` starts where `a` ends.
fn side_by_side<'a>(body: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let at = (a.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let end = at + a.len();
    (b.as_ptr() as usize == body.as_ptr() as usize + end)
        .then(|| body.get(at..end + b.len()))
        .flatten()
}

/// Raw HTML in a body is shown as text, never passed through, except line breaks: a page's
/// Markdown cannot inject scripts or markup (docs/content.md, "Raw HTML").
fn raw_html(h: &str, offset: usize, map: &SourceMap, diags: &Diagnostics) -> Event<'static> {
    let t = h.trim();
    if matches!(t.to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />") {
        return Event::HardBreak;
    }
    if t.starts_with("<!--") {
        return Event::Text(CowStr::from(String::new())); // comments are dropped silently
    }
    diags.push(
        Diagnostic::warning("raw HTML in Markdown is shown as text, not rendered")
            .at(map.locate(offset, t.len().min(40)))
            .help("gloss renders Markdown only (plus `<br>`): write this with Markdown, or put it in a template"),
    );
    Event::Text(CowStr::from(h.to_string()))
}

fn push_block(
    doc: &mut Doc,
    events: &mut Vec<Event<'_>>,
    line: usize,
    labels: &Labels,
    ids: &mut HashMap<String, usize>,
    source: &Arc<str>,
) {
    let index = doc.blocks.len();
    let kind = match events.first() {
        Some(Event::Start(Tag::Heading { .. })) => BlockKind::Heading,
        Some(Event::Start(Tag::Paragraph)) => BlockKind::Paragraph,
        Some(Event::Start(Tag::CodeBlock(_))) => BlockKind::Code,
        _ => BlockKind::Other,
    };
    let mut section = doc.sections.len().checked_sub(1);
    let mut turn = None;
    match kind {
        BlockKind::Heading => {
            let Some(Event::Start(Tag::Heading {
                level, id, attrs, ..
            })) = events.first().cloned()
            else {
                unreachable!("heading block starts with a heading")
            };
            let text = plain_text(events);
            let wanted = id.map(|i| i.to_string()).unwrap_or_else(|| {
                let s = slugify(&text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            });
            let unique = unique_id(ids, &wanted);
            if let Some(Event::Start(Tag::Heading { id, .. })) = events.first_mut() {
                *id = Some(CowStr::from(unique.clone()));
            }
            let lvl = heading_level(level);
            doc.headings.push(Heading {
                level: lvl,
                id: unique.clone(),
                text: text.clone(),
                block: index,
                line,
            });
            if lvl == 2 && !labels.is_empty() {
                let topics = attrs
                    .iter()
                    .find(|(k, _)| k.as_ref() == "topics")
                    .and_then(|(_, v)| v.as_ref())
                    .map(|v| {
                        v.split(',')
                            .map(|t| t.trim().to_string())
                            .filter(|t| !t.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                doc.sections.push(Section {
                    id: unique,
                    title: text,
                    topics,
                    line,
                    heading: index,
                });
                section = Some(doc.sections.len() - 1);
            }
        }
        BlockKind::Paragraph if !labels.is_empty() => match take_label(events, labels) {
            Label::Speaker(id) => {
                doc.turns.push(Turn {
                    n: doc.turns.len() + 1,
                    speaker: id,
                    line,
                    first: index,
                    last: index,
                    section,
                });
                turn = Some(doc.turns.len() - 1);
            }
            Label::Unknown(name) => {
                // Still a turn, so one wrong label does not shift every turn after it and
                // cascade into alignment errors; the `?` marks it for the later stages.
                doc.turns.push(Turn {
                    n: doc.turns.len() + 1,
                    speaker: format!("?{name}"),
                    line,
                    first: index,
                    last: index,
                    section,
                });
                turn = Some(doc.turns.len() - 1);
            }
            Label::None => {}
        },
        _ => {}
    }
    // Blocks after a turn's opening paragraph belong to it until the next heading or label.
    if turn.is_none()
        && kind != BlockKind::Heading
        && let Some(last) = doc.turns.last_mut()
        && last.last + 1 == index
        && last.section == section
    {
        last.last = index;
        turn = Some(doc.turns.len() - 1);
    }
    doc.blocks.push(Block {
        events: Events::new(events, source),
        kind,
        line,
        turn,
        section,
    });
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn unique_id(ids: &mut HashMap<String, usize>, wanted: &str) -> String {
    let n = ids.entry(wanted.to_string()).or_insert(0);
    *n += 1;
    if *n == 1 {
        return wanted.to_string();
    }
    let mut k = *n - 1;
    loop {
        let candidate = format!("{wanted}-{k}");
        if !ids.contains_key(&candidate) {
            ids.insert(candidate.clone(), 1);
            return candidate;
        }
        k += 1;
    }
}

/// The text content of events (Text and Code), soft breaks as spaces, whitespace squashed.
pub fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    squash_ws(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn labels() -> Labels {
        let mut by_label = HashMap::new();
        for (l, id) in [
            ("SA", "SA"),
            ("Sam Altman", "SA"),
            ("BT", "BT"),
            ("Ben Thompson", "BT"),
        ] {
            by_label.insert(l.to_string(), id.to_string());
        }
        Labels { by_label }
    }

    fn doc(body: &str) -> (Doc, Vec<Diagnostic>) {
        let map = SourceMap::new(Path::new("a.md"), body);
        let diags = Diagnostics::new();
        let d = parse(&Arc::from(body), 0, &map, &labels(), &diags);
        (d, diags.into_sorted())
    }

    #[test]
    fn a_turns_text_is_read_from_the_source_not_copied() {
        // The label is cut off and text split at `[` and `<` is joined, yet all of it stays a
        // slice of the source (peak memory of the 1,000 corpus: 368 → 305 MB).
        let (d, _) = doc("**SA:** one [two] three <four\n\nBT： five `six`\n\nSA: a &amp; b\n");
        let text = |i: usize| plain_text(&d.blocks[i].events.to_vec());
        assert_eq!(text(0), "one [two] three <four");
        assert_eq!(d.blocks[0].events.copied_len(), 0);
        assert_eq!(text(1), "five six");
        assert_eq!(d.blocks[1].events.copied_len(), 0);
        // An entity is decoded, so that text is the block's own.
        assert_eq!(text(2), "a & b");
        assert!(d.blocks[2].events.copied_len() > 0);
    }

    #[test]
    fn every_label_form_starts_a_turn() {
        let (d, errs) = doc(
            "**SA:** one\n\nSA: two\n\n**Sam Altman:** three\n\nBT：four\n\n**BT**: five\n\ncontinued\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let speakers: Vec<_> = d.turns.iter().map(|t| t.speaker.as_str()).collect();
        assert_eq!(speakers, ["SA", "SA", "SA", "BT", "BT"]);
        assert_eq!(
            d.turns[4].last, 5,
            "the unlabelled paragraph continues the turn"
        );
        assert_eq!(plain_text(&d.blocks[0].events.to_vec()), "one");
        assert_eq!(plain_text(&d.blocks[3].events.to_vec()), "four");
        assert_eq!(plain_text(&d.blocks[4].events.to_vec()), "five");
    }

    #[test]
    fn headings_end_turns_and_make_sections() {
        let (d, _) = doc(
            "## 基礎設施 {#infra topics=infrastructure,apps}\n\nSA: a\n\nmore\n\n## Next\n\nloose\n\nBT: b\n",
        );
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].id, "infra");
        assert_eq!(d.sections[0].topics, ["infrastructure", "apps"]);
        assert_eq!(d.turns[0].last, 2);
        assert_eq!(
            d.blocks[4].turn, None,
            "a paragraph after a heading and before a label is loose"
        );
        assert_eq!(d.turns[1].section, Some(1));
    }

    #[test]
    fn unknown_bold_label_is_an_error() {
        let (_, errs) = doc("**XY:** hello\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("`XY`"));
    }

    #[test]
    fn ordinary_colons_are_not_labels() {
        let (d, errs) = doc("Note: this is prose.\n\nThe ratio was 3:1.\n");
        assert!(errs.is_empty());
        assert!(d.turns.is_empty());
    }

    #[test]
    fn chinese_heading_ids_are_unique() {
        let (d, _) = doc("# 版權\n\n# 版權\n\n# 版權-1\n");
        let ids: Vec<_> = d.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["版權", "版權-1", "版權-1-1"]);
    }

    #[test]
    fn shortcodes_warn_and_vanish() {
        let (d, diags) = doc("Before {{< youtube abc >}} after {{% note %}}x{{% /note %}}\n");
        assert_eq!(diags.len(), 3);
        assert!(
            diags[0].message.contains("youtube")
                || diags.iter().any(|d| d.message.contains("youtube"))
        );
        assert_eq!(plain_text(&d.blocks[0].events.to_vec()), "Before after x");
    }

    #[test]
    fn raw_html_becomes_text() {
        let (d, diags) = doc("a <script>alert(1)</script> b\n");
        assert!(!diags.is_empty());
        assert!(
            d.blocks[0]
                .events
                .iter()
                .all(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        );
    }
}
