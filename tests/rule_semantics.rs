//! Alert semantics, judged by `promtool test rules`: every alert of the claude-code example
//! fires when the condition holds in the unit its description states, with the expected
//! labels and humanized annotations, and stays silent just below (tests/rules/*.test.yml).

mod common;

use std::fs;
use std::process::Command;

use common::{TempDir, render_example, require_tool, run};

/// Renders the example, lets `mutate` change its rule file, and runs the hand-written rule
/// tests next to it: (passed, promtool's output).
fn hand_written_tests(tag: &str, mutate: impl Fn(&str) -> String) -> (bool, String) {
    let tmp = TempDir::new(tag);
    render_example("claude-code").write_to(tmp.path()).unwrap();
    let rules = tmp.path().join("prometheus/rules/claude-code.rules.yml");
    let text = fs::read_to_string(&rules).unwrap();
    fs::write(&rules, mutate(&text)).unwrap();
    let test = tmp.path().join("prometheus/claude-code.test.yml");
    fs::copy(
        common::root().join("tests/rules/claude-code.test.yml"),
        &test,
    )
    .unwrap();
    run(Command::new("promtool").arg("test").arg("rules").arg(&test))
}

#[test]
fn promtool_rule_tests_pass_for_every_seed_alert() {
    if !require_tool("promtool") {
        return;
    }
    let (ok, out) = hand_written_tests("rule-tests", str::to_string);
    eprintln!("promtool test rules (claude-code):\n{out}");
    assert!(ok && out.contains("SUCCESS"), "{out}");
}

/// The rule tests can fail: the seed's own error-rate expression (the `status` label kept in
/// the ratio) makes them fail.
#[test]
fn rule_tests_catch_the_seed_error_ratio_defect() {
    if !require_tool("promtool") {
        return;
    }
    let (ok, out) = hand_written_tests("rule-tests-mutant", |text| {
        let mutant = text
            .replace(
                "sum by (job, endpoint) (rate(claude_code_api_requests_total{status=~\"5..\"}[5m]))",
                "rate(claude_code_api_requests_total{status=~\"5..\"}[5m])",
            )
            .replace(
                "sum by (job, endpoint) (rate(claude_code_api_requests_total[5m])) > 0.05",
                "rate(claude_code_api_requests_total[5m]) > 0.05",
            );
        assert_ne!(mutant, text, "the mutation did not apply");
        mutant
    });
    assert!(!ok, "the seed's error ratio passed the rule tests:\n{out}");
    assert!(out.contains("HighAPIErrorRate"), "{out}");
}
