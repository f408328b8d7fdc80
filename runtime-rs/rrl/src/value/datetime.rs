//! `datetime.date`, `time`, `datetime` and `timedelta`, as values.
//!
//! The codec's text is Python's `isoformat()`; decoding accepts exactly that
//! text (what `isoformat()` writes), not every ISO 8601 form Python's
//! `fromisoformat` reads. A datetime in an IANA zone keeps the zone's name
//! and the UTC offset its text gives: the Rust core has no time-zone database,
//! so it trusts the offset (Python re-derives it from the zone).

use std::cmp::Ordering;
use std::sync::Arc;

use super::Str;

pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;
const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
/// `timedelta.max.days`.
pub const MAX_DAYS: i64 = 999_999_999;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A UTC offset: strictly between -24 h and 24 h, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UtcOffset(pub i64);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub microsecond: u32,
    pub offset: Option<UtcOffset>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub time: Time,
    /// The IANA zone (`Europe/Paris`) of an aware datetime, when it has one.
    pub zone: Option<Str>,
}

/// Normalized as Python does: `0 <= seconds < 86400`, `0 <= microseconds < 10**6`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeDelta {
    pub days: i64,
    pub seconds: i64,
    pub microseconds: i64,
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 0001-01-01 is day 1 (Python's `toordinal()`).
    pub fn ordinal(self) -> i64 {
        let y = i64::from(self.year) - 1;
        let before_year = y * 365 + y / 4 - y / 100 + y / 400;
        let before_month: i64 = (1..self.month)
            .map(|m| i64::from(days_in_month(self.year, m)))
            .sum();
        before_year + before_month + i64::from(self.day)
    }

    pub fn from_ordinal(ordinal: i64) -> Option<Date> {
        if !(1..=3_652_059).contains(&ordinal) {
            return None;
        }
        // 400-year cycles have 146097 days.
        let mut n = ordinal - 1;
        let n400 = n / 146_097;
        n %= 146_097;
        let n100 = (n / 36_524).min(3);
        n -= n100 * 36_524;
        let n4 = n / 1_461;
        n %= 1_461;
        let n1 = (n / 365).min(3);
        n -= n1 * 365;
        let year = (n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1) as i32;
        let mut month = 1;
        while n >= i64::from(days_in_month(year, month)) {
            n -= i64::from(days_in_month(year, month));
            month += 1;
        }
        Date::new(year, month, (n + 1) as u8)
    }

    /// `weekday()`: Monday is 0.
    pub fn weekday(self) -> u8 {
        ((self.ordinal() + 6) % 7) as u8
    }

    pub fn isoformat(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        Date::new(
            digits(&text[0..4])? as i32,
            digits(&text[5..7])? as u8,
            digits(&text[8..10])? as u8,
        )
    }
}

