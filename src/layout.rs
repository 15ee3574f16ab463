//! Where each rendered file goes on a server (its path below the root, in the folder its
//! unit reads it from), and which part of the stack it belongs to: `ccmon apply`, `diff
//! --against` a root and the per-host folders of `[[host]]` all place files this way.

use std::path::Path;

use crate::model::Model;
use crate::output::bundle::Bundle;

/// Where a rendered file goes on the server, relative to the root (`None`: it stays in the
/// repository, as the rule tests do).
pub fn server_path(model: &Model, path: &str) -> Option<String> {
    let (dir, rest) = path.split_once('/')?;
    let config = |dir: &str| config_dir(model, dir).trim_start_matches('/').to_string();
    Some(match dir {
        "prometheus" if rest.starts_with("tests/") => return None,
        "prometheus" | "alertmanager" | "blackbox" | "filebeat" => {
            format!("{}/{rest}", config(dir))
        }
        "grafana" => match rest.strip_prefix("dashboards/") {
            Some(file) => format!("var/lib/grafana/dashboards/{}/{file}", model.project.name),
            None => format!("etc/grafana/{rest}"),
        },
        "nginx" => format!("etc/nginx/{rest}"),
        "systemd" => format!("etc/systemd/system/{rest}"),
        "logrotate" => format!("etc/logrotate.d/{rest}"),
        "tmpfiles" => format!("etc/tmpfiles.d/{rest}"),
        _ => return None,
    })
}

/// The bundle as the server lays it out (the rule tests left out).
pub fn layout(model: &Model, bundle: &Bundle) -> Bundle {
    Bundle {
        files: bundle
            .files
            .iter()
            .filter_map(|(p, t)| Some((server_path(model, p)?, t.clone())))
            .collect(),
        coverage: bundle.coverage.clone(),
    }
}

/// Whether a folder is a server's root (`etc/prometheus/prometheus.yml` below it) rather than
/// a folder `ccmon render` wrote.
pub fn is_root(dir: &Path) -> bool {
    dir.join("etc/prometheus/prometheus.yml").is_file() && !dir.join("prometheus").is_dir()
}

/// The folder a server reads its configuration from: its unit's `config_dir` (as the unit's
/// flags say), else the default.
fn config_dir<'m>(model: &'m Model, server: &str) -> &'m str {
    use crate::model::ServiceKind as K;
    model
        .services
        .iter()
        .find_map(|s| match (&s.kind, server) {
            (K::Prometheus { config_dir, .. }, "prometheus")
            | (K::Alertmanager { config_dir, .. }, "alertmanager")
            | (K::BlackboxExporter { config_dir, .. }, "blackbox")
            | (K::Filebeat { config_dir, .. }, "filebeat") => Some(config_dir.as_str()),
            _ => None,
        })
        .unwrap_or(if server == "filebeat" {
            "/etc/filebeat"
        } else {
            "/etc/prometheus"
        })
}

/// The parts of the stack a `[[host]]` may run (besides the names of `[[services.app]]`).
pub const ROLES: &[&str] = &[
    "prometheus",
    "alertmanager",
    "grafana",
    "nginx",
    "filebeat",
    "node_exporter",
    "blackbox_exporter",
    "nginx_exporter",
];

/// The part of the stack a unit runs: one of [`ROLES`], or an application's name.
pub fn role(s: &crate::model::Service) -> String {
    use crate::model::ServiceKind as K;
    match s.kind {
        K::Prometheus { .. } => "prometheus",
        K::Alertmanager { .. } => "alertmanager",
        K::NodeExporter { .. } => "node_exporter",
        K::BlackboxExporter { .. } => "blackbox_exporter",
        K::NginxExporter { .. } => "nginx_exporter",
        K::Filebeat { .. } => "filebeat",
        K::App { .. } => return s.name.clone(),
    }
    .to_string()
}

