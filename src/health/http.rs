//! A small HTTP/1.1 client for `ccmon health`: GET over plain HTTP, with timeouts, chunked
//! bodies read. The stack's APIs are asked on loopback or through a tunnel; TLS is refused
//! with a clear message rather than half supported.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Where a server's API is: host, port and the path prefix (`--web.route-prefix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub prefix: String,
}

impl Endpoint {
    /// `http://host:port[/prefix]`.
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let Some(rest) = url.strip_prefix("http://") else {
            return Err(if url.starts_with("https://") {
                format!(
                    "`{url}`: ccmon health speaks plain HTTP; ask the server on loopback or through an SSH tunnel"
                )
            } else {
                format!("`{url}` is not an http:// URL")
            });
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("`{url}`: the port is not a number from 1 to 65535"))?,
            ),
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("`{url}` has no host"));
        }
        Ok(Endpoint {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            prefix: path.trim_end_matches('/').to_string(),
        })
    }

    pub fn url(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("http://{host}:{}{}", self.port, self.prefix)
    }

    /// GETs `path` (with its query, already encoded): the status and the body.
    pub fn get(&self, path: &str, timeout: Duration) -> Result<(u16, String), String> {
        self.request("GET", path, timeout)
    }

    /// POSTs to `path` with an empty body.
    pub fn post(&self, path: &str, timeout: Duration) -> Result<(u16, String), String> {
        self.request("POST", path, timeout)
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        timeout: Duration,
    ) -> Result<(u16, String), String> {
        let addrs: Vec<_> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("{}: {e}", self.url()))?
            .collect();
        let mut last = format!("{}: no address", self.url());
        for a in addrs {
            match TcpStream::connect_timeout(&a, timeout) {
                Ok(s) => return self.exchange(s, method, path, timeout),
                Err(e) => last = format!("{}: {e}", self.url()),
            }
        }
        Err(last)
    }

    fn exchange(
        &self,
        mut s: TcpStream,
        method: &str,
        path: &str,
        timeout: Duration,
    ) -> Result<(u16, String), String> {
        let fail = |e: std::io::Error| format!("{}{path}: {e}", self.url());
        s.set_read_timeout(Some(timeout)).map_err(fail)?;
        s.set_write_timeout(Some(timeout)).map_err(fail)?;
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            s,
            "{method} {}{path} HTTP/1.1\r\nHost: {host}:{}\r\nAccept: application/json\r\nUser-Agent: ccmon\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.prefix, self.port
        )
        .map_err(fail)?;
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).map_err(fail)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| {
                format!(
                    "{}{path}: not an HTTP answer: {:?}",
                    self.url(),
                    line.trim()
                )
            })?;
        let (mut chunked, mut length) = (false, None);
        loop {
            line.clear();
            r.read_line(&mut line).map_err(fail)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                } else if k == "content-length" {
                    length = v.parse::<usize>().ok();
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line).map_err(fail)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| format!("{}{path}: a malformed chunk", self.url()))?;
                if size == 0 {
                    break;
                }
                let mut chunk = vec![0; size];
                r.read_exact(&mut chunk).map_err(fail)?;
                body.extend(chunk);
                line.clear();
                r.read_line(&mut line).map_err(fail)?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            r.read_exact(&mut body).map_err(fail)?;
        } else {
            r.read_to_end(&mut body).map_err(fail)?;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// `s` percent-encoded for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_read_from_urls() {
        let e = Endpoint::parse("http://127.0.0.1:9090/prom/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.prefix.as_str()),
            ("127.0.0.1", 9090, "/prom")
        );
        assert_eq!(e.url(), "http://127.0.0.1:9090/prom");
        let e = Endpoint::parse("http://[::1]:9093").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("::1", 9093));
        assert_eq!(Endpoint::parse("http://localhost").unwrap().port, 80);
        assert!(
            Endpoint::parse("https://x:1")
                .unwrap_err()
                .contains("plain HTTP")
        );
        assert!(Endpoint::parse("http://x:99999").is_err());
        assert_eq!(encode("up == 0"), "up%20%3D%3D%200");
    }

    #[test]
    fn a_chunked_answer_is_joined() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            // The whole request is read first: answering with some of it unread would make
            // the close a reset, and the client could lose the answer.
            let mut got = Vec::new();
            let mut buf = [0u8; 1024];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                .unwrap();
        });
        let e = Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        let (status, body) = e.get("/x", Duration::from_secs(5)).unwrap();
        server.join().unwrap();
        assert_eq!((status, body.as_str()), (200, "abcde"));
    }
}
