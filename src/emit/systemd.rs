//! systemd units from `templates/unit.service.j2`: the command line composed from what the
//! model says each program runs with (flags derived from the rest of the config),
//! restart on failure, and a hardened sandbox (`ProtectSystem=strict` with the data paths the
//! process writes opened again).

use serde::Serialize;

use crate::escape::{Refusal, systemd};

use super::template;
use crate::model::{Model, Service, ServiceKind};
use crate::output::bundle::HEADER;

pub const TEMPLATE: &str = include_str!("../../templates/unit.service.j2");

#[derive(Serialize)]
struct Ctx {
    header: &'static str,
    description: String,
    user: String,
    working_directory: Option<String>,
    environment_file: Option<String>,
    read_write_paths: Vec<String>,
    protect_home: &'static str,
    exec_start: String,
    reload: bool,
}

/// A value `check` has already accepted.
pub(super) fn token<T: ToString>(r: Result<T, Refusal>) -> String {
    r.map(|t| t.to_string())
        .unwrap_or_else(|why| panic!("ccmon bug: check let through a systemd value: {why}"))
}

/// The program's arguments: the flags its settings become, then the user's extra flags.
fn args(s: &Service) -> Vec<String> {
    let mut args = match &s.kind {
        ServiceKind::Prometheus {
            config_dir,
            storage_path,
            retention,
            listen,
            external_url,
            admin_api,
        } => {
            let mut f = vec![
                format!("--config.file={config_dir}/prometheus.yml"),
                format!("--storage.tsdb.path={storage_path}"),
                format!("--storage.tsdb.retention.time={retention}"),
                format!("--web.listen-address={listen}"),
            ];
            f.extend(
                external_url
                    .iter()
                    .map(|u| format!("--web.external-url={u}")),
            );
            if *admin_api {
                // The snapshot timer's `POST /api/v1/admin/tsdb/snapshot`.
                f.push("--web.enable-admin-api".into());
            }
            f
        }
        ServiceKind::Alertmanager {
            config_dir,
            storage_path,
            listen,
            external_url,
        } => {
            let mut f = vec![
                format!("--config.file={config_dir}/alertmanager.yml"),
                format!("--storage.path={storage_path}"),
                format!("--web.listen-address={listen}"),
                // One instance: no gossip port opened to the network.
                "--cluster.listen-address=".to_string(),
            ];
            f.extend(
                external_url
                    .iter()
                    .map(|u| format!("--web.external-url={u}")),
            );
            f
        }
        ServiceKind::NodeExporter { listen } => vec![format!("--web.listen-address={listen}")],
        ServiceKind::BlackboxExporter { config_dir, listen } => vec![
            format!("--config.file={config_dir}/blackbox.yml"),
            format!("--web.listen-address={listen}"),
        ],
        // Two dashes: the Go flag package of 0.x and kingpin of 1.x both read them.
        ServiceKind::NginxExporter { listen, status_url } => vec![
            format!("--nginx.scrape-uri={status_url}"),
            format!("--web.listen-address={listen}"),
        ],
        ServiceKind::Filebeat {
            config_dir,
            home,
            data_dir,
            logs_dir,
        } => vec![
            "--environment".into(),
            "systemd".into(),
            "-c".into(),
            format!("{config_dir}/filebeat.yml"),
            "--path.home".into(),
            home.clone(),
            "--path.config".into(),
            config_dir.clone(),
            "--path.data".into(),
            data_dir.clone(),
            "--path.logs".into(),
            logs_dir.clone(),
        ],
        ServiceKind::App { args } => args.clone(),
    };
    args.extend(s.extra_flags.iter().cloned());
    args
}

/// `ExecStart=`'s value: the program, then one option per line; a value given as the next
/// word stays on its option's line.
pub(super) fn command_line(binary: &str, flags: &[String], expand_env: bool) -> String {
    let mut exec = token(systemd::program(binary));
    for (i, f) in flags.iter().enumerate() {
        let is_value = i > 0
            && !f.starts_with('-')
            && flags[i - 1].starts_with('-')
            && !flags[i - 1].contains('=');
        exec.push_str(if is_value { " " } else { " \\\n    " });
        exec.push_str(&token(systemd::word(f, expand_env)));
    }
    exec
}

pub fn emit(_m: &Model, s: &Service) -> String {
    let exec = command_line(&s.binary, &args(s), s.expand_env);
    let ctx = Ctx {
        header: HEADER,
        description: token(systemd::text(&s.description)),
        user: token(systemd::user(&s.user)),
        working_directory: s
            .working_directory
            .as_deref()
            .map(|p| token(systemd::path(p))),
        environment_file: s
            .environment_file
            .as_deref()
            .map(|p| token(systemd::path(p))),
        read_write_paths: s
            .read_write_paths
            .iter()
            .map(|p| token(systemd::path(p)))
            .collect(),
        protect_home: if s.reads_home { "read-only" } else { "yes" },
        exec_start: exec,
        reload: matches!(
            s.kind,
            ServiceKind::Prometheus { .. } | ServiceKind::Alertmanager { .. }
        ),
    };
    template::render("unit.service", TEMPLATE, &ctx)
}
