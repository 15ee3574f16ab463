//! `saturation`: `used / on (..) group_left () capacity`, as a ratio; vector matching between
//! the two jobs' series is explicit. `used` may be a counter of seconds (CPU), then it is
//! wrapped in `rate(..[window])`.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::cx::Cx;
use crate::gofmt;
use crate::load::RawAlert;
use crate::quantity::Duration;
use crate::promql::selector::{Query, Selector};
use crate::series::{Onset, 
    Case, Cases, InputSeries, Labels, TEST_VALUE, counter, eval_after, gauge, labels_for, samples, series,
    sides, with_by,
};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Saturation {
    pub used: Query,
    pub capacity: Query,
    pub on: Vec<String>,
    /// Set when `used` is a counter: the window of its rate.
    pub rate_window: Option<Duration>,
    /// Whether `capacity` is one operand (a selector, a call, an aggregation), which needs
    /// no parentheses of its own inside `(capacity > 0)`: parsed once, at build.
    pub capacity_operand: bool,
}

impl Kind for Saturation {
    const NAME: &'static str = "saturation";
    const KEYS: &'static [Key] = &[
        ("used", true),
        ("capacity", true),
        ("on", true),
        ("used_is_counter", false),
        ("window", false),
        ("above", false),
        ("below", false),
    ];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Ratio],
            help: "write a ratio such as `\"5%\"` or `0.05`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        Some(Saturation {
            used: Query::read(a.used.as_ref()?.get_ref()),
            capacity_operand: match Query::read(a.capacity.as_ref()?.get_ref()) {
                Query::Selector(_) => true,
                Query::Expr(e) => crate::promql::parse::is_operand(&e),
            },
            capacity: Query::read(a.capacity.as_ref()?.get_ref()),
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
                .then_some(env.window),
        })
    }

    fn unit(&self) -> Unit {
        Unit::Ratio
    }

    fn value(&self, _: &Condition) -> String {
        let used = match self.rate_window {
            Some(w) => format!("rate({}[{w}])", self.used.text()),
            None => self.used.atom(),
        };
        // A capacity of 0 (a host reporting no memory yet) would make the ratio +Inf and
        // fire: it is left out instead.
        let capacity = if self.capacity_operand {
            self.capacity.text().to_string()
        } else {
            self.capacity.atom()
        };
        format!(
            "{used}\n/ on ({}) group_left ()\n({capacity} > 0)",
            self.on.join(", "),
        )
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        false
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        let mut reads = self.used.reads()?;
        reads.extend(self.capacity.reads()?);
        Some(reads)
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        let used = self.used.metrics().into_iter().map(|m| ("used", m));
        let capacity = self.capacity.metrics().into_iter().map(|m| ("capacity", m));
        used.chain(capacity).collect()
    }

    /// `used` at each side of the threshold of a capacity of 1000 units (a selector) or of
    /// four series (`count by (..) (selector)`).
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let (f, s) = sides(t, c.above(), true);
        // A selector, with an `offset` (CloudWatch's `x offset 10m`) unless it is a counter.
        let (u, u_offset) = offset_operand(&self.used)
            .filter(|(_, o)| self.rate_window.is_none() || *o == Duration(0))
            .ok_or("`used` is not a plain selector")?;
        let mut ul = with_by(
            labels_for(&u).ok_or("ccmon cannot derive series for `used`")?,
            &self.on,
        );
        ul.entry("instance".into())
            .or_insert_with(|| format!("{TEST_VALUE}:9"));
        let (cap_series, cap, c_offset) = self.capacity_series(&ul)?;
        let lead = Duration(self.rate_window.unwrap_or(Duration(0)).millis() + u_offset.max(c_offset).millis());
        let eval = eval_after(c.for_, lead);
        let n = samples(eval);
        let case = |r: f64| {
            let mut series_list = vec![InputSeries {
                series: series(&u.metric, &ul),
                values: match self.rate_window {
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
        Ok(Cases {
            onset: Onset::Unknown,
            eval,
            fire: case(f),
            silent: Some(case(s)),
            fire_shows: gofmt::humanize_percentage(f),
            silent_shows: gofmt::humanize_percentage(s),
        })
    }
}

impl Saturation {
    /// The capacity's series with the `on` labels of `used`, the capacity they hold, and the
    /// selector's `offset`.
    fn capacity_series(
        &self,
        used: &Labels,
    ) -> Result<CapacitySeries, String> {
        use promql_parser::parser::Expr;
        let with_on = |mut l: Labels| {
            for name in &self.on {
                l.insert(name.clone(), used.get(name).cloned().unwrap_or_default());
            }
            l
        };
        if let Some((c, offset)) = offset_operand(&self.capacity) {
            let cl = labels_for(&c).ok_or("ccmon cannot derive series for `capacity`")?;
            return Ok((vec![(c.metric.to_string(), with_on(cl))], 1000.0, offset));
        }
        let neither = "`capacity` is neither a selector nor `count by (..) (selector)`";
        let Ok(Expr::Aggregate(agg)) = crate::promql::parse_ast(self.capacity.text()) else {
            return Err(neither.into());
        };
        if !matches!(*agg.expr, Expr::VectorSelector(_)) || agg.op.to_string() != "count" {
            return Err(neither.into());
        }
        let c = Selector::parse(&agg.expr.to_string())
            .map_err(|_| "ccmon cannot read `capacity`".to_string())?;
        let base = labels_for(&c).ok_or("ccmon cannot derive series for `capacity`")?;
        let series = (0..4)
            .map(|i| {
                let mut cl = with_on(base.clone());
                cl.insert("ccmon_series".into(), i.to_string());
                (c.metric.to_string(), cl)
            })
            .collect();
        Ok((series, 4.0, Duration(0)))
    }
}

/// The capacity's series (name, labels), the capacity they hold, and their `offset`.
type CapacitySeries = (Vec<(String, Labels)>, f64, Duration);

/// A selector, with its `offset` if it has one.
fn offset_operand(q: &Query) -> Option<(Selector, Duration)> {
    match q.selector() {
        Some(s) => Some((s.clone(), Duration(0))),
        // Parsed only when it may be one: parsing every capacity costs more than the rest of
        // the case.
        None if q.text().contains("offset") => {
            crate::series::offset_selector(&crate::promql::parse_ast(q.text()).ok()?)
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    fn above(v: f64) -> Condition {
        Condition {
            for_: Duration(0),
            threshold: Some((
                Cmp::Above,
                Quantity::Ratio {
                    value: v,
                    percent: true,
                },
            )),
        }
    }

    #[test]
    fn a_counter_is_rated_and_a_count_of_cores_is_four_series() {
        let k = Saturation {
            used: Query::read(r#"cpu_seconds_total{job="api"}"#),
            capacity: Query::read(r#"count by (host) (node_cpu{mode="idle"})"#),
            on: vec!["host".into()],
            rate_window: Some(Duration::from_secs(300)),
            capacity_operand: true,
        };
        assert_eq!(
            k.condition(&above(0.8)),
            "rate(cpu_seconds_total{job=\"api\"}[5m])\n/ on (host) group_left ()\n(count by (host) (node_cpu{mode=\"idle\"}) > 0) > 0.8"
        );
        let cases = k.cases(&above(0.8)).unwrap();
        assert_eq!(cases.fire.series.len(), 5);
        assert_eq!(
            k.sources(),
            [("used", "cpu_seconds_total".into()), ("capacity", "node_cpu".into())]
        );
    }
}
