//! The Grafana dashboard (a provisioning file, not an HTTP API payload) and the provisioning
//! files that load it: a dashboard provider and the Prometheus datasource, by uid.
//!
//! Layout: a row per dimension that has panels, panels left to right on the 24-column grid,
//! wrapping when a row is full. Only `timeseries` and `stat` panels: the Angular `graph`
//! panel is gone from current Grafana.

use crate::unit::Unit;
use serde::Serialize;
use serde_json::{Value, json};

use crate::model::{Dashboard, Model, Panel, PanelKind, Query, VarKind};
use crate::output::bundle::{Bundle, HEADER};

/// The dashboard JSON schema version written (Grafana 10.4; later versions migrate it).
pub const SCHEMA_VERSION: u32 = 39;

pub fn dashboard_path(d: &Dashboard) -> String {
    format!("grafana/dashboards/{}.json", d.uid)
}

/// Panels of the dashboard in display order: custom panels first, then one per alert not
/// already shown by a custom panel.
fn panels_of<'a>(m: &'a Model, d: &'a Dashboard) -> Vec<Panel> {
    let mut panels: Vec<Panel> = d.panels.clone();
    let shown: std::collections::HashSet<&str> =
        d.panels.iter().filter_map(|p| p.alert.as_deref()).collect();
    if d.alert_panels {
        for a in m.alerts.iter().filter(|a| d.shows_alert(a)) {
            // A tier after the first, or an SLO's absent-metric alert (its SLO row shows it).
            let already = shown.contains(a.name.as_str())
                || a.tier.is_some_and(|t| t.index > 0)
                || a.slo.is_some()
                // The stack's own alerts outside the user's dimensions: `ccmon health` and
                // Alertmanager show them, the service's dashboard does not.
                || (a.generated && a.dimension.is_none());
            if already {
                continue;
            }
            panels.push(Panel {
                alert: Some(a.name.clone()),
                dimension: a.dimension.clone(),
                unit: Some(a.unit().grafana_id().to_string()),
                queries: vec![Query {
                    expr: a.value_expr(),
                    ..Query::default()
                }],
                threshold: a.threshold_value(),
                bad_below: a
                    .threshold
                    .is_some_and(|(c, _)| c == crate::kinds::Cmp::Below),
                runbook: a.runbook.clone(),
                ..Panel::new(a.name.clone(), PanelKind::TimeSeries)
            });
        }
    }
    panels
}

/// The SLO row: the SLI over the period, the error budget left, and the burn rate.
fn slo_panels(slo: &crate::model::Slo) -> Vec<Panel> {
    use crate::slo::{BUDGET_REMAINING, OBJECTIVE, error_ratio_name, selector};
    let sel = selector(slo);
    let panel = |title: String, kind, unit: Unit, queries: Vec<Query>, threshold, width| Panel {
        unit: Some(unit.grafana_id().to_string()),
        queries,
        threshold,
        width,
        ..Panel::new(title, kind)
    };
    let q = |expr: String, legend: &str| Query {
        expr,
        legend: Some(legend.to_string()),
        ..Query::default()
    };
    let burn = |w: &str| {
        let w = crate::quantity::Duration::parse(w).unwrap_or(slo.period);
        format!("{}{sel} / (1 - {OBJECTIVE}{sel})", error_ratio_name(w))
    };
    let page_factor = slo
        .tiers
        .iter()
        .find(|t| t.tier == crate::model::Tier::Page)
        .and_then(|t| t.windows.first())
        .map(|w| w.factor);
    vec![
        panel(
            format!("{} SLI ({})", slo.name, slo.period),
            PanelKind::Stat,
            Unit::Ratio,
            vec![q(
                format!("1 - {}{sel}", error_ratio_name(slo.period)),
                "SLI",
            )],
            None,
            6,
        ),
        panel(
            format!("{} error budget remaining", slo.name),
            PanelKind::Stat,
            Unit::Ratio,
            vec![q(format!("{BUDGET_REMAINING}{sel}"), "budget left")],
            None,
            6,
        ),
        panel(
            format!("{} burn rate", slo.name),
            PanelKind::TimeSeries,
            Unit::Count,
            vec![
                q(burn("1h"), "1h"),
                q(burn("6h"), "6h"),
                q(burn("3d"), "3d"),
            ],
            page_factor,
            12,
        ),
    ]
}

struct Layout {
    x: u32,
    y: u32,
    row_height: u32,
}

