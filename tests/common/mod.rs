//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod net;
pub mod nginx;

use std::path::{Path, PathBuf};

use ccmon::diag::source::Source;
use ccmon::diag::{self, Diags};
use ccmon::model::Model;
use ccmon::output::bundle::Bundle;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example folder name, sorted.
pub fn examples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("monitoring.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// An example's configuration with the service files it includes, named as from the
/// repository's root (where tests run).
pub fn example_source(name: &str) -> Source {
    let path = PathBuf::from(format!("examples/{name}/monitoring.toml"));
    assert!(root().join(&path).is_file(), "{} exists", path.display());
    ccmon::load::include::read(&path).expect("example readable")
}

/// Compiles a config; panics with the rendered diagnostics when it does not compile.
pub fn model_of(src: &Source) -> (Model, Diags) {
    let mut diags = Diags::default();
    match ccmon::compile(src, &mut diags) {
        Some(m) => (m, diags),
        None => panic!(
            "{} does not compile:\n{}",
            src.name,
            diag::render_all_human(src, &diags)
        ),
    }
}

pub fn render_example(name: &str) -> Bundle {
    let (m, _) = model_of(&example_source(name));
    ccmon::emit::emit(&m)
}

/// Every rendering of the examples with its golden folder name: the top level as
/// `<example>`, each environment as `<example>@<env>`.
pub fn golden_renders() -> Vec<(String, Bundle)> {
    let mut out = Vec::new();
    for name in examples() {
        let src = example_source(&name);
        out.push((name.clone(), render_example(&name)));
        for env in ccmon::load::environments(&src) {
            let mut diags = Diags::default();
            let m = ccmon::compile_env(&src, Some(&env), &mut diags)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| {
                    panic!(
                        "{name} --env {env} does not compile:\n{}",
                        diag::render_all_human(&src, &diags)
                    )
                });
            out.push((format!("{name}@{env}"), ccmon::emit::emit(&m)));
        }
    }
    out
}

/// Parses generated YAML as data (after the header comment).
pub fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text)
        .unwrap_or_else(|e| panic!("generated YAML does not parse: {e}\n{text}"))
}

/// Every file below `dir`, relative, sorted.
pub fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Whether a tool is on PATH. On CI (`CI=true`) a missing tool fails the test; elsewhere the
/// test is skipped with a loud message.
pub fn require_tool(tool: &str) -> bool {
    let found = ccmon::tools::on_path(tool);
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("`{tool}` is not installed, and CI=true: .ci/run must install it");
        }
        eprintln!("SKIPPED: `{tool}` is not installed (run .ci/run to install it)");
    }
    found
}

/// A fresh empty folder under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "ccmon-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[allow(unused_imports)]
pub use ccmon::tools::run;
