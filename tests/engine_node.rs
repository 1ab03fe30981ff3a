#![cfg(not(target_arch = "wasm32"))]
//! The Node-streams engine's semantics (docs/semantics.md §1), checked through the library API.
//!
//! Every numeric expectation carries a comment saying where it comes from: the model's arithmetic
//! or Node's rules as stated in semantics.md.

// Native only: proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use backpressure_playground::engine::node::{
    validate, Event, Export, ExportState, Mode, NodeParams, NodeSim, NodeSummary, Stage, StageKind,
};
use backpressure_playground::engine::node::{Cursor, Memory, Network};
use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::{preset, Scenario};
use proptest::prelude::*;

mod common;
use common::node::assert_conserved;

/// The article's export (presets.rs `article_export`), with a total small enough for fast tests:
/// 66,667 rows/s from the cursor, 3,125 rows/s to a 1 MB/s client, 320 B rows.
fn article(mode: Mode, total_rows: u64) -> NodeParams {
    NodeParams {
        mode,
        total_rows,
        row_bytes: 320,
        cursor: Cursor { batch_size: 100, round_trip_ms: 1, db_rows_per_second: 200_000, ..Cursor::default() },
        network: Network { client_bytes_per_second: 1_000_000, uplink_bytes_per_second: 125_000_000 },
        memory: Memory { container_limit_mb: Some(2048), ..Memory::default() },
        ..NodeParams::default()
    }
}

fn stage(kind: StageKind) -> Stage {
    Stage::new(kind)
}

fn sim(params: NodeParams, seed: u64) -> NodeSim {
    validate(&params).expect("test params are valid");
    NodeSim::new(params, seed)
}

/// The configurations the invariant tests sweep: no stages, every legal chain of stages,
/// a stage that ignores its hwm, a source that ignores the row limit, several exports.
fn configs() -> Vec<(&'static str, NodeParams)> {
    let base = |mode| article(mode, 20_000);
    let with = |mode, change: &dyn Fn(&mut NodeParams)| {
        let mut p = base(mode);
        change(&mut p);
        p
    };
    vec![
        ("naive", base(Mode::Naive)),
        ("pipe", base(Mode::Pipe)),
        ("pipe, node 22", with(Mode::Pipe, &|p| p.node_major = 22)),
        ("pipe, csv", with(Mode::Pipe, &|p| p.stages = vec![stage(StageKind::Csv)])),
        (
            "pipe, csv + gzip",
            with(Mode::Pipe, &|p| p.stages = vec![stage(StageKind::Csv), stage(StageKind::Gzip)]),
        ),
        (
            "pipe, batch + csv + gzip, slow csv",
            with(Mode::Pipe, &|p| {
                let csv = Stage { rows_per_second: 5_000, ..stage(StageKind::Csv) };
                p.stages = vec![stage(StageKind::Batch), csv, stage(StageKind::Gzip)];
            }),
        ),
        (
            "naive, csv + gzip",
            with(Mode::Naive, &|p| p.stages = vec![stage(StageKind::Csv), stage(StageKind::Gzip)]),
        ),
        (
            "pipe, csv ignoring its hwm",
            with(Mode::Pipe, &|p| {
                p.stages = vec![Stage { ignores_high_water_mark: true, rows_per_second: 2_000, ..stage(StageKind::Csv) }]
            }),
        ),
        ("pipe, source ignores row limit", with(Mode::Pipe, &|p| p.cursor.honours_row_limit = false)),
        (
            "pipe, 3 exports on a 1.5 MB/s uplink",
            with(Mode::Pipe, &|p| {
                p.concurrent_exports = 3;
                p.network.uplink_bytes_per_second = 1_500_000;
            }),
        ),
    ]
}

/// Steps `sim` for at most `steps`, calling `check(before, after)` around every step.
fn step_checked(sim: &mut NodeSim, steps: u64, mut check: impl FnMut(&[Export], &NodeSim)) {
    for _ in 0..steps {
        if sim.is_finished() {
            break;
        }
        let before = sim.exports().to_vec();
        sim.step();
        check(&before, sim);
    }
}

/// Events emitted by the step that just ran, in order.
fn events_of_last_step(sim: &NodeSim) -> Vec<(usize, Event)> {
    let now = sim.now();
    let mut latest: Vec<(usize, Event)> =
        sim.recent_events().rev().take_while(|e| e.at_ms == now).map(|e| (e.export, e.event)).collect();
    // The log keeps 32: a step that emitted that many could have lost some.
    assert!(latest.len() < 32, "too many events in one step to check");
    latest.reverse();
    latest
}

