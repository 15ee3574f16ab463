//! PromQL as the user wrote it and as ccmon generates it, parsed in-process.
//!
//! `promql-parser` reports no position, so an error is attached to the span of the key that
//! holds the expression. Expressions are capped in length first: the parser's time grows
//! faster than linearly on huge flat expressions, and no real alert needs more.

use crate::promql::selector::fast::{keyword, string_end};

pub use super::MAX_EXPR_LEN;

/// Whether `expr` is one operand that any binary operator applied to it leaves whole: a
/// selector, a function call, an aggregation or a parenthesised expression.
pub fn is_operand(expr: &str) -> bool {
    use promql_parser::parser::Expr;
    matches!(
        crate::promql::parse_ast(expr),
        Ok(Expr::VectorSelector(_) | Expr::Call(_) | Expr::Aggregate(_) | Expr::Paren(_))
    )
}

/// Where in `expr` the error `why` (from [`parse_error`] or [`version_error`]) lies, as a
/// byte range, when it can be told: `promql-parser` reports no position. A lexer's error is at
/// the end of the shortest prefix that the lexer refuses alike (an unexpected character, an
/// unterminated string at its opening quote, the parenthesis left open); an unknown,
/// misused or unavailable function at its name.
pub fn error_position(expr: &str, why: &str) -> Option<std::ops::Range<usize>> {
    let lex_error = |s: &str| promql_parser::parser::lexer(s).err();
    if lex_error(expr).as_deref() == Some(why) {
        let ends: Vec<usize> = expr.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        // The shortest refused prefix: prefixes only add characters after the error.
        let k = ends.partition_point(|&end| lex_error(&expr[..end]).as_deref() != Some(why));
        let end = *ends.get(k)?;
        let start = expr[..end].char_indices().next_back()?.0;
        return Some(start..end);
    }
    let quoted = |s: &str, open: char, close: char| -> Option<String> {
        let rest = &s[s.find(open)? + open.len_utf8()..];
        Some(rest[..rest.find(close)?].to_string())
    };
    let name = quoted(why, '\'', '\'').or_else(|| quoted(why, '`', '`'))?;
    let at = find_call(expr, &name)?;
    Some(at..at + name.len())
}

/// The byte offset of the first call of `name` in `expr`, outside strings.
fn find_call(expr: &str, name: &str) -> Option<usize> {
    let b = expr.as_bytes();
    let mut found = None;
    scan_code(expr, |i, _| {
        if found.is_none()
            && expr[i..].starts_with(name)
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && expr[i + name.len()..].trim_start().starts_with('(')
        {
            found = Some(i);
        }
    })?;
    found
}

/// Parses one expression; `None` when it is well-formed, the reason otherwise.
pub fn parse_error(expr: &str) -> Option<String> {
    analyze(expr, false).err()
}

/// The first function or aggregation of `expr` that the targeted Prometheus does not have (or
/// has only behind a flag it does not run with). A parse error is not reported here.
pub fn version_error(expr: &str, target: &crate::promql_versions::PromqlTarget) -> Option<String> {
    use crate::promql_versions::{AGGREGATIONS, Availability, FUNCTIONS};
    let usable = |f: &crate::promql_versions::Feature| match f.availability(target.version) {
        Availability::Available => true,
        Availability::NeedsFlag(flag) => target.features.iter().any(|x| x == flag),
        _ => false,
    };
    if let Some(why) = go_regex_error(expr) {
        return Some(why);
    }
    let syntax = syntax_used(expr);
    if syntax.contains(&"number_out_of_range") {
        return Some("a number literal out of range: Prometheus reads numbers as Go's float64 and refuses an overflow".into());
    }
    if let Some(f) = syntax
        .into_iter()
        .filter_map(crate::promql_versions::syntax)
        .find(|f| !usable(f))
    {
        return f.diagnostic(target.version);
    }
    // Cheap first: most expressions name no function the target lacks.
    let suspects: Vec<_> = FUNCTIONS
        .iter()
        .chain(AGGREGATIONS)
        .filter(|f| !usable(f) && expr.contains(f.name))
        .collect();
    if suspects.is_empty() {
        return None;
    }
    let ast = crate::promql::parse_ast(expr).ok()?;
    let mut used = Vec::new();
    names_used(&ast, &mut used);
    suspects
        .into_iter()
        .find(|f| used.contains(&f.name.to_string()))
        .and_then(|f| f.diagnostic(target.version))
}

