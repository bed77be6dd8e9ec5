//! Template filters gloss adds to Tera's: HTML in → HTML out, for what templates cannot do fast.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tera::{Kwargs, State, Tera, TeraResult, Value};

/// What `prefix_ids` rewrites, and where in each match the prefix goes: ids, in-page links, the
/// references' `aria-describedby` and the notes' `data-note`.
const TARGETS: [(&str, usize); 4] = [
    (" id=\"", 5),
    ("href=\"#", 7),
    ("aria-describedby=\"a-", 18),
    ("data-note=\"", 11),
];

pub fn register(tera: &mut Tera) {
    tera.register_filter("prefix_ids", prefix_ids_filter);
}

fn prefix_ids_filter(html: &str, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let prefix = kwargs.must_get::<&str>("prefix")?;
    Ok(Value::from(prefix_ids(html, prefix)))
}

/// `html` with `prefix` put before every id and in-page link target, so that a second copy of
/// the same HTML on one page (the parallel page's right column) repeats no id. One pass; it was
/// four `replace` filters, a thirteenth of a build.
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    static FIND: OnceLock<AhoCorasick> = OnceLock::new();
    let find = FIND.get_or_init(|| {
        AhoCorasick::new(TARGETS.iter().map(|(p, _)| p)).expect("four fixed patterns")
    });
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    for m in find.find_iter(html) {
        let at = m.start() + TARGETS[m.pattern().as_usize()].1;
        out.push_str(&html[done..at]);
        out.push_str(prefix);
        done = at;
    }
    out.push_str(&html[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_and_in_page_reference_gets_the_prefix() {
        let html = r##"<p id="p1">See <a href="#a-x" aria-describedby="a-x" data-note="a-x">it</a>, <a href="https://e.com/#top">out</a> and <span class="g" id="g-ai-1">AI</span>.</p>"##;
        assert_eq!(
            prefix_ids(html, "en-"),
            r##"<p id="en-p1">See <a href="#en-a-x" aria-describedby="en-a-x" data-note="en-a-x">it</a>, <a href="https://e.com/#top">out</a> and <span class="g" id="en-g-ai-1">AI</span>.</p>"##
        );
    }

    #[test]
    fn same_as_the_four_replaces_the_template_used_to_chain() {
        let html = r##"<sup id="ref-a-1"><a href="#a-1" aria-describedby="a-1">1</a></sup><aside id="a-1" data-note="a-1">x</aside><a href="#t-2">2</a>"##;
        let p = "zh-";
        let chained = html
            .replace(" id=\"", &format!(" id=\"{p}"))
            .replace("href=\"#", &format!("href=\"#{p}"))
            .replace(
                "aria-describedby=\"a-",
                &format!("aria-describedby=\"{p}a-"),
            )
            .replace("data-note=\"", &format!("data-note=\"{p}"));
        assert_eq!(prefix_ids(html, p), chained);
    }
}
