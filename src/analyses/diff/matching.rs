//! Matching roles across OLD and NEW: by GUID, else by display name (ignoring ASCII case),
//! else a lone unmatched role on each side of the same file; then across files by GUID and by
//! name (a role moved to another file). Pairing the rest by identical effective permissions
//! needs their expansions: see `diff_files`.

use crate::model::RoleDefinition;
use crate::model::catalog::canonical_cmp;

/// The roles one file (or one command-line argument pair) holds before and after.
#[derive(Debug, Clone, Copy)]
pub struct FileRoles<'a> {
    /// Repository path, or `None` for an explicit `diff OLD NEW`.
    pub path: Option<&'a str>,
    /// The OLD path when git saw the file renamed.
    pub renamed_from: Option<&'a str>,
    pub old: &'a [RoleDefinition],
    pub new: &'a [RoleDefinition],
}

/// A matched pair, or a role only one side has.
#[derive(Debug, Clone, Copy)]
pub struct Pairing<'a> {
    pub old: Option<&'a RoleDefinition>,
    pub new: Option<&'a RoleDefinition>,
    pub old_path: Option<&'a str>,
    pub new_path: Option<&'a str>,
}

impl Pairing<'_> {
    /// The name used for the pair: NEW's label, else OLD's.
    pub fn label(&self) -> String {
        self.new
            .or(self.old)
            .map(RoleDefinition::label)
            .unwrap_or_default()
    }
}

fn guids_conflict(a: &RoleDefinition, b: &RoleDefinition) -> bool {
    matches!((&a.guid, &b.guid), (Some(x), Some(y)) if x != y)
}

