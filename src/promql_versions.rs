//! Which Prometheus release first understood each PromQL function, aggregation
//! operator and syntax feature, and which of them sit behind an
//! `--enable-feature=...` flag.
//!
//! `promql-parser` (0.11) accepts the PromQL of the newest Prometheus 3.x,
//! plus at least one function Prometheus never shipped (`integral`, see
//! [`NON_PROMETHEUS_FUNCTIONS`]). ccmon uses these tables to tell the user
//! "function X needs Prometheus >= V (you target W)".
//!
//! # Where the data comes from
//!
//! The tables cover Prometheus 2.0 up to 3.14 ([`LATEST`]). They were built
//! from the `prometheus/prometheus` repository, not from memory:
//!
//! * the function map (`promql/functions.go` up to 2.16,
//!   `promql/parser/functions.go` since 2.17) at every `vX.Y.0` tag from
//!   v2.0.0 to v3.14.0. The `Experimental: true` field there is what gates a
//!   function behind `promql-experimental-functions` (since 2.49);
//! * the lexer keyword map (`promql/lex.go`, `promql/parser/lex.go`) at the
//!   same tags, for aggregation operators and keywords;
//! * `CHANGELOG.md`. The pull request numbers in the comments below come from
//!   it;
//! * `cmd/prometheus/main.go`, for the exact `--enable-feature` names;
//! * `docs/querying/functions.md` and `docs/feature_flags.md`.
//!
//! Two entries are not in the CHANGELOG and come from git history alone:
//! `day_of_year` (commit e22b54e253, first in v2.36.0) and the quoted-name
//! selector grammar `{"name"}` (commit a28d7865ad, first in v2.51.0).
//! `histogram_count`, `histogram_sum` and `histogram_fraction` only appear in the
//! CHANGELOG as part of the 2.40 "native histograms" entry (#11447).
//!
//! Checks:
//!
//! * `/work/research/promql/verify_git.py` compares [`FUNCTIONS`] with the
//!   function maps taken from every release tag (`since`, flag, `stable_since`,
//!   `removed_in`). There are no differences.
//! * `/work/research/promql/check.sh` runs a real `promtool` 2.42.0
//!   (`promtool check rules`) on one expression per entry. It accepts every
//!   function, aggregation and syntax feature dated 2.42 or earlier and rejects
//!   every later one. `promtool` 2.42 knows no PromQL-function feature flags:
//!   it warns about `--enable-feature=promql-experimental-functions` as an
//!   unknown option and still rejects the function.
//!
//! Flag names are taken from the code. The CHANGELOG text for 3.0, 3.5 and
//! 3.7 says `experimental-promql-functions`, but the real flag has always been
//! `promql-experimental-functions`.

use std::fmt::{self, Write as _};

/// A Prometheus release as `(major, minor)`. Patch releases never added PromQL
/// functions or syntax, so the patch number is left out.
pub type Version = (u16, u16);

/// Newest Prometheus release the tables were checked against.
pub const LATEST: Version = (3, 14);

/// The feature flag that ships almost every experimental PromQL function (and
/// the `limitk` / `limit_ratio` aggregations). Added in 2.49.
pub const EXPERIMENTAL_FUNCTIONS: &str = "promql-experimental-functions";

/// Flag for arithmetic in durations (`[5m * 2]`) and the `step()`, `range()`,
/// `min_of()`, `max_of()` duration helpers. Added in 3.4. Since 3.14 it is on by
/// default and the flag does nothing.
pub const DURATION_EXPR: &str = "promql-duration-expr";

/// Flag for the `anchored` / `smoothed` range-selector modifiers (3.7).
pub const EXTENDED_RANGE_SELECTORS: &str = "promql-extended-range-selectors";

/// Flag for the `fill()`, `fill_left()` and `fill_right()` binary-operator
/// modifiers (3.10).
pub const BINOP_FILL_MODIFIERS: &str = "promql-binop-fill-modifiers";

