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

use serde::Serialize;

use super::rules::Annotations;
use crate::gofmt;
use crate::kinds::Cmp;
use crate::model::{Alert, BurnWindow, Model, Sli, Slo, SloTier, Tier, tier_runs};
use crate::quantity::{Duration, fmt_num};
use crate::series::{
    Case, Cases, InputSeries, Labels, failing, labels_for, labels_for_all, minutes, series,
};

pub fn path(project: &str) -> String {
    format!("prometheus/tests/{project}.rules.test.yml")
}

/// SLO tests run days of series: they have their own file, evaluated every 5 minutes.
pub fn slo_path(project: &str) -> String {
    format!("prometheus/tests/{project}.slo.test.yml")
}

/// The tests of SLO tiers whose windows are all long (a ticket tier's hours and days):
/// evaluated every 30 minutes, a sixth of the evaluations, in a file of their own.
pub fn slo_slow_path(project: &str) -> String {
    format!("prometheus/tests/{project}.slo-slow.test.yml")
}

/// The evaluation interval of the slow SLO tests, and the shortest window they allow: four
/// evaluations.
const SLOW_EVERY: Duration = Duration(30 * 60_000);

/// The evaluation interval of the other SLO tests.
const FAST_EVERY: Duration = Duration(5 * 60_000);

#[derive(Serialize)]
struct TestGroup {
    name: String,
    interval: &'static str,
    input_series: Vec<InputSeries>,
    alert_rule_test: Vec<AlertTest>,
}

#[derive(Serialize)]
struct AlertTest {
    eval_time: String,
    alertname: String,
    exp_alerts: Vec<ExpAlert>,
    /// What it checks, where its group's name does not say (a comment in a shared group).
    #[serde(skip)]
    note: Option<String>,
}

#[derive(Serialize)]
struct ExpAlert {
    exp_labels: BTreeMap<String, String>,
    exp_annotations: BTreeMap<String, String>,
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
            // `$labels` is a `map[string]string`: a missing label prints as "" (promtool
            // agrees), not Go's `<no value>` of an interface map.
            [l] if l.starts_with("$labels.") => labels
                .get(&l["$labels.".len()..])
                .cloned()
                .unwrap_or_default(),
            _ => return None,
        };
        out.push_str(&s);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

fn expected(
    annotations: &Annotations,
    value: f64,
    labels: &Labels,
) -> Option<BTreeMap<String, String>> {
    annotations
        .iter()
        .map(|(k, t)| Some((k.to_string(), eval_template(t, value, labels)?)))
        .collect()
}

/// The rules expected to fire in a case: the static labels and annotations of each, and its
/// value where it is not the case's (another window pair of an SLO tier).
type Firing<'a> = Vec<(&'a Labels, &'a Annotations, Option<f64>)>;

/// What promtool must see firing: each rule's labels over the case's series labels, and its
/// annotations evaluated at the case's value.
fn exp_alerts(case: &Case, firing: &Firing) -> Result<Vec<ExpAlert>, String> {
    firing
        .iter()
        .map(|(static_labels, annotations, value)| {
            let mut labels = case.labels.clone();
            for (k, v) in *static_labels {
                labels.insert(k.clone(), v.clone());
            }
            labels.remove("__name__");
            let value = value.unwrap_or(case.value);
            let exp_annotations = expected(annotations, value, &labels).ok_or_else(|| {
                "its annotations use templates ccmon does not evaluate".to_string()
            })?;
            labels.remove("alertname");
            Ok(ExpAlert {
                exp_labels: labels,
                exp_annotations,
            })
        })
        .collect()
}

/// A check of a firing case: when, and what fires then.
struct Check<'a> {
    at: Duration,
    firing: Firing<'a>,
}

/// The test groups of a firing case and a silent one, with the rules expected to fire in
/// each (one rule, or the tiers of an alert the case's value crosses). The firing case is
/// checked at each of `checks`; with `pending`, also that nothing fires then (a minute before
/// the first check, so a shortened `for` fires too early).
fn case_groups(
    alertname: &str,
    (checks, silent_by): (Vec<Check>, Firing),
    eval: Duration,
    pending: Option<Duration>,
    fire: Case,
    silent: Option<Case>,
    what: (&str, &str),
) -> Result<Vec<TestGroup>, String> {
    let early = pending.map(|t| AlertTest {
        note: Some(format!(
            "{alertname} does not fire a minute before its `for` has passed"
        )),
        eval_time: t.to_string(),
        alertname: alertname.to_string(),
        exp_alerts: Vec::new(),
    });
    let mut tests: Vec<AlertTest> = early.into_iter().collect();
    for (n, c) in checks.iter().enumerate() {
        tests.push(AlertTest {
            note: (n > 0).then(|| format!("{alertname} fires: a longer `for` has passed")),
            eval_time: c.at.to_string(),
            alertname: alertname.to_string(),
            exp_alerts: exp_alerts(&fire, &c.firing)?,
        });
    }
    let mut groups = vec![TestGroup {
        name: format!("{alertname} fires: {}", what.0),
        interval: "1m",
        alert_rule_test: tests,
        input_series: fire.series,
    }];
    groups.extend(silent_group(
        alertname,
        silent_by,
        eval.to_string(),
        silent,
        what.1,
    )?);
    Ok(groups)
}

/// The silent case's group, if the alert has one.
fn silent_group(
    alertname: &str,
    silent_by: Firing,
    eval_time: String,
    silent: Option<Case>,
    what: &str,
) -> Result<Option<TestGroup>, String> {
    let Some(silent) = silent else {
        return Ok(None);
    };
    let exp_alerts = exp_alerts(&silent, &silent_by)?;
    Ok(Some(TestGroup {
        name: if exp_alerts.is_empty() {
            format!("{alertname} stays silent: {what}")
        } else {
            format!("{alertname} stays at lower tiers: {what}")
        },
        interval: "1m",
        input_series: silent.series,
        alert_rule_test: vec![AlertTest {
            note: None,
            eval_time,
            alertname: alertname.to_string(),
            exp_alerts,
        }],
    }))
}

