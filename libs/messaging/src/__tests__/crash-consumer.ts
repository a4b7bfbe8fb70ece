/**
 * A consumer process for the crash test: its handler records an effect through the idempotency
 * store, and in `hang` mode stops inside the transaction so the test can SIGKILL it mid-handling.
 */
import pg from 'pg';
import { type HubEvent, eventIdentity } from '@hub/contracts';
import { PgIdempotencyStore } from '@hub/database';
import { HubRmqServer } from '../hub-rmq.server.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const pool = new pg.Pool({ connectionString: env('DATABASE_URL') });
const store = new PgIdempotencyStore(pool);
await store.ensureSchema();
await pool.query('CREATE TABLE IF NOT EXISTS effects (event_id text NOT NULL)');

const server = new HubRmqServer({
  url: env('AMQP_URL'),
  connectionName: `crash-consumer-${process.pid}`,
  exchange: env('EXCHANGE'),
  queue: env('QUEUE'),
  retryDelaysMs: [200],
  shutdownGraceMs: 500,
});
server.addHandler(
  'crash.#',
  async (event: HubEvent) => {
    const { duplicate } = await store.runOnce('crash-consumer', eventIdentity(event), async (tx) => {
      await tx.query('INSERT INTO effects (event_id) VALUES ($1)', [event.id]);
      if (process.env.MODE === 'hang') {
        process.stdout.write(`IN_HANDLER ${event.id}\n`);
        await new Promise(() => undefined);
      }
    });
    process.stdout.write(`${duplicate ? 'DUPLICATE' : 'HANDLED'} ${event.id}\n`);
  },
  true,
);
server.listen((error) => {
  if (error) throw error instanceof Error ? error : new Error('the consumer could not start');
});
await server.waitUntilReady();
process.stdout.write('READY\n');
process.once('SIGTERM', () => {
  void server.close().then(() => pool.end());
});
