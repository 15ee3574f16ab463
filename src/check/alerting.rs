//! Alertmanager: receivers (secrets only by file), the route tree, inhibit rules.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, RawInhibit, RawRoute, RawSmtp, S};
use crate::model::{Alert, Alertmanager, Inhibit, Matcher, Receiver, Route, Slo, SloTier, Smtp};
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

    /// The labels known from the rule: name, severity, dimension and the rule's own.
    fn known_labels(self) -> std::collections::BTreeMap<String, String> {
        ["alertname", "severity", "dimension"]
            .into_iter()
            .chain(self.extra_keys())
            .filter_map(|key| Some((key.to_string(), self.label(key)?.to_string())))
            .collect()
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

/// The alerts and SLO tiers that routes and inhibit rules may match. None when an alert had
/// errors: what would match it or be reached by it is unknown, so nothing is said of what
/// matches no alert (no follow-on warnings).
fn who_of<'a>(alerts: &'a [Alert], slos: &'a [Slo], broken: &[String]) -> Vec<Who<'a>> {
    if !broken.is_empty() {
        return Vec::new();
    }
    alerts
        .iter()
        .map(Who::Alert)
        .chain(
            slos.iter()
                .flat_map(|s| s.tiers.iter().map(move |t| Who::Slo(s, t))),
        )
        .collect()
}

pub fn alertmanager(
    cx: &mut Cx,
    raw: &RawConfig,
    (alerts, slos): (&[Alert], &[Slo]),
    dir: Option<&std::path::Path>,
    (deadman, owners): (Option<&super::stack::Deadman>, &super::teams::Owners),
    broken: &[String],
) -> Alertmanager {
    let who = who_of(alerts, slos, broken);
    let am = raw.alertmanager.as_ref().map(S::get_ref);
    let version = super::receivers::version(cx, am);
    let smtp = am
        .and_then(|a| a.smtp.as_ref())
        .map(|s| smtp(cx, s.get_ref(), version));
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
    let globals = super::receivers::Globals {
        has_smtp: smtp.is_some(),
        slack_api_url_file: slack_global.is_some(),
        global: super::receivers::global(cx, am, version),
    };

    cx.unique(raw.receivers.iter().map(|r| &r.get_ref().name), "receiver");
    let mut receivers: Vec<Receiver> = raw
        .receivers
        .iter()
        .map(|r| super::receivers::receiver(cx, r.get_ref(), &globals, version))
        .collect();
    let names: Vec<String> = receivers.iter().map(|r| r.name.clone()).collect();
    let time_intervals = super::routing::time_intervals(cx, raw, version);
    let templates = super::routing::templates_and_uses(cx, raw, dir, version);
    let refs = Names {
        receivers: &names,
        intervals: time_intervals.iter().map(|t| t.name.clone()).collect(),
    };
    let mut route = match &raw.route {
        Some(r) => root_route(cx, r.get_ref(), &refs, &who),
        None => Route::default(),
    };
    if route.receiver.is_none() {
        route.receiver = root_receiver(cx, raw, alerts, &mut receivers);
    }
    let teams = team_routes(cx, raw, owners, &refs, &who);
    route.routes.splice(0..0, teams);
    if let Some(d) = deadman {
        route.routes.insert(0, deadman_route(cx, d, &mut receivers));
    }
    let mut inhibits: Vec<Inhibit> = raw
        .inhibits
        .iter()
        .map(|i| inhibit(cx, i.get_ref(), &who))
        .collect();
    inhibits.extend(tier_inhibits(alerts, &cx.severities));
    let page_severity = page_severity(cx, am, &receivers);
    if broken.is_empty() {
        pages_reach_someone(cx, raw, &who, &route, &receivers);
        super::routing::reachability(
            cx,
            raw,
            &who_labels(&who),
            &|i| who_span(raw, who[i]),
            &route,
            &receivers,
            page_severity.as_deref(),
        );
    }
    let all_names: Vec<String> = receivers.iter().map(|r| r.name.clone()).collect();
    let route_tests = super::routing::route_tests(cx, &raw.route_tests, &all_names);

    Alertmanager {
        version,
        listen: am.and_then(|a| a.listen.as_ref()).map_or_else(
            || "127.0.0.1:9093".into(),
            |l| super::base::listen_address(cx, l),
        ),
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
        global: globals.global,
        templates,
        time_intervals,
        receivers,
        route,
        inhibits,
        route_tests,
    }
}

/// The heartbeat's route, first in the tree: to `deadman_receiver`, or to a receiver named
/// `deadman` (generated without integrations when there is none), sent again every
/// `deadman_interval` so that its switch sees it stop within that time.
fn deadman_route(cx: &mut Cx, d: &super::stack::Deadman, receivers: &mut Vec<Receiver>) -> Route {
    let names = || receivers.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let receiver = match &d.receiver {
        Some(r) => {
            if !names().contains(r.get_ref()) {
                cx.unknown_ref(codes::UNKNOWN_RECEIVER, "receiver", r, names());
            }
            r.get_ref().clone()
        }
        None => {
            if !names().iter().any(|n| n == "deadman") {
                receivers.push(Receiver {
                    name: "deadman".into(),
                    integrations: Vec::new(),
                    pages: false,
                });
            }
            "deadman".into()
        }
    };
    Route {
        receiver: Some(receiver),
        matchers: vec![Matcher {
            name: "alertname".into(),
            op: crate::promql::selector::MatchOp::Eq,
            value: d.alert.clone(),
        }],
        group_wait: Some(Duration(0)),
        group_interval: Some(d.interval),
        repeat_interval: Some(d.interval),
        ..Route::default()
    }
}

/// Each team's route subtree (`[service.route]`), first among the root's routes: it matches
/// `team="<team>"` and sends to the team's receiver, the route's own or else the first
/// receiver its files declare. A team with neither has no subtree: its alerts follow the
/// stack's routes.
fn team_routes(
    cx: &mut Cx,
    raw: &RawConfig,
    owners: &super::teams::Owners,
    refs: &Names,
    who: &[Who],
) -> Vec<Route> {
    let mut out = Vec::new();
    for team in owners.teams() {
        let mine =
            |span: std::ops::Range<usize>| owners.of(span.start).is_some_and(|o| o.team == team);
        let declared = owners
            .services
            .iter()
            .filter(|o| o.team == team)
            .find_map(|o| o.route);
        let first = raw
            .receivers
            .iter()
            .find(|r| mine(r.span()))
            .map(|r| r.get_ref().name.get_ref().clone());
        let mut r = match declared {
            Some(d) => route(cx, d.get_ref(), refs, true, who),
            None if first.is_some() => Route::default(),
            None => continue,
        };
        if r.receiver.is_none() {
            r.receiver = first;
        }
        r.matchers = vec![Matcher {
            name: "team".into(),
            op: crate::promql::selector::MatchOp::Eq,
            value: team.to_string(),
        }];
        out.push(r);
    }
    out
}

/// The names routes refer to.
struct Names<'a> {
    receivers: &'a [String],
    intervals: Vec<String>,
}

