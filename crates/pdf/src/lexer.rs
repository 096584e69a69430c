//! A fast, forgiving tokenizer for content streams: operands borrowed from the stream where
//! possible, one operator at a time, inline images (`BI … ID … EI`) returned as one `BI`
//! operator with their dictionary. Garbage is skipped, never fatal.

use std::borrow::Cow;

/// Nesting limit for arrays and dictionaries inside a content stream.
const MAX_NESTING: usize = 32;

/// One operand of a content-stream operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand<'a> {
    Num(f64),
    Bool(bool),
    Null,
    Name(Cow<'a, [u8]>),
    Str(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    Dict(Vec<(Cow<'a, [u8]>, Operand<'a>)>),
}

impl<'a> Operand<'a> {
    pub fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn string(&self) -> Option<&[u8]> {
        match self {
            Operand::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The value of `key` when this is a dictionary.
    pub fn get(&self, key: &[u8]) -> Option<&Operand<'a>> {
        match self {
            Operand::Dict(entries) => entries
                .iter()
                .find(|(k, _)| k.as_ref() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The position in a content stream.
pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    /// Operands kept before an operator at most (garbage streams stay bounded).
    max_operands: usize,
}

#[inline]
fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0 | 0x0c)
}

#[inline]
fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[inline]
fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses a PDF number leniently (`-.5`, `+3`, `4.`); `None` when it is not one.
pub fn parse_number(tok: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut neg = false;
    while let Some(&c) = tok.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut int: f64 = 0.0;
    let mut any = false;
    while let Some(&c) = tok.get(i) {
        if c.is_ascii_digit() {
            int = int * 10.0 + f64::from(c - b'0');
            any = true;
            i += 1;
        } else {
            break;
        }
    }
    if tok.get(i) == Some(&b'.') {
        i += 1;
        let mut scale = 0.1;
        while let Some(&c) = tok.get(i) {
            if c.is_ascii_digit() {
                int += f64::from(c - b'0') * scale;
                scale *= 0.1;
                any = true;
                i += 1;
            } else {
                break;
            }
        }
    }
    if !any || i != tok.len() {
        return None;
    }
    Some(if neg { -int } else { int })
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Lexer<'a> {
        Lexer {
            data,
            pos: 0,
            max_operands: 4096,
        }
    }

    /// A lexer keeping up to `max_operands` operands per operator (CMaps have long sections).
    pub fn with_limit(data: &'a [u8], max_operands: usize) -> Lexer<'a> {
        Lexer {
            data,
            pos: 0,
            max_operands,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_white(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_regular(b) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.data.get(start..self.pos).unwrap_or(&[])
    }

    /// Reads operands into `ops` (cleared first) up to the next operator and returns it;
    /// `None` at the end of the stream. `BI` comes back with the inline image dictionary as
    /// its only operand and the image data skipped.
    pub fn next_op(&mut self, ops: &mut Vec<Operand<'a>>) -> Option<&'a [u8]> {
        ops.clear();
        loop {
            self.skip_white();
            let b = self.peek()?;
            if is_regular(b) {
                let tok = self.regular_run();
                if let Some(n) = parse_number(tok) {
                    ops.push(Operand::Num(n));
                    continue;
                }
                match tok {
                    b"true" => ops.push(Operand::Bool(true)),
                    b"false" => ops.push(Operand::Bool(false)),
                    b"null" => ops.push(Operand::Null),
                    b"BI" => {
                        ops.clear();
                        let dict = self.inline_image();
                        ops.push(dict);
                        return Some(b"BI");
                    }
                    _ => return Some(tok),
                }
            } else if let Some(op) = self.operand(0) {
                ops.push(op);
            }
            // Keep memory bounded on garbage streams full of operands.
            if ops.len() > self.max_operands {
                ops.clear();
            }
        }
    }

    /// One non-keyword operand starting at a delimiter; `None` (having consumed at least one
    /// byte) for stray delimiters.
    fn operand(&mut self, depth: usize) -> Option<Operand<'a>> {
        let b = self.peek()?;
        match b {
            b'/' => {
                self.pos += 1;
                Some(Operand::Name(self.name_body()))
            }
            b'(' => {
                self.pos += 1;
                Some(Operand::Str(self.literal_string()))
            }
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Some(self.dict(depth + 1))
                } else {
                    self.pos += 1;
                    Some(Operand::Str(Cow::Owned(self.hex_string())))
                }
            }
            b'[' => {
                self.pos += 1;
                Some(self.array(depth + 1))
            }
            _ => {
                // ')', '>', ']', '{', '}' out of place: skip.
                self.pos += 1;
                None
            }
        }
    }

    fn name_body(&mut self) -> Cow<'a, [u8]> {
        let raw = self.regular_run();
        if !raw.contains(&b'#') {
            return Cow::Borrowed(raw);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&c) = raw.get(i) {
            if c == b'#' {
                if let (Some(h), Some(l)) = (
                    raw.get(i + 1).copied().and_then(hex_val),
                    raw.get(i + 2).copied().and_then(hex_val),
                ) {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
            }
            out.push(c);
            i += 1;
        }
        Cow::Owned(out)
    }

    fn literal_string(&mut self) -> Cow<'a, [u8]> {
        let start = self.pos;
        let mut depth = 1usize;
        let mut escaped = false;
        // Fast path: find the end; borrow if there is no backslash.
        let mut i = self.pos;
        while let Some(&c) = self.data.get(i) {
            match c {
                b'\\' => {
                    escaped = true;
                    i += 2;
                    continue;
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let end = i.min(self.data.len());
        self.pos = (end + 1).min(self.data.len());
        let raw = self.data.get(start..end).unwrap_or(&[]);
        if !escaped {
            return Cow::Borrowed(raw);
        }
        Cow::Owned(unescape_literal(raw))
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) => out.push(h * 16 + v),
                    None => hi = Some(v),
                }
            }
        }
        if let Some(h) = hi {
            out.push(h * 16);
        }
        out
    }

    fn array(&mut self, depth: usize) -> Operand<'a> {
        let mut items = Vec::new();
        loop {
            self.skip_white();
            let Some(b) = self.peek() else { break };
            if b == b']' {
                self.pos += 1;
                break;
            }
            if depth > MAX_NESTING {
                self.pos += 1;
                continue;
            }
            if is_regular(b) {
                let tok = self.regular_run();
                match parse_number(tok) {
                    Some(n) => items.push(Operand::Num(n)),
                    None => match tok {
                        b"true" => items.push(Operand::Bool(true)),
                        b"false" => items.push(Operand::Bool(false)),
                        b"null" => items.push(Operand::Null),
                        _ => {}
                    },
                }
            } else if let Some(op) = self.operand(depth) {
                items.push(op);
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand<'a> {
        let mut entries = Vec::new();
        let mut key: Option<Cow<'a, [u8]>> = None;
        loop {
            self.skip_white();
            let Some(b) = self.peek() else { break };
            if b == b'>' {
                self.pos += if self.data.get(self.pos + 1) == Some(&b'>') {
                    2
                } else {
                    1
                };
                break;
            }
            let value = if is_regular(b) {
                let tok = self.regular_run();
                match parse_number(tok) {
                    Some(n) => Operand::Num(n),
                    None => match tok {
                        b"true" => Operand::Bool(true),
                        b"false" => Operand::Bool(false),
                        _ => Operand::Null,
                    },
                }
            } else if depth > MAX_NESTING {
                self.pos += 1;
                continue;
            } else {
                match self.operand(depth) {
                    Some(v) => v,
                    None => continue,
                }
            };
            match key.take() {
                None => {
                    if let Operand::Name(n) = value {
                        key = Some(n)
                    }
                }
                Some(k) => entries.push((k, value)),
            }
        }
        Operand::Dict(entries)
    }

    /// After `BI`: the image dictionary up to `ID`, then skip the data up to `EI`.
    fn inline_image(&mut self) -> Operand<'a> {
        let mut entries = Vec::new();
        let mut key: Option<Cow<'a, [u8]>> = None;
        loop {
            self.skip_white();
            let Some(b) = self.peek() else { break };
            let value = if is_regular(b) {
                let tok = self.regular_run();
                if tok == b"ID" {
                    break;
                }
                match parse_number(tok) {
                    Some(n) => Operand::Num(n),
                    None => match tok {
                        b"true" => Operand::Bool(true),
                        b"false" => Operand::Bool(false),
                        _ => Operand::Null,
                    },
                }
            } else {
                match self.operand(1) {
                    Some(v) => v,
                    None => continue,
                }
            };
            match key.take() {
                None => {
                    if let Operand::Name(n) = value {
                        key = Some(n)
                    }
                }
                Some(k) => entries.push((k, value)),
            }
        }
        // One white-space byte after ID, then binary data until "EI" delimited by white space.
        self.pos += 1;
        let mut i = self.pos;
        let data = self.data;
        loop {
            match data.get(i..i + 2) {
                None => {
                    self.pos = data.len();
                    break;
                }
                Some(b"EI")
                    if i > 0
                        && data.get(i - 1).is_some_and(|&c| is_white(c))
                        && data.get(i + 2).is_none_or(|&c| is_white(c) || is_delim(c)) =>
                {
                    self.pos = i + 2;
                    break;
                }
                _ => i += 1,
            }
        }
        Operand::Dict(entries)
    }
}

/// Resolves the escapes of a literal string body (without its outer parentheses).
fn unescape_literal(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&c) = raw.get(i) {
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = raw.get(i) else { break };
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'\r' => {
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {}
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(data: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut lx = Lexer::new(data);
        let mut v = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lx.next_op(&mut v) {
            out.push((String::from_utf8_lossy(op).into_owned(), v.clone()));
        }
        out
    }

    #[test]
    fn numbers_strings_arrays() {
        let r = ops(b"1 -2.5 .5 Td [(a\\(b\\)) -120 <4142>] TJ /F1#20x 12 Tf");
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[0].1,
            vec![Operand::Num(1.0), Operand::Num(-2.5), Operand::Num(0.5)]
        );
        let Operand::Array(items) = &r[1].1[0] else {
            panic!("not an array")
        };
        assert_eq!(items[0], Operand::Str(Cow::Borrowed(b"a(b)")));
        assert_eq!(items[1], Operand::Num(-120.0));
        assert_eq!(items[2], Operand::Str(Cow::Borrowed(b"AB")));
        assert_eq!(r[2].1[0], Operand::Name(Cow::Borrowed(b"F1 x")));
    }

    #[test]
    fn inline_image_is_skipped() {
        let r = ops(b"q BI /W 2 /H 2 /F /AHx ID xEIy EI Q");
        let names: Vec<_> = r.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, vec!["q", "BI", "Q"]);
        assert_eq!(r[1].1[0].get(b"W"), Some(&Operand::Num(2.0)));
    }

    #[test]
    fn garbage_does_not_loop() {
        let r = ops(b"))) ]]] >> { } ( unterminated");
        assert!(r.is_empty());
        assert_eq!(parse_number(b"4.-3"), None);
        assert_eq!(unescape_literal(b"\\101\\n\\\\"), b"A\n\\");
    }
}
