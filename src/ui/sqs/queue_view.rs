//! The queue as a column of message dots, the messages in flight with their shrinking visibility
//! timers, and the dead-letter queue. Sampled when there are more than fit; the counts are exact.

use super::state::SqsPlayground;
use crate::engine::sqs::{Msg, Phase};
use crate::format;
use std::rc::Rc;
use yew::prelude::*;
use crate::format::Coordinate;

/// Visible messages drawn at most: 10 columns × 24 rows.
pub const MAX_DOTS: u64 = 240;
const DOT_COLUMNS: u64 = 10;
/// In-flight rows drawn at most.
pub const MAX_FLIGHT_ROWS: usize = 24;

#[derive(Properties, PartialEq)]
pub struct QueueViewProps {
    pub state: Rc<SqsPlayground>,
}

/// How a visible message looks: shape and ring carry the meaning, colour repeats it.
fn dot_class(m: &Msg) -> &'static str {
    if m.poison {
        "sqs-dot poison"
    } else if m.handled {
        "sqs-dot handled"
    } else if m.receives > 0 {
        "sqs-dot again"
    } else {
        "sqs-dot fresh"
    }
}

/// One row of the in-flight column: what it is, how many messages, when they become visible.
struct FlightRow {
    class: &'static str,
    label: &'static str,
    count: u64,
    visible_at: u64,
}

