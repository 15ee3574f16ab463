//! `blackbox.yml`: one module per health check. Probes prefer IPv4 (the exporter's default
//! is IPv6 first, and a service listening on 127.0.0.1 only then fails its probe through
//! `localhost`); an `https://` check fails on a plain answer.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Blackbox, Prober};

#[derive(Serialize)]
struct Config<'a> {
    modules: BTreeMap<&'a str, Module<'a>>,
}

#[derive(Serialize)]
struct Module<'a> {
    prober: &'static str,
    timeout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<Http<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp: Option<Tcp<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns: Option<Dns<'a>>,
}

#[derive(Serialize)]
struct Http<'a> {
    method: &'a str,
    #[serde(skip_serializing_if = "<[u16]>::is_empty")]
    valid_status_codes: &'a [u16],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fail_if_body_not_matches_regexp: Vec<&'a str>,
    #[serde(skip_serializing_if = "super::is_false")]
    fail_if_not_ssl: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_config: Option<TlsConfig<'a>>,
    preferred_ip_protocol: &'static str,
}

#[derive(Serialize)]
struct Tcp<'a> {
    #[serde(skip_serializing_if = "super::is_false")]
    tls: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_config: Option<TlsConfig<'a>>,
    preferred_ip_protocol: &'static str,
}

#[derive(Serialize)]
struct Dns<'a> {
    query_name: &'a str,
    query_type: &'a str,
    valid_rcodes: [&'static str; 1],
    preferred_ip_protocol: &'static str,
}

#[derive(Serialize)]
struct TlsConfig<'a> {
    ca_file: &'a str,
}

const IP: &str = "ip4";

pub fn emit(b: &Blackbox) -> String {
    let modules = b
        .modules
        .iter()
        .map(|m| {
            let mut module = Module {
                prober: "",
                timeout: m.timeout.to_string(),
                http: None,
                tcp: None,
                dns: None,
            };
            match &m.prober {
                Prober::Http {
                    method,
                    status,
                    body,
                    tls: https,
                    ca_file,
                } => {
                    module.prober = "http";
                    module.http = Some(Http {
                        method,
                        valid_status_codes: status,
                        fail_if_body_not_matches_regexp: body.iter().map(String::as_str).collect(),
                        fail_if_not_ssl: *https,
                        tls_config: tls(ca_file.as_deref()),
                        preferred_ip_protocol: IP,
                    });
                }
                Prober::Tcp { tls: on, ca_file } => {
                    module.prober = "tcp";
                    module.tcp = Some(Tcp {
                        tls: *on,
                        tls_config: tls(ca_file.as_deref()),
                        preferred_ip_protocol: IP,
                    });
                }
                Prober::Dns { query_name, record } => {
                    module.prober = "dns";
                    module.dns = Some(Dns {
                        query_name,
                        query_type: record,
                        valid_rcodes: ["NOERROR"],
                        preferred_ip_protocol: IP,
                    });
                }
            }
            (m.name.as_str(), module)
        })
        .collect();
    super::yaml(&Config { modules })
}

fn tls(ca: Option<&str>) -> Option<TlsConfig<'_>> {
    ca.map(|ca_file| TlsConfig { ca_file })
}
