//! `ccmon diff` as a reviewer meets it: the real change and nothing else, exit 0 / 1 / 2.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{TempDir, root};

fn ccmon(args: &[&str], dir: &Path) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .current_dir(root())
        .args(args)
        .arg("--against")
        .arg(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A copy of a golden folder to change.
fn golden_copy(name: &str) -> TempDir {
    let tmp = TempDir::new("diff");
    let src = root().join("golden").join(name);
    for f in common::files_below(&src) {
        let to = tmp.path().join(&f);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(src.join(&f), to).unwrap();
    }
    tmp
}

const EXAMPLE: &str = "examples/claude-code/monitoring.toml";

#[test]
fn untouched_example_is_exit_0_with_no_output() {
    let g = golden_copy("claude-code");
    let (code, out, err) = ccmon(&["diff", EXAMPLE], g.path());
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn one_threshold_change_shows_exactly_the_rule_its_tests_and_the_dashboard_threshold() {
    let g = golden_copy("claude-code");
    let tmp = TempDir::new("diff-cfg");
    let cfg = tmp.path().join("monitoring.toml");
    let text = fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let changed = text.replacen("above = \"5%\"", "above = \"10%\"", 1);
    assert_ne!(text, changed);
    fs::write(&cfg, changed).unwrap();
    let (code, out, err) = ccmon(&["diff", cfg.to_str().unwrap()], g.path());
    assert_eq!(code, 1, "{err}");
    let changes: Vec<&str> = out
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changes,
        [
            "-                \"value\": 0.05",
            "+                \"value\": 0.1",
            "-      sum by (job, endpoint) (rate(claude_code_api_requests_total[5m])) > 0.05",
            "+      sum by (job, endpoint) (rate(claude_code_api_requests_total[5m])) > 0.1",
            "-      description: \"API 错误率超过 5% (当前: {{ $value | humanizePercentage }})\"",
            "+      description: \"API 错误率超过 10% (当前: {{ $value | humanizePercentage }})\"",
            // The alert's own generated rule tests follow its threshold (in shared groups:
            // its series, then its cases, each after a comment naming it).
            "-    values: 0+100x20",
            "+    values: 0+200x20",
            "-    values: 0+900x20",
            "+    values: 0+800x20",
            "-  # HighAPIErrorRate fires: error ratio 10%",
            "+  # HighAPIErrorRate fires: error ratio 20%",
            "-        description: \"API 错误率超过 5% (当前: 10%)\"",
            "+        description: \"API 错误率超过 10% (当前: 20%)\"",
            "-    values: 0+25x20",
            "+    values: 0+50x20",
            "-    values: 0+975x20",
            "+    values: 0+950x20",
            "-  # HighAPIErrorRate stays silent: error ratio 2.5%",
            "+  # HighAPIErrorRate stays silent: error ratio 5%",
        ]
    );
    assert!(out.contains("--- a/prometheus/rules/claude-code.rules.yml\n+++ b/prometheus/rules/claude-code.rules.yml\n"));
    assert!(
        out.ends_with("3 files changed, 10 insertions(+), 10 deletions(-)\n"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "colour when not on a terminal");
    let (_, stat, _) = ccmon(&["diff", cfg.to_str().unwrap(), "--stat"], g.path());
    assert!(
        stat.contains(" prometheus/rules/claude-code.rules.yml         |    4 ++--\n"),
        "{stat}"
    );
    let (_, json, _) = ccmon(
        &["diff", cfg.to_str().unwrap(), "--format", "json"],
        g.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["files_changed"], 3);
    assert_eq!(
        v["files"][1]["path"],
        "prometheus/rules/claude-code.rules.yml"
    );
    assert_eq!(v["files"][1]["status"], "modified");
    assert_eq!(v["files"][1]["added"], 2);
    let (_, coloured, _) = ccmon(
        &["diff", cfg.to_str().unwrap(), "--color", "always"],
        g.path(),
    );
    assert!(coloured.contains("\x1b[32m+"), "{coloured}");
}

#[test]
fn a_deleted_golden_file_is_listed_as_added() {
    let g = golden_copy("claude-code");
    fs::remove_file(g.path().join("nginx/nginx.conf")).unwrap();
    let (code, out, _) = ccmon(&["diff", EXAMPLE], g.path());
    assert_eq!(code, 1);
    assert!(out.contains("added:   nginx/nginx.conf ("), "{out}");
}

#[test]
fn an_extra_file_is_removed_only_when_ccmon_wrote_it() {
    let g = golden_copy("claude-code");
    let header = format!("# {}\n", ccmon::output::bundle::HEADER);
    fs::write(
        g.path().join("systemd/old-worker.service"),
        format!("{header}[Unit]\n"),
    )
    .unwrap();
    fs::write(g.path().join("systemd/README"), "notes of ours\n").unwrap();
    let (code, out, _) = ccmon(&["diff", EXAMPLE], g.path());
    assert_eq!(code, 1);
    assert!(out.contains("removed: systemd/old-worker.service"), "{out}");
    assert!(!out.contains("README"), "{out}");
}

#[test]
fn a_hand_edited_golden_file_is_drift() {
    let g = golden_copy("claude-code");
    let p = g.path().join("alertmanager/alertmanager.yml");
    let text = fs::read_to_string(&p).unwrap();
    fs::write(
        &p,
        text.replace("repeat_interval: 12h", "repeat_interval: 1h"),
    )
    .unwrap();
    let (code, out, _) = ccmon(&["diff", EXAMPLE], g.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("drift:   alertmanager/alertmanager.yml was edited by hand"),
        "{out}"
    );
    assert!(
        out.contains("-  repeat_interval: 1h\n+  repeat_interval: 12h\n"),
        "{out}"
    );
}

#[test]
fn an_invalid_config_is_trouble() {
    let g = golden_copy("claude-code");
    let (code, out, err) = ccmon(
        &["diff", "tests/bad/structure-five-mistakes.toml"],
        g.path(),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("error[CM101]"), "{err}");
    let (code, _, _) = ccmon(&["diff", EXAMPLE], Path::new("/nonexistent/folder"));
    assert_eq!(code, 2);
}

/// A reordered, re-quoted copy without comments: a text diff everywhere, no semantic one.
#[test]
fn semantic_diff_ignores_key_order_quoting_and_comments() {
    let g = golden_copy("claude-code");
    for rel in [
        "prometheus/prometheus.yml",
        "alertmanager/alertmanager.yml",
        "grafana/dashboards/claude-code-enterprise.json",
    ] {
        let p = g.path().join(rel);
        let text = fs::read_to_string(&p).unwrap();
        let data: serde_json::Value = if rel.ends_with(".json") {
            serde_json::from_str(&text).unwrap()
        } else {
            serde_saphyr::from_str(&text).unwrap()
        };
        // JSON is YAML too: same data, other order of keys (sorted), other quoting, no comment.
        let sorted: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&data).unwrap()).unwrap();
        let mut keys: Vec<(String, serde_json::Value)> =
            sorted.as_object().unwrap().clone().into_iter().collect();
        keys.reverse();
        let reordered = serde_json::Value::Object(keys.into_iter().collect());
        fs::write(&p, serde_json::to_string(&reordered).unwrap()).unwrap();
    }
    let (code, out, _) = ccmon(&["diff", EXAMPLE], g.path());
    assert_eq!(code, 1, "a text diff must see the rewrite");
    assert!(out.contains("drift:"), "{out}");
    let (code, out, err) = ccmon(&["diff", EXAMPLE, "--semantic"], g.path());
    assert_eq!(
        (code, out.as_str()),
        (0, ""),
        "semantic diff shows a change:\n{out}{err}"
    );
    // A real change of data still shows.
    let p = g.path().join("prometheus/prometheus.yml");
    let text = fs::read_to_string(&p).unwrap();
    fs::write(&p, text.replace("\"localhost:8080\"", "\"localhost:8081\"")).unwrap();
    let (code, out, _) = ccmon(&["diff", EXAMPLE, "--semantic"], g.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("-            \"localhost:8081\"\n+            \"localhost:8080\"\n"),
        "{out}"
    );
}
