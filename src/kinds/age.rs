//! `age`: time since a timestamp (seconds since the epoch) in the past: the last successful
//! backup, compaction or upload (`cortex_compactor_last_successful_run_timestamp_seconds`).
//! The mirror of `expiry`; the threshold is the duration: `above = "1d"`. A timestamp of 0
//! means "never yet" (the process has not run once since it started) and is left out: an
//! age of 56 years would page the moment an exporter restarts.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::selector::Selector;
use crate::quantity::Duration;
use crate::series::Cases;
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Age {
    pub metric: Selector,
}

impl Kind for Age {
    const NAME: &'static str = "age";
    const KEYS: &'static [Key] = &[("metric", true), ("above", false), ("below", false)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Seconds],
            help: "write how long ago is too long, such as `above = \"1d\"`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        Some(Age {
            metric: super::selector(cx, &a.metric, "metric")?,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Seconds
    }

    /// The time since the timestamp, in seconds, where there is a timestamp.
    fn value(&self, _: &Condition) -> String {
        format!("time() - ({} > 0)", self.metric)
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

    /// The timestamp at twice the threshold ago (fires above it) and at half of it. Rule
    /// tests start at the epoch, so a timestamp in the past is the evaluation time minus the
    /// age; the evaluation comes late enough for both to be positive.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let lead = Duration::from_secs((2.0 * t).ceil() as u64 + 60);
        super::expiry::timestamp_cases(&self.metric, c, lead, |now, age| now - age, "ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn the_time_since_a_nonzero_timestamp_is_compared_with_the_duration() {
        let k = Age {
            metric: Selector::parse("backup_last_success_timestamp_seconds").unwrap(),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Above, Quantity::Seconds(3600.0))),
        };
        assert_eq!(
            k.condition(&c),
            "time() - (backup_last_success_timestamp_seconds > 0) > 3600"
        );
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (7200.0, 1800.0));
    }
}
