//! Output that meets hostile surroundings (defects H4, L4, L6 of hostile-inputs.md): `-o
//! FILE --force` on links, FIFOs and devices; modes, owners and temporary files of output
//! files; CSV cells a spreadsheet would run as formulas.

use crate::common::*;
use std::path::Path;

const SCOPE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn generate(dir: &Path, out: &str, force: bool) -> (i32, String, String) {
    let mut args = vec![
        "generate",
        "--scenario",
        "online-endpoint-monitoring",
        "--scope",
        SCOPE,
        "-o",
        out,
    ];
    if force {
        args.push("--force");
    }
    let o = azrbac().args(&args).current_dir(dir).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[cfg(unix)]
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn h4_force_writes_through_links_and_never_replaces_fifos_or_devices() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A symbolic link to a regular file: the file it leads to is replaced, the link stays.
    std::fs::create_dir(d.join("shared")).unwrap();
    std::fs::write(d.join("shared/role.json"), r#"{"keep": "me"}"#).unwrap();
    symlink("shared/role.json", d.join("role.json")).unwrap();
    let (code, _, err) = generate(d, "role.json", true);
    assert_eq!(code, 0, "{err}");
    let link = std::fs::symlink_metadata(d.join("role.json")).unwrap();
    assert!(link.file_type().is_symlink());
    let text = std::fs::read_to_string(d.join("shared/role.json")).unwrap();
    assert!(text.contains("Azure ML Online Endpoint Monitor"), "{text}");
    // A FIFO, a link to a device and a link to this process's stdout are refused, one line.
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    symlink("/dev/null", d.join("null.json")).unwrap();
    symlink("/proc/self/fd/1", d.join("out.json")).unwrap();
    symlink("missing.json", d.join("dangling.json")).unwrap();
    for (name, what) in [
        ("pipe.json", "is a FIFO"),
        ("null.json", "is a symbolic link to a character device"),
        ("out.json", "is a symbolic link to"),
        ("dangling.json", "is a symbolic link that leads to no file"),
        ("shared", "is a directory"),
    ] {
        let (code, out, err) = generate(d, name, true);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(
            err.starts_with(&format!("error: {name}: {what}")) && err.lines().count() == 1,
            "{name}: {err}"
        );
    }
    let pipe = std::fs::symlink_metadata(d.join("pipe.json")).unwrap();
    assert!(pipe.file_type().is_fifo());
    assert!(
        std::fs::symlink_metadata(d.join("null.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        !names(d).iter().any(|n| n.contains("tmp")),
        "{:?}",
        names(d)
    );
}

#[cfg(unix)]
#[test]
fn l4_output_files_respect_the_umask_and_keep_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = Path::new(env!("CARGO_BIN_EXE_azrbac"));
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 077; exec '{}' generate --scenario online-endpoint-monitoring --scope {SCOPE} -o r.json",
            bin.display()
        ))
        .current_dir(d)
        .status()
        .unwrap();
    assert!(status.success());
    let mode = |p: &str| std::fs::metadata(d.join(p)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("r.json"), 0o600, "umask 077 gives 0600");
    // --force keeps the mode of the file it replaces, and its owner when permitted (root).
    std::fs::set_permissions(d.join("r.json"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let is_root = std::fs::metadata(d.join("r.json")).unwrap().uid() == 0;
    if is_root {
        std::os::unix::fs::chown(d.join("r.json"), Some(65534), Some(65534)).unwrap();
    }
    let (code, _, err) = generate(d, "r.json", true);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode("r.json"), 0o640);
    if is_root {
        let m = std::fs::metadata(d.join("r.json")).unwrap();
        assert_eq!((m.uid(), m.gid()), (65534, 65534));
    }
    // Nothing but the output is left in the directory.
    assert_eq!(names(d), vec!["r.json"]);
}

#[test]
fn l6_csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = "/subscriptions/11111111-1111-1111-1111-111111111111";
    std::fs::write(
        d.join("assignments.json"),
        format!(
            r#"[{{"principalId":"aaaaaaaa-0000-0000-0000-000000000011","principalName":"=HYPERLINK(\"http://evil\",\"x\")","principalType":"User","scope":"{s}","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}},
               {{"principalId":"aaaaaaaa-0000-0000-0000-000000000012","principalName":"@SUM(1+1)","principalType":"User","scope":"{s}","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}}]"#
        ),
    )
    .unwrap();
    let assignments = d.join("assignments.json");
    let (code, csv, err) = run(&[
        "who-can",
        "Microsoft.Compute/virtualMachines/read",
        "--scope",
        s,
        "--assignments",
        assignments.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://evil"",""x"")","#),
        "{csv}"
    );
    assert!(csv.contains(",'@SUM(1+1),"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in {line}");
        }
    }
}
