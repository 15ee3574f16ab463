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

use crate::model::{Alert, Model};
use crate::output::bundle::{Bundle, HEADER};

/// Alerts per piece of rule-test work: small enough to balance the cores, large enough that
/// handing out work costs nothing.
const TEST_CHUNK: usize = 256;

/// One piece of the work of [`emit`].
enum Job<'m> {
    Rules,
    Rest,
    SloTests,
    AlertTests(&'m [Alert]),
}

enum Done {
    Text(Option<String>),
    Rest(Bundle),
    AlertTests(ruletests::Chunk),
    SloTests(Option<ruletests::SloFiles>),
}

/// Every output of the model. The rules and the rule tests are the large outputs: they are
/// written in pieces on every core, the largest first, and joined in order.
pub fn emit(model: &Model) -> Bundle {
    let mut jobs = vec![Job::Rules, Job::Rest, Job::SloTests];
    jobs.extend(
        crate::model::alert_chunks(&model.alerts, TEST_CHUNK)
            .into_iter()
            .map(Job::AlertTests),
    );
    let done = crate::par::map(&jobs, |job| match job {
        Job::Rules => Done::Text(Some(rules::emit(model))),
        Job::Rest => Done::Rest(emit_rest(model)),
        Job::SloTests => Done::SloTests(ruletests::slo_file(model)),
        Job::AlertTests(alerts) => Done::AlertTests(ruletests::alert_chunk(alerts)),
    });
    let project = &model.project.name;
    let mut b = Bundle::default();
    let mut chunks = Vec::new();
    let mut slo_untested = Vec::new();
    for (job, d) in jobs.iter().zip(done) {
        match (job, d) {
            (Job::Rules, Done::Text(Some(t))) => b.add(rules::path(project), t),
            (_, Done::SloTests(Some((files, untested)))) => {
                for (path, t) in files {
                    b.add(path, t);
                }
                slo_untested = untested;
            }
            (_, Done::Rest(rest)) => b.files.extend(rest.files),
            (_, Done::AlertTests(c)) => chunks.push(c),
            _ => {}
        }
    }
    b.coverage.alerts = crate::model::tier_runs(&model.alerts).count()
        + model.slos.iter().map(|s| s.tiers.len()).sum::<usize>();
    b.coverage.untested = chunks
        .iter()
        .flat_map(|c| c.skipped().iter().cloned())
        .chain(slo_untested)
        .collect();
    b.add(
        ruletests::path(project),
        ruletests::alert_file(model, chunks),
    );
    b
}

/// Every output but the rules and the rule tests.
fn emit_rest(model: &Model) -> Bundle {
    let mut b = Bundle::default();
    b.add("prometheus/prometheus.yml", prometheus::emit(model));
    b.add("alertmanager/alertmanager.yml", alertmanager::emit(model));
    for t in &model.alertmanager.templates {
        b.add(
            format!("alertmanager/{}/{}", alertmanager::TEMPLATE_DIR, t.name),
            format!("{{{{/* {HEADER} */ -}}}}\n{}", t.text),
        );
    }
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
    format!("# {HEADER}\n{}", yaml_body(value))
}

/// [`yaml`] without the header.
pub(crate) fn yaml_body<T: Serialize>(value: &T) -> String {
    let mut opts = serde_saphyr::SerializerOptions::default();
    opts.folded_wrap_chars = 100_000;
    opts.min_fold_chars = 100_000;
    serde_saphyr::to_string_with_options(value, opts)
        .unwrap_or_else(|e| panic!("ccmon bug: typed YAML value failed to serialize: {e}"))
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
