//! `ccmon routes`: the route tree as Alertmanager will walk it, and where every alert ccmon
//! generates goes (now, or at a chosen time), with the intervals that keep it quiet.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;

use super::walk::{Labels, walk};
use crate::model::{Model, Route};

/// Every alert of the rule files (tiers and SLO tiers included) with the labels known from
/// its rule.
pub fn alert_labels(m: &Model) -> Vec<Labels> {
    let mut out: Vec<Labels> = m.alerts.iter().map(|a| a.static_labels()).collect();
    for s in &m.slos {
        for t in &s.tiers {
            let mut l: BTreeMap<String, String> = s.labels.clone();
            l.insert("alertname".into(), t.alert.clone());
            l.insert("severity".into(), t.severity.as_str().into());
            l.insert("slo".into(), s.name.clone());
            l.insert("dimension".into(), s.dimension.clone());
            l.insert("tier".into(), t.tier.as_str().into());
            out.push(l);
        }
    }
    out
}

fn tree(r: &Route, inherited: &str, depth: usize, out: &mut String) {
    let receiver = r.receiver.as_deref().unwrap_or(inherited);
    let what = if depth == 0 {
        "root".to_string()
    } else if r.matchers.is_empty() {
        "(every alert)".to_string()
    } else {
        r.matchers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut notes = Vec::new();
    if r.continue_ {
        notes.push("continue".to_string());
    }
    if !r.mute.is_empty() {
        notes.push(format!("muted in {}", r.mute.join(", ")));
    }
    if !r.active.is_empty() {
        notes.push(format!("active in {}", r.active.join(", ")));
    }
    if let Some(g) = &r.group_by {
        notes.push(format!("group by {}", g.join(", ")));
    }
    let _ = writeln!(
        out,
        "{}{what} → {receiver}{}",
        "  ".repeat(depth + 1),
        if notes.is_empty() {
            String::new()
        } else {
            format!("  [{}]", notes.join("; "))
        }
    );
    for c in &r.routes {
        tree(c, receiver, depth + 1, out);
    }
}

/// The report: the tree, then one row per alert name and severity.
pub fn report(m: &Model, at: Option<Timestamp>) -> String {
    let am = &m.alertmanager;
    let mut out = String::from("route tree:\n");
    tree(&am.route, "", 0, &mut out);
    let _ = writeln!(
        out,
        "\nalerts{}:",
        match at {
            Some(t) => format!(" at {t}"),
            None => " (time intervals not applied)".to_string(),
        }
    );
    let mut rows: Vec<[String; 4]> = Vec::new();
    for l in alert_labels(m) {
        let w = walk(&am.route, &l, at, &am.time_intervals);
        let receivers: Vec<String> = w
            .deliveries
            .iter()
            .map(|d| match &d.silenced {
                Some(why) => format!("{} ({why})", d.receiver),
                None => d.receiver.clone(),
            })
            .collect();
        let intervals: Vec<String> = w
            .deliveries
            .iter()
            .flat_map(|d| {
                d.mute
                    .iter()
                    .map(|x| format!("mute {x}"))
                    .chain(d.active.iter().map(|x| format!("active {x}")))
            })
            .collect();
        let row = [
            l["alertname"].clone(),
            l["severity"].clone(),
            receivers.join(", "),
            intervals.join(", "),
        ];
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    rows.insert(
        0,
        ["ALERT", "SEVERITY", "RECEIVERS", "INTERVALS"].map(String::from),
    );
    let widths: Vec<usize> = (0..4)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    }
    out
}
