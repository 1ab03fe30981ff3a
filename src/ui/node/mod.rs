//! Scenario 1 as a widget: the Node.js export pipeline, its heap, its code and its controls.

mod code_panel;
mod controls;
mod exports_table;
mod heap_chart;
pub mod pipe_view;
pub mod state;

use crate::engine::node::Mode;
use crate::ui::hooks::use_animation_frame;
use crate::ui::link;
use crate::ui::run::RunAction;
use crate::ui::widgets::laws::LawsPanel;
use crate::ui::widgets::link_bar::LinkBar;
use crate::ui::widgets::notice_bar::NoticeBar;
use crate::engine::node::twin as twin_policy;
use crate::ui::widgets::timeline_bar::TimelineBar;
use crate::ui::widgets::twin_panel::TwinPanel;
use crate::ui::widgets::transport::Transport;
use code_panel::{CodePanel, CodePanelProps};
use controls::Controls;
use exports_table::exports_table;
use heap_chart::{HeapChart, HeapChartProps};
use pipe_view::PipeView;
use state::{Action, Playground};
use std::rc::Rc;
use yew::prelude::*;

/// Where rows pile up although something is honouring backpressure: a source that ignores it, or a
/// stage that ignores its own highWaterMark. `None` when every buffer is within twice its mark.
pub(crate) fn pile_up(sim: &crate::engine::node::NodeSim, export: &crate::engine::node::Export) -> Option<String> {
    let runaway = |buffer: &crate::engine::node::StreamBuffer| buffer.length() > 2 * buffer.high_water_mark;
    if !sim.params().cursor.honours_row_limit && runaway(&export.readable) {
        return Some(format!(
            "the source ignores backpressure: rows keep arriving while the pipe waits, and the Readable holds {} rows",
            crate::format::count(export.readable.rows())
        ));
    }
    export.stages.iter().find(|s| s.buffer.ignores_high_water_mark && runaway(&s.buffer)).map(|stage| {
        format!(
            "the {} stage ignores its highWaterMark (its write() always returns true): it holds {}",
            stage.kind.name().to_string(),
            pipe_view::buffer_amount(&stage.buffer)
        )
    })
}

#[function_component]
pub fn NodeWidget() -> Html {
    let state = use_reducer(|| {
        let pairs = link::query_pairs();
        match link::linked_widget(&pairs) {
            None | Some("node") => Playground::from_link(&pairs),
            Some(_) => Playground::default(),
        }
    });
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    use_animation_frame(dispatch.reform(|real_ms| Action::Frame { real_ms }));
    let run = dispatch.reform(Action::Run);

    let view = Rc::new((*state).clone());
    let mode = view.run.sim.params().mode;
    let (label_a, label_b) = twin_policy::labels(&view.run.params);
    let mode_button = |target: Mode, label: &'static str, testid: &'static str| {
        html! {
            <button type="button" data-testid={testid} class={classes!("mode", (mode == target).then_some("selected"))}
                aria-pressed={(mode == target).to_string()} onclick={dispatch.reform(move |_| Action::SetMode(target))}>
                { label }
            </button>
        }
    };
    let status = view.status();

    html! {
        <div class="widget" data-widget="node">
            <div class="mode-switch" role="group" aria-label="How the application writes">
                { mode_button(Mode::Naive, "naive on('data') loop", "mode-naive") }
                { mode_button(Mode::Pipe, ".pipe() — backpressure", "mode-pipe") }
                <span class="engine-mode">{ "engine mode: " }<code data-testid="engine-mode">{ match mode { Mode::Naive => "naive", Mode::Pipe => "pipe" } }</code></span>
            </div>
            <Transport clock={view.run.clock.clone()} now={view.run.sim.now()} status={status} on_action={run.clone()} />
            <TimelineBar now={view.run.sim.now()} horizon={view.run.sim.horizon_ms().max(view.run.twin.as_ref().map_or(0, |t| t.sim.horizon_ms()))} step_ms={crate::engine::STEP_MS}
                snapshots={view.run.sim.snapshot_count()} widget="node" on_rewind={run.reform(RunAction::Rewind)} />
            <LinkBar title="Backpressure Playground: Node.js streams" make_pairs={{
                let view = view.clone();
                Callback::from(move |()| view.run.link())
            }} />
            if let Some(notice) = &view.run.notice {
                <NoticeBar text={notice.clone()} testid="node-notice" on_dismiss={run.reform(|()| RunAction::DismissNotice)} />
            }
            <p class="visually-hidden" aria-live="polite" data-testid="narration">{ view.narration.text.clone() }</p>
            <PipeView state={view.clone()} />
            <TwinPanel widget="node" label_a={label_a} label_b={label_b}
                comparison={view.run.twin.as_ref().map(|t| twin_policy::compare(&view.run.sim, &t.sim, &t.policy, t.ends_at))}
                twin_now={view.run.twin.as_ref().map_or(0, |t| t.sim.now())} on_toggle={run.reform(RunAction::SetTwin)} />
            <div class="two-up">
                <HeapChart ..HeapChartProps::of(&view.run.sim) />
                <CodePanel ..CodePanelProps::of(&view.run.sim) />
            </div>
            { exports_table(&view.run.sim) }
            <LawsPanel item="row" items="rows" laws={view.run.sim.laws()} testid="node-laws" title="Live laws: the export pipeline"
                system="The system: rows fetched from Postgres and not yet received by a client, all exports together (each export is first in, first out). Throughput: rows delivered to clients. Goodput: rows delivered by exports that did not die (if the process dies, its unfinished exports count for nothing)."
                attempts_note="1.00 by construction: every row is sent once, nothing retries" />
            <Controls state={view.clone()} dispatch={dispatch.clone()} />
        </div>
    }
}
