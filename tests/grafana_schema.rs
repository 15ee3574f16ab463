//! Every dashboard ccmon writes, checked by Grafana's own published types: `@grafana/schema`'s
//! `Dashboard`, compiled with `tsc` over each dashboard written as a TypeScript literal (so
//! unknown keys, wrong enum strings and wrong types are errors), plus ccmon's lint of what
//! those types leave open (`tests/common/grafana.rs`, included here only). `tests/grafana/` holds the npm project;
//! `.ci/run` installs it with `npm ci`.

mod common;
#[path = "common/grafana.rs"]
mod grafana_lint;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{TempDir, files_below, require_tool, root};
use grafana_lint::lint;
use serde_json::Value;

/// `npm ci` is run once, by one test at a time.
static INSTALL: Mutex<()> = Mutex::new(());

fn project() -> PathBuf {
    root().join("tests/grafana")
}

/// The TypeScript compiler of `tests/grafana`, installed from its lockfile when missing.
fn tsc() -> Option<PathBuf> {
    let _one = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let tsc = project().join("node_modules/typescript/bin/tsc");
    let schema = project().join("node_modules/@grafana/schema/package.json");
    if tsc.is_file() && schema.is_file() {
        return Some(tsc);
    }
    if !require_tool("node") || !require_tool("npm") {
        return None;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(project())
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm ci in tests/grafana failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(tsc)
}

/// Compiles each `(name, JSON)` against the schema; `Err` holds tsc's report, each error line
/// starting with the dashboard's name.
fn schema_check(tsc: &Path, tag: &str, dashboards: &[(String, String)]) -> Result<(), String> {
    let dir = project()
        .join("gen")
        .join(format!("{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The JSON starts on line 3 of its file.
    for (i, (name, json)) in dashboards.iter().enumerate() {
        let ts = format!(
            "// {name}\nimport type {{ GeneratedDashboard }} from \"../../schema\";\nexport const dashboard = ({}) satisfies GeneratedDashboard;\n",
            json.trim_end()
        );
        std::fs::write(dir.join(format!("d{i}.ts")), ts).unwrap();
    }
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{ "extends": "../../tsconfig.json", "include": ["*.ts"] }"#,
    )
    .unwrap();
    let out = Command::new("node")
        .arg(tsc)
        .args(["-p", "tsconfig.json", "--pretty", "false"])
        .current_dir(&dir)
        .output()
        .expect("node runs tsc");
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        return Ok(());
    }
    // `d3.ts(40,7): error ...` → `<name> line 38: error ...`
    let report = String::from_utf8_lossy(&out.stdout);
    let mut lines = Vec::new();
    for l in report.lines() {
        let named = l.strip_prefix('d').and_then(|rest| {
            let (i, rest) = rest.split_once(".ts(")?;
            let (line, rest) = rest.split_once(',')?;
            let (_, msg) = rest.split_once("): ")?;
            let name = &dashboards.get(i.parse::<usize>().ok()?)?.0;
            Some(format!(
                "{name} line {}: {msg}",
                line.parse::<usize>().ok()?.saturating_sub(2)
            ))
        });
        lines.push(named.unwrap_or_else(|| l.to_string()));
    }
    Err(lines.join("\n"))
}

fn golden_dashboards() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for example in common::examples() {
        let dir = root().join("golden").join(&example);
        for f in files_below(&dir) {
            if f.starts_with("grafana/dashboards/") && f.ends_with(".json") {
                let text = std::fs::read_to_string(dir.join(&f)).unwrap();
                out.push((format!("golden/{example}/{f}"), text));
            }
        }
    }
    out
}

#[test]
fn every_golden_dashboard_satisfies_grafanas_schema_and_the_lint() {
    let dashboards = golden_dashboards();
    assert!(dashboards.len() >= 4, "{dashboards:?}");
    for (name, text) in &dashboards {
        let v: Value = serde_json::from_str(text).unwrap();
        let problems = lint(&v);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    }
    let Some(tsc) = tsc() else { return };
    if let Err(report) = schema_check(&tsc, "golden", &dashboards) {
        panic!("Grafana's schema rejects a golden dashboard:\n{report}");
    }
}

/// `tests/grafana/every-panel.toml` rendered: its dashboards as (file name, JSON).
fn every_panel() -> Vec<(String, String)> {
    let config = root().join("tests/grafana/every-panel.toml");
    let out = TempDir::new("every-panel");
    let run = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .arg("render")
        .arg(&config)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut dashboards = Vec::new();
    for f in files_below(&out.path().join("grafana/dashboards")) {
        let text = std::fs::read_to_string(out.path().join("grafana/dashboards").join(&f)).unwrap();
        dashboards.push((f, text));
    }
    dashboards
}

/// The fixture has one panel of every kind, with the options each kind takes.
#[test]
fn one_panel_of_every_kind_satisfies_grafanas_schema_and_the_lint() {
    let dashboards = every_panel();
    let mut kinds = std::collections::BTreeSet::new();
    for (name, text) in &dashboards {
        let v: Value = serde_json::from_str(text).unwrap();
        let problems = lint(&v);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        for p in v["panels"].as_array().unwrap() {
            kinds.insert(p["type"].as_str().unwrap().to_string());
        }
    }
    let every: std::collections::BTreeSet<String> = ccmon::model::PanelKind::ALL
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(["row".to_string()])
        .collect();
    assert_eq!(kinds, every, "the fixture must show every panel kind");
    let Some(tsc) = tsc() else { return };
    if let Err(report) = schema_check(&tsc, "every-panel", &dashboards) {
        panic!("Grafana's schema rejects the every-panel dashboard:\n{report}");
    }
}

