//! Which generated rule-test cases may share one `promtool` test group.
//!
//! `promtool test rules` evaluates every rule of the rule file at every evaluation of every
//! test group. One group per case made the cost grow with the square of the alert count
//! (N alerts, 2N groups, N rules each); cases that cannot see each other's series are
//! therefore packed into shared groups, and the number of groups stays that of the largest
//! set of alerts that all read one another's series, times the cases an alert has.
//!
//! A *unit* is what owns cases: the tiers of one alert, or one SLO. Units conflict when a
//! series of one could be read by the other: some selector of one overlaps some selector of
//! the other ([`Read::overlaps`]), directly or through a recording rule that reads one's
//! series and writes a metric the other reads; or when they check the same alert name.
//! Units are coloured greedily in order, no two conflicting units alike; case `i` of every
//! unit of colour `c` goes to the shared group `(c, i)`. A unit whose reads are not known
//! (`raw` alerts with hand-written cases) gets groups of its own.

use std::collections::{BTreeMap, HashMap};

use crate::promql::selector::Read;

/// What one unit reads and checks.
pub struct Unit<'a> {
    /// `None`: not known, the unit is not packed.
    pub reads: Option<Vec<Read<'a>>>,
    /// The alert names its cases check.
    pub names: Vec<&'a str>,
}

/// A recording rule as packing sees it: the metrics it reads (`None`: not known, any) and
/// the one it writes.
pub struct Writer<'a> {
    pub reads: Option<Vec<String>>,
    pub writes: &'a str,
}

/// One selector in the index: its unit, and whether the unit reads it (or only writes its
/// metric, through a recording rule).
struct Entry<'r, 'a> {
    unit: u32,
    read: bool,
    sel: &'r Read<'a>,
}

/// The metrics recording rules write from a series of `metric`, directly or through other
/// recording rules.
fn written_from<'a>(metric: &str, writers: &'a [Writer<'a>]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut todo = vec![metric.to_string()];
    while let Some(m) = todo.pop() {
        for w in writers {
            let reads_it = w.reads.as_ref().is_none_or(|r| r.contains(&m));
            if reads_it && !out.contains(&w.writes) {
                out.push(w.writes);
                todo.push(w.writes.to_string());
            }
        }
    }
    out
}

/// The colour of each unit (`None`: groups of its own), in the units' order.
pub fn colours(units: &[Unit], writers: &[Writer]) -> Vec<Option<u32>> {
    // Metrics written from each unit's series, as reads of any series of that metric.
    let mut memo: HashMap<&str, Vec<&str>> = HashMap::new();
    let derived: Vec<Vec<Read>> = units
        .iter()
        .map(|u| {
            let mut out: Vec<Read> = Vec::new();
            if writers.is_empty() {
                return out;
            }
            for r in u.reads.iter().flatten() {
                let metric: &str = &r.metric;
                let written = memo
                    .entry(metric)
                    .or_insert_with(|| written_from(metric, writers));
                for w in written.iter() {
                    if !out.iter().any(|d| d.metric == *w) {
                        out.push(Read::any(*w));
                    }
                }
            }
            out
        })
        .collect();
    let mut by_metric: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        let Some(reads) = &u.reads else { continue };
        let own = reads.iter().map(|r| (true, r));
        for (read, sel) in own.chain(derived[i].iter().map(|r| (false, r))) {
            by_metric.entry(&sel.metric).or_default().push(Entry {
                unit: i as u32,
                read,
                sel,
            });
        }
    }
    let mut edges: Vec<Vec<u32>> = vec![Vec::new(); units.len()];
    let mut link = |a: u32, b: u32| {
        if a != b {
            edges[a as usize].push(b);
            edges[b as usize].push(a);
        }
    };
    for entries in by_metric.values() {
        conflicts(entries, &mut link);
    }
    let mut by_name: HashMap<&str, u32> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        for n in &u.names {
            if let Some(&j) = by_name.get(n) {
                link(j, i as u32);
            } else {
                by_name.insert(n, i as u32);
            }
        }
    }
    greedy(units, &edges)
}

