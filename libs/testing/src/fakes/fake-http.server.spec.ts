import { FakeSlack } from './slack.fake.js';

const post = (slack: FakeSlack, signal?: AbortSignal) =>
  fetch(`${slack.url}/api/chat.postMessage`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
    body: JSON.stringify({ channel: '#faults', text: 'hello' }),
    signal,
  });

describe('FakeHttpServer faults (fault suite)', () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await new FakeSlack().start();
  });

  afterEach(async () => {
    await slack.stop();
  });

  it('answers every request with the fault, records it, and does nothing a route would do', async () => {
    slack.fault({ status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } });
    const response = await post(slack);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(slack.roots('#faults')).toHaveLength(0);

    slack.fault();
    expect((await post(slack)).status).toBe(200);
    expect(slack.roots('#faults')).toHaveLength(1);
  });

  it('holds requests while hanging and drops their connections, unanswered and without effect, when cleared', async () => {
    slack.fault('hang');
    const pending = post(slack).then(
      (r) => r.status,
      (error: Error) => error.name,
    );
    const raced = await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('pending'), 200))]);
    expect(raced).toBe('pending');
    slack.fault();
    expect(await pending).toBe('TypeError'); // fetch failed: the socket closed without an answer
    expect(slack.roots('#faults')).toHaveLength(0);
    expect((await post(slack)).status).toBe(200);
  });
});
