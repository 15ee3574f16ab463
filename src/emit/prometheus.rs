//! `prometheus.yml`: global settings, every rule file, Alertmanager, scrape jobs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Credentials, Discovery, Job, Model, Relabel};
use crate::quantity::Duration;

#[derive(Serialize)]
struct Config<'a> {
    global: Global<'a>,
    rule_files: Vec<String>,
    alerting: Alerting<'a>,
    scrape_configs: Vec<ScrapeConfig<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remote_write: Vec<RemoteWrite<'a>>,
}

#[derive(Serialize)]
struct Global<'a> {
    scrape_interval: String,
    scrape_timeout: String,
    evaluation_interval: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    external_labels: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Alerting<'a> {
    alertmanagers: Vec<AlertmanagerConfig<'a>>,
}

#[derive(Serialize)]
struct AlertmanagerConfig<'a> {
    /// Alertmanager's routes' prefix (its external URL's path), before `/api/v2/alerts`.
    #[serde(skip_serializing_if = "String::is_empty")]
    path_prefix: String,
    static_configs: Vec<StaticConfig<'a>>,
}

#[derive(Serialize)]
struct StaticConfig<'a> {
    targets: &'a [String],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct ScrapeConfig<'a> {
    job_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scrape_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scrape_timeout: Option<String>,
    metrics_path: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    scrape_protocols: &'a [String],
    #[serde(skip_serializing_if = "super::is_false")]
    honor_labels: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    honor_timestamps: Option<bool>,
    scheme: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    params: &'a BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    basic_auth: Option<BasicAuth<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Authorization<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_config: Option<TlsConfig<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    file_sd_configs: Vec<FileSd<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dns_sd_configs: Vec<DnsSd<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    consul_sd_configs: Vec<ConsulSd<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ec2_sd_configs: Vec<Ec2Sd<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kubernetes_sd_configs: Vec<KubernetesSd<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    static_configs: Vec<StaticConfig<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relabel_configs: Vec<RelabelConfig<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    metric_relabel_configs: Vec<RelabelConfig<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label_limit: Option<u64>,
}

#[derive(Serialize)]
struct FileSd<'a> {
    files: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_interval: Option<String>,
}

#[derive(Serialize)]
struct DnsSd<'a> {
    names: &'a [String],
    #[serde(rename = "type")]
    record: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_interval: Option<String>,
}

#[derive(Serialize)]
struct ConsulSd<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    datacenter: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    services: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Authorization<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_interval: Option<String>,
}

#[derive(Serialize)]
struct Ec2Sd<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    filters: Vec<Ec2Filter<'a>>,
}

#[derive(Serialize)]
struct Ec2Filter<'a> {
    name: &'a str,
    values: &'a [String],
}

#[derive(Serialize)]
struct KubernetesSd<'a> {
    role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_server: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubeconfig_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespaces: Option<Namespaces<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    selectors: Vec<Selector<'a>>,
}

#[derive(Serialize)]
struct Namespaces<'a> {
    names: &'a [String],
}

#[derive(Serialize)]
struct Selector<'a> {
    role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// The discoveries of a job, by kind.
#[derive(Default)]
struct Discoveries<'a> {
    files: Vec<FileSd<'a>>,
    dns: Vec<DnsSd<'a>>,
    consul: Vec<ConsulSd<'a>>,
    ec2: Vec<Ec2Sd<'a>>,
    kubernetes: Vec<KubernetesSd<'a>>,
}

