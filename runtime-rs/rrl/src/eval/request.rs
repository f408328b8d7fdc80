//! `rrl value` and `rrl eval`.
//!
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

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::value::class::Undeclared;
use crate::value::codec::{self, canonical};
use crate::value::{Outcome, Str, Value, repr};

use crate::syntax::ast::ClassDecl;

use super::builtins::{NoLambdas, builtin_value, call_builtin};
use super::evaluator::{Env, Evaluator};
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
            let (left, right) = (value_of(request, "left")?, value_of(request, "right")?);
            if symbol == "+=" {
                plain(ops::in_place_add(&left, &right))
            } else if symbol == "|=" {
                plain(ops::in_place_or(&left, &right))
            } else {
                let op = BinaryOp::from_symbol(symbol)
                    .ok_or_else(|| format!("no binary operator {symbol:?}"))?;
                plain(ops::binary(op, &left, &right))
            }
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

// ------------------------------------------------------------------ rrl eval

/// `rrl eval`: one RRL expression per JSON line, evaluated with its
/// variables, and with the classes a program declares:
///
/// ```text
/// {"expr": "<RRL expression>", "vars": {name: V, ...}, "program": "<RRL text>"}
/// ```
///
/// `vars` and `program` are optional. With `"target": "<RRL target>"` the
/// value is then bound to the target (`x[k]`, `a, *b`), and with
/// `"delete": true` the expression is a `del` target; either way, and with
/// `"return_vars": true`, the answer also has the variables after it
/// (`"vars"`). The answer is `{"value": V}`, `{"raised": E}` or `{"error": "..."}`
/// (a bad request: an expression that does not parse, a value that does not decode).
#[derive(Default)]
pub struct EvalSession {
    /// The last program's text and its evaluator: requests of one program
    /// build its classes once.
    program: Option<(String, Evaluator)>,
    plain: Option<Evaluator>,
}

impl EvalSession {
    pub fn new() -> EvalSession {
        EvalSession::default()
    }

    /// The answer to one request line, as one line of canonical JSON.
    pub fn answer(&mut self, line: &str) -> String {
        let answer = match self.evaluate(line) {
            Ok(answer) => answer,
            Err(message) => {
                let mut out = Map::new();
                out.insert("error".to_string(), Json::String(message));
                out
            }
        };
        canonical(&Json::Object(answer))
    }

    fn evaluator(&mut self, program: Option<&str>) -> Result<&Evaluator, String> {
        let Some(text) = program else {
            if self.plain.is_none() {
                self.plain = Some(Evaluator::new(&BTreeMap::new()).map_err(|e| e.to_string())?);
            }
            return self.plain.as_ref().ok_or_else(String::new);
        };
        let cached = matches!(&self.program, Some((cached, _)) if cached == text);
        if !cached {
            let parsed = crate::syntax::parse(text, Some("<program>"))
                .map_err(|err| format!("the program does not parse: {err}"))?;
            let types: BTreeMap<String, ClassDecl> = parsed
                .class_decls()
                .into_iter()
                .map(|(name, decl)| (name.to_string(), decl.clone()))
                .collect();
            let evaluator = Evaluator::new(&types)
                .map_err(|err| format!("the program's classes cannot be built: {err}"))?;
            self.program = Some((text.to_string(), evaluator));
        }
        self.program
            .as_ref()
            .map(|(_, evaluator)| evaluator)
            .ok_or_else(String::new)
    }

    fn evaluate(&mut self, line: &str) -> Result<Map<String, Json>, String> {
        let request: Json =
            serde_json::from_str(line).map_err(|err| format!("the request is not JSON: {err}"))?;
        let Json::Object(request) = request else {
            return Err("the request is not an object".to_string());
        };
        let program = match request.get("program") {
            None | Some(Json::Null) => None,
            Some(Json::String(text)) => Some(text.as_str()),
            Some(_) => return Err("\"program\" is not a string".to_string()),
        };
        let flag = |name: &str| -> Result<bool, String> {
            match request.get(name) {
                None | Some(Json::Null) => Ok(false),
                Some(Json::Bool(b)) => Ok(*b),
                Some(_) => Err(format!("{name:?} is not a boolean")),
            }
        };
        let deletes = flag("delete")?;
        let mut return_vars = flag("return_vars")?;
        let expr_text = text_of(&request, "expr")?;
        let target = match request.get("target") {
            None | Some(Json::Null) => None,
            Some(Json::String(text)) => Some(
                crate::syntax::parse_expr(text, Some("<target>"))
                    .map_err(|err| format!("the target does not parse: {err}"))?,
            ),
            Some(_) => return Err("\"target\" is not a string".to_string()),
        };
        let expr = crate::syntax::parse_expr(expr_text, Some("<expr>"))
            .map_err(|err| format!("the expression does not parse: {err}"))?;
        let evaluator = self.evaluator(program)?;
        let mut env = Env::new();
        match request.get("vars") {
            None | Some(Json::Null) => {}
            Some(Json::Object(vars)) => {
                for (name, data) in vars {
                    let value = codec::decode(data, evaluator.resolver())
                        .map_err(|err| format!("the variable {name} does not decode: {err}"))?;
                    env.insert(name.clone(), value);
                }
            }
            Some(_) => return Err("\"vars\" is not an object".to_string()),
        }
        return_vars |= deletes || target.is_some();
        let outcome = if deletes {
            evaluator.delete(&expr, &mut env).map(|()| Value::None)
        } else {
            match evaluator.eval(&expr, &mut env) {
                Ok(value) => match &target {
                    Some(target) => evaluator
                        .bind(target, value.clone(), &mut env)
                        .map(|()| value),
                    None => Ok(value),
                },
                Err(exc) => Err(exc),
            }
        };
        let mut out = Map::new();
        match outcome {
            Ok(value) => {
                let encoded = codec::encode(&value)
                    .map_err(|err| format!("the value cannot be encoded: {err}"))?;
                out.insert("value".to_string(), encoded);
            }
            Err(exc) => {
                out.insert(
                    "raised".to_string(),
                    codec::encode(&Value::Exception(exc)).unwrap_or(Json::Null),
                );
            }
        }
        if return_vars {
            let mut vars = Map::new();
            for (name, value) in &env {
                let encoded = codec::encode(value)
                    .map_err(|err| format!("the variable {name} cannot be encoded: {err}"))?;
                vars.insert(name.clone(), encoded);
            }
            out.insert("vars".to_string(), Json::Object(vars));
        }
        Ok(out)
    }
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
