//! The command line as a user meets it: exit codes 0/1/2, nothing half-written, hostile input.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{TempDir, root};

fn ccmon() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ccmon"));
    c.current_dir(root());
    c
}

fn out(cmd: &mut Command) -> (i32, String, String) {
    let o: Output = cmd.output().expect("ccmon runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file below a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files_below(dir)
        .into_iter()
        .map(|f| {
            let bytes = fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn examples_validate_clean_with_no_warning() {
    for name in common::examples() {
        let (code, stdout, stderr) = out(ccmon()
            .args(["validate", "--deny-warnings"])
            .arg(format!("examples/{name}/monitoring.toml")));
        assert_eq!(code, 0, "{name}: {stderr}");
        // No diagnostic: only the coverage line, every alert tested, and the success line.
        let (coverage, ok) = stderr
            .trim_end()
            .split_once('\n')
            .unwrap_or_else(|| panic!("{name} printed:\n{stdout}{stderr}"));
        let (tested, of) = coverage
            .strip_suffix(" alerts have rule tests")
            .and_then(|s| s.split_once(" of "))
            .unwrap_or_else(|| panic!("{name} printed:\n{stdout}{stderr}"));
        assert!(
            stdout.is_empty() && tested == of && ok.starts_with("ok: ") && !ok.contains('\n'),
            "{name} printed:\n{stdout}{stderr}"
        );
        // `--quiet`: nothing at all on success.
        let (code, stdout, stderr) = out(ccmon()
            .args(["validate", "--quiet"])
            .arg(format!("examples/{name}/monitoring.toml")));
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (0, "", ""),
            "{name}"
        );
    }
}

#[test]
fn render_writes_every_output_and_the_manifest() {
    let tmp = TempDir::new("cli-render");
    let (code, stdout, stderr) = out(ccmon()
        .args(["render", "examples/claude-code/monitoring.toml", "--out"])
        .arg(tmp.path()));
    assert_eq!(code, 0, "{stderr}");
    // Progress is human output: on stderr, stdout stays empty.
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(
            "\nok: 26 alerts, 2 SLOs, 4 receivers, 26 files; 26 changed, 0 unchanged in "
        ),
        "{stderr}"
    );
    let files = common::files_below(tmp.path());
    assert!(files.contains(&".ccmon-manifest".to_string()));
    assert!(!files.iter().any(|f| f.starts_with(".ccmon-staging")));
    assert_eq!(
        snapshot(tmp.path()),
        snapshot(&root().join("golden/claude-code"))
    );
}

#[test]
fn no_fixture_makes_ccmon_panic_and_each_exits_1_or_2() {
    for e in fs::read_dir(root().join("tests/bad")).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let (code, _, stderr) = out(ccmon().args(["validate", "--deny-warnings"]).arg(&p));
        assert!(
            code == 1 || code == 2,
            "{}: exit {code}\n{stderr}",
            p.display()
        );
        for format in ["json", "github"] {
            let (code, _, _) = out(ccmon()
                .args(["validate", "--deny-warnings", "--format", format])
                .arg(&p));
            assert!(
                code == 1 || code == 2,
                "{} --format {format}: exit {code}",
                p.display()
            );
        }
    }
}

#[test]
fn json_and_github_formats_carry_line_and_column() {
    let bad = "tests/bad/structure-five-mistakes.toml";
    // Machine formats on stdout (`> diag.json` holds them), nothing on stderr.
    let (code, stdout, stderr) = out(ccmon().args(["validate", "--format", "json", bad]));
    assert_eq!(code, 1);
    assert!(stderr.is_empty(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    let first = &v[0];
    assert_eq!(first["code"], "CM101");
    assert_eq!(first["primary"]["line"], 3);
    assert_eq!(first["primary"]["column"], 1);
    assert_eq!(v.as_array().unwrap().len(), 5);
    let (_, stdout, _) = out(ccmon().args(["validate", "--format", "github", bad]));
    assert!(
        stdout
            .contains("::error file=tests/bad/structure-five-mistakes.toml,line=3,col=1::[CM101]"),
        "{stdout}"
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let f = "tests/bad/policy-counter-as-gauge.toml";
    assert_eq!(out(ccmon().args(["validate", f])).0, 0);
    assert_eq!(out(ccmon().args(["validate", "--deny-warnings", f])).0, 1);
}

#[test]
fn trouble_exits_2() {
    for args in [
        vec!["validate", "does/not/exist.toml"],
        vec!["validate", "examples"],
        vec!["validate", "README.md/not-a-dir.toml"],
        vec!["validate", "/proc/self/mem"],
        vec![
            "validate",
            "--format",
            "xml",
            "examples/minimal/monitoring.toml",
        ],
        vec!["frobnicate"],
        vec![
            "render",
            "examples/minimal/monitoring.toml",
            "--out",
            "README.md/out",
        ],
        vec![
            "render",
            "examples/minimal/monitoring.toml",
            "--out",
            "/proc/ccmon-out",
        ],
    ] {
        let (code, _, stderr) = out(ccmon().args(&args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_failed_render_leaves_the_output_folder_exactly_as_before() {
    let tmp = TempDir::new("cli-failed");
    let (code, _, _) = out(ccmon()
        .args(["render", "examples/claude-code/monitoring.toml", "--out"])
        .arg(tmp.path()));
    assert_eq!(code, 0);
    fs::write(tmp.path().join("README.txt"), "mine, not ccmon's\n").unwrap();
    let before = snapshot(tmp.path());
    let (code, _, stderr) = out(ccmon()
        .args(["render", "tests/bad/structure-five-mistakes.toml", "--out"])
        .arg(tmp.path()));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn render_removes_only_unedited_files_it_no_longer_generates() {
    let tmp = TempDir::new("cli-stale");
    let d = tmp.path();
    assert_eq!(
        out(ccmon()
            .args(["render", "examples/claude-code/monitoring.toml", "--out"])
            .arg(d))
        .0,
        0
    );
    fs::write(d.join("notes.txt"), "mine\n").unwrap();
    // Edit one file the minimal example does not produce: it must survive.
    let edited = d.join("systemd/claude-code-api.service");
    fs::write(&edited, "# my own unit now\n").unwrap();
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/minimal/monitoring.toml", "--out"])
        .arg(d));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        d.join("notes.txt").exists(),
        "a file ccmon never wrote was removed"
    );
    assert!(edited.exists(), "a hand-edited file was removed");
    assert!(
        stderr.contains("kept systemd/claude-code-api.service"),
        "{stderr}"
    );
    assert!(
        !d.join("prometheus/rules/claude-code.rules.yml").exists(),
        "stale rule file kept"
    );
    assert!(
        stderr.contains("removed prometheus/rules/claude-code.rules.yml"),
        "{stderr}"
    );
}

/// A config large enough that rendering takes a while, to kill it half-way.
fn big_config(alerts: usize) -> String {
    let mut s = String::from(
        "[project]\nname = \"big\"\n\n[[job]]\nname = \"api\"\ntargets = [\"localhost:8080\"]\n\n[[receiver]]\nname = \"ops\"\n[[receiver.webhook]]\nurl = \"http://127.0.0.1:9/x\"\n",
    );
    for i in 0..alerts {
        s.push_str(&format!(
            "\n[[alert]]\nname = \"Errors{i}\"\nkind = \"error_ratio\"\nerrors = 'http_requests_total{{job=\"api\", code=~\"5..\", route=\"/r{i}\"}}'\ntotal = 'http_requests_total{{job=\"api\", route=\"/r{i}\"}}'\nabove = \"5%\"\nfor = \"5m\"\nseverity = \"warning\"\nsummary = \"errors on /r{i}\"\n"
        ));
    }
    s
}

/// Killed at any moment, a render leaves each file either old or new, and the old output
/// whole unless the new one was complete on disk (the commit point); the next render
/// finishes what a killed one committed.
#[test]
fn a_killed_render_never_leaves_a_half_written_output() {
    let tmp = TempDir::new("cli-kill");
    let cfg = tmp.path().join("big.toml");
    let out_dir = tmp.path().join("out");
    let old_cfg = root().join("examples/claude-code/monitoring.toml");
    for delay_ms in [10u64, 60, 250, 1000] {
        let _ = fs::remove_dir_all(&out_dir);
        assert_eq!(
            out(ccmon()
                .arg("render")
                .arg(&old_cfg)
                .arg("--out")
                .arg(&out_dir))
            .0,
            0
        );
        let old = snapshot(&out_dir);
        fs::write(&cfg, big_config(1500)).unwrap();
        let mut child = ccmon()
            .arg("render")
            .arg(&cfg)
            .arg("--out")
            .arg(&out_dir)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&out_dir);
        let staged_commit = out_dir.join(".ccmon-staging/.ccmon-manifest").exists();
        let manifest_new = now.get(".ccmon-manifest") != old.get(".ccmon-manifest");
        if !staged_commit && !manifest_new {
            for (path, bytes) in &old {
                assert_eq!(
                    now.get(path),
                    Some(bytes),
                    "delay {delay_ms} ms: {path} changed before the commit point"
                );
            }
        }
        // Whatever happened, the next render leaves exactly the new output.
        let started = Instant::now();
        let (code, _, stderr) = out(ccmon().arg("render").arg(&cfg).arg("--out").arg(&out_dir));
        assert_eq!(code, 0, "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(60));
        assert!(!out_dir.join(".ccmon-staging").exists());
        let manifest = fs::read_to_string(out_dir.join(".ccmon-manifest")).unwrap();
        for (path, hash) in ccmon::output::manifest::parse_manifest(&manifest) {
            let bytes = fs::read(out_dir.join(&path)).unwrap();
            assert_eq!(
                ccmon::output::manifest::sha256_hex(&bytes),
                hash,
                "{path} after recovery"
            );
        }
    }
}

#[test]
fn hostile_inputs_end_in_bounded_time_without_a_panic() {
    let tmp = TempDir::new("cli-hostile");
    let d = tmp.path();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.toml", Vec::new()),
        ("garbage.toml", (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()),
        ("nested-arrays.toml", format!("[project]\nname = \"x\"\nk = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("nested-tables.toml", format!("[project]\nname = \"x\"\nk = {}1{}\n", "{a=".repeat(50_000), "}".repeat(50_000)).into_bytes()),
        ("ten-megabytes.toml", {
            let mut s = String::from("[project]\nname = \"x\"\n");
            let mut i = 0;
            while s.len() < 10 * 1024 * 1024 {
                s.push_str(&format!("unknown_key_{i} = {i}\n"));
                i += 1;
            }
            s.into_bytes()
        }),
        ("huge-promql.toml", format!(
            "[project]\nname = \"x\"\n[[job]]\nname = \"a\"\ntargets = [\"localhost:1\"]\n[[receiver]]\nname = \"r\"\n[[alert]]\nname = \"A\"\nkind = \"raw\"\nseverity = \"info\"\nsummary = \"s\"\nexpr = \"{} > 1\"\n",
            vec!["up"; 100_000].join(" + ")
        ).into_bytes()),
    ];
    for (name, bytes) in cases {
        let p = d.join(name);
        fs::write(&p, bytes).unwrap();
        let started = Instant::now();
        let (code, _, stderr) = out(ccmon().arg("validate").arg(&p));
        let took = started.elapsed();
        assert!(code == 1 || code == 2, "{name}: exit {code}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(took < Duration::from_secs(30), "{name} took {took:?}");
        eprintln!("{name}: exit {code} in {took:?}");
    }
}

#[test]
fn render_refuses_to_replace_files_ccmon_did_not_write() {
    let tmp = TempDir::new("cli-foreign");
    let d = tmp.path();
    fs::create_dir_all(d.join("nginx")).unwrap();
    fs::write(d.join("nginx/nginx.conf"), "# hand-written, keep me\n").unwrap();
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/claude-code/monitoring.toml", "--out"])
        .arg(d));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[CM005]"), "{stderr}");
    assert!(stderr.contains("nginx/nginx.conf"), "{stderr}");
    assert_eq!(
        fs::read_to_string(d.join("nginx/nginx.conf")).unwrap(),
        "# hand-written, keep me\n"
    );
    let (code, _, stderr) = out(ccmon()
        .args([
            "render",
            "examples/claude-code/monitoring.toml",
            "--force",
            "--out",
        ])
        .arg(d));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::read_to_string(d.join("nginx/nginx.conf"))
            .unwrap()
            .contains(ccmon::output::bundle::HEADER)
    );
}

#[test]
fn render_refuses_to_replace_a_hand_edited_generated_file_without_force() {
    let tmp = TempDir::new("cli-edited");
    let d = tmp.path();
    let render = |extra: &[&str]| {
        out(ccmon()
            .args(["render", "examples/claude-code/monitoring.toml", "--out"])
            .arg(d)
            .args(extra))
    };
    assert_eq!(render(&[]).0, 0);
    let conf = d.join("nginx/nginx.conf");
    let edited = format!("{}# tuned by hand\n", fs::read_to_string(&conf).unwrap());
    fs::write(&conf, &edited).unwrap();
    let (code, _, stderr) = render(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[CM005]"), "{stderr}");
    assert!(
        stderr.contains("edited by hand since: nginx/nginx.conf"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&conf).unwrap(), edited);
    assert_eq!(render(&["--force"]).0, 0);
    assert!(!fs::read_to_string(&conf).unwrap().contains("tuned by hand"));
}

#[test]
fn manifest_lines_outside_the_output_folder_are_ignored() {
    let tmp = TempDir::new("cli-manifest-escape");
    let base = tmp.path();
    let d = base.join("out");
    let victim = base.join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    assert_eq!(
        out(ccmon()
            .args(["render", "examples/claude-code/monitoring.toml", "--out"])
            .arg(&d))
        .0,
        0
    );
    let hash = ccmon::output::manifest::sha256_hex(b"precious\n");
    let manifest = d.join(ccmon::output::manifest::MANIFEST);
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!(
        "{hash}  ../victim.txt\n{hash}  {}\n",
        victim.display()
    ));
    fs::write(&manifest, text).unwrap();
    // The minimal example generates fewer files: every planted line is "stale".
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/minimal/monitoring.toml", "--out"])
        .arg(&d));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(stderr.contains("ignored `../victim.txt`"), "{stderr}");

    // A planted staging folder past its commit point, naming a file outside.
    let staging = d.join(ccmon::output::write::STAGING);
    fs::create_dir_all(&staging).unwrap();
    fs::write(base.join("moved.txt"), "stay\n").unwrap();
    fs::write(
        staging.join(ccmon::output::manifest::MANIFEST),
        format!("{hash}  ../../moved.txt\n{hash}  ../moved.txt\n"),
    )
    .unwrap();
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/minimal/monitoring.toml", "--out"])
        .arg(&d));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(base.join("moved.txt")).unwrap(),
        "stay\n"
    );
}

#[test]
fn render_never_writes_through_a_symbolic_link() {
    let tmp = TempDir::new("cli-symlink");
    let base = tmp.path();
    let d = base.join("out");
    let elsewhere = base.join("elsewhere");
    fs::create_dir_all(&d).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, d.join("nginx")).unwrap();
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/claude-code/monitoring.toml", "--out"])
        .arg(&d));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[CM004]"), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(fs::read_dir(&elsewhere).unwrap().next().is_none());
}

#[test]
fn test_without_promtool_is_trouble_with_its_own_code() {
    let tmp = TempDir::new("cli-no-promtool");
    let (code, _, stderr) = out(ccmon()
        .args(["test", "examples/minimal/monitoring.toml"])
        .env("PATH", tmp.path()));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[CM702]: `promtool` is not installed"),
        "{stderr}"
    );
}

