//! Node.js streams presets: the article's export and the incidents N1, N3, N4.

use super::Preset;
use crate::engine::node::{Cursor, Memory, Mode, Network, NodeParams};
use crate::scenario::{Scenario, System, FORMAT_VERSION};

pub static PRESETS: &[Preset] = &[
    Preset {
        name: "article-export",
        description: "The article's CSV export: 2,000,000 rows, naive on('data') loop, a 1 MB/s client. \
                      ~800 MB of heap in ~30 s; 3 concurrent exports get the process OOM-killed.",
        build: || node(article_params()),
    },
    Preset {
        name: "article-export-x3",
        description: "Three of the article's exports at once in one process with a 2 GiB container limit: \
                      the kernel OOM-kills it (SIGKILL, exit 137) well before any export finishes.",
        build: || node(NodeParams { concurrent_exports: 3, ..article_params() }),
    },
    Preset {
        name: "article-export-piped",
        description: "The same export with .pipe(): the heap stays at the buffers' highWaterMarks and the \
                      client gets every row.",
        build: || node(NodeParams { mode: Mode::Pipe, ..article_params() }),
    },
    Preset {
        name: "n1-write-loop",
        description: "nodejs/node#39144: a synchronous loop of 10^8 small write()s that never yields, so \
                      nothing flushes; heap OOM near 2 GB after ~40 s (exit 134, not SIGKILL).",
        build: n1_write_loop,
    },
    Preset {
        name: "n3-no-cursor",
        description: "brianc/node-pg-query-stream#48: 1,000,000 wide rows from a server that ignores the \
                      portal row limit; the whole result lands in the heap and Node 8's ~1.4 GB cap aborts.",
        build: n3_no_cursor,
    },
    Preset {
        name: "n4-ignoring-source",
        description: "knex/knex#484: a source that keeps pushing 64 KiB rows while the reader takes 10 a \
                      second; RSS climbs until the container's OOM killer sends SIGKILL (exit 137).",
        build: n4_ignoring_source,
    },
];

fn node(params: NodeParams) -> Scenario {
    Scenario { version: FORMAT_VERSION, seed: 1, duration_ms: None, system: System::NodeStream(params) }
}

/// Postgres answers a 100-row `Execute` in 1.5 ms (1 ms round trip + 0.5 ms of rows), so a
/// reader that never pauses pulls ~66,700 rows/s; the client takes 1 MB/s, ~3,100 rows/s.
/// Each buffered CSV row costs 320 + 100 bytes, so the heap grows ~26 MB/s.
fn article_params() -> NodeParams {
    NodeParams {
        mode: Mode::Naive,
        total_rows: 2_000_000,
        row_bytes: 320,
        concurrent_exports: 1,
        cursor: Cursor { batch_size: 100, round_trip_ms: 1, db_rows_per_second: 200_000, ..Cursor::default() },
        network: Network { client_bytes_per_second: 1_000_000, uplink_bytes_per_second: 125_000_000 },
        memory: Memory { container_limit_mb: Some(2048), ..Memory::default() },
        ..NodeParams::default()
    }
}

/// ~20-byte strings written 500,000 times a second with no I/O in between: each costs its
/// text plus ~85 bytes of queued write request, so 2 GiB of heap fills in ~40 s.
fn n1_write_loop() -> Scenario {
    node(NodeParams {
        mode: Mode::Naive,
        node_major: 16,
        total_rows: 100_000_000,
        row_bytes: 20,
        cursor: Cursor { honours_row_limit: false, db_rows_per_second: 500_000, ..Cursor::default() },
        network: Network { client_bytes_per_second: 1_000, ..Network::default() },
        memory: Memory { chunk_overhead_bytes: 85, ..Memory::default() },
        ..NodeParams::default()
    })
}

/// Wide rows (~1.5 KB as objects) arriving at 50,000/s regardless of demand, into a pipe whose
/// client takes 1 MB/s; Node 8's default heap cap was ~1.4 GB.
fn n3_no_cursor() -> Scenario {
    node(NodeParams {
        mode: Mode::Pipe,
        node_major: 8,
        total_rows: 1_000_000,
        row_bytes: 500,
        cursor: Cursor { honours_row_limit: false, db_rows_per_second: 50_000, ..Cursor::default() },
        memory: Memory { max_old_space_size_mb: 1_400, row_object_bytes: 1_500, ..Memory::default() },
        ..NodeParams::default()
    })
}

/// 64 KiB rows pushed at 100/s while the reader takes 10/s (655,360 B/s), in a 1 GiB container.
fn n4_ignoring_source() -> Scenario {
    node(NodeParams {
        mode: Mode::Pipe,
        total_rows: 1_000_000,
        row_bytes: 65_536,
        cursor: Cursor { honours_row_limit: false, db_rows_per_second: 100, ..Cursor::default() },
        network: Network { client_bytes_per_second: 655_360, ..Network::default() },
        memory: Memory { row_object_bytes: 65_536 + 200, container_limit_mb: Some(1_024), ..Memory::default() },
        ..NodeParams::default()
    })
}
