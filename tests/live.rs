//! The rendered stack, live on loopback: Prometheus and Alertmanager run on ccmon's output and
//! deliver alerts to stub webhook receivers; nginx runs on ccmon's output in front of three stub
//! backends. Every process listens on 127.0.0.1 only, on free ports, and is killed by the test.

mod common;

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::net::{Proc, free_port, prometheus, prometheus_with, read_request, spawn, wait_until};
use common::{TempDir, require_tool};

/// The tests of this file one at a time: each takes free ports and starts servers on them
/// later, and a stub of another test could take such a port in between.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn respond(stream: &mut TcpStream, body: &str, keep_alive: bool) -> bool {
    let conn = if keep_alive { "keep-alive" } else { "close" };
    let msg = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: {conn}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(msg.as_bytes()).is_ok()
}

/// A tiny HTTP server on a free loopback port. `handler` gets each request's body and returns
/// the response body. Connections are kept alive, and counted.
struct Stub {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

fn stub<F>(handler: F) -> Stub
where
    F: Fn(&str, &[u8]) -> String + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let handler = Arc::new(handler);
    let (c, r) = (connections.clone(), requests.clone());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::SeqCst);
            let (handler, r) = (handler.clone(), r.clone());
            thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                while let Some((line, body, keep_alive)) = read_request(&mut reader) {
                    r.fetch_add(1, Ordering::SeqCst);
                    if !respond(&mut writer, &handler(&line, &body), keep_alive) || !keep_alive {
                        break;
                    }
                }
            });
        }
    });
    Stub {
        port,
        connections,
        requests,
    }
}

/// A webhook receiver that records the alert names it is sent.
fn webhook() -> (Stub, Arc<Mutex<Vec<String>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let s = stub(move |_, body| {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
            for a in v["alerts"].as_array().into_iter().flatten() {
                if a["status"] == "firing" {
                    let name = a["labels"]["alertname"].as_str().unwrap_or("").to_string();
                    g.lock().unwrap().push(name);
                }
            }
        }
        String::new()
    });
    (s, got)
}

