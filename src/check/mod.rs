//! `check`: the raw configuration into the [`Model`], pushing a diagnostic for every problem.
//!
//! Checking never stops at the first problem: each family of rules runs over everything it can
//! see, and a `Model` is built only when no error was found. Warnings never block a model.
//! One file per family: `base` (project, Prometheus, jobs), `alerts`, `slo`, `alerting`
//! (receivers, routes, inhibit rules), and one per output: `logs` (Filebeat), `dashboard`
//! (Grafana), `proxy` (nginx), `services` (systemd).

mod alerting;
mod alerts;
mod base;
mod dashboard;
mod discovery;
mod generated;
mod health;
mod hosts;
mod integrations;
mod logs;
mod maintenance;
mod panel_options;
pub mod promql;
mod proxy;
mod receivers;
mod records;
mod relabel;
mod routing;
mod services;
mod slo;
mod stack;
mod teams;
pub mod template;
mod variables;

use crate::codes;
use crate::diag::{Diagnostic, Diags};
use crate::load::{RawConfig, S};
use crate::model::Model;
// Re-exported for the alert checks (`super::closest`); new code imports `crate::suggest`.
pub(crate) use crate::suggest::{backticked, closest};

/// Checks the raw config; returns a model only when there is no error.
pub fn check(raw: &RawConfig, text: &str, diags: &mut Diags) -> Option<Model> {
    check_in(raw, text, None, diags)
}

/// [`check`] of a config read from a file in `dir`, where the files it names (notification
/// templates) are.
pub fn check_in(
    raw: &RawConfig,
    text: &str,
    dir: Option<&std::path::Path>,
    diags: &mut Diags,
) -> Option<Model> {
    let mut cx = Cx {
        diags,
        text,
        removed: &raw.removed,
        promql: Default::default(),
        severities: Vec::new(),
    };
    let project = base::project(&mut cx, raw);
    let owners = teams::owners(&mut cx, raw, &project);
    cx.severities = project.severities.clone();
    let prometheus = base::prometheus(&mut cx, raw);
    cx.promql = prometheus.promql.clone();
    let mut jobs = base::jobs(&mut cx, raw, prometheus.scrape_interval);
    let mut logs = logs::logs(&mut cx, raw, &project);
    let mut proxy = proxy::proxy(&mut cx, raw, &project, &jobs);
    let ops = operations(
        &mut cx,
        raw,
        &prometheus,
        &mut jobs,
        logs.is_some(),
        proxy.is_some(),
    );
    ops.wire(&mut logs, &mut proxy);
    let dimensions = base::dimensions(&mut cx, raw);
    let records = records::records(&mut cx, raw, &dimensions);
    let (mut alerts, broken) = user_and_generated_alerts(
        &mut cx,
        raw,
        &ops.alerts,
        (&jobs, &records, &dimensions, &prometheus),
    );
    let slos = slos_and_owners(&mut cx, raw, &owners, &mut alerts);
    slo::group_names(&mut cx, raw, &project.name, &alerts, &slos, &owners);
    let alertmanager = alerting::alertmanager(
        &mut cx,
        raw,
        (&alerts, &slos),
        dir,
        (ops.plan.deadman.as_ref(), &owners),
        &broken,
    );
    let mut prometheus = prometheus;
    slo_retention(&mut cx, raw, &slos, &mut prometheus);
    if prometheus.alertmanagers.is_empty() {
        prometheus
            .alertmanagers
            .push(ops.plan.alertmanager_at.clone());
    }
    secret_files(&mut cx, raw);
    let prometheus_at = grafana_sees(&mut cx, raw, &prometheus);
    let dashboards = dashboard::dashboards(
        &mut cx,
        raw,
        &project,
        (&alerts, &broken),
        (&dimensions, &owners),
        &prometheus_at,
    );
    let paths = services::install_paths();
    let maintenance = maintenance::maintenance(
        &mut cx,
        raw,
        &maintenance::Env {
            project: &project,
            prometheus: &prometheus,
            logs: logs.as_ref(),
            proxy: proxy.as_ref(),
            paths: &paths,
        },
    );
    let services = services::services(
        &mut cx,
        raw,
        &services::StackConfig {
            project: &project,
            prometheus: &prometheus,
            alertmanager: &alertmanager,
            logs: logs.is_some(),
            paths: &paths,
            blackbox: ops.blackbox.as_ref().map(|b| b.listen.as_str()),
            nginx_status: proxy.as_ref().and_then(|p| p.status_listen.as_deref()),
            snapshots: maintenance.as_ref().is_some_and(|m| m.snapshots.is_some()),
        },
    );
    let hosts = hosts::hosts(
        &mut cx,
        raw,
        &services,
        !dashboards.is_empty(),
        proxy.is_some(),
    );
    if cx.diags.has_errors() {
        return None;
    }
    Some(Model {
        project,
        prometheus,
        jobs,
        dimensions,
        alerts,
        records,
        slos,
        alertmanager,
        logs,
        dashboards,
        proxy,
        services,
        blackbox: ops.blackbox,
        maintenance,
        paths,
        hosts,
    })
}

