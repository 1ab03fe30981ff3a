#![cfg(not(target_arch = "wasm32"))]
//! The real cases, reproduced through the CLI path a reader would use:
//! `bpsim preset NAME | (edit) | bpsim run -`, with the JSON summary parsed back.
//!
//! Every numeric expectation is derived from the preset's parameters (the model's arithmetic) or
//! from the source case in docs/semantics.md §4; the comment on each says which.


use backpressure_playground::scenario::presets;
use serde_json::Value;

mod common;
use common::{bpsim, num, preset, run, run_preset};
use std::process::Output;

const MIB: f64 = 1024.0 * 1024.0;
const MB: f64 = 1_000_000.0;

fn died(summary: &Value) -> Option<(String, i64, f64)> {
    let died = &summary["died"];
    if died.is_null() {
        return None;
    }
    Some((died["cause"].as_str().unwrap().to_string(), died["exit_code"].as_i64().unwrap(), died["at_ms"].as_f64().unwrap()))
}

fn assert_between(what: &str, value: f64, low: f64, high: f64) {
    assert!((low..=high).contains(&value), "{what} = {value} is outside {low}..={high}");
}

/// The piped / honouring variants keep at most this much in one export's buffers, by the model's
/// bounds: the Readable holds < hwm rows when the cursor asks, plus one batch, as row objects;
/// the response holds < hwm + one row of text, each row with its write-request overhead.
fn bounded_buffer_bytes(p: &Value) -> f64 {
    let n = |v: &Value| v.as_f64().unwrap();
    let row_bytes = n(&p["rowBytes"]);
    let readable_rows = n(&p["readable"]["highWaterMark"]) + n(&p["cursor"]["batchSize"]);
    let response_hwm = if n(&p["nodeMajor"]) >= 22.0 { 65_536.0 } else { 16_384.0 };
    let response_rows = ((response_hwm + row_bytes) / row_bytes).ceil();
    readable_rows * n(&p["memory"]["rowObjectBytes"]) + response_rows * (row_bytes + n(&p["memory"]["chunkOverheadBytes"]))
}

// ---------------------------------------------------------------------------------------------
// The article's export (article-brief.md, Problem 1)
// ---------------------------------------------------------------------------------------------

#[test]
fn article_export_holds_about_800_mb_after_30_seconds() {
    let summary = run_preset("article-export", |s| s["duration_ms"] = 30_000.into());
    // Cursor: 100 rows per 1 ms + 100/200,000 s = 1.5 ms → 66,667 rows/s fetched; client 1 MB/s
    // / 320 B = 3,125 rows/s delivered; 63,542 rows/s × 420 B × 30 s = 800.6 MB, + 30 MiB base = 832 MB.
    assert_between("peak heap (MB)", num(&summary, "peak_heap_bytes") / MB, 750.0, 900.0);
    assert_eq!(died(&summary), None);
    // 2,000,000 rows / 66,667 rows/s = 30 s: the whole table is (about) fetched by now.
    assert_between("rows fetched", num(&summary, "rows_fetched"), 1_900_000.0, 2_000_000.0);
    // 30 s × 1 MB/s / 320 B = 93,750 rows reached the client.
    assert_between("rows delivered", num(&summary, "rows_delivered"), 93_000.0, 93_750.0);
}

#[test]
fn article_export_alone_completes_at_640_seconds() {
    let summary = run_preset("article-export", |_| {});
    assert_eq!(died(&summary), None, "{summary}");
    // 2,000,000 rows × 320 B / 1 MB/s = 640 s; the first round trip (~1.5 ms) costs a step or two.
    assert_between("completed_at_ms", num(&summary, "completed_at_ms"), 640_000.0, 640_005.0);
    // Every fetched row reaches the client.
    assert_eq!(num(&summary, "rows_delivered"), 2_000_000.0);
    // The naive loop ignores write(): only the first ceil(16384 / 320) - 1 = 51 writes return true.
    assert_between("writes returning true", num(&summary, "rows_written") - num(&summary, "app_write_false"), 51.0, 52.0);
}

