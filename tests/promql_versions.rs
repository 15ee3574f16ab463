//! The version table of PromQL functions (`src/promql_versions.rs`) agrees with the real
//! promtool installed here: every function and aggregation that ccmon accepts for the
//! default target (Prometheus 2.42) is accepted by `promtool check rules`, and every one ccmon
//! refuses is refused by it; likewise for syntax newer than 2.42 (durations as numbers,
//! arithmetic in ranges, `_` in numbers...) and older syntax that must stay accepted.

mod common;

use std::fs;
use std::process::Command;

use ccmon::model::PromqlTarget;
use ccmon::promql_versions::{AGGREGATIONS, FUNCTIONS, Feature};
use common::{TempDir, require_tool, run};

/// Argument lists tried in turn until promql-parser takes one: the first that parses is a
/// well-formed call of the function.
const ARGS: &[&str] = &[
    "(up)",
    "(up[5m])",
    "()",
    "(1)",
    "(0.5, up)",
    "(0.5, up[5m])",
    "(up, 1)",
    "(up[5m], 1)",
    "(up[5m], 0.5, 0.5)",
    "(up, \"job\")",
    "(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
    "(up, \"dst\", \",\", \"a\", \"b\")",
    "(up, 1, 2)",
    "(1, up)",
];

fn call(f: &Feature) -> Option<String> {
    ARGS.iter()
        .map(|a| format!("{}{a}", f.name))
        .find(|e| promql_parser::parser::parse(e).is_ok())
}

fn aggregation(f: &Feature) -> String {
    match f.name {
        "topk" | "bottomk" | "limitk" => format!("{}(3, up)", f.name),
        "quantile" | "limit_ratio" => format!("{}(0.5, up)", f.name),
        "count_values" => format!("{}(\"v\", up)", f.name),
        n => format!("{n}(up)"),
    }
}

#[test]
fn ccmon_and_promtool_agree_on_every_function_for_the_default_target() {
    if !require_tool("promtool") {
        return;
    }
    let tmp = TempDir::new("promql-versions");
    let target = PromqlTarget::default();
    let mut cases = Vec::new();
    for f in FUNCTIONS {
        if let Some(expr) = call(f) {
            cases.push(expr);
        }
    }
    cases.extend(AGGREGATIONS.iter().map(aggregation));
    // Syntax: newer forms, and older ones that must stay accepted.
    cases.extend(
        [
            "x * 5m",
            "x[120]",
            "x[5m * 2]",
            "x offset (1h / 2)",
            "x > 1_000",
            "{\"x\"}",
            "rate(x[5m] anchored)",
            "rate(x[5m] smoothed)",
            "a + fill(0) b",
            "rate(x[5m] offset 1h)",
            "x offset -5m",
            "max_over_time(rate(x[5m])[1h:1m])",
            "x @ 1609746000",
            "x > 1e5",
            "a atan2 b",
            "x[1h30m]",
        ]
        .map(String::from),
    );
    let files: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, expr)| {
            let path = tmp.path().join(format!("f{i}.yml"));
            let rule = format!(
                "groups:\n- name: g\n  rules:\n  - record: r\n    expr: {}\n",
                serde_json::to_string(expr).unwrap()
            );
            fs::write(&path, rule).unwrap();
            path.display().to_string()
        })
        .collect();
    let (_, out) = run(Command::new("promtool")
        .args(["check", "rules"])
        .args(&files));
    let mut disagreements = Vec::new();
    for (expr, file) in cases.iter().zip(&files) {
        let report = out
            .split("Checking ")
            .find(|part| part.starts_with(file.as_str()))
            .unwrap_or_default();
        let promtool_ok = report.contains("SUCCESS");
        let ccmon_ok = promql_parser::parser::parse(expr).is_ok()
            && ccmon::check::promql::version_error(expr, &target).is_none();
        if promtool_ok != ccmon_ok {
            disagreements.push(format!(
                "{expr}: promtool {}, ccmon {}",
                if promtool_ok { "accepts" } else { "refuses" },
                if ccmon_ok { "accepts" } else { "refuses" }
            ));
        }
    }
    eprintln!(
        "{} functions and aggregations judged by promtool and ccmon, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(cases.len() > 90, "only {} cases", cases.len());
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