/// `validate` and `test` name the alerts without rule tests, and why.
#[test]
fn coverage_names_the_alerts_without_tests() {
    let tmp = TempDir::new("coverage");
    let config = tmp.path().join("monitoring.toml");
    fs::write(
        &config,
        r#"
[project]
name = "shop"

[[alert]]
name = "ShopDown"
kind = "raw"
expr = 'up{job="shop"} == 0'
severity = "critical"
summary = "shop is down"

[[alert]]
name = "ShopSlow"
kind = "gauge"
expr = 'shop_latency_seconds{job="shop"}'
above = 2
severity = "warning"
summary = "shop is slow"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"
"#,
    )
    .unwrap();
    let (code, _, stderr) = out(ccmon().arg("validate").arg(&config));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "12 of 13 alerts have rule tests; none for:\n  ShopDown: its condition is raw PromQL: write its cases in `[[alert.test]]`\nok: 13 alerts, 0 SLOs, 2 receivers, 20 files\n"
    );
}

/// A route test that expects the wrong receiver fails `ccmon test` with the path the alert
/// took through the tree.
#[test]
fn a_wrong_route_expectation_fails_with_the_path() {
    let tmp = TempDir::new("cli-route-test");
    let text = fs::read_to_string(root().join("examples/claude-code/monitoring.toml")).unwrap();
    let wrong = text.replacen("expect = [\"dev\"]", "expect = [\"team\"]", 1);
    assert_ne!(text, wrong);
    let config = tmp.path().join("monitoring.toml");
    fs::write(&config, wrong).unwrap();
    // `--only` keeps the run short: one alert's rule tests and the route tests it names.
    let (code, stdout, stderr) =
        out(ccmon()
            .arg("test")
            .arg(&config)
            .args(["--only", "a warning*", "HighAPILatency"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("route tests: 2 passed, 1 failed; rule tests: 3 cases in 1 files, all passed; 0 of 1 alerts without rule tests; "),
        "{stdout}"
    );
    for needle in [
        "route test `a warning reaches the developers in business hours`",
        "  expected: [`team`]\n  notified: [`dev`]\n",
        "      severity=\"critical\": no match\n",
        "      severity=\"warning\": matched (receiver `dev`)\n",
    ] {
        assert!(stdout.contains(needle), "{needle:?} not in:\n{stdout}");
    }
}

/// `ccmon routes` prints the tree and, at a time, which alerts a time interval keeps quiet.
#[test]
fn routes_shows_the_tree_and_what_an_interval_silences() {
    let (code, stdout, stderr) = out(ccmon().args([
        "routes",
        "examples/claude-code/monitoring.toml",
        "--at",
        "2026-12-05 03:00",
        "--timezone",
        "Asia/Shanghai",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("    severity=\"warning\" → dev  [active in business-hours]\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("alerts at 2026-12-04T19:00:00Z:"),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("HighAPILatency "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("dev (outside `business-hours`)"), "{row}");
    let (code, _, stderr) = out(ccmon().args([
        "routes",
        "examples/claude-code/monitoring.toml",
        "--at",
        "soon",
    ]));
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, stderr) = out(ccmon().args([
        "routes",
        "examples/claude-code/monitoring.toml",
        "--any-time",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("alerts (time intervals not applied):"),
        "{stdout}"
    );
    assert!(!stdout.contains("outside"), "{stdout}");
}

/// (inode, modification time) of every file below a folder.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    common::files_below(dir)
        .into_iter()
        .map(|f| {
            let m = fs::metadata(dir.join(&f)).unwrap();
            (f, (m.ino(), m.modified().unwrap()))
        })
        .collect()
}

/// A second render with no change touches no file, the manifest included (same inode, same
/// modification time); a change rewrites only the files it changes, and says so.
#[test]
fn render_leaves_unchanged_files_untouched() {
    let tmp = TempDir::new("cli-render-untouched");
    let config = tmp.path().join("monitoring.toml");
    let text = fs::read_to_string(root().join("examples/claude-code/monitoring.toml")).unwrap();
    fs::write(&config, &text).unwrap();
    let out_dir = tmp.path().join("out");
    let render = || {
        let (code, stdout, stderr) = out(ccmon()
            .arg("render")
            .arg(&config)
            .arg("--out")
            .arg(&out_dir));
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        stderr
    };
    render();
    let before = stamps(&out_dir);
    // Modification times have a coarse clock on some filesystems: make a rewrite visible.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let stdout = render();
    assert!(
        stdout.ends_with(&format!(
            "; 0 changed, 26 unchanged in {}\n",
            out_dir.display()
        )),
        "{stdout}"
    );
    assert_eq!(
        stamps(&out_dir),
        before,
        "a render with no change touched files"
    );

    let changed = text.replacen("repeat_interval = \"12h\"", "repeat_interval = \"6h\"", 1);
    assert_ne!(changed, text);
    fs::write(&config, changed).unwrap();
    let stdout = render();
    assert!(
        stdout.contains("wrote alertmanager/alertmanager.yml\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!(
            "; 1 changed, 25 unchanged in {}\n",
            out_dir.display()
        )),
        "{stdout}"
    );
    let after = stamps(&out_dir);
    let moved: Vec<&String> = after
        .iter()
        .filter(|(f, s)| before.get(*f) != Some(s))
        .map(|(f, _)| f)
        .collect();
    assert_eq!(moved, [".ccmon-manifest", "alertmanager/alertmanager.yml"]);
}

/// `--only` with a pattern that names nothing is trouble, not an empty pass.
#[test]
fn test_only_a_pattern_that_names_nothing_is_trouble() {
    let (code, _, stderr) = out(ccmon().args([
        "test",
        "examples/claude-code/monitoring.toml",
        "--only",
        "NoSuchAlert*",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--only NoSuchAlert*: no alert, SLO or route test"),
        "{stderr}"
    );
}

/// `ccmon backup` archives what exists, names what does not, keeps the newest N, and leaves
/// no partial archive; with nothing to back up it is trouble.
#[test]
fn backup_archives_the_paths_and_keeps_the_newest() {
    let tmp = TempDir::new("cli-backup");
    let d = tmp.path();
    let conf = d.join("etc/prometheus");
    fs::create_dir_all(&conf).unwrap();
    fs::write(conf.join("prometheus.yml"), "global: {}\n").unwrap();
    let dir = d.join("backups");
    let run = || {
        out(ccmon()
            .arg("backup")
            .arg("--dir")
            .arg(&dir)
            .args(["--keep", "2"])
            .arg(&conf)
            .arg(d.join("etc/missing")))
    };
    for _ in 0..3 {
        let (code, stdout, stderr) = run();
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("not found, not backed up:"), "{stdout}");
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("backup-") && n.ends_with(".tar.gz"))
    );
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(dir.join(&names[1]))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains("etc/prometheus/prometheus.yml"),
        "{listing}"
    );
    let (code, _, stderr) = out(ccmon()
        .arg("backup")
        .arg("--dir")
        .arg(&dir)
        .arg(d.join("nothing-here")));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("none of the paths to back up exists"),
        "{stderr}"
    );
}

/// `ccmon init` writes each built-in example; what it writes validates with no warning and
/// renders. It does not replace a config that is there, and a missing config points at it.
#[test]
fn init_writes_a_starter_that_validates_and_renders() {
    for example in ["minimal", "claude-code"] {
        let tmp = TempDir::new("cli-init");
        let dir = tmp.path().join("mon");
        let (code, stdout, stderr) = out(ccmon().args(["init", "--example", example]).arg(&dir));
        assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
        assert!(stderr.starts_with("wrote "), "{stderr}");
        let config = dir.join("monitoring.toml");
        let text = fs::read_to_string(&config).unwrap();
        assert!(text.starts_with("# Written by `ccmon init`"), "{text}");
        assert!(
            !text.lines().any(|l| l.starts_with("#:schema")),
            "a schema path of ccmon's repository"
        );
        let (code, _, stderr) = out(ccmon().args(["validate", "--deny-warnings"]).arg(&config));
        assert_eq!(code, 0, "{example}: {stderr}");
        assert!(!stderr.contains("warning"), "{stderr}");
        let (code, _, stderr) = out(ccmon()
            .arg("render")
            .arg(&config)
            .arg("--out")
            .arg(tmp.path().join("out")));
        assert_eq!(code, 0, "{example}: {stderr}");
        // A second init does not replace it.
        let (code, _, stderr) = out(ccmon().arg("init").arg(&dir));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("is already there"), "{stderr}");
        assert_eq!(fs::read_to_string(&config).unwrap(), text);
    }
    let tmp = TempDir::new("cli-init-none");
    let (code, _, stderr) = out(ccmon().arg("validate").current_dir(tmp.path()));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("there is no `monitoring.toml`") && stderr.contains("ccmon init"),
        "{stderr}"
    );
}

/// Human diagnostics are coloured when asked (`--color always`) and never with
/// `--color never` or `NO_COLOR` (and not when stderr is not a terminal, as here).
#[test]
fn diagnostics_are_coloured_only_when_asked() {
    let bad = "tests/bad/ref-unknown-job.toml";
    let (_, _, colored) = out(ccmon().args(["--color", "always", "validate", bad]));
    assert!(colored.contains("\x1b[1;31merror[CM303]"), "{colored:?}");
    let (_, _, plain) = out(ccmon().args(["validate", bad]));
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let (_, _, never) = out(ccmon().args(["validate", "--color", "never", bad]));
    assert_eq!(never, plain);
    let (_, _, no_color) = out(ccmon().args(["validate", bad]).env("NO_COLOR", "1"));
    assert_eq!(no_color, plain);
}

/// `:9100` (every interface) is a listen address, as docs/format.md gives it; the datasource
/// and the self-scrape connect to `localhost` then.
#[test]
fn a_listen_address_without_host_is_accepted() {
    let tmp = TempDir::new("cli-listen");
    let config = tmp.path().join("monitoring.toml");
    fs::write(
        &config,
        "[project]\nname = \"shop\"\n\n[prometheus]\nlisten = \":9090\"\n\n[services.node_exporter]\nlisten = \":9100\"\n\n[[job]]\nname = \"shop\"\ntargets = [\"localhost:8080\"]\n\n[[receiver]]\nname = \"ops\"\n[[receiver.webhook]]\nurl = \"http://127.0.0.1:9095/alerts\"\n",
    )
    .unwrap();
    let (code, _, stderr) = out(ccmon().arg("validate").arg(&config));
    assert_eq!(code, 0, "{stderr}");
    let out_dir = rendered(&config, &tmp);
    let ds =
        fs::read_to_string(out_dir.join("grafana/provisioning/datasources/shop.yaml")).unwrap();
    assert!(ds.contains("url: http://localhost:9090"), "{ds}");
    let unit = fs::read_to_string(out_dir.join("systemd/node-exporter.service")).unwrap();
    assert!(unit.contains("--web.listen-address=:9100"), "{unit}");
}

/// Completions and the manual come from the clap definition: the bash script is valid bash
/// that completes every command, the manual names every command and its flags, and groff
/// formats every page without a warning.
#[test]
fn completions_and_manual_cover_every_command() {
    let commands = [
        "render",
        "validate",
        "diff",
        "test",
        "routes",
        "health",
        "snapshot",
        "backup",
        "restore",
        "schema",
        "completions",
        "man",
        "init",
    ];
    let (code, bash, stderr) = out(ccmon().args(["completions", "bash"]));
    assert_eq!(code, 0, "{stderr}");
    for c in commands {
        assert!(bash.contains(c), "bash completion lacks {c}");
    }
    let tmp = TempDir::new("cli-completions");
    let script = tmp.path().join("ccmon.bash");
    fs::write(&script, &bash).unwrap();
    let (ok, why) = ccmon::tools::run(Command::new("bash").arg("-n").arg(&script));
    assert!(ok, "{why}");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let (code, text, _) = out(ccmon().args(["completions", shell]));
        assert!(code == 0 && text.contains("validate"), "{shell}");
    }
    let (code, page, _) = out(ccmon().arg("man"));
    assert_eq!(code, 0);
    assert!(page.contains(".TH ccmon 1"), "{page}");
    for c in commands {
        assert!(page.contains(c), "the manual lacks {c}");
    }
    let dir = tmp.path().join("man1");
    let (code, _, stderr) = out(ccmon().args(["man", "--out"]).arg(&dir));
    assert_eq!(code, 0, "{stderr}");
    let validate = fs::read_to_string(dir.join("ccmon-validate.1")).unwrap();
    for flag in ["deny\\-warnings", "with\\-tools", "format"] {
        assert!(validate.contains(flag), "{flag}:\n{validate}");
    }
    if common::require_tool("groff") {
        for page in common::files_below(&dir) {
            let (ok, text) = ccmon::tools::run(
                Command::new("groff")
                    .args(["-man", "-Tutf8", "-ww", "-z"])
                    .arg(dir.join(&page)),
            );
            assert!(ok && text.trim().is_empty(), "{page}: {text}");
        }
    }
}

