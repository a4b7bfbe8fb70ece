#!/usr/bin/env node
// `npm run dev -- <service> [<service>…]`: one or more hub services in watch mode. The libraries are
// rebuilt by `tsc -b --watch` when their sources change, and each service runs under
// `nest start <service> --watch` (nest-cli.json, monorepo mode), which recompiles and restarts it
// when its own sources or a library it uses change. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const services = readdirSync(`${root}apps`).filter(
  (name) => name !== 'cli' && existsSync(`${root}apps/${name}/src/main.ts`),
);
const libs = readdirSync(`${root}libs`).filter((name) => existsSync(`${root}libs/${name}/tsconfig.json`));
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));

if (chosen.length === 0) {
  console.error(`usage: npm run dev -- <service> [<service>…]\nservices: ${services.join(', ')}`);
  process.exit(2);
}
const unknown = chosen.filter((name) => !services.includes(name));
if (unknown.length > 0) {
  console.error(`hub dev: unknown service ${unknown.join(', ')}; services: ${services.join(', ')}`);
  process.exit(2);
}

const tsc = `${root}node_modules/typescript/bin/tsc`;
const nest = `${root}node_modules/@nestjs/cli/bin/nest.js`;
const started = Date.now();
console.log('hub dev: building the libraries…');
const build = spawnSync(process.execPath, [tsc, '-b', ...libs.map((l) => `libs/${l}`)], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('hub dev: the libraries do not build; fix the errors above');
  process.exit(1);
}
console.log(`hub dev: built in ${((Date.now() - started) / 1000).toFixed(1)} s; watching ${chosen.join(', ')}`);
// The V8 heap flags of every service (libs/service/src/node-flags.ts).
const { serviceNodeFlags } = await import('../libs/service/dist/node-flags.js');
const nodeFlags = serviceNodeFlags().join(' ');

const children = [
  spawn(process.execPath, [tsc, '-b', '--watch', '--preserveWatchOutput', ...libs.map((l) => `libs/${l}`)], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
  }),
  ...chosen.map((service) =>
    spawn(
      process.execPath,
      [
        nest,
        'start',
        service,
        '--watch',
        '--preserveWatchOutput',
        '--exec',
        `node ${nodeFlags} --enable-source-maps --import @hub/telemetry/register`,
      ],
      { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, HUB_SERVICE: service } },
    ),
  ),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  // Each watcher runs in its own process group, so the service that `nest start` spawned goes too.
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 2_000).unref();
}
for (const child of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`hub dev: a watcher ended (${signal ?? `exit ${code}`}); stopping`);
    stop(code ?? 1);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
