import { randomUUID } from 'node:crypto';
import { OidcFake } from '@hub/testing';
import { type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';
import { webhookYaml } from '../../__tests__/webhook-fixtures.js';

const SECRET = 'eventgrid-query-secret-0001';
const TENANT = 'https://login.microsoftonline.com/7f0c3a1e-0000-4000-8000-000000000001/v2.0';
const APP = 'api://hub-eventgrid';

const blobCreated = (id = randomUUID()) => ({
  id,
  topic: '/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acme',
  subject: '/blobServices/default/containers/backups/blobs/db.tar.gz',
  eventType: 'Microsoft.Storage.BlobCreated',
  eventTime: '2026-12-03T10:00:00.000Z',
  data: { api: 'PutBlob', contentLength: 524288 },
  dataVersion: '1',
});

describe('/v1/webhooks/eventgrid/{name}', () => {
  let entra: OidcFake;
  let gateway: PushGateway;

  beforeAll(async () => {
    entra = await OidcFake.start();
    process.env.EVENTGRID_SPEC_SECRET = SECRET;
    const bearer = `kind: eventgrid\nname: entra\neventgrid:\n  bearer:\n    jwksUrl: ${entra.jwksUrl}\n    issuers: ['${TENANT}']\n    audience: ${APP}\n`;
    gateway = await startPushGateway({
      env: { GATEWAY_BODY_LIMIT: '16384' },
      webhooks: { 'storage.yaml': webhookYaml.eventgrid('storage', 'EVENTGRID_SPEC_SECRET'), 'entra.yaml': bearer },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await entra?.stop();
  });

  const post = (body: unknown, { query = `?code=${SECRET}`, name = 'storage', headers = {} } = {}) =>
    gateway.send(`/v1/webhooks/eventgrid/${name}${query}`, JSON.stringify(body), {
      'content-type': 'application/json',
      ...headers,
    });

  it('answers the Event Grid schema validation handshake with the validation code, only with the secret', async () => {
    const validation = [
      {
        id: randomUUID(),
        topic: '/subscriptions/s-1',
        subject: '',
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: '2026-12-03T10:00:00Z',
        data: {
          validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
          validationUrl: 'https://rp.example.com/validate',
        },
        dataVersion: '1',
      },
    ];
    const response = await post(validation, { headers: { 'aeg-event-type': 'SubscriptionValidation' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
    expect((await post(validation, { query: '' })).statusCode).toBe(401);
    expect((await post(validation, { query: '?code=wrong' })).statusCode).toBe(401);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers the CloudEvents OPTIONS handshake with WebHook-Allowed-Origin', async () => {
    const response = await gateway.send(
      `/v1/webhooks/eventgrid/storage?code=${SECRET}`,
      '',
      { 'webhook-request-origin': 'eventgrid.azure.net' },
      'OPTIONS',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['webhook-allowed-origin']).toBe('eventgrid.azure.net');
    const unsigned = await gateway.send(
      '/v1/webhooks/eventgrid/storage',
      '',
      { 'webhook-request-origin': 'eventgrid.azure.net' },
      'OPTIONS',
    );
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.headers['webhook-allowed-origin']).toBeUndefined();
  });

  it('publishes each event of a batch, its id the event id; a redelivered batch publishes only what is new', async () => {
    const [a, b, c] = [blobCreated(), blobCreated(), blobCreated()];
    const response = await post([a, b]);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 2, ids: [a.id, b.id] });
    const events = (await gateway.received(2)).map((r) => r.event);
    expect(events[0]).toMatchObject({
      id: a.id,
      type: 'external.azure.eventgrid.storage',
      source: a.topic,
      subject: a.subject,
      time: a.eventTime,
      hubsource: 'eventgrid.storage',
      data: { eventType: 'Microsoft.Storage.BlobCreated', data: { api: 'PutBlob' } },
    });
    const again = await post([a, b, c]);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ accepted: 1, ids: [c.id, a.id, b.id], replayed: [a.id, b.id] });
    expect((await gateway.received(1))[0]?.event.id).toBe(c.id);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('takes the CloudEvents schema and an Entra bearer token instead of a secret', async () => {
    const cloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/azure/acme',
      type: 'Microsoft.Storage.BlobDeleted',
      subject: 'blob-1',
      time: '2026-12-03T10:05:00Z',
      data: { api: 'DeleteBlob' },
    };
    const token = await entra.token({ appid: 'eventgrid' }, { audience: APP, issuer: TENANT });
    const response = await gateway.send('/v1/webhooks/eventgrid/entra', JSON.stringify(cloudEvent), {
      'content-type': 'application/cloudevents+json',
      authorization: `Bearer ${token}`,
    });
    expect(response.statusCode).toBe(202);
    expect((await gateway.received(1))[0]?.event).toMatchObject({
      id: cloudEvent.id,
      source: '/azure/acme',
      subject: 'blob-1',
      type: 'external.azure.eventgrid.entra',
    });
    const wrongAudience = await entra.token({}, { audience: 'api://other', issuer: TENANT });
    for (const authorization of [undefined, `Bearer ${wrongAudience}`]) {
      const refused = await gateway.send('/v1/webhooks/eventgrid/entra', JSON.stringify(cloudEvent), {
        'content-type': 'application/cloudevents+json',
        ...(authorization ? { authorization } : {}),
      });
      expect(refused.statusCode).toBe(401);
    }
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('refuses a delivery of the wrong shape (422) and an oversized one (413)', async () => {
    expect((await post([{ id: 'x' }])).statusCode).toBe(422);
    expect((await post({ not: 'an event' })).statusCode).toBe(422);
    expect((await post([{ ...blobCreated(), data: { pad: 'x'.repeat(20_000) } }])).statusCode).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});
