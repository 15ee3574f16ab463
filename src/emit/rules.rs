//! The alert rule file: one group per dimension, in the order the dimensions are declared.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Alert, Model};

pub fn path(project: &str) -> String {
    format!("prometheus/rules/{project}.rules.yml")
}

#[derive(Serialize)]
struct File<'a> {
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct Rule<'a> {
    alert: &'a str,
    expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    for_: Option<String>,
    labels: BTreeMap<&'a str, &'a str>,
    annotations: BTreeMap<&'a str, String>,
}

/// Fills ccmon's placeholders: `{value}` becomes the Go template that prints `$value` in the
/// alert's unit, `{threshold}` the threshold as the user wrote it.
pub fn fill(text: &str, alert: &Alert) -> String {
    let threshold = match (&alert.threshold_text, alert.threshold_value()) {
        (Some(t), _) => t.clone(),
        (None, Some(v)) => crate::quantity::fmt_num(v),
        (None, None) => String::new(),
    };
    text.replace("{value}", alert.value_template())
        .replace("{threshold}", &threshold)
}

fn rule(a: &Alert) -> Rule<'_> {
    let mut labels: BTreeMap<&str, &str> = a
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    labels.insert("severity", a.severity.as_str());
    if let Some(d) = &a.dimension {
        labels.insert("dimension", d);
    }
    let mut annotations = BTreeMap::new();
    annotations.insert("summary", fill(&a.summary, a));
    if let Some(d) = &a.description {
        annotations.insert("description", fill(d, a));
    }
    if let Some(r) = &a.runbook {
        annotations.insert("runbook_url", r.clone());
    }
    Rule {
        alert: &a.name,
        expr: a.expr(),
        for_: (a.for_.millis() > 0).then(|| a.for_.to_string()),
        labels,
        annotations,
    }
}

pub fn emit(m: &Model) -> String {
    let mut groups: Vec<Group> = m
        .dimensions
        .iter()
        .map(|d| Group {
            name: &d.name,
            rules: m
                .alerts
                .iter()
                .filter(|a| a.dimension.as_deref() == Some(&d.name))
                .map(rule)
                .collect(),
        })
        .filter(|g| !g.rules.is_empty())
        .collect();
    let loose: Vec<Rule> = m
        .alerts
        .iter()
        .filter(|a| a.dimension.is_none())
        .map(rule)
        .collect();
    if !loose.is_empty() {
        groups.push(Group {
            name: &m.project.name,
            rules: loose,
        });
    }
    super::yaml(&File { groups })
}
