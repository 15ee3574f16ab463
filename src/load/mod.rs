//! `load`: TOML text into the raw configuration, keeping the byte span of every value a
//! diagnostic may need to point at.
//!
//! The raw types mirror `monitoring.toml` exactly (see `docs/format.md`); nothing here judges
//! values. Unknown keys are rejected by the parser, with a span. Everything semantic happens in
//! `check`, which turns a [`RawConfig`] into a [`crate::model::Model`].

//!
//! One file per part: [`raw`] (the types, re-exported here), [`pieces`] (a large text parsed on
//! every core), `recovery` (a structure error into a diagnostic, and its entry out of the
//! document so that deserialization can go on).

pub mod any;
pub mod env;
pub mod include;
pub mod pieces;
pub mod raw;
mod recovery;

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

pub use any::Any;
pub use raw::*;
use recovery::{remove_at, structure_diagnostic};

use crate::codes;
use crate::diag::source::Source;
use crate::diag::{Diagnostic, Diags};

/// At most this many syntax errors are listed; past them the rest of the file is noise.
pub const MAX_SYNTAX_ERRORS: usize = 20;
/// At most this many structure errors are collected in one run.
pub const MAX_STRUCTURE_ERRORS: usize = 50;

/// Parses the TOML text into the raw configuration.
///
/// Every syntax error the parser can recover from is reported. Structure errors (unknown keys,
/// wrong types, missing keys) are collected all at once: after each one, the offending entry is
/// removed from the parsed document and deserialization is tried again, so that one run
/// reports every structural mistake and `check` can still look at the rest. Returns `None`
/// only when nothing usable is left.
pub fn load(src: &Source, diags: &mut Diags) -> Option<RawConfig> {
    load_env(src, None, diags).unwrap_or_default()
}

/// [`load`] with the overrides of an environment (`[env.<name>]`) merged in; `Err` when the
/// file declares no such environment.
pub fn load_env(
    src: &Source,
    env: Option<&str>,
    diags: &mut Diags,
) -> Result<Option<RawConfig>, String> {
    for p in &src.problems {
        diags.push(p.clone());
    }
    if src.main_text().trim().is_empty() {
        diags.push(
            Diagnostic::error(codes::MISSING_KEY, "the configuration is empty")
                .at(0..0, "nothing here")
                .help("start with `[project]` and `name = \"...\"`, or write a starter configuration with `ccmon init`"),
        );
        return Ok(None);
    }
    // A large config's alerts are deserialized on every core, piece by piece, as they parse.
    let convert =
        |v: Spanned<DeValue<'_>>| S::<RawAlert>::deserialize(ValueDeserializer::from(v)).ok();
    let pieces::Parsed {
        table: mut doc,
        errors,
        mut more,
    } = pieces::parse_extracting(src.main_text(), "alert", &convert);
    if !errors.is_empty() {
        syntax_errors(
            errors
                .iter()
                .map(|e| (e.message().trim().to_string(), e.span().unwrap_or(0..0))),
            diags,
        );
        return Ok(None);
    }
    // Environments and service files merge into the whole table: alerts parsed apart come
    // back into it.
    let services = src.parts().next().is_some();
    if (services || !env::names(doc.get_ref()).is_empty()) && !more.is_empty() {
        doc = pieces::parse(src.main_text()).0;
        more.clear();
    }
    include::merge(doc.get_mut(), src, diags);
    env::apply(doc.get_mut(), env, diags)?;
    let mut doc = Some(doc);
    if !more.is_empty() {
        // The table holds the first piece's alerts, `more` every other one, all well-formed.
        let Some(whole) = doc.take() else {
            return Ok(None);
        };
        match RawConfig::deserialize(toml::de::Deserializer::from(whole)) {
            Ok(mut raw) => {
                raw.alerts.reserve_exact(more.iter().map(Vec::len).sum());
                for run in more {
                    raw.alerts.extend(run);
                }
                raw.parts = src.parts().map(|(_, r)| r).collect();
                return Ok(Some(raw));
            }
            // Diagnosed below on the whole document, exactly as for a small one.
            Err(_) => doc = Some(pieces::parse(src.main_text()).0),
        }
    }
    let mut recovering = Spanned::new(0..0, DeTable::new());
    let mut need_reparse = true;
    let mut removed: Vec<(Range<usize>, String)> = Vec::new();
    // Each retry deserializes the whole document again: on huge files, stop sooner so that
    // time stays bounded (about 64 MB of text deserialized in all).
    let budget = (64 * 1024 * 1024 / src.text.len().max(1)).clamp(2, MAX_STRUCTURE_ERRORS);
    for _ in 0..budget {
        // The first attempt consumes the document (valid configs need no copy); recovery
        // parses the text again and keeps a copy from then on.
        let attempt = match doc.take() {
            Some(d) => RawConfig::deserialize(toml::de::Deserializer::from(d)),
            None => RawConfig::deserialize(toml::de::Deserializer::from(recovering.clone())),
        };
        match attempt {
            Ok(mut raw) => {
                raw.removed = removed;
                raw.parts = src.parts().map(|(_, r)| r).collect();
                return Ok(Some(raw));
            }
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let d = structure_diagnostic(src, &e, span.clone());
                // A key removed for its wrong type is then missing: say it once.
                let cascade = e
                    .message()
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                    .is_some_and(|k| removed.iter().any(|(s, key)| *s == span && key == k));
                if !cascade {
                    diags.push(d);
                }
                if need_reparse {
                    recovering = pieces::parse(src.main_text()).0;
                    // Its merge diagnostics were reported with the first parse.
                    include::merge(recovering.get_mut(), src, &mut Diags::default());
                    let _ = env::apply(recovering.get_mut(), env, &mut Diags::default());
                    need_reparse = false;
                }
                let root = recovering.span();
                match remove_at(recovering.get_mut(), root, &span) {
                    Some(hit) => removed.push(hit),
                    None => return Ok(None),
                }
            }
        }
    }
    diags.push(
        Diagnostic::error(
            codes::TOO_MANY,
            format!("stopped after {budget} structure errors; more may follow"),
        )
        .help("fix these and run again"),
    );
    Ok(None)
}

