//! Every parameter of the SQS + Lambda scenario, under its real name, grouped by where it lives.

use super::state::{Action, SpikeField, SqsPlayground};
use crate::ui::run::RunAction;
use crate::engine::sqs::validate::{MAXIMUM_CONCURRENCY, MAX_RECEIVE_COUNT, RESERVED_CONCURRENCY, SPIKE_RATE, SPIKE_SECONDS};
use crate::engine::sqs::{RetryPolicy, Spike, RANGES};
use crate::scenario::presets;
use crate::ui::widgets::slider::{Slider, Unit};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct ControlsProps {
    pub state: Rc<SqsPlayground>,
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
        "arrivals.messagesPerMinute" => ("Normal traffic, messages per minute.", Unit::Count, true),
        "arrivals.initialMessages" => ("Messages already waiting at t = 0 (a burst sent at once).", Unit::Count, true),
        "arrivals.poisonPercent" => ("Share of messages whose handler always throws.", Unit::Percent, false),
        "queue.VisibilityTimeout" => ("Seconds a received message stays hidden (default 30 s, 0 s – 12 h).", Unit::Plain, true),
        "queue.MessageRetentionPeriod" => ("Seconds before SQS deletes a message (default 4 days).", Unit::Plain, true),
        "eventSourceMapping.BatchSize" => ("Messages per invocation (default 10; above 10 needs a batching window).", Unit::Count, true),
        "eventSourceMapping.MaximumBatchingWindowInSeconds" => ("Seconds a poller may wait to fill a batch.", Unit::Plain, false),
        "function.Timeout" => ("Function timeout in seconds (1–900). AWS refuses a mapping whose queue VisibilityTimeout is lower.", Unit::Plain, true),
        "function.handlerMsPerMessage" => ("Handler time per message once it holds a connection.", Unit::Millis, true),
        "function.jitterPercent" => ("Random spread of each invocation's duration (seeded).", Unit::Percent, false),
        "account.ConcurrentExecutions" => ("Lambda concurrency for the whole account and Region (default 1,000).", Unit::Count, true),
        "database.max_connections" => ("Postgres connection limit (default 100).", Unit::Count, true),
        "database.superuser_reserved_connections" => ("Slots kept for superusers (default 3): handlers get max_connections minus these.", Unit::Count, false),
        "database.connectRetries" => ("Times the handler retries a refused connection before throwing.", Unit::Count, true),
        "database.retryBackoffMs" => ("The fixed wait, or the first exponential one.", Unit::Millis, true),
        "database.retryMaxBackoffMs" => ("The longest exponential wait.", Unit::Millis, true),
        "database.connectCpuMicros" => ("Postgres CPU per connection attempt, refused ones too (µs; 0: churn is free).", Unit::Plain, true),
        "database.vCpus" => ("The server's CPUs, which connection churn takes from the queries.", Unit::Count, false),
        _ => ("", Unit::Plain, false),
    }
}

fn group(state: &SqsPlayground, dispatch: &Callback<Action>, prefix: &str) -> Html {
    RANGES
        .iter()
        .enumerate()
        .filter(|(_, r)| r.field.starts_with(prefix))
        .map(|(index, range)| {
            let (help, unit, log) = presentation(range.field);
            html! {
                <Slider key={range.field} name={range.field} help={help} value={(range.get)(&state.run.params)}
                    min={range.min} max={range.max} unit={unit} log={log} on_change={dispatch.reform(move |v| Action::SetRange(index, v))} />
            }
        })
        .collect()
}

