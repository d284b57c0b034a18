//! Case-insensitive, strict views over JSON objects, and JSON-pointer helpers.

use crate::error::{Error, Result, did_you_mean};
use serde_json::{Map, Value};

/// A JSON object whose keys are matched ignoring ASCII case. Two keys that differ only in
/// case are an error; keys outside the allowed set are an error with a suggestion.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    pub origin: &'a str,
    pub pointer: String,
}

impl<'a> Obj<'a> {
    pub fn new(value: &'a Value, origin: &'a str, pointer: &str, what: &str) -> Result<Obj<'a>> {
        match value {
            Value::Object(map) => {
                let mut seen: Vec<String> = Vec::with_capacity(map.len());
                for k in map.keys() {
                    let l = k.to_ascii_lowercase();
                    if seen.contains(&l) {
                        return Err(Error::shape(
                            origin,
                            pointer,
                            format!("{what} has key `{k}` twice (keys are compared ignoring case)"),
                        ));
                    }
                    seen.push(l);
                }
                Ok(Obj {
                    map,
                    origin,
                    pointer: pointer.to_string(),
                })
            }
            other => Err(Error::shape(
                origin,
                pointer,
                format!("{what} must be a JSON object, found {}", kind(other)),
            )),
        }
    }

    /// The value under `key` (any case) and its exact key, if present.
    pub fn get(&self, key: &str) -> Option<(&'a str, &'a Value)> {
        self.map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(k, v)| (k.as_str(), v))
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The keys as written, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.keys().map(String::as_str)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn child_pointer(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape(key))
    }

    /// Rejects keys not in `allowed` (any case), suggesting the closest allowed key.
    pub fn deny_unknown(&self, allowed: &[&str], what: &str) -> Result<()> {
        for k in self.map.keys() {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(k)) {
                let hint = did_you_mean(k, allowed.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(Error::shape(
                    self.origin,
                    &self.pointer,
                    format!("unknown field `{k}` in {what}{hint}"),
                ));
            }
        }
        Ok(())
    }

    /// An optional string; `null` counts as absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.as_str())),
            Some((k, v)) => Err(Error::shape(
                self.origin,
                &self.child_pointer(k),
                format!("`{k}` must be a string, found {}", kind(v)),
            )),
        }
    }

    /// An optional boolean (also accepts the strings "true"/"false").
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::Bool(b))) => Ok(Some(*b)),
            Some((_, Value::String(s))) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some((_, Value::String(s))) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some((k, v)) => Err(Error::shape(
                self.origin,
                &self.child_pointer(k),
                format!("`{k}` must be true or false, found {}", kind(v)),
            )),
        }
    }

    /// An optional array of strings, each with its JSON pointer; `null` counts as absent.
    pub fn opt_str_list(&self, key: &str) -> Result<Option<Vec<(String, String)>>> {
        match self.get(key) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((k, Value::Array(items))) => {
                let base = self.child_pointer(k);
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{base}/{i}");
                    match item {
                        Value::String(s) => out.push((s.clone(), p)),
                        other => {
                            return Err(Error::shape(
                                self.origin,
                                &p,
                                format!("entries of `{k}` must be strings, found {}", kind(other)),
                            ));
                        }
                    }
                }
                Ok(Some(out))
            }
            Some((k, v)) => Err(Error::shape(
                self.origin,
                &self.child_pointer(k),
                format!("`{k}` must be an array of strings, found {}", kind(v)),
            )),
        }
    }
}

/// A short name for a JSON value's type, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses JSON text, mapping syntax errors to a positioned one-line error. `//` and `/* */`
/// comments are accepted (ARM templates may carry them, and Azure deploys such templates).
/// A key repeated in one object is an error: parsers keep only one of the two values (the last,
/// here and in Python), so a reviewer could read a `*` that no tool applies.
pub fn parse(text: &str, origin: &str) -> Result<Value> {
    let value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => match without_comments(text) {
            Some(clean) => serde_json::from_str(&clean).map_err(|e| Error::json(origin, &e))?,
            None => return Err(Error::json(origin, &e)),
        },
    };
    if let Some((at, key)) = duplicate_key(text) {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(at, |i| at - i - 1) + 1;
        return Err(Error::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message: format!(
                "key `{key}` appears twice in the same object; JSON readers keep only one of the values"
            ),
        });
    }
    Ok(value)
}

