//! `deadman`: an alert that always fires, the heartbeat of the whole alerting pipeline
//! (kube-prometheus' `Watchdog`). Routed to an external dead man's switch, its silence is
//! what pages: Prometheus, its rules or Alertmanager stopped.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::quantity::Duration;
use crate::series::{Onset, Case, Cases, Labels, eval_after};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Deadman;

impl Kind for Deadman {
    const NAME: &'static str = "deadman";
    const KEYS: &'static [Key] = &[];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        None
    }

    fn build(_: &mut Cx, _: &RawAlert, _: &Env) -> Option<Self> {
        Some(Deadman)
    }

    fn unit(&self) -> Unit {
        Unit::None
    }

    fn value(&self, _: &Condition) -> String {
        "vector(1)".to_string()
    }

    fn condition(&self, c: &Condition) -> String {
        self.value(c)
    }

    fn vouched(&self) -> bool {
        true
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(Vec::new())
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// It fires with no series at all, after its `for`; there is no silent case.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        Ok(Cases {
            onset: Onset::At(Duration(0)),
            eval: eval_after(c.for_, Duration(0)),
            fire: Case {
                series: Vec::new(),
                labels: Labels::new(),
                value: 1.0,
            },
            silent: None,
            fire_shows: "always".into(),
            silent_shows: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_always_fires() {
        let c = Condition {
            for_: Duration(0),
            threshold: None,
        };
        assert_eq!(Deadman.condition(&c), "vector(1)");
        let cases = Deadman.cases(&c).unwrap();
        assert!(cases.fire.series.is_empty() && cases.silent.is_none());
    }
}
