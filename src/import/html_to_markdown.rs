//! HTML bodies (WordPress's `content:encoded`, CMS exports) into clean Markdown.
//!
//! html5ever's tokenizer reads the HTML (entities, broken quoting, stray
//! tags as browsers do); a small tree is built from its tags and written out
//! as Markdown. What the build's sanitiser would remove anyway (scripts,
//! styles, frames, objects, forms) is dropped here, so no stray text of
//! theirs is left in the article.
//!
//! Why not a crate: htmd 0.5.6, tried on the same Arabic samples as the
//! tests below, writes `و*«هذا»*بعدها` and `**قال:**التقرير` (emphasis next
//! to Arabic quotes and colons, which Markdown's flanking rules then show
//! as literal asterisks), turns a `<figure>` into an image and a loose
//! caption paragraph, leaves the text of `<script>` and `<iframe>` in the
//! body, has no wpautop, and brings html5ever 0.38 beside the tree's 0.40.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// Stands for a hard line break inside a paragraph until the paragraph is
/// finished (a private-use character no real text carries).
const BREAK: char = '\u{E000}';

/// How one body is converted.
pub(crate) struct Options<'a> {
    /// WordPress's `wpautop`: a blank line in the text ends a paragraph and a
    /// single newline is a line break. WordPress stores posts without `<p>`
    /// tags and adds them when showing a post; without this, a whole post
    /// would become one paragraph.
    pub autop: bool,
    /// Rewrites an image (`true`) or link (`false`) address, e.g. an upload
    /// copied into the site.
    pub rewrite_url: &'a mut dyn FnMut(&str, bool) -> String,
}

/// Whether a body is HTML rather than plain text: it holds a paragraph,
/// break, heading, list, quote, table, image or `<a href`. Inline tags alone
/// (`<b>`) do not count: a plain-text export may quote them, and `a < b` or
/// `<<قال>>` are text.
pub(crate) fn looks_like_html(text: &str) -> bool {
    const TAGS: &[&str] = &[
        "p",
        "br",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "img",
        "figure",
        "iframe",
        "script",
    ];
    let lower = text.to_ascii_lowercase();
    lower.match_indices('<').any(|(i, _)| {
        let rest = &lower[i + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        rest.starts_with("a href")
            || TAGS.iter().any(|tag| {
                rest.starts_with(tag)
                    && rest[tag.len()..]
                        .bytes()
                        .next()
                        .is_some_and(|b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
            })
    })
}

/// Converts an HTML body to Markdown: paragraphs, headings, lists, links,
/// quotes, tables, code, and images (with a caption, as `<figure>`).
pub(crate) fn html_to_markdown(html: &str, options: &mut Options) -> String {
    let root = parse(html);
    let mut writer = Writer { options };
    let blocks = writer.blocks(&root, false);
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&block.text);
    }
    out
}

/// The text of an HTML fragment, tags removed and spaces collapsed: for
/// front matter values such as an excerpt or a caption.
pub(crate) fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse_spaces(html);
    }
    let root = parse(html);
    let mut text = String::new();
    plain_text(&root, &mut text);
    collapse_spaces(&text)
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// --- A small tree --------------------------------------------------------

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

const VOID: &[&str] = &[
    "br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "param", "track",
];

/// Elements whose content is never article text (the sanitiser removes them).
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "form", "head", "title", "button", "select",
    "textarea", "input", "svg", "template", "frame", "frameset", "applet", "audio", "video", "canvas", "map",
];

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "center",
    "address",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "pre",
    "figure",
    "hr",
    "dl",
    "dt",
    "dd",
    "figcaption",
    "body",
    "html",
];

/// Collects the tokenizer's tags and text.
#[derive(Default)]
struct Collector {
    tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        // Inside these the tokenizer must not look for tags, as a browser does not.
        let raw = match &token {
            Token::TagToken(Tag {
                kind: TagKind::StartTag,
                name,
                self_closing: false,
                ..
            }) => match &**name {
                "script" => Some(RawKind::ScriptData),
                "style" | "iframe" | "noscript" | "xmp" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                "textarea" | "title" => Some(RawKind::Rcdata),
                _ => None,
            },
            _ => None,
        };
        self.tokens.borrow_mut().push(token);
        match raw {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }
}

