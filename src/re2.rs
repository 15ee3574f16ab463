//! Does Go's `regexp` accept a label-matcher regex, and read it as the `regex` crate does?
//!
//! ccmon checks matcher regexes with the `regex` crate, but the programs that run them are Go:
//! Debian 12's Prometheus 2.42 and Alertmanager 0.25 are built with Go 1.19.8. Both compile a
//! value `v` as `^(?:` + v + `)$` (Prometheus 3: `^(?s:` + v + `)$`, which Go accepts and refuses
//! alike), and Prometheus 2.42's PromQL matchers also parse `v` alone with
//! `syntax.Parse(v, syntax.Perl)`. [`check`] therefore runs a port of Go 1.19.8's
//! `regexp/syntax` parser (parse.go, Perl flags) on both forms and refuses what Go refuses:
//!
//! - `(?<name>...)` (Go 1.22 added it), flags other than `i`, `m`, `s`, `U` (`(?x)`, `(?u)`,
//!   `(?R)`), `(?P<name>...)` names outside `[A-Za-z0-9_]`;
//! - repeat counts over 1000 (`a{1001}`, `a{2,1001}`) and nested repeats whose counts multiply
//!   past 1000 (`(a{2}){501}`, `((a{10}){10}){11}`: "invalid repeat count");
//! - a repetition of a repetition (`a**`, `a{2}*`, `a*+`, `a*??`);
//! - Unicode classes other than Go 1.19's general categories, scripts (Unicode 13.0.0) and
//!   `Any`, spelled exactly (`\p{Emoji}`, `\p{Alphabetic}`, `\p{greek}`, `\p{Script=Greek}`,
//!   `\p{LC}`, `\p{Cn}`), and unknown POSIX classes (`[[:foo:]]`);
//! - escapes Go lacks: `\u0041`, `\U...`, `\e`, `\cA`, `\1` (backreferences), `\Z`, `\C`, and any
//!   escaped letter or digit that is not `\a\f\n\r\t\v\d\D\s\S\w\W\b\B\A\z\p\P\x\Q` or octal;
//! - ranges Go reads as out of order (`[a--]`), and unbalanced brackets or parentheses, including
//!   a `)` that closes the wrapper (`a)(b`, which Prometheus 2.42 refuses);
//! - patterns over Go's parser budgets: 3,355,443 instructions by its size estimate ("internal
//!   error", e.g. `(?:a{0}...){1000}`), 33,554,432 class runes, or a tree deeper than 1000.
//!
//! It then refuses what Go accepts but reads differently from the `regex` crate (their messages
//! say "Go reads"), following the crate's own class parser: a `[` inside `[...]` (nested class
//! `[a[bc]]`), `&&`, `--`, `~~` where the crate sees set operations (`[a&&b]`, `[a-z--b]`,
//! `[!--]`), leading `--` before another character (`[--x]`: literals in the crate, a range in
//! Go), `\<` and `\>` (word boundaries), and a `{` that is not a Go repetition (`\b{start}`,
//! `a{ 2 }`, `a{02}`: literal text in Go, a repetition or an error in the crate).
//!
//! Not refused: `\d`, `\w`, `\s`, `\b` are ASCII in Go and Unicode in the `regex` crate (which
//! shows on non-ASCII text, and for `\s` on `\x0B`), `\p{Greek}` is the script in Go and the
//! script extension in the crate, and Go's tables are Unicode 13.0.0. Go accepts a few things the
//! crate refuses (`\Q...\E`, octal `\0`/`\012`, `\x{D800}`, `\p{Cs}`, `\p{^Greek}`, `(?P<1a>x)`,
//! duplicate group names, `[\d-z]`, a literal `{`, `(?)`, and repeats over the crate's size limit
//! such as `\w{300}`).
//!
//! Approximation: the Unicode tables' ranges are not embedded (their rune counts are), and case
//! folding is modelled for ASCII (with `K`/`ſ`) only. That can move Go's size and rune budgets,
//! never a syntax verdict, and only for patterns many kilobytes long: classes mixing several
//! tables, or huge `(?i)` alternations of non-ASCII letters, are refused somewhat early.

use std::collections::HashMap;

/// Whether Go's regexp (RE2 syntax, as Prometheus and Alertmanager compile label-matcher regexes) accepts `re`.
/// Err carries a short human message naming the construct, e.g. "`(?<name>...)` named groups are not in Go 1.19's regexp: write `(?P<name>...)`".
pub fn check(re: &str) -> Result<(), String> {
    let notes = Parser::new(re).parse().map_err(|e| e.describe())?;
    Parser::new(&format!("^(?:{re})$"))
        .parse()
        .map_err(|e| e.describe())?;
    notes.into_iter().next().map_or(Ok(()), Err)
}

/// Go's parser budgets (regexp/syntax/parse.go, Go 1.19.8).
const MAX_SIZE: i64 = (128 << 20) / 40;
const MAX_RUNES: usize = (128 << 20) / 4;
const MAX_HEIGHT: usize = 1000;
const MAX_RUNE: u32 = 0x10FFFF;

/// Go's parse flags that matter here; PERL is what `regexp.Compile` starts from.
const FOLD_CASE: u16 = 1;
const DOT_NL: u16 = 1 << 3;
const ONE_LINE: u16 = 1 << 4;
const NON_GREEDY: u16 = 1 << 5;
const WAS_DOLLAR: u16 = 1 << 8;
const PERL: u16 = (1 << 2) | ONE_LINE | (1 << 6) | (1 << 7);

/// Go's error codes, with Go's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Code {
    InternalError,
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
}

impl Code {
    fn go_text(self) -> &'static str {
        match self {
            Code::InternalError => "regexp/syntax: internal error",
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
        }
    }
}

#[derive(Debug)]
struct GoError {
    code: Code,
    expr: String,
}

fn fail<T>(code: Code, expr: &str) -> Result<T, GoError> {
    Err(GoError {
        code,
        expr: expr.to_string(),
    })
}

impl GoError {
    /// A message for a person, ending with Go's own error code.
    fn describe(&self) -> String {
        let e: String = self.expr.chars().take(40).collect();
        let what = match self.code {
            Code::InvalidPerlOp if e.starts_with("(?<") => {
                "`(?<name>...)` named groups are not in Go 1.19's regexp: write `(?P<name>...)`"
                    .to_string()
            }
            Code::InvalidPerlOp => format!(
                "`{e}` is not in Go's regexp, which has `(?:...)`, `(?P<name>...)` and the flags i, m, s, U only"
            ),
            Code::InvalidRepeatSize => format!(
                "repeat `{e}` is over Go's limit: counts go up to 1000, and nested repeats' counts may multiply to 1000 at most"
            ),
            Code::InvalidRepeatOp => format!(
                "`{e}` repeats a repetition, which Go refuses: group the inner one, as in `(?:a*)*`"
            ),
            Code::MissingRepeatArgument => format!("`{e}` has nothing to repeat"),
            Code::InvalidCharRange if e.starts_with("\\p") || e.starts_with("\\P") => format!(
                "Unicode class `{e}` is not in Go 1.19's tables: general categories (`L`, `Lu`, ...), scripts (`Greek`, `Han`, ...) and `Any`, spelled exactly"
            ),
            Code::InvalidCharRange if e.starts_with("[:") => {
                format!("`{e}` is not a POSIX class Go knows")
            }
            Code::InvalidCharRange => format!("character range `{e}` is invalid in Go"),
            Code::InvalidEscape => format!("escape `{e}` is not in Go's regexp"),
            Code::InvalidNamedCapture => format!(
                "group name in `{e}` is invalid in Go: use letters, digits and `_`"
            ),
            Code::InternalError => "the pattern is too large for Go's regexp (over 3,355,443 instructions by Go 1.19's estimate, or 33,554,432 class runes)".to_string(),
            Code::NestingDepth => "the pattern nests too deeply for Go's regexp (over 1000 levels)".to_string(),
            Code::MissingBracket => format!("missing `]` after `{e}`"),
            Code::MissingParen => "missing `)` (an unterminated `\\Q` quotes the rest)".to_string(),
            Code::UnexpectedParen => "unexpected `)`".to_string(),
            Code::TrailingBackslash => "trailing `\\`".to_string(),
        };
        format!("{what} (Go: {})", self.code.go_text())
    }
}

/// Go's `syntax.Op`, in Go's order (the parser compares ops).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    #[default]
    NoMatch,
    EmptyMatch,
    Literal,
    CharClass,
    AnyCharNotNL,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture,
    Star,
    Plus,
    Quest,
    Repeat,
    Concat,
    Alternate,
    LeftParen,
    VerticalBar,
}

impl Op {
    fn pseudo(self) -> bool {
        self >= Op::LeftParen
    }
}

/// The part of a class that comes from Unicode tables, whose ranges are not embedded: an
/// identity for Go's `Equal` and the number of runes Go holds for it (`raw`: appended
/// pieces add up until Go cleans the class, which leaves each distinct piece once).
#[derive(Clone, Debug, Default, PartialEq)]
struct Tables {
    pieces: Vec<Piece>,
    complement: Option<Vec<u32>>,
    raw: usize,
}

/// `\p{X}` (or `\P{X}`, or under `(?i)`): an index into `UNICODE_TABLES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    table: usize,
    negated: bool,
    fold: bool,
}

impl Piece {
    fn runes(self) -> usize {
        usize::from(
            UNICODE_TABLES[self.table].1[usize::from(self.negated) + 2 * usize::from(self.fold)],
        )
    }
}

impl Tables {
    fn add(&mut self, piece: Piece) {
        if let Err(i) = self.pieces.binary_search(&piece) {
            self.pieces.insert(i, piece);
        }
        self.raw += piece.runes();
    }

    /// Go's `cleanClass` leaves each distinct piece once.
    fn clean(&mut self) {
        self.raw = self.pieces.iter().map(|p| p.runes()).sum();
    }

    /// Go's `negateClass`: exact for one table alone, symbolic otherwise.
    fn negate(&mut self, explicit: &mut Vec<u32>) {
        match self.pieces.as_mut_slice() {
            [only] if explicit.is_empty() && self.complement.is_none() => {
                only.negated = !only.negated;
                self.raw = only.runes();
            }
            _ => self.complement = Some(std::mem::take(explicit)),
        }
    }
}

/// Go's `syntax.Regexp`. `runes` holds a literal's characters or a class's range pairs.
#[derive(Clone, Debug, Default)]
struct Node {
    op: Op,
    flags: u16,
    runes: Vec<u32>,
    tables: Option<Tables>,
    subs: Vec<usize>,
    min: i32,
    max: i32,
    cap: u32,
    name: String,
}

/// Go's parser state. Nodes live in an arena; `free` is Go's free list, so that node counts,
/// and the size cache that Go keys by node, behave as in Go.
struct Parser<'a> {
    s: &'a str,
    flags: u16,
    nodes: Vec<Node>,
    free: Vec<usize>,
    stack: Vec<usize>,
    num_cap: u32,
    num_regexp: usize,
    num_runes: usize,
    repeats: i64,
    size: Option<HashMap<usize, i64>>,
    height: Option<HashMap<usize, usize>>,
    notes: Vec<String>,
}

/// Go's `utf8.DecodeRuneInString` on `s[p..]`: U+FFFD and no progress at the end.
fn next_rune(s: &str, p: usize) -> (u32, usize) {
    match s[p..].chars().next() {
        Some(c) => (c as u32, p + c.len_utf8()),
        None => (0xFFFD, p),
    }
}

fn is_octal(b: Option<&u8>) -> bool {
    matches!(b, Some(b'0'..=b'7'))
}

