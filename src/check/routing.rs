//! Time intervals, notification templates and routing tests: the parts of Alertmanager's
//! configuration that decide when and how a notification goes out, and the tests that say
//! where it must go.

use std::collections::BTreeMap;

use super::Cx;
use crate::am::timeinterval::{self as ti, Period};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, RawPeriod, RawRouteTest, RawTemplate, S};
use crate::model::{RouteTest, TemplateFile, TimeInterval};

/// `[[time_interval]]`: names, periods read as Alertmanager reads them.
pub fn time_intervals(
    cx: &mut Cx,
    raw: &RawConfig,
    v: crate::am::spec::AmVersion,
) -> Vec<TimeInterval> {
    cx.unique(
        raw.time_intervals.iter().map(|t| &t.get_ref().name),
        "time interval",
    );
    raw.time_intervals
        .iter()
        .map(|t| {
            let t = t.get_ref();
            let name = cx.name(&t.name, "time interval");
            if t.period.is_empty() {
                cx.error(
                    codes::EMPTY_VALUE,
                    format!("time interval `{name}` has no `[[time_interval.period]]`"),
                    t.name.span(),
                    "it would hold no time at all",
                );
            }
            TimeInterval {
                name,
                periods: t
                    .period
                    .iter()
                    .map(|p| period(cx, p.get_ref(), v))
                    .collect(),
            }
        })
        .collect()
}

fn list<T>(
    cx: &mut Cx,
    items: &[S<String>],
    parse: fn(&str) -> Result<T, String>,
    what: &str,
) -> (Vec<T>, Vec<String>) {
    let mut parsed = Vec::new();
    let mut text = Vec::new();
    for s in items {
        match parse(s.get_ref()) {
            Ok(v) => {
                parsed.push(v);
                text.push(s.get_ref().clone());
            }
            Err(why) => cx.error(
                codes::BAD_TIME_INTERVAL,
                format!("{what} `{}`: {why}", s.get_ref()),
                s.span(),
                "Alertmanager refuses this",
            ),
        }
    }
    (parsed, text)
}

fn period(cx: &mut Cx, p: &RawPeriod, v: crate::am::spec::AmVersion) -> Period {
    // Alertmanager reads a period's `location` from 0.25.
    let since = crate::am::spec::AmVersion(25);
    if let Some(l) = &p.location
        && v < since
    {
        let key = S::new(l.span(), "location".to_string());
        super::integrations::newer(cx, &key, "`[[time_interval.period]]`", since, v);
    }
    let (times, _) = list(cx, &p.times, ti::parse_times, "time range");
    let (weekdays, wt) = list(cx, &p.weekdays, ti::parse_weekdays, "weekday");
    let (days_of_month, dt) = list(
        cx,
        &p.days_of_month,
        ti::parse_days_of_month,
        "day of month",
    );
    let (months, mt) = list(cx, &p.months, ti::parse_months, "month");
    let (years, yt) = list(cx, &p.years, ti::parse_years, "year");
    let location = p
        .location
        .as_ref()
        .and_then(|l| match ti::zone(l.get_ref()) {
            Ok(_) => Some(l.get_ref().clone()),
            Err(why) => {
                cx.error(codes::BAD_TIME_INTERVAL, why, l.span(), "unknown time zone");
                None
            }
        });
    let fmt = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    Period {
        text: ti::PeriodText {
            times: times.iter().map(|&(a, b)| (fmt(a), fmt(b))).collect(),
            weekdays: wt,
            days_of_month: dt,
            months: mt,
            years: yt,
        },
        times,
        weekdays,
        days_of_month,
        months,
        years,
        location,
    }
}

