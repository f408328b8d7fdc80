//! `rrl value`: one value operation per JSON line, for differential tests
//! against Python and for anyone probing the Rust semantics without a parser.
//!
//! A request is a JSON object; its values are in the value codec (a builtin
//! function or type can stand as a callable argument: `{"$builtin": "len"}`):
//!
//! ```text
//! {"op": "repr" | "str" | "truthy" | "roundtrip", "value": V}
//! {"op": "format", "value": V, "spec": "...", "conversion": "r" | "s" | "a" | null}
//! {"op": "binary" | "compare", "symbol": "+", "left": V, "right": V}
//! {"op": "unary", "symbol": "-" | "+" | "not", "value": V}
//! {"op": "subscript", "value": V, "index": V}
//! {"op": "slice", "value": V, "lower": V, "upper": V, "step": V}   (bounds optional)
//! {"op": "call", "name": "sorted", "args": [V, ...], "kwargs": [["key", V], ...]}
//! {"op": "method", "receiver": V, "name": "split", "args": [...], "kwargs": [...]}
//! ```
//!
//! The answer is one JSON line: `{"value": V}` (and `"changed": V` for a
//! method that changes its receiver), `{"raised": {"exception": ...}}` for
//! the exception Python would raise, or `{"error": "..."}` for a bad request.

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::value::class::Undeclared;
use crate::value::codec::{self, canonical};
use crate::value::{Outcome, Str, Value, repr};

use super::builtins::{NoLambdas, builtin_value, call_builtin};
use super::format::format_field;
use super::methods::{Called, call_method};
use super::ops::{self, BinaryOp, CompareOp, UnaryOp};

fn decode(data: &Json) -> Result<Value, String> {
    if let Json::Object(members) = data {
        if let (1, Some(Json::String(name))) = (members.len(), members.get("$builtin")) {
            return builtin_value(name).ok_or_else(|| format!("no builtin named {name:?}"));
        }
    }
    codec::decode(data, &Undeclared).map_err(|err| err.to_string())
}

fn member<'a>(request: &'a Map<String, Json>, name: &str) -> Result<&'a Json, String> {
    request
        .get(name)
        .ok_or_else(|| format!("the request has no {name:?}"))
}

fn value_of(request: &Map<String, Json>, name: &str) -> Result<Value, String> {
    decode(member(request, name)?)
}

fn optional_value(request: &Map<String, Json>, name: &str) -> Result<Option<Value>, String> {
    request.get(name).map(decode).transpose()
}

fn text_of<'a>(request: &'a Map<String, Json>, name: &str) -> Result<&'a str, String> {
    member(request, name)?
        .as_str()
        .ok_or_else(|| format!("{name:?} is not a string"))
}

/// A call's positional and keyword arguments.
type Arguments = (Vec<Value>, Vec<(Str, Value)>);

fn arguments(request: &Map<String, Json>) -> Result<Arguments, String> {
    let args = match request.get("args") {
        None => Vec::new(),
        Some(Json::Array(items)) => items.iter().map(decode).collect::<Result<_, _>>()?,
        Some(_) => return Err("\"args\" is not an array".to_string()),
    };
    let kwargs = match request.get("kwargs") {
        None => Vec::new(),
        Some(Json::Array(pairs)) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Json::String(name), value]) => Ok((Arc::from(name.as_str()), decode(value)?)),
                _ => Err("a keyword argument is not [name, value]".to_string()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("\"kwargs\" is not an array".to_string()),
    };
    Ok((args, kwargs))
}

fn text(result: Outcome<String>) -> Outcome {
    result.map(|text| Value::str(&text))
}

