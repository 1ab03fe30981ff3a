//! The engine compiled to wasm computes exactly what the native build computes: every preset's
//! state hash after two simulated minutes, in headless Chromium, equals the hash `bpsim hash`
//! printed natively. scripts/test.sh passes the native hashes in `BP_NATIVE_HASHES` at build
//! time (`name=hex,name=hex,…`).
#![cfg(target_arch = "wasm32")]

use backpressure_playground::scenario::{preset, presets};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The instant the hashes are taken at (or each run's end, if sooner).
const AT_MS: u64 = 120_000;

#[wasm_bindgen_test]
fn every_preset_hashes_in_wasm_as_it_does_natively() {
    let native = option_env!("BP_NATIVE_HASHES").expect("BP_NATIVE_HASHES: run through scripts/test.sh, which computes it with `bpsim hash`");
    let expected: Vec<(&str, &str)> = native.split(',').filter_map(|entry| entry.split_once('=')).collect();
    assert_eq!(expected.len(), presets::all().count(), "one native hash per preset: {native}");
    for (name, hex) in expected {
        let scenario = preset(name).unwrap_or_else(|| panic!("no preset {name}")).scenario();
        assert_eq!(format!("{:016x}", scenario.state_hash_at(AT_MS)), hex, "{name}: wasm and native runs differ");
    }
}
