//! `content/glossary.yaml` → checked [`Term`]s, and a matcher that finds their forms in text
//! (every form in every language; Latin forms case-insensitively on word boundaries).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics, SourceMap};
use crate::frontmatter::{self, LangText};
use crate::{fs, text};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    id: Option<String>,
    kind: Option<String>,
    term: Option<LangText>,
    #[serde(default)]
    also: BTreeMap<String, Vec<String>>,
    definition: Option<LangText>,
    link: Option<String>,
}

pub const KINDS: &[&str] = &["term", "person", "organisation", "product"];

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub kind: String,
    pub names: LangText,
    pub also: BTreeMap<String, Vec<String>>,
    pub definition: LangText,
    pub link: Option<String>,
    pub line: usize,
}

impl Term {
    /// Every written form of the term, in every language.
    pub fn forms(&self) -> Vec<String> {
        let mut v: Vec<String> = self.names.all().into_iter().map(str::to_string).collect();
        v.extend(self.also.values().flatten().cloned());
        v.retain(|f| !f.trim().is_empty());
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
    pub file: Option<std::path::PathBuf>,
    /// The file had an error: an entry may be missing because of it, so a note naming that
    /// entry's id is not reported again (the glossary's own error says what to fix).
    pub failed: bool,
    /// Built on first use and kept with the glossary, which `gloss serve` keeps across rebuilds.
    matcher: std::sync::OnceLock<Matcher>,
}

impl Glossary {
    /// What is left of a glossary file that could not be read at all.
    fn unreadable() -> Self {
        Glossary {
            failed: true,
            ..Glossary::default()
        }
    }

    pub fn get(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// Finds the glossary's terms in a text.
    pub fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| Matcher::new(self))
    }
}

pub fn load(path: &Path, shown: &Path, diags: &Diagnostics) -> Glossary {
    let text = match fs::read_text(path, shown) {
        Ok(t) => text::normalize_newlines(t),
        Err(d) => {
            diags.push(d);
            return Glossary::unreadable();
        }
    };
    let map = SourceMap::new(shown, &text);
    let hazard =
        frontmatter::check_nesting(&text, &map).and_then(|()| frontmatter::check_tags(&text, &map));
    if let Err(mut d) = hazard {
        d.message = d.message.replace("front matter", "glossary");
        diags.push(d);
        return Glossary::unreadable();
    }
    let raw: Vec<RawTerm> = match serde_yaml::from_str::<Option<Vec<RawTerm>>>(&text) {
        Ok(v) => v.unwrap_or_default(),
        Err(e) => {
            let mut d = frontmatter::yaml_error(&e, &text, &map);
            d.message = d.message.replacen("front matter", "glossary", 1);
            diags.push(
                d.help("the glossary is a YAML list of entries; see docs/content.md, \"Glossary\""),
            );
            return Glossary::unreadable();
        }
    };
    let lines = item_lines(&text);
    let mut terms = Vec::new();
    let mut seen = HashSet::new();
    let mut failed = false;
    for (i, r) in raw.into_iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let at = crate::page::item_location(&map, line);
        let Some(id) = r.id.filter(|s| !s.trim().is_empty()) else {
            diags.push(
                Diagnostic::error("glossary entry without an `id`")
                    .at(at)
                    .help("add `id: kebab-case-name`"),
            );
            failed = true;
            continue;
        };
        if !seen.insert(id.clone()) {
            diags.push(
                Diagnostic::error(format!("glossary id `{id}` is used twice"))
                    .at(at)
                    .help("give each entry its own id"),
            );
            failed = true;
            continue;
        }
        let kind = r.kind.unwrap_or_else(|| "term".into());
        if !KINDS.contains(&kind.as_str()) {
            diags.push(
                Diagnostic::error(format!("glossary entry `{id}` has kind `{kind}`"))
                    .at(at)
                    .help(format!("use one of: {}", KINDS.join(", "))),
            );
            failed = true;
            continue;
        }
        let (Some(names), Some(definition)) = (r.term, r.definition) else {
            diags.push(
                Diagnostic::error(format!(
                    "glossary entry `{id}` needs both `term` and `definition`"
                ))
                .at(at)
                .help("see docs/content.md, \"Glossary\""),
            );
            failed = true;
            continue;
        };
        if let Some(scheme) = r.link.as_deref().and_then(crate::text::refused_scheme) {
            let lines: Vec<&str> = text.lines().collect();
            let at = frontmatter::field_line(&lines, line, "link")
                .map(|(l, c)| map.line_location(l, c, 4))
                .unwrap_or(at);
            diags.push(
                Diagnostic::error(format!(
                    "glossary entry `{id}`'s `link` is a `{scheme}:` URL"
                ))
                .at(at)
                .help("links may go to web pages (https://…); scripts and data URLs are refused"),
            );
            failed = true;
            continue;
        }
        terms.push(Term {
            id,
            kind,
            names,
            also: r.also,
            definition,
            link: r.link,
            line,
        });
    }
    warn_shared_forms(&terms, &map, diags);
    Glossary {
        terms,
        file: Some(shown.to_path_buf()),
        failed,
        matcher: Default::default(),
    }
}

