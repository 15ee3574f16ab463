//! Go `text/template` syntax checking: a port of the parsing half of Go 1.19's
//! `text/template/parse` (`lex.go`, `parse.go`, and the literal checks of `node.go` with the
//! `strconv` and `fmt.Sscan` code they call), so that a template text is rejected exactly when
//! `template.New(name).Funcs(funcs).Parse(text)` rejects it, with Go's error message.
//!
//! Prometheus 2.42 (alert annotations and labels) and Alertmanager 0.25 (receiver texts) are built
//! with Go 1.19 and parse with this code. Everything Go checks at parse time is checked here:
//!
//! - lexing: unclosed actions, comments and parentheses, trim markers (`{{- ` needs the space:
//!   `{{-3}}` is the number -3), unterminated strings, raw strings and character constants, bad
//!   number syntax, characters that may not follow an identifier (`{{.a+1}}`);
//! - literals: escapes in strings and characters, integer overflow, out-of-range floats,
//!   complex numbers as `fmt.Sscan` reads them;
//! - structure: `{{end}}` and `{{else}}` where no block is open, missing `{{end}}`, `else if`
//!   chains (only in `if`), `break`/`continue` outside `range` (Go 1.18+), `define`, `template`
//!   and `block` clauses, multiple definitions of one template;
//! - pipelines: empty pipelines (`missing value for if`), unexpected tokens, declarations
//!   (`:=`/`=`; at most two in `range`, one elsewhere), literals as later pipeline stages, fields
//!   on literals (`unexpected . after term`);
//! - names: functions that are neither Go builtins nor in `funcs`, variables used outside the
//!   scope of their declaration (scopes end at the `{{end}}` of `if`/`range`/`with`; `define` and
//!   `block` bodies start with only `$`).
//!
//! Not ported: building the parse tree beyond what these checks need, custom delimiters, the
//! `ParseComments` and `SkipFuncCheck` modes. Go's `strconv.IsPrint` is approximated for
//! non-ASCII characters; it only decides how a character is quoted in a message, never a verdict.
//! Which characters may form identifiers comes from Go's own Unicode 13 tables (`GO_ALNUM`).
//!
//! `tests/gotemplate/corpus.jsonl` holds Go 1.19's verdicts and messages for several thousand
//! texts; the last test below compares this port against every line.

use std::collections::HashMap;
use std::fmt;

/// Go 1.19's builtin template functions (`text/template/funcs.go`).
const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Why Go rejects a template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the `{{` that opens the offending action.
    pub start: usize,
    /// Byte offset just past the offending action's `}}` (or the end of the text).
    pub end: usize,
    /// The line Go names in its message.
    pub line: usize,
    /// Go's message, without its `template: NAME:LINE: ` prefix.
    pub message: String,
}

impl ParseError {
    /// The error exactly as Go prints it for a template called `name`.
    pub fn go_error(&self, name: &str) -> String {
        format!("template: {name}:{}: {}", self.line, self.message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Checks `text` as Go's `template.New("x").Funcs(funcs).Parse(text)` does.
///
/// `funcs` are the functions defined besides Go's builtins. `predefined_vars` (spelled with
/// their `$`) are declared at the top level before the text, as if it started with
/// `{{$labels := .Labels}}` and so on: Prometheus prepends exactly such actions to every alert
/// template, so pass `["$labels", "$externalLabels", "$externalURL", "$value"]` there.
pub fn parse(text: &str, funcs: &[&str], predefined_vars: &[&str]) -> Result<(), ParseError> {
    parse_named("x", text, funcs, predefined_vars)
}

/// [`parse`] for a template called `name`, which matters only when the text also `define`s a
/// template of that name (Prometheus names alert templates `__alert_ALERTNAME`, Alertmanager
/// names receiver texts `""`).
pub fn parse_named<'t>(
    name: &'t str,
    text: &'t str,
    funcs: &'t [&'t str],
    predefined_vars: &[&'t str],
) -> Result<(), ParseError> {
    let mut shared = Shared {
        text,
        parse_name: name,
        lexed: lex(text),
        cursor: 0,
        funcs,
        trees: HashMap::new(),
        open: Vec::new(),
    };
    let mut top = Tree::new(&mut shared, name.as_bytes().to_vec(), None);
    top.vars.extend_from_slice(predefined_vars);
    // The actions that declare predefined variables make the top-level tree non-empty.
    let nonempty = top.parse_top()? || !predefined_vars.is_empty();
    top.add(nonempty)
}

// ---------------------------------------------------------------------------------------------
// Lexer (lex.go)
// ---------------------------------------------------------------------------------------------

/// The kinds of lexical items, in lex.go's order; those from `Block` on are keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Ty {
    fn is_keyword(self) -> bool {
        self as u8 >= Ty::Block as u8
    }
}

/// A lexical item: its kind, byte range and line. An `Error` item's text is the lexer's message.
#[derive(Clone, Copy, Debug)]
struct Item {
    ty: Ty,
    pos: usize,
    end: usize,
    line: usize,
}

/// What Go's parser reads from the lexer's closed channel: an empty `Error` item on line 0.
const ZERO_ITEM: Item = Item { ty: Ty::Error, pos: 0, end: 0, line: 0 };

/// The lexer's whole output. Go lexes lazily, but what it emits never depends on the parser.
struct Lexed {
    items: Vec<Item>,
    /// The message of the final `Error` item, if the lexer stopped at an error.
    error: String,
    /// Byte offsets of every `{{`, comments included, in order.
    action_starts: Vec<usize>,
}

/// The lexer's state functions.
#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

struct Lexer<'t> {
    input: &'t str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i32,
    line: usize,
    start_line: usize,
    out: Lexed,
}

