//! The JSON schema of `monitoring.toml`: the one generated from the raw types, with what the
//! registries know and the types cannot say (the alert kinds).

/// The schema, committed as `schema/monitoring.schema.json` for editors (`#:schema`).
pub fn json_schema() -> String {
    let raw = crate::load::json_schema();
    let mut schema: serde_json::Value = serde_json::from_str(&raw)
        .unwrap_or_else(|e| panic!("ccmon bug: the generated schema is no JSON: {e}"));
    let kind = &mut schema["$defs"]["RawAlert"]["properties"]["kind"];
    assert!(kind.is_object(), "ccmon bug: the schema has no alert kind");
    kind["enum"] = crate::kinds::NAMES.iter().copied().collect();
    offer_default_severities(&mut schema);
    alertmanager_options(&mut schema);
    environments(&mut schema);
    let mut s = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| panic!("ccmon bug: schema failed to serialize: {e}"));
    s.push('\n');
    s
}

/// The schema of a service file (`include`): the keys a service file may hold
/// ([`crate::load::include::SERVICE_KEYS`]), `[service]` required and written once, as is its one
/// `[dashboard]`; the definitions are the stack's. Committed as `schema/service.schema.json`.
pub fn service_json_schema() -> String {
    let mut schema: serde_json::Value = serde_json::from_str(&json_schema())
        .unwrap_or_else(|e| panic!("ccmon bug: the generated schema is no JSON: {e}"));
    let props = schema["properties"].take();
    let mut kept = serde_json::Map::new();
    for key in crate::load::include::SERVICE_KEYS {
        let mut p = props[*key].clone();
        assert!(p.is_object(), "ccmon bug: the schema has no `{key}`");
        // `[service]` and `[dashboard]` are one table each in a service file.
        let one = match *key {
            "service" => Some("RawServiceFile"),
            "dashboard" => Some("RawDashboard"),
            _ => None,
        };
        if let Some(def) = one {
            assert!(schema["$defs"][def].is_object(), "ccmon bug: no {def}");
            p = serde_json::json!({
                "description": p["description"],
                "$ref": format!("#/$defs/{def}"),
            });
        }
        kept.insert(key.to_string(), p);
    }
    schema["properties"] = kept.into();
    schema["title"] = "ccmon service file (included by monitoring.toml)".into();
    schema["required"] = serde_json::json!(["service"]);
    let mut s = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| panic!("ccmon bug: schema failed to serialize: {e}"));
    s.push('\n');
    s
}

/// The severities a project declares are its own (`[project] severities`), so no enum can
/// hold every valid one: severity properties offer the defaults (`critical`, `warning`,
/// `info`) for completion and accept any other string.
fn offer_default_severities(schema: &mut serde_json::Value) {
    let offer = |v: &mut serde_json::Value| {
        let defaults: serde_json::Value =
            crate::model::DEFAULT_SEVERITIES.iter().copied().collect();
        v["anyOf"] =
            serde_json::json!([{ "enum": defaults }, { "type": "string" }, { "type": "null" }]);
    };
    let defs = &mut schema["$defs"];
    for (def, prop) in [
        ("RawAlert", "severity"),
        ("RawTier", "severity"),
        ("RawSlo", "page_severity"),
        ("RawSlo", "ticket_severity"),
    ] {
        let p = &mut defs[def]["properties"][prop];
        assert!(p.is_object(), "ccmon bug: the schema has no {def}.{prop}");
        offer(p);
    }
    let items = &mut defs["RawProject"]["properties"]["severities"]["items"];
    assert!(
        items.is_object(),
        "ccmon bug: the schema has no [project] severities"
    );
    offer(items);
}

