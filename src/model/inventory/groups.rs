//! Group memberships, streamed: a JSON array of `{"id", "displayName", "members": [...]}`
//! where members are directory objects as `az ad group member list` prints them (`id`,
//! `@odata.type`, `displayName`, `userPrincipalName`), or bare id strings.

use super::Inventory;
use super::fields::{ObjectKind, check_key};
use super::keys::{ItemSink, Key, MaybeStr, parse_with};
use crate::model::assignment::PrincipalType;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Default)]
pub(super) struct Member<'de> {
    id: Option<Cow<'de, str>>,
    kind: Option<Cow<'de, str>>,
    name: Option<Cow<'de, str>>,
    upn: Option<Cow<'de, str>>,
}

#[derive(Debug, Default)]
pub(super) struct RawGroup<'de> {
    head: Member<'de>,
    members: Vec<Member<'de>>,
    has_members: bool,
    /// `members` is `null` (an export whose member query failed).
    null_members: bool,
    /// A Graph paging link for the members (`members@odata.nextLink`): the list is partial.
    members_next: bool,
}

impl<'de> de::Deserialize<'de> for Member<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

/// Reads one directory-object key into `m`; returns false when the key is not one of them.
fn member_key<'de, A: MapAccess<'de>>(
    k: &Key<'de>,
    m: &mut Member<'de>,
    map: &mut A,
    group: bool,
) -> Result<bool, A::Error> {
    let slot = if k.is("id") {
        &mut m.id
    } else if k.is("@odata.type") || k.is("objectType") || k.is("type") {
        &mut m.kind
    } else if k.is("displayName") {
        &mut m.name
    } else if k.is("userPrincipalName") {
        &mut m.upn
    } else {
        check_key(ObjectKind::Directory { group }, &k.0).map_err(de::Error::custom)?;
        return Ok(false);
    };
    let v: MaybeStr<'de> = map.next_value()?;
    if let Some(s) = v.0 {
        slot.get_or_insert(s);
    }
    Ok(true)
}

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a directory object or an id string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Member {
            id: Some(Cow::Borrowed(v)),
            ..Member::default()
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Member {
            id: Some(Cow::Owned(v.to_string())),
            ..Member::default()
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut m = Member::default();
        while let Some(k) = map.next_key::<Key<'de>>()? {
            if !member_key(&k, &mut m, &mut map, false)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(m)
    }
}

impl<'de> de::Deserialize<'de> for RawGroup<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(GroupVisitor)
    }
}

struct GroupVisitor;

impl<'de> Visitor<'de> for GroupVisitor {
    type Value = RawGroup<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a group object with `id` and `members`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut g = RawGroup::default();
        while let Some(k) = map.next_key::<Key<'de>>()? {
            if k.is("members") {
                g.has_members = true;
                match map.next_value::<Members<'de>>()?.0 {
                    Some(list) => g.members = list,
                    None => g.null_members = true,
                }
            } else if k.0.to_ascii_lowercase().ends_with("@odata.nextlink") {
                let v: MaybeStr<'de> = map.next_value()?;
                if v.0.is_some_and(|s| !s.trim().is_empty()) {
                    g.members_next = true;
                }
            } else if !member_key(&k, &mut g.head, &mut map, true)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(g)
    }
}

/// A member list; `None` for `null`.
struct Members<'de>(Option<Vec<Member<'de>>>);

impl<'de> de::Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of directory objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(m) = seq.next_element::<Member<'de>>()? {
            v.push(m);
        }
        Ok(Members(Some(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Members(None))
    }
}

struct Sink<'i, 'p> {
    inv: &'i mut Inventory,
    progress: &'p mut dyn FnMut(usize),
    /// Groups whose member list is one page of several.
    partial: Vec<String>,
    /// Groups listed more than once with different members.
    conflicts: Vec<String>,
}

fn add<'de>(inv: &mut Inventory, m: &Member<'de>, default: PrincipalType) -> Option<u32> {
    let id = m.id.as_deref().filter(|s| !s.trim().is_empty())?;
    let kind = m
        .kind
        .as_deref()
        .map(PrincipalType::parse)
        .unwrap_or(default);
    let p = inv.set_principal(id, kind);
    if let Some(n) = m.name.as_deref() {
        inv.principals.set_name(p, n);
    }
    if let Some(u) = m.upn.as_deref() {
        inv.principals.set_upn(p, u);
    }
    Some(p)
}

impl<'de> ItemSink<'de> for Sink<'_, '_> {
    type Item = RawGroup<'de>;
    fn what(&self) -> &'static str {
        "group"
    }
    fn accept(&mut self, index: usize, g: RawGroup<'de>) -> Result<(), String> {
        if index.is_multiple_of(4096) {
            (self.progress)(index);
        }
        let inv = &mut *self.inv;
        let group = add(inv, &g.head, PrincipalType::Group)
            .ok_or_else(|| format!("group {index} has no `id`"))?;
        inv.principals.set_kind(group, PrincipalType::Group);
        if !g.has_members {
            return Err(format!("group {index} has no `members` array"));
        }
        if g.null_members {
            return Err(format!(
                "group {index} has `members: null` (did the member query fail?): list its members, or [] for a group without members"
            ));
        }
        if g.members_next {
            self.partial.push(inv.principals.get(group).id.to_string());
        }
        let mut members = Vec::with_capacity(g.members.len());
        for (j, m) in g.members.iter().enumerate() {
            let p = add(inv, m, PrincipalType::Unknown)
                .ok_or_else(|| format!("member {j} of group {index} has no `id`"))?;
            members.push(p);
        }
        members.sort_unstable();
        members.dedup();
        let earlier = inv.group(group).map(|g| g.members != members);
        if earlier == Some(true) {
            self.conflicts
                .push(inv.principals.get(group).id.to_string());
        }
        let rec = inv.group_mut(group);
        rec.members.extend(members);
        rec.members.sort_unstable();
        rec.members.dedup();
        Ok(())
    }
}

pub(super) fn parse(
    inv: &mut Inventory,
    text: &str,
    origin: &str,
    progress: &mut dyn FnMut(usize),
) -> crate::error::Result<usize> {
    let mut sink = Sink {
        inv,
        progress,
        partial: Vec::new(),
        conflicts: Vec::new(),
    };
    let (n, paging) = parse_with(text, origin, &mut sink)?;
    let mut partial = sink.partial;
    partial.sort();
    let mut conflicts = sink.conflicts;
    conflicts.sort();
    conflicts.dedup();
    if let Some(first) = conflicts.first() {
        // Two readings of one group: its members are the union (what allows could reach), but
        // a deny naming it may then cover principals that are not members.
        inv.gaps.push(format!(
            "{origin}: {} listed more than once with different members (such as group {}): read as the union of the lists, so grants through {} are all listed but a deny assignment naming {} may cover principals that are not members",
            if conflicts.len() == 1 {
                "1 group is".to_string()
            } else {
                format!("{} groups are", conflicts.len())
            },
            crate::text::escape(first),
            if conflicts.len() == 1 { "it" } else { "them" },
            if conflicts.len() == 1 { "it" } else { "one" },
        ));
    }
    if let Some(note) = paging {
        inv.gaps.push(note);
    }
    if !partial.is_empty() {
        inv.gaps.push(format!(
            "{origin}: the member lists of {} are one page of several (`members@odata.nextLink`): members on the other pages are missing (such as group {})",
            if partial.len() == 1 {
                "1 group".to_string()
            } else {
                format!("{} groups", partial.len())
            },
            crate::text::escape(&partial[0])
        ));
    }
    Ok(n)
}