/// The firing and silent test groups of an alert, from its kind's cases; for a tiered alert,
/// those of each tier, where every tier the case's value crosses fires too.
fn alert_tests(tiers: &[Alert]) -> Result<Vec<TestGroup>, String> {
    if !tiers[0].tests.is_empty() {
        return user_groups(tiers);
    }
    let metas: Vec<(Labels, Annotations)> = tiers
        .iter()
        .map(|a| (a.static_labels(), super::rules::annotations(a)))
        .collect();
    let mut groups = Vec::new();
    for a in tiers {
        let mut cases = a.kind.cases(&a.condition())?;
        // Held for as long as the slowest tier the values cross needs.
        let mut cond = a.condition();
        for c in std::iter::once(&cases.fire).chain(&cases.silent) {
            for u in tiers {
                if crosses(a, u, c.value, true)? {
                    cond.for_ = cond.for_.max(u.for_);
                }
            }
        }
        if cond.for_ > a.for_ {
            cases = a.kind.cases(&cond)?;
        }
        let by = |value: Option<f64>, fire: bool| -> Result<Firing, String> {
            let Some(value) = value else {
                return Ok(Vec::new());
            };
            let mut firing = Vec::new();
            for (u, meta) in tiers.iter().zip(&metas) {
                if crosses(a, u, value, fire)? {
                    firing.push((&meta.0, &meta.1, None));
                }
            }
            Ok(firing)
        };
        let silent_by = by(cases.silent.as_ref().map(|c| c.value), false)?;
        let (checks, pending) = match exact_checks(a, tiers, &metas, &cases)? {
            Some(exact) => exact,
            None => {
                // The shortest `for` of the tiers the firing case fires, less a minute.
                let mut shortest = None;
                for u in tiers {
                    if crosses(a, u, cases.fire.value, true)? {
                        shortest = Some(shortest.unwrap_or(u.for_).min(u.for_));
                    }
                }
                let pending = shortest
                    .filter(|f| f.millis() >= 60_000)
                    .map(|f| Duration(f.millis() - 60_000));
                let firing = by(Some(cases.fire.value), true)?;
                (
                    vec![Check {
                        at: cases.eval,
                        firing,
                    }],
                    pending,
                )
            }
        };
        groups.extend(case_groups(
            &a.name,
            (checks, silent_by),
            cases.eval,
            pending,
            cases.fire,
            cases.silent,
            (&cases.fire_shows, &cases.silent_shows),
        )?);
    }
    Ok(groups)
}

/// The checks of a firing case at the exact minutes, and the check that nothing fires before.
type Exact<'a> = (Vec<Check<'a>>, Option<Duration>);

/// The checks of a firing case when its kind knows when the condition starts to hold (see
/// [`Onset`]): at the very minute each tier it crosses has held for its `for`, expecting the
/// tiers whose `for` has passed by then (with their value then, on a ramp), and a minute
/// before the first (nothing fires). `None` when the onset of a tier is not known.
fn exact_checks<'a>(
    a: &Alert,
    tiers: &[Alert],
    metas: &'a [(Labels, Annotations)],
    cases: &Cases,
) -> Result<Option<Exact<'a>>, String> {
    let full = cases.fire.value;
    let mut due = Vec::new();
    for (u, meta) in tiers.iter().zip(metas) {
        if !crosses(a, u, full, true)? {
            continue;
        }
        let threshold = match (u.threshold, u.threshold_value()) {
            (Some((cmp, _)), Some(th)) => Some((cmp == Cmp::Above, th)),
            _ => None,
        };
        let Some(since) = cases.onset.since(full, threshold) else {
            return Ok(None);
        };
        due.push((Duration(since.millis() + u.for_.millis()), meta));
    }
    let mut times: Vec<Duration> = due.iter().map(|d| d.0).collect();
    times.sort_unstable();
    times.dedup();
    if times.last().is_none_or(|&t| t > cases.eval) {
        return Ok(None);
    }
    let checks = times
        .iter()
        .map(|&at| {
            let value = cases.onset.value_at(full, at).filter(|&v| v != full);
            let firing = due
                .iter()
                .filter(|d| d.0 <= at)
                .map(|d| (&d.1.0, &d.1.1, value))
                .collect();
            Check { at, firing }
        })
        .collect();
    let pending = times
        .first()
        .filter(|t| t.millis() >= 60_000)
        .map(|t| Duration(t.millis() - 60_000));
    Ok(Some((checks, pending)))
}

/// The test groups of an alert's hand-written cases: its input series, evaluated when the
/// case says, expecting the alerts it lists with the rule's labels added and annotations
/// filled in from the value it gives (or as it writes them).
fn user_groups(tiers: &[Alert]) -> Result<Vec<TestGroup>, String> {
    let alert = &tiers[0];
    let mut groups = Vec::new();
    for (n, t) in alert.tests.iter().enumerate() {
        let case = t.name.clone().unwrap_or_else(|| format!("case {}", n + 1));
        let mut exp_alerts = Vec::new();
        for e in &t.alerts {
            let mut rules = tiers.iter().filter(|a| {
                e.labels
                    .get("severity")
                    .is_none_or(|s| s == a.severity.as_str())
                    && a.labels
                        .iter()
                        .all(|(k, v)| e.labels.get(k).is_none_or(|x| x == v))
            });
            let (Some(rule), None) = (rules.next(), rules.next()) else {
                return Err(format!(
                    "{case}: an expected alert does not say which tier fires (give its `severity`, and its tier's labels)"
                ));
            };
            let mut labels = rule.static_labels();
            labels.extend(e.labels.clone());
            let annotations = if e.annotations.is_empty() {
                let templates = super::rules::annotations(rule);
                if e.value.is_none() && templates.values().any(|t| t.contains("$value")) {
                    return Err(format!(
                        "{case}: its annotations print `$value`: give the expected alert's `value` (or its `annotations`)"
                    ));
                }
                expected(&templates, e.value.unwrap_or(0.0), &labels).ok_or_else(|| {
                    format!("{case}: its annotations use templates ccmon does not evaluate: give the expected `annotations`")
                })?
            } else {
                e.annotations.clone()
            };
            labels.remove("alertname");
            exp_alerts.push(ExpAlert {
                exp_labels: labels,
                exp_annotations: annotations,
            });
        }
        groups.push(TestGroup {
            name: format!("{} (written by hand): {case}", alert.name),
            interval: "1m",
            input_series: t
                .input
                .iter()
                .map(|(series, values)| InputSeries {
                    series: series.clone(),
                    values: values.clone(),
                })
                .collect(),
            alert_rule_test: vec![AlertTest {
                note: None,
                eval_time: t.at.to_string(),
                alertname: alert.name.clone(),
                exp_alerts,
            }],
        });
    }
    Ok(groups)
}

