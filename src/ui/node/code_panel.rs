//! The two versions of the export loop, with the line that is acting right now highlighted.

use crate::engine::node::{Event, ExportState, Mode, NodeSim};
use yew::prelude::*;

/// Which line of the active snippet is acting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acting {
    Write,
    Pause,
    Resume,
    End,
    Died,
}

const NAIVE: &[(&str, Option<Acting>)] = &[
    ("const rows = client.query(new QueryStream(sql, [], { batchSize: 100 }));", None),
    ("rows.on('data', (row) => {", None),
    ("  res.write(toCsvLine(row));   // false once the buffer reaches highWaterMark: ignored", Some(Acting::Write)),
    ("});", None),
    ("rows.on('end', () => res.end());", Some(Acting::End)),
];

const PIPED: &[(&str, Option<Acting>)] = &[
    ("const rows = client.query(new QueryStream(sql, [], { batchSize: 100 }));", None),
    ("// .pipe() runs this loop for you:", None),
    ("rows.on('data', (row) => {", None),
    ("  if (!res.write(toCsvLine(row))) {   // buffer reached highWaterMark", Some(Acting::Write)),
    ("    rows.pause();                      // no more rows, no more Execute", Some(Acting::Pause)),
    ("    res.once('drain', () => rows.resume());", Some(Acting::Resume)),
    ("  }", None),
    ("});", None),
    ("rows.on('end', () => res.end());", Some(Acting::End)),
    ("// in one line: rows.pipe(csvFormatter()).pipe(res);", None),
];

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    pub mode: Mode,
    acting: Acting,
}

impl CodePanelProps {
    pub fn of(sim: &NodeSim) -> Self {
        let first = sim.exports().first();
        let resumed_recently = sim
            .recent_events()
            .rev()
            .take_while(|e| sim.now() - e.at_ms < 40)
            .any(|e| e.export == 0 && e.event == Event::DrainResumed);
        let acting = match first.map(|e| e.state) {
            Some(ExportState::Dead) => Acting::Died,
            Some(ExportState::Done | ExportState::Draining) => Acting::End,
            Some(ExportState::Paused) => Acting::Pause,
            _ if resumed_recently => Acting::Resume,
            _ => Acting::Write,
        };
        Self { mode: sim.params().mode, acting }
    }
}

fn snippet(title: &str, lines: &[(&str, Option<Acting>)], active: bool, acting: Acting) -> Html {
    html! {
        <figure class={classes!("code", active.then_some("active"))} aria-current={active.then_some("true")}>
            <figcaption>{ title }{ match (active, acting) {
                (true, Acting::Died) => " — stopped: the process died",
                (true, _) => " — running",
                _ => "",
            } }</figcaption>
            <pre tabindex="0" aria-label={format!("{title} (code)")}><code>
                { for lines.iter().map(|&(text, marker)| {
                    let lit = active && marker == Some(acting);
                    html! { <span class={classes!("line", lit.then_some("acting"))}>{ text }{ "\n" }</span> }
                }) }
            </code></pre>
        </figure>
    }
}

#[function_component]
pub fn CodePanel(props: &CodePanelProps) -> Html {
    html! {
        <div class="code-panel">
            { snippet("naive: on('data') + write()", NAIVE, props.mode == Mode::Naive, props.acting) }
            { snippet("backpressure: what .pipe() does", PIPED, props.mode == Mode::Pipe, props.acting) }
            if props.acting == Acting::Died {
                <p class="help">{ "The process is gone: no line runs any more." }</p>
            }
        </div>
    }
}
