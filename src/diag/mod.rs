//! Diagnostics as plain data, and their rendering.
//!
//! A [`Diagnostic`] knows nothing about how it is shown: the same value is rendered for people
//! (rustc style), for machines (JSON) and for GitHub Actions annotations. Every stage pushes into
//! one [`Diags`] list so that a user sees every problem of a run at once.
//!
//! [`source`] holds the text the spans point into, and reads it from a file.

pub mod source;

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::codes::{self, Code};
use source::{Source, Unreadable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in the source with a short note on what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    pub fn at(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The diagnostics of one run, in the order they were found.
impl From<Unreadable> for Diagnostic {
    fn from(u: Unreadable) -> Self {
        Diagnostic::error(codes::UNREADABLE, u.message).help(u.help)
    }
}

#[derive(Debug, Default)]
pub struct Diags {
    list: Vec<Diagnostic>,
}

impl Diags {
    /// Moves every diagnostic of `other` after these.
    pub fn append(&mut self, mut other: Diags) {
        self.list.append(&mut other.list);
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.list.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sorted by position so that output reads top to bottom; diagnostics without a place last.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.list.iter().collect();
        v.sort_by_key(|d| d.primary.as_ref().map_or(usize::MAX, |l| l.span.start));
        v
    }
}

/// Diagnostics of several runs over one source (the top level and each environment), each
/// kept once: same code, message and place.
#[derive(Default)]
pub struct Unique {
    diags: Diags,
    seen: std::collections::HashSet<(&'static str, String, Option<Range<usize>>)>,
}

impl Unique {
    pub fn absorb(&mut self, d: Diags) {
        for x in d.into_vec() {
            let key = (
                x.code.id,
                x.message.clone(),
                x.primary.as_ref().map(|l| l.span.clone()),
            );
            if self.seen.insert(key) {
                self.diags.push(x);
            }
        }
    }

    pub fn into_diags(self) -> Diags {
        self.diags
    }
}

/// Renders one diagnostic the way rustc does, without colour.
/// A value from the configuration as a message quotes it between backticks: as written, with
/// only control characters escaped (`\n`), so that quotes are not shown as `\'`.
pub fn shown(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn render_human(src: &Source, d: &Diagnostic) -> String {
    let mut out = String::new();
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{sev}[{}]: {}", d.code.id, d.message);
    let labels: Vec<(&Label, char)> = d
        .primary
        .iter()
        .map(|l| (l, '^'))
        .chain(d.secondary.iter().map(|l| (l, '-')))
        .collect();
    let width = labels
        .iter()
        .map(|(l, _)| src.place(l.span.start).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let mut file = src.name.as_str();
    if let Some(p) = &d.primary {
        let at = src.place(p.span.start);
        file = at.file;
        let _ = writeln!(out, "{pad}--> {}:{}:{}", at.file, at.line, at.col);
    } else {
        let _ = writeln!(out, "{pad}--> {}", src.name);
    }
    for (label, mark) in &labels {
        let span = src.clamp_span(&label.span);
        let at = src.place(span.start);
        let (line, col) = (at.line, at.col);
        // A label in another file than the one above it names its file, as rustc does.
        if at.file != file {
            file = at.file;
            let _ = writeln!(out, "{pad}::: {}:{line}:{col}", at.file);
        }
        let text = src.line_text_at(span.start);
        // Underline at most to the end of the first line of the span.
        let line_chars = text.chars().count();
        let span_chars = src.text[span.clone()]
            .chars()
            .take_while(|c| *c != '\n')
            .count();
        let len = span_chars.clamp(1, (line_chars + 1).saturating_sub(col).max(1));
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line:>width$} | {text}");
        let _ = writeln!(
            out,
            "{pad} | {}{} {}",
            " ".repeat(col - 1),
            mark.to_string().repeat(len),
            label.message
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} |");
        let mut lines = help.lines();
        let _ = writeln!(out, "{pad} = help: {}", lines.next().unwrap_or(""));
        for l in lines {
            let _ = writeln!(out, "{pad}         {l}");
        }
    }
    out
}

/// Colours rendered human diagnostics for a terminal, as rustc does: the severity in bold red
/// or yellow, the gutter and arrows in blue, the primary marks in the severity's colour, `help`
/// in bold. Only colours are added; the text is unchanged.
pub fn paint(text: &str) -> String {
    const RESET: &str = "\x1b[0m";
    const BLUE: &str = "\x1b[1;34m";
    let mut out = String::with_capacity(text.len() * 2);
    let mut sev = "\x1b[1;31m";
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if let Some(rest) = body.strip_prefix("error") {
            sev = "\x1b[1;31m";
            let _ = write!(out, "{sev}error{}", head(rest));
        } else if let Some(rest) = body.strip_prefix("warning") {
            sev = "\x1b[1;33m";
            let _ = write!(out, "{sev}warning{}", head(rest));
        } else if let Some((gutter, rest)) = split_gutter(body) {
            let _ = write!(out, "{BLUE}{gutter}{RESET}");
            if let Some(help) = rest.strip_prefix(" = help:") {
                let _ = write!(out, " = \x1b[1mhelp{RESET}:{help}");
            } else if rest.trim_start().starts_with('^') || rest.trim_start().starts_with('-') {
                let marks = rest.trim_start();
                let pad = &rest[..rest.len() - marks.len()];
                let end = marks.find(|c| c != '^' && c != '-').unwrap_or(marks.len());
                let color = if marks.starts_with('^') { sev } else { BLUE };
                let _ = write!(out, "{pad}{color}{}{}{RESET}", &marks[..end], &marks[end..]);
            } else {
                out.push_str(rest);
            }
        } else {
            out.push_str(body);
        }
        out.push_str(nl);
    }
    return out;

    /// `[CM123]: message` after the severity: code in the severity's colour, message bold.
    fn head(rest: &str) -> String {
        match rest.split_once(": ") {
            Some((code, msg)) => format!("{code}{RESET}: \x1b[1m{msg}{RESET}"),
            None => format!("{rest}{RESET}"),
        }
    }

    /// `  --> file`, ` 12 | text`, `   |` and `   = help`: the gutter and what follows it.
    fn split_gutter(body: &str) -> Option<(&str, &str)> {
        let t = body.trim_start();
        let indent = body.len() - t.len();
        if t.starts_with("--> ") {
            return Some((&body[..indent + 3], &body[indent + 3..]));
        }
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let after = &t[digits..];
        if after.starts_with(" |") || (digits == 0 && after.starts_with('|')) {
            let at = indent + digits + after.find('|')? + 1;
            return Some((&body[..at], &body[at..]));
        }
        if digits == 0 && after.starts_with("= help:") {
            return Some((&body[..indent - 1], &body[indent - 1..]));
        }
        None
    }
}

/// Renders all diagnostics followed by a one-line tally, as `ccmon validate` prints them.
pub fn render_all_human(src: &Source, diags: &Diags) -> String {
    let mut out = String::new();
    for d in diags.sorted() {
        out.push_str(&render_human(src, d));
        out.push('\n');
    }
    let errors = diags.count(Severity::Error);
    let warnings = diags.count(Severity::Warning);
    if errors + warnings > 0 {
        let _ = writeln!(
            out,
            "{}: {errors} error{}, {warnings} warning{}",
            src.name,
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
    out
}

#[derive(Serialize)]
struct JsonSpan<'a> {
    /// The file of this place: an included file's for its own entries.
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    file: &'a str,
    severity: Severity,
    code: &'static str,
    message: &'a str,
    primary: Option<JsonSpan<'a>>,
    secondary: Vec<JsonSpan<'a>>,
    help: Option<&'a str>,
}

fn json_span<'a>(src: &'a Source, l: &'a Label) -> JsonSpan<'a> {
    let start = src.place(l.span.start);
    let end = src.place(l.span.end.max(l.span.start));
    let (line, column) = (start.line, start.col);
    let (end_line, end_column) = if end.file == start.file {
        (end.line, end.col)
    } else {
        (line, column)
    };
    JsonSpan {
        file: start.file,
        line,
        column,
        end_line,
        end_column,
        label: &l.message,
    }
}

/// One JSON array of every diagnostic, with 1-based positions.
pub fn render_all_json(src: &Source, diags: &Diags) -> String {
    let list: Vec<JsonDiag> = diags
        .sorted()
        .into_iter()
        .map(|d| JsonDiag {
            file: d
                .primary
                .as_ref()
                .map_or(src.name.as_str(), |l| src.place(l.span.start).file),
            severity: d.severity,
            code: d.code.id,
            message: &d.message,
            primary: d.primary.as_ref().map(|l| json_span(src, l)),
            secondary: d.secondary.iter().map(|l| json_span(src, l)).collect(),
            help: d.help.as_deref(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// GitHub Actions workflow commands (`::error file=..,line=..,col=..::message`).
pub fn render_all_github(src: &Source, diags: &Diags) -> String {
    let mut out = String::new();
    for d in diags.sorted() {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut msg = format!("[{}] {}", d.code.id, d.message);
        if let Some(h) = &d.help {
            let _ = write!(msg, " (help: {h})");
        }
        // Workflow commands end at a newline and treat % specially.
        let msg = msg
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        match &d.primary {
            Some(l) => {
                let at = src.place(l.span.start);
                let _ = writeln!(
                    out,
                    "::{kind} file={},line={},col={}::{msg}",
                    at.file, at.line, at.col
                );
            }
            None => {
                let _ = writeln!(out, "::{kind} file={}::{msg}", src.name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn painting_adds_colours_and_nothing_else() {
        let plain = "error[CM303]: no job named `api`\n --> a.toml:3:7\n  |\n3 | job = \"api\"\n  |       ^^^^^ unknown job\n  |\n  = help: declare it\n\nwarning[CM602]: x\n";
        let painted = super::paint(plain);
        assert!(
            painted.contains("\x1b[1;31merror[CM303]\x1b[0m"),
            "{painted:?}"
        );
        assert!(
            painted.contains("\x1b[1;31m^^^^^ unknown job\x1b[0m"),
            "{painted:?}"
        );
        assert!(painted.contains("\x1b[1;33mwarning"), "{painted:?}");
        let stripped = painted
            .split("\x1b[")
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p
                } else {
                    &p[p.find('m').unwrap() + 1..]
                }
            })
            .collect::<String>();
        assert_eq!(stripped, plain);
    }
}
