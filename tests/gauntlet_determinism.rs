#![cfg(not(target_arch = "wasm32"))]
//! Gauntlet, determinism (native half): every preset run twice with its seed reaches the same
//! state hash; another seed reaches another, and for presets that draw random numbers, other
//! figures too. `bpsim hash` prints the same hash, for the browser test to compare with wasm.

use backpressure_playground::engine::kafka::{Distribution, KafkaSim};
use backpressure_playground::engine::node::NodeSim;
use backpressure_playground::engine::sqs::SqsSim;
use backpressure_playground::scenario::{preset, presets, Scenario, System};

mod common;

/// 30 simulated seconds: past every preset's first round trips, polls and invocations.
const AT_MS: u64 = 30_000;

/// Whether the preset's parameters ask for random draws before [`AT_MS`].
fn draws_random_numbers(scenario: &Scenario) -> bool {
    match &scenario.system {
        // A source that ignores the row limit makes no round trips to jitter.
        System::NodeStream(p) => p.cursor.honours_row_limit && p.cursor.jitter_percent > 0,
        // Batch durations are drawn when a group that is up polls.
        System::Kafka(p) => p.groups.iter().any(|g| {
            let up_before = g.outage.as_ref().is_none_or(|o| o.start_ms > 0 || o.duration_ms < AT_MS);
            g.processing.distribution == Distribution::Uniform && g.processing.spread_percent > 0 && up_before
        }),
        System::SqsLambda(p) => p.function.jitter_percent > 0 || (p.arrivals.poison_percent > 0 && p.arrivals.poison_percent < 100),
    }
}

/// What the draws decide, at [`AT_MS`]: the exports' cursor timings, the groups' batch
/// durations, the invocations' durations and the poison split; the generator itself left out.
fn drawn_state(scenario: &Scenario) -> String {
    match &scenario.system {
        System::NodeStream(p) => {
            let mut sim = NodeSim::new(p.clone(), scenario.seed);
            sim.run_until(AT_MS);
            format!("{:?}", sim.exports())
        }
        System::Kafka(p) => {
            let mut sim = KafkaSim::new(p.clone(), scenario.seed);
            sim.run_until(AT_MS);
            format!("{:?}", sim.groups())
        }
        System::SqsLambda(p) => {
            let mut sim = SqsSim::new(p.clone(), scenario.seed);
            sim.run_until(AT_MS);
            format!("{:?} {:?}", sim.batches(), sim.counters())
        }
    }
}

fn with_seed(scenario: &Scenario, seed: u64) -> Scenario {
    Scenario { seed, duration_ms: Some(AT_MS), ..scenario.clone() }
}

#[test]
fn every_preset_reaches_the_same_hash_twice_and_another_with_another_seed() {
    let mut drawing = 0;
    for preset in presets::all() {
        let scenario = with_seed(&preset.scenario(), preset.scenario().seed);
        let hash = scenario.state_hash_at(AT_MS);
        assert_eq!(scenario.state_hash_at(AT_MS), hash, "{}: a second run differs", preset.name);
        let other = with_seed(&scenario, scenario.seed.wrapping_add(1));
        assert_ne!(other.state_hash_at(AT_MS), hash, "{}: the seed does not reach the state", preset.name);
        if draws_random_numbers(&scenario) {
            drawing += 1;
            // The hash includes the generator itself, so also compare what the draws decided.
            assert_ne!(drawn_state(&other), drawn_state(&scenario), "{}: another seed changes no draw by {AT_MS} ms", preset.name);
        }
    }
    assert!(drawing >= 10, "only {drawing} presets draw random numbers: the seed check tests little");
}

#[test]
fn bpsim_hash_prints_the_library_hash_as_16_hex_digits() {
    for name in ["article-export", "article-peak", "article-campaign"] {
        let scenario = preset(name).expect("a preset").scenario();
        let expected = scenario.state_hash_at(AT_MS);
        let at = AT_MS.to_string();
        let out = common::bpsim(&["hash", "--preset", name, "--at", &at], None);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{expected:016x}\n"), "{name}");
        let at_first = common::bpsim(&["hash", "--at", &at, "--preset", name], None);
        assert_eq!(at_first.stdout, out.stdout, "{name}: --at before the preset");
        // The same scenario from a file on stdin, its duration as the instant.
        let json = with_seed(&scenario, 0).to_json_pretty();
        let from_stdin = common::bpsim(&["hash", "-"], Some(&json));
        let expected = Scenario::from_json(&json).unwrap().state_hash_at(AT_MS);
        assert_eq!(String::from_utf8_lossy(&from_stdin.stdout), format!("{expected:016x}\n"), "{name} from stdin");
    }
    for (args, complaint) in [
        (&["hash", "--preset", "nope"][..], "no preset named \"nope\""),
        (&["hash", "--preset", "article-peak", "--at", "soon"], "--at: \"soon\" is not a whole number"),
        (&["hash", "--preset", "article-peak", "--at", "86400001"], "--at: 86400001 is longer than"),
        (&["hash"], "hash takes FILE or --preset NAME"),
        (&["hash", "--preset", "article-peak", "--at"], "hash takes FILE or --preset NAME"),
        (&["hash", "--at", "5", "--at", "6", "--preset", "article-peak"], "hash takes FILE or --preset NAME"),
    ] {
        let out = common::bpsim(args, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr.starts_with("bpsim: ") && stderr.contains(complaint), "{args:?}: {stderr}");
    }
    let help = common::bpsim(&["hash", "--help"], None);
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("bpsim hash --preset NAME"), "hash --help");
}
