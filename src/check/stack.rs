//! `[self_monitoring]`: the stack watches itself. Scrape jobs for Prometheus, Alertmanager,
//! the node exporter, the blackbox exporter and nginx (through the nginx exporter), a probe
//! of Filebeat's HTTP endpoint, and alerts on what makes monitoring silently stop working:
//! failed rule evaluations, failed notifications, failed reloads, no Alertmanager, targets
//! down, disks filling, memory pressure, and a `Watchdog` heartbeat routed to a dead man's
//! switch. Each part can be switched off; a job the user declares under the same name is the
//! user's, and is not generated again.

use std::ops::Range;

use super::Cx;
use super::generated::{Generated, Level, severity};
use super::health::Check;
use crate::load::{NumOrStr, RawConfig, RawSelfMonitoring, S};
use crate::model::{Job, ProbeModule, Prober};
use crate::quantity::{Duration, Quantity};

/// Where the stack's helpers listen by default (all on loopback).
pub const BLACKBOX_LISTEN: &str = "127.0.0.1:9115";
pub const NGINX_EXPORTER_LISTEN: &str = "127.0.0.1:9113";
pub const NGINX_STATUS_LISTEN: &str = "127.0.0.1:8081";
pub const FILEBEAT_HTTP: (&str, u16) = ("localhost", 5066);

/// What self-monitoring adds to the rest of the config.
#[derive(Debug, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Health checks of the stack's own parts (Filebeat).
    pub checks: Vec<Check>,
    pub alerts: Vec<Generated>,
    pub deadman: Option<Deadman>,
    /// nginx serves `stub_status` here, for the nginx exporter.
    pub nginx_status: Option<String>,
    /// Filebeat's HTTP endpoint.
    pub filebeat_http: Option<(String, u16)>,
    /// What the stack's jobs export, by job name: a job of the user's under one of these
    /// names is taken to be that part (for the checks that a metric has a source).
    pub exports: Vec<(&'static str, &'static [&'static str])>,
    /// Where Prometheus reaches Alertmanager (its host's address when another host runs it).
    pub alertmanager_at: String,
    /// Where Prometheus reaches the blackbox exporter, when it runs.
    pub blackbox_at: Option<String>,
}

/// Where Prometheus reaches a part that runs on one host: see [`reached_from`].
fn at_from_prometheus(cx: &mut Cx, raw: &RawConfig, part: &str, listen: &str) -> String {
    reached_from(cx, raw, (part, listen), "prometheus")
        .and_then(|v| v.into_iter().next())
        .unwrap_or_else(|| super::base::reachable(listen))
}

/// The heartbeat's route.
#[derive(Debug, Clone)]
pub struct Deadman {
    pub alert: String,
    /// The receiver named in `deadman_receiver`, if any.
    pub receiver: Option<S<String>>,
    pub interval: Duration,
}

/// Which parts are on.
struct Parts<'a> {
    raw: Option<&'a RawSelfMonitoring>,
    origin: Range<usize>,
}

impl Parts<'_> {
    fn on(&self, f: fn(&RawSelfMonitoring) -> &Option<S<bool>>) -> bool {
        self.raw.is_none_or(|r| {
            r.enabled.as_ref().is_none_or(|e| *e.get_ref())
                && f(r).as_ref().is_none_or(|b| *b.get_ref())
        })
    }

    fn alert(&self, from: &str) -> Generated {
        Generated::new(self.origin.clone(), format!("`[self_monitoring]` ({from})"))
    }
}

/// What the stack's parts are and where they listen.
pub struct Stack<'a> {
    pub prometheus_listen: &'a str,
    /// The prefix of Prometheus' and Alertmanager's routes (their external URL's path), before
    /// `/metrics`.
    pub prometheus_prefix: String,
    pub alertmanager_prefix: String,
    pub alertmanager_listen: String,
    pub node_listen: String,
    pub blackbox_listen: String,
    pub nginx_exporter_listen: String,
    /// Whether there are user health checks (the blackbox exporter runs).
    pub probes: bool,
    pub proxy: bool,
    pub logs: bool,
    pub global_interval: Duration,
}

