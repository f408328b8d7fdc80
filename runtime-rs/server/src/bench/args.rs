//! The benchmark tools' command lines: `--name value` options with defaults
//! and `--name` switches; an error names the tool, the option and the fix.

use std::collections::HashMap;

pub struct Flag {
    pub name: &'static str,
    /// `None` for a switch, which takes no value.
    pub default: Option<&'static str>,
    pub help: &'static str,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    /// `--help`: the text to print, with success.
    #[error("{0}")]
    Help(String),
    #[error("{tool}: {message}; see `{tool} --help`")]
    Usage { tool: String, message: String },
}

#[derive(Debug)]
pub struct Parsed {
    tool: String,
    values: HashMap<&'static str, String>,
    /// Positional arguments, in order.
    pub rest: Vec<String>,
}

/// The usage text: `about`, then every flag with its default.
pub fn help(tool: &str, about: &str, flags: &[Flag]) -> String {
    let mut text = wrap(about, 78);
    text.push_str(&format!("\n\nUsage: {tool} [OPTIONS]\n\nOptions:\n"));
    for flag in flags {
        let left = match flag.default {
            Some(_) => format!("{} <N>", flag.name),
            None => flag.name.to_string(),
        };
        let default = match flag.default {
            Some(value) if !value.is_empty() => format!(" [default: {value}]"),
            _ => String::new(),
        };
        text.push_str(&format!("  {left:<22} {}{default}\n", flag.help));
    }
    text.push_str(&format!("  {:<22} this text\n", "--help"));
    text
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

pub fn parse(
    tool: &str,
    about: &str,
    flags: &[Flag],
    argv: impl IntoIterator<Item = String>,
    positional: bool,
) -> Result<Parsed, ArgError> {
    let usage = |message: String| ArgError::Usage {
        tool: tool.to_string(),
        message,
    };
    let mut values = HashMap::new();
    let mut rest = Vec::new();
    let mut argv = argv.into_iter();
    while let Some(arg) = argv.next() {
        if arg == "--help" || arg == "-h" {
            return Err(ArgError::Help(help(tool, about, flags)));
        }
        if !arg.starts_with("--") || arg == "-" {
            if positional {
                rest.push(arg);
                continue;
            }
            return Err(usage(format!("unexpected argument {arg:?}")));
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let flag = flags
            .iter()
            .find(|flag| flag.name == name)
            .ok_or_else(|| usage(format!("unknown option {name}")))?;
        let value = match (flag.default, inline) {
            (None, None) => String::new(),
            (None, Some(_)) => return Err(usage(format!("{name} takes no value"))),
            (Some(_), Some(value)) => value,
            (Some(_), None) => argv
                .next()
                .ok_or_else(|| usage(format!("{name} needs a value")))?,
        };
        values.insert(flag.name, value);
    }
    for flag in flags {
        if let Some(default) = flag.default {
            values
                .entry(flag.name)
                .or_insert_with(|| default.to_string());
        }
    }
    Ok(Parsed {
        tool: tool.to_string(),
        values,
        rest,
    })
}

impl ArgError {
    /// Prints the help (on stdout) or the error (on stderr); the exit status.
    pub fn report(self) -> std::process::ExitCode {
        match self {
            ArgError::Help(text) => {
                print!("{text}");
                std::process::ExitCode::SUCCESS
            }
            error => {
                eprintln!("{error}");
                std::process::ExitCode::from(2)
            }
        }
    }
}

impl Parsed {
    /// The option's text as given (or its default), trimmed.
    pub fn text(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |value| value.trim())
    }

    /// A usage error of this tool.
    pub fn usage(&self, message: String) -> ArgError {
        ArgError::Usage {
            tool: self.tool.clone(),
            message,
        }
    }

    pub fn switch(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// A whole number of at least `min`.
    pub fn number(&self, name: &str, min: usize) -> Result<usize, ArgError> {
        let raw = self.values.get(name).map_or("", String::as_str);
        raw.trim()
            .replace('_', "")
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= min)
            .ok_or_else(|| ArgError::Usage {
                tool: self.tool.clone(),
                message: format!("{name} takes a whole number of at least {min}, not {raw:?}"),
            })
    }

    /// A positive number of seconds, fractions allowed.
    pub fn seconds(&self, name: &str) -> Result<std::time::Duration, ArgError> {
        let raw = self.values.get(name).map_or("", String::as_str);
        raw.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(std::time::Duration::from_secs_f64)
            .ok_or_else(|| ArgError::Usage {
                tool: self.tool.clone(),
                message: format!("{name} takes a positive number of seconds, not {raw:?}"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: [Flag; 2] = [
        Flag {
            name: "--messages",
            default: Some("10"),
            help: "how many",
        },
        Flag {
            name: "--keep",
            default: None,
            help: "keep it",
        },
    ];

    fn parsed(args: &[&str]) -> Result<Parsed, ArgError> {
        parse(
            "bench",
            "About.",
            &FLAGS,
            args.iter().map(|a| a.to_string()),
            false,
        )
    }

    fn message(error: ArgError) -> String {
        error.to_string()
    }

    #[test]
    fn defaults_values_and_switches() {
        let p = parsed(&[]).unwrap();
        assert_eq!(p.number("--messages", 1).unwrap(), 10);
        assert!(!p.switch("--keep"));
        let p = parsed(&["--messages", "2_000", "--keep"]).unwrap();
        assert_eq!(p.number("--messages", 1).unwrap(), 2000);
        assert!(p.switch("--keep"));
        assert_eq!(
            parsed(&["--messages=7"])
                .unwrap()
                .number("--messages", 1)
                .unwrap(),
            7
        );
    }

    #[test]
    fn errors_name_the_option_and_the_fix() {
        assert_eq!(
            message(parsed(&["--mesages", "3"]).unwrap_err()),
            "bench: unknown option --mesages; see `bench --help`"
        );
        assert_eq!(
            message(parsed(&["--messages"]).unwrap_err()),
            "bench: --messages needs a value; see `bench --help`"
        );
        assert_eq!(
            message(
                parsed(&["--messages", "lots"])
                    .unwrap()
                    .number("--messages", 1)
                    .unwrap_err()
            ),
            "bench: --messages takes a whole number of at least 1, not \"lots\"; see `bench --help`"
        );
        assert_eq!(
            message(parsed(&["extra"]).unwrap_err()),
            "bench: unexpected argument \"extra\"; see `bench --help`"
        );
        assert_eq!(
            message(parsed(&["--keep=yes"]).unwrap_err()),
            "bench: --keep takes no value; see `bench --help`"
        );
    }

    #[test]
    fn help_lists_every_option_with_its_default() {
        let Err(ArgError::Help(text)) = parsed(&["--help"]) else {
            panic!("--help gives the help");
        };
        assert!(text.starts_with("About.\n"), "{text}");
        assert!(text.contains("--messages <N>"), "{text}");
        assert!(text.contains("[default: 10]"), "{text}");
        assert!(text.contains("--keep"), "{text}");
    }
}
