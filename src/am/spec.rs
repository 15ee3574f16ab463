//! What each Alertmanager release accepts, as data: every receiver integration and every one
//! of its options, with the first release that has it and how ccmon checks and writes it.
//! `check` reads TOML against these tables, `emit` writes in their order, `schema` and
//! `docs/format.md` list them. Read from Alertmanager's `config/notifiers.go`,
//! `config/config.go` and prometheus/common's `config/http_config.go` at each tag
//! (v0.24.0 to v0.28.0; common v0.32.1, v0.38.0, v0.44.0, v0.46.0 and v0.61.0).

/// An Alertmanager release `0.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AmVersion(pub u8);

/// The oldest and newest releases ccmon knows. 0.24 is the first with `time_intervals`
/// and `active_time_intervals`.
pub const OLDEST: AmVersion = AmVersion(24);
pub const NEWEST: AmVersion = AmVersion(28);
/// The release CI runs (Debian's `prometheus-alertmanager`), and the default target.
pub const DEFAULT: AmVersion = AmVersion(25);

impl AmVersion {
    /// `"0.25"` or `"0.25.1"`.
    pub fn parse(s: &str) -> Result<AmVersion, String> {
        let mut parts = s.trim().split('.');
        let (Some("0"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err("expected `0.MINOR`, such as `0.25`".into());
        };
        if parts.clone().count() > 1 || parts.any(|p| p.parse::<u32>().is_err()) {
            return Err("expected `0.MINOR` or `0.MINOR.PATCH`".into());
        }
        let minor: u8 = minor
            .parse()
            .map_err(|_| "expected `0.MINOR`, such as `0.25`".to_string())?;
        let v = AmVersion(minor);
        if v < OLDEST || v > NEWEST {
            return Err(format!("ccmon knows Alertmanager {OLDEST} to {NEWEST}"));
        }
        Ok(v)
    }
}

impl std::fmt::Display for AmVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "0.{}", self.0)
    }
}

