//! ccmon compiles one `monitoring.toml` into every file a monitoring stack reads.
//!
//! The pipeline is visible in the modules: [`load`] (TOML with spans) → [`check`] (every
//! problem at once, into [`model::Model`]) → [`emit`] (one module per output) → [`output`]
//! (all outputs in memory, written atomically or compared).

pub mod am;
pub mod check;
pub mod cli;
pub mod codes;
pub mod cx;
pub mod diag;
pub mod dispatch;
pub mod emit;
pub mod escape;
pub mod gofmt;
pub mod gotemplate;
pub mod grafana_units;
pub mod health;
pub mod kinds;
pub mod load;
pub mod maintain;
pub mod model;
pub mod output;
pub mod par;
pub mod promql;
pub mod promql_versions;
pub mod quantity;
pub mod re2;
pub mod regexes;
pub mod schema;
pub mod series;
pub mod slo;
pub mod suggest;
pub mod synth;
pub mod tools;
pub mod unit;

use diag::Diags;
use diag::source::Source;

/// Load and check: the model, or `None` with the reasons in `diags`.
pub fn compile(src: &Source, diags: &mut Diags) -> Option<model::Model> {
    let raw = load::load(src, diags)?;
    let dir = std::path::Path::new(&src.name).parent();
    check::check_in(&raw, &src.text, dir, diags)
}
