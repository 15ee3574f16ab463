//! Go `text/template` texts: alert annotations as Prometheus 2.42 parses them, and receiver
//! texts (Slack `title` and `text`) as Alertmanager 0.25 does. The parse is
//! [`crate::gotemplate`], a port of Go 1.19's template parser held to Go's own verdicts on a
//! corpus (`tests/gotemplate/corpus.jsonl`): every text Go refuses at load time is refused
//! here, with Go's message.

/// The functions Prometheus 2.42 defines for alert templates (`template/template.go`).
pub(crate) const PROMETHEUS_FUNCS: &[&str] = &[
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
    "parseDuration",
];

/// Variables Prometheus defines before every annotation template.
pub(crate) const PROMETHEUS_VARS: &[&str] =
    &["$labels", "$externalLabels", "$externalURL", "$value"];

/// The functions Alertmanager 0.25 defines for notification templates.
pub(crate) const ALERTMANAGER_FUNCS: &[&str] = &[
    "toUpper",
    "toLower",
    "title",
    "join",
    "match",
    "safeHtml",
    "reReplaceAll",
    "stringSlice",
];

/// A problem at a byte range of the template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl From<crate::gotemplate::ParseError> for TemplateError {
    fn from(e: crate::gotemplate::ParseError) -> Self {
        // Go says only "unexpected EOF" for a block left open; the range is its opening.
        let message = if e.message == "unexpected EOF" {
            "unexpected EOF: this action is never closed by `{{ end }}`".to_string()
        } else {
            e.message
        };
        TemplateError {
            start: e.start,
            end: e.end,
            message,
        }
    }
}

/// Checks an alert annotation as Prometheus parses it.
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
        let verdict = crate::gotemplate::parse(text, PROMETHEUS_FUNCS, PROMETHEUS_VARS)
            .map_err(TemplateError::from);
        seen.borrow_mut().insert(text.to_string(), verdict.clone());
        verdict
    })
}

/// Reports what `check` (one of this module's checks) finds in the text of `s`, at the
/// offending action when the text is written plainly; true when the text parses.
pub(crate) fn report(
    cx: &mut super::Cx,
    s: &crate::load::S<String>,
    check: fn(&str) -> Result<(), TemplateError>,
    help: Option<&str>,
) -> bool {
    let Err(e) = check(s.get_ref()) else {
        return true;
    };
    let span = cx.inner_span(s, e.start, e.end);
    let mut d = crate::diag::Diagnostic::error(
        crate::codes::BAD_TEMPLATE,
        format!("template: {}", e.message),
    )
    .at(span, "in this template");
    if let Some(help) = help {
        d = d.help(help);
    }
    cx.push(d);
    false
}

/// Checks a notification text (Slack `title`, `text`) as Alertmanager parses it.
pub fn check_alertmanager(text: &str) -> Result<(), TemplateError> {
    crate::gotemplate::parse_named("", text, ALERTMANAGER_FUNCS, &[]).map_err(TemplateError::from)
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
            "{{/* a comment */}}",
            "{{ \"5m\" | parseDuration }}",
        ] {
            assert_eq!(check(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn rejects_what_go_would_reject() {
        for (t, needle) in [
            ("{{ $value ", "unclosed action"),
            ("{{ }}", "missing value for command"),
            (
                "{{ $value | humanise }}",
                "function \"humanise\" not defined",
            ),
            ("{{ $valeu }}", "undefined variable \"$valeu\""),
            ("{{ if $value }}x", "unexpected EOF"),
            ("x{{ end }}", "unexpected {{end}}"),
            ("{{ printf \"%s }}", "unterminated quoted string"),
            // Go takes a comment only right after the delimiter.
            ("{{ /* a comment */ }}", "unexpected \"/\""),
        ] {
            let e = check(t).expect_err(t);
            assert!(e.message.contains(needle), "{t}: {}", e.message);
        }
    }

    #[test]
    fn receiver_texts_know_alertmanager_functions_only() {
        assert_eq!(
            check_alertmanager(
                "{{ range .Alerts }}{{ .Annotations.description | toUpper }}{{ end }}"
            ),
            Ok(())
        );
        assert!(check_alertmanager("{{ .CommonLabels.job | humanize }}").is_err());
    }
}
