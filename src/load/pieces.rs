//! A large TOML document parsed in pieces, on every core.
//!
//! `toml` lexes a whole document into tokens and parser events before it builds the table:
//! about twenty bytes of memory for each byte of text, all alive at once, on one core. A large
//! config is mostly a long run of `[[alert]]` tables, so its text is cut just before such
//! headers into pieces of about [`PIECE`] bytes; the pieces are parsed on every core, their
//! spans moved to where the piece starts, and their tables joined.
//!
//! The join is exact or it is not done. A piece may only append to an array of tables that a
//! `[[key]]` header before it opened, or add a top-level key no earlier piece has. Anything
//! else (a piece that does not parse, a table two pieces both define, an array that a header
//! did not open), and the whole text is parsed at once instead, so that errors, and what
//! a valid document means, are exactly those of the one-piece parse.

use std::collections::HashSet;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Bytes of text per piece: small enough that a piece's tokens stay small, large enough that
/// joining costs little.
pub const PIECE: usize = 256 * 1024;

/// A parsed document.
pub struct Parsed<'t, R> {
    pub table: Spanned<DeTable<'t>>,
    /// Syntax errors, from a parse of the whole text.
    pub errors: Vec<toml::de::Error>,
    /// The elements of the extracted array (see [`parse_extracting`]) that `table` does not
    /// hold, converted, in document order after the table's own: one run per piece, so that
    /// large elements are moved once, into their final place, by the caller.
    pub more: Vec<Vec<R>>,
}

/// Extracts the elements of an array of tables from the pieces while they are parsed.
pub type Extract<'x, 't, R> = (
    &'x str,
    &'x (dyn Fn(Spanned<DeValue<'t>>) -> Option<R> + Sync),
);

/// Parses a document: its table, or the syntax errors of a parse of the whole text.
pub fn parse(text: &str) -> (Spanned<DeTable<'_>>, Vec<toml::de::Error>) {
    let p = parse_in::<()>(text, PIECE, None);
    (p.table, p.errors)
}

/// [`parse`] of a text that starts at byte `at` of a larger one (an included file after the
/// stack's): spans, the errors' too, count from the larger text's start. Errors are (message,
/// span).
pub fn parse_at(
    text: &str,
    at: usize,
) -> (Spanned<DeTable<'_>>, Vec<(String, std::ops::Range<usize>)>) {
    let (table, errors) = parse(text);
    let span = shift(table.span(), at);
    let table = Spanned::new(span, shift_table(table.into_inner(), at));
    let errors = errors
        .into_iter()
        .map(|e| {
            (
                e.message().trim().to_string(),
                shift(e.span().unwrap_or(0..0), at),
            )
        })
        .collect();
    (table, errors)
}

/// Like [`parse`], but the elements of array `key` in every piece after the first are handed
/// to `convert` on the piece's core (the table keeps the first piece's). When `convert`
/// refuses one, nothing is extracted: the table is the whole document's.
pub fn parse_extracting<'t, R: Send>(
    text: &'t str,
    key: &str,
    convert: &(dyn Fn(Spanned<DeValue<'t>>) -> Option<R> + Sync),
) -> Parsed<'t, R> {
    parse_in(text, PIECE, Some((key, convert)))
}

fn parse_in<'t, R: Send>(
    text: &'t str,
    piece: usize,
    extract: Option<Extract<'_, 't, R>>,
) -> Parsed<'t, R> {
    if text.len() >= 2 * piece {
        let headers = headers(text);
        let cuts = cuts(&headers, piece);
        if !cuts.is_empty()
            && let Some((table, more)) = joined(text, &headers, &cuts, extract)
        {
            return Parsed {
                table,
                errors: Vec::new(),
                more,
            };
        }
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    Parsed {
        table,
        errors,
        more: Vec::new(),
    }
}

/// An array-of-tables header `[[key]]` with a bare key, on a line of its own.
#[derive(Debug, PartialEq)]
struct Header<'t> {
    /// Where its line starts.
    at: usize,
    key: &'t str,
}

/// Every `[[key]]` header line outside strings and comments. Only a bare key counts: a quoted
/// or dotted one is never a cut.
fn headers(text: &str) -> Vec<Header<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        if line_start {
            line_start = false;
            let at = i;
            while i < b.len() && matches!(b[i], b' ' | b'\t') {
                i += 1;
            }
            if let Some(h) = header_at(text, at, i) {
                out.push(h);
            }
            continue;
        }
        match b[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => i = string_end(b, i + 3, b"\"\"\"", true),
            b'\'' if b[i..].starts_with(b"'''") => i = string_end(b, i + 3, b"'''", false),
            b'"' => i = string_end(b, i + 1, b"\"", true),
            b'\'' => i = string_end(b, i + 1, b"'", false),
            _ => i += 1,
        }
    }
    out
}

