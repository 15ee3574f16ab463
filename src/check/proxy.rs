//! `[proxy]`: the nginx reverse proxy, every value as nginx will read it and held to the rules
//! `nginx -t` applies.
//!
//! Without the section, the proxy fronts the first job's targets; `enabled = false` leaves
//! nginx.conf out.

use std::ops::Range;

use super::{Cx, enabled};
use crate::codes;
use crate::diag::Diagnostic;
use crate::escape;
use crate::load::{RawBackend, RawBuffering, RawConfig, RawProxy, S};
use crate::model::{Backend, Balance, Job, Project, Proxy, Tls};
use crate::quantity::Duration;
use crate::suggest::closest;

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
                codes::OUT_OF_RANGE,
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
    b: Option<&RawBuffering>,
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
    let span = |f: fn(&RawBuffering) -> &Option<S<String>>| {
        b.and_then(|b| f(b).as_ref()).map_or(0..0, S::span)
    };
    if size > 1 << 30 {
        cx.error(
            codes::OUT_OF_RANGE,
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
            codes::OUT_OF_RANGE,
            "nginx needs at least 2 `proxy_buffers`",
            span(|b| &b.buffers),
            "fewer than 2 buffers",
        );
    } else if busy_v < size {
        cx.push(
            Diagnostic::error(
                codes::CONFLICTING_SETTINGS,
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
                codes::CONFLICTING_SETTINGS,
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
                codes::EMPTY_VALUE,
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
                                codes::UNKNOWN_CHOICE,
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
    v.as_ref()
        .and_then(|p| super::base::port_number(cx, p))
        .unwrap_or(default)
}

pub fn proxy(cx: &mut Cx, raw: &RawConfig, project: &Project, jobs: &[Job]) -> Option<Proxy> {
    let p = raw.proxy.as_ref().map(S::get_ref);
    // Without `[proxy]`, nginx fronts the first job's static targets, if it has any.
    let nothing_to_front = jobs.first().is_none_or(|j| j.targets.is_empty());
    if p.is_some_and(|p| !enabled(&p.enabled)) || (p.is_none() && nothing_to_front) {
        return None;
    }
    let nginx_version = nginx_version(cx, p.and_then(|p| p.nginx_version.as_ref()));
    let balance = balance(cx, p.and_then(|p| p.balance.as_ref()));
    let backends = match (p, &raw.proxy) {
        (Some(p), Some(table)) => backends(cx, p, table.span(), balance),
        _ => first_job_backends(jobs),
    };
    let keepalive = keepalive(cx, p.and_then(|p| p.keepalive.as_ref()));
    let tls = p
        .and_then(|p| p.tls.as_ref())
        .map(|t| tls_settings(cx, t.get_ref()));
    let t = p.and_then(|p| p.timeouts.as_ref()).map(S::get_ref);
    let b = p.and_then(|p| p.buffering.as_ref()).map(S::get_ref);
    let sixty = Duration::from_secs(60);
    let health_path = health_path(cx, p.and_then(|p| p.health_path.as_ref()));
    let server_names = server_names(cx, p.and_then(|p| p.server_names.as_ref()));
    let path = |cx: &mut Cx, v: Option<&S<String>>, default: String| {
        v.map_or(default, |s| {
            cx.token(s, "path", escape::nginx::path);
            s.get_ref().clone()
        })
    };
    let (listen_http, listen_https) = listen_ports(cx, p, tls.is_some());
    let [buffer_size, buffers, busy_buffers_size] =
        b.map_or([None, None, None], |b| buffers(cx, b));
    Some(Proxy {
        nginx_version,
        upstream: upstream(cx, p.and_then(|p| p.upstream.as_ref()), project),
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
        pid_file: pid_file(cx, p.and_then(|p| p.pid_file.as_ref()), path),
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
        status_listen: None,
    })
}

/// `nginx_version`: `1.22` or `1.25.1` (Debian 12's 1.22.1 when absent).
fn nginx_version(cx: &mut Cx, v: Option<&S<String>>) -> (u32, u32, u32) {
    let Some(v) = v else {
        return (1, 22, 1);
    };
    let parts: Vec<Option<u32>> = v.get_ref().split('.').map(|x| x.parse().ok()).collect();
    match parts.as_slice() {
        [Some(a), Some(b)] => (*a, *b, 0),
        [Some(a), Some(b), Some(c)] => (*a, *b, *c),
        _ => {
            cx.error(
                codes::UNKNOWN_CHOICE,
                format!("`{}` is not an nginx version", v.get_ref()),
                v.span(),
                "expected `1.22` or `1.25.1`",
            );
            (1, 22, 1)
        }
    }
}

/// `balance`: one of nginx's open-source balancing methods.
fn balance(cx: &mut Cx, b: Option<&S<String>>) -> Balance {
    let Some(b) = b else {
        return Balance::RoundRobin;
    };
    match b.get_ref().as_str() {
        "round_robin" => Balance::RoundRobin,
        "least_conn" => Balance::LeastConn,
        "ip_hash" => Balance::IpHash,
        "random" => Balance::Random,
        other => {
            let known = ["round_robin", "least_conn", "ip_hash", "random"];
            let mut d = Diagnostic::error(
                codes::UNKNOWN_CHOICE,
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
    }
}

/// `[[proxy.backend]]`: each server of the upstream, and the rules nginx applies to them
/// together. `table` is the span of `[proxy]`.
fn backends(cx: &mut Cx, p: &RawProxy, table: Range<usize>, balance: Balance) -> Vec<Backend> {
    cx.unique(p.backends.iter().map(|b| &b.get_ref().address), "backend");
    let backends: Vec<Backend> = p
        .backends
        .iter()
        .map(|b| backend(cx, b.get_ref()))
        .collect();
    if backends.is_empty() {
        cx.push(
            Diagnostic::error(codes::MISSING_KEY, "the proxy has no backend")
                .at(table, "in this table")
                .help("add `[[proxy.backend]]` with an `address`"),
        );
    }
    if !backends.is_empty() && backends.iter().all(|b| b.backup) {
        cx.push(
            Diagnostic::error(codes::CONFLICTING_SETTINGS, "every backend is a `backup`")
                .at(p.backends[0].span(), "backup too")
                .help("nginx refuses an upstream with no primary server: make at least one backend not `backup`"),
        );
    }
    if matches!(balance, Balance::IpHash | Balance::Random) && backends.iter().any(|b| b.backup) {
        cx.push(
            Diagnostic::error(
                codes::CONFLICTING_SETTINGS,
                "nginx does not allow `backup` servers with `ip_hash` or `random` balancing",
            )
            .at(p.balance.as_ref().map_or(0..0, S::span), "this method"),
        );
    }
    backends
}

/// One `[[proxy.backend]]`.
fn backend(cx: &mut Cx, b: &RawBackend) -> Backend {
    let address = super::base::address(cx, &b.address);
    let count = |cx: &mut Cx, v: &Option<S<i64>>, default: u32, min: i64| match v {
        None => default,
        Some(s) if *s.get_ref() >= min && *s.get_ref() <= 1000 => *s.get_ref() as u32,
        Some(s) => {
            cx.error(
                codes::OUT_OF_RANGE,
                format!("{} is out of range", s.get_ref()),
                s.span(),
                &format!("expected {min} to 1000"),
            );
            default
        }
    };
    let weight = count(cx, &b.weight, 1, 1);
    let max_fails = count(cx, &b.max_fails, 3, 0);
    let fail_timeout = cx.positive_duration(b.fail_timeout.as_ref(), Duration::from_secs(10));
    if let Some(f) = &b.fail_timeout
        && !fail_timeout.millis().is_multiple_of(1000)
    {
        cx.error(
            codes::BAD_DURATION,
            format!("`{}` is not whole seconds", f.get_ref()),
            f.span(),
            "nginx takes `fail_timeout` in seconds only",
        );
    }
    Backend {
        address,
        weight,
        max_fails,
        fail_timeout,
        backup: b.backup.as_ref().is_some_and(|x| *x.get_ref()),
    }
}

/// No `[proxy]`: the proxy fronts the first job's targets, the service being monitored.
fn first_job_backends(jobs: &[Job]) -> Vec<Backend> {
    jobs.first().map_or_else(Vec::new, |job| {
        job.targets
            .iter()
            .map(|t| Backend {
                address: t.clone(),
                weight: 1,
                max_fails: 3,
                fail_timeout: Duration::from_secs(10),
                backup: false,
            })
            .collect()
    })
}

/// `keepalive`: idle upstream connections kept per worker (32 when absent, 0 for none).
fn keepalive(cx: &mut Cx, k: Option<&S<i64>>) -> Option<u32> {
    let Some(k) = k else {
        return Some(32);
    };
    if *k.get_ref() == 0 {
        return None;
    }
    match u32::try_from(*k.get_ref()) {
        Ok(v) if v <= 10_000 => Some(v),
        _ => {
            cx.error(
                codes::OUT_OF_RANGE,
                "`keepalive` is the number of idle upstream connections kept per worker",
                k.span(),
                "expected 0 (off) to 10000",
            );
            None
        }
    }
}

/// `health_path`: `/health` when absent, none when empty.
/// `pid_file`: an nginx path that is also a value of the Ansible inventory (which says where
/// to look for a running nginx).
fn pid_file(
    cx: &mut Cx,
    v: Option<&S<String>>,
    path: impl Fn(&mut Cx, Option<&S<String>>, String) -> String,
) -> String {
    if let Some(s) = v {
        cx.token(s, "path", escape::ansible::value);
    }
    path(cx, v, "/run/nginx.pid".into())
}

fn health_path(cx: &mut Cx, h: Option<&S<String>>) -> Option<String> {
    match h {
        None => Some("/health".to_string()),
        Some(h) if h.get_ref().is_empty() => None,
        Some(h) => {
            cx.token(h, "health path", escape::nginx::uri_path);
            Some(h.get_ref().clone())
        }
    }
}

/// `server_names`: `_` (any name) when absent.
fn server_names(cx: &mut Cx, n: Option<&S<Vec<S<String>>>>) -> Vec<String> {
    let Some(n) = n else {
        return vec!["_".to_string()];
    };
    cx.unique(n.get_ref(), "server name");
    if n.get_ref().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
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

/// The HTTP and HTTPS ports (80 and 443 when absent), which may not be the same one when both
/// are listened on.
fn listen_ports(cx: &mut Cx, p: Option<&RawProxy>, tls: bool) -> (u16, u16) {
    let listen_http = port(cx, p.map_or(&None, |p| &p.listen_http), 80);
    let listen_https = port(cx, p.map_or(&None, |p| &p.listen_https), 443);
    if tls
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
    (listen_http, listen_https)
}

/// `[proxy.buffering]`'s sizes, all three written once one is set (see [`buffer_relations`]).
fn buffers(cx: &mut Cx, b: &RawBuffering) -> [Option<String>; 3] {
    let [one, all, busy] = [
        nginx_size(cx, &b.buffer_size, false, false),
        nginx_size(cx, &b.buffers, true, false),
        nginx_size(cx, &b.busy_buffers_size, false, false),
    ];
    if [&one, &all, &busy].iter().any(|x| x.is_some()) {
        buffer_relations(cx, Some(b), [&one, &all, &busy]).map(Some)
    } else {
        [None, None, None]
    }
}

/// `upstream`: the upstream block's name (`<project>_backend` when absent).
fn upstream(cx: &mut Cx, u: Option<&S<String>>, project: &Project) -> String {
    u.map_or_else(
        || format!("{}_backend", project.name.replace('-', "_")),
        |u| {
            if u.get_ref().len() > 64 {
                cx.error(
                    codes::BAD_IDENTIFIER,
                    "upstream name over 64 characters",
                    u.span(),
                    "a shorter name, such as `app_backend`",
                );
            }
            cx.metric_name(u, "upstream name", false)
        },
    )
}
