//! Exceptions as values: what a workflow raises and catches, what an action
//! fails with, and what the codec carries (`{"exception": {...}}`).
//!
//! An exception is its class chain (`module:qualname` names, most derived
//! first, ending with a builtin class: the codec's `class`), its `args`, its
//! message (`str(e)`), its public attributes and its cause. A class is known by
//! its chain alone, so matching `except C` needs no class object: the chain
//! names `C`, or names a builtin class that derives from the builtin `C`.

use std::sync::Arc;

use super::{ClassName, Str, Value, repr};

#[derive(Clone, Debug)]
pub struct Exception(Arc<ExceptionData>);

#[derive(Clone, Debug)]
pub struct ExceptionData {
    /// The class chain, most derived first (never empty).
    pub chain: Vec<ClassName>,
    pub args: Vec<Value>,
    /// `str(e)`.
    pub message: Str,
    /// Public attributes, in order.
    pub attributes: Vec<(Str, Value)>,
    pub cause: Option<Exception>,
    /// How the class rebuilds it when that is not from `args` (the codec's `rebuild`).
    pub rebuild: Option<Rebuild>,
}

/// `{"method": ..., "args": [...]}`: pickle's way back to the exception.
#[derive(Clone, Debug)]
pub struct Rebuild {
    pub method: Option<Str>,
    pub args: Vec<Value>,
}

macro_rules! builtins {
    ($($name:ident: [$($base:ident),*],)*) => {
        /// Python's builtin exception classes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Builtin { $($name,)* }

        impl Builtin {
            pub const ALL: &[Builtin] = &[$(Builtin::$name,)*];

            pub fn name(self) -> &'static str {
                match self { $(Builtin::$name => stringify!($name),)* }
            }

            /// The direct builtin bases of the class.
            pub fn bases(self) -> &'static [Builtin] {
                match self { $(Builtin::$name => &[$(Builtin::$base),*],)* }
            }
        }
    };
}

builtins! {
    BaseException: [],
    BaseExceptionGroup: [BaseException],
    Exception: [BaseException],
    GeneratorExit: [BaseException],
    KeyboardInterrupt: [BaseException],
    SystemExit: [BaseException],
    ArithmeticError: [Exception],
    AssertionError: [Exception],
    AttributeError: [Exception],
    BufferError: [Exception],
    EOFError: [Exception],
    ImportError: [Exception],
    LookupError: [Exception],
    MemoryError: [Exception],
    NameError: [Exception],
    OSError: [Exception],
    ReferenceError: [Exception],
    RuntimeError: [Exception],
    StopAsyncIteration: [Exception],
    StopIteration: [Exception],
    SyntaxError: [Exception],
    SystemError: [Exception],
    TypeError: [Exception],
    ValueError: [Exception],
    Warning: [Exception],
    FloatingPointError: [ArithmeticError],
    OverflowError: [ArithmeticError],
    ZeroDivisionError: [ArithmeticError],
    BytesWarning: [Warning],
    DeprecationWarning: [Warning],
    EncodingWarning: [Warning],
    FutureWarning: [Warning],
    ImportWarning: [Warning],
    PendingDeprecationWarning: [Warning],
    ResourceWarning: [Warning],
    RuntimeWarning: [Warning],
    SyntaxWarning: [Warning],
    UnicodeWarning: [Warning],
    UserWarning: [Warning],
    BlockingIOError: [OSError],
    ChildProcessError: [OSError],
    ConnectionError: [OSError],
    FileExistsError: [OSError],
    FileNotFoundError: [OSError],
    InterruptedError: [OSError],
    IsADirectoryError: [OSError],
    NotADirectoryError: [OSError],
    PermissionError: [OSError],
    ProcessLookupError: [OSError],
    TimeoutError: [OSError],
    IndentationError: [SyntaxError],
    IndexError: [LookupError],
    KeyError: [LookupError],
    ModuleNotFoundError: [ImportError],
    NotImplementedError: [RuntimeError],
    RecursionError: [RuntimeError],
    UnboundLocalError: [NameError],
    UnicodeError: [ValueError],
    BrokenPipeError: [ConnectionError],
    ConnectionAbortedError: [ConnectionError],
    ConnectionRefusedError: [ConnectionError],
    ConnectionResetError: [ConnectionError],
    TabError: [IndentationError],
    UnicodeDecodeError: [UnicodeError],
    UnicodeEncodeError: [UnicodeError],
    UnicodeTranslateError: [UnicodeError],
    ExceptionGroup: [BaseExceptionGroup, Exception],
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        // Python's aliases of OSError.
        if name == "IOError" || name == "EnvironmentError" {
            return Some(Builtin::OSError);
        }
        Builtin::ALL
            .iter()
            .copied()
            .find(|builtin| builtin.name() == name)
    }

    /// The builtin class a chain entry names (`builtins:KeyError`).
    pub fn from_class(class: &ClassName) -> Option<Builtin> {
        if class.is_builtin() {
            Builtin::from_name(class.qualname())
        } else {
            None
        }
    }

    pub fn class_name(self) -> ClassName {
        ClassName::builtin(self.name())
    }

    /// `issubclass(self, other)`.
    pub fn derives_from(self, other: Builtin) -> bool {
        self == other || self.bases().iter().any(|base| base.derives_from(other))
    }

    fn is_os_error(self) -> bool {
        self.derives_from(Builtin::OSError)
    }

    /// The subclass that `OSError(errno, ...)` builds for a Linux errno.
    fn os_error_for(errno: i64) -> Option<Builtin> {
        Some(match errno {
            11 | 114 | 115 => Builtin::BlockingIOError, // EAGAIN, EALREADY, EINPROGRESS
            10 => Builtin::ChildProcessError,
            32 | 108 => Builtin::BrokenPipeError, // EPIPE, ESHUTDOWN
            103 => Builtin::ConnectionAbortedError,
            111 => Builtin::ConnectionRefusedError,
            104 => Builtin::ConnectionResetError,
            17 => Builtin::FileExistsError,
            2 => Builtin::FileNotFoundError,
            21 => Builtin::IsADirectoryError,
            20 => Builtin::NotADirectoryError,
            4 => Builtin::InterruptedError,
            1 | 13 => Builtin::PermissionError, // EPERM, EACCES
            3 => Builtin::ProcessLookupError,
            110 => Builtin::TimeoutError,
            _ => return None,
        })
    }
}

