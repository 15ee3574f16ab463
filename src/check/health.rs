//! `[[health]]`: health checks, probed continuously by the blackbox exporter instead of a
//! script run now and then. Each check becomes a blackbox module (how to probe), a probe job
//! (Prometheus asks the exporter to probe the target every interval), and its alerts: the
//! probe failing for `for`, and for TLS checks the certificate expiring.

use std::collections::BTreeMap;
use std::ops::Range;

use super::Cx;
use super::generated::{Generated, Level, camel, severity};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawHealth, S};
use crate::model::{Job, ProbeModule, Prober, Relabel};
use crate::quantity::Duration;

/// A health check, checked: what the probe job, the module and the alerts are made of.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    /// The URL, `host:port`, or DNS server the exporter probes.
    pub target: String,
    pub module: ProbeModule,
    pub interval: Option<Duration>,
    pub for_: Duration,
    pub severity: String,
    pub alert: String,
    /// How long before expiry the certificate alert fires; `None`: no certificate alert.
    pub certificate_expiry: Option<Duration>,
    pub dimension: Option<String>,
    pub summary: Option<String>,
    /// What it is generated from, and where.
    pub from: String,
    pub origin: Range<usize>,
}

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
const RECORDS: &[&str] = &[
    "A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "CAA",
];

/// The probe job of a check.
pub fn job_name(check: &str) -> String {
    format!("probe-{check}")
}

/// Every `[[health]]` entry, checked.
pub fn checks(cx: &mut Cx, raw: &[S<RawHealth>], global_interval: Duration) -> Vec<Check> {
    cx.unique(raw.iter().map(|h| &h.get_ref().name), "health check");
    raw.iter()
        .filter_map(|h| check(cx, h, global_interval))
        .collect()
}

fn check(cx: &mut Cx, h: &S<RawHealth>, global_interval: Duration) -> Option<Check> {
    let r = h.get_ref();
    let name = r.name.get_ref().clone();
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if !name_ok {
        cx.push(
            Diagnostic::error(
                codes::EMPTY_NAME,
                format!(
                    "health check name `{}` is not a plain name",
                    crate::diag::shown(&name)
                ),
            )
            .at(
                r.name.span(),
                "expected lower-case letters, digits, `-` and `_`",
            )
            .help("it names the probe job (`probe-<name>`), the blackbox module and the alert"),
        );
    }
    let interval = r
        .interval
        .as_ref()
        .map(|i| cx.positive_duration(Some(i), global_interval));
    let every = interval.unwrap_or(global_interval);
    let timeout = cx.positive_duration(r.timeout.as_ref(), Duration::from_secs(5).min(every));
    if let Some(t) = &r.timeout
        && timeout > every
    {
        cx.error(
            codes::DURATION_OUT_OF_RANGE,
            format!("timeout {timeout} is longer than the check's interval {every}"),
            t.span(),
            "a probe must end before the next one starts",
        );
    }
    let (target, prober, tls) = what(cx, h)?;
    let certificate_expiry = match &r.certificate_expiry {
        Some(c) if !tls => {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                "`certificate_expiry` needs an `https://` URL or a `tcp` check with `tls = true`",
                c.span(),
                "this check sees no certificate",
            );
            None
        }
        Some(c) => cx.duration_of(c).filter(|d| d.0 > 0),
        None if tls => Some(Duration::from_secs(14 * 86400)),
        None => None,
    };
    let severity = match &r.severity {
        Some(s) => cx.severity(s)?.as_str().to_string(),
        None => severity(&cx.severities, Level::Page),
    };
    let for_ = cx.duration(r.for_.as_ref(), Duration::from_secs(120));
    Some(Check {
        alert: r.alert.as_ref().map_or_else(
            || format!("{}ProbeFailing", camel(&name)),
            |a| a.get_ref().clone(),
        ),
        target,
        module: ProbeModule {
            name: name.clone(),
            timeout,
            prober,
        },
        interval,
        for_,
        severity,
        certificate_expiry,
        dimension: r.dimension.as_ref().map(|d| d.get_ref().clone()),
        summary: r.summary.as_ref().map(|s| s.get_ref().clone()),
        from: format!("health check `{name}`"),
        origin: h.span(),
        name,
    })
}