fn lex(input: &str) -> Lexed {
    let mut l = Lexer {
        input,
        pos: 0,
        start: 0,
        at_eof: false,
        paren_depth: 0,
        line: 1,
        start_line: 1,
        out: Lexed { items: Vec::new(), error: String::new(), action_starts: Vec::new() },
    };
    let mut state = Some(State::Text);
    while let Some(s) = state {
        state = match s {
            State::Text => l.lex_text(),
            State::LeftDelim => l.lex_left_delim(),
            State::Comment => l.lex_comment(),
            State::RightDelim => l.lex_right_delim(),
            State::InsideAction => l.lex_inside_action(),
            State::Space => l.lex_space(),
            State::Identifier => l.lex_identifier(),
            State::Field => l.lex_field_or_variable(Ty::Field),
            State::Variable => l.lex_variable(),
            State::Char => l.lex_quoted('\'', "unterminated character constant", Ty::CharConstant),
            State::Number => l.lex_number(),
            State::Quote => l.lex_quoted('"', "unterminated quoted string", Ty::String),
            State::RawQuote => l.lex_raw_quote(),
        };
    }
    l.out
}

const LEFT_DELIM: &[u8] = b"{{";
const RIGHT_DELIM: &[u8] = b"}}";

/// Go's `isSpace`: the ASCII spaces a template separates arguments with.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: `_`, `unicode.IsLetter` or `unicode.IsDigit`.
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    let c = u32::from(c);
    GO_ALNUM
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(char::from(s[1]))
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(char::from(s[0])) && s[1] == b'-'
}

/// Length of the run of ASCII spaces ending `s` (Go's `rightTrimLength`).
fn right_trim_length(s: &[u8]) -> usize {
    s.iter().rev().take_while(|&&b| is_space(char::from(b))).count()
}

/// Length of the run of ASCII spaces starting `s` (Go's `leftTrimLength`).
fn left_trim_length(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| is_space(char::from(b))).count()
}

fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

