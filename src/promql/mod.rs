//! PromQL text: names, string literals, and the parse of expressions ([`parse`]).
//!
//! What each alert kind composes is in its own file under `crate::kinds`; the fixes of the
//! seed's defects they encode (ratios aggregated by the same labels on both sides, rates
//! scaled to the threshold's period, explicit `on(..) group_left`, `le` kept in histogram
//! aggregations) are described there.

pub mod parse;
pub mod selector;

/// Longest expression accepted, in bytes: the parser's time grows faster than linearly on
/// huge flat expressions, and no real alert needs more.
pub const MAX_EXPR_LEN: usize = 16 * 1024;

/// Prometheus metric names (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or label names (no colon).
pub fn is_metric_name(v: &str, colon: bool) -> bool {
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || (colon && c == ':') => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// Calls `f` on `e` and on every expression inside it, depth first.
pub fn visit(e: &promql_parser::parser::Expr, f: &mut dyn FnMut(&promql_parser::parser::Expr)) {
    use promql_parser::parser::Expr;
    f(e);
    match e {
        Expr::Aggregate(a) => {
            visit(&a.expr, f);
            if let Some(p) = &a.param {
                visit(p, f);
            }
        }
        Expr::Unary(u) => visit(&u.expr, f),
        Expr::Binary(b) => {
            visit(&b.lhs, f);
            visit(&b.rhs, f);
        }
        Expr::Paren(p) => visit(&p.expr, f),
        Expr::Subquery(s) => visit(&s.expr, f),
        Expr::Call(c) => {
            for a in &c.args.args {
                visit(a, f);
            }
        }
        Expr::MatrixSelector(_)
        | Expr::VectorSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => {}
    }
}

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

/// Parses PromQL with `promql-parser`, which knows the functions of the newest Prometheus: it
/// is taught `holt_winters` first (Prometheus 2.x; renamed `double_exponential_smoothing` in
/// 3.0), so that a rule for a 2.x server parses and `crate::promql_versions` decides whether
/// the targeted release has it.
pub fn parse_ast(expr: &str) -> Result<promql_parser::parser::Expr, String> {
    static EXTRA: std::sync::Once = std::sync::Once::new();
    EXTRA.call_once(|| {
        use promql_parser::parser::{Function, value::ValueType};
        let holt_winters = Function::new(
            "holt_winters",
            vec![ValueType::Matrix, ValueType::Scalar, ValueType::Scalar],
            0,
            ValueType::Vector,
            false,
        );
        promql_parser::parser::register_extra_functions(vec![holt_winters])
            .unwrap_or_else(|e| panic!("ccmon bug: {e}"));
    });
    promql_parser::parser::parse(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_promql() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("可用性"), "\"可用性\"");
    }
}
