//! The validated model: what `check` guarantees and what every emitter reads.
//!
//! Nothing here carries a span or can be wrong in a way the user could have caused: names are
//! valid, references resolve, units are resolved into [`Duration`] and [`Quantity`]. Emitters
//! therefore cannot fail on user input.

use std::collections::BTreeMap;

use crate::promql::selector::{Histogram, MatchOp, Read, Selector};
use crate::quantity::{Duration, Quantity};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Model {
    pub project: Project,
    pub prometheus: Prometheus,
    pub jobs: Vec<Job>,
    pub dimensions: Vec<Dimension>,
    pub alerts: Vec<Alert>,
    pub records: Vec<Record>,
    pub slos: Vec<Slo>,
    pub alertmanager: Alertmanager,
    pub logs: Option<Logs>,
    pub dashboard: Option<Dashboard>,
    pub proxy: Option<Proxy>,
    pub services: Vec<Service>,
    /// Where the generated files are installed on the servers (flags and paths point here).
    pub paths: InstallPaths,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub environment: String,
    pub external_labels: BTreeMap<String, String>,
    /// The declared `severity` values.
    pub severities: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Prometheus {
    /// The PromQL the targeted release understands.
    pub promql: PromqlTarget,
    pub scrape_interval: Duration,
    pub scrape_timeout: Duration,
    pub evaluation_interval: Duration,
    pub listen: String,
    pub external_url: Option<String>,
    pub retention: Duration,
    pub storage_path: String,
    pub alertmanagers: Vec<String>,
    pub remote_write: Vec<RemoteWrite>,
}

pub use crate::promql_versions::PromqlTarget;

#[derive(Debug, Clone)]
pub struct RemoteWrite {
    pub url: String,
    pub auth: Credentials,
}

/// How Prometheus authenticates to a server (a remote-write endpoint, a scrape target):
/// basic auth or a bearer token, their secrets in files.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub username: Option<String>,
    pub password_file: Option<String>,
    pub bearer_token_file: Option<String>,
}

/// A job's TLS settings.
#[derive(Debug, Clone, Default)]
pub struct ScrapeTls {
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: bool,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub targets: Vec<String>,
    pub interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub metrics_path: String,
    pub scheme: String,
    pub labels: BTreeMap<String, String>,
    pub exports: Vec<String>,
    pub params: BTreeMap<String, Vec<String>>,
    pub honor_labels: bool,
    pub honor_timestamps: bool,
    /// `None`: no limit.
    pub sample_limit: Option<u64>,
    pub label_limit: Option<u64>,
    pub proxy_url: Option<String>,
    pub scrape_protocols: Vec<String>,
    pub auth: Credentials,
    pub tls: Option<ScrapeTls>,
    /// `relabel_configs`: the job's rules, then those of `meta_labels`.
    pub relabel: Vec<Relabel>,
    /// `metric_relabel_configs`: the job's rules, then those of `drop_metrics` and
    /// `drop_labels`.
    pub metric_relabel: Vec<Relabel>,
    /// Where else targets come from.
    pub discovery: Vec<Discovery>,
    /// The target groups ccmon writes into `prometheus/targets/<job>.json`, if any.
    pub target_groups: Vec<TargetGroup>,
}

/// The file ccmon writes a job's [`TargetGroup`]s into, relative to `prometheus.yml`
/// (Prometheus resolves `file_sd` paths against its folder).
pub fn targets_file(job: &str) -> String {
    format!("targets/{job}.yml")
}

/// A service discovery of a job.
#[derive(Debug, Clone, PartialEq)]
pub enum Discovery {
    /// Files Prometheus watches (paths as written into `prometheus.yml`).
    File {
        files: Vec<String>,
        refresh: Option<Duration>,
    },
    Dns {
        names: Vec<String>,
        record: String,
        port: Option<u16>,
        refresh: Option<Duration>,
    },
    Consul {
        server: Option<String>,
        scheme: Option<String>,
        datacenter: Option<String>,
        services: Vec<String>,
        tags: Vec<String>,
        token_file: Option<String>,
        refresh: Option<Duration>,
    },
    Ec2 {
        region: Option<String>,
        port: Option<u16>,
        /// Filter names and their values.
        filters: Vec<(String, Vec<String>)>,
        role_arn: Option<String>,
        profile: Option<String>,
        refresh: Option<Duration>,
    },
    Kubernetes {
        role: String,
        api_server: Option<String>,
        kubeconfig_file: Option<String>,
        namespaces: Vec<String>,
        label_selector: Option<String>,
        field_selector: Option<String>,
    },
}