#[test]
fn article_export_two_at_once_survive() {
    let summary = run_preset("article-export", |s| s["params"]["concurrentExports"] = 2.into());
    assert_eq!(died(&summary), None, "{summary}");
    // Each export peaks at ~800 MB (see above): 2 × 800.6 MB + 30 MiB base ≈ 1,633 MB, under 2048 MiB.
    assert_between("peak heap (MB)", num(&summary, "peak_heap_bytes") / MB, 1_550.0, 1_700.0);
    // RSS = heap + 40 MiB native overhead stays under the 2048 MiB container limit.
    assert!(num(&summary, "peak_rss_bytes") < 2048.0 * MIB);
    // The 125 MB/s uplink does not bind for two 1 MB/s clients: still 640 s each.
    assert_between("completed_at_ms", num(&summary, "completed_at_ms"), 640_000.0, 640_005.0);
    assert_eq!(num(&summary, "rows_delivered"), 4_000_000.0);
}

#[test]
fn article_export_three_at_once_are_oom_killed_within_30_seconds() {
    let summary = run_preset("article-export", |s| s["params"]["concurrentExports"] = 3.into());
    let (cause, exit_code, at_ms) = died(&summary).expect("three exports must kill the process");
    // RSS reaches the 2048 MiB container limit before the heap reaches V8's 2048 MiB cap.
    assert_eq!(cause, "sigkill");
    assert_eq!(exit_code, 137); // 128 + SIGKILL (semantics.md §1.9)
    // RSS = 70 MiB + 3 × 26.69 MB/s × t reaches 2048 MiB at t ≈ 25.9 s.
    assert_between("death at (ms)", at_ms, 23_000.0, 30_000.0);
    assert!(num(&summary, "peak_rss_bytes") >= 2048.0 * MIB, "killed at the limit");
    assert_eq!(summary["completed_at_ms"], Value::Null);
    // Rows still inside the process die with it.
    assert!(num(&summary, "rows_buffered") > 1_000_000.0);
}

#[test]
fn article_export_piped_completes_with_flat_memory() {
    let scenario = preset("article-export-piped");
    assert_eq!(scenario["params"]["mode"], "pipe");
    let base = scenario["params"]["memory"]["baseHeapMb"].as_f64().unwrap() * MIB;
    let bound = bounded_buffer_bytes(&scenario["params"]);
    let summary = run(&scenario);
    assert_eq!(died(&summary), None, "{summary}");
    // Pausing changes nothing about the bottleneck: 2,000,000 × 320 B / 1 MB/s = 640 s.
    assert_between("completed_at_ms", num(&summary, "completed_at_ms"), 640_000.0, 640_005.0);
    assert_eq!(num(&summary, "rows_delivered"), 2_000_000.0);
    assert_eq!(num(&summary, "rows_buffered"), 0.0);
    // Heap = base + one export's bounded buffers (≈ 92 kB), nowhere near the naive 800 MB.
    let peak = num(&summary, "peak_heap_bytes");
    assert!(peak >= base && peak <= base + bound, "peak heap {peak} vs base {base} + bound {bound}");
}

#[test]
fn article_export_piped_stays_flat_with_fifty_exports() {
    let mut scenario = preset("article-export-piped");
    scenario["params"]["concurrentExports"] = 50.into();
    scenario["duration_ms"] = 30_000.into();
    let base = scenario["params"]["memory"]["baseHeapMb"].as_f64().unwrap() * MIB;
    let bound = bounded_buffer_bytes(&scenario["params"]);
    let summary = run(&scenario);
    assert_eq!(died(&summary), None, "{summary}");
    // 50 × the per-export bound ((100 + 100) rows × 600 B + 53 × 420 B ≈ 142 kB) ≈ 7 MB above the
    // 30 MiB base, where naive would need gigabytes and die.
    let peak = num(&summary, "peak_heap_bytes");
    assert!(peak <= base + 50.0 * bound, "peak heap {peak} vs base {base} + 50 × {bound}");
    assert!(peak - base < 8.0 * MB, "within a few MB of the base heap: {}", peak - base);
    // The uplink (125 MB/s / 50 = 2.5 MB/s each) does not bind: each client still takes
    // 1 MB/s / 320 B × 30 s = 93,750 rows.
    assert_between("rows delivered", num(&summary, "rows_delivered"), 50.0 * 93_000.0, 50.0 * 93_750.0);
}

