//! A chart's figures as a table, folded under the chart: the same numbers for readers who
//! cannot see the lines, and for anyone who wants them exactly.

use super::slider::Unit;
use crate::format;
use yew::prelude::*;

/// At most this many rows: evenly spaced, always with the last point.
const ROWS: usize = 24;

#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    /// What the fold says, e.g. "The heap as a table".
    pub summary: AttrValue,
    /// One (label, points) per column, points sampled at the same times (as engine series are).
    pub columns: Vec<(String, Vec<(u64, u64)>)>,
    /// How a value reads (bytes, counts, …).
    pub unit: Unit,
}

#[function_component]
pub fn DataTable(props: &DataTableProps) -> Html {
    // A folded table is not drawn at all: while the engine runs, its rows would change every frame.
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(e.target_unchecked_into::<web_sys::Element>().has_attribute("open")))
    };
    html! {
        <details class="data-table" open={*open} {ontoggle}>
            <summary>{ props.summary.clone() }</summary>
            if *open { { table(props) } }
        </details>
    }
}

fn table(props: &DataTableProps) -> Html {
    let times: Vec<u64> = props.columns.first().map(|(_, points)| points.iter().map(|p| p.0).collect()).unwrap_or_default();
    let stride = times.len().div_ceil(ROWS).max(1);
    let last = times.len().saturating_sub(1);
    let rows = (0..times.len()).filter(|i| i % stride == 0 || *i == last);
    html! {
        <table>
            <thead><tr>
                <th scope="col">{ "simulated time" }</th>
                { for props.columns.iter().map(|(label, _)| html! { <th scope="col">{ label.clone() }</th> }) }
            </tr></thead>
            <tbody>
                { for rows.map(|i| html! {
                    <tr>
                        <td>{ format::sim_time(times[i]) }</td>
                        { for props.columns.iter().map(|(_, points)| html! {
                            <td>{ points.get(i).map_or_else(|| "—".to_string(), |p| props.unit.show(p.1)) }</td>
                        }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
