//! The Lambda slot grid (running invocations, with the reserved-concurrency and maximum-concurrency
//! caps drawn) and the Postgres pool (one slot per connection, refusals counted).

use super::state::SqsPlayground;
use crate::engine::sqs::Phase;
use crate::format;
use std::rc::Rc;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Properties, PartialEq)]
pub struct SlotsProps {
    pub state: Rc<SqsPlayground>,
}

/// A cap drawn on the grid: after `at` slots, with its real name.
struct Cap {
    at: u64,
    label: String,
    class: &'static str,
}

fn cell_xy(index: u64, columns: u64, size: f64) -> (f64, f64) {
    ((index % columns) as f64 * size, (index / columns) as f64 * size)
}

/// The thick bar drawn at the right edge of slot `at - 1`: where a cap cuts the grid.
fn cap_marker(cap: &Cap, columns: u64, size: f64, top: f64, row_offset: usize) -> Html {
    let last = cap.at.saturating_sub(1);
    let (x, y) = cell_xy(last, columns, size);
    let x = x + size;
    html! {
        <g class={classes!("sqs-cap", cap.class)}>
            <line x1={x.coordinate()} x2={x.coordinate()} y1={(top + y - 1.0).coordinate()} y2={(top + y + size + 1.0).coordinate()} />
            <text x="0" y={(10.0 + row_offset as f64 * 13.0).coordinate()}>{ cap.label.clone() }</text>
        </g>
    }
}

#[function_component]
pub fn LambdaSlots(props: &SlotsProps) -> Html {
    let sim = &props.state.run.sim;
    let p = sim.params();
    let reserved = p.function.reserved_concurrent_executions;
    let maximum = p.event_source_mapping.scaling_config.maximum_concurrency;
    let concurrency = sim.concurrency();
    let drawn: u64 = if [Some(concurrency), reserved, maximum, Some(sim.poller_batches())].iter().flatten().all(|&v| v <= 100) {
        100
    } else {
        1_000
    };
    let columns = if drawn == 100 { 20 } else { 50 };
    let size = 400.0 / columns as f64;
    let mut caps = vec![Cap { at: sim.poller_batches().min(drawn), label: format!("pollers now: {} concurrent batches", sim.poller_batches()), class: "pollers" }];
    if let Some(r) = reserved {
        caps.push(Cap { at: r.min(drawn), label: format!("ReservedConcurrentExecutions = {r}"), class: "reserved" });
    } else {
        caps.push(Cap {
            at: p.account.concurrent_executions.min(drawn),
            label: format!("no reservation: account limit {}", format::count(p.account.concurrent_executions)),
            class: "reserved",
        });
    }
    if let Some(m) = maximum {
        caps.push(Cap { at: m.min(drawn), label: format!("MaximumConcurrency = {m}"), class: "maximum" });
    }
    let top = 12.0 + caps.len() as f64 * 13.0;
    let cap_limit = p.function_concurrency_cap().min(p.mapping_concurrency_cap());

    // Slot states, running invocations first, grouped by state in the legend's order.
    const ORDER: [&str; 4] = ["slot db", "slot stale", "slot waiting", "slot refused"];
    let mut per_state = [0usize; ORDER.len()];
    for batch in sim.batches().iter().filter(|b| b.is_running()) {
        let state = match batch.phase {
            Phase::Working { holds_connection: true, .. } if batch.returned => 1,
            Phase::Working { holds_connection: true, .. } => 0,
            Phase::ProxyQueued => 2,
            _ => 3,
        };
        per_state[state] += 1;
    }
    let states: Vec<&'static str> = ORDER.iter().zip(per_state).flat_map(|(&class, n)| std::iter::repeat_n(class, n)).collect();
    let throttled = sim.batches().iter().filter(|b| !b.is_running()).count() as u64;
    let flashing = sim.activity().throttled > 0;
    let height = top + (drawn / columns) as f64 * size + 4.0;

    html! {
        <figure class="sqs-panel sqs-lambda" data-testid="sqs-lambda">
            <figcaption>
                <strong>{ "Lambda" }</strong>
                { format!(" · {} running of {} allowed", format::count(concurrency), format::count(cap_limit)) }
            </figcaption>
            <svg viewBox={format!("0 0 400 {}", format::fixed(height, 0))} role="img"
                aria-label={format!("{concurrency} concurrent executions; cap {cap_limit}")}>
                { for (0..drawn).map(|i| {
                    let (x, y) = cell_xy(i, columns, size);
                    let class = states.get(i as usize).copied().unwrap_or(if i >= cap_limit { "slot beyond" } else { "slot free" });
                    html! { <rect class={class} x={format::fixed(x + 0.8, 1)} y={format::fixed(top + y + 0.8, 1)}
                        width={format::fixed(size - 1.6, 1)} height={format::fixed(size - 1.6, 1)} rx="1.5" /> }
                }) }
                { for caps.iter().enumerate().map(|(row, cap)| cap_marker(cap, columns, size, top, row)) }
            </svg>
            <p class={classes!("sqs-throttles", flashing.then_some("flash"))} data-testid="sqs-throttles">
                { if flashing { "⚡ throttled now · " } else { "" } }
                { format!("{} batches waiting to be invoked (throttled) · {} throttles in all",
                    format::count(throttled), format::count(sim.counters().throttles)) }
            </p>
            <ul class="sqs-legend">
                <li><span class="sqs-key slot-db" aria-hidden="true">{"■"}</span>{ "running, holds a connection" }</li>
                <li><span class="sqs-key slot-refused" aria-hidden="true">{"✕"}</span>{ "running, refused (53300) or retrying" }</li>
                <li><span class="sqs-key slot-waiting" aria-hidden="true">{"▤"}</span>{ "running, waiting in the RDS Proxy queue" }</li>
                <li><span class="sqs-key slot-stale" aria-hidden="true">{"◩"}</span>{ "still running, but its messages are visible again" }</li>
                <li><span class="sqs-key slot-beyond" aria-hidden="true">{"□"}</span>{ "beyond the cap" }</li>
            </ul>
            <p class="help">{ if drawn < p.account.concurrent_executions {
                format!("The first {drawn} of the account's {} slots (nothing here reaches further); the bars mark where each cap cuts them.",
                    format::count(p.account.concurrent_executions))
            } else {
                format!("Grid of {} slots; the bars mark where each cap cuts it.", format::count(drawn))
            } }</p>
        </figure>
    }
}

