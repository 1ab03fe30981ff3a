#![cfg(not(target_arch = "wasm32"))]
//! Links made before the page stopped using serde open exactly as they did: the first version of
//! the link format, as serde_json wrote and read it (kept here verbatim as the oracle), must agree
//! with today's encoder byte for byte and with today's decoder on params, seed and time,
//! for links from every preset to random params, damaged or not (notices may say more today).
//! One departure is deliberate:
//! where the first format gave up on a link whose values together broke a rule (and used the
//! preset's params), today's keeps every key that passes and names each one it leaves out.

use backpressure_playground::permalink::{decode, encode, Link, LinkParams, Notice, PAGE_KEYS};
use backpressure_playground::scenario::{presets, Preset, System, MAX_SIM_MS};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

mod common;

/// The link format's first implementation (serde_json's `Value` tree), unchanged but for its bounds.
mod v1 {
    use backpressure_playground::permalink::{Decoded, LinkParams, Notice, LINK_VERSION};
    use backpressure_playground::engine::Millis;
    use backpressure_playground::scenario::MAX_SIM_MS;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use serde_json::Value;

    /// `Err` where the first format fell back to the base's params (it said why in a notice).
    pub fn decode<P: LinkParams + Serialize + DeserializeOwned>(pairs: &[(String, String)], base: &P, caller_keys: &[&str]) -> Result<Decoded<P>, String> {
        let mut notices = Vec::new();
        let mut seed = None;
        let mut at_ms = None;
        let mut tree = serde_json::to_value(base).expect("params serialise");
        for (key, raw) in pairs {
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
                    match serde_json::from_value::<P>(candidate.clone()) {
                        Ok(_) => {
                            tree = candidate;
                            notices.append(&mut key_notices);
                        }
                        Err(error) => notices.push(Notice::WrongType { key: key.clone(), expected: expected_from(&error) }),
                    }
                }
            }
        }
        let mut params: P = serde_json::from_value(tree).unwrap_or_else(|_| base.clone());
        for (key, from, to) in params.clamp() {
            // A value already adjusted (a negative count) keeps what the link said.
            match notices.iter_mut().find(|n| matches!(n, Notice::Clamped { key: k, .. } if *k == key)) {
                Some(Notice::Clamped { to: earlier, .. }) => *earlier = to,
                _ => notices.push(Notice::Clamped { key, from: from.to_string(), to }),
            }
        }
        params.check()?;
        Ok(Decoded { params, seed, at_ms, notices })
    }
    fn set_path(tree: &mut Value, path: &str, raw: &str, notices: &mut Vec<Notice>) {
        let Some(slot) = path.split('/').try_fold(&mut *tree, |node, part| match node {
            Value::Object(map) => map.get_mut(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }) else {
            notices.push(Notice::UnknownKey(path.to_string()));
            return;
        };
        let parsed: Option<Value> = serde_json::from_str(raw).ok();
        let fits = |value: &Value| match (&*slot, value) {
            (Value::Number(_), Value::Number(n)) => n.is_u64(),
            (Value::Bool(_), Value::Bool(_)) | (Value::Array(_), Value::Array(_)) => true,
            (Value::String(_), _) => true,
            // A nullable value (`containerLimitMb`, `highWaterMark`) takes null or a whole number.
            (Value::Null, Value::Number(n)) => n.is_u64(),
            // An optional setting the base has (`maxEvents`, an outage) is turned off with null, and
            // one it lacks (a spike) is set whole; the typed check below refuses what cannot be null.
            (_, Value::Null) | (Value::Null, Value::Object(_)) => true,
            _ => false,
        };
        match parsed {
            Some(value) if fits(&value) && !slot.is_string() => *slot = value,
            _ if slot.is_string() => *slot = Value::String(raw.to_string()),
            // A negative or fractional number where a count belongs: clamp to the nearest count.
            Some(Value::Number(n)) if slot.is_u64() || slot.is_null() => {
                let to = n.as_f64().map_or(0, |f| f.max(0.0).round() as u64);
                notices.push(Notice::Clamped { key: path.to_string(), from: raw.to_string(), to });
                *slot = Value::from(to);
            }
            _ => notices.push(Notice::WrongType { key: path.to_string(), expected: kind_of(slot) }),
        }
    }
    fn expected_from(error: &serde_json::Error) -> &'static str {
        let text = error.to_string();
        if text.contains("unknown variant") {
            "one of the listed choices"
        } else {
            "a value of the right kind"
        }
    }
    fn kind_of(value: &Value) -> &'static str {
        match value {
            Value::Number(_) | Value::Null => "a whole number",
            Value::Bool(_) => "true or false",
            Value::Array(_) => "a JSON list",
            Value::Object(_) => "an object",
            Value::String(_) => "text",
        }
    }
    pub fn encode<P: Serialize>(params: &P, base: &P, seed: u64, at_ms: Millis) -> Vec<(String, String)> {
        let mut pairs = vec![("v".to_string(), LINK_VERSION.to_string())];
        let (now, then) = (serde_json::to_value(params).expect("serialise"), serde_json::to_value(base).expect("serialise"));
        diff("", &now, &then, &mut pairs);
        pairs.push(("seed".into(), seed.to_string()));
        pairs.push(("t".into(), at_ms.to_string()));
        pairs
    }
    fn diff(path: &str, now: &Value, then: &Value, pairs: &mut Vec<(String, String)>) {
        match (now, then) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let child = if path.is_empty() { key.clone() } else { format!("{path}/{key}") };
                    diff(&child, value, b.get(key).unwrap_or(&Value::Null), pairs);
                }
            }
            _ if now == then => {}
            (Value::String(text), _) => pairs.push((path.to_string(), text.clone())),
            _ => pairs.push((path.to_string(), now.to_string())),
        }
    }
}

