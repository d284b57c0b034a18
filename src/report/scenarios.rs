//! Rendering the scenario library (`scenarios`) and one scenario (`scenarios NAME`).

use super::{table, to_json};
use crate::analyses::scenario::view::{ScenarioList, ScenarioReport};
use std::fmt::Write;

pub fn list_json(l: &ScenarioList) -> String {
    to_json(l)
}

pub fn list_table(l: &ScenarioList) -> String {
    let mut t = table(&["scenario", "actions", "dataActions", "summary"]);
    for s in &l.scenarios {
        t.add_row(super::safe_row(vec![
            s.name.clone(),
            s.counts.actions.to_string(),
            s.counts.data_actions.to_string(),
            s.summary.clone(),
        ]));
    }
    format!(
        "{t}\n{} scenarios; `azrbac scenarios NAME` shows one, `azrbac generate --scenario NAME --scope SCOPE` builds its role\n",
        l.scenarios.len()
    )
}

pub fn list_markdown(l: &ScenarioList) -> String {
    let mut s =
        String::from("| Scenario | Actions | DataActions | Summary |\n|---|---:|---:|---|\n");
    for i in &l.scenarios {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            i.name,
            i.counts.actions,
            i.counts.data_actions,
            md_cell(&i.summary)
        );
    }
    s
}

pub fn show_json(r: &ScenarioReport) -> String {
    to_json(r)
}

pub fn show_table(r: &ScenarioReport) -> String {
    let v = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(s, "{} ({})", v.title, v.name);
    let _ = writeln!(s, "{}\n", v.summary);
    for para in v.description.split("\n\n") {
        let _ = writeln!(s, "{}\n", wrap(&para.replace('\n', " "), 96, ""));
    }
    let _ = writeln!(s, "role:      {} — {}", v.role_name, v.role_description);
    let _ = writeln!(s, "assign at: {}", v.assign_at);
    if !v.commands.is_empty() {
        let _ = writeln!(s, "\nCommands (Azure ML CLI v2 / SDK v2 call map):");
        for c in &v.commands {
            let _ = writeln!(s, "  - {c}");
        }
    }
    if !v.variants.is_empty() {
        let _ = writeln!(s, "\nVariants (generate --with NAME, repeatable):");
        for x in &v.variants {
            let mark = if x.chosen { " [chosen]" } else { "" };
            let _ = writeln!(
                s,
                "{}",
                wrap(&format!("{}{mark}: {}", x.name, x.summary), 96, "  - ")
            );
        }
    }
    if !v.assumptions.is_empty() {
        let _ = writeln!(s, "\nAssumes:");
        for a in &v.assumptions {
            let _ = writeln!(s, "{}", wrap(a, 96, "  - "));
        }
    }
    if !v.assignable_scopes.is_empty() {
        let _ = writeln!(s, "scopes:    {}", v.assignable_scopes.join(", "));
    }
    let _ = writeln!(
        s,
        "\n{} control-plane and {} data-plane operations (wildcards: {}):",
        v.counts.actions, v.counts.data_actions, v.wildcards
    );
    let mut t = table(&["operation", "plane", "risk"]);
    for o in &v.operations {
        let risk = if !o.known {
            "not in the catalog".to_string()
        } else if o.risks.is_empty() {
            "-".to_string()
        } else {
            o.risks.join(", ")
        };
        t.add_row(super::safe_row(vec![
            o.name.clone(),
            o.plane.to_string(),
            risk,
        ]));
    }
    let _ = writeln!(s, "{t}");
    for p in &v.empty_patterns {
        let _ = writeln!(s, "  pattern `{p}` matches nothing in this catalog");
    }
    for k in &v.kept_wildcards {
        let _ = writeln!(
            s,
            "{}",
            wrap(
                &format!(
                    "`{}` is a wildcard, kept for `{}` (not in the catalog); it matches today: {}",
                    k.entry,
                    k.for_operation,
                    k.reach.join(", ")
                ),
                96,
                "  note: "
            )
        );
    }
    for o in &v.other_scopes {
        let what = if o.in_role {
            format!(
                "`{}` is checked at the {}: assign the role there too",
                o.operation, o.scope
            )
        } else {
            format!(
                "`{}` is checked at a {}-level path: not in the role; `generate` prints the second role that grants it",
                o.operation, o.scope
            )
        };
        let _ = writeln!(s, "{}", wrap(&what, 96, "  note: "));
    }
    if !v.leaves_out.is_empty() {
        let _ = writeln!(s, "\nLeaves out, deliberately:");
        for l in &v.leaves_out {
            let _ = writeln!(s, "{}", wrap(&l.reason, 96, "  - "));
            for o in &l.operations {
                let _ = writeln!(s, "      {o}");
            }
        }
    }
    if !v.not_in_catalog.is_empty() {
        let _ = writeln!(s, "\nNeeded although the catalog does not list them:");
        for n in &v.not_in_catalog {
            let _ = writeln!(s, "  - {}: {}", n.operation, n.reason);
        }
    }
    let _ = writeln!(s, "\nSources:");
    for src in &v.sources {
        let _ = writeln!(s, "  - {} <{}>", src.title, src.url);
        if let Some(r) = &src.r#ref {
            let _ = writeln!(s, "    {r}");
        }
    }
    let _ = writeln!(
        s,
        "\nGenerate: azrbac generate --scenario {} --scope /subscriptions/<subscription-id> [--compact] [--format az|arm|bicep|terraform]",
        v.name
    );
    s
}

