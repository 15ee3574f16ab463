//! Logs (Filebeat), the Grafana dashboard, the nginx proxy and the systemd services.
//!
//! A section that is absent gets the defaults documented in `docs/format.md`; `enabled = false`
//! leaves its output out.

use super::{Cx, closest};
use crate::codes;
use crate::diag::Diagnostic;
use crate::escape;
use crate::load::{RawConfig, RawService, S};
use crate::model::{
    Alert, Alertmanager, Backend, Balance, Dashboard, Dimension, Elasticsearch, InstallPaths, Job,
    LogInput, Logs, Panel, PanelKind, Project, Prometheus, Proxy, Query, Service, ServiceKind, Tls,
};
use crate::quantity::Duration;

fn enabled(e: &Option<S<bool>>) -> bool {
    e.as_ref().is_none_or(|b| *b.get_ref())
}

pub fn logs(cx: &mut Cx, raw: &RawConfig, project: &Project) -> Option<Logs> {
    let l = raw.logs.as_ref().map(S::get_ref);
    if l.is_some_and(|l| !enabled(&l.enabled)) {
        return None;
    }
    let mut inputs = Vec::new();
    if let Some(l) = l {
        cx.unique(l.inputs.iter().map(|i| &i.get_ref().id), "log input id");
        for i in &l.inputs {
            let i = i.get_ref();
            let id = i.id.get_ref().clone();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                cx.error(
                    codes::EMPTY_NAME,
                    format!("log input id `{id}` must be plain: Filebeat keys its registry on it"),
                    i.id.span(),
                    "expected letters, digits, `-`, `_` and `.`",
                );
            }
            if i.paths.get_ref().is_empty() {
                cx.error(
                    codes::BAD_VALUE,
                    format!("log input `{id}` has no paths"),
                    i.paths.span(),
                    "expected at least one file or glob",
                );
            }
            for p in i.paths.get_ref() {
                if !p.get_ref().starts_with('/') {
                    cx.error(
                        codes::BAD_VALUE,
                        format!("log path `{}` is not absolute", p.get_ref()),
                        p.span(),
                        "Filebeat resolves relative paths against its home: write the full path",
                    );
                }
            }
            inputs.push(LogInput {
                service: i
                    .service
                    .as_ref()
                    .map_or_else(|| id.clone(), |s| s.get_ref().clone()),
                id,
                paths: i
                    .paths
                    .get_ref()
                    .iter()
                    .map(|p| p.get_ref().clone())
                    .collect(),
                labels: cx.labels(&i.labels),
            });
        }
    }
    if inputs.is_empty() {
        inputs.push(LogInput {
            id: project.name.clone(),
            paths: vec![format!("/var/log/{}/*.log", project.name)],
            service: project.name.clone(),
            labels: Default::default(),
        });
    }
    let es = l.and_then(|l| l.elasticsearch.as_ref()).map(S::get_ref);
    let elasticsearch = match es {
        None => Elasticsearch {
            hosts: vec!["http://localhost:9200".into()],
            index: None,
            username: None,
            password_keystore: None,
            api_key_keystore: None,
            ca_file: None,
        },
        Some(es) => {
            for h in es.hosts.get_ref() {
                super::base::url(cx, h);
            }
            if es.hosts.get_ref().is_empty() {
                cx.error(
                    codes::BAD_VALUE,
                    "no Elasticsearch host",
                    es.hosts.span(),
                    "expected at least one URL",
                );
            }
            cx.no_plaintext_help(
                es.password.as_ref(),
                "password",
                "add it to the Filebeat keystore (`filebeat keystore add ES_PWD`) and write `password_keystore = \"ES_PWD\"`",
            );
            cx.no_plaintext_help(
                es.api_key.as_ref(),
                "api_key",
                "add it to the Filebeat keystore (`filebeat keystore add ES_API_KEY`) and write `api_key_keystore = \"ES_API_KEY\"`",
            );
            for k in [&es.password_keystore, &es.api_key_keystore]
                .into_iter()
                .flatten()
            {
                cx.token(k, "keystore entry", escape::filebeat::keystore_key);
            }
            if let Some(ix) = &es.index {
                let v = ix.get_ref();
                // `%{+yyyy.MM.dd}` and `%{[field]}` are Filebeat format strings, not index text.
                let literal: String = v
                    .split("%{")
                    .enumerate()
                    .map(|(i, part)| {
                        if i == 0 {
                            part
                        } else {
                            part.split_once('}').map_or("", |x| x.1)
                        }
                    })
                    .collect();
                let stem = crate::emit::filebeat::template_for(v).0;
                if stem.is_empty() {
                    cx.error(
                        codes::BAD_VALUE,
                        format!("index `{v}` starts with a format string"),
                        ix.span(),
                        "its template pattern would be `*`, every index in the cluster",
                    );
                }
                if v.is_empty()
                    || literal.is_empty()
                    || literal.starts_with(['-', '_', '+'])
                    || literal
                        .chars()
                        .any(|c| c.is_ascii_uppercase() || " \"*\\<|,>/?".contains(c))
                {
                    cx.error(
                        codes::BAD_VALUE,
                        format!("`{v}` is not a valid Elasticsearch index name"),
                        ix.span(),
                        "lowercase, no spaces or `\\ / * ? \" < > | ,`, not starting with `-`, `_` or `+`",
                    );
                }
            }
            Elasticsearch {
                hosts: es
                    .hosts
                    .get_ref()
                    .iter()
                    .map(|h| h.get_ref().clone())
                    .collect(),
                index: es.index.as_ref().map(|i| i.get_ref().clone()),
                username: es.username.as_ref().map(|u| u.get_ref().clone()),
                password_keystore: es.password_keystore.as_ref().map(|u| u.get_ref().clone()),
                api_key_keystore: es.api_key_keystore.as_ref().map(|u| u.get_ref().clone()),
                ca_file: es.ca_file.as_ref().map(|u| u.get_ref().clone()),
            }
        }
    };
    Some(Logs {
        inputs,
        elasticsearch,
        kibana: l.and_then(|l| l.kibana.as_ref()).map(|k| {
            super::base::url(cx, &k.get_ref().host);
            k.get_ref().host.get_ref().clone()
        }),
    })
}

