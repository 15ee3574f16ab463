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
    let mut s = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| panic!("ccmon bug: schema failed to serialize: {e}"));
    s.push('\n');
    s
}