/// `--env` on every command: `render --env` writes that environment's files, `validate`
/// without it checks every environment (an override's mistake fails it at the override's
/// line), and an environment the file does not declare is trouble.
#[test]
fn environments_render_and_validate_from_one_file() {
    let tmp = TempDir::new("cli-env");
    let config = "examples/claude-code/monitoring.toml";
    for env in ["staging", "production"] {
        let dir = tmp.path().join(env);
        let (code, _, stderr) = out(ccmon()
            .args(["render", config, "--env", env, "--out"])
            .arg(&dir));
        assert_eq!(code, 0, "{stderr}");
        let (code, stdout, _) = out(ccmon()
            .args(["diff", config, "--env", env, "--against"])
            .arg(root().join(format!("golden/claude-code@{env}"))));
        assert_eq!(code, 0, "{stdout}");
    }
    let staging = fs::read_to_string(tmp.path().join("staging/prometheus/prometheus.yml")).unwrap();
    assert!(
        staging.contains("cluster: claude-code-staging"),
        "{staging}"
    );
    let (code, _, stderr) =
        out(ccmon().args(["validate", "tests/bad/ref-env-override-mistakes.toml"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("--> tests/bad/ref-env-override-mistakes.toml:24:8"),
        "{stderr}"
    );
    let (code, _, stderr) = out(ccmon()
        .args(["render", config, "--env", "prod", "--out"])
        .arg(tmp.path().join("x")));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("there is no environment `prod`"),
        "{stderr}"
    );
}

/// `diff --against` a server's root (as `ccmon apply --root` lays it out) compares each file
/// at its place there: the same files are no difference, a change shows at its server path.
#[test]
fn diff_against_a_server_root_compares_in_the_servers_layout() {
    let tmp = TempDir::new("cli-root-diff");
    let config = tmp.path().join("monitoring.toml");
    let text = fs::read_to_string(root().join("examples/minimal/monitoring.toml")).unwrap();
    fs::write(&config, &text).unwrap();
    let server = tmp.path().join("root");
    let (code, _, stderr) = out(ccmon()
        .arg("apply")
        .arg(&config)
        .arg("--root")
        .arg(&server)
        .arg("--no-reload"));
    assert_eq!(code, 0, "{stderr}");
    let diff = || {
        out(ccmon()
            .arg("diff")
            .arg(&config)
            .arg("--against")
            .arg(&server))
    };
    let (code, stdout, stderr) = diff();
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    fs::write(&config, text.replace("for = \"1m\"", "for = \"3m\"")).unwrap();
    let (code, stdout, _) = diff();
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("+++ b/etc/prometheus/rules/shop.rules.yml"),
        "{stdout}"
    );
    assert!(!stdout.contains("removed"), "{stdout}");
}

