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
const ZERO_ITEM: Item = Item {
    ty: Ty::Error,
    pos: 0,
    end: 0,
    line: 0,
};

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

/// Go's lexer: the input, where the current item starts and where scanning is, and the output.
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
        out: Lexed {
            items: Vec::new(),
            error: String::new(),
            action_starts: Vec::new(),
        },
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
    let i = GO_ALNUM.partition_point(|&(_, hi)| hi < c);
    GO_ALNUM.get(i).is_some_and(|&(lo, _)| lo <= c)
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(char::from(s[1]))
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(char::from(s[0])) && s[1] == b'-'
}

/// Length of the run of ASCII spaces ending `s` (Go's `rightTrimLength`).
fn right_trim_length(s: &[u8]) -> usize {
    s.iter()
        .rev()
        .take_while(|&&b| is_space(char::from(b)))
        .count()
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
        if !self.at_eof
            && let Some(c) = self.input[..self.pos].chars().next_back()
        {
            self.pos -= c.len_utf8();
            if c == '\n' {
                self.line -= 1;
            }
        }
    }

    fn emit(&mut self, ty: Ty) {
        let item = Item {
            ty,
            pos: self.start,
            end: self.pos,
            line: self.start_line,
        };
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
        let item = Item {
            ty: Ty::Error,
            pos: self.start,
            end: self.pos,
            line: self.start_line,
        };
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
        let after_marker = if has_left_trim_marker(self.rest(self.pos)) {
            2
        } else {
            0
        };
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
            '.' if self
                .rest(self.pos)
                .first()
                .is_some_and(|b| !b.is_ascii_digit()) =>
            {
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
                return self.errorf(format!(
                    "unrecognized character in action: {}",
                    go_unicode(c)
                ));
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
            self.emit(if ty == Ty::Variable {
                Ty::Variable
            } else {
                Ty::Dot
            });
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
        let item = self
            .lexed
            .items
            .get(self.cursor)
            .copied()
            .unwrap_or(ZERO_ITEM);
        self.cursor += 1;
        item
    }

    /// The byte range of the action holding byte `at`: from its `{{` to its `}}`.
    fn action_span(&self, at: usize) -> (usize, usize) {
        let starts = &self.lexed.action_starts;
        let start = starts
            .iter()
            .rev()
            .find(|&&s| s <= at)
            .copied()
            .unwrap_or(0);
        let closing = self
            .lexed
            .items
            .iter()
            .find(|i| i.ty == Ty::RightDelim && i.end > at);
        let end = match closing {
            Some(item) => item.end,
            None => self.text[at..]
                .find("}}")
                .map_or(self.text.len(), |i| at + i + 2),
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
        ParseError {
            start,
            end,
            line: self.token[0].line,
            message,
        }
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
            Ty::Text => Ok(Node::Text {
                blank: self.val(token).trim().is_empty(),
            }),
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

// ---------------------------------------------------------------------------------------------
// Literals (node.go's newNumber, strconv, fmt.Sscan)
// ---------------------------------------------------------------------------------------------

/// Why `strconv` rejects a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumError {
    Syntax,
    Range,
}

impl NumError {
    /// Go's `*strconv.NumError` message for `func` parsing `num`.
    fn message(self, func: &str, num: &str) -> String {
        let why = match self {
            NumError::Syntax => "invalid syntax",
            NumError::Range => "value out of range",
        };
        format!("strconv.{func}: parsing {}: {why}", go_quote(num))
    }
}

/// Go's `newNumber`: whether a number, complex or character literal is valid.
fn check_number(text: &str, ty: Ty) -> Result<(), String> {
    match ty {
        Ty::CharConstant => {
            let (_, _, tail) = unquote_char(&text[1..], b'\'').map_err(|()| "invalid syntax")?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            Ok(())
        }
        Ty::Complex => scan_complex(text),
        _ => {
            // Imaginary constants are complex.
            if text
                .strip_suffix('i')
                .is_some_and(|f| parse_float(f.as_bytes()).is_ok())
            {
                return Ok(());
            }
            let bytes = text.as_bytes();
            if parse_uint(bytes).is_ok() || parse_int(bytes) {
                return Ok(());
            }
            match parse_float(bytes) {
                Ok(()) if !text.contains(['.', 'e', 'E', 'p', 'P']) => {
                    Err(format!("integer overflow: {}", go_quote(text)))
                }
                Ok(()) => Ok(()),
                Err(_) => Err(format!("illegal number syntax: {}", go_quote(text))),
            }
        }
    }
}

/// Go's `lower` for ASCII letters.
fn lower(c: u8) -> u8 {
    c | 0x20
}

/// `strconv.ParseUint(s, 0, 64)`.
fn parse_uint(s: &[u8]) -> Result<u64, NumError> {
    let (base, digits): (u64, &[u8]) = match s {
        [] => return Err(NumError::Syntax),
        [b'0', p, _, ..] if lower(*p) == b'b' => (2, &s[2..]),
        [b'0', p, _, ..] if lower(*p) == b'o' => (8, &s[2..]),
        [b'0', p, _, ..] if lower(*p) == b'x' => (16, &s[2..]),
        [b'0', ..] => (8, &s[1..]),
        _ => (10, s),
    };
    let cutoff = u64::MAX / base + 1;
    let mut underscores = false;
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => c - b'0',
            _ if lower(c).is_ascii_lowercase() => lower(c) - b'a' + 10,
            _ => return Err(NumError::Syntax),
        };
        if u64::from(d) >= base {
            return Err(NumError::Syntax);
        }
        if n >= cutoff {
            return Err(NumError::Range);
        }
        n = (n * base)
            .checked_add(u64::from(d))
            .ok_or(NumError::Range)?;
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    Ok(n)
}

/// Whether `strconv.ParseInt(s, 0, 64)` succeeds.
fn parse_int(s: &[u8]) -> bool {
    let (negative, unsigned) = match s {
        [b'+', rest @ ..] => (false, rest),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match parse_uint(unsigned) {
        Ok(n) if negative => n <= 1 << 63,
        Ok(n) => n < 1 << 63,
        Err(_) => false,
    }
}

/// `strconv.underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &[u8]) -> bool {
    let s = match s {
        [b'+' | b'-', rest @ ..] => rest,
        _ => s,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(lower(s[1]), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = lower(s[1]) == b'x';
    }
    for &c in &s[i..] {
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&lower(c)) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else if saw == b'_' {
            return false;
        } else {
            saw = b'!';
        }
    }
    saw != b'_'
}

/// A float literal as `strconv.readFloat` reads it.
struct FloatParts {
    mantissa: u64,
    exp: i64,
    trunc: bool,
    hex: bool,
}

/// `strconv.readFloat`: the parts of the float at the start of `s` and its length.
fn read_float(s: &[u8]) -> Option<(FloatParts, usize)> {
    let mut f = FloatParts {
        mantissa: 0,
        exp: 0,
        trunc: false,
        hex: false,
    };
    let mut i = usize::from(matches!(s.first()?, b'+' | b'-'));
    let (mut base, mut max_mant_digits, mut exp_char) = (10, 19, b'e');
    if i + 2 < s.len() && s[i] == b'0' && lower(s[i + 1]) == b'x' {
        (base, max_mant_digits, exp_char) = (16, 16, b'p');
        i += 2;
        f.hex = true;
    }
    let mut underscores = false;
    let (mut saw_dot, mut saw_digits) = (false, false);
    let (mut nd, mut nd_mant, mut dp) = (0i64, 0i64, 0i64);
    while let Some(&c) = s.get(i) {
        let digit = match c {
            b'_' => {
                underscores = true;
                i += 1;
                continue;
            }
            b'.' if saw_dot => break,
            b'.' => {
                saw_dot = true;
                dp = nd;
                i += 1;
                continue;
            }
            b'0'..=b'9' => c - b'0',
            _ if base == 16 && (b'a'..=b'f').contains(&lower(c)) => lower(c) - b'a' + 10,
            _ => break,
        };
        saw_digits = true;
        i += 1;
        if digit == 0 && c == b'0' && nd == 0 {
            dp -= 1; // Leading zeros.
            continue;
        }
        nd += 1;
        if nd_mant < max_mant_digits {
            f.mantissa = f.mantissa * base + u64::from(digit);
            nd_mant += 1;
        } else if c != b'0' {
            f.trunc = true;
        }
    }
    if !saw_digits {
        return None;
    }
    if !saw_dot {
        dp = nd;
    }
    if base == 16 {
        dp *= 4;
        nd_mant *= 4;
    }
    if i < s.len() && lower(s[i]) == exp_char {
        let (e, end, exp_underscores) = read_exponent(s, i + 1)?;
        dp += e;
        i = end;
        underscores |= exp_underscores;
    } else if base == 16 {
        return None; // Hexadecimal mantissas need a 'p' exponent.
    }
    if f.mantissa != 0 {
        f.exp = dp - nd_mant;
    }
    if underscores && !underscore_ok(&s[..i]) {
        return None;
    }
    Some((f, i))
}

/// The signed exponent starting at `s[i]`, where it ends, and whether it has underscores.
fn read_exponent(s: &[u8], mut i: usize) -> Option<(i64, usize, bool)> {
    let mut sign = 1;
    match s.get(i)? {
        b'+' => i += 1,
        b'-' => {
            i += 1;
            sign = -1;
        }
        _ => {}
    }
    if !s.get(i)?.is_ascii_digit() {
        return None;
    }
    let (mut e, mut underscores) = (0i64, false);
    while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit() || **c == b'_') {
        if c == b'_' {
            underscores = true;
        } else if e < 10000 {
            e = e * 10 + i64::from(c - b'0');
        }
        i += 1;
    }
    Some((e * sign, i, underscores))
}

