// What both browser scripts share: a static server for a built dist/ under the strict CSP the
// README promises, and Debian's Chromium driven through playwright-core (from .tools/).

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Every response carries the strict policy the README promises the page works under.
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const SUBPATH = '/any/sub/path/';

// ---------------------------------------------------------------- static server
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export async function fileAt(path) {
  try { return (await stat(path)).isFile() ? path : null; } catch { return null; }
}

async function handle(DIST, SUBPATH_DIST, req, res) {
  let pathname;
  try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { pathname = null; }
  let root = DIST;
  if (SUBPATH_DIST && pathname !== null && pathname.startsWith(SUBPATH)) {
    root = SUBPATH_DIST;
    pathname = '/' + pathname.slice(SUBPATH.length);
  }
  const target = pathname === null ? null : resolve(root, '.' + pathname);
  let file = null;
  if (target && (target === root || target.startsWith(root + sep))) {
    file = (await fileAt(target)) ?? (await fileAt(join(target, 'index.html')));
    // SPA fallback: an unknown path whose last segment has no extension gets index.html.
    if (!file && !extname(pathname)) file = await fileAt(join(root, 'index.html'));
  }
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(file ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(file ? 'method not allowed\n' : 'not found\n');
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-store',
    'content-security-policy': CSP,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// Serves DIST at /, and SUBPATH_DIST (if given) under SUBPATH, on an ephemeral loopback port.
export function startServer(DIST, SUBPATH_DIST = null) {
  const server = createServer((req, res) => {
    handle(DIST, SUBPATH_DIST, req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`server error: ${e.message}\n`);
    });
  });
  return new Promise((ok_, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok_(server));
  });
}

// ---------------------------------------------------------------- helpers
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export function capped(promise, ms) {
  return Promise.race([Promise.resolve(promise).catch(() => {}), sleep(ms)]);
}
export function loadPlaywright() {
  const req = createRequire(join(REPO, '.tools', 'noop.js'));
  try { return req('playwright-core'); } catch (e) {
    throw new Error(`cannot load playwright-core from ${REPO}/.tools/node_modules (run scripts/setup.sh): ${e.message}`);
  }
}
