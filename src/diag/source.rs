//! The configuration file as read: its display name and text, and the mapping from byte offsets
//! to 1-based line and column that every diagnostic uses.

use std::ops::Range;

/// One input file, kept whole so that diagnostics can quote it; with the files it includes
/// (`include = [...]`) after it in the same text, each a [`Part`], so that one byte offset
/// names a place in any of them.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (shown in `-->` lines).
    pub name: String,
    pub text: String,
    /// Byte offset of every line's start, computed on first use: rendering n diagnostics of
    /// a large file costs n look-ups, not n scans of the file.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The included files, in the order they were read, each at a line start of `text`.
    parts: Vec<Part>,
    /// What went wrong reading the included files, reported with the configuration's own
    /// diagnostics.
    pub problems: Vec<super::Diagnostic>,
}

/// An included file: its path (relative to the folder the user runs in, as shown) and where
/// its text starts.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub start: usize,
}

/// A place in one of the files of a [`Source`]: the file's name, 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'s> {
    pub file: &'s str,
    pub line: usize,
    pub col: usize,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            parts: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Appends an included file; its offsets follow the text before it.
    pub fn push_part(&mut self, name: impl Into<String>, text: &str) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.parts.push(Part {
            name: name.into(),
            start: self.text.len(),
        });
        self.text.push_str(text);
        self.line_starts = std::sync::OnceLock::new();
    }

    /// The included files, each with the range of `text` it holds.
    pub fn parts(&self) -> impl Iterator<Item = (&str, Range<usize>)> {
        self.parts.iter().enumerate().map(|(i, p)| {
            let end = self.parts.get(i + 1).map_or(self.text.len(), |n| n.start);
            (p.name.as_str(), p.start..end)
        })
    }

    /// The text of the configuration file itself, without the files it includes.
    pub fn main_text(&self) -> &str {
        &self.text[..self.parts.first().map_or(self.text.len(), |p| p.start)]
    }

    /// The file an offset falls in: its name and the offset its text starts at.
    fn file_of(&self, offset: usize) -> (&str, usize) {
        match self.parts.partition_point(|p| p.start <= offset) {
            0 => (&self.name, 0),
            i => (&self.parts[i - 1].name, self.parts[i - 1].start),
        }
    }

    /// The file, line and column of an offset, counted in its own file.
    pub fn place(&self, offset: usize) -> Place<'_> {
        let offset = self.clamp(offset);
        let (file, start) = self.file_of(offset);
        let (line, col) = self.line_col(offset);
        let first = if start == 0 {
            1
        } else {
            self.line_col(start).0
        };
        Place {
            file,
            line: line - first + 1,
            col,
        }
    }

    /// The place of a 1-based line of the whole text (all its files one after the other).
    pub fn place_of_line(&self, line: usize) -> Place<'_> {
        let starts = self.line_starts();
        let offset = starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        self.place(offset)
    }

    /// The text of the line an offset is on, without its line ending.
    pub fn line_text_at(&self, offset: usize) -> &str {
        self.line_text(self.line_col(offset).0)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset in the whole text (all its
    /// files one after the other); offsets past the end clamp.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let starts = self.line_starts();
        let line = starts.partition_point(|s| *s <= offset);
        let line_start = starts[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The full text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |e| e - 1);
        let l = &self.text[start..end];
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// Moves an offset back onto a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The span clamped to the text and to character boundaries.
    pub fn clamp_span(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.clamp(span.start);
        let end = self.clamp(span.end.max(start));
        start..end
    }
}

/// The largest configuration read, in bytes (a 100k-alert config is about 30 MB).
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Why a configuration file could not be read: what happened, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub message: String,
    pub help: &'static str,
}

/// Reads a configuration file. A missing, unreadable, oversized or non-UTF-8 file is an
/// [`Unreadable`] (reported as code CM001), never a panic.
pub fn read_source(path: &std::path::Path) -> Result<Source, Unreadable> {
    let name = path.display().to_string();
    let fail = |message: String, help: &'static str| Err(Unreadable { message, help });
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fail(
                format!("there is no `{name}`"),
                "give the path of your configuration, or write a starter one with `ccmon init`",
            );
        }
        Err(e) => return fail(format!("cannot read `{name}`: {e}"), "check the path"),
    };
    if meta.is_dir() {
        return fail(
            format!("`{name}` is a folder, not a configuration file"),
            "name the monitoring.toml inside it",
        );
    }
    if meta.len() > MAX_FILE_SIZE {
        return fail(
            format!(
                "`{name}` is {} bytes, over the limit of {MAX_FILE_SIZE}",
                meta.len()
            ),
            "split the configuration, or check that this is the right file",
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                format!("cannot read `{name}`: {e}"),
                "check the file's permissions",
            );
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            fail(
                format!("`{name}` is not UTF-8: invalid byte at line {line} (byte offset {at})"),
                "TOML files are UTF-8; re-save the file as UTF-8",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let s = Source::new("m.toml", "a = 1\ntitle = \"可用性\" x\n");
        let off = s.text.find('x').unwrap();
        assert_eq!(s.line_col(off), (2, 15));
        assert_eq!(s.line_text(2), "title = \"可用性\" x");
    }

    #[test]
    fn places_are_counted_in_their_own_file() {
        let mut s = Source::new("stack.toml", "a = 1\nb = 2");
        s.push_part("services/x.toml", "[service]\nname = \"x\"\n");
        s.push_part("services/y.toml", "c = 3\n");
        let at = |needle: &str| s.place(s.text.find(needle).unwrap());
        assert_eq!(at("b = 2").file, "stack.toml");
        assert_eq!((at("b = 2").line, at("b = 2").col), (2, 1));
        let p = at("name");
        assert_eq!((p.file, p.line, p.col), ("services/x.toml", 2, 1));
        let p = at("c = 3");
        assert_eq!((p.file, p.line, p.col), ("services/y.toml", 1, 1));
        assert_eq!(s.line_text_at(s.text.find("name").unwrap()), "name = \"x\"");
        assert_eq!(s.main_text(), "a = 1\nb = 2\n");
        let parts: Vec<_> = s.parts().map(|(n, r)| (n, &s.text[r])).collect();
        assert_eq!(parts[1], ("services/y.toml", "c = 3\n"));
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let s = Source::new("m.toml", "ab");
        assert_eq!(s.line_col(99), (1, 3));
    }
}