fn parse(html: &str) -> Element {
    let tokenizer = Tokenizer::new(Collector::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let tokens = tokenizer.sink.tokens.take();
    build_tree(tokens)
}

/// Builds the tree the way browsers close elements that are left open:
/// a new `<p>` or block closes an open `<p>`, a new `<li>` the last `<li>`,
/// a stray end tag is ignored.
fn build_tree(tokens: Vec<Token>) -> Element {
    let mut stack: Vec<Element> = vec![Element::default()];
    fn close_top(stack: &mut Vec<Element>) {
        if stack.len() > 1 {
            if let Some(done) = stack.pop() {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Element(done));
                }
            }
        }
    }
    fn close_to(stack: &mut Vec<Element>, index: usize) {
        while stack.len() > index {
            close_top(stack);
        }
    }
    fn open_index(stack: &[Element], name: &str, stop_at: &[&str]) -> Option<usize> {
        for (i, element) in stack.iter().enumerate().skip(1).rev() {
            if element.name == name {
                return Some(i);
            }
            if stop_at.contains(&element.name.as_str()) {
                return None;
            }
        }
        None
    }
    for token in tokens {
        match token {
            Token::CharacterTokens(text) => {
                if let Some(top) = stack.last_mut() {
                    match top.children.last_mut() {
                        Some(Node::Text(last)) => last.push_str(&text),
                        _ => top.children.push(Node::Text(text.to_string())),
                    }
                }
            }
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        if BLOCKS.contains(&name.as_str()) {
                            if let Some(i) = open_index(&stack, "p", &["blockquote", "li", "td", "th", "div"]) {
                                close_to(&mut stack, i);
                            }
                        }
                        match name.as_str() {
                            "li" => {
                                if let Some(i) = open_index(&stack, "li", &["ul", "ol"]) {
                                    close_to(&mut stack, i);
                                }
                            }
                            "td" | "th" => {
                                let cell = open_index(&stack, "td", &["tr", "table"])
                                    .or_else(|| open_index(&stack, "th", &["tr", "table"]));
                                if let Some(i) = cell {
                                    close_to(&mut stack, i);
                                }
                            }
                            "tr" => {
                                if let Some(i) = open_index(&stack, "tr", &["table"]) {
                                    close_to(&mut stack, i);
                                }
                            }
                            _ => {}
                        }
                        let element = Element {
                            name: name.clone(),
                            attrs: tag
                                .attrs
                                .iter()
                                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                                .collect(),
                            children: Vec::new(),
                        };
                        if VOID.contains(&name.as_str()) || tag.self_closing {
                            if let Some(top) = stack.last_mut() {
                                top.children.push(Node::Element(element));
                            }
                        } else {
                            stack.push(element);
                        }
                    }
                    TagKind::EndTag => {
                        if let Some(i) = open_index(&stack, &name, &[]) {
                            close_to(&mut stack, i);
                        }
                    }
                }
            }
            Token::NullCharacterToken
            | Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
    }
    close_to(&mut stack, 1);
    stack.pop().unwrap_or_default()
}

fn plain_text(element: &Element, out: &mut String) {
    for child in &element.children {
        match child {
            Node::Text(text) => out.push_str(text),
            Node::Element(e) if DROPPED.contains(&e.name.as_str()) => {}
            Node::Element(e) if e.name == "br" => out.push(' '),
            Node::Element(e) => {
                let block = BLOCKS.contains(&e.name.as_str());
                if block {
                    out.push(' ');
                }
                plain_text(e, out);
                if block {
                    out.push(' ');
                }
            }
        }
    }
}

// --- Writing Markdown ----------------------------------------------------

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    List,
    Other,
}

struct Block {
    text: String,
    kind: Kind,
}

struct Writer<'o, 'a> {
    options: &'o mut Options<'a>,
}

