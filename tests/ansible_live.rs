//! The Ansible playbook `ccmon render` writes for `[[host]]`, run by the real
//! `ansible-playbook` with a local connection, each host into a temporary root of its own:
//! `--check` changes nothing, a real run leaves each root with exactly its host's folder, and
//! a second run changes nothing. Against real Prometheus and Alertmanager reading a root, the
//! playbook reloads a changed rule that Prometheus then serves and a changed backend that
//! nginx (from the root's `nginx.conf`) then serves, and puts back (and reloads) the previous
//! files when promtool, `nginx -t`, or Prometheus at reload, refuses a change.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::net::{free_port, get, ready, servers_of_root, wait_until};
use common::nginx::{backend, nginx_of_root, proxy, through_nginx};
use common::{TempDir, files_below, require_tool, root};

fn playbook(out: &Path, roots: &Path, check: bool) -> (bool, String) {
    playbook_with(out, roots, check, "ccmon_reload=false")
}

/// The playbook with extra variables (`ccmon_reload`, `ccmon_check`).
fn playbook_with(out: &Path, roots: &Path, check: bool, vars: &str) -> (bool, String) {
    let mut cmd = Command::new("ansible-playbook");
    cmd.current_dir(out)
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_HOST_KEY_CHECKING", "False")
        .env("ANSIBLE_LOCAL_TEMP", roots.join(".ansible-local"))
        .env("ANSIBLE_REMOTE_TEMP", roots.join(".ansible-remote"))
        .args([
            "-i",
            "ansible/inventory.yml",
            "ansible/playbook.yml",
            "-c",
            "local",
        ])
        .arg("-e")
        .arg(format!(
            "ccmon_root={}/{{{{ inventory_hostname }}}} {vars}",
            roots.display()
        ))
        // The Python that has Ansible (`.ci/run` installs it with `python3 -m pip`) runs its
        // modules too, rather than one discovered on the machine.
        .arg("-e")
        .arg(format!("ansible_python_interpreter={}", python()));
    if check {
        cmd.arg("--check");
    }
    ccmon::tools::run(&mut cmd)
}

fn python() -> String {
    let (ok, out) = ccmon::tools::run(
        Command::new("python3").args(["-c", "import sys; print(sys.executable)"]),
    );
    assert!(ok, "{out}");
    out.trim().to_string()
}