pub fn dashboard(
    cx: &mut Cx,
    raw: &RawConfig,
    project: &Project,
    alerts: &[Alert],
    dims: &[Dimension],
    prom: &Prometheus,
) -> Option<Dashboard> {
    let d = raw.dashboard.as_ref().map(S::get_ref);
    if d.is_some_and(|d| !enabled(&d.enabled)) {
        return None;
    }
    let uid = d.and_then(|d| d.uid.as_ref()).map_or_else(
        || project.name.clone(),
        |u| {
            let v = u.get_ref();
            if v.is_empty()
                || v.len() > 40
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                cx.error(
                    codes::BAD_VALUE,
                    format!("dashboard uid `{v}` is not valid"),
                    u.span(),
                    "Grafana takes 1 to 40 letters, digits, `-` and `_`",
                );
            }
            v.clone()
        },
    );
    let mut panels = Vec::new();
    let by_name: std::collections::HashMap<&str, &Alert> =
        alerts.iter().map(|a| (a.name.as_str(), a)).collect();
    if let Some(d) = d {
        cx.unique(d.panels.iter().map(|p| &p.get_ref().title), "panel");
        // Every query parsed on every core first; reported in order below.
        let exprs: Vec<&S<String>> = d
            .panels
            .iter()
            .flat_map(|p| &p.get_ref().queries)
            .map(|q| &q.get_ref().expr)
            .collect();
        let verdicts = crate::par::map(&exprs, |e| super::promql::parse_error(e.get_ref()));
        let mut verdicts = verdicts.into_iter();
        for p in &d.panels {
            let p = p.get_ref();
            let why: Vec<Option<String>> = verdicts.by_ref().take(p.queries.len()).collect();
            let kind = match p.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("timeseries") => PanelKind::TimeSeries,
                Some("stat") => PanelKind::Stat,
                Some(other) => {
                    let k = p.kind.as_ref().map_or(0..0, S::span);
                    let mut diag = Diagnostic::error(
                        codes::UNKNOWN_KIND,
                        format!("unknown panel kind `{other}`"),
                    )
                    .at(k, "expected `timeseries` or `stat`");
                    if other == "graph" {
                        diag = diag
                            .help("`graph` is Grafana's removed Angular panel: use `timeseries`");
                    }
                    cx.push(diag);
                    PanelKind::TimeSeries
                }
            };
            if let Some(dim) = &p.dimension
                && !dims.iter().any(|x| &x.name == dim.get_ref())
            {
                cx.unknown_ref(
                    codes::UNKNOWN_DIMENSION,
                    "dimension",
                    dim,
                    dims.iter().map(|x| x.name.clone()),
                );
            }
            let mut unit = p.unit.as_ref().and_then(|u| super::alerts::unit_of(cx, u));
            for (q, why) in p.queries.iter().zip(why) {
                super::promql::report_expr(cx, &q.get_ref().expr, "panel query", why);
            }
            let mut queries: Vec<Query> = p
                .queries
                .iter()
                .map(|q| Query {
                    expr: q.get_ref().expr.get_ref().trim().to_string(),
                    legend: q.get_ref().legend.as_ref().map(|l| l.get_ref().clone()),
                })
                .collect();
            let mut threshold = None;
            let mut dimension = p.dimension.as_ref().map(|d| d.get_ref().clone());
            if let Some(a) = &p.alert {
                match by_name.get(a.get_ref().as_str()).copied() {
                    Some(alert) => {
                        if queries.is_empty() {
                            queries.push(Query {
                                expr: alert.value_expr(),
                                legend: None,
                            });
                        }
                        unit.get_or_insert_with(|| alert.unit());
                        threshold = alert.threshold_value();
                        if dimension.is_none() {
                            dimension = alert.dimension.clone();
                        }
                    }
                    None => cx.unknown_ref(
                        codes::UNKNOWN_ALERT,
                        "alert",
                        a,
                        alerts.iter().map(|x| x.name.clone()),
                    ),
                }
            } else if queries.is_empty() {
                cx.push(
                    Diagnostic::error(codes::MISSING_KEY, format!("panel `{}` has nothing to show", p.title.get_ref()))
                        .at(p.title.span(), "no `[[dashboard.panel.query]]` and no `alert`")
                        .help("add a query, or name the alert whose value it plots with `alert = \"...\"`"),
                );
            }
            let size = |cx: &mut Cx, v: &Option<S<i64>>, default: u32, max: i64| -> u32 {
                match v {
                    None => default,
                    Some(s) if (1..=max).contains(s.get_ref()) => *s.get_ref() as u32,
                    Some(s) => {
                        cx.error(
                            codes::BAD_VALUE,
                            format!("panel size must be from 1 to {max}"),
                            s.span(),
                            "out of range",
                        );
                        default
                    }
                }
            };
            panels.push(Panel {
                title: p.title.get_ref().clone(),
                alert: p.alert.as_ref().map(|a| a.get_ref().clone()),
                dimension,
                kind,
                unit,
                queries,
                threshold,
                width: size(
                    cx,
                    &p.width,
                    if kind == PanelKind::Stat { 6 } else { 12 },
                    24,
                ),
                height: size(cx, &p.height, 8, 100),
            });
        }
    }
    let refresh = cx.positive_duration(d.and_then(|d| d.refresh.as_ref()), Duration::from_secs(30));
    let prometheus_url = d.and_then(|d| d.prometheus_url.as_ref()).map_or_else(
        || format!("http://{}", prom.listen),
        |u| {
            super::base::url(cx, u);
            u.get_ref().clone()
        },
    );
    Some(Dashboard {
        title: d
            .and_then(|d| d.title.as_ref())
            .map_or_else(|| project.name.clone(), |t| t.get_ref().clone()),
        uid,
        refresh,
        time_from: d
            .and_then(|d| d.time_from.as_ref())
            .map_or_else(|| "now-6h".into(), |t| t.get_ref().clone()),
        tags: d.map_or_else(Vec::new, |d| {
            d.tags.iter().map(|t| t.get_ref().clone()).collect()
        }),
        alert_panels: d.is_none_or(|d| enabled(&d.alert_panels)),
        datasource_uid: d
            .and_then(|d| d.datasource_uid.as_ref())
            .map_or_else(|| "prometheus".into(), |t| t.get_ref().clone()),
        prometheus_url,
        panels,
    })
}

