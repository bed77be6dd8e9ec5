//! Templates + views → HTML files: Tera templates loaded from `templates/` (errors at their
//! file:line:col), one render job per output page and language, run in parallel.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::page::PageKind;
use crate::present::Ctx;
use crate::view::*;

mod filters;
mod templates;
pub use templates::load_templates;
use templates::{template_location, tera_error};

/// One output file.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the output directory, `/`-separated.
    pub path: String,
    /// Shared: `gloss serve` keeps each page in its cache and answers from it.
    pub bytes: bytes::Bytes,
}

/// What to render: each job is one HTML file.
#[derive(Debug, Clone)]
pub enum Job {
    Page(usize),
    Parallel(usize, usize),
    Speakers(String),
    Speaker(String, String),
    Glossary(String),
    Search(String),
    NotFound,
}

#[derive(Serialize)]
struct Full<T: Serialize> {
    #[serde(flatten)]
    common: Common,
    #[serde(flatten)]
    specific: T,
}

pub fn jobs(ctx: &Ctx) -> Vec<Job> {
    // A page's parallel page right after it: both read the page's turn views, which are kept
    // only until their last reader, so memory holds the interviews in flight, not all of them.
    let mut jobs = Vec::with_capacity(ctx.pages.len() * 2);
    for i in 0..ctx.pages.len() {
        jobs.push(Job::Page(i));
        if let Some(other) = ctx.parallel_partner(i) {
            jobs.push(Job::Parallel(i, other));
        }
    }
    for l in &ctx.config.languages {
        if !ctx.linked.speaker_turns.is_empty() {
            jobs.push(Job::Speakers(l.key.clone()));
            for slug in ctx.linked.speaker_turns.keys() {
                jobs.push(Job::Speaker(l.key.clone(), slug.clone()));
            }
        }
        if !ctx.glossary.terms.is_empty() {
            jobs.push(Job::Glossary(l.key.clone()));
        }
        jobs.push(Job::Search(l.key.clone()));
    }
    jobs.push(Job::NotFound);
    jobs
}

/// The same template error met by many pages is one mistake: reported once, at the template,
/// with the first pages it came up on and how many there were in all (a typo in
/// `interview.html` was one error per interview, 2,000 of them at 1,000 interviews).
fn merge_alike(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // By the pages too: the ones named are the same from one build to the next.
    errors.sort_by(|a, b| {
        (&a.location, &a.message, &a.related).cmp(&(&b.location, &b.message, &b.related))
    });
    let mut merged: Vec<Diagnostic> = Vec::new();
    let mut count = 0;
    for d in errors {
        match merged.last_mut() {
            Some(last)
                if last.location.is_some()
                    && last.location == d.location
                    && last.message == d.message =>
            {
                count += 1;
                if last.related.len() < 3 {
                    last.related.extend(d.related);
                }
            }
            _ => {
                note_count(merged.last_mut(), count);
                merged.push(d);
                count = 1;
            }
        }
    }
    note_count(merged.last_mut(), count);
    merged
}

fn note_count(d: Option<&mut Diagnostic>, count: usize) {
    if let Some(d) = d.filter(|_| count > 1) {
        let help = d.help.take().unwrap_or_default();
        d.help = Some(format!(
            "the same error came up on {count} pages in all; {help}"
        ));
    }
}

/// Renders every job in parallel and hands each page to `put` as soon as it is made (a
/// [`crate::write::Sink`] writes it out, so its bytes need not wait for the others); returns what
/// `put` returned, in job order. A job that fails is reported and left out.
pub fn render<T: Send>(
    ctx: &Ctx,
    tera: &Tera,
    jobs: &[Job],
    put: impl Fn(Output) -> T + Sync,
) -> Vec<T> {
    let commons: Vec<(String, Common)> = ctx
        .config
        .languages
        .iter()
        .map(|l| (l.key.clone(), common(ctx, &l.key)))
        .collect();
    // Listings (topic, speaker, home and section pages, the glossary) are the longest jobs, and
    // come last in job order: started first, and one at a time, they do not leave one core
    // finishing them alone (a rebuild at 5,000 interviews re-renders a few and little else).
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| !is_listing(ctx, &jobs[k]));
    let failed = std::sync::Mutex::new(Vec::new());
    let mut made: Vec<(usize, T)> = order
        .par_iter()
        .with_max_len(1)
        .filter_map(|&k| match cached_render(ctx, tera, &jobs[k], &commons) {
            Ok(o) => Some((k, put(o))),
            Err(d) => {
                failed.lock().expect("render errors lock").push(d);
                None
            }
        })
        .collect();
    ctx.diags.extend(merge_alike(
        failed.into_inner().expect("render errors lock"),
    ));
    made.sort_unstable_by_key(|m| m.0);
    made.into_iter().map(|m| m.1).collect()
}

