//! `ccmon health` against a live stack on loopback: Prometheus, Alertmanager, the blackbox
//! exporter and the node exporter run on the rendered files, probing and scraping stub
//! services. Healthy first (exit 0); then a probed stub answers 503 and a scraped target
//! stops, and `ccmon health` exits 1 naming each.

mod common;

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use common::net::{free_port, prometheus, read_request, spawn, wait_until};
use common::{TempDir, require_tool};

/// The tests of this file one at a time: each takes free ports and starts servers on them
/// later, and a stub of the other test could take such a port in between.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A stub HTTP server: `ok` says whether it answers 200 with `body` (else 503); `alive`
/// whether it answers at all (else it closes every connection at once).
struct Stub {
    port: u16,
    ok: Arc<AtomicBool>,
    alive: Arc<AtomicBool>,
}

fn stub(body: &'static str) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ok = Arc::new(AtomicBool::new(true));
    let alive = Arc::new(AtomicBool::new(true));
    let (o, a) = (ok.clone(), alive.clone());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if !a.load(Ordering::SeqCst) {
                continue;
            }
            let (o, a) = (o.clone(), a.clone());
            thread::spawn(move || {
                let mut w = stream.try_clone().unwrap();
                let mut r = BufReader::new(stream);
                while let Some((_, _, keep)) = read_request(&mut r) {
                    if !a.load(Ordering::SeqCst) {
                        break;
                    }
                    let (status, text) = if o.load(Ordering::SeqCst) {
                        ("200 OK", body)
                    } else {
                        ("503 Service Unavailable", "down\n")
                    };
                    let msg = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    if w.write_all(msg.as_bytes()).is_err() || !keep {
                        break;
                    }
                }
            });
        }
    });
    Stub { port, ok, alive }
}

/// `ccmon health` on the config: its exit code and its JSON report.
fn health(config: &Path) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .arg("health")
        .arg(config)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v = serde_json::from_str(&text).unwrap_or_default();
    (out.status.code().unwrap_or(-1), v, text)
}

fn failing(v: &serde_json::Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            format!(
                "{}: {} {}",
                c["name"].as_str().unwrap_or(""),
                c["detail"],
                c["items"]
            )
        })
        .collect()
}

