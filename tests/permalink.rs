#![cfg(not(target_arch = "wasm32"))]
//! Links from anywhere (hand-edited, truncated, hostile) never break the page: decoding always
//! yields parameters that pass validation, a bad key is named in a notice, and a link made from
//! a state reproduces it, for every system.

use backpressure_playground::engine::node::{NodeParams, NodeSim, NodeSummary};
use backpressure_playground::engine::{kafka, node, sqs, Millis};
use backpressure_playground::permalink::{decode, encode, open, LinkParams, Notice, PAGE_KEYS};
use backpressure_playground::scenario::{presets, Preset, System, MAX_SIM_MS};
use proptest::prelude::*;

mod common;

/// Keys no link can hold in any system: each has a part that is never a params key there.
const BAD_KEYS: &[&str] = &[
    "nonsense", "cursor/nope", "a/b/c", "", "/", "topic/partitions/3", "groups/x/members", "stages/x/kind",
    "arrivals//messagesPerMinute", "PARAMS", "queue/visibility_timeout", "memory/",
];

fn garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("NaN".to_string()),
        Just(r#"[{"kind":"csv"},{"kind":"gzip","ignoresHighWaterMark":true}]"#.to_string()),
        Just(r#"[{"kind":"gzip"}]"#.to_string()),
        Just(r#"[{"group.id":"a"},{"group.id":"a"}]"#.to_string()),
        Just(r#"{"nested":[1,2,{"x":null}]}"#.to_string()),
        ".{0,12}",
    ]
}

/// A hostile link: the real link from a preset to random valid params, some of its values
/// replaced by garbage, keys no link holds mixed in, and sometimes a preset name that no preset has.
type Hostile<P> = (usize, P, u64, Millis, Vec<(usize, String)>, Vec<(&'static str, String)>, Option<String>);

fn hostile<P: std::fmt::Debug>(params: impl Strategy<Value = P>) -> impl Strategy<Value = Hostile<P>> {
    (
        any::<usize>(),
        params,
        any::<u64>(),
        0..=MAX_SIM_MS,
        prop::collection::vec((any::<usize>(), garbage()), 0..3),
        prop::collection::vec((prop::sample::select(BAD_KEYS), garbage()), 0..3),
        prop::option::weighted(0.2, ".{0,10}"),
    )
}

/// Decoding and opening never fail and always give valid params; every bad key is named in a
/// notice; an undamaged link reproduces its params, seed and time exactly, without a notice.
fn check_hostile<P: LinkParams + PartialEq + std::fmt::Debug>(
    presets: &'static [Preset],
    params_of: fn(System) -> Option<P>,
    valid: fn(&P) -> bool,
    (preset, params, seed, at_ms, corrupt, bad, named): Hostile<P>,
) -> Result<(), TestCaseError> {
    let lookup = |name: &str| {
        let scenario = presets.iter().find(|p| p.name == name)?.scenario();
        Some((params_of(scenario.system)?, scenario.seed))
    };
    let base_name = presets[preset % presets.len()].name;
    let (base, _) = lookup(base_name).expect("each preset is of its system");
    let mut pairs = encode(&params, &base, seed, at_ms);
    let undamaged = corrupt.is_empty() && bad.is_empty();
    for (pick, value) in &corrupt {
        let index = pick % pairs.len();
        pairs[index].1 = value.clone();
    }
    for (index, (key, value)) in bad.iter().enumerate() {
        pairs.insert((index * 7) % (pairs.len() + 1), (key.to_string(), value.clone()));
    }

    let decoded = decode(&pairs, &base, PAGE_KEYS);
    prop_assert!(valid(&decoded.params), "{:?}", decoded.params);
    for (key, _) in &bad {
        prop_assert!(decoded.notices.contains(&Notice::UnknownKey(key.to_string())), "{:?}: {:?}", key, decoded.notices);
    }
    if undamaged {
        prop_assert_eq!(&decoded.params, &params);
        prop_assert_eq!(&decoded.notices, &vec![]);
        prop_assert_eq!((decoded.seed, decoded.at_ms), (Some(seed), Some(at_ms)));
    }

    let name = named.unwrap_or_else(|| base_name.to_string());
    pairs.insert(0, ("preset".to_string(), name.clone()));
    let opened = open(&pairs, lookup, presets[0].name);
    prop_assert!(valid(&opened.params), "{:?}", opened.params);
    let notice = opened.notice.clone().unwrap_or_default();
    for (key, _) in &bad {
        prop_assert!(notice.contains(&format!("“{key}”")), "{:?} is not in the notice {:?}", key, notice);
    }
    if lookup(&name).is_none() {
        prop_assert!(notice.contains(&format!("ignored unknown preset “{name}”")), "{}", notice);
    } else if undamaged && name == base_name {
        prop_assert_eq!(&opened.params, &params);
        prop_assert_eq!(opened.notice, None);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_node_query_decodes_to_valid_params(case in hostile(common::node::params())) {
        let of = |system| match system { System::NodeStream(p) => Some(p), _ => None };
        check_hostile(presets::node::PRESETS, of, |p| node::validate(p).is_ok(), case)?;
    }

    #[test]
    fn any_kafka_query_decodes_to_valid_params(case in hostile(common::kafka::params())) {
        let of = |system| match system { System::Kafka(p) => Some(p), _ => None };
        check_hostile(presets::kafka::PRESETS, of, |p| kafka::validate(p).is_ok(), case)?;
    }

    #[test]
    fn any_sqs_query_decodes_to_valid_params(case in hostile(common::sqs::params())) {
        let of = |system| match system { System::SqsLambda(p) => Some(p), _ => None };
        check_hostile(presets::sqs::PRESETS, of, |p| sqs::validate(p).is_ok(), case)?;
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

#[test]
fn a_value_that_breaks_a_rule_costs_only_its_own_key() {
    let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let System::NodeStream(base) = presets::preset("article-export").unwrap().scenario().system else { unreachable!() };
    let decoded = decode(&pairs(&[("cursor/batchSize", "250"), ("memory/containerLimitMb", "5")]), &base, &[]);
    assert_eq!(decoded.params.cursor.batch_size, 250, "{:?}", decoded.notices);
    assert_eq!(decoded.params.memory.container_limit_mb, base.memory.container_limit_mb);
    assert!(matches!(&decoded.notices[..], [Notice::Refused { key, reason }] if key == "memory/containerLimitMb" && reason.contains("16")), "{:?}", decoded.notices);

    // A rule between two values: the Timeout may exceed the preset's VisibilityTimeout only once
    // the link has raised that too, later in the link. Both are kept beside a refused value.
    let System::SqsLambda(base) = presets::preset("article-capped").unwrap().scenario().system else { unreachable!() };
    let concurrency = "eventSourceMapping/ScalingConfig/MaximumConcurrency";
    let raised = decode(&pairs(&[("function/Timeout", "200"), (concurrency, "1"), ("queue/VisibilityTimeout", "1200")]), &base, &[]);
    assert_eq!((raised.params.function.timeout, raised.params.queue.visibility_timeout), (200, 1200), "{:?}", raised.notices);
    assert!(matches!(&raised.notices[..], [Notice::Refused { key, .. }] if key == concurrency), "{:?}", raised.notices);
    let refused = decode(&pairs(&[("function/Timeout", "200"), ("eventSourceMapping/BatchSize", "5")]), &base, &[]);
    assert_eq!((refused.params.function.timeout, refused.params.event_source_mapping.batch_size), (base.function.timeout, 5));
    assert!(refused.notices.iter().any(|n| matches!(n, Notice::Refused { key, .. } if key == "function/Timeout")), "{:?}", refused.notices);
}

#[test]
fn a_notice_says_what_was_done_to_each_key() {
    let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let System::NodeStream(base) = presets::preset("article-export").unwrap().scenario().system else { unreachable!() };
    let decoded = decode(&pairs(&[("cursor/batchSize", "2.5"), ("totalRows", "1e3"), ("seed", "1"), ("seed", "2"), ("cursor", r#"{"batchSize":5}"#)]), &base, &[]);
    let text: Vec<String> = decoded.notices.iter().map(ToString::to_string).collect();
    assert_eq!((decoded.params.cursor.batch_size, decoded.params.total_rows, decoded.seed), (3, 1000, Some(2)), "{text:?}");
    assert_eq!(
        text,
        [
            "“cursor/batchSize” = 2.5 is not a whole number as written; used 3",
            "“totalRows” = 1e3 is not a whole number as written; used 1000",
            "“seed” is given more than once; used the last",
            "ignored “cursor”: expected its fields one at a time (“key/field=value”), not a whole object",
        ]
    );

    let lookup = |name: &str| {
        let scenario = presets::kafka::PRESETS.iter().find(|p| p.name == name)?.scenario();
        let System::Kafka(params) = scenario.system else { return None };
        Some((params, scenario.seed))
    };
    let opened = open(&pairs(&[("w", "kafka"), ("preset", "article-export")]), lookup, presets::kafka::PRESETS[0].name);
    assert_eq!(opened.notice.as_deref(), Some("This link was adjusted: ignored preset “article-export”, which belongs to another widget."));
    let junk: Vec<(String, String)> = (0..3_000).map(|i| (format!("junk{i}"), "1".to_string())).collect();
    let notice = open(&junk, lookup, presets::kafka::PRESETS[0].name).notice.expect("a notice");
    assert!(notice.len() < 600 && notice.ends_with("and 2988 more."), "{notice}");
}