impl Lexer<'_> {
    fn rest(&self, at: usize) -> &[u8] {
        &self.input.as_bytes()[at..]
    }

    fn next(&mut self) -> Option<char> {
        let Some(c) = self.input[self.pos..].chars().next() else {
            self.at_eof = true;
            return None;
        };
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    /// Steps back one character; like Go's, a no-op once the end of input has been read.
    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(c) = self.input[..self.pos].chars().next_back() {
                self.pos -= c.len_utf8();
                if c == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn emit(&mut self, ty: Ty) {
        let item = Item { ty, pos: self.start, end: self.pos, line: self.start_line };
        self.out.items.push(item);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn ignore(&mut self) {
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    /// Emits an error item and stops lexing.
    fn errorf(&mut self, message: String) -> Option<State> {
        let item = Item { ty: Ty::Error, pos: self.start, end: self.pos, line: self.start_line };
        self.out.items.push(item);
        self.out.error = message;
        None
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while matches!(self.next(), Some(c) if valid.contains(c)) {}
        self.backup();
    }

    /// Whether a right delimiter, possibly trim-marked, starts here: (delimiter, trim marker).
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest(self.pos);
        if has_right_trim_marker(rest) && rest[2..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        (rest.starts_with(RIGHT_DELIM), false)
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None | Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(c) if is_space(c) => true,
            _ => self.rest(self.pos).starts_with(RIGHT_DELIM),
        }
    }

    fn lex_text(&mut self) -> Option<State> {
        let found = self.rest(self.pos).windows(2).position(|w| w == LEFT_DELIM);
        let Some(x) = found else {
            self.pos = self.input.len();
            if self.pos > self.start {
                self.line += count_newlines(&self.input[self.start..self.pos]);
                self.emit(Ty::Text);
            }
            self.emit(Ty::Eof);
            return None;
        };
        self.pos += x;
        let mut trim = 0;
        if has_left_trim_marker(self.rest(self.pos + LEFT_DELIM.len())) {
            trim = right_trim_length(&self.input.as_bytes()[self.start..self.pos]);
        }
        self.pos -= trim;
        if self.pos > self.start {
            self.line += count_newlines(&self.input[self.start..self.pos]);
            self.emit(Ty::Text);
        }
        self.pos += trim;
        self.ignore();
        Some(State::LeftDelim)
    }

    fn lex_left_delim(&mut self) -> Option<State> {
        self.out.action_starts.push(self.pos);
        self.pos += LEFT_DELIM.len();
        let after_marker = if has_left_trim_marker(self.rest(self.pos)) { 2 } else { 0 };
        if self.rest(self.pos + after_marker).starts_with(b"/*") {
            self.pos += after_marker;
            self.ignore();
            return Some(State::Comment);
        }
        self.emit(Ty::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Some(State::InsideAction)
    }

    fn lex_comment(&mut self) -> Option<State> {
        self.pos += 2;
        let Some(i) = self.rest(self.pos).windows(2).position(|w| w == b"*/") else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += i + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += left_trim_length(self.rest(self.pos));
        }
        self.ignore();
        Some(State::Text)
    }

    fn lex_right_delim(&mut self) -> Option<State> {
        let trim = has_right_trim_marker(self.rest(self.pos));
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        self.emit(Ty::RightDelim);
        if trim {
            self.pos += left_trim_length(self.rest(self.pos));
            self.ignore();
        }
        Some(State::Text)
    }

    fn lex_inside_action(&mut self) -> Option<State> {
        if self.at_right_delim().0 {
            if self.paren_depth == 0 {
                return Some(State::RightDelim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(c) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match c {
            _ if is_space(c) => {
                self.backup(); // Put space back in case we have " -}}".
                return Some(State::Space);
            }
            '=' => self.emit(Ty::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(Ty::Declare);
            }
            '|' => self.emit(Ty::Pipe),
            '"' => return Some(State::Quote),
            '`' => return Some(State::RawQuote),
            '$' => return Some(State::Variable),
            '\'' => return Some(State::Char),
            '.' if self.rest(self.pos).first().is_some_and(|b| !b.is_ascii_digit()) => {
                return Some(State::Field);
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.backup();
                return Some(State::Number);
            }
            _ if is_alphanumeric(c) => {
                self.backup();
                return Some(State::Identifier);
            }
            '(' => {
                self.emit(Ty::LeftParen);
                self.paren_depth += 1;
            }
            ')' => {
                self.emit(Ty::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf(format!("unexpected right paren {}", go_unicode(c)));
                }
            }
            ' '..='~' => self.emit(Ty::Char),
            _ => {
                return self.errorf(format!("unrecognized character in action: {}", go_unicode(c)));
            }
        }
        Some(State::InsideAction)
    }

    fn lex_space(&mut self) -> Option<State> {
        let mut spaces = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            spaces += 1;
        }
        // A trim-marked right delimiter starts with a space: leave that space to it.
        let rest = self.rest(self.pos - 1);
        if has_right_trim_marker(rest) && rest[2..].starts_with(RIGHT_DELIM) {
            self.backup();
            if spaces == 1 {
                return Some(State::RightDelim);
            }
        }
        self.emit(Ty::Space);
        Some(State::InsideAction)
    }

    fn lex_identifier(&mut self) -> Option<State> {
        let mut c = self.next();
        while c.is_some_and(is_alphanumeric) {
            c = self.next();
        }
        self.backup();
        if !self.at_terminator() {
            return self.bad_character(c);
        }
        let ty = match &self.input[self.start..self.pos] {
            "block" => Ty::Block,
            "break" => Ty::Break,
            "continue" => Ty::Continue,
            "define" => Ty::Define,
            "else" => Ty::Else,
            "end" => Ty::End,
            "if" => Ty::If,
            "range" => Ty::Range,
            "nil" => Ty::Nil,
            "template" => Ty::Template,
            "with" => Ty::With,
            "true" | "false" => Ty::Bool,
            _ => Ty::Identifier,
        };
        self.emit(ty);
        Some(State::InsideAction)
    }

    /// The identifier ends at `c`, which cannot follow it (`c` is never the end of input,
    /// which does terminate an identifier).
    fn bad_character(&mut self, c: Option<char>) -> Option<State> {
        let shown = c.map(go_unicode).unwrap_or_default();
        self.errorf(format!("bad character {shown}"))
    }

    fn lex_variable(&mut self) -> Option<State> {
        if self.at_terminator() {
            self.emit(Ty::Variable);
            return Some(State::InsideAction);
        }
        self.lex_field_or_variable(Ty::Variable)
    }

    /// Scans `.Alphanumeric` or `$Alphanumeric`, whose first character has been read.
    fn lex_field_or_variable(&mut self, ty: Ty) -> Option<State> {
        if self.at_terminator() {
            self.emit(if ty == Ty::Variable { Ty::Variable } else { Ty::Dot });
            return Some(State::InsideAction);
        }
        let mut c = self.next();
        while c.is_some_and(is_alphanumeric) {
            c = self.next();
        }
        self.backup();
        if !self.at_terminator() {
            return self.bad_character(c);
        }
        self.emit(ty);
        Some(State::InsideAction)
    }

    /// Scans a quoted string or character constant whose opening quote has been read.
    fn lex_quoted(&mut self, quote: char, unterminated: &str, ty: Ty) -> Option<State> {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), None | Some('\n')) {
                        return self.errorf(unterminated.into());
                    }
                }
                None | Some('\n') => return self.errorf(unterminated.into()),
                Some(c) if c == quote => break,
                Some(_) => {}
            }
        }
        self.emit(ty);
        Some(State::InsideAction)
    }

    fn lex_raw_quote(&mut self) -> Option<State> {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(Ty::RawString);
        Some(State::InsideAction)
    }

    fn lex_number(&mut self) -> Option<State> {
        if !self.scan_number() {
            return self.bad_number();
        }
        if matches!(self.peek(), Some('+' | '-')) {
            // Complex: 1+2i. No spaces, must end in 'i'.
            if !self.scan_number() || self.input.as_bytes()[self.pos - 1] != b'i' {
                return self.bad_number();
            }
            self.emit(Ty::Complex);
        } else {
            self.emit(Ty::Number);
        }
        Some(State::InsideAction)
    }

    fn bad_number(&mut self) -> Option<State> {
        let text = go_quote(&self.input[self.start..self.pos]);
        self.errorf(format!("bad number syntax: {text}"))
    }

    /// Go's deliberately loose number scanner; the parser checks the literal properly.
    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alphanumeric) {
            self.next();
            return false;
        }
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Parser (parse.go)
// ---------------------------------------------------------------------------------------------

