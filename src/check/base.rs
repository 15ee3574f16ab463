//! Project, Prometheus settings, scrape jobs and dimensions.

use std::collections::BTreeMap;
use std::ops::Range;

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, RawJob, RawScrapeTls, S};
use crate::model::{Credentials, Dimension, Job, Project, Prometheus, RemoteWrite, ScrapeTls};
use crate::quantity::Duration;

pub fn project(cx: &mut Cx, raw: &RawConfig) -> Project {
    let p = raw.project.get_ref();
    let name = cx.name(&p.name, "project");
    if name.len() > 64 {
        cx.error(
            codes::EMPTY_NAME,
            format!("project name `{name}` is {} characters long", name.len()),
            p.name.span(),
            "at most 64: it names files and log paths, which have length limits",
        );
    }
    if !name.is_empty() && !plain(&name) {
        cx.error(
            codes::EMPTY_NAME,
            format!("project name `{name}` is used in file names and must be plain"),
            p.name.span(),
            "expected letters, digits, `-` and `_`",
        );
    }
    Project {
        name,
        environment: p
            .environment
            .as_ref()
            .map_or_else(|| "production".to_string(), |e| e.get_ref().clone()),
        external_labels: cx.labels(&p.external_labels),
        severities: severities(cx, p),
    }
}

/// Whether a project name can name files: letters, digits, `-` and `_` (else an error at the
/// name, and what derives from it is not checked again).
pub fn plain(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `severities`: label values, each once; the three usual ones by default.
fn severities(cx: &mut Cx, p: &crate::load::RawProject) -> Vec<String> {
    let Some(list) = &p.severities else {
        return crate::model::DEFAULT_SEVERITIES.map(String::from).to_vec();
    };
    cx.unique(list.get_ref().iter(), "severity");
    let mut out = Vec::new();
    for s in list.get_ref() {
        if s.get_ref().is_empty() {
            cx.error(
                codes::EMPTY_VALUE,
                "an empty severity",
                s.span(),
                "a route could not tell it from no severity",
            );
        } else {
            cx.token(s, "severity", crate::escape::prometheus::label_value);
        }
        out.push(s.get_ref().clone());
    }
    if out.is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            "no severity is declared",
            list.span(),
            "alerts need at least one",
        );
    }
    out
}