/// Where the `[[host]]`s that run `part` (listening on `listen`) are reached from the host
/// that runs `from`: on that host, `listen` itself (loopback); elsewhere, the host's address
/// at the port. `None` without hosts. A part that listens on loopback on another host cannot
/// be reached: an error at that host.
pub fn reached_from(
    cx: &mut Cx,
    raw: &RawConfig,
    (part, listen): (&str, &str),
    from: &str,
) -> Option<Vec<String>> {
    if raw.hosts.is_empty() {
        return None;
    }
    let key = match part {
        "prometheus" | "alertmanager" => format!("[{part}] listen"),
        _ => format!("[services.{part}] listen"),
    };
    let runs =
        |h: &crate::load::RawHost, p: &str| h.runs.get_ref().iter().any(|r| r.get_ref() == p);
    let (host, port) = match crate::addr::split_address(listen) {
        Some((h, p)) => (h.to_string(), p),
        None => (String::new(), listen.strip_prefix(':')?.parse().ok()?),
    };
    let loopback = matches!(host.as_str(), "localhost" | "::1")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback());
    let mut out = Vec::new();
    let viewer = raw
        .hosts
        .iter()
        .map(S::get_ref)
        .find(|h| runs(h, from))
        .map(|h| h.name.get_ref().as_str());
    for h in raw.hosts.iter().map(S::get_ref).filter(|h| runs(h, part)) {
        if runs(h, from) || viewer.is_none() {
            out.push(super::base::reachable(listen));
        } else if loopback {
            cx.push(
                crate::diag::Diagnostic::error(
                    crate::codes::CONFLICTING_SETTINGS,
                    format!(
                        "`{part}` runs on host `{}` but listens on `{listen}`, which {from} on host `{}` cannot reach",
                        h.name.get_ref(),
                        viewer.unwrap_or_default()
                    ),
                )
                .at(h.runs.span(), format!("it runs here, away from {from}"))
                .help(format!("listen on every interface: `{key} = \":{port}\"`")),
            );
        } else if host.is_empty() || matches!(host.as_str(), "0.0.0.0" | "::" | "*") {
            let addr = h.address.as_ref().unwrap_or(&h.name).get_ref();
            out.push(format!("{addr}:{port}"));
        } else {
            out.push(listen.to_string());
        }
    }
    Some(out)
}

/// An exporter's job (unless the user declared one of that name): with `[[host]]`, every host
/// that runs it; else this machine.
fn exporter_job(
    cx: &mut Cx,
    raw: &RawConfig,
    plan: &mut Plan,
    (name, part, declared): (&'static str, &str, bool),
    listen: &str,
    exports: &'static [&'static str],
) {
    plan.exports.push((name, exports));
    let targets = match reached_from(cx, raw, (part, listen), "prometheus") {
        Some(t) if !t.is_empty() => t,
        _ => vec![super::base::reachable(listen)],
    };
    if !declared {
        plan.jobs.push(Job::plain(name, targets, exports));
    }
}

