//! The command line: `render`, `validate`. Exit codes: 0 clean, 1 problems found in the
//! config, 2 trouble (unreadable file, bad flags, write failure).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::codes;
use crate::diag::source::Source;
use crate::diag::{self, Diagnostic, Diags};
use crate::load::include::read as read_source;

#[derive(Parser)]
#[command(
    name = "ccmon",
    version,
    about = "Compile monitoring.toml into a whole monitoring stack"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour: auto (on a terminal, never with NO_COLOR), always or never.
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto)]
    color: Color,
    /// Print problems only: no success line, no list of written files.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// The environment (`[env.<name>]` of the config) to work on. `validate` without it
    /// checks the top level and every environment.
    #[arg(long, global = true, value_name = "NAME")]
    env: Option<String>,
}

/// The command line's definition: the manual, the completions and the README's synopses
/// come from it.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// How output is printed, from the global flags: set once in [`main`].
#[derive(Clone)]
struct Style {
    color: Color,
    quiet: bool,
    env: Option<String>,
}

static STYLE: std::sync::OnceLock<Style> = std::sync::OnceLock::new();

fn style() -> Style {
    STYLE.get().cloned().unwrap_or(Style {
        color: Color::Never,
        quiet: false,
        env: None,
    })
}

/// Whether to colour what goes to stdout (`true`) or stderr.
fn colored(stdout: bool) -> bool {
    use std::io::IsTerminal;
    match style().color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && if stdout {
                    std::io::stdout().is_terminal()
                } else {
                    std::io::stderr().is_terminal()
                }
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Render every output file into a folder.
    Render {
        /// The configuration file.
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// The output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Overwrite files in the output folder that ccmon did not write.
        #[arg(long)]
        force: bool,
    },
    /// Check the configuration and report every problem; writes nothing.
    Validate {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Also run promtool, amtool, nginx -t and systemd-analyze over the rendered files.
        #[arg(long)]
        with_tools: bool,
    },
    /// Show what `render` would change in a folder (a golden folder in review, a deployed
    /// folder before rollout). Exit 0 same, 1 different or edited by hand, 2 trouble.
    Diff {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// The folder to compare with.
        #[arg(long)]
        against: PathBuf,
        /// Only the changed files with their line counts.
        #[arg(long)]
        stat: bool,
        /// Compare YAML and JSON as data; ignore comments and layout elsewhere.
        #[arg(long)]
        semantic: bool,
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
    },
    /// Render, then run `promtool test rules` on the rule tests ccmon generated for every alert
    /// (exit 0 pass, 1 fail, 2 trouble such as promtool missing).
    Test {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// Only the alerts, SLOs (by SLO or alert name) and route tests whose name matches one
        /// of these patterns (`*` any text, `?` one character). Repeatable.
        #[arg(long, num_args = 1..)]
        only: Vec<String>,
    },
    /// Print the Alertmanager route tree and where every generated alert goes. Exit 0, 1
    /// when the config has problems, 2 trouble.
    Routes {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// Apply the time intervals at this time: RFC 3339, or a local `YYYY-MM-DD HH:MM`
        /// in `--timezone`. Default: now.
        #[arg(long)]
        at: Option<String>,
        /// Show where alerts go with no time interval applied.
        #[arg(long, conflicts_with = "at")]
        any_time: bool,
        /// IANA time zone of a local `--at`.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// After a deploy: ask the running Prometheus and Alertmanager whether they run what
    /// ccmon renders and are well (exit 0 healthy, 1 unhealthy, 2 trouble).
    Health {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// Prometheus' URL (plain HTTP). Default: its listen address in the config.
        #[arg(long)]
        prometheus: Option<String>,
        /// Alertmanager's URL (plain HTTP). Default: its listen address in the config.
        #[arg(long)]
        alertmanager: Option<String>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Ask again every 5 seconds until healthy or this long has passed (`2m`).
        #[arg(long)]
        wait: Option<String>,
    },
    /// On the server (the snapshot timer runs it): a TSDB snapshot through Prometheus' admin
    /// API, the older ones beyond --keep removed. Exit 0 done, 2 trouble.
    Snapshot {
        /// Prometheus' URL (plain HTTP).
        #[arg(long, default_value = "http://127.0.0.1:9090")]
        prometheus: String,
        /// Prometheus' data folder (`--storage.tsdb.path`).
        #[arg(long)]
        data_dir: PathBuf,
        /// How many snapshots are kept.
        #[arg(long, default_value_t = 7)]
        keep: usize,
    },
    /// On the server (the backup timer runs it): a tar.gz of PATHS in --dir, the older ones
    /// beyond --keep removed. Exit 0 done, 2 trouble.
    Backup {
        /// Where the archives are written.
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 30)]
        keep: usize,
        /// What is archived (absolute paths).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// On the server: restore a snapshot into Prometheus' data folder. The unit is stopped,
    /// the current data moved aside (kept), the snapshot copied in, the unit started, and
    /// Prometheus asked until ready. Exit 0 done, 2 trouble.
    Restore {
        /// The snapshot folder (`<data>/snapshots/<name>`).
        snapshot: PathBuf,
        #[arg(long)]
        data_dir: PathBuf,
        /// The systemd unit to stop and start (`--no-systemd`: none).
        #[arg(long, default_value = "prometheus")]
        unit: String,
        #[arg(long)]
        no_systemd: bool,
        /// Asked for readiness after the start.
        #[arg(long, default_value = "http://127.0.0.1:9090")]
        prometheus: String,
    },
    /// Print the JSON schema of monitoring.toml (for editors; committed in schema/).
    Schema {
        /// The schema of a service file that monitoring.toml includes, instead.
        #[arg(long)]
        service: bool,
    },
    /// Install the rendered files where the servers read them (under --root), reload the
    /// servers whose files changed, and check that they run them; on a failed reload or check,
    /// put the previous files back and reload again. Exit 0 applied (or nothing to change),
    /// 1 failed and rolled back, 2 trouble.
    Apply {
        #[arg(default_value = "monitoring.toml")]
        config: PathBuf,
        /// The server's root: `/` on the server, a folder to stage or test.
        #[arg(long, default_value = "/")]
        root: PathBuf,
        /// Prometheus' URL (plain HTTP). Default: its listen address in the config.
        #[arg(long)]
        prometheus: Option<String>,
        /// Alertmanager's URL (plain HTTP). Default: its listen address in the config.
        #[arg(long)]
        alertmanager: Option<String>,
        /// Install without running the real tools over the files first.
        #[arg(long)]
        no_check: bool,
        /// Install only: no reload and no verification (a first install, a staged root).
        #[arg(long)]
        no_reload: bool,
        /// Only the files of this `[[host]]`.
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
        /// How long the servers have to load the new files (`30s`).
        #[arg(long, default_value = "30s")]
        wait: String,
    },
    /// Print the shell completion script (`ccmon completions bash > /etc/bash_completion.d/ccmon`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or with --out write one page per command there
    /// (`ccmon man --out /usr/local/share/man/man1`).
    Man {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a starter monitoring.toml (an example built into ccmon) that validates and
    /// renders as written. Exit 0 written, 2 trouble (such as a monitoring.toml already there).
    Init {
        /// The folder to write it in (made when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Which example: `minimal` (one job, one alert, one receiver) or `claude-code` (the
        /// whole seed deployment).
        #[arg(long, value_enum, default_value_t = Example::Minimal)]
        example: Example,
        /// Replace a monitoring.toml that is already there.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Example {
    Minimal,
    ClaudeCode,
}

impl Example {
    fn text(self) -> &'static str {
        match self {
            Example::Minimal => include_str!("../examples/minimal/monitoring.toml"),
            Example::ClaudeCode => include_str!("../examples/claude-code/monitoring.toml"),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_TROUBLE: u8 = 2;

/// Diagnostics: human ones on stderr (coloured on a terminal), machine formats on stdout.
fn print_diags(src: &Source, diags: &Diags, format: Format) {
    let text = match format {
        Format::Human => {
            let text = diag::render_all_human(src, diags);
            if colored(false) {
                diag::paint(&text)
            } else {
                text
            }
        }
        Format::Json => diag::render_all_json(src, diags),
        Format::Github => diag::render_all_github(src, diags),
    };
    if format == Format::Human {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

/// The success line: what the config holds and how many files it renders to.
fn ok_line(m: &crate::model::Model, files: usize) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    format!(
        "ok: {}, {}, {}, {}",
        n(m.alerts.len(), "alert", "alerts"),
        n(m.slos.len(), "SLO", "SLOs"),
        n(m.alertmanager.receivers.len(), "receiver", "receivers"),
        n(files, "file", "files"),
    )
}

/// Trouble outside the config's content (exit 2), reported like any diagnostic.
fn trouble_diag(name: &str, d: Diagnostic, format: Format) -> u8 {
    let src = Source::new(name, "");
    let mut diags = Diags::default();
    diags.push(d);
    print_diags(&src, &diags, format);
    EXIT_TROUBLE
}

/// Reads and compiles a config, printing its diagnostics (human format); the model, or the
/// exit code of trouble reading it.
fn compile_reporting(config: &std::path::Path) -> Result<Option<crate::model::Model>, u8> {
    compile_reporting_source(config).map(|(_, m)| m)
}

/// [`compile_reporting`], with the text read (the config and the files it includes).
fn compile_reporting_source(
    config: &std::path::Path,
) -> Result<(Source, Option<crate::model::Model>), u8> {
    let src = read_source(config)
        .map_err(|u| trouble_diag(&config.display().to_string(), u.into(), Format::Human))?;
    let mut diags = Diags::default();
    let model = match crate::compile_env(&src, style().env.as_deref(), &mut diags) {
        Ok(m) => m,
        Err(e) => return Err(trouble(codes::UNREADABLE, &e)),
    };
    if !diags.is_empty() {
        print_diags(&src, &diags, Format::Human);
    }
    Ok((src, model))
}

fn trouble(code: codes::Code, msg: &str) -> u8 {
    trouble_diag("ccmon", Diagnostic::error(code, msg), Format::Human)
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                i32::from(EXIT_TROUBLE)
            } else {
                0
            };
        }
    };
    let _ = STYLE.set(Style {
        color: cli.color,
        quiet: cli.quiet,
        env: cli.env,
    });
    i32::from(run(cli.command))
}

fn run(cmd: Command) -> u8 {
    match cmd {
        Command::Diff {
            config,
            against,
            stat,
            semantic,
            format,
        } => diff(&config, &against, stat, semantic, format),
        Command::Test { config, only } => test(&config, &only),
        Command::Routes {
            config,
            at,
            any_time,
            timezone,
        } => routes(&config, at.as_deref(), any_time, &timezone),
        Command::Health {
            config,
            prometheus,
            alertmanager,
            format,
            wait,
        } => health(&config, prometheus, alertmanager, format, wait.as_deref()),
        Command::Snapshot {
            prometheus,
            data_dir,
            keep,
        } => done(
            crate::health::http::Endpoint::parse(&prometheus)
                .and_then(|p| crate::maintain::snapshot(&p, &data_dir, keep)),
        ),
        Command::Backup { dir, keep, paths } => done(crate::maintain::backup(&dir, keep, &paths)),
        Command::Restore {
            snapshot,
            data_dir,
            unit,
            no_systemd,
            prometheus,
        } => done(
            crate::health::http::Endpoint::parse(&prometheus).and_then(|p| {
                crate::maintain::restore(&crate::maintain::Restore {
                    snapshot: &snapshot,
                    data_dir: &data_dir,
                    unit: (!no_systemd).then_some(unit.as_str()),
                    prometheus: (!no_systemd).then_some(&p),
                })
            }),
        ),
        Command::Init {
            dir,
            example,
            force,
        } => init(&dir, example, force),
        Command::Apply {
            config,
            root,
            prometheus,
            alertmanager,
            no_check,
            no_reload,
            host,
            wait,
        } => apply(
            &config,
            &root,
            (prometheus, alertmanager),
            (!no_check, no_reload, host),
            &wait,
        ),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ccmon", &mut std::io::stdout());
            EXIT_OK
        }
        Command::Man { out } => man(out.as_deref()),
        Command::Schema { service } => {
            print!(
                "{}",
                if service {
                    crate::schema::service_json_schema()
                } else {
                    crate::schema::json_schema()
                }
            );
            EXIT_OK
        }
        Command::Render { config, out, force } => render(&config, &out, force),
        Command::Validate {
            config,
            format,
            deny_warnings,
            with_tools,
        } => validate(&config, format, deny_warnings, with_tools),
    }
}

/// `ccmon health`.
fn health(
    config: &Path,
    prometheus: Option<String>,
    alertmanager: Option<String>,
    format: DiffFormat,
    wait: Option<&str>,
) -> u8 {
    let model = match compile_reporting(config) {
        Ok(Some(m)) => m,
        Ok(None) => return EXIT_TROUBLE,
        Err(code) => return code,
    };
    let wait = match wait.map(crate::quantity::Duration::parse) {
        None => std::time::Duration::ZERO,
        Some(Ok(d)) => std::time::Duration::from_millis(d.0),
        Some(Err(e)) => return trouble(codes::BAD_DURATION, &format!("--wait: {e}")),
    };
    // With `[[host]]`, health runs beside Prometheus: Alertmanager is where Prometheus
    // sends its alerts, on its own host if it runs elsewhere.
    let alertmanager = alertmanager.or_else(|| {
        let at = model.prometheus.alertmanagers.first()?;
        (!model.hosts.is_empty())
            .then(|| crate::check::server_url(at, model.alertmanager.external_url.as_deref()))
    });
    let (prometheus, alertmanager) = match servers(&model, prometheus, alertmanager) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let options = crate::health::Options {
        prometheus,
        alertmanager,
        timeout: std::time::Duration::from_secs(5),
    };
    let bundle = crate::emit::emit(&model);
    let until = std::time::Instant::now() + wait;
    let report = loop {
        let r = crate::health::run(&model, &bundle, &options);
        if r.healthy || std::time::Instant::now() >= until {
            break r;
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
    };
    let text = match format {
        DiffFormat::Human => crate::health::render_human(&report),
        DiffFormat::Json => crate::health::render_json(&report),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.healthy {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    }
}

/// The end of a maintenance command: its message on stdout (exit 0), or why it failed on
/// stderr (exit 2).
fn done(r: Result<String, String>) -> u8 {
    match r {
        Ok(msg) => {
            println!("{msg}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("ccmon: {e}");
            EXIT_TROUBLE
        }
    }
}

/// `ccmon diff`.
fn diff(config: &Path, against: &Path, stat: bool, semantic: bool, format: DiffFormat) -> u8 {
    let model = match compile_reporting(config) {
        Ok(m) => m,
        Err(code) => return code,
    };
    // An invalid config cannot say what the folder should hold: trouble, not a diff.
    let Some(model) = model else {
        return EXIT_TROUBLE;
    };
    let bundle = crate::emit::emit(&model);
    // A server's root (`ccmon apply --root`): compared in the server's layout.
    let report = if crate::layout::is_root(against) {
        let layout = crate::layout::layout(&model, &bundle);
        let listed = crate::apply::listed(&layout, against);
        crate::output::diff::compare_listed(&layout, against, listed, semantic)
    } else {
        crate::output::diff::compare(&bundle, against, semantic)
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => return trouble(codes::OUTPUT_FOLDER, &format!("{e:#}")),
    };
    let color = colored(true);
    let text = match (format, stat) {
        (DiffFormat::Json, _) => crate::output::diff::render_json(&report),
        (DiffFormat::Human, true) => crate::output::diff::render_stat(&report, color),
        (DiffFormat::Human, false) => crate::output::diff::render_human(&report, color),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    }
}

/// `ccmon test`.
fn test(config: &Path, only: &[String]) -> u8 {
    let started = std::time::Instant::now();
    let (src, model) = match compile_reporting_source(config) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let Some(mut model) = model else {
        return EXIT_PROBLEMS;
    };
    if !only.is_empty() {
        let unmatched = select(&mut model, only);
        if !unmatched.is_empty() {
            return trouble(
                codes::UNKNOWN_ALERT,
                &format!(
                    "--only {}: no alert, SLO or route test has a matching name",
                    unmatched.join(" ")
                ),
            );
        }
    }
    let routes = crate::dispatch::walk::run_tests(&model.alertmanager, &|line| {
        let p = src.place_of_line(line);
        format!("{}:{}", p.file, p.line)
    });
    for f in &routes.failures {
        print!("{f}");
    }
    let route_tests = model.alertmanager.route_tests.len();
    if !crate::tools::on_path("promtool") {
        return trouble(
            codes::TOOL_MISSING,
            "`promtool` is not installed: it runs the rule tests (Debian and Ubuntu: `apt-get install prometheus`)",
        );
    }
    let run = match crate::tools::run_rule_tests(&model) {
        Ok(r) => r,
        Err(e) => return trouble(codes::TOOL_MISSING, &e),
    };
    print!("{}", run.output);
    println!("{}", run.coverage.summary());
    println!(
        "route tests: {} passed, {} failed; rule tests: {} cases in {} files, {}; {} of {} alerts without rule tests; {:.1} s",
        route_tests - routes.failures.len(),
        routes.failures.len(),
        run.cases,
        run.files,
        if run.passed {
            "all passed".to_string()
        } else {
            format!("failed in {}", run.failed_files.join(", "))
        },
        run.coverage.untested.len(),
        run.coverage.alerts,
        started.elapsed().as_secs_f64()
    );
    if run.passed && routes.failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    }
}

/// `*` any text, `?` one character.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    go(&p, &n)
}

/// Keeps the alerts, SLOs and route tests that `patterns` name; returns the patterns that
/// name nothing.
fn select(model: &mut crate::model::Model, patterns: &[String]) -> Vec<String> {
    let mut used = vec![false; patterns.len()];
    let mut hit = |name: &str| {
        let mut any = false;
        for (i, p) in patterns.iter().enumerate() {
            if glob(p, name) {
                used[i] = true;
                any = true;
            }
        }
        any
    };
    model
        .slos
        .retain_mut(|s| hit(&s.name) | s.tiers.iter().fold(false, |a, t| hit(&t.alert) | a));
    let slos: Vec<String> = model.slos.iter().map(|s| s.name.clone()).collect();
    model
        .alerts
        .retain(|a| hit(&a.name) || a.slo.as_ref().is_some_and(|s| slos.contains(s)));
    model.alertmanager.route_tests.retain(|t| hit(&t.name));
    patterns
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(p, _)| p.clone())
        .collect()
}

/// `ccmon routes`.
fn routes(config: &Path, at: Option<&str>, any_time: bool, timezone: &str) -> u8 {
    let at = match at {
        None if any_time => None,
        None => Some(jiff::Timestamp::now()),
        Some(a) => {
            let parsed = crate::am::timeinterval::zone(timezone)
                .and_then(|tz| crate::am::timeinterval::parse_instant(a, &tz));
            match parsed {
                Ok(t) => Some(t),
                Err(why) => {
                    return trouble(codes::BAD_TIME_INTERVAL, &format!("--at/--timezone: {why}"));
                }
            }
        }
    };
    let model = match compile_reporting(config) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let Some(model) = model else {
        return EXIT_PROBLEMS;
    };
    print!("{}", crate::dispatch::routes::report(&model, at));
    EXIT_OK
}

/// `ccmon render`.
fn render(config: &Path, out: &Path, force: bool) -> u8 {
    let model = match compile_reporting(config) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let Some(model) = model else {
        return EXIT_PROBLEMS;
    };
    let bundle = crate::emit::emit(&model);
    let (foreign, edited) = bundle.hand_written(out);
    if !force && (!foreign.is_empty() || !edited.is_empty()) {
        let mut why = Vec::new();
        if !foreign.is_empty() {
            why.push(format!("files ccmon did not write: {}", foreign.join(", ")));
        }
        if !edited.is_empty() {
            why.push(format!(
                "files ccmon wrote that were edited by hand since: {}",
                edited.join(", ")
            ));
        }
        let d = Diagnostic::error(
            codes::NOT_OURS,
            format!(
                "{} holds {}, which this render would replace",
                out.display(),
                why.join("; and ")
            ),
        )
        .help(
            "compare them with `ccmon diff --semantic --against DIR`, then render with `--force`",
        );
        return trouble_diag(&out.display().to_string(), d, Format::Human);
    }
    let report = match bundle.write_to(out) {
        Ok(r) => r,
        Err(e) => return trouble(codes::OUTPUT_FOLDER, &format!("{e:#}")),
    };
    if report.recovered {
        eprintln!(
            "note: completed an interrupted earlier render in {}",
            out.display()
        );
    }
    let quiet = style().quiet;
    for f in &report.removed {
        if !quiet {
            eprintln!("removed {f}: ccmon no longer generates it");
        }
    }
    for f in &report.kept_edited {
        eprintln!("warning: kept {f}: ccmon no longer generates it, but it was edited by hand");
    }
    if !quiet {
        for f in &report.changed {
            eprintln!("wrote {f}");
        }
        eprintln!(
            "{}; {} changed, {} unchanged in {}",
            ok_line(&model, bundle.files.len()),
            report.changed.len(),
            report.unchanged,
            out.display()
        );
    }
    // The process ends here: freeing a large model piece by piece only costs time.
    std::mem::forget((model, bundle));
    EXIT_OK
}

/// Prometheus' and Alertmanager's URLs: as given, else where the config says they listen.
fn servers(
    model: &crate::model::Model,
    prometheus: Option<String>,
    alertmanager: Option<String>,
) -> Result<(crate::health::http::Endpoint, crate::health::http::Endpoint), u8> {
    let url = |given: Option<String>, listen: &str, external: Option<&str>| {
        given.unwrap_or_else(|| crate::check::server_url(listen, external))
    };
    let p = url(
        prometheus,
        &model.prometheus.listen,
        model.prometheus.external_url.as_deref(),
    );
    let a = url(
        alertmanager,
        &model.alertmanager.listen,
        model.alertmanager.external_url.as_deref(),
    );
    crate::health::http::Endpoint::parse(&p)
        .and_then(|p| Ok((p, crate::health::http::Endpoint::parse(&a)?)))
        .map_err(|e| trouble(codes::BAD_URL_OR_EMAIL, &e))
}

/// `ccmon apply`.
fn apply(
    config: &Path,
    root: &Path,
    (prometheus, alertmanager): (Option<String>, Option<String>),
    (check, install_only, host): (bool, bool, Option<String>),
    wait: &str,
) -> u8 {
    let model = match compile_reporting(config) {
        Ok(Some(m)) => m,
        Ok(None) => return EXIT_TROUBLE,
        Err(code) => return code,
    };
    let wait = match crate::quantity::Duration::parse(wait) {
        Ok(d) => std::time::Duration::from_millis(d.0),
        Err(e) => return trouble(codes::BAD_DURATION, &format!("--wait: {e}")),
    };
    let (prometheus, alertmanager) = match servers(&model, prometheus, alertmanager) {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Some(h) = &host
        && !model.hosts.iter().any(|x| &x.name == h)
    {
        let names: Vec<&str> = model.hosts.iter().map(|x| x.name.as_str()).collect();
        return trouble(
            codes::UNREADABLE,
            &format!("no [[host]] named `{h}` (hosts: {})", names.join(", ")),
        );
    }
    let bundle = crate::emit::emit(&model);
    let options = crate::apply::Options {
        root,
        prometheus,
        alertmanager,
        check,
        wait,
        install_only,
        host,
    };
    let (report, outcome) = crate::apply::apply(&model, &bundle, &options);
    for l in &report.lines {
        if !style().quiet || outcome.is_err() {
            eprintln!("{l}");
        }
    }
    match outcome {
        Ok(()) => {
            if !style().quiet {
                eprintln!(
                    "ok: {} file(s) applied under {}",
                    report.changed,
                    root.display()
                );
            }
            EXIT_OK
        }
        Err(why) => {
            eprintln!("error: the apply failed:\n{why}");
            EXIT_PROBLEMS
        }
    }
}

/// `ccmon man`: the pages come from the same clap definition as the parser, so they cannot
/// drift from it.
fn man(out: Option<&Path>) -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let written = match out {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout()),
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)),
    };
    match written {
        Ok(()) => EXIT_OK,
        // `ccmon man | head`: the reader stopped, nothing went wrong.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => trouble(
            codes::OUTPUT_FOLDER,
            &format!("cannot write the manual: {e}"),
        ),
    }
}

