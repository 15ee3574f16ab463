//! `load`: TOML text into the raw configuration, keeping the byte span of every value a
//! diagnostic may need to point at.
//!
//! The raw types mirror `monitoring.toml` exactly (see `docs/format.md`); nothing here judges
//! values. Unknown keys are rejected by the parser, with a span. Everything semantic happens in
//! `check`, which turns a [`RawConfig`] into a [`crate::model::Model`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::codes;
use crate::diag::{Diagnostic, Diags};
use crate::source::Source;

pub type S<T> = Spanned<T>;

/// A number or a string with a unit (`0.05`, `"5%"`, `"2s"`, `"100000 per hour"`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum NumOrStr {
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub project: S<RawProject>,
    #[serde(default)]
    pub prometheus: Option<S<RawPrometheus>>,
    #[serde(default, rename = "job")]
    pub jobs: Vec<S<RawJob>>,
    #[serde(default, rename = "dimension")]
    pub dimensions: Vec<S<RawDimension>>,
    #[serde(default, rename = "alert")]
    pub alerts: Vec<S<RawAlert>>,
    #[serde(default)]
    pub alertmanager: Option<S<RawAlertmanager>>,
    #[serde(default, rename = "receiver")]
    pub receivers: Vec<S<RawReceiver>>,
    #[serde(default)]
    pub route: Option<S<RawRoute>>,
    #[serde(default, rename = "inhibit")]
    pub inhibits: Vec<S<RawInhibit>>,
    #[serde(default)]
    pub logs: Option<S<RawLogs>>,
    #[serde(default)]
    pub dashboard: Option<S<RawDashboard>>,
    #[serde(default)]
    pub proxy: Option<S<RawProxy>>,
    #[serde(default)]
    pub services: Option<S<RawServices>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    pub name: S<String>,
    #[serde(default)]
    pub environment: Option<S<String>>,
    #[serde(default)]
    pub external_labels: BTreeMap<S<String>, S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrometheus {
    pub scrape_interval: Option<S<String>>,
    pub scrape_timeout: Option<S<String>>,
    pub evaluation_interval: Option<S<String>>,
    pub listen: Option<S<String>>,
    pub external_url: Option<S<String>>,
    pub retention: Option<S<String>>,
    pub storage_path: Option<S<String>>,
    #[serde(default)]
    pub alertmanagers: Vec<S<String>>,
    #[serde(default)]
    pub remote_write: Vec<S<RawRemoteWrite>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteWrite {
    pub url: S<String>,
    pub username: Option<S<String>>,
    pub password: Option<S<String>>,
    pub password_file: Option<S<String>>,
    pub bearer_token: Option<S<String>>,
    pub bearer_token_file: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJob {
    pub name: S<String>,
    pub targets: S<Vec<S<String>>>,
    pub interval: Option<S<String>>,
    pub timeout: Option<S<String>>,
    pub metrics_path: Option<S<String>>,
    pub scheme: Option<S<String>>,
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// Metric names this job is known to export (used to warn on alerts nobody can feed).
    #[serde(default)]
    pub exports: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub name: S<String>,
    pub title: S<String>,
    pub objective: Option<S<String>>,
    #[serde(default)]
    pub indicators: Vec<S<String>>,
}

/// Every alert kind's keys in one table; `check` says which keys a kind takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub name: S<String>,
    pub dimension: Option<S<String>>,
    pub kind: S<String>,
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    pub severity: S<String>,
    pub summary: S<String>,
    pub description: Option<S<String>>,
    pub runbook: Option<S<String>>,
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    pub above: Option<S<NumOrStr>>,
    pub below: Option<S<NumOrStr>>,
    // target_down
    pub job: Option<S<String>>,
    // error_ratio
    pub errors: Option<S<String>>,
    pub total: Option<S<String>>,
    // latency_quantile
    pub histogram: Option<S<String>>,
    pub quantile: Option<S<NumOrStr>>,
    // rate / increase / gauge / saturation / raw
    pub metric: Option<S<String>>,
    pub over: Option<S<String>>,
    pub used: Option<S<String>>,
    pub capacity: Option<S<String>>,
    pub on: Option<S<Vec<S<String>>>>,
    /// Set when `used` is a counter of seconds (CPU): it is wrapped in `rate(..[window])`.
    pub used_is_counter: Option<S<bool>>,
    pub expr: Option<S<String>>,
    pub by: Option<S<Vec<S<String>>>>,
    pub window: Option<S<String>>,
    pub unit: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlertmanager {
    pub listen: Option<S<String>>,
    pub external_url: Option<S<String>>,
    pub storage_path: Option<S<String>>,
    pub resolve_timeout: Option<S<String>>,
    pub smtp: Option<S<RawSmtp>>,
    pub slack_api_url_file: Option<S<String>>,
    pub slack_api_url: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSmtp {
    pub smarthost: S<String>,
    pub from: S<String>,
    pub auth_username: Option<S<String>>,
    pub auth_password: Option<S<String>>,
    pub auth_password_file: Option<S<String>>,
    pub require_tls: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    pub name: S<String>,
    #[serde(default)]
    pub email: Vec<S<RawEmail>>,
    #[serde(default)]
    pub slack: Vec<S<RawSlack>>,
    #[serde(default)]
    pub webhook: Vec<S<RawWebhook>>,
    #[serde(default)]
    pub pagerduty: Vec<S<RawPagerduty>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmail {
    pub to: S<String>,
    pub send_resolved: Option<S<bool>>,
    pub auth_password: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlack {
    pub channel: S<String>,
    pub api_url: Option<S<String>>,
    pub api_url_file: Option<S<String>>,
    pub title: Option<S<String>>,
    pub text: Option<S<String>>,
    pub send_resolved: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    /// Alertmanager 0.25 has no `url_file`: keep tokens out of webhook URLs.
    pub url: S<String>,
    pub send_resolved: Option<S<bool>>,
    pub max_alerts: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPagerduty {
    pub routing_key: Option<S<String>>,
    pub routing_key_file: Option<S<String>>,
    pub send_resolved: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub receiver: Option<S<String>>,
    #[serde(default)]
    pub matchers: Vec<S<String>>,
    pub group_by: Option<Vec<S<String>>>,
    pub group_wait: Option<S<String>>,
    pub group_interval: Option<S<String>>,
    pub repeat_interval: Option<S<String>>,
    #[serde(rename = "continue")]
    pub continue_: Option<S<bool>>,
    #[serde(default)]
    pub routes: Vec<S<RawRoute>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInhibit {
    pub source: S<Vec<S<String>>>,
    pub target: S<Vec<S<String>>>,
    #[serde(default)]
    pub equal: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogs {
    pub enabled: Option<S<bool>>,
    #[serde(default, rename = "input")]
    pub inputs: Vec<S<RawLogInput>>,
    pub elasticsearch: Option<S<RawElasticsearch>>,
    pub kibana: Option<S<RawKibana>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogInput {
    pub id: S<String>,
    pub paths: S<Vec<S<String>>>,
    pub service: Option<S<String>>,
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawElasticsearch {
    pub hosts: S<Vec<S<String>>>,
    pub index: Option<S<String>>,
    pub username: Option<S<String>>,
    pub password: Option<S<String>>,
    /// Name of a Filebeat keystore entry (or environment variable) holding the password.
    pub password_keystore: Option<S<String>>,
    pub api_key: Option<S<String>>,
    pub api_key_keystore: Option<S<String>>,
    pub ca_file: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKibana {
    pub host: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDashboard {
    pub enabled: Option<S<bool>>,
    pub title: Option<S<String>>,
    pub uid: Option<S<String>>,
    pub refresh: Option<S<String>>,
    pub time_from: Option<S<String>>,
    #[serde(default)]
    pub tags: Vec<S<String>>,
    pub alert_panels: Option<S<bool>>,
    pub datasource_uid: Option<S<String>>,
    pub prometheus_url: Option<S<String>>,
    #[serde(default, rename = "panel")]
    pub panels: Vec<S<RawPanel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub title: S<String>,
    pub dimension: Option<S<String>>,
    pub kind: Option<S<String>>,
    pub unit: Option<S<String>>,
    pub alert: Option<S<String>>,
    pub width: Option<S<i64>>,
    pub height: Option<S<i64>>,
    #[serde(default, rename = "query")]
    pub queries: Vec<S<RawQuery>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuery {
    pub expr: S<String>,
    pub legend: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProxy {
    pub enabled: Option<S<bool>>,
    pub nginx_version: Option<S<String>>,
    pub upstream: Option<S<String>>,
    pub balance: Option<S<String>>,
    pub keepalive: Option<S<i64>>,
    pub keepalive_timeout: Option<S<String>>,
    pub server_names: Option<S<Vec<S<String>>>>,
    pub listen_http: Option<S<i64>>,
    pub listen_https: Option<S<i64>>,
    pub health_path: Option<S<String>>,
    pub access_log: Option<S<String>>,
    pub error_log: Option<S<String>>,
    pub pid_file: Option<S<String>>,
    pub client_max_body_size: Option<S<String>>,
    #[serde(default, rename = "backend")]
    pub backends: Vec<S<RawBackend>>,
    pub tls: Option<S<RawTls>>,
    pub timeouts: Option<S<RawTimeouts>>,
    pub buffering: Option<S<RawBuffering>>,
    /// Allows nginx Plus-only directives (active `health_check`); off by default.
    pub nginx_plus: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBackend {
    pub address: S<String>,
    pub weight: Option<S<i64>>,
    pub max_fails: Option<S<i64>>,
    pub fail_timeout: Option<S<String>>,
    pub backup: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub certificate: S<String>,
    pub certificate_key: S<String>,
    pub protocols: Option<S<Vec<S<String>>>>,
    pub ciphers: Option<S<String>>,
    pub redirect_http: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTimeouts {
    pub connect: Option<S<String>>,
    pub send: Option<S<String>>,
    pub read: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBuffering {
    pub enabled: Option<S<bool>>,
    pub buffer_size: Option<S<String>>,
    pub buffers: Option<S<String>>,
    pub busy_buffers_size: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServices {
    pub prometheus: Option<S<RawService>>,
    pub alertmanager: Option<S<RawService>>,
    pub filebeat: Option<S<RawService>>,
    pub node_exporter: Option<S<RawService>>,
    #[serde(default, rename = "app")]
    pub apps: Vec<S<RawApp>>,
}

/// A stack process: its unit is generated with flags derived from the rest of the config.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub enabled: Option<S<bool>>,
    pub binary: Option<S<String>>,
    pub user: Option<S<String>>,
    pub config_dir: Option<S<String>>,
    pub listen: Option<S<String>>,
    #[serde(default)]
    pub extra_flags: Vec<S<String>>,
}

/// The monitored service itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApp {
    pub name: S<String>,
    pub exec: S<String>,
    pub user: Option<S<String>>,
    pub working_directory: Option<S<String>>,
    pub environment_file: Option<S<String>>,
    pub description: Option<S<String>>,
    #[serde(default)]
    pub read_write_paths: Vec<S<String>>,
}

/// Parses the TOML text. Syntax and structure errors become diagnostics with the parser's span.
pub fn load(src: &Source, diags: &mut Diags) -> Option<RawConfig> {
    match toml::from_str::<RawConfig>(&src.text) {
        Ok(raw) => Some(raw),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let (code, msg) = if message.starts_with("unknown field") {
                (codes::UNKNOWN_KEY, message.clone())
            } else if message.starts_with("missing field") {
                (codes::MISSING_KEY, message.clone())
            } else if message.starts_with("invalid type") {
                (codes::WRONG_TYPE, message.clone())
            } else {
                (codes::SYNTAX, message.clone())
            };
            let first_line = msg.lines().next().unwrap_or("").to_string();
            let mut d =
                Diagnostic::error(code, first_line.clone()).at(span, label_for(&first_line));
            if let Some(h) = did_you_mean_from_message(&message) {
                d = d.help(h);
            }
            diags.push(d);
            None
        }
    }
}

fn label_for(msg: &str) -> &'static str {
    if msg.starts_with("unknown field") {
        "unknown key"
    } else if msg.starts_with("missing field") {
        "in this table"
    } else if msg.starts_with("invalid type") {
        "wrong type"
    } else {
        "here"
    }
}

/// serde lists the expected keys in its unknown-field message: suggest the closest one.
fn did_you_mean_from_message(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (found, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    crate::check::closest(found, expected.iter().copied()).map(|s| format!("did you mean `{s}`?"))
}