/// A fixed run of ASCII digits.
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl UtcOffset {
    pub fn new(micros: i64) -> Option<UtcOffset> {
        (micros.abs() < MICROS_PER_DAY).then_some(UtcOffset(micros))
    }

    /// `+HH:MM`, with `:SS` and `.ffffff` when they are not zero.
    pub fn isoformat(self) -> String {
        let sign = if self.0 < 0 { '-' } else { '+' };
        let total = self.0.abs();
        let (seconds, micros) = (total / MICROS_PER_SECOND, total % MICROS_PER_SECOND);
        let mut out = format!("{sign}{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
        if seconds % 60 != 0 || micros != 0 {
            out.push_str(&format!(":{:02}", seconds % 60));
        }
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
        out
    }

    fn parse(text: &str) -> Option<UtcOffset> {
        let sign = match text.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (clock, micros) = match text[1..].split_once('.') {
            Some((clock, fraction)) if fraction.len() == 6 => (clock, i64::from(digits(fraction)?)),
            Some(_) => return None,
            None => (&text[1..], 0),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.iter().any(|part| part.len() != 2)
            || !(2..=3).contains(&parts.len())
            || (micros != 0 && parts.len() != 3)
        {
            return None;
        }
        let (hours, minutes) = (i64::from(digits(parts[0])?), i64::from(digits(parts[1])?));
        let seconds = if parts.len() == 3 {
            i64::from(digits(parts[2])?)
        } else {
            0
        };
        // isoformat() writes seconds only when they, or microseconds, are not zero.
        if minutes > 59
            || seconds > 59
            || (parts.len() == 3 && seconds == 0 && micros == 0)
            || (text.contains('.') && micros == 0)
        {
            return None;
        }
        UtcOffset::new(
            sign * (((hours * 60 + minutes) * 60 + seconds) * MICROS_PER_SECOND + micros),
        )
    }

    pub fn as_timedelta(self) -> TimeDelta {
        TimeDelta::from_micros(i128::from(self.0)).unwrap_or(TimeDelta::ZERO)
    }

    /// `repr(tzinfo)` of the `datetime.timezone` that decoding builds.
    pub fn repr(self) -> String {
        if self.0 == 0 {
            "datetime.timezone.utc".to_string()
        } else {
            format!("datetime.timezone({})", self.as_timedelta().repr())
        }
    }
}

impl Time {
    pub fn new(
        hour: u8,
        minute: u8,
        second: u8,
        microsecond: u32,
        offset: Option<UtcOffset>,
    ) -> Option<Time> {
        let valid = hour < 24 && minute < 60 && second < 60 && microsecond < 1_000_000;
        valid.then_some(Time {
            hour,
            minute,
            second,
            microsecond,
            offset,
        })
    }

    /// The wall-clock time of day in microseconds.
    pub fn micros(&self) -> i64 {
        ((i64::from(self.hour) * 60 + i64::from(self.minute)) * 60 + i64::from(self.second))
            * MICROS_PER_SECOND
            + i64::from(self.microsecond)
    }

    fn clock(&self) -> String {
        let mut out = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        if self.microsecond != 0 {
            out.push_str(&format!(".{:06}", self.microsecond));
        }
        out
    }

    pub fn isoformat(&self) -> String {
        let mut out = self.clock();
        if let Some(offset) = self.offset {
            out.push_str(&offset.isoformat());
        }
        out
    }

    /// `HH:MM:SS[.ffffff][±HH:MM[:SS[.ffffff]]]`.
    pub fn parse(text: &str) -> Option<Time> {
        let split = text.find(['+', '-']).unwrap_or(text.len());
        let (clock, offset) = text.split_at(split);
        let offset = if offset.is_empty() {
            None
        } else {
            Some(UtcOffset::parse(offset)?)
        };
        let (hms, micros) = match clock.split_once('.') {
            Some((hms, fraction)) if fraction.len() == 6 => (hms, digits(fraction)?),
            Some(_) => return None,
            None => (clock, 0),
        };
        let bytes = hms.as_bytes();
        if bytes.len() != 8 || bytes[2] != b':' || bytes[5] != b':' {
            return None;
        }
        let part = |range: std::ops::Range<usize>| digits(&hms[range]).map(|n| n as u8);
        let time = Time::new(part(0..2)?, part(3..5)?, part(6..8)?, micros, offset)?;
        // isoformat() never writes `.000000`.
        (micros != 0 || clock.len() == 8).then_some(time)
    }

    pub fn repr(&self) -> String {
        let seconds = if self.microsecond != 0 {
            format!(", {}, {}", self.second, self.microsecond)
        } else if self.second != 0 {
            format!(", {}", self.second)
        } else {
            String::new()
        };
        let tz = self
            .offset
            .map(|offset| format!(", tzinfo={}", offset.repr()))
            .unwrap_or_default();
        format!("datetime.time({}, {}{seconds}{tz})", self.hour, self.minute)
    }
}

impl DateTime {
    /// `isoformat(sep)`, with the zone in brackets as the codec writes it when `zone` is set.
    pub fn isoformat_with(&self, sep: char, zone: bool) -> String {
        let mut out = format!("{}{sep}{}", self.date.isoformat(), self.time.isoformat());
        if let (true, Some(name)) = (zone, &self.zone) {
            out.push('[');
            out.push_str(name);
            out.push(']');
        }
        out
    }

    /// The codec's text: `isoformat()`, then `[Zone/Name]` for an IANA zone.
    pub fn encoded(&self) -> String {
        self.isoformat_with('T', true)
    }

    pub fn parse(text: &str) -> Option<DateTime> {
        let (text, zone) = match text.strip_suffix(']').and_then(|rest| rest.split_once('[')) {
            Some((text, zone)) if is_zone_name(zone) => (text, Some(Arc::from(zone))),
            Some(_) => return None,
            None => (text, None),
        };
        if text.len() < 19 || text.as_bytes()[10] != b'T' {
            return None;
        }
        let date = Date::parse(&text[..10])?;
        let time = Time::parse(&text[11..])?;
        if zone.is_some() && time.offset.is_none() {
            return None;
        }
        Some(DateTime { date, time, zone })
    }

    /// Microseconds since 0001-01-01T00:00 of the wall-clock time.
    pub fn wall_micros(&self) -> i128 {
        i128::from(self.date.ordinal()) * i128::from(MICROS_PER_DAY)
            + i128::from(self.time.micros())
    }

    /// Microseconds since 0001-01-01T00:00 UTC, for an aware datetime.
    pub fn utc_micros(&self) -> Option<i128> {
        self.time
            .offset
            .map(|offset| self.wall_micros() - i128::from(offset.0))
    }

    pub fn repr(&self) -> String {
        let mut fields = vec![
            self.date.year.to_string(),
            self.date.month.to_string(),
            self.date.day.to_string(),
            self.time.hour.to_string(),
            self.time.minute.to_string(),
            self.time.second.to_string(),
            self.time.microsecond.to_string(),
        ];
        for _ in 0..2 {
            if fields.last().is_some_and(|field| field == "0") {
                fields.pop();
            }
        }
        let tz = match (&self.zone, self.time.offset) {
            (Some(zone), _) => format!(", tzinfo=zoneinfo.ZoneInfo(key='{zone}')"),
            (None, Some(offset)) => format!(", tzinfo={}", offset.repr()),
            (None, None) => String::new(),
        };
        format!("datetime.datetime({}{tz})", fields.join(", "))
    }

    /// The same wall time `micros` microseconds later (naive arithmetic).
    pub fn plus_micros(&self, micros: i128) -> Option<DateTime> {
        let total = self.wall_micros() + micros;
        let day = i128::from(MICROS_PER_DAY);
        let date = Date::from_ordinal(i64::try_from(total.div_euclid(day)).ok()?)?;
        let clock = total.rem_euclid(day) as i64;
        let seconds = clock / MICROS_PER_SECOND;
        let time = Time::new(
            (seconds / 3600) as u8,
            (seconds / 60 % 60) as u8,
            (seconds % 60) as u8,
            (clock % MICROS_PER_SECOND) as u32,
            self.time.offset,
        )?;
        Some(DateTime {
            date,
            time,
            zone: self.zone.clone(),
        })
    }
}

/// An IANA zone name as zoneinfo accepts one: relative path parts of letters,
/// digits and `_ + -`.
fn is_zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b))
        })
}

