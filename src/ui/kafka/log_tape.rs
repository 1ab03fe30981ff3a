//! One tape per partition: retained segments from the log start to the log end, what retention
//! has deleted, and for each group a lane with its committed offset (its shape) and its
//! position (a tick). Drawn with HTML positioned in percent, so it reads at any width.

use super::state::KafkaPlayground;
use super::style;
use crate::engine::kafka::{GroupState, PartitionLog};
use crate::format;
use crate::ui::widgets::positions;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LogTapeProps {
    pub state: Rc<KafkaPlayground>,
}

/// Partitions drawn at most; more are sampled evenly (partition 0, the hot key's, always).
pub const MAX_TAPES: usize = 8;
/// Segments drawn per tape at most; beyond this neighbours are drawn as one block.
const MAX_DRAWN_SEGMENTS: usize = 40;

/// Which partitions to draw.
pub fn sample(partitions: usize) -> Vec<usize> {
    if partitions <= MAX_TAPES {
        (0..partitions).collect()
    } else {
        (0..MAX_TAPES).map(|i| i * partitions / MAX_TAPES).collect()
    }
}

fn pct(value: u64, low: u64, high: u64) -> f64 {
    if high <= low {
        return 100.0;
    }
    (value.saturating_sub(low) as f64 / (high - low) as f64 * 100.0).clamp(0.0, 100.0)
}

/// How far the group has processed partition `p` in its current generation: the owner's batch
/// progress on it, or its position when no batch is in hand.
pub fn processed_upto(group: &GroupState, p: usize) -> u64 {
    let cursor = &group.cursors[p];
    let Some(batch) = cursor.owner.and_then(|m| group.members[m].batch.as_ref()) else { return cursor.position };
    let mut done = batch.done;
    for part in &batch.parts {
        let finished = done.min(part.count);
        if part.partition == p {
            return part.start + finished;
        }
        done -= finished;
    }
    cursor.position
}

/// The offsets a tape spans: the log end on the right; on the left, enough to show every
/// group's committed offset with room to spare and a few segments, never more than the retained
/// log (or, once a group has fallen off it, down to that group's committed offset). As the log
/// grows the window slides, so the tape scrolls; as retention trims it, the hatched part grows.
pub fn window(log: &PartitionLog, oldest_committed: u64, per_segment: u64) -> (u64, u64) {
    let floor = oldest_committed.min(log.start);
    let wanted = (log.end - oldest_committed.min(log.end)).saturating_mul(3) / 2;
    let span = wanted.max(3 * per_segment).max(100).min(log.end - floor);
    let low = log.end - span;
    (low, log.end.max(low + 1))
}

