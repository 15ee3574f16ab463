//! Addresses as the servers read them: `host:port` split, a listen address turned into one
//! to connect to, a server's URL. Used by `check` and by the outputs that point at servers.

/// Host and port of `host:port` (`[v6]:port` too), or `None` when malformed: the host is a
/// host name or IPv4 address, or an IPv6 address in brackets.
pub fn split_address(v: &str) -> Option<(&str, u16)> {
    let (host, port) = v.rsplit_once(':')?;
    let host = match host.strip_prefix('[') {
        Some(h) => h
            .strip_suffix(']')
            .filter(|h| h.parse::<std::net::Ipv6Addr>().is_ok())?,
        None if host.contains(':') => return None,
        None => host,
    };
    if !crate::escape::host_name(host) {
        return None;
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return None;
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Some((host, p)),
        _ => None,
    }
}

/// A listen address as a target to connect to: a wildcard host becomes `localhost`.
pub fn reachable(listen: &str) -> String {
    match split_address(listen) {
        Some(("0.0.0.0" | "::" | "*", port)) => format!("localhost:{port}"),
        Some(_) => listen.to_string(),
        None => match listen.strip_prefix(':') {
            Some(port) => format!("localhost:{port}"),
            None => listen.to_string(),
        },
    }
}

/// The URL of a server that listens on `listen`, under the path of its external URL (its
/// routes' prefix): where `ccmon health` and the maintenance timers ask it.
pub fn server_url(listen: &str, external: Option<&str>) -> String {
    format!("http://{}{}", reachable(listen), route_prefix(external))
}

/// The prefix of a Prometheus' or Alertmanager's routes: the path of its external URL (their
/// `--web.route-prefix` defaults to it), without its trailing `/`; empty at the root. Whoever
/// reaches the server at its listen address puts this before `/metrics`, `/api/...`.
pub fn route_prefix(external: Option<&str>) -> String {
    let path = external
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or_default();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_routes_are_under_its_external_urls_path() {
        assert_eq!(route_prefix(None), "");
        assert_eq!(route_prefix(Some("https://mon.example.com")), "");
        assert_eq!(route_prefix(Some("https://mon.example.com/")), "");
        assert_eq!(
            route_prefix(Some("https://mon.example.com/prometheus/")),
            "/prometheus"
        );
        assert_eq!(
            route_prefix(Some("https://m.example.com:8443/a/b?x=1")),
            "/a/b"
        );
        assert_eq!(
            server_url("0.0.0.0:9090", Some("https://mon.example.com/prometheus/")),
            "http://localhost:9090/prometheus"
        );
        assert_eq!(server_url("127.0.0.1:9093", None), "http://127.0.0.1:9093");
    }
}
