//! With `[[host]]`: an Ansible inventory and playbook that push each host's folder
//! (`hosts/<name>/`) to the host, check the servers' configuration with their own tools,
//! reload what changed and wait until the servers are ready, and put the previous files back
//! when a step fails. ccmon does not deploy to a fleet itself; Ansible does, with the steps of
//! `ccmon apply`.
//!
//! Variables: `ccmon_root` (`/`; a folder to stage or test), `ccmon_reload` (`true`; `false`
//! installs only) and `ccmon_check` (`true`; `false` skips promtool, amtool and `nginx -t`, as
//! `apply --no-check` does). On `/` the servers reload through systemd; below another root,
//! Prometheus and Alertmanager through their `/-/reload` API, and nginx (with `-c` and the
//! root's `nginx.conf`) when its pid file says it runs, as `ccmon apply --root` does. Run from the folder `ccmon render` wrote:
//! `ansible-playbook -i ansible/inventory.yml ansible/playbook.yml`.

use serde_json::{Value, json};

use crate::model::Model;

/// `ansible/inventory.yml`: every host with its address and the files it gets.
pub fn inventory(model: &Model, host_files: &[(String, String)]) -> String {
    let mut hosts = serde_json::Map::new();
    for h in &model.hosts {
        let prefix = format!("hosts/{}/", h.name);
        let files: Vec<&str> = host_files
            .iter()
            .filter_map(|(p, _)| p.strip_prefix(&prefix))
            .collect();
        let mut dirs: Vec<&str> = files
            .iter()
            .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d))
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        let runs = |part: &str| h.runs.iter().any(|r| r == part);
        hosts.insert(
            h.name.clone(),
            json!({
                "ansible_host": h.address,
                "ccmon_files": files,
                "ccmon_dirs": dirs,
                "ccmon_prometheus": runs("prometheus"),
                "ccmon_alertmanager": runs("alertmanager"),
                "ccmon_nginx": runs("nginx"),
            }),
        );
    }
    let mut vars = json!({
        "ccmon_root": "/",
        "ccmon_reload": true,
        "ccmon_check": true,
        "ccmon_prometheus_url": crate::addr::server_url(
            &model.prometheus.listen,
            model.prometheus.external_url.as_deref(),
        ),
        "ccmon_alertmanager_url": crate::addr::server_url(
            &model.alertmanager.listen,
            model.alertmanager.external_url.as_deref(),
        ),
    });
    // Below another root, whether an nginx runs from the root's nginx.conf: its pid file.
    // (A value Jinja2 would render is refused at check: CM210.)
    if let Some(pid) = model
        .proxy
        .as_ref()
        .and_then(|p| crate::escape::ansible::value(&p.pid_file).ok())
    {
        vars["ccmon_nginx_pid"] = pid.into();
    }
    super::yaml(&json!({
        "all": {
            "vars": vars,
            "hosts": Value::Object(hosts),
        }
    }))
}

/// `ansible/playbook.yml`.
pub fn playbook(model: &Model) -> String {
    let servers = Servers::of(model);
    let dest = "{{ ccmon_root | regex_replace('/$', '') }}/{{ item }}";
    let checks_and_reloads = checks_and_reloads(&servers);
    let mut rollback = vec![
        json!({
            "name": "Put the previous files back",
            "ansible.builtin.copy": {
                "src": "{{ item.backup_file }}",
                "dest": "{{ item.dest }}",
                "remote_src": true,
            },
            "loop": "{{ installed.results | selectattr('backup_file', 'defined') | list }}",
        }),
        json!({
            "name": "Remove the files this run added",
            "ansible.builtin.file": {"path": "{{ item.dest }}", "state": "absent"},
            "loop": "{{ installed.results | selectattr('changed') | rejectattr('backup_file', 'defined') | list }}",
        }),
    ];
    // The previous files reloaded: a server that took the new ones runs the old ones again.
    rollback.extend(reloads(&servers).into_iter().map(|mut t| {
        t["name"] = format!("Rollback: {}", t["name"].as_str().unwrap_or("")).into();
        t["ignore_errors"] = true.into();
        t
    }));
    rollback.push(json!({
        "name": "Fail: the previous files are back",
        "ansible.builtin.fail": {"msg": "a check or reload failed; the previous files were put back and reloaded"},
    }));
    let install = json!({
        "name": "Install this host's files",
        "ansible.builtin.copy": {
            "src": "{{ playbook_dir }}/../hosts/{{ inventory_hostname }}/{{ item }}",
            "dest": dest,
            "mode": "0644",
            "backup": true,
        },
        "loop": "{{ ccmon_files }}",
        "register": "installed",
    });
    let steps: Vec<Value> = std::iter::once(install)
        .chain(checks_and_reloads.as_array().cloned().unwrap_or_default())
        .collect();
    super::yaml(&json!([{
        "name": format!("Apply the monitoring files of {}", model.project.name),
        "hosts": "all",
        "gather_facts": false,
        "tasks": [
            {
                "name": "Create the folders of this host's files",
                "ansible.builtin.file": {
                    "path": "{{ ccmon_root | regex_replace('/$', '') }}/{{ item }}",
                    "state": "directory",
                    "mode": "0755",
                },
                "loop": "{{ ccmon_dirs }}",
            },
            {
                "name": "Install, check, reload",
                "block": steps,
                "rescue": rollback,
            },
        ],
    }]))
}

