//! gloss: a static site generator for annotated, bilingual interviews.
//!
//! `book.toml` + `content/` + `templates/` + `static/` → a static site. The build is a pipeline,
//! one module per stage:
//! config → load → front matter → parse (turns) → anchor (annotations) → align → link → render →
//! publish (sitemap, feeds, robots.txt, GitHub Pages files) → write.

pub mod align;
pub mod anchor;
pub mod cache;
pub mod config;
pub mod error;
pub mod events;
pub mod export;
pub mod frontmatter;
pub mod fs;
pub mod glossary;
pub mod highlight;
pub mod link;
pub mod load;
pub mod map;
pub mod markdown;
pub mod memo;
pub mod page;
pub mod parse;
pub mod present;
pub mod publish;
pub mod render;
pub mod search;
pub mod serve;
pub mod text;
pub mod view;
pub mod write;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::error::{BuildFailure, Diagnostic, Diagnostics};
use crate::load::SourceKind;
use crate::parse::Labels;
use crate::present::Ctx;
use crate::render::Output;
use crate::write::{Made, Plan, Sink};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub overrides: Overrides,
    /// `false` for `gloss check`: everything is validated and rendered, nothing is written.
    pub write: bool,
}

#[derive(Debug)]
pub struct Summary {
    /// Pages per language, in the order of book.toml's languages.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    pub out_dir: PathBuf,
    /// With a cache (`gloss serve`): how much of the build was redone.
    pub reuse: Option<cache::Reuse>,
}

/// A finished build in memory: what `gloss serve` keeps to answer requests and compare rebuilds.
pub struct Built {
    pub config: Config,
    pub plan: Plan,
    pub summary: Summary,
}

/// Builds the site: validates everything, renders every page and, when `opts.write`, writes each
/// output into a staging directory as soon as it is made, swapped in for the output directory
/// when the build succeeded. Any error leaves the previous output as it was.
pub fn build(opts: &Options) -> Result<Summary, BuildFailure> {
    run(opts, None, false).map(|b| b.summary)
}

/// A build whose outputs are kept in memory (`Built::plan`), and written too when `opts.write`.
pub fn build_in_memory(opts: &Options) -> Result<Built, BuildFailure> {
    build_with(opts, None)
}

/// A build kept in memory that takes from `cache` what the previous build made from unchanged
/// inputs, and leaves there what it made (only when it succeeds). The result is the same as
/// without it.
pub fn build_with(opts: &Options, cache: Option<&cache::Cache>) -> Result<Built, BuildFailure> {
    run(opts, cache, true)
}