/// `str(args)` of an exception without a message of its own: `''`, `str(arg)`,
/// or `str(args)` as a tuple.
fn args_message(args: &[Value]) -> String {
    let text = match args {
        [] => Ok(String::new()),
        [arg] => repr::str(arg),
        _ => repr::repr(&Value::tuple(args.to_vec())),
    };
    text.unwrap_or_else(|_| "<exception str() failed>".to_string())
}

impl Exception {
    pub fn from_data(data: ExceptionData) -> Exception {
        Exception(Arc::new(data))
    }

    pub fn data(&self) -> &ExceptionData {
        &self.0
    }

    /// An instance of a builtin class, built as Python builds it from `args`.
    pub fn builtin(class: Builtin, args: Vec<Value>) -> Exception {
        let class = match (class, args.as_slice()) {
            (Builtin::OSError, [Value::Int(errno), _, ..]) if args.len() <= 5 => errno
                .as_i64()
                .and_then(Builtin::os_error_for)
                .unwrap_or(class),
            _ => class,
        };
        Exception::construct(vec![class.class_name()], args)
    }

    /// `ValueError("message")`: a builtin exception with one str argument.
    pub fn new(class: Builtin, message: impl Into<String>) -> Exception {
        let message: String = message.into();
        Exception::builtin(class, vec![Value::str(&message)])
    }

    /// An instance of the class with this chain, built from `args` with no
    /// `__init__` of its own: the message is that of its nearest builtin class
    /// (`KeyError` shows its key's repr, `OSError` its errno and file).
    pub fn construct(chain: Vec<ClassName>, args: Vec<Value>) -> Exception {
        let nearest = chain
            .iter()
            .find_map(Builtin::from_class)
            .unwrap_or(Builtin::Exception);
        let mut data = ExceptionData {
            chain,
            message: Arc::from(""),
            args,
            attributes: Vec::new(),
            cause: None,
            rebuild: None,
        };
        let message = if nearest.derives_from(Builtin::KeyError) && data.args.len() == 1 {
            repr::repr(&data.args[0]).unwrap_or_else(|_| "<exception str() failed>".to_string())
        } else if nearest.is_os_error() && (2..=5).contains(&data.args.len()) {
            os_error_message(&mut data)
        } else {
            args_message(&data.args)
        };
        data.message = Arc::from(message);
        Exception::from_data(data)
    }

    /// The exception's class, most derived.
    pub fn class(&self) -> &ClassName {
        &self.0.chain[0]
    }

    pub fn chain(&self) -> &[ClassName] {
        &self.0.chain
    }