// ---------------------------------------------------------------------------------------------
// N1: nodejs/node#39144, a synchronous write() loop
// ---------------------------------------------------------------------------------------------

#[test]
fn n1_write_loop_aborts_on_the_heap_limit() {
    let summary = run_preset("n1-write-loop", |_| {});
    let (cause, exit_code, at_ms) = died(&summary).expect("N1 must die");
    // A heap of strings hits V8's cap before any container: the FATAL ERROR + SIGABRT signature.
    assert_eq!(cause, "heap_oom");
    assert_eq!(exit_code, 134); // 128 + SIGABRT (semantics.md §1.9, pm2#5994)
    // (2048 − 30) MiB / (500,000 writes/s × (20 + 85) B) = 40.3 s; the source case saw ~42 s.
    assert_between("death at (ms)", at_ms, 35_000.0, 45_000.0);
    // The process dies in the step that crosses 2048 MiB; one step adds 500 × 105 B = 52,500 B.
    let peak = num(&summary, "peak_heap_bytes");
    assert_between("peak heap", peak, 2048.0 * MIB, 2048.0 * MIB + 52_500.0);
    // write() returns true only until 16 KiB are queued: ceil(16384 / 20) = 820 calls at most;
    // after that, at 50 rows/s flushed against 500,000 written, every call returns false.
    let written = num(&summary, "rows_written");
    assert!(written - num(&summary, "app_write_false") <= 820.0, "{summary}");
    assert!(written > 19_000_000.0, "~40 s × 500,000 writes/s");
}

#[test]
fn n1_awaiting_drain_keeps_memory_flat() {
    let mut scenario = preset("n1-write-loop");
    scenario["params"]["cursor"]["honoursRowLimit"] = true.into();
    scenario["params"]["mode"] = "pipe".into();
    scenario["duration_ms"] = 60_000.into();
    let base = scenario["params"]["memory"]["baseHeapMb"].as_f64().unwrap() * MIB;
    let bound = bounded_buffer_bytes(&scenario["params"]);
    let summary = run(&scenario);
    // Past the 40 s at which the naive loop died.
    assert_eq!(num(&summary, "sim_ms"), 60_000.0);
    assert_eq!(died(&summary), None, "{summary}");
    // Readable ≤ 16 + 100 row objects, response < 16 KiB + one 20 B row: ≈ 100 kB above base.
    let peak = num(&summary, "peak_heap_bytes");
    assert!(peak <= base + bound, "peak heap {peak} vs base {base} + bound {bound}");
    // The client's 1,000 B/s / 20 B = 50 rows/s is now what sets the pace: 60 s × 50 = 3,000 rows.
    assert_between("rows delivered", num(&summary, "rows_delivered"), 2_900.0, 3_000.0);
}

// ---------------------------------------------------------------------------------------------
// N3: brianc/node-pg-query-stream#48, a server that ignores the portal row limit
// ---------------------------------------------------------------------------------------------

#[test]
fn n3_without_a_row_limit_the_result_set_fills_the_heap() {
    let summary = run_preset("n3-no-cursor", |_| {});
    let (cause, exit_code, _) = died(&summary).expect("N3 must die");
    assert_eq!(cause, "heap_oom"); // the source case: "JavaScript heap out of memory"
    assert_eq!(exit_code, 134);
    // (1400 − 30) MiB / 1,500 B per row object ≈ 957,700 rows held, plus the ~2,000 rows/s delivered:
    // it dies just short of the 1,000,000-row result set, as in the issue.
    assert_between("rows fetched", num(&summary, "rows_fetched"), 900_000.0, 1_000_000.0);
    // Node 8's ~1.4 GB cap, set as maxOldSpaceSizeMb 1400.
    assert!(num(&summary, "peak_heap_bytes") >= 1400.0 * MIB);
}

