//! `[[host]]`: the machines and what of the stack each runs. Each part that has files must
//! run somewhere, Prometheus and Alertmanager on exactly one host each.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, S};
use crate::model::{Host, Service, ServiceKind};

/// The parts present in this configuration: the stack's units, and Grafana with dashboards.
pub fn hosts(
    cx: &mut Cx,
    raw: &RawConfig,
    services: &[Service],
    grafana: bool,
    nginx: bool,
) -> Vec<Host> {
    if raw.hosts.is_empty() {
        return Vec::new();
    }
    cx.unique(raw.hosts.iter().map(|h| &h.get_ref().name), "host");
    let apps: Vec<String> = services
        .iter()
        .filter(|s| matches!(s.kind, ServiceKind::App { .. }))
        .map(|s| s.name.clone())
        .collect();
    let known: Vec<String> = crate::layout::ROLES
        .iter()
        .map(|r| r.to_string())
        .chain(apps.iter().cloned())
        .collect();
    let mut out = Vec::new();
    for h in &raw.hosts {
        let h = h.get_ref();
        let name = h.name.get_ref();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            || name.starts_with('.')
        {
            cx.error(
                codes::BAD_IDENTIFIER,
                format!("host name `{name}` is not a folder name"),
                h.name.span(),
                "letters, digits, `-`, `_` and `.` (not first)",
            );
        }
        let address = h.address.as_ref().map_or_else(
            || name.clone(),
            |a| {
                if !crate::escape::host_name(a.get_ref()) {
                    cx.error(
                        codes::BAD_ADDRESS,
                        format!("`{}` is not a host name or address", a.get_ref()),
                        a.span(),
                        "a DNS name or an IP address, without port",
                    );
                }
                a.get_ref().clone()
            },
        );
        let mut runs = Vec::new();
        for r in h.runs.get_ref() {
            if known.contains(r.get_ref()) {
                runs.push(r.get_ref().clone());
            } else {
                cx.unknown_ref(
                    codes::UNKNOWN_KIND,
                    "part of the stack",
                    r,
                    known.iter().cloned(),
                );
            }
        }
        out.push(Host {
            name: name.clone(),
            address,
            runs,
        });
    }
    every_part_runs_somewhere(cx, raw, &out, &needed(services, grafana, nginx));
    out
}

/// The parts that have files: each must run on a host.
fn needed(services: &[Service], grafana: bool, nginx: bool) -> Vec<String> {
    let mut v: Vec<String> = services.iter().map(crate::layout::role).collect();
    if grafana {
        v.push("grafana".into());
    }
    if nginx {
        v.push("nginx".into());
    }
    v
}

fn every_part_runs_somewhere(cx: &mut Cx, raw: &RawConfig, hosts: &[Host], needed: &[String]) {
    let first: &S<_> = &raw.hosts[0];
    for part in needed {
        let on: Vec<usize> = (0..hosts.len())
            .filter(|&i| hosts[i].runs.contains(part))
            .collect();
        if on.is_empty() {
            cx.push(
                Diagnostic::error(
                    codes::INCOMPLETE_KEYS,
                    format!("no `[[host]]` runs `{part}`, whose files ccmon renders"),
                )
                .at(first.get_ref().runs.span(), "add it to the `runs` of a host")
                .help("every part of the stack with files must run somewhere; turn the part off if it runs nowhere"),
            );
        } else if on.len() > 1 && (part == "prometheus" || part == "alertmanager") {
            let second = &raw.hosts[on[1]];
            cx.push(
                Diagnostic::error(codes::DUPLICATE_NAME, format!("`{part}` runs on two hosts"))
                    .at(second.get_ref().runs.span(), "the second")
                    .also(raw.hosts[on[0]].get_ref().runs.span(), "the first")
                    .help("ccmon writes one configuration for one server: run it on one host"),
            );
        }
    }
}
