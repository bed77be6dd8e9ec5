//! The site model → small `Serialize` views, the only thing templates see. Each field is
//! documented for template authors in docs/templates.md.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::config::{Config, Language};
use crate::page::{Page, PageKind};

/// A view already turned into the template engine's value. A turn is shown on its interview page
/// and on parallel pages; prepared once, each page's context takes it by reference count instead
/// of copying its HTML again (that copy was a twelfth of a build).
#[derive(Debug, Clone)]
pub struct Prepared(tera::Value);

impl Prepared {
    pub fn new(view: &impl Serialize) -> Self {
        Self(tera::Value::from_serializable(view))
    }
}

impl Serialize for Prepared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Tera recognises its own value and shares it; any other serializer sees plain data.
        self.0.serialize(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LangView {
    pub key: String,
    /// BCP 47 code for `lang` and `hreflang`.
    pub code: String,
    pub name: String,
    /// The language's home page.
    pub home: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Absolute base URL, ending with `/`.
    pub base_url: String,
    /// Its path, starting and ending with `/`.
    pub base_path: String,
    pub languages: Vec<LangView>,
    pub default_language: String,
    pub generator: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    pub home: String,
    pub interviews: String,
    pub topics: String,
    pub speakers: String,
    pub glossary: String,
    pub search: String,
    pub feed: String,
}

/// A version of the current page in one language, for the language switcher and hreflang.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub lang: String,
    pub code: String,
    pub name: String,
    /// Site-absolute URL.
    pub url: String,
    /// Absolute URL (scheme and host), for `<link rel="alternate">`.
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Assets {
    pub css: String,
    pub js: String,
    pub highlight_css: String,
    pub search_js: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicRef {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// The topic's colour class, `map-tN`, as in the topic map.
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub url: String,
    pub date: Option<String>,
    pub summary_html: Option<String>,
    pub kind: PageKind,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub url: String,
    /// Absolute URL, for canonical links and social cards.
    pub permalink: String,
    pub kind: PageKind,
    pub lang: String,
    pub date: Option<String>,
    pub summary_html: Option<String>,
    /// The summary as plain text (for `<meta name="description">` and social cards).
    pub description: String,
    pub notice_html: Option<String>,
    pub content_html: String,
    pub toc: Vec<TocEntry>,
    pub topics: Vec<TopicRef>,
    pub backlinks: Vec<Link>,
    /// Pages of a section (sections and the home page only), ordered by weight, date, title.
    pub pages: Vec<PageSummary>,
    /// Front-matter keys gloss does not know, as written.
    pub extra: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerView {
    pub id: String,
    pub name: String,
    pub role: String,
    /// The role in the page's language ("Host", "主持人").
    pub role_label: String,
    pub url: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub anchor: String,
    pub number: usize,
    pub html: String,
    /// The note's own language when it differs from the page's (a note not yet translated).
    pub lang: Option<String>,
    pub lang_code: Option<String>,
    pub topics: Vec<TopicRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TurnView {
    pub n: usize,
    pub anchor: String,
    pub speaker: SpeakerView,
    /// The turn's paragraphs, with marks, glossary links and side notes in place.
    pub html: String,
    pub topics: Vec<TopicRef>,
    pub notes: Vec<NoteView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub topics: Vec<TopicRef>,
    /// Anything in the section that is not a turn (an editor's remark before the first turn).
    pub intro_html: String,
    /// Each a [`TurnView`].
    pub turns: Vec<Prepared>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub url: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InterviewView {
    pub source: Option<SourceView>,
    pub speakers: Vec<SpeakerView>,
    /// Blocks before the first section and turn.
    pub intro_html: String,
    pub sections: Vec<SectionView>,
    pub turn_count: usize,
    pub note_count: usize,
    /// The topic map: an inline SVG.
    pub map_svg: String,
    pub map_legend: Vec<MapLegend>,
    pub parallel_url: Option<String>,
    pub jsonld_url: String,
    pub related: Vec<PageSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapLegend {
    pub slug: String,
    pub title: String,
    pub class: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParallelRow {
    pub anchor: String,
    /// Set on the first row of a section.
    pub section: Option<ParallelSection>,
    /// A [`TurnView`].
    pub left: Option<Prepared>,
    /// A [`TurnView`].
    pub right: Option<Prepared>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParallelSection {
    pub id: String,
    pub left: String,
    pub right: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParallelView {
    pub left: LangView,
    pub right: LangView,
    pub left_title: String,
    pub right_title: String,
    pub rows: Vec<ParallelRow>,
    pub interview_url: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct PassageView {
    /// `section`, `turn`, `annotation` or `page`.
    pub kind: String,
    pub url: String,
    pub speaker: Option<String>,
    pub label: String,
    pub excerpt: String,
    pub note_html: Option<String>,
    /// The language code (BCP 47) of the passage when its page is in another language.
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PassageGroup {
    pub title: String,
    pub url: String,
    pub count: usize,
    /// Shared with `gloss serve`'s cache: a topic page at 5,000 interviews lists thousands.
    pub passages: Vec<Arc<PassageView>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub slug: String,
    pub groups: Vec<PassageGroup>,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicCount {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub count: usize,
    pub intro: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct SpeakerTurn {
    pub url: String,
    pub n: usize,
    pub excerpt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerGroup {
    pub title: String,
    pub url: String,
    pub role_label: String,
    /// Shared with `gloss serve`'s cache, like a topic page's passages.
    pub turns: Vec<Arc<SpeakerTurn>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerPage {
    pub name: String,
    pub slug: String,
    pub link: Option<String>,
    pub turn_count: usize,
    pub groups: Vec<SpeakerGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerEntry {
    pub name: String,
    pub url: String,
    pub turn_count: usize,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub id: String,
    pub anchor: String,
    pub kind: String,
    pub kind_label: String,
    pub term: String,
    /// The term in the site's other languages.
    pub others: Vec<String>,
    pub definition: String,
    pub link: Option<String>,
    pub occurrences: Vec<Link>,
    /// The notes about the term (their annotations' `terms`), on the pages of this language.
    pub notes: Vec<NoteRef>,
}

/// A link to a note on an interview page, by the number it has there.
#[derive(Debug, Clone, Serialize)]
pub struct NoteRef {
    pub url: String,
    /// The page's title.
    pub title: String,
    pub number: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GlossaryGroup {
    pub kind: String,
    pub label: String,
    pub terms: Vec<TermView>,
}

/// Everything every template receives; the page-specific views are added beside it. What is the
/// same on every page of a language is prepared once per language (a `SiteView`, `LangView`, the
/// `ui` texts, `Nav`, `Assets` and `TopicCount`s) and shared: copied into every page's context,
/// it was a twentieth of a build.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    pub site: Prepared,
    pub lang: Prepared,
    pub ui: Prepared,
    pub nav: Prepared,
    pub translations: Vec<Alternate>,
    /// Absolute URL of the default-language version, for `hreflang="x-default"`.
    pub x_default: String,
    pub canonical: String,
    pub assets: Prepared,
    pub topics: Prepared,
}

pub fn lang_view(config: &Config, l: &Language) -> LangView {
    LangView {
        key: l.key.clone(),
        code: l.code.clone(),
        name: l.name.clone(),
        home: config.url_path(&l.key, ""),
    }
}

pub fn site_view(config: &Config, lang: &Language) -> SiteView {
    SiteView {
        title: lang.title.clone(),
        description: lang.description.clone(),
        base_url: config.base_url.to_string(),
        base_path: config.base_path.clone(),
        languages: config
            .languages
            .iter()
            .map(|l| lang_view(config, l))
            .collect(),
        default_language: config.default_language.clone(),
        generator: format!("gloss {}", env!("CARGO_PKG_VERSION")),
    }
}

pub fn nav(config: &Config, lang: &str) -> Nav {
    Nav {
        home: config.url_path(lang, ""),
        interviews: config.url_path(lang, "interviews/"),
        topics: config.url_path(lang, "topics/"),
        speakers: config.url_path(lang, "speakers/"),
        glossary: config.url_path(lang, "glossary/"),
        search: config.url_path(lang, "search/"),
        feed: config.url_path(lang, "atom.xml"),
    }
}

pub fn assets(config: &Config) -> Assets {
    Assets {
        css: format!("{}gloss.css", config.base_path),
        js: format!("{}gloss.js", config.base_path),
        highlight_css: format!("{}highlight.css", config.base_path),
        search_js: format!("{}search.js", config.base_path),
    }
}

pub fn summary(page: &Page, summary_html: Option<String>) -> PageSummary {
    PageSummary {
        title: page.title.clone(),
        url: page.url.clone(),
        date: page.date.map(|d| d.to_string()),
        summary_html,
        kind: page.kind,
    }
}
