import { register } from 'prom-client';
import { uniqueName, waitFor } from '@hub/testing';
import { type NotifierHarness, ofIncident, startNotifier, update } from './__tests__/notifier.harness.js';

const ALERTS = '#platform-alerts';
const TEAM = '#team-platform';
const TEAMS_YAML = `defaultTeam: platform
teams:
  platform:
    slack: { channel: '${TEAM}' }
    email: [platform-team@example.com]
`;

/** The sum of a counter of this process (the harness reads the database through a pool of its own). */
async function total(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  return ((await metric?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** The statements the notifier sends for the delivery `act` starts, counted once its `channels` reported it. */
async function statementsOf(act: () => Promise<unknown>, channels = 1): Promise<number> {
  const before = await total('hub_db_statements_total');
  const reported = await total('hub_notifications_delivered_total');
  await act();
  await waitFor(
    `${channels} channels reported`,
    async () => (await total('hub_notifications_delivered_total')) >= reported + channels,
  );
  return (await total('hub_db_statements_total')) - before;
}

describe('statements per incident notification (the hot path, issue 15)', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({
      routing: `routes:\n  default:\n    slack: { channel: '${ALERTS}' }\n    teams: false\n`,
      teams: TEAMS_YAML,
      env: { HUB_RETENTION_SWEEP: '1h' },
    });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('Slack: posts a root and its reply in 3, a later update (reply and root edit) in 3, a redelivery in 3', async () => {
    const key = uniqueName('fp');
    const rootOf = () => ofIncident(hub.slack.roots(ALERTS), key)[0];
    // The lock; the open; the record of the root, its reply and their receipts, which frees the lock.
    const first = await statementsOf(() => hub.publish(update(key, 1, 'firing')));
    let eventId = '';
    const second = await statementsOf(async () => {
      eventId = (await hub.publish(update(key, 2, 'remediating'))).id;
    });
    const redelivered = await statementsOf(() => hub.publish(update(key, 2, 'remediating'), eventId));
    expect(first).toBe(3);
    expect(second).toBe(3);
    // The lock; the open, which finds the reply recorded and the root at this sequence; the unlock.
    expect(redelivered).toBe(3);

    const root = rootOf();
    expect(root?.edits.map((e) => e.text)).toEqual([expect.stringContaining('Firing')]);
    expect(hub.slack.replies(ALERTS, root!.ts).map((r) => r.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Remediation started'),
    ]);
    const { rows } = await hub.schema.pool.query<{ operation: string }>(
      'SELECT operation FROM notification_receipts WHERE incident_key = $1 ORDER BY id',
      [key],
    );
    expect(rows.map((r) => r.operation)).toEqual(['root', 'reply', 'reply', 'update']);
    // Every delivery freed the incident's lock (none is left on the notifier's sessions).
    const locks = await hub.schema.pool.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
        AND classid::int = hashtext('hub.notifier.thread') AND objid::int = hashtext($1)`,
      [`${key}/inc-${key}`],
    );
    expect(locks.rows).toEqual([]);
  });

  it('Slack, Teams and email: one claim statement for Teams and email, then a record each (6; a redelivery 4)', async () => {
    const key = uniqueName('fp');
    const owned = (sequence: number, state: 'firing' | 'remediating') => ({
      ...update(key, sequence, state),
      team: 'platform',
    });
    const delivered = (act: () => Promise<unknown>) => statementsOf(act, 3);
    const first = await delivered(() => hub.publish(owned(1, 'firing')));
    let eventId = '';
    const second = await delivered(async () => {
      eventId = (await hub.publish(owned(2, 'remediating'))).id;
    });
    const redelivered = await delivered(() => hub.publish(owned(2, 'remediating'), eventId));
    // Slack's 3; the claims of Teams and email; Teams' record; email's record.
    expect(first).toBe(6);
    expect(second).toBe(6);
    // Slack's 3; the claims, which find both sent.
    expect(redelivered).toBe(4);
    const { rows } = await hub.schema.pool.query<{ channel: string; operation: string }>(
      'SELECT channel, operation FROM notification_receipts WHERE incident_key = $1 ORDER BY channel, id',
      [key],
    );
    expect(rows.map((r) => `${r.channel} ${r.operation}`)).toEqual([
      'email root',
      'email reply',
      'slack root',
      'slack reply',
      'slack reply',
      'slack update',
      'teams card',
      'teams follow-up',
    ]);
    expect(ofIncident(hub.slack.roots(TEAM), key)).toHaveLength(1);
  });
});
