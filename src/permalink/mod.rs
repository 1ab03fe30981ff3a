//! Links to an exact state: the parameters that differ from a base (a preset), the seed and
//! the simulated time, as query-string pairs. Decoding never fails: what it cannot use it
//! ignores or clamps, and says so in a [`Notice`] the page shows.
//!
//! Keys are JSON-pointer-like paths into the params (`cursor/batchSize`), so real parameter
//! names that contain dots (`max.poll.records`) stay intact. Arrays (the Node stages, the Kafka
//! groups, SQS's `FunctionResponseTypes`) and an optional setting the base lacks (a spike) travel
//! whole, as JSON. The params are walked as a [`Json`] tree built from per-struct field tables
//! ([`fields`]), so the page needs no serde.

mod fields;
mod json;

use crate::decimal::Decimal;
use crate::engine::kafka::{self, KafkaParams};
use crate::engine::node::{self, NodeParams};
use crate::engine::range::{clamp_all, Range};
use crate::engine::sqs::{self, SqsParams};
use crate::engine::Millis;
use crate::scenario::MAX_SIM_MS;
pub use fields::{Link, Record};
use std::collections::BTreeSet;
use fields::Refusal;
use json::Json;

/// The link format's version, carried as `v`.
pub const LINK_VERSION: u64 = 1;

/// Something in a link that was not used as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    UnknownKey(String),
    WrongType { key: String, expected: &'static str },
    Clamped { key: String, from: String, to: u64 },
    /// A count written as a fraction or with an exponent (`2.5`, `1e3`), read as the nearest.
    Rounded { key: String, from: String, to: u64 },
    /// The key came more than once; the last value counts.
    Repeated(String),
    /// The value fits its field but breaks a rule (a range of an optional setting, a Timeout
    /// above the VisibilityTimeout): the key is left out, the rest of the link still applies.
    Refused { key: String, reason: String },
    UnsupportedVersion(String),
}

impl Notice {
    /// The link key the notice is about, if it is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Notice::UnknownKey(key)
            | Notice::WrongType { key, .. }
            | Notice::Clamped { key, .. }
            | Notice::Rounded { key, .. }
            | Notice::Refused { key, .. }
            | Notice::Repeated(key) => Some(key),
            Notice::UnsupportedVersion(_) => None,
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::UnknownKey(key) => write!(f, "ignored unknown key “{key}”"),
            Notice::WrongType { key, expected } => write!(f, "ignored “{key}”: expected {expected}"),
            Notice::Clamped { key, from, to } => write!(f, "“{key}” = {from} is out of range; used {to}"),
            Notice::Refused { key, reason } => write!(f, "ignored “{key}”: {reason}"),
            Notice::Rounded { key, from, to } => write!(f, "“{key}” = {from} is not a whole number as written; used {to}"),
            Notice::Repeated(key) => write!(f, "“{key}” is given more than once; used the last"),
            Notice::UnsupportedVersion(v) => write!(f, "link version {v} is not {LINK_VERSION}; read it as best we could"),
        }
    }
}

/// Parameters a link can carry: a tree of fields, with a way to pull values into range.
pub trait LinkParams: Record + Clone {
    /// Brings every ranged value inside its range; returns (key, value given, value used).
    fn clamp(&mut self) -> Vec<(String, u64, u64)>;
    /// Rules beyond ranges (e.g. which stage may follow which).
    fn check(&self) -> Result<(), String>;

    /// The params clamped into their ranges, if they then pass [`LinkParams::check`].
    fn checked(mut self) -> Result<Self, String> {
        self.clamp();
        self.check().map(|()| self)
    }
}

/// Clamps with a system's range table, naming each change by its link key.
fn clamp_with<P: Record>(ranges: &[Range<P>], params: &mut P) -> Vec<(String, u64, u64)> {
    let tree = params.to_json();
    clamp_all(ranges, params).into_iter().map(|(field, from, to)| (link_key(&tree, field), from, to)).collect()
}

/// A range's dotted field as a link key. Real names can hold dots (`retention.ms`), so each
/// level takes the longest run of parts that is a key in the params' JSON.
fn link_key(tree: &Json, field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    let (mut node, mut at, mut keys) = (tree, 0, Vec::new());
    while at < parts.len() {
        let found = (at + 1..=parts.len()).rev().find_map(|end| {
            let key = parts[at..end].join(".");
            node.get(&key).map(|child| (key, child, end))
        });
        match found {
            Some((key, child, end)) => {
                keys.push(key);
                node = child;
                at = end;
            }
            None => return field.replace('.', "/"),
        }
    }
    keys.join("/")
}

