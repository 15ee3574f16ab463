//! `[services]`: the systemd units of the stack and of the monitored service. Each unit holds
//! what its program runs with (addresses, paths, the flags the user typed); `emit::systemd`
//! composes the command line.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::escape;
use crate::load::{RawApp, RawConfig, RawService, RawServices, S};
use crate::model::{Alertmanager, InstallPaths, Project, Prometheus, Service, ServiceKind};

pub fn install_paths() -> InstallPaths {
    InstallPaths {
        prometheus_dir: "/etc/prometheus".into(),
        alertmanager_dir: "/etc/prometheus".into(),
        filebeat_dir: "/etc/filebeat".into(),
    }
}

/// The stack's own units, in the order they are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stack {
    Prometheus,
    Alertmanager,
    NodeExporter,
    Filebeat,
    BlackboxExporter,
    NginxExporter,
}

impl Stack {
    const ALL: [Stack; 6] = [
        Stack::Prometheus,
        Stack::Alertmanager,
        Stack::NodeExporter,
        Stack::Filebeat,
        Stack::BlackboxExporter,
        Stack::NginxExporter,
    ];

    /// The unit's file stem.
    fn name(self) -> &'static str {
        match self {
            Stack::Prometheus => "prometheus",
            Stack::Alertmanager => "alertmanager",
            Stack::NodeExporter => "node-exporter",
            Stack::Filebeat => "filebeat",
            Stack::BlackboxExporter => "blackbox-exporter",
            Stack::NginxExporter => "nginx-exporter",
        }
    }

    /// Its table in `[services]`.
    fn raw(self, s: &RawServices) -> Option<&S<RawService>> {
        match self {
            Stack::Prometheus => s.prometheus.as_ref(),
            Stack::Alertmanager => s.alertmanager.as_ref(),
            Stack::NodeExporter => s.node_exporter.as_ref(),
            Stack::Filebeat => s.filebeat.as_ref(),
            Stack::BlackboxExporter => s.blackbox_exporter.as_ref(),
            Stack::NginxExporter => s.nginx_exporter.as_ref(),
        }
    }

    /// The program, user and description of Debian's packages.
    fn defaults(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Stack::Prometheus => (
                "/usr/bin/prometheus",
                "prometheus",
                "Prometheus monitoring server",
            ),
            Stack::Alertmanager => (
                "/usr/bin/prometheus-alertmanager",
                "prometheus",
                "Prometheus Alertmanager",
            ),
            Stack::NodeExporter => (
                "/usr/bin/prometheus-node-exporter",
                "prometheus",
                "Prometheus node exporter (host metrics)",
            ),
            Stack::Filebeat => (
                "/usr/share/filebeat/bin/filebeat",
                "root",
                "Filebeat log shipper",
            ),
            Stack::BlackboxExporter => (
                "/usr/bin/prometheus-blackbox-exporter",
                "prometheus",
                "Prometheus blackbox exporter (health checks)",
            ),
            Stack::NginxExporter => (
                "/usr/bin/prometheus-nginx-exporter",
                "prometheus",
                "Prometheus nginx exporter (nginx stub_status)",
            ),
        }
    }

    /// A key that would put one output out of step with the others, and why.
    fn misplaced(self, r: &RawService) -> Option<(&S<String>, &'static str)> {
        match self {
            Stack::Prometheus => r.listen.as_ref().map(|l| (l, "set `listen` in `[prometheus]`: the datasource and rule links follow it there")),
            Stack::Alertmanager => r.listen.as_ref().map(|l| (l, "set `listen` in `[alertmanager]`: Prometheus' Alertmanager target follows it there")),
            Stack::Filebeat => r.listen.as_ref().map(|l| (l, "Filebeat listens on no port")),
            Stack::NodeExporter => r.config_dir.as_ref().map(|c| (c, "the node exporter reads no configuration file")),
            Stack::NginxExporter => r.config_dir.as_ref().map(|c| (c, "the nginx exporter reads no configuration file")),
            Stack::BlackboxExporter => None,
        }
    }
}