#[function_component]
pub fn QueueView(props: &QueueViewProps) -> Html {
    let sim = &props.state.run.sim;
    let now = sim.now();
    let visible = sim.visible();
    let vt_ms = (sim.params().queue.visibility_timeout * 1000).max(1);

    // Sample visible messages oldest first, each cohort getting its share of the dots.
    let mut dots: Vec<&'static str> = Vec::new();
    let mut owed = 0u64;
    for (msg, &count) in sim.visible_cohorts() {
        if dots.len() as u64 >= MAX_DOTS {
            break;
        }
        owed += count * MAX_DOTS.min(visible);
        let take = owed / visible.max(1);
        owed %= visible.max(1);
        for _ in 0..take.min(MAX_DOTS - dots.len() as u64) {
            dots.push(dot_class(msg));
        }
    }

    let mut rows: Vec<FlightRow> = Vec::new();
    for batch in sim.batches().iter().filter(|b| !b.returned) {
        let (class, label) = match batch.phase {
            Phase::Throttled { .. } => ("sqs-flight throttled", "throttled"),
            Phase::Working { holds_connection: true, .. } => ("sqs-flight running", "running"),
            Phase::Working { .. } | Phase::Connecting { .. } => ("sqs-flight refused", "no connection"),
            Phase::ProxyQueued => ("sqs-flight queued", "waiting for proxy"),
        };
        // Kept in visible_at order as they go in (no sort code in the wasm): they mostly arrive in it.
        let at = rows.partition_point(|r| r.visible_at <= batch.visible_at);
        rows.insert(at, FlightRow { class, label, count: batch.len(), visible_at: batch.visible_at });
    }
    for (&(visible_at, _), &count) in sim.waiting_cohorts() {
        let at = rows.partition_point(|r| r.visible_at <= visible_at);
        match at.checked_sub(1).map(|before| &mut rows[before]) {
            Some(before) if before.label == "failed" && before.visible_at == visible_at => before.count += count,
            _ => rows.insert(at, FlightRow { class: "sqs-flight failed", label: "failed", count, visible_at }),
        }
    }
    let total_rows = rows.len();

    let width = 390.0;
    let dot_step = 15.0;
    let rows_drawn = rows.len().min(MAX_FLIGHT_ROWS);
    let height = 24.0 + 24.0 * dot_step + 20.0;
    let flight_x = DOT_COLUMNS as f64 * dot_step + 24.0;
    let bar_max = width - flight_x - 118.0;
    html! {
        <figure class="sqs-panel sqs-queue" data-testid="sqs-queue">
            <figcaption>
                <strong>{ "SQS queue" }</strong>
                { format!(" · {} messages visible · {} in flight", format::count(visible), format::count(sim.in_flight())) }
            </figcaption>
            <svg viewBox={format!("0 0 {} {}", width.coordinate(), height.coordinate())} role="img"
                aria-label={format!("{} messages visible, {} in flight", visible, sim.in_flight())}>
                <text class="sqs-col-title" x="0" y="14">{ "visible" }</text>
                { for dots.iter().enumerate().map(|(i, class)| {
                    let (col, row) = (i as u64 % DOT_COLUMNS, i as u64 / DOT_COLUMNS);
                    let (cx, cy) = (8.0 + col as f64 * dot_step, 30.0 + row as f64 * dot_step);
                    if class.ends_with("poison") {
                        html! { <rect class={*class} x={(cx - 5.0).coordinate()} y={(cy - 5.0).coordinate()} width="10" height="10" /> }
                    } else {
                        html! { <circle class={*class} cx={cx.coordinate()} cy={cy.coordinate()} r="5.5" /> }
                    }
                }) }
                <text class="sqs-col-title" x={flight_x.coordinate()} y="14">{ "in flight · visibility timer" }</text>
                { for rows.iter().take(rows_drawn).enumerate().map(|(i, row)| {
                    let y = 24.0 + i as f64 * dot_step;
                    let left = row.visible_at.saturating_sub(now).min(vt_ms);
                    let bar = bar_max * left as f64 / vt_ms as f64;
                    html! {
                        <g class={row.class}>
                            <rect class="sqs-timer-track" x={flight_x.coordinate()} y={(y + 1.0).coordinate()} width={bar_max.coordinate()} height="10" />
                            <rect class="sqs-timer" x={flight_x.coordinate()} y={(y + 1.0).coordinate()} width={format::fixed(bar, 1)} height="10" />
                            <text class="sqs-flight-label" x={(flight_x + bar_max + 4.0).coordinate()} y={(y + 10.0).coordinate()}>
                                { format!("{} {} · {}s", format::count(row.count), row.label, left.div_ceil(1000)) }
                            </text>
                        </g>
                    }
                }) }
            </svg>
            <p class="sqs-sample" data-testid="sqs-queue-sample">
                { if visible > MAX_DOTS {
                    format!("drawing {} of {} visible messages", MAX_DOTS, format::count(visible))
                } else {
                    format!("{} visible messages, all drawn", format::count(visible))
                } }
                { if total_rows > rows_drawn {
                    format!(" · {} of {} in-flight groups (soonest visible first)", rows_drawn, format::count(total_rows as u64))
                } else {
                    String::new()
                } }
            </p>
            <ul class="sqs-legend">
                <li><span class="sqs-key fresh" aria-hidden="true">{"●"}</span>{ "first delivery" }</li>
                <li><span class="sqs-key again" aria-hidden="true">{"◉"}</span>{ "back after a failure (receive count ≥ 1)" }</li>
                <li><span class="sqs-key handled" aria-hidden="true">{"◆"}</span>{ "already processed once: will be done again" }</li>
                <li><span class="sqs-key poison" aria-hidden="true">{"■"}</span>{ "poison: always fails" }</li>
            </ul>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct DlqProps {
    pub dlq: u64,
    pub sent: u64,
    pub max_receive_count: Option<u64>,
    pub flashing: bool,
}

#[function_component]
pub fn DeadLetterQueue(props: &DlqProps) -> Html {
    let share = if props.sent == 0 { 0.0 } else { props.dlq as f64 / props.sent as f64 };
    let fill = (share.sqrt() * 60.0).min(60.0);
    html! {
        <figure class={classes!("sqs-panel", "sqs-dlq", props.flashing.then_some("flash"))} data-testid="sqs-dlq">
            <figcaption><strong>{ "Dead-letter queue" }</strong></figcaption>
            <svg viewBox="0 0 120 80" role="img" aria-label={format!("{} messages in the dead-letter queue", props.dlq)}>
                <path class="sqs-bin" d="M10 10 L110 10 L100 76 L20 76 Z" />
                <rect class="sqs-bin-fill" x="20" y={(76.0 - fill).coordinate()} width="80" height={fill.coordinate()} />
                <text class="sqs-bin-count" x="60" y="48" text-anchor="middle">{ format::count(props.dlq) }</text>
            </svg>
            <p class="help">
                { match props.max_receive_count {
                    Some(max) => format!("after maxReceiveCount = {max} receives"),
                    None => "no redrive policy: failures retry until MessageRetentionPeriod".to_string(),
                } }
            </p>
        </figure>
    }
}
