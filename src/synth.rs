//! A synthetic `monitoring.toml` of any size, for benchmarks, performance runs and the
//! real-tool tests of a large config:
//!
//! ```text
//! cargo run --release --example synth -- --jobs 1000 --alerts 10000 > big.toml
//! ```
//!
//! It mixes every alert kind (with regex matchers such as `status=~"5.."`), dimensions,
//! receivers of every type, routes by team, inhibit rules, log inputs, dashboard panels and a
//! proxy, the way a large organisation's file would. The same arguments give the same bytes.

use std::fmt::Write as _;

const DIMENSIONS: &[&str] = &[
    "availability",
    "performance",
    "resources",
    "security",
    "cost",
];
const TEAMS: usize = 10;

/// A synthetic configuration with `jobs` jobs and `alerts` alerts (see the module docs).
pub fn generate(jobs: usize, alerts: usize) -> String {
    let jobs = jobs.max(1);
    let mut s = String::with_capacity(alerts * 420 + jobs * 160);
    let _ = writeln!(
        s,
        "#:schema ../schema/monitoring.schema.json\n# Synthetic: {jobs} jobs, {alerts} alerts.\n\n[project]\nname = \"synth\"\nenvironment = \"production\"\nexternal_labels = {{ cluster = \"synth\" }}\n\n[prometheus]\nscrape_interval = \"15s\"\nscrape_timeout = \"10s\"\nevaluation_interval = \"15s\"\n"
    );
    for j in 0..jobs {
        let _ = writeln!(
            s,
            "[[job]]\nname = \"svc-{j:05}\"\ntargets = [\"app-{j:05}.synth.example:8080\", \"app-{j:05}.synth.example:9100\"]\ninterval = \"{}s\"\nlabels = {{ host = \"app-{j:05}\", team = \"team-{}\" }}\n",
            [10, 15, 30][j % 3],
            j % TEAMS
        );
    }
    for d in DIMENSIONS {
        let _ = writeln!(
            s,
            "[[dimension]]\nname = \"{d}\"\ntitle = \"{d}\"\nobjective = \"synthetic\"\n"
        );
    }
    for i in 0..alerts {
        // Ten alerts in a row share a job: the kinds in turn, so a job has at most two
        // alerts of one kind (alerts that read the same series cannot share test groups).
        let job = format!("svc-{:05}", (i / 10) % jobs);
        let dim = DIMENSIONS[i % DIMENSIONS.len()];
        let team = format!("team-{}", i % TEAMS);
        let severity = ["critical", "warning", "warning", "info"][i % 4];
        let (kind, body) = alert_kind(i, &job);
        let _ = writeln!(
            s,
            "[[alert]]\nname = \"Synth{i:06}\"\ndimension = \"{dim}\"\nkind = \"{kind}\"\n{body}\nfor = \"{}m\"\nseverity = \"{severity}\"\nlabels = {{ team = \"{team}\" }}\nsummary = \"synthetic alert {i} on {job}\"\ndescription = \"value {{value}} for {{{{ $labels.job }}}}\"\n",
            1 + i % 10
        );
    }
    let _ = writeln!(
        s,
        "[alertmanager]\nslack_api_url_file = \"/etc/prometheus/secrets/slack\"\n\n[alertmanager.smtp]\nsmarthost = \"smtp.synth.example:587\"\nfrom = \"alerts@synth.example\"\nauth_username = \"alerts@synth.example\"\nauth_password_file = \"/etc/prometheus/secrets/smtp\"\n"
    );
    let _ = writeln!(
        s,
        "[[receiver]]\nname = \"default\"\n[[receiver.email]]\nto = \"ops@synth.example\"\n"
    );
    for t in 0..TEAMS {
        let _ = writeln!(
            s,
            "[[receiver]]\nname = \"team-{t}\"\n[[receiver.email]]\nto = \"team-{t}@synth.example\"\n[[receiver.slack]]\nchannel = \"#team-{t}\"\n[[receiver.webhook]]\nurl = \"http://relay.synth.example:9095/team-{t}\"\n[[receiver.pagerduty]]\nrouting_key_file = \"/etc/prometheus/secrets/pd-{t}\"\n"
        );
    }
    let _ = writeln!(
        s,
        "[route]\nreceiver = \"default\"\ngroup_by = [\"alertname\", \"job\"]\ngroup_wait = \"30s\"\ngroup_interval = \"5m\"\nrepeat_interval = \"4h\"\n"
    );
    for t in 0..TEAMS {
        let _ = writeln!(
            s,
            "[[route.routes]]\nmatchers = ['team=\"team-{t}\"', 'severity=~\"critical|warning\"']\nreceiver = \"team-{t}\"\n"
        );
    }
    let _ = writeln!(
        s,
        "[[inhibit]]\nsource = ['severity=\"critical\"']\ntarget = ['severity=\"warning\"']\nequal = [\"job\"]\n"
    );
    let _ = writeln!(s, "[logs]");
    for j in 0..(jobs / 10).max(1) {
        let _ = writeln!(
            s,
            "[[logs.input]]\nid = \"svc-{j:05}\"\npaths = [\"/var/log/svc-{j:05}/*.log\"]\n"
        );
    }
    let _ = writeln!(
        s,
        "[logs.elasticsearch]\nhosts = [\"https://es.synth.example:9200\"]\nindex = \"synth-%{{+yyyy.MM.dd}}\"\nusername = \"filebeat\"\npassword_keystore = \"ES_PWD\"\n"
    );
    let _ = writeln!(
        s,
        "[dashboard]\ntitle = \"Synthetic\"\nuid = \"synth\"\nalert_panels = false\n"
    );
    for p in 0..(alerts / 20).max(1) {
        let job = format!("svc-{:05}", p % jobs);
        let _ = writeln!(
            s,
            "[[dashboard.panel]]\ntitle = \"Requests {p}\"\ndimension = \"{}\"\nunit = \"requests_per_second\"\n[[dashboard.panel.query]]\nexpr = 'sum by (route) (rate(http_requests_total{{job=\"{job}\", status=~\"2..\"}}[5m]))'\nlegend = \"{{{{route}}}}\"\n",
            DIMENSIONS[p % DIMENSIONS.len()]
        );
    }
    let _ = writeln!(
        s,
        "[proxy]\nbalance = \"least_conn\"\nserver_names = [\"synth.example\"]\n"
    );
    for b in 0..jobs.min(50) {
        let _ = writeln!(
            s,
            "[[proxy.backend]]\naddress = \"app-{b:05}.synth.example:8080\"\nweight = {}\n",
            1 + b % 3
        );
    }
    s
}

