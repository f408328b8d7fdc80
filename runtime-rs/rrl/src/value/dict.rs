//! Dicts in insertion order and sets, keyed by Python's equality:
//! `1`, `1.0` and `True` are one key.

use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use indexmap::{IndexMap, IndexSet};

use super::compare::{check_hashable, eq, hash_into};
use super::{Outcome, Value};

/// A hashable value, usable as a dict key or a set item.
#[derive(Clone, Debug)]
pub struct Key(Value);

impl Key {
    /// The value as a key, or Python's `TypeError: unhashable type: 'list'`.
    pub fn new(value: Value) -> Outcome<Key> {
        check_hashable(&value)?;
        Ok(Key(value))
    }

    pub fn value(&self) -> &Value {
        &self.0
    }

    pub fn into_value(self) -> Value {
        self.0
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        eq(&self.0, &other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_into(&self.0, state);
    }
}

/// A fixed hasher: iteration follows insertion order, and nothing depends on a seed.
type Fixed = BuildHasherDefault<DefaultHasher>;

#[derive(Clone, Debug, Default)]
pub struct Dict {
    entries: IndexMap<Key, Value, Fixed>,
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `d[key] = value`: a new key goes last, an existing one keeps its place
    /// (and its original key object, `1` staying `1` when `1.0` is stored).
    pub fn insert(&mut self, key: Key, value: Value) {
        self.entries.insert(key, value);
    }

    /// `d[key] = value` for any value: TypeError for an unhashable key.
    pub fn set(&mut self, key: Value, value: Value) -> Outcome<()> {
        self.insert(Key::new(key)?, value);
        Ok(())
    }

    /// The value under `key`: TypeError for an unhashable key, None when absent.
    pub fn get(&self, key: &Value) -> Outcome<Option<&Value>> {
        check_hashable(key)?;
        Ok(self.get_key(&Key(key.clone())))
    }

    pub fn get_key(&self, key: &Key) -> Option<&Value> {
        self.entries.get(key)
    }

    pub fn contains_key(&self, key: &Key) -> bool {
        self.entries.contains_key(key)
    }

    /// Remove `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        self.entries.shift_remove(key)
    }

    /// Remove and return the last entry (`popitem()`).
    pub fn pop_last(&mut self) -> Option<(Key, Value)> {
        self.entries.pop()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.entries.iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.entries.keys().map(Key::value)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.values()
    }
}

impl FromIterator<(Key, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (Key, Value)>>(iter: I) -> Dict {
        let mut dict = Dict::new();
        for (key, value) in iter {
            dict.insert(key, value);
        }
        dict
    }
}

/// A set's items in insertion order. Python iterates a set in the order of
/// its hash table; RRL keeps the order the items came in (for a decoded set,
/// the codec's order: sorted by canonical text).
#[derive(Clone, Debug, Default)]
pub struct Set {
    items: IndexSet<Key, Fixed>,
}

impl Set {
    pub fn new() -> Set {
        Set::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Add an item; false when an equal one was there already.
    pub fn insert(&mut self, key: Key) -> bool {
        self.items.insert(key)
    }

    pub fn contains_key(&self, key: &Key) -> bool {
        self.items.contains(key)
    }

    /// Remove an item; false when it was not there.
    pub fn remove(&mut self, key: &Key) -> bool {
        self.items.shift_remove(key)
    }

    /// `value in s`: TypeError for an unhashable value.
    pub fn contains(&self, value: &Value) -> Outcome<bool> {
        check_hashable(value)?;
        Ok(self.items.contains(&Key(value.clone())))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.items.iter()
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.items.iter().map(Key::value)
    }
}

impl FromIterator<Key> for Set {
    fn from_iter<I: IntoIterator<Item = Key>>(iter: I) -> Set {
        Set {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_one_point_zero_and_true_are_one_key() -> Outcome<()> {
        let mut dict = Dict::new();
        dict.set(Value::int(1), Value::str("int"))?;
        dict.set(Value::Float(1.0), Value::str("float"))?;
        dict.set(Value::Bool(true), Value::str("bool"))?;
        dict.set(Value::int(2), Value::None)?;
        assert_eq!(dict.len(), 2);
        let (key, value) = dict
            .iter()
            .next()
            .map(|(k, v)| (k.value().clone(), v.clone()))
            .unwrap_or((Value::None, Value::None));
        assert!(matches!(key, Value::Int(_)));
        assert!(matches!(value, Value::Str(ref s) if &**s == "bool"));
        assert!(dict.get(&Value::list(vec![])).is_err());
        Ok(())
    }

    #[test]
    fn a_nan_is_never_the_key_of_another_nan() -> Outcome<()> {
        // Python's answer for NaNs that arrive apart (distinct objects).
        let nan = Value::Float(f64::NAN);
        let mut set = Set::new();
        assert!(set.insert(Key::new(nan.clone())?));
        assert!(set.insert(Key::new(nan.clone())?));
        assert_eq!(set.len(), 2);
        assert!(!set.contains(&nan)?);
        let mut dict = Dict::new();
        dict.set(nan.clone(), Value::int(1))?;
        dict.set(nan.clone(), Value::int(2))?;
        assert_eq!(dict.len(), 2);
        assert!(dict.get(&nan)?.is_none());
        Ok(())
    }
}
