//! `changes`: a series changed value more than N times over a period: restarts
//! (`process_start_time_seconds`), flapping states, config reloads. Each series on its own:
//! `changes(metric[over]) > N`.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::selector::Selector;
use crate::quantity::{Duration, fmt_num};
use crate::series::{Onset, Case, Cases, minutes, scraped_labels};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Changes {
    pub metric: Selector,
    pub over: Duration,
}

impl Kind for Changes {
    const NAME: &'static str = "changes";
    const KEYS: &'static [Key] = &[("metric", true), ("over", true), ("above", false)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Number],
            help: "write how many changes, such as `above = 3`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        let over = cx.positive_duration(a.over.as_ref(), Duration::from_secs(3600));
        Some(Changes {
            metric: super::selector(cx, &a.metric, "metric")?,
            over,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Count
    }

    fn value(&self, _: &Condition) -> String {
        format!("changes({}[{}])", self.metric, self.over)
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        self.metric.sure
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::of(&self.metric)])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        vec![("metric", self.metric.metric.to_string())]
    }

    /// A series that changes a whole number of times, one change a minute, just before the
    /// evaluation: twice the threshold (fires), then half of it (silent). The changes stay in
    /// the window for `for` only if `for` and the changes fit in `over`.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let fire = if t < 0.0 { 0.0 } else { (2.0 * t).floor().max(t.floor() + 1.0) };
        let silent = if t <= 0.0 { return Err("a threshold under 1 leaves no silent case".into()) } else { (t / 2.0).floor() };
        let window = minutes(self.over);
        if minutes(c.for_) + fire as u64 + 1 > window {
            return Err(format!(
                "its `for` and {} changes do not fit in `over = \"{}\"`: the first change leaves the window before the alert fires",
                fmt_num(fire),
                self.over
            ));
        }
        let labels = scraped_labels(&self.metric)?;
        // Steady for ten minutes, then `k` changes a minute apart, then steady until the
        // evaluation `for` and a minute later.
        let calm = 10;
        let eval = Duration((calm + fire as u64 + minutes(c.for_) + 1) * 60_000);
        let case = |k: f64| {
            let k = k as u64;
            let after = minutes(eval) + 5 - calm - k;
            let values = if k == 0 {
                format!("0x{}", minutes(eval) + 5)
            } else {
                format!("0x{calm} 1+1x{} {k}x{after}", k - 1)
            };
            Case::single(&self.metric.metric, &labels, values, k as f64)
        };
        Ok(Cases {
            eval,
            // `0x{calm}` is `calm + 1` samples: the first change is a minute later.
            onset: Onset::Count(Duration((calm + 1) * 60_000)),
            fire: case(fire),
            silent: Some(case(silent)),
            fire_shows: format!("{} changes", fmt_num(fire)),
            silent_shows: format!("{} changes", fmt_num(silent)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn restarts_are_counted_per_series_over_the_period() {
        let k = Changes {
            metric: Selector::parse("process_start_time_seconds{job=\"api\"}").unwrap(),
            over: Duration::from_secs(3600),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Above, Quantity::Number(3.0))),
        };
        assert_eq!(
            k.condition(&c),
            "changes(process_start_time_seconds{job=\"api\"}[1h]) > 3"
        );
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (6.0, 1.0));
        assert_eq!(cases.fire.series[0].values, "0x10 1+1x5 6x6");
        let long_for = Condition {
            for_: Duration::from_secs(3600),
            ..c
        };
        assert!(k.cases(&long_for).is_err());
    }
}
