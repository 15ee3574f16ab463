//! Alert kinds. Each kind is one file that holds all of it: its keys, its checks, the unit of
//! its value, its PromQL, and the cases of its generated rule test. The [`registry!`] line
//! lists the kinds; the key tables, the kind names in diagnostics and the JSON schema's enum
//! are derived from it, and every method of [`AlertKind`] is an exhaustive match over it, so
//! a kind that lacks a piece does not compile and no alert can be dropped silently.
//!
//! How to add a kind: `docs/design.md`, "How to add an alert kind".

use crate::cx::Cx;
use crate::load::{RawAlert, S};
use crate::promql::selector::{Histogram, Read, Selector};
use crate::quantity::{Duration, Quantity, fmt_num};
use crate::series::Cases;
use crate::unit::Unit;

/// How the alert's value is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Above,
    Below,
}

impl Cmp {
    pub fn op(self) -> &'static str {
        match self {
            Cmp::Above => ">",
            Cmp::Below => "<",
        }
    }
}

/// What a kind's PromQL and tests need of the alert besides the kind: its `for` and its
/// threshold.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    pub for_: Duration,
    pub threshold: Option<(Cmp, Quantity)>,
}

impl Condition {
    /// The threshold as the number the expression compares with.
    pub fn threshold_number(&self) -> Option<f64> {
        self.threshold.map(|(_, q)| q.value())
    }

    /// Whether the alert fires above its threshold (the default without one).
    pub fn above(&self) -> bool {
        self.threshold.is_none_or(|(c, _)| c == Cmp::Above)
    }

    /// `value > threshold`, or the value alone without a threshold.
    pub fn compare(&self, value: &str) -> String {
        match self.threshold {
            Some((cmp, q)) => format!("{value} {} {}", cmp.op(), fmt_num(q.value())),
            None => value.to_string(),
        }
    }
}

/// What a threshold of a kind may be, once read (see `check::alerts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A ratio above 0 and at most 1 (`"5%"`, or a plain `0.05`).
    Ratio,
    /// A ratio of any value (a gauge in percent).
    AnyRatio,
    /// A positive duration (`"2s"`).
    Seconds,
    /// A positive rate (`"100000 per hour"`).
    Rate,
    /// A size (`"500MiB"`).
    Bytes,
    /// A plain number.
    Number,
}

/// How a kind reads `above` / `below`.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// What the threshold may be; a plain number is read as a ratio when this holds
    /// [`Reading::Ratio`].
    pub readings: &'static [Reading],
    /// What to write, for the help of a diagnostic.
    pub help: &'static str,
}

/// A kind-specific key: its name and whether the kind requires it. `above` and `below` listed
/// means the kind compares a threshold: it then needs one of them.
pub type Key = (&'static str, bool);

/// What checking a kind needs from the rest of the configuration.
pub struct Env<'a> {
    pub jobs: &'a dyn Jobs,
    /// `window`, or its default of 5 minutes.
    pub window: Duration,
    /// `unit`, read.
    pub unit: Option<Unit>,
}

/// The declared jobs, as a kind may ask about them.
pub trait Jobs {
    fn has(&self, name: &str) -> bool;
    fn names(&self) -> Vec<String>;
}

