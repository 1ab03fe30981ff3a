//! `bpsim`: run a scenario file through the same engine as the browser and print a JSON summary.

use backpressure_playground::engine::Millis;
use backpressure_playground::scenario::{preset, presets, Scenario, ScenarioError, MAX_SIM_MS};
use std::io::{Read, Write};
use std::process::ExitCode;
use thiserror::Error;

const USAGE: &str = "usage:
  bpsim presets                     list the named scenarios
  bpsim preset NAME                 print a named scenario as JSON
  bpsim run FILE                    run a scenario file (- for stdin) and print its summary as JSON
  bpsim hash FILE [--at MS]         run a scenario file (- for stdin), or a preset, to MS simulated
  bpsim hash --preset NAME [--at MS]  milliseconds (default: its duration_ms, or the end) and print
                                    the engine's state hash as 16 hex digits (the same in wasm)
  bpsim --version                   print the version
  bpsim --help                      print this";

/// A scenario is a few kilobytes; anything far larger is not one (and `/dev/zero` never ends).
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why `bpsim hash` could not hash.
#[derive(Debug, Error)]
enum HashError {
    #[error("hash takes FILE or --preset NAME, and optionally --at MS\n{USAGE}")]
    Usage,
    #[error("--at: {0:?} is not a whole number of milliseconds")]
    NotMillis(String),
    #[error("--at: {0} is longer than the {MAX_SIM_MS} ms limit")]
    TooLong(Millis),
    #[error("no preset named {0:?}; `bpsim presets` lists them")]
    UnknownPreset(String),
    #[error("{path}: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Invalid { path: String, source: ScenarioError },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        // `--help` anywhere (`bpsim hash --help`) asks for the usage, not for a hash.
        ["help"] => {
            say(USAGE);
            ExitCode::SUCCESS
        }
        _ if words.iter().any(|w| matches!(*w, "--help" | "-h")) => {
            say(USAGE);
            ExitCode::SUCCESS
        }
        ["presets"] => {
            let lines: Vec<String> =
                presets::all().map(|p| format!("{:<22} {}", p.name, p.description.split_whitespace().collect::<Vec<_>>().join(" "))).collect();
            say(&lines.join("\n"));
            ExitCode::SUCCESS
        }
        ["preset", name] => match preset(name) {
            Some(p) => {
                say(&p.scenario().to_json_pretty());
                ExitCode::SUCCESS
            }
            None => fail(&format!("no preset named {name:?}; `bpsim presets` lists them")),
        },
        ["run", path] => match read_input(path) {
            Ok(text) => match Scenario::from_json(&text) {
                Ok(scenario) => {
                    say(&serde_json::to_string_pretty(&scenario.run()).expect("summaries serialise"));
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&format!("{path}: {error}")),
            },
            Err(error) => fail(&format!("{path}: {error}")),
        },
        ["hash", args @ ..] => match state_hash(args) {
            Ok(hash) => {
                say(&format!("{hash:016x}"));
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error.to_string()),
        },
        ["--version" | "-V"] => {
            say(&format!("bpsim {}", env!("CARGO_PKG_VERSION")));
            ExitCode::SUCCESS
        }
        [] => fail(USAGE),
        [command @ ("presets" | "preset" | "run"), ..] => fail(&format!("wrong arguments for “{command}”\n{USAGE}")),
        [other, ..] => fail(&format!("unknown command “{other}”\n{USAGE}")),
    }
}

/// `bpsim hash`'s arguments → the scenario's state hash at the chosen instant.
fn state_hash(args: &[&str]) -> Result<u64, HashError> {
    // `--at MS` may come before or after the scenario's source.
    let (source, at) = match args.iter().position(|a| *a == "--at") {
        Some(i) => {
            let ms = args.get(i + 1).ok_or(HashError::Usage)?;
            let at: Millis = ms.parse().map_err(|_| HashError::NotMillis(ms.to_string()))?;
            if at > MAX_SIM_MS {
                return Err(HashError::TooLong(at));
            }
            ([&args[..i], &args[i + 2..]].concat(), Some(at))
        }
        None => (args.to_vec(), None),
    };
    let scenario = match source.as_slice() {
        ["--preset", name] => preset(name).ok_or_else(|| HashError::UnknownPreset(name.to_string()))?.scenario(),
        [path] if !path.starts_with("--") => {
            let text = read_input(path).map_err(|source| HashError::Unreadable { path: path.to_string(), source })?;
            Scenario::from_json(&text).map_err(|source| HashError::Invalid { path: path.to_string(), source })?
        }
        _ => return Err(HashError::Usage),
    };
    Ok(scenario.state_hash_at(at.or(scenario.duration_ms).unwrap_or(MAX_SIM_MS)))
}

fn read_input(path: &str) -> std::io::Result<String> {
    let source: Box<dyn Read> = if path == "-" { Box::new(std::io::stdin()) } else { Box::new(std::fs::File::open(path)?) };
    let mut text = String::new();
    source.take(MAX_INPUT_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_INPUT_BYTES {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("larger than {} MiB: not a scenario", MAX_INPUT_BYTES >> 20)));
    }
    Ok(text)
}

/// Prints a result on stdout. A reader that has gone (`bpsim presets | head -1`) is not an error
/// to report, so a failed write is dropped rather than a panic.
fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Bad input: a message on stderr and exit code 2.
fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "bpsim: {message}");
    ExitCode::from(2)
}
