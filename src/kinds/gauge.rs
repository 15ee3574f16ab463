//! `gauge`: a gauge (or any instant expression) compared with a number in its stated unit.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading};
use crate::codes;
use crate::cx::Cx;
use crate::diag::Diagnostic;
use crate::load::RawAlert;
use crate::quantity::fmt_num;
use crate::promql::selector::Query;
use crate::series::{Onset, Cases, eval_after, gauge, samples, sides};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Gauge {
    pub expr: Query,
    pub unit: Option<Unit>,
}

impl Kind for Gauge {
    const NAME: &'static str = "gauge";
    const KEYS: &'static [Key] = &[
        ("expr", true),
        ("unit", false),
        ("above", false),
        ("below", false),
    ];

    /// A plain number; in percent a ratio too (of any size), in seconds a duration.
    fn expect(unit: Option<Unit>) -> Option<Expect> {
        let readings: &'static [Reading] = match unit {
            Some(Unit::Ratio | Unit::Percent) => &[Reading::Number, Reading::AnyRatio],
            Some(Unit::Seconds) => &[Reading::Number, Reading::Seconds],
            Some(Unit::Bytes) => &[Reading::Number, Reading::Bytes],
            _ => &[Reading::Number],
        };
        Some(Expect {
            readings,
            help: "write a plain number such as `1000`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let e = a.expr.as_ref()?;
        let expr = Query::read(e.get_ref());
        let name = expr.text();
        if crate::promql::selector::shaped(name)
            && name
                .split('{')
                .next()
                .is_some_and(|n| n.ends_with("_total"))
        {
            cx.push(
                Diagnostic::warning(
                    codes::COUNTER_WITHOUT_RATE,
                    format!("`{name}` is a counter compared as a gauge"),
                )
                .at(
                    e.span(),
                    "a counter only grows: this compares its total since restart",
                )
                .help("use kind `rate` or `increase` with a period"),
            );
        }
        Some(Gauge {
            expr,
            unit: env.unit,
        })
    }

    fn unit(&self) -> Unit {
        self.unit.unwrap_or(Unit::Count)
    }

    fn value(&self, _: &Condition) -> String {
        self.expr.text().to_string()
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.expr.atom())
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

    /// The gauge on each side of the threshold, for `for` and five minutes.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let (f, s) = sides(t, c.above(), false);
        let g = crate::series::GaugeSeries::of(&self.expr)?;
        let eval = eval_after(c.for_, g.offset);
        let n = samples(eval);
        let case = |v: f64| g.case(gauge(v, n), v);
        Ok(Cases {
            eval,
            onset: Onset::At(g.offset),
            fire: case(f),
            silent: Some(case(s)),
            fire_shows: fmt_num(f),
            silent_shows: fmt_num(s),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Duration;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn an_expression_is_parenthesised_and_only_a_sum_of_two_selectors_gets_a_test() {
        let below = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Below, Quantity::Number(3.0))),
        };
        let g = |e: &str| Gauge {
            expr: Query::read(e),
            unit: None,
        };
        assert_eq!(g("w{p!=\"b\"}").condition(&below), "w{p!=\"b\"} < 3");
        assert_eq!(g("a + b").condition(&below), "(a + b) < 3");
        assert_eq!(g("a + b").sources(), [("expr", "a".into()), ("expr", "b".into())]);
        // `a + b`: `b` held at 0 beside `a`, with `a`'s labels.
        let sum = g("a + b").cases(&below).unwrap();
        assert_eq!(sum.fire.series.len(), 2);
        assert_eq!(sum.fire.series[1].values, "0x10");
        assert_eq!(sum.fire.series[0].values, "1.5x10");
        assert!(g("a * b").cases(&below).is_err());
        assert!(g("a - b").cases(&below).is_err());
        let cases = g("w").cases(&below).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (1.5, 6.0));
        assert_eq!(g("w").unit(), Unit::Count);
    }

    /// `percent` is a value of 0 to 100 (Grafana's `percent`), `ratio` one of 0 to 1: `"90%"`
    /// is 90 in the first and 0.9 in the second, and `{value}` prints each as a percentage.
    #[test]
    fn a_threshold_in_percent_compares_in_the_unit_of_the_value() {
        for (unit, cmp, shown) in [
            ("percent", "> 90", "{{ $value | humanize }}%"),
            ("ratio", "> 0.9", "{{ $value | humanizePercentage }}"),
        ] {
            let text = format!(
                "[project]\nname = \"p\"\n[[job]]\nname = \"node\"\ntargets = [\"localhost:9100\"]\n[[receiver]]\nname = \"ops\"\n[[receiver.webhook]]\nurl = \"http://127.0.0.1:9095/\"\n[[alert]]\nname = \"CpuBusy\"\nkind = \"gauge\"\nexpr = \"cpu_busy\"\nunit = \"{unit}\"\nabove = \"90%\"\nfor = \"5m\"\nseverity = \"warning\"\nsummary = \"cpu at {{value}}\"\n"
            );
            let src = crate::diag::source::Source::new("monitoring.toml", text);
            let mut diags = crate::diag::Diags::default();
            let m = crate::compile(&src, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
            let a = m.alerts.iter().find(|a| a.name == "CpuBusy").unwrap();
            assert_eq!(a.expr(), format!("cpu_busy {cmp}"), "{unit}");
            let ann = crate::emit::rules::annotations(a);
            assert_eq!(ann["summary"], format!("cpu at {shown}"), "{unit}");
        }
    }
}
