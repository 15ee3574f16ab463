//! Tables read against [`crate::am::spec`]: a receiver's integrations, `[alertmanager.global]`
//! and every `http_config` / `tls_config` inside them. One walk judges each key (known, in the
//! targeted release, of the right type, no secret as a value) and builds the value written.

use serde_json::{Map, Value};

use super::Cx;
use crate::am::spec::{AmVersion, Opt, Ty};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{Any, S};
use crate::suggest::{backticked, closest};

/// Reads `table` (the TOML of `what`, such as "`opsgenie` in receiver `oncall`") against
/// `opts` for Alertmanager `v`. Keys are written in the order of `opts`.
pub fn table(
    cx: &mut Cx,
    opts: &[Opt],
    table: &S<Any>,
    what: &str,
    v: AmVersion,
) -> Map<String, Value> {
    let Any::Table(entries) = table.get_ref() else {
        cx.error(
            codes::WRONG_TYPE,
            format!(
                "{what} must be a table, not {}",
                table.get_ref().type_name()
            ),
            table.span(),
            "expected `{ key = value, ... }`",
        );
        return Map::new();
    };
    let mut found: Vec<(usize, Value)> = Vec::new();
    for (k, val) in entries {
        let Some(i) = opts.iter().position(|o| o.key == k.get_ref()) else {
            unknown_key(cx, opts, k, what);
            continue;
        };
        let opt = &opts[i];
        if opt.since > v {
            newer(cx, k, what, opt.since, v);
            continue;
        }
        if let Some(value) = value(cx, opts, opt, k, val, what, v) {
            found.push((i, value));
        }
    }
    found.sort_by_key(|(i, _)| *i);
    found
        .into_iter()
        .map(|(i, value)| (opts[i].key.to_string(), value))
        .collect()
}

fn unknown_key(cx: &mut Cx, opts: &[Opt], k: &S<String>, what: &str) {
    let mut d = Diagnostic::error(
        codes::UNKNOWN_KEY,
        format!("unknown key `{}` in {what}", k.get_ref()),
    )
    .at(k.span(), "not an option of this table");
    d = match closest(k.get_ref(), opts.iter().map(|o| o.key)) {
        Some(c) => d.help(format!("did you mean `{c}`?")),
        None => d.help(format!(
            "expected one of {}",
            backticked(&opts.iter().map(|o| o.key.to_string()).collect::<Vec<_>>())
        )),
    };
    cx.push(d);
}

/// An option the targeted release does not have yet.
pub fn newer(cx: &mut Cx, k: &S<String>, what: &str, since: AmVersion, v: AmVersion) {
    cx.push(
        Diagnostic::error(
            codes::UNKNOWN_CHOICE,
            format!(
                "`{}` in {what} needs Alertmanager {since}; the target is {v}",
                k.get_ref()
            ),
        )
        .at(k.span(), format!("Alertmanager {v} refuses this key"))
        .help(format!(
            "set `[alertmanager] version = \"{since}\"` (or later) if your servers run it"
        )),
    );
}

fn string<'a>(cx: &mut Cx, val: &'a S<Any>, k: &S<String>) -> Option<&'a str> {
    match val.get_ref() {
        Any::Str(s) => Some(s),
        other => {
            cx.error(
                codes::WRONG_TYPE,
                format!(
                    "`{}` must be a string, not {}",
                    k.get_ref(),
                    other.type_name()
                ),
                val.span(),
                "expected a string",
            );
            None
        }
    }
}

fn spanned(val: &S<Any>, s: &str) -> S<String> {
    S::new(val.span(), s.to_string())
}

fn wrong(cx: &mut Cx, val: &S<Any>, k: &S<String>, expected: &str) {
    cx.error(
        codes::WRONG_TYPE,
        format!(
            "`{}` must be {expected}, not {}",
            k.get_ref(),
            val.get_ref().type_name()
        ),
        val.span(),
        "wrong type",
    );
}