/// One alert kind. Every method is required but [`Kind::threshold_value`], whose default
/// reads the threshold the user wrote.
pub trait Kind: Sized {
    /// The name in `kind = ".."`.
    const NAME: &'static str;
    /// The keys only some kinds take, as this kind takes them.
    const KEYS: &'static [Key];
    /// How `above` / `below` are read, given the alert's `unit`; `None` when the kind
    /// carries its own condition.
    fn expect(unit: Option<Unit>) -> Option<Expect>;
    /// Checks this kind's keys (all present that [`Kind::KEYS`] requires) and builds it;
    /// `None` only with an error reported.
    fn build(cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<Self>;
    /// The unit of the alert's value.
    fn unit(&self) -> Unit;
    /// The value the alert compares (what `$value` holds), or for a kind that watches
    /// rather than compares, what shows its state: what a dashboard panel plots.
    fn value(&self, c: &Condition) -> String;
    /// The complete condition.
    fn condition(&self, c: &Condition) -> String;
    /// Whether the condition is certainly valid PromQL without parsing it (every selector
    /// vouched for by [`crate::promql::selector::fast`], every label plain).
    fn vouched(&self) -> bool;
    /// The metric names the alert reads, each with the key that names it.
    fn sources(&self) -> Vec<(&'static str, String)>;
    /// Every selector its condition reads, so that the generated tests can tell which
    /// alerts' cases may share a test group; `None` when that is not known.
    fn reads(&self) -> Option<Vec<Read<'_>>>;
    /// The firing and silent cases of its generated rule test, or why there are none.
    fn cases(&self, c: &Condition) -> Result<Cases, String>;
    /// The threshold as the number the condition compares with.
    fn threshold_value(&self, c: &Condition) -> Option<f64> {
        c.threshold_number()
    }
}

macro_rules! registry {
    ($($variant:ident($module:ident::$ty:ident),)*) => {
        $(pub mod $module;)*

        /// An alert's kind, with what it holds.
        #[derive(Debug, Clone)]
        pub enum AlertKind {
            $($variant($module::$ty),)*
        }

        /// Every kind's name, in registry order.
        pub const NAMES: &[&str] = &[$(<$module::$ty as Kind>::NAME,)*];

        /// The keys of the kind named `name`.
        pub fn keys(name: &str) -> Option<&'static [Key]> {
            $(if name == <$module::$ty as Kind>::NAME {
                return Some(<$module::$ty as Kind>::KEYS);
            })*
            None
        }

        /// How the kind named `name` reads its threshold.
        pub fn expect(name: &str, unit: Option<Unit>) -> Option<Expect> {
            $(if name == <$module::$ty as Kind>::NAME {
                return <$module::$ty as Kind>::expect(unit);
            })*
            None
        }

        /// Builds the kind named `name` (a known one).
        pub fn build(name: &str, cx: &mut Cx, a: &RawAlert, env: &Env) -> Option<AlertKind> {
            $(if name == <$module::$ty as Kind>::NAME {
                return <$module::$ty as Kind>::build(cx, a, env).map(AlertKind::$variant);
            })*
            None
        }

        impl AlertKind {
            pub fn name(&self) -> &'static str {
                match self { $(AlertKind::$variant(_) => <$module::$ty as Kind>::NAME,)* }
            }
            pub fn unit(&self) -> Unit {
                match self { $(AlertKind::$variant(k) => k.unit(),)* }
            }
            pub fn value(&self, c: &Condition) -> String {
                match self { $(AlertKind::$variant(k) => k.value(c),)* }
            }
            pub fn condition(&self, c: &Condition) -> String {
                match self { $(AlertKind::$variant(k) => k.condition(c),)* }
            }
            pub fn vouched(&self) -> bool {
                match self { $(AlertKind::$variant(k) => k.vouched(),)* }
            }
            pub fn sources(&self) -> Vec<(&'static str, String)> {
                match self { $(AlertKind::$variant(k) => k.sources(),)* }
            }
            pub fn reads(&self) -> Option<Vec<Read<'_>>> {
                match self { $(AlertKind::$variant(k) => k.reads(),)* }
            }
            pub fn cases(&self, c: &Condition) -> Result<Cases, String> {
                match self { $(AlertKind::$variant(k) => k.cases(c),)* }
            }
            pub fn threshold_value(&self, c: &Condition) -> Option<f64> {
                match self { $(AlertKind::$variant(k) => k.threshold_value(c),)* }
            }
        }
    };
}

registry! {
    TargetDown(target_down::TargetDown),
    ErrorRatio(error_ratio::ErrorRatio),
    LatencyQuantile(latency_quantile::LatencyQuantile),
    Rate(rate::Rate),
    Increase(increase::Increase),
    Gauge(gauge::Gauge),
    Saturation(saturation::Saturation),
    Raw(raw::Raw),
    Absent(absent::Absent),
    Expiry(expiry::Expiry),
    Changes(changes::Changes),
    PredictLinear(predict_linear::PredictLinear),
    State(state::State),
    Deadman(deadman::Deadman),
    Age(age::Age),
}

/// Every key some kind takes, each once, in registry order.
pub fn all_keys() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in NAMES {
        for (k, _) in keys(name).unwrap_or_default() {
            if !out.contains(k) {
                out.push(k);
            }
        }
    }
    out
}

// Pieces several kinds share.

/// A key that holds a selector: `None` with an error when it is not one.
pub(crate) fn selector(cx: &mut Cx, s: &Option<S<String>>, what: &str) -> Option<Selector> {
    selector_of(cx, s.as_ref()?, what)
}

fn selector_of(cx: &mut Cx, s: &S<String>, what: &str) -> Option<Selector> {
    use crate::codes;
    use crate::diag::Diagnostic;
    let text = s.get_ref().trim();
    if !crate::promql::selector::shaped(text) {
        cx.push(
            Diagnostic::error(
                codes::BAD_PROMQL,
                format!("{what} `{}` is not a metric selector", s.get_ref()),
            )
            .at(
                s.span(),
                "expected `metric_name` or `metric_name{label=\"value\"}`",
            )
            .help("use kind `raw` for arbitrary PromQL"),
        );
        return None;
    }
    match Selector::parse(text) {
        Ok(sel) => Some(sel),
        Err(why) => {
            // The parser's own report, as for any expression; a valid one that is no plain
            // selector (`x{a="1" or b="2"}`) is said so.
            if cx.check_expr(s, &format!("`{what}`")) {
                cx.error(
                    codes::BAD_PROMQL,
                    format!("{what} `{}` is not a metric selector: {why}", s.get_ref()),
                    s.span(),
                    "expected `metric_name` or `metric_name{label=\"value\"}`",
                );
            }
            None
        }
    }
}

