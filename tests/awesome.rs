//! A seeded random sample of 100 rules of awesome-prometheus-alerts (`tests/awesome/`, made by
//! its `sample.py`), each written as a ccmon alert: at least 85 fit a typed kind, with generated
//! rule tests that promtool passes. `tests/awesome/REPORT.md` says which do not, and why.

mod common;

use std::fs;

use common::{require_tool, root};

fn model() -> (ccmon::model::Model, ccmon::output::bundle::Bundle) {
    let text = fs::read_to_string(root().join("tests/awesome/monitoring.toml")).unwrap();
    let src = ccmon::diag::source::Source::new("monitoring.toml", text);
    let (m, diags) = common::model_of(&src);
    assert!(diags.is_empty(), "the sample has diagnostics");
    let b = ccmon::emit::emit(&m);
    (m, b)
}

#[test]
fn at_least_85_of_the_100_sampled_rules_are_typed_and_tested() {
    let (m, b) = model();
    let names: Vec<&str> = ccmon::model::tier_runs(&m.alerts)
        .map(|run| run[0].name.as_str())
        .collect();
    assert_eq!(names.len(), 100, "one alert per sampled rule");
    let untested: Vec<&str> = b
        .coverage
        .untested
        .iter()
        .map(|u| u.split_once(':').map_or(u.as_str(), |(n, _)| n))
        .collect();
    let typed_and_tested: Vec<&str> = ccmon::model::tier_runs(&m.alerts)
        .filter(|run| {
            !matches!(run[0].kind, ccmon::kinds::AlertKind::Raw(_))
                && !untested.contains(&run[0].name.as_str())
        })
        .map(|run| run[0].name.as_str())
        .collect();
    eprintln!(
        "{} of 100 sampled rules are typed with generated tests; raw or untested: {:?}",
        typed_and_tested.len(),
        names
            .iter()
            .filter(|n| !typed_and_tested.contains(n))
            .collect::<Vec<_>>()
    );
    assert!(typed_and_tested.len() >= 85, "{}", typed_and_tested.len());
}

#[test]
fn the_samples_generated_tests_pass() {
    if !require_tool("promtool") {
        return;
    }
    let (m, _) = model();
    // The same run as `ccmon test`: every generated test file through promtool.
    let run = ccmon::tools::run_rule_tests(&m).expect("promtool runs");
    assert!(run.passed, "{}", run.output);
}