fn unhex(c: u32) -> Option<u32> {
    char::from_u32(c).and_then(|c| c.to_digit(16))
}

fn is_alnum(c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| c.is_ascii_alphanumeric())
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser {
            s,
            flags: PERL,
            nodes: Vec::new(),
            free: Vec::new(),
            stack: Vec::new(),
            num_cap: 0,
            num_regexp: 0,
            num_runes: 0,
            repeats: 0,
            size: None,
            height: None,
            notes: Vec::new(),
        }
    }

    /// Go's `parse`: returns the "reads differently" notes when Go accepts.
    fn parse(mut self) -> Result<Vec<String>, GoError> {
        let s = self.s;
        let mut t = 0;
        let mut last_repeat = None;
        while t < s.len() {
            let mut repeat = None;
            match s.as_bytes()[t] {
                b'(' if s[t..].starts_with("(?") => t = self.parse_perl_flags(t)?,
                b'(' => {
                    self.num_cap += 1;
                    let re = self.op(Op::LeftParen)?;
                    self.nodes[re].cap = self.num_cap;
                    t += 1;
                }
                b'|' => {
                    self.parse_vertical_bar()?;
                    t += 1;
                }
                b')' => {
                    self.parse_right_paren()?;
                    t += 1;
                }
                b'^' if self.flags & ONE_LINE != 0 => t = self.op_at(Op::BeginText, t)?,
                b'^' => t = self.op_at(Op::BeginLine, t)?,
                b'$' if self.flags & ONE_LINE != 0 => {
                    let re = self.op(Op::EndText)?;
                    self.nodes[re].flags |= WAS_DOLLAR;
                    t += 1;
                }
                b'$' => t = self.op_at(Op::EndLine, t)?,
                b'.' if self.flags & DOT_NL != 0 => t = self.op_at(Op::AnyChar, t)?,
                b'.' => t = self.op_at(Op::AnyCharNotNL, t)?,
                b'[' => t = self.parse_class(t)?,
                b'*' | b'+' | b'?' => {
                    let op = match s.as_bytes()[t] {
                        b'*' => Op::Star,
                        b'+' => Op::Plus,
                        _ => Op::Quest,
                    };
                    repeat = Some(t);
                    t = self.repeat(op, 0, 0, t, t + 1, last_repeat)?;
                }
                b'{' => match self.parse_repeat(t) {
                    None => {
                        self.note_brace(t);
                        self.literal('{' as u32)?;
                        t += 1;
                    }
                    Some((min, max, after)) => {
                        if !(0..=1000).contains(&min) || max > 1000 || max >= 0 && min > max {
                            return fail(Code::InvalidRepeatSize, &s[t..after]);
                        }
                        repeat = Some(t);
                        t = self.repeat(Op::Repeat, min, max, t, after, last_repeat)?;
                    }
                },
                b'\\' => t = self.parse_backslash(t)?,
                _ => {
                    let (c, next) = next_rune(s, t);
                    self.literal(c)?;
                    t = next;
                }
            }
            last_repeat = repeat;
        }
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            return fail(Code::MissingParen, s);
        }
        Ok(self.notes)
    }

    fn op_at(&mut self, op: Op, t: usize) -> Result<usize, GoError> {
        self.op(op)?;
        Ok(t + 1)
    }

    /// Go's `\` case of `parse`.
    fn parse_backslash(&mut self, t: usize) -> Result<usize, GoError> {
        let s = self.s;
        let assertion = match s.as_bytes().get(t + 1) {
            Some(b'A') => Some(Op::BeginText),
            Some(b'b') => Some(Op::WordBoundary),
            Some(b'B') => Some(Op::NoWordBoundary),
            Some(b'z') => Some(Op::EndText),
            Some(b'C') => return fail(Code::InvalidEscape, &s[t..t + 2]),
            Some(b'Q') => {
                let body = &s[t + 2..];
                let (lit, next) = match body.find("\\E") {
                    Some(i) => (&body[..i], t + 2 + i + 2),
                    None => (body, s.len()),
                };
                for c in lit.chars() {
                    self.literal(c as u32)?;
                }
                return Ok(next);
            }
            _ => None,
        };
        if let Some(op) = assertion {
            self.op(op)?;
            return Ok(t + 2);
        }
        let re = self.new_regexp(Op::CharClass);
        self.nodes[re].flags = self.flags;
        let (mut runes, mut tables) = (Vec::new(), None);
        let next = match self.parse_unicode_class(t, &mut runes, &mut tables)? {
            Some(next) => Some(next),
            None => self.parse_perl_class_escape(t, &mut runes),
        };
        if let Some(next) = next {
            self.nodes[re].runes = runes;
            self.nodes[re].tables = tables;
            self.push(re)?;
            return Ok(next);
        }
        self.reuse(re);
        let (c, next) = self.parse_escape(t)?;
        self.literal(c)?;
        Ok(next)
    }

    // ---- Go's node allocation and limits ----

    fn new_regexp(&mut self, op: Op) -> usize {
        let node = Node {
            op,
            ..Node::default()
        };
        match self.free.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.num_regexp += 1;
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        }
    }

    fn reuse(&mut self, re: usize) {
        if let Some(h) = &mut self.height {
            h.remove(&re);
        }
        self.free.push(re);
    }

    fn rune_len(&self, re: usize) -> usize {
        let n = &self.nodes[re];
        n.runes.len() + n.tables.as_ref().map_or(0, |t| t.raw)
    }

    fn check_limits(&mut self, re: usize) -> Result<(), GoError> {
        if self.num_runes > MAX_RUNES {
            return fail(Code::InternalError, self.s);
        }
        self.check_size(re)?;
        self.check_height(re)
    }

    fn check_size(&mut self, re: usize) -> Result<(), GoError> {
        if self.size.is_none() {
            // Go tracks sizes only once (nodes allocated) x (product of repeats) may exceed
            // the budget; the product counts a repeat again each time it is pushed again.
            if self.repeats == 0 {
                self.repeats = 1;
            }
            let n = &self.nodes[re];
            if n.op == Op::Repeat {
                let mut count = if n.max == -1 { n.min } else { n.max };
                if count <= 0 {
                    count = 1;
                }
                if i64::from(count) > MAX_SIZE / self.repeats {
                    self.repeats = MAX_SIZE;
                } else {
                    self.repeats *= i64::from(count);
                }
            }
            if (self.num_regexp as i64) < MAX_SIZE / self.repeats {
                return Ok(());
            }
            self.size = Some(HashMap::new());
            for re in self.stack.clone() {
                self.check_size(re)?;
            }
        }
        if self.calc_size(re, true) > MAX_SIZE {
            return fail(Code::InternalError, self.s);
        }
        Ok(())
    }

    /// Go's compiled-size estimate, cached per node (stale entries included, as in Go).
    fn calc_size(&mut self, re: usize, force: bool) -> i64 {
        if !force && let Some(&size) = self.size.as_ref().and_then(|m| m.get(&re)) {
            return size;
        }
        let n = self.nodes[re].clone();
        let mut size = match n.op {
            Op::Literal => n.runes.len() as i64,
            Op::Capture | Op::Star => 2 + self.calc_size(n.subs[0], false),
            Op::Plus | Op::Quest => 1 + self.calc_size(n.subs[0], false),
            Op::Concat | Op::Alternate => {
                let sum: i64 = n.subs.iter().map(|&s| self.calc_size(s, false)).sum();
                let bars = if n.op == Op::Alternate && n.subs.len() > 1 {
                    n.subs.len() as i64 - 1
                } else {
                    0
                };
                sum + bars
            }
            Op::Repeat => {
                let sub = self.calc_size(n.subs[0], false);
                match (n.min, n.max) {
                    (0, -1) => 2 + sub,
                    (min, -1) => 1 + i64::from(min) * sub,
                    (min, max) => i64::from(max) * sub + i64::from(max - min),
                }
            }
            _ => 0,
        };
        size = size.max(1);
        if let Some(m) = &mut self.size {
            m.insert(re, size);
        }
        size
    }

    fn check_height(&mut self, re: usize) -> Result<(), GoError> {
        if self.num_regexp < MAX_HEIGHT {
            return Ok(());
        }
        if self.height.is_none() {
            self.height = Some(HashMap::new());
            for re in self.stack.clone() {
                self.check_height(re)?;
            }
        }
        if self.calc_height(re, true) > MAX_HEIGHT {
            return fail(Code::NestingDepth, self.s);
        }
        Ok(())
    }

    fn calc_height(&mut self, re: usize, force: bool) -> usize {
        if !force && let Some(&h) = self.height.as_ref().and_then(|m| m.get(&re)) {
            return h;
        }
        let mut h = 1;
        for sub in self.nodes[re].subs.clone() {
            h = h.max(1 + self.calc_height(sub, false));
        }
        if let Some(m) = &mut self.height {
            m.insert(re, h);
        }
        h
    }

    // ---- Go's parse stack ----

    /// Go's `push`: single-rune and case-pair classes become literals; literals concatenate.
    fn push(&mut self, re: usize) -> Result<(), GoError> {
        self.num_runes += self.rune_len(re);
        let n = &self.nodes[re];
        let r = &n.runes;
        let class = n.op == Op::CharClass && n.tables.is_none();
        let single = class && r.len() == 2 && r[0] == r[1];
        let fold_pair = class
            && (r.len() == 4
                && r[0] == r[1]
                && r[2] == r[3]
                && simple_fold(r[0]) == r[2]
                && simple_fold(r[2]) == r[0]
                || r.len() == 2
                    && r[0] + 1 == r[1]
                    && simple_fold(r[0]) == r[1]
                    && simple_fold(r[1]) == r[0]);
        let first = r.first().copied();
        let literal_flags = if single {
            Some(self.flags & !FOLD_CASE)
        } else if fold_pair {
            Some(self.flags | FOLD_CASE)
        } else {
            None
        };
        match (literal_flags, first) {
            (Some(flags), Some(r0)) => {
                if self.maybe_concat(Some(r0), flags) {
                    return Ok(());
                }
                self.make_literal(re, flags);
            }
            _ => {
                self.maybe_concat(None, 0);
            }
        }
        self.stack.push(re);
        self.check_limits(re)
    }

    fn make_literal(&mut self, re: usize, flags: u16) {
        let n = &mut self.nodes[re];
        n.op = Op::Literal;
        n.runes.truncate(1);
        n.flags = flags;
    }

    /// Go's `maybeConcat`: merges the two literals on top of the stack; with `r`, reuses the
    /// top one for `r` and reports true.
    fn maybe_concat(&mut self, r: Option<u32>, flags: u16) -> bool {
        let n = self.stack.len();
        if n < 2 {
            return false;
        }
        let (re1, re2) = (self.stack[n - 1], self.stack[n - 2]);
        let (a, b) = (&self.nodes[re1], &self.nodes[re2]);
        if a.op != Op::Literal || b.op != Op::Literal || a.flags & FOLD_CASE != b.flags & FOLD_CASE
        {
            return false;
        }
        let moved = a.runes.clone();
        self.nodes[re2].runes.extend(moved);
        if let Some(r) = r {
            self.nodes[re1].runes = vec![r];
            self.nodes[re1].flags = flags;
            return true;
        }
        self.stack.pop();
        self.reuse(re1);
        false
    }

    fn literal(&mut self, r: u32) -> Result<(), GoError> {
        let re = self.new_regexp(Op::Literal);
        self.nodes[re].flags = self.flags;
        let r = if self.flags & FOLD_CASE != 0 {
            min_fold_rune(r)
        } else {
            r
        };
        self.nodes[re].runes = vec![r];
        self.push(re)
    }

    fn op(&mut self, op: Op) -> Result<usize, GoError> {
        let re = self.new_regexp(op);
        self.nodes[re].flags = self.flags;
        self.push(re)?;
        Ok(re)
    }

    /// Go's `repeat`: `before..after` is the operator's text, `last_repeat` the previous
    /// operator's start when it directly precedes this one.
    fn repeat(
        &mut self,
        op: Op,
        min: i32,
        max: i32,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, GoError> {
        let s = self.s;
        let mut flags = self.flags;
        if s.as_bytes().get(after) == Some(&b'?') {
            after += 1;
            flags ^= NON_GREEDY;
        }
        if let Some(last) = last_repeat {
            return fail(Code::InvalidRepeatOp, &s[last..after]);
        }
        let Some(&sub) = self.stack.last() else {
            return fail(Code::MissingRepeatArgument, &s[before..after]);
        };
        if self.nodes[sub].op.pseudo() {
            return fail(Code::MissingRepeatArgument, &s[before..after]);
        }
        let re = self.new_regexp(op);
        let n = &mut self.nodes[re];
        (n.min, n.max, n.flags, n.subs) = (min, max, flags, vec![sub]);
        *self.stack.last_mut().expect("checked above") = re;
        self.check_limits(re)?;
        if op == Op::Repeat && (min >= 2 || max >= 2) && !self.repeat_is_valid(re, 1000) {
            return fail(Code::InvalidRepeatSize, &s[before..after]);
        }
        Ok(after)
    }

    /// Go's `repeatIsValid`: nested repeat counts multiply to at most `n`.
    fn repeat_is_valid(&self, re: usize, mut n: i32) -> bool {
        let node = &self.nodes[re];
        if node.op == Op::Repeat {
            let mut m = node.max;
            if m == 0 {
                return true;
            }
            if m < 0 {
                m = node.min;
            }
            if m > n {
                return false;
            }
            if m > 0 {
                n /= m;
            }
        }
        node.subs.iter().all(|&sub| self.repeat_is_valid(sub, n))
    }

    /// Go's `parseRepeat` for `{min}`, `{min,}`, `{min,max}`: None means a literal `{`.
    fn parse_repeat(&self, t: usize) -> Option<(i32, i32, usize)> {
        let b = self.s.as_bytes();
        let (mut min, mut p) = parse_int(b, t + 1)?;
        let max;
        match b.get(p)? {
            b',' => {
                p += 1;
                if *b.get(p)? == b'}' {
                    max = -1;
                } else {
                    let (m, q) = parse_int(b, p)?;
                    p = q;
                    max = m;
                    if max < 0 {
                        min = -1;
                    }
                }
            }
            _ => max = min,
        }
        (b.get(p)? == &b'}').then_some((min, max, p + 1))
    }

    fn concat(&mut self) -> Result<(), GoError> {
        self.maybe_concat(None, 0);
        let subs = self.pop_operands();
        let re = if subs.is_empty() {
            self.new_regexp(Op::EmptyMatch)
        } else {
            self.collapse(subs, Op::Concat)?
        };
        self.push(re)
    }

    fn alternate(&mut self) -> Result<(), GoError> {
        let subs = self.pop_operands();
        if let Some(&last) = subs.last() {
            self.clean_alt(last);
        }
        let re = if subs.is_empty() {
            self.new_regexp(Op::NoMatch)
        } else {
            self.collapse(subs, Op::Alternate)?
        };
        self.push(re)
    }

    /// Pops the nodes above the topmost `(` or `|`.
    fn pop_operands(&mut self) -> Vec<usize> {
        let mut i = self.stack.len();
        while i > 0 && !self.nodes[self.stack[i - 1]].op.pseudo() {
            i -= 1;
        }
        self.stack.split_off(i)
    }

    fn clean_alt(&mut self, re: usize) {
        let n = &mut self.nodes[re];
        if n.op != Op::CharClass {
            return;
        }
        clean_class(&mut n.runes);
        if let Some(t) = &mut n.tables {
            t.clean();
            return;
        }
        if n.runes == [0, MAX_RUNE] {
            n.runes.clear();
            n.op = Op::AnyChar;
        } else if n.runes == [0, 9, 11, MAX_RUNE] {
            n.runes.clear();
            n.op = Op::AnyCharNotNL;
        }
    }

    /// Go's `collapse`: `subs` under one `op` node, flattening nested ones.
    fn collapse(&mut self, subs: Vec<usize>, op: Op) -> Result<usize, GoError> {
        if subs.len() == 1 {
            return Ok(subs[0]);
        }
        let mut re = self.new_regexp(op);
        let mut list = Vec::new();
        for sub in subs {
            if self.nodes[sub].op == op {
                list.extend(self.nodes[sub].subs.clone());
                self.reuse(sub);
            } else {
                list.push(sub);
            }
        }
        if op == Op::Alternate {
            list = self.factor(list)?;
            if list.len() == 1 {
                self.reuse(re);
                re = list[0];
                return Ok(re);
            }
        }
        self.nodes[re].subs = list;
        Ok(re)
    }

    /// Go's `factor`: common prefixes out of an alternation, single characters into a class.
    fn factor(&mut self, sub: Vec<usize>) -> Result<Vec<usize>, GoError> {
        if sub.len() < 2 {
            return Ok(sub);
        }
        let sub = self.factor_strings(sub)?;
        let sub = self.factor_leading(sub)?;
        let sub = self.merge_classes(sub);
        let mut out: Vec<usize> = Vec::new();
        for (i, &re) in sub.iter().enumerate() {
            let empty = |j: usize| self.nodes[sub[j]].op == Op::EmptyMatch;
            if i + 1 < sub.len() && empty(i) && empty(i + 1) {
                continue;
            }
            out.push(re);
        }
        Ok(out)
    }

    /// Round 1 of `factor`: common leading literal strings.
    fn factor_strings(&mut self, mut sub: Vec<usize>) -> Result<Vec<usize>, GoError> {
        let mut out = Vec::new();
        let (mut s, mut s_flags, mut start) = (Vec::new(), 0, 0);
        for i in 0..=sub.len() {
            let (mut is, mut i_flags) = (Vec::new(), 0);
            if i < sub.len() {
                (is, i_flags) = self.leading_string(sub[i]);
                if i_flags == s_flags {
                    let same = s.iter().zip(&is).take_while(|(a, b)| a == b).count();
                    if same > 0 {
                        s.truncate(same);
                        continue;
                    }
                }
            }
            if i == start + 1 {
                out.push(sub[start]);
            } else if i > start + 1 {
                let prefix = self.new_regexp(Op::Literal);
                self.nodes[prefix].flags = s_flags;
                self.nodes[prefix].runes = s.clone();
                for item in &mut sub[start..i] {
                    *item = self.remove_leading_string(*item, s.len());
                    self.check_limits(*item)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), Op::Alternate)?;
                out.push(self.new_concat(prefix, suffix));
            }
            (start, s, s_flags) = (i, is, i_flags);
        }
        Ok(out)
    }

    /// Round 2 of `factor`: a common leading class, or fixed repeat of one.
    fn factor_leading(&mut self, mut sub: Vec<usize>) -> Result<Vec<usize>, GoError> {
        let mut out = Vec::new();
        let (mut first, mut start) = (None, 0);
        for i in 0..=sub.len() {
            let mut i_first = None;
            if i < sub.len() {
                i_first = self.leading_regexp(sub[i]);
                if let (Some(f), Some(g)) = (first, i_first)
                    && self.equal(f, g)
                    && self.is_char_class_or_fixed_repeat(f)
                {
                    continue;
                }
            }
            if i == start + 1 {
                out.push(sub[start]);
            } else if i > start + 1 {
                let prefix = first.expect("a run shares its first node");
                for (j, item) in sub[start..i].iter_mut().enumerate() {
                    *item = self.remove_leading_regexp(*item, j != 0);
                    self.check_limits(*item)?;
                }
                let suffix = self.collapse(sub[start..i].to_vec(), Op::Alternate)?;
                out.push(self.new_concat(prefix, suffix));
            }
            (start, first) = (i, i_first);
        }
        Ok(out)
    }

    fn is_char_class_or_fixed_repeat(&self, re: usize) -> bool {
        let n = &self.nodes[re];
        self.is_char_class(re)
            || n.op == Op::Repeat && n.min == n.max && self.is_char_class(n.subs[0])
    }

    /// Round 3 of `factor`: runs of single characters and classes become one class.
    fn merge_classes(&mut self, mut sub: Vec<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..=sub.len() {
            if i < sub.len() && self.is_char_class(sub[i]) {
                continue;
            }
            if i == start + 1 {
                out.push(sub[start]);
            } else if i > start + 1 {
                let mut max = start;
                for j in start + 1..i {
                    let (a, b) = (&self.nodes[sub[max]], &self.nodes[sub[j]]);
                    if a.op < b.op
                        || a.op == b.op && self.rune_len(sub[max]) < self.rune_len(sub[j])
                    {
                        max = j;
                    }
                }
                sub.swap(start, max);
                for j in start + 1..i {
                    self.merge_char_class(sub[start], sub[j]);
                    self.reuse(sub[j]);
                }
                self.clean_alt(sub[start]);
                out.push(sub[start]);
            }
            if i < sub.len() {
                out.push(sub[i]);
            }
            start = i + 1;
        }
        out
    }

    fn new_concat(&mut self, prefix: usize, suffix: usize) -> usize {
        let re = self.new_regexp(Op::Concat);
        self.nodes[re].subs = vec![prefix, suffix];
        re
    }

    fn leading_string(&self, re: usize) -> (Vec<u32>, u16) {
        let mut n = &self.nodes[re];
        if n.op == Op::Concat && !n.subs.is_empty() {
            n = &self.nodes[n.subs[0]];
        }
        if n.op != Op::Literal {
            return (Vec::new(), 0);
        }
        (n.runes.clone(), n.flags & FOLD_CASE)
    }

    fn remove_leading_string(&mut self, mut re: usize, count: usize) -> usize {
        if self.nodes[re].op == Op::Concat && !self.nodes[re].subs.is_empty() {
            let sub = self.remove_leading_string(self.nodes[re].subs[0], count);
            self.nodes[re].subs[0] = sub;
            if self.nodes[sub].op == Op::EmptyMatch {
                self.reuse(sub);
                match self.nodes[re].subs.len() {
                    0 | 1 => {
                        self.nodes[re].op = Op::EmptyMatch;
                        self.nodes[re].subs.clear();
                    }
                    2 => {
                        let old = re;
                        re = self.nodes[re].subs[1];
                        self.reuse(old);
                    }
                    _ => {
                        self.nodes[re].subs.remove(0);
                    }
                }
            }
            return re;
        }
        let n = &mut self.nodes[re];
        if n.op == Op::Literal {
            n.runes.drain(..count);
            if n.runes.is_empty() {
                n.op = Op::EmptyMatch;
            }
        }
        re
    }

    fn leading_regexp(&self, re: usize) -> Option<usize> {
        let n = &self.nodes[re];
        if n.op == Op::EmptyMatch {
            return None;
        }
        if n.op == Op::Concat && !n.subs.is_empty() {
            let sub = n.subs[0];
            return (self.nodes[sub].op != Op::EmptyMatch).then_some(sub);
        }
        Some(re)
    }

    fn remove_leading_regexp(&mut self, re: usize, reuse: bool) -> usize {
        if self.nodes[re].op == Op::Concat && !self.nodes[re].subs.is_empty() {
            if reuse {
                self.reuse(self.nodes[re].subs[0]);
            }
            self.nodes[re].subs.remove(0);
            match self.nodes[re].subs.len() {
                0 => {
                    self.nodes[re].op = Op::EmptyMatch;
                    return re;
                }
                1 => {
                    let only = self.nodes[re].subs[0];
                    self.reuse(re);
                    return only;
                }
                _ => return re,
            }
        }
        if reuse {
            self.reuse(re);
        }
        self.new_regexp(Op::EmptyMatch)
    }

    /// Go's `Regexp.Equal`.
    fn equal(&self, x: usize, y: usize) -> bool {
        let (a, b) = (&self.nodes[x], &self.nodes[y]);
        if a.op != b.op {
            return false;
        }
        let subs_equal = || {
            a.subs.len() == b.subs.len()
                && a.subs.iter().zip(&b.subs).all(|(&p, &q)| self.equal(p, q))
        };
        match a.op {
            Op::EndText => a.flags & WAS_DOLLAR == b.flags & WAS_DOLLAR,
            Op::Literal | Op::CharClass => a.runes == b.runes && a.tables == b.tables,
            Op::Alternate | Op::Concat => subs_equal(),
            Op::Star | Op::Plus | Op::Quest => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY && subs_equal()
            }
            Op::Repeat => {
                a.flags & NON_GREEDY == b.flags & NON_GREEDY
                    && a.min == b.min
                    && a.max == b.max
                    && subs_equal()
            }
            Op::Capture => a.cap == b.cap && a.name == b.name && subs_equal(),
            _ => true,
        }
    }

    fn is_char_class(&self, re: usize) -> bool {
        let n = &self.nodes[re];
        n.op == Op::Literal && n.runes.len() == 1
            || matches!(n.op, Op::CharClass | Op::AnyCharNotNL | Op::AnyChar)
    }

    /// Go's `mergeCharClass`: dst |= src, where dst's op is at least src's.
    fn merge_char_class(&mut self, dst: usize, src: usize) {
        let src = self.nodes[src].clone();
        let d = &mut self.nodes[dst];
        match d.op {
            Op::AnyCharNotNL if match_rune(&src, '\n' as u32) => d.op = Op::AnyChar,
            Op::CharClass if src.op == Op::Literal => {
                append_literal(&mut d.runes, src.runes[0], src.flags);
            }
            Op::CharClass => {
                append_class(&mut d.runes, &src.runes);
                merge_tables(&mut d.tables, src.tables.as_ref());
            }
            Op::Literal if src.runes[0] != d.runes[0] || src.flags != d.flags => {
                d.op = Op::CharClass;
                let mut r = Vec::new();
                append_literal(&mut r, d.runes[0], d.flags);
                append_literal(&mut r, src.runes[0], src.flags);
                d.runes = r;
            }
            _ => {}
        }
    }

    fn parse_vertical_bar(&mut self) -> Result<(), GoError> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.op(Op::VerticalBar)?;
        }
        Ok(())
    }

    /// Go's `swapVerticalBar`: moves the `|` marker above the branch just parsed, merging
    /// single characters and classes on the way.
    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 3
            && self.nodes[self.stack[n - 2]].op == Op::VerticalBar
            && self.is_char_class(self.stack[n - 1])
            && self.is_char_class(self.stack[n - 3])
        {
            let (mut re1, mut re3) = (self.stack[n - 1], self.stack[n - 3]);
            if self.nodes[re1].op > self.nodes[re3].op {
                (re1, re3) = (re3, re1);
                self.stack[n - 3] = re3;
            }
            self.merge_char_class(re3, re1);
            self.reuse(re1);
            self.stack.pop();
            return true;
        }
        if n >= 2 && self.nodes[self.stack[n - 2]].op == Op::VerticalBar {
            if n >= 3 {
                self.clean_alt(self.stack[n - 3]);
            }
            self.stack.swap(n - 2, n - 1);
            return true;
        }
        false
    }

    fn parse_right_paren(&mut self) -> Result<(), GoError> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        let n = self.stack.len();
        if n < 2 {
            return fail(Code::UnexpectedParen, self.s);
        }
        let (re1, re2) = (self.stack[n - 1], self.stack[n - 2]);
        self.stack.truncate(n - 2);
        if self.nodes[re2].op != Op::LeftParen {
            return fail(Code::UnexpectedParen, self.s);
        }
        self.flags = self.nodes[re2].flags;
        if self.nodes[re2].cap == 0 {
            return self.push(re1);
        }
        self.nodes[re2].op = Op::Capture;
        self.nodes[re2].subs = vec![re1];
        self.push(re2)
    }

    /// Go's `parsePerlFlags`: `(?P<name>`, `(?flags)` or `(?flags:` at `t`.
    fn parse_perl_flags(&mut self, t: usize) -> Result<usize, GoError> {
        let s = self.s;
        let rest = &s[t..];
        if rest.len() > 4 && rest[2..].starts_with("P<") {
            let Some(end) = rest.find('>') else {
                return fail(Code::InvalidNamedCapture, rest);
            };
            let name = &rest[4..end];
            if name.is_empty() || !name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric()) {
                return fail(Code::InvalidNamedCapture, &rest[..=end]);
            }
            self.num_cap += 1;
            let re = self.op(Op::LeftParen)?;
            self.nodes[re].cap = self.num_cap;
            self.nodes[re].name = name.to_string();
            return Ok(t + end + 1);
        }
        let (mut p, mut flags, mut negated, mut saw_flag) = (t + 2, self.flags, false, false);
        while p < s.len() {
            let (c, next) = next_rune(s, p);
            p = next;
            match char::from_u32(c).unwrap_or('\u{FFFD}') {
                'i' => flags |= FOLD_CASE,
                'm' => flags &= !ONE_LINE,
                's' => flags |= DOT_NL,
                'U' => flags |= NON_GREEDY,
                '-' if !negated => {
                    (negated, flags, saw_flag) = (true, !flags, false);
                    continue;
                }
                c @ (':' | ')') if !negated || saw_flag => {
                    if negated {
                        flags = !flags;
                    }
                    if c == ':' {
                        self.op(Op::LeftParen)?;
                    }
                    self.flags = flags;
                    return Ok(p);
                }
                _ => break,
            }
            saw_flag = true;
        }
        fail(Code::InvalidPerlOp, &s[t..p])
    }

    // ---- Go's escapes and classes ----

    /// Go's `parseEscape` for the `\` at `t`: the character and where it ends.
    fn parse_escape(&mut self, t: usize) -> Result<(u32, usize), GoError> {
        let s = self.s;
        if t + 1 >= s.len() {
            return fail(Code::TrailingBackslash, "");
        }
        let (c, mut p) = next_rune(s, t + 1);
        let b = s.as_bytes();
        let octal_start = c == 0x30 || (0x31..=0x37).contains(&c) && is_octal(b.get(p));
        if octal_start {
            let mut r = c - 0x30;
            for _ in 1..3 {
                if !is_octal(b.get(p)) {
                    break;
                }
                r = r * 8 + u32::from(b[p] - b'0');
                p += 1;
            }
            return Ok((r, p));
        }
        let simple = match char::from_u32(c) {
            Some('x') => match self.parse_hex(p) {
                Ok(found) => return Ok(found),
                Err(end) => return fail(Code::InvalidEscape, &s[t..end]),
            },
            Some('a') => Some(7),
            Some('f') => Some(12),
            Some('n') => Some(10),
            Some('r') => Some(13),
            Some('t') => Some(9),
            Some('v') => Some(11),
            Some(ch @ ('<' | '>')) => {
                self.notes.push(format!(
                    "`\\{ch}` is a word-boundary assertion for the regex crate, but Go reads a literal `{ch}`: write `\\b` or `{ch}`"
                ));
                Some(c)
            }
            _ if c < 0x80 && !is_alnum(c) => Some(c),
            _ => None,
        };
        match simple {
            Some(r) => Ok((r, p)),
            None => fail(Code::InvalidEscape, &s[t..p]),
        }
    }

    /// The hex part of `\x..` from `p`: the rune and its end, or where Go's error text ends.
    fn parse_hex(&self, p: usize) -> Result<(u32, usize), usize> {
        let s = self.s;
        if p >= s.len() {
            return Err(p);
        }
        let (c, mut p) = next_rune(s, p);
        if c != '{' as u32 {
            let (d, p) = next_rune(s, p);
            return match (unhex(c), unhex(d)) {
                (Some(x), Some(y)) => Ok((x * 16 + y, p)),
                _ => Err(p),
            };
        }
        let (mut r, mut digits) = (0u32, 0);
        loop {
            if p >= s.len() {
                return Err(p);
            }
            let (c, next) = next_rune(s, p);
            p = next;
            if c == '}' as u32 {
                break;
            }
            let v = unhex(c).ok_or(p)?;
            r = r * 16 + v;
            if r > MAX_RUNE {
                return Err(p);
            }
            digits += 1;
        }
        if digits == 0 {
            return Err(p);
        }
        Ok((r, p))
    }

    /// Go's `parsePerlClassEscape`: `\d \D \s \S \w \W` at `t`.
    fn parse_perl_class_escape(&self, t: usize, r: &mut Vec<u32>) -> Option<usize> {
        let (negated, class) = perl_group(self.s.get(t..t + 2)?)?;
        self.append_group(r, negated, class);
        Some(t + 2)
    }

    /// Go's `parseNamedClass`: `[:alpha:]` and friends at `t`.
    fn parse_named_class(&self, t: usize, r: &mut Vec<u32>) -> Result<Option<usize>, GoError> {
        let rest = &self.s[t..];
        if !rest.starts_with("[:") {
            return Ok(None);
        }
        let Some(i) = rest[2..].find(":]") else {
            return Ok(None);
        };
        let name = &rest[..i + 4];
        let Some((negated, class)) = posix_group(name) else {
            return fail(Code::InvalidCharRange, name);
        };
        self.append_group(r, negated, class);
        Ok(Some(t + name.len()))
    }

    fn append_group(&self, r: &mut Vec<u32>, negated: bool, class: &[u32]) {
        let tmp = if self.flags & FOLD_CASE == 0 {
            class.to_vec()
        } else {
            let mut tmp = Vec::new();
            for pair in class.chunks(2) {
                append_folded_range(&mut tmp, pair[0], pair[1]);
            }
            clean_class(&mut tmp);
            tmp
        };
        if negated {
            append_negated_class(r, &tmp);
        } else {
            append_class(r, &tmp);
        }
    }

    /// Go's `parseUnicodeClass`: `\pL`, `\p{Greek}`, `\P{^Lu}` at `t`.
    fn parse_unicode_class(
        &self,
        t: usize,
        r: &mut Vec<u32>,
        tables: &mut Option<Tables>,
    ) -> Result<Option<usize>, GoError> {
        let s = self.s;
        let rest = &s[t..];
        if !(rest.starts_with("\\p") || rest.starts_with("\\P")) {
            return Ok(None);
        }
        let mut negated = rest.starts_with("\\P");
        let (c, after) = next_rune(s, t + 2);
        let (seq, mut name, next) = if c != '{' as u32 {
            (&s[t..after], &s[t + 2..after], after)
        } else {
            let Some(end) = rest.find('}') else {
                return fail(Code::InvalidCharRange, rest);
            };
            (&rest[..=end], &rest[3..end], t + end + 1)
        };
        if let Some(n) = name.strip_prefix('^') {
            (negated, name) = (!negated, n);
        }
        let exact: &[u32] = match name {
            "Any" => &[0, MAX_RUNE],
            "Zl" => &[0x2028, 0x2028],
            "Zp" => &[0x2029, 0x2029],
            _ => &[],
        };
        if !exact.is_empty() {
            // Go's tables for these are one range each, and fold to themselves.
            if negated {
                append_negated_class(r, exact);
            } else {
                append_class(r, exact);
            }
            return Ok(Some(next));
        }
        let Ok(i) = UNICODE_TABLES.binary_search_by(|(n, _)| n.cmp(&name)) else {
            return fail(Code::InvalidCharRange, seq);
        };
        tables.get_or_insert_with(Tables::default).add(Piece {
            table: i,
            negated,
            fold: self.flags & FOLD_CASE != 0,
        });
        Ok(Some(next))
    }

    /// Go's `parseClass` for the `[` at `t`.
    fn parse_class(&mut self, start: usize) -> Result<usize, GoError> {
        let s = self.s;
        let b = s.as_bytes();
        let whole = &s[start..];
        let re = self.new_regexp(Op::CharClass);
        self.nodes[re].flags = self.flags;
        let (mut r, mut tables) = (Vec::new(), None);
        let mut t = start + 1;
        let negated = b.get(t) == Some(&b'^');
        if negated {
            t += 1;
        }
        let mut first = true;
        while b.get(t) != Some(&b']') || first {
            first = false;
            if s.len() - t > 2
                && let Some(next) = self.parse_named_class(t, &mut r)?
            {
                t = next;
                continue;
            }
            if let Some(next) = self.parse_unicode_class(t, &mut r, &mut tables)? {
                t = next;
                continue;
            }
            if let Some(next) = self.parse_perl_class_escape(t, &mut r) {
                t = next;
                continue;
            }
            let rng = t;
            let (lo, next) = self.parse_class_char(t, whole)?;
            t = next;
            let mut hi = lo;
            if s.len() - t >= 2 && b[t] == b'-' && b[t + 1] != b']' {
                (hi, t) = self.parse_class_char(t + 1, whole)?;
                if hi < lo {
                    return fail(Code::InvalidCharRange, &s[rng..t]);
                }
            }
            if self.flags & FOLD_CASE == 0 {
                append_range(&mut r, lo, hi);
            } else {
                append_folded_range(&mut r, lo, hi);
            }
        }
        clean_class(&mut r);
        if let Some(t) = &mut tables {
            t.clean();
        }
        if negated {
            match &mut tables {
                Some(t) => t.negate(&mut r),
                None => r = negated_class(&r),
            }
        }
        self.nodes[re].runes = r;
        self.nodes[re].tables = tables;
        self.push(re)?;
        self.note_class(start);
        Ok(t + 1)
    }

    /// Go's `parseClassChar`.
    fn parse_class_char(&mut self, t: usize, whole: &str) -> Result<(u32, usize), GoError> {
        match self.s.as_bytes().get(t) {
            None => fail(Code::MissingBracket, whole),
            Some(b'\\') => self.parse_escape(t),
            Some(_) => Ok(next_rune(self.s, t)),
        }
    }

    /// Notes what the regex crate reads differently in the class at `t`, which Go accepted:
    /// a nested class, or a set operation. This follows the crate's class parser.
    fn note_class(&mut self, t: usize) {
        let (s, b) = (self.s, self.s.as_bytes());
        let mut p = t + 1 + usize::from(b.get(t + 1) == Some(&b'^'));
        let dashes = b[p..].iter().take_while(|&&c| c == b'-').count();
        p += dashes;
        if dashes % 3 == 2 && b.get(p) != Some(&b']') {
            // The crate reads every leading `-` as a literal; Go pairs them into ranges, the
            // last of which runs from `-` to the next character.
            self.notes.push(
                "`--` at the start of `[...]` is two literal `-` for the regex crate, but Go reads a range from `-` to the next character: escape them, as in `\\-\\-`".to_string(),
            );
            return;
        }
        if dashes == 0 && b.get(p) == Some(&b']') {
            p += 1;
        }
        let note = loop {
            match (b.get(p), b.get(p + 1)) {
                (None | Some(b']'), _) => return,
                (Some(b'['), _) => match posix_group_len(&s[p..]) {
                    Some(n) => p += n,
                    None => break "`[` inside `[...]` opens a nested class for the regex crate, but Go reads a literal `[`: write `\\[`".to_string(),
                },
                (Some(&c @ (b'&' | b'-' | b'~')), Some(&d)) if c == d => {
                    let op = &s[p..p + 2];
                    break format!("`{op}` inside `[...]` is a set operation for the regex crate, but Go reads literal characters or a range: escape them, as in `\\{c}\\{c}`", c = &op[..1]);
                }
                _ => {
                    p = class_item_end(s, p);
                    if b.get(p) == Some(&b'-') && !matches!(b.get(p + 1), Some(b']' | b'-')) {
                        p = class_item_end(s, p + 1);
                    }
                }
            }
        };
        self.notes.push(note);
    }

    /// Notes a `{` that Go reads literally: the regex crate repeats or refuses it.
    fn note_brace(&mut self, t: usize) {
        let s = self.s;
        let b = s.as_bytes();
        let after_b = t >= 2 && b[t - 1] == b'b' && {
            let slashes = b[..t - 1].iter().rev().take_while(|&&c| c == b'\\').count();
            slashes % 2 == 1
        };
        let end = s[t..].find('}').map_or(s.len(), |i| t + i + 1).min(t + 16);
        let frag = s.get(t..end).unwrap_or("{");
        self.notes.push(if after_b {
            format!(
                "`\\b{frag}` is a word-boundary assertion for the regex crate, but Go reads `\\b` then the literal text `{frag}`: use `\\b`"
            )
        } else {
            format!(
                "`{frag}` is not a repetition Go knows (`{{n}}`, `{{n,}}`, `{{n,m}}`: digits only, no spaces or leading zeros), so Go reads a literal `{{` where the regex crate repeats or refuses: write `\\{{`"
            )
        });
    }
}

