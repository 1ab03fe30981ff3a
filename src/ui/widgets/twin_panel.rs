//! Twin runs side by side: a switch, the two runs' figures in one table (rows that differ are
//! marked in words, not only by colour), and the verdict once both have ended.

use crate::engine::twin::Comparison;
use crate::engine::Millis;
use crate::format;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TwinPanelProps {
    /// This run's policy, and the twin's (shown on the switch while it is off).
    pub label_a: AttrValue,
    pub label_b: AttrValue,
    /// `None` while the twin is off.
    pub comparison: Option<Comparison>,
    /// The twin's own clock: it goes on alone once this run has ended.
    pub twin_now: Millis,
    pub on_toggle: Callback<bool>,
    /// Which widget, for `data-testid`s.
    pub widget: AttrValue,
}

#[function_component]
pub fn TwinPanel(props: &TwinPanelProps) -> Html {
    let on = props.comparison.is_some();
    let toggle = props.on_toggle.reform(move |_| !on);
    let testid = |what: &str| format!("twin-{what}-{}", props.widget);
    html! {
        <section class="twin-panel" aria-label="Twin run">
            <button type="button" data-testid={testid("toggle")} aria-pressed={on.to_string()} onclick={toggle}>
                { if on { "Stop the twin run".to_string() } else { format!("Run a twin with {} beside this one", props.label_b) } }
            </button>
            if let Some(comparison) = &props.comparison {
                <p class="hint">{ format!(
                    "Same seed, same arrivals, one clock; only the policy differs. The twin is at {}.",
                    format::sim_time(props.twin_now)) }</p>
                <table class="twin-table" data-testid={testid("table")}>
                    <thead><tr><th scope="col">{ "figure" }</th><th scope="col">{ props.label_a.clone() }</th>
                        <th scope="col">{ format!("{} (twin)", props.label_b) }</th><th scope="col">{ "differs" }</th></tr></thead>
                    <tbody>
                        { for comparison.figures.iter().map(|f| html! {
                            <tr class={classes!(f.differs().then_some("differs"))}>
                                <th scope="row">{ f.label }</th><td>{ f.a.clone() }</td><td>{ f.b.clone() }</td>
                                <td>{ if f.differs() { "≠" } else { "=" } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if let Some(verdict) = &comparison.verdict {
                    <p class="twin-verdict" role="status" data-testid={testid("verdict")}><strong>{ "Verdict: " }</strong>{ verdict.clone() }</p>
                }
            }
        </section>
    }
}
