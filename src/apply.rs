//! `ccmon apply`: the rendered files installed where the servers read them, under a root
//! (`/` on the server, a folder in tests), then the servers reloaded and asked whether they run
//! them; a failed reload or check puts the previous files back and reloads again.
//!
//! The steps, each reported: plan (the files whose bytes change, and those ccmon installed
//! before and no longer renders), check with the real tools (unless told not to), keep the
//! previous files, install (each written beside its place and renamed over it), reload what
//! changed (Prometheus' and Alertmanager's `/-/reload`; `nginx -t` and `nginx -s reload`, under
//! another root with its `nginx.conf` when an nginx runs from it; on `/` also
//! `systemctl daemon-reload` and restart of changed units), verify ([`crate::health::loaded`]
//! until `wait` passes), and on failure roll back.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::health::http::Endpoint;
use crate::model::Model;
use crate::output::bundle::Bundle;

/// The record of what apply installed, below the root: its removals are limited to these.
pub const INSTALLED: &str = "var/lib/ccmon/installed";
/// The files an apply replaced, kept until the next apply.
pub const PREVIOUS: &str = "var/lib/ccmon/previous";

pub struct Options<'a> {
    pub root: &'a Path,
    pub prometheus: Endpoint,
    pub alertmanager: Endpoint,
    /// Run the real tools over the rendered files before installing anything.
    pub check: bool,
    /// How long the servers have to load the new files.
    pub wait: Duration,
    /// Install only: no reload, no verification (a first install before the servers run, a
    /// staged root).
    pub install_only: bool,
    /// Only the files of this `[[host]]`; the servers are verified only when it runs one.
    pub host: Option<String>,
}

/// The files of a root that a diff looks at: the places of the rendered files, and what an
/// apply installed there before, when they exist.
pub fn listed(layout: &Bundle, root: &Path) -> std::collections::BTreeSet<String> {
    layout
        .files
        .keys()
        .cloned()
        .chain(installed(root))
        .filter(|p| root.join(p).is_file())
        .collect()
}

/// What an earlier apply recorded as installed below the root; a path that would leave the
/// root is not taken.
fn installed(root: &Path) -> Vec<String> {
    fs::read_to_string(root.join(INSTALLED))
        .unwrap_or_default()
        .lines()
        .filter(|p| !p.is_empty() && !p.contains("..") && !p.starts_with('/'))
        .map(str::to_string)
        .collect()
}

/// A file's new bytes (`None`: removed) and its old ones (`None`: absent).
struct Change {
    path: String,
    new: Option<String>,
    old: Option<Vec<u8>>,
}

/// What the apply did, for the report: each step's line.
#[derive(Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub changed: usize,
}

impl Report {
    fn say(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }
}

