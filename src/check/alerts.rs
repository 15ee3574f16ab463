//! Alerts: what every alert has (name, severity, `for`, labels, annotations, threshold in its
//! unit, references, policy warnings), the keys its kind takes, and the check of its
//! condition. What is particular to a kind is in its own file under [`crate::kinds`].

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Cx, backticked, closest};
use crate::codes;
use crate::diag::Diagnostic;
use crate::kinds::{self, AlertKind, Cmp, Reading};
use crate::load::{NumOrStr, RawAlert, S};
use crate::model::{Alert, Dimension, Job, Prometheus, Record, Severity, TierPos};
use crate::quantity::{Duration, Quantity};
use crate::unit::Unit;

/// The kind-specific keys present, with their spans.
fn present(a: &RawAlert) -> Vec<(&'static str, std::ops::Range<usize>)> {
    a.kind_keys().into_iter().map(|k| (k.key, k.span)).collect()
}

/// Jobs looked up by name, and what they export: built once, so that checking stays linear
/// in the number of alerts.
pub struct JobIndex<'a> {
    jobs: &'a [Job],
    /// The metrics recording rules record.
    recorded: HashSet<&'a str>,
    by_name: HashMap<&'a str, &'a Job>,
    exact: HashSet<&'a str>,
    prefixes: Vec<&'a str>,
    /// Whether the user lists `exports` for some job: metric sources are checked then.
    declared: bool,
    /// Whether some job's `metric_relabel` keeps or drops series by metric name.
    filters_names: bool,
}

impl<'a> JobIndex<'a> {
    pub fn new(jobs: &'a [Job], records: &'a [Record]) -> Self {
        let mut exact = HashSet::new();
        let mut prefixes = Vec::new();
        let mut declared = false;
        for j in jobs {
            declared |= !j.generated && !j.exports.is_empty();
        }
        for e in jobs.iter().flat_map(|j| &j.exports) {
            match e.strip_suffix('*') {
                Some(p) => prefixes.push(p),
                None => {
                    exact.insert(e.as_str());
                }
            }
        }
        JobIndex {
            declared,
            jobs,
            recorded: records.iter().map(|r| r.name.as_str()).collect(),
            by_name: jobs.iter().map(|j| (j.name.as_str(), j)).collect(),
            exact,
            prefixes,
            filters_names: jobs
                .iter()
                .flat_map(|j| &j.metric_relabel)
                .any(|r| by_name(r).is_some()),
        }
    }

    /// Whether every job drops the series of `metric` after the scrape (a `drop` or `keep`
    /// rule on `__name__` alone, as `drop_metrics` writes), so that no series of it is stored.
    fn dropped_everywhere(&self, metric: &str) -> bool {
        // The jobs that may export it: those whose `exports` list it, or list nothing.
        let mut sources = self.jobs.iter().filter(|j| {
            j.exports.is_empty()
                || j.exports.iter().any(|e| match e.strip_suffix('*') {
                    Some(p) => metric.starts_with(p),
                    None => e == metric,
                })
        });
        self.filters_names
            && sources.clone().next().is_some()
            && sources.all(|j| {
                j.metric_relabel.iter().any(|r| match by_name(r) {
                    Some((true, re)) => crate::regexes::full_match(re, metric),
                    Some((false, re)) => !crate::regexes::full_match(re, metric),
                    None => false,
                })
            })
    }

    fn get(&self, name: &str) -> Option<&'a Job> {
        self.by_name.get(name).copied()
    }

    fn declares_exports(&self) -> bool {
        self.declared
    }

    /// Whether some job exports `metric`; every job has the series Prometheus writes for each
    /// scrape (`up`, `scrape_*`).
    fn exported(&self, metric: &str) -> bool {
        const PER_SCRAPE: &[&str] = &[
            "up",
            "scrape_duration_seconds",
            "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling",
            "scrape_series_added",
        ];
        PER_SCRAPE.contains(&metric)
            || self.exact.contains(metric)
            || self.prefixes.iter().any(|p| metric.starts_with(p))
    }
}

/// A `metric_relabel` rule that drops (`true`) or keeps (`false`) series by their metric name
/// alone, and its regex.
fn by_name(r: &crate::model::Relabel) -> Option<(bool, &str)> {
    let drop = match r.action.as_str() {
        "drop" => true,
        "keep" => false,
        _ => return None,
    };
    (r.source_labels == ["__name__"]).then(|| (drop, r.regex.as_deref().unwrap_or("(.*)")))
}