/// `[[alertmanager.template]]`: each a file name under `alertmanager/templates/` and its
/// text, read from `file` (beside the config) or given as `text`, checked as Alertmanager
/// parses it.
pub fn templates(
    cx: &mut Cx,
    raw: &[S<RawTemplate>],
    dir: Option<&std::path::Path>,
) -> Vec<TemplateFile> {
    let mut out: Vec<TemplateFile> = Vec::new();
    for t in raw {
        let at = t.span();
        let t = t.get_ref();
        let text = match (&t.file, &t.text) {
            (Some(f), None) => read_template(cx, f, dir),
            (None, Some(x)) => Some(x.get_ref().clone()),
            _ => {
                cx.error(
                    codes::INCOMPLETE_KEYS,
                    "a template needs exactly one of `file` and `text`",
                    at.clone(),
                    "in this template",
                );
                None
            }
        };
        let name = match (&t.name, &t.file) {
            (Some(n), _) => Some(n.clone()),
            (None, Some(f)) => f
                .get_ref()
                .rsplit('/')
                .next()
                .map(|n| S::new(f.span(), n.to_string())),
            (None, None) => {
                cx.error(
                    codes::MISSING_KEY,
                    "a template given as `text` needs a `name`",
                    at.clone(),
                    "in this template",
                );
                None
            }
        };
        let (Some(name), Some(text)) = (name, text) else {
            continue;
        };
        let n = name.get_ref();
        let ok = n.ends_with(".tmpl")
            && !n.starts_with('.')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !ok {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("template name `{n}` is not a plain file name ending in `.tmpl`"),
                name.span(),
                "written as alertmanager/templates/<name>",
            );
            continue;
        }
        if out.iter().any(|o| &o.name == n) {
            cx.error(
                codes::DUPLICATE_NAME,
                format!("two templates are named `{n}`"),
                name.span(),
                "a second file of this name",
            );
            continue;
        }
        if let Err(e) = super::template::check_alertmanager(&text) {
            let span = t
                .text
                .as_ref()
                .map_or(name.span(), |x| cx.inner_span(x, e.start, e.end));
            cx.push(
                Diagnostic::error(
                    codes::BAD_TEMPLATE,
                    format!("template `{n}`: {}", e.message),
                )
                .at(span, "Alertmanager would refuse to start with this file"),
            );
        }
        out.push(TemplateFile {
            name: n.clone(),
            text,
        });
    }
    out
}

fn read_template(cx: &mut Cx, f: &S<String>, dir: Option<&std::path::Path>) -> Option<String> {
    let p = f.get_ref();
    let inside = !p.starts_with('/') && !p.split('/').any(|c| c == ".." || c.is_empty());
    if !inside {
        cx.error(
            codes::UNUSABLE_PATH,
            format!("template file `{p}` is not a relative path inside the config's folder"),
            f.span(),
            "write the path from the folder of monitoring.toml, without `..`",
        );
        return None;
    }
    let path = dir.unwrap_or(std::path::Path::new(".")).join(p);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) => {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("template file `{p}` cannot be read: {e}"),
                f.span(),
                "read from the config's folder",
            );
            None
        }
    }
}

fn labels(cx: &mut Cx, m: &S<BTreeMap<String, S<String>>>) -> BTreeMap<String, String> {
    m.get_ref()
        .iter()
        .map(|(k, v)| {
            if !super::is_metric_name(k, false) {
                cx.error(
                    codes::BAD_LABEL_NAME,
                    format!("`{k}` is not a label name"),
                    m.span(),
                    "in these labels",
                );
            }
            (k.clone(), v.get_ref().clone())
        })
        .collect()
}

/// `[[route_test]]`: labels, an optional time, and the receivers expected.
pub fn route_tests(cx: &mut Cx, raw: &[S<RawRouteTest>], receivers: &[String]) -> Vec<RouteTest> {
    raw.iter().map(|t| route_test(cx, t, receivers)).collect()
}