/// Applies; `Err` when it failed (and what was rolled back is in the report).
pub fn apply(model: &Model, bundle: &Bundle, o: &Options) -> (Report, Result<(), String>) {
    let mut r = Report::default();
    let placed = match &o.host {
        Some(h) if !model.hosts.iter().any(|x| &x.name == h) => {
            let names: Vec<&str> = model.hosts.iter().map(|x| x.name.as_str()).collect();
            return (
                r,
                Err(format!(
                    "no [[host]] named `{h}` (hosts: {})",
                    names.join(", ")
                )),
            );
        }
        Some(h) => crate::layout::of_host(bundle, h),
        None => crate::layout::layout(model, bundle),
    };
    // A host that runs neither server has nothing of theirs to verify.
    let serves = o.host.as_ref().is_none_or(|h| {
        model.hosts.iter().any(|x| {
            &x.name == h
                && x.runs
                    .iter()
                    .any(|r| r == "prometheus" || r == "alertmanager")
        })
    });
    let changes = match plan(&placed, o.root) {
        Ok(c) => c,
        Err(e) => return (r, Err(e)),
    };
    r.changed = changes.len();
    if changes.is_empty() {
        r.say("plan: nothing to change");
        if o.install_only || !serves {
            return (r, Ok(()));
        }
        let verified = verify(model, bundle, o, &mut r);
        return (r, verified);
    }
    for c in &changes {
        let what = match (&c.old, &c.new) {
            (None, _) => "add",
            (_, None) => "remove",
            _ => "change",
        };
        r.say(format!("plan: {what} {}", c.path));
    }
    if o.check {
        let mut diags = crate::diag::Diags::default();
        crate::tools::check_with_tools(model, &mut diags, &|_| None);
        let errors: Vec<String> = diags
            .sorted()
            .into_iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .map(|d| format!("{}: {}", d.code.id, d.message))
            .collect();
        for d in diags.sorted() {
            if d.code == crate::codes::TOOL_MISSING && d.severity == crate::diag::Severity::Warning
            {
                r.say(format!("check: {}", d.message));
            }
        }
        if !errors.is_empty() {
            r.say("check: the real tools reject the rendered files; nothing was installed");
            return (r, Err(errors.join("\n")));
        }
        r.say("check: the real tools accept the rendered files");
    }
    if let Err(e) = keep_previous(o.root, &changes)
        .and_then(|()| install(o.root, &changes, |c| c.new.as_deref().map(str::as_bytes)))
    {
        let undo = install(o.root, &changes, |c| c.old.as_deref());
        r.say(format!(
            "install: {e}; previous files put back ({})",
            status(&undo)
        ));
        return (r, Err(e));
    }
    r.say(format!(
        "install: {} file(s) under {}",
        changes.len(),
        o.root.display()
    ));
    if o.install_only {
        let _ = record(&placed, o.root);
        r.say("reload: not done (--no-reload)");
        return (r, Ok(()));
    }
    let outcome = reload(o, model, &changes, &mut r).and_then(|()| {
        if serves {
            verify(model, bundle, o, &mut r)
        } else {
            r.say("verify: this host runs neither Prometheus nor Alertmanager");
            Ok(())
        }
    });
    let Err(why) = outcome else {
        let _ = record(&placed, o.root);
        return (r, Ok(()));
    };
    // Roll back: the previous files, reloaded, and the servers asked again.
    let undo = install(o.root, &changes, |c| c.old.as_deref());
    r.say(format!(
        "rollback: previous files put back ({})",
        status(&undo)
    ));
    let again = reload(o, model, &changes, &mut r);
    r.say(format!("rollback: reload {}", status(&again)));
    (r, Err(why))
}

fn status(r: &Result<(), String>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => format!("failed: {e}"),
    }
}

/// The files whose bytes differ under the root, and those apply installed before that are no
/// longer rendered.
fn plan(placed: &Bundle, root: &Path) -> Result<Vec<Change>, String> {
    let wanted: &BTreeMap<String, String> = &placed.files;
    let mut out = Vec::new();
    for (path, text) in wanted {
        let old = fs::read(root.join(path)).ok();
        if old.as_deref() != Some(text.as_bytes()) {
            out.push(Change {
                path: path.clone(),
                new: Some(text.to_string()),
                old,
            });
        }
    }
    for path in installed(root) {
        if wanted.contains_key(&path) {
            continue;
        }
        if let Ok(old) = fs::read(root.join(&path)) {
            out.push(Change {
                path,
                new: None,
                old: Some(old),
            });
        }
    }
    Ok(out)
}

/// The replaced files, copied below [`PREVIOUS`] for a later look or a manual rollback.
fn keep_previous(root: &Path, changes: &[Change]) -> Result<(), String> {
    let dir = root.join(PREVIOUS);
    let _ = fs::remove_dir_all(&dir);
    for c in changes {
        if let Some(old) = &c.old {
            let to = dir.join(&c.path);
            fs::create_dir_all(to.parent().unwrap_or(&dir))
                .and_then(|()| fs::write(&to, old))
                .map_err(|e| format!("cannot keep {}: {e}", c.path))?;
        }
    }
    Ok(())
}

