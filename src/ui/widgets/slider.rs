//! A labelled range input with an exact number box beside it. Turns input events into numbers
//! at the edge; out-of-range typing is clamped and said so, never passed on raw.

use crate::decimal::Decimal;
use crate::format;
use crate::scale::Scale;
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
    /// Stop at round numbers (two significant digits) even on a range of a thousand or less.
    #[prop_or(false)]
    pub log: bool,
    pub on_change: Callback<u64>,
}

#[function_component]
pub fn Slider(props: &SliderProps) -> Html {
    let typed_note = use_state(|| None::<String>);
    // What the reader is typing, kept until they commit it (Enter or leaving the box), so the
    // widget's re-renders while the simulation runs do not overwrite it.
    let typing = use_state(|| None::<String>);
    let id = format!("param-{}", props.name.replace('.', "-"));
    let (min, max) = (props.min, props.max);
    let scale = Scale::new(min, max, props.log);

    let on_slide = {
        let on_change = props.on_change.clone();
        let typed_note = typed_note.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Ok(position) = input.value().parse::<u64>() {
                typed_note.set(None);
                on_change.emit(scale.value_at(position));
            }
        })
    };
    let on_keystroke = {
        let typing = typing.clone();
        Callback::from(move |event: InputEvent| typing.set(Some(event.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let on_type = {
        let on_change = props.on_change.clone();
        let typed_note = typed_note.clone();
        let typing = typing.clone();
        let unit = props.unit;
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            typing.set(None);
            let text = input.value();
            match Decimal::parse(text.trim()) {
                Some(typed) if typed.fits_f64() => {
                    let wanted = typed.nearest_count();
                    let value = wanted.clamp(min, max);
                    typed_note.set(if value != wanted || typed.negative {
                        Some(format!("{} is outside {}–{}; using {}", text.trim(), unit.show(min), unit.show(max), unit.show(value)))
                    } else if !typed.is_whole() {
                        Some(format!("{} is not a whole number; using {}", text.trim(), unit.show(value)))
                    } else {
                        None
                    });
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
                <input id={id.clone()} type="range" min="0" max={scale.top().to_string()} step="1"
                    value={scale.position_of(props.value).to_string()}
                    aria-valuetext={props.unit.show(props.value)}
                    oninput={on_slide} />
                <input class="slider-number" type="number" inputmode="numeric" min={min.to_string()} max={max.to_string()}
                    value={(*typing).clone().unwrap_or_else(|| props.value.to_string())}
                    aria-label={format!("{} exact value", props.name)}
                    oninput={on_keystroke} onchange={on_type} />
            </div>
            <p class="help">{ props.help.clone() }</p>
            if let Some(note) = (*typed_note).clone() {
                <p class="note" role="status">{ note }</p>
            }
        </div>
    }
}
