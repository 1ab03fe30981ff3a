//! Every parameter of the scenario, grouped as the pipeline is: nothing hidden.

use crate::ui::widgets::slider::{Slider, Unit};
use crate::engine::node::validate::{CONTAINER_LIMIT_MB, RESPONSE_HWM, STAGE_LIMITS};
use crate::engine::node::{StageKind, RANGES};

/// Node versions offered: the ones whose defaults differ, and today's.
const NODE_MAJORS: &[u64] = &[8, 12, 16, 18, 20, 22, 24];
use crate::scenario::presets;
use crate::ui::node::state::{Action, Playground, StageField};
use crate::ui::run::RunAction;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct ControlsProps {
    pub state: Rc<Playground>,
    pub dispatch: Callback<Action>,
}

/// The controls show the parameters, the preset and the seed, so only those re-render them; a
/// frame of the running engine does not. The dispatch always reaches the same reducer.
impl PartialEq for ControlsProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.state, &other.state);
        a.run.params == b.run.params && a.run.preset == b.run.preset && a.run.seed == b.run.seed
    }
}

/// How each ranged parameter is shown: (help text, unit, logarithmic track).
fn presentation(field: &str) -> (&'static str, Unit, bool) {
    match field {
        "totalRows" => ("Rows in the export's result set.", Unit::Count, true),
        "rowBytes" => ("Length of one row as CSV text.", Unit::Bytes, true),
        "concurrentExports" => ("Exports running at once in this one process: they share its heap and uplink.", Unit::Count, false),
        "nodeMajor" => ("Node.js major version.", Unit::Plain, false),
        "cursor.batchSize" => ("Rows per Execute round trip (pg-query-stream's default: 100).", Unit::Count, true),
        "cursor.roundTripMs" => ("Network round trip between Node and Postgres.", Unit::Millis, false),
        "cursor.dbRowsPerSecond" => ("How fast Postgres produces rows once asked.", Unit::Count, true),
        "cursor.jitterPercent" => ("Random spread of each round trip (seeded).", Unit::Percent, false),
        "readable.highWaterMark" => ("Rows the Readable buffers before it stops calling _read(). pg-query-stream sets it to batchSize (100); Node's objectMode default is 16.", Unit::Count, true),
        "network.clientBytesPerSecond" => ("How fast one client downloads.", Unit::Bandwidth, true),
        "network.uplinkBytesPerSecond" => ("The server's uplink, shared by every export.", Unit::Bandwidth, true),
        "memory.baseHeapMb" => ("Heap in use before any export.", Unit::Mebibytes, true),
        "memory.nativeOverheadMb" => ("RSS outside the heap: code, libuv, stacks.", Unit::Mebibytes, true),
        "memory.maxOldSpaceSizeMb" => ("V8's --max-old-space-size: the heap limit (≈2 GB by default on 64-bit).", Unit::Mebibytes, true),
        "memory.rowObjectBytes" => ("Heap held by one parsed row object (estimate).", Unit::Bytes, true),
        "memory.chunkOverheadBytes" => ("Heap held by one queued write request, besides its chunk.", Unit::Bytes, true),
        _ => ("", Unit::Plain, false),
    }
}

