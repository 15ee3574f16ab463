//! Writing a bundle into an output folder, all or nothing.
//!
//! Every file is first written under `DIR/.ccmon-staging/`; the staging manifest, written
//! last, is the commit point. Only then are the files renamed into place. A render killed
//! before the commit point leaves the old output untouched (the next run discards the staging
//! folder); one killed after it is completed by the next run. Stale files (ccmon wrote them
//! before and no longer produces them) are removed only when unchanged since (see
//! [`super::manifest`]).

use std::fs;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::bundle::{Bundle, has_header};
use super::manifest::{MANIFEST, parse_manifest, read_manifest, safe_rel, sha256_hex};

/// The staging folder's name inside the output folder.
pub const STAGING: &str = ".ccmon-staging";
/// Inside the staging folder: the stale files the commit removes (`sha256  path`, as written).
const REMOVALS: &str = ".ccmon-remove";

/// What a write did besides writing the bundle's files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files ccmon wrote before and no longer produces, removed because unchanged.
    pub removed: Vec<String>,
    /// Files ccmon wrote before and no longer produces, kept because edited since.
    pub kept_edited: Vec<String>,
    /// Whether an interrupted earlier render was completed first.
    pub recovered: bool,
    /// Files whose content changed (or that are new), written.
    pub changed: Vec<String>,
    /// Files already holding exactly the bytes of the render: not touched (same inode, same
    /// modification time), so that file watchers, `rsync` and an apply step see no change.
    pub unchanged: usize,
}

/// `dir/rel`, after making sure that no component below `dir` is a symbolic link (which
/// could lead a write, move or removal out of the output folder).
fn inside(dir: &Path, rel: &str) -> Result<std::path::PathBuf> {
    if !safe_rel(rel) {
        bail!("refusing `{rel}`: not a path inside {}", dir.display());
    }
    let mut p = dir.to_path_buf();
    for c in rel.split('/') {
        p.push(c);
        if fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "refusing to write through {}: it is a symbolic link, which could lead outside {}",
                p.display(),
                dir.display()
            );
        }
    }
    Ok(p)
}

/// The staging folder, which must be a real folder of `dir` (not a link to elsewhere).
fn staging_of(dir: &Path) -> Result<std::path::PathBuf> {
    let staging = dir.join(STAGING);
    if fs::symlink_metadata(&staging).is_ok_and(|m| !m.is_dir()) {
        bail!(
            "{} is not a folder ccmon made (a link or a file): remove it",
            staging.display()
        );
    }
    Ok(staging)
}

