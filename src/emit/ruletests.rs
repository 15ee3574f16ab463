//! Rule tests for `promtool test rules`, written next to the rules: for every alert ccmon
//! generates (SLO alerts included), a case where the condition holds in the alert's own unit
//! and it fires with its labels and annotations, and a case on the other side of the
//! threshold where it stays silent.
//!
//! Input series are derived from the alert's kind: its selectors' matchers are satisfied (a
//! regex by a value it matches), the labels it aggregates by are set, counters grow at the rate
//! the case needs. Expected annotations are the alert's templates evaluated as Prometheus does
//! (`crate::gofmt`). An alert ccmon cannot derive series or annotations for (a `raw` condition,
//! a template beyond `$value`, `$labels.x` and the humanize functions) gets no test, and the
//! file says why in a comment at its top.

use std::collections::BTreeMap;

use promql_parser::parser::Expr;
use serde::Serialize;

use crate::gofmt;
use crate::model::{Alert, AlertKind, Cmp, Model, Sli, Slo, SloTier};
use crate::promql::quote;
use crate::quantity::{Duration, Quantity, fmt_num};

pub fn path(project: &str) -> String {
    format!("prometheus/tests/{project}.rules.test.yml")
}

/// SLO tests run days of series: they have their own file, evaluated every 5 minutes.
pub fn slo_path(project: &str) -> String {
    format!("prometheus/tests/{project}.slo.test.yml")
}

#[derive(Serialize)]
struct TestGroup {
    name: String,
    interval: &'static str,
    input_series: Vec<InputSeries>,
    alert_rule_test: Vec<AlertTest>,
}

#[derive(Serialize)]
struct InputSeries {
    series: String,
    values: String,
}

#[derive(Serialize)]
struct AlertTest {
    eval_time: String,
    alertname: String,
    exp_alerts: Vec<ExpAlert>,
}

#[derive(Serialize)]
struct ExpAlert {
    exp_labels: BTreeMap<String, String>,
    exp_annotations: BTreeMap<String, String>,
}

/// The label every synthetic series carries where nothing else is required.
const TEST_VALUE: &str = "ccmon-test";

type Labels = BTreeMap<String, String>;

/// A matcher's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Re,
    NotRe,
}

/// A selector's metric name and matchers.
struct Sel {
    name: String,
    matchers: Vec<(String, Op, String)>,
}

/// Parses `name{label op "value", ...}`: the selectors `check` already validated. A small
/// parser of its own, because the PromQL parser compiles every regex it meets, and the rule
/// tests of a large config meet thousands.
fn parse_sel(s: &str) -> Option<Sel> {
    let s = s.trim();
    let name_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let mut name = s[..name_end].to_string();
    let rest = s[name_end..].trim();
    let mut matchers = Vec::new();
    if !rest.is_empty() {
        let inner = rest.strip_prefix('{')?.strip_suffix('}')?;
        let mut chars = inner.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
                chars.next();
            }
            if chars.peek().is_none() {
                break;
            }
            let mut label = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    label.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let op = match (chars.next()?, chars.peek().copied()) {
                ('=', Some('~')) => {
                    chars.next();
                    Op::Re
                }
                ('!', Some('~')) => {
                    chars.next();
                    Op::NotRe
                }
                ('!', Some('=')) => {
                    chars.next();
                    Op::Ne
                }
                ('=', _) => Op::Eq,
                _ => return None,
            };
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let quote = chars.next()?;
            if !matches!(quote, '"' | '\'' | '`') {
                return None;
            }
            let mut value = String::new();
            loop {
                match chars.next()? {
                    '\\' if quote != '`' => match chars.next()? {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        c => value.push(c),
                    },
                    c if c == quote => break,
                    c => value.push(c),
                }
            }
            if label.is_empty() {
                return None;
            }
            if label == "__name__" && op == Op::Eq {
                name = value;
            } else {
                matchers.push((label, op, value));
            }
        }
    }
    (!name.is_empty()).then_some(Sel { name, matchers })
}

thread_local! {
    /// Compiled anchored regexes: a large config repeats the same few (`5..`) thousands of times.
    static REGEXES: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn full_match(re: &str, v: &str) -> bool {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache
            .entry(re.to_string())
            .or_insert_with(|| regex::Regex::new(&format!("^(?:{re})$")).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(v))
    })
}