fn group(state: &Playground, dispatch: &Callback<Action>, prefix: &str) -> Html {
    RANGES
        .iter()
        .enumerate()
        .filter(|(_, r)| r.field == prefix || r.field.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')))
        .map(|(index, range)| {
            let (help, unit, log) = presentation(range.field);
            let on_change = dispatch.reform(move |v| Action::SetRange(index, v));
            html! {
                <Slider key={range.field} name={range.field} help={help} value={(range.get)(&state.run.params)}
                    min={range.min} max={range.max} unit={unit} log={log} on_change={on_change} />
            }
        })
        .collect()
}

fn checkbox(label: Html, checked: bool, on_toggle: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| on_toggle.emit(e.target_unchecked_into::<HtmlInputElement>().checked()));
    html! {
        <label class="switch"><input type="checkbox" {checked} {onchange} /><span>{ label }</span></label>
    }
}

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let state = &props.state;
    let dispatch = &props.dispatch;
    let params = &state.run.params;

    let on_preset = dispatch.reform(|e: Event| Action::Run(RunAction::LoadPreset(e.target_unchecked_into::<HtmlSelectElement>().value())));
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(seed) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u64>() {
                dispatch.emit(Action::Run(RunAction::SetSeed(seed)));
            }
        })
    };
    let response_default = params.default_byte_high_water_mark();
    let response_hwm = params.response_high_water_mark();

    html! {
        <section class="controls" aria-label="Parameters">
            <fieldset>
                <legend>{ "Scenario" }</legend>
                <label class="select">{ "Preset " }
                    <select onchange={on_preset} aria-label="Preset">
                        <option value="custom" selected={state.run.preset == "custom"} disabled=true>{ "custom" }</option>
                        { for presets::node::PRESETS.iter().map(|p| html! {
                            <option value={p.name} selected={state.run.preset == p.name} title={p.description}>{ p.name }</option>
                        }) }
                    </select>
                </label>
                <label class="select">{ "seed " }
                    <input type="number" min="0" value={state.run.seed.to_string()} onchange={on_seed} aria-label="Seed" />
                </label>
                { group(state, dispatch, "totalRows") }
            </fieldset>
            <fieldset>
                <legend>{ "Postgres cursor (pg-query-stream)" }</legend>
                { group(state, dispatch, "cursor") }
                { checkbox(html!{ <><code>{"honoursRowLimit"}</code>{" — no new Execute while the Readable is full"}</> },
                    params.cursor.honours_row_limit, dispatch.reform(Action::SetHonoursRowLimit)) }
            </fieldset>
            <fieldset>
                <legend>{ "Streams" }</legend>
                { group(state, dispatch, "readable") }
                <label class="select">{ "Node.js " }
                    <select aria-label="Node.js major version" onchange={{
                        let index = RANGES.iter().position(|r| r.field == "nodeMajor").expect("nodeMajor is ranged");
                        dispatch.reform(move |e: Event| {
                            let major = e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(20);
                            Action::SetRange(index, major)
                        })
                    }}>
                        { for NODE_MAJORS.iter().map(|&major| html! {
                            <option value={major.to_string()} selected={params.node_major == major}>{ major }</option>
                        }) }
                    </select>
                </label>
                <p class="help">{ "22 and later default byte streams to a 64 KiB " }<code>{ "highWaterMark" }</code>{ " (16 KiB before, and still on Windows)." }</p>
                <Slider name="response.highWaterMark"
                    help={format!("The HTTP response's buffer limit in bytes (this Node's default: {}).", crate::format::bytes(response_default))}
                    value={response_hwm} min={RESPONSE_HWM.0} max={RESPONSE_HWM.1} unit={Unit::Bytes} log=true
                    on_change={dispatch.reform(|v| Action::SetResponseHighWaterMark(Some(v)))} />
                <StagesEditor state={state.clone()} dispatch={dispatch.clone()} />
            </fieldset>
            <fieldset>
                <legend>{ "Load and network" }</legend>
                { group(state, dispatch, "rowBytes") }
                { group(state, dispatch, "concurrentExports") }
                { group(state, dispatch, "network") }
            </fieldset>
            <fieldset>
                <legend>{ "Memory" }</legend>
                { group(state, dispatch, "memory") }
                { checkbox(html!{ <>{"Container memory limit (cgroup / Kubernetes)"}</> },
                    params.memory.container_limit_mb.is_some(),
                    dispatch.reform(|on: bool| Action::SetContainerLimit(on.then_some(2048)))) }
                if let Some(limit) = params.memory.container_limit_mb {
                    <Slider name="memory.containerLimitMb" help="RSS at which the kernel's OOM killer sends SIGKILL (exit 137)."
                        value={limit} min={CONTAINER_LIMIT_MB.0} max={CONTAINER_LIMIT_MB.1} unit={Unit::Mebibytes} log=true
                        on_change={dispatch.reform(|v| Action::SetContainerLimit(Some(v)))} />
                }
            </fieldset>
        </section>
    }
}

