import { uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';

/**
 * No transaction is open while JIRA is called: the fingerprint's advisory lock is held by an idle
 * session (it ends with a crashed process), and the request's marker is written after the work.
 */
describe('ticketing: no transaction across the vendor call', () => {
  let hub: TicketingHarness;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-cloud' });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('holds the fingerprint lock in an idle session, not in an open transaction, while JIRA creates the issue', async () => {
    const fingerprint = uniqueName('fp');
    let seen: { state: string }[] | undefined;
    hub.jira!.route('POST', /^\/rest\/api\/3\/issue$/, async () => {
      // The session holding this fingerprint's advisory lock, seen from another session.
      const { rows } = await hub.schema.pool.query<{ state: string }>(
        `SELECT a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory'
            AND l.classid::bigint = (hashtext('hub.ticketing.fingerprint')::bigint & 4294967295)
            AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [`jira:${fingerprint}`],
      );
      seen ??= rows;
      return undefined; // fall through to the fake's own answer
    });
    await hub.publish(request('open', fingerprint));
    await waitFor('the ticket opened', async () => (await hub.rows(fingerprint))[0]?.status === 'open');
    expect(seen).toEqual([{ state: 'idle' }]);
  });
});
