//! The configuration file as read: its display name and text, and the mapping from byte offsets
//! to 1-based line and column that every diagnostic uses.

use std::ops::Range;

/// One input file, kept whole so that diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (shown in `-->` lines).
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The full text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1))
            .map_or("", |l| l.strip_suffix('\r').unwrap_or(l))
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
    fn offsets_past_the_end_clamp() {
        let s = Source::new("m.toml", "ab");
        assert_eq!(s.line_col(99), (1, 3));
    }
}