pub fn plan(cx: &mut Cx, raw: &RawConfig, user_jobs: &[Job], stack: &Stack) -> Plan {
    let parts = Parts {
        raw: raw.self_monitoring.as_ref().map(S::get_ref),
        origin: raw
            .self_monitoring
            .as_ref()
            .map_or_else(|| raw.project.span(), S::span),
    };
    let mut plan = Plan::default();
    let has = |name: &str| user_jobs.iter().any(|j| j.name == name);
    let reachable = super::base::reachable;
    let add = |plan: &mut Plan,
               (name, prefix): (&'static str, &str),
               listen: &str,
               exports: &'static [&'static str]| {
        plan.exports.push((name, exports));
        if !has(name) {
            let mut job = Job::plain(name, vec![reachable(listen)], exports);
            job.metrics_path = format!("{prefix}/metrics");
            plan.jobs.push(job);
        }
    };
    if parts.on(|r| &r.prometheus) {
        add(
            &mut plan,
            ("prometheus", &stack.prometheus_prefix),
            stack.prometheus_listen,
            &["prometheus_*"],
        );
        prometheus_alerts(&parts, &cx.severities, &mut plan.alerts);
    }
    plan.alertmanager_at = at_from_prometheus(cx, raw, "alertmanager", &stack.alertmanager_listen);
    if parts.on(|r| &r.alertmanager) {
        let at = plan.alertmanager_at.clone();
        let name = ("alertmanager", stack.alertmanager_prefix.as_str());
        add(&mut plan, name, &at, &["alertmanager_*"]);
        alertmanager_alerts(&parts, &cx.severities, &mut plan.alerts);
    }
    if parts.on(|r| &r.node) {
        let has_node = has("node");
        let node = ("node", "node_exporter", has_node);
        exporter_job(cx, raw, &mut plan, node, &stack.node_listen, &["node_*"]);
        node_alerts(cx, &parts, &mut plan.alerts);
    }
    if parts.on(|r| &r.filebeat) && stack.logs {
        let (host, port) = FILEBEAT_HTTP;
        plan.filebeat_http = Some((host.to_string(), port));
        plan.checks
            .push(filebeat_check(&parts, stack, &cx.severities));
    }
    if stack.probes || !plan.checks.is_empty() {
        let at = at_from_prometheus(cx, raw, "blackbox_exporter", &stack.blackbox_listen);
        plan.blackbox_at = Some(at.clone());
        if parts.on(|r| &r.blackbox) {
            add(&mut plan, ("blackbox", ""), &at, &["blackbox_exporter_*"]);
        }
    }
    if parts.on(|r| &r.nginx) && stack.proxy {
        plan.nginx_status = Some(parts.raw.and_then(|r| r.nginx_status.as_ref()).map_or_else(
            || NGINX_STATUS_LISTEN.to_string(),
            |l| super::base::address(cx, l),
        ));
        let has_nginx = has("nginx");
        exporter_job(
            cx,
            raw,
            &mut plan,
            ("nginx", "nginx_exporter", has_nginx),
            &stack.nginx_exporter_listen,
            &["nginx_*"],
        );
        plan.alerts.push(
            parts
                .alert("nginx")
                .set("name", "NginxDown")
                .set("kind", "state")
                .set("expr", "nginx_up{job=\"nginx\"}")
                .set("equals", 0)
                .set("for", "2m")
                .set("severity", severity(&cx.severities, Level::Page))
                .set("summary", "nginx does not answer its status page")
                .set("description", "the nginx exporter on {{ $labels.instance }} has not reached nginx's stub_status for 2 minutes: the load balancer is down"),
        );
    }
    if parts.on(|r| &r.targets) {
        plan.alerts.push(
            parts
                .alert("targets")
                .set("name", "ScrapeTargetDown")
                .set("kind", "state")
                .set("expr", "up")
                .set("equals", 0)
                .set("for", "5m")
                .set("severity", severity(&cx.severities, Level::Ticket))
                .set("summary", "a scrape target is down")
                .set("description", "Prometheus has failed to scrape {{ $labels.instance }} of job {{ $labels.job }} for 5 minutes: its alerts see no data"),
        );
    }
    if parts.on(|r| &r.deadman) {
        deadman(cx, raw, &parts, &mut plan);
    }
    plan
}

/// The heartbeat and its route.
fn deadman(cx: &mut Cx, raw: &RawConfig, parts: &Parts, plan: &mut Plan) {
    let r = parts.raw;
    // A heartbeat of the user's own (kube-prometheus' `Watchdog`) is the one routed.
    let own = raw
        .alerts
        .iter()
        .map(S::get_ref)
        .find(|a| a.kind.get_ref() == "deadman")
        .map(|a| a.name.get_ref().clone());
    plan.deadman = Some(Deadman {
        alert: own.clone().unwrap_or_else(|| "Watchdog".into()),
        receiver: r.and_then(|r| r.deadman_receiver.clone()),
        interval: cx.positive_duration(
            r.and_then(|r| r.deadman_interval.as_ref()),
            Duration::from_secs(60),
        ),
    });
    plan.alerts.extend(own.is_none().then(|| {
        parts
            .alert("deadman")
            .set("name", "Watchdog")
            .set("kind", "deadman")
            .set("severity", severity(&cx.severities, Level::Info))
            .set("summary", "the alerting pipeline is alive")
            .set("description", "this alert always fires; its dead man's switch pages when it stops arriving: Prometheus, its rules or Alertmanager have stopped")
    }));
}