/// Go's `parseInt` at `p`: no leading zeros; -1 for values of 10^8 or more.
fn parse_int(b: &[u8], p: usize) -> Option<(i32, usize)> {
    let digits = b
        .get(p..)?
        .iter()
        .take_while(|d| d.is_ascii_digit())
        .count();
    if digits == 0 || digits >= 2 && b[p] == b'0' {
        return None;
    }
    let mut n: i32 = 0;
    for &d in &b[p..p + digits] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i32::from(d - b'0');
    }
    Some((n, p + digits))
}

/// The length of the POSIX class (`[:alpha:]`) at the start of `s`, if it is one.
fn posix_group_len(s: &str) -> Option<usize> {
    let end = s.strip_prefix("[:")?.find(":]")? + 4;
    posix_group(&s[..end]).map(|_| end)
}

/// Where the class item at `p` (a character or an escape) ends, for `note_class`.
fn class_item_end(s: &str, p: usize) -> usize {
    let b = s.as_bytes();
    if b.get(p) != Some(&b'\\') {
        return next_rune(s, p).1;
    }
    match (b.get(p + 1), b.get(p + 2)) {
        (Some(b'x' | b'p' | b'P'), Some(b'{')) => s[p..].find('}').map_or(s.len(), |i| p + i + 1),
        (Some(b'x'), _) => (p + 4).min(s.len()),
        (Some(b'p' | b'P'), _) => next_rune(s, p + 2).1,
        _ => next_rune(s, p + 1).1,
    }
}

