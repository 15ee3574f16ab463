//! The review recipes really run: the `ccmon` steps of the GitHub Actions workflow in
//! docs/review.md, the hooks of `.pre-commit-hooks.yaml`, the local pre-commit hooks and the
//! plain Git hook of docs/review.md, each as written, in a service folder laid out as the docs
//! say (`monitoring.toml`, `deploy/monitoring/` rendered from it).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TempDir, require_tool, root, yaml};

/// A service folder: the minimal example as `monitoring.toml`, rendered into
/// `deploy/monitoring`.
fn service() -> TempDir {
    let tmp = TempDir::new("recipes");
    fs::copy(
        root().join("examples/minimal/monitoring.toml"),
        tmp.path().join("monitoring.toml"),
    )
    .unwrap();
    let (code, out) = run(
        tmp.path(),
        "ccmon render monitoring.toml --out deploy/monitoring",
    );
    assert_eq!(code, 0, "{out}");
    tmp
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_ccmon"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs a command line of the docs (words split on spaces) with ccmon first on PATH.
fn run(dir: &Path, line: &str) -> (i32, String) {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The fenced blocks of a language in docs/review.md under a heading.
fn blocks(heading: &str, lang: &str) -> Vec<String> {
    let text = fs::read_to_string(root().join("docs/review.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let mut out = Vec::new();
    let mut rest = section;
    let open = format!("```{lang}\n");
    while let Some(i) = rest.find(&open) {
        let body = &rest[i + open.len()..];
        let end = body.find("```").unwrap();
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

#[test]
fn the_github_actions_steps_run_as_written() {
    let tools = ["promtool", "amtool", "nginx", "systemd-analyze"];
    if !tools.iter().all(|t| require_tool(t)) {
        return;
    }
    let workflow = yaml(&blocks("GitHub Actions", "yaml")[0]);
    let mut lines = Vec::new();
    for step in workflow["jobs"]["ccmon"]["steps"].as_array().unwrap() {
        for l in step["run"].as_str().unwrap_or("").lines() {
            if l.trim().starts_with("ccmon ") {
                lines.push(l.trim().to_string());
            }
        }
    }
    assert_eq!(lines.len(), 2, "{lines:?}");
    let svc = service();
    for l in &lines {
        let (code, out) = run(svc.path(), l);
        assert_eq!(code, 0, "{l}:\n{out}");
        assert!(
            !out.contains("::error") && !out.contains("::warning"),
            "{l}:\n{out}"
        );
    }
    // A stale output fails the diff step, and a mistake the validate step, with an annotation.
    let config = svc.path().join("monitoring.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("for = \"1m\"", "for = \"2m\"")).unwrap();
    let (code, out) = run(svc.path(), &lines[1]);
    assert_eq!(code, 1, "{out}");
    fs::write(
        &config,
        text.replace("severity = \"critical\"", "severity = \"critcal\""),
    )
    .unwrap();
    let (code, out) = run(svc.path(), &lines[0]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("::error file=monitoring.toml,line="), "{out}");
}

#[test]
fn the_pre_commit_hooks_run_with_their_default_args() {
    let hooks = yaml(&fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap());
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 2);
    let svc = service();
    for h in hooks {
        let args: Vec<&str> = h["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let line = format!("{} {}", h["entry"].as_str().unwrap(), args.join(" "));
        let (code, out) = run(svc.path(), &line);
        assert_eq!(code, 0, "{}: {line}\n{out}", h["id"]);
        assert_eq!(h["pass_filenames"], false);
        // The file pattern matches the config it checks.
        let re = regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
        assert!(re.is_match("monitoring.toml") && re.is_match("svc/monitoring.toml"));
    }
    // Each fails when it should: a hand edit in the output, a warning in the config.
    let rules = svc
        .path()
        .join("deploy/monitoring/prometheus/prometheus.yml");
    let text = fs::read_to_string(&rules).unwrap();
    fs::write(&rules, text.replace("scrape_interval", "scrape_interval ")).unwrap();
    let diff = &hooks[1];
    let line = format!(
        "{} monitoring.toml --against deploy/monitoring",
        diff["entry"].as_str().unwrap()
    );
    assert_eq!(run(svc.path(), &line).0, 1);
}

#[test]
fn the_local_hooks_and_the_git_hook_run_as_written() {
    let svc = service();
    let local = blocks("pre-commit", "yaml")
        .into_iter()
        .find(|b| b.contains("repo: local"))
        .unwrap();
    let local = yaml(&local);
    for h in local["repos"][0]["hooks"].as_array().unwrap() {
        let (code, out) = run(svc.path(), h["entry"].as_str().unwrap());
        assert_eq!(code, 0, "{}:\n{out}", h["id"]);
    }
    let hook = blocks("pre-commit", "sh").remove(0);
    let (code, out) = run(svc.path(), &hook);
    assert_eq!(code, 0, "{out}");
}
