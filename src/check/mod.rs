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
mod logs;
pub mod promql;
mod proxy;
mod services;
mod slo;
pub mod template;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::codes::{self, Code};
use crate::diag::{Diagnostic, Diags};
use crate::load::{RawConfig, S};
use crate::model::Model;
use crate::quantity::Duration;
// Re-exported for the alert checks (`super::closest`); new code imports `crate::suggest`.
pub(crate) use crate::suggest::{backticked, closest};

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
                codes::UNUSABLE_PATH,
                format!("`{}` is not an absolute path to a file", v.escape_debug()),
                k.span(),
                "expected a path such as `/etc/prometheus/secrets/token`",
            );
        }
    }
}

/// Whether an optional section is on: absent or `enabled = true`.
fn enabled(e: &Option<S<bool>>) -> bool {
    e.as_ref().is_none_or(|b| *b.get_ref())
}

/// The checking context: where diagnostics go, and small shared rules.
pub(crate) struct Cx<'a> {
    pub diags: &'a mut Diags,
    /// The source text, to point inside string values.
    pub text: &'a str,
    /// Keys removed by load's recovery (see [`RawConfig::removed`]).
    pub removed: &'a [(Range<usize>, String)],
    /// The PromQL of the targeted Prometheus (set once `[prometheus]` is checked).
    pub promql: crate::model::PromqlTarget,
}