fn same_name(a: &RoleDefinition, b: &RoleDefinition) -> bool {
    match (&a.name, &b.name) {
        (Some(x), Some(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        _ => false,
    }
}

/// Pairs the roles of every file. With `explicit` (the user named OLD and NEW), a file whose
/// sides hold one role each compares those two whatever their ids and names.
pub fn pair_roles<'a>(files: &[FileRoles<'a>], explicit: bool) -> Vec<Pairing<'a>> {
    let mut out: Vec<Pairing<'a>> = Vec::new();
    let mut left_old: Vec<(&'a RoleDefinition, Option<&'a str>)> = Vec::new();
    let mut left_new: Vec<(&'a RoleDefinition, Option<&'a str>)> = Vec::new();
    for f in files {
        let mut old_used = vec![false; f.old.len()];
        let mut new_used = vec![false; f.new.len()];
        let pair = |i: usize,
                    j: usize,
                    old_used: &mut [bool],
                    new_used: &mut [bool],
                    out: &mut Vec<Pairing<'a>>| {
            old_used[i] = true;
            new_used[j] = true;
            out.push(Pairing {
                old: Some(&f.old[i]),
                new: Some(&f.new[j]),
                old_path: f.renamed_from.or(f.path),
                new_path: f.path,
            });
        };
        if explicit && f.old.len() == 1 && f.new.len() == 1 {
            pair(0, 0, &mut old_used, &mut new_used, &mut out);
        }
        // By GUID.
        for j in 0..f.new.len() {
            let Some(g) = &f.new[j].guid else { continue };
            if new_used[j] {
                continue;
            }
            if let Some(i) =
                (0..f.old.len()).find(|i| !old_used[*i] && f.old[*i].guid.as_ref() == Some(g))
            {
                pair(i, j, &mut old_used, &mut new_used, &mut out);
            }
        }
        // By name, unless the GUIDs say these are different roles.
        for j in 0..f.new.len() {
            if new_used[j] {
                continue;
            }
            let n = &f.new[j];
            if let Some(i) = (0..f.old.len()).find(|i| {
                !old_used[*i] && same_name(&f.old[*i], n) && !guids_conflict(&f.old[*i], n)
            }) {
                pair(i, j, &mut old_used, &mut new_used, &mut out);
            }
        }
        // A lone role left on each side of the same file: a rename.
        let lo: Vec<usize> = (0..f.old.len()).filter(|i| !old_used[*i]).collect();
        let ln: Vec<usize> = (0..f.new.len()).filter(|j| !new_used[*j]).collect();
        if lo.len() == 1 && ln.len() == 1 && !guids_conflict(&f.old[lo[0]], &f.new[ln[0]]) {
            pair(lo[0], ln[0], &mut old_used, &mut new_used, &mut out);
        }
        left_old.extend(
            (0..f.old.len())
                .filter(|i| !old_used[*i])
                .map(|i| (&f.old[i], f.renamed_from.or(f.path))),
        );
        left_new.extend(
            (0..f.new.len())
                .filter(|j| !new_used[*j])
                .map(|j| (&f.new[j], f.path)),
        );
    }
    // Across files, by GUID, then by name unless the GUIDs differ: a role moved from one
    // file to another.
    let mut old_taken = vec![false; left_old.len()];
    let mut new_match: Vec<Option<usize>> = vec![None; left_new.len()];
    for (j, (n, _)) in left_new.iter().enumerate() {
        let found = n.guid.as_ref().and_then(|g| {
            (0..left_old.len()).find(|i| !old_taken[*i] && left_old[*i].0.guid.as_ref() == Some(g))
        });
        if let Some(i) = found {
            old_taken[i] = true;
            new_match[j] = Some(i);
        }
    }
    for (j, (n, _)) in left_new.iter().enumerate() {
        if new_match[j].is_some() {
            continue;
        }
        let found = (0..left_old.len()).find(|i| {
            !old_taken[*i] && same_name(left_old[*i].0, n) && !guids_conflict(left_old[*i].0, n)
        });
        if let Some(i) = found {
            old_taken[i] = true;
            new_match[j] = Some(i);
        }
    }
    for (j, (n, np)) in left_new.into_iter().enumerate() {
        match new_match[j] {
            Some(i) => out.push(Pairing {
                old: Some(left_old[i].0),
                new: Some(n),
                old_path: left_old[i].1,
                new_path: np,
            }),
            None => out.push(Pairing {
                old: None,
                new: Some(n),
                old_path: None,
                new_path: np,
            }),
        }
    }
    for (i, (o, op)) in left_old.into_iter().enumerate() {
        if !old_taken[i] {
            out.push(Pairing {
                old: Some(o),
                new: None,
                old_path: op,
                new_path: None,
            });
        }
    }
    sort_pairings(&mut out);
    out
}

