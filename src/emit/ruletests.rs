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
use crate::model::{Alert, Model, Sli, Slo, SloTier, Tier, tier_runs};
use crate::quantity::{Duration, fmt_num};
use crate::series::{
    Case, InputSeries, Labels, failing, labels_for, labels_for_all, minutes, series,
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

/// The test groups of a firing case and a silent one, with the rules expected to fire in
/// each (one rule, or the tiers of an alert the case's value crosses).
fn case_groups(
    alertname: &str,
    (fire_by, silent_by): (Firing, Firing),
    eval: Duration,
    fire: Case,
    silent: Option<Case>,
    what: (&str, &str),
) -> Result<Vec<TestGroup>, String> {
    let eval_time = eval.to_string();
    let mut groups = vec![TestGroup {
        name: format!("{alertname} fires: {}", what.0),
        interval: "1m",
        alert_rule_test: vec![AlertTest {
            eval_time: eval_time.clone(),
            alertname: alertname.to_string(),
            exp_alerts: exp_alerts(&fire, &fire_by)?,
        }],
        input_series: fire.series,
    }];
    if let Some(silent) = silent {
        let exp_alerts = exp_alerts(&silent, &silent_by)?;
        groups.push(TestGroup {
            name: if exp_alerts.is_empty() {
                format!("{alertname} stays silent: {}", what.1)
            } else {
                format!("{alertname} stays at lower tiers: {}", what.1)
            },
            interval: "1m",
            input_series: silent.series,
            alert_rule_test: vec![AlertTest {
                eval_time,
                alertname: alertname.to_string(),
                exp_alerts,
            }],
        });
    }
    Ok(groups)
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
        groups.extend(case_groups(
            &a.name,
            (by(Some(cases.fire.value), true)?, silent_by),
            cases.eval,
            cases.fire,
            cases.silent,
            (&cases.fire_shows, &cases.silent_shows),
        )?);
    }
    Ok(groups)
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
                    let sc = Scenario { pre, burst, r, per_min, step };
                    firing_pairs(tier, hold, budget, &sc, Duration(pre.millis() + burst.millis())).is_ok()
                })
            })
            .ok_or_else(|| format!("its {}/{} window pair cannot be told apart from the others in a generated case", w.long, w.short))?;
        let sc = |r| Scenario {
            pre,
            burst,
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
            (fire_by, by(lo)?),
            eval,
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
            eval_time: eval.to_string(),
            alertname: tier.alert.clone(),
            exp_alerts: Vec::new(),
        }],
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

/// The generated tests of a run of alerts: their groups as items of the file's `tests`
/// sequence, and why some alerts have none.
pub struct Chunk {
    items: String,
    skipped: Vec<String>,
}

impl Chunk {
    /// `Name: why` of each alert of the chunk without a test.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

/// The tests of some alerts. Large configs are cut into runs of alerts written on every core
/// (`crate::par`) and then joined by [`alert_file`].
pub fn alert_chunk(alerts: &[Alert]) -> Chunk {
    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    for tiers in tier_runs(alerts) {
        match alert_tests(tiers) {
            Ok(t) => tests.extend(t),
            Err(why) => skipped.push(format!("{}: {why}", tiers[0].name)),
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

/// The SLO test file, when there are SLOs, and `Name: why` of each SLO alert without a test.
/// The SLO test files (path and text: the 5-minute one, and the 30-minute one when a tier
/// allows it), and why some tiers have no test.
pub type SloFiles = (Vec<(String, String)>, Vec<String>);

/// The SLO test files of a model: see [`SloFiles`].
pub fn slo_file(m: &Model) -> Option<SloFiles> {
    if m.slos.is_empty() {
        return None;
    }
    let (mut tests, mut slow) = (Vec::new(), Vec::new());
    let mut skipped = Vec::new();
    for slo in &m.slos {
        for tier in &slo.tiers {
            match slo_tests(slo, tier) {
                Ok((t, false)) => tests.extend(t),
                Ok((t, true)) => slow.extend(t),
                Err(why) => skipped.push(format!("{}: {why}", tier.alert)),
            }
        }
    }
    let project = &m.project.name;
    let mut files = vec![(
        slo_path(project),
        file(rules_path(m), "5m", vec![chunk(&tests, skipped.clone())]),
    )];
    if !slow.is_empty() {
        files.push((
            slo_slow_path(project),
            file(rules_path(m), "30m", vec![chunk(&slow, Vec::new())]),
        ));
    }
    Some((files, skipped))
}

/// The alert tests, and the SLO tests when there are SLOs, on one core.
pub fn emit(m: &Model) -> (String, Vec<String>) {
    (
        alert_file(m, vec![alert_chunk(&m.alerts)]),
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

    /// With the reasons for alerts without tests after the header, in alert order.
    fn whole(m: &Model) -> String {
        let mut tests = Vec::new();
        let mut notes = String::new();
        for tiers in tier_runs(&m.alerts) {
            match alert_tests(tiers) {
                Ok(t) => tests.extend(t),
                Err(why) => notes.push_str(&format!(
                    "# no generated test for {}: {why}\n",
                    tiers[0].name
                )),
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
