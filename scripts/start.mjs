#!/usr/bin/env node
// Runs every hub service as its own process (the hub's main job): builds if needed, migrates the
// database, prefixes and pretty-prints each service's logs, stops them all on Ctrl-C / SIGTERM, and
// stops everything (exit code 1) when one of them dies, saying which.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatLogLine } from './log-format.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = process.argv.includes('--json') || process.env.HUB_LOG_FORMAT === 'json';
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('hub: the build failed; fix the errors above and run npm start again');
  process.exit(1);
}

const migrate = spawnSync(process.execPath, ['libs/database/dist/migrate.cli.js'], { cwd: root, stdio: 'inherit' });
if (migrate.status !== 0) {
  console.error('hub: the database migration failed (is PostgreSQL running at DATABASE_URL?); nothing was started');
  process.exit(1);
}

const services = readdirSync(`${root}apps`)
  .filter((name) => existsSync(`${root}apps/${name}/dist/main.js`))
  .filter((name) => only.length === 0 || only.includes(name));
if (services.length === 0) {
  console.error(`hub: no service to start${only.length ? ` among ${only.join(', ')}` : ''}`);
  process.exit(1);
}
const width = Math.max(...services.map((s) => s.length));
const children = new Map();
let stopping = false;
let exitCode = 0;

for (const service of services) {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', '@hub/telemetry/register', `apps/${service}/dist/main.js`],
    {
      cwd: root,
      env: { ...process.env, HUB_SERVICE: service, OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? service },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.set(service, child);
  const prefix = service.padEnd(width);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${raw ? `${prefix} | ${line}` : formatLogLine(prefix, line)}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(service);
    if (!stopping) {
      console.error(`hub: ${service} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
      exitCode = 1;
      stopAll();
    }
    if (children.size === 0) process.exit(exitCode);
  });
}
console.log(`hub: started ${services.join(', ')} (Ctrl-C stops them all)`);

function stopAll() {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const [service, child] of children) {
      console.error(`hub: ${service} did not stop within 10 s; killing it`);
      child.kill('SIGKILL');
    }
  }, 10_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    console.log(`hub: ${signal}, stopping ${[...children.keys()].join(', ')}`);
    stopAll();
  });
}

if (services.includes('ingest-gateway')) void announceWhenReady();

async function announceWhenReady() {
  const port = process.env.GATEWAY_PORT || '8080';
  const started = Date.now();
  let warned = false;
  while (!stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) {
        console.log(
          `hub: ready — gateway on http://localhost:${port}. Try: npm run send -- examples/alertmanager/argocd-unhealthy.json`,
        );
        return;
      }
    } catch {
      // not listening yet
    }
    if (!warned && Date.now() - started > 15_000) {
      warned = true;
      console.warn(
        'hub: the gateway is not ready after 15 s — is RabbitMQ running at AMQP_URL? (see the warnings above)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
