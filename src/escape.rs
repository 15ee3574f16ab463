//! How a string from `monitoring.toml` becomes a token of each output format: one place per
//! format.
//!
//! Each function returns the exact text to write, such that the reader of that file gets the
//! user's value back and nothing else, or says why no such text exists. `check` calls these
//! functions on every free-text value and turns a refusal into a diagnostic at the value's TOML
//! line (CM210); the emitters call the same functions and can then only succeed.
//!
//! YAML outputs need no escaping of their own (serde-saphyr quotes what YAML would misread);
//! what matters there is what the *reader* does with the string after YAML: Prometheus expands
//! Go templates in alert labels, Filebeat expands `${...}` everywhere.

use std::borrow::Cow;

/// Why a value cannot be written: a short phrase, shown as the diagnostic's label.
pub type Refusal = &'static str;

fn control(v: &str) -> bool {
    v.chars().any(char::is_control)
}

/// nginx (`ngx_conf_read_token`, 1.22): an unquoted argument ends at a blank, `;` or `{`, and
/// `"`, `'` and `#` mean something at its start; inside double quotes only `\` and `"` are
/// special. nginx expands `$name` in the arguments of many directives (log and certificate
/// paths, `proxy_pass`, `return`) and has no escape for a literal `$`.
pub mod nginx {
    use super::*;

    fn bare(c: char) -> bool {
        c.is_ascii_alphanumeric() || "._/:@+=,~%!*-".contains(c)
    }

    /// Any directive argument: bare when it holds only characters that cannot end or change
    /// a token, otherwise double-quoted with `\` and `"` escaped.
    pub fn arg(v: &str) -> Result<Cow<'_, str>, Refusal> {
        if control(v) {
            return Err("a control character (a line break ends the directive)");
        }
        if v.contains('$') {
            return Err("`$` starts an nginx variable, and nginx has no escape for it");
        }
        if v.len() > 4000 {
            return Err(
                "too long: nginx reads a configuration in 4 KiB pieces, and no argument may be longer",
            );
        }
        if !v.is_empty() && v.chars().all(bare) {
            return Ok(Cow::Borrowed(v));
        }
        Ok(Cow::Owned(format!(
            "\"{}\"",
            v.replace('\\', "\\\\").replace('"', "\\\"")
        )))
    }

    /// A file path argument: absolute, then [`arg`].
    pub fn path(v: &str) -> Result<Cow<'_, str>, Refusal> {
        if !v.starts_with('/') {
            return Err("not an absolute path (nginx would read it relative to its prefix)");
        }
        if v.ends_with('/') {
            return Err("a folder, not a file");
        }
        if v.split('/').any(|c| c.len() > 255) {
            return Err("a file or folder name over 255 bytes");
        }
        arg(v)
    }

    /// A `server_name`: a host name, optionally with a leading `*.` or `.`, or a trailing
    /// `.*`, or `_` (no name). Regex names (`~...`) are not taken.
    pub fn server_name(v: &str) -> Result<&str, Refusal> {
        if v == "_"
            || v.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok())
        {
            return Ok(v);
        }
        let core = v
            .strip_prefix("*.")
            .or_else(|| v.strip_prefix('.'))
            .or_else(|| v.strip_suffix(".*"))
            .unwrap_or(v);
        if v.starts_with('~') {
            return Err("regex server names are not supported: list the names");
        }
        if core.contains(':') {
            return Err(
                "a bare IPv6 address never matches the `Host: [::1]` a client sends: write it in brackets, `[::1]`, or use a name",
            );
        }
        if core.is_empty() || !super::host_name(core) {
            return Err(
                "not a host name (letters, digits, `-`, `_` and dots; `*.` or `.` in front, or `.*` at the end)",
            );
        }
        Ok(v)
    }

    /// A URI path for `location =` and `proxy_pass`: starts with `/`, no blanks, no `?` or
    /// `#`, nothing nginx would read as syntax or a variable.
    pub fn uri_path(v: &str) -> Result<&str, Refusal> {
        if !v.starts_with('/') {
            return Err("a URI path starts with `/`");
        }
        if !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._~!&()*+,=:@-".contains(c))
        {
            return Err(
                "letters, digits and `/ . _ ~ ! & ( ) * + , = : @ -` only (a `%` escape would be decoded before `location` compares, but sent as written by `proxy_pass`)",
            );
        }
        if v.len() > 1
            && v[1..]
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return Err(
                "an empty, `.` or `..` segment: nginx normalizes request paths, so the location would never match",
            );
        }
        Ok(v)
    }

    /// An OpenSSL cipher list (`ssl_ciphers`): names joined by `:`, with `!`, `+`, `-`, `@`.
    pub fn ciphers(v: &str) -> Result<&str, Refusal> {
        if v.is_empty() {
            return Err("an empty cipher list enables no cipher");
        }
        if v.split(':').any(str::is_empty) {
            return Err("an empty entry between `:`");
        }
        if !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!+-@=_.".contains(c) || c == ':')
        {
            return Err("OpenSSL cipher names, `:`, `!`, `+`, `-`, `@` and `=` only");
        }
        if v.split(':').any(|e| e.starts_with("TLS_")) {
            return Err(
                "`TLS_*` names are TLS 1.3 suites, which `ssl_ciphers` does not set: OpenSSL finds no cipher match",
            );
        }
        if v.split(':').all(|e| e.starts_with(['!', '-', '+', '@'])) {
            return Err(
                "every entry removes, moves or tunes ciphers and none adds one: OpenSSL finds no cipher match",
            );
        }
        if v.len() > 4000 {
            return Err(
                "too long: nginx reads a configuration in 4 KiB pieces, and no argument may be longer",
            );
        }
        let known = |part: &str| {
            CIPHER_KEYWORDS.contains(&part)
                || part.split('-').count() > 1
                    && part.split('-').all(|w| {
                        !w.is_empty()
                            && w.bytes()
                                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    })
        };
        for entry in v.split(':') {
            if entry == "@STRENGTH"
                || entry
                    .strip_prefix("@SECLEVEL=")
                    .is_some_and(|n| matches!(n, "0" | "1" | "2" | "3" | "4" | "5"))
            {
                continue;
            }
            let body = entry.trim_start_matches(['!', '-', '+']);
            if !body.split('+').all(known) {
                return Err(
                    "an entry that is neither an OpenSSL cipher name (`ECDHE-RSA-AES128-GCM-SHA256`) nor a cipher-string keyword (`HIGH`, `aNULL`, `ECDHE+AESGCM`, `@SECLEVEL=2`)",
                );
            }
        }
        Ok(v)
    }
}

