//! Azure scopes and the scope tree: `/`, management groups (placed from the export, never
//! from string prefixes), subscriptions, resource groups, resources and child resources,
//! compared ignoring ASCII case.

use super::assignment::lower_into;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// What level of the hierarchy a scope string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeKind {
    Root,
    ManagementGroup,
    Subscription,
    ResourceGroup,
    /// A resource, a child resource or an extension resource.
    Resource,
    /// A string that is none of the above; placed directly under `/`.
    Unrecognised,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Root => "root",
            ScopeKind::ManagementGroup => "managementGroup",
            ScopeKind::Subscription => "subscription",
            ScopeKind::ResourceGroup => "resourceGroup",
            ScopeKind::Resource => "resource",
            ScopeKind::Unrecognised => "unrecognised",
        }
    }
}

/// The management-group id prefix, lower-cased.
pub const MG_PREFIX: &str = "/providers/microsoft.management/managementgroups/";

/// Trims whitespace, ensures one leading `/` and removes trailing slashes (`/` stays `/`).
pub fn normalize(scope: &str) -> String {
    let t = scope.trim().trim_end_matches('/');
    if t.is_empty() {
        return "/".to_string();
    }
    if t.starts_with('/') {
        t.to_string()
    } else {
        format!("/{t}")
    }
}

