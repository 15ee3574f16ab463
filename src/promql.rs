//! Alert kinds into PromQL.
//!
//! Each kind states intent and unit; this module owns the expression that makes the alert
//! fire exactly when its description says. The rules that matter (each one a defect of the
//! seed deployment):
//! * both sides of a ratio are aggregated by the same labels, so a `status` label cannot leak
//!   into the division and make every ratio 1;
//! * a counter's rate is per second, so it is scaled to the period the threshold names;
//! * vector matching between different jobs' series is explicit (`on(..) group_left`);
//! * latency quantiles aggregate buckets by `le` before `histogram_quantile`.

use crate::model::{Alert, AlertKind};
use crate::quantity::{Quantity, fmt_num};

/// A PromQL / Alertmanager double-quoted string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn by_clause(by: &[String]) -> String {
    if by.is_empty() {
        String::new()
    } else {
        format!(" by ({})", by.join(", "))
    }
}

/// Wraps an expression in parentheses unless it is a plain selector or a function call, so
/// that operators applied to it keep their meaning.
fn atom(expr: &str) -> String {
    let e = expr.trim();
    if is_selector(e) {
        e.to_string()
    } else {
        format!("({e})")
    }
}

/// `name` or `name{...}` with nothing after the closing brace.
pub fn is_selector(e: &str) -> bool {
    let name_len = e
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(e.len());
    if name_len == 0 {
        return false;
    }
    let rest = &e[name_len..];
    rest.is_empty()
        || (rest.starts_with('{') && rest.ends_with('}') && rest.matches('}').count() == 1)
}

impl Alert {
    /// The value the alert compares, without the comparison: what a dashboard panel plots and
    /// what `$value` holds in the annotations.
    pub fn value_expr(&self) -> String {
        match &self.kind {
            AlertKind::TargetDown { job } => format!("up{{job={}}}", quote(job)),
            AlertKind::ErrorRatio {
                errors,
                total,
                by,
                window,
            } => {
                let by = by_clause(by);
                format!("sum{by} (rate({errors}[{window}]))\n/\nsum{by} (rate({total}[{window}]))")
            }
            AlertKind::LatencyQuantile {
                histogram,
                quantile,
                by,
                window,
            } => {
                let mut labels = vec!["le".to_string()];
                labels.extend(by.iter().filter(|l| *l != "le").cloned());
                format!(
                    "histogram_quantile({}, sum{} (rate({histogram}_bucket[{window}])))",
                    fmt_num(*quantile),
                    by_clause(&labels)
                )
            }
            AlertKind::Rate { metric, by, window } => {
                let per = match self.threshold {
                    Some((_, Quantity::Rate { per, .. })) => per.secs_f64(),
                    _ => 1.0,
                };
                let base = format!("sum{} (rate({metric}[{window}]))", by_clause(by));
                if per == 1.0 {
                    base
                } else {
                    format!("{base} * {}", fmt_num(per))
                }
            }
            AlertKind::Increase { metric, by, over } => {
                format!("sum{} (increase({metric}[{over}]))", by_clause(by))
            }
            AlertKind::Gauge { expr, .. } => expr.trim().to_string(),
            AlertKind::Saturation {
                used,
                capacity,
                on,
                rate_window,
            } => {
                let used = match rate_window {
                    Some(w) => format!("rate({}[{w}])", used.trim()),
                    None => atom(used),
                };
                format!(
                    "{used}\n/ on ({}) group_left ()\n{}",
                    on.join(", "),
                    atom(capacity)
                )
            }
            AlertKind::Raw { expr, split, .. } => match split {
                Some((value, _)) => value.clone(),
                None => expr.trim().to_string(),
            },
        }
    }

    /// The complete alert condition.
    pub fn expr(&self) -> String {
        match (&self.kind, &self.threshold) {
            (AlertKind::TargetDown { .. }, _) => format!("{} == 0", self.value_expr()),
            (AlertKind::Raw { expr, .. }, _) => expr.trim().to_string(),
            (AlertKind::Gauge { expr, .. }, Some((cmp, q))) => {
                format!("{} {} {}", atom(expr), cmp.op(), threshold_number(q))
            }
            (_, Some((cmp, q))) => {
                format!("{} {} {}", self.value_expr(), cmp.op(), threshold_number(q))
            }
            (_, None) => self.value_expr(),
        }
    }

    /// The Go template that prints `$value` in the unit the user stated.
    pub fn value_template(&self) -> &'static str {
        const PERCENT: &str = "{{ $value | humanizePercentage }}";
        const DURATION: &str = "{{ $value | humanizeDuration }}";
        match &self.kind {
            AlertKind::ErrorRatio { .. } | AlertKind::Saturation { .. } => PERCENT,
            AlertKind::LatencyQuantile { .. } => DURATION,
            AlertKind::Gauge { unit: Some(u), .. } | AlertKind::Raw { unit: Some(u), .. } => {
                match u.as_str() {
                    "USD" => "{{ $value | printf \"%.2f\" }}",
                    "percent" => PERCENT,
                    "seconds" => DURATION,
                    "bytes" => "{{ $value | humanize1024 }}B",
                    _ => "{{ $value | humanize }}",
                }
            }
            _ => "{{ $value | humanize }}",
        }
    }

    /// The Grafana unit of [`Self::value_expr`].
    pub fn grafana_unit(&self) -> &'static str {
        match &self.kind {
            AlertKind::ErrorRatio { .. } | AlertKind::Saturation { .. } => "percentunit",
            AlertKind::LatencyQuantile { .. } => "s",
            AlertKind::TargetDown { .. } => "none",
            AlertKind::Gauge { unit, .. } | AlertKind::Raw { unit, .. } => {
                grafana_unit_for(unit.as_deref())
            }
            AlertKind::Rate { .. } | AlertKind::Increase { .. } => "short",
        }
    }

    /// The threshold as the number the expression compares with.
    pub fn threshold_value(&self) -> Option<f64> {
        match &self.kind {
            AlertKind::TargetDown { .. } => None,
            AlertKind::Raw { split, .. } => split.as_ref().map(|(_, t)| *t),
            _ => self.threshold.as_ref().map(|(_, q)| threshold_value(q)),
        }
    }
}

/// Units users may name on gauges and panels, with their Grafana ids.
pub const UNITS: &[(&str, &str)] = &[
    ("USD", "currencyUSD"),
    ("bytes", "bytes"),
    ("seconds", "s"),
    ("percent", "percentunit"),
    ("requests_per_second", "reqps"),
    ("count", "short"),
    ("none", "none"),
];

pub fn grafana_unit_for(unit: Option<&str>) -> &'static str {
    unit.and_then(|u| UNITS.iter().find(|(n, _)| *n == u))
        .map_or("short", |(_, g)| g)
}

fn threshold_value(q: &Quantity) -> f64 {
    match *q {
        Quantity::Number(v) | Quantity::Seconds(v) => v,
        Quantity::Ratio { value, .. } => value,
        Quantity::Rate { value, .. } => value,
    }
}

fn threshold_number(q: &Quantity) -> String {
    fmt_num(threshold_value(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_recognised() {
        assert!(is_selector("up"));
        assert!(is_selector(r#"x_total{status=~"5.."}"#));
        assert!(!is_selector("a / b"));
        assert!(!is_selector("rate(x[5m])"));
        assert!(!is_selector(r#"a{x="1"} / b{y="2"}"#));
    }

    #[test]
    fn quotes_like_promql() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("可用性"), "\"可用性\"");
    }
}