impl Layout {
    fn place(&mut self, w: u32, h: u32) -> Value {
        if self.x + w > 24 {
            self.y += self.row_height;
            self.x = 0;
            self.row_height = 0;
        }
        let pos = json!({"h": h, "w": w, "x": self.x, "y": self.y});
        self.x += w;
        self.row_height = self.row_height.max(h);
        pos
    }

    fn new_line(&mut self) {
        if self.x > 0 {
            self.y += self.row_height;
        }
        self.x = 0;
        self.row_height = 0;
    }
}

fn datasource(uid: &str) -> Value {
    json!({"type": "prometheus", "uid": uid})
}

/// Firing alerts marked on every time series: a red mark from `ALERTS`, titled with the
/// alert's name, tagged with its severity.
fn firing_annotation() -> Value {
    json!({
        "name": "Alerts firing",
        "datasource": datasource(DATASOURCE_VAR),
        "enable": true,
        "hide": false,
        "iconColor": "red",
        "expr": "ALERTS{alertstate=\"firing\"}",
        "step": "60s",
        "titleFormat": "{{alertname}}",
        "tagKeys": "severity",
        "useValueForTime": false,
    })
}

/// Every panel and query asks the data source chosen in `$datasource`.
const DATASOURCE_VAR: &str = "${datasource}";

/// `templating.list`: `$datasource` (the provisioned Prometheus by default), then the
/// declared variables.
fn templating(d: &Dashboard) -> Vec<Value> {
    let mut list = vec![json!({
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {"text": d.datasource_uid, "value": d.datasource_uid},
        "hide": 0,
        "refresh": 1,
        "regex": "",
        "options": [],
    })];
    for v in &d.variables {
        let mut j = json!({
            "name": v.name,
            "label": v.label.as_deref().unwrap_or(&v.name),
            "hide": 0,
            "multi": v.multi,
            "includeAll": v.include_all,
            "options": [],
        });
        let o = j.as_object_mut().expect("an object");
        match &v.kind {
            VarKind::Query(q) => {
                o.insert("type".into(), json!("query"));
                o.insert("datasource".into(), datasource(DATASOURCE_VAR));
                o.insert(
                    "query".into(),
                    json!({"query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery"}),
                );
                // Refreshed when the time range changes: a label that appears shows up.
                o.insert("refresh".into(), json!(2));
                o.insert("sort".into(), json!(1));
                o.insert("regex".into(), json!(""));
            }
            VarKind::Custom(values) | VarKind::Interval(values) => {
                let interval = matches!(v.kind, VarKind::Interval(_));
                o.insert(
                    "type".into(),
                    json!(if interval { "interval" } else { "custom" }),
                );
                o.insert("query".into(), json!(values.join(",")));
                o.insert(
                    "options".into(),
                    json!(
                        values
                            .iter()
                            .enumerate()
                            .map(|(i, x)| json!({"text": x, "value": x, "selected": i == 0}))
                            .collect::<Vec<_>>()
                    ),
                );
                o.insert(
                    "current".into(),
                    json!({"text": values[0], "value": values[0]}),
                );
                if interval {
                    o.insert("auto".into(), json!(false));
                }
            }
        }
        list.push(j);
    }
    list
}

fn ref_id(i: usize) -> String {
    char::from(b'A' + (i % 26) as u8).to_string()
}

/// The queries as Grafana targets: tables ask instant values, heatmaps bucket series.
fn targets(p: &Panel) -> Vec<Value> {
    p.queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut t = json!({
                "datasource": datasource(DATASOURCE_VAR),
                "expr": q.expr,
                "refId": ref_id(i),
            });
            let legend = match (&q.legend, p.kind) {
                (Some(l), _) => Some(l.as_str()),
                (None, PanelKind::Heatmap) => Some("{{le}}"),
                (None, _) => None,
            };
            if let Some(l) = legend {
                t["legendFormat"] = json!(l);
            }
            match p.kind {
                // One row per series, at the end of the range.
                PanelKind::Table => {
                    t["format"] = json!("table");
                    t["instant"] = json!(true);
                }
                PanelKind::Heatmap => t["format"] = json!("heatmap"),
                _ => {}
            }
            t
        })
        .collect()
}

/// Colour steps: the user's, else green with the alert's threshold in red (reversed for a
/// `below` alert: red under the threshold, green from it).
fn threshold_steps(p: &Panel) -> Vec<Value> {
    if let Some(steps) = &p.steps {
        return steps
            .iter()
            .map(|(v, c)| json!({"color": c, "value": v}))
            .collect();
    }
    let (under, over) = if p.bad_below {
        ("red", "green")
    } else {
        ("green", "red")
    };
    let mut steps = vec![json!({"color": under, "value": null})];
    if let Some(t) = p.threshold {
        steps.push(json!({"color": over, "value": t}));
    }
    steps
}

