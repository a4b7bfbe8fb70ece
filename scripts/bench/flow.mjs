// The whole self-healing path under load: gateway → sensor → executor (Argo CD fake) → sensor →
// notifier (Slack fake), measured from the webhook's send to Slack's "Remediation succeeded" call,
// side by side with the raw baseline: Fastify + a 4-hop amqplib relay chain on the same broker.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import pg from 'pg';
import { cpuSeconds, fixedRate, percentiles, rssMb, saturate, settle } from './load.mjs';

const APP = /bench-[a-z0-9]+-\d+/;

const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

export function startProcess(root, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
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

export async function waitReady(url, timeoutMs = 30_000) {
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

/** Loopback Argo CD (every sync succeeds at once) and Slack (records when each app was reported fixed). */
async function startFakes(fixedAt) {
  let ts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url.startsWith('/argocd/')) {
        res.end(JSON.stringify({ metadata: {}, status: { operationState: { phase: 'Succeeded', message: 'ok' } } }));
        return;
      }
      const text = decodeURIComponent(body.replace(/\+/g, ' '));
      const app = APP.exec(text)?.[0];
      if (app && text.includes('Remediation succeeded') && !fixedAt.has(app)) fixedAt.set(app, performance.now());
      ts++;
      res.end(JSON.stringify({ ok: true, channel: 'C0BENCH', ts: `1700000000.${String(ts).padStart(6, '0')}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { argocd: `${base}/argocd`, slack: `${base}/slack`, close: () => new Promise((r) => server.close(r)) };
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

async function runCases(label, target, done) {
  const rows = [];
  const seconds = Number(process.env.BENCH_FLOW_SECONDS ?? 10);
  const cases = [
    ['20/s', (sent, runId) => fixedRate({ ...target, rate: 20, seconds, runId, sent })],
    ['200/s', (sent, runId) => fixedRate({ ...target, rate: 200, seconds, runId, sent })],
    ['500/s', (sent, runId) => fixedRate({ ...target, rate: 500, seconds, runId, sent })],
    ['max (50 clients)', (sent, runId) => saturate({ ...target, connections: 50, seconds, runId, sent })],
  ].filter(([name]) => !process.env.BENCH_FLOW_ONLY || name.startsWith(process.env.BENCH_FLOW_ONLY));
  for (const [name, drive] of cases) {
    const sent = new Map();
    const runId = `bench-${Math.random().toString(36).slice(2, 7)}`;
    const started = performance.now();
    const load = await drive(sent, runId);
    const finished = () => [...sent.keys()].filter((app) => done.has(app)).length;
    await settle(finished, load.accepted, 15_000);
    const latencies = [...sent].filter(([app]) => done.has(app)).map(([app, at]) => done.get(app) - at);
    const lastDone = Math.max(...[...sent.keys()].map((app) => done.get(app) ?? 0));
    rows.push({
      path: label,
      load: name,
      'accepted/s': Math.round(load.accepted / load.elapsed),
      refused: load.refused,
      'completed/s': Math.round(latencies.length / ((lastDone - started) / 1000)),
      completed: `${latencies.length}/${load.accepted}`,
      ...Object.fromEntries(Object.entries(percentiles(latencies)).map(([k, v]) => [`${k} ms`, v])),
    });
  }
  return rows;
}

export async function benchFlow({ root, amqpUrl }) {
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
      GATEWAY_PORT: '18082',
    };
    execFileSync(process.execPath, ['libs/database/dist/migrate.cli.js'], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    const services = { sensor: 19101, 'remediation-executor': 19102, notifier: 19103 };
    const children = Object.entries(services).map(([service, port]) =>
      startProcess(root, ['--import', '@hub/telemetry/register', `apps/${service}/dist/main.js`], {
        ...env,
        HUB_SERVICE: service,
        HUB_METRICS_PORT: String(port),
      }),
    );
    const gateway = startProcess(root, ['--import', '@hub/telemetry/register', 'apps/ingest-gateway/dist/main.js'], {
      ...env,
      HUB_SERVICE: 'ingest-gateway',
    });
    await Promise.all([
      ...Object.values(services).map((port) => waitReady(`http://127.0.0.1:${port}/readyz`)),
      waitReady('http://127.0.0.1:18082/readyz'),
    ]);
    rows.push(...(await runCases('hub', { url: 'http://127.0.0.1:18082/v1/webhooks/alertmanager', token }, fixedAt)));
    for (const [service, child] of [
      ...Object.keys(services).map((s, i) => [s, children[i]]),
      ['ingest-gateway', gateway],
    ]) {
      const port = services[service] ?? 18082;
      rss[service] = { 'RSS MB': rssMb(child.pid), 'CPU s': cpuSeconds(child.pid), ...(await handling(port)) };
    }
    await stop([gateway, ...children]);
    await fakes.close();

    const relayedAt = new Map();
    const prefix = `raw-${stamp}`;
    const endpoint = startProcess(root, ['scripts/bench/raw-relay.mjs'], {
      AMQP_URL,
      PREFIX: prefix,
      ROLE: 'endpoint',
      PORT: '18083',
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
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    rows.push(
      ...(await runCases(
        'raw 4-hop relay',
        { url: 'http://127.0.0.1:18083/v1/webhooks/alertmanager', token },
        relayedAt,
      )),
    );
    await connection.close();
    await stop([endpoint, ...relays]);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, rss };
}
