// The whole self-healing path under load: gateway → sensor → executor (Argo CD fake) → sensor →
// notifier (Slack fake), measured from the webhook's send to Slack's "Remediation succeeded" call,
// side by side with the raw baseline: Fastify + a 4-hop amqplib relay chain on the same broker.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import pg from 'pg';
import {
  cpuMs,
  cpuProfileArgs,
  every,
  fixedRate,
  loadStats,
  percentiles,
  refusals,
  rssMb,
  saturate,
  serverCpuMs,
  settle,
} from './load.mjs';

const APP = /bench-[a-z0-9]+-\d+/;

const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

export function startProcess(root, args, env, profileAs, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, ...cpuProfileArgs(profileAs), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  // Resolves once the process printed READY (the raw baselines do when they can take load).
  child.ready = new Promise((resolve) =>
    child.stdout.on('data', (chunk) => {
      stdout = (stdout + chunk).slice(-100);
      if (stdout.includes('READY')) resolve();
    }),
  );
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  running.add(child);
  child.on('exit', (code) => {
    running.delete(child);
    if (code && !child.stopping) console.error(`bench: ${args.at(-1)} exited with ${code}\n${stderr}`);
  });
  return child;
}

export async function stop(children) {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.stopping = true;
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

export async function waitReady(url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/**
 * Loopback Argo CD (every sync succeeds at once; counts the syncs of each app) and Slack (records
 * when each app was reported fixed).
 */
async function startFakes(fixedAt) {
  let ts = 0;
  const syncs = new Map();
  let calls = 0;
  /** Slack Web API calls by method (`chat.postMessage`, `chat.update`). */
  const slackCalls = {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      calls++;
      res.setHeader('content-type', 'application/json');
      if (req.url.startsWith('/argocd/')) {
        const synced = req.method === 'POST' && /\/applications\/([^/]+)\/sync$/.exec(req.url.split('?')[0]);
        if (synced) syncs.set(decodeURIComponent(synced[1]), (syncs.get(decodeURIComponent(synced[1])) ?? 0) + 1);
        res.end(JSON.stringify({ metadata: {}, status: { operationState: { phase: 'Succeeded', message: 'ok' } } }));
        return;
      }
      const method = req.url.split('?')[0].split('/').pop();
      slackCalls[method] = (slackCalls[method] ?? 0) + 1;
      const text = decodeURIComponent(body.replace(/\+/g, ' '));
      const app = APP.exec(text)?.[0];
      if (app && text.includes('Remediation succeeded') && !fixedAt.has(app)) fixedAt.set(app, performance.now());
      ts++;
      res.end(JSON.stringify({ ok: true, channel: 'C0BENCH', ts: `1700000000.${String(ts).padStart(6, '0')}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    argocd: `${base}/argocd`,
    slack: `${base}/slack`,
    syncs,
    slackCalls,
    /** Requests the fakes answered so far: the hub is still working while this grows. */
    get calls() {
      return calls;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Messages handled and the mean handling time, from the service's own /metrics. */
async function handling(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const total = (name) =>
    [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} ([0-9.e+-]+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
  const count = total('hub_message_handling_seconds_count');
  const seconds = total('hub_message_handling_seconds_sum');
  return count ? { handled: count, 'mean handling ms': Math.round((seconds / count) * 1000) } : {};
}

/** The rates of the fixed-rate cases (`BENCH_FLOW_RATES`, per second), then 50 clients back to back. */
function flowCases() {
  const rates = (process.env.BENCH_FLOW_RATES ?? '20,50,200').split(',').map(Number).filter(Boolean);
  return [
    ...rates.map((rate) => [`${rate}/s`, (args) => fixedRate({ ...args, rate })]),
    ['max (50 clients)', (args) => saturate({ ...args, connections: 50 })],
  ].filter(([name]) => !process.env.BENCH_FLOW_ONLY || name.startsWith(process.env.BENCH_FLOW_ONLY));
}

/** How long a case may make no progress while draining before what is missing counts as lost. */
const DRAIN_IDLE_MS = Number(process.env.BENCH_DRAIN_IDLE_MS ?? 60_000);

/**
 * Each case: the load for `BENCH_FLOW_SECONDS`, then waits for every accepted incident to finish
 * (the drain), with a progress line every 3 s. `completed/s` is completions over the time from the
 * first send to the last completion; `drain s` is from the last send to the last completion.
 */
async function runCases(label, target, done, activity) {
  const rows = [];
  const seconds = Number(process.env.BENCH_FLOW_SECONDS ?? 10);
  for (const [name, drive] of flowCases()) {
    const sent = new Map();
    const stats = loadStats();
    const runId = `bench-${Math.random().toString(36).slice(2, 7)}`;
    const started = performance.now();
    const finished = () => {
      let n = 0;
      for (const app of sent.keys()) if (done.has(app)) n++;
      return n;
    };
    const progress = () => {
      const completed = finished();
      console.log(
        `  ${label} ${name} ${Math.round((performance.now() - started) / 1000)} s: offered ${stats.offered}, ` +
          `accepted ${stats.accepted}, refused ${stats.refused}, completed ${completed}, backlog ${stats.accepted - completed}`,
      );
    };
    const stopProgress = every(3_000, progress);
    const load = await drive({ ...target, seconds, runId, sent, stats });
    stopProgress();
    const sendEnded = performance.now();
    await settle(finished, load.accepted, DRAIN_IDLE_MS, progress, 3_000, activity);
    progress();
    const latencies = [...sent].filter(([app]) => done.has(app)).map(([app, at]) => done.get(app) - at);
    const lastDone = Math.max(...[...sent.keys()].map((app) => done.get(app) ?? 0));
    rows.push({
      path: label,
      load: name,
      'accepted/s': Math.round(load.accepted / load.elapsed),
      refused: refusals(stats),
      'completed/s': latencies.length ? Math.round(latencies.length / ((lastDone - started) / 1000)) : 0,
      completed: `${latencies.length}/${load.accepted}`,
      'drain s': Number((Math.max(0, lastDone - sendEnded) / 1000).toFixed(1)),
      ...Object.fromEntries(Object.entries(percentiles(latencies)).map(([k, v]) => [`${k} ms`, v])),
    });
  }
  return rows;
}

/** Sum of a Prometheus counter's series whose labels include `match` (`outcome="repeat"`). */
async function counterSum(port, name, match = '') {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))]
    .filter((m) => (m[1] ?? '').includes(match))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}

/** Each service's `hub_db_statements_total` (SQL statements it sent, BEGIN and COMMIT included). */
async function statementsOf(processes, services, gatewayPort) {
  const entries = await Promise.all(
    processes.map(async ([service]) => [
      service,
      await counterSum(services[service] ?? gatewayPort, 'hub_db_statements_total'),
    ]),
  );
  return Object.fromEntries(entries);
}

/**
 * The repeat storm: `BENCH_STORM_INCIDENTS` (50) new incidents, each remediated, then
 * `BENCH_STORM_REPEATS` (10,000) repeats of their alerts by 50 clients back to back. A repeat is
 * the same alert (fingerprint, startsAt) from another receiver, so it has its own event id and the
 * sensor counts it on the open incident (`hub_sensor_matches_total{outcome="repeat"}`) instead of
 * dropping it as a redelivery. Rate: repeats counted over the time from the first send to the
 * last count; the fake Argo CD tells how many syncs each incident got (one is the goal).
 */
async function repeatStorm(target, done, fakes, sensorPort) {
  const incidents = Number(process.env.BENCH_STORM_INCIDENTS ?? 50);
  const repeats = Number(process.env.BENCH_STORM_REPEATS ?? 10_000);
  const runId = `bench-storm${Math.random().toString(36).slice(2, 6)}`;
  const sent = new Map();
  const opened = await fixedRate({ ...target, rate: 50, seconds: incidents / 50, runId, sent });
  const remediated = () => [...sent.keys()].filter((app) => done.has(app)).length;
  await settle(remediated, opened.accepted, DRAIN_IDLE_MS, undefined, 3_000, () => fakes.calls);
  const apps = [...sent.keys()];
  const before = await counterSum(sensorPort, 'hub_sensor_matches_total', 'outcome="repeat"');
  const counted = async () => (await counterSum(sensorPort, 'hub_sensor_matches_total', 'outcome="repeat"')) - before;
  const stats = loadStats();
  const started = performance.now();
  let last = 0;
  let lastAt = started;
  const stopProgress = every(3_000, () =>
    console.log(
      `  repeat storm ${Math.round((performance.now() - started) / 1000)} s: offered ${stats.offered}, ` +
        `accepted ${stats.accepted}, refused ${stats.refused}, counted ${last}`,
    ),
  );
  const poll = async () => {
    const now = await counted();
    if (now !== last) {
      last = now;
      lastAt = performance.now();
    }
  };
  const polling = setInterval(() => void poll().catch(() => undefined), 200);
  const load = await saturate({
    ...target,
    connections: 50,
    seconds: 600,
    limit: repeats,
    runId,
    sent: new Map(),
    stats,
    appOf: (n) => apps[n % apps.length],
    receiverOf: (n) => `bench-storm-${n}`,
  });
  const sendEnded = performance.now();
  while (last < load.accepted && performance.now() - lastAt < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  clearInterval(polling);
  await poll();
  stopProgress();
  const syncs = apps.map((app) => fakes.syncs.get(app) ?? 0);
  return {
    incidents: `${remediated()}/${opened.accepted}`,
    repeats: load.accepted,
    refused: refusals(stats),
    'sent/s': Math.round(load.accepted / ((sendEnded - started) / 1000)),
    counted: last,
    'counted/s': Math.round(last / ((lastAt - started) / 1000)),
    'syncs per incident': `${Math.min(...syncs)}–${Math.max(...syncs)}`,
    oneRemediationEach: syncs.every((n) => n === 1),
  };
}

/**
 * Readers of the CPU time of the PostgreSQL server (postmaster and backends, from its
 * `postmaster.pid`) and the RabbitMQ node (`os:getpid()`), when they run on this machine and are
 * readable; the whole server counts, whatever else uses it meanwhile.
 */
async function serverCpuReaders(admin) {
  const readers = {};
  try {
    const { rows } = await admin.query(`SELECT setting FROM pg_settings WHERE name = 'data_directory'`);
    const pid = Number(readFileSync(join(rows[0].setting, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isFinite(serverCpuMs(pid))) readers.postgresql = () => serverCpuMs(pid);
  } catch {
    // not a superuser, or not on this machine: no row
  }
  try {
    const pid = Number(
      execFileSync('rabbitmqctl', ['-q', 'eval', 'os:getpid().'], { encoding: 'utf8' }).replace(/\D/g, ''),
    );
    if (Number.isFinite(cpuMs(pid))) readers.rabbitmq = () => cpuMs(pid);
  } catch {
    // no rabbitmqctl here: no row
  }
  return readers;
}

export async function benchFlow({ root, amqpUrl }) {
  // BENCH_PORT_OFFSET moves every port of this suite, so two checkouts can run it side by side.
  const offset = Number(process.env.BENCH_PORT_OFFSET ?? 0);
  const gatewayPort = 18082 + offset;
  const rawPort = 18083 + offset;
  const stamp = Date.now().toString(36);
  const vhost = `hub-bench-${stamp}`;
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const url = new URL(amqpUrl);
  url.pathname = `/${vhost}`;
  const AMQP_URL = url.toString();
  const schema = `bench_${stamp}`;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const DATABASE_URL = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const rows = [];
  const rss = {};
  const servers = {};
  const serverPids = await serverCpuReaders(admin);
  let storm;
  /** Slack calls per completed incident over the cases, by method. */
  let slack = {};
  try {
    const fixedAt = new Map();
    const fakes = await startFakes(fixedAt);
    const token = 'bench-token-0123456789';
    const env = {
      AMQP_URL,
      DATABASE_URL,
      HUB_DATA_DIR: dataDir,
      HUB_CONFIG_DIR: join(root, 'config'),
      HUB_INGEST_TOKENS: `bench:${token}`,
      // The bench measures throughput: the per-token rate limit (GATEWAY_RATE_LIMIT) would cap it.
      GATEWAY_RATE_LIMIT: '0',
      ARGOCD_URL: fakes.argocd,
      ARGOCD_TOKEN: 'bench',
      ARGOCD_POLL_INTERVAL_MS: '50',
      SLACK_TOKEN: 'xoxb-bench',
      SLACK_API_URL: fakes.slack,
      ...JSON.parse(process.env.BENCH_FLOW_ENV ?? '{}'),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
    };
    execFileSync(process.execPath, ['libs/database/dist/migrate.cli.js'], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    const services = { sensor: 19101 + offset, 'remediation-executor': 19102 + offset, notifier: 19103 + offset };
    // The heap flags `npm start` and the image give every service (libs/service/src/node-flags.ts).
    const { serviceNodeFlags } = await import('../../libs/service/dist/node-flags.js');
    const nodeFlags = serviceNodeFlags();
    const children = Object.entries(services).map(([service, port]) =>
      startProcess(
        root,
        ['--import', '@hub/telemetry/register', `apps/${service}/dist/main.js`],
        { ...env, HUB_SERVICE: service, HUB_METRICS_PORT: String(port) },
        service,
        nodeFlags,
      ),
    );
    const gateway = startProcess(
      root,
      ['--import', '@hub/telemetry/register', 'apps/ingest-gateway/dist/main.js'],
      { ...env, HUB_SERVICE: 'ingest-gateway' },
      'ingest-gateway',
      nodeFlags,
    );
    await Promise.all([
      ...Object.values(services).map((port) => waitReady(`http://127.0.0.1:${port}/readyz`)),
      waitReady(`http://127.0.0.1:${gatewayPort}/readyz`),
    ]);
    const processes = [...Object.keys(services).map((s, i) => [s, children[i]]), ['ingest-gateway', gateway]];
    const cpuBefore = Object.fromEntries(processes.map(([service, child]) => [service, cpuMs(child.pid)]));
    const serversBefore = Object.fromEntries(Object.entries(serverPids).map(([name, read]) => [name, read()]));
    const statementsBefore = await statementsOf(processes, services, gatewayPort);
    const slackBefore = { ...fakes.slackCalls };
    const target = { url: `http://127.0.0.1:${gatewayPort}/v1/webhooks/alertmanager`, token };
    const hubRows = await runCases('hub', target, fixedAt, () => fakes.calls);
    rows.push(...hubRows);
    const incidents = hubRows.reduce((sum, row) => sum + Number(row.completed.split('/')[0]), 0);
    const cpuAfter = Object.fromEntries(processes.map(([service, child]) => [service, cpuMs(child.pid)]));
    for (const [name, read] of Object.entries(serverPids)) {
      const cpu = read() - serversBefore[name];
      if (!Number.isFinite(cpu)) continue;
      servers[name] = {
        'CPU s (cases)': Number((cpu / 1000).toFixed(1)),
        'CPU ms/incident': Number((cpu / incidents).toFixed(2)),
      };
    }
    const statementsAfter = await statementsOf(processes, services, gatewayPort);
    slack = Object.fromEntries(
      Object.entries(fakes.slackCalls).map(([method, n]) => [
        method,
        Number(((n - (slackBefore[method] ?? 0)) / incidents).toFixed(2)),
      ]),
    );
    if (process.env.BENCH_STORM !== 'off') {
      console.log('  repeat storm: opening the incidents, then the repeats');
      const cpuStart = processes.reduce((sum, [, child]) => sum + cpuMs(child.pid), 0);
      storm = await repeatStorm(target, fixedAt, fakes, services.sensor);
      const cpu = processes.reduce((sum, [, child]) => sum + cpuMs(child.pid), 0) - cpuStart;
      storm['CPU ms/repeat'] = Number((cpu / Math.max(1, storm.repeats)).toFixed(2));
    }
    for (const [service, child] of processes) {
      const port = services[service] ?? gatewayPort;
      const cpu = cpuAfter[service] - cpuBefore[service];
      rss[service] = {
        'RSS MB': rssMb(child.pid),
        'CPU s (cases)': Number((cpu / 1000).toFixed(1)),
        'CPU ms/incident': Number((cpu / incidents).toFixed(2)),
        'SQL/incident': Number(((statementsAfter[service] - statementsBefore[service]) / incidents).toFixed(1)),
        ...(await handling(port)),
      };
    }
    await stop([gateway, ...children]);
    await fakes.close();

    const relayedAt = new Map();
    const prefix = `raw-${stamp}`;
    const endpoint = startProcess(root, ['scripts/bench/raw-relay.mjs'], {
      AMQP_URL,
      PREFIX: prefix,
      ROLE: 'endpoint',
      PORT: String(rawPort),
    });
    const relays = [1, 2, 3].map((hop) =>
      startProcess(root, ['scripts/bench/raw-relay.mjs'], {
        AMQP_URL,
        PREFIX: prefix,
        ROLE: 'relay',
        HOP: String(hop),
      }),
    );
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.assertQueue(`${prefix}.hop4`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.prefetch(256);
    await channel.consume(`${prefix}.hop4`, (message) => {
      if (!message) return;
      const app = JSON.parse(message.content.toString()).alert.labels.name;
      relayedAt.set(app, performance.now());
      channel.ack(message);
    });
    await Promise.all([endpoint, ...relays].map((child) => child.ready));
    rows.push(
      ...(await runCases(
        'raw 4-hop relay',
        { url: `http://127.0.0.1:${rawPort}/v1/webhooks/alertmanager`, token },
        relayedAt,
      )),
    );
    await connection.close();
    await stop([endpoint, ...relays]);
  } finally {
    await stop([...running]); // after a failure, nothing of this run keeps running
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, rss, servers, storm, slack };
}
