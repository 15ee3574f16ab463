//! Loopback helpers for the live tests: child processes killed on drop, free ports, a
//! minimal HTTP/1.1 request reader for stub servers, polling.

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Kills the process when dropped, whatever the test's outcome.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a server with its output in `log`; killed when the result is dropped.
pub fn spawn(name: &str, cmd: &mut Command, log: &Path) -> Proc {
    let out = std::fs::File::create(log).unwrap();
    let err = out.try_clone().unwrap();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    Proc(child)
}

/// Prometheus on the rendered `prometheus.yml` in `out`, its data and log in `d`.
pub fn prometheus(out: &Path, d: &Path, port: u16) -> Proc {
    prometheus_with(out, d, port, &[])
}

/// [`prometheus`] with more flags (`--web.external-url=...`).
pub fn prometheus_with(out: &Path, d: &Path, port: u16, extra: &[String]) -> Proc {
    spawn(
        "prometheus",
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                out.join("prometheus/prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                d.join("prom-data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .args(extra),
        &d.join("prometheus.log"),
    )
}

/// Prometheus (with `--web.enable-lifecycle`, for `/-/reload`) and Alertmanager on the files
/// a server root holds in `etc`, their data and logs in `d`, on loopback at `prom` and `am`.
pub fn servers_of_root(etc: &Path, d: &Path, (prom, am): (u16, u16)) -> [Proc; 2] {
    let at = |dir: &str| d.join(dir).display().to_string();
    [
        spawn(
            "prometheus",
            Command::new("prometheus")
                .arg(format!(
                    "--config.file={}",
                    etc.join("prometheus.yml").display()
                ))
                .arg(format!("--storage.tsdb.path={}", at("prom-data")))
                .arg(format!("--web.listen-address=127.0.0.1:{prom}"))
                .arg("--web.enable-lifecycle"),
            &d.join("prometheus.log"),
        ),
        spawn(
            "alertmanager",
            Command::new("prometheus-alertmanager")
                .arg(format!(
                    "--config.file={}",
                    etc.join("alertmanager.yml").display()
                ))
                .arg(format!("--storage.path={}", at("am-data")))
                .arg(format!("--web.listen-address=127.0.0.1:{am}"))
                .arg("--cluster.listen-address="),
            &d.join("alertmanager.log"),
        ),
    ]
}

/// Whether a server on loopback answers `/-/ready` with 200.
pub fn ready(port: u16) -> bool {
    ccmon::health::http::Endpoint::parse(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .get("/-/ready", Duration::from_secs(2))
        .is_ok_and(|(status, _)| status == 200)
}

/// The body of `GET path` from a server on loopback; empty when it does not answer.
pub fn get(port: u16, path: &str) -> String {
    ccmon::health::http::Endpoint::parse(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .get(path, Duration::from_secs(5))
        .map(|(_, b)| b)
        .unwrap_or_default()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `ok` every 100 ms until it holds or `limit` has passed; its last answer.
pub fn wait_until(limit: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    ok()
}

/// One HTTP request read from a stream: (request line, body, whether the client asked to keep
/// the connection open). HTTP/1.1 keeps it unless `Connection: close`; HTTP/1.0 closes it
/// unless `Connection: keep-alive`, as real servers do. `None` at end of stream.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>, bool)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut length = 0usize;
    let mut keep_alive = line.trim_end().ends_with("HTTP/1.1");
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            } else if k.eq_ignore_ascii_case("connection") {
                keep_alive = v.trim().eq_ignore_ascii_case("keep-alive");
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((line.trim_end().to_string(), body, keep_alive))
}