/// What the stack's units are derived from: the rest of the checked config.
pub struct StackConfig<'a> {
    pub project: &'a Project,
    pub prometheus: &'a Prometheus,
    pub alertmanager: &'a Alertmanager,
    /// Whether `[logs]` is on (Filebeat's unit is then on by default).
    pub logs: bool,
    pub paths: &'a InstallPaths,
    /// The blackbox exporter's address, when there are health checks.
    pub blackbox: Option<&'a str>,
    /// nginx's `stub_status` address, when the nginx exporter reads it.
    pub nginx_status: Option<&'a str>,
    /// Maintenance takes snapshots: Prometheus' admin API is on.
    pub snapshots: bool,
}

/// Where the stack's helpers listen, as `[services]` and `[alertmanager]` set them (checked
/// with their sections) or by default.
pub struct Listens {
    pub alertmanager: String,
    pub node: String,
    pub blackbox: String,
    pub nginx_exporter: String,
}

pub fn listens(raw: &RawConfig) -> Listens {
    let s = raw.services.as_ref().map(S::get_ref);
    let listen = |unit: Stack, default: &str| {
        s.and_then(|s| unit.raw(s))
            .and_then(|r| r.get_ref().listen.as_ref())
            .map_or_else(|| default.to_string(), |l| l.get_ref().clone())
    };
    Listens {
        alertmanager: raw
            .alertmanager
            .as_ref()
            .and_then(|a| a.get_ref().listen.as_ref())
            .map_or_else(|| "127.0.0.1:9093".into(), |l| l.get_ref().clone()),
        node: listen(Stack::NodeExporter, &node_listen(raw)),
        blackbox: listen(Stack::BlackboxExporter, super::stack::BLACKBOX_LISTEN),
        nginx_exporter: listen(Stack::NginxExporter, super::stack::NGINX_EXPORTER_LISTEN),
    }
}

pub fn services(cx: &mut Cx, raw: &RawConfig, stack: &StackConfig) -> Vec<Service> {
    let s = raw.services.as_ref().map(S::get_ref);
    let node_listen = node_listen(raw);
    let mut out = Vec::new();
    for unit in Stack::ALL {
        let r = s.and_then(|s| unit.raw(s)).map(S::get_ref);
        let default_on = match unit {
            Stack::Filebeat => stack.logs,
            Stack::BlackboxExporter => stack.blackbox.is_some(),
            Stack::NginxExporter => stack.nginx_status.is_some(),
            _ => true,
        };
        if !r.map_or(default_on, |r| {
            r.enabled.as_ref().map_or(default_on, |b| *b.get_ref())
        }) {
            continue;
        }
        if let Some(r) = r {
            stack_keys(cx, unit, r, stack.logs);
        }
        out.push(stack_service(unit, r, stack, &node_listen));
    }
    if let Some(s) = s {
        cx.unique(s.apps.iter().map(|a| &a.get_ref().name), "service");
        for a in &s.apps {
            let app = app_service(cx, a.get_ref(), stack.project, &out);
            out.push(app);
        }
    }
    out
}

/// The node exporter's default address: the port the `node` job scrapes, on loopback only
/// when it is scraped over loopback.
fn node_listen(raw: &RawConfig) -> String {
    raw.jobs
        .iter()
        .find(|j| j.get_ref().name.get_ref() == "node")
        .and_then(|j| j.get_ref().target_list().first())
        .and_then(|t| {
            super::base::split_address(t.get_ref()).map(|(h, p)| match h {
                "localhost" | "127.0.0.1" => format!("127.0.0.1:{p}"),
                "::1" => format!("[::1]:{p}"),
                _ => format!(":{p}"),
            })
        })
        .unwrap_or_else(|| ":9100".into())
}