/// Targets with their labels, as a `file_sd` file holds them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetGroup {
    pub targets: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A relabeling rule, as Prometheus reads it; `None` and empty fields take Prometheus'
/// defaults and are not written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Relabel {
    pub action: String,
    pub source_labels: Vec<String>,
    pub separator: Option<String>,
    pub regex: Option<String>,
    pub modulus: Option<u64>,
    pub target_label: Option<String>,
    pub replacement: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub name: String,
    pub title: String,
    pub objective: Option<String>,
    pub indicators: Vec<String>,
    /// The rule group's own evaluation interval.
    pub interval: Option<Duration>,
    /// The rule group's limit of series per rule (`None`: no limit).
    pub limit: Option<u32>,
}

/// A recording rule.
#[derive(Debug, Clone)]
pub struct Record {
    pub name: String,
    pub expr: String,
    pub dimension: Option<String>,
    pub labels: BTreeMap<String, String>,
}

/// What an SLO measures, as the ratio of bad events to all events.
#[derive(Debug, Clone)]
pub enum Sli {
    /// `errors / total`.
    Errors { errors: Selector, total: Selector },
    /// `1 - good / total`.
    Good { good: Selector, total: Selector },
    /// `1 - (requests under the threshold) / (all requests)`, from a histogram.
    Latency {
        histogram: Histogram,
        threshold: f64,
    },
}

impl Sli {
    /// Every selector its recording rules read.
    pub fn reads(&self) -> Vec<Read<'_>> {
        match self {
            Sli::Errors { errors: a, total } | Sli::Good { good: a, total } => {
                vec![Read::of(a), Read::of(total)]
            }
            Sli::Latency { histogram, .. } => histogram.reads(),
        }
    }
}

/// One burn-rate tier: alert when the error budget burns `factor` times too fast over both a
/// long and a short window.
#[derive(Debug, Clone)]
pub struct BurnWindow {
    pub long: Duration,
    pub short: Duration,
    pub factor: f64,
}

/// The two alerts of an SLO: a fast burn pages, a slow burn opens a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Page,
    Ticket,
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Tier {
    /// The `tier` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Page => "page",
            Tier::Ticket => "ticket",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SloTier {
    pub tier: Tier,
    pub alert: String,
    pub severity: Severity,
    pub for_: Duration,
    pub windows: Vec<BurnWindow>,
}

#[derive(Debug, Clone)]
pub struct Slo {
    pub name: String,
    pub dimension: String,
    pub sli: Sli,
    /// The objective as a ratio (`0.999`), and as the user wrote it.
    pub target: f64,
    pub target_text: String,
    pub period: Duration,
    /// Events per second below which no SLO alert fires.
    pub min_traffic: Option<f64>,
    pub tiers: Vec<SloTier>,
    /// Labels, annotations and runbook of both tier alerts.
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub runbook: Option<String>,
    /// The alert when the metric that counts all events is absent: its name, `for` and
    /// severity (the page's).
    pub absent: Option<(String, Duration, Severity)>,
}

impl Slo {
    /// The selector of all events: `total`, or the histogram's `_count`.
    pub fn total_selector(&self) -> Option<crate::promql::selector::Selector> {
        match &self.sli {
            Sli::Errors { total, .. } | Sli::Good { total, .. } => Some(total.clone()),
            Sli::Latency { histogram, .. } => {
                crate::promql::selector::Selector::parse(&histogram.series("_count", "")).ok()
            }
        }
    }

    /// `1 - target`, rounded to 15 decimals: the subtraction leaves binary noise in the last
    /// digits (`1 - 0.99999999999` is `1.0000000827e-11`), and no target has more decimals.
    pub fn budget(&self) -> f64 {
        ((1.0 - self.target) * 1e15).round() / 1e15
    }

    /// The windows the SLI is recorded over: the alert windows, then the period.
    /// The windows whose error ratio is recorded: the dashboard's, every window of the
    /// tiers, and the period; shortest first.
    pub fn windows(&self) -> Vec<Duration> {
        let mut w: Vec<Duration> = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
            .iter()
            .filter_map(|s| Duration::parse(s).ok())
            .collect();
        for t in &self.tiers {
            for p in &t.windows {
                w.extend([p.long, p.short]);
            }
        }
        w.push(self.period);
        w.sort();
        w.dedup();
        w
    }
}

/// The severities of a project that declares none, most severe first.
pub const DEFAULT_SEVERITIES: [&str; 3] = ["critical", "warning", "info"];

/// An alert's `severity` label: one of the three ccmon knows, or (for SLO tiers, which may set
/// their own) a name of the team's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Critical,
    Warning,
    Info,
    Other(String),
}

