//! `filebeat.yml`: `filestream` inputs with stable unique ids, ECS-safe fields, and the
//! template settings a custom index needs for Filebeat to start at all.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::escape::filebeat::{keystore_key, text};
use crate::model::{Logs, Model};

type Text<'a> = std::borrow::Cow<'a, str>;

fn texts(v: &[String]) -> Vec<Text<'_>> {
    v.iter().map(|s| text(s)).collect()
}

/// `${NAME}`: a keystore reference, the one place where filebeat.yml expands on purpose.
fn keystore_ref(k: &str) -> String {
    let k = keystore_key(k)
        .unwrap_or_else(|why| panic!("ccmon bug: check let through a keystore key: {why}"));
    format!("${{{k}}}")
}

#[derive(Serialize)]
struct Config<'a> {
    #[serde(rename = "filebeat.inputs")]
    inputs: Vec<Input<'a>>,
    processors: Vec<BTreeMap<&'static str, BTreeMap<String, String>>>,
    #[serde(rename = "output.elasticsearch")]
    output: Output<'a>,
    #[serde(
        rename = "setup.template.name",
        skip_serializing_if = "Option::is_none"
    )]
    template_name: Option<String>,
    #[serde(
        rename = "setup.template.pattern",
        skip_serializing_if = "Option::is_none"
    )]
    template_pattern: Option<String>,
    #[serde(rename = "setup.ilm.enabled", skip_serializing_if = "Option::is_none")]
    ilm_enabled: Option<bool>,
    #[serde(rename = "setup.kibana", skip_serializing_if = "Option::is_none")]
    kibana: Option<Kibana<'a>>,
    /// Filebeat's own HTTP endpoint (its state as JSON), for self-monitoring.
    #[serde(rename = "http.enabled", skip_serializing_if = "Option::is_none")]
    http_enabled: Option<bool>,
    #[serde(rename = "http.host", skip_serializing_if = "Option::is_none")]
    http_host: Option<&'a str>,
    #[serde(rename = "http.port", skip_serializing_if = "Option::is_none")]
    http_port: Option<u16>,
}

#[derive(Serialize)]
struct Input<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: Text<'a>,
    enabled: bool,
    paths: Vec<Text<'a>>,
    fields_under_root: bool,
    fields: Fields<'a>,
}

/// Under the root, so only ECS names: `service.name`, `service.environment`, `labels.*`.
#[derive(Serialize)]
struct Fields<'a> {
    service: Service<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<Text<'a>, Text<'a>>,
}

#[derive(Serialize)]
struct Service<'a> {
    name: Text<'a>,
    environment: Text<'a>,
}

#[derive(Serialize)]
struct Output<'a> {
    hosts: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<String>,
    #[serde(
        rename = "ssl.certificate_authorities",
        skip_serializing_if = "Option::is_none"
    )]
    ca: Option<Vec<Text<'a>>>,
}

#[derive(Serialize)]
struct Kibana<'a> {
    host: Text<'a>,
}

/// Template name and pattern for a custom index: `app-%{+yyyy.MM.dd}` -> `app`, `app-*`.
pub fn template_for(index: &str) -> (String, String) {
    let stem = index.split("%{").next().unwrap_or(index);
    let name = stem.trim_end_matches(['-', '.', '_']).to_string();
    let pattern = format!("{stem}*");
    (name, pattern)
}

pub fn emit(m: &Model, logs: &Logs) -> String {
    let es = &logs.elasticsearch;
    let template = es.index.as_deref().map(template_for);
    let cfg = Config {
        inputs: logs
            .inputs
            .iter()
            .map(|i| Input {
                kind: "filestream",
                id: text(&i.id),
                enabled: true,
                paths: texts(&i.paths),
                fields_under_root: true,
                fields: Fields {
                    service: Service {
                        name: text(&i.service),
                        environment: text(&m.project.environment),
                    },
                    labels: i.labels.iter().map(|(k, v)| (text(k), text(v))).collect(),
                },
            })
            .collect(),
        processors: vec![BTreeMap::from([("add_host_metadata", BTreeMap::new())])],
        output: Output {
            hosts: texts(&es.hosts),
            index: es.index.as_deref().map(text),
            username: es.username.as_deref().map(text),
            // Keystore (or environment) references: the secret never lands in this file.
            password: es.password_keystore.as_deref().map(keystore_ref),
            api_key: es.api_key_keystore.as_deref().map(keystore_ref),
            ca: es.ca_file.as_deref().map(|c| vec![text(c)]),
        },
        template_name: template.as_ref().map(|t| text(&t.0).into_owned()),
        template_pattern: template.as_ref().map(|t| text(&t.1).into_owned()),
        // With ILM on, Filebeat 7.x silently replaces a custom index with its rollover alias.
        ilm_enabled: template.as_ref().map(|_| false),
        kibana: logs
            .kibana
            .as_deref()
            .map(|host| Kibana { host: text(host) }),
        http_enabled: logs.http.as_ref().map(|_| true),
        http_host: logs.http.as_ref().map(|h| h.0.as_str()),
        http_port: logs.http.as_ref().map(|h| h.1),
    };
    super::yaml(&cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_matches_the_daily_index() {
        assert_eq!(
            template_for("claude-code-%{+yyyy.MM.dd}"),
            ("claude-code".to_string(), "claude-code-*".to_string())
        );
        assert_eq!(
            template_for("logs"),
            ("logs".to_string(), "logs*".to_string())
        );
    }
}
