//! Scenario 2 as a widget: a producer, a partitioned log and consumer groups reading it at
//! their own pace, with lag, pauses, rebalances and duplicates made visible.

pub mod code_panel;
mod controls;
pub mod lag_chart;
pub mod log_tape;
pub mod members;
pub mod state;
mod style;

use crate::engine::kafka::{EventSource, GroupEvent, KafkaSim, STEP_MS};
use crate::format;
use crate::ui::hooks::use_animation_frame;
use crate::ui::link;
use crate::ui::run::RunAction;
use crate::ui::widgets::laws::LawsPanel;
use crate::ui::widgets::link_bar::LinkBar;
use crate::ui::widgets::notice_bar::NoticeBar;
use crate::ui::widgets::positions;
use crate::engine::kafka::twin as twin_policy;
use crate::ui::widgets::timeline_bar::TimelineBar;
use crate::ui::widgets::twin_panel::TwinPanel;
use crate::ui::widgets::transport::Transport;
use code_panel::CodePanel;
use controls::Controls;
use lag_chart::LagChart;
use log_tape::LogTape;
use members::Members;
use state::{Action, KafkaPlayground};
use std::rc::Rc;
use yew::prelude::*;

/// The producer: its rate, its buffer (`buffer.memory`) as a gauge, blocked time and failures.
fn producer_panel(sim: &KafkaSim) -> Html {
    let producer = sim.producer();
    let params = &sim.params().producer;
    let record_bytes = sim.params().topic.record_bytes;
    let buffered_bytes = producer.buffered * record_bytes;
    let fill = (buffered_bytes as f64 / params.buffer_memory as f64 * 100.0).clamp(0.0, 100.0);
    let blocked = producer.blocked_count();
    let rate = sim.producer_rate();
    let in_peak = rate > params.events_per_second;
    html! {
        <section class="kafka-producer" aria-label="Producer">
            <div class="kafka-producer-text">
                <strong>{ "Producer" }</strong>
                <span class={classes!("kafka-rate", in_peak.then_some("peak"))}>
                    { format!("{} events/s", format::count(rate)) }
                    if in_peak { { format!(" (×{} peak)", params.peak.multiplier) } }
                </span>
                <span>{ format!("appended {}", format::count(sim.produced())) }</span>
                <span>{ format!("retained {} · deleted {}", format::count(sim.retained()), format::count(sim.deleted())) }</span>
            </div>
            <div class="kafka-gauge" role="meter" aria-label="buffer.memory in use"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={format::fixed(fill, 0)}>
                <div class={classes!("kafka-gauge-fill", (fill >= 99.0).then_some("full"))} ~style={positions::fill(fill)}></div>
                <span class="kafka-gauge-label">
                    <code>{ "buffer.memory" }</code>{ format!(" {} of {}", format::bytes(buffered_bytes), format::bytes(params.buffer_memory)) }
                </span>
            </div>
            <p class={classes!("kafka-producer-status", (blocked > 0).then_some("bad"))} data-testid="kafka-producer-status">
                if blocked > 0 {
                    { format!("send() is blocked: {} sends waiting; they throw after max.block.ms = {}", format::count(blocked), format::sim_time(params.max_block_ms)) }
                } else {
                    { "send() returns at once: the log absorbs the difference" }
                }
                { format!(" · blocked {} in all · {} send failures", format::sim_time(producer.blocked_ms), format::count(producer.send_failures)) }
            </p>
        </section>
    }
}

