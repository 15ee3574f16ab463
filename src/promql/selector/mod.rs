//! PromQL instant-vector selectors as typed values: `name` or `name{label op "value", ...}`.
//!
//! `check` parses each selector the user writes once, into a [`Selector`]; every later stage
//! (the composed PromQL, the generated rule tests, the SLO rules, the source warnings) reads
//! the metric name and matchers from it and never re-reads the text. The text is kept as the
//! user wrote it, because it is what the generated rules print.
//!
//! Two paths read a selector: [`fast::scan`], a strict scanner that vouches for the ordinary
//! ones without the parser (the parser compiles every regex it meets, which dominates large
//! configs), and `promql-parser` for everything else.

pub mod fast;
mod read;

pub use read::Read;

use std::fmt;

/// A label matcher's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Eq,
    Ne,
    Re,
    NotRe,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }

    /// The operator spelled `s`, if any.
    pub fn parse(s: &str) -> Option<MatchOp> {
        [MatchOp::Eq, MatchOp::Ne, MatchOp::Re, MatchOp::NotRe]
            .into_iter()
            .find(|op| op.as_str() == s)
    }

    /// The operator of a matcher `promql-parser` read.
    pub fn of_parsed(op: &promql_parser::label::MatchOp) -> MatchOp {
        use promql_parser::label::MatchOp as P;
        match op {
            P::Equal => MatchOp::Eq,
            P::NotEqual => MatchOp::Ne,
            P::Re(_) => MatchOp::Re,
            P::NotRe(_) => MatchOp::NotRe,
        }
    }

    /// Whether a label whose value is `v` (empty when the label is missing) satisfies
    /// `op value`; regexes are anchored at both ends, as Prometheus and Alertmanager do.
    pub fn matches(self, value: &str, v: &str) -> bool {
        match self {
            MatchOp::Eq => v == value,
            MatchOp::Ne => v != value,
            MatchOp::Re => crate::regexes::full_match(value, v),
            MatchOp::NotRe => !crate::regexes::full_match(value, v),
        }
    }
}

/// `name op "value"`, the value unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatcher {
    pub name: Box<str>,
    pub op: MatchOp,
    pub value: Box<str>,
}

/// A selector: its metric name and label matchers, and the text it was read from. Boxed
/// strings and slices: a large config holds hundreds of thousands of selectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// As the user wrote it, trimmed.
    text: Box<str>,
    pub metric: Box<str>,
    pub matchers: Box<[LabelMatcher]>,
    /// Vouched for by [`fast::scan`]: an expression that wraps it in functions with fixed
    /// arguments needs no parse to be known valid.
    pub sure: bool,
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `name` or `name{...}` with nothing after the closing brace: the shape of text a kind
/// takes as a selector. Whether it is valid PromQL is [`Selector::parse`]'s question.
pub fn shaped(e: &str) -> bool {
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

impl Selector {
    /// Reads a selector: `Err` with the parser's reason when it is not valid PromQL, or a
    /// reason when it is valid PromQL but not a plain selector.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let text = text.trim();
        if let Some(s) = fast::scan(text) {
            return Ok(s);
        }
        Self::parse_slow(text)
    }

    /// [`Selector::parse`] without the fast path (the property tests compare the two).
    pub fn parse_slow(text: &str) -> Result<Selector, String> {
        use promql_parser::parser::Expr;
        let text = text.trim();
        if text.len() > super::MAX_EXPR_LEN {
            return Err(format!(
                "expression is {} bytes long, over the limit of {}",
                text.len(),
                super::MAX_EXPR_LEN
            ));
        }
        let vs = match crate::promql::parse_ast(text)? {
            Expr::VectorSelector(vs) if vs.offset.is_none() && vs.at.is_none() => vs,
            _ => return Err("not a plain metric selector".into()),
        };
        if !vs.matchers.or_matchers.is_empty() {
            return Err("`or` between matchers is not a plain metric selector".into());
        }
        let mut metric = vs.name.unwrap_or_default();
        let mut matchers = Vec::new();
        for m in vs.matchers.matchers {
            let op = MatchOp::of_parsed(&m.op);
            if m.name == "__name__" && op == MatchOp::Eq {
                metric = m.value;
            } else {
                matchers.push(LabelMatcher {
                    name: m.name.into(),
                    op,
                    value: m.value.into(),
                });
            }
        }
        if metric.is_empty() {
            return Err("a selector needs a metric name".into());
        }
        Ok(Selector {
            text: text.into(),
            metric: metric.into(),
            matchers: matchers.into(),
            sure: false,
        })
    }
}