fn matches(op: &Op, value: &str, v: &str) -> bool {
    match op {
        Op::Eq => v == value,
        Op::Ne => v != value,
        Op::Re => full_match(value, v),
        Op::NotRe => !full_match(value, v),
    }
}

/// A value that satisfies a matcher, if one of a few natural candidates does.
fn satisfying(op: &Op, value: &str) -> Option<String> {
    match op {
        Op::Eq => return Some(value.to_string()),
        Op::Ne if value != TEST_VALUE => return Some(TEST_VALUE.to_string()),
        _ => {}
    }
    let candidates = [
        value.to_string(),
        value.replace(".*", "").replace(".+", "x").replace('.', "0"),
        value.split('|').next().unwrap_or("").to_string(),
        TEST_VALUE.to_string(),
        "500".into(),
        "0".into(),
    ];
    candidates
        .into_iter()
        .find(|c| !c.is_empty() && matches(op, value, c))
}

/// A value that fails a matcher (to make a series the error selector does not count).
fn failing(op: &Op, value: &str) -> Option<String> {
    ["ok", "200", TEST_VALUE, "0", "x"]
        .into_iter()
        .map(str::to_string)
        .find(|c| !matches(op, value, c))
}

fn labels_for(sel: &Sel) -> Option<Labels> {
    let mut l = Labels::new();
    for (name, op, value) in &sel.matchers {
        let v = satisfying(op, value)?;
        if let Some(prev) = l.get(name) {
            if !matches(op, value, prev) {
                return None;
            }
            continue;
        }
        l.insert(name.clone(), v);
    }
    if l.values().any(|v| v.is_empty()) {
        return None;
    }
    Some(l)
}

fn series(name: &str, labels: &Labels) -> String {
    let mut out = String::with_capacity(name.len() + 16 * labels.len() + 2);
    out.push_str(name);
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push('=');
        out.push_str(&quote(v));
    }
    out.push('}');
    out
}

/// A counter growing by `per_minute` each minute, for `n` minutes.
fn counter(per_minute: f64, n: u64) -> String {
    format!("0+{per_minute}x{n}")
}

fn gauge(v: f64, n: u64) -> String {
    format!("{v}x{n}")
}

/// Values on each side of a threshold: (firing, silent).
fn sides(t: f64, cmp: Cmp, bounded: bool) -> (f64, f64) {
    let up = if bounded && t > 0.5 {
        (1.0 + t) / 2.0
    } else if t > 0.0 {
        2.0 * t
    } else {
        t + 1.0
    };
    let down = if t > 0.0 { t / 2.0 } else { t - 1.0 };
    match cmp {
        Cmp::Above => (up, down),
        Cmp::Below => (down, up),
    }
}

/// Evaluates the templates Prometheus would, for the subset ccmon writes and users commonly
/// add; `None` when a template goes beyond it.
fn eval_template(text: &str, value: f64, labels: &Labels) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find("}}")?;
        let action = after[..end].trim();
        if action.starts_with('-') || action.ends_with('-') {
            return None;
        }
        let words: Vec<&str> = action.split_whitespace().collect();
        let printf = |fmt: &str| -> Option<String> {
            let digits = fmt.strip_prefix("\"%.")?.strip_suffix("f\"")?;
            let n: usize = digits.parse().ok()?;
            Some(format!("{value:.n$}"))
        };
        let s = match words.as_slice() {
            ["$value"] => gofmt::plain(value),
            ["$value", "|", "humanize"] => gofmt::humanize(value),
            ["$value", "|", "humanize1024"] => gofmt::humanize1024(value),
            ["$value", "|", "humanizeDuration"] => gofmt::humanize_duration(value),
            ["$value", "|", "humanizePercentage"] => gofmt::humanize_percentage(value),
            ["$value", "|", "printf", f] | ["printf", f, "$value"] => printf(f)?,
            [l] if l.starts_with("$labels.") => labels
                .get(&l["$labels.".len()..])
                .cloned()
                .unwrap_or_else(|| "<no value>".into()),
            _ => return None,
        };
        out.push_str(&s);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

fn expected(
    annotations: &BTreeMap<&'static str, String>,
    value: f64,
    labels: &Labels,
) -> Option<BTreeMap<String, String>> {
    annotations
        .iter()
        .map(|(k, t)| Some((k.to_string(), eval_template(t, value, labels)?)))
        .collect()
}