pub fn prometheus(cx: &mut Cx, raw: &RawConfig) -> Prometheus {
    let defaults = crate::load::RawPrometheus {
        version: None,
        scrape_interval: None,
        scrape_timeout: None,
        evaluation_interval: None,
        listen: None,
        external_url: None,
        retention: None,
        storage_path: None,
        alertmanagers: Vec::new(),
        remote_write: Vec::new(),
    };
    let p = raw.prometheus.as_ref().map_or(&defaults, |p| p.get_ref());
    let scrape_interval = cx.positive_duration(p.scrape_interval.as_ref(), Duration::from_secs(15));
    let scrape_timeout = cx.positive_duration(p.scrape_timeout.as_ref(), Duration::from_secs(10));
    if scrape_timeout > scrape_interval
        && let Some(s) = &p.scrape_timeout
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("scrape timeout {scrape_timeout} is longer than the scrape interval {scrape_interval}"),
            s.span(),
            "Prometheus refuses a timeout longer than the interval",
        );
    }
    let listen = p
        .listen
        .as_ref()
        .map_or_else(|| "127.0.0.1:9090".to_string(), |l| listen_address(cx, l));
    // Empty means "the Alertmanager this config describes"; `check` fills it in.
    let alertmanagers: Vec<String> = p.alertmanagers.iter().map(|a| address(cx, a)).collect();
    let remote_write = p
        .remote_write
        .iter()
        .map(|rw| {
            let rw = rw.get_ref();
            url(cx, &rw.url);
            let auth = credentials(
                cx,
                RawCredentials {
                    username: rw.username.as_ref(),
                    password: rw.password.as_ref(),
                    password_file: rw.password_file.as_ref(),
                    bearer_token: rw.bearer_token.as_ref(),
                    bearer_token_file: rw.bearer_token_file.as_ref(),
                },
                "remote write",
            );
            RemoteWrite {
                url: rw.url.get_ref().clone(),
                auth,
            }
        })
        .collect();
    let mut promql = crate::model::PromqlTarget::default();
    if let Some(v) = &p.version {
        match crate::promql_versions::parse_version(v.get_ref()) {
            Some(parsed) if parsed >= (2, 0) => promql.version = parsed,
            _ => cx.error(
                codes::UNKNOWN_CHOICE,
                format!("`{}` is not a Prometheus version", v.get_ref()),
                v.span(),
                "expected a release such as `2.42` or `2.53.1`",
            ),
        }
    }
    // `--enable-feature=a,b` given to the Prometheus unit.
    promql.features = raw
        .services
        .as_ref()
        .and_then(|s| s.get_ref().prometheus.as_ref())
        .map(|p| {
            p.get_ref()
                .extra_flags
                .iter()
                .filter_map(|f| f.get_ref().strip_prefix("--enable-feature="))
                .flat_map(|f| f.split(','))
                .map(|f| f.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    cx.promql = promql.clone();
    Prometheus {
        promql,
        scrape_interval,
        scrape_timeout,
        evaluation_interval: cx
            .positive_duration(p.evaluation_interval.as_ref(), Duration::from_secs(15)),
        listen,
        external_url: p.external_url.as_ref().map(|u| {
            url(cx, u);
            u.get_ref().clone()
        }),
        retention: cx.positive_duration(p.retention.as_ref(), Duration::from_secs(15 * 86400)),
        storage_path: p.storage_path.as_ref().map_or_else(
            || "/var/lib/prometheus/metrics2".into(),
            |s| {
                // Written into the unit's flags and `ReadWritePaths=`.
                cx.token(s, "storage path", crate::escape::systemd::path);
                s.get_ref().clone()
            },
        ),
        alertmanagers,
        remote_write,
    }
}

/// An `http(s)://` URL as Go's `net/url` parses it (the servers that read these are Go
/// programs), without credentials: a `user:password@` would be copied into a generated file.
pub fn url(cx: &mut Cx, s: &S<String>) {
    url_checked(cx, s, false);
}

/// [`url`] for an annotation, where `{{ ... }}` template actions may stand in the path.
pub fn templated_url(cx: &mut Cx, s: &S<String>) {
    url_checked(cx, s, true);
}

fn url_checked(cx: &mut Cx, s: &S<String>, templated: bool) {
    let v = s.get_ref();
    match url_problem(v, templated) {
        None => {}
        Some(UrlProblem::Credentials) => cx.push(
            Diagnostic::error(
                codes::PLAINTEXT_SECRET,
                "credentials in a URL",
            )
            .at(s.span(), "this `user:password@` would be copied into a generated file")
            .help("remove it from the URL: credentials go in a file the server reads (`username` with `password_file`, or `bearer_token_file`, or the Filebeat keystore)"),
        ),
        Some(UrlProblem::Malformed(why)) => cx.push(
            Diagnostic::error(
                codes::BAD_URL_OR_EMAIL,
                format!("`{}` is not an http(s) URL", v.escape_debug()),
            )
            .at(s.span(), why),
        ),
    }
}

enum UrlProblem {
    Credentials,
    Malformed(&'static str),
}

fn url_problem(v: &str, templated: bool) -> Option<UrlProblem> {
    use UrlProblem::*;
    let Some(rest) = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"))
    else {
        return Some(Malformed("expected `http://` or `https://` and a host"));
    };
    let bare = if templated {
        template_free(v)
    } else {
        v.to_string()
    };
    if bare.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some(Malformed("blanks or control characters"));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Some(Credentials);
    }
    let host_ok = match authority.rsplit_once(':') {
        _ if authority.starts_with('[') => match authority.split_once(']') {
            Some((h, p)) => {
                h[1..].parse::<std::net::Ipv6Addr>().is_ok() && (p.is_empty() || port_ok(p))
            }
            None => false,
        },
        Some((h, p)) => crate::escape::host_name(h) && port_ok(&format!(":{p}")),
        None => crate::escape::host_name(authority),
    };
    if !host_ok {
        return Some(Malformed(
            "expected a host name or IP address, and a port from 1 to 65535",
        ));
    }
    let tail = if templated {
        template_free(tail)
    } else {
        tail.to_string()
    };
    if tail.contains(['"', '<', '>', '\\', '^', '`', '{', '|', '}']) {
        return Some(Malformed("characters a URL must percent-encode"));
    }
    let b = tail.as_bytes();
    if b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    }) {
        return Some(Malformed("a `%` not followed by two hex digits"));
    }
    None
}

