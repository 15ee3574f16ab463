//! The rule files: one group per dimension, in the order the dimensions are declared; and,
//! when there are SLOs, a file of their own with one group per SLO, its recording rules and
//! burn-rate alerts. The SLO rules are apart so that the tests of each file evaluate only
//! its own rules: the SLO tests run days of series, the alert tests many groups.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Alert, Model, Record, Slo};
use crate::quantity::fmt_num;
use crate::unit::Unit;

pub fn path(project: &str) -> String {
    format!("prometheus/rules/{project}.rules.yml")
}

/// Alerts per rule file at most (tiers of one alert are never split): a larger config has
/// several files, so that the generated tests of each load only its rules. promtool
/// evaluates every loaded rule at every step of every test group, so one file of every rule
/// makes the tests grow faster than the alerts.
pub const ALERTS_PER_FILE: usize = 500;

/// The path of the `n`th rule file (from 0) of the stack or a service named `name`:
/// `<name>.rules.yml`, then `<name>.rules-2.yml`….
pub fn chunk_path(name: &str, n: usize) -> String {
    match n {
        0 => path(name),
        n => format!("prometheus/rules/{name}.rules-{}.yml", n + 1),
    }
}

/// A rule file of alerts: where it goes, and its alerts.
pub struct RuleFile<'m> {
    /// Below the output folder: `prometheus/rules/<name>.rules.yml`.
    pub path: String,
    /// The name of its group of alerts without a dimension: the project's or the service's.
    pub group: &'m str,
    pub alerts: &'m [Alert],
}

impl RuleFile<'_> {
    /// Its name in `prometheus/rules/` without `.yml`: its test file is named after it.
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.strip_suffix(".yml").unwrap_or(name)
    }
}

/// The rule files of alerts, in order: the stack's (always one, the first: it holds the
/// recording rules), then each service's (`include`), each split past [`ALERTS_PER_FILE`].
/// The model holds the stack's alerts first and each service's together.
pub fn chunks(m: &Model) -> Vec<RuleFile<'_>> {
    let mut out = Vec::new();
    let mut rest = &m.alerts[..];
    while !rest.is_empty() || out.is_empty() {
        let owner = rest.first().and_then(|a| a.service.as_deref());
        let len = rest
            .iter()
            .take_while(|a| a.service.as_deref() == owner)
            .count();
        let (own, after) = rest.split_at(len);
        rest = after;
        let name = owner.unwrap_or(&m.project.name);
        if owner.is_some() && out.is_empty() {
            out.push(RuleFile {
                path: path(&m.project.name),
                group: &m.project.name,
                alerts: &[],
            });
        }
        let mut chunks = crate::model::alert_chunks(own, ALERTS_PER_FILE);
        if chunks.is_empty() {
            chunks.push(own);
        }
        for (n, alerts) in chunks.into_iter().enumerate() {
            out.push(RuleFile {
                path: chunk_path(name, n),
                group: name,
                alerts,
            });
        }
    }
    out
}

pub fn slo_path(project: &str) -> String {
    format!("prometheus/rules/{project}.slo.rules.yml")
}

#[derive(Serialize)]
struct File<'m> {
    groups: Vec<Group<'m>>,
}

#[derive(Serialize)]
struct Group<'m> {
    name: Cow<'m, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    rules: Vec<Rule<'m>>,
}

/// An alerting rule (`alert`) or a recording rule (`record`). Text the model holds is
/// borrowed: a large config has tens of thousands of rules.
#[derive(Serialize)]
struct Rule<'m> {
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<&'m str>,
    expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    for_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keep_firing_for: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<Cow<'m, str>, Cow<'m, str>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: Annotations,
}

/// Annotations by name: ccmon's own names are borrowed, the user's owned.
pub type Annotations = BTreeMap<Cow<'static, str>, String>;

/// Fills ccmon's placeholders: `{value}` becomes the Go template that prints `$value` in the
/// alert's unit, `{threshold}` the threshold as the user wrote it.
pub fn fill(text: &str, alert: &Alert) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let threshold = match (&alert.threshold_text, alert.threshold_value()) {
        (Some(t), _) => t.clone(),
        (None, Some(v)) => fmt_num(v),
        (None, None) => String::new(),
    };
    text.replace("{value}", value_template(alert.unit()))
        .replace("{threshold}", &threshold)
}

/// The Go template that prints `$value` in a unit.
pub fn value_template(unit: Unit) -> &'static str {
    const PERCENT: &str = "{{ $value | humanizePercentage }}";
    const DURATION: &str = "{{ $value | humanizeDuration }}";
    match unit {
        Unit::Usd => "{{ $value | printf \"%.2f\" }}",
        Unit::Ratio => PERCENT,
        Unit::Percent => "{{ $value | humanize }}%",
        Unit::Seconds => DURATION,
        Unit::Bytes => "{{ $value | humanize1024 }}B",
        Unit::RequestsPerSecond | Unit::Count | Unit::None => "{{ $value | humanize }}",
    }
}

/// The annotations of an alert, filled.
pub fn annotations(a: &Alert) -> Annotations {
    let mut annotations = Annotations::new();
    annotations.insert("summary".into(), fill(&a.summary, a));
    if let Some(d) = &a.description {
        annotations.insert("description".into(), fill(d, a));
    }
    if let Some(r) = &a.runbook {
        annotations.insert("runbook_url".into(), r.clone());
    }
    for (k, v) in &a.annotations {
        annotations.insert(k.clone().into(), fill(v, a));
    }
    annotations
}

