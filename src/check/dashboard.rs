//! `[dashboard]`: the Grafana dashboard's panels, their queries and the alerts they plot.
//!
//! An absent section gets the defaults documented in `docs/format.md`; `enabled = false`
//! leaves the dashboard out.

use std::collections::HashMap;

use super::{Cx, enabled};
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, RawDashboard, RawPanel, S};
use crate::model::{Alert, Dashboard, Dimension, Panel, PanelKind, Project, Query};
use crate::quantity::Duration;

/// `[dashboard]`, or each `[[dashboard]]`: several are linked to each other and provisioned
/// with one datasource.
pub fn dashboards(
    cx: &mut Cx,
    raw: &RawConfig,
    project: &Project,
    (alerts, broken): (&[Alert], &[String]),
    (dims, owners): (&[Dimension], &super::teams::Owners),
    prometheus_at: &str,
) -> Vec<Dashboard> {
    let items = items(raw, dims, owners);
    let several = items.len() > 1;
    let mut out: Vec<Dashboard> = Vec::new();
    let mut uids: HashMap<String, std::ops::Range<usize>> = HashMap::new();
    for (i, (item, owner)) in items.into_iter().enumerate() {
        let d = item.as_ref().map(|(d, _)| *d);
        if d.is_some_and(|d| !enabled(&d.enabled)) {
            continue;
        }
        let mut dash = dashboard(cx, d, project, (alerts, broken), dims, prometheus_at);
        if let Some(o) = &owner {
            for_service(cx, &mut dash, d, o, project);
        }
        if several
            && i > 0
            && owner.is_none()
            && let Some((d, span)) = &item
            && d.uid.is_none()
        {
            cx.error(
                codes::INCOMPLETE_KEYS,
                "each dashboard after the first needs a `uid`",
                span.clone(),
                "the first takes the project's name; the others need their own",
            );
            continue;
        }
        if let Some(u) = d.and_then(|d| d.uid.as_ref()) {
            if let Some(first) = uids.get(&dash.uid) {
                cx.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("two dashboards have the uid `{}`", dash.uid),
                    )
                    .at(u.span(), "the second")
                    .also(first.clone(), "the first")
                    .help("Grafana keeps one dashboard per uid: give each its own"),
                );
            }
            uids.insert(dash.uid.clone(), u.span());
        } else {
            let span = item.as_ref().map_or(0..0, |(_, s)| s.clone());
            uids.entry(dash.uid.clone()).or_insert(span);
        }
        if let Some(first) = out.first()
            && (first.datasource_uid != dash.datasource_uid
                || first.prometheus_url != dash.prometheus_url)
            && let Some((raw, span)) = &item
        {
            let at = raw
                .datasource_uid
                .as_ref()
                .or(raw.prometheus_url.as_ref())
                .map_or(span.clone(), S::span);
            cx.error(
                codes::CONFLICTING_SETTINGS,
                "the dashboards ask different datasources",
                at,
                "one Prometheus datasource is provisioned for all of them",
            );
        }
        out.push(dash);
    }
    // Every dashboard links to the others, in the order written.
    let all: Vec<(String, String)> = out
        .iter()
        .map(|d| (d.title.clone(), d.uid.clone()))
        .collect();
    for d in &mut out {
        d.links = all.iter().filter(|(_, u)| *u != d.uid).cloned().collect();
    }
    out
}

/// A dashboard as written, with the service that owns it.
type Item<'r, 'o> = (
    Option<(&'r RawDashboard, std::ops::Range<usize>)>,
    Option<ServiceDash<'o>>,
);

/// A service's dashboard: its name and dimensions.
struct ServiceDash<'o> {
    name: &'o str,
    name_span: std::ops::Range<usize>,
    dimensions: Vec<String>,
}