/// The parts of the stack a rendered file belongs to: a host gets the file when it runs any
/// of them. Log rotation and cleanup go wherever logs and caches are (the apps, nginx,
/// Filebeat) and to the Prometheus host, where the backups are.
pub fn roles(model: &Model, path: &str) -> Vec<String> {
    use crate::model::ServiceKind as K;
    let Some((dir, rest)) = path.split_once('/') else {
        return Vec::new();
    };
    let one = |r: &str| vec![r.to_string()];
    match dir {
        "prometheus" if rest.starts_with("tests/") => Vec::new(),
        "prometheus" | "alertmanager" | "grafana" | "nginx" | "filebeat" => one(dir),
        "blackbox" => one("blackbox_exporter"),
        "logrotate" | "tmpfiles" => ["prometheus", "nginx", "filebeat"]
            .iter()
            .map(|r| r.to_string())
            .chain(
                model
                    .services
                    .iter()
                    .filter(|s| matches!(s.kind, K::App { .. }))
                    .map(|s| s.name.clone()),
            )
            .collect(),
        "systemd" => {
            let stem = rest.rsplit_once('.').map_or(rest, |(s, _)| s);
            match model.services.iter().find(|s| s.name == stem) {
                Some(s) => vec![role(s)],
                // The snapshot and backup timers run beside Prometheus' data.
                None => one("prometheus"),
            }
        }
        _ => Vec::new(),
    }
}

/// The files of each host, at their server paths below `hosts/<name>/`.
pub fn host_files(model: &Model, bundle: &Bundle) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for h in &model.hosts {
        for (path, text) in &bundle.files {
            let mine = roles(model, path).iter().any(|r| h.runs.contains(r));
            if let (true, Some(p)) = (mine, server_path(model, path)) {
                out.push((format!("hosts/{}/{p}", h.name), text.clone()));
            }
        }
    }
    out
}

/// One host's files, at their server paths (what `apply --host` installs).
pub fn of_host(bundle: &Bundle, host: &str) -> Bundle {
    let prefix = format!("hosts/{host}/");
    Bundle {
        files: bundle
            .files
            .iter()
            .filter_map(|(p, t)| Some((p.strip_prefix(&prefix)?.to_string(), t.clone())))
            .collect(),
        coverage: bundle.coverage.clone(),
    }
}

#[cfg(test)]
mod tests {
    /// Every file of the example lands in its own place on the server, as README.md's table
    /// says; the rule tests stay in the repository.
    #[test]
    fn every_rendered_file_has_one_place_on_the_server() {
        let text = include_str!("../examples/claude-code/monitoring.toml");
        let src = crate::diag::source::Source::new("monitoring.toml", text.to_string());
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags).expect("the example compiles");
        let b = crate::emit::emit(&m);
        let mut seen = std::collections::BTreeSet::new();
        for path in b.files.keys() {
            match super::server_path(&m, path) {
                None => assert!(path.starts_with("prometheus/tests/"), "{path}"),
                Some(p) => {
                    assert!(!p.starts_with('/') && !p.contains(".."), "{p}");
                    assert!(seen.insert(p.clone()), "two files at {p}");
                }
            }
        }
        // A unit's `config_dir` moves its files.
        let moved = format!("{text}\n[services.prometheus]\nconfig_dir = \"/opt/prometheus\"\n");
        let src2 = crate::diag::source::Source::new("monitoring.toml", moved);
        let m2 = crate::compile(&src2, &mut crate::diag::Diags::default()).expect("compiles");
        assert_eq!(
            super::server_path(&m2, "prometheus/prometheus.yml").as_deref(),
            Some("opt/prometheus/prometheus.yml")
        );
        for expected in [
            "etc/prometheus/prometheus.yml",
            "etc/prometheus/alertmanager.yml",
            "etc/prometheus/rules/claude-code.rules.yml",
            "etc/nginx/nginx.conf",
            "etc/systemd/system/prometheus.service",
            "etc/filebeat/filebeat.yml",
            "var/lib/grafana/dashboards/claude-code/claude-code-enterprise.json",
            "etc/grafana/provisioning/datasources/claude-code.yaml",
        ] {
            assert!(seen.contains(expected), "{expected} not in {seen:?}");
        }
    }
}
