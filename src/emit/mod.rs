//! `emit`: the model into the bundle, one module per output.
//!
//! YAML and JSON are built as typed serde values and serialized, never glued together as
//! strings; nginx and systemd come from the templates in `templates/`. Emitters cannot fail on
//! user input: anything that could be wrong was rejected by `check`.

pub mod alertmanager;
pub mod filebeat;
pub mod grafana;
pub mod nginx;
pub mod prometheus;
pub mod rules;
pub mod ruletests;
pub mod systemd;
mod template;

use serde::Serialize;

use crate::bundle::{Bundle, HEADER};
use crate::model::Model;

/// Every output of the model.
pub fn emit(model: &Model) -> Bundle {
    // The rule tests and the rules are the two large outputs: one on each core.
    let ((alert_tests, slo_tests), mut b) = std::thread::scope(|s| {
        let tests = s.spawn(|| ruletests::emit(model));
        let b = emit_rest(model);
        let tests = tests
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (tests, b)
    });
    let project = &model.project.name;
    b.add(ruletests::path(project), alert_tests);
    if let Some(t) = slo_tests {
        b.add(ruletests::slo_path(project), t);
    }
    b
}

/// Every output but the rule tests.
fn emit_rest(model: &Model) -> Bundle {
    let mut b = Bundle::default();
    let project = &model.project.name;
    b.add("prometheus/prometheus.yml", prometheus::emit(model));
    b.add(rules::path(project), rules::emit(model));
    b.add("alertmanager/alertmanager.yml", alertmanager::emit(model));
    if let Some(logs) = &model.logs {
        b.add("filebeat/filebeat.yml", filebeat::emit(model, logs));
    }
    if let Some(d) = &model.dashboard {
        grafana::emit(model, d, &mut b);
    }
    if let Some(p) = &model.proxy {
        b.add("nginx/nginx.conf", nginx::emit(model, p));
    }
    for s in &model.services {
        b.add(
            format!("systemd/{}.service", s.name),
            systemd::emit(model, s),
        );
    }
    b
}

/// A YAML document with the generated-file header. Long single-line strings stay on one line
/// (PromQL is easier to read unfolded); multi-line strings become `|` blocks.
pub(crate) fn yaml<T: Serialize>(value: &T) -> String {
    let mut opts = serde_saphyr::SerializerOptions::default();
    opts.folded_wrap_chars = 100_000;
    opts.min_fold_chars = 100_000;
    let body = serde_saphyr::to_string_with_options(value, opts)
        .unwrap_or_else(|e| panic!("ccmon bug: typed YAML value failed to serialize: {e}"));
    format!("# {HEADER}\n{body}")
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
