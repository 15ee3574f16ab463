//! Alerts: kinds, their keys, thresholds in the stated unit, references and policy warnings.

use std::collections::{HashMap, HashSet};

use super::{Cx, backticked, closest};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{NumOrStr, RawAlert, RawConfig, S};
use crate::model::{Alert, AlertKind, Cmp, Dimension, Job, Prometheus, Severity};
use crate::promql::{UNITS, is_selector};
use crate::quantity::{Duration, Quantity};

pub const KINDS: &[&str] = &[
    "target_down",
    "error_ratio",
    "latency_quantile",
    "rate",
    "increase",
    "gauge",
    "saturation",
    "raw",
];

/// Keys only some kinds take, with the kinds that take them.
const KIND_KEYS: &[(&str, &[&str])] = &[
    ("job", &["target_down"]),
    ("errors", &["error_ratio"]),
    ("total", &["error_ratio"]),
    ("histogram", &["latency_quantile"]),
    ("quantile", &["latency_quantile"]),
    ("metric", &["rate", "increase"]),
    ("over", &["increase"]),
    ("used", &["saturation"]),
    ("capacity", &["saturation"]),
    ("on", &["saturation"]),
    ("used_is_counter", &["saturation"]),
    ("expr", &["gauge", "raw"]),
    (
        "by",
        &["error_ratio", "latency_quantile", "rate", "increase"],
    ),
    (
        "window",
        &["error_ratio", "latency_quantile", "rate", "saturation"],
    ),
    ("unit", &["gauge", "raw"]),
    (
        "above",
        &[
            "error_ratio",
            "latency_quantile",
            "rate",
            "increase",
            "gauge",
            "saturation",
        ],
    ),
    ("below", &["rate", "increase", "gauge", "saturation"]),
];

fn present(a: &RawAlert) -> Vec<(&'static str, std::ops::Range<usize>)> {
    let mut v = Vec::new();
    let mut add = |k: &'static str, span: Option<std::ops::Range<usize>>| {
        if let Some(s) = span {
            v.push((k, s));
        }
    };
    add("job", a.job.as_ref().map(S::span));
    add("errors", a.errors.as_ref().map(S::span));
    add("total", a.total.as_ref().map(S::span));
    add("histogram", a.histogram.as_ref().map(S::span));
    add("quantile", a.quantile.as_ref().map(S::span));
    add("metric", a.metric.as_ref().map(S::span));
    add("over", a.over.as_ref().map(S::span));
    add("used", a.used.as_ref().map(S::span));
    add("capacity", a.capacity.as_ref().map(S::span));
    add("on", a.on.as_ref().map(S::span));
    add("used_is_counter", a.used_is_counter.as_ref().map(S::span));
    add("expr", a.expr.as_ref().map(S::span));
    add("by", a.by.as_ref().map(S::span));
    add("window", a.window.as_ref().map(S::span));
    add("unit", a.unit.as_ref().map(S::span));
    add("above", a.above.as_ref().map(S::span));
    add("below", a.below.as_ref().map(S::span));
    v
}

/// Jobs looked up by name, and what they export: built once, so that checking stays linear
/// in the number of alerts.
pub struct JobIndex<'a> {
    jobs: &'a [Job],
    by_name: HashMap<&'a str, &'a Job>,
    exact: HashSet<&'a str>,
    prefixes: Vec<&'a str>,
}

impl<'a> JobIndex<'a> {
    pub fn new(jobs: &'a [Job]) -> Self {
        let mut exact = HashSet::new();
        let mut prefixes = Vec::new();
        for e in jobs.iter().flat_map(|j| &j.exports) {
            match e.strip_suffix('*') {
                Some(p) => prefixes.push(p),
                None => {
                    exact.insert(e.as_str());
                }
            }
        }
        JobIndex {
            jobs,
            by_name: jobs.iter().map(|j| (j.name.as_str(), j)).collect(),
            exact,
            prefixes,
        }
    }

