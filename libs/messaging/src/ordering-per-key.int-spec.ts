import { type ChildProcess } from 'node:child_process';
import { waitFor } from '@hub/testing';
import { OrderedConsumers, orderViolations } from './__tests__/ordered-consumers.js';

const KEYS = Array.from({ length: 100 }, (_, i) => `incident-${i}`);
const PER_KEY = 100;

describe('ordering per key (issue 15)', () => {
  const consumers = new OrderedConsumers(6);

  afterAll(async () => {
    await consumers.stop();
  });

  it('keeps the order of each key over three consumer processes, one killed mid-run: nothing lost, every key progresses', async () => {
    await consumers.startPublisher();
    const processes: ChildProcess[] = [];
    for (let i = 0; i < 3; i++) processes.push(await consumers.start({ MAX_DELAY_MS: '8', PREFETCH: '60' }));

    const publishing = consumers.publish(KEYS, PER_KEY);
    const done = () => consumers.reports.filter((r) => r.kind === 'done').length;
    await waitFor('a third of the events handled', () => done() >= 3_000, { timeoutMs: 120_000 });
    // Kill the process that handles most: it holds partitions, with deliveries in hand.
    const busiest = processes
      .map((child) => ({ child, n: consumers.reports.filter((r) => r.pid === child.pid && r.kind === 'done').length }))
      .sort((a, b) => b.n - a.n)[0]!.child;
    const exited = new Promise((resolve) => busiest.once('exit', resolve));
    busiest.kill('SIGKILL');
    await exited;
    await publishing;

    await waitFor(
      'every key at its last step',
      () => [...consumers.doneByKey().values()].filter((steps) => steps.includes(PER_KEY - 1)).length === KEYS.length,
      { timeoutMs: 240_000, intervalMs: 200 },
    );
    const byKey = consumers.doneByKey();
    expect(orderViolations(consumers.reports)).toEqual([]);
    expect(consumers.reports.filter((r) => r.kind === 'overlap')).toEqual([]);
    // Nothing lost: every step of every key finished at least once.
    for (const key of KEYS) {
      expect(new Set(byKey.get(key)).size, key).toBe(PER_KEY);
    }
    // The survivors took over: they finished steps after the kill.
    const survivors = processes.filter((child) => child !== busiest).map((child) => child.pid);
    const afterKill = consumers.reports.filter((r) => r.kind === 'done' && survivors.includes(r.pid));
    expect(afterKill.length).toBeGreaterThan(0);
  }, 300_000);
});
