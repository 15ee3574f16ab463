//! Alertmanager: receivers (secrets only by file), the route tree, inhibit rules.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{
    RawConfig, RawEmail, RawInhibit, RawPagerduty, RawReceiver, RawRoute, RawSlack, RawSmtp,
    RawWebhook, S,
};
use crate::model::{
    Alert, Alertmanager, Email, Inhibit, Matcher, Pagerduty, Receiver, Route, Slack, Slo, SloTier,
    Smtp, Webhook,
};
use crate::promql::selector::MatchOp;
use crate::quantity::Duration;
use crate::suggest::{backticked, closest};

/// An alert of the rule file as routing sees it before any series exists: a typed alert, or
/// one tier of an SLO.
#[derive(Clone, Copy)]
enum Who<'a> {
    Alert(&'a Alert),
    Slo(&'a Slo, &'a SloTier),
}

impl<'a> Who<'a> {
    /// A label known from the rule itself.
    fn label(self, name: &str) -> Option<&'a str> {
        match self {
            Who::Alert(a) => a.static_label(name),
            Who::Slo(s, t) => match name {
                "alertname" => Some(&t.alert),
                "severity" => Some(t.severity.as_str()),
                "slo" => Some(&s.name),
                "dimension" => Some(&s.dimension),
                "tier" => Some(t.tier.as_str()),
                _ => s.labels.get(name).map(String::as_str),
            },
        }
    }

    /// Labels beyond `alertname`, `severity` and `dimension` that the rule sets.
    fn extra_keys(self) -> Vec<&'a str> {
        match self {
            Who::Alert(a) => a.labels.keys().map(String::as_str).collect(),
            Who::Slo(s, _) => ["slo", "tier"]
                .into_iter()
                .chain(s.labels.keys().map(String::as_str))
                .collect(),
        }
    }

    fn same(self, other: Who) -> bool {
        match (self, other) {
            (Who::Alert(a), Who::Alert(b)) => std::ptr::eq(a, b),
            (Who::Slo(_, a), Who::Slo(_, b)) => std::ptr::eq(a, b),
            _ => false,
        }
    }
}

/// Labels that every alert carries from its rule, so a matcher on them can be decided now.
const ALWAYS_KNOWN: [&str; 2] = ["alertname", "severity"];

/// A route matcher on `alertname` or `severity` that no alert of the file satisfies is a
/// route (or inhibit rule) that never takes effect: `severity="Critical"` when the alerts
/// say `critical`.
/// A `severity="x"` matcher names a declared severity: no alert can carry another.
fn declared_severities(cx: &mut Cx, raw: &[S<String>], ms: &[Matcher]) {
    for (m, s) in ms.iter().zip(raw) {
        if m.name == "severity"
            && m.op == MatchOp::Eq
            && !m.value.is_empty()
            && !cx.severities.contains(&m.value)
        {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_SEVERITY,
                format!("unknown severity `{}` in a matcher", m.value),
            )
            .at(s.span(), "no alert can carry it: it is not declared");
            d = match closest(&m.value, cx.severities.iter().map(String::as_str)) {
                Some(c) => d.help(format!(
                    "did you mean `{c}`? Label values are case-sensitive"
                )),
                None => d.help(format!("declared: {}", backticked(&cx.severities))),
            };
            cx.push(d);
        }
    }
}

fn matches_something(cx: &mut Cx, raw: &[S<String>], ms: &[Matcher], who: &[Who]) {
    declared_severities(cx, raw, ms);
    if who.is_empty() {
        return;
    }
    for (m, s) in ms.iter().zip(raw) {
        if m.name == "severity"
            && m.op == MatchOp::Eq
            && !m.value.is_empty()
            && !cx.severities.contains(&m.value)
        {
            continue;
        }
        if !ALWAYS_KNOWN.contains(&m.name.as_str()) || !matches!(m.op, MatchOp::Eq | MatchOp::Re) {
            continue;
        }
        let values: std::collections::BTreeSet<&str> =
            who.iter().filter_map(|w| w.label(&m.name)).collect();
        // A regex that does not build was reported where the matcher was read.
        let hit = match m.op {
            MatchOp::Eq => values.contains(m.value.as_str()),
            _ => values.iter().any(|v| m.op.matches(&m.value, v)),
        };
        if !hit {
            let mut d = Diagnostic::warning(
                codes::MATCHES_NOTHING,
                format!(
                    "no alert has `{}` {} `{}`",
                    m.name,
                    if m.op == MatchOp::Eq {
                        "equal to"
                    } else {
                        "matching"
                    },
                    m.value
                ),
            )
            .at(s.span(), "this matcher is never satisfied");
            d = match closest(&m.value, values.iter().copied()) {
                Some(c) => d.help(format!(
                    "did you mean `{c}`? Label values are case-sensitive"
                )),
                None => d.help(format!(
                    "the alerts have: {}",
                    backticked(
                        &values
                            .iter()
                            .take(8)
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                    )
                )),
            };
            cx.push(d);
        }
    }
}