impl Writer<'_, '_> {
    /// The blocks of an element's children; inline runs become paragraphs.
    fn blocks(&mut self, element: &Element, in_pre: bool) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut paragraph = String::new();
        for child in &element.children {
            match child {
                Node::Text(text) if self.options.autop && !in_pre => {
                    // WordPress paragraphs: split on blank lines.
                    let mut parts = split_blank_lines(text).into_iter().peekable();
                    while let Some(part) = parts.next() {
                        push_text(&mut paragraph, part, true);
                        if parts.peek().is_some() {
                            self.finish_paragraph(&mut paragraph, &mut blocks);
                        }
                    }
                }
                Node::Text(text) => push_text(&mut paragraph, text, false),
                Node::Element(e) if DROPPED.contains(&e.name.as_str()) => {}
                Node::Element(e) if BLOCKS.contains(&e.name.as_str()) => {
                    self.finish_paragraph(&mut paragraph, &mut blocks);
                    self.block(e, &mut blocks);
                }
                Node::Element(e) => self.inline_element(e, &mut paragraph),
            }
        }
        self.finish_paragraph(&mut paragraph, &mut blocks);
        blocks
    }

    fn finish_paragraph(&mut self, paragraph: &mut String, blocks: &mut Vec<Block>) {
        let text = finish_inline(paragraph, "\\\n");
        paragraph.clear();
        if !text.is_empty() {
            blocks.push(Block {
                text: escape_line_starts(&text),
                kind: Kind::Other,
            });
        }
    }

    fn block(&mut self, e: &Element, blocks: &mut Vec<Block>) {
        match e.name.as_str() {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                // The article's title is the page's only h1.
                let level = e.name[1..].parse::<usize>().unwrap_or(2).max(2);
                let text = self.inline_only(e, " ");
                if !text.is_empty() {
                    blocks.push(Block {
                        text: format!("{} {}", "#".repeat(level), text),
                        kind: Kind::Other,
                    });
                }
            }
            "ul" | "ol" => {
                if let Some(list) = self.list(e) {
                    blocks.push(list);
                }
            }
            "blockquote" => {
                let inner = join_blocks(&self.blocks(e, false));
                if !inner.is_empty() {
                    blocks.push(Block {
                        text: prefix_lines(&inner, "> ", ">"),
                        kind: Kind::Other,
                    });
                }
            }
            "pre" => {
                let mut code = String::new();
                code_text(e, &mut code);
                let code = code.trim_matches('\n');
                if !code.trim().is_empty() {
                    let fence = if code.contains("```") { "~~~~" } else { "```" };
                    blocks.push(Block {
                        text: format!("{fence}\n{code}\n{fence}"),
                        kind: Kind::Other,
                    });
                }
            }
            "table" => {
                if let Some(table) = self.table(e) {
                    blocks.push(table);
                }
            }
            "figure" => match find(e, "img") {
                Some(img) => {
                    let caption = find(e, "figcaption")
                        .map(|c| self.inline_only(c, " "))
                        .unwrap_or_default();
                    blocks.push(self.figure(img, &caption));
                }
                None => blocks.extend(self.blocks(e, false)),
            },
            "hr" => blocks.push(Block {
                text: "---".into(),
                kind: Kind::Other,
            }),
            _ => blocks.extend(self.blocks(e, false)),
        }
    }

    /// A figure as raw HTML, which the build's sanitiser keeps: Markdown has no
    /// captioned image.
    fn figure(&mut self, img: &Element, caption: &str) -> Block {
        let src = (self.options.rewrite_url)(img.attr("src").unwrap_or_default(), true);
        let alt = img.attr("alt").unwrap_or_default();
        let mut text = format!(
            "<figure>\n<img src=\"{}\" alt=\"{}\">",
            escape_html(&src),
            escape_html(alt.trim())
        );
        // The caption was written as Markdown inline text; in an HTML block it
        // is shown as is, so it is made again from plain text.
        let caption = unescape_markdown(caption);
        if !caption.trim().is_empty() {
            text.push_str(&format!("\n<figcaption>{}</figcaption>", escape_html(caption.trim())));
        }
        text.push_str("\n</figure>");
        Block {
            text,
            kind: Kind::Other,
        }
    }

    fn list(&mut self, e: &Element) -> Option<Block> {
        let ordered = e.name == "ol";
        let mut number: u64 = e.attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
        let mut items = Vec::new();
        for child in &e.children {
            let item_blocks = match child {
                Node::Element(li) if li.name == "li" => self.blocks(li, false),
                Node::Element(other) if DROPPED.contains(&other.name.as_str()) => continue,
                Node::Element(other) => {
                    let mut inline = String::new();
                    self.inline_element(other, &mut inline);
                    let text = finish_inline(&inline, " ");
                    if text.is_empty() {
                        continue;
                    }
                    vec![Block {
                        text,
                        kind: Kind::Other,
                    }]
                }
                Node::Text(text) if text.trim().is_empty() => continue,
                Node::Text(text) => vec![Block {
                    text: escape_text(text.trim()),
                    kind: Kind::Other,
                }],
            };
            let marker = if ordered {
                format!("{number}. ")
            } else {
                "- ".to_string()
            };
            number += 1;
            let mut body = String::new();
            for (i, block) in item_blocks.iter().enumerate() {
                if i > 0 {
                    body.push_str(if block.kind == Kind::List { "\n" } else { "\n\n" });
                }
                body.push_str(&block.text);
            }
            let indent = " ".repeat(marker.len());
            let lines = prefix_lines(&body, &indent, "");
            let item = format!("{marker}{}", lines.get(indent.len()..).unwrap_or_default());
            items.push(item.trim_end().to_string());
        }
        if items.is_empty() {
            return None;
        }
        Some(Block {
            text: items.join("\n"),
            kind: Kind::List,
        })
    }

    fn table(&mut self, e: &Element) -> Option<Block> {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut trs = Vec::new();
        collect(e, "tr", &mut trs);
        for tr in trs {
            let mut cells = Vec::new();
            for child in &tr.children {
                if let Node::Element(cell) = child {
                    if cell.name == "td" || cell.name == "th" {
                        cells.push(self.inline_only(cell, "<br>").replace('|', "\\|"));
                    }
                }
            }
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
        let columns = rows.iter().map(Vec::len).max()?;
        let mut text = String::new();
        for (i, row) in rows.iter().enumerate() {
            let mut cells = row.clone();
            cells.resize(columns, String::new());
            text.push_str(&format!("| {} |\n", cells.join(" | ")));
            if i == 0 {
                text.push_str(&format!("|{}\n", " --- |".repeat(columns)));
            }
        }
        Some(Block {
            text: text.trim_end().to_string(),
            kind: Kind::Other,
        })
    }

    /// An element's content as one line of inline Markdown.
    fn inline_only(&mut self, e: &Element, line_break: &str) -> String {
        let mut buffer = String::new();
        for child in &e.children {
            match child {
                Node::Text(text) => push_text(&mut buffer, text, false),
                Node::Element(c) => self.inline_element(c, &mut buffer),
            }
        }
        finish_inline(&buffer, line_break)
    }

    fn inline_children(&mut self, e: &Element, out: &mut String) {
        for child in &e.children {
            match child {
                Node::Text(text) => push_text(out, text, self.options.autop),
                Node::Element(c) => self.inline_element(c, out),
            }
        }
    }

    fn inline_element(&mut self, e: &Element, out: &mut String) {
        match e.name.as_str() {
            name if DROPPED.contains(&name) => {}
            "br" => out.push(BREAK),
            "strong" | "b" => self.wrap(e, out, "**", "strong"),
            "em" | "i" => self.wrap(e, out, "*", "em"),
            "del" | "s" | "strike" => self.wrap(e, out, "~~", "del"),
            "sup" | "sub" => {
                let mut inner = String::new();
                self.inline_children(e, &mut inner);
                out.push_str(&format!("<{0}>{1}</{0}>", e.name, inner.trim()));
            }
            "code" => {
                let mut code = String::new();
                code_text(e, &mut code);
                let code = collapse_spaces(&code);
                if !code.is_empty() {
                    let ticks = if code.contains('`') { "``" } else { "`" };
                    out.push_str(&format!("{ticks}{code}{ticks}"));
                }
            }
            "img" => {
                let src = (self.options.rewrite_url)(e.attr("src").unwrap_or_default(), true);
                if !src.trim().is_empty() {
                    let alt = escape_text(&collapse_spaces(e.attr("alt").unwrap_or_default()));
                    out.push_str(&format!("![{alt}]({})", destination(&src)));
                }
            }
            "a" => {
                let mut inner = String::new();
                self.inline_children(e, &mut inner);
                let href = e.attr("href").map(str::trim).unwrap_or_default();
                let safe = !href.is_empty() && safe_href(href) && !finish_inline(&inner, " ").is_empty();
                if safe {
                    let href = (self.options.rewrite_url)(href, false);
                    let (lead, core, trail) = split_spaces(&inner);
                    out.push_str(&format!("{lead}[{core}]({}){trail}", destination(&href)));
                } else {
                    out.push_str(&inner);
                }
            }
            _ => self.inline_children(e, out),
        }
    }

    /// Emphasis, with the spaces an editor left inside the tag moved outside
    /// (`**قال **` is not bold in Markdown). Text that starts or ends with
    /// punctuation keeps the HTML tag: Markdown's flanking rules would leave
    /// `**«قال»**بعدها` unformatted.
    fn wrap(&mut self, e: &Element, out: &mut String, marker: &str, tag: &str) {
        let mut inner = String::new();
        self.inline_children(e, &mut inner);
        let (lead, core, trail) = split_spaces(&inner);
        if core.is_empty() {
            out.push_str(&inner);
            return;
        }
        let punctuated = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric());
        out.push_str(lead);
        if punctuated(core.chars().next()) || punctuated(core.chars().last()) || core.contains(BREAK) {
            out.push_str(&format!("<{tag}>{core}</{tag}>"));
        } else {
            out.push_str(&format!("{marker}{core}{marker}"));
        }
        out.push_str(trail);
    }
}