/// Minutes, rounded up, for a duration plus a margin.
fn minutes(d: Duration) -> u64 {
    d.millis().div_ceil(60_000)
}

/// The firing and silent cases of one alert, or why there are none.
struct Case {
    series: Vec<InputSeries>,
    /// Labels of the alert's series (before the rule's own labels).
    labels: Labels,
    value: f64,
}

fn case_groups(
    alertname: &str,
    static_labels: &Labels,
    annotations: &BTreeMap<&'static str, String>,
    eval: Duration,
    fire: Case,
    silent: Case,
    what: (&str, &str),
) -> Result<Vec<TestGroup>, String> {
    let mut labels = fire.labels;
    for (k, v) in static_labels {
        labels.insert(k.clone(), v.clone());
    }
    labels.remove("__name__");
    let exp_annotations = expected(annotations, fire.value, &labels)
        .ok_or_else(|| "its annotations use templates ccmon does not evaluate".to_string())?;
    labels.remove("alertname");
    let eval_time = eval.to_string();
    Ok(vec![
        TestGroup {
            name: format!("{alertname} fires: {}", what.0),
            interval: "1m",
            input_series: fire.series,
            alert_rule_test: vec![AlertTest {
                eval_time: eval_time.clone(),
                alertname: alertname.to_string(),
                exp_alerts: vec![ExpAlert {
                    exp_labels: labels,
                    exp_annotations,
                }],
            }],
        },
        TestGroup {
            name: format!("{alertname} stays silent: {}", what.1),
            interval: "1m",
            input_series: silent.series,
            alert_rule_test: vec![AlertTest {
                eval_time,
                alertname: alertname.to_string(),
                exp_alerts: Vec::new(),
            }],
        },
    ])
}

/// Labels of the synthetic series for an aggregation `by (..)`: the selector's own, plus a
/// test value for every grouping label it does not set.
fn with_by(mut l: Labels, by: &[String]) -> Labels {
    for b in by {
        l.entry(b.clone()).or_insert_with(|| TEST_VALUE.into());
    }
    l
}