/// An nginx size (`4k`, `1m`, `512`) in bytes, within what nginx parses (`ngx_parse_size`:
/// an `off_t`/`ssize_t`, so below 2^63). `g` is an offset unit (`client_max_body_size`), not
/// a size unit (the proxy buffers refuse it).
fn nginx_bytes(t: &str, offset: bool) -> Option<u64> {
    let (digits, scale) = match t.as_bytes().last()? {
        b'k' | b'K' => (&t[..t.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&t[..t.len() - 1], 1 << 20),
        b'g' | b'G' if offset => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()?
        .checked_mul(scale)
        .filter(|b| *b <= i64::MAX as u64)
}

/// A size key: its text and its bytes (`(count, bytes)` for the `N size` pair).
fn nginx_size(
    cx: &mut Cx,
    v: &Option<S<String>>,
    pair: bool,
    offset: bool,
) -> Option<(String, u64, u64)> {
    let s = v.as_ref()?;
    let text = s.get_ref();
    let parsed = if pair {
        text.split_once(' ').and_then(|(n, sz)| {
            let n: u64 = n.parse().ok().filter(|n| (1..=1_000_000).contains(n))?;
            Some((n, nginx_bytes(sz, false)?))
        })
    } else {
        nginx_bytes(text, offset).map(|b| (1, b))
    };
    match parsed {
        Some((n, b)) => Some((text.clone(), n, b)),
        None => {
            cx.error(
                codes::BAD_VALUE,
                format!("`{text}` is not an nginx size"),
                s.span(),
                if pair {
                    "expected `<number> <size>`, such as `8 4k` (units k and m)"
                } else if offset {
                    "expected a size such as `4k`, `1m` or `1g`, below 8 EiB"
                } else {
                    "expected a size such as `4k` or `1m` (units k and m)"
                },
            );
            None
        }
    }
}

/// nginx's rules between the proxy buffer sizes (`ngx_http_proxy_merge_loc_conf`, checked
/// whether buffering is on or off), with nginx's defaults for what is not set: one memory
/// page (4k on x86-64) and `8 4k`. Returns the three values to write: nginx fills what is
/// not set from the page size of the machine it runs on, so all three are written once one
/// is set.
fn buffer_relations(
    cx: &mut Cx,
    b: Option<&crate::load::RawBuffering>,
    sizes: [&Option<(String, u64, u64)>; 3],
) -> [String; 3] {
    const PAGE: u64 = 4096;
    let [buffer_size, buffers, busy] = sizes;
    let one = buffer_size.as_ref().map_or(PAGE, |s| s.2);
    let (n, each) = buffers.as_ref().map_or((8, PAGE), |s| (s.1, s.2));
    let size = one.max(each);
    let busy_v = busy.as_ref().map_or(size.saturating_mul(2), |s| s.2);
    let text = |bytes: u64| {
        if bytes.is_multiple_of(1 << 20) {
            format!("{}m", bytes >> 20)
        } else if bytes.is_multiple_of(1024) {
            format!("{}k", bytes >> 10)
        } else {
            bytes.to_string()
        }
    };
    let written = [
        buffer_size
            .as_ref()
            .map_or_else(|| text(one), |s| s.0.clone()),
        buffers
            .as_ref()
            .map_or_else(|| format!("{n} {}", text(each)), |s| s.0.clone()),
        busy.as_ref().map_or_else(|| text(busy_v), |s| s.0.clone()),
    ];
    let span = |f: fn(&crate::load::RawBuffering) -> &Option<S<String>>| {
        b.and_then(|b| f(b).as_ref()).map_or(0..0, S::span)
    };
    if size > 1 << 30 {
        cx.error(
            codes::BAD_VALUE,
            format!("a proxy buffer of {size} bytes is over 1024m"),
            if buffer_size.as_ref().is_some_and(|s| s.2 == size) {
                span(|b| &b.buffer_size)
            } else {
                span(|b| &b.buffers)
            },
            "nginx refuses a buffer larger than `proxy_max_temp_file_size` (1024m)",
        );
    } else if n < 2 {
        cx.error(
            codes::BAD_VALUE,
            "nginx needs at least 2 `proxy_buffers`",
            span(|b| &b.buffers),
            "fewer than 2 buffers",
        );
    } else if busy_v < size {
        cx.push(
            Diagnostic::error(
                codes::BAD_VALUE,
                format!("`busy_buffers_size` ({busy_v} bytes) is below the larger of `buffer_size` and one of `buffers` ({size} bytes)"),
            )
            .at(span(|b| &b.busy_buffers_size), "too small")
            .help("nginx -t refuses this: raise `busy_buffers_size`"),
        );
    } else if busy_v > (n - 1).saturating_mul(each) {
        let at = if busy.is_some() {
            span(|b| &b.busy_buffers_size)
        } else if buffer_size.is_some() {
            span(|b| &b.buffer_size)
        } else {
            span(|b| &b.buffers)
        };
        cx.push(
            Diagnostic::error(
                codes::BAD_VALUE,
                format!(
                    "`busy_buffers_size` ({busy_v} bytes{}) must be below all `buffers` but one ({} bytes)",
                    if busy.is_some() { "" } else { ", nginx's default of twice the buffer size" },
                    (n - 1).saturating_mul(each)
                ),
            )
            .at(at, "nginx -t refuses these sizes together")
            .help("give more or larger `buffers`, or a smaller `busy_buffers_size`"),
        );
    }
    written
}

/// `[proxy.tls]`: certificate paths, protocols and ciphers, each as nginx will read it.
fn tls_settings(cx: &mut Cx, t: &crate::load::RawTls) -> Tls {
    cx.token(&t.certificate, "certificate path", escape::nginx::path);
    cx.token(
        &t.certificate_key,
        "certificate key path",
        escape::nginx::path,
    );
    if let Some(ps) = &t.protocols {
        cx.unique(ps.get_ref(), "TLS protocol");
        if ps.get_ref().is_empty() {
            cx.error(
                codes::BAD_VALUE,
                "no TLS protocol",
                ps.span(),
                "expected `TLSv1.2`, `TLSv1.3` or both",
            );
        }
    }
    if let Some(c) = &t.ciphers {
        cx.token(c, "cipher list", escape::nginx::ciphers);
    }
    Tls {
        certificate: t.certificate.get_ref().clone(),
        certificate_key: t.certificate_key.get_ref().clone(),
        protocols: t.protocols.as_ref().map_or_else(
            || vec!["TLSv1.2".into(), "TLSv1.3".into()],
            |ps| {
                ps.get_ref()
                    .iter()
                    .map(|x| {
                        if !["TLSv1.2", "TLSv1.3"].contains(&x.get_ref().as_str()) {
                            cx.error(
                                codes::BAD_VALUE,
                                format!("`{}` is not a TLS protocol ccmon allows", x.get_ref()),
                                x.span(),
                                "expected `TLSv1.2` or `TLSv1.3`",
                            );
                        }
                        x.get_ref().clone()
                    })
                    .collect()
            },
        ),
        ciphers: t
            .ciphers
            .as_ref()
            .map_or_else(|| "HIGH:!aNULL:!MD5".into(), |c| c.get_ref().clone()),
        redirect_http: t.redirect_http.as_ref().is_none_or(|b| *b.get_ref()),
    }
}

fn port(cx: &mut Cx, v: &Option<S<i64>>, default: u16) -> u16 {
    match v {
        None => default,
        Some(p) => match u16::try_from(*p.get_ref()) {
            Ok(x) if x > 0 => x,
            _ => {
                cx.error(
                    codes::BAD_ADDRESS,
                    format!("port {} is out of range", p.get_ref()),
                    p.span(),
                    "expected 1 to 65535",
                );
                default
            }
        },
    }
}

pub fn proxy(cx: &mut Cx, raw: &RawConfig, project: &Project, jobs: &[Job]) -> Option<Proxy> {
    let p = raw.proxy.as_ref().map(S::get_ref);
    if p.is_some_and(|p| !enabled(&p.enabled)) || (p.is_none() && jobs.is_empty()) {
        return None;
    }
    let nginx_version = match p.and_then(|p| p.nginx_version.as_ref()) {
        None => (1, 22, 1),
        Some(v) => {
            let parts: Vec<Option<u32>> = v.get_ref().split('.').map(|x| x.parse().ok()).collect();
            match parts.as_slice() {
                [Some(a), Some(b)] => (*a, *b, 0),
                [Some(a), Some(b), Some(c)] => (*a, *b, *c),
                _ => {
                    cx.error(
                        codes::BAD_VALUE,
                        format!("`{}` is not an nginx version", v.get_ref()),
                        v.span(),
                        "expected `1.22` or `1.25.1`",
                    );
                    (1, 22, 1)
                }
            }
        }
    };
    let balance = match p.and_then(|p| p.balance.as_ref()) {
        None => Balance::RoundRobin,
        Some(b) => match b.get_ref().as_str() {
            "round_robin" => Balance::RoundRobin,
            "least_conn" => Balance::LeastConn,
            "ip_hash" => Balance::IpHash,
            "random" => Balance::Random,
            other => {
                let known = ["round_robin", "least_conn", "ip_hash", "random"];
                let mut d = Diagnostic::error(
                    codes::BAD_VALUE,
                    format!("unknown balancing method `{other}`"),
                )
                .at(
                    b.span(),
                    "expected `round_robin`, `least_conn`, `ip_hash` or `random`",
                );
                if let Some(c) = closest(other, known) {
                    d = d.help(format!("did you mean `{c}`?"));
                }
                cx.push(d);
                Balance::RoundRobin
            }
        },
    };
    let mut backends = Vec::new();
    if let Some(p) = p {
        cx.unique(p.backends.iter().map(|b| &b.get_ref().address), "backend");
        for b in &p.backends {
            let b = b.get_ref();
            let address = super::base::address(cx, &b.address);
            let count = |cx: &mut Cx, v: &Option<S<i64>>, default: u32, min: i64| match v {
                None => default,
                Some(s) if *s.get_ref() >= min && *s.get_ref() <= 1000 => *s.get_ref() as u32,
                Some(s) => {
                    cx.error(
                        codes::BAD_VALUE,
                        format!("{} is out of range", s.get_ref()),
                        s.span(),
                        &format!("expected {min} to 1000"),
                    );
                    default
                }
            };
            let weight = count(cx, &b.weight, 1, 1);
            let max_fails = count(cx, &b.max_fails, 3, 0);
            backends.push(Backend {
                address,
                weight,
                max_fails,
                fail_timeout: {
                    let d = cx.positive_duration(b.fail_timeout.as_ref(), Duration::from_secs(10));
                    if let Some(f) = &b.fail_timeout
                        && !d.millis().is_multiple_of(1000)
                    {
                        cx.error(
                            codes::BAD_DURATION,
                            format!("`{}` is not whole seconds", f.get_ref()),
                            f.span(),
                            "nginx takes `fail_timeout` in seconds only",
                        );
                    }
                    d
                },
                backup: b.backup.as_ref().is_some_and(|x| *x.get_ref()),
            });
        }
        if backends.is_empty() {
            cx.push(
                Diagnostic::error(codes::MISSING_KEY, "the proxy has no backend")
                    .at(raw.proxy.as_ref().map_or(0..0, S::span), "in this table")
                    .help("add `[[proxy.backend]]` with an `address`"),
            );
        }
        if !backends.is_empty() && backends.iter().all(|b| b.backup) {
            cx.push(
                Diagnostic::error(codes::BAD_VALUE, "every backend is a `backup`")
                    .at(p.backends[0].span(), "backup too")
                    .help("nginx refuses an upstream with no primary server: make at least one backend not `backup`"),
            );
        }
        if matches!(balance, Balance::IpHash | Balance::Random) && backends.iter().any(|b| b.backup)
        {
            cx.push(
                Diagnostic::error(
                    codes::BAD_VALUE,
                    "nginx does not allow `backup` servers with `ip_hash` or `random` balancing",
                )
                .at(p.balance.as_ref().map_or(0..0, S::span), "this method"),
            );
        }
    } else if let Some(job) = jobs.first() {
        // No [proxy]: front the first job's targets, the service being monitored.
        for t in &job.targets {
            backends.push(Backend {
                address: t.clone(),
                weight: 1,
                max_fails: 3,
                fail_timeout: Duration::from_secs(10),
                backup: false,
            });
        }
    }
    let keepalive = match p.and_then(|p| p.keepalive.as_ref()) {
        None => Some(32),
        Some(k) if *k.get_ref() == 0 => None,
        Some(k) => match u32::try_from(*k.get_ref()) {
            Ok(v) if v <= 10_000 => Some(v),
            _ => {
                cx.error(
                    codes::BAD_VALUE,
                    "`keepalive` is the number of idle upstream connections kept per worker",
                    k.span(),
                    "expected 0 (off) to 10000",
                );
                None
            }
        },
    };
    let tls = p
        .and_then(|p| p.tls.as_ref())
        .map(|t| tls_settings(cx, t.get_ref()));
    if let Some(plus) = p.and_then(|p| p.nginx_plus.as_ref())
        && *plus.get_ref()
    {
        cx.push(
            Diagnostic::warning(codes::PLUS_ONLY, "this nginx.conf needs nginx Plus")
                .at(plus.span(), "adds active `health_check` and a shared `zone`")
                .help("open-source nginx rejects `health_check` as an unknown directive; remove this line to use passive checks"),
        );
    }
    let t = p.and_then(|p| p.timeouts.as_ref()).map(S::get_ref);
    let b = p.and_then(|p| p.buffering.as_ref()).map(S::get_ref);
    let sixty = Duration::from_secs(60);
    let health_path = match p.and_then(|p| p.health_path.as_ref()) {
        None => Some("/health".to_string()),
        Some(h) if h.get_ref().is_empty() => None,
        Some(h) => {
            cx.token(h, "health path", escape::nginx::uri_path);
            Some(h.get_ref().clone())
        }
    };
    let server_names = match p.and_then(|p| p.server_names.as_ref()) {
        None => vec!["_".to_string()],
        Some(n) => {
            cx.unique(n.get_ref(), "server name");
            if n.get_ref().is_empty() {
                cx.error(
                    codes::BAD_VALUE,
                    "no server name",
                    n.span(),
                    "expected host names, or leave the key out for `_` (any name)",
                );
            }
            n.get_ref()
                .iter()
                .map(|x| {
                    cx.token(x, "server name", escape::nginx::server_name);
                    x.get_ref().clone()
                })
                .collect()
        }
    };
    let path = |cx: &mut Cx, v: Option<&S<String>>, default: String| {
        v.map_or(default, |s| {
            cx.token(s, "path", escape::nginx::path);
            s.get_ref().clone()
        })
    };
    let listen_http = port(cx, p.map_or(&None, |p| &p.listen_http), 80);
    let listen_https = port(cx, p.map_or(&None, |p| &p.listen_https), 443);
    if tls.is_some()
        && listen_http == listen_https
        && let Some(l) = p.and_then(|p| p.listen_https.as_ref().or(p.listen_http.as_ref()))
    {
        cx.error(
            codes::PORT_CLASH,
            format!("HTTP and HTTPS both listen on port {listen_http}"),
            l.span(),
            "nginx refuses a duplicate `listen`",
        );
    }
    let sizes = b.map(|b| {
        [
            nginx_size(cx, &b.buffer_size, false, false),
            nginx_size(cx, &b.buffers, true, false),
            nginx_size(cx, &b.busy_buffers_size, false, false),
        ]
    });
    let [buffer_size, buffers, busy_buffers_size] = match &sizes {
        Some([one, all, busy]) if [one, all, busy].iter().any(|x| x.is_some()) => {
            buffer_relations(cx, b, [one, all, busy]).map(Some)
        }
        _ => [None, None, None],
    };
    Some(Proxy {
        nginx_version,
        upstream: p.and_then(|p| p.upstream.as_ref()).map_or_else(
            || format!("{}_backend", project.name.replace('-', "_")),
            |u| {
                if u.get_ref().len() > 64 {
                    cx.error(
                        codes::BAD_VALUE,
                        "upstream name over 64 characters",
                        u.span(),
                        "a shorter name, such as `app_backend`",
                    );
                }
                cx.metric_name(u, "upstream name", false)
            },
        ),
        balance,
        keepalive,
        keepalive_timeout: cx
            .positive_duration(p.and_then(|p| p.keepalive_timeout.as_ref()), sixty),
        server_names,
        listen_http,
        listen_https,
        health_path,
        access_log: path(
            cx,
            p.and_then(|p| p.access_log.as_ref()),
            format!("/var/log/nginx/{}-access.log", project.name),
        ),
        error_log: path(
            cx,
            p.and_then(|p| p.error_log.as_ref()),
            format!("/var/log/nginx/{}-error.log", project.name),
        ),
        pid_file: path(
            cx,
            p.and_then(|p| p.pid_file.as_ref()),
            "/run/nginx.pid".into(),
        ),
        client_max_body_size: nginx_size(
            cx,
            p.map_or(&None, |p| &p.client_max_body_size),
            false,
            true,
        )
        .map_or_else(|| "10m".into(), |s| s.0),
        backends,
        tls,
        connect_timeout: cx.positive_duration(t.and_then(|t| t.connect.as_ref()), sixty),
        send_timeout: cx.positive_duration(t.and_then(|t| t.send.as_ref()), sixty),
        read_timeout: cx.positive_duration(t.and_then(|t| t.read.as_ref()), sixty),
        buffering: b.is_none_or(|b| enabled(&b.enabled)),
        nginx_plus: p
            .and_then(|p| p.nginx_plus.as_ref())
            .is_some_and(|b| *b.get_ref()),
        buffer_size,
        buffers,
        busy_buffers_size,
    })
}

pub fn install_paths() -> InstallPaths {
    InstallPaths {
        prometheus_dir: "/etc/prometheus".into(),
        alertmanager_dir: "/etc/prometheus".into(),
        filebeat_dir: "/etc/filebeat".into(),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn services(
    cx: &mut Cx,
    raw: &RawConfig,
    project: &Project,
    prom: &Prometheus,
    am: &Alertmanager,
    logs: bool,
    paths: &InstallPaths,
) -> Vec<Service> {
    let s = raw.services.as_ref().map(S::get_ref);
    let mut out = Vec::new();
    let node_listen = raw
        .jobs
        .iter()
        .find(|j| j.get_ref().name.get_ref() == "node")
        .and_then(|j| j.get_ref().targets.get_ref().first())
        .and_then(|t| {
            // Scraped over loopback: listen on loopback only, not on every interface.
            super::base::split_address(t.get_ref()).map(|(h, p)| match h {
                "localhost" | "127.0.0.1" => format!("127.0.0.1:{p}"),
                "::1" => format!("[::1]:{p}"),
                _ => format!(":{p}"),
            })
        })
        .unwrap_or_else(|| ":9100".into());
    let stack: [(ServiceKind, &str, Option<&S<RawService>>, bool); 4] = [
        (
            ServiceKind::Prometheus,
            "prometheus",
            s.and_then(|s| s.prometheus.as_ref()),
            true,
        ),
        (
            ServiceKind::Alertmanager,
            "alertmanager",
            s.and_then(|s| s.alertmanager.as_ref()),
            true,
        ),
        (
            ServiceKind::NodeExporter,
            "node-exporter",
            s.and_then(|s| s.node_exporter.as_ref()),
            true,
        ),
        (
            ServiceKind::Filebeat,
            "filebeat",
            s.and_then(|s| s.filebeat.as_ref()),
            logs,
        ),
    ];
    for (kind, name, rs, default_on) in stack {
        let r = rs.map(S::get_ref);
        if !r.map_or(default_on, |r| {
            r.enabled.as_ref().map_or(default_on, |b| *b.get_ref())
        }) {
            continue;
        }
        if kind == ServiceKind::Filebeat
            && !logs
            && let Some(e) = r.and_then(|r| r.enabled.as_ref())
        {
            cx.error(
                codes::BAD_VALUE,
                "the Filebeat unit is enabled but `[logs]` is disabled: it would have no filebeat.yml",
                e.span(),
                "enabled here",
            );
        }
        // Keys that would put one output out of step with the others.
        fn misplaced(kind: ServiceKind, r: &RawService) -> Option<(&S<String>, &'static str)> {
            match kind {
                ServiceKind::Prometheus => r.listen.as_ref().map(|l| (l, "set `listen` in `[prometheus]`: the datasource and rule links follow it there")),
                ServiceKind::Alertmanager => r.listen.as_ref().map(|l| (l, "set `listen` in `[alertmanager]`: Prometheus' Alertmanager target follows it there")),
                ServiceKind::Filebeat => r.listen.as_ref().map(|l| (l, "Filebeat listens on no port")),
                ServiceKind::NodeExporter => r.config_dir.as_ref().map(|c| (c, "the node exporter reads no configuration file")),
                ServiceKind::App => None,
            }
        }
        if let Some((s, help)) = r.and_then(|r| misplaced(kind, r)) {
            cx.push(
                Diagnostic::error(
                    codes::KEY_NOT_FOR_KIND,
                    format!("this key does nothing for the `{name}` unit"),
                )
                .at(s.span(), "not used here")
                .help(help),
            );
        }
        let get = |f: fn(&RawService) -> &Option<S<String>>| {
            r.and_then(|r| f(r).as_ref()).map(|v| v.get_ref().clone())
        };
        let (binary, user, description) = match kind {
            ServiceKind::Prometheus => (
                "/usr/bin/prometheus",
                "prometheus",
                "Prometheus monitoring server",
            ),
            ServiceKind::Alertmanager => (
                "/usr/bin/prometheus-alertmanager",
                "prometheus",
                "Prometheus Alertmanager",
            ),
            ServiceKind::NodeExporter => (
                "/usr/bin/prometheus-node-exporter",
                "prometheus",
                "Prometheus node exporter (host metrics)",
            ),
            _ => (
                "/usr/share/filebeat/bin/filebeat",
                "root",
                "Filebeat log shipper",
            ),
        };
        let binary = get(|r| &r.binary).unwrap_or_else(|| binary.into());
        if let Some(r) = r {
            if let Some(b) = &r.binary {
                cx.token(b, "program", escape::systemd::program);
            }
            if let Some(u) = &r.user {
                cx.token(u, "user", escape::systemd::user);
            }
            if let Some(d) = &r.config_dir {
                cx.token(d, "configuration folder", escape::systemd::path);
            }
            for f in &r.extra_flags {
                cx.token(f, "flag", |w| escape::systemd::word(w, false));
            }
        }
        if let Some(l) = r.and_then(|r| r.listen.as_ref()) {
            super::base::address(cx, l);
        }
        let (mut flags, rw) = match kind {
            ServiceKind::Prometheus => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.prometheus_dir.clone());
                let mut f = vec![
                    format!("--config.file={dir}/prometheus.yml"),
                    format!("--storage.tsdb.path={}", prom.storage_path),
                    format!("--storage.tsdb.retention.time={}", prom.retention),
                    format!(
                        "--web.listen-address={}",
                        get(|r| &r.listen).unwrap_or_else(|| prom.listen.clone())
                    ),
                ];
                if let Some(u) = &prom.external_url {
                    f.push(format!("--web.external-url={u}"));
                }
                (f, vec![prom.storage_path.clone()])
            }
            ServiceKind::Alertmanager => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.alertmanager_dir.clone());
                let mut f = vec![
                    format!("--config.file={dir}/alertmanager.yml"),
                    format!("--storage.path={}", am.storage_path),
                    format!(
                        "--web.listen-address={}",
                        get(|r| &r.listen).unwrap_or_else(|| am.listen.clone())
                    ),
                    // One instance: no gossip port opened to the network.
                    "--cluster.listen-address=".to_string(),
                ];
                if let Some(u) = &am.external_url {
                    f.push(format!("--web.external-url={u}"));
                }
                (f, vec![am.storage_path.clone()])
            }
            ServiceKind::NodeExporter => (
                vec![format!(
                    "--web.listen-address={}",
                    get(|r| &r.listen).unwrap_or_else(|| node_listen.clone())
                )],
                vec![],
            ),
            _ => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.filebeat_dir.clone());
                (
                    vec![
                        "--environment".into(),
                        "systemd".into(),
                        "-c".into(),
                        format!("{dir}/filebeat.yml"),
                        "--path.home".into(),
                        "/usr/share/filebeat".into(),
                        "--path.config".into(),
                        dir,
                        "--path.data".into(),
                        "/var/lib/filebeat".into(),
                        "--path.logs".into(),
                        "/var/log/filebeat".into(),
                    ],
                    vec!["/var/lib/filebeat".into(), "/var/log/filebeat".into()],
                )
            }
        };
        if let Some(r) = r {
            flags.extend(r.extra_flags.iter().map(|f| f.get_ref().clone()));
        }
        out.push(Service {
            kind,
            name: name.to_string(),
            description: format!("{description} for {}", project.name),
            binary,
            user: get(|r| &r.user).unwrap_or_else(|| user.into()),
            flags,
            working_directory: None,
            environment_file: None,
            read_write_paths: rw,
            // Filebeat reads logs wherever they are, home folders included; nothing else
            // of the stack has business there.
            protect_home: if kind == ServiceKind::Filebeat {
                "read-only"
            } else {
                "yes"
            },
            expand_env: false,
        });
    }
    if let Some(s) = s {
        cx.unique(s.apps.iter().map(|a| &a.get_ref().name), "service");
        for a in &s.apps {
            let app = app_service(cx, a.get_ref(), project, &out);
            out.push(app);
        }
    }
    out
}