/// The user's alerts, then the generated ones their names leave; and the user's alerts that
/// had errors.
fn user_and_generated_alerts(
    cx: &mut Cx,
    raw: &RawConfig,
    generated: &[generated::Generated],
    env: (
        &[crate::model::Job],
        &[crate::model::Record],
        &[crate::model::Dimension],
        &crate::model::Prometheus,
    ),
) -> (Vec<crate::model::Alert>, Vec<String>) {
    let (jobs, records, dimensions, prometheus) = env;
    let mut alerts = alerts::alerts(cx, &raw.alerts, jobs, records, dimensions, prometheus);
    let broken = alerts::broken(&raw.alerts, &alerts);
    let extra = generated::alerts(cx, generated, &alerts, env);
    alerts.extend(extra);
    (alerts, broken)
}

/// Where Grafana reaches Prometheus: its host's address when another host runs Grafana.
fn grafana_sees(cx: &mut Cx, raw: &RawConfig, prometheus: &crate::model::Prometheus) -> String {
    let at = stack::reached_from(cx, raw, ("prometheus", &prometheus.listen), "grafana")
        .and_then(|v| v.into_iter().next())
        .unwrap_or_else(|| base::reachable(&prometheus.listen));
    // Under its routes' prefix: Grafana puts `/api/v1/...` after the data source's URL.
    at + &crate::addr::route_prefix(prometheus.external_url.as_deref())
}

/// The SLOs, and their absent-metric alerts after the others; each alert and SLO of a
/// service file with its service and team (see [`teams::own`]).
fn slos_and_owners(
    cx: &mut Cx,
    raw: &RawConfig,
    owners: &teams::Owners,
    alerts: &mut Vec<crate::model::Alert>,
) -> Vec<crate::model::Slo> {
    let mut slos = slo::slos(cx, raw, alerts);
    teams::own(raw, owners, alerts, &mut slos);
    alerts.extend(slo::absent_alerts(&slos));
    teams::own(raw, owners, alerts, &mut slos);
    slos
}

/// The SLI over an SLO's period reads that whole period back from the TSDB: the retention
/// grows to the longest period, or is an error when set shorter.
fn slo_retention(
    cx: &mut Cx,
    raw: &RawConfig,
    slos: &[crate::model::Slo],
    prometheus: &mut crate::model::Prometheus,
) {
    if let Some(longest) = slos.iter().map(|s| s.period).max()
        && longest > prometheus.retention
    {
        match raw.prometheus.as_ref().and_then(|p| p.get_ref().retention.as_ref()) {
            None => prometheus.retention = longest,
            Some(r) => cx.push(
                Diagnostic::error(
                    codes::DURATION_OUT_OF_RANGE,
                    format!("retention {} is shorter than the SLO period {longest}", prometheus.retention),
                )
                .at(r.span(), "the SLO's ratio over its period would be computed from part of it")
                .help(format!("keep at least `{longest}`, or leave `retention` out (it then defaults to the longest SLO period)")),
            ),
        }
    }
}

/// What health checks and self-monitoring add: jobs (into `jobs`), the blackbox exporter's
/// modules, the alerts to generate, and the rest of the plan.
struct Operations {
    plan: stack::Plan,
    blackbox: Option<crate::model::Blackbox>,
    alerts: Vec<generated::Generated>,
}

impl Operations {
    /// Filebeat's HTTP endpoint and nginx's status page, where self-monitoring put them.
    fn wire(&self, logs: &mut Option<crate::model::Logs>, proxy: &mut Option<crate::model::Proxy>) {
        if let Some(l) = logs {
            l.http = self.plan.filebeat_http.clone();
        }
        if let Some(p) = proxy {
            p.status_listen = self.plan.nginx_status.clone();
        }
    }
}