fn only(l: &Labels, keys: &[String]) -> Labels {
    l.iter()
        .filter(|(k, _)| keys.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Error and "ok" series making `errors / total` equal `r`, at `per_min` events a minute.
fn ratio_series(
    errors: &str,
    total: &str,
    by: &[String],
    r: f64,
    per_min: f64,
    n: u64,
) -> Option<(Vec<InputSeries>, Labels)> {
    let (e, t) = (parse_sel(errors)?, parse_sel(total)?);
    let err_labels = with_by(labels_for(&e)?, by);
    let bad = (r * per_min * 1e6).round() / 1e6;
    let mut out = Vec::new();
    if e.name == t.name {
        // The error series is one of the total's series; the rest must fail the error selector.
        let (label, op, value) = e.matchers.iter().find(|m| !t.matchers.contains(m))?;
        let mut ok_labels = err_labels.clone();
        let v = failing(op, value)?;
        if let Some((_, top, tval)) = t.matchers.iter().find(|(n, _, _)| n == label)
            && !matches(top, tval, &v)
        {
            return None;
        }
        ok_labels.insert(label.clone(), v);
        out.push(InputSeries {
            series: series(&e.name, &err_labels),
            values: counter(bad, n),
        });
        out.push(InputSeries {
            series: series(&t.name, &ok_labels),
            values: counter(per_min - bad, n),
        });
    } else {
        let mut total_labels = labels_for(&t)?;
        for b in by {
            total_labels.insert(b.clone(), err_labels.get(b)?.clone());
        }
        out.push(InputSeries {
            series: series(&e.name, &err_labels),
            values: counter(bad, n),
        });
        out.push(InputSeries {
            series: series(&t.name, &total_labels),
            values: counter(per_min, n),
        });
    }
    Some((out, err_labels))
}

fn alert_tests(a: &Alert) -> Result<Vec<TestGroup>, String> {
    let static_labels = a.static_labels();
    let annotations = super::rules::annotations(a);
    let threshold = a.threshold_value();
    let cmp = a.threshold.as_ref().map_or(Cmp::Above, |(c, _)| *c);
    let margin = Duration::from_secs(5 * 60);
    let no = |why: &str| Err(why.to_string());
    match &a.kind {
        AlertKind::TargetDown { job } => {
            let eval = Duration(a.for_.millis() + margin.millis());
            let n = minutes(eval) + 5;
            let labels = Labels::from([
                ("job".to_string(), job.clone()),
                ("instance".to_string(), format!("{TEST_VALUE}:9")),
            ]);
            let s = series("up", &labels);
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                Case {
                    series: vec![InputSeries {
                        series: s.clone(),
                        values: gauge(0.0, n),
                    }],
                    labels: labels.clone(),
                    value: 0.0,
                },
                Case {
                    series: vec![InputSeries {
                        series: s,
                        values: gauge(1.0, n),
                    }],
                    labels,
                    value: 1.0,
                },
                ("the target is down", "the target is up"),
            )
        }
        AlertKind::ErrorRatio {
            errors,
            total,
            by,
            window,
        } => {
            let t = threshold.ok_or("no threshold")?;
            let (f, s) = sides(t, cmp, true);
            if !(0.0..=1.0).contains(&f) || !(0.0..=1.0).contains(&s) {
                return no("its threshold leaves no ratio on one side");
            }
            let eval = Duration(a.for_.millis() + window.millis() + margin.millis());
            let n = minutes(eval) + 5;
            let fire = ratio_series(errors, total, by, f, 1000.0, n)
                .ok_or("ccmon cannot derive series for its selectors")?;
            let silent = ratio_series(errors, total, by, s, 1000.0, n)
                .ok_or("ccmon cannot derive series for its selectors")?;
            let value = |r: f64| (r * 1000.0).round() / 1000.0;
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                Case {
                    series: fire.0,
                    labels: only(&fire.1, by),
                    value: value(f),
                },
                Case {
                    series: silent.0,
                    labels: only(&silent.1, by),
                    value: value(s),
                },
                (
                    &format!("error ratio {}", gofmt::humanize_percentage(value(f))),
                    &format!("error ratio {}", gofmt::humanize_percentage(value(s))),
                ),
            )
        }
        AlertKind::LatencyQuantile {
            histogram,
            quantile,
            by,
            window,
        } => {
            let t = threshold.ok_or("no threshold")?;
            if t <= 0.0 {
                return no("its threshold is not positive");
            }
            let eval = Duration(a.for_.millis() + window.millis() + margin.millis());
            let n = minutes(eval) + 5;
            let base = with_by(Labels::new(), by);
            let bucket = |le: &str| {
                let mut l = base.clone();
                l.insert("le".into(), le.into());
                series(&format!("{histogram}_bucket"), &l)
            };
            // Every request in one bucket: the quantile interpolates inside it.
            let above_case = Case {
                series: vec![
                    InputSeries {
                        series: bucket(&fmt_num(t)),
                        values: counter(0.0, n),
                    },
                    InputSeries {
                        series: bucket(&fmt_num(2.0 * t)),
                        values: counter(100.0, n),
                    },
                    InputSeries {
                        series: bucket("+Inf"),
                        values: counter(100.0, n),
                    },
                ],
                labels: only(&base, by),
                value: t + t * quantile,
            };
            let below_case = Case {
                series: vec![
                    InputSeries {
                        series: bucket(&fmt_num(t / 2.0)),
                        values: counter(100.0, n),
                    },
                    InputSeries {
                        series: bucket("+Inf"),
                        values: counter(100.0, n),
                    },
                ],
                labels: only(&base, by),
                value: t / 2.0 * quantile,
            };
            let (fire, silent) = match cmp {
                Cmp::Above => (above_case, below_case),
                Cmp::Below => (below_case, above_case),
            };
            let (fv, sv) = (fire.value, silent.value);
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                fire,
                silent,
                (
                    &format!("quantile {}", gofmt::humanize_duration(fv)),
                    &format!("quantile {}", gofmt::humanize_duration(sv)),
                ),
            )
        }
        AlertKind::Rate { metric, by, window }
        | AlertKind::Increase {
            metric,
            by,
            over: window,
        } => {
            let t = threshold.ok_or("no threshold")?;
            let (f, s) = sides(t, cmp, false);
            if f < 0.0 || s < 0.0 {
                return no("a counter cannot grow at a negative rate");
            }
            let per_case_minutes = match (&a.kind, &a.threshold) {
                (AlertKind::Rate { .. }, Some((_, Quantity::Rate { per, .. }))) => {
                    per.secs_f64() / 60.0
                }
                (AlertKind::Rate { .. }, _) => 1.0 / 60.0,
                _ => window.secs_f64() / 60.0,
            };
            let sel = parse_sel(metric).ok_or("ccmon cannot derive series for its selector")?;
            let labels = with_by(
                labels_for(&sel).ok_or("ccmon cannot derive series for its selector")?,
                by,
            );
            let eval = Duration(a.for_.millis() + window.millis() + margin.millis());
            let n = minutes(eval) + 5;
            let case = |v: f64| Case {
                series: vec![InputSeries {
                    series: series(&sel.name, &labels),
                    values: counter(v / per_case_minutes, n),
                }],
                labels: only(&labels, by),
                value: v,
            };
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                case(f),
                case(s),
                (&gofmt::humanize(f), &gofmt::humanize(s)),
            )
        }
        AlertKind::Gauge { expr, .. } => {
            let t = threshold.ok_or("no threshold")?;
            let (f, s) = sides(t, cmp, false);
            let sel = parse_sel(expr).ok_or("its expression is not a plain selector")?;
            let mut labels =
                labels_for(&sel).ok_or("ccmon cannot derive series for its selector")?;
            labels
                .entry("instance".into())
                .or_insert_with(|| format!("{TEST_VALUE}:9"));
            let eval = Duration(a.for_.millis() + margin.millis());
            let n = minutes(eval) + 5;
            let case = |v: f64| Case {
                series: vec![InputSeries {
                    series: series(&sel.name, &labels),
                    values: gauge(v, n),
                }],
                labels: labels.clone(),
                value: v,
            };
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                case(f),
                case(s),
                (&fmt_num(f), &fmt_num(s)),
            )
        }
        AlertKind::Saturation {
            used,
            capacity,
            on,
            rate_window,
        } => {
            let t = threshold.ok_or("no threshold")?;
            let (f, s) = sides(t, cmp, true);
            let u = parse_sel(used).ok_or("`used` is not a plain selector")?;
            let mut ul = with_by(
                labels_for(&u).ok_or("ccmon cannot derive series for `used`")?,
                on,
            );
            ul.entry("instance".into())
                .or_insert_with(|| format!("{TEST_VALUE}:9"));
            // Capacity: a selector (1000 units), or `count by (on) (selector)` (4 series).
            let (cap_series, cap): (Vec<(String, Labels)>, f64) = if let Some(c) =
                parse_sel(capacity)
            {
                let mut cl = labels_for(&c).ok_or("ccmon cannot derive series for `capacity`")?;
                for l in on {
                    cl.insert(l.clone(), ul.get(l).cloned().unwrap_or_default());
                }
                (vec![(c.name, cl)], 1000.0)
            } else {
                let Ok(Expr::Aggregate(agg)) = promql_parser::parser::parse(capacity) else {
                    return no("`capacity` is neither a selector nor `count by (..) (selector)`");
                };
                let Expr::VectorSelector(_) = *agg.expr else {
                    return no("`capacity` is neither a selector nor `count by (..) (selector)`");
                };
                if agg.op.to_string() != "count" {
                    return no("`capacity` is neither a selector nor `count by (..) (selector)`");
                }
                let c = parse_sel(&agg.expr.to_string()).ok_or("ccmon cannot read `capacity`")?;
                let base = labels_for(&c).ok_or("ccmon cannot derive series for `capacity`")?;
                let mut v = Vec::new();
                for i in 0..4 {
                    let mut cl = base.clone();
                    for l in on {
                        cl.insert(l.clone(), ul.get(l).cloned().unwrap_or_default());
                    }
                    cl.insert("ccmon_series".into(), i.to_string());
                    v.push((c.name.clone(), cl));
                }
                (v, 4.0)
            };
            let eval =
                Duration(a.for_.millis() + rate_window.map_or(0, |w| w.millis()) + margin.millis());
            let n = minutes(eval) + 5;
            let case = |r: f64| {
                let mut series_list = vec![InputSeries {
                    series: series(&u.name, &ul),
                    values: match rate_window {
                        Some(_) => counter(r * cap * 60.0, n),
                        None => gauge(r * cap, n),
                    },
                }];
                for (name, l) in &cap_series {
                    let per = if cap_series.len() > 1 { 1.0 } else { cap };
                    series_list.push(InputSeries {
                        series: series(name, l),
                        values: gauge(per, n),
                    });
                }
                Case {
                    series: series_list,
                    labels: ul.clone(),
                    value: r,
                }
            };
            case_groups(
                &a.name,
                &static_labels,
                &annotations,
                eval,
                case(f),
                case(s),
                (
                    &gofmt::humanize_percentage(f),
                    &gofmt::humanize_percentage(s),
                ),
            )
        }
        AlertKind::Raw { .. } => no("its condition is raw PromQL: write its test by hand"),
    }
}