fn route_test(cx: &mut Cx, t: &S<RawRouteTest>, receivers: &[String]) -> RouteTest {
    let line = cx.text[..t.span().start.min(cx.text.len())]
        .matches('\n')
        .count()
        + 1;
    let t = t.get_ref();
    let l = labels(cx, &t.labels);
    let tz = match &t.timezone {
        None => jiff::tz::TimeZone::UTC,
        Some(z) => ti::zone(z.get_ref()).unwrap_or_else(|why| {
            cx.error(codes::BAD_TIME_INTERVAL, why, z.span(), "unknown time zone");
            jiff::tz::TimeZone::UTC
        }),
    };
    let at =
        t.at.as_ref()
            .and_then(|a| match ti::parse_instant(a.get_ref(), &tz) {
                Ok(x) => Some(x),
                Err(why) => {
                    cx.error(
                        codes::BAD_TIME_INTERVAL,
                        why,
                        a.span(),
                        "cannot read this time",
                    );
                    None
                }
            });
    if let Some(a) = &t.at
        && t.timezone.is_some()
        && a.get_ref().parse::<jiff::Timestamp>().is_ok()
    {
        cx.push(
            Diagnostic::warning(
                codes::CONFLICTING_SETTINGS,
                "`at` has its own offset: `timezone` is not used",
            )
            .at(a.span(), "read with this offset"),
        );
    }
    let expect: Vec<String> = t
        .expect
        .iter()
        .flatten()
        .map(|e| {
            if !receivers.contains(e.get_ref()) {
                cx.unknown_ref(
                    codes::UNKNOWN_RECEIVER,
                    "receiver",
                    e,
                    receivers.iter().cloned(),
                );
            }
            e.get_ref().clone()
        })
        .collect();
    let inhibited_by = t.inhibited_by.as_ref().map(|m| labels(cx, m));
    match (&t.expect, &t.inhibited_by) {
        (None, None) => cx.error(
            codes::INCOMPLETE_KEYS,
            "a route test needs `expect` (the receivers notified) or `inhibited_by`",
            t.labels.span(),
            "nothing to check for these labels",
        ),
        (Some(e), Some(i)) if !e.is_empty() => cx.error(
            codes::CONFLICTING_SETTINGS,
            "an inhibited alert notifies no one: `expect` must be `[]` or left out",
            i.span(),
            "this alert is expected to be inhibited",
        ),
        _ => {}
    }
    let name = t.name.as_ref().map_or_else(
        || {
            l.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        },
        |n| n.get_ref().clone(),
    );
    RouteTest {
        name,
        line,
        labels: l,
        at,
        expect,
        inhibited_by,
    }
}

/// An alert as routing sees it: its name and the labels known from its rule.
pub type Routed = (String, BTreeMap<String, String>);

/// Warnings from the route walk of every alert the rule files hold: a page (severity
/// `page_severity`) that reaches receivers none of which pages (CM612), and a receiver that
/// no alert reaches (CM613).
pub fn reachability(
    cx: &mut Cx,
    raw: &RawConfig,
    alerts: &[Routed],
    span_of: &dyn Fn(usize) -> Option<std::ops::Range<usize>>,
    route: &crate::model::Route,
    receivers: &[crate::model::Receiver],
    page_severity: Option<&str>,
) {
    // After an error, what an alert reaches may be a consequence of it.
    if alerts.is_empty() || cx.diags.has_errors() {
        return;
    }
    let mut reached: std::collections::BTreeSet<String> = Default::default();
    let mut warned: Vec<&str> = Vec::new();
    for (i, (name, labels)) in alerts.iter().enumerate() {
        let to = crate::dispatch::walk::possible(route, labels);
        let of = |n: &String| receivers.iter().find(|r| &r.name == n);
        let page = page_severity.is_some_and(|p| labels.get("severity").is_some_and(|s| s == p));
        let silent = to
            .iter()
            .all(|n| of(n).is_none_or(|r| r.integrations.is_empty()));
        if page
            && !silent
            && !to.iter().any(|n| of(n).is_some_and(|r| r.pages))
            && !warned.contains(&name.as_str())
        {
            warned.push(name);
            let mut d = Diagnostic::warning(
                codes::PAGE_NOT_PAGED,
                format!(
                    "page `{name}` (severity `{}`) reaches only {}, which {} no one",
                    page_severity.unwrap_or_default(),
                    crate::suggest::backticked(&to),
                    if to.len() == 1 { "pages" } else { "page" }
                ),
            )
            .help("route it to a receiver with PagerDuty, Opsgenie, VictorOps or Pushover, or mark the receiver that pages (a webhook into your paging system) with `pages = true`");
            if let Some(span) = span_of(i) {
                d = d.at(span, "this page would wake no one");
            }
            cx.push(d);
        }
        reached.extend(to);
    }
    // The root's receiver takes what nothing else matches, alerts of other sources included.
    reached.extend(route.receiver.clone());
    for r in &raw.receivers {
        let n = r.get_ref().name.get_ref();
        if !reached.contains(n) {
            cx.push(
                Diagnostic::warning(
                    codes::RECEIVER_UNREACHED,
                    format!("receiver `{n}` is reached by no alert of this file"),
                )
                .at(r.get_ref().name.span(), "nothing is routed here")
                .help("route alerts to it (a `[[route.routes]]` entry whose matchers they satisfy), or remove it"),
            );
        }
    }
}