impl Cx<'_> {
    /// Whether load's recovery removed `key` from the table at `table` (so a "missing" report
    /// would only repeat the structure error already given).
    pub fn was_removed(&self, table: &Range<usize>, key: &str) -> bool {
        self.removed.iter().any(|(s, k)| s == table && k == key)
    }

    /// The span of bytes `start..end` of a string value's content, when the value is written
    /// as a plain one-line string whose source text is exactly its content; otherwise the
    /// whole value's span.
    pub fn inner_span(&self, s: &S<String>, start: usize, end: usize) -> Range<usize> {
        let span = s.span();
        let raw = self.text.get(span.clone()).unwrap_or("");
        let quoted = |q: char| {
            raw.len() == s.get_ref().len() + 2
                && raw.starts_with(q)
                && raw.ends_with(q)
                && &raw[1..raw.len() - 1] == s.get_ref()
        };
        if quoted('"') || quoted('\'') {
            (span.start + 1 + start)..(span.start + 1 + end.min(s.get_ref().len()))
        } else {
            span
        }
    }

    pub fn error(&mut self, code: Code, msg: impl Into<String>, span: Range<usize>, label: &str) {
        self.diags
            .push(Diagnostic::error(code, msg).at(span, label));
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A duration key, or its default when absent; a malformed one is an error (and the default
    /// stands in so checking can go on).
    pub fn duration(&mut self, v: Option<&S<String>>, default: Duration) -> Duration {
        match v {
            None => default,
            Some(s) => self.duration_of(s).unwrap_or(default),
        }
    }

    pub fn duration_of(&mut self, s: &S<String>) -> Option<Duration> {
        match Duration::parse(s.get_ref()) {
            Ok(d) => Some(d),
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        codes::BAD_DURATION,
                        format!("`{}` is not a duration: {why}", s.get_ref()),
                    )
                    .at(
                        s.span(),
                        "expected a duration such as `30s`, `5m` or `1h30m`",
                    )
                    .help("durations are a number and a unit: ms, s, m, h, d, w, y"),
                );
                None
            }
        }
    }

    /// A positive duration (timeouts, windows, intervals).
    pub fn positive_duration(&mut self, v: Option<&S<String>>, default: Duration) -> Duration {
        let d = self.duration(v, default);
        if d.millis() == 0 {
            if let Some(s) = v {
                self.error(
                    codes::BAD_DURATION,
                    format!("`{}` must be longer than zero", s.get_ref()),
                    s.span(),
                    "zero here",
                );
            }
            return default;
        }
        d
    }

    /// Names of jobs, alerts, receivers...: non-empty, printable, no surrounding blanks.
    pub fn name(&mut self, s: &S<String>, what: &str) -> String {
        let v = s.get_ref();
        if v.trim().is_empty() || v.trim() != v || v.chars().any(char::is_control) {
            self.error(
                codes::EMPTY_NAME,
                format!("{what} name `{v}` is empty or has blanks around it"),
                s.span(),
                "expected a non-empty name",
            );
        }
        v.clone()
    }

    /// Prometheus metric names (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or label names (no colon).
    pub fn metric_name(&mut self, s: &S<String>, what: &str, colon: bool) -> String {
        let v = s.get_ref();
        if !is_metric_name(v, colon) {
            let expected = if colon {
                "letters, digits, `_` and `:`, not starting with a digit"
            } else {
                "letters, digits and `_`, not starting with a digit"
            };
            self.push(
                Diagnostic::error(
                    codes::BAD_LABEL_NAME,
                    format!("`{v}` is not a valid {what}"),
                )
                .at(s.span(), format!("expected {expected}")),
            );
        }
        v.clone()
    }

    pub fn labels(&mut self, m: &BTreeMap<S<String>, S<String>>) -> BTreeMap<String, String> {
        m.iter()
            .map(|(k, v)| {
                self.token(v, "label value", crate::escape::prometheus::any_label_value);
                let k = self.metric_name(k, "label name", false);
                (k, v.get_ref().clone())
            })
            .collect()
    }

    /// A value that becomes a token of a generated file (see [`crate::escape`]): the token,
    /// or a CM210 error at the value when no token gives the reader exactly this value.
    pub fn token<'v, T>(
        &mut self,
        s: &'v S<String>,
        what: &str,
        f: impl FnOnce(&'v str) -> Result<T, crate::escape::Refusal>,
    ) -> Option<T> {
        match f(s.get_ref()) {
            Ok(t) => Some(t),
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        codes::UNSAFE_TEXT,
                        format!(
                            "{what} `{}` cannot be written safely",
                            s.get_ref().escape_debug()
                        ),
                    )
                    .at(s.span(), why),
                );
                None
            }
        }
    }

    /// Reports every name that occurs twice, pointing at both places.
    pub fn unique<'s>(&mut self, names: impl IntoIterator<Item = &'s S<String>>, what: &str) {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        for n in names {
            if let Some(first) = seen.get(n.get_ref().as_str()) {
                self.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("{what} `{}` is defined twice", n.get_ref()),
                    )
                    .at(n.span(), "defined again here")
                    .also(first.clone(), "first defined here")
                    .help(format!("give each {what} its own name")),
                );
            } else {
                seen.insert(n.get_ref(), n.span());
            }
        }
    }

    /// A secret given as a value: refused, with the file-reference form as help.
    pub fn no_plaintext(&mut self, v: Option<&S<String>>, key: &str, file_key: &str) {
        self.no_plaintext_help(
            v,
            key,
            &format!(
                "store it in a file readable only by the service and write `{file_key} = \"/etc/.../{key}\"`"
            ),
        );
    }

    /// Like [`Self::no_plaintext`], with the help spelled out.
    pub fn no_plaintext_help(&mut self, v: Option<&S<String>>, key: &str, help: &str) {
        if let Some(s) = v {
            self.push(
                Diagnostic::error(
                    codes::PLAINTEXT_SECRET,
                    format!("`{key}` holds a secret as a plain value"),
                )
                .at(
                    s.span(),
                    "this secret would be copied into a generated file",
                )
                .help(help),
            );
        }
    }

    pub fn unknown_ref(
        &mut self,
        code: Code,
        what: &str,
        s: &S<String>,
        known: impl IntoIterator<Item = String>,
    ) {
        let known: Vec<String> = known.into_iter().collect();
        let mut d = Diagnostic::error(code, format!("no {what} named `{}`", s.get_ref()))
            .at(s.span(), format!("unknown {what}"));
        if let Some(c) = closest(s.get_ref(), known.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{c}`?"));
        } else if known.is_empty() {
            d = d.help(format!("declare the {what} first"));
        } else {
            d = d.help(format!("known: {}", backticked(&known)));
        }
        self.push(d);
    }
}

pub fn is_metric_name(v: &str, colon: bool) -> bool {
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || (colon && c == ':') => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

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
