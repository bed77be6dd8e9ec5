//! The linked site → the views of each output page: bodies rendered to HTML with their marks,
//! terms and notes; interviews split into sections and turns; parallel rows; topic passages;
//! speaker and glossary listings.

use std::collections::HashMap;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::glossary::Glossary;
use crate::link::Linked;
use crate::markdown::{self, Renderer, block_text};
use crate::page::{Page, PageKind, Speaker};
use crate::parse::{self, Labels};
use crate::text::excerpt;
use crate::view::*;

mod listings;

pub struct Ctx<'a> {
    pub config: &'a Config,
    pub pages: &'a [Page],
    pub linked: &'a Linked,
    pub glossary: &'a Glossary,
    pub diags: &'a Diagnostics,
    /// Views rendered once and shared between pages (see memo.rs).
    pub memo: crate::memo::Memo,
    /// The previous build's results (`gloss serve`), and each page's signature to look them up.
    pub cache: Option<&'a crate::cache::Cache>,
    pub sigs: crate::cache::Signatures,
}

impl<'a> Ctx<'a> {
    /// The interface text `key` in `lang` (book.toml's `[languages.*.ui]` over gloss's defaults).
    pub fn ui(&self, lang: &str, key: &str) -> String {
        self.config
            .language(lang)
            .and_then(|l| l.ui.get(key).cloned())
            .unwrap_or_else(|| key.to_string())
    }

