//! kube-prometheus' 139 alerts and 95 recording rules, written in one `monitoring.toml`
//! (`tests/kube-prometheus/`, made by its `convert.py`), validate, render, pass promtool, and
//! render back equal to the originals as data, apart from the normalisations of its README:
//! expressions compared without leading and trailing blanks (N2), durations as lengths of
//! time (N3), `for: 0s` as no `for` (N4), the `dimension` label ccmon adds to alerts (N5),
//! and the `summary` ccmon requires, copied from `message` where an alert has none (N6).

mod common;

use std::fs;

use common::{TempDir, require_tool, root, run};
use serde_json::{Map, Value};

const DIR: &str = "tests/kube-prometheus";

fn original() -> Value {
    let text = fs::read_to_string(root().join(DIR).join("rules.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn rendered() -> (ccmon::output::bundle::Bundle, Value) {
    let path = root().join(DIR).join("monitoring.toml");
    let src =
        ccmon::diag::source::Source::new("monitoring.toml", fs::read_to_string(path).unwrap());
    let (m, diags) = common::model_of(&src);
    assert!(
        diags.is_empty(),
        "kube-prometheus' monitoring.toml has diagnostics"
    );
    let b = ccmon::emit::emit(&m);
    let rules = b.get("prometheus/rules/kube-prometheus.rules.yml").unwrap();
    let v = common::yaml(rules);
    (b, v)
}

fn millis(v: Option<&Value>) -> u64 {
    v.and_then(Value::as_str)
        .map(|s| ccmon::quantity::Duration::parse(s).unwrap().millis())
        .unwrap_or(0)
}

fn map(v: Option<&Value>) -> Map<String, Value> {
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

/// The differences between one original rule and its rendering, after the normalisations.
fn rule_diffs(group: &str, o: &Value, r: &Value) -> Vec<String> {
    let name = o.get("alert").or(o.get("record")).unwrap();
    let at = |what: &str, a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
        format!("{group} / {name}: {what}: {a:?} became {b:?}")
    };
    let mut d = Vec::new();
    let known = [
        "record",
        "alert",
        "expr",
        "for",
        "keep_firing_for",
        "labels",
        "annotations",
    ];
    for side in [o, r] {
        for k in side.as_object().unwrap().keys() {
            if !known.contains(&k.as_str()) {
                d.push(at("unexpected key", k, &""));
            }
        }
    }
    for k in ["record", "alert"] {
        if o.get(k) != r.get(k) {
            d.push(at(k, &o.get(k), &r.get(k)));
        }
    }
    let expr = |v: &Value| {
        v.get("expr")
            .and_then(Value::as_str)
            .unwrap()
            .trim()
            .to_string()
    };
    if expr(o) != expr(r) {
        d.push(at("expr", &expr(o), &expr(r)));
    }
    for k in ["for", "keep_firing_for"] {
        if millis(o.get(k)) != millis(r.get(k)) {
            d.push(at(k, &o.get(k), &r.get(k)));
        }
    }
    let (ol, mut rl) = (map(o.get("labels")), map(r.get("labels")));
    let (oa, mut ra) = (map(o.get("annotations")), map(r.get("annotations")));
    if o.get("alert").is_some() {
        if rl.remove("dimension") != Some(Value::String(group.into())) {
            d.push(at("the dimension label", &group, &r.get("labels")));
        }
        if !oa.contains_key("summary")
            && let Some(message) = oa.get("message")
            && ra.remove("summary").as_ref() != Some(message)
        {
            d.push(at(
                "summary copied from message",
                message,
                &r.get("annotations"),
            ));
        }
    }
    if ol != rl {
        d.push(at("labels", &ol, &rl));
    }
    if oa != ra {
        d.push(at("annotations", &oa, &ra));
    }
    d
}

#[test]
fn every_kube_prometheus_rule_renders_back_as_it_was() {
    let o = original();
    let (_, r) = rendered();
    let (og, rg) = (
        o["groups"].as_array().unwrap(),
        r["groups"].as_array().unwrap(),
    );
    let count = |groups: &[Value], k: &str| -> usize {
        groups
            .iter()
            .flat_map(|g| g["rules"].as_array().unwrap())
            .filter(|r| r.get(k).is_some())
            .count()
    };
    assert_eq!((count(og, "alert"), count(og, "record")), (139, 95));
    assert_eq!((count(rg, "alert"), count(rg, "record")), (139, 95));
    let names = |gs: &[Value]| -> Vec<String> {
        gs.iter()
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(og), names(rg));
    let mut diffs = Vec::new();
    for (o, r) in og.iter().zip(rg) {
        let group = o["name"].as_str().unwrap();
        if millis(o.get("interval")) != millis(r.get("interval")) {
            diffs.push(format!(
                "{group}: interval {:?} became {:?}",
                o.get("interval"),
                r.get("interval")
            ));
        }
        let (or, rr) = (
            o["rules"].as_array().unwrap(),
            r["rules"].as_array().unwrap(),
        );
        assert_eq!(or.len(), rr.len(), "rules of {group}");
        for (o, r) in or.iter().zip(rr) {
            diffs.extend(rule_diffs(group, o, r));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// promtool reads all 234 rules. Its duplicate-rule lint is off: kube-prometheus itself records
/// `code_verb:apiserver_request_total:increase1h` four times with no label to tell the four
/// apart (each for other verbs), and promtool says so of the original file as well.
#[test]
fn the_rules_are_promtool_clean() {
    if !require_tool("promtool") {
        return;
    }
    let (b, _) = rendered();
    let tmp = TempDir::new("kube-prometheus");
    b.write_to(tmp.path()).unwrap();
    let (ok, out) = run(std::process::Command::new("promtool")
        .args(["check", "rules", "--lint=none"])
        .arg(
            tmp.path()
                .join("prometheus/rules/kube-prometheus.rules.yml"),
        ));
    assert!(ok, "{out}");
    assert!(out.contains("SUCCESS: 234 rules found"), "{out}");
}
