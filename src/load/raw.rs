//! The raw configuration: `monitoring.toml` exactly as written (see `docs/format.md`), every
//! value with its byte span. Nothing here judges values; unknown keys are refused by serde.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

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
    pub project: S<RawProject>,
    #[serde(default)]
    pub prometheus: Option<S<RawPrometheus>>,
    #[serde(default, rename = "job")]
    pub jobs: Vec<S<RawJob>>,
    #[serde(default, rename = "dimension")]
    pub dimensions: Vec<S<RawDimension>>,
    #[serde(default, rename = "alert")]
    pub alerts: Vec<S<RawAlert>>,
    /// Recording rules.
    #[serde(default, rename = "record")]
    pub records: Vec<S<RawRecord>>,
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
    /// Keys that recovery removed after a structure error, as (span of the table that held
    /// them, key). `check` does not report them missing a second time.
    #[serde(skip)]
    #[schemars(skip)]
    pub removed: Vec<(Range<usize>, String)>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    pub name: S<String>,
    #[serde(default)]
    pub environment: Option<S<String>>,
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRemoteWrite {
    pub url: S<String>,
    pub username: Option<S<String>>,
    pub password: Option<S<String>>,
    pub password_file: Option<S<String>>,
    pub bearer_token: Option<S<String>>,
    pub bearer_token_file: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub name: S<String>,
    pub title: S<String>,
    pub objective: Option<S<String>>,
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
    pub errors: Option<S<String>>,
    pub good: Option<S<String>>,
    pub total: Option<S<String>>,
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
    /// The share of the period's budget burnt in the long window (`"2%"`).
    pub budget: Option<S<NumOrStr>>,
}

/// Every alert kind's keys in one table; `check` says which keys a kind takes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub name: S<String>,
    pub dimension: Option<S<String>>,
    pub kind: S<String>,
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    /// Required, unless the alert has tiers (each tier has its own).
    pub severity: Option<S<String>>,
    /// Required, unless every tier has its own.
    pub summary: Option<S<String>>,
    pub description: Option<S<String>>,
    pub runbook: Option<S<String>>,
    /// Annotations beside `summary`, `description` and `runbook_url` (Go templates, with
    /// ccmon's placeholders).
    #[serde(default)]
    pub annotations: BTreeMap<S<String>, S<String>>,
    /// How long the alert keeps firing after its condition stops holding (Prometheus 2.42).
    pub keep_firing_for: Option<S<String>>,
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
    /// `predict_linear`: how far ahead the trend is extended.
    pub horizon: Option<S<String>>,
    /// `state`: the value that fires, or the one value that does not.
    pub equals: Option<S<NumOrStr>>,
    pub not_equals: Option<S<NumOrStr>>,
    pub by: Option<S<Vec<S<String>>>>,
    /// `rate`, `increase`, `error_ratio`: keep every series instead of summing `by` labels.
    pub per_series: Option<S<bool>>,
    pub window: Option<S<String>>,
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
    /// When the rule is evaluated (`"15m"`).
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
    pub below: Option<S<NumOrStr>>,
    pub equals: Option<S<NumOrStr>>,
    pub not_equals: Option<S<NumOrStr>>,
    /// Kind `raw`: the tier's own condition, in place of the alert's `expr`.
    pub expr: Option<S<String>>,
    #[serde(rename = "for")]
    pub for_: Option<S<String>>,
    pub keep_firing_for: Option<S<String>>,
    pub summary: Option<S<String>>,
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
    pub listen: Option<S<String>>,
    pub external_url: Option<S<String>>,
    pub storage_path: Option<S<String>>,
    pub resolve_timeout: Option<S<String>>,
    pub smtp: Option<S<RawSmtp>>,
    pub slack_api_url_file: Option<S<String>>,
    pub slack_api_url: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSmtp {
    pub smarthost: S<String>,
    pub from: S<String>,
    pub auth_username: Option<S<String>>,
    pub auth_password: Option<S<String>>,
    pub auth_password_file: Option<S<String>>,
    pub require_tls: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEmail {
    pub to: S<String>,
    pub send_resolved: Option<S<bool>>,
    pub auth_password: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSlack {
    pub channel: S<String>,
    pub api_url: Option<S<String>>,
    pub api_url_file: Option<S<String>>,
    pub title: Option<S<String>>,
    pub text: Option<S<String>>,
    pub send_resolved: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    /// Alertmanager 0.25 has no `url_file`: keep tokens out of webhook URLs.
    pub url: S<String>,
    pub send_resolved: Option<S<bool>>,
    pub max_alerts: Option<S<i64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPagerduty {
    pub routing_key: Option<S<String>>,
    pub routing_key_file: Option<S<String>>,
    pub send_resolved: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInhibit {
    pub source: S<Vec<S<String>>>,
    pub target: S<Vec<S<String>>>,
    #[serde(default)]
    pub equal: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogs {
    pub enabled: Option<S<bool>>,
    #[serde(default, rename = "input")]
    pub inputs: Vec<S<RawLogInput>>,
    pub elasticsearch: Option<S<RawElasticsearch>>,
    pub kibana: Option<S<RawKibana>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogInput {
    pub id: S<String>,
    pub paths: S<Vec<S<String>>>,
    pub service: Option<S<String>>,
    #[serde(default)]
    pub labels: BTreeMap<S<String>, S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKibana {
    pub host: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuery {
    pub expr: S<String>,
    pub legend: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBackend {
    pub address: S<String>,
    pub weight: Option<S<i64>>,
    pub max_fails: Option<S<i64>>,
    pub fail_timeout: Option<S<String>>,
    pub backup: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub certificate: S<String>,
    pub certificate_key: S<String>,
    pub protocols: Option<S<Vec<S<String>>>>,
    pub ciphers: Option<S<String>>,
    pub redirect_http: Option<S<bool>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimeouts {
    pub connect: Option<S<String>>,
    pub send: Option<S<String>>,
    pub read: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBuffering {
    pub enabled: Option<S<bool>>,
    pub buffer_size: Option<S<String>>,
    pub buffers: Option<S<String>>,
    pub busy_buffers_size: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
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
#[derive(Debug, Deserialize, JsonSchema)]
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
#[derive(Debug, Deserialize, JsonSchema)]
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
