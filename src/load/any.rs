//! A TOML value of any shape with the span of every key and value: the tables whose keys come
//! from a table of options ([`crate::am::spec`]) rather than from a Rust struct, so that one
//! table says what is accepted, checked and written, and every diagnostic still points at the
//! exact key or value.

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::S;

/// A TOML value: the keys of a table keep their order and their spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Any {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<S<Any>>),
    Table(Vec<(S<String>, S<Any>)>),
}

impl Any {
    /// What a diagnostic calls this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Any::Bool(_) => "a boolean",
            Any::Int(_) => "an integer",
            Any::Float(_) => "a number",
            Any::Str(_) => "a string",
            Any::List(_) => "a list",
            Any::Table(_) => "a table",
        }
    }

    /// The entry `key` of a table.
    pub fn get(&self, key: &str) -> Option<&S<Any>> {
        match self {
            Any::Table(t) => t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Any::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = Any;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Any, E> {
        Ok(Any::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Any, E> {
        Ok(Any::Int(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Any, E> {
        i64::try_from(v)
            .map(Any::Int)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Any, E> {
        Ok(Any::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Any, E> {
        Ok(Any::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Any, E> {
        Ok(Any::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<S<Any>>()? {
            out.push(v);
        }
        Ok(Any::List(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<S<String>>()? {
            let v = map.next_value::<S<Any>>()?;
            out.push((k, v));
        }
        Ok(Any::Table(out))
    }
}

impl schemars::JsonSchema for Any {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Any".into()
    }

    /// The shape is checked against the option tables, which `crate::schema` writes into the
    /// schema where each table is used.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({})
    }
}