/// The keywords of OpenSSL 3.0's cipher strings (`openssl-ciphers(1)`, "CIPHER STRINGS").
const CIPHER_KEYWORDS: &[&str] = &[
    "DEFAULT",
    "COMPLEMENTOFDEFAULT",
    "ALL",
    "COMPLEMENTOFALL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "eNULL",
    "NULL",
    "aNULL",
    "kRSA",
    "aRSA",
    "RSA",
    "kDHr",
    "kDHd",
    "kDH",
    "kDHE",
    "kEDH",
    "DH",
    "DHE",
    "EDH",
    "ADH",
    "kEECDH",
    "kECDHE",
    "ECDH",
    "ECDHE",
    "EECDH",
    "AECDH",
    "aDSS",
    "DSS",
    "aDH",
    "aECDSA",
    "ECDSA",
    "TLSv1.2",
    "TLSv1.0",
    "SSLv3",
    "AES128",
    "AES256",
    "AES",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "ARIA128",
    "ARIA256",
    "ARIA",
    "CAMELLIA128",
    "CAMELLIA256",
    "CAMELLIA",
    "CHACHA20",
    "3DES",
    "DES",
    "RC4",
    "RC2",
    "IDEA",
    "SEED",
    "MD5",
    "SHA1",
    "SHA",
    "SHA256",
    "SHA384",
    "aGOST",
    "aGOST01",
    "kGOST",
    "GOST94",
    "GOST89MAC",
    "kGOST18",
    "PSK",
    "kPSK",
    "kECDHEPSK",
    "kDHEPSK",
    "kRSAPSK",
    "aPSK",
    "SUITEB128",
    "SUITEB128ONLY",
    "SUITEB192",
    "CBC",
    "kSRP",
    "aSRP",
    "SRP",
];