/// The stack's dashboards, then each service's: its `[dashboard]`, or when it has none and
/// the stack shows one, a dashboard of its own with the defaults.
fn items<'r, 'o>(
    raw: &'r RawConfig,
    dims: &[Dimension],
    owners: &'o super::teams::Owners,
) -> Vec<Item<'r, 'o>> {
    let written: Vec<(&RawDashboard, std::ops::Range<usize>)> = match &raw.dashboard {
        None => Vec::new(),
        Some(d) => d.get_ref().items(d.span()),
    };
    let service = |o: &'o super::teams::Owner| ServiceDash {
        name: &o.name,
        name_span: o.name_span.clone(),
        dimensions: raw
            .dimensions
            .iter()
            .filter(|r| o.span.contains(&r.span().start))
            .map(|r| r.get_ref().name.get_ref().clone())
            .filter(|n| dims.iter().any(|d| &d.name == n))
            .collect(),
    };
    let mut out: Vec<Item> = written
        .iter()
        .filter(|(_, span)| owners.of(span.start).is_none())
        .map(|(d, span)| (Some((*d, span.clone())), None))
        .collect();
    if out.is_empty() {
        out.push((None, None));
    }
    let stack_shows = out
        .first()
        .is_some_and(|(d, _)| d.as_ref().is_none_or(|(d, _)| enabled(&d.enabled)));
    for o in &owners.services {
        match written
            .iter()
            .find(|(_, span)| o.span.contains(&span.start))
        {
            Some((d, span)) => out.push((Some((*d, span.clone())), Some(service(o)))),
            None if stack_shows => out.push((None, Some(service(o)))),
            None => {}
        }
    }
    out
}

/// A service's dashboard: titled and identified after the service unless it says, showing
/// the service's alerts and, unless it chooses, its dimensions' SLO rows.
fn for_service(
    cx: &mut Cx,
    dash: &mut Dashboard,
    d: Option<&RawDashboard>,
    o: &ServiceDash,
    project: &Project,
) {
    if d.and_then(|d| d.title.as_ref()).is_none() {
        dash.title = o.name.to_string();
    }
    if d.and_then(|d| d.uid.as_ref()).is_none() {
        dash.uid = format!("{}-{}", project.name, o.name);
        if dash.uid.len() > 40 {
            cx.error(
                codes::BAD_IDENTIFIER,
                format!(
                    "the dashboard uid `{}` of service `{}` is over 40 characters",
                    dash.uid, o.name
                ),
                o.name_span.clone(),
                "Grafana takes at most 40: give the service's `[dashboard]` a `uid`",
            );
        }
    }
    if dash.dimensions.is_none() {
        dash.dimensions = Some(o.dimensions.clone());
    }
    dash.service = Some(o.name.to_string());
}

fn dashboard(
    cx: &mut Cx,
    d: Option<&RawDashboard>,
    project: &Project,
    alerts: (&[Alert], &[String]),
    dims: &[Dimension],
    prometheus_at: &str,
) -> Dashboard {
    let uid = uid(cx, d.and_then(|d| d.uid.as_ref()), project);
    let variables = d.map_or_else(Vec::new, |d| super::variables::variables(cx, &d.variables));
    let panels = d.map_or_else(Vec::new, |d| panels(cx, d, alerts, dims, &variables));
    let refresh = cx.positive_duration(d.and_then(|d| d.refresh.as_ref()), Duration::from_secs(30));
    let prometheus_url = d.and_then(|d| d.prometheus_url.as_ref()).map_or_else(
        || format!("http://{prometheus_at}"),
        |u| {
            super::base::url(cx, u);
            u.get_ref().clone()
        },
    );
    let dimensions = d.and_then(|d| d.dimensions.as_ref()).map(|ds| {
        ds.get_ref()
            .iter()
            .filter(|dim| {
                let known = dims.iter().any(|x| &x.name == dim.get_ref());
                if !known {
                    cx.unknown_ref(
                        codes::UNKNOWN_DIMENSION,
                        "dimension",
                        dim,
                        dims.iter().map(|x| x.name.clone()),
                    );
                }
                known
            })
            .map(|dim| dim.get_ref().clone())
            .collect()
    });
    Dashboard {
        title: d
            .and_then(|d| d.title.as_ref())
            .map_or_else(|| project.name.clone(), |t| t.get_ref().clone()),
        uid,
        refresh,
        time_from: d
            .and_then(|d| d.time_from.as_ref())
            .map_or_else(|| "now-6h".into(), |t| t.get_ref().clone()),
        tags: d.map_or_else(Vec::new, |d| {
            d.tags.iter().map(|t| t.get_ref().clone()).collect()
        }),
        alert_panels: d.is_none_or(|d| enabled(&d.alert_panels)),
        datasource_uid: d
            .and_then(|d| d.datasource_uid.as_ref())
            .map_or_else(|| "prometheus".into(), |t| t.get_ref().clone()),
        prometheus_url,
        panels,
        variables,
        dimensions,
        links: Vec::new(),
        service: None,
    }
}

/// `uid`: what Grafana accepts as a dashboard uid (the project's name when absent).
fn uid(cx: &mut Cx, u: Option<&S<String>>, project: &Project) -> String {
    u.map_or_else(
        || project.name.clone(),
        |u| {
            let v = u.get_ref();
            if v.is_empty()
                || v.len() > 40
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                cx.error(
                    codes::BAD_IDENTIFIER,
                    format!("dashboard uid `{v}` is not valid"),
                    u.span(),
                    "Grafana takes 1 to 40 letters, digits, `-` and `_`",
                );
            }
            v.clone()
        },
    )
}

