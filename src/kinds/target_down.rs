//! `target_down`: a scrape target of a job is down (`up == 0`).

use crate::promql::selector::{LabelMatcher, MatchOp, Read};
use super::{Condition, Env, Expect, Key, Kind};
use crate::codes;
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::promql::quote;
use crate::series::{Onset, Case, Cases, InputSeries, Labels, TEST_VALUE, eval_after, gauge, samples, series};
use crate::quantity::Duration;
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct TargetDown {
    pub job: String,
}

impl Kind for TargetDown {
    const NAME: &'static str = "target_down";
    const KEYS: &'static [Key] = &[("job", true)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        None
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let job = a.job.as_ref()?;
        if !env.jobs.has(job.get_ref()) {
            cx.unknown_ref(codes::UNKNOWN_JOB, "job", job, env.jobs.names());
            return None;
        }
        Some(TargetDown {
            job: job.get_ref().clone(),
        })
    }

    fn unit(&self) -> Unit {
        Unit::None
    }

    fn value(&self, _: &Condition) -> String {
        format!("up{{job={}}}", quote(&self.job))
    }

    fn condition(&self, c: &Condition) -> String {
        format!("{} == 0", self.value(c))
    }

    fn vouched(&self) -> bool {
        true
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::with(
            "up",
            vec![LabelMatcher {
                name: "job".into(),
                op: MatchOp::Eq,
                value: self.job.as_str().into(),
            }],
        )])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        // `up` is written by Prometheus itself.
        Vec::new()
    }

    /// Down for `for` and five minutes: fires; up: silent.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let eval = eval_after(c.for_, Duration(0));
        let n = samples(eval);
        let labels = Labels::from([
            ("job".to_string(), self.job.clone()),
            ("instance".to_string(), format!("{TEST_VALUE}:9")),
        ]);
        let s = series("up", &labels);
        let case = |v: f64| Case {
            series: vec![InputSeries {
                series: s.clone(),
                values: gauge(v, n),
            }],
            labels: labels.clone(),
            value: v,
        };
        Ok(Cases {
            eval,
            onset: Onset::At(Duration(0)),
            fire: case(0.0),
            silent: Some(case(1.0)),
            fire_shows: "the target is down".into(),
            silent_shows: "the target is up".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_is_zero_for_the_job() {
        let k = TargetDown { job: "a\"b".into() };
        let c = Condition {
            for_: Duration::from_secs(60),
            threshold: None,
        };
        assert_eq!(k.condition(&c), r#"up{job="a\"b"} == 0"#);
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (0.0, 1.0));
        assert_eq!(cases.eval, Duration::from_secs(360));
        assert_eq!(cases.fire.labels["job"], "a\"b");
    }
}