/// The latest events in words, newest first.
fn narration(state: &KafkaPlayground) -> Html {
    let sim = &state.run.sim;
    let names: Vec<&str> = sim.params().groups.iter().map(|g| g.group_id.as_str()).collect();
    let line = |source: &EventSource| -> (String, &'static str) {
        match *source {
            EventSource::SendBlocked => ("producer: buffer.memory is full, send() blocks".into(), "warn"),
            EventSource::SendFailed { count } => (format!("producer: {} send() calls threw after max.block.ms", format::count(count)), "bad"),
            EventSource::Group { group, event } => {
                let g = names.get(group).copied().unwrap_or("?");
                match event {
                    GroupEvent::Paused { member } => (format!("{g} m{member}: database overwhelmed → pause() (from the next fetch)"), "warn"),
                    GroupEvent::Resumed { member } => (format!("{g} m{member}: cooldown over → resume()"), "ok"),
                    GroupEvent::Evicted { member, gap_ms } => (format!("{g} m{member}: thrown out of the group after {} without a poll/heartbeat", format::sim_time(gap_ms)), "bad"),
                    GroupEvent::CommitFailed { member } => (format!("{g} m{member}: finished its batch, commit failed (the group moved on); rejoins"), "bad"),
                    GroupEvent::RebalanceStarted => (format!("{g}: rebalance, the whole group stops"), "warn"),
                    GroupEvent::RebalanceDone { generation, members } => (format!("{g}: generation {generation}, {members} members; partitions restart from committed offsets"), "ok"),
                    GroupEvent::OffsetReset { partition, to, lost } => (format!("{g} p{partition}: offset out of range → auto.offset.reset to {}, {} records skipped", format::count(to), format::count(lost)), "bad"),
                    GroupEvent::Down => (format!("{g}: every member is down"), "bad"),
                    GroupEvent::Rejoined => (format!("{g}: members are back and rejoin"), "ok"),
                }
            }
        }
    };
    html! {
        <ol class="kafka-events" aria-label="Latest events">
            { for sim.recent_events().rev().take(6).map(|e| {
                let (text, class) = line(&e.source);
                html! { <li class={classes!("event-banner", class)}><span class="kafka-at">{ format::sim_time(e.at_ms) }</span>{ " " }{ text }</li> }
            }) }
        </ol>
    }
}

#[function_component]
pub fn KafkaWidget() -> Html {
    let state = use_reducer(|| {
        let pairs = link::query_pairs();
        match link::linked_widget(&pairs) {
            Some("kafka") => KafkaPlayground::from_link(&pairs),
            _ => KafkaPlayground::default(),
        }
    });
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    use_animation_frame(dispatch.reform(|real_ms| Action::Frame { real_ms }));
    let run = dispatch.reform(Action::Run);
    let view = Rc::new((*state).clone());
    let (label_a, label_b) = twin_policy::labels(&view.run.params);
    let status = view.status();
    html! {
        <div class="widget kafka-widget" data-widget="kafka">
            <Transport clock={view.run.clock.clone()} now={view.run.sim.now()} status={status} step_ms={STEP_MS}
                time_testid="kafka-sim-time" on_action={run.clone()} />
            <TimelineBar now={view.run.sim.now()} horizon={view.run.sim.horizon_ms().max(view.run.twin.as_ref().map_or(0, |t| t.sim.horizon_ms()))} step_ms={STEP_MS}
                snapshots={view.run.sim.snapshot_count()} widget="kafka" on_rewind={run.reform(RunAction::Rewind)} />
            <TwinPanel widget="kafka" label_a={label_a} label_b={label_b}
                comparison={view.run.twin.as_ref().map(|t| twin_policy::compare(&view.run.sim, &t.sim, &t.policy, t.ends_at))}
                twin_now={view.run.twin.as_ref().map_or(0, |t| t.sim.now())} on_toggle={run.reform(RunAction::SetTwin)} />
            <LinkBar title="Backpressure Playground: Kafka" make_pairs={{
                let view = view.clone();
                Callback::from(move |()| view.run.link())
            }} />
            <p class="visually-hidden" aria-live="polite" data-testid="kafka-narration">{ view.narration.text.clone() }</p>
            if let Some(notice) = &view.run.notice {
                <NoticeBar text={notice.clone()} testid="kafka-notice" on_dismiss={run.reform(|()| RunAction::DismissNotice)} />
            }
            { producer_panel(&view.run.sim) }
            <LogTape state={view.clone()} />
            { narration(&view) }
            <div class="two-up">
                <LagChart state={view.clone()} />
                <CodePanel state={view.clone()} />
            </div>
            <Members state={view.clone()} />
            <div class="two-up">
                { for view.run.sim.params().groups.iter().enumerate().map(|(index, group)| html! {
                    <LawsPanel item="record" items="records" laws={view.run.sim.laws(index)} testid={format!("kafka-laws-{index}")}
                        title={format!("Live laws: group {}", group.group_id)}
                        system={format!("The system: records appended to the topic and not yet processed (or lost to retention) by {}; each partition is first in, first out. Throughput: records processed, repeats included. Goodput: distinct records processed.", group.group_id)} />
                }) }
            </div>
            <Controls state={view.clone()} dispatch={dispatch.clone()} />
        </div>
    }
}