/// What kind of PromQL construct a [`Feature`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A function call such as `rate(...)`.
    Function,
    /// An aggregation operator such as `limitk(...)`.
    Aggregation,
    /// Other syntax: a modifier, operator or literal form.
    Syntax,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Function => "function",
            Kind::Aggregation => "aggregation",
            Kind::Syntax => "syntax",
        })
    }
}

/// A feature flag that a [`Feature`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// The value to pass as `--enable-feature=<flag>`, as spelled in the
    /// release where the feature first appeared.
    pub flag: &'static str,
    /// First release where the feature works without the flag, if any.
    pub stable_since: Option<Version>,
}

/// One versioned PromQL construct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// Function or aggregation name as written in PromQL. For syntax features,
    /// a stable identifier (see [`SYNTAX`]).
    pub name: &'static str,
    /// Which table the entry belongs to.
    pub kind: Kind,
    /// First release (major, minor) that parses it, with the flag if it is gated.
    pub since: Version,
    /// Set when the feature was only usable behind a feature flag.
    pub gate: Option<Gate>,
    /// First release that no longer accepts it.
    pub removed_in: Option<Version>,
    /// A short note for users, e.g. what replaced a removed function.
    pub note: Option<&'static str>,
}

/// What a [`Feature`] looks like in a given target release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Usable with no feature flag.
    Available,
    /// Present, but only with `--enable-feature=<flag>`.
    NeedsFlag(&'static str),
    /// The target is older than [`Feature::since`].
    TooOld {
        /// First release that has the feature.
        since: Version,
    },
    /// The target is at or after [`Feature::removed_in`].
    Removed {
        /// First release without the feature.
        removed_in: Version,
    },
}

impl Feature {
    const fn new(name: &'static str, kind: Kind, since: Version) -> Self {
        Feature {
            name,
            kind,
            since,
            gate: None,
            removed_in: None,
            note: None,
        }
    }

    /// Marks the feature as available only behind `--enable-feature=flag`.
    const fn flag(mut self, flag: &'static str) -> Self {
        self.gate = Some(Gate {
            flag,
            stable_since: None,
        });
        self
    }

    /// Marks a flagged feature as usable without the flag from `version` on.
    const fn stable(mut self, version: Version) -> Self {
        if let Some(gate) = self.gate.as_mut() {
            gate.stable_since = Some(version);
        }
        self
    }

    const fn removed(mut self, version: Version) -> Self {
        self.removed_in = Some(version);
        self
    }

    const fn note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }

    /// Returns the feature flag needed in `target`, or `None` if no flag is
    /// needed there (or the feature is not present at all).
    #[must_use]
    pub fn flag_at(&self, target: Version) -> Option<&'static str> {
        match self.availability(target) {
            Availability::NeedsFlag(flag) => Some(flag),
            _ => None,
        }
    }

    /// Returns how the feature can be used in the `target` release.
    #[must_use]
    pub fn availability(&self, target: Version) -> Availability {
        if target < self.since {
            return Availability::TooOld { since: self.since };
        }
        if let Some(removed_in) = self.removed_in
            && target >= removed_in
        {
            return Availability::Removed { removed_in };
        }
        match self.gate {
            Some(gate) if gate.stable_since.is_none_or(|stable| target < stable) => {
                Availability::NeedsFlag(gate.flag)
            }
            _ => Availability::Available,
        }
    }

    /// Returns a message for the user if the feature cannot be used in `target`
    /// without a flag, or `None` if it can.
    ///
    /// Example: ``function `limitk` needs Prometheus >= 2.54 (you target 2.42)``.
    #[must_use]
    pub fn diagnostic(&self, target: Version) -> Option<String> {
        let label = match self.kind {
            Kind::Syntax => format!("PromQL syntax `{}`", self.name),
            kind => format!("{kind} `{}`", self.name),
        };
        let mut msg = match self.availability(target) {
            Availability::Available => return None,
            Availability::TooOld { since } => {
                let mut msg = format!(
                    "{label} needs Prometheus >= {} (you target {})",
                    fmt_version(since),
                    fmt_version(target)
                );
                // Say which flag the user will need once they upgrade.
                if let Some(gate) = self.gate {
                    match gate.stable_since {
                        Some(stable) => {
                            let _ = write!(
                                msg,
                                "; until {} it also needs --enable-feature={}",
                                fmt_version(stable),
                                gate.flag
                            );
                        }
                        None => {
                            let _ = write!(msg, " and --enable-feature={}", gate.flag);
                        }
                    }
                }
                msg
            }
            Availability::Removed { removed_in } => format!(
                "{label} was removed in Prometheus {} (you target {})",
                fmt_version(removed_in),
                fmt_version(target)
            ),
            Availability::NeedsFlag(flag) => {
                let mut msg = format!(
                    "{label} needs --enable-feature={flag} in Prometheus {}",
                    fmt_version(target)
                );
                if let Some(stable) = self.gate.and_then(|g| g.stable_since) {
                    let _ = write!(msg, " (no flag needed from {})", fmt_version(stable));
                }
                msg
            }
        };
        if let Some(note) = self.note {
            msg.push_str(": ");
            msg.push_str(note);
        }
        Some(msg)
    }
}

