//! The raw configuration: `monitoring.toml` exactly as written (see `docs/format.md`), every
//! value with its byte span. Nothing here judges values; unknown keys are refused by serde.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::Any;

/// A value with the byte span it came from. Compared, ordered and described (JSON schema) by
/// its value alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct S<T>(Spanned<T>);

impl<T> S<T> {
    pub fn new(span: Range<usize>, value: T) -> Self {
        S(Spanned::new(span, value))
    }

    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }

    pub fn get_ref(&self) -> &T {
        self.0.get_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for S<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<T>::deserialize(d).map(S)
    }
}

impl<T: JsonSchema> JsonSchema for S<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A table written once (`[dashboard]`) or as an array of tables (`[[dashboard]]`).
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<S<T>>),
}

impl<T> OneOrMany<T> {
    /// Each table with its span (`whole` is the span of a single table).
    pub fn items(&self, whole: Range<usize>) -> Vec<(&T, Range<usize>)> {
        match self {
            OneOrMany::One(t) => vec![(t, whole)],
            OneOrMany::Many(v) => v.iter().map(|t| (t.get_ref(), t.span())).collect(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table or an array of tables")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(OneOrMany::One)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(t) = seq.next_element::<S<T>>()? {
                    v.push(t);
                }
                Ok(OneOrMany::Many(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A machine of the fleet and the parts of the stack it runs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHost {
    /// Required. Its name: the folder `hosts/<name>/` of `render`, `apply --host <name>`.
    pub name: S<String>,
    /// How it is reached: a host name or address. Default: the name.
    pub address: Option<S<String>>,
    /// Required. What runs there: `prometheus`, `alertmanager`, `grafana`, `nginx`,
    /// `filebeat`, `node_exporter`, `blackbox_exporter`, `nginx_exporter`, or the name of a
    /// `[[services.app]]`.
    pub runs: S<Vec<S<String>>>,
}

/// A number or a string with a unit (`0.05`, `"5%"`, `"2s"`, `"100000 per hour"`).
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum NumOrStr {
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The project: its name, environment, external labels and severities. Required.
    pub project: S<RawProject>,
    /// The Prometheus server: its release, intervals, storage, remote write.
    #[serde(default)]
    pub prometheus: Option<S<RawPrometheus>>,
    /// Scrape jobs, each a `scrape_configs` entry.
    #[serde(default, rename = "job")]
    pub jobs: Vec<S<RawJob>>,
    /// Monitoring dimensions: each a rule group and a dashboard row, with its SLOs.
    #[serde(default, rename = "dimension")]
    pub dimensions: Vec<S<RawDimension>>,
    /// Alerting rules, typed by `kind`.
    #[serde(default, rename = "alert")]
    pub alerts: Vec<S<RawAlert>>,
    /// Recording rules.
    #[serde(default, rename = "record")]
    pub records: Vec<S<RawRecord>>,
    /// The Alertmanager server: listen address, storage, SMTP.
    #[serde(default)]
    pub alertmanager: Option<S<RawAlertmanager>>,
    /// Alertmanager receivers; at least one when there are alerts.
    #[serde(default, rename = "receiver")]
    pub receivers: Vec<S<RawReceiver>>,
    /// Named time intervals for routes (`mute_time_intervals`, `active_time_intervals`).
    #[serde(default, rename = "time_interval")]
    pub time_intervals: Vec<S<RawTimeInterval>>,
    /// Routing tests, run by `ccmon test`.
    #[serde(default, rename = "route_test")]
    pub route_tests: Vec<S<RawRouteTest>>,
    /// The root of Alertmanager's routing tree.
    #[serde(default)]
    pub route: Option<S<RawRoute>>,
    /// Alertmanager inhibit rules.
    #[serde(default, rename = "inhibit")]
    pub inhibits: Vec<S<RawInhibit>>,
    /// Log shipping with Filebeat.
    #[serde(default)]
    pub logs: Option<S<RawLogs>>,
    /// The Grafana dashboard and its provisioning: `[dashboard]`, or `[[dashboard]]` for
    /// several, linked to each other.
    #[serde(default)]
    pub dashboard: Option<S<OneOrMany<RawDashboard>>>,
    /// The nginx load balancer in front of the service.
    #[serde(default)]
    pub proxy: Option<S<RawProxy>>,
    /// The systemd units to generate.
    #[serde(default)]
    pub services: Option<S<RawServices>>,
    /// Health checks, probed by the blackbox exporter: each a probe job and its alerts.
    #[serde(default, rename = "health")]
    pub health: Vec<S<RawHealth>>,
    /// The stack watching itself: scrape jobs for its own servers, alerts on their failures,
    /// a dead man's switch. On by default.
    #[serde(default)]
    pub self_monitoring: Option<S<RawSelfMonitoring>>,
    /// Snapshots, backups, log rotation and cleanup, run by systemd timers. On by default.
    #[serde(default)]
    pub maintenance: Option<S<RawMaintenance>>,
    /// The machines and what of the stack each runs: `render` writes a folder per host in
    /// the servers' layout, `apply --host` installs one. Default: none.
    #[serde(default, rename = "host")]
    pub hosts: Vec<S<RawHost>>,
    /// Service files merged into this stack: paths relative to this file's folder, `*` and
    /// `?` matching in the file name (`["services/*.toml"]`), read in the order written and,
    /// within a pattern, by name. Default: none.
    #[serde(default)]
    pub include: Vec<S<String>>,
    /// `[service]`: in an included file only, the service its entries belong to.
    #[serde(default)]
    pub service: Option<S<OneOrMany<RawServiceFile>>>,
    /// `[env.<name>]`: overrides of the keys above for one environment, chosen with
    /// `--env <name>` (merged before the configuration is read; see `load::env`). Default:
    /// none.
    #[serde(default)]
    pub env: Option<BTreeMap<String, Any>>,
    /// Keys that recovery removed after a structure error, as (span of the table that held
    /// them, key). `check` does not report them missing a second time.
    #[serde(skip)]
    #[schemars(skip)]
    pub removed: Vec<(Range<usize>, String)>,
    /// Where each included service file's text is (see `include`): an entry whose span
    /// falls in one belongs to that file's service.
    #[serde(skip)]
    #[schemars(skip)]
    pub parts: Vec<Range<usize>>,
}

/// `[service]` of a service file (see `include`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServiceFile {
    /// Required. The service's name: its rule file (`prometheus/rules/<name>.rules.yml`),
    /// rule group, dashboard uid and the `service` of its entries.
    pub name: S<String>,
    /// The team that owns it: the `team` label of its alerts and SLO alerts, and the
    /// matcher of its route subtree. Services of one team share the subtree. Default: the
    /// service's name.
    pub team: Option<S<String>>,
    /// The team's route: its receiver (default: the first receiver of the team's files),
    /// grouping and timing, and child routes (`[[service.route.routes]]`). It matches
    /// `team="<team>"` and comes first among the root's routes. Default: a route to the
    /// team's first receiver, when its files declare one.
    pub route: Option<S<RawRoute>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    /// Required. Project name: used in file names (rule file, provisioning files, log paths),
    /// as the rule group of alerts without a dimension, and as the default of many other keys.
    pub name: S<String>,
    /// Written to every log event as `service.environment`. Default: `"production"`.
    #[serde(default)]
    pub environment: Option<S<String>>,
    /// Prometheus `global.external_labels`. Default: `{}`.
    #[serde(default)]
    pub external_labels: BTreeMap<S<String>, S<String>>,
    /// The `severity` values alerts, SLO tiers, routes and inhibit rules may use;
    /// `["critical", "warning", "info"]` by default.
    pub severities: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrometheus {
    /// The Prometheus release the outputs are for (`"2.42"`, the default, is Debian 12's):
    /// PromQL it does not have is refused.
    pub version: Option<S<String>>,
    /// Global scrape interval; also the Grafana datasource's `timeInterval`. Default: `"15s"`.
    pub scrape_interval: Option<S<String>>,
    /// Global scrape timeout. Default: `"10s"`.
    pub scrape_timeout: Option<S<String>>,
    /// Rule evaluation interval. Default: `"15s"`.
    pub evaluation_interval: Option<S<String>>,
    /// Prometheus' `--web.listen-address`; the default dashboard datasource URL is
    /// `http://<listen>`. Default: `"127.0.0.1:9090"`.
    pub listen: Option<S<String>>,
    /// `--web.external-url`.
    pub external_url: Option<S<String>>,
    /// `--storage.tsdb.retention.time`. Default: `"15d"`, or the longest SLO period when
    /// longer.
    pub retention: Option<S<String>>,
    /// `--storage.tsdb.path`; writable by the unit. Default: `"/var/lib/prometheus/metrics2"`.
    pub storage_path: Option<S<String>>,
    /// Alertmanagers Prometheus sends alerts to. Default: the address of `[alertmanager]
    /// listen` (`127.0.0.1:9093` by default; a wildcard host becomes `localhost`).
    #[serde(default)]
    pub alertmanagers: Vec<S<String>>,
    /// Remote-write endpoints. Default: `[]`.
    #[serde(default)]
    pub remote_write: Vec<S<RawRemoteWrite>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteWrite {
    /// Required. Endpoint.
    pub url: S<String>,
    /// Basic-auth user. `basic_auth` is written only when this is set.
    pub username: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`password_file`) only.
    pub password: Option<S<String>>,
    /// Basic-auth password file (used only with `username`) only.
    pub password_file: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`bearer_token_file`) only.
    pub bearer_token: Option<S<String>>,
    /// Written as `authorization.credentials_file`.
    pub bearer_token_file: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawJob {
    /// Required. `job_name`; the `job` label of its series.
    pub name: S<String>,
    /// Scraped endpoints; required unless the job discovers its targets. Two jobs scraping
    /// the same host and port is CM402 (`localhost`, `127.0.0.1` and `::1` count as one host).
    pub targets: Option<S<Vec<S<String>>>>,
    /// Job scrape interval. Default: global `scrape_interval`.
    pub interval: Option<S<String>>,
    /// Job scrape timeout. Default: global `scrape_timeout`.
    pub timeout: Option<S<String>>,
    /// Starts with `/` (CM213). Default: `"/metrics"`.
    pub metrics_path: Option<S<String>>,
    /// `http` or `https` (CM215). Default: `"http"`.
    pub scheme: Option<S<String>>,
    /// Target labels added to every series of the job. Default: `{}`.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// Metric names this job is known to export (used to warn on alerts nobody can feed).
    #[serde(default)]
    pub exports: Vec<S<String>>,
    /// Query parameters of every scrape, each a list of values (`module = ["http_2xx"]` for
    /// the blackbox exporter). Default: `{}`.
    #[serde(default)]
    pub params: BTreeMap<S<String>, S<Vec<S<String>>>>,
    /// `true`: the labels the target exposes win over the target's own. Default: `false`.
    pub honor_labels: Option<S<bool>>,
    /// `false`: the timestamps the target exposes are ignored. Default: `true`.
    pub honor_timestamps: Option<S<bool>>,
    /// A scrape with more samples than this fails; 0 is no limit. Default: `0`.
    pub sample_limit: Option<S<i64>>,
    /// A scrape with a series of more labels than this fails; 0 is no limit; Prometheus 2.27
    /// or later. Default: `0`.
    pub label_limit: Option<S<i64>>,
    /// The proxy of the scrapes, an `http(s)://` URL without credentials.
    pub proxy_url: Option<S<String>>,
    /// The exposition formats asked for, in order of preference (`PrometheusProto`,
    /// `OpenMetricsText1.0.0`, `OpenMetricsText0.0.1`, `PrometheusText0.0.4`); Prometheus
    /// 2.49 or later. Default: Prometheus' own order.
    #[serde(default)]
    pub scrape_protocols: Vec<S<String>>,
    /// Basic-auth user. `basic_auth` is written only when this is set.
    pub username: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`password_file`) only.
    pub password: Option<S<String>>,
    /// Basic-auth password file (used only with `username`).
    pub password_file: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`bearer_token_file`) only.
    pub bearer_token: Option<S<String>>,
    /// Written as `authorization.credentials_file`.
    pub bearer_token_file: Option<S<String>>,
    /// TLS of the scrapes (with `scheme = "https"`): CA, client certificate, server name.
    pub tls: Option<S<RawScrapeTls>>,
    /// Rules applied to each target before it is scraped (`relabel_configs`). Default: `[]`.
    #[serde(default)]
    pub relabel: Vec<S<RawRelabel>>,
    /// Rules applied to each scraped series before it is stored (`metric_relabel_configs`).
    /// Default: `[]`.
    #[serde(default)]
    pub metric_relabel: Vec<S<RawRelabel>>,
    /// Metric names (regexes, whole names) whose series are dropped after the scrape: one
    /// `metric_relabel` rule. Default: `[]`.
    #[serde(default)]
    pub drop_metrics: Vec<S<String>>,
    /// Label names (regexes, whole names) removed from every scraped series: one
    /// `metric_relabel` `labeldrop` rule. Default: `[]`.
    #[serde(default)]
    pub drop_labels: Vec<S<String>>,
    /// Target labels copied from discovery labels, such as `service =
    /// "__meta_consul_service"`: a `relabel` rule each. Default: `{}`.
    #[serde(default)]
    pub meta_labels: BTreeMap<S<String>, S<String>>,
    /// Targets from files (`file_sd_configs`): files Prometheus watches, or targets ccmon
    /// writes into one. Default: `[]`.
    #[serde(default)]
    pub file_sd: Vec<S<RawFileSd>>,
    /// Targets from DNS records (`dns_sd_configs`). Default: `[]`.
    #[serde(default)]
    pub dns_sd: Vec<S<RawDnsSd>>,
    /// Targets from a Consul catalog (`consul_sd_configs`). Default: `[]`.
    #[serde(default)]
    pub consul_sd: Vec<S<RawConsulSd>>,
    /// Targets from EC2 instances (`ec2_sd_configs`). Default: `[]`.
    #[serde(default)]
    pub ec2_sd: Vec<S<RawEc2Sd>>,
    /// Targets from a Kubernetes API (`kubernetes_sd_configs`). Default: `[]`.
    #[serde(default)]
    pub kubernetes_sd: Vec<S<RawKubernetesSd>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEc2Sd {
    /// Required. The AWS region.
    pub region: Option<S<String>>,
    /// The port scraped on each instance's private IP. Default: `80`.
    pub port: Option<S<i64>>,
    /// Instance filters, such as `{ name = "tag:env", values = ["prod"] }`. Default: `[]`.
    #[serde(default)]
    pub filters: Vec<S<RawEc2Filter>>,
    /// A role to assume.
    pub role_arn: Option<S<String>>,
    /// A profile of the shared credentials file.
    pub profile: Option<S<String>>,
    /// Refused (CM601): credentials come from the instance profile, `profile` or `role_arn`.
    pub secret_key: Option<S<String>>,
    /// Default: `"60s"`.
    pub refresh: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEc2Filter {
    /// Required. An EC2 filter name (`tag:env`, `instance-state-name`).
    pub name: S<String>,
    /// Required. Values any of which matches.
    pub values: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKubernetesSd {
    /// Required. `node`, `service`, `pod`, `endpoints`, `endpointslice` or `ingress`.
    pub role: S<String>,
    /// The API server's URL. Default: in-cluster configuration.
    pub api_server: Option<S<String>>,
    /// A kubeconfig file (absolute path); not with `api_server`.
    pub kubeconfig_file: Option<S<String>>,
    /// Namespaces to watch. Default: every namespace.
    #[serde(default)]
    pub namespaces: Vec<S<String>>,
    /// Label selector, such as `app=api` (written as a selector of the role).
    pub label_selector: Option<S<String>>,
    /// Field selector, such as `status.phase=Running`.
    pub field_selector: Option<S<String>>,
}

impl RawJob {
    /// The static targets (none when `targets` is left out).
    pub fn target_list(&self) -> &[S<String>] {
        self.targets
            .as_ref()
            .map_or(&[], |t| t.get_ref().as_slice())
    }

    /// Whether the job discovers targets.
    pub fn discovers(&self) -> bool {
        !self.file_sd.is_empty()
            || !self.dns_sd.is_empty()
            || !self.consul_sd.is_empty()
            || !self.ec2_sd.is_empty()
            || !self.kubernetes_sd.is_empty()
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFileSd {
    /// Files (absolute paths, or globs in their last part, `*.json` or `*.yml`) that
    /// Prometheus watches and another tool writes. Not with `targets`.
    #[serde(default)]
    pub files: Vec<S<String>>,
    /// Targets ccmon writes into `prometheus/targets/<job>.json` for Prometheus to watch
    /// (each `host:port`). Not with `files`.
    #[serde(default)]
    pub targets: Vec<S<String>>,
    /// Labels of the `targets` ccmon writes. Default: `{}`.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// How often Prometheus rereads the files besides watching them. Default: `"5m"`.
    pub refresh: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDnsSd {
    /// Required. Names to look up.
    pub names: S<Vec<S<String>>>,
    /// `SRV`, `A`, `AAAA` (or `MX`, Prometheus 2.38). Default: `"SRV"`.
    #[serde(rename = "type")]
    pub record: Option<S<String>>,
    /// The port of the targets; required for `A`, `AAAA` and `MX`, refused for `SRV`.
    pub port: Option<S<i64>>,
    /// Default: `"30s"`.
    pub refresh: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConsulSd {
    /// The Consul agent, `host:port`. Default: `"localhost:8500"`.
    pub server: Option<S<String>>,
    /// `http` or `https`. Default: `"http"`.
    pub scheme: Option<S<String>>,
    /// Default: the agent's.
    pub datacenter: Option<S<String>>,
    /// Services to scrape. Default: every service.
    #[serde(default)]
    pub services: Vec<S<String>>,
    /// Only instances with every one of these tags. Default: `[]`.
    #[serde(default)]
    pub tags: Vec<S<String>>,
    /// Refused (CM601): the ACL token is given as a file (`token_file`) only.
    pub token: Option<S<String>>,
    /// The ACL token's file (absolute path), sent as a bearer token.
    pub token_file: Option<S<String>>,
    /// Default: `"30s"`.
    pub refresh: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRelabel {
    /// `replace`, `keep`, `drop`, `hashmod`, `labelmap`, `labeldrop`, `labelkeep`,
    /// `lowercase` and `uppercase` (Prometheus 2.36), `keepequal` and `dropequal` (2.41).
    /// Default: `"replace"`.
    pub action: Option<S<String>>,
    /// Labels whose values, joined by `separator`, the regex is matched against. Default: `[]`.
    #[serde(default)]
    pub source_labels: Vec<S<String>>,
    /// Default: `";"`.
    pub separator: Option<S<String>>,
    /// Anchored at both ends, as Prometheus does (RE2 syntax). Default: `"(.*)"`.
    pub regex: Option<S<String>>,
    /// For `hashmod`: the modulus, above 0.
    pub modulus: Option<S<i64>>,
    /// The label written (`replace`, `hashmod`, `lowercase`, `uppercase`) or compared
    /// (`keepequal`, `dropequal`); `$1` and `${name}` may stand in it for `replace`.
    pub target_label: Option<S<String>>,
    /// What `replace` writes and `labelmap` renames to. Default: `"$1"`.
    pub replacement: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScrapeTls {
    /// The CA certificate that signed the targets' certificates (absolute path). Default: the
    /// system's CAs.
    pub ca_file: Option<S<String>>,
    /// The client certificate (absolute path), with `key_file`.
    pub cert_file: Option<S<String>>,
    /// The client certificate's key (absolute path), with `cert_file`.
    pub key_file: Option<S<String>>,
    /// The name the targets' certificates must carry, when it is not the target's host.
    pub server_name: Option<S<String>>,
    /// `true` switches certificate verification off (warning CM614). Default: `false`.
    pub insecure_skip_verify: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    /// Required. Referenced by `[[alert]] dimension` and `[[dashboard.panel]] dimension`; the
    /// alert rule group name and the `dimension` label.
    pub name: S<String>,
    /// Required. Dashboard row title.
    pub title: S<String>,
    /// Appended to the row title: `<title> — <objective>`.
    pub objective: Option<S<String>>,
    /// Descriptive only; written to no output. Default: `[]`.
    #[serde(default)]
    pub indicators: Vec<S<String>>,
    /// Service-level objectives: each becomes SLI and error-budget recording rules and
    /// multiwindow multi-burn-rate alerts.
    #[serde(default, rename = "slo")]
    pub slos: Vec<S<RawSlo>>,
    /// How often the dimension's rule group is evaluated (Prometheus' `evaluation_interval`
    /// by default).
    pub interval: Option<S<String>>,
    /// At most this many series an alert or recording rule of the group may produce; 0 (the
    /// default) is no limit.
    pub limit: Option<S<i64>>,
}

/// A recording rule: `expr` evaluated and stored as the series `name`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecord {
    /// The recorded metric, by convention `level:metric:operations`.
    pub name: S<String>,
    /// The PromQL expression recorded.
    pub expr: S<String>,
    /// The rule group it is evaluated in; the project's group by default.
    pub dimension: Option<S<String>>,
    /// Labels added to every recorded series.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
}

/// A service-level objective of a dimension.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    /// Label value `slo="..."` and the stem of the generated alert names.
    pub name: S<String>,
    /// `availability` (errors or good events over all events) or `latency` (the fraction of
    /// requests faster than `threshold`, from a histogram).
    pub kind: S<String>,
    /// The objective, such as `"99.9%"`.
    pub target: S<NumOrStr>,
    /// The SLO period, `30d` by default.
    pub period: Option<S<String>>,
    /// `availability`: counter of failed events (this or `good`) only.
    pub errors: Option<S<String>>,
    /// `availability`: counter of good events (this or `errors`) only.
    pub good: Option<S<String>>,
    /// `availability`: counter of all events; required (CM105).
    pub total: Option<S<String>>,
    /// Histogram of request durations. Matchers filter the requests the objective counts, as
    /// Sloth's SLOs do: with `'apiserver_request_duration_seconds{verb!="WATCH"}'` long-lived
    /// watches, always over the threshold, neither burn the budget nor page. They apply to the
    /// `_bucket` and `_count` series alike. `latency`: required.
    pub histogram: Option<S<String>>,
    /// Latency: requests at or under this duration are good (a bucket boundary).
    pub threshold: Option<S<String>>,
    /// No alert below this much traffic, such as `"1 per minute"`.
    pub min_traffic: Option<S<String>>,
    /// Severity label of the fast-burn (page) alert; `critical` by default.
    pub page_severity: Option<S<String>>,
    /// Severity label of the slow-burn (ticket) alert; `warning` by default.
    pub ticket_severity: Option<S<String>>,
    /// Switches for the two tiers; both on by default.
    pub page: Option<S<bool>>,
    /// Generate the slow-burn (ticket) alert. Default: `true`.
    pub ticket: Option<S<bool>>,
    /// Labels of both tier alerts (`team = "payments"`), for routing.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// Annotations of both tier alerts beside `summary` and `description` (Go templates).
    #[serde(default)]
    pub annotations: BTreeMap<S<String>, S<String>>,
    /// The `runbook_url` annotation of both tier alerts.
    pub runbook: Option<S<String>>,
    /// `for` of the page alerts; `2m` by default.
    pub page_for: Option<S<String>>,
    /// `for` of the ticket alerts; `15m` by default.
    pub ticket_for: Option<S<String>>,
    /// The alert when the SLO's metric is absent (the SLO cannot be computed); on by default.
    pub absent: Option<S<bool>>,
    /// `for` of the absent-metric alert; `10m` by default.
    pub absent_for: Option<S<String>>,
    /// The burn-rate table, replacing the default (the SRE workbook's) when given.
    #[serde(default, rename = "window")]
    pub windows: Vec<S<RawBurnWindow>>,
}

/// One window pair of an SLO's burn-rate table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBurnWindow {
    /// `page` or `ticket`: the alert this pair belongs to.
    pub tier: S<String>,
    /// The long window, over which the budget burns too fast.
    pub long: S<String>,
    /// The short window that confirms the burn is still going on.
    pub short: S<String>,
    /// The burn rate, as a multiple of the budget's (`14.4`); or else `budget`.
    pub factor: Option<S<NumOrStr>>,
    /// The share of the period's budget burnt in the long window (`"2%"`) only.
    pub budget: Option<S<NumOrStr>>,
}

/// Every alert kind's keys in one table; `check` says which keys a kind takes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    /// Required. The `alertname` (Prometheus takes any string).
    pub name: S<String>,
    /// Rule group, `dimension` label, dashboard row.
    pub dimension: Option<S<String>>,
    /// The kind of alert: it decides the other keys it takes (docs/format.md, "Keys per kind").
    pub kind: S<String>,
    /// How long the condition must hold. A non-zero `for` shorter than the scrape interval gets
    /// warning CM602 (the job's own `interval` for `target_down`, the global `scrape_interval`
    /// otherwise). Default: `"0s"` (no `for`).
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    /// The `severity` label, one of `[project] severities`; required unless the alert has
    /// tiers (each tier has its own).
    pub severity: Option<S<String>>,
    /// The `summary` annotation (placeholders allowed); required unless every tier has its own.
    pub summary: Option<S<String>>,
    /// `description` annotation; placeholders allowed.
    pub description: Option<S<String>>,
    /// `runbook_url` annotation.
    pub runbook: Option<S<String>>,
    /// Annotations beside `summary`, `description` and `runbook_url` (Go templates, with
    /// ccmon's placeholders).
    #[serde(default)]
    pub annotations: BTreeMap<S<String>, S<String>>,
    /// How long the alert keeps firing after its condition stops holding (Prometheus 2.42).
    pub keep_firing_for: Option<S<String>>,
    /// Extra rule labels. Default: `{}`.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// Fires when the value is greater.
    pub above: Option<S<NumOrStr>>,
    /// Fires when the value is smaller.
    pub below: Option<S<NumOrStr>>,
    // target_down
    /// The job whose `up` series is watched.
    pub job: Option<S<String>>,
    // error_ratio
    /// Counter of failed events, e.g. `'x_total{status=~"5.."}'`.
    pub errors: Option<S<String>>,
    /// Counter of all events.
    pub total: Option<S<String>>,
    // latency_quantile
    /// The histogram, e.g. `"http_request_duration_seconds"`. Matchers filter its series:
    /// `'http_request_duration_seconds{verb!="WATCH"}'` leaves long-lived requests out of the
    /// quantile.
    pub histogram: Option<S<String>>,
    /// An integer is refused.
    pub quantile: Option<S<NumOrStr>>,
    // rate / increase / gauge / saturation / raw
    /// `rate`, `increase`: the counter; `absent`: the series that must exist; `expiry`: a
    /// timestamp in seconds; `changes`: the series whose changes are counted; `predict_linear`:
    /// the gauge.
    pub metric: Option<S<String>>,
    /// Period of the `increase`, or over which `changes` counts.
    pub over: Option<S<String>>,
    /// Numerator of the ratio.
    pub used: Option<S<String>>,
    /// Denominator of the ratio.
    pub capacity: Option<S<String>>,
    /// Labels matching `used` to `capacity` (`on (..) group_left ()`) only.
    pub on: Option<S<Vec<S<String>>>>,
    /// Set when `used` is a counter of seconds (CPU): it is wrapped in `rate(..[window])`.
    pub used_is_counter: Option<S<bool>>,
    /// `gauge`: the value compared; `raw`: the complete condition.
    pub expr: Option<S<String>>,
    /// `predict_linear`: how far ahead the trend is extended.
    pub horizon: Option<S<String>>,
    /// `state`: the value that fires, or the one value that does not.
    pub equals: Option<S<NumOrStr>>,
    /// `state`: fires when the value is anything else. `equals` and `not_equals` are exclusive
    /// (CM211); one is needed (CM105).
    pub not_equals: Option<S<NumOrStr>>,
    /// Aggregation labels of both sides; `[]` aggregates everything. Default: `["job"]`.
    pub by: Option<S<Vec<S<String>>>>,
    /// `rate`, `increase`, `error_ratio`: keep every series instead of summing `by` labels.
    pub per_series: Option<S<bool>>,
    /// Range of `rate()`; for `saturation` used only with `used_is_counter`. Default: `"5m"`.
    pub window: Option<S<String>>,
    /// Dashboard unit of the value; `USD` also formats `{value}` with two decimals. It does not
    /// change the threshold, which stays a plain number.
    pub unit: Option<S<String>>,
    /// One alert name at several severities: each tier is a rule of its own, which takes
    /// every key it does not set from the alert.
    #[serde(default, rename = "tier")]
    pub tiers: Vec<S<RawTier>>,
    /// Kind `raw`: test cases written by hand, run by `promtool test rules` with the
    /// generated ones.
    #[serde(default, rename = "test")]
    pub tests: Vec<S<RawAlertTest>>,
}

/// A hand-written test case of a `raw` alert.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlertTest {
    /// What the case shows, in the test's name.
    pub name: Option<S<String>>,
    /// The input series, sampled every minute from time 0.
    pub input: Vec<S<RawInputSeries>>,
    /// When the rule is evaluated (`"15m"`) only.
    pub at: S<String>,
    /// The alerts expected to fire then; none (the default) expects silence.
    #[serde(default)]
    pub alerts: Vec<S<RawExpectedAlert>>,
}

/// One input series of a test case, in promtool's notation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInputSeries {
    /// `metric{label="value", ...}`.
    pub series: S<String>,
    /// promtool's expanding notation: `"0+10x20"`, `"1 2 _ stale 4"`.
    pub values: S<String>,
}

/// An alert a test case expects to fire.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpectedAlert {
    /// The labels of the series that fires (the rule's own labels are added); `severity`
    /// picks the tier of a tiered alert.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// The alert's value then, to fill in its annotations' templates.
    pub value: Option<S<f64>>,
    /// The annotations expected, when ccmon cannot evaluate the templates.
    #[serde(default)]
    pub annotations: BTreeMap<S<String>, S<String>>,
}

/// A tier of an alert: its severity, and what differs from the alert at that severity.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// The tier's severity, one of `[project] severities`; tiers of one alert differ in it.
    pub severity: S<String>,
    /// The tier's threshold: any of these replaces every threshold key of the alert.
    pub above: Option<S<NumOrStr>>,
    /// The tier's threshold; setting any replaces all four of the alert's. Default: the
    /// alert's.
    pub below: Option<S<NumOrStr>>,
    /// The tier's threshold; setting any replaces all four of the alert's. Default: the
    /// alert's.
    pub equals: Option<S<NumOrStr>>,
    /// The tier's threshold; setting any replaces all four of the alert's. Default: the
    /// alert's.
    pub not_equals: Option<S<NumOrStr>>,
    /// Kind `raw`: the tier's own condition, in place of the alert's `expr`.
    pub expr: Option<S<String>>,
    /// The tier's `for`; the alert's by default.
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    /// The tier's `keep_firing_for`; the alert's by default.
    pub keep_firing_for: Option<S<String>>,
    /// The tier's `summary`; the alert's by default.
    pub summary: Option<S<String>>,
    /// The tier's `description`; the alert's by default.
    pub description: Option<S<String>>,
    /// Labels added to the alert's labels at this tier.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
    /// Annotations added to (or replacing) the alert's annotations at this tier.
    #[serde(default)]
    pub annotations: BTreeMap<S<String>, S<String>>,
}

impl RawTier {
    /// The alert as this tier has it: the tier's keys over the alert's.
    pub fn over(&self, a: &RawAlert) -> RawAlert {
        let mut t = a.clone();
        t.tiers = Vec::new();
        t.severity = Some(self.severity.clone());
        let thresholds = [&self.above, &self.below, &self.equals, &self.not_equals];
        if thresholds.iter().any(|v| v.is_some()) {
            t.above = self.above.clone();
            t.below = self.below.clone();
            t.equals = self.equals.clone();
            t.not_equals = self.not_equals.clone();
        }
        let or = |mine: &Option<S<String>>, theirs: &mut Option<S<String>>| {
            if mine.is_some() {
                *theirs = mine.clone();
            }
        };
        or(&self.expr, &mut t.expr);
        or(&self.for_, &mut t.for_);
        or(&self.keep_firing_for, &mut t.keep_firing_for);
        or(&self.description, &mut t.description);
        or(&self.summary, &mut t.summary);
        t.labels.extend(self.labels.clone());
        t.annotations.extend(self.annotations.clone());
        t
    }
}

impl RawAlert {
    /// The keys only some kinds take that this alert has, with their spans, and their text
    /// when they hold a PromQL expression or selector. A key a new kind needs is a field
    /// above and a line here.
    pub fn kind_keys(&self) -> Vec<KindKey<'_>> {
        fn span<T>(v: &Option<S<T>>) -> Option<Range<usize>> {
            v.as_ref().map(S::span)
        }
        let keys = [
            ("job", span(&self.job), None),
            ("errors", span(&self.errors), self.errors.as_ref()),
            ("total", span(&self.total), self.total.as_ref()),
            ("histogram", span(&self.histogram), None),
            ("quantile", span(&self.quantile), None),
            ("metric", span(&self.metric), self.metric.as_ref()),
            ("over", span(&self.over), None),
            ("used", span(&self.used), self.used.as_ref()),
            ("capacity", span(&self.capacity), self.capacity.as_ref()),
            ("on", span(&self.on), None),
            ("used_is_counter", span(&self.used_is_counter), None),
            ("expr", span(&self.expr), self.expr.as_ref()),
            ("horizon", span(&self.horizon), None),
            ("equals", span(&self.equals), None),
            ("not_equals", span(&self.not_equals), None),
            ("by", span(&self.by), None),
            ("per_series", span(&self.per_series), None),
            ("window", span(&self.window), None),
            ("unit", span(&self.unit), None),
            ("test", self.tests.first().map(S::span), None),
            ("above", span(&self.above), None),
            ("below", span(&self.below), None),
        ];
        keys.into_iter()
            .filter_map(|(key, span, promql)| {
                Some(KindKey {
                    key,
                    span: span?,
                    promql,
                })
            })
            .collect()
    }
}

/// A kind-specific key of an alert (see [`RawAlert::kind_keys`]).
pub struct KindKey<'a> {
    pub key: &'static str,
    pub span: Range<usize>,
    /// The text of a key that holds PromQL.
    pub promql: Option<&'a S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlertmanager {
    /// Alertmanager's `--web.listen-address`. Default: `"127.0.0.1:9093"`.
    pub listen: Option<S<String>>,
    /// `--web.external-url`.
    pub external_url: Option<S<String>>,
    /// `--storage.path`; writable by the unit. Default: `"/var/lib/prometheus/alertmanager"`.
    pub storage_path: Option<S<String>>,
    /// `global.resolve_timeout`. Default: `"5m"`.
    pub resolve_timeout: Option<S<String>>,
    /// Mail server; required when any receiver has an email.
    pub smtp: Option<S<RawSmtp>>,
    /// File holding the default Slack webhook URL (`global.slack_api_url_file`) only.
    pub slack_api_url_file: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`slack_api_url_file`) only.
    pub slack_api_url: Option<S<String>>,
    /// The Alertmanager release the servers run, which decides the options accepted and
    /// how secrets are written. Default: `"0.25"` (the one CI tests with).
    pub version: Option<S<String>>,
    /// Further `global:` options (`http_config`, `opsgenie_api_key_file`, `pagerduty_url`,
    /// ...; docs/format.md). Default: none.
    pub global: Option<S<Any>>,
    /// Notification template files, shipped in `alertmanager/templates/`. Default: `[]`.
    #[serde(default, rename = "template")]
    pub templates: Vec<S<RawTemplate>>,
    /// Severity of the alerts that must reach a paging receiver (CM612). Default: the first
    /// of `[project] severities`.
    pub page_severity: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTemplate {
    /// File name in `alertmanager/templates/`, ending in `.tmpl`. Default: the name of `file`.
    pub name: Option<S<String>>,
    /// A template file beside `monitoring.toml` (a relative path inside its folder). One of
    /// `file` and `text` is required.
    pub file: Option<S<String>>,
    /// The template text itself (`{{ define "name" }}...{{ end }}`).
    pub text: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimeInterval {
    /// Required. Referenced by routes' `mute_time_intervals` and `active_time_intervals`.
    pub name: S<String>,
    /// The periods that make it up; a time is inside when any period holds it. Required.
    #[serde(default)]
    pub period: Vec<S<RawPeriod>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPeriod {
    /// Times of day, `"09:00-17:30"` (start included, end excluded; `24:00` ends the day).
    /// Default: the whole day.
    #[serde(default)]
    pub times: Vec<S<String>>,
    /// Days of the week or ranges, `"monday:friday"`. Default: every day.
    #[serde(default)]
    pub weekdays: Vec<S<String>>,
    /// Days of the month or ranges; negative counts from the end (`"-1"` is the last day).
    /// Default: every day.
    #[serde(default)]
    pub days_of_month: Vec<S<String>>,
    /// Months by name or number, or ranges, `"january:march"`. Default: every month.
    #[serde(default)]
    pub months: Vec<S<String>>,
    /// Years or ranges, `"2026:2027"`. Default: every year.
    #[serde(default)]
    pub years: Vec<S<String>>,
    /// IANA time zone of the times and days, `"Asia/Shanghai"`. Default: `"UTC"`.
    pub location: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRouteTest {
    /// A name for the report and `ccmon test --only`. Default: the labels.
    pub name: Option<S<String>>,
    /// Required. The alert's labels (`alertname`, `severity`, `job`...).
    pub labels: S<BTreeMap<String, S<String>>>,
    /// When the notification would go out: RFC 3339 (`"2026-12-05T03:00:00+08:00"`) or a
    /// local `"2026-12-05 03:00"` read in `timezone`. Default: time intervals are not
    /// applied.
    pub at: Option<S<String>>,
    /// IANA time zone of a local `at`. Default: `"UTC"`.
    pub timezone: Option<S<String>>,
    /// The receivers notified, in order; `[]` when muted or inhibited. Required unless
    /// `inhibited_by` is set.
    pub expect: Option<Vec<S<String>>>,
    /// Labels of a firing alert that inhibits this one (no receiver is notified).
    pub inhibited_by: Option<S<BTreeMap<String, S<String>>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSmtp {
    /// Required. `global.smtp_smarthost`.
    pub smarthost: S<String>,
    /// Required. `global.smtp_from`.
    pub from: S<String>,
    /// `global.smtp_auth_username`.
    pub auth_username: Option<S<String>>,
    /// Refused (CM601): secrets are given as files (`auth_password_file`) only.
    pub auth_password: Option<S<String>>,
    /// `global.smtp_auth_password_file`.
    pub auth_password_file: Option<S<String>>,
    /// `global.smtp_require_tls`. Default: `true`.
    pub require_tls: Option<S<bool>>,
    /// `global.smtp_hello`: the name given in HELO/EHLO. Default: Alertmanager's `localhost`.
    pub hello: Option<S<String>>,
    /// `global.smtp_auth_identity` (PLAIN authentication). Default: none.
    pub auth_identity: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    /// Required. Referenced by routes.
    pub name: S<String>,
    /// Whether this receiver wakes someone up (CM612). Default: whether it has a PagerDuty,
    /// Opsgenie, VictorOps or Pushover integration.
    pub pages: Option<S<bool>>,
    /// `discord_configs`: the options of Alertmanager's `discord_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub discord: Vec<S<Any>>,
    /// `email_configs`: the options of Alertmanager's `email_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub email: Vec<S<Any>>,
    /// `jira_configs`: the options of Alertmanager's `jira_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub jira: Vec<S<Any>>,
    /// `msteams_configs`: the options of Alertmanager's `msteams_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub msteams: Vec<S<Any>>,
    /// `msteamsv2_configs`: the options of Alertmanager's `msteamsv2_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub msteamsv2: Vec<S<Any>>,
    /// `opsgenie_configs`: the options of Alertmanager's `opsgenie_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub opsgenie: Vec<S<Any>>,
    /// `pagerduty_configs`: the options of Alertmanager's `pagerduty_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub pagerduty: Vec<S<Any>>,
    /// `pushover_configs`: the options of Alertmanager's `pushover_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub pushover: Vec<S<Any>>,
    /// `rocketchat_configs`: the options of Alertmanager's `rocketchat_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub rocketchat: Vec<S<Any>>,
    /// `slack_configs`: the options of Alertmanager's `slack_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub slack: Vec<S<Any>>,
    /// `sns_configs`: the options of Alertmanager's `sns_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub sns: Vec<S<Any>>,
    /// `telegram_configs`: the options of Alertmanager's `telegram_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub telegram: Vec<S<Any>>,
    /// `victorops_configs`: the options of Alertmanager's `victorops_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub victorops: Vec<S<Any>>,
    /// `webex_configs`: the options of Alertmanager's `webex_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub webex: Vec<S<Any>>,
    /// `webhook_configs`: the options of Alertmanager's `webhook_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub webhook: Vec<S<Any>>,
    /// `wechat_configs`: the options of Alertmanager's `wechat_config` (docs/format.md). Default: `[]`.
    #[serde(default)]
    pub wechat: Vec<S<Any>>,
}

impl RawReceiver {
    /// Every integration table, by its key in `crate::am::spec::INTEGRATIONS`.
    pub fn integrations(&self) -> [(&'static str, &[S<Any>]); 16] {
        [
            ("discord", &self.discord),
            ("email", &self.email),
            ("jira", &self.jira),
            ("msteams", &self.msteams),
            ("msteamsv2", &self.msteamsv2),
            ("opsgenie", &self.opsgenie),
            ("pagerduty", &self.pagerduty),
            ("pushover", &self.pushover),
            ("rocketchat", &self.rocketchat),
            ("slack", &self.slack),
            ("sns", &self.sns),
            ("telegram", &self.telegram),
            ("victorops", &self.victorops),
            ("webex", &self.webex),
            ("webhook", &self.webhook),
            ("wechat", &self.wechat),
        ]
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// Default receiver. Default: the first `[[receiver]]`.
    pub receiver: Option<S<String>>,
    /// Matchers of a child route (`'severity="critical"'`); refused on the root, which
    /// matches every alert (CM209).
    #[serde(default)]
    pub matchers: Vec<S<String>>,
    /// Grouping labels. Default: Alertmanager's default.
    pub group_by: Option<Vec<S<String>>>,
    /// Wait before the first notification of a group. Default: Alertmanager's.
    pub group_wait: Option<S<String>>,
    /// Wait before notifying of new alerts in a group. Default: Alertmanager's.
    pub group_interval: Option<S<String>>,
    /// Wait before repeating a notification. Default: Alertmanager's.
    pub repeat_interval: Option<S<String>>,
    /// Written only when `true`. Default: `false`.
    #[serde(rename = "continue")]
    pub continue_: Option<S<bool>>,
    /// Child routes, tried in order. Default: `[]`.
    #[serde(default)]
    pub routes: Vec<S<RawRoute>>,
    /// Time intervals during which this route sends nothing. Default: `[]`.
    #[serde(default)]
    pub mute_time_intervals: Vec<S<String>>,
    /// Time intervals outside which this route sends nothing. Default: `[]` (always).
    #[serde(default)]
    pub active_time_intervals: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInhibit {
    /// Required. Alerts that inhibit.
    pub source: S<Vec<S<String>>>,
    /// Required. Alerts that are inhibited.
    pub target: S<Vec<S<String>>>,
    /// Labels that must have the same value on both. Default: `[]`.
    #[serde(default)]
    pub equal: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogs {
    /// Whether this output is generated. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// `[[logs.input]]`. Default: one default input.
    #[serde(default, rename = "input")]
    pub inputs: Vec<S<RawLogInput>>,
    /// `[logs.elasticsearch]`. Default: see below.
    pub elasticsearch: Option<S<RawElasticsearch>>,
    /// `setup.kibana.host`.
    pub kibana: Option<S<RawKibana>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogInput {
    /// Required. Filebeat input id (its registry key).
    pub id: S<String>,
    /// Required. Files read.
    pub paths: S<Vec<S<String>>>,
    /// Written as `service.name`. Default: the `id`.
    pub service: Option<S<String>>,
    /// Written as `labels.*` fields. Default: `{}`.
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawElasticsearch {
    /// Required. `output.elasticsearch.hosts`.
    pub hosts: S<Vec<S<String>>>,
    /// Custom index, e.g. `"claude-code-%{+yyyy.MM.dd}"`. Default: Filebeat's default data
    /// stream.
    pub index: Option<S<String>>,
    /// Elasticsearch user.
    pub username: Option<S<String>>,
    /// Refused (CM601): give `password_keystore`, a Filebeat keystore entry.
    pub password: Option<S<String>>,
    /// Name of a Filebeat keystore entry (or environment variable) holding the password.
    pub password_keystore: Option<S<String>>,
    /// Refused (CM601): give `api_key_keystore`, a Filebeat keystore entry.
    pub api_key: Option<S<String>>,
    /// Name of a Filebeat keystore entry holding the API key; written as `api_key: ${NAME}`.
    pub api_key_keystore: Option<S<String>>,
    /// `ssl.certificate_authorities`.
    pub ca_file: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKibana {
    /// `setup.kibana.host`. Required.
    pub host: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDashboard {
    /// Whether this output is generated. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// Dashboard title. Default: the project name.
    pub title: Option<S<String>>,
    /// Dashboard uid and file name. Default: the project name.
    pub uid: Option<S<String>>,
    /// Auto-refresh. Default: `"30s"`.
    pub refresh: Option<S<String>>,
    /// Start of the default time range (to `now`). Default: `"now-6h"`.
    pub time_from: Option<S<String>>,
    /// Dashboard tags. Default: `[]`.
    #[serde(default)]
    pub tags: Vec<S<String>>,
    /// Add a panel for every alert not already shown by a `[[dashboard.panel]]`. Default:
    /// `true`.
    pub alert_panels: Option<S<bool>>,
    /// Uid of the provisioned Prometheus datasource used by every panel. Default:
    /// `"prometheus"`.
    pub datasource_uid: Option<S<String>>,
    /// The datasource URL. Default: `http://<[prometheus] listen>`.
    pub prometheus_url: Option<S<String>>,
    /// The dimensions whose alert panels and SLO rows this dashboard shows (its own panels
    /// are shown wherever they are placed). Default: every dimension.
    pub dimensions: Option<S<Vec<S<String>>>>,
    /// `[[dashboard.panel]]`. Default: `[]`.
    #[serde(default, rename = "panel")]
    pub panels: Vec<S<RawPanel>>,
    /// `[[dashboard.variable]]`: template variables (`$datasource` is always there).
    /// Default: `[]`.
    #[serde(default, rename = "variable")]
    pub variables: Vec<S<RawVariable>>,
}

/// A dashboard template variable.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVariable {
    /// Required. Its name, used as `$name` in queries.
    pub name: S<String>,
    /// `query` (its choices come from Prometheus), `custom` (a fixed list) or `interval` (a
    /// list of durations). Default: `"query"`.
    pub kind: Option<S<String>>,
    /// `query`: `label_values(<selector>, <label>)`, `label_values(<label>)`, `label_names()`,
    /// `metrics(<regex>)` or `query_result(<PromQL>)`.
    pub query: Option<S<String>>,
    /// `custom` and `interval`: the choices.
    pub values: Option<S<Vec<S<String>>>>,
    /// Shown instead of the name. Default: the name.
    pub label: Option<S<String>>,
    /// Several values may be chosen (use `=~"$name"` in matchers). Default: `false`.
    pub multi: Option<S<bool>>,
    /// An `All` choice. Default: `false`.
    pub include_all: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    /// Required. Panel title.
    pub title: S<String>,
    /// Row the panel is placed in; none places it at the top. Default: the alert's dimension,
    /// if `alert` is set.
    pub dimension: Option<S<String>>,
    /// Grafana panel type: `timeseries`, `stat`, `gauge`, `bargauge`, `table`, `text`,
    /// `heatmap` or `state-timeline` (`graph` is refused). Default: `"timeseries"`.
    pub kind: Option<S<String>>,
    /// `text`: the markdown shown.
    pub content: Option<S<String>>,
    /// Lowest value of the gauge or axis. Default: Grafana's automatic range.
    pub min: Option<S<NumOrStr>>,
    /// Highest value of the gauge or axis. Default: Grafana's automatic range.
    pub max: Option<S<NumOrStr>>,
    /// Decimals shown. Default: Grafana's choice.
    pub decimals: Option<S<i64>>,
    /// Value unit. Default: the alert's unit, if `alert` is set, else `short`.
    pub unit: Option<S<String>>,
    /// The alert this panel shows: its value is plotted when the panel has no query, its
    /// threshold is drawn as a red line (none for `target_down`, `raw` and `absent`), and no
    /// automatic panel is made for it.
    pub alert: Option<S<String>>,
    /// Grid columns. Default: `12` (`6` for `stat`) only.
    pub width: Option<S<i64>>,
    /// Grid rows. Default: `8`.
    pub height: Option<S<i64>>,
    /// `timeseries` and `state-timeline`: the legend, `list`, `table` or `hidden`. Default:
    /// `"list"`.
    pub legend: Option<S<String>>,
    /// Where the legend is: `bottom` or `right`. Default: `"bottom"`.
    pub legend_placement: Option<S<String>>,
    /// Values shown in the legend for each series, Grafana reducer ids such as `lastNotNull`,
    /// `mean`, `max`. Default: `[]`.
    pub legend_values: Option<S<Vec<S<String>>>>,
    /// `timeseries`: series stacked, `none`, `normal` or `percent`. Default: `"none"`.
    pub stack: Option<S<String>>,
    /// Colour steps: the first has only a `color` (the base), each next a `value` above the
    /// one before. Default: the alert's threshold in red, else green only.
    pub thresholds: Option<S<Vec<S<RawStep>>>>,
    /// `table`: column titles by the name Grafana gives them (`Value`, `instance`, `Value
    /// #A`). Default: `{}`.
    pub rename: Option<S<BTreeMap<String, S<String>>>>,
    /// `[[dashboard.panel.mapping]]`: values shown as text (and colour). Default: `[]`.
    #[serde(default, rename = "mapping")]
    pub mappings: Vec<S<RawMapping>>,
    /// `[[dashboard.panel.query]]`. Default: `[]`.
    #[serde(default, rename = "query")]
    pub queries: Vec<S<RawQuery>>,
}

/// A colour step of a panel's thresholds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// Where the colour starts; none for the first step (the base colour).
    pub value: Option<S<NumOrStr>>,
    /// Required. A Grafana colour name (`green`, `dark-red`...) or `#rrggbb`.
    pub color: S<String>,
}

/// A value mapping: a value, or a range, shown as text.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMapping {
    /// The value mapped (`"0"`, `"1"`). Either this or `from` and `to`.
    pub value: Option<S<NumOrStr>>,
    /// Lowest value of the range mapped.
    pub from: Option<S<NumOrStr>>,
    /// Highest value of the range mapped.
    pub to: Option<S<NumOrStr>>,
    /// Required. Shown instead of the value.
    pub text: S<String>,
    /// Its colour. Default: the thresholds' colour.
    pub color: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuery {
    /// Required. Query.
    pub expr: S<String>,
    /// `legendFormat`.
    pub legend: Option<S<String>>,
    /// This query's own unit (an override). Default: the panel's.
    pub unit: Option<S<String>>,
    /// This query's colour (an override). Default: Grafana's palette.
    pub color: Option<S<String>>,
    /// `timeseries`: the axis it is drawn against, `left` or `right` (an override). Default:
    /// `"left"`.
    pub axis: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProxy {
    /// Whether this output is generated. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// Target nginx version; from 1.25.1 HTTP/2 is enabled with `http2 on;` instead of `listen
    /// ... http2`. Default: `"1.22.1"`.
    pub nginx_version: Option<S<String>>,
    /// Upstream block name. Default: `<project>_backend` (`-` replaced by `_`) only.
    pub upstream: Option<S<String>>,
    /// Balancing method; `random` is written `random two least_conn`. Default: `"round_robin"`.
    pub balance: Option<S<String>>,
    /// Idle upstream connections per worker; `0` turns upstream keepalive off. Default: `32`.
    pub keepalive: Option<S<i64>>,
    /// Upstream `keepalive_timeout` (written only with keepalive on). Default: `"60s"`.
    pub keepalive_timeout: Option<S<String>>,
    /// `server_name`. Default: `["_"]`.
    pub server_names: Option<S<Vec<S<String>>>>,
    /// Plain HTTP port. Default: `80`.
    pub listen_http: Option<S<i64>>,
    /// TLS port (used only with `[proxy.tls]`). Default: `443`.
    pub listen_https: Option<S<i64>>,
    /// Exact location proxied to the backends without access log. Default: `"/health"`.
    pub health_path: Option<S<String>>,
    /// Path. Default: `/var/log/nginx/<project>-access.log`.
    pub access_log: Option<S<String>>,
    /// Path. Default: `/var/log/nginx/<project>-error.log`.
    pub error_log: Option<S<String>>,
    /// Path. Default: `"/run/nginx.pid"`.
    pub pid_file: Option<S<String>>,
    /// Nginx size: digits with an optional `k`, `K`, `m` or `M` (CM208). Default: `"10m"`.
    pub client_max_body_size: Option<S<String>>,
    /// `[[proxy.backend]]`. Default: see below.
    #[serde(default, rename = "backend")]
    pub backends: Vec<S<RawBackend>>,
    /// `[proxy.tls]`. Default: none (plain HTTP).
    pub tls: Option<S<RawTls>>,
    /// `[proxy.timeouts]`. Default: all `60s`.
    pub timeouts: Option<S<RawTimeouts>>,
    /// `[proxy.buffering]`. Default: buffering on, nginx's sizes.
    pub buffering: Option<S<RawBuffering>>,
    /// Allows nginx Plus-only directives (active `health_check`); off by default.
    pub nginx_plus: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBackend {
    /// Required. Upstream server.
    pub address: S<String>,
    /// 1 to 1000 (CM208). Default: `1`.
    pub weight: Option<S<i64>>,
    /// Failures before the server is marked down (passive health check). Default: `3`.
    pub max_fails: Option<S<i64>>,
    /// Positive duration. Default: `"10s"`.
    pub fail_timeout: Option<S<String>>,
    /// Backup server; not allowed with `ip_hash` or `random` (CM211), as in nginx. Default:
    /// `false`.
    pub backup: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// Required. `ssl_certificate`.
    pub certificate: S<String>,
    /// Required. `ssl_certificate_key`.
    pub certificate_key: S<String>,
    /// `ssl_protocols`. Default: `["TLSv1.2", "TLSv1.3"]`.
    pub protocols: Option<S<Vec<S<String>>>>,
    /// `ssl_ciphers`. Default: `"HIGH:!aNULL:!MD5"`.
    pub ciphers: Option<S<String>>,
    /// `true`: `listen_http` only redirects to HTTPS (301); `false`: the site is also served on
    /// `listen_http`. Default: `true`.
    pub redirect_http: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimeouts {
    /// `proxy_connect_timeout`. Default: `"60s"`.
    pub connect: Option<S<String>>,
    /// `proxy_send_timeout`. Default: `"60s"`.
    pub send: Option<S<String>>,
    /// `proxy_read_timeout`. Default: `"60s"`.
    pub read: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBuffering {
    /// `proxy_buffering on` or `off`. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// `proxy_buffer_size`. Default: nginx's default.
    pub buffer_size: Option<S<String>>,
    /// `proxy_buffers`. Default: nginx's default.
    pub buffers: Option<S<String>>,
    /// `proxy_busy_buffers_size`. Default: nginx's default.
    pub busy_buffers_size: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServices {
    /// `[services.prometheus]` → `prometheus.service`. Default: unit generated.
    pub prometheus: Option<S<RawService>>,
    /// `[services.alertmanager]` → `alertmanager.service`. Default: unit generated.
    pub alertmanager: Option<S<RawService>>,
    /// `[services.filebeat]` → `filebeat.service`. Default: unit generated when logs are on.
    pub filebeat: Option<S<RawService>>,
    /// `[services.node_exporter]` → `node-exporter.service`. Default: unit generated.
    pub node_exporter: Option<S<RawService>>,
    /// `[services.blackbox_exporter]` → `blackbox-exporter.service`. Default: unit generated
    /// when there are health checks.
    pub blackbox_exporter: Option<S<RawService>>,
    /// `[services.nginx_exporter]` → `nginx-exporter.service`. Default: unit generated when
    /// `[proxy]` is on and self-monitoring watches nginx.
    pub nginx_exporter: Option<S<RawService>>,
    /// `[[services.app]]` → `<name>.service`. Default: `[]`.
    #[serde(default, rename = "app")]
    pub apps: Vec<S<RawApp>>,
}

/// A stack process: its unit is generated with flags derived from the rest of the config.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Generate the unit. Default: `true` (filebeat: whether logs are on).
    pub enabled: Option<S<bool>>,
    /// Program. Default: see below.
    pub binary: Option<S<String>>,
    /// `User=`. Default: `prometheus` (filebeat: `root`) only.
    pub user: Option<S<String>>,
    /// Where the generated config is installed; used in the config flags. Refused for
    /// node_exporter (CM104). Default: `/etc/prometheus` (filebeat: `/etc/filebeat`) only.
    pub config_dir: Option<S<String>>,
    /// node_exporter only: its `--web.listen-address`. Refused for prometheus and alertmanager
    /// (set `listen` in `[prometheus]` / `[alertmanager]`, which the other outputs follow) and
    /// for filebeat (CM104). Default: see below.
    pub listen: Option<S<String>>,
    /// Appended to the command line. Default: `[]`.
    #[serde(default)]
    pub extra_flags: Vec<S<String>>,
}

/// The monitored service itself.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawApp {
    /// Required. Unit file name `<name>.service`.
    pub name: S<String>,
    /// Required. Command line, split on blanks. With `environment_file`, `${VAR}` is left for
    /// systemd to expand from it (a bare `$VAR` is refused, CM210: systemd expands it only as a
    /// whole word, split on blanks, and passes it on literally inside a word); every other `$`
    /// reaches the program as written. The program, `working_directory` and `read_write_paths`
    /// may not be under `/home`, `/root` or `/run/user` (hidden by `ProtectHome=yes`, CM213).
    pub exec: S<String>,
    /// `User=`. Default: the project name.
    pub user: Option<S<String>>,
    /// `WorkingDirectory=`.
    pub working_directory: Option<S<String>>,
    /// `EnvironmentFile=`.
    pub environment_file: Option<S<String>>,
    /// `Description=`. Default: `<name> (<project>)`.
    pub description: Option<S<String>>,
    /// `ReadWritePaths=`: the only paths the process may write; each written with systemd's `-`
    /// prefix, so a path that does not exist yet is skipped rather than failing the start.
    /// Default: `[]`.
    #[serde(default)]
    pub read_write_paths: Vec<S<String>>,
}

/// A health check: what is probed, what counts as healthy, and the alert when it is not.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    /// Required. The check's name: its probe job is `probe-<name>`, its blackbox module
    /// `<name>`.
    pub name: S<String>,
    /// An `http://` or `https://` URL that must answer. One of `http`, `tcp`, `dns`.
    pub http: Option<S<String>>,
    /// A `host:port` that must accept a connection.
    pub tcp: Option<S<String>>,
    /// A name that must resolve, asked of `server`.
    pub dns: Option<S<String>>,
    /// `dns`: the DNS server, `host:port` or `host`. Required with `dns`.
    pub server: Option<S<String>>,
    /// `dns`: the record type asked for. Default: `"A"`.
    pub record: Option<S<String>>,
    /// `http`: the accepted status codes. Default: any 2xx.
    pub status: Option<S<Vec<S<i64>>>>,
    /// `http`: a regular expression (RE2) the body must match.
    pub body: Option<S<String>>,
    /// `http`: the request method. Default: `"GET"`.
    pub method: Option<S<String>>,
    /// `tcp`: a TLS handshake is made after connecting. Default: `false`.
    pub tls: Option<S<bool>>,
    /// `https` or `tcp` with `tls`: a CA file to verify the certificate with (absolute path).
    pub ca_file: Option<S<String>>,
    /// How soon before the certificate's expiry the certificate alert fires (`https` and TLS
    /// checks only). `"0s"` turns the certificate alert off. Default: `"14d"`.
    pub certificate_expiry: Option<S<String>>,
    /// How often the check runs. Default: the global `scrape_interval`.
    pub interval: Option<S<String>>,
    /// How long one probe may take. Default: `"5s"` (at most the interval).
    pub timeout: Option<S<String>>,
    /// How long the check must fail before the alert fires. Default: `"2m"`.
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    /// The alert's `severity`. Default: `"critical"`.
    pub severity: Option<S<String>>,
    /// The alert's name. Default: the check's name in CamelCase + `ProbeFailing`
    /// (`llm-gateway` → `LlmGatewayProbeFailing`).
    pub alert: Option<S<String>>,
    /// The alert's dimension (rule group, dashboard row). Default: none.
    pub dimension: Option<S<String>>,
    /// The alert's `summary`. Default: says which check fails.
    pub summary: Option<S<String>>,
}

/// What of the stack watches itself. Every part is on by default.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSelfMonitoring {
    /// Whether any of it is generated. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// Scrape Prometheus itself; alert on failed rule evaluations, a failed reload, no
    /// Alertmanager. Default: `true`.
    pub prometheus: Option<S<bool>>,
    /// Scrape Alertmanager; alert on failed notifications and a failed reload. Default: `true`.
    pub alertmanager: Option<S<bool>>,
    /// Scrape the node exporter (unless a job named `node` exists); alert on disks filling and
    /// memory pressure. Default: `true`.
    pub node: Option<S<bool>>,
    /// Scrape the blackbox exporter when there are health checks. Default: `true`.
    pub blackbox: Option<S<bool>>,
    /// nginx's `stub_status` on loopback, read by the nginx exporter, scraped (with `[proxy]`).
    /// Default: `true`.
    pub nginx: Option<S<bool>>,
    /// Where nginx serves `stub_status` for the nginx exporter (allowed from loopback only).
    /// Default: `"127.0.0.1:8081"`.
    pub nginx_status: Option<S<String>>,
    /// Filebeat's HTTP endpoint on loopback, probed (with `[logs]`). Default: `true`.
    pub filebeat: Option<S<bool>>,
    /// Alert when a scraped target is down, for every job. Default: `true`.
    pub targets: Option<S<bool>>,
    /// The `Watchdog` alert that always fires, routed to `deadman_receiver`. Default: `true`.
    pub deadman: Option<S<bool>>,
    /// The receiver the `Watchdog` heartbeat goes to (a dead man's switch service); its own
    /// route, first in the tree. Required with `deadman` on when there are receivers.
    pub deadman_receiver: Option<S<String>>,
    /// How often the heartbeat is sent again. Default: `"1m"`.
    pub deadman_interval: Option<S<String>>,
    /// The disk alert fires when a filesystem has less free space than this. Default: `"10%"`.
    pub disk_free_below: Option<S<NumOrStr>>,
    /// The memory alert fires when less memory than this is available. Default: `"10%"`.
    pub memory_available_below: Option<S<NumOrStr>>,
}

/// Maintenance: TSDB snapshots and configuration backups on timers (run by `ccmon` on the
/// server), log rotation, and cleanup of old files.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaintenance {
    /// Whether any of it is generated. Default: `true`.
    pub enabled: Option<S<bool>>,
    /// The ccmon program on the server, which the timers run. Default:
    /// `"/usr/local/bin/ccmon"`.
    pub ccmon: Option<S<String>>,
    /// How long rotated logs and the files under `cleanup` are kept. Default: `"30d"`.
    pub retention: Option<S<String>>,
    /// When Prometheus' TSDB is snapshotted (systemd `OnCalendar=`). Default: `"daily"`.
    pub snapshot_schedule: Option<S<String>>,
    /// How many snapshots are kept; `0` turns snapshots off. Default: `7`.
    pub snapshots_kept: Option<S<i64>>,
    /// When the configuration is backed up (systemd `OnCalendar=`). Default: `"daily"`.
    pub backup_schedule: Option<S<String>>,
    /// How many backups are kept; `0` turns backups off. Default: `30`.
    pub backups_kept: Option<S<i64>>,
    /// Where backups are written. Default: `"/var/backups/<project>"`.
    pub backup_dir: Option<S<String>>,
    /// What is backed up. Default: the folders of the generated configuration,
    /// `/etc/ccmon` (where `monitoring.toml` is kept on the server) and the apps' units.
    pub backup_paths: Option<S<Vec<S<String>>>>,
    /// Log files rotated daily and kept `retention` days. Default: the `[logs]` inputs' paths
    /// and nginx's logs.
    pub rotate: Option<S<Vec<S<String>>>>,
    /// Folders whose files older than `retention` are deleted (a cache). Default: `[]`.
    #[serde(default)]
    pub cleanup: Vec<S<String>>,
}
