//! The persisted layout: what a durable runtime stores. `Machine::save`
//! writes the state as compact JSON text straight through serde (no
//! `serde_json::Value` trees) and `Machine::load` reads it back, with the
//! checks `restore` makes.
//!
//! ```text
//! {"regions": [[path, node, ops, vars, wait], ...], "outcome": null | outcome}
//! vars     {"all": pairs} | {"changes": [pairs, [unset names]]}
//! pairs    [[name, value], ...]
//! wait     null | {"call": [id, kwargs pairs, attempt, backing_off]}
//!               | {"sleep": [id, seconds]}
//!               | {"parallel": [id, items | null, started, [outcome | null, ...]]}
//! outcome  {"result": value} | {"error": exception}
//! ```
//!
//! `node` is the node's index; values are in the codec's encoding. A
//! branch's variables are written as changes to those of the region that
//! forked it where that gives them back in the same order (as
//! `Layout::Shared` writes them), so a 1,000-way fan-out over a list holds
//! the list once.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, SerializeSeq, SerializeStruct, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as Json;

use super::command::Finish;
use super::ids::{branch_of, region_of};
use super::machine::{Call, Machine, Parallel, Program, Region, Wait};
use super::snapshot::{Layout, RegionParts, RestoreError, Vars, branch_changes};
use crate::eval::Env;
use crate::value::class::Classes;
use crate::value::codec::{self, CodecError, SAFE_INT};
use crate::value::{Int, Value};

/// How deep `save` writes lists itself before it leaves a value to the
/// codec (which refuses one that contains itself).
const MAX_LIST_DEPTH: usize = 480;

impl<'p> Machine<'p> {
    /// The state as compact JSON text (the module docs); `load` reads it
    /// back. Fails only when a value has no encoding (a lambda in a
    /// variable), with the error `snapshot` gives.
    pub fn save(&self) -> Result<String, CodecError> {
        match serde_json::to_string(&SavedMachine(self)) {
            Ok(text) => Ok(text),
            // The fast writer does not track where a value failed: the
            // codec says it.
            Err(error) => Err(match self.snapshot_in(Layout::Shared) {
                Err(precise) => precise,
                Ok(_) => CodecError::Encode {
                    reason: error.to_string(),
                    path: Vec::new(),
                },
            }),
        }
    }

    /// The machine `save` wrote, its values read into the program's classes.
    pub fn load(program: &'p Program, text: &str) -> Result<Machine<'p>, RestoreError> {
        let classes = program.evaluator().resolver();
        let mut reader = serde_json::Deserializer::from_str(text);
        let (parts, outcome) = SavedSeed { classes }
            .deserialize(&mut reader)
            .and_then(|read| reader.end().map(|()| read))
            .map_err(|error| RestoreError::Invalid {
                where_: "the saved state".to_string(),
                problem: error.to_string(),
            })?;
        Machine::assemble(program, parts, outcome)
    }
}

// ------------------------------------------------------------------ writing

struct SavedMachine<'m, 'p>(&'m Machine<'p>);

impl Serialize for SavedMachine<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let machine = self.0;
        let mut saved = serializer.serialize_struct("Saved", 2)?;
        saved.serialize_field("regions", &SavedRegions(machine))?;
        saved.serialize_field("outcome", &machine.outcome.as_ref().map(SavedOutcome))?;
        saved.end()
    }
}

struct SavedRegions<'m, 'p>(&'m Machine<'p>);

impl Serialize for SavedRegions<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let machine = self.0;
        serializer.collect_seq(machine.regions.values().map(|region| {
            SavedRegion {
                region,
                base: (!region.path.is_empty())
                    .then(|| machine.regions.get(region_of(branch_of(&region.path).0)))
                    .flatten()
                    .map(|parent| &parent.env),
            }
        }))
    }
}

struct SavedRegion<'m> {
    region: &'m Region,
    /// The variables of the region that forked this one.
    base: Option<&'m Env>,
}

impl Serialize for SavedRegion<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let region = self.region;
        let mut tuple = serializer.serialize_tuple(5)?;
        tuple.serialize_element(&region.path)?;
        tuple.serialize_element(&region.node)?;
        tuple.serialize_element(&region.ops)?;
        match self.base.and_then(|base| branch_changes(base, &region.env)) {
            Some((set, unset)) => tuple.serialize_element(&SavedChanges(&set, &unset))?,
            None => tuple.serialize_element(&SavedAll(&region.env))?,
        }
        tuple.serialize_element(&region.wait.as_ref().map(SavedWait))?;
        tuple.end()
    }
}

struct SavedAll<'m>(&'m Env);

impl Serialize for SavedAll<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_variant("Vars", 0, "all", &SavedPairs(self.0))
    }
}

