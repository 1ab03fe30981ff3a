//! Browser tests of the Kafka widget (wasm-bindgen-test in headless Chromium): the log tape and
//! the lag chart draw what the engine holds, and a control changes the running engine.
#![cfg(target_arch = "wasm32")]

use backpressure_playground::ui::kafka::lag_chart::{LagChart, LagChartProps};
use backpressure_playground::ui::kafka::log_tape::{LogTape, LogTapeProps};
use backpressure_playground::ui::kafka::state::{Action, KafkaPlayground};
use backpressure_playground::ui::run::RunAction;
use backpressure_playground::ui::kafka::KafkaWidget;
use backpressure_playground::engine::Simulation;
use gloo_timers::future::TimeoutFuture;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;
use browser::{fresh_root, query};

/// A preset's engine advanced to exactly `until_ms`. Frames are not used: their real-time budget
/// makes where a frame stops depend on the machine's speed, and these tests check exact figures.
fn state_at(preset: &str, until_ms: u64) -> Rc<KafkaPlayground> {
    let mut state = Rc::new(KafkaPlayground::default()).reduce(Action::Run(RunAction::LoadPreset(preset.into())));
    let sim = &mut Rc::make_mut(&mut state).run.sim;
    while sim.now() < until_ms {
        sim.step();
    }
    state
}

#[wasm_bindgen_test]
async fn log_tape_draws_each_groups_committed_offset_and_lag_from_the_engine() {
    // During the peak: analytics (paused at times) lags far behind.
    let state = state_at("article-peak", 110_000);
    let logs = state.run.sim.logs();
    let groups = state.run.sim.groups();
    let root = fresh_root();
    yew::Renderer::<LogTape>::with_root_and_props(root.clone(), LogTapeProps { state: state.clone() }).render();
    TimeoutFuture::new(50).await;

    // 12 partitions: a sample of 8 is drawn, and the page says so.
    let tapes = root.query_selector_all(".kafka-tape").unwrap();
    assert_eq!(tapes.length(), 8);
    assert!(query(&root, "[data-testid=kafka-sampled]").text_content().unwrap().contains("8 of 12"));
    let names = ["analytics", "audit"];
    for i in 0..tapes.length() {
        let tape = tapes.item(i).unwrap().dyn_into::<Element>().unwrap();
        let p: usize = tape.get_attribute("data-partition").unwrap().parse().unwrap();
        for (g, name) in names.iter().enumerate() {
            let lane = query(&tape, &format!(".kafka-lane[data-group={name}]"));
            let cursor = &groups[g].cursors[p];
            assert_eq!(lane.get_attribute("data-committed").unwrap(), cursor.committed.unwrap().to_string(), "p{p} {name}");
            assert_eq!(lane.get_attribute("data-lag").unwrap(), cursor.lag(&logs[p]).to_string(), "p{p} {name}");
            // The committed marker is the group's shape, placed at its offset along the tape.
            let marker = query(&lane, ".kafka-commit");
            assert_eq!(marker.text_content().unwrap(), ["▲", "■"][g]);
        }
    }
    // Paused partitions are drawn as paused, exactly those the engine has paused.
    let paused_lanes = root.query_selector_all(".kafka-lane.paused").unwrap().length();
    assert_eq!(paused_lanes as usize, log_tape_sample_paused(&state), "paused lanes drawn = paused in the sample");
}

/// How many of the drawn partitions the engine has paused (any group).
fn log_tape_sample_paused(state: &KafkaPlayground) -> usize {
    let now = state.run.sim.now();
    backpressure_playground::ui::kafka::log_tape::sample(state.run.sim.logs().len())
        .into_iter()
        .map(|p| state.run.sim.groups().iter().filter(|g| g.is_paused(p, now)).count())
        .sum()
}

#[wasm_bindgen_test]
async fn log_tape_marks_records_that_will_be_processed_again() {
    // K6: the thrown-out member finished 500 records (≈ 1,103 s), rejoined, and at 1,200 s the
    // new generation is ≈ 94 records into doing them again: ≈ 406 still to redo.
    let state = state_at("k6-batch-too-big", 1_200_000);
    let group = &state.run.sim.groups()[0];
    let cursor = &group.cursors[0];
    assert_eq!(cursor.frontier, 500);
    let expected = cursor.frontier - backpressure_playground::ui::kafka::log_tape::processed_upto(group, 0);
    assert!((300..500).contains(&expected), "{expected} still to redo");
    let root = fresh_root();
    yew::Renderer::<LogTape>::with_root_and_props(root.clone(), LogTapeProps { state: state.clone() }).render();
    TimeoutFuture::new(50).await;
    assert!(root.query_selector("[data-testid=kafka-again]").unwrap().is_some(), "the redo band is drawn");
    assert_eq!(query(&root, ".kafka-again-label").get_attribute("data-redo").unwrap(), expected.to_string());
}

#[wasm_bindgen_test]
async fn lag_chart_lines_end_at_the_engines_lag() {
    let state = state_at("article-peak", 150_000);
    let logs = state.run.sim.logs();
    let root = fresh_root();
    yew::Renderer::<LagChart>::with_root_and_props(root.clone(), LagChartProps { state: state.clone() }).render();
    TimeoutFuture::new(50).await;
    let lines = root.query_selector_all(".kafka-lag-line").unwrap();
    assert_eq!(lines.length(), 2);
    for (g, group) in state.run.sim.groups().iter().enumerate() {
        let line = lines.item(g as u32).unwrap().dyn_into::<Element>().unwrap();
        assert_eq!(line.get_attribute("data-lag").unwrap(), group.lag(logs).to_string());
        let points = line.get_attribute("points").unwrap();
        assert_eq!(points.split_whitespace().count(), group.lag_series.points().len() + 1, "one vertex per sample, plus now");
    }
    assert!(group_lag(&state, 0) > 100_000, "the peak left analytics far behind at 150 s");
    assert!(root.text_content().unwrap().contains("×10 peak"), "the peak is shaded and named");
}

fn group_lag(state: &KafkaPlayground, g: usize) -> u64 {
    state.run.sim.groups()[g].lag(state.run.sim.logs())
}

#[wasm_bindgen_test]
async fn a_control_changes_the_running_engine() {
    let root = fresh_root();
    yew::Renderer::<KafkaWidget>::with_root(root.clone()).render();
    TimeoutFuture::new(300).await;
    let time = |root: &Element| query(root, "[data-testid=kafka-sim-time]").get_attribute("data-ms").unwrap().parse::<u64>().unwrap();
    let first = time(&root);
    TimeoutFuture::new(400).await;
    assert!(time(&root) > first, "simulated time advances on animation frames");

    // Typing 3 partitions restarts the engine with three tapes, all drawn.
    let partitions = query(&root, "#param-topic-partitions + .slider-number").dyn_into::<HtmlInputElement>().unwrap();
    partitions.set_value("3");
    partitions.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(root.query_selector_all(".kafka-tape").unwrap().length(), 3);
    assert!(root.query_selector("[data-testid=kafka-sampled]").unwrap().is_none());

    // Out of range: clamped to 64 and the reader is told; 8 are drawn as a sample.
    partitions.set_value("100");
    partitions.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(root.query_selector_all(".kafka-tape").unwrap().length(), 8);
    assert!(query(&root, "[data-testid=kafka-sampled]").text_content().unwrap().contains("8 of 64"));
    assert!(root.text_content().unwrap().contains("outside"), "a note explains the clamp");
}
