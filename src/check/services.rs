//! `[services]`: the systemd units of the stack and of the monitored service. Each unit holds
//! what its program is started with (addresses, paths, the flags the user typed); the
//! emitter composes the command line.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::escape;
use crate::load::{RawConfig, RawService, S};
use crate::model::{Alertmanager, InstallPaths, Project, Prometheus, Service, ServiceKind};

pub fn install_paths() -> InstallPaths {
    InstallPaths {
        prometheus_dir: "/etc/prometheus".into(),
        alertmanager_dir: "/etc/prometheus".into(),
        filebeat_dir: "/etc/filebeat".into(),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn services(
    cx: &mut Cx,
    raw: &RawConfig,
    project: &Project,
    prom: &Prometheus,
    am: &Alertmanager,
    logs: bool,
    paths: &InstallPaths,
) -> Vec<Service> {
    let s = raw.services.as_ref().map(S::get_ref);
    let mut out = Vec::new();
    let node_listen = raw
        .jobs
        .iter()
        .find(|j| j.get_ref().name.get_ref() == "node")
        .and_then(|j| j.get_ref().targets.get_ref().first())
        .and_then(|t| {
            // Scraped over loopback: listen on loopback only, not on every interface.
            super::base::split_address(t.get_ref()).map(|(h, p)| match h {
                "localhost" | "127.0.0.1" => format!("127.0.0.1:{p}"),
                "::1" => format!("[::1]:{p}"),
                _ => format!(":{p}"),
            })
        })
        .unwrap_or_else(|| ":9100".into());
    let stack: [(ServiceKind, &str, Option<&S<RawService>>, bool); 4] = [
        (
            ServiceKind::Prometheus,
            "prometheus",
            s.and_then(|s| s.prometheus.as_ref()),
            true,
        ),
        (
            ServiceKind::Alertmanager,
            "alertmanager",
            s.and_then(|s| s.alertmanager.as_ref()),
            true,
        ),
        (
            ServiceKind::NodeExporter,
            "node-exporter",
            s.and_then(|s| s.node_exporter.as_ref()),
            true,
        ),
        (
            ServiceKind::Filebeat,
            "filebeat",
            s.and_then(|s| s.filebeat.as_ref()),
            logs,
        ),
    ];
    for (kind, name, rs, default_on) in stack {
        let r = rs.map(S::get_ref);
        if !r.map_or(default_on, |r| {
            r.enabled.as_ref().map_or(default_on, |b| *b.get_ref())
        }) {
            continue;
        }
        if kind == ServiceKind::Filebeat
            && !logs
            && let Some(e) = r.and_then(|r| r.enabled.as_ref())
        {
            cx.error(
                codes::BAD_VALUE,
                "the Filebeat unit is enabled but `[logs]` is disabled: it would have no filebeat.yml",
                e.span(),
                "enabled here",
            );
        }
        // Keys that would put one output out of step with the others.
        fn misplaced(kind: ServiceKind, r: &RawService) -> Option<(&S<String>, &'static str)> {
            match kind {
                ServiceKind::Prometheus => r.listen.as_ref().map(|l| (l, "set `listen` in `[prometheus]`: the datasource and rule links follow it there")),
                ServiceKind::Alertmanager => r.listen.as_ref().map(|l| (l, "set `listen` in `[alertmanager]`: Prometheus' Alertmanager target follows it there")),
                ServiceKind::Filebeat => r.listen.as_ref().map(|l| (l, "Filebeat listens on no port")),
                ServiceKind::NodeExporter => r.config_dir.as_ref().map(|c| (c, "the node exporter reads no configuration file")),
                ServiceKind::App => None,
            }
        }
        if let Some((s, help)) = r.and_then(|r| misplaced(kind, r)) {
            cx.push(
                Diagnostic::error(
                    codes::KEY_NOT_FOR_KIND,
                    format!("this key does nothing for the `{name}` unit"),
                )
                .at(s.span(), "not used here")
                .help(help),
            );
        }
        let get = |f: fn(&RawService) -> &Option<S<String>>| {
            r.and_then(|r| f(r).as_ref()).map(|v| v.get_ref().clone())
        };
        let (binary, user, description) = match kind {
            ServiceKind::Prometheus => (
                "/usr/bin/prometheus",
                "prometheus",
                "Prometheus monitoring server",
            ),
            ServiceKind::Alertmanager => (
                "/usr/bin/prometheus-alertmanager",
                "prometheus",
                "Prometheus Alertmanager",
            ),
            ServiceKind::NodeExporter => (
                "/usr/bin/prometheus-node-exporter",
                "prometheus",
                "Prometheus node exporter (host metrics)",
            ),
            _ => (
                "/usr/share/filebeat/bin/filebeat",
                "root",
                "Filebeat log shipper",
            ),
        };
        let binary = get(|r| &r.binary).unwrap_or_else(|| binary.into());
        if let Some(r) = r {
            if let Some(b) = &r.binary {
                cx.token(b, "program", escape::systemd::program);
            }
            if let Some(u) = &r.user {
                cx.token(u, "user", escape::systemd::user);
            }
            if let Some(d) = &r.config_dir {
                cx.token(d, "configuration folder", escape::systemd::path);
            }
            for f in &r.extra_flags {
                cx.token(f, "flag", |w| escape::systemd::word(w, false));
            }
        }
        if let Some(l) = r.and_then(|r| r.listen.as_ref()) {
            super::base::address(cx, l);
        }
        let (mut flags, rw) = match kind {
            ServiceKind::Prometheus => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.prometheus_dir.clone());
                let mut f = vec![
                    format!("--config.file={dir}/prometheus.yml"),
                    format!("--storage.tsdb.path={}", prom.storage_path),
                    format!("--storage.tsdb.retention.time={}", prom.retention),
                    format!(
                        "--web.listen-address={}",
                        get(|r| &r.listen).unwrap_or_else(|| prom.listen.clone())
                    ),
                ];
                if let Some(u) = &prom.external_url {
                    f.push(format!("--web.external-url={u}"));
                }
                (f, vec![prom.storage_path.clone()])
            }
            ServiceKind::Alertmanager => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.alertmanager_dir.clone());
                let mut f = vec![
                    format!("--config.file={dir}/alertmanager.yml"),
                    format!("--storage.path={}", am.storage_path),
                    format!(
                        "--web.listen-address={}",
                        get(|r| &r.listen).unwrap_or_else(|| am.listen.clone())
                    ),
                    // One instance: no gossip port opened to the network.
                    "--cluster.listen-address=".to_string(),
                ];
                if let Some(u) = &am.external_url {
                    f.push(format!("--web.external-url={u}"));
                }
                (f, vec![am.storage_path.clone()])
            }
            ServiceKind::NodeExporter => (
                vec![format!(
                    "--web.listen-address={}",
                    get(|r| &r.listen).unwrap_or_else(|| node_listen.clone())
                )],
                vec![],
            ),
            _ => {
                let dir = get(|r| &r.config_dir).unwrap_or_else(|| paths.filebeat_dir.clone());
                (
                    vec![
                        "--environment".into(),
                        "systemd".into(),
                        "-c".into(),
                        format!("{dir}/filebeat.yml"),
                        "--path.home".into(),
                        "/usr/share/filebeat".into(),
                        "--path.config".into(),
                        dir,
                        "--path.data".into(),
                        "/var/lib/filebeat".into(),
                        "--path.logs".into(),
                        "/var/log/filebeat".into(),
                    ],
                    vec!["/var/lib/filebeat".into(), "/var/log/filebeat".into()],
                )
            }
        };
        if let Some(r) = r {
            flags.extend(r.extra_flags.iter().map(|f| f.get_ref().clone()));
        }
        out.push(Service {
            kind,
            name: name.to_string(),
            description: format!("{description} for {}", project.name),
            binary,
            user: get(|r| &r.user).unwrap_or_else(|| user.into()),
            flags,
            working_directory: None,
            environment_file: None,
            read_write_paths: rw,
            // Filebeat reads logs wherever they are, home folders included; nothing else
            // of the stack has business there.
            protect_home: if kind == ServiceKind::Filebeat {
                "read-only"
            } else {
                "yes"
            },
            expand_env: false,
        });
    }
    if let Some(s) = s {
        cx.unique(s.apps.iter().map(|a| &a.get_ref().name), "service");
        for a in &s.apps {
            let app = app_service(cx, a.get_ref(), project, &out);
            out.push(app);
        }
    }
    out
}

