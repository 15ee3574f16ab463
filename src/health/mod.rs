//! `ccmon health`: after a deploy, asks the running stack whether it runs what ccmon rendered
//! and whether it is well. Each check is answered from the servers' own APIs: Prometheus'
//! `/api/v1/*`, Alertmanager's `/api/v2/*`, and `/-/ready` of both.
//!
//! Unhealthy: a server not ready, a loaded configuration that differs from the rendered one,
//! rule groups or rule counts that differ, a target down, a probe failing, notifications
//! failing, a disk or memory past its alert's threshold, an alert firing (but the heartbeat),
//! or the heartbeat not reaching Alertmanager.

pub mod compare;
pub mod http;

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::model::Model;
use crate::output::bundle::Bundle;
use http::{Endpoint, encode};

/// Where the servers are, and how long one request may take.
pub struct Options {
    pub prometheus: Endpoint,
    pub alertmanager: Endpoint,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    /// Not asked: the server is not ready, or the stack has nothing to check here.
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    /// What is wrong, one entry each (a target down, a differing key).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub healthy: bool,
    pub prometheus: String,
    pub alertmanager: String,
    pub checks: Vec<Check>,
}

fn ok(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Ok,
        detail: detail.into(),
        items: Vec::new(),
    }
}

fn fail(name: &'static str, detail: impl Into<String>, items: Vec<String>) -> Check {
    Check {
        name,
        status: Status::Fail,
        detail: detail.into(),
        items,
    }
}

fn skipped(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: Status::Skipped,
        detail: detail.into(),
        items: Vec::new(),
    }
}

/// `Ok` with no item, `Fail` with the items.
fn verdict(name: &'static str, good: String, bad: String, items: Vec<String>) -> Check {
    if items.is_empty() {
        ok(name, good)
    } else {
        fail(name, bad, items)
    }
}

/// A series of an instant query: its labels and value.
type Series = (serde_json::Map<String, Value>, f64);

struct Api<'a> {
    o: &'a Options,
    /// Prometheus' `/api/v1/alerts`, asked once for the checks that read it.
    alerts: std::cell::OnceCell<Result<Value, String>>,
}

impl Api<'_> {
    fn ready(&self, e: &Endpoint) -> Result<(), String> {
        match e.get("/-/ready", self.o.timeout)? {
            (200, _) => Ok(()),
            (s, body) => Err(format!("{}/-/ready answered {s}: {}", e.url(), body.trim())),
        }
    }

    /// A JSON answer of `path`.
    fn json(&self, e: &Endpoint, path: &str) -> Result<Value, String> {
        let (status, body) = e.get(path, self.o.timeout)?;
        let v: Value = serde_json::from_str(&body)
            .map_err(|err| format!("{}{path} answered {status} with no JSON: {err}", e.url()))?;
        if status != 200 {
            let why = v["error"].as_str().unwrap_or("").to_string();
            return Err(format!("{}{path} answered {status} {why}", e.url()));
        }
        Ok(v)
    }

    /// The `data` of a Prometheus API answer.
    fn prom(&self, path: &str) -> Result<Value, String> {
        Ok(self.json(&self.o.prometheus, path)?["data"].take())
    }

    /// Prometheus' alerts, asked once.
    fn alerts(&self) -> Result<&Value, String> {
        self.alerts
            .get_or_init(|| self.prom("/api/v1/alerts"))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// An instant query's series, as (labels, value).
    fn query(&self, q: &str) -> Result<Vec<Series>, String> {
        let data = self.prom(&format!("/api/v1/query?query={}", encode(q)))?;
        Ok(data["result"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let labels = s["metric"].as_object().cloned().unwrap_or_default();
                let v = s["value"][1]
                    .as_str()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN);
                (labels, v)
            })
            .collect())
    }
}

