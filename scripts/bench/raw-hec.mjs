// The raw baseline of the SIEM forwarder's HEC path, without the hub's code: amqplib consumes the
// queue (same prefetch), gathers up to BATCH messages (or waits WAIT_MS), gzips them into one HEC
// POST, and acks the batch once the HEC answered 200 — no validation, no redaction, no audit log.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import amqp from 'amqplib';

const { AMQP_URL, QUEUE, HEC_URL, HEC_TOKEN } = process.env;
const PREFETCH = Number(process.env.PREFETCH ?? 64);
const BATCH = Number(process.env.BATCH ?? 50);
const WAIT_MS = Number(process.env.WAIT_MS ?? 200);
const gzipAsync = promisify(gzip);

const connection = await amqp.connect(AMQP_URL);
const channel = await connection.createChannel();
await channel.prefetch(PREFETCH);
let pending = [];
let timer;
let busy = false;

async function flush() {
  clearTimeout(timer);
  timer = undefined;
  if (busy || pending.length === 0) return;
  busy = true;
  const batch = pending.splice(0, BATCH);
  const body = batch
    .map((m) => JSON.stringify({ sourcetype: 'raw', event: JSON.parse(m.content.toString()) }))
    .join('\n');
  for (;;) {
    try {
      const response = await fetch(`${HEC_URL}/services/collector/event`, {
        method: 'POST',
        headers: { authorization: `Splunk ${HEC_TOKEN}`, 'content-encoding': 'gzip' },
        body: await gzipAsync(body),
      });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // retry below
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  channel.ack(batch.at(-1), true);
  busy = false;
  if (pending.length >= BATCH) void flush();
  else if (pending.length > 0) timer ??= setTimeout(flush, WAIT_MS);
}

await channel.consume(QUEUE, (message) => {
  if (!message) return;
  pending.push(message);
  if (pending.length >= BATCH) void flush();
  else timer ??= setTimeout(flush, WAIT_MS);
});
process.stdout.write('READY\n');
process.on('SIGTERM', () => void connection.close().then(() => process.exit(0)));
