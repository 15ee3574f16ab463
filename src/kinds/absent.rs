//! `absent`: fires when a selector returns nothing for `for`: the exporter died, the job was
//! renamed, the metric was dropped. The alert carries the labels of the selector's equality
//! matchers, as `absent()` does.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::selector::{MatchOp, Selector};
use crate::quantity::Duration;
use crate::series::{Onset, Case, Cases, InputSeries, Labels, eval_after, gauge, labels_for, samples, series};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Absent {
    pub metric: Selector,
}

impl Kind for Absent {
    const NAME: &'static str = "absent";
    const KEYS: &'static [Key] = &[("metric", true)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        None
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        Some(Absent {
            metric: super::selector(cx, &a.metric, "metric")?,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Count
    }

    /// How many series the selector returns, 0 when none (where `absent` fires): a panel
    /// of `absent(..)` itself would show no data but in an outage.
    fn value(&self, _: &Condition) -> String {
        format!("count({}) or vector(0)", self.metric)
    }

    fn condition(&self, _: &Condition) -> String {
        format!("absent({})", self.metric)
    }

    fn vouched(&self) -> bool {
        self.metric.sure
    }

    /// None: the warning for a metric no job exports says the alert can never fire, and
    /// this one would always fire.
    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::of(&self.metric)])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// No series at all for `for` and five minutes: fires with the labels of the equality
    /// matchers; one series the selector matches: silent.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let eval = eval_after(c.for_, Duration(0));
        let n = samples(eval);
        let present = labels_for(&self.metric).ok_or("ccmon cannot derive series for its selector")?;
        let mut absent_labels = Labels::new();
        for m in self.metric.matchers.iter().filter(|m| m.op == MatchOp::Eq) {
            // `absent()` drops a label matched twice.
            if absent_labels.insert(m.name.to_string(), m.value.to_string()).is_some() {
                return Err("its selector matches one label twice".into());
            }
        }
        Ok(Cases {
            eval,
            onset: Onset::At(Duration(0)),
            fire: Case {
                series: Vec::new(),
                labels: absent_labels,
                value: 1.0,
            },
            silent: Some(Case {
                series: vec![InputSeries {
                    series: series(&self.metric.metric, &present),
                    values: gauge(1.0, n),
                }],
                labels: present,
                value: 1.0,
            }),
            fire_shows: "no series".into(),
            silent_shows: "one series".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absent(s: &str) -> Absent {
        Absent {
            metric: Selector::parse(s).unwrap(),
        }
    }

    #[test]
    fn the_condition_is_absent_of_the_selector() {
        let c = Condition {
            for_: Duration::from_secs(600),
            threshold: None,
        };
        let a = absent(r#"up{job="api", instance=~".+"}"#);
        assert_eq!(a.condition(&c), r#"absent(up{job="api", instance=~".+"})"#);
        let cases = a.cases(&c).unwrap();
        assert!(cases.fire.series.is_empty());
        assert_eq!(cases.fire.labels, Labels::from([("job".into(), "api".into())]));
        assert_eq!(cases.silent.as_ref().unwrap().series.len(), 1);
        assert_eq!(cases.eval, Duration::from_secs(900));
    }
}