/// What is probed and how: the target, the prober, and whether a certificate is seen.
fn what(cx: &mut Cx, h: &S<RawHealth>) -> Option<(String, Prober, bool)> {
    let r = h.get_ref();
    let given: Vec<&S<String>> = [&r.http, &r.tcp, &r.dns].into_iter().flatten().collect();
    match given.as_slice() {
        [] => {
            cx.push(
                Diagnostic::error(
                    codes::MISSING_KEY,
                    format!("health check `{}` probes nothing", r.name.get_ref()),
                )
                .at(r.name.span(), "no `http`, `tcp` or `dns` in this check")
                .help("give the URL that must answer (`http = \"http://localhost:8080/health\"`), the `host:port` that must accept connections (`tcp`), or the name that must resolve (`dns` with `server`)"),
            );
            return None;
        }
        [_] => {}
        [_, second, ..] => {
            cx.error(
                codes::CONFLICTING_SETTINGS,
                "a health check probes one thing: `http`, `tcp` or `dns`",
                second.span(),
                "second probe here",
            );
            return None;
        }
    }
    let only = |cx: &mut Cx, key: &str, v: Option<Range<usize>>, needs: &str| {
        if let Some(span) = v {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("`{key}` is for {needs} checks"),
                span,
                "this check does not use it",
            );
        }
    };
    let span = |v: &Option<S<String>>| v.as_ref().map(S::span);
    if r.http.is_none() {
        only(cx, "status", r.status.as_ref().map(S::span), "`http`");
        only(cx, "body", span(&r.body), "`http`");
        only(cx, "method", span(&r.method), "`http`");
    }
    if r.tcp.is_none() {
        only(cx, "tls", r.tls.as_ref().map(S::span), "`tcp`");
    }
    if r.dns.is_none() {
        only(cx, "server", span(&r.server), "`dns`");
        only(cx, "record", span(&r.record), "`dns`");
    }
    let ca_file = r.ca_file.as_ref().map(|c| {
        cx.server_file(c, "/etc/prometheus/ca.crt");
        c.get_ref().clone()
    });
    if let Some(u) = &r.http {
        return Some(http(cx, r, u, ca_file));
    }
    if let Some(t) = &r.tcp {
        let target = super::base::address(cx, t);
        let tls = r.tls.as_ref().is_some_and(|t| *t.get_ref());
        if let (false, Some(c)) = (tls, &r.ca_file) {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                "`ca_file` needs `tls = true` in a `tcp` check",
                c.span(),
                "no certificate is verified without TLS",
            );
        }
        return Some((target, Prober::Tcp { tls, ca_file }, tls));
    }
    let d = r.dns.as_ref()?;
    dns(cx, r, d)
}

fn http(
    cx: &mut Cx,
    r: &RawHealth,
    u: &S<String>,
    ca_file: Option<String>,
) -> (String, Prober, bool) {
    super::base::url(cx, u);
    let tls = u.get_ref().starts_with("https://");
    if let (false, Some(c)) = (tls, &r.ca_file) {
        cx.error(
            codes::KEY_NOT_FOR_KIND,
            "`ca_file` needs an `https://` URL",
            c.span(),
            "no certificate is verified over plain HTTP",
        );
    }
    let mut status = Vec::new();
    for s in r.status.iter().flat_map(|s| s.get_ref()) {
        match u16::try_from(*s.get_ref()) {
            Ok(n) if (100..=599).contains(&n) => status.push(n),
            _ => cx.error(
                codes::OUT_OF_RANGE,
                format!("{} is not an HTTP status code", s.get_ref()),
                s.span(),
                "expected 100 to 599",
            ),
        }
    }
    if let Some(s) = &r.status
        && s.get_ref().is_empty()
    {
        cx.error(
            codes::EMPTY_VALUE,
            "`status` lists no status code",
            s.span(),
            "leave it out to accept any 2xx",
        );
    }
    let body = r.body.as_ref().map(|b| {
        if let Some(why) = crate::regexes::go_error(b.get_ref()) {
            cx.error(
                codes::BAD_MATCHER,
                format!("`body` is not a regular expression the exporter accepts: {why}"),
                b.span(),
                "RE2 syntax expected",
            );
        }
        b.get_ref().clone()
    });
    let method = match &r.method {
        Some(m) if !METHODS.contains(&m.get_ref().as_str()) => {
            cx.push(
                Diagnostic::error(
                    codes::UNKNOWN_CHOICE,
                    format!("unknown HTTP method `{}`", crate::diag::shown(m.get_ref())),
                )
                .at(m.span(), format!("expected one of {}", METHODS.join(", "))),
            );
            m.get_ref().clone()
        }
        Some(m) => m.get_ref().clone(),
        None => "GET".into(),
    };
    (
        u.get_ref().clone(),
        Prober::Http {
            method,
            status,
            body,
            tls,
            ca_file,
        },
        tls,
    )
}

