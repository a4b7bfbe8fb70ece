import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@hub/testing';
import { SchedulerHarness } from './__tests__/scheduler.harness.js';

const main = new URL('./main.ts', import.meta.url).pathname;

const tick = `apiVersion: hub/v1
kind: Schedule
metadata: { name: tick }
spec: { cron: '* * * * * *' }
`;

/** The scheduler's real entry point (src/main.ts) as its own OS process. */
async function startProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'tsconfig.spec.json',
      ...env,
      HUB_METRICS_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<unknown> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
}

describe('two scheduler processes on one database and broker', () => {
  let hub: SchedulerHarness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    hub = await SchedulerHarness.start({ 'tick.yaml': tick }, { SCHEDULER_RELAY_MS: '1000' });
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) await stopped(child, 'SIGKILL');
    await hub?.close();
  });

  it('publish each per-second slot once; when one is killed, the other carries on without a gap', async () => {
    const env = {
      AMQP_URL: hub.config.AMQP_URL,
      DATABASE_URL: hub.config.DATABASE_URL,
      HUB_EXCHANGE: hub.config.HUB_EXCHANGE,
      HUB_CONFIG_DIR: hub.config.HUB_CONFIG_DIR,
      LOG_LEVEL: 'warn',
      SCHEDULER_TICK_MS: '200',
      SCHEDULER_RELAY_MS: '1000',
    };
    children.push(await startProcess(env), await startProcess(env));
    // Both processes running and taking turns: each has claimed slots, and 15 are on the bus.
    await vi.waitFor(
      async () => {
        const claimers = await hub.schema.pool.query(`SELECT DISTINCT claimed_by FROM schedule_slots`);
        expect(claimers.rowCount).toBe(2);
        expect(hub.fired.length).toBeGreaterThanOrEqual(15);
      },
      { timeout: 60_000, interval: 200 },
    );
    const beforeKill = hub.fired.length;
    await stopped(children[0]!, 'SIGKILL');
    await vi.waitFor(() => expect(hub.fired.length).toBeGreaterThanOrEqual(beforeKill + 8), {
      timeout: 30_000,
      interval: 200,
    });
    await stopped(children[1]!, 'SIGTERM');

    const slots = hub.fired.map((m) => Date.parse(m.event.data.scheduledAt));
    const unique = [...new Set(slots)].sort((a, b) => a - b);
    // No gap from the first to the last slot, and every slot has one event id.
    expect(unique.at(-1)! - unique[0]!).toBe((unique.length - 1) * 1_000);
    expect(new Set(hub.fired.map((m) => m.event.id)).size).toBe(unique.length);
    // Before the kill, no slot was published twice; after it, at most the one in flight (same id).
    const firstHalf = hub.fired.slice(0, beforeKill).map((m) => m.event.id);
    expect(new Set(firstHalf).size).toBe(firstHalf.length);
    expect(hub.fired.length - unique.length).toBeLessThanOrEqual(1);
    const unpublished = await hub.schema.pool.query(`SELECT 1 FROM schedule_slots WHERE published_at IS NULL`);
    expect(unpublished.rowCount).toBe(0);
  }, 120_000);
});
