//! Synthetic input series for the generated rule tests (`promtool test rules`): the pieces
//! every alert kind and SLO uses to build a case where its condition holds and one where it
//! does not.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::promql::quote;
use crate::promql::selector::{LabelMatcher, MatchOp, Selector};
use crate::quantity::Duration;

/// The label every synthetic series carries where nothing else is required.
pub const TEST_VALUE: &str = "ccmon-test";

pub type Labels = BTreeMap<String, String>;

/// One input series of a test group, in promtool's expanding notation.
#[derive(Debug, Serialize)]
pub struct InputSeries {
    pub series: String,
    pub values: String,
}

/// One side of an alert's test: the series, the labels of the alert's series (before the
/// rule's own labels) and the value the alert then holds.
pub struct Case {
    pub series: Vec<InputSeries>,
    pub labels: Labels,
    pub value: f64,
}

impl Case {
    /// One series of `name` with `labels`, holding `values`; the alert then has `value`.
    pub fn single(name: &str, labels: &Labels, values: String, value: f64) -> Case {
        Case {
            series: vec![InputSeries {
                series: series(name, labels),
                values,
            }],
            labels: labels.clone(),
            value,
        }
    }
}

/// Labels of a series a selector reads, as scraped: its matchers satisfied, and an
/// `instance` where the selector sets none.
pub fn scraped_labels(sel: &Selector) -> Result<Labels, String> {
    let mut labels = labels_for(sel).ok_or("ccmon cannot derive series for its selector")?;
    labels
        .entry("instance".into())
        .or_insert_with(|| format!("{TEST_VALUE}:9"));
    Ok(labels)
}

/// One scraped series standing for a gauge-like expression: a selector, or one `sum`, `max`,
/// `min` or `avg` of a selector (`by (..)`, `without (..)` or neither), whose value on a
/// single series is that series' value. `kept` are the labels the expression keeps of it.
pub struct GaugeSeries {
    pub metric: String,
    pub labels: Labels,
    pub kept: Labels,
    /// The selector's `offset` (CloudWatch exporters' `x offset 10m`): the case must hold
    /// its value that much longer.
    pub offset: Duration,
    /// For a sum of two selectors (`active + backup`), the second one's series: held at 0,
    /// with the first one's labels, so that the sum is the first one's value.
    pub zero: Option<(String, Labels)>,
}

/// The selector of `e` without its `offset`, and the offset; `None` for another expression,
/// an `@` modifier or a negative offset.
pub fn offset_selector(e: &promql_parser::parser::Expr) -> Option<(Selector, Duration)> {
    use promql_parser::parser::{Expr, Offset};
    let Expr::VectorSelector(vs) = e else {
        return None;
    };
    if vs.at.is_some() {
        return None;
    }
    let offset = match &vs.offset {
        None => Duration(0),
        Some(Offset::Pos(d)) => Duration(u64::try_from(d.as_millis()).ok()?),
        Some(Offset::Neg(_)) => return None,
    };
    let mut plain = vs.clone();
    plain.offset = None;
    let sel = Selector::parse(&Expr::VectorSelector(plain).to_string()).ok()?;
    Some((sel, offset))
}