/// One `[[services.app]]`: the monitored service's unit, every value as systemd will read it.
/// `earlier` holds the units generated before it, whose names it may not take.
fn app_service(
    cx: &mut Cx,
    a: &crate::load::RawApp,
    project: &Project,
    earlier: &[Service],
) -> Service {
    let name = a.name.get_ref().clone();
    if earlier.iter().any(|s| s.name == name) {
        cx.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("service `{name}` would replace the stack's own `{name}.service`"),
            )
            .at(a.name.span(), "same unit name as a generated stack unit")
            .help("give the service another name, or disable the stack unit in `[services]`"),
        );
    }
    if name.is_empty()
        || name.len() > 64
        || name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        cx.error(
            codes::EMPTY_NAME,
            format!("service name `{name}` cannot name a unit file"),
            a.name.span(),
            "expected 1 to 64 letters, digits, `-`, `_` and `.`, not starting with `.`",
        );
    }
    if let Some(d) = &a.description {
        cx.token(d, "description", escape::systemd::text);
    }
    if let Some(u) = &a.user {
        cx.token(u, "user", escape::systemd::user);
    }
    for p in a
        .working_directory
        .iter()
        .chain(&a.environment_file)
        .chain(&a.read_write_paths)
    {
        cx.token(p, "path", escape::systemd::path);
    }
    if a.exec.get_ref().contains(['"', '\'', '\\']) {
        cx.error(
            codes::BAD_VALUE,
            "`exec` is split on blanks: quotes and backslashes would reach the program as they are",
            a.exec.span(),
            "write arguments without quotes, or wrap the command in a script",
        );
    }
    // `ProtectHome=yes` hides these folders from the service.
    let home = |p: &str| {
        ["/home", "/root", "/run/user"]
            .iter()
            .any(|h| p == *h || p.starts_with(&format!("{h}/")))
    };
    let exec_words: Vec<&str> = a.exec.get_ref().split_whitespace().collect();
    for (v, span) in exec_words
        .first()
        .map(|b| (b.to_string(), a.exec.span()))
        .into_iter()
        .chain(
            a.working_directory
                .iter()
                .map(|w| (w.get_ref().clone(), w.span())),
        )
        .chain(
            a.read_write_paths
                .iter()
                .map(|p| (p.get_ref().clone(), p.span())),
        )
    {
        if home(&v) {
            cx.push(
                Diagnostic::error(
                    codes::BAD_VALUE,
                    format!("`{v}` is hidden from the service by `ProtectHome=yes`"),
                )
                .at(span, "under /home, /root or /run/user")
                .help("install the service under /opt or /srv"),
            );
        }
    }
    let mut words = a.exec.get_ref().split_whitespace();
    let binary = words.next().unwrap_or_default().to_string();
    if let Err(why) = escape::systemd::program(&binary) {
        cx.error(
            codes::BAD_VALUE,
            format!("`{binary}` cannot start the service"),
            a.exec.span(),
            why,
        );
    }
    if a.user.is_none()
        && let Err(why) = escape::systemd::user(&project.name)
    {
        cx.push(
            Diagnostic::error(
                codes::UNSAFE_TEXT,
                format!(
                    "service `{name}` would run as user `{}`, the project's name",
                    project.name
                ),
            )
            .at(a.name.span(), why)
            .help("set `user` to the account the service runs as"),
        );
    }
    let expand_env = a.environment_file.is_some();
    if let Some((w, why)) = words.clone().find_map(|w| {
        escape::systemd::word(w, expand_env)
            .err()
            .map(|why| (w, why))
    }) {
        cx.error(
            codes::UNSAFE_TEXT,
            format!(
                "`{}` cannot be written safely into `ExecStart=`",
                w.escape_debug()
            ),
            a.exec.span(),
            why,
        );
    }
    Service {
        kind: ServiceKind::App,
        description: a.description.as_ref().map_or_else(
            || format!("{name} ({})", project.name),
            |d| d.get_ref().clone(),
        ),
        name,
        binary,
        user: a
            .user
            .as_ref()
            .map_or_else(|| project.name.clone(), |u| u.get_ref().clone()),
        flags: words.map(str::to_string).collect(),
        working_directory: a.working_directory.as_ref().map(|w| w.get_ref().clone()),
        environment_file: a.environment_file.as_ref().map(|w| w.get_ref().clone()),
        read_write_paths: a
            .read_write_paths
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        protect_home: "yes",
        expand_env,
    }
}