/// The pipeline. `keep`: the outputs' bytes stay in the plan (for `gloss serve`); otherwise each is
/// dropped once written (or at once when nothing is written).
fn run(opts: &Options, cache: Option<&cache::Cache>, keep: bool) -> Result<Built, BuildFailure> {
    if let Some(c) = cache {
        c.begin();
    }
    let started = Instant::now();
    let mut t = Stages::new();
    let diags = Diagnostics::new();
    let fail = |diags: Diagnostics| BuildFailure {
        diagnostics: diags.into_sorted(),
    };

    let config = match config::load(&opts.root, &opts.overrides, &diags) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return Err(fail(diags));
        }
    };
    // Checked before any work is done; from here on every output goes straight to staging.
    let sink = if opts.write {
        write::check_out_dir(&config).and_then(|()| Sink::staging(&config.out_dir))
    } else {
        Ok(Sink::nowhere())
    };
    let sink = match sink {
        Ok(s) if keep => s.keeping(),
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return Err(fail(diags));
        }
    };

    let sources = load::load(&config, &diags);
    t.lap("load");
    let fronts = page::read_all(&sources, &diags, cache);
    t.lap("front matter: read");
    let mut pages = page::check(fronts, &config, &diags, cache);
    t.lap("front matter: check");
    parse_bodies(&mut pages, &diags, cache);
    t.lap("parse");
    let glossary_source = sources.iter().find(|s| s.kind == SourceKind::Glossary);
    let glossary_sig = match (cache, glossary_source) {
        (Some(_), Some(g)) => cache::sign((std::fs::read(&g.path).unwrap_or_default(), &g.shown)),
        _ => 0,
    };
    let glossary = read_glossary(glossary_source, glossary_sig, &diags, cache);
    let groups = align::groups(&pages, &config.default_language);
    align::align(&pages, &groups, &diags);
    t.lap("glossary, align");

    let assets: Vec<_> = sources
        .iter()
        .filter(|s| s.kind == SourceKind::Asset)
        .cloned()
        .collect();
    let mut plan = Plan::with(sink);
    write::add_static(&mut plan, &config, &diags);
    write::add_assets(&mut plan, &assets, &diags);
    let known_files: HashSet<String> = plan.paths().map(str::to_string).collect();
    let failed = failed_pages(&sources, &pages, &diags);
    let linked = link::link(
        &pages,
        groups,
        &glossary,
        &config,
        &known_files,
        &failed,
        &diags,
        cache,
        glossary_sig,
    );
    t.lap("static, link");

    let templates_sig = cache.map_or(0, |_| {
        cache::sign((cache::tree_signature(&config.templates_dir), &config.root))
    });
    let tera = read_templates(&config, templates_sig, &diags, cache);
    let mut ctx = Ctx {
        config: &config,
        pages: &pages,
        linked: &linked,
        glossary: &glossary,
        diags: &diags,
        memo: Default::default(),
        cache,
        sigs: Default::default(),
    };
    if cache.is_some() {
        let global = cache::global_signature(&ctx, templates_sig, glossary_sig);
        ctx.sigs = cache::page_signatures(&ctx, global);
        ctx.sigs.shown = cache::shown_signatures(&ctx);
    }
    let jobs = render::jobs(&ctx);
    // The pages, then an annotation export per page and a few files more.
    plan.reserve(jobs.len() + pages.len() + 64);
    t.lap("templates, jobs");
    let sink = plan.sink();
    let render_all = || match tera.as_deref() {
        Some(tera) => render::render(&ctx, tera, &jobs, |out| sink.put(out, &diags)),
        None => Vec::new(),
    };
    let index_all = || -> Vec<Made> { search::outputs(&ctx, |out| sink.put(out, &diags)).0 };
    // A rebuild in `gloss serve` makes pages and the search index side by side: each has
    // stretches on one core (the longest page, merging the index) that the other fills (~15% off
    // a rebuild of the interview site). `gloss build` makes them one after the other, which keeps
    // its peak memory lower (~15% on the 1,000 corpus) at no measurable cost in time.
    let (rendered, index) = if cache.is_some() {
        rayon::join(render_all, index_all)
    } else {
        let rendered = render_all();
        t.lap("render");
        (rendered, index_all())
    };
    for made in rendered {
        let origin = format!("the page {}", made.path);
        plan.claim(made, origin, &diags);
    }
    t.lap(if cache.is_some() {
        "render, search"
    } else {
        "search"
    });
    publish::add(&mut plan, &ctx, &jobs, &diags);
    let sink = plan.sink();
    let jsonld: Vec<Made> = (0..pages.len())
        .into_par_iter()
        .filter_map(|i| match cache {
            Some(c) => c.exports.get_or(&pages[i].url, ctx.sigs.pages[i], || {
                export::annotations_jsonld(&ctx, i)
            }),
            None => export::annotations_jsonld(&ctx, i),
        })
        .map(|(path, bytes)| sink.put(Output { path, bytes }, &diags))
        .collect();
    for made in jsonld {
        plan.claim(made, "annotation export", &diags);
    }
    t.lap("publish, export");
    for made in index {
        plan.claim(made, "search index", &diags);
    }
    plan.add(
        Output {
            path: "highlight.css".into(),
            bytes: highlight::stylesheet().into_bytes().into(),
        },
        "gloss (highlight.css)",
        &diags,
    );

    t.lap("highlight");
    if diags.has_errors() {
        return Err(fail(diags));
    }
    if let Err(ds) = plan.commit() {
        diags.extend(ds);
        return Err(fail(diags));
    }
    t.lap("write");
    t.report();
    let mut per_lang: Vec<(String, usize)> = config
        .languages
        .iter()
        .map(|l| (l.key.clone(), 0))
        .collect();
    for p in plan.made().iter().filter(|p| p.ends_with(".html")) {
        let lang = page_lang(p, &config);
        if let Some(n) = per_lang.iter_mut().find(|(k, _)| k == lang) {
            n.1 += 1;
        }
    }
    let summary = Summary {
        pages: per_lang,
        files: plan.len(),
        elapsed: started.elapsed(),
        warnings: diags.into_sorted(),
        out_dir: config.out_dir.clone(),
        reuse: cache.map(cache::Cache::finish),
    };
    Ok(Built {
        config,
        plan,
        summary,
    })
}

/// The page files under `content/` left out of the build by an error of their own (front matter
/// that does not parse, say), as `Source::rel` gives them.
fn failed_pages(
    sources: &[load::Source],
    pages: &[page::Page],
    diags: &Diagnostics,
) -> HashSet<String> {
    let with_errors = diags.files_with_errors();
    if with_errors.is_empty() {
        return HashSet::new();
    }
    let built: HashSet<&std::path::Path> = pages.iter().map(|p| p.shown.as_path()).collect();
    sources
        .iter()
        .filter(|s| matches!(s.kind, SourceKind::Page | SourceKind::Section))
        .filter(|s| with_errors.contains(&s.shown) && !built.contains(s.shown.as_path()))
        .map(load::Source::rel)
        .collect()
}

