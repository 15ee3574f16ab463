//! `emit`: the model into the bundle, one module per output.
//!
//! YAML and JSON are built as typed serde values and serialized, never glued together as
//! strings; nginx and systemd come from the templates in `templates/`. Emitters cannot fail on
//! user input: anything that could be wrong was rejected by `check`.

pub mod alertmanager;
mod ansible;
pub mod blackbox;
pub mod filebeat;
pub mod grafana;
pub mod maintenance;
pub mod nginx;
mod pack;
pub mod prometheus;
pub mod rules;
pub mod ruletests;
pub mod systemd;
mod template;

use serde::Serialize;

use crate::model::{Alert, Model};
use crate::output::bundle::{Bundle, HEADER};

/// One piece of the work of [`emit`].
enum Job<'m> {
    /// The colour of every run of alerts (see [`pack`]): the first job, which the alert
    /// tests wait for.
    Colours,
    Rules,
    Rest,
    SloTests,
    /// The alerts of a rule file, and the index of their first run.
    AlertTests(&'m [Alert], usize),
}

enum Done {
    Colours,
    Rules(Vec<(String, String)>, Option<String>),
    Rest(Bundle),
    AlertTests(ruletests::Chunk),
    SloTests(Option<ruletests::SloFiles>),
}

/// Every output of the model. The rules and the rule tests are the large outputs: they are
/// written in pieces on every core, the largest first, and joined in order.
pub fn emit(model: &Model) -> Bundle {
    let mut jobs = vec![Job::Colours, Job::Rules, Job::Rest, Job::SloTests];
    let mut runs = 0;
    for f in rules::chunks(model) {
        jobs.push(Job::AlertTests(f.alerts, runs));
        runs += crate::model::tier_runs(f.alerts).count();
    }
    // Work is handed out in order, so the colours are always under way when a chunk of alert
    // tests waits for them: the other core writes the rules meanwhile.
    let colours = std::sync::OnceLock::new();
    let done = crate::par::map(&jobs, |job| match job {
        Job::Colours => {
            colours.get_or_init(|| ruletests::alert_colours(model));
            Done::Colours
        }
        Job::Rules => Done::Rules(rules::emit(model), rules::emit_slo(model)),
        Job::Rest => Done::Rest(emit_rest(model)),
        Job::SloTests => Done::SloTests(ruletests::slo_file(model)),
        Job::AlertTests(alerts, first) => {
            let n = crate::model::tier_runs(alerts).count();
            let colours: &Vec<Option<u32>> = colours.wait();
            Done::AlertTests(ruletests::alert_chunk(alerts, &colours[*first..first + n]))
        }
    });
    let project = &model.project.name;
    let mut b = Bundle::default();
    let mut chunks = Vec::new();
    let mut slo_untested = Vec::new();
    for d in done {
        match d {
            Done::Rules(files, slo) => {
                for (path, t) in files {
                    b.add(path, t);
                }
                if let Some(t) = slo {
                    b.add(rules::slo_path(project), t);
                }
            }
            Done::SloTests(Some((files, untested))) => {
                for (path, t) in files {
                    b.add(path, t);
                }
                slo_untested = untested;
            }
            Done::SloTests(None) | Done::Colours => {}
            Done::Rest(rest) => b.files.extend(rest.files),
            Done::AlertTests(c) => chunks.push(c),
        }
    }
    b.coverage.alerts = crate::model::tier_runs(&model.alerts).count()
        + model.slos.iter().map(|s| s.tiers.len()).sum::<usize>();
    b.coverage.untested = chunks
        .iter()
        .flat_map(|c| c.skipped().iter().cloned())
        .chain(slo_untested)
        .collect();
    for (path, text) in ruletests::alert_files(model, chunks) {
        b.add(path, text);
    }
    // `[[host]]`: each host's files again, in the servers' layout, below `hosts/<name>/`,
    // and the Ansible inventory and playbook that push them.
    if !model.hosts.is_empty() {
        let files = crate::layout::host_files(model, &b);
        b.add("ansible/inventory.yml", ansible::inventory(model, &files));
        b.add("ansible/playbook.yml", ansible::playbook(model));
        for (path, text) in files {
            b.add(path, text);
        }
    }
    b
}

/// Every output but the rules and the rule tests.
fn emit_rest(model: &Model) -> Bundle {
    let mut b = Bundle::default();
    b.add("prometheus/prometheus.yml", prometheus::emit(model));
    for j in model.jobs.iter().filter(|j| !j.target_groups.is_empty()) {
        b.add(
            format!("prometheus/{}", crate::model::targets_file(&j.name)),
            yaml(&j.target_groups),
        );
    }
    b.add("alertmanager/alertmanager.yml", alertmanager::emit(model));
    for t in &model.alertmanager.templates {
        b.add(
            format!("alertmanager/{}/{}", alertmanager::TEMPLATE_DIR, t.name),
            format!("{{{{/* {HEADER} */ -}}}}\n{}", t.text),
        );
    }
    if let Some(bb) = &model.blackbox {
        b.add("blackbox/blackbox.yml", blackbox::emit(bb));
    }
    if let Some(logs) = &model.logs {
        b.add("filebeat/filebeat.yml", filebeat::emit(model, logs));
    }
    grafana::emit(model, &mut b);
    if let Some(p) = &model.proxy {
        b.add("nginx/nginx.conf", nginx::emit(model, p));
    }
    if let Some(mt) = &model.maintenance {
        maintenance::emit(model, mt, &mut b);
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
