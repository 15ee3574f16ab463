//! A panel's display options: legend, stacking, colour steps, value mappings, table column
//! renames and the overrides of each query (unit, colour, right axis). Each is checked against
//! the kinds that show it, so a key Grafana would ignore is an error at that key.

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{NumOrStr, RawPanel, RawQuery, S};
use crate::model::{Legend, Mapping, PanelKind, Query};

/// Grafana's reducer ids that a legend may show per series.
pub const REDUCERS: &[&str] = &[
    "lastNotNull",
    "last",
    "firstNotNull",
    "first",
    "min",
    "max",
    "mean",
    "median",
    "sum",
    "count",
    "range",
    "delta",
    "step",
    "diff",
    "diffperc",
    "logmin",
    "variance",
    "stdDev",
    "changeCount",
    "distinctCount",
    "allIsZero",
    "allIsNull",
];

/// Grafana's named colours: each hue with its shades, and two specials.
const HUES: &[&str] = &["green", "red", "orange", "yellow", "blue", "purple"];
const SHADES: &[&str] = &["super-light-", "light-", "", "semi-dark-", "dark-"];

/// The options a panel takes besides its queries, checked.
pub struct Options {
    pub legend: Legend,
    pub stack: Option<&'static str>,
    pub steps: Option<Vec<(Option<f64>, String)>>,
    pub rename: Vec<(String, String)>,
    pub mappings: Vec<Mapping>,
}

pub fn options(cx: &mut Cx, p: &RawPanel, kind: PanelKind) -> Options {
    use PanelKind as K;
    let legend_kinds = [K::TimeSeries, K::StateTimeline];
    for (key, span, kinds, what) in [
        (
            "legend",
            p.legend.as_ref().map(S::span),
            &legend_kinds[..],
            "a legend",
        ),
        (
            "legend_placement",
            p.legend_placement.as_ref().map(S::span),
            &legend_kinds[..],
            "a legend",
        ),
        (
            "legend_values",
            p.legend_values.as_ref().map(S::span),
            &legend_kinds[..],
            "a legend",
        ),
        (
            "stack",
            p.stack.as_ref().map(S::span),
            &[K::TimeSeries][..],
            "stacked series",
        ),
        (
            "rename",
            p.rename.as_ref().map(S::span),
            &[K::Table][..],
            "columns",
        ),
        (
            "thresholds",
            p.thresholds.as_ref().map(S::span),
            &[
                K::TimeSeries,
                K::Stat,
                K::Gauge,
                K::BarGauge,
                K::Table,
                K::StateTimeline,
            ][..],
            "colour steps",
        ),
        (
            "mapping",
            p.mappings.first().map(S::span),
            &[
                K::TimeSeries,
                K::Stat,
                K::Gauge,
                K::BarGauge,
                K::Table,
                K::StateTimeline,
            ][..],
            "value mappings",
        ),
    ] {
        if let Some(span) = span
            && !kinds.contains(&kind)
        {
            let names: Vec<String> = kinds.iter().map(|k| k.name().to_string()).collect();
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("a `{}` panel takes no `{key}`", kind.name()),
                span,
                &format!(
                    "only {} panels show {what}",
                    crate::suggest::backticked(&names)
                ),
            );
        }
    }
    Options {
        legend: legend(cx, p),
        stack: p
            .stack
            .as_ref()
            .and_then(|s| one_of(cx, s, "stack", &["none", "normal", "percent"]))
            .filter(|s| *s != "none"),
        steps: p.thresholds.as_ref().and_then(|t| steps(cx, t)),
        rename: p.rename.as_ref().map_or_else(Vec::new, |r| {
            r.get_ref()
                .iter()
                .map(|(from, to)| (from.clone(), to.get_ref().clone()))
                .collect()
        }),
        mappings: p.mappings.iter().filter_map(|m| mapping(cx, m)).collect(),
    }
}