/// One environment of `validate`: the model, its test coverage and file count.
type Validated = (
    Option<crate::model::Model>,
    Option<(crate::output::bundle::Coverage, usize)>,
);

fn validate_env(
    src: &Source,
    env: Option<&str>,
    with_tools: bool,
    diags: &mut Diags,
) -> Result<Validated, String> {
    let model = crate::compile_env(src, env, diags)?;
    let Some(m) = &model else {
        return Ok((None, None));
    };
    if with_tools {
        let raw = crate::load::load_env(src, env, &mut Diags::default())
            .ok()
            .flatten();
        let locate = |name: &str| {
            let a = raw
                .as_ref()?
                .alerts
                .iter()
                .find(|a| a.get_ref().name.get_ref() == name)?;
            let a = a.get_ref();
            Some(a.expr.as_ref().map_or(a.kind.span(), |e| e.span()))
        };
        crate::tools::check_with_tools(m, diags, &locate);
    }
    // Emitting proves the outputs can be built; nothing is written.
    let b = crate::emit::emit(m);
    let coverage = Some((b.coverage, b.files.len()));
    Ok((model, coverage))
}

/// `ccmon init`: the example's text, its `#:schema` line (a path inside ccmon's repository)
/// replaced by how to get the schema.
fn init(dir: &Path, example: Example, force: bool) -> u8 {
    let path = dir.join("monitoring.toml");
    if path.exists() && !force {
        let d = Diagnostic::error(
            codes::NOT_OURS,
            format!("{} is already there", path.display()),
        )
        .help("edit it, or replace it with `ccmon init --force`");
        return trouble_diag(&path.display().to_string(), d, Format::Human);
    }
    let body: String = example
        .text()
        .lines()
        .filter(|l| !l.starts_with("#:schema"))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = format!(
        "# Written by `ccmon init`. Check it with `ccmon validate`, write the outputs with\n\
         # `ccmon render --out out`; every key is in ccmon's docs/format.md. For completion in an\n\
         # editor: `ccmon schema > monitoring.schema.json`, then `#:schema ./monitoring.schema.json`\n\
         # as the first line.\n\n{body}"
    );
    let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, text));
    if let Err(e) = written {
        return trouble(
            codes::OUTPUT_FOLDER,
            &format!("cannot write {}: {e}", path.display()),
        );
    }
    if !style().quiet {
        eprintln!(
            "wrote {}; next: `ccmon validate {0}`, then `ccmon render {0} --out out`",
            path.display()
        );
    }
    EXIT_OK
}

