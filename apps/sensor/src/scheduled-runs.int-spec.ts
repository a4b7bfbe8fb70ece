import { type HubEvent, type NotificationRequested } from '@hub/contracts';
import {
  actionResult,
  scheduleFired as fired,
  incidentsOf,
  type SensorHarness,
  startSensor,
  states,
} from './__tests__/sensor.harness.js';

const notifications = (events: readonly HubEvent[]) =>
  events.filter((e) => e.type === 'notification.requested') as HubEvent<NotificationRequested>[];

describe('scheduled runs (S7): onSuccess resolves the run and messages teams from the result', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ only: ['nightly-backup.yaml', 'team-cost-report.yaml'] });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  /** Fires the schedule's slot and returns the remediation the sensor requested. */
  async function fire(schedule: string, slot: string, params: Record<string, string>): Promise<HubEvent> {
    await sensor.publish(fired(schedule, slot, params));
    const events = await sensor.received(3);
    expect(states(events)).toEqual([
      ['firing', 1],
      ['remediating', 2],
    ]);
    return events.find((e) => e.type.startsWith('action.requested.'))!;
  }

  const backup = { namespace: 'backups', workflowTemplate: 'nightly-backup', retentionDays: '30' };

  it('a successful backup run goes remediated → resolved', async () => {
    const slot = '2026-05-04T00:00:00.000Z';
    const request = await fire('nightly-backup', slot, backup);
    await sensor.publish(actionResult(request, true, undefined, { phase: 'Succeeded' }));

    const events = await sensor.received(2);
    expect(states(events)).toEqual([
      ['remediated', 3],
      ['resolved', 4],
    ]);
    expect(notifications(events)[1]!.data.text).toMatch(
      /^resolved after .* \(remediated by argo-workflows\.submit backups\/nightly-backup\)$/,
    );
    const [incident] = await incidentsOf(sensor.schema, `schedule/nightly-backup/${slot}`);
    expect(incident).toMatchObject({ status: 'resolved' });
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('a failed backup run still escalates and stays open', async () => {
    const slot = '2026-05-05T00:00:00.000Z';
    const request = await fire('nightly-backup', slot, backup);
    await sensor.publish(actionResult(request, false, 'workflow Failed'));

    const events = await sensor.received(2);
    expect(states(events)).toEqual([
      ['remediation-failed', 3],
      ['escalated', 4],
    ]);
    const [incident] = await incidentsOf(sensor.schema, `schedule/nightly-backup/${slot}`);
    expect(incident).toMatchObject({ status: 'escalated' });
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('the team report messages each team of the result, unknown teams to the default team, then resolves', async () => {
    const slot = '2026-06-01T06:00:00.000Z';
    const request = await fire('team-cost-report', slot, { teamLabel: 'team' });
    expect(request.data).toMatchObject({ kind: 'quota.team-report', params: { teamLabel: 'team' } });
    const teams = {
      ghosts: { namespaces: ['ghost-1'], text: 'Quota report for ghosts — {{ data.secret }} stays literal' },
      payments: { namespaces: ['pay-prod'], text: 'Quota report for payments\n• cpu: 3 of 4 (75%)' },
      security: { namespaces: ['sec'], text: 'Quota report for security\n• no ResourceQuota' },
    };
    await sensor.publish(actionResult(request, true, undefined, { teams, summary: 'all' }));

    const events = await sensor.received(5);
    const [remediated, ...rest] = notifications(events);
    expect(remediated!.data.state).toBe('remediated');
    const messages = rest.filter((n) => n.data.kind === 'message');
    expect(messages.map((m) => [m.data.team, m.data.title, m.data.text])).toEqual([
      [
        'platform',
        'Team cost report 2026-06-01T06:00:00.000+00:00: ghosts (team "ghosts" is not in teams.yaml)',
        teams.ghosts.text,
      ],
      ['payments', 'Team cost report 2026-06-01T06:00:00.000+00:00: payments', teams.payments.text],
      ['security', 'Team cost report 2026-06-01T06:00:00.000+00:00: security', teams.security.text],
    ]);
    const key = `schedule/team-cost-report/${slot}`;
    for (const message of messages) {
      expect(message).toMatchObject({ incidentkey: key, correlationid: request.correlationid });
      expect(message.data).toMatchObject({ sequence: 0, severity: 'info', mention: false, route: 'default' });
    }
    expect(rest.at(-1)!.data).toMatchObject({ kind: 'incident', state: 'resolved', incidentKey: key });
    const [incident] = await incidentsOf(sensor.schema, key);
    expect(incident).toMatchObject({ status: 'resolved' });
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('a result without the forEach map sends no message, and the run still resolves', async () => {
    const request = await fire('team-cost-report', '2026-07-01T06:00:00.000Z', { teamLabel: 'team' });
    await sensor.publish(actionResult(request, true, undefined, { summary: 'nothing' }));

    const events = await sensor.received(2);
    expect(states(events)).toEqual([
      ['remediated', 3],
      ['resolved', 4],
    ]);
    expect(await sensor.unexpected()).toEqual([]);
  });
});