/// Paths into every system's params, arrays and optional settings included: most are real
/// somewhere, so the two decoders must agree on what each does.
const PATHS: &[&str] = &[
    "mode", "cursor", "cursor/batchSize", "memory", "memory/containerLimitMb", "response/highWaterMark", "stages",
    "stages/0", "stages/0/kind", "stages/+0/kind", "stages/1/rowsPerSecond", "stages/0/highWaterMark", "topic/retention.ms",
    "topic/retention.bytes", "producer/maxEvents", "producer/peak", "groups", "groups/0", "groups/1/group.id",
    "groups/0/outage", "groups/0/outage/startMs", "groups/1/processing", "groups/0/processing/distribution",
    "groups/0/client", "groups/2/members", "arrivals/spike", "arrivals/spike/startSeconds", "queue/RedrivePolicy",
    "queue/RedrivePolicy/maxReceiveCount", "function/timeoutChange", "function/timeoutChange/Timeout",
    "function/ReservedConcurrentExecutions", "eventSourceMapping/FunctionResponseTypes",
    "eventSourceMapping/FunctionResponseTypes/0", "eventSourceMapping/ScalingConfig", "database/retryPolicy",
];

/// JSON (and near-JSON) of the shapes links carry: lists of objects with real field names,
/// numbers in every form serde_json reads, names right and wrong, and truncated text.
fn json_like() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "0", "1", "7", "-1", "-0", "2.5", "1e3", "0.0", "18446744073709551615", "18446744073709551616", "1e400", "null",
        "true", "false", r#""csv""#, r#""gzip""#, r#""batch""#, r#""foo""#, r#""java""#, r#""kafkajs""#,
        r#""ReportBatchItemFailures""#, r#""fixed""#, r#""g\u0031""#, r#""a""#, "01", "[]", "{}",
    ])
    .prop_map(str::to_string);
    let key = prop::sample::select(vec![
        "kind", "highWaterMark", "rowsPerSecond", "ignoresHighWaterMark", "group.id", "members", "client", "outage",
        "startMs", "durationMs", "processing", "perRecordUs", "distribution", "startSeconds", "durationSeconds",
        "messagesPerMinute", "maxReceiveCount", "atSeconds", "Timeout", "x",
    ]);
    let tree = leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key.clone(), inner), 0..5).prop_map(|entries| {
                let fields: Vec<String> = entries.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    });
    (tree, any::<bool>(), any::<usize>()).prop_map(|(text, cut, at)| if cut { text[..at % (text.len() + 1)].to_string() } else { text })
}