fn dns(cx: &mut Cx, r: &RawHealth, d: &S<String>) -> Option<(String, Prober, bool)> {
    if !crate::escape::host_name(d.get_ref()) {
        cx.error(
            codes::BAD_ADDRESS,
            format!("`{}` is not a DNS name", crate::diag::shown(d.get_ref())),
            d.span(),
            "expected a name such as `claude-code.company.com`",
        );
    }
    if let Some(c) = &r.ca_file {
        cx.error(
            codes::KEY_NOT_FOR_KIND,
            "`ca_file` is for `https` and TLS checks",
            c.span(),
            "a DNS check sees no certificate",
        );
    }
    let Some(server) = &r.server else {
        cx.push(
            Diagnostic::error(codes::INCOMPLETE_KEYS, "a `dns` check needs a `server`")
                .at(d.span(), "asked of which DNS server?")
                .help("add `server = \"10.0.0.2:53\"` (the port defaults to 53)"),
        );
        return None;
    };
    let target = if super::base::split_address(server.get_ref()).is_some() {
        server.get_ref().clone()
    } else if crate::escape::host_name(server.get_ref()) {
        format!("{}:53", server.get_ref())
    } else {
        super::base::address(cx, server)
    };
    let record = r.record.as_ref().map_or_else(
        || "A".to_string(),
        |t| {
            if !RECORDS.contains(&t.get_ref().as_str()) {
                cx.push(
                    Diagnostic::error(
                        codes::UNKNOWN_CHOICE,
                        format!("unknown DNS record type `{}`", t.get_ref().escape_debug()),
                    )
                    .at(t.span(), format!("expected one of {}", RECORDS.join(", "))),
                );
            }
            t.get_ref().clone()
        },
    );
    Some((
        target,
        Prober::Dns {
            query_name: d.get_ref().clone(),
            record,
        },
        false,
    ))
}

/// The probe job of a check: Prometheus scrapes the exporter's `/probe` with the check's
/// module and target; the target becomes the `instance` label.
pub fn job(c: &Check, blackbox: &str, timeout_cap: Duration) -> Job {
    // The exporter ends a probe half a second before Prometheus' scrape timeout: the scrape
    // gets a second more than the module's timeout, within the interval.
    let scrape_timeout = Duration(c.module.timeout.0 + 1000).min(timeout_cap);
    let rule = |source: &str, target: &str| Relabel {
        action: "replace".into(),
        source_labels: vec![source.into()],
        target_label: Some(target.into()),
        ..Relabel::default()
    };
    Job {
        timeout: Some(scrape_timeout),
        interval: c.interval,
        metrics_path: "/probe".into(),
        params: BTreeMap::from([("module".to_string(), vec![c.module.name.clone()])]),
        relabel: vec![
            rule("__address__", "__param_target"),
            rule("__param_target", "instance"),
            Relabel {
                action: "replace".into(),
                target_label: Some("__address__".into()),
                replacement: Some(blackbox.to_string()),
                ..Relabel::default()
            },
        ],
        ..Job::plain(&job_name(&c.name), vec![c.target.clone()], &["probe_*"])
    }
}

/// The alerts of a check: the probe failing, and the certificate expiring.
pub fn alerts(c: &Check, severities: &[String]) -> Vec<Generated> {
    let selector = |metric: &str| format!("{metric}{{job=\"{}\"}}", job_name(&c.name));
    let what = match &c.module.prober {
        Prober::Http { .. } => "answered",
        Prober::Tcp { .. } => "accepted a connection",
        Prober::Dns { .. } => "resolved",
    };
    let mut out = vec![
        Generated::new(c.origin.clone(), c.from.clone())
            .set("name", c.alert.clone())
            .set_opt("dimension", c.dimension.clone())
            .set("kind", "state")
            .set("expr", selector("probe_success"))
            .set("equals", 0)
            .set("for", c.for_.to_string())
            .set("severity", c.severity.clone())
            .set(
                "summary",
                c.summary
                    .clone()
                    .unwrap_or_else(|| format!("health check {} fails", c.name)),
            )
            .set(
                "description",
                format!(
                    "{{{{ $labels.instance }}}} has not {what} as the {} check expects for {}",
                    c.name, c.for_
                ),
            ),
    ];
    if let Some(within) = c.certificate_expiry {
        out.push(
            Generated::new(c.origin.clone(), c.from.clone())
                .set("name", format!("{}CertificateExpiring", camel(&c.name)))
                .set_opt("dimension", c.dimension.clone())
                .set("kind", "expiry")
                .set("metric", selector("probe_ssl_earliest_cert_expiry"))
                .set("below", within.to_string())
                .set("for", "10m")
                .set("severity", severity(severities, Level::Ticket))
                .set(
                    "summary",
                    format!("the certificate of {} expires within {within}", c.name),
                )
                .set(
                    "description",
                    "the certificate {{ $labels.instance }} presents expires in {value}",
                ),
        );
    }
    out
}