/// The `nginx.conf` this host's files put in place, which `nginx -t` checks and the running
/// master reloads (`-c`: on `/` the file nginx reads by default).
const NGINX_CONF: &str = "{{ ccmon_root | regex_replace('/$', '') }}/etc/nginx/nginx.conf";

/// The condition that an nginx runs from [`NGINX_CONF`]: the host runs one, and below another
/// root its pid file exists (as `ccmon apply --root` asks).
const NGINX_HERE: &str =
    "ccmon_nginx and (ccmon_root == '/' or (nginx_pid.stat.exists | default(false)))";

/// The condition that this run's install changed a file below `prefix` and reloads are on.
fn changed(prefix: &str) -> String {
    format!(
        "(ccmon_reload | bool) and (installed.results | selectattr('changed') | map(attribute='item') | select('match', '{prefix}') | list | length > 0)"
    )
}

/// Where Prometheus' and Alertmanager's files are on a host: the files their checks read,
/// and a pattern of every file each reads (for "did this run change it").
struct Servers {
    prom_config: String,
    prom_files: String,
    am_config: String,
    am_files: String,
}

impl Servers {
    fn of(model: &Model) -> Self {
        let at = |f: &str| crate::layout::server_path(model, f).unwrap_or_default();
        // A regex of the paths (`match` anchors at the start); `[.]` for a dot.
        let any = |files: &[&str]| {
            let alts: Vec<String> = files.iter().map(|f| at(f).replace('.', "[.]")).collect();
            format!("({})", alts.join("|"))
        };
        Servers {
            prom_config: at("prometheus/prometheus.yml"),
            prom_files: any(&[
                "prometheus/prometheus.yml",
                "prometheus/rules/",
                "prometheus/targets/",
            ]),
            am_config: at("alertmanager/alertmanager.yml"),
            am_files: any(&["alertmanager/alertmanager.yml", "alertmanager/templates/"]),
        }
    }
}

/// The reloads of what changed: through systemd on `/`, through the servers' `/-/reload`
/// below another root.
fn reloads(servers: &Servers) -> Vec<Value> {
    let mut out = Vec::new();
    for (name, unit, url, var, prefix) in [
        (
            "Prometheus",
            "prometheus",
            "ccmon_prometheus_url",
            "ccmon_prometheus",
            servers.prom_files.as_str(),
        ),
        (
            "Alertmanager",
            "alertmanager",
            "ccmon_alertmanager_url",
            "ccmon_alertmanager",
            servers.am_files.as_str(),
        ),
    ] {
        out.push(json!({
            "name": format!("Reload {name}"),
            "ansible.builtin.systemd_service": {"name": unit, "state": "reloaded"},
            "when": format!("{var} and ccmon_root == '/' and {}", changed(prefix)),
        }));
        out.push(json!({
            "name": format!("Reload {name} through its API"),
            "ansible.builtin.uri": {
                "url": format!("{{{{ {url} }}}}/-/reload"),
                "method": "POST",
                "status_code": 200,
            },
            "when": format!("{var} and ccmon_root != '/' and {}", changed(prefix)),
        }));
    }
    out.push(json!({
        "name": "Reload nginx",
        "ansible.builtin.command": format!("nginx -c {NGINX_CONF} -s reload"),
        "when": format!("{NGINX_HERE} and {}", changed("etc/nginx/")),
    }));
    out
}

