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

/// Every key path of the configuration, from the JSON schema the binary derives from its
/// types (`a.b.c`), normalised like [`doc_keys`]: nested `routes` as one level, every
/// `http_config` and `tls_config` as the shared tables docs/format.md describes once.
fn schema_keys() -> std::collections::BTreeSet<String> {
    use serde_json::Value;
    let schema: Value = serde_json::from_str(&ccmon::schema::json_schema()).unwrap();
    fn props<'a>(
        root: &'a Value,
        n: &'a Value,
        depth: usize,
    ) -> Option<&'a serde_json::Map<String, Value>> {
        if depth > 8 {
            return None;
        }
        if let Some(p) = n.get("properties").and_then(Value::as_object) {
            return Some(p);
        }
        if let Some(r) = n.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/")?;
            return props(root, root.get("$defs")?.get(name)?, depth + 1);
        }
        if let Some(items) = n.get("items") {
            return props(root, items, depth + 1);
        }
        n.get("anyOf")?
            .as_array()?
            .iter()
            .find_map(|x| props(root, x, depth + 1))
    }
    fn walk(
        root: &Value,
        n: &Value,
        prefix: &str,
        depth: usize,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        let Some(p) = props(root, n, 0) else { return };
        if depth > 6 {
            return;
        }
        for (k, v) in p {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.insert(normalise(&path));
            walk(root, v, &path, depth + 1, out);
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(&schema, &schema, "", 0, &mut out);
    out
}

fn normalise(path: &str) -> String {
    let mut p = path.to_string();
    while p.contains(".routes.routes") {
        p = p.replace(".routes.routes", ".routes");
    }
    for shared in ["tls_config", "http_config"] {
        if let Some(i) = p.find(shared)
            && i > 0
        {
            return p[i..].to_string();
        }
    }
    p
}

/// Backticked words of a cell, with the words in parentheses after one as its sub-keys:
/// "`confirm` (`text`, `title`)" is `confirm`, `confirm.text`, `confirm.title`.
fn cell_keys(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut last = String::new();
    let mut rest = cell;
    while let Some(c) = rest.chars().next() {
        match c {
            '`' => {
                let body = &rest[1..];
                let end = body.find('`').unwrap_or(body.len());
                let word = &body[..end];
                if !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    let full = stack
                        .iter()
                        .chain([&word.to_string()])
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(".");
                    out.push(full);
                    last = word.to_string();
                }
                rest = &body[(end + 1).min(body.len())..];
                continue;
            }
            '(' => stack.push(last.clone()),
            ')' => {
                stack.pop();
            }
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The rows of every `| Key |` table of docs/format.md with the tables they describe: those
/// its heading names, or the paragraph before it ("`[[job.relabel]]` ..."). Also the tables
/// named, as rows without cells.
fn key_rows() -> Vec<(Vec<String>, Vec<String>)> {
    let text = fs::read_to_string(common::root().join("docs/format.md")).unwrap();
    let names = |s: &str| -> Vec<String> {
        let mut v = Vec::new();
        for part in s.split('`').skip(1).step_by(2) {
            if let Some(inner) = part.strip_prefix('[') {
                let inner = inner.trim_start_matches('[').trim_end_matches(']');
                if !inner.is_empty()
                    && inner.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    })
                {
                    v.push(inner.to_string());
                }
            }
        }
        v
    };
    let mut out = Vec::new();
    let mut tables: Vec<String> = Vec::new();
    let (mut in_keys, mut blank_before) = (false, true);
    for line in text.lines() {
        let blank = blank_before;
        blank_before = line.trim().is_empty();
        if let Some(h) = line.strip_prefix('#') {
            let h = h.trim_start_matches('#').trim();
            tables = names(h);
            if h.starts_with("Keys common") || h.starts_with("Keys per kind") {
                tables = vec!["alert".into()];
            }
            if let Some(shared) = ["`http_config`", "`tls_config`"].iter().find(|s| h == **s) {
                tables = vec![shared.trim_matches('`').to_string()];
            }
            out.push((tables.clone(), Vec::new()));
            in_keys = false;
            continue;
        }
        if blank && line.starts_with("`[") {
            let found = names(line.split(':').next().unwrap_or(""));
            if !found.is_empty() {
                tables = found;
                out.push((tables.clone(), Vec::new()));
            }
            continue;
        }
        if line.starts_with("| Key |") {
            in_keys = true;
            continue;
        }
        if !line.starts_with('|') {
            in_keys = false;
            continue;
        }
        if !in_keys || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect();
        out.push((tables.clone(), cells));
    }
    out
}

/// Every key docs/format.md documents (see [`key_rows`]); "table of `a`, `b`" rows document
/// their sub-keys.
fn doc_keys() -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (tables, cells) in key_rows() {
        let Some(first) = cells.first() else {
            out.extend(tables.iter().map(|t| normalise(t)));
            continue;
        };
        if !first
            .split(", ")
            .all(|k| k.starts_with('`') && k.ends_with('`'))
        {
            continue;
        }
        let keys = cell_keys(first);
        // A table of top-level keys (`include`) is under a heading that names no table.
        if tables.is_empty() {
            out.extend(keys.iter().map(|k| normalise(k)));
        }
        let subs = cells
            .get(1)
            .filter(|c| c.starts_with("table of ") || c.starts_with("array of tables of "))
            .map_or_else(Vec::new, |c| cell_keys(c));
        for t in &tables {
            for k in &keys {
                out.insert(normalise(&format!("{t}.{k}")));
                for s in &subs {
                    out.insert(normalise(&format!("{t}.{k}.{s}")));
                }
            }
        }
    }
    out
}

