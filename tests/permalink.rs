#![cfg(not(target_arch = "wasm32"))]
//! Links from anywhere (hand-edited, truncated, hostile) never break the page: decoding always
//! yields parameters that pass validation, and a link made from a state reproduces it.

use backpressure_playground::engine::node::{validate, NodeParams, NodeSim, NodeSummary};
use backpressure_playground::permalink::{decode, encode};
use backpressure_playground::scenario::{presets, System};
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "v", "seed", "t", "mode", "nodeMajor", "totalRows", "rowBytes", "concurrentExports", "cursor/batchSize",
    "cursor/roundTripMs", "cursor/honoursRowLimit", "readable/highWaterMark", "stages", "stages/0/kind",
    "response/highWaterMark", "memory/containerLimitMb", "network/clientBytesPerSecond", "cursor", "", "/", "a/b/c",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just(r#"[{"kind":"csv"},{"kind":"gzip","ignoresHighWaterMark":true}]"#.to_string()),
        Just(r#"[{"kind":"gzip"}]"#.to_string()),
        Just(r#"{"nested":[1,2,{"x":null}]}"#.to_string()),
        ".{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]
    #[test]
    fn any_query_decodes_to_valid_params(pairs in prop::collection::vec((prop::sample::select(KEYS), value()), 0..12)) {
        let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let decoded = decode(&pairs, &NodeParams::default(), &["w"]);
        prop_assert!(validate(&decoded.params).is_ok(), "{:?}", decoded.params);
    }
}

#[test]
fn a_link_reproduces_the_same_figures_at_the_same_time() {
    for preset in presets::node::PRESETS {
        let scenario = preset.scenario();
        let System::NodeStream(base) = scenario.system else { continue };
        let mut tweaked = base.clone();
        tweaked.concurrent_exports = 2;
        tweaked.cursor.batch_size = 77;
        let at_ms = 7_531;
        let link = encode(&tweaked, &base, 99, at_ms);
        let decoded = decode(&link, &base, &[]);
        let run = |params: NodeParams, seed: u64| {
            let mut sim = NodeSim::new(params, seed);
            sim.run_until(at_ms);
            NodeSummary::of(&sim)
        };
        assert_eq!(run(decoded.params, decoded.seed.unwrap()), run(tweaked, 99), "{}", preset.name);
    }
}

#[test]
fn an_sqs_link_reproduces_the_same_figures_at_the_same_time() {
    use backpressure_playground::engine::sqs::{SqsParams, SqsSim, SqsSummary};
    for preset in presets::sqs::PRESETS {
        let scenario = preset.scenario();
        let System::SqsLambda(base) = scenario.system else { continue };
        let mut tweaked: SqsParams = base.clone();
        tweaked.function.handler_ms_per_message += 50;
        tweaked.database.max_connections = 60;
        let at_ms = 95_000;
        let link = encode(&tweaked, &base, 5, at_ms);
        let decoded = decode(&link, &base, &[]);
        assert_eq!(decoded.notices, vec![], "{}", preset.name);
        let run = |params: SqsParams, seed: u64| {
            let mut sim = SqsSim::new(params, seed);
            sim.run_until(at_ms);
            SqsSummary::of(&sim)
        };
        assert_eq!(run(decoded.params, decoded.seed.unwrap()), run(tweaked, 5), "{}", preset.name);
    }
}

#[test]
fn every_range_key_of_every_system_is_a_real_link_key() {
    // A clamp notice names a key by its range's field; that key must address the same value in a link.
    use backpressure_playground::engine::{node, sqs};
    for range in node::RANGES {
        let key = range.field.replace('.', "/");
        let decoded = decode(&[(key.clone(), range.max.to_string())], &NodeParams::default(), &[]);
        assert_eq!((range.get)(&decoded.params), range.max, "node {key}: {:?}", decoded.notices);
    }
    let base = match presets::sqs::PRESETS[0].scenario().system {
        System::SqsLambda(p) => p,
        _ => unreachable!("the SQS presets are SQS scenarios"),
    };
    for range in sqs::RANGES {
        let key = range.field.replace('.', "/");
        let decoded = decode(&[(key.clone(), range.min.to_string())], &base, &[]);
        let unknown = decoded.notices.iter().any(|n| n.to_string().contains("unknown key"));
        assert!(!unknown, "sqs {key}: {:?}", decoded.notices);
    }
}

#[test]
fn a_kafka_link_reproduces_the_same_figures_at_the_same_time() {
    use backpressure_playground::engine::kafka::{KafkaParams, KafkaSim, KafkaSummary};
    for preset in presets::kafka::PRESETS.iter().take(4) {
        let scenario = preset.scenario();
        let System::Kafka(base) = scenario.system else { continue };
        let mut tweaked: KafkaParams = base.clone();
        tweaked.groups[0].max_poll_records = 123;
        tweaked.topic.retention_ms += 60_000;
        let at_ms = 120_000;
        let link = encode(&tweaked, &base, 3, at_ms);
        let decoded = decode(&link, &base, &[]);
        assert_eq!(decoded.notices, vec![], "{}: {link:?}", preset.name);
        let run = |params: KafkaParams, seed: u64| {
            let mut sim = KafkaSim::new(params, seed);
            sim.run_until(at_ms);
            KafkaSummary::of(&sim)
        };
        assert_eq!(run(decoded.params, decoded.seed.unwrap()), run(tweaked, 3), "{}", preset.name);
    }
}

#[test]
fn a_clamped_kafka_value_is_named_by_the_key_a_link_uses() {
    use backpressure_playground::engine::kafka;
    use backpressure_playground::permalink::Notice;
    let System::Kafka(base) = presets::kafka::PRESETS[0].scenario().system else { unreachable!("a Kafka preset") };
    for range in kafka::RANGES {
        let mut out_of_range = base.clone();
        (range.set)(&mut out_of_range, range.max.saturating_add(1));
        let link = encode(&out_of_range, &base, 1, 0);
        let decoded = decode(&link, &base, &[]);
        let keys: Vec<&str> = link.iter().map(|(k, _)| k.as_str()).collect();
        let named: Vec<&String> = decoded.notices.iter().filter_map(|n| match n { Notice::Clamped { key, .. } => Some(key), _ => None }).collect();
        assert!(named.iter().all(|k| keys.contains(&k.as_str())), "{}: notices {named:?}, link keys {keys:?}", range.field);
        assert_eq!((range.get)(&decoded.params), range.max, "{}", range.field);
    }
}
