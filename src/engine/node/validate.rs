//! The allowed range of every parameter: one table read by validation, the UI's sliders and
//! (later) the URL decoder, so the three can never disagree.

use super::params::{NodeParams, StageKind};
use crate::engine::MIB;

pub use crate::engine::range::ParamError;
use crate::engine::range::{check as check_range, range};

/// A Node parameter's range.
pub type Range = crate::engine::range::Range<NodeParams>;

pub const MAX_STAGES: usize = 4;
const MAX_HWM_BYTES: u64 = 64 * MIB;

pub static RANGES: &[Range] = &[
    range!("totalRows", 1, 100_000_000, |p| p.total_rows),
    range!("rowBytes", 10, 100_000, |p| p.row_bytes),
    range!("concurrentExports", 1, 50, |p| p.concurrent_exports),
    range!("nodeMajor", 8, 26, |p| p.node_major),
    range!("cursor.batchSize", 1, 100_000, |p| p.cursor.batch_size),
    range!("cursor.roundTripMs", 0, 1_000, |p| p.cursor.round_trip_ms),
    range!("cursor.dbRowsPerSecond", 1, 10_000_000, |p| p.cursor.db_rows_per_second),
    range!("cursor.jitterPercent", 0, 90, |p| p.cursor.jitter_percent),
    range!("readable.highWaterMark", 1, 100_000, |p| p.readable.high_water_mark),
    range!("network.clientBytesPerSecond", 1_000, 1_250_000_000, |p| p.network.client_bytes_per_second),
    range!("network.uplinkBytesPerSecond", 1_000, 12_500_000_000, |p| p.network.uplink_bytes_per_second),
    range!("memory.baseHeapMb", 0, 4_096, |p| p.memory.base_heap_mb),
    range!("memory.nativeOverheadMb", 0, 4_096, |p| p.memory.native_overhead_mb),
    range!("memory.maxOldSpaceSizeMb", 16, 65_536, |p| p.memory.max_old_space_size_mb),
    range!("memory.rowObjectBytes", 16, 1_000_000, |p| p.memory.row_object_bytes),
    range!("memory.chunkOverheadBytes", 0, 10_000, |p| p.memory.chunk_overhead_bytes),
];

pub const RESPONSE_HWM: (u64, u64) = (1, MAX_HWM_BYTES);
pub const CONTAINER_LIMIT_MB: (u64, u64) = (16, 262_144);

/// Inclusive bounds of each stage's fields.
pub struct StageLimits {
    pub high_water_mark: (u64, u64),
    pub rows_per_second: (u64, u64),
    pub compression_percent: (u64, u64),
    pub rows_per_chunk: (u64, u64),
}

pub const STAGE_LIMITS: StageLimits = StageLimits {
    high_water_mark: (1, MAX_HWM_BYTES),
    rows_per_second: (1, 100_000_000),
    compression_percent: (1, 100),
    rows_per_chunk: (1, 100_000),
};

fn check(field: String, value: u64, min: u64, max: u64) -> Result<(), ParamError> {
    check_range(&field, value, min, max)
}

/// Checks every bound and that each stage can take what the stage before it emits.
pub fn validate(params: &NodeParams) -> Result<(), ParamError> {
    for range in RANGES {
        range.check((range.get)(params))?;
    }
    if let Some(hwm) = params.response.high_water_mark {
        check("response.highWaterMark".into(), hwm, RESPONSE_HWM.0, RESPONSE_HWM.1)?;
    }
    if let Some(limit) = params.memory.container_limit_mb {
        check("memory.containerLimitMb".into(), limit, CONTAINER_LIMIT_MB.0, CONTAINER_LIMIT_MB.1)?;
    }
    if params.stages.len() > MAX_STAGES {
        return Err(ParamError::Incompatible {
            field: "stages".into(),
            reason: format!("at most {MAX_STAGES} stages, got {}", params.stages.len()),
        });
    }
    let mut emits_objects = true;
    for (index, stage) in params.stages.iter().enumerate() {
        let field = |name: &str| format!("stages[{index}].{name}");
        if let Some(hwm) = stage.high_water_mark {
            let (min, max) = STAGE_LIMITS.high_water_mark;
            check(field("highWaterMark"), hwm, min, max)?;
        }
        let limits = [
            ("rowsPerSecond", stage.rows_per_second, STAGE_LIMITS.rows_per_second),
            ("compressionPercent", stage.compression_percent, STAGE_LIMITS.compression_percent),
            ("rowsPerChunk", stage.rows_per_chunk, STAGE_LIMITS.rows_per_chunk),
        ];
        for (name, value, (min, max)) in limits {
            check(field(name), value, min, max)?;
        }
        let takes_objects = stage.kind != StageKind::Gzip;
        if takes_objects != emits_objects {
            let (wants, gets) = if takes_objects { ("row objects", "bytes") } else { ("text or bytes", "row objects") };
            return Err(ParamError::Incompatible {
                field: field("kind"),
                reason: format!("a {} stage takes {wants}, but the stream before it emits {gets}", stage.kind.name()),
            });
        }
        emits_objects = stage.kind == StageKind::Batch;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::node::params::Stage;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&NodeParams::default()), Ok(()));
    }

    #[test]
    fn out_of_range_names_the_field() {
        let params = NodeParams { concurrent_exports: 51, ..NodeParams::default() };
        let error = validate(&params).unwrap_err();
        assert_eq!(error.to_string(), "concurrentExports: 51 is out of range (1..=50)");
    }

    #[test]
    fn every_range_setter_writes_what_its_getter_reads() {
        for range in RANGES {
            let mut params = NodeParams::default();
            (range.set)(&mut params, range.max);
            assert_eq!((range.get)(&params), range.max, "{}", range.field);
            assert!(validate(&params).is_ok(), "{} at its max should be valid", range.field);
        }
    }

    #[test]
    fn gzip_before_csv_is_refused() {
        let params = NodeParams { stages: vec![Stage::new(StageKind::Gzip)], ..NodeParams::default() };
        let error = validate(&params).unwrap_err();
        assert!(error.to_string().starts_with("stages[0].kind:"), "{error}");
    }

    #[test]
    fn csv_then_gzip_is_accepted() {
        let params = NodeParams { stages: vec![Stage::new(StageKind::Csv), Stage::new(StageKind::Gzip)], ..NodeParams::default() };
        assert_eq!(validate(&params), Ok(()));
    }
}
