//! `[maintenance]`: the seed's `maintenance.sh`, `backup.sh` and `restore.sh` as what runs
//! without anyone: systemd timers that run `ccmon snapshot` and `ccmon backup` on the server,
//! a logrotate file, and systemd-tmpfiles rules that delete old files.

use super::Cx;
use crate::codes;
use crate::escape::systemd;
use crate::load::{RawConfig, RawMaintenance, S};
use crate::model::{InstallPaths, Logs, Maintenance, Project, Prometheus, Proxy};
use crate::quantity::Duration;

const DAY: u64 = 86_400_000;

/// The rest of the config maintenance follows.
pub struct Env<'a> {
    pub project: &'a Project,
    pub prometheus: &'a Prometheus,
    pub logs: Option<&'a Logs>,
    pub proxy: Option<&'a Proxy>,
    pub paths: &'a InstallPaths,
}

pub fn maintenance(cx: &mut Cx, raw: &RawConfig, env: &Env) -> Option<Maintenance> {
    let r = raw.maintenance.as_ref().map(S::get_ref);
    if r.is_some_and(|r| !super::enabled(&r.enabled)) {
        return None;
    }
    let get = |f: fn(&RawMaintenance) -> &Option<S<String>>| r.and_then(|r| f(r).as_ref());
    let ccmon = get(|r| &r.ccmon).map_or_else(
        || "/usr/local/bin/ccmon".to_string(),
        |c| {
            cx.token(c, "program", systemd::program);
            c.get_ref().clone()
        },
    );
    let retention = cx.positive_duration(get(|r| &r.retention), Duration(30 * DAY));
    if let Some(s) = get(|r| &r.retention)
        && (retention.0 < DAY || !retention.0.is_multiple_of(DAY))
    {
        cx.error(
            codes::DURATION_OUT_OF_RANGE,
            format!("retention {retention} is not a whole number of days"),
            s.span(),
            "logs are rotated daily and kept this many days",
        );
    }
    let snapshots = scheduled(
        cx,
        get(|r| &r.snapshot_schedule),
        r.and_then(|r| r.snapshots_kept.as_ref()),
        7,
    );
    let backups = scheduled(
        cx,
        get(|r| &r.backup_schedule),
        r.and_then(|r| r.backups_kept.as_ref()),
        30,
    );
    if snapshots.is_some() {
        admin_api_exposed(cx, raw, &env.prometheus.listen);
    }
    let backup_dir = get(|r| &r.backup_dir).map_or_else(
        || format!("/var/backups/{}", env.project.name),
        |d| path(cx, d, false),
    );
    let backup_paths = match r.and_then(|r| r.backup_paths.as_ref()) {
        Some(list) => list.get_ref().iter().map(|p| path(cx, p, false)).collect(),
        None => default_backup_paths(env),
    };
    let rotate = match r.and_then(|r| r.rotate.as_ref()) {
        Some(list) => list.get_ref().iter().map(|p| path(cx, p, true)).collect(),
        // The log inputs' paths, each checked where it is written.
        None if env.logs.is_some() => raw
            .logs
            .iter()
            .flat_map(|l| &l.get_ref().inputs)
            .flat_map(|i| i.get_ref().paths.get_ref())
            // A relative one is reported with the logs.
            .filter(|p| p.get_ref().starts_with('/'))
            .map(|p| path(cx, p, true))
            .chain(
                env.logs
                    .filter(|_| {
                        raw.logs
                            .as_ref()
                            .is_none_or(|l| l.get_ref().inputs.is_empty())
                    })
                    .iter()
                    .flat_map(|l| &l.inputs)
                    .flat_map(|i| i.paths.iter().cloned()),
            )
            .collect(),
        None => Vec::new(),
    };
    if let Some(p) = raw.proxy.as_ref().map(S::get_ref) {
        let absolute = |l: &&S<String>| l.get_ref().starts_with('/');
        for log in [&p.access_log, &p.error_log]
            .into_iter()
            .flatten()
            .filter(absolute)
        {
            path(cx, log, false);
        }
    }
    let cleanup = r.map_or_else(Vec::new, |r| {
        r.cleanup.iter().map(|p| path(cx, p, false)).collect()
    });
    Some(Maintenance {
        ccmon,
        prometheus_url: super::base::server_url(
            &env.prometheus.listen,
            env.prometheus.external_url.as_deref(),
        ),
        storage_path: env.prometheus.storage_path.clone(),
        prometheus_user: raw
            .services
            .as_ref()
            .and_then(|s| s.get_ref().prometheus.as_ref())
            .and_then(|p| p.get_ref().user.as_ref())
            .map_or_else(|| "prometheus".into(), |u| u.get_ref().clone()),
        retention,
        snapshots,
        backups,
        backup_dir,
        backup_paths,
        rotate,
        nginx_logs: env.proxy.map(|p| {
            (
                vec![p.access_log.clone(), p.error_log.clone()],
                p.pid_file.clone(),
            )
        }),
        cleanup,
    })
}

