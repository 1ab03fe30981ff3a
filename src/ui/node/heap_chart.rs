//! The process's heap over simulated time, with V8's limit and the container's limit drawn.

use crate::engine::node::NodeSim;
use crate::format;
use crate::ui::widgets::data_table::DataTable;
use crate::ui::widgets::slider::Unit;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Properties, PartialEq)]
pub struct HeapChartProps {
    pub points: Vec<(u64, u64)>,
    pub rss_points: Vec<(u64, u64)>,
    pub now: u64,
    pub heap_limit: u64,
    pub container_limit: Option<u64>,
    pub died_at: Option<u64>,
    pub heap_now: u64,
    pub rss_now: u64,
}

impl HeapChartProps {
    pub fn of(sim: &NodeSim) -> Self {
        Self {
            points: sim.heap_series().points().to_vec(),
            rss_points: sim.rss_series().points().to_vec(),
            now: sim.now(),
            heap_limit: sim.heap_limit_bytes(),
            container_limit: sim.container_limit_bytes(),
            died_at: sim.death().map(|d| d.at_ms),
            heap_now: sim.heap_bytes(),
            rss_now: sim.rss_bytes(),
        }
    }
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 64.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;

#[function_component]
pub fn HeapChart(props: &HeapChartProps) -> Html {
    let y_max = props.heap_limit.max(props.container_limit.unwrap_or(0)).max(props.rss_now) as f64 * 1.08;
    let x_max = props.now.max(1_000) as f64;
    let x = |t: u64| LEFT + t as f64 / x_max * (WIDTH - LEFT - 8.0);
    let y = |v: u64| HEIGHT - BOTTOM - v as f64 / y_max * (HEIGHT - BOTTOM - TOP);
    let polyline = |points: &[(u64, u64)], last: u64| crate::format::svg_points(points, Some((props.now, last)), x, y);
    // The heap limit is labelled at the right end, the container limit at the left, so the two
    // labels never collide when the limits are close.
    let limit_line = |value: u64, label: String, class: &'static str, at_right: bool| {
        let (label_x, anchor) = if at_right { (WIDTH - 10.0, "end") } else { (LEFT + 4.0, "start") };
        html! {
            <g class={class}>
                <line x1={LEFT.coordinate()} x2={(WIDTH - 8.0).coordinate()} y1={y(value).coordinate()} y2={y(value).coordinate()} />
                <text x={label_x.coordinate()} y={(y(value) - 4.0).coordinate()} text-anchor={anchor}>{ label }</text>
            </g>
        }
    };
    let y_ticks = (0..=4).map(|i| (y_max / 1.08 * i as f64 / 4.0) as u64);
    html! {
        <figure class="chart">
            <figcaption>
                { "Process memory: heap " }<strong>{ format::bytes(props.heap_now) }</strong>{ " (solid)" }
                { " · RSS " }<strong>{ format::bytes(props.rss_now) }</strong>{ " (dotted)" }
            </figcaption>
            <svg viewBox={format!("0 0 {} {}", WIDTH.coordinate(), HEIGHT.coordinate())} role="img"
                aria-label={format!("Heap over time, now {}, limit {}", format::bytes(props.heap_now), format::bytes(props.heap_limit))}>
                { for y_ticks.map(|v| html! {
                    <g class="tick">
                        <line x1={LEFT.coordinate()} x2={(WIDTH - 8.0).coordinate()} y1={y(v).coordinate()} y2={y(v).coordinate()} />
                        <text x={(LEFT - 6.0).coordinate()} y={(y(v) + 4.0).coordinate()} text-anchor="end">{ format::bytes(v) }</text>
                    </g>
                }) }
                <text class="axis" x={LEFT.coordinate()} y={(HEIGHT - 6.0).coordinate()}>{ "0 s" }</text>
                <text class="axis" x={(WIDTH - 8.0).coordinate()} y={(HEIGHT - 6.0).coordinate()} text-anchor="end">{ format::sim_time(props.now) }</text>
                { limit_line(props.heap_limit, format!("V8 heap limit {}", format::bytes(props.heap_limit)), "limit heap-limit", true) }
                if let Some(limit) = props.container_limit {
                    { limit_line(limit, format!("container limit {} (RSS)", format::bytes(limit)), "limit container-limit", false) }
                }
                <polyline class="rss-line" points={polyline(&props.rss_points, props.rss_now)} />
                <polyline class="heap-line" points={polyline(&props.points, props.heap_now)} />
                if let Some(at) = props.died_at {
                    <g class="death-mark">
                        <line x1={x(at).coordinate()} x2={x(at).coordinate()} y1={TOP.coordinate()} y2={(HEIGHT - BOTTOM).coordinate()} />
                        <text x={(x(at) - 4.0).coordinate()} y={(HEIGHT - BOTTOM - 6.0).coordinate()} text-anchor="end">{ "✖ died" }</text>
                    </g>
                }
            </svg>
            <DataTable summary="The heap and RSS as a table" unit={Unit::Bytes}
                columns={vec![("heap (peak in interval)".to_string(), props.points.clone()), ("RSS".to_string(), props.rss_points.clone())]} />
        </figure>
    }
}
