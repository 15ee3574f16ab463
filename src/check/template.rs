//! Annotation templates: Go `text/template` actions as Prometheus evaluates them in alert
//! summaries and descriptions.
//!
//! This is not a full Go template parser; it finds what is certainly wrong — an unterminated
//! action or string, an empty action, a function Prometheus does not define, a variable never
//! declared, `if`/`range`/`with` without `end` — and leaves the rest to `promtool check rules`,
//! which the test suite runs on every generated rule file.

/// Go's built-in template functions and keywords.
const GO_WORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge", "html", "js", "urlquery", "call", "slice", "nil", "true", "false",
];

/// Functions Prometheus 2.42 adds for alert templates.
const PROMETHEUS_FUNCS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "stripPort",
    "stripDomain",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
];

/// Variables Prometheus defines in alert templates.
const PREDEFINED_VARS: &[&str] = &["$", "$value", "$labels", "$externalLabels", "$externalURL"];

/// A problem at a byte range of the template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

fn err(start: usize, end: usize, message: impl Into<String>) -> TemplateError {
    TemplateError {
        start,
        end,
        message: message.into(),
    }
}

/// Checks a template; returns the first certain error.
pub fn check(text: &str) -> Result<(), TemplateError> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        /// Verdicts on texts with actions: a large config repeats a few descriptions.
        static SEEN: RefCell<HashMap<String, Result<(), TemplateError>>> =
            RefCell::new(HashMap::new());
    }
    if !text.contains("{{") {
        return Ok(());
    }
    SEEN.with(|seen| {
        if let Some(known) = seen.borrow().get(text) {
            return known.clone();
        }
        let verdict = check_text(text);
        seen.borrow_mut().insert(text.to_string(), verdict.clone());
        verdict
    })
}

fn check_text(text: &str) -> Result<(), TemplateError> {
    let mut vars: Vec<String> = PREDEFINED_VARS.iter().map(|v| v.to_string()).collect();
    let mut blocks: Vec<(usize, &'static str)> = Vec::new();
    let mut pos = 0;
    while let Some(open) = text[pos..].find("{{") {
        let start = pos + open;
        let body_start = start + 2;
        let close = find_close(text, body_start)
            .ok_or_else(|| err(start, text.len(), "`{{` is never closed by `}}`"))?;
        let mut body = &text[body_start..close];
        body = body.strip_prefix("- ").unwrap_or(body);
        body = body.strip_suffix(" -").unwrap_or(body);
        let trimmed = body.trim();
        if trimmed.is_empty() {
            return Err(err(start, close + 2, "empty action `{{ }}`"));
        }
        if !(trimmed.starts_with("/*") && trimmed.ends_with("*/")) {
            action(trimmed, start, close + 2, &mut vars, &mut blocks)?;
        }
        pos = close + 2;
    }
    if let Some((at, word)) = blocks.pop() {
        return Err(err(
            at,
            at + 2,
            format!("`{word}` is never closed by `{{{{ end }}}}`"),
        ));
    }
    Ok(())
}

/// The `}}` closing the action opened before `from`, skipping string literals.
fn find_close(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'`' || b == b'\'' {
                    quote = Some(b);
                } else if bytes[i..].starts_with(b"}}") {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

fn action(
    body: &str,
    start: usize,
    end: usize,
    vars: &mut Vec<String>,
    blocks: &mut Vec<(usize, &'static str)>,
) -> Result<(), TemplateError> {
    let tokens = tokenize(body).map_err(|m| err(start, end, m))?;
    let first = tokens.first().map(String::as_str).unwrap_or("");
    match first {
        "if" => blocks.push((start, "if")),
        "range" => blocks.push((start, "range")),
        "with" => blocks.push((start, "with")),
        "define" => blocks.push((start, "define")),
        "block" => blocks.push((start, "block")),
        "end" if blocks.pop().is_none() => {
            return Err(err(
                start,
                end,
                "`{{ end }}` without an open `if`, `range` or `with`",
            ));
        }
        "else" if blocks.is_empty() => {
            return Err(err(
                start,
                end,
                "`{{ else }}` outside `if`, `range` or `with`",
            ));
        }
        _ => {}
    }
    for (i, t) in tokens.iter().enumerate() {
        if let Some(name) = t.strip_prefix('$') {
            let var = format!("${}", name.split('.').next().unwrap_or(""));
            let declares = tokens.get(i + 1).is_some_and(|n| n == ":=" || n == ",");
            if declares {
                vars.push(var);
            } else if !vars.contains(&var) {
                return Err(err(start, end, format!("variable `{var}` is not defined")));
            }
        } else if t.starts_with(|c: char| c.is_ascii_alphabetic())
            && !GO_WORDS.contains(&t.as_str())
            && !PROMETHEUS_FUNCS.contains(&t.as_str())
        {
            return Err(err(start, end, format!("function `{t}` is not defined")));
        }
    }
    Ok(())
}

/// Words of an action: strings, numbers and punctuation become placeholders; variables,
/// fields and identifiers are kept.
fn tokenize(body: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || "()|,".contains(c) {
            if c == ',' {
                out.push(",".into());
            }
            i += 1;
        } else if c == '"' || c == '`' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                if chars[j] == '\\' && c != '`' {
                    j += 1;
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err("unterminated string in the action".into());
            }
            out.push("\"\"".into());
            i = j + 1;
        } else if c == ':' && chars.get(i + 1) == Some(&'=') {
            out.push(":=".into());
            i += 2;
        } else if c == '=' {
            out.push(":=".into());
            i += 1;
        } else {
            let mut j = i;
            while j < chars.len() && !(chars[j].is_whitespace() || "()|,\"`'".contains(chars[j])) {
                if chars[j] == ':' && chars.get(j + 1) == Some(&'=') {
                    break;
                }
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if word.starts_with('.')
                || word.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            {
                out.push("0".into());
            } else {
                out.push(word);
            }
            i = j.max(i + 1);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_prometheus_alert_templates() {
        for t in [
            "plain text",
            "{{ $value | humanizePercentage }}",
            "{{ $labels.instance }} down ({{ printf \"%.2f\" $value }})",
            "{{ range $i, $x := query \"up\" }}{{ $x.Value }}{{ end }}",
            "{{- if gt $value 1.0 -}}big{{ else }}small{{ end -}}",
            "{{ with $labels.job }}{{ . }}{{ end }}",
            "{{ /* a comment */ }}",
        ] {
            assert_eq!(check(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn rejects_what_go_would_reject() {
        for (t, needle) in [
            ("{{ $value ", "never closed"),
            ("{{ }}", "empty action"),
            ("{{ $value | humanise }}", "function `humanise`"),
            ("{{ $valeu }}", "variable `$valeu`"),
            ("{{ if $value }}x", "never closed by"),
            ("x{{ end }}", "without an open"),
            ("{{ printf \"%s }}", "never closed"),
        ] {
            let e = check(t).expect_err(t);
            assert!(e.message.contains(needle), "{t}: {}", e.message);
        }
    }
}
