import { createHmac } from 'node:crypto';
import { type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';
import { webhookYaml } from '../../__tests__/webhook-fixtures.js';

const SHOP = 'shop-hmac-secret-0001';
const STRIPE = 'whsec_stripe-secret-0001';
const SLACK = 'slack-signing-secret-0001';
const BEARER = 'partner-bearer-token-0001';

const stripe = `
kind: custom
name: stripe
custom:
  auth:
    hmac:
      header: Stripe-Signature
      key: v1
      secretEnv: CUSTOM_SPEC_STRIPE
      timestamp: { header: Stripe-Signature, key: t, toleranceSeconds: 300 }
event:
  type: "'external.stripe.' + body.type"
  id: body.id
  subject: body.data.object.id
`;
const slack = `
kind: custom
name: slack
custom:
  auth:
    hmac:
      header: X-Slack-Signature
      prefix: v0=
      secretEnv: CUSTOM_SPEC_SLACK
      signedPayload: "v0:{timestamp}:{body}"
      timestamp: { header: X-Slack-Request-Timestamp }
event:
  type: "'external.slack.' + body.event.type"
`;
const partner = `
kind: custom
name: partner
custom:
  auth:
    bearer: { tokenEnv: CUSTOM_SPEC_BEARER }
event:
  type: body.kind
`;

const hex = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

describe('POST /v1/webhooks/custom/{name}', () => {
  let gateway: PushGateway;

  beforeAll(async () => {
    Object.assign(process.env, {
      CUSTOM_SPEC_SHOP: SHOP,
      CUSTOM_SPEC_STRIPE: `whsec_previous-secret-01,${STRIPE}`,
      CUSTOM_SPEC_SLACK: SLACK,
      CUSTOM_SPEC_BEARER: BEARER,
    });
    gateway = await startPushGateway({
      env: { GATEWAY_BODY_LIMIT: '16384' },
      webhooks: {
        'shop.yaml': webhookYaml.customHmac('shop', 'CUSTOM_SPEC_SHOP'),
        'more.yaml': [stripe, slack, partner].join('---\n'),
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (name: string, body: string, headers: Record<string, string>) =>
    gateway.send(`/v1/webhooks/custom/${name}`, body, { 'content-type': 'application/json', ...headers });

  it('maps a signed body by its CEL mapping; the same signed request again is a replay (200, not published)', async () => {
    const body = JSON.stringify({ kind: 'order.paid', order: { id: 'o-17', total: 42.5 } });
    const first = await post('shop', body, { 'x-signature': `sha256=${hex(SHOP, body)}` });
    expect(first.statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.event).toMatchObject({
      type: 'external.shop.order.paid',
      subject: 'o-17',
      incidentkey: 'order:o-17',
      source: '/webhooks/custom/shop',
      hubsource: 'custom.shop',
      data: { order: 'o-17', total: 42.5 },
    });
    const replay = await post('shop', body, { 'x-signature': `sha256=${hex(SHOP, body)}` });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ accepted: 0, ids: [received?.event.id] });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers 401 to a missing, wrong or differently prefixed signature, and to an unknown webhook name', async () => {
    const body = JSON.stringify({ kind: 'order.paid', order: { id: 'o-18' } });
    expect((await post('shop', body, {})).statusCode).toBe(401);
    expect((await post('shop', body, { 'x-signature': `sha256=${hex('another-secret-000', body)}` })).statusCode).toBe(
      401,
    );
    expect((await post('shop', body, { 'x-signature': hex(SHOP, body) })).statusCode).toBe(401);
    const unknown = await post('nope', body, { 'x-signature': `sha256=${hex(SHOP, body)}` });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({
      error: { message: expect.stringContaining('No custom webhook "nope"') as string },
    });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('takes the Stripe scheme (t=…,v1=… over "t.body", one v1 per secret) and refuses a stale timestamp', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'charge.succeeded', data: { object: { id: 'ch_1' } } });
    const t = now();
    const header = `t=${t},v1=${hex('whsec_unrelated-000001', `${t}.${body}`)},v1=${hex(STRIPE, `${t}.${body}`)}`;
    expect((await post('stripe', body, { 'stripe-signature': header })).statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.event).toMatchObject({ id: 'evt_1', type: 'external.stripe.charge.succeeded', subject: 'ch_1' });
    const stale = t - 600;
    const old = await post('stripe', body, { 'stripe-signature': `t=${stale},v1=${hex(STRIPE, `${stale}.${body}`)}` });
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ error: { message: expect.stringContaining('stale') as string } });
    // The event id (the mapping's `id`) is the replay key: a fresh signature does not make it new.
    const t2 = now();
    const again = await post('stripe', body, { 'stripe-signature': `t=${t2},v1=${hex(STRIPE, `${t2}.${body}`)}` });
    expect(again.statusCode).toBe(200);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('takes the Slack scheme (v0=HMAC of "v0:ts:body", X-Slack-Request-Timestamp) and a bearer-token partner', async () => {
    const body = JSON.stringify({ event: { type: 'app_mention', text: 'deploy' } });
    const ts = String(now());
    const signed = { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hex(SLACK, `v0:${ts}:${body}`)}` };
    expect((await post('slack', body, signed)).statusCode).toBe(202);
    expect(
      (await post('slack', body, { ...signed, 'x-slack-request-timestamp': String(now() - 301) })).statusCode,
    ).toBe(401);
    const partnerBody = JSON.stringify({ kind: 'external.partner.invoice' });
    expect((await post('partner', partnerBody, { authorization: `Bearer ${BEARER}` })).statusCode).toBe(202);
    expect((await post('partner', partnerBody, { authorization: 'Bearer wrong-token-000000' })).statusCode).toBe(401);
    const events = (await gateway.received(2)).map((r) => r.event);
    expect(events.map((e) => e.type)).toEqual(['external.slack.app_mention', 'external.partner.invoice']);
  });

  it('refuses an internal type (403), a body the mapping cannot read (422), a non-JSON body (415) and an oversized one (413)', async () => {
    const bearer = { authorization: `Bearer ${BEARER}` };
    const internal = await post('partner', JSON.stringify({ kind: 'action.requested.argocd.sync' }), bearer);
    expect(internal.statusCode).toBe(403);
    const unmapped = await post('partner', JSON.stringify({ other: 1 }), bearer);
    expect(unmapped.statusCode).toBe(422);
    expect(unmapped.json()).toMatchObject({ error: { details: [{ path: 'type' }] } });
    expect(
      (await gateway.send('/v1/webhooks/custom/partner', 'kind=x', { ...bearer, 'content-type': 'text/plain' }))
        .statusCode,
    ).toBe(415);
    expect(
      (await post('partner', JSON.stringify({ kind: 'external.x.y', pad: 'x'.repeat(20_000) }), bearer)).statusCode,
    ).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});

describe('a gateway with a bad config/webhooks file', () => {
  it('does not start, and says which file, line and field are wrong', async () => {
    const started = startPushGateway({
      webhooks: {
        'bad.yaml': 'kind: custom\nname: shop\ncustom:\n  auth:\n    bearer: { tokenEnv: UNSET_TOKEN_VAR_X }\n',
      },
    });
    await expect(started).rejects.toThrow(
      /bad\.yaml:5 custom\.auth\.bearer\.tokenEnv: environment variable UNSET_TOKEN_VAR_X is not set/,
    );
  });
});