/// Alert `i`'s kind and its kind's keys: the eight kinds in turn, on `job`'s metrics.
fn alert_kind(i: usize, job: &str) -> (&'static str, String) {
    match i % 8 {
        0 => ("target_down", format!("job = \"{job}\"")),
        1 => (
            "error_ratio",
            format!(
                "errors = 'http_requests_total{{job=\"{job}\", status=~\"5..\", route=\"/r{i}\"}}'\ntotal = 'http_requests_total{{job=\"{job}\", route=\"/r{i}\"}}'\nby = [\"job\", \"route\"]\nabove = \"{}%\"",
                1 + i % 9
            ),
        ),
        2 => (
            "latency_quantile",
            format!(
                "histogram = 'http_request_duration_seconds{{job=\"{job}\"}}'\nquantile = 0.{}\nby = [\"job\"]\nabove = \"{}ms\"",
                [95, 99, 9][i % 3],
                250 * (1 + i % 8)
            ),
        ),
        3 => (
            "rate",
            format!(
                "metric = 'tokens_used_total{{job=\"{job}\", model=~\"opus|sonnet\"}}'\nabove = \"{} per {}\"",
                1000 * (1 + i % 50),
                ["hour", "minute"][i % 2]
            ),
        ),
        4 => (
            "increase",
            format!(
                "metric = 'jobs_failed_total{{job=\"{job}\"}}'\nover = \"1h\"\nabove = {}",
                5 + i % 20
            ),
        ),
        5 => (
            "gauge",
            format!(
                "expr = 'queue_depth{{job=\"{job}\", queue=~\"q-.*\"}}'\nabove = {}",
                100 + i % 900
            ),
        ),
        6 => (
            "saturation",
            format!(
                "used = 'process_resident_memory_bytes{{job=\"{job}\"}}'\ncapacity = 'node_memory_MemTotal_bytes{{job=\"{job}\"}}'\non = [\"host\"]\nabove = \"{}%\"",
                70 + i % 25
            ),
        ),
        _ => (
            "raw",
            format!(
                "expr = 'sum by (job) (rate(http_requests_total{{job=\"{job}\", status=~\"4..\"}}[10m])) > {}'",
                10 + i % 90
            ),
        ),
    }
}
