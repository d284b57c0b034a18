//! Streaming JSON helpers for the large inventory files: strings borrowed from the input
//! text, keys compared ignoring ASCII case, and the top-level list shapes (a bare array, a
//! REST list response `{"value": [...]}`, or a Resource Graph result `{"data": [...]}`).

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A string (borrowed when it has no escapes) or `null`.
#[derive(Debug, Default)]
pub(super) struct MaybeStr<'de>(pub Option<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = MaybeStr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Owned(v))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
}

/// An object key, borrowed when possible.
pub(super) struct Key<'de>(pub Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match MaybeStr::deserialize(d)?.0 {
            Some(s) => Ok(Key(s)),
            None => Err(de::Error::custom("object key is null")),
        }
    }
}

impl Key<'_> {
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name)
    }
}

/// Receives the items of a top-level list.
pub(super) trait ItemSink<'de> {
    type Item: de::Deserialize<'de>;
    /// What one item is, for messages ("role assignment").
    fn what(&self) -> &'static str;
    fn accept(&mut self, index: usize, item: Self::Item) -> Result<(), String>;
}

/// The paging markers of a list response: a continuation link or token, and the total the
/// service reported. An export that carries one is a single page of a longer list.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The key that holds a continuation (`nextLink`, `@odata.nextLink`, `skip_token`,
    /// `$skipToken`), when it is set.
    pub continuation: Option<String>,
    /// `total_records` / `totalRecords`, when present.
    pub total: Option<u64>,
}

impl Paging {
    /// Takes note of one top-level key of a list response; false when it is not a paging key.
    pub fn take(&mut self, key: &str, value: &serde_json::Value) -> bool {
        let l = key.to_ascii_lowercase();
        if matches!(
            l.as_str(),
            "nextlink" | "@odata.nextlink" | "skip_token" | "$skiptoken" | "skiptoken"
        ) {
            let set = match value {
                serde_json::Value::Null => false,
                serde_json::Value::String(s) => !s.trim().is_empty(),
                _ => true,
            };
            if set && self.continuation.is_none() {
                self.continuation = Some(key.to_string());
            }
            return true;
        }
        if l == "total_records" || l == "totalrecords" {
            self.total = value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()));
            return true;
        }
        false
    }

    /// What an answer must say when the file is one page of several.
    pub fn note(&self, origin: &str, rows: usize) -> Option<String> {
        if let Some(k) = &self.continuation {
            return Some(format!(
                "{origin} is one page of several (it has `{k}`): records on the other pages are missing; export every page (README, \"Exporting a tenant\")"
            ));
        }
        match self.total {
            Some(t) if t > rows as u64 => Some(format!(
                "{origin} holds {rows} of {t} records (`total_records`): it is one page of several, and records on the other pages are missing; export every page (README, \"Exporting a tenant\")"
            )),
            _ => None,
        }
    }
}

/// Seed for a whole file: a list of items in any of the accepted wrappers.
pub(super) struct Top<'s, S>(pub &'s mut S, pub &'s mut Paging);

impl<'de, S: ItemSink<'de>> DeserializeSeed<'de> for Top<'_, S> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(TopVisitor(self.0, self.1))
    }
}

struct TopVisitor<'s, S>(&'s mut S, &'s mut Paging);

impl<'de, S: ItemSink<'de>> Visitor<'de> for TopVisitor<'_, S> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "an array of {}s, or an object with `value` or `data` holding one",
            self.0.what()
        )
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<usize, A::Error> {
        items(self.0, seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut found = None;
        while let Some(k) = map.next_key::<Key<'de>>()? {
            if (k.is("value") || k.is("data")) && found.is_none() {
                found = Some(map.next_value_seed(ListSeed(&mut *self.0))?);
            } else if is_paging_key(&k.0) {
                let v: serde_json::Value = map.next_value()?;
                self.1.take(&k.0, &v);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        found.ok_or_else(|| {
            de::Error::custom(format!(
                "expected an array of {}s, or an object with `value` or `data` holding one",
                self.0.what()
            ))
        })
    }
}

struct ListSeed<'s, S>(&'s mut S);

impl<'de, S: ItemSink<'de>> DeserializeSeed<'de> for ListSeed<'_, S> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(ListVisitor(self.0))
    }
}

struct ListVisitor<'s, S>(&'s mut S);

impl<'de, S: ItemSink<'de>> Visitor<'de> for ListVisitor<'_, S> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}s", self.0.what())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<usize, A::Error> {
        items(self.0, seq)
    }
}

fn items<'de, S: ItemSink<'de>, A: SeqAccess<'de>>(
    sink: &mut S,
    mut seq: A,
) -> Result<usize, A::Error> {
    let mut i = 0;
    while let Some(item) = seq.next_element::<S::Item>()? {
        sink.accept(i, item).map_err(de::Error::custom)?;
        i += 1;
    }
    Ok(i)
}

fn is_paging_key(k: &str) -> bool {
    Paging::default().take(k, &serde_json::Value::Null)
}

/// Parses a whole text with a sink, mapping errors to a positioned one-line error; returns
/// the number of items and, when the file is one page of several, what to say about it.
pub(super) fn parse_with<'de, S: ItemSink<'de>>(
    text: &'de str,
    origin: &str,
    sink: &mut S,
) -> crate::error::Result<(usize, Option<String>)> {
    let mut d = serde_json::Deserializer::from_str(text);
    let mut paging = Paging::default();
    let n = Top(sink, &mut paging)
        .deserialize(&mut d)
        .map_err(|e| crate::error::Error::json(origin, &e))?;
    d.end().map_err(|e| crate::error::Error::json(origin, &e))?;
    Ok((n, paging.note(origin, n)))
}
