import { FakeClock, SchedulerHarness } from './__tests__/scheduler.harness.js';
import { slotEventId } from './schedules/fired-event.js';

const hourly = (name: string, catchUp: string) => `apiVersion: hub/v1
kind: Schedule
metadata: { name: ${name} }
spec:
  cron: '0 * * * *'
  timezone: Europe/Berlin
  catchUp: ${catchUp}
`;

const slotsOf = (hub: SchedulerHarness, name: string) =>
  hub
    .firedOf(name)
    .map((m) => `${m.event.data.scheduledAt.slice(11, 16)}${m.event.data.catchUp ? ' late' : ''}`)
    .sort();

describe('scheduler downtime and crashes (fake clock, real broker and database)', () => {
  let hub: SchedulerHarness;

  beforeAll(async () => {
    hub = await SchedulerHarness.start({
      'skip.yaml': hourly('skipped', '{ policy: skip }'),
      'last.yaml': hourly('latest', '{ policy: last }'),
      'all.yaml': hourly('every-missed', '{ policy: all, max: 2 }'),
    });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('applies each catch-up policy after a stop, a clock move and a start', async () => {
    const clock = new FakeClock(new Date('2026-05-04T09:59:30Z'));
    const first = await hub.startReplica(clock);
    await first.service.pass(); // first seen at 09:59:30: nothing before is owed
    clock.set('2026-05-04T10:00:05Z');
    await vi.waitFor(() => expect(hub.fired).toHaveLength(3), { timeout: 10_000 });
    expect(slotsOf(hub, 'skipped')).toEqual(['10:00']);
    await hub.stopReplica(first);

    // Down from 10:00:05 to 14:00:20: 11:00, 12:00 and 13:00 were missed; 14:00 is on time.
    clock.set('2026-05-04T14:00:20Z');
    const second = await hub.startReplica(clock);
    await vi.waitFor(() => expect(hub.fired).toHaveLength(3 + 1 + 2 + 3), { timeout: 10_000 });
    await second.service.pass();
    expect(slotsOf(hub, 'skipped')).toEqual(['10:00', '14:00']);
    expect(slotsOf(hub, 'latest')).toEqual(['10:00', '13:00 late', '14:00']);
    expect(slotsOf(hub, 'every-missed')).toEqual(['10:00', '12:00 late', '13:00 late', '14:00']);
    expect(hub.fired).toHaveLength(9);
    await hub.stopReplica(second);

    const { rows } = await hub.schema.pool.query<{ schedule: string; last_slot: Date }>(
      'SELECT schedule, last_slot FROM schedule_state ORDER BY schedule',
    );
    expect(rows.map((r) => [r.schedule, r.last_slot.toISOString()])).toEqual([
      ['every-missed', '2026-05-04T14:00:00.000Z'],
      ['latest', '2026-05-04T14:00:00.000Z'],
      ['skipped', '2026-05-04T14:00:00.000Z'],
    ]);
  });

  it('publishes the slots of a replica that died between its claim and its publish (relay, same event id)', async () => {
    const clock = new FakeClock(new Date('2026-05-04T14:30:00Z'));
    const crashed = await hub.startReplica(clock);
    await crashed.service.pass();
    await crashed.service.onApplicationShutdown(); // its loop stops: only the claims below happen
    clock.set('2026-05-04T15:00:02Z');
    const before = hub.fired.length;
    for (const schedule of crashed.schedules) expect(await crashed.service.claim(schedule)).toHaveLength(1);
    const { rows } = await hub.schema.pool.query<{ schedule: string; published_at: Date | null }>(
      `SELECT schedule, published_at FROM schedule_slots WHERE slot = '2026-05-04T15:00:00Z' ORDER BY schedule`,
    );
    expect(rows).toEqual([
      { schedule: 'every-missed', published_at: null },
      { schedule: 'latest', published_at: null },
      { schedule: 'skipped', published_at: null },
    ]);
    await hub.stopReplica(crashed);

    const survivor = await hub.startReplica(clock, { SCHEDULER_RELAY_MS: '200' });
    await vi.waitFor(() => expect(hub.fired.length).toBe(before + 3), { timeout: 10_000 });
    await survivor.relay.runOnce();
    expect(hub.fired.length).toBe(before + 3);
    const relayed = hub.fired.slice(before);
    expect(relayed.map((m) => m.event.id).sort()).toEqual(
      ['every-missed', 'latest', 'skipped'].map((s) => slotEventId(s, new Date('2026-05-04T15:00:00Z'))).sort(),
    );
    const after = await hub.schema.pool.query(`SELECT 1 FROM schedule_slots WHERE published_at IS NULL`);
    expect(after.rowCount).toBe(0);

    const metrics = (await survivor.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/hub_scheduler_slots_fired_total\{schedule="latest",mode="relayed"\} 1/);
    expect(metrics).toMatch(/hub_scheduler_slots_fired_total\{schedule="latest",mode="catch-up"\} 1/);
    expect(metrics).toMatch(/hub_scheduler_slots_skipped_total\{schedule="skipped",reason="missed"\} 3/);
    expect((await survivor.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await survivor.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await survivor.publisher.close();
    const unready = await survivor.app.inject({ method: 'GET', url: '/readyz' });
    expect(unready.statusCode).toBe(503);
    expect(unready.json()).toEqual({ status: 'unavailable', reason: 'not connected to the broker' });
    expect(hub.fired.length).toBe(before + 3);
  });
});