/// Writes each change's bytes (`None`: the file is removed), each through a file beside it
/// renamed over it, so a server never reads half a file.
fn install(
    root: &Path,
    changes: &[Change],
    bytes: impl Fn(&Change) -> Option<&[u8]>,
) -> Result<(), String> {
    for c in changes {
        let to: PathBuf = root.join(&c.path);
        let done = match bytes(c) {
            Some(b) => {
                let tmp = to.with_extension("ccmon-new");
                fs::create_dir_all(to.parent().unwrap_or(root))
                    .and_then(|()| fs::write(&tmp, b))
                    .and_then(|()| fs::rename(&tmp, &to))
            }
            None => match fs::remove_file(&to) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        };
        done.map_err(|e| format!("cannot write {}: {e}", to.display()))?;
    }
    Ok(())
}

/// The list of installed files, for the next apply's removals.
fn record(placed: &Bundle, root: &Path) -> std::io::Result<()> {
    let list: Vec<&str> = placed.files.keys().map(String::as_str).collect();
    let path = root.join(INSTALLED);
    fs::create_dir_all(path.parent().unwrap_or(root))?;
    fs::write(path, list.join("\n") + "\n")
}

/// Whether Prometheus' files, and Alertmanager's, are among the changed paths: found where
/// the layout puts them (each unit's `config_dir`).
fn servers_touched(model: &Model, paths: &[&str]) -> (bool, bool) {
    let touched = |files: &[&str]| {
        files
            .iter()
            .filter_map(|f| crate::layout::server_path(model, f))
            .any(|prefix| paths.iter().any(|p| p.starts_with(&prefix)))
    };
    (
        touched(&[
            "prometheus/prometheus.yml",
            "prometheus/rules/",
            "prometheus/targets/",
        ]),
        touched(&["alertmanager/alertmanager.yml", "alertmanager/templates/"]),
    )
}

/// Reloads the servers whose files changed.
fn reload(o: &Options, model: &Model, changes: &[Change], r: &mut Report) -> Result<(), String> {
    let touched = |prefix: &str| changes.iter().any(|c| c.path.starts_with(prefix));
    let timeout = Duration::from_secs(10);
    let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
    let (prom, am) = servers_touched(model, &paths);
    for (name, on, e) in [
        ("prometheus", prom, &o.prometheus),
        ("alertmanager", am, &o.alertmanager),
    ] {
        if !on {
            continue;
        }
        // On the server, through its unit (SIGHUP, as ccmon's units say); a reload the
        // server refuses shows in the verification, which compares what it loaded.
        if o.root == Path::new("/") {
            let (ok, out) =
                crate::tools::run(std::process::Command::new("systemctl").args(["reload", name]));
            r.say(format!(
                "reload {name}: {}",
                if ok { "ok" } else { out.trim() }
            ));
            if !ok {
                return Err(format!("systemctl reload {name} failed: {}", out.trim()));
            }
            continue;
        }
        // Elsewhere, through its HTTP API (`--web.enable-lifecycle`), which says why it refuses.
        match e.post("/-/reload", timeout)? {
            (200, _) => r.say(format!("reload {name}: ok")),
            (s, body) => {
                let why = format!("{name} refused the reload ({s}): {}", body.trim());
                r.say(format!("reload {name}: {why}"));
                return Err(why);
            }
        }
    }
    if touched("etc/nginx/") {
        nginx_reload(o, model, r)?;
    }
    if o.root == Path::new("/") {
        system_reloads(changes, r)?;
    } else if touched("etc/systemd/") {
        r.say("reload systemd units: not done (the root is not /)");
    }
    Ok(())
}

/// Runs a command of a reload step, saying how it went; `Err` when it failed.
fn step(cmd: &mut std::process::Command, what: &str, r: &mut Report) -> Result<(), String> {
    let (ok, out) = crate::tools::run(cmd);
    r.say(format!("{what}: {}", if ok { "ok" } else { out.trim() }));
    if ok {
        Ok(())
    } else {
        Err(format!("{what} failed: {}", out.trim()))
    }
}

