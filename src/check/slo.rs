//! Service-level objectives: their SLI, target, period and burn-rate tiers.
//!
//! The tiers follow the multiwindow, multi-burn-rate alerts of the Google SRE workbook: page
//! when the budget burns 14.4 times too fast over an hour (or 6 times over six hours), ticket
//! at 3 times over a day (or once over three days), each confirmed by a short window so that
//! an alert stops soon after the burn does. For 30 days these are 2 % of the budget in an hour,
//! 5 % in six hours and 10 % in a day or in three days; the factors stay for other periods
//! (a page still means "the budget would be gone in a fifteenth of the period"), as Pyrra's
//! do, rather than the shares (which would page a 7-day SLO at 3.36x). A table of one's own
//! (`[[dimension.slo.window]]`) may give shares instead.

use std::ops::ControlFlow;

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{NumOrStr, RawConfig, RawSlo, S};
use crate::model::{Alert, BurnWindow, Severity, Sli, Slo, SloTier, Tier};
use crate::promql::selector::{Selector, shaped};
use crate::quantity::{Duration, Quantity, fmt_num};
use crate::suggest::closest;

/// (long window, short window, burn-rate factor)
const PAGE: &[(&str, &str, f64)] = &[("1h", "5m", 14.4), ("6h", "30m", 6.0)];
const TICKET: &[(&str, &str, f64)] = &[("1d", "2h", 3.0), ("3d", "6h", 1.0)];

fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The default table's pairs of a tier, those whose long window fits in the period.
fn windows(period: Duration, spec: &[(&str, &str, f64)]) -> Vec<BurnWindow> {
    spec.iter()
        .filter_map(|(long, short, factor)| {
            let long = Duration::parse(long).ok()?;
            let short = Duration::parse(short).ok()?;
            (long <= period).then_some(BurnWindow {
                long,
                short,
                factor: *factor,
            })
        })
        .collect()
}

pub fn slos(cx: &mut Cx, raw: &RawConfig, alerts: &[Alert]) -> Vec<Slo> {
    let all: Vec<(&str, &S<RawSlo>)> = raw
        .dimensions
        .iter()
        .flat_map(|d| {
            let d = d.get_ref();
            d.slos.iter().map(move |s| (d.name.get_ref().as_str(), s))
        })
        .collect();
    cx.unique(all.iter().map(|(_, s)| &s.get_ref().name), "SLO");
    let mut out: Vec<Slo> = Vec::new();
    for (dimension, s) in all {
        if let Some(slo) = slo(cx, dimension, s.get_ref(), alerts) {
            // `api-availability` and `api_availability` both name their alerts
            // `ApiAvailability...`.
            for t in &slo.tiers {
                if let Some(other) = out
                    .iter()
                    .find(|o| o.tiers.iter().any(|x| x.alert == t.alert))
                {
                    cx.push(
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!(
                                "SLOs `{}` and `{}` both name an alert `{}`",
                                other.name, slo.name, t.alert
                            ),
                        )
                        .at(s.get_ref().name.span(), "same alert names as another SLO")
                        .help("SLO alerts are named after the SLO in CamelCase: give the SLOs names that differ in more than `-` and `_`"),
                    );
                    break;
                }
            }
            out.push(slo);
        }
    }
    out
}

/// Rule group names are unique in a rule file (promtool refuses a repeat): one group per
/// dimension with alerts, one named after the project for alerts without a dimension, and
/// `slo-<name>` per SLO.
pub fn group_names(
    cx: &mut Cx,
    raw: &RawConfig,
    project: &str,
    alerts: &[Alert],
    slos: &[Slo],
    owners: &super::teams::Owners,
) {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    let mut claim =
        |cx: &mut Cx, group: String, what: &'static str, span: std::ops::Range<usize>| {
            if let Some(first) = seen.get(&group) {
                cx.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("two rule groups would be named `{group}`"),
                    )
                    .at(span, format!("the {what}'s group"))
                    .help(format!("the other is the {first}'s; rename one of them")),
                );
            } else {
                seen.insert(group, what);
            }
        };
    for d in &raw.dimensions {
        let name = d.get_ref().name.get_ref();
        if alerts.iter().any(|a| a.dimension.as_deref() == Some(name)) {
            claim(cx, name.clone(), "dimension", d.get_ref().name.span());
        }
    }
    if alerts
        .iter()
        .any(|a| a.dimension.is_none() && a.service.is_none())
    {
        claim(
            cx,
            project.to_string(),
            "project (alerts without a dimension)",
            raw.project.get_ref().name.span(),
        );
    }
    // A service's alerts without a dimension are a group named after it, in its own file.
    for o in &owners.services {
        if alerts
            .iter()
            .any(|a| a.dimension.is_none() && a.service.as_ref() == Some(&o.name))
        {
            claim(
                cx,
                o.name.clone(),
                "service (its alerts without a dimension)",
                o.name_span.clone(),
            );
        }
    }
    for d in &raw.dimensions {
        for s in &d.get_ref().slos {
            let name = s.get_ref().name.get_ref();
            if slos.iter().any(|x| &x.name == name) {
                claim(cx, format!("slo-{name}"), "SLO", s.get_ref().name.span());
            }
        }
    }
}

