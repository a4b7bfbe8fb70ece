import { uniqueName, waitFor } from '@hub/testing';
import { type NotifierHarness, ofIncident, startNotifier, update } from '../../__tests__/notifier.harness.js';

const ALERTS = '#platform-alerts';

/** Root edits left to a newer update of the incident that waits behind (docs/notifications.md). */
describe('Slack root edits of updates queued at once', () => {
  let hub: NotifierHarness;
  /** Opens the Slack posts held since {@link holdPosts}. */
  let openPosts: () => void = () => undefined;

  beforeAll(async () => {
    hub = await startNotifier({ env: { TEAMS_WEBHOOK_URL: '' } });
  });

  afterEach(() => openPosts());

  afterAll(async () => {
    await hub?.close();
  });

  /** Holds every `chat.postMessage` (then answered as usual) until `openPosts()`. */
  const holdPosts = () => {
    const opened = new Promise<void>((resolve) => (openPosts = resolve));
    hub.slack.route('POST', /^\/api\/chat\.postMessage$/, async () => {
      await opened;
      return undefined;
    });
  };
  const rootsOf = (key: string) => ofIncident(hub.slack.roots(ALERTS), key);
  const repliesOf = (key: string) => {
    const [root] = rootsOf(key);
    return root ? hub.slack.replies(ALERTS, root.ts) : [];
  };
  const editsOf = (ts: string) =>
    hub.slack.calls('chat.update').filter((call) => (call.json as { ts?: string } | undefined)?.ts === ts);

  /** Publishes the updates of `key` with the posts held, and waits until the notifier holds them all, the first posting its root. */
  const publishQueued = async (key: string, updates: Parameters<NotifierHarness['publish']>[0][]) => {
    holdPosts();
    for (const data of updates) await hub.publish(data);
    await waitFor('every update in hand', () => {
      const inHand = hub.apps[0]!.server.deliveriesInHand === updates.length;
      return inHand && hub.slack.calls('chat.postMessage').some((call) => JSON.stringify(call.json).includes(key));
    });
  };

  it('edits the root once, to the last state, when three updates of one incident wait at once; every reply in order', async () => {
    const key = uniqueName('fp');
    await publishQueued(key, [update(key, 1, 'firing'), update(key, 2, 'remediating'), update(key, 3, 'remediated')]);
    openPosts();

    await waitFor('3 replies', () => repliesOf(key).length === 3, { timeoutMs: 20_000 });
    await waitFor('the root at the last state', () => rootsOf(key)[0]?.text.includes('Remediation succeeded'), {
      timeoutMs: 20_000,
    });
    await waitFor('all settled', () => hub.apps[0]!.server.deliveriesInHand === 0);
    const [root] = rootsOf(key);
    expect(rootsOf(key)).toHaveLength(1);
    // Posted firing; update 2 left its edit to update 3, which made it.
    expect(root!.edits.map((e) => e.text)).toEqual([expect.stringContaining('Firing')]);
    expect(editsOf(root!.ts)).toHaveLength(1);
    expect(repliesOf(key).map((r) => r.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Remediation started'),
      expect.stringContaining('Remediation succeeded'),
    ]);
    const { rows } = await hub.schema.pool.query<{ last_sequence: number; reply_sequence: number }>(
      'SELECT last_sequence, reply_sequence FROM notification_threads WHERE incident_key = $1',
      [`${key}/inc-${key}`],
    );
    expect(rows).toEqual([{ last_sequence: 3, reply_sequence: 3 }]);
  });

  it('still edits the root when what waits is a new incident of the same key (a root of its own)', async () => {
    const key = uniqueName('fp');
    await publishQueued(key, [
      update(key, 1, 'firing'),
      update(key, 2, 'resolved'),
      { ...update(key, 1, 'firing'), incidentId: `inc-${key}-again` },
    ]);
    openPosts();

    await waitFor('two roots, one reply each', () => rootsOf(key).length === 2 && repliesOf(key).length === 2, {
      timeoutMs: 20_000,
    });
    await waitFor('all settled', () => hub.apps[0]!.server.deliveriesInHand === 0);
    // Roots newest first; the first incident's root edited to resolved by its own update.
    const first = rootsOf(key).find((root) => root.edits.length > 0);
    expect(first?.text).toContain('Resolved');
    expect(editsOf(first!.ts)).toHaveLength(1);
  });
});
