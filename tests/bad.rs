//! Bad inputs: every fixture in `tests/bad/*.toml` has a snapshot of its rendered diagnostics
//! in `tests/bad/*.stderr`, with the exact `line:col`. Update the snapshots (and review them
//! like code) with:
//!     CCMON_UPDATE_SNAPSHOTS=1 cargo test --test bad

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use ccmon::diag::source::Source;
use ccmon::diag::{self, Diags};
use ccmon::load::include::read as read_source;

/// What `ccmon validate` prints on stderr for a file, and whether it found anything.
fn diagnose(path: &Path) -> (String, usize) {
    match read_source(path) {
        Err(d) => {
            let mut diags = Diags::default();
            diags.push(d.into());
            let src = Source::new(path.display().to_string(), "");
            (diag::render_all_human(&src, &diags), 1)
        }
        Ok(src) => {
            let mut diags = Diags::default();
            // As `ccmon validate` checks it: the top level and every environment.
            let model = ccmon::compile_all(&src, &mut diags);
            if let Some(m) = &model {
                // Whatever compiles must also emit without panicking.
                let _ = ccmon::emit::emit(m);
            }
            let n = diags.sorted().len();
            (diag::render_all_human(&src, &diags), n)
        }
    }
}

fn fixtures() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir("tests/bad")
        .expect("tests/bad exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let update = std::env::var("CCMON_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for name in fixtures() {
        let path = Path::new("tests/bad").join(&name);
        let (out, n) = diagnose(&path);
        assert!(
            n > 0,
            "{name} is in tests/bad but ccmon finds nothing wrong with it"
        );
        let snap = path.with_extension("stderr");
        if update {
            fs::write(&snap, &out).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&snap).unwrap_or_default();
        if expected != out {
            failures.push(format!("--- {name}: expected\n{expected}\n--- got\n{out}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf intended: CCMON_UPDATE_SNAPSHOTS=1 cargo test --test bad, then review `git diff tests/bad`",
        failures.join("\n")
    );
}

#[test]
fn there_are_at_least_sixty_fixtures_and_no_stale_snapshot() {
    let names = fixtures();
    assert!(names.len() >= 60, "only {} fixtures", names.len());
    for e in fs::read_dir("tests/bad").unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = n.strip_suffix(".stderr") {
            assert!(
                names.contains(&format!("{stem}.toml")),
                "snapshot {n} has no fixture"
            );
        }
    }
}

#[test]
fn every_code_in_the_registry_has_a_fixture() {
    let mut seen = BTreeSet::new();
    for name in fixtures() {
        let (out, _) = diagnose(&Path::new("tests/bad").join(&name));
        for code in ccmon::codes::ALL {
            if out.contains(&format!("[{}]", code.id)) {
                seen.insert(code.id);
            }
        }
    }
    // CM7xx come from the real tools (`validate --with-tools`, `test`): tests/tools.rs and
    // tests/cli.rs cover them. CM004 and CM005 are about the output folder, not the
    // configuration: tests/cli.rs covers them. CM605 needs the nginx of `--with-tools`:
    // tests/tools.rs covers it with tests/tools/nginx-plus.toml.
    let missing: Vec<&str> = ccmon::codes::ALL
        .iter()
        .map(|c| c.id)
        .filter(|id| {
            !seen.contains(id)
                && !id.starts_with("CM7")
                && !["CM004", "CM005", "CM605"].contains(id)
        })
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn five_independent_mistakes_are_all_reported_in_one_run() {
    let (out, _) = diagnose(Path::new("tests/bad/structure-five-mistakes.toml"));
    for (code, at) in [
        ("CM101", "structure-five-mistakes.toml:3:1"),
        ("CM201", "structure-five-mistakes.toml:8:12"),
        ("CM303", "structure-five-mistakes.toml:13:7"),
        ("CM207", "structure-five-mistakes.toml:15:12"),
        ("CM301", "structure-five-mistakes.toml:24:12"),
    ] {
        assert!(out.contains(&format!("[{code}]")), "{code} missing:\n{out}");
        assert!(out.contains(at), "{at} missing:\n{out}");
    }
}