fn mappings(p: &Panel) -> Vec<Value> {
    p.mappings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut result = json!({"text": m.text, "index": i});
            if let Some(c) = &m.color {
                result["color"] = json!(c);
            }
            match (&m.value, m.range) {
                (Some(v), _) => json!({"type": "value", "options": {v.as_str(): result}}),
                (None, Some((lo, hi))) => {
                    json!({"type": "range", "options": {"from": lo, "to": hi, "result": result}})
                }
                (None, None) => unreachable!("a mapping has a value or a range"),
            }
        })
        .collect()
}

/// Per-query overrides: the series of a query (by its refId) in its own unit, colour, axis.
fn overrides(p: &Panel) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, q) in p.queries.iter().enumerate() {
        let mut props = Vec::new();
        if let Some(u) = &q.unit {
            props.push(json!({"id": "unit", "value": u}));
        }
        if let Some(c) = &q.color {
            props.push(json!({"id": "color", "value": {"mode": "fixed", "fixedColor": c}}));
        }
        if q.right_axis {
            props.push(json!({"id": "custom.axisPlacement", "value": "right"}));
        }
        if !props.is_empty() {
            out.push(json!({
                "matcher": {"id": "byFrameRefID", "options": ref_id(i)},
                "properties": props,
            }));
        }
    }
    out
}

fn legend(p: &Panel) -> Value {
    let l = &p.legend;
    let mut j = json!({
        "displayMode": l.mode,
        "placement": l.placement,
        "showLegend": l.mode != "hidden",
    });
    if !l.values.is_empty() {
        j["calcs"] = json!(l.values);
    }
    j
}

/// `fieldConfig.defaults`: thresholds, unit, range, decimals, mappings, and what the kind
/// draws with (`custom`).
fn field_defaults(p: &Panel) -> Value {
    let mut defaults = json!({
        "thresholds": {"mode": "absolute", "steps": threshold_steps(p)},
        "unit": p.unit.as_deref().unwrap_or("short"),
    });
    for (key, v) in [("min", p.min), ("max", p.max)] {
        if let Some(v) = v {
            defaults[key] = json!(v);
        }
    }
    if let Some(d) = p.decimals {
        defaults["decimals"] = json!(d);
    }
    if !p.mappings.is_empty() {
        defaults["mappings"] = json!(mappings(p));
    }
    match p.kind {
        PanelKind::TimeSeries => {
            let mut custom = serde_json::Map::new();
            if p.threshold.is_some() || p.steps.is_some() {
                custom.insert("thresholdsStyle".into(), json!({"mode": "line"}));
            }
            if let Some(mode) = p.stack {
                custom.insert("stacking".into(), json!({"mode": mode, "group": "A"}));
                custom.insert("fillOpacity".into(), json!(30));
            }
            if !custom.is_empty() {
                defaults["custom"] = Value::Object(custom);
            }
        }
        PanelKind::StateTimeline => {
            defaults["color"] = json!({"mode": "thresholds"});
            defaults["custom"] = json!({"fillOpacity": 70, "lineWidth": 0});
        }
        _ => {}
    }
    defaults
}

/// `options`, by kind.
fn kind_options(p: &Panel) -> Value {
    let reduce = json!({"calcs": ["lastNotNull"], "fields": "", "values": false});
    match p.kind {
        PanelKind::TimeSeries => json!({
            "legend": legend(p),
            "tooltip": {"mode": "multi", "sort": "none"},
        }),
        PanelKind::Stat => json!({
            "colorMode": "value",
            "graphMode": "area",
            "reduceOptions": reduce,
        }),
        PanelKind::Gauge => json!({
            "orientation": "auto",
            "reduceOptions": reduce,
            "showThresholdLabels": false,
            "showThresholdMarkers": true,
        }),
        PanelKind::BarGauge => json!({
            "displayMode": "gradient",
            "orientation": "horizontal",
            "reduceOptions": reduce,
            "showUnfilled": true,
        }),
        PanelKind::Table => json!({"showHeader": true, "cellHeight": "sm"}),
        PanelKind::Text => {
            json!({"mode": "markdown", "content": p.content.as_deref().unwrap_or("")})
        }
        // Buckets as Prometheus counts them (no recalculation), upper bounds on the y axis.
        PanelKind::Heatmap => json!({
            "calculate": false,
            "cellGap": 1,
            "color": {"mode": "scheme", "scheme": "Oranges", "scale": "exponential", "exponent": 0.5, "steps": 64, "reverse": false},
            "yAxis": {"axisPlacement": "left", "unit": p.unit.as_deref().unwrap_or("short")},
            "rowsFrame": {"layout": "le"},
            "tooltip": {"mode": "single", "yHistogram": true},
            "legend": {"show": true},
            "exemplars": {"color": "rgba(255,0,255,0.7)"},
        }),
        PanelKind::StateTimeline => json!({
            "showValue": "auto",
            "alignValue": "left",
            "mergeValues": true,
            "rowHeight": 0.9,
            "legend": legend(p),
            "tooltip": {"mode": "single", "sort": "none"},
        }),
    }
}

