//! Two charts over simulated time: concurrency against connections, and the queue.

use crate::format;
use crate::ui::widgets::data_table::DataTable;
use crate::ui::widgets::slider::Unit;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Clone, PartialEq)]
pub struct Line {
    pub label: String,
    /// CSS class: colour and dash pattern (never colour alone).
    pub class: &'static str,
    pub points: Vec<(u64, u64)>,
}

#[derive(Clone, PartialEq)]
pub struct Level {
    pub value: u64,
    pub label: String,
    pub class: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub title: AttrValue,
    pub lines: Vec<Line>,
    pub levels: Vec<Level>,
    pub now: u64,
    pub testid: AttrValue,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;

#[function_component]
pub fn Chart(props: &ChartProps) -> Html {
    let data_max = props.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).max().unwrap_or(0);
    let level_max = props.levels.iter().map(|l| l.value).max().unwrap_or(0);
    let y_max = (data_max.max(level_max).max(10) as f64) * 1.1;
    let x_max = props.now.max(10_000) as f64;
    let x = |t: u64| LEFT + t as f64 / x_max * (WIDTH - LEFT - 8.0);
    let y = |v: u64| HEIGHT - BOTTOM - v as f64 / y_max * (HEIGHT - BOTTOM - TOP);
    let ticks = (0..=4).map(|i| (y_max / 1.1 * i as f64 / 4.0) as u64);
    html! {
        <figure class="sqs-chart" data-testid={props.testid.clone()}>
            <figcaption>{ props.title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {} {}", WIDTH.coordinate(), HEIGHT.coordinate())} role="img" aria-label={props.title.clone()}>
                { for ticks.map(|v| html! {
                    <g class="tick">
                        <line x1={LEFT.coordinate()} x2={(WIDTH - 8.0).coordinate()} y1={y(v).coordinate()} y2={y(v).coordinate()} />
                        <text x={(LEFT - 6.0).coordinate()} y={(y(v) + 4.0).coordinate()} text-anchor="end">{ format::count(v) }</text>
                    </g>
                }) }
                <text class="axis" x={LEFT.coordinate()} y={(HEIGHT - 6.0).coordinate()}>{ "0 s" }</text>
                <text class="axis" x={(WIDTH - 8.0).coordinate()} y={(HEIGHT - 6.0).coordinate()} text-anchor="end">{ format::sim_time(props.now) }</text>
                { for props.levels.iter().map(|level| html! {
                    <g class={classes!("sqs-level", level.class)}>
                        <line x1={LEFT.coordinate()} x2={(WIDTH - 8.0).coordinate()} y1={y(level.value).coordinate()} y2={y(level.value).coordinate()} />
                        <text x={(WIDTH - 10.0).coordinate()} y={(y(level.value) - 4.0).coordinate()} text-anchor="end">{ level.label.clone() }</text>
                    </g>
                }) }
                { for props.lines.iter().map(|line| {
                    let points = format::svg_points(&line.points, None, x, y);
                    html! { <polyline class={classes!("sqs-line", line.class)} points={points} /> }
                }) }
            </svg>
            <DataTable summary={format!("{} as a table", props.title)} unit={Unit::Count}
                columns={props.lines.iter().map(|l| (l.label.clone(), l.points.clone())).collect::<Vec<_>>()} />
            <ul class="sqs-legend">
                { for props.lines.iter().map(|line| html! {
                    <li><svg class="sqs-swatch" viewBox="0 0 28 8" aria-hidden="true"><line class={classes!("sqs-line", line.class)} x1="0" x2="28" y1="4" y2="4" /></svg>{ line.label.clone() }</li>
                }) }
            </ul>
        </figure>
    }
}