fn selector(cx: &mut Cx, s: &S<String>, what: &str) -> Option<Selector> {
    let v = s.get_ref().trim();
    if !shaped(v) {
        cx.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!("SLO `{what}` `{v}` is not a metric selector"),
            )
            .at(
                s.span(),
                "expected `metric_name` or `metric_name{label=\"value\"}`",
            ),
        );
        return None;
    }
    if !cx.check_expr(s, &format!("`{what}`")) {
        return None;
    }
    match Selector::parse(v) {
        Ok(sel) => Some(sel),
        Err(why) => {
            cx.error(
                codes::BAD_PROMQL,
                format!("SLO `{what}` `{v}` is not a metric selector: {why}"),
                s.span(),
                "expected `metric_name` or `metric_name{label=\"value\"}`",
            );
            None
        }
    }
}

fn slo(cx: &mut Cx, dimension: &str, s: &RawSlo, alerts: &[Alert]) -> Option<Slo> {
    let errors_before = cx.diags.count(crate::diag::Severity::Error);
    let name = s.name.get_ref().clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        cx.error(
            codes::EMPTY_NAME,
            format!("SLO name `{name}` must be plain"),
            s.name.span(),
            "expected letters, digits, `-` and `_`",
        );
    }
    let (target, target_text) = target(cx, s);
    let period = period(cx, s);
    let ControlFlow::Continue(sli) = sli(cx, s) else {
        return None;
    };
    let min_traffic = min_traffic(cx, s);
    let tiers = tiers(cx, s, target, period, alerts);
    let absent = absent(cx, s, alerts);
    let reserved = [
        "severity",
        "alertname",
        "dimension",
        "slo",
        "tier",
        "long",
        "short",
    ];
    let labels = super::alerts::rule_labels(cx, &s.labels, &reserved, "SLO");
    let annotations = super::alerts::extra_annotations(cx, &s.annotations, false);
    if let Some(r) = &s.runbook {
        super::template::report(cx, r, super::template::check, None);
        super::base::templated_url(cx, r);
    }
    if cx.diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(Slo {
        name,
        dimension: dimension.to_string(),
        sli: sli?,
        target,
        target_text,
        period,
        min_traffic,
        tiers,
        labels,
        annotations,
        runbook: s.runbook.as_ref().map(|r| r.get_ref().clone()),
        absent,
    })
}

/// The absent-metric alert of an SLO (`<CamelName>MetricAbsent`), unless `absent = false`:
/// without its metric an SLO computes nothing, and no burn alert can fire (Pyrra has the
/// same alert).
fn absent(cx: &mut Cx, s: &RawSlo, alerts: &[Alert]) -> Option<(String, Duration, Severity)> {
    if !s.absent.as_ref().is_none_or(|b| *b.get_ref()) {
        return None;
    }
    let name = format!("{}MetricAbsent", camel(s.name.get_ref()));
    if alerts.iter().any(|a| a.name == name) {
        cx.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!(
                    "alert `{name}` is also the absent-metric alert of SLO `{}`",
                    s.name.get_ref()
                ),
            )
            .at(s.name.span(), "this SLO names its alerts after itself")
            .help("rename the SLO or the alert, or set `absent = false`"),
        );
    }
    let for_ = cx.duration(s.absent_for.as_ref(), Duration::from_secs(600));
    let severity = match &s.page_severity {
        Some(v) => cx.severity(v)?,
        None => Severity::Critical,
    };
    Some((name, for_, severity))
}

