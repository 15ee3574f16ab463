//! Environments: `[env.<name>]` tables that override the top level of the same file for one
//! environment (`--env <name>`). The override is merged into the parsed document before it is
//! read, so every value keeps the span it was written at: a mistake in an override is
//! reported at the override's own line.
//!
//! Merging: a table merges key by key; an array of tables whose entries have a `name` (jobs,
//! alerts, receivers, dimensions...) merges entry by entry, by name, and naming an entry the
//! top level lacks is an error; any other value (a list of targets, the proxy's backends)
//! replaces the top level's. A key the format does not know is refused as anywhere else.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::codes;
use crate::diag::{Diagnostic, Diags};

pub const KEY: &str = "env";

/// The environments the document declares, in file order.
pub fn names(doc: &DeTable<'_>) -> Vec<String> {
    doc.iter()
        .find(|(k, _)| k.get_ref() == KEY)
        .and_then(|(_, v)| match v.get_ref() {
            DeValue::Table(t) => Some(t.iter().map(|(k, _)| k.get_ref().to_string()).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Takes `env` out of the document and, with `selected`, merges that environment into it.
/// `Err` names an environment the document does not declare.
pub fn apply<'t>(
    doc: &mut DeTable<'t>,
    selected: Option<&str>,
    diags: &mut Diags,
) -> Result<(), String> {
    let declared = names(doc);
    let envs = take(doc, KEY);
    let Some(name) = selected else {
        return Ok(());
    };
    let over = envs.and_then(|(_, v)| match v.into_inner() {
        DeValue::Table(mut t) => take(&mut t, name),
        _ => None,
    });
    let Some((_, over)) = over else {
        return Err(if declared.is_empty() {
            format!(
                "there is no environment `{name}`: the configuration declares none ([env.<name>])"
            )
        } else {
            format!(
                "there is no environment `{name}`; declared: {}",
                crate::suggest::backticked(&declared)
            )
        });
    };
    let span = over.span();
    match over.into_inner() {
        DeValue::Table(t) => merge(doc, t, (name, ""), diags),
        _ => diags.push(
            Diagnostic::error(codes::WRONG_TYPE, format!("`env.{name}` is not a table"))
                .at(span, "expected a table of overrides"),
        ),
    }
    Ok(())
}

/// The entry of a key, removed from the table.
fn take<'t>(
    t: &mut DeTable<'t>,
    key: &str,
) -> Option<(Spanned<Cow<'t, str>>, Spanned<DeValue<'t>>)> {
    let k = t.iter().find(|(k, _)| k.get_ref() == key)?.0.clone();
    t.remove_entry(&k)
}

fn merge<'t>(
    base: &mut DeTable<'t>,
    over: DeTable<'t>,
    (env, path): (&str, &str),
    diags: &mut Diags,
) {
    for (k, v) in over {
        let here = if path.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{path}.{}", k.get_ref())
        };
        let Some((_, slot)) = base.iter_mut().find(|(bk, _)| bk.get_ref() == k.get_ref()) else {
            base.insert(k, v);
            continue;
        };
        let span = v.span();
        match (slot.get_mut(), v.into_inner()) {
            (DeValue::Table(b), DeValue::Table(o)) => merge(b, o, (env, &here), diags),
            (DeValue::Array(b), DeValue::Array(o)) if named(b) && named(&o) => {
                for entry in o {
                    merge_entry(b, entry, (env, &here), diags);
                }
            }
            (_, o) => *slot = Spanned::new(span, o),
        }
    }
}

/// Whether every element is a table with a string `name`.
fn named(items: &[Spanned<DeValue<'_>>]) -> bool {
    !items.is_empty() && items.iter().all(|i| name_of(i.get_ref()).is_some())
}

fn name_of<'a>(v: &'a DeValue<'_>) -> Option<(&'a str, std::ops::Range<usize>)> {
    let DeValue::Table(t) = v else { return None };
    let (_, n) = t.iter().find(|(k, _)| k.get_ref() == "name")?;
    match n.get_ref() {
        DeValue::String(s) => Some((s.as_ref(), n.span())),
        _ => None,
    }
}

/// One named entry of an override merged into the top level's entry of that name.
fn merge_entry<'t>(
    base: &mut [Spanned<DeValue<'t>>],
    entry: Spanned<DeValue<'t>>,
    (env, path): (&str, &str),
    diags: &mut Diags,
) {
    let Some((name, name_span)) = name_of(entry.get_ref()).map(|(n, s)| (n.to_string(), s)) else {
        return;
    };
    let target = base
        .iter_mut()
        .find(|b| name_of(b.get_ref()).is_some_and(|(n, _)| n == name));
    match (target.map(|t| t.get_mut()), entry.into_inner()) {
        (Some(DeValue::Table(b)), DeValue::Table(o)) => merge(b, o, (env, path), diags),
        _ => {
            let known: Vec<String> = base
                .iter()
                .filter_map(|b| name_of(b.get_ref()).map(|(n, _)| n.to_string()))
                .collect();
            let code = match path {
                "job" => codes::UNKNOWN_JOB,
                "alert" => codes::UNKNOWN_ALERT,
                "receiver" => codes::UNKNOWN_RECEIVER,
                "dimension" => codes::UNKNOWN_DIMENSION,
                _ => codes::UNKNOWN_KEY,
            };
            let mut d = Diagnostic::error(
                code,
                format!(
                    "`[env.{env}]` overrides {path} `{name}`, which the top level does not declare"
                ),
            )
            .at(name_span, "no such entry to override");
            d = match crate::suggest::closest(&name, known.iter().map(String::as_str)) {
                Some(c) => d.help(format!("did you mean `{c}`? An environment changes the top level's entries; declare new ones there")),
                None => d.help("an environment changes the top level's entries: declare it at the top level"),
            };
            diags.push(d);
        }
    }
}