type PResult<T> = Result<T, ParseError>;

/// What the trees being parsed share: Go's lexer, function maps and tree set.
struct Shared<'t> {
    text: &'t str,
    /// The top-level template's name, which every error message names.
    parse_name: &'t str,
    lexed: Lexed,
    /// The next item to hand out.
    cursor: usize,
    funcs: &'t [&'t str],
    /// Templates defined so far: whether the definition is non-empty, and where it starts.
    trees: HashMap<Vec<u8>, (bool, usize)>,
    /// Where the actions of the blocks still waiting for their `{{end}}` start, innermost last.
    open: Vec<usize>,
}

impl Shared<'_> {
    fn next_item(&mut self) -> Item {
        let item = self.lexed.items.get(self.cursor).copied().unwrap_or(ZERO_ITEM);
        self.cursor += 1;
        item
    }

    /// The byte range of the action holding byte `at`: from its `{{` to its `}}`.
    fn action_span(&self, at: usize) -> (usize, usize) {
        let starts = &self.lexed.action_starts;
        let start = starts.iter().rev().find(|&&s| s <= at).copied().unwrap_or(0);
        let closing = self.lexed.items.iter().find(|i| i.ty == Ty::RightDelim && i.end > at);
        let end = match closing {
            Some(item) => item.end,
            None => self.text[at..].find("}}").map_or(self.text.len(), |i| at + i + 2),
        };
        (start, end)
    }
}

