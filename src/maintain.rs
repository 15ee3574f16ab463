//! What the maintenance timers run on the server, and the restore an operator runs:
//! `ccmon snapshot` (Prometheus' TSDB through its admin API, the newest N kept), `ccmon backup`
//! (a tar archive of the configuration, the newest N kept), `ccmon restore` (a snapshot into
//! the data folder, with Prometheus stopped and started again). They take flags only: the
//! server needs no `monitoring.toml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::health::http::Endpoint;

/// A UTC time stamp for file names (`20261205T031500Z`), which sort by time.
fn stamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Removes the entries of `dir` that `pick` selects, but the newest `keep` by name.
fn prune(dir: &Path, keep: usize, pick: impl Fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| pick(n))
        .collect();
    names.sort();
    let old = names.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for n in names.into_iter().take(old) {
        let p = dir.join(&n);
        let r = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        r.map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
        removed.push(n);
    }
    Ok(removed)
}

/// A TSDB snapshot through Prometheus' admin API (`--web.enable-admin-api`), then the older
/// snapshots beyond `keep` removed from `<data_dir>/snapshots`.
pub fn snapshot(prometheus: &Endpoint, data_dir: &Path, keep: usize) -> Result<String, String> {
    let (status, body) =
        prometheus.post("/api/v1/admin/tsdb/snapshot", Duration::from_secs(300))?;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let Some(name) = v["data"]["name"].as_str().filter(|_| status == 200) else {
        let why = v["error"].as_str().unwrap_or(body.trim());
        let hint = if status == 404 || why.contains("admin APIs disabled") {
            " (is Prometheus started with --web.enable-admin-api?)"
        } else {
            ""
        };
        return Err(format!("the snapshot failed: {status} {why}{hint}"));
    };
    let dir = data_dir.join("snapshots");
    if !dir.join(name).is_dir() {
        return Err(format!(
            "Prometheus made snapshot {name}, but it is not in {}: is --data-dir Prometheus' --storage.tsdb.path?",
            dir.display()
        ));
    }
    let removed = prune(&dir, keep.max(1), |_| true)?;
    Ok(format!(
        "snapshot {}; {} older removed, {keep} kept at most",
        dir.join(name).display(),
        removed.len()
    ))
}

/// A gzipped tar archive of `paths` (those that exist) in `dir`, then the older archives
/// beyond `keep` removed. The archive is written under a temporary name and renamed: a
/// backup cut short never looks complete.
pub fn backup(dir: &Path, keep: usize, paths: &[PathBuf]) -> Result<String, String> {
    let (present, missing): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.exists());
    if present.is_empty() {
        return Err("none of the paths to back up exists".into());
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = format!("backup-{}.tar.gz", stamp());
    let partial = dir.join(format!(".{name}.partial"));
    let out = Command::new("tar")
        .args(["--create", "--gzip", "--file"])
        .arg(&partial)
        .arg("--directory=/")
        .arg("--")
        .args(present.iter().map(|p| p.strip_prefix("/").unwrap_or(p)))
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !out.status.success() {
        let _ = fs::remove_file(&partial);
        return Err(format!(
            "tar failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    fs::rename(&partial, dir.join(&name)).map_err(|e| format!("{}: {e}", dir.display()))?;
    let removed = prune(dir, keep.max(1), |n| {
        n.starts_with("backup-") && n.ends_with(".tar.gz")
    })?;
    let mut msg = format!(
        "backup {} of {} paths; {} older removed",
        dir.join(&name).display(),
        present.len(),
        removed.len()
    );
    for m in missing {
        msg.push_str(&format!("\nnot found, not backed up: {}", m.display()));
    }
    Ok(msg)
}

/// Copies a folder recursively, each file and folder owned as in the source.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    fs::create_dir_all(to)?;
    let meta = fs::metadata(from)?;
    fs::set_permissions(to, meta.permissions())?;
    let _ = std::os::unix::fs::chown(to, Some(meta.uid()), Some(meta.gid()));
    for e in fs::read_dir(from)? {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)?;
            let m = fs::metadata(&src)?;
            let _ = std::os::unix::fs::chown(&dst, Some(m.uid()), Some(m.gid()));
        }
    }
    Ok(())
}

fn systemctl(verb: &str, unit: &str) -> Result<(), String> {
    let out = Command::new("systemctl")
        .args([verb, unit])
        .output()
        .map_err(|e| format!("cannot run systemctl: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "systemctl {verb} {unit} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Where to restore and what to restart.
pub struct Restore<'a> {
    pub snapshot: &'a Path,
    pub data_dir: &'a Path,
    /// The systemd unit stopped before and started after; `None`: the caller does it.
    pub unit: Option<&'a str>,
    /// Asked for `/-/ready` after the start.
    pub prometheus: Option<&'a Endpoint>,
}

/// A snapshot into the data folder: the unit stopped, the current data moved aside (kept,
/// never deleted), the snapshot copied in with its owners, the unit started, and Prometheus
/// ready again.
pub fn restore(r: &Restore) -> Result<String, String> {
    let snapshot =
        fs::canonicalize(r.snapshot).map_err(|e| format!("{}: {e}", r.snapshot.display()))?;
    let blocks = fs::read_dir(&snapshot)
        .map_err(|e| format!("{}: {e}", snapshot.display()))?
        .flatten()
        .filter(|e| e.path().join("meta.json").is_file())
        .count();
    if blocks == 0 {
        return Err(format!(
            "{} holds no TSDB block (no folder with a meta.json): not a snapshot",
            snapshot.display()
        ));
    }
    if let Some(u) = r.unit {
        systemctl("stop", u)?;
    }
    let mut source = snapshot.clone();
    let mut aside = None;
    let occupied = fs::read_dir(r.data_dir).is_ok_and(|mut d| d.next().is_some());
    if occupied {
        let data =
            fs::canonicalize(r.data_dir).map_err(|e| format!("{}: {e}", r.data_dir.display()))?;
        let moved = PathBuf::from(format!("{}.before-restore-{}", data.display(), stamp()));
        fs::rename(&data, &moved)
            .map_err(|e| format!("cannot move {} aside: {e}", data.display()))?;
        // A snapshot under the data folder moved with it.
        if let Ok(rest) = snapshot.strip_prefix(&data) {
            source = moved.join(rest);
        }
        aside = Some(moved);
    }
    copy_tree(&source, r.data_dir).map_err(|e| format!("cannot copy the snapshot: {e}"))?;
    let mut msg = format!(
        "restored {} ({blocks} blocks) into {}",
        r.snapshot.display(),
        r.data_dir.display()
    );
    if let Some(a) = aside {
        msg.push_str(&format!("; the data it replaced is in {}", a.display()));
    }
    if let Some(u) = r.unit {
        systemctl("start", u)?;
        msg.push_str(&format!("; {u} started"));
    }
    if let Some(p) = r.prometheus {
        let ready = (0..120).any(|_| {
            let ok = p
                .get("/-/ready", Duration::from_secs(5))
                .is_ok_and(|(s, _)| s == 200);
            if !ok {
                std::thread::sleep(Duration::from_secs(1));
            }
            ok
        });
        if !ready {
            return Err(format!(
                "{msg}; but Prometheus is not ready after 2 minutes"
            ));
        }
        msg.push_str("; Prometheus is ready");
    }
    Ok(msg)
}