/// The absent-metric alerts of the SLOs, as alerts of kind `absent` in each SLO's dimension:
/// they are routed, tested and drawn like any other.
pub fn absent_alerts(slos: &[Slo]) -> Vec<Alert> {
    slos.iter()
        .filter_map(|slo| {
            let (name, for_, severity) = slo.absent.clone()?;
            let metric = slo.total_selector()?;
            let mut labels = slo.labels.clone();
            labels.insert("slo".into(), slo.name.clone());
            Some(Alert {
                name,
                dimension: Some(slo.dimension.clone()),
                severity,
                for_,
                summary: format!("SLO {} cannot be computed: its metric is absent", slo.name),
                description: Some(format!(
                    "no series of {metric} for {for_}: the SLO's ratios are empty, and its burn-rate alerts cannot fire"
                )),
                runbook: slo.runbook.clone(),
                annotations: slo.annotations.clone(),
                keep_firing_for: None,
                labels,
                kind: crate::kinds::AlertKind::Absent(crate::kinds::absent::Absent { metric }),
                threshold: None,
                threshold_text: None,
                tier: None,
                tests: Vec::new(),
                slo: Some(slo.name.clone()),
                generated: false,
                service: None,
            })
        })
        .collect()
}

/// `target`: a ratio strictly between 0 and 1, and its text as written (for annotations).
fn target(cx: &mut Cx, s: &RawSlo) -> (f64, String) {
    let target = match s.target.get_ref() {
        NumOrStr::Float(f) => Ok(Quantity::Ratio {
            value: *f,
            percent: false,
        }),
        NumOrStr::Int(i) => Ok(Quantity::Number(*i as f64)),
        NumOrStr::Str(t) => Quantity::parse(t),
    };
    let target = match target {
        Ok(Quantity::Ratio { value, .. }) if value > 0.0 && value < 1.0 => value,
        _ => {
            cx.push(
                Diagnostic::error(
                    codes::BAD_THRESHOLD,
                    "an SLO target is a ratio above 0% and under 100%",
                )
                .at(
                    s.target.span(),
                    "expected for example `\"99.9%\"` or `0.999`",
                ),
            );
            0.999
        }
    };
    let target_text = match s.target.get_ref() {
        NumOrStr::Str(t) => t.trim().to_string(),
        _ => format!("{}%", fmt_num(target * 100.0)),
    };
    (target, target_text)
}

/// `period`: 30 days when absent, and at least the longest alert window.
fn period(cx: &mut Cx, s: &RawSlo) -> Duration {
    let period = cx.positive_duration(s.period.as_ref(), Duration::from_secs(30 * 86400));
    if period < Duration::from_secs(3 * 86400)
        && let Some(p) = &s.period
    {
        cx.error(
            codes::DURATION_OUT_OF_RANGE,
            format!("an SLO period of {period} is shorter than its longest alert window (3d)"),
            p.span(),
            "expected `7d`, `28d`, `30d`...",
        );
    }
    period
}

/// The SLI of the SLO's kind, from the keys that kind takes. `Break` when a selector it
/// needs is wrong: the rest of the SLO is then not checked.
fn sli(cx: &mut Cx, s: &RawSlo) -> ControlFlow<(), Option<Sli>> {
    match s.kind.get_ref().as_str() {
        "availability" => availability_sli(cx, s),
        "latency" => latency_sli(cx, s),
        other => {
            let mut d =
                Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown SLO kind `{other}`"))
                    .at(s.kind.span(), "expected `availability` or `latency`");
            if let Some(c) = closest(other, ["availability", "latency"]) {
                d = d.help(format!("did you mean `{c}`?"));
            }
            cx.push(d);
            ControlFlow::Continue(None)
        }
    }
}

/// `kind = "availability"`: `total`, and `errors` or `good`.
fn availability_sli(cx: &mut Cx, s: &RawSlo) -> ControlFlow<(), Option<Sli>> {
    for (v, key) in [(&s.histogram, "histogram"), (&s.threshold, "threshold")] {
        if let Some(v) = v {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("`{key}` is for latency SLOs"),
                v.span(),
                "not used by `availability`",
            );
        }
    }
    let total = match &s.total {
        Some(t) => selector(cx, t, "total"),
        None => {
            cx.error(
                codes::KIND_NEEDS_KEY,
                "an availability SLO needs `total`",
                s.kind.span(),
                "and `errors` or `good`",
            );
            None
        }
    };
    match (&s.errors, &s.good) {
        (Some(e), None) => match (selector(cx, e, "errors"), total) {
            (Some(errors), Some(total)) => {
                ControlFlow::Continue(Some(Sli::Errors { errors, total }))
            }
            _ => ControlFlow::Break(()),
        },
        (None, Some(g)) => match (selector(cx, g, "good"), total) {
            (Some(good), Some(total)) => ControlFlow::Continue(Some(Sli::Good { good, total })),
            _ => ControlFlow::Break(()),
        },
        (Some(_), Some(g)) => {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                "give `errors` or `good`, not both",
                g.span(),
                "second count here",
            );
            ControlFlow::Continue(None)
        }
        (None, None) => {
            cx.error(
                codes::KIND_NEEDS_KEY,
                "an availability SLO needs `errors` or `good`",
                s.kind.span(),
                "counts what is bad or good",
            );
            ControlFlow::Continue(None)
        }
    }
}

