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
mod integrations;
mod logs;
pub mod promql;
mod proxy;
mod receivers;
mod records;
mod relabel;
mod routing;
mod services;
mod slo;
pub mod template;

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
    cx.severities = project.severities.clone();
    let prometheus = base::prometheus(&mut cx, raw);
    cx.promql = prometheus.promql.clone();
    let jobs = base::jobs(&mut cx, raw, prometheus.scrape_interval);
    let dimensions = base::dimensions(&mut cx, raw);
    let records = records::records(&mut cx, raw, &dimensions);
    let alerts = alerts::alerts(&mut cx, raw, &jobs, &records, &dimensions, &prometheus);
    let slos = slo::slos(&mut cx, raw, &alerts);
    let mut alerts = alerts;
    alerts.extend(slo::absent_alerts(&slos));
    slo::group_names(&mut cx, raw, &project.name, &alerts, &slos);
    let alertmanager = alerting::alertmanager(&mut cx, raw, &alerts, &slos, dir);
    let mut prometheus = prometheus;
    // The SLI over an SLO's period reads that whole period back from the TSDB.
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
    if prometheus.alertmanagers.is_empty() {
        prometheus
            .alertmanagers
            .push(base::reachable(&alertmanager.listen));
    }
    secret_files(&mut cx, raw);
    let logs = logs::logs(&mut cx, raw, &project);
    let dashboard = dashboard::dashboard(&mut cx, raw, &project, &alerts, &dimensions, &prometheus);
    let proxy = proxy::proxy(&mut cx, raw, &project, &jobs);
    let paths = services::install_paths();
    let services = services::services(
        &mut cx,
        raw,
        &services::StackConfig {
            project: &project,
            prometheus: &prometheus,
            alertmanager: &alertmanager,
            logs: logs.is_some(),
            paths: &paths,
        },
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
        dashboard,
        proxy,
        services,
        paths,
    })
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
