//! Property test of `src/escape.rs`: arbitrary strings (blanks, quotes, backslashes, line
//! breaks, `;`, braces, `$`, `%`, `{{`, control characters, non-ASCII) in every free-text key
//! that reaches nginx.conf, a systemd unit, filebeat.yml or an alert label. For each one,
//! either `validate` refuses the config, or the generated file, read back the way its reader
//! reads it, holds exactly the value given, and nothing else changed shape (no directive,
//! setting or section was added or removed). The readers here are written from the tools'
//! rules, not from ccmon's escaping; the real tools then judge the accepted values: `nginx -t`
//! creates the log file at exactly the path given, `systemd-analyze verify` finds the program
//! at exactly the path given and says nothing else, and `promtool test rules` sees exactly the
//! label values given.
//!
//! Seeded: `CCMON_ROUNDTRIP_SEED=N` repeats a run, `CCMON_ROUNDTRIP_CASES=N` sets the number of
//! strings per key.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use ccmon::diag::Diags;
use ccmon::diag::source::Source;
use common::{TempDir, require_tool, run};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "/",
    "/",
    "/",
    ".",
    "..",
    "-",
    "_",
    " ",
    "\t",
    "\n",
    "\r",
    ";",
    "{",
    "}",
    "#",
    "$",
    "${ES_PWD}",
    "$host",
    "%",
    "%n",
    "%%",
    "\"",
    "'",
    "\\",
    "`",
    "{{",
    "}}",
    "{{ $value }}",
    "@",
    ":",
    "=",
    "*",
    "~",
    "?",
    "&",
    ",",
    "é",
    "日本",
    "\u{7}",
    "\u{0}",
    "\u{7f}",
    "!",
    "+",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "|",
    "^",
];

fn arbitrary(rng: &mut Rng) -> String {
    let n = rng.below(10);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// The TOML basic string for `s`.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn seed() -> u64 {
    std::env::var("CCMON_ROUNDTRIP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x00cc_4011)
}

fn cases() -> usize {
    std::env::var("CCMON_ROUNDTRIP_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

const BASE: &str = r#"
[project]
name = "shop"
environment = @ENV@

[[job]]
name = "shop"
targets = ["localhost:8080"]

[[alert]]
name = "ShopDown"
kind = "target_down"
job = "shop"
for = "1m"
severity = "critical"
summary = "shop is down"
labels = { team = @LABEL@ }

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/alerts"

[logs]
[[logs.input]]
id = "shop"
paths = [@LOGPATH@]
service = @LOGSERVICE@
labels = { tier = @LOGLABEL@ }
[logs.elasticsearch]
hosts = ["https://es:9200"]
username = @ESUSER@
ca_file = @CAFILE@

[proxy]
server_names = [@SERVERNAME@]
health_path = @HEALTH@
pid_file = @PID@
access_log = @ACCESS@
error_log = @ERROR@
[[proxy.backend]]
address = "127.0.0.1:8080"
[proxy.tls]
certificate = @CERT@
certificate_key = @KEY@
ciphers = @CIPHERS@

[services.prometheus]
extra_flags = [@FLAG@]

[[services.app]]
name = "shop"
description = @DESCRIPTION@
exec = @EXEC@
user = @USER@
working_directory = @WORKDIR@
environment_file = @ENVFILE@
read_write_paths = [@RWPATH@]
"#;

/// Every placeholder with the value it has when it is not under test.
const DEFAULTS: &[(&str, &str)] = &[
    ("ENV", "production"),
    ("LABEL", "web"),
    ("LOGPATH", "/var/log/shop/*.log"),
    ("LOGSERVICE", "shop"),
    ("LOGLABEL", "front"),
    ("ESUSER", "filebeat"),
    ("CAFILE", "/etc/filebeat/ca.crt"),
    ("SERVERNAME", "shop.example.com"),
    ("HEALTH", "/health"),
    ("PID", "/run/nginx.pid"),
    ("ACCESS", "/var/log/nginx/access.log"),
    ("ERROR", "/var/log/nginx/error.log"),
    ("CERT", "/etc/nginx/shop.crt"),
    ("KEY", "/etc/nginx/shop.key"),
    ("CIPHERS", "HIGH:!aNULL:!MD5"),
    ("FLAG", "--log.level=info"),
    ("DESCRIPTION", "Shop API"),
    ("EXEC", "/opt/shop/bin/shop --port 8080"),
    ("USER", "shop"),
    ("WORKDIR", "/opt/shop"),
    ("ENVFILE", "/etc/shop/env"),
    ("RWPATH", "/var/lib/shop"),
];

fn config(key: &str, value: &str) -> String {
    let mut text = BASE.to_string();
    for (k, d) in DEFAULTS {
        let v = if *k == key { value } else { d };
        text = text.replace(&format!("@{k}@"), &toml_str(v));
    }
    text
}

/// The generated files for the config with `key` set to `value`, or `None` when validate
/// refuses it.
fn render(key: &str, value: &str) -> Option<BTreeMap<String, String>> {
    let src = Source::new("roundtrip.toml", config(key, value));
    let mut diags = Diags::default();
    let model = ccmon::compile(&src, &mut diags)?;
    Some(ccmon::emit::emit(&model).files)
}

// ---- nginx, as ngx_conf_read_token reads a file ----

/// Directives as (name, arguments, nesting depth); `{` and `}` are recorded as directives
/// named `{` and `}` so that the shape of the file is part of the comparison.
fn nginx_directives(text: &str) -> Vec<(String, Vec<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut words) = (Vec::new(), Vec::<String>::new());
    let mut i = 0;
    let end = |words: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>, mark: &str| {
        if !words.is_empty() {
            let name = words.remove(0);
            out.push((name, std::mem::take(words)));
        }
        if !mark.is_empty() {
            out.push((mark.to_string(), Vec::new()));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' | '\n' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ';' => {
                end(&mut words, &mut out, "");
                i += 1;
            }
            '{' => {
                end(&mut words, &mut out, "{");
                i += 1;
            }
            '}' => {
                end(&mut words, &mut out, "}");
                i += 1;
            }
            '"' | '\'' => {
                let mut w = String::new();
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        match chars[i + 1] {
                            '"' | '\'' | '\\' => w.push(chars[i + 1]),
                            't' => w.push('\t'),
                            'r' => w.push('\r'),
                            'n' => w.push('\n'),
                            other => {
                                w.push('\\');
                                w.push(other);
                            }
                        }
                        i += 2;
                    } else {
                        w.push(chars[i]);
                        i += 1;
                    }
                }
                i += 1;
                words.push(w);
            }
            _ => {
                let mut w = String::new();
                while i < chars.len() && !" \t\r\n;{".contains(chars[i]) {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        w.push(chars[i + 1]);
                        i += 2;
                    } else {
                        w.push(chars[i]);
                        i += 1;
                    }
                }
                words.push(w);
            }
        }
    }
    out
}