/// A counter sampled every `step` minutes that grows by `a` a minute for `p` steps, then by
/// `b` a minute for `q` steps, without a reset at the change.
fn two_phase(a: f64, p: u64, b: f64, q: u64, step: u64) -> String {
    let (a, b) = (a * step as f64, b * step as f64);
    if q == 0 {
        return format!("0+{a}x{p}");
    }
    let start = a * p as f64 + b;
    if q == 1 {
        return format!("0+{a}x{p} {start}");
    }
    format!("0+{a}x{p} {start}+{b}x{}", q - 1)
}

/// A traffic scenario for an SLO: `pre` of clean traffic, then `burst` with error ratio `r`,
/// `per_min` events a minute throughout, sampled every `step` minutes.
struct Scenario {
    pre: Duration,
    burst: Duration,
    r: f64,
    per_min: f64,
    step: u64,
}

fn slo_series(slo: &Slo, sc: &Scenario) -> Option<Vec<InputSeries>> {
    let p = minutes(sc.pre) / sc.step;
    let q = minutes(sc.burst) / sc.step + 2;
    let t = sc.per_min;
    let bad = sc.r * t;
    let counter2 = |before: f64, during: f64| two_phase(before, p, during, q, sc.step);
    match &slo.sli {
        // A counted subset (errors, or good events) beside the total: when both are one
        // metric, the rest of the total is a series the subset's selector does not match.
        Sli::Errors {
            errors: part,
            total,
        }
        | Sli::Good { good: part, total } => {
            let (sub, tt) = (parse_sel(part)?, parse_sel(total)?);
            let sub_labels = labels_for(&sub)?;
            let (before, during) = match slo.sli {
                Sli::Errors { .. } => (0.0, bad),
                _ => (t, t - bad),
            };
            let rest = if sub.name == tt.name {
                let (label, op, value) = sub.matchers.iter().find(|m| !tt.matchers.contains(m))?;
                let mut l = sub_labels.clone();
                l.insert(label.clone(), failing(op, value)?);
                InputSeries {
                    series: series(&tt.name, &l),
                    values: counter2(t - before, t - during),
                }
            } else {
                InputSeries {
                    series: series(&tt.name, &labels_for(&tt)?),
                    values: counter2(t, t),
                }
            };
            Some(vec![
                InputSeries {
                    series: series(&sub.name, &sub_labels),
                    values: counter2(before, during),
                },
                rest,
            ])
        }
        Sli::Latency {
            histogram,
            threshold,
        } => {
            let sel = parse_sel(histogram)?;
            let base = labels_for(&sel)?;
            let mut good = base.clone();
            good.insert("le".into(), fmt_num(*threshold));
            let mut inf = base.clone();
            inf.insert("le".into(), "+Inf".into());
            Some(vec![
                InputSeries {
                    series: series(&format!("{}_bucket", sel.name), &good),
                    values: counter2(t, t - bad),
                },
                InputSeries {
                    series: series(&format!("{}_bucket", sel.name), &inf),
                    values: counter2(t, t),
                },
                InputSeries {
                    series: series(&format!("{}_count", sel.name), &base),
                    values: counter2(t, t),
                },
            ])
        }
    }
}

