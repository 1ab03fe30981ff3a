//! The animated pipeline of export 1: Postgres → Readable → stages → response → client.
//! Buffers are fill gauges with their highWaterMark drawn; particles move as rows cross each hop.
//! Drawn twice, across for wide screens and down for phones; CSS shows the one that fits.

use crate::engine::node::{Content, DeathCause, Export, Mode, NodeSim, StreamBuffer};
use crate::format;
use crate::ui::node::state::Playground;
use std::rc::Rc;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Properties, PartialEq)]
pub struct PipeViewProps {
    pub state: Rc<Playground>,
}

const PARTICLES_PER_HOP: usize = 5;
const GAUGE_W: f64 = 76.0;
/// Half the size of an endpoint icon along the pipe.
const ENDPOINT_HALF: f64 = 44.0;

/// Where things go: across (x grows along the pipe) or down (y grows along the pipe).
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Across,
    Down,
}

impl Layout {
    fn width(self) -> f64 {
        match self {
            Layout::Across => 1000.0,
            Layout::Down => 400.0,
        }
    }
    fn gauge_h(self) -> f64 {
        match self {
            Layout::Across => 130.0,
            Layout::Down => 104.0,
        }
    }
    fn spacing(self, count: usize) -> f64 {
        match self {
            Layout::Across => (self.width() - 140.0) / (count - 1) as f64,
            Layout::Down => 150.0,
        }
    }
    fn height(self, count: usize) -> f64 {
        match self {
            Layout::Across => 250.0,
            Layout::Down => 70.0 + (count - 1) as f64 * self.spacing(count) + 70.0,
        }
    }
    /// Centre of node `index`.
    fn centre(self, index: usize, count: usize) -> (f64, f64) {
        let along = 70.0 + index as f64 * self.spacing(count);
        match self {
            Layout::Across => (along, 120.0),
            Layout::Down => (100.0, along),
        }
    }
    /// Where a node's text starts, and its anchor.
    fn label_at(self, (x, y): (f64, f64), line: usize) -> (f64, f64, &'static str) {
        match self {
            Layout::Across => {
                let y = if line == 0 { 22.0 } else { y + self.gauge_h() / 2.0 + 2.0 + 16.0 * line as f64 };
                // The first node's detail starts at the left edge instead of running off it.
                if x < 100.0 && line > 0 {
                    (12.0, y, "start")
                } else {
                    (x, y, "middle")
                }
            }
            Layout::Down => (x + 70.0, y - 30.0 + 22.0 * line as f64, "start"),
        }
    }
    /// Half the extent of a node along the pipe.
    fn half_along(self, gauge: bool) -> f64 {
        match (self, gauge) {
            (Layout::Across, true) => GAUGE_W / 2.0,
            (Layout::Down, true) => self.gauge_h() / 2.0,
            (_, false) => ENDPOINT_HALF,
        }
    }
}

struct Node {
    title: String,
    detail: String,
    gauge: Option<Gauge>,
}

struct Gauge {
    length: u64,
    high_water_mark: u64,
    object_mode: bool,
    buggy: bool,
}

fn gauge_of(buffer: &StreamBuffer) -> Gauge {
    Gauge {
        length: buffer.length(),
        high_water_mark: buffer.high_water_mark,
        object_mode: buffer.content.is_object_mode(),
        buggy: buffer.ignores_high_water_mark,
    }
}

fn amount(value: u64, object_mode: bool) -> String {
    if object_mode {
        format!("{} obj", format::count(value))
    } else {
        format::bytes(value)
    }
}

/// Bytes or objects, for the exports table.
pub fn buffer_amount(buffer: &StreamBuffer) -> String {
    amount(buffer.length(), matches!(buffer.content, Content::Objects { .. }))
}