pub fn alertmanager(cx: &mut Cx, raw: &RawConfig, alerts: &[Alert], slos: &[Slo]) -> Alertmanager {
    let who: Vec<Who> = alerts
        .iter()
        .map(Who::Alert)
        .chain(
            slos.iter()
                .flat_map(|s| s.tiers.iter().map(move |t| Who::Slo(s, t))),
        )
        .collect();
    let am = raw.alertmanager.as_ref().map(S::get_ref);
    let smtp = am
        .and_then(|a| a.smtp.as_ref())
        .map(|s| smtp(cx, s.get_ref()));
    if let Some(a) = am {
        cx.no_plaintext(
            a.slack_api_url.as_ref(),
            "slack_api_url",
            "slack_api_url_file",
        );
    }
    let slack_global = am
        .and_then(|a| a.slack_api_url_file.as_ref())
        .map(|s| s.get_ref().clone());

    cx.unique(raw.receivers.iter().map(|r| &r.get_ref().name), "receiver");
    let mut receivers: Vec<Receiver> = raw
        .receivers
        .iter()
        .map(|r| receiver(cx, r.get_ref(), smtp.is_some(), slack_global.is_some()))
        .collect();
    let names: Vec<String> = receivers.iter().map(|r| r.name.clone()).collect();
    let mut route = match &raw.route {
        Some(r) => root_route(cx, r.get_ref(), &names, &who),
        None => Route {
            receiver: None,
            matchers: Vec::new(),
            group_by: None,
            group_wait: None,
            group_interval: None,
            repeat_interval: None,
            continue_: false,
            routes: Vec::new(),
        },
    };
    if route.receiver.is_none() {
        route.receiver = root_receiver(cx, raw, alerts, &mut receivers);
    }
    let mut inhibits: Vec<Inhibit> = raw
        .inhibits
        .iter()
        .map(|i| inhibit(cx, i.get_ref(), &who))
        .collect();
    inhibits.extend(tier_inhibits(alerts, &cx.severities));
    pages_reach_someone(cx, raw, &who, &route, &receivers);

    Alertmanager {
        listen: am
            .and_then(|a| a.listen.as_ref())
            .map_or_else(|| "127.0.0.1:9093".into(), |l| super::base::address(cx, l)),
        external_url: am.and_then(|a| a.external_url.as_ref()).map(|u| {
            super::base::url(cx, u);
            u.get_ref().clone()
        }),
        storage_path: am.and_then(|a| a.storage_path.as_ref()).map_or_else(
            || "/var/lib/prometheus/alertmanager".into(),
            |s| {
                // Written into the unit's flags and `ReadWritePaths=`.
                cx.token(s, "storage path", crate::escape::systemd::path);
                s.get_ref().clone()
            },
        ),
        resolve_timeout: cx.positive_duration(
            am.and_then(|a| a.resolve_timeout.as_ref()),
            Duration::from_secs(300),
        ),
        smtp,
        slack_api_url_file: slack_global,
        receivers,
        route,
        inhibits,
    }
}