/// For each window pair of a tier: a burst just over its factor, long enough for its long
/// window and `for`, after clean traffic that keeps the other pairs quiet, must fire; the
/// same burst just under the factor must not. A tier's first pair of the ticket kind cannot
/// be isolated (a day over 3x is always 3 days over 1x): its case fires through both.
/// Finally, a steady burn well under every factor (1x the budget for a page) stays silent.
fn slo_tests(slo: &Slo, tier: &SloTier) -> Result<Vec<TestGroup>, String> {
    let budget = slo.budget();
    let per_min = slo
        .min_traffic
        .map_or(1000.0, |m| (m * 60.0 * 10.0).max(1000.0));
    let step = if tier
        .windows
        .iter()
        .all(|w| w.short >= Duration::from_secs(1800))
    {
        5
    } else {
        1
    };
    let (labels, annotations) = super::rules::slo_alert_meta(slo, tier);
    let mut static_labels = labels;
    static_labels.insert("alertname".into(), tier.alert.clone());
    let longest = tier
        .windows
        .iter()
        .map(|w| w.long)
        .max()
        .ok_or("no windows")?;
    let margin = Duration::from_secs(5 * 60);
    let mut groups = Vec::new();
    for (i, w) in tier.windows.iter().enumerate() {
        let hi = (w.factor * 1.05 * budget * 1e9).round() / 1e9;
        let lo = (w.factor * 0.95 * budget * 1e9).round() / 1e9;
        if hi >= 1.0 {
            // This window pair cannot fire (check warns about it): nothing to test.
            continue;
        }
        let burst = Duration(w.long.millis() + tier.for_.millis() + margin.millis());
        // Clean traffic first, so that the longest window sees the burst diluted.
        let pre = Duration(longest.millis().saturating_sub(w.long.millis()));
        let isolated = !(tier.tier == "ticket" && i == 0);
        let fire_pre = if isolated { pre } else { Duration(0) };
        let sc = |r, pre: Duration| Scenario {
            pre,
            burst,
            r,
            per_min,
            step,
        };
        let fire = slo_series(slo, &sc(hi, fire_pre))
            .ok_or("ccmon cannot derive series for its selectors")?;
        let silent =
            slo_series(slo, &sc(lo, pre)).ok_or("ccmon cannot derive series for its selectors")?;
        let eval = Duration(pre.millis() + burst.millis());
        let fire_eval = Duration(fire_pre.millis() + burst.millis());
        let mut pair = case_groups(
            &tier.alert,
            &static_labels,
            &annotations,
            eval,
            Case {
                series: fire,
                labels: Labels::new(),
                value: hi,
            },
            Case {
                series: silent,
                labels: Labels::new(),
                value: lo,
            },
            (
                &format!(
                    "{} at {}x the budget{}",
                    w.long,
                    fmt_num(w.factor * 1.05),
                    if isolated {
                        ""
                    } else {
                        " (also over the next window pair)"
                    }
                ),
                &format!("{} at {}x the budget", w.long, fmt_num(w.factor * 0.95)),
            ),
        )?;
        pair[0].alert_rule_test[0].eval_time = fire_eval.to_string();
        groups.extend(pair);
    }
    // Steady burn under every factor.
    let steady = if tier.tier == "page" { 1.0 } else { 0.5 };
    let eval = Duration(longest.millis() + tier.for_.millis() + margin.millis());
    let quiet = slo_series(
        slo,
        &Scenario {
            pre: Duration(0),
            burst: eval,
            r: budget * steady,
            per_min,
            step,
        },
    )
    .ok_or("ccmon cannot derive series for its selectors")?;
    groups.push(TestGroup {
        name: format!(
            "{} stays silent: a steady {}x burn",
            tier.alert,
            fmt_num(steady)
        ),
        interval: if step == 5 { "5m" } else { "1m" },
        input_series: quiet,
        alert_rule_test: vec![AlertTest {
            eval_time: eval.to_string(),
            alertname: tier.alert.clone(),
            exp_alerts: Vec::new(),
        }],
    });
    if step == 5 {
        for g in &mut groups {
            g.interval = "5m";
        }
    }
    Ok(groups)
}