impl Severity {
    pub const ALL: [(&'static str, Severity); 3] = [
        ("critical", Severity::Critical),
        ("warning", Severity::Warning),
        ("info", Severity::Info),
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Other(s) => s,
        }
    }

    /// The severity named `s`: a known one, or a name of the team's.
    pub fn named(s: &str) -> Severity {
        Severity::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map_or_else(|| Severity::Other(s.to_string()), |(_, v)| v.clone())
    }
}

pub use crate::kinds::{AlertKind, Cmp};

#[derive(Debug, Clone)]
pub struct Alert {
    pub name: String,
    /// The dimension (rule group) it belongs to; `None` goes to the project's default group.
    pub dimension: Option<String>,
    pub severity: Severity,
    pub for_: Duration,
    pub summary: String,
    pub description: Option<String>,
    pub runbook: Option<String>,
    /// Annotations beside `summary`, `description` and `runbook_url`.
    pub annotations: BTreeMap<String, String>,
    pub keep_firing_for: Option<Duration>,
    pub labels: BTreeMap<String, String>,
    pub kind: AlertKind,
    /// The threshold with its comparison; `None` only for kinds that carry their own
    /// condition (`target_down`, `raw`).
    pub threshold: Option<(Cmp, Quantity)>,
    /// The threshold as the user wrote it, for `{threshold}` in annotations.
    pub threshold_text: Option<String>,
    /// Its place among the tiers of its alert (one name at several severities): tiers are
    /// consecutive in the model, the first at `index` 0.
    pub tier: Option<TierPos>,
    /// Hand-written test cases (kind `raw`); on the first tier of a tiered alert.
    pub tests: Vec<UserTest>,
    /// The SLO whose absent-metric alert this is: its dashboard row shows it.
    pub slo: Option<String>,
}

/// A hand-written test case of an alert.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTest {
    pub name: Option<String>,
    /// (series, values) in promtool's notation.
    pub input: Vec<(String, String)>,
    pub at: Duration,
    pub alerts: Vec<UserExpected>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserExpected {
    pub labels: BTreeMap<String, String>,
    pub value: Option<f64>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierPos {
    pub index: usize,
    pub count: usize,
}

/// The alerts in runs: each alert alone, or the tiers of one alert together.
pub fn tier_runs(alerts: &[Alert]) -> impl Iterator<Item = &[Alert]> {
    let mut rest = alerts;
    std::iter::from_fn(move || {
        let first = rest.first()?;
        let n = first.tier.map_or(1, |t| t.count - t.index).min(rest.len());
        let (run, tail) = rest.split_at(n);
        rest = tail;
        Some(run)
    })
}

/// Cuts the alerts into pieces of about `size` for work on every core, never between the
/// tiers of one alert.
pub fn alert_chunks(alerts: &[Alert], size: usize) -> Vec<&[Alert]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for run in tier_runs(alerts) {
        end += run.len();
        if end - start >= size {
            out.push(&alerts[start..end]);
            start = end;
        }
    }
    if start < end {
        out.push(&alerts[start..end]);
    }
    out
}

#[derive(Debug, Clone)]
pub struct Alertmanager {
    /// The release the output is written for.
    pub version: crate::am::spec::AmVersion,
    pub listen: String,
    pub external_url: Option<String>,
    pub storage_path: String,
    pub resolve_timeout: Duration,
    pub smtp: Option<Smtp>,
    pub slack_api_url_file: Option<String>,
    /// The other `global:` options, checked, in the order of `am::spec::GLOBAL`.
    pub global: serde_json::Map<String, serde_json::Value>,
    pub templates: Vec<TemplateFile>,
    pub time_intervals: Vec<TimeInterval>,
    pub receivers: Vec<Receiver>,
    pub route: Route,
    pub inhibits: Vec<Inhibit>,
    pub route_tests: Vec<RouteTest>,
}

#[derive(Debug, Clone)]
pub struct Smtp {
    pub smarthost: String,
    pub from: String,
    pub hello: Option<String>,
    pub auth_username: Option<String>,
    pub auth_password_file: Option<String>,
    pub auth_identity: Option<String>,
    pub require_tls: bool,
}

/// A notification template file shipped as `alertmanager/templates/<name>`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub text: String,
}

