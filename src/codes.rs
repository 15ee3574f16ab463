//! The one registry of diagnostic codes. Codes are stable: a code, once shipped, keeps its
//! meaning. `docs/diagnostics.md` documents each; a test keeps the two in step.
//!
//! Families: CM0xx input and syntax (and the output folder), CM1xx structure, CM2xx values,
//! CM3xx references, CM4xx uniqueness, CM5xx PromQL and templates, CM6xx policy, CM7xx the
//! real tools (`validate --with-tools`, `test`).
//!
//! Each code names one kind of problem. Issue 12 split the catch-alls: CM208 (once "value out
//! of range or malformed") now means a number or size out of range, and CM211 to CM217 took
//! its other uses; CM004, CM005 and CM702 took what CM001 said about the output folder and the
//! tools; CM106 took CM102's keys that are needed only with or instead of others.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Code {
    pub id: &'static str,
    pub title: &'static str,
}

macro_rules! codes {
    ($($name:ident = $id:literal, $title:literal;)*) => {
        $(pub const $name: Code = Code { id: $id, title: $title };)*
        /// Every code, in registry order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    UNREADABLE = "CM001", "the configuration file cannot be read";
    SYNTAX = "CM002", "TOML syntax error";
    TOO_MANY = "CM003", "too many problems; stopped early";
    OUTPUT_FOLDER = "CM004", "the output folder cannot be read or written";
    NOT_OURS = "CM005", "files in the output folder that ccmon would not replace";
    INCLUDE = "CM006", "an included file that cannot be found or read";
    UNKNOWN_KEY = "CM101", "unknown key";
    MISSING_KEY = "CM102", "missing required key";
    WRONG_TYPE = "CM103", "value of the wrong type";
    KEY_NOT_FOR_KIND = "CM104", "key that does nothing here";
    KIND_NEEDS_KEY = "CM105", "alert kind needs a key";
    INCOMPLETE_KEYS = "CM106", "a combination of keys that lacks one it needs";
    STACK_ONLY = "CM107", "key only the stack file may set";
    BAD_DURATION = "CM201", "malformed duration";
    BAD_THRESHOLD = "CM202", "threshold of the wrong unit or out of range";
    EMPTY_NAME = "CM203", "empty or malformed name";
    BAD_ADDRESS = "CM204", "malformed host:port or port out of range";
    BAD_LABEL_NAME = "CM205", "invalid metric or label name";
    UNKNOWN_KIND = "CM206", "unknown alert kind, panel kind or unit";
    UNKNOWN_SEVERITY = "CM207", "unknown severity";
    OUT_OF_RANGE = "CM208", "number or size out of range";
    BAD_MATCHER = "CM209", "malformed label matcher";
    UNSAFE_TEXT = "CM210", "value that would become syntax in a generated file";
    CONFLICTING_SETTINGS = "CM211", "settings the server refuses together";
    BAD_URL_OR_EMAIL = "CM212", "malformed URL or email address";
    UNUSABLE_PATH = "CM213", "path the server cannot use";
    EMPTY_VALUE = "CM214", "empty list or value";
    UNKNOWN_CHOICE = "CM215", "unsupported version or unknown option";
    BAD_IDENTIFIER = "CM216", "identifier the server refuses";
    BAD_COMMAND = "CM217", "command that cannot start the service";
    DURATION_OUT_OF_RANGE = "CM218", "duration too short or too long";
    BAD_TIME_INTERVAL = "CM219", "malformed time interval, time or time zone";
    UNKNOWN_RECEIVER = "CM301", "reference to an unknown receiver";
    UNKNOWN_DIMENSION = "CM302", "reference to an unknown dimension";
    UNKNOWN_JOB = "CM303", "reference to an unknown job";
    UNKNOWN_ALERT = "CM304", "reference to an unknown alert";
    RECORD_CYCLE = "CM305", "recording rules that read each other in a cycle";
    UNKNOWN_TIME_INTERVAL = "CM306", "reference to an unknown time interval";
    UNKNOWN_VARIABLE = "CM307", "reference to an unknown dashboard variable";
    DUPLICATE_NAME = "CM401", "duplicate name";
    PORT_CLASH = "CM402", "two jobs scrape the same host:port";
    ROUTE_CLASH = "CM403", "two default routes for one team";
    BAD_PROMQL = "CM501", "malformed PromQL";
    BAD_TEMPLATE = "CM502", "malformed annotation template";
    PLAINTEXT_SECRET = "CM601", "secret given as a value";
    FOR_SHORTER_THAN_SCRAPE = "CM602", "`for` shorter than the scrape interval";
    INHIBIT_NEVER_MATCHES = "CM603", "inhibit rule that can never match";
    NO_SOURCE_FOR_METRIC = "CM604", "alert on a metric no job exports";
    PLUS_ONLY = "CM605", "output that needs nginx Plus";
    MISSING_SECTION = "CM606", "a section the outputs need is missing";
    COUNTER_WITHOUT_RATE = "CM607", "alert on a counter without rate or increase";
    SLO_TIER_NEVER_FIRES = "CM608", "SLO alert tier that can never fire";
    WINDOW_TOO_SHORT = "CM609", "range window shorter than two scrape intervals";
    MATCHES_NOTHING = "CM610", "matcher that no alert can satisfy";
    PAGE_REACHES_NO_ONE = "CM611", "page alert routed only to receivers without a target";
    PAGE_NOT_PAGED = "CM612", "page alert that reaches no paging receiver";
    RECEIVER_UNREACHED = "CM613", "receiver that no alert reaches";
    INSECURE_TLS = "CM614", "TLS certificate verification switched off";
    ADMIN_API_EXPOSED = "CM615", "Prometheus' admin API reachable from the network";
    TOOL_REJECTS = "CM701", "a real tool rejects the generated output";
    TOOL_MISSING = "CM702", "a tool the command needs is missing or cannot run";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} then {}",
                pair[0].id,
                pair[1].id
            );
        }
    }
}