fn prometheus_alerts(parts: &Parts, sev: &[String], out: &mut Vec<Generated>) {
    let a = || parts.alert("prometheus");
    out.push(
        a().set("name", "PrometheusRuleEvaluationFailures")
            .set("kind", "increase")
            .set("metric", "prometheus_rule_evaluation_failures_total{job=\"prometheus\"}")
            .set("over", "5m")
            .set("by", vec!["instance", "rule_group"])
            .set("above", 0)
            .set("for", "5m")
            .set("severity", severity(sev, Level::Page))
            .set("summary", "Prometheus fails to evaluate rules")
            .set("description", "{value} failed evaluations of rule group {{ $labels.rule_group }} in 5 minutes: its alerts cannot fire"),
    );
    out.push(
        a().set("name", "PrometheusConfigReloadFailed")
            .set("kind", "state")
            .set("expr", "prometheus_config_last_reload_successful{job=\"prometheus\"}")
            .set("equals", 0)
            .set("for", "10m")
            .set("severity", severity(sev, Level::Ticket))
            .set("summary", "Prometheus could not load its configuration")
            .set("description", "the last reload of {{ $labels.instance }} failed: it runs an older configuration than the one deployed"),
    );
    out.push(
        a().set("name", "PrometheusNoAlertmanager")
            .set("kind", "gauge")
            .set("expr", "prometheus_notifications_alertmanagers_discovered{job=\"prometheus\"}")
            .set("below", 1)
            .set("for", "10m")
            .set("severity", severity(sev, Level::Page))
            .set("summary", "Prometheus has no Alertmanager to send alerts to")
            .set("description", "{{ $labels.instance }} has found no Alertmanager for 10 minutes: firing alerts notify no one"),
    );
}

fn alertmanager_alerts(parts: &Parts, sev: &[String], out: &mut Vec<Generated>) {
    let a = || parts.alert("alertmanager");
    out.push(
        a().set("name", "AlertmanagerNotificationsFailing")
            .set("kind", "increase")
            .set(
                "metric",
                "alertmanager_notifications_failed_total{job=\"alertmanager\"}",
            )
            .set("over", "5m")
            .set("by", vec!["instance", "integration"])
            .set("above", 0)
            .set("for", "5m")
            .set("severity", severity(sev, Level::Page))
            .set("summary", "Alertmanager fails to send notifications")
            .set(
                "description",
                "{value} {{ $labels.integration }} notifications failed in 5 minutes",
            ),
    );
    out.push(
        a().set("name", "AlertmanagerConfigReloadFailed")
            .set("kind", "state")
            .set("expr", "alertmanager_config_last_reload_successful{job=\"alertmanager\"}")
            .set("equals", 0)
            .set("for", "10m")
            .set("severity", severity(sev, Level::Ticket))
            .set("summary", "Alertmanager could not load its configuration")
            .set("description", "the last reload of {{ $labels.instance }} failed: it routes with an older configuration than the one deployed"),
    );
}

/// Filesystems that hold data, not memory or images.
const FILESYSTEMS: &str = "fstype!~\"tmpfs|ramfs|squashfs|overlay|nsfs|fuse.*\"";

