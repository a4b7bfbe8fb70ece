// The SIEM forwarder into a loopback Splunk HEC: events/s it sustains draining a pre-filled queue,
// side by side with a raw amqplib consume → gzip → HTTP baseline on the same broker; then its RSS
// while the HEC is down and events keep flowing (back-pressure: the backlog stays in RabbitMQ).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import amqp from 'amqplib';
import { startProcess, stop, waitReady } from './flow.mjs';
import { cpuSeconds, rssMb, settle } from './load.mjs';

const EXCHANGE = 'hub.events';
const TOKEN = 'bench-hec-token';
const PORT = 19105;

/** Loopback HEC: counts the events of each gzip'd POST and when they arrived; `down` answers 503. */
async function startHec() {
  const hec = { count: 0, first: 0, last: 0, down: false };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (hec.down || req.headers.authorization !== `Splunk ${TOKEN}`) {
        res.statusCode = hec.down ? 503 : 403;
        res.end(JSON.stringify(hec.down ? { text: 'Server is busy', code: 9 } : { text: 'Invalid token', code: 4 }));
        return;
      }
      const text = gunzipSync(Buffer.concat(chunks)).toString('utf8');
      const events = text.split('\n').filter((line) => line !== '').length;
      const now = performance.now();
      if (hec.count === 0) hec.first = now;
      hec.count += events;
      hec.last = now;
      res.end(JSON.stringify({ text: 'Success', code: 0 }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  hec.url = `http://127.0.0.1:${server.address().port}`;
  hec.reset = () => Object.assign(hec, { count: 0, first: 0, last: 0 });
  hec.close = () => new Promise((resolve) => server.close(resolve));
  return hec;
}

/** An `alert.firing` envelope like the gateway's (about 1 KB), valid for the catalog. */
function alertEvent(n) {
  return {
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: '/alertmanager',
    type: 'alert.firing',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    subject: `bench-app-${n}`,
    hubsource: 'bench',
    data: {
      status: 'firing',
      fingerprint: `fp-${n}`,
      labels: {
        alertname: 'ArgoCDApplicationUnhealthy',
        slo: 'argocd-application-health',
        name: `bench-app-${n}`,
        dest_namespace: 'bench',
        severity: 'critical',
      },
      annotations: {
        summary: `bench-app-${n} is Degraded`,
        description: 'The Argo CD application has been unhealthy for more than 5 minutes. '.repeat(6),
      },
      startsAt: new Date().toISOString(),
      generatorURL: 'http://prometheus.example/graph?g0.expr=argocd_app_info',
    },
  };
}

async function publish(channel, count, from = 0) {
  for (let n = from; n < from + count; n++) {
    const event = alertEvent(n);
    channel.publish(EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: event.id,
      contentType: 'application/cloudevents+json',
    });
    if (n % 500 === 499) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
}

/** Drains a pre-filled queue; rate = events after the first POST ÷ time from first to last POST. */
async function drain(hec, total, consumer) {
  hec.reset();
  const started = performance.now();
  const child = consumer();
  await settle(() => hec.count, total, 20_000);
  const seconds = (hec.last - hec.first) / 1000;
  return {
    child,
    row: {
      'events/s': Math.round(hec.count / seconds),
      delivered: `${hec.count}/${total}`,
      'first POST after start ms': Math.round(hec.first - started),
      'RSS MB': rssMb(child.pid),
      'CPU s': cpuSeconds(child.pid),
    },
  };
}

export async function benchSiem({ root, amqpUrl }) {
  const stamp = Date.now().toString(36);
  const vhost = `hub-bench-siem-${stamp}`;
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const url = new URL(amqpUrl);
  url.pathname = `/${vhost}`;
  const AMQP_URL = url.toString();
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-siem-'));
  const total = Number(process.env.BENCH_SIEM_EVENTS ?? 20_000);
  const downSeconds = Number(process.env.BENCH_SIEM_DOWN_SECONDS ?? 30);
  const downRate = Number(process.env.BENCH_SIEM_DOWN_RATE ?? 200);
  const hec = await startHec();
  const env = {
    AMQP_URL,
    HUB_DATA_DIR: dataDir,
    HUB_METRICS_PORT: String(PORT),
    SPLUNK_HEC_URL: hec.url,
    SPLUNK_HEC_TOKEN: TOKEN,
    SIEM_RETRY_MAX_MS: '2000',
    HUB_SERVICE: 'siem-forwarder',
  };
  const forwarder = () =>
    startProcess(root, ['--import', '@hub/telemetry/register', 'apps/siem-forwarder/dist/main.js'], env);
  const rows = [];
  const outage = [];
  const connection = await amqp.connect(AMQP_URL);
  try {
    // The forwarder declares the exchange and its queue; stopped, its queue fills with the backlog.
    let child = forwarder();
    await waitReady(`http://127.0.0.1:${PORT}/readyz`);
    await stop([child]);
    const channel = await connection.createConfirmChannel();
    await publish(channel, total);

    const hub = await drain(hec, total, forwarder);
    rows.push({ path: 'hub siem-forwarder (HEC + audit log)', ...hub.row });
    child = hub.child;

    // The same backlog for the baseline, in its own quorum queue (the forwarder's is unbound meanwhile).
    await channel.assertQueue('raw-hec', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue('raw-hec', EXCHANGE, '#');
    await channel.unbindQueue('siem-forwarder', EXCHANGE, '#');
    await publish(channel, total);
    const raw = await drain(hec, total, () =>
      startProcess(root, ['scripts/bench/raw-hec.mjs'], {
        AMQP_URL,
        QUEUE: 'raw-hec',
        HEC_URL: hec.url,
        HEC_TOKEN: TOKEN,
      }),
    );
    rows.push({ path: 'raw amqplib → gzip → HTTP', ...raw.row });
    await stop([raw.child]);
    await channel.unbindQueue('raw-hec', EXCHANGE, '#');
    await channel.bindQueue('siem-forwarder', EXCHANGE, '#');

    // The HEC goes down while events keep coming at `downRate`/s: RSS should stay flat, the backlog in the queue.
    hec.reset();
    hec.down = true;
    const started = performance.now();
    let published = 0;
    let nextSample = 0;
    while (performance.now() - started < downSeconds * 1000) {
      await publish(channel, Math.round(downRate / 10), total + published);
      published += Math.round(downRate / 10);
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= nextSample) {
        const { messageCount } = await channel.checkQueue('siem-forwarder');
        outage.push({
          's into outage': Math.round(elapsed),
          published,
          'waiting in queue': messageCount,
          'RSS MB': rssMb(child.pid),
        });
        nextSample += Math.max(1, downSeconds / 6);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    hec.down = false;
    const back = performance.now();
    await settle(() => hec.count, published, 20_000);
    outage.push({
      's into outage': `HEC back: ${((performance.now() - back) / 1000).toFixed(1)} s to deliver`,
      published,
      'waiting in queue': (await channel.checkQueue('siem-forwarder')).messageCount,
      'RSS MB': rssMb(child.pid),
      delivered: hec.count,
    });
    await stop([child]);
  } finally {
    await connection.close().catch(() => undefined);
    await hec.close();
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, outage };
}
