//! The timeline under a widget's transport bar: drag to any instant of the run so far and the
//! widget shows exactly that state; play goes on from there.

use crate::engine::Millis;
use crate::format;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    /// The instant shown.
    pub now: Millis,
    /// The furthest instant this run has reached.
    pub horizon: Millis,
    /// The engine's step: the slider moves in whole steps.
    pub step_ms: Millis,
    pub snapshots: usize,
    pub on_rewind: Callback<Millis>,
    /// Which widget, for `data-testid="timeline-…"` and the input's id.
    pub widget: AttrValue,
}

#[function_component]
pub fn TimelineBar(props: &TimelineBarProps) -> Html {
    let step_ms = props.step_ms.max(1);
    let on_input = props.on_rewind.reform(move |e: InputEvent| {
        let value = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        // A range input only yields numbers within its bounds; NaN (never expected) means the start.
        let at = if value.is_finite() { value.max(0.0) as Millis } else { 0 };
        at / step_ms * step_ms
    });
    let id = format!("timeline-{}", props.widget);
    html! {
        <div class="timeline-bar">
            <label for={id.clone()}>{ "Timeline" }</label>
            <input type="range" id={id.clone()} data-testid={id} min="0" max={props.horizon.to_string()}
                step={step_ms.to_string()} value={props.now.min(props.horizon).to_string()}
                aria-valuetext={format!("{} of {}", format::sim_time(props.now), format::sim_time(props.horizon))}
                oninput={on_input} />
            <span class="timeline-end">{ format::sim_time(props.horizon) }</span>
            <p class="hint">{ format!(
                "Drag back to any instant of this run: the engine restores the nearest of {} and \
                 re-simulates to it, so every figure is exactly what it was. Play goes on from there.",
                if props.snapshots == 1 { "1 snapshot".to_string() } else { format!("{} snapshots", props.snapshots) }) }</p>
        </div>
    }
}