/// nginx checks the installed `nginx.conf` and reloads it: on `/` the one it reads by
/// default; under another root the root's (`-c`), when an nginx runs from it (its pid file,
/// as the configuration names it, exists). `nginx -s reload` signals the running master,
/// which keeps its old configuration if the new one fails: hence `nginx -t` first.
fn nginx_reload(o: &Options, model: &Model, r: &mut Report) -> Result<(), String> {
    use std::process::Command;
    let conf = o.root.join("etc/nginx/nginx.conf");
    let nginx = |args: &[&str]| {
        let mut c = Command::new("nginx");
        if o.root != Path::new("/") {
            c.arg("-c").arg(&conf);
        }
        c.args(args);
        c
    };
    if o.root != Path::new("/") {
        let pid = model.proxy.as_ref().map(|p| p.pid_file.as_str());
        if !pid.is_some_and(|p| Path::new(p).is_file()) {
            r.say(format!(
                "reload nginx: not done (no nginx runs from {}: no pid file {})",
                conf.display(),
                pid.unwrap_or("-")
            ));
            return Ok(());
        }
    }
    step(&mut nginx(&["-t"]), "nginx -t", r)?;
    step(&mut nginx(&["-s", "reload"]), "nginx -s reload", r)
}

/// On the server itself: systemd.
fn system_reloads(changes: &[Change], r: &mut Report) -> Result<(), String> {
    use std::process::Command;
    let run = step;
    let units: Vec<&str> = changes
        .iter()
        .filter_map(|c| c.path.strip_prefix("etc/systemd/system/"))
        .filter(|u| u.ends_with(".service") || u.ends_with(".timer"))
        .collect();
    if !units.is_empty() {
        run(
            Command::new("systemctl").arg("daemon-reload"),
            "systemctl daemon-reload",
            r,
        )?;
        for u in units {
            run(
                Command::new("systemctl").args(["try-restart", u]),
                &format!("systemctl try-restart {u}"),
                r,
            )?;
        }
    }
    Ok(())
}

/// Asks the servers until they run the rendered files or `wait` has passed.
fn verify(model: &Model, bundle: &Bundle, o: &Options, r: &mut Report) -> Result<(), String> {
    let h = crate::health::Options {
        prometheus: o.prometheus.clone(),
        alertmanager: o.alertmanager.clone(),
        timeout: Duration::from_secs(5),
    };
    let until = Instant::now() + o.wait;
    loop {
        let checks = crate::health::loaded(model, bundle, &h);
        let failed: Vec<String> = checks
            .iter()
            .filter(|c| c.status == crate::health::Status::Fail)
            .map(|c| {
                let mut s = format!("{}: {}", c.name, c.detail);
                for i in &c.items {
                    s.push_str(&format!("\n  {i}"));
                }
                s
            })
            .collect();
        if failed.is_empty() {
            r.say("verify: the servers run the rendered files");
            return Ok(());
        }
        if Instant::now() >= until {
            let why = failed.join("\n");
            r.say(format!("verify: {why}"));
            return Err(why);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[cfg(test)]
mod tests {
    /// The servers' files are found where their unit reads them, `config_dir` included.
    #[test]
    fn a_change_reloads_the_server_whose_folder_it_is_in() {
        let text = format!(
            "{}\n[services.prometheus]\nconfig_dir = \"/opt/prometheus\"\n",
            include_str!("../examples/minimal/monitoring.toml")
        );
        let src = crate::diag::source::Source::new("monitoring.toml", text);
        let m = crate::compile(&src, &mut crate::diag::Diags::default()).expect("compiles");
        let touched = |p: &str| super::servers_touched(&m, &[p]);
        assert_eq!(
            touched("opt/prometheus/rules/shop.rules.yml"),
            (true, false)
        );
        assert_eq!(touched("opt/prometheus/prometheus.yml"), (true, false));
        assert_eq!(
            touched("etc/prometheus/rules/shop.rules.yml"),
            (false, false)
        );
        assert_eq!(touched("etc/prometheus/alertmanager.yml"), (false, true));
        assert_eq!(touched("etc/nginx/nginx.conf"), (false, false));
    }
}
