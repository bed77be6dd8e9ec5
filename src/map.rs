//! An interview → its topic map: an inline SVG strip with one segment per turn (width by length,
//! stripes by topic), each a link to its turn, and ticks where sections begin.

use std::fmt::Write;

use crate::markdown::block_text;
use crate::present::Ctx;
use crate::text::escape_html;
use crate::view::MapLegend;

const HEIGHT: f64 = 36.0;

/// A coordinate to a tenth, without a trailing `.0`: the map has hundreds of them on every
/// interview page, which has a weight budget, and an integer is quicker to write than a float.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        let (whole, tenth) = (t.abs() / 10, t.abs() % 10);
        match tenth {
            0 => write!(f, "{sign}{whole}"),
            _ => write!(f, "{sign}{whole}.{tenth}"),
        }
    }
}
const WIDTH: f64 = 1000.0;

pub fn svg(ctx: &Ctx, page: usize) -> (String, Vec<MapLegend>) {
    let p = &ctx.pages[page];
    let pl = &ctx.linked.pages[page];
    let turns = &p.doc.turns;
    if turns.is_empty() {
        return (String::new(), Vec::new());
    }
    // Topics in a stable order; each gets a class the stylesheet colours (t0…t7, cycling).
    let all: Vec<&String> = ctx.linked.topics.keys().collect();
    let class_of = |slug: &str| ctx.topic_class(slug);
    let lengths: Vec<usize> = turns
        .iter()
        .map(|t| {
            (t.first..=t.last)
                .map(|b| block_text(&p.doc.blocks[b].events).chars().count())
                .sum::<usize>()
                .max(1)
        })
        .collect();
    let total: usize = lengths.iter().sum();
    // Every turn stays visible: at least 0.6 units wide, the rest shared by length.
    let min_w = 0.6;
    let spare = (WIDTH - min_w * turns.len() as f64).max(0.0);
    let ui = |k: &str| ctx.ui(&p.lang, k);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"topic-map\" viewBox=\"0 0 {WIDTH} {}\" preserveAspectRatio=\"none\" role=\"group\" aria-label=\"{}\">",
        HEIGHT + 6.0,
        escape_html(&ui("map"))
    );
    let mut x = 0.0;
    let mut last_section = None;
    let mut used: Vec<String> = Vec::new();
    for (i, t) in turns.iter().enumerate() {
        let w = min_w + spare * lengths[i] as f64 / total as f64;
        if t.section != last_section && i > 0 {
            let _ = write!(
                out,
                "<rect class=\"map-section\" x=\"{}\" y=\"0\" width=\"1.2\" height=\"{}\"/>",
                Tenths(x - 0.6),
                HEIGHT + 6.0
            );
        }
        last_section = t.section;
        let topics = pl.turn_topics.get(i).cloned().unwrap_or_default();
        let speaker = p
            .interview
            .as_ref()
            .and_then(|iv| iv.speakers.iter().find(|s| s.id == t.speaker))
            .and_then(|s| s.names.get(&p.lang, &ctx.config.default_language))
            .unwrap_or(&t.speaker);
        let topic_titles: Vec<String> = ctx
            .topic_refs(&p.lang, &topics)
            .into_iter()
            .map(|r| r.title)
            .collect();
        // The <title> names the link (SVG-AAM); keep it short: 134 of them sit in every page.
        let label = if topic_titles.is_empty() {
            format!("{} {}, {speaker}", ui("turn"), t.n)
        } else {
            format!(
                "{} {}, {speaker}: {}",
                ui("turn"),
                t.n,
                topic_titles.join(", ")
            )
        };
        let _ = write!(
            out,
            "<a href=\"#{}\"><title>{}</title>",
            t.anchor(),
            escape_html(&label)
        );
        if topics.is_empty() {
            let _ = write!(
                out,
                "<rect class=\"map-none\" x=\"{}\" y=\"3\" width=\"{}\" height=\"{HEIGHT}\"/>",
                Tenths(x),
                Tenths(w)
            );
        } else {
            let h = HEIGHT / topics.len() as f64;
            for (k, slug) in topics.iter().enumerate() {
                if !used.contains(slug) {
                    used.push(slug.clone());
                }
                let _ = write!(
                    out,
                    "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    class_of(slug),
                    Tenths(x),
                    Tenths(3.0 + h * k as f64),
                    Tenths(w),
                    Tenths(h)
                );
            }
        }
        out.push_str("</a>");
        x += w;
    }
    out.push_str("</svg>");
    used.sort_by_key(|s| all.iter().position(|a| *a == s));
    let legend = ctx
        .topic_refs(&p.lang, &used)
        .into_iter()
        .map(|r| MapLegend {
            class: class_of(&r.slug),
            slug: r.slug,
            title: r.title,
            url: r.url,
        })
        .collect();
    (out, legend)
}

#[cfg(test)]
mod tests {
    use super::Tenths;

    #[test]
    fn coordinates_are_written_to_a_tenth_without_a_trailing_zero() {
        let shown: Vec<String> = [3.0, 18.0, 2.54, 13.25, 0.04, 999.96, -0.6]
            .iter()
            .map(|&v| Tenths(v).to_string())
            .collect();
        assert_eq!(shown, ["3", "18", "2.5", "13.3", "0", "1000", "-0.6"]);
    }
}