/// A key that names a histogram: a metric name, or a selector of it whose matchers filter its
/// series (`h{verb!="WATCH"}`); a `_bucket` suffix is dropped. `None` with an error.
pub(crate) fn histogram(cx: &mut Cx, s: &S<String>) -> Option<Histogram> {
    use crate::codes;
    let text = s.get_ref().trim();
    if !text.contains('{') {
        let name = cx.metric_name(s, "histogram name", true);
        return crate::promql::is_metric_name(&name, true).then(|| Histogram::named(&name));
    }
    let sel = selector_of(cx, s, "histogram")?;
    if let Some(m) = sel.matchers.iter().find(|m| &*m.name == "le") {
        cx.push(
            crate::diag::Diagnostic::error(
                codes::BAD_MATCHER,
                format!("the histogram's selector matches `le` (`{}`)", m.value),
            )
            .at(
                s.span(),
                "ccmon aggregates the buckets by `le`: a matcher on it drops buckets",
            )
            .help("remove it: the quantile, or the SLO's `threshold`, chooses the buckets"),
        );
        return None;
    }
    Some(Histogram::of(&sel))
}

/// `by = [..]`: label names, or `["job"]` when absent.
pub(crate) fn by(cx: &mut Cx, a: &RawAlert) -> Vec<String> {
    match &a.by {
        Some(b) => b
            .get_ref()
            .iter()
            .map(|l| cx.metric_name(l, "label name", false))
            .collect(),
        None => vec!["job".to_string()],
    }
}

/// Whether every label can stand in a `by (..)` clause without the parser's say.
pub(crate) fn plain_labels(by: &[String]) -> bool {
    by.iter().all(|l| crate::promql::parse::plain_label(l))
}

/// How `rate`, `increase` and `error_ratio` aggregate their series: summed `by` labels
/// (`["job"]` by default), or every series kept (`per_series = true`), summed only over the
/// labels in `without` (those that tell errors from all requests).
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    By(Vec<String>),
    Every { without: Vec<String> },
}

impl Grouping {
    /// `sum by (job) (inner)`; per series `inner` itself, or `sum without (..) (inner)`.
    pub fn sum(&self, inner: &str) -> String {
        match self {
            Grouping::By(by) => format!("sum{} ({inner})", by_clause(by)),
            Grouping::Every { without } if without.is_empty() => inner.to_string(),
            Grouping::Every { without } => {
                format!("sum without ({}) ({inner})", without.join(", "))
            }
        }
    }

    /// Whether every label can stand in the clause without the parser's say.
    pub fn plain(&self) -> bool {
        match self {
            Grouping::By(l) | Grouping::Every { without: l } => plain_labels(l),
        }
    }

    /// The labels a test series must set to be told apart: the `by` labels.
    pub fn set(&self) -> &[String] {
        match self {
            Grouping::By(by) => by,
            Grouping::Every { .. } => &[],
        }
    }

    /// The labels an alert keeps of a series labelled `l`.
    pub fn kept(&self, l: &crate::series::Labels) -> crate::series::Labels {
        match self {
            Grouping::By(by) => crate::series::only(l, by),
            Grouping::Every { without } => l
                .iter()
                .filter(|(k, _)| *k != "__name__" && !without.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }
}

/// `by`, or `per_series = true` (the two conflict: CM211).
pub(crate) fn grouping(cx: &mut Cx, a: &RawAlert) -> Grouping {
    match &a.per_series {
        Some(p) if *p.get_ref() => {
            if let Some(b) = &a.by {
                cx.error(
                    crate::codes::CONFLICTING_SETTINGS,
                    "an alert takes `by` or `per_series = true`, not both",
                    b.span(),
                    "per series keeps every label: remove `by`",
                );
            }
            Grouping::Every {
                without: Vec::new(),
            }
        }
        _ => Grouping::By(by(cx, a)),
    }
}

/// ` by (a, b)`, or nothing without labels.
pub(crate) fn by_clause(by: &[String]) -> String {
    if by.is_empty() {
        String::new()
    } else {
        format!(" by ({})", by.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_every_kind_once() {
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMES.len());
        for n in NAMES {
            assert!(keys(n).is_some(), "{n}");
        }
        assert!(keys("nope").is_none());
    }
}
