//! The JSON a link's values are written in. The link format was first written with serde_json,
//! so this parses exactly the JSON it accepts (its recursion limit included) and prints its
//! compact form, keys in byte order; a tree of these is what the rest of the module walks.

/// A JSON value. Objects keep their keys sorted, each once, as serde_json's map does.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number that is a whole count (fits a `u64`).
    Count(u64),
    /// Any other finite number (negative, fractional, beyond `u64`), as written.
    Number(String),
    Text(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

use crate::decimal::Decimal;

/// The text is not JSON (or nests deeper than serde_json's limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotJson;

/// serde_json refuses the 128th level of nesting.
const MAX_DEPTH: u32 = 128;

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &entries[i].1),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(entries) => entries.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &mut entries[i].1),
            _ => None,
        }
    }

    /// The compact text serde_json would print for this value.
    pub fn print(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Count(value) => out.push_str(&value.to_string()),
            Json::Number(text) => out.push_str(text),
            Json::Text(text) => write_text(text, out),
            Json::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (index, (key, value)) in entries.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_text(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Adds `key` to sorted `entries`; a key already there takes the new value, as in serde_json.
pub fn insert(entries: &mut Vec<(String, Json)>, key: String, value: Json) {
    match entries.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(at) => entries[at].1 = value,
        Err(at) => entries.insert(at, (key, value)),
    }
}

fn write_text(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                out.push_str("\\u00");
                out.push(HEX[c as usize >> 4] as char);
                out.push(HEX[c as usize & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads `text` as one JSON value, surrounded by nothing but JSON whitespace.
pub fn parse(text: &str) -> Result<Json, NotJson> {
    let mut parser = Parser { text, at: 0 };
    let value = parser.value(MAX_DEPTH)?;
    parser.skip_space();
    if parser.at == text.len() {
        Ok(value)
    } else {
        Err(NotJson)
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Result<u8, NotJson> {
        let byte = self.peek().ok_or(NotJson)?;
        self.at += 1;
        Ok(byte)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Consumes `byte` after optional whitespace, if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), NotJson> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, NotJson> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(NotJson)
        }
    }

    fn value(&mut self, depth: u32) -> Result<Json, NotJson> {
        self.skip_space();
        match self.peek().ok_or(NotJson)? {
            b'n' => self.word("null", Json::Null),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'"' => self.text().map(Json::Text),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' => {
                let depth = nested(depth)?;
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth)?);
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Json::List(items))
            }
            b'{' => {
                let depth = nested(depth)?;
                self.at += 1;
                let mut entries = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.skip_space();
                        if self.peek() != Some(b'"') {
                            return Err(NotJson);
                        }
                        let key = self.text()?;
                        self.expect(b':')?;
                        let value = self.value(depth)?;
                        insert(&mut entries, key, value);
                        if self.eat(b'}') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Json::Object(entries))
            }
            _ => Err(NotJson),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; a whole one that fits is a count.
    fn number(&mut self) -> Result<Json, NotJson> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
        if self.next()? != b'0' {
            self.at -= 1;
            self.digits()?;
        } else if matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(NotJson);
        }
        let mut whole = !negative;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits()?;
            whole = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.digits()?;
            whole = false;
        }
        let text = &self.text[start..self.at];
        match text.parse::<u64>() {
            Ok(count) if whole => Ok(Json::Count(count)),
            // serde_json reads the rest as f64 and refuses what overflows it.
            _ if Decimal::parse(text).is_some_and(|number| number.fits_f64()) => Ok(Json::Number(text.to_string())),
            _ => Err(NotJson),
        }
    }

    /// One or more ASCII digits.
    fn digits(&mut self) -> Result<(), NotJson> {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        if self.at > start {
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    /// A string, from its opening quote: escapes decoded, raw control characters refused.
    fn text(&mut self) -> Result<String, NotJson> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while matches!(self.peek(), Some(byte) if byte != b'"' && byte != b'\\' && byte >= b' ') {
                self.at += 1;
            }
            out.push_str(&self.text[start..self.at]);
            match self.next()? {
                b'"' => return Ok(out),
                b'\\' => {
                    let escaped = match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(NotJson),
                    };
                    out.push(escaped);
                }
                _ => return Err(NotJson),
            }
        }
    }

    /// After `\u`: one character, or a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char, NotJson> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.next()? != b'\\' || self.next()? != b'u' {
                    return Err(NotJson);
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(NotJson);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            code => code,
        };
        char::from_u32(code).ok_or(NotJson)
    }

    fn hex4(&mut self) -> Result<u32, NotJson> {
        let digits = self.text.get(self.at..self.at + 4).ok_or(NotJson)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NotJson);
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| NotJson)
    }
}

fn nested(depth: u32) -> Result<u32, NotJson> {
    match depth - 1 {
        0 => Err(NotJson),
        left => Ok(left),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_prints_the_shapes_links_use() {
        let text = r#"[{"kind":"csv","highWaterMark":null,"ignoresHighWaterMark":false,"rowsPerSecond":1000000}]"#;
        let value = parse(text).unwrap();
        // Keys come out sorted, as serde_json prints them.
        assert_eq!(value.print(), r#"[{"highWaterMark":null,"ignoresHighWaterMark":false,"kind":"csv","rowsPerSecond":1000000}]"#);
        assert_eq!(parse(" \t\n7\r ").unwrap(), Json::Count(7));
        assert_eq!(parse("-3").unwrap(), Json::Number("-3".into()));
        assert_eq!(parse("-0").unwrap(), Json::Number("-0".into()));
        assert_eq!(parse("2.5e1").unwrap(), Json::Number("2.5e1".into()));
        assert_eq!(parse("18446744073709551616").unwrap(), Json::Number("18446744073709551616".into()));
        assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap(), Json::Object(vec![("a".into(), Json::Count(2))]));
        assert_eq!(parse(r#""\ud83d\ude00\u00e9\/""#).unwrap(), Json::Text("😀é/".into()));
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in [
            "", "01", "1.", ".5", "+1", "1e", "-", "1e400", "[1,]", "[1 2]", "{\"a\"}", "{a:1}", "nul", "truex", "\"\\x\"",
            "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\u{1}\"", "\"open", "[", "NaN", "Infinity",
        ] {
            assert_eq!(parse(text), Err(NotJson), "{text:?}");
        }
        assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
        assert_eq!(parse(&format!("{}{}", "[".repeat(128), "]".repeat(128))), Err(NotJson));
    }

    #[test]
    fn escapes_text_as_serde_json_does() {
        let value = Json::Text("a\"\\\u{8}\u{c}\n\r\t\u{1}\u{7f}é".into());
        assert_eq!(value.print(), "\"a\\\"\\\\\\b\\f\\n\\r\\t\\u0001\u{7f}é\"");
    }
}
