//! PromQL checks as `check` uses them: the parse ([`crate::promql::parse`]) and the reports at
//! the user's span ([`Cx::check_expr`], [`Cx::report_expr`]).

pub use crate::promql::parse::*;

use super::Cx;
use crate::load::S;

/// Parses a user-written expression and reports a malformed one at its span.
pub(crate) fn check_expr(cx: &mut Cx, s: &S<String>, what: &str) -> bool {
    cx.check_expr(s, what)
}

/// Reports a malformed user-written expression at its span (see [`Cx::report_expr`]).
pub(crate) fn report_expr(cx: &mut Cx, s: &S<String>, what: &str, why: Option<String>) -> bool {
    cx.report_expr(s, what, why)
}
