//! `DIR/.ccmon-manifest` lists every file ccmon wrote with its SHA-256. It is how ccmon knows
//! which files are its own: a file it generated before but no longer produces is removed only
//! when it is unchanged since (a hand-edited one is kept and reported), and a file it never
//! wrote is never removed (`Bundle::hand_written` lets `render` refuse to replace one).
//! `ccmon diff` uses the same manifest to report hand edits as drift.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::bundle::{Bundle, HEADER};

/// The manifest's name inside the output folder.
pub const MANIFEST: &str = ".ccmon-manifest";
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `rel` names a file inside the output folder: relative, every component a plain
/// name (no `..`, `.`, empty component or backslash), and not ccmon's own bookkeeping.
pub fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains(['\\', '\0'])
        && !rel.starts_with(".ccmon")
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// `sha256  path` lines, sorted by path (the `sha256sum` format). A line whose path is not
/// inside the output folder ([`safe_rel`]) is left out: a planted `../victim` must never
/// make ccmon move or delete a file elsewhere.
pub fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    parse_manifest_reporting(text, &mut |_| {})
}

fn parse_manifest_reporting(text: &str, ignored: &mut dyn FnMut(&str)) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  "))
        .filter(|(_, p)| {
            let ok = safe_rel(p);
            if !ok {
                ignored(p);
            }
            ok
        })
        .map(|(h, p)| (p.to_string(), h.to_string()))
        .collect()
}

/// The manifest in `dir`, warning about every line it ignores.
pub fn read_manifest(dir: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(dir.join(MANIFEST))
        .map(|t| {
            parse_manifest_reporting(&t, &mut |p| {
                eprintln!(
                    "warning: ignored `{}` in {}: not a path inside the output folder",
                    p.escape_debug(),
                    dir.join(MANIFEST).display()
                );
            })
        })
        .unwrap_or_default()
}

impl Bundle {
    /// The manifest of this bundle.
    pub fn manifest(&self) -> String {
        let texts: Vec<&String> = self.files.values().collect();
        self.manifest_of(crate::par::map(&texts, |t| sha256_hex(t.as_bytes())))
    }

    /// The manifest from the hashes of the files, in path order.
    pub(super) fn manifest_of(&self, hashes: Vec<String>) -> String {
        let mut out = format!("# {HEADER}\n# sha256  path, one line per file ccmon wrote here\n");
        for (path, hash) in self.files.keys().zip(hashes) {
            out.push_str(&hash);
            out.push_str("  ");
            out.push_str(path);
            out.push('\n');
        }
        out
    }
}
