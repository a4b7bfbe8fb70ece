#!/usr/bin/env node
// Runs every hub service as its own process (the hub's main job): builds if needed, migrates the
// database, prefixes and pretty-prints each service's logs, and supervises the services: one that
// dies is restarted with backoff while the others keep running; a crash loop (HUB_RESTART_LIMIT
// restarts within HUB_RESTART_WINDOW_MS) stops everything with exit code 1, naming the service.
// Ctrl-C / SIGTERM stops them all (SIGTERM, then SIGKILL after a grace period) and exits 0.
// `SENSOR__HUB_METRICS_PORT=9201` sets HUB_METRICS_PORT for the sensor only (any service, any variable).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatLogLine } from './log-format.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = process.argv.includes('--json') || process.env.HUB_LOG_FORMAT === 'json';
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const restartLimit = positiveInt('HUB_RESTART_LIMIT', 5);
const restartWindowMs = positiveInt('HUB_RESTART_WINDOW_MS', 60_000);
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const BACKOFF_RESET_AFTER_MS = 30_000;
const STOP_GRACE_MS = 10_000;

const buildStarted = Date.now();
console.log('hub: building…');
const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('hub: the build failed; fix the errors above and run npm start again');
  process.exit(1);
}
console.log(`hub: built in ${seconds(Date.now() - buildStarted)}`);

console.log('hub: migrating…');
const migrate = spawnSync(process.execPath, ['libs/database/dist/migrate.cli.js'], { cwd: root, stdio: 'inherit' });
if (migrate.status !== 0) {
  console.error('hub: the database migration failed (is PostgreSQL running at DATABASE_URL?); nothing was started');
  process.exit(1);
}

// The V8 heap flags of every service (libs/service/src/node-flags.ts), once the build made them.
const { serviceNodeFlags } = await import('../libs/service/dist/node-flags.js');
const nodeFlags = serviceNodeFlags();

const services = readdirSync(`${root}apps`)
  .filter((name) => existsSync(`${root}apps/${name}/dist/main.js`))
  .filter((name) => only.length === 0 || only.includes(name));
if (services.length === 0) {
  console.error(`hub: no service to start${only.length ? ` among ${only.join(', ')}` : ''}`);
  process.exit(1);
}
const width = Math.max(...services.map((s) => s.length));
/** @type {Map<string, import('node:child_process').ChildProcess>} */
const children = new Map();
/** Per service: restart times (for the crash-loop window), the next backoff, a pending restart timer. */
const state = new Map(services.map((s) => [s, { restarts: [], backoffMs: BACKOFF_MIN_MS, timer: undefined }]));
let stopping = false;
let exitCode = 0;

console.log(`hub: starting ${services.length} service${services.length === 1 ? '' : 's'}: ${services.join(', ')}`);
for (const service of services) start(service, false);
console.log(`hub: started ${services.join(', ')} (Ctrl-C stops them all)`);

function start(service, restarted) {
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--enable-source-maps', '--import', '@hub/telemetry/register', `apps/${service}/dist/main.js`],
    { cwd: root, env: serviceEnv(service), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const startedAt = Date.now();
  children.set(service, child);
  console.log(`hub: ${service} ${restarted ? 'restarted' : 'started'} (pid ${child.pid})`);
  const prefix = service.padEnd(width);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${raw ? `${prefix} | ${line}` : formatLogLine(prefix, line)}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(service);
    if (stopping) {
      if (children.size === 0) process.exit(exitCode);
      return;
    }
    onDeath(service, signal ? signal : `code ${code}`, Date.now() - startedAt);
  });
}

/** An exit we did not ask for: restart with backoff, or stop the hub when the service is crash-looping. */
function onDeath(service, how, ranMs) {
  const s = state.get(service);
  const now = Date.now();
  s.restarts = s.restarts.filter((t) => now - t < restartWindowMs);
  if (s.restarts.length >= restartLimit) {
    console.error(
      `hub: ${service} is crash-looping (restarted ${s.restarts.length} times within ${seconds(restartWindowMs)}, ` +
        `last exit: ${how}); stopping the hub`,
    );
    exitCode = 1;
    stopAll();
    return;
  }
  if (ranMs >= BACKOFF_RESET_AFTER_MS) s.backoffMs = BACKOFF_MIN_MS;
  const delay = s.backoffMs;
  s.backoffMs = Math.min(s.backoffMs * 2, BACKOFF_MAX_MS);
  s.restarts.push(now);
  console.error(`hub: ${service} exited unexpectedly (${how}); restarting it in ${seconds(delay)}`);
  s.timer = setTimeout(() => {
    s.timer = undefined;
    if (!stopping) start(service, true);
  }, delay);
}

function stopAll() {
  stopping = true;
  for (const s of state.values()) clearTimeout(s.timer);
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const [service, child] of children) {
      console.error(`hub: ${service} did not stop within ${seconds(STOP_GRACE_MS)}; killing it`);
      child.kill('SIGKILL');
    }
  }, STOP_GRACE_MS).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    console.log(`hub: ${signal}, stopping ${[...children.keys()].join(', ') || 'nothing (no service is running)'}`);
    stopAll();
  });
}

// A supervisor that kills `npm start` (or an npm that does not pass the signal on) leaves this script
// behind `sh -c`: when the process that started us or, under npm, its parent goes away, stop
// everything as on SIGTERM, so no service outlives the command that ran the hub.
const watched = [process.ppid, process.env.npm_lifecycle_event ? parentOf(process.ppid) : undefined].filter(
  (pid) => pid !== undefined && pid > 1,
);
setInterval(() => {
  if (stopping) return;
  const gone = watched.find((pid) => !alive(pid));
  if (gone === undefined) return;
  console.log(`hub: the process that started me (pid ${gone}) is gone; stopping ${[...children.keys()].join(', ')}`);
  stopAll();
}, 1000).unref();

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A process's parent, from /proc (Linux); undefined elsewhere. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The hub's environment plus the `<SERVICE>__<VAR>` overrides for this service (e.g. SENSOR__HUB_METRICS_PORT). */
function serviceEnv(service) {
  const prefix = `${service.toUpperCase().replace(/-/g, '_')}__`;
  const overrides = Object.entries(process.env)
    .filter(([name]) => name.startsWith(prefix) && name.length > prefix.length)
    .map(([name, value]) => [name.slice(prefix.length), value]);
  return {
    ...process.env,
    HUB_SERVICE: service,
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? service,
    ...Object.fromEntries(overrides),
  };
}

function positiveInt(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9]\d*$/.test(value)) {
    console.error(`hub: ${name} must be a positive integer (got "${value}")`);
    process.exit(1);
  }
  return Number(value);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(ms < 10_000 && ms % 1000 !== 0 ? 1 : 0)} s`;
}

if (services.includes('ingest-gateway')) void announceWhenReady();

async function announceWhenReady() {
  const port = serviceEnv('ingest-gateway').GATEWAY_PORT || '8080';
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
