//! `[logs]`: the Filebeat inputs and the Elasticsearch output, as Filebeat will read them.
//!
//! An absent section gets the defaults documented in `docs/format.md`; `enabled = false`
//! leaves filebeat.yml out.

use super::{Cx, enabled};
use crate::codes;
use crate::escape;
use crate::load::{RawConfig, RawElasticsearch, RawLogInput, S};
use crate::model::{Elasticsearch, LogInput, Logs, Project};

pub fn logs(cx: &mut Cx, raw: &RawConfig, project: &Project) -> Option<Logs> {
    let l = raw.logs.as_ref().map(S::get_ref);
    if l.is_some_and(|l| !enabled(&l.enabled)) {
        return None;
    }
    let mut inputs: Vec<LogInput> = match l {
        Some(l) => {
            cx.unique(l.inputs.iter().map(|i| &i.get_ref().id), "log input id");
            l.inputs
                .iter()
                .map(|i| log_input(cx, i.get_ref()))
                .collect()
        }
        None => Vec::new(),
    };
    if inputs.is_empty() {
        inputs.push(LogInput {
            id: project.name.clone(),
            paths: vec![format!("/var/log/{}/*.log", project.name)],
            service: project.name.clone(),
            labels: Default::default(),
        });
    }
    let es = l.and_then(|l| l.elasticsearch.as_ref()).map(S::get_ref);
    let elasticsearch = match es {
        None => Elasticsearch {
            hosts: vec!["http://localhost:9200".into()],
            index: None,
            username: None,
            password_keystore: None,
            api_key_keystore: None,
            ca_file: None,
        },
        Some(es) => elasticsearch(cx, es),
    };
    Some(Logs {
        inputs,
        elasticsearch,
        kibana: l.and_then(|l| l.kibana.as_ref()).map(|k| {
            super::base::url(cx, &k.get_ref().host);
            k.get_ref().host.get_ref().clone()
        }),
        http: None,
    })
}

/// One `[[logs.input]]`: an id Filebeat can key its registry on, and absolute paths.
fn log_input(cx: &mut Cx, i: &RawLogInput) -> LogInput {
    let id = i.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        cx.error(
            codes::EMPTY_NAME,
            format!("log input id `{id}` must be plain: Filebeat keys its registry on it"),
            i.id.span(),
            "expected letters, digits, `-`, `_` and `.`",
        );
    }
    if i.paths.get_ref().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            format!("log input `{id}` has no paths"),
            i.paths.span(),
            "expected at least one file or glob",
        );
    }
    for p in i.paths.get_ref() {
        if !p.get_ref().starts_with('/') {
            cx.error(
                codes::UNUSABLE_PATH,
                format!("log path `{}` is not absolute", p.get_ref()),
                p.span(),
                "Filebeat resolves relative paths against its home: write the full path",
            );
        }
    }
    LogInput {
        service: i
            .service
            .as_ref()
            .map_or_else(|| id.clone(), |s| s.get_ref().clone()),
        id,
        paths: i
            .paths
            .get_ref()
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        labels: cx.labels(&i.labels),
    }
}

/// `[logs.elasticsearch]`: hosts, credentials only from the keystore, and an index name
/// Elasticsearch accepts.
fn elasticsearch(cx: &mut Cx, es: &RawElasticsearch) -> Elasticsearch {
    for h in es.hosts.get_ref() {
        super::base::url(cx, h);
    }
    if es.hosts.get_ref().is_empty() {
        cx.error(
            codes::EMPTY_VALUE,
            "no Elasticsearch host",
            es.hosts.span(),
            "expected at least one URL",
        );
    }
    cx.no_plaintext_help(
        es.password.as_ref(),
        "password",
        "add it to the Filebeat keystore (`filebeat keystore add ES_PWD`) and write `password_keystore = \"ES_PWD\"`",
    );
    cx.no_plaintext_help(
        es.api_key.as_ref(),
        "api_key",
        "add it to the Filebeat keystore (`filebeat keystore add ES_API_KEY`) and write `api_key_keystore = \"ES_API_KEY\"`",
    );
    for k in [&es.password_keystore, &es.api_key_keystore]
        .into_iter()
        .flatten()
    {
        cx.token(k, "keystore entry", escape::filebeat::keystore_key);
    }
    if let Some(ix) = &es.index {
        let v = ix.get_ref();
        // `%{+yyyy.MM.dd}` and `%{[field]}` are Filebeat format strings, not index text.
        let literal: String = v
            .split("%{")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('}').map_or("", |x| x.1)
                }
            })
            .collect();
        let stem = crate::emit::filebeat::template_for(v).0;
        if stem.is_empty() {
            cx.error(
                codes::BAD_IDENTIFIER,
                format!("index `{v}` starts with a format string"),
                ix.span(),
                "its template pattern would be `*`, every index in the cluster",
            );
        }
        if v.is_empty()
            || literal.is_empty()
            || literal.starts_with(['-', '_', '+'])
            || literal
                .chars()
                .any(|c| c.is_ascii_uppercase() || " \"*\\<|,>/?".contains(c))
        {
            cx.error(
                codes::BAD_IDENTIFIER,
                format!("`{v}` is not a valid Elasticsearch index name"),
                ix.span(),
                "lowercase, no spaces or `\\ / * ? \" < > | ,`, not starting with `-`, `_` or `+`",
            );
        }
    }
    Elasticsearch {
        hosts: es
            .hosts
            .get_ref()
            .iter()
            .map(|h| h.get_ref().clone())
            .collect(),
        index: es.index.as_ref().map(|i| i.get_ref().clone()),
        username: es.username.as_ref().map(|u| u.get_ref().clone()),
        password_keystore: es.password_keystore.as_ref().map(|u| u.get_ref().clone()),
        api_key_keystore: es.api_key_keystore.as_ref().map(|u| u.get_ref().clone()),
        ca_file: es.ca_file.as_ref().map(|u| u.get_ref().clone()),
    }
}