fn split_spaces(text: &str) -> (&str, &str, &str) {
    let is_space = |c: char| c.is_whitespace() || c == BREAK;
    let core = text.trim_matches(is_space);
    let start = text.len() - text.trim_start_matches(is_space).len();
    (&text[..start], core, &text[start + core.len()..])
}

fn find<'e>(e: &'e Element, name: &str) -> Option<&'e Element> {
    for child in &e.children {
        if let Node::Element(c) = child {
            if c.name == name {
                return Some(c);
            }
            if let Some(found) = find(c, name) {
                return Some(found);
            }
        }
    }
    None
}

fn collect<'e>(e: &'e Element, name: &str, out: &mut Vec<&'e Element>) {
    for child in &e.children {
        if let Node::Element(c) = child {
            if c.name == name {
                out.push(c);
            } else if c.name != "table" {
                collect(c, name, out);
            }
        }
    }
}

fn code_text(e: &Element, out: &mut String) {
    for child in &e.children {
        match child {
            Node::Text(text) => out.push_str(text),
            Node::Element(c) if c.name == "br" => out.push('\n'),
            Node::Element(c) => code_text(c, out),
        }
    }
}

/// Splits text at blank lines (a line holding only spaces counts as blank).
fn split_blank_lines(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut newline_at: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            if let Some(first) = newline_at {
                if text[first..i].trim().is_empty() {
                    parts.push(&text[start..first]);
                    start = i + 1;
                    newline_at = None;
                    continue;
                }
            }
            newline_at = Some(i);
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Adds text to an inline buffer, escaped; with `autop` a single newline is a line break.
fn push_text(buffer: &mut String, text: &str, autop: bool) {
    let text = text.replace("\r\n", "\n");
    if autop {
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            buffer.push_str(&escape_text(line));
            if lines.peek().is_some() {
                // A newline at the very start or end of a text between tags is layout, not a break.
                if buffer.trim_matches(|c: char| c.is_whitespace()).is_empty() {
                    buffer.push(' ');
                } else {
                    buffer.push(BREAK);
                }
            }
        }
    } else {
        buffer.push_str(&escape_text(&text));
    }
}

