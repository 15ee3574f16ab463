//! `validate --with-tools`: the real servers' own checkers run over the rendered bundle in a
//! temporary folder, and what they reject becomes a diagnostic (CM701).
//!
//! Two outputs need a stand-in environment to be checked on a machine that is not the server:
//! `nginx -t` opens the TLS files and resolves the backends, so those are replaced by a
//! throwaway certificate and loopback addresses; `systemd-analyze verify` wants every program
//! to exist, so a missing one is replaced by a stub. The check is then about the directives
//! ccmon wrote, which is what it can answer for.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codes;
use crate::diag::{Diagnostic, Diags};
use crate::model::Model;

/// Whether a program is on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// Runs a command; (success, stdout and stderr together).
pub fn run(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            (out.status.success(), text)
        }
        Err(e) => (false, format!("cannot run {cmd:?}: {e}")),
    }
}

/// A fresh folder under the system temp dir.
fn temp_dir(tag: &str) -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "ccmon-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p)?;
    Ok(p)
}

/// The model with nginx's files in `dir` (a fresh self-signed certificate, logs, pid) and
/// backends on loopback, so that `nginx -t` can run anywhere. Needs `openssl` when TLS is on.
pub fn nginx_stand_in(model: &Model, dir: &Path) -> Result<Model, String> {
    let mut m = model.clone();
    let Some(p) = m.proxy.as_mut() else {
        return Ok(m);
    };
    if let Some(t) = p.tls.as_mut() {
        let (crt, key) = (dir.join("tls.crt"), dir.join("tls.key"));
        let (ok, out) = run(Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=ccmon-check"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&crt));
        if !ok {
            return Err(format!("openssl could not make a test certificate: {out}"));
        }
        t.certificate = crt.display().to_string();
        t.certificate_key = key.display().to_string();
    }
    p.access_log = dir.join("access.log").display().to_string();
    p.error_log = dir.join("error.log").display().to_string();
    p.pid_file = dir.join("nginx.pid").display().to_string();
    for (i, b) in p.backends.iter_mut().enumerate() {
        b.address = format!("127.0.0.1:{}", 18080 + i);
    }
    Ok(m)
}

/// The model with every service program that is not installed here replaced by a stub
/// executable in `dir`.
pub fn systemd_stand_in(model: &Model, dir: &Path) -> std::io::Result<Model> {
    let mut m = model.clone();
    // A program that is not installed here becomes `dir/stub-<name>`, which exits 0.
    let stand_in = |program: &mut String, name: &str| -> std::io::Result<()> {
        if !Path::new(program.as_str()).is_file() {
            let stub = dir.join(format!("stub-{name}"));
            fs::write(&stub, "#!/bin/sh\nexit 0\n")?;
            fs::set_permissions(&stub, fs::Permissions::from_mode(0o755))?;
            *program = stub.display().to_string();
        }
        Ok(())
    };
    for s in &mut m.services {
        stand_in(&mut s.binary, &s.name)?;
    }
    if let Some(mt) = &mut m.maintenance {
        stand_in(&mut mt.ccmon, "ccmon")?;
    }
    Ok(m)
}

/// Where in `monitoring.toml` a named alert is, to point a tool's complaint at it.
pub type Locate<'a> = &'a dyn Fn(&str) -> Option<std::ops::Range<usize>>;

fn reject(diags: &mut Diags, what: &str, file: &str, out: &str, dir: &Path, locate: Locate) {
    // Paths inside the temporary folder mean nothing to the user: show them relative.
    let prefix = format!("{}/", dir.join("out").display());
    let text = out
        .replace(&prefix, "")
        .replace(&format!("{}/", dir.display()), "");
    let excerpt: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut d = Diagnostic::error(
        codes::TOOL_REJECTS,
        format!("`{what}` rejects the generated {file}"),
    )
    .help(excerpt.join("\n"));
    // promtool names the rule: `group "g", rule 1, "AlertName": ...`.
    if let Some(name) = text
        .split(", rule ")
        .nth(1)
        .and_then(|r| r.split('"').nth(1))
        && let Some(span) = locate(name)
    {
        d = d.at(span, "this alert's expression");
    }
    diags.push(d);
}

/// A checker that is not installed: a warning (so `--deny-warnings` fails and CI does not pass
/// unchecked), saying what went unchecked.
fn skipped(diags: &mut Diags, tool: &str, what: &str) {
    diags.push(
        Diagnostic::warning(
            codes::TOOL_MISSING,
            format!("`{tool}` is not installed: {what} not checked"),
        )
        .help("install it (`.ci/run` shows how), or run `validate` without `--with-tools`"),
    );
}

/// Runs every available checker; a missing one is named on stderr and skipped.
pub fn check_with_tools(model: &Model, diags: &mut Diags, locate: Locate) {
    let dir = match temp_dir("tools") {
        Ok(d) => d,
        Err(e) => {
            diags.push(Diagnostic::error(
                codes::TOOL_MISSING,
                format!("cannot make a temporary folder for the tools: {e}"),
            ));
            return;
        }
    };
    let bundle = crate::emit::emit(model);
    if let Err(e) = bundle.write_to(&dir.join("out")) {
        diags.push(Diagnostic::error(
            codes::TOOL_MISSING,
            format!("cannot write the bundle: {e:#}"),
        ));
        return;
    }
    let out = dir.join("out");
    if on_path("promtool") {
        let config = match prometheus_with_stand_ins(&out, &dir) {
            Ok(c) => c,
            Err(e) => {
                diags.push(Diagnostic::error(
                    codes::TOOL_MISSING,
                    format!("cannot write stand-ins for the server's files: {e}"),
                ));
                return;
            }
        };
        let (ok, text) = run(Command::new("promtool")
            .args(["check", "config"])
            .arg(config));
        if !ok {
            reject(
                diags,
                "promtool check config",
                "prometheus.yml and rules",
                &text,
                &dir,
                locate,
            );
        }
    } else {
        skipped(diags, "promtool", "the rule files and prometheus.yml were");
    }
    if on_path("amtool") {
        let (ok, text) = run(Command::new("amtool")
            .arg("check-config")
            .arg(out.join("alertmanager/alertmanager.yml")));
        if !ok {
            reject(
                diags,
                "amtool check-config",
                "alertmanager.yml",
                &text,
                &dir,
                locate,
            );
        }
    } else {
        skipped(diags, "amtool", "alertmanager.yml was");
    }
    if model.blackbox.is_some() {
        check_blackbox(diags, &out, &dir, locate);
    }
    check_logrotate(diags, &out, &dir, locate);
    if model.proxy.is_some() {
        check_nginx(model, diags, &dir, locate);
    }
    check_systemd(model, diags, &dir, locate);
    let _ = fs::remove_dir_all(&dir);
}

/// The keys of `prometheus.yml` that name a file of the server whose existence promtool
/// checks: TLS files, passwords and tokens (of jobs, discoveries and remote writes).
const SERVER_FILE_KEYS: [&str; 6] = [
    "ca_file: ",
    "cert_file: ",
    "key_file: ",
    "password_file: ",
    "credentials_file: ",
    "bearer_token_file: ",
];

/// `prometheus.yml` text with a stand-in file under `dir` for every absolute path of the
/// server it names (see [`SERVER_FILE_KEYS`]), as this machine is not the server.
pub fn with_stand_ins(text: &str, dir: &Path) -> std::io::Result<String> {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        let at = SERVER_FILE_KEYS
            .iter()
            .find_map(|k| line.find(k).map(|i| i + k.len()));
        let value = at.map(|i| line[i..].trim_matches(|c| c == '"' || c == '\''));
        match (at, value) {
            (Some(i), Some(v)) if v.starts_with('/') => {
                let stand_in = dir.join(format!("server-file-{n}"));
                fs::write(&stand_in, "stand-in\n")?;
                out.push_str(&line[..i]);
                out.push_str(&stand_in.display().to_string());
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    Ok(out)
}

/// The `prometheus.yml` promtool checks: the rendered one, or, when it names files of the
/// server, a copy beside it (so that rule and target files resolve alike) naming stand-ins
/// for them under `dir`.
pub fn prometheus_with_stand_ins(out: &Path, dir: &Path) -> std::io::Result<PathBuf> {
    let rendered = out.join("prometheus/prometheus.yml");
    let text = fs::read_to_string(&rendered)?;
    let checked = with_stand_ins(&text, dir)?;
    if checked == text {
        return Ok(rendered);
    }
    let copy = out.join("prometheus/prometheus.check.yml");
    fs::write(&copy, checked)?;
    Ok(copy)
}

/// `nginx -t` on nginx.conf, with a stand-in for the certificates and paths of the server.
fn check_nginx(model: &Model, diags: &mut Diags, dir: &Path, locate: Locate) {
    let plus = model.proxy.as_ref().is_some_and(|p| p.nginx_plus);
    if plus
        && on_path("nginx")
        && !run(Command::new("nginx").arg("-v"))
            .1
            .contains("nginx-plus")
    {
        diags.push(
            Diagnostic::warning(
                codes::PLUS_ONLY,
                "this nginx.conf needs nginx Plus, and the nginx here is open source",
            )
            .help("`nginx -t` would reject `health_check` as an unknown directive, so nginx.conf was not checked; run `validate --with-tools` where nginx Plus is installed"),
        );
        return;
    }
    if on_path("nginx") && on_path("openssl") {
        let nd = dir.join("nginx");
        let result = fs::create_dir_all(&nd)
            .map_err(|e| e.to_string())
            .and_then(|()| nginx_stand_in(model, &nd));
        match result {
            Ok(m) => {
                let conf = nd.join("nginx.conf");
                let b = crate::emit::emit(&m);
                let text = b.get("nginx/nginx.conf").unwrap_or_default();
                let _ = fs::write(&conf, text);
                let (ok, text) = run(Command::new("nginx")
                    .arg("-t")
                    .arg("-p")
                    .arg(&nd)
                    .arg("-c")
                    .arg(&conf)
                    .arg("-e")
                    .arg(nd.join("error.log")));
                if !ok || text.contains("[warn]") {
                    reject(diags, "nginx -t", "nginx.conf", &text, dir, locate);
                }
            }
            Err(e) => reject(diags, "nginx -t", "nginx.conf", &e, dir, locate),
        }
    } else {
        skipped(diags, "nginx (or openssl)", "nginx.conf was");
    }
}

/// `systemd-analyze verify` on the units, with a stand-in for the programs and users.
/// The blackbox exporter's own check of `blackbox.yml` (Debian names it
/// `prometheus-blackbox-exporter`).
fn check_blackbox(diags: &mut Diags, out: &Path, dir: &Path, locate: Locate) {
    let Some(tool) = ["prometheus-blackbox-exporter", "blackbox_exporter"]
        .into_iter()
        .find(|t| on_path(t))
    else {
        skipped(diags, "prometheus-blackbox-exporter", "blackbox.yml was");
        return;
    };
    let (ok, text) = run(Command::new(tool).arg("--config.check").arg(format!(
        "--config.file={}",
        out.join("blackbox/blackbox.yml").display()
    )));
    if !ok {
        reject(
            diags,
            "blackbox exporter --config.check",
            "blackbox.yml",
            &text,
            dir,
            locate,
        );
    }
}

/// `logrotate -d` (it only reads) over the rendered logrotate file, with a state file of its
/// own.
fn check_logrotate(diags: &mut Diags, out: &Path, dir: &Path, locate: Locate) {
    let Some(file) = fs::read_dir(out.join("logrotate"))
        .ok()
        .and_then(|mut d| d.next())
        .and_then(Result::ok)
    else {
        return;
    };
    let tool = ["logrotate", "/usr/sbin/logrotate"]
        .into_iter()
        .find(|t| on_path(t) || Path::new(t).is_file());
    let Some(tool) = tool else {
        skipped(diags, "logrotate", "the logrotate file was");
        return;
    };
    let (ok, text) = run(Command::new(tool)
        .arg("-d")
        .arg("-s")
        .arg(dir.join("logrotate.state"))
        .arg(file.path()));
    if !ok || text.contains("error:") {
        reject(
            diags,
            "logrotate -d",
            "the logrotate file",
            &text,
            dir,
            locate,
        );
    }
}

fn check_systemd(model: &Model, diags: &mut Diags, dir: &Path, locate: Locate) {
    if on_path("systemd-analyze") {
        let sd = dir.join("systemd");
        let units: Result<Vec<PathBuf>, std::io::Error> = fs::create_dir_all(&sd)
            .and_then(|()| systemd_stand_in(model, &sd))
            .and_then(|m| {
                crate::emit::emit(&m)
                    .files
                    .iter()
                    .filter_map(|(p, t)| p.strip_prefix("systemd/").map(|n| (n, t)))
                    .map(|(n, t)| {
                        let path = sd.join(n);
                        fs::write(&path, t).map(|()| path)
                    })
                    .collect()
            });
        match units {
            Ok(units) if !units.is_empty() => {
                let (ok, text) = run(Command::new("systemd-analyze").arg("verify").args(&units));
                // Unknown keys only warn, with exit 0: any output at all is a complaint.
                if !ok || !text.trim().is_empty() {
                    reject(diags, "systemd-analyze verify", "units", &text, dir, locate);
                }
            }
            Ok(_) => {}
            Err(e) => reject(
                diags,
                "systemd-analyze verify",
                "units",
                &e.to_string(),
                dir,
                locate,
            ),
        }
    } else {
        skipped(diags, "systemd-analyze", "the systemd units were");
    }
}

/// What `promtool test rules` said of the generated tests, run in a temporary folder
/// (paths in the output relative to the bundle).
pub struct RuleTestRun {
    /// Whether every file passed.
    pub passed: bool,
    /// promtool's output, file by file in path order.
    pub output: String,
    /// What the tests cover.
    pub coverage: crate::output::bundle::Coverage,
    /// Test cases (groups of `tests:`) and files run.
    pub cases: usize,
    pub files: usize,
    /// The files that failed.
    pub failed_files: Vec<String>,
}

/// The number of test groups in a generated test file: the items of its `tests:` sequence,
/// which ccmon writes at the start of a line.
/// The alert tests of a test file: the items of every group's `alert_rule_test`.
fn cases_in(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with("  - eval_time: "))
        .count()
}

/// Runs `promtool test rules` on the generated tests, one promtool per test file on every
/// core.
pub fn run_rule_tests(model: &Model) -> Result<RuleTestRun, String> {
    let dir = temp_dir("test").map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let bundle = crate::emit::emit(model);
    bundle
        .write_to(&dir)
        .map_err(|e| format!("cannot write the bundle: {e:#}"))?;
    let files: Vec<(&String, &String)> = bundle
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("prometheus/tests/"))
        .collect();
    let results = crate::par::map(&files, |(rel, _)| {
        run(Command::new("promtool")
            .args(["test", "rules"])
            .arg(dir.join(rel)))
    });
    let _ = fs::remove_dir_all(&dir);
    let prefix = format!("{}/", dir.display());
    let failed_files: Vec<String> = files
        .iter()
        .zip(&results)
        .filter(|(_, (ok, _))| !ok)
        .map(|((rel, _), _)| rel.to_string())
        .collect();
    Ok(RuleTestRun {
        passed: failed_files.is_empty(),
        output: results
            .iter()
            .map(|(_, out)| out.replace(&prefix, ""))
            .collect(),
        cases: files.iter().map(|(_, t)| cases_in(t)).sum(),
        files: files.len(),
        failed_files,
        coverage: bundle.coverage,
    })
}
