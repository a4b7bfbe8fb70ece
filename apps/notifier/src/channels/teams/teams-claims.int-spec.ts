import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@hub/testing';
import { startNotifier, type NotifierHarness } from '../../__tests__/notifier.harness.js';

/**
 * A Teams card is claimed in one short transaction and marked sent in another: no transaction is
 * open while the webhook is called, a webhook that answered with an error leaves no claim behind
 * (the retry posts), and a redelivery after success posts nothing.
 */
describe('Teams cards: claim, post, mark sent', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({ env: { NOTIFIER_RETRY_DELAYS_MS: '200,200,200' } });
  });

  afterAll(async () => {
    await hub?.close();
  });

  const markers = async (eventId: string) =>
    (
      await hub.schema.pool.query<{ consumer: string }>(
        'SELECT consumer FROM hub_processed_events WHERE event_id = $1 ORDER BY consumer',
        [eventId],
      )
    ).rows.map((r) => r.consumer);
  const cardsOf = (key: string) => hub.teams.cards.filter((c) => JSON.stringify(c).includes(key));

  it('has its claim committed before the webhook is called, and marks it sent after', async () => {
    const id = randomUUID();
    const key = uniqueName('teams-claim');
    let seenDuringCall: string[] | undefined;
    hub.teams.route('POST', /./, async () => {
      // Another session sees only what is committed: an open transaction's insert would be invisible.
      seenDuringCall ??= (await markers(id)).filter((c) => c.includes('teams'));
      return undefined; // fall through to the fake's own answer
    });
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing' }, id);
    await waitFor('card posted and marked sent', async () => (await markers(id)).includes('notifier:teams'));
    expect(seenDuringCall).toEqual(['claim:notifier:teams']);
    expect(cardsOf(key)).toHaveLength(1);
  });

  it('frees the claim when the webhook answered an error, so the retry posts the card once', async () => {
    const id = randomUUID();
    const key = uniqueName('teams-5xx');
    let failures = 1;
    hub.teams.route('POST', /./, () => (failures-- > 0 ? { status: 503, body: 'busy' } : undefined));
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing' }, id);
    await waitFor('card posted after the retry', () => cardsOf(key).length === 1, { timeoutMs: 15_000 });
    await waitFor('marked sent', async () => (await markers(id)).includes('notifier:teams'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cardsOf(key)).toHaveLength(1);
  });
});