/// systemd (252) unit files: a setting is one line, a trailing `\` joins the next, blanks
/// around the value are dropped, and `%` starts a specifier in nearly every setting.
pub mod systemd {
    use super::*;

    /// The value of a free-text setting (`Description=`).
    pub fn text(v: &str) -> Result<String, Refusal> {
        if control(v) {
            return Err("a control character (a line break would start a new setting)");
        }
        if v.trim() != v || v.is_empty() {
            return Err("empty, or blanks around it (systemd drops them)");
        }
        if v.ends_with('\\') {
            return Err("a trailing `\\` joins the next line of the unit");
        }
        Ok(v.replace('%', "%%"))
    }

    /// An absolute, normalized path (`WorkingDirectory=`, `EnvironmentFile=`, the paths of
    /// `ReadWritePaths=`): no blanks, quotes or backslashes, `%` doubled.
    pub fn path(v: &str) -> Result<String, Refusal> {
        if control(v) {
            return Err("a control character (a line break would start a new setting)");
        }
        if !v.starts_with('/') {
            return Err("not an absolute path");
        }
        if v.contains(char::is_whitespace) {
            return Err("blanks in a path (systemd splits or strips them)");
        }
        if v.contains(['"', '\'', '\\']) {
            return Err("quotes or backslashes in a path");
        }
        if v.len() >= 4096 || v.split('/').any(|c| c.len() > 255) {
            return Err(
                "too long: systemd takes paths under 4096 bytes, with names of at most 255",
            );
        }
        if v.len() > 1
            && (v.ends_with('/')
                || v.split('/')
                    .skip(1)
                    .any(|c| c.is_empty() || c == "." || c == ".."))
        {
            return Err("not a normalized path (no `//`, `.`, `..` or trailing `/`)");
        }
        Ok(v.replace('%', "%%"))
    }

    /// `User=`: a name systemd takes without a warning, or a numeric UID. An empty `User=`
    /// would run the service as root.
    pub fn user(v: &str) -> Result<&str, Refusal> {
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            if v.len() > 1 && v.starts_with('0') {
                return Err("a UID with a leading zero: systemd refuses it as a user name or ID");
            }
            return match v.parse::<u32>() {
                Ok(0) => Err("UID 0 is root: leave the service unprivileged"),
                Ok(u) if u != 65535 && u != u32::MAX => Ok(v),
                _ => Err("not a valid UID"),
            };
        }
        let mut chars = v.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if first_ok
            && v.len() <= 31
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            Ok(v)
        } else if v.is_empty() {
            Err("empty: `User=` with no name runs the service as root")
        } else {
            Err("a user name is a letter or `_`, then letters, digits, `_` and `-`, at most 31")
        }
    }

    /// One word of `ExecStart=`: `%` doubled; `$` doubled unless `expand_env` (then `$VAR`
    /// is left for systemd to expand from the environment file); quoted when it holds blanks,
    /// quotes, `\` or `;`.
    pub fn word(w: &str, expand_env: bool) -> Result<String, Refusal> {
        if control(w) {
            return Err("a control character (a line break would start a new setting)");
        }
        let w = w.replace('%', "%%");
        let w = if expand_env {
            env_word(&w)?
        } else {
            w.replace('$', "$$")
        };
        // `#` at the start of a continuation line would make the rest of the line a comment.
        Ok(
            if w.is_empty() || w.contains([' ', '\t', '"', '\'', '\\', ';', '#']) {
                format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                w
            },
        )
    }

    /// A word with `${NAME}` references kept for systemd to expand and every other `$`
    /// doubled. A braceless `$NAME` is refused: systemd expands it only as a whole word, which
    /// it then splits on blanks (and drops when unset), and passes it through literally
    /// inside a word.
    fn env_word(w: &str) -> Result<String, Refusal> {
        let name_len = |t: &str| {
            t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(t.len())
        };
        let mut out = String::new();
        let mut rest = w;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let braced = after.strip_prefix('{').and_then(|inner| {
                let end = inner.find('}')?;
                (end > 0
                    && name_len(&inner[..end]) == end
                    && !inner.starts_with(|c: char| c.is_ascii_digit()))
                .then_some(end)
            });
            if let Some(end) = braced {
                out.push_str(&rest[i..i + end + 3]);
                rest = &after[end + 2..];
            } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                return Err(
                    "write `${NAME}`: systemd expands a bare `$NAME` only as a whole word, split on blanks",
                );
            } else {
                out.push_str("$$");
                rest = after;
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The program of `ExecStart=`: an absolute path that systemd takes as it is.
    pub fn program(v: &str) -> Result<String, Refusal> {
        if !v.starts_with('/') {
            return Err("systemd needs an absolute path to the program");
        }
        if v.contains('$') {
            return Err("systemd does not expand variables in the program path");
        }
        if v.contains(char::is_whitespace) || v.contains(['"', '\'', '\\']) {
            return Err("blanks, quotes or backslashes in the program path");
        }
        if v.ends_with('/') {
            return Err("a folder, not a program");
        }
        word(v, false)
    }
}