// ---------------------------------------------------------------------------------------------
// Determinism and step-size independence
// ---------------------------------------------------------------------------------------------

#[test]
fn same_params_and_seed_give_the_same_run() {
    for name in ["article-export", "article-export-piped", "n3-no-cursor", "n4-ignoring-source"] {
        let mut scenario: Scenario = preset(name).unwrap().scenario();
        scenario.duration_ms = Some(5_000);
        assert_eq!(scenario.run(), scenario.run(), "{name}");
        // Through the JSON a user would save and load.
        let reloaded = Scenario::from_json(&scenario.to_json_pretty()).unwrap();
        assert_eq!(reloaded.run(), scenario.run(), "{name} after a JSON round trip");
    }
    for (name, params) in configs() {
        let (mut a, mut b) = (sim(params.clone(), 7), sim(params, 7));
        a.run_until(3_000);
        b.run_until(3_000);
        assert_eq!(NodeSummary::of(&a), NodeSummary::of(&b), "{name}");
        assert_eq!(a.exports(), b.exports(), "{name}");
        assert_eq!(a.heap_series(), b.heap_series(), "{name}");
    }
}

#[test]
fn the_seed_is_what_varies_the_jitter() {
    // Guards the test above against passing because the RNG is never used: with 20 % jitter on
    // each round trip, two seeds cannot produce the same cursor timings over 666 round trips.
    let (mut a, mut b) = (sim(article(Mode::Pipe, 20_000), 1), sim(article(Mode::Pipe, 20_000), 2));
    a.run_until(1_000);
    b.run_until(1_000);
    assert_ne!(a.exports(), b.exports());
    // With no jitter the seed has nothing to vary.
    let mut still = article(Mode::Pipe, 20_000);
    still.cursor.jitter_percent = 0;
    let (mut a, mut b) = (sim(still.clone(), 1), sim(still, 2));
    a.run_until(1_000);
    b.run_until(1_000);
    assert_eq!(a.exports(), b.exports());
}

#[test]
fn results_do_not_depend_on_how_the_caller_slices_time() {
    const END: Millis = 4_000;
    for (name, params) in configs() {
        let mut by_step = sim(params.clone(), 3);
        for _ in 0..END {
            by_step.step();
        }
        let mut at_once = sim(params.clone(), 3);
        at_once.run_until(END);
        // Uneven chunks, like animation frames of varying length.
        let mut by_frames = sim(params, 3);
        let frames = [1, 16, 17, 33, 7, 250, 1, 999];
        let mut t = 0;
        for frame in frames.iter().cycle() {
            t = (t + frame).min(END);
            by_frames.run_until(t);
            if t == END {
                break;
            }
        }
        for other in [&at_once, &by_frames] {
            assert_eq!(other.now(), by_step.now(), "{name}");
            assert_eq!(NodeSummary::of(other), NodeSummary::of(&by_step), "{name}");
            assert_eq!(other.exports(), by_step.exports(), "{name}");
            assert_eq!(other.heap_series(), by_step.heap_series(), "{name}");
            assert!(other.recent_events().eq(by_step.recent_events()), "{name}");
        }
        // A finished run stays put however often it is stepped.
        let mut done = sim(article(Mode::Pipe, 1_000), 3);
        done.run_until(10_000);
        assert!(done.is_finished());
        let summary = NodeSummary::of(&done);
        done.step();
        done.run_until(20_000);
        assert_eq!(NodeSummary::of(&done), summary);
    }
}

// ---------------------------------------------------------------------------------------------
// Conservation
// ---------------------------------------------------------------------------------------------

#[test]
fn rows_are_conserved_at_every_step() {
    for (name, params) in configs() {
        let mut sim = sim(params, 11);
        assert_conserved(&sim, name);
        step_checked(&mut sim, 8_000, |before, after| {
            assert_conserved(after, name);
            for (b, a) in before.iter().zip(after.exports()) {
                // Counters only ever go up.
                assert!(a.counters.rows_fetched >= b.counters.rows_fetched, "{name}");
                assert!(a.counters.rows_delivered >= b.counters.rows_delivered, "{name}");
                assert!(a.counters.rows_written >= b.counters.rows_written, "{name}");
            }
        });
    }
}

