//! The shape of the code, held: no two top-level modules of `src/` import each other, and no
//! function in `src/` is over 120 lines (`synth.rs`, a generator of test configs, aside).
//! Both are measured on the text, test modules and comments left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The `.rs` files under `dir`, with their text up to their test module.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            let rel = p
                .strip_prefix("src")
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, code));
        }
    }
}

fn all_sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    sources(Path::new("src"), &mut out);
    assert!(out.len() > 30, "run from the repository root");
    out
}

/// The top-level module of a file: `check/alerts.rs` -> `check`, `cx.rs` -> `cx`.
fn top(rel: &str) -> String {
    rel.split('/')
        .next()
        .unwrap()
        .trim_end_matches(".rs")
        .to_string()
}

#[test]
fn no_two_modules_import_each_other() {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in all_sources() {
        let from = top(&rel);
        if from == "lib" || from == "main" {
            continue;
        }
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let to: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if to != from && !to.is_empty() {
                    deps.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    let mut pairs = Vec::new();
    for (a, tos) in &deps {
        for b in tos {
            if a < b && deps.get(b).is_some_and(|t| t.contains(a)) {
                pairs.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        pairs.is_empty(),
        "modules that import each other: {pairs:?}"
    );
}

/// Functions (outside test modules) and their length in lines, from the `fn` line to the
/// closing brace at the same indentation.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let t = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ");
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{}}}", " ".repeat(indent));
        // A declaration without a body (`fn f(&self);`) has no closing brace of its own.
        let body = lines[i..]
            .iter()
            .position(|l| l.trim_end().ends_with(';') || l.trim_end().ends_with('{'))
            .is_some_and(|j| lines[i + j].trim_end().ends_with('{'));
        if !body {
            continue;
        }
        if let Some(end) = lines[i + 1..].iter().position(|l| l.starts_with(&close)) {
            out.push((name, i + 1, end + 2));
        }
    }
    out
}

#[test]
fn no_function_is_over_120_lines() {
    let mut long = Vec::new();
    let mut longest = (String::new(), 0);
    for (rel, code) in all_sources().iter().filter(|(r, _)| r != "synth.rs") {
        for (name, line, len) in functions(code) {
            if len > longest.1 {
                longest = (format!("src/{rel}:{line} {name}"), len);
            }
            if len > 120 {
                long.push(format!("src/{rel}:{line} {name}: {len} lines"));
            }
        }
    }
    eprintln!("longest function: {} ({} lines)", longest.0, longest.1);
    assert!(
        long.is_empty(),
        "functions over 120 lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_measure_sees_functions_and_their_length() {
    let code = "fn a() {\n    x;\n}\n\nimpl X {\n    pub fn b(&self) -> u8 {\n        1\n    }\n    fn c(&self);\n}\n";
    assert_eq!(
        functions(code),
        [("a".to_string(), 1, 3), ("b".to_string(), 6, 3)]
    );
}
