/**
 * A partitioned consumer process for the ordering tests. Its handler takes a random 0 to
 * `MAX_DELAY_MS` ms and reports to the parent over IPC when it starts and when it finishes an
 * event (the finish report is written before the handler returns, so before the ack). `FAIL`
 * (`seq:times`, comma-separated) makes an event fail that many attempts first; `POISON` (a seq)
 * fails every attempt.
 */
import { type HubEvent } from '@hub/contracts';
import { HubRmqServer } from '../hub-rmq.server.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

interface Step {
  key: string;
  seq: number;
}

const report = (message: Record<string, unknown>): Promise<void> =>
  new Promise((resolve, reject) =>
    process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );

const maxDelayMs = Number(process.env.MAX_DELAY_MS ?? 0);
const failures = new Map(
  (process.env.FAIL ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => entry.split(':').map(Number) as [number, number]),
);
const poison = process.env.POISON === undefined ? undefined : Number(process.env.POISON);
const running = new Set<string>();

const server = new HubRmqServer({
  url: env('AMQP_URL'),
  connectionName: `ordered-consumer-${process.pid}`,
  exchange: env('EXCHANGE'),
  queue: env('QUEUE'),
  partitioned: true,
  partitions: Number(env('PARTITIONS')),
  prefetch: Number(process.env.PREFETCH ?? 64),
  retryDelaysMs: [50, 100],
  shutdownGraceMs: 500,
});
server.addHandler(
  'order.#',
  async (event: HubEvent<Step>, ctx: { getAttempt(): number }) => {
    const { key, seq } = event.data;
    // Two events of one key at once in this process would break the guarantee under test.
    if (running.has(key)) await report({ kind: 'overlap', key, seq });
    running.add(key);
    try {
      await report({ kind: 'start', key, seq, attempt: ctx.getAttempt() });
      if (maxDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * maxDelayMs));
      if (seq === poison || (failures.get(seq) ?? 0) >= ctx.getAttempt()) {
        throw new Error(`step ${seq} of ${key} fails on attempt ${ctx.getAttempt()}`);
      }
      await report({ kind: 'done', key, seq });
    } finally {
      running.delete(key);
    }
  },
  true,
);
server.listen((error) => {
  if (error) throw error instanceof Error ? error : new Error('the consumer could not start');
});
await server.waitUntilReady();
await report({ kind: 'ready' });
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