#[test]
fn a_finished_export_delivered_every_row() {
    for (name, params) in configs() {
        let total = params.total_rows;
        let exports = params.concurrent_exports;
        let mut sim = sim(params, 5);
        sim.run_until(3_600_000);
        assert!(sim.death().is_none(), "{name}: 20,000 rows cannot fill the heap");
        assert!(sim.is_finished(), "{name}");
        let summary = NodeSummary::of(&sim);
        // Every row of every export reached its client, and nothing is left inside the process.
        assert_eq!(summary.rows_delivered, total * exports, "{name}");
        assert_eq!(summary.rows_buffered, 0, "{name}");
        assert!(summary.export_states.iter().all(|s| *s == ExportState::Done), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// highWaterMark bounds (semantics.md §1.2, §1.4, §1.6)
// ---------------------------------------------------------------------------------------------

/// Largest `length()` a heeded writable can reach: the write that crosses the hwm is accepted
/// whole, so objectMode stops at hwm objects and byte streams below hwm + one chunk.
fn heeded_limit(buffer: &backpressure_playground::engine::node::StreamBuffer) -> u64 {
    match buffer.content.bytes_per_row() {
        None => buffer.high_water_mark,
        Some(bytes_per_row) => buffer.high_water_mark + bytes_per_row - 1,
    }
}

#[test]
fn pipe_mode_keeps_every_buffer_within_one_chunk_of_its_hwm() {
    for (name, params) in configs() {
        let honouring = params.mode == Mode::Pipe
            && params.cursor.honours_row_limit
            && params.stages.iter().all(|s| !s.ignores_high_water_mark);
        if !honouring {
            continue;
        }
        let (readable_hwm, batch) = (params.readable.high_water_mark, params.cursor.batch_size);
        // With no slow stage, the 1 MB/s client is the bottleneck and the response fills up.
        let client_bound = params.stages.iter().all(|s| s.rows_per_second >= 1_000_000);
        let mut sim = sim(params, 13);
        let mut max_response = 0;
        let mut engaged = false;
        step_checked(&mut sim, 8_000, |_, after| {
            for export in after.exports() {
                let response = &export.response;
                max_response = max_response.max(response.length());
                engaged |= export.source_paused;
                assert!(
                    response.length() <= heeded_limit(response),
                    "{name}: response holds {} B, hwm {}",
                    response.length(),
                    response.high_water_mark
                );
                for (index, stage) in export.stages.iter().enumerate() {
                    assert!(stage.buffer.length() <= heeded_limit(&stage.buffer), "{name}: stage {index} over its hwm");
                }
                // The cursor asks for a batch only while the Readable is below its hwm
                // (pg-query-stream `_read`): at most hwm − 1 rows + one batch.
                assert!(
                    export.readable.rows() < readable_hwm + batch,
                    "{name}: readable holds {} rows",
                    export.readable.rows()
                );
            }
        });
        // The bounds were really tested: backpressure reached the application's source…
        assert!(engaged, "{name}: the source never paused");
        // …and, where the client is the bottleneck, the response did fill to its hwm.
        let hwm = sim.exports()[0].response.high_water_mark;
        if client_bound {
            assert!(max_response >= hwm, "{name}: response peaked at {max_response}, below its hwm {hwm}");
        }
    }
}

#[test]
fn naive_mode_blows_through_the_hwm() {
    let mut naive = sim(article(Mode::Naive, 2_000_000), 1);
    naive.run_until(2_000);
    let export = &naive.exports()[0];
    // 2 s × (66,667 − 3,125) rows/s × 320 B ≈ 40.7 MB queued, ~2,500 × the 16 KiB hwm.
    let queued = export.response.length();
    assert!(queued > 38_000_000 && queued < 42_000_000, "response holds {queued} B");
    assert!(export.readable.is_empty(), "the naive loop hands every row on at once");
    assert!(!export.source_paused, "the naive loop never pauses");
    // Only the writes before the first false returned true: ceil(16384 / 320) − 1 = 51.
    let c = export.counters;
    assert_eq!(c.rows_written - c.app_write_false, 51);

    // `write()` returns `length < hwm` (strict, semantics.md §1.2): with 256 B rows the 64th
    // write makes exactly 16,384 B and already returns false, so 16384 / 256 − 1 = 63 are true.
    let mut exact = sim(NodeParams { row_bytes: 256, ..article(Mode::Naive, 2_000_000) }, 1);
    exact.run_until(2_000);
    let c = exact.exports()[0].counters;
    assert_eq!(c.rows_written - c.app_write_false, 63);
}

#[test]
fn memory_follows_the_cost_model() {
    use backpressure_playground::engine::node::Content;
    const MIB: u64 = 1024 * 1024;
    for (name, params) in configs() {
        let memory = params.memory.clone();
        let mut sim = sim(params, 21);
        for t in [50, 500, 2_000] {
            sim.run_until(t);
            // COST_MODEL: row objects cost rowObjectBytes; text costs its bytes + chunkOverheadBytes;
            // a Buffer costs chunkOverheadBytes on the heap and its bytes outside it.
            let (mut heap, mut external) = (memory.base_heap_mb * MIB, 0);
            for export in sim.exports() {
                let buffers = std::iter::once(&export.readable)
                    .chain(export.stages.iter().map(|s| &s.buffer))
                    .chain(std::iter::once(&export.response));
                for buffer in buffers {
                    let rows = buffer.rows();
                    match buffer.content {
                        Content::Objects { .. } => heap += rows * memory.row_object_bytes,
                        Content::Text { bytes_per_row } => heap += rows * (bytes_per_row + memory.chunk_overhead_bytes),
                        Content::Binary { bytes_per_row } => {
                            heap += rows * memory.chunk_overhead_bytes;
                            external += rows * bytes_per_row;
                        }
                    }
                }
            }
            assert_eq!(sim.heap_bytes(), heap, "{name} at {t} ms");
            // RSS = heap + Buffers + native overhead.
            assert_eq!(sim.rss_bytes(), heap + external + memory.native_overhead_mb * MIB, "{name} at {t} ms");
        }
    }
}

#[test]
fn buffers_piling_up_outside_the_heap_meet_the_container_first() {
    // semantics.md §1.7: Buffers live outside the V8 heap, so a byte stage that ignores its hwm
    // inside a container is SIGKILLed with the heap far below V8's cap.
    let piling_gzip = Stage { ignores_high_water_mark: true, rows_per_second: 2_000, ..stage(StageKind::Gzip) };
    let mut params = article(Mode::Pipe, 2_000_000);
    params.stages = vec![stage(StageKind::Csv), Stage { compression_percent: 100, ..stage(StageKind::Gzip) }, piling_gzip];
    params.memory.container_limit_mb = Some(512);
    let mut sim = sim(params, 1);
    sim.run_until(60_000);
    let death = sim.death().expect("the container limit must be reached");
    assert_eq!(death.exit_code, 137);
    // 64,667 rows/s pile up as 320 B Buffers (20.7 MB/s outside the heap) + 100 B write requests
    // (6.5 MB/s on it): RSS = 70 MiB + 27.2 MB/s × t reaches 512 MiB at t ≈ 17 s.
    assert!((15_000..=19_000).contains(&death.at_ms), "died at {} ms", death.at_ms);
    // The heap: 30 MiB + 6.5 MB/s × 17 s ≈ 141 MB, nowhere near 2048 MiB.
    assert!(sim.peak_heap_bytes() < 160_000_000, "heap {}", sim.peak_heap_bytes());
    // Outside the heap, 320 B for every 100 B of write request on it.
    let external = (sim.rss_bytes() - sim.heap_bytes() - 40 * 1024 * 1024) as f64;
    let heap_growth = (sim.heap_bytes() - 30 * 1024 * 1024) as f64;
    assert!((external / heap_growth - 3.2).abs() < 0.05, "external {external} vs heap growth {heap_growth}");
}

// ---------------------------------------------------------------------------------------------
// 'drain' (semantics.md §1.3)
// ---------------------------------------------------------------------------------------------

#[test]
fn the_source_resumes_only_after_a_false_and_only_when_the_writable_is_empty() {
    let mut resumes_seen = 0;
    for (name, params) in configs() {
        if params.mode != Mode::Pipe {
            continue;
        }
        let mut sim = sim(params, 17);
        // Per export: the last app-level event was a heeded false (so a drain is owed).
        let mut owed = vec![false; sim.exports().len()];
        step_checked(&mut sim, 8_000, |before, after| {
            for (index, (b, a)) in before.iter().zip(after.exports()).enumerate() {
                if b.source_paused && !a.source_paused {
                    resumes_seen += 1;
                    // The first writable after the Readable: the first stage, or the response.
                    let first = |e: &Export| e.stages.first().map_or(e.response.rows(), |s| s.buffer.rows());
                    let written = a.counters.rows_written - b.counters.rows_written;
                    // Within a step the writable only loses rows before the app writes again, so
                    // if it had not emptied it would now hold more than this step's writes.
                    assert!(
                        first(a) <= written,
                        "{name}: export {index} resumed at {} ms with {} rows left of {} (wrote {written})",
                        after.now(),
                        first(a),
                        first(b)
                    );
                }
                assert!(a.counters.drains <= a.counters.write_false, "{name}: a 'drain' without a false");
            }
            for (index, event) in events_of_last_step(after) {
                match event {
                    Event::WriteReturnedFalse { heeded } => {
                        assert!(heeded, "{name}: pipe mode heeds every false");
                        assert!(!owed[index], "{name}: a second false while already paused");
                        owed[index] = true;
                    }
                    Event::DrainResumed => {
                        assert!(owed[index], "{name}: 'drain' reached the source without a false before it");
                        owed[index] = false;
                    }
                    _ => {}
                }
            }
            for (index, export) in after.exports().iter().enumerate() {
                assert_eq!(export.source_paused, owed[index], "{name}: paused state and events disagree");
            }
        });
    }
    assert!(resumes_seen > 100, "the configs must exercise pause and resume: {resumes_seen}");
}

// ---------------------------------------------------------------------------------------------
// A stage that ignores its hwm
// ---------------------------------------------------------------------------------------------

#[test]
fn rows_pile_up_in_a_stage_that_ignores_its_hwm() {
    // CSV formatting at 2,000 rows/s (640 kB/s) is slower than both the DB (66,667 rows/s) and
    // the client (1 MB/s): the stage is the bottleneck.
    let slow_csv = |ignores| Stage { rows_per_second: 2_000, ignores_high_water_mark: ignores, ..stage(StageKind::Csv) };
    let params = |ignores| NodeParams { stages: vec![slow_csv(ignores)], ..article(Mode::Pipe, 2_000_000) };

    let mut buggy = sim(params(true), 1);
    let mut stage_rows_at = Vec::new();
    for t in [5_000, 10_000] {
        let steps = t - buggy.now();
        step_checked(&mut buggy, steps, |_, after| {
            let export = &after.exports()[0];
            assert!(export.response.length() < export.response.high_water_mark, "the response never fills");
            assert!(!export.source_paused, "the buggy stage never says false, so nothing pauses");
        });
        stage_rows_at.push(buggy.exports()[0].stages[0].buffer.rows());
    }
    // (66,667 − 2,000) rows/s × 5 s = 323,000 rows more every 5 s (±10 % for jitter).
    let growth = stage_rows_at[1] - stage_rows_at[0];
    assert!((290_000..=356_000).contains(&growth), "the stage grew by {growth} rows in 5 s");
    assert!(stage_rows_at[1] > 600_000, "{stage_rows_at:?}");
    // As row objects at 600 B each: ≈ 388 MB of heap after 10 s.
    assert!(buggy.heap_bytes() > 350_000_000, "heap {}", buggy.heap_bytes());

    let mut fixed = sim(params(false), 1);
    step_checked(&mut fixed, 10_000, |_, after| {
        let export = &after.exports()[0];
        // objectMode hwm 16: the 16th write returns false and the source pauses.
        assert!(export.stages[0].buffer.length() <= 16);
    });
    // Base 30 MiB + (100 + 100 + 16) row objects + < 16 KiB + 320 B of text: under 32 MiB.
    assert!(fixed.peak_heap_bytes() < 32 * 1024 * 1024, "peak {}", fixed.peak_heap_bytes());
    // Same throughput either way, set by the stage: 2,000 rows/s × 10 s = 20,000 rows.
    for s in [&buggy, &fixed] {
        let delivered = NodeSummary::of(s).rows_delivered;
        assert!((19_000..=20_000).contains(&delivered), "delivered {delivered}");
    }
}

#[test]
fn a_fast_stage_does_not_throttle_the_pipeline() {
    // One write() → false → 'drain' → resume cycle takes microseconds in Node, so a 16-object
    // hwm bounds memory, not throughput: a csv stage good for 1,000,000 rows/s must let a
    // 10 MB/s client take its 10 MB/s / 320 B = 31,250 rows/s (not 16 rows per 1 ms step).
    let delivered_per_second = |stages: Vec<Stage>, node_major: u64, client: u64| {
        let mut params = article(Mode::Pipe, 100_000_000);
        params.cursor = Cursor { batch_size: 1_000, round_trip_ms: 0, db_rows_per_second: 10_000_000, ..Cursor::default() };
        params.network.client_bytes_per_second = client;
        params.node_major = node_major;
        params.stages = stages;
        let mut sim = sim(params, 1);
        sim.run_until(1_000);
        let before = sim.exports()[0].counters.rows_delivered;
        sim.run_until(3_000);
        (sim.exports()[0].counters.rows_delivered - before) as f64 / 2.0
    };
    let csv = delivered_per_second(vec![stage(StageKind::Csv)], 20, 10_000_000);
    assert!((csv - 31_250.0).abs() <= 5.0, "{csv} rows/s through a default csv stage"); // 10 MB/s / 320 B
    // A 100 MB/s client through a 16 KiB (Node 20) or 64 KiB (Node 22) response: the hwm changes
    // how much is queued, not the rate, which stays 100 MB/s / 320 B = 312,500 rows/s.
    for node_major in [20, 22] {
        let plain = delivered_per_second(vec![], node_major, 100_000_000);
        assert!((plain - 312_500.0).abs() <= 5.0, "node {node_major}: {plain} rows/s");
    }
    // A stage's own rate still binds: gzip output at 25 % is 80 B/row, so a 100 MB/s client could
    // take 1.25 M rows/s, but the default stage rate is 1,000,000 rows/s.
    let gzip = delivered_per_second(vec![stage(StageKind::Csv), stage(StageKind::Gzip)], 20, 100_000_000);
    assert!((gzip - 1_000_000.0).abs() <= 5.0, "{gzip} rows/s through csv + gzip");
}

// ---------------------------------------------------------------------------------------------
// Node 22's highWaterMark (semantics.md §1.1, nodejs/node#52037)
// ---------------------------------------------------------------------------------------------

#[test]
fn node_22_raises_the_byte_stream_default_to_64_kib() {
    let with_node = |node_major| NodeParams { node_major, stages: vec![stage(StageKind::Csv), stage(StageKind::Gzip)], ..article(Mode::Pipe, 20_000) };
    for (node_major, expected) in [(20, 16_384), (21, 16_384), (22, 65_536), (24, 65_536)] {
        let export = Export::new(&with_node(node_major));
        assert_eq!(export.response.high_water_mark, expected, "node {node_major} response");
        // The gzip stage takes bytes: its writable side has the byte default too.
        assert_eq!(export.stages[1].buffer.high_water_mark, expected, "node {node_major} gzip input");
        // objectMode stays at 16 objects in every version.
        assert_eq!(export.stages[0].buffer.high_water_mark, 16, "node {node_major} csv input");
        // The Readable takes pg-query-stream's batchSize (100), whatever the version.
        assert_eq!(export.readable.high_water_mark, 100);
    }
    // An explicit highWaterMark beats the version default.
    let mut explicit = with_node(22);
    explicit.response.high_water_mark = Some(1_000);
    assert_eq!(Export::new(&explicit).response.high_water_mark, 1_000);

    // And the simulation honours it: a piped response fills to its hwm, one row past at most.
    for (node_major, hwm) in [(20u64, 16_384u64), (22, 65_536)] {
        let params = NodeParams { node_major, ..article(Mode::Pipe, 20_000) };
        let mut sim = sim(params, 1);
        let mut max = 0;
        step_checked(&mut sim, 3_000, |_, after| max = max.max(after.exports()[0].response.length()));
        // The write that reaches the hwm is accepted whole: hwm ≤ max < hwm + one 320 B row.
        assert!(max >= hwm && max < hwm + 320, "node {node_major}: response peaked at {max} B, hwm {hwm}");
    }
}

// ---------------------------------------------------------------------------------------------
// The engine's own memory
// ---------------------------------------------------------------------------------------------

#[test]
fn engine_memory_stays_bounded_over_two_simulated_hours() {
    // A slow client keeps the export busy for the whole two hours: 1,000 B/s / 320 B ≈ 3 rows/s.
    let mut params = article(Mode::Pipe, 100_000);
    params.network.client_bytes_per_second = 1_000;
    let mut sim = sim(params, 1);
    const TWO_HOURS: Millis = 2 * 60 * 60 * 1000;
    sim.run_until(TWO_HOURS);
    assert_eq!(sim.now(), TWO_HOURS);
    assert!(!sim.is_finished());
    // SERIES_CAPACITY and EVENT_LOG_CAPACITY in sim.rs.
    let points = sim.heap_series().points();
    assert!(points.len() <= 512, "{} chart points", points.len());
    assert!(sim.recent_events().count() <= 32);
    // One pause/resume cycle sends ceil(16384 / 320) = 52 rows = 16,640 B, so 2 h × 1,000 B/s
    // makes ≈ 432 cycles (each logging a false and a drain): the event log really was trimmed.
    let drains = sim.exports()[0].counters.drains;
    assert!((420..=433).contains(&drains), "{drains} drains");
    assert_eq!(sim.recent_events().count(), 32);
    // Thinned, not truncated: the chart still spans the run and keeps the peak.
    assert!(points.first().unwrap().0 < 60_000);
    assert!(points.last().unwrap().0 > TWO_HOURS - 60_000);
    assert_eq!(sim.heap_series().max_value(), sim.peak_heap_bytes());
}

// ---------------------------------------------------------------------------------------------
// The shared uplink
// ---------------------------------------------------------------------------------------------

/// Bytes that left the process for the clients so far, including part-sent rows.
fn bytes_sent(sim: &NodeSim) -> u64 {
    sim.exports()
        .iter()
        .map(|e| {
            let per_row = e.response.content.bytes_per_row().unwrap();
            e.counters.rows_delivered * per_row + (e.response.rows() * per_row - e.response.length())
        })
        .sum()
}

#[test]
fn a_shared_uplink_slows_every_export_in_proportion() {
    let completion = |uplink| {
        let mut params = article(Mode::Pipe, 10_000);
        params.concurrent_exports = 4;
        params.network.uplink_bytes_per_second = uplink;
        let mut sim = sim(params, 1);
        sim.run_until(60_000);
        assert!(sim.is_finished() && sim.death().is_none());
        sim.completed_at_ms().unwrap() as f64
    };
    // Uplink ample: each client takes 1 MB/s, 10,000 × 320 B = 3.2 MB in 3.2 s.
    let free = completion(125_000_000);
    assert!((3_200.0..=3_210.0).contains(&free), "{free}");
    // 4 exports on a 2 MB/s uplink get 0.5 MB/s each: twice as long.
    let shared = completion(2_000_000);
    assert!((shared / free - 2.0).abs() < 0.02, "{shared} vs {free}");
    // On a 1 MB/s uplink, 0.25 MB/s each: four times as long.
    let tight = completion(1_000_000);
    assert!((tight / free - 4.0).abs() < 0.04, "{tight} vs {free}");
}

#[test]
fn the_uplink_carries_no_more_than_its_rate_over_any_window() {
    // The uplink's bytes for each step are one pool shared by every socket, so over any window
    // of steps the bytes sent stay within uplink × window, plus under one byte of RateCredit
    // rounding. Checked over every window ending at every step: against the rate since the
    // start, and over the last 1, 10 and 100 steps.
    for (round_trip_ms, uplink) in [(0u64, 500_000u64), (0, 2_000_000), (20, 2_000_000), (20, 3_000_000), (0, 1_000)] {
        let mut params = article(Mode::Pipe, 20_000);
        params.concurrent_exports = 6;
        params.cursor.round_trip_ms = round_trip_ms;
        params.network.uplink_bytes_per_second = uplink;
        let mut sim = sim(params, 9);
        let mut history = vec![0u64];
        step_checked(&mut sim, 10_000, |_, after| {
            let sent = bytes_sent(after);
            history.push(sent);
            let now = after.now();
            assert!(sent <= uplink * now / 1000, "rt {round_trip_ms} ms, uplink {uplink}: {sent} B by {now} ms");
            for window in [1u64, 10, 100] {
                if now >= window {
                    let in_window = sent - history[(now - window) as usize];
                    let allowed = uplink * window / 1000 + 1;
                    assert!(in_window <= allowed, "rt {round_trip_ms} ms, uplink {uplink}: {in_window} B in the {window} ms to {now} ms, allowed {allowed}");
                }
            }
        });
        // 6 × 1 MB/s of demand: past the first second the uplink is the bottleneck and runs at
        // its rate, within 1 % over the next 9 s (the slowest uplink: within one row a client).
        let rate = (bytes_sent(&sim) - history[1_000]) as f64 / 9.0;
        let tolerance = if uplink < 10_000 { 6.0 * 320.0 / 9.0 } else { 0.01 * uplink as f64 };
        assert!((rate - uplink as f64).abs() <= tolerance, "rt {round_trip_ms} ms: {rate} B/s on a {uplink} B/s uplink");
    }
}

#[test]
fn fast_clients_share_the_uplink_even_when_exports_empty_within_a_step() {
    // The reviewed repro: 50 exports of 10^6 rows × 300 B to clients that each could take
    // 1.25 GB/s, on the default 125 MB/s uplink. Every socket empties within each step, so
    // counting only the sockets holding bytes at the start of a step let each send at the full
    // uplink: done at 20 s (748 MB/s). The uplink allows 50 × 3 × 10^8 B / 125 MB/s = 120 s.
    let params = NodeParams {
        total_rows: 1_000_000,
        concurrent_exports: 50,
        network: Network { client_bytes_per_second: 1_250_000_000, uplink_bytes_per_second: 125_000_000 },
        ..NodeParams::default()
    };
    let mut sim = sim(params, 1);
    sim.run_until(200_000);
    let done = sim.completed_at_ms().expect("every export completes") as f64;
    assert!((120_000.0..=120_200.0).contains(&done), "completed at {done} ms");
    // Shared fairly: every export finishes within a second of the others.
    let first = sim.exports().iter().map(|e| e.completed_at_ms.unwrap()).min().unwrap() as f64;
    assert!(done - first <= 1_000.0, "first done at {first} ms, last at {done} ms");
}

// ---------------------------------------------------------------------------------------------
// Property: random valid parameters
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn conservation_holds_for_any_valid_params(params in common::node::params(), seed in any::<u64>()) {
        prop_assert_eq!(validate(&params), Ok(()));
        let honouring = params.mode == Mode::Pipe
            && params.cursor.honours_row_limit
            && params.stages.iter().all(|s| !s.ignores_high_water_mark);
        let mut sim = NodeSim::new(params, seed);
        step_checked(&mut sim, 5_000, |_, after| {
            assert_conserved(after, "proptest");
            if honouring {
                for export in after.exports() {
                    assert!(export.response.length() <= heeded_limit(&export.response));
                    for stage in &export.stages {
                        assert!(stage.buffer.length() <= heeded_limit(&stage.buffer));
                    }
                }
            }
            if let Some(death) = after.death() {
                assert!(after.exports().iter().all(|e| e.state == ExportState::Dead));
                assert_eq!(death.at_ms, after.now());
            }
        });
        // Stepping a finished simulation changes nothing.
        if sim.is_finished() {
            let summary = NodeSummary::of(&sim);
            sim.step();
            prop_assert_eq!(NodeSummary::of(&sim), summary);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cost per step: tiny marks
// ---------------------------------------------------------------------------------------------

#[test]
fn stages_with_a_mark_of_one_pass_rows_at_their_rate() {
    // Four stages and the response all at highWaterMark 1: every row is its own
    // write() → false → 'drain' cycle at every hop. The stages (10^6 rows/s each) bound the
    // flow, not the number of hop cycles the engine runs per step (formerly 64 rows per 1 ms).
    let one = |kind| Stage { high_water_mark: Some(1), rows_per_chunk: 1, ..stage(kind) };
    let mut params = article(Mode::Pipe, 10_000_000);
    params.stages = vec![one(StageKind::Batch), one(StageKind::Batch), one(StageKind::Csv), one(StageKind::Gzip)];
    params.response.high_water_mark = Some(1);
    params.cursor = Cursor { batch_size: 100, round_trip_ms: 0, db_rows_per_second: 10_000_000, ..Cursor::default() };
    params.network = Network { client_bytes_per_second: 1_250_000_000, uplink_bytes_per_second: 12_500_000_000 };
    let mut sim = sim(params, 5);
    let mut checked = 0;
    step_checked(&mut sim, 1_000, |_, after| {
        assert_conserved(after, "hwm 1 chain");
        checked += 1;
    });
    assert_eq!(checked, 1_000);
    // 1 s at 10^6 rows/s through each stage; the first steps fill the chain.
    let delivered = sim.exports()[0].counters.rows_delivered as f64;
    assert!((990_000.0..=1_000_000.0).contains(&delivered), "{delivered} rows delivered in 1 s");
    // Each row still made each hop's write() return false once (4 stage inputs + the response).
    let c = sim.exports()[0].counters;
    assert!(c.write_false >= 5 * c.rows_delivered, "{c:?}");
}

#[test]
fn at_death_the_peak_overshoots_the_limit_by_at_most_the_last_steps_growth() {
    // Documented in README (Summary): peaks are measured at the end of a step, so the dying
    // step's whole growth counts. Extreme settings: a 16 MiB heap, 10^7 rows/s of 16 kB rows.
    let mut params = article(Mode::Naive, 100_000_000);
    params.cursor = Cursor { honours_row_limit: false, db_rows_per_second: 10_000_000, ..Cursor::default() };
    params.memory = Memory { max_old_space_size_mb: 16, base_heap_mb: 0, row_object_bytes: 16_000, container_limit_mb: None, ..Memory::default() };
    let mut sim = sim(params, 1);
    let mut heap_before = 0;
    while !sim.is_finished() {
        heap_before = sim.heap_bytes();
        sim.step();
    }
    let limit = sim.heap_limit_bytes();
    assert!(sim.death().is_some());
    assert_eq!(sim.peak_heap_bytes(), sim.heap_bytes(), "the peak is the dying step's heap");
    assert!(heap_before < limit && sim.peak_heap_bytes() >= limit);
    assert!(sim.peak_heap_bytes() - limit <= sim.heap_bytes() - heap_before);
}
