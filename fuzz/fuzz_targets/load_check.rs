//! Any bytes through read → load → check → emit, and every diagnostic rendered in all three
//! formats: nothing may panic.
#![no_main]

use ccmon::diag::{self, Diags};
use ccmon::diag::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = Source::new("fuzz.toml", text);
    let mut diags = Diags::default();
    if let Some(model) = ccmon::compile(&src, &mut diags) {
        let _ = ccmon::emit::emit(&model);
    }
    let _ = diag::render_all_human(&src, &diags);
    let _ = diag::render_all_json(&src, &diags);
    let _ = diag::render_all_github(&src, &diags);
});
