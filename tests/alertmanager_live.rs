//! Time intervals, live on loopback: a real Alertmanager (0.25 on CI) runs on the
//! `alertmanager.yml` ccmon renders and delivers to a stub webhook. Two alerts are posted at the
//! same moment to two routes that differ only in their `mute_time_intervals`, both built from the
//! test's own clock: `Muted`'s interval holds yesterday, today and tomorrow (UTC), `Delivered`'s
//! holds the day two days before and the day two days after. `Delivered` must reach the webhook;
//! `Muted` must not, while Alertmanager still lists it as active and logs that its route is
//! within mute time (so it was received and muted, not lost). Alertmanager listens on
//! 127.0.0.1 only, on a free port, and is killed by the test.

mod common;

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::net::{Proc, free_port, read_request, wait_until};
use common::{TempDir, require_tool};

/// A webhook receiver on a free loopback port that records every body it is sent.
fn webhook() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let g = g.clone();
            thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                while let Some((_, body, keep_alive)) = read_request(&mut reader) {
                    g.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&body).into_owned());
                    let conn = if keep_alive { "keep-alive" } else { "close" };
                    let ok = writer
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: {conn}\r\n\r\n"
                            )
                            .as_bytes(),
                        )
                        .is_ok();
                    if !ok || !keep_alive {
                        break;
                    }
                }
            });
        }
    });
    (port, got)
}

/// The firing alert names in the webhook bodies received so far.
fn delivered(bodies: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for body in bodies {
        let v: serde_json::Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("the webhook got a body that is not JSON ({e}): {body}"));
        for a in v["alerts"].as_array().into_iter().flatten() {
            if a["status"] == "firing" {
                names.push(a["labels"]["alertname"].as_str().unwrap_or("").to_string());
            }
        }
    }
    names
}

/// One HTTP/1.1 request to 127.0.0.1:`port`: (status code, body). `None` when the server does
/// not answer.
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).ok()?;
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp.split(' ').nth(1)?.parse().ok()?;
    let (head, rest) = resp.split_once("\r\n\r\n")?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    Some((
        status,
        if chunked {
            unchunk(rest)
        } else {
            rest.to_string()
        },
    ))
}

/// The body of a `Transfer-Encoding: chunked` response.
fn unchunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// A `[[time_interval]]` holding the whole of each given UTC day.
fn interval_of_days(name: &str, days: &[jiff::civil::Date]) -> String {
    let mut t = format!("[[time_interval]]\nname = \"{name}\"\n");
    for d in days {
        t.push_str(&format!(
            "[[time_interval.period]]\nyears = [\"{}\"]\nmonths = [\"{}\"]\ndays_of_month = [\"{}\"]\n",
            d.year(),
            d.month(),
            d.day()
        ));
    }
    t
}

fn render(toml: &str, dir: &Path) {
    let src = ccmon::diag::source::Source::new("alertmanager_live.toml", toml);
    let (m, _) = common::model_of(&src);
    ccmon::emit::emit(&m).write_to(dir).unwrap();
}

