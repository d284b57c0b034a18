//! `catalog import` and `roles import`: build the compact data files from Azure CLI output.

use crate::cli::args::ImportArgs;
use crate::cli::input::{expand_inputs_flat as expand_inputs, read_text};
use crate::cli::output::write_atomic;
use crate::cli::{EXIT_INPUT, EXIT_OK};
use crate::error::{Error, Result};
use crate::model::ops_parse::parse_provider_operations;
use crate::model::{Catalog, Provenance, RoleSet, json, parse_roles_json};
use crate::report;

fn provenance(a: &ImportArgs, default_source: &str) -> Result<Provenance> {
    let date = match &a.source_date {
        Some(d) => {
            let ok = d.len() == 10
                && d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !ok {
                return Err(Error::usage(format!(
                    "--source-date `{d}` is not a date of the form YYYY-MM-DD"
                )));
            }
            d.clone()
        }
        None => today(),
    };
    Ok(Provenance {
        source: a
            .source
            .clone()
            .unwrap_or_else(|| default_source.to_string()),
        source_date: date,
    })
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // civil-from-days (proleptic Gregorian)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Files named in a message: all of them up to three, else the first three and a count.
fn file_list(files: &[String]) -> String {
    match files.len() {
        0 => "the inputs".to_string(),
        1..=3 => files.join(", "),
        n => format!("{} and {} more files", files[..3].join(", "), n - 3),
    }
}

pub fn catalog(a: &ImportArgs) -> Result<i32> {
    let prov = provenance(a, "az provider operation show/list -o json")?;
    let mut providers = Vec::new();
    let mut read = Vec::new();
    for f in expand_inputs(&a.inputs)? {
        let shown = f.display().to_string();
        let text = read_text(&f)?;
        let v = json::parse(&text, &shown)?;
        providers.extend(parse_provider_operations(&v, &shown)?);
        read.push(shown);
    }
    let cat = Catalog::build(providers, prov);
    if cat.is_empty() {
        report::error(&format!(
            "{}: no provider operations (expected `az provider operation show` or `list` output)",
            file_list(&read)
        ));
        return Ok(EXIT_INPUT);
    }
    write_atomic(
        &a.output,
        &cat.to_compact_json(a.keep_descriptions)?,
        a.force,
    )?;
    report::err_line(&format!(
        "wrote {}: {} providers, {} operations ({} control, {} data)",
        a.output.display(),
        cat.providers().len(),
        cat.len(),
        cat.count(crate::model::Plane::Control),
        cat.count(crate::model::Plane::Data)
    ));
    Ok(EXIT_OK)
}

pub fn roles(a: &ImportArgs) -> Result<i32> {
    let prov = provenance(a, "az role definition list -o json")?;
    let mut roles = Vec::new();
    let mut read = Vec::new();
    for f in expand_inputs(&a.inputs)? {
        let shown = f.display().to_string();
        let text = read_text(&f)?;
        let v = json::parse(&text, &shown)?;
        roles.extend(parse_roles_json(&v, &shown)?);
        read.push(shown);
    }
    if roles.is_empty() {
        report::error(&format!("{}: no role definitions", file_list(&read)));
        return Ok(EXIT_INPUT);
    }
    let set = RoleSet::new(roles, prov);
    write_atomic(
        &a.output,
        &set.to_compact_json(a.keep_descriptions)?,
        a.force,
    )?;
    report::err_line(&format!(
        "wrote {}: {} roles",
        a.output.display(),
        set.len()
    ));
    Ok(EXIT_OK)
}

/// `catalog import-history`: the compact operation history.
pub fn history(a: &ImportArgs) -> Result<i32> {
    let prov = provenance(a, "operation history")?;
    let files = expand_inputs(&a.inputs)?;
    let [f] = files.as_slice() else {
        return Err(Error::usage(format!(
            "catalog import-history: give exactly one history file ({} given)",
            files.len()
        )));
    };
    let shown = f.display().to_string();
    let text = read_text(f)?;
    let (json, n) = crate::analyses::drift::import(&text, &shown, &prov.source)?;
    write_atomic(&a.output, &json, a.force)?;
    report::err_line(&format!(
        "wrote {}: {n} operations first listed after the record's start or removed since",
        a.output.display()
    ));
    Ok(EXIT_OK)
}

/// `scenarios import`: the call map from a traced reference of the Azure ML CLI and SDK.
pub fn call_map(a: &ImportArgs) -> Result<i32> {
    let prov = provenance(a, "traced Azure ML CLI v2 / SDK v2 call reference")?;
    let files = expand_inputs(&a.inputs)?;
    let [f] = files.as_slice() else {
        return Err(Error::usage(format!(
            "scenarios import: give exactly one reference file ({} given)",
            files.len()
        )));
    };
    let shown = f.display().to_string();
    let text = read_text(f)?;
    let map = crate::analyses::scenario::calls::import_reference(
        &text,
        &shown,
        &prov.source,
        &prov.source_date,
    )?;
    write_atomic(&a.output, &map.to_json()?, a.force)?;
    let ops: usize = map.calls.iter().map(|c| c.operations.len()).sum();
    report::err_line(&format!(
        "wrote {}: {} command variants, {} operation needs",
        a.output.display(),
        map.calls.len(),
        ops
    ));
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_date() {
        let t = super::today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
    }
}