/// The keys of one stack unit's table: each where it belongs, each as systemd will read it.
fn stack_keys(cx: &mut Cx, unit: Stack, r: &RawService, logs: bool) {
    if unit == Stack::Filebeat
        && !logs
        && let Some(e) = &r.enabled
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            "the Filebeat unit is enabled but `[logs]` is disabled: it would have no filebeat.yml",
            e.span(),
            "enabled here",
        );
    }
    if let Some((s, help)) = unit.misplaced(r) {
        cx.push(
            Diagnostic::error(
                codes::KEY_NOT_FOR_KIND,
                format!("this key does nothing for the `{}` unit", unit.name()),
            )
            .at(s.span(), "not used here")
            .help(help),
        );
    }
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
    if let Some(l) = &r.listen {
        super::base::listen_address(cx, l);
    }
}

/// One stack unit, from its table (checked by [`stack_keys`]) and the rest of the config.
fn stack_service(
    unit: Stack,
    r: Option<&RawService>,
    stack: &StackConfig,
    node_listen: &str,
) -> Service {
    let get = |f: fn(&RawService) -> &Option<S<String>>| {
        r.and_then(|r| f(r).as_ref()).map(|v| v.get_ref().clone())
    };
    let (prom, am, paths) = (stack.prometheus, stack.alertmanager, stack.paths);
    let listen = |default: &str| get(|r| &r.listen).unwrap_or_else(|| default.to_string());
    let config_dir = |default: &str| get(|r| &r.config_dir).unwrap_or_else(|| default.to_string());
    let (kind, read_write_paths) = match unit {
        Stack::Prometheus => (
            ServiceKind::Prometheus {
                config_dir: config_dir(&paths.prometheus_dir),
                storage_path: prom.storage_path.clone(),
                retention: prom.retention,
                listen: listen(&prom.listen),
                external_url: prom.external_url.clone(),
                admin_api: stack.snapshots,
            },
            vec![prom.storage_path.clone()],
        ),
        Stack::Alertmanager => (
            ServiceKind::Alertmanager {
                config_dir: config_dir(&paths.alertmanager_dir),
                storage_path: am.storage_path.clone(),
                listen: listen(&am.listen),
                external_url: am.external_url.clone(),
            },
            vec![am.storage_path.clone()],
        ),
        Stack::NodeExporter => (
            ServiceKind::NodeExporter {
                listen: listen(node_listen),
            },
            vec![],
        ),
        Stack::BlackboxExporter => (
            ServiceKind::BlackboxExporter {
                config_dir: config_dir(&paths.prometheus_dir),
                listen: listen(stack.blackbox.unwrap_or(super::stack::BLACKBOX_LISTEN)),
            },
            vec![],
        ),
        Stack::NginxExporter => (
            ServiceKind::NginxExporter {
                listen: listen(super::stack::NGINX_EXPORTER_LISTEN),
                status_url: format!(
                    "http://{}/stub_status",
                    super::base::reachable(
                        stack
                            .nginx_status
                            .unwrap_or(super::stack::NGINX_STATUS_LISTEN)
                    )
                ),
            },
            vec![],
        ),
        Stack::Filebeat => {
            let (data_dir, logs_dir) = ("/var/lib/filebeat", "/var/log/filebeat");
            (
                ServiceKind::Filebeat {
                    config_dir: config_dir(&paths.filebeat_dir),
                    home: "/usr/share/filebeat".into(),
                    data_dir: data_dir.into(),
                    logs_dir: logs_dir.into(),
                },
                vec![data_dir.into(), logs_dir.into()],
            )
        }
    };
    let (binary, user, description) = unit.defaults();
    Service {
        kind,
        name: unit.name().to_string(),
        description: format!("{description} for {}", stack.project.name),
        binary: get(|r| &r.binary).unwrap_or_else(|| binary.into()),
        user: get(|r| &r.user).unwrap_or_else(|| user.into()),
        extra_flags: r.map_or_else(Vec::new, |r| {
            r.extra_flags.iter().map(|f| f.get_ref().clone()).collect()
        }),
        working_directory: None,
        environment_file: None,
        read_write_paths,
        // Filebeat reads logs wherever they are, home folders included; nothing else of the
        // stack has business there.
        reads_home: unit == Stack::Filebeat,
        expand_env: false,
    }
}

