//! Alertmanager's dispatcher, as ccmon runs it for routing tests and `ccmon routes`: the route
//! walk (`dispatch/route.go`), the time intervals a matched route is muted by or active in
//! (`notify.go`'s mute stages) and inhibition (`inhibit/inhibit.go`). Each walk keeps the path
//! it took, so that a failing test can show it.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::model::{Inhibit, Matcher, Route, TimeInterval};

pub type Labels = BTreeMap<String, String>;

/// One matched leaf of the walk: the receiver it notifies, unless a time interval keeps it
/// quiet at the given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub receiver: String,
    /// Why it sends nothing at that time: `muted by `x`` or `outside `y``.
    pub silenced: Option<String>,
    /// The intervals on the route (`mute` and `active`), for `ccmon routes`.
    pub mute: Vec<String>,
    pub active: Vec<String>,
}

/// The walk of one label set.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub deliveries: Vec<Delivery>,
    /// One line per route looked at, indented by depth.
    pub path: Vec<String>,
}

impl Walk {
    /// The receivers matched, time intervals aside (what `amtool config routes test` says).
    pub fn matched(&self) -> Vec<String> {
        self.deliveries.iter().map(|d| d.receiver.clone()).collect()
    }

    /// The receivers notified at the walk's time.
    pub fn notified(&self) -> Vec<String> {
        self.deliveries
            .iter()
            .filter(|d| d.silenced.is_none())
            .map(|d| d.receiver.clone())
            .collect()
    }
}