/// `[alertmanager.smtp]`: the server and the sender of every email.
fn smtp(cx: &mut Cx, s: &RawSmtp) -> Smtp {
    cx.no_plaintext(
        s.auth_password.as_ref(),
        "auth_password",
        "auth_password_file",
    );
    super::base::address(cx, &s.smarthost);
    if !s.from.get_ref().contains('@') || s.from.get_ref().contains(char::is_whitespace) {
        cx.error(
            codes::BAD_URL_OR_EMAIL,
            format!("`{}` is not an email address", s.from.get_ref()),
            s.from.span(),
            "expected `name@domain`: Alertmanager sends nothing without a sender",
        );
    }
    Smtp {
        smarthost: s.smarthost.get_ref().clone(),
        from: s.from.get_ref().clone(),
        auth_username: s.auth_username.as_ref().map(|u| u.get_ref().clone()),
        auth_password_file: s.auth_password_file.as_ref().map(|u| u.get_ref().clone()),
        require_tls: s.require_tls.as_ref().is_none_or(|b| *b.get_ref()),
    }
}

/// One `[[receiver]]` and its targets. `has_smtp`: whether an SMTP server is set, which email
/// needs; `slack_global`: whether `[alertmanager]` names a Slack webhook URL file for all.
fn receiver(cx: &mut Cx, r: &RawReceiver, has_smtp: bool, slack_global: bool) -> Receiver {
    let name = cx.name(&r.name, "receiver");
    Receiver {
        emails: r
            .email
            .iter()
            .map(|e| email(cx, e.get_ref(), &name, has_smtp))
            .collect(),
        slacks: r
            .slack
            .iter()
            .map(|s| slack(cx, s.get_ref(), &name, slack_global))
            .collect(),
        webhooks: r.webhook.iter().map(|w| webhook(cx, w.get_ref())).collect(),
        pagerduty: r
            .pagerduty
            .iter()
            .filter_map(|p| pagerduty(cx, p.get_ref(), &name, &r.name))
            .collect(),
        name,
    }
}

/// `[[receiver.email]]` of receiver `name`.
fn email(cx: &mut Cx, e: &RawEmail, name: &str, has_smtp: bool) -> Email {
    cx.no_plaintext_help(
        e.auth_password.as_ref(),
        "auth_password",
        "store the SMTP password in a file and set `auth_password_file` in `[alertmanager.smtp]`",
    );
    if !has_smtp {
        cx.push(
            Diagnostic::error(
                codes::MISSING_SECTION,
                format!("receiver `{name}` sends email but no SMTP server is set"),
            )
            .at(e.to.span(), "email needs a server")
            .help("add `[alertmanager.smtp]` with `smarthost` and `from`"),
        );
    }
    // `to` is an Alertmanager template too (`{{ .GroupLabels.team }}@example.com`).
    super::template::report(cx, &e.to, super::template::check_alertmanager, None);
    if !e.to.get_ref().contains('@') || e.to.get_ref().trim() != e.to.get_ref() {
        cx.error(
            codes::BAD_URL_OR_EMAIL,
            format!("`{}` is not an email address", e.to.get_ref()),
            e.to.span(),
            "expected `name@domain`",
        );
    }
    Email {
        to: e.to.get_ref().clone(),
        send_resolved: e.send_resolved.as_ref().is_some_and(|b| *b.get_ref()),
    }
}

/// `[[receiver.slack]]` of receiver `name`.
fn slack(cx: &mut Cx, s: &RawSlack, name: &str, slack_global: bool) -> Slack {
    cx.no_plaintext(s.api_url.as_ref(), "api_url", "api_url_file");
    for t in [Some(&s.channel), s.title.as_ref(), s.text.as_ref()]
        .into_iter()
        .flatten()
    {
        super::template::report(
            cx,
            t,
            super::template::check_alertmanager,
            Some(
                "Slack channels, titles and texts are Alertmanager templates: Go's text/template with Alertmanager's functions",
            ),
        );
    }
    if s.channel.get_ref().trim().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            "empty Slack channel",
            s.channel.span(),
            "expected `#channel` or `@user`",
        );
    }
    if s.api_url_file.is_none() && !slack_global && s.api_url.is_none() {
        cx.push(
            Diagnostic::error(
                codes::INCOMPLETE_KEYS,
                format!("Slack in receiver `{name}` has no webhook URL file"),
            )
            .at(s.channel.span(), "this channel cannot be reached")
            .help("set `api_url_file` here or `slack_api_url_file` in `[alertmanager]`"),
        );
    }
    Slack {
        channel: s.channel.get_ref().clone(),
        api_url_file: s.api_url_file.as_ref().map(|u| u.get_ref().clone()),
        title: s.title.as_ref().map(|u| u.get_ref().clone()),
        text: s.text.as_ref().map(|u| u.get_ref().clone()),
        send_resolved: s.send_resolved.as_ref().is_some_and(|b| *b.get_ref()),
    }
}

