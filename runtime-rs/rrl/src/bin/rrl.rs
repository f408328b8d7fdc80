//! The `rrl` command line: check, format and lower `.rrl` programs; evaluate
//! expressions and value operations (JSON lines, for tests and probing).
//!
//! Exit status: 0 when clean, 1 when there are diagnostics or errors, 2 on
//! usage errors.

use std::io::Write;
use std::process::ExitCode;

use rrl::diagnostic::{Diagnostic, DiagnosticError};
use rrl::eval::request;
use rrl::syntax;

const USAGE: &str = "usage: rrl COMMAND ...

commands:
  check [--json] FILE...         parse and validate .rrl programs; report every diagnostic
                                 (--json: one JSON object per diagnostic on stdout)
  fmt [--check] FILE...          format .rrl files in place (layout only: comments stay);
                                 --check writes nothing, prints a diff and exits 1 if any would change
  dag FILE [--workflow NAME]     print a workflow's DAG as canonical JSON
  ast FILE                       print the syntax tree with spans as JSON (for tests)
  eval                           evaluate RRL expressions: JSON lines in, JSON lines out
                                 (one request object per line: expr, vars, program; the answer
                                 is a value, an exception raised or an error; runtime-rs/README.md)
  value [--repr | --str | --format SPEC]
                                 value operations: JSON lines in, JSON lines out (for tests)
  replay FILE --transcript T.json [--workflow NAME] [--snapshots]
                                 run the workflow against a transcript's completions; exit 0 when it
                                 issues the same commands and ends the same way (the outcome on stdout),
                                 else print the first difference and exit 1
                                 (--snapshots: first the machine's state after each completion, a JSON line each)
";

const EXIT_OK: u8 = 0;
const EXIT_ERRORS: u8 = 1;
const EXIT_USAGE: u8 = 2;

struct UsageError(String);

/// Diagnostics and errors go to stderr, results to stdout, as `rappel` does
/// when its output is not a terminal.
#[derive(Default)]
struct Output {
    errors_reported: usize,
    /// `--json`: each diagnostic as a line of JSON on stdout.
    json: bool,
}

impl Output {
    fn diagnostic(&mut self, diagnostic: &Diagnostic, source: Option<&str>) {
        if diagnostic.severity == rrl::diagnostic::Severity::Error {
            self.errors_reported += 1;
        }
        if self.json {
            let span = diagnostic.span;
            let line = serde_json::json!({
                "path": diagnostic.path,
                "severity": diagnostic.severity.to_string(),
                "code": diagnostic.code,
                "message": diagnostic.message,
                "line": span.map(|s| s.line),
                "column": span.map(|s| s.column),
                "end_line": span.map(|s| s.end_line),
                "end_column": span.map(|s| s.end_column),
                "help": diagnostic.help,
            });
            self.info(&line.to_string());
            return;
        }
        eprint!("{}\n\n", diagnostic.render(source));
    }

    fn diagnostics(&mut self, error: &DiagnosticError) {
        for diagnostic in &error.diagnostics {
            self.diagnostic(diagnostic, error.text.as_deref());
        }
    }

    fn error(&mut self, message: &str) {
        self.errors_reported += 1;
        eprintln!("error: {message}");
    }

    fn info(&self, message: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{message}");
    }
}

/// Usage errors among the input paths, before any file is read.
fn check_paths<'a>(paths: impl IntoIterator<Item = &'a String>) -> Result<(), UsageError> {
    for path in paths {
        if std::path::Path::new(path).is_dir() {
            return Err(UsageError(format!(
                "{path} is a directory; pass the .rrl files in it"
            )));
        }
        if !path.ends_with(".rrl") {
            return Err(UsageError(format!("{path}: expected .rrl file")));
        }
    }
    Ok(())
}