/// The syntax features of [`crate::promql_versions::SYNTAX`] that `expr` uses and that a
/// scan of its tokens can tell (the parse tree does not keep them): durations used as numbers
/// (`x * 5m`, `x[120]`), arithmetic in a range or offset (`x[5m * 2]`), `_` in numbers,
/// quoted metric names, the extended range modifiers, `fill` modifiers and `</` `>/`.
fn syntax_used(expr: &str) -> Vec<&'static str> {
    let b = expr.as_bytes();
    let mut used = Vec::new();
    let mut use_ = |f: &'static str| {
        if !used.contains(&f) {
            used.push(f);
        }
    };
    let (mut i, mut bracket, mut brace, mut prev_word) = (0, 0usize, 0usize, "");
    // What a `[` holds so far: `Some(true)` while it is one duration (or `d:d`).
    let (mut plain_range, mut bare_number) = (true, false);
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            b'{' => brace += 1,
            b'}' => brace = brace.saturating_sub(1),
            b'"' | b'\'' | b'`' => {
                let before = b[..i].trim_ascii_end();
                let end = string_end(b, i).unwrap_or(b.len());
                let after = b[end..].trim_ascii_start();
                let names_a_label = brace > 0
                    && (before.ends_with(b"{") || before.ends_with(b","))
                    && (after.starts_with(b"=") || after.starts_with(b"!"));
                if names_a_label {
                    use_("utf8_names");
                } else if c == b'"' && before.ends_with(b"{") {
                    use_("quoted_metric_name");
                }
                i = end;
                continue;
            }
            b'[' => {
                bracket += 1;
                (plain_range, bare_number) = (true, false);
            }
            b']' => {
                if bracket > 0 && !plain_range {
                    use_("duration_expr");
                } else if bracket > 0 && bare_number {
                    use_("duration_as_number");
                }
                bracket = bracket.saturating_sub(1);
            }
            b'<' | b'>' if b.get(i + 1) == Some(&b'/') => use_("histogram_trim"),
            b'0'..=b'9' | b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) || c != b'.' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                let tok = &expr[start..i];
                if tok.contains('_') {
                    use_("number_underscores");
                }
                // Go's ParseFloat refuses what overflows (`1e400`); Rust reads it as infinity.
                let plain = tok.replace('_', "");
                let hex = plain
                    .strip_prefix("0x")
                    .or_else(|| plain.strip_prefix("0X"));
                if hex.is_some_and(|h| !h.is_empty() && u64::from_str_radix(h, 16).is_err())
                    || plain.parse::<f64>().is_ok_and(f64::is_infinite)
                {
                    use_("number_out_of_range");
                }
                let is_duration = crate::quantity::Duration::parse(tok).is_ok();
                if bracket > 0 {
                    bare_number |= !is_duration;
                } else if is_duration && prev_word != "offset" {
                    use_("duration_as_number");
                }
                prev_word = "";
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':')
                {
                    i += 1;
                }
                let word = &expr[start..i];
                match word {
                    "anchored" | "smoothed" => use_(if word == "anchored" {
                        "anchored"
                    } else {
                        "smoothed"
                    }),
                    "fill" | "fill_left" | "fill_right" if bracket == 0 => use_("fill_modifiers"),
                    _ if bracket > 0 => plain_range = false,
                    _ => {}
                }
                prev_word = if word == "offset" { "offset" } else { "" };
                continue;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'(' if bracket > 0 => plain_range = false,
            b'(' if prev_word == "offset" => use_("duration_expr"),
            // `offset -5m`: a negative offset, still an offset's duration.
            b'-' if prev_word == "offset" => {
                i += 1;
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            prev_word = "";
        }
        i += 1;
    }
    used
}

