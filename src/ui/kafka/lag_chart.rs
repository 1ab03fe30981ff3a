//! Consumer lag per group over simulated time, with the producer's peak shaded and rebalances
//! marked where they began.

use super::state::KafkaPlayground;
use super::style;
use crate::engine::kafka::{EventSource, GroupEvent};
use crate::format;
use crate::ui::widgets::data_table::DataTable;
use crate::ui::widgets::slider::Unit;
use std::rc::Rc;
use yew::prelude::*;
use crate::format::Coordinate;

#[derive(Properties, PartialEq)]
pub struct LagChartProps {
    pub state: Rc<KafkaPlayground>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 14.0;

#[function_component]
pub fn LagChart(props: &LagChartProps) -> Html {
    let sim = &props.state.run.sim;
    let now = sim.now();
    let logs = sim.logs();
    let names: Vec<&str> = sim.params().groups.iter().map(|g| g.group_id.as_str()).collect();
    let lags: Vec<u64> = sim.groups().iter().map(|g| g.lag(logs)).collect();
    let peak_value = sim.groups().iter().map(|g| g.lag_series.max_value()).chain(lags.iter().copied()).max().unwrap_or(0).max(10);
    let y_max = peak_value as f64 * 1.1;
    let x_max = now.max(10_000) as f64;
    let x = |t: u64| LEFT + t as f64 / x_max * (WIDTH - LEFT - RIGHT);
    let y = |v: u64| HEIGHT - BOTTOM - v as f64 / y_max * (HEIGHT - BOTTOM - TOP);
    let peak = &sim.params().producer.peak;
    let peak_band = (peak.multiplier > 1 && peak.start_ms < now).then(|| {
        let (from, to) = (x(peak.start_ms), x((peak.start_ms + peak.duration_ms).min(now)));
        html! {
            <g class="kafka-peak">
                <rect x={from.coordinate()} y={TOP.coordinate()} width={(to - from).max(1.0).coordinate()} height={(HEIGHT - BOTTOM - TOP).coordinate()} />
                <text x={(from + 4.0).coordinate()} y={(TOP + 12.0).coordinate()}>{ format!("×{} peak", peak.multiplier) }</text>
            </g>
        }
    });
    let rebalances: Vec<(usize, u64)> = sim
        .recent_events()
        .filter_map(|e| match e.source {
            EventSource::Group { group, event: GroupEvent::RebalanceStarted } => Some((group, e.at_ms)),
            _ => None,
        })
        .collect();
    let ticks = (0..=4).map(|i| (peak_value as f64 * i as f64 / 4.0) as u64);
    html! {
        <figure class="chart kafka-lag-chart">
            <figcaption>
                { "Consumer lag (log end − committed offset), all partitions: " }
                { for names.iter().enumerate().map(|(g, name)| html! {
                    <span class={classes!("kafka-key", style::class(g))}>{ format!("{} {} {}", style::glyph(g), name, format::count(lags[g])) }</span>
                }) }
            </figcaption>
            <svg viewBox={format!("0 0 {} {}", WIDTH.coordinate(), HEIGHT.coordinate())} role="img"
                aria-label={format!("Lag over time: {}", names.iter().zip(&lags).map(|(n, l)| format!("{n} {l}")).collect::<Vec<_>>().join(", "))}>
                { for ticks.map(|v| html! {
                    <g class="tick">
                        <line x1={LEFT.coordinate()} x2={(WIDTH - RIGHT).coordinate()} y1={y(v).coordinate()} y2={y(v).coordinate()} />
                        <text x={(LEFT - 6.0).coordinate()} y={(y(v) + 4.0).coordinate()} text-anchor="end">{ format::count(v) }</text>
                    </g>
                }) }
                { peak_band.unwrap_or_default() }
                <text class="axis" x={LEFT.coordinate()} y={(HEIGHT - 6.0).coordinate()}>{ "0 s" }</text>
                <text class="axis" x={(WIDTH - RIGHT).coordinate()} y={(HEIGHT - 6.0).coordinate()} text-anchor="end">{ format::sim_time(now) }</text>
                { for sim.groups().iter().enumerate().map(|(g, group)| {
                    let points = format::svg_points(group.lag_series.points(), Some((now, lags[g])), x, y);
                    html! {
                        <polyline class={classes!("kafka-lag-line", style::class(g))} points={points} stroke-dasharray={style::dash(g)}
                            data-group={names[g].to_string()} data-lag={lags[g].to_string()} />
                    }
                }) }
                { for rebalances.iter().map(|&(g, at)| html! {
                    <g class={classes!("kafka-rebalance-mark", style::class(g))}>
                        <line x1={x(at).coordinate()} x2={x(at).coordinate()} y1={(HEIGHT - BOTTOM - 14.0).coordinate()} y2={(HEIGHT - BOTTOM).coordinate()} />
                        <text x={x(at).coordinate()} y={(HEIGHT - BOTTOM - 16.0).coordinate()} text-anchor="middle">{ "⟳" }</text>
                    </g>
                }) }
            </svg>
            <DataTable summary="Lag per group as a table" unit={Unit::Count}
                columns={sim.groups().iter().zip(&names).map(|(g, name)| (format!("{name} lag"), g.lag_series.points().to_vec())).collect::<Vec<_>>()} />
        </figure>
    }
}