const TEMPLATE_HELP: &str =
    "this option is an Alertmanager template: Go's text/template with Alertmanager's functions";

fn value(
    cx: &mut Cx,
    opts: &[Opt],
    opt: &Opt,
    k: &S<String>,
    val: &S<Any>,
    what: &str,
    v: AmVersion,
) -> Option<Value> {
    match opt.ty {
        Ty::File
        | Ty::Str
        | Ty::Tmpl
        | Ty::Url
        | Ty::Email
        | Ty::HostPort
        | Ty::Dur
        | Ty::Enum(_) => text_value(cx, opt.ty, k, val),
        Ty::Bool => {
            match val.get_ref() {
                Any::Bool(b) => {
                    if *b && opt.key == "insecure_skip_verify" {
                        cx.push(
                        Diagnostic::warning(
                            codes::INSECURE_TLS,
                            format!("{what}: TLS certificates are not verified"),
                        )
                        .at(val.span(), "anyone on the path can read and change these notifications")
                        .help("set `ca_file` to the CA that signed the server's certificate instead"),
                    );
                    }
                    Some(Value::Bool(*b))
                }
                _ => {
                    wrong(cx, val, k, "`true` or `false`");
                    None
                }
            }
        }
        Ty::Uint | Ty::Int => match val.get_ref() {
            Any::Int(n) if *n >= 0 || matches!(opt.ty, Ty::Int) => Some(Value::from(*n)),
            Any::Int(_) => {
                cx.error(
                    codes::OUT_OF_RANGE,
                    format!("`{}` must be 0 or more", k.get_ref()),
                    val.span(),
                    "out of range",
                );
                None
            }
            _ => {
                wrong(cx, val, k, "an integer");
                None
            }
        },
        Ty::Secret(file) => {
            let file_since = opts.iter().find(|o| o.key == file).map(|o| o.since);
            secret(cx, k, val, file, file_since, v);
            None
        }
        Ty::Strs => match val.get_ref() {
            Any::List(items) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|i| string(cx, i, k).map(|s| Value::String(s.to_string())))
                    .collect(),
            )),
            _ => {
                wrong(cx, val, k, "a list of strings");
                None
            }
        },
        Ty::Map => match val.get_ref() {
            Any::Table(entries) => {
                let mut m = Map::new();
                for (ek, ev) in entries {
                    if let Some(s) = string(cx, ev, ek) {
                        let s = spanned(ev, s);
                        super::template::report(
                            cx,
                            &s,
                            super::template::check_alertmanager,
                            Some(TEMPLATE_HELP),
                        );
                        m.insert(ek.get_ref().clone(), Value::String(s.get_ref().clone()));
                    }
                }
                Some(Value::Object(m))
            }
            _ => {
                wrong(cx, val, k, "a table of strings");
                None
            }
        },
        Ty::AnyMap => Some(plain(val.get_ref())),
        Ty::Obj(inner) => {
            let w = format!("`{}` of {what}", k.get_ref());
            let m = table(cx, inner, val, &w, v);
            if std::ptr::eq(inner, crate::am::spec::HTTP) {
                http_rules(cx, &m, val, &w);
            }
            Some(Value::Object(m))
        }
        Ty::Objs(inner) => objs(cx, inner, k, val, what, v),
    }
}

/// A list of tables, each read against `inner`.
fn objs(
    cx: &mut Cx,
    inner: &[Opt],
    k: &S<String>,
    val: &S<Any>,
    what: &str,
    v: AmVersion,
) -> Option<Value> {
    match val.get_ref() {
        Any::List(items) => {
            let w = format!("`{}` of {what}", k.get_ref());
            Some(Value::Array(
                items
                    .iter()
                    .map(|i| {
                        let m = table(cx, inner, i, &w, v);
                        item_rules(cx, inner, &m, i.span(), &w);
                        Value::Object(m)
                    })
                    .collect(),
            ))
        }
        _ => {
            wrong(cx, val, k, "a list of tables");
            None
        }
    }
}