fn nginx_arg(conf: &str, directive: &str, index: usize) -> Vec<String> {
    nginx_directives(conf)
        .into_iter()
        .filter(|(n, _)| n == directive)
        .nth(index)
        .map(|(_, a)| a)
        .unwrap_or_default()
}

fn names(d: &[(String, Vec<String>)]) -> Vec<&str> {
    d.iter().map(|(n, _)| n.as_str()).collect()
}

// ---- systemd, as its unit-file parser and ExecStart= splitting read a file ----

/// (section, key, value) in order: comments dropped, `\` at the end of a line joins the next,
/// blanks around keys and values dropped.
fn unit_settings(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut pending = String::new();
    for line in text.lines() {
        // A comment line inside a continuation is skipped, and the continuation goes on.
        if !pending.is_empty() && line.trim_start().starts_with(['#', ';']) {
            continue;
        }
        let joined = format!("{pending}{line}");
        if let Some(cont) = joined.strip_suffix('\\') {
            pending = format!("{cont} ");
            continue;
        }
        pending.clear();
        let l = joined.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if l.starts_with('[') && l.ends_with(']') {
            section = l.to_string();
            continue;
        }
        let (k, v) = l.split_once('=').unwrap_or((l, "<no =>"));
        out.push((section.clone(), k.trim().to_string(), v.trim().to_string()));
    }
    out
}