/// The glossary, taken from the previous build (with its warnings) while its file is unchanged.
fn read_glossary(
    source: Option<&load::Source>,
    sig: u64,
    diags: &Diagnostics,
    cache: Option<&cache::Cache>,
) -> Arc<glossary::Glossary> {
    let Some(g) = source else {
        return Arc::default();
    };
    let read = || Arc::new(glossary::load(&g.path, &g.shown, diags));
    match cache {
        Some(c) => c
            .glossary
            .replayed(diags, &g.shown.to_string_lossy(), sig, read),
        None => read(),
    }
}

/// The templates, compiled again only when a file of the templates folder changed: Tera parses
/// every template on load, which a rebuild after a content edit need not repeat.
fn read_templates(
    config: &config::Config,
    sig: u64,
    diags: &Diagnostics,
    cache: Option<&cache::Cache>,
) -> Option<Arc<tera::Tera>> {
    let read = || render::load_templates(&config.templates_dir, &config.root, diags).map(Arc::new);
    match cache {
        Some(c) => c.templates.replayed(diags, "templates", sig, read),
        None => read(),
    }
}

/// Parses every page body (in parallel); interviews recognise their speakers' labels.
fn parse_bodies(pages: &mut [page::Page], diags: &Diagnostics, cache: Option<&cache::Cache>) {
    pages.par_iter_mut().for_each(|p| {
        let mut labels = Labels::default();
        if let Some(iv) = &p.interview {
            for s in &iv.speakers {
                labels.by_label.insert(s.id.clone(), s.id.clone());
                for n in s.names.all() {
                    labels
                        .by_label
                        .entry(n.to_string())
                        .or_insert_with(|| s.id.clone());
                }
            }
        }
        p.doc = match cache {
            None => Arc::new(parse::parse(
                &p.text,
                p.body_offset,
                &p.map(),
                &labels,
                diags,
            )),
            Some(c) => {
                let mut by_label: Vec<_> = labels.by_label.iter().collect();
                by_label.sort();
                let sig = cache::sign((p.text_hash, p.body_offset, by_label));
                let (doc, warnings) = c.docs.get_or(&p.shown.to_string_lossy(), sig, || {
                    let local = Diagnostics::new();
                    let doc = parse::parse(&p.text, p.body_offset, &p.map(), &labels, &local);
                    (Arc::new(doc), local.into_sorted())
                });
                diags.extend(warnings);
                doc
            }
        };
    });
}

/// The language an output path belongs to, from its prefix.
fn page_lang<'c>(path: &str, config: &'c Config) -> &'c str {
    let first = path.split('/').next().unwrap_or("");
    config
        .languages
        .iter()
        .find(|l| !l.prefix.is_empty() && l.prefix == first)
        .map_or(&config.default_language, |l| &l.key)
}

/// Time per pipeline stage, printed to stderr when `GLOSS_TIMINGS` is set: where a build's time
/// goes, for profiling and the benchmark notes.
/// Each lap also gives the CPU time of all threads (Linux), so a stage that keeps one core of two
/// busy shows as CPU ≈ wall.
struct Stages {
    on: bool,
    last: Instant,
    last_cpu: Option<Duration>,
    laps: Vec<(&'static str, Duration, Option<Duration>, Option<u64>)>,
}

impl Stages {
    fn new() -> Self {
        Stages {
            on: std::env::var_os("GLOSS_TIMINGS").is_some(),
            last: Instant::now(),
            last_cpu: process_cpu(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        if self.on {
            let (now, cpu) = (Instant::now(), process_cpu());
            let used = cpu.zip(self.last_cpu).map(|(c, l)| c.saturating_sub(l));
            self.laps
                .push((stage, now - self.last, used, peak_memory()));
            (self.last, self.last_cpu) = (now, cpu);
        }
    }

    fn report(&self) {
        for (stage, wall, cpu, peak) in &self.laps {
            let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
            match (cpu, peak) {
                (Some(c), Some(kb)) => eprintln!(
                    "{:>8.1} ms  {:>8.0} ms CPU  {:>6} MB peak  {stage}",
                    ms(wall),
                    ms(c),
                    kb / 1024
                ),
                _ => eprintln!("{:>8.1} ms  {stage}", ms(wall)),
            }
        }
    }
}

/// The process's peak resident memory so far in kB (`VmHWM` of `/proc/self/status`), or `None`
/// where there is no such file: which stage a build's peak memory is reached in.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system time of the whole process so far, from `/proc/self/stat` (in clock ticks,
/// 100 per second on Linux), or `None` where there is no such file.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split(' ').skip(11);
    let ticks: u64 = f.next()?.parse::<u64>().ok()? + f.next()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}