fn nodes(sim: &NodeSim, export: &Export) -> Vec<Node> {
    let params = sim.params();
    let cursor = if export.counters.rows_fetched >= params.total_rows {
        "all rows fetched".to_string()
    } else if export.cursor_waiting {
        "idle: no Execute sent".to_string()
    } else if !params.cursor.honours_row_limit {
        "pushing, ignoring limits".to_string()
    } else {
        format!("Execute {} rows…", params.cursor.batch_size)
    };
    let mut list = vec![
        Node { title: "Postgres".into(), detail: cursor, gauge: None },
        Node { title: "Readable".into(), detail: String::new(), gauge: Some(gauge_of(&export.readable)) },
    ];
    for stage in &export.stages {
        let kind = stage.kind.name();
        list.push(Node { title: format!("{kind} stage"), detail: String::new(), gauge: Some(gauge_of(&stage.buffer)) });
    }
    list.push(Node { title: "res".into(), detail: String::new(), gauge: Some(gauge_of(&export.response)) });
    list.push(Node { title: "client".into(), detail: format::bandwidth(params.network.client_bytes_per_second), gauge: None });
    list
}

fn text(layout: Layout, centre: (f64, f64), line: usize, class: &'static str, content: String) -> Html {
    let (x, y, anchor) = layout.label_at(centre, line);
    html! { <text class={class} x={x.coordinate()} y={y.coordinate()} text-anchor={anchor}>{ content }</text> }
}

fn draw_gauge(layout: Layout, (x, y): (f64, f64), gauge: &Gauge) -> Html {
    // The hwm sits at half height; past twice the hwm the gauge is full and says by how much.
    let height = layout.gauge_h();
    let scale = (gauge.high_water_mark * 2).max(1) as f64;
    let fill_h = (gauge.length as f64 / scale).min(1.0) * height;
    let (left, top) = (x - GAUGE_W / 2.0, y - height / 2.0);
    let over = gauge.length >= gauge.high_water_mark;
    let runaway = gauge.length > gauge.high_water_mark * 2;
    let times_over = (gauge.length as f64 / gauge.high_water_mark.max(1) as f64).round() as u64;
    html! {
        <g class={classes!("gauge", over.then_some("over"), runaway.then_some("runaway"), gauge.buggy.then_some("buggy"))}>
            <rect class="gauge-frame" x={left.coordinate()} y={top.coordinate()} width={GAUGE_W.coordinate()} height={height.coordinate()} rx="6" />
            <rect class="gauge-fill" x={left.coordinate()} y={(top + height - fill_h).coordinate()}
                width={GAUGE_W.coordinate()} height={fill_h.coordinate()} rx="6" />
            <line class="hwm-line" x1={(left - 6.0).coordinate()} x2={(left + GAUGE_W + 6.0).coordinate()} y1={y.coordinate()} y2={y.coordinate()} />
            if runaway {
                <text class="runaway-label" x={x.coordinate()} y={(top + 24.0).coordinate()} text-anchor="middle">
                    { format!("×{}", format::count(times_over)) }
                </text>
            }
            { text(layout, (x, y), 1, "gauge-amount", amount(gauge.length, gauge.object_mode)) }
            { text(layout, (x, y), 2, "gauge-hwm", format!("hwm {}{}", amount(gauge.high_water_mark, gauge.object_mode),
                if gauge.buggy { " (ignored)" } else { "" })) }
        </g>
    }
}

fn draw_endpoint((x, y): (f64, f64), database: bool) -> Html {
    html! {
        <g class={classes!("endpoint", if database { "database" } else { "client" })}>
            if database {
                <path d={format!("M{} {} v64 a36 10 0 0 0 72 0 v-64", (x - 36.0).coordinate(), (y - 32.0).coordinate())} />
                <ellipse class="lid" cx={x.coordinate()} cy={(y - 32.0).coordinate()} rx="36" ry="10" />
            } else {
                <rect x={(x - 38.0).coordinate()} y={(y - 30.0).coordinate()} width="76" height="50" rx="4" />
                <rect x={(x - 48.0).coordinate()} y={(y + 22.0).coordinate()} width="96" height="8" rx="3" />
            }
        </g>
    }
}