fn legend(cx: &mut Cx, p: &RawPanel) -> Legend {
    let mut l = Legend::default();
    if let Some(m) = &p.legend
        && let Some(m) = one_of(cx, m, "legend", &["list", "table", "hidden"])
    {
        l.mode = m;
    }
    if let Some(pl) = &p.legend_placement
        && let Some(pl) = one_of(cx, pl, "legend placement", &["bottom", "right"])
    {
        l.placement = pl;
    }
    for v in p.legend_values.iter().flat_map(|v| v.get_ref()) {
        if one_of(cx, v, "reducer", REDUCERS).is_some() {
            l.values.push(v.get_ref().clone());
        }
    }
    l
}

/// A word from a fixed list, or an error naming the list.
fn one_of(
    cx: &mut Cx,
    v: &S<String>,
    what: &str,
    allowed: &[&'static str],
) -> Option<&'static str> {
    if let Some(a) = allowed.iter().find(|a| **a == v.get_ref()) {
        return Some(a);
    }
    let names: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
    let mut d = Diagnostic::error(
        codes::UNKNOWN_KIND,
        format!("unknown {what} `{}`", v.get_ref()),
    )
    .at(
        v.span(),
        format!("expected {}", crate::suggest::backticked(&names)),
    );
    if let Some(c) = crate::suggest::closest(v.get_ref(), allowed.iter().copied()) {
        d = d.help(format!("did you mean `{c}`?"));
    }
    cx.push(d);
    None
}

/// A plain number of a step, range, mapping, `min` or `max`.
pub(super) fn number(cx: &mut Cx, v: &S<NumOrStr>, what: &str) -> Option<f64> {
    match v.get_ref() {
        NumOrStr::Int(i) => Some(*i as f64),
        NumOrStr::Float(f) if f.is_finite() => Some(*f),
        _ => {
            cx.error(
                codes::BAD_THRESHOLD,
                format!("{what} is a plain number"),
                v.span(),
                "in the panel's unit, as Grafana compares it",
            );
            None
        }
    }
}

/// `thresholds`: a base colour, then steps at increasing values.
fn steps(cx: &mut Cx, t: &S<Vec<S<crate::load::RawStep>>>) -> Option<Vec<(Option<f64>, String)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, step) in t.get_ref().iter().enumerate() {
        let s = step.get_ref();
        let color = color(cx, &s.color);
        ok &= color.is_some();
        let value = match (&s.value, i) {
            (None, 0) => None,
            (Some(v), 0) => {
                cx.error(
                    codes::CONFLICTING_SETTINGS,
                    "the first step is the base colour and takes no `value`",
                    v.span(),
                    "it colours everything below the next step",
                );
                ok = false;
                None
            }
            (None, _) => {
                cx.error(
                    codes::INCOMPLETE_KEYS,
                    "a step after the first needs a `value`",
                    step.span(),
                    "where does this colour start?",
                );
                ok = false;
                None
            }
            (Some(v), _) => {
                let n = number(cx, v, "a step's `value`");
                if let (Some(n), Some((Some(before), _))) = (n, out.last())
                    && n <= *before
                {
                    cx.error(
                        codes::CONFLICTING_SETTINGS,
                        format!("step {n} is not above the step before ({before})"),
                        v.span(),
                        "steps go from the lowest value to the highest",
                    );
                    ok = false;
                }
                ok &= n.is_some();
                n
            }
        };
        out.push((value, color.unwrap_or_default()));
    }
    if out.is_empty() {
        cx.error(
            codes::INCOMPLETE_KEYS,
            "`thresholds` is empty",
            t.span(),
            "give at least the base colour: `[{ color = \"green\" }]`",
        );
        return None;
    }
    ok.then_some(out)
}

