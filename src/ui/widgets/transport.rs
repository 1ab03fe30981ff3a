//! Play, pause, step, speed and reset, with the simulated clock: the same bar on every widget.

use crate::clock::{Clock, SPEEDS};
use crate::engine::Millis;
use crate::format;
use crate::ui::run::RunAction;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub clock: Clock,
    pub now: Millis,
    /// A word on where the run is: "running", "finished", "process died", …
    pub status: AttrValue,
    /// Play or pause, step, run to the end (within each frame's budget), reset, speed.
    pub on_action: Callback<RunAction>,
    /// The engine's step, for the step button's label.
    #[prop_or(1)]
    pub step_ms: Millis,
    /// `data-testid` of the clock readout; widgets after the first use their own.
    #[prop_or(AttrValue::Static("sim-time"))]
    pub time_testid: AttrValue,
}

#[function_component]
pub fn Transport(props: &TransportProps) -> Html {
    let on_speed = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        RunAction::SetSpeed(SPEEDS.iter().find(|(_, label)| *label == value).map_or(1.0, |&(speed, _)| speed))
    });
    let playing = props.clock.playing;
    html! {
        <div class="transport" role="toolbar" aria-label="Simulation controls">
            <button type="button" class="primary" onclick={props.on_action.reform(|_| RunAction::TogglePlay)}>
                { if playing { "Pause" } else { "Play" } }
            </button>
            <button type="button" onclick={props.on_action.reform(|_| RunAction::Step)} title={format!("Advance one {} ms engine step", props.step_ms)}>{ format!("Step {} ms", props.step_ms) }</button>
            <button type="button" onclick={props.on_action.reform(|_| RunAction::RunToEnd)} data-testid="run-to-end"
                title="Run on to the end of this run without drawing every frame">{ "⇥ To the end" }</button>
            <button type="button" onclick={props.on_action.reform(|_| RunAction::Reset)}>{ "↺ Reset" }</button>
            <label class="select">{ "speed " }
                <select onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|&(speed, label)| html! {
                        <option value={label} selected={(speed - props.clock.speed).abs() < 1e-9}>{ format!("{label}×") }</option>
                    }) }
                </select>
            </label>
            <span class="clock">
                { "t = " }
                <output data-testid={props.time_testid.clone()} data-ms={props.now.to_string()}>{ format::sim_time(props.now) }</output>
                <span class="status">{ format!(" · {}", props.status) }</span>
            </span>
        </div>
    }
}
