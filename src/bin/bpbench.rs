//! `bpbench`: the engine's native budgets (speed per simulated hour, cost against message count,
//! memory over a simulated day at the maximum rates), one tab-separated row per figure:
//! `budget  case  measured  limit  verdict`. `scripts/bench.sh` adds the browser's rows and prints
//! them as one table.

use backpressure_playground::engine::kafka::KafkaSim;
use backpressure_playground::engine::node::NodeSim;
use backpressure_playground::engine::sqs::SqsSim;
use backpressure_playground::engine::{Millis, Simulation};
use backpressure_playground::scenario::{preset, stress, Scenario, System};
use std::alloc::{GlobalAlloc, Layout, System as SystemAllocator};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes and their high-water mark: the engine's memory, not the process's RSS.
struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { SystemAllocator.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { SystemAllocator.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const HOUR_MS: Millis = 3_600_000;
const SPEED_LIMIT_MS: f64 = 250.0;
const RATE_RATIO_LIMIT: f64 = 2.0;
const MEMORY_LIMIT_MB: f64 = 64.0;
/// "Flat after the first hour": no later hour holds more than this multiple of hour 1's heap.
const GROWTH_LIMIT: f64 = 1.10;
/// Timed runs per figure; the best one counts (the others measured the machine's noise).
const RUNS: usize = 5;

const USAGE: &str = "usage: bpbench    (no arguments) measure the engine's budgets, one tab-separated row each:
                   budget, case, measured, limit, verdict. scripts/bench.sh adds the browser's.";

fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            return std::process::ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("bpbench: unexpected argument {other:?}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    }
    for (label, name) in [
        ("article-export (Node, naive, to the last row)", "article-export"),
        ("article-export-piped (Node, to the last row)", "article-export-piped"),
        ("article-peak (Kafka, 10× peak)", "article-peak"),
        ("article-campaign (SQS, 50,000 msgs/min)", "article-campaign"),
    ] {
        let scenario = preset(name).unwrap_or_else(|| panic!("preset {name}")).scenario();
        let (ms, simulated) = best_time(&scenario, HOUR_MS);
        let case = format!("{label}: {} simulated", format_sim(simulated));
        row("engine: 1 simulated hour (or to the run's end)", &case, format!("{ms:.0} ms"), "≤ 250 ms", ms <= SPEED_LIMIT_MS);
    }

    // The same hour at 50 and at 50,000 messages a minute, steady (no spike): with the article's
    // caps the extra messages wait in the queue as cohorts; without them they also raise the
    // number of invocations running at once, each of which the slot grid draws.
    for (label, name) in [("capped (article-capped)", "article-capped"), ("uncapped (article-campaign)", "article-campaign")] {
        let steady = |messages_per_minute| {
            let mut scenario = preset(name).unwrap_or_else(|| panic!("preset {name}")).scenario();
            if let System::SqsLambda(params) = &mut scenario.system {
                params.arrivals.spike = None;
                params.arrivals.messages_per_minute = messages_per_minute;
            }
            best_time(&scenario, HOUR_MS).0
        };
        let (slow, fast, fastest) = (steady(50), steady(50_000), steady(1_000_000));
        row(
            "engine: cost vs message count",
            &format!("SQS {label}, an hour at 50,000 vs 50 msgs/min ({fast:.1} ms vs {slow:.1} ms)"),
            format!("{:.2}×", fast / slow),
            "< 2×",
            fast / slow < RATE_RATIO_LIMIT,
        );
        // Not the budget but the claim behind it, put where a fixed-step engine can be
        // held to it: once concurrency is saturated, 20× the messages cost the same.
        row(
            "engine: cost past saturation",
            &format!("SQS {label}, an hour at 1,000,000 vs 50,000 msgs/min ({fastest:.1} ms vs {fast:.1} ms)"),
            format!("{:.2}×", fastest / fast),
            "< 2×",
            fastest / fast < RATE_RATIO_LIMIT,
        );
    }

    for (name, scenario) in stress::all() {
        let day = memory_over_a_day(&scenario);
        let case = format!("{name} at max rates, {} simulated", format_sim(day.simulated));
        row("engine: memory, 24 h", &format!("{case}: peak"), format!("{:.1} MB", mb(day.peak)), "≤ 64 MB", mb(day.peak) <= MEMORY_LIMIT_MB);
        let growth = day.largest_after_first_hour as f64 / day.after_first_hour.max(1) as f64;
        row(
            "engine: memory, 24 h",
            &format!("{case}: largest later hour / hour 1 ({:.2} MB / {:.2} MB)", mb(day.largest_after_first_hour), mb(day.after_first_hour)),
            format!("{growth:.2}×"),
            "≤ 1.10×",
            growth <= GROWTH_LIMIT,
        );
    }
    std::process::ExitCode::SUCCESS
}

fn row(budget: &str, case: &str, measured: String, limit: &str, met: bool) {
    println!("{budget}\t{case}\t{measured}\t{limit}\t{}", if met { "met" } else { "MISSED" });
}

/// Runs a scenario's engine, whichever the system.
fn with_sim<R>(scenario: &Scenario, run: impl Fn(&mut dyn FnMut() -> (Millis, bool)) -> R) -> R {
    match &scenario.system {
        System::NodeStream(params) => drive(NodeSim::new(params.clone(), scenario.seed), run),
        System::Kafka(params) => drive(KafkaSim::new(params.clone(), scenario.seed), run),
        System::SqsLambda(params) => drive(SqsSim::new(params.clone(), scenario.seed), run),
    }
}

/// Hands `run` a function that steps the sim once and says where it is and whether it is done.
fn drive<S: Simulation, R>(mut sim: S, run: impl Fn(&mut dyn FnMut() -> (Millis, bool)) -> R) -> R {
    run(&mut || {
        sim.step();
        (sim.now(), sim.is_finished())
    })
}

/// Best wall time, in ms, of running to `until` (or the end), and the simulated time covered.
fn best_time(scenario: &Scenario, until: Millis) -> (f64, Millis) {
    let mut best = (f64::INFINITY, 0);
    for _ in 0..RUNS {
        let (elapsed, simulated) = with_sim(scenario, |step| {
            let start = Instant::now();
            let simulated = loop {
                let (now, finished) = step();
                if finished || now >= until {
                    break now;
                }
            };
            (start.elapsed().as_secs_f64() * 1000.0, simulated)
        });
        if elapsed < best.0 {
            best = (elapsed, simulated);
        }
    }
    best
}

struct Day {
    simulated: Millis,
    peak: usize,
    after_first_hour: usize,
    largest_after_first_hour: usize,
}

/// Live heap at each simulated hour of a day, measured from before the sim was built.
fn memory_over_a_day(scenario: &Scenario) -> Day {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    PEAK_BYTES.store(before, Ordering::Relaxed);
    let until = scenario.duration_ms.unwrap_or(24 * HOUR_MS);
    let (simulated, hourly) = with_sim(scenario, |step| {
        let mut hourly = Vec::new();
        let mut next_hour = HOUR_MS;
        let simulated = loop {
            let (now, finished) = step();
            if now >= next_hour || finished {
                hourly.push(LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before));
                next_hour += HOUR_MS;
            }
            if finished || now >= until {
                break now;
            }
        };
        (simulated, hourly)
    });
    let after_first_hour = hourly.first().copied().unwrap_or(0);
    Day {
        simulated,
        peak: PEAK_BYTES.load(Ordering::Relaxed).saturating_sub(before),
        after_first_hour,
        largest_after_first_hour: hourly.iter().skip(1).copied().max().unwrap_or(after_first_hour),
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn format_sim(ms: Millis) -> String {
    if ms >= HOUR_MS {
        format!("{:.1} h", ms as f64 / HOUR_MS as f64)
    } else {
        format!("{:.0} s", ms as f64 / 1000.0)
    }
}
