//! Every Kafka parameter as a control, by its real name: topic, producer, and each group.

use super::state::{Action, KafkaPlayground};
use crate::ui::run::RunAction;
use super::style;
use crate::engine::kafka::validate::{DOWNSTREAM_RATE, MAX_EVENTS, MAX_GROUPS, OUTAGE_MS, RETENTION_BYTES};
use crate::engine::kafka::{Assignor, Client, Distribution, OffsetReset, Outage, GROUP_RANGES, RANGES};
use crate::scenario::presets;
use crate::ui::widgets::slider::{Slider, Unit};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct ControlsProps {
    pub state: Rc<KafkaPlayground>,
    pub dispatch: Callback<Action>,
}

/// The controls show the parameters, the preset and the seed, so only those re-render them; a
/// frame of the running engine does not. The dispatch always reaches the same reducer.
impl PartialEq for ControlsProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.state, &other.state);
        a.run.params == b.run.params && a.run.preset == b.run.preset && a.run.seed == b.run.seed
    }
}

/// How each ranged parameter is shown: (help text, unit, logarithmic track).
fn presentation(field: &str) -> (&'static str, Unit, bool) {
    match field {
        "topic.partitions" => ("Partitions: the most consumers a group can use at once.", Unit::Count, false),
        "topic.recordBytes" => ("One record on the broker.", Unit::Bytes, true),
        "topic.retention.ms" => ("Closed segments older than this are deleted (default 7 days).", Unit::Millis, true),
        "topic.segment.bytes" => ("The active segment rolls over at this size (default 1 GiB); retention deletes whole segments.", Unit::Bytes, true),
        "topic.log.retention.check.interval.ms" => ("How often the broker deletes (default 5 min).", Unit::Millis, true),
        "producer.eventsPerSecond" => ("Events the application sends per second.", Unit::Count, true),
        "producer.peak.multiplier" => ("The peak: ×N the normal rate (1 = none).", Unit::Plain, false),
        "producer.peak.startMs" => ("When the peak starts.", Unit::Millis, true),
        "producer.peak.durationMs" => ("How long it lasts.", Unit::Millis, true),
        "producer.hotKeyPercent" => ("With keys: share of events with one hot key (all on p0).", Unit::Percent, false),
        "producer.buffer.memory" => ("The producer's buffer (default 32 MiB); when full, send() blocks.", Unit::Bytes, true),
        "producer.max.block.ms" => ("How long send() blocks before it throws (default 60 s).", Unit::Millis, true),
        "producer.brokerBytesPerSecond" => ("What the brokers accept from this producer.", Unit::Bandwidth, true),
        "members" => ("Consumers in the group; beyond the partition count they sit idle.", Unit::Count, false),
        "max.poll.records" => ("Records one poll() returns at most (default 500).", Unit::Count, true),
        "max.poll.interval.ms" => ("Java: longest gap between polls before the member is thrown out (default 5 min).", Unit::Millis, true),
        "session.timeout.ms" => ("Java: a dead process is noticed after this (45 s; heartbeats run in the background).", Unit::Millis, true),
        "sessionTimeout" => ("KafkaJS: no heartbeat for this long (30 s) and the member is out.", Unit::Millis, true),
        "auto.commit.interval.ms" => ("With auto-commit: how often poll() commits (default 5 s).", Unit::Millis, true),
        "processing.perRecordUs" => ("Processing time of one record, in microseconds.", Unit::Count, true),
        "processing.spreadPercent" => ("Spread of each batch's time (uniform, seeded).", Unit::Percent, false),
        "downstream.maxBacklog" => ("Writes the database can queue before the consumer pauses.", Unit::Count, true),
        "downstream.pauseCooldownMs" => ("Pause length before resume() (the article: 30 s).", Unit::Millis, true),
        "rebalanceMs" => ("How long the eager rebalance's sync stops the group.", Unit::Millis, true),
        _ => ("", Unit::Plain, false),
    }
}

fn checkbox(label: Html, checked: bool, on_toggle: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| on_toggle.emit(e.target_unchecked_into::<HtmlInputElement>().checked()));
    html! {
        <label class="switch"><input type="checkbox" {checked} {onchange} /><span>{ label }</span></label>
    }
}