fn match_rune(n: &Node, r: u32) -> bool {
    match n.op {
        Op::Literal => n.runes.len() == 1 && n.runes[0] == r,
        Op::CharClass => n.runes.chunks(2).any(|p| p[0] <= r && r <= p[1]),
        Op::AnyCharNotNL => r != '\n' as u32,
        Op::AnyChar => true,
        _ => false,
    }
}

fn merge_tables(dst: &mut Option<Tables>, src: Option<&Tables>) {
    if let Some(src) = src {
        let d = dst.get_or_insert_with(Tables::default);
        for &p in &src.pieces {
            if let Err(i) = d.pieces.binary_search(&p) {
                d.pieces.insert(i, p);
            }
        }
        if let Some(c) = &src.complement {
            d.complement.get_or_insert_with(Vec::new).extend(c);
        }
        d.raw += src.raw;
    }
}

// ---- Go's rune-class helpers (range pairs lo, hi) ----

fn append_range(r: &mut Vec<u32>, lo: u32, hi: u32) {
    let n = r.len();
    for i in [2, 4] {
        if n >= i {
            let (rlo, rhi) = (r[n - i], r[n - i + 1]);
            if lo <= rhi + 1 && rlo <= hi + 1 {
                r[n - i] = rlo.min(lo);
                r[n - i + 1] = rhi.max(hi);
                return;
            }
        }
    }
    r.extend([lo, hi]);
}