/// The generated tests of a run of alerts: their groups as items of the file's `tests`
/// sequence, and why some alerts have none.
pub struct Chunk {
    items: String,
    skipped: Vec<String>,
}

/// The tests of some alerts. Large configs are cut into runs of alerts written on every core
/// (`crate::par`) and then joined by [`alert_file`].
pub fn alert_chunk(alerts: &[Alert]) -> Chunk {
    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    for a in alerts {
        match alert_tests(a) {
            Ok(t) => tests.extend(t),
            Err(why) => skipped.push(format!("{}: {why}", a.name)),
        }
    }
    chunk(&tests, skipped)
}

fn chunk(tests: &[TestGroup], skipped: Vec<String>) -> Chunk {
    // A sequence serializes alike on its own and as the last value of the file's mapping (a
    // block sequence under a key is not indented): the unit tests hold the two equal.
    let items = if tests.is_empty() {
        String::new()
    } else {
        super::yaml_body(&tests)
    };
    Chunk { items, skipped }
}

#[derive(Serialize)]
struct Head {
    rule_files: Vec<String>,
    evaluation_interval: &'static str,
}

/// A test file from its chunks: the header, why some alerts have no test, the rule file and
/// interval, then every chunk's groups in order.
fn file(rules: String, evaluation_interval: &'static str, chunks: Vec<Chunk>) -> String {
    let head = super::yaml(&Head {
        rule_files: vec![rules],
        evaluation_interval,
    });
    // The header stays the first line; the reasons follow it.
    let (header, rest) = head.split_once('\n').unwrap_or((&head, ""));
    let size = chunks.iter().map(|c| c.items.len()).sum::<usize>();
    let notes = chunks.iter().flat_map(|c| &c.skipped).map(|s| s.len() + 32);
    let mut out = String::with_capacity(head.len() + size + notes.sum::<usize>() + 16);
    out.push_str(header);
    out.push('\n');
    for s in chunks.iter().flat_map(|c| &c.skipped) {
        out.push_str("# no generated test for ");
        out.push_str(s);
        out.push('\n');
    }
    out.push_str(rest);
    if size == 0 {
        out.push_str("tests: []\n");
    } else {
        out.push_str("tests:\n");
        for c in chunks {
            out.push_str(&c.items);
        }
    }
    out
}