/// A named time interval: a time is inside when any period holds it.
#[derive(Debug, Clone)]
pub struct TimeInterval {
    pub name: String,
    pub periods: Vec<crate::am::timeinterval::Period>,
}

#[derive(Debug, Clone)]
pub struct Receiver {
    pub name: String,
    pub integrations: Vec<Integration>,
    /// Whether it wakes someone up (a paging integration, or `pages = true`).
    pub pages: bool,
}

/// One `<kind>_configs` entry: its checked options, in the order they are written.
#[derive(Debug, Clone)]
pub struct Integration {
    pub spec: &'static crate::am::spec::Integration,
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// A `[[route_test]]`: an alert, maybe a time and an inhibiting alert, and the receivers
/// that must be notified.
#[derive(Debug, Clone)]
pub struct RouteTest {
    pub name: String,
    /// Where it is written, `file:line`, for the report.
    pub line: usize,
    pub labels: BTreeMap<String, String>,
    pub at: Option<jiff::Timestamp>,
    pub expect: Vec<String>,
    pub inhibited_by: Option<BTreeMap<String, String>>,
}

/// A label matcher in Alertmanager's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values are always quoted so that any UTF-8 survives Alertmanager's parser.
        write!(
            f,
            "{}{}{}",
            self.name,
            self.op.as_str(),
            crate::promql::quote(&self.value)
        )
    }
}