fn port_ok(p: &str) -> bool {
    p.strip_prefix(':').is_some_and(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|p| p > 0)
    })
}

/// `text` without its `{{ ... }}` actions.
fn template_free(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        match rest[i..].find("}}") {
            Some(j) => rest = &rest[i + j + 2..],
            None => return out + &rest[i..],
        }
    }
    out + rest
}

/// `host:port` with a port from 1 to 65535; returns the value as written.
pub fn address(cx: &mut Cx, s: &S<String>) -> String {
    let v = s.get_ref();
    if split_address(v).is_none() {
        cx.push(
            Diagnostic::error(
                codes::BAD_ADDRESS,
                format!("`{v}` is not a host:port address"),
            )
            .at(s.span(), "expected `host:port` with a port from 1 to 65535")
            .help("write for example `localhost:9100` or `[::1]:9100`"),
        );
    }
    v.clone()
}

/// A listen address: `host:port`, or `:port` for every interface (as Go servers read it).
pub fn listen_address(cx: &mut Cx, s: &S<String>) -> String {
    let v = s.get_ref();
    if let Some(port) = v.strip_prefix(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return v.clone();
    }
    address(cx, s)
}

pub use crate::addr::{reachable, server_url, split_address};

/// Loopback spellings are one host: `localhost:9100` and `127.0.0.1:9100` clash.
fn canonical_host(h: &str) -> &str {
    match h {
        "localhost" | "127.0.0.1" | "::1" => "localhost",
        h => h,
    }
}

/// The credentials Prometheus uses with a server, as `[[prometheus.remote_write]]` and
/// `[[job]]` give them.
pub struct RawCredentials<'a> {
    pub username: Option<&'a S<String>>,
    pub password: Option<&'a S<String>>,
    pub password_file: Option<&'a S<String>>,
    pub bearer_token: Option<&'a S<String>>,
    pub bearer_token_file: Option<&'a S<String>>,
}

/// Basic auth (`username`, `password_file`) or a bearer token (`bearer_token_file`), never a
/// secret as a value; `what` names the server ("remote write", "job `api`").
fn credentials(cx: &mut Cx, c: RawCredentials, what: &str) -> Credentials {
    cx.no_plaintext(c.password, "password", "password_file");
    cx.no_plaintext(c.bearer_token, "bearer_token", "bearer_token_file");
    if let (Some(_), Some(t)) = (c.username, c.bearer_token_file) {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("{what} takes basic auth or a bearer token, not both"),
            t.span(),
            "second kind of credentials here",
        );
    }
    if let (None, Some(p)) = (c.username, c.password_file) {
        cx.error(
            codes::INCOMPLETE_KEYS,
            "`password_file` needs a `username`",
            p.span(),
            "basic auth without a user name",
        );
    }
    let text = |v: Option<&S<String>>| v.map(|v| v.get_ref().clone());
    Credentials {
        username: text(c.username),
        password_file: text(c.password_file),
        bearer_token_file: text(c.bearer_token_file),
    }
}

/// A port from 1 to 65535, or a CM204 error at it.
pub(super) fn port_number(cx: &mut Cx, p: &S<i64>) -> Option<u16> {
    match u16::try_from(*p.get_ref()) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            cx.error(
                codes::BAD_ADDRESS,
                format!("port {} is out of range", p.get_ref()),
                p.span(),
                "expected 1 to 65535",
            );
            None
        }
    }
}

