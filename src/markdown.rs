//! Parsed blocks → HTML: links rewritten to output URLs, code highlighted, footnotes numbered
//! across the page, and inline decorations (annotation marks, glossary links) woven into the text.
//!
//! Decorations are given as ranges of a block's *plain text*: the concatenation of its Text and
//! Code events, soft and hard breaks counted as one space, image alt text and code blocks left out.
//! [`block_text`] computes exactly that text, so the stages that find quotes and terms and this one
//! that draws them agree on every offset.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};

use crate::events::{Events, Piece};
use crate::highlight;
use crate::parse::Block;
use crate::text::{escape_html, push_escaped_text};

mod decorations;
pub use decorations::{Decorations, MarkSpan, PageDecorations, TermSpan};

/// The plain text of a block, as described in the module docs.
pub fn block_text(events: &Events) -> String {
    let mut s = String::with_capacity(events.text_len());
    let mut skip = 0usize;
    for e in events.pieces() {
        match e {
            Piece::Start(Tag::Image { .. } | Tag::CodeBlock(_)) => skip += 1,
            Piece::End(TagEnd::Image | TagEnd::CodeBlock) => skip = skip.saturating_sub(1),
            Piece::Text(t) | Piece::Code(t) if skip == 0 => s.push_str(t),
            Piece::Break if skip == 0 => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Whether the block's text at `range` lies inside a link or heading, where terms are not linked.
pub fn unlinkable_ranges(events: &Events) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut skip = 0usize;
    let mut no_link = 0usize;
    let mut start = 0usize;
    for e in events.pieces() {
        match e {
            Piece::Start(Tag::Image { .. } | Tag::CodeBlock(_)) => skip += 1,
            Piece::End(TagEnd::Image | TagEnd::CodeBlock) => skip = skip.saturating_sub(1),
            Piece::Start(Tag::Link { .. } | Tag::Heading { .. }) => {
                if no_link == 0 {
                    start = pos;
                }
                no_link += 1;
            }
            Piece::End(TagEnd::Link | TagEnd::Heading(_)) => {
                no_link = no_link.saturating_sub(1);
                if no_link == 0 {
                    out.push((start, pos));
                }
            }
            Piece::Code(t) if skip == 0 => {
                out.push((pos, pos + t.len()));
                pos += t.len();
            }
            Piece::Text(t) if skip == 0 => pos += t.len(),
            Piece::Break if skip == 0 => pos += 1,
            _ => {}
        }
    }
    out
}

pub struct Renderer<'a> {
    /// Returns the URL a Markdown link destination should point to, or `None` to keep it.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    pub footnotes: &'a HashMap<String, usize>,
    /// Called with (line, language) for a code block in a language syntect does not know.
    pub unknown_language: &'a dyn Fn(usize, &str),
    /// Where code blocks are highlighted, and kept for the rest of the build.
    pub code: &'a highlight::Seen,
}

impl Renderer<'_> {
    /// Renders blocks, each with its decorations, into one HTML string. `after` is appended after
    /// a block's HTML (side notes belong right after the paragraph they annotate).
    pub fn render(&self, blocks: &[(&Block, Option<&Decorations>, String)]) -> String {
        // Sized for the text plus a quarter for tags and entities, rather than grown from empty.
        let size: usize = blocks
            .iter()
            .map(|(b, _, after)| b.events.text_len() * 5 / 4 + 32 + after.len())
            .sum();
        let mut out = String::with_capacity(size);
        for (block, decos, after) in blocks {
            let events = self.transform(block, *decos);
            html::push_html(&mut out, events.into_iter());
            out.push_str(after);
        }
        // Kept for the rest of the build (turns are quoted on several pages): give back the
        // estimate's slack, usually within the allocation's own size class.
        out.shrink_to_fit();
        out
    }

    fn transform<'b>(&self, block: &'b Block, decos: Option<&Decorations>) -> Vec<Event<'b>> {
        let empty = Decorations::default();
        let decos = decos.unwrap_or(&empty);
        let mut out: Vec<Event<'b>> = Vec::with_capacity(block.events.len());
        let mut pos = 0usize;
        let mut skip = 0usize;
        let mut in_link = 0usize;
        let mut deferred_refs = String::new();
        let mut code: Option<(String, String)> = None;
        for e in block.events.iter() {
            let e = &e;
            if let Some((lang, buf)) = &mut code {
                match e {
                    Event::Text(t) => buf.push_str(t),
                    Event::End(TagEnd::CodeBlock) => {
                        let h = self.code.highlight(buf, lang);
                        if !h.known {
                            (self.unknown_language)(block.line, lang);
                        }
                        let token = lang.split_whitespace().next().unwrap_or("");
                        let class = if token.is_empty() {
                            String::new()
                        } else {
                            format!(" class=\"language-{}\"", escape_html(token))
                        };
                        out.push(Event::Html(CowStr::from(format!(
                            "<pre class=\"code\"><code{class}>{}</code></pre>\n",
                            h.html
                        ))));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match e {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        pulldown_cmark::CodeBlockKind::Fenced(l) => l.to_string(),
                        pulldown_cmark::CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Start(Tag::Image { .. }) => {
                    skip += 1;
                    out.push(self.rewrite(e));
                }
                Event::End(TagEnd::Image) => {
                    skip = skip.saturating_sub(1);
                    out.push(e.clone());
                }
                Event::Start(Tag::Link { .. }) => {
                    in_link += 1;
                    out.push(self.rewrite(e));
                }
                Event::End(TagEnd::Link) => {
                    in_link = in_link.saturating_sub(1);
                    out.push(e.clone());
                    if in_link == 0 && !deferred_refs.is_empty() {
                        out.push(Event::InlineHtml(CowStr::from(std::mem::take(
                            &mut deferred_refs,
                        ))));
                    }
                }
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) => {
                    // Heading attributes other than id and classes (`topics=…`) are data for gloss,
                    // not HTML attributes.
                    out.push(Event::Start(Tag::Heading {
                        level: *level,
                        id: id.clone(),
                        classes: classes.clone(),
                        attrs: Vec::new(),
                    }));
                }
                Event::FootnoteReference(label) => {
                    let n = self.footnotes.get(label.as_ref()).copied().unwrap_or(0);
                    let l = escape_html(label);
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{l}\" id=\"fnref-{l}\">{n}</a></sup>"
                    ))));
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = self.footnotes.get(label.as_ref()).copied().unwrap_or(0);
                    let l = escape_html(label);
                    out.push(Event::Html(CowStr::from(format!(
                        "<div class=\"footnote\" id=\"fn-{l}\"><span class=\"footnote-num\"><a href=\"#fnref-{l}\">{n}</a></span>"
                    ))));
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    out.push(Event::Html(CowStr::from("</div>\n")))
                }
                // Most text has nothing on it: the HTML writer escapes it as it is.
                Event::Text(t) if skip == 0 && !decos.touches(pos, pos + t.len(), in_link > 0) => {
                    pos += t.len();
                    out.push(e.clone());
                }
                Event::Text(t) if skip == 0 => {
                    let html = self.decorate(t, pos, decos, in_link > 0, &mut deferred_refs);
                    pos += t.len();
                    out.push(Event::InlineHtml(CowStr::from(html)));
                }
                Event::Code(t) if skip == 0 => {
                    let html = self.decorate(t, pos, decos, true, &mut deferred_refs);
                    pos += t.len();
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<code>{html}</code>"
                    ))));
                }
                Event::SoftBreak | Event::HardBreak if skip == 0 => {
                    pos += 1;
                    out.push(e.clone());
                }
                other => out.push(other.clone()),
            }
        }
        for (anchor, number) in &decos.tail_refs {
            deferred_refs.push_str(&ref_html(anchor, *number));
        }
        if !deferred_refs.is_empty() {
            // Inside the closing paragraph, so the reference reads as part of the text.
            let html = Event::InlineHtml(CowStr::from(deferred_refs));
            if matches!(out.last(), Some(Event::End(TagEnd::Paragraph))) {
                out.insert(out.len() - 1, html);
            } else {
                out.push(html);
            }
        }
        out
    }

    fn rewrite<'b>(&self, e: &Event<'b>) -> Event<'b> {
        match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: (self.resolve)(dest_url)
                    .map(CowStr::from)
                    .unwrap_or_else(|| dest_url.clone()),
                title: title.clone(),
                id: id.clone(),
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: (self.resolve)(dest_url)
                    .map(CowStr::from)
                    .unwrap_or_else(|| dest_url.clone()),
                title: title.clone(),
                id: id.clone(),
            }),
            other => other.clone(),
        }
    }

    /// The HTML for text at block offset `start`, split where marks and terms begin and end.
    fn decorate(
        &self,
        text: &str,
        start: usize,
        decos: &Decorations,
        no_terms: bool,
        deferred: &mut String,
    ) -> String {
        let end = start + text.len();
        let inside = |c: usize| c > start && c < end;
        let mut cuts = vec![start, end];
        for m in &decos.marks {
            cuts.extend([m.start, m.end].into_iter().filter(|&c| inside(c)));
        }
        if !no_terms {
            for t in &decos.terms {
                cuts.extend([t.start, t.end].into_iter().filter(|&c| inside(c)));
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut html = String::with_capacity(text.len() + 16);
        // Marks stay open across cuts while they continue, so a passage is one <mark> per text
        // run; a mark is closed early only when an overlapping one ends inside it.
        let mut stack: Vec<usize> = Vec::new();
        let mut term_open: Option<usize> = None;
        let refs = |html: &mut String, at: usize, deferred: &mut String| {
            for m in decos.marks.iter().filter(|m| m.end == at) {
                let r = ref_html(&m.anchor, m.number);
                if no_terms {
                    // Inside a link (or code): a link cannot hold another link; draw it after.
                    deferred.push_str(&r);
                } else {
                    html.push_str(&r);
                }
            }
        };
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let mut want: Vec<usize> = (0..decos.marks.len())
                .filter(|&i| decos.marks[i].start <= a && decos.marks[i].end >= b)
                .collect();
            want.sort_by_key(|&i| (decos.marks[i].start, std::cmp::Reverse(decos.marks[i].end)));
            let want_term = if no_terms {
                None
            } else {
                decos.terms.iter().position(|t| t.start <= a && t.end >= b)
            };
            let closing = stack.iter().position(|i| !want.contains(i));
            if term_open.is_some() && (term_open != want_term || closing.is_some()) {
                html.push_str("</a>");
                term_open = None;
            }
            if let Some(p) = closing {
                for _ in p..stack.len() {
                    html.push_str("</mark>");
                }
                stack.truncate(p);
            }
            if a > start {
                refs(&mut html, a, deferred);
            }
            for i in want {
                if !stack.contains(&i) {
                    html.push_str(&format!("<mark data-note=\"{}\">", decos.marks[i].anchor));
                    stack.push(i);
                }
            }
            if let (Some(t), None) = (want_term, term_open) {
                let t_span = &decos.terms[t];
                if t_span.start == a {
                    // The definition is not repeated in every page: gloss.js shows it on hover
                    // and focus from the glossary entry the link points to.
                    html.push_str(&format!(
                        "<a class=\"term\" href=\"{}\" id=\"{}\">",
                        escape_html(&t_span.href),
                        escape_html(&t_span.id)
                    ));
                } else {
                    html.push_str(&format!(
                        "<a class=\"term\" href=\"{}\">",
                        escape_html(&t_span.href)
                    ));
                }
                term_open = Some(t);
            }
            push_escaped_text(&mut html, &text[a - start..b - start]);
        }
        if term_open.is_some() {
            html.push_str("</a>");
        }
        for _ in &stack {
            html.push_str("</mark>");
        }
        refs(&mut html, end, deferred);
        html
    }
}