/// A value after specifier expansion, when it holds only `%%` specifiers.
fn unspecified(v: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '%' && chars.next()? != '%' {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// `ExecStart=` words: quotes and C escapes removed, `%%` and `$$` made single. With
/// `expand`, `${NAME}` stays: the unit has an environment file, and `${NAME}` in `exec` is the
/// user's reference to it (by design).
fn exec_words(v: &str, expand: bool) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = v.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else {
            break;
        };
        let mut w = String::new();
        let quote = (first == '"' || first == '\'').then(|| chars.next().unwrap());
        loop {
            match chars.next() {
                None if quote.is_some() => return None,
                None => break,
                Some(c) if Some(c) == quote => break,
                Some(c) if quote.is_none() && c.is_whitespace() => break,
                Some('\\') => match chars.next()? {
                    'n' => w.push('\n'),
                    't' => w.push('\t'),
                    c => w.push(c),
                },
                Some(c) => w.push(c),
            }
        }
        let w = unspecified(&w)?;
        // A single `$` is an expansion: only `${NAME}` on purpose, with `expand`.
        let singles = w.replace("$$", "");
        let refs_ok = expand && singles.split('$').skip(1).all(|r| r.starts_with('{'));
        if singles.contains('$') && !refs_ok {
            return None;
        }
        words.push(w.replace("$$", "$"));
    }
    Some(words)
}

fn shape(settings: &[(String, String, String)]) -> Vec<(String, String)> {
    settings
        .iter()
        .map(|(s, k, _)| (s.clone(), k.clone()))
        .collect()
}

fn setting<'a>(settings: &'a [(String, String, String)], key: &str) -> Option<&'a str> {
    settings
        .iter()
        .find(|(_, k, _)| k == key)
        .map(|(_, _, v)| v.as_str())
}

// ---- Filebeat: YAML, then go-ucfg's `${...}` expansion with `$$` for a literal `$` ----

fn ucfg(v: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek() {
                Some('$') => {
                    chars.next();
                }
                Some('{') => return None,
                _ => {}
            }
        }
        out.push(c);
    }
    Some(out)
}

fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("YAML does not parse: {e}\n{text}"))
}

