import { WebAPIRequestError } from '@slack/web-api';
import { FakeSlack } from '@hub/testing';
import { ChannelRateLimitedError, ChannelRejectedError, ChannelUnavailableError } from '../channel.errors.js';
import { SlackWebClient, type SlackWebClientOptions } from './slack-web.client.js';

const TOKEN = 'xoxb-client-test';
const content = {
  text: 'hello',
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hi' } }],
};
const post = { channel: '#platform-alerts', ...content, unfurl_links: false, unfurl_media: false } as const;

describe(`${SlackWebClient.name} against the Slack fake`, () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await new FakeSlack({ token: TOKEN }).start();
  });

  afterEach(async () => {
    await slack.stop();
  });

  const client = (options: Partial<SlackWebClientOptions> = {}) =>
    new SlackWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2_000,
      retries: 1,
      maxRateLimitWaitMs: 1_500,
      ...options,
    });

  it('posts form-encoded with the bearer token, gets the channel id and ts, and edits the message', async () => {
    const sut = client();
    const root = await sut.postMessage(post);
    expect(root).toEqual({ channel: slack.channelId('#platform-alerts'), ts: '1700000000.000100' });
    const reply = await sut.postMessage({ ...post, channel: root.channel, thread_ts: root.ts });
    await sut.update({ channel: root.channel, ts: root.ts, text: 'edited', blocks: content.blocks });

    const [request] = slack.calls('chat.postMessage');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(slack.roots('#platform-alerts')).toMatchObject([
      { ts: root.ts, text: 'edited', edits: [{ text: 'hello' }] },
    ]);
    expect(slack.replies('#platform-alerts', root.ts)).toMatchObject([{ ts: reply.ts, blocks: content.blocks }]);
  });

  it('maps a refused token and an unknown channel to final errors with Slack’s reason', async () => {
    await expect(client({ token: 'xoxb-wrong' }).postMessage(post)).rejects.toThrow(
      new ChannelRejectedError('slack', 'chat.postMessage failed: invalid_auth'),
    );
    await expect(client().update({ channel: 'C0000000000', ts: '1.000001', ...content })).rejects.toThrow(
      'chat.update failed: message_not_found',
    );
  });

  it('posts once anyway when Slack refuses the look-up for good (a missing history scope), and retries a transient one', async () => {
    slack.route('POST', /^\/api\/conversations\.history$/, () => ({ body: { ok: false, error: 'missing_scope' } }));
    const root = await client().postMessage({ ...post, postKey: 'inc-9:root:slack:#platform-alerts', reconcile: true });
    expect(slack.roots('#platform-alerts')).toMatchObject([{ ts: root.ts }]);
    slack.route('POST', /^\/api\/conversations\.history$/, () => ({ status: 503, body: 'down' }));
    await expect(
      client({ retries: 0 }).postMessage({ ...post, postKey: 'inc-10:root:slack:#platform-alerts', reconcile: true }),
    ).rejects.toThrow(ChannelUnavailableError);
    expect(slack.roots('#platform-alerts')).toHaveLength(1);
  });

  it('waits out a short Retry-After and hands a long one to the caller as a rate-limit error', async () => {
    slack.rateLimitNext(1, 1);
    await expect(client().postMessage(post)).resolves.toMatchObject({ ts: expect.any(String) });
    expect(slack.calls('chat.postMessage')).toHaveLength(2);

    slack.rateLimitNext(1, 30);
    const error = await client()
      .postMessage(post)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelRateLimitedError);
    expect((error as ChannelRateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('never posts twice when the answer to a post is lost: it finds the post by its key instead', async () => {
    const sut = client({ retries: 2 });
    slack.loseAnswerNext(1);
    const root = await sut.postMessage({ ...post, postKey: 'inc-1:root:slack:#platform-alerts' });
    expect(slack.roots('#platform-alerts')).toMatchObject([{ ts: root.ts }]);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);

    // A reply whose answer is lost and whose look-up fails too (503 past the client's 2 retries): the caller retries later (the
    // redelivery), which looks again first and finds the reply, still one in the thread.
    slack.loseAnswerNext(1);
    slack.route('POST', /^\/api\/conversations\.replies$/, () => (lookups++ < 3 ? { status: 503 } : undefined));
    let lookups = 0;
    const reply = { ...post, channel: root.channel, thread_ts: root.ts, postKey: 'ev-2:reply:slack:#platform-alerts' };
    await expect(sut.postMessage(reply)).rejects.toThrow(ChannelUnavailableError);
    const again = await sut.postMessage(reply);
    expect(slack.replies('#platform-alerts', root.ts)).toMatchObject([{ ts: again.ts }]);
    expect(slack.calls('chat.postMessage')).toHaveLength(2);
  });

  it('looks for a post whose answer timed out before posting it again', async () => {
    const sut = client({ timeoutMs: 300 });
    const key = 'inc-3:root:slack:#platform-alerts';
    slack.fault('hang');
    await expect(sut.postMessage({ ...post, postKey: key })).rejects.toThrow(ChannelUnavailableError);
    slack.fault();
    const lookUps = slack.calls('conversations.history').length;
    await sut.postMessage({ ...post, postKey: key });
    expect(slack.calls('conversations.history')).toHaveLength(lookUps + 1);
    expect(slack.roots('#platform-alerts')).toHaveLength(1);
  });

  it('reports a refused connection by its code, so a post that never left is not taken for one that may have', async () => {
    const closed = await new FakeSlack({ token: TOKEN }).start();
    await closed.stop();
    const error = await client({ apiUrl: closed.url, retries: 0 })
      .postMessage({ ...post, postKey: 'inc-4:root:slack:#platform-alerts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelUnavailableError);
    const cause = (error as ChannelUnavailableError).cause;
    expect(cause).toBeInstanceOf(WebAPIRequestError);
    expect((cause as WebAPIRequestError).original).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries a 5xx once itself, then reports the channel unavailable', async () => {
    slack.route('POST', /^\/api\/chat\.update$/, () => ({ status: 503, body: 'upstream down' }));
    await expect(client().update({ channel: 'C0000000000', ts: '1.000001', ...content })).rejects.toThrow(
      ChannelUnavailableError,
    );
    expect(slack.calls('chat.update')).toHaveLength(2);
  });

  it('speaks the wire format to raw callers too: JSON bodies, not_authed, unknown_method', async () => {
    const call = (method: string, body: unknown, auth?: string) =>
      fetch(`${slack.url}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    expect(await call('chat.postMessage', { channel: '#x', text: 'hi' })).toEqual({ ok: false, error: 'not_authed' });
    expect(await call('chat.postMessage', { channel: '#x', text: 'hi' }, `Bearer ${TOKEN}`)).toMatchObject({
      ok: true,
      channel: slack.channelId('#x'),
      message: { text: 'hi' },
    });
    expect(await call('conversations.list', {}, `Bearer ${TOKEN}`)).toEqual({ ok: false, error: 'unknown_method' });
    expect(slack.channelId('x')).toBe(slack.channelId('#x'));
  });
});
