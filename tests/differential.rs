//! Differential test (issue 11): `validate` against the real tools on mutated configs.
//!
//! Every example is parsed as a TOML document and mutated, one change per case: a string,
//! number or array leaf is replaced or extended with a hostile or edge value (`;`, a newline and
//! a directive, braces, `#`, `$x`, `%q`, quotes, backslashes, control characters, very long
//! text, URLs with userinfo, regexes Go's RE2 lacks, PromQL newer than Prometheus 2.42,
//! durations such as `9999999h`, ...), or a table entry is duplicated, or an optional key the
//! examples leave out (`proxy.tls.ciphers`, the stack's `[services.*]` tables, ...) is set.
//! Keys that reach nginx, systemd, Alertmanager and Prometheus are picked more often. A fixed
//! list of hand-written mutants for the known classes runs first, then seeded random ones.
//!
//! For each mutant, `ccmon::compile` is `validate`. What it accepts is emitted and judged by the
//! real tools, in batches: `promtool check config` (which also checks the rule files),
//! `amtool check-config`, `nginx -T`, `systemd-analyze verify` (any output is a
//! rejection) and the blackbox exporter's `--config.check`. A batch that fails is halved until each failing file is alone (systemd-analyze
//! names the units it complains about, and a suspect unit is checked again alone under its own
//! name), so a verdict is always the tool's verdict on one file. Identical files are judged
//! once. A second, cheap oracle looks for values that became
//! syntax: the nginx directives (names, blocks, argument and variable counts) and the systemd
//! keys per section (with their `%` specifiers) must be those of the unmutated render; a rule
//! label or a receiver field must not gain a Go template, nor `filebeat.yml` a `${...}`.
//!
//! The test fails listing every case that `validate` accepts and a judge rejects: the key, the
//! value, the judge and its message, grouped into classes, with the seed and case number to
//! run it again (also written to `target/tmp/differential-report.txt`).
//!
//! Settings (environment):
//! * `CCMON_DIFF_SEED`: the seed of the random cases (printed): 1 by default, so that CI judges
//!   the same cases on every run; `random` for a fresh one.
//! * `CCMON_DIFF_CASES`: random cases to run (default 6000, about two minutes here).
//! * `CCMON_DIFF_SECONDS`: wall-clock budget; cases left when it is spent are not run, and the
//!   summary says so (default 200).
//! * `CCMON_DIFF_CASE`: run one case only (`fixed-3`, or a random case number with the seed
//!   it came from); its mutated config is written next to the report for `ccmon validate`.
//!
//! With `CI=true` a missing tool fails the test; elsewhere its checks are skipped, loudly.
//!
//! Stand-ins. `ccmon::tools` (what `validate --with-tools` uses) replaces nginx's log, pid and
//! certificate paths and the backend addresses, and every service program that is not
//! installed: exactly the values a mutation puts hostile text in. Here the user's values are
//! kept, character for character. An absolute path gets a temporary folder *prepended*
//! (`/var/log/x.log` becomes `<tmp>/root/var/log/x.log`), so whatever follows the first `/`
//! still reaches nginx and systemd as written; the file is created there (a throwaway
//! certificate and key, an executable stub). A backend is rewritten only when its host is a
//! well-formed DNS name (letters, digits, `-`, `_`, `.`), which cannot carry syntax: that host
//! becomes a loopback address of its own, the port stays as written. Anything else, such as
//! an IP literal or a host with `;`, reaches nginx verbatim. This is done on a copy of the
//! model, not on the rendered text, so that a value is found exactly (no search through the
//! output for strings that may occur elsewhere) and the rest of the file is byte for byte the
//! real render.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::PermissionsExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ccmon::diag::source::Source;
use ccmon::diag::{Diags, Severity};
use ccmon::model::Model;
use ccmon::output::bundle::Bundle;
use common::{TempDir, example_source, examples, require_tool, run};
use toml::{Table, Value};