impl kinds::Jobs for JobIndex<'_> {
    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn names(&self) -> Vec<String> {
        self.jobs.iter().map(|j| j.name.clone()).collect()
    }
}

/// The user's alerts that had errors (in the file, not in the model): references to them
/// are not reported again.
pub fn broken(raw: &[S<RawAlert>], alerts: &[Alert]) -> Vec<String> {
    let built: std::collections::HashSet<&str> = alerts.iter().map(|a| a.name.as_str()).collect();
    raw.iter()
        .map(|a| a.get_ref().name.get_ref())
        .filter(|n| !built.contains(n.as_str()))
        .cloned()
        .collect()
}

pub fn alerts(
    cx: &mut Cx,
    raw: &[S<RawAlert>],
    jobs: &[Job],
    records: &[Record],
    dims: &[Dimension],
    prom: &Prometheus,
) -> Vec<Alert> {
    cx.unique(raw.iter().map(|a| &a.get_ref().name), "alert");
    let jobs = JobIndex::new(jobs, records);
    let jobs = &jobs;
    let (text, removed, severities) = (cx.text, cx.removed, &cx.severities);
    // Every alert is checked on its own, and parsing PromQL dominates large configs: runs of
    // alerts are checked on every core, each run with its own diagnostics, joined in order.
    let runs: Vec<&[S<RawAlert>]> = raw.chunks(256).collect();
    let done = crate::par::map(&runs, |run| {
        let mut diags = crate::diag::Diags::default();
        let mut cx = Cx {
            diags: &mut diags,
            text,
            removed,
            promql: prom.promql.clone(),
            severities: severities.clone(),
        };
        let mut alerts = Vec::with_capacity(run.len());
        for a in *run {
            alerts.extend(tiered(&mut cx, a, jobs, dims, prom));
        }
        (diags, alerts)
    });
    let mut out = Vec::with_capacity(raw.len());
    for (diags, alerts) in done {
        cx.diags.append(diags);
        out.extend(alerts);
    }
    // Every kind builds or reports why not: a model that looks valid holds every alert.
    let rules: usize = raw.iter().map(|a| a.get_ref().tiers.len().max(1)).sum();
    assert!(
        out.len() == rules || cx.diags.has_errors(),
        "ccmon bug: an alert was left out of the model without a diagnostic"
    );
    out
}

