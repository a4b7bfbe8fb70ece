// Gateway suite: the gateway's accepted events/s and latency under a fixed local load, side by side
// with a raw Fastify + amqplib (confirm) baseline on the same broker and queue type.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import autocannon from 'autocannon';
import { cpuMs, cpuProfileArgs, rssMb } from './load.mjs';

export async function benchGateway({ root, amqpUrl: AMQP_URL, seconds, connections }) {
  const payload = readFileSync(`${root}examples/alertmanager/argocd-unhealthy.json`, 'utf8');
  const token = 'bench-token-0123456789';
  const stamp = Date.now().toString(36);
  /** A quorum queue bound to the exchange, drained as fast as it fills, so both runs see the same broker work. */
  async function drain(exchange) {
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    const queue = `${exchange}.drain`;
    await channel.assertExchange(exchange, 'topic', { durable: true, alternateExchange: `${exchange}.unrouted` });
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(queue, exchange, '#');
    await channel.prefetch(500);
    let consumed = 0;
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (!message) return;
      consumed++;
      channel.ack(message);
    });
    return {
      get consumed() {
        return consumed;
      },
      async close() {
        await channel.cancel(consumerTag);
        await channel.deleteQueue(queue).catch(() => undefined);
        await channel.deleteExchange(exchange).catch(() => undefined);
        await channel.deleteExchange(`${exchange}.unrouted`).catch(() => undefined);
        await channel.deleteQueue(`${exchange}.unrouted`).catch(() => undefined);
        await connection.close();
      },
    };
  }

  function start(args, env, profileAs) {
    const child = spawn(process.execPath, [...cpuProfileArgs(profileAs), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return child;
  }

  async function waitReady(url, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        // not yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} not ready`);
  }

  const fixedRate = Number(process.env.BENCH_RATE ?? 500);
  // BENCH_PORT_OFFSET moves every port of this suite, so two checkouts can run it side by side.
  const offset = Number(process.env.BENCH_PORT_OFFSET ?? 0);
  const gatewayPort = 18080 + offset;
  const rawPort = 18081 + offset;

  function load(port, rate) {
    return autocannon({
      ...(rate ? { overallRate: rate, connections: 20 } : {}),
      url: `http://127.0.0.1:${port}/v1/webhooks/alertmanager`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: payload,
    });
  }

  async function measure(name, port, child, exchange, sink) {
    await load(port).then(() => undefined); // warm-up run, not reported
    const before = sink.consumed;
    const cpuBefore = cpuMs(child.pid);
    const result = await load(port);
    const cpu = cpuMs(child.pid) - cpuBefore;
    const steady = await load(port, fixedRate);
    const row = {
      name,
      'accepted/s': Math.round(result['2xx'] / result.duration),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      'max ms': result.latency.max,
      non2xx: result.non2xx,
      'CPU ms/req': Number((cpu / Math.max(1, result['2xx'])).toFixed(3)),
      errors: result.errors,
      [`p99 @${fixedRate}/s`]: steady.latency.p99,
      'RSS MB': rssMb(child.pid),
      consumed: sink.consumed - before,
    };
    return row;
  }

  const rows = [];
  for (const [name, extraEnv] of [
    ['hub ingest-gateway', {}],
    ['hub gateway, tracing off', { OTEL_SDK_DISABLED: 'true' }],
  ]) {
    const exchange = `bench-gw-${stamp}-${rows.length}`;
    const sink = await drain(exchange);
    const child = start(
      ['--import', '@hub/telemetry/register', 'apps/ingest-gateway/dist/main.js'],
      {
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_HOST: '127.0.0.1',
        HUB_EXCHANGE: exchange,
        HUB_INGEST_TOKENS: `bench:${token}`,
        // The bench measures throughput: the per-token rate limit (GATEWAY_RATE_LIMIT) would cap it.
        GATEWAY_RATE_LIMIT: '0',
        HUB_SERVICE: 'ingest-gateway',
        AMQP_URL,
        ...extraEnv,
      },
      `gateway-${rows.length}`,
    );
    child.stdout.resume();
    await waitReady(`http://127.0.0.1:${gatewayPort}/readyz`);
    rows.push(await measure(name, gatewayPort, child, exchange, sink));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await sink.close();
  }
  {
    const exchange = `bench-raw-${stamp}`;
    const sink = await drain(exchange);
    const child = start(
      ['scripts/bench/raw-baseline.mjs'],
      { AMQP_URL, BENCH_EXCHANGE: exchange, PORT: String(rawPort) },
      'gateway-raw',
    );
    await new Promise((resolve) => child.stdout.on('data', (chunk) => String(chunk).includes('READY') && resolve()));
    rows.push(await measure('raw fastify+amqplib', rawPort, child, exchange, sink));
    child.kill('SIGTERM');
    await sink.close();
  }

  return { rows, fixedRate };
}
