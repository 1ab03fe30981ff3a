#![cfg(not(target_arch = "wasm32"))]
//! Gauntlet, bad input: every preset's scenario JSON, damaged (keys deleted, values of the wrong
//! type, huge, negative or fractional numbers, NaN-like tokens, truncation, random bytes), read
//! by `Scenario::from_json` and by `bpsim run -`. Never a panic: either an error that names what
//! was wrong, or a scenario whose params validate and run.

use backpressure_playground::engine::kafka::KafkaSim;
use backpressure_playground::engine::node::NodeSim;
use backpressure_playground::engine::range::ParamError;
use backpressure_playground::engine::sqs::SqsSim;
use backpressure_playground::engine::Simulation;
use backpressure_playground::scenario::{presets, Scenario, ScenarioError, System};
use proptest::prelude::*;
use serde_json::Value;

mod common;

/// One step into a JSON tree.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path as the scenario's errors print it: `params.stages[0].kind`.
fn display(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => text.push_str(&format!(".{key}")),
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Every path below the root, parents before children.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    let children: Vec<(Step, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Step::Index(i), v)).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (step, child) in children {
        out.push(vec![step.clone()]);
        out.extend(paths(child).into_iter().map(|mut rest| {
            rest.insert(0, step.clone());
            rest
        }));
    }
    out
}

fn parent_of<'a>(root: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path[..path.len() - 1].iter().fold(root, |node, step| match step {
        Step::Key(key) => &mut node[key.as_str()],
        Step::Index(index) => &mut node[*index],
    })
}

/// Values that do not belong in a scenario, or only just.
fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(-1)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(0)),
        Just(Value::from(0.5)),
        Just(Value::from(1e300)),
        Just(Value::from(-0.0)),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from("NaN")),
        Just(Value::from("Infinity")),
        Just(Value::from("-1")),
        Just(Value::from("")),
        ".{0,8}".prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(serde_json::json!([])),
        Just(serde_json::json!([1, "two", null])),
        Just(serde_json::json!({})),
        Just(serde_json::json!({ "unexpected": 1 })),
    ]
}

/// Tokens that are not JSON numbers, or are numbers no field holds.
const RAW_TOKENS: &[&str] =
    &["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "01", "+1", "0x10", ".5", "-0", "18446744073709551616", "1.0e+400", "1_000"];
/// Stands in for a raw token until the tree is printed.
const RAW_MARK: &str = "\u{1}raw\u{1}";

/// One change to a scenario's tree, at a path chosen by `at` (a fraction of its paths).
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: f64 },
    Replace { at: f64, value: Value },
    Raw { at: f64, token: &'static str },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        1 => at.clone().prop_map(|at| Mutation::Delete { at }),
        3 => (at.clone(), junk()).prop_map(|(at, value)| Mutation::Replace { at, value }),
        1 => (at, proptest::sample::select(RAW_TOKENS)).prop_map(|(at, token)| Mutation::Raw { at, token }),
    ]
}

/// Applies `mutation` to `tree`; returns the path it touched and the raw token to splice in.
fn apply(tree: &mut Value, mutation: &Mutation) -> (Vec<Step>, Option<&'static str>) {
    let all = paths(tree);
    let pick = |at: f64| all[((at * all.len() as f64) as usize).min(all.len() - 1)].clone();
    let (path, value, raw) = match mutation {
        Mutation::Delete { at } => (pick(*at), None, None),
        Mutation::Replace { at, value } => (pick(*at), Some(value.clone()), None),
        Mutation::Raw { at, token } => (pick(*at), Some(Value::from(RAW_MARK)), Some(*token)),
    };
    let parent = parent_of(tree, &path);
    match (path.last().expect("paths are below the root"), value) {
        (Step::Key(key), None) => {
            parent.as_object_mut().expect("a key's parent is an object").remove(key);
        }
        (Step::Index(index), None) => {
            parent.as_array_mut().expect("an index's parent is an array").remove(*index);
        }
        (Step::Key(key), Some(value)) => parent[key.as_str()] = value,
        (Step::Index(index), Some(value)) => parent[*index] = value,
    }
    (path, raw)
}

fn print(tree: &Value, raw: Option<&str>) -> String {
    let text = serde_json::to_string_pretty(tree).expect("a tree prints");
    match raw {
        Some(token) => text.replace(&format!("\"{RAW_MARK}\""), token),
        None => text,
    }
}

fn preset_json(index: usize) -> Value {
    let scenario = presets::all().nth(index).expect("a preset").scenario();
    serde_json::to_value(&scenario).expect("a scenario serialises")
}

/// An accepted scenario must validate and run: its engine is built and stepped a little.
fn assert_runs(scenario: &Scenario, input: &str) {
    assert_eq!(scenario.validate(), Ok(()), "accepted but invalid: {input}");
    fn steps<S: Simulation>(mut sim: S) {
        for _ in 0..20 {
            sim.step();
        }
    }
    match &scenario.system {
        System::NodeStream(p) => steps(NodeSim::new(p.clone(), scenario.seed)),
        System::Kafka(p) => steps(KafkaSim::new(p.clone(), scenario.seed)),
        System::SqsLambda(p) => steps(SqsSim::new(p.clone(), scenario.seed)),
    }
}

/// An error must be one line of text.
fn assert_one_line(error: &ScenarioError) {
    let text = error.to_string();
    assert!(!text.trim().is_empty() && !text.contains('\n'), "unclear error: {text:?}");
}

/// Damage to the text itself, after any changes to the tree.
#[derive(Clone, Debug)]
enum Damage {
    None,
    Truncate { at: f64 },
    Overwrite { at: f64, bytes: Vec<u8> },
    Insert { at: f64, bytes: Vec<u8> },
    ByteOrderMark,
}