impl LinkParams for NodeParams {
    fn clamp(&mut self) -> Vec<(String, u64, u64)> {
        clamp_with(node::RANGES, self)
    }

    fn check(&self) -> Result<(), String> {
        node::validate(self).map_err(|e| e.to_string())
    }
}

impl LinkParams for KafkaParams {
    fn clamp(&mut self) -> Vec<(String, u64, u64)> {
        let mut changed = clamp_with(kafka::RANGES, self);
        for (index, group) in self.groups.iter_mut().enumerate() {
            for (field, from, to) in clamp_with(kafka::GROUP_RANGES, group) {
                changed.push((format!("groups/{index}/{field}"), from, to));
            }
        }
        changed
    }

    fn check(&self) -> Result<(), String> {
        kafka::validate(self).map_err(|e| e.to_string())
    }
}

impl LinkParams for SqsParams {
    fn clamp(&mut self) -> Vec<(String, u64, u64)> {
        clamp_with(sqs::RANGES, self)
    }

    fn check(&self) -> Result<(), String> {
        sqs::validate(self).map_err(|e| e.to_string())
    }
}

/// What a link says.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<P> {
    pub params: P,
    pub seed: Option<u64>,
    pub at_ms: Option<Millis>,
    pub notices: Vec<Notice>,
}

/// Reads `pairs` over `base`. The link format's own keys are `v`, `seed` and `t`; `caller_keys`
/// are those the page reads itself (widget, preset, …). Never fails: every departure from the
/// link is a notice.
pub fn decode<P: LinkParams>(pairs: &[(String, String)], base: &P, caller_keys: &[&str]) -> Decoded<P> {
    let mut notices = Vec::new();
    let mut seed = None;
    let mut at_ms = None;
    let mut tree = base.to_json();
    // The params' keys that were taken, in the link's order, for `keep_what_passes`.
    let mut applied = Vec::new();
    let (mut seen, mut repeated) = (BTreeSet::new(), BTreeSet::new());
    for (key, raw) in pairs {
        if !seen.insert(key.as_str()) && repeated.insert(key.as_str()) {
            notices.push(Notice::Repeated(key.clone()));
        }
        match key.as_str() {
            "v" if raw.trim() != LINK_VERSION.to_string() => notices.push(Notice::UnsupportedVersion(raw.clone())),
            "v" => {}
            "seed" => match raw.trim().parse::<u64>() {
                Ok(value) => seed = Some(value),
                Err(_) => notices.push(Notice::WrongType { key: key.clone(), expected: "a whole number" }),
            },
            "t" => match raw.trim().parse::<u64>() {
                Ok(value) if value <= MAX_SIM_MS => at_ms = Some(value),
                Ok(value) => {
                    notices.push(Notice::Clamped { key: key.clone(), from: value.to_string(), to: MAX_SIM_MS });
                    at_ms = Some(MAX_SIM_MS);
                }
                Err(_) => notices.push(Notice::WrongType { key: key.clone(), expected: "milliseconds" }),
            },
            _ if caller_keys.contains(&key.as_str()) => {}
            _ => {
                // Each key is tried on its own, so one bad value costs only itself.
                let mut candidate = tree.clone();
                let mut key_notices = Vec::new();
                set_path(&mut candidate, key, raw, &mut key_notices);
                match P::from_json(&candidate) {
                    Ok(_) => {
                        tree = candidate;
                        notices.append(&mut key_notices);
                        applied.push((key.as_str(), raw.as_str()));
                    }
                    Err(refusal) => notices.push(Notice::WrongType { key: key.clone(), expected: expected_from(refusal) }),
                }
            }
        }
    }
    let mut params = P::from_json(&tree).unwrap_or_else(|_| base.clone());
    if params.clone().checked().is_err() {
        tree = keep_what_passes(base, &applied, &mut notices);
        params = P::from_json(&tree).unwrap_or_else(|_| base.clone());
    }
    for (key, from, to) in params.clamp() {
        // A value already adjusted (a negative count) keeps what the link said.
        match notices.iter_mut().find(|n| matches!(n, Notice::Clamped { key: k, .. } | Notice::Rounded { key: k, .. } if *k == key)) {
            Some(Notice::Clamped { to: earlier, .. } | Notice::Rounded { to: earlier, .. }) => *earlier = to,
            _ => notices.push(Notice::Clamped { key, from: from.to_string(), to }),
        }
    }
    Decoded { params, seed, at_ms, notices }
}

