//! `ccmon apply --root` against real servers on loopback: Prometheus and Alertmanager read
//! their files from a temporary root; a threshold change is installed, reloaded and served; a
//! change the real tools reject is not installed; one that Prometheus refuses at reload (the
//! tools skipped) is rolled back and the old rules keep running. nginx runs from the root's
//! `nginx.conf` in front of a backend: a backend change is checked, reloaded and served; a
//! configuration `nginx -t` refuses is rolled back and the old one keeps serving.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::net::{free_port, get, ready, servers_of_root, wait_until};
use common::nginx::{backend, nginx_of_root, proxy, through_nginx};
use common::{TempDir, require_tool};

fn config(prom: u16, am: u16, threshold: &str, extra: &str, proxy: &str) -> String {
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
kind = "gauge"
expr = 'queue_length{{job="shop"}}'
above = {threshold}
for = "1m"
severity = "warning"
summary = "queue at {{value}}"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9/alerts"
"#
    );
    base + proxy
}

fn apply(dir: &Path, root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .arg("apply")
        .arg(dir.join("monitoring.toml"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn apply_installs_reloads_verifies_and_rolls_back() {
    for tool in [
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
    let d = TempDir::new("apply-live");
    let root = d.path().join("root");
    let (prom, am, web) = (free_port(), free_port(), free_port());
    let (a, b) = (backend("backend a"), backend("backend b"));
    let front = |backend: u16| proxy(d.path(), web, backend, None);
    let write = |threshold: &str, extra: &str, proxy: &str| {
        fs::write(
            d.path().join("monitoring.toml"),
            config(prom, am, threshold, extra, proxy),
        )
        .unwrap()
    };
    // A first install, before the servers run.
    write("100", "", &front(a));
    let (code, log) = apply(d.path(), &root, &["--no-reload"]);
    assert_eq!(code, 0, "{log}");
    let etc = root.join("etc/prometheus");
    assert!(etc.join("prometheus.yml").is_file() && etc.join("alertmanager.yml").is_file());
    assert!(etc.join("rules/shop.rules.yml").is_file(), "{log}");
    let _servers = servers_of_root(&etc, d.path(), (prom, am));
    // nginx from the root's nginx.conf, as its unit would start it.
    let nginx_conf = root.join("etc/nginx/nginx.conf");
    let _n = nginx_of_root(&nginx_conf, d.path());
    assert!(
        wait_until(Duration::from_secs(30), || ready(prom)
            && ready(am)
            && through_nginx(web) == "backend a"),
        "servers not ready:\n{}\n{}",
        fs::read_to_string(d.path().join("prometheus.log")).unwrap_or_default(),
        fs::read_to_string(d.path().join("error.log")).unwrap_or_default()
    );
    // The rule queries Prometheus serves.
    let rules = || {
        let v: serde_json::Value =
            serde_json::from_str(&get(prom, "/api/v1/rules")).unwrap_or_default();
        v["data"]["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
            .filter_map(|r| r["query"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(rules(), "queue_length{job=\"shop\"} > 100");

    // Nothing changed: nothing installed, the servers verified.
    let (code, log) = apply(d.path(), &root, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(
        log.contains("plan: nothing to change")
            && log.contains("verify: the servers run the rendered files"),
        "{log}"
    );

    // A threshold change: installed, Prometheus reloaded, the new rule served.
    write("150", "", &front(a));
    let (code, log) = apply(d.path(), &root, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(
        log.contains("plan: change etc/prometheus/rules/shop.rules.yml"),
        "{log}"
    );
    assert!(log.contains("reload prometheus: ok"), "{log}");
    assert!(
        !log.contains("reload alertmanager"),
        "alertmanager.yml did not change:\n{log}"
    );
    assert!(rules().contains("> 150"), "{}", rules());
    let good = fs::read(etc.join("rules/shop.rules.yml")).unwrap();

    // PromQL this Prometheus does not have (declared for 2.51): the real tools refuse it, and
    // nothing is installed.
    let newer = "version = \"2.51\"";
    fs::write(
        d.path().join("monitoring.toml"),
        config(prom, am, "150", newer, &front(a)).replace(
            "kind = \"gauge\"\nexpr = 'queue_length{job=\"shop\"}'\nabove = 150",
            "kind = \"raw\"\nexpr = 'histogram_avg(rate(queue_seconds[5m])) > 150'",
        ),
    )
    .unwrap();
    let (code, log) = apply(d.path(), &root, &[]);
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("nothing was installed"), "{log}");
    assert_eq!(fs::read(etc.join("rules/shop.rules.yml")).unwrap(), good);

    // The same with the tools skipped: installed, refused by Prometheus at reload, rolled back;
    // the previous rules are back on disk and still served.
    let (code, log) = apply(d.path(), &root, &["--no-check", "--wait", "5s"]);
    assert_eq!(code, 1, "{log}");
    assert!(
        log.contains("reload prometheus: prometheus refused the reload"),
        "{log}"
    );
    assert!(
        log.contains("rollback: previous files put back (ok)"),
        "{log}"
    );
    assert!(log.contains("rollback: reload ok"), "{log}");
    assert_eq!(fs::read(etc.join("rules/shop.rules.yml")).unwrap(), good);
    assert!(
        rules().contains("> 150") && !rules().contains("histogram_avg"),
        "{}",
        rules()
    );
    let info: serde_json::Value =
        serde_json::from_str(&get(prom, "/api/v1/status/runtimeinfo")).unwrap();
    assert_eq!(
        info["data"]["reloadConfigSuccess"], true,
        "the last reload (the rollback's) succeeded: {info}"
    );
    // What the failed apply replaced is kept for a look.
    assert!(
        root.join(ccmon::apply::PREVIOUS)
            .join("etc/prometheus/rules/shop.rules.yml")
            .is_file()
    );

    // The proxy's backend changes: nginx checks and reloads the root's nginx.conf, and
    // answers from the new backend.
    write("150", "", &front(b));
    let (code, log) = apply(d.path(), &root, &[]);
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("plan: change etc/nginx/nginx.conf"), "{log}");
    assert!(
        log.contains("nginx -t: ok") && log.contains("nginx -s reload: ok"),
        "{log}"
    );
    assert!(
        !log.contains("reload prometheus"),
        "only nginx.conf changed:\n{log}"
    );
    assert!(
        wait_until(Duration::from_secs(10), || through_nginx(web)
            == "backend b"),
        "nginx still answers {:?} after the reload",
        through_nginx(web)
    );
    let good_nginx = fs::read(&nginx_conf).unwrap();

    // TLS with certificates that are not on this server, the tools skipped: installed,
    // refused by `nginx -t`, rolled back; nginx keeps running the previous configuration.
    let certs = d.path().join("no-such-certs");
    write(
        "150",
        "",
        &proxy(
            d.path(),
            web,
            a,
            Some((free_port(), &certs.display().to_string())),
        ),
    );
    let (code, log) = apply(d.path(), &root, &["--no-check"]);
    assert_eq!(code, 1, "{log}");
    eprintln!("apply with a certificate nginx cannot load:\n{log}");
    assert!(log.contains("nginx -t failed"), "{log}");
    assert!(
        log.contains("rollback: previous files put back (ok)")
            && log.contains("rollback: reload ok"),
        "{log}"
    );
    assert_eq!(fs::read(&nginx_conf).unwrap(), good_nginx);
    assert_eq!(through_nginx(web), "backend b");
}
