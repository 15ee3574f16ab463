//! `expiry`: a timestamp (seconds since the epoch) comes within a duration of now: a
//! certificate that expires within 14 days (`probe_ssl_earliest_cert_expiry`), a token, a
//! licence. The threshold is the duration, as the user thinks of it: `below = "14d"`.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::selector::Selector;
use crate::quantity::Duration;
use crate::series::{Onset, Case, Cases, eval_after, gauge, samples, scraped_labels};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Expiry {
    pub metric: Selector,
}

impl Kind for Expiry {
    const NAME: &'static str = "expiry";
    const KEYS: &'static [Key] = &[("metric", true), ("above", false), ("below", false)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Seconds],
            help: "write how long before the timestamp, such as `below = \"14d\"`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        Some(Expiry {
            metric: super::selector(cx, &a.metric, "metric")?,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Seconds
    }

    /// The time left, in seconds.
    fn value(&self, _: &Condition) -> String {
        format!("{} - time()", self.metric)
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

    /// The timestamp at half the threshold from now (fires below it) and at twice it. Rule
    /// tests start at the epoch, so `time()` is the evaluation time.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        timestamp_cases(&self.metric, c, Duration(0), |now, left| now + left, "left")
    }
}

/// The cases of a timestamp kind (`expiry`, `age`): the duration the alert compares at twice
/// the threshold and at half of it, each side where its comparison puts it, as a timestamp
/// `at(now, duration)` held from the start. Rule tests start at the epoch, so `time()` is the
/// evaluation time, which comes after `lead` (so that a timestamp in the past is positive).
pub(super) fn timestamp_cases(
    metric: &Selector,
    c: &Condition,
    lead: Duration,
    at: fn(f64, f64) -> f64,
    shows: &str,
) -> Result<Cases, String> {
    let t = c.threshold_number().ok_or("no threshold")?;
    let (f, s) = if c.above() { (2.0 * t, t / 2.0) } else { (t / 2.0, 2.0 * t) };
    let eval = eval_after(c.for_, lead);
    let n = samples(eval);
    let labels = scraped_labels(metric)?;
    let now = eval.secs_f64();
    let case = |d: f64| Case::single(&metric.metric, &labels, gauge(at(now, d), n), d);
    let show = |d: f64| format!("{} {shows}", crate::gofmt::humanize_duration(d));
    Ok(Cases {
        onset: Onset::Unknown,
        eval,
        fire: case(f),
        silent: Some(case(s)),
        fire_shows: show(f),
        silent_shows: show(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn the_time_left_is_compared_with_the_duration() {
        let k = Expiry {
            metric: Selector::parse("probe_ssl_earliest_cert_expiry").unwrap(),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Below, Quantity::Seconds(14.0 * 86400.0))),
        };
        assert_eq!(
            k.condition(&c),
            "probe_ssl_earliest_cert_expiry - time() < 1209600"
        );
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (604800.0, 2419200.0));
        assert_eq!(cases.fire.series[0].values, "605100x10");
    }
}