/// When the link's values together break a rule, keeps as many as pass: each key in turn over the
/// base, kept if the params (clamped) still pass, and again while a key left out passes after
/// later ones (a VisibilityTimeout raised after the Timeout it must exceed). Each key left out
/// gets a [`Notice::Refused`] in place of what was said about it.
fn keep_what_passes<P: LinkParams>(base: &P, applied: &[(&str, &str)], notices: &mut Vec<Notice>) -> Json {
    let mut tree = base.to_json();
    let mut pending: Vec<(&str, &str, String)> = applied.iter().map(|&(key, raw)| (key, raw, String::new())).collect();
    loop {
        let before = pending.len();
        pending.retain_mut(|(key, raw, reason)| {
            let mut candidate = tree.clone();
            set_path(&mut candidate, key, raw, &mut Vec::new());
            match P::from_json(&candidate).map_err(|_| "it does not fit the link's other values".to_string()).and_then(P::checked) {
                Ok(_) => {
                    tree = candidate;
                    false
                }
                Err(why) => {
                    *reason = why;
                    true
                }
            }
        });
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    for (key, _, reason) in pending {
        notices.retain(|notice| notice.key() != Some(key));
        notices.push(Notice::Refused { key: key.to_string(), reason });
    }
    tree
}

/// Writes `raw` at `path` if the base has a value of the same kind there.
fn set_path(tree: &mut Json, path: &str, raw: &str, notices: &mut Vec<Notice>) {
    let Some(slot) = path.split('/').try_fold(&mut *tree, |node, part| match node {
        Json::Object(_) => node.get_mut(part),
        Json::List(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    }) else {
        notices.push(Notice::UnknownKey(path.to_string()));
        return;
    };
    // Names and text are taken as written; the typed check in `decode` refuses unknown names.
    if let Json::Text(_) = slot {
        *slot = Json::Text(raw.to_string());
        return;
    }
    let parsed = json::parse(raw).ok();
    let fits = |value: &Json| match (&*slot, value) {
        (Json::Count(_), Json::Count(_)) | (Json::Bool(_), Json::Bool(_)) | (Json::List(_), Json::List(_)) => true,
        // A nullable value (`containerLimitMb`, `highWaterMark`) takes null or a whole number.
        (Json::Null, Json::Count(_)) => true,
        // An optional setting the base has (`maxEvents`, an outage) is turned off with null, and
        // one it lacks (a spike) is set whole; the typed check in `decode` refuses what cannot be null.
        (_, Json::Null) | (Json::Null, Json::Object(_)) => true,
        _ => false,
    };
    match parsed {
        Some(value) if fits(&value) => *slot = value,
        // A negative or fractional number where a count belongs: the nearest count.
        Some(Json::Number(number)) if matches!(slot, Json::Count(_) | Json::Null) => {
            let decimal = Decimal::parse(&number);
            let to = decimal.as_ref().map_or(0, Decimal::nearest_count);
            let (key, from) = (path.to_string(), raw.to_string());
            let written_otherwise = number.contains(['.', 'e', 'E']) && !decimal.is_some_and(|d| d.negative);
            notices.push(if written_otherwise { Notice::Rounded { key, from, to } } else { Notice::Clamped { key, from, to } });
            *slot = Json::Count(to);
        }
        // A whole object over one the base has: its fields travel one by one.
        Some(Json::Object(_)) if matches!(slot, Json::Object(_)) => {
            notices.push(Notice::WrongType { key: path.to_string(), expected: "its fields one at a time (“key/field=value”), not a whole object" })
        }
        _ => notices.push(Notice::WrongType { key: path.to_string(), expected: kind_of(slot) }),
    }
}

/// What the params wanted, kept short for the notice.
fn expected_from(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::UnknownChoice => "one of the listed choices",
        Refusal::WrongShape => "a value of the right kind",
    }
}

/// Query keys the page reads itself, beside the link format's own.
/// `panic` is the containment drill (`ui::crash`).
pub const PAGE_KEYS: &[&str] = &["w", "preset", "embed", "panic"];

/// A widget's state as a link describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened<P> {
    /// The preset the link builds on (a known one: an unknown name falls back to the default).
    pub base_preset: String,
    pub params: P,
    pub seed: u64,
    pub at_ms: Option<Millis>,
    /// Everything the link got wrong, in one sentence for the page; `None` if nothing.
    pub notice: Option<String>,
}