    fn get(&self, name: &str) -> Option<&'a Job> {
        self.by_name.get(name).copied()
    }

    fn declares_exports(&self) -> bool {
        !self.exact.is_empty() || !self.prefixes.is_empty()
    }

    fn exported(&self, metric: &str) -> bool {
        self.exact.contains(metric) || self.prefixes.iter().any(|p| metric.starts_with(p))
    }
}

pub fn alerts(
    cx: &mut Cx,
    raw: &RawConfig,
    jobs: &[Job],
    dims: &[Dimension],
    prom: &Prometheus,
) -> Vec<Alert> {
    cx.unique(raw.alerts.iter().map(|a| &a.get_ref().name), "alert");
    let jobs = JobIndex::new(jobs);
    let jobs = &jobs;
    let (text, removed) = (cx.text, cx.removed);
    // Every alert is checked on its own, and parsing PromQL dominates large configs: runs of
    // alerts are checked on every core, each run with its own diagnostics, joined in order.
    let runs: Vec<&[S<RawAlert>]> = raw.alerts.chunks(256).collect();
    let done = crate::par::map(&runs, |run| {
        let mut diags = crate::diag::Diags::default();
        let mut cx = Cx {
            diags: &mut diags,
            text,
            removed,
            promql: prom.promql.clone(),
        };
        let alerts: Vec<Alert> = run
            .iter()
            .filter_map(|a| checked_alert(&mut cx, a, jobs, dims, prom))
            .collect();
        (diags, alerts)
    });
    let mut out = Vec::with_capacity(raw.alerts.len());
    for (diags, alerts) in done {
        cx.diags.append(diags);
        out.extend(alerts);
    }
    out
}

/// One alert, its condition included. A condition ccmon composes from selectors it is sure
/// of, label names and durations is valid by construction; every other one is parsed.
fn checked_alert(
    cx: &mut Cx,
    a: &S<RawAlert>,
    jobs: &JobIndex,
    dims: &[Dimension],
    prom: &Prometheus,
) -> Option<Alert> {
    let mut alert = alert(cx, a.span(), a.get_ref(), jobs, dims, prom)?;
    let result = if valid_by_construction(&alert) {
        debug_assert_eq!(super::promql::analyze(&alert.expr(), false), Ok(None));
        Ok(None)
    } else {
        super::promql::analyze(&alert.expr(), matches!(alert.kind, AlertKind::Raw { .. }))
    };
    let result =
        result.and_then(
            |split| match super::promql::version_error(&alert.expr(), &cx.promql) {
                None => Ok(split),
                Some(why) => Err(why),
            },
        );
    match result {
        Ok(split) => {
            if let AlertKind::Raw { split: s, .. } = &mut alert.kind {
                *s = split;
            }
            Some(alert)
        }
        Err(why) => {
            condition_error(cx, a.get_ref(), &alert, &why);
            None
        }
    }
}

/// The longest `for` ccmon takes: a week. Past it the alert is a report.
const MAX_FOR: Duration = Duration(7 * 24 * 3_600_000);
/// The longest range window ccmon takes: 31 days, the longest SLO period.
pub(crate) const MAX_WINDOW: Duration = Duration(31 * 24 * 3_600_000);

/// A range window: at most [`MAX_WINDOW`], and a warning under two scrape intervals, where
/// `rate` and `increase` see fewer than two samples and return nothing.
pub(crate) fn range_window(cx: &mut Cx, s: &S<String>, key: &str, d: Duration, interval: Duration) {
    if d > MAX_WINDOW {
        cx.push(
            Diagnostic::error(
                codes::BAD_DURATION,
                format!("`{key} = \"{}\"` is longer than {MAX_WINDOW}", s.get_ref()),
            )
            .at(
                s.span(),
                "Prometheus would read every sample of this range at every evaluation",
            )
            .help("use an SLO for long periods: it records the ratio once and reads it back"),
        );
    } else if d.millis() > 0 && d.millis() < 2 * interval.millis() {
        cx.push(
            Diagnostic::warning(
                codes::WINDOW_TOO_SHORT,
                format!(
                    "`{key} = \"{}\"` holds fewer than two samples at the scrape interval {interval}",
                    s.get_ref()
                ),
            )
            .at(s.span(), "`rate` and `increase` need two samples: this returns nothing, and never fires")
            .help(format!(
                "use at least `{}`; four scrape intervals (`{}`) is the usual choice",
                Duration(2 * interval.millis()),
                Duration(4 * interval.millis())
            )),
        );
    }
}