/// Whether tier `u` of an alert crosses its threshold on the series of a case of tier `t`
/// (its firing case when `fire`), whose value is `value`: the two compare the same value.
/// Tiers that differ in more cannot share a test.
fn crosses(t: &Alert, u: &Alert, value: f64, fire: bool) -> Result<bool, String> {
    if std::ptr::eq(t, u) {
        return Ok(fire);
    }
    if t.value_expr() != u.value_expr() {
        return Err("its tiers compare different values".into());
    }
    match (u.threshold, u.threshold_value()) {
        (Some((Cmp::Above, _)), Some(th)) => Ok(value > th),
        (Some((Cmp::Below, _)), Some(th)) => Ok(value < th),
        _ if u.expr() == t.expr() => Ok(fire),
        _ => Err("its tiers differ in more than their threshold".into()),
    }
}

/// A counter sampled every `step` minutes that grows by each part's rate (a minute) for its
/// number of steps, one part after the other, without a reset; a part of no steps is left
/// out, but the first always gives the counter's first sample, 0.
fn phases(parts: &[(f64, u64)], step: u64) -> String {
    let mut out = String::new();
    let mut value = 0.0;
    for (i, &(rate, n)) in parts.iter().enumerate() {
        let inc = rate * step as f64;
        if i == 0 {
            out = format!("0+{inc}x{n}");
            value = inc * n as f64;
            continue;
        }
        if n == 0 {
            continue;
        }
        let start = value + inc;
        if n == 1 {
            out.push_str(&format!(" {start}"));
        } else {
            out.push_str(&format!(" {start}+{inc}x{}", n - 1));
        }
        value = start + inc * (n - 1) as f64;
    }
    out
}

/// A traffic scenario for an SLO: `pre` of clean traffic, then `burst` with error ratio `r`,
/// then `post` of clean traffic, `per_min` events a minute throughout, sampled every `step`
/// minutes. Without `post`, the burst runs two samples past its end.
struct Scenario {
    pre: Duration,
    burst: Duration,
    post: Duration,
    r: f64,
    per_min: f64,
    step: u64,
}

fn slo_series(slo: &Slo, sc: &Scenario) -> Option<Vec<InputSeries>> {
    let p = minutes(sc.pre) / sc.step;
    let (q, after) = if sc.post.millis() == 0 {
        (minutes(sc.burst) / sc.step + 2, 0)
    } else {
        (minutes(sc.burst) / sc.step, minutes(sc.post) / sc.step + 2)
    };
    let t = sc.per_min;
    let bad = sc.r * t;
    let counter2 =
        |before: f64, during: f64| phases(&[(before, p), (during, q), (before, after)], sc.step);
    match &slo.sli {
        // A counted subset (errors, or good events) beside the total: when both are one
        // metric, the rest of the total is a series the subset's selector does not match.
        Sli::Errors {
            errors: part,
            total,
        }
        | Sli::Good { good: part, total } => {
            let (sub, tt) = (part, total);
            let sub_labels = labels_for(sub)?;
            let (before, during) = match slo.sli {
                Sli::Errors { .. } => (0.0, bad),
                _ => (t, t - bad),
            };
            let rest = if sub.metric == tt.metric {
                let m = sub.matchers.iter().find(|m| !tt.matchers.contains(m))?;
                let mut l = sub_labels.clone();
                l.insert(m.name.to_string(), failing(m)?);
                InputSeries {
                    series: series(&tt.metric, &l),
                    values: counter2(t - before, t - during),
                }
            } else {
                InputSeries {
                    series: series(&tt.metric, &labels_for(tt)?),
                    values: counter2(t, t),
                }
            };
            Some(vec![
                InputSeries {
                    series: series(&sub.metric, &sub_labels),
                    values: counter2(before, during),
                },
                rest,
            ])
        }
        Sli::Latency {
            histogram,
            threshold,
        } => {
            let base = labels_for_all(&histogram.matchers)?;
            let mut good = base.clone();
            good.insert("le".into(), fmt_num(*threshold));
            let mut inf = base.clone();
            inf.insert("le".into(), "+Inf".into());
            Some(vec![
                InputSeries {
                    series: series(&format!("{}_bucket", histogram.name), &good),
                    values: counter2(t, t - bad),
                },
                InputSeries {
                    series: series(&format!("{}_bucket", histogram.name), &inf),
                    values: counter2(t, t),
                },
                InputSeries {
                    series: series(&format!("{}_count", histogram.name), &base),
                    values: counter2(t, t),
                },
            ])
        }
    }
}