/// The list nodes the checks need to tell apart.
#[derive(Clone, Copy)]
enum Node {
    Text { blank: bool },
    Action,
    End(usize),
    Else(usize),
}

impl Node {
    /// Go's `IsEmptyTree` for one node of a list.
    fn is_empty(self) -> bool {
        matches!(self, Node::Text { blank: true })
    }
}

/// What the checks need to know about an operand.
#[derive(Clone, Copy)]
enum Arg {
    /// A boolean, number, string, `nil` or `.`: not executable, and takes no fields.
    Literal(Item),
    Field,
    Variable,
    /// A function, a parenthesized pipeline or a chain of fields on one.
    Other,
}

/// One template being parsed: the top-level one, or a `define` or `block` body.
struct Tree<'s, 't> {
    sh: &'s mut Shared<'t>,
    name: Vec<u8>,
    /// Where the `define` or `block` action starts; `None` for the top-level template.
    start: Option<usize>,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<&'t str>,
    action_line: usize,
    /// Where the action being parsed starts.
    action_pos: usize,
    range_depth: usize,
}

impl<'s, 't> Tree<'s, 't> {
    fn new(sh: &'s mut Shared<'t>, name: Vec<u8>, start: Option<usize>) -> Self {
        Tree {
            sh,
            name,
            start,
            token: [ZERO_ITEM; 3],
            peek_count: 0,
            vars: vec!["$"],
            action_line: 0,
            action_pos: 0,
            range_depth: 0,
        }
    }

    // Token look-ahead, exactly as Go's three-item buffer.

