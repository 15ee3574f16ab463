//! Every example renders byte for byte as committed in `golden/<example>/`, and each of its
//! environments in `golden/<example>@<env>/`.
//!
//! Update the golden files (and review the diff like code) with:
//!     CCMON_UPDATE_GOLDEN=1 cargo test --test golden

mod common;

use std::fs;

use common::{examples, files_below, golden_renders, render_example, root};

#[test]
fn every_example_matches_its_golden_folder() {
    let update = std::env::var("CCMON_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for (name, bundle) in golden_renders() {
        let dir = root().join("golden").join(&name);
        if update {
            let _ = fs::remove_dir_all(&dir);
            bundle.write_to(&dir).expect("golden folder writable");
            continue;
        }
        let on_disk = files_below(&dir);
        let mut generated: Vec<String> = bundle.files.keys().cloned().collect();
        generated.push(ccmon::output::manifest::MANIFEST.to_string());
        generated.sort();
        let manifest =
            fs::read_to_string(dir.join(ccmon::output::manifest::MANIFEST)).unwrap_or_default();
        if manifest != bundle.manifest() {
            failures.push(format!(
                "{name}/{}: manifest differs",
                ccmon::output::manifest::MANIFEST
            ));
        }
        if on_disk != generated {
            failures.push(format!(
                "{name}: files differ\n  golden:    {on_disk:?}\n  generated: {generated:?}"
            ));
        }
        for (path, text) in &bundle.files {
            let golden = fs::read_to_string(dir.join(path)).unwrap_or_default();
            if &golden != text {
                failures.push(format!("{name}/{path}: content differs from golden"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended: CCMON_UPDATE_GOLDEN=1 cargo test --test golden, then review `git diff golden/`",
        failures.join("\n")
    );
}

#[test]
fn two_renders_are_byte_identical() {
    for name in examples() {
        assert_eq!(render_example(&name), render_example(&name), "{name}");
    }
}

#[test]
fn every_output_starts_with_the_generated_header() {
    for name in examples() {
        for (path, text) in &render_example(&name).files {
            let ok = if path.ends_with(".json") {
                text.contains(ccmon::output::bundle::HEADER)
            } else if path.ends_with(".tmpl") {
                text.starts_with(&format!(
                    "{{{{/* {} */ -}}}}\n",
                    ccmon::output::bundle::HEADER
                ))
            } else {
                text.starts_with(&format!("# {}\n", ccmon::output::bundle::HEADER))
            };
            assert!(ok, "{name}/{path} lacks the header");
        }
    }
}