fn is_listing(ctx: &Ctx, job: &Job) -> bool {
    match job {
        Job::Page(i) => !matches!(ctx.pages[*i].kind, PageKind::Interview | PageKind::Page),
        Job::Speakers(_) | Job::Speaker(..) | Job::Glossary(_) => true,
        Job::Parallel(..) | Job::Search(_) | Job::NotFound => false,
    }
}

/// A page of an interview or an article whose signature is unchanged is taken from the previous
/// build, and so are topic and speaker pages when no page they gather from changed, and the other
/// listings (home, sections, the speakers list, the glossary) when nothing they show changed.
fn cached_render(
    ctx: &Ctx,
    tera: &Tera,
    job: &Job,
    commons: &[(String, Common)],
) -> Result<Output, Diagnostic> {
    use crate::cache::{listing_signature, sign, speaker_signature, topic_signature};
    let Some(c) = ctx.cache else {
        return render_job(ctx, tera, job, commons);
    };
    let listing = || listing_signature(ctx, job).expect("listings are signed");
    let (stash, key, sig) = match job {
        Job::Page(i) => {
            let p = &ctx.pages[*i];
            match p.kind {
                PageKind::Interview | PageKind::Page => {
                    (&c.renders, p.out_path.clone(), ctx.sigs.pages[*i])
                }
                PageKind::Topic => {
                    let slug = p.key.trim_start_matches("topics/");
                    (
                        &c.listings,
                        p.out_path.clone(),
                        topic_signature(ctx, *i, slug),
                    )
                }
                PageKind::Home | PageKind::Section => (&c.views, p.out_path.clone(), listing()),
            }
        }
        Job::Parallel(i, other) => (
            &c.renders,
            format!("{} (parallel)", ctx.pages[*i].out_path),
            sign((ctx.sigs.pages[*i], ctx.sigs.pages[*other])),
        ),
        Job::Speaker(lang, slug) => (
            &c.listings,
            format!("speakers/{slug} ({lang})"),
            speaker_signature(ctx, lang, slug),
        ),
        Job::Speakers(_) | Job::Glossary(_) | Job::Search(_) | Job::NotFound => {
            (&c.views, format!("{job:?}"), listing())
        }
    };
    stash.replaying(ctx.diags, &key, sig, || render_job(ctx, tera, job, commons))
}

fn common(ctx: &Ctx, lang: &str) -> Common {
    let config = ctx.config;
    let l = config.language(lang).expect("job languages are declared");
    Common {
        site: Prepared::new(&site_view(config, l)),
        lang: Prepared::new(&lang_view(config, l)),
        ui: Prepared::new(&l.ui),
        nav: Prepared::new(&nav(config, lang)),
        translations: Vec::new(),
        x_default: String::new(),
        canonical: String::new(),
        assets: Prepared::new(&assets(config)),
        topics: Prepared::new(&*ctx.topic_counts(lang)),
    }
}

/// Versions of a page: `path_of(lang)` gives its site-absolute URL in each language that has one.
fn with_versions(
    ctx: &Ctx,
    base: &Common,
    lang: &str,
    path_of: &dyn Fn(&str) -> Option<String>,
) -> Common {
    let mut c = base.clone();
    let config = ctx.config;
    c.translations = config
        .languages
        .iter()
        .filter_map(|l| {
            let url = path_of(&l.key)?;
            Some(Alternate {
                lang: l.key.clone(),
                code: l.code.clone(),
                name: l.name.clone(),
                href: config.absolute_url(&url),
                url,
                current: l.key == lang,
            })
        })
        .collect();
    let default = path_of(&config.default_language)
        .or_else(|| path_of(lang))
        .unwrap_or_default();
    c.x_default = config.absolute_url(&default);
    c.canonical = path_of(lang)
        .map(|u| config.absolute_url(&u))
        .unwrap_or_default();
    c
}