fn append_literal(r: &mut Vec<u32>, x: u32, flags: u16) {
    if flags & FOLD_CASE != 0 {
        append_folded_range(r, x, x);
    } else {
        append_range(r, x, x);
    }
}

/// Go's `appendFoldedRange`, with `simple_fold`.
fn append_folded_range(r: &mut Vec<u32>, lo: u32, hi: u32) {
    const MIN_FOLD: u32 = 0x41;
    const MAX_FOLD: u32 = 0x1E943;
    if lo <= MIN_FOLD && hi >= MAX_FOLD || hi < MIN_FOLD || lo > MAX_FOLD {
        append_range(r, lo, hi);
        return;
    }
    let (mut lo, mut hi) = (lo, hi);
    if lo < MIN_FOLD {
        append_range(r, lo, MIN_FOLD - 1);
        lo = MIN_FOLD;
    }
    if hi > MAX_FOLD {
        append_range(r, MAX_FOLD + 1, hi);
        hi = MAX_FOLD;
    }
    for c in lo..=hi {
        append_range(r, c, c);
        let mut f = simple_fold(c);
        while f != c {
            append_range(r, f, f);
            f = simple_fold(f);
        }
    }
}

fn append_class(r: &mut Vec<u32>, x: &[u32]) {
    for p in x.chunks(2) {
        append_range(r, p[0], p[1]);
    }
}

fn append_negated_class(r: &mut Vec<u32>, x: &[u32]) {
    let mut next_lo = 0;
    for p in x.chunks(2) {
        if p[0] > next_lo {
            append_range(r, next_lo, p[0] - 1);
        }
        next_lo = p[1] + 1;
    }
    if next_lo <= MAX_RUNE {
        append_range(r, next_lo, MAX_RUNE);
    }
}

/// Go's `cleanClass`: sorts the ranges and merges overlapping or abutting ones.
fn clean_class(r: &mut Vec<u32>) {
    let mut pairs: Vec<(u32, u32)> = r.chunks(2).map(|p| (p[0], p[1])).collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<u32> = Vec::with_capacity(r.len());
    for (lo, hi) in pairs {
        match out.len() {
            n if n >= 2 && lo <= out[n - 1] + 1 => out[n - 1] = out[n - 1].max(hi),
            _ => out.extend([lo, hi]),
        }
    }
    *r = out;
}

/// Go's `negateClass`.
fn negated_class(r: &[u32]) -> Vec<u32> {
    let mut out = Vec::new();
    append_negated_class(&mut out, r);
    out
}

/// Go's `unicode.SimpleFold` for ASCII letters, `K` (U+212A) and `ſ` (U+017F); other runes
/// are left alone (see the module's approximations).
fn simple_fold(r: u32) -> u32 {
    match r {
        0x4B => 0x6B,
        0x6B => 0x212A,
        0x212A => 0x4B,
        0x53 => 0x73,
        0x73 => 0x17F,
        0x17F => 0x53,
        0x41..=0x5A => r + 32,
        0x61..=0x7A => r - 32,
        _ => r,
    }
}

