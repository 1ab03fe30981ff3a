//! The animated pipeline of export 1: Postgres → Readable → stages → response → client.
//! Buffers are fill gauges with their highWaterMark drawn; particles move as rows cross each hop.

use crate::engine::node::{Content, DeathCause, Event, Export, Mode, NodeSim, StreamBuffer};
use crate::format;
use crate::ui::state::Playground;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PipeViewProps {
    pub state: Rc<Playground>,
}

const WIDTH: f64 = 1000.0;
const MID_Y: f64 = 120.0;
const GAUGE_W: f64 = 76.0;
const GAUGE_H: f64 = 130.0;
const PARTICLES_PER_HOP: usize = 5;

struct Node {
    title: String,
    detail: String,
    gauge: Option<Gauge>,
}

struct Gauge {
    length: u64,
    high_water_mark: u64,
    object_mode: bool,
    over_warning: bool,
}

fn gauge_of(buffer: &StreamBuffer) -> Gauge {
    Gauge {
        length: buffer.length(),
        high_water_mark: buffer.high_water_mark,
        object_mode: buffer.content.is_object_mode(),
        over_warning: buffer.ignores_high_water_mark,
    }
}

fn amount(value: u64, object_mode: bool) -> String {
    if object_mode {
        format!("{} obj", format::count(value))
    } else {
        format::bytes(value)
    }
}

fn nodes(sim: &NodeSim, export: &Export) -> Vec<Node> {
    let params = sim.params();
    let cursor = if export.counters.rows_fetched >= params.total_rows {
        "all rows fetched".to_string()
    } else if export.cursor_waiting {
        "idle: Readable full, no Execute sent".to_string()
    } else if export.is_fetching() {
        format!("Execute {} rows…", params.cursor.batch_size)
    } else {
        "streaming rows".to_string()
    };
    let mut list = vec![
        Node { title: "Postgres".into(), detail: cursor, gauge: None },
        Node { title: "Readable".into(), detail: "readableLength".into(), gauge: Some(gauge_of(&export.readable)) },
    ];
    for stage in &export.stages {
        let kind = format!("{:?}", stage.kind).to_lowercase();
        list.push(Node { title: format!("{kind} stage"), detail: "writableLength".into(), gauge: Some(gauge_of(&stage.buffer)) });
    }
    list.push(Node { title: "res".into(), detail: "writableLength".into(), gauge: Some(gauge_of(&export.response)) });
    list.push(Node { title: "client".into(), detail: format::bandwidth(params.network.client_bytes_per_second), gauge: None });
    list
}

fn node_x(index: usize, count: usize) -> f64 {
    70.0 + index as f64 * (WIDTH - 140.0) / (count - 1) as f64
}

fn draw_gauge(x: f64, gauge: &Gauge) -> Html {
    // The hwm sits at half height; past twice the hwm the gauge is full and says by how much.
    let scale = (gauge.high_water_mark * 2).max(1) as f64;
    let fill = (gauge.length as f64 / scale).min(1.0);
    let top = MID_Y - GAUGE_H / 2.0;
    let fill_h = fill * GAUGE_H;
    let over = gauge.length >= gauge.high_water_mark;
    let runaway = gauge.length > gauge.high_water_mark * 2;
    let ratio = gauge.length as f64 / gauge.high_water_mark.max(1) as f64;
    html! {
        <g class={classes!("gauge", over.then_some("over"), runaway.then_some("runaway"), gauge.over_warning.then_some("buggy"))}>
            <rect class="gauge-frame" x={(x - GAUGE_W / 2.0).to_string()} y={top.to_string()} width={GAUGE_W.to_string()} height={GAUGE_H.to_string()} rx="6" />
            <rect class="gauge-fill" x={(x - GAUGE_W / 2.0).to_string()} y={(top + GAUGE_H - fill_h).to_string()}
                width={GAUGE_W.to_string()} height={fill_h.to_string()} rx="6" />
            <line class="hwm-line" x1={(x - GAUGE_W / 2.0 - 6.0).to_string()} x2={(x + GAUGE_W / 2.0 + 6.0).to_string()}
                y1={MID_Y.to_string()} y2={MID_Y.to_string()} />
            <text class="hwm-label" x={(x + GAUGE_W / 2.0 + 2.0).to_string()} y={(MID_Y - 4.0).to_string()}>{ "hwm" }</text>
            <text class="gauge-amount" x={x.to_string()} y={(top + GAUGE_H + 18.0).to_string()} text-anchor="middle">
                { amount(gauge.length, gauge.object_mode) }
            </text>
            <text class="gauge-hwm" x={x.to_string()} y={(top + GAUGE_H + 34.0).to_string()} text-anchor="middle">
                { format!("hwm {}", amount(gauge.high_water_mark, gauge.object_mode)) }
            </text>
            if runaway {
                <text class="runaway-label" x={x.to_string()} y={(top + 22.0).to_string()} text-anchor="middle">
                    { format!("×{}", format::count(ratio.round() as u64)) }
                </text>
            }
        </g>
    }
}