/// `{job="x", instance="y"}` of a series.
fn show(labels: &serde_json::Map<String, Value>) -> String {
    let parts: Vec<String> = labels
        .iter()
        .filter(|(k, _)| *k != "__name__")
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str()
                    .map_or_else(|| v.to_string(), |s| format!("{s:?}"))
            )
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Every check, in order; the Prometheus checks are skipped when Prometheus is not ready,
/// the Alertmanager ones when Alertmanager is not.
pub fn run(model: &Model, bundle: &Bundle, o: &Options) -> Report {
    let api = Api {
        o,
        alerts: std::cell::OnceCell::new(),
    };
    let mut checks = Vec::new();
    let prom_ready = api.ready(&o.prometheus);
    let am_ready = api.ready(&o.alertmanager);
    checks.push(match &prom_ready {
        Ok(()) => ok("prometheus ready", o.prometheus.url()),
        Err(e) => fail("prometheus ready", e.clone(), Vec::new()),
    });
    checks.push(match &am_ready {
        Ok(()) => ok("alertmanager ready", o.alertmanager.url()),
        Err(e) => fail("alertmanager ready", e.clone(), Vec::new()),
    });
    let prom_checks: [(&'static str, PromCheck); 8] = [
        ("prometheus config", prometheus_config),
        ("rule groups", rule_groups),
        ("targets", targets),
        ("probes", probes),
        ("notifications", notifications),
        ("disk and memory", resources),
        ("firing alerts", firing),
        ("heartbeat", heartbeat),
    ];
    for (name, f) in prom_checks {
        checks.push(match &prom_ready {
            Err(_) => skipped(name, "Prometheus is not ready"),
            Ok(()) => f(&api, model, bundle).unwrap_or_else(|e| fail(name, e, Vec::new())),
        });
    }
    checks.push(match &am_ready {
        Err(_) => skipped("alertmanager config", "Alertmanager is not ready"),
        Ok(()) => alertmanager_config(&api, bundle)
            .unwrap_or_else(|e| fail("alertmanager config", e, Vec::new())),
    });
    checks.push(match &am_ready {
        Err(_) => skipped("heartbeat delivered", "Alertmanager is not ready"),
        Ok(()) => heartbeat_delivered(&api, model)
            .unwrap_or_else(|e| fail("heartbeat delivered", e, Vec::new())),
    });
    Report {
        healthy: checks.iter().all(|c| c.status != Status::Fail),
        prometheus: o.prometheus.url(),
        alertmanager: o.alertmanager.url(),
        checks,
    }
}

/// Whether the servers run what ccmon rendered: both ready, the loaded configurations the
/// rendered ones, the rule groups loaded with their rules and none failing. What `ccmon apply`
/// waits for after a reload (the rest of [`run`] is about the monitored services).
pub fn loaded(model: &Model, bundle: &Bundle, o: &Options) -> Vec<Check> {
    let api = Api {
        o,
        alerts: std::cell::OnceCell::new(),
    };
    let mut checks = Vec::new();
    match api.ready(&o.prometheus) {
        Ok(()) => {
            for (name, f) in [
                ("prometheus config", prometheus_config as PromCheck),
                ("rule groups", rule_groups),
            ] {
                checks.push(f(&api, model, bundle).unwrap_or_else(|e| fail(name, e, Vec::new())));
            }
        }
        Err(e) => checks.push(fail("prometheus ready", e, Vec::new())),
    }
    match api.ready(&o.alertmanager) {
        Ok(()) => checks.push(
            alertmanager_config(&api, bundle)
                .unwrap_or_else(|e| fail("alertmanager config", e, Vec::new())),
        ),
        Err(e) => checks.push(fail("alertmanager ready", e, Vec::new())),
    }
    checks
}

type PromCheck = fn(&Api, &Model, &Bundle) -> Result<Check, String>;

fn rendered<'b>(bundle: &'b Bundle, path: &str) -> Result<&'b str, String> {
    bundle
        .files
        .get(path)
        .map(String::as_str)
        .ok_or_else(|| format!("ccmon rendered no {path}"))
}

fn prometheus_config(api: &Api, _: &Model, bundle: &Bundle) -> Result<Check, String> {
    let data = api.prom("/api/v1/status/config")?;
    let loaded = data["yaml"].as_str().unwrap_or_default();
    let items = compare::configs(rendered(bundle, "prometheus/prometheus.yml")?, loaded)?;
    Ok(verdict(
        "prometheus config",
        "the loaded configuration is the rendered prometheus.yml".into(),
        format!(
            "{} difference(s) from the rendered prometheus.yml: reload Prometheus, or deploy the rendered files",
            items.len()
        ),
        items,
    ))
}

fn alertmanager_config(api: &Api, bundle: &Bundle) -> Result<Check, String> {
    let v = api.json(&api.o.alertmanager, "/api/v2/status")?;
    let loaded = v["config"]["original"].as_str().unwrap_or_default();
    let items = compare::configs(rendered(bundle, "alertmanager/alertmanager.yml")?, loaded)?;
    Ok(verdict(
        "alertmanager config",
        "the loaded configuration is the rendered alertmanager.yml".into(),
        format!(
            "{} difference(s) from the rendered alertmanager.yml: reload Alertmanager, or deploy the rendered files",
            items.len()
        ),
        items,
    ))
}

