//! The browser entry point; trunk builds this binary to wasm.

fn main() {
    #[cfg(target_arch = "wasm32")]
    backpressure_playground::ui::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("This binary is the web front end; build it with trunk. For the terminal, run `bpsim`.");
}