/// A file's text (line endings as they are), or the diagnostic or error
/// that says why there is none.
fn read(path: &str, output: &mut Output) -> Option<String> {
    let data = match std::fs::read(path) {
        Ok(data) => data,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            output.error(&format!("{path}: no such file"));
            return None;
        }
        Err(error) => {
            output.error(&format!("cannot read {path}: {error}"));
            return None;
        }
    };
    match String::from_utf8(data) {
        Ok(text) => Some(text),
        Err(error) => {
            let bytes = error.as_bytes();
            let at = error.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..at])
                .chars()
                .count()
                + 1;
            let source = String::from_utf8_lossy(bytes).into_owned();
            let (line, column) = (line as u32, column as u32);
            let diagnostic = Diagnostic::error(
                "RPL0252",
                format!("{path} is not valid UTF-8: byte 0x{:02x} at line {line}", bytes[at]),
                Some(rrl::diagnostic::Span::new(line, column, line, column + 1)),
            )
            .with_help("save the file as UTF-8; Rappel reads .py and .rrl sources as UTF-8 whatever their coding declaration")
            .with_path(path);
            output.diagnostic(&diagnostic, Some(&source));
            None
        }
    }
}

/// `\r\n` and `\r` read as `\n`, as `rappel check` reads a file.
fn normalise_line_endings(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// `rrl ast FILE...`: each file's syntax tree with spans, or its first
/// diagnostic, as one line of JSON per file (what the differential tests
/// compare with the Python parser). The text is parsed as it is, as
/// `rrl.parse` reads it.
fn cmd_ast(args: &[String], output: &mut Output) -> Result<u8, UsageError> {
    if args.is_empty() {
        return Err(UsageError("ast needs at least one FILE".into()));
    }
    let mut status = EXIT_OK;
    let mut lines = String::new();
    for path in args {
        let Some(text) = read(path, output) else {
            return Ok(EXIT_ERRORS);
        };
        let line = match syntax::parse(&text, Some(path)) {
            Ok(program) => serde_json::json!({ "ast": syntax::dump::program(&program) }),
            Err(error) => {
                status = EXIT_ERRORS;
                let first = error.diagnostics.first();
                serde_json::json!({ "error": {
                    "code": first.map(|d| d.code),
                    "message": first.map(|d| d.message.clone()),
                    "at": first.and_then(|d| d.span).map(|s| [s.line, s.column]),
                }})
            }
        };
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(lines.as_bytes());
    Ok(status)
}

fn cmd_check(args: &[String], output: &mut Output) -> Result<u8, UsageError> {
    output.json = args.iter().any(|a| a == "--json");
    let args: Vec<String> = args.iter().filter(|a| *a != "--json").cloned().collect();
    let args = args.as_slice();
    if let Some(option) = args.iter().find(|a| a.starts_with("--")) {
        return Err(UsageError(format!("unrecognized arguments: {option}")));
    }
    if args.is_empty() {
        return Err(UsageError("check needs at least one FILE".into()));
    }
    check_paths(args)?;
    let mut failed = false;
    let mut workflows = 0;
    for path in args {
        let Some(text) = read(path, output) else {
            failed = true;
            continue;
        };
        let text = normalise_line_endings(&text);
        let program = match syntax::parse(&text, Some(path)) {
            Ok(program) => program,
            Err(error) => {
                output.diagnostics(&error);
                failed = true;
                continue;
            }
        };
        let diagnostics = rrl::validate::validate(&program);
        for diagnostic in &diagnostics {
            output.diagnostic(&diagnostic.clone().with_path(path), Some(&text));
        }
        failed |= !diagnostics.is_empty();
        if diagnostics.is_empty() {
            // The structure of each DAG: what lowering refuses, the runtime cannot run.
            for workflow in program.workflows() {
                if let Err(error) = rrl::dag::lower(&program, Some(&workflow.name))
                    .and_then(|dag| Ok(dag.to_json()?))
                {
                    output.error(&format!(
                        "{path}: workflow {} cannot be lowered: {error}",
                        workflow.name
                    ));
                    failed = true;
                }
            }
        }
        workflows += program.workflows().count();
    }
    if failed {
        return Ok(EXIT_ERRORS);
    }
    if !output.json {
        output.info(&format!(
            "checked {} file(s), {workflows} workflow(s): no errors",
            args.len()
        ));
    }
    Ok(EXIT_OK)
}

fn cmd_fmt(args: &[String], output: &mut Output) -> Result<u8, UsageError> {
    let check = args.iter().any(|a| a == "--check");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--check").collect();
    if let Some(option) = files.iter().find(|f| f.starts_with("--")) {
        return Err(UsageError(format!("unrecognized arguments: {option}")));
    }
    if files.is_empty() {
        return Err(UsageError("fmt needs at least one FILE".into()));
    }
    check_paths(files.iter().copied())?; // before any file is touched
    let mut changed = 0;
    let mut failed = false;
    for path in &files {
        let Some(text) = read(path, output) else {
            failed = true;
            continue;
        };
        let formatted = match syntax::format_source(&text, Some(path)) {
            Ok(formatted) => formatted,
            Err(syntax::FormatError::Syntax(error)) => {
                output.diagnostics(&error);
                failed = true;
                continue;
            }
            Err(bug) => {
                output.error(&bug.to_string());
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            output.info(&format!(
                "{}would reformat {path}",
                rrl::diff::unified(path, &text, &formatted)
            ));
        } else if let Err(error) = std::fs::write(path, formatted.as_bytes()) {
            output.error(&format!("cannot write {path}: {error}"));
            failed = true;
        } else {
            output.info(&format!("reformatted {path}"));
        }
    }
    if failed || (check && changed > 0) {
        return Ok(EXIT_ERRORS);
    }
    if changed == 0 {
        output.info(&format!("{} file(s) already formatted", files.len()));
    }
    Ok(EXIT_OK)
}

fn cmd_dag(args: &[String], output: &mut Output) -> Result<u8, UsageError> {
    let mut path = None;
    let mut workflow = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--workflow" => match rest.next() {
                Some(name) => workflow = Some(name.clone()),
                None => return Err(UsageError("--workflow needs a NAME".into())),
            },
            option if option.starts_with("--") => {
                return Err(UsageError(format!("unrecognized arguments: {option}")));
            }
            _ if path.is_none() => path = Some(arg.clone()),
            _ => return Err(UsageError(format!("unrecognized arguments: {arg}"))),
        }
    }
    let Some(path) = path else {
        return Err(UsageError("dag needs a FILE".into()));
    };
    check_paths([&path])?;
    let Some(text) = read(&path, output) else {
        return Ok(EXIT_ERRORS);
    };
    let program = match syntax::parse(&normalise_line_endings(&text), Some(&path)) {
        Ok(program) => program,
        Err(error) => {
            output.diagnostics(&error);
            return Ok(EXIT_ERRORS);
        }
    };
    let names: Vec<&str> = program.workflows().map(|w| w.name.as_str()).collect();
    let chosen = match &workflow {
        Some(name) if names.contains(&name.as_str()) => name.as_str(),
        Some(name) => {
            return Err(UsageError(format!(
                "{path} has no workflow named '{name}' (found: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        None => match names.as_slice() {
            [only] => only,
            _ => {
                return Err(UsageError(format!(
                    "{path} defines {} workflows; choose one with --workflow ({})",
                    names.len(),
                    if names.is_empty() {
                        "none found".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        },
    };
    let json = rrl::dag::lower(&program, Some(chosen))
        .map_err(|e| e.to_string())
        .and_then(|dag| dag.to_json().map_err(|e| e.to_string()));
    match json {
        Ok(json) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(json.as_bytes());
            Ok(EXIT_OK)
        }
        Err(message) => {
            output.error(&format!(
                "{path}: cannot lower workflow {chosen}: {message}"
            ));
            Ok(EXIT_ERRORS)
        }
    }
}

/// Answer each non-blank line of stdin with one line on stdout, flushed, until
/// stdin ends (or stdout closes: a closed pipe ends the run quietly).
fn serve_lines(mut answer: impl FnMut(&str) -> String) -> u8 {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else {
            eprintln!("error: stdin is not UTF-8 text");
            return EXIT_ERRORS;
        };
        if line.trim().is_empty() {
            continue;
        }
        if writeln!(stdout, "{}", answer(&line))
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return EXIT_OK;
        }
    }
    EXIT_OK
}

fn cmd_eval(args: &[String]) -> Result<u8, UsageError> {
    if let Some(arg) = args.first() {
        return Err(UsageError(format!(
            "eval takes no arguments (requests come on stdin), not `{arg}`"
        )));
    }
    let mut session = request::EvalSession::new();
    Ok(serve_lines(|line| session.answer(line)))
}

fn cmd_value(args: &[String]) -> Result<u8, UsageError> {
    if !args.is_empty() && request::shorthand(args, "null").is_none() {
        return Err(UsageError(format!(
            "value takes --repr, --str or --format SPEC, not `{}`",
            args.join(" ")
        )));
    }
    Ok(serve_lines(|line| {
        let line = request::shorthand(args, line).unwrap_or_else(|| line.to_string());
        request::answer(&line)
    }))
}

/// `rrl replay FILE --transcript T.json [--workflow NAME]`.
fn cmd_replay(args: &[String], output: &mut Output) -> Result<u8, UsageError> {
    let mut path = None;
    let mut transcript_path = None;
    let mut workflow = None;
    let mut snapshots = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--snapshots" => snapshots = true,
            "--workflow" | "--transcript" => {
                let Some(value) = rest.next() else {
                    let what = if arg == "--workflow" {
                        "a NAME"
                    } else {
                        "a FILE"
                    };
                    return Err(UsageError(format!("{arg} needs {what}")));
                };
                if arg == "--workflow" {
                    workflow = Some(value.clone());
                } else {
                    transcript_path = Some(value.clone());
                }
            }
            option if option.starts_with("--") => {
                return Err(UsageError(format!("unrecognized arguments: {option}")));
            }
            _ if path.is_none() => path = Some(arg.clone()),
            _ => return Err(UsageError(format!("unrecognized arguments: {arg}"))),
        }
    }
    let Some(path) = path else {
        return Err(UsageError("replay needs a FILE".into()));
    };
    let Some(transcript_path) = transcript_path else {
        return Err(UsageError("replay needs --transcript T.json".into()));
    };
    check_paths([&path])?;
    if std::path::Path::new(&transcript_path).is_dir() {
        return Err(UsageError(format!(
            "{transcript_path} is a directory; pass a transcript's .json file"
        )));
    }
    let Some(transcript_text) = read(&transcript_path, output) else {
        return Ok(EXIT_ERRORS);
    };
    let transcript: serde_json::Value = match serde_json::from_str(&transcript_text) {
        Ok(data) => data,
        Err(error) => {
            output.error(&format!("{transcript_path} is not JSON: {error}"));
            return Ok(EXIT_ERRORS);
        }
    };
    let Some(text) = read(&path, output) else {
        return Ok(EXIT_ERRORS);
    };
    let text = normalise_line_endings(&text);
    let program = match syntax::parse(&text, Some(&path)) {
        Ok(program) => program,
        Err(error) => {
            output.diagnostics(&error);
            return Ok(EXIT_ERRORS);
        }
    };
    let names: Vec<&str> = program.workflows().map(|w| w.name.as_str()).collect();
    let recorded = transcript.get("workflow").and_then(|name| name.as_str());
    let chosen = match (&workflow, recorded) {
        (Some(name), _) if names.contains(&name.as_str()) => name.as_str(),
        (Some(name), _) => {
            return Err(UsageError(format!(
                "{path} has no workflow named '{name}' (found: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        (None, Some(name)) if names.contains(&name) => name,
        (None, _) => match names.as_slice() {
            [only] => only,
            _ => {
                return Err(UsageError(format!(
                    "{path} defines {} workflows and the transcript names none of them; choose one with --workflow ({})",
                    names.len(),
                    if names.is_empty() {
                        "none found".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        },
    };
    let dag = match rrl::dag::lower(&program, Some(chosen)) {
        Ok(dag) => dag,
        Err(error) => {
            output.error(&format!("{path}: cannot lower workflow {chosen}: {error}"));
            return Ok(EXIT_ERRORS);
        }
    };
    let runnable = match rrl::exec::Program::new(dag) {
        Ok(runnable) => runnable,
        Err(error) => {
            output.error(&format!("{path}: cannot run workflow {chosen}: {error}"));
            return Ok(EXIT_ERRORS);
        }
    };
    let mut saved = Vec::new();
    let replayed = if snapshots {
        rrl::exec::replay(&runnable, &transcript, Some(&mut saving_into(&mut saved)))
    } else {
        rrl::exec::replay(&runnable, &transcript, None)
    };
    match replayed {
        Ok(finish) => match rrl::exec::command::encode_finish(&finish) {
            Ok(outcome) => {
                for line in &saved {
                    output.info(line);
                }
                output.info(&rrl::value::codec::canonical(&outcome));
                Ok(EXIT_OK)
            }
            Err(error) => {
                output.error(&format!("the outcome has no encoding: {error}"));
                Ok(EXIT_ERRORS)
            }
        },
        Err(difference) => {
            output.error(&format!(
                "{transcript_path} does not replay on {path} (workflow {chosen})\n  {difference}{}",
                step_context(&transcript, &difference.path)
            ));
            Ok(EXIT_ERRORS)
        }
    }
}

/// A `between` for `replay` that keeps the machine's state after each
/// completion as a line of JSON.
fn saving_into<'p>(
    saved: &mut Vec<String>,
) -> impl FnMut(rrl::exec::Machine<'p>) -> rrl::exec::Machine<'p> + '_ {
    move |machine| {
        saved.push(match machine.snapshot() {
            Ok(state) => serde_json::to_string(&state).unwrap_or_default(),
            Err(error) => serde_json::json!({ "error": error.to_string() }).to_string(),
        });
        machine
    }
}

/// Which step of the run a difference is at: the batch of commands after
/// the start or after a completion, or the completion itself.
fn step_context(transcript: &serde_json::Value, path: &str) -> String {
    let Some(index) = path
        .strip_prefix("events[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|digits| digits.parse::<usize>().ok())
    else {
        return String::new();
    };
    let describe = |event: Option<&serde_json::Value>| -> String {
        let Some(serde_json::Value::Object(completion)) = event.and_then(|e| e.get("completion"))
        else {
            return "a completion".to_string();
        };
        let Some((tag, payload)) = completion.iter().next() else {
            return "a completion".to_string();
        };
        let id = payload
            .get("id")
            .map_or_else(String::new, |id| format!(" of {id}"));
        let attempt = payload
            .get("attempt")
            .map_or_else(String::new, |attempt| format!(", attempt {attempt}"));
        format!("`{tag}`{id}{attempt}")
    };
    let events = transcript
        .get("events")
        .and_then(|events| events.as_array());
    let event = |i: usize| events.and_then(|events| events.get(i));
    let step = if index == 0 {
        "the commands issued at the start".to_string()
    } else if index % 2 == 0 {
        format!(
            "the commands issued after the completion at events[{}], {}",
            index - 1,
            describe(event(index - 1))
        )
    } else {
        format!(
            "the completion at events[{index}], {}",
            describe(event(index))
        )
    };
    format!("\n  = step: {step}")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut output = Output::default();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(EXIT_USAGE);
    };
    let result = match command.as_str() {
        "check" => cmd_check(rest, &mut output),
        "ast" => cmd_ast(rest, &mut output),
        "fmt" => cmd_fmt(rest, &mut output),
        "dag" => cmd_dag(rest, &mut output),
        "eval" => cmd_eval(rest),
        "value" => cmd_value(rest),
        "replay" => cmd_replay(rest, &mut output),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(EXIT_OK)
        }
        other => Err(UsageError(format!("unknown command `{other}`"))),
    };
    let status = match result {
        Ok(status) => {
            if output.errors_reported > 1 {
                eprintln!(
                    "error: aborting due to {} previous errors",
                    output.errors_reported
                );
            }
            status
        }
        Err(UsageError(message)) => {
            eprint!("{USAGE}");
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    };
    ExitCode::from(status)
}