/// `[[host]]`: each machine's files in its own layout below `hosts/<name>/` (the node
/// exporter on all five, the application on its two hosts, the rules beside Prometheus only),
/// and `apply --host` installs exactly one host's files.
#[test]
fn each_host_gets_its_own_files_and_apply_installs_one_host() {
    let tmp = TempDir::new("cli-hosts");
    let (code, _, stderr) = out(ccmon()
        .args(["render", "examples/fleet/monitoring.toml", "--out"])
        .arg(tmp.path().join("out")));
    assert_eq!(code, 0, "{stderr}");
    let hosts = tmp.path().join("out/hosts");
    let has = |host: &str, path: &str| hosts.join(host).join(path).is_file();
    for h in ["monitor-1", "app-1", "app-2", "lb-1", "db-1"] {
        assert!(has(h, "etc/systemd/system/node-exporter.service"), "{h}");
    }
    for (h, app) in [
        ("app-1", true),
        ("app-2", true),
        ("lb-1", false),
        ("db-1", false),
        ("monitor-1", false),
    ] {
        assert_eq!(has(h, "etc/systemd/system/shop-api.service"), app, "{h}");
        assert_eq!(has(h, "etc/filebeat/filebeat.yml"), app, "{h}");
        assert_eq!(
            has(h, "etc/prometheus/rules/shop.rules.yml"),
            h == "monitor-1",
            "{h}"
        );
        assert_eq!(has(h, "etc/nginx/nginx.conf"), h == "lb-1", "{h}");
    }
    assert_eq!(
        common::files_below(&hosts.join("db-1")),
        ["etc/systemd/system/node-exporter.service"]
    );
    // One host's files, installed below a root; the host runs no server to verify.
    let root = tmp.path().join("app-2");
    let (code, _, stderr) = out(ccmon()
        .args([
            "apply",
            "examples/fleet/monitoring.toml",
            "--host",
            "app-2",
            "--root",
        ])
        .arg(&root));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("verify: this host runs neither Prometheus nor Alertmanager"),
        "{stderr}"
    );
    let installed: Vec<String> = common::files_below(&root)
        .into_iter()
        .filter(|f| !f.starts_with("var/lib/ccmon/"))
        .collect();
    assert_eq!(installed, common::files_below(&hosts.join("app-2")));
    let (code, _, stderr) = out(ccmon()
        .args([
            "apply",
            "examples/fleet/monitoring.toml",
            "--host",
            "app-9",
            "--root",
        ])
        .arg(&root));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no [[host]] named `app-9`"), "{stderr}");
}