/// A header `[[key]]` at `i` (its line starts at `at`), followed only by blanks or a comment.
fn header_at(text: &str, at: usize, i: usize) -> Option<Header<'_>> {
    let rest = text[i..].strip_prefix("[[")?;
    let len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
        .count();
    let key = &rest[..len];
    // A bare word that is also a TOML value (`[[true]]` is an array in an array) is never
    // taken for a header; an identifier cannot be a value, so `[[alert]]` inside an array
    // is an error that sends the text to the whole parse.
    if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || matches!(key, "true" | "false" | "inf" | "nan")
    {
        return None;
    }
    let after = rest[len..].strip_prefix("]]")?;
    let after = after.trim_start_matches([' ', '\t']);
    let ends = after.is_empty() || after.starts_with(['\n', '#']) || after.starts_with("\r\n");
    ends.then_some(Header { at, key })
}

/// The index just past the string whose body starts at `i` and ends with `close`. A single-line
/// string ends at the end of its line too; an unclosed one at the end of the text.
fn string_end(b: &[u8], mut i: usize, close: &[u8], escapes: bool) -> usize {
    let multiline = close.len() == 3;
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if !multiline && b[i] == b'\n' {
            return i;
        }
        if b[i..].starts_with(close) {
            i += close.len();
            // `""""` and `"""""` close with one or two quotes inside.
            if multiline {
                let q = close[0];
                let extra = b[i..].iter().take(2).take_while(|&&c| c == q).count();
                i += extra;
            }
            return i;
        }
        i += 1;
    }
    b.len()
}