/// `[[alertmanager.template]]` read and checked, then the templates the receivers name.
pub fn templates_and_uses(
    cx: &mut Cx,
    raw: &RawConfig,
    dir: Option<&std::path::Path>,
    v: crate::am::spec::AmVersion,
) -> Vec<TemplateFile> {
    let declared = raw
        .alertmanager
        .as_ref()
        .map_or(&[][..], |a| &a.get_ref().templates);
    let files = templates(cx, declared, dir);
    // A template file that could not be read would make its names look undefined.
    if files.len() == declared.len() {
        template_refs(cx, raw, &files, v);
    }
    files
}

/// `{{ template "name" ... }}` in a receiver option names a template that exists: one of the
/// config's template files defines it, or Alertmanager itself (for the targeted release).
/// Otherwise every notification through that integration fails at send time (CM502).
fn template_refs(
    cx: &mut Cx,
    raw: &RawConfig,
    templates: &[TemplateFile],
    v: crate::am::spec::AmVersion,
) {
    static DEFINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\{\{-?\s*(?:define|block)\s+"([^"]+)""#).unwrap()
    });
    static USE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r#"\{\{-?\s*template\s+"([^"]+)""#).unwrap());
    let mut defined: Vec<String> = crate::am::spec::default_templates(v)
        .map(str::to_string)
        .collect();
    for t in templates {
        defined.extend(DEFINE.captures_iter(&t.text).map(|c| c[1].to_string()));
    }
    fn strings<'a>(v: &'a S<crate::load::Any>, out: &mut Vec<&'a S<crate::load::Any>>) {
        match v.get_ref() {
            crate::load::Any::Str(_) => out.push(v),
            crate::load::Any::List(items) => items.iter().for_each(|i| strings(i, out)),
            crate::load::Any::Table(entries) => entries.iter().for_each(|(_, x)| strings(x, out)),
            _ => {}
        }
    }
    let mut values = Vec::new();
    for r in &raw.receivers {
        for (_, tables) in r.get_ref().integrations() {
            tables.iter().for_each(|t| strings(t, &mut values));
        }
    }
    for s in values {
        let text = s.get_ref().as_str().unwrap_or_default();
        for c in USE.captures_iter(text) {
            let name = &c[1];
            if defined.iter().any(|d| d == name) {
                continue;
            }
            let at = S::new(s.span(), text.to_string());
            let m = c.get(1).map_or(0..0, |m| m.range());
            let span = cx.inner_span(&at, m.start, m.end);
            let mut d =
                Diagnostic::error(codes::BAD_TEMPLATE, format!("no template named `{name}`")).at(
                    span,
                    "Alertmanager would fail every notification that uses this",
                );
            let since = crate::am::spec::default_template_since(name);
            d = match crate::suggest::closest(name, defined.iter().map(String::as_str)) {
                _ if since.is_some() => d.help(format!(
                    "Alertmanager defines `{name}` from {}; the target is {v}",
                    since.unwrap_or(v)
                )),
                Some(c) => d.help(format!("did you mean `{c}`?")),
                None => d.help("define it in a template file (`[[alertmanager.template]]`) with `{{ define \"...\" }}`"),
            };
            cx.push(d);
        }
    }
}
