// Starts the app. A file rather than trunk's inline loader, so the page runs under
// Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'.
// Paths are relative to this file, so the build works from any sub-path.
import init from './backpressure-playground.js';

await init({ module_or_path: new URL('./backpressure-playground_bg.wasm', import.meta.url) });
