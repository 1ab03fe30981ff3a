// End-to-end browser test of the built single-page app.
//
// Usage: node tests/e2e/run.mjs [DIST_DIR]        (default: <repo>/dist)
//
// Serves DIST_DIR on 127.0.0.1 (ephemeral port), drives Debian's Chromium through
// playwright-core (installed by scripts/setup.sh into <repo>/.tools/node_modules),
// prints one `ok - name` / `not ok - name: reason` line per check, then exactly one
// `e2e: N passed, M failed` line. Exit status is 0 only if M == 0.
// Screenshots go to <repo>/target/screenshots/. The whole run is bounded to 180 s.
// CHROMIUM=/path/to/chromium overrides the browser binary (default /usr/bin/chromium).

import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, REPO, SUBPATH, capped, fileAt, loadPlaywright, sleep, startServer } from './serve.mjs';

const DIST = resolve(process.argv[2] ?? join(REPO, 'dist'));
// Optional: a build made with `trunk build --public-url /any/sub/path/`, served under that path.
const SUBPATH_DIST = process.argv[3] ? resolve(process.argv[3]) : null;
const SHOT_DIR = join(REPO, 'target', 'screenshots');
const RUN_BUDGET_MS = 180_000;

// ---------------------------------------------------------------- reporting
let passed = 0;
let failed = 0;
let summarised = false;
let stopping = false; // set on timeout/interrupt: whatever main() still reports is noise
function ok(name) { if (stopping) return; passed++; console.log(`ok - ${name}`); }
function notOk(name, reason) {
  if (stopping && name !== 'harness') return;
  failed++;
  console.log(`not ok - ${name}: ${String(reason).replace(/\s+/g, ' ').trim()}`);
}
function note(text) { if (!stopping) console.log(`# ${text}`); }
async function check(name, fn) {
  try { await fn(); ok(name); return true; } catch (e) { notOk(name, e?.message ?? e); return false; }
}
function summary() {
  if (summarised) return;
  summarised = true;
  console.log(`e2e: ${passed} passed, ${failed} failed`);
}

// ---------------------------------------------------------------- the run
// Anything main() awaits has its own timeout; the budget below is the backstop.
let server = null;
let browser = null;

async function cleanup() {
  const b = browser; const s = server;
  browser = null; server = null;
  if (b) await capped(b.close(), 3_000);
  if (s) { s.closeAllConnections?.(); await capped(new Promise((r) => s.close(r)), 1_000); }
}

