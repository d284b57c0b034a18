//! Mutation fuzz of every reader through the binary: role files (JSON, ARM template,
//! Terraform, plan JSON, Bicep), needs files and each inventory file, mutated at random
//! (bytes deleted, structural characters, control and invisible characters inserted, spans
//! repeated). Every run must end with exit 0, 1 or 2 within a bound (no hang, no panic),
//! and an exit 2 must say why in one line. `AZRBAC_FUZZ_CASES=N` runs N cases per reader
//! (default 12; CI runs the default).

use crate::common::*;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above any run's real time: a run past it is a hang, not a slow run.
const HANG: Duration = Duration::from_secs(60);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\n",
    "\\",
    "'",
    "=",
    "${",
    "<<EOT\n",
    "*",
    "/",
    "null",
    "\u{0}",
    "\u{1b}[2J",
    "\u{200b}",
    "\u{202e}",
    "é",
    "-1",
    "1e999",
    "//",
    "/*",
    "...",
];

fn mutate(text: &[u8], r: &mut Rng) -> Vec<u8> {
    let mut t = text.to_vec();
    for _ in 0..1 + r.below(3) {
        let at = r.below(t.len() + 1);
        match r.below(4) {
            0 => {
                let end = (at + 1 + r.below(16)).min(t.len());
                t.drain(at.min(end)..end);
            }
            1 | 2 => {
                let s = INSERTS[r.below(INSERTS.len())].as_bytes();
                t.splice(at..at, s.iter().copied());
            }
            _ => {
                let end = (at + 1 + r.below(64)).min(t.len());
                let span: Vec<u8> = t[at.min(end)..end].to_vec();
                t.splice(at..at, span);
            }
        }
    }
    t
}

/// Runs azrbac with a hang bound; returns (exit code, stderr).
fn run_bounded(args: &[String]) -> (i32, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("azrbac"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > HANG {
            let _ = child.kill();
            panic!("azrbac {args:?} still running after {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let err = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    (status.code().unwrap_or(-1), err)
}

fn cases() -> usize {
    std::env::var("AZRBAC_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12)
}

/// Fuzzes one reader: `seed` is the file mutated, written as `name` in a fresh folder, and
/// `args` the command, with `{}` standing for that file's path.
fn fuzz(seed: &Path, name: &str, args: &[&str], salt: u64) {
    let text = std::fs::read(seed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ salt);
    for case in 0..cases() {
        let m = mutate(&text, &mut r);
        let file = dir.path().join(name);
        std::fs::write(&file, &m).unwrap();
        let shown = file.display().to_string();
        let argv: Vec<String> = args.iter().map(|a| a.replace("{}", &shown)).collect();
        let (code, err) = run_bounded(&argv);
        let keep = || {
            let p = std::env::temp_dir().join(format!("azrbac-fuzz-{salt}-{case}-{name}"));
            let _ = std::fs::write(&p, &m);
            p.display().to_string()
        };
        assert!(
            matches!(code, 0..=2),
            "{argv:?} exited {code} (input kept at {}): {err}",
            keep()
        );
        assert!(
            !err.contains("panicked"),
            "{argv:?} panicked (input kept at {}): {err}",
            keep()
        );
        if code == 2 {
            let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
            assert_eq!(
                errors.len(),
                1,
                "{argv:?} (input kept at {}): {err}",
                keep()
            );
        }
    }
}

#[test]
fn role_readers_survive_mutation() {
    let f = |p: &str| fixture(p);
    fuzz(
        &f("analyzer/roles-two.json"),
        "r.json",
        &["expand", "{}"],
        1,
    );
    fuzz(&f("diff/template-new.json"), "t.json", &["lint", "{}"], 2);
    fuzz(&f("analyzer/iac/roles.tf"), "r.tf", &["expand", "{}"], 3);
    fuzz(
        &f("analyzer/iac/plan.json"),
        "plan.json",
        &["expand", "{}"],
        4,
    );
    fuzz(
        &f("analyzer/iac/roles.bicep"),
        "r.bicep",
        &["lint", "{}"],
        5,
    );
    fuzz(
        &f("diff/pr-new.json"),
        "new.json",
        &["diff", "Reader", "{}"],
        6,
    );
}

#[test]
fn needs_reader_survives_mutation() {
    fuzz(
        &fixture("analyzer/needs-train.txt"),
        "needs.txt",
        &["check", "AzureML Data Scientist", "--needs", "{}"],
        7,
    );
    fuzz(
        &fixture("analyzer/needs-train.json"),
        "needs.json",
        &["check", "AzureML Data Scientist", "--needs", "{}"],
        8,
    );
}

#[test]
fn inventory_readers_survive_mutation() {
    let op = "Microsoft.MachineLearningServices/workspaces/computes/write";
    for (i, (file, flag)) in [
        ("assignments.json", "--assignments"),
        ("roles.json", "--roles"),
        ("groups.json", "--groups"),
        ("deny-assignments.json", "--deny"),
        ("management-groups.json", "--management-groups"),
    ]
    .iter()
    .enumerate()
    {
        fuzz(
            &fixture(&format!("tenant/{file}")),
            file,
            &["who-can", op, "--scope", "/", flag, "{}"],
            10 + i as u64,
        );
    }
    // The PIM exports (REST and PowerShell shapes), read beside the hand-built tenant.
    let t = fixture("tenant").display().to_string();
    for (i, (file, flag)) in [
        ("eligible-assignments.json", "--eligible"),
        ("pim-assignments.json", "--pim-assignments"),
    ]
    .iter()
    .enumerate()
    {
        fuzz(
            &fixture(&format!("pim/{file}")),
            file,
            &[
                "who-can",
                "Microsoft.Authorization/roleAssignments/write",
                "--scope",
                "/subscriptions/11111111-1111-1111-1111-111111111111",
                "--inventory",
                &t,
                flag,
                "{}",
            ],
            20 + i as u64,
        );
    }
}
