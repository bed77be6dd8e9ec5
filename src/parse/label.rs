//! A paragraph's events → the speaker label it opens with (`**SA:**`, `SA:`, `Sam Altman：`), taken
//! off the events, and what is left of its text.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Labels;

/// What a paragraph starts with.
pub(super) enum Label {
    Speaker(String),
    Unknown(String),
    None,
}

const COLONS: [char; 2] = [':', '：'];

/// Recognises and removes a speaker label at the start of a paragraph's events.
pub(super) fn take_label(events: &mut Vec<Event<'_>>, labels: &Labels) -> Label {
    // `**SA:** text` or `**SA**: text`
    if let (
        Some(Event::Start(Tag::Strong)),
        Some(Event::Text(inner)),
        Some(Event::End(TagEnd::Strong)),
    ) = (events.get(1), events.get(2), events.get(3))
    {
        let inner = inner.to_string();
        let (name, colon_inside) = match inner.trim_end().strip_suffix(COLONS) {
            Some(n) => (n.trim().to_string(), true),
            None => (inner.trim().to_string(), false),
        };
        let after_colon = !colon_inside
            && matches!(events.get(4), Some(Event::Text(t)) if t.trim_start().starts_with(COLONS));
        if colon_inside || after_colon {
            let label = match labels.by_label.get(&name) {
                Some(id) => Label::Speaker(id.clone()),
                None if looks_like_label(&name) => Label::Unknown(name),
                None => return Label::None,
            };
            events.drain(1..4);
            if let Some(Event::Text(t)) = events.get_mut(1) {
                let mut rest = t.trim_start();
                if after_colon {
                    rest = rest.trim_start_matches(COLONS).trim_start();
                }
                *t = tail(t, t.len() - rest.len());
            }
            return label;
        }
        return Label::None;
    }
    // `SA: text` or `Sam Altman：text`
    if let Some(Event::Text(t)) = events.get(1) {
        let Some(pos) = t.find(COLONS) else {
            return Label::None;
        };
        let name = t[..pos].trim().to_string();
        if name.is_empty() || name.chars().count() > 40 {
            return Label::None;
        }
        let label = match labels.by_label.get(&name) {
            Some(id) => Label::Speaker(id.clone()),
            None if name.len() <= 4 && name.chars().all(|c| c.is_ascii_uppercase()) => {
                Label::Unknown(name)
            }
            None => return Label::None,
        };
        let colon_len = t[pos..].chars().next().map_or(1, char::len_utf8);
        let rest = t[pos + colon_len..].trim_start();
        events[1] = Event::Text(tail(t, t.len() - rest.len()));
        return label;
    }
    Label::None
}

/// `t` from byte `at` on, still a slice of the body when `t` is one (see events.rs).
fn tail<'a>(t: &CowStr<'a>, at: usize) -> CowStr<'a> {
    match t {
        CowStr::Borrowed(s) => CowStr::Borrowed(&s[at..]),
        other => CowStr::from(other[at..].to_string()),
    }
}

/// A bold `**Name:**` at the start of a paragraph is a label even when the name is unknown,
/// as long as it is short and has no sentence punctuation.
fn looks_like_label(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 40
        && !name.contains(['.', '?', '!', '。', '？', '！'])
}