/// `[[dashboard.panel]]`, every query parsed on every core first, reported in order.
fn panels(
    cx: &mut Cx,
    d: &RawDashboard,
    (alerts, broken): (&[Alert], &[String]),
    dims: &[Dimension],
    vars: &[crate::model::Variable],
) -> Vec<Panel> {
    let by_name: HashMap<&str, &Alert> = alerts.iter().map(|a| (a.name.as_str(), a)).collect();
    cx.unique(d.panels.iter().map(|p| &p.get_ref().title), "panel");
    let exprs: Vec<&S<String>> = d
        .panels
        .iter()
        .flat_map(|p| &p.get_ref().queries)
        .map(|q| &q.get_ref().expr)
        .collect();
    // Variables are replaced by text of their length, once: errors keep their places.
    let mut read = Vec::with_capacity(exprs.len());
    for e in &exprs {
        let (text, unknown) = super::variables::substitute_checked(e.get_ref(), vars);
        super::variables::report_unknown(cx, e, unknown, vars);
        read.push(text);
    }
    let verdicts = crate::par::map(&read, |r| super::promql::parse_error(r));
    let mut verdicts = verdicts.into_iter().zip(read);
    let mut panels = Vec::new();
    for p in &d.panels {
        let p = p.get_ref();
        let why: Vec<(Option<String>, String)> = verdicts.by_ref().take(p.queries.len()).collect();
        panels.push(panel(cx, p, why, &by_name, (alerts, broken), dims));
    }
    panels
}

/// One panel: its kind, dimension, unit and queries (`why`: each query's parse error and the
/// text it was parsed as), or what it takes from the alert it plots.
fn panel(
    cx: &mut Cx,
    p: &RawPanel,
    why: Vec<(Option<String>, String)>,
    by_name: &HashMap<&str, &Alert>,
    (alerts, broken): (&[Alert], &[String]),
    dims: &[Dimension],
) -> Panel {
    let kind = panel_kind(cx, p);
    if let Some(dim) = &p.dimension
        && !dims.iter().any(|x| &x.name == dim.get_ref())
    {
        cx.unknown_ref(
            codes::UNKNOWN_DIMENSION,
            "dimension",
            dim,
            dims.iter().map(|x| x.name.clone()),
        );
    }
    let mut unit = p
        .unit
        .as_ref()
        .and_then(|u| super::panel_options::panel_unit(cx, u));
    for (q, (why, read)) in p.queries.iter().zip(why) {
        cx.report_expr_as(&q.get_ref().expr, &read, "panel query", why);
    }
    let mut queries: Vec<Query> = p
        .queries
        .iter()
        .map(|q| super::panel_options::query(cx, q.get_ref(), kind))
        .collect();
    let mut threshold = None;
    let mut bad_below = false;
    let mut runbook = None;
    let mut dimension = p.dimension.as_ref().map(|d| d.get_ref().clone());
    if let Some(a) = &p.alert {
        match by_name.get(a.get_ref().as_str()).copied() {
            Some(alert) => {
                if queries.is_empty() {
                    queries.push(Query {
                        expr: alert.value_expr(),
                        ..Query::default()
                    });
                }
                unit.get_or_insert_with(|| alert.unit().grafana_id().to_string());
                threshold = alert.threshold_value();
                bad_below = alert
                    .threshold
                    .is_some_and(|(c, _)| c == crate::kinds::Cmp::Below);
                runbook = alert.runbook.clone();
                if dimension.is_none() {
                    dimension = alert.dimension.clone();
                }
            }
            // An alert with errors of its own is not reported again.
            None if broken.contains(a.get_ref()) => {}
            None => cx.unknown_ref(
                codes::UNKNOWN_ALERT,
                "alert",
                a,
                alerts.iter().map(|x| x.name.clone()),
            ),
        }
    } else if queries.is_empty() && kind != PanelKind::Text {
        cx.push(
            Diagnostic::error(
                codes::INCOMPLETE_KEYS,
                format!("panel `{}` has nothing to show", p.title.get_ref()),
            )
            .at(
                p.title.span(),
                "no `[[dashboard.panel.query]]` and no `alert`",
            )
            .help("add a query, or name the alert whose value it plots with `alert = \"...\"`"),
        );
    }
    let (min, max, decimals) = display(cx, p);
    let o = super::panel_options::options(cx, p, kind);
    Panel {
        title: p.title.get_ref().clone(),
        alert: p.alert.as_ref().map(|a| a.get_ref().clone()),
        dimension,
        kind,
        unit,
        queries,
        threshold,
        bad_below,
        min,
        max,
        decimals,
        content: text_content(cx, p, kind),
        runbook,
        width: panel_size(
            cx,
            &p.width,
            match kind {
                PanelKind::Stat | PanelKind::Gauge => 6,
                _ => 12,
            },
            24,
        ),
        height: panel_size(cx, &p.height, 8, 100),
        legend: o.legend,
        stack: o.stack,
        steps: o.steps,
        rename: o.rename,
        mappings: o.mappings,
    }
}