/// Formats a version as `major.minor`, e.g. `2.42`.
#[must_use]
pub fn fmt_version(v: Version) -> String {
    format!("{}.{}", v.0, v.1)
}

/// Parses `"2.42"`, `"2.42.0"`, `"v3.1.2"` or `"3.5.0-rc.1"` into
/// `(major, minor)`.
#[must_use]
pub fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

const fn func(name: &'static str, since: Version) -> Feature {
    Feature::new(name, Kind::Function, since)
}

const fn agg(name: &'static str, since: Version) -> Feature {
    Feature::new(name, Kind::Aggregation, since)
}

const fn syn(name: &'static str, since: Version) -> Feature {
    Feature::new(name, Kind::Syntax, since)
}

const EXP: &str = EXPERIMENTAL_FUNCTIONS;

/// Every PromQL function from Prometheus 2.0 to [`LATEST`], including functions
/// that were later removed (`holt_winters`). Sorted by release, then by name.
pub const FUNCTIONS: &[Feature] = &[
    // 2.0.0: the functions inherited from 1.x (2.0 removed `count_scalar` and
    // `drop_common_labels`) plus `timestamp()`, added in 2.0.
    func("abs", (2, 0)),
    func("absent", (2, 0)),
    func("avg_over_time", (2, 0)),
    func("ceil", (2, 0)),
    func("changes", (2, 0)),
    func("clamp_max", (2, 0)),
    func("clamp_min", (2, 0)),
    func("count_over_time", (2, 0)),
    func("day_of_month", (2, 0)),
    func("day_of_week", (2, 0)),
    func("days_in_month", (2, 0)),
    func("delta", (2, 0)),
    func("deriv", (2, 0)),
    func("exp", (2, 0)),
    func("floor", (2, 0)),
    func("histogram_quantile", (2, 0)),
    // 3.0.0: "`holt_winters` is now called `double_exponential_smoothing` and
    // moves behind the experimental-promql-functions feature flag" (#14930).
    func("holt_winters", (2, 0))
        .removed((3, 0))
        .note("renamed to double_exponential_smoothing (needs --enable-feature=promql-experimental-functions)"),
    func("hour", (2, 0)),
    func("idelta", (2, 0)),
    func("increase", (2, 0)),
    func("irate", (2, 0)),
    func("label_join", (2, 0)),
    func("label_replace", (2, 0)),
    func("ln", (2, 0)),
    func("log10", (2, 0)),
    func("log2", (2, 0)),
    func("max_over_time", (2, 0)),
    func("min_over_time", (2, 0)),
    func("minute", (2, 0)),
    func("month", (2, 0)),
    func("predict_linear", (2, 0)),
    func("quantile_over_time", (2, 0)),
    func("rate", (2, 0)),
    func("resets", (2, 0)),
    func("round", (2, 0)),
    func("scalar", (2, 0)),
    func("sort", (2, 0)),
    func("sort_desc", (2, 0)),
    func("sqrt", (2, 0)),
    func("stddev_over_time", (2, 0)),
    func("stdvar_over_time", (2, 0)),
    func("sum_over_time", (2, 0)),
    func("time", (2, 0)),
    func("timestamp", (2, 0)),
    func("vector", (2, 0)),
    func("year", (2, 0)),
    // 2.16.0: "add absent_over_time query function #6490".
    func("absent_over_time", (2, 16)),
    // 2.26.0: "Add `last_over_time`, `sgn`, `clamp` functions. #8457".
    func("clamp", (2, 26)),
    func("last_over_time", (2, 26)),
    func("sgn", (2, 26)),
    // 2.29.0: "Add `present_over_time` PromQL function. #9097".
    func("present_over_time", (2, 29)),
    // 2.31.0: "Add trigonometric functions and `atan2` binary operator.
    // #9239 #9248 #9515".
    func("acos", (2, 31)),
    func("acosh", (2, 31)),
    func("asin", (2, 31)),
    func("asinh", (2, 31)),
    func("atan", (2, 31)),
    func("atanh", (2, 31)),
    func("cos", (2, 31)),
    func("cosh", (2, 31)),
    func("deg", (2, 31)),
    func("pi", (2, 31)),
    func("rad", (2, 31)),
    func("sin", (2, 31)),
    func("sinh", (2, 31)),
    func("tan", (2, 31)),
    func("tanh", (2, 31)),
    // 2.36.0: not in the CHANGELOG; commit e22b54e253 "Adds day_of_year
    // function to PromQL" is first tagged in v2.36.0.
    func("day_of_year", (2, 36)),
    // 2.40.0: native histograms (#11447). Only ingesting native histograms
    // needs `--enable-feature=native-histograms`. The functions themselves
    // always parse.
    func("histogram_count", (2, 40)),
    func("histogram_fraction", (2, 40)),
    func("histogram_sum", (2, 40)),
    // 2.47.0: "Add `histogram_stdvar` and `histogram_stddev` functions. #12614".
    func("histogram_stddev", (2, 47)),
    func("histogram_stdvar", (2, 47)),
    // 2.49.0: "Add a `promql-experimental-functions` feature flag containing
    // some new experimental PromQL functions. #13103" - `mad_over_time`
    // (#13059), `sort_by_label` and `sort_by_label_desc` (#11299).
    func("mad_over_time", (2, 49)).flag(EXP),
    func("sort_by_label", (2, 49)).flag(EXP),
    func("sort_by_label_desc", (2, 49)).flag(EXP),
    // 2.51.0: "Add histogram_avg function #13467".
    func("histogram_avg", (2, 51)),
    // 2.55.0: "Add experimental `info` function. #14495".
    func("info", (2, 55)).flag(EXP),
    // 3.0.0: the new name for `holt_winters`, now experimental (#14930).
    func("double_exponential_smoothing", (3, 0)).flag(EXP),
    // 3.5.0: "Add `ts_of_(min|max|last)_over_time`, behind feature flag
    // `experimental-promql-functions`. #16722 #16733".
    func("ts_of_last_over_time", (3, 5)).flag(EXP),
    func("ts_of_max_over_time", (3, 5)).flag(EXP),
    func("ts_of_min_over_time", (3, 5)).flag(EXP),
    // 3.7.0: "Add `first_over_time(...)` and `ts_of_first_over_time(...)`
    // behind feature flag `experimental-promql-functions`. #16963 #17021".
    // 3.14.0: "Promote `first_over_time` to stable. #19093".
    func("first_over_time", (3, 7)).flag(EXP).stable((3, 14)),
    func("ts_of_first_over_time", (3, 7)).flag(EXP),
    // 3.11.0: "Add experimental `histogram_quantiles` variadic function. #17285".
    func("histogram_quantiles", (3, 11)).flag(EXP),
    // 3.12.0: "Add `start()`, `end()`, `range()`, and `step()` experimental
    // functions #17877". These are scalar functions. `start()`/`end()` after
    // `@` (2.25) and `step()`/`range()` inside durations are separate
    // features: see `at_modifier`, `duration_step` and `duration_range` in
    // SYNTAX.
    func("end", (3, 12)).flag(EXP),
    func("range", (3, 12)).flag(EXP),
    func("start", (3, 12)).flag(EXP),
    func("step", (3, 12)).flag(EXP),
    // 3.13.0: "Add `min_of(a, b)` and `max_of(a, b)` scalar experimental
    // functions. #18687".
    func("max_of", (3, 13)).flag(EXP),
    func("min_of", (3, 13)).flag(EXP),
    // 3.14.0: "Add experimental `start_timestamp(instant-vector)` function ...
    // Requires the `use-start-timestamps` feature flag. #19089". It is marked
    // `Experimental: true` in functions.go, so the parser only accepts it with
    // promql-experimental-functions. Without use-start-timestamps it parses but
    // returns empty results.
    func("start_timestamp", (3, 14))
        .flag(EXP)
        .note("it also needs --enable-feature=use-start-timestamps to return data"),
];