/// A file Prometheus reads (a secret, a certificate): an absolute path, as the server's
/// working directory is not the config's.
pub(super) fn absolute_file(cx: &mut Cx, f: &S<String>, key: &str) {
    if f.get_ref().contains(char::is_control) {
        cx.error(
            codes::UNUSABLE_PATH,
            format!("`{key}` holds a control character"),
            f.span(),
            "no file the server reads has one in its path",
        );
    } else if !f.get_ref().starts_with('/') {
        cx.error(
            codes::UNUSABLE_PATH,
            format!("`{key}` must be an absolute path"),
            f.span(),
            "Prometheus resolves a relative path against the folder of prometheus.yml",
        );
    }
}

/// Every host:port a job scrapes, with the job and the place that first names it.
type Endpoints = BTreeMap<(String, u16), (String, Range<usize>)>;

pub fn jobs(cx: &mut Cx, raw: &RawConfig, global_interval: Duration) -> Vec<Job> {
    cx.unique(raw.jobs.iter().map(|j| &j.get_ref().name), "job");
    let mut endpoints = Endpoints::new();
    raw.jobs
        .iter()
        .map(|j| {
            // A `targets` of the wrong type was reported and removed: it is not also missing.
            let removed = cx.was_removed(&j.span(), "targets");
            job(cx, j.get_ref(), global_interval, &mut endpoints, removed)
        })
        .collect()
}

/// One `[[job]]`; `endpoints` holds the targets of the jobs before it.
fn job(
    cx: &mut Cx,
    j: &RawJob,
    global_interval: Duration,
    endpoints: &mut Endpoints,
    targets_removed: bool,
) -> Job {
    let name = cx.name(&j.name, "job");
    if j.target_list().is_empty() && !j.discovers() && !targets_removed {
        let (span, label) = match &j.targets {
            Some(t) => (t.span(), "expected at least one `host:port`"),
            None => (
                j.name.span(),
                "list `targets`, or discover them (`file_sd`, `dns_sd`, `consul_sd`, `ec2_sd`, `kubernetes_sd`)",
            ),
        };
        cx.error(
            codes::EMPTY_VALUE,
            format!("job `{name}` has no targets"),
            span,
            label,
        );
    }
    let targets = targets(cx, j, &name, endpoints);
    let interval = j
        .interval
        .as_ref()
        .map(|i| cx.positive_duration(Some(i), Duration::from_secs(15)));
    let timeout = j
        .timeout
        .as_ref()
        .map(|i| cx.positive_duration(Some(i), Duration::from_secs(10)));
    let effective = interval.unwrap_or(global_interval);
    if let (Some(t), Some(ts)) = (timeout, &j.timeout)
        && t > effective
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("job `{name}`: scrape timeout {t} is longer than its interval {effective}"),
            ts.span(),
            "Prometheus refuses a timeout longer than the interval",
        );
    }
    let metrics_path = metrics_path(cx, j);
    let scheme = j
        .scheme
        .as_ref()
        .map_or_else(|| "http".to_string(), |s| s.get_ref().clone());
    if scheme != "http"
        && scheme != "https"
        && let Some(s) = &j.scheme
    {
        cx.error(
            codes::UNKNOWN_CHOICE,
            format!("scheme `{scheme}` is neither `http` nor `https`"),
            s.span(),
            "expected `http` or `https`",
        );
    }
    let labels = cx.labels(&j.labels);
    for k in j.labels.keys() {
        if k.get_ref().starts_with("__") || k.get_ref() == "job" || k.get_ref() == "instance" {
            cx.error(
                codes::BAD_LABEL_NAME,
                format!("target label `{}` is set by Prometheus itself", k.get_ref()),
                k.span(),
                "reserved label",
            );
        }
    }
    let exports = j
        .exports
        .iter()
        .map(|e| {
            let bare = S::new(e.span(), e.get_ref().trim_end_matches('*').to_string());
            cx.metric_name(&bare, "metric name or prefix", true);
            e.get_ref().clone()
        })
        .collect();
    let x = scrape_settings(cx, j, &name, &scheme);
    let (relabel, metric_relabel) = super::relabel::job_rules(cx, j, &name);
    let (discovery, target_groups) = super::discovery::job_discovery(cx, j, &name);
    // Discovered targets get the job's labels by relabeling, as no static group holds them.
    let mut relabel = relabel;
    if !discovery.is_empty() {
        let fixed = labels.iter().map(|(k, v)| crate::model::Relabel {
            action: "replace".into(),
            target_label: Some(k.clone()),
            replacement: Some(v.clone()),
            ..crate::model::Relabel::default()
        });
        relabel.splice(0..0, fixed);
    }
    Job {
        name,
        targets,
        interval,
        timeout,
        metrics_path,
        scheme,
        labels,
        exports,
        params: x.params,
        honor_labels: x.honor_labels,
        honor_timestamps: x.honor_timestamps,
        sample_limit: x.sample_limit,
        label_limit: x.label_limit,
        proxy_url: x.proxy_url,
        scrape_protocols: x.scrape_protocols,
        auth: x.auth,
        tls: x.tls,
        relabel,
        metric_relabel,
        discovery,
        target_groups,
        generated: false,
    }
}

