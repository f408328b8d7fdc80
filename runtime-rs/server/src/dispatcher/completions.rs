//! Completions as the log stores them, and the exceptions the runtime
//! raises itself.

use std::sync::Arc;

use rrl::exec::command::encode_completion;
use rrl::exec::{Completion, Finish};
use rrl::value::codec;
use rrl::value::exception::ExceptionData;
use rrl::value::{ClassName, Exception, Value};
use serde_json::Value as Json;

/// A `rappel.RappelError` with `message`: what the runtime raises when it
/// cannot carry a value across (an undecodable result, unencodable kwargs).
pub fn rappel_error(message: &str) -> Exception {
    Exception::from_data(ExceptionData {
        chain: vec![
            ClassName::new("rappel:RappelError"),
            ClassName::builtin("Exception"),
        ],
        args: vec![Value::str(message)],
        message: Arc::from(message),
        attributes: Vec::new(),
        cause: None,
        rebuild: None,
    })
}

/// The log row of a completion, in the codec's canonical JSON.
pub fn row_of(completion: &Completion) -> String {
    match encode_completion(completion) {
        Ok(json) => codec::canonical(&json),
        // Every value in a completion was decoded or built here, so it
        // encodes; should one not, the row still says what happened.
        Err(error) => {
            let raised = Completion::Raised {
                id: completion.id().to_string(),
                attempt: completion.attempt().unwrap_or(1),
                exception: rappel_error(&error.to_string()),
            };
            encode_completion(&raised).map_or_else(|_| "null".to_string(), |j| codec::canonical(&j))
        }
    }
}

/// The row of a worker's answer, around the codec JSON the worker sent:
/// `member` is `value` or `exception`, `encoded` the text it decoded from.
pub fn row_around(tag: &str, member: &str, id: &str, attempt: u64, encoded: &str) -> String {
    let id = codec::canonical(&Json::String(id.to_string()));
    if member == "value" {
        format!(r#"{{"{tag}":{{"attempt":{attempt},"id":{id},"value":{encoded}}}}}"#)
    } else {
        format!(r#"{{"{tag}":{{"attempt":{attempt},"exception":{encoded},"id":{id}}}}}"#)
    }
}

/// A dispatch's kwargs as the codec's text of a dict of names to values
/// (what the worker decodes); an error says which value has no encoding.
pub fn kwargs_text(kwargs: &rrl::eval::Env) -> Result<String, String> {
    let mut pairs = Vec::with_capacity(kwargs.len());
    for (name, value) in kwargs {
        let encoded = codec::encode(value).map_err(|error| {
            format!(
                "{} {}",
                error.location(&format!("kwargs['{name}']")),
                error.reason()
            )
        })?;
        pairs.push(Json::Array(vec![Json::String(name.clone()), encoded]));
    }
    let mut dict = serde_json::Map::with_capacity(1);
    dict.insert("dict".to_string(), Json::Array(pairs));
    Ok(codec::canonical(&Json::Object(dict)))
}

/// An instance's outcome: completed with its result, or failed with its
/// exception, as codec JSON.
pub fn outcome_of(finish: &Finish) -> (bool, String) {
    let encoded = match finish {
        Finish::Result(value) => codec::dumps(value),
        Finish::Error(error) => codec::dumps(&Value::Exception(error.clone())),
    };
    match (finish, encoded) {
        (Finish::Result(_), Ok(text)) => (true, text),
        (Finish::Error(_), Ok(text)) => (false, text),
        (_, Err(error)) => (
            false,
            codec::dumps(&Value::Exception(rappel_error(&format!(
                "the workflow's outcome cannot be encoded: {} {}",
                error.location("outcome"),
                error.reason()
            ))))
            .unwrap_or_else(|_| "null".to_string()),
        ),
    }
}