fn rule_groups(api: &Api, _: &Model, bundle: &Bundle) -> Result<Check, String> {
    let data = api.prom("/api/v1/rules")?;
    let mut loaded = std::collections::BTreeMap::new();
    let mut items = Vec::new();
    for g in data["groups"].as_array().into_iter().flatten() {
        let name = g["name"].as_str().unwrap_or_default().to_string();
        let rules = g["rules"].as_array().cloned().unwrap_or_default();
        for r in &rules {
            if r["health"].as_str() == Some("err") {
                items.push(format!(
                    "rule {} of group {name} fails: {}",
                    r["name"].as_str().unwrap_or("?"),
                    r["lastError"].as_str().unwrap_or("")
                ));
            }
        }
        *loaded.entry(name).or_insert(0) += rules.len();
    }
    let want = compare::rule_groups(bundle)?;
    for (name, n) in &want {
        match loaded.get(name) {
            None => items.push(format!("group {name} ({n} rules) is not loaded")),
            Some(m) if m != n => {
                items.push(format!("group {name} has {m} rules loaded, {n} rendered"))
            }
            Some(_) => {}
        }
    }
    for (name, m) in &loaded {
        if !want.contains_key(name) {
            items.push(format!(
                "group {name} ({m} rules) is loaded but not rendered"
            ));
        }
    }
    let rules: usize = want.values().sum();
    Ok(verdict(
        "rule groups",
        format!(
            "{} groups, {rules} rules, as rendered, none failing",
            want.len()
        ),
        "the loaded rules are not the rendered ones, or fail".into(),
        items,
    ))
}

fn targets(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    let data = api.prom("/api/v1/targets?state=active")?;
    let active = data["activeTargets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut items = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for t in &active {
        let job = t["labels"]["job"]
            .as_str()
            .or(t["scrapePool"].as_str())
            .unwrap_or("?");
        seen.insert(t["scrapePool"].as_str().unwrap_or(job).to_string());
        let instance = t["labels"]["instance"].as_str().unwrap_or("?");
        match t["health"].as_str() {
            Some("up") => {}
            Some("unknown") => items.push(format!("{job} {instance}: not scraped yet")),
            _ => items.push(format!(
                "{job} {instance} is down: {}",
                t["lastError"].as_str().unwrap_or("")
            )),
        }
    }
    for j in &model.jobs {
        if !seen.contains(&j.name) {
            items.push(format!("{}: no target (none listed or discovered)", j.name));
        }
    }
    Ok(verdict(
        "targets",
        format!("{} targets up", active.len()),
        format!("{} of {} targets not up", items.len(), active.len()),
        items,
    ))
}