fn panel_json(p: &Panel, id: u32, pos: Value) -> Value {
    if p.kind == PanelKind::Text {
        return json!({
            "gridPos": pos,
            "id": id,
            "options": kind_options(p),
            "title": p.title,
            "type": "text",
        });
    }
    let mut panel = json!({
        "datasource": datasource(DATASOURCE_VAR),
        "fieldConfig": {"defaults": field_defaults(p), "overrides": overrides(p)},
        "gridPos": pos,
        "id": id,
        "options": kind_options(p),
        "targets": targets(p),
        "title": p.title,
        "type": p.kind.name(),
    });
    if p.kind == PanelKind::Table {
        // Instant values need no time column; the user's titles replace Grafana's names.
        let rename: serde_json::Map<String, Value> = p
            .rename
            .iter()
            .map(|(a, b)| (a.clone(), json!(b)))
            .collect();
        panel["transformations"] = json!([{
            "id": "organize",
            "options": {"excludeByName": {"Time": true}, "indexByName": {}, "renameByName": rename},
        }]);
    }
    if let Some(r) = &p.runbook {
        panel["links"] = json!([{"title": "Runbook", "url": r, "targetBlank": true}]);
    }
    panel
}

/// Links to the other dashboards, keeping the time range and the variables.
fn links(d: &Dashboard) -> Vec<Value> {
    d.links
        .iter()
        .map(|(title, uid)| {
            json!({
                "title": title,
                "type": "link",
                "url": format!("/d/{uid}"),
                "icon": "dashboard",
                "tooltip": "",
                "tags": [],
                "asDropdown": false,
                "targetBlank": false,
                "includeVars": true,
                "keepTime": true,
            })
        })
        .collect()
}

fn dashboard_json(m: &Model, d: &Dashboard) -> Value {
    let panels = panels_of(m, d);
    let mut out: Vec<Value> = Vec::new();
    let mut layout = Layout {
        x: 0,
        y: 0,
        row_height: 0,
    };
    let mut id = 0;
    let mut next_id = || {
        id += 1;
        id
    };
    for p in panels.iter().filter(|p| p.dimension.is_none()) {
        out.push(panel_json(p, next_id(), layout.place(p.width, p.height)));
    }
    let mut rows: Vec<(String, Vec<Panel>)> = Vec::new();
    for dim in &m.dimensions {
        let mine: Vec<Panel> = panels
            .iter()
            .filter(|p| p.dimension.as_deref() == Some(&dim.name))
            .cloned()
            .collect();
        let title = match &dim.objective {
            Some(o) => format!("{} — {o}", dim.title),
            None => dim.title.clone(),
        };
        rows.push((title, mine));
    }
    for slo in m.slos.iter().filter(|s| d.shows(Some(&s.dimension))) {
        rows.push((
            format!("SLO {} — {} over {}", slo.name, slo.target_text, slo.period),
            slo_panels(slo),
        ));
    }
    for (title, mine) in rows.into_iter().filter(|(_, p)| !p.is_empty()) {
        layout.new_line();
        out.push(json!({
            "collapsed": false,
            "gridPos": layout.place(24, 1),
            "id": next_id(),
            "panels": [],
            "title": title,
            "type": "row",
        }));
        layout.new_line();
        for p in &mine {
            out.push(panel_json(p, next_id(), layout.place(p.width, p.height)));
        }
    }
    json!({
        "annotations": {"list": [firing_annotation()]},
        "description": HEADER,
        "editable": false,
        "graphTooltip": 1,
        "id": null,
        "links": links(d),
        "panels": out,
        "refresh": d.refresh.to_string(),
        "schemaVersion": SCHEMA_VERSION,
        "tags": d.tags,
        "templating": {"list": templating(d)},
        "time": {"from": d.time_from, "to": "now"},
        "timepicker": {},
        "timezone": "browser",
        "title": d.title,
        "uid": d.uid,
        "version": 1,
    })
}