/// For each window pair of a tier: a burst just over its factor, long enough for its long
/// window and `for`, after clean traffic that keeps the other pairs quiet where it can, must
/// fire; the same burst just under the factor must not. Each pair is a rule of its own: which
/// pairs a case fires is worked out from the windows ([`firing_pairs`]), so a burst that
/// cannot be isolated (a day over 3x is always 3 days over 1x) expects both. Finally, a
/// steady burn well under every factor (1x the budget for a page) stays silent.
fn slo_tests(slo: &Slo, tier: &SloTier) -> Result<(Vec<TestGroup>, bool), String> {
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
    let metas: Vec<(Labels, Annotations)> = tier
        .windows
        .iter()
        .map(|w| {
            let (mut labels, annotations) = super::rules::slo_alert_meta(slo, tier, w);
            labels.insert("alertname".into(), tier.alert.clone());
            (labels, annotations)
        })
        .collect();
    let longest = tier
        .windows
        .iter()
        .map(|w| w.long)
        .max()
        .ok_or("no windows")?;
    let slow = is_slow(tier);
    let grid = |d: Duration| on_grid(slow, d);
    let hold = grid(tier.for_);
    let margin = grid(Duration::from_secs(5 * 60));
    let mut groups = Vec::new();
    for (i, w) in tier.windows.iter().enumerate() {
        let hi = (w.factor * 1.05 * budget * 1e9).round() / 1e9;
        let lo = (w.factor * 0.95 * budget * 1e9).round() / 1e9;
        if hi >= 1.0 {
            // This window pair cannot fire (check warns about it): nothing to test.
            continue;
        }
        // Clean traffic first, so that the longer windows see the burst diluted; a burst
        // that leaves another pair too close to its threshold to call is made longer, until
        // that pair fires for sure.
        let pre = Duration(longest.millis().saturating_sub(w.long.millis()));
        let base = grid(Duration(w.long.millis() + hold.millis() + margin.millis())).millis();
        let burst = (0..=24)
            .map(|h| Duration(base + h * 3_600_000))
            .find(|&burst| {
                [hi, lo].iter().all(|&r| {
                    let sc = Scenario { pre, burst, post: Duration(0), r, per_min, step };
                    firing_pairs(tier, hold, budget, &sc, Duration(pre.millis() + burst.millis())).is_ok()
                })
            })
            .ok_or_else(|| format!("its {}/{} window pair cannot be told apart from the others in a generated case", w.long, w.short))?;
        let sc = |r| Scenario {
            pre,
            burst,
            post: Duration(0),
            r,
            per_min,
            step,
        };
        let fire =
            slo_series(slo, &sc(hi)).ok_or("ccmon cannot derive series for its selectors")?;
        let silent =
            slo_series(slo, &sc(lo)).ok_or("ccmon cannot derive series for its selectors")?;
        let eval = Duration(pre.millis() + burst.millis());
        let by = |r: f64| -> Result<Firing, String> {
            Ok(firing_pairs(tier, hold, budget, &sc(r), eval)?
                .into_iter()
                .map(|(j, v)| (&metas[j].0, &metas[j].1, (j != i).then_some(v)))
                .collect())
        };
        let fire_by = by(hi)?;
        if !fire_by.iter().any(|(l, ..)| std::ptr::eq(*l, &metas[i].0)) {
            return Err(format!(
                "its {}/{} window pair cannot be made to fire",
                w.long, w.short
            ));
        }
        groups.extend(case_groups(
            &tier.alert,
            (
                vec![Check {
                    at: eval,
                    firing: fire_by,
                }],
                by(lo)?,
            ),
            eval,
            None,
            Case {
                series: fire,
                labels: Labels::new(),
                value: hi,
            },
            Some(Case {
                series: silent,
                labels: Labels::new(),
                value: lo,
            }),
            (
                &format!("{} at {}x the budget", w.long, fmt_num(w.factor * 1.05)),
                &format!("{} at {}x the budget", w.long, fmt_num(w.factor * 0.95)),
            ),
        )?);
    }
    let eval = grid(Duration(longest.millis() + hold.millis() + margin.millis()));
    groups.push(steady_group(slo, tier, hold, eval, per_min, step)?);
    let timing = Timing::of(slo, tier, slow, step, per_min, longest);
    groups.extend(timing_group(slo, tier, &timing, &metas, step));
    if step == 5 {
        for g in &mut groups {
            g.interval = "5m";
        }
    }
    Ok((groups, slow))
}

/// Whether a tier's windows all hold four slow evaluations: it is then evaluated every 30
/// minutes, its times sit on that grid ([`on_grid`]), and its alert fires at the first
/// evaluation `for` after its condition holds.
fn is_slow(tier: &SloTier) -> bool {
    tier.windows
        .iter()
        .all(|w| w.short.millis() >= 4 * SLOW_EVERY.millis())
}

/// `d` rounded up to the slow evaluations' grid when `slow`.
fn on_grid(slow: bool, d: Duration) -> Duration {
    if slow {
        Duration(d.millis().div_ceil(SLOW_EVERY.millis()) * SLOW_EVERY.millis())
    } else {
        d
    }
}

/// A steady burn under every factor (1x the budget for a page, 0.5x for a ticket), for as
/// long as the longest window and `for`: silent.
fn steady_group(
    slo: &Slo,
    tier: &SloTier,
    hold: Duration,
    eval: Duration,
    per_min: f64,
    step: u64,
) -> Result<TestGroup, String> {
    let budget = slo.budget();
    let steady = if tier.tier == Tier::Page { 1.0 } else { 0.5 };
    let quiet = Scenario {
        pre: Duration(0),
        burst: eval,
        post: Duration(0),
        r: budget * steady,
        per_min,
        step,
    };
    if !firing_pairs(tier, hold, budget, &quiet, eval)?.is_empty() {
        return Err(format!("a steady {}x burn fires it", fmt_num(steady)));
    }
    Ok(TestGroup {
        name: format!(
            "{} stays silent: a steady {}x burn",
            tier.alert,
            fmt_num(steady)
        ),
        interval: "1m",
        input_series: slo_series(slo, &quiet)
            .ok_or("ccmon cannot derive series for its selectors")?,
        alert_rule_test: vec![AlertTest {
            note: None,
            eval_time: eval.to_string(),
            alertname: tier.alert.clone(),
            exp_alerts: Vec::new(),
        }],
    })
}

/// The times a tier's timing case runs on (milliseconds): its file's evaluation interval,
/// its `for` rounded up to that, the input series' step; the SLO's error budget, the events
/// a minute of the case and the SLO's minimum traffic (events a second), if any.
struct Timing {
    every: u64,
    hold: u64,
    step: u64,
    budget: f64,
    per_min: f64,
    min_traffic: Option<f64>,
}

impl Timing {
    /// A tier's timing, in its file (`slow`), with series sampled every `step` minutes and
    /// `per_min` events a minute, or enough for a minimum-traffic guard over the `longest`
    /// window from the first evaluation on (the window still reaching back before the first
    /// sample).
    fn of(
        slo: &Slo,
        tier: &SloTier,
        slow: bool,
        step: u64,
        per_min: f64,
        longest: Duration,
    ) -> Timing {
        let every = if slow { SLOW_EVERY } else { FAST_EVERY }.millis();
        let guarded = slo.min_traffic.map_or(0.0, |min| {
            2.0 * min * longest.millis() as f64 / 1000.0 / (every / 60_000) as f64
        });
        Timing {
            every,
            hold: tier.for_.millis().div_ceil(every) * every,
            step: step * 60_000,
            budget: slo.budget(),
            per_min: per_min.max(guarded),
            min_traffic: slo.min_traffic,
        }
    }

