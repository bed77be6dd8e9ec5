//! A block's pulldown-cmark events, as the parser made them → kept compact for the rest of the
//! build, and read back as borrowed events each time the block is rendered or its text is needed.
//!
//! Parsed bodies were the largest part of a build's memory: an `Event` is 80 bytes or more
//! whatever it holds, and each text event owned its own string. Here a text or code event is two
//! numbers: a range of the page's source, which the parser's text mostly is a slice of, or else of
//! a string the block keeps for the rest (unescaped, merged or edited text). The few large events
//! (links, images, headings, code blocks) are boxed, so an event takes 16 bytes.

use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// A block's events in the order the parser gave them.
#[derive(Debug, Clone, Default)]
pub struct Events {
    items: Box<[Item]>,
    /// The page's source, shared by all its blocks.
    source: Arc<str>,
    /// Texts that are not a slice of `source`.
    own: Box<str>,
}

#[derive(Debug, Clone)]
enum Item {
    /// Start and end of a range of `own`.
    Text(u32, u32),
    Code(u32, u32),
    /// Start and end of a range of `source`.
    SourceText(u32, u32),
    SourceCode(u32, u32),
    SoftBreak,
    HardBreak,
    Start(Plain),
    End(TagEnd),
    Other(Box<Event<'static>>),
}

/// Tags that carry nothing but what they are.
#[derive(Debug, Clone, Copy)]
enum Plain {
    Paragraph,
    Emphasis,
    Strong,
    Strikethrough,
    Item,
    TableHead,
    TableRow,
    TableCell,
}

impl Plain {
    fn of(tag: &Tag) -> Option<Plain> {
        Some(match tag {
            Tag::Paragraph => Plain::Paragraph,
            Tag::Emphasis => Plain::Emphasis,
            Tag::Strong => Plain::Strong,
            Tag::Strikethrough => Plain::Strikethrough,
            Tag::Item => Plain::Item,
            Tag::TableHead => Plain::TableHead,
            Tag::TableRow => Plain::TableRow,
            Tag::TableCell => Plain::TableCell,
            _ => return None,
        })
    }

    fn tag(self) -> Tag<'static> {
        match self {
            Plain::Paragraph => Tag::Paragraph,
            Plain::Emphasis => Tag::Emphasis,
            Plain::Strong => Tag::Strong,
            Plain::Strikethrough => Tag::Strikethrough,
            Plain::Item => Tag::Item,
            Plain::TableHead => Tag::TableHead,
            Plain::TableRow => Tag::TableRow,
            Plain::TableCell => Tag::TableCell,
        }
    }
}

impl Events {
    /// Takes `events` (leaving the vector empty, its room kept for the next block); borrowed
    /// texts are kept as slices of `source` where they can be.
    pub fn new(events: &mut Vec<Event<'_>>, source: &Arc<str>) -> Events {
        let within = |t: &str| {
            let start = (t.as_ptr() as usize).checked_sub(source.as_ptr() as usize)?;
            let end = start + t.len();
            if end > source.len() {
                return None;
            }
            Some((u32::try_from(start).ok()?, u32::try_from(end).ok()?))
        };
        let slice = |t: &CowStr| match t {
            CowStr::Borrowed(b) => within(b),
            _ => None,
        };
        let own_len = events
            .iter()
            .map(|e| match e {
                Event::Text(t) | Event::Code(t) if slice(t).is_none() => t.len(),
                _ => 0,
            })
            .sum();
        let mut own = String::with_capacity(own_len);
        let mut span = |t: &str| {
            let start = own.len() as u32;
            own.push_str(t);
            (start, own.len() as u32)
        };
        let mut items = Vec::with_capacity(events.len());
        items.extend(events.drain(..).map(|e| match e {
            Event::Text(t) => match slice(&t) {
                Some((a, b)) => Item::SourceText(a, b),
                None => {
                    let (a, b) = span(&t);
                    Item::Text(a, b)
                }
            },
            Event::Code(t) => match slice(&t) {
                Some((a, b)) => Item::SourceCode(a, b),
                None => {
                    let (a, b) = span(&t);
                    Item::Code(a, b)
                }
            },
            Event::SoftBreak => Item::SoftBreak,
            Event::HardBreak => Item::HardBreak,
            Event::End(end) => Item::End(end),
            Event::Start(tag) => match Plain::of(&tag) {
                Some(p) => Item::Start(p),
                None => Item::Other(Box::new(Event::Start(tag).into_static())),
            },
            other => Item::Other(Box::new(other.into_static())),
        }));
        Events {
            items: items.into_boxed_slice(),
            source: Arc::clone(source),
            own: own.into_boxed_str(),
        }
    }

    /// Bytes of text this block holds apart from the page's source.
    #[cfg(test)]
    pub(crate) fn copied_len(&self) -> usize {
        self.own.len()
    }

