//! Every export's counters and state, straight from the engine.

use super::pipe_view::buffer_amount;
use crate::engine::node::{ExportState, NodeSim};
use crate::format;
use yew::prelude::*;

fn state_label(state: ExportState) -> &'static str {
    match state {
        ExportState::Flowing => "flowing",
        ExportState::Paused => "paused",
        ExportState::Draining => "draining",
        ExportState::Done => "done",
        ExportState::Dead => "dead",
    }
}

pub fn exports_table(sim: &NodeSim) -> Html {
    let total = sim.params().total_rows;
    html! {
        <div class="table-wrap">
            <table class="exports">
                <caption>{ format!("Exports in this process ({} rows each)", format::count(total)) }</caption>
                <thead><tr>
                    <th scope="col">{ "#" }</th><th scope="col">{ "state" }</th>
                    <th scope="col">{ "fetched" }</th><th scope="col">{ "written" }</th><th scope="col">{ "delivered" }</th>
                    <th scope="col"><code>{ "readableLength" }</code></th>
                    <th scope="col"><code>{ "res.writableLength" }</code></th>
                    <th scope="col">{ "write() → false" }</th>
                </tr></thead>
                <tbody>
                    { for sim.exports().iter().enumerate().map(|(i, e)| html! {
                        <tr class={state_label(e.state)}>
                            <th scope="row">{ i + 1 }</th>
                            <td><span class="state-chip">{ state_label(e.state) }</span></td>
                            <td>{ format::count(e.counters.rows_fetched) }</td>
                            <td>{ format::count(e.counters.rows_written) }</td>
                            <td>{ format::count(e.counters.rows_delivered) }</td>
                            <td>{ buffer_amount(&e.readable) }</td>
                            <td>{ buffer_amount(&e.response) }</td>
                            <td>{ format::count(e.counters.write_false) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
