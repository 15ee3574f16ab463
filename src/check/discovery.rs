//! A job's service discovery: `[[job.file_sd]]` (files Prometheus watches, or targets ccmon
//! writes into one), `[[job.dns_sd]]` and `[[job.consul_sd]]`, judged as Prometheus judges
//! them when it loads its configuration.

use super::Cx;
use crate::codes;
use crate::load::{RawConsulSd, RawDnsSd, RawEc2Sd, RawFileSd, RawJob, RawKubernetesSd, S};
use crate::model::{Discovery, TargetGroup};
use crate::quantity::Duration;

/// The discoveries of a job, and the target groups ccmon writes for it.
pub fn job_discovery(cx: &mut Cx, j: &RawJob, job: &str) -> (Vec<Discovery>, Vec<TargetGroup>) {
    let mut out = Vec::new();
    let mut groups = Vec::new();
    let mut written: Option<Option<Duration>> = None;
    // A job that relabels `__address__` (the blackbox exporter's) scrapes another address
    // than its targets, which may then be anything, such as URLs to probe.
    let readdressed = j.relabel.iter().any(|r| {
        r.get_ref()
            .target_label
            .as_ref()
            .is_some_and(|t| t.get_ref() == "__address__")
    });
    for f in &j.file_sd {
        let refresh = refresh(cx, f.get_ref().refresh.as_ref());
        match file_sd(cx, f, job) {
            Some(files) => out.push(Discovery::File { files, refresh }),
            None => {
                let f = f.get_ref();
                groups.push(TargetGroup {
                    targets: f
                        .targets
                        .iter()
                        .map(|t| target(cx, t, readdressed))
                        .collect(),
                    labels: cx.labels(&f.labels),
                });
                written.get_or_insert(refresh);
            }
        }
    }
    if let Some(refresh) = written {
        let plain = job
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !plain || job.starts_with('.') {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("job `{job}` cannot name the file of its targets"),
                j.name.span(),
                "ccmon writes `prometheus/targets/<job>.yml`: use letters, digits, `_`, `.` and `-`",
            );
        }
        out.push(Discovery::File {
            files: vec![crate::model::targets_file(job)],
            refresh,
        });
    }
    out.extend(j.dns_sd.iter().map(|d| dns_sd(cx, d.get_ref(), job)));
    out.extend(j.consul_sd.iter().map(|c| consul_sd(cx, c.get_ref())));
    out.extend(j.ec2_sd.iter().map(|e| ec2_sd(cx, e, job)));
    out.extend(j.kubernetes_sd.iter().map(|k| kubernetes_sd(cx, k, job)));
    (out, groups)
}

/// A target ccmon writes: `host:port`, or, when the job relabels `__address__`, any text
/// without blanks.
fn target(cx: &mut Cx, t: &S<String>, readdressed: bool) -> String {
    if !readdressed {
        return super::base::address(cx, t);
    }
    let v = t.get_ref();
    if v.is_empty() || v.contains(char::is_whitespace) {
        cx.error(
            codes::EMPTY_VALUE,
            format!("target `{v}` is empty or has blanks"),
            t.span(),
            "expected the value `__address__` starts with, such as a URL to probe",
        );
    }
    v.clone()
}

fn refresh(cx: &mut Cx, r: Option<&S<String>>) -> Option<Duration> {
    r.map(|r| cx.positive_duration(Some(r), Duration::from_secs(30)))
}