    /// The length of all the block's text and code, plus one per line break: the most its plain
    /// text can take.
    pub fn text_len(&self) -> usize {
        self.items
            .iter()
            .map(|i| match i {
                Item::Text(a, b)
                | Item::Code(a, b)
                | Item::SourceText(a, b)
                | Item::SourceCode(a, b) => (b - a) as usize,
                Item::SoftBreak | Item::HardBreak => 1,
                _ => 0,
            })
            .sum()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The events, borrowing their text from the block.
    pub fn iter(&self) -> impl Iterator<Item = Event<'_>> + Clone + '_ {
        self.items.iter().map(|i| self.event(i))
    }

    /// The events in a vector.
    pub fn to_vec(&self) -> Vec<Event<'_>> {
        self.iter().collect()
    }

    /// The events as readers of a block's text see them, without building each `Event`.
    pub fn pieces(&self) -> impl Iterator<Item = Piece<'_>> + '_ {
        let own = |a: &u32, b: &u32| &self.own[*a as usize..*b as usize];
        let source = |a: &u32, b: &u32| &self.source[*a as usize..*b as usize];
        self.items.iter().map(move |i| match i {
            Item::Text(a, b) => Piece::Text(own(a, b)),
            Item::Code(a, b) => Piece::Code(own(a, b)),
            Item::SourceText(a, b) => Piece::Text(source(a, b)),
            Item::SourceCode(a, b) => Piece::Code(source(a, b)),
            Item::SoftBreak | Item::HardBreak => Piece::Break,
            Item::Start(_) => Piece::PlainStart,
            Item::End(end) => Piece::End(*end),
            Item::Other(e) => match &**e {
                Event::Start(tag) => Piece::Start(tag),
                _ => Piece::Other,
            },
        })
    }

    fn event<'a>(&'a self, item: &'a Item) -> Event<'a> {
        let own = |a: u32, b: u32| CowStr::Borrowed(&self.own[a as usize..b as usize]);
        let source = |a: u32, b: u32| CowStr::Borrowed(&self.source[a as usize..b as usize]);
        match item {
            Item::Text(a, b) => Event::Text(own(*a, *b)),
            Item::Code(a, b) => Event::Code(own(*a, *b)),
            Item::SourceText(a, b) => Event::Text(source(*a, *b)),
            Item::SourceCode(a, b) => Event::Code(source(*a, *b)),
            Item::SoftBreak => Event::SoftBreak,
            Item::HardBreak => Event::HardBreak,
            Item::Start(p) => Event::Start(p.tag()),
            Item::End(end) => Event::End(*end),
            Item::Other(e) => borrowed(e),
        }
    }
}

/// An event as [`Events::pieces`] gives it.
pub enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
    /// A soft or hard line break.
    Break,
    /// The start of a paragraph, an emphasis, a list item or a table's part.
    PlainStart,
    /// The start of any other tag: a link, an image, a heading, a code block, a list…
    Start(&'a Tag<'static>),
    End(TagEnd),
    /// Anything else: a footnote reference, a rule, HTML, a task list marker…
    Other,
}

/// A boxed event, its strings borrowed where that saves copying them (links and images are in
/// every other paragraph); the rest are rare enough to clone.
fn borrowed<'a>(e: &'a Event<'static>) -> Event<'a> {
    let b = |s: &'a CowStr<'static>| CowStr::Borrowed(s.as_ref());
    match e {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type: *link_type,
            dest_url: b(dest_url),
            title: b(title),
            id: b(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type: *link_type,
            dest_url: b(dest_url),
            title: b(title),
            id: b(id),
        }),
        Event::FootnoteReference(l) => Event::FootnoteReference(b(l)),
        Event::InlineHtml(h) => Event::InlineHtml(b(h)),
        Event::Html(h) => Event::Html(b(h)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn events_read_back_as_the_parser_gave_them() {
        let md = "# Title {#t}\n\nSome *emphasis*, **strong** and `code`,\na [link](https://example.com \"t\") and ![img](a.png).\n\n- one\n- two[^n]\n\n| a | b |\n|---|---|\n| ~~c~~ | d |\n\n```rust\nfn main() {}\n```\n\n[^n]: A note.\n\n<br>\n";
        let mut opts = Options::empty();
        opts.insert(Options::ENABLE_TABLES);
        opts.insert(Options::ENABLE_FOOTNOTES);
        opts.insert(Options::ENABLE_STRIKETHROUGH);
        opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
        let source: Arc<str> = Arc::from(md);
        let parsed: Vec<Event> = Parser::new_ext(&source, opts).collect();
        assert!(parsed.len() > 40);
        let kept = Events::new(&mut parsed.clone(), &source);
        assert_eq!(kept.to_vec(), parsed);
        assert_eq!(kept.len(), parsed.len());
        let pieces: Vec<String> = kept
            .pieces()
            .map(|p| match p {
                Piece::Text(t) | Piece::Code(t) => t.to_string(),
                Piece::Start(Tag::Link { dest_url, .. }) => format!("<{dest_url}>"),
                _ => String::new(),
            })
            .collect();
        let events: Vec<String> = parsed
            .iter()
            .map(|e| match e {
                Event::Text(t) | Event::Code(t) => t.to_string(),
                Event::Start(Tag::Link { dest_url, .. }) => format!("<{dest_url}>"),
                _ => String::new(),
            })
            .collect();
        assert_eq!(pieces, events);
    }

    #[test]
    fn an_event_takes_sixteen_bytes() {
        assert!(std::mem::size_of::<Item>() <= 16);
    }
}