struct SavedChanges<'m>(&'m [(&'m String, &'m Value)], &'m [&'m str]);

impl Serialize for SavedChanges<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let set = SavedSet(self.0);
        serializer.serialize_newtype_variant("Vars", 1, "changes", &(set, self.1))
    }
}

struct SavedSet<'m>(&'m [(&'m String, &'m Value)]);

impl Serialize for SavedSet<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .map(|(name, value)| (name, SavedValue(value, 0))),
        )
    }
}

struct SavedPairs<'m>(&'m Env);

impl Serialize for SavedPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .map(|(name, value)| (name, SavedValue(value, 0))),
        )
    }
}

struct SavedWait<'m>(&'m Wait);

impl Serialize for SavedWait<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Wait::Call(call) => serializer.serialize_newtype_variant(
                "Wait",
                0,
                "call",
                &(
                    &call.id,
                    SavedPairs(&call.kwargs),
                    call.attempt,
                    call.backing_off,
                ),
            ),
            Wait::Timer { id, seconds } => serializer.serialize_newtype_variant(
                "Wait",
                1,
                "sleep",
                &(id, SavedValue(&Value::Float(*seconds), 0)),
            ),
            Wait::Parallel(parallel) => serializer.serialize_newtype_variant(
                "Wait",
                2,
                "parallel",
                &(
                    &parallel.id,
                    parallel.items.as_ref().map(|items| SavedItems(items)),
                    parallel.started,
                    SavedOutcomes(&parallel.outcomes),
                ),
            ),
        }
    }
}

struct SavedItems<'m>(&'m [Value]);

impl Serialize for SavedItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|item| SavedValue(item, 1)))
    }
}

struct SavedOutcomes<'m>(&'m [Option<Finish>]);

impl Serialize for SavedOutcomes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .map(|outcome| outcome.as_ref().map(SavedOutcome)),
        )
    }
}

struct SavedOutcome<'m>(&'m Finish);

impl Serialize for SavedOutcome<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Finish::Result(value) => {
                serializer.serialize_newtype_variant("Outcome", 0, "result", &SavedValue(value, 0))
            }
            Finish::Error(error) => serializer.serialize_newtype_variant(
                "Outcome",
                1,
                "error",
                &SavedValue(&Value::Exception(error.clone()), 0),
            ),
        }
    }
}

/// A value in the codec's encoding, at a depth: the common values written
/// directly, the others through `codec::encode`.
struct SavedValue<'m>(&'m Value, usize);

impl Serialize for SavedValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let SavedValue(value, depth) = *self;
        match value {
            Value::None => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(Int::Small(n)) if n.unsigned_abs() <= SAFE_INT as u64 => {
                serializer.serialize_i64(*n)
            }
            Value::Str(text) if !text.contains('\0') => serializer.serialize_str(text),
            Value::List(items) if depth < MAX_LIST_DEPTH => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&SavedValue(item, depth + 1))?;
                }
                seq.end()
            }
            _ => codec::encode(value)
                .map_err(|error| ser::Error::custom(error.to_string()))?
                .serialize(serializer),
        }
    }
}

// ------------------------------------------------------------------ reading

/// A JSON array's next element, which must be there.
fn element<'de, A: SeqAccess<'de>, T: DeserializeSeed<'de>>(
    seq: &mut A,
    seed: T,
    index: usize,
    expected: &str,
) -> Result<T::Value, A::Error> {
    seq.next_element_seed(seed)?
        .ok_or_else(|| de::Error::invalid_length(index, &expected))
}

/// The end of a JSON array that must hold `len` elements.
fn no_more<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    len: usize,
    expected: &str,
) -> Result<(), A::Error> {
    match seq.next_element::<IgnoredAny>()? {
        None => Ok(()),
        Some(_) => Err(de::Error::invalid_length(len + 1, &expected)),
    }
}

/// The end of a one-member object.
fn no_more_members<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    match map.next_key::<IgnoredAny>()? {
        None => Ok(()),
        Some(_) => Err(de::Error::custom("expected an object with one member")),
    }
}

/// A `T` read with serde's own impl, as a seed.
struct Plain<T>(std::marker::PhantomData<T>);

fn plain<T>() -> Plain<T> {
    Plain(std::marker::PhantomData)
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Plain<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

#[derive(Clone, Copy)]
struct SavedSeed<'c> {
    classes: &'c dyn Classes,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum SavedField {
    Regions,
    Outcome,
}