/// Every aggregation operator from Prometheus 2.0 to [`LATEST`].
pub const AGGREGATIONS: &[Feature] = &[
    agg("avg", (2, 0)),
    agg("bottomk", (2, 0)),
    agg("count", (2, 0)),
    agg("count_values", (2, 0)),
    agg("max", (2, 0)),
    agg("min", (2, 0)),
    agg("quantile", (2, 0)),
    agg("stddev", (2, 0)),
    agg("stdvar", (2, 0)),
    agg("sum", (2, 0)),
    agg("topk", (2, 0)),
    // 2.20.0: "Added `group()` aggregator. #7480".
    agg("group", (2, 20)),
    // 2.54.0: "add limitk() and limit_ratio() aggregation operators. #12503".
    // The CHANGELOG does not mention a flag, but parse.go at v2.54.0 rejects them
    // unless promql-experimental-functions is on. Still experimental in 3.14.
    agg("limit_ratio", (2, 54)).flag(EXP),
    agg("limitk", (2, 54)).flag(EXP),
];

/// Syntax features newer than 2.0, by stable identifier:
///
/// | id | example |
/// |----|---------|
/// | `subquery` | `max_over_time(rate(x[5m])[1h:1m])` |
/// | `composite_duration` | `x[1h30m]` |
/// | `at_modifier` | `x @ 1609746000`, `x @ end()` |
/// | `negative_offset` | `x offset -5m` |
/// | `atan2` | `a atan2 b` |
/// | `quoted_metric_name` | `{"x"}`, `{"x", job="a"}` |
/// | `number_underscores` | `1_000_000` |
/// | `duration_as_number` | `time() - x > 10m`, `x[120]` |
/// | `utf8_names` | `{"my.metric", "some.label"="a"}` |
/// | `duration_expr` | `x[5m * 2]`, `x offset (1h / 2)` |
/// | `duration_step` | `x[step() * 2]` |
/// | `duration_min_max` | `x[max(step(), 5s)]` (renamed in 3.13) |
/// | `anchored` | `increase(x[5m] anchored)` |
/// | `smoothed` | `rate(x[5m] smoothed)` |
/// | `fill_modifiers` | `a + fill(0) b`, `fill_left`, `fill_right` |
/// | `duration_range` | `max_over_time(x[range()] @ end())` |
/// | `histogram_trim` | `h </ 0.5`, `h >/ 0.1` |
/// | `duration_min_of_max_of` | `x[max_of(step(), 5s)]` |
pub const SYNTAX: &[Feature] = &[
    // 2.7.0: "Add subqueries to PromQL. #4831".
    syn("subquery", (2, 7)),
    // 2.21.0: "Support composite durations in PromQL, config and UI, e.g.
    // 1h30m. #7713 #7833".
    syn("composite_duration", (2, 21)),
    // 2.25.0: "**experimental** PromQL: Add `@ <timestamp>` modifier. Behind the
    // --enable-feature=promql-at-modifier flag. #8121 #8436 #8425" (this added
    // the `@ start()` / `@ end()` forms as well).
    // 2.33.0: "Promote negative offset and `@` modifier to stable features.
    // #10121". 3.0.0 removed the no-op flag (#13456).
    syn("at_modifier", (2, 25))
        .flag("promql-at-modifier")
        .stable((2, 33)),
    // 2.26.0: "Allow negative offsets. Behind
    // `--enable-feature=promql-negative-offset` flag. #8487". Stable in 2.33.
    syn("negative_offset", (2, 26))
        .flag("promql-negative-offset")
        .stable((2, 33)),
    // 2.31.0: the `atan2` binary operator (#9239 #9248 #9515).
    syn("atan2", (2, 31)),
    // 2.51.0: not in the CHANGELOG. Commit a28d7865ad ("UTF-8: Add support
    // for parsing UTF8 metric and label names", first tagged in v2.51.0) added
    // the `{"metric_name", "l1"="val"}` grammar. Before 3.0, names outside the
    // legacy character set also need `utf8_names`.
    syn("quoted_metric_name", (2, 51)),
    // 2.54.0: "Accept underscores in literal numbers, e.g. 1_000_000 for 1
    // million. #12821".
    syn("number_underscores", (2, 54)),
    // 2.54.0: "float literal numbers and durations are now interchangeable
    // (experimental). Example: `time() - my_timestamp > 10m`. #9138". No flag.
    syn("duration_as_number", (2, 54)),
    // 2.55.0: "Support UTF-8 characters in label names - feature flag
    // `utf8-names`. #14482". 3.0.0: "Enable UTF-8 support by default ...
    // #14705, #15258".
    syn("utf8_names", (2, 55)).flag("utf8-names").stable((3, 0)),
    // 3.4.0: "allow arithmetic operations in durations in PromQL parser.
    // #16249", flag promql-duration-expr (cmd/prometheus/main.go at v3.4.0).
    // 3.14.0: "Enable duration expressions by default. The
    // `promql-duration-expr` feature flag is now a no-op. #19033".
    syn("duration_expr", (3, 4))
        .flag(DURATION_EXPR)
        .stable((3, 14)),
    // 3.6.0: "Add `step()`, and `min()` and `max()` on durations, behind
    // feature flag `promql-duration-expr`. #16777".
    syn("duration_step", (3, 6))
        .flag(DURATION_EXPR)
        .stable((3, 14)),
    // 3.13.0: "Rename the `min()` and `max()` duration-expression functions ...
    // to `min_of()` and `max_of()` ... #18687".
    syn("duration_min_max", (3, 6))
        .flag(DURATION_EXPR)
        .removed((3, 13))
        .note("renamed to min_of()/max_of() in 3.13"),
    // 3.7.0: "Add support for experimental anchored and smoothed rate behind
    // feature flag `promql-extended-range-selectors`. #16457".
    syn("anchored", (3, 7)).flag(EXTENDED_RANGE_SELECTORS),
    syn("smoothed", (3, 7)).flag(EXTENDED_RANGE_SELECTORS),
    // 3.10.0: "Add `fill()` / `fill_left()` / `fill_right()` binop modifiers
    // ... #17644", flag promql-binop-fill-modifiers (main.go at v3.10.0).
    syn("fill_modifiers", (3, 10)).flag(BINOP_FILL_MODIFIERS),
    // 3.10.0: `range()` inside duration expressions. Only in git (commit
    // d0b122a711, lexer keyword first in v3.10.0) and in docs/feature_flags.md.
    // The CHANGELOG only mentions it in a 3.12 bugfix (#18623).
    syn("duration_range", (3, 10))
        .flag(DURATION_EXPR)
        .stable((3, 14)),
    // 3.11.0: "Add `</` and `>/` operators for trimming observations from
    // native histograms. #17904". No flag.
    syn("histogram_trim", (3, 11)),
    // 3.13.0: `min_of()` / `max_of()` in durations (#18687).
    syn("duration_min_of_max_of", (3, 13))
        .flag(DURATION_EXPR)
        .stable((3, 14)),
];

