//! ccmon compiles one `monitoring.toml` into every file a monitoring stack reads.
//!
//! The pipeline is visible in the modules: [`load`] (TOML with spans) → [`check`] (every
//! problem at once, into [`model::Model`]) → [`emit`] (one module per output) → [`output`]
//! (all outputs in memory, written atomically or compared).

pub mod addr;
pub mod am;
pub mod apply;
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
pub mod layout;
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
    compile_env(src, None, diags).unwrap_or_default()
}

/// [`compile`] of the top level and of every environment the file declares, as `ccmon
/// validate` checks them: a diagnostic they share is reported once. The top level's model,
/// when every one compiles.
pub fn compile_all(src: &Source, diags: &mut Diags) -> Option<model::Model> {
    let mut unique = diag::Unique::default();
    let mut first = None;
    let mut all = true;
    let envs = std::iter::once(None).chain(load::environments(src).into_iter().map(Some));
    for (i, env) in envs.enumerate() {
        let mut d = Diags::default();
        let m = compile_env(src, env.as_deref(), &mut d).unwrap_or_default();
        unique.absorb(d);
        all &= m.is_some();
        if i == 0 {
            first = m;
        }
    }
    for d in unique.into_diags().into_vec() {
        diags.push(d);
    }
    if all { first } else { None }
}

/// [`compile`] for an environment (`[env.<name>]` merged in); `Err` when the file declares no
/// such environment.
pub fn compile_env(
    src: &Source,
    env: Option<&str>,
    diags: &mut Diags,
) -> Result<Option<model::Model>, String> {
    let Some(raw) = load::load_env(src, env, diags)? else {
        return Ok(None);
    };
    let dir = std::path::Path::new(&src.name).parent();
    Ok(check::check_in(&raw, &src.text, dir, diags))
}