/// Where to cut: before headers whose key an earlier header opened, at least `piece` bytes
/// apart.
fn cuts(headers: &[Header<'_>], piece: usize) -> Vec<usize> {
    let mut opened = HashSet::new();
    let mut last = 0;
    let mut out = Vec::new();
    for h in headers {
        if opened.contains(h.key) && h.at - last >= piece {
            out.push(h.at);
            last = h.at;
        }
        opened.insert(h.key);
    }
    out
}

/// The pieces parsed on every core and joined, or `None` when they cannot be joined exactly.
fn joined<'t, R: Send>(
    text: &'t str,
    headers: &[Header<'t>],
    cuts: &[usize],
    extract: Option<Extract<'_, 't, R>>,
) -> Option<(Spanned<DeTable<'t>>, Vec<Vec<R>>)> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    // Each piece, and whether the key to extract was opened by a header before it.
    let pieces: Vec<(usize, usize, bool)> = bounds
        .windows(2)
        .map(|w| {
            let opened = extract.is_some_and(|(key, _)| {
                w[0] > 0 && headers.iter().any(|h| h.at < w[0] && h.key == key)
            });
            (w[0], w[1], opened)
        })
        .collect();
    let parsed = crate::par::map(&pieces, |&(start, end, extract_here)| {
        let (table, errors) = DeTable::parse_recoverable(&text[start..end]);
        if !errors.is_empty() {
            return None;
        }
        let root = table.span();
        let mut table = shift_table(table.into_inner(), start);
        let mut more = Vec::new();
        if let Some((key, convert)) = extract.filter(|_| extract_here)
            && let Some(items) = table.remove(key)
        {
            let DeValue::Array(items) = items.into_inner() else {
                return None;
            };
            for item in items {
                more.push(convert(item)?);
            }
        }
        Some((root, table, more))
    });
    let mut parsed = parsed.into_iter();
    // The document's own span as the first piece has it.
    let (root, mut all, _) = parsed.next()??;
    let mut extracted = Vec::new();
    let mut opened = HashSet::new();
    let mut next_header = headers.iter().peekable();
    for (piece, &(start, _, _)) in parsed.zip(&pieces[1..]) {
        while let Some(h) = next_header.next_if(|h| h.at < start) {
            opened.insert(h.key);
        }
        let (_, table, more) = piece?;
        if !more.is_empty() {
            // Appended to an array of tables the table holds.
            let key = extract.map(|(k, _)| k)?;
            if !matches!(all.get(key).map(|v| v.get_ref()), Some(DeValue::Array(_))) {
                return None;
            }
            extracted.push(more);
        }
        for (key, value) in table {
            let name: &str = key.get_ref();
            match all.get_mut(name) {
                None => {
                    all.insert(key, value);
                }
                Some(have) => match (have.get_mut(), value.into_inner()) {
                    (DeValue::Array(items), DeValue::Array(more)) if opened.contains(name) => {
                        for item in more {
                            items.push(item);
                        }
                    }
                    _ => return None,
                },
            }
        }
    }
    Some((Spanned::new(root, all), extracted))
}

fn shift(s: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    s.start + by..s.end + by
}

fn shift_table(table: DeTable<'_>, by: usize) -> DeTable<'_> {
    table
        .into_iter()
        .map(|(k, v)| {
            let span = shift(k.span(), by);
            (Spanned::new(span, k.into_inner()), shift_value(v, by))
        })
        .collect()
}

fn shift_value(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = shift(v.span(), by);
    let value = match v.into_inner() {
        DeValue::Table(t) => DeValue::Table(shift_table(t, by)),
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|i| shift_value(i, by)).collect()),
        other => other,
    };
    Spanned::new(span, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(text: &str, piece: usize) -> bool {
        let whole = DeTable::parse_recoverable(text);
        let cut = parse_in::<()>(text, piece, None);
        assert!(cut.errors.is_empty() == whole.1.is_empty(), "{text}");
        let (a, b) = (format!("{:?}", cut.table), format!("{:?}", whole.0));
        if a != b {
            let i = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            eprintln!(
                "cut:   {}\nwhole: {}",
                &a[i.saturating_sub(200)..(i + 200).min(a.len())],
                &b[i.saturating_sub(200)..(i + 200).min(b.len())]
            );
        }
        a == b
    }

    #[test]
    fn pieces_join_into_the_whole_parse_spans_included() {
        let synth = crate::synth::generate(20, 300);
        assert!(cuts(&headers(&synth), 2048).len() > 10);
        assert!(same(&synth, 2048));
        let example = include_str!("../../examples/claude-code/monitoring.toml");
        assert!(!cuts(&headers(example), 512).is_empty());
        assert!(same(example, 512));
    }

    #[test]
    fn extracted_elements_follow_the_tables_own_in_document_order() {
        let synth = crate::synth::generate(20, 300);
        let whole = DeTable::parse_recoverable(&synth).0.into_inner();
        let elements = |t: &DeTable<'_>| match t.get("alert").map(|v| v.get_ref()) {
            Some(DeValue::Array(a)) => a.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let debug = |v: Spanned<DeValue<'_>>| Some(format!("{v:?}"));
        let p = parse_in(&synth, 2048, Some(("alert", &debug)));
        assert!(p.errors.is_empty() && p.more.iter().map(Vec::len).sum::<usize>() > 100);
        let mut all = elements(p.table.get_ref());
        all.extend(p.more.into_iter().flatten());
        assert_eq!(all, elements(&whole));
        // A refusal: nothing extracted, the whole document's table.
        let picky =
            |v: Spanned<DeValue<'_>>| (!format!("{v:?}").contains("Synth000250")).then_some(());
        let p = parse_in(&synth, 2048, Some(("alert", &picky)));
        assert!(p.more.is_empty());
        assert_eq!(format!("{:?}", p.table.get_ref()), format!("{whole:?}"));
    }

    #[test]
    fn headers_inside_strings_and_comments_are_not_cuts() {
        let text = "a = 1\n[[alert]]\nx = \"\"\"\n[[alert]]\n\"\"\"\ny = '''\n[[alert]]\n'''\n\
                    # [[alert]]\nz = \"[[alert]]\"\nw = \"\"\"\"\"\"\"\n[[alert]] # c\n  [[alert]]\n\
                    [[a.b]]\n[[\"q\"]]\n[[alert]]x\n";
        let at: Vec<&str> = headers(text).iter().map(|h| &text[h.at..]).collect();
        assert_eq!(at.len(), 3, "{at:?}");
        assert!(at[0].starts_with("[[alert]]\nx"));
        assert!(at[1].starts_with("[[alert]] # c"));
        assert!(at[2].starts_with("  [[alert]]\n[[a.b]]"));
    }

    #[test]
    fn what_cannot_be_joined_exactly_is_parsed_whole() {
        let alert = |i: usize| format!("[[alert]]\nname = \"A{i}\"\n");
        let many: String = (0..40).map(alert).collect();
        // A table defined twice: the one-piece parse's error, not a silent merge.
        let twice = format!("[d]\nx = 1\n{many}[d]\ny = 2\n{many}");
        let errors = parse_in::<()>(&twice, 64, None).errors;
        assert!(!errors.is_empty());
        // A static array cannot be appended to by a later header.
        let fixed = format!("alert = [{{ name = \"S\" }}]\n{many}");
        assert!(!parse_in::<()>(&fixed, 64, None).errors.is_empty());
        // A syntax error in one piece: positions as in the whole parse.
        let broken = format!("{many}[[alert]]\nname = \n{many}");
        let (whole, cut) = (
            DeTable::parse_recoverable(&broken).1,
            parse_in::<()>(&broken, 64, None).errors,
        );
        assert_eq!(format!("{whole:?}"), format!("{cut:?}"));
        assert!(!cut.is_empty());
        // `[[true]]` inside a multi-line array is a value, not a header: a later real
        // `[[true]]` must not be appended to the static array `true`.
        let filler: String = (0..40).map(|i| format!("[[t]]\nn = {i}\n")).collect();
        let tricky = format!("true = [{{a = 1}}]\nx = [\n[[true]]\n]\n{filler}[[true]]\nb = 2\n");
        let (whole, cut) = (
            DeTable::parse_recoverable(&tricky).1,
            parse_in::<()>(&tricky, 64, None).errors,
        );
        assert!(!whole.is_empty());
        assert_eq!(format!("{whole:?}"), format!("{cut:?}"));
        // Sub-tables of the last element stay with it.
        let nested: String = (0..40)
            .map(|i| format!("{}[alert.labels]\nteam = \"t{i}\"\n", alert(i)))
            .collect();
        assert!(same(&nested, 64));
    }
}