/// One `[[services.app]]`: the monitored service's unit, every value as systemd will read it.
/// `earlier` holds the units generated before it, whose names it may not take.
fn app_service(
    cx: &mut Cx,
    a: &crate::load::RawApp,
    project: &Project,
    earlier: &[Service],
) -> Service {
    let name = a.name.get_ref().clone();
    if earlier.iter().any(|s| s.name == name) {
        cx.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("service `{name}` would replace the stack's own `{name}.service`"),
            )
            .at(a.name.span(), "same unit name as a generated stack unit")
            .help("give the service another name, or disable the stack unit in `[services]`"),
        );
    }
    if name.is_empty()
        || name.len() > 64
        || name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        cx.error(
            codes::EMPTY_NAME,
            format!("service name `{name}` cannot name a unit file"),
            a.name.span(),
            "expected 1 to 64 letters, digits, `-`, `_` and `.`, not starting with `.`",
        );
    }
    if let Some(d) = &a.description {
        cx.token(d, "description", escape::systemd::text);
    }
    if let Some(u) = &a.user {
        cx.token(u, "user", escape::systemd::user);
    }
    for p in a
        .working_directory
        .iter()
        .chain(&a.environment_file)
        .chain(&a.read_write_paths)
    {
        cx.token(p, "path", escape::systemd::path);
    }
    if a.exec.get_ref().contains(['"', '\'', '\\']) {
        cx.error(
            codes::BAD_VALUE,
            "`exec` is split on blanks: quotes and backslashes would reach the program as they are",
            a.exec.span(),
            "write arguments without quotes, or wrap the command in a script",
        );
    }
    // `ProtectHome=yes` hides these folders from the service.
    let home = |p: &str| {
        ["/home", "/root", "/run/user"]
            .iter()
            .any(|h| p == *h || p.starts_with(&format!("{h}/")))
    };
    let exec_words: Vec<&str> = a.exec.get_ref().split_whitespace().collect();
    for (v, span) in exec_words
        .first()
        .map(|b| (b.to_string(), a.exec.span()))
        .into_iter()
        .chain(
            a.working_directory
                .iter()
                .map(|w| (w.get_ref().clone(), w.span())),
        )
        .chain(
            a.read_write_paths
                .iter()
                .map(|p| (p.get_ref().clone(), p.span())),
        )
    {
        if home(&v) {
            cx.push(
                Diagnostic::error(
                    codes::BAD_VALUE,
                    format!("`{v}` is hidden from the service by `ProtectHome=yes`"),
                )
                .at(span, "under /home, /root or /run/user")
                .help("install the service under /opt or /srv"),
            );
        }
    }
    let mut words = a.exec.get_ref().split_whitespace();
    let binary = words.next().unwrap_or_default().to_string();
    if let Err(why) = escape::systemd::program(&binary) {
        cx.error(
            codes::BAD_VALUE,
            format!("`{binary}` cannot start the service"),
            a.exec.span(),
            why,
        );
    }
    if a.user.is_none()
        && let Err(why) = escape::systemd::user(&project.name)
    {
        cx.push(
            Diagnostic::error(
                codes::UNSAFE_TEXT,
                format!(
                    "service `{name}` would run as user `{}`, the project's name",
                    project.name
                ),
            )
            .at(a.name.span(), why)
            .help("set `user` to the account the service runs as"),
        );
    }
    let expand_env = a.environment_file.is_some();
    if let Some((w, why)) = words.clone().find_map(|w| {
        escape::systemd::word(w, expand_env)
            .err()
            .map(|why| (w, why))
    }) {
        cx.error(
            codes::UNSAFE_TEXT,
            format!(
                "`{}` cannot be written safely into `ExecStart=`",
                w.escape_debug()
            ),
            a.exec.span(),
            why,
        );
    }
    Service {
        kind: ServiceKind::App,
        description: a.description.as_ref().map_or_else(
            || format!("{name} ({})", project.name),
            |d| d.get_ref().clone(),
        ),
        name,
        binary,
        user: a
            .user
            .as_ref()
            .map_or_else(|| project.name.clone(), |u| u.get_ref().clone()),
        flags: words.map(str::to_string).collect(),
        working_directory: a.working_directory.as_ref().map(|w| w.get_ref().clone()),
        environment_file: a.environment_file.as_ref().map(|w| w.get_ref().clone()),
        read_write_paths: a
            .read_write_paths
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        protect_home: "yes",
        expand_env,
    }
}