/// docs/format.md and the binary agree on the keys: every key the binary accepts (its JSON
/// schema, derived from the types serde reads) is documented, and every documented key is
/// accepted.
#[test]
fn format_md_documents_every_key_the_binary_accepts_and_no_other() {
    let schema = schema_keys();
    let docs = doc_keys();
    let undocumented: Vec<&String> = schema.difference(&docs).collect();
    let unknown: Vec<&String> = docs.difference(&schema).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "keys the binary accepts that docs/format.md does not document:\n  {}\nkeys docs/format.md documents that the binary refuses:\n  {}",
        undocumented
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        unknown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    assert!(schema.len() > 700, "{}", schema.len());
}

/// Every default docs/format.md gives as a TOML value (`"30s"`, `true`, `32`, `[]`) is
/// accepted when written explicitly: each is written into the first of the examples that has
/// its table (the first entry of an array of tables) without the key, one at a time, and the
/// config must still compile with no diagnostic.
#[test]
fn every_documented_default_is_accepted_when_written_explicitly() {
    let compile = |doc: &str| {
        let src = ccmon::diag::source::Source::new("monitoring.toml", doc.to_string());
        let mut diags = ccmon::diag::Diags::default();
        let ok = ccmon::compile(&src, &mut diags).is_some();
        (
            ok && diags.is_empty(),
            ccmon::diag::render_all_human(&src, &diags),
        )
    };
    // Configs without files of their own beside them (the alertmanager example has templates).
    let bases: Vec<toml::Table> = [
        "examples/claude-code/monitoring.toml",
        "examples/scraping/monitoring.toml",
        "tests/grafana/every-panel.toml",
        "examples/minimal/monitoring.toml",
    ]
    .iter()
    .map(|f| {
        let text = fs::read_to_string(common::root().join(f)).unwrap();
        assert!(compile(&text).0, "{f}");
        toml::from_str(&text).unwrap()
    })
    .collect();
    let mut tried = 0;
    let mut failures = Vec::new();
    for (tables, cells) in key_rows() {
        let (Some(key), Some(default)) = (cells.first(), cells.get(2)) else {
            continue;
        };
        let key = key.trim_matches('`');
        // A key refused on some kinds (CM104) has its default where it applies.
        let kind_bound = cells.iter().any(|c| c.contains("CM104"));
        if tables.len() != 1
            || kind_bound
            || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            continue;
        }
        // A default that is one TOML value in backticks, nothing else in the cell.
        let Some(value) = default.strip_prefix('`').and_then(|d| d.strip_suffix('`')) else {
            continue;
        };
        if value.contains('`') {
            continue;
        }
        let Ok(parsed) = toml::from_str::<toml::Table>(&format!("v = {value}")) else {
            continue;
        };
        let path: Vec<&str> = tables[0].split('.').collect();
        // The first config that has the table without the key.
        let Some(doc) = bases.iter().find_map(|b| {
            let mut doc = b.clone();
            let node = table_at(&mut doc, &path)?;
            if node.contains_key(key) {
                return None;
            }
            node.insert(key.to_string(), parsed["v"].clone());
            Some(doc)
        }) else {
            continue;
        };
        tried += 1;
        let (ok, why) = compile(&toml::to_string(&doc).unwrap());
        if !ok {
            failures.push(format!("[{}] {key} = {value}:\n{why}", tables[0]));
        }
    }
    assert!(
        failures.is_empty(),
        "defaults refused when written:\n{}",
        failures.join("\n")
    );
    assert!(tried >= 90, "only {tried} defaults tried");
}

