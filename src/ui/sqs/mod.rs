//! Scenario 3 as a widget: the SQS queue, the Lambda slots with their caps, the Postgres pool,
//! the dead-letter queue, charts, the code and every parameter.

mod charts;
pub mod code_panel;
mod controls;
pub mod queue_view;
pub mod slots;
pub mod state;

use crate::engine::sqs::{warnings, RECOVERED_BACKLOG, RECOVERED_QUIET_MS, STEP_MS};
use crate::format;
use crate::ui::hooks::use_animation_frame;
use crate::ui::link;
use crate::ui::run::RunAction;
use crate::ui::widgets::laws::LawsPanel;
use crate::ui::widgets::link_bar::LinkBar;
use crate::ui::widgets::notice_bar::NoticeBar;
use crate::engine::sqs::twin as twin_policy;
use crate::ui::widgets::timeline_bar::TimelineBar;
use crate::ui::widgets::twin_panel::TwinPanel;
use crate::ui::widgets::transport::Transport;
use charts::{Chart, Level, Line};
use code_panel::CodePanel;
use controls::Controls;
use queue_view::{DeadLetterQueue, QueueView};
use slots::{LambdaSlots, PostgresPool};
use state::{Action, SqsPlayground};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StateProps {
    pub state: Rc<SqsPlayground>,
}

/// The numbers the simulation keeps, exact whatever is drawn.
#[function_component]
pub fn Metrics(props: &StateProps) -> Html {
    let sim = &props.state.run.sim;
    let c = sim.counters();
    let attempts = if c.sent == 0 {
        format::count(c.connection_attempts)
    } else {
        format!("{} ({} per message)", format::count(c.connection_attempts), format::fixed(c.connection_attempts as f64 / c.sent as f64, 1))
    };
    let recovery = match (sim.spike_ended_at(), sim.recovery_ms()) {
        (None, _) => "campaign not over".to_string(),
        (Some(_), Some(ms)) => format!("{} after the campaign", format::sim_time(ms)),
        (Some(ended), None) => format!("not yet ({} since the campaign)", format::sim_time(sim.now() - ended)),
    };
    let items: [(&str, String, &str); 14] = [
        ("messages visible", format::count(sim.visible()), "m-visible"),
        ("messages in flight", format::count(sim.in_flight()), "m-in-flight"),
        ("messages in the DLQ", format::count(c.dlq), "m-dlq"),
        ("age of oldest", format::sim_time(sim.age_of_oldest_ms()), "m-age"),
        ("concurrent executions", format::count(sim.concurrency()), "m-concurrency"),
        ("throttles", format::count(c.throttles), "m-throttles"),
        ("invocations", format::count(c.invocations), "m-invocations"),
        ("handler errors", format::count(c.handler_errors), "m-errors"),
        ("connections in use", format::count(sim.connections_in_use()), "m-connections"),
        ("connections refused", format::count(c.connections_refused), "m-refused"),
        ("connection attempts", attempts, "m-attempts"),
        ("recovered", recovery, "m-recovery"),
        ("processed more than once", format::count(c.processed_more_than_once), "m-duplicates"),
        ("messages completed", format!("{} of {} sent", format::count(c.completed), format::count(c.sent)), "m-completed"),
    ];
    html! {
        <>
        <dl class="sqs-metrics">
            { for items.iter().map(|(label, value, id)| html! {
                <div><dt>{ *label }</dt><dd data-testid={*id}>{ value.clone() }</dd></div>
            }) }
        </dl>
        <p class="sqs-recovery-definition">{ format!(
            "Recovered: the first moment after the campaign ends with at most {RECOVERED_BACKLOG} messages left \
             (visible or in flight) and no connection refused for {} s.",
            RECOVERED_QUIET_MS / 1000
        ) }</p>
        </>
    }
}

/// AWS's warnings for the configuration, plus the way to reach the bad state people reach.
#[function_component]
pub fn Warnings(props: &StateProps) -> Html {
    let list = warnings(props.state.run.sim.params());
    if list.is_empty() {
        return html! { <p class="sqs-ok" data-testid="sqs-warnings">{ "✓ AWS would raise no warning for this configuration." }</p> };
    }
    html! {
        <div class="sqs-warnings" role="status" data-testid="sqs-warnings">
            <p class="sqs-warnings-title">{ "⚠ Accepted by AWS, but:" }</p>
            <ul>
                { for list.iter().map(|w| html! { <li><code>{ w.field }</code>{ ": " }{ w.message.clone() }</li> }) }
            </ul>
        </div>
    }
}