/// Functions that `promql-parser` 0.11.1 accepts but that no Prometheus
/// release up to [`LATEST`] has, with the reason.
pub const NON_PROMETHEUS_FUNCTIONS: &[(&str, &str)] = &[(
    "integral",
    "proposed in prometheus/prometheus#14440 (not merged); no Prometheus release up to 3.14 has it",
)];

fn find(table: &'static [Feature], name: &str) -> Option<&'static Feature> {
    table.iter().find(|f| f.name == name)
}

/// Looks up a function by name.
#[must_use]
pub fn function(name: &str) -> Option<&'static Feature> {
    find(FUNCTIONS, name)
}

/// Looks up an aggregation operator by name.
#[must_use]
pub fn aggregation(name: &str) -> Option<&'static Feature> {
    find(AGGREGATIONS, name)
}

/// Looks up a syntax feature by its identifier (see [`SYNTAX`]).
#[must_use]
pub fn syntax(id: &str) -> Option<&'static Feature> {
    find(SYNTAX, id)
}

/// First release that has the function or aggregation operator `name`, or
/// `None` if no Prometheus release up to [`LATEST`] has it. Function and
/// aggregation names never collide.
#[must_use]
pub fn since(name: &str) -> Option<Version> {
    function(name)
        .or_else(|| aggregation(name))
        .map(|f| f.since)
}

