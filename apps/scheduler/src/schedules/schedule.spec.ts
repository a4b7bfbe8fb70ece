import { scheduleOf } from '../__tests__/schedule.fixture.js';
import { Schedule } from './schedule.js';
import { zonedIso } from './zoned-time.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe(Schedule.name, () => {
  describe('DST in Europe/Berlin, daily at 02:30', () => {
    const daily = scheduleOf('backup', { cron: '30 2 * * *', timezone: 'Europe/Berlin' });

    it('spring forward: 02:30 does not exist on 29 March, the run is shifted by the gap to 03:30 CEST, once', () => {
      const slots = daily.upcoming(new Date('2026-03-27T12:00:00Z'), 4);
      expect(iso(slots)).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:30:00.000Z', // 02:30 does not exist → 03:30 CEST
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
        '2026-03-31T00:30:00.000Z',
      ]);
      expect(zonedIso(slots[1]!, 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    });

    it('fall back: 02:30 happens twice on 25 October, the run fires once, at the first (CEST) one', () => {
      const slots = daily.upcoming(new Date('2026-10-23T12:00:00Z'), 4);
      expect(iso(slots)).toEqual([
        '2026-10-24T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T00:30:00.000Z', // first 02:30 (CEST); the second (01:30Z, CET) does not fire
        '2026-10-26T01:30:00.000Z', // 02:30 CET
        '2026-10-27T01:30:00.000Z',
      ]);
      expect(zonedIso(slots[1]!, 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
      expect(daily.nextSlot(new Date('2026-10-25T00:30:00Z'))?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
    });

    it('a 02:00 daily business run never fires twice or not at all across both transitions', () => {
      const twoAm = scheduleOf('two', { cron: '0 2 * * *', timezone: 'Europe/Berlin' });
      for (const from of ['2026-03-25T00:00:00Z', '2026-10-21T00:00:00Z']) {
        const slots = twoAm.upcoming(new Date(from), 8);
        const days = slots.map((s) => zonedIso(s, 'Europe/Berlin').slice(0, 10));
        expect(new Set(days).size).toBe(8);
        const first = Date.parse(days[0]!);
        expect(days.map((d) => (Date.parse(d) - first) / 86_400_000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      }
    });
  });

  it('takes 6-field (seconds) cron and intervals counted from the epoch, the same on every replica', () => {
    const everySecond = scheduleOf('tick', { cron: '* * * * * *' });
    expect(iso(everySecond.upcoming(new Date('2026-01-01T00:00:00.400Z'), 2))).toEqual([
      '2026-01-01T00:00:01.000Z',
      '2026-01-01T00:00:02.000Z',
    ]);
    const interval = scheduleOf('every', { interval: '15m' });
    expect(iso(interval.upcoming(new Date('2026-01-01T00:07:00Z'), 2))).toEqual([
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:30:00.000Z',
    ]);
  });

  it('skips exclusion dates, compared in the schedule time zone', () => {
    // 00:30 in Tokyo on 1 January is still 31 December in UTC.
    const tokyo = scheduleOf('tokyo', { cron: '30 0 * * *', timezone: 'Asia/Tokyo', exclusionDates: ['2027-01-01'] });
    const slots = tokyo.upcoming(new Date('2026-12-30T00:00:00Z'), 2);
    expect(slots.map((s) => zonedIso(s, 'Asia/Tokyo'))).toEqual([
      '2026-12-31T00:30:00+09:00',
      '2027-01-02T00:30:00+09:00',
    ]);
  });

  it('spreads a jitter over [slot, slot + jitter), the same on every call', () => {
    const jittered = scheduleOf('spread', { cron: '0 * * * *', jitter: '10m' });
    const slots = jittered.upcoming(new Date('2026-01-01T00:00:00Z'), 20);
    const offsets = slots.map((slot) => jittered.dueAt(slot) - slot.getTime());
    for (const offset of offsets) expect(offset).toBeGreaterThanOrEqual(0);
    for (const offset of offsets) expect(offset).toBeLessThan(600_000);
    expect(new Set(offsets).size).toBeGreaterThan(1);
    expect(slots.map((slot) => jittered.dueAt(slot) - slot.getTime())).toEqual(offsets);
  });
});
