//! Browser tests (wasm-bindgen-test in headless Chromium) of the SQS + Lambda widget: components
//! draw what the engine holds, and the page's controls change the running engine.
#![cfg(target_arch = "wasm32")]

use backpressure_playground::ui::sqs::queue_view::{QueueView, QueueViewProps, MAX_DOTS};
use backpressure_playground::ui::sqs::slots::{LambdaSlots, PostgresPool, SlotsProps};
use backpressure_playground::ui::sqs::state::{Action, SqsPlayground};
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

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// A preset's playground advanced `steps` engine steps through the reducer.
fn state_after(preset: &str, steps: usize) -> Rc<SqsPlayground> {
    let start = Rc::new(SqsPlayground::from_preset(preset).expect("preset exists"));
    std::iter::repeat_with(|| Action::Run(RunAction::Step)).take(steps).fold(start, |state, action| state.reduce(action))
}

#[wasm_bindgen_test]
async fn the_slot_grid_draws_the_caps_and_the_running_invocations() {
    // article-capped after 90 s (900 steps of 100 ms): the spike started at 60 s, all 50 slots busy.
    let state = state_after("article-capped", 900);
    assert_eq!(state.run.sim.concurrency(), 50);
    let root = fresh_root();
    yew::Renderer::<LambdaSlots>::with_root_and_props(root.clone(), SlotsProps { state }).render();
    TimeoutFuture::new(50).await;
    // Both caps are drawn, each with its real name.
    assert_eq!(count(&root, ".sqs-cap.reserved"), 1);
    assert_eq!(count(&root, ".sqs-cap.maximum"), 1);
    let text = root.text_content().unwrap();
    assert!(text.contains("ReservedConcurrentExecutions = 50"), "{text}");
    assert!(text.contains("MaximumConcurrency = 50"), "{text}");
    // 100 slots drawn when every cap fits: 50 running with a connection, 50 beyond the cap.
    assert_eq!(count(&root, "rect.slot"), 100);
    assert_eq!(count(&root, "rect.slot.db"), 50);
    assert_eq!(count(&root, "rect.slot.beyond"), 50);
}

#[wasm_bindgen_test]
async fn the_pool_shows_refused_connections_when_lambda_outgrows_it() {
    // l4-burst-connections after 21 s: the pollers ramped 5 → 110 (5 a second) past the 97 connections.
    let state = state_after("l4-burst-connections", 210);
    let refused = state.run.sim.counters().connections_refused;
    assert!(refused > 0, "the engine refused connections");
    let root = fresh_root();
    yew::Renderer::<PostgresPool>::with_root_and_props(root.clone(), SlotsProps { state }).render();
    TimeoutFuture::new(50).await;
    // max_connections 100: 97 for handlers (all in use) and 3 for superusers.
    assert_eq!(count(&root, "rect.conn"), 100);
    assert_eq!(count(&root, "rect.conn.used"), 97);
    assert_eq!(count(&root, "rect.conn.superuser"), 3);
    let line = query(&root, "[data-testid=sqs-refused]").text_content().unwrap();
    assert!(line.contains(&backpressure_playground::format::count(refused)), "{line}");
    assert!(line.contains("53300"), "{line}");
}

#[wasm_bindgen_test]
async fn the_queue_samples_dots_and_says_so() {
    // article-capped after 150 s: tens of thousands wait, far more than the dots drawn.
    let state = state_after("article-capped", 1_500);
    let visible = state.run.sim.visible();
    assert!(visible > MAX_DOTS * 10, "{visible}");
    let root = fresh_root();
    yew::Renderer::<QueueView>::with_root_and_props(root.clone(), QueueViewProps { state }).render();
    TimeoutFuture::new(50).await;
    assert_eq!(count(&root, ".sqs-dot") as u64, MAX_DOTS);
    let note = query(&root, "[data-testid=sqs-queue-sample]").text_content().unwrap();
    assert!(note.contains(&format!("drawing {MAX_DOTS} of {}", backpressure_playground::format::count(visible))), "{note}");
}

#[wasm_bindgen_test]
async fn controls_change_the_running_sqs_engine() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    TimeoutFuture::new(300).await;
    let widget = query(&root, "[data-widget=sqs]");
    let time = || query(&widget, "[data-testid=sqs-sim-time]").get_attribute("data-ms").unwrap().parse::<u64>().unwrap();
    let first = time();
    TimeoutFuture::new(400).await;
    assert!(time() > first, "the SQS clock advances on animation frames");

    // The article's preset is uncapped: turning ReservedConcurrentExecutions on restarts the engine capped at 50.
    query(&widget, "[data-testid=sqs-reserved]").dyn_into::<HtmlElement>().unwrap().click();
    TimeoutFuture::new(100).await;
    assert!(widget.text_content().unwrap().contains("ReservedConcurrentExecutions = 50"));

    // A Timeout above the VisibilityTimeout is refused the way AWS refuses the mapping.
    let timeout = query(&widget, "#param-function-Timeout + .slider-number").dyn_into::<HtmlInputElement>().unwrap();
    timeout.set_value("90");
    timeout.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(100).await;
    let notice = query(&widget, "[data-testid=sqs-notice]").text_content().unwrap();
    assert!(notice.contains("Queue visibility timeout: 60 seconds is less than Function timeout: 90 seconds"), "{notice}");

    // …but raising it on the running function is accepted, and the warning says what follows.
    query(&widget, "[data-testid=sqs-raise-timeout]").dyn_into::<HtmlElement>().unwrap().click();
    TimeoutFuture::new(100).await;
    let warnings = query(&widget, "[data-testid=sqs-warnings]").text_content().unwrap();
    assert!(warnings.contains("function.timeoutChange"), "{warnings}");
}
