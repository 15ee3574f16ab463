//! PromQL checks as `check` uses them: the parse ([`crate::promql::parse`]); reports at the
//! user's span are [`super::Cx::check_expr`] and [`super::Cx::report_expr`].

pub use crate::promql::parse::*;