#[derive(Serialize)]
struct Providers<'a> {
    #[serde(rename = "apiVersion")]
    api_version: u32,
    providers: Vec<Provider<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider<'a> {
    name: String,
    org_id: u32,
    folder: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    disable_deletion: bool,
    allow_ui_updates: bool,
    update_interval_seconds: u32,
    options: ProviderOptions,
}

#[derive(Serialize)]
struct ProviderOptions {
    path: String,
}

#[derive(Serialize)]
struct Datasources<'a> {
    #[serde(rename = "apiVersion")]
    api_version: u32,
    datasources: Vec<Datasource<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasource<'a> {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'a str,
    access: &'static str,
    url: &'a str,
    is_default: bool,
    editable: bool,
    json_data: JsonData,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonData {
    time_interval: String,
    http_method: &'static str,
}

/// Where the provider tells Grafana to look for this project's dashboards.
pub fn dashboards_dir(project: &str) -> String {
    format!("/var/lib/grafana/dashboards/{project}")
}

/// Each dashboard, and the provisioning of all of them: one provider, one datasource.
pub fn emit(m: &Model, b: &mut Bundle) {
    for d in &m.dashboards {
        let mut json = serde_json::to_string_pretty(&dashboard_json(m, d))
            .unwrap_or_else(|e| panic!("ccmon bug: dashboard JSON failed to serialize: {e}"));
        json.push('\n');
        b.add(dashboard_path(d), json);
    }
    let Some(d) = m.dashboards.first() else {
        return;
    };
    let project = &m.project.name;
    b.add(
        format!("grafana/provisioning/dashboards/{project}.yaml"),
        super::yaml(&Providers {
            api_version: 1,
            providers: vec![Provider {
                name: format!("ccmon-{project}"),
                org_id: 1,
                folder: project,
                kind: "file",
                disable_deletion: true,
                allow_ui_updates: false,
                update_interval_seconds: 30,
                options: ProviderOptions {
                    path: dashboards_dir(project),
                },
            }],
        }),
    );
    b.add(
        format!("grafana/provisioning/datasources/{project}.yaml"),
        super::yaml(&Datasources {
            api_version: 1,
            datasources: vec![Datasource {
                name: "Prometheus",
                kind: "prometheus",
                uid: &d.datasource_uid,
                access: "proxy",
                url: &d.prometheus_url,
                is_default: true,
                editable: false,
                json_data: JsonData {
                    time_interval: m.prometheus.scrape_interval.to_string(),
                    http_method: "POST",
                },
            }],
        }),
    );
}

#[cfg(test)]
mod tests {
    /// Prometheus under an external URL's path serves its API there: the data source's URL
    /// has the path, or every panel would get a 404.
    #[test]
    fn the_data_source_is_under_prometheus_route_prefix() {
        let text = "[project]\nname = \"shop\"\n\n[prometheus]\nlisten = \"0.0.0.0:9090\"\nexternal_url = \"https://mon.example.com/prometheus/\"\n\n[[job]]\nname = \"web\"\ntargets = [\"localhost:8080\"]\n";
        let src = crate::diag::source::Source::new("shop.toml", text);
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
        let b = crate::emit::emit(&m);
        let ds = &b.files["grafana/provisioning/datasources/shop.yaml"];
        assert!(
            ds.contains("url: http://localhost:9090/prometheus\n"),
            "{ds}"
        );
    }