fn operations(
    cx: &mut Cx,
    raw: &RawConfig,
    prometheus: &crate::model::Prometheus,
    jobs: &mut Vec<crate::model::Job>,
    logs: bool,
    proxy: bool,
) -> Operations {
    let global = prometheus.scrape_interval;
    let mut checks = health::checks(cx, &raw.health, global);
    let listens = services::listens(raw);
    let plan = stack::plan(
        cx,
        raw,
        jobs,
        &stack::Stack {
            prometheus_listen: &prometheus.listen,
            prometheus_prefix: crate::addr::route_prefix(prometheus.external_url.as_deref()),
            alertmanager_prefix: crate::addr::route_prefix(
                raw.alertmanager
                    .as_ref()
                    .and_then(|a| a.get_ref().external_url.as_ref())
                    .map(|u| u.get_ref().as_str()),
            ),
            alertmanager_listen: listens.alertmanager,
            node_listen: listens.node,
            blackbox_listen: listens.blackbox.clone(),
            nginx_exporter_listen: listens.nginx_exporter,
            probes: !checks.is_empty(),
            proxy,
            logs,
            global_interval: global,
        },
    );
    for c in &checks {
        if let Some(j) = jobs.iter().find(|j| j.name == health::job_name(&c.name)) {
            cx.error(
                codes::DUPLICATE_NAME,
                format!("job `{}` is defined twice", j.name),
                c.origin.clone(),
                "this health check's probe job has that name",
            );
        }
    }
    // Where the user lists `exports` (and so has metric sources checked), a job of theirs
    // named as a part of the stack is taken to export what that part does.
    if jobs.iter().any(|j| !j.exports.is_empty()) {
        for (name, exports) in &plan.exports {
            if let Some(j) = jobs
                .iter_mut()
                .find(|j| j.name == *name && j.exports.is_empty())
            {
                j.exports = exports.iter().map(|e| e.to_string()).collect();
            }
        }
    }
    jobs.extend(plan.jobs.iter().cloned());
    checks.extend(plan.checks.iter().cloned());
    let target = plan
        .blackbox_at
        .clone()
        .unwrap_or_else(|| base::reachable(&listens.blackbox));
    let mut alerts = plan.alerts.clone();
    for c in &checks {
        jobs.push(health::job(c, &target, c.interval.unwrap_or(global)));
        alerts.extend(health::alerts(c, &cx.severities));
    }
    let blackbox = (!checks.is_empty()).then(|| crate::model::Blackbox {
        listen: listens.blackbox,
        modules: checks.into_iter().map(|c| c.module).collect(),
    });
    Operations {
        plan,
        blackbox,
        alerts,
    }
}

/// The files that hold secrets, read by the servers: absolute paths (a relative one resolves
/// against wherever the server's config file happens to be), never empty (an empty path is no
/// file to Alertmanager, which then sends nothing).
/// Receivers' files are checked with their integration (`integrations::value`).
fn secret_files(cx: &mut Cx, raw: &RawConfig) {
    let mut keys: Vec<&S<String>> = Vec::new();
    if let Some(p) = &raw.prometheus {
        for rw in &p.get_ref().remote_write {
            keys.extend(rw.get_ref().password_file.iter());
            keys.extend(rw.get_ref().bearer_token_file.iter());
        }
    }
    if let Some(a) = &raw.alertmanager {
        keys.extend(a.get_ref().slack_api_url_file.iter());
        if let Some(smtp) = &a.get_ref().smtp {
            keys.extend(smtp.get_ref().auth_password_file.iter());
        }
    }
    if let Some(es) = raw
        .logs
        .as_ref()
        .and_then(|l| l.get_ref().elasticsearch.as_ref())
    {
        keys.extend(es.get_ref().ca_file.iter());
    }
    for k in keys {
        cx.server_file(k, "/etc/prometheus/secrets/token");
    }
}

/// Whether an optional section is on: absent or `enabled = true`.
fn enabled(e: &Option<S<bool>>) -> bool {
    e.as_ref().is_none_or(|b| *b.get_ref())
}

pub(crate) use crate::cx::Cx;
pub use crate::cx::is_metric_name;
pub use base::{reachable, server_url};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_follow_prometheus_rules() {
        assert!(is_metric_name("job:rate5m", true));
        assert!(!is_metric_name("job:rate5m", false));
        assert!(!is_metric_name("5xx", false));
        assert!(!is_metric_name("", false));
    }
}
