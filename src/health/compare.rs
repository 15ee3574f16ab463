//! A rendered configuration against the one a server reports it loaded. The servers report
//! their configuration re-serialized: with every default filled in, durations in their own
//! spelling (`2w` for `14d`), file paths made absolute. So the rendered file must be
//! *contained* in the loaded one: every key ccmon wrote is there with the same value, lists
//! have the same length, durations are compared as durations, a relative path matches its
//! absolute form, and a value the server hides as `<secret>` is taken as equal.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::output::bundle::Bundle;
use crate::quantity::Duration;

fn parse(text: &str, what: &str) -> Result<Value, String> {
    serde_saphyr::from_str::<Value>(text)
        .map_err(|e| format!("the {what} configuration is not YAML: {e}"))
}

/// Where the rendered configuration differs from the loaded one, one entry per place.
pub fn configs(rendered: &str, loaded: &str) -> Result<Vec<String>, String> {
    let r = parse(rendered, "rendered")?;
    let l = parse(loaded, "loaded")?;
    let mut out = Vec::new();
    contained(&r, &l, "", &mut out);
    Ok(out)
}

fn same_scalar(r: &Value, l: &Value) -> bool {
    if r == l {
        return true;
    }
    match (r, l) {
        // A secret the server hides (a webhook URL in newer Alertmanagers) cannot differ.
        (_, Value::String(b)) if b == "<secret>" => true,
        (Value::String(a), Value::String(b)) => {
            matches!((Duration::parse(a), Duration::parse(b)), (Ok(x), Ok(y)) if x == y)
                || (!a.starts_with('/') && b.ends_with(&format!("/{a}")))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), b) | (b, Value::String(a)) => match b {
            Value::Number(n) => a.parse::<f64>().ok() == n.as_f64(),
            Value::Bool(x) => a.parse::<bool>().ok() == Some(*x),
            _ => false,
        },
        _ => false,
    }
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Number(_) => false,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn contained(r: &Value, l: &Value, at: &str, out: &mut Vec<String>) {
    let place = if at.is_empty() { "the top level" } else { at };
    match (r, l) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match b.get(k) {
                    Some(w) => contained(v, w, &path, out),
                    None if empty(v) => {}
                    None => out.push(format!(
                        "{path}: rendered {}, not in the loaded configuration",
                        short(v)
                    )),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{place}: {} entries rendered, {} loaded",
                    a.len(),
                    b.len()
                ));
                return;
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                // A named entry is shown by its name.
                let name = v
                    .get("job_name")
                    .or_else(|| v.get("name"))
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                contained(v, w, &format!("{at}[{name}]"), out);
            }
        }
        (r, l) if same_scalar(r, l) => {}
        (r, l) => out.push(format!(
            "{place}: rendered {}, loaded {}",
            short(r),
            short(l)
        )),
    }
}

/// The rendered rule groups, by name, with their rule counts.
pub fn rule_groups(bundle: &Bundle) -> Result<BTreeMap<String, usize>, String> {
    let mut out = BTreeMap::new();
    for (_, text) in bundle
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("prometheus/rules/"))
    {
        let v = parse(text, "rendered")?;
        for g in v["groups"].as_array().into_iter().flatten() {
            let n = g["rules"].as_array().map_or(0, Vec::len);
            *out.entry(g["name"].as_str().unwrap_or_default().to_string())
                .or_insert(0) += n;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_durations_and_paths_are_not_differences() {
        let rendered = "global:\n  scrape_interval: 14d\nrule_files:\n- rules/a.yml\nscrape_configs:\n- job_name: x\n  honor_labels: false\n";
        let loaded = "global:\n  scrape_interval: 2w\n  scrape_timeout: 10s\nrule_files:\n- /etc/prometheus/rules/a.yml\nscrape_configs:\n- job_name: x\n  metrics_path: /metrics\n";
        assert_eq!(configs(rendered, loaded).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_changed_value_and_a_missing_job_are() {
        let rendered = "scrape_configs:\n- job_name: x\n  scrape_interval: 15s\n- job_name: y\n";
        let loaded = "scrape_configs:\n- job_name: x\n  scrape_interval: 30s\n";
        let d = configs(rendered, loaded).unwrap();
        assert_eq!(d, ["scrape_configs: 2 entries rendered, 1 loaded"]);
        let loaded = "scrape_configs:\n- job_name: x\n  scrape_interval: 30s\n- job_name: y\n";
        let d = configs(rendered, loaded).unwrap();
        assert_eq!(
            d,
            ["scrape_configs[x].scrape_interval: rendered \"15s\", loaded \"30s\""]
        );
    }
}
