//! With `[[host]]`: an Ansible inventory and playbook that push each host's folder
//! (`hosts/<name>/`) to the host, check the servers' configuration with their own tools,
//! reload what changed and wait until the servers are ready, and put the previous files back
//! when a step fails. ccmon does not deploy to a fleet itself; Ansible does, with the steps of
//! `ccmon apply`.
//!
//! Variables: `ccmon_root` (`/`; a folder to stage or test) and `ccmon_reload` (`true`; `false`
//! installs only). Run from the folder `ccmon render` wrote:
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
    super::yaml(&json!({
        "all": {
            "vars": {
                "ccmon_root": "/",
                "ccmon_reload": true,
                "ccmon_prometheus_url": crate::addr::server_url(
                    &model.prometheus.listen,
                    model.prometheus.external_url.as_deref(),
                ),
                "ccmon_alertmanager_url": crate::addr::server_url(
                    &model.alertmanager.listen,
                    model.alertmanager.external_url.as_deref(),
                ),
            },
            "hosts": Value::Object(hosts),
        }
    }))
}

/// `ansible/playbook.yml`.
pub fn playbook(model: &Model) -> String {
    let prom_dir =
        crate::layout::server_path(model, "prometheus/prometheus.yml").unwrap_or_default();
    let am_file =
        crate::layout::server_path(model, "alertmanager/alertmanager.yml").unwrap_or_default();
    let dest = "{{ ccmon_root | regex_replace('/$', '') }}/{{ item }}";
    let checks_and_reloads = checks_and_reloads(&prom_dir, &am_file);
    let rollback = json!([
        {
            "name": "Put the previous files back",
            "ansible.builtin.copy": {
                "src": "{{ item.backup_file }}",
                "dest": "{{ item.dest }}",
                "remote_src": true,
            },
            "loop": "{{ installed.results | selectattr('backup_file', 'defined') | list }}",
        },
        {
            "name": "Remove the files this run added",
            "ansible.builtin.file": {"path": "{{ item.dest }}", "state": "absent"},
            "loop": "{{ installed.results | selectattr('changed') | rejectattr('backup_file', 'defined') | list }}",
        },
        {
            "name": "Fail: the previous files are back",
            "ansible.builtin.fail": {"msg": "a check or reload failed; the previous files were put back (reload them if the servers took the new ones)"},
        },
    ]);
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

/// After the install: the servers' own checks, then the reloads, then readiness.
fn checks_and_reloads(prom_dir: &str, am_file: &str) -> Value {
    let changed = |prefix: &str| {
        format!(
            "(ccmon_reload | bool) and (installed.results | selectattr('changed') | map(attribute='item') | select('match', '{prefix}') | list | length > 0)"
        )
    };
    let prom_prefix = prom_dir
        .rsplit_once('/')
        .map_or("etc/prometheus", |(d, _)| d)
        .to_string();
    json!([
        {
            "name": "Check the Prometheus configuration with promtool",
            "ansible.builtin.command": format!("promtool check config {{{{ ccmon_root | regex_replace('/$', '') }}}}/{prom_dir}"),
            "changed_when": false,
            "when": format!("ccmon_prometheus and {}", changed(&prom_prefix)),
        },
        {
            "name": "Check the Alertmanager configuration with amtool",
            "ansible.builtin.command": format!("amtool check-config {{{{ ccmon_root | regex_replace('/$', '') }}}}/{am_file}"),
            "changed_when": false,
            "when": format!("ccmon_alertmanager and {}", changed(am_file)),
        },
        {
            "name": "Check nginx.conf with nginx -t",
            "ansible.builtin.command": "nginx -t",
            "changed_when": false,
            "when": format!("ccmon_nginx and ccmon_root == '/' and {}", changed("etc/nginx/")),
        },
        {
            "name": "Reload systemd for changed units",
            "ansible.builtin.systemd_service": {"daemon_reload": true},
            "when": format!("ccmon_root == '/' and {}", changed("etc/systemd/")),
        },
        {
            "name": "Reload Prometheus",
            "ansible.builtin.systemd_service": {"name": "prometheus", "state": "reloaded"},
            "when": format!("ccmon_prometheus and ccmon_root == '/' and {}", changed(&prom_prefix)),
        },
        {
            "name": "Reload Alertmanager",
            "ansible.builtin.systemd_service": {"name": "alertmanager", "state": "reloaded"},
            "when": format!("ccmon_alertmanager and ccmon_root == '/' and {}", changed(am_file)),
        },
        {
            "name": "Reload nginx",
            "ansible.builtin.command": "nginx -s reload",
            "when": format!("ccmon_nginx and ccmon_root == '/' and {}", changed("etc/nginx/")),
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
    ])
}