fn draw_endpoint(x: f64, title: &str) -> Html {
    let database = title == "Postgres";
    html! {
        <g class={classes!("endpoint", if database { "database" } else { "client" })}>
            if database {
                <ellipse cx={x.to_string()} cy={(MID_Y - 34.0).to_string()} rx="36" ry="10" />
                <path d={format!("M{} {} v68 a36 10 0 0 0 72 0 v-68", x - 36.0, MID_Y - 34.0)} />
                <ellipse cx={x.to_string()} cy={(MID_Y - 34.0).to_string()} rx="36" ry="10" class="lid" />
            } else {
                <rect x={(x - 38.0).to_string()} y={(MID_Y - 34.0).to_string()} width="76" height="52" rx="4" />
                <rect x={(x - 50.0).to_string()} y={(MID_Y + 20.0).to_string()} width="100" height="8" rx="3" />
            }
        </g>
    }
}

#[function_component]
pub fn PipeView(props: &PipeViewProps) -> Html {
    let state = &props.state;
    let sim = &state.sim;
    let Some(export) = sim.exports().first() else { return html! {} };
    let nodes = nodes(sim, export);
    let count = nodes.len();
    let mode = sim.params().mode;
    let last_event = sim.recent_events().rev().find(|e| e.export == 0 && sim.now() - e.at_ms < 60).map(|e| e.event);

    let hops = (0..count - 1).map(|hop| {
        let (x1, x2) = (node_x(hop, count) + GAUGE_W / 2.0, node_x(hop + 1, count) - GAUGE_W / 2.0);
        let phase = state.flow.phases.get(hop).copied().unwrap_or(0.0);
        let moving = state.flow.rates.get(hop).copied().unwrap_or(0.0) > 0.5;
        let paused_here = hop == 1 && export.source_paused;
        html! {
            <g class={classes!("hop", paused_here.then_some("paused"))}>
                <line class="pipe" x1={x1.to_string()} x2={x2.to_string()} y1={MID_Y.to_string()} y2={MID_Y.to_string()} />
                if moving {
                    { for (0..PARTICLES_PER_HOP).map(|i| {
                        let t = (phase + i as f64 / PARTICLES_PER_HOP as f64).fract();
                        html! { <circle class="particle" cx={(x1 + t * (x2 - x1)).to_string()} cy={MID_Y.to_string()} r="4" /> }
                    }) }
                }
                if paused_here {
                    <text class="hop-label" x={((x1 + x2) / 2.0).to_string()} y={(MID_Y - 10.0).to_string()} text-anchor="middle">{ "⏸ paused" }</text>
                }
            </g>
        }
    });

    let banner = match (mode, last_event, export.source_paused, export.response.needs_drain()) {
        (Mode::Pipe, Some(Event::DrainResumed), _, _) => Some(("'drain' → rows.resume()", "ok")),
        (Mode::Pipe, _, true, _) => Some(("write() returned false → rows.pause(); waiting for 'drain'", "warn")),
        (Mode::Naive, _, _, true) => Some(("write() keeps returning false — the naive loop ignores it", "bad")),
        _ => None,
    };

    html! {
        <div class="pipe-view">
            <svg viewBox={format!("0 0 {WIDTH} 250")} role="img"
                aria-label={format!("Pipeline of export 1: readableLength {}, writableLength {}", export.readable.length(), export.response.length())}>
                { for hops }
                { for nodes.iter().enumerate().map(|(i, node)| {
                    let x = node_x(i, count);
                    html! {
                        <g class="node">
                            <text class="node-title" x={x.to_string()} y="22" text-anchor="middle">{ node.title.clone() }</text>
                            if let Some(gauge) = &node.gauge {
                                { draw_gauge(x, gauge) }
                            } else {
                                { draw_endpoint(x, &node.title) }
                                <text class="node-detail" x={x.to_string()} y={(MID_Y + 52.0).to_string()} text-anchor="middle">{ node.detail.clone() }</text>
                            }
                        </g>
                    }
                }) }
            </svg>
            <p class={classes!("event-banner", banner.map(|b| b.1))} aria-hidden="true">
                { banner.map(|b| b.0).unwrap_or("\u{a0}") }
            </p>
            if sim.exports().len() > 1 {
                <p class="help">{ format!("Drawing export 1 of {}; the table below has them all.", sim.exports().len()) }</p>
            }
            if let Some(death) = sim.death() {
                <div class="death" role="alert">
                    <p class="death-title">{ match death.cause { DeathCause::HeapOom => "Process aborted", DeathCause::Sigkill => "Process killed" } }</p>
                    <pre>{ death.cause.message() }</pre>
                    <p>{ format!("exit code {} at t = {} · every export lost · {} rows were in memory",
                        death.exit_code, format::sim_time(death.at_ms),
                        format::count(sim.exports().iter().map(Export::rows_buffered).sum())) }</p>
                </div>
            }
        </div>
    }
}

/// Bytes or objects, for the exports table.
pub fn buffer_amount(buffer: &StreamBuffer) -> String {
    amount(buffer.length(), matches!(buffer.content, Content::Objects { .. }))
}