fn describe(ms: &[Matcher]) -> String {
    if ms.is_empty() {
        return "(every alert)".into();
    }
    ms.iter()
        .map(Matcher::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn inside(intervals: &[TimeInterval], name: &str, t: Timestamp) -> bool {
    intervals
        .iter()
        .filter(|i| i.name == name)
        .any(|i| i.periods.iter().any(|p| p.contains(t)))
}

/// Walks `root` for `labels`. With `at`, each matched route's `mute_time_intervals` and
/// `active_time_intervals` are applied at that time; without, none is.
pub fn walk(
    root: &Route,
    labels: &Labels,
    at: Option<Timestamp>,
    intervals: &[TimeInterval],
) -> Walk {
    let mut w = Walk::default();
    let cx = Ctx {
        labels,
        at,
        intervals,
        record: true,
    };
    node(root, "", 0, &cx, &mut w);
    w
}

/// The receivers `labels` reach, time intervals aside, without recording the path: the
/// check walks every alert of a large config this way.
pub fn matched(root: &Route, labels: &Labels) -> Vec<String> {
    let mut w = Walk::default();
    let cx = Ctx {
        labels,
        at: None,
        intervals: &[],
        record: false,
    };
    node(root, "", 0, &cx, &mut w);
    w.matched()
}

/// What stays the same across one walk.
struct Ctx<'a> {
    labels: &'a Labels,
    at: Option<Timestamp>,
    intervals: &'a [TimeInterval],
    /// Whether to keep the path and each route's intervals (tests, `ccmon routes`).
    record: bool,
}

fn node(r: &Route, inherited: &str, depth: usize, cx: &Ctx, w: &mut Walk) -> bool {
    let pad = if cx.record {
        "  ".repeat(depth + 1)
    } else {
        String::new()
    };
    let what = || {
        if depth == 0 {
            "root".to_string()
        } else {
            describe(&r.matchers)
        }
    };
    if !r.matchers.iter().all(|m| m.matches(cx.labels)) {
        if cx.record {
            w.path.push(format!("{pad}{}: no match", what()));
        }
        return false;
    }
    let receiver = r.receiver.as_deref().unwrap_or(inherited);
    if cx.record {
        w.path.push(format!(
            "{pad}{}: matched (receiver `{receiver}`{})",
            what(),
            if r.continue_ { ", continue" } else { "" }
        ));
    }
    let before = w.deliveries.len();
    for child in &r.routes {
        if node(child, receiver, depth + 1, cx, w) && !child.continue_ {
            break;
        }
    }
    if w.deliveries.len() == before {
        let silenced = cx.at.and_then(|t| silenced(r, cx.intervals, t));
        if cx.record {
            w.path.push(format!(
                "{pad}  → `{receiver}`{}",
                silenced
                    .as_ref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ));
        }
        w.deliveries.push(Delivery {
            receiver: receiver.to_string(),
            silenced,
            mute: if cx.record {
                r.mute.clone()
            } else {
                Vec::new()
            },
            active: if cx.record {
                r.active.clone()
            } else {
                Vec::new()
            },
        });
    }
    true
}

/// Why route `r` sends nothing at `t`, if it does not.
fn silenced(r: &Route, intervals: &[TimeInterval], t: Timestamp) -> Option<String> {
    if let Some(m) = r.mute.iter().find(|m| inside(intervals, m, t)) {
        return Some(format!("muted by `{m}`"));
    }
    if !r.active.is_empty() && !r.active.iter().any(|a| inside(intervals, a, t)) {
        let names: Vec<String> = r.active.iter().map(|a| format!("`{a}`")).collect();
        return Some(format!("outside {}", names.join(", ")));
    }
    None
}

fn all(ms: &[Matcher], labels: &Labels) -> bool {
    ms.iter().all(|m| m.matches(labels))
}

/// Whether `target` is inhibited while the `firing` alerts fire: the index of the first
/// inhibit rule that mutes it. As Alertmanager: a source alert matches the source matchers
/// and agrees with the target on every `equal` label (absent counts as empty); when the
/// target matches both sides, sources that also match the target side are skipped.
pub fn inhibited_by(inhibits: &[Inhibit], target: &Labels, firing: &[Labels]) -> Option<usize> {
    let get = |l: &Labels, k: &str| l.get(k).cloned().unwrap_or_default();
    inhibits.iter().position(|r| {
        if !all(&r.target, target) {
            return false;
        }
        let two_sided = all(&r.source, target);
        firing.iter().any(|s| {
            all(&r.source, s)
                && !(two_sided && all(&r.target, s))
                && r.equal.iter().all(|e| get(s, e) == get(target, e))
        })
    })
}

/// The outcome of the `[[route_test]]`s of a model.
#[derive(Debug, Default)]
pub struct TestReport {
    pub passed: usize,
    /// One block of text per failed test: what was expected, what happened, and the path.
    pub failures: Vec<String>,
}

fn list(names: &[String]) -> String {
    format!(
        "[{}]",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn show(labels: &Labels) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// Runs every route test of `am` (`file` names the config in the report).
pub fn run_tests(am: &crate::model::Alertmanager, locate: &dyn Fn(usize) -> String) -> TestReport {
    let mut report = TestReport::default();
    for t in &am.route_tests {
        let w = walk(&am.route, &t.labels, t.at, &am.time_intervals);
        let firing: Vec<Labels> = t.inhibited_by.iter().cloned().collect();
        let rule = inhibited_by(&am.inhibits, &t.labels, &firing);
        let notified = if rule.is_some() {
            Vec::new()
        } else {
            w.notified()
        };
        let inhibit_ok = t.inhibited_by.is_none() || rule.is_some();
        if notified == t.expect && inhibit_ok {
            report.passed += 1;
            continue;
        }
        let mut text = format!(
            "route test `{}` ({}) failed\n  labels:   {}\n",
            t.name,
            locate(t.line),
            show(&t.labels)
        );
        if let Some(at) = t.at {
            text.push_str(&format!("  at:       {at}\n"));
        }
        match &t.inhibited_by {
            Some(src) if rule.is_none() => text.push_str(&format!(
                "  expected: inhibited by {}\n  but none of the {} inhibit rules mutes it with that alert firing\n",
                show(src),
                am.inhibits.len()
            )),
            _ => text.push_str(&format!(
                "  expected: {}\n  notified: {}\n",
                list(&t.expect),
                list(&notified)
            )),
        }
        text.push_str("  path:\n");
        for line in &w.path {
            text.push_str(&format!("  {line}\n"));
        }
        if let Some(i) = rule {
            text.push_str(&format!("  inhibited by rule {} of `[[inhibit]]`\n", i + 1));
        }
        report.failures.push(text);
    }
    report
}

/// Every receiver an alert may reach when only some of its labels are known (those its rule
/// sets; the rest come from its series): a matcher on an unknown label may go either way, so
/// a route whose outcome is unknown is both taken and passed over. For warnings, which must
/// not fire on what the series will decide.
pub fn possible(root: &Route, known: &Labels) -> Vec<String> {
    fn eval(ms: &[Matcher], known: &Labels) -> Option<bool> {
        let mut sure = true;
        for m in ms {
            if known.contains_key(&m.name) {
                if !m.matches(known) {
                    return Some(false);
                }
            } else {
                sure = false;
            }
        }
        if sure { Some(true) } else { None }
    }
    fn node(r: &Route, inherited: &str, known: &Labels, out: &mut Vec<String>) -> Option<bool> {
        let here = eval(&r.matchers, known);
        if here == Some(false) {
            return here;
        }
        let receiver = r.receiver.as_deref().unwrap_or(inherited);
        let mut surely_matched = false;
        for child in &r.routes {
            let c = node(child, receiver, known, out);
            if c == Some(true) {
                surely_matched = true;
                if !child.continue_ {
                    break;
                }
            }
        }
        if !surely_matched && !out.iter().any(|o| o == receiver) {
            out.push(receiver.to_string());
        }
        here
    }
    let mut out = Vec::new();
    node(root, "", known, &mut out);
    out
}
