// The browser's budgets, measured in headless Chromium against a release build on loopback:
// size, start, the cost of a frame at 1× and 100×, and "run to the end" of an hour-long preset.
//
// Usage: node tests/e2e/bench.mjs DIST_DIR
// Prints one tab-separated row per figure, as bpbench does: budget, case, measured, limit,
// verdict. scripts/bench.sh runs both and prints them as one table.

import { gzipSync } from 'node:zlib';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, loadPlaywright, sleep, startServer } from './serve.mjs';

const DIST = resolve(process.argv[2] ?? 'dist');
const SITE_LIMIT_BYTES = 200 * 1024;
const START_LIMIT_MS = 500;
const FRAME_MEAN_LIMIT_MS = 4;
const FRAME_P95_LIMIT_MS = 8;
const FRAME_AT_100X_LIMIT_MS = 16.7;
const RUN_TO_END_LIMIT_MS = 1_000;
// "Without freezing the page": no frame during the run waits longer than this.
const FROZEN_FRAME_MS = 100;
const STARTS = 5;

function row(budget, testCase, measured, limit, met) {
  console.log([budget, testCase, measured, limit, met ? 'met' : 'MISSED'].join('\t'));
}

// Runs in the page before the app. Times every animation-frame callback together with the
// render Yew does in the microtasks right after it, sums the callbacks of one frame, and notes
// when the first frame that moved simulated time ended.
function frameMeter() {
  const schedule = window.requestAnimationFrame.bind(window);
  const meter = { recording: false, busy: [], gaps: [], lastTimestamp: null, firstFrameAt: null };
  window.__meter = meter;
  window.requestAnimationFrame = (callback) => schedule((timestamp) => {
    const started = performance.now();
    callback(timestamp);
    queueMicrotask(() => {
      const busy = performance.now() - started;
      if (meter.firstFrameAt === null && Number(document.querySelector('[data-ms]')?.dataset.ms) > 0) {
        meter.firstFrameAt = performance.now();
      }
      if (!meter.recording) return;
      if (meter.lastTimestamp !== timestamp) {
        if (meter.lastTimestamp !== null) meter.gaps.push(timestamp - meter.lastTimestamp);
        meter.busy.push(0);
        meter.lastTimestamp = timestamp;
      }
      meter.busy[meter.busy.length - 1] += busy;
    });
  });
}

const startRecording = (page) => page.evaluate(() => Object.assign(window.__meter, { recording: true, busy: [], gaps: [], lastTimestamp: null }));
const stopRecording = (page) => page.evaluate(() => { window.__meter.recording = false; return { busy: window.__meter.busy, gaps: window.__meter.gaps }; });

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(sorted.length, 1);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
  return { mean, p95, max: sorted[sorted.length - 1] ?? 0, count: sorted.length };
}

async function siteSize() {
  const files = (await readdir(DIST, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  let total = 0;
  const parts = [];
  for (const file of files) {
    const bytes = gzipSync(await readFile(join(file.parentPath ?? file.path, file.name)), { level: 9 }).length;
    total += bytes;
    parts.push([file.name, bytes]);
  }
  parts.sort((a, b) => b[1] - a[1]);
  const largest = parts.slice(0, 3).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`).join(', ');
  row('size: whole site, gzip -9', `${files.length} files (${largest})`, `${(total / 1024).toFixed(0)} KB`, '≤ 200 KB', total <= SITE_LIMIT_BYTES);
}

async function setSpeeds(page, speed) {
  const selects = page.locator('select[aria-label="Speed"]');
  const count = await selects.count();
  for (let i = 0; i < count; i++) await selects.nth(i).selectOption(String(speed), { timeout: 5_000 });
  return count;
}

async function main() {
  await siteSize();
  const { chromium } = loadPlaywright();
  const server = await startServer(DIST);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(frameMeter);

    const starts = [];
    for (let i = 0; i < STARTS; i++) {
      const page = await context.newPage();
      await page.goto(origin + '/', { waitUntil: 'load', timeout: 30_000 });
      await page.waitForFunction(() => window.__meter.firstFrameAt !== null, null, { timeout: 15_000 });
      starts.push(await page.evaluate(() => window.__meter.firstFrameAt));
      await page.close();
    }
    const start = stats(starts);
    const median = [...starts].sort((a, b) => a - b)[Math.floor(STARTS / 2)];
    row('start: navigation → first animated frame', `median of ${STARTS} loads (worst ${start.max.toFixed(0)} ms)`, `${median.toFixed(0)} ms`, '≤ 500 ms', median <= START_LIMIT_MS);

    // The whole page, all three widgets playing presets that run for minutes.
    const page = await context.newPage();
    await page.goto(origin + '/?w=node&preset=article-export-piped', { waitUntil: 'load', timeout: 30_000 });
    await page.locator('[data-testid="sim-time"]').first().waitFor({ state: 'attached', timeout: 15_000 });
    const widgets = await setSpeeds(page, 1);
    await startRecording(page);
    await sleep(10_000);
    const atOne = stats((await stopRecording(page)).busy);
    const oneCase = `${widgets} widgets at 1×, ${atOne.count} frames over 10 s`;
    row('frame: engine step + render', `${oneCase}: mean`, `${atOne.mean.toFixed(2)} ms`, '≤ 4 ms', atOne.mean <= FRAME_MEAN_LIMIT_MS);
    row('frame: engine step + render', `${oneCase}: p95 (max ${atOne.max.toFixed(1)} ms)`, `${atOne.p95.toFixed(2)} ms`, '≤ 8 ms', atOne.p95 <= FRAME_P95_LIMIT_MS);

    await setSpeeds(page, 100);
    await startRecording(page);
    await sleep(5_000);
    const atHundred = stats((await stopRecording(page)).busy);
    row('frame: engine step + render', `${widgets} widgets at 100×, ${atHundred.count} frames over 5 s: p95 (max ${atHundred.max.toFixed(1)} ms)`,
      `${atHundred.p95.toFixed(2)} ms`, '≤ 16.7 ms', atHundred.p95 <= FRAME_AT_100X_LIMIT_MS);
    await page.close();

    // "Run to the end" of the hour-long Kafka preset, in its embed.
    const embed = await context.newPage();
    await embed.goto(origin + '/?w=kafka&embed=1&preset=k1-poll-interval-loop', { waitUntil: 'load', timeout: 30_000 });
    const time = embed.locator('[data-testid="kafka-sim-time"]');
    await time.waitFor({ state: 'attached', timeout: 15_000 });
    await startRecording(embed);
    const clicked = Date.now();
    await embed.locator('[data-testid="run-to-end"]').click({ timeout: 5_000 });
    await embed.waitForFunction(() => Number(document.querySelector('[data-testid="kafka-sim-time"]')?.dataset.ms) >= 3_600_000,
      null, { timeout: 60_000, polling: 'raf' });
    const took = Date.now() - clicked;
    const gaps = stats((await stopRecording(embed)).gaps);
    row('run to the end: 1 h Kafka preset', 'k1-poll-interval-loop, click to the last frame', `${took} ms`, '≤ 1,000 ms', took <= RUN_TO_END_LIMIT_MS);
    row('run to the end: 1 h Kafka preset', `the page kept drawing: longest frame gap (${gaps.count} frames)`, `${gaps.max.toFixed(0)} ms`,
      `≤ ${FROZEN_FRAME_MS} ms`, gaps.max <= FROZEN_FRAME_MS);
  } finally {
    await browser.close();
    server.closeAllConnections?.();
    server.close();
  }
}

await main();
