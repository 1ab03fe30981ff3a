//! Parameters of the Node.js streams scenario, with the real names and defaults
//! (Node stream docs, pg-query-stream, V8 heap flags).

use serde::{Deserialize, Serialize};

/// How the application moves rows from the Postgres stream into the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `rows.on('data', row => res.write(toCsv(row)))`: the return value of `write()` is ignored.
    Naive,
    /// `rows.pipe(…).pipe(res)`: pause on `false`, resume on `'drain'`.
    Pipe,
}

names!(Mode { Naive => "naive", Pipe => "pipe" });

/// What a transform stage between the cursor and the response does to the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    /// Row objects in, CSV text out (`rowBytes` per row).
    Csv,
    /// Text or bytes in, compressed `Buffer`s out (off the V8 heap).
    Gzip,
    /// Row objects in, arrays of `rowsPerChunk` rows out (one object each).
    Batch,
}

names!(StageKind { Csv => "csv", Gzip => "gzip", Batch => "batch" });

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Cursor {
    /// Rows per `Execute` round trip (pg-query-stream's `batchSize`, default 100).
    pub batch_size: u64,
    /// Network round trip between Node and Postgres, in milliseconds.
    pub round_trip_ms: u64,
    /// How fast the server produces rows once asked.
    pub db_rows_per_second: u64,
    /// `true`: the portal row limit holds, so no new batch is asked for while the Readable is
    /// full. `false`: rows keep arriving whatever the consumer does (a server that ignores the
    /// limit, a plain `client.query()`, or a source that ignores backpressure).
    pub honours_row_limit: bool,
    /// Random spread of each round trip, in percent either side.
    pub jitter_percent: u64,
}

impl Default for Cursor {
    fn default() -> Self {
        Self { batch_size: 100, round_trip_ms: 1, db_rows_per_second: 100_000, honours_row_limit: true, jitter_percent: 20 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Readable {
    /// objectMode `highWaterMark`, in rows. Node's own objectMode default is 16, but
    /// pg-query-stream passes `batchSize` (default 100) as the Readable's mark.
    pub high_water_mark: u64,
}

impl Default for Readable {
    fn default() -> Self {
        Self { high_water_mark: 100 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stage {
    pub kind: StageKind,
    /// In objects when the stage takes objects, in bytes when it takes text or bytes;
    /// `null` means Node's default for that kind of stream.
    #[serde(default)]
    pub high_water_mark: Option<u64>,
    /// Rows the stage can transform per second.
    #[serde(default = "Stage::default_rows_per_second")]
    pub rows_per_second: u64,
    /// A buggy stage whose `write()` always returns `true`, so nothing upstream ever pauses.
    #[serde(default)]
    pub ignores_high_water_mark: bool,
    /// For `gzip`: compressed size as a percentage of the input.
    #[serde(default = "Stage::default_compression_percent")]
    pub compression_percent: u64,
    /// For `batch`: rows grouped into one chunk.
    #[serde(default = "Stage::default_rows_per_chunk")]
    pub rows_per_chunk: u64,
}

impl Stage {
    fn default_rows_per_second() -> u64 {
        1_000_000
    }
    fn default_compression_percent() -> u64 {
        25
    }
    fn default_rows_per_chunk() -> u64 {
        50
    }

    pub fn new(kind: StageKind) -> Self {
        Self {
            kind,
            high_water_mark: None,
            rows_per_second: Self::default_rows_per_second(),
            ignores_high_water_mark: false,
            compression_percent: Self::default_compression_percent(),
            rows_per_chunk: Self::default_rows_per_chunk(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Response {
    /// The HTTP response's `highWaterMark` in bytes; `null` means the default of `nodeMajor`.
    pub high_water_mark: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Network {
    /// How fast one client reads the response.
    pub client_bytes_per_second: u64,
    /// The server's uplink, shared by every export in the process.
    pub uplink_bytes_per_second: u64,
}

impl Default for Network {
    fn default() -> Self {
        Self { client_bytes_per_second: 1_000_000, uplink_bytes_per_second: 125_000_000 }
    }
}

/// The cost model for memory. Estimates, not measurements: see [`crate::engine::node::COST_MODEL`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Memory {
    /// Heap in use before any export starts.
    pub base_heap_mb: u64,
    /// RSS beyond the heap: code, libuv, thread stacks.
    pub native_overhead_mb: u64,
    /// V8's `--max-old-space-size` in MiB (default about 2 GB on a 64-bit host).
    pub max_old_space_size_mb: u64,
    /// A container or cgroup memory limit; `null` for none.
    pub container_limit_mb: Option<u64>,
    /// Heap held by one parsed row object.
    pub row_object_bytes: u64,
    /// Heap held by one queued write request besides its chunk.
    pub chunk_overhead_bytes: u64,
}

impl Default for Memory {
    fn default() -> Self {
        Self {
            base_heap_mb: 30,
            native_overhead_mb: 40,
            max_old_space_size_mb: 2048,
            container_limit_mb: None,
            row_object_bytes: 600,
            chunk_overhead_bytes: 100,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeParams {
    pub mode: Mode,
    /// Node's major version: 22 and later default byte streams to a 64 KiB `highWaterMark`.
    pub node_major: u64,
    pub total_rows: u64,
    /// Length of one row as CSV text.
    pub row_bytes: u64,
    /// Exports running at once in the same process (1..=50).
    pub concurrent_exports: u64,
    pub cursor: Cursor,
    pub readable: Readable,
    pub stages: Vec<Stage>,
    pub response: Response,
    pub network: Network,
    pub memory: Memory,
}

impl Default for NodeParams {
    fn default() -> Self {
        Self {
            mode: Mode::Pipe,
            node_major: 20,
            total_rows: 100_000,
            row_bytes: 300,
            concurrent_exports: 1,
            cursor: Cursor::default(),
            readable: Readable::default(),
            stages: Vec::new(),
            response: Response::default(),
            network: Network::default(),
            memory: Memory::default(),
        }
    }
}

impl NodeParams {
    /// Node's default `highWaterMark` for byte streams in this version (nodejs/node#52037).
    pub fn default_byte_high_water_mark(&self) -> u64 {
        if self.node_major >= 22 {
            64 * 1024
        } else {
            16 * 1024
        }
    }

    pub fn response_high_water_mark(&self) -> u64 {
        self.response.high_water_mark.unwrap_or_else(|| self.default_byte_high_water_mark())
    }
}