#[function_component]
fn RaiseTimeout(props: &StateProps) -> Html {
    let dispatch = use_context::<Callback<Action>>();
    let sim = &props.state.run.sim;
    let current = sim.timeout_s();
    let wanted = use_state(|| 120u64);
    // What the reader is typing, kept until committed, so the frames' re-renders leave it alone.
    let typing = use_state(|| None::<String>);
    let on_keystroke = {
        let typing = typing.clone();
        Callback::from(move |e: InputEvent| typing.set(Some(e.target_unchecked_into::<HtmlInputElement>().value())))
    };
    let on_commit = {
        let (wanted, typing) = (wanted.clone(), typing.clone());
        Callback::from(move |e: Event| {
            typing.set(None);
            if let Ok(v) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u64>() {
                wanted.set(v.clamp(1, 900));
            }
        })
    };
    let value = *wanted;
    let onclick = dispatch.map(|d| d.reform(move |_| Action::RaiseTimeoutNow(value)));
    let changed = sim.timeout_changed();
    let text = match sim.params().function.timeout_change.as_ref().filter(|_| changed) {
        Some(change) => format!(
            "Function Timeout now {current} s, changed at {}. A run records one change: Reset to try another.",
            format::sim_time(change.at_seconds * 1000)
        ),
        None => format!("Function Timeout now {current} s. Change it while the mapping exists (AWS does not re-check the queue), at the next whole second:"),
    };
    html! {
        <div class="sqs-raise">
            <span>{ text }</span>
            <label class="select">{ "Timeout " }
                <input type="number" min="1" max="900" value={(*typing).clone().unwrap_or_else(|| value.to_string())}
                    oninput={on_keystroke} onchange={on_commit} disabled={changed} aria-label="New function Timeout in seconds" />
                { " s" }
            </label>
            <button type="button" data-testid="sqs-raise-timeout" disabled={changed} onclick={onclick}>{ "Raise Timeout now" }</button>
        </div>
    }
}

/// Ends the campaign at once, to see whether the overload ends with it.
#[function_component]
fn EndSpike(props: &StateProps) -> Html {
    let dispatch = use_context::<Callback<Action>>();
    let sim = &props.state.run.sim;
    let text = match (sim.spike_in_progress(), sim.spike_ended_at()) {
        (true, _) => "The campaign is on.".to_string(),
        (false, Some(at)) => format!("The campaign ended at {}.", format::sim_time(at)),
        (false, None) if sim.params().arrivals.spike.is_some() => "The campaign has not started.".to_string(),
        (false, None) => "No campaign in this scenario.".to_string(),
    };
    let onclick = dispatch.map(|d| d.reform(|_| Action::EndSpikeNow));
    html! {
        <div class="sqs-raise">
            <span>{ text }{ " Back to the normal rate at the next whole second:" }</span>
            <button type="button" data-testid="sqs-end-spike" disabled={!sim.spike_in_progress()} onclick={onclick}>{ "End the spike now" }</button>
        </div>
    }
}