/// The files of a `file_sd` that names them, or `None` when ccmon writes its targets.
fn file_sd(cx: &mut Cx, f: &S<crate::load::RawFileSd>, job: &str) -> Option<Vec<String>> {
    let RawFileSd {
        files,
        targets,
        labels,
        ..
    } = f.get_ref();
    match (files.is_empty(), targets.is_empty()) {
        (true, true) => cx.error(
            codes::EMPTY_VALUE,
            format!("job `{job}`: `file_sd` with neither `files` nor `targets`"),
            f.span(),
            "list the files Prometheus watches, or the targets ccmon writes into one",
        ),
        (false, false) => cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("job `{job}`: `file_sd` takes `files` or `targets`, not both"),
            targets[0].span(),
            "targets ccmon writes here, files written elsewhere above",
        ),
        _ => {}
    }
    if files.is_empty() {
        return None;
    }
    if let Some((_, l)) = labels.iter().next() {
        cx.error(
            codes::KEY_NOT_FOR_KIND,
            format!("job `{job}`: `labels` go with the `targets` ccmon writes"),
            l.span(),
            "the files written elsewhere carry their own labels",
        );
    }
    for p in files {
        let v = p.get_ref();
        let (dir, name) = v.rsplit_once('/').unwrap_or(("", v));
        let ext_ok = [".json", ".yml", ".yaml"].iter().any(|e| name.ends_with(e));
        if !v.starts_with('/') || dir.contains(['*', '?', '[']) || !ext_ok {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("`{v}` is not a file Prometheus can watch"),
                p.span(),
                "expected an absolute path ending in `.json`, `.yml` or `.yaml`, with a glob in its last part only",
            );
        }
    }
    Some(files.iter().map(|f| f.get_ref().clone()).collect())
}

fn dns_sd(cx: &mut Cx, d: &RawDnsSd, job: &str) -> Discovery {
    let record = d
        .record
        .as_ref()
        .map_or_else(|| "SRV".to_string(), |r| r.get_ref().clone());
    if let Some(r) = &d.record {
        match record.as_str() {
            "SRV" | "A" | "AAAA" => {}
            "MX" => cx.needs_version(r.span(), "type = \"MX\"", (2, 38)),
            _ => cx.error(
                codes::UNKNOWN_CHOICE,
                format!("job `{job}`: unknown DNS record type `{record}`"),
                r.span(),
                "expected `SRV`, `A`, `AAAA` or `MX`",
            ),
        }
    }
    if d.names.get_ref().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            format!("job `{job}`: `dns_sd` without `names`"),
            d.names.span(),
            "expected the names to look up",
        );
    }
    for n in d.names.get_ref() {
        if !crate::escape::host_name(n.get_ref().trim_end_matches('.')) {
            cx.error(
                codes::BAD_ADDRESS,
                format!("`{}` is not a DNS name", n.get_ref()),
                n.span(),
                "expected a name such as `_node._tcp.example.com`",
            );
        }
    }
    let port = d
        .port
        .as_ref()
        .and_then(|p| super::base::port_number(cx, p));
    match (&d.port, record.as_str()) {
        (Some(p), "SRV") => cx.error(
            codes::KEY_NOT_FOR_KIND,
            format!("job `{job}`: an SRV record carries its own port"),
            p.span(),
            "Prometheus refuses a port with `SRV`",
        ),
        (None, "A" | "AAAA" | "MX") => cx.error(
            codes::INCOMPLETE_KEYS,
            format!("job `{job}`: `{record}` records need a `port`"),
            d.record.as_ref().map_or(0..0, S::span),
            "the port to scrape on each address",
        ),
        _ => {}
    }
    Discovery::Dns {
        names: d
            .names
            .get_ref()
            .iter()
            .map(|n| n.get_ref().clone())
            .collect(),
        record,
        port,
        refresh: refresh(cx, d.refresh.as_ref()),
    }
}

fn consul_sd(cx: &mut Cx, c: &RawConsulSd) -> Discovery {
    cx.no_plaintext(c.token.as_ref(), "token", "token_file");
    if let Some(s) = &c.server {
        super::base::address(cx, s);
    }
    if let Some(s) = &c.scheme
        && !matches!(s.get_ref().as_str(), "http" | "https")
    {
        cx.error(
            codes::UNKNOWN_CHOICE,
            format!("scheme `{}` is neither `http` nor `https`", s.get_ref()),
            s.span(),
            "expected `http` or `https`",
        );
    }
    if let Some(f) = &c.token_file {
        super::base::absolute_file(cx, f, "token_file");
    }
    let text = |v: &Option<S<String>>| v.as_ref().map(|v| v.get_ref().clone());
    let list = |v: &[S<String>]| v.iter().map(|v| v.get_ref().clone()).collect();
    Discovery::Consul {
        server: text(&c.server),
        scheme: text(&c.scheme),
        datacenter: text(&c.datacenter),
        services: list(&c.services),
        tags: list(&c.tags),
        token_file: text(&c.token_file),
        refresh: refresh(cx, c.refresh.as_ref()),
    }
}