/// After the install: the servers' own checks, then the reloads, then readiness and whether
/// each server's last reload succeeded.
fn checks_and_reloads(servers: &Servers) -> Value {
    let Servers {
        prom_config,
        prom_files,
        am_config,
        am_files,
    } = servers;
    let mut tasks = vec![
        json!({
            "name": "Find whether an nginx runs from this root's nginx.conf",
            "ansible.builtin.stat": {"path": "{{ ccmon_nginx_pid }}"},
            "register": "nginx_pid",
            "when": "ccmon_nginx and ccmon_root != '/' and ccmon_nginx_pid is defined",
        }),
        json!({
            "name": "Check the Prometheus configuration with promtool",
            "ansible.builtin.command": format!("promtool check config {{{{ ccmon_root | regex_replace('/$', '') }}}}/{prom_config}"),
            "changed_when": false,
            "when": format!("(ccmon_check | bool) and ccmon_prometheus and {}", changed(prom_files)),
        }),
        json!({
            "name": "Check the Alertmanager configuration with amtool",
            "ansible.builtin.command": format!("amtool check-config {{{{ ccmon_root | regex_replace('/$', '') }}}}/{am_config}"),
            "changed_when": false,
            "when": format!("(ccmon_check | bool) and ccmon_alertmanager and {}", changed(am_files)),
        }),
        json!({
            "name": "Check nginx.conf with nginx -t",
            "ansible.builtin.command": format!("nginx -t -c {NGINX_CONF}"),
            "changed_when": false,
            "when": format!("(ccmon_check | bool) and {NGINX_HERE} and {}", changed("etc/nginx/")),
        }),
    ];
    let rest = json!([
        {
            "name": "Reload systemd for changed units",
            "ansible.builtin.systemd_service": {"daemon_reload": true},
            "when": format!("ccmon_root == '/' and {}", changed("etc/systemd/")),
        },
        {
            "name": "Wait until Prometheus is ready",
            "ansible.builtin.uri": {"url": "{{ ccmon_prometheus_url }}/-/ready"},
            "register": "ready",
            "until": "ready.status == 200",
            "retries": 30,
            "delay": 1,
            "when": "ccmon_prometheus and (ccmon_reload | bool)",
        },
        {
            "name": "Wait until Alertmanager is ready",
            "ansible.builtin.uri": {"url": "{{ ccmon_alertmanager_url }}/-/ready"},
            "register": "ready",
            "until": "ready.status == 200",
            "retries": 30,
            "delay": 1,
            "when": "ccmon_alertmanager and (ccmon_reload | bool)",
        },
        // A reload by signal (systemd) that the server refused leaves it ready with the old
        // configuration: ask whether its last reload succeeded.
        {
            "name": "Verify Prometheus loaded its configuration",
            "ansible.builtin.uri": {"url": "{{ ccmon_prometheus_url }}/api/v1/status/runtimeinfo", "return_content": true},
            "register": "runtime",
            "failed_when": "not (runtime.json.data.reloadConfigSuccess | default(false))",
            "when": "ccmon_prometheus and (ccmon_reload | bool)",
        },
        {
            "name": "Verify Alertmanager loaded its configuration",
            "ansible.builtin.uri": {"url": "{{ ccmon_alertmanager_url }}/metrics", "return_content": true},
            "register": "metrics",
            "failed_when": "'alertmanager_config_last_reload_successful 1' not in metrics.content",
            "when": "ccmon_alertmanager and (ccmon_reload | bool)",
        },
    ]);
    // systemd first (changed units), then the servers and nginx, then the waits.
    let mut rest = rest.as_array().cloned().unwrap_or_default().into_iter();
    tasks.extend(rest.next());
    tasks.extend(reloads(servers));
    tasks.extend(rest);
    Value::Array(tasks)
}
