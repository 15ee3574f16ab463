//! systemd units from `templates/unit.service.j2`: flags derived from the rest of the config,
//! restart on failure, and a hardened sandbox (`ProtectSystem=strict` with the data paths the
//! process writes opened again).

use serde::Serialize;

use super::template;
use crate::bundle::HEADER;
use crate::model::{Model, Service, ServiceKind};

pub const TEMPLATE: &str = include_str!("../../templates/unit.service.j2");

/// One `ExecStart=` word: `%` and `$` are systemd specifiers; blanks and quotes need quoting.
/// With `expand_env`, `$VAR` is left for systemd to expand from the environment file.
pub fn escape_word(w: &str, expand_env: bool) -> String {
    let w = w.replace('%', "%%");
    let w = if expand_env { w } else { w.replace('$', "$$") };
    if w.is_empty() || w.contains([' ', '\t', '"', '\'', '\\', ';']) {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        w
    }
}

#[derive(Serialize)]
struct Ctx<'a> {
    header: &'static str,
    s: &'a Service,
    exec_start: String,
    reload: bool,
}

impl Serialize for Service {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = ser.serialize_struct("Service", 6)?;
        st.serialize_field("description", &self.description)?;
        st.serialize_field("user", &self.user)?;
        st.serialize_field("working_directory", &self.working_directory)?;
        st.serialize_field("environment_file", &self.environment_file)?;
        st.serialize_field("read_write_paths", &self.read_write_paths)?;
        st.serialize_field("protect_home", &self.protect_home)?;
        st.end()
    }
}

pub fn emit(_m: &Model, s: &Service) -> String {
    // One option per line; a value given as the next word stays on its option's line.
    let mut exec = escape_word(&s.binary, false);
    for (i, f) in s.flags.iter().enumerate() {
        let is_value = i > 0
            && !f.starts_with('-')
            && s.flags[i - 1].starts_with('-')
            && !s.flags[i - 1].contains('=');
        exec.push_str(if is_value { " " } else { " \\\n    " });
        exec.push_str(&escape_word(f, s.expand_env));
    }
    let ctx = Ctx {
        header: HEADER,
        s,
        exec_start: exec,
        reload: matches!(s.kind, ServiceKind::Prometheus | ServiceKind::Alertmanager),
    };
    template::render("unit.service", TEMPLATE, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specifiers_and_blanks() {
        assert_eq!(escape_word("--a=1", false), "--a=1");
        assert_eq!(escape_word("100%", false), "100%%");
        assert_eq!(escape_word("a b", false), "\"a b\"");
        assert_eq!(escape_word("", false), "\"\"");
        assert_eq!(escape_word("$PORT", false), "$$PORT");
        assert_eq!(escape_word("$PORT", true), "$PORT");
    }
}
