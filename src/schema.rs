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