/// Alertmanager (the binary `bin`) on the rendered `alertmanager.yml` in `out`, its data and
/// log in `d`, with more flags.
fn alertmanager_on(
    bin: &str,
    out: &std::path::Path,
    d: &std::path::Path,
    port: u16,
    extra: &[String],
) -> Proc {
    spawn(
        "alertmanager",
        Command::new(bin)
            .arg(format!(
                "--config.file={}",
                out.join("alertmanager/alertmanager.yml").display()
            ))
            .arg(format!("--storage.path={}", d.join("am-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .args(extra),
        &d.join("alertmanager.log"),
    )
}

fn render(toml: &str, dir: &std::path::Path) -> ccmon::model::Model {
    let src = ccmon::diag::source::Source::new("live.toml", toml);
    let (m, _) = common::model_of(&src);
    ccmon::emit::emit(&m).write_to(dir).unwrap();
    m
}

#[test]
fn alerts_reach_the_right_receiver_and_inhibited_warnings_do_not() {
    let alertmanager = ["prometheus-alertmanager", "alertmanager"]
        .into_iter()
        .find(|t| ccmon::tools::on_path(t));
    if !require_tool("prometheus")
        || alertmanager.is_none() && !require_tool("prometheus-alertmanager")
    {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let alertmanager = alertmanager.unwrap();
    let tmp = TempDir::new("live-alerts");
    let api = stub(|_, _| "# TYPE live_errors gauge\nlive_errors 5\n".to_string());
    let worker = stub(|_, _| "# TYPE live_queue gauge\nlive_queue 50\n".to_string());
    let (oncall, oncall_got) = webhook();
    let (dev, dev_got) = webhook();
    let (team, team_got) = webhook();
    let (prom_port, am_port) = (free_port(), free_port());
    let toml = format!(
        r#"
[project]
name = "live"

[prometheus]
scrape_interval = "1s"
scrape_timeout = "1s"
evaluation_interval = "1s"
listen = "127.0.0.1:{prom_port}"

[[job]]
name = "api"
targets = ["127.0.0.1:{api}"]

[[job]]
name = "worker"
targets = ["127.0.0.1:{worker}"]

[[alert]]
name = "ApiCritical"
kind = "gauge"
expr = 'live_errors{{job="api"}}'
above = 1
severity = "critical"
summary = "api errors at {{value}}"

[[alert]]
name = "ApiWarning"
kind = "gauge"
expr = 'live_errors{{job="api"}}'
above = 0
for = "3s"
severity = "warning"
summary = "api errors at {{value}}"

[[alert]]
name = "WorkerWarning"
kind = "gauge"
expr = 'live_queue{{job="worker"}}'
above = 10
for = "3s"
severity = "warning"
summary = "queue at {{value}}"

[alertmanager]
listen = "127.0.0.1:{am_port}"

[[receiver]]
name = "team"
[[receiver.webhook]]
url = "http://127.0.0.1:{team}/"

[[receiver]]
name = "on-call"
[[receiver.webhook]]
url = "http://127.0.0.1:{oncall}/"

[[receiver]]
name = "dev"
[[receiver.webhook]]
url = "http://127.0.0.1:{dev}/"

[route]
receiver = "team"
group_by = ["alertname", "job"]
group_wait = "1s"
group_interval = "1s"
repeat_interval = "1h"

[[route.routes]]
matchers = ['severity="critical"']
receiver = "on-call"

[[route.routes]]
matchers = ['severity="warning"']
receiver = "dev"

[[inhibit]]
source = ['severity="critical"']
target = ['severity="warning"']
equal = ["job"]
"#,
        api = api.port,
        worker = worker.port,
        oncall = oncall.port,
        dev = dev.port,
        team = team.port,
    );
    let out = tmp.path().join("out");
    render(&toml, &out);
    let d = tmp.path();
    let _am = alertmanager_on(alertmanager, &out, d, am_port, &[]);
    let _prom = prometheus(&out, d, prom_port);
    let started = Instant::now();
    let arrived = wait_until(Duration::from_secs(45), || {
        oncall_got
            .lock()
            .unwrap()
            .contains(&"ApiCritical".to_string())
            && dev_got
                .lock()
                .unwrap()
                .contains(&"WorkerWarning".to_string())
    });
    let logs = || {
        format!(
            "prometheus.log:\n{}\nalertmanager.log:\n{}",
            std::fs::read_to_string(d.join("prometheus.log")).unwrap_or_default(),
            std::fs::read_to_string(d.join("alertmanager.log")).unwrap_or_default()
        )
    };
    assert!(
        arrived,
        "alerts did not arrive within 45 s: on-call {:?}, dev {:?}, team {:?}\n{}",
        oncall_got.lock().unwrap(),
        dev_got.lock().unwrap(),
        team_got.lock().unwrap(),
        logs()
    );
    // Give an un-inhibited ApiWarning every chance to show up before judging.
    thread::sleep(Duration::from_secs(4));
    let (oc, dv, tm) = (
        oncall_got.lock().unwrap().clone(),
        dev_got.lock().unwrap().clone(),
        team_got.lock().unwrap().clone(),
    );
    eprintln!(
        "live alerts after {:?}: on-call {oc:?}, dev {dv:?}, team {tm:?}",
        started.elapsed()
    );
    assert!(oc.iter().all(|a| a == "ApiCritical"), "on-call got {oc:?}");
    assert!(
        !dv.contains(&"ApiWarning".to_string()),
        "the inhibited warning reached dev: {dv:?}"
    );
    assert!(dv.iter().all(|a| a == "WorkerWarning"), "dev got {dv:?}");
    assert!(tm.is_empty(), "the default receiver got {tm:?}");
}

#[test]
fn nginx_spreads_3_2_1_and_reuses_upstream_connections() {
    if !require_tool("nginx") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = TempDir::new("live-nginx");
    let d = tmp.path();
    let backends: Vec<Stub> = (0..3)
        .map(|i| stub(move |_, _| format!("backend {i}\n")))
        .collect();
    let (port, status) = (free_port(), free_port());
    let toml = format!(
        r#"
[project]
name = "live"

[[job]]
name = "api"
targets = ["127.0.0.1:{b0}"]

[proxy]
nginx_version = "1.22.1"
balance = "least_conn"
keepalive = 32
listen_http = {port}
server_names = ["localhost"]
pid_file = "{dir}/nginx.pid"
access_log = "{dir}/access.log"
error_log = "{dir}/error.log"

[self_monitoring]
nginx_status = "127.0.0.1:{status}"

[[proxy.backend]]
address = "127.0.0.1:{b0}"
weight = 3

[[proxy.backend]]
address = "127.0.0.1:{b1}"
weight = 2

[[proxy.backend]]
address = "127.0.0.1:{b2}"
weight = 1
"#,
        b0 = backends[0].port,
        b1 = backends[1].port,
        b2 = backends[2].port,
        dir = d.display(),
    );
    let out = d.join("out");
    render(&toml, &out);
    let conf = out.join("nginx/nginx.conf");
    let _nginx = spawn(
        "nginx",
        Command::new("nginx")
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(d.join("error.log"))
            .arg("-g")
            .arg("daemon off;"),
        &d.join("nginx.out"),
    );
    assert!(
        wait_until(Duration::from_secs(10), || TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok()),
        "nginx did not listen: {}",
        std::fs::read_to_string(d.join("error.log")).unwrap_or_default()
    );
    let mut by_backend: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..60 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        let body = resp
            .rsplit("\r\n\r\n")
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        *by_backend.entry(body).or_default() += 1;
    }
    let counts: Vec<usize> = backends
        .iter()
        .map(|b| b.requests.load(Ordering::SeqCst))
        .collect();
    let conns: Vec<usize> = backends
        .iter()
        .map(|b| b.connections.load(Ordering::SeqCst))
        .collect();
    eprintln!(
        "nginx: 60 requests split {counts:?} over weights 3/2/1, upstream connections {conns:?}"
    );
    for (got, want) in counts.iter().zip([30usize, 20, 10]) {
        assert!(
            got.abs_diff(want) <= 3,
            "requests {counts:?}, expected about 30/20/10"
        );
    }
    let total: usize = conns.iter().sum();
    assert!(
        total <= 6,
        "upstream connections are not reused: {conns:?} for 60 requests"
    );
    let health = {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp
    };
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // The counters the nginx exporter reads (self-monitoring), on their own loopback port.
    let counters = http_get(status, "/stub_status").unwrap_or_default();
    assert!(
        counters.starts_with("Active connections:")
            && counters.contains("accepts handled requests"),
        "stub_status: {counters:?}"
    );
}

/// The body of `GET path` on a loopback port, if the server answers 200.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    let status = head.lines().next()?;
    status.contains(" 200 ").then(|| body.to_string())
}

/// A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with
/// `openssl` in `d`: `ca.pem`, `server.pem`/`server.key`, `client.pem`/`client.key`.
fn make_certificates(d: &std::path::Path) {
    let openssl = |args: &[&str]| {
        let (ok, out) = common::run(Command::new("openssl").args(args).current_dir(d));
        assert!(ok, "openssl {args:?}: {out}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &[
                "req",
                "-x509",
                "-days",
                "1",
                "-subj",
                "/CN=ccmon test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ][..],
            &ec,
        ]
        .concat(),
    );
    for (name, ext) in [
        (
            "server",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ] {
        std::fs::write(d.join(format!("{name}.ext")), ext).unwrap();
        let (key, csr, pem, extfile) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.ext"),
        );
        let subj = format!("/CN=ccmon test {name}");
        openssl(
            &[
                &["req", "-subj", &subj, "-keyout", &key, "-out", &csr][..],
                &ec,
            ]
            .concat(),
        );
        openssl(&[
            "x509",
            "-req",
            "-days",
            "1",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-extfile",
            &extfile,
            "-out",
            &pem,
        ]);
    }
}

/// Prometheus on ccmon's output finds two stub exporters through the `file_sd` file ccmon
/// writes (with the group's and the job's labels), drops a metric by `drop_metrics`, and
/// scrapes nginx over TLS with a client certificate from a throwaway CA (nginx refuses
/// scrapes without one); the series are what `/api/v1/series` shows.
#[test]
fn prometheus_discovers_drops_and_scrapes_over_tls() {
    if !require_tool("prometheus") || !require_tool("nginx") || !require_tool("openssl") {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = TempDir::new("live-scrape");
    let d = tmp.path();
    make_certificates(d);
    let exporters: Vec<Stub> = (0..2)
        .map(|i| {
            stub(move |_, _| {
                format!("# TYPE live_kept gauge\nlive_kept {i}\n# TYPE live_dropped gauge\nlive_dropped 1\n")
            })
        })
        .collect();
    let (prom_port, tls_port) = (free_port(), free_port());
    let nginx_conf = d.join("tls-nginx.conf");
    std::fs::write(
        &nginx_conf,
        format!(
            "pid {d}/tls-nginx.pid;\nevents {{}}\nhttp {{\n  access_log off;\n  server {{\n    listen 127.0.0.1:{tls_port} ssl;\n    ssl_certificate {d}/server.pem;\n    ssl_certificate_key {d}/server.key;\n    ssl_client_certificate {d}/ca.pem;\n    ssl_verify_client on;\n    location = /metrics {{\n      default_type \"text/plain; version=0.0.4\";\n      return 200 \"live_tls 1\\n\";\n    }}\n  }}\n}}\n",
            d = d.display()
        ),
    )
    .unwrap();
    let _nginx = spawn(
        "nginx",
        Command::new("nginx")
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(&nginx_conf)
            .arg("-e")
            .arg(d.join("tls-error.log"))
            .arg("-g")
            .arg("daemon off;"),
        &d.join("tls-nginx.out"),
    );
    let toml = format!(
        r#"
[project]
name = "live"

[prometheus]
scrape_interval = "1s"
scrape_timeout = "1s"
evaluation_interval = "1s"
listen = "127.0.0.1:{prom_port}"

[[job]]
name = "discovered"
labels = {{ team = "infra" }}
drop_metrics = ["live_dropped"]

[[job.file_sd]]
targets = ["127.0.0.1:{a}", "127.0.0.1:{b}"]
labels = {{ rack = "a" }}
refresh = "1s"

[[job]]
name = "tls"
targets = ["127.0.0.1:{tls_port}"]
scheme = "https"

[job.tls]
ca_file = "{d}/ca.pem"
cert_file = "{d}/client.pem"
key_file = "{d}/client.key"
"#,
        a = exporters[0].port,
        b = exporters[1].port,
        d = d.display(),
    );
    let out = d.join("out");
    render(&toml, &out);
    let _prom = prometheus(&out, d, prom_port);
    // `{job=~"discovered|tls"}`, URL-encoded.
    let series = "/api/v1/series?match%5B%5D=%7Bjob%3D~%22discovered%7Ctls%22%7D";
    let mut last = String::new();
    let want = |body: &str| -> bool {
        let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let names: Vec<String> = v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                format!(
                    "{} {} {} {} {}",
                    s["__name__"].as_str().unwrap_or(""),
                    s["job"].as_str().unwrap_or(""),
                    s["instance"].as_str().unwrap_or(""),
                    s["rack"].as_str().unwrap_or("-"),
                    s["team"].as_str().unwrap_or("-"),
                )
            })
            .collect();
        let kept = |p: u16| names.contains(&format!("live_kept discovered 127.0.0.1:{p} a infra"));
        kept(exporters[0].port)
            && kept(exporters[1].port)
            && names.contains(&format!("live_tls tls 127.0.0.1:{tls_port} - -"))
    };
    let ok = wait_until(Duration::from_secs(45), || {
        last = http_get(prom_port, series).unwrap_or_default();
        want(&last)
    });
    let logs = || {
        format!(
            "prometheus.log:\n{}\nnginx:\n{}",
            std::fs::read_to_string(d.join("prometheus.log")).unwrap_or_default(),
            std::fs::read_to_string(d.join("tls-error.log")).unwrap_or_default()
        )
    };
    assert!(ok, "series not as expected within 45 s: {last}\n{}", logs());
    assert!(
        !last.contains("live_dropped"),
        "a dropped metric was stored: {last}"
    );
    // The TLS target refuses a scrape without the client certificate: the check is real.
    let mut s = TcpStream::connect(("127.0.0.1", tls_port)).unwrap();
    s.write_all(b"GET /metrics HTTP/1.0\r\n\r\n").unwrap();
    let mut plain = String::new();
    let _ = s.read_to_string(&mut plain);
    assert!(
        plain.contains("400"),
        "nginx answered a plain request: {plain}"
    );
    eprintln!(
        "live scrape: 2 discovered targets with their labels, live_dropped dropped, TLS target up"
    );
}

/// The flag `name` of the `ExecStart=` of a rendered unit (`--web.external-url`): the servers
/// run as their units say.
fn unit_flag(unit: &std::path::Path, name: &str) -> String {
    let text = std::fs::read_to_string(unit).unwrap();
    let at = text
        .find(&format!("{name}="))
        .unwrap_or_else(|| panic!("no {name} in {}:\n{text}", unit.display()));
    text[at + name.len() + 1..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Prometheus and Alertmanager with external URLs that have a path serve every route under
/// it: Prometheus scrapes itself and Alertmanager at `<path>/metrics`, sends alerts under
/// Alertmanager's path, and the alert that says Alertmanager was scraped reaches the webhook.
#[test]
fn servers_under_an_external_path_scrape_each_other_and_deliver_alerts() {
    let alertmanager = ["prometheus-alertmanager", "alertmanager"]
        .into_iter()
        .find(|t| ccmon::tools::on_path(t));
    if !require_tool("prometheus")
        || alertmanager.is_none() && !require_tool("prometheus-alertmanager")
    {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let alertmanager = alertmanager.unwrap();
    let tmp = TempDir::new("live-paths");
    let d = tmp.path();
    let (hook, got) = webhook();
    let (prom_port, am_port) = (free_port(), free_port());
    let toml = format!(
        r#"
[project]
name = "paths"

[prometheus]
scrape_interval = "1s"
scrape_timeout = "1s"
evaluation_interval = "1s"
listen = "127.0.0.1:{prom_port}"
external_url = "http://127.0.0.1:{prom_port}/prom/"

[alertmanager]
listen = "127.0.0.1:{am_port}"
external_url = "http://127.0.0.1:{am_port}/am/"

[self_monitoring]
node = false
deadman = false

[maintenance]
enabled = false

[[alert]]
name = "AlertmanagerScraped"
kind = "state"
expr = 'up{{job="alertmanager"}}'
equals = 1
severity = "critical"
summary = "Prometheus scraped Alertmanager"

[[receiver]]
name = "hook"
[[receiver.webhook]]
url = "http://127.0.0.1:{hook}/"

[route]
receiver = "hook"
group_wait = "1s"
group_interval = "1s"
repeat_interval = "1h"
"#,
        hook = hook.port,
    );
    let out = d.join("out");
    render(&toml, &out);
    let url = |unit: &str| {
        let flag = "--web.external-url";
        format!(
            "{flag}={}",
            unit_flag(&out.join("systemd").join(unit), flag)
        )
    };
    let _am = alertmanager_on(
        alertmanager,
        &out,
        d,
        am_port,
        &[url("alertmanager.service")],
    );
    let _prom = prometheus_with(&out, d, prom_port, &[url("prometheus.service")]);
    let up = |targets: &str, job: &str| {
        let v: serde_json::Value = serde_json::from_str(targets).unwrap_or_default();
        v["data"]["activeTargets"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["labels"]["job"] == job && t["health"] == "up")
    };
    let mut targets = String::new();
    let arrived = wait_until(Duration::from_secs(45), || {
        targets = http_get(prom_port, "/prom/api/v1/targets").unwrap_or_default();
        got.lock()
            .unwrap()
            .contains(&"AlertmanagerScraped".to_string())
    });
    assert!(
        arrived && up(&targets, "prometheus") && up(&targets, "alertmanager"),
        "no alert within 45 s (webhook got {:?}); targets: {targets}\nprometheus.log:\n{}",
        got.lock().unwrap(),
        std::fs::read_to_string(d.join("prometheus.log")).unwrap_or_default()
    );
    eprintln!("live paths: /prom/metrics and /am/metrics scraped, the alert sent under /am/");
}