/// `strconv.ParseFloat(s, 64)`, for what can come out of the template lexer (no "inf"/"nan").
fn parse_float(s: &[u8]) -> Result<(), NumError> {
    let Some((f, n)) = read_float(s) else {
        return Err(NumError::Syntax);
    };
    if n != s.len() {
        return Err(NumError::Syntax);
    }
    let overflows = if f.hex {
        hex_float_overflows(&f)
    } else {
        // Both Go and Rust round decimal floats correctly; out of range is infinity.
        let digits: String = s
            .iter()
            .filter(|&&c| c != b'_')
            .map(|&c| char::from(c))
            .collect();
        digits.parse::<f64>().map_or(true, f64::is_infinite)
    };
    if overflows {
        Err(NumError::Range)
    } else {
        Ok(())
    }
}

/// Whether `strconv.atofHex` rounds the hexadecimal float to infinity.
fn hex_float_overflows(f: &FloatParts) -> bool {
    const MANT_BITS: u32 = 52;
    const BIAS: i64 = -1023;
    const MAX_EXP: i64 = (1 << 11) + BIAS - 2;
    const MIN_EXP: i64 = BIAS + 1;
    let mut mantissa = f.mantissa;
    let mut exp = f.exp + i64::from(MANT_BITS);
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if f.trunc {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    while mantissa > 1 && exp < MIN_EXP - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            exp += 1;
        }
    }
    exp > MAX_EXP
}

/// `fmt.Sscan(text, &complex128)`, for what the template lexer emits as a complex number.
fn scan_complex(text: &str) -> Result<(), String> {
    const SYNTAX: &str = "syntax error scanning complex number";
    let mut scanner = Scanner {
        s: text.as_bytes(),
        i: 0,
        buf: String::new(),
    };
    let parens = scanner.accept("(");
    let real = scanner.float_token();
    scanner.buf.clear();
    if !scanner.accept("+-") {
        return Err(SYNTAX.into());
    }
    let imag = scanner.buf.clone() + &scanner.float_token();
    if !scanner.accept("i") || parens && !scanner.accept(")") {
        return Err(SYNTAX.into());
    }
    for part in [real, imag] {
        parse_float(part.as_bytes()).map_err(|e| e.message("ParseFloat", &part))?;
    }
    Ok(())
}

/// The part of `fmt`'s scanner that reads float tokens.
struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
    buf: String,
}

impl Scanner<'_> {
    fn accept(&mut self, valid: &str) -> bool {
        match self.s.get(self.i) {
            Some(&c) if valid.as_bytes().contains(&c) => {
                self.buf.push(char::from(c));
                self.i += 1;
                true
            }
            _ => false,
        }
    }

    /// `fmt`'s `floatToken`.
    fn float_token(&mut self) -> String {
        self.buf.clear();
        if self.accept("nN") && self.accept("aA") && self.accept("nN") {
            return self.buf.clone();
        }
        self.accept("+-");
        if self.accept("iI") && self.accept("nN") && self.accept("fF") {
            return self.buf.clone();
        }
        let (mut digits, mut exp) = ("0123456789_", "eEpP");
        if self.accept("0") && self.accept("xX") {
            (digits, exp) = ("0123456789aAbBcCdDeEfF_", "pP");
        }
        while self.accept(digits) {}
        if self.accept(".") {
            while self.accept(digits) {}
        }
        if self.accept(exp) {
            self.accept("+-");
            while self.accept("0123456789_") {}
        }
        self.buf.clone()
    }
}

/// `strconv.UnquoteChar`: the value of the first character or escape of `s`, whether it is a
/// multi-byte character, and the rest of `s`.
fn unquote_char(s: &str, quote: u8) -> Result<(u32, bool, &str), ()> {
    let bytes = s.as_bytes();
    let c = *bytes.first().ok_or(())?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(());
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(())?;
        return Ok((u32::from(ch), true, &s[ch.len_utf8()..]));
    }
    if c != b'\\' {
        return Ok((u32::from(c), false, &s[1..]));
    }
    let escape = *bytes.get(1).ok_or(())?;
    if !escape.is_ascii() {
        return Err(()); // Not an escape Go knows.
    }
    let rest = &s[2..];
    let value = match escape {
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'n' => 10,
        b'r' => 13,
        b't' => 9,
        b'v' => 11,
        b'x' | b'u' | b'U' => return unquote_hex(escape, rest),
        b'0'..=b'7' => {
            let [d1 @ b'0'..=b'7', d2 @ b'0'..=b'7', ..] = rest.as_bytes() else {
                return Err(());
            };
            let v = (u32::from(escape - b'0') << 6) | (u32::from(d1 - b'0') << 3);
            let v = v | u32::from(d2 - b'0');
            if v > 255 {
                return Err(());
            }
            return Ok((v, false, &rest[2..]));
        }
        b'\\' => u32::from(b'\\'),
        b'\'' | b'"' if escape == quote => u32::from(escape),
        _ => return Err(()),
    };
    Ok((value, false, rest))
}

/// The `\xXX`, `\uXXXX` or `\UXXXXXXXX` escape whose digits start `s`.
fn unquote_hex(escape: u8, s: &str) -> Result<(u32, bool, &str), ()> {
    let n = match escape {
        b'x' => 2,
        b'u' => 4,
        _ => 8,
    };
    let digits = s.as_bytes().get(..n).ok_or(())?;
    let mut v: u32 = 0;
    for &h in digits {
        v = (v << 4) | char::from(h).to_digit(16).ok_or(())?;
    }
    if escape == b'x' {
        return Ok((v, false, &s[n..])); // A single byte, possibly not UTF-8.
    }
    char::from_u32(v).ok_or(())?;
    Ok((v, true, &s[n..]))
}

/// `strconv.Unquote`, as bytes: a `\x` escape may make the value invalid UTF-8.
fn unquote(s: &str) -> Result<Vec<u8>, ()> {
    let bytes = s.as_bytes();
    let quote = *bytes.first().ok_or(())?;
    if bytes.len() < 2 {
        return Err(());
    }
    let end = bytes[1..].iter().position(|&c| c == quote).ok_or(())? + 2;
    let (value, rest) = match quote {
        b'`' => (
            bytes[1..end - 1]
                .iter()
                .copied()
                .filter(|&c| c != b'\r')
                .collect(),
            &s[end..],
        ),
        b'"' | b'\'' => unquote_escaped(s, quote, end)?,
        _ => return Err(()),
    };
    if rest.is_empty() { Ok(value) } else { Err(()) }
}

/// The interpreted-string or character case of `strconv.unquote`; `end` is just past the
/// first closing quote, which escapes may move.
fn unquote_escaped(s: &str, quote: u8, end: usize) -> Result<(Vec<u8>, &str), ()> {
    if !s[..end].contains(['\\', '\n']) {
        let inner = &s[1..end - 1];
        if quote == b'"' || inner.chars().count() == 1 {
            return Ok((inner.as_bytes().to_vec(), &s[end..]));
        }
    }
    let mut value = Vec::new();
    let mut rest = &s[1..];
    while let Some(&c) = rest.as_bytes().first().filter(|&&c| c != quote) {
        let (r, multibyte, tail) = unquote_char(rest, quote)?;
        if c == b'\n' {
            return Err(());
        }
        rest = tail;
        match char::from_u32(r).filter(|_| multibyte) {
            Some(ch) => value.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
            None => value.push(r as u8), // below 0x100 here
        }
        if quote == b'\'' {
            break;
        }
    }
    let rest = rest.strip_prefix(char::from(quote)).ok_or(())?;
    Ok((value, rest))
}