fn garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        json_like(),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("NaN".to_string()),
        Just(" 12 ".to_string()),
        ".{0,12}",
    ]
}

type Case<P> = (usize, P, u64, u64, Vec<(usize, String)>, Vec<(&'static str, String)>);

fn case<P: Debug>(params: impl Strategy<Value = P>) -> impl Strategy<Value = Case<P>> {
    (
        any::<usize>(),
        params,
        any::<u64>(),
        0..=MAX_SIM_MS,
        prop::collection::vec((any::<usize>(), garbage()), 0..3),
        prop::collection::vec((prop::sample::select(PATHS), garbage()), 0..4),
    )
}

fn agree<P>(presets: &'static [Preset], params_of: fn(System) -> Option<P>, (preset, params, seed, at_ms, corrupt, extra): Case<P>) -> Result<(), TestCaseError>
where
    P: LinkParams + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let base = params_of(presets[preset % presets.len()].scenario().system).expect("each preset is of its system");
    prop_assert_eq!(params.to_json().print(), serde_json::to_value(&params).unwrap().to_string());
    let mut pairs = v1::encode(&params, &base, seed, at_ms);
    prop_assert_eq!(&encode(&params, &base, seed, at_ms), &pairs);
    let fresh = decode(&pairs, &base, PAGE_KEYS);
    prop_assert_eq!((&fresh.params, &fresh.notices), (&params, &vec![]));

    for (pick, value) in corrupt {
        let index = pick % pairs.len();
        pairs[index].1 = value;
    }
    for (index, (key, value)) in extra.into_iter().enumerate() {
        pairs.insert((index * 5) % (pairs.len() + 1), (key.to_string(), value));
    }
    let today = decode(&pairs, &base, PAGE_KEYS);
    match v1::decode(&pairs, &base, PAGE_KEYS) {
        // The same params, seed and time; the notices name at least the keys it named (today's
        // also say when a key is repeated, and tell a rounded count from a clamped one).
        Ok(first) => {
            prop_assert_eq!((&today.params, today.seed, today.at_ms), (&first.params, first.seed, first.at_ms), "{:?}", pairs);
            let named = |notices: &[Notice]| notices.iter().map(|n| n.key().unwrap_or("v").to_string()).collect::<std::collections::BTreeSet<_>>();
            prop_assert!(named(&first.notices).is_subset(&named(&today.notices)), "{:?}: {:?} vs {:?}", pairs, first.notices, today.notices);
        }
        // The first format used the base; today's keeps what passes and says what it left out.
        Err(_) => {
            prop_assert!(today.params.check().is_ok(), "{:?}", pairs);
            prop_assert!(today.notices.iter().any(|n| matches!(n, Notice::Refused { .. })), "{:?}", pairs);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn node_links_read_as_the_first_format_did(case in case(common::node::params())) {
        agree(presets::node::PRESETS, |s| match s { System::NodeStream(p) => Some(p), _ => None }, case)?;
    }

    #[test]
    fn kafka_links_read_as_the_first_format_did(case in case(common::kafka::params())) {
        agree(presets::kafka::PRESETS, |s| match s { System::Kafka(p) => Some(p), _ => None }, case)?;
    }

    #[test]
    fn sqs_links_read_as_the_first_format_did(case in case(common::sqs::params())) {
        agree(presets::sqs::PRESETS, |s| match s { System::SqsLambda(p) => Some(p), _ => None }, case)?;
    }
}

#[test]
fn every_preset_is_the_same_tree_as_serde_made() {
    for preset in presets::all() {
        let text = match preset.scenario().system {
            System::NodeStream(p) => (p.to_json().print(), serde_json::to_value(&p).unwrap().to_string()),
            System::Kafka(p) => (p.to_json().print(), serde_json::to_value(&p).unwrap().to_string()),
            System::SqsLambda(p) => (p.to_json().print(), serde_json::to_value(&p).unwrap().to_string()),
        };
        assert_eq!(text.0, text.1, "{}", preset.name);
    }
}