    pub fn args(&self) -> &[Value] {
        &self.0.args
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn attribute(&self, name: &str) -> Option<&Value> {
        self.0
            .attributes
            .iter()
            .find(|(attribute, _)| &**attribute == name)
            .map(|(_, value)| value)
    }

    pub fn cause(&self) -> Option<&Exception> {
        self.0.cause.as_ref()
    }

    /// The same exception with `__cause__` set (`raise ... from cause`).
    pub fn with_cause(&self, cause: Option<Exception>) -> Exception {
        let mut data = (*self.0).clone();
        data.cause = cause;
        Exception::from_data(data)
    }

    pub fn with_attribute(&self, name: &str, value: Value) -> Exception {
        let mut data = (*self.0).clone();
        match data
            .attributes
            .iter_mut()
            .find(|(attribute, _)| &**attribute == name)
        {
            Some((_, slot)) => *slot = value,
            None => data.attributes.push((Arc::from(name), value)),
        }
        Exception::from_data(data)
    }

    /// The first builtin class of the chain.
    pub fn builtin_class(&self) -> Option<Builtin> {
        self.0.chain.iter().find_map(Builtin::from_class)
    }

    /// Whether `except <class>` catches it: its chain names the class, or
    /// names a builtin class derived from the builtin `class`.
    pub fn matches(&self, class: &ClassName) -> bool {
        if self.0.chain.iter().any(|name| name == class) {
            return true;
        }
        let Some(target) = Builtin::from_class(class) else {
            return false;
        };
        self.0
            .chain
            .iter()
            .filter_map(Builtin::from_class)
            .any(|builtin| builtin.derives_from(target))
    }

    pub fn is(&self, class: Builtin) -> bool {
        self.matches(&class.class_name())
    }

    /// The exception object's identity: exceptions hash by it, as in Python.
    pub fn identity(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// Two handles on one exception (`is`, `==`).
    pub fn same(&self, other: &Exception) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// OSError's `[Errno 2] No such file: 'x.txt'`: its args keep only errno and
/// strerror when a filename is given, and the full arguments go in `rebuild`.
fn os_error_message(data: &mut ExceptionData) -> String {
    let args = data.args.clone();
    let errno = &args[0];
    let strerror = &args[1];
    let filename = args.get(2).filter(|value| !matches!(value, Value::None));
    let filename2 = args.get(4).filter(|value| !matches!(value, Value::None));
    let show = |value: &Value| repr::str(value).unwrap_or_default();
    let quoted = |value: &Value| repr::repr(value).unwrap_or_default();
    if filename.is_some() {
        data.args.truncate(2);
        data.rebuild = Some(Rebuild {
            method: None,
            args: args.clone(),
        });
    }
    match (filename, filename2) {
        (Some(first), Some(second)) => {
            format!(
                "[Errno {}] {}: {} -> {}",
                show(errno),
                show(strerror),
                quoted(first),
                quoted(second)
            )
        }
        (Some(first), None) => format!(
            "[Errno {}] {}: {}",
            show(errno),
            show(strerror),
            quoted(first)
        ),
        _ => format!("[Errno {}] {}", show(errno), show(strerror)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_pythons() {
        let s = |text: &str| Value::str(text);
        assert_eq!(
            Exception::builtin(Builtin::ValueError, vec![]).message(),
            ""
        );
        assert_eq!(
            Exception::builtin(Builtin::ValueError, vec![s("bad")]).message(),
            "bad"
        );
        assert_eq!(
            Exception::builtin(Builtin::ValueError, vec![s("a"), Value::int(2)]).message(),
            "('a', 2)"
        );
        assert_eq!(
            Exception::builtin(Builtin::KeyError, vec![s("k")]).message(),
            "'k'"
        );
        assert_eq!(Exception::builtin(Builtin::KeyError, vec![]).message(), "");
        let missing = Exception::builtin(
            Builtin::OSError,
            vec![Value::int(2), s("No such file"), s("x.txt")],
        );
        assert_eq!(missing.class().as_str(), "builtins:FileNotFoundError");
        assert_eq!(missing.message(), "[Errno 2] No such file: 'x.txt'");
        assert_eq!(missing.args().len(), 2);
        assert_eq!(
            Exception::builtin(Builtin::PermissionError, vec![Value::int(9), s("x")]).message(),
            "[Errno 9] x"
        );
    }

    #[test]
    fn matching_follows_the_chain_and_builtin_bases() {
        let key_error = Exception::new(Builtin::KeyError, "k");
        assert!(
            key_error.is(Builtin::LookupError)
                && key_error.is(Builtin::Exception)
                && !key_error.is(Builtin::ValueError)
        );
        let declined = Exception::construct(
            vec![
                ClassName::new("app:CardDeclined"),
                ClassName::new("app:PaymentError"),
                ClassName::builtin("ValueError"),
            ],
            vec![Value::str("no")],
        );
        assert!(declined.matches(&ClassName::new("app:PaymentError")));
        assert!(declined.is(Builtin::ValueError) && declined.is(Builtin::Exception));
        assert!(
            !declined.matches(&ClassName::new("app:Other")) && !declined.is(Builtin::LookupError)
        );
        assert!(Builtin::ExceptionGroup.derives_from(Builtin::Exception));
    }
}