// ---------------------------------------------------------------------------------------------
// Go's quoting, for messages
// ---------------------------------------------------------------------------------------------

/// `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ if go_is_print(c) => out.push(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            '\0'..='\x1f' | '\x7f' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            '\u{80}'..='\u{ffff}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            _ => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// `fmt`'s `%#U`: `U+0021 '!'`.
fn go_unicode(c: char) -> String {
    if go_is_print(c) {
        format!("U+{:04X} '{c}'", u32::from(c))
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// `strconv.IsPrint` (Unicode 13 letters, marks, numbers, punctuation, symbols, and ASCII
/// space): exact except that code points unassigned in planes 0 to 2 count as printable here.
fn go_is_print(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, ' '..='~');
    }
    // Format and private-use characters; from CJK Extension G on, all but the variation
    // selectors of plane 14 are unassigned, tags or private use.
    let format_or_unassigned = matches!(u32::from(c),
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x8E2 | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xE000..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x13438 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0x3134B..=0xE00FF | 0xE01F0..);
    !c.is_control() && !c.is_whitespace() && !format_or_unassigned
}
/// Non-ASCII ranges where Go 1.19's `unicode.IsLetter || unicode.IsDigit` holds (Unicode 13.0.0).
#[rustfmt::skip]
const GO_ALNUM: &[(u32, u32)] = &[
    (0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA), (0xC0, 0xD6),
    (0xD8, 0xF6), (0xF8, 0x2C1), (0x2C6, 0x2D1), (0x2E0, 0x2E4),
    (0x2EC, 0x2EC), (0x2EE, 0x2EE), (0x370, 0x374), (0x376, 0x377),
    (0x37A, 0x37D), (0x37F, 0x37F), (0x386, 0x386), (0x388, 0x38A),
    (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3F5), (0x3F7, 0x481),
    (0x48A, 0x52F), (0x531, 0x556), (0x559, 0x559), (0x560, 0x588),
    (0x5D0, 0x5EA), (0x5EF, 0x5F2), (0x620, 0x64A), (0x660, 0x669),
    (0x66E, 0x66F), (0x671, 0x6D3), (0x6D5, 0x6D5), (0x6E5, 0x6E6),
    (0x6EE, 0x6FC), (0x6FF, 0x6FF), (0x710, 0x710), (0x712, 0x72F),
    (0x74D, 0x7A5), (0x7B1, 0x7B1), (0x7C0, 0x7EA), (0x7F4, 0x7F5),
    (0x7FA, 0x7FA), (0x800, 0x815), (0x81A, 0x81A), (0x824, 0x824),
    (0x828, 0x828), (0x840, 0x858), (0x860, 0x86A), (0x8A0, 0x8B4),
    (0x8B6, 0x8C7), (0x904, 0x939), (0x93D, 0x93D), (0x950, 0x950),
    (0x958, 0x961), (0x966, 0x96F), (0x971, 0x980), (0x985, 0x98C),
    (0x98F, 0x990), (0x993, 0x9A8), (0x9AA, 0x9B0), (0x9B2, 0x9B2),
    (0x9B6, 0x9B9), (0x9BD, 0x9BD), (0x9CE, 0x9CE), (0x9DC, 0x9DD),
    (0x9DF, 0x9E1), (0x9E6, 0x9F1), (0x9FC, 0x9FC), (0xA05, 0xA0A),
    (0xA0F, 0xA10), (0xA13, 0xA28), (0xA2A, 0xA30), (0xA32, 0xA33),
    (0xA35, 0xA36), (0xA38, 0xA39), (0xA59, 0xA5C), (0xA5E, 0xA5E),
    (0xA66, 0xA6F), (0xA72, 0xA74), (0xA85, 0xA8D), (0xA8F, 0xA91),
    (0xA93, 0xAA8), (0xAAA, 0xAB0), (0xAB2, 0xAB3), (0xAB5, 0xAB9),
    (0xABD, 0xABD), (0xAD0, 0xAD0), (0xAE0, 0xAE1), (0xAE6, 0xAEF),
    (0xAF9, 0xAF9), (0xB05, 0xB0C), (0xB0F, 0xB10), (0xB13, 0xB28),
    (0xB2A, 0xB30), (0xB32, 0xB33), (0xB35, 0xB39), (0xB3D, 0xB3D),
    (0xB5C, 0xB5D), (0xB5F, 0xB61), (0xB66, 0xB6F), (0xB71, 0xB71),
    (0xB83, 0xB83), (0xB85, 0xB8A), (0xB8E, 0xB90), (0xB92, 0xB95),
    (0xB99, 0xB9A), (0xB9C, 0xB9C), (0xB9E, 0xB9F), (0xBA3, 0xBA4),
    (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBD0, 0xBD0), (0xBE6, 0xBEF),
    (0xC05, 0xC0C), (0xC0E, 0xC10), (0xC12, 0xC28), (0xC2A, 0xC39),
    (0xC3D, 0xC3D), (0xC58, 0xC5A), (0xC60, 0xC61), (0xC66, 0xC6F),
    (0xC80, 0xC80), (0xC85, 0xC8C), (0xC8E, 0xC90), (0xC92, 0xCA8),
    (0xCAA, 0xCB3), (0xCB5, 0xCB9), (0xCBD, 0xCBD), (0xCDE, 0xCDE),
    (0xCE0, 0xCE1), (0xCE6, 0xCEF), (0xCF1, 0xCF2), (0xD04, 0xD0C),
    (0xD0E, 0xD10), (0xD12, 0xD3A), (0xD3D, 0xD3D), (0xD4E, 0xD4E),
    (0xD54, 0xD56), (0xD5F, 0xD61), (0xD66, 0xD6F), (0xD7A, 0xD7F),
    (0xD85, 0xD96), (0xD9A, 0xDB1), (0xDB3, 0xDBB), (0xDBD, 0xDBD),
    (0xDC0, 0xDC6), (0xDE6, 0xDEF), (0xE01, 0xE30), (0xE32, 0xE33),
    (0xE40, 0xE46), (0xE50, 0xE59), (0xE81, 0xE82), (0xE84, 0xE84),
    (0xE86, 0xE8A), (0xE8C, 0xEA3), (0xEA5, 0xEA5), (0xEA7, 0xEB0),
    (0xEB2, 0xEB3), (0xEBD, 0xEBD), (0xEC0, 0xEC4), (0xEC6, 0xEC6),
    (0xED0, 0xED9), (0xEDC, 0xEDF), (0xF00, 0xF00), (0xF20, 0xF29),
    (0xF40, 0xF47), (0xF49, 0xF6C), (0xF88, 0xF8C), (0x1000, 0x102A),
    (0x103F, 0x1049), (0x1050, 0x1055), (0x105A, 0x105D), (0x1061, 0x1061),
    (0x1065, 0x1066), (0x106E, 0x1070), (0x1075, 0x1081), (0x108E, 0x108E),
    (0x1090, 0x1099), (0x10A0, 0x10C5), (0x10C7, 0x10C7), (0x10CD, 0x10CD),
    (0x10D0, 0x10FA), (0x10FC, 0x1248), (0x124A, 0x124D), (0x1250, 0x1256),
    (0x1258, 0x1258), (0x125A, 0x125D), (0x1260, 0x1288), (0x128A, 0x128D),
    (0x1290, 0x12B0), (0x12B2, 0x12B5), (0x12B8, 0x12BE), (0x12C0, 0x12C0),
    (0x12C2, 0x12C5), (0x12C8, 0x12D6), (0x12D8, 0x1310), (0x1312, 0x1315),
    (0x1318, 0x135A), (0x1380, 0x138F), (0x13A0, 0x13F5), (0x13F8, 0x13FD),
    (0x1401, 0x166C), (0x166F, 0x167F), (0x1681, 0x169A), (0x16A0, 0x16EA),
    (0x16F1, 0x16F8), (0x1700, 0x170C), (0x170E, 0x1711), (0x1720, 0x1731),
    (0x1740, 0x1751), (0x1760, 0x176C), (0x176E, 0x1770), (0x1780, 0x17B3),
    (0x17D7, 0x17D7), (0x17DC, 0x17DC), (0x17E0, 0x17E9), (0x1810, 0x1819),
    (0x1820, 0x1878), (0x1880, 0x1884), (0x1887, 0x18A8), (0x18AA, 0x18AA),
    (0x18B0, 0x18F5), (0x1900, 0x191E), (0x1946, 0x196D), (0x1970, 0x1974),
    (0x1980, 0x19AB), (0x19B0, 0x19C9), (0x19D0, 0x19D9), (0x1A00, 0x1A16),
    (0x1A20, 0x1A54), (0x1A80, 0x1A89), (0x1A90, 0x1A99), (0x1AA7, 0x1AA7),
    (0x1B05, 0x1B33), (0x1B45, 0x1B4B), (0x1B50, 0x1B59), (0x1B83, 0x1BA0),
    (0x1BAE, 0x1BE5), (0x1C00, 0x1C23), (0x1C40, 0x1C49), (0x1C4D, 0x1C7D),
    (0x1C80, 0x1C88), (0x1C90, 0x1CBA), (0x1CBD, 0x1CBF), (0x1CE9, 0x1CEC),
    (0x1CEE, 0x1CF3), (0x1CF5, 0x1CF6), (0x1CFA, 0x1CFA), (0x1D00, 0x1DBF),
    (0x1E00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE),
    (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3), (0x1FD6, 0x1FDB),
    (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2071, 0x2071),
    (0x207F, 0x207F), (0x2090, 0x209C), (0x2102, 0x2102), (0x2107, 0x2107),
    (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124),
    (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2139),
    (0x213C, 0x213F), (0x2145, 0x2149), (0x214E, 0x214E), (0x2183, 0x2184),
    (0x2C00, 0x2C2E), (0x2C30, 0x2C5E), (0x2C60, 0x2CE4), (0x2CEB, 0x2CEE),
    (0x2CF2, 0x2CF3), (0x2D00, 0x2D25), (0x2D27, 0x2D27), (0x2D2D, 0x2D2D),
    (0x2D30, 0x2D67), (0x2D6F, 0x2D6F), (0x2D80, 0x2D96), (0x2DA0, 0x2DA6),
    (0x2DA8, 0x2DAE), (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE), (0x2DC0, 0x2DC6),
    (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6), (0x2DD8, 0x2DDE), (0x2E2F, 0x2E2F),
    (0x3005, 0x3006), (0x3031, 0x3035), (0x303B, 0x303C), (0x3041, 0x3096),
    (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F),
    (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFC), (0xA000, 0xA48C), (0xA4D0, 0xA4FD), (0xA500, 0xA60C),
    (0xA610, 0xA62B), (0xA640, 0xA66E), (0xA67F, 0xA69D), (0xA6A0, 0xA6E5),
    (0xA717, 0xA71F), (0xA722, 0xA788), (0xA78B, 0xA7BF), (0xA7C2, 0xA7CA),
    (0xA7F5, 0xA801), (0xA803, 0xA805), (0xA807, 0xA80A), (0xA80C, 0xA822),
    (0xA840, 0xA873), (0xA882, 0xA8B3), (0xA8D0, 0xA8D9), (0xA8F2, 0xA8F7),
    (0xA8FB, 0xA8FB), (0xA8FD, 0xA8FE), (0xA900, 0xA925), (0xA930, 0xA946),
    (0xA960, 0xA97C), (0xA984, 0xA9B2), (0xA9CF, 0xA9D9), (0xA9E0, 0xA9E4),
    (0xA9E6, 0xA9FE), (0xAA00, 0xAA28), (0xAA40, 0xAA42), (0xAA44, 0xAA4B),
    (0xAA50, 0xAA59), (0xAA60, 0xAA76), (0xAA7A, 0xAA7A), (0xAA7E, 0xAAAF),
    (0xAAB1, 0xAAB1), (0xAAB5, 0xAAB6), (0xAAB9, 0xAABD), (0xAAC0, 0xAAC0),
    (0xAAC2, 0xAAC2), (0xAADB, 0xAADD), (0xAAE0, 0xAAEA), (0xAAF2, 0xAAF4),
    (0xAB01, 0xAB06), (0xAB09, 0xAB0E), (0xAB11, 0xAB16), (0xAB20, 0xAB26),
    (0xAB28, 0xAB2E), (0xAB30, 0xAB5A), (0xAB5C, 0xAB69), (0xAB70, 0xABE2),
    (0xABF0, 0xABF9), (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB),
    (0xF900, 0xFA6D), (0xFA70, 0xFAD9), (0xFB00, 0xFB06), (0xFB13, 0xFB17),
    (0xFB1D, 0xFB1D), (0xFB1F, 0xFB28), (0xFB2A, 0xFB36), (0xFB38, 0xFB3C),
    (0xFB3E, 0xFB3E), (0xFB40, 0xFB41), (0xFB43, 0xFB44), (0xFB46, 0xFBB1),
    (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7), (0xFDF0, 0xFDFB),
    (0xFE70, 0xFE74), (0xFE76, 0xFEFC), (0xFF10, 0xFF19), (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A), (0xFF66, 0xFFBE), (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0x10000, 0x1000B), (0x1000D, 0x10026),
    (0x10028, 0x1003A), (0x1003C, 0x1003D), (0x1003F, 0x1004D), (0x10050, 0x1005D),
    (0x10080, 0x100FA), (0x10280, 0x1029C), (0x102A0, 0x102D0), (0x10300, 0x1031F),
    (0x1032D, 0x10340), (0x10342, 0x10349), (0x10350, 0x10375), (0x10380, 0x1039D),
    (0x103A0, 0x103C3), (0x103C8, 0x103CF), (0x10400, 0x1049D), (0x104A0, 0x104A9),
    (0x104B0, 0x104D3), (0x104D8, 0x104FB), (0x10500, 0x10527), (0x10530, 0x10563),
    (0x10600, 0x10736), (0x10740, 0x10755), (0x10760, 0x10767), (0x10800, 0x10805),
    (0x10808, 0x10808), (0x1080A, 0x10835), (0x10837, 0x10838), (0x1083C, 0x1083C),
    (0x1083F, 0x10855), (0x10860, 0x10876), (0x10880, 0x1089E), (0x108E0, 0x108F2),
    (0x108F4, 0x108F5), (0x10900, 0x10915), (0x10920, 0x10939), (0x10980, 0x109B7),
    (0x109BE, 0x109BF), (0x10A00, 0x10A00), (0x10A10, 0x10A13), (0x10A15, 0x10A17),
    (0x10A19, 0x10A35), (0x10A60, 0x10A7C), (0x10A80, 0x10A9C), (0x10AC0, 0x10AC7),
    (0x10AC9, 0x10AE4), (0x10B00, 0x10B35), (0x10B40, 0x10B55), (0x10B60, 0x10B72),
    (0x10B80, 0x10B91), (0x10C00, 0x10C48), (0x10C80, 0x10CB2), (0x10CC0, 0x10CF2),
    (0x10D00, 0x10D23), (0x10D30, 0x10D39), (0x10E80, 0x10EA9), (0x10EB0, 0x10EB1),
    (0x10F00, 0x10F1C), (0x10F27, 0x10F27), (0x10F30, 0x10F45), (0x10FB0, 0x10FC4),
    (0x10FE0, 0x10FF6), (0x11003, 0x11037), (0x11066, 0x1106F), (0x11083, 0x110AF),
    (0x110D0, 0x110E8), (0x110F0, 0x110F9), (0x11103, 0x11126), (0x11136, 0x1113F),
    (0x11144, 0x11144), (0x11147, 0x11147), (0x11150, 0x11172), (0x11176, 0x11176),
    (0x11183, 0x111B2), (0x111C1, 0x111C4), (0x111D0, 0x111DA), (0x111DC, 0x111DC),
    (0x11200, 0x11211), (0x11213, 0x1122B), (0x11280, 0x11286), (0x11288, 0x11288),
    (0x1128A, 0x1128D), (0x1128F, 0x1129D), (0x1129F, 0x112A8), (0x112B0, 0x112DE),
    (0x112F0, 0x112F9), (0x11305, 0x1130C), (0x1130F, 0x11310), (0x11313, 0x11328),
    (0x1132A, 0x11330), (0x11332, 0x11333), (0x11335, 0x11339), (0x1133D, 0x1133D),
    (0x11350, 0x11350), (0x1135D, 0x11361), (0x11400, 0x11434), (0x11447, 0x1144A),
    (0x11450, 0x11459), (0x1145F, 0x11461), (0x11480, 0x114AF), (0x114C4, 0x114C5),
    (0x114C7, 0x114C7), (0x114D0, 0x114D9), (0x11580, 0x115AE), (0x115D8, 0x115DB),
    (0x11600, 0x1162F), (0x11644, 0x11644), (0x11650, 0x11659), (0x11680, 0x116AA),
    (0x116B8, 0x116B8), (0x116C0, 0x116C9), (0x11700, 0x1171A), (0x11730, 0x11739),
    (0x11800, 0x1182B), (0x118A0, 0x118E9), (0x118FF, 0x11906), (0x11909, 0x11909),
    (0x1190C, 0x11913), (0x11915, 0x11916), (0x11918, 0x1192F), (0x1193F, 0x1193F),
    (0x11941, 0x11941), (0x11950, 0x11959), (0x119A0, 0x119A7), (0x119AA, 0x119D0),
    (0x119E1, 0x119E1), (0x119E3, 0x119E3), (0x11A00, 0x11A00), (0x11A0B, 0x11A32),
    (0x11A3A, 0x11A3A), (0x11A50, 0x11A50), (0x11A5C, 0x11A89), (0x11A9D, 0x11A9D),
    (0x11AC0, 0x11AF8), (0x11C00, 0x11C08), (0x11C0A, 0x11C2E), (0x11C40, 0x11C40),
    (0x11C50, 0x11C59), (0x11C72, 0x11C8F), (0x11D00, 0x11D06), (0x11D08, 0x11D09),
    (0x11D0B, 0x11D30), (0x11D46, 0x11D46), (0x11D50, 0x11D59), (0x11D60, 0x11D65),
    (0x11D67, 0x11D68), (0x11D6A, 0x11D89), (0x11D98, 0x11D98), (0x11DA0, 0x11DA9),
    (0x11EE0, 0x11EF2), (0x11FB0, 0x11FB0), (0x12000, 0x12399), (0x12480, 0x12543),
    (0x13000, 0x1342E), (0x14400, 0x14646), (0x16800, 0x16A38), (0x16A40, 0x16A5E),
    (0x16A60, 0x16A69), (0x16AD0, 0x16AED), (0x16B00, 0x16B2F), (0x16B40, 0x16B43),
    (0x16B50, 0x16B59), (0x16B63, 0x16B77), (0x16B7D, 0x16B8F), (0x16E40, 0x16E7F),
    (0x16F00, 0x16F4A), (0x16F50, 0x16F50), (0x16F93, 0x16F9F), (0x16FE0, 0x16FE1),
    (0x16FE3, 0x16FE3), (0x17000, 0x187F7), (0x18800, 0x18CD5), (0x18D00, 0x18D08),
    (0x1B000, 0x1B11E), (0x1B150, 0x1B152), (0x1B164, 0x1B167), (0x1B170, 0x1B2FB),
    (0x1BC00, 0x1BC6A), (0x1BC70, 0x1BC7C), (0x1BC80, 0x1BC88), (0x1BC90, 0x1BC99),
    (0x1D400, 0x1D454), (0x1D456, 0x1D49C), (0x1D49E, 0x1D49F), (0x1D4A2, 0x1D4A2),
    (0x1D4A5, 0x1D4A6), (0x1D4A9, 0x1D4AC), (0x1D4AE, 0x1D4B9), (0x1D4BB, 0x1D4BB),
    (0x1D4BD, 0x1D4C3), (0x1D4C5, 0x1D505), (0x1D507, 0x1D50A), (0x1D50D, 0x1D514),
    (0x1D516, 0x1D51C), (0x1D51E, 0x1D539), (0x1D53B, 0x1D53E), (0x1D540, 0x1D544),
    (0x1D546, 0x1D546), (0x1D54A, 0x1D550), (0x1D552, 0x1D6A5), (0x1D6A8, 0x1D6C0),
    (0x1D6C2, 0x1D6DA), (0x1D6DC, 0x1D6FA), (0x1D6FC, 0x1D714), (0x1D716, 0x1D734),
    (0x1D736, 0x1D74E), (0x1D750, 0x1D76E), (0x1D770, 0x1D788), (0x1D78A, 0x1D7A8),
    (0x1D7AA, 0x1D7C2), (0x1D7C4, 0x1D7CB), (0x1D7CE, 0x1D7FF), (0x1E100, 0x1E12C),
    (0x1E137, 0x1E13D), (0x1E140, 0x1E149), (0x1E14E, 0x1E14E), (0x1E2C0, 0x1E2EB),
    (0x1E2F0, 0x1E2F9), (0x1E800, 0x1E8C4), (0x1E900, 0x1E943), (0x1E94B, 0x1E94B),
    (0x1E950, 0x1E959), (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F), (0x1EE21, 0x1EE22),
    (0x1EE24, 0x1EE24), (0x1EE27, 0x1EE27), (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37),
    (0x1EE39, 0x1EE39), (0x1EE3B, 0x1EE3B), (0x1EE42, 0x1EE42), (0x1EE47, 0x1EE47),
    (0x1EE49, 0x1EE49), (0x1EE4B, 0x1EE4B), (0x1EE4D, 0x1EE4F), (0x1EE51, 0x1EE52),
    (0x1EE54, 0x1EE54), (0x1EE57, 0x1EE57), (0x1EE59, 0x1EE59), (0x1EE5B, 0x1EE5B),
    (0x1EE5D, 0x1EE5D), (0x1EE5F, 0x1EE5F), (0x1EE61, 0x1EE62), (0x1EE64, 0x1EE64),
    (0x1EE67, 0x1EE6A), (0x1EE6C, 0x1EE72), (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C),
    (0x1EE7E, 0x1EE7E), (0x1EE80, 0x1EE89), (0x1EE8B, 0x1EE9B), (0x1EEA1, 0x1EEA3),
    (0x1EEA5, 0x1EEA9), (0x1EEAB, 0x1EEBB), (0x1FBF0, 0x1FBF9), (0x20000, 0x2A6DD),
    (0x2A700, 0x2B734), (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1), (0x2CEB0, 0x2EBE0),
    (0x2F800, 0x2FA1D), (0x30000, 0x3134A),
];

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::template::{
        ALERTMANAGER_FUNCS as ALERTMANAGER, PROMETHEUS_FUNCS as PROMETHEUS, PROMETHEUS_VARS,
    };

    /// The error exactly as Go prints it for a template called `name`.
    fn go_error(err: &ParseError, name: &str) -> String {
        format!("template: {name}:{}: {}", err.line, err.message)
    }

    /// `"LINE: message"` as Go reports for `text` as an Alertmanager text, or "" if Go accepts it.
    fn am(text: &str) -> String {
        let result = parse(text, ALERTMANAGER, &[]);
        result.map_or_else(|e| format!("{}: {}", e.line, e.message), |()| String::new())
    }

    /// The same for a Prometheus alert template.
    fn prom(text: &str) -> String {
        let result = parse(text, PROMETHEUS, PROMETHEUS_VARS);
        result.map_or_else(|e| format!("{}: {}", e.line, e.message), |()| String::new())
    }

    /// Checks each `(text, Go's error or "")` pair; the errors were taken from Go 1.19.
    fn check_all(check: fn(&str) -> String, cases: &[(&str, &str)]) {
        for (text, want) in cases {
            assert_eq!(check(text), *want, "text: {text:?}");
        }
    }

    /// Trim markers need a space after `{{-` and before `-}}`; `{{-3}}` is a number.
    const TRIM_MARKERS: &[(&str, &str)] = &[
        ("{{-3}}", ""),
        ("{{- 3}}", ""),
        ("{{3 -}}", ""),
        ("{{3-}}", "1: bad number syntax: \"3-\""),
        ("{{-}}", "1: illegal number syntax: \"-\""),
        ("a  {{- 3 -}}  b", ""),
        ("{{-\n3\n-}}", ""),
        ("{{3 - }}", "1: illegal number syntax: \"-\""),
        ("{{ 3  -}}", ""),
    ];

    #[test]
    fn trim_markers() {
        check_all(am, TRIM_MARKERS);
    }

    /// Numbers as `strconv` and `fmt.Sscan` read them.
    const NUMBERS: &[(&str, &str)] = &[
        ("{{1_000}}", ""),
        ("{{1__000}}", "1: illegal number syntax: \"1__000\""),
        ("{{0x1F}}", ""),
        ("{{0o17}}", ""),
        ("{{0b2}}", "1: bad number syntax: \"0b2\""),
        ("{{08}}", "1: integer overflow: \"08\""),
        ("{{09.5}}", ""),
        ("{{1e}}", "1: illegal number syntax: \"1e\""),
        ("{{0x1p4}}", ""),
        ("{{0x1.8}}", "1: illegal number syntax: \"0x1.8\""),
        ("{{0x1p1024}}", "1: illegal number syntax: \"0x1p1024\""),
        ("{{1e308}}", ""),
        ("{{1e309}}", "1: illegal number syntax: \"1e309\""),
        (
            "{{18446744073709551616}}",
            "1: integer overflow: \"18446744073709551616\"",
        ),
        (
            "{{-9223372036854775809}}",
            "1: integer overflow: \"-9223372036854775809\"",
        ),
        ("{{1i}}", ""),
        ("{{1+2i}}", ""),
        ("{{1+2}}", "1: bad number syntax: \"1+2\""),
        (
            "{{0x+1i}}",
            "1: strconv.ParseFloat: parsing \"0x\": invalid syntax",
        ),
        (
            "{{1e3-1e400i}}",
            "1: strconv.ParseFloat: parsing \"-1e400\": value out of range",
        ),
        ("{{3.x}}", "1: bad number syntax: \"3.x\""),
        ("{{1x}}", "1: bad number syntax: \"1x\""),
        ("{{.5}}", ""),
        ("{{+}}", "1: illegal number syntax: \"+\""),
    ];

    #[test]
    fn numbers() {
        check_all(am, NUMBERS);
    }

    /// Quoted strings, raw strings and character constants.
    const STRINGS_AND_CHARACTERS: &[(&str, &str)] = &[
        ("{{\"a\\tb\"}}", ""),
        ("{{\"a\\qb\"}}", "1: invalid syntax"),
        ("{{\"\\ud800\"}}", "1: invalid syntax"),
        ("{{\"\\777\"}}", "1: invalid syntax"),
        ("{{\"unterminated}}", "1: unterminated quoted string"),
        ("{{\"a\nb\"}}", "1: unterminated quoted string"),
        ("{{`raw\nmulti`}}", ""),
        ("{{`unterminated}}", "1: unterminated raw quoted string"),
        ("{{'a'}}", ""),
        ("{{'ab'}}", "1: malformed character constant: 'ab'"),
        ("{{''}}", "1: invalid syntax"),
        ("{{'\\x4'}}", "1: invalid syntax"),
        ("{{'a}}", "1: unterminated character constant"),
        ("{{'\\é'}}", "1: invalid syntax"),
        ("{{\"\\é\"}}", "1: invalid syntax"),
    ];

    #[test]
    fn strings_and_characters() {
        check_all(am, STRINGS_AND_CHARACTERS);
    }

    /// A comment must be the whole action; trim markers may surround it.
    const COMMENTS: &[(&str, &str)] = &[
        ("{{/* c */}}", ""),
        ("{{- /* c */ -}}", ""),
        ("{{/* c */ }}", "1: comment ends before closing delimiter"),
        ("{{ /* c */}}", "1: unexpected \"/\" in command"),
        ("{{/* c", "1: unclosed comment"),
        ("{{/* c */ x}}", "1: comment ends before closing delimiter"),
        ("a\n{{/*\nmulti\n*/}}\nb", ""),
        (
            "{{if true}}\n\n{{/* unclosed",
            "3: unclosed comment in action started at x:1",
        ),
    ];

    #[test]
    fn comments() {
        check_all(am, COMMENTS);
    }

    /// Actions and parentheses must be closed.
    const UNCLOSED_ACTIONS: &[(&str, &str)] = &[
        ("{{", "1: unclosed action"),
        ("{{.x", "1: unclosed action"),
        ("a {{ .x }", "1: unexpected \"}\" in operand"),
        ("{{(.x}}", "1: unclosed left paren"),
        ("{{(.x))}}", "1: unexpected \")\" in command"),
        ("{{)}}", "1: unexpected \")\" in command"),
        ("{{\n.x\n\n", "4: unclosed action started at x:1"),
        (
            "line1\nline2 {{ if\n\n .x",
            "4: unclosed action started at x:2",
        ),
        (
            "{{ .x \n\n \"abc",
            "3: unterminated quoted string in action started at x:1",
        ),
        ("}}", ""),
    ];

    #[test]
    fn unclosed_actions() {
        check_all(am, UNCLOSED_ACTIONS);
    }

    /// What may follow an identifier, and what may appear in an action.
    const BAD_CHARACTERS: &[(&str, &str)] = &[
        ("{{.a+1}}", "1: bad character U+002B '+'"),
        ("{{a-b}}", "1: bad character U+002D '-'"),
        ("{{$x=1}}", "1: bad character U+003D '='"),
        ("{{$x:=1}}{{$x}}", ""),
        ("{{$x :1}}", "1: undefined variable \"$x\""),
        ("{{#}}", "1: unexpected \"#\" in command"),
        ("{{\u{1}}}", "1: unrecognized character in action: U+0001"),
        ("{{€}}", "1: unrecognized character in action: U+20AC '€'"),
        ("{{.é}}", ""),
        ("{{.x²}}", "1: bad character U+00B2 '²'"),
        ("{{.x\u{200b}}}", "1: bad character U+200B"),
        ("{{.x ; .y}}", "1: unexpected \";\" in operand"),
    ];

    #[test]
    fn bad_characters() {
        check_all(am, BAD_CHARACTERS);
    }

    /// `{{end}}` and `{{else}}` close only open blocks.
    const END_AND_ELSE: &[(&str, &str)] = &[
        ("{{end}}", "1: unexpected {{end}}"),
        ("{{else}}", "1: unexpected {{else}}"),
        ("{{ else if .x }}", "1: unexpected {{else}}"),
        ("{{if .x}}", "1: unexpected EOF"),
        ("{{if .x}}{{else}}", "1: unexpected EOF"),
        ("{{if .x}}{{end}}{{end}}", "1: unexpected {{end}}"),
        ("{{end .x}}", "1: unexpected \".x\" in end"),
        (
            "{{if .x}}{{else}}{{else}}{{end}}",
            "1: expected end; found {{else}}",
        ),
        (
            "{{range .}}{{else}}{{else}}{{end}}",
            "1: expected end; found {{else}}",
        ),
        ("{{if .x}}\n\n{{range .}}\n", "4: unexpected EOF"),
    ];

    #[test]
    fn end_and_else() {
        check_all(am, END_AND_ELSE);
    }

    /// `else if` chains (in `if` only) close with one `{{end}}`; `else with` is no chain.
    const ELSE_CHAINS: &[(&str, &str)] = &[
        ("{{if .x}}a{{else if .y}}b{{else}}c{{end}}", ""),
        ("{{if .x}}{{else if .y}}{{else if .z}}{{end}}", ""),
        (
            "{{if .x}}{{else if .y}}{{end}}{{end}}",
            "1: unexpected {{end}}",
        ),
        ("{{if .x}}{{else if}}{{end}}", "1: missing value for if"),
        (
            "{{range .}}{{else if .y}}{{end}}",
            "1: unexpected <if> in input",
        ),
        (
            "{{with .}}{{else if .y}}{{end}}",
            "1: unexpected <if> in input",
        ),
        (
            "{{if .}}{{else with .y}}{{end}}",
            "1: unexpected <with> in else",
        ),
        (
            "{{with .}}{{else with .y}}{{end}}",
            "1: unexpected <with> in else",
        ),
    ];

    #[test]
    fn else_chains() {
        check_all(am, ELSE_CHAINS);
    }

    /// `break` and `continue` (Go 1.18+) only inside `range`, alone in their action.
    const BREAK_AND_CONTINUE: &[(&str, &str)] = &[
        ("{{break}}", "1: {{break}} outside {{range}}"),
        ("{{continue}}", "1: {{continue}} outside {{range}}"),
        ("{{range .}}{{break}}{{end}}", ""),
        ("{{range .}}{{if .}}{{continue}}{{end}}{{end}}", ""),
        (
            "{{range .}}{{else}}{{break}}{{end}}",
            "1: {{break}} outside {{range}}",
        ),
        (
            "{{range .}}{{break 1}}{{end}}",
            "1: unexpected \"1\" in {{break}}",
        ),
        (
            "{{range .}}{{define \"a\"}}{{break}}{{end}}{{end}}",
            "1: unexpected <define> in command",
        ),
        (
            "{{range .}}{{block \"a\" .}}{{break}}{{end}}{{end}}",
            "1: {{break}} outside {{range}}",
        ),
        ("{{.break}}", ""),
    ];

    #[test]
    fn break_and_continue() {
        check_all(am, BREAK_AND_CONTINUE);
    }

    /// Variables are checked at parse time; blocks end their declarations' scope.
    const VARIABLES_AND_SCOPES: &[(&str, &str)] = &[
        ("{{$x}}", "1: undefined variable \"$x\""),
        ("{{$x := 1}}{{$x}}", ""),
        ("{{$x = 1}}{{$x}}", ""),
        ("{{$x := $x}}", ""),
        (
            "{{if true}}{{$x := 1}}{{end}}{{$x}}",
            "1: undefined variable \"$x\"",
        ),
        ("{{if $x := 1}}{{$x}}{{else}}{{$x}}{{end}}", ""),
        (
            "{{if $x := 1}}{{end}}{{$x}}",
            "1: undefined variable \"$x\"",
        ),
        (
            "{{range $i, $e := .}}{{$i}}{{$e}}{{end}}{{$e}}",
            "1: undefined variable \"$e\"",
        ),
        ("{{($x := 1)}}{{$x}}", ""),
        (
            "{{$x := 1}}{{define \"a\"}}{{$x}}{{end}}",
            "1: undefined variable \"$x\"",
        ),
        (
            "{{$x := 1}}{{block \"b\" .}}{{$x}}{{end}}",
            "1: undefined variable \"$x\"",
        ),
        (
            "{{if $a := 1}}{{else if $b := $a}}{{$b}}{{end}}{{$b}}",
            "1: undefined variable \"$b\"",
        ),
        ("{{$.x}} {{$}}", ""),
        ("{{$1}}", "1: undefined variable \"$1\""),
    ];

    #[test]
    fn variables_and_scopes() {
        check_all(am, VARIABLES_AND_SCOPES);
    }

    /// At most one variable is declared, two in `range`.
    const DECLARATIONS: &[(&str, &str)] = &[
        ("{{$x, $y := 1}}", "1: too many declarations in command"),
        (
            "{{with $x, $y := 1}}{{end}}",
            "1: too many declarations in with",
        ),
        (
            "{{range $i, $e, $f := .}}{{end}}",
            "1: too many declarations in range",
        ),
        (
            "{{range $i, 3}}{{end}}",
            "1: range can only initialize variables",
        ),
        ("{{range $i, }}{{end}}", "1: missing value for range"),
        ("{{range $i, $e}}{{end}}", "1: undefined variable \"$e\""),
        ("{{ $x := }}", "1: missing value for command"),
        ("{{ $x := := 1 }}", "1: unexpected \":=\" in command"),
        ("{{ .x := 1 }}", "1: unexpected \":=\" in operand"),
    ];

    #[test]
    fn declarations() {
        check_all(am, DECLARATIONS);
    }

    /// Functions are Go's builtins and the ones passed in.
    const FUNCTIONS: &[(&str, &str)] = &[
        (
            "{{and 1 2}} {{or 1}} {{not 1}} {{len .}} {{index . 1}} {{slice .}}",
            "",
        ),
        (
            "{{call .}} {{html .}} {{js .}} {{print 1}} {{printf \"%d\" 1}} {{println}}",
            "",
        ),
        (
            "{{urlquery .}} {{eq 1 1}} {{ne 1 2}} {{lt 1 2}} {{le 1 2}} {{gt 2 1}} {{ge 2 1}}",
            "",
        ),
        (
            "{{join \",\" (stringSlice \"a\")}} {{title .}} {{toUpper .}} {{toLower .}}",
            "",
        ),
        (
            "{{match \"a\" .}} {{safeHtml .}} {{reReplaceAll \"a\" \"b\" .}}",
            "",
        ),
        ("{{humanize 1}}", "1: function \"humanize\" not defined"),
        ("{{trimSpace .}}", "1: function \"trimSpace\" not defined"),
        (
            "{{.x | undefined}}",
            "1: function \"undefined\" not defined",
        ),
        ("{{Printf}}", "1: function \"Printf\" not defined"),
    ];

    #[test]
    fn functions() {
        check_all(am, FUNCTIONS);
    }

    /// Actions and `if`/`range`/`with` need a value.
    const EMPTY_PIPELINES: &[(&str, &str)] = &[
        ("{{}}", "1: missing value for command"),
        ("{{ }}", "1: missing value for command"),
        ("{{- -}}", "1: illegal number syntax: \"-\""),
        ("{{if}}{{end}}", "1: missing value for if"),
        ("{{range}}{{end}}", "1: missing value for range"),
        ("{{with}}{{end}}", "1: missing value for with"),
        ("{{()}}", "1: missing value for parenthesized pipeline"),
        ("{{1 |}}", ""),
        ("{{| 1}}", "1: unexpected \"|\" in command"),
        ("{{1 || 2}}", "1: unexpected \"|\" in command"),
    ];

    #[test]
    fn empty_pipelines() {
        check_all(am, EMPTY_PIPELINES);
    }

    /// Only the first command of a pipeline may start with a literal.
    const PIPELINE_STAGES: &[(&str, &str)] = &[
        (
            "{{.x | 1}}",
            "1: non executable command in pipeline stage 2",
        ),
        (
            "{{.x | \"s\"}}",
            "1: non executable command in pipeline stage 2",
        ),
        (
            "{{.x | nil}}",
            "1: non executable command in pipeline stage 2",
        ),
        (
            "{{.x | .}}",
            "1: non executable command in pipeline stage 2",
        ),
        (
            "{{.x | true}}",
            "1: non executable command in pipeline stage 2",
        ),
        ("{{.x | .y}}", ""),
        ("{{.x | $}}", ""),
        ("{{.x | (1)}}", ""),
        (
            "{{.x | printf \"%v\" | 2}}",
            "1: non executable command in pipeline stage 3",
        ),
        ("{{nil}}", ""),
        ("{{nil 1}}", ""),
    ];

    #[test]
    fn pipeline_stages() {
        check_all(am, PIPELINE_STAGES);
    }

    /// Fields chain on fields, variables and parenthesized pipelines, not on literals.
    const FIELDS: &[(&str, &str)] = &[
        ("{{.a.b.c}}", ""),
        ("{{$x := .}}{{$x.a.b}}", ""),
        ("{{(.a).b.c}}", ""),
        ("{{len.y}}", ""),
        ("{{true.x}}", "1: unexpected . after term \"true\""),
        ("{{nil.x}}", "1: unexpected . after term \"nil\""),
        ("{{..x}}", "1: unexpected . after term \".\""),
        ("{{\"a\".x}}", "1: unexpected . after term \"\\\"a\\\"\""),
        ("{{1.5.x}}", "1: unexpected . after term \"1.5\""),
        ("{{(1).x}}", ""),
        ("{{ .a(1) }}", "1: unexpected \"(\" in operand"),
    ];

    #[test]
    fn fields() {
        check_all(am, FIELDS);
    }

    /// `define`, `template` and `block` clauses.
    const DEFINE_TEMPLATE_BLOCK: &[(&str, &str)] = &[
        ("{{define \"a\"}}x{{end}}{{template \"a\" .}}", ""),
        ("{{define `a`}}x{{end}}", ""),
        (
            "{{define a}}x{{end}}",
            "1: unexpected \"a\" in define clause",
        ),
        (
            "{{define}}x{{end}}",
            "1: unexpected \"}}\" in define clause",
        ),
        (
            "{{define \"a\" .}}x{{end}}",
            "1: unexpected <.> in define clause",
        ),
        ("{{define \"a\"}}x", "1: unexpected EOF"),
        (
            "{{define \"a\"}}x{{else}}{{end}}",
            "1: unexpected {{else}} in define clause",
        ),
        (
            "{{if .}}{{define \"a\"}}x{{end}}{{end}}",
            "1: unexpected <define> in command",
        ),
        ("{{define \"a\\q\"}}x{{end}}", "1: invalid syntax"),
        ("{{template}}", "1: unexpected \"}}\" in template clause"),
        ("{{template a}}", "1: unexpected \"a\" in template clause"),
        ("{{template \"a\" . .}}", ""),
        (
            "{{template \"a\" | .}}",
            "1: unexpected \"|\" in template clause",
        ),
        ("{{block \"a\" .}}x{{end}}", ""),
        (
            "{{block \"a\"}}x{{end}}",
            "1: missing value for block clause",
        ),
        (
            "{{block \"a\" .}}x{{else}}y{{end}}",
            "1: unexpected {{else}} in block clause",
        ),
        ("{{block \"a\" .}}x", "1: unexpected EOF"),
    ];

    #[test]
    fn define_template_block() {
        check_all(am, DEFINE_TEMPLATE_BLOCK);
    }

    /// A template may be defined once with content, and more times empty.
    const MULTIPLE_DEFINITIONS: &[(&str, &str)] = &[
        (
            "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}",
            "1: template: multiple definition of template \"a\"",
        ),
        ("{{define \"a\"}}x{{end}}{{define \"a\"}} {{end}}", ""),
        ("{{define \"a\"}} {{end}}{{define \"a\"}}y{{end}}", ""),
        (
            "{{block \"a\" .}}x{{end}}{{define \"a\"}}y{{end}}",
            "1: template: multiple definition of template \"a\"",
        ),
        ("{{define \"x\"}}x{{end}}", ""),
        (
            "{{define \"x\"}}x{{end}}y",
            "1: template: multiple definition of template \"x\"",
        ),
        ("{{define \"x\"}} {{end}}y", ""),
    ];

    #[test]
    fn multiple_definitions() {
        check_all(am, MULTIPLE_DEFINITIONS);
    }

    /// Prometheus' functions, and the variables it declares before each template.
    const PROMETHEUS_ALERT_TEMPLATES: &[(&str, &str)] = &[
        (
            "{{ $labels.instance }} is down ({{ $value | humanizePercentage }})",
            "",
        ),
        ("{{$externalURL}}{{$externalLabels.cluster}}", ""),
        ("{{ query \"up\" | first | value | humanize }}", ""),
        ("{{ stripPort $labels.instance }} {{ toTime $value }}", ""),
        ("{{ parseDuration \"1m\" }}", ""),
        ("{{ join \",\" . }}", "1: function \"join\" not defined"),
        ("{{$label}}", "1: undefined variable \"$label\""),
        (
            "{{define \"a\"}}{{$labels}}{{end}}",
            "1: undefined variable \"$labels\"",
        ),
        (
            "{{define \"x\"}}a{{end}}",
            "1: template: multiple definition of template \"x\"",
        ),
    ];

    #[test]
    fn prometheus_alert_templates() {
        check_all(prom, PROMETHEUS_ALERT_TEMPLATES);
    }

    /// Errors point at the whole offending action, `{{` to `}}`.
    #[test]
    fn error_ranges() {
        let cases = [
            ("a {{ .x | undefined }} b", 2, 22),
            ("{{if .x}}\nbody", 0, 9),
            ("{{if .a}}{{else if .b}}{{if .c}}{{end}}", 9, 23),
            ("x {{end}}", 2, 9),
            ("x {{- end -}} y", 2, 13),
            ("{{ \"abc", 0, 7),
            ("{{.a}} {{.b+1}} {{.c}}", 7, 15),
            ("a {{/* c */ }} b", 2, 14),
            ("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", 22, 36),
            ("{{define \"x\"}}x{{end}}y", 0, 14),
            ("{{if .x -}} {{- else -}} {{- else -}} {{end}}", 25, 37),
            ("{{range .}}{{(1 | 2)}}{{end}}", 11, 22),
        ];
        for (text, start, end) in cases {
            let err = parse(text, ALERTMANAGER, &[]).expect_err(text);
            assert_eq!((err.start, err.end), (start, end), "{text:?}: {err}");
        }
    }

    #[test]
    fn go_error_and_display() {
        let err = parse("\n{{ .x | nope }}", ALERTMANAGER, &[]).expect_err("undefined function");
        assert_eq!(
            go_error(&err, "__alert_Foo"),
            r#"template: __alert_Foo:2: function "nope" not defined"#
        );
        assert_eq!(err.to_string(), r#"line 2: function "nope" not defined"#);
        let err =
            parse_named("", "{{define \"\"}}a{{end}}b", ALERTMANAGER, &[]).expect_err("redefined");
        assert_eq!(
            go_error(&err, ""),
            r#"template: :1: template: multiple definition of template """#
        );
    }

    // --- the corpus of Go's verdicts -----------------------------------------------------

    /// A JSON value of the corpus' flat objects.
    #[derive(Debug, PartialEq)]
    enum Json {
        Str(String),
        Bool(bool),
    }

    /// Parses one flat JSON object of strings and booleans.
    fn json_object(line: &str) -> HashMap<String, Json> {
        let mut chars = line.trim().chars().peekable();
        let mut fields = HashMap::new();
        assert_eq!(chars.next(), Some('{'));
        loop {
            match chars.next() {
                Some('"') => {}
                Some('}') => return fields,
                other => panic!("unexpected {other:?} in {line}"),
            }
            let key = json_string(&mut chars);
            assert_eq!(chars.next(), Some(':'));
            let value = match chars.next() {
                Some('"') => Json::Str(json_string(&mut chars)),
                Some('t') => Json::Bool(true),
                Some('f') => Json::Bool(false),
                other => panic!("unexpected {other:?} in {line}"),
            };
            while chars.peek().is_some_and(char::is_ascii_alphabetic) {
                chars.next();
            }
            fields.insert(key, value);
            if chars.peek() == Some(&',') {
                chars.next();
            }
        }
    }

    /// The rest of a JSON string whose opening quote has been read.
    fn json_string(chars: &mut impl Iterator<Item = char>) -> String {
        let mut s = String::new();
        let mut pending_high = None;
        while let Some(c) = chars.next() {
            let c = match c {
                '"' => return s,
                '\\' => match chars.next() {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('r') => '\r',
                    Some('b') => '\x08',
                    Some('f') => '\x0c',
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let unit = u32::from_str_radix(&hex, 16).expect("\\u escape");
                        if (0xD800..0xDC00).contains(&unit) {
                            pending_high = Some(unit);
                            continue;
                        }
                        let code = match pending_high.take() {
                            Some(high) => 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00),
                            None => unit,
                        };
                        char::from_u32(code).expect("valid code point")
                    }
                    Some(other) => other,
                    None => break,
                },
                c => c,
            };
            s.push(c);
        }
        panic!("unterminated JSON string")
    }

    fn corpus_path() -> std::path::PathBuf {
        let relative = "tests/gotemplate/corpus.jsonl";
        match option_env!("CARGO_MANIFEST_DIR") {
            Some(dir) => std::path::Path::new(dir).join(relative),
            // Standalone `rustc --test src/gotemplate.rs`: the corpus is beside src/.
            None => {
                let src = std::path::Path::new(file!())
                    .parent()
                    .unwrap_or(std::path::Path::new(""));
                src.join("..").join(relative)
            }
        }
    }

    /// Every text of the corpus gets Go's verdict and Go's message, and each error's range is
    /// an action of the text.
    #[test]
    fn corpus_matches_go() {
        let Ok(corpus) = std::fs::read_to_string(corpus_path()) else {
            eprintln!("no corpus at {}: skipped", corpus_path().display());
            return;
        };
        let mut disagreements = Vec::new();
        let mut cases = 0;
        for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
            let fields = json_object(line);
            let field = |name: &str| match fields.get(name) {
                Some(Json::Str(s)) => s.as_str(),
                _ => "",
            };
            let (text, name) = (
                field("text"),
                fields.get("name").map_or("x", |_| field("name")),
            );
            let (funcs, vars) = match field("funcs") {
                "prometheus" => (PROMETHEUS, PROMETHEUS_VARS),
                _ => (ALERTMANAGER, &[][..]),
            };
            cases += 1;
            let got = match parse_named(name, text, funcs, vars) {
                Ok(()) => String::new(),
                Err(e) => {
                    let span = text.get(e.start..e.end).unwrap_or("");
                    assert!(span.starts_with("{{"), "span {span:?} of {text:?}");
                    go_error(&e, name)
                }
            };
            let ok = fields.get("ok") == Some(&Json::Bool(true));
            if got != field("go_error") || got.is_empty() != ok {
                disagreements.push(format!("{line}\n  got: {got:?}"));
            }
        }
        assert!(cases > 0);
        assert!(
            disagreements.is_empty(),
            "{} of {cases} disagree with Go:\n{}",
            disagreements.len(),
            disagreements
                .iter()
                .take(40)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