#[function_component]
pub fn PostgresPool(props: &SlotsProps) -> Html {
    let sim = &props.state.run.sim;
    let db = &sim.params().database;
    let max = db.max_connections;
    let drawn = max.min(400);
    let columns = if drawn <= 100 { 10 } else { 20 };
    let size = 200.0 / columns as f64;
    let available = db.available();
    let in_use = sim.connections_in_use();
    let refused_now = sim.activity().refused;
    let rows = drawn.div_ceil(columns);
    let height = rows as f64 * size + 4.0;
    html! {
        <figure class={classes!("sqs-panel", "sqs-pool", (refused_now > 0).then_some("flash"))} data-testid="sqs-pool">
            <figcaption>
                <strong>{ "Postgres" }</strong>
                { format!(" · {} of {} connections in use", in_use, available) }
                { if db.rds_proxy { " · behind RDS Proxy" } else { "" } }
            </figcaption>
            <svg viewBox={format!("0 0 200 {}", format::fixed(height, 0))} role="img"
                aria-label={format!("{in_use} of max_connections {max} in use, {} refused", sim.counters().connections_refused)}>
                { for (0..drawn).map(|i| {
                    let (x, y) = cell_xy(i, columns, size);
                    let class = if i >= available { "conn superuser" } else if i < in_use { "conn used" } else { "conn free" };
                    html! { <rect class={class} x={format::fixed(x + 1.0, 1)} y={format::fixed(y + 1.0, 1)}
                        width={format::fixed(size - 2.0, 1)} height={format::fixed(size - 2.0, 1)} rx="2" /> }
                }) }
            </svg>
            if drawn < max {
                <p class="sqs-sample">{ format!("drawing {} of max_connections = {}", drawn, format::count(max)) }</p>
            }
            <p class="sqs-refused" data-testid="sqs-refused">
                { if refused_now > 0 { format!("✕ {refused_now} refused now · ") } else { String::new() } }
                <strong>{ format::count(sim.counters().connections_refused) }</strong>
                { " refused in all: " }<code>{ format!("{} (53300)", db.refusal_message()) }</code>
            </p>
            if db.rds_proxy {
                <p class="help">{ format!("{} handlers waiting in the proxy's queue", sim.proxy_queue()) }</p>
            }
            <ul class="sqs-legend">
                <li><span class="sqs-key conn-used" aria-hidden="true">{"■"}</span>{ "held by an invocation" }</li>
                <li><span class="sqs-key conn-free" aria-hidden="true">{"□"}</span>{ "free" }</li>
                <li><span class="sqs-key conn-superuser" aria-hidden="true">{"▨"}</span>
                    { format!("superuser_reserved_connections = {}", db.superuser_reserved_connections) }</li>
            </ul>
        </figure>
    }
}
