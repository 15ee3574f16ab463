//! nginx on loopback for the live tests: the `[proxy]` of a test configuration, a backend
//! that answers with a fixed body, nginx started from a server root's `nginx.conf`, and what
//! it answers.

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::net::{Proc, read_request, spawn};

/// The `[proxy]` of a test configuration: nginx on `port` in front of one backend, its pid
/// file and logs in `dir`; `tls` adds `listen_https` and `[proxy.tls]` with its certificate
/// folder.
pub fn proxy(dir: &Path, port: u16, backend: u16, tls: Option<(u16, &str)>) -> String {
    let dir = dir.display();
    let mut s = format!(
        r#"
[proxy]
nginx_version = "1.22.1"
listen_http = {port}
server_names = ["localhost"]
pid_file = "{dir}/nginx.pid"
access_log = "{dir}/access.log"
error_log = "{dir}/error.log"

[[proxy.backend]]
address = "127.0.0.1:{backend}"
"#
    );
    if let Some((https, certs)) = tls {
        s = s.replace(
            "server_names",
            &format!("listen_https = {https}\nserver_names"),
        );
        s.push_str(&format!(
            "\n[proxy.tls]\ncertificate = \"{certs}/shop.crt\"\ncertificate_key = \"{certs}/shop.key\"\n"
        ));
    }
    s
}

/// A backend on loopback that answers every request with `body`; its port.
pub fn backend(body: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut s = s;
                while read_request(&mut reader).is_some() {
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if s.write_all(resp.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// nginx in the foreground from `conf` (a server root's `nginx.conf`, as its unit would start
/// it), with `dir` as its prefix and for its logs.
pub fn nginx_of_root(conf: &Path, dir: &Path) -> Proc {
    spawn(
        "nginx",
        Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(conf)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-g")
            .arg("daemon off;"),
        &dir.join("nginx.out"),
    )
}

/// What nginx on `port` answers to `GET /` (empty when it does not answer).
pub fn through_nginx(port: u16) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.rsplit("\r\n\r\n").next().unwrap_or("").to_string()
}