/// The numbered reference to a side note, placed in the text.
fn ref_html(anchor: &str, number: usize) -> String {
    format!("<a class=\"ref\" href=\"#{anchor}\" id=\"ref-{anchor}\">{number}</a>")
}

/// Footnote numbers in order of first reference across the given blocks.
pub fn number_footnotes<'a>(blocks: impl Iterator<Item = &'a Block>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for b in blocks {
        for e in b.events.iter() {
            if let Event::FootnoteReference(l) = e {
                let n = map.len() + 1;
                map.entry(l.to_string()).or_insert(n);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Diagnostics, SourceMap};
    use crate::parse::{Labels, parse};
    use std::path::Path;

    fn blocks(md: &str) -> Vec<Block> {
        let map = SourceMap::new(Path::new("a.md"), md);
        parse(&md.into(), 0, &map, &Labels::default(), &Diagnostics::new()).blocks
    }

    fn render(b: &Block, d: Option<&Decorations>) -> String {
        let fns = HashMap::new();
        let r = Renderer {
            resolve: &|u: &str| u.strip_suffix(".md").map(|s| format!("/base/{s}/")),
            footnotes: &fns,
            unknown_language: &|_, _| {},
            code: &highlight::Seen::default(),
        };
        r.render(&[(b, d, String::new())])
    }

    #[test]
    fn text_without_decorations_is_escaped_as_with_them() {
        let md = "a < b & \"c\" > d's [e](x.md)\n";
        let b = &blocks(md)[0];
        let plain = render(b, None);
        assert_eq!(
            plain,
            "<p>a &lt; b &amp; \"c\" &gt; d's <a href=\"/base/x/\">e</a></p>\n"
        );
        // A term elsewhere in the block sends this text through the decorating path.
        let d = Decorations {
            terms: vec![TermSpan {
                start: 0,
                end: 1,
                href: "/g/#a".into(),
                id: "g-a".into(),
            }],
            ..Decorations::default()
        };
        let decorated = render(b, Some(&d));
        assert_eq!(
            decorated.replace(r#"<a class="term" href="/g/#a" id="g-a">a</a>"#, "a"),
            plain
        );
    }

    #[test]
    fn block_text_joins_text_and_code() {
        let b = &blocks("a *b* `c` ![alt](x.png)\nd\n")[0];
        assert_eq!(block_text(&b.events), "a b c  d");
    }

    #[test]
    fn decorations_added_out_of_block_order_are_found_by_block() {
        let mut d = PageDecorations::default();
        for b in [7, 2, 9, 2, 0] {
            d.entry(b).tail_refs.push((format!("a-{b}"), b));
        }
        d.shrink_to_fit();
        assert_eq!(d.get(2).map(|x| x.tail_refs.len()), Some(2));
        assert_eq!(d.get(9).map(|x| x.tail_refs[0].0.as_str()), Some("a-9"));
        assert!(d.get(3).is_none());
        let order: Vec<usize> = d.values().map(|x| x.tail_refs[0].1).collect();
        assert_eq!(order, [0, 2, 7, 9]);
    }

    #[test]
    fn marks_and_terms_are_woven_in() {
        let b = &blocks("the anchor tenant of *it*\n")[0];
        let d = Decorations {
            tail_refs: vec![],
            marks: vec![MarkSpan {
                start: 4,
                end: 17,
                anchor: "a-x".into(),
                number: 1,
            }],
            terms: vec![TermSpan {
                start: 4,
                end: 10,
                href: "/g/#anchor".into(),
                id: "g-1".into(),
            }],
        };
        let html = render(b, Some(&d));
        assert!(
            html.contains(r##"the <mark data-note="a-x"><a class="term" href="/g/#anchor" id="g-1">anchor</a> tenant</mark><a class="ref" href="#a-x" id="ref-a-x">1</a> of"##),
            "one mark holds the term link, the reference follows it: {html}"
        );
    }

    #[test]
    fn overlapping_marks_nest_properly() {
        let b = &blocks("one two three four\n")[0];
        let d = Decorations {
            marks: vec![
                MarkSpan {
                    start: 0,
                    end: 7,
                    anchor: "a-1".into(),
                    number: 1,
                },
                MarkSpan {
                    start: 4,
                    end: 13,
                    anchor: "a-2".into(),
                    number: 2,
                },
            ],
            ..Decorations::default()
        };
        let html = render(b, Some(&d));
        assert_eq!(
            html.trim(),
            r##"<p><mark data-note="a-1">one <mark data-note="a-2">two</mark></mark><a class="ref" href="#a-1" id="ref-a-1">1</a><mark data-note="a-2"> three</mark><a class="ref" href="#a-2" id="ref-a-2">2</a> four</p>"##
        );
    }

    #[test]
    fn links_are_rewritten() {
        let html = render(&blocks("[x](other.md)\n")[0], None);
        assert!(html.contains("href=\"/base/other/\""), "{html}");
    }

    #[test]
    fn heading_data_attributes_are_not_html() {
        let html = render(&blocks("## T {#t topics=a}\n")[0], None);
        assert_eq!(html.trim(), "<h2 id=\"t\">T</h2>");
    }

    #[test]
    fn code_is_highlighted_or_escaped() {
        let html = render(&blocks("```rust\nlet x = 1;\n```\n")[0], None);
        assert!(html.contains("hl-"), "{html}");
        let html = render(&blocks("```nosuchlang\n<x>\n```\n")[0], None);
        assert!(html.contains("&lt;x&gt;"), "{html}");
    }
}