/// Collapses spaces, drops breaks at the ends, and writes the remaining
/// breaks as `line_break`.
fn finish_inline(buffer: &str, line_break: &str) -> String {
    let mut out = String::with_capacity(buffer.len());
    let mut pending_space = false;
    let mut pending_break = false;
    for c in buffer.chars() {
        if c == BREAK {
            pending_break = true;
        } else if c.is_whitespace() {
            pending_space = true;
        } else {
            if !out.is_empty() {
                if pending_break {
                    out.push_str(line_break);
                } else if pending_space {
                    out.push(' ');
                }
            }
            pending_space = false;
            pending_break = false;
            out.push(c);
        }
    }
    out
}

/// Escapes Markdown's inline specials in text.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        let special = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' => true,
            // Only an `&` that would read as an entity changes meaning.
            '&' => {
                let rest = &text[i + 1..];
                let name_len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
                    .count();
                name_len > 0 && rest.as_bytes().get(name_len) == Some(&b';')
            }
            _ => false,
        };
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Undoes [`escape_text`] for text that goes into raw HTML.
fn unescape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Escapes what would start a heading, list, quote or rule at a line's start.
fn escape_line_starts(text: &str) -> String {
    text.split('\n').map(escape_line_start).collect::<Vec<_>>().join("\n")
}

fn escape_line_start(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 2);
    if line.starts_with(['#', '-', '+', '=', '>', '|']) {
        out.push('\\');
    }
    out.push_str(line);
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.') | Some(b')')) {
        out.insert(digits, '\\');
    }
    out
}

