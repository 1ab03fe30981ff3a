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