/// `kind = "latency"`: `histogram` and `threshold`.
fn latency_sli(cx: &mut Cx, s: &RawSlo) -> ControlFlow<(), Option<Sli>> {
    for (v, key) in [
        (&s.errors, "errors"),
        (&s.good, "good"),
        (&s.total, "total"),
    ] {
        if let Some(v) = v {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("`{key}` is for availability SLOs"),
                v.span(),
                "a latency SLO counts from the histogram",
            );
        }
    }
    let histogram = match &s.histogram {
        Some(h) => crate::kinds::histogram(cx, h),
        None => {
            cx.error(
                codes::KIND_NEEDS_KEY,
                "a latency SLO needs `histogram`",
                s.kind.span(),
                "and `threshold`",
            );
            None
        }
    };
    let threshold = match &s.threshold {
        Some(t) => cx.duration_of(t).map(|d| d.secs_f64()),
        None => {
            cx.error(
                codes::KIND_NEEDS_KEY,
                "a latency SLO needs `threshold`",
                s.kind.span(),
                "the bucket boundary of a good request",
            );
            None
        }
    };
    match (histogram, threshold) {
        (Some(histogram), Some(threshold)) => ControlFlow::Continue(Some(Sli::Latency {
            histogram,
            threshold,
        })),
        _ => ControlFlow::Break(()),
    }
}

/// `min_traffic`: a rate, in requests per second.
fn min_traffic(cx: &mut Cx, s: &RawSlo) -> Option<f64> {
    s.min_traffic
        .as_ref()
        .and_then(|m| match Quantity::parse(m.get_ref()) {
            Ok(Quantity::Rate { value, per }) if value > 0.0 => Some(value / per.secs_f64()),
            _ => {
                cx.error(
                    codes::BAD_THRESHOLD,
                    "`min_traffic` is a rate",
                    m.span(),
                    "expected for example `\"1 per minute\"`",
                );
                None
            }
        })
}

/// The page and ticket alerts that are on: their windows (each of which must be able to
/// fire), names (taken by no alert) and severities.
fn tiers(cx: &mut Cx, s: &RawSlo, target: f64, period: Duration, alerts: &[Alert]) -> Vec<SloTier> {
    let name = s.name.get_ref();
    let severity = |cx: &mut Cx, v: &Option<S<String>>, default: Severity| -> Severity {
        match v {
            Some(s) => cx.severity(s).unwrap_or(default),
            None => {
                if !cx.severities.iter().any(|d| d == default.as_str()) {
                    cx.push(
                        Diagnostic::error(
                            codes::UNKNOWN_SEVERITY,
                            format!(
                                "SLO `{name}` gives its alert the default severity `{}`, which is not declared",
                                default.as_str()
                            ),
                        )
                        .at(s.name.span(), "in this SLO")
                        .help("set `page_severity` and `ticket_severity` to declared severities"),
                    );
                }
                default
            }
        }
    };
    let base = camel(name);
    let table = (!s.windows.is_empty()).then(|| window_table(cx, s, period));
    let mut tiers = Vec::new();
    for (on, tier, spec, sev, default_sev, suffix, for_key, for_) in [
        (
            &s.page,
            Tier::Page,
            PAGE,
            &s.page_severity,
            Severity::Critical,
            "FastBurn",
            &s.page_for,
            120,
        ),
        (
            &s.ticket,
            Tier::Ticket,
            TICKET,
            &s.ticket_severity,
            Severity::Warning,
            "SlowBurn",
            &s.ticket_for,
            900,
        ),
    ] {
        if !on.as_ref().is_none_or(|b| *b.get_ref()) {
            continue;
        }
        let for_ = cx.duration(for_key.as_ref(), Duration::from_secs(for_));
        let ws = match &table {
            None => windows(period, spec),
            Some(t) => t
                .iter()
                .filter(|(t, _)| *t == tier)
                .map(|(_, w)| w.clone())
                .collect(),
        };
        if ws.is_empty() {
            continue;
        }
        for w in ws.iter().filter(|w| w.factor * (1.0 - target) >= 1.0) {
            cx.push(
                Diagnostic::warning(
                    codes::SLO_TIER_NEVER_FIRES,
                    format!(
                        "the {}/{} window pair of SLO `{name}`'s {tier} alert can never fire: {} × the {}% error budget is over 100%",
                        w.long,
                        w.short,
                        fmt_num(w.factor),
                        fmt_num((1.0 - target) * 100.0)
                    ),
                )
                .at(s.target.span(), "with this target")
                .help(format!("raise the target, lengthen the period, or set `{tier} = false`")),
            );
        }
        let alert = format!("{base}{suffix}");
        if let Some(a) = alerts.iter().find(|a| a.name == alert) {
            cx.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!(
                        "alert `{}` is also the {tier} alert of SLO `{name}`",
                        a.name
                    ),
                )
                .at(s.name.span(), "this SLO names its alerts after itself")
                .help("rename the SLO or the alert"),
            );
        }
        tiers.push(SloTier {
            tier,
            alert,
            severity: severity(cx, sev, default_sev),
            for_,
            windows: ws,
        });
    }
    tiers
}