impl TimeDelta {
    pub const ZERO: TimeDelta = TimeDelta {
        days: 0,
        seconds: 0,
        microseconds: 0,
    };

    /// Normalized from microseconds; None beyond ±999999999 days.
    pub fn from_micros(micros: i128) -> Option<TimeDelta> {
        let day = i128::from(MICROS_PER_DAY);
        let days = micros.div_euclid(day);
        if days.abs() > i128::from(MAX_DAYS) {
            return None;
        }
        let rest = micros.rem_euclid(day) as i64;
        Some(TimeDelta {
            days: days as i64,
            seconds: rest / MICROS_PER_SECOND,
            microseconds: rest % MICROS_PER_SECOND,
        })
    }

    pub fn from_parts(days: i64, seconds: i64, microseconds: i64) -> Option<TimeDelta> {
        let normalized = (0..86_400).contains(&seconds)
            && (0..MICROS_PER_SECOND).contains(&microseconds)
            && days.abs() <= MAX_DAYS;
        normalized.then_some(TimeDelta {
            days,
            seconds,
            microseconds,
        })
    }

    pub fn total_micros(self) -> i128 {
        i128::from(self.days) * i128::from(MICROS_PER_DAY)
            + i128::from(self.seconds * MICROS_PER_SECOND + self.microseconds)
    }

    pub fn is_zero(self) -> bool {
        self == TimeDelta::ZERO
    }

    pub fn repr(self) -> String {
        let mut parts = Vec::new();
        if self.days != 0 {
            parts.push(format!("days={}", self.days));
        }
        if self.seconds != 0 {
            parts.push(format!("seconds={}", self.seconds));
        }
        if self.microseconds != 0 {
            parts.push(format!("microseconds={}", self.microseconds));
        }
        if parts.is_empty() {
            parts.push("0".to_string());
        }
        format!("datetime.timedelta({})", parts.join(", "))
    }

    /// `str(td)`: `-1 day, 23:00:00`, `2 days, 0:00:00.000003`.
    pub fn str(self) -> String {
        let mut out = String::new();
        if self.days != 0 {
            let plural = if self.days.abs() != 1 { "s" } else { "" };
            out.push_str(&format!("{} day{plural}, ", self.days));
        }
        out.push_str(&format!(
            "{}:{:02}:{:02}",
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60
        ));
        if self.microseconds != 0 {
            out.push_str(&format!(".{:06}", self.microseconds));
        }
        out
    }
}