/// The table at a path, when the config has it; the first entry of an array of tables.
fn table_at<'a>(t: &'a mut toml::Table, path: &[&str]) -> Option<&'a mut toml::Table> {
    let Some((first, rest)) = path.split_first() else {
        return Some(t);
    };
    let table = match t.get_mut(*first)? {
        toml::Value::Table(t) => t,
        toml::Value::Array(a) => match a.first_mut() {
            Some(toml::Value::Table(t)) => t,
            _ => return None,
        },
        _ => return None,
    };
    table_at(table, rest)
}

/// The codes docs/diagnostics.md lists as warnings ("The warnings are CM602 to CM605 and ...")
/// include every code a fixture prints as a warning.
#[test]
fn the_warnings_list_names_every_warning() {
    let d = doc();
    let start = d.find("The warnings are").expect("the warnings sentence");
    let sentence = &d[start..start + d[start..].find(". ").unwrap()];
    let num = |s: &str| s.trim_start_matches("CM").parse::<u32>().ok();
    let words: Vec<&str> = sentence
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut listed = std::collections::BTreeSet::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(n) = w.strip_prefix("CM").and_then(|_| num(w)) {
            listed.insert(n);
            if words.get(i + 1) == Some(&"to")
                && let Some(end) = words.get(i + 2).and_then(|e| num(e))
            {
                listed.extend(n..=end);
            }
        }
    }
    for e in fs::read_dir(common::root().join("tests/bad"))
        .unwrap()
        .flatten()
    {
        let text = fs::read_to_string(e.path()).unwrap_or_default();
        for part in text.split("warning[CM").skip(1) {
            let code: u32 = part[..3].parse().unwrap();
            assert!(
                listed.contains(&code),
                "CM{code} is a warning ({}) that docs/diagnostics.md does not list as one",
                e.path().display()
            );
        }
    }
}

/// No table of docs/format.md is cut by a blank line (the rows after it would show as text).
#[test]
fn no_table_in_the_docs_is_cut_by_a_blank_line() {
    for doc in [
        "docs/format.md",
        "docs/diagnostics.md",
        "docs/operations.md",
        "README.md",
    ] {
        let text = fs::read_to_string(common::root().join(doc)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for i in 1..lines.len().saturating_sub(1) {
            let cut = lines[i].trim().is_empty()
                && lines[i - 1].starts_with('|')
                && lines[i + 1].starts_with('|')
                && !lines.get(i + 2).is_some_and(|l| l.starts_with("|---"));
            assert!(!cut, "{doc}:{}: a blank line inside a table", i + 1);
        }
    }
}

/// README.md's synopsis of each command (`* \`ccmon render [CONFIG] [--out DIR] ...\``) names
/// every flag the command takes, and the global flags are named once.
#[test]
fn the_readme_synopses_name_every_flag() {
    let readme = fs::read_to_string(common::root().join("README.md")).unwrap();
    let cmd = ccmon::cli::command();
    for global in ["--color", "--quiet"] {
        assert!(
            readme.contains(&format!("`{global}")),
            "README.md lacks {global}"
        );
    }
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let head = format!("* `ccmon {name}");
        let Some(at) = readme.find(&head) else {
            // Described with others ("`ccmon snapshot`, `ccmon backup`, `ccmon restore` run
            // on the server"), their flags in docs/operations.md.
            assert!(
                readme.contains(&format!("`ccmon {name}`")),
                "README.md has no synopsis of `ccmon {name}`"
            );
            continue;
        };
        // The synopsis is the backticked text after the bullet (it may run on, as for
        // snapshot, backup and restore, which are described together).
        // The bullet, up to the next one.
        let rest = &readme[at..];
        let end = [rest[1..].find("\n* "), rest.find("\n\n")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        let line = &rest[..end];
        if line[head.len()..].starts_with('`') {
            continue;
        }
        for arg in sub.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.is_global_set() || ["help", "version"].contains(&long) {
                continue;
            }
            assert!(
                line.contains(&format!("--{long}")),
                "README.md's synopsis of `ccmon {name}` lacks --{long}:\n{line}"
            );
        }
    }
}

/// The limit docs/format.md gives for structure errors is the binary's.
#[test]
fn the_documented_structure_error_limit_is_the_binarys() {
    let text = fs::read_to_string(common::root().join("docs/format.md")).unwrap();
    let limit = format!("(up to {}", ccmon::load::MAX_STRUCTURE_ERRORS);
    assert!(text.contains(&limit), "docs/format.md does not say {limit}");
}