fn ec2_sd(cx: &mut Cx, raw: &S<RawEc2Sd>, job: &str) -> Discovery {
    let e = raw.get_ref();
    // Without a region, Prometheus asks the instance's metadata, and refuses the whole
    // configuration on a machine that is not in EC2 (promtool in CI, for one).
    if e.region
        .as_ref()
        .is_none_or(|r| r.get_ref().trim().is_empty())
    {
        cx.error(
            codes::MISSING_KEY,
            format!("job `{job}`: `ec2_sd` needs a `region`"),
            e.region.as_ref().map_or(raw.span(), S::span),
            "Prometheus refuses it without one wherever EC2's metadata cannot be reached",
        );
    }
    cx.no_plaintext_help(
        e.secret_key.as_ref(),
        "secret_key",
        "leave credentials to the instance profile, or name a `profile` of the server's shared credentials file, or a `role_arn`",
    );
    let port = e
        .port
        .as_ref()
        .and_then(|p| super::base::port_number(cx, p));
    let text = |v: &Option<S<String>>| v.as_ref().map(|v| v.get_ref().clone());
    let filters = e
        .filters
        .iter()
        .map(|f| {
            let f = f.get_ref();
            if f.values.is_empty() {
                cx.error(
                    codes::EMPTY_VALUE,
                    format!("EC2 filter `{}` has no values", f.name.get_ref()),
                    f.name.span(),
                    "expected at least one value",
                );
            }
            let values = f.values.iter().map(|v| v.get_ref().clone()).collect();
            (f.name.get_ref().clone(), values)
        })
        .collect();
    Discovery::Ec2 {
        region: text(&e.region),
        port,
        filters,
        role_arn: text(&e.role_arn),
        profile: text(&e.profile),
        refresh: refresh(cx, e.refresh.as_ref()),
    }
}

/// The roles Prometheus' Kubernetes discovery knows.
const ROLES: &[&str] = &[
    "node",
    "service",
    "pod",
    "endpoints",
    "endpointslice",
    "ingress",
];

fn kubernetes_sd(cx: &mut Cx, k: &S<RawKubernetesSd>, job: &str) -> Discovery {
    let raw = k.get_ref();
    let role = raw.role.get_ref();
    if !ROLES.contains(&role.as_str()) {
        cx.error(
            codes::UNKNOWN_CHOICE,
            format!("job `{job}`: unknown Kubernetes role `{role}`"),
            raw.role.span(),
            "expected `node`, `service`, `pod`, `endpoints`, `endpointslice` or `ingress`",
        );
    }
    if let Some(u) = &raw.api_server {
        super::base::url(cx, u);
    }
    if let Some(f) = &raw.kubeconfig_file {
        super::base::absolute_file(cx, f, "kubeconfig_file");
        if raw.api_server.is_some() {
            cx.error(
                codes::CONFLICTING_SETTINGS,
                format!("job `{job}`: `kubeconfig_file` and `api_server` together"),
                f.span(),
                "Prometheus refuses both: the kubeconfig names its API server",
            );
        }
    }
    let text = |v: &Option<S<String>>| v.as_ref().map(|v| v.get_ref().clone());
    Discovery::Kubernetes {
        role: role.clone(),
        api_server: text(&raw.api_server),
        kubeconfig_file: text(&raw.kubeconfig_file),
        namespaces: raw.namespaces.iter().map(|n| n.get_ref().clone()).collect(),
        label_selector: text(&raw.label_selector),
        field_selector: text(&raw.field_selector),
    }
}
