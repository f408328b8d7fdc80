//! The policies an action call runs under, resolved from what the program
//! writes (`language/rrl/policies.py`): the defaults live here.

use super::json::Json;
use crate::syntax::ast::{BackoffPolicy, Constant, ExprKind, RetryPolicy, Seconds};

pub const DEFAULT_ATTEMPTS: &str = "3";
pub const DEFAULT_BASE: f64 = 1.0;
pub const DEFAULT_MULTIPLIER: f64 = 2.0;

/// A number as the program wrote it or a duration resolved to: an int
/// (digits) or a float.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    Int(String),
    Float(f64),
}

impl Number {
    pub fn json(&self) -> Json {
        match self {
            Number::Int(digits) => Json::Int(digits.clone()),
            Number::Float(value) => Json::Float(*value),
        }
    }
}

/// Up to `attempts` attempts in all (None: no limit), retrying the
/// exceptions `on` names (empty: every exception).
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    pub attempts: Option<String>,
    pub on: Vec<String>,
}

/// The delay before retry n is min(base * multiplier ** (n - 1), max).
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    pub base: Number,
    pub multiplier: Number,
    pub max: Option<Number>,
}

/// The seconds a duration stands for (`250ms` is 0.25, `2m` is 120): a
/// whole number of seconds is an int, as `rrl.ast.Duration.seconds` makes it.
pub fn duration_seconds(text: &str) -> Number {
    let (unit, size) = [
        ("ms", 0.001),
        ("s", 1.0),
        ("m", 60.0),
        ("h", 3600.0),
        ("d", 86400.0),
    ]
    .into_iter()
    .find(|(unit, _)| text.ends_with(unit))
    .unwrap_or(("s", 1.0));
    let amount: f64 = text[..text.len() - unit.len()].parse().unwrap_or(f64::NAN);
    let value = amount * size;
    if value.is_finite() && value.fract() == 0.0 {
        Number::Int(format!("{value:.0}"))
    } else {
        Number::Float(value)
    }
}

/// The number of seconds a policy argument stands for (None for `None`).
pub fn seconds(value: &Seconds) -> Option<Number> {
    match value {
        Seconds::Duration(text, _) => Some(duration_seconds(text)),
        Seconds::Value(expr) => match &expr.kind {
            ExprKind::Constant(Constant::Int(digits)) => Some(Number::Int(digits.clone())),
            ExprKind::Constant(Constant::Float(value)) => Some(Number::Float(*value)),
            _ => None,
        },
    }
}

pub fn resolve_retry(policy: &RetryPolicy) -> Retry {
    let attempts = match &policy.attempts {
        None => Some(DEFAULT_ATTEMPTS.to_string()),
        Some(expr) => match &expr.kind {
            ExprKind::Constant(Constant::Int(digits)) => Some(digits.clone()),
            _ => None,
        },
    };
    Retry {
        attempts,
        on: policy.on.clone().unwrap_or_default(),
    }
}

pub fn resolve_backoff(policy: &BackoffPolicy) -> Backoff {
    let multiplier = match policy.multiplier.as_ref().map(|e| &e.kind) {
        Some(ExprKind::Constant(Constant::Int(digits))) => Number::Int(digits.clone()),
        Some(ExprKind::Constant(Constant::Float(value))) => Number::Float(*value),
        _ => Number::Float(DEFAULT_MULTIPLIER),
    };
    Backoff {
        base: policy
            .base
            .as_ref()
            .and_then(seconds)
            .unwrap_or(Number::Float(DEFAULT_BASE)),
        multiplier,
        max: policy.max.as_ref().and_then(seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::{Number, duration_seconds};

    #[test]
    fn durations_resolve_like_python() {
        assert_eq!(duration_seconds("250ms"), Number::Float(0.25));
        assert_eq!(duration_seconds("1000ms"), Number::Int("1".into()));
        assert_eq!(duration_seconds("1.5s"), Number::Float(1.5));
        assert_eq!(duration_seconds("10m"), Number::Int("600".into()));
        assert_eq!(duration_seconds("1d"), Number::Int("86400".into()));
    }
}
