import { type ChildProcess, spawn } from 'node:child_process';
import { createEvent } from '@hub/contracts';
import { amqpUrl, createTestSchema, type TestSchema, uniqueName, waitFor } from '@hub/testing';
import { HubPublisher } from './hub.publisher.js';

const fixture = new URL('./__tests__/crash-consumer.ts', import.meta.url).pathname;

/** Runs the fixture consumer as its own process and collects the lines it prints. */
function startConsumer(env: Record<string, string>): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], {
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.spec.json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, lines };
}

describe('a consumer killed mid-handling', () => {
  let schema: TestSchema;
  let publisher: HubPublisher;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    schema = await createTestSchema();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await publisher?.close();
    await schema?.drop();
  });

  it('gets the message again and its effect happens once', async () => {
    const exchange = uniqueName('ex');
    const env = { AMQP_URL: amqpUrl(), DATABASE_URL: schema.url, EXCHANGE: exchange, QUEUE: uniqueName('crash') };
    const first = startConsumer({ ...env, MODE: 'hang' });
    children.push(first.child);
    await waitFor('first consumer ready', () => first.lines.includes('READY'), { timeoutMs: 20_000 });

    publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'crash-publisher', exchange });
    await publisher.start();
    await publisher.waitUntilReady();
    const event = createEvent({ type: 'crash.effect', source: '/test', data: { n: 1 } });
    await publisher.publish(event);

    await waitFor('handler running', () => first.lines.includes(`IN_HANDLER ${event.id}`));
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = startConsumer({ ...env, MODE: 'normal' });
    children.push(second.child);
    await waitFor('redelivered and handled', () => second.lines.includes(`HANDLED ${event.id}`), { timeoutMs: 20_000 });

    await publisher.publish(event);
    await waitFor('duplicate seen', () => second.lines.includes(`DUPLICATE ${event.id}`));

    const effects = await schema.pool.query('SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [event.id]);
    expect(effects.rows[0].n).toBe(1);
    const markers = await schema.pool.query('SELECT count(*)::int AS n FROM hub_processed_events');
    expect(markers.rows[0].n).toBe(1);
  });
});
