//! Recovery from structure errors: each error becomes a diagnostic at its span, and the
//! offending entry is removed from the document so that deserialization can be tried again.

use std::ops::Range;

use toml::de::{DeArray, DeTable, DeValue};

use crate::codes;
use crate::diag::Diagnostic;
use crate::diag::source::Source;

/// Removes the table entry or array element whose key or value has exactly this span.
/// Returns the span of the table it was removed from and the key (empty for an array
/// element), or `None` when nothing has that span.
pub(super) fn remove_at(
    table: &mut DeTable<'_>,
    table_span: Range<usize>,
    span: &Range<usize>,
) -> Option<(Range<usize>, String)> {
    let hit = table
        .iter()
        .find(|(k, v)| k.span() == *span || v.span() == *span)
        .map(|(k, _)| k.clone());
    if let Some(key) = hit {
        table.remove(&key);
        return Some((table_span, key.get_ref().to_string()));
    }
    table.iter_mut().find_map(|(_, v)| {
        let s = v.span();
        remove_in_value(v.get_mut(), s, span)
    })
}

fn remove_in_value(
    v: &mut DeValue<'_>,
    v_span: Range<usize>,
    span: &Range<usize>,
) -> Option<(Range<usize>, String)> {
    match v {
        DeValue::Table(t) => remove_at(t, v_span, span),
        DeValue::Array(a) => {
            if let Some(i) = a.iter().position(|x| x.span() == *span) {
                let mut kept = DeArray::new();
                for (j, x) in a.iter().enumerate() {
                    if j != i {
                        kept.push(x.clone());
                    }
                }
                *a = kept;
                return Some((v_span, String::new()));
            }
            a.iter_mut().find_map(|x| {
                let s = x.span();
                remove_in_value(x.get_mut(), s, span)
            })
        }
        _ => None,
    }
}

/// serde's words for types, in the words of a TOML user.
fn toml_type_words(expected: &str) -> String {
    let e = expected.trim();
    if e.starts_with("struct ") || e == "a map" {
        return "a table".into();
    }
    match e {
        "i64" | "u64" | "i32" | "u32" | "u16" | "u8" | "usize" | "i128" => "an integer".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" | "bool" => "`true` or `false`".into(),
        "a sequence" => "an array".into(),
        "a string" => "a string".into(),
        _ => e.to_string(),
    }
}

pub(super) fn structure_diagnostic(
    src: &Source,
    e: &toml::de::Error,
    span: Range<usize>,
) -> Diagnostic {
    let message = e.message().trim();
    let first = message.lines().next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let found = rest.split('`').next().unwrap_or("");
        let expected = expected_names(rest);
        let mut d = Diagnostic::error(codes::UNKNOWN_KEY, format!("unknown key `{found}`"))
            .at(span.clone(), "not a key of this table");
        if let Some(hint) = parent_key_hint(src, span.start, found) {
            return d.help(hint);
        }
        d = match crate::suggest::closest(found, expected.iter().map(String::as_str)) {
            Some(c) => d.help(format!("did you mean `{c}`?")),
            None if expected.is_empty() => d.help("this table takes no keys"),
            None => d.help(format!(
                "keys here: {}",
                crate::suggest::backticked(&expected)
            )),
        };
        return d;
    }
    if let Some(rest) = first.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        let header = src.text.get(span.clone()).unwrap_or("").trim().to_string();
        let label = if header.is_empty() {
            format!("`{key}` is required")
        } else {
            format!("`{header}` needs `{key}`")
        };
        return Diagnostic::error(codes::MISSING_KEY, format!("missing key `{key}`"))
            .at(span, label);
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return Diagnostic::error(
            codes::WRONG_TYPE,
            format!(
                "wrong type: found {found}, expected {}",
                toml_type_words(expected)
            ),
        )
        .at(span, format!("expected {}", toml_type_words(expected)));
    }
    if first.starts_with("data did not match any variant") {
        return Diagnostic::error(
            codes::WRONG_TYPE,
            "wrong type: expected a number or a string with a unit",
        )
        .at(
            span,
            "expected for example `0.05`, `\"5%\"`, `\"2s\"` or `\"10 per minute\"`",
        );
    }
    if first.starts_with("invalid value") || first.starts_with("invalid length") {
        return Diagnostic::error(codes::WRONG_TYPE, first.to_string()).at(span, "here");
    }
    Diagnostic::error(codes::SYNTAX, first.to_string()).at(span, "here")
}

/// The key names serde lists after "expected" in an unknown-field message.
fn expected_names(rest: &str) -> Vec<String> {
    let Some((_, list)) = rest.split_once("expected") else {
        return Vec::new();
    };
    list.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// A key written after a sub-table's header that belongs to the table above it (`balance`
/// after `[[proxy.backend]]`): TOML reads it as the sub-table's, so say where it goes.
fn parent_key_hint(src: &Source, at: usize, found: &str) -> Option<String> {
    let before = src.text.get(..at)?;
    let header = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))?;
    let inner = header.trim_start_matches('[').split(']').next()?.trim();
    let path: Vec<String> = inner
        .split('.')
        .map(|p| p.trim().trim_matches('"').to_string())
        .collect();
    let (_, parent) = path.split_last()?;
    // Generated once per run, not once per unknown key.
    static SCHEMA: std::sync::LazyLock<Option<serde_json::Value>> =
        std::sync::LazyLock::new(|| serde_json::from_str(&super::json_schema()).ok());
    let schema = SCHEMA.as_ref()?;
    let mut node = schema;
    for seg in parent {
        node = schema_props(schema, node)?.get(seg)?;
    }
    schema_props(schema, node)?.get(found)?;
    let parent = if parent.is_empty() {
        "the top level".to_string()
    } else {
        format!("`[{}]`", parent.join("."))
    };
    Some(format!(
        "`{found}` is a key of {parent}: TOML reads every key after `{header}` as that table's, so move it above `{header}`"
    ))
}

/// The `properties` of a schema node, through `$ref`s, `anyOf`s and array `items`.
fn schema_props<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    if let Some(p) = node.get("properties").and_then(|p| p.as_object()) {
        return Some(p);
    }
    if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
        let name = r.strip_prefix("#/$defs/")?;
        return schema_props(root, root.get("$defs")?.get(name)?);
    }
    if let Some(items) = node.get("items") {
        return schema_props(root, items);
    }
    node.get("anyOf")?
        .as_array()?
        .iter()
        .find_map(|n| schema_props(root, n))
}
