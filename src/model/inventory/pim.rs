//! PIM exports: role eligibility schedule instances (or schedules) and role assignment
//! schedule instances (or schedules), in the REST shape (`{"value": [{id, name, type,
//! properties: {...}}]}`) or flat as PowerShell's `Get-AzRoleEligibilityScheduleInstance |
//! ConvertTo-Json` prints them; with their dates decided against a day of the question.

use super::Inventory;
use super::deny::list_items;
use crate::error::{Error, Result};
use crate::model::assignment::PrincipalType;
use crate::model::json::{self, Obj};
use serde_json::Value;

/// Which PIM collection a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PimKind {
    /// Eligible: the principal can activate the role (never a grant by itself).
    Eligible,
    /// Active (assigned or activated): annotates the ordinary role assignment it produced.
    Active,
}

/// One PIM record.
#[derive(Debug, Clone)]
pub struct PimRecord {
    pub kind: PimKind,
    /// The record's id (or name), as written.
    pub id: String,
    pub principal: u32,
    /// Index into the inventory's role references.
    pub role: u32,
    /// Scope-tree node.
    pub scope: u32,
    pub status: Option<String>,
    /// Seconds since the Unix epoch (UTC); `None`: unbounded.
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// As written, for display.
    pub start_text: Option<String>,
    pub end_text: Option<String>,
    /// `Activated` or `Assigned` (active records).
    pub assignment_type: Option<String>,
    /// `Direct`, `Group` or `Inherited`.
    pub member_type: Option<String>,
    /// The GUID (lower case) of the role assignment an active record produced.
    pub origin_assignment: Option<String>,
    /// Index into the inventory's condition arena.
    pub condition: Option<u32>,
}

/// Whether a record is in force on a day, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InForce {
    Yes,
    Expired,
    Future,
    /// Its status is not `Provisioned` (pending, revoked, denied, ...).
    Status,
}

impl InForce {
    pub fn as_str(self) -> &'static str {
        match self {
            InForce::Yes => "in force",
            InForce::Expired => "expired",
            InForce::Future => "not started",
            InForce::Status => "not provisioned",
        }
    }
}

impl PimRecord {
    /// The role assignment an active record stands for: its `originRoleAssignmentId`'s GUID,
    /// else the last segment of its own id (the instance name equals that GUID), lower case.
    pub fn assignment_key(&self) -> String {
        self.origin_assignment.clone().unwrap_or_else(|| {
            let id = self.id.trim();
            id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase()
        })
    }

    pub fn in_force(&self, at: i64) -> InForce {
        if let Some(s) = &self.status
            && !s.trim().eq_ignore_ascii_case("provisioned")
        {
            return InForce::Status;
        }
        if self.start.is_some_and(|s| s > at) {
            return InForce::Future;
        }
        if self.end.is_some_and(|e| e <= at) {
            return InForce::Expired;
        }
        InForce::Yes
    }
}

impl Inventory {
    /// Active PIM records in force at `at` that match no role assignment of the export become
    /// role assignments: they grant access now, and a role assignment export older than the PIM
    /// export would otherwise hide it (the union of both readings). The answer says so.
    pub fn adopt_active_pim(&mut self, at: i64) {
        let mut names: std::collections::HashSet<String> = self
            .assignments
            .iter()
            .map(|a| {
                let n = self.assignment_names.get(a.name);
                n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase()
            })
            .collect();
        let mut adopted = 0;
        for i in 0..self.pim.len() {
            let r = &self.pim[i];
            if r.kind != PimKind::Active || r.in_force(at) != InForce::Yes {
                continue;
            }
            let key = r.assignment_key();
            if !names.insert(key.clone()) {
                continue;
            }
            let a = crate::model::assignment::Assignment {
                name: self.assignment_names.push_lower(&key),
                principal: r.principal,
                scope: r.scope,
                role: r.role,
                condition: r.condition,
            };
            self.assignments.push(a);
            adopted += 1;
        }
        if adopted > 0 {
            self.gaps.push(format!(
                "{adopted} active PIM {} in force {} no role assignment in the role assignment export (by `originRoleAssignmentId`): counted as role assignments from the PIM export, since the role assignment export may be older",
                if adopted == 1 { "assignment" } else { "assignments" },
                if adopted == 1 { "matches" } else { "match" }
            ));
        }
    }
}

/// Keys a PIM record may carry (REST `properties` or the flat PowerShell object; compared
/// ignoring case). `expandedProperties*` keys are accepted under any suffix.
const KNOWN: &[&str] = &[
    "id",
    "name",
    "type",
    "properties",
    "scope",
    "roleDefinitionId",
    "principalId",
    "principalType",
    "status",
    "startDateTime",
    "endDateTime",
    "memberType",
    "assignmentType",
    "originRoleAssignmentId",
    "condition",
    "conditionVersion",
    "createdOn",
    "updatedOn",
    "roleAssignmentScheduleId",
    "roleAssignmentScheduleRequestId",
    "roleEligibilityScheduleId",
    "roleEligibilityScheduleRequestId",
    "linkedRoleEligibilityScheduleId",
    "linkedRoleEligibilityScheduleInstanceId",
    "expandedProperties",
    "scopeDisplayName",
    "scopeType",
    "roleDefinitionDisplayName",
    "roleDefinitionType",
    "principalDisplayName",
    "principalEmail",
];