/// Links every two units of one metric's selectors that overlap, where at least one of the
/// two is read. Selectors are first split by the value of the label most of them fix (a
/// `job`, say): two that fix it differently cannot overlap, so only those within one value,
/// and those that do not fix it against all, are compared.
fn conflicts(entries: &[Entry], link: &mut impl FnMut(u32, u32)) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        for m in e.sel.matchers.iter() {
            if m.op == crate::promql::selector::MatchOp::Eq {
                *counts.entry(&m.name).or_default() += 1;
            }
        }
    }
    let key = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| *k);
    let mut by_value: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut wild = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match key.and_then(|k| e.sel.fixed(k)) {
            Some(v) => by_value.entry(v).or_default().push(i),
            None => wild.push(i),
        }
    }
    let mut pair = |i: usize, j: usize| {
        let (a, b) = (&entries[i], &entries[j]);
        if a.unit != b.unit && (a.read || b.read) && a.sel.overlaps(b.sel) {
            link(a.unit, b.unit);
        }
    };
    for group in by_value.values() {
        for (n, &i) in group.iter().enumerate() {
            for &j in &group[n + 1..] {
                pair(i, j);
            }
        }
    }
    for (n, &w) in wild.iter().enumerate() {
        for &j in &wild[n + 1..] {
            pair(w, j);
        }
        for group in by_value.values() {
            for &j in group {
                pair(w, j);
            }
        }
    }
}

/// Each packed unit gets the smallest colour none of its earlier neighbours has.
fn greedy(units: &[Unit], edges: &[Vec<u32>]) -> Vec<Option<u32>> {
    let mut colour: Vec<Option<u32>> = vec![None; units.len()];
    let mut taken: Vec<u32> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if u.reads.is_none() {
            continue;
        }
        taken.clear();
        taken.extend(
            edges[i]
                .iter()
                .filter(|&&j| (j as usize) < i)
                .filter_map(|&j| colour[j as usize]),
        );
        taken.sort_unstable();
        taken.dedup();
        let free = taken
            .iter()
            .enumerate()
            .find(|&(n, &c)| n as u32 != c)
            .map_or(taken.len() as u32, |(n, _)| n as u32);
        colour[i] = Some(free);
    }
    colour
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promql::selector::Selector;

    fn unit(name: &'static str, sels: &[&str]) -> Unit<'static> {
        Unit {
            reads: Some(
                sels.iter()
                    .map(|s| {
                        let s = Selector::parse(s).unwrap();
                        Read::with(s.metric.to_string(), s.matchers.to_vec())
                    })
                    .collect(),
            ),
            names: vec![name],
        }
    }

    #[test]
    fn units_that_read_each_others_series_get_different_colours() {
        let units = [
            unit("A", &[r#"x{job="a"}"#]),
            unit("B", &[r#"x{job="b"}"#]),
            unit("C", &["x"]),
            unit("D", &[r#"y{job="a"}"#, r#"x{job="c"}"#]),
            unit("E", &[r#"x{job="a", code="500"}"#]),
            Unit {
                reads: None,
                names: vec!["F"],
            },
            unit("A", &["z"]),
        ];
        assert_eq!(
            colours(&units, &[]),
            [Some(0), Some(0), Some(1), Some(0), Some(2), None, Some(1)]
        );
    }

    #[test]
    fn a_recording_rule_carries_a_series_to_the_metric_it_writes() {
        let units = [
            unit("A", &[r#"x{job="a"}"#]),
            unit("B", &[r#"job:x:rate5m{job="b"}"#]),
            unit("C", &[r#"other{job="b"}"#]),
        ];
        let writers = [
            Writer {
                reads: Some(vec!["x".into()]),
                writes: "job:x:rate5m",
            },
            Writer {
                reads: Some(vec!["job:x:rate5m".into()]),
                writes: "job:x:rate5m:avg",
            },
        ];
        assert_eq!(colours(&units, &writers), [Some(0), Some(1), Some(0)]);
        assert_eq!(
            written_from("x", &writers),
            ["job:x:rate5m", "job:x:rate5m:avg"]
        );
        let any = [Writer {
            reads: None,
            writes: "other",
        }];
        assert_eq!(colours(&units, &any), [Some(0), Some(0), Some(1)]);
    }
}