fn damage() -> impl Strategy<Value = Damage> {
    let bytes = proptest::collection::vec(any::<u8>(), 1..8);
    prop_oneof![
        Just(Damage::None),
        (0.0..1.0f64).prop_map(|at| Damage::Truncate { at }),
        (0.0..1.0f64, bytes.clone()).prop_map(|(at, bytes)| Damage::Overwrite { at, bytes }),
        (0.0..1.0f64, bytes).prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        Just(Damage::ByteOrderMark),
    ]
}

fn damaged(text: &str, damage: &Damage) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match damage {
        Damage::None => {}
        Damage::Truncate { at: f } => bytes.truncate(at(*f, bytes.len())),
        Damage::Overwrite { at: f, bytes: new } => {
            let start = at(*f, bytes.len());
            let end = (start + new.len()).min(bytes.len());
            bytes.splice(start..end, new.iter().copied());
        }
        Damage::Insert { at: f, bytes: new } => {
            let start = at(*f, bytes.len());
            bytes.splice(start..start, new.iter().copied());
        }
        Damage::ByteOrderMark => bytes = ["\u{feff}".as_bytes(), &bytes].concat(),
    }
    // What a file reader hands over: invalid UTF-8 replaced, as `bpsim` would refuse it anyway.
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// One change to a valid scenario: the error, if any, names the place changed (or, for a
    /// value that is fine alone but clashes with another, the rule and the other field).
    #[test]
    fn one_bad_value_is_named_by_its_path(preset in 0..presets::all().count(), mutation in mutation()) {
        let mut tree = preset_json(preset);
        let (path, raw) = apply(&mut tree, &mutation);
        let input = print(&tree, raw);
        let place = display(&path);
        match Scenario::from_json(&input) {
            Ok(scenario) => assert_runs(&scenario, &input),
            Err(error) => {
                assert_one_line(&error);
                let text = error.to_string();
                let key = match path.last() {
                    Some(Step::Key(key)) => key.clone(),
                    _ => place.clone(),
                };
                let named = match (&mutation, &error) {
                    (_, ScenarioError::Param(ParamError::Incompatible { .. })) => true,
                    (Mutation::Raw { .. }, ScenarioError::NotJson(_)) => true,
                    // A deleted key is named as missing, or its default clashes with another value.
                    (Mutation::Delete { .. }, _) => text.contains(&format!("`{key}`")) || text.contains(&place),
                    _ => text.contains(&place),
                };
                prop_assert!(named, "changing {} ({:?}) gave an error that does not name it: {}", place, mutation, text);
            }
        }
    }

    /// Several changes and damage to the text: never a panic, and nothing invalid gets through.
    #[test]
    fn any_damage_is_refused_or_runs(preset in 0..presets::all().count(),
                                     mutations in proptest::collection::vec(mutation(), 0..4), damage in damage()) {
        let mut tree = preset_json(preset);
        let mut raw = None;
        for mutation in &mutations {
            if !paths(&tree).is_empty() {
                raw = apply(&mut tree, mutation).1.or(raw);
            }
        }
        let input = damaged(&print(&tree, raw), &damage);
        match Scenario::from_json(&input) {
            Ok(scenario) => assert_runs(&scenario, &input),
            Err(error) => assert_one_line(&error),
        }
    }
}

proptest! {
    // Each case starts the real binary: a few hundred keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// Through `bpsim run -`: a refused scenario exits 2 with the library's error on one line of
    /// stderr; an accepted one (kept to 2 simulated seconds) prints a summary.
    #[test]
    fn bpsim_run_refuses_with_the_same_error_or_summarises(preset in 0..presets::all().count(),
                                                          mutation in mutation(), damage in damage()) {
        let mut tree = preset_json(preset);
        tree["duration_ms"] = Value::from(2_000);
        let (_, raw) = apply(&mut tree, &mutation);
        let input = damaged(&print(&tree, raw), &damage);
        let out = common::bpsim(&["run", "-"], Some(&input));
        let stderr = String::from_utf8_lossy(&out.stderr);
        match Scenario::from_json(&input) {
            Err(error) => {
                prop_assert_eq!(out.status.code(), Some(2), "{}", stderr);
                prop_assert_eq!(stderr.as_ref(), format!("bpsim: -: {error}\n"));
            }
            // An edit that lengthened the run is checked by the library test above.
            Ok(scenario) if scenario.duration_ms.is_none_or(|ms| ms > 2_000) => {}
            Ok(_) => {
                prop_assert!(out.status.success(), "{}", stderr);
                let summary: Value = serde_json::from_slice(&out.stdout).expect("a summary is JSON");
                prop_assert!(summary["scenario"].is_string(), "{}", summary);
            }
        }
    }
}

#[test]
fn a_control_character_in_a_key_or_value_is_escaped_so_the_error_stays_on_one_line() {
    // Found by the stacked damage above: random bytes spelled `\n` inside a key.
    let mut bad_value = preset_json(0);
    bad_value["params"]["mode"] = Value::from("pi\npe");
    let mut bad_key = preset_json(0);
    bad_key["params"]["cursor"]["batch\nSize"] = Value::from(1);
    for (tree, shown) in [(bad_value, r"`pi\npe`"), (bad_key, r"params.cursor.batch\nSize: unknown field `batch\nSize`")] {
        let error = Scenario::from_json(&tree.to_string()).expect_err("refused");
        assert_one_line(&error);
        assert!(error.to_string().contains(shown), "{error}");
    }
}