/// `[[receiver.webhook]]`.
fn webhook(cx: &mut Cx, w: &RawWebhook) -> Webhook {
    super::base::url(cx, &w.url);
    let max_alerts = match &w.max_alerts {
        None => 0,
        Some(m) => u32::try_from(*m.get_ref()).unwrap_or_else(|_| {
            cx.error(
                codes::OUT_OF_RANGE,
                "`max_alerts` must be 0 (no limit) or more",
                m.span(),
                "out of range",
            );
            0
        }),
    };
    Webhook {
        url: w.url.get_ref().clone(),
        send_resolved: w.send_resolved.as_ref().is_none_or(|b| *b.get_ref()),
        max_alerts,
    }
}

/// `[[receiver.pagerduty]]` of receiver `name` (at `name_at`); none without a routing key file.
fn pagerduty(cx: &mut Cx, p: &RawPagerduty, name: &str, name_at: &S<String>) -> Option<Pagerduty> {
    cx.no_plaintext(p.routing_key.as_ref(), "routing_key", "routing_key_file");
    if p.routing_key.is_none() && p.routing_key_file.is_none() {
        cx.push(
            Diagnostic::error(
                codes::MISSING_KEY,
                format!("PagerDuty in receiver `{name}` has no `routing_key_file`"),
            )
            .at(name_at.span(), "in this receiver")
            .help("set `routing_key_file` to a file holding the Events API v2 key"),
        );
    }
    Some(Pagerduty {
        routing_key_file: p.routing_key_file.as_ref()?.get_ref().clone(),
        send_resolved: p.send_resolved.as_ref().is_none_or(|b| *b.get_ref()),
    })
}

/// `[route]`: the root route, which matches every alert and cannot `continue`.
fn root_route(cx: &mut Cx, r: &RawRoute, receivers: &[String], who: &[Who]) -> Route {
    if let Some(m) = r.matchers.first() {
        cx.error(
            codes::BAD_MATCHER,
            "the root route matches every alert and takes no `matchers`",
            m.span(),
            "move this into a `[[route.routes]]` entry",
        );
    }
    if let Some(c) = &r.continue_
        && *c.get_ref()
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "the root route cannot `continue`",
            c.span(),
            "Alertmanager refuses `continue` on the root route",
        );
    }
    route(cx, r, receivers, true, who)
}

/// The root route's receiver when `[route]` names none: the first receiver; or, with nothing to
/// route, a `default` receiver added for Alertmanager, which needs one. None (an error) when
/// alerts would reach nobody.
fn root_receiver(
    cx: &mut Cx,
    raw: &RawConfig,
    alerts: &[Alert],
    receivers: &mut Vec<Receiver>,
) -> Option<String> {
    match receivers.first() {
        Some(first) => Some(first.name.clone()),
        None if alerts.is_empty() && raw.alerts.is_empty() => {
            receivers.push(Receiver {
                name: "default".into(),
                emails: Vec::new(),
                slacks: Vec::new(),
                webhooks: Vec::new(),
                pagerduty: Vec::new(),
            });
            Some("default".into())
        }
        None => {
            cx.push(
                Diagnostic::error(codes::MISSING_SECTION, "alerts are declared but no receiver")
                    .help("add a `[[receiver]]` with a name and an email, Slack, webhook or PagerDuty target: alerts would reach nobody"),
            );
            None
        }
    }
}

/// One `[[inhibit]]`: its matchers and labels, and whether it can ever match.
fn inhibit(cx: &mut Cx, i: &RawInhibit, who: &[Who]) -> Inhibit {
    let source = matchers(cx, i.source.get_ref());
    let target = matchers(cx, i.target.get_ref());
    declared_severities(cx, i.source.get_ref(), &source);
    declared_severities(cx, i.target.get_ref(), &target);
    let equal: Vec<String> = i
        .equal
        .iter()
        .map(|l| cx.metric_name(l, "label name", false))
        .collect();
    let inhibit = Inhibit {
        source,
        target,
        equal,
    };
    inhibit_reachable(cx, i, &inhibit, who);
    inhibit
}

