#!/usr/bin/env node
// Summarises V8 CPU profiles (`node --cpu-prof`): the top frames by self time and the share of each
// area (a package under node_modules, a hub app or lib, Node's internals, GC, idle), so a bench run's
// profile reads as "where each service's CPU goes". Usage: node scripts/bench/profile-top.mjs <file|dir>… [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The area a frame's script belongs to: `fastify`, `@opentelemetry/…`, `apps/notifier`, `node:internal`, … */
export function areaOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') && !scope.startsWith('@hub')
      ? `${scope}/${name}`
      : scope.startsWith('@hub')
        ? `libs/${name}`
        : scope;
  }
  const hub = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (hub) return `${hub[1]}/${hub[2]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url.split('/').slice(-2).join('/');
}

/** Self time per frame and per area of one profile, in ms, with the profile's wall time. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const internal = (area) => area === 'node:internal' || area === '(native)' || area === '(anonymous)';
  /** The area that made Node do this work: the nearest caller outside Node's internals and natives. */
  const callerArea = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at);
      const area = areaOf(callFrame.url, callFrame.functionName);
      if (!internal(area) && area !== '(root)') return area;
    }
    return areaOf(byId.get(id).callFrame.url, byId.get(id).callFrame.functionName);
  };
  const frames = new Map();
  const areas = new Map();
  const callers = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    total += ms;
    const file = callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(apps|libs)\//, '$1/');
    const key = `${name} ${file}${file ? `:${callFrame.lineNumber + 1}` : ''}`;
    frames.set(key, (frames.get(key) ?? 0) + ms);
    const area = areaOf(callFrame.url, name);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const caller = internal(area) ? callerArea(id) : area;
    callers.set(caller, (callers.get(caller) ?? 0) + ms);
  }
  return { total, idle, frames, areas, callers };
}

function table(map, total, top) {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, ms]) => ({ what, 'self ms': Math.round(ms), '%': Number(((ms / total) * 100).toFixed(1)) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const files = args
    .filter((arg) => !arg.startsWith('--'))
    .flatMap((path) =>
      statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => f.endsWith('.cpuprofile'))
            .map((f) => join(path, f))
        : [path],
    );
  for (const file of files) {
    const { total, idle, frames, areas, callers } = summarise(JSON.parse(readFileSync(file, 'utf8')));
    console.log(`\n${file}: ${Math.round(total)} ms on CPU (JS + GC + native), ${Math.round(idle)} ms idle`);
    console.log("By area, Node's internals and natives charged to the area that called them:");
    console.table(table(callers, total, Math.min(top, 25)));
    if (!args.includes('--callers-only')) console.table(table(areas, total, Math.min(top, 20)));
    console.table(table(frames, total, top));
  }
}