/// How an option's value is read, checked and written.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A string passed through.
    Str,
    /// A string Alertmanager expands as a template (checked as one).
    Tmpl,
    /// An absolute `http(s)://` URL.
    Url,
    /// `name@domain`, possibly a template.
    Email,
    /// `host:port`.
    HostPort,
    Bool,
    /// A non-negative integer.
    Uint,
    /// An integer (Telegram chat ids are negative for groups).
    Int,
    /// A duration such as `"30s"`.
    Dur,
    /// A path to a file the server reads (a secret, a CA).
    File,
    /// A secret: refused as a value; written only as the file option named here, or, when
    /// the name is empty, not at all (Alertmanager reads it only inline).
    Secret(&'static str),
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A list of strings.
    Strs,
    /// A table of strings to template strings (headers, details).
    Map,
    /// A table of any values, passed through (Jira `fields`).
    AnyMap,
    /// A nested table.
    Obj(&'static [Opt]),
    /// A list of nested tables.
    Objs(&'static [Opt]),
}

/// One option: its key (the same in TOML and YAML), how it is read, and the first release
/// that has it.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub key: &'static str,
    pub ty: Ty,
    pub since: AmVersion,
}

const fn o(key: &'static str, ty: Ty) -> Opt {
    Opt {
        key,
        ty,
        since: OLDEST,
    }
}

const fn since(key: &'static str, ty: Ty, minor: u8) -> Opt {
    Opt {
        key,
        ty,
        since: AmVersion(minor),
    }
}

/// `tls_config` (prometheus/common).
pub static TLS: &[Opt] = &[
    o("ca_file", Ty::File),
    since("ca", Ty::Str, 26),
    o("cert_file", Ty::File),
    since("cert", Ty::Str, 26),
    o("key_file", Ty::File),
    since("key", Ty::Secret("key_file"), 26),
    o("server_name", Ty::Str),
    o("insecure_skip_verify", Ty::Bool),
    since(
        "min_version",
        Ty::Enum(&["TLS10", "TLS11", "TLS12", "TLS13"]),
        25,
    ),
    since(
        "max_version",
        Ty::Enum(&["TLS10", "TLS11", "TLS12", "TLS13"]),
        25,
    ),
];

const BASIC_AUTH: &[Opt] = &[
    o("username", Ty::Str),
    since("username_file", Ty::File, 27),
    o("password", Ty::Secret("password_file")),
    o("password_file", Ty::File),
];

const AUTHORIZATION: &[Opt] = &[
    o("type", Ty::Str),
    o("credentials", Ty::Secret("credentials_file")),
    o("credentials_file", Ty::File),
];

const OAUTH2: &[Opt] = &[
    o("client_id", Ty::Str),
    o("client_secret", Ty::Secret("client_secret_file")),
    o("client_secret_file", Ty::File),
    o("scopes", Ty::Strs),
    o("token_url", Ty::Url),
    o("endpoint_params", Ty::Map),
];

/// `http_config` (prometheus/common's HTTP client), shared by every integration and the
/// global section.
pub static HTTP: &[Opt] = &[
    o("basic_auth", Ty::Obj(BASIC_AUTH)),
    o("authorization", Ty::Obj(AUTHORIZATION)),
    o("oauth2", Ty::Obj(OAUTH2)),
    o("bearer_token", Ty::Secret("bearer_token_file")),
    o("bearer_token_file", Ty::File),
    o("proxy_url", Ty::Url),
    since("no_proxy", Ty::Str, 26),
    since("proxy_from_environment", Ty::Bool, 26),
    o("follow_redirects", Ty::Bool),
    since("enable_http2", Ty::Bool, 25),
    o("tls_config", Ty::Obj(TLS)),
];

const SIGV4: &[Opt] = &[
    o("region", Ty::Str),
    o("access_key", Ty::Str),
    o("secret_key", Ty::Secret("")),
    o("profile", Ty::Str),
    o("role_arn", Ty::Str),
];

pub static SLACK_FIELD: &[Opt] = &[
    o("title", Ty::Tmpl),
    o("value", Ty::Tmpl),
    o("short", Ty::Bool),
];

const SLACK_CONFIRM: &[Opt] = &[
    o("text", Ty::Tmpl),
    o("title", Ty::Tmpl),
    o("ok_text", Ty::Tmpl),
    o("dismiss_text", Ty::Tmpl),
];

pub static SLACK_ACTION: &[Opt] = &[
    o("type", Ty::Tmpl),
    o("text", Ty::Tmpl),
    o("url", Ty::Tmpl),
    o("style", Ty::Tmpl),
    o("name", Ty::Tmpl),
    o("value", Ty::Tmpl),
    o("confirm", Ty::Obj(SLACK_CONFIRM)),
];

const PD_LINK: &[Opt] = &[o("href", Ty::Tmpl), o("text", Ty::Tmpl)];
const PD_IMAGE: &[Opt] = &[o("src", Ty::Tmpl), o("alt", Ty::Tmpl), o("href", Ty::Tmpl)];

pub static OPSGENIE_RESPONDER: &[Opt] = &[
    o("id", Ty::Tmpl),
    o("name", Ty::Tmpl),
    o("username", Ty::Tmpl),
    o(
        "type",
        Ty::Enum(&["team", "teams", "user", "escalation", "schedule"]),
    ),
];

const ROCKETCHAT_FIELD: &[Opt] = &[
    o("title", Ty::Tmpl),
    o("value", Ty::Tmpl),
    o("short", Ty::Bool),
];

const ROCKETCHAT_ACTION: &[Opt] = &[
    o("type", Ty::Tmpl),
    o("text", Ty::Tmpl),
    o("url", Ty::Tmpl),
    o("msg", Ty::Tmpl),
];

/// One receiver integration: `[[receiver.<key>]]` in TOML, `<key>_configs` in YAML.
#[derive(Debug)]
pub struct Integration {
    pub key: &'static str,
    pub since: AmVersion,
    /// Alertmanager's default for `send_resolved`, which ccmon always writes.
    pub send_resolved: bool,
    /// Whether it wakes someone up: PagerDuty, Opsgenie, VictorOps, Pushover.
    pub pages: bool,
    /// What it cannot do without: each entry one key of several (`global.` names a key of
    /// `[alertmanager.global]` that serves every integration of this kind).
    pub need: &'static [&'static [&'static str]],
    /// Its options, in the order they are written (`send_resolved` and `http_config`
    /// included).
    pub opts: &'static [Opt],
}

impl Integration {
    pub fn yaml_key(&self) -> String {
        format!("{}_configs", self.key)
    }

    pub fn opt(&self, key: &str) -> Option<&'static Opt> {
        self.opts.iter().find(|o| o.key == key)
    }
}

const SEND_RESOLVED: Opt = o("send_resolved", Ty::Bool);
const HTTP_CONFIG: Opt = o("http_config", Ty::Obj(HTTP));

/// Every integration of every release ccmon knows, in the order Alertmanager's `Receiver`
/// lists them (which is the order they are written).
pub static INTEGRATIONS: &[Integration] = &[
    Integration {
        key: "discord",
        since: AmVersion(25),
        send_resolved: true,
        pages: false,
        need: &[&["webhook_url_file"]],
        opts: &[
            o("webhook_url", Ty::Secret("webhook_url_file")),
            since("webhook_url_file", Ty::File, 27),
            o("title", Ty::Tmpl),
            o("message", Ty::Tmpl),
            since("content", Ty::Tmpl, 28),
            since("username", Ty::Tmpl, 28),
            since("avatar_url", Ty::Tmpl, 28),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "email",
        since: OLDEST,
        send_resolved: false,
        pages: false,
        need: &[&["to"]],
        opts: &[
            o("to", Ty::Email),
            SEND_RESOLVED,
            o("from", Ty::Email),
            o("hello", Ty::Str),
            o("smarthost", Ty::HostPort),
            o("auth_username", Ty::Str),
            o("auth_password", Ty::Secret("auth_password_file")),
            since("auth_password_file", Ty::File, 25),
            o("auth_secret", Ty::Secret("")),
            o("auth_identity", Ty::Str),
            o("headers", Ty::Map),
            o("html", Ty::Tmpl),
            o("text", Ty::Tmpl),
            o("require_tls", Ty::Bool),
            o("tls_config", Ty::Obj(TLS)),
        ],
    },
    Integration {
        key: "jira",
        since: AmVersion(28),
        send_resolved: true,
        pages: false,
        need: &[
            &["project"],
            &["issue_type"],
            &["api_url", "global.jira_api_url"],
        ],
        opts: &[
            o("api_url", Ty::Url),
            o("project", Ty::Tmpl),
            o("summary", Ty::Tmpl),
            o("description", Ty::Tmpl),
            o("labels", Ty::Strs),
            o("priority", Ty::Tmpl),
            o("issue_type", Ty::Tmpl),
            o("reopen_transition", Ty::Str),
            o("resolve_transition", Ty::Str),
            o("wont_fix_resolution", Ty::Str),
            o("reopen_duration", Ty::Dur),
            o("fields", Ty::AnyMap),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "msteams",
        since: AmVersion(26),
        send_resolved: true,
        pages: false,
        need: &[&["webhook_url_file"]],
        opts: &[
            o("webhook_url", Ty::Secret("webhook_url_file")),
            since("webhook_url_file", Ty::File, 27),
            o("title", Ty::Tmpl),
            since("summary", Ty::Tmpl, 27),
            o("text", Ty::Tmpl),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "msteamsv2",
        since: AmVersion(28),
        send_resolved: true,
        pages: false,
        need: &[&["webhook_url_file"]],
        opts: &[
            o("webhook_url", Ty::Secret("webhook_url_file")),
            o("webhook_url_file", Ty::File),
            o("title", Ty::Tmpl),
            o("text", Ty::Tmpl),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "opsgenie",
        since: OLDEST,
        send_resolved: true,
        pages: true,
        need: &[&["api_key_file", "global.opsgenie_api_key_file"]],
        opts: &[
            o("api_key", Ty::Secret("api_key_file")),
            o("api_key_file", Ty::File),
            o("api_url", Ty::Url),
            o("message", Ty::Tmpl),
            o("description", Ty::Tmpl),
            o("source", Ty::Tmpl),
            o("details", Ty::Map),
            o("entity", Ty::Tmpl),
            o("responders", Ty::Objs(OPSGENIE_RESPONDER)),
            o("actions", Ty::Tmpl),
            o("tags", Ty::Tmpl),
            o("note", Ty::Tmpl),
            o("priority", Ty::Tmpl),
            o("update_alerts", Ty::Bool),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "pagerduty",
        since: OLDEST,
        send_resolved: true,
        pages: true,
        need: &[&["routing_key_file", "service_key_file"]],
        opts: &[
            o("routing_key", Ty::Secret("routing_key_file")),
            since("routing_key_file", Ty::File, 25),
            o("service_key", Ty::Secret("service_key_file")),
            since("service_key_file", Ty::File, 25),
            SEND_RESOLVED,
            o("url", Ty::Url),
            o("client", Ty::Tmpl),
            o("client_url", Ty::Tmpl),
            o("description", Ty::Tmpl),
            o("details", Ty::Map),
            o("images", Ty::Objs(PD_IMAGE)),
            o("links", Ty::Objs(PD_LINK)),
            since("source", Ty::Tmpl, 25),
            o("severity", Ty::Tmpl),
            o("class", Ty::Tmpl),
            o("component", Ty::Tmpl),
            o("group", Ty::Tmpl),
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "pushover",
        since: OLDEST,
        send_resolved: true,
        pages: true,
        need: &[&["user_key_file"], &["token_file"]],
        opts: &[
            o("user_key", Ty::Secret("user_key_file")),
            since("user_key_file", Ty::File, 26),
            o("token", Ty::Secret("token_file")),
            since("token_file", Ty::File, 26),
            o("title", Ty::Tmpl),
            o("message", Ty::Tmpl),
            o("url", Ty::Tmpl),
            o("url_title", Ty::Tmpl),
            since("device", Ty::Tmpl, 26),
            o("sound", Ty::Tmpl),
            o("priority", Ty::Tmpl),
            o("retry", Ty::Dur),
            o("expire", Ty::Dur),
            since("ttl", Ty::Dur, 27),
            o("html", Ty::Bool),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "rocketchat",
        since: AmVersion(28),
        send_resolved: false,
        pages: false,
        need: &[
            &["token_id_file", "global.rocketchat_token_id_file"],
            &["token_file", "global.rocketchat_token_file"],
        ],
        opts: &[
            o("api_url", Ty::Url),
            o("token_id", Ty::Secret("token_id_file")),
            o("token_id_file", Ty::File),
            o("token", Ty::Secret("token_file")),
            o("token_file", Ty::File),
            o("channel", Ty::Tmpl),
            o("color", Ty::Tmpl),
            o("title", Ty::Tmpl),
            o("title_link", Ty::Tmpl),
            o("text", Ty::Tmpl),
            o("fields", Ty::Objs(ROCKETCHAT_FIELD)),
            o("short_fields", Ty::Bool),
            o("emoji", Ty::Tmpl),
            o("icon_url", Ty::Tmpl),
            o("image_url", Ty::Tmpl),
            o("thumb_url", Ty::Tmpl),
            o("link_names", Ty::Bool),
            o("actions", Ty::Objs(ROCKETCHAT_ACTION)),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "slack",
        since: OLDEST,
        send_resolved: false,
        pages: false,
        need: &[&["api_url_file", "global.slack_api_url_file"]],
        opts: &[
            o("channel", Ty::Tmpl),
            o("api_url", Ty::Secret("api_url_file")),
            o("api_url_file", Ty::File),
            o("title", Ty::Tmpl),
            o("text", Ty::Tmpl),
            SEND_RESOLVED,
            o("username", Ty::Tmpl),
            o("color", Ty::Tmpl),
            o("title_link", Ty::Tmpl),
            o("pretext", Ty::Tmpl),
            o("fields", Ty::Objs(SLACK_FIELD)),
            o("short_fields", Ty::Bool),
            o("footer", Ty::Tmpl),
            o("fallback", Ty::Tmpl),
            o("callback_id", Ty::Tmpl),
            o("icon_emoji", Ty::Tmpl),
            o("icon_url", Ty::Tmpl),
            o("image_url", Ty::Tmpl),
            o("thumb_url", Ty::Tmpl),
            o("link_names", Ty::Bool),
            o("mrkdwn_in", Ty::Strs),
            o("actions", Ty::Objs(SLACK_ACTION)),
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "sns",
        since: OLDEST,
        send_resolved: true,
        pages: false,
        need: &[&["topic_arn", "phone_number", "target_arn"]],
        opts: &[
            o("api_url", Ty::Url),
            o("sigv4", Ty::Obj(SIGV4)),
            o("topic_arn", Ty::Tmpl),
            o("phone_number", Ty::Tmpl),
            o("target_arn", Ty::Tmpl),
            o("subject", Ty::Tmpl),
            o("message", Ty::Tmpl),
            o("attributes", Ty::Map),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "telegram",
        since: OLDEST,
        send_resolved: true,
        pages: false,
        need: &[&["bot_token_file"], &["chat_id"]],
        opts: &[
            o("api_url", Ty::Url),
            o("bot_token", Ty::Secret("bot_token_file")),
            since("bot_token_file", Ty::File, 26),
            o("chat_id", Ty::Int),
            since("message_thread_id", Ty::Int, 28),
            o("message", Ty::Tmpl),
            o("disable_notifications", Ty::Bool),
            o(
                "parse_mode",
                Ty::Enum(&["", "Markdown", "MarkdownV2", "HTML"]),
            ),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "victorops",
        since: OLDEST,
        send_resolved: true,
        pages: true,
        need: &[
            &["api_key_file", "global.victorops_api_key_file"],
            &["routing_key"],
        ],
        opts: &[
            o("api_key", Ty::Secret("api_key_file")),
            o("api_key_file", Ty::File),
            o("api_url", Ty::Url),
            o("routing_key", Ty::Tmpl),
            o("message_type", Ty::Tmpl),
            o("state_message", Ty::Tmpl),
            o("entity_display_name", Ty::Tmpl),
            o("monitoring_tool", Ty::Tmpl),
            o("custom_fields", Ty::Map),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "webex",
        since: AmVersion(25),
        send_resolved: true,
        pages: false,
        need: &[&["room_id"], &["http_config"]],
        opts: &[
            o("api_url", Ty::Url),
            o("room_id", Ty::Tmpl),
            o("message", Ty::Tmpl),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "webhook",
        since: OLDEST,
        send_resolved: true,
        pages: false,
        need: &[&["url", "url_file"]],
        opts: &[
            o("url", Ty::Url),
            since("url_file", Ty::File, 26),
            SEND_RESOLVED,
            o("max_alerts", Ty::Uint),
            since("timeout", Ty::Dur, 28),
            HTTP_CONFIG,
        ],
    },
    Integration {
        key: "wechat",
        since: OLDEST,
        send_resolved: false,
        pages: false,
        need: &[&["api_secret", "global.wechat_api_secret"]],
        opts: &[
            o("api_secret", Ty::Secret("")),
            o("corp_id", Ty::Str),
            o("message", Ty::Tmpl),
            o("api_url", Ty::Url),
            o("to_user", Ty::Tmpl),
            o("to_party", Ty::Tmpl),
            o("to_tag", Ty::Tmpl),
            o("agent_id", Ty::Str),
            o("message_type", Ty::Enum(&["text", "markdown"])),
            SEND_RESOLVED,
            HTTP_CONFIG,
        ],
    },
];

/// The integration `[[receiver.<key>]]`.
pub fn integration(key: &str) -> Option<&'static Integration> {
    INTEGRATIONS.iter().find(|i| i.key == key)
}

/// Global options of `[alertmanager]` beyond `resolve_timeout`, `[alertmanager.smtp]` and
/// `slack_api_url_file`, written into `global:` under the same name.
pub const GLOBAL: &[Opt] = &[
    o("http_config", Ty::Obj(HTTP)),
    o("pagerduty_url", Ty::Url),
    o("opsgenie_api_url", Ty::Url),
    o("opsgenie_api_key", Ty::Secret("opsgenie_api_key_file")),
    o("opsgenie_api_key_file", Ty::File),
    o("wechat_api_url", Ty::Url),
    o("wechat_api_secret", Ty::Secret("")),
    o("wechat_api_corp_id", Ty::Str),
    o("victorops_api_url", Ty::Url),
    o("victorops_api_key", Ty::Secret("victorops_api_key_file")),
    since("victorops_api_key_file", Ty::File, 25),
    o("telegram_api_url", Ty::Url),
    since("webex_api_url", Ty::Url, 25),
    since("jira_api_url", Ty::Url, 28),
    since("rocketchat_api_url", Ty::Url, 28),
    since("rocketchat_token", Ty::Secret("rocketchat_token_file"), 28),
    since("rocketchat_token_file", Ty::File, 28),
    since(
        "rocketchat_token_id",
        Ty::Secret("rocketchat_token_id_file"),
        28,
    ),
    since("rocketchat_token_id_file", Ty::File, 28),
];

/// The templates Alertmanager defines itself (`template/default.tmpl` and `email.tmpl`), with
/// the release that first has each.
const DEFAULT_TEMPLATES: &[(&str, u8)] = &[
    ("__alertmanager", 24),
    ("__alertmanagerURL", 24),
    ("__subject", 24),
    ("__description", 24),
    ("__text_alert_list", 24),
    ("__text_alert_list_markdown", 26),
    ("email.default.subject", 24),
    ("email.default.html", 24),
    ("slack.default.title", 24),
    ("slack.default.username", 24),
    ("slack.default.fallback", 24),
    ("slack.default.callbackid", 24),
    ("slack.default.pretext", 24),
    ("slack.default.titlelink", 24),
    ("slack.default.iconemoji", 24),
    ("slack.default.iconurl", 24),
    ("slack.default.text", 24),
    ("slack.default.footer", 24),
    ("pagerduty.default.description", 24),
    ("pagerduty.default.client", 24),
    ("pagerduty.default.clientURL", 24),
    ("pagerduty.default.instances", 24),
    ("opsgenie.default.message", 24),
    ("opsgenie.default.description", 24),
    ("opsgenie.default.source", 24),
    ("wechat.default.message", 24),
    ("wechat.default.to_user", 24),
    ("wechat.default.to_party", 24),
    ("wechat.default.to_tag", 24),
    ("wechat.default.agent_id", 24),
    ("victorops.default.state_message", 24),
    ("victorops.default.entity_display_name", 24),
    ("victorops.default.monitoring_tool", 24),
    ("pushover.default.title", 24),
    ("pushover.default.message", 24),
    ("pushover.default.url", 24),
    ("sns.default.subject", 24),
    ("sns.default.message", 24),
    ("telegram.default.message", 24),
    ("discord.default.title", 25),
    ("discord.default.message", 25),
    ("webex.default.message", 25),
    ("msteams.default.title", 26),
    ("msteams.default.text", 26),
    ("msteams.default.summary", 27),
    ("discord.default.content", 28),
    ("msteamsv2.default.title", 28),
    ("msteamsv2.default.text", 28),
    ("jira.default.summary", 28),
    ("jira.default.description", 28),
    ("jira.default.priority", 28),
    ("rocketchat.default.title", 28),
    ("rocketchat.default.alias", 28),
    ("rocketchat.default.titlelink", 28),
    ("rocketchat.default.emoji", 28),
    ("rocketchat.default.iconurl", 28),
    ("rocketchat.default.text", 28),
];

/// The first release that defines template `name` itself, if any does.
pub fn default_template_since(name: &str) -> Option<AmVersion> {
    DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, since)| AmVersion(*since))
}

/// The templates release `v` defines itself.
pub fn default_templates(v: AmVersion) -> impl Iterator<Item = &'static str> {
    DEFAULT_TEMPLATES
        .iter()
        .filter(move |(_, since)| AmVersion(*since) <= v)
        .map(|(name, _)| *name)
}

fn type_text(t: Ty) -> String {
    match t {
        Ty::Str => "string".into(),
        Ty::Tmpl => "template".into(),
        Ty::Url => "URL".into(),
        Ty::Email => "email address".into(),
        Ty::HostPort => "`host:port`".into(),
        Ty::Bool => "boolean".into(),
        Ty::Uint => "integer ≥ 0".into(),
        Ty::Int => "integer".into(),
        Ty::Dur => "duration".into(),
        Ty::File => "absolute path".into(),
        Ty::Secret("") => "refused (CM601): no file form".into(),
        Ty::Secret(f) => format!("refused (CM601): use `{f}`"),
        Ty::Enum(c) => c
            .iter()
            .map(|x| format!("`\"{x}\"`"))
            .collect::<Vec<_>>()
            .join(", "),
        Ty::Strs => "array of strings".into(),
        Ty::Map => "table of templates".into(),
        Ty::AnyMap => "table, passed through".into(),
        Ty::Obj(o) if std::ptr::eq(o, HTTP) => "table: [`http_config`](#http_config)".into(),
        Ty::Obj(o) if std::ptr::eq(o, TLS) => "table: [`tls_config`](#tls_config)".into(),
        Ty::Obj(o) => format!("table of {}", keys(o)),
        Ty::Objs(o) => format!("array of tables of {}", keys(o)),
    }
}

/// The keys of a nested table, each with its own keys in parentheses (Slack's `confirm`).
fn keys(opts: &[Opt]) -> String {
    opts.iter()
        .map(|o| match o.ty {
            Ty::Obj(inner) | Ty::Objs(inner)
                if !std::ptr::eq(inner, HTTP) && !std::ptr::eq(inner, TLS) =>
            {
                format!("`{}` ({})", o.key, keys(inner))
            }
            _ => format!("`{}`", o.key),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn rows(opts: &[Opt], out: &mut String) {
    out.push_str("| Key | Value | Since |\n|---|---|---|\n");
    for o in opts {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            o.key,
            type_text(o.ty),
            o.since
        ));
    }
}

/// The reference of every integration and option, as docs/format.md holds it between its
/// `alertmanager-options` markers (tests/docs.rs keeps the two equal).
pub fn markdown() -> String {
    let mut out = String::new();
    for i in INTEGRATIONS {
        let need: Vec<String> = i
            .need
            .iter()
            .map(|g| {
                g.iter()
                    .map(|k| match k.strip_prefix("global.") {
                        Some(k) => format!("`{k}` (global)"),
                        None => format!("`{k}`"),
                    })
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
            .collect();
        out.push_str(&format!(
            "#### `[[receiver.{}]]`\n\n`{}` from Alertmanager {}. Needs {}. `send_resolved` defaults to `{}`{}.\n\n",
            i.key,
            i.yaml_key(),
            i.since,
            need.join("; "),
            i.send_resolved,
            if i.pages { "; it pages (CM612)" } else { "" }
        ));
        rows(i.opts, &mut out);
        out.push('\n');
    }
    out.push_str("#### `[alertmanager.global]`\n\n");
    rows(GLOBAL, &mut out);
    out.push_str("\n#### `http_config`\n\n");
    rows(HTTP, &mut out);
    out.push_str("\n#### `tls_config`\n\n");
    rows(TLS, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_within_the_known_range() {
        assert_eq!(AmVersion::parse("0.25"), Ok(AmVersion(25)));
        assert_eq!(AmVersion::parse("0.27.1"), Ok(AmVersion(27)));
        assert!(AmVersion::parse("0.23").is_err());
        assert!(AmVersion::parse("0.29").is_err());
        assert!(AmVersion::parse("1.0").is_err());
        assert!(AmVersion::parse("0.25.x").is_err());
    }

    #[test]
    fn every_secret_names_a_file_option_of_its_table() {
        fn walk(opts: &[Opt]) {
            for o in opts {
                match o.ty {
                    Ty::Secret(f) if !f.is_empty() => {
                        assert!(opts.iter().any(|x| x.key == f), "{} names {f}", o.key)
                    }
                    Ty::Obj(inner) | Ty::Objs(inner) => walk(inner),
                    _ => {}
                }
            }
        }
        for i in INTEGRATIONS {
            walk(i.opts);
            assert!(i.opt("send_resolved").is_some(), "{}", i.key);
        }
        walk(GLOBAL);
    }
}
