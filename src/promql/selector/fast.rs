//! The fast path: a strict scanner that reads the ordinary selectors without `promql-parser`.
//!
//! It vouches only for what the parser certainly accepts (bare names that are no keyword of
//! the parser's lexer, known operators, well-formed `"` or `'` strings, regexes that build);
//! anything unusual (comments, quoted names, `__name__`, trailing commas, empty braces,
//! backquoted strings) returns `None`, which means only "ask the parser". Property tests in
//! `check::promql` hold it to the parser on generated selectors.

use super::{LabelMatcher, MatchOp, Selector};

/// Words the PromQL lexer reads as keywords, in any case: the list of the lexer of
/// promql-parser 0.11.1, the exact version `Cargo.toml` pins. A name spelled like one is left
/// to the parser.
pub const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "atan2",
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "group",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "count_values",
    "quantile",
    "limitk",
    "limit_ratio",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "smoothed",
    "anchored",
    "fill",
    "fill_left",
    "fill_right",
    "start",
    "end",
    "inf",
    "nan",
];

/// Whether the lexer reads `name` as a keyword.
pub fn keyword(name: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// The index just past the string literal that opens at `start`, escapes honoured.
pub fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            // promql-parser's lexer honours `\` in backquoted strings too.
            b'\\' => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `s` as a selector the parser certainly accepts, or `None` (ask the parser).
pub fn scan(s: &str) -> Option<Selector> {
    let s = s.trim();
    let b = s.as_bytes();
    let ident = |from: usize, colon: bool| {
        b[from..]
            .iter()
            .enumerate()
            .take_while(|&(n, &c)| {
                c.is_ascii_alphabetic()
                    || c == b'_'
                    || (colon && c == b':')
                    || (n > 0 && c.is_ascii_digit())
            })
            .count()
    };
    let blanks = |from: usize| {
        from + b[from..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            .count()
    };
    let name_len = ident(0, true);
    if name_len == 0 || keyword(&s[..name_len]) {
        return None;
    }
    let mut matchers = Vec::new();
    let done = |matchers: Vec<LabelMatcher>| Selector {
        text: s.into(),
        metric: s[..name_len].into(),
        matchers: matchers.into(),
        sure: true,
    };
    let mut i = blanks(name_len);
    if i == b.len() {
        return Some(done(matchers));
    }
    if b[i] != b'{' {
        return None;
    }
    i += 1;
    loop {
        i = blanks(i);
        let label_len = ident(i, false);
        let label = &s[i..i + label_len];
        if label_len == 0 || keyword(label) || label == "__name__" {
            return None;
        }
        i = blanks(i + label_len);
        let op = match b.get(i..i + 2) {
            Some(b"=~") => MatchOp::Re,
            Some(b"!~") => MatchOp::NotRe,
            Some(b"!=") => MatchOp::Ne,
            Some([b'=', c]) if *c != b'=' => MatchOp::Eq,
            _ => return None,
        };
        i = blanks(i + op.as_str().len());
        // Backquoted strings are left to the parser (its lexer reads `\` in them too).
        if !matches!(b.get(i), Some(b'"' | b'\'')) {
            return None;
        }
        let end = string_end(b, i)?;
        let value = promql_parser::util::unquote_string(&s[i..end]).ok()?;
        if matches!(op, MatchOp::Re | MatchOp::NotRe)
            && crate::regexes::parser_error(&value).is_some()
        {
            return None;
        }
        matchers.push(LabelMatcher {
            name: label.into(),
            op,
            value: value.into(),
        });
        i = blanks(end);
        match b.get(i) {
            Some(b',') if b.get(blanks(i + 1)) != Some(&b'}') => i += 1,
            Some(b'}') => return (blanks(i + 1) == b.len()).then(|| done(matchers)),
            _ => return None,
        }
    }
}
