import { OidcFake } from '@hub/testing';
import { type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';
import { webhookYaml } from '../../__tests__/webhook-fixtures.js';

const AUDIENCE = 'https://hub.example.com/v1/webhooks/pubsub/builds';
const ACCOUNT = 'hub-push@acme-prod.iam.gserviceaccount.com';
const GOOGLE = 'https://accounts.google.com';

describe('POST /v1/webhooks/pubsub/{name}', () => {
  let google: OidcFake;
  let gateway: PushGateway;

  beforeAll(async () => {
    google = await OidcFake.start();
    gateway = await startPushGateway({
      env: { GATEWAY_BODY_LIMIT: '16384' },
      webhooks: {
        'down.yaml': webhookYaml.pubsub('down', 'http://127.0.0.1:9/jwks', AUDIENCE, ACCOUNT),
        'builds.yaml': `${webhookYaml.pubsub('builds', google.jwksUrl, AUDIENCE, ACCOUNT)}event:\n  type: "'external.gcp.build.' + attributes.status"\n  subject: body.id\n`,
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await google?.stop();
  });

  const envelope = (data: unknown, messageId: string, attributes: Record<string, string> = { status: 'success' }) => ({
    message: {
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
      attributes,
      messageId,
      publishTime: '2026-12-03T10:00:00.123Z',
    },
    subscription: 'projects/acme-prod/subscriptions/hub-builds',
  });
  const token = (
    claims: Record<string, unknown> = {},
    options: { audience?: string; expiresIn?: number; stranger?: boolean } = {},
  ) =>
    google.token(
      { email: ACCOUNT, email_verified: true, ...claims },
      { audience: AUDIENCE, issuer: GOOGLE, ...options },
    );
  const push = async (body: unknown, bearer?: string) =>
    gateway.send('/v1/webhooks/pubsub/builds', JSON.stringify(body), {
      'content-type': 'application/json',
      ...(bearer === undefined
        ? { authorization: `Bearer ${await token()}` }
        : bearer
          ? { authorization: `Bearer ${bearer}` }
          : {}),
    });

  it('publishes a push with a valid OIDC token: base64 data decoded, attributes mapped, messageId as the event id', async () => {
    const response = await push(envelope({ id: 'build-7', image: 'gcr.io/acme/app:1.2' }, '5150000001'));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 1, ids: ['5150000001'] });
    const [received] = await gateway.received(1);
    expect(received?.event).toMatchObject({
      id: '5150000001',
      type: 'external.gcp.build.success',
      source: 'projects/acme-prod/subscriptions/hub-builds',
      subject: 'build-7',
      time: '2026-12-03T10:00:00.123Z',
      hubsource: 'pubsub.builds',
      data: { id: 'build-7', image: 'gcr.io/acme/app:1.2' },
    });
  });

  it('takes a redelivery (same messageId) once: 200, not published again', async () => {
    expect((await push(envelope({ id: 'build-8' }, '5150000002'))).statusCode).toBe(202);
    await gateway.received(1);
    const again = await push(envelope({ id: 'build-8' }, '5150000002'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 0, ids: ['5150000002'], replayed: ['5150000002'] });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers 401 without a token, and to a token for another audience, account, unverified, expired or forged', async () => {
    const body = envelope({ id: 'build-9' }, '5150000003');
    expect((await push(body, '')).statusCode).toBe(401);
    for (const bad of [
      await token({}, { audience: 'https://elsewhere.example.com' }),
      await token({ email: 'someone@else.iam.gserviceaccount.com' }),
      await token({ email_verified: false }),
      await token({}, { expiresIn: -120 }),
      await token({}, { stranger: true }),
      'not.a.jwt',
    ]) {
      const response = await push(body, bad);
      expect(response.statusCode).toBe(401);
    }
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers 503 (Pub/Sub retries) when the issuer keys cannot be fetched', async () => {
    const response = await gateway.send(
      '/v1/webhooks/pubsub/down',
      JSON.stringify(envelope({ id: 'b' }, '5150000009')),
      {
        'content-type': 'application/json',
        authorization: `Bearer ${await token()}`,
      },
    );
    expect(response.statusCode).toBe(503);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('refuses a push envelope of the wrong shape (422) and an oversized one (413)', async () => {
    const bad = await push({ message: { data: '***', messageId: '1' }, subscription: 's' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { details: [{ path: 'message.data', problem: 'must be base64' }] } });
    expect((await push(envelope('x'.repeat(20_000), '5150000004'))).statusCode).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});