fn check_keys(o: &Obj<'_>) -> Result<()> {
    for k in o.keys() {
        let lower = k.to_ascii_lowercase();
        if lower.starts_with("expandedpropert") || KNOWN.iter().any(|x| x.eq_ignore_ascii_case(k)) {
            continue;
        }
        let hint = crate::error::did_you_mean(k, KNOWN.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::shape(
            o.origin,
            &o.pointer,
            format!(
                "unknown field `{}` in a PIM record{hint}",
                crate::text::escape(k)
            ),
        ));
    }
    Ok(())
}

/// Reads one file of PIM records of `kind`; returns how many.
pub(super) fn parse(inv: &mut Inventory, text: &str, origin: &str, kind: PimKind) -> Result<usize> {
    let v = json::parse(text, origin)?;
    let what = match kind {
        PimKind::Eligible => "role eligibility schedule instance",
        PimKind::Active => "role assignment schedule instance",
    };
    let (items, base) = list_items(&v, origin, what, &mut inv.gaps)?;
    let single = matches!(v, Value::Object(_)) && base.is_empty();
    let mut n = 0;
    for (i, item) in items.iter().enumerate() {
        let pointer = if single {
            String::new()
        } else {
            format!("{base}/{i}")
        };
        let outer = Obj::new(item, origin, &pointer, what)?;
        check_keys(&outer)?;
        let props = match outer.get("properties") {
            Some((k, p @ Value::Object(_))) => Obj::new(p, origin, &outer.child_pointer(k), what)?,
            _ => Obj::new(item, origin, &pointer, what)?,
        };
        check_keys(&props)?;
        let need = |key: &str| -> Result<&str> {
            props
                .opt_str(key)?
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    Error::shape(origin, &props.pointer, format!("{what} has no `{key}`"))
                })
        };
        let scope_text = need("scope")?.to_string();
        let role_text = need("roleDefinitionId")?.to_string();
        let principal_text = need("principalId")?.to_string();
        let ptype = props
            .opt_str("principalType")?
            .map(PrincipalType::parse)
            .unwrap_or_default();
        let date = |key: &str| -> Result<(Option<i64>, Option<String>)> {
            match props.opt_str(key)? {
                None => Ok((None, None)),
                Some(s) if s.trim().is_empty() => Ok((None, None)),
                Some(s) => match parse_datetime(s) {
                    Some(t) => Ok((Some(t), Some(s.trim().to_string()))),
                    None => Err(Error::shape(
                        origin,
                        &props.pointer,
                        format!(
                            "`{key}` is not a date and time azrbac reads (`2025-05-01T08:00:00Z` or `/Date(ms)/`): `{}`",
                            crate::text::escape(s)
                        ),
                    )),
                },
            }
        };
        let (start, start_text) = date("startDateTime")?;
        let (end, end_text) = date("endDateTime")?;
        let id = outer
            .opt_str("id")?
            .or(outer.opt_str("name")?)
            .unwrap_or("")
            .to_string();
        let origin_assignment = props
            .opt_str("originRoleAssignmentId")?
            .and_then(|s| s.trim().rsplit('/').next())
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase);
        let condition = props
            .opt_str("condition")?
            .filter(|c| !c.trim().is_empty())
            .map(|c| inv.conditions.push(c));
        let principal = inv.set_principal(&principal_text, ptype);
        // The display name: `expandedProperties.principal.displayName` (REST) or
        // `ExpandedPropertiesPrincipalDisplayName` (PowerShell).
        let shown = props
            .get("expandedProperties")
            .and_then(|(_, v)| v.get("principal"))
            .and_then(|p| p.get("displayName"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(props
                .opt_str("expandedPropertiesPrincipalDisplayName")?
                .map(str::to_string));
        if let Some(n) = shown
            && !n.trim().is_empty()
            && inv.principals.get(principal).name.is_none()
        {
            inv.principals.set_name(principal, &n);
        }
        let role = inv.role_ref(&role_text, None);
        let scope = inv.scopes.intern(&scope_text);
        let rec = PimRecord {
            kind,
            id,
            principal,
            role,
            scope,
            status: props.opt_str("status")?.map(str::to_string),
            start,
            end,
            start_text,
            end_text,
            assignment_type: props.opt_str("assignmentType")?.map(str::to_string),
            member_type: props.opt_str("memberType")?.map(str::to_string),
            origin_assignment,
            condition,
        };
        inv.pim.push(rec);
        n += 1;
    }
    Ok(n)
}

