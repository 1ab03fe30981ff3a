//! Driving the real `bpsim` binary from the CLI tests: `bpsim preset NAME | (edit) | bpsim run -`,
//! with the JSON summary parsed back. Shared by every system's CLI test file.
#![allow(dead_code)] // each test file uses its own subset

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
