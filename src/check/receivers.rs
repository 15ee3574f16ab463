//! Receivers and the global options of Alertmanager, read against [`crate::am::spec`] for the
//! targeted release: every integration, every option, secrets only as files.

use serde_json::{Map, Value};

use super::Cx;
use super::integrations;
use crate::am::spec::{self, AmVersion};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{Any, RawAlertmanager, RawReceiver, S};
use crate::model::{Integration, Receiver};

/// What the global section gives every integration.
pub struct Globals {
    pub has_smtp: bool,
    pub slack_api_url_file: bool,
    pub global: Map<String, Value>,
}

/// `[alertmanager] version`: the targeted release.
pub fn version(cx: &mut Cx, am: Option<&RawAlertmanager>) -> AmVersion {
    let Some(v) = am.and_then(|a| a.version.as_ref()) else {
        return spec::DEFAULT;
    };
    match AmVersion::parse(v.get_ref()) {
        Ok(x) => x,
        Err(why) => {
            cx.push(
                Diagnostic::error(
                    codes::UNKNOWN_CHOICE,
                    format!("Alertmanager version `{}`: {why}", v.get_ref()),
                )
                .at(v.span(), "unsupported release")
                .help(format!(
                    "write the release your servers run, `{}` to `{}`",
                    spec::OLDEST,
                    spec::NEWEST
                )),
            );
            spec::DEFAULT
        }
    }
}

/// `[alertmanager.global]`: the options of `global:` that ccmon has no key of its own for.
pub fn global(cx: &mut Cx, am: Option<&RawAlertmanager>, v: AmVersion) -> Map<String, Value> {
    match am.and_then(|a| a.global.as_ref()) {
        Some(g) => integrations::table(cx, spec::GLOBAL, g, "`[alertmanager.global]`", v),
        None => Map::new(),
    }
}

/// One `[[receiver]]` with its integrations.
pub fn receiver(cx: &mut Cx, r: &RawReceiver, g: &Globals, v: AmVersion) -> Receiver {
    let name = cx.name(&r.name, "receiver");
    let mut out = Vec::new();
    for (key, tables) in r.integrations() {
        let spec = spec::integration(key)
            .unwrap_or_else(|| panic!("ccmon bug: no option table for integration `{key}`"));
        for t in tables {
            let what = format!("`{key}` in receiver `{name}`");
            if spec.since > v {
                cx.push(
                    Diagnostic::error(
                        codes::UNKNOWN_CHOICE,
                        format!(
                            "{what}: Alertmanager has `{key}_configs` from {}; the target is {v}",
                            spec.since
                        ),
                    )
                    .at(
                        t.span(),
                        format!("Alertmanager {v} refuses this integration"),
                    )
                    .help(match usable_from(spec) {
                        u if u > spec.since => format!(
                            "its secret has a file form from Alertmanager {u}, and ccmon writes it only as a file: set `[alertmanager] version = \"{u}\"` (or later) if your servers run it"
                        ),
                        u => format!(
                            "set `[alertmanager] version = \"{u}\"` (or later) if your servers run it"
                        ),
                    }),
                );
                continue;
            }
            let before = cx.diags.count(crate::diag::Severity::Error);
            let options = integrations::table(cx, spec.opts, t, &what, v);
            // After a misspelt, too new or mistyped key, what seems missing is its consequence.
            if cx.diags.count(crate::diag::Severity::Error) == before {
                needs(cx, spec, &options, g, t, &what, v);
            }
            particular(cx, spec, &options, g, t, (&name, &what));
            out.push(Integration {
                spec,
                options: with_defaults(spec, options),
            });
        }
    }
    let pages = match &r.pages {
        Some(p) => *p.get_ref(),
        None => out.iter().any(|i| i.spec.pages),
    };
    Receiver {
        name,
        integrations: out,
        pages,
    }
}

/// The options with `send_resolved` (and a webhook's `max_alerts`) written even when left
/// out, with Alertmanager's default, so that review shows what will happen.
fn with_defaults(spec: &spec::Integration, mut options: Map<String, Value>) -> Map<String, Value> {
    options
        .entry("send_resolved")
        .or_insert(Value::Bool(spec.send_resolved));
    if spec.key == "webhook" {
        options.entry("max_alerts").or_insert(Value::from(0));
    }
    spec.opts
        .iter()
        .filter_map(|o| options.remove(o.key).map(|v| (o.key.to_string(), v)))
        .collect()
}

fn has(options: &Map<String, Value>, g: &Globals, key: &str) -> bool {
    match key.strip_prefix("global.") {
        Some("slack_api_url_file") => g.slack_api_url_file,
        Some(k) => g.global.contains_key(k),
        // Alertmanager takes an empty value for none.
        None => options
            .get(key)
            .is_some_and(|v| v.as_str().is_none_or(|s| !s.is_empty())),
    }
}

