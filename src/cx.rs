//! The checking context: where diagnostics go, and the small rules every part of `check`
//! (and every alert kind) shares: names, durations, labels, tokens of generated files,
//! references, PromQL fragments.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::codes::{self, Code};
use crate::diag::{Diagnostic, Diags};
use crate::load::S;
use crate::quantity::Duration;
use crate::suggest::{backticked, closest};

pub use crate::promql::is_metric_name;

/// The checking context: where diagnostics go, and small shared rules.
pub struct Cx<'a> {
    pub diags: &'a mut Diags,
    /// The source text, to point inside string values.
    pub text: &'a str,
    /// Keys removed by load's recovery (see [`RawConfig::removed`]).
    pub removed: &'a [(Range<usize>, String)],
    /// The PromQL of the targeted Prometheus (set once `[prometheus]` is checked).
    pub promql: crate::promql_versions::PromqlTarget,
    /// The declared severities (set once `[project]` is checked).
    pub severities: Vec<String>,
}

impl Cx<'_> {
    /// A `severity` value: one of the declared ones, or an error (CM207) at it.
    pub fn severity(&mut self, s: &S<String>) -> Option<crate::model::Severity> {
        let v = s.get_ref();
        if self.severities.iter().any(|d| d == v) {
            return Some(crate::model::Severity::named(v));
        }
        let mut d = Diagnostic::error(codes::UNKNOWN_SEVERITY, format!("unknown severity `{v}`"))
            .at(s.span(), format!("expected {}", either(&self.severities)));
        if let Some(c) = closest(v, self.severities.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{c}`?"));
        } else {
            d = d.help("declare it in `[project] severities`");
        }
        self.push(d);
        None
    }

    /// Whether load's recovery removed `key` from the table at `table` (so a "missing" report
    /// would only repeat the structure error already given).
    pub fn was_removed(&self, table: &Range<usize>, key: &str) -> bool {
        self.removed.iter().any(|(s, k)| s == table && k == key)
    }

    /// The span of bytes `start..end` of a string value's content, when the value is written
    /// as a plain one-line string whose source text is exactly its content; otherwise the
    /// whole value's span.
    pub fn inner_span(&self, s: &S<String>, start: usize, end: usize) -> Range<usize> {
        let span = s.span();
        let raw = self.text.get(span.clone()).unwrap_or("");
        let quoted = |q: char| {
            raw.len() == s.get_ref().len() + 2
                && raw.starts_with(q)
                && raw.ends_with(q)
                && &raw[1..raw.len() - 1] == s.get_ref()
        };
        if quoted('"') || quoted('\'') {
            (span.start + 1 + start)..(span.start + 1 + end.min(s.get_ref().len()))
        } else {
            span
        }
    }

    /// A rule key the targeted Prometheus must know: `keep_firing_for` from 2.42, a group's
    /// `limit` from 2.31. An older target refuses the rule file: CM215.
    pub fn needs_version(&mut self, span: Range<usize>, key: &str, since: (u16, u16)) {
        let (major, minor) = self.promql.version;
        if (major, minor) < since {
            let since = format!("{}.{}", since.0, since.1);
            self.push(
                Diagnostic::error(
                    codes::UNKNOWN_CHOICE,
                    format!("`{key}` needs Prometheus {since}; the target is {major}.{minor}"),
                )
                .at(span, format!("Prometheus before {since} refuses this key"))
                .help("raise `[prometheus] version`, or remove the key"),
            );
        }
    }

    pub fn error(&mut self, code: Code, msg: impl Into<String>, span: Range<usize>, label: &str) {
        self.diags
            .push(Diagnostic::error(code, msg).at(span, label));
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A duration key, or its default when absent; a malformed one is an error (and the default
    /// stands in so checking can go on).
    pub fn duration(&mut self, v: Option<&S<String>>, default: Duration) -> Duration {
        match v {
            None => default,
            Some(s) => self.duration_of(s).unwrap_or(default),
        }
    }

    pub fn duration_of(&mut self, s: &S<String>) -> Option<Duration> {
        match Duration::parse(s.get_ref()) {
            Ok(d) => Some(d),
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        codes::BAD_DURATION,
                        format!("`{}` is not a duration: {why}", s.get_ref()),
                    )
                    .at(
                        s.span(),
                        "expected a duration such as `30s`, `5m` or `1h30m`",
                    )
                    .help("durations are a number and a unit: ms, s, m, h, d, w, y"),
                );
                None
            }
        }
    }

    /// A positive duration (timeouts, windows, intervals).
    pub fn positive_duration(&mut self, v: Option<&S<String>>, default: Duration) -> Duration {
        let d = self.duration(v, default);
        if d.millis() == 0 {
            if let Some(s) = v {
                self.error(
                    codes::DURATION_OUT_OF_RANGE,
                    format!("`{}` must be longer than zero", s.get_ref()),
                    s.span(),
                    "zero here",
                );
            }
            return default;
        }
        d
    }

    /// Names of jobs, alerts, receivers...: non-empty, printable, no surrounding blanks.
    pub fn name(&mut self, s: &S<String>, what: &str) -> String {
        let v = s.get_ref();
        if v.trim().is_empty() || v.trim() != v || v.chars().any(char::is_control) {
            self.error(
                codes::EMPTY_NAME,
                format!("{what} name `{v}` is empty or has blanks around it"),
                s.span(),
                "expected a non-empty name",
            );
        }
        v.clone()
    }

    /// Prometheus metric names (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or label names (no colon).
    pub fn metric_name(&mut self, s: &S<String>, what: &str, colon: bool) -> String {
        let v = s.get_ref();
        if !is_metric_name(v, colon) {
            let expected = if colon {
                "letters, digits, `_` and `:`, not starting with a digit"
            } else {
                "letters, digits and `_`, not starting with a digit"
            };
            self.push(
                Diagnostic::error(
                    codes::BAD_LABEL_NAME,
                    format!("`{v}` is not a valid {what}"),
                )
                .at(s.span(), format!("expected {expected}")),
            );
        }
        v.clone()
    }

    pub fn labels(&mut self, m: &BTreeMap<S<String>, S<String>>) -> BTreeMap<String, String> {
        m.iter()
            .map(|(k, v)| {
                self.token(v, "label value", crate::escape::prometheus::any_label_value);
                let k = self.metric_name(k, "label name", false);
                (k, v.get_ref().clone())
            })
            .collect()
    }

    /// A value that becomes a token of a generated file (see [`crate::escape`]): the token,
    /// or a CM210 error at the value when no token gives the reader exactly this value.
    pub fn token<'v, T>(
        &mut self,
        s: &'v S<String>,
        what: &str,
        f: impl FnOnce(&'v str) -> Result<T, crate::escape::Refusal>,
    ) -> Option<T> {
        match f(s.get_ref()) {
            Ok(t) => Some(t),
            Err(why) => {
                self.push(
                    Diagnostic::error(
                        codes::UNSAFE_TEXT,
                        format!(
                            "{what} `{}` cannot be written safely",
                            crate::diag::shown(s.get_ref())
                        ),
                    )
                    .at(s.span(), why),
                );
                None
            }
        }
    }

    /// Reports every name that occurs twice, pointing at both places.
    pub fn unique<'s>(&mut self, names: impl IntoIterator<Item = &'s S<String>>, what: &str) {
        let mut seen: BTreeMap<&str, Range<usize>> = BTreeMap::new();
        for n in names {
            if let Some(first) = seen.get(n.get_ref().as_str()) {
                self.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("{what} `{}` is defined twice", n.get_ref()),
                    )
                    .at(n.span(), "defined again here")
                    .also(first.clone(), "first defined here")
                    .help(format!("give each {what} its own name")),
                );
            } else {
                seen.insert(n.get_ref(), n.span());
            }
        }
    }

    /// A file a server reads (a secret, a CA): an absolute path to a file, never empty. A
    /// relative one resolves against wherever the server's config happens to be. `example` is
    /// shown in the label.
    pub fn server_file(&mut self, s: &S<String>, example: &str) {
        let v = s.get_ref();
        if !v.starts_with('/') || v.chars().any(char::is_control) || v.ends_with('/') {
            self.error(
                codes::UNUSABLE_PATH,
                format!(
                    "`{}` is not an absolute path to a file",
                    crate::diag::shown(v)
                ),
                s.span(),
                &format!("expected a path such as `{example}`"),
            );
        }
    }

    /// A secret given as a value: refused, with the file-reference form as help.
    pub fn no_plaintext(&mut self, v: Option<&S<String>>, key: &str, file_key: &str) {
        self.no_plaintext_help(
            v,
            key,
            &format!(
                "store it in a file readable only by the service and write `{file_key} = \"/etc/.../{key}\"`"
            ),
        );
    }

    /// Like [`Self::no_plaintext`], with the help spelled out.
    pub fn no_plaintext_help(&mut self, v: Option<&S<String>>, key: &str, help: &str) {
        if let Some(s) = v {
            self.push(
                Diagnostic::error(
                    codes::PLAINTEXT_SECRET,
                    format!("`{key}` holds a secret as a plain value"),
                )
                .at(
                    s.span(),
                    "this secret would be copied into a generated file",
                )
                .help(help),
            );
        }
    }

    pub fn unknown_ref(
        &mut self,
        code: Code,
        what: &str,
        s: &S<String>,
        known: impl IntoIterator<Item = String>,
    ) {
        let known: Vec<String> = known.into_iter().collect();
        let mut d = Diagnostic::error(code, format!("no {what} named `{}`", s.get_ref()))
            .at(s.span(), format!("unknown {what}"));
        if let Some(c) = closest(s.get_ref(), known.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{c}`?"));
        } else if known.is_empty() {
            d = d.help(format!("declare the {what} first"));
        } else {
            d = d.help(format!("known: {}", backticked(&known)));
        }
        self.push(d);
    }

    /// Parses a user-written expression and reports a malformed one at its span.
    pub fn check_expr(&mut self, s: &S<String>, what: &str) -> bool {
        let why = crate::promql::parse::parse_error(s.get_ref());
        self.report_expr(s, what, why)
    }

    /// Reports what [`parse_error`] found in a user-written expression, at its span, or else
    /// what the targeted Prometheus lacks.
    pub fn report_expr(&mut self, s: &S<String>, what: &str, why: Option<String>) -> bool {
        self.report_expr_as(s, s.get_ref(), what, why)
    }

    /// [`Cx::report_expr`] of `s` as `expr` reads it: the same text with dashboard variables
    /// replaced by text of their length, so that places in one are places in the other.
    pub fn report_expr_as(
        &mut self,
        s: &S<String>,
        expr: &str,
        what: &str,
        why: Option<String>,
    ) -> bool {
        let why = why.or_else(|| crate::promql::parse::version_error(expr, &self.promql));
        let Some(why) = why else {
            return true;
        };
        let (span, label) = match crate::promql::parse::error_position(expr, &why) {
            Some(r) => {
                let column = expr[..r.start].chars().count() + 1;
                let span = self.inner_span(s, r.start, r.end);
                let label = if span == s.span() {
                    // Escapes in the TOML string: its text is not the expression's.
                    format!("at character {column} of this expression")
                } else {
                    format!("here, at character {column} of the expression")
                };
                (span, label)
            }
            None => (s.span(), "in this expression".to_string()),
        };
        self.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!("{what} is not valid PromQL: {why}"),
            )
            .at(span, label)
            .help("check it with the Prometheus expression browser or `promtool`"),
        );
        false
    }
}

/// `` `a`, `b` or `c` ``.
fn either(v: &[String]) -> String {
    match v {
        [] => "no severity (none is declared)".to_string(),
        [one] => format!("`{one}`"),
        [rest @ .., last] => format!("{} or `{last}`", backticked(rest)),
    }
}