#[test]
fn a_route_inside_its_mute_interval_sends_nothing_and_one_outside_delivers() {
    let alertmanager = ["prometheus-alertmanager", "alertmanager"]
        .into_iter()
        .find(|t| ccmon::tools::on_path(t));
    let Some(alertmanager) = alertmanager else {
        // Panics on CI (CI=true), skips loudly elsewhere.
        require_tool("prometheus-alertmanager");
        return;
    };
    let (version_ok, version) = common::run(Command::new(alertmanager).arg("--version"));
    assert!(version_ok, "{alertmanager} --version failed: {version}");
    eprintln!("{}", version.lines().next().unwrap_or(""));

    let tmp = TempDir::new("am-live-mute");
    let d = tmp.path();
    let (hook_port, bodies) = webhook();
    let am_port = free_port();

    // The test's clock, in UTC (the zone Alertmanager reads intervals in by default).
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap();
    let now_interval = interval_of_days("around-now", &[day(-1), day(0), day(1)]);
    let other_interval = interval_of_days("other-days", &[day(-2), day(2)]);
    let toml = format!(
        r#"
[project]
name = "amlive"

[[job]]
name = "amlive"
targets = ["127.0.0.1:9"]

[alertmanager]
version = "0.25"
listen = "127.0.0.1:{am_port}"

[[receiver]]
name = "hook"
[[receiver.webhook]]
url = "http://127.0.0.1:{hook_port}/hook"

[route]
receiver = "hook"
group_by = ["alertname"]
group_wait = "1s"
group_interval = "1s"
repeat_interval = "1h"

[[route.routes]]
matchers = ['alertname="Muted"']
receiver = "hook"
mute_time_intervals = ["around-now"]

[[route.routes]]
matchers = ['alertname="Delivered"']
receiver = "hook"
mute_time_intervals = ["other-days"]

{now_interval}
{other_interval}
"#
    );
    let out = d.join("out");
    render(&toml, &out);
    let config = out.join("alertmanager/alertmanager.yml");
    let yml = std::fs::read_to_string(&config).unwrap();
    assert!(
        yml.contains("around-now") && yml.contains("other-days"),
        "the time intervals are not in alertmanager.yml:\n{yml}"
    );

    let log_path = d.join("alertmanager.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let _am = Proc(
        Command::new(alertmanager)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", d.join("am-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{am_port}"))
            .arg("--cluster.listen-address=")
            // The mute stage says at debug level that it held a notification back.
            .arg("--log.level=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {alertmanager}: {e}")),
    );
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let report = || {
        format!(
            "webhook bodies: {:?}\nalertmanager.yml:\n{yml}\nalertmanager.log:\n{}",
            bodies.lock().unwrap(),
            log()
        )
    };

    let started = Instant::now();
    assert!(
        wait_until(Duration::from_secs(30), || http(
            am_port, "GET", "/-/ready", ""
        )
        .is_some_and(|(s, _)| s == 200)),
        "Alertmanager is not ready after 30 s\n{}",
        report()
    );

    let alerts = serde_json::json!([
        {"labels": {"alertname": "Muted", "severity": "warning"},
         "annotations": {"summary": "inside its mute interval"}},
        {"labels": {"alertname": "Delivered", "severity": "warning"},
         "annotations": {"summary": "outside its mute interval"}},
    ]);
    let posted = http(am_port, "POST", "/api/v2/alerts", &alerts.to_string());
    assert!(
        posted.as_ref().is_some_and(|(s, _)| *s == 200),
        "POST /api/v2/alerts: {posted:?}\n{}",
        report()
    );

    // Both groups flush after group_wait; wait for the delivery and for the mute stage's word.
    let arrived = wait_until(Duration::from_secs(30), || {
        delivered(&bodies.lock().unwrap()).contains(&"Delivered".to_string())
            && log().contains("within mute time")
    });
    assert!(
        arrived,
        "within 30 s, either `Delivered` did not reach the webhook or Alertmanager did not mute a \
         notification\n{}",
        report()
    );
    // Longer than group_wait + group_interval: a `Muted` notification would be out by now.
    thread::sleep(Duration::from_secs(3));
    let names = delivered(&bodies.lock().unwrap());
    eprintln!(
        "alertmanager time intervals: webhook got {names:?} after {:?}",
        started.elapsed()
    );
    assert!(
        !names.contains(&"Muted".to_string()),
        "`Muted` was delivered inside its mute interval\n{}",
        report()
    );
    assert!(
        bodies.lock().unwrap().iter().all(|b| !b.contains("Muted")),
        "a webhook body mentions `Muted`\n{}",
        report()
    );

    // Alertmanager holds both: `Muted` was received and is active, only its notification muted.
    let (status, listed) = http(am_port, "GET", "/api/v2/alerts", "")
        .unwrap_or_else(|| panic!("GET /api/v2/alerts: no answer\n{}", report()));
    assert_eq!(status, 200, "GET /api/v2/alerts: {listed}");
    let listed: serde_json::Value = serde_json::from_str(&listed)
        .unwrap_or_else(|e| panic!("GET /api/v2/alerts is not JSON ({e}): {listed}"));
    let mut active: Vec<&str> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["status"]["state"] == "active")
        .filter_map(|a| a["labels"]["alertname"].as_str())
        .collect();
    active.sort();
    assert_eq!(
        active,
        ["Delivered", "Muted"],
        "Alertmanager's active alerts: {listed}\n{}",
        report()
    );
}