#[derive(Debug, Clone)]
pub struct Route {
    pub receiver: Option<String>,
    pub matchers: Vec<Matcher>,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<Duration>,
    pub group_interval: Option<Duration>,
    pub repeat_interval: Option<Duration>,
    pub continue_: bool,
    pub routes: Vec<Route>,
    pub mute: Vec<String>,
    pub active: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Inhibit {
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Logs {
    pub inputs: Vec<LogInput>,
    pub elasticsearch: Elasticsearch,
    pub kibana: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogInput {
    pub id: String,
    pub paths: Vec<String>,
    pub service: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Elasticsearch {
    pub hosts: Vec<String>,
    /// A custom index (`name-%{+yyyy.MM.dd}`); `None` keeps Filebeat's default data stream.
    pub index: Option<String>,
    pub username: Option<String>,
    pub password_keystore: Option<String>,
    pub api_key_keystore: Option<String>,
    pub ca_file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub title: String,
    pub uid: String,
    pub refresh: Duration,
    pub time_from: String,
    pub tags: Vec<String>,
    pub alert_panels: bool,
    pub datasource_uid: String,
    pub prometheus_url: String,
    pub panels: Vec<Panel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    TimeSeries,
    Stat,
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    /// The alert whose value this panel plots, if any (no extra panel is made for it).
    pub alert: Option<String>,
    pub dimension: Option<String>,
    pub kind: PanelKind,
    pub unit: Option<Unit>,
    pub queries: Vec<Query>,
    /// A red threshold line, in the panel's unit.
    pub threshold: Option<f64>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct Query {
    pub expr: String,
    pub legend: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    RoundRobin,
    LeastConn,
    IpHash,
    Random,
}

#[derive(Debug, Clone)]
pub struct Proxy {
    /// (major, minor, patch) of the nginx the output targets.
    pub nginx_version: (u32, u32, u32),
    pub upstream: String,
    pub balance: Balance,
    pub keepalive: Option<u32>,
    pub keepalive_timeout: Duration,
    pub server_names: Vec<String>,
    pub listen_http: u16,
    pub listen_https: u16,
    pub health_path: Option<String>,
    pub access_log: String,
    pub error_log: String,
    pub pid_file: String,
    pub client_max_body_size: String,
    pub backends: Vec<Backend>,
    pub tls: Option<Tls>,
    pub connect_timeout: Duration,
    pub send_timeout: Duration,
    pub read_timeout: Duration,
    pub buffering: bool,
    /// nginx Plus directives allowed (active `health_check`, `zone`).
    pub nginx_plus: bool,
    pub buffer_size: Option<String>,
    pub buffers: Option<String>,
    pub busy_buffers_size: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Backend {
    pub address: String,
    pub weight: u32,
    pub max_fails: u32,
    pub fail_timeout: Duration,
    pub backup: bool,
}

#[derive(Debug, Clone)]
pub struct Tls {
    pub certificate: String,
    pub certificate_key: String,
    pub protocols: Vec<String>,
    pub ciphers: String,
    pub redirect_http: bool,
}

/// What a unit runs, by meaning: addresses, paths and durations as the rest of the config
/// gives them. `emit::systemd` composes the program's command line from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceKind {
    Prometheus {
        /// The folder that holds `prometheus.yml` on the server.
        config_dir: String,
        storage_path: String,
        retention: Duration,
        listen: String,
        external_url: Option<String>,
    },
    Alertmanager {
        /// The folder that holds `alertmanager.yml` on the server.
        config_dir: String,
        storage_path: String,
        listen: String,
        external_url: Option<String>,
    },
    NodeExporter {
        listen: String,
    },
    Filebeat {
        /// The folder that holds `filebeat.yml` on the server.
        config_dir: String,
        home: String,
        data_dir: String,
        logs_dir: String,
    },
    /// The monitored service: its arguments as written after the program in `exec`.
    App {
        args: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Service {
    pub kind: ServiceKind,
    /// The unit's file stem (`prometheus` -> `prometheus.service`).
    pub name: String,
    pub description: String,
    pub binary: String,
    pub user: String,
    /// `extra_flags` as the user wrote them, after the flags ccmon derives.
    pub extra_flags: Vec<String>,
    pub working_directory: Option<String>,
    pub environment_file: Option<String>,
    /// Paths the process may write under `ProtectSystem=strict`.
    pub read_write_paths: Vec<String>,
    /// The process reads files under `/home` (Filebeat reading logs): home is read-only to
    /// it rather than hidden.
    pub reads_home: bool,
    /// Keep `$VAR` in the command line for systemd to expand from the environment file.
    pub expand_env: bool,
}

/// Install locations of the generated files on the servers.
#[derive(Debug, Clone)]
pub struct InstallPaths {
    pub prometheus_dir: String,
    pub alertmanager_dir: String,
    pub filebeat_dir: String,
}

impl Matcher {
    /// Alertmanager's semantics: a missing label is the empty string; regexes are anchored.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.name).map_or("", String::as_str);
        self.op.matches(&self.value, v)
    }
}

impl Alert {
    /// What the kind's PromQL and tests need of the alert besides the kind.
    pub fn condition(&self) -> crate::kinds::Condition {
        crate::kinds::Condition {
            for_: self.for_,
            threshold: self.threshold,
        }
    }

    /// The value the alert compares, without the comparison: what a dashboard panel plots and
    /// what `$value` holds in the annotations.
    pub fn value_expr(&self) -> String {
        self.kind.value(&self.condition())
    }

    /// The complete alert condition.
    pub fn expr(&self) -> String {
        self.kind.condition(&self.condition())
    }

    /// The threshold as the number the condition compares with.
    pub fn threshold_value(&self) -> Option<f64> {
        self.kind.threshold_value(&self.condition())
    }

    /// The unit of [`Alert::value_expr`].
    pub fn unit(&self) -> Unit {
        self.kind.unit()
    }

    /// The labels every alert of this rule carries whatever its series: its name, severity,
    /// dimension and extra labels. Routing and inhibition can be decided on these.
    pub fn static_labels(&self) -> BTreeMap<String, String> {
        self.static_label_refs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// [`Alert::static_labels`], borrowed from the alert.
    pub fn static_label_refs(&self) -> BTreeMap<&str, &str> {
        let mut m: BTreeMap<&str, &str> = self
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        m.insert("alertname", &self.name);
        m.insert("severity", self.severity.as_str());
        if let Some(d) = &self.dimension {
            m.insert("dimension", d);
        }
        m
    }

    /// One of [`Alert::static_labels`], without building them all.
    pub fn static_label(&self, name: &str) -> Option<&str> {
        match name {
            "alertname" => Some(&self.name),
            "severity" => Some(self.severity.as_str()),
            "dimension" if self.dimension.is_some() => self.dimension.as_deref(),
            _ => self.labels.get(name).map(String::as_str),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_static_label_is_the_one_static_labels_holds() {
        let text = include_str!("../examples/claude-code/monitoring.toml").to_string()
            + "\n[[alert]]\nname = \"X\"\nkind = \"gauge\"\nexpr = \"up\"\nbelow = 1\n\
               severity = \"info\"\nsummary = \"x\"\nlabels = { team = \"t\" }\n";
        let src = crate::diag::source::Source::new("monitoring.toml", text);
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags);
        let m = m.unwrap_or_else(|| panic!("{:?}", diags));
        assert!(m.alerts.len() > 8);
        for a in &m.alerts {
            let all = a.static_labels();
            for k in all.keys().map(String::as_str).chain(["dimension", "nope"]) {
                assert_eq!(
                    a.static_label(k),
                    all.get(k).map(String::as_str),
                    "{} {k}",
                    a.name
                );
            }
        }
    }
}