fn mapping(cx: &mut Cx, m: &S<crate::load::RawMapping>) -> Option<Mapping> {
    let r = m.get_ref();
    let color = match &r.color {
        Some(c) => Some(color(cx, c)?),
        None => None,
    };
    let text = r.text.get_ref().clone();
    match (&r.value, &r.from, &r.to) {
        (Some(v), None, None) => {
            let value = match v.get_ref() {
                NumOrStr::Int(i) => i.to_string(),
                NumOrStr::Float(f) => crate::quantity::fmt_num(*f),
                NumOrStr::Str(s) => s.clone(),
            };
            Some(Mapping {
                value: Some(value),
                range: None,
                text,
                color,
            })
        }
        (None, from, to) if from.is_some() || to.is_some() => {
            let lo = from.as_ref().map(|f| number(cx, f, "`from`"));
            let hi = to.as_ref().map(|t| number(cx, t, "`to`"));
            if lo.is_some_and(|x| x.is_none()) || hi.is_some_and(|x| x.is_none()) {
                return None;
            }
            let (lo, hi) = (lo.flatten(), hi.flatten());
            if let (Some(a), Some(b), Some(t)) = (lo, hi, &r.to)
                && a > b
            {
                cx.error(
                    codes::CONFLICTING_SETTINGS,
                    format!("`to` {b} is below `from` {a}"),
                    t.span(),
                    "this range holds no value",
                );
                return None;
            }
            Some(Mapping {
                value: None,
                range: Some((lo, hi)),
                text,
                color,
            })
        }
        _ => {
            cx.error(
                codes::CONFLICTING_SETTINGS,
                "a mapping takes either `value`, or `from` and `to`",
                m.span(),
                "say which values are shown as this text",
            );
            None
        }
    }
}

/// A colour: Grafana's names (`green`, `dark-red`, `text`...) or `#rgb`/`#rrggbb`/`#rrggbbaa`.
pub fn color(cx: &mut Cx, c: &S<String>) -> Option<String> {
    let v = c.get_ref();
    let named = |v: &str| {
        ["text", "transparent"].contains(&v)
            || SHADES
                .iter()
                .any(|s| v.strip_prefix(s).is_some_and(|h| HUES.contains(&h)))
    };
    let hex = v
        .strip_prefix('#')
        .is_some_and(|h| [3, 6, 8].contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit()));
    if named(v) || hex {
        return Some(v.clone());
    }
    cx.push(
        Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown colour `{v}`"))
            .at(c.span(), "not a Grafana colour")
            .help(format!(
                "use `#rrggbb` or a name: {} with a shade such as `dark-red` or `light-green`, `text`, `transparent`",
                crate::suggest::backticked(&HUES.iter().map(|h| h.to_string()).collect::<Vec<_>>())
            )),
    );
    None
}

/// A panel's `unit`: a ccmon unit name (`ratio`, `seconds`...) or any Grafana unit id, exact
/// in case (`percent` is 0 to 100, `percentunit` 0 to 1).
pub fn panel_unit(cx: &mut Cx, u: &S<String>) -> Option<String> {
    let v = u.get_ref();
    if let Some(unit) = crate::unit::Unit::parse(v) {
        return Some(unit.grafana_id().to_string());
    }
    if crate::grafana_units::is_known(v) {
        return Some(v.clone());
    }
    let mut d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown unit `{v}`")).at(
        u.span(),
        "neither a ccmon unit nor a Grafana unit id (Grafana would print it after each value)",
    );
    d = match crate::grafana_units::closest(v) {
        Some(c) => d.help(format!(
            "did you mean `{c}` ({})? Grafana's unit ids are case-sensitive",
            crate::grafana_units::category(c).unwrap_or("Misc")
        )),
        None => d.help(
            "use a Grafana unit id such as `percent` (0-100), `percentunit` (0-1), `ms`, `bytes` or `reqps`, or `suffix:<text>` for any other unit",
        ),
    };
    cx.push(d);
    None
}

/// A query with its overrides.
pub fn query(cx: &mut Cx, q: &RawQuery, kind: PanelKind) -> Query {
    if let Some(a) = &q.axis
        && kind != PanelKind::TimeSeries
    {
        cx.error(
            codes::KEY_NOT_FOR_KIND,
            format!("a `{}` panel has no axes to choose", kind.name()),
            a.span(),
            "`axis` is for `timeseries` queries",
        );
    }
    Query {
        expr: q.expr.get_ref().trim().to_string(),
        legend: q.legend.as_ref().map(|l| l.get_ref().clone()),
        unit: q.unit.as_ref().and_then(|u| panel_unit(cx, u)),
        color: q.color.as_ref().and_then(|c| color(cx, c)),
        right_axis: q
            .axis
            .as_ref()
            .and_then(|a| one_of(cx, a, "axis", &["left", "right"]))
            == Some("right"),
    }
}
