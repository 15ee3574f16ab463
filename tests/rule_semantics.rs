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

/// A latency SLO over a histogram whose matchers leave out traffic the objective excludes
/// (long-lived `WATCH` requests, always over the threshold), as Sloth's SLOs filter it. The
/// 1000 `WATCH` requests a minute are half the traffic: counted, they would burn 50× the
/// budget from the first minute. Filtered, the page fires during a 20× burn of the other
/// requests and stops after it.
const WATCH_SLO: &str = r#"
[project]
name = "api"

[[job]]
name = "api"
targets = ["localhost:8080"]

[[dimension]]
name = "performance"
title = "Performance"

[[dimension.slo]]
name = "api-latency"
kind = "latency"
target = "99%"
period = "30d"
histogram = 'http_request_duration_seconds{verb!="WATCH"}'
threshold = "1s"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"
"#;

/// Firing page alerts at 50 minutes (before the burst), 110 minutes (50 minutes into it) and
/// 160 minutes (40 minutes after it, past the page's short windows of 5 and 30 minutes), as
/// promtool judges the rules `histogram` renders.
fn watch_slo_pages(histogram: &str) -> (bool, String) {
    let tmp = TempDir::new("watch-slo");
    let text = WATCH_SLO.replace(
        "'http_request_duration_seconds{verb!=\"WATCH\"}'",
        &format!("'{histogram}'"),
    );
    let src = ccmon::diag::source::Source::new("monitoring.toml", text);
    let (m, _) = common::model_of(&src);
    ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
    // Requests a minute: WATCH always slow; GET fast, 20 % slow from 60 to 120 minutes. The
    // page is on while any of its window pairs fires.
    let get_good = "0+1000x60 60800+800x60 108800+1000x80";
    let test = r#"rule_files:
  - rules/api.rules.yml
  - rules/api.slo.rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_request_duration_seconds_bucket{verb="GET", le="1"}'
        values: 'GET_GOOD'
      - series: 'http_request_duration_seconds_bucket{verb="GET", le="+Inf"}'
        values: '0+1000x200'
      - series: 'http_request_duration_seconds_count{verb="GET"}'
        values: '0+1000x200'
      - series: 'http_request_duration_seconds_bucket{verb="WATCH", le="1"}'
        values: '0+0x200'
      - series: 'http_request_duration_seconds_bucket{verb="WATCH", le="+Inf"}'
        values: '0+1000x200'
      - series: 'http_request_duration_seconds_count{verb="WATCH"}'
        values: '0+1000x200'
    promql_expr_test:
      - expr: count(count by (alertname) (ALERTS{alertname="ApiLatencyFastBurn", alertstate="firing"}))
        eval_time: 50m
        exp_samples: []
      - expr: count(count by (alertname) (ALERTS{alertname="ApiLatencyFastBurn", alertstate="firing"}))
        eval_time: 110m
        exp_samples:
          - labels: '{}'
            value: 1
      - expr: count(count by (alertname) (ALERTS{alertname="ApiLatencyFastBurn", alertstate="firing"}))
        eval_time: 160m
        exp_samples: []
"#
    .replace("GET_GOOD", get_good);
    let path = tmp.path().join("prometheus/watch.test.yml");
    fs::write(&path, test).unwrap();
    run(Command::new("promtool").arg("test").arg("rules").arg(&path))
}

#[test]
fn a_latency_slo_filtered_like_sloth_pages_during_a_burst_and_stops_after() {
    if !require_tool("promtool") {
        return;
    }
    let (ok, out) = watch_slo_pages("http_request_duration_seconds{verb!=\"WATCH\"}");
    assert!(
        ok,
        "the filtered SLO did not page exactly during the burst:\n{out}"
    );
    // The control: without the filter, the WATCH requests page before the burst.
    let (ok, out) = watch_slo_pages("http_request_duration_seconds");
    assert!(
        !ok,
        "the unfiltered SLO passed too: the test cannot tell them apart\n{out}"
    );
    assert!(out.contains("50m"), "{out}");
}

/// Errors counted by another metric than the total (gRPC's handled beside started): while the
/// total is 0 the ratio is not +Inf, and nothing fires; once requests start, it fires.
#[test]
fn an_error_ratio_of_two_metrics_does_not_fire_on_a_zero_total() {
    if !require_tool("promtool") {
        return;
    }
    let config = r#"
[project]
name = "grpc"

[[alert]]
name = "GrpcErrors"
kind = "error_ratio"
errors = 'grpc_server_handled_total{grpc_code!="OK"}'
total = "grpc_server_started_total"
above = "5%"
severity = "warning"
summary = "gRPC errors"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"
"#;
    let src = ccmon::diag::source::Source::new("grpc.toml", config);
    let (m, _) = common::model_of(&src);
    let tmp = TempDir::new("zero-total");
    ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
    let test = r#"
rule_files: [rules/grpc.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'grpc_server_handled_total{job="grpc", grpc_code="Unavailable"}'
        values: '0+10x20'
      - series: 'grpc_server_started_total{job="grpc"}'
        values: '0x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: GrpcErrors
        exp_alerts: []
  - interval: 1m
    input_series:
      - series: 'grpc_server_handled_total{job="grpc", grpc_code="Unavailable"}'
        values: '0+10x20'
      - series: 'grpc_server_started_total{job="grpc"}'
        values: '0+100x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: GrpcErrors
        exp_alerts:
          - exp_labels: {severity: warning, job: grpc}
            exp_annotations: {summary: gRPC errors}
"#;
    let path = tmp.path().join("prometheus/zero.test.yml");
    fs::write(&path, test).unwrap();
    let (ok, out) = run(Command::new("promtool").args(["test", "rules"]).arg(&path));
    assert!(ok, "{out}");
}