fn discovery(j: &Job) -> Discoveries<'_> {
    let mut out = Discoveries::default();
    let every = |r: &Option<Duration>| r.map(|d| d.to_string());
    for d in &j.discovery {
        match d {
            Discovery::File { files: f, refresh } => out.files.push(FileSd {
                files: f,
                refresh_interval: every(refresh),
            }),
            Discovery::Dns {
                names,
                record,
                port,
                refresh,
            } => out.dns.push(DnsSd {
                names,
                record,
                port: *port,
                refresh_interval: every(refresh),
            }),
            Discovery::Consul {
                server,
                scheme,
                datacenter,
                services,
                tags,
                token_file,
                refresh,
            } => out.consul.push(ConsulSd {
                server: server.as_deref(),
                scheme: scheme.as_deref(),
                datacenter: datacenter.as_deref(),
                services,
                tags,
                authorization: token_file.as_deref().map(|f| Authorization {
                    credentials_file: f,
                }),
                refresh_interval: every(refresh),
            }),
            Discovery::Ec2 {
                region,
                port,
                filters,
                role_arn,
                profile,
                refresh,
            } => out.ec2.push(Ec2Sd {
                region: region.as_deref(),
                role_arn: role_arn.as_deref(),
                profile: profile.as_deref(),
                refresh_interval: every(refresh),
                port: *port,
                filters: filters
                    .iter()
                    .map(|(name, values)| Ec2Filter { name, values })
                    .collect(),
            }),
            Discovery::Kubernetes {
                role,
                api_server,
                kubeconfig_file,
                namespaces,
                label_selector,
                field_selector,
            } => out.kubernetes.push(KubernetesSd {
                role,
                api_server: api_server.as_deref(),
                kubeconfig_file: kubeconfig_file.as_deref(),
                namespaces: (!namespaces.is_empty()).then_some(Namespaces { names: namespaces }),
                selectors: if label_selector.is_some() || field_selector.is_some() {
                    vec![Selector {
                        role,
                        label: label_selector.as_deref(),
                        field: field_selector.as_deref(),
                    }]
                } else {
                    Vec::new()
                },
            }),
        }
    }
    out
}

#[derive(Serialize)]
struct RelabelConfig<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    source_labels: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    separator: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regex: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modulus: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement: Option<&'a str>,
    action: &'a str,
}

fn relabel_configs(rules: &[Relabel]) -> Vec<RelabelConfig<'_>> {
    rules
        .iter()
        .map(|r| RelabelConfig {
            source_labels: &r.source_labels,
            separator: r.separator.as_deref(),
            regex: r.regex.as_deref(),
            modulus: r.modulus,
            target_label: r.target_label.as_deref(),
            replacement: r.replacement.as_deref(),
            action: &r.action,
        })
        .collect()
}

#[derive(Serialize)]
struct TlsConfig<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cert_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_name: Option<&'a str>,
    #[serde(skip_serializing_if = "super::is_false")]
    insecure_skip_verify: bool,
}

#[derive(Serialize)]
struct RemoteWrite<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    basic_auth: Option<BasicAuth<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Authorization<'a>>,
}

#[derive(Serialize)]
struct BasicAuth<'a> {
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_file: Option<&'a str>,
}

#[derive(Serialize)]
struct Authorization<'a> {
    credentials_file: &'a str,
}

