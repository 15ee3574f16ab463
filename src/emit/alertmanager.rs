//! `alertmanager.yml`: secrets only as `*_file` references, `matchers` syntax only
//! (`match`/`source_match`/`target_match` are deprecated since 0.22).

use serde::Serialize;

use super::is_false;
use crate::model::{Matcher, Model, Route};

#[derive(Serialize)]
struct Config<'a> {
    global: Global<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    templates: Vec<String>,
    route: RouteOut<'a>,
    receivers: Vec<Receiver<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<Inhibit<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    time_intervals: Vec<TimeIntervalOut<'a>>,
}

#[derive(Serialize)]
struct Global<'a> {
    resolve_timeout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_smarthost: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_hello: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_password_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_identity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_require_tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_api_url_file: Option<&'a str>,
    #[serde(flatten)]
    rest: &'a serde_json::Map<String, serde_json::Value>,
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
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    mute_time_intervals: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    active_time_intervals: &'a [String],
    #[serde(rename = "continue", skip_serializing_if = "is_false")]
    continue_: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<RouteOut<'a>>,
}

/// A receiver: its name, then each integration kind's list under `<kind>_configs`.
struct Receiver<'a>(&'a crate::model::Receiver);

impl Serialize for Receiver<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &r.name)?;
        for spec in crate::am::spec::INTEGRATIONS {
            let list: Vec<&serde_json::Map<String, serde_json::Value>> = r
                .integrations
                .iter()
                .filter(|i| i.spec.key == spec.key)
                .map(|i| &i.options)
                .collect();
            if !list.is_empty() {
                m.serialize_entry(&spec.yaml_key(), &list)?;
            }
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Inhibit<'a> {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    equal: &'a [String],
}

#[derive(Serialize)]
struct TimeIntervalOut<'a> {
    name: &'a str,
    time_intervals: Vec<PeriodOut<'a>>,
}

#[derive(Serialize)]
struct PeriodOut<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    times: Vec<TimeRange<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    weekdays: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    days_of_month: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    months: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    years: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
}

#[derive(Serialize)]
struct TimeRange<'a> {
    start_time: &'a str,
    end_time: &'a str,
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
        mute_time_intervals: &r.mute,
        active_time_intervals: &r.active,
        continue_: r.continue_,
        routes: r.routes.iter().map(route).collect(),
    }
}

/// Where the template files go, relative to `alertmanager.yml` (Alertmanager resolves
/// `templates` against the config file's folder).
pub const TEMPLATE_DIR: &str = "templates";

pub fn emit(m: &Model) -> String {
    let am = &m.alertmanager;
    let smtp = am.smtp.as_ref();
    let cfg = Config {
        global: Global {
            resolve_timeout: am.resolve_timeout.to_string(),
            smtp_smarthost: smtp.map(|s| s.smarthost.as_str()),
            smtp_from: smtp.map(|s| s.from.as_str()),
            smtp_hello: smtp.and_then(|s| s.hello.as_deref()),
            smtp_auth_username: smtp.and_then(|s| s.auth_username.as_deref()),
            smtp_auth_password_file: smtp.and_then(|s| s.auth_password_file.as_deref()),
            smtp_auth_identity: smtp.and_then(|s| s.auth_identity.as_deref()),
            smtp_require_tls: smtp.map(|s| s.require_tls),
            slack_api_url_file: am.slack_api_url_file.as_deref(),
            rest: &am.global,
        },
        templates: am
            .templates
            .iter()
            .map(|t| format!("{TEMPLATE_DIR}/{}", t.name))
            .collect(),
        route: route(&am.route),
        receivers: am.receivers.iter().map(Receiver).collect(),
        inhibit_rules: am
            .inhibits
            .iter()
            .map(|i| Inhibit {
                source_matchers: matchers(&i.source),
                target_matchers: matchers(&i.target),
                equal: &i.equal,
            })
            .collect(),
        time_intervals: am
            .time_intervals
            .iter()
            .map(|t| TimeIntervalOut {
                name: &t.name,
                time_intervals: t
                    .periods
                    .iter()
                    .map(|p| PeriodOut {
                        times: p
                            .text
                            .times
                            .iter()
                            .map(|(a, b)| TimeRange {
                                start_time: a,
                                end_time: b,
                            })
                            .collect(),
                        weekdays: &p.text.weekdays,
                        days_of_month: &p.text.days_of_month,
                        months: &p.text.months,
                        years: &p.text.years,
                        location: p.location.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
    };
    super::yaml(&cfg)
}