/// How two times of day compare: naive ones by wall clock, aware ones by
/// their UTC time; None when one is naive and the other aware.
pub fn cmp_times(a: &Time, b: &Time) -> Option<Ordering> {
    match (a.offset, b.offset) {
        (None, None) => Some(a.micros().cmp(&b.micros())),
        (Some(x), Some(y)) => Some((a.micros() - x.0).cmp(&(b.micros() - y.0))),
        _ => None,
    }
}

/// How two datetimes compare: naive ones by wall clock; aware ones in the
/// same zone by wall clock (Python ignores the tzinfo it shares), others by
/// instant. None when one is naive and the other aware.
pub fn cmp_datetimes(a: &DateTime, b: &DateTime) -> Option<Ordering> {
    match (a.utc_micros(), b.utc_micros()) {
        (None, None) => Some(a.wall_micros().cmp(&b.wall_micros())),
        (Some(_), Some(_)) if a.zone.is_some() && a.zone == b.zone => {
            Some(a.wall_micros().cmp(&b.wall_micros()))
        }
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_texts_round_trip() {
        for text in [
            "2024-02-29T06:30:00",
            "2024-02-28T23:59:59.999999",
            "2024-02-28T23:59:59+00:00",
            "2024-10-27T02:30:00+01:00[Europe/Paris]",
            "0001-01-01T00:00:00-23:59:59.999999",
        ] {
            let parsed = DateTime::parse(text);
            assert_eq!(parsed.map(|dt| dt.encoded()).as_deref(), Some(text));
        }
        for bad in [
            "2024-02-30T00:00:00",
            "2024-02-29 00:00:00",
            "2024-02-29T00:00",
            "2024-02-29T00:00:00.000000",
            "2024-02-29T00:00:00.5",
            "2024-02-29T00:00:00[Europe/Paris]",
            "2024-02-29T00:00:00+24:00",
            "2024-02-29T00:00:00Z",
            "2024-02-29T00:00:00+01:00[../x]",
        ] {
            assert!(DateTime::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            Time::parse("06:30:00.000250")
                .map(|t| t.isoformat())
                .as_deref(),
            Some("06:30:00.000250")
        );
        assert_eq!(
            Date::parse("2024-02-29").map(Date::isoformat).as_deref(),
            Some("2024-02-29")
        );
    }

    #[test]
    fn ordinals_are_pythons() {
        let date = |y, m, d| {
            Date::new(y, m, d).unwrap_or(Date {
                year: 1,
                month: 1,
                day: 1,
            })
        };
        assert_eq!(date(1, 1, 1).ordinal(), 1);
        assert_eq!(date(2024, 2, 29).ordinal(), 738945);
        assert_eq!(date(9999, 12, 31).ordinal(), 3652059);
        for ordinal in [1, 365, 366, 730_120, 738_945, 3_652_059] {
            assert_eq!(
                Date::from_ordinal(ordinal).map(Date::ordinal),
                Some(ordinal)
            );
        }
        assert_eq!(date(2024, 2, 29).weekday(), 3);
    }

    #[test]
    fn reprs_are_pythons() {
        let td = TimeDelta::from_micros(-3_600_000_000).unwrap_or(TimeDelta::ZERO);
        assert_eq!(td.repr(), "datetime.timedelta(days=-1, seconds=82800)");
        assert_eq!(td.str(), "-1 day, 23:00:00");
        assert_eq!(TimeDelta::ZERO.repr(), "datetime.timedelta(0)");
        let dt = DateTime::parse("2024-01-01T00:00:00+01:30").map(|dt| dt.repr());
        assert_eq!(
            dt.as_deref(),
            Some(
                "datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=5400)))"
            )
        );
        let zoned = DateTime::parse("2024-03-31T01:30:05+01:00[Europe/Paris]").map(|dt| dt.repr());
        assert_eq!(
            zoned.as_deref(),
            Some(
                "datetime.datetime(2024, 3, 31, 1, 30, 5, tzinfo=zoneinfo.ZoneInfo(key='Europe/Paris'))"
            )
        );
        assert_eq!(
            Time::parse("01:02:00+00:00").map(|t| t.repr()).as_deref(),
            Some("datetime.time(1, 2, tzinfo=datetime.timezone.utc)")
        );
    }
}
