//! TOML read with its positions: a spanned buffer of a table, the checker that gathers
//! rule-set problems at the line and column they point at, and the checks every section
//! shares (a period kind by name, a number that must not be negative).
//!
//! Why a buffer of our own: a measure's shape depends on its `kind`, and serde's internally
//! tagged enums buffer a table in a form that forgets positions (toml's `Spanned` then fails
//! to read). [`Node`] keeps the span of every key and value, and [`NodeDe`] replays it to a
//! derived `Deserialize` with `deny_unknown_fields`, so serde itself refuses a key that does
//! not belong to the kind, at that key's line and column. Written once; every tagged
//! primitive uses it through [`Node::take`] and [`from_node`].
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// One problem with a rule set, with the byte span it points at when known.
#[derive(Debug, Clone)]
pub struct Problem {
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// Gathers every problem of a rule set, so that one `check` reports them all.
#[derive(Debug, Default)]
pub struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    /// A problem at a spanned value.
    pub fn at<T>(&mut self, s: &Spanned<T>, message: impl Into<String>) {
        self.span(Some(s.span()), message);
    }
    pub fn span(&mut self, span: Option<Range<usize>>, message: impl Into<String>) {
        self.problems.push(Problem {
            span,
            message: message.into(),
        });
    }
    /// A problem of the rule set as a whole (nothing to point at).
    pub fn say(&mut self, message: impl Into<String>) {
        self.span(None, message);
    }
    /// Reads `T` from a buffered table; a serde error becomes a problem at its key.
    pub fn read<T: DeserializeOwned>(&mut self, node: Spanned<Node>) -> Option<T> {
        from_node(node)
            .map_err(|e| self.span(e.span, serde_message(&e.message)))
            .ok()
    }
}

/// A message of serde or toml in the language in use. Theirs are English and fixed in form
/// (`unknown field `x`, expected one of `a`, `b``); the common forms are said again in Chinese
/// with the same names, the rest pass as they are (gridscore's own are already localised).
pub fn serde_message(m: &str) -> String {
    if crate::i18n::lang() == crate::i18n::Lang::En {
        return m.to_string();
    }
    let quoted = |rest: &str| -> Option<(String, String)> {
        let rest = rest.strip_prefix('`')?;
        let (name, after) = rest.split_once('`')?;
        Some((name.to_string(), after.to_string()))
    };
    if let Some((name, after)) = m.strip_prefix("unknown field ").and_then(quoted) {
        let choices = after
            .strip_prefix(", expected one of ")
            .or_else(|| after.strip_prefix(", expected "))
            .map(str::to_string);
        return match choices {
            Some(c) => msg!("rs-serde-unknown-key", key = name, known = c),
            None => msg!("rs-serde-unknown-key-none", key = name),
        };
    }
    if let Some((name, after)) = m.strip_prefix("unknown variant ").and_then(quoted) {
        let c = after
            .strip_prefix(", expected one of ")
            .or_else(|| after.strip_prefix(", expected "))
            .unwrap_or("");
        return msg!("rs-serde-unknown-choice", value = name, known = c);
    }
    if let Some((name, _)) = m.strip_prefix("missing field ").and_then(quoted) {
        return msg!("rs-serde-missing-key", key = name);
    }
    for prefix in ["duplicate field ", "duplicate key "] {
        if let Some((name, _)) = m.strip_prefix(prefix).and_then(quoted) {
            return msg!("rs-serde-duplicate-key", key = name);
        }
    }
    if let Some((found, expected)) = m
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split_once(", expected "))
    {
        return msg!("rs-serde-invalid-type", found = found, expected = expected);
    }
    m.to_string()
}