/// A form two entries share is linked to the first of them only (forms match regardless of
/// ASCII case): the later entry is warned about, since its definition never shows for it.
fn warn_shared_forms(terms: &[Term], map: &SourceMap, diags: &Diagnostics) {
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, t) in terms.iter().enumerate() {
        for form in t.forms() {
            let first = *owner.entry(form.to_ascii_lowercase()).or_insert(i);
            if terms[first].id != t.id {
                let f = &terms[first];
                diags.push(
                    Diagnostic::warning(format!(
                        "glossary entries `{}` and `{}` both have the form `{form}`: the text links it to `{}` only",
                        f.id, t.id, f.id
                    ))
                    .at(crate::page::item_location(map, t.line))
                    .related(
                        format!("`{}` is here", f.id),
                        crate::page::item_location(map, f.line),
                    )
                    .help("give each form to one entry, or merge the two entries"),
                );
            }
        }
    }
}

/// Lines of the top-level list items (`- ` at column 0).
fn item_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .map(|(i, _)| i + 1)
        .collect()
}

/// Finds glossary forms in text.
#[derive(Debug)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// For each pattern: (term index, whether it needs word boundaries).
    patterns: Vec<(usize, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub term: usize,
    pub start: usize,
    pub end: usize,
}

impl Matcher {
    pub fn new(glossary: &Glossary) -> Matcher {
        let mut pats = Vec::new();
        let mut patterns = Vec::new();
        for (i, t) in glossary.terms.iter().enumerate() {
            for f in t.forms() {
                let latin = f.chars().any(|c| c.is_ascii_alphanumeric());
                patterns.push((i, latin));
                pats.push(f);
            }
        }
        let ac = if pats.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                // Built once per build (kept across `gloss serve` rebuilds) and run over every
                // block: a DFA's faster search is worth its build time, even for thousands of forms.
                .kind(Some(AhoCorasickKind::DFA))
                .build(&pats)
                .ok()
        };
        Matcher { ac, patterns }
    }

    /// Non-overlapping occurrences in `hay`, longest form first at each place.
    pub fn find(&self, hay: &str) -> Vec<Found> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let bytes = hay.as_bytes();
        ac.find_iter(hay)
            .filter_map(|m| {
                let (term, latin) = self.patterns[m.pattern().as_usize()];
                if latin {
                    let before = hay[..m.start()].chars().next_back();
                    let after = hay[m.end()..].chars().next();
                    let word =
                        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    // "GPTs" should not match inside "GPTsX", nor "AI" inside "OpenAI".
                    if word(before) || word(after) {
                        return None;
                    }
                }
                let _ = bytes;
                Some(Found {
                    term,
                    start: m.start(),
                    end: m.end(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary(forms: &[(&str, &str, &str)]) -> Glossary {
        Glossary {
            terms: forms
                .iter()
                .map(|(id, zh, en)| Term {
                    id: id.to_string(),
                    kind: "term".into(),
                    names: LangText::Many(BTreeMap::from([
                        ("zh".into(), zh.to_string()),
                        ("en".into(), en.to_string()),
                    ])),
                    also: BTreeMap::new(),
                    definition: LangText::One("d".into()),
                    link: None,
                    line: 1,
                })
                .collect(),
            file: None,
            failed: false,
            matcher: Default::default(),
        }
    }

    #[test]
    fn finds_both_scripts_and_respects_word_boundaries() {
        let g = glossary(&[
            ("ai", "人工智能", "AI"),
            ("openai", "OpenAI", "OpenAI"),
            ("at", "目標客戶", "anchor tenant"),
        ]);
        let m = Matcher::new(&g);
        let found: Vec<_> = m
            .find("OpenAI is an Anchor Tenant; AI實體 目標客戶")
            .iter()
            .map(|f| g.terms[f.term].id.clone())
            .collect();
        assert_eq!(found, ["openai", "at", "ai", "at"]);
    }
}
