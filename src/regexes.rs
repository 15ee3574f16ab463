//! The one regex cache. A large config repeats the same few regexes (`5..`, `api|web`)
//! thousands of times, and three questions are asked of each: would `promql-parser` take it,
//! would Go's `regexp` (Prometheus, Alertmanager) take it, and does it match a value. Each
//! answer is computed once per distinct pattern and thread.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Default)]
struct Entry {
    parser: OnceCell<Option<String>>,
    go: OnceCell<Option<String>>,
    anchored: OnceCell<Result<regex::Regex, String>>,
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Rc<Entry>>> = RefCell::new(HashMap::new());
}

fn entry(pattern: &str) -> Rc<Entry> {
    CACHE.with(|c| {
        if let Some(e) = c.borrow().get(pattern) {
            return e.clone();
        }
        let e = Rc::new(Entry::default());
        c.borrow_mut().insert(pattern.to_string(), e.clone());
        e
    })
}

/// Why `promql-parser` would refuse this regex matcher, or `None`.
pub fn parser_error(pattern: &str) -> Option<String> {
    use promql_parser::label::Matcher;
    use promql_parser::parser::token::T_EQL_REGEX;
    entry(pattern)
        .parser
        .get_or_init(|| Matcher::new_matcher(T_EQL_REGEX, String::new(), pattern.to_string()).err())
        .clone()
}

/// Why Go's `regexp` (as ported in [`crate::re2`]) would refuse this regex, or `None`.
pub fn go_error(pattern: &str) -> Option<String> {
    entry(pattern)
        .go
        .get_or_init(|| crate::re2::check(pattern).err())
        .clone()
}

/// Whether `value` matches the whole of `pattern`, as label matchers match (anchored at both
/// ends). A pattern that does not build matches nothing.
pub fn full_match(pattern: &str, value: &str) -> bool {
    anchored(pattern, |r| r.as_ref().is_ok_and(|r| r.is_match(value)))
}

/// Why the `regex` crate refuses the anchored pattern (Alertmanager's form), or `None`.
pub fn anchored_error(pattern: &str) -> Option<String> {
    anchored(pattern, |r| r.as_ref().err().cloned())
}

fn anchored<T>(pattern: &str, f: impl FnOnce(&Result<regex::Regex, String>) -> T) -> T {
    let e = entry(pattern);
    f(e.anchored
        .get_or_init(|| regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_those_of_the_engines() {
        assert!(full_match("5..", "503") && !full_match("5..", "5034"));
        assert!(!full_match("(", "("));
        assert!(anchored_error("(").is_some() && anchored_error("5..").is_none());
        assert!(parser_error("5..").is_none() && parser_error("(").is_some());
        assert!(go_error("a{2}").is_none() && go_error(r"\<").is_some());
        // Asked twice, answered alike.
        assert_eq!(parser_error("("), parser_error("("));
    }
}
