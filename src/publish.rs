//! The site's pages and render jobs → what hosts, search engines and feed readers look for:
//! `sitemap.xml` with language alternates, an Atom feed per language, `robots.txt`, and for GitHub
//! Pages `.nojekyll` and `CNAME`. A file of the same name in `static/` wins over the generated one.

use bytes::Bytes;
use quick_xml::escape::escape;

use crate::cache;
use crate::config::Config;
use crate::error::Diagnostics;
use crate::page::PageKind;
use crate::present::Ctx;
use crate::render::{Job, Output};
use crate::write::Plan;

/// Adds the publishing files to the plan, after the rendered pages.
pub fn add(plan: &mut Plan, ctx: &Ctx, jobs: &[Job], diags: &Diagnostics) {
    let config = ctx.config;
    let mut outputs: Vec<(String, Bytes)> = vec![
        (
            "sitemap.xml".to_string(),
            kept(
                ctx,
                "sitemap.xml",
                || cache::sitemap_signature(ctx, jobs),
                || sitemap(ctx, jobs),
            ),
        ),
        ("robots.txt".to_string(), robots(config).into()),
        // GitHub Pages runs Jekyll unless told not to; Jekyll drops files starting with `_`.
        (".nojekyll".to_string(), Bytes::new()),
    ];
    if let Some(cname) = &config.cname {
        outputs.push(("CNAME".to_string(), format!("{}\n", cname.trim()).into()));
    }
    for l in &config.languages {
        let path = config.url_path(&l.key, "atom.xml");
        let rel = path
            .strip_prefix(&config.base_path)
            .unwrap_or(&path)
            .to_string();
        let made = kept(
            ctx,
            &rel,
            || cache::feed_signature(ctx, &l.key),
            || feed(ctx, &l.key),
        );
        outputs.push((rel, made));
    }
    for (path, bytes) in outputs {
        if plan.has(&path) {
            continue; // the site's own file (static/robots.txt…) is kept as it is
        }
        let origin = format!("gloss ({path})");
        plan.add(Output { path, bytes }, origin, diags);
    }
}

/// With a cache (`gloss serve`), a file whose signature is unchanged is the previous build's:
/// shared, not copied (the sitemap at 5,000 interviews is megabytes).
fn kept(ctx: &Ctx, key: &str, sig: impl FnOnce() -> u64, make: impl FnOnce() -> String) -> Bytes {
    let Some(c) = ctx.cache else {
        return make().into();
    };
    c.publish.replayed(ctx.diags, key, sig(), || make().into())
}

/// Every version of a rendered page: (language key, site-absolute URL). The same pairs the page's
/// own `<link rel="alternate" hreflang>` tags carry (render.rs computes those per job).
pub fn versions(ctx: &Ctx, job: &Job) -> Vec<(String, String)> {
    let config = ctx.config;
    let every = |path: &str| -> Vec<(String, String)> {
        config
            .languages
            .iter()
            .map(|l| (l.key.clone(), config.url_path(&l.key, path)))
            .collect()
    };
    match job {
        Job::Page(i) => config
            .languages
            .iter()
            .filter_map(|l| {
                let j = ctx.linked.translation(ctx.pages, *i, &l.key)?;
                Some((l.key.clone(), ctx.pages[j].url.clone()))
            })
            .collect(),
        Job::Parallel(i, _) => config
            .languages
            .iter()
            .filter_map(|l| {
                let j = ctx.linked.translation(ctx.pages, *i, &l.key)?;
                ctx.parallel_partner(j)?;
                Some((l.key.clone(), format!("{}parallel/", ctx.pages[j].url)))
            })
            .collect(),
        Job::Speakers(_) => every("speakers/"),
        Job::Speaker(_, slug) => every(&format!("speakers/{slug}/")),
        Job::Glossary(_) => every("glossary/"),
        Job::Search(_) => every("search/"),
        Job::NotFound => Vec::new(),
    }
}

/// The language and URL of the page a job renders, and its date when it has one.
fn own(ctx: &Ctx, job: &Job) -> Option<(String, String, Option<String>)> {
    let config = ctx.config;
    match job {
        Job::Page(i) => {
            let p = &ctx.pages[*i];
            Some((p.lang.clone(), p.url.clone(), p.date.map(|d| d.to_string())))
        }
        Job::Parallel(i, _) => {
            let p = &ctx.pages[*i];
            Some((
                p.lang.clone(),
                format!("{}parallel/", p.url),
                p.date.map(|d| d.to_string()),
            ))
        }
        Job::Speakers(l) => Some((l.clone(), config.url_path(l, "speakers/"), None)),
        Job::Speaker(l, slug) => Some((
            l.clone(),
            config.url_path(l, &format!("speakers/{slug}/")),
            None,
        )),
        Job::Glossary(l) => Some((l.clone(), config.url_path(l, "glossary/"), None)),
        Job::Search(l) => Some((l.clone(), config.url_path(l, "search/"), None)),
        Job::NotFound => None,
    }
}

