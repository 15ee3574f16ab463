//! `nginx.conf` from `templates/nginx.conf.j2`, for the nginx version the config names:
//! open-source directives only (passive health checks), `http2 on;` from 1.25.1, and
//! `proxy_http_version 1.1` with an empty `Connection` header whenever keepalive is on.

use serde::Serialize;

use super::template;
use crate::escape::{Refusal, nginx};
use crate::model::{Balance, Model, Proxy, Tls};
use crate::output::bundle::HEADER;
use crate::quantity::Duration;

/// A token `check` has already accepted.
fn token<T: ToString>(r: Result<T, Refusal>) -> String {
    r.map(|t| t.to_string())
        .unwrap_or_else(|why| panic!("ccmon bug: check let through an nginx value: {why}"))
}

pub const TEMPLATE: &str = include_str!("../../templates/nginx.conf.j2");

/// nginx time: whole seconds as `Ns`, otherwise milliseconds.
pub fn time(d: Duration) -> String {
    if d.millis().is_multiple_of(1000) {
        format!("{}s", d.millis() / 1000)
    } else {
        format!("{}ms", d.millis())
    }
}

#[derive(Serialize)]
struct BackendCtx<'a> {
    address: &'a str,
    weight: u32,
    max_fails: u32,
    fail_timeout: String,
    backup: bool,
}

#[derive(Serialize)]
struct ProxyCtx<'a> {
    upstream: &'a str,
    pid_file: String,
    error_log: String,
    access_log: String,
    listen_http: u16,
    listen_https: u16,
    client_max_body_size: &'a str,
    buffering: bool,
    buffer_size: Option<&'a str>,
    buffers: Option<&'a str>,
    busy_buffers_size: Option<&'a str>,
    health_path: Option<String>,
    status_listen: Option<&'a str>,
}

#[derive(Serialize)]
struct TlsCtx<'a> {
    certificate: String,
    certificate_key: String,
    protocols: &'a [String],
    ciphers: String,
    redirect_http: bool,
}

#[derive(Serialize)]
struct Ctx<'a> {
    header: &'static str,
    version: String,
    proxy: ProxyCtx<'a>,
    balance: Option<&'static str>,
    backends: Vec<BackendCtx<'a>>,
    keepalive: Option<u32>,
    keepalive_timeout: String,
    plus: bool,
    server_names: String,
    tls: Option<TlsCtx<'a>>,
    http2_directive: bool,
    connect_timeout: String,
    send_timeout: String,
    read_timeout: String,
}

pub fn emit(_m: &Model, p: &Proxy) -> String {
    let (maj, min, patch) = p.nginx_version;
    let tls = p.tls.as_ref().map(|t: &Tls| TlsCtx {
        certificate: token(nginx::path(&t.certificate)),
        certificate_key: token(nginx::path(&t.certificate_key)),
        protocols: &t.protocols,
        ciphers: token(nginx::ciphers(&t.ciphers)),
        redirect_http: t.redirect_http,
    });
    let ctx = Ctx {
        header: HEADER,
        version: format!("{maj}.{min}.{patch}"),
        proxy: ProxyCtx {
            upstream: &p.upstream,
            pid_file: token(nginx::path(&p.pid_file)),
            error_log: token(nginx::path(&p.error_log)),
            access_log: token(nginx::path(&p.access_log)),
            listen_http: p.listen_http,
            listen_https: p.listen_https,
            client_max_body_size: &p.client_max_body_size,
            buffering: p.buffering,
            buffer_size: p.buffer_size.as_deref(),
            buffers: p.buffers.as_deref(),
            busy_buffers_size: p.busy_buffers_size.as_deref(),
            health_path: p.health_path.as_deref().map(|h| token(nginx::uri_path(h))),
            status_listen: p.status_listen.as_deref(),
        },
        balance: match p.balance {
            Balance::RoundRobin => None,
            Balance::LeastConn => Some("least_conn"),
            Balance::IpHash => Some("ip_hash"),
            Balance::Random => Some("random two least_conn"),
        },
        backends: p
            .backends
            .iter()
            .map(|b| BackendCtx {
                address: &b.address,
                weight: b.weight,
                max_fails: b.max_fails,
                fail_timeout: time(b.fail_timeout),
                backup: b.backup,
            })
            .collect(),
        keepalive: p.keepalive,
        keepalive_timeout: time(p.keepalive_timeout),
        plus: p.nginx_plus,
        server_names: p
            .server_names
            .iter()
            .map(|n| token(nginx::server_name(n)))
            .collect::<Vec<_>>()
            .join(" "),
        tls,
        // `listen ... http2` is deprecated from 1.25.1, and `http2 on;` unknown before it.
        http2_directive: (maj, min, patch) >= (1, 25, 1),
        connect_timeout: time(p.connect_timeout),
        send_timeout: time(p.send_timeout),
        read_timeout: time(p.read_timeout),
    };
    template::render("nginx.conf", TEMPLATE, &ctx)
}
