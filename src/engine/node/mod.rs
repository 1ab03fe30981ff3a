//! Scenario 1: rows from a Postgres cursor streamed through Node into a slow HTTP client.

mod buffer;
mod export;
mod params;
mod sim;
mod summary;
pub mod twin;
pub mod validate;

pub use buffer::{Content, StreamBuffer};
pub use export::{Event, Export, ExportCounters, ExportState, StageState};
pub use params::{Cursor, Memory, Mode, Network, NodeParams, Readable, Response, Stage, StageKind};
pub use sim::{Death, DeathCause, NodeSim, TimedEvent};
pub use summary::NodeSummary;
pub use validate::{validate, ParamError, RANGES};

/// The memory cost model, stated so the UI can show it beside the heap chart.
pub const COST_MODEL: &str = "heap = base heap + Σ buffered rows × cost. A parsed row object costs `rowObjectBytes` \
(an estimate for a V8 object with a dozen fields); a CSV string costs its length (V8 stores ASCII one byte per char) \
plus `chunkOverheadBytes` for the queued write request; gzip output is a Buffer, outside the V8 heap, so it counts \
towards RSS only. RSS = heap + Buffers + native overhead. Estimates, not measurements: measure your own rows with \
process.memoryUsage().";