/// A job's `metrics_path`: absolute, and without a query (which belongs in `params`).
fn metrics_path(cx: &mut Cx, j: &RawJob) -> String {
    let path = j
        .metrics_path
        .as_ref()
        .map_or_else(|| "/metrics".to_string(), |p| p.get_ref().clone());
    if let Some(p) = &j.metrics_path {
        if !path.starts_with('/') {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("metrics path `{path}` must start with `/`"),
                p.span(),
                "expected an absolute path",
            );
        } else if path.contains(['?', '#']) {
            cx.push(
                Diagnostic::error(
                    codes::UNUSABLE_PATH,
                    format!("metrics path `{path}` holds a query"),
                    )
                .at(p.span(), "Prometheus escapes `?` into the path: the target gets a path that does not exist")
                .help("write the path alone and the query in `params`, such as `params = { module = [\"http_2xx\"] }`"),
            );
        }
    }
    path
}

/// What a job says of its scrapes besides the targets and the path.
struct ScrapeSettings {
    params: BTreeMap<String, Vec<String>>,
    honor_labels: bool,
    honor_timestamps: bool,
    sample_limit: Option<u64>,
    label_limit: Option<u64>,
    proxy_url: Option<String>,
    scrape_protocols: Vec<String>,
    auth: Credentials,
    tls: Option<ScrapeTls>,
}

/// The exposition formats Prometheus 2.49 and later can ask for.
const PROTOCOLS: &[&str] = &[
    "PrometheusProto",
    "OpenMetricsText1.0.0",
    "OpenMetricsText0.0.1",
    "PrometheusText0.0.4",
];

fn scrape_protocols(cx: &mut Cx, j: &RawJob, name: &str) -> Vec<String> {
    if let Some(first) = j.scrape_protocols.first() {
        cx.needs_version(first.span(), "scrape_protocols", (2, 49));
    }
    let mut seen = Vec::new();
    for p in &j.scrape_protocols {
        let v = p.get_ref();
        if !PROTOCOLS.contains(&v.as_str()) {
            cx.error(
                codes::UNKNOWN_CHOICE,
                format!("job `{name}`: unknown scrape protocol `{v}`"),
                p.span(),
                "expected `PrometheusProto`, `OpenMetricsText1.0.0`, `OpenMetricsText0.0.1` or `PrometheusText0.0.4`",
            );
        } else if seen.contains(v) {
            cx.error(
                codes::DUPLICATE_NAME,
                format!("job `{name}` lists scrape protocol `{v}` twice"),
                p.span(),
                "Prometheus refuses a protocol listed twice",
            );
        }
        seen.push(v.clone());
    }
    seen
}