/// What Alertmanager needs of an item of a list: a Slack action's `type`, `text`, and `url`
/// or `name`; a Slack field's `title` and `value`; an Opsgenie responder's `type`, and its
/// `id`, `name` or `username`.
fn item_rules(
    cx: &mut Cx,
    inner: &[Opt],
    m: &Map<String, Value>,
    at: std::ops::Range<usize>,
    what: &str,
) {
    let set = |k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    let needs: &[&[&str]] = if std::ptr::eq(inner, crate::am::spec::SLACK_ACTION) {
        &[&["type"], &["text"], &["url", "name"]]
    } else if std::ptr::eq(inner, crate::am::spec::SLACK_FIELD) {
        &[&["title"], &["value"]]
    } else if std::ptr::eq(inner, crate::am::spec::OPSGENIE_RESPONDER) {
        &[&["type"], &["id", "name", "username"]]
    } else {
        &[]
    };
    for group in needs {
        if !group.iter().any(|k| set(k)) {
            let names: Vec<String> = group.iter().map(|k| format!("`{k}`")).collect();
            cx.error(
                codes::MISSING_KEY,
                format!("an item of {what} needs {}", names.join(" or ")),
                at.clone(),
                "Alertmanager refuses the configuration without it",
            );
        }
    }
}

/// An option whose value is one string, checked by its kind.
fn text_value(cx: &mut Cx, ty: Ty, k: &S<String>, val: &S<Any>) -> Option<Value> {
    let text = |cx: &mut Cx| string(cx, val, k).map(|s| spanned(val, s));
    match ty {
        Ty::File => {
            let s = text(cx)?;
            cx.server_file(&s, "/etc/alertmanager/secrets/token");
            Some(Value::String(s.get_ref().clone()))
        }
        Ty::Str => {
            let s = text(cx)?;
            if s.get_ref().trim().is_empty() || s.get_ref().chars().any(char::is_control) {
                cx.error(
                    codes::EMPTY_VALUE,
                    format!("`{}` is empty or holds control characters", k.get_ref()),
                    val.span(),
                    "expected a value",
                );
            }
            Some(Value::String(s.get_ref().clone()))
        }
        Ty::Tmpl => {
            let s = text(cx)?;
            super::template::report(
                cx,
                &s,
                super::template::check_alertmanager,
                Some(TEMPLATE_HELP),
            );
            Some(Value::String(s.get_ref().clone()))
        }
        Ty::Url => {
            let s = text(cx)?;
            super::base::url(cx, &s);
            Some(Value::String(s.get_ref().clone()))
        }
        Ty::Email => {
            let s = text(cx)?;
            super::template::report(cx, &s, super::template::check_alertmanager, None);
            let e = s.get_ref();
            if !e.contains('@') || e.trim() != e {
                cx.error(
                    codes::BAD_URL_OR_EMAIL,
                    format!("`{e}` is not an email address"),
                    s.span(),
                    "expected `name@domain`",
                );
            }
            Some(Value::String(e.clone()))
        }
        Ty::HostPort => {
            let s = text(cx)?;
            super::base::address(cx, &s);
            Some(Value::String(s.get_ref().clone()))
        }
        Ty::Dur => {
            let s = text(cx)?;
            cx.duration_of(&s).map(|d| Value::String(d.to_string()))
        }
        Ty::Enum(choices) => {
            let s = text(cx)?;
            if !choices.contains(&s.get_ref().as_str()) {
                cx.error(
                    codes::UNKNOWN_CHOICE,
                    format!("`{}` cannot be `{}`", k.get_ref(), s.get_ref()),
                    val.span(),
                    &format!(
                        "expected {}",
                        backticked(&choices.iter().map(|c| c.to_string()).collect::<Vec<_>>())
                    ),
                );
            }
            Some(Value::String(s.get_ref().clone()))
        }
        _ => None,
    }
}

