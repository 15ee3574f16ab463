//! `predict_linear`: a gauge's trend over `window`, extended `horizon` ahead, crosses a
//! bound: the disk is full within 4 hours (`node_filesystem_avail_bytes` below 0).

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::selector::Selector;
use crate::quantity::{Duration, fmt_num};
use crate::series::{Onset, Case, Cases, eval_after, minutes, samples, scraped_labels, sides};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct PredictLinear {
    pub metric: Selector,
    pub window: Duration,
    pub horizon: Duration,
    pub unit: Option<Unit>,
}

impl Kind for PredictLinear {
    const NAME: &'static str = "predict_linear";
    const KEYS: &'static [Key] = &[
        ("metric", true),
        ("horizon", true),
        ("window", false),
        ("unit", false),
        ("above", false),
        ("below", false),
    ];

    fn expect(unit: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: match unit {
                Some(Unit::Bytes) => &[Reading::Number, Reading::Bytes],
                _ => &[Reading::Number],
            },
            help: "write the bound the predicted value must not cross, such as `below = 0`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let horizon = cx.positive_duration(a.horizon.as_ref(), Duration::from_secs(3600));
        Some(PredictLinear {
            metric: super::selector(cx, &a.metric, "metric")?,
            window: env.window,
            horizon,
            unit: env.unit,
        })
    }

    fn unit(&self) -> Unit {
        self.unit.unwrap_or(Unit::Count)
    }

    /// The value predicted `horizon` ahead.
    fn value(&self, _: &Condition) -> String {
        format!(
            "predict_linear({}[{}], {})",
            self.metric,
            self.window,
            fmt_num(self.horizon.secs_f64())
        )
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

    /// A gauge moving one unit a minute towards the bound, from where its prediction lands
    /// on each side of it (a straight line is predicted exactly).
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let (f, s) = sides(t, c.above(), false);
        let labels = scraped_labels(&self.metric)?;
        let eval = eval_after(c.for_, self.window);
        let n = samples(eval);
        // Rising toward a bound above, falling toward one below.
        let step: f64 = if c.above() { 1.0 } else { -1.0 };
        let ahead = (minutes(eval) + minutes(self.horizon)) as f64;
        let case = |predicted: f64| {
            let start = predicted - step * ahead;
            let values = format!("{}{}1x{n}", fmt_num(start), if step > 0.0 { "+" } else { "-" });
            Case::single(&self.metric.metric, &labels, values, predicted)
        };
        // The trend keeps going: the firing side must already hold `for` before `eval`, so
        // the prediction is `f` then and further past the bound at `eval`.
        let held = step * minutes(c.for_) as f64;
        Ok(Cases {
            onset: Onset::Unknown,
            eval,
            fire: case(f + held),
            silent: Some(case(s)),
            fire_shows: format!("predicted {}", fmt_num(f)),
            silent_shows: format!("predicted {}", fmt_num(s)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn the_trend_is_extended_by_the_horizon() {
        let k = PredictLinear {
            metric: Selector::parse("node_filesystem_avail_bytes{mountpoint=\"/\"}").unwrap(),
            window: Duration::from_secs(3600),
            horizon: Duration::from_secs(4 * 3600),
            unit: Some(Unit::Bytes),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Below, Quantity::Number(0.0))),
        };
        assert_eq!(
            k.condition(&c),
            "predict_linear(node_filesystem_avail_bytes{mountpoint=\"/\"}[1h], 14400) < 0"
        );
        // Below 0: fires at -1, silent at 1; the gauge falls a unit a minute for the 65
        // minutes to the evaluation and the 240 of the horizon.
        let cases = k.cases(&c).unwrap();
        assert_eq!(cases.fire.series[0].values, "304-1x70");
        assert_eq!(cases.silent.as_ref().unwrap().series[0].values, "306-1x70");
    }
}