/// `ccmon validate`: the environment of `--env`, or the top level and every environment the
/// file declares (a diagnostic they share is printed once).
fn validate(config: &Path, format: Format, deny_warnings: bool, with_tools: bool) -> u8 {
    let src = match read_source(config) {
        Ok(s) => s,
        Err(u) => return trouble_diag(&config.display().to_string(), u.into(), format),
    };
    let envs: Vec<Option<String>> = match style().env {
        Some(e) => vec![Some(e)],
        None => std::iter::once(None)
            .chain(crate::load::environments(&src).into_iter().map(Some))
            .collect(),
    };
    let mut unique = diag::Unique::default();
    let (mut model, mut coverage, mut all_built) = (None, None, true);
    for env in &envs {
        let mut d = Diags::default();
        let (m, cov) = match validate_env(&src, env.as_deref(), with_tools, &mut d) {
            Ok(r) => r,
            Err(e) => return trouble(codes::UNREADABLE, &e),
        };
        unique.absorb(d);
        all_built &= m.is_some();
        if model.is_none() {
            (model, coverage) = (m, cov);
        }
    }
    let model = if all_built { model } else { None };
    let diags = unique.into_diags();
    print_diags(&src, &diags, format);
    let warnings = diags.count(diag::Severity::Warning);
    let failed = model.is_none() || diags.has_errors() || (deny_warnings && warnings > 0);
    if let (Some(m), Some((c, files)), Format::Human, false) =
        (&model, &coverage, format, style().quiet)
    {
        eprintln!("{}", c.summary());
        if !failed {
            eprintln!("{}", ok_line(m, *files));
        }
    }
    if failed { EXIT_PROBLEMS } else { EXIT_OK }
}