    fn next(&mut self) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.sh.next_item();
        }
        self.token[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1];
        }
        self.peek_count = 1;
        self.token[0] = self.sh.next_item();
        self.token[0]
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let token = self.next();
            if token.ty != Ty::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let token = self.next_non_space();
        self.backup();
        token
    }

    // Item text and errors.

    fn val(&self, item: Item) -> &'t str {
        let text: &'t str = self.sh.text;
        &text[item.pos..item.end]
    }

    /// Go's `item.String()`.
    fn describe(&self, item: Item) -> String {
        match item.ty {
            Ty::Eof => "EOF".into(),
            Ty::Error if item.line == 0 => String::new(),
            Ty::Error => self.sh.lexed.error.clone(),
            ty if ty.is_keyword() => format!("<{}>", self.val(item)),
            _ => {
                let val = self.val(item);
                if val.len() > 10 {
                    format!("{}...", go_quote(&val.chars().take(10).collect::<String>()))
                } else {
                    go_quote(val)
                }
            }
        }
    }

    /// An error in the action holding byte `at`, on the line Go reports.
    fn errorf(&self, at: usize, message: String) -> ParseError {
        let (start, end) = self.sh.action_span(at);
        ParseError { start, end, line: self.token[0].line, message }
    }

    fn unexpected(&self, token: Item, context: &str) -> ParseError {
        if token.ty != Ty::Error {
            let message = format!("unexpected {} in {context}", self.describe(token));
            return self.errorf(token.pos, message);
        }
        let mut message = self.describe(token);
        if self.action_line != 0 && self.action_line != token.line {
            let started = format!("{}:{}", self.sh.parse_name, self.action_line);
            if message.ends_with(" action") {
                message = format!("{message} started at {started}"); // avoid "action in action"
            } else {
                message = format!("{message} in action started at {started}");
            }
        }
        self.errorf(token.pos, message)
    }

    fn expect(&mut self, expected: Ty, context: &str) -> PResult<Item> {
        self.expect_one_of(expected, expected, context)
    }

    fn expect_one_of(&mut self, expected1: Ty, expected2: Ty, context: &str) -> PResult<Item> {
        let token = self.next_non_space();
        if token.ty != expected1 && token.ty != expected2 {
            return Err(self.unexpected(token, context));
        }
        Ok(token)
    }

    /// Records the tree in the tree set, as Go's `add`.
    fn add(&mut self, nonempty: bool) -> PResult<()> {
        match self.sh.trees.get(&self.name) {
            Some(&(true, defined_at)) if nonempty => {
                let name = go_quote(&String::from_utf8_lossy(&self.name));
                let message = format!("template: multiple definition of template {name}");
                Err(self.errorf(self.start.unwrap_or(defined_at), message))
            }
            Some(&(true, _)) => Ok(()),
            _ => {
                let at = self.start.unwrap_or(0);
                self.sh.trees.insert(self.name.clone(), (nonempty, at));
                Ok(())
            }
        }
    }

    // Templates and lists.

    /// Go's `parse`: the top level, where `define` may appear. Returns whether the tree is
    /// non-empty.
    fn parse_top(&mut self) -> PResult<bool> {
        let mut nonempty = false;
        while self.peek().ty != Ty::Eof {
            if self.peek().ty == Ty::LeftDelim {
                let delim = self.next();
                if self.next_non_space().ty == Ty::Define {
                    let name = b"definition".to_vec();
                    Tree::new(&mut *self.sh, name, Some(delim.pos)).parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Node::End(at) => return Err(self.errorf(at, "unexpected {{end}}".into())),
                Node::Else(at) => return Err(self.errorf(at, "unexpected {{else}}".into())),
                node => nonempty |= !node.is_empty(),
            }
        }
        Ok(nonempty)
    }

    /// `{{define "name"}} itemList {{end}}`; the `define` keyword is past.
    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let token = self.expect_one_of(Ty::String, Ty::RawString, CONTEXT)?;
        self.name = self.unquote(token)?;
        self.expect(Ty::RightDelim, CONTEXT)?;
        self.sh.open.push(self.start.unwrap_or(0));
        let (nonempty, end) = self.item_list()?;
        if let Node::Else(at) = end {
            return Err(self.errorf(at, format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        self.sh.open.pop();
        self.add(nonempty)
    }

    /// Nodes up to an `{{end}}` or `{{else}}`, which is returned with whether the list is
    /// non-empty.
    fn item_list(&mut self) -> PResult<(bool, Node)> {
        let mut nonempty = false;
        self.peek_non_space();
        while self.peek_non_space().ty != Ty::Eof {
            match self.text_or_action()? {
                end @ (Node::End(_) | Node::Else(_)) => return Ok((nonempty, end)),
                node => nonempty |= !node.is_empty(),
            }
        }
        let open = self.sh.open.last().copied().unwrap_or(self.sh.text.len());
        Err(self.errorf(open, "unexpected EOF".into()))
    }

    fn text_or_action(&mut self) -> PResult<Node> {
        let token = self.next_non_space();
        match token.ty {
            Ty::Text => Ok(Node::Text { blank: self.val(token).trim().is_empty() }),
            Ty::LeftDelim => {
                self.action_line = token.line;
                self.action_pos = token.pos;
                let node = self.action();
                self.action_line = 0;
                node
            }
            _ => Err(self.unexpected(token, "input")),
        }
    }

    /// A control structure or a pipeline; the left delimiter is past.
    fn action(&mut self) -> PResult<Node> {
        let token = self.next_non_space();
        match token.ty {
            Ty::Block => self.block_control(),
            Ty::Break | Ty::Continue => self.break_control(token),
            Ty::Else => self.else_control(),
            Ty::End => Ok(Node::End(self.expect(Ty::RightDelim, "end")?.pos)),
            Ty::If => self.parse_control(true, "if"),
            Ty::Range => self.parse_control(false, "range"),
            Ty::Template => self.template_control(),
            Ty::With => self.parse_control(false, "with"),
            _ => {
                self.backup();
                // Variables declared here persist until the enclosing block's end.
                self.pipeline("command", Ty::RightDelim)?;
                Ok(Node::Action)
            }
        }
    }

    /// `{{break}}` or `{{continue}}`, whose keyword is `keyword`.
    fn break_control(&mut self, keyword: Item) -> PResult<Node> {
        let context = format!("{{{{{}}}}}", self.val(keyword));
        let token = self.next_non_space();
        if token.ty != Ty::RightDelim {
            return Err(self.unexpected(token, &context));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(keyword.pos, format!("{context} outside {{{{range}}}}")));
        }
        Ok(Node::Action)
    }

    /// `{{else}}`, or the `else` of `{{else if ...}}`, leaving the `if` to be read.
    fn else_control(&mut self) -> PResult<Node> {
        let peek = self.peek_non_space();
        if peek.ty == Ty::If {
            return Ok(Node::Else(peek.pos));
        }
        Ok(Node::Else(self.expect(Ty::RightDelim, "else")?.pos))
    }

    /// `{{if|range|with pipeline}} itemList [{{else}} itemList] {{end}}`; the keyword is past.
    /// Variables declared in the pipeline or the lists go out of scope at the end.
    fn parse_control(&mut self, allow_else_if: bool, context: &str) -> PResult<Node> {
        let vars = self.vars.len();
        let result = self.control_body(allow_else_if, context);
        self.vars.truncate(vars);
        result.map(|()| Node::Action)
    }

    fn control_body(&mut self, allow_else_if: bool, context: &str) -> PResult<()> {
        self.pipeline(context, Ty::RightDelim)?;
        self.sh.open.push(self.action_pos);
        let in_range = context == "range";
        self.range_depth += usize::from(in_range);
        let (_, next) = self.item_list()?;
        self.range_depth -= usize::from(in_range);
        if let Node::Else(_) = next {
            if allow_else_if && self.peek().ty == Ty::If {
                // {{if a}}_{{else if b}}_{{end}} is {{if a}}_{{else}}{{if b}}_{{end}}{{end}},
                // with one {{end}} for the whole chain.
                self.next();
                self.parse_control(true, "if")?;
            } else if let (_, Node::Else(at)) = self.item_list()? {
                return Err(self.errorf(at, "expected end; found {{else}}".into()));
            }
        }
        self.sh.open.pop();
        Ok(())
    }

    /// `{{block "name" pipeline}} itemList {{end}}`; the keyword is past.
    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(token, CONTEXT)?;
        self.pipeline(CONTEXT, Ty::RightDelim)?;
        let start = self.action_pos;
        let end = {
            let mut block = Tree::new(&mut *self.sh, name, Some(start));
            block.sh.open.push(start);
            let (nonempty, end) = block.item_list()?;
            if let Node::End(_) = end {
                block.add(nonempty)?;
            }
            block.sh.open.pop();
            end
        };
        if let Node::Else(at) = end {
            return Err(self.errorf(at, format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        Ok(Node::Action)
    }

    /// `{{template "name" [pipeline]}}`; the keyword is past.
    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        self.parse_template_name(token, CONTEXT)?;
        if self.next_non_space().ty != Ty::RightDelim {
            self.backup();
            self.pipeline(CONTEXT, Ty::RightDelim)?;
        }
        Ok(Node::Action)
    }

    fn parse_template_name(&self, token: Item, context: &str) -> PResult<Vec<u8>> {
        match token.ty {
            Ty::String | Ty::RawString => self.unquote(token),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn unquote(&self, token: Item) -> PResult<Vec<u8>> {
        unquote(self.val(token)).map_err(|()| self.errorf(token.pos, "invalid syntax".into()))
    }

    // Pipelines, commands and operands.

    /// `declarations? command ('|' command)*`, up to `end`.
    fn pipeline(&mut self, context: &str, end: Ty) -> PResult<()> {
        self.declarations(context)?;
        let mut commands = Vec::new();
        loop {
            let token = self.next_non_space();
            match token.ty {
                ty if ty == end => return self.check_pipeline(&commands, context, token),
                Ty::Bool
                | Ty::CharConstant
                | Ty::Complex
                | Ty::Dot
                | Ty::Field
                | Ty::Identifier
                | Ty::Number
                | Ty::Nil
                | Ty::RawString
                | Ty::String
                | Ty::Variable
                | Ty::LeftParen => {
                    self.backup();
                    commands.push(self.command()?);
                }
                _ => return Err(self.unexpected(token, context)),
            }
        }
    }

    /// `$x :=`, `$x =`, or in `range` `$i, $e :=`, which declare variables from here on.
    fn declarations(&mut self, context: &str) -> PResult<()> {
        let mut declared = 0;
        loop {
            let v = self.peek_non_space();
            if v.ty != Ty::Variable {
                return Ok(());
            }
            self.next();
            // "$x foo" needs three tokens of look-ahead to tell from "$x := foo".
            let after_variable = self.peek();
            let next = self.peek_non_space();
            match next.ty {
                Ty::Assign | Ty::Declare => {
                    self.next_non_space();
                    self.vars.push(self.val(v));
                }
                Ty::Char if self.val(next) == "," => {
                    self.next_non_space();
                    self.vars.push(self.val(v));
                    declared += 1;
                    if context == "range" && declared < 2 {
                        match self.peek_non_space().ty {
                            Ty::Variable | Ty::RightDelim | Ty::RightParen => continue,
                            _ => {
                                let message = "range can only initialize variables";
                                return Err(self.errorf(v.pos, message.into()));
                            }
                        }
                    }
                    let message = format!("too many declarations in {context}");
                    return Err(self.errorf(v.pos, message));
                }
                _ if after_variable.ty == Ty::Space => self.backup3(v, after_variable),
                _ => self.backup2(v),
            }
            return Ok(());
        }
    }

    /// Go's `checkPipeline`, given the first operand of each command.
    fn check_pipeline(&self, commands: &[Arg], context: &str, end: Item) -> PResult<()> {
        if commands.is_empty() {
            return Err(self.errorf(end.pos, format!("missing value for {context}")));
        }
        for (i, first) in commands.iter().enumerate().skip(1) {
            if let Arg::Literal(item) = first {
                let message = format!("non executable command in pipeline stage {}", i + 1);
                return Err(self.errorf(item.pos, message));
            }
        }
        Ok(())
    }

    /// `operand (space operand)*`, up to and including a `|`, or up to a right delimiter or
    /// parenthesis. Returns the first operand.
    fn command(&mut self) -> PResult<Arg> {
        let mut first = None;
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                first.get_or_insert(operand);
            }
            let token = self.next();
            match token.ty {
                Ty::Space => continue,
                Ty::RightDelim | Ty::RightParen => self.backup(),
                Ty::Pipe => {}
                _ => return Err(self.unexpected(token, "operand")),
            }
            break;
        }
        first.ok_or_else(|| self.errorf(self.token[0].pos, "empty command".into()))
    }

    /// `term .Field*`; `None` if no operand starts here.
    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().ty != Ty::Field {
            return Ok(Some(node));
        }
        while self.peek().ty == Ty::Field {
            self.next();
        }
        match node {
            Arg::Literal(item) => {
                let term = go_quote(self.val(item));
                Err(self.errorf(item.pos, format!("unexpected . after term {term}")))
            }
            Arg::Field | Arg::Variable => Ok(Some(node)),
            Arg::Other => Ok(Some(Arg::Other)),
        }
    }

    /// A literal, function, `.`, `.Field`, `$x` or `(pipeline)`; `None` if none starts here.
    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let arg = match token.ty {
            Ty::Identifier => {
                let name = self.val(token);
                if !BUILTINS.contains(&name) && !self.sh.funcs.contains(&name) {
                    let message = format!("function {} not defined", go_quote(name));
                    return Err(self.errorf(token.pos, message));
                }
                Arg::Other
            }
            Ty::Dot | Ty::Nil | Ty::Bool => Arg::Literal(token),
            Ty::Variable => {
                let name = self.val(token);
                if !self.vars.contains(&name) {
                    let message = format!("undefined variable {}", go_quote(name));
                    return Err(self.errorf(token.pos, message));
                }
                Arg::Variable
            }
            Ty::Field => Arg::Field,
            Ty::CharConstant | Ty::Complex | Ty::Number => {
                check_number(self.val(token), token.ty)
                    .map_err(|message| self.errorf(token.pos, message))?;
                Arg::Literal(token)
            }
            Ty::LeftParen => {
                self.pipeline("parenthesized pipeline", Ty::RightParen)?;
                Arg::Other
            }
            Ty::String | Ty::RawString => {
                self.unquote(token)?;
                Arg::Literal(token)
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}