fn route(cx: &mut Cx, r: &RawRoute, receivers: &[String], root: bool, who: &[Who]) -> Route {
    if let Some(rec) = &r.receiver
        && !receivers.contains(rec.get_ref())
    {
        cx.unknown_ref(
            codes::UNKNOWN_RECEIVER,
            "receiver",
            rec,
            receivers.iter().cloned(),
        );
    }
    let m = if root {
        Vec::new()
    } else {
        let m = matchers(cx, &r.matchers);
        if m.len() == r.matchers.len() {
            matches_something(cx, &r.matchers, &m, who);
        }
        m
    };
    if let Some(g) = &r.group_by {
        cx.unique(g, "`group_by` label");
    }
    if let Some(g) = &r.group_by
        && g.len() > 1
        && let Some(dots) = g.iter().find(|l| l.get_ref() == "...")
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "`...` groups by every label: it cannot stand with label names",
            dots.span(),
            "Alertmanager refuses `...` beside other labels",
        );
    }
    // `group_wait` may be zero (send at once); the intervals may not.
    let opt = |cx: &mut Cx, v: &Option<S<String>>, zero_ok: bool| {
        let d = v.as_ref().and_then(|d| cx.duration_of(d));
        if let (Some(d), Some(s)) = (d, v)
            && d.millis() == 0
            && !zero_ok
        {
            cx.error(
                codes::DURATION_OUT_OF_RANGE,
                format!("`{}` must be longer than zero", s.get_ref()),
                s.span(),
                "Alertmanager refuses a zero interval",
            );
        }
        d
    };
    Route {
        receiver: r.receiver.as_ref().map(|x| x.get_ref().clone()),
        matchers: m,
        group_by: r.group_by.as_ref().map(|g| {
            g.iter()
                .map(|l| {
                    if l.get_ref() == "..." {
                        "...".to_string()
                    } else {
                        cx.metric_name(l, "label name", false)
                    }
                })
                .collect()
        }),
        group_wait: opt(cx, &r.group_wait, true),
        group_interval: opt(cx, &r.group_interval, false),
        repeat_interval: opt(cx, &r.repeat_interval, false),
        continue_: r.continue_.as_ref().is_some_and(|b| *b.get_ref()),
        routes: r
            .routes
            .iter()
            .map(|c| {
                if c.get_ref().matchers.is_empty() {
                    cx.push(
                        Diagnostic::warning(
                            codes::BAD_MATCHER,
                            "this route has no `matchers` and catches every alert",
                        )
                        .at(
                            c.span(),
                            "routes after it are never reached unless it sets `continue`",
                        ),
                    );
                }
                route(cx, c.get_ref(), receivers, false, who)
            })
            .collect(),
    }
}

fn matchers(cx: &mut Cx, list: &[S<String>]) -> Vec<Matcher> {
    list.iter()
        .filter_map(|m| match parse_matcher(m.get_ref()) {
            Ok(x) => Some(x),
            Err(why) => {
                cx.push(
                    Diagnostic::error(codes::BAD_MATCHER, format!("matcher `{}`: {why}", m.get_ref()))
                        .at(m.span(), "cannot read this matcher")
                        .help("write `label=\"value\"`, `label!=\"value\"`, `label=~\"regex\"` or `label!~\"regex\"`"),
                );
                None
            }
        })
        .collect()
}