fn checkbox(label: Html, checked: bool, testid: &'static str, on_toggle: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| on_toggle.emit(e.target_unchecked_into::<HtmlInputElement>().checked()));
    html! {
        <label class="switch"><input type="checkbox" data-testid={testid} {checked} {onchange} /><span>{ label }</span></label>
    }
}

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let state = &props.state;
    let dispatch = &props.dispatch;
    let p = &state.run.params;
    let on_preset = dispatch.reform(|e: Event| Action::Run(RunAction::LoadPreset(e.target_unchecked_into::<HtmlSelectElement>().value())));
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(seed) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u64>() {
                dispatch.emit(Action::Run(RunAction::SetSeed(seed)));
            }
        })
    };
    let on_retry_policy = dispatch.reform(|e: Event| {
        let name = e.target_unchecked_into::<HtmlSelectElement>().value();
        let policy = RetryPolicy::ALL.into_iter().find(|policy| policy.name() == name).unwrap_or_default();
        Action::SetRetryPolicy(policy)
    });
    let spike = p.arrivals.spike.clone();
    let max_conc = p.event_source_mapping.scaling_config.maximum_concurrency;
    let reserved = p.function.reserved_concurrent_executions;
    let redrive = p.queue.redrive_policy.as_ref().map(|r| r.max_receive_count);

    html! {
        <section class="controls sqs-controls" aria-label="SQS + Lambda parameters">
            <fieldset>
                <legend>{ "Scenario and traffic" }</legend>
                <label class="select">{ "Preset " }
                    <select onchange={on_preset} aria-label="SQS preset" data-testid="sqs-preset">
                        <option value="custom" selected={state.run.preset == "custom"} disabled=true>{ "custom" }</option>
                        { for presets::sqs::PRESETS.iter().map(|preset| html! {
                            <option value={preset.name} selected={state.run.preset == preset.name} title={preset.description}>{ preset.name }</option>
                        }) }
                    </select>
                </label>
                <label class="select">{ "seed " }
                    <input type="number" min="0" value={state.run.seed.to_string()} onchange={on_seed} aria-label="SQS seed" />
                </label>
                { group(state, dispatch, "arrivals") }
                { checkbox(html!{ <>{ "Campaign spike" }</> }, spike.is_some(), "sqs-spike",
                    dispatch.reform(|on: bool| Action::SetSpike(on.then_some(Spike { start_seconds: 60, duration_seconds: 120, messages_per_minute: 50_000 })))) }
                if let Some(s) = spike {
                    <Slider name="arrivals.spike.startSeconds" help="When the campaign starts, in seconds." value={s.start_seconds}
                        min={SPIKE_SECONDS.0} max={3_600} unit={Unit::Plain} on_change={dispatch.reform(|v| Action::SetSpikeField(SpikeField::Start, v))} />
                    <Slider name="arrivals.spike.durationSeconds" help="How long it lasts, in seconds." value={s.duration_seconds}
                        min={1} max={SPIKE_SECONDS.1} unit={Unit::Plain} log=true on_change={dispatch.reform(|v| Action::SetSpikeField(SpikeField::Duration, v))} />
                    <Slider name="arrivals.spike.messagesPerMinute" help="Messages per minute during the campaign." value={s.messages_per_minute}
                        min={SPIKE_RATE.0} max={SPIKE_RATE.1} unit={Unit::Count} log=true on_change={dispatch.reform(|v| Action::SetSpikeField(SpikeField::Rate, v))} />
                }
            </fieldset>
            <fieldset>
                <legend>{ "SQS queue" }</legend>
                { group(state, dispatch, "queue") }
                { checkbox(html!{ <><code>{ "RedrivePolicy" }</code>{ " → dead-letter queue" }</> }, redrive.is_some(), "sqs-redrive",
                    dispatch.reform(|on: bool| Action::SetMaxReceiveCount(on.then_some(5)))) }
                if let Some(count) = redrive {
                    <Slider name="queue.RedrivePolicy.maxReceiveCount" help="Receives before a message moves to the DLQ (AWS advises ≥ 5 behind Lambda)."
                        value={count} min={MAX_RECEIVE_COUNT.0} max={MAX_RECEIVE_COUNT.1} unit={Unit::Count} log=true
                        on_change={dispatch.reform(|v| Action::SetMaxReceiveCount(Some(v)))} />
                }
            </fieldset>
            <fieldset>
                <legend>{ "Event source mapping" }</legend>
                { group(state, dispatch, "eventSourceMapping") }
                { checkbox(html!{ <><code>{ "ScalingConfig.MaximumConcurrency" }</code></> }, max_conc.is_some(), "sqs-maxconc",
                    dispatch.reform(|on: bool| Action::SetMaximumConcurrency(on.then_some(50)))) }
                if let Some(m) = max_conc {
                    <Slider name="eventSourceMapping.ScalingConfig.MaximumConcurrency" help="Concurrent batches the mapping may invoke (2–1,000)."
                        value={m} min={MAXIMUM_CONCURRENCY.0} max={MAXIMUM_CONCURRENCY.1} unit={Unit::Count} log=true
                        on_change={dispatch.reform(|v| Action::SetMaximumConcurrency(Some(v)))} />
                }
                { checkbox(html!{ <><code>{ "FunctionResponseTypes: [ReportBatchItemFailures]" }</code>{ " (partial batch responses)" }</> },
                    p.event_source_mapping.reports_batch_item_failures(), "sqs-rbif", dispatch.reform(Action::SetReportBatchItemFailures)) }
                { checkbox(html!{ <>{ "Older poller ramp: +60 a minute instead of +300" }</> },
                    p.event_source_mapping.legacy_scaling, "sqs-legacy", dispatch.reform(Action::SetLegacyScaling)) }
            </fieldset>
            <fieldset>
                <legend>{ "Lambda function" }</legend>
                { group(state, dispatch, "function") }
                { checkbox(html!{ <><code>{ "ReservedConcurrentExecutions" }</code></> }, reserved.is_some(), "sqs-reserved",
                    dispatch.reform(|on: bool| Action::SetReservedConcurrency(on.then_some(50)))) }
                if let Some(r) = reserved {
                    <Slider name="function.ReservedConcurrentExecutions" help="Caps (and guarantees) the function's concurrency (0–1,000)."
                        value={r} min={RESERVED_CONCURRENCY.0} max={RESERVED_CONCURRENCY.1} unit={Unit::Count} log=true
                        on_change={dispatch.reform(|v| Action::SetReservedConcurrency(Some(v)))} />
                }
                { group(state, dispatch, "account") }
            </fieldset>
            <fieldset>
                <legend>{ "PostgreSQL" }</legend>
                <label class="select">{ "retryPolicy " }
                    <select onchange={on_retry_policy} aria-label="database.retryPolicy" data-testid="sqs-retry-policy">
                        { for RetryPolicy::ALL.iter().map(|policy| html! {
                            <option value={policy.name()} selected={p.database.retry_policy == *policy}>{ policy.name() }</option>
                        }) }
                    </select>
                </label>
                { group(state, dispatch, "database") }
                { checkbox(html!{ <>{ "RDS Proxy: queue connection requests instead of refusing them" }</> },
                    p.database.rds_proxy, "sqs-proxy", dispatch.reform(Action::SetRdsProxy)) }
            </fieldset>
        </section>
    }
}