/// `a`, `b`, `c`: the choices of a key, for a message.
pub fn one_of(known: &[&str]) -> String {
    known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

/// A name as written (an id, a kind, a key's value), with its place for a problem.
pub type Name = Spanned<String>;

/// A period kind by name (`month`, `quarter`, `year`); a problem at it for any other.
pub fn period_kind(c: &mut Checker, n: &Name) -> Option<crate::period::PeriodKind> {
    use crate::period::PeriodKind;
    match n.get_ref().as_str() {
        "month" => Some(PeriodKind::Month),
        "quarter" => Some(PeriodKind::Quarter),
        "year" => Some(PeriodKind::Year),
        other => {
            c.at(
                n,
                msg!(
                    "rs-unknown-period-expected",
                    other = other,
                    one_of = one_of(&["month", "quarter", "year"])
                ),
            );
            None
        }
    }
}

/// A problem at `at` when `v` (a `what`: an amount, a cap) is negative.
pub fn non_negative<T>(c: &mut Checker, at: &Spanned<T>, v: &crate::num::Dec, what: &str) {
    if v.0 < rust_decimal::Decimal::ZERO {
        c.at(at, msg!("rs-cannot-negative-found", what = what, value = v.0));
    }
}

/// A TOML value with the span of each key and value inside it.
#[derive(Debug, Clone)]
pub enum Node {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Spanned<Node>>),
    Table(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    /// Takes `key` out of a table, leaving the rest to be read as the kind it names.
    pub fn take(&mut self, key: &str) -> Option<Spanned<Node>> {
        let Node::Table(entries) = self else { return None };
        let at = entries.iter().position(|(k, _)| k.get_ref() == key)?;
        Some(entries.remove(at).1)
    }
    /// The text of a string node.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a TOML value")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
                Ok(Node::Str(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Node, E> {
                Ok(Node::Str(s))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                i64::try_from(v)
                    .map(Node::Int)
                    .map_err(|_| E::custom(msg!("rs-whole-number-large-cannot-rule")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<Node>>()? {
                    out.push(v);
                }
                Ok(Node::Array(out))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>().map_err(unquoted_datetime)? {
                    out.push((k, map.next_value::<Spanned<Node>>()?));
                }
                Ok(Node::Table(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys a derived `Deserialize` struct reads, as serde itself lists them (so that docs
/// can be tested against the shapes, never kept beside them by hand).
pub fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe(Option<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for &mut Probe {
        type Error = NodeError;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, NodeError> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, NodeError> {
            self.0 = Some(fields);
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

/// toml hands an unquoted date or time (`by = 09:00`) to a buffer as a one-key table under
/// this private name, whose key cannot be read with a span: the error then says what to write.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

fn unquoted_datetime<E: de::Error>(e: E) -> E {
    if e.to_string().contains(TOML_DATETIME_KEY) {
        E::custom(msg!("rs-time-date-written-quotes-here"))
    } else {
        e
    }
}

/// A serde error while replaying a [`Node`], at the key or value it concerns.
#[derive(Debug, Clone)]
pub struct NodeError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl NodeError {
    fn at(mut self, span: &Range<usize>) -> NodeError {
        self.span.get_or_insert_with(|| span.clone());
        self
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NodeError {}

impl de::Error for NodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        NodeError {
            message: msg.to_string(),
            span: None,
        }
    }
}

/// Reads a `T` from a buffered value.
pub fn from_node<T: DeserializeOwned>(node: Spanned<Node>) -> Result<T, NodeError> {
    T::deserialize(NodeDe::from(node))
}

/// Replays a [`Node`] to a `Deserialize`, spans included.
pub struct NodeDe {
    node: Node,
    span: Range<usize>,
}

impl From<Spanned<Node>> for NodeDe {
    fn from(s: Spanned<Node>) -> NodeDe {
        let span = s.span();
        NodeDe {
            node: s.into_inner(),
            span,
        }
    }
}

impl<'de> IntoDeserializer<'de, NodeError> for NodeDe {
    type Deserializer = NodeDe;
    fn into_deserializer(self) -> NodeDe {
        self
    }
}

impl<'de> de::Deserializer<'de> for NodeDe {
    type Error = NodeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, NodeError> {
        let span = self.span;
        match self.node {
            Node::Str(s) => v.visit_string(s),
            Node::Int(i) => v.visit_i64(i),
            Node::Float(x) => v.visit_f64(x),
            Node::Bool(b) => v.visit_bool(b),
            Node::Array(items) => v.visit_seq(de::value::SeqDeserializer::new(items.into_iter().map(NodeDe::from))),
            Node::Table(entries) => v.visit_map(TableDe {
                entries: entries.into_iter(),
                value: None,
            }),
        }
        .map_err(|e| e.at(&span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, NodeError> {
        if serde_spanned::de::is_spanned(name) {
            let span = self.span.clone();
            return v.visit_map(serde_spanned::de::SpannedDeserializer::new(self, span));
        }
        let _ = fields;
        self.deserialize_any(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, NodeError> {
        v.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, v: V) -> Result<V::Value, NodeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, NodeError> {
        let span = self.span;
        match self.node {
            // A unit variant written as its name (`part_month = "pro_rata"`).
            Node::Str(s) => v.visit_enum(de::value::StringDeserializer::<NodeError>::new(s)),
            _ => Err(de::Error::custom(msg!("rs-expected-name-one-choices-quotes"))),
        }
        .map_err(|e| e.at(&span))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

struct TableDe {
    entries: std::vec::IntoIter<(Spanned<String>, Spanned<Node>)>,
    value: Option<Spanned<Node>>,
}

impl<'de> de::MapAccess<'de> for TableDe {
    type Error = NodeError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, NodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let span = key.span();
        // An unknown key is refused here, by the derived field reader: at the key itself.
        seed.deserialize(NodeDe {
            node: Node::Str(key.into_inner()),
            span: span.clone(),
        })
        .map(Some)
        .map_err(|e| e.at(&span))
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, NodeError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <NodeError as de::Error>::custom(msg!("rs-value-without-key")))?;
        seed.deserialize(NodeDe::from(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Shape {
        label: String,
        types: Vec<Spanned<String>>,
        #[serde(default)]
        levels: Option<Vec<String>>,
        dp: Option<u32>,
    }

    fn table(text: &str) -> Spanned<Node> {
        #[derive(Deserialize)]
        struct Doc {
            m: BTreeMap<String, Spanned<Node>>,
        }
        let doc: Doc = toml::from_str(text).unwrap();
        doc.m.into_values().next().unwrap()
    }

    fn at(text: &str, span: &Option<Range<usize>>) -> String {
        span.clone().map(|s| text[s].to_string()).unwrap_or_default()
    }

    #[test]
    fn a_buffered_table_reads_with_the_span_of_each_value() {
        let text = "[m.a]\nlabel = \"x\"\ntypes = [\"走访\", \"巡查\"]\ndp = 2\n";
        let s: Shape = from_node(table(text)).unwrap();
        assert_eq!(s.label, "x");
        assert_eq!(&text[s.types[1].span()], "\"巡查\"", "the second type's own span");
        assert_eq!(s.dp, Some(2));
        assert!(s.levels.is_none());
    }

    #[test]
    fn a_key_the_shape_does_not_take_is_refused_at_that_key() {
        let text = "[m.a]\nlabel = \"x\"\ntypes = []\nstatus = [\"病假\"]\n";
        let e = from_node::<Shape>(table(text)).unwrap_err();
        assert!(e.message.contains("unknown field `status`"), "{}", e.message);
        assert_eq!(at(text, &e.span), "status", "pointing at the stray key");
    }

    #[test]
    fn a_missing_key_is_refused_at_the_table_and_a_wrong_type_at_its_value() {
        let text = "[m.a]\nlabel = \"x\"\n";
        let e = from_node::<Shape>(table(text)).unwrap_err();
        assert!(e.message.contains("missing field `types`"), "{}", e.message);
        assert!(e.span.is_some());
        let text = "[m.a]\nlabel = 3\ntypes = []\n";
        let e = from_node::<Shape>(table(text)).unwrap_err();
        assert_eq!(at(text, &e.span), "3");
    }

    #[test]
    fn take_removes_a_key_so_the_rest_reads_as_its_kind() {
        let text = "[m.a]\nkind = \"events\"\nlabel = \"x\"\ntypes = []\n";
        let mut n = table(text);
        let kind = n.get_mut().take("kind").unwrap();
        assert_eq!(kind.get_ref().as_str(), Some("events"));
        assert!(from_node::<Shape>(n).is_ok(), "kind is gone");
    }
}
