//! PromQL as the user wrote it and as ccmon generates it, parsed in-process.
//!
//! `promql-parser` reports no position, so an error is attached to the span of the key that
//! holds the expression. Expressions are capped in length first: the parser's time grows
//! faster than linearly on huge flat expressions, and no real alert needs more.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::S;

/// Longest expression accepted, in bytes.
pub const MAX_EXPR_LEN: usize = 16 * 1024;

/// Parses one expression; `None` when it is well-formed, the reason otherwise.
pub fn parse_error(expr: &str) -> Option<String> {
    if expr.len() > MAX_EXPR_LEN {
        return Some(format!(
            "expression is {} bytes long, over the limit of {MAX_EXPR_LEN}",
            expr.len()
        ));
    }
    promql_parser::parser::parse(expr).err()
}

/// Parses a user-written expression and reports a malformed one at its span.
pub(crate) fn check_expr(cx: &mut Cx, s: &S<String>, what: &str) -> bool {
    match parse_error(s.get_ref()) {
        None => true,
        Some(why) => {
            cx.push(
                Diagnostic::error(
                    codes::BAD_PROMQL,
                    format!("{what} is not valid PromQL: {why}"),
                )
                .at(s.span(), "in this expression")
                .help("check it with the Prometheus expression browser or `promtool`"),
            );
            false
        }
    }
}

/// Parses a condition: `Err` with the reason when it is malformed; for a raw condition
/// (`split`), its value expression and threshold when it has the shape `value > number`.
pub fn analyze(expr: &str, split: bool) -> Result<Option<(String, f64)>, String> {
    use promql_parser::parser::Expr;
    if expr.len() > MAX_EXPR_LEN {
        return Err(format!(
            "expression is {} bytes long, over the limit of {MAX_EXPR_LEN}",
            expr.len()
        ));
    }
    let ast = promql_parser::parser::parse(expr)?;
    if !split {
        return Ok(None);
    }
    Ok(match ast {
        Expr::Binary(b)
            if b.op.is_comparison_operator()
                && !b.modifier.as_ref().is_some_and(|m| m.return_bool) =>
        {
            match *b.rhs {
                Expr::NumberLiteral(n) => Some((b.lhs.to_string(), n.val)),
                _ => None,
            }
        }
        _ => None,
    })
}

/// [`analyze`] over many conditions, spread over the machine's cores; results in order.
pub fn analyze_all(conditions: &[(String, bool)]) -> Vec<Result<Option<(String, f64)>, String>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || conditions.len() < 64 {
        return conditions.iter().map(|(e, s)| analyze(e, *s)).collect();
    }
    let chunk = conditions.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = conditions
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(e, s)| analyze(e, *s)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_threshold_condition() {
        let (v, t) = analyze("sum(rate(x_total[5m])) > 3", true)
            .unwrap()
            .unwrap();
        assert_eq!(t, 3.0);
        assert!(v.contains("rate(x_total[5m])"), "{v}");
        assert!(analyze("a > bool 3", true).unwrap().is_none());
        assert!(analyze("a > b", true).unwrap().is_none());
        assert!(analyze("sum(a", false).is_err());
    }
}