/// Whether the condition of an alert is certainly valid PromQL without parsing it: a kind
/// that wraps selectors in fixed functions, with selectors and `by` labels that
/// [`super::promql::surely_selector`] and [`super::promql::plain_label`] vouch for (the other
/// parts, durations, numbers and metric names, were checked on their own).
fn valid_by_construction(a: &Alert) -> bool {
    use super::promql::{plain_label, surely_selector};
    let labels = |by: &[String]| by.iter().all(|l| plain_label(l));
    match &a.kind {
        AlertKind::TargetDown { .. } => true,
        AlertKind::ErrorRatio {
            errors, total, by, ..
        } => surely_selector(errors) && surely_selector(total) && labels(by),
        AlertKind::LatencyQuantile { by, .. } => labels(by),
        AlertKind::Rate { metric, by, .. } | AlertKind::Increase { metric, by, .. } => {
            surely_selector(metric) && labels(by)
        }
        AlertKind::Gauge { .. } | AlertKind::Saturation { .. } | AlertKind::Raw { .. } => false,
    }
}

/// A condition that does not parse: point at the fragment that does not, or else say that
/// the composition is at fault.
fn condition_error(cx: &mut Cx, a: &RawAlert, alert: &Alert, why: &str) {
    let mut found = false;
    for (v, what, selector) in [
        (&a.errors, "errors", true),
        (&a.total, "total", true),
        (&a.metric, "metric", true),
        (&a.expr, "expr", false),
        (&a.used, "used", false),
        (&a.capacity, "capacity", false),
    ] {
        if let Some(s) = v
            && (!selector || is_selector(s.get_ref().trim()))
            && !super::promql::check_expr(cx, s, &format!("`{what}`"))
        {
            found = true;
        }
    }
    if !found {
        cx.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!(
                    "the condition ccmon builds for `{}` is not valid PromQL: {why}",
                    alert.name
                ),
            )
            .at(a.kind.span(), "built from this kind and its keys")
            .help("simplify the expressions given to this alert, or use kind `raw`"),
        );
    }
}

