//! `ccmon diff`: what `render` would change in a folder.
//!
//! Only ccmon's own files count. A file in the folder is ccmon's when the folder's manifest
//! lists it or when it carries the generated-file header; anything else is left out. Files the
//! bundle has and the folder lacks are "added"; ccmon's files the bundle no longer has are
//! "removed". A file whose content no longer matches the hash the manifest recorded when ccmon
//! wrote it was edited by hand: that is "drift", reported by name.
//!
//! `--semantic` compares YAML and JSON as data (key order, quoting, comments and layout do not
//! count), and other text with comment lines and trailing blanks ignored, so that a team moving
//! hand-written configs to ccmon sees only the differences that matter. It reports no drift:
//! a reformatted file is not a change of data, and a change of data shows as a difference.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::bundle::{Bundle, has_header};
use super::manifest::{MANIFEST, read_manifest, sha256_hex};
use super::write::STAGING;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Modified,
    Added,
    Removed,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileDiff {
    pub path: String,
    pub status: Status,
    /// Lines added and removed (for `--semantic`, of the normalized forms).
    pub added: usize,
    pub removed: usize,
    /// Edited by hand since ccmon wrote it.
    pub drift: bool,
    #[serde(skip)]
    pub unified: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub files: Vec<FileDiff>,
    /// Files edited by hand since ccmon wrote them (whether or not they differ from the render).
    pub drift: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.files.is_empty() && self.drift.is_empty()
    }

    pub fn totals(&self) -> (usize, usize, usize) {
        let added = self.files.iter().map(|f| f.added).sum();
        let removed = self.files.iter().map(|f| f.removed).sum();
        (self.files.len(), added, removed)
    }
}

/// Every regular file below `dir` (relative, `/`-separated), leaving out ccmon's bookkeeping
/// and version-control folders.
fn files_in(dir: &Path) -> Result<BTreeSet<String>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) -> Result<()> {
        for e in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let e = e?;
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name == STAGING || name == ".git" {
                continue;
            }
            let ft = e.file_type()?;
            if ft.is_dir() {
                walk(base, &p, out)?;
            } else if ft.is_file() {
                let rel = p.strip_prefix(base).unwrap_or(&p);
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out)?;
    out.remove(MANIFEST);
    Ok(out)
}

/// A YAML or JSON file as data, with map keys sorted, or `None` when it does not parse.
fn as_data(path: &str, text: &str) -> Option<Value> {
    let v: Value = if path.ends_with(".json") {
        serde_json::from_str(text).ok()?
    } else if path.ends_with(".yml") || path.ends_with(".yaml") {
        serde_saphyr::from_str(text).ok()?
    } else {
        return None;
    };
    fn sort(v: Value) -> Value {
        match v {
            Value::Object(m) => {
                let sorted: BTreeMap<String, Value> =
                    m.into_iter().map(|(k, v)| (k, sort(v))).collect();
                Value::Object(sorted.into_iter().collect())
            }
            Value::Array(a) => Value::Array(a.into_iter().map(sort).collect()),
            v => v,
        }
    }
    Some(sort(v))
}