/// Prometheus alerting rules: label values are Go templates (expanded at every evaluation,
/// so a templated label changes the alert's identity); annotations are templates on purpose.
pub mod prometheus {
    use super::Refusal;

    /// Any label value: Prometheus treats an empty value as no label at all.
    pub fn any_label_value(v: &str) -> Result<&str, Refusal> {
        if v.is_empty() {
            Err("an empty label value is no label at all to Prometheus: leave the label out")
        } else {
            Ok(v)
        }
    }

    /// An alert label value: not empty, and no template action.
    pub fn label_value(v: &str) -> Result<&str, Refusal> {
        any_label_value(v)?;
        if v.contains("{{") {
            Err(
                "`{{` makes the label a template: its value, and so the alert's identity, would change between evaluations",
            )
        } else {
            Ok(v)
        }
    }
}

/// Filebeat (go-ucfg): `${NAME}` in any string is replaced by a keystore entry or an
/// environment variable, `${NAME:default}` by a default; `$$` is a literal `$`.
pub mod filebeat {
    use super::*;

    /// Free text for filebeat.yml.
    pub fn text(v: &str) -> Cow<'_, str> {
        if v.contains('$') {
            Cow::Owned(v.replace('$', "$$"))
        } else {
            Cow::Borrowed(v)
        }
    }

    /// A keystore entry name, written as `${NAME}`: a bare name, so no default value (`:`)
    /// and no nested reference can hide a secret in the file.
    pub fn keystore_key(v: &str) -> Result<&str, Refusal> {
        if !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            Ok(v)
        } else {
            Err(
                "a keystore entry name: letters, digits, `_`, `.` and `-` (a `:` would add a plaintext default)",
            )
        }
    }
}

/// Ansible renders every string of the inventory as a Jinja2 template when the playbook reads
/// the variable: `{{`, `{%` and `{#` start an expression, a statement and a comment, and an
/// expression such as `lookup('pipe', ...)` runs a command on the machine that runs Ansible.
pub mod ansible {
    use super::*;

    /// A string for `ansible/inventory.yml`, read back as it is.
    pub fn value(v: &str) -> Result<&str, Refusal> {
        if ["{{", "{%", "{#"].iter().any(|d| v.contains(d)) {
            Err(
                "`{{`, `{%` and `{#` start a Jinja2 template, which Ansible renders in the inventory",
            )
        } else {
            Ok(v)
        }
    }
}

