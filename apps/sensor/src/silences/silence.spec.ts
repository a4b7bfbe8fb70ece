import { createEvent, type HubEvent } from '@hub/contracts';
import { type SilenceRow } from '@hub/database';
import { Silence, silenceValues } from './silence.js';
import { silenceSpecSchema } from './silence.schema.js';

const rowOf = (spec: unknown, now = new Date('2026-12-01T00:00:00Z')): SilenceRow => {
  const values = silenceValues('s-1', silenceSpecSchema.parse(spec), now);
  return {
    ...values,
    matchers: JSON.parse(values.matchers) as SilenceRow['matchers'],
    recurrence: values.recurrence ? (JSON.parse(values.recurrence) as SilenceRow['recurrence']) : null,
    comment: values.comment,
    expired_at: null,
    suppressed: 0,
    last_suppressed_at: null,
    alertmanager_id: null,
  };
};

const alert = (labels: Record<string, string>): HubEvent =>
  createEvent({ type: 'alert.firing', source: '/test', data: { labels } });

describe(Silence.name, () => {
  it('is in force inside each recurring window, in its time zone (Sundays 02:00-05:00 Berlin)', () => {
    const sut = new Silence(
      rowOf({
        matchers: [{ name: 'team', value: 'payments' }],
        recurrence: { cron: '0 2 * * sun', duration: '3h', timezone: 'Europe/Berlin' },
        createdBy: 'ops',
      }),
    );
    expect(sut.activeAt(new Date('2026-12-06T00:59:00Z'))).toBe(false); // 01:59 Berlin
    expect(sut.activeAt(new Date('2026-12-06T01:00:00Z'))).toBe(true); // 02:00
    expect(sut.activeAt(new Date('2026-12-06T03:59:00Z'))).toBe(true); // 04:59
    expect(sut.activeAt(new Date('2026-12-06T04:00:00Z'))).toBe(false); // 05:00
    expect(sut.activeAt(new Date('2026-12-07T01:30:00Z'))).toBe(false); // a Monday
    expect(sut.activeAt(new Date('2027-06-06T00:30:00Z'))).toBe(true); // 02:30 in summer time (UTC+2)
  });

  it('is in force from startsAt for its duration, then not', () => {
    const sut = new Silence(rowOf({ incidentKey: 'k', duration: '1h', createdBy: 'alice' }));
    expect(sut.activeAt(new Date('2026-12-01T00:59:59Z'))).toBe(true);
    expect(sut.activeAt(new Date('2026-12-01T01:00:00Z'))).toBe(false);
  });

  it('covers a target only when every part matches: key, matchers (=, !=, =~, !~) and CEL', () => {
    const sut = new Silence(
      rowOf({
        matchers: [
          { name: 'team', value: 'payments' },
          { name: 'name', value: 'orders-.*', isRegex: true },
          { name: 'env', value: 'prod', isEqual: false },
        ],
        expr: 'data.labels.severity != "critical"',
        duration: '1h',
        createdBy: 'alice',
      }),
    );
    const target = (labels: Record<string, string>) => ({ event: alert(labels), key: 'k', labels });
    const base = { team: 'payments', name: 'orders-api', env: 'staging', severity: 'warning' };
    expect(sut.covers(target(base))).toBe(true);
    expect(sut.covers(target({ ...base, team: 'security' }))).toBe(false);
    expect(sut.covers(target({ ...base, name: 'xorders-api' }))).toBe(false);
    expect(sut.covers(target({ ...base, env: 'prod' }))).toBe(false);
    expect(sut.covers(target({ ...base, severity: 'critical' }))).toBe(false);
  });

  it('names every bad field of a spec', () => {
    const result = silenceSpecSchema.safeParse({
      matchers: [{ name: '1x', value: '(', isRegex: true }],
      expr: 'evnt.type == "x"',
      recurrence: { cron: '* * *', duration: '0', timezone: 'Nowhere/Land' },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'matchers.0.name',
        'matchers.0.value',
        'expr',
        'recurrence.cron',
        'recurrence.duration',
        'recurrence.timezone',
        'createdBy',
      ]),
    );
  });
});