impl GaugeSeries {
    pub fn of(q: &crate::promql::selector::Query) -> Result<GaugeSeries, String> {
        use promql_parser::parser::{Expr, LabelModifier};
        let single = |sel: &Selector, offset| -> Result<GaugeSeries, String> {
            let labels = scraped_labels(sel)?;
            let mut kept = labels.clone();
            kept.remove("__name__");
            Ok(GaugeSeries {
                metric: sel.metric.to_string(),
                labels,
                kept,
                offset,
                zero: None,
            })
        };
        if let Some(sel) = q.selector() {
            return single(sel, Duration(0));
        }
        let not = "its expression is neither a selector nor a sum, max, min or avg of one";
        let ast = crate::promql::parse_ast(q.text()).map_err(|_| not.to_string())?;
        if let Some((sel, offset)) = offset_selector(&ast) {
            return single(&sel, offset);
        }
        // `a + b` of two selectors matched one to one: `b` at 0 with `a`'s labels.
        if let Expr::Binary(b) = &ast
            && b.op.to_string() == "+"
            && b.modifier.is_none()
            && let (Some((lhs, Duration(0))), Some((rhs, Duration(0)))) =
                (offset_selector(&b.lhs), offset_selector(&b.rhs))
        {
            let mut g = single(&lhs, Duration(0))?;
            let mut labels = g.labels.clone();
            for m in &rhs.matchers {
                let v = satisfying(m).ok_or(not)?;
                if labels.get(m.name.as_ref()).is_some_and(|x| *x != v) {
                    return Err(not.into());
                }
                labels.insert(m.name.to_string(), v);
            }
            g.labels = labels.clone();
            g.kept = labels.clone();
            g.kept.remove("__name__");
            labels.remove("__name__");
            g.zero = Some((rhs.metric.to_string(), labels));
            return Ok(g);
        }
        let Expr::Aggregate(agg) = ast else {
            return Err(not.into());
        };
        let op = agg.op.to_string();
        if !["sum", "max", "min", "avg"].contains(&op.as_str()) {
            return Err(not.into());
        }
        let (sel, offset) = offset_selector(&agg.expr).ok_or(not)?;
        let names = |m: &LabelModifier| -> Vec<String> {
            m.labels().labels.iter().map(|l| l.to_string()).collect()
        };
        let (labels, kept) = match &agg.modifier {
            Some(m @ LabelModifier::Include(_)) => {
                let by = names(m);
                let labels = with_by(scraped_labels(&sel)?, &by);
                let kept = only(&labels, &by);
                (labels, kept)
            }
            Some(m @ LabelModifier::Exclude(_)) => {
                let without = names(m);
                let labels = scraped_labels(&sel)?;
                let kept = labels
                    .iter()
                    .filter(|(k, _)| *k != "__name__" && !without.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                (labels, kept)
            }
            None => (scraped_labels(&sel)?, Labels::new()),
        };
        Ok(GaugeSeries {
            metric: sel.metric.to_string(),
            labels,
            kept,
            offset,
            zero: None,
        })
    }

    /// A case where the series holds `values` and the expression is `value`.
    pub fn case(&self, values: String, value: f64) -> Case {
        // As many zeros as `values` has samples (`<v>x<n>`).
        let zeros = format!("0x{}", values.rsplit_once('x').map_or("0", |(_, n)| n));
        let mut c = Case::single(&self.metric, &self.labels, values, value);
        c.labels = self.kept.clone();
        if let Some((metric, labels)) = &self.zero {
            c.series.push(InputSeries {
                series: series(metric, labels),
                values: zeros,
            });
        }
        c
    }
}

/// When the firing case's condition starts to hold, so that its checks can be made at the
/// exact minute `for` has passed (a doubled `for` then fails them) and a minute before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Onset {
    /// ccmon cannot tell to the minute: the case is checked at `eval` only.
    Unknown,
    /// The value is there, whole, from this time on (a gauge, a state, no series at all).
    At(Duration),
    /// A counter growing steadily from 0, seen through a range of this length (`rate`,
    /// `increase`): in minute `m` the value is the whole one times `m / range` until the
    /// range is full, as nothing is extrapolated below zero (Prometheus 2 and 3 agree).
    Ramp(Duration),
    /// One change a minute from this time on (`changes`): in minute `from + j` the value is
    /// `j + 1`, up to the whole one.
    Count(Duration),
}

impl Onset {
    /// The value at `t` of a case whose whole value is `full`; `None` before any.
    pub fn value_at(self, full: f64, t: Duration) -> Option<f64> {
        let m = t.millis() / 60_000;
        match self {
            Onset::Unknown => None,
            Onset::At(d) => (t >= d).then_some(full),
            Onset::Ramp(range) => {
                let r = range.millis() as f64 / 60_000.0;
                (m >= 1).then(|| {
                    if m as f64 >= r {
                        full
                    } else {
                        full * m as f64 / r
                    }
                })
            }
            Onset::Count(from) => {
                let from = minutes(from);
                (m >= from).then(|| ((m - from + 1) as f64).min(full))
            }
        }
    }

