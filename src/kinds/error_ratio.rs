//! `error_ratio`: errors over all requests, both sides aggregated by the same labels (so that
//! a label such as `status` cannot leak into the division and make every ratio 1).

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading, Grouping};
use crate::cx::Cx;
use crate::gofmt;
use crate::load::RawAlert;
use crate::quantity::Duration;
use crate::promql::selector::Selector;
use crate::series::{Onset, 
    Case, Cases, InputSeries, Labels, counter, eval_after, failing, labels_for, samples,
    series, sides, with_by,
};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct ErrorRatio {
    pub errors: Selector,
    pub total: Selector,
    pub by: Grouping,
    pub window: Duration,
}

impl Kind for ErrorRatio {
    const NAME: &'static str = "error_ratio";
    const KEYS: &'static [Key] = &[
        ("errors", true),
        ("total", true),
        ("by", false),
        ("per_series", false),
        ("window", false),
        ("above", false),
    ];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Ratio],
            help: "write a ratio such as `\"5%\"` or `0.05`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let errors = super::selector(cx, &a.errors, "errors");
        let total = super::selector(cx, &a.total, "total");
        let (errors, total) = (errors?, total?);
        let mut by = super::grouping(cx, a);
        if let Grouping::Every { without } = &mut by {
            // Per series is per series of all requests: summed over the labels that pick the
            // errors out of them. Two metrics are divided one to one, which only holds when
            // the errors' selector narrows no label the total's leaves open (Prometheus' own
            // `notifications_errors_total / notifications_sent_total`).
            let narrower = errors
                .matchers
                .iter()
                .any(|m| !total.matchers.iter().any(|t| t.name == m.name));
            if errors.metric != total.metric && narrower {
                cx.error(
                    crate::codes::CONFLICTING_SETTINGS,
                    "`per_series` with two metrics needs `errors` to match no label `total` does not",
                    a.per_series.as_ref()?.span(),
                    "the series of two metrics are divided one to one: a label only the errors have matches nothing",
                );
                return None;
            }
            if errors.metric != total.metric {
                return Some(ErrorRatio {
                    errors,
                    total,
                    by,
                    window: env.window,
                });
            }
            *without = errors
                .matchers
                .iter()
                .filter(|m| !total.matchers.contains(m))
                .map(|m| m.name.to_string())
                .collect();
            without.sort();
            without.dedup();
        }
        Some(ErrorRatio {
            errors,
            total,
            by,
            window: env.window,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Ratio
    }

    fn value(&self, _: &Condition) -> String {
        let w = self.window;
        let total = self.by.sum(&format!("rate({}[{w}])", self.total));
        // Errors counted by another metric than the total can be above 0 while the total is
        // 0 (a handler that fails before it counts the request): the ratio would be +Inf and
        // fire. One metric for both gives 0/0, which no comparison passes.
        let total = if self.errors.metric == self.total.metric {
            total
        } else {
            format!("({total} > 0)")
        };
        format!(
            "{}\n/\n{total}",
            self.by.sum(&format!("rate({}[{w}])", self.errors)),
        )
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        self.errors.sure && self.total.sure && self.by.plain()
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(vec![Read::of(&self.errors), Read::of(&self.total)])
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        vec![
            ("errors", self.errors.metric.to_string()),
            ("total", self.total.metric.to_string()),
        ]
    }

    /// Error series and the rest of the traffic at 1000 requests a minute, at ratios on each
    /// side of the threshold.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        let (f, s) = sides(t, c.above(), true);
        // A ratio is at most 1: over a threshold of 100 % nothing fires.
        let fires = if c.above() { f > t } else { f < t };
        if !fires || !(0.0..=1.0).contains(&f) || !(0.0..=1.0).contains(&s) {
            return Err("its threshold leaves no ratio on one side".into());
        }
        let eval = eval_after(c.for_, self.window);
        let n = samples(eval);
        let no_series = "ccmon cannot derive series for its selectors";
        let value = |r: f64| (r * 1000.0).round() / 1000.0;
        let case = |r: f64| -> Result<Case, String> {
            let (series, labels) = self.ratio_series(r, 1000.0, n).ok_or(no_series)?;
            Ok(Case {
                series,
                labels: self.by.kept(&labels),
                value: value(r),
            })
        };
        Ok(Cases {
            onset: Onset::Unknown,
            eval,
            fire: case(f)?,
            silent: Some(case(s)?),
            fire_shows: format!("error ratio {}", gofmt::humanize_percentage(value(f))),
            silent_shows: format!("error ratio {}", gofmt::humanize_percentage(value(s))),
        })
    }
}