/// An alert, or each of its tiers as an alert of its own (the tier's keys over the
/// alert's). What the tiers share is reported once, at the first tier that has it wrong.
fn tiered(
    cx: &mut Cx,
    a: &S<RawAlert>,
    jobs: &JobIndex,
    dims: &[Dimension],
    prom: &Prometheus,
) -> Vec<Alert> {
    let raw = a.get_ref();
    let missing = |cx: &mut Cx, key: &str, span: std::ops::Range<usize>, label: &str| {
        if !cx.was_removed(&span, key) {
            cx.push(
                Diagnostic::error(codes::MISSING_KEY, format!("missing key `{key}`"))
                    .at(span, label),
            );
        }
    };
    if raw.tiers.is_empty() {
        if raw.severity.is_none() {
            let needs = "`[[alert]]` needs `severity` (or `[[alert.tier]]`s)";
            missing(cx, "severity", a.span(), needs);
        }
        if raw.summary.is_none() {
            missing(cx, "summary", a.span(), "`[[alert]]` needs `summary`");
        }
        return checked_alert(cx, a.span(), raw, jobs, dims, prom)
            .into_iter()
            .collect();
    }
    if let Some(s) = &raw.severity {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "an alert with tiers takes its severity from each tier",
            s.span(),
            "remove this: every `[[alert.tier]]` has its own",
        );
    }
    // Tiers are told apart by severity, or else by their own labels (kube-prometheus'
    // `KubeAPIErrorBudgetBurn` has two critical tiers, `long="1h"` and `long="6h"`).
    type Labels<'a> = Vec<(&'a String, &'a String)>;
    let mut seen: Vec<(&S<String>, Labels)> = Vec::new();
    for t in &raw.tiers {
        let t = t.get_ref();
        let labels: Vec<(&String, &String)> = t
            .labels
            .iter()
            .map(|(k, v)| (k.get_ref(), v.get_ref()))
            .collect();
        if let Some((first, _)) = seen
            .iter()
            .find(|(s, l)| s.get_ref() == t.severity.get_ref() && *l == labels)
        {
            cx.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!(
                        "two tiers of `{}` at severity `{}` with the same labels",
                        raw.name.get_ref(),
                        t.severity.get_ref()
                    ),
                )
                .at(t.severity.span(), "second tier at this severity")
                .also(first.span(), "first here")
                .help("tiers of one alert differ in severity or in their labels: Prometheus would see two rules with the same labels"),
            );
        }
        seen.push((&t.severity, labels));
    }
    let count = raw.tiers.len();
    let mut out = Vec::with_capacity(count);
    let mut reported: Vec<Diagnostic> = Vec::new();
    for (index, t) in raw.tiers.iter().enumerate() {
        let merged = t.get_ref().over(raw);
        if merged.summary.is_none() {
            let needs = "a tier needs `summary` when its alert has none";
            missing(cx, "summary", t.span(), needs);
        }
        let mut diags = crate::diag::Diags::default();
        let alert = {
            let mut tcx = Cx {
                diags: &mut diags,
                text: cx.text,
                removed: cx.removed,
                promql: cx.promql.clone(),
                severities: cx.severities.clone(),
            };
            checked_alert(&mut tcx, t.span(), &merged, jobs, dims, prom)
        };
        for d in diags.into_vec() {
            if !reported.contains(&d) {
                reported.push(d.clone());
                cx.push(d);
            }
        }
        out.extend(alert.map(|mut a| {
            a.tier = Some(TierPos { index, count });
            if index > 0 {
                a.tests.clear();
            }
            a
        }));
    }
    out
}

