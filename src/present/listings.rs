//! The linked site → the views of pages that gather from the whole site: topic pages and their
//! passages, topic counts, speakers and their turns, the glossary with its occurrences.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::{Ctx, strip_markdown};
use crate::link::PassageKind;
use crate::markdown::block_text;
use crate::page::Speaker;
use crate::text::excerpt;
use crate::view::*;

impl Ctx<'_> {
    pub fn topic_view(&self, lang: &str, slug: &str) -> TopicView {
        let mut groups: Vec<PassageGroup> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut count = 0;
        for passage in self
            .linked
            .passages
            .get(slug)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let p = &self.pages[passage.page];
            if !self.listed_in(passage.page, lang) {
                continue;
            }
            let view = self.cached_passage_view(passage.page, &passage.kind, lang);
            let g = *index.entry(p.key.clone()).or_insert_with(|| {
                groups.push(PassageGroup {
                    title: p.title.clone(),
                    url: p.url.clone(),
                    count: 0,
                    passages: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].passages.push(view);
            groups[g].count += 1;
            count += 1;
        }
        for g in &mut groups {
            g.passages.sort_by_key(|v| turn_number(&v.url));
        }
        TopicView {
            slug: slug.to_string(),
            groups,
            count,
        }
    }

    /// A passage's view, from the previous build when its page's signature is unchanged: a topic
    /// page lists passages from every interview, but an edit touches one.
    pub(crate) fn cached_passage_view(
        &self,
        page: usize,
        kind: &PassageKind,
        lang: &str,
    ) -> Arc<PassageView> {
        let Some(cache) = self.cache else {
            return Arc::new(self.passage_view(page, kind, lang));
        };
        let key = format!("{}|{kind:?}|{lang}", self.pages[page].url);
        cache
            .passages
            .replayed(self.diags, &key, self.sigs.pages[page], || {
                Arc::new(self.passage_view(page, kind, lang))
            })
    }

    fn passage_view(&self, page: usize, kind: &PassageKind, lang: &str) -> PassageView {
        let p = &self.pages[page];
        // As a `lang` attribute: the language's code (`zh-Hant`), not its key.
        let other_lang = (p.lang != lang).then(|| {
            self.config
                .language(&p.lang)
                .map_or_else(|| p.lang.clone(), |l| l.code.clone())
        });
        let speaker_of = |t: usize| {
            let iv = p.interview.as_ref()?;
            let s = iv
                .speakers
                .iter()
                .find(|s| s.id == p.doc.turns[t].speaker)?;
            Some(
                s.names
                    .get(&p.lang, &self.config.default_language)
                    .unwrap_or(&s.id)
                    .to_string(),
            )
        };
        let turn_text = |t: usize| {
            let turn = &p.doc.turns[t];
            (turn.first..=turn.last)
                .map(|b| block_text(&p.doc.blocks[b].events))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let turn_label = |t: usize| format!("{} {}", self.ui(lang, "turn"), t + 1);
        match kind {
            PassageKind::Section(s) => {
                let sec = &p.doc.sections[*s];
                let first_turn =
                    (0..p.doc.turns.len()).find(|&t| p.doc.turns[t].section == Some(*s));
                PassageView {
                    kind: "section".into(),
                    url: format!("{}#{}", p.url, sec.id),
                    speaker: None,
                    label: sec.title.clone(),
                    excerpt: first_turn
                        .map(|t| excerpt(&turn_text(t), 140))
                        .unwrap_or_default(),
                    note_html: None,
                    lang: other_lang,
                }
            }
            PassageKind::Turn(t) => PassageView {
                kind: "turn".into(),
                url: format!("{}#t-{}", p.url, t + 1),
                speaker: speaker_of(*t),
                label: turn_label(*t),
                excerpt: excerpt(&turn_text(*t), 160),
                note_html: None,
                lang: other_lang,
            },
            PassageKind::Annotation(a) => {
                let iv = p
                    .interview
                    .as_ref()
                    .expect("annotations belong to interviews");
                let ann = &iv.annotations[*a];
                let anchor = self.linked.pages[page].anchors.get(*a).cloned().flatten();
                let (turn, quote) = match anchor {
                    Some(crate::anchor::Anchor::Span { block, start, end }) => {
                        let text = block_text(&p.doc.blocks[block].events);
                        (
                            p.doc.blocks[block].turn,
                            text.get(start..end).unwrap_or("").to_string(),
                        )
                    }
                    Some(crate::anchor::Anchor::Turn(t)) => (Some(t), excerpt(&turn_text(t), 120)),
                    None => (None, String::new()),
                };
                PassageView {
                    kind: "annotation".into(),
                    url: match turn {
                        Some(t) => format!("{}#t-{}", p.url, t + 1),
                        None => format!("{}#a-{}", p.url, ann.id),
                    },
                    speaker: turn.and_then(speaker_of),
                    label: turn.map(turn_label).unwrap_or_default(),
                    excerpt: quote,
                    note_html: Some(self.note_fragment(page, *a)),
                    lang: other_lang,
                }
            }
            PassageKind::Page => PassageView {
                kind: "page".into(),
                url: p.url.clone(),
                speaker: None,
                label: p.title.clone(),
                excerpt: p
                    .summary
                    .as_deref()
                    .map(|s| excerpt(&strip_markdown(s), 160))
                    .unwrap_or_default(),
                note_html: None,
                lang: other_lang,
            },
        }
    }

    /// How many passages `topic_view` lists, without building them: every page's common
    /// context shows the counts, and building the views there cost a topic page per topic.
    /// Whether listings in `lang` (topic and speaker pages) show `page`'s passages and turns:
    /// each page's once, in `lang` when it has a version in `lang`.
    pub fn listed_in(&self, page: usize, lang: &str) -> bool {
        self.pages[page].lang == lang || self.linked.translation(self.pages, page, lang).is_none()
    }

    pub fn topic_count(&self, lang: &str, slug: &str) -> usize {
        self.linked.passages.get(slug).map_or(0, |ps| {
            ps.iter()
                .filter(|passage| self.listed_in(passage.page, lang))
                .count()
        })
    }

    /// Topics with their passage counts in `lang`, in slug order. Worked out once per build and
    /// language: the navigation of every page and the cache's global signature both show them, and
    /// counting goes through every passage of the site (a few hundred thousand at 5,000).
    pub fn topic_counts(&self, lang: &str) -> Arc<Vec<TopicCount>> {
        let memo = &self.memo.topic_counts;
        if let Some(counts) = memo.lock().expect("memo lock").get(lang) {
            return counts.clone();
        }
        let counts = Arc::new(self.count_topics(lang));
        memo.lock()
            .expect("memo lock")
            .entry(lang.to_string())
            .or_insert(counts)
            .clone()
    }

    fn count_topics(&self, lang: &str) -> Vec<TopicCount> {
        self.linked
            .topics
            .iter()
            .map(|(slug, per_lang)| {
                let i = per_lang
                    .get(lang)
                    .or_else(|| per_lang.get(&self.config.default_language))
                    .copied()
                    .unwrap_or(0);
                let p = &self.pages[i];
                TopicCount {
                    slug: slug.clone(),
                    title: p.title.clone(),
                    url: self.config.url_path(
                        lang,
                        &format!("topics/{}/", crate::text::path_segment(slug)),
                    ),
                    count: self.topic_count(lang, slug),
                    intro: excerpt(
                        &p.doc
                            .blocks
                            .first()
                            .map(|b| block_text(&b.events))
                            .unwrap_or_default(),
                        160,
                    ),
                }
            })
            .collect()
    }

    /// Every speaker of the site, by slug, with the name in `lang`.
    pub fn speakers(&self, lang: &str) -> Vec<(String, Speaker)> {
        let mut out: BTreeMap<String, Speaker> = BTreeMap::new();
        for (slug, turns) in &self.linked.speaker_turns {
            if let Some(&(page, t)) = turns.first() {
                let p = &self.pages[page];
                if let Some(s) = p
                    .interview
                    .as_ref()
                    .and_then(|iv| iv.speakers.iter().find(|s| s.id == p.doc.turns[t].speaker))
                {
                    out.insert(slug.clone(), s.clone());
                }
            }
        }
        let _ = lang;
        out.into_iter().collect()
    }

    /// The speaker behind `slug`, as declared where they first speak (like `speakers`), found
    /// without listing every speaker: one render job per speaker makes that quadratic.
    pub fn speaker(&self, slug: &str) -> Option<&Speaker> {
        let &(page, t) = self.linked.speaker_turns.get(slug)?.first()?;
        let p = &self.pages[page];
        p.interview
            .as_ref()?
            .speakers
            .iter()
            .find(|s| s.id == p.doc.turns[t].speaker)
    }

    /// A turn as a speaker page lists it, from the previous build when its page's signature is
    /// unchanged: a host's page lists thousands of turns, but an edit touches one interview.
    pub(crate) fn cached_speaker_turn(&self, page: usize, t: usize) -> Arc<SpeakerTurn> {
        let make = || {
            let p = &self.pages[page];
            let turn = &p.doc.turns[t];
            let text = (turn.first..=turn.last)
                .map(|b| block_text(&p.doc.blocks[b].events))
                .collect::<Vec<_>>()
                .join(" ");
            Arc::new(SpeakerTurn {
                url: format!("{}#{}", p.url, turn.anchor()),
                n: turn.n,
                excerpt: excerpt(&text, 140),
            })
        };
        match self.cache {
            Some(c) => {
                let key = format!("{}|{t}", self.pages[page].url);
                c.speaker_turns.get_or(&key, self.sigs.pages[page], make)
            }
            None => make(),
        }
    }

    /// The turns listed on `slug`'s page in `lang`: those in `lang`, and those of pages with no
    /// `lang` version.
    fn speaker_turns_in<'s>(
        &'s self,
        lang: &'s str,
        slug: &str,
    ) -> impl Iterator<Item = (usize, usize)> + 's {
        self.linked
            .speaker_turns
            .get(slug)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(move |&(page, _)| self.listed_in(page, lang))
    }

    /// What `slug` is in the interview `page` (host, guest…), in `lang`.
    fn speaker_role(&self, lang: &str, slug: &str, page: usize) -> String {
        self.pages[page]
            .interview
            .as_ref()
            .and_then(|iv| iv.speakers.iter().find(|s| s.slug == slug))
            .map(|s| self.ui(lang, &s.role))
            .unwrap_or_default()
    }

    fn speaker_name(&self, lang: &str, speaker: &Speaker) -> String {
        speaker
            .names
            .get(lang, &self.config.default_language)
            .unwrap_or(&speaker.id)
            .to_string()
    }

    /// A speaker as the list of speakers shows them: name, number of turns, roles (sorted),
    /// counted without building their page (a host's page lists thousands of turns).
    pub fn speaker_summary(
        &self,
        lang: &str,
        slug: &str,
        speaker: &Speaker,
    ) -> (String, usize, Vec<String>) {
        let mut count = 0;
        let mut seen = HashSet::new();
        let mut roles = BTreeSet::new();
        for (page, _) in self.speaker_turns_in(lang, slug) {
            count += 1;
            if seen.insert(page) {
                roles.insert(self.speaker_role(lang, slug, page));
            }
        }
        (
            self.speaker_name(lang, speaker),
            count,
            roles.into_iter().collect(),
        )
    }

    pub fn speaker_page(&self, lang: &str, slug: &str, speaker: &Speaker) -> SpeakerPage {
        let mut groups: Vec<SpeakerGroup> = Vec::new();
        let mut index: HashMap<usize, usize> = HashMap::new();
        let mut count = 0;
        for (page, t) in self.speaker_turns_in(lang, slug) {
            let g = *index.entry(page).or_insert_with(|| {
                let p = &self.pages[page];
                groups.push(SpeakerGroup {
                    title: p.title.clone(),
                    url: p.url.clone(),
                    role_label: self.speaker_role(lang, slug, page),
                    turns: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].turns.push(self.cached_speaker_turn(page, t));
            count += 1;
        }
        SpeakerPage {
            name: self.speaker_name(lang, speaker),
            slug: slug.to_string(),
            link: speaker.link.clone(),
            turn_count: count,
            groups,
        }
    }

    pub fn glossary_groups(&self, lang: &str) -> Vec<GlossaryGroup> {
        let default = &self.config.default_language;
        let mut notes = self.notes_about_terms(lang);
        let mut groups = Vec::new();
        for kind in crate::glossary::KINDS {
            let mut terms: Vec<TermView> = self
                .glossary
                .terms
                .iter()
                .enumerate()
                .filter(|(_, t)| t.kind == *kind)
                .map(|(i, t)| {
                    let name = t.names.get(lang, default).unwrap_or(&t.id).to_string();
                    let mut others: Vec<String> = t
                        .names
                        .all()
                        .into_iter()
                        .filter(|n| *n != name)
                        .map(str::to_string)
                        .collect();
                    others.dedup();
                    TermView {
                        id: t.id.clone(),
                        anchor: format!("term-{}", t.id),
                        kind: t.kind.clone(),
                        kind_label: self.ui(lang, &t.kind),
                        term: name,
                        others,
                        definition: t.definition.get(lang, default).unwrap_or("").to_string(),
                        link: t.link.clone(),
                        occurrences: self
                            .linked
                            .occurrences(i)
                            .iter()
                            .filter(|o| self.pages[o.page].lang == lang)
                            .map(|o| Link {
                                title: self.pages[o.page].title.clone(),
                                url: format!("{}#{}", self.pages[o.page].url, o.anchor),
                            })
                            .collect(),
                        notes: notes.remove(t.id.as_str()).unwrap_or_default(),
                    }
                })
                .collect();
            terms.sort_by_key(|t| t.term.to_lowercase());
            if !terms.is_empty() {
                groups.push(GlossaryGroup {
                    kind: kind.to_string(),
                    label: self.ui(lang, kind),
                    terms,
                });
            }
        }
        groups
    }

    /// The notes shown on this language's pages, by the glossary ids their annotations name:
    /// in page order, each page's in the order of their numbers. A note shown from a translation
    /// (it has no version here) counts with the number it has here.
    fn notes_about_terms(&self, lang: &str) -> HashMap<&str, Vec<NoteRef>> {
        let mut about: HashMap<&str, Vec<NoteRef>> = HashMap::new();
        for (i, p) in self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lang == lang)
        {
            for n in self.linked.pages[i].notes.iter() {
                let Some(iv) = &self.pages[n.from.unwrap_or(i)].interview else {
                    continue;
                };
                let ann = &iv.annotations[n.annotation];
                for (k, t) in ann.terms.iter().enumerate() {
                    if ann.terms[..k].contains(t) {
                        continue;
                    }
                    about.entry(t.as_str()).or_default().push(NoteRef {
                        url: format!("{}#a-{}", p.url, ann.id),
                        title: p.title.clone(),
                        number: n.number,
                    });
                }
            }
        }
        about
    }
}

/// Turn number in a passage URL, for ordering passages as they occur (sections first).
fn turn_number(url: &str) -> usize {
    url.rsplit_once("#t-")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}