/// Each group of [`spec::Integration::need`] has one of its keys.
fn needs(
    cx: &mut Cx,
    spec: &spec::Integration,
    options: &Map<String, Value>,
    g: &Globals,
    t: &S<Any>,
    what: &str,
    v: AmVersion,
) {
    for group in spec.need {
        if group.iter().any(|k| has(options, g, k)) {
            continue;
        }
        // A key removed as a plain secret or as too new was reported already.
        let empty = |k: &str| options.get(k).and_then(Value::as_str) == Some("");
        let written = |k: &str| t.get_ref().get(k).is_some() && !empty(k);
        let secret_of = |o: &spec::Opt| matches!(o.ty, spec::Ty::Secret(f) if group.contains(&f));
        if group.iter().any(|k| written(k))
            || spec.opts.iter().any(|o| secret_of(o) && written(o.key))
        {
            continue;
        }
        let names: Vec<String> = group
            .iter()
            .map(|k| match k.strip_prefix("global.") {
                Some("slack_api_url_file") => {
                    "`slack_api_url_file` in `[alertmanager]`".to_string()
                }
                Some(k) => format!("`{k}` in `[alertmanager.global]`"),
                None => format!("`{k}`"),
            })
            .collect();
        // A group that a global key could satisfy is a combination of keys (CM106, as Slack's
        // URL file always was); one the integration alone must hold is a missing key.
        let code = if group.iter().any(|k| k.starts_with("global.")) {
            codes::INCOMPLETE_KEYS
        } else {
            codes::MISSING_KEY
        };
        let mut d = Diagnostic::error(code, format!("{what} needs {}", names.join(" or ")))
            .at(t.span(), "Alertmanager cannot deliver without it");
        let opt_of = |k: &str| match k.strip_prefix("global.") {
            Some(k) => spec::GLOBAL.iter().find(|o| o.key == k),
            None => spec.opt(k),
        };
        let opts: Vec<&spec::Opt> = group.iter().filter_map(|k| opt_of(k)).collect();
        let usable = opts
            .iter()
            .filter(|o| o.since <= v && !matches!(o.ty, spec::Ty::Secret("")));
        if usable.count() == 0 {
            if let Some(o) = opts.iter().filter(|o| o.since > v).min_by_key(|o| o.since) {
                d = d.help(format!(
                    "Alertmanager has `{}` from {}; the target is {v}: ccmon writes this secret only as a file, so set `[alertmanager] version = \"{}\"` if your servers run it",
                    o.key, o.since, o.since
                ));
            } else {
                d = d.help(format!(
                    "Alertmanager up to {} reads this secret only as a value, and ccmon never writes a secret into a generated file: `{}` cannot be used",
                    spec::NEWEST,
                    spec.key
                ));
            }
        }
        cx.push(d);
    }
}

/// What one integration needs beyond its keys.
fn particular(
    cx: &mut Cx,
    spec: &spec::Integration,
    options: &Map<String, Value>,
    g: &Globals,
    t: &S<Any>,
    (receiver, what): (&str, &str),
) {
    let at = |k: &str| t.get_ref().get(k).map_or(t.span(), S::span);
    match spec.key {
        "email"
            if !(g.has_smtp || options.contains_key("smarthost") && options.contains_key("from")) =>
        {
            cx.push(
                Diagnostic::error(
                    codes::MISSING_SECTION,
                    format!("receiver `{receiver}` sends email but no SMTP server is set"),
                )
                    .at(at("to"), "email needs a server")
                    .help("add `[alertmanager.smtp]` with `smarthost` and `from`"),
            );
        }
        "webhook" if options.contains_key("url") && options.contains_key("url_file") => cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("{what} has both `url` and `url_file`"),
            at("url_file"),
            "Alertmanager refuses the two together",
        ),
        "slack" if options.get("channel").is_some_and(|c| c.as_str().is_some_and(|c| c.trim().is_empty())) => cx.error(
            codes::EMPTY_VALUE,
            "empty Slack channel",
            at("channel"),
            "expected `#channel` or `@user`",
        ),
        "webex" if options.get("http_config").is_some_and(|h| h.get("authorization").is_none()) => cx.error(
            codes::MISSING_KEY,
            format!("{what} needs `http_config.authorization` (the bot's token, by `credentials_file`)"),
            at("http_config"),
            "Webex refuses a message without it",
        ),
        _ => {}
    }
}

/// The first release in which `spec` can be written without a secret in the file: the
/// integration exists, and each of its needs has a usable key.
fn usable_from(spec: &spec::Integration) -> AmVersion {
    spec.need
        .iter()
        .map(|group| {
            group
                .iter()
                .filter_map(|k| spec.opt(k))
                .filter(|o| !matches!(o.ty, spec::Ty::Secret(_)))
                .map(|o| o.since)
                .min()
                .unwrap_or(spec.since)
        })
        .fold(spec.since, AmVersion::max)
}