impl<'de> DeserializeSeed<'de> for SavedSeed<'_> {
    type Value = (Vec<RegionParts>, Option<Finish>);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SavedSeed<'_> {
    type Value = (Vec<RegionParts>, Option<Finish>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a saved machine, {\"regions\": [...], \"outcome\": ...}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut regions, mut outcome) = (None, None);
        while let Some(field) = map.next_key::<SavedField>()? {
            match field {
                SavedField::Regions if regions.is_none() => {
                    regions = Some(map.next_value_seed(SeqOf(RegionSeed(self)))?);
                }
                SavedField::Outcome if outcome.is_none() => {
                    outcome = Some(map.next_value_seed(Nullable(OutcomeSeed(self)))?);
                }
                _ => return Err(de::Error::custom("a member twice")),
            }
        }
        let regions = regions.ok_or_else(|| de::Error::missing_field("regions"))?;
        let outcome = outcome.ok_or_else(|| de::Error::missing_field("outcome"))?;
        Ok((regions, outcome))
    }
}

/// A JSON array of what `T` reads.
#[derive(Clone, Copy)]
struct SeqOf<T>(T);

impl<'de, T: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for SeqOf<T> {
    type Value = Vec<T::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeSeed<'de> + Copy> Visitor<'de> for SeqOf<T> {
    type Value = Vec<T::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut read = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self.0)? {
            read.push(item);
        }
        Ok(read)
    }
}

/// Null, or what `T` reads.
#[derive(Clone, Copy)]
struct Nullable<T>(T);

impl<'de, T: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for Nullable<T> {
    type Value = Option<T::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: DeserializeSeed<'de> + Copy> Visitor<'de> for Nullable<T> {
    type Value = Option<T::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("null or a value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

#[derive(Clone, Copy)]
struct RegionSeed<'c>(SavedSeed<'c>);

const REGION: &str = "a region, [path, node, ops, vars, wait]";

impl<'de> DeserializeSeed<'de> for RegionSeed<'_> {
    type Value = RegionParts;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RegionParts, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RegionSeed<'_> {
    type Value = RegionParts;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(REGION)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RegionParts, A::Error> {
        let path = element(&mut seq, plain::<String>(), 0, REGION)?;
        let node = element(&mut seq, plain(), 1, REGION)?;
        let ops = element(&mut seq, plain(), 2, REGION)?;
        let vars = element(&mut seq, VarsSeed(self.0), 3, REGION)?;
        let wait = element(&mut seq, Nullable(WaitSeed(self.0)), 4, REGION)?;
        no_more(&mut seq, 5, REGION)?;
        Ok(RegionParts {
            path,
            node,
            ops,
            vars,
            wait,
        })
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum VarsTag {
    All,
    Changes,
}

#[derive(Clone, Copy)]
struct VarsSeed<'c>(SavedSeed<'c>);

impl<'de> DeserializeSeed<'de> for VarsSeed<'_> {
    type Value = Vars;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vars, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for VarsSeed<'_> {
    type Value = Vars;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variables, {\"all\": pairs} or {\"changes\": [pairs, [names]]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vars, A::Error> {
        let Some(tag) = map.next_key::<VarsTag>()? else {
            return Err(de::Error::custom(
                "expected {\"all\": ...} or {\"changes\": ...}",
            ));
        };
        let vars = match tag {
            VarsTag::All => Vars::All(
                map.next_value_seed(SeqOf(PairSeed(self.0)))?
                    .into_iter()
                    .collect(),
            ),
            VarsTag::Changes => map.next_value_seed(ChangesSeed(self.0))?,
        };
        no_more_members(&mut map)?;
        Ok(vars)
    }
}

#[derive(Clone, Copy)]
struct ChangesSeed<'c>(SavedSeed<'c>);

const CHANGES: &str = "a branch's changes, [[[name, value], ...], [unset names]]";

impl<'de> DeserializeSeed<'de> for ChangesSeed<'_> {
    type Value = Vars;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vars, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChangesSeed<'_> {
    type Value = Vars;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(CHANGES)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vars, A::Error> {
        let set = element(&mut seq, SeqOf(PairSeed(self.0)), 0, CHANGES)?;
        let unset = element(&mut seq, plain::<Vec<String>>(), 1, CHANGES)?;
        no_more(&mut seq, 2, CHANGES)?;
        Ok(Vars::Changes { set, unset })
    }
}

/// `[name, value]`.
#[derive(Clone, Copy)]
struct PairSeed<'c>(SavedSeed<'c>);

const PAIR: &str = "a variable, [name, value]";

impl<'de> DeserializeSeed<'de> for PairSeed<'_> {
    type Value = (String, Value);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PairSeed<'_> {
    type Value = (String, Value);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(PAIR)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let name = element(&mut seq, plain::<String>(), 0, PAIR)?;
        let value = element(&mut seq, ValueSeed(self.0), 1, PAIR)?;
        no_more(&mut seq, 2, PAIR)?;
        Ok((name, value))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum WaitTag {
    Call,
    Sleep,
    Parallel,
}

