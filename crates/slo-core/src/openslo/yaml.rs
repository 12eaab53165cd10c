//! A YAML stream into JSON values, one per document, with what the YAML parser would
//! let pass silently refused: a key written twice in one mapping (the parser keeps the
//! last). Merge keys (`<<: *anchor`) are applied, as YAML 1.1 has them. Every syntax error
//! names its line in the file as a whole.

use super::OpenSloError;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

/// The non-empty documents of the stream as JSON values, numbered from 1, and the errors
/// of those that could not be read.
/// `allowed` names the documents the stream should hold, for the messages.
pub(crate) fn split_documents(
    yaml: &str,
    allowed: &str,
) -> (Vec<(usize, Value)>, Vec<OpenSloError>) {
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    // The text left to read, the number of its first document and the lines before it.
    let (mut rest, mut first, mut lines_before) = (yaml, 1, 0);
    'stream: loop {
        for (i, doc) in serde_yaml_ng::Deserializer::from_str(rest).enumerate() {
            let number = first + i;
            let twice = RefCell::new(None);
            let root = Node {
                trail: &[],
                hunt: None,
                twice: &twice,
            };
            let e = match root.deserialize(doc) {
                Ok(Value::Null) => continue,
                Ok(value) => {
                    docs.push((number, value));
                    continue;
                }
                Err(e) => e,
            };
            let message = match twice.into_inner() {
                Some(hunt) => format!(
                    "not valid YAML: {}; allowed: each key once",
                    duplicate(rest, i, &hunt, &e, lines_before)
                ),
                None => format!(
                    "not valid YAML: {}; allowed: {allowed} separated by ---",
                    in_file(&e, lines_before)
                ),
            };
            errors.push(OpenSloError {
                file: None,
                document: Some(number),
                kind: None,
                name: None,
                path: String::new(),
                message,
            });
            // The parser gives up on the rest of the stream at its first error, so the
            // documents after a broken one are read on their own.
            match e.location().and_then(|at| next_document(rest, at.line())) {
                Some(offset) => {
                    lines_before += rest[..offset].matches('\n').count();
                    rest = &rest[offset..];
                    first = number + 1;
                    continue 'stream;
                }
                None => break 'stream,
            }
        }
        break;
    }
    if docs.is_empty() && errors.is_empty() {
        errors.push(OpenSloError::of_stream(
            "",
            format!("holds no document; allowed: {allowed} separated by ---"),
        ));
    }
    (docs, errors)
}

/// Where the first `---` line at or after line `line` (counted from 1) of `text` starts,
/// if it is past the start of `text`.
fn next_document(text: &str, line: usize) -> Option<usize> {
    let mut offset = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        let marker = l
            .strip_prefix("---")
            .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace));
        if marker && n + 1 >= line && offset > 0 {
            return Some(offset);
        }
        offset += l.len();
    }
    None
}

/// The parser's message with its lines counted from the top of the file, and the place
/// always said (it leaves out the place when it is the start of the text it was given).
fn in_file(e: &serde_yaml_ng::Error, lines_before: usize) -> String {
    let message = shift_lines(&e.to_string(), lines_before);
    match e.location() {
        Some(at) if !message.contains(" at line ") => format!(
            "{message} at line {} column {}",
            at.line() + lines_before,
            at.column()
        ),
        _ => message,
    }
}

/// `text` with the number after each "line " raised by `by`.
fn shift_lines(text: &str, by: usize) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("line ") {
        let (before, after) = rest.split_at(at + "line ".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let Ok(n) = after[..digits].parse::<usize>() {
            out.push_str(&(n + by).to_string());
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The message of a key written twice, with both places: the parser placed the second
/// one; reading the document again up to the key's first appearance places the first.
fn duplicate(
    rest: &str,
    index: usize,
    hunt: &Hunt,
    e: &serde_yaml_ng::Error,
    lines_before: usize,
) -> String {
    let place = |e: &serde_yaml_ng::Error| {
        e.location().map_or(String::new(), |at| {
            format!(
                "at line {} column {}",
                at.line() + lines_before,
                at.column()
            )
        })
    };
    let unused = RefCell::new(None);
    let first = serde_yaml_ng::Deserializer::from_str(rest)
        .nth(index)
        .and_then(|doc| {
            let root = Node {
                trail: &[],
                hunt: Some(hunt),
                twice: &unused,
            };
            root.deserialize(doc).err()
        });
    format!(
        "the key {} is written twice in one mapping, {} and {} (YAML keeps only the last)",
        Value::from(hunt.key.as_str()),
        first.as_ref().map_or(String::new(), place),
        place(e)
    )
}

/// A key of the mapping at `trail`: the one written twice, or the first appearance of it
/// to find (reading stops there with an error, which the parser places).
struct Hunt {
    trail: Vec<String>,
    key: String,
}

/// A value at `trail` (the keys and list indexes on the way from the document's root).
#[derive(Clone, Copy)]
struct Node<'a> {
    trail: &'a [String],
    hunt: Option<&'a Hunt>,
    /// Where a key written twice is recorded before reading stops.
    twice: &'a RefCell<Option<Hunt>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // As serde_json reads it: a number without a JSON form (.inf, .nan) is null.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let trail = self.deeper(format!("[{}]", items.len()));
            match seq.next_element_seed(self.at(&trail))? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        // Merged mappings, in order: the first one wins over the later ones, and the
        // mapping's own keys over all of them, wherever they are written.
        let mut merged = Vec::new();
        while let Some(key) = map.next_key_seed(Key {
            node: self,
            seen: &out,
        })? {
            let trail = self.deeper(key.clone());
            let value = map.next_value_seed(self.at(&trail))?;
            if key == "<<" {
                match value {
                    Value::Object(m) => merged.push(m),
                    Value::Array(list) if list.iter().all(Value::is_object) => {
                        merged.extend(list.into_iter().filter_map(|v| match v {
                            Value::Object(m) => Some(m),
                            _ => None,
                        }));
                    }
                    _ => {
                        return Err(de::Error::custom(
                            "the merge key << takes a mapping or a list of mappings",
                        ))
                    }
                }
            } else {
                out.insert(key, value);
            }
        }
        for m in merged {
            for (k, v) in m {
                out.entry(k).or_insert(v);
            }
        }
        Ok(Value::Object(out))
    }
}

impl<'a> Node<'a> {
    fn deeper(&self, step: String) -> Vec<String> {
        let mut trail = self.trail.to_vec();
        trail.push(step);
        trail
    }

    fn at<'b>(&self, trail: &'b [String]) -> Node<'b>
    where
        'a: 'b,
    {
        Node {
            trail,
            hunt: self.hunt,
            twice: self.twice,
        }
    }
}

/// A mapping's key, as text (YAML allows numbers and booleans there; JSON has strings).
/// A key the mapping has already is an error, placed by the parser at the second one.
struct Key<'a> {
    node: Node<'a>,
    seen: &'a Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key that is text, a number or true or false")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        let hunted = self
            .node
            .hunt
            .is_some_and(|h| h.trail == self.node.trail && h.key == v);
        if hunted {
            return Err(E::custom("the key's first appearance"));
        }
        if self.seen.contains_key(v) && v != "<<" {
            *self.node.twice.borrow_mut() = Some(Hunt {
                trail: self.node.trail.to_vec(),
                key: v.to_string(),
            });
            return Err(E::custom("a key written twice"));
        }
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }
}
