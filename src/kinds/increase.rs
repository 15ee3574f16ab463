//! `increase`: how much a counter grew over a stated period (`over`).

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading, Grouping};
use crate::cx::Cx;
use crate::load::RawAlert;
use crate::quantity::Duration;
use crate::promql::selector::Selector;
use crate::series::Cases;
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct Increase {
    pub metric: Selector,
    pub by: Grouping,
    pub over: Duration,
}

impl Kind for Increase {
    const NAME: &'static str = "increase";
    const KEYS: &'static [Key] = &[
        ("metric", true),
        ("over", true),
        ("by", false),
        ("per_series", false),
        ("above", false),
        ("below", false),
    ];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Number],
            help: "write a plain number such as `1000`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, _: &Env) -> Option<Self> {
        let over = cx.positive_duration(a.over.as_ref(), Duration::from_secs(3600));
        let metric = super::selector(cx, &a.metric, "metric");
        let by = super::grouping(cx, a);
        Some(Increase {
            metric: metric?,
            by,
            over,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Count
    }

    fn value(&self, _: &Condition) -> String {
        self.by
            .sum(&format!("increase({}[{}])", self.metric, self.over))
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        self.metric.sure && self.by.plain()
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::of(&self.metric)])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        vec![("metric", self.metric.metric.to_string())]
    }

    /// A counter growing by each side of the threshold over `over`.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        super::rate::counter_cases(
            c,
            &self.metric,
            &self.by,
            self.over,
            self.over.secs_f64() / 60.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn the_counter_grows_by_each_side_over_the_period() {
        let k = Increase {
            metric: Selector::parse(r#"f_total{q=~"a.*"}"#).unwrap(),
            by: Grouping::By(vec!["q".into()]),
            over: Duration::from_secs(3600),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Above, Quantity::Number(60.0))),
        };
        assert_eq!(
            k.condition(&c),
            "sum by (q) (increase(f_total{q=~\"a.*\"}[1h])) > 60"
        );
        let cases = k.cases(&c).unwrap();
        // The regex matches its own text, the first candidate.
        assert_eq!(cases.fire.series[0].series, r#"f_total{q="a.*"}"#);
        assert_eq!(cases.fire.series[0].values, "0+2x70");
    }
}
