//! Service files: a stack's `include = ["services/*.toml"]` names files, each owned by a
//! team, whose jobs, alerts, dimensions, recording rules, receivers, route tests, inhibit
//! rules and dashboard join the stack's.
//!
//! The included files are read with the configuration ([`read`]) into one [`Source`], each
//! after the other, so that a byte offset names a place in any of them and every diagnostic
//! keeps working unchanged; a clash between two files is one diagnostic with a place in each.
//! Before the document is read, each service file's tables are appended to the stack's
//! ([`merge`]): arrays of tables entry after entry, its `[service]` table into `service`,
//! its `[dashboard]` into the stack's dashboards. What only the stack can say (the servers,
//! the proxy, logs, units, hosts, environments, the root route) is refused in a service file,
//! at its key.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::pieces;
use crate::codes;
use crate::diag::source::{Source, Unreadable, read_source};
use crate::diag::{Diagnostic, Diags};

pub const KEY: &str = "include";

/// The top-level keys a service file may have: its `[service]` and what it owns.
pub const SERVICE_KEYS: &[&str] = &[
    "service",
    "job",
    "dimension",
    "alert",
    "record",
    "receiver",
    "route_test",
    "inhibit",
    "dashboard",
];

/// Reads a configuration and the files its `include` names, in the order the patterns are
/// written and, within a pattern, by file name. A pattern that matches nothing, or a file
/// that cannot be read, is a diagnostic at the pattern ([`Source::problems`]).
pub fn read(path: &Path) -> Result<Source, Unreadable> {
    let mut src = read_source(path)?;
    if !super::declares(src.main_text(), KEY) {
        return Ok(src);
    }
    let patterns = patterns(&src.text);
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut seen: Vec<PathBuf> = path.canonicalize().into_iter().collect();
    for (pattern, span) in patterns {
        let files = match expand(dir, &pattern) {
            Ok(f) => f,
            Err(why) => {
                src.problems.push(
                    Diagnostic::error(codes::INCLUDE, why.0).at(span, why.1).help(
                        "patterns are relative to this file's folder; `*` and `?` match in the file name only",
                    ),
                );
                continue;
            }
        };
        for file in files {
            // A file two patterns match, or the stack itself, is read once.
            let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
            if seen.contains(&canonical) {
                continue;
            }
            seen.push(canonical);
            match read_source(&file) {
                Ok(part) => src.push_part(part.name, &part.text),
                Err(u) => src.problems.push(
                    Diagnostic::error(codes::INCLUDE, u.message)
                        .at(span.clone(), "included here")
                        .help(u.help),
                ),
            }
        }
    }
    Ok(src)
}