    fn renderer_for<'b>(
        &'b self,
        page: usize,
        footnotes: &'b HashMap<String, usize>,
        resolve: &'b dyn Fn(&str) -> Option<String>,
        unknown: &'b dyn Fn(usize, &str),
    ) -> Renderer<'b> {
        let _ = page;
        Renderer {
            resolve,
            footnotes,
            unknown_language: unknown,
            code: &self.memo.code,
        }
    }

    /// Markdown from front matter (summary, notice, notes) → HTML, links resolved like the body's.
    pub fn fragment(&self, page: usize, md: &str) -> String {
        let p = &self.pages[page];
        let map = crate::error::SourceMap::new(&p.shown, md);
        // Problems inside front-matter Markdown (raw HTML, shortcodes) are reported by the body
        // pass's rules, but their lines would be the fragment's own: point at the file instead.
        let local = Diagnostics::new();
        let doc = parse::parse(
            &std::sync::Arc::from(md),
            0,
            &map,
            &Labels::default(),
            &local,
        );
        for d in local.into_sorted() {
            self.diags.push(d.in_file(&p.shown));
        }
        let resolved = &self.linked.pages[page].resolved;
        let resolve = |u: &str| resolved.get(u).cloned();
        let unknown = |_: usize, lang: &str| self.unknown_language(page, 0, lang);
        let footnotes = markdown::number_footnotes(doc.blocks.iter());
        let r = self.renderer_for(page, &footnotes, &resolve, &unknown);
        let blocks: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b, None, String::new()))
            .collect();
        r.render(&blocks)
    }

    fn unknown_language(&self, page: usize, line: usize, lang: &str) {
        let p = &self.pages[page];
        let token = lang.split_whitespace().next().unwrap_or(lang);
        let d = Diagnostic::warning(format!(
            "code block in unknown language `{token}` is shown as plain text"
        ))
        .help("use a language name syntect knows (rust, python, js, bash, json, yaml…), or `text`");
        self.diags.push(if line > 0 {
            d.at(p.map().line_location(line, 0, 3))
        } else {
            d.in_file(&p.shown)
        });
    }

    /// Renders blocks `range` of a page with their decorations and the notes that follow them.
    fn blocks_html(
        &self,
        page: usize,
        range: std::ops::RangeInclusive<usize>,
        footnotes: &HashMap<String, usize>,
    ) -> String {
        let p = &self.pages[page];
        let pl = &self.linked.pages[page];
        let resolve = |u: &str| pl.resolved.get(u).cloned();
        let unknown = |line: usize, lang: &str| self.unknown_language(page, line, lang);
        let r = self.renderer_for(page, footnotes, &resolve, &unknown);
        let blocks: Vec<_> = range
            .map(|b| {
                let after: String = pl
                    .notes
                    .iter()
                    .filter(|n| n.block == b)
                    .map(|n| self.note_html(page, n))
                    .collect();
                (&p.doc.blocks[b], pl.decorations.get(b), after)
            })
            .collect();
        r.render(&blocks)
    }

    pub fn note_view(&self, page: usize, n: &crate::link::Placed) -> NoteView {
        let src = n.from.unwrap_or(page);
        let ann = &self.pages[src]
            .interview
            .as_ref()
            .expect("notes belong to interviews")
            .annotations[n.annotation];
        let foreign = n.from.map(|f| self.pages[f].lang.clone());
        NoteView {
            anchor: format!("a-{}", ann.id),
            number: n.number,
            html: self.note_fragment(src, n.annotation),
            lang_code: foreign
                .as_ref()
                .and_then(|l| self.config.language(l))
                .map(|l| l.code.clone()),
            lang: foreign,
            topics: self.topic_refs(&self.pages[page].lang, &ann.topics),
        }
    }

    fn note_html(&self, page: usize, n: &crate::link::Placed) -> String {
        let v = self.note_view(page, n);
        let lang = v
            .lang_code
            .as_ref()
            .map(|c| format!(" lang=\"{c}\""))
            .unwrap_or_default();
        // Kept lean: an interview page carries ~90 of these, and every byte counts against the
        // page budget. The visible number names both the note and its way back to the text.
        format!(
            "<div class=\"note\" id=\"{0}\" role=\"note\"{lang}><a class=\"note-num\" href=\"#ref-{0}\">{1}</a><div class=\"note-body\">{2}</div></div>\n",
            v.anchor, v.number, v.html
        )
    }

    pub fn topic_refs(&self, lang: &str, slugs: &[String]) -> Vec<TopicRef> {
        slugs
            .iter()
            .filter_map(|s| {
                let per_lang = self.linked.topics.get(s)?;
                let i = per_lang
                    .get(lang)
                    .or_else(|| per_lang.get(&self.config.default_language))
                    .or_else(|| per_lang.values().next())?;
                Some(TopicRef {
                    slug: s.clone(),
                    title: self.pages[*i].title.clone(),
                    url: self
                        .config
                        .url_path(lang, &format!("topics/{}/", crate::text::path_segment(s))),
                    class: self.topic_class(s),
                })
            })
            .collect()
    }

    /// A topic's colour class: its place among all topics (in slug order, as `topics` lists them
    /// to templates) modulo 8, the stylesheet's `map-t0`…`map-t7`. Given to templates with each
    /// topic, so a tag need not search `topics` for it (that loop was a tenth of rendering).
    pub fn topic_class(&self, slug: &str) -> String {
        use std::ops::Bound::{Excluded, Unbounded};
        let place = if self.linked.topics.contains_key(slug) {
            self.linked
                .topics
                .range::<str, _>((Unbounded, Excluded(slug)))
                .count()
        } else {
            0
        };
        format!("map-t{}", place % 8)
    }

    pub fn speaker_view(&self, lang: &str, s: &Speaker) -> SpeakerView {
        SpeakerView {
            id: s.id.clone(),
            name: s
                .names
                .get(lang, &self.config.default_language)
                .unwrap_or(&s.id)
                .to_string(),
            role: s.role.clone(),
            role_label: self.ui(lang, &s.role),
            url: self.config.url_path(lang, &format!("speakers/{}/", s.slug)),
            link: s.link.clone(),
        }
    }

    /// The page view shared by every kind of page.
    pub fn page_view(&self, page: usize) -> PageView {
        let p = &self.pages[page];
        let footnotes = markdown::number_footnotes(p.doc.blocks.iter());
        let content_html = if p.kind == PageKind::Interview || p.doc.blocks.is_empty() {
            String::new()
        } else {
            self.blocks_html(page, 0..=p.doc.blocks.len() - 1, &footnotes)
        };
        let summary_html = self.summary_html(page);
        let description = p
            .summary
            .as_deref()
            .map(|s| excerpt(&strip_markdown(s), 200))
            .unwrap_or_else(|| {
                excerpt(
                    &p.doc
                        .blocks
                        .iter()
                        .take(3)
                        .map(|b| block_text(&b.events))
                        .collect::<Vec<_>>()
                        .join(" "),
                    200,
                )
            });
        let mut pages = Vec::new();
        if matches!(p.kind, PageKind::Section | PageKind::Home) {
            pages = self.section_pages(page);
        }
        PageView {
            title: p.title.clone(),
            url: p.url.clone(),
            permalink: self.config.absolute_url(&p.url),
            kind: p.kind,
            lang: p.lang.clone(),
            date: p.date.map(|d| d.to_string()),
            summary_html,
            description,
            notice_html: p.notice.as_deref().map(|s| self.fragment(page, s)),
            content_html,
            toc: p
                .doc
                .headings
                .iter()
                .filter(|h| h.level <= 3)
                .map(|h| TocEntry {
                    level: h.level,
                    id: h.id.clone(),
                    title: h.text.clone(),
                })
                .collect(),
            topics: self.topic_refs(&p.lang, &p.topics),
            backlinks: self.linked.pages[page]
                .backlinks
                .iter()
                .map(|&b| Link {
                    title: self.pages[b].title.clone(),
                    url: self.pages[b].url.clone(),
                })
                .collect(),
            pages,
            extra: p.extra.clone(),
        }
    }

    /// The pages in a section's folder and its subfolders' sections (the home page lists interviews
    /// from anywhere), ordered by weight, then date (newest first), then title.
    fn section_pages(&self, page: usize) -> Vec<PageSummary> {
        let mut list = self.section_members(page);
        list.sort_by(|&a, &b| {
            let (x, y) = (&self.pages[a], &self.pages[b]);
            (x.weight, std::cmp::Reverse(x.date), &x.title).cmp(&(
                y.weight,
                std::cmp::Reverse(y.date),
                &y.title,
            ))
        });
        list.into_iter()
            .map(|i| summary(&self.pages[i], self.summary_html(i)))
            .collect()
    }

    /// The pages a section or the home page lists, in site order.
    pub fn section_members(&self, page: usize) -> Vec<usize> {
        let p = &self.pages[page];
        self.pages
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                *i != page
                    && q.lang == p.lang
                    && match p.kind {
                        PageKind::Home => q.kind == PageKind::Interview,
                        _ => q.dir == p.dir && q.kind != PageKind::Section,
                    }
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn turn_view(&self, page: usize, t: usize, footnotes: &HashMap<String, usize>) -> TurnView {
        let p = &self.pages[page];
        let iv = p.interview.as_ref().expect("turns belong to interviews");
        let turn = &p.doc.turns[t];
        // An undeclared label is an error already reported; render it plainly meanwhile.
        let speaker = iv
            .speakers
            .iter()
            .find(|s| s.id == turn.speaker)
            .map(|s| self.speaker_view(&p.lang, s))
            .unwrap_or_else(|| SpeakerView {
                id: turn.speaker.clone(),
                name: turn.speaker.trim_start_matches('?').to_string(),
                role: "other".into(),
                role_label: self.ui(&p.lang, "other"),
                url: p.url.clone(),
                link: None,
            });
        let pl = &self.linked.pages[page];
        TurnView {
            n: turn.n,
            anchor: turn.anchor(),
            speaker,
            html: self.blocks_html(page, turn.first..=turn.last, footnotes),
            topics: self.topic_refs(
                &p.lang,
                pl.turn_topics.get(t).map(Vec::as_slice).unwrap_or(&[]),
            ),
            notes: pl
                .notes
                .iter()
                .filter(|n| n.turn == Some(t))
                .map(|n| self.note_view(page, n))
                .collect(),
        }
    }

    pub fn interview_view(&self, page: usize) -> InterviewView {
        let p = &self.pages[page];
        let iv = p.interview.as_ref().expect("interview page");
        let footnotes = markdown::number_footnotes(p.doc.blocks.iter());
        let loose = |range: Vec<usize>| -> String {
            let mut html = String::new();
            for b in range {
                html.push_str(&self.blocks_html(page, b..=b, &footnotes));
            }
            html
        };
        let first_section_block = p
            .doc
            .sections
            .first()
            .map(|s| s.heading)
            .unwrap_or(p.doc.blocks.len());
        let intro_blocks: Vec<usize> = (0..first_section_block)
            .filter(|&b| p.doc.blocks[b].turn.is_none())
            .collect();
        let turn_views = self.turn_views(page);
        let mut sections = Vec::new();
        // Turns before the first heading form an untitled section.
        let pre_turns: Vec<usize> = (0..p.doc.turns.len())
            .filter(|&t| p.doc.turns[t].section.is_none())
            .collect();
        if !pre_turns.is_empty() {
            sections.push(SectionView {
                id: "start".into(),
                title: String::new(),
                topics: Vec::new(),
                intro_html: String::new(),
                turns: pre_turns.iter().map(|&t| turn_views[t].clone()).collect(),
            });
        }
        for (s, sec) in p.doc.sections.iter().enumerate() {
            let loose_blocks: Vec<usize> = p
                .doc
                .blocks
                .iter()
                .enumerate()
                .filter(|(i, b)| b.section == Some(s) && b.turn.is_none() && *i != sec.heading)
                .map(|(i, _)| i)
                .collect();
            sections.push(SectionView {
                id: sec.id.clone(),
                title: sec.title.clone(),
                topics: self.topic_refs(&p.lang, &sec.topics),
                intro_html: loose(loose_blocks),
                turns: (0..p.doc.turns.len())
                    .filter(|&t| p.doc.turns[t].section == Some(s))
                    .map(|t| turn_views[t].clone())
                    .collect(),
            });
        }
        let parallel_url = self
            .parallel_partner(page)
            .map(|_| format!("{}parallel/", p.url));
        let (map_svg, map_legend) = crate::map::svg(self, page);
        InterviewView {
            source: iv.source.as_ref().map(|s| SourceView {
                url: s.url.clone(),
                title: s.title.clone(),
                publisher: s.publisher.clone(),
            }),
            speakers: iv
                .speakers
                .iter()
                .map(|s| self.speaker_view(&p.lang, s))
                .collect(),
            intro_html: loose(intro_blocks),
            sections,
            turn_count: p.doc.turns.len(),
            note_count: self.linked.pages[page].notes.len(),
            map_svg,
            map_legend,
            parallel_url,
            jsonld_url: format!("{}annotations.jsonld", p.url),
            related: self.linked.pages[page]
                .related
                .iter()
                .map(|&r| summary(&self.pages[r], self.summary_html(r)))
                .collect(),
        }
    }

    /// The translation shown beside an interview on its parallel page: the default language's
    /// version, or for the default language, the first other translation.
    pub fn parallel_partner(&self, page: usize) -> Option<usize> {
        let p = &self.pages[page];
        if p.kind != PageKind::Interview || p.doc.turns.is_empty() {
            return None;
        }
        self.linked.group(page).iter().copied().find(|&i| {
            i != page
                && self.pages[i].kind == PageKind::Interview
                && self.pages[i].doc.turns.len() == p.doc.turns.len()
        })
    }

    pub fn parallel_view(&self, page: usize, other: usize) -> ParallelView {
        let (p, q) = (&self.pages[page], &self.pages[other]);
        let (lv, rv) = (self.turn_views(page), self.turn_views(other));
        let mut rows = Vec::new();
        let mut last_section = None;
        for t in 0..p.doc.turns.len() {
            let sec = p.doc.turns[t].section;
            let section = if sec != last_section {
                last_section = sec;
                sec.map(|s| ParallelSection {
                    id: p.doc.sections[s].id.clone(),
                    left: p.doc.sections[s].title.clone(),
                    right: q.doc.turns[t]
                        .section
                        .map(|qs| q.doc.sections[qs].title.clone())
                        .unwrap_or_default(),
                })
            } else {
                None
            };
            rows.push(ParallelRow {
                anchor: format!("t-{}", t + 1),
                section,
                left: Some(lv[t].clone()),
                right: rv.get(t).cloned(),
            });
        }
        let lang = |l: &str| {
            lang_view(
                self.config,
                self.config
                    .language(l)
                    .expect("page languages are declared"),
            )
        };
        ParallelView {
            left: lang(&p.lang),
            right: lang(&q.lang),
            left_title: p.title.clone(),
            right_title: q.title.clone(),
            rows,
            interview_url: p.url.clone(),
        }
    }
}

/// Markdown → plain text, for descriptions.
pub fn strip_markdown(md: &str) -> String {
    let mut s = String::new();
    for e in pulldown_cmark::Parser::new(md) {
        match e {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => s.push_str(&t),
            // Blocks end with a space; inline markup (`**艾達**談`) must not add one.
            pulldown_cmark::Event::SoftBreak
            | pulldown_cmark::Event::HardBreak
            | pulldown_cmark::Event::End(
                pulldown_cmark::TagEnd::Paragraph
                | pulldown_cmark::TagEnd::Heading(_)
                | pulldown_cmark::TagEnd::Item
                | pulldown_cmark::TagEnd::BlockQuote(_)
                | pulldown_cmark::TagEnd::CodeBlock
                | pulldown_cmark::TagEnd::TableCell,
            ) => s.push(' '),
            _ => {}
        }
    }
    crate::text::squash_ws(&s)
}