fn min_fold_rune(r: u32) -> u32 {
    let mut min = r;
    let mut f = simple_fold(r);
    while f != r {
        min = min.min(f);
        f = simple_fold(f);
    }
    min
}

fn perl_group(name: &str) -> Option<(bool, &'static [u32])> {
    Some(match name {
        "\\d" => (false, &[0x30, 0x39]),
        "\\D" => (true, &[0x30, 0x39]),
        "\\s" => (false, &[0x9, 0xA, 0xC, 0xD, 0x20, 0x20]),
        "\\S" => (true, &[0x9, 0xA, 0xC, 0xD, 0x20, 0x20]),
        "\\w" => (false, &[0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A]),
        "\\W" => (true, &[0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A]),
        _ => return None,
    })
}

/// Go's POSIX classes, `[:name:]` or `[:^name:]`.
fn posix_group(name: &str) -> Option<(bool, &'static [u32])> {
    let inner = name.strip_prefix("[:")?.strip_suffix(":]")?;
    let (negated, inner) = match inner.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let class: &'static [u32] = match inner {
        "alnum" => &[0x30, 0x39, 0x41, 0x5A, 0x61, 0x7A],
        "alpha" => &[0x41, 0x5A, 0x61, 0x7A],
        "ascii" => &[0x0, 0x7F],
        "blank" => &[0x9, 0x9, 0x20, 0x20],
        "cntrl" => &[0x0, 0x1F, 0x7F, 0x7F],
        "digit" => &[0x30, 0x39],
        "graph" => &[0x21, 0x7E],
        "lower" => &[0x61, 0x7A],
        "print" => &[0x20, 0x7E],
        "punct" => &[0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E],
        "space" => &[0x9, 0xD, 0x20, 0x20],
        "upper" => &[0x41, 0x5A],
        "word" => &[0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A],
        "xdigit" => &[0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
        _ => return None,
    };
    Some((negated, class))
}

/// Go 1.19's `unicode.Categories` and `unicode.Scripts` (Unicode 13.0.0), sorted, with the
/// number of runes Go's parser holds for `\p{X}`, `\P{X}`, `(?i)\p{X}`, `(?i)\P{X}`.
/// (`Any` is handled apart.)
const UNICODE_TABLES: &[(&str, [u16; 4])] = &[
    ("Adlam", [6, 8, 6, 8]),
    ("Ahom", [6, 8, 6, 8]),
    ("Anatolian_Hieroglyphs", [2, 4, 2, 4]),
    ("Arabic", [114, 116, 114, 116]),
    ("Armenian", [8, 10, 8, 10]),
    ("Avestan", [4, 6, 4, 6]),
    ("Balinese", [4, 6, 4, 6]),
    ("Bamum", [4, 6, 4, 6]),
    ("Bassa_Vah", [4, 6, 4, 6]),
    ("Batak", [4, 6, 4, 6]),
    ("Bengali", [28, 30, 28, 30]),
    ("Bhaiksuki", [8, 10, 8, 10]),
    ("Bopomofo", [6, 8, 6, 8]),
    ("Brahmi", [6, 8, 6, 8]),
    ("Braille", [2, 4, 2, 4]),
    ("Buginese", [4, 6, 4, 6]),
    ("Buhid", [2, 4, 2, 4]),
    ("C", [50, 50, 50, 50]),
    ("Canadian_Aboriginal", [4, 6, 4, 6]),
    ("Carian", [2, 4, 2, 4]),
    ("Caucasian_Albanian", [4, 6, 4, 6]),
    ("Cc", [4, 4, 4, 4]),
    ("Cf", [40, 42, 40, 42]),
    ("Chakma", [4, 6, 4, 6]),
    ("Cham", [8, 10, 8, 10]),
    ("Cherokee", [6, 8, 6, 8]),
    ("Chorasmian", [2, 4, 2, 4]),
    ("Co", [6, 8, 6, 8]),
    ("Common", [346, 346, 350, 350]),
    ("Coptic", [6, 8, 6, 8]),
    ("Cs", [2, 4, 2, 4]),
    ("Cuneiform", [8, 10, 8, 10]),
    ("Cypriot", [12, 14, 12, 14]),
    ("Cyrillic", [16, 18, 16, 18]),
    ("Deseret", [2, 4, 2, 4]),
    ("Devanagari", [8, 10, 8, 10]),
    ("Dives_Akuru", [16, 18, 16, 18]),
    ("Dogra", [2, 4, 2, 4]),
    ("Duployan", [10, 12, 10, 12]),
    ("Egyptian_Hieroglyphs", [4, 6, 4, 6]),
    ("Elbasan", [2, 4, 2, 4]),
    ("Elymaic", [2, 4, 2, 4]),
    ("Ethiopic", [64, 66, 64, 66]),
    ("Georgian", [20, 22, 20, 22]),
    ("Glagolitic", [14, 16, 14, 16]),
    ("Gothic", [2, 4, 2, 4]),
    ("Grantha", [30, 32, 30, 32]),
    ("Greek", [72, 74, 76, 78]),
    ("Gujarati", [28, 30, 28, 30]),
    ("Gunjala_Gondi", [12, 14, 12, 14]),
    ("Gurmukhi", [32, 34, 32, 34]),
    ("Han", [38, 40, 38, 40]),
    ("Hangul", [28, 30, 28, 30]),
    ("Hanifi_Rohingya", [4, 6, 4, 6]),
    ("Hanunoo", [2, 4, 2, 4]),
    ("Hatran", [6, 8, 6, 8]),
    ("Hebrew", [18, 20, 18, 20]),
    ("Hiragana", [10, 12, 10, 12]),
    ("Imperial_Aramaic", [4, 6, 4, 6]),
    ("Inherited", [56, 58, 62, 64]),
    ("Inscriptional_Pahlavi", [4, 6, 4, 6]),
    ("Inscriptional_Parthian", [4, 6, 4, 6]),
    ("Javanese", [6, 8, 6, 8]),
    ("Kaithi", [4, 6, 4, 6]),
    ("Kannada", [26, 28, 26, 28]),
    ("Katakana", [18, 20, 18, 20]),
    ("Kayah_Li", [4, 6, 4, 6]),
    ("Kharoshthi", [16, 18, 16, 18]),
    ("Khitan_Small_Script", [4, 6, 4, 6]),
    ("Khmer", [8, 10, 8, 10]),
    ("Khojki", [4, 6, 4, 6]),
    ("Khudawadi", [4, 6, 4, 6]),
    ("L", [1244, 1246, 1246, 1248]),
    ("Lao", [22, 24, 22, 24]),
    ("Latin", [64, 66, 64, 66]),
    ("Lepcha", [6, 8, 6, 8]),
    ("Limbu", [10, 12, 10, 12]),
    ("Linear_A", [6, 8, 6, 8]),
    ("Linear_B", [14, 16, 14, 16]),
    ("Lisu", [4, 6, 4, 6]),
    ("Ll", [1290, 1292, 262, 264]),
    ("Lm", [122, 124, 122, 124]),
    ("Lo", [978, 980, 978, 980]),
    ("Lt", [20, 22, 18, 20]),
    ("Lu", [1276, 1278, 338, 340]),
    ("Lycian", [2, 4, 2, 4]),
    ("Lydian", [4, 6, 4, 6]),
    ("M", [580, 582, 586, 588]),
    ("Mahajani", [2, 4, 2, 4]),
    ("Makasar", [2, 4, 2, 4]),
    ("Malayalam", [14, 16, 14, 16]),
    ("Mandaic", [4, 6, 4, 6]),
    ("Manichaean", [4, 6, 4, 6]),
    ("Marchen", [6, 8, 6, 8]),
    ("Masaram_Gondi", [14, 16, 14, 16]),
    ("Mc", [350, 352, 350, 352]),
    ("Me", [10, 12, 10, 12]),
    ("Medefaidrin", [2, 4, 2, 4]),
    ("Meetei_Mayek", [6, 8, 6, 8]),
    ("Mende_Kikakui", [4, 6, 4, 6]),
    ("Meroitic_Cursive", [6, 8, 6, 8]),
    ("Meroitic_Hieroglyphs", [2, 4, 2, 4]),
    ("Miao", [6, 8, 6, 8]),
    ("Mn", [654, 656, 660, 662]),
    ("Modi", [4, 6, 4, 6]),
    ("Mongolian", [14, 16, 14, 16]),
    ("Mro", [6, 8, 6, 8]),
    ("Multani", [10, 12, 10, 12]),
    ("Myanmar", [6, 8, 6, 8]),
    ("N", [266, 268, 266, 268]),
    ("Nabataean", [4, 6, 4, 6]),
    ("Nandinagari", [6, 8, 6, 8]),
    ("Nd", [122, 124, 122, 124]),
    ("New_Tai_Lue", [8, 10, 8, 10]),
    ("Newa", [4, 6, 4, 6]),
    ("Nko", [4, 6, 4, 6]),
    ("Nl", [24, 26, 24, 26]),
    ("No", [142, 144, 142, 144]),
    ("Nushu", [4, 6, 4, 6]),
    ("Nyiakeng_Puachue_Hmong", [8, 10, 8, 10]),
    ("Ogham", [2, 4, 2, 4]),
    ("Ol_Chiki", [2, 4, 2, 4]),
    ("Old_Hungarian", [6, 8, 6, 8]),
    ("Old_Italic", [4, 6, 4, 6]),
    ("Old_North_Arabian", [2, 4, 2, 4]),
    ("Old_Permic", [2, 4, 2, 4]),
    ("Old_Persian", [4, 6, 4, 6]),
    ("Old_Sogdian", [2, 4, 2, 4]),
    ("Old_South_Arabian", [2, 4, 2, 4]),
    ("Old_Turkic", [2, 4, 2, 4]),
    ("Oriya", [28, 30, 28, 30]),
    ("Osage", [4, 6, 4, 6]),
    ("Osmanya", [4, 6, 4, 6]),
    ("P", [370, 372, 370, 372]),
    ("Pahawh_Hmong", [10, 12, 10, 12]),
    ("Palmyrene", [2, 4, 2, 4]),
    ("Pau_Cin_Hau", [2, 4, 2, 4]),
    ("Pc", [12, 14, 12, 14]),
    ("Pd", [36, 38, 36, 38]),
    ("Pe", [144, 146, 144, 146]),
    ("Pf", [20, 22, 20, 22]),
    ("Phags_Pa", [2, 4, 2, 4]),
    ("Phoenician", [4, 6, 4, 6]),
    ("Pi", [22, 24, 22, 24]),
    ("Po", [362, 364, 362, 364]),
    ("Ps", [150, 152, 150, 152]),
    ("Psalter_Pahlavi", [6, 8, 6, 8]),
    ("Rejang", [4, 6, 4, 6]),
    ("Runic", [4, 6, 4, 6]),
    ("S", [458, 460, 458, 460]),
    ("Samaritan", [4, 6, 4, 6]),
    ("Saurashtra", [4, 6, 4, 6]),
    ("Sc", [42, 44, 42, 44]),
    ("Sharada", [2, 4, 2, 4]),
    ("Shavian", [2, 4, 2, 4]),
    ("Siddham", [4, 6, 4, 6]),
    ("SignWriting", [6, 8, 6, 8]),
    ("Sinhala", [26, 28, 26, 28]),
    ("Sk", [60, 62, 60, 62]),
    ("Sm", [128, 130, 128, 130]),
    ("So", [364, 366, 364, 366]),
    ("Sogdian", [2, 4, 2, 4]),
    ("Sora_Sompeng", [4, 6, 4, 6]),
    ("Soyombo", [2, 4, 2, 4]),
    ("Sundanese", [4, 6, 4, 6]),
    ("Syloti_Nagri", [2, 4, 2, 4]),
    ("Syriac", [8, 10, 8, 10]),
    ("Tagalog", [4, 6, 4, 6]),
    ("Tagbanwa", [6, 8, 6, 8]),
    ("Tai_Le", [4, 6, 4, 6]),
    ("Tai_Tham", [10, 12, 10, 12]),
    ("Tai_Viet", [4, 6, 4, 6]),
    ("Takri", [4, 6, 4, 6]),
    ("Tamil", [36, 38, 36, 38]),
    ("Tangut", [8, 10, 8, 10]),
    ("Telugu", [24, 26, 24, 26]),
    ("Thaana", [2, 4, 2, 4]),
    ("Thai", [4, 6, 4, 6]),
    ("Tibetan", [14, 16, 14, 16]),
    ("Tifinagh", [6, 8, 6, 8]),
    ("Tirhuta", [4, 6, 4, 6]),
    ("Ugaritic", [4, 6, 4, 6]),
    ("Vai", [2, 4, 2, 4]),
    ("Wancho", [4, 6, 4, 6]),
    ("Warang_Citi", [4, 6, 4, 6]),
    ("Yezidi", [6, 8, 6, 8]),
    ("Yi", [4, 6, 4, 6]),
    ("Z", [16, 18, 16, 18]),
    ("Zanabazar_Square", [2, 4, 2, 4]),
    ("Zl", [2, 4, 2, 4]),
    ("Zp", [2, 4, 2, 4]),
    ("Zs", [14, 16, 14, 16]),
];

