//! `rate`: a counter's rate, scaled to the period the threshold names (`"100000 per hour"`
//! compares `rate(..) * 3600`). The period is read here, for the PromQL and the tests alike.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading, Grouping};
use crate::cx::Cx;
use crate::gofmt;
use crate::load::RawAlert;
use crate::quantity::{Duration, Quantity, fmt_num};
use crate::promql::selector::Selector;
use crate::series::{Onset, 
    Case, Cases, InputSeries, counter, eval_after, labels_for, samples, series, sides,
    with_by,
};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Rate {
    pub metric: Selector,
    pub by: Grouping,
    pub window: Duration,
}

impl Rate {
    /// The seconds of the period the threshold counts events in (1 for a plain rate).
    fn period(c: &Condition) -> f64 {
        match c.threshold {
            Some((_, Quantity::Rate { per, .. })) => per.secs_f64(),
            _ => 1.0,
        }
    }
}

impl Kind for Rate {
    const NAME: &'static str = "rate";
    const KEYS: &'static [Key] = &[
        ("metric", true),
        ("by", false),
        ("per_series", false),
        ("window", false),
        ("above", false),
        ("below", false),
    ];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Rate],
            help: "write a rate such as `\"100000 per hour\"` or `\"10 per minute\"`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let metric = super::selector(cx, &a.metric, "metric");
        let by = super::grouping(cx, a);
        Some(Rate {
            metric: metric?,
            by,
            window: env.window,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Count
    }

    fn value(&self, c: &Condition) -> String {
        let base = self
            .by
            .sum(&format!("rate({}[{}])", self.metric, self.window));
        let per = Self::period(c);
        if per == 1.0 {
            base
        } else {
            format!("{base} * {}", fmt_num(per))
        }
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        self.metric.sure && self.by.plain()
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::of(&self.metric)])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        vec![("metric", self.metric.metric.to_string())]
    }

    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        counter_cases(
            c,
            &self.metric,
            &self.by,
            self.window,
            Self::period(c) / 60.0,
        )
    }
}

/// A counter growing at the rate of each side of the threshold, which counts events per
/// `period_minutes`.
pub(super) fn counter_cases(
    c: &Condition,
    metric: &Selector,
    by: &Grouping,
    window: Duration,
    period_minutes: f64,
) -> Result<Cases, String> {
    let t = c.threshold_number().ok_or("no threshold")?;
    let (f, mut s) = sides(t, c.above(), false);
    // `> 0` (any growth at all): the silent side is a counter that does not grow.
    if c.above() && t == 0.0 {
        s = 0.0;
    }
    if f < 0.0 || s < 0.0 {
        return Err("a counter cannot grow at a negative rate".into());
    }
    let labels = with_by(
        labels_for(metric).ok_or("ccmon cannot derive series for its selector")?,
        by.set(),
    );
    let eval = eval_after(c.for_, window);
    let n = samples(eval);
    let case = |v: f64| Case {
        series: vec![InputSeries {
            series: series(&metric.metric, &labels),
            values: counter(v / period_minutes, n),
        }],
        labels: by.kept(&labels),
        value: v,
    };
    Ok(Cases {
        eval,
        onset: Onset::Ramp(window),
        fire: case(f),
        silent: Some(case(s)),
        fire_shows: gofmt::humanize(f),
        silent_shows: gofmt::humanize(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;

    #[test]
    fn the_period_scales_the_rate_and_the_test_counter_alike() {
        let k = Rate {
            metric: Selector::parse("t_total").unwrap(),
            by: Grouping::By(vec![]),
            window: Duration::from_secs(300),
        };
        let per_hour = Condition {
            for_: Duration(0),
            threshold: Some((
                Cmp::Above,
                Quantity::Rate {
                    value: 100_000.0,
                    per: Duration::from_secs(3600),
                },
            )),
        };
        assert_eq!(
            k.condition(&per_hour),
            "sum (rate(t_total[5m])) * 3600 > 100000"
        );
        // 200000 an hour is 200000/60 a minute.
        let cases = k.cases(&per_hour).unwrap();
        let step = 200_000.0 / 60.0;
        assert_eq!(cases.fire.series[0].values, format!("0+{step}x15"));
        let per_second = Condition {
            threshold: Some((
                Cmp::Below,
                Quantity::Rate {
                    value: 2.0,
                    per: Duration::from_secs(1),
                },
            )),
            ..per_hour
        };
        assert_eq!(k.condition(&per_second), "sum (rate(t_total[5m])) < 2");
    }
}
