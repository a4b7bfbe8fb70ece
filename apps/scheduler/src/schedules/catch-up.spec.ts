import { planSlots } from './catch-up.js';
import { scheduleOf } from '../__tests__/schedule.fixture.js';

const MINUTE = 60_000;
const at = (text: string) => new Date(text);
const fired = (plan: ReturnType<typeof planSlots>) =>
  plan.fire.map((d) => `${d.slot.toISOString().slice(11, 16)}${d.catchUp ? ' late' : ''}`);

describe(planSlots.name, () => {
  const hourly = (catchUp: Record<string, unknown>) => scheduleOf('hourly', { cron: '0 * * * *', catchUp });
  // Last decided slot 10:00; the scheduler was down until 15:00:20 → 11:00–14:00 were missed, 15:00 is on time.
  const since = at('2026-05-04T10:00:00Z');
  const now = at('2026-05-04T15:00:20Z');

  it('skip: drops the missed slots, fires the on-time one, and moves the position past all of them', () => {
    const plan = planSlots(hourly({ policy: 'skip' }), since, now, MINUTE);
    expect(fired(plan)).toEqual(['15:00']);
    expect(plan.missed).toBe(4);
    expect(plan.last?.toISOString()).toBe('2026-05-04T15:00:00.000Z');
  });

  it('last: fires the latest missed slot as a catch-up, then the on-time one', () => {
    const plan = planSlots(hourly({ policy: 'last' }), since, now, MINUTE);
    expect(fired(plan)).toEqual(['14:00 late', '15:00']);
    expect(plan.missed).toBe(3);
  });

  it('all: fires up to max missed slots, the latest ones, oldest first', () => {
    expect(fired(planSlots(hourly({ policy: 'all', max: 3 }), since, now, MINUTE))).toEqual([
      '12:00 late',
      '13:00 late',
      '14:00 late',
      '15:00',
    ]);
    expect(fired(planSlots(hourly({ policy: 'all', max: 10 }), since, now, MINUTE))).toEqual([
      '11:00 late',
      '12:00 late',
      '13:00 late',
      '14:00 late',
      '15:00',
    ]);
  });

  it('fires nothing before a slot is due, and nothing twice from the position it returned', () => {
    const schedule = hourly({ policy: 'all' });
    const early = planSlots(schedule, since, at('2026-05-04T10:59:59Z'), MINUTE);
    expect(early).toMatchObject({ fire: [], missed: 0 });
    expect(early.last).toBeUndefined();
    const first = planSlots(schedule, since, at('2026-05-04T11:00:00Z'), MINUTE);
    expect(fired(first)).toEqual(['11:00']);
    expect(planSlots(schedule, first.last!, at('2026-05-04T11:00:30Z'), MINUTE).fire).toEqual([]);
  });

  it('waits for a jittered slot until its due time', () => {
    const schedule = scheduleOf('jittered', { cron: '0 * * * *', jitter: '30m' });
    const slot = at('2026-05-04T11:00:00Z');
    const due = schedule.dueAt(slot);
    expect(planSlots(schedule, since, new Date(due - 1), MINUTE).fire).toEqual([]);
    expect(fired(planSlots(schedule, since, new Date(due), MINUTE))).toEqual(['11:00']);
  });

  it('counts excluded slots and moves past them without firing', () => {
    const schedule = scheduleOf('daily', { cron: '0 2 * * *', exclusionDates: ['2026-05-05'] });
    const plan = planSlots(schedule, at('2026-05-04T03:00:00Z'), at('2026-05-05T02:00:10Z'), MINUTE);
    expect(plan).toMatchObject({ fire: [], excluded: 1 });
    expect(plan.last?.toISOString()).toBe('2026-05-05T02:00:00.000Z');
  });
});

describe('a 02:30 Europe/Berlin daily schedule driven by a fake clock through both DST nights', () => {
  const schedule = scheduleOf('backup', { cron: '30 2 * * *', timezone: 'Europe/Berlin' });

  /** Moves the clock by one minute at a time and records what each pass fires, as the loop does. */
  function run(fromIso: string, toIso: string): string[] {
    let position = at(fromIso);
    const out: string[] = [];
    for (let now = position.getTime(); now <= Date.parse(toIso); now += MINUTE) {
      const plan = planSlots(schedule, position, new Date(now), MINUTE);
      out.push(...plan.fire.map((d) => d.slot.toISOString()));
      position = plan.last ?? position;
    }
    return out;
  }

  it('spring forward (29 March 2026): one run, at 03:30 CEST', () => {
    expect(run('2026-03-28T22:00:00Z', '2026-03-29T05:00:00Z')).toEqual(['2026-03-29T01:30:00.000Z']);
  });

  it('fall back (25 October 2026): one run, at the first 02:30 (CEST), none at the repeated one', () => {
    expect(run('2026-10-24T22:00:00Z', '2026-10-25T05:00:00Z')).toEqual(['2026-10-25T00:30:00.000Z']);
  });
});