fn render_job(
    ctx: &Ctx,
    tera: &Tera,
    job: &Job,
    commons: &[(String, Common)],
) -> Result<Output, Diagnostic> {
    let config = ctx.config;
    let common_of = |lang: &str| {
        &commons
            .iter()
            .find(|(k, _)| k == lang)
            .expect("language has a common view")
            .1
    };
    let generated = |lang: &str, path: &str| -> (Common, String) {
        let c = with_versions(ctx, common_of(lang), lang, &|l| {
            Some(config.url_path(l, path))
        });
        let prefix = config
            .language(lang)
            .map(|l| l.prefix.clone())
            .unwrap_or_default();
        let out = [prefix.as_str(), path.trim_matches('/'), "index.html"]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        (c, out)
    };
    let (template, out_path, context, page_for_errors) = match job {
        Job::Page(i) => {
            let p = &ctx.pages[*i];
            let c = with_versions(ctx, common_of(&p.lang), &p.lang, &|l| {
                ctx.linked
                    .translation(ctx.pages, *i, l)
                    .map(|j| ctx.pages[j].url.clone())
            });
            let page = ctx.page_view(*i);
            let template = p.template.clone().unwrap_or_else(|| {
                match p.kind {
                    PageKind::Home => "index.html",
                    PageKind::Section if p.dir == "topics" => "topics.html",
                    PageKind::Section => "section.html",
                    PageKind::Page => "page.html",
                    PageKind::Interview => "interview.html",
                    PageKind::Topic => "topic.html",
                }
                .to_string()
            });
            #[derive(Serialize)]
            struct V {
                page: PageView,
                interview: Option<InterviewView>,
                topic: Option<TopicView>,
            }
            let interview = (p.kind == PageKind::Interview).then(|| ctx.interview_view(*i));
            let topic = (p.kind == PageKind::Topic)
                .then(|| ctx.topic_view(&p.lang, p.key.trim_start_matches("topics/")));
            let v = V {
                page,
                interview,
                topic,
            };
            (template, p.out_path.clone(), context_of(c, v), Some(*i))
        }
        Job::Parallel(i, other) => {
            let p = &ctx.pages[*i];
            let c = with_versions(ctx, common_of(&p.lang), &p.lang, &|l| {
                let j = ctx.linked.translation(ctx.pages, *i, l)?;
                ctx.parallel_partner(j)
                    .map(|_| format!("{}parallel/", ctx.pages[j].url))
            });
            #[derive(Serialize)]
            struct V {
                page: PageView,
                parallel: ParallelView,
            }
            let mut page = ctx.page_view(*i);
            page.url = format!("{}parallel/", p.url);
            page.permalink = config.absolute_url(&page.url);
            let v = V {
                page,
                parallel: ctx.parallel_view(*i, *other),
            };
            let out = p.out_path.replace("index.html", "parallel/index.html");
            ("parallel.html".to_string(), out, context_of(c, v), Some(*i))
        }
        Job::Speakers(lang) => {
            let (c, out) = generated(lang, "speakers/");
            #[derive(Serialize)]
            struct V {
                speakers: Vec<SpeakerEntry>,
                page: Simple,
            }
            let speakers = ctx
                .speakers(lang)
                .into_iter()
                .map(|(slug, s)| {
                    let (name, turn_count, roles) = ctx.speaker_summary(lang, &slug, &s);
                    SpeakerEntry {
                        name,
                        url: config.url_path(lang, &format!("speakers/{slug}/")),
                        turn_count,
                        roles,
                    }
                })
                .collect();
            let title = ctx.ui(lang, "speakers");
            (
                "speakers.html".into(),
                out,
                context_of(
                    c,
                    V {
                        speakers,
                        page: simple(config, lang, &title, "speakers/"),
                    },
                ),
                None,
            )
        }
        Job::Speaker(lang, slug) => {
            let (c, out) = generated(lang, &format!("speakers/{slug}/"));
            let Some(s) = ctx.speaker(slug) else {
                return Err(Diagnostic::error(format!(
                    "speaker `{slug}` vanished while rendering"
                )));
            };
            #[derive(Serialize)]
            struct V {
                speaker: SpeakerPage,
                page: Simple,
            }
            let speaker = ctx.speaker_page(lang, slug, s);
            let page = simple(config, lang, &speaker.name, &format!("speakers/{slug}/"));
            (
                "speaker.html".into(),
                out,
                context_of(c, V { speaker, page }),
                None,
            )
        }
        Job::Glossary(lang) => {
            let (c, out) = generated(lang, "glossary/");
            #[derive(Serialize)]
            struct V {
                glossary: Vec<GlossaryGroup>,
                term_count: usize,
                page: Simple,
            }
            let title = ctx.ui(lang, "glossary");
            let v = V {
                glossary: ctx.glossary_groups(lang),
                term_count: ctx.glossary.terms.len(),
                page: simple(config, lang, &title, "glossary/"),
            };
            ("glossary.html".into(), out, context_of(c, v), None)
        }
        Job::Search(lang) => {
            let (c, out) = generated(lang, "search/");
            #[derive(Serialize)]
            struct V {
                page: Simple,
                search_index: String,
            }
            let title = ctx.ui(lang, "search");
            let v = V {
                page: simple(config, lang, &title, "search/"),
                search_index: format!("{}search-index.json", config.base_path),
            };
            ("search.html".into(), out, context_of(c, v), None)
        }
        Job::NotFound => {
            let lang = config.default_language.clone();
            let c = with_versions(ctx, common_of(&lang), &lang, &|l| {
                Some(config.url_path(l, ""))
            });
            #[derive(Serialize)]
            struct V {
                page: Simple,
            }
            let title = ctx.ui(&lang, "not_found");
            (
                "404.html".into(),
                "404.html".into(),
                context_of(
                    c,
                    V {
                        page: simple(config, &lang, &title, "404.html"),
                    },
                ),
                None,
            )
        }
    };
    if !tera.contains_template(&template) {
        let d = Diagnostic::error(format!("template `{template}` is missing"))
            .help(format!("add templates/{template} (see docs/templates.md), or set `template:` in the page's front matter"));
        return Err(match page_for_errors {
            Some(i) => d.in_file(&ctx.pages[i].shown),
            None => d,
        });
    }
    let context = context?;
    let sources: Vec<(String, String, PathBuf)> = Vec::new();
    // Into bytes directly: `Tera::render` would check the whole page is UTF-8 (a fortieth of a
    // build), and the output is bytes anyway. Sized from the Markdown it shows (an interview's
    // page is under twice its source), where growing from empty took a dozen copies per page.
    let source_len = |i: usize| ctx.pages[i].text.len();
    let hint = match job {
        Job::Page(i) => 2 * source_len(*i),
        Job::Parallel(i, other) => 2 * (source_len(*i) + source_len(*other)),
        _ => 0,
    };
    let mut html = Vec::with_capacity(hint + 16 * 1024);
    tera.render_to(&template, &context, &mut html)
        .map_err(|e| {
            let shown = PathBuf::from(format!("templates/{template}"));
            let mut d = tera_error(&e, &sources, &shown);
            if let Some(loc) = template_location(&e, &config.templates_dir, &config.root) {
                d.location = Some(Box::new(loc));
            }
            if let Some(i) = page_for_errors {
                d = d.related(
                    format!("while rendering {}", ctx.pages[i].shown.display()),
                    crate::error::Location {
                        file: ctx.pages[i].shown.clone(),
                        ..Default::default()
                    },
                );
            }
            d
        })?;
    // Large allocations shrink in place; `gloss serve` keeps every page.
    html.shrink_to_fit();
    Ok(Output {
        path: out_path,
        bytes: html.into(),
    })
}

/// The `page` of generated pages (speakers, glossary, search, 404).
#[derive(Debug, Clone, Serialize)]
pub struct Simple {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub kind: &'static str,
    pub lang: String,
    pub description: String,
}

fn simple(config: &Config, lang: &str, title: &str, path: &str) -> Simple {
    let url = if path == "404.html" {
        format!("{}404.html", config.base_path)
    } else {
        config.url_path(lang, path)
    };
    Simple {
        title: title.to_string(),
        permalink: config.absolute_url(&url),
        url,
        kind: "generated",
        lang: lang.to_string(),
        description: config
            .language(lang)
            .map(|l| l.description.clone())
            .unwrap_or_default(),
    }
}

/// What a page's template receives: the common view and the page's own.
fn context_of<T: Serialize>(common: Common, specific: T) -> Result<Context, Diagnostic> {
    Context::from_serialize(&Full { common, specific })
        .map_err(|e| Diagnostic::error(format!("could not prepare the template context: {e}")))
}
