//! `[[dashboard.variable]]`: the dashboard's template variables, and what panel queries may
//! reference: the declared variables and Grafana's own (`$__rate_interval`, `$__interval`,
//! `$__range`...).
//!
//! Before a panel query is parsed, every reference is replaced by text of the same length
//! that PromQL reads in its place (a duration inside `[...]`, a name elsewhere): a syntax
//! error is then reported at its own place in `monitoring.toml`.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawVariable, S};
use crate::model::{VarKind, Variable};

/// Grafana's global variables a query may use; the first three are durations.
const BUILTIN_DURATIONS: &[&str] = &["__rate_interval", "__interval", "__range"];
const BUILTIN_OTHER: &[&str] = &[
    "__interval_ms",
    "__range_s",
    "__range_ms",
    "__dashboard",
    "__name",
    "__org",
    "__user",
];

pub fn variables(cx: &mut Cx, raw: &[S<RawVariable>]) -> Vec<Variable> {
    cx.unique(raw.iter().map(|v| &v.get_ref().name), "dashboard variable");
    raw.iter()
        .filter_map(|v| variable(cx, v.get_ref()))
        .collect()
}

fn variable(cx: &mut Cx, v: &RawVariable) -> Option<Variable> {
    let name = v.name.get_ref();
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain || name.starts_with("__") || name == "datasource" {
        cx.push(
            Diagnostic::error(
                codes::BAD_IDENTIFIER,
                format!("dashboard variable name `{}` cannot be used", crate::diag::shown(name)),
            )
            .at(v.name.span(), "expected letters, digits and `_`, not starting with `__`")
            .help("`datasource` and the names starting with `__` are Grafana's (ccmon adds `$datasource` itself)"),
        );
    }
    let kind = match v.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None | Some("query") => {
            let Some(q) = &v.query else {
                cx.push(
                    Diagnostic::error(
                        codes::INCOMPLETE_KEYS,
                        format!("variable `{name}` needs a `query`"),
                    )
                    .at(
                        v.name.span(),
                        "a query variable lists what its query returns",
                    )
                    .help("for example `query = \"label_values(up, job)\"`"),
                );
                return None;
            };
            query(cx, q);
            VarKind::Query(q.get_ref().trim().to_string())
        }
        Some(k @ ("custom" | "interval")) => {
            let values = values(cx, v, k == "interval")?;
            if k == "custom" {
                VarKind::Custom(values)
            } else {
                VarKind::Interval(values)
            }
        }
        Some(other) => {
            let k = v.kind.as_ref()?;
            cx.push(
                Diagnostic::error(
                    codes::UNKNOWN_KIND,
                    format!("unknown variable kind `{}`", crate::diag::shown(other)),
                )
                .at(k.span(), "expected `query`, `custom` or `interval`"),
            );
            return None;
        }
    };
    Some(Variable {
        name: name.clone(),
        label: v.label.as_ref().map(|l| l.get_ref().clone()),
        kind,
        multi: v.multi.as_ref().is_some_and(|m| *m.get_ref()),
        include_all: v.include_all.as_ref().is_some_and(|m| *m.get_ref()),
    })
}

/// `values` of a custom or interval variable: not empty, no commas (Grafana splits on them),
/// durations for an interval.
fn values(cx: &mut Cx, v: &RawVariable, durations: bool) -> Option<Vec<String>> {
    let Some(list) = &v.values else {
        cx.push(
            Diagnostic::error(
                codes::INCOMPLETE_KEYS,
                format!("variable `{}` needs `values`", v.name.get_ref()),
            )
            .at(v.name.span(), "the choices it offers"),
        );
        return None;
    };
    if list.get_ref().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            "`values` is empty",
            list.span(),
            "list at least one",
        );
    }
    for x in list.get_ref() {
        if x.get_ref().is_empty() || x.get_ref().contains([',', '\n']) {
            cx.error(
                codes::UNSAFE_TEXT,
                "a variable value may not be empty or hold a comma",
                x.span(),
                "Grafana splits the list on commas",
            );
        } else if durations {
            cx.duration_of(x);
        }
    }
    Some(list.get_ref().iter().map(|x| x.get_ref().clone()).collect())
}