fn probes(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    let Some(b) = &model.blackbox else {
        return Ok(skipped("probes", "no health checks"));
    };
    let failing = api.query("probe_success == 0")?;
    let items: Vec<String> = failing
        .iter()
        .map(|(l, _)| {
            format!(
                "{} {} fails",
                l["job"].as_str().unwrap_or("?"),
                l["instance"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let all = api.query("probe_success")?.len();
    Ok(verdict(
        "probes",
        format!("{all} probes of {} checks succeed", b.modules.len()),
        format!("{} of {all} probes fail", items.len()),
        items,
    ))
}

fn notifications(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    if !model.jobs.iter().any(|j| j.name == "alertmanager") {
        return Ok(skipped("notifications", "Alertmanager is not scraped"));
    }
    let failed = api.query("increase(alertmanager_notifications_failed_total[1h]) > 0")?;
    let items: Vec<String> = failed
        .iter()
        .map(|(l, v)| {
            format!(
                "{} notifications failed: {v:.0} in the last hour",
                l["integration"].as_str().unwrap_or("?")
            )
        })
        .collect();
    Ok(verdict(
        "notifications",
        "no notification failed in the last hour".into(),
        "receivers could not be reached".into(),
        items,
    ))
}

/// The disk and memory alerts' values, against their thresholds.
fn resources(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    let watched: Vec<_> = model
        .alerts
        .iter()
        .filter(|a| ["NodeDiskAlmostFull", "NodeMemoryPressure"].contains(&a.name.as_str()))
        .collect();
    if watched.is_empty() {
        return Ok(skipped(
            "disk and memory",
            "self-monitoring of the node is off",
        ));
    }
    let mut items = Vec::new();
    let mut seen = 0;
    for a in watched {
        let (Some(t), Some((cmp, _))) = (a.threshold_value(), a.threshold) else {
            continue;
        };
        for (labels, v) in api.query(&a.value_expr())? {
            seen += 1;
            let past = match cmp {
                crate::kinds::Cmp::Below => v < t,
                crate::kinds::Cmp::Above => v > t,
            };
            if past {
                items.push(format!(
                    "{} {}: {:.1}% (alert threshold {}{:.1}%)",
                    a.name,
                    show(&labels),
                    v * 100.0,
                    cmp.op(),
                    t * 100.0
                ));
            }
        }
    }
    if seen == 0 {
        return Ok(fail(
            "disk and memory",
            "the node exporter's filesystem and memory series are missing",
            Vec::new(),
        ));
    }
    Ok(verdict(
        "disk and memory",
        format!("{seen} filesystem and memory series within their alert thresholds"),
        "past an alert threshold".into(),
        items,
    ))
}

fn deadman(model: &Model) -> Option<&str> {
    model
        .alerts
        .iter()
        .find(|a| matches!(a.kind, crate::kinds::AlertKind::Deadman(_)))
        .map(|a| a.name.as_str())
}

fn firing(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    let data = api.alerts()?;
    let heartbeat = deadman(model);
    let items: Vec<String> = data["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["state"].as_str() == Some("firing"))
        .filter(|a| a["labels"]["alertname"].as_str() != heartbeat)
        .map(|a| {
            let labels = a["labels"].as_object().cloned().unwrap_or_default();
            format!(
                "{} {}",
                labels
                    .get("alertname")
                    .and_then(Value::as_str)
                    .unwrap_or("?"),
                show(&labels)
            )
        })
        .collect();
    Ok(verdict(
        "firing alerts",
        "none firing".into(),
        format!("{} alerts firing", items.len()),
        items,
    ))
}

fn heartbeat(api: &Api, model: &Model, _: &Bundle) -> Result<Check, String> {
    let Some(name) = deadman(model) else {
        return Ok(skipped("heartbeat", "no dead man's switch"));
    };
    let data = api.alerts()?;
    let fires = data["alerts"].as_array().into_iter().flatten().any(|a| {
        a["labels"]["alertname"].as_str() == Some(name) && a["state"].as_str() == Some("firing")
    });
    Ok(if fires {
        ok("heartbeat", format!("{name} fires in Prometheus"))
    } else {
        fail(
            "heartbeat",
            format!("{name} does not fire: the rules are not evaluated"),
            Vec::new(),
        )
    })
}

fn heartbeat_delivered(api: &Api, model: &Model) -> Result<Check, String> {
    let Some(name) = deadman(model) else {
        return Ok(skipped("heartbeat delivered", "no dead man's switch"));
    };
    let filter = encode(&format!("alertname=\"{name}\""));
    let v = api.json(
        &api.o.alertmanager,
        &format!("/api/v2/alerts?filter={filter}"),
    )?;
    let n = v.as_array().map_or(0, Vec::len);
    Ok(if n > 0 {
        ok(
            "heartbeat delivered",
            format!("Alertmanager holds {name}: Prometheus reaches it"),
        )
    } else {
        fail(
            "heartbeat delivered",
            format!("Alertmanager has not received {name}: Prometheus does not reach it (yet)"),
            Vec::new(),
        )
    })
}

/// The report for a terminal.
pub fn render_human(r: &Report) -> String {
    let mut out = format!(
        "Prometheus {}, Alertmanager {}\n",
        r.prometheus, r.alertmanager
    );
    for c in &r.checks {
        let mark = match c.status {
            Status::Ok => "ok  ",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        };
        out.push_str(&format!("{mark}  {:<20} {}\n", c.name, c.detail));
        for i in &c.items {
            out.push_str(&format!("        - {i}\n"));
        }
    }
    let failed = r.checks.iter().filter(|c| c.status == Status::Fail).count();
    out.push_str(&if r.healthy {
        "healthy\n".to_string()
    } else {
        format!("unhealthy: {failed} check(s) failed\n")
    });
    out
}

pub fn render_json(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}