/// `[env.<name>]` takes the top level's keys (but `env`). Their values are partial
/// (`[env.staging.project]` without `name`), which the top level's definitions would refuse,
/// so the schema offers the keys and leaves the values to `ccmon validate`, which checks the
/// merged configuration.
fn environments(schema: &mut serde_json::Value) {
    let keys: serde_json::Map<String, serde_json::Value> = schema["properties"]
        .as_object()
        .map(|p| {
            p.iter()
                .filter(|(k, _)| *k != "env")
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::json!({ "description": v["description"] }),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let env = &mut schema["properties"]["env"];
    assert!(env.is_object(), "ccmon bug: the schema has no env");
    let description = env["description"].clone();
    *env = serde_json::json!({
        "description": description,
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": false,
            "properties": keys,
        },
    });
}

/// The integration tables and `[alertmanager.global]` are read against `am::spec`, not a
/// Rust type: their schema is written from the same tables, for the newest release ccmon
/// knows (the `since` of each option is in its description).
fn alertmanager_options(schema: &mut serde_json::Value) {
    use crate::am::spec;
    let defs = &mut schema["$defs"];
    for i in spec::INTEGRATIONS {
        let p = &mut defs["RawReceiver"]["properties"][i.key];
        assert!(
            p.is_object(),
            "ccmon bug: the schema has no receiver.{}",
            i.key
        );
        p["items"] = options(i.opts);
    }
    let g = &mut defs["RawAlertmanager"]["properties"]["global"];
    assert!(
        g.is_object(),
        "ccmon bug: the schema has no [alertmanager.global]"
    );
    g["anyOf"] = serde_json::json!([options(spec::GLOBAL), { "type": "null" }]);
    if let Some(d) = defs.as_object_mut() {
        d.remove("Any");
    }
}

fn options(opts: &[crate::am::spec::Opt]) -> serde_json::Value {
    let props: serde_json::Map<String, serde_json::Value> = opts
        .iter()
        .map(|o| (o.key.to_string(), option(o)))
        .collect();
    serde_json::json!({ "type": "object", "additionalProperties": false, "properties": props })
}

fn option(o: &crate::am::spec::Opt) -> serde_json::Value {
    use crate::am::spec::{OLDEST, Ty};
    let since = if o.since > OLDEST {
        format!(" Alertmanager {} and later.", o.since)
    } else {
        String::new()
    };
    let (mut v, what) = match o.ty {
        Ty::Str => (serde_json::json!({ "type": "string" }), "passed through"),
        Ty::Tmpl => (
            serde_json::json!({ "type": "string" }),
            "an Alertmanager template",
        ),
        Ty::Url => (serde_json::json!({ "type": "string" }), "an http(s) URL"),
        Ty::Email => (
            serde_json::json!({ "type": "string" }),
            "an email address (may be a template)",
        ),
        Ty::HostPort => (serde_json::json!({ "type": "string" }), "`host:port`"),
        Ty::Bool => (serde_json::json!({ "type": "boolean" }), "true or false"),
        Ty::Uint => (
            serde_json::json!({ "type": "integer", "minimum": 0 }),
            "0 or more",
        ),
        Ty::Int => (serde_json::json!({ "type": "integer" }), "an integer"),
        Ty::Dur => (
            serde_json::json!({ "type": "string" }),
            "a duration such as `30s`",
        ),
        Ty::File => (
            serde_json::json!({ "type": "string" }),
            "an absolute path the server reads",
        ),
        Ty::Secret(_) => (
            serde_json::json!({}),
            "refused (CM601): a secret is given by its file option",
        ),
        Ty::Enum(c) => (serde_json::json!({ "enum": c }), "one of the listed values"),
        Ty::Strs => (
            serde_json::json!({ "type": "array", "items": { "type": "string" } }),
            "a list of strings",
        ),
        Ty::Map => (
            serde_json::json!({ "type": "object", "additionalProperties": { "type": "string" } }),
            "a table of template strings",
        ),
        Ty::AnyMap => (
            serde_json::json!({ "type": "object" }),
            "a table passed through",
        ),
        Ty::Obj(inner) => (options(inner), "a table"),
        Ty::Objs(inner) => (
            serde_json::json!({ "type": "array", "items": options(inner) }),
            "a list of tables",
        ),
    };
    v["description"] = format!("Alertmanager's `{}`: {what}.{since}", o.key).into();
    v
}
