import { SchedulerHarness } from './__tests__/scheduler.harness.js';
import { slotEventId } from './schedules/fired-event.js';

const SLOTS = 20;

const tick = `apiVersion: hub/v1
kind: Schedule
metadata: { name: tick }
spec:
  cron: '* * * * * *'
  payload: { probe: true }
`;

describe('two scheduler replicas on one database and broker', () => {
  let hub: SchedulerHarness;

  beforeAll(async () => {
    hub = await SchedulerHarness.start({ 'tick.yaml': tick });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it(`publish each slot of a per-second schedule exactly once (${SLOTS}+ slots)`, async () => {
    const a = await hub.startReplica();
    const b = await hub.startReplica();
    await vi.waitFor(() => expect(hub.firedOf('tick').length).toBeGreaterThanOrEqual(SLOTS), {
      timeout: SLOTS * 1_000 + 15_000,
      interval: 200,
    });
    await hub.stopReplica(a);
    await hub.stopReplica(b);

    const messages = hub.firedOf('tick');
    const slots = messages.map((m) => Date.parse(m.event.data.scheduledAt)).sort((x, y) => x - y);
    // Exactly once: no slot twice, and no slot between the first and the last left out.
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.at(-1)! - slots[0]!).toBe((slots.length - 1) * 1_000);
    for (const message of messages) {
      expect(message.routingKey).toBe('schedule.fired.tick');
      expect(message.messageId).toBe(message.event.id);
      expect(message.event.id).toBe(slotEventId('tick', new Date(message.event.data.scheduledAt)));
      expect(message.event).toMatchObject({
        type: 'schedule.fired.tick',
        source: '/hub/scheduler',
        subject: 'tick',
        incidentkey: `schedule/tick/${message.event.data.scheduledAt}`,
        data: { schedule: 'tick', params: { probe: true }, timezone: 'UTC', catchUp: false },
      });
    }
    // Every slot on the bus has its row, published, claimed by one of the two replicas.
    const { rows } = await hub.schema.pool.query<{ claimed_by: string; n: string; unpublished: string }>(
      `SELECT claimed_by, count(*) AS n, count(*) FILTER (WHERE published_at IS NULL) AS unpublished
         FROM schedule_slots WHERE schedule = 'tick' GROUP BY claimed_by`,
    );
    expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(slots.length);
    expect(rows.every((row) => row.unpublished === '0')).toBe(true);
    const replicas = [a.service.instance, b.service.instance];
    expect(rows.every((row) => replicas.includes(row.claimed_by))).toBe(true);
    console.info(`two replicas: ${slots.length} slots, claims by replica: ${rows.map((r) => r.n).join(' / ')}`);
  }, 120_000);
});