fn join_blocks(blocks: &[Block]) -> String {
    blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n\n")
}

fn prefix_lines(text: &str, prefix: &str, empty_prefix: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                empty_prefix.to_string()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A link or image destination: in `<…>` when it holds spaces or brackets.
fn destination(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

fn safe_href(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// Escapes text for an HTML attribute or element (the theme's escaping).
pub(crate) use crate::render::html::escape as escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str, autop: bool) -> String {
        let mut keep = |url: &str, _: bool| url.to_string();
        html_to_markdown(
            html,
            &mut Options {
                autop,
                rewrite_url: &mut keep,
            },
        )
    }

    #[test]
    fn wordpress_blank_line_paragraphs_and_line_breaks() {
        assert_eq!(
            md("قال الوزير.\n\nوأضاف أن\nالمفاوضات مستمرة.", true),
            "قال الوزير.\n\nوأضاف أن\\\nالمفاوضات مستمرة."
        );
        assert_eq!(md("<p>أ</p>\n\n<p>ب</p>", true), "أ\n\nب");
    }

    #[test]
    fn headings_lists_quotes_links_and_emphasis() {
        let html = "<h1>عنوان</h1><h3>فرعي</h3><ul><li>أول</li><li>ثان<ol><li>داخلي</li></ol></li></ul>\
                    <blockquote><p>قول مأثور</p></blockquote>\
                    <p>زوروا <a href=\"https://example.com/a b\">الموقع </a>و<strong>اقرؤوا </strong>المزيد و<em>«هذا»</em>.</p>";
        assert_eq!(
            md(html, false),
            "## عنوان\n\n### فرعي\n\n- أول\n- ثان\n  1. داخلي\n\n> قول مأثور\n\n\
             زوروا [الموقع](<https://example.com/a b>) و**اقرؤوا** المزيد و<em>«هذا»</em>."
        );
    }

    #[test]
    fn tables_figures_and_dropped_elements() {
        let html = "<table><tr><th>البلد</th><th>العدد</th></tr><tr><td>مصر</td><td>3|4</td></tr></table>\
                    <figure><img src=\"/a.jpg\" alt=\"صورة\"><figcaption>الوزير &amp; الوفد</figcaption></figure>\
                    <script>alert('x')</script><style>p{}</style><iframe src=\"https://v.example\">نص</iframe>\
                    <p onclick=\"x()\">ختام</p>";
        assert_eq!(
            md(html, false),
            "| البلد | العدد |\n| --- | --- |\n| مصر | 3\\|4 |\n\n\
             <figure>\n<img src=\"/a.jpg\" alt=\"صورة\">\n<figcaption>الوزير &amp; الوفد</figcaption>\n</figure>\n\nختام"
        );
    }

    #[test]
    fn text_that_looks_like_markdown_stays_text() {
        assert_eq!(
            md("<p># ليس عنواناً</p><p>1. ليس قائمة *ولا* [رابط]</p>", false),
            "\\# ليس عنواناً\n\n1\\. ليس قائمة \\*ولا\\* \\[رابط\\]"
        );
    }

    #[test]
    fn html_is_told_from_plain_text() {
        assert!(looks_like_html("<p>فقرة</p>"));
        assert!(looks_like_html("سطر<br/>سطر"));
        assert!(!looks_like_html("إذا كان a < b و <<قال>> فإن"));
        assert!(!looks_like_html("نص عادي"));
        assert!(!looks_like_html("<b>ليس وسماً</b>"));
        assert!(looks_like_html("انظر <a href=\"/x\">هنا</a>"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(300))]
        /// Whatever an export holds, conversion ends without a panic, and
        /// the shortcode pass before it too.
        #[test]
        fn any_input_converts(html in "[<>/\\[\\]a-z =\"'&;#\n\u{627}-\u{64a}]{0,200}") {
            let expanded = crate::import::shortcodes::expand(&html, &|_| Vec::new());
            md(&expanded.html, true);
            md(&html, false);
            html_to_text(&html);
        }
    }

    #[test]
    fn text_of_an_excerpt() {
        assert_eq!(
            html_to_text("<p>مقدمة <b>قصيرة</b></p>\n<p>ثانية &amp; أخيرة</p>"),
            "مقدمة قصيرة ثانية & أخيرة"
        );
    }
}
