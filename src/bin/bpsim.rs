//! `bpsim`: run a scenario file through the same engine as the browser and print a JSON summary.

use backpressure_playground::scenario::{preset, presets, Scenario};
use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage:
  bpsim presets          list the named scenarios
  bpsim preset NAME      print a named scenario as JSON
  bpsim run FILE         run a scenario file (- for stdin) and print its summary as JSON
  bpsim --help           print this";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        ["presets"] => {
            for p in presets::all() {
                println!("{:<22} {}", p.name, p.description.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            ExitCode::SUCCESS
        }
        ["preset", name] => match preset(name) {
            Some(p) => {
                println!("{}", p.scenario().to_json_pretty());
                ExitCode::SUCCESS
            }
            None => fail(&format!("no preset named {name:?}; `bpsim presets` lists them")),
        },
        ["run", path] => match read_input(path) {
            Ok(text) => match Scenario::from_json(&text) {
                Ok(scenario) => {
                    println!("{}", serde_json::to_string_pretty(&scenario.run()).expect("summaries serialise"));
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&format!("{path}: {error}")),
            },
            Err(error) => fail(&format!("{path}: {error}")),
        },
        _ => fail(USAGE),
    }
}

fn read_input(path: &str) -> std::io::Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

/// Bad input: a message on stderr and exit code 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("bpsim: {message}");
    ExitCode::from(2)
}
