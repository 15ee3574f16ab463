//! `latency_quantile`: a quantile of a histogram, with buckets aggregated by `le` before
//! `histogram_quantile`.

use crate::promql::selector::Read;
use super::{Condition, Env, Expect, Key, Kind, Reading, by_clause, plain_labels};
use crate::codes;
use crate::cx::Cx;
use crate::gofmt;
use crate::load::{NumOrStr, RawAlert, S};
use crate::promql::selector::Histogram;
use crate::quantity::{Duration, fmt_num};
use crate::series::{Onset, 
    Case, Cases, InputSeries, counter, eval_after, labels_for_all, only, samples, series, with_by,
};
use crate::unit::Unit;

#[derive(Debug, Clone)]
pub struct LatencyQuantile {
    /// The histogram, its base name and the matchers that filter its series.
    pub histogram: Histogram,
    pub quantile: f64,
    pub by: Vec<String>,
    pub window: Duration,
}

impl Kind for LatencyQuantile {
    const NAME: &'static str = "latency_quantile";
    const KEYS: &'static [Key] = &[
        ("histogram", true),
        ("quantile", true),
        ("by", false),
        ("window", false),
        ("above", false),
    ];

    fn expect(_: Option<Unit>) -> Option<Expect> {
        Some(Expect {
            readings: &[Reading::Seconds],
            help: "write a duration such as `\"2s\"` or `\"500ms\"`",
        })
    }

    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self> {
        let histogram = super::histogram(cx, a.histogram.as_ref()?);
        let quantile = quantile(cx, a.quantile.as_ref()?)?;
        Some(LatencyQuantile {
            histogram: histogram?,
            quantile,
            by: super::by(cx, a),
            window: env.window,
        })
    }

    fn unit(&self) -> Unit {
        Unit::Seconds
    }

    fn value(&self, _: &Condition) -> String {
        let mut labels = vec!["le".to_string()];
        labels.extend(self.by.iter().filter(|l| *l != "le").cloned());
        format!(
            "histogram_quantile({}, sum{} (rate({}[{}])))",
            fmt_num(self.quantile),
            by_clause(&labels),
            self.histogram.series("_bucket", ""),
            self.window
        )
    }

    fn condition(&self, c: &Condition) -> String {
        c.compare(&self.value(c))
    }

    fn vouched(&self) -> bool {
        self.histogram.sure && plain_labels(&self.by)
    }

    fn reads(&self) -> Option<Vec<Read<'_>>> {
        Some(self.histogram.reads())
    }

    fn sources(&self) -> Vec<(&'static str, String)> {
        vec![("histogram", format!("{}_bucket", self.histogram.name))]
    }

    /// Every request in one bucket, above the threshold or under it: the quantile
    /// interpolates inside that bucket.
    fn cases(&self, c: &Condition) -> Result<Cases, String> {
        let t = c.threshold_number().ok_or("no threshold")?;
        if t <= 0.0 {
            return Err("its threshold is not positive".into());
        }
        let eval = eval_after(c.for_, self.window);
        let n = samples(eval);
        let filtered = labels_for_all(&self.histogram.matchers)
            .ok_or("ccmon cannot derive series for its histogram's matchers")?;
        let base = with_by(filtered, &self.by);
        let bucket = |le: &str| {
            let mut l = base.clone();
            l.insert("le".into(), le.into());
            series(&format!("{}_bucket", self.histogram.name), &l)
        };
        let above = Case {
            series: vec![
                InputSeries {
                    series: bucket(&fmt_num(t)),
                    values: counter(0.0, n),
                },
                InputSeries {
                    series: bucket(&fmt_num(2.0 * t)),
                    values: counter(100.0, n),
                },
                InputSeries {
                    series: bucket("+Inf"),
                    values: counter(100.0, n),
                },
            ],
            labels: only(&base, &self.by),
            value: t + t * self.quantile,
        };
        let below = Case {
            series: vec![
                InputSeries {
                    series: bucket(&fmt_num(t / 2.0)),
                    values: counter(100.0, n),
                },
                InputSeries {
                    series: bucket("+Inf"),
                    values: counter(100.0, n),
                },
            ],
            labels: only(&base, &self.by),
            value: t / 2.0 * self.quantile,
        };
        let (fire, silent) = if c.above() {
            (above, below)
        } else {
            (below, above)
        };
        Ok(Cases {
            onset: Onset::Unknown,
            eval,
            fire_shows: format!("quantile {}", gofmt::humanize_duration(fire.value)),
            silent_shows: format!("quantile {}", gofmt::humanize_duration(silent.value)),
            fire,
            silent: Some(silent),
        })
    }
}

/// `0.95`, `"p95"` or `"95%"`.
fn quantile(cx: &mut Cx, q: &S<NumOrStr>) -> Option<f64> {
    let v = match q.get_ref() {
        NumOrStr::Float(f) => Some(*f),
        NumOrStr::Int(_) => None,
        NumOrStr::Str(s) => {
            let t = s.trim();
            t.strip_prefix('p')
                .and_then(|n| n.parse::<f64>().ok())
                .map(|n| n / 100.0)
                .or_else(|| {
                    t.strip_suffix('%')
                        .and_then(|n| n.parse::<f64>().ok())
                        .map(|n| n / 100.0)
                })
        }
    };
    match v {
        Some(v) if v > 0.0 && v < 1.0 => Some(v),
        _ => {
            cx.error(
                codes::OUT_OF_RANGE,
                "a quantile is between 0 and 1",
                q.span(),
                "expected `0.95`, `\"p95\"` or `\"95%\"`",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Cmp;
    use crate::quantity::Quantity;

    #[test]
    fn buckets_keep_le_and_the_quantile_interpolates_in_one_bucket() {
        let k = LatencyQuantile {
            histogram: Histogram::named("h"),
            quantile: 0.95,
            by: vec!["job".into(), "le".into()],
            window: Duration::from_secs(300),
        };
        let c = Condition {
            for_: Duration(0),
            threshold: Some((Cmp::Above, Quantity::Seconds(2.0))),
        };
        assert_eq!(
            k.condition(&c),
            "histogram_quantile(0.95, sum by (le, job) (rate(h_bucket[5m]))) > 2"
        );
        let cases = k.cases(&c).unwrap();
        assert_eq!((cases.fire.value, cases.silent.as_ref().unwrap().value), (3.9, 0.95));
        assert_eq!(cases.fire.series.len(), 3);
    }
}
