//! The two text templates (nginx, systemd), rendered with strict undefined behaviour so that a
//! missing value is a bug caught by the tests, never an empty directive in production.

use minijinja::{Environment, UndefinedBehavior, Value, value::Serde};
use serde::Serialize;

pub fn render<T: Serialize>(name: &str, source: &str, ctx: &T) -> String {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let mut out = env
        .add_template(name, source)
        .and_then(|()| env.get_template(name))
        .and_then(|t| t.render(Value::from(Serde(ctx))))
        .unwrap_or_else(|e| panic!("ccmon bug: template {name} failed: {e:#}"));
    // Jinja drops the template's final newline; text files end with one.
    out.push('\n');
    out
}
