//! Play, pause, step, speed and reset, with the simulated clock.

use crate::format;
use crate::ui::state::{Action, Playground, SPEEDS};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub state: Rc<Playground>,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn Transport(props: &TransportProps) -> Html {
    let state = &props.state;
    let dispatch = &props.dispatch;
    let now = state.sim.now();
    let on_speed = dispatch.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetSpeed(value.parse().unwrap_or(1.0))
    });
    let status = if state.sim.death().is_some() {
        "process died"
    } else if state.sim.is_finished() {
        "finished"
    } else if state.playing {
        "running"
    } else {
        "paused"
    };
    html! {
        <div class="transport" role="toolbar" aria-label="Simulation controls">
            <button type="button" class="primary" onclick={dispatch.reform(|_| Action::TogglePlay)}
                aria-pressed={(!state.playing).to_string()}>
                { if state.playing { "Pause" } else { "Play" } }
            </button>
            <button type="button" onclick={dispatch.reform(|_| Action::Step)} title="Advance one 1 ms engine step">{ "Step 1 ms" }</button>
            <button type="button" onclick={dispatch.reform(|_| Action::Reset)}>{ "↺ Reset" }</button>
            <label class="select">{ "speed " }
                <select onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={(s - state.speed).abs() < 1e-9}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <span class="clock">
                { "t = " }
                <output data-testid="sim-time" data-ms={now.to_string()}>{ format::sim_time(now) }</output>
                <span class="status">{ format!(" · {status}") }</span>
            </span>
        </div>
    }
}