/// With `[[host]]` and no `node` or `nginx` job of the user's, self-monitoring scrapes the
/// exporters on every host that runs them (this host's through `localhost`); one that listens
/// on loopback away from Prometheus is an error at that host.
#[test]
fn exporter_jobs_scrape_the_hosts_that_run_them() {
    let tmp = TempDir::new("cli-host-targets");
    let text = fs::read_to_string(root().join("examples/fleet/monitoring.toml")).unwrap();
    let cut = |t: &str, from: &str, to: &str| {
        let i = t.find(from).unwrap();
        let j = i + t[i..].find(to).unwrap();
        format!("{}{}", &t[..i], &t[j..])
    };
    let text = cut(&text, "# The node exporters of all five", "[[alert]]");
    let config = tmp.path().join("monitoring.toml");
    fs::write(&config, &text).unwrap();
    let out_dir = rendered(&config, &tmp);
    let prom: serde_json::Value =
        common::yaml(&fs::read_to_string(out_dir.join("prometheus/prometheus.yml")).unwrap());
    let targets = |job: &str| -> Vec<String> {
        let j = prom["scrape_configs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["job_name"] == job)
            .unwrap_or_else(|| panic!("no job {job}"));
        j["static_configs"][0]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        targets("node"),
        [
            "localhost:9100",
            "app-1:9100",
            "10.0.0.12:9100",
            "lb-1:9100",
            "db-1:9100"
        ]
    );
    assert_eq!(targets("nginx"), ["lb-1:9113"]);
    // The nginx exporter on its default loopback address cannot be reached from monitor-1.
    fs::write(
        &config,
        text.replace("[services.nginx_exporter]\nlisten = \":9113\"\n", ""),
    )
    .unwrap();
    let (code, _, stderr) = out(ccmon().arg("validate").arg(&config));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`nginx_exporter` runs on host `lb-1` but listens on `127.0.0.1:9113`"),
        "{stderr}"
    );
}

