//! Alerts ccmon adds on the user's behalf (health checks, self-monitoring), written as the
//! `[[alert]]` tables a user would write and checked by the same code as the user's own: a
//! generated alert cannot be anything a hand-written one could not.
//!
//! The tables are serialized into a TOML document of their own (the TOML library quotes every
//! value), read back with spans, and checked. A diagnostic about one of them is reported at
//! the place in `monitoring.toml` it was generated from.

use std::ops::Range;

use serde::Deserialize;

use super::Cx;
use crate::diag::{Diagnostic, Diags};
use crate::load::{RawAlert, S};
use crate::model::{Alert, Dimension, Job, Prometheus, Record};

/// One generated `[[alert]]` table, and where in `monitoring.toml` it comes from.
#[derive(Debug, Clone)]
pub struct Generated {
    pub table: toml::Table,
    pub origin: Range<usize>,
    /// What it was generated from, for diagnostics ("health check `api`").
    pub from: String,
}

impl Generated {
    pub fn new(origin: Range<usize>, from: impl Into<String>) -> Self {
        Generated {
            table: toml::Table::new(),
            origin,
            from: from.into(),
        }
    }

    /// Sets a key; strings, numbers, booleans and lists of strings.
    pub fn set(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.table.insert(key.to_string(), value.into());
        self
    }

    pub fn set_opt(self, key: &str, value: Option<impl Into<toml::Value>>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    pub fn name(&self) -> &str {
        self.table
            .get("name")
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    alert: Vec<S<RawAlert>>,
}

/// The generated alerts into the model, checked with the user's jobs, records and dimensions.
/// An alert of the user's under a generated alert's name replaces it (rule sets brought
/// along, such as kube-prometheus', have their own `Watchdog` and disk alerts).
pub fn alerts(
    cx: &mut Cx,
    generated: &[Generated],
    taken: &[Alert],
    env: (&[Job], &[Record], &[Dimension], &Prometheus),
) -> Vec<Alert> {
    if generated.is_empty() {
        return Vec::new();
    }
    let taken: std::collections::HashSet<&str> = taken.iter().map(|a| a.name.as_str()).collect();
    let ok: Vec<&Generated> = generated
        .iter()
        .filter(|g| !taken.contains(g.name()))
        .collect();
    let mut text = String::new();
    let mut starts = Vec::with_capacity(ok.len());
    for g in &ok {
        starts.push(text.len());
        text.push_str(&format!("[[alert]]\n{}\n", lines(&g.table)));
    }
    let raw: Doc = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("ccmon bug: generated alerts do not read back: {e}\n{text}"));
    let mut diags = Diags::default();
    let (jobs, records, dims, prom) = env;
    let out = {
        let mut gcx = Cx {
            diags: &mut diags,
            text: &text,
            removed: &[],
            promql: cx.promql.clone(),
            severities: cx.severities.clone(),
        };
        super::alerts::alerts(&mut gcx, &raw.alert, jobs, records, dims, prom)
    };
    let mut out = out;
    for a in &mut out {
        a.generated = true;
    }
    for d in diags.into_vec() {
        let at = d.primary.as_ref().map_or(0, |l| l.span.start);
        // The last alert that starts before the diagnostic's place.
        let i = starts.iter().rposition(|s| *s <= at).unwrap_or(0);
        let g = ok[i];
        let mut moved = Diagnostic {
            message: format!("in the generated alert `{}`: {}", g.name(), d.message),
            primary: None,
            secondary: Vec::new(),
            ..d
        }
        .at(g.origin.clone(), format!("{} generates it", g.from));
        if moved.help.is_none() {
            moved.help = Some(format!("its table: {}", one_line(&g.table)));
        }
        cx.push(moved);
    }
    out
}

/// A table on one line, as TOML writes it inline.
fn one_line(t: &toml::Table) -> String {
    let keys: Vec<String> = t
        .iter()
        .map(|(k, v)| format!("{k} = {}", value(v)))
        .collect();
    format!("{{ {} }}", keys.join(", "))
}

/// The table's keys, one per line. Keys are ccmon's own (bare words); values are quoted by
/// [`value`].
fn lines(t: &toml::Table) -> String {
    t.iter()
        .map(|(k, v)| format!("{k} = {}\n", value(v)))
        .collect()
}

/// A value in TOML syntax: strings as basic strings with every character TOML requires
/// escaped, so that no value can end its string.
fn value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => format!("{f:?}"),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
        other => panic!("ccmon bug: a generated alert holds {other:?}"),
    }
}

/// How severe a generated alert is.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    /// `critical`, or the most severe declared.
    Page,
    /// `warning`, or the second declared.
    Ticket,
    /// `info`, or the least severe declared.
    Info,
}

/// The declared severity for `level`: its usual name when declared, otherwise by place.
pub fn severity(severities: &[String], level: Level) -> String {
    let (name, at) = match level {
        Level::Page => ("critical", 0),
        Level::Ticket => ("warning", 1),
        Level::Info => ("info", usize::MAX),
    };
    severities
        .iter()
        .find(|s| *s == name)
        .or_else(|| severities.get(at))
        .or(severities.last())
        .cloned()
        .unwrap_or_else(|| name.into())
}

/// `llm-gateway` → `LlmGateway`: a name for an alert.
pub fn camel(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_camel_case() {
        assert_eq!(camel("llm-gateway"), "LlmGateway");
        assert_eq!(camel("api"), "Api");
        assert_eq!(camel("a_b-c2"), "ABC2");
    }

    #[test]
    fn no_string_can_end_its_toml_string() {
        for s in [
            "a\"b",
            "c\\",
            "\"\n[[alert]]\nname = \"x",
            "\u{7f}\u{0}",
            "雪",
        ] {
            let t = toml::Table::from_iter([("k".to_string(), toml::Value::from(s))]);
            let back: toml::Table = toml::from_str(&lines(&t)).unwrap();
            assert_eq!(back["k"].as_str(), Some(s));
        }
    }
}