#[function_component]
pub fn SqsWidget() -> Html {
    let state = use_reducer(|| {
        let pairs = link::query_pairs();
        match link::linked_widget(&pairs) {
            Some("sqs") => SqsPlayground::from_link(&pairs),
            _ => SqsPlayground::default(),
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
    let sim = &view.run.sim;
    let p = sim.params();
    let status = view.status();
    let series = sim.series();
    let now = sim.now();
    let with_now = |points: &[(u64, u64)], value: u64| {
        let mut v = points.to_vec();
        v.push((now, value));
        v
    };
    let mut concurrency_levels = vec![Level {
        value: p.database.available(),
        label: format!("connections available: {}", p.database.available()),
        class: "available",
    }];
    let cap = p.function_concurrency_cap().min(p.mapping_concurrency_cap());
    if cap < 1_000 {
        concurrency_levels.push(Level { value: cap, label: format!("concurrency cap {cap}"), class: "cap" });
    }
    let concurrency_lines = vec![
        Line { label: "concurrent executions".into(), class: "concurrency", points: with_now(series.concurrency.points(), sim.concurrency()) },
        Line { label: "connections in use".into(), class: "connections", points: with_now(series.connections.points(), sim.connections_in_use()) },
    ];
    let queue_lines = vec![
        Line { label: "visible".into(), class: "visible", points: with_now(series.visible.points(), sim.visible()) },
        Line { label: "in flight".into(), class: "in-flight", points: with_now(series.in_flight.points(), sim.in_flight()) },
        Line { label: "dead-letter queue".into(), class: "dlq", points: with_now(series.dlq.points(), sim.counters().dlq) },
    ];
    let recent: Vec<String> =
        sim.recent_events().rev().take(4).map(|e| format!("{} · {}", format::sim_time(e.at_ms), e.event.describe())).collect();

    html! {
        <ContextProvider<Callback<Action>> context={dispatch.clone()}>
        <div class="widget sqs-widget" data-widget="sqs">
            <Transport clock={view.run.clock.clone()} now={now} status={status} step_ms={STEP_MS} time_testid="sqs-sim-time" on_action={run.clone()} />
            <TimelineBar now={view.run.sim.now()} horizon={view.run.sim.horizon_ms().max(view.run.twin.as_ref().map_or(0, |t| t.sim.horizon_ms()))} step_ms={STEP_MS}
                snapshots={view.run.sim.snapshot_count()} widget="sqs" on_rewind={run.reform(RunAction::Rewind)} />
            <TwinPanel widget="sqs" label_a={label_a} label_b={label_b}
                comparison={view.run.twin.as_ref().map(|t| twin_policy::compare(&view.run.sim, &t.sim, &t.policy, t.ends_at))}
                twin_now={view.run.twin.as_ref().map_or(0, |t| t.sim.now())} on_toggle={run.reform(RunAction::SetTwin)} />
            <LinkBar title="Backpressure Playground: SQS + Lambda" make_pairs={{
                let view = view.clone();
                Callback::from(move |()| view.run.link())
            }} />
            <p class="visually-hidden" aria-live="polite" data-testid="sqs-narration">{ view.narration.text.clone() }</p>
            if let Some(notice) = &view.run.notice {
                <NoticeBar text={notice.clone()} testid="sqs-notice" on_dismiss={run.reform(|()| RunAction::DismissNotice)} />
            }
            <Warnings state={view.clone()} />
            <RaiseTimeout state={view.clone()} />
            <EndSpike state={view.clone()} />
            <Metrics state={view.clone()} />
            <LawsPanel item="message" items="messages" laws={sim.laws()} testid="sqs-laws" title="Live laws: the queue and the function"
                system="The system: messages sent and not yet completed, dead-lettered or expired (visible + in flight). Throughput: messages handed to invocations, failed and repeated ones included. Goodput: messages completed. The oldest is over visible messages, as AWS's ApproximateAgeOfOldestMessage is." />
            <div class="sqs-stage">
                <QueueView state={view.clone()} />
                <LambdaSlots state={view.clone()} />
                <div class="sqs-side">
                    <PostgresPool state={view.clone()} />
                    <DeadLetterQueue dlq={sim.counters().dlq} sent={sim.counters().sent}
                        max_receive_count={p.queue.redrive_policy.as_ref().map(|r| r.max_receive_count)}
                        flashing={sim.activity().to_dlq > 0} />
                </div>
            </div>
            <ul class="sqs-events" aria-label="Latest events">
                if recent.is_empty() {
                    <li class="quiet">{ "No throttles, refusals, failures or redeliveries so far." }</li>
                }
                { for recent.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
            </ul>
            <div class="two-up">
                <Chart title="Concurrent executions against Postgres connections" lines={concurrency_lines}
                    levels={concurrency_levels} now={now} testid="sqs-chart-concurrency" />
                <Chart title={format!("Queue depth · oldest message waited up to {}", format::sim_time(sim.counters().max_age_of_oldest_ms))}
                    lines={queue_lines} levels={Vec::<Level>::new()} now={now} testid="sqs-chart-queue" />
            </div>
            <CodePanel state={view.clone()} />
            <Controls state={view.clone()} dispatch={dispatch.clone()} />
        </div>
        </ContextProvider<Callback<Action>>>
    }
}
