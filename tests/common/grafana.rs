//! ccmon's lint of a dashboard for what Grafana's schema leaves open: the schema types
//! `targets`, `unit` and `datasource` loosely and says nothing of the grid.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

/// Variables Grafana defines itself.
const BUILT_IN: &[&str] = &[
    "__rate_interval",
    "__interval",
    "__interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
    "__dashboard",
    "__from",
    "__to",
];

/// Every problem found, one line each: ids unique; every panel but rows and text with a
/// datasource, a known unit and targets with distinct `refId`s and non-empty queries using
/// only defined variables; `gridPos` inside the 24 columns, no two panels overlapping.
pub fn lint(d: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let vars: HashSet<String> = d["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str().map(str::to_string))
        .chain(BUILT_IN.iter().map(|s| s.to_string()))
        .collect();
    let mut ids = HashSet::new();
    let mut boxes: Vec<(String, [u64; 4])> = Vec::new();
    let panels: Vec<&Value> = d["panels"].as_array().into_iter().flatten().collect();
    if panels.is_empty() {
        problems.push("no panels".to_string());
    }
    for p in panels {
        let title = p["title"].as_str().unwrap_or("?").to_string();
        let kind = p["type"].as_str().unwrap_or("");
        match p["id"].as_u64() {
            Some(id) if !ids.insert(id) => problems.push(format!("{title}: id {id} repeated")),
            None => problems.push(format!("{title}: no id")),
            _ => {}
        }
        let g = &p["gridPos"];
        let [x, y, w, h] = ["x", "y", "w", "h"].map(|k| g[k].as_u64().unwrap_or(u64::MAX));
        if w == 0 || h == 0 || w == u64::MAX || h == u64::MAX || x.saturating_add(w) > 24 {
            problems.push(format!("{title}: gridPos {g} outside the 24 columns"));
        } else {
            for (other, [ox, oy, ow, oh]) in &boxes {
                if x < ox + ow && *ox < x + w && y < oy + oh && *oy < y + h {
                    problems.push(format!("{title}: overlaps {other}"));
                }
            }
            boxes.push((title.clone(), [x, y, w, h]));
        }
        if kind == "row" || kind == "text" {
            continue;
        }
        if p["datasource"]["uid"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("{title}: no datasource"));
        }
        match p["fieldConfig"]["defaults"]["unit"].as_str() {
            Some(u) if ccmon::grafana_units::is_known(u) => {}
            u => problems.push(format!("{title}: unit {u:?} is not a Grafana unit id")),
        }
        let targets = p["targets"].as_array().map_or(&[][..], Vec::as_slice);
        if targets.is_empty() {
            problems.push(format!("{title}: no targets"));
        }
        let mut refs = BTreeSet::new();
        for t in targets {
            match t["refId"].as_str() {
                Some(r) if !r.is_empty() && refs.insert(r) => {}
                r => problems.push(format!("{title}: refId {r:?} missing or repeated")),
            }
            let expr = t["expr"].as_str().unwrap_or("");
            if expr.trim().is_empty() {
                problems.push(format!("{title}: empty query"));
            }
            for var in variables_in(expr) {
                if !vars.contains(&var) {
                    problems.push(format!("{title}: ${var} is not defined"));
                }
            }
        }
    }
    problems
}

/// `$name` and `${name}` in a query.
fn variables_in(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let braced = b.get(i + 1) == Some(&b'{');
            let start = i + 1 + usize::from(braced);
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if end > start {
                out.push(expr[start..end].to_string());
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn the_lint_finds_each_kind_of_problem() {
    let d = serde_json::json!({
        "templating": {"list": [{"name": "job"}]},
        "panels": [
            {"id": 1, "title": "a", "type": "timeseries", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "datasource": {"uid": "${datasource}"}, "fieldConfig": {"defaults": {"unit": "precent"}},
             "targets": [{"refId": "A", "expr": "up{job=\"$job\", x=\"$nope\"}"}, {"refId": "A", "expr": " "}]},
            {"id": 1, "title": "b", "type": "stat", "gridPos": {"x": 6, "y": 4, "w": 20, "h": 8},
             "fieldConfig": {"defaults": {"unit": "ms"}}, "targets": []},
        ]
    });
    let found = lint(&d).join("\n");
    for expected in [
        "a: unit Some(\"precent\") is not a Grafana unit id",
        "a: refId Some(\"A\") missing or repeated",
        "a: empty query",
        "a: $nope is not defined",
        "b: id 1 repeated",
        "b: gridPos",
        "b: no datasource",
        "b: no targets",
    ] {
        assert!(found.contains(expected), "{expected} not in:\n{found}");
    }
    assert!(!found.contains("$job"), "{found}");
    assert!(
        !found.contains("overlaps"),
        "b is outside the grid, not compared: {found}"
    );
}