#[derive(Clone, Copy)]
struct WaitSeed<'c>(SavedSeed<'c>);

impl<'de> DeserializeSeed<'de> for WaitSeed<'_> {
    type Value = Wait;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Wait, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WaitSeed<'_> {
    type Value = Wait;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a wait, {\"call\": ...}, {\"sleep\": ...} or {\"parallel\": ...}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wait, A::Error> {
        let Some(tag) = map.next_key::<WaitTag>()? else {
            return Err(de::Error::custom("expected a wait"));
        };
        let wait = map.next_value_seed(WaitBody(self.0, tag))?;
        no_more_members(&mut map)?;
        Ok(wait)
    }
}

struct WaitBody<'c>(SavedSeed<'c>, WaitTag);

const CALL: &str = "a call, [id, kwargs, attempt, backing_off]";
const SLEEP: &str = "a sleep, [id, seconds]";
const PARALLEL: &str = "a parallel block, [id, items, started, outcomes]";

impl<'de> DeserializeSeed<'de> for WaitBody<'_> {
    type Value = Wait;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Wait, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for WaitBody<'_> {
    type Value = Wait;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self.1 {
            WaitTag::Call => CALL,
            WaitTag::Sleep => SLEEP,
            WaitTag::Parallel => PARALLEL,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Wait, A::Error> {
        let saved = self.0;
        Ok(match self.1 {
            WaitTag::Call => {
                let id = element(&mut seq, plain::<String>(), 0, CALL)?;
                let kwargs: Env = element(&mut seq, SeqOf(PairSeed(saved)), 1, CALL)?
                    .into_iter()
                    .collect();
                let attempt = element(&mut seq, plain(), 2, CALL)?;
                let backing_off = element(&mut seq, plain(), 3, CALL)?;
                no_more(&mut seq, 4, CALL)?;
                Wait::Call(Call {
                    id,
                    kwargs: Arc::new(kwargs),
                    attempt,
                    backing_off,
                })
            }
            WaitTag::Sleep => {
                let id = element(&mut seq, plain::<String>(), 0, SLEEP)?;
                let Value::Float(seconds) = element(&mut seq, ValueSeed(saved), 1, SLEEP)? else {
                    return Err(de::Error::custom("a sleep's seconds are a float"));
                };
                no_more(&mut seq, 2, SLEEP)?;
                Wait::Timer { id, seconds }
            }
            WaitTag::Parallel => {
                let id = element(&mut seq, plain::<String>(), 0, PARALLEL)?;
                let items = element(&mut seq, Nullable(SeqOf(ValueSeed(saved))), 1, PARALLEL)?;
                let started = element(&mut seq, plain(), 2, PARALLEL)?;
                let outcomes = element(&mut seq, SeqOf(Nullable(OutcomeSeed(saved))), 3, PARALLEL)?;
                no_more(&mut seq, 4, PARALLEL)?;
                Wait::Parallel(Parallel::new(id, items, started, outcomes))
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum OutcomeTag {
    Result,
    Error,
}

#[derive(Clone, Copy)]
struct OutcomeSeed<'c>(SavedSeed<'c>);

impl<'de> DeserializeSeed<'de> for OutcomeSeed<'_> {
    type Value = Finish;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Finish, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OutcomeSeed<'_> {
    type Value = Finish;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an outcome, {\"result\": value} or {\"error\": exception}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Finish, A::Error> {
        let Some(tag) = map.next_key::<OutcomeTag>()? else {
            return Err(de::Error::custom("expected an outcome"));
        };
        let value = map.next_value_seed(ValueSeed(self.0))?;
        no_more_members(&mut map)?;
        match (tag, value) {
            (OutcomeTag::Result, value) => Ok(Finish::Result(value)),
            (OutcomeTag::Error, Value::Exception(error)) => Ok(Finish::Error(error)),
            (OutcomeTag::Error, _) => Err(de::Error::custom("an error outcome holds an exception")),
        }
    }
}

/// A value in the codec's encoding: the common ones read directly, the
/// tagged ones (objects) through `codec::decode`.
#[derive(Clone, Copy)]
struct ValueSeed<'c>(SavedSeed<'c>);

impl ValueSeed<'_> {
    fn decoded<E: de::Error>(self, data: &Json) -> Result<Value, E> {
        codec::decode(data, self.0.classes).map_err(|error| E::custom(error.to_string()))
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value in the codec's encoding")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::None)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.decoded(&Json::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.decoded(&Json::from(n))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        match serde_json::Number::from_f64(x) {
            Some(number) => self.decoded(&Json::Number(number)),
            None => Err(E::custom("a JSON number out of range")),
        }
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::str(text))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        SeqOf(self).visit_seq(seq).map(Value::list)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let data = Json::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.decoded(&data)
    }
}
