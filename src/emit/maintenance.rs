//! `[maintenance]`: the snapshot and backup timers with their services (from
//! `templates/oneshot.service.j2` and `templates/unit.timer.j2`), the logrotate file and the
//! systemd-tmpfiles rules. Every path was checked to be one token of each format.

use serde::Serialize;

use super::systemd::{command_line, token};
use super::template;
use crate::escape::systemd;
use crate::model::{Maintenance, Model};
use crate::output::bundle::{Bundle, HEADER};

const ONESHOT: &str = include_str!("../../templates/oneshot.service.j2");
const TIMER: &str = include_str!("../../templates/unit.timer.j2");

#[derive(Serialize)]
struct Oneshot {
    header: &'static str,
    description: String,
    after: Option<&'static str>,
    user: String,
    exec_start: String,
    read_write_paths: Vec<String>,
}

#[derive(Serialize)]
struct Timer {
    header: &'static str,
    description: String,
    schedule: String,
}

/// The units' file stems.
pub fn snapshot_unit() -> &'static str {
    "prometheus-snapshot"
}

pub fn backup_unit(project: &str) -> String {
    format!("{project}-backup")
}

pub fn emit(m: &Model, mt: &Maintenance, b: &mut Bundle) {
    let project = &m.project.name;
    if let Some((schedule, kept)) = &mt.snapshots {
        let args: Vec<String> = vec![
            "snapshot".into(),
            "--prometheus".into(),
            mt.prometheus_url.clone(),
            "--data-dir".into(),
            mt.storage_path.clone(),
            "--keep".into(),
            kept.to_string(),
        ];
        unit(
            b,
            snapshot_unit(),
            Oneshot {
                header: HEADER,
                description: format!("Prometheus TSDB snapshot for {project}"),
                after: Some("prometheus.service"),
                user: token(systemd::user(&mt.prometheus_user)),
                exec_start: command_line(&mt.ccmon, &args, false),
                read_write_paths: vec![token(systemd::path(&mt.storage_path))],
            },
            schedule,
        );
    }
    if let Some((schedule, kept)) = &mt.backups {
        let mut args: Vec<String> = vec![
            "backup".into(),
            "--dir".into(),
            mt.backup_dir.clone(),
            "--keep".into(),
            kept.to_string(),
        ];
        args.extend(mt.backup_paths.iter().cloned());
        unit(
            b,
            &backup_unit(project),
            Oneshot {
                header: HEADER,
                description: format!("Backup of the monitoring configuration of {project}"),
                after: None,
                user: "root".into(),
                exec_start: command_line(&mt.ccmon, &args, false),
                read_write_paths: vec![token(systemd::path(&mt.backup_dir))],
            },
            schedule,
        );
    }
    if !mt.rotate.is_empty() || mt.nginx_logs.is_some() {
        b.add(format!("logrotate/{project}"), logrotate(mt));
    }
    b.add(format!("tmpfiles/{project}.conf"), tmpfiles(mt));
}

fn unit(b: &mut Bundle, name: &str, s: Oneshot, schedule: &str) {
    let t = Timer {
        header: HEADER,
        description: format!("{} ({schedule})", s.description),
        schedule: schedule.to_string(),
    };
    b.add(
        format!("systemd/{name}.service"),
        template::render("oneshot.service", ONESHOT, &s),
    );
    b.add(
        format!("systemd/{name}.timer"),
        template::render("unit.timer", TIMER, &t),
    );
}

fn days(mt: &Maintenance) -> u64 {
    (mt.retention.0 / 86_400_000).max(1)
}

/// `/etc/logrotate.d/<project>`: the service's logs daily, kept `retention` days, copied and
/// truncated (the service keeps its file open); nginx's logs reopened with `USR1`.
fn logrotate(mt: &Maintenance) -> String {
    let keep = days(mt);
    let mut out = format!("# {HEADER}\n");
    let common = format!(
        "    daily\n    rotate {keep}\n    maxage {keep}\n    missingok\n    notifempty\n    compress\n    delaycompress\n"
    );
    if !mt.rotate.is_empty() {
        out.push_str(&format!(
            "{} {{\n{common}    copytruncate\n}}\n",
            mt.rotate.join(" ")
        ));
    }
    if let Some((logs, pid)) = &mt.nginx_logs {
        let pid = sh_quote(pid);
        out.push_str(&format!(
            "{} {{\n{common}    sharedscripts\n    postrotate\n        [ ! -f {pid} ] || kill -USR1 \"$(cat {pid})\"\n    endscript\n}}\n",
            logs.join(" ")
        ));
    }
    out
}

/// `/etc/tmpfiles.d/<project>.conf`: the backup folder, and the folders whose old files
/// `systemd-tmpfiles --clean` (a daily timer of systemd's) deletes.
fn tmpfiles(mt: &Maintenance) -> String {
    let keep = days(mt);
    let mut out = format!("# {HEADER}\n# Type Path Mode User Group Age\n");
    if mt.backups.is_some() {
        out.push_str(&format!("d {} 0750 root root -\n", mt.backup_dir));
    }
    for c in &mt.cleanup {
        // `m:`: aged by modification time alone, as `find -mtime` (the change time, which
        // nothing can set back, would keep every file young).
        out.push_str(&format!("e {c} - - - m:{keep}d\n"));
    }
    out
}

/// A word for the shell that runs logrotate's scripts: single-quoted, nothing expanded.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