/// `sitemap.xml`: one `<url>` per page with every language version as `xhtml:link` alternates
/// (the page itself included, as search engines require), plus `x-default`.
pub fn sitemap(ctx: &Ctx, jobs: &[Job]) -> String {
    let config = ctx.config;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut entries: Vec<(String, String)> = jobs
        .iter()
        .filter_map(|job| {
            let (_, url, date) = own(ctx, job)?;
            let mut e = format!("<url>\n  <loc>{}</loc>\n", xml(&config.absolute_url(&url)));
            if let Some(d) = date {
                e.push_str(&format!("  <lastmod>{d}</lastmod>\n"));
            }
            let versions = versions(ctx, job);
            if versions.len() > 1 {
                for (lang, href) in &versions {
                    let code = config.language(lang).map_or(lang.as_str(), |l| &l.code);
                    e.push_str(&alternate(code, &config.absolute_url(href)));
                }
                let default = versions
                    .iter()
                    .find(|(l, _)| *l == config.default_language)
                    .map_or(&url, |(_, u)| u);
                e.push_str(&alternate("x-default", &config.absolute_url(default)));
            }
            e.push_str("</url>\n");
            Some((url, e))
        })
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    for (_, e) in entries {
        out.push_str(&e);
    }
    out.push_str("</urlset>\n");
    out
}

fn alternate(code: &str, href: &str) -> String {
    format!(
        "  <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
        xml(code),
        xml(href)
    )
}

/// `robots.txt`: everything may be crawled; the sitemap's absolute URL.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        config.absolute_url(&format!("{}sitemap.xml", config.base_path))
    )
}

/// The Atom feed of one language: its interviews, newest first, each with its title, summary and
/// date. Times are the pages' dates (midnight UTC), so a rebuild of the same content is identical.
pub fn feed(ctx: &Ctx, lang: &str) -> String {
    let config = ctx.config;
    let l = config.language(lang).expect("feed languages are declared");
    let mut items: Vec<usize> = (0..ctx.pages.len())
        .filter(|&i| ctx.pages[i].lang == lang && ctx.pages[i].kind == PageKind::Interview)
        .collect();
    items.sort_by(|&a, &b| {
        let (x, y) = (&ctx.pages[a], &ctx.pages[b]);
        (std::cmp::Reverse(x.date), &x.title).cmp(&(std::cmp::Reverse(y.date), &y.title))
    });
    let stamp = |d: Option<jiff::civil::Date>| match d {
        Some(d) => format!("{d}T00:00:00Z"),
        None => "1970-01-01T00:00:00Z".to_string(),
    };
    let newest = ctx.pages.iter().filter_map(|p| p.date).max();
    let home = config.absolute_url(&config.url_path(lang, ""));
    let me = config.absolute_url(&config.url_path(lang, "atom.xml"));
    let author = if config.authors.is_empty() {
        l.title.clone()
    } else {
        config.authors.join(", ")
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{code}\" xml:base=\"{base}\">\n\
         \x20 <title>{title}</title>\n",
        code = xml(&l.code),
        base = xml(config.base_url.as_str()),
        title = xml(&l.title),
    );
    if !l.description.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml(&l.description)));
    }
    out.push_str(&format!(
        "  <id>{home}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{me}\"/>\n\
         \x20 <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n\
         \x20 <updated>{}</updated>\n  <author><name>{}</name></author>\n\
         \x20 <generator>gloss</generator>\n",
        stamp(newest),
        xml(&author),
        home = xml(&home),
        me = xml(&me),
    ));
    for i in items {
        let p = &ctx.pages[i];
        let url = xml(&config.absolute_url(&p.url)).into_owned();
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             \x20   <id>{url}</id>\n    <updated>{}</updated>\n",
            xml(&p.title),
            stamp(p.date.or(newest)),
        ));
        if let Some(d) = p.date {
            out.push_str(&format!("    <published>{}</published>\n", stamp(Some(d))));
        }
        if let Some(s) = &p.summary {
            // The summary as the page shows it; its site-absolute links resolve against xml:base.
            out.push_str(&format!(
                "    <summary type=\"html\">{}</summary>\n",
                xml(&ctx.fragment(i, s))
            ));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn xml(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}