/// The byte offset and text of the first key repeated within one object of valid JSON text.
fn duplicate_key(text: &str) -> Option<(usize, String)> {
    fn value(text: &str, pos: &mut usize) -> std::result::Result<(), (usize, String)> {
        let b = text.as_bytes();
        skip_ws(b, pos);
        match b.get(*pos) {
            Some(b'{') => {
                *pos += 1;
                let mut keys: Vec<String> = Vec::new();
                loop {
                    skip_ws(b, pos);
                    match b.get(*pos) {
                        Some(b'}') | None => {
                            *pos += 1;
                            return Ok(());
                        }
                        Some(b',') => *pos += 1,
                        _ => {
                            let at = *pos;
                            let Some(key) = read_string(text, pos) else {
                                return Ok(());
                            };
                            if keys.contains(&key) {
                                return Err((at, key));
                            }
                            keys.push(key);
                            skip_ws(b, pos);
                            *pos += 1; // `:`
                            value(text, pos)?;
                        }
                    }
                }
            }
            Some(b'[') => {
                *pos += 1;
                loop {
                    skip_ws(b, pos);
                    match b.get(*pos) {
                        Some(b']') | None => {
                            *pos += 1;
                            return Ok(());
                        }
                        Some(b',') => *pos += 1,
                        _ => value(text, pos)?,
                    }
                }
            }
            Some(_) => {
                skip_value(text, pos);
                Ok(())
            }
            None => Ok(()),
        }
    }
    let mut pos = 0;
    value(text, &mut pos).err()
}