/// `name op value` with op one of `=`, `!=`, `=~`, `!~`; the value quoted or bare.
pub fn parse_matcher(s: &str) -> Result<Matcher, String> {
    let s = s.trim();
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let name = &s[..name_len];
    if !super::is_metric_name(name, false) {
        return Err("expected a label name first".into());
    }
    let rest = s[name_len..].trim_start();
    let op_text = ["=~", "!~", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .ok_or("expected `=`, `!=`, `=~` or `!~` after the label name")?;
    let op = MatchOp::parse(op_text).ok_or("expected an operator")?;
    let v = rest[op_text.len()..].trim();
    let value = if let Some(inner) = v.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or("unterminated quoted value")?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(c @ ('"' | '\\')) => out.push(c),
                    _ => return Err("bad escape in quoted value".into()),
                },
                '"' => return Err("unescaped `\"` inside the value".into()),
                c => out.push(c),
            }
        }
        out
    } else {
        if v.contains(['"', ',', '{', '}']) {
            return Err("quote values that contain punctuation".into());
        }
        v.to_string()
    };
    let regex = matches!(op, MatchOp::Re | MatchOp::NotRe);
    if regex && let Some(e) = crate::regexes::anchored_error(&value) {
        let first = e.lines().last().unwrap_or("").trim().to_string();
        return Err(format!("the regular expression does not compile: {first}"));
    }
    if regex {
        crate::regexes::go_error(&value)
            .map_or(Ok(()), Err)
            .map_err(|why| {
                format!("Alertmanager (Go's regexp) does not take this regular expression: {why}")
            })?;
    }
    Ok(Matcher {
        name: name.to_string(),
        op,
        value,
    })
}

/// Whether an alert can match: equality is decided on labels known from the rule; regexes
/// and labels that come from the series are assumed to match.
fn may_match(ms: &[Matcher], a: Who) -> bool {
    ms.iter().all(|m| match (a.label(&m.name), m.op) {
        (Some(v), MatchOp::Eq) => *v == m.value,
        (Some(v), MatchOp::Ne) => *v != m.value,
        _ => true,
    })
}

/// The seed's `equal: [alertname]` between severities never inhibits: say so.
fn inhibit_reachable(cx: &mut Cx, raw: &RawInhibit, i: &Inhibit, who: &[Who]) {
    let sources: Vec<Who> = who
        .iter()
        .copied()
        .filter(|a| may_match(&i.source, *a))
        .collect();
    let targets: Vec<Who> = who
        .iter()
        .copied()
        .filter(|a| may_match(&i.target, *a))
        .collect();
    let match_help = "match the `severity` (or other labels) that the alerts of this file carry";
    let warn = |cx: &mut Cx, msg: &str, span: std::ops::Range<usize>, label: &str, help: &str| {
        cx.push(
            Diagnostic::warning(codes::INHIBIT_NEVER_MATCHES, msg)
                .at(span, label)
                .help(help),
        );
    };
    if sources.is_empty() {
        warn(
            cx,
            "no alert matches this inhibit rule's `source`",
            raw.source.span(),
            "matches no alert",
            match_help,
        );
        return;
    }
    if targets.is_empty() {
        warn(
            cx,
            "no alert matches this inhibit rule's `target`",
            raw.target.span(),
            "matches no alert",
            match_help,
        );
        return;
    }
    let static_names = ["alertname", "severity", "dimension"];
    // The values an alert has for the `equal` labels that are known without its series
    // (name, severity, dimension, extra labels); labels from the series could be anything.
    let key = |a: Who, extra: &std::collections::HashSet<&str>| -> Vec<Option<String>> {
        i.equal
            .iter()
            .map(|e| {
                if static_names.contains(&e.as_str()) || extra.contains(e.as_str()) {
                    Some(a.label(e).unwrap_or_default().to_string())
                } else {
                    None
                }
            })
            .collect()
    };
    // A label counts as known when either side's alert sets it as an extra label.
    let extra: std::collections::HashSet<&str> = sources
        .iter()
        .chain(targets.iter())
        .flat_map(|a| a.extra_keys())
        .collect();
    let mut source_keys: std::collections::HashMap<Vec<Option<String>>, Vec<Who>> =
        std::collections::HashMap::new();
    for s in &sources {
        source_keys.entry(key(*s, &extra)).or_default().push(*s);
    }
    // A pair needs two different alerts agreeing on every known `equal` label.
    let pair_exists = targets.iter().any(|t| {
        source_keys
            .get(&key(*t, &extra))
            .is_some_and(|ss| ss.iter().any(|s| !s.same(*t)))
    });
    if !pair_exists {
        let span = raw
            .equal
            .iter()
            .find(|l| static_names.contains(&l.get_ref().as_str()))
            .map_or(raw.target.span(), S::span);
        warn(
            cx,
            "this inhibit rule can never match: no source and target alert agree on its `equal` labels",
            span,
            "no alert has the same value here at both ends",
            "`equal` should name labels both alerts carry, such as `job` or `instance`",
        );
    }
}