/// Alertmanager, Grafana and the blackbox exporter each on a host of its own: Prometheus
/// sends alerts and probes to those hosts, Grafana asks Prometheus on its host; a part that
/// listens on loopback away from the host that reaches it is an error at its host.
#[test]
fn parts_on_other_hosts_are_reached_at_their_addresses() {
    let tmp = TempDir::new("cli-host-parts");
    let text = fs::read_to_string(root().join("examples/fleet/monitoring.toml")).unwrap();
    let hosts = text.find("[[host]]").unwrap();
    let base = format!(
        "{}{}",
        &text[..hosts],
        r#"[[health]]
name = "shop"
http = "http://app-1:8080/health"
summary = "the shop does not answer its health check"

[[host]]
name = "monitor-1"
runs = ["prometheus", "node_exporter"]

[[host]]
name = "alert-1"
address = "10.0.0.21"
runs = ["alertmanager"]

[[host]]
name = "grafana-1"
runs = ["grafana"]

[[host]]
name = "probe-1"
runs = ["blackbox_exporter"]

[[host]]
name = "app-1"
runs = ["shop-api", "filebeat", "node_exporter"]

[[host]]
name = "app-2"
runs = ["shop-api", "filebeat", "node_exporter"]

[[host]]
name = "lb-1"
runs = ["nginx", "nginx_exporter", "node_exporter"]

[[host]]
name = "db-1"
runs = ["node_exporter"]
"#
    );
    let config = tmp.path().join("monitoring.toml");
    // On loopback (the defaults), none of the three can be reached from where it is asked.
    fs::write(&config, &base).unwrap();
    let (code, _, stderr) = out(ccmon().arg("validate").arg(&config));
    assert_eq!(code, 1, "{stderr}");
    for (part, host, listen, from) in [
        (
            "alertmanager",
            "alert-1",
            "127.0.0.1:9093",
            "prometheus on host `monitor-1`",
        ),
        (
            "blackbox_exporter",
            "probe-1",
            "127.0.0.1:9115",
            "prometheus on host `monitor-1`",
        ),
        (
            "prometheus",
            "monitor-1",
            "127.0.0.1:9090",
            "grafana on host `grafana-1`",
        ),
    ] {
        let want = format!(
            "`{part}` runs on host `{host}` but listens on `{listen}`, which {from} cannot reach"
        );
        assert!(stderr.contains(&want), "{want}\n{stderr}");
    }
    // Listening on every interface, each is reached at its host's address.
    let open = base.replacen(
        "[project]",
        "[prometheus]\nlisten = \":9090\"\n\n[alertmanager]\nlisten = \":9093\"\n\n[services.blackbox_exporter]\nlisten = \":9115\"\n\n[project]",
        1,
    );
    fs::write(&config, &open).unwrap();
    let out_dir = rendered(&config, &tmp);
    let prom: serde_json::Value =
        common::yaml(&fs::read_to_string(out_dir.join("prometheus/prometheus.yml")).unwrap());
    let alerting = &prom["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"];
    assert_eq!(alerting, &serde_json::json!(["10.0.0.21:9093"]));
    let job = |name: &str| {
        prom["scrape_configs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["job_name"] == name)
            .unwrap_or_else(|| panic!("no job {name}"))
            .clone()
    };
    assert_eq!(
        job("alertmanager")["static_configs"][0]["targets"],
        serde_json::json!(["10.0.0.21:9093"])
    );
    assert_eq!(
        job("blackbox")["static_configs"][0]["targets"],
        serde_json::json!(["probe-1:9115"])
    );
    let probe = job("probe-shop").to_string();
    assert!(
        probe.contains("\"replacement\":\"probe-1:9115\""),
        "{probe}"
    );
    let datasource =
        fs::read_to_string(out_dir.join("grafana/provisioning/datasources/shop.yaml")).unwrap();
    assert!(
        datasource.contains("url: http://monitor-1:9090\n"),
        "{datasource}"
    );
    // Each part's files are in its host's folder.
    for (host, file) in [
        ("alert-1", "etc/prometheus/alertmanager.yml"),
        ("probe-1", "etc/prometheus/blackbox.yml"),
        ("monitor-1", "etc/prometheus/prometheus.yml"),
    ] {
        assert!(
            out_dir.join("hosts").join(host).join(file).is_file(),
            "{host}: {file}"
        );
    }
}

/// `ccmon render CONFIG --out <tmp>/out`, which must succeed; the folder.
fn rendered(config: &Path, tmp: &TempDir) -> std::path::PathBuf {
    let out_dir = tmp.path().join("out");
    let (code, _, stderr) = out(ccmon().arg("render").arg(config).arg("--out").arg(&out_dir));
    assert_eq!(code, 0, "{stderr}");
    out_dir
}