async function main() {
  if (!(await fileAt(join(DIST, 'index.html')))) {
    notOk('serve dist', `${DIST}/index.html not found (build first, e.g. scripts/e2e.sh)`);
    return;
  }
  const { chromium } = loadPlaywright();
  server = await startServer(DIST, SUBPATH_DIST);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const isLocal = (url) => url.startsWith(origin + '/') || url === origin || /^(data|blob|about):/.test(url);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000,
    handleSIGINT: false, handleSIGTERM: false }); // our handlers below close it
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  const consoleErrors = [];
  const pageErrors = [];
  const failedRequests = [];
  const foreignRequests = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => { if (!isLocal(r.url())) foreignRequests.push(r.url()); });
  page.on('requestfailed', (r) => {
    if (isLocal(r.url())) failedRequests.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`);
  });
  page.on('response', (r) => { if (r.status() >= 400) failedRequests.push(`${r.url()} (HTTP ${r.status()})`); });
  page.on('websocket', (ws) => { if (!isLocal(ws.url().replace(/^ws/, 'http'))) foreignRequests.push(ws.url()); });
  // Nothing may leave the machine: record it above, and abort it so it cannot hang the run.
  await context.route((url) => !isLocal(url.href), (route) => route.abort('blockedbyclient'));

  const firstProblem = () => pageErrors[0] ?? consoleErrors[0] ?? failedRequests[0];
  const simTime = page.locator('[data-testid="sim-time"]').first();
  const readMs = async () => {
    const raw = await simTime.getAttribute('data-ms', { timeout: 2_000 });
    const n = Number(raw);
    if (raw === null || raw.trim() === '' || !Number.isInteger(n)) throw new Error(`data-ms is ${JSON.stringify(raw)}, not an integer`);
    return n;
  };

  await page.goto(origin + '/', { waitUntil: 'load', timeout: 30_000 }).catch((e) => pageErrors.push(`navigation: ${e.message}`));

  const rendered = await check('page renders', async () => {
    try {
      await simTime.waitFor({ state: 'attached', timeout: 15_000 });
    } catch {
      const hint = firstProblem();
      throw new Error(`[data-testid="sim-time"] did not appear within 15 s${hint ? `; first problem: ${hint}` : ''}`);
    }
  });

  await check('simulated time advances', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const a = await readMs();
    await sleep(2_000);
    const b = await readMs();
    if (!(b > a)) throw new Error(`data-ms went from ${a} to ${b} over 2 s of wall time`);
  });

  await check("a chart's table is drawn only once unfolded, then shows the figures", async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const fold = page.locator('details.data-table').first();
    if (await fold.locator('table').count() !== 0) throw new Error('a folded table is drawn');
    await fold.locator('summary').click({ timeout: 5_000 });
    await fold.locator('table tbody tr').first().waitFor({ state: 'attached', timeout: 5_000 });
    await fold.locator('summary').click({ timeout: 5_000 });
    await page.waitForFunction(() => !document.querySelector('details.data-table table'), null, { timeout: 5_000 });
  });

  await check('a control changes the running engine', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const mode = page.locator('[data-testid="engine-mode"]').first();
    for (const want of ['pipe', 'naive']) {
      await page.locator(`[data-testid="mode-${want}"]`).first().click({ timeout: 5_000 });
      try {
        await page.waitForFunction(
          (w) => document.querySelector('[data-testid="engine-mode"]')?.textContent.trim() === w,
          want, { timeout: 5_000 });
      } catch {
        const got = await mode.textContent({ timeout: 1_000 }).catch(() => null);
        throw new Error(`after clicking mode-${want}, engine-mode reads ${JSON.stringify(got?.trim() ?? null)}, want "${want}"`);
      }
    }
  });

  await mkdir(SHOT_DIR, { recursive: true });
  const shoot = (name) => page.screenshot({ path: join(SHOT_DIR, name), timeout: 15_000 })
    .then(() => note(`screenshot: ${join(SHOT_DIR, name)}`), (e) => note(`screenshot failed: ${name}: ${e.message}`));
  const speed = page.locator('select[aria-label="Speed"]').first();

  // The default preset runs three naive exports in a 2 GiB container: the kernel kills it.
  await check('the naive export dies plainly (SIGKILL, exit 137)', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await speed.selectOption('25', { timeout: 5_000 });
    const death = page.locator('.death').first();
    await death.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await death.textContent();
    if (!text.includes('exit code 137')) throw new Error(`death panel says ${JSON.stringify(text)}`);
  });
  await shoot('death-1280.png');

  await check('with .pipe() the same load stays alive', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await page.locator('[data-testid="mode-pipe"]').first().click({ timeout: 5_000 });
    await speed.selectOption('100', { timeout: 5_000 });
    await sleep(3_000);
    const ms = await readMs();
    if (ms < 60_000) throw new Error(`only ${ms} ms simulated after 3 s at 100×`);
    if (await page.locator('.death').count()) throw new Error('the piped process died');
  });
  await shoot('pipe-1280.png');

  await check('a copied link reproduces its state', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await page.getByRole('button', { name: 'Pause' }).first().click({ timeout: 5_000 });
    const ms = await readMs();
    const table = await page.locator('table.exports').first().innerText();
    await page.getByRole('button', { name: 'Copy link to this moment' }).first().click({ timeout: 5_000 });
    const url = await page.locator('[data-testid="copied-link"]').first().inputValue({ timeout: 5_000 });
    if (!url.startsWith(origin)) throw new Error(`the link ${url} is not on this site`);
    const other = await context.newPage();
    try {
      await other.goto(url, { waitUntil: 'load', timeout: 15_000 });
      const time = other.locator('[data-testid="sim-time"]').first();
      await time.waitFor({ state: 'attached', timeout: 15_000 });
      // The moment is replayed over a few frames; wait for the replay to end.
      await other.waitForFunction((want) => Number(document.querySelector('[data-testid="sim-time"]')?.dataset.ms) >= want,
        ms, { timeout: 15_000 }).catch(() => {});
      const reopenedMs = Number(await time.getAttribute('data-ms'));
      const reopenedTable = await other.locator('table.exports').first().innerText();
      if (reopenedMs !== ms) throw new Error(`link opened at ${reopenedMs} ms, copied at ${ms} ms (${url})`);
      if (reopenedTable !== table) throw new Error(`figures differ:\n${table}\nvs\n${reopenedTable}`);
    } finally {
      await other.close();
    }
  });

  await check('typing into a number box survives a running simulation, and arrow keys move a slider', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const other = await context.newPage();
    try {
      await other.goto(origin + '/?w=node&preset=article-export-piped', { waitUntil: 'load', timeout: 15_000 });
      const box = other.locator('#param-rowBytes + .slider-number').first();
      await box.waitFor({ state: 'attached', timeout: 15_000 });
      await box.click();
      await box.fill('');
      await box.pressSequentially('512', { delay: 120 }); // slower than several animation frames
      if ((await box.inputValue()) !== '512') throw new Error(`the box reads ${await box.inputValue()} while typing`);
      await box.press('Enter');
      await other.waitForFunction(() => document.querySelector('#param-rowBytes')?.closest('.slider')?.textContent.includes('512 B'),
        null, { timeout: 5_000 });
      const slider = other.locator('#param-concurrentExports').first();
      await slider.focus();
      for (let i = 0; i < 4; i++) await slider.press('ArrowRight');
      const rows = await other.locator('table.exports tbody tr').count();
      if (rows !== 5) throw new Error(`4 × ArrowRight from 1 export gives ${rows} exports`);
    } finally {
      await other.close();
    }
  });

  await check('a link to a far moment replays without freezing the page', async () => {
    const other = await context.newPage();
    try {
      await other.goto(origin + '/?w=node&preset=article-export-piped&concurrentExports=50&totalRows=100000000&t=3600000',
        { waitUntil: 'load', timeout: 15_000 });
      const time = other.locator('[data-testid="sim-time"]').first();
      await time.waitFor({ state: 'attached', timeout: 15_000 });
      let last = -1;
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const ms = Number(await time.getAttribute('data-ms', { timeout: 2_000 }));
        const took = Date.now() - started;
        if (took > 1_000) throw new Error(`the page took ${took} ms to answer while replaying`);
        if (!(ms > last)) throw new Error(`replay stuck at ${ms} ms`);
        last = ms;
        await sleep(700);
      }
      const status = await other.locator('.status').first().innerText();
      if (!status.includes('replaying')) throw new Error(`status reads ${status}`);
    } finally {
      await other.close();
    }
  });

  await check('a page-level key with an unknown value is named in a notice (w=, the panic drill)', async () => {
    const other = await context.newPage();
    try {
      for (const [query, words] of [['?w=nope', 'no widget called “nope”'], ['?panic=nope', 'drill names no widget']]) {
        await other.goto(origin + '/' + query, { waitUntil: 'load', timeout: 15_000 });
        const notice = other.locator('.notice').first();
        await notice.waitFor({ state: 'visible', timeout: 15_000 });
        if (!(await notice.innerText()).includes(words)) throw new Error(`${query}: notice reads ${await notice.innerText()}`);
        if (await other.locator('[data-testid="crash-panel"]').count()) throw new Error(`${query}: the crash panel is up`);
      }
    } finally {
      await other.close();
    }
  });

  await check('a garbage query shows a notice and a working page', async () => {
    const other = await context.newPage();
    try {
      await other.goto(origin + '/?preset=zzz&concurrentExports=-4&%E2%9C%97=1&t=soon&stages=%5B', { waitUntil: 'load', timeout: 15_000 });
      const notice = other.locator('.notice').first();
      await notice.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await notice.innerText();
      for (const word of ['zzz', 'concurrentExports', 't']) {
        if (!text.includes(word)) throw new Error(`notice does not mention ${word}: ${text}`);
      }
      const time = other.locator('[data-testid="sim-time"]').first();
      const a = Number(await time.getAttribute('data-ms'));
      await sleep(1_000);
      const b = Number(await time.getAttribute('data-ms'));
      if (!(b > a)) throw new Error(`simulated time stuck at ${a} after a garbage link`);
    } finally {
      await other.close();
    }
  });

  await check('a panic inside a widget shows an error panel with a reset link, the console keeps the report', async () => {
    const other = await context.newPage();
    const errors = [];
    other.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
      await other.goto(origin + '/?preset=article-campaign&panic=sqs', { waitUntil: 'load', timeout: 15_000 });
      const panel = other.locator('[data-testid="crash-panel"]');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await panel.innerText();
      for (const words of ['SQS + Lambda widget stopped', 'containment drill', 'Reset']) {
        if (!text.includes(words)) throw new Error(`the panel does not say "${words}": ${text}`);
      }
      if (!errors.some((e) => e.includes('containment drill'))) throw new Error(`the panic's report is not in the console: ${errors.join(' | ')}`);
      const shown = errors.length;
      await sleep(500);
      if (errors.length !== shown) throw new Error(`${errors.length - shown} more console errors after the panic: the other widgets kept running`);
      await panel.locator('a').click({ timeout: 5_000 });
      const time = other.locator('[data-testid="sim-time"]').first();
      await time.waitFor({ state: 'attached', timeout: 15_000 });
      if (new URL(other.url()).search !== '') throw new Error(`reset went to ${other.url()}, not the bare page`);
      const a = Number(await time.getAttribute('data-ms'));
      await sleep(700);
      if (!(Number(await time.getAttribute('data-ms')) > a)) throw new Error('the reset page does not run');
    } finally {
      await other.close();
    }
  });

  await check('a 10-minute frame gap (a background tab) is capped: no catch-up, the page answers at once', async () => {
    const other = await context.newPage();
    try {
      // From the moment the test asks, every animation-frame timestamp is 10 minutes later, as
      // if the tab had slept: the next frame sees one 600,000 ms gap.
      await other.addInitScript(() => {
        const schedule = window.requestAnimationFrame.bind(window);
        let offset = 0;
        window.__sleepTab = () => { offset = 600_000; };
        window.requestAnimationFrame = (callback) => schedule((timestamp) => callback(timestamp + offset));
      });
      await other.goto(origin + '/?w=node&preset=article-export-piped', { waitUntil: 'load', timeout: 15_000 });
      const time = other.locator('[data-testid="sim-time"]').first();
      await time.waitFor({ state: 'attached', timeout: 15_000 });
      await other.locator('select[aria-label="Speed"]').first().selectOption('1', { timeout: 5_000 });
      await sleep(300);
      const before = Number(await time.getAttribute('data-ms'));
      const slept = Date.now();
      await other.evaluate(() => window.__sleepTab());
      await sleep(500);
      const after = Number(await time.getAttribute('data-ms'));
      const wall = Date.now() - slept;
      // At 1×: the wall time that passed, plus at most one capped frame (250 ms), plus slack.
      if (after - before > wall + 250 + 200) throw new Error(`simulated time jumped ${after - before} ms in ${wall} ms of wall time`);
      if (!(after > before)) throw new Error(`simulated time stopped at ${before} ms after the gap`);
      const asked = Date.now();
      await other.locator('.transport button.primary').first().click({ timeout: 2_000 });
      await other.waitForFunction(() => document.querySelector('.transport button.primary')?.textContent.includes('Play'), null, { timeout: 2_000 });
      const answered = Date.now() - asked;
      if (answered > 1_000) throw new Error(`pausing took ${answered} ms after the gap`);
    } finally {
      await other.close();
    }
  });

  for (const widget of ['node', 'kafka', 'sqs']) await check(`the ${widget} embed fits 320 px, drops the page chrome and reports its height`, async () => {
    const host = await context.newPage();
    try {
      await host.setViewportSize({ width: 360, height: 800 });
      await host.setContent(`<iframe id="frame" src="${origin}/?w=${widget}&embed=1" style="width:320px;height:400px;border:0"></iframe>
        <script>window.heights = []; addEventListener('message', (e) => {
          if (e.data && e.data.type === 'backpressure-playground:height') window.heights.push(e.data.height); });</script>`);
      await host.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) > 300, null, { timeout: 15_000 });
      const frame = host.frames().find((f) => f.url().startsWith(origin));
      if (!frame) throw new Error('the iframe did not load');
      const inside = await frame.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        pageHeader: !!document.querySelector('header h1'),
        embed: document.querySelector('[data-embed]')?.dataset.embed ?? null,
        height: document.documentElement.scrollHeight,
      }));
      if (inside.embed !== widget) throw new Error(`data-embed is ${inside.embed}`);
      if (inside.pageHeader) throw new Error('the embed shows the page header');
      if (inside.scrollWidth > inside.clientWidth) throw new Error(`overflows 320 px: scrollWidth ${inside.scrollWidth}`);
      const reported = await host.evaluate(() => window.heights.at(-1));
      if (Math.abs(reported - inside.height) > 2) throw new Error(`reported ${reported} px, document is ${inside.height} px`);
    } finally {
      await host.close();
    }
  });

  await check('a crashed embed reports the panel\'s height, and its reset stays that embed (a smuggled key does not)', async () => {
    const host = await context.newPage();
    try {
      await host.setContent(`<iframe id="frame" src="${origin}/?embed=1&panic=node" style="width:320px;height:300px;border:0"></iframe>
        <script>window.heights = []; addEventListener('message', (e) => {
          if (e.data && e.data.type === 'backpressure-playground:height') window.heights.push(e.data.height); });</script>`);
      await host.waitForFunction(() => window.heights.length > 0, null, { timeout: 15_000 });
      const frame = host.frames().find((f) => f.url().startsWith(origin));
      if (!frame) throw new Error('the iframe did not load');
      const inside = await frame.evaluate(() => ({
        reset: document.querySelector('[data-testid="crash-panel"] a')?.getAttribute('href') ?? null,
        height: document.documentElement.scrollHeight,
      }));
      if (inside.reset !== '/?w=node&embed=1') throw new Error(`an embed without w resets to ${inside.reset}`);
      const reported = await host.evaluate(() => window.heights.at(-1));
      if (Math.abs(reported - inside.height) > 2) throw new Error(`reported ${reported} px, the panel's page is ${inside.height} px`);
      const page2 = await context.newPage();
      try {
        await page2.goto(origin + '/?w=kafka%26panic%3Dkafka&embed=1&panic=kafka', { waitUntil: 'load', timeout: 15_000 });
        await page2.waitForTimeout(1_000);
        const href = await page2.evaluate(() => document.querySelector('[data-testid="crash-panel"] a')?.getAttribute('href') ?? 'no panel');
        if (href !== 'no panel' && href !== '/') throw new Error(`a smuggled w resets to ${href}`);
      } finally {
        await page2.close();
      }
    } finally {
      await host.close();
    }
  });

  // axe-core from the npm registry; evaluated through the debugging protocol, which the page's
  // CSP does not govern, so the audit sees the page exactly as a reader gets it.
  const axeSource = await readFile(join(REPO, '.tools', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const audit = async (url, label) => {
    const other = await context.newPage();
    try {
      await other.goto(origin + url, { waitUntil: 'load', timeout: 15_000 });
      // Each widget's clock is its own testid (sim-time, kafka-sim-time, sqs-sim-time).
      await other.locator('[data-testid$="sim-time"]').first().waitFor({ state: 'attached', timeout: 15_000 });
      await other.evaluate(axeSource);
      const violations = await other.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
      });
      if (violations.length) throw new Error(`${label}: ${violations.join(' | ')}`);
    } finally {
      await other.close();
    }
  };
  await check('axe finds no serious or critical violation on the page', () => audit('/', 'page'));
  await check('axe finds no serious or critical violation in the Node embed', () => audit('/?w=node&embed=1', 'node embed'));
  await check('axe finds no serious or critical violation in the Kafka embed', () => audit('/?w=kafka&embed=1', 'kafka embed'));
  await check('axe finds no serious or critical violation in the SQS embed', () => audit('/?w=sqs&embed=1', 'sqs embed'));

  if (SUBPATH_DIST) {
    await check(`the ${SUBPATH} build runs from its sub-path`, async () => {
      const other = await context.newPage();
      try {
        await other.goto(origin + SUBPATH + '?w=node&preset=article-export-piped&t=5000', { waitUntil: 'load', timeout: 15_000 });
        const time = other.locator('[data-testid="sim-time"]').first();
        await time.waitFor({ state: 'attached', timeout: 15_000 });
        await other.waitForFunction(() => Number(document.querySelector('[data-testid="sim-time"]')?.dataset.ms) >= 5000,
          null, { timeout: 15_000 }).catch(() => {});
        const ms = Number(await time.getAttribute('data-ms'));
        if (ms !== 5000) throw new Error(`the link to t=5000 opened at ${ms} ms`);
      } finally {
        await other.close();
      }
    });
  }

  // Scenario 3: SQS + Lambda. Its clock has its own testid, so the Node checks above are unaffected.
  const sqs = page.locator('[data-widget="sqs"]').first();
  const sqsMs = async () => Number(await page.locator('[data-testid="sqs-sim-time"]').first().getAttribute('data-ms', { timeout: 5_000 }));
  const shootSqs = (name) => sqs.screenshot({ path: join(SHOT_DIR, name), timeout: 15_000 })
    .then(() => note(`screenshot: ${join(SHOT_DIR, name)}`), (e) => note(`screenshot failed: ${name}: ${e.message}`));
  await check('the SQS campaign scales past the 97 connections and Postgres refuses', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await sqs.scrollIntoViewIfNeeded({ timeout: 5_000 });
    await sqs.locator('select[aria-label="Speed"]').selectOption('100', { timeout: 5_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="sqs-sim-time"]')?.dataset.ms) > 200_000, null, { timeout: 20_000 });
    const refused = await page.locator('[data-testid="m-refused"]').textContent();
    if (Number(refused.replace(/,/g, '')) <= 0) throw new Error(`connections refused reads ${refused}`);
    await sqs.locator('button.primary').first().click({ timeout: 5_000 }); // pause for the picture
  });
  await shootSqs('sqs-campaign-1280.png');
  await check('the capped preset shows the six-times warning and refuses nothing', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await page.locator('[data-testid="sqs-preset"]').selectOption('article-capped', { timeout: 5_000 });
    const warning = await page.locator('[data-testid="sqs-warnings"]').textContent({ timeout: 5_000 });
    if (!warning.includes('six times')) throw new Error(`warnings read ${JSON.stringify(warning)}`);
    await sqs.locator('button.primary').first().click({ timeout: 5_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="sqs-sim-time"]')?.dataset.ms) > 150_000, null, { timeout: 20_000 });
    await sqs.locator('button.primary').first().click({ timeout: 5_000 });
    const refused = await page.locator('[data-testid="m-refused"]').textContent();
    if (refused.trim() !== '0') throw new Error(`connections refused reads ${refused}`);
    if (await sqsMs() <= 0) throw new Error('the SQS clock did not move');
  });
  await shootSqs('sqs-capped-1280.png');
  await check('the new Timeout can be typed while the SQS widget plays, and the button raises it', async () => {
    const other = await context.newPage();
    try {
      await other.goto(origin + '/?w=sqs&preset=article-campaign', { waitUntil: 'load', timeout: 15_000 });
      const box = other.locator('[aria-label="New function Timeout in seconds"]');
      await box.waitFor({ state: 'visible', timeout: 15_000 });
      await box.fill('');
      await box.pressSequentially('200', { delay: 120 }); // slower than several animation frames
      if ((await box.inputValue()) !== '200') throw new Error(`the box reads ${await box.inputValue()} while typing`);
      await box.press('Enter');
      await other.locator('[data-testid="sqs-raise-timeout"]').click({ timeout: 5_000 });
      await other.waitForFunction(() => document.querySelector('.sqs-raise')?.textContent.includes('Function Timeout now 200 s'), null, { timeout: 10_000 });
      if (!(await other.locator('[data-testid="sqs-raise-timeout"]').isDisabled())) throw new Error('a second change is still offered');
    } finally {
      await other.close();
    }
  });
  await check('a refused value is explained where the reader is: the notice stays in view, and closes', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const box = sqs.locator('#param-queue-VisibilityTimeout + .slider-number');
    await box.fill('1', { timeout: 5_000 });
    await box.press('Enter');
    const notice = sqs.locator('[data-testid="sqs-notice"]');
    await notice.waitFor({ state: 'visible', timeout: 5_000 });
    const top = await notice.evaluate((n) => n.getBoundingClientRect().top);
    if (top < 0 || top > 900) throw new Error(`the notice is ${top} px from the top of the window, out of view`);
    if (!(await notice.innerText()).includes('less than Function timeout')) throw new Error(`notice: ${await notice.innerText()}`);
    await notice.getByRole('button', { name: 'Close this notice' }).click({ timeout: 5_000 });
    if (await notice.count()) throw new Error('the notice did not close');
  });

  // A copied link reopens at the same moment with the same figures, for each widget below Node.
  const linkRoundTrip = (widget, figuresSelector) => check(`a copied ${widget} link reproduces its state`, async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const scope = page.locator(`[data-widget="${widget}"]`).first();
    const testid = `${widget}-sim-time`;
    const play = scope.locator('.transport button.primary').first();
    if ((await play.innerText()).includes('Pause')) await play.click();
    const ms = Number(await scope.locator(`[data-testid="${testid}"]`).getAttribute('data-ms'));
    const figures = await scope.locator(figuresSelector).first().innerText();
    await scope.getByRole('button', { name: 'Copy link to this moment' }).click({ timeout: 5_000 });
    const url = await scope.locator('[data-testid="copied-link"]').inputValue({ timeout: 5_000 });
    const other = await context.newPage();
    try {
      await other.goto(url, { waitUntil: 'load', timeout: 15_000 });
      const time = other.locator(`[data-testid="${testid}"]`).first();
      await time.waitFor({ state: 'attached', timeout: 15_000 });
      await other.waitForFunction(([id, want]) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.ms) >= want,
        [testid, ms], { timeout: 15_000 }).catch(() => {});
      const reopened = Number(await time.getAttribute('data-ms'));
      // The reader lands on the linked widget, not at the top of the page.
      const inView = await other.evaluate((w) => {
        const box = document.querySelector(`[data-widget="${w}"]`).getBoundingClientRect();
        return box.top < innerHeight && box.bottom > 0;
      }, widget);
      if (!inView) throw new Error(`the link opened the page away from the ${widget} widget`);
      const reopenedFigures = await other.locator(`[data-widget="${widget}"] ${figuresSelector}`).first().innerText();
      if (reopened !== ms) throw new Error(`link opened at ${reopened} ms, copied at ${ms} ms (${url})`);
      if (reopenedFigures !== figures) throw new Error(`figures differ:\n${figures}\nvs\n${reopenedFigures}`);
    } finally {
      await other.close();
    }
  });
  await linkRoundTrip('sqs', '.sqs-metrics');

  // Exact rewind: dragging the timeline back to T shows what a straight run to T shows.
  const sqsAt = async (target, pageToUse) => {
    await pageToUse.waitForFunction((want) => Number(document.querySelector('[data-testid="sqs-sim-time"]')?.dataset.ms) === want,
      target, { timeout: 20_000 });
    return pageToUse.locator('[data-widget="sqs"] .sqs-metrics').first().innerText();
  };
  await check('dragging the SQS timeline back gives the figures of a straight run', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const link = (t) => `${origin}/?w=sqs&preset=article-campaign&v=1&seed=1&t=${t}`;
    const straight = await context.newPage();
    const dragged = await context.newPage();
    try {
      await straight.goto(link(150_000), { waitUntil: 'load', timeout: 15_000 });
      const want = await sqsAt(150_000, straight);
      await dragged.goto(link(400_000), { waitUntil: 'load', timeout: 15_000 });
      const later = await sqsAt(400_000, dragged);
      if (later === want) throw new Error('the two instants show the same figures: the check would prove nothing');
      await dragged.locator('[data-testid="timeline-sqs"]').evaluate((input) => {
        input.value = '150000';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const got = await sqsAt(150_000, dragged);
      if (got !== want) throw new Error(`figures differ after the drag:\n${want}\nvs\n${got}`);
    } finally {
      await straight.close();
      await dragged.close();
    }
  });

  await check('the SQS twin runs capped beside the uncapped campaign and shows the difference', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    const twin = await context.newPage();
    try {
      await twin.goto(`${origin}/?w=sqs&preset=article-campaign&v=1&seed=1&t=240000`, { waitUntil: 'load', timeout: 15_000 });
      await sqsAt(240_000, twin);
      await twin.locator('[data-testid="twin-toggle-sqs"]').click({ timeout: 5_000 });
      const table = twin.locator('[data-testid="twin-table-sqs"]');
      await twin.waitForFunction(() => /MaximumConcurrency \d+ \(twin\)/.test(document.querySelector('[data-testid="twin-table-sqs"]')?.innerText ?? ''),
        null, { timeout: 10_000 });
      // The twin catches up with the paused main run; refused connections then differ.
      await twin.waitForFunction(() => {
        const row = [...document.querySelectorAll('[data-testid="twin-table-sqs"] tbody tr')].find((r) => r.innerText.startsWith('connections refused'));
        return row && row.innerText.includes('≠') && /\t0\t/.test(row.innerText);
      }, null, { timeout: 20_000 });
      await table.screenshot({ path: join(SHOT_DIR, 'sqs-twin.png') }).catch(() => {});
    } finally {
      await twin.close();
    }
  });
  // The Kafka scenario, below the Node one: its own clock, presets and drawings.
  const kafkaTime = page.locator('[data-testid="kafka-sim-time"]');
  const kafkaMs = async () => Number(await kafkaTime.getAttribute('data-ms', { timeout: 2_000 }));
  await check('the Kafka widget renders and its time advances', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await kafkaTime.waitFor({ state: 'attached', timeout: 5_000 });
    const a = await kafkaMs();
    await sleep(1_000);
    const b = await kafkaMs();
    if (!(b > a)) throw new Error(`kafka data-ms went from ${a} to ${b} over 1 s`);
    const tapes = await page.locator('.kafka-tape').count();
    if (tapes !== 8) throw new Error(`${tapes} partition tapes drawn, want a sample of 8 (of 12)`);
  });
  await check('the article peak shows lag and a pause', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    // From the start: by now the widget may have played past the peak on its own.
    await page.locator('#kafka .transport button', { hasText: 'Reset' }).click({ timeout: 5_000 });
    await page.locator('select[aria-label="Speed"]').nth(1).selectOption('25', { timeout: 5_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="kafka-sim-time"]')?.dataset.ms) > 100_000,
      null, { timeout: 15_000 });
    // During the 10× peak (60–120 s) the analytics lag climbs past 100,000.
    await page.waitForFunction(() => Number(document.querySelector('.kafka-lag-line')?.dataset.lag) > 100_000, null, { timeout: 20_000 })
      .catch(async () => {
        const lag = await page.locator('.kafka-lag-line').first().getAttribute('data-lag');
        const ms = await kafkaMs();
        throw new Error(`analytics lag ${lag} at ${ms} ms`);
      });
  });
  await page.locator('#kafka').screenshot({ path: join(SHOT_DIR, 'kafka-1280.png'), timeout: 15_000 })
    .then(() => note(`screenshot: ${join(SHOT_DIR, 'kafka-1280.png')}`), (e) => note(`screenshot failed: kafka-1280.png: ${e.message}`));
  await check('a Kafka preset reaches the engine (K1: one partition, rebalances)', async () => {
    if (!rendered) throw new Error('skipped: page did not render');
    await page.locator('[data-testid="kafka-preset"]').selectOption('k1-poll-interval-loop', { timeout: 5_000 });
    await page.locator('select[aria-label="Speed"]').nth(1).selectOption('1000', { timeout: 5_000 });
    await page.waitForFunction(() => document.querySelectorAll('.kafka-tape').length === 1, null, { timeout: 5_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="kafka-rebalances-0"]')?.textContent.replace(/\D/g, '')) >= 2,
      null, { timeout: 20_000 });
  });
  await page.locator('#kafka').screenshot({ path: join(SHOT_DIR, 'kafka-k1-1280.png'), timeout: 15_000 })
    .then(() => note(`screenshot: ${join(SHOT_DIR, 'kafka-k1-1280.png')}`), (e) => note(`screenshot failed: kafka-k1-1280.png: ${e.message}`));
  await linkRoundTrip('kafka', '.kafka-log');
  await check('a preset link without w opens the widget that owns the preset; To the end stops at its end', async () => {
    const other = await context.newPage();
    try {
      await other.goto(origin + '/?preset=k1-poll-interval-loop', { waitUntil: 'load', timeout: 15_000 });
      const preset = other.locator('[data-testid="kafka-preset"]');
      await preset.waitFor({ state: 'attached', timeout: 15_000 });
      const chosen = await preset.inputValue();
      if (chosen !== 'k1-poll-interval-loop') throw new Error(`the Kafka widget opened at ${chosen}`);
      const notices = await other.locator('.notice').allInnerTexts();
      if (notices.length) throw new Error(`a notice on a good link: ${notices.join(' | ')}`);
      await other.locator('#kafka [data-testid="run-to-end"]').click({ timeout: 5_000 });
      await other.waitForFunction(() => Number(document.querySelector('[data-testid="kafka-sim-time"]')?.dataset.ms) >= 3_600_000,
        null, { timeout: 30_000 });
      const status = await other.locator('#kafka .status').first().innerText();
      if (!status.includes("preset's end")) throw new Error(`after To the end the status reads "${status}"`);
    } finally {
      await other.close();
    }
  });

  const desktopShot = join(SHOT_DIR, 'desktop-1280.png');
  await page.screenshot({ path: desktopShot, fullPage: true, timeout: 15_000 })
    .then(() => note(`screenshot: ${desktopShot}`), (e) => note(`screenshot failed: ${desktopShot}: ${e.message}`));

  await page.setViewportSize({ width: 390, height: 844 });
  await sleep(500);
  await check('no horizontal overflow at 390px', async () => {
    const { scrollWidth, culprits } = await page.evaluate(() => {
      const limit = 390;
      const culprits = [];
      for (const el of document.body ? document.body.querySelectorAll('*') : []) {
        const r = el.getBoundingClientRect();
        if (r.right > limit + 0.5 && culprits.length < 3) {
          const id = el.id ? `#${el.id}` : '';
          const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
          const tid = el.dataset?.testid ? `[data-testid="${el.dataset.testid}"]` : '';
          culprits.push(`${el.tagName.toLowerCase()}${id}${cls}${tid} right=${Math.round(r.right)}`);
        }
      }
      return { scrollWidth: document.documentElement.scrollWidth, culprits };
    });
    if (scrollWidth > 390) throw new Error(`scrollWidth is ${scrollWidth} > 390; e.g. ${culprits.join(', ') || 'no element found'}`);
  });

  await shootSqs('sqs-390.png');
  await page.locator('[data-testid="kafka-preset"]').selectOption('article-peak', { timeout: 5_000 }).catch(() => {});
  await sleep(2_500);
  await page.locator('#kafka').screenshot({ path: join(SHOT_DIR, 'kafka-390.png'), timeout: 15_000 })
    .then(() => note(`screenshot: ${join(SHOT_DIR, 'kafka-390.png')}`), (e) => note(`screenshot failed: kafka-390.png: ${e.message}`));
  const phoneShot = join(SHOT_DIR, 'phone-390.png');
  await page.screenshot({ path: phoneShot, fullPage: true, timeout: 15_000 })
    .then(() => note(`screenshot: ${phoneShot}`), (e) => note(`screenshot failed: ${phoneShot}: ${e.message}`));

  // Checked last so it covers everything the run did, including the resize.
  await check('no console errors', async () => {
    const problems = [
      ...consoleErrors.map((t) => `console.error: ${t}`),
      ...pageErrors.map((t) => `page error: ${t}`),
      ...failedRequests.map((t) => `failed request: ${t}`),
      ...foreignRequests.map((t) => `request leaving 127.0.0.1: ${t}`),
    ];
    if (problems.length) throw new Error(`${problems.length} problem(s): ${problems.slice(0, 5).join(' | ')}`);
  });
}

async function finish(code) {
  await cleanup();
  summary();
  process.exit(failed === 0 && code === 0 ? 0 : 1);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { notOk('harness', `interrupted by ${sig}`); stopping = true; finish(1); });
}
// Hard stop: if even the cleanup hangs, exit anyway (Playwright kills its browser on exit).
setTimeout(() => { notOk('harness', 'hard timeout'); summary(); process.exit(1); }, RUN_BUDGET_MS).unref();

let timer;
const budget = new Promise((_, fail) => {
  // Leaves 5 s of the budget for closing the browser and server.
  timer = setTimeout(() => fail(new Error(`timed out (${RUN_BUDGET_MS / 1000} s budget for the whole run)`)), RUN_BUDGET_MS - 5_000);
});
try {
  await Promise.race([main(), budget]);
  clearTimeout(timer);
  await finish(0);
} catch (e) {
  clearTimeout(timer);
  if (!stopping) notOk('harness', e?.message ?? e);
  stopping = true;
  await finish(1);
}
