//! A served HTML page + the server's state → the page as the browser gets it while previewing: the
//! live-reload script before `</body>`, and while the last rebuild failed, the error overlay. Only
//! `gloss serve` calls this; `gloss build` output never carries either.

use crate::error::{Diagnostic, render_one};
use crate::text::escape_html;

/// Where the page listens for the server's events. A dot-folder: gloss never outputs one, so the
/// path cannot hide a page of the site.
pub const EVENTS_PATH: &str = "/.gloss/events";

/// Listens for the server's events: `reload` reloads the page, `failed` shows the overlay it carries,
/// `hello` names the build the server has: a page built from an older one (an event missed while
/// disconnected, a restarted server) reloads.
const SCRIPT: &str = r#"<script data-gloss-reload>
(() => {
  const url = "__EVENTS__";
  let seen = "__HELLO__";
  function show(html) {
    const old = document.getElementById("gloss-overlay");
    if (old) old.remove();
    document.body.insertAdjacentHTML("beforeend", html);
    wire();
  }
  function wire() {
    const o = document.getElementById("gloss-overlay");
    if (!o || o.dataset.wired) return;
    o.dataset.wired = "1";
    const close = () => o.remove();
    o.querySelector("button").addEventListener("click", close);
    o.addEventListener("keydown", e => { if (e.key === "Escape") close(); });
    o.focus();
  }
  function connect() {
    const es = new EventSource(url);
    es.addEventListener("hello", e => {
      if (seen !== e.data) location.reload();
    });
    es.addEventListener("reload", () => location.reload());
    es.addEventListener("failed", e => show(JSON.parse(e.data)));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
  connect();
})();
</script>
"#;

/// The page with the reload script (and the overlay, when given) inserted before `</body>`.
pub fn page(html: &[u8], overlay: Option<&str>, hello: &str) -> Vec<u8> {
    let script = SCRIPT
        .replace("__EVENTS__", EVENTS_PATH)
        .replace("__HELLO__", &escape_html(hello));
    let at = body_end(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len() + overlay.map_or(0, str::len));
    out.extend_from_slice(&html[..at]);
    if let Some(o) = overlay {
        out.extend_from_slice(o.as_bytes());
    }
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The offset of the last `</body>` (any case), where scripts that need the whole page go.
fn body_end(html: &[u8]) -> Option<usize> {
    let needle = b"</body";
    (0..html.len().saturating_sub(needle.len() - 1))
        .rev()
        .find(|&i| html[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// A page for when no build has ever succeeded: nothing to show but the overlay.
pub fn no_build_page(overlay: Option<&str>, hello: &str) -> Vec<u8> {
    page(
        b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>gloss: the site could not be built</title></head><body><p>gloss could not build the site yet.</p></body></html>",
        overlay,
        hello,
    )
}

/// The overlay: a dialog (`role="alertdialog"`) listing every error as the terminal shows it,
/// file, line and column first. Inline styles only, so the site's CSS neither helps nor hurts.
pub fn overlay(errors: &[Diagnostic]) -> String {
    let count = errors.len();
    let mut items = String::new();
    for (i, d) in errors.iter().enumerate() {
        let place = d.location.as_ref().map(|l| {
            if l.line > 0 {
                format!("{}:{}:{}", l.file.display(), l.line, l.col)
            } else {
                l.file.display().to_string()
            }
        });
        items.push_str(&format!(
            "<li style=\"margin:0 0 1.25em;padding:0\"><p style=\"margin:0 0 .25em;font-weight:bold\">{}{}</p>\
             <pre style=\"margin:0;padding:.75em;background:#f6f6f6;color:#111;overflow:auto;white-space:pre;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace\">{}</pre></li>",
            place
                .map(|p| format!("<span style=\"color:#b00020\">{}</span> ", escape_html(&p)))
                .unwrap_or_default(),
            escape_html(&d.message),
            escape_html(render_one(d, i + 1).trim_end()),
        ));
    }
    let title = if count == 1 {
        "gloss could not rebuild the site: 1 error".to_string()
    } else {
        format!("gloss could not rebuild the site: {count} errors")
    };
    format!(
        "<div id=\"gloss-overlay\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"gloss-overlay-title\" \
         aria-describedby=\"gloss-overlay-help\" tabindex=\"-1\" lang=\"en\" dir=\"ltr\" \
         style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(0,0,0,.55);padding:4vh 3vw;margin:0;font:16px/1.5 system-ui,sans-serif;color:#111;text-align:left\">\
         <div style=\"max-width:60rem;margin:0 auto;background:#fff;border-top:6px solid #b00020;padding:1.25em 1.5em;box-shadow:0 4px 24px rgba(0,0,0,.4)\">\
         <h2 id=\"gloss-overlay-title\" style=\"margin:0 0 .5em;font-size:1.3em;color:#b00020\">{title}</h2>\
         <p id=\"gloss-overlay-help\" style=\"margin:0 0 1em\">This page shows the last build that worked. \
         Fix the file named below and save it: the page reloads by itself once the site builds again.</p>\
         <ol style=\"margin:0;padding:0 0 0 1.5em\">{items}</ol>\
         <button type=\"button\" style=\"font:inherit;padding:.4em 1em;border:2px solid #111;background:#fff;color:#111;cursor:pointer\">Hide (Esc)</button>\
         </div></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;

    #[test]
    fn script_goes_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>x</p><!-- </body> --></BODY></html>";
        let out = String::from_utf8(page(html, None, "1-0")).unwrap();
        let script = out.find("<script data-gloss-reload>").unwrap();
        assert!(script > out.find("<!-- </body> -->").unwrap(), "{out}");
        assert!(out.ends_with("</script>\n</BODY></html>"), "{out}");
        assert!(out.contains(EVENTS_PATH));
    }

    #[test]
    fn a_page_without_body_tag_gets_the_script_at_the_end() {
        let out = String::from_utf8(page(b"<p>fragment</p>", None, "1-0")).unwrap();
        assert!(out.starts_with("<p>fragment</p><script"), "{out}");
    }

    #[test]
    fn overlay_names_file_and_line_and_escapes_the_message() {
        let d = Diagnostic::error("bad <front> matter").at(Location {
            file: "content/a.md".into(),
            line: 3,
            col: 7,
            width: 1,
            text: Some("title: [<oops".into()),
        });
        let o = overlay(&[d]);
        assert!(o.contains("role=\"alertdialog\""), "{o}");
        assert!(o.contains("content/a.md:3:7"), "{o}");
        assert!(o.contains("bad &lt;front&gt; matter"), "{o}");
        assert!(o.contains("title: [&lt;oops"), "{o}");
        assert!(!o.contains("<front>") && !o.contains("<oops"), "{o}");
    }
}