/// A secret written as a value: refused, with the file option to use when the targeted
/// release has one.
fn secret(
    cx: &mut Cx,
    k: &S<String>,
    val: &S<Any>,
    file: &str,
    file_since: Option<AmVersion>,
    v: AmVersion,
) {
    let key = k.get_ref();
    let help = if file.is_empty() {
        let instead = if key == "secret_key" {
            ": give `sigv4` a `profile` or `role_arn`, or leave both keys out for the environment's credentials"
        } else {
            ": this option cannot be used"
        };
        format!(
            "Alertmanager up to {} reads `{key}` only as a value, and ccmon never writes a secret into a generated file{instead}",
            crate::am::spec::NEWEST
        )
    } else {
        let since = file_since.unwrap_or(v);
        if since > v {
            format!(
                "Alertmanager has `{file}` from {since}; the target is {v}: set `[alertmanager] version = \"{since}\"` if your servers run it"
            )
        } else {
            format!(
                "store it in a file readable only by Alertmanager and write `{file} = \"/etc/alertmanager/secrets/...\"`"
            )
        }
    };
    cx.push(
        Diagnostic::error(
            codes::PLAINTEXT_SECRET,
            format!("`{key}` holds a secret as a plain value"),
        )
        .at(
            val.span(),
            "this secret would be copied into a generated file",
        )
        .help(help),
    );
}

/// A TOML value as JSON, unchecked (options Alertmanager passes on as they are).
fn plain(v: &Any) -> Value {
    match v {
        Any::Bool(b) => Value::Bool(*b),
        Any::Int(n) => Value::from(*n),
        Any::Float(f) => Value::from(*f),
        Any::Str(s) => Value::String(s.clone()),
        Any::List(items) => Value::Array(items.iter().map(|i| plain(i.get_ref())).collect()),
        Any::Table(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.get_ref().clone(), plain(v.get_ref())))
                .collect(),
        ),
    }
}

/// What prometheus/common refuses in an `http_config` beyond its keys: two ways of
/// authenticating at once, `authorization` of type `basic`, an OAuth 2 client without its id
/// or token URL.
fn http_rules(cx: &mut Cx, m: &Map<String, Value>, val: &S<Any>, what: &str) {
    let at = |k: &str| val.get_ref().get(k).map_or(val.span(), S::span);
    let ways: Vec<&str> = ["basic_auth", "authorization", "oauth2", "bearer_token_file"]
        .into_iter()
        .filter(|k| m.contains_key(*k))
        .collect();
    if ways.len() > 1 {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("{what} authenticates in two ways: `{}` and `{}`", ways[0], ways[1]),
            at(ways[1]),
            "Alertmanager refuses more than one of `basic_auth`, `authorization`, `oauth2` and `bearer_token_file`",
        );
    }
    if let Some(t) = m
        .get("authorization")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        && t.eq_ignore_ascii_case("basic")
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("{what}: `authorization` cannot be of type `{t}`"),
            at("authorization"),
            "write `basic_auth` with `username` and `password_file` instead",
        );
    }
    if let Some(o) = m.get("oauth2") {
        // `client_secret` is refused as a secret in the file (CM601), so the file is needed
        // (not said again when the secret was written: CM601 says it).
        let secret_written = val
            .get_ref()
            .get("oauth2")
            .is_some_and(|o| o.get_ref().get("client_secret").is_some());
        for key in ["client_id", "token_url", "client_secret_file"] {
            if o.get(key).is_none() && !(key == "client_secret_file" && secret_written) {
                cx.error(
                    codes::MISSING_KEY,
                    format!("`oauth2` of {what} needs `{key}`"),
                    at("oauth2"),
                    "Alertmanager refuses an OAuth 2 client without it",
                );
            }
        }
    }
}