#[function_component]
pub fn LogTape(props: &LogTapeProps) -> Html {
    let state = &props.state;
    let sim = &state.run.sim;
    let logs = sim.logs();
    let shown = sample(logs.len());
    let groups = sim.groups();
    let names: Vec<&str> = sim.params().groups.iter().map(|g| g.group_id.as_str()).collect();
    let now = sim.now();
    let per_segment = sim.records_per_segment();

    let tape = |p: usize| {
        let log: &PartitionLog = &logs[p];
        let committed: Vec<u64> = groups.iter().map(|g| g.cursors[p].committed.unwrap_or(log.start)).collect();
        let (low, high) = window(log, committed.iter().copied().min().unwrap_or(log.start), per_segment);
        let segments: Vec<(u64, u64, bool)> = log.segments().filter(|s| s.1 > s.0).collect();
        let merge = segments.len().div_ceil(MAX_DRAWN_SEGMENTS).max(1);
        let blocks: Vec<(u64, u64, bool)> = segments
            .chunks(merge)
            .map(|chunk| (chunk[0].0, chunk[chunk.len() - 1].1, chunk.iter().all(|s| s.2)))
            .collect();
        let deleted_width = pct(log.start, low, high);
        html! {
            <li class="kafka-tape" data-partition={p.to_string()}>
                <div class="kafka-tape-head">
                    <strong>{ format!("p{p}") }</strong>
                    <span class="kafka-offsets">
                        { format!("log start {} · end {}", format::count(log.start), format::count(log.end)) }
                        if low > log.start { { format!(" · drawn from {}", format::count(low)) } }
                    </span>
                </div>
                <div class="kafka-bar" role="img"
                    aria-label={format!("partition {p}: offsets {} to {}, {} segments", log.start, log.end, segments.len())}>
                    if deleted_width > 0.0 {
                        <div class="kafka-deleted" ~style={positions::span(0.0, deleted_width)} title="deleted by retention"></div>
                    }
                    { for blocks.iter().map(|&(first, end, closed)| {
                        let left = pct(first, low, high);
                        let class = classes!("kafka-seg", if closed { "closed" } else { "active" });
                        html! { <div {class} ~style={positions::span(left, pct(end, low, high) - left)}></div> }
                    }) }
                </div>
                { for groups.iter().enumerate().map(|(g, group)| {
                    let cursor = &group.cursors[p];
                    let committed = cursor.committed.unwrap_or(log.start);
                    let (c, pos, end) = (pct(committed, low, high), pct(cursor.position.max(committed), low, high), 100.0);
                    let paused = group.is_paused(p, now);
                    let lag = cursor.lag(log);
                    // Offsets already processed once that this group will process again (after a
                    // rebalance rewound it to an older commit): its duplicates, before they happen.
                    let done_upto = processed_upto(group, p);
                    let redo = cursor.frontier.saturating_sub(done_upto);
                    let again_from = pct(done_upto, low, high);
                    let again_to = pct(cursor.frontier, low, high);
                    html! {
                        <div class={classes!("kafka-lane", style::class(g), paused.then_some("paused"))}
                            data-group={names[g].to_string()} data-committed={committed.to_string()} data-lag={lag.to_string()}>
                            <div class="kafka-inflight" ~style={positions::span(c, pos - c)}></div>
                            <div class="kafka-unread" ~style={positions::span(pos, end - pos)}></div>
                            if redo > 0 {
                                <div class="kafka-again" ~style={positions::span(again_from, again_to - again_from)}
                                    title="processed before, will be processed again (duplicates)" data-testid="kafka-again"></div>
                            }
                            <span class="kafka-position" ~style={positions::at(pos)} title="position"></span>
                            <span class="kafka-commit" ~style={positions::at(c)} title={format!("{} committed {}", names[g], committed)}>
                                { style::glyph(g) }
                            </span>
                            <span class="kafka-lane-label">
                                { format!("{} {} lag {}", style::glyph(g), names[g], format::count(lag)) }
                                if paused { <b>{ " ‖ paused" }</b> }
                                if cursor.owner.is_none() { <i>{ " · unassigned" }</i> }
                                if redo > 0 {
                                    <b class="kafka-again-label" data-redo={redo.to_string()}>{ format!(" · {} to redo", format::count(redo)) }</b>
                                }
                            </span>
                        </div>
                    }
                }) }
            </li>
        }
    };

    let total_segments: usize = logs.iter().map(|l| l.closed.len() + 1).sum();
    html! {
        <section class="kafka-log" aria-label="The topic's partitions">
            <p class="kafka-legend">
                <span><span class="kafka-swatch closed"></span>{ " closed segment" }</span>
                <span><span class="kafka-swatch active"></span>{ " active segment" }</span>
                <span><span class="kafka-swatch deleted"></span>{ " deleted by retention" }</span>
                <span>{ "shape = committed offset, tick = position, pale = lag" }</span>
                <span><span class="kafka-swatch again"></span>{ " processed before, to be processed again" }</span>
            </p>
            if shown.len() < logs.len() {
                <p class="help" data-testid="kafka-sampled">
                    { format!("Showing {} of {} partitions, evenly spaced (p0, where a hot key lands, always); \
                        the numbers elsewhere count all of them.", shown.len(), logs.len()) }
                </p>
            }
            <ol class="kafka-tapes">
                { for shown.iter().map(|&p| tape(p)) }
            </ol>
            <p class="help">{ format!("{} segment{} in all. Each tape ends at the log end and reaches back past the oldest committed offset.",
                format::count(total_segments as u64), if total_segments == 1 { "" } else { "s" }) }</p>
        </section>
    }
}
