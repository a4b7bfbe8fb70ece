import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RecordedCall } from '@hub/recorder';
import { uniqueName, waitFor } from '@hub/testing';
import { type NotifierHarness, startNotifier, update } from './__tests__/notifier.harness.js';

interface SlackRequest {
  channel: string;
  text: string;
  ts?: string;
  thread_ts?: string;
  blocks: unknown[];
}

async function outbox(dataDir: string, integration: string): Promise<RecordedCall[]> {
  const text = await readFile(join(dataDir, 'outbox', `${integration}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedCall);
}

describe('notifier without Slack and Teams accounts (embedded default)', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({ routing: null, env: { SLACK_TOKEN: '', TEAMS_WEBHOOK_URL: '' } });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('writes the Slack thread and the Teams cards it would send to the outbox, on the built-in route', async () => {
    const key = uniqueName('fp');
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('firing in the outbox', async () => (await outbox(hub.dataDir, 'slack')).length === 2);
    await hub.publish({ ...update(key, 2, 'resolved'), route: 'no-such-route' });
    await waitFor('resolved in the outbox', async () => (await outbox(hub.dataDir, 'slack')).length === 4);

    const slack = await outbox(hub.dataDir, 'slack');
    const requests = slack.map((entry) => entry.request as SlackRequest);
    expect(slack.map((entry) => entry.operation)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
    ]);
    const [root, firstReply, secondReply, edit] = requests;
    expect(root).toMatchObject({ channel: '#hub-alerts', text: expect.stringContaining('Firing') });
    expect(root?.thread_ts).toBeUndefined();
    expect(firstReply?.thread_ts).toMatch(/^\d+\.\d{6}$/);
    expect(secondReply).toMatchObject({ thread_ts: firstReply?.thread_ts, text: expect.stringContaining('Resolved') });
    expect(edit).toMatchObject({
      channel: '#hub-alerts',
      ts: firstReply?.thread_ts,
      text: expect.stringContaining('Resolved'),
    });
    expect(JSON.stringify(requests)).not.toContain('View trace in Grafana');
    expect(hub.slack.requests).toHaveLength(0);

    const teams = await waitFor('two cards', async () => {
      const entries = await outbox(hub.dataDir, 'teams');
      return entries.length === 2 ? entries : undefined;
    });
    expect(teams.map((entry) => entry.operation)).toEqual(['webhook.post', 'webhook.post']);
    expect(teams[0]?.request).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { version: '1.4' } }],
    });
    expect(hub.teams.requests).toHaveLength(0);
  });
});