#[test]
fn n3_with_the_row_limit_memory_does_not_depend_on_the_total() {
    let with_total = |total: u64| {
        let mut scenario = preset("n3-no-cursor");
        scenario["params"]["cursor"]["honoursRowLimit"] = true.into();
        scenario["params"]["totalRows"] = total.into();
        // 100,000 rows at 1 MB/s / 500 B = 2,000 rows/s finish in 50 s; the 1,000,000-row run is
        // well past its steady state by 120 s.
        scenario["duration_ms"] = 120_000.into();
        let bound = bounded_buffer_bytes(&scenario["params"]);
        (run(&scenario), bound)
    };
    let (small, bound) = with_total(100_000);
    let (large, _) = with_total(1_000_000);
    assert_eq!(died(&small), None, "{small}");
    assert_eq!(died(&large), None, "{large}");
    // 100,000 / 2,000 rows/s = 50 s.
    assert_between("small completed_at_ms", num(&small, "completed_at_ms"), 50_000.0, 50_010.0);
    // Flat: ten times the rows, the same peak (within 1 %).
    let (ps, pl) = (num(&small, "peak_heap_bytes"), num(&large, "peak_heap_bytes"));
    assert!((pl - ps).abs() <= 0.01 * ps, "peak {ps} for 100k rows vs {pl} for 1M rows");
    // And that peak is batch-sized: ≈ (16 + 100) × 1,500 B + 16 KiB of text above the 30 MiB base.
    assert!(pl <= 30.0 * MIB + bound, "peak {pl} vs bound {bound}");
}

// ---------------------------------------------------------------------------------------------
// N4: knex/knex#484, a source that keeps pushing into a 1 GiB container
// ---------------------------------------------------------------------------------------------

#[test]
fn n4_ignoring_source_is_killed_by_the_container() {
    let summary = run_preset("n4-ignoring-source", |_| {});
    let (cause, exit_code, at_ms) = died(&summary).expect("N4 must die");
    // The container's 1024 MiB sits below V8's 2048 MiB: the kernel kills first, no JS error.
    assert_eq!(cause, "sigkill");
    assert_eq!(exit_code, 137);
    // (1024 − 70) MiB / (90 rows/s × 65,736 B) = 169 s.
    assert_between("death at (ms)", at_ms, 150_000.0, 190_000.0);
    assert!(num(&summary, "peak_rss_bytes") >= 1024.0 * MIB);
    assert!(num(&summary, "peak_heap_bytes") < 2048.0 * MIB, "the heap cap was never reached");
}

#[test]
fn n4_rss_grows_at_source_rate_minus_read_rate_times_row_size() {
    let rss_at = |ms: u64| {
        let summary = run_preset("n4-ignoring-source", |s| s["duration_ms"] = ms.into());
        assert_eq!(died(&summary), None, "still alive at {ms} ms: {summary}");
        num(&summary, "peak_rss_bytes")
    };
    let per_second = (rss_at(120_000) - rss_at(60_000)) / 60.0;
    // (100 − 10) rows/s × 65,736 B (rowObjectBytes: rows pile up as objects in the paused Readable).
    let expected = 90.0 * 65_736.0;
    assert!((per_second - expected).abs() <= 0.10 * expected, "RSS grows {per_second} B/s, expected ≈ {expected}");
}