/// One `[[services.app]]`: the monitored service's unit, every value as systemd will read it.
/// `earlier` holds the units generated before it, whose names it may not take.
fn app_service(cx: &mut Cx, a: &RawApp, project: &Project, earlier: &[Service]) -> Service {
    let name = a.name.get_ref().clone();
    app_name(cx, a, earlier);
    app_tokens(cx, a);
    app_paths_visible(cx, a);
    let mut words = a.exec.get_ref().split_whitespace();
    let binary = words.next().unwrap_or_default().to_string();
    let expand_env = a.environment_file.is_some();
    app_command(cx, a, project, &binary, words.clone(), expand_env);
    Service {
        kind: ServiceKind::App {
            args: words.map(str::to_string).collect(),
        },
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
        extra_flags: Vec::new(),
        working_directory: a.working_directory.as_ref().map(|w| w.get_ref().clone()),
        environment_file: a.environment_file.as_ref().map(|w| w.get_ref().clone()),
        read_write_paths: a
            .read_write_paths
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        reads_home: false,
        expand_env,
    }
}

/// The app's name: a unit file name the stack's units do not take.
fn app_name(cx: &mut Cx, a: &RawApp, earlier: &[Service]) {
    let name = a.name.get_ref();
    if earlier.iter().any(|s| &s.name == name) {
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
}

/// The app's description, user and paths, each as systemd will read it; `exec` without
/// quotes (it is split on blanks).
fn app_tokens(cx: &mut Cx, a: &RawApp) {
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
            codes::BAD_COMMAND,
            "`exec` is split on blanks: quotes and backslashes would reach the program as they are",
            a.exec.span(),
            "write arguments without quotes, or wrap the command in a script",
        );
    }
}

/// The program, working directory and writable paths lie outside what `ProtectHome=yes`
/// hides from the service.
fn app_paths_visible(cx: &mut Cx, a: &RawApp) {
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
                    codes::UNUSABLE_PATH,
                    format!("`{v}` is hidden from the service by `ProtectHome=yes`"),
                )
                .at(span, "under /home, /root or /run/user")
                .help("install the service under /opt or /srv"),
            );
        }
    }
}

/// `ExecStart=` and `User=`: the program, the arguments and the default user (the project's
/// name), each as systemd will read it.
fn app_command<'w>(
    cx: &mut Cx,
    a: &RawApp,
    project: &Project,
    binary: &str,
    mut args: impl Iterator<Item = &'w str>,
    expand_env: bool,
) {
    if let Err(why) = escape::systemd::program(binary) {
        cx.error(
            codes::BAD_COMMAND,
            format!("`{binary}` cannot start the service"),
            a.exec.span(),
            why,
        );
    }
    // A project name that is not plain has its error already.
    if a.user.is_none()
        && super::base::plain(&project.name)
        && let Err(why) = escape::systemd::user(&project.name)
    {
        cx.push(
            Diagnostic::error(
                codes::UNSAFE_TEXT,
                format!(
                    "service `{}` would run as user `{}`, the project's name",
                    a.name.get_ref(),
                    project.name
                ),
            )
            .at(a.name.span(), why)
            .help("set `user` to the account the service runs as"),
        );
    }
    if let Some((w, why)) = args.find_map(|w| {
        escape::systemd::word(w, expand_env)
            .err()
            .map(|why| (w, why))
    }) {
        cx.error(
            codes::UNSAFE_TEXT,
            format!(
                "`{}` cannot be written safely into `ExecStart=`",
                crate::diag::shown(w)
            ),
            a.exec.span(),
            why,
        );
    }
}
