//! Service files (`include`): the service each entry belongs to, its team, and each team's
//! route subtree.
//!
//! An entry belongs to the service whose file holds it: the stack's loader gives each
//! `[service]` the span of its whole file ([`crate::load::include`]), so ownership is a look-up
//! of a span. Entries of the stack file belong to no service.

use std::ops::Range;

use super::Cx;
use crate::codes;
use crate::diag::Diagnostic;
use crate::load::{RawConfig, RawRoute, RawServiceFile, S};
use crate::model::Project;

/// One service file's `[service]`, checked.
pub struct Owner<'r> {
    pub name: String,
    pub name_span: Range<usize>,
    pub team: String,
    /// The text of its file.
    pub span: Range<usize>,
    pub route: Option<&'r S<RawRoute>>,
}

/// The services of a stack, in the order their files were read.
#[derive(Default)]
pub struct Owners<'r> {
    pub services: Vec<Owner<'r>>,
}

impl<'r> Owners<'r> {
    /// The service whose file holds this offset.
    pub fn of(&self, offset: usize) -> Option<&Owner<'r>> {
        self.services.iter().find(|o| o.span.contains(&offset))
    }

    /// The teams, in the order their first service was read.
    pub fn teams(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for o in &self.services {
            if !out.contains(&o.team.as_str()) {
                out.push(&o.team);
            }
        }
        out
    }
}

/// Every `[service]`: names plain and unique, none named as the project; each team's
/// `[service.route]` declared once.
pub fn owners<'r>(cx: &mut Cx, raw: &'r RawConfig, project: &Project) -> Owners<'r> {
    let Some(list) = &raw.service else {
        return Owners::default();
    };
    let items = list.get_ref().items(list.span());
    let mut out = Owners::default();
    for (s, span) in items {
        let Some(part) = raw.parts.iter().find(|p| p.contains(&span.start)) else {
            cx.error(
                codes::STACK_ONLY,
                "`[service]` belongs in a service file, not in the stack file",
                s.name.span(),
                "the stack file itself belongs to no service",
            );
            continue;
        };
        let project = (project.name.as_str(), raw.project.get_ref().name.span());
        out.services.push(owner(cx, s, part.clone(), project));
    }
    cx.unique(
        items_names(raw).into_iter().filter(|n| {
            out.services
                .iter()
                .any(|o| o.span.contains(&n.span().start))
        }),
        "service",
    );
    for team in out.teams() {
        let routes: Vec<&S<RawRoute>> = out
            .services
            .iter()
            .filter(|o| o.team == team)
            .filter_map(|o| o.route)
            .collect();
        if let [first, second, ..] = routes.as_slice() {
            cx.push(
                Diagnostic::error(
                    codes::ROUTE_CLASH,
                    format!("team `{team}` has two default routes"),
                )
                .at(second.span(), "the second `[service.route]` of the team")
                .also(first.span(), "the first")
                .help("services of one team share its route subtree: declare `[service.route]` in one of their files"),
            );
        }
    }
    out
}

fn items_names(raw: &RawConfig) -> Vec<&S<String>> {
    raw.service.as_ref().map_or_else(Vec::new, |l| {
        l.get_ref()
            .items(l.span())
            .into_iter()
            .map(|(s, _)| &s.name)
            .collect()
    })
}

fn owner<'r>(
    cx: &mut Cx,
    s: &'r RawServiceFile,
    span: Range<usize>,
    (project, project_span): (&str, Range<usize>),
) -> Owner<'r> {
    let name = cx.name(&s.name, "service");
    if !name.is_empty()
        && (name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        cx.error(
            codes::EMPTY_NAME,
            format!("service name `{name}` is used in file names and must be plain"),
            s.name.span(),
            "expected 1 to 64 letters, digits, `-` and `_`",
        );
    }
    if name == project {
        cx.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("the service `{name}` is named as the project"),
            )
            .at(s.name.span(), "the service")
            .also(project_span, "the project")
            .help("the project's rule file and dashboard take that name: give the service its own"),
        );
    }
    let team = match &s.team {
        Some(t) => cx.name(t, "team"),
        None => name.clone(),
    };
    if let Some(r) = &s.route
        && let Some(m) = r.get_ref().matchers.first()
    {
        cx.error(
            codes::BAD_MATCHER,
            format!("the route of team `{team}` matches `team=\"{team}\"` and takes no `matchers`"),
            m.span(),
            "put matchers on its child routes, `[[service.route.routes]]`",
        );
    }
    Owner {
        name,
        name_span: s.name.span(),
        team,
        span,
        route: s.route.as_ref(),
    }
}

/// Gives each alert of a service file its service, and its alerts and SLOs the team's
/// `team` label (unless they set one); then orders the alerts the stack's first and each
/// service's together, in the order the files were read. Alerts of an SLO go with the SLO's
/// dimension.
pub fn own(
    raw: &RawConfig,
    owners: &Owners,
    alerts: &mut [crate::model::Alert],
    slos: &mut [crate::model::Slo],
) {
    if owners.services.is_empty() {
        return;
    }
    let of = |span: Range<usize>| owners.of(span.start);
    let by_alert: std::collections::HashMap<&str, &Owner> = raw
        .alerts
        .iter()
        .filter_map(|a| of(a.span()).map(|o| (a.get_ref().name.get_ref().as_str(), o)))
        .collect();
    let by_dimension: std::collections::HashMap<&str, &Owner> = raw
        .dimensions
        .iter()
        .filter_map(|d| of(d.span()).map(|o| (d.get_ref().name.get_ref().as_str(), o)))
        .collect();
    for slo in slos.iter_mut() {
        if let Some(o) = by_dimension.get(slo.dimension.as_str()) {
            slo.labels
                .entry("team".into())
                .or_insert_with(|| o.team.clone());
        }
    }
    for a in alerts.iter_mut().filter(|a| a.service.is_none()) {
        let slo_owner = || {
            let slo = slos.iter().find(|s| Some(&s.name) == a.slo.as_ref())?;
            by_dimension.get(slo.dimension.as_str())
        };
        let owner = match &a.slo {
            Some(_) => slo_owner(),
            None if !a.generated => by_alert.get(a.name.as_str()),
            None => None,
        };
        if let Some(o) = owner {
            a.service = Some(o.name.clone());
            a.labels
                .entry("team".into())
                .or_insert_with(|| o.team.clone());
        }
    }
    let rank = |a: &crate::model::Alert| {
        a.service.as_ref().map_or(0, |s| {
            1 + owners
                .services
                .iter()
                .position(|o| &o.name == s)
                .unwrap_or(0)
        })
    };
    alerts.sort_by_key(rank);
}
