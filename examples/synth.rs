//! A synthetic `monitoring.toml` of any size (`ccmon::synth`), on standard output:
//!
//!     cargo run --release --example synth -- --jobs 1000 --alerts 10000 > big.toml

fn main() {
    let mut jobs = 100;
    let mut alerts = 1000;
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let value = argv.get(i + 1).and_then(|v| v.parse().ok());
        match (argv[i].as_str(), value) {
            ("--jobs", Some(v)) => jobs = v,
            ("--alerts", Some(v)) => alerts = v,
            _ => {
                eprintln!("usage: synth --jobs N --alerts M > monitoring.toml");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    print!("{}", ccmon::synth::generate(jobs, alerts));
}