impl Bundle {
    /// What a render would replace that is not ccmon's to replace: files ccmon did not write
    /// (not in the manifest, without the generated-file header, and different from what would
    /// replace them), and files it wrote that were edited by hand since (their
    /// bytes no longer match the manifest). Both lists are in path order.
    ///
    /// A file listed in the manifest and not modified since the manifest was written is
    /// ccmon's as it wrote it, and is not read: on a large output, reading and hashing every
    /// file would cost more than the render. Only the others are read and hashed.
    pub fn hand_written(&self, dir: &Path) -> (Vec<String>, Vec<String>) {
        let manifest = read_manifest(dir);
        let written_at = fs::metadata(dir.join(MANIFEST))
            .and_then(|m| m.modified())
            .ok();
        let (mut foreign, mut edited) = (Vec::new(), Vec::new());
        for (rel, text) in &self.files {
            let path = dir.join(rel);
            let untouched = manifest.contains_key(rel)
                && written_at.is_some_and(|w| {
                    fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|m| m <= w)
                });
            if untouched {
                continue;
            }
            let Ok(old) = fs::read(&path) else {
                continue;
            };
            if old == text.as_bytes() {
                continue;
            }
            match manifest.get(rel) {
                Some(hash) if *hash != sha256_hex(&old) => edited.push(rel.clone()),
                Some(_) => {}
                None if !has_header(rel, &String::from_utf8_lossy(&old)) => {
                    foreign.push(rel.clone());
                }
                None => {}
            }
        }
        (foreign, edited)
    }

    /// Writes the bundle into `dir` all or nothing (see the module documentation).
    pub fn write_to(&self, dir: &Path) -> Result<WriteReport> {
        for rel in self.files.keys() {
            if !safe_rel(rel) {
                bail!("ccmon bug: output path `{rel}` escapes the output folder");
            }
            // Before anything is staged: a link found only at the commit would stop it half-way.
            inside(dir, rel)?;
        }
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
        let mut report = WriteReport {
            recovered: recover(dir)?,
            ..WriteReport::default()
        };
        let old = read_manifest(dir);
        // A file that already holds the render's bytes is left alone; the others are staged.
        let same: std::collections::HashSet<&str> = self
            .files
            .iter()
            .filter(|(rel, text)| {
                inside(dir, rel)
                    .ok()
                    .and_then(|p| fs::read(p).ok())
                    .is_some_and(|b| b == text.as_bytes())
            })
            .map(|(rel, _)| rel.as_str())
            .collect();
        report.changed = self
            .files
            .keys()
            .filter(|rel| !same.contains(rel.as_str()))
            .cloned()
            .collect();
        report.unchanged = same.len();
        let stale_any = old.keys().any(|rel| !self.files.contains_key(rel));
        if report.changed.is_empty() && !stale_any {
            let hashes = self
                .files
                .values()
                .map(|t| sha256_hex(t.as_bytes()))
                .collect();
            let manifest = self.manifest_of(hashes);
            if fs::read(dir.join(MANIFEST)).is_ok_and(|m| m == manifest.as_bytes()) {
                return Ok(report);
            }
        }
        let staging = staging_of(dir)?;
        // Hashed on one core while written on the other, one file after the other (on this
        // project's machine two writers at once were never faster, and in a plain test took
        // 0.24 s for what took 0.03 s in turn); then all synced at once, so that the
        // filesystem commits them together instead of one journal commit per file.
        let hashes = std::thread::scope(|s| {
            let hashes = s.spawn(|| {
                self.files
                    .values()
                    .map(|t| sha256_hex(t.as_bytes()))
                    .collect::<Vec<_>>()
            });
            let mut written = Vec::with_capacity(self.files.len());
            for (rel, text) in &self.files {
                if same.contains(rel.as_str()) {
                    continue;
                }
                let path = inside(&staging, rel)?;
                written.push((write_unsynced(&path, text.as_bytes())?, path));
            }
            sync_all_at_once(&written)?;
            Ok::<_, anyhow::Error>(
                hashes
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        })?;
        // What ccmon wrote before and no longer produces: removed by the commit, so that a
        // render killed after the commit point still cleans up when the next run finishes it.
        let stale: String = old
            .iter()
            .filter(|(rel, _)| !self.files.contains_key(*rel))
            .map(|(rel, hash)| format!("{hash}  {rel}\n"))
            .collect();
        write_synced(&staging.join(REMOVALS), stale.as_bytes())?;
        // The commit point: from here on the new output is complete on disk.
        write_synced(&staging.join(MANIFEST), self.manifest_of(hashes).as_bytes())?;
        let (removed, kept_edited) = commit(dir)?;
        report.removed = removed;
        report.kept_edited = kept_edited;
        Ok(report)
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let f = write_unsynced(path, bytes)?;
    f.sync_all()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Creates `path` with `bytes`; the file still has to be synced.
fn write_unsynced(path: &Path, bytes: &[u8]) -> Result<fs::File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    let mut f =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    // In pieces: one write of tens of megabytes took the kernel ten times longer than the
    // same bytes a few megabytes at a time (measured here on ext4: 200 ms against 20 ms).
    bytes
        .chunks(4 << 20)
        .try_for_each(|piece| f.write_all(piece))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(f)
}

/// Syncs every file, each on its own thread: the waits overlap.
fn sync_all_at_once(files: &[(fs::File, std::path::PathBuf)]) -> Result<()> {
    std::thread::scope(|s| {
        let syncs: Vec<_> = files
            .iter()
            .map(|(f, path)| {
                s.spawn(move || {
                    f.sync_all()
                        .with_context(|| format!("cannot write {}", path.display()))
                })
            })
            .collect();
        syncs
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}

/// Finishes or discards what an interrupted render left; true when it finished one.
fn recover(dir: &Path) -> Result<bool> {
    let staging = staging_of(dir)?;
    if !staging.exists() {
        return Ok(false);
    }
    if staging.join(MANIFEST).is_file() {
        let (_removed, kept) = commit(dir)?;
        for k in kept {
            eprintln!("warning: kept {k}: ccmon no longer generates it, but it was edited by hand");
        }
        return Ok(true);
    }
    fs::remove_dir_all(&staging)
        .with_context(|| format!("cannot remove unfinished {}", staging.display()))?;
    Ok(false)
}

/// Moves every staged file into place, removes the stale files that are unchanged since ccmon
/// wrote them, moves the manifest last, then removes the staging folder. Every step can be
/// repeated after a kill. Returns the stale files removed and those kept because edited.
fn commit(dir: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let staging = staging_of(dir)?;
    let staged = read_manifest(&staging);
    for rel in staged.keys() {
        let from = inside(&staging, rel)?;
        if !from.exists() {
            continue;
        }
        let to = inside(dir, rel)?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create folder {}", parent.display()))?;
        }
        fs::rename(&from, &to).with_context(|| format!("cannot replace {}", to.display()))?;
    }
    let (mut removed, mut kept) = (Vec::new(), Vec::new());
    let stale = fs::read_to_string(staging.join(REMOVALS)).unwrap_or_default();
    for (rel, hash) in parse_manifest(&stale) {
        let path = inside(dir, &rel)?;
        match fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == hash => {
                fs::remove_file(&path)
                    .with_context(|| format!("cannot remove stale {}", path.display()))?;
                // Folders the removal left empty go too (`filebeat/` once logs are off),
                // never `dir` itself; a folder that holds anything else stays.
                let mut parent = path.parent();
                while let Some(p) = parent.filter(|p| *p != dir && p.starts_with(dir)) {
                    if fs::remove_dir(p).is_err() {
                        break;
                    }
                    parent = p.parent();
                }
                removed.push(rel);
            }
            Ok(_) => kept.push(rel),
            Err(_) => {}
        }
    }
    fs::rename(staging.join(MANIFEST), dir.join(MANIFEST))
        .with_context(|| format!("cannot write {}", dir.join(MANIFEST).display()))?;
    fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", staging.display()))?;
    Ok((removed, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("ccmon-bundle-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn bundle(v: &str) -> Bundle {
        let mut b = Bundle::default();
        b.add("a/one.yml", format!("one {v}\n"));
        b.add("two.conf", format!("two {v}\n"));
        b
    }

    #[test]
    fn staging_without_commit_point_is_discarded_and_old_files_stay() {
        let d = tmp("discard");
        bundle("old").write_to(&d).unwrap();
        // A render killed before its commit point: staged files, no staged manifest.
        write_synced(&d.join(STAGING).join("a/one.yml"), b"one half\n").unwrap();
        assert_eq!(
            fs::read_to_string(d.join("a/one.yml")).unwrap(),
            "one old\n"
        );
        let r = bundle("new").write_to(&d).unwrap();
        assert!(!r.recovered);
        assert_eq!(
            fs::read_to_string(d.join("a/one.yml")).unwrap(),
            "one new\n"
        );
        assert!(!d.join(STAGING).exists());
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn staging_past_commit_point_is_completed_by_the_next_write() {
        let d = tmp("complete");
        bundle("old").write_to(&d).unwrap();
        let new = bundle("new");
        for (rel, text) in &new.files {
            write_synced(&d.join(STAGING).join(rel), text.as_bytes()).unwrap();
        }
        write_synced(&d.join(STAGING).join(MANIFEST), new.manifest().as_bytes()).unwrap();
        // Killed after renaming one file of two.
        fs::rename(d.join(STAGING).join("two.conf"), d.join("two.conf")).unwrap();
        let r = new.write_to(&d).unwrap();
        assert!(r.recovered);
        assert_eq!(
            fs::read_to_string(d.join("a/one.yml")).unwrap(),
            "one new\n"
        );
        assert_eq!(fs::read_to_string(d.join("two.conf")).unwrap(), "two new\n");
        assert_eq!(
            fs::read_to_string(d.join(MANIFEST)).unwrap(),
            new.manifest()
        );
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn stale_files_are_removed_even_when_the_render_was_killed_after_its_commit_point() {
        let d = tmp("stale-kill");
        let mut old = bundle("old");
        old.add("gone.yml", "gone\n".into());
        old.write_to(&d).unwrap();
        let new = bundle("new");
        for (rel, text) in &new.files {
            write_synced(&d.join(STAGING).join(rel), text.as_bytes()).unwrap();
        }
        let stale = format!("{}  gone.yml\n", sha256_hex(b"gone\n"));
        write_synced(&d.join(STAGING).join(REMOVALS), stale.as_bytes()).unwrap();
        write_synced(&d.join(STAGING).join(MANIFEST), new.manifest().as_bytes()).unwrap();
        // Killed here; the next render (of the same bundle) finishes the job.
        let r = new.write_to(&d).unwrap();
        assert!(r.recovered);
        assert!(!d.join("gone.yml").exists(), "stale file left behind");
        assert_eq!(
            fs::read_to_string(d.join(MANIFEST)).unwrap(),
            new.manifest()
        );
        let _ = fs::remove_dir_all(&d);
    }

    /// A file no longer generated takes its emptied folder with it; a folder that holds a
    /// file of someone else's stays.
    #[test]
    fn a_folder_emptied_by_a_removal_is_removed() {
        let d = tmp("empty-folder");
        let mut old = bundle("old");
        old.add("filebeat/filebeat.yml", "x\n".into());
        old.add("grafana/dashboards/a.json", "{}\n".into());
        old.write_to(&d).unwrap();
        fs::write(d.join("grafana/dashboards/mine.json"), "{}\n").unwrap();
        let r = bundle("new").write_to(&d).unwrap();
        assert_eq!(
            r.removed,
            ["filebeat/filebeat.yml", "grafana/dashboards/a.json"]
        );
        assert!(!d.join("filebeat").exists(), "empty filebeat/ left behind");
        assert!(d.join("grafana/dashboards/mine.json").exists());
        assert!(d.exists());
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn refuses_paths_outside_the_folder() {
        let d = tmp("escape");
        let mut b = Bundle::default();
        b.add("../evil", String::new());
        assert!(b.write_to(&d).is_err());
        let _ = fs::remove_dir_all(&d);
    }
}