const DEFAULT_CASES: usize = 6000;
const DEFAULT_SECONDS: u64 = 200;
/// Cases compiled before their files go to the tools together.
const CHUNK: usize = 150;
/// Files per tool run before halving.
const BATCH: usize = 60;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    /// The generator of one case: the same (seed, case) always gives the same mutant.
    fn for_case(seed: u64, case: usize) -> Rng {
        let mut r = Rng(seed ^ (case as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.next() % total.max(1);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------------
// Paths in a TOML document

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

fn path_text(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Idx(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    s
}

fn parse_path(text: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        out.push(Seg::Key(key.to_string()));
        for idx in rest.split('[').filter(|x| !x.is_empty()) {
            out.push(Seg::Idx(idx.trim_end_matches(']').parse().expect("index")));
        }
    }
    out
}

/// The value at `path`; with `create`, missing tables on the way (and at the end) are made.
fn get_mut<'a>(mut v: &'a mut Value, path: &[Seg], create: bool) -> Option<&'a mut Value> {
    for seg in path {
        v = match seg {
            Seg::Key(k) => {
                let t = v.as_table_mut()?;
                if create && !t.contains_key(k) {
                    t.insert(k.clone(), Value::Table(Table::new()));
                }
                t.get_mut(k)?
            }
            Seg::Idx(i) => v.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(v)
}

/// The key names of a path, without indices: `services.app[0].exec` is `services.app.exec`.
fn key_names(path: &[Seg]) -> Vec<&str> {
    path.iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Idx(_) => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// What a mutation did; decides which injection checks apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// A string replaced by another.
    Replace,
    /// A string with text appended.
    Append,
    /// A string pushed onto an array.
    Push,
    /// A whole array or table of strings replaced.
    Strings,
    /// A key of a label table renamed.
    Rename,
    /// A number replaced, or a value of another type: structure may change legitimately.
    Number,
    /// A key removed, a table entry duplicated, flags changed.
    Structure,
}

#[derive(Clone, Debug)]
struct Mutation {
    /// Where, as `proxy.tls.ciphers` or `services.app[0].description`.
    key: String,
    op: Op,
    /// The new value (a string as Rust writes it, quoted and escaped), or what was done.
    value: String,
}

/// A value as the report shows it: strings quoted and escaped as Rust does.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

impl Mutation {
    fn new(path: &[Seg], op: Op, value: &Value) -> Mutation {
        Mutation {
            key: path_text(path),
            op,
            value: match value {
                Value::Array(a) if a.iter().all(Value::is_str) => {
                    let items: Vec<String> = a.iter().map(shown).collect();
                    format!("[{}]", items.join(", "))
                }
                Value::Table(t) if t.values().all(Value::is_str) => {
                    let items: Vec<String> = t
                        .iter()
                        .map(|(k, x)| format!("{k:?} = {}", shown(x)))
                        .collect();
                    format!("{{ {} }}", items.join(", "))
                }
                other => shown(other),
            },
        }
    }

    /// Whether one string value changed, so that the output's structure must not.
    fn is_string_edit(&self) -> bool {
        matches!(
            self.op,
            Op::Replace | Op::Append | Op::Push | Op::Strings | Op::Rename
        )
    }

    fn last_key(&self) -> &str {
        let k = self.key.rsplit('.').next().unwrap_or("");
        k.split('[').next().unwrap_or(k)
    }
}

/// Text that has broken generated configs somewhere, or is legal in TOML and nowhere else.
const HOSTILE: &[&str] = &[
    ";",
    "a;b",
    "x; return 200 pwned",
    "\nuser root;",
    "\nExecStartPre=/bin/sh",
    "{",
    "}",
    "x}",
    "#",
    "x #y",
    "$x",
    "${ES_PWD}",
    "{{ $value }}",
    "{{",
    "%q",
    "%%",
    "%",
    "%n",
    "\"",
    "'",
    "\\",
    "x\\",
    " ",
    "\t",
    "x\ty",
    " x",
    "x ",
    "\r\n",
    "\u{7}",
    "\u{0}",
    "\u{1b}[31m",
    "\u{7f}",
    "",
    "é",
    "日本語",
    "\u{202e}rtl",
    "🙂",
    "\u{feff}x",
    "http://user:pass@example.com/",
    "(?<n>x)",
    "a{1001}",
    "\\p{Emoji}",
    "sort_by_label(up, \"job\")",
    "mad_over_time(up[5m])",
    "0",
    "-1",
    "1e999",
    "NaN",
    "null",
    "~",
    "yes",
    "- x",
    "x: y",
    "[x]",
    "&x",
    "*x",
    "!!binary x",
    "|",
    "---",
    "`id`",
    "<script>",
    "..",
    "/../../etc/passwd",
    "*",
    "x=y",
    "-x",
];

fn long_values() -> Vec<String> {
    vec![
        "a".repeat(300),
        "x".repeat(5000),
        "é".repeat(3000),
        format!("/{}", "d/".repeat(2100)),
    ]
}

fn hostile(rng: &mut Rng) -> String {
    if rng.chance(6) {
        rng.pick(&long_values()).clone()
    } else {
        rng.pick(HOSTILE).to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Duration,
    Promql,
    MetricName,
    Matcher,
    Template,
    SystemdText,
    Address,
    Url,
    Path,
    Exec,
    Size,
    Threshold,
    LabelName,
    LabelValue,
    Ciphers,
    ServerName,
    Generic,
}

fn looks_like_duration(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn class_of(path: &[Seg], current: &str) -> Class {
    let keys = key_names(path);
    let first = keys.first().copied().unwrap_or("");
    let last = keys.last().copied().unwrap_or("");
    let parent = keys.len().checked_sub(2).map_or("", |i| keys[i]);
    if parent == "labels" || parent == "external_labels" {
        return Class::LabelValue;
    }
    let class = match last {
        "matchers" | "source" | "target" if first == "route" || first == "inhibit" => {
            Class::Matcher
        }
        "expr" | "errors" | "total" | "good" | "used" | "capacity" | "metric" => Class::Promql,
        "histogram" => Class::MetricName,
        "description" | "user" if first == "services" => Class::SystemdText,
        "summary" | "description" | "title" | "text" | "legend" | "objective" => Class::Template,
        "targets" | "alertmanagers" | "address" | "smarthost" | "listen" => Class::Address,
        "url" | "external_url" | "hosts" | "host" | "runbook" | "prometheus_url" => Class::Url,
        "timeout"
        | "keepalive_timeout"
        | "fail_timeout"
        | "interval"
        | "retention"
        | "for"
        | "window"
        | "over"
        | "period"
        | "refresh"
        | "group_wait"
        | "group_interval"
        | "repeat_interval"
        | "resolve_timeout"
        | "scrape_interval"
        | "scrape_timeout"
        | "evaluation_interval"
        | "connect"
        | "send"
        | "read" => Class::Duration,
        "paths" | "metrics_path" | "storage_path" | "access_log" | "error_log" | "pid_file"
        | "certificate" | "certificate_key" | "working_directory" | "environment_file"
        | "binary" | "read_write_paths" | "config_dir" => Class::Path,
        k if k.ends_with("_file") => Class::Path,
        "exec" | "extra_flags" => Class::Exec,
        "client_max_body_size" | "buffer_size" | "buffers" | "busy_buffers_size" => Class::Size,
        "above" | "below" | "target" | "min_traffic" | "quantile" => Class::Threshold,
        "by" | "on" | "equal" | "group_by" => Class::LabelName,
        "ciphers" => Class::Ciphers,
        "server_names" => Class::ServerName,
        _ => Class::Generic,
    };
    if class == Class::Generic && looks_like_duration(current) {
        Class::Duration
    } else {
        class
    }
}

fn is_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A selector with one more matcher, or the expression joined to one that has it.
fn with_matcher(expr: &str, m: &str) -> String {
    let e = expr.trim();
    if is_ident(e) {
        format!("{e}{{{m}}}")
    } else if let Some(head) = e.strip_suffix('}')
        && !e.contains('(')
    {
        if head.ends_with('{') {
            format!("{head}{m}}}")
        } else {
            format!("{head}, {m}}}")
        }
    } else {
        format!("({e}) and on () up{{{m}}}")
    }
}

fn class_values(class: Class, cur: &str) -> Vec<String> {
    let own = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match class {
        Class::Duration => own(&[
            "0s",
            "0",
            "1ms",
            "999ms",
            "1y",
            "2y",
            "9999999h",
            "292y",
            "300y",
            "106751d",
            "2562047h",
            "2562048h",
            "90m",
            "1.5h",
            "-1m",
            "1d1h1m1s1ms",
            "5m5m",
            "1w",
            "0.5s",
            "1S",
            "5 m",
            "10",
            "0h",
            "00s",
            "100000000000000000000s",
            "1h0m",
            "5m ",
        ]),
        Class::Promql => {
            let name = cur.split(['{', '(', ' ', '[']).next().unwrap_or("up");
            let name = if is_ident(name) { name } else { "up" };
            vec![
                format!("sort_by_label({cur}, \"job\")"),
                format!("sort_by_label_desc({cur}, \"job\")"),
                format!("mad_over_time({name}[5m])"),
                format!("histogram_avg({cur})"),
                format!("limitk(1, {cur})"),
                format!("info({cur})"),
                format!("double_exponential_smoothing({name}[5m], 0.5, 0.5)"),
                with_matcher(cur, r#"a=~"(?<n>x)""#),
                with_matcher(cur, r#"a=~"a{1001}""#),
                with_matcher(cur, r#"a=~"\\p{Emoji}""#),
                with_matcher(cur, r#"a=~"\\C""#),
                with_matcher(cur, r#"a=~"\\Z""#),
                with_matcher(cur, r#""a.b"="x""#),
                with_matcher(cur, r#"a="\x""#),
                with_matcher(cur, r#"a="é""#),
                with_matcher(cur, r#"a=~"[[:word:]]""#),
                with_matcher(cur, "a=~`(?<n>x)`"),
                format!("{cur} @ end()"),
                format!("{cur} offset -5m"),
                format!("{cur} offset 1y"),
                format!("{cur} + 0x1F"),
                format!("{cur} + 1e400"),
                format!("{cur} + 1_000"),
                format!("{cur} * 5m"),
                format!("{cur} # comment"),
                format!("{{\"{name}\"}}"),
                format!("{{__name__=~\"{name}\"}}"),
                format!("{name}[5m:1m]"),
                format!("{cur} / ignoring (x) group_right {cur}"),
            ]
        }
        Class::MetricName => own(&[
            "a.b",
            "a-b",
            "1a",
            "é",
            "a:b",
            "__name__",
            "x_bucket_bucket",
            "x{a=\"b\"}",
            "_",
        ]),
        Class::Matcher => {
            let l = cur
                .split(['=', '!', '~'])
                .next()
                .filter(|l| is_ident(l))
                .unwrap_or("severity");
            vec![
                format!(r#"{l}=~"(?<n>critical)""#),
                format!(r#"{l}=~"a{{1001}}""#),
                format!(r#"{l}=~"\\p{{Emoji}}""#),
                format!(r#"{l}=~"\\C""#),
                format!(r#"{l}="a\"b""#),
                format!(r#"{l}="a\\b""#),
                format!(r#"{l}="{{{{ $value }}}}""#),
                format!("{l}=critical,warning"),
                format!("{l}="),
                format!(r#"{l} = "x""#),
                format!(r#"{l}=~"""#),
                format!(r#""{l}"="x""#),
                format!(r#"1{l}="x""#),
                format!(r#"{l}-x="x""#),
                format!(r#"{l}="x"}} or {{a="b""#),
                format!(r#"{l}=~"x|""#),
                format!(r#"{l}=~"(""#),
                format!(r#"{l}!~".*""#),
                format!("{l}=\"x\ny\""),
                format!("{l}='x'"),
                format!("{l}=~'(?<n>x)'"),
                format!("{l}=é"),
            ]
        }
        Class::Template => own(&[
            "{{ $value }}",
            "{{",
            "}}",
            "{{ .Foo }}",
            "{{ $x }}",
            "{{ template \"x\" . }}",
            "{{ define \"x\" }}y{{ end }}",
            "{{ humanize }}",
            "{value}",
            "{threshold}",
            "{nope}",
            "{{ $labels.instance | toUpper }}",
            "{{ printf \"%q\" $value }}",
            "{{ range .Alerts }}x{{ end }}",
            "{{ if }}",
            "{{ query \"up\" }}",
            "{{ reReplaceAll \"(\" \"\" \"x\" }}",
            "{{ stripDomain \"a.b\" }}",
            "{{ toTime 1 }}",
            "{{ parseDuration \"1h\" }}",
            "{{ toDuration 1 }}",
            "{{ now }}",
            "{{ humanizeDuration \"1h\" }}",
            "{{ $value | humanizePercentage | printf \"%s\" }}",
            "{{/* c */}}",
            "{{- $value -}}",
            "{{ $labels.x }}",
            "{{ .Labels.alertname }}",
            "%q %%",
        ]),
        Class::SystemdText => own(&[
            "x\nExecStartPre=/bin/sh",
            "x\nuser root;",
            "x \\",
            "x\\",
            "100%",
            "%n",
            "%%",
            "%q",
            "%i",
            "%Z",
            "$HOME",
            "x\ty",
            " x",
            "x ",
            "",
            "[Service]",
            "x\n[Service]\nUser=root",
            "é",
            "\u{0}",
            "root",
            "0",
            "a b",
            "-x",
            "x:y",
            "nobody\n",
            "x;y",
            "a.b",
            "user@domain",
        ]),
        Class::Address => own(&[
            "localhost:0",
            "localhost:65536",
            "[::1]:80",
            "::1:80",
            "host:80:90",
            "host:",
            ":80",
            "0.0.0.0:80",
            "h_st:80",
            "é.com:80",
            "127.0.0.1:8080;",
            "a;b:80",
            "a{b}:80",
            "a#b:80",
            "$x:80",
            "a'b:80",
            "a\\b:80",
            "unix:/tmp/x.sock",
            "localhost:0080",
            "localhost:+80",
            "a..b:80",
            "-a:80",
            "1.2.3.4.5:80",
            "999.1.1.1:80",
            "[::ffff:1.2.3.4]:80",
            "[fe80::1%eth0]:80",
            "[::1:80",
            "x\u{7}:80",
            "a@b:80",
            "user:pass@host:80",
            "http://host:80",
        ]),
        Class::Url => own(&[
            "http://user:pass@example.com/",
            "https://user@example.com",
            "http://example.com:99999/",
            "http://[::1]:9093/",
            "http://example.com/ x",
            "http://example.com/\n",
            "http://example.com/{{ $value }}",
            "http://example.com/%zz",
            "http://é.example/",
            "http://",
            "https://:80",
            "http://example.com/#x",
            "http://example.com/?a=${ES_PWD}",
            "ftp://example.com/",
            "HTTP://EXAMPLE.COM/",
            "http://exa mple.com/",
            "http://example.com:0/",
            "http://example.com\\@evil/",
            "http://a;b/",
            "http://[::1/",
            "http://example.com/\"",
            "http://127.0.0.1:80/'",
            "http://$x/",
        ]),
        Class::Path => own(&[
            "/a b",
            "/a;b",
            "/a\nb",
            "/a$x",
            "/a${x}",
            "/a%n",
            "relative/p",
            "",
            "/",
            "/a/../b",
            "/a\\",
            "/a'b",
            "/a\"b",
            "/a{b}",
            "/a#b",
            "/a*",
            "~/x",
            "/a\tb",
            "/home/x",
            "/run/user/1",
            "-/a",
            "/a;\nuser root",
            "/dev/null",
            "/etc/passwd",
            "/tmp",
            "off",
            "syslog:server=127.0.0.1",
        ]),
        Class::Exec => {
            let mut v: Vec<String> = [
                " $HOME",
                " ${ES_PWD}",
                " %n",
                " %",
                " ;",
                "\nExecStartPre=/bin/sh",
                " |",
                " \\",
                " '",
                " `id`",
                " --a=\"b c\"",
                "\targ",
                " a\\\nb",
                " --x=%%",
                " $$",
            ]
            .iter()
            .map(|s| format!("{cur}{s}"))
            .collect();
            v.extend(own(&[
                "-/opt/x",
                "@/opt/x a",
                "+/opt/x",
                "!/bin/true",
                ":/bin/true",
                "/bin/true",
                "/home/x/bin",
                "relative/bin",
                "/opt/x\u{0}",
                "/opt/ x",
                "/",
                "",
            ]));
            v
        }
        Class::Size => own(&[
            "0",
            "1g",
            "1G",
            "10m;",
            "8 4k 2",
            "-1",
            "99999999999999999999m",
            "1.5m",
            "4k ",
            " 4k",
            "4kb",
            "8 0",
            "0 4k",
            "1 1",
            "4K",
            "10M",
            "1t",
            "",
            "8  4k",
            "8\t4k",
            "8 4k;",
        ]),
        Class::Threshold => own(&[
            "0",
            "0%",
            "100%",
            "101%",
            "-5%",
            "5 %",
            "5%%",
            "1e308",
            "1e309",
            "NaN",
            "Inf",
            "+Inf",
            "-Inf",
            "0x10",
            "1_000",
            "1,000,000",
            "0.0000001%",
            "99999999999999999999",
            "10 per fortnight",
            "0 per minute",
            "1e400 per hour",
            "5/min",
            "2s",
            "0s",
            "1y",
            "9999999h",
            "0.5ms",
            "1.5s",
            ".5",
        ]),
        Class::LabelName => own(&[
            "1a",
            "a-b",
            "__name__",
            "le",
            "é",
            "",
            "a b",
            "a.b",
            "...",
            "job",
            "instance",
            "alertname",
            "severity",
            "$x",
            "a\"b",
            "__x",
        ]),
        Class::LabelValue => own(&[
            "{{ $value }}",
            "{{ $labels.job }}",
            "{{",
            "$x",
            "${ES_PWD}",
            "",
            "a\nb",
            "\u{0}",
            "é",
            "x".repeat(3000).as_str(),
        ]),
        Class::Ciphers => own(&[
            "HIGH; return 200 pwned",
            "HIGH:!aNULL:!MD5 x",
            "HIGH:NOPE",
            "",
            "ALL:@SECLEVEL=0",
            "HIGH:!aNULL:!MD5;",
            "'HIGH'",
            "HIGH:!aNULL\n}",
            "DEFAULT",
            "$ssl_cipher",
            "NULL",
            "HIGH\"",
        ]),
        Class::ServerName => own(&[
            "a;b",
            "a b",
            "a\tb",
            "a\nb",
            "$host",
            "${x}",
            "#x",
            "x#y",
            "'x'",
            "\"x\"",
            "x\\",
            "*.example.com",
            "~^(?<n>.+)\\.example\\.com$",
            "~^(?P<n>.+)$",
            ".example.com",
            "_",
            "",
            "é.example",
            "localhost:80",
            "a{b}",
            "[::1]",
            "x".repeat(300).as_str(),
            "x}",
            "x{",
        ]),
        Class::Generic => HOSTILE.iter().map(|s| s.to_string()).collect(),
    }
}

/// One table entry made distinct from the one it copies, so that uniqueness checks pass.
fn make_distinct(e: &mut Value) {
    let Some(t) = e.as_table_mut() else { return };
    for key in ["name", "id", "address", "title", "to", "channel", "uid"] {
        if let Some(Value::String(s)) = t.get_mut(key) {
            *s = match s.rsplit_once(':') {
                Some((h, p)) if key == "address" && p.parse::<u16>().is_ok() => {
                    format!("{h}:{}", p.parse::<u16>().unwrap_or(1).saturating_add(1))
                }
                _ => format!("{s}-2"),
            };
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SiteKind {
    Str,
    Int,
    Float,
    StrArray,
    TableArray,
    LabelTable,
}

struct Site {
    path: Vec<Seg>,
    kind: SiteKind,
    weight: u64,
}

/// Keys whose values reach nginx, systemd, Alertmanager and Prometheus weigh more.
fn weight_of(path: &[Seg]) -> u64 {
    match key_names(path).first().copied().unwrap_or("") {
        "proxy" | "services" => 6,
        "alertmanager" | "receiver" | "route" | "inhibit" => 4,
        "prometheus" | "job" | "project" => 3,
        "alert" | "logs" => 2,
        _ => 1,
    }
}

fn sites(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Site>) {
    let mut add = |path: &[Seg], kind| {
        out.push(Site {
            path: path.to_vec(),
            kind,
            weight: weight_of(path),
        })
    };
    match v {
        Value::Table(t) => {
            let last = key_names(path).last().copied().unwrap_or("");
            if (last == "labels" || last == "external_labels") && !path.is_empty() {
                add(path, SiteKind::LabelTable);
            }
            for (k, x) in t {
                path.push(Seg::Key(k.clone()));
                sites(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            let tables = !a.is_empty() && a.iter().all(Value::is_table);
            add(
                path,
                if tables {
                    SiteKind::TableArray
                } else {
                    SiteKind::StrArray
                },
            );
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::Idx(i));
                sites(x, path, out);
                path.pop();
            }
        }
        Value::String(_) => add(path, SiteKind::Str),
        Value::Integer(_) => add(path, SiteKind::Int),
        Value::Float(_) => add(path, SiteKind::Float),
        Value::Boolean(_) | Value::Datetime(_) => {}
    }
}

fn numbers(float: bool) -> Vec<Value> {
    let ints = [
        0,
        -1,
        1,
        2,
        1000,
        1001,
        10000,
        10001,
        65535,
        65536,
        2_147_483_648,
        4_294_967_296,
        i64::MAX,
        i64::MIN,
    ];
    let floats = [
        0.5,
        -0.5,
        1e308,
        1e-308,
        f64::NAN,
        f64::INFINITY,
        0.999_999_999,
        1.0,
        0.0,
        100.0,
    ];
    let mut v: Vec<Value> = floats.iter().map(|f| Value::Float(*f)).collect();
    if float {
        v.extend([Value::Integer(0), Value::Integer(1)]);
    } else {
        v.truncate(3);
        v.extend(ints.iter().map(|i| Value::Integer(*i)));
    }
    v
}

/// Optional keys the examples leave out, so that a mutation of an existing leaf never reaches
/// them: `[]` is any entry of that array. The kind says what to write.
const OPTIONAL: &[(&str, SiteKind)] = &[
    ("proxy.tls.ciphers", SiteKind::Str),
    ("proxy.pid_file", SiteKind::Str),
    ("proxy.client_max_body_size", SiteKind::Str),
    ("proxy.keepalive_timeout", SiteKind::Str),
    ("proxy.listen_http", SiteKind::Int),
    ("proxy.listen_https", SiteKind::Int),
    ("proxy.backend[].max_fails", SiteKind::Int),
    ("proxy.backend[].fail_timeout", SiteKind::Str),
    ("prometheus.listen", SiteKind::Str),
    ("prometheus.external_url", SiteKind::Str),
    ("prometheus.storage_path", SiteKind::Str),
    ("alertmanager.listen", SiteKind::Str),
    ("alertmanager.external_url", SiteKind::Str),
    ("alertmanager.storage_path", SiteKind::Str),
    ("services.prometheus.binary", SiteKind::Str),
    ("services.prometheus.user", SiteKind::Str),
    ("services.prometheus.config_dir", SiteKind::Str),
    ("services.prometheus.extra_flags", SiteKind::StrArray),
    ("services.alertmanager.binary", SiteKind::Str),
    ("services.alertmanager.user", SiteKind::Str),
    ("services.alertmanager.config_dir", SiteKind::Str),
    ("services.alertmanager.extra_flags", SiteKind::StrArray),
    ("services.node_exporter.binary", SiteKind::Str),
    ("services.node_exporter.user", SiteKind::Str),
    ("services.node_exporter.listen", SiteKind::Str),
    ("services.node_exporter.extra_flags", SiteKind::StrArray),
    ("services.filebeat.binary", SiteKind::Str),
    ("services.filebeat.user", SiteKind::Str),
    ("services.filebeat.config_dir", SiteKind::Str),
    ("services.filebeat.extra_flags", SiteKind::StrArray),
    ("job[].metrics_path", SiteKind::Str),
    ("job[].scheme", SiteKind::Str),
    ("job[].timeout", SiteKind::Str),
    ("alert[].runbook", SiteKind::Str),
    ("alert[].labels", SiteKind::LabelTable),
    ("logs.input[].service", SiteKind::Str),
    ("logs.input[].labels", SiteKind::LabelTable),
    ("logs.elasticsearch.api_key_keystore", SiteKind::Str),
    ("dashboard.datasource_uid", SiteKind::Str),
    ("dashboard.prometheus_url", SiteKind::Str),
    ("dashboard.time_from", SiteKind::Str),
    ("receiver[].webhook[].max_alerts", SiteKind::Int),
];

/// Sets one of [`OPTIONAL`] that the document does not have, if one applies to it.
fn add_optional(doc: &mut Value, rng: &mut Rng) -> Option<Mutation> {
    let (template, kind) = *rng.pick(OPTIONAL);
    // Pick an entry for every `[]`; the tables on the way must exist, except the stack's
    // service tables and the [prometheus] and [alertmanager] tables, which have defaults.
    let mut path = Vec::new();
    for (i, part) in template.split("[]").enumerate() {
        if i > 0 {
            let n = get_mut(doc, &path, false)?.as_array()?.len();
            path.push(Seg::Idx(rng.below(n)));
        }
        path.extend(parse_path(part.trim_start_matches('.')));
    }
    let first = key_names(&path).first().copied().unwrap_or("");
    let creatable = matches!(first, "services" | "prometheus" | "alertmanager");
    let parent = &path[..path.len() - 1];
    if get_mut(doc, &path, false).is_some() || (!creatable && get_mut(doc, parent, false).is_none())
    {
        return None;
    }
    let (op, value) = match kind {
        SiteKind::Int => (Op::Number, rng.pick(&numbers(false)).clone()),
        SiteKind::StrArray => {
            let v = rng.pick(&class_values(class_of(&path, ""), "")).clone();
            (Op::Strings, Value::Array(vec![Value::String(v)]))
        }
        SiteKind::LabelTable => {
            let mut t = Table::new();
            let v = rng.pick(&class_values(Class::LabelValue, "")).clone();
            t.insert("team".into(), Value::String(v));
            (Op::Strings, Value::Table(t))
        }
        _ => {
            let class = class_of(&path, "");
            let v = if rng.chance(75) {
                rng.pick(&class_values(class, "")).clone()
            } else {
                hostile(rng)
            };
            (Op::Replace, Value::String(v))
        }
    };
    *get_mut(doc, &path, true)? = value.clone();
    let mut m = Mutation::new(&path, op, &value);
    m.value = format!("{} (added)", m.value);
    Some(m)
}

/// One random mutation of the document.
fn mutate(doc: &mut Value, rng: &mut Rng) -> Mutation {
    if rng.chance(20)
        && let Some(m) = add_optional(doc, rng)
    {
        return m;
    }
    let mut all = Vec::new();
    sites(doc, &mut Vec::new(), &mut all);
    let site = &all[rng.weighted(&all.iter().map(|s| s.weight).collect::<Vec<_>>())];
    let path = site.path.clone();
    let removable = matches!(path.last(), Some(Seg::Key(_)));
    let remove_chance = match site.kind {
        SiteKind::Str => 4,
        SiteKind::Int | SiteKind::Float => 8,
        _ => 0,
    };
    if removable && rng.chance(remove_chance) {
        return remove(doc, &path);
    }
    let target = get_mut(doc, &path, false).expect("site exists");
    match site.kind {
        SiteKind::Str => {
            let cur = target.as_str().unwrap_or_default().to_string();
            let (op, new) = match rng.below(100) {
                0..60 => (
                    Op::Replace,
                    rng.pick(&class_values(class_of(&path, &cur), &cur)).clone(),
                ),
                60..88 => (Op::Append, format!("{cur}{}", hostile(rng))),
                _ => (Op::Replace, hostile(rng)),
            };
            let new = Value::String(new);
            *target = new.clone();
            Mutation::new(&path, op, &new)
        }
        SiteKind::Int | SiteKind::Float => {
            let new = if rng.chance(10) {
                Value::String(rng.pick(&["10", "1e3", "0x10", "", "10s"]).to_string())
            } else {
                rng.pick(&numbers(site.kind == SiteKind::Float)).clone()
            };
            *target = new.clone();
            Mutation::new(&path, Op::Number, &new)
        }
        SiteKind::StrArray => {
            let a = target.as_array_mut().expect("array");
            let elem = Seg::Idx(a.len());
            let mut elem_path = path.clone();
            elem_path.push(elem);
            let (op, new) = match rng.below(100) {
                0..40 => {
                    let cur = a.first().and_then(Value::as_str).unwrap_or("").to_string();
                    let v = rng
                        .pick(&class_values(class_of(&elem_path, &cur), &cur))
                        .clone();
                    (Op::Push, Value::String(v))
                }
                40..70 if !a.is_empty() => {
                    let v = a[rng.below(a.len())].clone();
                    (Op::Structure, v)
                }
                70..82 => {
                    a.clear();
                    let m = Mutation {
                        key: path_text(&path),
                        op: Op::Structure,
                        value: "[] (emptied)".into(),
                    };
                    return m;
                }
                _ => (Op::Push, Value::String(hostile(rng))),
            };
            a.push(new.clone());
            let mut m = Mutation::new(&elem_path, op, &new);
            if op == Op::Structure {
                m.value = format!("{} (a duplicate)", m.value);
            }
            m
        }
        SiteKind::TableArray => {
            let a = target.as_array_mut().expect("array");
            let keys = key_names(&path);
            if keys == ["proxy", "backend"] && rng.chance(25) {
                for b in a.iter_mut() {
                    if let Some(t) = b.as_table_mut() {
                        t.insert("backup".into(), Value::Boolean(true));
                    }
                }
                return Mutation {
                    key: path_text(&path),
                    op: Op::Structure,
                    value: "every backend `backup = true`".into(),
                };
            }
            let i = rng.below(a.len());
            let mut e = a[i].clone();
            let exact = rng.chance(30);
            if !exact {
                make_distinct(&mut e);
            }
            a.push(e);
            Mutation {
                key: format!("{}[{i}]", path_text(&path)),
                op: Op::Structure,
                value: if exact {
                    "entry duplicated as is".into()
                } else {
                    "entry duplicated, its name made distinct".into()
                },
            }
        }
        SiteKind::LabelTable => {
            let t = target.as_table_mut().expect("table");
            if let Some(k) = t.keys().next().cloned()
                && rng.chance(60)
            {
                let new_key = rng.pick(&class_values(Class::LabelName, "")).clone();
                let v = t.remove(&k).unwrap_or(Value::String(String::new()));
                t.insert(new_key.clone(), v);
                return Mutation {
                    key: format!("{}.{k}", path_text(&path)),
                    op: Op::Rename,
                    value: format!("key renamed to {new_key:?}"),
                };
            }
            let v = Value::String(rng.pick(&class_values(Class::LabelValue, "")).clone());
            t.insert("x".into(), v.clone());
            let mut p = path.clone();
            p.push(Seg::Key("x".into()));
            Mutation::new(&p, Op::Push, &v)
        }
    }
}

fn remove(doc: &mut Value, path: &[Seg]) -> Mutation {
    let (last, parent) = path.split_last().expect("non-empty path");
    if let (Seg::Key(k), Some(Value::Table(t))) = (last, get_mut(doc, parent, false)) {
        t.remove(k);
    }
    Mutation {
        key: path_text(path),
        op: Op::Structure,
        value: "removed (default)".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written mutants for the known classes

enum Edit {
    Set(&'static str, Value),
    Push(&'static str, Value),
    AllBackup,
    Both(Vec<Edit>),
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn fixed_mutants() -> Vec<(&'static str, Edit)> {
    use Edit::{AllBackup, Both, Push, Set};
    let cc = "claude-code";
    vec![
        // nginx: values that become directives, blocks or comments.
        (cc, Set("proxy.tls.ciphers", s("HIGH; return 200 pwned"))),
        (cc, Set("proxy.tls.ciphers", s("HIGH:!aNULL:!MD5 x"))),
        (cc, Set("proxy.tls.ciphers", s("HIGH}"))),
        (cc, Set("proxy.server_names[0]", s("a\tb"))),
        (cc, Set("proxy.server_names[0]", s("a\nb"))),
        (cc, Set("proxy.server_names[0]", s("$x"))),
        (cc, Set("proxy.server_names[0]", s("#x"))),
        (cc, Set("proxy.server_names[0]", s("'x"))),
        (cc, Set("proxy.server_names[0]", s("x}"))),
        (cc, Push("proxy.server_names", s("claude-code.company.com"))),
        (
            cc,
            Set("proxy.access_log", s("/var/log/nginx/a.log;\nuser root")),
        ),
        (cc, Set("proxy.error_log", s("/var/log/nginx/e.log debug"))),
        (
            cc,
            Set("proxy.pid_file", s("/run/nginx.pid;include /etc/passwd")),
        ),
        (cc, Set("proxy.access_log", s("/var/log/nginx/$host.log"))),
        (
            cc,
            Set(
                "proxy.tls.certificate",
                s("/etc/nginx/ssl/$ssl_server_name.crt"),
            ),
        ),
        (
            cc,
            Set("proxy.tls.certificate_key", s("/etc/nginx/ssl/a b.key")),
        ),
        (
            cc,
            Set("proxy.backend[0].address", s("claude-code-1;x:8080")),
        ),
        (
            cc,
            Set("proxy.backend[0].address", s("claude-code-1{:8080")),
        ),
        (cc, Set("proxy.backend[0].address", s("a..b:8080"))),
        (cc, Set("proxy.backend[0].address", s("[::1]:8080"))),
        (cc, Set("proxy.health_path", s("/health;"))),
        (cc, Set("proxy.health_path", s("/health$request_uri"))),
        (cc, Set("proxy.health_path", s("/he{alth}"))),
        (cc, AllBackup),
        (cc, Set("proxy.listen_http", Value::Integer(443))),
        (
            cc,
            Both(vec![
                Set("proxy.tls.redirect_http", Value::Boolean(false)),
                Set("proxy.listen_http", Value::Integer(443)),
            ]),
        ),
        (cc, Set("proxy.timeouts.read", s("1y"))),
        (cc, Set("proxy.keepalive_timeout", s("9999999h"))),
        // systemd: values that become keys, sections, continuations or specifiers.
        (
            cc,
            Set(
                "services.app[0].description",
                s("Claude Code API\nExecStartPre=/bin/sh"),
            ),
        ),
        (
            cc,
            Set(
                "services.app[0].description",
                s("Claude Code API\nuser root;"),
            ),
        ),
        (
            cc,
            Set("services.app[0].description", s("Claude Code API \\")),
        ),
        (cc, Set("services.app[0].description", s("100% %n"))),
        (
            cc,
            Set("services.app[0].user", s("root\nExecStartPre=/bin/sh")),
        ),
        (cc, Set("services.app[0].user", s("a b"))),
        (
            cc,
            Set("services.app[0].working_directory", s("/opt/claude code")),
        ),
        (cc, Set("services.app[0].working_directory", s(""))),
        (
            cc,
            Set(
                "services.app[0].environment_file",
                s("/etc/claude-code/env\nUser=root"),
            ),
        ),
        (
            cc,
            Set(
                "services.app[0].exec",
                s("/opt/claude-code/bin/claude-code-api --p %n"),
            ),
        ),
        (
            cc,
            Set(
                "services.prometheus.extra_flags",
                Value::Array(vec![s("--a\nExecStartPre=/bin/sh")]),
            ),
        ),
        (
            cc,
            Set("prometheus.storage_path", s("/var/lib/prom etheus")),
        ),
        (cc, Set("prometheus.retention", s("9999999h"))),
        // Prometheus: regexes Go's RE2 lacks, PromQL newer than 2.42, durations, templates.
        (cc, Set("prometheus.scrape_interval", s("9999999h"))),
        (cc, Set("prometheus.evaluation_interval", s("1y"))),
        (
            cc,
            Set(
                "alert[1].errors",
                s(r#"claude_code_api_requests_total{status=~"(?<n>5..)"}"#),
            ),
        ),
        (
            cc,
            Set(
                "alert[1].errors",
                s(r#"claude_code_api_requests_total{status=~"a{1001}"}"#),
            ),
        ),
        (
            cc,
            Set(
                "alert[1].errors",
                s(r#"claude_code_api_requests_total{status=~"\\p{Emoji}"}"#),
            ),
        ),
        (
            cc,
            Set(
                "alert[4].expr",
                s(r#"sort_by_label(claude_code_cost_usd, "job")"#),
            ),
        ),
        (
            cc,
            Set(
                "alert[4].expr",
                s("mad_over_time(claude_code_cost_usd[5m])"),
            ),
        ),
        (
            cc,
            Set("alert[0].labels", {
                let mut t = Table::new();
                t.insert("team".into(), s("{{ $value }}"));
                Value::Table(t)
            }),
        ),
        (
            cc,
            Set(
                "alert[0].runbook",
                s("https://wiki.example/{{ $labels.job }}"),
            ),
        ),
        (cc, Set("alert[0].summary", s("{{ stripDomain \"a.b\" }}"))),
        (cc, Set("alert[0].summary", s("{{ toTime 1 }}"))),
        // Alertmanager: matchers and templated receiver fields.
        (
            cc,
            Set(
                "route.routes[0].matchers[0]",
                s(r#"severity=~"(?<n>critical)""#),
            ),
        ),
        (
            cc,
            Set(
                "route.routes[0].matchers[0]",
                s(r#"severity=~"\\p{Emoji}""#),
            ),
        ),
        (cc, Set("inhibit[0].source[0]", s(r#"severity=~"a{1001}""#))),
        (cc, Set("receiver[1].slack[0].channel", s("{{ $value }}"))),
        (
            cc,
            Set("receiver[0].email[0].to", s("{{ .Foo }}@company.com")),
        ),
        (cc, Set("alertmanager.resolve_timeout", s("9999999h"))),
        (cc, Set("route.repeat_interval", s("9999999h"))),
        // Filebeat: `${...}` is expanded in every string.
        (cc, Set("logs.elasticsearch.username", s("${ES_PWD}"))),
        (
            cc,
            Set("logs.input[0].paths[0]", s("/var/log/${HOME}/*.log")),
        ),
        // The minimal example: defaults everywhere.
        (
            "minimal",
            Set(
                "receiver[0].webhook[0].url",
                s("http://user:pass@127.0.0.1:9095/alerts"),
            ),
        ),
        ("minimal", Set("job[0].targets[0]", s("localhost;x:8080"))),
        ("minimal", Set("project.name", s("shop;x"))),
    ]
}

fn apply(doc: &mut Value, edit: &Edit) -> Mutation {
    match edit {
        Edit::Set(path, v) => {
            let p = parse_path(path);
            let slot = get_mut(doc, &p, true).unwrap_or_else(|| panic!("no `{path}`"));
            *slot = v.clone();
            // Text only (a string, or an array or table of strings): a change of values,
            // which must not change the structure of the outputs.
            let strings = match v {
                Value::Array(a) => a.iter().all(Value::is_str),
                Value::Table(t) => t.values().all(Value::is_str),
                _ => false,
            };
            let op = if v.is_str() {
                Op::Replace
            } else if strings {
                Op::Strings
            } else {
                Op::Number
            };
            Mutation::new(&p, op, v)
        }
        Edit::Push(path, v) => {
            let p = parse_path(path);
            let a = get_mut(doc, &p, false)
                .and_then(Value::as_array_mut)
                .unwrap_or_else(|| panic!("no array `{path}`"));
            a.push(v.clone());
            let mut m = Mutation::new(&p, Op::Structure, v);
            m.value = format!("{} (a duplicate)", m.value);
            m
        }
        Edit::AllBackup => {
            let p = parse_path("proxy.backend");
            for b in get_mut(doc, &p, false)
                .and_then(Value::as_array_mut)
                .expect("proxy.backend")
            {
                b.as_table_mut()
                    .expect("backend table")
                    .insert("backup".into(), Value::Boolean(true));
            }
            Mutation {
                key: "proxy.backend".into(),
                op: Op::Structure,
                value: "every backend `backup = true`".into(),
            }
        }
        Edit::Both(edits) => {
            let ms: Vec<Mutation> = edits.iter().map(|e| apply(doc, e)).collect();
            Mutation {
                key: ms
                    .iter()
                    .map(|m| m.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                op: Op::Structure,
                value: ms
                    .iter()
                    .map(|m| m.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum CaseId {
    Fixed(usize),
    Random(usize),
}

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            CaseId::Fixed(i) => write!(f, "fixed-{i}"),
            CaseId::Random(i) => write!(f, "{i}"),
        }
    }
}

impl CaseId {
    fn parse(s: &str) -> Option<CaseId> {
        match s.strip_prefix("fixed-") {
            Some(i) => i.parse().ok().map(CaseId::Fixed),
            None => s.parse().ok().map(CaseId::Random),
        }
    }
}

struct Case {
    id: CaseId,
    example: String,
    mutation: Mutation,
    text: String,
}

fn make_case(
    id: CaseId,
    seed: u64,
    bases: &BTreeMap<String, Base>,
    fixed: &[(&str, Edit)],
) -> Case {
    let (example, mutation, doc) = match id {
        CaseId::Fixed(i) => {
            let (example, edit) = &fixed[i];
            let base = bases
                .get(*example)
                .unwrap_or_else(|| panic!("fixed-{i}: no example `{example}`"));
            let mut doc = base.doc.clone();
            let m = apply(&mut doc, edit);
            (example.to_string(), m, doc)
        }
        CaseId::Random(i) => {
            let mut rng = Rng::for_case(seed, i);
            let names: Vec<&String> = bases.keys().collect();
            let weights: Vec<u64> = names
                .iter()
                .map(|n| if n.as_str() == "claude-code" { 4 } else { 1 })
                .collect();
            let example = names[rng.weighted(&weights)].clone();
            let mut doc = bases[&example].doc.clone();
            let m = mutate(&mut doc, &mut rng);
            (example, m, doc)
        }
    };
    Case {
        id,
        example,
        mutation,
        text: to_toml(&doc),
    }
}

fn to_toml(doc: &Value) -> String {
    toml::to_string(doc.as_table().expect("a document is a table")).expect("TOML serializes")
}

// ---------------------------------------------------------------------------------------------
// Injection oracles

/// One nginx directive as nginx's tokenizer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    /// The enclosing blocks, as `http/server`.
    block: String,
    name: String,
    args: usize,
    /// `$` variable references in the arguments.
    vars: usize,
}

/// The directives of nginx configuration text, tokenized as `ngx_conf_read_token` does:
/// blanks separate words; `;` ends a directive and `{` a block header; at the start of a word
/// `#` is a comment, quotes open a quoted word and `}` closes a block; inside a word `\`
/// escapes and `${` does not end it.
fn nginx_directives(text: &str) -> Vec<Directive> {
    fn emit(words: &mut Vec<String>, stack: &[String], out: &mut Vec<Directive>) {
        if let Some((name, args)) = words.split_first() {
            out.push(Directive {
                block: stack.join("/"),
                name: name.clone(),
                args: args.len(),
                vars: args.iter().map(|a| vars(a)).sum(),
            });
        }
        words.clear();
    }
    fn vars(w: &str) -> usize {
        let b: Vec<char> = w.chars().collect();
        (0..b.len())
            .filter(|&i| {
                b[i] == '$'
                    && (i == 0 || b[i - 1] != '\\')
                    && b.get(i + 1)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '{')
            })
            .count()
    }
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let cs: Vec<char> = text.chars().collect();
    let (mut out, mut stack, mut words) = (Vec::new(), Vec::<String>::new(), Vec::<String>::new());
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if blank(c) {
            i += 1;
            continue;
        }
        match c {
            '#' => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            ';' => {
                emit(&mut words, &stack, &mut out);
                i += 1;
            }
            '{' => {
                let name = words.first().cloned().unwrap_or_default();
                words.push("{".into());
                emit(&mut words, &stack, &mut out);
                stack.push(name);
                i += 1;
            }
            '}' => {
                emit(&mut words, &stack, &mut out);
                stack.pop();
                i += 1;
            }
            '"' | '\'' => {
                let mut w = String::new();
                i += 1;
                while i < cs.len() && cs[i] != c {
                    if cs[i] == '\\' && i + 1 < cs.len() {
                        w.push(cs[i]);
                        i += 1;
                    }
                    w.push(cs[i]);
                    i += 1;
                }
                i += 1;
                words.push(w);
            }
            _ => {
                let mut w = String::new();
                while i < cs.len() {
                    let c = cs[i];
                    if blank(c) || c == ';' || (c == '{' && !w.ends_with('$')) {
                        break;
                    }
                    if c == '\\' && i + 1 < cs.len() {
                        w.push(c);
                        w.push(cs[i + 1]);
                        i += 2;
                        continue;
                    }
                    w.push(c);
                    i += 1;
                }
                words.push(w);
            }
        }
    }
    emit(&mut words, &stack, &mut out);
    out
}

fn show(d: &Directive) -> String {
    let at = if d.block.is_empty() {
        "main".to_string()
    } else {
        d.block.clone()
    };
    format!("`{}` in {at}", d.name)
}

/// How the mutant's directives differ from the unmutated render's, if they do.
///
/// With `in_place` (one string changed where it was), the directives must be the same, one for
/// one, with the same numbers of arguments and variables. Otherwise an array grew (a target,
/// a server name): one more directive of a kind the block already has is the new element's
/// (a backend's `server`), arguments may be more, and only the variables are counted.
fn compare_nginx(base: &[Directive], got: &[Directive], in_place: bool) -> Option<String> {
    let names = |ds: &[Directive]| -> Vec<(String, String)> {
        ds.iter()
            .map(|d| (d.block.clone(), d.name.clone()))
            .collect()
    };
    let mut count: HashMap<(String, String), i64> = HashMap::new();
    for d in got {
        *count.entry((d.block.clone(), d.name.clone())).or_default() += 1;
    }
    for d in base {
        *count.entry((d.block.clone(), d.name.clone())).or_default() -= 1;
    }
    if !in_place {
        let grown = count
            .iter()
            .filter(|(k, n)| **n == 1 && base.iter().any(|d| (&d.block, &d.name) == (&k.0, &k.1)))
            .map(|(k, _)| k.clone())
            .min();
        if let Some(k) = grown {
            count.remove(&k);
        }
    }
    let moved = names(base) != names(got) && in_place;
    if count.values().any(|n| *n != 0) || moved {
        let mut diff: Vec<String> = count
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((block, name), n)| {
                let d = Directive {
                    block,
                    name,
                    args: 0,
                    vars: 0,
                };
                format!("{}{n} {}", if n > 0 { "+" } else { "" }, show(&d))
            })
            .collect();
        diff.sort();
        if diff.is_empty() {
            diff.push("the same directives in another order or block".into());
        }
        return Some(format!(
            "nginx reads {} directives where the unmutated config has {}: {}",
            got.len(),
            base.len(),
            diff.join(", ")
        ));
    }
    if !in_place {
        let vars = |ds: &[Directive]| ds.iter().map(|d| d.vars).sum::<usize>();
        return (vars(got) > vars(base)).then(|| {
            format!(
                "nginx reads {} variables where the unmutated config has {}",
                vars(got),
                vars(base)
            )
        });
    }
    for (b, g) in base.iter().zip(got) {
        if b.args != g.args {
            return Some(format!(
                "{} has {} arguments where the unmutated config has {}",
                show(g),
                g.args,
                b.args
            ));
        }
        if b.vars != g.vars {
            return Some(format!(
                "{} refers to {} nginx variables where the unmutated config has {}",
                show(g),
                g.vars,
                b.vars
            ));
        }
    }
    None
}

/// One `Key=` of a unit, with its section and the number of `%` specifiers in its value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnitKey {
    section: String,
    key: String,
    specifiers: usize,
}

/// The keys of a unit file as systemd's parser reads them: a line ending in an unescaped `\`
/// continues on the next (comment lines in between are skipped), `#` and `;` start comments.
fn unit_keys(text: &str) -> Vec<UnitKey> {
    let mut logical = Vec::new();
    let mut cont: Option<String> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if cont.is_some() && line.trim_start().starts_with(['#', ';']) {
            continue;
        }
        let mut l = cont.take().unwrap_or_default();
        l.push_str(line);
        let trailing = l.chars().rev().take_while(|c| *c == '\\').count();
        if trailing % 2 == 1 {
            l.pop();
            l.push(' ');
            cont = Some(l);
        } else {
            logical.push(l);
        }
    }
    logical.extend(cont);
    let mut section = String::new();
    let mut out = Vec::new();
    for l in logical {
        let l = l.trim();
        if l.is_empty() || l.starts_with(['#', ';']) {
            continue;
        }
        if l.starts_with('[') && l.ends_with(']') {
            section = l.to_string();
            continue;
        }
        let (key, value) = l.split_once('=').unwrap_or(("<a line without =>", l));
        let v: Vec<char> = value.chars().collect();
        let mut specifiers = 0;
        let mut i = 0;
        while i < v.len() {
            if v[i] == '%' {
                if v.get(i + 1) != Some(&'%') {
                    specifiers += 1;
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        out.push(UnitKey {
            section: section.clone(),
            key: key.trim().to_string(),
            specifiers,
        });
    }
    out
}

fn compare_units(base: &[UnitKey], got: &[UnitKey]) -> Option<String> {
    let keys = |u: &[UnitKey]| -> Vec<String> {
        u.iter()
            .map(|k| format!("{}{}", k.section, k.key))
            .collect()
    };
    if keys(base) != keys(got) {
        let mut count: BTreeMap<String, i64> = BTreeMap::new();
        for k in keys(got) {
            *count.entry(k).or_default() += 1;
        }
        for k in keys(base) {
            *count.entry(k).or_default() -= 1;
        }
        let diff: Vec<String> = count
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(k, n)| format!("{}{n} {k}=", if *n > 0 { "+" } else { "" }))
            .collect();
        return Some(format!(
            "systemd reads {} keys where the unmutated unit has {}: {}",
            got.len(),
            base.len(),
            if diff.is_empty() {
                "the same keys in another order or section".to_string()
            } else {
                diff.join(", ")
            }
        ));
    }
    base.iter().zip(got).find_map(|(b, g)| {
        (b.specifiers != g.specifiers).then(|| {
            format!(
                "{}{}= has {} `%` specifiers where the unmutated unit has {}",
                g.section, g.key, g.specifiers, b.specifiers
            )
        })
    })
}

/// `{{` in the places Prometheus and Alertmanager evaluate as Go templates, and `${` in
/// `filebeat.yml` (Filebeat expands it in every string).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TemplateCounts {
    rule_labels: usize,
    rule_annotations: usize,
    receiver_fields: usize,
    filebeat_vars: usize,
}

/// Receiver fields Alertmanager renders as templates, apart from those ccmon documents and
/// checks as templates (`title`, `text`, `channel`, `to`). Every integration option is a
/// checked template since receivers are read from Alertmanager's option tables: a `{{` here
/// counts only when a mutation outside `[[receiver]]` put it there.
const AM_TEMPLATED: &[&str] = &[
    "from",
    "username",
    "html",
    "client",
    "client_url",
    "description",
    "severity",
    "class",
    "component",
    "group",
    "color",
    "pretext",
    "fallback",
    "footer",
    "icon_emoji",
    "icon_url",
    "title_link",
    "image_url",
    "thumb_url",
    "headers",
];

fn count_in(v: &serde_json::Value, needle: &str) -> usize {
    match v {
        serde_json::Value::String(s) => s.matches(needle).count(),
        serde_json::Value::Array(a) => a.iter().map(|x| count_in(x, needle)).sum(),
        serde_json::Value::Object(o) => o.values().map(|x| count_in(x, needle)).sum(),
        _ => 0,
    }
}

fn template_counts(b: &Bundle) -> TemplateCounts {
    let yaml = |t: &str| serde_saphyr::from_str::<serde_json::Value>(t).unwrap_or_default();
    let mut c = TemplateCounts::default();
    for (p, t) in &b.files {
        if p.starts_with("prometheus/rules/") {
            let doc = yaml(t);
            for g in doc["groups"].as_array().into_iter().flatten() {
                for r in g["rules"].as_array().into_iter().flatten() {
                    if r.get("alert").is_some() {
                        c.rule_labels += count_in(&r["labels"], "{{");
                        c.rule_annotations += count_in(&r["annotations"], "{{");
                    }
                }
            }
        }
    }
    if let Some(t) = b.get("alertmanager/alertmanager.yml") {
        let doc = yaml(t);
        for r in doc["receivers"].as_array().into_iter().flatten() {
            for (_, configs) in r.as_object().into_iter().flatten() {
                for cfg in configs.as_array().into_iter().flatten() {
                    for (k, v) in cfg.as_object().into_iter().flatten() {
                        if AM_TEMPLATED.contains(&k.as_str()) {
                            c.receiver_fields += count_in(v, "{{");
                        }
                    }
                }
            }
        }
    }
    if let Some(t) = b.get("filebeat/filebeat.yml") {
        // `$${` is an escaped `$` followed by `{`, which Filebeat does not expand.
        c.filebeat_vars = t
            .match_indices("${")
            .filter(|(i, _)| t[..*i].bytes().rev().take_while(|b| *b == b'$').count() % 2 == 0)
            .count();
    }
    c
}

fn compare_templates(base: TemplateCounts, got: TemplateCounts, m: &Mutation) -> Vec<Finding0> {
    let mut out = Vec::new();
    if got.rule_labels > base.rule_labels {
        out.push((
            "prometheus rules (value became a template)",
            format!(
                "rule labels hold {} `{{{{` where the unmutated rules hold {}: Prometheus \
                 evaluates label values as Go templates",
                got.rule_labels, base.rule_labels
            ),
        ));
    }
    if got.rule_annotations > base.rule_annotations
        && !matches!(m.last_key(), "summary" | "description" | "runbook")
    {
        out.push((
            "prometheus rules (value became a template)",
            format!(
                "annotations hold {} `{{{{` where the unmutated rules hold {}",
                got.rule_annotations, base.rule_annotations
            ),
        ));
    }
    // A receiver integration's own options are templates the user writes (checked as
    // Alertmanager parses them); a value elsewhere must not become one.
    if got.receiver_fields > base.receiver_fields && !m.key.starts_with("receiver[") {
        out.push((
            "alertmanager (value became a template)",
            format!(
                "templated receiver fields hold {} `{{{{` where the unmutated config holds {}",
                got.receiver_fields, base.receiver_fields
            ),
        ));
    }
    if got.filebeat_vars > base.filebeat_vars && !m.last_key().ends_with("_keystore") {
        out.push((
            "filebeat (value became a variable)",
            format!(
                "filebeat.yml holds {} `${{` where the unmutated one holds {}: Filebeat \
                 expands them from its keystore and environment",
                got.filebeat_vars, base.filebeat_vars
            ),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The harness

type Verdict = Result<(), String>;
/// A finding before it is tied to its case: (judge, message).
type Finding0 = (&'static str, String);

#[derive(Clone, Copy)]
struct Tools {
    promtool: bool,
    amtool: bool,
    nginx: bool,
    systemd: bool,
    blackbox: bool,
}

/// The unmutated example, as the mutants see it (after a TOML round trip).
struct Base {
    doc: Value,
    nginx: Option<Vec<Directive>>,
    units: BTreeMap<String, Vec<UnitKey>>,
    templates: TemplateCounts,
}

struct Finding {
    case: CaseId,
    example: String,
    mutation: Mutation,
    tool: String,
    message: String,
    warnings: Vec<&'static str>,
}

#[derive(Default)]
struct Stats {
    cases: usize,
    fixed: usize,
    refused: usize,
    accepted: usize,
    warned: usize,
    runs: BTreeMap<&'static str, usize>,
    /// Batch rejections that the file alone, under its own name, did not repeat.
    unconfirmed: usize,
}

/// What the tools must judge for one accepted case.
struct Accepted {
    case: Case,
    warnings: Vec<&'static str>,
    prom: Option<u64>,
    am: Option<u64>,
    nginx: Option<u64>,
    units: Vec<(String, u64)>,
    findings: Vec<Finding0>,
}

struct Harness {
    dir: PathBuf,
    tools: Tools,
    /// A throwaway certificate and key (PEM) for the nginx stand-in.
    cert: Option<(String, String)>,
    serial: usize,
    prom: HashMap<u64, Verdict>,
    am: HashMap<u64, Verdict>,
    units: HashMap<u64, Verdict>,
    nginx: HashMap<u64, (Verdict, Vec<Directive>)>,
    blackbox: HashMap<u64, Verdict>,
    stats: Stats,
    findings: Vec<Finding>,
}

fn hash_of<T: Hash + ?Sized>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Writes a file, making its folder; errors are for the tool to find.
fn put(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        let _ = fs::create_dir_all(d);
    }
    let _ = fs::write(path, text);
}

impl Harness {
    fn fresh(&mut self, tag: &str) -> PathBuf {
        self.serial += 1;
        let d = self.dir.join(format!("{tag}{}", self.serial));
        let _ = fs::create_dir_all(&d);
        d
    }

    fn count(&mut self, tool: &'static str) {
        *self.stats.runs.entry(tool).or_default() += 1;
    }

    /// The blackbox exporter's own check of a `blackbox.yml`.
    fn blackbox_check(&mut self, text: &str) -> Verdict {
        let dir = self.fresh("blackbox");
        let path = dir.join("blackbox.yml");
        put(&path, text);
        self.count("blackbox exporter");
        let (ok, out) = run(Command::new("prometheus-blackbox-exporter")
            .arg("--config.check")
            .arg(format!("--config.file={}", path.display())));
        if ok { Ok(()) } else { Err(out) }
    }

    /// The model with nginx's files under `dir` and backends on loopback, keeping the user's
    /// values (see the module documentation).
    fn nginx_stand_in(&self, model: &Model, dir: &Path) -> Model {
        let mut m = model.clone();
        let Some(p) = m.proxy.as_mut() else { return m };
        let root = dir.join("root");
        // Where nginx will look: the value as written, and the value up to where nginx's
        // tokenizer ends the word (so that a value with injected syntax is judged on that
        // syntax, not on a missing file).
        let place = |v: &mut String| -> Vec<PathBuf> {
            if v.starts_with('/') {
                *v = format!("{}{v}", root.display());
            }
            let word = v
                .split([' ', '\t', '\r', '\n', ';', '{'])
                .next()
                .unwrap_or("");
            let mut at: Vec<PathBuf> = [v.as_str(), word]
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| dir.join(w))
                .filter(|p| !p.is_dir())
                .collect();
            at.dedup();
            for p in &at {
                if let Some(parent) = p.parent() {
                    let _ = fs::create_dir_all(parent);
                }
            }
            at
        };
        for v in [&mut p.access_log, &mut p.error_log, &mut p.pid_file] {
            place(v);
        }
        if let (Some(t), Some((crt, key))) = (p.tls.as_mut(), &self.cert) {
            let c = place(&mut t.certificate);
            let k = place(&mut t.certificate_key);
            for f in &c {
                let _ = fs::write(f, crt);
            }
            for f in &k {
                let text = if c.contains(f) {
                    format!("{crt}{key}")
                } else {
                    key.clone()
                };
                let _ = fs::write(f, text);
            }
        }
        let mut hosts: Vec<String> = Vec::new();
        for b in &mut p.backends {
            let Some((host, port)) = b.address.rsplit_once(':') else {
                continue;
            };
            let dns_name = host.len() <= 253
                && host.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
                })
                && !host.chars().all(|c| c.is_ascii_digit() || c == '.');
            if dns_name {
                let i = hosts.iter().position(|h| h == host).unwrap_or_else(|| {
                    hosts.push(host.to_string());
                    hosts.len() - 1
                });
                b.address = format!("127.0.{}.{}:{port}", 1 + i / 250, 1 + i % 250);
            }
        }
        m
    }

    /// `nginx -T` on the mutant's nginx.conf with the stand-ins: the verdict, and the
    /// directives nginx read (from its dump of every file it read, or from the file).
    fn nginx_check(&mut self, model: &Model) -> (Verdict, Vec<Directive>) {
        let dir = self.fresh("nginx");
        let m = self.nginx_stand_in(model, &dir);
        let p = m.proxy.as_ref().expect("a proxy");
        let text = ccmon::emit::nginx::emit(&m, p);
        let conf = dir.join("nginx.conf");
        put(&conf, &text);
        self.count("nginx");
        // Not `run`: the dump (stdout) and the verdict (stderr) are needed apart.
        let out = Command::new("nginx")
            .arg("-T")
            .arg("-p")
            .arg(format!("{}/", dir.display()))
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("startup-error.log"))
            .output();
        let (ok, dump, msg) = match out {
            Ok(o) => (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            ),
            Err(e) => (false, String::new(), format!("cannot run nginx: {e}")),
        };
        let msg = msg.replace(&format!("{}/", dir.display()), "");
        let verdict = if ok && !msg.contains("[warn]") {
            Ok(())
        } else {
            Err(msg)
        };
        let directives = if ok {
            nginx_directives(&dump)
        } else {
            nginx_directives(&text)
        };
        let _ = fs::remove_dir_all(&dir);
        (verdict, directives)
    }

    /// The model with every service program replaced by a stub at `root` + its path.
    fn systemd_stand_in(model: &Model, root: &Path) -> Model {
        let mut m = model.clone();
        for s in &mut m.services {
            if s.binary.starts_with('/') {
                let stub = format!("{}{}", root.display(), s.binary);
                let at = Path::new(&stub);
                put(at, "#!/bin/sh\nexit 0\n");
                let _ = fs::set_permissions(at, fs::Permissions::from_mode(0o755));
                s.binary = stub;
            }
        }
        if let Some(mt) = m.maintenance.as_mut()
            && mt.ccmon.starts_with('/')
        {
            let stub = format!("{}{}", root.display(), mt.ccmon);
            let at = Path::new(&stub);
            put(at, "#!/bin/sh\nexit 0\n");
            let _ = fs::set_permissions(at, fs::Permissions::from_mode(0o755));
            mt.ccmon = stub;
        }
        m
    }

    /// Halves a failing batch until each failing item is alone. `check` judges a slice.
    fn bisect<T>(
        items: &[T],
        offset: usize,
        check: &mut dyn FnMut(&[T]) -> Verdict,
        out: &mut Vec<(usize, String)>,
    ) {
        if items.is_empty() {
            return;
        }
        if let Err(msg) = check(items) {
            if items.len() == 1 {
                out.push((offset, msg));
            } else {
                let (a, b) = items.split_at(items.len() / 2);
                Self::bisect(a, offset, check, out);
                Self::bisect(b, offset + a.len(), check, out);
            }
        }
    }

    /// Runs `tool` over batches of files; the verdict of every item.
    fn screen(
        &mut self,
        tool: &'static str,
        files: &[PathBuf],
        args: &[&str],
        strict: bool,
    ) -> Vec<Verdict> {
        let mut verdicts = vec![Ok(()); files.len()];
        let dir = self.dir.clone();
        let mut runs = 0;
        for (n, batch) in files.chunks(BATCH).enumerate() {
            let mut failed = Vec::new();
            Self::bisect(
                batch,
                0,
                &mut |some: &[PathBuf]| {
                    runs += 1;
                    let (ok, out) = run(Command::new(tool).args(args).args(some));
                    if ok && (!strict || out.trim().is_empty()) {
                        Ok(())
                    } else {
                        Err(out.replace(&format!("{}/", dir.display()), ""))
                    }
                },
                &mut failed,
            );
            for (i, msg) in failed {
                verdicts[n * BATCH + i] = Err(msg);
            }
        }
        *self.stats.runs.entry(tool).or_default() += runs;
        verdicts
    }

    fn run_prom(&mut self, todo: Vec<(u64, Vec<(String, String)>)>) {
        let mut files = Vec::new();
        for (_, fs) in &todo {
            let d = self.fresh("prom");
            for (p, t) in fs {
                if p == "prometheus/prometheus.yml" {
                    // promtool checks that the server's files it names exist, as
                    // `validate --with-tools` has it do: they get stand-ins.
                    put(&d.join(p), &ccmon::tools::with_stand_ins(t, &d).unwrap());
                } else {
                    put(&d.join(p), t);
                }
            }
            files.push(d.join("prometheus/prometheus.yml"));
        }
        let verdicts = self.screen("promtool", &files, &["check", "config"], false);
        for ((key, _), v) in todo.into_iter().zip(verdicts) {
            self.prom
                .insert(key, v.map_err(|m| strip_serial(&m, "prom")));
        }
    }

    fn run_am(&mut self, todo: Vec<(u64, String)>) {
        let mut files = Vec::new();
        for (_, t) in &todo {
            let f = self.fresh("am").join("alertmanager.yml");
            put(&f, t);
            files.push(f);
        }
        let verdicts = self.screen("amtool", &files, &["check-config"], false);
        for ((key, _), v) in todo.into_iter().zip(verdicts) {
            self.am.insert(key, v.map_err(|m| strip_serial(&m, "am")));
        }
    }

    /// Units in batches under distinct names (`systemd-analyze verify` loads one unit per
    /// name): a batch's complaints name their unit files, so they point at the suspects
    /// (a complaint that names none halves the batch instead). A suspect is checked again
    /// alone under its own name, which decides.
    fn run_units(&mut self, todo: Vec<(u64, String, String)>) {
        let d = self.fresh("units");
        let files: Vec<PathBuf> = todo
            .iter()
            .enumerate()
            .map(|(i, (_, name, text))| {
                let f = d.join(format!("u{i}-{name}"));
                put(&f, text);
                f
            })
            .collect();
        let mut suspect = vec![false; files.len()];
        for (n, batch) in files.chunks(BATCH).enumerate() {
            let start = n * BATCH;
            let range = start..start + batch.len();
            self.count("systemd-analyze");
            let (ok, out) = run(Command::new("systemd-analyze").arg("verify").args(batch));
            if ok && out.trim().is_empty() {
                continue;
            }
            match named_units(&out) {
                Some(ix) if !ix.is_empty() && ix.iter().all(|i| range.contains(i)) => {
                    for i in ix {
                        suspect[i] = true;
                    }
                }
                _ => {
                    let verdicts = self.screen("systemd-analyze", batch, &["verify"], true);
                    for (j, v) in verdicts.iter().enumerate() {
                        suspect[start + j] = v.is_err();
                    }
                }
            }
        }
        for ((key, name, text), suspect) in todo.into_iter().zip(suspect) {
            let v = match suspect {
                false => Ok(()),
                true => {
                    let one = self.fresh("unit").join(&name);
                    put(&one, &text);
                    self.count("systemd-analyze");
                    let (ok, out) = run(Command::new("systemd-analyze").arg("verify").arg(&one));
                    if ok && out.trim().is_empty() {
                        self.stats.unconfirmed += 1;
                        Ok(())
                    } else {
                        let dir = format!("{}/", one.parent().unwrap_or(&d).display());
                        let tmp = format!("{}/", self.dir.display());
                        Err(out.replace(&dir, "").replace(&tmp, ""))
                    }
                }
            };
            self.units.insert(key, v);
        }
    }

    /// Compiles, emits and judges a chunk of cases.
    fn run_chunk(&mut self, cases: Vec<Case>, bases: &BTreeMap<String, Base>) {
        let mut todo_prom = Vec::new();
        let mut todo_am = Vec::new();
        let mut todo_units = Vec::new();
        let mut queued: HashSet<u64> = HashSet::new();
        let mut accepted = Vec::new();
        for case in cases {
            self.stats.cases += 1;
            if matches!(case.id, CaseId::Fixed(_)) {
                self.stats.fixed += 1;
            }
            // Named by its example's path, so that the files it names (templates) resolve.
            let src = source_of(&case.example, case.text.clone());
            let compiled = catch_unwind(AssertUnwindSafe(|| {
                let mut d = Diags::default();
                let m = ccmon::compile(&src, &mut d);
                (m, d)
            }));
            let (model, diags) = match compiled {
                Ok(r) => r,
                Err(p) => {
                    self.finding(&case, "ccmon (panic in validate)", panic_text(p), &[]);
                    continue;
                }
            };
            let Some(model) = model else {
                self.stats.refused += 1;
                continue;
            };
            self.stats.accepted += 1;
            let warnings: Vec<&'static str> = diags
                .sorted()
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .map(|d| d.code.id)
                .collect();
            if !warnings.is_empty() {
                self.stats.warned += 1;
            }
            let bundle = match catch_unwind(AssertUnwindSafe(|| ccmon::emit::emit(&model))) {
                Ok(b) => b,
                Err(p) => {
                    self.finding(&case, "ccmon (panic in emit)", panic_text(p), &warnings);
                    continue;
                }
            };
            let base = &bases[&case.example];
            let mut acc = Accepted {
                case,
                warnings,
                prom: None,
                am: None,
                nginx: None,
                units: Vec::new(),
                findings: Vec::new(),
            };
            if self.tools.promtool {
                let files: Vec<(String, String)> = bundle
                    .files
                    .iter()
                    .filter(|(p, _)| p.starts_with("prometheus/") && !p.contains("/tests/"))
                    .map(|(p, t)| (p.clone(), t.clone()))
                    .collect();
                let key = hash_of(&files);
                if !self.prom.contains_key(&key) && queued.insert(key) {
                    todo_prom.push((key, files));
                }
                acc.prom = Some(key);
            }
            if self.tools.amtool
                && let Some(t) = bundle.get("alertmanager/alertmanager.yml")
            {
                let key = hash_of(t);
                if !self.am.contains_key(&key) && queued.insert(key) {
                    todo_am.push((key, t.to_string()));
                }
                acc.am = Some(key);
            }
            if self.tools.nginx
                && let Some(t) = bundle.get("nginx/nginx.conf")
            {
                let key = hash_of(t);
                if !self.nginx.contains_key(&key) {
                    let v = self.nginx_check(&model);
                    self.nginx.insert(key, v);
                }
                acc.nginx = Some(key);
            }
            if self.tools.blackbox
                && let Some(t) = bundle.get("blackbox/blackbox.yml")
            {
                let key = hash_of(t);
                if !self.blackbox.contains_key(&key) {
                    let v = self.blackbox_check(t);
                    self.blackbox.insert(key, v);
                }
                if let Some(Err(e)) = self.blackbox.get(&key) {
                    acc.findings
                        .push(("blackbox exporter --config.check", e.clone()));
                }
            }
            if self.tools.systemd {
                let mut stand_in: Option<Bundle> = None;
                for (p, text) in bundle
                    .files
                    .iter()
                    .filter(|(p, _)| p.starts_with("systemd/"))
                {
                    let name = p.trim_start_matches("systemd/").to_string();
                    let key = hash_of(&(&name, text));
                    if !self.units.contains_key(&key) && queued.insert(key) {
                        if stand_in.is_none() {
                            let root = self.fresh("stubs");
                            let m = Self::systemd_stand_in(&model, &root);
                            stand_in = Some(ccmon::emit::emit(&m));
                        }
                        let sb = stand_in.as_ref().expect("made above");
                        let t = sb.get(p).unwrap_or(text).to_string();
                        todo_units.push((key, name.clone(), t));
                    }
                    acc.units.push((name, key));
                }
            }
            // The injection oracles that need no tool.
            let m = &acc.case.mutation;
            if m.is_string_edit() {
                for (p, text) in bundle
                    .files
                    .iter()
                    .filter(|(p, _)| p.starts_with("systemd/"))
                {
                    let name = p.trim_start_matches("systemd/");
                    if let Some(b) = base.units.get(name)
                        && let Some(d) = compare_units(b, &unit_keys(text))
                    {
                        acc.findings
                            .push(("systemd (value became syntax)", format!("{name}: {d}")));
                    }
                }
                acc.findings.extend(compare_templates(
                    base.templates,
                    template_counts(&bundle),
                    m,
                ));
            }
            accepted.push(acc);
        }
        if !todo_prom.is_empty() {
            self.run_prom(todo_prom);
        }
        if !todo_am.is_empty() {
            self.run_am(todo_am);
        }
        if !todo_units.is_empty() {
            self.run_units(todo_units);
        }
        for acc in accepted {
            let mut found = acc.findings;
            if let Some(Err(e)) = acc.prom.and_then(|k| self.prom.get(&k)) {
                found.push(("promtool check config", e.clone()));
            }
            if let Some(Err(e)) = acc.am.and_then(|k| self.am.get(&k)) {
                found.push(("amtool check-config", e.clone()));
            }
            if let Some((v, directives)) = acc.nginx.and_then(|k| self.nginx.get(&k)) {
                if let Err(e) = v {
                    found.push(("nginx -T", e.clone()));
                }
                let m = &acc.case.mutation;
                let exempt = matches!(m.key.as_str(), "proxy.balance" | "proxy.nginx_version")
                    || (m.key == "proxy.health_path" && m.value == "\"\"");
                let base = bases[&acc.case.example].nginx.as_deref();
                if m.is_string_edit()
                    && !exempt
                    && let Some(base) = base
                    && let Some(d) = compare_nginx(
                        base,
                        directives,
                        matches!(m.op, Op::Replace | Op::Append | Op::Rename),
                    )
                {
                    found.push(("nginx (value became syntax)", d));
                }
            }
            for (name, key) in &acc.units {
                if let Some(Err(e)) = self.units.get(key) {
                    let e = if e.contains(name.as_str()) {
                        e.clone()
                    } else {
                        format!("{name}: {e}")
                    };
                    found.push(("systemd-analyze verify", e));
                }
            }
            for (tool, msg) in found {
                self.finding(&acc.case, tool, msg, &acc.warnings);
            }
        }
    }

    fn finding(&mut self, case: &Case, tool: &str, message: String, warnings: &[&'static str]) {
        self.findings.push(Finding {
            case: case.id,
            example: case.example.clone(),
            mutation: case.mutation.clone(),
            tool: tool.to_string(),
            message,
            warnings: warnings.to_vec(),
        });
    }
}

/// The batch positions of the units `systemd-analyze verify` complains about (`u12-x.service`
/// is 12), or `None` when a line of its output names none.
fn named_units(out: &str) -> Option<Vec<usize>> {
    let mut found = Vec::new();
    for line in out.lines().filter(|l| !l.trim().is_empty()) {
        let i = line.match_indices('u').find_map(|(p, _)| {
            let before = line[..p].chars().last();
            let digits: String = line[p + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let after = line[p + 1 + digits.len()..].starts_with('-');
            (before.is_none_or(|c| c == '/' || c == ' ') && !digits.is_empty() && after)
                .then(|| digits.parse::<usize>().ok())
                .flatten()
        })?;
        found.push(i);
    }
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// `prom12/prometheus/x` is `prometheus/x` to the reader.
fn strip_serial(msg: &str, tag: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(tag) {
        let after = &rest[i + tag.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let at_start = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric());
        if digits > 0 && at_start && after[digits..].starts_with('/') {
            out.push_str(&rest[..i]);
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[..i + tag.len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Report

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let head: String = s.chars().take(n).collect();
        format!("{head}… ({} chars)", s.chars().count())
    }
}

/// The line of a tool's message that says what is wrong (with the next one when it only
/// announces it, as promtool's `FAILED:`).
fn gist(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let i = [
        "[emerg]", "[alert]", "[warn]", "FAILED", "rror", "nknown", "nvalid",
    ]
    .iter()
    .find_map(|w| lines.iter().position(|l| l.contains(w)))
    .unwrap_or(0);
    match (lines.get(i), lines.get(i + 1)) {
        (Some(l), Some(next)) if l.ends_with(':') => format!("{l} {next}"),
        (Some(l), _) => l.to_string(),
        (None, _) => String::new(),
    }
}

/// A finding's class: the key without indices, the judge, and the message with the user's
/// quoted text, numbers and line positions blanked.
fn class_key(f: &Finding) -> String {
    let key: String = {
        let mut k = String::new();
        let mut skip = false;
        for c in f.mutation.key.chars() {
            match c {
                '[' => {
                    skip = true;
                    k.push_str("[]");
                }
                ']' => skip = false,
                c if !skip => k.push(c),
                _ => {}
            }
        }
        k
    };
    let mut msg = String::new();
    let mut quote: Option<char> = None;
    for c in gist(&f.message).chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                msg.push('…');
                msg.push(c);
            }
            Some(_) => {}
            None if c == '"' || c == '`' || c == '\'' => {
                quote = Some(c);
                msg.push(c);
            }
            None if c.is_ascii_digit() => {
                if !msg.ends_with('N') {
                    msg.push('N');
                }
            }
            None => msg.push(c),
        }
    }
    let msg: String = msg.chars().take(140).collect();
    format!("{key} | {} | {msg}", f.tool)
}

fn report(h: &Harness, seed: u64) -> String {
    let mut classes: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &h.findings {
        classes.entry(class_key(f)).or_default().push(f);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} disagreements in {} classes (key | judge | message):",
        h.findings.len(),
        classes.len()
    );
    for (class, list) in &classes {
        let f = list[0];
        let _ = writeln!(
            s,
            "\n* {class}\n  {} case(s), e.g. case {} on {}: {} {} {}",
            list.len(),
            f.case,
            f.example,
            f.mutation.key,
            op_word(f.mutation.op),
            clip(&f.mutation.value, 100),
        );
        for l in f.message.lines().filter(|l| !l.trim().is_empty()).take(6) {
            let _ = writeln!(s, "    | {}", l.chars().take(220).collect::<String>());
        }
    }
    let _ = writeln!(s, "\nEvery disagreement:");
    for f in &h.findings {
        let _ = writeln!(
            s,
            "- case {} ({}): {} {} {} -> {}: {}{}",
            f.case,
            f.example,
            f.mutation.key,
            op_word(f.mutation.op),
            clip(&f.mutation.value, 80),
            f.tool,
            gist(&f.message).chars().take(200).collect::<String>(),
            if f.warnings.is_empty() {
                String::new()
            } else {
                format!(" (validate warned: {})", f.warnings.join(", "))
            }
        );
    }
    let _ = writeln!(
        s,
        "\nReproduce one: CCMON_DIFF_SEED={seed} CCMON_DIFF_CASE=<case> \
         cargo test --test differential -- --nocapture"
    );
    s
}

fn op_word(op: Op) -> &'static str {
    match op {
        Op::Replace => "=",
        Op::Append => "+=",
        Op::Push => "<<",
        Op::Strings => "=",
        Op::Rename => "~",
        Op::Number => "=",
        Op::Structure => ":",
    }
}

// ---------------------------------------------------------------------------------------------
// The test

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
    )
}

/// A mutant of an example's stack file as a source, named by the example's path (so that the
/// files it names, templates, resolve) and with the service files the example includes, as
/// they are: only the stack file is mutated.
fn source_of(example: &str, text: String) -> Source {
    let mut src = Source::new(format!("examples/{example}/monitoring.toml"), text);
    let original = example_source(example);
    for (name, range) in original.parts() {
        src.push_part(name, &original.text[range]);
    }
    src
}

/// The unmutated example after a TOML round trip, checked to render exactly as the original:
/// the round trip must not change what a mutant means.
fn base_of(name: &str) -> (Value, Model, Bundle) {
    let src = example_source(name);
    let doc: Table = toml::from_str(src.main_text()).expect("example parses");
    let doc = Value::Table(doc);
    let text = to_toml(&doc);
    let compile = |s: &Source| {
        let mut d = Diags::default();
        let m = ccmon::compile(s, &mut d)
            .unwrap_or_else(|| panic!("{}:\n{}", s.name, ccmon::diag::render_all_human(s, &d)));
        let b = ccmon::emit::emit(&m);
        (m, b)
    };
    let (_, original) = compile(&src);
    let (model, bundle) = compile(&source_of(name, text));
    assert_eq!(
        original.files, bundle.files,
        "{name}: the TOML round trip changes the render"
    );
    (doc, model, bundle)
}

#[test]
fn validate_accepts_nothing_the_real_tools_reject() {
    let tools = Tools {
        promtool: require_tool("promtool"),
        amtool: require_tool("amtool"),
        nginx: require_tool("nginx") && require_tool("openssl"),
        systemd: require_tool("systemd-analyze"),
        blackbox: require_tool("prometheus-blackbox-exporter"),
    };
    if !(tools.promtool || tools.amtool || tools.nginx || tools.systemd) {
        eprintln!("SKIPPED: none of the tools is installed");
        return;
    }
    let start = Instant::now();
    // A fixed seed by default, so that CI judges the same cases on every run; `random`
    // explores (the seed is printed, to repeat a finding).
    let seed = match std::env::var("CCMON_DIFF_SEED").as_deref() {
        Ok("random") => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            (t ^ u64::from(std::process::id())) % 1_000_000_000
        }
        _ => env_u64("CCMON_DIFF_SEED").unwrap_or(1),
    };
    let cases = env_u64("CCMON_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let seconds = env_u64("CCMON_DIFF_SECONDS").unwrap_or(DEFAULT_SECONDS);
    let only = std::env::var("CCMON_DIFF_CASE").ok().map(|v| {
        CaseId::parse(v.trim())
            .unwrap_or_else(|| panic!("CCMON_DIFF_CASE={v:?}: expected `fixed-N` or a number"))
    });
    eprintln!(
        "differential: seed {seed} (CCMON_DIFF_SEED), {cases} random cases (CCMON_DIFF_CASES), \
         {seconds} s budget (CCMON_DIFF_SECONDS)"
    );

    let tmp = TempDir::new("differential");
    let mut h = Harness {
        dir: tmp.path().to_path_buf(),
        tools,
        cert: None,
        serial: 0,
        prom: HashMap::new(),
        am: HashMap::new(),
        units: HashMap::new(),
        nginx: HashMap::new(),
        blackbox: HashMap::new(),
        stats: Stats::default(),
        findings: Vec::new(),
    };
    let mut bases = BTreeMap::new();
    let mut models = Vec::new();
    for name in examples() {
        let (doc, model, bundle) = base_of(&name);
        bases.insert(
            name.clone(),
            Base {
                doc,
                templates: template_counts(&bundle),
                units: bundle
                    .files
                    .iter()
                    .filter_map(|(p, t)| {
                        p.strip_prefix("systemd/")
                            .map(|n| (n.to_string(), unit_keys(t)))
                    })
                    .collect(),
                nginx: None,
            },
        );
        models.push((name, model));
    }
    // A throwaway certificate from ccmon's own stand-in (it runs openssl).
    if tools.nginx
        && let Some((_, m)) = models
            .iter()
            .find(|(_, m)| m.proxy.as_ref().is_some_and(|p| p.tls.is_some()))
    {
        let d = h.fresh("cert");
        let s = ccmon::tools::nginx_stand_in(m, &d).expect("openssl makes a certificate");
        let t = s.proxy.and_then(|p| p.tls).expect("tls");
        h.cert = Some((
            fs::read_to_string(&t.certificate).expect("certificate"),
            fs::read_to_string(&t.certificate_key).expect("key"),
        ));
    }
    // The harness must find nothing to say about the unmutated examples.
    for (name, model) in &models {
        if tools.nginx && model.proxy.is_some() {
            let (v, directives) = h.nginx_check(model);
            assert!(
                v.is_ok(),
                "harness: nginx rejects the unmutated {name}: {v:?}"
            );
            bases.get_mut(name).expect("base").nginx = Some(directives);
        }
        let case = Case {
            id: CaseId::Fixed(usize::MAX),
            example: name.clone(),
            mutation: Mutation {
                key: "(none)".into(),
                op: Op::Structure,
                value: "the unmutated example".into(),
            },
            text: to_toml(&bases[name].doc),
        };
        h.run_chunk(vec![case], &bases);
        assert!(
            h.findings.is_empty(),
            "harness: the unmutated {name} is rejected:\n{}",
            report(&h, seed)
        );
    }
    let baseline_runs: usize = h.stats.runs.values().sum();
    h.stats = Stats::default();
    let fixed = fixed_mutants();

    let ids: Vec<CaseId> = match only {
        Some(id) => vec![id],
        None => (0..fixed.len())
            .map(CaseId::Fixed)
            .chain((0..cases).map(CaseId::Random))
            .collect(),
    };
    if let Some(id) = only {
        let case = make_case(id, seed, &bases, &fixed);
        let file =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("differential-case-{id}.toml"));
        fs::write(&file, &case.text).expect("write the case");
        eprintln!(
            "case {id} on {}: {} {} {}\n  its config: {}",
            case.example,
            case.mutation.key,
            op_word(case.mutation.op),
            clip(&case.mutation.value, 200),
            file.display()
        );
    }
    let mut stopped = None;
    for (n, chunk) in ids.chunks(CHUNK).enumerate() {
        if start.elapsed().as_secs() >= seconds {
            stopped = Some(n * CHUNK);
            break;
        }
        let cases: Vec<Case> = chunk
            .iter()
            .map(|id| make_case(*id, seed, &bases, &fixed))
            .collect();
        h.run_chunk(cases, &bases);
    }

    let st = &h.stats;
    assert!(st.cases > 0, "no case ran within {seconds} s");
    let runs: usize = st.runs.values().sum();
    let per_tool: Vec<String> = st.runs.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let summary = format!(
        "differential: seed {seed}: {} cases run ({} fixed){} in {:.0} s: {} refused by validate, \
         {} accepted ({} with warnings), {} tool runs ({}; {} on the unmutated examples), \
         {} batch rejections not repeated alone, {} disagreements",
        st.cases,
        st.fixed,
        match stopped {
            Some(k) => format!(
                ", stopped by the {seconds} s budget after {k} of {} cases",
                ids.len()
            ),
            None => String::new(),
        },
        start.elapsed().as_secs_f64(),
        st.refused,
        st.accepted,
        st.warned,
        runs,
        per_tool.join(", "),
        baseline_runs,
        st.unconfirmed,
        h.findings.len(),
    );
    let text = format!("{summary}\n\n{}", report(&h, seed));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential-report.txt");
    let _ = fs::write(&out, &text);
    if h.findings.is_empty() {
        eprintln!("{summary}");
    } else {
        panic!(
            "validate accepts configs that the real tools reject (report: {}):\n{text}",
            out.display()
        );
    }
}