fn alert(
    cx: &mut Cx,
    table_span: std::ops::Range<usize>,
    a: &RawAlert,
    jobs: &JobIndex,
    dims: &[Dimension],
    prom: &Prometheus,
) -> Option<Alert> {
    let name = a.name.get_ref().clone();
    // Prometheus takes any string as an alert name; ccmon only wants it plain enough to
    // route, inhibit and test by (`alertname="..."`).
    cx.name(&a.name, "alert");
    let errors_before = cx.diags.count(crate::diag::Severity::Error);
    let kind = a.kind.get_ref().as_str();
    let kind_known = KINDS.contains(&kind);
    if !kind_known {
        let mut d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown alert kind `{kind}`"))
            .at(a.kind.span(), "not an alert kind");
        d = match closest(kind, KINDS.iter().copied()) {
            Some(c) => d.help(format!("did you mean `{c}`?")),
            None => d.help(format!(
                "kinds: {}",
                backticked(&KINDS.iter().map(|k| k.to_string()).collect::<Vec<_>>())
            )),
        };
        cx.push(d);
    }
    let mut ok = kind_known;
    for (key, span) in present(a).into_iter().filter(|_| kind_known) {
        let takes = KIND_KEYS
            .iter()
            .find(|(k, _)| *k == key)
            .is_some_and(|(_, kinds)| kinds.contains(&kind));
        if !takes {
            ok = false;
            cx.push(
                Diagnostic::error(
                    codes::KEY_NOT_FOR_KIND,
                    format!("`{key}` is not used by alert kind `{kind}`"),
                )
                .at(span, "remove this key or change the kind"),
            );
        }
    }
    let mut need = |cx: &mut Cx, v: bool, key: &str| {
        if !v {
            ok = false;
            if key.split("` or `").any(|k| cx.was_removed(&table_span, k)) {
                return;
            }
            cx.push(
                Diagnostic::error(
                    codes::KIND_NEEDS_KEY,
                    format!("alert kind `{kind}` needs `{key}`"),
                )
                .at(a.kind.span(), format!("`{key}` is missing for this kind"))
                .also(a.name.span(), "in this alert"),
            );
        }
    };
    match kind {
        _ if !kind_known => {}
        "target_down" => need(cx, a.job.is_some(), "job"),
        "error_ratio" => {
            need(cx, a.errors.is_some(), "errors");
            need(cx, a.total.is_some(), "total");
        }
        "latency_quantile" => {
            need(cx, a.histogram.is_some(), "histogram");
            need(cx, a.quantile.is_some(), "quantile");
        }
        "rate" => need(cx, a.metric.is_some(), "metric"),
        "increase" => {
            need(cx, a.metric.is_some(), "metric");
            need(cx, a.over.is_some(), "over");
        }
        "gauge" | "raw" => need(cx, a.expr.is_some(), "expr"),
        "saturation" => {
            need(cx, a.used.is_some(), "used");
            need(cx, a.capacity.is_some(), "capacity");
            need(cx, a.on.is_some(), "on");
        }
        _ => {}
    }
    if kind_known && !matches!(kind, "target_down" | "raw") {
        need(
            cx,
            a.above.is_some() || a.below.is_some(),
            "above` or `below",
        );
    }
    if let (Some(_), Some(b)) = (&a.above, &a.below) {
        ok = false;
        cx.error(
            codes::BAD_THRESHOLD,
            "an alert takes `above` or `below`, not both",
            b.span(),
            "second threshold here",
        );
    }

    let severity = match Severity::ALL
        .iter()
        .find(|(s, _)| *s == a.severity.get_ref())
    {
        Some((_, s)) => *s,
        None => {
            let names: Vec<&str> = Severity::ALL.iter().map(|(s, _)| *s).collect();
            let mut d = Diagnostic::error(
                codes::UNKNOWN_SEVERITY,
                format!("unknown severity `{}`", a.severity.get_ref()),
            )
            .at(
                a.severity.span(),
                "expected `critical`, `warning` or `info`",
            );
            if let Some(c) = closest(a.severity.get_ref(), names.iter().copied()) {
                d = d.help(format!("did you mean `{c}`?"));
            }
            cx.push(d);
            ok = false;
            Severity::Warning
        }
    };
    let for_ = cx.duration(a.for_.as_ref(), Duration::from_secs(0));
    if let Some(f) = &a.for_
        && for_ > MAX_FOR
    {
        ok = false;
        cx.push(
            Diagnostic::error(codes::BAD_DURATION, format!("`for = \"{}\"` is longer than {MAX_FOR}", f.get_ref()))
                .at(f.span(), "an alert pending this long is not an alert")
                .help("alert on the condition's trend instead (an `increase` over a long period, or an SLO)"),
        );
    }
    // The alerted job's own interval where the kind names it, else the global one.
    let interval = a
        .job
        .as_ref()
        .and_then(|j| jobs.get(j.get_ref()))
        .and_then(|j| j.interval)
        .unwrap_or(prom.scrape_interval);
    if let Some(f) = &a.for_
        && for_.millis() > 0
        && for_ < interval
    {
        cx.push(
            Diagnostic::warning(
                codes::FOR_SHORTER_THAN_SCRAPE,
                format!(
                    "`for = \"{}\"` is shorter than the scrape interval {interval}",
                    f.get_ref(),
                ),
            )
            .at(f.span(), "the condition is seen at most once in this time")
            .help(format!("use at least `{interval}`")),
        );
    }
    let dimension = match &a.dimension {
        None => None,
        Some(d) => {
            if !dims.iter().any(|x| &x.name == d.get_ref()) {
                cx.unknown_ref(
                    codes::UNKNOWN_DIMENSION,
                    "dimension",
                    d,
                    dims.iter().map(|x| x.name.clone()),
                );
                ok = false;
            }
            Some(d.get_ref().clone())
        }
    };
    let labels = cx.labels(&a.labels);
    for v in a.labels.values().filter(|v| !v.get_ref().is_empty()) {
        cx.token(v, "label value", crate::escape::prometheus::label_value);
    }
    for k in a.labels.keys() {
        if matches!(k.get_ref().as_str(), "severity" | "alertname" | "dimension") {
            cx.error(
                codes::BAD_LABEL_NAME,
                format!(
                    "label `{}` is set by ccmon from the alert itself",
                    k.get_ref()
                ),
                k.span(),
                "reserved label",
            );
        }
    }
    for t in [Some(&a.summary), a.description.as_ref()]
        .into_iter()
        .flatten()
    {
        template(cx, t);
    }
    // The runbook is an annotation too: Prometheus parses it as a template.
    if let Some(r) = &a.runbook {
        super::template::report(cx, r, super::template::check, None);
    }
    if let Some(r) = &a.runbook {
        super::base::templated_url(cx, r);
    }

    let unit = a.unit.as_ref().and_then(|u| unit_of(cx, u));
    let threshold = match (&a.above, &a.below) {
        _ if !kind_known => None,
        (Some(t), _) => threshold(cx, t, kind, unit).map(|q| (Cmp::Above, q)),
        (None, Some(t)) => threshold(cx, t, kind, unit).map(|q| (Cmp::Below, q)),
        _ => None,
    };
    let threshold_text = a
        .above
        .as_ref()
        .or(a.below.as_ref())
        .map(|t| match t.get_ref() {
            NumOrStr::Str(s) => s.trim().to_string(),
            NumOrStr::Int(i) => i.to_string(),
            NumOrStr::Float(f) => crate::quantity::fmt_num(*f),
        });
    if (a.above.is_some() || a.below.is_some()) && threshold.is_none() {
        ok = false;
    }
    let window = cx.positive_duration(a.window.as_ref(), Duration::from_secs(300));
    for (key, w) in [("window", &a.window), ("over", &a.over)] {
        if let Some(w) = w {
            let d = cx.duration(Some(w), window);
            range_window(cx, w, key, d, interval);
        }
    }
    let by = |cx: &mut Cx| -> Vec<String> {
        match &a.by {
            Some(b) => b
                .get_ref()
                .iter()
                .map(|l| cx.metric_name(l, "label name", false))
                .collect(),
            None => vec!["job".to_string()],
        }
    };
    let sel = |cx: &mut Cx, s: &Option<S<String>>, what: &str| -> String {
        let Some(s) = s else { return String::new() };
        if !is_selector(s.get_ref().trim()) {
            cx.push(
                Diagnostic::error(
                    codes::BAD_PROMQL,
                    format!("{what} `{}` is not a metric selector", s.get_ref()),
                )
                .at(
                    s.span(),
                    "expected `metric_name` or `metric_name{label=\"value\"}`",
                )
                .help("use kind `raw` for arbitrary PromQL"),
            );
        }
        s.get_ref().trim().to_string()
    };
    if !kind_known {
        return None;
    }
    let unit = unit.map(str::to_string);
    let kind_v = match kind {
        "target_down" => {
            let job = a.job.as_ref()?;
            if jobs.get(job.get_ref()).is_none() {
                cx.unknown_ref(
                    codes::UNKNOWN_JOB,
                    "job",
                    job,
                    jobs.jobs.iter().map(|j| j.name.clone()),
                );
                ok = false;
            }
            AlertKind::TargetDown {
                job: job.get_ref().clone(),
            }
        }
        "error_ratio" => AlertKind::ErrorRatio {
            errors: sel(cx, &a.errors, "errors"),
            total: sel(cx, &a.total, "total"),
            by: by(cx),
            window,
        },
        "latency_quantile" => {
            let histogram = a.histogram.as_ref()?;
            let h = cx.metric_name(histogram, "histogram name", true);
            let h = h.strip_suffix("_bucket").unwrap_or(&h).to_string();
            let q = quantile(cx, a.quantile.as_ref()?)?;
            AlertKind::LatencyQuantile {
                histogram: h,
                quantile: q,
                by: by(cx),
                window,
            }
        }
        "rate" => AlertKind::Rate {
            metric: sel(cx, &a.metric, "metric"),
            by: by(cx),
            window,
        },
        "increase" => {
            let over = cx.positive_duration(a.over.as_ref(), Duration::from_secs(3600));
            AlertKind::Increase {
                metric: sel(cx, &a.metric, "metric"),
                by: by(cx),
                over,
            }
        }
        "gauge" => {
            let e = a.expr.as_ref()?;
            let name = e.get_ref().trim();
            if is_selector(name)
                && name
                    .split('{')
                    .next()
                    .is_some_and(|n| n.ends_with("_total"))
            {
                cx.push(
                    Diagnostic::warning(
                        codes::COUNTER_WITHOUT_RATE,
                        format!("`{name}` is a counter compared as a gauge"),
                    )
                    .at(
                        e.span(),
                        "a counter only grows: this compares its total since restart",
                    )
                    .help("use kind `rate` or `increase` with a period"),
                );
            }
            AlertKind::Gauge {
                expr: name.to_string(),
                unit,
            }
        }
        "saturation" => AlertKind::Saturation {
            used: a.used.as_ref()?.get_ref().trim().to_string(),
            capacity: a.capacity.as_ref()?.get_ref().trim().to_string(),
            on: a
                .on
                .as_ref()?
                .get_ref()
                .iter()
                .map(|l| cx.metric_name(l, "label name", false))
                .collect(),
            rate_window: a
                .used_is_counter
                .as_ref()
                .is_some_and(|b| *b.get_ref())
                .then_some(window),
        },
        _ => AlertKind::Raw {
            expr: a.expr.as_ref()?.get_ref().trim().to_string(),
            // Filled in with the parse of all conditions, in `alerts`.
            split: None,
            unit,
        },
    };
    source_check(cx, a, &kind_v, jobs);
    if !ok {
        return None;
    }
    let alert = Alert {
        name,
        dimension,
        severity,
        for_,
        summary: a.summary.get_ref().clone(),
        description: a.description.as_ref().map(|d| d.get_ref().clone()),
        runbook: a.runbook.as_ref().map(|r| r.get_ref().clone()),
        labels,
        kind: kind_v,
        threshold,
        threshold_text,
    };
    if alert.threshold_value().is_none() {
        for t in [Some(&a.summary), a.description.as_ref()]
            .into_iter()
            .flatten()
        {
            if t.get_ref().contains("{threshold}") {
                cx.push(
                    Diagnostic::error(
                        codes::BAD_TEMPLATE,
                        "`{threshold}` in an alert without a threshold",
                    )
                    .at(t.span(), "nothing to fill in here")
                    .help("write the condition in words, or give the alert `above` or `below`"),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
    }
    // Any error in this alert above: its condition is not worth composing.
    if cx.diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(alert)
}

/// `0.95`, `"p95"` or `"95%"`.
fn quantile(cx: &mut Cx, q: &S<NumOrStr>) -> Option<f64> {
    let v = match q.get_ref() {
        NumOrStr::Float(f) => Some(*f),
        NumOrStr::Int(_) => None,
        NumOrStr::Str(s) => {
            let t = s.trim();
            t.strip_prefix('p')
                .and_then(|n| n.parse::<f64>().ok())
                .map(|n| n / 100.0)
                .or_else(|| {
                    t.strip_suffix('%')
                        .and_then(|n| n.parse::<f64>().ok())
                        .map(|n| n / 100.0)
                })
        }
    };
    match v {
        Some(v) if v > 0.0 && v < 1.0 => Some(v),
        _ => {
            cx.error(
                codes::BAD_THRESHOLD,
                "a quantile is between 0 and 1",
                q.span(),
                "expected `0.95`, `\"p95\"` or `\"95%\"`",
            );
            None
        }
    }
}

/// A unit name (or its Grafana id) in its canonical ccmon name; unknown ones are reported.
pub fn unit_of(cx: &mut Cx, u: &S<String>) -> Option<&'static str> {
    let v = u.get_ref();
    if let Some((name, _)) = UNITS.iter().find(|(n, g)| n == v || g == v) {
        return Some(name);
    }
    let names: Vec<String> = UNITS.iter().map(|(n, _)| n.to_string()).collect();
    let mut d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown unit `{v}`"))
        .at(u.span(), "not a unit ccmon knows");
    d = match closest(v, UNITS.iter().map(|(n, _)| *n)) {
        Some(c) => d.help(format!("did you mean `{c}`?")),
        None => d.help(format!("units: {}", backticked(&names))),
    };
    cx.push(d);
    None
}

/// The threshold in the unit its kind compares: ratios for ratios, seconds for latency,
/// rates for `rate`, plain numbers for gauges and increases.
fn threshold(cx: &mut Cx, t: &S<NumOrStr>, kind: &str, unit: Option<&str>) -> Option<Quantity> {
    let q = match t.get_ref() {
        NumOrStr::Int(i) => Ok(Quantity::Number(*i as f64)),
        NumOrStr::Float(f) => Ok(Quantity::Number(*f)),
        NumOrStr::Str(s) => Quantity::parse(s),
    };
    let q = match q {
        Ok(q) => q,
        Err(why) => {
            cx.push(
                Diagnostic::error(codes::BAD_THRESHOLD, format!("threshold: {why}"))
                    .at(t.span(), "cannot read this threshold")
                    .help(expected_unit(kind)),
            );
            return None;
        }
    };
    // A plain fraction is accepted where a ratio is expected.
    let q = match (kind, q) {
        ("error_ratio" | "saturation", Quantity::Number(v)) => Quantity::Ratio {
            value: v,
            percent: false,
        },
        (_, q) => q,
    };
    let fits = matches!(
        (kind, &q),
        ("error_ratio" | "saturation", Quantity::Ratio { .. })
            | ("latency_quantile", Quantity::Seconds(_))
            | ("rate", Quantity::Rate { .. })
            | ("increase" | "gauge", Quantity::Number(_))
    ) || matches!(
        (kind, unit, &q),
        ("gauge", Some("percent"), Quantity::Ratio { .. })
            | ("gauge", Some("seconds"), Quantity::Seconds(_))
    );
    if !fits {
        cx.push(
            Diagnostic::error(
                codes::BAD_THRESHOLD,
                format!("alert kind `{kind}` cannot compare {}", q.unit_name()),
            )
            .at(t.span(), format!("this is {}", q.unit_name()))
            .help(expected_unit(kind)),
        );
        return None;
    }
    let bad = match q {
        Quantity::Ratio { value, .. } if kind != "gauge" => !(value > 0.0 && value <= 1.0),
        Quantity::Ratio { .. } => false,
        Quantity::Seconds(v) | Quantity::Rate { value: v, .. } => v <= 0.0,
        Quantity::Number(_) => false,
    };
    if bad {
        cx.push(
            Diagnostic::error(
                codes::BAD_THRESHOLD,
                format!("threshold `{q}` is out of range"),
            )
            .at(t.span(), "this can never be crossed in a useful way")
            .help("ratios are above 0% and at most 100%; durations and rates are positive"),
        );
        return None;
    }
    Some(q)
}

fn expected_unit(kind: &str) -> String {
    match kind {
        "error_ratio" | "saturation" => "write a ratio such as `\"5%\"` or `0.05`".into(),
        "latency_quantile" => "write a duration such as `\"2s\"` or `\"500ms\"`".into(),
        "rate" => "write a rate such as `\"100000 per hour\"` or `\"10 per minute\"`".into(),
        _ => "write a plain number such as `1000`".into(),
    }
}

/// Placeholders ccmon fills in summaries and descriptions, and a light check of Go templates.
pub const PLACEHOLDERS: &[&str] = &["{value}", "{threshold}"];

fn template(cx: &mut Cx, t: &S<String>) {
    let s = t.get_ref();
    if !super::template::report(
        cx,
        t,
        super::template::check,
        Some("annotations are Go templates; see the Prometheus template reference"),
    ) {
        return;
    }
    // Single-brace words outside `{{ }}` are ccmon placeholders.
    let stripped = strip_go_actions(s);
    let mut rest = stripped.as_str();
    while let Some(i) = rest.find('{') {
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        let word = &after[..end];
        if !PLACEHOLDERS.contains(&word) {
            cx.push(
                Diagnostic::error(codes::BAD_TEMPLATE, format!("unknown placeholder `{word}`"))
                    .at(t.span(), "in this text")
                    .help("ccmon fills `{value}` (the current value, in the alert's unit) and `{threshold}`"),
            );
        }
        rest = &after[end..];
    }
}

fn strip_go_actions(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("}}").map_or("", |e| &rest[i + e + 2..]);
    }
    out.push_str(rest);
    out
}

/// Warns when the alert's metric is exported by no declared job, where jobs declare exports.
fn source_check(cx: &mut Cx, a: &RawAlert, kind: &AlertKind, jobs: &JobIndex) {
    if !jobs.declares_exports() {
        return;
    }
    let mut pairs: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    match kind {
        AlertKind::ErrorRatio { errors, total, .. } => {
            pairs.extend(a.errors.as_ref().map(|s| (errors.clone(), s.span())));
            pairs.extend(a.total.as_ref().map(|s| (total.clone(), s.span())));
        }
        AlertKind::Saturation { used, capacity, .. } => {
            pairs.extend(a.used.as_ref().map(|s| (used.clone(), s.span())));
            pairs.extend(a.capacity.as_ref().map(|s| (capacity.clone(), s.span())));
        }
        _ => {}
    }
    let (metric, span) = match kind {
        AlertKind::ErrorRatio { .. } | AlertKind::Saturation { .. } => (String::new(), None),
        AlertKind::LatencyQuantile { histogram, .. } => (
            format!("{histogram}_bucket"),
            a.histogram.as_ref().map(S::span),
        ),
        AlertKind::Rate { metric, .. } | AlertKind::Increase { metric, .. } => {
            (metric.clone(), a.metric.as_ref().map(S::span))
        }
        AlertKind::Gauge { expr, .. } => (expr.clone(), a.expr.as_ref().map(S::span)),
        _ => return,
    };
    pairs.extend(span.map(|s| (metric, s)));
    for (expr, span) in pairs {
        for m in metric_names(&expr) {
            let known = jobs.exported(&m);
            if !known {
                cx.push(
                    Diagnostic::warning(
                        codes::NO_SOURCE_FOR_METRIC,
                        format!("no job is known to export `{m}`"),
                    )
                    .at(span.clone(), "this alert can never fire without it")
                    .help(
                        "add the job that exports it, or list the metric in that job's `exports`",
                    ),
                );
            }
        }
    }
}

/// Metric names that are certain in an expression: the whole of a plain selector, or every
/// name written directly before a `{` matcher list. Bare names inside larger expressions are
/// left alone (they could be label names in `by (..)`).
fn metric_names(expr: &str) -> Vec<String> {
    let e = expr.trim();
    if is_selector(e) {
        return vec![e.split('{').next().unwrap_or(e).to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    let mut in_quotes = false;
    let mut ident = String::new();
    for c in e.chars() {
        if in_quotes {
            in_quotes = c != '"';
            continue;
        }
        match c {
            '"' => in_quotes = true,
            c if c.is_ascii_alphanumeric() || c == '_' || c == ':' => ident.push(c),
            '{' => {
                if super::is_metric_name(&ident, true) && !out.contains(&ident) {
                    out.push(ident.clone());
                }
                ident.clear();
            }
            _ => ident.clear(),
        }
    }
    out
}
