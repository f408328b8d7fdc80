//! JSON written the way Python's `json.dumps(value, indent=2,
//! sort_keys=True, ensure_ascii=False)` writes it: the canonical DAG JSON is
//! byte-identical in both implementations.

use std::collections::BTreeMap;

use crate::syntax::number::float_repr;
use crate::value::codec::write_json_str;

/// A JSON value whose numbers keep their exact Python spelling.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// An int of any size, as its decimal digits.
    Int(String),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    /// Keys sorted, as `sort_keys=True` writes them.
    Object(BTreeMap<String, Json>),
}

impl Json {
    pub fn str(text: &str) -> Json {
        Json::Str(text.to_string())
    }

    pub fn opt_str(text: Option<&str>) -> Json {
        text.map_or(Json::Null, Json::str)
    }

    pub fn object<const N: usize>(entries: [(&str, Json); N]) -> Json {
        Json::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The canonical text: two-space indent, sorted keys, a final newline.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(digits) => out.push_str(digits),
            Json::Float(value) => out.push_str(&float_text(*value)),
            Json::Str(text) => write_json_str(text, out),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    out.push_str(if n == 0 { "\n" } else { ",\n" });
                    out.push_str(&"  ".repeat(depth + 1));
                    item.write(out, depth + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (n, (key, value)) in entries.iter().enumerate() {
                    out.push_str(if n == 0 { "\n" } else { ",\n" });
                    out.push_str(&"  ".repeat(depth + 1));
                    write_json_str(key, out);
                    out.push_str(": ");
                    value.write(out, depth + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push('}');
            }
        }
    }
}

/// A float as `json.dumps` writes it: `repr`, and `Infinity` / `NaN`.
fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        float_repr(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn writes_like_python() {
        let value = Json::object([
            (
                "b",
                Json::Array(vec![Json::Int("1".into()), Json::Float(2.0)]),
            ),
            ("a", Json::str("é\"\u{1}")),
            ("c", Json::Array(vec![])),
            ("d", Json::Float(f64::INFINITY)),
        ]);
        assert_eq!(
            value.dumps(),
            "{\n  \"a\": \"é\\\"\\u0001\",\n  \"b\": [\n    1,\n    2.0\n  ],\n  \"c\": [],\n  \"d\": Infinity\n}\n"
        );
    }
}