fn rule(a: &Alert) -> Rule<'_> {
    // The alert's static labels but its name, borrowed.
    let mut labels = a.static_label_refs();
    labels.remove("alertname");
    let labels = labels
        .into_iter()
        .map(|(k, v)| (Cow::from(k), Cow::from(v)))
        .collect();
    Rule {
        record: None,
        alert: Some(&a.name),
        expr: a.expr(),
        for_: (a.for_.millis() > 0).then(|| a.for_.to_string()),
        keep_firing_for: a.keep_firing_for.map(|d| d.to_string()),
        labels,
        annotations: annotations(a),
    }
}

fn owned<'m>(labels: BTreeMap<String, String>) -> BTreeMap<Cow<'m, str>, Cow<'m, str>> {
    labels
        .into_iter()
        .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
        .collect()
}

/// The labels and annotations of the alert of one window pair of an SLO tier: the pair's
/// windows are labels (`long`, `short`), and the description quotes its factor.
pub fn slo_alert_meta(
    slo: &Slo,
    tier: &crate::model::SloTier,
    w: &crate::model::BurnWindow,
) -> (BTreeMap<String, String>, Annotations) {
    let mut labels = slo.labels.clone();
    labels.extend([
        ("severity".to_string(), tier.severity.as_str().to_string()),
        ("slo".to_string(), slo.name.clone()),
        ("dimension".to_string(), slo.dimension.clone()),
        ("tier".to_string(), tier.tier.as_str().to_string()),
        ("long".to_string(), w.long.to_string()),
        ("short".to_string(), w.short.to_string()),
    ]);
    let mut annotations = Annotations::from([
        (
            "summary".into(),
            format!(
                "SLO {} ({} over {}) is burning its error budget too fast",
                slo.name, slo.target_text, slo.period
            ),
        ),
        (
            "description".into(),
            format!(
                "error ratio {{{{ $value | humanizePercentage }}}} over {} (and over {}): at over {}× the budget of {}%, the {} budget would be gone in under {}",
                w.long,
                w.short,
                fmt_num(w.factor),
                fmt_num(slo.budget() * 100.0),
                slo.period,
                crate::quantity::Duration((slo.period.millis() as f64 / w.factor) as u64)
            ),
        ),
    ]);
    if let Some(r) = &slo.runbook {
        annotations.insert("runbook_url".into(), r.clone());
    }
    for (k, v) in &slo.annotations {
        annotations.insert(k.clone().into(), v.clone());
    }
    (labels, annotations)
}

fn slo_group(slo: &Slo) -> Group<'_> {
    let mut rules: Vec<Rule> = crate::slo::recording_rules(slo)
        .into_iter()
        .map(|(record, expr)| Rule {
            record: Some(record),
            alert: None,
            expr,
            for_: None,
            keep_firing_for: None,
            labels: BTreeMap::from([("slo".into(), slo.name.as_str().into())]),
            annotations: BTreeMap::new(),
        })
        .collect();
    for tier in &slo.tiers {
        for w in &tier.windows {
            let (labels, annotations) = slo_alert_meta(slo, tier, w);
            rules.push(Rule {
                record: None,
                alert: Some(&tier.alert),
                expr: crate::slo::pair_expr(slo, w),
                for_: Some(tier.for_.to_string()),
                keep_firing_for: None,
                labels: owned(labels),
                annotations,
            });
        }
    }
    Group {
        name: format!("slo-{}", slo.name).into(),
        interval: None,
        limit: None,
        rules,
    }
}

/// A recording rule, its text borrowed.
fn record(r: &Record) -> Rule<'_> {
    Rule {
        record: Some(r.name.clone()),
        alert: None,
        expr: r.expr.clone(),
        for_: None,
        keep_firing_for: None,
        labels: r
            .labels
            .iter()
            .map(|(k, v)| (Cow::from(k.as_str()), Cow::from(v.as_str())))
            .collect(),
        annotations: Annotations::new(),
    }
}

/// The rules of one group in a file: its recording rules (in the first file), then its
/// alerts among `alerts`.
fn group_rules<'m>(
    m: &'m Model,
    alerts: &'m [Alert],
    first: bool,
    dimension: Option<&str>,
) -> Vec<Rule<'m>> {
    let records = m
        .records
        .iter()
        .filter(|r| first && r.dimension.as_deref() == dimension)
        .map(record);
    let alerts = alerts
        .iter()
        .filter(|a| a.dimension.as_deref() == dimension)
        .map(rule);
    records.chain(alerts).collect()
}

/// Every rule file but the SLOs': path and text, in order (see [`chunks`]).
pub fn emit(m: &Model) -> Vec<(String, String)> {
    chunks(m)
        .into_iter()
        .enumerate()
        .map(|(n, f)| (f.path.clone(), emit_file(m, &f, n == 0)))
        .collect()
}

/// A rule file: a group per dimension, then one for the rest, each with the recording rules
/// (when `first`) and alerts of its own.
fn emit_file(m: &Model, file: &RuleFile, first: bool) -> String {
    let alerts = file.alerts;
    let mut groups: Vec<Group> = m
        .dimensions
        .iter()
        .map(|d| Group {
            name: d.name.as_str().into(),
            interval: d.interval.map(|i| i.to_string()),
            limit: d.limit,
            rules: group_rules(m, alerts, first, Some(&d.name)),
        })
        .filter(|g| !g.rules.is_empty())
        .collect();
    let loose = group_rules(m, alerts, first, None);
    if !loose.is_empty() {
        groups.push(Group {
            name: file.group.into(),
            interval: None,
            limit: None,
            rules: loose,
        });
    }
    super::yaml(&File { groups })
}

/// The SLO rule file, when there are SLOs.
pub fn emit_slo(m: &Model) -> Option<String> {
    (!m.slos.is_empty()).then(|| {
        super::yaml(&File {
            groups: m.slos.iter().map(slo_group).collect(),
        })
    })
}
