//! Node streams: random valid parameters over every control's whole range, and what conservation
//! of rows means.

use super::{anywhere_in, maybe_in, ranged};
use backpressure_playground::engine::node::validate::{CONTAINER_LIMIT_MB, MAX_STAGES, RESPONSE_HWM, STAGE_LIMITS};
use backpressure_playground::engine::node::{ExportState, Mode, NodeParams, NodeSim, Stage, StageKind, RANGES};
use proptest::prelude::*;

fn stage(kind: StageKind) -> impl Strategy<Value = Stage> {
    let l = &STAGE_LIMITS;
    (
        maybe_in(l.high_water_mark.0, l.high_water_mark.1),
        anywhere_in(l.rows_per_second.0, l.rows_per_second.1),
        any::<bool>(),
        anywhere_in(l.compression_percent.0, l.compression_percent.1),
        anywhere_in(l.rows_per_chunk.0, l.rows_per_chunk.1),
    )
        .prop_map(move |(high_water_mark, rows_per_second, ignores_high_water_mark, compression_percent, rows_per_chunk)| Stage {
            kind,
            high_water_mark,
            rows_per_second,
            ignores_high_water_mark,
            compression_percent,
            rows_per_chunk,
        })
}

/// Every legal chain of at most [`MAX_STAGES`]: batch stages on row objects, then optionally a
/// csv stage and gzip stages on its bytes.
fn stages() -> impl Strategy<Value = Vec<Stage>> {
    (0..=MAX_STAGES, any::<bool>(), 0..MAX_STAGES).prop_flat_map(|(batches, csv, gzips)| {
        let gzips = if csv { gzips.min(MAX_STAGES.saturating_sub(batches + 1)) } else { 0 };
        let batches = if csv { batches.min(MAX_STAGES - 1) } else { batches };
        let csv = proptest::collection::vec(stage(StageKind::Csv), usize::from(csv));
        (
            proptest::collection::vec(stage(StageKind::Batch), batches),
            csv,
            proptest::collection::vec(stage(StageKind::Gzip), gzips),
        )
            .prop_map(|(mut chain, csv, gzips)| {
                chain.extend(csv);
                chain.extend(gzips);
                chain
            })
    })
}

/// Valid parameters with every control anywhere in its range.
pub fn params() -> impl Strategy<Value = NodeParams> {
    (
        ranged(NodeParams::default(), RANGES),
        prop_oneof![Just(Mode::Naive), Just(Mode::Pipe)],
        any::<bool>(),
        maybe_in(RESPONSE_HWM.0, RESPONSE_HWM.1),
        maybe_in(CONTAINER_LIMIT_MB.0, CONTAINER_LIMIT_MB.1),
        stages(),
    )
        .prop_map(|(mut p, mode, honours_row_limit, response_hwm, container_limit_mb, stages)| {
            p.mode = mode;
            p.cursor.honours_row_limit = honours_row_limit;
            p.response.high_water_mark = response_hwm;
            p.memory.container_limit_mb = container_limit_mb;
            p.stages = stages;
            p
        })
}

/// Every row fetched from Postgres is at the client or in one of the export's buffers. When the
/// process dies its buffers freeze (a finished simulation never steps), so what they hold then
/// is what the death lost: fetched = delivered + buffered + lost at death.
pub fn assert_conserved(sim: &NodeSim, context: &str) {
    let total = sim.params().total_rows;
    for (index, export) in sim.exports().iter().enumerate() {
        let c = &export.counters;
        assert_eq!(
            c.rows_fetched,
            c.rows_delivered + export.rows_buffered(),
            "{context}: export {index} at {} ms loses or invents rows: {c:?}",
            sim.now()
        );
        assert!(c.rows_written <= c.rows_fetched, "{context}: export {index} wrote rows it never fetched: {c:?}");
        assert!(c.rows_delivered <= c.rows_written, "{context}: export {index} delivered rows it never wrote: {c:?}");
        assert!(c.rows_fetched <= total, "{context}: export {index} fetched past the table: {c:?}");
        assert!(c.app_write_false <= c.write_false, "{context}: {c:?}");
        assert_eq!(export.state == ExportState::Dead, sim.death().is_some(), "{context}: export {index} lives and dies with the process");
    }
}