fn scrape_settings(cx: &mut Cx, j: &RawJob, name: &str, scheme: &str) -> ScrapeSettings {
    let mut params = BTreeMap::new();
    for (k, vs) in &j.params {
        if k.get_ref().is_empty() || vs.get_ref().is_empty() {
            cx.error(
                codes::EMPTY_VALUE,
                format!("job `{name}`: parameter `{}` without a value", k.get_ref()),
                if k.get_ref().is_empty() {
                    k.span()
                } else {
                    vs.span()
                },
                "expected a name and at least one value, such as `module = [\"http_2xx\"]`",
            );
        }
        let values = vs.get_ref().iter().map(|v| v.get_ref().clone()).collect();
        params.insert(k.get_ref().clone(), values);
    }
    let mut limit = |v: &Option<S<i64>>, key: &str| {
        let v = v.as_ref()?;
        match u64::try_from(*v.get_ref()) {
            Ok(0) => None,
            Ok(n) => Some(n),
            Err(_) => {
                cx.error(
                    codes::OUT_OF_RANGE,
                    format!(
                        "`{key} = {}` is not a number of samples or labels",
                        v.get_ref()
                    ),
                    v.span(),
                    "expected 0 (no limit) or more",
                );
                None
            }
        }
    };
    let sample_limit = limit(&j.sample_limit, "sample_limit");
    let label_limit = limit(&j.label_limit, "label_limit");
    if let Some(l) = &j.label_limit {
        cx.needs_version(l.span(), "label_limit", (2, 27));
    }
    if let Some(u) = &j.proxy_url {
        url(cx, u);
    }
    let auth = credentials(
        cx,
        RawCredentials {
            username: j.username.as_ref(),
            password: j.password.as_ref(),
            password_file: j.password_file.as_ref(),
            bearer_token: j.bearer_token.as_ref(),
            bearer_token_file: j.bearer_token_file.as_ref(),
        },
        &format!("job `{name}`"),
    );
    for (f, key) in [
        (&j.password_file, "password_file"),
        (&j.bearer_token_file, "bearer_token_file"),
    ] {
        if let Some(f) = f {
            absolute_file(cx, f, key);
        }
    }
    let tls = j.tls.as_ref().map(|t| {
        if scheme != "https" {
            cx.error(
                codes::CONFLICTING_SETTINGS,
                format!("job `{name}` sets `tls` but scrapes over `{scheme}`"),
                t.span(),
                "Prometheus uses TLS settings only with `scheme = \"https\"`",
            );
        }
        scrape_tls(cx, t.get_ref(), name)
    });
    ScrapeSettings {
        params,
        honor_labels: j.honor_labels.as_ref().is_some_and(|b| *b.get_ref()),
        honor_timestamps: j.honor_timestamps.as_ref().is_none_or(|b| *b.get_ref()),
        sample_limit,
        label_limit,
        proxy_url: j.proxy_url.as_ref().map(|u| u.get_ref().clone()),
        scrape_protocols: scrape_protocols(cx, j, name),
        auth,
        tls,
    }
}

/// A job's `[job.tls]`: files by absolute path, a client certificate with its key.
fn scrape_tls(cx: &mut Cx, t: &RawScrapeTls, name: &str) -> ScrapeTls {
    for (f, key) in [
        (&t.ca_file, "ca_file"),
        (&t.cert_file, "cert_file"),
        (&t.key_file, "key_file"),
    ] {
        if let Some(f) = f {
            absolute_file(cx, f, key);
        }
    }
    match (&t.cert_file, &t.key_file) {
        (Some(f), None) | (None, Some(f)) => cx.error(
            codes::INCOMPLETE_KEYS,
            format!("job `{name}`: a client certificate needs both `cert_file` and `key_file`"),
            f.span(),
            "the other one is missing",
        ),
        _ => {}
    }
    if let Some(s) = &t.server_name
        && !crate::escape::host_name(s.get_ref())
    {
        cx.error(
            codes::BAD_ADDRESS,
            format!("`server_name = \"{}\"` is not a host name", s.get_ref()),
            s.span(),
            "expected the name in the targets' certificates, such as `api.example.com`",
        );
    }
    let insecure = t.insecure_skip_verify.as_ref().filter(|b| *b.get_ref());
    if let Some(b) = insecure {
        cx.push(
            Diagnostic::warning(
                codes::INSECURE_TLS,
                format!("job `{name}`: TLS certificates are not verified"),
            )
            .at(
                b.span(),
                "anyone on the path can read and change these metrics",
            )
            .help("set `ca_file` to the CA that signed the targets' certificates instead"),
        );
    }
    let text = |v: &Option<S<String>>| v.as_ref().map(|v| v.get_ref().clone());
    ScrapeTls {
        ca_file: text(&t.ca_file),
        cert_file: text(&t.cert_file),
        key_file: text(&t.key_file),
        server_name: text(&t.server_name),
        insecure_skip_verify: insecure.is_some(),
    }
}