#[test]
fn the_playbook_installs_each_hosts_folder_into_its_root() {
    if !require_tool("ansible-playbook") {
        return;
    }
    let d = TempDir::new("ansible");
    let out = d.path().join("out");
    let rendered = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .args(["render", "examples/fleet/monitoring.toml", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let roots = d.path().join("roots");
    std::fs::create_dir_all(&roots).unwrap();
    let hosts = ["monitor-1", "app-1", "app-2", "lb-1", "db-1"];

    let (ok, log) = playbook(&out, &roots, true);
    assert!(ok, "ansible-playbook --check failed:\n{log}");
    for h in hosts {
        assert!(
            files_below(&roots.join(h)).is_empty(),
            "--check wrote into {h}:\n{log}"
        );
    }

    let (ok, log) = playbook(&out, &roots, false);
    assert!(ok, "ansible-playbook failed:\n{log}");
    for h in hosts {
        let want = out.join("hosts").join(h);
        let got = roots.join(h);
        assert_eq!(files_below(&got), files_below(&want), "{h}:\n{log}");
        for f in files_below(&want) {
            assert_eq!(
                std::fs::read(got.join(&f)).unwrap(),
                std::fs::read(want.join(&f)).unwrap(),
                "{h}/{f}"
            );
        }
    }
    assert!(
        log.contains("monitor-1") && log.contains("changed="),
        "{log}"
    );

    // Nothing to change the second time.
    let (ok, log) = playbook(&out, &roots, false);
    assert!(ok, "{log}");
    for h in hosts {
        let recap = log
            .lines()
            .find(|l| l.starts_with(h) && l.contains("ok="))
            .unwrap_or_else(|| panic!("no recap for {h}:\n{log}"));
        assert!(recap.contains("changed=0"), "{recap}");
    }
}

/// The line after a task's header in the playbook's log: how it went (`ok: [host]`,
/// `skipping: [host]`, `fatal: [host]: ...`).
fn outcome(log: &str, task: &str) -> String {
    let i = log
        .find(&format!("TASK [{task}]"))
        .unwrap_or_else(|| panic!("no task {task}:\n{log}"));
    log[i..].lines().nth(1).unwrap_or_default().to_string()
}

/// One host that runs the whole stack on loopback; the alert's threshold, `[prometheus]`
/// extras and the `[proxy]` vary.
fn stack(prom: u16, am: u16, alert: &str, extra: &str, proxy: &str) -> String {
    let base = format!(
        r#"[project]
name = "shop"

[prometheus]
listen = "127.0.0.1:{prom}"
{extra}

[alertmanager]
listen = "127.0.0.1:{am}"

[self_monitoring]
enabled = false

[maintenance]
enabled = false

[[job]]
name = "shop"
targets = ["127.0.0.1:9"]

[[alert]]
name = "QueueLong"
{alert}
for = "1m"
severity = "warning"
summary = "queue long"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9/alerts"

[[host]]
name = "monitor"
address = "127.0.0.1"
runs = ["prometheus", "alertmanager", "node_exporter", "filebeat", "grafana", "nginx"]
"#
    );
    base + proxy
}

#[test]
fn the_playbook_reloads_running_servers_and_rolls_back_what_they_refuse() {
    for tool in [
        "ansible-playbook",
        "prometheus",
        "promtool",
        "prometheus-alertmanager",
        "amtool",
        "nginx",
    ] {
        if !require_tool(tool) {
            return;
        }
    }
    let d = TempDir::new("ansible-reload");
    let (prom, am, web) = (free_port(), free_port(), free_port());
    let (a, b) = (backend("backend a"), backend("backend b"));
    let front = |backend: u16| proxy(d.path(), web, backend, None);
    let out = d.path().join("out");
    let roots = d.path().join("roots");
    std::fs::create_dir_all(&roots).unwrap();
    let render = |alert: &str, extra: &str, proxy: &str| {
        let config = d.path().join("monitoring.toml");
        std::fs::write(&config, stack(prom, am, alert, extra, proxy)).unwrap();
        let r = Command::new(env!("CARGO_BIN_EXE_ccmon"))
            .arg("render")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    };
    let gauge =
        |t: u32| format!("kind = \"gauge\"\nexpr = 'queue_length{{job=\"shop\"}}'\nabove = {t}");
    render(&gauge(100), "", &front(a));
    // The first install, before the servers run.
    let (ok, log) = playbook(&out, &roots, false);
    assert!(ok, "{log}");
    let etc = roots.join("monitor/etc/prometheus");
    let _servers = servers_of_root(&etc, d.path(), (prom, am));
    let nginx_conf = roots.join("monitor/etc/nginx/nginx.conf");
    let _nginx = nginx_of_root(&nginx_conf, d.path());
    assert!(
        wait_until(Duration::from_secs(30), || ready(prom)
            && ready(am)
            && through_nginx(web) == "backend a"),
        "servers not ready:\n{}\n{}",
        std::fs::read_to_string(d.path().join("prometheus.log")).unwrap_or_default(),
        std::fs::read_to_string(d.path().join("error.log")).unwrap_or_default()
    );
    let rules = || {
        let v: serde_json::Value =
            serde_json::from_str(&get(prom, "/api/v1/rules")).unwrap_or_default();
        v["data"]["groups"][0]["rules"][0]["query"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(rules(), "queue_length{job=\"shop\"} > 100");

    // A threshold and a backend change: installed, Prometheus reloaded through its API and
    // nginx from the root's nginx.conf; the rule and the new backend served.
    render(&gauge(150), "", &front(b));
    let (ok, log) = playbook_with(&out, &roots, false, "");
    assert!(ok, "{log}");
    for task in [
        "Reload Prometheus through its API",
        "Check nginx.conf with nginx -t",
        "Reload nginx",
        "Verify Prometheus loaded its configuration",
        "Verify Alertmanager loaded its configuration",
    ] {
        let o = outcome(&log, task);
        assert!(
            o.starts_with("ok: [monitor]") || o.starts_with("changed: [monitor]"),
            "{task}:\n{log}"
        );
    }
    assert!(rules().ends_with("> 150"), "{}", rules());
    assert!(
        wait_until(Duration::from_secs(10), || through_nginx(web)
            == "backend b"),
        "nginx still answers {:?} after the reload",
        through_nginx(web)
    );
    let good = std::fs::read(etc.join("rules/shop.rules.yml")).unwrap();

    // PromQL this Prometheus lacks (declared for 2.51): promtool refuses it, the previous
    // files go back, the playbook fails, the old rule keeps being served.
    let newer = "kind = \"raw\"\nexpr = 'histogram_avg(rate(queue_seconds[5m])) > 150'";
    render(newer, "version = \"2.51\"", &front(b));
    let (ok, log) = playbook_with(&out, &roots, false, "");
    assert!(!ok, "{log}");
    assert!(log.contains("the previous files were put back"), "{log}");
    assert_eq!(
        std::fs::read(etc.join("rules/shop.rules.yml")).unwrap(),
        good
    );
    assert!(rules().ends_with("> 150"), "{}", rules());

    // The same without the checks: Prometheus refuses the reload, the previous files go back
    // and are reloaded; its last reload succeeded.
    let (ok, log) = playbook_with(&out, &roots, false, "ccmon_check=false");
    assert!(!ok, "{log}");
    let refused = outcome(&log, "Reload Prometheus through its API");
    assert!(refused.contains("Status code was 500"), "{refused}");
    assert!(
        outcome(&log, "Rollback: Reload Prometheus through its API").starts_with("ok: [monitor]"),
        "{log}"
    );
    assert_eq!(
        std::fs::read(etc.join("rules/shop.rules.yml")).unwrap(),
        good
    );
    assert!(rules().ends_with("> 150"), "{}", rules());
    let info: serde_json::Value =
        serde_json::from_str(&get(prom, "/api/v1/status/runtimeinfo")).unwrap();
    assert_eq!(info["data"]["reloadConfigSuccess"], true, "{info}");
    // A certificate that is not on this host: `nginx -t` refuses the new nginx.conf, the
    // previous one goes back and is reloaded, nginx keeps answering from backend b.
    let good_nginx = std::fs::read(&nginx_conf).unwrap();
    let certs = d.path().join("no-such-certs").display().to_string();
    render(
        &gauge(150),
        "",
        &proxy(d.path(), web, a, Some((free_port(), &certs))),
    );
    let (ok, log) = playbook_with(&out, &roots, false, "");
    assert!(!ok, "{log}");
    let refused = outcome(&log, "Check nginx.conf with nginx -t");
    assert!(refused.starts_with("fatal: [monitor]"), "{refused}");
    assert!(
        outcome(&log, "Rollback: Reload nginx").starts_with("changed: [monitor]"),
        "{log}"
    );
    assert_eq!(std::fs::read(&nginx_conf).unwrap(), good_nginx);
    assert_eq!(through_nginx(web), "backend b");
}