/// Opens `pairs` for a widget whose presets `preset` looks up, falling back to `default_preset`.
pub fn open<P: LinkParams>(
    pairs: &[(String, String)],
    preset: impl Fn(&str) -> Option<(P, u64)>,
    default_preset: &str,
) -> Opened<P> {
    let named = pairs.iter().rev().find(|(k, _)| k == "preset").map(|(_, v)| v.as_str());
    let mut notes = Vec::new();
    let base_preset = match named {
        Some(name) if preset(name).is_some() => name,
        Some(name) => {
            notes.push(match crate::scenario::preset(name) {
                Some(_) => format!("ignored preset “{name}”, which belongs to another widget"),
                None => format!("ignored unknown preset “{name}”"),
            });
            default_preset
        }
        None => default_preset,
    };
    let (base, preset_seed) = preset(base_preset).expect("the default preset exists");
    let decoded = decode(pairs, &base, PAGE_KEYS);
    notes.extend(decoded.notices.iter().map(ToString::to_string));
    // A junk query of thousands of keys gets a readable notice, not thousands of lines.
    if notes.len() > MAX_NOTES {
        let more = notes.len() - MAX_NOTES;
        notes.truncate(MAX_NOTES);
        notes.push(format!("and {more} more"));
    }
    Opened {
        base_preset: base_preset.to_string(),
        params: decoded.params,
        seed: decoded.seed.unwrap_or(preset_seed),
        at_ms: decoded.at_ms,
        notice: (!notes.is_empty()).then(|| format!("This link was adjusted: {}.", notes.join("; "))),
    }
}

/// What a notice lists at most.
const MAX_NOTES: usize = 12;

/// The pairs of a link to `widget` at `at_ms`: its base preset, then the changes over it.
pub fn link_to<P: LinkParams>(widget: &str, base_preset: &str, base: &P, params: &P, seed: u64, at_ms: Millis) -> Vec<(String, String)> {
    let mut pairs = vec![("w".to_string(), widget.to_string()), ("preset".to_string(), base_preset.to_string())];
    pairs.extend(encode(params, base, seed, at_ms));
    pairs
}

fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Count(_) | Json::Number(_) | Json::Null => "a whole number",
        Json::Bool(_) => "true or false",
        Json::List(_) => "a JSON list",
        Json::Object(_) => "an object",
        Json::Text(_) => "text",
    }
}

/// The pairs that take `base` to `params`, plus the seed and the time: the shortest link that
/// reproduces the state exactly.
pub fn encode<P: LinkParams>(params: &P, base: &P, seed: u64, at_ms: Millis) -> Vec<(String, String)> {
    let mut pairs = vec![("v".to_string(), LINK_VERSION.to_string())];
    let (now, then) = (params.to_json(), base.to_json());
    diff("", &now, &then, &mut pairs);
    pairs.push(("seed".into(), seed.to_string()));
    pairs.push(("t".into(), at_ms.to_string()));
    pairs
}