/// A job's targets, each scraped by one job only, once.
fn targets(cx: &mut Cx, j: &RawJob, name: &str, endpoints: &mut Endpoints) -> Vec<String> {
    let mut targets = Vec::new();
    for t in j.target_list() {
        let v = address(cx, t);
        if let Some((host, port)) = split_address(&v) {
            let key = (canonical_host(host).to_string(), port);
            if let Some((other, first)) = endpoints.get(&key) {
                // Another job of the same name was reported as such: not a clash of its own.
                let mine = j.target_list().iter().any(|x| x.span() == *first);
                if *other == name && !mine {
                    targets.push(v);
                    continue;
                }
                let (msg, help) = if *other == name {
                    (
                        format!("job `{name}` lists `{v}` twice"),
                        "list each target once: Prometheus would scrape it twice",
                    )
                } else {
                    (
                        format!("jobs `{other}` and `{name}` both scrape `{v}`"),
                        "one exporter listens on one port: give each job its own port",
                    )
                };
                cx.push(
                    Diagnostic::error(codes::PORT_CLASH, msg)
                        .at(t.span(), "scraped again here")
                        .also(first.clone(), format!("`{other}` scrapes it here"))
                        .help(help),
                );
            } else {
                endpoints.insert(key, (name.to_string(), t.span()));
            }
        }
        targets.push(v);
    }
    targets
}

pub fn dimensions(cx: &mut Cx, raw: &RawConfig) -> Vec<Dimension> {
    cx.unique(
        raw.dimensions.iter().map(|d| &d.get_ref().name),
        "dimension",
    );
    raw.dimensions
        .iter()
        .map(|d| {
            let d = d.get_ref();
            let name = group_name(cx, &d.name);
            Dimension {
                name,
                title: d.title.get_ref().clone(),
                objective: d.objective.as_ref().map(|o| o.get_ref().clone()),
                indicators: d.indicators.iter().map(|i| i.get_ref().clone()).collect(),
                interval: d.interval.as_ref().and_then(|i| {
                    let v = cx.positive_duration(Some(i), Duration(0));
                    (v.millis() > 0).then_some(v)
                }),
                limit: d.limit.as_ref().and_then(|l| {
                    cx.needs_version(l.span(), "limit", (2, 31));
                    match u32::try_from(*l.get_ref()) {
                        Ok(0) => None,
                        Ok(n) => Some(n),
                        Err(_) => {
                            cx.error(
                                codes::OUT_OF_RANGE,
                                format!("`limit = {}` is not a number of series", l.get_ref()),
                                l.span(),
                                "expected 0 (no limit) or a positive number",
                            );
                            None
                        }
                    }
                }),
            }
        })
        .collect()
}

/// A dimension's name: its rule group's name, its `dimension` label value and its dashboard
/// row's key. Prometheus takes any group name; ccmon takes the names rule files use in
/// practice (kube-prometheus' `kubernetes-apps`, `node-exporter.rules`): letters, digits,
/// `_`, `.` and `-`, starting with a letter or `_`.
fn group_name(cx: &mut Cx, s: &S<String>) -> String {
    let v = s.get_ref();
    let ok = v.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !ok {
        cx.error(
            codes::BAD_LABEL_NAME,
            format!("`{v}` is not a valid dimension name"),
            s.span(),
            "expected letters, digits, `_`, `.` and `-`, starting with a letter or `_`",
        );
    }
    v.clone()
}
