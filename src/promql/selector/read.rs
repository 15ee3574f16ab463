//! What a rule reads: the series its selectors can match, as a metric name and matchers.
//!
//! The generated rule tests put the cases of many alerts into one `promtool` test group (see
//! `emit::pack`). That is only sound when no alert's rule reads another's input series, so
//! every alert kind says what it reads ([`crate::kinds::AlertKind::reads`]) and two reads are
//! compared here: [`Read::overlaps`] answers "could one series be read by both?", erring
//! towards yes.

use std::borrow::Cow;

use super::{LabelMatcher, MatchOp, Selector};

/// The series a selector can match: those named `metric` that satisfy every matcher.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<'a> {
    pub metric: Cow<'a, str>,
    pub matchers: Cow<'a, [LabelMatcher]>,
}

impl<'a> Read<'a> {
    /// What `s` reads, borrowed.
    pub fn of(s: &'a Selector) -> Read<'a> {
        Read {
            metric: Cow::Borrowed(&s.metric),
            matchers: Cow::Borrowed(&s.matchers),
        }
    }

    /// Every series named `metric`.
    pub fn any(metric: impl Into<Cow<'a, str>>) -> Read<'a> {
        Read {
            metric: metric.into(),
            matchers: Cow::Borrowed(&[]),
        }
    }

    /// The series named `metric` that satisfy `matchers`.
    pub fn with(metric: impl Into<Cow<'a, str>>, matchers: Vec<LabelMatcher>) -> Read<'a> {
        Read {
            metric: metric.into(),
            matchers: Cow::Owned(matchers),
        }
    }

    /// The value its equality matcher on `label` requires, if it has one.
    pub fn fixed(&self, label: &str) -> Option<&str> {
        self.matchers
            .iter()
            .find(|m| m.op == MatchOp::Eq && &*m.name == label)
            .map(|m| &*m.value)
    }

    /// Whether a series `metric{labels}` is one it reads (a missing label reads as empty, as
    /// in Prometheus).
    pub fn matches<'l>(
        &self,
        metric: &str,
        mut label: impl FnMut(&str) -> Option<&'l str>,
    ) -> bool {
        metric == self.metric
            && self
                .matchers
                .iter()
                .all(|m| m.op.matches(&m.value, label(&m.name).unwrap_or("")))
    }

    /// Whether some series could be read by both: `false` only when they read different
    /// metrics, or when one fixes a label to a value the other's matcher on that label
    /// refuses. Two regexes are never compared: they are taken to overlap.
    pub fn overlaps(&self, other: &Read) -> bool {
        if self.metric != other.metric {
            return false;
        }
        let refuses = |a: &Read, b: &Read| {
            a.matchers
                .iter()
                .filter(|m| m.op == MatchOp::Eq)
                .any(|fixed| {
                    b.matchers
                        .iter()
                        .any(|m| m.name == fixed.name && !m.op.matches(&m.value, &fixed.value))
                })
        };
        !refuses(self, other) && !refuses(other, self)
    }

    /// Every selector of a PromQL expression; `None` when it does not parse or a selector
    /// names no metric (`{__name__=~".+"}`): what it reads is then not known.
    pub fn all_in(expr: &str) -> Option<Vec<Read<'static>>> {
        use promql_parser::parser::Expr;
        let ast = crate::promql::parse_ast(expr).ok()?;
        let mut out = Vec::new();
        let mut known = true;
        crate::promql::visit(&ast, &mut |e| {
            let vs = match e {
                Expr::VectorSelector(v) => v,
                Expr::MatrixSelector(m) => &m.vs,
                _ => return,
            };
            let mut metric = vs.name.clone();
            let mut matchers = Vec::new();
            if !vs.matchers.or_matchers.is_empty() {
                // `{a="1" or b="2"}`: reads the union; without a matcher, every series of the
                // name is a safe over-estimate.
                out.push(Read::any(metric.clone().unwrap_or_default()));
                known &= metric.is_some();
                return;
            }
            for m in &vs.matchers.matchers {
                let op = MatchOp::of_parsed(&m.op);
                if m.name == "__name__" && op == MatchOp::Eq {
                    metric = Some(m.value.clone());
                } else if m.name != "__name__" {
                    matchers.push(LabelMatcher {
                        name: m.name.as_str().into(),
                        op,
                        value: m.value.as_str().into(),
                    });
                }
            }
            match metric {
                Some(name) => out.push(Read::with(name, matchers)),
                None => known = false,
            }
        });
        known.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Read<'static> {
        let sel = Selector::parse(s).unwrap();
        Read::with(sel.metric.to_string(), sel.matchers.to_vec())
    }

    #[test]
    fn fixed_labels_that_disagree_keep_two_reads_apart() {
        let a = read(r#"x{job="a", code=~"5.."}"#);
        assert!(!a.overlaps(&read(r#"x{job="b"}"#)));
        assert!(!a.overlaps(&read(r#"x{job!="a"}"#)));
        assert!(!a.overlaps(&read(r#"x{job=~"b|c"}"#)));
        assert!(!read(r#"x{job="a", code="404"}"#).overlaps(&a));
        assert!(!a.overlaps(&read(r#"y{job="a"}"#)));
    }

    #[test]
    fn anything_else_is_taken_to_overlap() {
        let a = read(r#"x{job="a", code=~"5.."}"#);
        for other in [
            "x",
            r#"x{job="a"}"#,
            r#"x{job=~"a|b"}"#,
            r#"x{code=~"4.."}"#,
            r#"x{instance="i"}"#,
            r#"x{code="500"}"#,
        ] {
            assert!(a.overlaps(&read(other)), "{other}");
            assert!(read(other).overlaps(&a), "{other}");
        }
    }

    #[test]
    fn a_series_is_read_when_every_matcher_holds() {
        let a = read(r#"x{job="a", code=~"5..", env!="dev"}"#);
        let labels = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
        };
        assert!(a.matches("x", labels(&[("job", "a"), ("code", "503")])));
        assert!(!a.matches(
            "x",
            labels(&[("job", "a"), ("code", "503"), ("env", "dev")])
        ));
        assert!(!a.matches("x", labels(&[("job", "a")])));
        assert!(!a.matches("y", labels(&[("job", "a"), ("code", "503")])));
    }

    #[test]
    fn every_selector_of_an_expression_is_read() {
        let reads = Read::all_in(r#"sum(rate(a{j="1"}[5m])) / on() group_left b > 0"#).unwrap();
        assert_eq!(reads, vec![read(r#"a{j="1"}"#), read("b")]);
        assert_eq!(Read::all_in(r#"{__name__=~"a.*"}"#), None);
        assert_eq!(Read::all_in("a +"), None);
        assert_eq!(
            Read::all_in(r#"{__name__="a", j="1"}"#),
            Some(vec![read(r#"a{j="1"}"#)])
        );
    }
}