/// Seconds since the Unix epoch of an ISO 8601 date and time (`2025-05-01T08:00:00Z`,
/// fractions and `±hh:mm` offsets allowed, no zone read as UTC) or a .NET JSON date
/// (`/Date(1746086400000)/`).
pub fn parse_datetime(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Some(rest) = t
        .strip_prefix("/Date(")
        .or_else(|| t.strip_prefix("\\/Date("))
    {
        let inner = rest
            .trim_end_matches('/')
            .trim_end_matches('\\')
            .strip_suffix(')')?;
        // `1746086400000+0000`: the offset does not change the instant.
        let ms_text = inner
            .char_indices()
            .find(|(i, c)| *i > 0 && (*c == '+' || *c == '-'))
            .map(|(i, _)| &inner[..i])
            .unwrap_or(inner);
        let ms: i64 = ms_text.parse().ok()?;
        return Some(ms.div_euclid(1000));
    }
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = t.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = 0;
    let mut rest = &t[10..];
    if let Some(r) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        let hb = r.as_bytes();
        if hb.len() < 8 || hb[2] != b':' || hb[5] != b':' {
            return None;
        }
        let p = |a: usize| -> Option<i64> {
            let s = r.get(a..a + 2)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let (h, mi, se) = (p(0)?, p(3)?, p(6)?);
        if h > 23 || mi > 59 || se > 60 {
            return None;
        }
        secs = h * 3600 + mi * 60 + se;
        rest = &r[8..];
        if let Some(f) = rest.strip_prefix('.') {
            let digits = f.bytes().take_while(u8::is_ascii_digit).count();
            rest = &f[digits..];
        }
        if rest.eq_ignore_ascii_case("z") || rest.is_empty() {
            rest = "";
        } else {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = &rest[1..];
            let (oh, om) = match o.len() {
                5 if o.as_bytes()[2] == b':' => (o.get(0..2)?, o.get(3..5)?),
                4 => (o.get(0..2)?, o.get(2..4)?),
                _ => return None,
            };
            let off = oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60;
            secs -= sign * off;
            rest = "";
        }
    }
    if !rest.is_empty() {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_datetime("2025-05-01T08:00:00Z"), Some(1_746_086_400));
        assert_eq!(
            parse_datetime("2025-05-01T10:00:00+02:00"),
            Some(1_746_086_400)
        );
        assert_eq!(
            parse_datetime("2025-05-01T08:00:00.1234567Z"),
            Some(1_746_086_400)
        );
        assert_eq!(parse_datetime("/Date(1746086400000)/"), Some(1_746_086_400));
        assert_eq!(parse_datetime("2025-05-01"), Some(1_746_057_600));
        assert_eq!(parse_datetime("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        for bad in [
            "",
            "tomorrow",
            "2025-13-01",
            "2025-05-01T8:00:00Z",
            "2025-05-01T08:00:00Q",
            "2025-05-01Tx",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn in_force_by_status_and_dates() {
        let mut r = PimRecord {
            kind: PimKind::Eligible,
            id: String::new(),
            principal: 0,
            role: 0,
            scope: 0,
            status: Some("Provisioned".into()),
            start: Some(100),
            end: Some(200),
            start_text: None,
            end_text: None,
            assignment_type: None,
            member_type: None,
            origin_assignment: None,
            condition: None,
        };
        assert_eq!(r.in_force(150), InForce::Yes);
        assert_eq!(r.in_force(50), InForce::Future);
        assert_eq!(r.in_force(200), InForce::Expired);
        r.end = None;
        assert_eq!(r.in_force(10_000), InForce::Yes);
        r.status = Some("Revoked".into());
        assert_eq!(r.in_force(150), InForce::Status);
    }
}

#[cfg(test)]
mod fuzz {
    //! The PIM reader never panics: on arbitrary text, and on real records cut, spliced and
    //! edited, it reads or returns an error naming the file.
    #![allow(clippy::unwrap_used)]
    use super::super::Inventory;
    use proptest::prelude::*;

    const REAL: &str = r#"{"value": [{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/e1", "name": "e1",
      "properties": {"scope": "/subscriptions/s", "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      "principalId": "p1", "principalType": "User", "status": "Provisioned", "startDateTime": "2025-01-01T00:00:00Z", "endDateTime": null,
      "expandedProperties": {"principal": {"displayName": "x"}}}}],
      "nextLink": null}"#;

    fn read(text: &str) -> Result<usize, String> {
        let mut inv = Inventory::new();
        inv.read_eligible(text, "e.json")
            .map_err(|e| e.to_string())
            .and_then(|n| {
                inv.read_pim_assignments(text, "a.json")
                    .map(|m| n + m)
                    .map_err(|e| e.to_string())
            })
    }

    #[test]
    fn the_real_record_reads() {
        assert_eq!(read(REAL), Ok(2));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
            if let Err(e) = read(&s) {
                prop_assert!(e.contains(".json"), "{e}");
            }
        }

        #[test]
        fn edited_records_never_panic(cut in 0usize..600, ins in "[\\[\\]{}\",:0-9a-zA-Z/ -]{0,12}", del in 0usize..20) {
            let mut t: Vec<char> = REAL.chars().collect();
            let at = cut.min(t.len());
            let end = (at + del).min(t.len());
            t.splice(at..end, ins.chars());
            let text: String = t.into_iter().collect();
            if let Err(e) = read(&text) {
                prop_assert!(e.contains(".json"), "{e}");
                prop_assert_eq!(e.trim().lines().count(), 1);
            }
        }
    }
}