/// The ratio below which the disk and memory alerts fire.
pub fn below(cx: &mut Cx, v: Option<&S<NumOrStr>>) -> f64 {
    let Some(v) = v else { return 0.1 };
    let q = match v.get_ref() {
        NumOrStr::Float(f) => Ok(Quantity::Ratio {
            value: *f,
            percent: false,
        }),
        NumOrStr::Int(_) => Err("a whole number".to_string()),
        NumOrStr::Str(s) => Quantity::parse(s),
    };
    match q {
        Ok(Quantity::Ratio { value, .. }) if value > 0.0 && value < 1.0 => value,
        _ => {
            cx.error(
                crate::codes::BAD_THRESHOLD,
                "expected a ratio above 0% and under 100%",
                v.span(),
                "such as \"10%\" or 0.1",
            );
            0.1
        }
    }
}

fn node_alerts(cx: &mut Cx, parts: &Parts, out: &mut Vec<Generated>) {
    let disk = below(cx, parts.raw.and_then(|r| r.disk_free_below.as_ref()));
    let memory = below(
        cx,
        parts.raw.and_then(|r| r.memory_available_below.as_ref()),
    );
    let sev = cx.severities.clone();
    let a = || parts.alert("node");
    let fs = |m: &str| format!("{m}{{job=\"node\",{FILESYSTEMS}}}");
    let pct = |r: f64| format!("{}%", crate::quantity::fmt_num(r * 100.0));
    out.push(
        a().set("name", "NodeDiskAlmostFull")
            .set("kind", "saturation")
            .set("used", fs("node_filesystem_avail_bytes"))
            .set("capacity", fs("node_filesystem_size_bytes"))
            .set("on", vec!["instance", "device", "mountpoint"])
            .set("below", pct(disk))
            .set("for", "5m")
            .set("severity", severity(&sev, Level::Page))
            .set("summary", "a disk is almost full")
            .set("description", "{{ $labels.mountpoint }} on {{ $labels.instance }} has {value} free, under {threshold}"),
    );
    out.push(
        a().set("name", "NodeDiskFillingUp")
            .set("kind", "predict_linear")
            .set("metric", fs("node_filesystem_avail_bytes"))
            .set("window", "6h")
            .set("horizon", "24h")
            .set("below", 0)
            .set("for", "1h")
            .set("severity", severity(&sev, Level::Ticket))
            .set("summary", "a disk fills up within a day")
            .set("description", "at the rate of the last 6 hours, {{ $labels.mountpoint }} on {{ $labels.instance }} is full within 24 hours"),
    );
    out.push(
        a().set("name", "NodeMemoryPressure")
            .set("kind", "saturation")
            .set("used", "node_memory_MemAvailable_bytes{job=\"node\"}")
            .set("capacity", "node_memory_MemTotal_bytes{job=\"node\"}")
            .set("on", vec!["instance"])
            .set("below", pct(memory))
            .set("for", "10m")
            .set("severity", severity(&sev, Level::Ticket))
            .set("summary", "memory is running out")
            .set(
                "description",
                "{{ $labels.instance }} has {value} of its memory available, under {threshold}",
            ),
    );
}

/// Filebeat answers on its HTTP endpoint (it serves its state as JSON, not as Prometheus
/// metrics: it is probed rather than scraped).
fn filebeat_check(parts: &Parts, stack: &Stack, sev: &[String]) -> Check {
    let (host, port) = FILEBEAT_HTTP;
    Check {
        name: "filebeat".into(),
        target: format!("http://{host}:{port}/"),
        module: ProbeModule {
            name: "filebeat".into(),
            timeout: Duration::from_secs(5).min(stack.global_interval),
            prober: Prober::Http {
                method: "GET".into(),
                status: vec![200],
                body: Some("\"beat\"\\s*:\\s*\"filebeat\"".into()),
                tls: false,
                ca_file: None,
            },
        },
        interval: None,
        for_: Duration::from_secs(300),
        severity: severity(sev, Level::Ticket),
        alert: "FilebeatDown".into(),
        certificate_expiry: None,
        dimension: None,
        summary: Some("Filebeat does not answer: logs are not shipped".into()),
        from: "`[self_monitoring]` (filebeat)".into(),
        origin: parts.origin.clone(),
    }
}
