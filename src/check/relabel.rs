//! A job's relabeling rules (`[[job.relabel]]`, `[[job.metric_relabel]]`) and the recipes
//! that write them (`drop_metrics`, `drop_labels`, `meta_labels`), judged the way Prometheus
//! judges them when it loads its configuration: the action, its keys, the regex (RE2,
//! anchored), the labels.

use std::sync::LazyLock;

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawJob, RawRelabel, S};
use crate::model::Relabel;

/// The actions, the Prometheus release that introduced each, and the keys each takes
/// besides `action`.
const ACTIONS: &[(&str, (u16, u16), &[&str])] = &[
    ("replace", (2, 0), ALL),
    ("keep", (2, 0), &["source_labels", "separator", "regex"]),
    ("drop", (2, 0), &["source_labels", "separator", "regex"]),
    (
        "hashmod",
        (2, 0),
        &["source_labels", "separator", "modulus", "target_label"],
    ),
    ("labelmap", (2, 0), &["regex", "replacement"]),
    ("labeldrop", (2, 0), &["regex"]),
    ("labelkeep", (2, 0), &["regex"]),
    (
        "lowercase",
        (2, 36),
        &["source_labels", "separator", "regex", "target_label"],
    ),
    (
        "uppercase",
        (2, 36),
        &["source_labels", "separator", "regex", "target_label"],
    ),
    ("keepequal", (2, 41), &["source_labels", "target_label"]),
    ("dropequal", (2, 41), &["source_labels", "target_label"]),
];

const ALL: &[&str] = &[
    "source_labels",
    "separator",
    "regex",
    "target_label",
    "replacement",
];

/// What Prometheus accepts as a `replace` target or a `labelmap` replacement: label-name
/// characters and `$1` / `${name}` references.
static TARGET: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$").unwrap());

/// The `relabel` and `metric_relabel` rules of a job, the recipes' after its own.
pub fn job_rules(cx: &mut Cx, j: &RawJob, job: &str) -> (Vec<Relabel>, Vec<Relabel>) {
    let mut relabel: Vec<Relabel> = j.relabel.iter().filter_map(|r| rule(cx, r, job)).collect();
    for (target, source) in &j.meta_labels {
        let target = cx.metric_name(target, "label name", false);
        let source = cx.metric_name(source, "label name", false);
        relabel.push(Relabel {
            action: "replace".into(),
            source_labels: vec![source],
            target_label: Some(target),
            ..Relabel::default()
        });
    }
    let mut metric: Vec<Relabel> = j
        .metric_relabel
        .iter()
        .filter_map(|r| rule(cx, r, job))
        .collect();
    if let Some(regex) = alternatives(cx, &j.drop_metrics) {
        metric.push(Relabel {
            action: "drop".into(),
            source_labels: vec!["__name__".into()],
            regex: Some(regex),
            ..Relabel::default()
        });
    }
    if let Some(regex) = alternatives(cx, &j.drop_labels) {
        metric.push(Relabel {
            action: "labeldrop".into(),
            regex: Some(regex),
            ..Relabel::default()
        });
    }
    (relabel, metric)
}

/// The regexes of a recipe as one alternation, each checked on its own.
fn alternatives(cx: &mut Cx, items: &[S<String>]) -> Option<String> {
    for r in items {
        regex(cx, r);
    }
    let parts: Vec<&str> = items.iter().map(|r| r.get_ref().as_str()).collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many => Some(many.join("|")),
    }
}

/// A regex as Prometheus compiles it: `^(?:regex)$`, Go's syntax. `~` and `null`, even
/// quoted, are read as no value by the YAML reader of Prometheus' relabel regex, which then
/// refuses the configuration (promtool 2.42: "cannot unmarshal !!str `~` into
/// relabel.Regexp").
fn regex(cx: &mut Cx, r: &S<String>) {
    if matches!(r.get_ref().as_str(), "~" | "null") {
        cx.push(
            Diagnostic::error(
                codes::BAD_MATCHER,
                format!("Prometheus cannot read the relabel regex `{}`", r.get_ref()),
            )
            .at(
                r.span(),
                "its YAML reader takes this for no value and refuses the configuration",
            )
            .help(format!(
                "write the same regex another way, such as `({})`",
                r.get_ref()
            )),
        );
        return;
    }
    if let Some(why) = crate::regexes::go_error(&format!("^(?:{})$", r.get_ref())) {
        cx.error(
            codes::BAD_MATCHER,
            format!("regex `{}` does not compile: {why}", r.get_ref()),
            r.span(),
            "Prometheus refuses the whole configuration",
        );
    }
}

