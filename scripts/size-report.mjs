// Which crates the wasm's bytes belong to: every function body in the code section, grouped by
// the crate (and, for this one, the module) its name starts with, then the data section.
// Usage: node scripts/size-report.mjs FILE.wasm   (the file needs its "name" section: build with
// names kept, as scripts/bench.sh does). Prints tab-separated rows: group, functions, raw bytes,
// gzip -9 bytes of the group's bodies compressed alone (a share, so the column sums to a little
// more than the whole file's gzip).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const bytes = readFileSync(process.argv[2]);

function reader(buffer, start, end) {
  let at = start;
  const r = {
    get at() { return at; },
    done: () => at >= end,
    byte: () => buffer[at++],
    uleb() {
      let value = 0, shift = 0, byte;
      do { byte = buffer[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      return value;
    },
    bytes(n) { const out = buffer.subarray(at, at + n); at += n; return out; },
    name() { return r.bytes(r.uleb()).toString("utf8"); },
    skip(n) { at += n; },
  };
  return r;
}

const sections = [];
const top = reader(bytes, 8, bytes.length);
while (!top.done()) {
  const id = top.byte();
  const size = top.uleb();
  sections.push({ id, start: top.at, end: top.at + size });
  top.skip(size);
}

// Imported functions come first in the function index space.
let importedFunctions = 0;
for (const s of sections.filter((s) => s.id === 2)) {
  const r = reader(bytes, s.start, s.end);
  for (let n = r.uleb(); n > 0; n--) {
    r.name(); r.name();
    const kind = r.byte();
    if (kind === 0) { r.uleb(); importedFunctions++; }
    else if (kind === 1) { r.byte(); const flags = r.byte(); r.uleb(); if (flags & 1) r.uleb(); }
    else if (kind === 2) { const flags = r.byte(); r.uleb(); if (flags & 1) r.uleb(); }
    else if (kind === 3) { r.byte(); r.byte(); }
    else r.uleb();
  }
}

const names = new Map();
for (const s of sections.filter((s) => s.id === 0)) {
  const r = reader(bytes, s.start, s.end);
  if (r.name() !== "name") continue;
  while (!r.done()) {
    const sub = r.byte(), size = r.uleb(), end = r.at + size;
    if (sub === 1) for (let n = r.uleb(); n > 0; n--) { const index = r.uleb(); names.set(index, r.name()); }
    else r.skip(size);
    if (r.at !== end) r.skip(end - r.at);
  }
}
if (names.size === 0) {
  console.error(`size-report: ${process.argv[2]} has no function names; build it with the name section kept`);
  process.exit(2);
}

const OURS = "backpressure_playground";
const STANDARD = new Set(["core", "alloc", "std", "dlmalloc", "compiler_builtins", "__rustc"]);
const PRIMITIVE = /^([A-Z]|bool|char|str|[iuf](8|16|32|64|128|size))$/;
// yew's generic code instantiated for this crate's components: a function component's body is
// compiled into `CompStateInner<COMP>::view`, a reducer's into `use_reducer`'s `HookProvider<T,F>`.
const INSTANTIATED = /^<?yew::.*<(COMP|T,F|T,F,D|IN,OUT|COMP,F|T)>/;

/// `a::b::c` → ["a", "b", "c"], ignoring generic arguments and crate hashes (`core[1f…]`).
function pathOf(text) {
  return text.replace(/\[[0-9a-f]+\]/g, "").replace(/^([<&*\[(]|mut |dyn |const )+/, "").split("::").map((p) => p.split(/[<{ >\],;]/)[0]);
}

// The group a function's code is charged to: the type whose glue or method it is, else its path.
function groupOf(name) {
  if (name === "") return "(unnamed)";
  if (/^__wbg|^__wbindgen|^__externref/.test(name)) return "wasm-bindgen (glue)";
  if (INSTANTIATED.test(name)) return "this crate: components (their bodies inside yew's generic code)";
  const inner = name.replace(/^core(\[[0-9a-f]+\])?::ptr::drop_in_place<(.*)>(::h[0-9a-f]+)?$/, "$2");
  const impl = inner.match(/^<(.+?) as (.+?)>::/);
  let path = pathOf(inner);
  if (impl) {
    const self = pathOf(impl[1]);
    // A blanket or primitive impl (`<T as Iterator>`, `<u64 as Debug>`) belongs to its trait.
    path = self.length > 1 ? self : pathOf(impl[2]);
  }
  if (path[0] === OURS) {
    const module = path[1] ?? "";
    return module === "ui" || module === "engine" ? `this crate: ${module}::${path[2] ?? ""}` : `this crate: ${module}`;
  }
  if (path.length < 2 || STANDARD.has(path[0]) || PRIMITIVE.test(path[0])) return "core, alloc, std";
  return path[0].replace(/_/g, "-");
}

const groups = new Map();
function charge(group, body) {
  const g = groups.get(group) ?? { functions: 0, chunks: [] };
  g.functions++;
  g.chunks.push(body);
  groups.set(group, g);
}
for (const s of sections.filter((s) => s.id === 10)) {
  const r = reader(bytes, s.start, s.end);
  const count = r.uleb();
  for (let i = 0; i < count; i++) {
    const body = r.bytes(r.uleb());
    charge(groupOf(names.get(importedFunctions + i) ?? ""), body);
  }
}
for (const s of sections.filter((s) => s.id === 11)) charge("data (strings, tables)", bytes.subarray(s.start, s.end));

const rows = [...groups].map(([group, g]) => {
  const all = Buffer.concat(g.chunks);
  return { group, functions: g.functions, raw: all.length, gzip: gzipSync(all, { level: 9 }).length };
});
rows.sort((a, b) => b.gzip - a.gzip);
for (const row of rows) console.log(`${row.group}\t${row.functions}\t${row.raw}\t${row.gzip}`);