fn rules_path(m: &Model) -> String {
    format!("../rules/{}.rules.yml", m.project.name)
}

/// The alert test file from the chunks of all alerts, in order.
pub fn alert_file(m: &Model, chunks: Vec<Chunk>) -> String {
    file(rules_path(m), "1m", chunks)
}

/// The SLO test file, when there are SLOs.
pub fn slo_file(m: &Model) -> Option<String> {
    if m.slos.is_empty() {
        return None;
    }
    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    for slo in &m.slos {
        for tier in &slo.tiers {
            match slo_tests(slo, tier) {
                Ok(t) => tests.extend(t),
                Err(why) => skipped.push(format!("{}: {why}", tier.alert)),
            }
        }
    }
    Some(file(rules_path(m), "5m", vec![chunk(&tests, skipped)]))
}

/// The alert tests, and the SLO tests when there are SLOs, on one core.
pub fn emit(m: &Model) -> (String, Option<String>) {
    (alert_file(m, vec![alert_chunk(&m.alerts)]), slo_file(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole file as one typed value, serialized at once.
    #[derive(Serialize)]
    struct TestFile {
        rule_files: Vec<String>,
        evaluation_interval: &'static str,
        tests: Vec<TestGroup>,
    }

    /// With the reasons for alerts without tests after the header, in alert order.
    fn whole(m: &Model) -> String {
        let mut tests = Vec::new();
        let mut notes = String::new();
        for a in &m.alerts {
            match alert_tests(a) {
                Ok(t) => tests.extend(t),
                Err(why) => notes.push_str(&format!("# no generated test for {}: {why}\n", a.name)),
            }
        }
        let body = super::super::yaml(&TestFile {
            rule_files: vec![rules_path(m)],
            evaluation_interval: "1m",
            tests,
        });
        let (header, rest) = body.split_once('\n').unwrap();
        format!("{header}\n{notes}{rest}")
    }

    fn model(text: &str) -> Model {
        let src = crate::diag::source::Source::new("monitoring.toml", text.to_string());
        let mut diags = crate::diag::Diags::default();
        crate::compile(&src, &mut diags).expect("the config compiles")
    }

    #[test]
    fn chunks_join_into_the_file_serialized_at_once() {
        let synth = crate::synth::generate(5, 60);
        for text in [
            include_str!("../../examples/claude-code/monitoring.toml").to_string(),
            synth,
        ] {
            let m = model(&text);
            let joined = alert_file(&m, m.alerts.chunks(7).map(alert_chunk).collect());
            assert_eq!(joined, whole(&m));
        }
        let mut m = model(include_str!("../../examples/claude-code/monitoring.toml"));
        m.alerts.clear();
        assert_eq!(alert_file(&m, vec![alert_chunk(&[])]), whole(&m));
    }
}
