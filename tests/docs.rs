//! The documentation stays in step with the code: every diagnostic code has its section in
//! `docs/diagnostics.md`, every fixture it names exists, and every diagnostic it quotes is
//! what ccmon prints today.

mod common;

use std::fs;

fn doc() -> String {
    fs::read_to_string(common::root().join("docs/diagnostics.md")).expect("docs/diagnostics.md")
}

#[test]
fn every_code_has_its_section_in_registry_order() {
    let headings: Vec<String> = doc()
        .lines()
        .filter(|l| l.starts_with("## CM"))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = ccmon::codes::ALL
        .iter()
        .map(|c| format!("## {}: {}", c.id, c.title))
        .collect();
    assert_eq!(headings, expected);
}

#[test]
fn every_fixture_named_in_the_docs_exists() {
    let d = doc();
    for part in d.split("`tests/bad/").skip(1) {
        let name = part.split('`').next().unwrap();
        if !name.ends_with(".toml") {
            continue;
        }
        assert!(
            common::root().join("tests/bad").join(name).is_file(),
            "docs/diagnostics.md names missing fixture tests/bad/{name}"
        );
    }
}

#[test]
fn every_quoted_diagnostic_is_what_ccmon_prints() {
    let mut snapshots = String::new();
    for e in fs::read_dir(common::root().join("tests/bad"))
        .unwrap()
        .flatten()
    {
        if e.path().extension().is_some_and(|x| x == "stderr") {
            snapshots.push_str(&fs::read_to_string(e.path()).unwrap());
        }
    }
    let d = doc();
    let mut in_text = false;
    for line in d.lines() {
        if line.starts_with("```") {
            in_text = line == "```text";
            continue;
        }
        // The human-format lines that carry a code or a place.
        let quoted = line.starts_with("error[")
            || line.starts_with("warning[")
            || line.contains("--> tests/bad/");
        if in_text && quoted {
            assert!(
                snapshots.lines().any(|s| s == line),
                "docs/diagnostics.md quotes a line ccmon no longer prints:\n{line}"
            );
        }
    }
}

/// docs/format.md lists every Alertmanager integration and option from the same tables the
/// checker reads (`CCMON_UPDATE_GOLDEN=1 cargo test --test docs` writes it).
#[test]
fn format_md_lists_every_alertmanager_option() {
    let path = common::root().join("docs/format.md");
    let text = fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        "<!-- alertmanager-options:begin -->\n",
        "<!-- alertmanager-options:end -->",
    );
    let (head, rest) = text.split_once(begin).expect("the begin marker");
    let (_, tail) = rest.split_once(end).expect("the end marker");
    let want = format!(
        "{head}{begin}\n{}\n{end}{tail}",
        ccmon::am::spec::markdown()
    );
    if std::env::var_os("CCMON_UPDATE_GOLDEN").is_some() {
        fs::write(&path, &want).unwrap();
    }
    assert!(
        text == want,
        "docs/format.md's Alertmanager option reference is out of date: CCMON_UPDATE_GOLDEN=1 cargo test --test docs"
    );
}