/// `[alertmanager] page_severity`, or the most severe declared severity.
/// Without `page_severity` and without any receiver that pages, the project has no pager to
/// miss, and none is looked for.
fn page_severity(
    cx: &mut Cx,
    am: Option<&crate::load::RawAlertmanager>,
    receivers: &[Receiver],
) -> Option<String> {
    match am.and_then(|a| a.page_severity.as_ref()) {
        Some(s) => cx.severity(s).map(|x| x.as_str().to_string()),
        None if receivers.iter().any(|r| r.pages) => cx.severities.first().cloned(),
        None => None,
    }
}

/// Each alert of the rule files with the labels known from its rule.
fn who_labels(who: &[Who]) -> Vec<super::routing::Routed> {
    who.iter()
        .map(|w| {
            let labels = w.known_labels();
            (labels["alertname"].clone(), labels)
        })
        .collect()
}

/// `[alertmanager.smtp]`: the server and the sender of every email.
fn smtp(cx: &mut Cx, s: &RawSmtp, v: crate::am::spec::AmVersion) -> Smtp {
    cx.no_plaintext(
        s.auth_password.as_ref(),
        "auth_password",
        "auth_password_file",
    );
    if let Some(f) = &s.auth_password_file
        && v < crate::am::spec::AmVersion(25)
    {
        let key = S::new(f.span(), "auth_password_file".to_string());
        super::integrations::newer(
            cx,
            &key,
            "`[alertmanager.smtp]`",
            crate::am::spec::AmVersion(25),
            v,
        );
    }
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
        hello: s.hello.as_ref().map(|u| u.get_ref().clone()),
        auth_username: s.auth_username.as_ref().map(|u| u.get_ref().clone()),
        auth_password_file: s.auth_password_file.as_ref().map(|u| u.get_ref().clone()),
        auth_identity: s.auth_identity.as_ref().map(|u| u.get_ref().clone()),
        require_tls: s.require_tls.as_ref().is_none_or(|b| *b.get_ref()),
    }
}