#[test]
fn n4_with_a_source_that_honours_backpressure_stays_flat() {
    let run_for = |ms: u64| {
        let mut scenario = preset("n4-ignoring-source");
        scenario["params"]["cursor"]["honoursRowLimit"] = true.into();
        scenario["duration_ms"] = ms.into();
        let bound = bounded_buffer_bytes(&scenario["params"]);
        (run(&scenario), bound)
    };
    let (short, _) = run_for(60_000);
    let (long, bound) = run_for(600_000);
    // Ten minutes, over three times the 169 s at which the ignoring source was killed.
    assert_eq!(num(&long, "sim_ms"), 600_000.0);
    assert_eq!(died(&long), None, "{long}");
    // Flat: the peak after 600 s is the peak after 60 s.
    let (ps, pl) = (num(&short, "peak_rss_bytes"), num(&long, "peak_rss_bytes"));
    assert!((pl - ps).abs() <= 0.01 * ps, "peak RSS {ps} at 60 s vs {pl} at 600 s");
    // Base 30 MiB + native 40 MiB + (16 + 100) rows × 65,736 B + two 64 KiB rows of text ≈ 78 MiB.
    assert!(pl <= 70.0 * MIB + bound, "peak RSS {pl} vs bound {bound}");
    // The reader's 10 rows/s still sets the pace: 600 s × 10 = 6,000 rows.
    assert_between("rows delivered", num(&long, "rows_delivered"), 5_900.0, 6_000.0);
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit code 2 and a message that names the field
// ---------------------------------------------------------------------------------------------

fn assert_rejected(out: &Output, mentions: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "nothing on stdout when the input is bad");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for word in mentions {
        assert!(stderr.contains(word), "stderr {stderr:?} should mention {word:?}");
    }
}

#[test]
fn out_of_range_value_in_a_file_names_its_path() {
    let mut scenario = preset("article-export");
    scenario["params"]["concurrentExports"] = 99.into();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bpsim-concurrent-99.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let out = bpsim(&["run", path.to_str().unwrap()], None);
    assert_rejected(&out, &["params.concurrentExports", "99", "1..=50"]);
}

#[test]
fn unknown_key_names_its_full_path() {
    let mut scenario = preset("article-export");
    scenario["params"]["cursor"]["batchSise"] = 100.into();
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["params.cursor.batchSise"]);

    let mut scenario = preset("article-export");
    scenario["params"]["stages"] = serde_json::json!([{ "kind": "csv", "rowsPerSec": 5 }]);
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["params.stages[0].rowsPerSec"]);

    let mut scenario = preset("article-export");
    scenario["durationMs"] = 5.into();
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["durationMs"]);
}

#[test]
fn invalid_json_is_rejected() {
    let text = preset("article-export").to_string();
    let truncated = &text[..text.len() / 2];
    assert_rejected(&bpsim(&["run", "-"], Some(truncated)), &["bpsim"]);
    assert_rejected(&bpsim(&["run", "-"], Some("not json")), &["bpsim"]);
}

#[test]
fn missing_file_and_unknown_preset_are_rejected() {
    assert_rejected(&bpsim(&["preset", "nope"], None), &["nope"]);
    assert_rejected(&bpsim(&["run", "/nonexistent/scenario.json"], None), &["/nonexistent/scenario.json"]);
    assert_rejected(&bpsim(&["frobnicate"], None), &["unknown command “frobnicate”", "usage"]);
    assert_rejected(&bpsim(&["run", "a.json", "b.json"], None), &["wrong arguments for “run”", "usage"]);
    assert_rejected(&bpsim(&["run", "/tmp"], None), &["/tmp"]);
    // Endless input is cut off with a reason instead of filling the memory.
    assert_rejected(&bpsim(&["run", "/dev/zero"], None), &["larger than 16 MiB"]);
}