/// A DNS host name or an IP address (IPv6 without brackets): letters, digits, `-`, `_`
/// (container names) and dots, or hex digits and `:`.
pub fn host_name(h: &str) -> bool {
    if h.contains(':') {
        return h.parse::<std::net::Ipv6Addr>().is_ok();
    }
    // A name whose last label is all digits is an IPv4 address or nothing: no top-level
    // domain is numeric, and `1.2.3.4.5` would be looked up in DNS and fail.
    if h.rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        return h.parse::<std::net::Ipv4Addr>().is_ok();
    }
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansible_refuses_what_jinja_would_render() {
        assert_eq!(ansible::value("/run/nginx.pid").unwrap(), "/run/nginx.pid");
        assert_eq!(ansible::value("/run/{a}.pid").unwrap(), "/run/{a}.pid");
        for v in ["/run/{{lookup('pipe','id')}}", "/a{%raw%}", "/a{#x#}"] {
            assert!(ansible::value(v).is_err(), "{v}");
        }
    }

    #[test]
    fn nginx_quotes_what_would_end_a_token_and_refuses_variables() {
        assert_eq!(nginx::arg("/var/log/a.log").unwrap(), "/var/log/a.log");
        assert_eq!(nginx::arg("/a b;c").unwrap(), "\"/a b;c\"");
        assert_eq!(nginx::arg("a\"b\\").unwrap(), "\"a\\\"b\\\\\"");
        assert_eq!(nginx::arg("").unwrap(), "\"\"");
        assert!(nginx::arg("/x\nuser root;").is_err());
        assert!(nginx::arg("/var/$host.log").is_err());
        assert!(nginx::ciphers("HIGH; return 200 pwned").is_err());
        assert!(nginx::ciphers("").is_err());
        assert!(nginx::ciphers("HIGH:!aNULL:!MD5").is_ok());
        assert!(nginx::ciphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE+AESGCM:@SECLEVEL=2").is_ok());
        assert!(nginx::ciphers("x=y").is_err());
        assert!(nginx::ciphers("aaaa").is_err());
        assert!(nginx::server_name("*.example.com").is_ok());
        assert!(nginx::server_name("a;b").is_err());
        assert!(nginx::server_name("~^www").is_err());
        assert!(nginx::uri_path("/health").is_ok());
        assert!(nginx::uri_path("/a b").is_err());
        assert!(nginx::uri_path("/$x").is_err());
    }

    #[test]
    fn systemd_refuses_line_breaks_and_doubles_specifiers() {
        assert_eq!(systemd::text("100% sure").unwrap(), "100%% sure");
        assert!(systemd::text("a\nExecStartPre=/bin/sh").is_err());
        assert!(systemd::text("ends with \\").is_err());
        assert!(systemd::text(" padded").is_err());
        assert!(systemd::path("/opt/app").is_ok());
        assert!(systemd::path("opt/app").is_err());
        assert!(systemd::path("/opt/../etc").is_err());
        assert!(systemd::path("/opt/my app").is_err());
        assert!(systemd::user("").is_err());
        assert!(systemd::user("claude-code").is_ok());
        assert!(systemd::user("a b").is_err());
        assert!(systemd::user("0").is_err());
        assert!(systemd::user("1000").is_ok());
        assert_eq!(systemd::word("--a=1", false).unwrap(), "--a=1");
        assert_eq!(systemd::word("100%", false).unwrap(), "100%%");
        assert_eq!(systemd::word("a b", false).unwrap(), "\"a b\"");
        assert_eq!(systemd::word("", false).unwrap(), "\"\"");
        assert_eq!(systemd::word("$PORT", false).unwrap(), "$$PORT");
        assert!(systemd::word("$PORT", true).is_err());
        assert_eq!(systemd::word("${PORT}", true).unwrap(), "${PORT}");
        assert_eq!(
            systemd::word("--port=${PORT}$", true).unwrap(),
            "--port=${PORT}$$"
        );
        assert_eq!(systemd::word("#two", false).unwrap(), "\"#two\"");
        assert!(systemd::user("01000").is_err());
        assert!(nginx::ciphers("!ALL").is_err());
        assert!(nginx::ciphers("TLS_AES_128_GCM_SHA256").is_err());
        assert!(nginx::server_name("::1").is_err());
        assert!(nginx::server_name("[::1]").is_ok());
        assert!(nginx::uri_path("/a%20b").is_err());
        assert!(nginx::uri_path("/a//b").is_err());
        assert!(nginx::uri_path("/a/../b").is_err());
        assert!(systemd::word("a\nb", false).is_err());
        assert!(systemd::program("/opt/$X/bin").is_err());
        assert!(systemd::program("/").is_err());
        assert!(!host_name("1.2.3.4.5"));
        assert!(host_name("10.0.0.1"));
        assert!(host_name("api-1.internal"));
    }

    #[test]
    fn filebeat_escapes_expansion_and_keys_are_bare() {
        assert_eq!(filebeat::text("${ES_PWD}"), "$${ES_PWD}");
        assert_eq!(filebeat::text("plain"), "plain");
        assert!(filebeat::keystore_key("ES_PWD").is_ok());
        assert!(filebeat::keystore_key("ES_PWD:hunter2").is_err());
        assert!(prometheus::label_value("{{ $value }}").is_err());
    }
}