impl Selector {
    /// The text between the braces, trimmed (empty without braces).
    fn inner(&self) -> &str {
        self.text
            .split_once('{')
            .map_or("", |(_, rest)| rest.trim_end().trim_end_matches('}').trim())
    }
}

/// A histogram: its base name (without `_bucket`) and the matchers its series must satisfy,
/// as written (`http_duration_seconds{verb!="WATCH"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pub name: Box<str>,
    /// The matchers as the user wrote them, between the braces.
    inner: Box<str>,
    pub matchers: Box<[LabelMatcher]>,
    /// No parse is needed to know its series selectors are valid.
    pub sure: bool,
}

impl Histogram {
    /// A histogram named without matchers (a valid metric name, checked by the caller).
    pub fn named(name: &str) -> Histogram {
        Histogram {
            name: name.strip_suffix("_bucket").unwrap_or(name).into(),
            inner: "".into(),
            matchers: Box::new([]),
            sure: true,
        }
    }

    /// A histogram from a selector of its base name or of its buckets.
    pub fn of(s: &Selector) -> Histogram {
        Histogram {
            name: s.metric.strip_suffix("_bucket").unwrap_or(&s.metric).into(),
            inner: s.inner().into(),
            matchers: s.matchers.clone(),
            sure: s.sure,
        }
    }

    /// What a rule over it may read: its `_bucket`, `_count` and `_sum` series.
    pub fn reads(&self) -> Vec<Read<'_>> {
        ["_bucket", "_count", "_sum"]
            .map(|suffix| Read {
                metric: format!("{}{suffix}", self.name).into(),
                matchers: std::borrow::Cow::Borrowed(&self.matchers),
            })
            .into()
    }

    /// The selector of one of its series (`_bucket`, `_count`) with the user's matchers and
    /// `extra`: `h{job="a"}` with `_bucket` and `le="2"` is `h_bucket{job="a", le="2"}`.
    pub fn series(&self, suffix: &str, extra: &str) -> String {
        let name = format!("{}{suffix}", self.name);
        match (self.inner.is_empty(), extra.is_empty()) {
            (true, true) => name,
            (true, false) => format!("{name}{{{extra}}}"),
            (false, true) => format!("{name}{{{}}}", self.inner),
            (false, false) => format!("{name}{{{}, {extra}}}", self.inner),
        }
    }
}

/// An instant-vector expression a kind takes (a gauge, a saturation's `used`): any PromQL,
/// read as a [`Selector`] when it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Selector(Box<Selector>),
    /// Any other expression, as the user wrote it, trimmed.
    Expr(Box<str>),
}

impl Query {
    pub fn read(text: &str) -> Query {
        let text = text.trim();
        match shaped(text).then(|| Selector::parse(text).ok()).flatten() {
            Some(s) => Query::Selector(Box::new(s)),
            None => Query::Expr(text.into()),
        }
    }

    /// As the user wrote it, trimmed.
    pub fn text(&self) -> &str {
        match self {
            Query::Selector(s) => &s.text,
            Query::Expr(e) => e,
        }
    }

    pub fn selector(&self) -> Option<&Selector> {
        match self {
            Query::Selector(s) => Some(s),
            Query::Expr(_) => None,
        }
    }

