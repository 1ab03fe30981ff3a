//! The browser front end: Yew function components over the engine. State changes go through
//! the reducer in [`state`]; the animation-frame loop lives in [`hooks`].

pub mod components;
mod hooks;
pub mod state;

use crate::engine::node::{Mode, COST_MODEL};
use components::code_panel::{CodePanel, CodePanelProps};
use components::controls::Controls;
use components::exports_table::exports_table;
use components::heap_chart::{HeapChart, HeapChartProps};
use components::pipe_view::PipeView;
use components::transport::Transport;
use state::{Action, Playground};
use yew::prelude::*;

/// Mounts the app into `#app`.
pub fn start() {
    console_error_panic_hook::set_once();
    let root = gloo_root();
    yew::Renderer::<App>::with_root(root).render();
}

fn gloo_root() -> web_sys::Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    document.get_element_by_id("app").or_else(|| document.body().map(Into::into)).expect("an #app element or a body")
}

const SOURCES: &[(&str, &str)] = &[
    ("Node.js stream docs: writable.write(), 'drain', highWaterMark", "https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback"),
    ("Node.js guide: Backpressuring in Streams", "https://nodejs.org/en/learn/modules/backpressuring-in-streams"),
    ("nodejs/node#52037: default highWaterMark 64 KiB in Node 22", "https://github.com/nodejs/node/pull/52037"),
    ("pg-query-stream: cursor batches of batchSize rows", "https://github.com/brianc/node-postgres/tree/master/packages/pg-query-stream"),
    ("nodejs/node#39144: write loop → heap out of memory at ~2 GB", "https://github.com/nodejs/node/issues/39144"),
    ("knex/knex#484: a source ignoring backpressure → OOM killer", "https://github.com/knex/knex/issues/484"),
];

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(Playground::default);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    hooks::use_animation_frame(dispatch.reform(|real_ms| Action::Frame { real_ms }));

    let view = std::rc::Rc::new((*state).clone());
    let mode = view.sim.params().mode;
    let mode_button = |target: Mode, label: &'static str, testid: &'static str| {
        html! {
            <button type="button" data-testid={testid} class={classes!("mode", (mode == target).then_some("selected"))}
                aria-pressed={(mode == target).to_string()} onclick={dispatch.reform(move |_| Action::SetMode(target))}>
                { label }
            </button>
        }
    };

    html! {
        <main class="playground">
            <header>
                <p class="kicker">{ "Backpressure Playground · 1 of 3" }</p>
                <h1>{ "Node.js streams: a Postgres cursor into a slow HTTP client" }</h1>
                <p class="lead">
                    { "An export streams millions of rows from Postgres to a browser that downloads at 1 MB/s. \
                       Postgres is far faster than the client, so the difference has to wait somewhere. Ignore the \
                       signal that says \u{201c}full\u{201d} and it waits in the heap until the process dies; honour it and \
                       the slow client sets the pace all the way back to the database." }
                </p>
            </header>

            <div class="mode-switch" role="group" aria-label="How the application writes">
                { mode_button(Mode::Naive, "naive on('data') loop", "mode-naive") }
                { mode_button(Mode::Pipe, ".pipe() — backpressure", "mode-pipe") }
                <span class="engine-mode">{ "engine mode: " }<code data-testid="engine-mode">{ match mode { Mode::Naive => "naive", Mode::Pipe => "pipe" } }</code></span>
            </div>

            <Transport state={view.clone()} dispatch={dispatch.clone()} />
            if let Some(notice) = &view.notice {
                <p class="notice" role="status">{ notice.clone() }</p>
            }
            <PipeView state={view.clone()} />

            <div class="two-up">
                <HeapChart ..HeapChartProps::of(&view.sim) />
                <CodePanel ..CodePanelProps::of(&view.sim) />
            </div>
            { exports_table(&view.sim) }

            <Controls state={view.clone()} dispatch={dispatch.clone()} />

            <footer>
                <details>
                    <summary>{ "How memory is counted" }</summary>
                    <p>{ COST_MODEL }</p>
                </details>
                <details>
                    <summary>{ "How the simulation runs" }</summary>
                    <p>{ "A deterministic engine in Rust, compiled to WebAssembly, advances in fixed 1 ms steps of \
                          simulated time with one seeded random generator, so the same parameters and seed give the \
                          same run at any speed or frame rate. The bpsim command-line tool runs the same engine." }</p>
                </details>
                <p class="sources-title">{ "Sources" }</p>
                <ul class="sources">
                    { for SOURCES.iter().map(|(title, href)| html! { <li><a href={*href} rel="noopener">{ *title }</a></li> }) }
                </ul>
            </footer>
        </main>
    }
}