/// The first regex matcher (`=~`, `!~`) of `expr` that Go's regexp refuses or reads otherwise
/// than the `regex` crate (see [`crate::re2`]): Prometheus compiles matchers with Go.
fn go_regex_error(expr: &str) -> Option<String> {
    let b = expr.as_bytes();
    let mut found = None;
    scan_code(expr, |i, c| {
        if found.is_some() || !matches!(c, b'"' | b'\'' | b'`') {
            return;
        }
        let before = expr[..i].trim_end();
        if !(before.ends_with("=~") || before.ends_with("!~")) {
            return;
        }
        let end = string_end(b, i).unwrap_or(b.len());
        let pattern = unquote(&expr[i..end]);
        if let Some(why) = go_verdict(&pattern) {
            found = Some(format!("regex `{pattern}`: {why}"));
        }
    })?;
    found
}

/// [`crate::re2::check`]'s verdict on a regex.
fn go_verdict(pattern: &str) -> Option<String> {
    crate::regexes::go_error(pattern)
}

/// The text of a PromQL string literal (quotes included): Go's escapes in `"` and `'`
/// strings, none in backquoted ones.
fn unquote(lit: &str) -> String {
    let (q, body) = (
        lit.as_bytes()[0],
        &lit[1..lit.len().saturating_sub(1).max(1)],
    );
    if q == b'`' {
        return body.to_string();
    }
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('\\' | '"' | '\'')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Every function and aggregation operator called in `e`.
fn names_used(e: &promql_parser::parser::Expr, out: &mut Vec<String>) {
    use promql_parser::parser::Expr;
    super::visit(e, &mut |e| match e {
        Expr::Aggregate(a) => out.push(a.op.to_string()),
        Expr::Call(c) => out.push(c.func.name.to_string()),
        _ => {}
    });
}

/// Parses a condition: `Err` with the reason when it is malformed; for a raw condition
/// (`split`), its value expression and threshold when it has the shape `value > number`.
pub fn analyze(expr: &str, split: bool) -> Result<Option<(String, f64)>, String> {
    use promql_parser::parser::Expr;
    if expr.len() > MAX_EXPR_LEN {
        return Err(format!(
            "expression is {} bytes long, over the limit of {MAX_EXPR_LEN}",
            expr.len()
        ));
    }
    // A raw condition's value is printed from the parse: its rewritten matchers carry a mark
    // that turns them back into regex matchers in the print.
    let (ast, marked) = match without_regexes(expr, split) {
        None => (crate::promql::parse_ast(expr)?, false),
        Some((plain, patterns)) => {
            let ast = match crate::promql::parse_ast(&plain) {
                Ok(ast) => ast,
                // The message as for the text the user wrote.
                Err(e) if split => {
                    return Err(crate::promql::parse_ast(expr).err().unwrap_or(e));
                }
                Err(e) => return Err(e),
            };
            if let Some(why) = patterns.iter().find_map(|p| regex_error(p)) {
                return Err(why);
            }
            (ast, split)
        }
    };
    if !split {
        return Ok(None);
    }
    Ok(match ast {
        Expr::Binary(b)
            if b.op.is_comparison_operator()
                && !b.modifier.as_ref().is_some_and(|m| m.return_bool) =>
        {
            match *b.rhs {
                Expr::NumberLiteral(n) => {
                    let value = b.lhs.to_string();
                    let value = if marked { unmark(&value) } else { value };
                    Some((value, n.val))
                }
                _ => None,
            }
        }
        _ => None,
    })
}

/// Calls `f` with the index and byte of everything outside string literals and comments (a
/// comment shows as its `#` alone, a string as its opening quote); `None` when a literal is
/// not closed. Comments end at a line feed or a carriage return, as in the lexer.
fn scan_code(expr: &str, mut f: impl FnMut(usize, u8)) -> Option<()> {
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                f(i, b'#');
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'' | b'`') => {
                f(i, q);
                i = string_end(b, i)?;
            }
            c => {
                f(i, c);
                i += 1;
            }
        }
    }
    Some(())
}

