//! The real tools judge the outputs of every example: promtool, amtool, nginx and
//! systemd-analyze. With CI=true a missing tool fails; elsewhere the test says SKIPPED.

mod common;

use std::fs;
use std::process::Command;

use common::{TempDir, example_source, examples, model_of, require_tool, run};

fn render_to(name: &str, dir: &std::path::Path) {
    let (m, _) = model_of(&example_source(name));
    ccmon::emit::emit(&m).write_to(dir).expect("write bundle");
}

#[test]
fn promtool_accepts_config_and_rules_of_every_example() {
    if !require_tool("promtool") {
        return;
    }
    for name in examples() {
        let tmp = TempDir::new("promtool");
        render_to(&name, tmp.path());
        // The server's files a job names (certificates, tokens) get stand-ins.
        let config = ccmon::tools::prometheus_with_stand_ins(tmp.path(), tmp.path()).unwrap();
        let (ok, out) = run(Command::new("promtool")
            .arg("check")
            .arg("config")
            .arg(config));
        eprintln!("[{name}] promtool check config:\n{out}");
        assert!(ok, "promtool check config failed for {name}:\n{out}");
        // The alerts' rule files (the stack's, each service's), and the SLOs' when there
        // are SLOs: every file prometheus.yml loads.
        let m = model_of(&example_source(&name)).0;
        let mut files: Vec<String> = std::fs::read_dir(tmp.path().join("prometheus/rules"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert!(files.contains(&format!("{}.rules.yml", m.project.name)));
        assert_eq!(
            files.contains(&format!("{}.slo.rules.yml", m.project.name)),
            !m.slos.is_empty()
        );
        let found = format!("SUCCESS: {} rule files found", files.len());
        assert!(out.contains(&found), "{out}");
        let (ok, out) = run(Command::new("promtool").arg("check").arg("rules").args(
            files
                .iter()
                .map(|f| tmp.path().join("prometheus/rules").join(f)),
        ));
        eprintln!("[{name}] promtool check rules:\n{out}");
        assert!(ok, "promtool check rules failed for {name}:\n{out}");
    }
}

#[test]
fn amtool_accepts_the_alertmanager_config_of_every_example() {
    if !require_tool("amtool") {
        return;
    }
    for name in examples() {
        let tmp = TempDir::new("amtool");
        render_to(&name, tmp.path());
        let (ok, out) = run(Command::new("amtool")
            .arg("check-config")
            .arg(tmp.path().join("alertmanager/alertmanager.yml")));
        eprintln!("[{name}] amtool check-config:\n{out}");
        assert!(ok, "amtool check-config failed for {name}:\n{out}");
    }
}

/// nginx -t with the example's config, pointed at throwaway certificates, logs and pid file,
/// and with backends on loopback (the example's host names do not resolve here).
#[test]
fn nginx_accepts_the_proxy_config_of_every_example() {
    if !require_tool("nginx") || !require_tool("openssl") {
        return;
    }
    for name in examples() {
        let (m, _) = model_of(&example_source(&name));
        if m.proxy.is_none() {
            continue;
        }
        let tmp = TempDir::new("nginx");
        let d = tmp.path();
        let m = ccmon::tools::nginx_stand_in(&m, d).expect("stand-in");
        let conf = d.join("nginx.conf");
        fs::write(
            &conf,
            ccmon::emit::emit(&m).get("nginx/nginx.conf").unwrap(),
        )
        .unwrap();
        let (ok, out) = run(Command::new("nginx")
            .arg("-t")
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(d.join("error.log")));
        eprintln!("[{name}] nginx -t:\n{out}");
        assert!(
            ok && out.contains("test is successful"),
            "nginx -t failed for {name}:\n{out}"
        );
        assert!(
            !out.contains("[warn]"),
            "nginx -t warned for {name}:\n{out}"
        );
    }
}

/// systemd-analyze verify prints warnings for unknown keys yet exits 0: any output fails.
/// Programs not installed on this machine are replaced by stub executables, so that the
/// check is about the unit files, not about what this machine has installed.
#[test]
fn systemd_analyze_verifies_every_unit_without_a_word() {
    if !require_tool("systemd-analyze") {
        return;
    }
    for name in examples() {
        let (m, _) = model_of(&example_source(&name));
        let tmp = TempDir::new("systemd");
        let m = ccmon::tools::systemd_stand_in(&m, tmp.path()).unwrap();
        let units: Vec<_> = ccmon::emit::emit(&m)
            .files
            .iter()
            .filter_map(|(p, text)| {
                p.strip_prefix("systemd/")
                    .map(|n| (n.to_string(), text.clone()))
            })
            .map(|(n, text)| {
                let path = tmp.path().join(n);
                fs::write(&path, text).unwrap();
                path
            })
            .collect();
        assert!(!units.is_empty(), "{name} has no units");
        let (ok, out) = run(Command::new("systemd-analyze").arg("verify").args(&units));
        eprintln!(
            "[{name}] systemd-analyze verify {} units: {}",
            units.len(),
            if out.is_empty() { "no output" } else { &out }
        );
        assert!(
            ok && out.trim().is_empty(),
            "systemd-analyze verify for {name}:\n{out}"
        );
    }
}

/// `validate --with-tools` runs the same judges: silent on the examples, and a complaint of
/// promtool (a function of the declared Prometheus 2.51 that the installed 2.42 lacks) is
/// reported at the alert's expression.
#[test]
fn validate_with_tools_reports_what_the_tools_reject() {
    for tool in ["promtool", "amtool", "nginx", "openssl", "systemd-analyze"] {
        if !require_tool(tool) {
            return;
        }
    }
    let bin = env!("CARGO_BIN_EXE_ccmon");
    for name in examples() {
        let (ok, out) = run(Command::new(bin)
            .current_dir(common::root())
            .args(["validate", "--with-tools", "--deny-warnings"])
            .arg(format!("examples/{name}/monitoring.toml")));
        eprintln!("[{name}] ccmon validate --with-tools: {out}");
        // No diagnostic: only the coverage line and the success line.
        assert!(
            ok && out.lines().count() == 2
                && out
                    .lines()
                    .next()
                    .unwrap()
                    .ends_with(" alerts have rule tests")
                && out.lines().nth(1).unwrap().starts_with("ok: "),
            "{name}:\n{out}"
        );
    }
    let out = Command::new(bin)
        .current_dir(common::root())
        .args(["validate", "--with-tools", "tests/tools/newer-promql.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[CM701]: `promtool check config` rejects"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> tests/tools/newer-promql.toml:16:8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown function with name \"histogram_avg\""),
        "{stderr}"
    );
}

fn amtool_route(config: &std::path::Path, labels: &[(String, String)]) -> String {
    let mut cmd = Command::new("amtool");
    cmd.arg("config")
        .arg("routes")
        .arg("test")
        .arg(format!("--config.file={}", config.display()));
    for (k, v) in labels {
        cmd.arg(format!("{k}={v}"));
    }
    let (ok, out) = run(&mut cmd);
    assert!(ok, "amtool config routes test failed: {out}");
    out.lines()
        .filter(|l| !l.starts_with("Warning:"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Every alert of every example reaches, according to `amtool config routes test`, the
/// receivers ccmon's own route walk predicts; and the seed's routes are the ones it states.
#[test]
fn amtool_routes_every_alert_to_its_receiver() {
    if !require_tool("amtool") {
        return;
    }
    for name in examples() {
        let (m, _) = model_of(&example_source(&name));
        let tmp = TempDir::new("amtool-routes");
        ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
        let config = tmp.path().join("alertmanager/alertmanager.yml");
        for a in &m.alerts {
            let labels = a.static_labels();
            let expected = ccmon::dispatch::walk::matched(&m.alertmanager.route, &labels).join(",");
            let got = amtool_route(&config, &labels.into_iter().collect::<Vec<_>>());
            eprintln!("[{name}] {} ({}) -> {got}", a.name, a.severity.as_str());
            assert_eq!(got, expected, "{name}: alert {}", a.name);
        }
        for slo in &m.slos {
            for tier in &slo.tiers {
                let mut labels = ccmon::emit::rules::slo_alert_meta(slo, tier, &tier.windows[0]).0;
                labels.insert("alertname".into(), tier.alert.clone());
                let expected =
                    ccmon::dispatch::walk::matched(&m.alertmanager.route, &labels).join(",");
                let got = amtool_route(&config, &labels.into_iter().collect::<Vec<_>>());
                eprintln!(
                    "[{name}] {} ({}) -> {got}",
                    tier.alert,
                    tier.severity.as_str()
                );
                assert_eq!(got, expected, "{name}: SLO alert {}", tier.alert);
            }
        }
    }
    let tmp = TempDir::new("amtool-seed");
    render_to("claude-code", tmp.path());
    let config = tmp.path().join("alertmanager/alertmanager.yml");
    for (severity, receiver) in [
        ("critical", "on-call"),
        ("warning", "dev"),
        ("info", "team"),
        ("", "team"),
    ] {
        let labels = vec![
            ("alertname".to_string(), "Any".to_string()),
            ("severity".to_string(), severity.to_string()),
        ];
        assert_eq!(
            amtool_route(&config, &labels),
            receiver,
            "severity={severity}"
        );
    }
}

/// Every `[[route_test]]` of every example: amtool sends its labels to the receivers ccmon's
/// walk matches before time intervals and inhibition, which amtool does not apply; and the
/// examples' route tests pass (`ccmon test` runs the same).
#[test]
fn amtool_agrees_with_every_route_test_before_time_and_inhibition() {
    if !require_tool("amtool") {
        return;
    }
    let mut checked = 0;
    for name in examples() {
        let src = example_source(&name);
        let (m, _) = model_of(&src);
        let report = ccmon::dispatch::walk::run_tests(&m.alertmanager, &|l| {
            let p = src.place_of_line(l);
            format!("{}:{}", p.file, p.line)
        });
        assert!(report.failures.is_empty(), "{name}: {:#?}", report.failures);
        let tmp = TempDir::new("amtool-route-tests");
        ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
        let config = tmp.path().join("alertmanager/alertmanager.yml");
        for t in &m.alertmanager.route_tests {
            let w = ccmon::dispatch::walk::walk(&m.alertmanager.route, &t.labels, None, &[]);
            let got = amtool_route(&config, &t.labels.clone().into_iter().collect::<Vec<_>>());
            assert_eq!(
                got,
                w.matched().join(","),
                "{name}: route test `{}`",
                t.name
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "only {checked} route tests were cross-checked"
    );
}

/// A large generated config (2,000 alerts of every kind, 200 jobs, 11 receivers, team routes):
/// the real tools accept every output, and amtool routes a sample of alerts where ccmon says.
#[test]
fn the_real_tools_accept_a_large_generated_config() {
    for tool in ["promtool", "amtool", "nginx", "openssl", "systemd-analyze"] {
        if !require_tool(tool) {
            return;
        }
    }
    let src = ccmon::diag::source::Source::new("synth.toml", ccmon::synth::generate(200, 2000));
    let (m, diags) = model_of(&src);
    assert!(
        diags.is_empty(),
        "{}",
        ccmon::diag::render_all_human(&src, &diags)
    );
    let mut with_tools = ccmon::diag::Diags::default();
    ccmon::tools::check_with_tools(&m, &mut with_tools, &|_| None);
    assert!(
        with_tools.is_empty(),
        "{}",
        ccmon::diag::render_all_human(&src, &with_tools)
    );
    let tmp = TempDir::new("large");
    ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
    let config = tmp.path().join("alertmanager/alertmanager.yml");
    for a in m.alerts.iter().step_by(97) {
        let labels = a.static_labels();
        let expected = ccmon::dispatch::walk::matched(&m.alertmanager.route, &labels).join(",");
        let got = amtool_route(&config, &labels.into_iter().collect::<Vec<_>>());
        assert_eq!(got, expected, "alert {}", a.name);
    }
    eprintln!(
        "large config: {} alerts, {} jobs: promtool, amtool, nginx -t and systemd-analyze accept it",
        m.alerts.len(),
        m.jobs.len()
    );
}

/// An SLO whose alerts carry `team = "payments"`: its page reaches the payments pager, by
/// the labels of the rule ccmon writes, as amtool routes them; its ticket goes to email.
#[test]
fn an_slo_page_with_a_team_label_reaches_the_team_pager() {
    if !require_tool("amtool") {
        return;
    }
    let text = r#"
[project]
name = "shop"

# The SLO's alerts only.
[self_monitoring]
enabled = false

[[job]]
name = "payments"
targets = ["localhost:8080"]

[[dimension]]
name = "availability"
title = "Availability"

[[dimension.slo]]
name = "payments-availability"
kind = "availability"
target = "99.9%"
errors = 'payments_requests_total{code=~"5.."}'
total = "payments_requests_total"
labels = { team = "payments" }
annotations = { dashboard_url = "https://grafana.example.com/d/payments" }
runbook = "https://runbooks.example.com/payments-slo"

[[receiver]]
name = "email"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/email"

[[receiver]]
name = "payments-pager"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/payments-pager"

[route]
receiver = "email"

[[route.routes]]
matchers = ['team="payments"', 'severity="critical"']
receiver = "payments-pager"
"#;
    let src = ccmon::diag::source::Source::new("monitoring.toml", text.to_string());
    let (m, _) = model_of(&src);
    let tmp = TempDir::new("slo-team-route");
    let bundle = ccmon::emit::emit(&m);
    bundle.write_to(tmp.path()).unwrap();
    let config = tmp.path().join("alertmanager/alertmanager.yml");
    let mut routed = Vec::new();
    let mut all = Vec::new();
    for file in ["shop.rules.yml", "shop.slo.rules.yml"] {
        let rules = common::yaml(bundle.get(&format!("prometheus/rules/{file}")).unwrap());
        all.extend(rules["groups"].as_array().unwrap().clone());
    }
    for rule in all.iter().flat_map(|g| g["rules"].as_array().unwrap()) {
        let Some(alert) = rule["alert"].as_str() else {
            continue;
        };
        let mut labels = vec![("alertname".to_string(), alert.to_string())];
        for (k, v) in rule["labels"].as_object().unwrap() {
            labels.push((k.clone(), v.as_str().unwrap().to_string()));
        }
        assert_eq!(
            rule["annotations"]["runbook_url"],
            "https://runbooks.example.com/payments-slo"
        );
        assert!(rule["annotations"]["dashboard_url"].is_string(), "{rule}");
        routed.push((alert.to_string(), amtool_route(&config, &labels)));
    }
    // One rule per window pair: both pairs of the page reach the pager, and so does the
    // alert that the SLO's metric is absent (at the page's severity, with the SLO's labels).
    let to = |a: &str, r: &str| (a.to_string(), r.to_string());
    let absent = to("PaymentsAvailabilityMetricAbsent", "payments-pager");
    let fast = to("PaymentsAvailabilityFastBurn", "payments-pager");
    let slow = to("PaymentsAvailabilitySlowBurn", "email");
    assert_eq!(routed, [absent, fast.clone(), fast, slow.clone(), slow]);
}

/// Every scrape setting of a job (params, honor flags, limits, proxy, basic auth, bearer
/// token, TLS with a client certificate, a relabel rule of every action and the recipes) is
/// accepted by `promtool check config`, which also checks that the files it names exist.
#[test]
fn promtool_accepts_every_scrape_setting() {
    if !require_tool("promtool") {
        return;
    }
    let tmp = TempDir::new("scrape-settings");
    let file = |name: &str| {
        let p = tmp.path().join(name);
        fs::write(&p, "x\n").unwrap();
        p.display().to_string()
    };
    let (password, token) = (file("password"), file("token"));
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client-key.pem"));
    let text = format!(
        r#"
[project]
name = "scrape"

[[job]]
name = "blackbox"
targets = ["localhost:9115"]
metrics_path = "/probe"
params = {{ module = ["http_2xx"], target = ["https://api.example.com/health"] }}
honor_labels = true
honor_timestamps = false
sample_limit = 5000
label_limit = 30
proxy_url = "http://proxy.example.com:3128"
username = "prometheus"
password_file = "{password}"

[[job]]
name = "edge"
targets = ["edge.example.com:9443"]
scheme = "https"
bearer_token_file = "{token}"

drop_metrics = ["go_gc_.*", "process_.*"]
drop_labels = ["pod_uid"]
meta_labels = {{ service = "__meta_consul_service" }}

[job.tls]
ca_file = "{ca}"
cert_file = "{cert}"
key_file = "{key}"
server_name = "edge.internal"

[[job.relabel]]
source_labels = ["__address__"]
regex = "([^:]+):.*"
target_label = "host"
replacement = "$1"

[[job.relabel]]
action = "hashmod"
source_labels = ["__address__"]
modulus = 4
target_label = "__tmp_shard"

[[job.relabel]]
action = "keep"
source_labels = ["__tmp_shard"]
regex = "0|1"

[[job.relabel]]
action = "labelmap"
regex = "__meta_consul_(.+)"
replacement = "consul_${{1}}"

[[job.relabel]]
action = "lowercase"
source_labels = ["host"]
target_label = "host_lower"

[[job.relabel]]
action = "keepequal"
source_labels = ["__address__"]
target_label = "__address__"

[[job.metric_relabel]]
action = "drop"
source_labels = ["__name__", "le"]
separator = "@"
regex = "http_request_duration_seconds_bucket@(0.005|0.01)"

[[job.metric_relabel]]
action = "labelkeep"
regex = "__name__|job|instance|le|host|service"

[[job.metric_relabel]]
action = "uppercase"
source_labels = ["service"]
target_label = "service_upper"

[[job.metric_relabel]]
action = "dropequal"
source_labels = ["host"]
target_label = "service"
"#
    );
    let src = ccmon::diag::source::Source::new("scrape.toml", text);
    let (m, diags) = model_of(&src);
    assert!(
        diags.is_empty(),
        "{}",
        ccmon::diag::render_all_human(&src, &diags)
    );
    let out = tmp.path().join("out");
    ccmon::emit::emit(&m).write_to(&out).unwrap();
    let config = out.join("prometheus/prometheus.yml");
    let yml = fs::read_to_string(&config).unwrap();
    for key in [
        "honor_labels: true",
        "honor_timestamps: false",
        "  params:\n    module:\n    - http_2xx\n",
        "  basic_auth:\n    username: prometheus\n",
        "  authorization:\n    credentials_file: ",
        "  tls_config:\n    ca_file: ",
        "    server_name: edge.internal\n",
        "  proxy_url: http://proxy.example.com:3128\n",
        "  sample_limit: 5000\n  label_limit: 30\n",
        "  relabel_configs:\n  - source_labels:\n    - __address__\n    regex: ([^:]+):.*\n",
        "    modulus: 4\n    target_label: __tmp_shard\n    action: hashmod\n",
        "  - source_labels:\n    - __meta_consul_service\n    target_label: service\n    action: replace\n",
        "  - source_labels:\n    - __name__\n    regex: go_gc_.*|process_.*\n    action: drop\n",
        "  - regex: pod_uid\n    action: labeldrop\n",
    ] {
        assert!(yml.contains(key), "{key:?} not in:\n{yml}");
    }
    let (ok, out) = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(&config));
    assert!(ok, "promtool check config:\n{out}\n{yml}");
    // A file that is not there is what promtool reports: the check is real.
    fs::remove_file(tmp.path().join("client.pem")).unwrap();
    let (ok, out) = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(&config));
    assert!(!ok && out.contains("client.pem"), "{out}");
}

/// Every discovery (files Prometheus watches, targets ccmon writes into a file, DNS SRV and
/// A records, Consul with a token file, EC2, Kubernetes) is accepted by `promtool check
/// config`, which reads the targets files it finds.
#[test]
fn promtool_accepts_every_discovery() {
    if !require_tool("promtool") {
        return;
    }
    let tmp = TempDir::new("discovery");
    let watched = tmp.path().join("watched");
    fs::create_dir_all(&watched).unwrap();
    fs::write(
        watched.join("a.json"),
        r#"[{"targets": ["10.0.0.1:9100"], "labels": {"rack": "a"}}]"#,
    )
    .unwrap();
    let token = tmp.path().join("consul-token");
    fs::write(&token, "x\n").unwrap();
    let text = format!(
        r#"
[project]
name = "sd"

[[job]]
name = "nodes"
labels = {{ team = "infra" }}

[[job.file_sd]]
targets = ["10.0.0.2:9100", "10.0.0.3:9100"]
labels = {{ rack = "b" }}

[[job.file_sd]]
targets = ["10.0.0.4:9100"]

[[job.file_sd]]
files = ["{watched}/*.json"]
refresh = "1m"

[[job]]
name = "dns"

[[job.dns_sd]]
names = ["_node._tcp.example.com"]

[[job.dns_sd]]
names = ["api.example.com"]
type = "A"
port = 9100
refresh = "1m"

[[job]]
name = "consul"
targets = ["localhost:9100"]
meta_labels = {{ service = "__meta_consul_service" }}

[[job.consul_sd]]
server = "localhost:8500"
services = ["api", "web"]
tags = ["prod"]
token_file = "{token}"

[[job]]
name = "ec2"

[[job.ec2_sd]]
region = "eu-west-1"
port = 9100
role_arn = "arn:aws:iam::123456789012:role/prometheus"
filters = [{{ name = "tag:env", values = ["prod", "staging"] }}]
refresh = "2m"

[[job]]
name = "kubernetes"

[[job.kubernetes_sd]]
role = "pod"
namespaces = ["api", "web"]
label_selector = "app=api"
"#,
        watched = watched.display(),
        token = token.display(),
    );
    let src = ccmon::diag::source::Source::new("sd.toml", text);
    let (m, diags) = model_of(&src);
    assert!(
        diags.is_empty(),
        "{}",
        ccmon::diag::render_all_human(&src, &diags)
    );
    let out = tmp.path().join("out");
    let bundle = ccmon::emit::emit(&m);
    bundle.write_to(&out).unwrap();
    let targets = bundle.get("prometheus/targets/nodes.yml").unwrap();
    assert!(
        targets.ends_with(
            "- targets:\n  - 10.0.0.2:9100\n  - 10.0.0.3:9100\n  labels:\n    rack: b\n- targets:\n  - 10.0.0.4:9100\n"
        ),
        "{targets}"
    );
    let config = out.join("prometheus/prometheus.yml");
    let yml = fs::read_to_string(&config).unwrap();
    for key in [
        "  file_sd_configs:\n  - files:\n    - /",
        "    refresh_interval: 1m\n  - files:\n    - targets/nodes.yml\n",
        "  relabel_configs:\n  - target_label: team\n    replacement: infra\n    action: replace\n",
        "  dns_sd_configs:\n  - names:\n    - _node._tcp.example.com\n    type: SRV\n",
        "    type: A\n    port: 9100\n    refresh_interval: 1m\n",
        "  consul_sd_configs:\n  - server: localhost:8500\n",
        "    authorization:\n      credentials_file: ",
        "  ec2_sd_configs:\n  - region: eu-west-1\n",
        "    port: 9100\n    filters:\n    - name: tag:env\n      values:\n      - prod\n",
        "  kubernetes_sd_configs:\n  - role: pod\n    namespaces:\n      names:\n      - api\n",
        "    selectors:\n    - role: pod\n      label: app=api\n",
    ] {
        assert!(yml.contains(key), "{key:?} not in:\n{yml}");
    }
    let (ok, out_text) = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(&config));
    // Debian builds Prometheus without the Consul, Kubernetes, Azure and Nomad discoveries
    // (their Go libraries are not packaged): its promtool does not know the key. Any other
    // complaint fails; so does the Consul job's removal not making the file pass.
    // Debian builds Prometheus without the Consul and Kubernetes discoveries (their Go
    // libraries are not packaged): its promtool refuses the first key it does not know. A job
    // of such a discovery is taken out, one at a time, and only for that complaint.
    let (mut ok, mut out_text, mut yml) = (ok, out_text, yml);
    for job in ["consul", "kubernetes"] {
        let missing = format!("field {job}_sd_configs not found in type config.ScrapeConfig");
        if ok || !out_text.contains(&missing) {
            continue;
        }
        eprintln!("this promtool is built without {job} discovery; checking the rest without it");
        let (head, tail) = yml.split_once(&format!("- job_name: {job}\n")).unwrap();
        let rest = tail
            .split_once("\n- job_name: ")
            .map_or(String::new(), |(_, r)| format!("- job_name: {r}"));
        yml = format!("{head}{rest}");
        fs::write(&config, &yml).unwrap();
        (ok, out_text) = run(Command::new("promtool")
            .arg("check")
            .arg("config")
            .arg(&config));
    }
    assert!(ok, "promtool check config:\n{out_text}\n{yml}");
    // promtool reads the targets files: a broken one is refused.
    fs::write(
        out.join("prometheus/targets/nodes.yml"),
        "- targets: [\"10.0.0.2:9100\"]\n  labels: {\"bad-name\": x}\n",
    )
    .unwrap();
    let (ok, out_text) = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(&config));
    assert!(!ok, "{out_text}");
}

/// `validate --with-tools` runs on a machine that is not the server: the certificates,
/// passwords and tokens a job names are not there, and promtool, which checks that they
/// exist, gets stand-ins for them; what is wrong in the rest is still reported.
#[test]
fn validate_with_tools_stands_in_for_the_servers_files() {
    if !require_tool("promtool") || !require_tool("amtool") {
        return;
    }
    let text = r#"
[project]
name = "edge"

[prometheus]
[[prometheus.remote_write]]
url = "https://metrics.example.com/api/v1/write"
username = "edge"
password_file = "/etc/prometheus/secrets/remote-write"

[[job]]
name = "edge"
targets = ["edge.example.com:9443"]
scheme = "https"
bearer_token_file = "/etc/prometheus/secrets/edge-token"

[job.tls]
ca_file = "/etc/prometheus/tls/ca.pem"
cert_file = "/etc/prometheus/tls/client.pem"
key_file = "/etc/prometheus/tls/client-key.pem"
"#;
    let src = ccmon::diag::source::Source::new("edge.toml", text);
    let (m, diags) = model_of(&src);
    assert!(
        diags.is_empty(),
        "{}",
        ccmon::diag::render_all_human(&src, &diags)
    );
    assert!(!std::path::Path::new("/etc/prometheus/tls/client.pem").exists());
    let mut with_tools = ccmon::diag::Diags::default();
    ccmon::tools::check_with_tools(&m, &mut with_tools, &|_| None);
    assert!(
        !with_tools.has_errors(),
        "{}",
        ccmon::diag::render_all_human(&src, &with_tools)
    );
}

/// The blackbox exporter accepts the module of every kind of health check, and promtool the
/// probe jobs; every example's `blackbox.yml` too.
#[test]
fn blackbox_exporter_accepts_every_health_check() {
    if !require_tool("prometheus-blackbox-exporter") || !require_tool("promtool") {
        return;
    }
    let toml = r#"
[project]
name = "probes"

[[health]]
name = "api"
http = "http://localhost:8080/health"
status = [200, 204]
body = '"status":\s*"ok"'
method = "HEAD"
timeout = "3s"
interval = "30s"

[[health]]
name = "public"
http = "https://claude-code.company.com/health"
ca_file = "/etc/prometheus/ca.crt"
certificate_expiry = "21d"

[[health]]
name = "sandbox"
tcp = "localhost:9323"

[[health]]
name = "smtp"
tcp = "smtp.company.com:465"
tls = true

[[health]]
name = "dns"
dns = "claude-code.company.com"
server = "10.0.0.2"
record = "AAAA"
"#;
    let src = ccmon::diag::source::Source::new("probes.toml", toml);
    let (m, diags) = model_of(&src);
    assert!(diags.is_empty(), "{diags:?}");
    let mut names: Vec<String> = vec!["probes".into()];
    names.extend(examples());
    for name in names {
        let tmp = TempDir::new("blackbox");
        let m = if name == "probes" {
            m.clone()
        } else {
            model_of(&example_source(&name)).0
        };
        if m.blackbox.is_none() {
            continue;
        }
        ccmon::emit::emit(&m).write_to(tmp.path()).unwrap();
        let (ok, out) = run(Command::new("prometheus-blackbox-exporter")
            .arg("--config.check")
            .arg(format!(
                "--config.file={}",
                tmp.path().join("blackbox/blackbox.yml").display()
            )));
        eprintln!(
            "[{name}] blackbox exporter --config.check: {}",
            out.lines().last().unwrap_or("")
        );
        assert!(ok && out.contains("Config file is ok"), "[{name}]\n{out}");
        let config = ccmon::tools::prometheus_with_stand_ins(tmp.path(), tmp.path()).unwrap();
        let (ok, out) = run(Command::new("promtool")
            .args(["check", "config"])
            .arg(config));
        assert!(ok, "[{name}] promtool check config:\n{out}");
    }
    // One module per check, each alert reading its own probe job.
    let b = m.blackbox.as_ref().unwrap();
    assert_eq!(b.modules.len(), 6, "five checks and Filebeat's");
    let text = ccmon::emit::emit(&m).files["prometheus/rules/probes.rules.yml"].clone();
    for want in [
        r#"probe_success{job="probe-api"} == 0"#,
        r#"probe_ssl_earliest_cert_expiry{job="probe-public"} - time() < 1814400"#,
        r#"probe_ssl_earliest_cert_expiry{job="probe-smtp"} - time() < 1209600"#,
        r#"probe_success{job="probe-dns"} == 0"#,
    ] {
        assert!(text.contains(want), "no `{want}` in\n{text}");
    }
    assert!(
        !text.contains("probe-sandbox\"} - time()"),
        "a plain TCP check has no certificate"
    );
}

/// The maintenance files: `logrotate -d` accepts every example's; a forced logrotate run in a
/// temporary root rotates the service's log (copied and truncated) and nginx's; and
/// `systemd-tmpfiles` makes the backup folder and deletes only the files past the retention.
#[test]
fn logrotate_and_tmpfiles_do_what_the_maintenance_files_say() {
    if !require_tool("logrotate") || !require_tool("systemd-tmpfiles") {
        return;
    }
    for name in examples() {
        let tmp = TempDir::new("logrotate-d");
        render_to(&name, tmp.path());
        let Some(f) = fs::read_dir(tmp.path().join("logrotate"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(Result::ok)
        else {
            continue;
        };
        let (ok, out) = run(Command::new("logrotate")
            .arg("-d")
            .arg("-s")
            .arg(tmp.path().join("state"))
            .arg(f.path()));
        let handled = out
            .lines()
            .find(|l| l.starts_with("Handling"))
            .unwrap_or("");
        eprintln!("[{name}] logrotate -d: {handled}");
        assert!(
            ok && !out.contains("error:"),
            "[{name}] logrotate -d:\n{out}"
        );
    }
    let tmp = TempDir::new("logrotate-run");
    let d = tmp.path();
    let (app, web) = (d.join("log/app"), d.join("log/nginx"));
    fs::create_dir_all(&app).unwrap();
    fs::create_dir_all(&web).unwrap();
    fs::write(app.join("app.log"), "line 1\nline 2\n").unwrap();
    fs::write(web.join("access.log"), "GET /\n").unwrap();
    let toml = format!(
        r#"
[project]
name = "shop"

[[job]]
name = "shop"
targets = ["localhost:8080"]

[logs]
[[logs.input]]
id = "app"
paths = ["{d}/log/app/*.log"]

[proxy]
access_log = "{d}/log/nginx/access.log"
error_log = "{d}/log/nginx/error.log"
pid_file = "{d}/nginx.pid"

[[proxy.backend]]
address = "localhost:8080"

[maintenance]
retention = "3d"
backup_dir = "/var/backups/shop"
cleanup = ["/var/cache/shop"]
"#,
        d = d.display()
    );
    let src = ccmon::diag::source::Source::new("shop.toml", toml);
    let (m, diags) = model_of(&src);
    assert!(diags.is_empty(), "{diags:?}");
    let out = d.join("out");
    ccmon::emit::emit(&m).write_to(&out).unwrap();
    let conf = out.join("logrotate/shop");
    let (ok, text) = run(Command::new("logrotate")
        .arg("-f")
        .arg("-s")
        .arg(d.join("state"))
        .arg(&conf));
    assert!(ok, "logrotate -f:\n{text}");
    assert_eq!(
        fs::read_to_string(app.join("app.log.1")).unwrap(),
        "line 1\nline 2\n"
    );
    assert_eq!(
        fs::read_to_string(app.join("app.log")).unwrap(),
        "",
        "copytruncate"
    );
    assert!(web.join("access.log.1").is_file(), "nginx's log rotated");
    eprintln!("logrotate -f in a temporary root: app.log and access.log rotated");

    let root = d.join("root");
    let cache = root.join("var/cache/shop");
    fs::create_dir_all(&cache).unwrap();
    let old = cache.join("old");
    fs::write(&old, "x").unwrap();
    fs::write(cache.join("new"), "x").unwrap();
    let ten_days = std::time::SystemTime::now() - std::time::Duration::from_secs(10 * 86400);
    let f = fs::File::options().write(true).open(&old).unwrap();
    f.set_times(
        fs::FileTimes::new()
            .set_accessed(ten_days)
            .set_modified(ten_days),
    )
    .unwrap();
    drop(f);
    let (ok, text) = run(Command::new("systemd-tmpfiles")
        .args(["--create", "--clean"])
        .arg(format!("--root={}", root.display()))
        .arg(out.join("tmpfiles/shop.conf")));
    assert!(ok, "systemd-tmpfiles:\n{text}");
    assert!(
        root.join("var/backups/shop").is_dir(),
        "the backup folder is made"
    );
    assert!(!old.exists(), "a file past the retention is deleted");
    assert!(cache.join("new").exists(), "a recent file is kept");
}

/// `nginx_plus = true` is the user's choice, not a problem: plain `validate` passes
/// `--deny-warnings`. With the tools, an open-source nginx cannot check a Plus config, which is
/// said (CM605) instead of a false rejection.
#[test]
fn a_plus_config_is_not_checked_by_open_source_nginx() {
    let bin = env!("CARGO_BIN_EXE_ccmon");
    let config = "tests/tools/nginx-plus.toml";
    let plain = Command::new(bin)
        .current_dir(common::root())
        .args(["validate", "--deny-warnings", config])
        .output()
        .unwrap();
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    if !common::require_tool("nginx") {
        return;
    }
    let tools = Command::new(bin)
        .current_dir(common::root())
        .args(["validate", "--with-tools", "--deny-warnings", config])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&tools.stderr);
    assert_eq!(tools.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "warning[CM605]: this nginx.conf needs nginx Plus, and the nginx here is open source"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("CM701"), "{stderr}");
}

/// A checker that is not installed is a warning (CM702), so `--deny-warnings` fails and a CI
/// without the tools does not pass unchecked; `--format github` makes it an annotation.
#[test]
fn a_missing_checker_is_a_warning_that_fails_deny_warnings() {
    let bin = env!("CARGO_BIN_EXE_ccmon");
    let empty = common::TempDir::new("no-tools");
    let out = Command::new(bin)
        .current_dir(common::root())
        .env("PATH", empty.path())
        .args([
            "validate",
            "--with-tools",
            "--deny-warnings",
            "--format",
            "github",
            "examples/minimal/monitoring.toml",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for tool in ["promtool", "amtool", "systemd-analyze"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("::warning")
                    && l.contains(&format!("`{tool}` is not installed"))),
            "{tool}:\n{stdout}"
        );
    }
}
