//! Member cards: what each consumer is doing, its partitions, and a ring counting down to its
//! deadline (`max.poll.interval.ms` for Java, `sessionTimeout` for KafkaJS).

use super::state::KafkaPlayground;
use super::style;
use crate::engine::kafka::{Client, GroupState, Member, MemberState};
use crate::format;
use std::rc::Rc;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Properties, PartialEq)]
pub struct MembersProps {
    pub state: Rc<KafkaPlayground>,
}

/// Cards drawn per group at most; the rest are summarised.
const MAX_CARDS: usize = 12;

/// A member's state in words, for the card and its class.
pub fn doing(group: &GroupState, member: &Member, now: u64) -> (&'static str, &'static str) {
    match member.state {
        MemberState::Down => ("down", "down"),
        MemberState::Zombie => ("thrown out, still processing", "zombie"),
        MemberState::Active if group.is_rebalancing() && member.batch.is_none() => ("joining (rebalance)", "joining"),
        MemberState::Active if member.paused_until.is_some_and(|u| u > now) && member.batch.is_some() => ("paused, finishing batch", "paused"),
        MemberState::Active if member.paused_until.is_some_and(|u| u > now) => ("paused", "paused"),
        MemberState::Active if member.batch.is_some() => ("processing", "busy"),
        MemberState::Active if member.assigned.is_empty() => ("idle: no partition", "idle"),
        MemberState::Active => ("polling", "polling"),
    }
}

fn ring(fraction: f64, class: &'static str) -> Html {
    let r = 18.0;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let used = fraction.clamp(0.0, 1.0) * circumference;
    html! {
        <svg class={classes!("kafka-ring", class)} viewBox="0 0 44 44" aria-hidden="true">
            <circle class="track" cx="22" cy="22" r={r.coordinate()} />
            <circle class="used" cx="22" cy="22" r={r.coordinate()}
                stroke-dasharray={format!("{} {}", format::fixed(used, 2), format::fixed(circumference, 2))} transform="rotate(-90 22 22)" />
        </svg>
    }
}

#[function_component]
pub fn Members(props: &MembersProps) -> Html {
    let sim = &props.state.run.sim;
    let now = sim.now();
    html! {
        <section class="kafka-members" aria-label="Consumer group members">
            { for sim.groups().iter().enumerate().map(|(g, group)| {
                let params = &sim.params().groups[g];
                let deadline = params.liveness_deadline_ms();
                let deadline_name = match params.client { Client::Java => "max.poll.interval.ms", Client::Kafkajs => "sessionTimeout" };
                let idle = group.members.iter().filter(|m| m.state == MemberState::Active && m.assigned.is_empty() && !group.is_rebalancing()).count();
                html! {
                    <div class={classes!("kafka-group-cards", style::class(g))} data-group={params.group_id.clone()}>
                        <h4>
                            { format!("{} {} · {} · {} members", style::glyph(g), params.group_id, match params.client { Client::Java => "Java client", Client::Kafkajs => "KafkaJS" }, group.members.len()) }
                            if group.is_rebalancing() { <span class="kafka-chip rebalancing">{ "⟳ rebalancing: the group is stopped" }</span> }
                        </h4>
                        <p class="kafka-group-stats">
                            <span data-testid={format!("kafka-rebalances-{g}")}>{ format!("⟳ rebalances {}", group.counters.rebalances) }</span>
                            <span class={classes!((group.counters.duplicates > 0).then_some("bad"))}>{ format!("duplicates {}", format::count(group.counters.duplicates)) }</span>
                            <span class={classes!((group.counters.lost > 0).then_some("bad"))}>{ format!("✕ lost {}", format::count(group.counters.lost)) }</span>
                            <span>{ format!("✗ failed commits {}", group.counters.commit_failures) }</span>
                            <span>{ format!("‖ pauses {}", group.counters.pauses) }</span>
                            if idle > 0 { <span>{ format!("{idle} idle (more members than partitions)") }</span> }
                        </p>
                        <ul class="kafka-cards">
                            { for group.members.iter().enumerate().take(MAX_CARDS).map(|(m, member)| {
                                let (words, class) = doing(group, member, now);
                                let since = member.since_deadline_clock(params.client, now);
                                let fraction = since as f64 / deadline as f64;
                                let ring_class = if member.state == MemberState::Zombie { "over" } else if fraction > 0.8 { "near" } else { "ok" };
                                let parts: String = member.assigned.iter().map(|p| format!("p{p}")).collect::<Vec<_>>().join(" ");
                                html! {
                                    <li class={classes!("kafka-card", class)}>
                                        { ring(if member.state == MemberState::Active { fraction } else if member.state == MemberState::Zombie { 1.0 } else { 0.0 }, ring_class) }
                                        <div class="kafka-card-text">
                                            <strong>{ format!("m{m}") }</strong>{ " " }<span class="kafka-doing">{ words }</span>
                                            <span class="kafka-deadline" title={deadline_name}>
                                                { format!("{} / {}", format::sim_time(since.min(deadline * 2)), format::sim_time(deadline)) }
                                            </span>
                                            <span class="kafka-parts">{ if parts.is_empty() { "—".to_string() } else { parts } }</span>
                                            if let Some(batch) = &member.batch {
                                                <span class="kafka-batch">{ format!("batch {}/{}", format::count(batch.done), format::count(batch.total)) }</span>
                                            }
                                        </div>
                                    </li>
                                }
                            }) }
                        </ul>
                        if group.members.len() > MAX_CARDS {
                            <p class="help">{ format!("+ {} more members not drawn.", group.members.len() - MAX_CARDS) }</p>
                        }
                    </div>
                }
            }) }
        </section>
    }
}
