//! The rule tests ccmon writes next to the rules: they pass for every example, cover every
//! alert, and fail when a threshold or window in the rules is altered.

mod common;

use std::fs;
use std::process::Command;

use common::{TempDir, render_example, require_tool, root, run};

#[test]
fn ccmon_test_passes_for_every_example() {
    if !require_tool("promtool") {
        return;
    }
    for name in common::examples() {
        let (ok, out) = run(Command::new(env!("CARGO_BIN_EXE_ccmon"))
            .current_dir(common::root())
            .args(["test", &format!("examples/{name}/monitoring.toml")]));
        eprintln!("[{name}] ccmon test:\n{out}");
        assert!(
            ok && out.contains("SUCCESS") && !out.contains("FAILED"),
            "{name}:\n{out}"
        );
    }
}

#[test]
fn every_alert_and_slo_tier_has_a_firing_and_a_silent_case() {
    for name in common::examples() {
        let (m, _) = common::model_of(&common::example_source(&name));
        let b = ccmon::emit::emit(&m);
        let mut text = String::new();
        for (p, t) in &b.files {
            if p.starts_with("prometheus/tests/") {
                text.push_str(t);
            }
        }
        // A heartbeat always fires: it has no silent case.
        let mut names: Vec<(String, bool)> = m
            .alerts
            .iter()
            .map(|a| {
                let beats = matches!(a.kind, ccmon::kinds::AlertKind::Deadman(_));
                (a.name.clone(), beats)
            })
            .collect();
        names.extend(
            m.slos
                .iter()
                .flat_map(|s| s.tiers.iter().map(|t| (t.alert.clone(), false))),
        );
        for (a, beats) in names {
            let skipped = text.contains(&format!("# no generated test for {a}:"));
            // A case in a shared group has a comment naming it; one in a group of its own,
            // the group's name.
            let named = |what: &str| {
                text.contains(&format!("  # {a} {what}:"))
                    || text.contains(&format!("- name: \"{a} {what}:"))
                    || text.contains(&format!("- name: {a} {what}:"))
            };
            let (fires, silent) = (named("fires"), named("stays silent"));
            assert!(
                skipped || (fires && (silent || beats)),
                "{name}: {a} lacks generated cases"
            );
            assert!(!skipped, "{name}: no generated test for {a}");
        }
        for tier in m.slos.iter().flat_map(|s| &s.tiers) {
            let timing = format!("  # {} fires once its `for` has passed", tier.alert);
            assert!(
                text.contains(&timing),
                "{name}: no timing case for {}",
                tier.alert
            );
        }
    }
}

fn mutated_run(file: &str, from: &str, to: &str) -> (bool, String) {
    let tmp = TempDir::new("gen-mutant");
    render_example("claude-code").write_to(tmp.path()).unwrap();
    // The SLO tests read the SLO rules' own file.
    let rules = tmp.path().join(if file.starts_with("claude-code.slo") {
        "prometheus/rules/claude-code.slo.rules.yml"
    } else {
        "prometheus/rules/claude-code.rules.yml"
    });
    let text = fs::read_to_string(&rules).unwrap();
    let mutant = text.replacen(from, to, 1);
    assert_ne!(mutant, text, "mutation `{from}` did not apply");
    fs::write(&rules, mutant).unwrap();
    run(Command::new("promtool")
        .args(["test", "rules"])
        .arg(tmp.path().join("prometheus/tests").join(file)))
}

