//! Browser tests (wasm-bindgen-test in headless Chromium): the pipe component draws what the
//! engine holds, and the page's controls change the running engine.
#![cfg(target_arch = "wasm32")]

use backpressure_playground::engine::node::Mode;
use backpressure_playground::ui::node::pipe_view::{PipeView, PipeViewProps};
use backpressure_playground::ui::node::state::{Action, Playground};
use backpressure_playground::ui::run::RunAction;
use backpressure_playground::ui::App;
use gloo_timers::future::TimeoutFuture;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;
use browser::{fresh_root, query};

/// The default playground in `mode`, advanced `steps` engine steps.
fn state_after(mode: Mode, steps: usize) -> Rc<Playground> {
    let actions = std::iter::once(Action::SetMode(mode)).chain(std::iter::repeat_with(|| Action::Run(RunAction::Step)).take(steps));
    actions.fold(Rc::new(Playground::default()), |state, action| state.reduce(action))
}

#[wasm_bindgen_test]
async fn pipe_view_shows_a_runaway_response_buffer_in_naive_mode() {
    let state = state_after(Mode::Naive, 2_000);
    let response_length = state.run.sim.exports()[0].response.length();
    assert!(response_length > 100 * 16_384, "the engine's response buffer should have run away: {response_length}");

    let root = fresh_root();
    yew::Renderer::<PipeView>::with_root_and_props(root.clone(), PipeViewProps { state }).render();
    TimeoutFuture::new(50).await;

    let gauges = root.query_selector_all(".across .gauge").unwrap();
    assert_eq!(gauges.length(), 2, "Readable and res (no stages in the default preset)");
    let response = gauges.item(1).unwrap().dyn_into::<Element>().unwrap();
    assert!(response.class_list().contains("runaway"), "res gauge classes: {}", response.class_name());
    assert!(root.text_content().unwrap().contains("MiB"), "the amount is shown in MiB");
    assert!(query(&root, ".event-banner").text_content().unwrap().contains("the naive loop ignores it"));
}