#[test]
fn health_reports_a_healthy_stack_then_a_failing_probe_and_a_stopped_target() {
    for tool in [
        "prometheus",
        "prometheus-alertmanager",
        "prometheus-blackbox-exporter",
        "prometheus-node-exporter",
    ] {
        if !require_tool(tool) {
            return;
        }
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = TempDir::new("health-live");
    let d = tmp.path();
    let api = stub("ok\n");
    let app = stub("# TYPE app_up gauge\napp_up 1\n");
    let hook = stub("");
    let (prom, am, bb, node) = (free_port(), free_port(), free_port(), free_port());
    let toml = format!(
        r#"
[project]
name = "live"

[prometheus]
scrape_interval = "1s"
scrape_timeout = "1s"
evaluation_interval = "1s"
listen = "127.0.0.1:{prom}"

[alertmanager]
listen = "127.0.0.1:{am}"

[[job]]
name = "app"
targets = ["127.0.0.1:{app}"]

[[job]]
name = "node"
targets = ["127.0.0.1:{node}"]

[[health]]
name = "api"
http = "http://127.0.0.1:{api}/health"
status = [200]
body = "ok"
timeout = "1s"
for = "1m"

[services.blackbox_exporter]
listen = "127.0.0.1:{bb}"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:{hook}/alerts"

# The machine's own disk and memory are not this test's business.
[self_monitoring]
disk_free_below = "0.1%"
memory_available_below = "0.1%"

[proxy]
enabled = false

[logs]
enabled = false

[dashboard]
enabled = false
"#,
        app = app.port,
        api = api.port,
        hook = hook.port,
    );
    let config = d.join("monitoring.toml");
    std::fs::write(&config, &toml).unwrap();
    let out = d.join("out");
    let rendered = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .arg("render")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let _prom = prometheus(&out, d, prom);
    let _am = spawn(
        "alertmanager",
        Command::new("prometheus-alertmanager")
            .arg(format!(
                "--config.file={}",
                out.join("alertmanager/alertmanager.yml").display()
            ))
            .arg(format!("--storage.path={}", d.join("am-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{am}"))
            .arg("--cluster.listen-address="),
        &d.join("alertmanager.log"),
    );
    let _bb = spawn(
        "blackbox exporter",
        Command::new("prometheus-blackbox-exporter")
            .arg(format!(
                "--config.file={}",
                out.join("blackbox/blackbox.yml").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{bb}")),
        &d.join("blackbox.log"),
    );
    let _node = spawn(
        "node exporter",
        Command::new("prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node}")),
        &d.join("node.log"),
    );
    let logs = || {
        ["prometheus.log", "alertmanager.log", "blackbox.log"]
            .iter()
            .map(|f| {
                format!(
                    "{f}:\n{}",
                    std::fs::read_to_string(d.join(f)).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };

    // Healthy: every check passes once the first scrapes and evaluations are in, and the
    // heartbeat has reached Alertmanager (Prometheus sends a firing alert again after its
    // resend delay of a minute when the first send found no Alertmanager yet).
    let mut last = (0, serde_json::Value::Null, String::new());
    let healthy = wait_until(Duration::from_secs(150), || {
        last = health(&config);
        last.0 == 0
    });
    assert!(
        healthy,
        "not healthy within 150 s: {:?}\n{}\n{}",
        failing(&last.1),
        last.2,
        logs()
    );
    let names: Vec<&str> = last.1["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "ok")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for want in [
        "prometheus config",
        "alertmanager config",
        "rule groups",
        "targets",
        "probes",
        "disk and memory",
        "heartbeat delivered",
    ] {
        assert!(names.contains(&want), "`{want}` not ok: {}", last.2);
    }
    eprintln!("health live: healthy, {} checks ok", names.len());

    // A config whose rendering differs from what runs: the loaded configuration is not it.
    let other = d.join("other.toml");
    std::fs::write(
        &other,
        toml.replace("scrape_interval = \"1s\"", "scrape_interval = \"2s\""),
    )
    .unwrap();
    let (code, v, text) = health(&other);
    assert_eq!(code, 1, "{text}");
    assert!(
        failing(&v)
            .iter()
            .any(|f| f.starts_with("prometheus config:")
                && f.contains("global.scrape_interval: rendered \\\"2s\\\", loaded \\\"1s\\\"")),
        "{text}"
    );

    // The probed service answers 503: the probe check fails, naming its job.
    api.ok.store(false, Ordering::SeqCst);
    let probe_fails = wait_until(Duration::from_secs(30), || {
        last = health(&config);
        last.0 == 1
            && failing(&last.1)
                .iter()
                .any(|f| f.starts_with("probes:") && f.contains("probe-api"))
    });
    assert!(
        probe_fails,
        "the failing probe was not reported: {}",
        last.2
    );

    // The scraped service stops: the targets check names it.
    app.alive.store(false, Ordering::SeqCst);
    let target_down = wait_until(Duration::from_secs(30), || {
        last = health(&config);
        last.0 == 1
            && failing(&last.1).iter().any(|f| {
                f.starts_with("targets:")
                    && f.contains(&format!("app 127.0.0.1:{} is down", app.port))
            })
    });
    assert!(
        target_down,
        "the stopped target was not reported: {}",
        last.2
    );
    let human = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .arg("health")
        .arg(&config)
        .output()
        .unwrap();
    eprintln!(
        "health live, unhealthy:\n{}",
        String::from_utf8_lossy(&human.stdout)
    );
    assert_eq!(human.status.code(), Some(1));
}

/// Prometheus' answer to an instant query at `time`, as text.
fn query_at(port: u16, q: &str, time: f64) -> String {
    let e = ccmon::health::http::Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let path = format!(
        "/api/v1/query?query={}&time={time}",
        ccmon::health::http::encode(q)
    );
    match e.get(&path, Duration::from_secs(5)) {
        Ok((200, body)) => {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            v["data"]["result"].to_string()
        }
        other => format!("{other:?}"),
    }
}

fn ccmon_cmd(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ccmon"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `ccmon snapshot` keeps the newest N; a snapshot restored with `ccmon restore` into a fresh
/// data folder answers a query exactly as the original did; a restore into a used folder
/// moves its data aside.
#[test]
fn a_snapshot_restored_into_a_fresh_folder_returns_the_same_results() {
    if !require_tool("prometheus") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = TempDir::new("snapshot-live");
    let d = tmp.path();
    let exporter = stub(
        "# TYPE restore_probe gauge\nrestore_probe{kind=\"a\"} 42\nrestore_probe{kind=\"b\"} 7\n",
    );
    let (p1, p2) = (free_port(), free_port());
    let config = |jobs: bool| {
        let mut c = "global:\n  scrape_interval: 1s\n".to_string();
        if jobs {
            c.push_str(&format!(
                "scrape_configs:\n- job_name: probe\n  static_configs:\n  - targets: ['127.0.0.1:{}']\n",
                exporter.port
            ));
        }
        c
    };
    std::fs::write(d.join("scrape.yml"), config(true)).unwrap();
    std::fs::write(d.join("empty.yml"), config(false)).unwrap();
    let data = d.join("data");
    let _prom = spawn(
        "prometheus",
        Command::new("prometheus")
            .arg(format!("--config.file={}", d.join("scrape.yml").display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{p1}"))
            .arg("--web.enable-admin-api"),
        &d.join("prometheus.log"),
    );
    let q = "count_over_time(restore_probe[10m])";
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    };
    let mut t0 = 0.0;
    let mut before = String::new();
    let enough = wait_until(Duration::from_secs(60), || {
        t0 = now().floor();
        before = query_at(p1, q, t0);
        let v: serde_json::Value = serde_json::from_str(&before).unwrap_or_default();
        v.as_array().is_some_and(|a| {
            a.len() == 2
                && a.iter().all(|s| {
                    s["value"][1]
                        .as_str()
                        .and_then(|x| x.parse::<u32>().ok())
                        .unwrap_or(0)
                        >= 5
                })
        })
    });
    assert!(
        enough,
        "too few samples: {before}\n{}",
        std::fs::read_to_string(d.join("prometheus.log")).unwrap_or_default()
    );
    let url = format!("http://127.0.0.1:{p1}");
    let data_s = data.display().to_string();
    for _ in 0..3 {
        let (code, out) = ccmon_cmd(&[
            "snapshot",
            "--prometheus",
            &url,
            "--data-dir",
            &data_s,
            "--keep",
            "2",
        ]);
        assert_eq!(code, 0, "{out}");
        std::thread::sleep(Duration::from_millis(1100));
    }
    let mut snaps: Vec<_> = std::fs::read_dir(data.join("snapshots"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    snaps.sort();
    assert_eq!(snaps.len(), 2, "--keep 2 keeps two: {snaps:?}");
    let newest = snaps.last().unwrap().display().to_string();

    let fresh = d.join("fresh");
    let (code, out) = ccmon_cmd(&[
        "restore",
        &newest,
        "--data-dir",
        &fresh.display().to_string(),
        "--no-systemd",
    ]);
    assert_eq!(code, 0, "{out}");
    let _restored = spawn(
        "prometheus",
        Command::new("prometheus")
            .arg(format!("--config.file={}", d.join("empty.yml").display()))
            .arg(format!("--storage.tsdb.path={}", fresh.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{p2}")),
        &d.join("restored.log"),
    );
    let mut after = String::new();
    let same = wait_until(Duration::from_secs(60), || {
        after = query_at(p2, q, t0);
        after == before
    });
    assert!(
        same,
        "restored data answers {after}, the original {before}\n{}",
        std::fs::read_to_string(d.join("restored.log")).unwrap_or_default()
    );
    eprintln!(
        "snapshot live: 3 snapshots, 2 kept; restored data answers {q} as the original: {after}"
    );

    // A used folder is moved aside, not overwritten.
    let used = d.join("used");
    std::fs::create_dir_all(&used).unwrap();
    std::fs::write(used.join("old-data"), "x").unwrap();
    let (code, out) = ccmon_cmd(&[
        "restore",
        &newest,
        "--data-dir",
        &used.display().to_string(),
        "--no-systemd",
    ]);
    assert_eq!(code, 0, "{out}");
    let aside: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("used.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "{out}");
    assert!(d.join(&aside[0]).join("old-data").is_file());
    // Not a snapshot: refused before anything is touched.
    let (code, out) = ccmon_cmd(&[
        "restore",
        &d.display().to_string(),
        "--data-dir",
        &used.display().to_string(),
        "--no-systemd",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not a snapshot"), "{out}");
}