pub fn show_markdown(r: &ScenarioReport) -> String {
    let v = &r.scenario;
    let mut s = String::new();
    let _ = writeln!(s, "## {} (`{}`)\n\n{}\n", v.title, v.name, v.summary);
    for para in v.description.split("\n\n") {
        let _ = writeln!(s, "{}\n", para.replace('\n', " "));
    }
    let _ = writeln!(
        s,
        "Role **{}**: {} Assign at {}.\n",
        v.role_name, v.role_description, v.assign_at
    );
    if !v.commands.is_empty() {
        s.push_str("Commands:\n\n");
        for c in &v.commands {
            let _ = writeln!(s, "- `{}`", c.replace('`', "'"));
        }
        s.push('\n');
    }
    if !v.variants.is_empty() {
        s.push_str("Variants (`--with NAME`):\n\n");
        for x in &v.variants {
            let _ = writeln!(s, "- `{}`: {}", x.name, x.summary);
        }
        s.push('\n');
    }
    if !v.assumptions.is_empty() {
        s.push_str("Assumes:\n\n");
        for a in &v.assumptions {
            let _ = writeln!(s, "- {a}");
        }
        s.push('\n');
    }
    s.push_str("| Operation | Plane | Risk |\n|---|---|---|\n");
    for o in &v.operations {
        let risk = if o.known {
            o.risks.join(", ")
        } else {
            "not in the catalog".into()
        };
        let _ = writeln!(s, "| `{}` | {} | {} |", o.name, o.plane, md_cell(&risk));
    }
    if !v.leaves_out.is_empty() {
        s.push_str("\nLeaves out:\n\n");
        for l in &v.leaves_out {
            let ops: Vec<String> = l.operations.iter().map(|o| format!("`{o}`")).collect();
            let _ = writeln!(s, "- {} ({})", l.reason, ops.join(", "));
        }
    }
    s.push_str("\nSources:\n\n");
    for src in &v.sources {
        let _ = writeln!(s, "- [{}]({})", src.title, src.url);
    }
    s
}

fn md_cell(t: &str) -> String {
    t.replace('|', "\\|").replace('\n', " ")
}

/// Wraps text at `width` columns; the first line starts with `lead`, the others are indented
/// to match it.
fn wrap(text: &str, width: usize, lead: &str) -> String {
    let indent = " ".repeat(lead.chars().count());
    let mut out = String::from(lead);
    let mut col = lead.chars().count();
    let mut first = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !first && col + 1 + w > width {
            out.push('\n');
            out.push_str(&indent);
            col = indent.len();
        } else if !first {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        first = false;
    }
    out
}
