import { createHmac } from 'node:crypto';
import { SignatureRejectedError } from '../push/push.errors.js';
import { type PushRequest } from '../push/push-source.js';
import { SlackSignature } from './slack.signature.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_531_420_618_000;

/** Slack's own worked example (api.slack.com, "Verifying requests from Slack"). */
const body =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

const request = (headers: Record<string, string>, raw = body): PushRequest => ({
  method: 'POST',
  rawBody: Buffer.from(raw),
  body: undefined,
  headers,
  query: {},
});

describe(SlackSignature.name, () => {
  const sut = new SlackSignature([SECRET]);
  const signed = {
    'x-slack-request-timestamp': '1531420618',
    'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };

  it("accepts Slack's documented example", () => {
    expect(() => sut.verify(request(signed), NOW)).not.toThrow();
  });

  it('accepts a signature of any secret of the list (rotation)', () => {
    expect(() => new SlackSignature(['another-secret-of-16+', SECRET]).verify(request(signed), NOW)).not.toThrow();
  });

  it.each([
    ['no signature', { 'x-slack-request-timestamp': '1531420618' }, body, NOW, /X-Slack-Signature is missing/],
    ['a changed body', signed, `${body}&x=1`, NOW, /does not match/],
    ['no timestamp', { 'x-slack-signature': signed['x-slack-signature'] }, body, NOW, /timestamp is missing/],
    ['a timestamp 5 min 1 s old', signed, body, NOW + 301_000, /stale or replayed/],
  ])('refuses %s', (_what, headers, raw, now, message) => {
    expect(() => sut.verify(request(headers, raw), now)).toThrow(message);
  });

  it('refuses a signature made with the timestamp of another request', () => {
    const other = `v0=${createHmac('sha256', SECRET).update(`v0:1531420000:${body}`).digest('hex')}`;
    expect(() => sut.verify(request({ ...signed, 'x-slack-signature': other }), NOW)).toThrow(SignatureRejectedError);
  });

  it('refuses everything when no signing secret is configured', () => {
    expect(() => new SlackSignature([]).verify(request(signed), NOW)).toThrow(/SLACK_SIGNING_SECRET is not set/);
  });
});
