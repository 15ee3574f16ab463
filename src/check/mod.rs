//! `check`: the raw configuration into the [`Model`], pushing a diagnostic for every problem.
//!
//! Checking never stops at the first problem: each family of rules runs over everything it can
//! see, and a `Model` is built only when no error was found. Warnings never block a model.
//! One file per family: `base` (project, Prometheus, jobs), `alerts`, `alerting` (receivers,
//! routes, inhibit rules), `outputs` (logs, dashboard, proxy, services).

mod alerting;
mod alerts;
mod base;
mod outputs;
pub mod promql;
mod slo;
pub mod template;

use crate::codes;
use crate::diag::{Diagnostic, Diags};
use crate::load::{RawConfig, S};
use crate::model::Model;

/// Checks the raw config; returns a model only when there is no error.
pub fn check(raw: &RawConfig, text: &str, diags: &mut Diags) -> Option<Model> {
    let mut cx = Cx {
        diags,
        text,
        removed: &raw.removed,
        promql: Default::default(),
    };
    let project = base::project(&mut cx, raw);
    let prometheus = base::prometheus(&mut cx, raw);
    let jobs = base::jobs(&mut cx, raw, prometheus.scrape_interval);
    let dimensions = base::dimensions(&mut cx, raw);
    let alerts = alerts::alerts(&mut cx, raw, &jobs, &dimensions, &prometheus);
    let slos = slo::slos(&mut cx, raw, &alerts);
    slo::group_names(&mut cx, raw, &project.name, &alerts, &slos);
    let alertmanager = alerting::alertmanager(&mut cx, raw, &alerts, &slos);
    let mut prometheus = prometheus;
    // The SLI over an SLO's period reads that whole period back from the TSDB.
    if let Some(longest) = slos.iter().map(|s| s.period).max()
        && longest > prometheus.retention
    {
        match raw.prometheus.as_ref().and_then(|p| p.get_ref().retention.as_ref()) {
            None => prometheus.retention = longest,
            Some(r) => cx.push(
                Diagnostic::error(
                    codes::BAD_DURATION,
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
    let logs = outputs::logs(&mut cx, raw, &project);
    let dashboard = outputs::dashboard(&mut cx, raw, &project, &alerts, &dimensions, &prometheus);
    let proxy = outputs::proxy(&mut cx, raw, &project, &jobs);
    let paths = outputs::install_paths();
    let services = outputs::services(
        &mut cx,
        raw,
        &project,
        &prometheus,
        &alertmanager,
        logs.is_some(),
        &paths,
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
    for r in &raw.receivers {
        keys.extend(
            r.get_ref()
                .slack
                .iter()
                .flat_map(|s| &s.get_ref().api_url_file),
        );
        keys.extend(
            r.get_ref()
                .pagerduty
                .iter()
                .flat_map(|p| &p.get_ref().routing_key_file),
        );
    }
    if let Some(es) = raw
        .logs
        .as_ref()
        .and_then(|l| l.get_ref().elasticsearch.as_ref())
    {
        keys.extend(es.get_ref().ca_file.iter());
    }
    for k in keys {
        let v = k.get_ref();
        if !v.starts_with('/') || v.chars().any(char::is_control) || v.ends_with('/') {
            cx.error(
                codes::BAD_VALUE,
                format!("`{}` is not an absolute path to a file", v.escape_debug()),
                k.span(),
                "expected a path such as `/etc/prometheus/secrets/token`",
            );
        }
    }
}

pub(crate) use crate::cx::Cx;
pub use crate::cx::is_metric_name;

pub(crate) fn backticked(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate closest to `found` by edit distance, when it is close enough to be a typo.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (found.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(found, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours each cost one (`shpo` is one step from `shop`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            closest("oncal", ["on-call", "oncall", "team"]),
            Some("oncall")
        );
        assert_eq!(closest("xyz", ["oncall", "team"]), None);
        assert_eq!(closest("shpo", ["shop", "node"]), Some("shop"));
    }

    #[test]
    fn metric_names_follow_prometheus_rules() {
        assert!(is_metric_name("job:rate5m", true));
        assert!(!is_metric_name("job:rate5m", false));
        assert!(!is_metric_name("5xx", false));
        assert!(!is_metric_name("", false));
    }
}