pub fn emit(m: &Model) -> String {
    let p = &m.prometheus;
    let no_labels = BTreeMap::new();
    let scrape_configs = m
        .jobs
        .iter()
        .map(|j| {
            let interval = j.interval.unwrap_or(p.scrape_interval);
            // Prometheus refuses a timeout longer than the interval: a job scraped faster than
            // the global timeout gets its own.
            let timeout = j.timeout.unwrap_or(p.scrape_timeout).min(interval);
            let default_timeout: Duration = p.scrape_timeout.min(p.scrape_interval);
            let sd = discovery(j);
            ScrapeConfig {
                job_name: &j.name,
                scrape_interval: j.interval.map(|d| d.to_string()),
                scrape_timeout: (timeout != default_timeout || j.timeout.is_some())
                    .then(|| timeout.to_string()),
                metrics_path: &j.metrics_path,
                scrape_protocols: &j.scrape_protocols,
                honor_labels: j.honor_labels,
                honor_timestamps: (!j.honor_timestamps).then_some(false),
                scheme: &j.scheme,
                params: &j.params,
                basic_auth: basic_auth(&j.auth),
                authorization: authorization(&j.auth),
                tls_config: j.tls.as_ref().map(|t| TlsConfig {
                    ca_file: t.ca_file.as_deref(),
                    cert_file: t.cert_file.as_deref(),
                    key_file: t.key_file.as_deref(),
                    server_name: t.server_name.as_deref(),
                    insecure_skip_verify: t.insecure_skip_verify,
                }),
                proxy_url: j.proxy_url.as_deref(),
                file_sd_configs: sd.files,
                dns_sd_configs: sd.dns,
                consul_sd_configs: sd.consul,
                ec2_sd_configs: sd.ec2,
                kubernetes_sd_configs: sd.kubernetes,
                // A job that only discovers its targets has no static ones; its `labels`
                // then go on through relabeling only if the user writes it.
                static_configs: if j.targets.is_empty() {
                    Vec::new()
                } else {
                    vec![StaticConfig {
                        targets: &j.targets,
                        labels: &j.labels,
                    }]
                },
                relabel_configs: relabel_configs(&j.relabel),
                metric_relabel_configs: relabel_configs(&j.metric_relabel),
                sample_limit: j.sample_limit,
                label_limit: j.label_limit,
            }
        })
        .collect();
    let cfg = Config {
        global: Global {
            scrape_interval: p.scrape_interval.to_string(),
            scrape_timeout: p.scrape_timeout.min(p.scrape_interval).to_string(),
            evaluation_interval: p.evaluation_interval.to_string(),
            external_labels: &m.project.external_labels,
        },
        // Relative to this file's folder, which is where Prometheus resolves it.
        rule_files: super::rules::chunks(m)
            .into_iter()
            .map(|f| f.path)
            .chain((!m.slos.is_empty()).then(|| super::rules::slo_path(&m.project.name)))
            .map(|p| p.trim_start_matches("prometheus/").to_string())
            .collect(),
        alerting: Alerting {
            alertmanagers: vec![AlertmanagerConfig {
                path_prefix: crate::addr::route_prefix(m.alertmanager.external_url.as_deref()),
                static_configs: vec![StaticConfig {
                    targets: &p.alertmanagers,
                    labels: &no_labels,
                }],
            }],
        },
        scrape_configs,
        remote_write: p
            .remote_write
            .iter()
            .map(|rw| RemoteWrite {
                url: &rw.url,
                basic_auth: basic_auth(&rw.auth),
                authorization: authorization(&rw.auth),
            })
            .collect(),
    };
    super::yaml(&cfg)
}

fn basic_auth(c: &Credentials) -> Option<BasicAuth<'_>> {
    c.username.as_deref().map(|u| BasicAuth {
        username: u,
        password_file: c.password_file.as_deref(),
    })
}

fn authorization(c: &Credentials) -> Option<Authorization<'_>> {
    c.bearer_token_file.as_deref().map(|f| Authorization {
        credentials_file: f,
    })
}

#[cfg(test)]
mod tests {
    /// Keys the promtool of CI (2.42) does not know yet are written where newer releases
    /// read them, in the order given.
    #[test]
    fn scrape_protocols_are_written_in_order_for_2_49() {
        let text = "[project]\nname = \"p\"\n\n[prometheus]\nversion = \"2.49\"\n\n[[job]]\nname = \"api\"\ntargets = [\"localhost:8080\"]\nscrape_protocols = [\"OpenMetricsText1.0.0\", \"PrometheusText0.0.4\"]\n";
        let src = crate::diag::source::Source::new("monitoring.toml", text.to_string());
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags).expect("the config compiles");
        let yml = super::emit(&m);
        assert!(
            yml.contains("- job_name: api\n  metrics_path: /metrics\n  scrape_protocols:\n  - OpenMetricsText1.0.0\n  - PrometheusText0.0.4\n"),
            "{yml}"
        );
    }
}