#[test]
fn version_prints_the_crate_version() {
    let out = bpsim(&["--version"], None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("bpsim {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn presets_lists_every_preset_and_each_one_round_trips() {
    let out = bpsim(&["presets"], None);
    assert!(out.status.success());
    let listing = String::from_utf8(out.stdout).unwrap();
    let listed: Vec<&str> = listing.lines().filter_map(|line| line.split_whitespace().next()).collect();
    let names: Vec<&str> = presets::all().map(|p| p.name).collect();
    assert_eq!(listed, names, "one line per preset, in order");
    for name in names {
        // Every preset printed by the CLI is accepted back by the CLI (with a short run).
        let scenario = preset(name);
        let summary = run_preset(name, |s| s["duration_ms"] = 100.into());
        assert_eq!(summary["scenario"], scenario["scenario"], "{name}: the summary names the preset's system");
        assert_eq!(num(&summary, "sim_ms"), 100.0, "{name}");
    }
}

#[test]
fn arrays_in_place_of_objects_are_rejected_with_their_path() {
    // serde would read an array as a struct, field by field in order: `["naive", 22, 5]` ran as
    // mode naive, nodeMajor 22, totalRows 5.
    let mut scenario = preset("article-export");
    scenario["params"] = serde_json::json!(["naive", 22, 5]);
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["params:", "expected an object"]);

    let top_level = serde_json::json!(["node-stream", 1, 0, null, {}]);
    assert_rejected(&bpsim(&["run", "-"], Some(&top_level.to_string())), &["(top level)", "expected an object"]);

    let mut scenario = preset("article-export");
    scenario["params"]["cursor"] = serde_json::json!([100, 1, 200_000, true, 20]);
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["params.cursor:", "expected an object"]);

    let mut scenario = preset("article-export");
    scenario["params"]["stages"] = serde_json::json!([["csv"]]);
    assert_rejected(&bpsim(&["run", "-"], Some(&scenario.to_string())), &["params.stages[0]:", "expected an object"]);

    // Lists stay lists, in every system.
    for name in ["article-export", "article-peak", "article-campaign"] {
        let summary = run_preset(name, |s| s["duration_ms"] = 1_000.into());
        assert_eq!(num(&summary, "sim_ms"), 1_000.0, "{name}");
    }
    let mut scenario = preset("article-export");
    scenario["params"]["stages"] = serde_json::json!([{ "kind": "csv" }]);
    scenario["duration_ms"] = 10.into();
    assert_eq!(num(&run(&scenario), "sim_ms"), 10.0);
}

#[test]
fn errors_say_what_the_json_should_hold_not_the_rust_type() {
    let mut scenario = preset("article-export");
    scenario["params"] = 5.into();
    let out = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_rejected(&out, &["params:", "expected an object"]);
    let out_top = bpsim(&["run", "-"], Some("5"));
    assert_rejected(&out_top, &["(top level)", "expected an object"]);
    let mut scenario = preset("article-export");
    scenario["version"] = "1".into();
    let out_version = bpsim(&["run", "-"], Some(&scenario.to_string()));
    assert_rejected(&out_version, &["version:", "expected a non-negative integer"]);
    for out in [out, out_top, out_version] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        for rust in ["struct", "Envelope", "NodeParams", "u32", "u64"] {
            assert!(!stderr.contains(rust), "stderr {stderr:?} names the Rust type {rust:?}");
        }
    }
}

#[test]
fn a_leading_byte_order_mark_is_accepted() {
    let mut scenario = preset("article-export");
    scenario["duration_ms"] = 10.into();
    let out = bpsim(&["run", "-"], Some(&format!("\u{feff}{scenario}")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(num(&summary, "sim_ms"), 10.0);
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    for flag in ["--help", "-h"] {
        let out = bpsim(&[flag], None);
        assert_eq!(out.status.code(), Some(0), "{flag}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("usage") && stdout.contains("bpsim run FILE"), "{flag}: {stdout}");
        assert!(out.stderr.is_empty(), "{flag}");
    }
}

#[test]
fn a_reader_that_stops_reading_is_not_an_error() {
    use std::process::Command;
    // `bpsim presets | head -1`: here the reader is gone before bpsim starts, so every write
    // meets a closed pipe; bpsim's status comes back through the file.
    let status_file = std::env::temp_dir().join(format!("bpsim-pipe-{}", std::process::id()));
    for args in ["presets", "--help", "preset article-peak"] {
        let script = format!("(sleep 0.3; \"$0\" {args} 2>&1; echo $? > \"$1\") | head -c 0");
        let out = Command::new("sh").args(["-c", &script, env!("CARGO_BIN_EXE_bpsim"), status_file.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{args}: {out:?}");
        std::thread::sleep(std::time::Duration::from_millis(600));
        let status = std::fs::read_to_string(&status_file).unwrap_or_default();
        assert_eq!(status.trim(), "0", "{args}: bpsim exited {status:?} on a closed pipe");
    }
    let _ = std::fs::remove_file(&status_file);
}