/// A query variable's query: one of the Prometheus data source's functions, its PromQL
/// checked.
fn query(cx: &mut Cx, q: &S<String>) {
    let text = q.get_ref().trim();
    let inner = ["label_values(", "query_result(", "metrics(", "label_names("]
        .iter()
        .find_map(|f| text.strip_prefix(f).map(|rest| (*f, rest)))
        .and_then(|(f, rest)| rest.strip_suffix(')').map(|inner| (f, inner)));
    let Some((f, inner)) = inner else {
        cx.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!("`{}` is not a variable query of the Prometheus data source", crate::diag::shown(text)),
            )
            .at(q.span(), "expected `label_values(...)`, `label_names()`, `metrics(...)` or `query_result(...)`"),
        );
        return;
    };
    let promql = match f {
        // `label_values(selector, label)` or `label_values(label)`.
        "label_values(" => inner.rsplit_once(',').map(|(sel, _)| sel.trim()),
        "query_result(" => Some(inner.trim()),
        _ => None,
    };
    if let Some(p) = promql
        && let Some(why) = super::promql::parse_error(&substitute(p, &[]))
    {
        cx.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!("the variable query's PromQL is malformed: {why}"),
            )
            .at(q.span(), "Grafana would show no choices"),
        );
    }
}

/// The query with every variable reference replaced by text of the same length that PromQL
/// reads in its place; the references to unknown variables, as byte ranges.
pub fn substitute_checked(expr: &str, vars: &[Variable]) -> (String, Vec<(usize, usize, String)>) {
    let mut out = String::with_capacity(expr.len());
    let mut unknown = Vec::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            let c = expr[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let (name, len) = match bytes.get(i + 1) {
            Some(b'{') => match expr[i + 2..].find('}') {
                Some(e) => (&expr[i + 2..i + 2 + e], e + 3),
                None => ("", 1),
            },
            _ => {
                let n = expr[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(expr.len() - i - 1);
                (&expr[i + 1..i + 1 + n], n + 1)
            }
        };
        // `${name:format}`: the name before the format.
        let name = name.split(':').next().unwrap_or(name);
        if name.is_empty() {
            out.push('$');
            i += 1;
            continue;
        }
        let declared = vars.iter().find(|v| v.name == name);
        let duration = BUILTIN_DURATIONS.contains(&name)
            || declared.is_some_and(|v| matches!(v.kind, VarKind::Interval(_)))
            || in_range(&out);
        if declared.is_none()
            && !BUILTIN_DURATIONS.contains(&name)
            && !BUILTIN_OTHER.contains(&name)
        {
            unknown.push((i, i + len, name.to_string()));
        }
        if duration && len >= 2 {
            // One minute, zero-padded to the reference's length.
            out.push_str(&"0".repeat(len - 2));
            out.push_str("1m");
        } else {
            out.push_str(&"_".repeat(len));
        }
        i += len;
    }
    (out, unknown)
}

/// [`substitute_checked`] without the unknown references.
fn substitute(expr: &str, vars: &[Variable]) -> String {
    substitute_checked(expr, vars).0
}

/// Whether the text so far ends inside `[...]` (a range or subquery).
fn in_range(before: &str) -> bool {
    match (before.rfind('['), before.rfind(']')) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Reports the references of a panel query to variables that are not declared.
/// `unknown` is what [`substitute_checked`] found in `q`.
pub fn report_unknown(
    cx: &mut Cx,
    q: &S<String>,
    unknown: Vec<(usize, usize, String)>,
    vars: &[Variable],
) {
    for (start, end, name) in unknown {
        let span = cx.inner_span(q, start, end);
        let mut d = Diagnostic::error(
            codes::UNKNOWN_VARIABLE,
            format!("no dashboard variable named `{name}`"),
        )
        .at(span, "unknown variable");
        let known: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
        d = match crate::suggest::closest(&name, known.iter().copied()) {
            Some(c) => d.help(format!("did you mean `${c}`?")),
            None => d.help("declare it in `[[dashboard.variable]]`, or use one of Grafana's: `$__rate_interval`, `$__interval`, `$__range`"),
        };
        cx.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_become_text_of_the_same_length() {
        let vars = vec![Variable {
            name: "job".into(),
            label: None,
            kind: VarKind::Query("label_values(up, job)".into()),
            multi: true,
            include_all: true,
        }];
        let q = r#"sum by (job) (rate(x{job=~"$job"}[$__rate_interval])) / ${job}"#;
        let (s, unknown) = substitute_checked(q, &vars);
        assert_eq!(s.len(), q.len());
        assert_eq!(
            s,
            r#"sum by (job) (rate(x{job=~"____"}[000000000000001m])) / ______"#
        );
        assert!(unknown.is_empty());
        assert_eq!(crate::check::promql::parse_error(&s), None);
        let (_, unknown) = substitute_checked("up{job=\"$jb\"}", &vars);
        assert_eq!(unknown, [(8, 11, "jb".to_string())]);
    }
}