    /// One panel of every kind: its Grafana type, the options it is written with, `min`,
    /// `max` and `decimals`, instant table queries, and a text panel's markdown alone.
    #[test]
    fn every_panel_kind_is_written_as_grafana_reads_it() {
        let mut text = String::from(
            "[project]\nname = \"kinds\"\n\n[self_monitoring]\nenabled = false\n\n[[job]]\nname = \"web\"\ntargets = [\"localhost:8080\"]\n\n[dashboard]\nalert_panels = false\n",
        );
        for (name, _) in crate::model::PanelKind::ALL {
            if name == "text" {
                text.push_str("\n[[dashboard.panel]]\ntitle = \"text\"\nkind = \"text\"\ncontent = \"# On call\\nSee the runbook.\"\n");
            } else {
                text.push_str(&format!(
                    "\n[[dashboard.panel]]\ntitle = \"{name}\"\nkind = \"{name}\"\nunit = \"ratio\"\nmin = 0\nmax = 1\ndecimals = 1\n[[dashboard.panel.query]]\nexpr = 'sum by (job) (rate(x[$__rate_interval]))'\n"
                ));
            }
        }
        let src = crate::diag::source::Source::new("kinds.toml", text);
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
        assert!(diags.is_empty(), "{diags:?}");
        let b = crate::emit::emit(&m);
        let json = &b.files["grafana/dashboards/kinds.json"];
        let d: serde_json::Value = serde_json::from_str(json).unwrap();
        let panels = d["panels"].as_array().unwrap();
        assert_eq!(panels.len(), crate::model::PanelKind::ALL.len());
        for p in panels {
            let kind = p["type"].as_str().unwrap();
            assert_eq!(p["title"], kind);
            if kind == "text" {
                assert_eq!(p["options"]["mode"], "markdown");
                assert_eq!(p["options"]["content"], "# On call\nSee the runbook.");
                assert!(p.get("targets").is_none() && p.get("datasource").is_none());
                continue;
            }
            let defaults = &p["fieldConfig"]["defaults"];
            assert_eq!(
                (
                    defaults["min"].clone(),
                    defaults["max"].clone(),
                    defaults["decimals"].clone()
                ),
                (
                    serde_json::json!(0.0),
                    serde_json::json!(1.0),
                    serde_json::json!(1)
                ),
                "{kind}"
            );
            assert_eq!(p["datasource"]["uid"], "${datasource}");
            let t = &p["targets"][0];
            assert_eq!(t["refId"], "A");
            assert_eq!(t["instant"] == true, kind == "table", "{kind}");
            if ["stat", "gauge", "bargauge"].contains(&kind) {
                assert_eq!(
                    p["options"]["reduceOptions"]["calcs"][0], "lastNotNull",
                    "{kind}"
                );
            }
        }
    }

    /// The panel of an alert with `below` is red under its threshold and green from it; one
    /// with `above`, green under and red from.
    #[test]
    fn thresholds_follow_the_alerts_direction() {
        let text = r#"
[project]
name = "certs"

[self_monitoring]
enabled = false

[[job]]
name = "web"
targets = ["localhost:8080"]

[[alert]]
name = "CertificateExpiring"
kind = "expiry"
metric = "probe_ssl_earliest_cert_expiry"
below = "14d"
severity = "warning"
summary = "expires"
runbook = "https://runbooks.example.com/certificates"

[[alert]]
name = "TooManyErrors"
kind = "gauge"
expr = "errors"
above = 10
severity = "warning"
summary = "errors"

[[receiver]]
name = "ops"
[[receiver.webhook]]
url = "http://127.0.0.1:9095/"
"#;
        let src = crate::diag::source::Source::new("certs.toml", text);
        let mut diags = crate::diag::Diags::default();
        let m = crate::compile(&src, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
        let b = crate::emit::emit(&m);
        let (_, json) = b
            .files
            .iter()
            .find(|(p, _)| p.starts_with("grafana/dashboards/"))
            .unwrap();
        let d: serde_json::Value = serde_json::from_str(json).unwrap();
        let steps = |title: &str| -> Vec<(String, serde_json::Value)> {
            let p = d["panels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["title"] == title)
                .unwrap_or_else(|| panic!("no panel {title}"));
            p["fieldConfig"]["defaults"]["thresholds"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["color"].as_str().unwrap().to_string(), s["value"].clone()))
                .collect()
        };
        assert_eq!(
            steps("CertificateExpiring"),
            [
                ("red".to_string(), serde_json::Value::Null),
                ("green".to_string(), serde_json::json!(1_209_600.0)),
            ]
        );
        // The alert's runbook is a link on its panel; firing alerts are marked on the graphs.
        let cert = d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == "CertificateExpiring")
            .unwrap();
        assert_eq!(
            cert["links"][0]["url"],
            "https://runbooks.example.com/certificates"
        );
        assert_eq!(
            d["annotations"]["list"][0]["expr"],
            "ALERTS{alertstate=\"firing\"}"
        );
        assert_eq!(
            steps("TooManyErrors"),
            [
                ("green".to_string(), serde_json::Value::Null),
                ("red".to_string(), serde_json::json!(10.0)),
            ]
        );
    }
}
