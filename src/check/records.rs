//! Recording rules: their names and expressions, their groups, and no cycle between them.
//! The same name may be recorded by several rules (kube-prometheus records one metric with
//! different label sets), so names are not held unique.

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::RawConfig;
use crate::model::{Dimension, Record};
use crate::promql::selector::Query;

pub fn records(cx: &mut Cx, raw: &RawConfig, dims: &[Dimension]) -> Vec<Record> {
    let mut out = Vec::new();
    for r in &raw.records {
        let r = r.get_ref();
        let before = cx.diags.count(crate::diag::Severity::Error);
        let name = cx.metric_name(&r.name, "recorded metric name", true);
        cx.check_expr(&r.expr, "`expr`");
        if let Some(d) = &r.dimension
            && !dims.iter().any(|x| &x.name == d.get_ref())
        {
            cx.unknown_ref(
                codes::UNKNOWN_DIMENSION,
                "dimension",
                d,
                dims.iter().map(|x| x.name.clone()),
            );
        }
        let labels = super::alerts::rule_labels(cx, &r.labels, &[], "recording rule");
        if cx.diags.count(crate::diag::Severity::Error) == before {
            out.push(Record {
                name,
                expr: r.expr.get_ref().trim().to_string(),
                dimension: r.dimension.as_ref().map(|d| d.get_ref().clone()),
                labels,
            });
        }
    }
    cycles(cx, raw);
    out
}

/// Recording rules that read each other in a cycle record nothing but their own stale
/// values: an error at the first rule of each cycle.
fn cycles(cx: &mut Cx, raw: &RawConfig) {
    let records: Vec<(&str, &str)> = raw
        .records
        .iter()
        .map(|r| {
            (
                r.get_ref().name.get_ref().as_str(),
                r.get_ref().expr.get_ref().as_str(),
            )
        })
        .collect();
    let names: BTreeSet<&str> = records.iter().map(|(n, _)| *n).collect();
    let mut reads: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (name, expr) in &records {
        let used = Query::read(expr).metrics();
        reads
            .entry(name)
            .or_default()
            .extend(used.into_iter().filter(|m| names.contains(m.as_str())));
    }
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for start in names.iter().copied() {
        let Some(path) = cycle_from(start, &reads) else {
            continue;
        };
        if path.iter().any(|n| reported.contains(n)) {
            continue;
        }
        reported.extend(path.iter().cloned());
        let span = raw
            .records
            .iter()
            .find(|r| r.get_ref().name.get_ref() == start)
            .map(|r| r.get_ref().expr.span());
        if let Some(span) = span {
            cx.push(
                Diagnostic::error(
                    codes::RECORD_CYCLE,
                    format!(
                        "recording rules read each other in a cycle: {}",
                        path.join(" -> ")
                    ),
                )
                .at(span, "this expression starts the cycle")
                .help("record from the raw series; a rule cannot depend on its own output"),
            );
        }
    }
}

/// The cycle through `start`, as the names along it back to `start`, if there is one.
fn cycle_from(start: &str, reads: &BTreeMap<&str, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut stack: Vec<(String, Vec<String>)> = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in reads.get(at.as_str()).into_iter().flatten() {
            if next == start {
                let mut p = path.clone();
                p.push(start.to_string());
                return Some(p);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_found_with_its_path() {
        let reads: BTreeMap<&str, BTreeSet<String>> = BTreeMap::from([
            ("a:x", BTreeSet::from(["b:x".to_string()])),
            ("b:x", BTreeSet::from(["c:x".to_string()])),
            ("c:x", BTreeSet::from(["a:x".to_string()])),
            ("d:x", BTreeSet::from(["a:x".to_string()])),
        ]);
        assert_eq!(
            cycle_from("a:x", &reads).unwrap(),
            ["a:x", "b:x", "c:x", "a:x"]
        );
        assert_eq!(cycle_from("d:x", &reads), None);
    }
}