impl ErrorRatio {
    /// Error and "ok" series making `errors / total` equal `r`, at `per_min` events a minute,
    /// with the labels of the error series.
    fn ratio_series(&self, r: f64, per_min: f64, n: u64) -> Option<(Vec<InputSeries>, Labels)> {
        let (e, t, by) = (&self.errors, &self.total, self.by.set());
        let err_labels = with_by(labels_for(e)?, by);
        let bad = (r * per_min * 1e6).round() / 1e6;
        let mut out = Vec::new();
        if e.metric == t.metric {
            // The error series is one of the total's series; the rest must fail the error
            // selector.
            let m = e.matchers.iter().find(|m| !t.matchers.contains(m))?;
            let mut ok_labels = err_labels.clone();
            let v = failing(m)?;
            if let Some(tm) = t.matchers.iter().find(|tm| tm.name == m.name)
                && !tm.op.matches(&tm.value, &v)
            {
                return None;
            }
            ok_labels.insert(m.name.to_string(), v);
            out.push(InputSeries {
                series: series(&e.metric, &err_labels),
                values: counter(bad, n),
            });
            out.push(InputSeries {
                series: series(&t.metric, &ok_labels),
                values: counter(per_min - bad, n),
            });
        } else {
            let mut total_labels = labels_for(t)?;
            for b in by {
                total_labels.insert(b.clone(), err_labels.get(b)?.clone());
            }
            out.push(InputSeries {
                series: series(&e.metric, &err_labels),
                values: counter(bad, n),
            });
            out.push(InputSeries {
                series: series(&t.metric, &total_labels),
                values: counter(per_min, n),
            });
        }
        Some((out, err_labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Quantity;

    fn ratio(errors: &str, total: &str, by: &[&str]) -> ErrorRatio {
        ErrorRatio {
            errors: Selector::parse(errors).unwrap(),
            total: Selector::parse(total).unwrap(),
            by: super::Grouping::By(by.iter().map(|s| s.to_string()).collect()),
            window: Duration::from_secs(300),
        }
    }

    fn above(v: f64) -> Condition {
        let q = Quantity::Ratio {
            value: v,
            percent: true,
        };
        Condition {
            for_: Duration::from_secs(300),
            threshold: Some((super::super::Cmp::Above, q)),
        }
    }

    #[test]
    fn both_sides_are_aggregated_by_the_same_labels() {
        let k = ratio(r#"x_total{code=~"5.."}"#, "x_total", &["job"]);
        assert_eq!(
            k.condition(&above(0.05)),
            "sum by (job) (rate(x_total{code=~\"5..\"}[5m]))\n/\nsum by (job) (rate(x_total[5m])) > 0.05"
        );
        assert!(k.vouched());
        assert!(!ratio("x_total", "y_total", &["on"]).vouched());
    }

    #[test]
    fn the_rest_of_one_metric_fails_the_error_selector() {
        let k = ratio(r#"x_total{code=~"5.."}"#, "x_total", &["job"]);
        let cases = k.cases(&above(0.05)).unwrap();
        let series: Vec<&str> = cases.fire.series.iter().map(|s| s.series.as_str()).collect();
        assert_eq!(
            series,
            [
                r#"x_total{code="5..", job="ccmon-test"}"#,
                r#"x_total{code="ok", job="ccmon-test"}"#
            ]
        );
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (0.1, 0.025));
        // One side of a threshold of 100 % holds no ratio.
        assert!(k.cases(&above(1.0)).is_err());
    }
}