fn select<T: Copy + 'static>(label: &'static str, options: &[(&'static str, T)], current: &'static str, on: Callback<T>) -> Html {
    let values: Vec<(&'static str, T)> = options.to_vec();
    let onchange = {
        let values = values.clone();
        Callback::from(move |e: Event| {
            let chosen = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(&(_, v)) = values.iter().find(|(name, _)| *name == chosen) {
                on.emit(v);
            }
        })
    };
    html! {
        <label class="select"><code>{ label }</code>
            <select {onchange} aria-label={label}>
                { for values.iter().map(|(name, _)| html! { <option value={*name} selected={*name == current}>{ *name }</option> }) }
            </select>
        </label>
    }
}

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let state = &props.state;
    let dispatch = &props.dispatch;
    let params = &state.run.params;
    let on_preset = dispatch.reform(|e: Event| Action::Run(RunAction::LoadPreset(e.target_unchecked_into::<HtmlSelectElement>().value())));
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(seed) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u64>() {
                dispatch.emit(Action::Run(RunAction::SetSeed(seed)));
            }
        })
    };
    let ranged = |prefix: &str| -> Html {
        RANGES
            .iter()
            .enumerate()
            .filter(|(_, r)| r.field.starts_with(prefix))
            .map(|(index, range)| {
                let (help, unit, log) = presentation(range.field);
                html! {
                    <Slider key={range.field} name={range.field} help={help} value={(range.get)(params)}
                        min={range.min} max={range.max} unit={unit} log={log} on_change={dispatch.reform(move |v| Action::SetRange(index, v))} />
                }
            })
            .collect()
    };

    html! {
        <section class="controls kafka-controls" aria-label="Kafka parameters">
            <fieldset>
                <legend>{ "Scenario" }</legend>
                <label class="select">{ "Preset " }
                    <select onchange={on_preset} aria-label="Kafka preset" data-testid="kafka-preset">
                        <option value="custom" selected={state.run.preset == "custom"} disabled=true>{ "custom" }</option>
                        { for presets::kafka::PRESETS.iter().map(|p| html! {
                            <option value={p.name} selected={state.run.preset == p.name} title={p.description}>{ p.name }</option>
                        }) }
                    </select>
                </label>
                <label class="select">{ "seed " }
                    <input type="number" min="0" value={state.run.seed.to_string()} onchange={on_seed} aria-label="Kafka seed" />
                </label>
                if let Some(p) = presets::kafka::PRESETS.iter().find(|p| p.name == state.run.preset) {
                    <p class="help">{ p.description }</p>
                }
            </fieldset>
            <fieldset>
                <legend>{ "Topic" }</legend>
                { ranged("topic.") }
                { checkbox(html!{ <><code>{"retention.bytes"}</code>{" per partition (off = -1, unlimited)"}</> },
                    params.topic.retention_bytes.is_some(),
                    dispatch.reform(|on: bool| Action::SetRetentionBytes(on.then_some(64 * 1024 * 1024)))) }
                if let Some(bytes) = params.topic.retention_bytes {
                    <Slider name="topic.retention.bytes" help="Oldest segments go while the partition stays above this."
                        value={bytes} min={RETENTION_BYTES.0} max={RETENTION_BYTES.1} unit={Unit::Bytes} log=true
                        on_change={dispatch.reform(|v| Action::SetRetentionBytes(Some(v)))} />
                }
            </fieldset>
            <fieldset>
                <legend>{ "Producer" }</legend>
                { ranged("producer.") }
                { checkbox(html!{ <>{"keyed records (same key → same partition)"}</> }, params.producer.keyed, dispatch.reform(Action::SetKeyed)) }
                { checkbox(html!{ <>{"stop after "}<code>{"maxEvents"}</code></> }, params.producer.max_events.is_some(),
                    dispatch.reform(|on: bool| Action::SetMaxEvents(on.then_some(1_000)))) }
                if let Some(max) = params.producer.max_events {
                    <Slider name="producer.maxEvents" help="Events sent in all, then the producer stops."
                        value={max} min={MAX_EVENTS.0} max={100_000_000} unit={Unit::Count} log=true
                        on_change={dispatch.reform(|v| Action::SetMaxEvents(Some(v)))} />
                }
            </fieldset>
            { for params.groups.iter().enumerate().map(|(g, group)| {
                let group_ranged: Html = GROUP_RANGES.iter().enumerate()
                    .filter(|(_, r)| match r.field {
                        "max.poll.interval.ms" | "session.timeout.ms" => group.client == Client::Java,
                        "sessionTimeout" => group.client == Client::Kafkajs,
                        "auto.commit.interval.ms" => group.enable_auto_commit,
                        "downstream.maxBacklog" | "downstream.pauseCooldownMs" => group.downstream.records_per_second.is_some(),
                        _ => true,
                    })
                    .map(|(index, range)| {
                        let (mut help, unit, log) = presentation(range.field);
                        if range.field == "max.poll.records" && group.client == Client::Kafkajs {
                            help = "KafkaJS has no such setting: a batch is what one fetch brings (maxBytesPerPartition, 1 MiB). Here: records per eachBatch call.";
                        }
                        html! {
                            <Slider key={format!("{g}-{}", range.field)} name={format!("groups[{g}].{}", range.field)} help={help}
                                value={(range.get)(group)} min={range.min} max={range.max} unit={unit} log={log}
                                on_change={dispatch.reform(move |v| Action::SetGroupRange(g, index, v))} />
                        }
                    })
                    .collect();
                let client = match group.client { Client::Java => "java", Client::Kafkajs => "kafkajs" };
                let assignor = match group.assignor { Assignor::Range => "range", Assignor::Roundrobin => "roundrobin" };
                let reset = match group.auto_offset_reset { OffsetReset::Earliest => "earliest", OffsetReset::Latest => "latest" };
                html! {
                    <fieldset class={classes!("kafka-group-controls", style::class(g))} key={group.group_id.clone()}>
                        <legend>{ format!("{} group.id = {}", style::glyph(g), group.group_id) }</legend>
                        { select("client", &[("java", Client::Java), ("kafkajs", Client::Kafkajs)], client, dispatch.reform(move |c| Action::SetClient(g, c))) }
                        { select("partition.assignment.strategy", &[("range", Assignor::Range), ("roundrobin", Assignor::Roundrobin)], assignor,
                            dispatch.reform(move |a| Action::SetAssignor(g, a))) }
                        { select("processing.distribution", &[("fixed", Distribution::Fixed), ("uniform", Distribution::Uniform)],
                            match group.processing.distribution { Distribution::Fixed => "fixed", Distribution::Uniform => "uniform" },
                            dispatch.reform(move |d| Action::SetDistribution(g, d))) }
                        { select("auto.offset.reset", &[("latest", OffsetReset::Latest), ("earliest", OffsetReset::Earliest)], reset,
                            dispatch.reform(move |r| Action::SetOffsetReset(g, r))) }
                        { checkbox(html!{ <><code>{"enable.auto.commit"}</code>{" (off: commitSync() after each batch)"}</> }, group.enable_auto_commit,
                            dispatch.reform(move |on| Action::SetAutoCommit(g, on))) }
                        if group.client == Client::Kafkajs {
                            { checkbox(html!{ <>{"eachBatch calls "}<code>{"heartbeat()"}</code>{" while it works"}</> }, group.heartbeat_in_each_batch,
                                dispatch.reform(move |on| Action::SetHeartbeatInEachBatch(g, on))) }
                            { checkbox(html!{ <>{"KafkaJS 2.x bug (#1376): after "}<code>{"pause()"}</code>{" the same batch comes once more"}</> }, group.kafkajs2_pause_bug,
                                dispatch.reform(move |on| Action::SetPauseBug(g, on))) }
                        }
                        { group_ranged }
                        { checkbox(html!{ <>{"a database that can be overwhelmed → "}<code>{"pause()"}</code></> }, group.downstream.records_per_second.is_some(),
                            dispatch.reform(move |on: bool| Action::SetDownstream(g, on.then_some(5_000)))) }
                        if let Some(rate) = group.downstream.records_per_second {
                            <Slider name={format!("groups[{g}].downstream.recordsPerSecond")} help="Writes per second the database absorbs."
                                value={rate} min={DOWNSTREAM_RATE.0} max={DOWNSTREAM_RATE.1} unit={Unit::Count} log=true
                                on_change={dispatch.reform(move |v| Action::SetDownstream(g, Some(v)))} />
                        }
                        { checkbox(html!{ <>{"every record calls a shared database (more members → slower records)"}</> }, group.processing.db_records_per_second.is_some(),
                            dispatch.reform(move |on: bool| Action::SetDb(g, on.then_some(100)))) }
                        if let Some(rate) = group.processing.db_records_per_second {
                            <Slider name={format!("groups[{g}].processing.dbRecordsPerSecond")} help="Records per second the shared database serves, split between busy members."
                                value={rate} min={DOWNSTREAM_RATE.0} max={DOWNSTREAM_RATE.1} unit={Unit::Count} log=true
                                on_change={dispatch.reform(move |v| Action::SetDb(g, Some(v)))} />
                        }
                        { checkbox(html!{ <>{"an outage: every member down for a while"}</> }, group.outage.is_some(),
                            dispatch.reform(move |on: bool| Action::SetOutage(g, on.then_some(Outage { start_ms: 60_000, duration_ms: 600_000 })))) }
                        if let Some(outage) = group.outage.clone() {
                            <Slider name={format!("groups[{g}].outage.startMs")} help="When the members go down."
                                value={outage.start_ms} min={OUTAGE_MS.0} max={OUTAGE_MS.1} unit={Unit::Millis} log=true
                                on_change={dispatch.reform(move |v| Action::SetOutage(g, Some(Outage { start_ms: v, duration_ms: outage.duration_ms })))} />
                            <Slider name={format!("groups[{g}].outage.durationMs")} help="How long they stay down; then they rejoin (a rebalance)."
                                value={outage.duration_ms} min={OUTAGE_MS.0} max={OUTAGE_MS.1} unit={Unit::Millis} log=true
                                on_change={dispatch.reform(move |v| Action::SetOutage(g, Some(Outage { start_ms: outage.start_ms, duration_ms: v })))} />
                        }
                        if params.groups.len() > 1 {
                            <button type="button" class="small" onclick={dispatch.reform(move |_| Action::RemoveGroup(g))}>{ "remove this group" }</button>
                        }
                    </fieldset>
                }
            }) }
            if params.groups.len() < MAX_GROUPS.min(4) {
                <fieldset>
                    <legend>{ "More readers" }</legend>
                    <p class="help">{ "Every group reads every record, at its own pace." }</p>
                    <button type="button" class="small" onclick={dispatch.reform(|_| Action::AddGroup)}>{ "+ add a consumer group" }</button>
                </fieldset>
            }
        </section>
    }
}
