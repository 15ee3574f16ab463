//! Criterion benches of each stage at 100, 1k, 10k and 100k alerts (the synthetic config of
//! `examples/synth.rs`, one job per ten alerts): load, check, every emitter, the whole
//! pipeline. Whole-process timings, peak memory and the comparison with promtool are in
//! docs/performance.md.
//!
//!     cargo bench --bench pipeline
//!     CCMON_BENCH_SIZES=100,1000 cargo bench --bench pipeline   # a quicker subset

use std::time::Duration;

use ccmon::diag::Diags;
use ccmon::diag::source::Source;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn synth(alerts: usize) -> String {
    ccmon::synth::generate((alerts / 10).max(1), alerts)
}

fn sizes() -> Vec<usize> {
    std::env::var("CCMON_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            // `cargo test --all-targets` runs each bench once, unoptimized: keep that quick.
            if cfg!(debug_assertions) {
                vec![100, 1_000]
            } else {
                vec![100, 1_000, 10_000, 100_000]
            }
        })
}

fn stages(c: &mut Criterion) {
    for n in sizes() {
        let src = Source::new("synth.toml", synth(n));
        let mut g = c.benchmark_group(format!("alerts_{n}"));
        g.sample_size(if n >= 10_000 { 10 } else { 30 });
        g.measurement_time(Duration::from_secs(if n >= 100_000 { 30 } else { 5 }));
        g.bench_function(BenchmarkId::new("load", n), |b| {
            b.iter(|| ccmon::load::load(&src, &mut Diags::default()).expect("loads"))
        });
        let raw = ccmon::load::load(&src, &mut Diags::default()).unwrap();
        g.bench_function(BenchmarkId::new("check", n), |b| {
            b.iter(|| ccmon::check::check(&raw, &src.text, &mut Diags::default()).expect("checks"))
        });
        let model = ccmon::check::check(&raw, &src.text, &mut Diags::default()).unwrap();
        use ccmon::emit as e;
        g.bench_function(BenchmarkId::new("emit_prometheus", n), |b| {
            b.iter(|| e::prometheus::emit(&model))
        });
        g.bench_function(BenchmarkId::new("emit_rules", n), |b| {
            b.iter(|| e::rules::emit(&model))
        });
        // On one core; `emit_all` is every output as `render` builds them, on every core.
        g.bench_function(BenchmarkId::new("emit_rule_tests", n), |b| {
            b.iter(|| e::ruletests::emit(&model))
        });
        g.bench_function(BenchmarkId::new("emit_all", n), |b| {
            b.iter(|| e::emit(&model))
        });
        g.bench_function(BenchmarkId::new("emit_alertmanager", n), |b| {
            b.iter(|| e::alertmanager::emit(&model))
        });
        if let Some(logs) = &model.logs {
            g.bench_function(BenchmarkId::new("emit_filebeat", n), |b| {
                b.iter(|| e::filebeat::emit(&model, logs))
            });
        }
        if !model.dashboards.is_empty() {
            g.bench_function(BenchmarkId::new("emit_grafana", n), |b| {
                b.iter(|| {
                    let mut bundle = ccmon::output::bundle::Bundle::default();
                    e::grafana::emit(&model, &mut bundle);
                    bundle
                })
            });
        }
        if let Some(p) = &model.proxy {
            g.bench_function(BenchmarkId::new("emit_nginx", n), |b| {
                b.iter(|| e::nginx::emit(&model, p))
            });
        }
        g.bench_function(BenchmarkId::new("emit_systemd", n), |b| {
            b.iter(|| {
                model
                    .services
                    .iter()
                    .map(|s| e::systemd::emit(&model, s))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function(BenchmarkId::new("pipeline", n), |b| {
            b.iter(|| {
                let model = ccmon::compile(&src, &mut Diags::default()).expect("compiles");
                ccmon::emit::emit(&model)
            })
        });
        // One warning per alert (`for` under the scrape interval), rendered as validate does:
        // linear in the number of diagnostics.
        let warned = Source::new(
            "synth.toml",
            src.text
                .lines()
                .map(|l| {
                    if l.starts_with("for = ") {
                        "for = \"1s\""
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        g.bench_function(BenchmarkId::new("diagnostics_one_per_alert", n), |b| {
            b.iter(|| {
                let mut d = Diags::default();
                ccmon::compile(&warned, &mut d).expect("compiles");
                ccmon::diag::render_all_human(&warned, &d)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