/// The strings of the top-level `include` array, with their spans; none when the text does
/// not parse or `include` is not an array (the document's own reading reports both).
fn patterns(text: &str) -> Vec<(String, Range<usize>)> {
    let (doc, errors) = pieces::parse(text);
    if !errors.is_empty() {
        return Vec::new();
    }
    let Some((_, v)) = doc.get_ref().iter().find(|(k, _)| k.get_ref() == KEY) else {
        return Vec::new();
    };
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|i| match i.get_ref() {
                DeValue::String(s) => Some((s.to_string(), i.span())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The files a pattern names below `dir`: itself, or with `*` and `?` in its file name, the
/// files whose names match, sorted. `Err` is (message, label).
fn expand(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, (String, &'static str)> {
    let wild = |s: &str| s.contains(['*', '?', '[']);
    let p = Path::new(pattern);
    let (folder, name) = match (p.parent(), p.file_name().and_then(|n| n.to_str())) {
        (Some(f), Some(n)) => (f, n),
        _ => return Err((format!("`{pattern}` names no file"), "not a file pattern")),
    };
    if wild(&folder.to_string_lossy()) || name.contains('[') {
        return Err((
            format!("`{pattern}`: only the file name may hold `*` or `?`"),
            "a pattern ccmon cannot expand",
        ));
    }
    let folder = dir.join(folder);
    if !wild(name) {
        let file = folder.join(name);
        return if file.is_file() {
            Ok(vec![file])
        } else {
            Err((
                format!("`{pattern}`: there is no file `{}`", file.display()),
                "no such file",
            ))
        };
    }
    let entries = std::fs::read_dir(&folder).map_err(|e| {
        (
            format!("`{pattern}`: cannot read `{}`: {e}", folder.display()),
            "no such folder",
        )
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| matches(name.as_bytes(), n.as_bytes()))
        // Hidden files (editor backups) only when the pattern asks for them.
        .filter(|n| !n.starts_with('.') || name.starts_with('.'))
        .collect();
    if names.is_empty() {
        return Err((
            format!("`{pattern}` matches no file in `{}`", folder.display()),
            "matches nothing",
        ));
    }
    names.sort();
    Ok(names.into_iter().map(|n| folder.join(n)).collect())
}

/// Whether `name` matches `pattern`, where `*` is any run of bytes and `?` one character.
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            matches(&pattern[1..], name) || (!name.is_empty() && matches(pattern, &name[1..]))
        }
        (Some(b'?'), Some(_)) => {
            // One character, however many bytes it takes in UTF-8.
            let len = name[1..].iter().take_while(|b| **b & 0xC0 == 0x80).count() + 1;
            matches(&pattern[1..], &name[len..])
        }
        (Some(p), Some(n)) if p == n => matches(&pattern[1..], &name[1..]),
        _ => false,
    }
}

/// Appends every service file of `src` to the stack's document `doc` (see the module's
/// documentation). A service file that does not parse is reported and left out.
pub fn merge<'t>(doc: &mut DeTable<'t>, src: &'t Source, diags: &mut Diags) {
    for (name, range) in src.parts() {
        let (part, errors) = pieces::parse_at(&src.text[range.clone()], range.start);
        if !errors.is_empty() {
            super::syntax_errors(errors.into_iter(), diags);
            continue;
        }
        let part_span = part.span();
        let part = part.into_inner();
        if !part.iter().any(|(k, _)| k.get_ref() == "service") {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_KEY,
                    format!("the service file `{name}` has no `[service]`"),
                )
                .at(range.start..range.start, "`[service]` with its `name` goes here")
                .help("a file the stack includes starts with `[service]` and `name = \"...\"`: the service its entries belong to"),
            );
        }
        for (k, v) in part {
            let key = k.get_ref().as_ref();
            if !SERVICE_KEYS.contains(&key) {
                diags.push(not_here(key, k.span(), &src.name));
                continue;
            }
            // `[service]` spans its whole file: whatever lies in that span is the service's.
            let span = if key == "service" {
                part_span.clone()
            } else {
                v.span()
            };
            match (key, v.into_inner()) {
                ("service" | "dashboard", DeValue::Table(t)) => {
                    append(doc, k, Spanned::new(span, DeValue::Table(t)))
                }
                (_, DeValue::Array(items)) => {
                    for item in items {
                        append(doc, k.clone(), item);
                    }
                }
                (_, other) => diags.push(
                    Diagnostic::error(
                        codes::WRONG_TYPE,
                        format!(
                            "`{key}` in a service file must be a {}",
                            if matches!(key, "service" | "dashboard") {
                                "table"
                            } else {
                                "array of tables"
                            }
                        ),
                    )
                    .at(
                        k.span(),
                        match other {
                            DeValue::Table(_) => "a table here",
                            _ => "a value here",
                        },
                    ),
                ),
            }
        }
    }
}

/// A top-level key only the stack file may set.
fn not_here(key: &str, span: Range<usize>, stack: &str) -> Diagnostic {
    let help = match key {
        "route" => {
            "a service's routes go under `[service.route]`: its team's subtree of the stack's route"
                .to_string()
        }
        "include" => "only the stack file includes: list this file's pattern there".to_string(),
        _ => format!(
            "set it in the stack file, `{stack}`; a service file declares `[service]` and its own jobs, alerts, dimensions, records, receivers, route tests, inhibit rules and dashboard"
        ),
    };
    Diagnostic::error(
        codes::STACK_ONLY,
        format!("`{key}` belongs to the whole stack, not to a service file"),
    )
    .at(span, "only in the stack file")
    .help(help)
}

/// Appends an entry to the stack's array `key`, making one of a single table (the stack's
/// `[dashboard]`) or of nothing.
fn append<'t>(
    doc: &mut DeTable<'t>,
    key: Spanned<std::borrow::Cow<'t, str>>,
    item: Spanned<DeValue<'t>>,
) {
    let found = doc.iter_mut().find(|(k, _)| k.get_ref() == key.get_ref());
    let Some((_, slot)) = found else {
        let span = item.span();
        let mut items = DeArray::new();
        items.push(item);
        doc.insert(key, Spanned::new(span, DeValue::Array(items)));
        return;
    };
    let span = slot.span();
    let value = std::mem::replace(slot.get_mut(), DeValue::Array(DeArray::new()));
    let mut items = match value {
        DeValue::Array(a) => a,
        one => {
            let mut a = DeArray::new();
            a.push(Spanned::new(span.clone(), one));
            a
        }
    };
    items.push(item);
    *slot = Spanned::new(span, DeValue::Array(items));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_patterns_match_by_name() {
        for (p, n, want) in [
            ("*.toml", "payments.toml", true),
            ("*.toml", "payments.toml~", false),
            ("pay*.toml", "payments.toml", true),
            ("?.toml", "a.toml", true),
            ("?.toml", "ab.toml", false),
            ("?.toml", "é.toml", true),
            ("*", "", true),
            ("a*b*c", "abbbc", true),
            ("a*b*c", "acb", false),
        ] {
            assert_eq!(matches(p.as_bytes(), n.as_bytes()), want, "{p} {n}");
        }
    }
}
