//! `state`: a gauge that encodes a state is in a state (`equals`), or out of the one good
//! state (`not_equals`): a replica that is not ready (`kube_pod_status_ready == 0`), a RAID
//! array degraded, a job's last run failed.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind};
use crate::codes;
use crate::cx::Cx;
use crate::load::{NumOrStr, RawAlert, S};
use crate::promql::selector::Query;
use crate::quantity::fmt_num;
use crate::series::{Onset, Cases, eval_after, gauge, samples};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct State {
    pub expr: Query,
    pub value: f64,
    /// Fires when the value equals `value` (`equals`), or when it does not (`not_equals`).
    pub equal: bool,
}

impl Kind for State {
    const NAME: &'static str = "state";
    const KEYS: &'static [Key] = &[("expr", true), ("equals", false), ("not_equals", false)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        None
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        let expr = Query::read(a.expr.as_ref()?.get_ref());
        let (v, equal) = match (&a.equals, &a.not_equals) {
            (Some(v), None) => (v, true),
            (None, Some(v)) => (v, false),
            (None, None) => {
                cx.push(
                    crate::diag::Diagnostic::error(
                        codes::KIND_NEEDS_KEY,
                        "alert kind `state` needs `equals` or `not_equals`",
                    )
                    .at(a.kind.span(), "`equals` or `not_equals` is missing for this kind")
                    .also(a.name.span(), "in this alert"),
                );
                return None;
            }
            (Some(_), Some(n)) => {
                cx.error(
                    codes::CONFLICTING_SETTINGS,
                    "an alert takes `equals` or `not_equals`, not both",
                    n.span(),
                    "second state here",
                );
                return None;
            }
        };
        Some(State {
            expr,
            value: number(cx, v)?,
            equal,
        })
    }

    fn unit(&self) -> Unit {
        Unit::None
    }

    fn value(&self, _: &Condition) -> String {
        self.expr.text().to_string()
    }

    fn condition(&self, _: &Condition) -> String {
        let op = if self.equal { "==" } else { "!=" };
        format!("{} {op} {}", self.expr.atom(), fmt_num(self.value))
    }

    fn vouched(&self) -> bool {
        false
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        self.expr.reads()
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        self.expr.metrics().into_iter().map(|m| ("expr", m)).collect()
    }

    /// The gauge in the state that fires, and in another (the value plus one).
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let g = crate::series::GaugeSeries::of(&self.expr)?;
        let eval = eval_after(c.for_, g.offset);
        let n = samples(eval);
        let other = self.value + 1.0;
        let (f, s) = if self.equal { (self.value, other) } else { (other, self.value) };
        let case = |v: f64| g.case(gauge(v, n), v);
        Ok(Cases {
            eval,
            onset: Onset::At(g.offset),
            fire: case(f),
            silent: Some(case(s)),
            fire_shows: format!("at {}", fmt_num(f)),
            silent_shows: format!("at {}", fmt_num(s)),
        })
    }

    fn threshold_value(&self, _: &Condition) -> Option<f64> {
        Some(self.value)
    }
}

/// A state value: a number.
fn number(cx: &mut Cx, v: &S<NumOrStr>) -> Option<f64> {
    match v.get_ref() {
        NumOrStr::Int(i) => Some(*i as f64),
        NumOrStr::Float(f) => Some(*f),
        NumOrStr::Str(_) => {
            cx.error(
                codes::BAD_THRESHOLD,
                "a state is a number",
                v.span(),
                "expected a number such as `0` or `1`",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Duration;

    #[test]
    fn a_state_is_an_equality_on_the_gauge() {
        let c = Condition {
            for_: Duration::from_secs(300),
            threshold: None,
        };
        let k = State {
            expr: Query::read("kube_pod_status_ready{condition=\"true\"}"),
            value: 0.0,
            equal: true,
        };
        assert_eq!(k.condition(&c), "kube_pod_status_ready{condition=\"true\"} == 0");
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (0.0, 1.0));
        let k = State {
            expr: Query::read("raid_ok + 0"),
            value: 1.0,
            equal: false,
        };
        assert_eq!(k.condition(&c), "(raid_ok + 0) != 1");
        assert!(k.cases(&c).is_err());
    }
}