/// Orders pairings by path, then by label.
pub fn sort_pairings(out: &mut [Pairing<'_>]) {
    out.sort_by(|a, b| {
        let pa = a.new_path.or(a.old_path).unwrap_or("");
        let pb = b.new_path.or(b.old_path).unwrap_or("");
        pa.cmp(pb)
            .then_with(|| canonical_cmp(&a.label(), &b.label()))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::parse_roles_json;

    fn roles(text: &str) -> Vec<RoleDefinition> {
        parse_roles_json(&serde_json::from_str(text).unwrap(), "t.json").unwrap()
    }

    fn names(p: &[Pairing<'_>]) -> Vec<(Option<String>, Option<String>)> {
        p.iter()
            .map(|x| {
                (
                    x.old.and_then(|r| r.name.clone()),
                    x.new.and_then(|r| r.name.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn by_guid_then_name_then_lone_pair() {
        let old = roles(
            r#"[{"Name":"A","Id":"11111111-1111-1111-1111-111111111111","Actions":["x/read"]},
                {"Name":"B","Actions":["x/read"]},{"Name":"C","Actions":["x/read"]},{"Name":"Gone","Id":"22222222-2222-2222-2222-222222222222","Actions":[]}]"#,
        );
        let new = roles(
            r#"[{"Name":"A renamed","Id":"11111111-1111-1111-1111-111111111111","Actions":["x/read"]},
                {"Name":"b","Actions":["x/read"]},{"Name":"New","Id":"33333333-3333-3333-3333-333333333333","Actions":[]}]"#,
        );
        let p = pair_roles(
            &[FileRoles {
                path: None,
                renamed_from: None,
                old: &old,
                new: &new,
            }],
            false,
        );
        let n = names(&p);
        assert!(
            n.contains(&(Some("A".into()), Some("A renamed".into()))),
            "{n:?}"
        );
        assert!(n.contains(&(Some("B".into()), Some("b".into()))), "{n:?}");
        // C and Gone left on the old side, New on the new side: not a lone pair (two old).
        assert!(n.contains(&(Some("C".into()), None)), "{n:?}");
        assert!(n.contains(&(Some("Gone".into()), None)), "{n:?}");
        assert!(n.contains(&(None, Some("New".into()))), "{n:?}");
        assert_eq!(n.len(), 5);
    }

    #[test]
    fn lone_roles_pair_unless_guids_conflict() {
        let old = roles(r#"{"Name":"X","Actions":["x/read"]}"#);
        let new = roles(r#"{"Name":"Y","Actions":["x/read"]}"#);
        let p = pair_roles(
            &[FileRoles {
                path: Some("r.json"),
                renamed_from: None,
                old: &old,
                new: &new,
            }],
            false,
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].old.is_some() && p[0].new.is_some());
        let old = roles(r#"{"Name":"X","Id":"11111111-1111-1111-1111-111111111111","Actions":[]}"#);
        let new = roles(r#"{"Name":"Y","Id":"33333333-3333-3333-3333-333333333333","Actions":[]}"#);
        let files = [FileRoles {
            path: Some("r.json"),
            renamed_from: None,
            old: &old,
            new: &new,
        }];
        assert_eq!(pair_roles(&files, false).len(), 2);
        // An explicit `diff OLD NEW` of one role each compares them anyway.
        assert_eq!(pair_roles(&files, true).len(), 1);
    }

    #[test]
    fn names_match_across_files_unless_guids_differ() {
        let a_old = roles(r#"{"Name":"Mover","Actions":[]}"#);
        let b_new = roles(r#"{"Name":"mover","Actions":["y/read"]}"#);
        let c_old =
            roles(r#"{"Name":"Other","Id":"11111111-1111-1111-1111-111111111111","Actions":[]}"#);
        let d_new =
            roles(r#"{"Name":"Other","Id":"22222222-2222-2222-2222-222222222222","Actions":[]}"#);
        let f = |path, old, new| FileRoles {
            path: Some(path),
            renamed_from: None,
            old,
            new,
        };
        let files = [
            f("a.json", &a_old[..], &[][..]),
            f("b.json", &[][..], &b_new[..]),
            f("c.json", &c_old[..], &[][..]),
            f("d.json", &[][..], &d_new[..]),
        ];
        let p = pair_roles(&files, false);
        assert_eq!(p.len(), 3, "{:?}", names(&p));
        assert_eq!(
            (p[0].old_path, p[0].new_path),
            (Some("a.json"), Some("b.json"))
        );
    }

    #[test]
    fn guid_matches_across_files() {
        let a_old =
            roles(r#"{"Name":"X","Id":"11111111-1111-1111-1111-111111111111","Actions":[]}"#);
        let b_new = roles(
            r#"{"Name":"X","Id":"11111111-1111-1111-1111-111111111111","Actions":["y/read"]}"#,
        );
        let files = [
            FileRoles {
                path: Some("a.json"),
                renamed_from: None,
                old: &a_old,
                new: &[],
            },
            FileRoles {
                path: Some("b.json"),
                renamed_from: None,
                old: &[],
                new: &b_new,
            },
        ];
        let p = pair_roles(&files, false);
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].old_path, p[0].new_path),
            (Some("a.json"), Some("b.json"))
        );
    }
}
