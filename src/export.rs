//! Interviews → their annotations as W3C Web Annotation JSON-LD (`annotations.jsonld` beside
//! each page), so other tools can read them.

use serde_json::{Value, json};

use crate::page::Target;
use crate::present::Ctx;

pub fn annotations_jsonld(ctx: &Ctx, page: usize) -> Option<(String, bytes::Bytes)> {
    let p = &ctx.pages[page];
    let iv = p.interview.as_ref()?;
    let page_url = ctx.config.absolute_url(&p.url);
    let lang_code = ctx
        .config
        .language(&p.lang)
        .map(|l| l.code.clone())
        .unwrap_or_else(|| p.lang.clone());
    let items: Vec<Value> = iv
        .annotations
        .iter()
        .enumerate()
        .filter(|(a, _)| ctx.linked.pages[page].anchors.get(*a).is_some_and(Option::is_some))
        .map(|(i, a)| {
            let selector = match &a.target {
                Target::Quote { exact, prefix, suffix } => {
                    let mut s = json!({ "type": "TextQuoteSelector", "exact": crate::text::squash_ws(exact) });
                    if let Some(pre) = prefix {
                        s["prefix"] = json!(pre);
                    }
                    if let Some(suf) = suffix {
                        s["suffix"] = json!(suf);
                    }
                    s
                }
                Target::Turn(n) => json!({
                    "type": "FragmentSelector",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                    "value": format!("t-{n}"),
                }),
            };
            let topics: Vec<Value> = a
                .topics
                .iter()
                .map(|t| json!(ctx.config.absolute_url(&ctx.config.url_path(&p.lang, &format!("topics/{t}/")))))
                .collect();
            let mut body = vec![json!({
                "type": "TextualBody",
                // The note's HTML as its page rendered it (kept for the build), not rendered again.
                "value": ctx.note_fragment(page, i),
                "format": "text/html",
                "language": lang_code,
                "purpose": "commenting",
            })];
            for t in topics {
                body.push(json!({ "type": "SpecificResource", "purpose": "tagging", "source": t }));
            }
            json!({
                "id": format!("{page_url}#a-{}", a.id),
                "type": "Annotation",
                "motivation": "commenting",
                "body": body,
                "target": { "source": page_url, "selector": selector },
            })
        })
        .collect();
    let doc = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("{page_url}annotations.jsonld"),
        "type": "AnnotationCollection",
        "label": p.title,
        "total": items.len(),
        "first": {
            "type": "AnnotationPage",
            "items": items,
        },
    });
    let path = p.out_path.replace("index.html", "annotations.jsonld");
    Some((path, serde_json::to_vec_pretty(&doc).ok()?.into()))
}