    /// The expression, in parentheses unless it is a plain selector, so that an operator
    /// applied to it keeps its meaning.
    pub fn atom(&self) -> String {
        let text = self.text();
        if shaped(text) {
            text.to_string()
        } else {
            format!("({text})")
        }
    }

    /// What it reads; `None` when that is not known (see [`Read::all_in`]).
    pub fn reads(&self) -> Option<Vec<Read<'_>>> {
        match self {
            Query::Selector(s) => Some(vec![Read::of(s)]),
            Query::Expr(e) => Read::all_in(e),
        }
    }

    /// The metric names it reads: the selector's, or those of every selector in the parse of
    /// a larger expression (none when it does not parse).
    pub fn metrics(&self) -> Vec<String> {
        let text = match self {
            Query::Selector(s) => return vec![s.metric.to_string()],
            Query::Expr(e) => e,
        };
        let mut out = Vec::new();
        if let Ok(ast) = crate::promql::parse_ast(text) {
            selector_names(&ast, &mut out);
        }
        out
    }
}

fn selector_names(e: &promql_parser::parser::Expr, out: &mut Vec<String>) {
    use promql_parser::parser::Expr;
    super::visit(e, &mut |e| {
        let name = match e {
            Expr::VectorSelector(v) => &v.name,
            Expr::MatrixSelector(m) => &m.vs.name,
            _ => return,
        };
        if let Some(n) = name
            && !out.contains(n)
        {
            out.push(n.clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised() {
        assert!(shaped("up"));
        assert!(shaped(r#"x_total{status=~"5.."}"#));
        assert!(!shaped("a / b"));
        assert!(!shaped("rate(x[5m])"));
        assert!(!shaped(r#"a{x="1"} / b{y="2"}"#));
    }

    #[test]
    fn both_paths_read_a_selector_alike() {
        for s in [
            "up",
            r#"x_total{status=~"5..", job!="a"}"#,
            r#"x{a='b', c!~"d|e"}"#,
            "x:y{ a = \"\\\"q\\\"\" }",
        ] {
            let fast = Selector::parse(s).unwrap();
            assert!(fast.sure, "{s}");
            let slow = Selector::parse_slow(s).unwrap();
            assert_eq!(
                (&fast.metric, &fast.matchers),
                (&slow.metric, &slow.matchers)
            );
            assert_eq!(fast.to_string(), s);
        }
        let s = Selector::parse("x{a=`b`}").unwrap_or_else(|e| panic!("{e}"));
        assert!(!s.sure && s.matchers.len() == 1);
        assert!(Selector::parse("rate(x[5m])").is_err());
        assert!(Selector::parse("x offset 5m").is_err());
        assert!(Selector::parse("x{").is_err());
    }

    #[test]
    fn a_histogram_keeps_its_matchers_as_written() {
        let h = Histogram::of(&Selector::parse("h_bucket{job=\"a\", verb!~'W.*'}").unwrap());
        assert_eq!(&*h.name, "h");
        assert_eq!(
            h.series("_bucket", "le=\"1\""),
            "h_bucket{job=\"a\", verb!~'W.*', le=\"1\"}"
        );
        assert_eq!(h.series("_count", ""), "h_count{job=\"a\", verb!~'W.*'}");
        assert_eq!(Histogram::named("h_bucket").series("_count", ""), "h_count");
        assert_eq!(
            Histogram::named("h").series("_bucket", "le=\"1\""),
            "h_bucket{le=\"1\"}"
        );
    }

    #[test]
    fn a_query_names_the_metrics_of_its_selectors() {
        let q = Query::read(" count by (host) (node_cpu{mode=\"idle\"}) ");
        assert_eq!(q.atom(), "(count by (host) (node_cpu{mode=\"idle\"}))");
        assert_eq!(q.metrics(), ["node_cpu"]);
        let q = Query::read("rate(a_total[5m]) / on (x) b + sum(a_total)");
        assert_eq!(q.metrics(), ["a_total", "b"]);
        assert_eq!(Query::read("x{a=\"b\"}").atom(), "x{a=\"b\"}");
    }
}