fn rule(cx: &mut Cx, r: &S<RawRelabel>, job: &str) -> Option<Relabel> {
    let raw = r.get_ref();
    let action = raw
        .action
        .as_ref()
        .map_or_else(|| "replace".to_string(), |a| a.get_ref().clone());
    let Some(&(_, since, keys)) = ACTIONS.iter().find(|(a, ..)| *a == action) else {
        let a = raw.action.as_ref()?;
        let mut d = Diagnostic::error(
            codes::UNKNOWN_CHOICE,
            format!("job `{job}`: unknown relabel action `{action}`"),
        )
        .at(a.span(), "Prometheus refuses the whole configuration");
        if let Some(c) = crate::suggest::closest(&action, ACTIONS.iter().map(|a| a.0)) {
            d = d.help(format!("did you mean `{c}`?"));
        }
        cx.push(d);
        return None;
    };
    if let Some(a) = &raw.action {
        cx.needs_version(a.span(), &format!("action = \"{action}\""), since);
    }
    let given: [(&str, Option<std::ops::Range<usize>>); 6] = [
        ("source_labels", raw.source_labels.first().map(S::span)),
        ("separator", raw.separator.as_ref().map(S::span)),
        ("regex", raw.regex.as_ref().map(S::span)),
        ("modulus", raw.modulus.as_ref().map(S::span)),
        ("target_label", raw.target_label.as_ref().map(S::span)),
        ("replacement", raw.replacement.as_ref().map(S::span)),
    ];
    for (key, span) in given {
        if let Some(span) = span
            && !keys.contains(&key)
        {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("job `{job}`: `{action}` takes no `{key}`"),
                span,
                "Prometheus refuses the whole configuration",
            );
        }
    }
    let source_labels = raw
        .source_labels
        .iter()
        .map(|l| cx.metric_name(l, "label name", false))
        .collect();
    if let Some(re) = &raw.regex {
        regex(cx, re);
    }
    empty_address(cx, raw, &action, r.span(), job);
    let modulus = modulus(cx, raw, &action, r.span(), job);
    target(cx, raw, &action, keys, r.span(), job);
    if let Some(rep) = &raw.replacement
        && action == "labelmap"
        && !TARGET.is_match(rep.get_ref())
    {
        cx.error(
            codes::BAD_LABEL_NAME,
            format!("`{}` is no label name for `labelmap`", rep.get_ref()),
            rep.span(),
            "expected letters, digits, `_`, and `$1` or `${name}`",
        );
    }
    let text = |v: &Option<S<String>>| v.as_ref().map(|v| v.get_ref().clone());
    Some(Relabel {
        action,
        source_labels,
        separator: text(&raw.separator),
        regex: text(&raw.regex),
        modulus,
        target_label: text(&raw.target_label),
        replacement: text(&raw.replacement),
    })
}

/// A `replace` into `__address__` with no source labels reads an empty value, so a
/// replacement of only group references (the default `$1`) writes an empty address: Prometheus
/// refuses the target ("no address").
fn empty_address(
    cx: &mut Cx,
    raw: &RawRelabel,
    action: &str,
    at: std::ops::Range<usize>,
    job: &str,
) {
    let target = raw.target_label.as_ref().map(|t| t.get_ref().as_str());
    if action != "replace" || target != Some("__address__") || !raw.source_labels.is_empty() {
        return;
    }
    let replacement = raw
        .replacement
        .as_ref()
        .map_or("$1", |r| r.get_ref().as_str());
    let groups = regex::Regex::new(r"\$(?:\{\w+\}|\w+)").expect("a valid regex");
    if groups.replace_all(replacement, "").is_empty() {
        let span = raw.replacement.as_ref().map_or(at, S::span);
        cx.push(
            Diagnostic::error(
                codes::INCOMPLETE_KEYS,
                format!("job `{job}`: this rule sets `__address__` to an empty string"),
            )
            .at(span, "no source labels: the groups it refers to are empty")
            .help("give the address in `replacement` (`\"127.0.0.1:9115\"`), or the `source_labels` it is read from"),
        );
    }
}

/// `hashmod`'s modulus, which it needs and which must be above 0.
fn modulus(
    cx: &mut Cx,
    raw: &RawRelabel,
    action: &str,
    at: std::ops::Range<usize>,
    job: &str,
) -> Option<u64> {
    if action != "hashmod" {
        return None;
    }
    let Some(m) = &raw.modulus else {
        cx.error(
            codes::INCOMPLETE_KEYS,
            format!("job `{job}`: `hashmod` needs a `modulus`"),
            at,
            "the number of shards, above 0",
        );
        return None;
    };
    match u64::try_from(*m.get_ref()) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            cx.error(
                codes::OUT_OF_RANGE,
                format!("`modulus = {}` is not a number of shards", m.get_ref()),
                m.span(),
                "expected 1 or more",
            );
            None
        }
    }
}

/// The `target_label` the actions that write or compare a label need.
fn target(
    cx: &mut Cx,
    raw: &RawRelabel,
    action: &str,
    keys: &[&str],
    at: std::ops::Range<usize>,
    job: &str,
) {
    if !keys.contains(&"target_label") {
        return;
    }
    let Some(t) = &raw.target_label else {
        cx.error(
            codes::INCOMPLETE_KEYS,
            format!("job `{job}`: `{action}` needs a `target_label`"),
            at,
            "the label it writes or compares",
        );
        return;
    };
    if action == "replace" {
        if !TARGET.is_match(t.get_ref()) {
            cx.error(
                codes::BAD_LABEL_NAME,
                format!("`{}` is no label name for `replace`", t.get_ref()),
                t.span(),
                "expected letters, digits, `_`, and `$1` or `${name}`",
            );
        }
    } else {
        cx.metric_name(t, "label name", false);
    }
}