/// The inhibit rules ccmon writes for tiered alerts: a firing tier mutes each lower tier
/// (later in `[project] severities`) of the same alert on the same series, the series being
/// told apart by the labels the kind's generated test gives them. A tiered alert whose
/// series ccmon cannot tell (kind `raw`) gets none: its inhibit rules are the user's.
fn tier_inhibits(alerts: &[Alert], severities: &[String]) -> Vec<Inhibit> {
    let rank = |a: &Alert| severities.iter().position(|s| s == a.severity.as_str());
    let is = |name: &str, value: &str| Matcher {
        name: name.into(),
        op: MatchOp::Eq,
        value: value.into(),
    };
    let mut out = Vec::new();
    for tiers in crate::model::tier_runs(alerts).filter(|r| r.len() > 1) {
        let Ok(cases) = tiers[0].kind.cases(&tiers[0].condition()) else {
            continue;
        };
        let mut equal: Vec<String> = cases
            .fire
            .labels
            .keys()
            .filter(|k| *k != "__name__")
            .cloned()
            .collect();
        equal.insert(0, "alertname".into());
        for hi in tiers {
            for lo in tiers.iter().filter(|lo| rank(lo) > rank(hi)) {
                out.push(Inhibit {
                    source: vec![
                        is("alertname", &hi.name),
                        is("severity", hi.severity.as_str()),
                    ],
                    target: vec![
                        is("alertname", &lo.name),
                        is("severity", lo.severity.as_str()),
                    ],
                    equal: equal.clone(),
                });
            }
        }
    }
    out
}

/// A page (an alert at the most severe declared severity, or an SLO's page tier) that the
/// route tree sends only to receivers without an email, Slack, webhook or PagerDuty target
/// reaches no one: warning CM611, once per alert name.
fn pages_reach_someone(
    cx: &mut Cx,
    raw: &RawConfig,
    who: &[Who],
    route: &Route,
    receivers: &[Receiver],
) {
    let top = cx.severities.first().cloned();
    let silent = |name: &str| {
        receivers.iter().any(|r| {
            r.name == name
                && r.emails.is_empty()
                && r.slacks.is_empty()
                && r.webhooks.is_empty()
                && r.pagerduty.is_empty()
        })
    };
    let mut warned: Vec<&str> = Vec::new();
    for w in who {
        let (name, page) = match w {
            Who::Alert(a) => (a.name.as_str(), Some(a.severity.as_str()) == top.as_deref()),
            Who::Slo(_, t) => (t.alert.as_str(), t.tier == crate::model::Tier::Page),
        };
        if !page || warned.contains(&name) {
            continue;
        }
        let mut labels = std::collections::BTreeMap::new();
        for key in ["alertname", "severity", "dimension"]
            .into_iter()
            .chain(w.extra_keys())
        {
            if let Some(v) = w.label(key) {
                labels.insert(key.to_string(), v.to_string());
            }
        }
        let to = route.receivers_for(&labels);
        if to.is_empty() || !to.iter().all(|r| silent(r)) {
            continue;
        }
        warned.push(name);
        let slo_span = |slo: &str| {
            raw.dimensions
                .iter()
                .flat_map(|d| &d.get_ref().slos)
                .find(|r| r.get_ref().name.get_ref() == slo)
                .map(|r| r.get_ref().name.span())
        };
        let span = match w {
            Who::Alert(a) => match &a.slo {
                Some(slo) => slo_span(slo),
                None => raw
                    .alerts
                    .iter()
                    .find(|r| r.get_ref().name.get_ref() == name)
                    .map(|r| r.get_ref().name.span()),
            },
            Who::Slo(s, _) => slo_span(&s.name),
        };
        let mut d = Diagnostic::warning(
            codes::PAGE_REACHES_NO_ONE,
            format!(
                "page `{name}` is routed only to {}, which sends nothing",
                super::backticked(&to)
            ),
        )
        .help("give the receiver a target, or route the page (by `severity` or a label such as `team`) to one that has one");
        if let Some(span) = span {
            d = d.at(span, "this page reaches no one");
        }
        cx.push(d);
    }
}