fn draw(layout: Layout, state: &Playground, export: &Export, nodes: &[Node]) -> Html {
    let count = nodes.len();
    let hops = (0..count - 1).map(|hop| {
        let (from, to) = (layout.centre(hop, count), layout.centre(hop + 1, count));
        let start = layout.half_along(nodes[hop].gauge.is_some());
        let end = layout.half_along(nodes[hop + 1].gauge.is_some());
        let (x1, y1, x2, y2) = match layout {
            Layout::Across => (from.0 + start, from.1, to.0 - end, to.1),
            Layout::Down => (from.0, from.1 + start, to.0, to.1 - end),
        };
        let phase = state.flow.phases.get(hop).copied().unwrap_or(0.0);
        let moving = state.flow.rates.get(hop).copied().unwrap_or(0.0) > 0.5;
        let paused_here = hop == 1 && export.source_paused;
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let (lx, ly, anchor) = match layout {
            Layout::Across => (mx, my - 12.0, "middle"),
            Layout::Down => (mx + 16.0, my + 5.0, "start"),
        };
        html! {
            <g class={classes!("hop", paused_here.then_some("paused"))}>
                <line class="pipe" x1={x1.coordinate()} x2={x2.coordinate()} y1={y1.coordinate()} y2={y2.coordinate()} />
                if moving {
                    { for (0..PARTICLES_PER_HOP).map(|i| {
                        let t = (phase + i as f64 / PARTICLES_PER_HOP as f64).fract();
                        html! { <circle class="particle" cx={(x1 + t * (x2 - x1)).coordinate()} cy={(y1 + t * (y2 - y1)).coordinate()} r="4" /> }
                    }) }
                }
                if paused_here {
                    <text class="hop-label" x={lx.coordinate()} y={ly.coordinate()} text-anchor={anchor}>{ "paused" }</text>
                }
            </g>
        }
    });
    let class = match layout {
        Layout::Across => "pipe-svg across",
        Layout::Down => "pipe-svg down",
    };
    html! {
        <svg class={class} viewBox={format!("0 0 {} {}", layout.width().coordinate(), layout.height(count).coordinate())} aria-hidden="true">
            { for hops }
            { for nodes.iter().enumerate().map(|(i, node)| {
                let centre = layout.centre(i, count);
                html! {
                    <g class="node">
                        { text(layout, centre, 0, "node-title", node.title.clone()) }
                        if let Some(gauge) = &node.gauge {
                            { draw_gauge(layout, centre, gauge) }
                        } else {
                            { draw_endpoint(centre, i == 0) }
                            { text(layout, centre, if layout == Layout::Across { 2 } else { 1 }, "node-detail", node.detail.clone()) }
                        }
                    </g>
                }
            }) }
        </svg>
    }
}

/// One line on what the application's writes are doing, steady enough to read at speed.
fn narration(sim: &NodeSim, export: &Export) -> (String, &'static str) {
    let falses = format::count(export.counters.app_write_false);
    if let Some(pile) = super::pile_up(sim, export) {
        return (format!("Memory piles up: {pile}"), "bad");
    }
    match sim.params().mode {
        Mode::Pipe if export.counters.app_write_false > 0 => (
            format!("write() → false ×{falses} → rows.pause(); 'drain' → rows.resume() ×{}: the client sets the pace",
                format::count(export.counters.drains)),
            if export.source_paused { "warn" } else { "ok" },
        ),
        Mode::Naive if export.counters.app_write_false > 0 => (
            format!("write() returned false ×{falses} — the naive loop ignores it and keeps writing"),
            "bad",
        ),
        _ => ("write() has returned true so far: the response is below its highWaterMark".to_string(), "ok"),
    }
}

#[function_component]
pub fn PipeView(props: &PipeViewProps) -> Html {
    let state = &props.state;
    let sim = &state.run.sim;
    let Some(export) = sim.exports().first() else { return html! {} };
    let nodes = nodes(sim, export);
    let (line, tone) = narration(sim, export);
    let summary = format!(
        "Export 1: readableLength {}, res.writableLength {}, state {:?}",
        buffer_amount(&export.readable),
        buffer_amount(&export.response),
        export.state
    );

    html! {
        <div class="pipe-view" role="img" aria-label={summary}>
            { draw(Layout::Across, state, export, &nodes) }
            { draw(Layout::Down, state, export, &nodes) }
            <p class={classes!("event-banner", tone)}>{ line }</p>
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