/// The form compared by `--semantic`: data as sorted pretty JSON, other text without comment
/// lines and trailing blanks.
fn normalize(path: &str, text: &str) -> String {
    if let Some(v) = as_data(path, text) {
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut out = String::new();
    for l in text.lines() {
        let t = l.trim_end();
        if t.trim_start().starts_with('#') || t.is_empty() {
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    out
}

fn count(old: &str, new: &str) -> (usize, usize) {
    let d = TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for c in d.iter_all_changes() {
        match c.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

fn unified(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Compares the bundle with the folder.
pub fn compare(bundle: &Bundle, dir: &Path, semantic: bool) -> Result<Report> {
    if !dir.is_dir() {
        bail!("`{}` is not a folder", dir.display());
    }
    compare_listed(bundle, dir, files_in(dir)?, semantic)
}

/// [`compare`] over the files listed (relative to `dir`) instead of every file below it: a
/// server's root, where only the places ccmon writes count.
pub fn compare_listed(
    bundle: &Bundle,
    dir: &Path,
    on_disk: BTreeSet<String>,
    semantic: bool,
) -> Result<Report> {
    let manifest = read_manifest(dir);
    let mut report = Report::default();
    let read = |rel: &str| -> Result<String> {
        let p = dir.join(rel);
        let bytes = fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    // A semantic comparison looks past layout, so a reformatted file is not drift; an edit of
    // the data still shows as a difference.
    for (rel, hash) in manifest.iter().filter(|_| !semantic) {
        if on_disk.contains(rel) {
            let bytes = fs::read(dir.join(rel)).with_context(|| format!("cannot read {rel}"))?;
            if sha256_hex(&bytes) != *hash {
                report.drift.push(rel.clone());
            }
        }
    }
    for (rel, new) in &bundle.files {
        if !on_disk.contains(rel) {
            report.files.push(FileDiff {
                path: rel.clone(),
                status: Status::Added,
                added: new.lines().count(),
                removed: 0,
                drift: false,
                unified: String::new(),
            });
            continue;
        }
        let old = read(rel)?;
        let (old_cmp, new_cmp) = if semantic {
            (normalize(rel, &old), normalize(rel, new))
        } else {
            (old, new.clone())
        };
        if old_cmp == new_cmp {
            continue;
        }
        let (added, removed) = count(&old_cmp, &new_cmp);
        report.files.push(FileDiff {
            path: rel.clone(),
            status: Status::Modified,
            added,
            removed,
            drift: report.drift.contains(rel),
            unified: unified(rel, &old_cmp, &new_cmp),
        });
    }
    for rel in &on_disk {
        if bundle.files.contains_key(rel) {
            continue;
        }
        let text = read(rel)?;
        if manifest.contains_key(rel) || has_header(rel, &text) {
            report.files.push(FileDiff {
                path: rel.clone(),
                status: Status::Removed,
                added: 0,
                removed: text.lines().count(),
                drift: report.drift.contains(rel),
                unified: String::new(),
            });
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Terminal colours, used only when asked for.
struct Paint(bool);

impl Paint {
    fn line(&self, l: &str) -> String {
        if !self.0 {
            return l.to_string();
        }
        let code = if l.starts_with("+++") || l.starts_with("---") {
            "1"
        } else if l.starts_with('+') {
            "32"
        } else if l.starts_with('-') {
            "31"
        } else if l.starts_with("@@") {
            "36"
        } else {
            return l.to_string();
        };
        format!("\x1b[{code}m{l}\x1b[0m")
    }
}

fn summary(r: &Report) -> String {
    let (files, added, removed) = r.totals();
    let mut s = format!(
        "{files} file{} changed, {added} insertion{}(+), {removed} deletion{}(-)",
        if files == 1 { "" } else { "s" },
        if added == 1 { "" } else { "s" },
        if removed == 1 { "" } else { "s" },
    );
    if !r.drift.is_empty() {
        let _ = write!(s, ", {} edited by hand", r.drift.len());
    }
    s
}

/// Unified diffs, then added/removed files and drift, then the one-line summary.
pub fn render_human(r: &Report, color: bool) -> String {
    if r.is_clean() {
        return String::new();
    }
    let paint = Paint(color);
    let mut out = String::new();
    for f in r.files.iter().filter(|f| f.status == Status::Modified) {
        for l in f.unified.lines() {
            out.push_str(&paint.line(l));
            out.push('\n');
        }
    }
    for f in &r.files {
        match f.status {
            Status::Added => {
                let _ = writeln!(
                    out,
                    "added:   {} ({} lines ccmon would write)",
                    f.path, f.added
                );
            }
            Status::Removed => {
                let _ = writeln!(out, "removed: {} (ccmon no longer generates it)", f.path);
            }
            Status::Modified => {}
        }
    }
    for d in &r.drift {
        let _ = writeln!(out, "drift:   {d} was edited by hand since ccmon wrote it");
    }
    out.push_str(&summary(r));
    out.push('\n');
    out
}

/// `path | N ++--` per file, like `git diff --stat`, and the summary.
pub fn render_stat(r: &Report, color: bool) -> String {
    if r.is_clean() {
        return String::new();
    }
    let width = r.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let mut out = String::new();
    for f in &r.files {
        let n = f.added + f.removed;
        // At most 40 marks, in proportion.
        let scale = |k: usize| if n <= 40 { k } else { (k * 40).div_ceil(n) };
        let plus = "+".repeat(scale(f.added));
        let minus = "-".repeat(scale(f.removed));
        let (plus, minus) = if color {
            (
                format!("\x1b[32m{plus}\x1b[0m"),
                format!("\x1b[31m{minus}\x1b[0m"),
            )
        } else {
            (plus, minus)
        };
        let note = match f.status {
            Status::Added => " (added)",
            Status::Removed => " (removed)",
            Status::Modified => "",
        };
        let _ = writeln!(out, " {:width$} | {n:>4} {plus}{minus}{note}", f.path);
    }
    for d in &r.drift {
        let _ = writeln!(out, " {d} was edited by hand since ccmon wrote it");
    }
    let _ = writeln!(out, " {}", summary(r));
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    files: &'a [FileDiff],
    drift: &'a [String],
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    files_changed: usize,
    insertions: usize,
    deletions: usize,
}

pub fn render_json(r: &Report) -> String {
    let (files_changed, insertions, deletions) = r.totals();
    let mut s = serde_json::to_string_pretty(&JsonReport {
        files: &r.files,
        drift: &r.drift,
        summary: JsonSummary {
            files_changed,
            insertions,
            deletions,
        },
    })
    .unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semantic_form_ignores_order_quoting_and_comments() {
        let a = "# c\nb: 1\na: 'x'\n";
        let b = "a: x\nb: 1\n";
        assert_eq!(normalize("f.yml", a), normalize("f.yml", b));
        assert_eq!(
            normalize("n.conf", "# x\nlisten 80;  \n\n"),
            normalize("n.conf", "listen 80;\n")
        );
    }
}