fn segments(s: &str) -> Vec<&str> {
    s.split('/').filter(|x| !x.is_empty()).collect()
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The kind of a normalized scope.
pub fn kind_of(scope: &str) -> ScopeKind {
    let segs = segments(scope);
    match segs.as_slice() {
        [] => ScopeKind::Root,
        [s, _] if eq(s, "subscriptions") => ScopeKind::Subscription,
        [s, _, r, _] if eq(s, "subscriptions") && eq(r, "resourcegroups") => {
            ScopeKind::ResourceGroup
        }
        [p, ns, m, _]
            if eq(p, "providers")
                && eq(ns, "microsoft.management")
                && eq(m, "managementgroups") =>
        {
            ScopeKind::ManagementGroup
        }
        _ => {
            if structural_parent(scope).is_some() {
                ScopeKind::Resource
            } else {
                ScopeKind::Unrecognised
            }
        }
    }
}

/// Checks a scope given on the command line: `Err` with a one-line reason (and the id with
/// misspelt keywords corrected, when that makes a scope id) for text that is not `/`, a
/// management group, subscription, resource group or resource id. Answering for such text
/// would consider only assignments at `/` and understate access.
pub fn check_scope_arg(scope: &str) -> Result<(), String> {
    let t = scope.trim();
    if kind_of(t) != ScopeKind::Unrecognised {
        return Ok(());
    }
    const WORDS: [&str; 5] = [
        "subscriptions",
        "resourceGroups",
        "providers",
        "Microsoft.Management",
        "managementGroups",
    ];
    let fixed: Vec<String> = t
        .split('/')
        .map(|seg| {
            if seg.is_empty() || WORDS.iter().any(|w| w.eq_ignore_ascii_case(seg)) {
                return seg.to_string();
            }
            match crate::error::did_you_mean(seg, WORDS) {
                Some(w) if seg.len() > 3 => w.to_string(),
                _ => seg.to_string(),
            }
        })
        .collect();
    let fixed = fixed.join("/");
    let hint = if fixed != t && kind_of(&fixed) != ScopeKind::Unrecognised {
        format!(" (did you mean `{}`?)", crate::text::escape(&fixed))
    } else {
        String::new()
    };
    Err(format!(
        "`{}` is not a scope id{hint}: give `/`, /providers/Microsoft.Management/managementGroups/NAME, /subscriptions/ID, /subscriptions/ID/resourceGroups/NAME or a resource id",
        crate::text::escape(t)
    ))
}

/// The parent of a resource or resource group, derived from the string (these levels are
/// structural). `None` for `/`, management groups, subscriptions and unrecognised strings:
/// their parents come from the management-group export.
pub fn structural_parent(scope: &str) -> Option<&str> {
    // Each non-empty segment with the byte offset of the `/` before it.
    let mut segs: Vec<(usize, &str)> = Vec::new();
    let mut pos: usize = 0;
    for part in scope.split('/') {
        if !part.is_empty() {
            segs.push((pos.saturating_sub(1), part));
        }
        pos += part.len() + 1;
    }
    let n = segs.len();
    let cut = |i: usize| -> &str { &scope[..segs[i].0] };
    let segs: Vec<&str> = segs.iter().map(|(_, s)| *s).collect();
    if n == 4 && eq(segs[0], "subscriptions") && eq(segs[2], "resourcegroups") {
        return Some(cut(2));
    }
    // Base scope length: subscription (2), resource group (4), management group (4).
    let base = if n >= 2 && eq(segs[0], "subscriptions") {
        if n >= 4 && eq(segs[2], "resourcegroups") {
            4
        } else {
            2
        }
    } else if n >= 4
        && eq(segs[0], "providers")
        && eq(segs[1], "microsoft.management")
        && eq(segs[2], "managementgroups")
    {
        4
    } else {
        return None;
    };
    if n <= base {
        return None;
    }
    // Read the resource part forwards: `providers/{namespace}` then `{type}/{name}` pairs, where
    // `providers` in a type position starts an extension resource. A name position is never a
    // keyword (a workspace may be called `providers`). `levels` holds the segment counts of the
    // complete scopes on the way; the parent is the longest one shorter than the whole.
    let mut levels = vec![base];
    let mut i = base;
    let mut expect_namespace = true;
    while i < n {
        if expect_namespace || (eq(segs[i], "providers") && i + 1 < n) {
            if !eq(segs[i], "providers") || i + 1 >= n {
                return None;
            }
            i += 2;
            expect_namespace = false;
            continue;
        }
        if i + 1 < n {
            levels.push(i + 2);
        }
        i += 2;
    }
    let parent = levels.iter().rev().find(|k| **k < n)?;
    Some(cut(*parent))
}

/// How many of a scope's keywords carry Azure's usual spelling (`subscriptions`,
/// `resourceGroups`, `providers`, `managementGroups`): the tree shows the best-spelled
/// variant of a scope it has seen in several cases (Resource Graph lower-cases ids).
fn spelling_score(s: &str) -> usize {
    s.split('/')
        .filter(|seg| {
            matches!(
                *seg,
                "subscriptions"
                    | "resourceGroups"
                    | "providers"
                    | "managementGroups"
                    | "Microsoft.Management"
            )
        })
        .count()
}

/// One node of the scope tree.
#[derive(Debug, Clone)]
pub struct ScopeNode {
    /// First spelling seen, normalized.
    pub display: Box<str>,
    pub kind: ScopeKind,
    pub parent: Option<u32>,
    /// False when the node's parent is a guess: a subscription or management group the
    /// management-group export does not place (or no export was supplied), hung under `/`.
    pub placed: bool,
}

/// The root scope's node id.
pub const ROOT: u32 = 0;

/// Interned scopes with parent links. Build with [`ScopeTree::intern`], then
/// [`ScopeTree::link`] once every input is read.
#[derive(Debug, Clone)]
pub struct ScopeTree {
    nodes: Vec<ScopeNode>,
    lookup: FxHashMap<Box<str>, u32>,
    children_start: Vec<u32>,
    children: Vec<u32>,
    buf: String,
}

impl Default for ScopeTree {
    fn default() -> Self {
        ScopeTree::new()
    }
}

impl ScopeTree {
    pub fn new() -> ScopeTree {
        let mut lookup = FxHashMap::default();
        lookup.insert(Box::from("/"), ROOT);
        ScopeTree {
            nodes: vec![ScopeNode {
                display: "/".into(),
                kind: ScopeKind::Root,
                parent: None,
                placed: true,
            }],
            lookup,
            children_start: Vec::new(),
            children: Vec::new(),
            buf: String::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 1
    }

    pub fn node(&self, id: u32) -> &ScopeNode {
        &self.nodes[id as usize]
    }

    pub fn display(&self, id: u32) -> &str {
        &self.nodes[id as usize].display
    }

    /// The id of a scope, adding it when new.
    pub fn intern(&mut self, scope: &str) -> u32 {
        let t = scope.trim();
        let clean = !t.is_empty() && t.starts_with('/') && (t == "/" || !t.ends_with('/'));
        let norm;
        let key = if clean {
            lower_into(t, &mut self.buf)
        } else {
            norm = normalize(t);
            lower_into(&norm, &mut self.buf)
        };
        if let Some(id) = self.lookup.get(key).copied() {
            let node = &mut self.nodes[id as usize];
            if clean && *node.display != *t && spelling_score(t) > spelling_score(&node.display) {
                node.display = t.into();
            }
            return id;
        }
        let display = if clean { t.to_string() } else { normalize(t) };
        let id = self.nodes.len() as u32;
        self.lookup.insert(Box::from(key), id);
        let kind = kind_of(&display);
        self.nodes.push(ScopeNode {
            display: display.into(),
            kind,
            parent: None,
            placed: true,
        });
        id
    }

    /// The id of a scope already interned.
    pub fn get(&self, scope: &str) -> Option<u32> {
        self.lookup
            .get(normalize(scope).to_ascii_lowercase().as_str())
            .copied()
    }

    /// Sets every node's parent: structural for resource groups and resources (adding the
    /// intermediate scopes), from `placement` (child → parent, both interned) for
    /// subscriptions and management groups, else `/` with `placed = false`. A placement cycle
    /// is broken by hanging its first node under `/` (unplaced).
    pub fn link(&mut self, placement: &HashMap<u32, Option<u32>>) {
        let mut i = 1;
        while i < self.nodes.len() {
            let display = self.nodes[i].display.to_string();
            let (parent, placed) = match self.nodes[i].kind {
                ScopeKind::Root => (None, true),
                ScopeKind::ResourceGroup | ScopeKind::Resource => match structural_parent(&display)
                {
                    Some(p) => (Some(self.intern(p)), true),
                    None => (Some(ROOT), false),
                },
                // Only a management group can be top-level (the tenant root group): a
                // subscription the export lists without a parent is not placed.
                ScopeKind::ManagementGroup | ScopeKind::Subscription => {
                    match placement.get(&(i as u32)) {
                        Some(Some(p)) => (Some(*p), true),
                        Some(None) => {
                            (Some(ROOT), self.nodes[i].kind == ScopeKind::ManagementGroup)
                        }
                        None => (Some(ROOT), false),
                    }
                }
                ScopeKind::Unrecognised => (Some(ROOT), false),
            };
            self.nodes[i].parent = parent;
            self.nodes[i].placed = placed;
            i += 1;
        }
        // Break placement cycles.
        let n = self.nodes.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        for start in 0..n {
            let mut chain = Vec::new();
            let mut cur = Some(start as u32);
            while let Some(c) = cur {
                match state[c as usize] {
                    2 => break,
                    1 => {
                        self.nodes[c as usize].parent = Some(ROOT);
                        self.nodes[c as usize].placed = false;
                        break;
                    }
                    _ => {
                        state[c as usize] = 1;
                        chain.push(c);
                        cur = self.nodes[c as usize].parent;
                    }
                }
            }
            for c in chain {
                state[c as usize] = 2;
            }
        }
        self.build_children();
    }

    fn build_children(&mut self) {
        let n = self.nodes.len();
        let mut count = vec![0u32; n + 1];
        for node in &self.nodes {
            if let Some(p) = node.parent {
                count[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let mut children = vec![0u32; count[n] as usize];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(p) = node.parent {
                children[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
        self.children_start = count;
        self.children = children;
    }

    /// Direct children of a node (after [`ScopeTree::link`]), in id order.
    pub fn children(&self, id: u32) -> &[u32] {
        let i = id as usize;
        if i + 1 >= self.children_start.len() {
            return &[];
        }
        &self.children[self.children_start[i] as usize..self.children_start[i + 1] as usize]
    }

    /// Every node strictly below `id`, depth first in id order.
    pub fn descendants(&self, id: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack: Vec<u32> = self.children(id).iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            out.push(c);
            stack.extend(self.children(c).iter().rev());
        }
        out
    }

    /// The ancestors-or-self of a node, from the node up to `/`.
    pub fn ancestors(&self, id: u32) -> Vec<u32> {
        let mut out = vec![id];
        let mut cur = self.nodes[id as usize].parent;
        while let Some(p) = cur {
            if out.len() > self.nodes.len() {
                break;
            }
            out.push(p);
            cur = self.nodes[p as usize].parent;
        }
        out
    }

    /// Resolves a query scope (which need not be interned): the nodes on its path to `/`
    /// (itself first when interned), and whether the path is certain.
    pub fn path(&self, scope: &str) -> ScopePath {
        let norm = normalize(scope);
        let kind = kind_of(&norm);
        let mut cur = norm.as_str();
        loop {
            if let Some(id) = self.get(cur) {
                let nodes = self.ancestors(id);
                let unplaced = nodes
                    .iter()
                    .find(|n| !self.nodes[**n as usize].placed)
                    .copied();
                return ScopePath {
                    exact: self.get(&norm),
                    display: self
                        .get(&norm)
                        .map_or(norm.clone(), |i| self.display(i).to_string()),
                    kind,
                    nodes,
                    unplaced,
                    unplaced_text: None,
                };
            }
            match structural_parent(cur) {
                Some(p) => cur = p,
                None => {
                    // A subscription or management group absent from every input: its place in
                    // the management-group hierarchy is unknown.
                    let unplaced_text = if matches!(kind_of(cur), ScopeKind::Root) {
                        None
                    } else {
                        Some(cur.to_string())
                    };
                    return ScopePath {
                        exact: None,
                        display: norm.clone(),
                        kind,
                        nodes: vec![ROOT],
                        unplaced: None,
                        unplaced_text,
                    };
                }
            }
        }
    }
}

/// A query scope resolved against the tree.
#[derive(Debug, Clone)]
pub struct ScopePath {
    /// The node of the scope itself, when interned.
    pub exact: Option<u32>,
    pub display: String,
    pub kind: ScopeKind,
    /// Existing ancestors-or-self, nearest first, ending at `/`.
    pub nodes: Vec<u32>,
    /// The first node on the path whose placement is a guess.
    pub unplaced: Option<u32>,
    /// A subscription or management group on the path that no input mentions.
    pub unplaced_text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_parents() {
        let ep = "/subscriptions/S/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep";
        assert_eq!(kind_of(ep), ScopeKind::Resource);
        assert_eq!(
            structural_parent(ep),
            Some(
                "/subscriptions/S/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
            )
        );
        assert_eq!(
            structural_parent(
                "/subscriptions/S/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
            ),
            Some("/subscriptions/S/resourceGroups/rg")
        );
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg"),
            Some("/subscriptions/S")
        );
        assert_eq!(structural_parent("/subscriptions/S"), None);
        assert_eq!(kind_of("/"), ScopeKind::Root);
        assert_eq!(
            kind_of("/providers/Microsoft.Management/managementGroups/mg"),
            ScopeKind::ManagementGroup
        );
        assert_eq!(
            kind_of("/subscriptions/S/resourcegroups/x"),
            ScopeKind::ResourceGroup
        );
        assert_eq!(kind_of("/bogus/thing"), ScopeKind::Unrecognised);
        // Extension resource and odd child path.
        assert_eq!(
            structural_parent(
                "/subscriptions/S/resourceGroups/rg/providers/A.B/t/n/providers/C.D/u/m"
            ),
            Some("/subscriptions/S/resourceGroups/rg/providers/A.B/t/n")
        );
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg/providers/A.B/t/n/c/d/e"),
            Some("/subscriptions/S/resourceGroups/rg/providers/A.B/t/n/c/d")
        );
        assert_eq!(
            structural_parent("/subscriptions/S/providers/A.B/t/n"),
            Some("/subscriptions/S")
        );
        // `providers` as a resource name is a name, not a keyword (found by an audit: the
        // endpoint below lost its workspace as parent).
        let ws = "/subscriptions/S/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/providers";
        assert_eq!(
            structural_parent(&format!("{ws}/onlineEndpoints/ep9")),
            Some(ws)
        );
        assert_eq!(
            structural_parent(&format!("{ws}/onlineEndpoints/providers/deployments/d1")),
            Some(format!("{ws}/onlineEndpoints/providers").as_str())
        );
        assert_eq!(
            structural_parent(ws),
            Some("/subscriptions/S/resourceGroups/rg")
        );
        assert_eq!(
            structural_parent(&format!(
                "{ws}/providers/Microsoft.Insights/diagnosticSettings/providers"
            )),
            Some(ws)
        );
        // Only a namespace, or a type without a name: the parent is the last complete scope.
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg/providers/A.B"),
            Some("/subscriptions/S/resourceGroups/rg")
        );
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg/providers/A.B/t"),
            Some("/subscriptions/S/resourceGroups/rg")
        );
        // Anything but `providers` after the resource group is not a scope azrbac knows.
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg/foo/providers/A.B/t/n"),
            None
        );
        assert_eq!(
            structural_parent("/subscriptions/S/resourceGroups/rg/providers"),
            None
        );
        assert_eq!(normalize(" subscriptions/S/ "), "/subscriptions/S");
        assert_eq!(normalize("  "), "/");
    }

    #[test]
    fn tree_uses_placement_not_prefixes() {
        let mut t = ScopeTree::new();
        let ep = t.intern(
            "/subscriptions/S/resourceGroups/RG/providers/M.L/workspaces/w/onlineEndpoints/e",
        );
        let sub = t.intern("/SUBSCRIPTIONS/s");
        let mg = t.intern("/providers/Microsoft.Management/managementGroups/mg");
        let top = t.intern("/providers/Microsoft.Management/managementGroups/top");
        let mut placement = HashMap::new();
        placement.insert(sub, Some(mg));
        placement.insert(mg, Some(top));
        placement.insert(top, None);
        t.link(&placement);
        let path: Vec<&str> = t.ancestors(ep).iter().map(|i| t.display(*i)).collect();
        assert_eq!(
            path,
            vec![
                "/subscriptions/S/resourceGroups/RG/providers/M.L/workspaces/w/onlineEndpoints/e",
                "/subscriptions/S/resourceGroups/RG/providers/M.L/workspaces/w",
                "/subscriptions/S/resourceGroups/RG",
                // The best-spelled variant seen wins over `/SUBSCRIPTIONS/s`.
                "/subscriptions/S",
                "/providers/Microsoft.Management/managementGroups/mg",
                "/providers/Microsoft.Management/managementGroups/top",
                "/"
            ]
        );
        let p = t.path("/subscriptions/s/resourcegroups/rg/providers/m.l/workspaces/w/onlineEndpoints/e/deployments/d");
        assert_eq!(p.exact, None);
        assert_eq!(p.nodes[0], ep);
        assert_eq!(p.unplaced, None);
        assert_eq!(t.descendants(mg).len(), 4);
        let other = t.path("/subscriptions/other/resourceGroups/x");
        assert_eq!(other.nodes, vec![ROOT]);
        assert_eq!(other.unplaced_text.as_deref(), Some("/subscriptions/other"));
    }

    #[test]
    fn unplaced_and_cycles() {
        let mut t = ScopeTree::new();
        let a = t.intern("/providers/Microsoft.Management/managementGroups/a");
        let b = t.intern("/providers/Microsoft.Management/managementGroups/b");
        let s = t.intern("/subscriptions/x");
        let mut placement = HashMap::new();
        placement.insert(a, Some(b));
        placement.insert(b, Some(a));
        t.link(&placement);
        assert!(t.ancestors(a).ends_with(&[ROOT]));
        assert!(!t.node(s).placed);
        assert_eq!(
            t.path("/subscriptions/X/resourceGroups/r").unplaced,
            Some(s)
        );
    }
}