/// The text with its comments (outside strings) blanked to spaces, newlines kept, so every
/// position stays where it was; `None` when there is no comment.
fn without_comments(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut found = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') || b.get(i + 1) == Some(&b'*') => {
                found = true;
                let block = b[i + 1] == b'*';
                let start = i;
                i += 2;
                while i < b.len() {
                    if block && b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        i += 2;
                        break;
                    }
                    if !block && b[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                for c in &mut out[start..i.min(b.len())] {
                    if *c != b'\n' && *c != b'\r' {
                        *c = b' ';
                    }
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes outside strings were replaced, so the text is still UTF-8.
    found.then(|| String::from_utf8(out).ok()).flatten()
}

/// Finds the 1-based line and column where the value at `pointer` starts in JSON `text`.
/// Returns `None` when the pointer does not resolve (or the text is not JSON).
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let pos = locate_offset(text, pointer)?;
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(pos, |i| pos - i - 1) + 1;
    Some((line, column))
}

/// The byte offsets where each element of the array at `pointer` starts, in one pass (for
/// files holding many roles, where locating each element from the start would be quadratic).
/// `None` when `pointer` does not lead to an array.
pub fn array_element_offsets(text: &str, pointer: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut pos = locate_offset(text, pointer)?;
    if bytes.get(pos)? != &b'[' {
        return None;
    }
    pos += 1;
    let mut out = Vec::new();
    loop {
        skip_ws(bytes, &mut pos);
        if bytes.get(pos)? == &b']' {
            return Some(out);
        }
        out.push(pos);
        skip_value(text, &mut pos)?;
        skip_ws(bytes, &mut pos);
        match bytes.get(pos)? {
            b',' => pos += 1,
            b']' => return Some(out),
            _ => return None,
        }
    }
}

/// The byte offset where the value at a JSON pointer starts (see [`locate`]).
pub fn locate_offset(text: &str, pointer: &str) -> Option<usize> {
    let target: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    for seg in &target {
        skip_ws(bytes, &mut pos);
        match bytes.get(pos)? {
            b'{' => {
                pos += 1;
                loop {
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? == &b'}' {
                        return None;
                    }
                    let key = read_string(text, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? != &b':' {
                        return None;
                    }
                    pos += 1;
                    skip_ws(bytes, &mut pos);
                    if &key == seg {
                        break;
                    }
                    skip_value(text, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? == &b',' {
                        pos += 1;
                    }
                }
            }
            b'[' => {
                let idx: usize = seg.parse().ok()?;
                pos += 1;
                for _ in 0..idx {
                    skip_ws(bytes, &mut pos);
                    skip_value(text, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? != &b',' {
                        return None;
                    }
                    pos += 1;
                }
                skip_ws(bytes, &mut pos);
                if bytes.get(pos)? == &b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    skip_ws(bytes, &mut pos);
    Some(pos)
}

/// Skips whitespace and comments (see [`parse`]).
fn skip_ws(b: &[u8], pos: &mut usize) {
    loop {
        while *pos < b.len() && matches!(b[*pos], b' ' | b'\t' | b'\n' | b'\r') {
            *pos += 1;
        }
        match (b.get(*pos), b.get(*pos + 1)) {
            (Some(b'/'), Some(b'/')) => {
                while *pos < b.len() && b[*pos] != b'\n' {
                    *pos += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                *pos += 2;
                while *pos < b.len() && !(b[*pos] == b'*' && b.get(*pos + 1) == Some(&b'/')) {
                    *pos += 1;
                }
                *pos = (*pos + 2).min(b.len());
            }
            _ => return,
        }
    }
}

fn read_string(text: &str, pos: &mut usize) -> Option<String> {
    let b = text.as_bytes();
    if b.get(*pos)? != &b'"' {
        return None;
    }
    let start = *pos;
    *pos += 1;
    while *pos < b.len() {
        match b[*pos] {
            b'\\' => *pos += 2,
            b'"' => {
                *pos += 1;
                return serde_json::from_str(&text[start..*pos]).ok();
            }
            _ => *pos += 1,
        }
    }
    None
}

/// Moves past a string without decoding it (skipped values need no contents).
fn skip_string(b: &[u8], pos: &mut usize) -> Option<()> {
    if b.get(*pos)? != &b'"' {
        return None;
    }
    *pos += 1;
    while *pos < b.len() {
        match b[*pos] {
            b'\\' => *pos += 2,
            b'"' => {
                *pos += 1;
                return Some(());
            }
            _ => *pos += 1,
        }
    }
    None
}

fn skip_value(text: &str, pos: &mut usize) -> Option<()> {
    let b = text.as_bytes();
    match b.get(*pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            while *pos < b.len() {
                match b[*pos] {
                    b'"' => {
                        skip_string(b, pos)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            *pos += 1;
                            return Some(());
                        }
                    }
                    _ => {}
                }
                *pos += 1;
            }
            None
        }
        _ => {
            while *pos < b.len()
                && !matches!(b[*pos], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                *pos += 1;
            }
            Some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "{\n  \"Name\": \"x\",\n  \"Actions\": [\n    \"a/b\",\n    \"c/d\"\n  ],\n  \"k/e\": {\"x\": [1, {\"y\": 2}]}\n}";

    #[test]
    fn locate_pointers() {
        assert_eq!(locate(DOC, ""), Some((1, 1)));
        assert_eq!(locate(DOC, "/Name"), Some((2, 11)));
        assert_eq!(locate(DOC, "/Actions/1"), Some((5, 5)));
        assert_eq!(locate(DOC, "/k~1e/x/1/y"), Some((7, 26)));
        assert_eq!(locate(DOC, "/Actions/2"), None);
        assert_eq!(locate(DOC, "/nope"), None);
    }

    #[test]
    fn obj_rules() {
        let v: Value =
            serde_json::from_str(r#"{"Actions": ["a"], "notactions": null, "X": 1}"#).unwrap();
        let o = Obj::new(&v, "f", "", "role").unwrap();
        assert_eq!(
            o.opt_str_list("ACTIONS").unwrap().unwrap()[0].1,
            "/Actions/0"
        );
        assert!(o.opt_str_list("NotActions").unwrap().is_none());
        let e = o
            .deny_unknown(&["Actions", "NotActions"], "role")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `X`"), "{e}");
        let dup: Value = serde_json::from_str(r#"{"a": 1, "A": 2}"#).unwrap();
        assert!(Obj::new(&dup, "f", "", "role").is_err());
        let typo: Value = serde_json::from_str(r#"{"NotAction": []}"#).unwrap();
        let e = Obj::new(&typo, "f", "", "role")
            .unwrap()
            .deny_unknown(&["Actions", "NotActions"], "role")
            .unwrap_err();
        assert!(e.to_string().contains("did you mean `NotActions`"), "{e}");
    }

    /// Element offsets found in one pass agree with locating each element on its own.
    #[test]
    fn array_element_offsets_agree_with_locate() {
        let text =
            "{\"value\": [ {\"a\": [1, {\"b\": \"]\"}]},\n  \"x,y\" ,\n  [],\n  {} ],\n \"n\": 1}";
        let offs = array_element_offsets(text, "/value").unwrap();
        assert_eq!(offs.len(), 4);
        for (i, at) in offs.iter().enumerate() {
            assert_eq!(Some(*at), locate_offset(text, &format!("/value/{i}")));
        }
        assert_eq!(array_element_offsets("[]", ""), Some(vec![]));
        assert_eq!(array_element_offsets(text, "/n"), None);
        assert_eq!(array_element_offsets(text, "/missing"), None);
    }

    /// Comments (as ARM templates may carry) are read as whitespace, by the parser and by
    /// `locate`; `/` inside strings is text.
    #[test]
    fn comments_are_whitespace() {
        let text = "{ // one\n \"a\": /* two */ [\"x//y\", /* three\n */ \"z\"]\n}";
        let v = parse(text, "c.json").unwrap();
        assert_eq!(v["a"][0], "x//y");
        assert_eq!(v["a"][1], "z");
        assert_eq!(locate(text, "/a/1"), Some((3, 5)));
        assert_eq!(locate(text, "/a/0"), Some((2, 18)));
        // Errors keep their positions.
        let e = parse("{ // c\n \"a\": [,] }", "e.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("e.json:2:"), "{e}");
    }

    /// A key repeated in one object is an error at the second occurrence; the same key in
    /// different objects, or in a string, is not (found by an audit: the second `Actions`
    /// silently replaced a visible `*`).
    #[test]
    fn repeated_keys_are_errors() {
        let e = parse(
            "{\"Actions\": [\"*\"],\n \"Actions\": [\"*/read\"]}",
            "d.json",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "d.json:2:2: key `Actions` appears twice in the same object; JSON readers keep only one of the values"
        );
        assert!(
            parse(
                "[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": \"a\"}, \"a\": 3}]",
                "ok.json"
            )
            .is_ok()
        );
        assert!(parse("{\"a\": {\"x\": 1, \"x\": 2}}", "n.json").is_err());
    }
}
