//! What the test files share: driving the real `bpsim` binary (`bpsim preset NAME | (edit) |
//! bpsim run -`, with the JSON summary parsed back), and per system (`node`, `kafka`, `sqs`) the
//! random valid parameters and the conservation identities that the engine and gauntlet tests check.
#![allow(dead_code)] // each test file uses its own subset

pub mod kafka;
pub mod node;
pub mod sqs;

use backpressure_playground::engine::range::Range;
use proptest::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BPSIM: &str = env!("CARGO_BIN_EXE_bpsim");

pub fn bpsim(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BPSIM)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bpsim starts");
    {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("bpsim reads stdin");
        }
    }
    child.wait_with_output().expect("bpsim finishes")
}

/// `bpsim preset NAME`, parsed.
pub fn preset(name: &str) -> Value {
    let out = bpsim(&["preset", name], None);
    assert!(out.status.success(), "bpsim preset {name}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a preset is JSON")
}

/// `bpsim run -` on a scenario, parsed; the run must succeed.
pub fn run(scenario: &Value) -> Value {
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert!(out.status.success(), "bpsim run failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a summary is JSON")
}

/// A preset edited by `edit`, then run.
pub fn run_preset(name: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut scenario = preset(name);
    edit(&mut scenario);
    run(&scenario)
}

pub fn num(summary: &Value, key: &str) -> f64 {
    summary[key].as_f64().unwrap_or_else(|| panic!("{key} is not a number in {summary}"))
}

/// Any value of a control's whole inclusive range, weighted towards where behaviour changes:
/// each bound itself, and small values as often as large ones (log-uniform), plus uniform draws.
pub fn anywhere_in(min: u64, max: u64) -> BoxedStrategy<u64> {
    let span = (max - min) as f64 + 1.0;
    let log_uniform = (0.0..=1.0f64).prop_map(move |f| (min + (span.powf(f) as u64).saturating_sub(1)).min(max));
    prop_oneof![1 => Just(min), 1 => Just(max), 3 => log_uniform, 1 => min..=max].boxed()
}

/// `base` with every control of a system's range table drawn from its whole range: a control
/// added to the table is covered without touching the tests.
pub fn ranged<P: Clone + std::fmt::Debug + 'static>(base: P, ranges: &'static [Range<P>]) -> impl Strategy<Value = P> {
    let values: Vec<BoxedStrategy<u64>> = ranges.iter().map(|r| anywhere_in(r.min, r.max)).collect();
    values.prop_map(move |values| {
        let mut params = base.clone();
        for (range, value) in ranges.iter().zip(values) {
            (range.set)(&mut params, value);
        }
        params
    })
}

/// An optional control: unset, or anywhere in its range.
pub fn maybe_in(min: u64, max: u64) -> impl Strategy<Value = Option<u64>> {
    proptest::option::of(anywhere_in(min, max))
}