/// Altering a threshold, a unit scale or a window in the generated rules makes the generated
/// tests fail.
#[test]
fn generated_tests_fail_when_the_rules_are_altered() {
    if !require_tool("promtool") {
        return;
    }
    let cases = [
        (
            "claude-code.rules.test.yml",
            "* 3600 > 100000",
            "* 60 > 100000",
        ),
        ("claude-code.rules.test.yml", "> 0.05", "> 0.2"),
        ("claude-code.rules.test.yml", "> 2\n", "> 5\n"),
        (
            "claude-code.rules.test.yml",
            "absent(claude_code_api_latency_seconds_count{job=\"claude-code-api\"})",
            "absent(claude_code_api_latency_seconds_count{job=\"other\"})",
        ),
        (
            "claude-code.slo.test.yml",
            "> (14.4 * 0.001)",
            "> (20 * 0.001)",
        ),
        (
            "claude-code.slo.test.yml",
            "slo:sli_error:ratio_rate1h{slo=\"api-availability\"} > (14.4",
            "slo:sli_error:ratio_rate2h{slo=\"api-availability\"} > (14.4",
        ),
        // An alert's `for`, and a page tier's, lengthened and removed.
        ("claude-code.rules.test.yml", "for: 10m", "for: 20m"),
        ("claude-code.rules.test.yml", "for: 10m", "for: 5m"),
        ("claude-code.slo.test.yml", "for: 2m", "for: 10m"),
        ("claude-code.slo.test.yml", "for: 2m", "for: 0s"),
        // The ticket tiers, evaluated every 30 minutes in their own file.
        (
            "claude-code.slo-slow.test.yml",
            "> (3 * 0.001)",
            "> (4 * 0.001)",
        ),
        (
            "claude-code.slo-slow.test.yml",
            "slo:sli_error:ratio_rate1d{slo=\"api-availability\"} > (3",
            "slo:sli_error:ratio_rate3d{slo=\"api-availability\"} > (3",
        ),
        // A ticket tier's `for` (15m, held for 30m on the 30-minute grid) lengthened.
        ("claude-code.slo-slow.test.yml", "for: 15m", "for: 1h"),
        // Short windows lengthened: a page's and a ticket's.
        (
            "claude-code.slo.test.yml",
            "slo:sli_error:ratio_rate5m{slo=\"api-availability\"} > (14.4",
            "slo:sli_error:ratio_rate30m{slo=\"api-availability\"} > (14.4",
        ),
        (
            "claude-code.slo-slow.test.yml",
            "slo:sli_error:ratio_rate2h{slo=\"api-availability\"} > (3",
            "slo:sli_error:ratio_rate6h{slo=\"api-availability\"} > (3",
        ),
    ];
    // Each mutant in its own thread: the SLO tests replay days of series.
    let results: Vec<(bool, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(file, from, to)| s.spawn(move || mutated_run(file, from, to)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((_, from, to), (ok, out)) in cases.iter().zip(results) {
        eprintln!(
            "mutation `{}` -> `{}`: {}",
            from.trim(),
            to.trim(),
            if ok { "NOT CAUGHT" } else { "caught" }
        );
        assert!(!ok, "altering `{from}` to `{to}` went unnoticed:\n{out}");
    }
}

/// Kinds and options the examples do not use: `increase`, `below`, gauge units, regex
/// selectors, a `good`-based SLO with its own severities and a minimum-traffic guard,
/// histograms filtered by matchers (an alert's and a latency SLO's), `absent`, an alert's own
/// annotations and `keep_firing_for`, an SLO's labels, annotations and runbook; the kinds
/// `expiry`, `changes`, `predict_linear`, `state` and `deadman` (at severity `none`); a recording rule read by an alert, a
/// group `interval` and `limit`; tiered alerts (one name at two or three severities, with a
/// byte threshold, a duration threshold and a rate, tiers with their own `for`); `rate`,
/// `increase` and `error_ratio` per series; a gauge and a state over one aggregation; a gauge
/// of a selector with an `offset`; kind `age`; an SLO with its own burn-rate table; `raw`
/// alerts with hand-written cases, one of them tiered.
const EVERY_KIND: &str = r#"
[project]
name = "kinds"
severities = ["critical", "warning", "info", "page", "ticket", "none"]

# The kinds alone: self-monitoring's alerts are of these kinds, and the examples test them.
[self_monitoring]
enabled = false

[[job]]
name = "api"
targets = ["localhost:8080"]

[[dimension]]
name = "availability"
title = "Availability"
interval = "1m"
limit = 1000

[[dimension.slo]]
name = "checkout"
kind = "availability"
target = "99.5%"
period = "28d"
good = 'orders_total{outcome="ok"}'
total = "orders_total"
min_traffic = "10 per minute"
page_severity = "page"
ticket_severity = "ticket"

[[alert]]
name = "FailedJobs"
dimension = "availability"
kind = "increase"
metric = 'jobs_failed_total{queue=~"q-.*"}'
over = "1h"
above = 5
severity = "warning"
summary = "{value} failed jobs in an hour (over {threshold})"
keep_firing_for = "10m"
annotations = { dashboard_url = "https://grafana.example.com/d/jobs", count = "{value} in {{ $labels.queue }}" }

[[alert]]
name = "TooFewWorkers"
kind = "gauge"
expr = 'workers_ready{pool!="batch"}'
below = 3
for = "2m"
severity = "critical"
summary = "only {value} workers ready"

[[alert]]
name = "DiskAlmostFull"
kind = "gauge"
expr = "disk_used_ratio"
unit = "ratio"
above = "90%"
severity = "warning"
summary = "disk at {value}"

[[alert]]
name = "CpuBusy"
kind = "gauge"
expr = "cpu_busy_percent"
unit = "percent"
above = "90%"
severity = "warning"
summary = "cpu at {value}"

[[alert]]
name = "SlowBatch"
kind = "gauge"
expr = "batch_duration_seconds"
unit = "seconds"
above = "30s"
severity = "info"
summary = "batch took {value}"

[[alert]]
name = "FastDrain"
kind = "rate"
metric = "messages_drained_total"
below = "60 per minute"
window = "10m"
severity = "info"
summary = "draining at {value} per minute"

[[dimension.slo]]
name = "search-latency"
kind = "latency"
target = "99%"
period = "28d"
histogram = 'search_duration_seconds{verb!="WATCH", code=~"2.."}'
threshold = "500ms"
labels = { team = "search" }
annotations = { dashboard_url = "https://grafana.example.com/d/search" }
runbook = "https://runbooks.example.com/search-latency"

[[alert]]
name = "SlowSearch"
dimension = "availability"
kind = "latency_quantile"
histogram = 'search_duration_seconds_bucket{verb!="WATCH"}'
quantile = "p99"
above = "2s"
severity = "warning"
summary = "p99 at {value}"

[[alert]]
name = "CertificateExpiresSoon"
kind = "expiry"
metric = 'probe_ssl_earliest_cert_expiry{job="blackbox"}'
below = "14d"
severity = "warning"
summary = "certificate of {{ $labels.instance }} expires in {value} (under {threshold})"

[[alert]]
name = "RestartingTooOften"
kind = "changes"
metric = "process_start_time_seconds"
over = "1h"
above = 3
for = "5m"
severity = "warning"
summary = "{value} restarts in an hour"

[[alert]]
name = "DiskFullIn4h"
kind = "predict_linear"
metric = 'node_filesystem_avail_bytes{mountpoint="/"}'
window = "1h"
horizon = "4h"
below = 0
unit = "bytes"
severity = "critical"
summary = "disk of {{ $labels.instance }} full within 4h (predicted {value})"

[[alert]]
name = "PodNotReady"
kind = "state"
expr = 'kube_pod_status_ready{condition="true"}'
equals = 0
for = "5m"
severity = "warning"
summary = "pod not ready"

[[record]]
name = "job:jobs_failed:rate5m"
expr = "sum by (job) (rate(jobs_failed_total[5m]))"
dimension = "availability"
labels = { recorded = "yes" }

[[alert]]
name = "JobsFailingFast"
dimension = "availability"
kind = "gauge"
expr = "job:jobs_failed:rate5m"
above = 1
severity = "warning"
summary = "{value} failed jobs a second"

[[alert]]
name = "Watchdog"
kind = "deadman"
severity = "none"
summary = "the alerting pipeline is alive"

[[alert]]
name = "QueueDepthMissing"
kind = "absent"
metric = 'queue_depth{queue=~"q-.*", env="prod"}'
for = "5m"
severity = "warning"
summary = "queue depth of {{ $labels.env }} is missing"

[[alert]]
name = "HottestCoreTooHot"
kind = "gauge"
expr = 'max by (instance) (node_hwmon_temp_celsius{chip=~"platform.*"})'
above = 80
for = "5m"
severity = "warning"
summary = "{{ $labels.instance }} runs at {value} degrees"

[[alert]]
name = "ReplicasMissing"
kind = "state"
expr = 'sum without (pod) (kube_pod_status_ready{condition="true"})'
equals = 0
severity = "critical"
summary = "no ready pod in {{ $labels.namespace }}"

[[alert]]
name = "BackupTooOld"
kind = "age"
metric = 'backup_last_success_timestamp_seconds{job="backup"}'
above = "1d"
severity = "warning"
summary = "the last backup of {{ $labels.instance }} was {value} ago"

[[alert]]
name = "QueueBacklogDelayed"
kind = "gauge"
expr = "aws_sqs_approximate_number_of_messages_visible_average offset 10m"
above = 1000
for = "5m"
severity = "warning"
summary = "{{ $labels.queue_name }} holds {value} messages"

[[alert]]
name = "InstanceErrorRatioHigh"
kind = "error_ratio"
errors = 'http_requests_total{job="api", code=~"5.."}'
total = 'http_requests_total{job="api"}'
per_series = true
above = "10%"
severity = "warning"
summary = "{{ $labels.instance }} {{ $labels.path }} fails {value}"

[[alert]]
name = "InstanceRestartsFast"
kind = "increase"
metric = "kube_pod_container_status_restarts_total"
per_series = true
over = "10m"
above = 3
severity = "warning"
summary = "{{ $labels.pod }} restarted {value} times"

[[alert]]
name = "PerSeriesDrops"
kind = "rate"
metric = 'node_network_receive_drop_total{device!="lo"}'
per_series = true
above = "1 per second"
severity = "info"
summary = "{{ $labels.device }} drops {value} a second"

[[alert]]
name = "FilesystemAlmostFull"
kind = "gauge"
expr = 'node_filesystem_avail_bytes{job="node", fstype!="tmpfs"}'
unit = "bytes"
for = "10m"
summary = "{{ $labels.instance }} has {value} left (under {threshold})"
[[alert.tier]]
severity = "warning"
below = "10GiB"
[[alert.tier]]
severity = "critical"
below = "500MiB"
for = "2m"
labels = { page = "yes" }

[[alert]]
name = "ClientCertificateExpiration"
kind = "expiry"
metric = 'probe_ssl_earliest_cert_expiry{job="blackbox"}'
summary = "certificate of {{ $labels.instance }} expires in {value}"
[[alert.tier]]
severity = "warning"
below = "7d"
[[alert.tier]]
severity = "critical"
below = "1d"

[[alert]]
name = "ErrorsBurst"
kind = "rate"
metric = 'http_errors_total{job="api"}'
by = ["instance"]
summary = "{value} errors a minute"
[[alert.tier]]
severity = "info"
above = "10 per minute"
for = "5m"
[[alert.tier]]
severity = "warning"
above = "100 per minute"
for = "5m"
[[alert.tier]]
severity = "critical"
above = "1000 per minute"
for = "1m"

[[alert]]
name = "HostOutOfMemory"
kind = "raw"
expr = "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10"
for = "2m"
severity = "warning"
summary = "{{ $labels.instance }} is out of memory"
description = "{{ $value | printf \"%.2f\" }}% left"
[[alert.test]]
name = "5% left"
input = [
  { series = 'node_memory_MemAvailable_bytes{instance="a"}', values = "50x10" },
  { series = 'node_memory_MemTotal_bytes{instance="a"}', values = "1000x10" },
]
at = "5m"
alerts = [ { labels = { instance = "a" }, value = 5 } ]
[[alert.test]]
name = "half left"
input = [
  { series = 'node_memory_MemAvailable_bytes{instance="a"}', values = "500x10" },
  { series = 'node_memory_MemTotal_bytes{instance="a"}', values = "1000x10" },
]
at = "5m"

[[alert]]
name = "ErrorBudgetBurn"
kind = "raw"
summary = "the error budget burns"
[[alert.tier]]
severity = "critical"
expr = "errors:ratio_rate1h > 0.1"
labels = { long = "1h" }
[[alert.tier]]
severity = "warning"
expr = "errors:ratio_rate1h > 0.01"
labels = { long = "1h" }
[[alert.test]]
name = "5% errors warn"
input = [ { series = 'errors:ratio_rate1h{job="a"}', values = "0.05x5" } ]
at = "2m"
alerts = [ { labels = { job = "a", severity = "warning" } } ]
[[alert.test]]
name = "20% errors page and warn"
input = [ { series = 'errors:ratio_rate1h{job="a"}', values = "0.2x5" } ]
at = "2m"
alerts = [
  { labels = { job = "a", severity = "warning" } },
  { labels = { job = "a", severity = "critical" } },
]

[[dimension]]
name = "weekly"
title = "A weekly objective with its own burn-rate table"

[[dimension.slo]]
name = "payments-weekly"
kind = "availability"
target = "99.5%"
period = "7d"
errors = 'payments_total{result="failed"}'
total = "payments_total"
page_for = "1m"
ticket_for = "30m"
[[dimension.slo.window]]
tier = "page"
long = "1h"
short = "5m"
factor = 14
[[dimension.slo.window]]
tier = "page"
long = "6h"
short = "30m"
factor = 7
[[dimension.slo.window]]
tier = "ticket"
long = "1d"
short = "2h"
budget = "30%"
[[dimension.slo.window]]
tier = "ticket"
long = "4d"
short = "6h"
factor = 1

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"
"#;

#[test]
fn generated_tests_pass_for_every_kind_and_option() {
    if !require_tool("promtool") {
        return;
    }
    let src = ccmon::diag::source::Source::new("kinds.toml", EVERY_KIND);
    let (m, _) = common::model_of(&src);
    let b = ccmon::emit::emit(&m);
    let files: Vec<_> = b
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("prometheus/tests/"))
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    for (path, text) in &files {
        assert!(!text.contains("# no generated test"), "{path}:\n{text}");
    }
    // Every SLO tier has its timing case (`for` and short windows).
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for tier in m.slos.iter().flat_map(|s| &s.tiers) {
        let timing = format!("  # {} fires once its `for` has passed", tier.alert);
        assert!(all.contains(&timing), "no timing case for {}", tier.alert);
    }
    // The same run as `ccmon test`: every generated test file through promtool.
    let run = ccmon::tools::run_rule_tests(&m).expect("promtool runs");
    eprintln!("promtool test rules (every kind):\n{}", run.output);
    assert!(run.passed, "{}", run.output);
}

/// A tier's threshold or `for` altered in the rules, or the tiers' inhibition taken away from
/// the tests' view: the generated tests of the tiered alerts notice.
#[test]
fn tier_tests_fail_when_a_tier_is_altered() {
    if !require_tool("promtool") {
        return;
    }
    let src = ccmon::diag::source::Source::new("kinds.toml", EVERY_KIND);
    let (m, _) = common::model_of(&src);
    let b = ccmon::emit::emit(&m);
    let rules = b.get("prometheus/rules/kinds.rules.yml").unwrap();
    let cases = [
        // The warning tier of the disk alert at 30 GiB instead of 10 GiB (a gauge's cases sit
        // at half and twice the threshold).
        ("< 10737418240", "< 32212254720"),
        // The critical tier at 1.5 GiB instead of 500 MiB.
        ("< 524288000", "< 1610612736"),
        // The certificate's critical tier at 3 days.
        ("< 86400", "< 259200"),
        // The middle tier of the error burst at 25 a minute.
        ("* 60 > 100\n", "* 60 > 25\n"),
    ];
    for (from, to) in cases {
        let tmp = TempDir::new("gen-tier-mutant");
        b.write_to(tmp.path()).unwrap();
        assert!(
            rules.contains(from),
            "mutation `{from}` does not apply:\n{rules}"
        );
        let mutant = rules.replacen(from, to, 1);
        fs::write(tmp.path().join("prometheus/rules/kinds.rules.yml"), mutant).unwrap();
        let (ok, out) = run(Command::new("promtool")
            .args(["test", "rules"])
            .arg(tmp.path().join("prometheus/tests/kinds.rules.test.yml")));
        eprintln!(
            "tier mutation `{from}` -> `{to}`: {}",
            if ok { "NOT CAUGHT" } else { "caught" }
        );
        assert!(!ok, "altering `{from}` to `{to}` went unnoticed:\n{out}");
    }
}

/// Shared test groups are sound only if every alert's reads are complete: every series one of
/// its cases feeds is read by it, and every selector of its condition is among its reads.
/// Checked for every kind, the example and the synthetic config.
#[test]
fn an_alerts_reads_cover_its_condition_and_its_cases() {
    use ccmon::promql::selector::{Read, Selector};
    let claude = fs::read_to_string(root().join("examples/claude-code/monitoring.toml")).unwrap();
    let synth = ccmon::synth::generate(20, 200);
    let mut checked = 0;
    for (name, text) in [
        ("kinds.toml", EVERY_KIND),
        ("claude.toml", claude.as_str()),
        ("synth.toml", synth.as_str()),
    ] {
        let src = ccmon::diag::source::Source::new(name, text);
        let (m, _) = common::model_of(&src);
        for a in &m.alerts {
            let Some(reads) = a.kind.reads() else {
                continue;
            };
            let condition = a.expr();
            for sel in Read::all_in(&condition).expect("a condition parses") {
                assert!(
                    reads.iter().any(|r| r.metric == sel.metric
                        && r.matchers.len() == sel.matchers.len()
                        && sel.matchers.iter().all(|m| r.matchers.contains(m))),
                    "{}: `{}` of `{condition}` is not among its reads {reads:?}",
                    a.name,
                    sel.metric
                );
            }
            let Ok(cases) = a.kind.cases(&a.condition()) else {
                continue;
            };
            for case in std::iter::once(&cases.fire).chain(&cases.silent) {
                for s in &case.series {
                    let series = Selector::parse(&s.series).expect("a series parses");
                    let label = |k: &str| {
                        series
                            .matchers
                            .iter()
                            .find(|m| &*m.name == k)
                            .map(|m| &*m.value)
                    };
                    assert!(
                        reads.iter().any(|r| r.matches(&series.metric, label)),
                        "{}: its case's series `{}` is read by none of {reads:?}",
                        a.name,
                        s.series
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

/// Every alert's `for`, whatever its kind: doubled, or taken away, its generated tests fail.
/// The firing case is checked at the very minute each tier it crosses has held for its `for`
/// (when the kind knows when its condition starts to hold) and a minute before the first.
#[test]
fn every_kinds_for_is_tested_both_ways() {
    use ccmon::quantity::Duration;
    if !require_tool("promtool") {
        return;
    }
    let src = ccmon::diag::source::Source::new("kinds.toml", EVERY_KIND);
    let (m, _) = common::model_of(&src);
    let b = ccmon::emit::emit(&m);
    let rules = b.get("prometheus/rules/kinds.rules.yml").unwrap();
    // Each `for:` line of an alert with generated cases (hand-written ones say what they check).
    let mut mutants = Vec::new();
    let mut offset = 0;
    for (n, block) in rules.split("\n  - alert: ").enumerate().skip(1) {
        let name = block.lines().next().unwrap().trim();
        let handwritten = m
            .alerts
            .iter()
            .any(|a| a.name == name && !a.tests.is_empty());
        let start = rules[offset..]
            .find(&format!("\n  - alert: {name}"))
            .unwrap()
            + offset;
        offset = start + 1;
        let Some(line) = block.lines().find(|l| l.starts_with("    for: ")) else {
            continue;
        };
        if handwritten || n == 0 {
            continue;
        }
        let d = Duration::parse(line.trim_start_matches("    for: ")).unwrap();
        let at = start + rules[start..].find(line).unwrap();
        for to in [Duration(d.millis() * 2), Duration(0)] {
            let mut mutant = rules.to_string();
            mutant.replace_range(at..at + line.len(), &format!("    for: {to}"));
            mutants.push((format!("{name}: {line:?} -> {to}"), mutant));
        }
    }
    assert!(mutants.len() >= 20, "{}", mutants.len());
    let tests: Vec<String> = b
        .files
        .keys()
        .filter(|p| p.starts_with("prometheus/tests/kinds.rules"))
        .cloned()
        .collect();
    let caught: Vec<(String, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = mutants
            .chunks(mutants.len().div_ceil(2))
            .map(|part| {
                let (b, tests) = (&b, &tests);
                s.spawn(move || {
                    part.iter()
                        .map(|(what, mutant)| {
                            let tmp = TempDir::new("gen-for-mutant");
                            b.write_to(tmp.path()).unwrap();
                            fs::write(tmp.path().join("prometheus/rules/kinds.rules.yml"), mutant)
                                .unwrap();
                            let (ok, _) = run(Command::new("promtool")
                                .args(["test", "rules"])
                                .args(tests.iter().map(|t| tmp.path().join(t))));
                            (what.clone(), !ok)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let missed: Vec<&String> = caught.iter().filter(|(_, c)| !c).map(|(w, _)| w).collect();
    eprintln!(
        "{} `for` mutations, {} caught; not caught: {missed:#?}",
        caught.len(),
        caught.len() - missed.len()
    );
    assert!(missed.is_empty(), "`for` mutations not caught: {missed:#?}");
}
