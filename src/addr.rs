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
    let path = external
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_default();
    format!("http://{}{path}", reachable(listen))
}