/// Every string in the document, by JSON pointer.
fn strings(v: &serde_json::Value, at: String, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(at, s.clone());
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                strings(x, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// What one key's generated file reads back as, compared with the value given.
fn read_back(
    key: &str,
    value: &str,
    files: &BTreeMap<String, String>,
    base: &BTreeMap<String, String>,
) -> Result<(), String> {
    let nginx = |f: &BTreeMap<String, String>| f["nginx/nginx.conf"].clone();
    let unit = |f: &BTreeMap<String, String>, n: &str| f[&format!("systemd/{n}.service")].clone();
    let want = |got: Vec<String>, expected: Vec<&str>| {
        if got == expected {
            Ok(())
        } else {
            Err(format!("read back as {got:?}"))
        }
    };
    match key {
        "PID" | "ACCESS" | "ERROR" | "CERT" | "KEY" | "CIPHERS" | "SERVERNAME" | "HEALTH" => {
            let (conf, old) = (nginx(files), nginx(base));
            let (d, o) = (nginx_directives(&conf), nginx_directives(&old));
            if names(&d) != names(&o) {
                return Err(format!("the directives changed:\n{conf}"));
            }
            let (directive, index, pick) = match key {
                "PID" => ("pid", 0, 0),
                "ACCESS" => ("access_log", 0, 0),
                "ERROR" => ("error_log", 0, 0),
                "CERT" => ("ssl_certificate", 0, 0),
                "KEY" => ("ssl_certificate_key", 0, 0),
                "CIPHERS" => ("ssl_ciphers", 0, 0),
                "SERVERNAME" => ("server_name", 0, 0),
                _ => ("location", 1, 1),
            };
            let args = nginx_arg(&conf, directive, index);
            want(args.get(pick).cloned().into_iter().collect(), vec![value])?;
            if value.contains('$') {
                return Err("a `$` reached nginx, which would expand it".into());
            }
            Ok(())
        }
        "DESCRIPTION" | "USER" | "WORKDIR" | "ENVFILE" | "RWPATH" | "EXEC" | "FLAG" => {
            let name = if key == "FLAG" { "prometheus" } else { "shop" };
            let (s, o) = (
                unit_settings(&unit(files, name)),
                unit_settings(&unit(base, name)),
            );
            if shape(&s) != shape(&o) {
                return Err(format!("the settings changed:\n{}", unit(files, name)));
            }
            let one = |k: &str| setting(&s, k).and_then(unspecified);
            match key {
                "DESCRIPTION" => want(one("Description").into_iter().collect(), vec![value]),
                "USER" => want(
                    setting(&s, "User")
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                    vec![value],
                ),
                "WORKDIR" => want(one("WorkingDirectory").into_iter().collect(), vec![value]),
                "ENVFILE" => want(one("EnvironmentFile").into_iter().collect(), vec![value]),
                "RWPATH" => want(
                    one("ReadWritePaths")
                        .map(|v| v.trim_start_matches('-').to_string())
                        .into_iter()
                        .collect(),
                    vec![value],
                ),
                "EXEC" => {
                    let words = setting(&s, "ExecStart")
                        .and_then(|v| exec_words(v, true))
                        .unwrap_or_default();
                    want(words, value.split_whitespace().collect())
                }
                _ => {
                    let words = setting(&s, "ExecStart")
                        .and_then(|v| exec_words(v, false))
                        .unwrap_or_default();
                    want(words.last().cloned().into_iter().collect(), vec![value])
                }
            }
        }
        "ENV" | "LOGPATH" | "LOGSERVICE" | "LOGLABEL" | "ESUSER" | "CAFILE" => {
            let (mut got, mut old) = (BTreeMap::new(), BTreeMap::new());
            strings(
                &yaml(&files["filebeat/filebeat.yml"]),
                String::new(),
                &mut got,
            );
            strings(
                &yaml(&base["filebeat/filebeat.yml"]),
                String::new(),
                &mut old,
            );
            if got.keys().ne(old.keys()) {
                return Err("the keys of filebeat.yml changed".into());
            }
            let changed: Vec<Option<String>> = got
                .iter()
                .filter(|(k, v)| old[*k] != **v || k.ends_with("/environment") && key == "ENV")
                .map(|(_, v)| ucfg(v))
                .collect();
            if changed.iter().any(|c| c.as_deref() != Some(value)) {
                return Err(format!("Filebeat would read {changed:?}"));
            }
            Ok(())
        }
        _ => {
            let rules = files
                .iter()
                .find(|(p, _)| p.starts_with("prometheus/rules/"))
                .map(|(_, t)| yaml(t))
                .ok_or("no rule file")?;
            let got = rules["groups"][0]["rules"][0]["labels"]["team"]
                .as_str()
                .unwrap_or_default();
            if got.contains("{{") {
                return Err("a template in a label".into());
            }
            want(vec![got.to_string()], vec![value])
        }
    }
}

#[test]
fn every_free_text_value_reads_back_exactly_or_is_refused() {
    let base = render("", "").expect("the base config is valid");
    let mut rng = Rng(seed());
    let (mut accepted, mut refused, mut failures) = (0, 0, Vec::new());
    for (key, _) in DEFAULTS {
        for _ in 0..cases() {
            let v = arbitrary(&mut rng);
            if *key == "HEALTH" && v.is_empty() {
                continue; // `health_path = ""` means no health location, by design.
            }
            match render(key, &v) {
                None => refused += 1,
                Some(files) => {
                    accepted += 1;
                    if let Err(why) = read_back(key, &v, &files, &base) {
                        failures.push(format!("{key} = {v:?}: {why}"));
                    }
                }
            }
        }
    }
    eprintln!(
        "roundtrip (seed {}): {accepted} values accepted and read back, {refused} refused, {} wrong",
        seed(),
        failures.len()
    );
    assert!(
        accepted > 100 && refused > 100,
        "the generator tests too little"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Paths ccmon accepted, under a temporary folder, given to the real tools: `nginx -t`
/// creates the error log at exactly that path; `systemd-analyze verify` finds the program at
/// exactly that path and says nothing.
#[test]
fn the_real_tools_read_accepted_paths_exactly() {
    let nginx_ok = require_tool("nginx") || std::path::Path::new("/usr/sbin/nginx").exists();
    if !nginx_ok || !require_tool("systemd-analyze") {
        return;
    }
    let tmp = TempDir::new("roundtrip-tools");
    let dir = tmp.path().display().to_string();
    let mut rng = Rng(seed() ^ 0x55);
    let (mut nginx_runs, mut units) = (0, Vec::new());
    let mut failures = Vec::new();
    for i in 0..(cases() / 3).max(20) {
        let tail: String = arbitrary(&mut rng).replace(['/', '\0'], "_");
        let path = format!("{dir}/log-{i}-{tail}.log");
        let Some(files) = render("ERROR", &path) else {
            continue;
        };
        let conf = files["nginx/nginx.conf"]
            .replace("/run/nginx.pid", &format!("{dir}/nginx-{i}.pid"))
            .replace(
                "/var/log/nginx/access.log",
                &format!("{dir}/access-{i}.log"),
            );
        // TLS files do not exist here: the server block keeps its listens, without TLS.
        let conf: String = conf
            .lines()
            .filter(|l| !l.trim_start().starts_with("ssl_") && l.trim() != "http2 on;")
            .map(|l| {
                l.replace(" ssl http2;", ";")
                    .replace(" ssl;", ";")
                    .replace(":8080", ":18080")
                    + "\n"
            })
            .collect();
        let conf = conf
            .replace("listen 443;", "listen 18443;")
            .replace("listen 80;", "listen 18081;");
        let file = format!("{dir}/nginx-{i}.conf");
        std::fs::write(&file, &conf).unwrap();
        let nginx = if ccmon::tools::on_path("nginx") {
            "nginx"
        } else {
            "/usr/sbin/nginx"
        };
        let (ok, out) = run(Command::new(nginx).args(["-t", "-q", "-p", &dir, "-c", &file]));
        nginx_runs += 1;
        if !ok {
            failures.push(format!("nginx -t refused error_log {path:?}: {out}"));
        } else if !std::path::Path::new(&path).exists() {
            failures.push(format!("nginx did not create {path:?}"));
        }
    }
    for i in 0..(cases() / 3).max(20) {
        // `exec` is split on blanks, so a program path has none.
        let tail: String = arbitrary(&mut rng)
            .replace(['/', '\0'], "_")
            .replace(char::is_whitespace, "");
        let program = format!("{dir}/bin-{i}-{tail}");
        let Some(files) = render("EXEC", &format!("{program} --port 8080")) else {
            continue;
        };
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        let mut perm = std::fs::metadata(&program).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&program, perm).unwrap();
        let unit = format!("{dir}/shop-{i}.service");
        std::fs::write(&unit, files["systemd/shop.service"].as_bytes()).unwrap();
        units.push((unit, program));
    }
    if !units.is_empty() {
        let (_, out) = run(Command::new("systemd-analyze")
            .arg("verify")
            .args(units.iter().map(|(u, _)| u)));
        let out: String = out
            .lines()
            .filter(|l| !l.contains("/opt/shop") && !l.contains("network-online.target"))
            .collect::<Vec<_>>()
            .join("\n");
        if !out.trim().is_empty() {
            failures.push(format!("systemd-analyze verify:\n{out}"));
        }
    }
    eprintln!(
        "roundtrip with the real tools: {nginx_runs} nginx -t runs, {} units verified",
        units.len()
    );
    assert!(
        nginx_runs > 5 && units.len() > 5,
        "too few accepted paths to judge"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Alert label values ccmon accepted, all in one rule file: promtool's own test of the
/// generated rule tests sees exactly these values (a template in a label would be expanded).
#[test]
fn promtool_sees_accepted_label_values_exactly() {
    if !require_tool("promtool") {
        return;
    }
    let mut rng = Rng(seed() ^ 0xaa);
    let mut text = config("", "");
    let mut n = 0;
    // promtool's time on the generated tests grows with the square of the alerts: 60 is plenty.
    for i in 0..cases().min(60) {
        let v = arbitrary(&mut rng);
        let alert = format!(
            "\n[[alert]]\nname = \"Label{i}\"\nkind = \"target_down\"\njob = \"shop\"\nfor = \"1m\"\nseverity = \"warning\"\nsummary = \"x\"\nlabels = {{ team = {} }}\n",
            toml_str(&v)
        );
        let candidate = format!("{text}{alert}");
        if ccmon::compile(
            &Source::new("l.toml", candidate.clone()),
            &mut Diags::default(),
        )
        .is_some()
        {
            text = candidate;
            n += 1;
        }
    }
    let model = ccmon::compile(&Source::new("l.toml", text), &mut Diags::default()).unwrap();
    let run = ccmon::tools::run_rule_tests(&model).expect("rule tests run");
    let (ok, out) = (run.passed, run.output);
    eprintln!(
        "promtool test rules on {n} accepted label values: {}",
        if ok { "SUCCESS" } else { "FAILED" }
    );
    assert!(n > 20, "too few accepted label values");
    assert!(ok, "{out}");
}