    /// The first whole minute at which the value crosses `threshold` (`above` it, or below),
    /// every minute before it clearly not: `None` when a minute of a ramp comes too close to
    /// the threshold to tell from float rounding, or a range holds fewer than three samples.
    pub fn since(self, full: f64, threshold: Option<(bool, f64)>) -> Option<Duration> {
        let last = match self {
            Onset::Unknown => return None,
            Onset::At(d) => return Some(Duration(minutes(d) * 60_000)),
            Onset::Ramp(range) if range.millis() < 120_000 => return None,
            Onset::Ramp(range) => minutes(range),
            Onset::Count(from) => minutes(from) + full.clamp(0.0, 1e6) as u64,
        };
        let (above, th) = threshold?;
        for m in 0..=last {
            let t = Duration(m * 60_000);
            let Some(v) = self.value_at(full, t) else {
                continue;
            };
            let d = if above { v - th } else { th - v };
            // Counts are whole numbers; a ramp's value comes out of Prometheus' float
            // arithmetic, which may land either side of a threshold it meets.
            let ramp = matches!(self, Onset::Ramp(_));
            if ramp && d.abs() <= 1e-9 * th.abs().max(1.0) {
                return None;
            }
            if d > 0.0 {
                return Some(t);
            }
        }
        None
    }
}

/// Both sides of an alert's test, evaluated at `eval`, with what each side shows (for the
/// names of the test groups).
pub struct Cases {
    pub eval: Duration,
    /// When the firing case's condition starts to hold.
    pub onset: Onset,
    pub fire: Case,
    /// `None` for a kind that never stays silent (a heartbeat).
    pub silent: Option<Case>,
    pub fire_shows: String,
    pub silent_shows: String,
}

/// A value that satisfies a matcher, if one of a few natural candidates does.
pub fn satisfying(m: &LabelMatcher) -> Option<String> {
    match m.op {
        MatchOp::Eq => return Some(m.value.to_string()),
        MatchOp::Ne if &*m.value != TEST_VALUE => return Some(TEST_VALUE.to_string()),
        _ => {}
    }
    let candidates = [
        m.value.to_string(),
        m.value
            .replace(".*", "")
            .replace(".+", "x")
            .replace('.', "0"),
        m.value.split('|').next().unwrap_or("").to_string(),
        TEST_VALUE.to_string(),
        "500".into(),
        "0".into(),
    ];
    candidates
        .into_iter()
        .find(|c| !c.is_empty() && m.op.matches(&m.value, c))
}

/// A value that fails a matcher (to make a series a selector does not count).
pub fn failing(m: &LabelMatcher) -> Option<String> {
    ["ok", "200", TEST_VALUE, "0", "x"]
        .into_iter()
        .map(str::to_string)
        .find(|c| !m.op.matches(&m.value, c))
}

/// Labels that satisfy every matcher of a selector, if ccmon can find them.
pub fn labels_for(sel: &Selector) -> Option<Labels> {
    labels_for_all(&sel.matchers)
}

/// Labels that satisfy every matcher, if ccmon can find them.
pub fn labels_for_all(matchers: &[LabelMatcher]) -> Option<Labels> {
    let mut l = Labels::new();
    for m in matchers {
        let v = satisfying(m)?;
        if let Some(prev) = l.get(&*m.name) {
            if !m.op.matches(&m.value, prev) {
                return None;
            }
            continue;
        }
        l.insert(m.name.to_string(), v);
    }
    if l.values().any(|v| v.is_empty()) {
        return None;
    }
    Some(l)
}