/// Syntax errors (message, span), the first [`MAX_SYNTAX_ERRORS`] of them, then how many more.
pub fn syntax_errors(
    errors: impl ExactSizeIterator<Item = (String, Range<usize>)>,
    diags: &mut Diags,
) {
    let n = errors.len();
    for (message, span) in errors.take(MAX_SYNTAX_ERRORS) {
        diags.push(Diagnostic::error(codes::SYNTAX, message).at(span, "TOML syntax error"));
    }
    if n > MAX_SYNTAX_ERRORS {
        diags.push(Diagnostic::error(
            codes::TOO_MANY,
            format!("{} more syntax errors not shown", n - MAX_SYNTAX_ERRORS),
        ));
    }
}

/// The environments (`[env.<name>]`) a configuration declares, in file order; none when it
/// does not parse. The document is parsed only when a line could start the top-level `env`
/// key (a header `[env`, or a key `env.`, `env =`, quoted or not): a config without
/// environments, however large, is not parsed a second time.
pub fn environments(src: &Source) -> Vec<String> {
    if !declares(src.main_text(), env::KEY) {
        return Vec::new();
    }
    let (doc, errors) = pieces::parse(src.main_text());
    if errors.is_empty() {
        env::names(doc.get_ref())
    } else {
        Vec::new()
    }
}

/// Whether a line of `text` could start the top-level key `key`: a header `[key`, or a key
/// `key.` or `key =`, quoted or not. A cheap look before a second parse of a large text.
pub fn declares(text: &str, key: &str) -> bool {
    let spellings = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    text.lines().any(|l| {
        let l = l.trim_start();
        let head = l
            .strip_prefix("[[")
            .or_else(|| l.strip_prefix('['))
            .unwrap_or(l)
            .trim_start();
        spellings.iter().any(|e| {
            head.strip_prefix(e.as_str()).is_some_and(|rest| {
                matches!(rest.trim_start().chars().next(), Some('.' | '=' | ']'))
            })
        })
    })
}

/// The JSON schema of `monitoring.toml`, generated from the raw types; committed as
/// `schema/monitoring.schema.json` for editors (`#:schema` directive).
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(RawConfig);
    schema.insert("title".into(), "ccmon monitoring.toml".into());
    let mut s = serde_json::to_string_pretty(&schema)
        .unwrap_or_else(|e| panic!("ccmon bug: schema failed to serialize: {e}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config large enough to be parsed in pieces, with mistakes in alerts that a later
    /// piece holds: each is reported where it is, as in a small config.
    /// The cheap look for `env` finds every way to write the key, and nothing else.
    #[test]
    fn environments_are_found_in_every_spelling_and_only_then() {
        let names = |t: &str| environments(&Source::new("m.toml", t.to_string()));
        let base = "[project]\nname = \"p\"\nenvironment = \"x\"\n[[services.app]]\nname = \"a\"\nexec = \"/a\"\nenvironment_file = \"/e\"\n";
        assert!(names(base).is_empty());
        for (text, want) in [
            (
                format!("{base}[env.staging.project]\nname = \"s\"\n"),
                vec!["staging"],
            ),
            (
                format!("env.prod.project.name = \"s\"\n{base}"),
                vec!["prod"],
            ),
            (format!("env = {{ a = {{}} }}\n{base}"), vec!["a"]),
            (format!("{base}[\"env\".b]\n"), vec!["b"]),
            (format!("{base}[ env . c ]\n"), vec!["c"]),
        ] {
            assert_eq!(names(&text), want, "{text}");
        }
    }

    #[test]
    fn mistakes_in_later_pieces_are_reported_at_their_place() {
        let mut text = crate::synth::generate(300, 3000);
        assert!(text.len() > 4 * pieces::PIECE);
        let mut expected = Vec::new();
        for (n, line) in [(2900, "bogus_key = 1\n"), (1700, "also_bogus = true\n")] {
            let at = text.match_indices("[[alert]]\n").nth(n).unwrap().0 + "[[alert]]\n".len();
            text.insert_str(at, line);
            expected.push(line.split(' ').next().unwrap().to_string());
        }
        let src = Source::new("monitoring.toml", text.clone());
        let mut diags = Diags::default();
        let raw = load(&src, &mut diags).expect("unknown keys are removed and loading goes on");
        assert_eq!(raw.alerts.len(), 3000);
        let found: Vec<String> = diags
            .sorted()
            .into_iter()
            .map(|d| text[d.primary.as_ref().unwrap().span.clone()].to_string())
            .collect();
        expected.sort();
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "{diags:?}");
        // Without mistakes: every alert, in order, spans pointing at their own text.
        let text = crate::synth::generate(300, 3000);
        let src = Source::new("monitoring.toml", text.clone());
        let raw = load(&src, &mut Diags::default()).unwrap();
        for (i, a) in raw.alerts.iter().enumerate() {
            let name = a.get_ref().name.get_ref();
            assert_eq!(name, &format!("Synth{i:06}"));
            assert_eq!(text[a.get_ref().name.span()].trim_matches('"'), name);
        }
    }
}