    /// Whether a window pair's condition holds at `t` when every request fails from the
    /// start until `end` and none after; `None` when too close to call. A window that does
    /// not reach back to the first sample may see one sample more or less of the burst than
    /// the arithmetic says (where its edge falls): that much more margin.
    fn holds(&self, w: &BurnWindow, t: u64, end: u64) -> Option<bool> {
        let threshold = w.factor * self.budget;
        if t == 0 || threshold >= 1.0 {
            // No sample yet; or a ratio that can never exceed its threshold.
            return Some(false);
        }
        let mut all = true;
        if let Some(min) = self.min_traffic {
            // The guard's rate over the long window: the events since the first sample when
            // the window reaches back before it (no extrapolation from a counter at zero).
            let long = w.long.millis();
            let q = self.per_min * (t.min(long) as f64 / 60_000.0) / (long as f64 / 1000.0) / min;
            if (0.97..=1.03).contains(&q) {
                return None;
            }
            all &= q > 1.0;
        }
        for window in [w.long.millis(), w.short.millis()] {
            let from = t.saturating_sub(window);
            let bad = end.min(t).saturating_sub(from) as f64;
            let q = bad / (t - from) as f64 / threshold;
            let margin = 0.03
                + if t >= window {
                    self.step as f64 / window as f64
                } else {
                    0.0
                };
            if (1.0 - margin..=1.0 + margin).contains(&q) {
                return None;
            }
            all &= q > 1.0;
        }
        Some(all)
    }

    /// Whether a window pair fires at `t`: its condition held at every evaluation since `t`
    /// minus the rounded `for`, which is not before the first evaluation with samples.
    fn fires(&self, w: &BurnWindow, t: u64, end: u64) -> Option<bool> {
        if t < self.hold + self.every {
            return self.holds(w, t, end).map(|_| false);
        }
        let mut s = t - self.hold;
        loop {
            if !self.holds(w, s, end)? {
                return Some(false);
            }
            if s == t {
                return Some(true);
            }
            s += self.every;
        }
    }
}

/// A tier's `for` and short windows at work: every request fails from the start for one
/// evaluation and the rounded `for`, then none. Every pair's condition holds from the first
/// evaluation, so none fires one evaluation before `for` has passed and all do when it has
/// (a `for` lengthened or shortened by an evaluation fails); then, an evaluation after each
/// short window has seen the burst end, that pair is silent while pairs with longer short
/// windows still fire (a short window lengthened fails). Each firing pair's value is its long
/// window's ratio, which reaches back to the first sample: the burst over the time so far.
/// `None` when some evaluation is too close to call, or a long window too short to be exact.
fn timing_group(
    slo: &Slo,
    tier: &SloTier,
    timing: &Timing,
    metas: &[(Labels, Annotations)],
    step: u64,
) -> Option<TestGroup> {
    let every = timing.every;
    let end = every + timing.hold;
    let mut checks = vec![end];
    if timing.hold > 0 {
        checks.insert(0, timing.hold);
    }
    for w in &tier.windows {
        let t = end + w.short.millis().div_ceil(every) * every + every;
        if !checks.contains(&t) {
            checks.push(t);
        }
    }
    checks.sort_unstable();
    let mut tests = Vec::new();
    for &t in &checks {
        let mut firing: Firing = Vec::new();
        for (w, meta) in tier.windows.iter().zip(metas) {
            if timing.fires(w, t, end)? {
                if w.long.millis() <= t {
                    return None;
                }
                let value = (end.min(t) as f64 / t as f64 * 1e9).round() / 1e9;
                firing.push((&meta.0, &meta.1, Some(value)));
            }
        }
        if t == end && firing.is_empty() {
            return None;
        }
        let case = Case {
            series: Vec::new(),
            labels: Labels::new(),
            value: 0.0,
        };
        let note = if t < end {
            format!("{} has not waited its `for` yet", tier.alert)
        } else if t == end {
            format!("{} fires once its `for` has passed", tier.alert)
        } else {
            format!(
                "{} {} after the burst: only pairs whose short window still sees it fire",
                tier.alert,
                Duration(t - end)
            )
        };
        tests.push(AlertTest {
            note: Some(note),
            eval_time: Duration(t).to_string(),
            alertname: tier.alert.clone(),
            exp_alerts: exp_alerts(&case, &firing).ok()?,
        });
    }
    let last = *checks.last()?;
    let sc = Scenario {
        pre: Duration(0),
        burst: Duration(end),
        post: Duration(last - end),
        r: 1.0,
        per_min: timing.per_min,
        step,
    };
    Some(TestGroup {
        name: format!(
            "{} waits for its `for` and lets go with its short windows: every request failing for {}, then none",
            tier.alert,
            Duration(end)
        ),
        interval: "1m",
        input_series: slo_series(slo, &sc)?,
        alert_rule_test: tests,
    })
}

/// The window pairs of a tier that fire at `eval` in a scenario, with their values then (the
/// long window's ratio): both their windows' error ratios over the factor since `for`
/// before `eval` (ratios only grow during a burst). A
/// window reaching back before the first sample sees the traffic since then, as `rate`
/// extrapolates both counters alike. A ratio within 3 % of its threshold is too close to
/// call, and the tier gets no test rather than a flaky one.
fn firing_pairs(
    tier: &SloTier,
    hold: Duration,
    budget: f64,
    sc: &Scenario,
    eval: Duration,
) -> Result<Vec<(usize, f64)>, String> {
    let (b0, b1) = (
        sc.pre.millis() as f64,
        (sc.pre.millis() + sc.burst.millis()) as f64,
    );
    let ratio_at = |at: f64, window: Duration| {
        let from = (at - window.millis() as f64).max(0.0);
        let bad = (b1.min(at) - b0.max(from)).max(0.0);
        if at > from {
            sc.r * bad / (at - from)
        } else {
            0.0
        }
    };
    let at = eval.millis().saturating_sub(hold.millis()) as f64;
    let mut out = Vec::new();
    for (j, w) in tier.windows.iter().enumerate() {
        let threshold = w.factor * budget;
        let mut fires = true;
        for window in [w.long, w.short] {
            let q = ratio_at(at, window) / threshold;
            if (0.97..=1.03).contains(&q) {
                return Err(format!(
                    "its {}/{} window pair is too close to call in a generated case",
                    w.long, w.short
                ));
            }
            fires &= q > 1.0;
        }
        if fires {
            let value = ratio_at(eval.millis() as f64, w.long);
            out.push((j, (value * 1e9).round() / 1e9));
        }
    }
    Ok(out)
}

