//! SLOs into PromQL: SLI recording rules per window, error-budget rules, and the burn-rate
//! conditions of each tier. Recorded series carry only the `slo` label, so every expression
//! here matches them one to one.

use crate::model::{BurnWindow, Sli, Slo};
use crate::promql::quote;
use crate::promql::selector::Histogram;
use crate::quantity::{Duration, fmt_num};

/// `slo:sli_error:ratio_rate5m`.
pub fn error_ratio_name(w: Duration) -> String {
    format!("slo:sli_error:ratio_rate{w}")
}

pub const BUDGET_REMAINING: &str = "slo:error_budget_remaining:ratio";
pub const OBJECTIVE: &str = "slo:objective:ratio";

/// `{slo="name"}`.
pub fn selector(slo: &Slo) -> String {
    format!("{{slo={}}}", quote(&slo.name))
}

/// A histogram bucket boundary as client libraries write it: Go writes `2`, Python `2.0`.
fn le_matcher(threshold: f64) -> String {
    let n = fmt_num(threshold);
    if n.contains('.') {
        format!("le=\"{n}\"")
    } else {
        format!("le=~\"{n}|{n}\\\\.0\"")
    }
}

/// The buckets of a histogram at or under `threshold`.
fn good_buckets(histogram: &Histogram, threshold: f64) -> String {
    histogram.series("_bucket", &le_matcher(threshold))
}

/// The total events per second over a window (for the minimum-traffic guard).
pub fn total_rate(slo: &Slo, w: Duration) -> String {
    match &slo.sli {
        Sli::Errors { total, .. } | Sli::Good { total, .. } => format!("sum(rate({total}[{w}]))"),
        Sli::Latency { histogram, .. } => {
            format!("sum(rate({}[{w}]))", histogram.series("_count", ""))
        }
    }
}

/// The total events per second over a window, with no sample when there were none: a quiet
/// window has no error ratio rather than a NaN one.
fn total_rate_guarded(slo: &Slo, w: Duration) -> String {
    format!("({} > 0)", total_rate(slo, w))
}

/// The ratio of bad events over a window, computed from the raw series.
pub fn error_ratio_expr(slo: &Slo, w: Duration) -> String {
    let total = total_rate_guarded(slo, w);
    match &slo.sli {
        // No error series at all means no errors, not no data.
        Sli::Errors { errors, .. } => {
            format!("(sum(rate({errors}[{w}])) or vector(0))\n/\n{total}")
        }
        Sli::Good { good, .. } => {
            format!("1 - (\n  sum(rate({good}[{w}]))\n  /\n  {total}\n)")
        }
        Sli::Latency {
            histogram,
            threshold,
        } => {
            let good = good_buckets(histogram, *threshold);
            format!("1 - (\n  sum(rate({good}[{w}]))\n  /\n  {total}\n)")
        }
    }
}

/// Bad and all events per second over 5 minutes: summed over the period, they weigh every
/// 5 minutes by its traffic (an average of ratios would weigh a quiet night like a peak).
pub const ERRORS_RATE5M: &str = "slo:sli_errors:rate5m";
pub const TOTAL_RATE5M: &str = "slo:sli_total:rate5m";

fn errors_rate5m_expr(slo: &Slo) -> String {
    let w = Duration::from_secs(300);
    match &slo.sli {
        Sli::Errors { errors, .. } => format!("sum(rate({errors}[{w}])) or vector(0)"),
        Sli::Good { good, .. } => format!("{} - sum(rate({good}[{w}]))", total_rate(slo, w)),
        Sli::Latency {
            histogram,
            threshold,
        } => {
            let good = good_buckets(histogram, *threshold);
            format!("{} - sum(rate({good}[{w}]))", total_rate(slo, w))
        }
    }
}

/// The recording rules of an SLO: (record, expr), in evaluation order.
pub fn recording_rules(slo: &Slo) -> Vec<(String, String)> {
    let sel = selector(slo);
    let five = Duration::from_secs(300);
    let mut out = vec![
        (ERRORS_RATE5M.to_string(), errors_rate5m_expr(slo)),
        (TOTAL_RATE5M.to_string(), total_rate(slo, five)),
    ];
    for w in slo.windows() {
        let expr = if w == slo.period && w > Duration::from_secs(3 * 86400) {
            // Rates over the whole period are costly: sum the recorded 5m rates instead.
            format!(
                "sum_over_time({ERRORS_RATE5M}{sel}[{w}])\n/\n(sum_over_time({TOTAL_RATE5M}{sel}[{w}]) > 0)"
            )
        } else {
            error_ratio_expr(slo, w)
        };
        out.push((error_ratio_name(w), expr));
    }
    out.push((
        OBJECTIVE.to_string(),
        format!("vector({})", fmt_num(slo.target)),
    ));
    out.push((
        BUDGET_REMAINING.to_string(),
        format!(
            "1 - {}{sel} / (1 - {}{sel})",
            error_ratio_name(slo.period),
            OBJECTIVE
        ),
    ));
    out
}

/// The condition of one window pair of a tier: the long window burning too fast, confirmed
/// by the short one, and enough traffic over the long window when a guard is set. Each pair
/// is a rule of its own, labelled with its windows, so that the alert says which fired.
pub fn pair_expr(slo: &Slo, w: &BurnWindow) -> String {
    let sel = selector(slo);
    let budget = fmt_num(slo.budget());
    let f = fmt_num(w.factor);
    let e = format!(
        "{long}{sel} > ({f} * {budget})\nand\n{short}{sel} > ({f} * {budget})",
        long = error_ratio_name(w.long),
        short = error_ratio_name(w.short),
    );
    match slo.min_traffic {
        Some(min) => format!(
            "(\n{e}\n)\nand on ()\n{} > {}",
            total_rate(slo, w.long),
            fmt_num(min)
        ),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_boundaries_match_go_and_python_spellings() {
        assert_eq!(le_matcher(2.0), "le=~\"2|2\\\\.0\"");
        assert_eq!(le_matcher(0.5), "le=\"0.5\"");
        assert_eq!(
            good_buckets(&Histogram::named("h"), 1.0),
            "h_bucket{le=~\"1|1\\\\.0\"}"
        );
    }
}