/// The check is not vacuous: what Grafana would not read is rejected, each at its dashboard.
#[test]
fn the_schema_check_rejects_a_wrong_enum_an_unknown_key_and_a_wrong_type() {
    let Some(tsc) = tsc() else { return };
    let (_, text) = golden_dashboards().remove(0);
    let base: Value = serde_json::from_str(&text).unwrap();
    let first_graph = base["panels"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["type"] != "row")
        .unwrap();
    type Mutation = fn(&mut Value, usize);
    let mutations: [(&str, Mutation); 4] = [
        ("color mode", |v, i| {
            v["panels"][i]["fieldConfig"]["defaults"]["color"] =
                serde_json::json!({"mode": "threshold"})
        }),
        ("unknown key", |v, _| {
            v["refreshInterval"] = serde_json::json!("30s")
        }),
        ("string position", |v, i| {
            v["panels"][i]["gridPos"]["x"] = serde_json::json!("0")
        }),
        ("no schema version", |v, _| {
            v.as_object_mut().unwrap().remove("schemaVersion");
        }),
    ];
    let mut dashboards = Vec::new();
    for (name, mutate) in mutations {
        let mut v = base.clone();
        mutate(&mut v, first_graph);
        dashboards.push((name.to_string(), serde_json::to_string_pretty(&v).unwrap()));
    }
    let report =
        schema_check(&tsc, "mutations", &dashboards).expect_err("every mutation must be rejected");
    for (name, _) in &dashboards {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&format!("{name} line "))),
            "`{name}` was not rejected:\n{report}"
        );
    }
    assert!(report.contains("\"threshold\""), "{report}");
    assert!(report.contains("refreshInterval"), "{report}");
}

/// Each option lands where Grafana reads it.
#[test]
fn panel_options_are_written_where_grafana_reads_them() {
    let (_, text) = every_panel()
        .into_iter()
        .find(|(n, _)| n == "every-panel.json")
        .unwrap();
    let d: Value = serde_json::from_str(&text).unwrap();
    let panel = |title: &str| {
        d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"))
            .clone()
    };
    let rate = panel("Request rate");
    let steps = &rate["fieldConfig"]["defaults"]["thresholds"]["steps"];
    assert_eq!(
        steps,
        &serde_json::json!([
            {"color": "green", "value": null},
            {"color": "orange", "value": 800.0},
            {"color": "dark-red", "value": 1000.0}
        ])
    );
    assert_eq!(
        rate["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"],
        "normal"
    );
    assert_eq!(rate["options"]["legend"]["displayMode"], "table");
    assert_eq!(rate["options"]["legend"]["placement"], "right");
    assert_eq!(
        rate["options"]["legend"]["calcs"],
        serde_json::json!(["mean", "max", "lastNotNull"])
    );
    let o = &rate["fieldConfig"]["overrides"][0];
    assert_eq!(
        o["matcher"],
        serde_json::json!({"id": "byFrameRefID", "options": "B"})
    );
    assert_eq!(
        o["properties"][0],
        serde_json::json!({"id": "unit", "value": "percentunit"})
    );
    assert_eq!(o["properties"][2]["id"], "custom.axisPlacement");

    let heat = panel("Latency");
    assert_eq!(heat["targets"][0]["format"], "heatmap");
    assert_eq!(heat["targets"][0]["legendFormat"], "{{le}}");
    assert_eq!(heat["options"]["calculate"], false);
    assert_eq!(heat["options"]["yAxis"]["unit"], "s");

    let up = panel("Up");
    let m = &up["fieldConfig"]["defaults"]["mappings"];
    assert_eq!(m[0]["type"], "value");
    assert_eq!(m[0]["options"]["0"]["text"], "down");
    assert_eq!(m[1]["options"]["1"]["color"], "green");
    assert_eq!(up["options"]["legend"]["showLegend"], false);

    let table = panel("Targets");
    assert_eq!(table["targets"][0]["instant"], true);
    let organize = &table["transformations"][0];
    assert_eq!(organize["id"], "organize");
    assert_eq!(organize["options"]["renameByName"]["instance"], "Target");
    assert_eq!(organize["options"]["excludeByName"]["Time"], true);
    let range = &table["fieldConfig"]["defaults"]["mappings"][0];
    assert_eq!(
        (range["type"].as_str(), range["options"]["to"].as_f64()),
        (Some("range"), Some(0.5))
    );

    let memory = panel("Memory used");
    assert_eq!(memory["fieldConfig"]["defaults"]["unit"], "percent");
}

/// Several `[[dashboard]]`: each links to the others; a dimension's alert panels are on the
/// dashboards that show that dimension.
#[test]
fn several_dashboards_link_to_each_other_and_share_out_the_dimensions() {
    let dashboards = every_panel();
    let names: Vec<&str> = dashboards.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["every-panel-traffic.json", "every-panel.json"]);
    let parse = |i: usize| serde_json::from_str::<Value>(&dashboards[i].1).unwrap();
    let (traffic, overview) = (parse(0), parse(1));
    let link = |d: &Value| {
        (
            d["links"][0]["url"].clone(),
            d["links"][0]["title"].clone(),
            d["links"].as_array().unwrap().len(),
        )
    };
    assert_eq!(
        link(&overview),
        (
            serde_json::json!("/d/every-panel-traffic"),
            serde_json::json!("Traffic"),
            1
        )
    );
    assert_eq!(
        link(&traffic),
        (
            serde_json::json!("/d/every-panel"),
            serde_json::json!("Every panel"),
            1
        )
    );
    assert_eq!(traffic["links"][0]["keepTime"], true);
    let titles = |d: &Value| -> Vec<String> {
        d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&traffic), ["Traffic", "ApiErrors"]);
    assert!(!titles(&overview).contains(&"ApiErrors".to_string()));
}
