//! The claude-code example does right every row of the seed's defect table (SEED-NOTES.md).
//! Each test names the row it guards.

mod common;

use common::{render_example, yaml};
use serde_json::Value;

fn out(path: &str) -> String {
    render_example("claude-code")
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in the bundle"))
        .to_string()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn writes_all_seven_kinds_of_output() {
    let b = render_example("claude-code");
    for path in [
        "prometheus/prometheus.yml",
        "prometheus/rules/claude-code.rules.yml",
        "prometheus/rules/claude-code.slo.rules.yml",
        "alertmanager/alertmanager.yml",
        "filebeat/filebeat.yml",
        "grafana/dashboards/claude-code-enterprise.json",
        "grafana/provisioning/dashboards/claude-code.yaml",
        "grafana/provisioning/datasources/claude-code.yaml",
        "nginx/nginx.conf",
        "systemd/prometheus.service",
        "systemd/alertmanager.service",
        "systemd/filebeat.service",
        "systemd/node-exporter.service",
        "systemd/claude-code-api.service",
        "prometheus/tests/claude-code.rules.test.yml",
        "prometheus/tests/claude-code.slo.test.yml",
    ] {
        assert!(b.get(path).is_some(), "missing {path}");
    }
}

#[test]
fn prometheus_has_the_seed_jobs_and_loads_the_rules() {
    // Row 1: rule files referenced; row 2: one port per job, a node job for host metrics.
    let p = yaml(&out("prometheus/prometheus.yml"));
    assert_eq!(
        strs(&p["rule_files"]),
        vec![
            "rules/claude-code.rules.yml",
            "rules/claude-code.slo.rules.yml"
        ]
    );
    let jobs = p["scrape_configs"].as_array().unwrap();
    let find = |name: &str| {
        jobs.iter()
            .find(|j| j["job_name"] == name)
            .unwrap_or_else(|| panic!("no job {name}"))
    };
    for (name, target, interval) in [
        ("claude-code-api", "localhost:8080", Some("10s")),
        ("llm-gateway", "localhost:4000", Some("10s")),
        ("dev-containers", "localhost:9323", Some("30s")),
        ("sandbox", "localhost:9100", Some("15s")),
        ("node", "localhost:9110", None),
    ] {
        let j = find(name);
        assert_eq!(strs(&j["static_configs"][0]["targets"]), vec![target]);
        assert_eq!(j["scrape_interval"].as_str(), interval, "{name}");
        assert_eq!(j["static_configs"][0]["labels"]["host"], "claude-code-1");
    }
    let mut ports: Vec<String> = jobs
        .iter()
        .flat_map(|j| strs(&j["static_configs"][0]["targets"]))
        .collect();
    let n = ports.len();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), n, "two jobs share a port");
    assert_eq!(
        strs(&p["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]),
        vec!["localhost:9093"]
    );
}

/// Every rule of both rule files: the alerts', then the SLOs'.
fn rules() -> Vec<Value> {
    ["claude-code.rules.yml", "claude-code.slo.rules.yml"]
        .iter()
        .flat_map(|f| {
            let r = yaml(&out(&format!("prometheus/rules/{f}")));
            r["groups"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| g["rules"].as_array().unwrap().clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rule(name: &str) -> Value {
    rules()
        .into_iter()
        .find(|r| r["alert"] == name)
        .unwrap_or_else(|| panic!("no alert {name}"))
}

#[test]
fn rules_hold_the_eight_seed_alerts_in_one_group_per_dimension() {
    let names: Vec<String> = rules()
        .iter()
        .filter_map(|r| r["alert"].as_str().map(str::to_string))
        .collect();
    for n in [
        "ClaudeCodeServiceDown",
        "HighAPIErrorRate",
        "HighAPILatency",
        "HighTokenUsage",
        "HighCostIncurred",
        "SandboxViolations",
        "HighCPUUsage",
        "HighMemoryUsage",
    ] {
        assert!(names.contains(&n.to_string()), "missing {n}");
    }
    let r = yaml(&out("prometheus/rules/claude-code.rules.yml"));
    let groups: Vec<&str> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        [
            "availability",
            "performance",
            "resources",
            "security",
            "cost",
            // Self-monitoring's alerts, in the project's own group.
            "claude-code",
        ]
    );
    let slo = yaml(&out("prometheus/rules/claude-code.slo.rules.yml"));
    let groups: Vec<&str> = slo["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["slo-api-availability", "slo-api-latency"]);
}

#[test]
fn error_ratio_aggregates_both_sides_by_the_same_labels() {
    // Row 3.
    let e = rule("HighAPIErrorRate")["expr"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(e.matches("sum by (job, endpoint) (rate(").count(), 2, "{e}");
    assert!(e.trim_end().ends_with("> 0.05"), "{e}");
}

#[test]
fn rates_are_scaled_to_the_stated_unit() {
    // Rows 4 and 6.
    let t = rule("HighTokenUsage")["expr"].as_str().unwrap().to_string();
    assert!(t.contains("* 3600 > 100000"), "{t}");
    let s = rule("SandboxViolations")["expr"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(s.contains("* 60 > 10"), "{s}");
}

#[test]
fn memory_and_cpu_use_explicit_vector_matching_and_all_cores() {
    // Rows 5 and 7.
    let m = rule("HighMemoryUsage")["expr"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains("/ on (host) group_left ()"), "{m}");
    let c = rule("HighCPUUsage")["expr"].as_str().unwrap().to_string();
    assert!(c.contains("count by (host) (node_cpu_seconds_total"), "{c}");
}

#[test]
fn descriptions_keep_the_chinese_text_and_humanize_in_the_unit() {
    let r = rule("HighAPIErrorRate");
    assert_eq!(r["annotations"]["summary"], "API 错误率过高");
    assert_eq!(
        r["annotations"]["description"],
        "API 错误率超过 5% (当前: {{ $value | humanizePercentage }})"
    );
    let l = rule("HighAPILatency");
    assert!(
        l["annotations"]["description"]
            .as_str()
            .unwrap()
            .contains("humanizeDuration")
    );
}

#[test]
fn alertmanager_routes_by_severity_with_matchers_only() {
    // Rows 9 and 10.
    let text = out("alertmanager/alertmanager.yml");
    for deprecated in ["match:", "source_match:", "target_match:", "match_re:"] {
        assert!(
            !text.contains(deprecated),
            "deprecated `{deprecated}` in output"
        );
    }
    let a = yaml(&text);
    assert_eq!(a["route"]["receiver"], "team");
    let routes = a["route"]["routes"].as_array().unwrap();
    // The heartbeat's own route comes first (self-monitoring).
    assert_eq!(routes[0]["receiver"], "deadman");
    assert_eq!(
        strs(&routes[0]["matchers"]),
        vec![r#"alertname="Watchdog""#]
    );
    assert_eq!(routes[1]["receiver"], "on-call");
    assert_eq!(strs(&routes[1]["matchers"]), vec![r#"severity="critical""#]);
    assert_eq!(routes[2]["receiver"], "dev");
    assert_eq!(strs(&routes[2]["matchers"]), vec![r#"severity="warning""#]);
    let inhibit = &a["inhibit_rules"][0];
    assert_eq!(strs(&inhibit["equal"]), vec!["job", "slo"]);
    assert!(!strs(&inhibit["equal"]).contains(&"alertname".to_string()));
}

#[test]
fn no_plaintext_secret_lands_in_any_output() {
    // Rows 8 and 16.
    let b = render_example("claude-code");
    for (path, text) in &b.files {
        for needle in [
            "hooks.slack.com",
            "auth_password:",
            "smtp_auth_password:",
            "api_url:",
            "routing_key:",
            "password: password",
        ] {
            assert!(!text.contains(needle), "{path} contains `{needle}`");
        }
    }
    let a = yaml(b.get("alertmanager/alertmanager.yml").unwrap());
    assert_eq!(
        a["global"]["smtp_auth_password_file"],
        "/etc/prometheus/secrets/smtp-password"
    );
    let f = yaml(b.get("filebeat/filebeat.yml").unwrap());
    assert_eq!(f["output.elasticsearch"]["password"], "${ES_PWD}");
}

#[test]
fn filebeat_uses_filestream_with_unique_ids_and_template_settings() {
    // Rows 14, 15, 16.
    let f = yaml(&out("filebeat/filebeat.yml"));
    let inputs = f["filebeat.inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 3);
    let mut ids: Vec<&str> = inputs.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert!(inputs.iter().all(|i| i["type"] == "filestream"));
    ids.sort();
    ids.dedup();
    assert_eq!(ids, ["claude-code", "claude-sandbox", "llm-gateway"]);
    assert_eq!(f["setup.template.name"], "claude-code");
    assert_eq!(f["setup.template.pattern"], "claude-code-*");
    assert_eq!(f["setup.ilm.enabled"], false);
    // ECS: `service` is an object (service.name), never a plain string under the root.
    for i in inputs {
        assert!(i["fields"]["service"]["name"].is_string());
    }
}

#[test]
fn dashboard_is_provisioning_ready_with_the_seed_panels() {
    // Row 17.
    let text = out("grafana/dashboards/claude-code-enterprise.json");
    let d: Value = serde_json::from_str(&text).unwrap();
    assert!(
        d.get("dashboard").is_none(),
        "HTTP API wrapper in a provisioning file"
    );
    assert_eq!(d["uid"], "claude-code-enterprise");
    assert!(d["schemaVersion"].as_u64().unwrap() >= 36);
    let panels = d["panels"].as_array().unwrap();
    for title in [
        "API 请求速率",
        "API 延迟 (P95)",
        "活跃会话数",
        "令牌使用率",
        "累计成本",
        "API 错误率",
        "沙箱违规",
        "资源使用",
    ] {
        assert!(
            panels.iter().any(|p| p["title"] == title),
            "missing panel {title}"
        );
    }
    let mut ids = Vec::new();
    for p in panels {
        assert_ne!(p["type"], "graph");
        assert!(["timeseries", "stat", "row"].contains(&p["type"].as_str().unwrap()));
        let g = &p["gridPos"];
        assert!(
            g["w"].as_u64().unwrap() >= 1
                && g["x"].as_u64().unwrap() + g["w"].as_u64().unwrap() <= 24
        );
        ids.push(p["id"].as_u64().unwrap());
        if p["type"] != "row" {
            // Every panel asks the data source chosen in `$datasource`.
            assert_eq!(p["datasource"]["uid"], "${datasource}");
            for (i, t) in p["targets"].as_array().unwrap().iter().enumerate() {
                assert_eq!(t["refId"].as_str().unwrap(), ["A", "B", "C"][i]);
            }
        }
    }
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "panel ids repeat");
    // ... whose default is the provisioned Prometheus; `$job` narrows the request rate.
    let vars = d["templating"]["list"].as_array().unwrap();
    assert_eq!(vars[0]["name"], "datasource");
    assert_eq!(vars[0]["type"], "datasource");
    assert_eq!(vars[0]["current"]["value"], "prometheus");
    assert_eq!(vars[1]["name"], "job");
    assert_eq!(vars[1]["type"], "query");
    let ds = yaml(&out("grafana/provisioning/datasources/claude-code.yaml"));
    assert_eq!(ds["datasources"][0]["uid"], "prometheus");
    let prov = yaml(&out("grafana/provisioning/dashboards/claude-code.yaml"));
    assert_eq!(prov["providers"][0]["type"], "file");
}

#[test]
fn nginx_balances_3_2_1_with_working_keepalive_and_no_plus_directive() {
    // Rows 11, 12, 13.
    let n = out("nginx/nginx.conf");
    assert!(n.contains("least_conn;"));
    assert!(n.contains("server claude-code-1:8080 weight=3 "));
    assert!(n.contains("server claude-code-2:8080 weight=2 "));
    assert!(n.contains("server claude-code-3:8080 weight=1 "));
    assert!(n.contains("keepalive 32;"));
    assert!(n.contains("proxy_http_version 1.1;"));
    assert!(n.contains("proxy_set_header Connection \"\";"));
    assert!(!n.contains("health_check"), "nginx Plus directive");
    assert!(
        n.contains("listen 443 ssl http2;"),
        "nginx 1.22 needs the listen parameter"
    );
    assert!(!n.contains("http2 on;"));
}

#[test]
fn systemd_units_carry_derived_flags_and_hardening() {
    let p = out("systemd/prometheus.service");
    assert!(p.contains("--config.file=/etc/prometheus/prometheus.yml"));
    assert!(p.contains("--storage.tsdb.retention.time=30d"));
    let n = out("systemd/node-exporter.service");
    assert!(
        n.contains("--web.listen-address=127.0.0.1:9110"),
        "node exporter port follows the node job"
    );
    let a = out("systemd/alertmanager.service");
    assert!(
        a.lines()
            .any(|l| l.trim().trim_end_matches('\\').trim() == "--cluster.listen-address="),
        "gossip not disabled: {a}"
    );
    for unit in [
        "prometheus",
        "alertmanager",
        "filebeat",
        "node-exporter",
        "claude-code-api",
    ] {
        let u = out(&format!("systemd/{unit}.service"));
        for key in [
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "Restart=on-failure",
        ] {
            assert!(u.contains(key), "{unit} lacks {key}");
        }
    }
}

#[test]
fn objectives_become_burn_rate_alerts_and_an_slo_row() {
    let names: Vec<String> = rules()
        .iter()
        .filter_map(|r| r["alert"].as_str().map(str::to_string))
        .collect();
    for n in [
        "ApiAvailabilityFastBurn",
        "ApiAvailabilitySlowBurn",
        "ApiLatencyFastBurn",
        "ApiLatencySlowBurn",
    ] {
        assert!(names.contains(&n.to_string()), "missing {n}");
    }
    // One rule per window pair, labelled with its windows.
    let pairs =
        |name: &str| -> Vec<Value> { rules().into_iter().filter(|r| r["alert"] == name).collect() };
    let page = pairs("ApiAvailabilityFastBurn");
    let windows: Vec<(&str, &str)> = page
        .iter()
        .map(|r| {
            (
                r["labels"]["long"].as_str().unwrap(),
                r["labels"]["short"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(windows, [("1h", "5m"), ("6h", "30m")]);
    let e = page[0]["expr"].as_str().unwrap();
    assert!(
        e.contains("slo:sli_error:ratio_rate1h{slo=\"api-availability\"} > (14.4 * 0.001)"),
        "{e}"
    );
    assert!(
        e.contains("slo:sli_error:ratio_rate5m{slo=\"api-availability\"} > (14.4 * 0.001)"),
        "{e}"
    );
    let e = page[1]["expr"].as_str().unwrap();
    assert!(
        e.contains("slo:sli_error:ratio_rate6h{slo=\"api-availability\"} > (6 * 0.001)"),
        "{e}"
    );
    for p in &page {
        assert_eq!(p["labels"]["severity"], "critical");
    }
    let ticket: Vec<String> = pairs("ApiAvailabilitySlowBurn")
        .iter()
        .map(|r| r["expr"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ticket[0].contains("ratio_rate1d{slo=\"api-availability\"} > (3 * 0.001)"),
        "{ticket:?}"
    );
    assert!(
        ticket[1].contains("ratio_rate3d{slo=\"api-availability\"} > (1 * 0.001)"),
        "{ticket:?}"
    );
    let records: Vec<String> = rules()
        .iter()
        .filter_map(|r| r["record"].as_str().map(str::to_string))
        .collect();
    for w in ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"] {
        assert!(
            records.contains(&format!("slo:sli_error:ratio_rate{w}")),
            "no SLI over {w}"
        );
    }
    assert!(records.contains(&"slo:error_budget_remaining:ratio".to_string()));
    let d: Value =
        serde_json::from_str(&out("grafana/dashboards/claude-code-enterprise.json")).unwrap();
    let titles: Vec<&str> = d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    for t in [
        "SLO api-availability — 99.9% over 30d",
        "api-availability SLI (30d)",
        "api-availability error budget remaining",
        "api-availability burn rate",
        "SLO api-latency — 95% over 30d",
    ] {
        assert!(titles.contains(&t), "no dashboard panel {t}: {titles:?}");
    }
}
