//! A labelled range input with an exact number box beside it. Turns input events into numbers
//! at the edge; out-of-range typing is clamped and said so, never passed on raw.

use crate::format;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How a value reads to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Bytes,
    Bandwidth,
    Millis,
    Percent,
    Mebibytes,
    Plain,
}

impl Unit {
    pub fn show(self, value: u64) -> String {
        match self {
            Unit::Count => format::count(value),
            Unit::Bytes => format::bytes(value),
            Unit::Bandwidth => format::bandwidth(value),
            Unit::Millis => format!("{} ms", format::count(value)),
            Unit::Percent => format!("{value} %"),
            Unit::Mebibytes => format::bytes(value * 1024 * 1024),
            Unit::Plain => value.to_string(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    /// The real parameter name, shown in code type.
    pub name: AttrValue,
    /// What it means, in words.
    pub help: AttrValue,
    pub value: u64,
    pub min: u64,
    pub max: u64,
    pub unit: Unit,
    /// Spread the track logarithmically: for ranges over several orders of magnitude.
    #[prop_or(false)]
    pub log: bool,
    pub on_change: Callback<u64>,
}

/// Resolution of the range input's track.
const TRACK_STEPS: f64 = 1000.0;

fn to_track(value: u64, min: u64, max: u64, log: bool) -> f64 {
    if max <= min {
        return 0.0;
    }
    if log {
        let (lo, hi, v) = ((min + 1) as f64, (max + 1) as f64, (value + 1) as f64);
        ((v.ln() - lo.ln()) / (hi.ln() - lo.ln()) * TRACK_STEPS).round()
    } else {
        ((value - min) as f64 / (max - min) as f64 * TRACK_STEPS).round()
    }
}

fn from_track(position: f64, min: u64, max: u64, log: bool) -> u64 {
    let fraction = (position / TRACK_STEPS).clamp(0.0, 1.0);
    let value = if log {
        let (lo, hi) = (((min + 1) as f64).ln(), ((max + 1) as f64).ln());
        (lo + fraction * (hi - lo)).exp() - 1.0
    } else {
        min as f64 + fraction * (max - min) as f64
    };
    round_nicely(value.round() as u64).clamp(min, max)
}

/// Keeps two significant digits, so a log slider lands on 16,000 rather than 16,137.
fn round_nicely(value: u64) -> u64 {
    let mut magnitude = 1;
    while value / magnitude >= 100 {
        magnitude *= 10;
    }
    (value + magnitude / 2) / magnitude * magnitude
}

#[function_component]
pub fn Slider(props: &SliderProps) -> Html {
    let typed_note = use_state(|| None::<String>);
    let id = format!("param-{}", props.name.replace('.', "-"));
    let (min, max, log) = (props.min, props.max, props.log);

    let on_slide = {
        let on_change = props.on_change.clone();
        let typed_note = typed_note.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Ok(position) = input.value().parse::<f64>() {
                typed_note.set(None);
                on_change.emit(from_track(position, min, max, log));
            }
        })
    };
    let on_type = {
        let on_change = props.on_change.clone();
        let typed_note = typed_note.clone();
        let unit = props.unit;
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            match input.value().trim().parse::<f64>() {
                Ok(typed) if typed.is_finite() => {
                    let wanted = typed.max(0.0).round() as u64;
                    let value = wanted.clamp(min, max);
                    typed_note.set((value != wanted || typed < 0.0).then(|| {
                        format!("{typed} is outside {}–{}; using {}", unit.show(min), unit.show(max), unit.show(value))
                    }));
                    on_change.emit(value);
                }
                _ => typed_note.set(Some(format!("“{}” is not a number; kept the previous value", input.value()))),
            }
        })
    };

    html! {
        <div class="slider">
            <label for={id.clone()}>
                <code>{ props.name.clone() }</code>
                <span class="slider-value">{ props.unit.show(props.value) }</span>
            </label>
            <div class="slider-row">
                <input id={id.clone()} type="range" min="0" max={TRACK_STEPS.to_string()} step="1"
                    value={to_track(props.value, min, max, log).to_string()}
                    aria-valuetext={props.unit.show(props.value)}
                    oninput={on_slide} />
                <input class="slider-number" type="number" inputmode="numeric" min={min.to_string()} max={max.to_string()}
                    value={props.value.to_string()} aria-label={format!("{} exact value", props.name)}
                    onchange={on_type} />
            </div>
            <p class="help">{ props.help.clone() }</p>
            if let Some(note) = (*typed_note).clone() {
                <p class="note" role="status">{ note }</p>
            }
        </div>
    }
}