/// One alert, its condition included. A condition ccmon composes from selectors it is sure
/// of, label names and durations is valid by construction; every other one is parsed.
fn checked_alert(
    cx: &mut Cx,
    table_span: std::ops::Range<usize>,
    a: &RawAlert,
    jobs: &JobIndex,
    dims: &[Dimension],
    prom: &Prometheus,
) -> Option<Alert> {
    let mut alert = alert(cx, table_span, a, jobs, dims, prom)?;
    let result = if alert.kind.vouched() {
        debug_assert_eq!(super::promql::analyze(&alert.expr(), false), Ok(None));
        Ok(None)
    } else {
        super::promql::analyze(&alert.expr(), matches!(alert.kind, AlertKind::Raw(_)))
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
            if let AlertKind::Raw(raw) = &mut alert.kind {
                raw.split = split;
            }
            Some(alert)
        }
        Err(why) => {
            condition_error(cx, a, &alert, &why);
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
                codes::DURATION_OUT_OF_RANGE,
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

/// A condition that does not parse: point at the fragment that does not, or else say that
/// the composition is at fault.
fn condition_error(cx: &mut Cx, a: &RawAlert, alert: &Alert, why: &str) {
    let mut found = false;
    // A built alert's selectors are all shaped as selectors: every PromQL key is parsed.
    for k in a.kind_keys() {
        if let Some(s) = k.promql
            && !cx.check_expr(s, &format!("`{}`", k.key))
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
    let mut ok = kind_keys(cx, &table_span, a);
    let severity = severity(cx, a);
    ok &= severity.is_some();
    let for_ = for_(cx, a, jobs, prom)?;
    let dimension = dimension(cx, a, dims);
    ok &= dimension.is_ok();
    let labels = labels(cx, a);
    let annotations = extra_annotations(cx, &a.annotations, true);
    let keep_firing_for = keep_firing_for(cx, a);
    let unit = a.unit.as_ref().and_then(|u| unit_of(cx, u));
    let known = kinds::keys(kind).is_some();
    // A kind that takes no threshold has `above` reported as a key it does not take.
    let compares = kinds::expect(kind, unit).is_some();
    let threshold = match (&a.above, &a.below) {
        _ if !compares => None,
        (Some(t), _) => threshold(cx, t, kind, unit).map(|q| (Cmp::Above, q)),
        (None, Some(t)) => threshold(cx, t, kind, unit).map(|q| (Cmp::Below, q)),
        _ => None,
    };
    if compares && (a.above.is_some() || a.below.is_some()) && threshold.is_none() {
        ok = false;
    }
    let window = windows(cx, a, jobs, prom);
    if !known {
        return None;
    }
    let env = kinds::Env { jobs, window, unit };
    let built = kinds::build(kind, cx, a, &env);
    if let Some(k) = &built {
        source_check(cx, a, k, jobs);
    }
    let kind = built?;
    if !ok {
        return None;
    }
    let alert = Alert {
        name,
        dimension: dimension.ok()?,
        severity: severity?,
        for_,
        summary: a.summary.as_ref()?.get_ref().clone(),
        description: a.description.as_ref().map(|d| d.get_ref().clone()),
        runbook: a.runbook.as_ref().map(|r| r.get_ref().clone()),
        annotations,
        keep_firing_for,
        labels,
        kind,
        threshold,
        threshold_text: threshold_text(a),
        tier: None,
        tests: user_tests(cx, a),
        slo: None,
        generated: false,
        service: None,
    };
    if alert.threshold_value().is_none() && !no_threshold_placeholder(cx, a) {
        return None;
    }
    // Any error in this alert above: its condition is not worth composing.
    if cx.diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(alert)
}

/// The kind is known, and takes the keys present, and has the keys it needs: `false` (with
/// errors reported) otherwise.
fn kind_keys(cx: &mut Cx, table_span: &std::ops::Range<usize>, a: &RawAlert) -> bool {
    let kind = a.kind.get_ref().as_str();
    let Some(keys) = kinds::keys(kind) else {
        let mut d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown alert kind `{kind}`"))
            .at(a.kind.span(), "not an alert kind");
        d = match closest(kind, kinds::NAMES.iter().copied()) {
            Some(c) => d.help(format!("did you mean `{c}`?")),
            None => d.help(format!(
                "kinds: {}",
                backticked(
                    &kinds::NAMES
                        .iter()
                        .map(|k| k.to_string())
                        .collect::<Vec<_>>()
                )
            )),
        };
        cx.push(d);
        return false;
    };
    let mut ok = true;
    let present = present(a);
    for (key, span) in &present {
        if !keys.iter().any(|(k, _)| k == key) {
            ok = false;
            cx.push(
                Diagnostic::error(
                    codes::KEY_NOT_FOR_KIND,
                    format!("`{key}` is not used by alert kind `{kind}`"),
                )
                .at(span.clone(), "remove this key or change the kind"),
            );
        }
    }
    let has = |k: &str| present.iter().any(|(p, _)| *p == k);
    let mut need = |cx: &mut Cx, v: bool, key: &str| {
        if v {
            return;
        }
        ok = false;
        if key.split("` or `").any(|k| cx.was_removed(table_span, k)) {
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
    };
    for (key, _) in keys.iter().filter(|(_, required)| *required) {
        need(cx, has(key), key);
    }
    if keys.iter().any(|(k, _)| *k == "above") {
        need(cx, has("above") || has("below"), "above` or `below");
    }
    if let (Some(_), Some(b)) = (&a.above, &a.below) {
        ok = false;
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "an alert takes `above` or `below`, not both",
            b.span(),
            "second threshold here",
        );
    }
    ok
}

fn severity(cx: &mut Cx, a: &RawAlert) -> Option<Severity> {
    cx.severity(a.severity.as_ref()?)
}

/// `keep_firing_for`: positive, and in the targeted Prometheus (2.42 on).
fn keep_firing_for(cx: &mut Cx, a: &RawAlert) -> Option<Duration> {
    let k = a.keep_firing_for.as_ref()?;
    let d = cx.positive_duration(Some(k), Duration(0));
    cx.needs_version(k.span(), "keep_firing_for", (2, 42));
    (d.millis() > 0).then_some(d)
}

/// `[[alert.test]]`: hand-written cases of a `raw` alert. Series are checked as promtool
/// reads them: a metric name with `=` matchers, values in its expanding notation.
fn user_tests(cx: &mut Cx, a: &RawAlert) -> Vec<crate::model::UserTest> {
    let mut out = Vec::new();
    for t in &a.tests {
        let t = t.get_ref();
        let mut input = Vec::new();
        for i in &t.input {
            let i = i.get_ref();
            let series_ok =
                crate::promql::selector::Selector::parse(i.series.get_ref()).is_ok_and(|s| {
                    s.matchers
                        .iter()
                        .all(|m| m.op == crate::promql::selector::MatchOp::Eq)
                });
            if !series_ok {
                cx.error(
                    codes::BAD_PROMQL,
                    format!("`{}` is not a test series", i.series.get_ref()),
                    i.series.span(),
                    "expected `metric{label=\"value\", ...}` with `=` matchers only",
                );
            }
            if let Err(why) = crate::series::check_values(i.values.get_ref()) {
                cx.error(
                    codes::BAD_PROMQL,
                    format!(
                        "`{}` are not promtool series values: {why}",
                        i.values.get_ref()
                    ),
                    i.values.span(),
                    "expected promtool's notation, such as `0+10x20` or `1 2 _ stale`",
                );
            }
            input.push((i.series.get_ref().clone(), i.values.get_ref().clone()));
        }
        let Some(at) = cx.duration_of(&t.at) else {
            continue;
        };
        let str_map = |m: &BTreeMap<S<String>, S<String>>| -> BTreeMap<String, String> {
            m.iter()
                .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
                .collect()
        };
        let alerts = t
            .alerts
            .iter()
            .map(|e| {
                let e = e.get_ref();
                crate::model::UserExpected {
                    labels: str_map(&e.labels),
                    value: e.value.as_ref().map(|v| *v.get_ref()),
                    annotations: str_map(&e.annotations),
                }
            })
            .collect();
        out.push(crate::model::UserTest {
            name: t.name.as_ref().map(|n| n.get_ref().clone()),
            input,
            at,
            alerts,
        });
    }
    out
}

/// The scrape interval of the alerted job where the kind names one, else the global one.
fn interval(a: &RawAlert, jobs: &JobIndex, prom: &Prometheus) -> Duration {
    a.job
        .as_ref()
        .and_then(|j| jobs.get(j.get_ref()))
        .and_then(|j| j.interval)
        .unwrap_or(prom.scrape_interval)
}

/// `for`: at most a week, and a warning when shorter than the scrape interval. Checking goes
/// on past a bad one (`Some` of the default) so that every problem is reported.
fn for_(cx: &mut Cx, a: &RawAlert, jobs: &JobIndex, prom: &Prometheus) -> Option<Duration> {
    let for_ = cx.duration(a.for_.as_ref(), Duration::from_secs(0));
    if let Some(f) = &a.for_
        && for_ > MAX_FOR
    {
        cx.push(
            Diagnostic::error(codes::DURATION_OUT_OF_RANGE, format!("`for = \"{}\"` is longer than {MAX_FOR}", f.get_ref()))
                .at(f.span(), "an alert pending this long is not an alert")
                .help("alert on the condition's trend instead (an `increase` over a long period, or an SLO)"),
        );
    }
    let interval = interval(a, jobs, prom);
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
    Some(for_)
}

/// The dimension, `Err` when it names none declared.
fn dimension(cx: &mut Cx, a: &RawAlert, dims: &[Dimension]) -> Result<Option<String>, ()> {
    let Some(d) = &a.dimension else {
        return Ok(None);
    };
    if !dims.iter().any(|x| &x.name == d.get_ref()) {
        cx.unknown_ref(
            codes::UNKNOWN_DIMENSION,
            "dimension",
            d,
            dims.iter().map(|x| x.name.clone()),
        );
        return Err(());
    }
    Ok(Some(d.get_ref().clone()))
}

/// Labels a rule carries, but those ccmon sets itself (`reserved`), with values Prometheus
/// writes as they are.
pub(super) fn rule_labels(cx: &mut Cx, m: &RawMap, reserved: &[&str], whose: &str) -> Map {
    let labels = cx.labels(m);
    for v in m.values().filter(|v| !v.get_ref().is_empty()) {
        cx.token(v, "label value", crate::escape::prometheus::label_value);
    }
    for k in m
        .keys()
        .filter(|k| reserved.contains(&k.get_ref().as_str()))
    {
        cx.error(
            codes::BAD_LABEL_NAME,
            format!(
                "label `{}` is set by ccmon from the {whose} itself",
                k.get_ref()
            ),
            k.span(),
            "reserved label",
        );
    }
    labels
}

/// Annotations beside those ccmon writes from their own keys: label names, Go templates (with
/// ccmon's placeholders where `placeholders` holds).
pub(super) fn extra_annotations(cx: &mut Cx, m: &RawMap, placeholders: bool) -> Map {
    let mut out = Map::new();
    for (k, v) in m {
        let name = cx.metric_name(k, "annotation name", false);
        if matches!(name.as_str(), "summary" | "description" | "runbook_url") {
            cx.push(
                Diagnostic::error(
                    codes::BAD_LABEL_NAME,
                    format!("annotation `{name}` is written from its own key"),
                )
                .at(k.span(), "reserved annotation")
                .help("use the keys `summary`, `description` and `runbook`"),
            );
        }
        if placeholders {
            template(cx, v);
        } else {
            super::template::report(cx, v, super::template::check, None);
        }
        out.insert(name, v.get_ref().clone());
    }
    out
}

type RawMap = std::collections::BTreeMap<S<String>, S<String>>;
type Map = std::collections::BTreeMap<String, String>;

/// The alert's labels, and the templates of its annotations.
fn labels(cx: &mut Cx, a: &RawAlert) -> Map {
    let labels = rule_labels(
        cx,
        &a.labels,
        &["severity", "alertname", "dimension"],
        "alert",
    );
    for t in [a.summary.as_ref(), a.description.as_ref()]
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
    labels
}

/// `window` (or its default of 5 minutes), with `window` and `over` held to the range windows
/// Prometheus can use.
fn windows(cx: &mut Cx, a: &RawAlert, jobs: &JobIndex, prom: &Prometheus) -> Duration {
    let window = cx.positive_duration(a.window.as_ref(), Duration::from_secs(300));
    let interval = interval(a, jobs, prom);
    for (key, w) in [("window", &a.window), ("over", &a.over)] {
        if let Some(w) = w {
            let d = cx.duration(Some(w), window);
            range_window(cx, w, key, d, interval);
        }
    }
    window
}

/// The threshold as the user wrote it, for `{threshold}`.
fn threshold_text(a: &RawAlert) -> Option<String> {
    a.above
        .as_ref()
        .or(a.below.as_ref())
        .map(|t| match t.get_ref() {
            NumOrStr::Str(s) => s.trim().to_string(),
            NumOrStr::Int(i) => i.to_string(),
            NumOrStr::Float(f) => crate::quantity::fmt_num(*f),
        })
}

/// `{threshold}` in an alert without one: `false` with an error.
fn no_threshold_placeholder(cx: &mut Cx, a: &RawAlert) -> bool {
    let mut ok = true;
    for t in [a.summary.as_ref(), a.description.as_ref()]
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
    ok
}

/// A unit name (or its Grafana id); unknown ones are reported.
pub fn unit_of(cx: &mut Cx, u: &S<String>) -> Option<Unit> {
    let v = u.get_ref();
    if let Some(unit) = Unit::parse(v) {
        return Some(unit);
    }
    let names: Vec<String> = Unit::ALL.iter().map(|u| u.name().to_string()).collect();
    let mut d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown unit `{v}`"))
        .at(u.span(), "not a unit ccmon knows");
    d = match closest(v, Unit::ALL.iter().map(|u| u.name())) {
        Some(c) => d.help(format!("did you mean `{c}`?")),
        None => d.help(format!("units: {}", backticked(&names))),
    };
    cx.push(d);
    None
}

/// The threshold in what its kind compares (see [`kinds::Kind::expect`]): ratios for
/// ratios, seconds for latency, rates for `rate`, plain numbers for gauges and increases.
fn threshold(cx: &mut Cx, t: &S<NumOrStr>, kind: &str, unit: Option<Unit>) -> Option<Quantity> {
    let expect = kinds::expect(kind, unit)?;
    let q = match t.get_ref() {
        NumOrStr::Int(i) => Ok(Quantity::Number(*i as f64)),
        NumOrStr::Float(f) => Ok(Quantity::Number(*f)),
        NumOrStr::Str(s) => Quantity::parse(s),
    };
    let q = match q {
        Ok(q) => q,
        Err(why) => {
            // A word after a number is a unit: name the units of this kind, not durations'.
            let text = match t.get_ref() {
                NumOrStr::Str(s) => s.trim(),
                _ => "",
            };
            let word = text.trim_start_matches(|c: char| {
                c.is_ascii_digit() || c == '.' || c == ',' || c == ' '
            });
            let durations = expect.readings.contains(&Reading::Seconds);
            let why = if !word.is_empty() && !durations && !text.contains(" per ") {
                let percent =
                    ["percent", "pct", "per cent"].contains(&word.to_lowercase().as_str());
                let reading = |r: &Reading| match r {
                    Reading::Ratio | Reading::AnyRatio => {
                        "a percentage (`5%`) or a fraction (`0.05`)"
                    }
                    Reading::Rate => "a rate (`100 per minute`)",
                    Reading::Bytes => "a size (`500MiB`)",
                    Reading::Number => "a plain number",
                    Reading::Seconds => "a duration (`2s`)",
                };
                let mut what: Vec<&str> = expect.readings.iter().map(reading).collect();
                what.dedup();
                let mut m = format!(
                    "`{word}` is not a unit that `{kind}` compares: it takes {}",
                    what.join(" or ")
                );
                if percent {
                    m.push_str("; write percent as `%`");
                }
                m
            } else {
                why
            };
            cx.push(
                Diagnostic::error(codes::BAD_THRESHOLD, format!("threshold: {why}"))
                    .at(t.span(), "cannot read this threshold")
                    .help(expect.help),
            );
            return None;
        }
    };
    let bounded = expect.readings.contains(&Reading::Ratio);
    // A plain fraction is accepted where a ratio is expected.
    let q = match q {
        Quantity::Number(v) if bounded => Quantity::Ratio {
            value: v,
            percent: false,
        },
        q => q,
    };
    let fits = expect.readings.iter().any(|r| {
        matches!(
            (r, &q),
            (Reading::Ratio | Reading::AnyRatio, Quantity::Ratio { .. })
                | (Reading::Seconds, Quantity::Seconds(_))
                | (Reading::Rate, Quantity::Rate { .. })
                | (Reading::Bytes, Quantity::Bytes(_))
                | (Reading::Number, Quantity::Number(_))
        )
    });
    if !fits {
        cx.push(
            Diagnostic::error(
                codes::BAD_THRESHOLD,
                format!("alert kind `{kind}` cannot compare {}", q.unit_name()),
            )
            .at(t.span(), format!("this is {}", q.unit_name()))
            .help(expect.help),
        );
        return None;
    }
    let bad = match q {
        Quantity::Ratio { value, .. } if bounded => !(value > 0.0 && value <= 1.0),
        Quantity::Ratio { .. } => false,
        Quantity::Seconds(v) | Quantity::Rate { value: v, .. } => v <= 0.0,
        Quantity::Number(_) | Quantity::Bytes(_) => false,
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
    // A value in percent (0 to 100) compares `"90%"` as 90.
    Some(match q {
        Quantity::Ratio { value, .. } if unit == Some(Unit::Percent) => {
            Quantity::Number((value * 100.0 * 1e9).round() / 1e9)
        }
        q => q,
    })
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

/// Warns when the alert reads a metric no declared job exports (where jobs declare exports)
/// or, by its colon, a recorded metric no recording rule records (where there are some).
fn source_check(cx: &mut Cx, a: &RawAlert, kind: &AlertKind, jobs: &JobIndex) {
    let records = !jobs.recorded.is_empty();
    if !jobs.declares_exports() && !records && !jobs.filters_names {
        return;
    }
    let present = present(a);
    for (key, m) in kind.sources() {
        let Some((_, span)) = present.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let (what, help) = if jobs.recorded.contains(m.as_str()) {
            continue;
        } else if jobs.dropped_everywhere(&m) {
            (
                format!("every job drops `{m}` after the scrape"),
                "take it out of the job's `drop_metrics` (or its `metric_relabel` rule), or alert on another metric",
            )
        } else if records && m.contains(':') {
            (
                format!("no recording rule records `{m}`"),
                "add the `[[record]]` that records it, or correct the name",
            )
        } else if jobs.declares_exports() && !jobs.exported(&m) {
            (
                format!("no job is known to export `{m}`"),
                "add the job that exports it, or list the metric in that job's `exports`",
            )
        } else {
            continue;
        };
        cx.push(
            Diagnostic::warning(codes::NO_SOURCE_FOR_METRIC, what)
                .at(span.clone(), "this alert can never fire without it")
                .help(help),
        );
    }
}
