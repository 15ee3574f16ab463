//! `prometheus.yml`: global settings, every rule file, Alertmanager, scrape jobs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Model;
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
    scheme: &'a str,
    static_configs: Vec<StaticConfig<'a>>,
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
            ScrapeConfig {
                job_name: &j.name,
                scrape_interval: j.interval.map(|d| d.to_string()),
                scrape_timeout: (timeout != default_timeout || j.timeout.is_some())
                    .then(|| timeout.to_string()),
                metrics_path: &j.metrics_path,
                scheme: &j.scheme,
                static_configs: vec![StaticConfig {
                    targets: &j.targets,
                    labels: &j.labels,
                }],
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
        rule_files: (0..super::rules::chunks(m).len())
            .map(|n| super::rules::chunk_path(&m.project.name, n))
            .chain((!m.slos.is_empty()).then(|| super::rules::slo_path(&m.project.name)))
            .map(|p| p.trim_start_matches("prometheus/").to_string())
            .collect(),
        alerting: Alerting {
            alertmanagers: vec![AlertmanagerConfig {
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
                basic_auth: rw.username.as_deref().map(|u| BasicAuth {
                    username: u,
                    password_file: rw.password_file.as_deref(),
                }),
                authorization: rw.bearer_token_file.as_deref().map(|f| Authorization {
                    credentials_file: f,
                }),
            })
            .collect(),
    };
    super::yaml(&cfg)
}