/// `[route]`: the root route, which matches every alert and cannot `continue`.
fn root_route(cx: &mut Cx, r: &RawRoute, names: &Names, who: &[Who]) -> Route {
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
    if let Some(t) = r
        .mute_time_intervals
        .first()
        .or(r.active_time_intervals.first())
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "the root route cannot have time intervals",
            t.span(),
            "Alertmanager refuses them on the root route: put them on a child route",
        );
    }
    route(cx, r, names, true, who)
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
        // Only the stack's own alerts (self-monitoring): they wait in Alertmanager's UI and
        // `ccmon health` until a receiver is declared.
        None if raw.alerts.is_empty() && alerts.iter().all(|a| a.slo.is_none()) => {
            receivers.push(Receiver {
                name: "default".into(),
                integrations: Vec::new(),
                pages: false,
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

fn route(cx: &mut Cx, r: &RawRoute, names: &Names, root: bool, who: &[Who]) -> Route {
    let receivers = names.receivers;
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
    let mut intervals = |list: &[S<String>]| -> Vec<String> {
        list.iter()
            .map(|t| {
                if !names.intervals.contains(t.get_ref()) {
                    cx.unknown_ref(
                        codes::UNKNOWN_TIME_INTERVAL,
                        "time interval",
                        t,
                        names.intervals.iter().cloned(),
                    );
                }
                t.get_ref().clone()
            })
            .collect()
    };
    let mute = intervals(&r.mute_time_intervals);
    let active = intervals(&r.active_time_intervals);
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
                route(cx, c.get_ref(), names, false, who)
            })
            .collect(),
        mute,
        active,
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
    if op_text == "=" && v.starts_with('=') {
        return Err(format!(
            "`==` is not a matcher operator: write `{name}={}` (equality is one `=`)",
            v[1..].trim()
        ));
    }
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
    if who.is_empty() {
        return;
    }
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
        receivers
            .iter()
            .any(|r| r.name == name && r.integrations.is_empty())
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
        let to = crate::dispatch::walk::possible(route, &w.known_labels());
        if to.is_empty() || !to.iter().all(|r| silent(r)) {
            continue;
        }
        let span = who_span(raw, *w);
        // The stack's own alerts go where the user's of their severity go: the warning is
        // the user's alerts' to give.
        if matches!(w, Who::Alert(a) if a.generated) {
            continue;
        }
        warned.push(name);
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

/// Where an alert is declared: its `[[alert]]`, or the SLO it comes from.
fn who_span(raw: &RawConfig, w: Who) -> Option<std::ops::Range<usize>> {
    let slo_span = |slo: &str| {
        raw.dimensions
            .iter()
            .flat_map(|d| &d.get_ref().slos)
            .find(|r| r.get_ref().name.get_ref() == slo)
            .map(|r| r.get_ref().name.span())
    };
    match w {
        Who::Alert(a) => match &a.slo {
            Some(slo) => slo_span(slo),
            None => raw
                .alerts
                .iter()
                .find(|r| r.get_ref().name.get_ref() == &a.name)
                .map(|r| r.get_ref().name.span()),
        },
        Who::Slo(s, _) => slo_span(&s.name),
    }
}