fn perform(request: &Map<String, Json>) -> Result<Outcome<Called>, String> {
    let plain = |outcome: Outcome| {
        outcome.map(|value| Called {
            value,
            changed: None,
        })
    };
    Ok(match text_of(request, "op")? {
        "repr" => plain(text(repr::repr(&value_of(request, "value")?))),
        "str" => plain(text(repr::str(&value_of(request, "value")?))),
        "truthy" => plain(Ok(Value::Bool(ops::truthy(&value_of(request, "value")?)))),
        "roundtrip" => plain(Ok(value_of(request, "value")?)),
        "format" => {
            let conversion = match request.get("conversion") {
                None | Some(Json::Null) => None,
                Some(Json::String(conversion)) => conversion.chars().next(),
                Some(_) => return Err("\"conversion\" is not a string".to_string()),
            };
            plain(text(format_field(
                &value_of(request, "value")?,
                conversion,
                text_of(request, "spec")?,
            )))
        }
        "binary" => {
            let symbol = text_of(request, "symbol")?;
            let op = BinaryOp::from_symbol(symbol)
                .ok_or_else(|| format!("no binary operator {symbol:?}"))?;
            plain(ops::binary(
                op,
                &value_of(request, "left")?,
                &value_of(request, "right")?,
            ))
        }
        "compare" => {
            let symbol = text_of(request, "symbol")?;
            let op = CompareOp::from_symbol(symbol)
                .ok_or_else(|| format!("no comparison {symbol:?}"))?;
            plain(
                ops::compare(
                    op,
                    &value_of(request, "left")?,
                    &value_of(request, "right")?,
                )
                .map(Value::Bool),
            )
        }
        "unary" => {
            let op = match text_of(request, "symbol")? {
                "-" => UnaryOp::Neg,
                "+" => UnaryOp::Pos,
                "not" => UnaryOp::Not,
                other => return Err(format!("no unary operator {other:?}")),
            };
            plain(ops::unary(op, &value_of(request, "value")?))
        }
        "subscript" => plain(ops::subscript(
            &value_of(request, "value")?,
            &value_of(request, "index")?,
        )),
        "slice" => {
            let (lower, upper, step) = (
                optional_value(request, "lower")?,
                optional_value(request, "upper")?,
                optional_value(request, "step")?,
            );
            plain(ops::slice(
                &value_of(request, "value")?,
                lower.as_ref(),
                upper.as_ref(),
                step.as_ref(),
            ))
        }
        "call" => {
            let (args, kwargs) = arguments(request)?;
            plain(call_builtin(
                text_of(request, "name")?,
                args,
                kwargs,
                &mut NoLambdas,
            ))
        }
        "method" => {
            let (args, kwargs) = arguments(request)?;
            call_method(
                &value_of(request, "receiver")?,
                text_of(request, "name")?,
                args,
                kwargs,
                &mut NoLambdas,
            )
        }
        other => return Err(format!("no operation {other:?}")),
    })
}

fn answer_json(line: &str) -> Json {
    let mut out = Map::new();
    let request: Json = match serde_json::from_str(line) {
        Ok(request) => request,
        Err(err) => {
            out.insert(
                "error".to_string(),
                Json::String(format!("the request is not JSON: {err}")),
            );
            return Json::Object(out);
        }
    };
    let Json::Object(request) = request else {
        out.insert(
            "error".to_string(),
            Json::String("the request is not an object".to_string()),
        );
        return Json::Object(out);
    };
    match perform(&request) {
        Err(message) => {
            out.insert("error".to_string(), Json::String(message));
        }
        Ok(Err(exception)) => {
            out.insert(
                "raised".to_string(),
                codec::encode(&Value::Exception(exception)).unwrap_or(Json::Null),
            );
        }
        Ok(Ok(Called { value, changed })) => {
            match codec::encode(&value) {
                Ok(encoded) => out.insert("value".to_string(), encoded),
                Err(err) => out.insert(
                    "error".to_string(),
                    Json::String(format!("the result cannot be encoded: {err}")),
                ),
            };
            if let Some(changed) = changed {
                match codec::encode(&changed) {
                    Ok(encoded) => out.insert("changed".to_string(), encoded),
                    Err(err) => out.insert(
                        "error".to_string(),
                        Json::String(format!("the changed receiver cannot be encoded: {err}")),
                    ),
                };
            }
        }
    }
    Json::Object(out)
}

/// The answer to one request line, as one line of canonical JSON.
pub fn answer(line: &str) -> String {
    canonical(&answer_json(line))
}

/// The request that a shorthand of the command line makes of a line holding
/// one codec value: `--repr`, `--str`, or `--format SPEC`. None for other
/// arguments (then each line is a full request).
pub fn shorthand(args: &[String], line: &str) -> Option<String> {
    let (op, spec) = match args {
        [flag] if flag == "--repr" => ("repr", None),
        [flag] if flag == "--str" => ("str", None),
        [flag, spec] if flag == "--format" => ("format", Some(spec.as_str())),
        _ => return None,
    };
    let value: Json = serde_json::from_str(line).unwrap_or(Json::Null);
    let mut request = Map::new();
    request.insert("op".to_string(), Json::String(op.to_string()));
    request.insert("value".to_string(), value);
    if let Some(spec) = spec {
        request.insert("spec".to_string(), Json::String(spec.to_string()));
    }
    Some(canonical(&Json::Object(request)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_requests() {
        assert_eq!(
            answer(r#"{"op": "repr", "value": {"tuple": [1]}}"#),
            r#"{"value":"(1,)"}"#
        );
        assert_eq!(
            answer(r#"{"op": "binary", "symbol": "+", "left": 1, "right": {"float": "0.5"}}"#),
            r#"{"value":{"float":"1.5"}}"#
        );
        assert_eq!(
            answer(
                r#"{"op": "call", "name": "sorted", "args": [["bb", "a"]], "kwargs": [["key", {"$builtin": "len"}]]}"#
            ),
            r#"{"value":["a","bb"]}"#
        );
        assert_eq!(
            answer(r#"{"op": "method", "receiver": [1], "name": "append", "args": [2]}"#),
            r#"{"changed":[1,2],"value":null}"#
        );
        assert!(
            answer(r#"{"op": "subscript", "value": [], "index": 0}"#)
                .contains("list index out of range")
        );
        assert!(answer("nope").starts_with(r#"{"error":"#));
    }
}
