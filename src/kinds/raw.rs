//! `raw`: a complete PromQL condition written by the user. It gets no generated test.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::series::Cases;
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Raw {
    pub expr: String,
    pub unit: Option<Unit>,
    /// The value expression and threshold, when the condition has the shape `value > number`
    /// (or `<`, `>=`, `<=`): filled in by the parse of the condition, in `check::alerts`.
    pub split: Option<(String, f64)>,
}

impl Kind for Raw {
    const NAME: &'static str = "raw";
    const KEYS: &'static [Key] = &[("expr", true), ("unit", false), ("test", false)];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        None
    }

    fn build(_: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        Some(Raw {
            expr: a.expr.as_ref()?.get_ref().trim().to_string(),
            unit: env.unit,
            split: None,
        })
    }

    fn unit(&self) -> Unit {
        self.unit.unwrap_or(Unit::Count)
    }

    fn value(&self, _: &Condition) -> String {
        match &self.split {
            Some((value, _)) => value.clone(),
            None => self.expr.clone(),
        }
    }

    fn condition(&self, _: &Condition) -> String {
        self.expr.clone()
    }

    fn vouched(&self) -> bool {
        false
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        // Only its hand-written cases test it, each in a test group of its own.
        None
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    fn cases(&self, _: &Condition) -> Result<Cases, String> {
        Err("its condition is raw PromQL: write its cases in `[[alert.test]]`".into())
    }

    fn threshold_value(&self, _: &Condition) -> Option<f64> {
        self.split.as_ref().map(|(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Duration;

    #[test]
    fn the_condition_is_as_written_and_the_split_gives_the_value() {
        let c = Condition {
            for_: Duration(0),
            threshold: None,
        };
        let mut r = Raw {
            expr: "x / y > 0.5".into(),
            unit: None,
            split: None,
        };
        assert_eq!((r.condition(&c), r.value(&c)), ("x / y > 0.5".into(), "x / y > 0.5".into()));
        assert_eq!(r.threshold_value(&c), None);
        r.split = Some(("x / y".into(), 0.5));
        assert_eq!((r.value(&c), r.threshold_value(&c)), ("x / y".into(), Some(0.5)));
        assert!(r.cases(&c).is_err());
    }
}