/// A shared test group: the evaluation interval of its input series, the colour of its units
/// and the index of their case (see [`super::pack`]).
type PackKey = (&'static str, u32, u32);

/// The part of a shared test group one chunk wrote: its input series and its alert tests,
/// as items of the group's sequences (indented under the group), and how many cases.
struct Piece {
    series: String,
    tests: String,
    cases: usize,
}

/// The generated tests of a run of alerts: the pieces of shared groups, the groups of their
/// own (items of the file's `tests` sequence), and why some alerts have none.
pub struct Chunk {
    packs: BTreeMap<PackKey, Piece>,
    solo: String,
    skipped: Vec<String>,
}

impl Chunk {
    /// `Name: why` of each alert of the chunk without a test.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

/// A shared group as it is gathered: its input series, its alert tests, and the name of each
/// test's case.
type Gathered = (Vec<InputSeries>, Vec<AlertTest>, Vec<String>);

/// Cases sorted into shared groups (by their unit's colour) and groups of their own.
#[derive(Default)]
struct Packer {
    packs: BTreeMap<PackKey, Gathered>,
    solo: Vec<TestGroup>,
}

impl Packer {
    /// The groups of one unit: case `i` to the shared group `(interval, colour, i)`, or all
    /// of them on their own without a colour.
    fn add(&mut self, colour: Option<u32>, groups: Vec<TestGroup>) {
        let Some(c) = colour else {
            self.solo.extend(groups);
            return;
        };
        for (i, mut g) in groups.into_iter().enumerate() {
            let (series, tests, names) = self.packs.entry((g.interval, c, i as u32)).or_default();
            series.extend(g.input_series);
            for t in &mut g.alert_rule_test {
                names.push(t.note.take().unwrap_or_else(|| g.name.clone()));
            }
            tests.extend(g.alert_rule_test);
        }
    }

    /// Serialized: each shared group's sequences as items under the group, each alert test
    /// after a comment naming its case (promtool has no field for it).
    fn finish(self, skipped: Vec<String>) -> Chunk {
        let packs = self
            .packs
            .into_iter()
            .map(|(key, (series, tests, names))| {
                let piece = Piece {
                    series: if series.is_empty() {
                        String::new()
                    } else {
                        indented(&super::yaml_body(&series), None)
                    },
                    tests: indented(&super::yaml_body(&tests), Some(&names)),
                    cases: tests.len(),
                };
                (key, piece)
            })
            .collect();
        // A sequence serializes alike on its own and as the last value of the file's
        // mapping (a block sequence under a key is not indented): the unit tests hold the
        // chunks joined equal to the file serialized at once.
        let solo = if self.solo.is_empty() {
            String::new()
        } else {
            super::yaml_body(&self.solo)
        };
        Chunk {
            packs,
            solo,
            skipped,
        }
    }
}

/// A block sequence moved under a key of a sequence item (two spaces), with `# name` before
/// the items when `names` are given. Empty lines stay empty (a block scalar's blank line).
fn indented(items: &str, names: Option<&[String]>) -> String {
    let mut out = String::with_capacity(items.len() + items.len() / 8);
    let mut names = names.into_iter().flatten();
    for line in items.lines() {
        if line.starts_with("- ")
            && let Some(name) = names.next()
        {
            out.push_str("  # ");
            out.extend(name.chars().map(|c| if c.is_control() { ' ' } else { c }));
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// What each run of alerts reads, for [`super::pack::colours`]: the selectors of all its
/// tiers; not known for hand-written cases, which get groups of their own.
fn alert_units(alerts: &[Alert]) -> Vec<super::pack::Unit<'_>> {
    tier_runs(alerts)
        .map(|tiers| super::pack::Unit {
            reads: if tiers[0].tests.is_empty() {
                tiers.iter().try_fold(Vec::new(), |mut all, a| {
                    all.extend(a.kind.reads()?);
                    Some(all)
                })
            } else {
                None
            },
            names: vec![tiers[0].name.as_str()],
        })
        .collect()
}

/// The colour of each run of alerts (see [`super::pack`]), in order; recording rules carry
/// series from one metric to another.
pub fn alert_colours(m: &Model) -> Vec<Option<u32>> {
    let writers: Vec<super::pack::Writer> = m
        .records
        .iter()
        .map(|r| super::pack::Writer {
            reads: crate::promql::selector::Read::all_in(&r.expr)
                .map(|reads| reads.into_iter().map(|r| r.metric.into_owned()).collect()),
            writes: &r.name,
        })
        .collect();
    super::pack::colours(&alert_units(&m.alerts), &writers)
}

/// The tests of some alerts, given the colour of each of their runs. Large configs are cut
/// into runs of alerts written on every core (`crate::par`) and then joined by
/// [`alert_file`].
pub fn alert_chunk(alerts: &[Alert], colours: &[Option<u32>]) -> Chunk {
    let mut packer = Packer::default();
    let mut skipped = Vec::new();
    for (tiers, &colour) in tier_runs(alerts).zip(colours) {
        match alert_tests(tiers) {
            Ok(t) => packer.add(colour, t),
            Err(why) => skipped.push(format!("{}: {why}", tiers[0].name)),
        }
    }
    packer.finish(skipped)
}

#[derive(Serialize)]
struct Head {
    rule_files: Vec<String>,
    evaluation_interval: &'static str,
}

/// The head of a shared group, as an item of the file's `tests` sequence.
#[derive(Serialize)]
struct PackHead {
    name: String,
    interval: &'static str,
}

/// The name of the `n`th of `of` shared groups, with `cases` cases.
fn pack_name(n: usize, of: usize, cases: usize) -> String {
    format!("generated cases {n} of {of}: {cases} cases on series no other case here reads")
}

/// The test files of some chunks: the first with the header, why some alerts have no test,
/// the rule file and interval, then the shared groups (every chunk's piece of each, in
/// order), then every chunk's groups of their own. With `split`, each shared group after the
/// first has a file of its own (the same head), so that promtool runs them on every core.
fn files(
    rule_files: Vec<String>,
    evaluation_interval: &'static str,
    chunks: Vec<Chunk>,
    split: bool,
) -> Vec<String> {
    let head = super::yaml(&Head {
        rule_files,
        evaluation_interval,
    });
    // The header stays the first line; the reasons follow it.
    let (header, rest) = head.split_once('\n').unwrap_or((&head, ""));
    let mut keys: Vec<PackKey> = chunks
        .iter()
        .flat_map(|c| c.packs.keys().copied())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let packs = keys.iter().enumerate().map(|(n, key)| {
        let pieces: Vec<&Piece> = chunks.iter().filter_map(|c| c.packs.get(key)).collect();
        let size = pieces.iter().map(|p| p.series.len() + p.tests.len());
        let mut out = String::with_capacity(size.sum::<usize>() + 256);
        out.push_str(&super::yaml_body(&[PackHead {
            name: pack_name(n + 1, keys.len(), pieces.iter().map(|p| p.cases).sum()),
            interval: key.0,
        }]));
        if pieces.iter().all(|p| p.series.is_empty()) {
            out.push_str("  input_series: []\n");
        } else {
            out.push_str("  input_series:\n");
            pieces.iter().for_each(|p| out.push_str(&p.series));
        }
        out.push_str("  alert_rule_test:\n");
        pieces.iter().for_each(|p| out.push_str(&p.tests));
        out
    });
    let mut first = String::new();
    first.push_str(header);
    first.push('\n');
    for s in chunks.iter().flat_map(|c| &c.skipped) {
        first.push_str("# no generated test for ");
        first.push_str(s);
        first.push('\n');
    }
    first.push_str(rest);
    let mut out = vec![first];
    let solo: usize = chunks.iter().map(|c| c.solo.len()).sum();
    if keys.is_empty() && solo == 0 {
        out[0].push_str("tests: []\n");
        return out;
    }
    out[0].push_str("tests:\n");
    for (n, pack) in packs.enumerate() {
        if split && n > 0 {
            out.push(format!("{head}tests:\n{pack}"));
        } else {
            out[0].push_str(&pack);
        }
    }
    out[0].reserve(solo);
    for c in &chunks {
        out[0].push_str(&c.solo);
    }
    out
}

/// The path of rule file `n` from the tests' folder.
#[cfg(test)]
fn rules_path(m: &Model, n: usize) -> String {
    let files = super::rules::chunks(m);
    let path = files.get(n).map_or_else(
        || super::rules::chunk_path(&m.project.name, n),
        |f| f.path.clone(),
    );
    path.replacen("prometheus/", "../", 1)
}

fn slo_rules_path(m: &Model) -> String {
    format!("../rules/{}.slo.rules.yml", m.project.name)
}

/// Configs with this many alerts or more, in one rule file, have a file per shared group of
/// alert tests: each group evaluates every rule, and files run on every core. Configs with
/// several rule files have a test file per rule file instead.
pub const SPLIT_AT: usize = 50;

/// The alert test files (path and text) from the chunks of all alerts, one per rule file
/// (see [`super::rules::chunks`]), in order. The tests of each rule file load only it, and
/// the first one for the recording rules.
pub fn alert_files(m: &Model, chunks: Vec<Chunk>) -> Vec<(String, String)> {
    let several = chunks.len() > 1;
    let split = !several && m.alerts.len() >= SPLIT_AT;
    let project = &m.project.name;
    let rule_files = super::rules::chunks(m);
    let from_tests = |f: &super::rules::RuleFile| f.path.replacen("prometheus/", "../", 1);
    let mut out = Vec::new();
    for (n, (chunk, file)) in chunks.into_iter().zip(&rule_files).enumerate() {
        let mut loads = vec![from_tests(file)];
        if n > 0 && !m.records.is_empty() {
            loads.insert(0, from_tests(&rule_files[0]));
        }
        let texts = files(loads, "1m", vec![chunk], split);
        if several {
            // One test file per rule file, named after it.
            let stem = file.stem();
            out.extend(
                texts
                    .into_iter()
                    .map(|t| (format!("prometheus/tests/{stem}.test.yml"), t)),
            );
        } else {
            out.extend(texts.into_iter().enumerate().map(|(n, t)| match n {
                0 => (path(project), t),
                n => (
                    format!("prometheus/tests/{project}.rules-{}.test.yml", n + 1),
                    t,
                ),
            }));
        }
    }
    out
}

/// The SLO test files (path and text: the 5-minute one, and the 30-minute one when a tier
/// allows it), and why some tiers have no test.
pub type SloFiles = (Vec<(String, String)>, Vec<String>);

/// What each SLO reads (its SLI's selectors) and checks (its tiers' alerts).
fn slo_units(m: &Model) -> Vec<super::pack::Unit<'_>> {
    m.slos
        .iter()
        .map(|slo| super::pack::Unit {
            reads: Some(slo.sli.reads()),
            names: slo.tiers.iter().map(|t| t.alert.as_str()).collect(),
        })
        .collect()
}

/// The SLO test files of a model: see [`SloFiles`]. SLOs whose SLIs read different series
/// share test groups.
pub fn slo_file(m: &Model) -> Option<SloFiles> {
    if m.slos.is_empty() {
        return None;
    }
    let colours = super::pack::colours(&slo_units(m), &[]);
    let (mut fast, mut slow) = (Packer::default(), Packer::default());
    let mut skipped = Vec::new();
    for (slo, &colour) in m.slos.iter().zip(&colours) {
        let (mut f, mut s) = (Vec::new(), Vec::new());
        for tier in &slo.tiers {
            match slo_tests(slo, tier) {
                Ok((t, false)) => f.extend(t),
                Ok((t, true)) => s.extend(t),
                Err(why) => skipped.push(format!("{}: {why}", tier.alert)),
            }
        }
        fast.add(colour, f);
        slow.add(colour, s);
    }
    let project = &m.project.name;
    let has_slow = !slow.packs.is_empty() || !slow.solo.is_empty();
    let one = |interval, packer: Packer, skipped| {
        files(
            vec![slo_rules_path(m)],
            interval,
            vec![packer.finish(skipped)],
            false,
        )
        .remove(0)
    };
    let mut out = vec![(slo_path(project), one("5m", fast, skipped.clone()))];
    if has_slow {
        out.push((slo_slow_path(project), one("30m", slow, Vec::new())));
    }
    Some((out, skipped))
}

/// The alert test chunk of each rule file, on one core.
fn rule_file_chunks(m: &Model) -> Vec<Chunk> {
    let colours = alert_colours(m);
    let mut runs = 0;
    super::rules::chunks(m)
        .into_iter()
        .map(|f| {
            let n = tier_runs(f.alerts).count();
            runs += n;
            alert_chunk(f.alerts, &colours[runs - n..runs])
        })
        .collect()
}

/// The alert tests, and the SLO tests when there are SLOs, on one core.
pub fn emit(m: &Model) -> (Vec<String>, Vec<String>) {
    (
        alert_files(m, rule_file_chunks(m))
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        slo_file(m)
            .map(|(files, _)| files.into_iter().map(|(_, t)| t).collect())
            .unwrap_or_default(),
    )
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

    /// With the reasons for alerts without tests after the header, in alert order; the
    /// shared groups built as typed values.
    fn whole(m: &Model) -> String {
        let colours = alert_colours(m);
        let mut packs: BTreeMap<PackKey, TestGroup> = BTreeMap::new();
        let mut solo = Vec::new();
        let mut notes = String::new();
        for (tiers, colour) in tier_runs(&m.alerts).zip(&colours) {
            let groups = match alert_tests(tiers) {
                Ok(t) => t,
                Err(why) => {
                    notes.push_str(&format!(
                        "# no generated test for {}: {why}\n",
                        tiers[0].name
                    ));
                    continue;
                }
            };
            let Some(c) = colour else {
                solo.extend(groups);
                continue;
            };
            for (i, g) in groups.into_iter().enumerate() {
                let p = packs
                    .entry((g.interval, *c, i as u32))
                    .or_insert_with(|| TestGroup {
                        name: String::new(),
                        interval: g.interval,
                        input_series: Vec::new(),
                        alert_rule_test: Vec::new(),
                    });
                p.input_series.extend(g.input_series);
                p.alert_rule_test.extend(g.alert_rule_test);
            }
        }
        let n = packs.len();
        let mut tests: Vec<TestGroup> = packs
            .into_values()
            .enumerate()
            .map(|(k, mut g)| {
                g.name = pack_name(k + 1, n, g.alert_rule_test.len());
                g
            })
            .collect();
        tests.extend(solo);
        let body = super::super::yaml(&TestFile {
            rule_files: vec![rules_path(m, 0)],
            evaluation_interval: "1m",
            tests,
        });
        let (header, rest) = body.split_once('\n').unwrap();
        format!("{header}\n{notes}{rest}")
    }

    /// The alert test file of chunks of `size` alerts, without the comments naming cases.
    fn joined(m: &Model, size: usize) -> String {
        let colours = alert_colours(m);
        let mut runs = 0;
        let mut chunks = Vec::new();
        for alerts in crate::model::alert_chunks(&m.alerts, size) {
            let n = tier_runs(alerts).count();
            chunks.push(alert_chunk(alerts, &colours[runs..runs + n]));
            runs += n;
        }
        let text = files(vec![rules_path(m, 0)], "1m", chunks, false).remove(0);
        let cases = text.lines().filter(|l| l.starts_with("  # ")).count();
        assert_eq!(cases, text.matches("\n  - eval_time: ").count());
        text.lines()
            .filter(|l| !l.starts_with("  # "))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn model(text: &str) -> Model {
        let src = crate::diag::source::Source::new("monitoring.toml", text.to_string());
        let mut diags = crate::diag::Diags::default();
        crate::compile(&src, &mut diags).expect("the config compiles")
    }

    /// Past 500 alerts, each rule file has a test file that loads it (and the first, which
    /// holds the recording rules) and tests its alerts only.
    #[test]
    fn each_rule_file_has_a_test_file_of_its_own() {
        let text = format!(
            "{}\n[[record]]\nname = \"job:up:sum\"\nexpr = \"sum by (job) (up)\"\n",
            crate::synth::generate(60, 600)
        );
        let m = model(&text);
        let b = crate::emit::emit(&m);
        // In the order of the rule files.
        let files = |at: &dyn Fn(usize) -> String| -> Vec<(String, &String)> {
            (0..)
                .map(at)
                .map_while(|p| b.files.get(&p).map(|t| (p, t)))
                .collect()
        };
        let rules = files(&|n| crate::emit::rules::chunk_path("synth", n));
        let tests = files(&|n| match n {
            0 => path("synth"),
            n => format!("prometheus/tests/synth.rules-{}.test.yml", n + 1),
        });
        let count = |dir: &str| b.files.keys().filter(|p| p.starts_with(dir)).count();
        assert_eq!((rules.len(), count("prometheus/rules/synth.rules")), (2, 2));
        assert_eq!((tests.len(), count("prometheus/tests/synth.rules")), (2, 2));
        let prometheus = &b.files["prometheus/prometheus.yml"];
        for (n, (path, text)) in rules.iter().enumerate() {
            let (_, name) = path.rsplit_once('/').unwrap();
            assert!(prometheus.contains(&format!("- rules/{name}\n")), "{name}");
            assert_eq!(text.contains("record: job:up:sum"), n == 0, "{name}");
        }
        for a in &m.alerts {
            let rule = format!("- alert: {}\n", a.name);
            let test = format!("    alertname: {}\n", a.name);
            let holds = |files: &[(String, &String)]| -> Vec<usize> {
                let found = files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.1.contains(&rule) || f.1.contains(&test));
                found.map(|(i, _)| i).collect()
            };
            let r = holds(&rules);
            assert_eq!(r.len(), 1, "{}", a.name);
            let t = holds(&tests);
            assert!(
                t.is_empty() || t == r,
                "{}: rules {r:?}, tests {t:?}",
                a.name
            );
        }
        for (n, (path, text)) in tests.iter().enumerate() {
            let own = rules_path(&m, n);
            let head = if n == 0 {
                format!("rule_files:\n- {own}\n")
            } else {
                format!("rule_files:\n- {}\n- {own}\n", rules_path(&m, 0))
            };
            assert!(text.contains(&head), "{path}: {head}");
        }
    }

    #[test]
    fn chunks_join_into_the_file_serialized_at_once() {
        let synth = crate::synth::generate(5, 60);
        for text in [
            include_str!("../../examples/claude-code/monitoring.toml").to_string(),
            synth,
        ] {
            let m = model(&text);
            assert_eq!(joined(&m, 7), whole(&m));
            assert_eq!(joined(&m, 1000), whole(&m));
        }
        let mut m = model(include_str!("../../examples/claude-code/monitoring.toml"));
        m.alerts.clear();
        assert_eq!(joined(&m, 7), whole(&m));
    }
}