#[function_component]
fn StagesEditor(props: &ControlsProps) -> Html {
    let dispatch = &props.dispatch;
    let stages = &props.state.run.params.stages;
    // Only stages that can take what the chain emits so far: gzip wants bytes, csv and batch objects.
    let emits_objects = stages.last().is_none_or(|s| s.kind == StageKind::Batch);
    let add = |kind: StageKind, label: &'static str| {
        let fits = (kind == StageKind::Gzip) != emits_objects;
        let title = if fits { format!("add a {label} stage") } else if emits_objects { "gzip needs text: add csv first".into() } else { format!("{label} needs row objects") };
        html! {
            <button type="button" class="small" disabled={!fits} {title}
                onclick={dispatch.reform(move |_| Action::AddStage(kind))}>{ label }</button>
        }
    };
    html! {
        <div class="stages">
            <p class="help">{ "Transform stages between the Readable and the response, in order:" }</p>
            { for stages.iter().enumerate().map(|(index, stage)| {
                let set = |field: StageField| dispatch.reform(move |v| Action::SetStage(index, field, v));
                let byte_input = index > 0 && matches!(stages[index - 1].kind, StageKind::Csv | StageKind::Gzip);
                let (hwm_unit, hwm_default) = if byte_input { (Unit::Bytes, props.state.run.params.default_byte_high_water_mark()) } else { (Unit::Count, 16) };
                html! {
                    <div class="stage-card" key={index}>
                        <div class="stage-head">
                            <strong>{ format!("{}. {}", index + 1, stage.kind.name()) }</strong>
                            <button type="button" class="small" aria-label={format!("Remove stage {}", index + 1)}
                                onclick={dispatch.reform(move |_| Action::RemoveStage(index))}>{ "remove" }</button>
                        </div>
                        <Slider name={format!("stages[{index}].highWaterMark")} help="Its writable side's limit."
                            value={stage.high_water_mark.unwrap_or(hwm_default)} min={STAGE_LIMITS.high_water_mark.0} max={STAGE_LIMITS.high_water_mark.1}
                            unit={hwm_unit} log=true on_change={set(StageField::HighWaterMark)} />
                        <Slider name={format!("stages[{index}].rowsPerSecond")} help="Rows it can transform per second."
                            value={stage.rows_per_second} min={STAGE_LIMITS.rows_per_second.0} max={STAGE_LIMITS.rows_per_second.1}
                            unit={Unit::Count} log=true on_change={set(StageField::RowsPerSecond)} />
                        if stage.kind == StageKind::Gzip {
                            <Slider name={format!("stages[{index}].compressionPercent")} help="Output size as a share of input."
                                value={stage.compression_percent} min={1} max={100} unit={Unit::Percent} on_change={set(StageField::CompressionPercent)} />
                        }
                        if stage.kind == StageKind::Batch {
                            <Slider name={format!("stages[{index}].rowsPerChunk")} help="Rows grouped into one chunk."
                                value={stage.rows_per_chunk} min={1} max={STAGE_LIMITS.rows_per_chunk.1} unit={Unit::Count} log=true
                                on_change={set(StageField::RowsPerChunk)} />
                        }
                        { checkbox(html!{ <>{"buggy: ignores its "}<code>{"highWaterMark"}</code>{" (write() always returns true)"}</> },
                            stage.ignores_high_water_mark, dispatch.reform(move |on| Action::SetStageIgnoresHighWaterMark(index, on))) }
                    </div>
                }
            }) }
            if stages.len() < crate::engine::node::validate::MAX_STAGES {
                <div class="stage-add">{ "Add: " }{ add(StageKind::Csv, "csv") }{ add(StageKind::Gzip, "gzip") }{ add(StageKind::Batch, "batch") }</div>
            }
        </div>
    }
}