/// A timer's schedule and how many of its results are kept; `None` when kept is 0.
fn scheduled(
    cx: &mut Cx,
    schedule: Option<&S<String>>,
    kept: Option<&S<i64>>,
    default: u32,
) -> Option<(String, u32)> {
    let n = match kept {
        None => default,
        Some(k) => match u32::try_from(*k.get_ref()) {
            Ok(n) if n <= 1000 => n,
            _ => {
                cx.error(
                    codes::OUT_OF_RANGE,
                    format!("{} is not a count from 0 to 1000", k.get_ref()),
                    k.span(),
                    "how many are kept; 0 turns this off",
                );
                default
            }
        },
    };
    let when = schedule.map_or_else(
        || "daily".to_string(),
        |s| {
            let v = s.get_ref();
            let ok = !v.trim().is_empty()
                && v.trim() == v
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " :*/,.~-".contains(c));
            if !ok {
                cx.error(
                    codes::UNSAFE_TEXT,
                    format!(
                        "`{}` is not a systemd calendar expression",
                        v.escape_debug()
                    ),
                    s.span(),
                    "expected `daily`, `weekly`, `*-*-* 03:00:00` and the like",
                );
            }
            v.clone()
        },
    );
    (n > 0).then_some((when, n))
}

/// Why a path cannot be written into a unit, a logrotate file or a tmpfiles rule: systemd's
/// rules for paths, and nothing logrotate or tmpfiles would read as syntax (`{`, `}`, `#`,
/// `%`). Globs (`*`, `?`) only where logrotate takes them.
fn log_path_ok(v: &str, glob: bool) -> Result<(), &'static str> {
    systemd::path(v)?;
    if v.contains(['{', '}', '#', '%']) {
        return Err("`{`, `}`, `#` or `%`, which logrotate or systemd-tmpfiles read as syntax");
    }
    if !glob && v.contains(['*', '?', '[']) {
        return Err("a glob, which only `rotate` takes");
    }
    if v == "/" {
        return Err("the root folder");
    }
    Ok(())
}

fn path(cx: &mut Cx, p: &S<String>, glob: bool) -> String {
    cx.token(p, "path", |v| log_path_ok(v, glob));
    p.get_ref().clone()
}

/// The generated configuration's folders, `/etc/ccmon`, and the project's units.
fn default_backup_paths(env: &Env) -> Vec<String> {
    let mut out = vec![
        env.paths.prometheus_dir.clone(),
        env.paths.alertmanager_dir.clone(),
    ];
    if env.logs.is_some() {
        out.push(env.paths.filebeat_dir.clone());
    }
    if env.proxy.is_some() {
        out.push("/etc/nginx/nginx.conf".into());
    }
    out.push("/etc/ccmon".into());
    out.dedup();
    out
}

/// Snapshots need `--web.enable-admin-api`, which also lets anyone who reaches Prometheus
/// delete series: a warning when Prometheus listens beyond loopback.
fn admin_api_exposed(cx: &mut Cx, raw: &RawConfig, listen: &str) {
    let host = super::base::split_address(listen).map_or("", |(h, _)| h);
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback());
    let Some(l) = raw
        .prometheus
        .as_ref()
        .and_then(|p| p.get_ref().listen.as_ref())
    else {
        return;
    };
    if !loopback {
        cx.push(
            crate::diag::Diagnostic::warning(
                codes::ADMIN_API_EXPOSED,
                "snapshots turn on Prometheus' admin API, and Prometheus listens beyond loopback",
            )
            .at(l.span(), "anyone who reaches this address can delete series")
            .help("listen on 127.0.0.1 behind the proxy, or set `[maintenance] snapshots_kept = 0` and snapshot another way"),
        );
    }
}