/// `[[dimension.slo.window]]`: the burn-rate table given in place of the default one. Each
/// pair has a tier, a long window over a shorter one within the period, and a factor (or the
/// share of the budget that burns in the long window, from which the factor follows).
fn window_table(cx: &mut Cx, s: &RawSlo, period: Duration) -> Vec<(Tier, BurnWindow)> {
    let mut out = Vec::new();
    for w in &s.windows {
        let w = w.get_ref();
        let tier = match w.tier.get_ref().as_str() {
            "page" => Tier::Page,
            "ticket" => Tier::Ticket,
            other => {
                cx.error(
                    codes::UNKNOWN_KIND,
                    format!("unknown SLO tier `{other}`"),
                    w.tier.span(),
                    "expected `page` or `ticket`",
                );
                continue;
            }
        };
        let (Some(long), Some(short)) = (cx.duration_of(&w.long), cx.duration_of(&w.short)) else {
            continue;
        };
        if short >= long || long > period {
            cx.error(
                codes::CONFLICTING_SETTINGS,
                format!("window pair {long}/{short} must have a short window under a long one within the period ({period})"),
                w.short.span(),
                "the short window confirms the long one's burn",
            );
            continue;
        }
        let number = |cx: &mut Cx, v: &S<NumOrStr>, percent: bool| -> Option<f64> {
            let q = match v.get_ref() {
                NumOrStr::Int(i) => Some(*i as f64),
                NumOrStr::Float(f) => Some(*f),
                NumOrStr::Str(t) => match Quantity::parse(t) {
                    Ok(Quantity::Ratio { value, .. }) if percent => Some(value),
                    Ok(Quantity::Number(n)) => Some(n),
                    _ => None,
                },
            };
            let ok = q.filter(|v| *v > 0.0 && (!percent || *v <= 1.0));
            if ok.is_none() {
                cx.error(
                    codes::BAD_THRESHOLD,
                    "not a positive burn rate or budget share",
                    v.span(),
                    if percent {
                        "expected a share such as `\"2%\"`"
                    } else {
                        "expected a multiple of the budget's burn rate, such as `14.4`"
                    },
                );
            }
            ok
        };
        let factor = match (&w.factor, &w.budget) {
            (Some(f), None) => number(cx, f, false),
            (None, Some(b)) => number(cx, b, true).map(|share| {
                let hours = period.secs_f64() / 3600.0;
                (share * hours / (long.secs_f64() / 3600.0) * 1e4).round() / 1e4
            }),
            (Some(_), Some(b)) => {
                cx.error(
                    codes::CONFLICTING_SETTINGS,
                    "a window pair takes `factor` or `budget`, not both",
                    b.span(),
                    "second here",
                );
                None
            }
            (None, None) => {
                cx.error(
                    codes::MISSING_KEY,
                    "missing key `factor` (or `budget`)",
                    w.long.span(),
                    "this window pair has no burn rate",
                );
                None
            }
        };
        if let Some(factor) = factor {
            out.push((
                tier,
                BurnWindow {
                    long,
                    short,
                    factor,
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_period_gets_the_workbook_factors() {
        for days in [7, 28, 30] {
            let p = Duration::from_secs(days * 86400);
            let f: Vec<f64> = windows(p, PAGE)
                .iter()
                .chain(windows(p, TICKET).iter())
                .map(|w| w.factor)
                .collect();
            assert_eq!(f, [14.4, 6.0, 3.0, 1.0], "{days}d");
        }
        assert_eq!(camel("api-availability"), "ApiAvailability");
    }
}
