//! Backpressure Playground: a deterministic engine for three systems that push back under load,
//! a scenario format shared by the browser and the `bpsim` CLI, and (in wasm builds) the Yew UI.

pub mod clock;
pub mod decimal;
pub mod engine;
pub mod format;
pub mod permalink;
pub mod scale;
pub mod scenario;

#[cfg(target_arch = "wasm32")]
pub mod ui;