fn diff(path: &str, now: &Json, then: &Json, pairs: &mut Vec<(String, String)>) {
    match (now, then) {
        (Json::Object(entries), Json::Object(_)) => {
            for (key, value) in entries {
                let child = if path.is_empty() { key.clone() } else { format!("{path}/{key}") };
                diff(&child, value, then.get(key).unwrap_or(&Json::Null), pairs);
            }
        }
        _ if now == then => {}
        (Json::Text(text), _) => pairs.push((path.to_string(), text.clone())),
        _ => pairs.push((path.to_string(), now.print())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::node::{Mode, Stage, StageKind};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_link_round_trips_exactly() {
        let base = NodeParams::default();
        let mut changed = base.clone();
        changed.mode = Mode::Naive;
        changed.cursor.batch_size = 250;
        changed.memory.container_limit_mb = Some(1024);
        changed.stages = vec![Stage::new(StageKind::Csv), Stage::new(StageKind::Gzip)];
        let link = encode(&changed, &base, 42, 12_345);
        let decoded = decode(&link, &base, &[]);
        assert_eq!(decoded.notices, vec![]);
        assert_eq!(decoded.params, changed);
        assert_eq!((decoded.seed, decoded.at_ms), (Some(42), Some(12_345)));
    }

    #[test]
    fn an_optional_setting_is_turned_off_and_on_by_a_link() {
        let mut limited = NodeParams::default();
        limited.memory.container_limit_mb = Some(2_048);
        let unlimited = NodeParams::default();
        let decoded = decode(&encode(&unlimited, &limited, 1, 0), &limited, &[]);
        assert_eq!((decoded.params, decoded.notices), (unlimited, vec![]));

        let calm = KafkaParams::default();
        let mut outage = calm.clone();
        outage.groups[0].outage = Some(kafka::Outage { start_ms: 1_000, duration_ms: 2_000 });
        for (from, to) in [(&calm, &outage), (&outage, &calm)] {
            let decoded = decode(&encode(to, from, 1, 0), from, &[]);
            assert_eq!((&decoded.params, decoded.notices), (to, vec![]));
        }
    }

    #[test]
    fn only_changes_are_written() {
        let base = NodeParams::default();
        let mut changed = base.clone();
        changed.row_bytes = 999;
        let keys: Vec<String> = encode(&changed, &base, 1, 0).into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["v", "rowBytes", "seed", "t"]);
    }

    #[test]
    fn garbage_is_ignored_and_reported() {
        let base = NodeParams::default();
        let link = pairs(&[
            ("v", "9"),
            ("nonsense", "1"),
            ("cursor/nope", "2"),
            ("rowBytes", "lots"),
            ("nodeMajor", "null"),
            ("concurrentExports", "5000"),
            ("cursor/batchSize", "-3"),
            ("mode", "sideways"),
            ("seed", "x"),
            ("t", "99999999999"),
        ]);
        let decoded = decode(&link, &base, &[]);
        let text: Vec<String> = decoded.notices.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(has("version 9"), "{text:?}");
        assert!(has("unknown key “nonsense”") && has("unknown key “cursor/nope”"), "{text:?}");
        assert!(has("“rowBytes”: expected a whole number"), "{text:?}");
        assert!(has("“nodeMajor”: expected a value of the right kind"), "{text:?}");
        assert!(has("“concurrentExports” = 5000 is out of range; used 50"), "{text:?}");
        assert!(has("“cursor/batchSize” = -3 is out of range; used 1"), "{text:?}");
        assert!(has("“mode”: expected one of the listed choices"), "{text:?}");
        assert_eq!(decoded.params.mode, base.mode, "the bad mode costs only itself");
        assert_eq!(decoded.params.concurrent_exports, 50);
        assert_eq!(decoded.params.cursor.batch_size, 1);
        assert_eq!(decoded.seed, None);
        assert_eq!(decoded.at_ms, Some(MAX_SIM_MS));
    }

    #[test]
    fn clamping_keeps_the_rest_of_the_link() {
        let base = NodeParams::default();
        let decoded = decode(&pairs(&[("concurrentExports", "99"), ("rowBytes", "500")]), &base, &[]);
        assert_eq!(decoded.params.concurrent_exports, 50);
        assert_eq!(decoded.params.row_bytes, 500);
    }

    #[test]
    fn a_stage_chain_that_cannot_work_falls_back_with_a_reason() {
        let base = NodeParams::default();
        let decoded = decode(&pairs(&[("stages", r#"[{"kind":"gzip"}]"#)]), &base, &[]);
        assert_eq!(decoded.params, base);
        assert!(decoded.notices.iter().any(|n| n.to_string().contains("gzip")), "{:?}", decoded.notices);
    }

    #[test]
    fn keys_the_page_reads_are_left_alone() {
        let base = NodeParams::default();
        let decoded = decode(&pairs(&[("w", "node"), ("preset", "article-export")]), &base, &["w", "preset"]);
        assert_eq!(decoded.notices, vec![]);
    }
}