/// `name{a="1", b="2"}`.
pub fn series(name: &str, labels: &Labels) -> String {
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
pub fn counter(per_minute: f64, n: u64) -> String {
    format!("0+{per_minute}x{n}")
}

/// A gauge holding `v` for `n` minutes.
pub fn gauge(v: f64, n: u64) -> String {
    format!("{v}x{n}")
}

/// Values on each side of a threshold `t` for a comparison `above` it or not: (firing,
/// silent). `bounded` keeps them at most 1 (ratios).
pub fn sides(t: f64, above: bool, bounded: bool) -> (f64, f64) {
    let up = if bounded && t > 0.5 {
        (1.0 + t) / 2.0
    } else if t > 0.0 {
        2.0 * t
    } else {
        t + 1.0
    };
    let down = if t > 0.0 { t / 2.0 } else { t - 1.0 };
    if above { (up, down) } else { (down, up) }
}

/// Labels of the synthetic series for an aggregation `by (..)`: the selector's own, plus a
/// test value for every grouping label it does not set.
pub fn with_by(mut l: Labels, by: &[String]) -> Labels {
    for b in by {
        l.entry(b.clone()).or_insert_with(|| TEST_VALUE.into());
    }
    l
}

/// The labels of `l` named in `keys`.
pub fn only(l: &Labels, keys: &[String]) -> Labels {
    l.iter()
        .filter(|(k, _)| keys.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Minutes, rounded up.
pub fn minutes(d: Duration) -> u64 {
    d.millis().div_ceil(60_000)
}

/// How long a case runs: until `eval`, plus five minutes.
pub fn samples(eval: Duration) -> u64 {
    minutes(eval) + 5
}

/// The evaluation time of a case: `for`, the range window (zero for an instant condition),
/// and a five-minute margin.
pub fn eval_after(for_: Duration, window: Duration) -> Duration {
    Duration(for_.millis() + window.millis() + 5 * 60_000)
}

/// Whether `values` is in promtool's expanding notation: space-separated items, each `_`,
/// `stale`, a number, or `a+bxn` / `a-bxn` / `axn` (`a` then `n` more steps of `b`).
pub fn check_values(values: &str) -> Result<(), String> {
    let number = |s: &str| s.parse::<f64>().is_ok() || ["Inf", "+Inf", "-Inf", "NaN"].contains(&s);
    let mut any = false;
    for item in values.split_whitespace() {
        any = true;
        if item == "_" || item == "stale" || number(item) {
            continue;
        }
        let (head, times) = item
            .rsplit_once('x')
            .ok_or_else(|| format!("`{item}` is no value"))?;
        times
            .parse::<u64>()
            .map_err(|_| format!("`{item}`: `{times}` is no count of steps"))?;
        if head == "_" || number(head) {
            continue;
        }
        // `a+b` or `a-b`, where `a` may itself start with a sign.
        let split = head
            .char_indices()
            .skip(1)
            .find(|(i, c)| (*c == '+' || *c == '-') && !head[..*i].ends_with(['e', 'E']))
            .map(|(i, _)| i)
            .ok_or_else(|| format!("`{item}` is no value"))?;
        let (a, b) = (&head[..split], &head[split + 1..]);
        if !number(a) || !number(b) {
            return Err(format!("`{item}` is no value"));
        }
    }
    if any { Ok(()) } else { Err("no value".into()) }
}

#[cfg(test)]
mod tests {
    use super::{Duration, Onset, check_values};

    #[test]
    fn promtool_value_notation_is_read_as_promtool_reads_it() {
        for ok in [
            "0x10",
            "0+1000x300 300929.44+929.44x68",
            "1 2 _ stale 4",
            "-1-1x3",
            "1e3+1e-3x5",
            "_x3",
            "NaN Inf -Inf",
            "0 1+1x2 5x4",
        ] {
            assert_eq!(check_values(ok), Ok(()), "{ok}");
        }
        for bad in ["", "200 x 10", "a", "1+x3", "1+2x", "1+2xa"] {
            assert!(check_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_onset_says_the_minute_a_threshold_is_crossed() {
        let min = |m: u64| Duration(m * 60_000);
        // Twice the threshold over 5m: 2/5, 4/5, 6/5 of it in minutes 1, 2, 3.
        assert_eq!(
            Onset::Ramp(min(5)).since(20.0, Some((true, 10.0))),
            Some(min(3))
        );
        assert_eq!(Onset::Ramp(min(5)).value_at(20.0, min(3)), Some(12.0));
        assert_eq!(Onset::Ramp(min(5)).value_at(20.0, min(9)), Some(20.0));
        // Half of it, below: from the first minute with two samples.
        assert_eq!(
            Onset::Ramp(min(5)).since(5.0, Some((false, 10.0))),
            Some(min(1))
        );
        // Twice the threshold over 4m meets it in minute 2: too close to call.
        assert_eq!(Onset::Ramp(min(4)).since(20.0, Some((true, 10.0))), None);
        assert_eq!(Onset::Ramp(min(1)).since(20.0, Some((true, 10.0))), None);
        // Changes from minute 11: 1, 2, 3, 4; above 3 from minute 14, exactly.
        assert_eq!(
            Onset::Count(min(11)).since(6.0, Some((true, 3.0))),
            Some(min(14))
        );
        assert_eq!(Onset::Count(min(11)).value_at(6.0, min(30)), Some(6.0));
        assert_eq!(Onset::At(Duration(90_000)).since(1.0, None), Some(min(2)));
        assert_eq!(Onset::Unknown.since(1.0, Some((true, 0.0))), None);
        assert_eq!(Onset::Ramp(min(5)).since(20.0, None), None);
    }
}