#[cfg(test)]
mod tests {
    use super::check;

    // Every verdict below is real Go's: go1.19.8 (Debian 12's golang-1.19, the toolchain of
    // its prometheus 2.42 and alertmanager 0.25) running syntax.Parse(v, syntax.Perl),
    // regexp.Compile("^(?:" + v + ")$") and regexp.Compile("^(?s:" + v + ")$").

    /// Go refuses these; the message names Go's error code.
    const GO_REFUSES: &[(&str, &str)] = &[
        (r"(?<n>x)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?<`
        (r"(?P<a.b>x)", "invalid named capture"),           // Go: invalid named capture: `(?P<a.b>`
        (r"(?P<>x)", "invalid named capture"),              // Go: invalid named capture: `(?P<>`
        (r"(?P<a", "invalid named capture"),                // Go: invalid named capture: `(?P<a`
        (r"(?P=a)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?P`
        (r"(?'n'x)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?'`
        (r"(?=a)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?=`
        (r"(?!a)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?!`
        (r"(?<=a)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?<`
        (r"(?>a)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?>`
        ("(?#c)", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?#`
        (r"(?x)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?x`
        (r"(?u)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?u`
        (r"(?R)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?R`
        (r"(?i-)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?i-)`
        (r"(?-)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?-)`
        (r"(?--i)a", "invalid or unsupported Perl syntax"), // Go: invalid or unsupported Perl syntax: `(?--`
        (r"(a", "missing closing )"),                       // Go: missing closing ): `(a`
        (r"a)", "unexpected )"),                            // Go: unexpected ): `a)`
        (r"a)(b", "unexpected )"),                          // Go: unexpected ): `a)(b`
        (r"a)|(b", "unexpected )"),                         // Go: unexpected ): `a)|(b`
        (r"a**", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `**`
        (r"a*+", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `*+`
        (r"a++", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `++`
        (r"a*??", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `*??`
        (r"a{2}{3}", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `{2}{3}`
        (r"a{2}*", "invalid nested repetition operator"), // Go: invalid nested repetition operator: `{2}*`
        (r"*", "missing argument to repetition operator"), // Go: missing argument to repetition operator: `*`
        (r"{2}", "missing argument to repetition operator"), // Go: missing argument to repetition operator: `{2}`
        (r"a|*", "missing argument to repetition operator"), // Go: missing argument to repetition operator: `*`
        (r"(*)", "missing argument to repetition operator"), // Go: missing argument to repetition operator: `*`
        (r"a{1001}", "invalid repeat count"),                // Go: invalid repeat count: `{1001}`
        (r"a{2,1001}", "invalid repeat count"),              // Go: invalid repeat count: `{2,1001}`
        (r"a{1001,}", "invalid repeat count"),               // Go: invalid repeat count: `{1001,}`
        (r"a{2,1}", "invalid repeat count"),                 // Go: invalid repeat count: `{2,1}`
        (r"a{100000000}", "invalid repeat count"), // Go: invalid repeat count: `{100000000}`
        (r"(a{1000}){1000}", "invalid repeat count"), // Go: invalid repeat count: `{1000}`
        (r"((a{100}){100}){100}", "invalid repeat count"), // Go: invalid repeat count: `{100}`
        (r"((a{10}){10}){11}", "invalid repeat count"), // Go: invalid repeat count: `{11}`
        (r"(?:a{2}){501}", "invalid repeat count"), // Go: invalid repeat count: `{501}`
        (r"(?:a{3}){334}", "invalid repeat count"), // Go: invalid repeat count: `{334}`
        (r"(?:a{2,}){501}", "invalid repeat count"), // Go: invalid repeat count: `{501}`
        (r"(?:a{0,2}){501}", "invalid repeat count"), // Go: invalid repeat count: `{501}`
        (r"(?:(?:a{1000}){1}){2}", "invalid repeat count"), // Go: invalid repeat count: `{2}`
        (r"\Z", "invalid escape sequence"),        // Go: invalid escape sequence: `\Z`
        (r"\e", "invalid escape sequence"),        // Go: invalid escape sequence: `\e`
        (r"\u0041", "invalid escape sequence"),    // Go: invalid escape sequence: `\u`
        (r"\U00000041", "invalid escape sequence"), // Go: invalid escape sequence: `\U`
        (r"\cA", "invalid escape sequence"),       // Go: invalid escape sequence: `\c`
        (r"\1", "invalid escape sequence"),        // Go: invalid escape sequence: `\1`
        (r"\8", "invalid escape sequence"),        // Go: invalid escape sequence: `\8`
        (r"\18", "invalid escape sequence"),       // Go: invalid escape sequence: `\1`
        (r"\x4", "invalid escape sequence"),       // Go: invalid escape sequence: `\x4`
        (r"\x{}", "invalid escape sequence"),      // Go: invalid escape sequence: `\x{}`
        (r"\x{110000}", "invalid escape sequence"), // Go: invalid escape sequence: `\x{110000`
        (r"\C", "invalid escape sequence"),        // Go: invalid escape sequence: `\C`
        (r"\N", "invalid escape sequence"),        // Go: invalid escape sequence: `\N`
        (r"\R", "invalid escape sequence"),        // Go: invalid escape sequence: `\R`
        (r"\h", "invalid escape sequence"),        // Go: invalid escape sequence: `\h`
        (r"\K", "invalid escape sequence"),        // Go: invalid escape sequence: `\K`
        (r"\G", "invalid escape sequence"),        // Go: invalid escape sequence: `\G`
        (r"\X", "invalid escape sequence"),        // Go: invalid escape sequence: `\X`
        (r"\o{101}", "invalid escape sequence"),   // Go: invalid escape sequence: `\o`
        (r"\é", "invalid escape sequence"),        // Go: invalid escape sequence: `\é`
        (r"\", "trailing backslash at end of expression"), // Go: trailing backslash at end of expression: ``
        (r"\Qa.b", "missing closing )"),                   // Go: missing closing ): `^(?:\Qa.b)$`
        (r"[\Q]\E]", "invalid escape sequence"),           // Go: invalid escape sequence: `\Q`
        (r"[\b]", "invalid escape sequence"),              // Go: invalid escape sequence: `\b`
        (r"[\z]", "invalid escape sequence"),              // Go: invalid escape sequence: `\z`
        (r"\pX", "invalid character class range"), // Go: invalid character class range: `\pX`
        (r"\p", "invalid character class range"),  // Go: invalid character class range: `\p`
        (r"\p{}", "invalid character class range"), // Go: invalid character class range: `\p{}`
        (r"\p{Emoji}", "invalid character class range"), // Go: invalid character class range: `\p{Emoji}`
        (r"\p{Alphabetic}", "invalid character class range"), // Go: invalid character class range: `\p{Alphabetic}`
        (r"\p{Greek_Extended}", "invalid character class range"), // Go: invalid character class range: `\p{Greek_Extended}`
        (r"\p{greek}", "invalid character class range"), // Go: invalid character class range: `\p{greek}`
        (r"\p{ L }", "invalid character class range"), // Go: invalid character class range: `\p{ L }`
        (r"\p{Script=Greek}", "invalid character class range"), // Go: invalid character class range: `\p{Script=Greek}`
        (r"\p{sc=Greek}", "invalid character class range"), // Go: invalid character class range: `\p{sc=Greek}`
        (r"\p{gc=Lu}", "invalid character class range"), // Go: invalid character class range: `\p{gc=Lu}`
        (r"\p{L&}", "invalid character class range"), // Go: invalid character class range: `\p{L&}`
        (r"\p{LC}", "invalid character class range"), // Go: invalid character class range: `\p{LC}`
        (r"\p{Cn}", "invalid character class range"), // Go: invalid character class range: `\p{Cn}`
        (r"\p{Latn}", "invalid character class range"), // Go: invalid character class range: `\p{Latn}`
        (r"\p{Letter}", "invalid character class range"), // Go: invalid character class range: `\p{Letter}`
        (r"\p{White_Space}", "invalid character class range"), // Go: invalid character class range: `\p{White_Space}`
        (r"\p{Vithkuqi}", "invalid character class range"), // Go: invalid character class range: `\p{Vithkuqi}`
        (r"\p{L", "invalid character class range"), // Go: invalid character class range: `\p{L`
        (r"[[:foo:]]", "invalid character class range"), // Go: invalid character class range: `[:foo:]`
        (r"[[:Alpha:]]", "invalid character class range"), // Go: invalid character class range: `[:Alpha:]`
        (r"[]", "missing closing ]"),                      // Go: missing closing ]: `[]`
        (r"[a", "missing closing ]"),                      // Go: missing closing ]: `[a`
        (r"[a--b]", "invalid character class range"), // Go: invalid character class range: `a--`
        (r"[a--]", "invalid character class range"),  // Go: invalid character class range: `a--`
        (r"[a-\d]", "invalid escape sequence"),       // Go: invalid escape sequence: `\d`
        (r"[z-a]", "invalid character class range"),  // Go: invalid character class range: `z-a`
    ];

    /// Go accepts these, and so does the checker: the regex crate reads them alike, or refuses
    /// them (its own error then stands).
    const GO_ACCEPTS: &[&str] = &[
        r"(?P<n>x)",                 // Go: ok
        r"(?P<1a>x)",                // Go: ok; the regex crate refuses it
        r"(?imsU)a",                 // Go: ok
        r"(?i-s:a)",                 // Go: ok
        r"(?)",                      // Go: ok; the regex crate refuses it
        r"(?:)",                     // Go: ok
        r"()",                       // Go: ok
        r"(?P<a>x)(?P<a>y)",         // Go: ok; the regex crate refuses it
        r"a*?",                      // Go: ok
        r"a{2}?",                    // Go: ok
        r"(?:a*)*",                  // Go: ok
        r"a(?i)*",                   // Go: ok; the regex crate refuses it
        r"^*",                       // Go: ok
        r"\b*",                      // Go: ok
        r"a{1000}",                  // Go: ok
        r"a{0,1000}",                // Go: ok
        r"((a{10}){10}){10}",        // Go: ok
        r"(?:a{2}){500}",            // Go: ok
        r"(?:a{3}){333}",            // Go: ok
        r"(?:a{2,}){500}",           // Go: ok
        r"(?:a{1000}){0}",           // Go: ok
        r"(?:(?:a{1000}){0}){1000}", // Go: ok
        r"(?:a{1000})*",             // Go: ok
        r"(?:a*){1000}",             // Go: ok
        r"\b{2}",                    // Go: ok
        r"\{2}",                     // Go: ok
        r"a\{2\}",                   // Go: ok
        r"\z",                       // Go: ok
        r"\A",                       // Go: ok
        r"\0",                       // Go: ok; the regex crate refuses it
        r"\012",                     // Go: ok; the regex crate refuses it
        r"\x41",                     // Go: ok
        r"\x{10FFFF}",               // Go: ok
        r"\x{D800}",                 // Go: ok; the regex crate refuses it
        r"\a",                       // Go: ok
        r"\f",                       // Go: ok
        r"\v",                       // Go: ok
        r"\_",                       // Go: ok
        r"\-",                       // Go: ok
        r"\ ",                       // Go: ok
        r"\%",                       // Go: ok
        r"\Qa.b\E",                  // Go: ok; the regex crate refuses it
        r"\Q\E",                     // Go: ok; the regex crate refuses it
        r"\pL",                      // Go: ok
        r"\pN",                      // Go: ok
        r"\p{L}",                    // Go: ok
        r"\p{Lu}",                   // Go: ok
        r"\p{Greek}",                // Go: ok
        r"\p{Han}",                  // Go: ok
        r"\p{Any}",                  // Go: ok
        r"\P{Any}",                  // Go: ok
        r"\p{^Greek}",               // Go: ok; the regex crate refuses it
        r"\P{^L}",                   // Go: ok; the regex crate refuses it
        r"\p{Zl}",                   // Go: ok
        r"\p{Cs}",                   // Go: ok; the regex crate refuses it
        r"\p{Braille}",              // Go: ok
        r"(?i)\p{Lu}",               // Go: ok
        r"\p{Yezidi}",               // Go: ok
        r"[[:word:]]",               // Go: ok
        r"[[:^alpha:]]",             // Go: ok
        r"[]a]",                     // Go: ok
        r"[^]a]",                    // Go: ok
        r"[a-]",                     // Go: ok
        r"[-a]",                     // Go: ok
        r"[a-b-c]",                  // Go: ok
        r"[a&b]",                    // Go: ok
        r"[~]",                      // Go: ok
        r"[a\&&b]",                  // Go: ok
        r"[a\-\-b]",                 // Go: ok
        r"[\d-z]",                   // Go: ok; the regex crate refuses it
        r"[\x00-\x{10FFFF}]",        // Go: ok
        r"[^\x00-\x{10FFFF}]",       // Go: ok
        r"(?i)[k]",                  // Go: ok
        r"[--]",                     // Go: ok
        r"[---x]",                   // Go: ok
        r"[!-&&b]",                  // Go: ok
        r"[[:alpha:]-z]",            // Go: ok
        r"[]-]",                     // Go: ok
        r"\s",                       // Go: ok
        r"[[:space:]]",              // Go: ok
        r"host-\d+\.example\.com",   // Go: ok
        r"(api|web)-[0-9]+",         // Go: ok
        r"5..",                      // Go: ok
        r"(?i)error|warn",           // Go: ok
        r".*foo.*",                  // Go: ok
        r"foo|bar|baz",              // Go: ok
        r"[[:alnum:]_-]+",           // Go: ok
        r"(prod|stag)-.*",           // Go: ok
        r"",                         // Go: ok
        r"|",                        // Go: ok
        r"a||b",                     // Go: ok
        r"^$",                       // Go: ok
        r"é|日本",                   // Go: ok
    ];

    /// Go accepts these but reads them differently from the regex crate (or the crate refuses
    /// them): the checker refuses them with a "Go reads" message.
    const GO_READS_DIFFERENTLY: &[&str] = &[
        r"a{",              // Go: ok; the regex crate refuses it
        r"a{,5}",           // Go: ok; the regex crate refuses it
        r"a{ 2 }",          // Go: ok; the regex crate reads it otherwise
        r"a{02}",           // Go: ok; the regex crate reads it otherwise
        r"a{2, 5}",         // Go: ok; the regex crate reads it otherwise
        r"x{a}",            // Go: ok; the regex crate refuses it
        r"{",               // Go: ok; the regex crate refuses it
        r"\b{start}",       // Go: ok; the regex crate reads it otherwise
        r"\b{end}",         // Go: ok; the regex crate reads it otherwise
        r"\b{start-half}",  // Go: ok; the regex crate reads it otherwise
        r"\<",              // Go: ok; the regex crate reads it otherwise
        r"\>",              // Go: ok; the regex crate reads it otherwise
        r"[\<]",            // Go: ok; the regex crate refuses it
        r"[[=a=]]",         // Go: ok; the regex crate reads it otherwise
        r"[[.a.]]",         // Go: ok; the regex crate reads it otherwise
        r"[a[bc]]",         // Go: ok; the regex crate reads it otherwise
        r"[[]",             // Go: ok; the regex crate refuses it
        r"[!--]",           // Go: ok; the regex crate reads it otherwise
        r"[--a]",           // Go: ok; the regex crate reads it otherwise
        r"[a-z--b]",        // Go: ok; the regex crate reads it otherwise
        r"[a&&b]",          // Go: ok; the regex crate reads it otherwise
        r"[&&]",            // Go: ok; the regex crate reads it otherwise
        r"[a~~b]",          // Go: ok; the regex crate reads it otherwise
        r"[a-z&&[^aeiou]]", // Go: ok; the regex crate reads it otherwise
        r"[--x]",           // Go: ok; the regex crate reads it otherwise
        r"[^--x]",          // Go: ok; the regex crate reads it otherwise
    ];

    #[test]
    fn refuses_what_go_refuses() {
        for (re, code) in GO_REFUSES {
            let e = check(re).expect_err(re);
            assert!(e.ends_with(&format!("(Go: {code})")), "{re}: {e}");
        }
    }

    #[test]
    fn accepts_what_go_accepts() {
        for re in GO_ACCEPTS {
            assert_eq!(check(re), Ok(()), "{re}");
        }
    }

    #[test]
    fn refuses_what_go_reads_differently() {
        for re in GO_READS_DIFFERENTLY {
            let e = check(re).expect_err(re);
            assert!(e.contains("Go reads"), "{re}: {e}");
        }
    }

    #[test]
    fn messages_name_the_construct() {
        assert_eq!(
            check("(?<name>x)").unwrap_err(),
            "`(?<name>...)` named groups are not in Go 1.19's regexp: write `(?P<name>...)` (Go: invalid or unsupported Perl syntax)"
        );
        assert!(check(r"\p{Emoji}").unwrap_err().contains(r"`\p{Emoji}`"));
        assert!(check("a{1001}").unwrap_err().contains("`{1001}`"));
        assert!(check("[a[bc]]").unwrap_err().contains("nested class"));
        assert!(check(r"\b{start}").unwrap_err().contains(r"`\b{start}`"));
    }

    fn literal(n: usize) -> String {
        format!("(?:{}){{1000}}", "a".repeat(n))
    }
    fn empty_groups(n: usize) -> String {
        format!("(?:{}a){{1000}}", "(?:)".repeat(n))
    }
    fn zero_repeats(n: usize) -> String {
        format!("(?:{}){{1000}}", "a{0}".repeat(n))
    }
    fn captures(n: usize) -> String {
        format!("(?:{}){{1000}}", "()".repeat(n))
    }
    fn anchors(n: usize) -> String {
        format!("(?:{}){{1000}}", "^".repeat(n))
    }
    fn repeats_in_a_row(n: usize) -> String {
        format!("(?:){}", "(?:){1000}".repeat(n))
    }
    fn nested_captures(n: usize) -> String {
        format!("{}a{}", "(".repeat(n), ")".repeat(n))
    }
    fn trie(n: usize) -> String {
        let alts: Vec<String> = (1..n).map(|i| format!("{}b", "a".repeat(i))).collect();
        alts.join("|")
    }
    fn alternation(n: usize) -> String {
        let first = |i: usize| char::from_u32(0x100 + i as u32).unwrap();
        let alts: Vec<String> = (0..n)
            .map(|i| format!("{}{}", first(i), "p".repeat(30)))
            .collect();
        format!("(?:{}){{1000}}", alts.join("|"))
    }
    fn factored_alternation(n: usize) -> String {
        let alts: Vec<String> = (0..n).map(|i| format!("common-prefix-{i}-x")).collect();
        format!("(?:{}){{1000}}", alts.join("|"))
    }
    fn letters(n: usize) -> String {
        vec![r"\pL"; n].join("|")
    }
    fn non_letters(n: usize) -> String {
        vec![r"[^\pL]"; n].join("|")
    }
    fn folded_upper(n: usize) -> String {
        format!("(?i){}", vec![r"\p{Lu}"; n].join("|"))
    }

    /// The largest count Go 1.19.8 accepts in each family, found by bisection against Go: one
    /// more fails with "internal error" (size or rune budget) or "expression nests too deeply".
    #[test]
    fn go_budgets() {
        type Make = fn(usize) -> String;
        let families: [(Make, usize); 13] = [
            (literal, 3355),
            (empty_groups, 3354),
            (zero_repeats, 3355),
            (captures, 1118),
            (anchors, 3355),
            (repeats_in_a_row, 3355),
            (nested_captures, 998),
            (trie, 501),
            (alternation, 104),
            (factored_alternation, 813),
            (letters, 13485),
            (non_letters, 13463),
            (folded_upper, 49635),
        ];
        for (make, max) in families {
            assert_eq!(check(&make(max)), Ok(()), "{}", &make(max)[..20]);
            assert!(check(&make(max + 1)).is_err(), "{}", &make(max)[..20]);
        }
    }

    /// Decodes one JSON string literal, as the corpus writes regexes.
    fn unjson(s: &str) -> String {
        let mut out = String::new();
        let mut it = s[1..s.len() - 1].chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match it.next().unwrap() {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = it.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                }
                c => out.push(c),
            }
        }
        out
    }

    /// tests/re2/corpus.tsv holds real Go's verdict on about 6,700 regexes: the checker agrees on
    /// every one, except that it also refuses what Go reads differently from the regex crate.
    #[test]
    fn agrees_with_go_on_the_corpus() {
        let corpus = include_str!("../tests/re2/corpus.tsv");
        let mut rows = 0;
        for line in corpus.lines().skip(1) {
            let mut cols = line.splitn(3, '\t');
            let (re, verdict) = (cols.next().unwrap(), cols.next().unwrap());
            let message = cols.next().unwrap_or("");
            match (verdict, check(&unjson(re))) {
                ("ok", Ok(())) => {}
                ("ok", Err(e)) => assert!(e.contains("Go reads"), "{re}: Go accepts; {e}"),
                (_, Err(e)) => {
                    let code = e.rsplit("(Go: ").next().unwrap().strip_suffix(')').unwrap();
                    assert!(!e.contains("Go reads"), "{re}: Go says {message}; {e}");
                    assert!(message.contains(code), "{re}: Go says {message}; {e}");
                }
                (_, Ok(())) => panic!("{re}: Go says {message}, check accepts"),
            }
            rows += 1;
        }
        assert!(rows > 6000, "{rows}");
    }
}