#[wasm_bindgen_test]
async fn pipe_view_keeps_buffers_at_their_high_water_mark_with_pipe() {
    let state = state_after(Mode::Pipe, 2_000);
    let root = fresh_root();
    yew::Renderer::<PipeView>::with_root_and_props(root.clone(), PipeViewProps { state }).render();
    TimeoutFuture::new(50).await;

    assert_eq!(root.query_selector_all(".across .gauge.runaway").unwrap().length(), 0);
    assert_eq!(root.query_selector_all(".across .hwm-line").unwrap().length(), 2);
    assert!(root.query_selector(".death").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn controls_change_the_running_engine() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    TimeoutFuture::new(300).await;

    let time = |root: &Element| query(root, "[data-testid=sim-time]").get_attribute("data-ms").unwrap().parse::<u64>().unwrap();
    let first = time(&root);
    TimeoutFuture::new(400).await;
    assert!(time(&root) > first, "simulated time advances on animation frames");

    query(&root, "[data-testid=mode-pipe]").dyn_into::<HtmlElement>().unwrap().click();
    TimeoutFuture::new(100).await;
    assert_eq!(query(&root, "[data-testid=engine-mode]").text_content().unwrap(), "pipe");

    // Typing 5 into concurrentExports restarts the engine with five exports.
    let exports = query(&root, "#param-concurrentExports + .slider-number").dyn_into::<HtmlInputElement>().unwrap();
    exports.set_value("5");
    exports.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(root.query_selector_all("table.exports tbody tr").unwrap().length(), 5);

    // Out of range: clamped to 50 and the reader is told.
    exports.set_value("500");
    exports.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(root.query_selector_all("table.exports tbody tr").unwrap().length(), 50);
    assert!(root.text_content().unwrap().contains("outside"), "a note explains the clamp");

    // A fraction: the nearest whole number, and the reader is told that too.
    exports.set_value("2.5");
    exports.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    assert_eq!(root.query_selector_all("table.exports tbody tr").unwrap().length(), 3);
    assert!(root.text_content().unwrap().contains("2.5 is not a whole number; using 3"), "a note explains the rounding");
}

#[wasm_bindgen_test]
fn a_copied_link_reproduces_the_same_figures_at_the_same_moment() {
    let state = [Action::SetMode(Mode::Pipe), Action::Run(RunAction::SetSeed(7))]
        .into_iter()
        .chain(std::iter::repeat_with(|| Action::Run(RunAction::Step)).take(1_234))
        .fold(Rc::new(Playground::default()), |state, action| state.reduce(action));
    // The link's moment is replayed over frames, a frame's budget at a time.
    let mut reopened = Rc::new(Playground::from_link(&state.run.link()));
    assert_eq!(reopened.run.seek_to, Some(1_234));
    for _ in 0..1_000 {
        if reopened.run.seek_to.is_none() {
            break;
        }
        reopened = reopened.reduce(Action::Frame { real_ms: 16.0 });
    }
    assert_eq!(reopened.run.notice, None);
    assert_eq!(reopened.run.sim.now(), 1_234);
    assert!(!reopened.run.clock.playing, "a link to a moment opens paused on it");
    assert_eq!(reopened.run.sim.exports()[0].counters, state.run.sim.exports()[0].counters);
    assert_eq!(reopened.run.sim.heap_bytes(), state.run.sim.heap_bytes());
}

#[wasm_bindgen_test]
fn a_rewind_restarts_the_particles_and_the_replay_lands_where_it_was_asked() {
    let forward = std::iter::repeat_with(|| Action::Run(RunAction::Step)).take(3_000);
    let mut state = forward.fold(Rc::new(Playground::default()), |state, action| state.reduce(action));
    let rows_before = state.flow.rates.len();
    assert!(rows_before > 0, "export 1 has hops");
    state = state.reduce(Action::Run(RunAction::Rewind(1_000)));
    for _ in 0..1_000 {
        if state.run.seek_to.is_none() {
            break;
        }
        state = state.reduce(Action::Frame { real_ms: 16.0 });
    }
    assert_eq!(state.run.sim.now(), 1_000);
    assert!(state.flow.phases.iter().chain(&state.flow.rates).all(|v| v.is_finite() && *v >= 0.0), "{:?}", state.flow);
    assert!(state.status().starts_with("paused"), "{}", state.status());
}

#[wasm_bindgen_test]
fn a_garbage_link_gives_a_notice_and_a_working_state() {
    let pairs: Vec<(String, String)> = [("preset", "nope"), ("concurrentExports", "1e9"), ("cursor/zzz", "1"), ("t", "abc")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let state = Playground::from_link(&pairs);
    let notice = state.run.notice.clone().expect("a notice");
    assert!(notice.contains("unknown preset “nope”"), "{notice}");
    assert!(notice.contains("cursor/zzz"), "{notice}");
    assert!(notice.contains("“t”"), "{notice}");
    assert_eq!(state.run.sim.now(), 0);
    assert!(state.run.clock.playing);
}

#[wasm_bindgen_test]
fn narration_changes_at_a_readable_pace_and_says_the_death_at_once() {
    let mut state = Rc::new(Playground::default());
    let mut changes: Vec<(f64, String)> = Vec::new();
    for frame in 0..1_200 {
        state = state.reduce(Action::Frame { real_ms: 16.0 });
        let text = state.narration.text.clone();
        if changes.last().map(|(_, last)| last != &text).unwrap_or(true) {
            changes.push((frame as f64 * 16.0, text));
        }
    }
    let last = &changes.last().unwrap().1;
    assert!(last.contains("exit code 137"), "the default preset dies and says so: {changes:?}");
    // Between the first sentence and the death, announcements are at least 2 s of real time apart.
    for pair in changes[..changes.len() - 1].windows(2) {
        assert!(pair[1].0 - pair[0].0 >= 2_000.0, "too fast: {pair:?}");
    }
}
