//! Completions as the log stores them, and the exceptions the runtime
//! raises itself.

use std::sync::Arc;

use rrl::exec::command::encode_completion;
use rrl::exec::{Completion, Finish};
use rrl::value::class::Classes;
use rrl::value::codec;
use rrl::value::exception::ExceptionData;
use rrl::value::{ClassName, Exception, Value};
use serde_json::Value as Json;

use crate::MAX_PAYLOAD_BYTES;
use crate::proto::result::Outcome;

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

/// A worker's answer to attempt `attempt` of operation `id` (action
/// `label`): the completion, and its log row. A returned value or an
/// exception is logged as the codec JSON the worker sent; an answer that
/// does not decode is a `RappelError` the action raised, saying why.
pub fn decode_result(
    outcome: Option<Outcome>,
    id: &str,
    attempt: u64,
    label: &str,
    classes: &dyn Classes,
) -> (Completion, String) {
    let decode = |bytes: &[u8]| -> Result<(Value, String), String> {
        if bytes.len() > MAX_PAYLOAD_BYTES {
            return Err(format!(
                "it is {} bytes encoded, over the limit of {MAX_PAYLOAD_BYTES} bytes (4 MiB) of a \
                 value the runtime stores: keep large data elsewhere (a table, object storage) \
                 and return a reference to it",
                bytes.len()
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        let value = codec::loads(text, classes).map_err(|e| e.to_string())?;
        Ok((value, text.to_string()))
    };
    let id_json = codec::canonical(&Json::String(id.to_string()));
    let raised = |exception: Exception| Completion::Raised {
        id: id.to_string(),
        attempt,
        exception,
    };
    let failed = |message: String| {
        let completion = raised(rappel_error(&message));
        let row = row_of(&completion);
        (completion, row)
    };
    match outcome {
        Some(Outcome::Value(bytes)) => match decode(&bytes) {
            Ok((value, text)) => (
                Completion::Returned {
                    id: id.to_string(),
                    attempt,
                    value,
                },
                format!(r#"{{"returned":{{"attempt":{attempt},"id":{id_json},"value":{text}}}}}"#),
            ),
            Err(error) => failed(format!(
                "the result of action {label} cannot be decoded: {error}"
            )),
        },
        Some(Outcome::Error(error)) => match decode(&error.exception) {
            Ok((Value::Exception(exception), text)) => (
                raised(exception),
                format!(
                    r#"{{"raised":{{"attempt":{attempt},"exception":{text},"id":{id_json}}}}}"#
                ),
            ),
            Ok(_) => failed(format!(
                "action {label} failed, and its worker sent something other than an exception"
            )),
            Err(problem) => failed(format!(
                "action {label} failed with an exception that cannot be decoded ({problem}); \
                 its traceback:\n{}",
                traceback_tail(&error.traceback)
            )),
        },
        None => failed(format!(
            "the worker running action {label} sent a result with neither a value nor an error"
        )),
    }
}

/// The end of a worker's traceback, where its error is, in a bounded size.
fn traceback_tail(traceback: &str) -> &str {
    const MOST: usize = 16 << 10;
    if traceback.len() <= MOST {
        return traceback;
    }
    let mut start = traceback.len() - MOST;
    while !traceback.is_char_boundary(start) {
        start += 1;
    }
    &traceback[start..]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ActionError;
    use rrl::exec::command::decode_completion;
    use rrl::value::class::Undeclared;

    fn logged(row: &str) -> Completion {
        let data: Json = serde_json::from_str(row).expect("a row is JSON");
        decode_completion(&data, &Undeclared).expect("a row is a completion")
    }

    #[test]
    fn a_worker_answer_is_logged_as_the_completion_it_decodes_to() {
        let value = Some(Outcome::Value(br#"{"dict":[["a",1]]}"#.to_vec()));
        let (completion, row) = decode_result(value, "2[1].0", 3, "m.f", &Undeclared);
        assert_eq!(row_of(&logged(&row)), row_of(&completion));
        assert!(matches!(
            completion,
            Completion::Returned { attempt: 3, .. }
        ));

        let error = encode_completion(&Completion::Raised {
            id: "0".into(),
            attempt: 1,
            exception: rappel_error("boom"),
        })
        .unwrap();
        let exception = codec::canonical(&error["raised"]["exception"]);
        let raised = Some(Outcome::Error(ActionError {
            exception: exception.into_bytes(),
            traceback: String::new(),
        }));
        let (completion, row) = decode_result(raised, "0", 1, "m.f", &Undeclared);
        assert_eq!(row_of(&logged(&row)), row_of(&completion));
        assert!(row.contains("boom"), "{row}");
    }

    #[test]
    fn an_answer_that_does_not_decode_is_a_rappel_error_saying_why() {
        let garbage = Some(Outcome::Value(b"{not json".to_vec()));
        let (completion, row) = decode_result(garbage, "0", 1, "m.f", &Undeclared);
        let Completion::Raised { exception, .. } = logged(&row) else {
            panic!("{row}");
        };
        assert!(
            exception
                .message()
                .starts_with("the result of action m.f cannot be decoded"),
            "{}",
            exception.message()
        );
        assert!(matches!(completion, Completion::Raised { .. }));
        let (_, row) = decode_result(None, "0", 1, "m.f", &Undeclared);
        assert!(row.contains("neither a value nor an error"), "{row}");
    }

    #[test]
    fn an_answer_over_the_payload_limit_is_refused_before_the_log() {
        let huge = format!("\"{}\"", "x".repeat(MAX_PAYLOAD_BYTES));
        let (completion, row) = decode_result(
            Some(Outcome::Value(huge.into_bytes())),
            "0",
            1,
            "m.f",
            &Undeclared,
        );
        assert!(row.len() < 2_000, "the row holds the error, not the value");
        let Completion::Raised { exception, .. } = completion else {
            panic!("{row}");
        };
        assert!(
            exception.message().starts_with(&format!(
                "the result of action m.f cannot be decoded: it is {} bytes encoded, over the limit",
                MAX_PAYLOAD_BYTES + 2
            )),
            "{}",
            exception.message()
        );
        let error = rappel_error(&"y".repeat(MAX_PAYLOAD_BYTES));
        let exception = codec::dumps(&Value::Exception(error)).unwrap();
        let raised = Some(Outcome::Error(crate::proto::ActionError {
            exception: exception.into_bytes(),
            traceback: "Traceback ...".repeat(MAX_PAYLOAD_BYTES / 10),
        }));
        let (_, row) = decode_result(raised, "0", 1, "m.f", &Undeclared);
        assert!(row.contains("over the limit of"), "{}", &row[..200]);
        // The message holds the end of the traceback, and the row holds the
        // message twice (as the message and as the argument).
        assert!(row.len() < 3 * (16 << 10), "{}", row.len());
    }

    #[test]
    fn kwargs_are_a_codec_dict_of_names() {
        let mut kwargs = rrl::eval::Env::new();
        kwargs.insert("text".into(), Value::str("hi"));
        kwargs.insert("n".into(), Value::Float(0.5));
        assert_eq!(
            kwargs_text(&kwargs).unwrap(),
            r#"{"dict":[["text","hi"],["n",{"float":"0.5"}]]}"#
        );
    }
}
