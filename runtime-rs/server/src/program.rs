//! A registered workflow version's `.rrl` text made runnable: parsed,
//! validated, its workflow lowered to a DAG and prepared for the executor.
//! The bridge runs this before it stores a version (a program the runtime
//! cannot run is refused there, with its diagnostics); the dispatcher runs it
//! again for each version it meets.

use rrl::diagnostic::{DiagnosticError, render_all};
use rrl::eval::Env;
use rrl::exec::command::decode_completion;
use rrl::exec::{Command, Completion, Machine, Program};
use rrl::value::{Value, codec};

/// Why a version's text cannot run; the message is for the person who
/// registered it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the program of workflow {workflow} does not parse:\n{}", .error.render())]
    Syntax {
        workflow: String,
        error: DiagnosticError,
    },
    #[error("the program of workflow {workflow} has errors:\n{rendered}")]
    Invalid { workflow: String, rendered: String },
    #[error("the program defines no workflow named {workflow} (it defines: {defined})")]
    NoSuchWorkflow { workflow: String, defined: String },
    #[error("workflow {workflow} cannot be lowered to a DAG: {message}")]
    Lowering { workflow: String, message: String },
    #[error("workflow {workflow} cannot run: {message}")]
    Unrunnable { workflow: String, message: String },
}

/// The runnable program of `workflow` in `rrl_text` (as `rappel compile`
/// writes it; line endings may be CRLF).
pub fn load_program(workflow: &str, rrl_text: &str) -> Result<Program, LoadError> {
    let text = rrl_text.replace("\r\n", "\n").replace('\r', "\n");
    let name = || workflow.to_string();
    let program = rrl::syntax::parse(&text, None).map_err(|error| LoadError::Syntax {
        workflow: name(),
        error,
    })?;
    let diagnostics = rrl::validate::validate(&program);
    if !diagnostics.is_empty() {
        return Err(LoadError::Invalid {
            workflow: name(),
            rendered: render_all(&diagnostics, Some(&text)),
        });
    }
    if !program.workflows().any(|w| w.name == workflow) {
        let defined: Vec<&str> = program.workflows().map(|w| w.name.as_str()).collect();
        return Err(LoadError::NoSuchWorkflow {
            workflow: name(),
            defined: if defined.is_empty() {
                "none".to_string()
            } else {
                defined.join(", ")
            },
        });
    }
    let dag = rrl::dag::lower(&program, Some(workflow)).map_err(|error| LoadError::Lowering {
        workflow: name(),
        message: error.to_string(),
    })?;
    Program::new(dag).map_err(|error| LoadError::Unrunnable {
        workflow: name(),
        message: error.to_string(),
    })
}

/// Why Postgres cannot store a version of `workflow` with this text, if it
/// cannot: its `text` columns refuse U+0000, which the parser would accept
/// in a string literal.
pub fn unstorable(workflow: &str, rrl_text: &str) -> Option<String> {
    let line = |text: &str| {
        text.split('\0')
            .next()
            .map_or(1, |before| before.lines().count().max(1))
    };
    if workflow.contains('\0') {
        Some("the workflow name contains U+0000 (NUL), which Postgres cannot store".to_string())
    } else if rrl_text.contains('\0') {
        Some(format!(
            "the program of workflow {workflow} contains U+0000 (NUL) on line {}, which Postgres \
             cannot store: write it as \"\\x00\" in a string",
            line(rrl_text)
        ))
    } else {
        None
    }
}

/// A machine of `program` started on `arguments` (the stored codec dict of
/// run()'s keyword arguments), with the commands its start issued.
pub fn started_machine<'p>(
    program: &'p Program,
    arguments: &str,
) -> Result<(Machine<'p>, Vec<Command>), String> {
    let classes = program.evaluator().resolver();
    let data: serde_json::Value = serde_json::from_str(arguments)
        .map_err(|error| format!("its arguments are not JSON: {error}"))?;
    let decoded =
        codec::decode(&data, classes).map_err(|error| format!("its arguments: {error}"))?;
    let Value::Dict(dict) = decoded else {
        return Err("its arguments are not a dict of names to values".to_string());
    };
    let mut args = Env::new();
    for (name, value) in dict.iter() {
        let Value::Str(name) = name.value() else {
            return Err("its arguments have a name that is not a string".to_string());
        };
        args.insert(name.to_string(), value.clone());
    }
    let mut machine = Machine::new(program);
    let commands = machine
        .start(&args)
        .map_err(|error| format!("it cannot start: {error}"))?;
    Ok((machine, commands))
}

/// A completion of the log (its JSON), decoded with `program`'s classes.
pub fn logged_completion(program: &Program, text: &str) -> Result<Completion, String> {
    let data: serde_json::Value =
        serde_json::from_str(text).map_err(|error| format!("it is not JSON: {error}"))?;
    decode_completion(&data, program.evaluator().resolver()).map_err(|error| error.to_string())
}

/// How run()'s keyword arguments are stored (as the bridge stores them):
/// the codec's dict of names to values. `names_to_values` is a JSON object
/// whose members are codec-encoded values, as transcripts write arguments.
pub fn stored_arguments(names_to_values: &serde_json::Map<String, serde_json::Value>) -> String {
    let pairs: Vec<serde_json::Value> = names_to_values
        .iter()
        .map(|(name, value)| serde_json::json!([name, value]))
        .collect();
    serde_json::json!({ "dict": pairs }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(case: &str, file: &str) -> String {
        let path = format!(
            "{}/../../golden/run/{case}/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_golden_program_loads() {
        let text = golden("01_sequential_actions", "TextStatsWorkflow.rrl");
        load_program("TextStatsWorkflow", &text).unwrap();
    }

    fn error_of(workflow: &str, text: &str) -> String {
        match load_program(workflow, text) {
            Ok(_) => panic!("{workflow} loaded"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn the_errors_say_what_is_wrong() {
        let text = golden("01_sequential_actions", "TextStatsWorkflow.rrl");
        let error = error_of("Missing", &text);
        assert_eq!(
            error,
            "the program defines no workflow named Missing (it defines: TextStatsWorkflow)"
        );
        let error = error_of("W", "workflow W(:\n");
        assert!(
            error.starts_with("the program of workflow W does not parse:"),
            "{error}"
        );
        assert!(error.contains("RPL"), "{error}");
    }
}