/// The expression with regex matchers (`=~`, `!~`) turned into equality matchers in place,
/// and their regexes; `None` when there is none to turn.
///
/// `promql-parser` compiles the regex of every matcher it parses, which costs most of the
/// parse; a large config repeats the same few regexes thousands of times, so they are checked
/// once each by [`regex_error`] instead, exactly as the parser would have. Only matchers whose
/// verdict cannot change are turned: inside the braces of a selector that has a metric name
/// (without one, the parser refuses a selector whose every matcher matches the empty string,
/// which depends on the regex), written as a plain operator (not `!=~`), on a `"` or `'`
/// string.
fn without_regexes(expr: &str, mark: bool) -> Option<(String, Vec<String>)> {
    if !expr.contains('~') || expr.contains(MARK) {
        return None;
    }
    let b = expr.as_bytes();
    let mut ops = Vec::new();
    // For every open brace, whether its selector has a metric name.
    let mut braces: Vec<bool> = Vec::new();
    let mut prev_code: Option<usize> = None;
    scan_code(expr, |i, c| {
        match c {
            b'{' => braces.push(prev_code.is_some_and(|p| named_before(expr, p))),
            b'}' => {
                braces.pop();
            }
            b'=' | b'!'
                if braces.last() == Some(&true)
                    && b.get(i + 1) == Some(&b'~')
                    && !i
                        .checked_sub(1)
                        .is_some_and(|p| matches!(b[p], b'!' | b'=' | b'<' | b'>' | b'~')) =>
            {
                ops.push(i)
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            prev_code = Some(i);
        }
    })?;
    let mut plain = String::with_capacity(expr.len() + 8);
    let mut copied = 0;
    let mut patterns = Vec::new();
    for i in ops {
        let start = i
            + 2
            + b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_whitespace())
                .count();
        if !matches!(b.get(start), Some(b'"' | b'\'')) {
            continue;
        }
        let Some(end) = string_end(b, start) else {
            continue;
        };
        let Ok(pattern) = promql_parser::util::unquote_string(&expr[start..end]) else {
            continue;
        };
        // `=~` becomes `= ` and `!~` becomes `!=`, in place; the mark opens the string.
        plain.push_str(&expr[copied..=i]);
        plain.push(if b[i] == b'=' { ' ' } else { '=' });
        plain.push_str(&expr[i + 2..=start]);
        if mark {
            plain.push(MARK);
        }
        copied = start + 1;
        patterns.push(pattern);
    }
    if patterns.is_empty() {
        return None;
    }
    plain.push_str(&expr[copied..]);
    Some((plain, patterns))
}

/// Opens the string of a rewritten matcher when its expression is printed back (a private-use
/// character; an expression that holds one is never rewritten).
const MARK: char = '\u{E000}';

/// A printed expression with its marked matchers turned back into regex matchers.
fn unmark(printed: &str) -> String {
    printed
        .replace(&format!("!=\"{MARK}"), "!~\"")
        .replace(&format!("=\"{MARK}"), "=~\"")
}

/// Whether the code byte at `last` ends a metric name (an identifier that is no keyword).
fn named_before(expr: &str, last: usize) -> bool {
    let b = expr.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
    let mut start = last + 1;
    while start > 0 && is_ident(b[start - 1]) {
        start -= 1;
    }
    let name = &expr[start..last + 1];
    super::is_metric_name(name, true) && !keyword(name)
}

fn regex_error(pattern: &str) -> Option<String> {
    crate::regexes::parser_error(pattern)
}

