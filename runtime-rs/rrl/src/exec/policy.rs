//! What an action call runs under, as the machine applies it
//! (`rrl.interpreter` and `rrl.policies`): the timeout of each attempt, the
//! delay before a retry, and the ranges a policy's values must be in.

use std::sync::Arc;

use crate::dag::policies::{Backoff, Number, Retry};
use crate::eval::format_value;
use crate::value::exception::ExceptionData;
use crate::value::{ClassName, Exception, Int, Value, float};

/// Seconds an attempt may run when the call names no timeout.
pub const DEFAULT_TIMEOUT: f64 = 300.0;

/// `float(n)` of a policy number (an int that overflows a float is infinite;
/// the range check refuses it first).
pub fn seconds(number: &Number) -> f64 {
    match number {
        Number::Int(digits) => digits.parse::<f64>().unwrap_or(f64::INFINITY),
        Number::Float(value) => *value,
    }
}

/// The timeout of each attempt of a call, in seconds.
pub fn timeout_seconds(timeout: Option<&Number>) -> f64 {
    timeout.map_or(DEFAULT_TIMEOUT, seconds)
}

/// Seconds to wait before retry `retry` (1, 2, ...): 0.0 without a backoff.
/// `multiplier ** (retry - 1)` is C's `pow`, infinite when it overflows.
pub fn backoff_delay(backoff: Option<&Backoff>, retry: u64) -> f64 {
    let Some(backoff) = backoff else {
        return 0.0;
    };
    let exponent = retry.saturating_sub(1) as f64;
    let delay = seconds(&backoff.base) * seconds(&backoff.multiplier).powf(exponent);
    match &backoff.max {
        // Python's `min(delay, max)`: the first argument unless the second is smaller.
        Some(max) if seconds(max) < delay => seconds(max),
        _ => delay,
    }
}

/// Python's `repr` of a policy number.
fn shown(number: &Number) -> String {
    match number {
        Number::Int(digits) => digits.clone(),
        Number::Float(value) => float::repr(*value),
    }
}

fn finite(number: &Number) -> bool {
    seconds(number).is_finite()
}

/// The first policy value out of range, as `rrl.policies.range_problems`
/// words it: the ValueError a call with it fails with before its first attempt.
pub fn range_problem(
    retry: Option<&Retry>,
    backoff: Option<&Backoff>,
    timeout: Option<&Number>,
) -> Option<String> {
    if let Some(attempts) = retry.and_then(|retry| retry.attempts.as_ref()) {
        if attempts.parse::<u64>().map_or(true, |n| n < 1) {
            return Some(format!(
                "`retry(attempts=...)` must be at least 1, or None for no limit; got {attempts}"
            ));
        }
    }
    if let Some(backoff) = backoff {
        for (name, value) in [("base", Some(&backoff.base)), ("max", backoff.max.as_ref())] {
            if let Some(value) = value {
                if !(finite(value) && seconds(value) >= 0.0) {
                    return Some(format!(
                        "`backoff({name}=...)` must be 0 seconds or more; got {}",
                        shown(value)
                    ));
                }
            }
        }
        let multiplier = &backoff.multiplier;
        if !(finite(multiplier) && seconds(multiplier) >= 1.0) {
            return Some(format!(
                "`backoff(multiplier=...)` must be at least 1, so delays never shrink; got {}",
                shown(multiplier)
            ));
        }
    }
    if let Some(timeout) = timeout {
        if !(finite(timeout) && seconds(timeout) > 0.0) {
            return Some(format!(
                "`timeout(...)` must be greater than 0 seconds; got {}",
                shown(timeout)
            ));
        }
    }
    None
}

/// The number of attempts a retry policy allows (None: no limit).
pub fn attempts_allowed(retry: &Retry) -> Option<u64> {
    retry
        .attempts
        .as_ref()
        .map(|digits| digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// `rappel.ActionNotFound`: a worker has no such action. An attempt that
/// fails with it is never retried, whatever the policy (`rrl.classes`).
pub const ACTION_NOT_FOUND: &str = "rappel:ActionNotFound";

/// The class chain of `rappel.RappelTimeout`, the exception of an attempt
/// that ran past its timeout.
pub fn rappel_timeout_chain() -> Vec<ClassName> {
    vec![
        ClassName::new("rappel:RappelTimeout"),
        ClassName::new("rappel:RappelError"),
        ClassName::builtin("Exception"),
    ]
}

/// `RappelTimeout("action <name> timed out after <timeout:g>s (attempt <n>)")`
/// with its attributes `action`, `timeout` and `attempt`.
pub fn timeout_error(action: &str, timeout: f64, attempt: u64) -> Exception {
    let shown = format_value(&Value::Float(timeout), "g").unwrap_or_else(|_| float::repr(timeout));
    let message = format!("action {action} timed out after {shown}s (attempt {attempt})");
    let attempt = Value::Int(match i64::try_from(attempt) {
        Ok(small) => Int::Small(small),
        Err(_) => Int::from_big(attempt.into()),
    });
    Exception::from_data(ExceptionData {
        chain: rappel_timeout_chain(),
        args: vec![Value::str(&message)],
        message: Arc::from(message.as_str()),
        attributes: vec![
            (Arc::from("action"), Value::str(action)),
            (Arc::from("timeout"), Value::Float(timeout)),
            (Arc::from("attempt"), attempt),
        ],
        cause: None,
        rebuild: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(base: f64, multiplier: f64, max: Option<f64>) -> Backoff {
        Backoff {
            base: Number::Float(base),
            multiplier: Number::Float(multiplier),
            max: max.map(Number::Float),
        }
    }

    #[test]
    fn delays_grow_by_the_multiplier_up_to_the_max() {
        let policy = backoff(1.0, 2.0, Some(5.0));
        let delays: Vec<f64> = (1..=5).map(|k| backoff_delay(Some(&policy), k)).collect();
        assert_eq!(delays, [1.0, 2.0, 4.0, 5.0, 5.0]);
        assert_eq!(backoff_delay(None, 3), 0.0);
        assert_eq!(
            backoff_delay(Some(&backoff(1.0, 10.0, None)), 400),
            f64::INFINITY
        );
    }

    #[test]
    fn problems_read_as_pythons() {
        let retry = Retry {
            attempts: Some("0".into()),
            on: vec![],
        };
        assert_eq!(
            range_problem(Some(&retry), None, None).as_deref(),
            Some("`retry(attempts=...)` must be at least 1, or None for no limit; got 0")
        );
        assert_eq!(
            range_problem(None, Some(&backoff(1.0, 0.5, None)), None).as_deref(),
            Some("`backoff(multiplier=...)` must be at least 1, so delays never shrink; got 0.5")
        );
        assert_eq!(
            range_problem(None, None, Some(&Number::Int("0".into()))).as_deref(),
            Some("`timeout(...)` must be greater than 0 seconds; got 0")
        );
        assert_eq!(
            range_problem(None, Some(&backoff(0.0, 1.0, Some(0.0))), None),
            None
        );
    }

    #[test]
    fn a_timeout_is_a_rappel_timeout() {
        let error = timeout_error("fetch", 0.05, 2);
        assert_eq!(
            error.message(),
            "action fetch timed out after 0.05s (attempt 2)"
        );
        assert_eq!(error.chain()[0].as_str(), "rappel:RappelTimeout");
        assert_eq!(
            timeout_error("fetch", 300.0, 1).message(),
            "action fetch timed out after 300s (attempt 1)"
        );
    }
}