/// A Prometheus release and the `--enable-feature` flags it runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromqlTarget {
    pub version: Version,
    pub features: Vec<String>,
}

impl Default for PromqlTarget {
    /// Prometheus 2.42, Debian 12's, the release the test suite runs.
    fn default() -> Self {
        PromqlTarget {
            version: (2, 42),
            features: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> impl Iterator<Item = &'static Feature> {
        FUNCTIONS.iter().chain(AGGREGATIONS).chain(SYNTAX)
    }

    #[test]
    fn tables_are_consistent() {
        for (table, kind) in [
            (FUNCTIONS, Kind::Function),
            (AGGREGATIONS, Kind::Aggregation),
            (SYNTAX, Kind::Syntax),
        ] {
            for (i, f) in table.iter().enumerate() {
                assert_eq!(f.kind, kind, "{}", f.name);
                assert!(
                    table[i + 1..].iter().all(|g| g.name != f.name),
                    "duplicate {}",
                    f.name
                );
            }
        }
        for f in all() {
            assert!((2, 0) <= f.since && f.since <= LATEST, "{}", f.name);
            if let Some(stable) = f.gate.and_then(|g| g.stable_since) {
                assert!(f.since < stable && stable <= LATEST, "{}", f.name);
            }
            if let Some(removed) = f.removed_in {
                assert!(f.since < removed && removed <= LATEST, "{}", f.name);
            }
        }
        for (name, _) in NON_PROMETHEUS_FUNCTIONS {
            assert!(since(name).is_none());
        }
        assert!(FUNCTIONS.iter().all(|f| aggregation(f.name).is_none()));
    }

    /// Number of functions in each release's function map, counted from
    /// functions.go at each tag. 2.42 was also checked with promtool.
    #[test]
    fn function_counts_match_upstream() {
        let present = |v: Version| {
            FUNCTIONS
                .iter()
                .filter(|f| f.since <= v && f.removed_in.is_none_or(|r| v < r))
                .count()
        };
        assert_eq!(present((2, 0)), 46);
        assert_eq!(present((2, 42)), 70);
        assert_eq!(present((2, 55)), 77);
        assert_eq!(present((3, 0)), 77);
        assert_eq!(present(LATEST), 90);
        assert_eq!(FUNCTIONS.len(), 91);
    }

    #[test]
    fn known_versions() {
        assert_eq!(since("rate"), Some((2, 0)));
        assert_eq!(since("absent_over_time"), Some((2, 16)));
        assert_eq!(since("last_over_time"), Some((2, 26)));
        assert_eq!(since("present_over_time"), Some((2, 29)));
        assert_eq!(since("atan"), Some((2, 31)));
        assert_eq!(since("histogram_avg"), Some((2, 51)));
        assert_eq!(since("group"), Some((2, 20)));
        assert_eq!(since("limitk"), Some((2, 54)));
        assert_eq!(since("integral"), None);
        assert_eq!(since("count_scalar"), None);
        assert_eq!(function("info").unwrap().flag_at((3, 0)), Some(EXP));
        assert_eq!(
            aggregation("limit_ratio").unwrap().flag_at(LATEST),
            Some(EXP)
        );
        assert_eq!(function("rate").unwrap().flag_at(LATEST), None);
    }

    #[test]
    fn availability() {
        let fot = function("first_over_time").unwrap();
        assert_eq!(
            fot.availability((3, 6)),
            Availability::TooOld { since: (3, 7) }
        );
        assert_eq!(fot.availability((3, 13)), Availability::NeedsFlag(EXP));
        assert_eq!(fot.availability((3, 14)), Availability::Available);

        let hw = function("holt_winters").unwrap();
        assert_eq!(hw.availability((2, 55)), Availability::Available);
        assert_eq!(
            hw.availability((3, 0)),
            Availability::Removed { removed_in: (3, 0) }
        );
        assert_eq!(
            function("double_exponential_smoothing")
                .unwrap()
                .availability((3, 0)),
            Availability::NeedsFlag(EXP)
        );

        let at = syntax("at_modifier").unwrap();
        assert_eq!(
            at.availability((2, 24)),
            Availability::TooOld { since: (2, 25) }
        );
        assert_eq!(
            at.availability((2, 32)),
            Availability::NeedsFlag("promql-at-modifier")
        );
        assert_eq!(at.availability((2, 33)), Availability::Available);
        assert_eq!(
            syntax("negative_offset").unwrap().availability((2, 42)),
            Availability::Available
        );
        assert_eq!(
            syntax("duration_expr").unwrap().availability((3, 13)),
            Availability::NeedsFlag(DURATION_EXPR)
        );
        assert_eq!(
            syntax("duration_expr").unwrap().availability((3, 14)),
            Availability::Available
        );
        assert_eq!(
            syntax("duration_min_max").unwrap().availability((3, 13)),
            Availability::Removed {
                removed_in: (3, 13)
            }
        );
        assert_eq!(
            syntax("utf8_names").unwrap().availability((3, 0)),
            Availability::Available
        );
    }

    #[test]
    fn diagnostics() {
        let target = parse_version("2.42.0").unwrap();
        assert_eq!(target, (2, 42));
        assert_eq!(function("rate").unwrap().diagnostic(target), None);
        assert_eq!(
            function("histogram_avg")
                .unwrap()
                .diagnostic(target)
                .unwrap(),
            "function `histogram_avg` needs Prometheus >= 2.51 (you target 2.42)"
        );
        assert_eq!(
            aggregation("limitk").unwrap().diagnostic(target).unwrap(),
            "aggregation `limitk` needs Prometheus >= 2.54 (you target 2.42) \
             and --enable-feature=promql-experimental-functions"
        );
        assert_eq!(
            function("first_over_time")
                .unwrap()
                .diagnostic((3, 7))
                .unwrap(),
            "function `first_over_time` needs --enable-feature=promql-experimental-functions \
             in Prometheus 3.7 (no flag needed from 3.14)"
        );
        assert_eq!(
            syntax("at_modifier").unwrap().diagnostic((2, 20)).unwrap(),
            "PromQL syntax `at_modifier` needs Prometheus >= 2.25 (you target 2.20); \
             until 2.33 it also needs --enable-feature=promql-at-modifier"
        );
        assert!(
            function("holt_winters")
                .unwrap()
                .diagnostic((3, 1))
                .unwrap()
                .starts_with("function `holt_winters` was removed in Prometheus 3.0 (you target 3.1): renamed")
        );
    }

    #[test]
    fn version_parsing() {
        assert_eq!(parse_version("v3.5.0-rc.1"), Some((3, 5)));
        assert_eq!(parse_version("2.53"), Some((2, 53)));
        assert_eq!(parse_version(" 3.14.2+ds "), Some((3, 14)));
        assert_eq!(parse_version("3"), None);
        assert_eq!(parse_version("x.y"), None);
        assert_eq!(fmt_version((3, 14)), "3.14");
    }
}