/// A label name that can stand in a `by (..)` clause without the parser's say.
pub fn plain_label(name: &str) -> bool {
    super::is_metric_name(name, false) && !keyword(name)
}

/// Whether `s` is certainly an instant-vector selector the parser accepts (see
/// [`crate::promql::selector::fast`]).
pub fn surely_selector(s: &str) -> bool {
    crate::promql::selector::fast::scan(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw condition's value, from the rewritten text, prints as the parser prints the
    /// original.
    #[test]
    fn holt_winters_is_prometheus_2_and_its_new_name_is_3() {
        use crate::promql_versions::PromqlTarget;
        let at = |v: (u16, u16)| PromqlTarget {
            version: v,
            ..PromqlTarget::default()
        };
        let hw = "holt_winters(x[10m], 0.5, 0.5) > 1";
        assert_eq!(parse_error(hw), None);
        assert_eq!(version_error(hw, &at((2, 42))), None);
        let why = version_error(hw, &at((3, 1))).unwrap();
        assert!(why.contains("removed in Prometheus 3.0"), "{why}");
        let des = "double_exponential_smoothing(x[10m], 0.5, 0.5) > 1";
        assert!(version_error(des, &at((2, 42))).is_some());
    }

    #[test]
    fn errors_are_placed_where_the_parser_fails() {
        fn at(e: &str) -> (String, Option<&str>) {
            let why = parse_error(e)
                .or_else(|| version_error(e, &crate::promql_versions::PromqlTarget::default()))
                .unwrap_or_else(|| panic!("{e} parses"));
            let r = error_position(e, &why);
            (why, r.map(|r| &e[r]))
        }
        // The parenthesis left open.
        assert_eq!(at("sum(rate(x[5m]) > 1").1, Some("("));
        // An unexpected character, and a string never closed, at its quote.
        assert_eq!(at("x $ 1").1, Some("$"));
        assert_eq!(at(r#"x{a="b} > 1"#).1, Some("\""));
        // An unknown function, one misused, one the target lacks.
        assert_eq!(at("rate(x[5m]) + frobnicate(x)").1, Some("frobnicate"));
        assert_eq!(at("x + rate(y)").1, Some("rate"));
        assert_eq!(at("x + limitk(2, y)").1, Some("limitk"));
        // A grammar error the parser does not place.
        assert_eq!(at("x > > 1").1, None);
    }

    #[test]
    fn a_split_value_is_printed_as_from_the_original() {
        use promql_parser::parser::Expr;
        let values = [
            "sum by (job) (rate(x{status=~\"5..\", a!~'b|c', d=\"e\"}[5m]))",
            "x{a!~\"b\"} / on (a) group_left () y{c=~\"(?i)d\\\\.\"}",
            "max(x{a=~\"=\\\"~\"})",
            "{__name__=~\"x.*\", a=~\".+\"}",
            "histogram_quantile(0.9, sum by (le) (rate(h_bucket{a=~\"b\"}[5m])))",
        ];
        for v in values {
            for e in [
                format!("{v} > 3"),
                format!("{v}\n>= 0.5"),
                format!("({v}) != 2"),
            ] {
                let expected = match crate::promql::parse_ast(&e) {
                    Ok(Expr::Binary(b)) => b.lhs.to_string(),
                    other => panic!("{e}: {other:?}"),
                };
                let got = analyze(&e, true).unwrap().unwrap().0;
                assert_eq!(got, expected, "{e}");
            }
        }
    }

    #[test]
    fn syntax_newer_than_the_target_is_found() {
        let target = crate::promql_versions::PromqlTarget::default();
        for ok in [
            "rate(x[5m])",
            "rate(x[5m] offset 1h)",
            "x offset -5m",
            "max_over_time(rate(x[5m])[1h:1m])",
            "x @ 1609746000",
            "x > 1e5 and y < 0x1F",
            "x{job=\"a_1\"} * 100",
            "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
        ] {
            assert_eq!(version_error(ok, &target), None, "{ok}");
        }
        for (bad, feature) in [
            ("x * 5m", "duration_as_number"),
            ("x[120]", "duration_as_number"),
            ("x[5m * 2]", "duration_expr"),
            ("x offset (1h / 2)", "duration_expr"),
            ("x > 1_000", "number_underscores"),
            ("{\"x\"}", "quoted_metric_name"),
            ("x{job=\"a\", \"a.b\"=\"x\"}", "utf8_names"),
            ("x{a=~\"(?<n>x)\"}", "Go"),
            ("x{a=~`a{1001}`}", "Go"),
            ("x + 1e400", "out of range"),
        ] {
            let why = version_error(bad, &target);
            assert!(
                why.as_deref().is_some_and(|w| w.contains(feature)),
                "{bad}: {why:?}"
            );
        }
    }

    #[test]
    fn splits_a_threshold_condition() {
        let (v, t) = analyze("sum(rate(x_total[5m])) > 3", true)
            .unwrap()
            .unwrap();
        assert_eq!(t, 3.0);
        assert!(v.contains("rate(x_total[5m])"), "{v}");
        assert!(analyze("a > bool 3", true).unwrap().is_none());
        assert!(analyze("a > b", true).unwrap().is_none());
        assert!(analyze("sum(a", false).is_err());
    }

    #[test]
    fn regex_matchers_are_checked_once_each_as_the_parser_would() {
        for bad in [r#"x{a=~"("}"#, r#"x{a!~'[z-a]'}"#, r#"sum(x{a=~`(`}) > 1"#] {
            let direct = crate::promql::parse_ast(bad).err().unwrap();
            let ours = analyze(bad, false).err().unwrap();
            assert!(direct.contains(&ours), "{bad}: {direct} / {ours}");
        }
        for good in [
            r#"x{a=~"5..", b!~"\\d+"}"#,
            r#"x{a=~`a{3}`}"#,
            r#"x{a=~"(?i)x|y", b="~"}"#,
            "x{a=~'it\\'s'}",
        ] {
            assert!(crate::promql::parse_ast(good).is_ok(), "{good}");
            assert_eq!(analyze(good, false), Ok(None), "{good}");
        }
        // Outside braces `!~` is no operator; rewriting it to `!=` must not make it valid.
        assert!(analyze("a !~ b", false).is_err());
        assert!(analyze(r#"a !~ "b""#, false).is_err());
    }

    #[test]
    fn a_sure_selector_is_one_the_parser_accepts() {
        let sure = [
            "up",
            "http_requests_total{status=~\"5..\"}",
            "a:b:c { job = \"x\" , route != '/r', q!~\"q-.*\" }",
            "x{a=\"\\\"quoted\\\"\", b=~\"(?i)ab|c\"}",
            "By_x{le=\"+Inf\"}",
        ];
        for s in sure {
            assert!(surely_selector(s), "{s}");
            assert!(crate::promql::parse_ast(s).is_ok(), "{s}");
        }
        // Left to the parser, whatever it says of them.
        let unsure = [
            "anchored",
            "smoothed{a=\"b\"}",
            "x{a=~`opus\\d`}",
            "x{a=`\\`}",
            "x{a=`b`}",
            "",
            "sum",
            "SUM{a=\"b\"}",
            "x{}",
            "x{a=\"b\",}",
            "x{__name__=\"y\"}",
            "x{on=\"y\"}",
            "x{a==\"b\"}",
            "x{a=b}",
            "x{a=\"b\"} # c",
            "x{a=~\"(\"}",
            "x{a=\"\\q\"}",
            "x{a=\"b\"",
            "x{a=\"b\"}[5m]",
            "x offset 5m",
            "9x",
            "x{\"a\"=\"b\"}",
            "x{a=\"b\" b=\"c\"}",
            "rate(x[5m])",
        ];
        for s in unsure {
            assert!(!surely_selector(s), "{s}");
        }
        assert!(plain_label("route") && !plain_label("on") && !plain_label("9a"));
        assert!(!plain_label("smoothed") && !plain_label("Anchored"));
    }

    /// Thousands of selector-like strings, made from pieces that are often right and
    /// sometimes wrong: whatever `surely_selector` vouches for, the parser accepts.
    #[test]
    fn what_surely_selector_vouches_for_always_parses() {
        let names = [
            "up", "a:b", "_x", "sum", "rate", "by", "Offset", "x9", "9x", "é", "",
        ];
        let labels = [
            "job", "le", "__name__", "on", "a_b", "1a", "", "bool", "l-1",
        ];
        let ops = ["=", "!=", "=~", "!~", "==", "~", " = ", "=\t"];
        let values = [
            "\"x\"",
            "'x'",
            "`x`",
            "\"5..\"",
            "\"(\"",
            "\"\\q\"",
            "\"\\\"\"",
            "\"a",
            "\"\"",
            "\"[a-\"",
            "'\\u00e9'",
            "\"x{2,1}\"",
            "x",
        ];
        let seps = [",", ", ", " ,", ",,", "", "\n,"];
        let ends = ["}", " }", ",}", "} ", "}x", "", "}[5m]", "} # c"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut vouched = 0;
        for _ in 0..20_000 {
            let mut s = names[next(names.len())].to_string();
            if next(4) > 0 {
                s.push('{');
                for i in 0..next(4) {
                    if i > 0 {
                        s.push_str(seps[next(seps.len())]);
                    }
                    s.push_str(labels[next(labels.len())]);
                    s.push_str(ops[next(ops.len())]);
                    s.push_str(values[next(values.len())]);
                }
                s.push_str(ends[next(ends.len())]);
            }
            if surely_selector(&s) {
                vouched += 1;
                assert!(crate::promql::parse_ast(&s).is_ok(), "{s}");
            }
        }
        assert!(vouched > 1000, "{vouched}");
    }

    /// The regex rewrite accepts and refuses exactly what the parser does.
    #[test]
    fn rewriting_regex_matchers_changes_no_verdict() {
        let parts = [
            // Without a metric name, a selector whose matchers all match "" is refused.
            "{a=~\".*\"}",
            "{a!~\".*\"}",
            "{a=~\"b\"}",
            "{a=~\".*\", b=~\"c\"}",
            "sum #c\n{a=~\".*\"}",
            "x{a!=~\"b\"}",
            "x{a==~\"b\"}",
            "x{a=~`b\\d`}",
            "x{a=~`\\`}",
            "x{a=~\"b\"} #\r`\n{a=~'('}`",
            "x{a=~\"5..\"}",
            "x{a!~'(b'}",
            "x{a=~`[z-a]`}",
            "x{a=\"=~\\\"\"}",
            "{__name__=~\"x.*\"}",
            "x{a=~\"b\" # c\n}",
            "x{a=~ \"b\", c!~\"d\"}",
            "x{a=~b}",
            "x !~ \"b\"",
            "x =~ y",
            "x{a=~\"\\q\"}",
            "x{a=~\"b\"",
            "x{a=~\"(?i)b|c\"}",
            "x{a=~\"b{2}\"}",
            "x{a=~\"b{x}\"}",
        ];
        let shapes = [
            "{}",
            "sum({}) > 1",
            "rate({}[5m])",
            "{} and {}",
            "({}) / on () {}",
            "{} # {}",
        ];
        for shape in shapes {
            for a in parts {
                for b in parts {
                    let e = shape.replacen("{}", a, 1).replacen("{}", b, 1);
                    let direct = crate::promql::parse_ast(&e).is_ok();
                    assert_eq!(analyze(&e, false).is_ok(), direct, "{e}");
                    assert_eq!(analyze(&e, true).is_ok(), direct, "{e}");
                }
            }
        }
    }
}