/// `kind`: `timeseries` (the default) or `stat`.
fn panel_kind(cx: &mut Cx, p: &RawPanel) -> PanelKind {
    let Some(k) = &p.kind else {
        return PanelKind::TimeSeries;
    };
    match PanelKind::ALL.iter().find(|(n, _)| n == k.get_ref()) {
        Some((_, kind)) => *kind,
        None => {
            let other = k.get_ref();
            let names: Vec<String> = PanelKind::ALL.iter().map(|(n, _)| n.to_string()).collect();
            let mut diag =
                Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown panel kind `{other}`")).at(
                    k.span(),
                    format!("expected {}", crate::suggest::backticked(&names)),
                );
            if other == "graph" {
                diag = diag.help("`graph` is Grafana's removed Angular panel: use `timeseries`");
            }
            cx.push(diag);
            PanelKind::TimeSeries
        }
    }
}

/// `min`, `max` (above `min`) and `decimals`.
fn display(cx: &mut Cx, p: &RawPanel) -> (Option<f64>, Option<f64>, Option<u32>) {
    let (min, max) = (range_end(cx, &p.min), range_end(cx, &p.max));
    if let (Some(lo), Some(hi), Some(m)) = (min, max, &p.max)
        && lo >= hi
    {
        cx.error(
            codes::CONFLICTING_SETTINGS,
            format!("`max` {hi} is not above `min` {lo}"),
            m.span(),
            "Grafana would draw an empty range",
        );
    }
    let decimals = p
        .decimals
        .as_ref()
        .and_then(|d| match u32::try_from(*d.get_ref()) {
            Ok(n) if n <= 10 => Some(n),
            _ => {
                cx.error(
                    codes::OUT_OF_RANGE,
                    format!("`decimals` {} is out of range", d.get_ref()),
                    d.span(),
                    "expected 0 to 10",
                );
                None
            }
        });
    (min, max, decimals)
}

/// `min` or `max`: a plain number (in the panel's unit, as Grafana reads it).
fn range_end(cx: &mut Cx, v: &Option<S<crate::load::NumOrStr>>) -> Option<f64> {
    super::panel_options::number(cx, v.as_ref()?, "a panel's `min` or `max`")
}

/// A text panel's `content`, required there and nowhere else; a text panel shows no query and
/// no alert.
fn text_content(cx: &mut Cx, p: &RawPanel, kind: PanelKind) -> Option<String> {
    if kind != PanelKind::Text {
        if let Some(c) = &p.content {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                "`content` is for `text` panels",
                c.span(),
                "this panel shows queries",
            );
        }
        return None;
    }
    for (key, span) in [
        ("alert", p.alert.as_ref().map(S::span)),
        ("query", p.queries.first().map(S::span)),
        ("unit", p.unit.as_ref().map(S::span)),
    ] {
        if let Some(span) = span {
            cx.error(
                codes::KEY_NOT_FOR_KIND,
                format!("a `text` panel takes no `{key}`"),
                span,
                "it shows its `content` only",
            );
        }
    }
    match &p.content {
        Some(c) => Some(c.get_ref().clone()),
        None => {
            cx.error(
                codes::INCOMPLETE_KEYS,
                format!("text panel `{}` has no `content`", p.title.get_ref()),
                p.title.span(),
                "write the markdown it shows in `content`",
            );
            None
        }
    }
}

/// `width` or `height`, in Grafana's grid units.
fn panel_size(cx: &mut Cx, v: &Option<S<i64>>, default: u32, max: i64) -> u32 {
    match v {
        None => default,
        Some(s) if (1..=max).contains(s.get_ref()) => *s.get_ref() as u32,
        Some(s) => {
            cx.error(
                codes::OUT_OF_RANGE,
                format!("panel size must be from 1 to {max}"),
                s.span(),
                "out of range",
            );
            default
        }
    }
}
