//! The live laws of one system as a compact readout: Little's law with both sides, throughput
//! against goodput, attempts per item and the age of the oldest waiting item. Every figure is
//! text with a `data-testid`; whether the law holds is said in words, not only shown in colour.

use crate::engine::laws::{Laws, LawsReadout, TOLERANCE_PERCENT};
use crate::format;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LawsProps {
    pub laws: LawsReadout,
    /// Prefix of every `data-testid` (`node-laws`, `kafka-laws-0`, `sqs-laws`).
    pub testid: AttrValue,
    pub title: AttrValue,
    /// What "the system" is here, and what counts as goodput.
    pub system: AttrValue,
    /// What the items are, singular and plural ("row", "rows"): every figure says its unit.
    pub item: AttrValue,
    pub items: AttrValue,
    /// Said after the attempts figure, e.g. why it is 1.0 by construction.
    #[prop_or_default]
    pub attempts_note: Option<AttrValue>,
}

/// One window's Little's law: "L = 12,340 rows ≈ λ·W = 205.7 rows/s × 60.0 s = 12,342 rows (gap 0.02 %: holds)".
fn little(laws: &Laws, id: &str, items: &str) -> Html {
    let t = |name: &str| format!("{id}-{name}");
    let (rhs, w, verdict, class) = match (laws.littles_rhs, laws.mean_time_in_system_ms, laws.gap_percent) {
        (Some(rhs), Some(w), Some(gap)) => {
            let holds = gap <= TOLERANCE_PERCENT;
            let verdict = if holds {
                format!("gap {}: holds", format::percent(gap))
            } else {
                format!("gap {}: not steady over this window", format::percent(gap))
            };
            (format!("{} {items}", format::amount(rhs)), format::duration(w), verdict, if holds { "holds" } else { "off" })
        }
        _ => ("—".to_string(), "—".to_string(), "nothing has left yet".to_string(), "off"),
    };
    html! {
        <dd class={classes!("laws-little", class)}>
            { "L = " }<span data-testid={t("l")}>{ format!("{} {items}", format::amount(laws.in_system_avg)) }</span>
            { " ≈ λ·W = " }<span data-testid={t("lambda")}>{ per_second(laws.arrival_rate_per_s, items) }</span>
            { " × " }<span data-testid={t("w")}>{ w }</span>
            { " = " }<span data-testid={t("rhs")}>{ rhs }</span>
            { " (" }<span data-testid={t("gap")}>{ verdict }</span>{ ")" }
        </dd>
    }
}

fn per_second(value: f64, items: &str) -> String {
    format!("{} {items}/s", format::amount(value))
}

fn attempts(value: Option<f64>) -> String {
    value.map_or_else(|| "— (nothing completed)".to_string(), |v| format::fixed(v, 2))
}

#[function_component]
pub fn LawsPanel(props: &LawsProps) -> Html {
    let (trail, all) = (&props.laws.trailing, &props.laws.since_start);
    let id = props.testid.as_str();
    let (item, items) = (props.item.as_str(), props.items.as_str());
    let t = |name: &str| format!("{id}-{name}");
    let trailing_label = format!("last {}", format::duration(trail.window_ms as f64));
    let all_label = format!("since the start ({})", format::sim_time(all.window_ms));
    html! {
        <section class="laws" aria-label={props.title.clone()} data-testid={id.to_string()}>
            <h3 class="laws-title">{ props.title.clone() }</h3>
            <p class="laws-system">{ props.system.clone() }</p>
            <dl class="laws-list">
                <div><dt>{ format!("Little's law, {trailing_label}") }</dt>{ little(trail, &t("trailing"), items) }</div>
                <div><dt>{ format!("Little's law, {all_label}") }</dt>{ little(all, &t("all"), items) }</div>
                <div>
                    <dt>{ format!("Throughput against goodput, {trailing_label}") }</dt>
                    <dd>
                        <span data-testid={t("throughput")}>{ per_second(trail.throughput_per_s, items) }</span>{ " done, " }
                        <span data-testid={t("goodput")}>{ per_second(trail.goodput_per_s, items) }</span>{ " counted (since the start: " }
                        <span data-testid={t("throughput-all")}>{ per_second(all.throughput_per_s, items) }</span>{ " against " }
                        <span data-testid={t("goodput-all")}>{ per_second(all.goodput_per_s, items) }</span>{ ")" }
                    </dd>
                </div>
                <div>
                    <dt>{ format!("Attempts per {item}") }</dt>
                    <dd>
                        <span data-testid={t("attempts")}>{ attempts(trail.attempts_per_item) }</span>{ format!(" {trailing_label}, ") }
                        <span data-testid={t("attempts-all")}>{ attempts(all.attempts_per_item) }</span>{ " since the start" }
                        if let Some(note) = &props.attempts_note {
                            { format!(" — {note}") }
                        }
                    </dd>
                </div>
                <div>
                    <dt>{ format!("Oldest waiting {item}") }</dt>
                    <dd>
                        <span data-testid={t("oldest")}>{ format::sim_time(trail.oldest_age_ms) }</span>
                        { " old; " }<span data-testid={t("now")}>{ format::count(trail.in_system_now) }</span>{ format!(" {items} in the system now") }
                    </dd>
                </div>
            </dl>
        </section>
    }
}
