//! The published site as a browser and a search engine meet it: built for a GitHub Pages project
//! site (`https://example.github.io/repo/`) and a user site (`https://example.github.io/`), every
//! link of every page and stylesheet (href, src, srcset, CSS url()) followed as a browser resolves
//! it: no broken link, no broken #fragment, nothing outside the site's path. Then what Pages and
//! search engines read: sitemap.xml, the Atom feeds, robots.txt, .nojekyll, CNAME, social cards.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use cssparser::{ParseError, Parser, Token};
use quick_xml::events::Event as XmlEvent;
use scraper::{Html, Selector};
use tempfile::TempDir;
use url::Url;

use support::{build, fixture_site, repo};

/// A built site and the URL it is published at.
struct Published {
    out: PathBuf,
    base: Url,
    ids: HashMap<PathBuf, BTreeSet<String>>,
}

impl Published {
    fn new(out: PathBuf, base: &str) -> Published {
        Published {
            out,
            base: Url::parse(base).unwrap(),
            ids: HashMap::new(),
        }
    }

    /// Output files with a given extension, relative, `/`-separated.
    fn files(&self, ext: &str) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .filter(|p| p.ends_with(ext))
            .collect();
        v.sort();
        v
    }

    /// Where a browser is when it shows this output file.
    fn url_of(&self, rel: &str) -> Url {
        let shown = rel.strip_suffix("index.html").unwrap_or(rel);
        self.base.join(shown).unwrap()
    }

    /// The file GitHub Pages answers a same-site URL with: the path must be under the base path.
    fn file_of(&self, url: &Url) -> Result<PathBuf, String> {
        let path = url.path();
        let Some(rest) = path.strip_prefix(self.base.path()) else {
            return Err(format!("outside the site's path {}", self.base.path()));
        };
        let rest = percent_encoding::percent_decode_str(rest)
            .decode_utf8()
            .map_err(|_| "not UTF-8".to_string())?
            .into_owned();
        let candidates = if rest.is_empty() || rest.ends_with('/') {
            vec![format!("{rest}index.html")]
        } else {
            // GitHub Pages redirects a folder to its slash, and serves `a.html` for `a`.
            vec![
                rest.clone(),
                format!("{rest}/index.html"),
                format!("{rest}.html"),
            ]
        };
        candidates
            .iter()
            .map(|c| self.out.join(c))
            .find(|p| p.is_file())
            .ok_or_else(|| "no such file in the output".to_string())
    }

    fn ids_of(&mut self, file: &Path) -> &BTreeSet<String> {
        self.ids.entry(file.to_path_buf()).or_insert_with(|| {
            let html = Html::parse_document(&std::fs::read_to_string(file).unwrap_or_default());
            let sel = Selector::parse("[id], a[name]").unwrap();
            html.select(&sel)
                .flat_map(|e| {
                    [e.value().attr("id"), e.value().attr("name")]
                        .into_iter()
                        .flatten()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect()
        })
    }

    /// Follows one link found on `from` (shown in messages as `page`): a problem, or None.
    fn check(&mut self, page: &str, from: &Url, what: &str, link: &str) -> Option<String> {
        self.check_in(page, from, None, what, link)
    }

    /// As `check`; a link to `from` itself (`#main`) is looked up in `doc`, the file shown there.
    fn check_in(
        &mut self,
        page: &str,
        from: &Url,
        doc: Option<&Path>,
        what: &str,
        link: &str,
    ) -> Option<String> {
        let link = link.trim();
        if link.is_empty() {
            return Some(format!("{page}: empty {what}"));
        }
        let url = match from.join(link) {
            Ok(u) => u,
            Err(e) => return Some(format!("{page}: {what}={link:?} does not parse: {e}")),
        };
        if !matches!(url.scheme(), "http" | "https") || url.host() != self.base.host() {
            return None; // another site, mailto:, data:
        }
        let mut bare = url.clone();
        bare.set_fragment(None);
        let same_document = bare.as_str() == from.as_str();
        let file = match (doc, same_document) {
            (Some(d), true) => d.to_path_buf(),
            _ => match self.file_of(&url) {
                Ok(f) => f,
                Err(why) => return Some(format!("{page}: {what}={link:?} → {url}: {why}")),
            },
        };
        let fragment = url.fragment()?;
        let fragment = percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if fragment.is_empty() || fragment == "top" || !file.to_string_lossy().ends_with(".html") {
            return None;
        }
        if self.ids_of(&file).contains(&fragment) {
            None
        } else {
            Some(format!(
                "{page}: {what}={link:?} → no id=\"{fragment}\" in {url}"
            ))
        }
    }

    /// Every link of every page and stylesheet; the problems found.
    fn crawl(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        for rel in self.files(".html") {
            let text = std::fs::read_to_string(self.out.join(&rel)).unwrap();
            // The 404 page is shown at whatever address was missing, however deep.
            let at = if rel == "404.html" {
                self.base.join("a/b/c/missing-page").unwrap()
            } else {
                self.url_of(&rel)
            };
            let doc = self.out.join(&rel);
            for (what, link) in links_of_html(&text) {
                problems.extend(self.check_in(&rel, &at, Some(&doc), &what, &link));
            }
        }
        for rel in self.files(".css") {
            let text = std::fs::read_to_string(self.out.join(&rel)).unwrap();
            let at = self.url_of(&rel);
            for link in css_urls(&text) {
                problems.extend(self.check(&rel, &at, "url()", &link));
            }
        }
        problems
    }
}

/// (attribute, URL) of every link in a page, the way a browser would fetch or follow them.
fn links_of_html(text: &str) -> Vec<(String, String)> {
    let html = Html::parse_document(text);
    let mut out = Vec::new();
    let all = Selector::parse("*").unwrap();
    for el in html.select(&all) {
        for (name, value) in el.value().attrs() {
            match name {
                "href" | "src" | "action" | "poster" | "cite" => {
                    out.push((format!("<{} {name}>", el.value().name()), value.to_string()))
                }
                "srcset" | "imagesrcset" => {
                    for candidate in value.split(',') {
                        if let Some(u) = candidate.split_whitespace().next() {
                            out.push((format!("<{} srcset>", el.value().name()), u.to_string()));
                        }
                    }
                }
                "style" => {
                    for u in css_urls(value) {
                        out.push(("style url()".to_string(), u));
                    }
                }
                _ => {}
            }
        }
        if el.value().name() == "style" {
            for u in css_urls(&el.text().collect::<String>()) {
                out.push(("<style> url()".to_string(), u));
            }
        }
        if el.value().name() == "meta"
            && matches!(el.value().attr("property"), Some("og:url" | "og:image"))
            && let Some(c) = el.value().attr("content")
        {
            out.push(("<meta og>".to_string(), c.to_string()));
        }
    }
    out
}

/// The URLs of a stylesheet: `url(…)`, `url("…")` and `@import "…"`, found by a CSS tokenizer.
fn css_urls(css: &str) -> Vec<String> {
    fn walk(p: &mut Parser, out: &mut Vec<String>) {
        let mut import = false;
        while let Ok(tok) = p.next_including_whitespace_and_comments() {
            match tok.clone() {
                Token::UnquotedUrl(u) => out.push(u.to_string()),
                Token::QuotedString(s) if import => {
                    out.push(s.to_string());
                    import = false;
                }
                Token::AtKeyword(k) => import = k.eq_ignore_ascii_case("import"),
                Token::Function(name) if name.eq_ignore_ascii_case("url") => {
                    let _ = p.parse_nested_block(|p| -> Result<(), ParseError<()>> {
                        while let Ok(t) = p.next() {
                            if let Token::QuotedString(s) = t {
                                out.push(s.to_string());
                            }
                        }
                        Ok(())
                    });
                }
                Token::Function(_)
                | Token::ParenthesisBlock
                | Token::SquareBracketBlock
                | Token::CurlyBracketBlock => {
                    let _ = p.parse_nested_block(|p| -> Result<(), ParseError<()>> {
                        walk(p, out);
                        Ok(())
                    });
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&mut Parser::new(css), &mut out);
    out
}

fn assert_no_problems(problems: &[String], what: &str) {
    assert!(
        problems.is_empty(),
        "{} broken links in {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn built(root: &Path, base: &str) -> (TempDir, Published) {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    build(root, &out, base);
    (tmp, Published::new(out, base))
}

#[test]
fn every_link_of_this_repository_site_works_under_a_project_path() {
    let (_tmp, mut site) = built(&repo(), "https://example.github.io/repo/");
    let problems = site.crawl();
    assert_no_problems(&problems, "the repository's site at /repo/");
    assert!(site.files(".html").len() > 20, "the crawl saw the pages");
}

#[test]
fn every_link_of_the_fixture_site_works_at_a_project_path_and_at_a_user_site_root() {
    let (_t, site) = fixture_site("serve-site");
    for base in [
        "https://example.github.io/repo/",
        "https://example.github.io/",
    ] {
        let (_tmp, mut published) = built(&site, base);
        let problems = published.crawl();
        assert_no_problems(&problems, base);
        // The crawl follows real links: a page it must have reached.
        assert!(published.out.join("interviews/first/index.html").is_file());
    }
}

#[test]
fn a_link_outside_the_site_path_or_to_a_missing_fragment_is_caught() {
    // The crawl itself must be able to fail: a page with bad links, checked as above.
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().to_path_buf();
    std::fs::create_dir_all(out.join("a")).unwrap();
    std::fs::write(
        out.join("index.html"),
        "<a href=\"/elsewhere/\">x</a><a href=\"a/#nope\">y</a><a href=\"a/\">ok</a>\
         <img srcset=\"missing.png 2x, a/ 1x\"><div style=\"background:url('gone.png')\"></div>",
    )
    .unwrap();
    std::fs::write(out.join("a/index.html"), "<p id=\"here\">").unwrap();
    let mut site = Published::new(out, "https://example.github.io/repo/");
    let problems = site.crawl();
    let text = problems.join("\n");
    assert!(
        text.contains("/elsewhere/") && text.contains("outside"),
        "{text}"
    );
    assert!(text.contains("no id=\"nope\""), "{text}");
    assert!(text.contains("missing.png"), "{text}");
    assert!(text.contains("gone.png"), "{text}");
    assert_eq!(problems.len(), 4, "{text}");
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> String {
    e.try_get_attribute(name)
        .expect("well-formed attributes")
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("attribute value")
                .into_owned()
        })
        .unwrap_or_default()
}

fn xml_text(t: &quick_xml::events::BytesText) -> String {
    quick_xml::escape::unescape(&t.decode().expect("UTF-8"))
        .expect("XML text")
        .into_owned()
}

/// `<loc>` → its `xhtml:link` alternates (hreflang → href).
fn sitemap(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("sitemap.xml");
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = BTreeMap::new();
    let (mut loc, mut alts, mut in_loc) = (String::new(), BTreeMap::new(), false);
    loop {
        match reader.read_event().expect("well-formed sitemap") {
            XmlEvent::Start(e) if e.name().as_ref() == b"loc" => in_loc = true,
            XmlEvent::Text(t) if in_loc => loc = xml_text(&t),
            XmlEvent::End(e) if e.name().as_ref() == b"loc" => in_loc = false,
            XmlEvent::Empty(e) if e.name().as_ref() == b"xhtml:link" => {
                alts.insert(attr(&e, "hreflang"), attr(&e, "href"));
            }
            XmlEvent::End(e) if e.name().as_ref() == b"url" => {
                out.insert(std::mem::take(&mut loc), std::mem::take(&mut alts));
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn sitemap_lists_every_page_with_the_alternates_the_page_itself_declares() {
    let (_t, root) = fixture_site("serve-site");
    let (_tmp, site) = built(&root, "https://example.github.io/repo/");
    let map = sitemap(&site.out.join("sitemap.xml"));
    let pages: BTreeSet<String> = site
        .files(".html")
        .into_iter()
        .filter(|p| p != "404.html")
        .map(|p| site.url_of(&p).to_string())
        .collect();
    let listed: BTreeSet<String> = map.keys().cloned().collect();
    assert_eq!(listed, pages, "sitemap.xml lists exactly the site's pages");
    let alternate = Selector::parse("link[rel=alternate][hreflang]").unwrap();
    for rel in site.files(".html") {
        if rel == "404.html" {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(site.out.join(&rel)).unwrap());
        let declared: BTreeMap<String, String> = html
            .select(&alternate)
            .map(|e| {
                (
                    e.value().attr("hreflang").unwrap().to_string(),
                    e.value().attr("href").unwrap().to_string(),
                )
            })
            .collect();
        let url = site.url_of(&rel).to_string();
        let in_map = &map[&url];
        if declared.len() > 2 {
            // Two languages or more, and x-default: the sitemap says the same.
            assert_eq!(in_map, &declared, "alternates of {url}");
        } else {
            assert!(in_map.is_empty(), "{url} has no other language: {in_map:?}");
        }
    }
    let interview = &map["https://example.github.io/repo/interviews/first/"];
    assert_eq!(
        interview.get("zh-Hant").map(String::as_str),
        Some("https://example.github.io/repo/zh/interviews/first/")
    );
    assert_eq!(
        interview.get("x-default").map(String::as_str),
        Some("https://example.github.io/repo/interviews/first/")
    );
}

#[test]
fn each_language_has_an_atom_feed_of_its_interviews() {
    let (_t, root) = fixture_site("serve-site");
    let (_tmp, site) = built(&root, "https://example.github.io/repo/");
    for (feed, title, lang, url) in [
        (
            "atom.xml",
            "Ada Potter on kilns",
            "en",
            "https://example.github.io/repo/interviews/first/",
        ),
        (
            "zh/atom.xml",
            "艾達談窯",
            "zh-Hant",
            "https://example.github.io/repo/zh/interviews/first/",
        ),
    ] {
        let text = std::fs::read_to_string(site.out.join(feed)).expect(feed);
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut titles, mut links, mut root_lang, mut path) = (vec![], vec![], None, vec![]);
        loop {
            match reader.read_event().expect("well-formed feed") {
                XmlEvent::Start(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    if name == "feed" {
                        root_lang = Some(attr(&e, "xml:lang"));
                    }
                    path.push(name);
                }
                XmlEvent::End(_) => {
                    path.pop();
                }
                XmlEvent::Empty(e)
                    if e.name().as_ref() == b"link"
                        && path.last().map(String::as_str) == Some("entry") =>
                {
                    links.push(attr(&e, "href"));
                }
                XmlEvent::Text(t) if path.join("/") == "feed/entry/title" => {
                    titles.push(xml_text(&t))
                }
                XmlEvent::Eof => break,
                _ => {}
            }
        }
        assert_eq!(titles, vec![title.to_string()], "{feed}");
        assert_eq!(links, vec![url.to_string()], "{feed}");
        assert_eq!(root_lang.as_deref(), Some(lang), "{feed}");
        assert!(
            text.contains("<updated>2025-05-01T00:00:00Z</updated>"),
            "{feed}"
        );
    }
}

#[test]
fn github_pages_files_robots_and_cname_are_written() {
    let (_t, root) = fixture_site("serve-site");
    let (_tmp, site) = built(&root, "https://example.github.io/repo/");
    assert!(site.out.join(".nojekyll").is_file(), "Jekyll must be off");
    assert_eq!(
        std::fs::read_to_string(site.out.join("CNAME")).unwrap(),
        "interviews.example.org\n"
    );
    let robots = std::fs::read_to_string(site.out.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://example.github.io/repo/sitemap.xml"),
        "{robots}"
    );
    // No custom domain in book.toml: no CNAME (Pages would otherwise redirect to it).
    let (_tmp2, plain) = built(&repo(), "https://example.github.io/gloss/");
    assert!(!plain.out.join("CNAME").exists());
    assert!(plain.out.join(".nojekyll").is_file());
}

#[test]
fn a_robots_txt_in_static_replaces_the_generated_one() {
    let (_t, root) = fixture_site("serve-site");
    std::fs::write(
        root.join("static/robots.txt"),
        "User-agent: *\nDisallow: /\n",
    )
    .unwrap();
    let (_tmp, site) = built(&root, "https://example.github.io/repo/");
    assert_eq!(
        std::fs::read_to_string(site.out.join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /\n"
    );
}

#[test]
fn interview_pages_carry_social_cards_with_their_title_and_summary() {
    let (_t, root) = fixture_site("serve-site");
    let (_tmp, site) = built(&root, "https://example.github.io/repo/");
    for (rel, title, summary, url) in [
        (
            "interviews/first/index.html",
            "Ada Potter on kilns",
            "Ada Potter talks about the kiln and patience.",
            "https://example.github.io/repo/interviews/first/",
        ),
        (
            "zh/interviews/first/index.html",
            "艾達談窯",
            "艾達談窯與耐心。",
            "https://example.github.io/repo/zh/interviews/first/",
        ),
    ] {
        let html = Html::parse_document(&std::fs::read_to_string(site.out.join(rel)).unwrap());
        let meta = |attr: &str, name: &str| {
            let sel = Selector::parse(&format!("meta[{attr}=\"{name}\"]")).unwrap();
            html.select(&sel)
                .next()
                .and_then(|e| e.value().attr("content"))
                .map(str::to_string)
                .unwrap_or_else(|| panic!("{rel} has no {name}"))
        };
        assert_eq!(meta("property", "og:title"), title, "{rel}");
        assert_eq!(meta("name", "twitter:title"), title, "{rel}");
        assert_eq!(meta("property", "og:description"), summary, "{rel}");
        assert_eq!(meta("name", "twitter:description"), summary, "{rel}");
        assert_eq!(meta("property", "og:url"), url, "{rel}");
        assert_eq!(meta("property", "og:type"), "article", "{rel}");
        let canonical = Selector::parse("link[rel=canonical]").unwrap();
        assert_eq!(
            html.select(&canonical).next().unwrap().value().attr("href"),
            Some(url),
            "{rel}"
        );
    }
}
