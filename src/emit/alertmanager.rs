//! `alertmanager.yml`: secrets only as `*_file` references, `matchers` syntax only
//! (`match`/`source_match`/`target_match` are deprecated since 0.22).

use serde::Serialize;

use super::is_false;
use crate::model::{Matcher, Model, Route};

#[derive(Serialize)]
struct Config<'a> {
    global: Global<'a>,
    route: RouteOut<'a>,
    receivers: Vec<Receiver<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<Inhibit<'a>>,
}

#[derive(Serialize)]
struct Global<'a> {
    resolve_timeout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_smarthost: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_password_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_require_tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_api_url_file: Option<&'a str>,
}

#[derive(Serialize)]
struct RouteOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matchers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_wait: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_interval: Option<String>,
    #[serde(rename = "continue", skip_serializing_if = "is_false")]
    continue_: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<RouteOut<'a>>,
}

#[derive(Serialize)]
struct Receiver<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    email_configs: Vec<Email<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slack_configs: Vec<Slack<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    webhook_configs: Vec<Webhook<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pagerduty_configs: Vec<Pagerduty<'a>>,
}

#[derive(Serialize)]
struct Email<'a> {
    to: &'a str,
    send_resolved: bool,
}

#[derive(Serialize)]
struct Slack<'a> {
    channel: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_url_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    send_resolved: bool,
}

#[derive(Serialize)]
struct Webhook<'a> {
    url: &'a str,
    send_resolved: bool,
    max_alerts: u32,
}

#[derive(Serialize)]
struct Pagerduty<'a> {
    routing_key_file: &'a str,
    send_resolved: bool,
}

#[derive(Serialize)]
struct Inhibit<'a> {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    equal: &'a [String],
}

fn matchers(ms: &[Matcher]) -> Vec<String> {
    ms.iter().map(Matcher::to_string).collect()
}

fn route(r: &Route) -> RouteOut<'_> {
    RouteOut {
        receiver: r.receiver.as_deref(),
        matchers: matchers(&r.matchers),
        group_by: r.group_by.as_deref(),
        group_wait: r.group_wait.map(|d| d.to_string()),
        group_interval: r.group_interval.map(|d| d.to_string()),
        repeat_interval: r.repeat_interval.map(|d| d.to_string()),
        continue_: r.continue_,
        routes: r.routes.iter().map(route).collect(),
    }
}

pub fn emit(m: &Model) -> String {
    let am = &m.alertmanager;
    let smtp = am.smtp.as_ref();
    let cfg = Config {
        global: Global {
            resolve_timeout: am.resolve_timeout.to_string(),
            smtp_smarthost: smtp.map(|s| s.smarthost.as_str()),
            smtp_from: smtp.map(|s| s.from.as_str()),
            smtp_auth_username: smtp.and_then(|s| s.auth_username.as_deref()),
            smtp_auth_password_file: smtp.and_then(|s| s.auth_password_file.as_deref()),
            smtp_require_tls: smtp.map(|s| s.require_tls),
            slack_api_url_file: am.slack_api_url_file.as_deref(),
        },
        route: route(&am.route),
        receivers: am
            .receivers
            .iter()
            .map(|r| Receiver {
                name: &r.name,
                email_configs: r
                    .emails
                    .iter()
                    .map(|e| Email {
                        to: &e.to,
                        send_resolved: e.send_resolved,
                    })
                    .collect(),
                slack_configs: r
                    .slacks
                    .iter()
                    .map(|s| Slack {
                        channel: &s.channel,
                        api_url_file: s.api_url_file.as_deref(),
                        title: s.title.as_deref(),
                        text: s.text.as_deref(),
                        send_resolved: s.send_resolved,
                    })
                    .collect(),
                webhook_configs: r
                    .webhooks
                    .iter()
                    .map(|w| Webhook {
                        url: &w.url,
                        send_resolved: w.send_resolved,
                        max_alerts: w.max_alerts,
                    })
                    .collect(),
                pagerduty_configs: r
                    .pagerduty
                    .iter()
                    .map(|p| Pagerduty {
                        routing_key_file: &p.routing_key_file,
                        send_resolved: p.send_resolved,
                    })
                    .collect(),
            })
            .collect(),
        inhibit_rules: am
            .inhibits
            .iter()
            .map(|i| Inhibit {
                source_matchers: matchers(&i.source),
                target_matchers: matchers(&i.target),
                equal: &i.equal,
            })
            .collect(),
    };
    super::yaml(&cfg)
}
